// Flux multi-tenancy (seeds 002, 003): the teams' namespaces, made with the cluster's (Pod
// Security level, baseline NetworkPolicies), and one unit per team — a ResourceQuota per
// namespace, a ServiceAccount
// the team's Flux objects impersonate, RoleBindings giving it `admin` in the team's namespaces
// only, and the team's GitRepository and Kustomization, in the team's own namespace. The Flux
// controllers get --no-cross-namespace-refs and --no-remote-bases (the flux module reads
// has('tenants')), and synth declares the teams in .slipway.yaml so `slipway check` holds every
// Flux object in a team namespace to the same rules (flux/tenant-isolation).
//
// A team's manifests live in its own repository (`repo`), or in this one under
// tenants/<cluster>/<team>/, a folder synth only puts a README in: what the team adds there is
// theirs, and re-synth never touches it.
import { externalSecret, fromItem, SECRET_STORE } from '../k8s/builders.js';
import type { K8sObject } from '../k8s/object.js';
import { defineModule, ModuleConfigError, type PodSecurityLevel, type Unit } from '../model/module.js';
import type { ClusterConfig, FleetConfig } from '../model/types.js';

export interface Team {
  name: string;
  /** The team's namespaces; the first holds its ServiceAccount, source and Kustomization. Default: [name]. */
  namespaces?: string[];
  /** The team's own repository; default: this repository's tenants/<cluster>/<team>/. */
  repo?: { url: string; branch?: string; path?: string };
  /** 1Password (or local vault) item with the deploy key of the team's repository (fields deploy-key, known-hosts). */
  gitItem?: string;
  podSecurity?: PodSecurityLevel;
  /** Quota per namespace. */
  quota?: { cpu: string; memory: string; pods: number };
}

const DEFAULT_QUOTA = { cpu: '8', memory: '16Gi', pods: 100 };
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const tenantFolder = (cluster: string, team: string) => `tenants/${cluster}/${team}`;
export const teamNamespaces = (t: Team) => t.namespaces?.length ? t.namespaces : [t.name];

export const tenants = defineModule({
  name: 'tenants',
  description: 'Flux multi-tenancy: team namespaces, impersonated ServiceAccounts, RBAC, per-team sources and Kustomizations',
  namespace: { name: 'flux-system', podSecurity: 'restricted' },
  defaults: { teams: [] as Team[] },
  // the teams' namespaces are the cluster's: created before any unit (a team's Secrets, delivered
  // by another unit, need them), with their Pod Security level and the baseline policies
  extraNamespaces: (o) => o.teams.flatMap((t) => teamNamespaces(t).map((name) => ({ name, podSecurity: t.podSecurity ?? 'restricted' }))),
  render({ options: o, fleet, cluster }) {
    if (!o.teams.length) throw new ModuleConfigError(`tenants on cluster "${cluster.name}": no teams; list them in the module's teams option`);
    const taken = new Set<string>();
    return o.teams.map((t, i) => {
      if (!DNS_LABEL.test(t.name)) throw new ModuleConfigError(`tenants on cluster "${cluster.name}": teams[${i}].name "${t.name}" must be a lowercase DNS label`);
      for (const ns of teamNamespaces(t)) {
        if (taken.has(ns)) throw new ModuleConfigError(`tenants on cluster "${cluster.name}": namespace "${ns}" of team ${t.name} belongs to another team too`);
        if (cluster.modules.some((m) => m.module.namespace.name === ns)) throw new ModuleConfigError(`tenants on cluster "${cluster.name}": namespace "${ns}" of team ${t.name} is a platform module's namespace; give the team its own`);
        taken.add(ns);
      }
      return teamUnit(fleet, cluster, t);
    });
  },
});

function teamUnit(fleet: FleetConfig, cluster: ClusterConfig, t: Team): Unit {
  const namespaces = teamNamespaces(t);
  const home = namespaces[0];
  const quota = t.quota ?? DEFAULT_QUOTA;
  const url = t.repo?.url ?? fleet.git.url;
  const ssh = /^(ssh:\/\/|git@)/.test(url);
  const objects: K8sObject[] = [];
  for (const ns of namespaces) {
    objects.push(
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'team', namespace: ns },
        spec: { hard: { 'requests.cpu': quota.cpu, 'requests.memory': quota.memory, 'limits.memory': quota.memory, pods: String(quota.pods) } },
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: `${t.name}-reconciler`, namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
        subjects: [{ kind: 'ServiceAccount', name: t.name, namespace: home }],
      },
    );
  }
  objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: t.name, namespace: home } });
  const flux: K8sObject[] = [
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: t.name, namespace: home },
      spec: {
        interval: '5m',
        url,
        ref: { branch: t.repo?.branch ?? fleet.git.branch ?? 'main' },
        ...(ssh ? { secretRef: { name: `${t.name}-git` } } : {}),
      },
    },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: t.name, namespace: home },
      spec: {
        interval: '10m',
        path: t.repo ? (t.repo.path ?? './') : `./${tenantFolder(cluster.name, t.name)}`,
        prune: true,
        retryInterval: '2m',
        serviceAccountName: t.name,
        sourceRef: { kind: 'GitRepository', name: t.name },
        // one namespace: the team's manifests need not name it; several: they must
        ...(namespaces.length === 1 ? { targetNamespace: home } : {}),
        timeout: '5m',
        wait: true,
      },
    },
  ];
  const files = [
    { file: 'team.yaml', objects },
    { file: 'sync.yaml', objects: flux },
    ...(ssh ? [{ file: 'externalsecret.yaml', objects: [externalSecret(`${t.name}-git`, home, SECRET_STORE, fromItem(t.gitItem ?? 'flux', { identity: 'deploy-key', known_hosts: 'known-hosts' }))] }] : []),
  ];
  return { name: `tenant-${t.name}`, dir: t.name, files };
}
