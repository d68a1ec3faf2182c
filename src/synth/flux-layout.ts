// The Flux side of the repository, in the layout the community uses
// (flux bootstrap's clusters/<name>/flux-system + onedr0p's <namespace>/<app>/ks.yaml):
//
//   clusters/<cluster>/flux-system/gotk-sync.yaml   GitRepository + root Kustomization
//   clusters/<cluster>/cluster-apps.yaml            Kustomization of kubernetes/<cluster>/apps
//   kubernetes/<cluster>/apps/<ns>/                  namespace.yaml, networkpolicy.yaml
//   kubernetes/<cluster>/apps/<ns>/<module>/ks.yaml  one Flux Kustomization per unit
//   kubernetes/<cluster>/apps/<ns>/<module>/<dir>/   the unit's manifests
import { namespace as namespaceObject } from '../k8s/builders.js';
import { gitopsOf } from '../k8s/fleet.js';
import { namespaceBaseline } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import type { ClusterPlan, FleetPlan, PlannedUnit } from './plan.js';
import { SOPS_KEY_SECRET } from './local-secrets.js';
import type { FileTree } from './tree.js';
import { toYamlDocuments } from './yaml.js';

const FLUX_NS = 'flux-system';
/** Namespaces whose system pods (CNI, DNS, hostNetwork agents) a default-deny would cut off. */
const NO_BASELINE = new Set(['kube-system']);

export const appsRoot = (cluster: string) => `kubernetes/${cluster}/apps`;
export const moduleDir = (cluster: string, u: PlannedUnit) => `${appsRoot(cluster)}/${u.namespace.name}/${u.module.name}`;
export const unitDir = (cluster: string, u: PlannedUnit) => `${moduleDir(cluster, u)}/${u.unit.dir}`;

/** Settings every Flux Kustomization gets (seed 003: wait, prune, timeouts, health checks). */
const RECONCILE = { interval: '1h', retryInterval: '2m', prune: true } as const;

export function writeFluxLayout(plan: FleetPlan, tree: FileTree): void {
  for (const cp of plan.clusters) {
    if (gitopsOf(plan.fleet, cp.cluster) !== 'flux') continue;
    writeEntryPoint(plan, cp, tree);
    writeApps(cp, tree);
  }
}

function writeEntryPoint(plan: FleetPlan, cp: ClusterPlan, tree: FileTree): void {
  const name = cp.cluster.name;
  const base = `clusters/${name}`;
  const source = { kind: 'GitRepository', name: FLUX_NS };
  tree.add(`${base}/flux-system/gotk-sync.yaml`, toYamlDocuments([
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: FLUX_NS, namespace: FLUX_NS },
      spec: {
        interval: '1h',
        ref: { branch: plan.fleet.git.branch ?? 'main' },
        secretRef: { name: 'flux-system' },
        url: plan.fleet.git.url,
      },
    },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: FLUX_NS, namespace: FLUX_NS },
      spec: sortKeys({
        ...RECONCILE,
        path: `./${base}`,
        sourceRef: source,
        timeout: '5m',
        // waiting on itself would never finish; the apps tree is what matters
        healthChecks: [{ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'cluster-apps', namespace: FLUX_NS }],
      }),
    },
  ]));
  tree.add(`${base}/flux-system/kustomization.yaml`, kustomization(['gotk-sync.yaml']));
  tree.add(`${base}/cluster-apps.yaml`, toYamlDocuments([{
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'cluster-apps', namespace: FLUX_NS },
    spec: sortKeys({
      ...RECONCILE,
      path: `./${appsRoot(name)}`,
      sourceRef: source,
      timeout: '5m',
      // not `wait`: that would block on every child Kustomization; the namespaces are
      // what the children need from this level
      healthChecks: cp.namespaces.map((ns) => ({ apiVersion: 'v1', kind: 'Namespace', name: ns.name })),
    }),
  }]));
  tree.add(`${base}/kustomization.yaml`, kustomization(['./flux-system', './cluster-apps.yaml']));
}

function writeApps(cp: ClusterPlan, tree: FileTree): void {
  const name = cp.cluster.name;
  const root = appsRoot(name);
  tree.add(`${root}/kustomization.yaml`, kustomization(cp.namespaces.map((n) => `./${n.name}`)));
  for (const ns of cp.namespaces) {
    // a unit installed outside GitOps (clusterctl init) has no Kustomization
    const members = cp.units.filter((u) => u.namespace.name === ns.name && !u.unit.installedBy);
    const modules = [...new Set(members.map((u) => u.module.name))].sort();
    const files = ['./namespace.yaml'];
    tree.add(`${root}/${ns.name}/namespace.yaml`, toYamlDocuments([namespaceObject(ns.name, ns.podSecurity)]));
    if (!NO_BASELINE.has(ns.name)) {
      files.push('./networkpolicy.yaml');
      tree.add(`${root}/${ns.name}/networkpolicy.yaml`, toYamlDocuments(namespaceBaseline(ns.name, cp.cluster.network)));
    }
    tree.add(`${root}/${ns.name}/kustomization.yaml`, kustomization([...files, ...modules.map((m) => `./${m}/ks.yaml`)]));
    for (const m of modules) {
      const units = members.filter((u) => u.module.name === m);
      tree.add(`${root}/${ns.name}/${m}/ks.yaml`, toYamlDocuments(units.map((u) => fluxKustomization(name, u))));
      for (const u of units) writeUnit(name, u, tree);
    }
  }
}

function fluxKustomization(cluster: string, u: PlannedUnit): K8sObject {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: u.unit.name, namespace: FLUX_NS },
    spec: sortKeys({
      ...(u.dependsOn.length ? { dependsOn: u.dependsOn.map((d) => ({ name: d })) } : {}),
      ...RECONCILE,
      path: `./${unitDir(cluster, u)}`,
      sourceRef: { kind: 'GitRepository', name: FLUX_NS },
      timeout: unitTimeout(u),
      wait: true,
      ...(u.unit.decryptsSops ? { decryption: { provider: 'sops', secretRef: { name: SOPS_KEY_SECRET } } } : {}),
      ...(u.unit.substitute ? { postBuild: { substitute: u.unit.substitute } } : {}),
    }),
  };
}

/** Flux specs read best with their fields in alphabetical order, as `flux export` writes them. */
function sortKeys<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b))) as T;
}

function writeUnit(cluster: string, u: PlannedUnit, tree: FileTree): void {
  const dir = unitDir(cluster, u);
  const files = [...u.unit.files].sort((a, b) => a.file.localeCompare(b.file));
  for (const f of files) tree.add(`${dir}/${f.file}`, toYamlDocuments(f.objects));
  // files a task makes are listed too: until it has run, the build names each one missing
  const made = u.unit.madeByTask;
  if (made) tree.add(`${dir}/README.md`, made.readme);
  tree.add(`${dir}/kustomization.yaml`, kustomization([...files.map((f) => `./${f.file}`), ...(made?.files ?? []).map((f) => `./${f}`)]));
}

function kustomization(resources: string[]): string {
  return toYamlDocuments([{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }]);
}

/** Go durations as Flux writes them: "1h30m", "15m", "90s" → seconds. */
function seconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+)(h|m|s)/g)) total += Number(n) * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1);
  return total;
}

/**
 * The unit's health-check timeout: its own (10m by default), and never shorter than a HelmRelease
 * it applies, or the Kustomization gives up while Helm is still within its time.
 */
function unitTimeout(u: PlannedUnit): string {
  const own = u.unit.timeout ?? '10m';
  const releases = u.unit.files.flatMap((f) => f.objects)
    .filter((o) => o.kind === 'HelmRelease')
    .map((o) => (o.spec as { timeout?: string } | undefined)?.timeout)
    .filter((t): t is string => typeof t === 'string');
  return [own, ...releases].reduce((a, b) => (seconds(b) > seconds(a) ? b : a));
}
