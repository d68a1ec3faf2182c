// What an object provides to, and needs from, the rest of a cluster, as string keys.
// Synthesis orders Flux Kustomizations by these facts, and the checker finds a
// missing dependsOn in hand-written repositories with the same function.
import { groupOf, type K8sObject } from './object.js';

/**
 * A fact key: `crd:cert-manager.io/ClusterIssuer`, `namespace:monitoring`,
 * `source:OCIRepository/kube-system/cilium`, `clusterissuer:letsencrypt-production`,
 * `clustersecretstore:onepassword`, `storageclass:ceph-block`, `secret:databases/postgres-s3` …
 */
export type Fact = string;

/** API groups the API server serves itself: using them needs no CRD. */
const BUILT_IN_GROUPS = new Set([
  '', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'rbac.authorization.k8s.io',
  'storage.k8s.io', 'apiextensions.k8s.io', 'admissionregistration.k8s.io', 'scheduling.k8s.io',
  'coordination.k8s.io', 'node.k8s.io', 'discovery.k8s.io', 'certificates.k8s.io',
  'flowcontrol.apiserver.k8s.io', 'apiregistration.k8s.io', 'events.k8s.io', 'resource.k8s.io',
  'authentication.k8s.io', 'authorization.k8s.io', 'internal.apiserver.k8s.io', 'storagemigration.k8s.io',
]);

export function isBuiltInGroup(group: string): boolean {
  return BUILT_IN_GROUPS.has(group);
}

/**
 * API groups the platform serves through its own API, not a CRD any Kustomization installs:
 * Talos registers talos.dev (ServiceAccount, with machine.features.kubernetesTalosAPIAccess).
 * Nothing in the repository provides them, so nothing orders on them.
 */
const PLATFORM_GROUPS = new Map([['talos.dev', 'Talos']]);

export function isPlatformGroup(group: string): boolean {
  return PLATFORM_GROUPS.has(group);
}

/** The platform that serves `group` itself ("Talos"), if any. */
export function platformServing(group: string): string | undefined {
  return PLATFORM_GROUPS.get(group);
}

/** Flux's own APIs exist wherever Flux reconciles anything, so nothing orders on them. */
export function isFluxGroup(group: string): boolean {
  return group.endsWith('.toolkit.fluxcd.io');
}

export const crdFact = (group: string, kind: string): Fact => `crd:${group}/${kind}`;

const SOURCE_KINDS = new Set(['GitRepository', 'OCIRepository', 'HelmRepository', 'HelmChart', 'Bucket', 'ExternalArtifact']);

export function providedBy(o: K8sObject): Fact[] {
  const name = o.metadata.name;
  const ns = o.metadata.namespace;
  const group = groupOf(o.apiVersion);
  const out: Fact[] = [];
  switch (o.kind) {
    case 'Namespace': out.push(`namespace:${name}`); break;
    case 'CustomResourceDefinition': {
      const spec = o.spec as { group?: string; names?: { kind?: string } } | undefined;
      if (spec?.group && spec.names?.kind) out.push(crdFact(spec.group, spec.names.kind));
      break;
    }
    case 'ClusterIssuer': out.push(`clusterissuer:${name}`); break;
    case 'Issuer': out.push(`issuer:${ns}/${name}`); break;
    case 'ClusterSecretStore': out.push(`clustersecretstore:${name}`); break;
    case 'SecretStore': out.push(`secretstore:${ns}/${name}`); break;
    case 'StorageClass': out.push(`storageclass:${name}`); break;
    case 'VolumeSnapshotClass': out.push(`volumesnapshotclass:${name}`); break;
    case 'GatewayClass': out.push(`gatewayclass:${name}`); break;
    case 'Gateway': if (group === 'gateway.networking.k8s.io') out.push(`gateway:${ns}/${name}`); break;
    case 'Secret': out.push(`secret:${ns}/${name}`); break;
    case 'ConfigMap': out.push(`configmap:${ns}/${name}`); break;
    case 'ExternalSecret': {
      const target = (o.spec as { target?: { name?: string } } | undefined)?.target?.name ?? name;
      out.push(`secret:${ns}/${target}`);
      break;
    }
    case 'SealedSecret': out.push(`secret:${ns}/${name}`); break;
    case 'Certificate': {
      const secretName = (o.spec as { secretName?: string } | undefined)?.secretName;
      if (secretName) out.push(`secret:${ns}/${secretName}`);
      break;
    }
    case 'Service': out.push(`service:${ns}/${name}`); break;
    // address pools LoadBalancer Services draw from (Cilium LB IPAM, MetalLB)
    case 'CiliumLoadBalancerIPPool': if (group === 'cilium.io') out.push(`lbpool:${name}`); break;
    case 'IPAddressPool': if (group === 'metallb.io') out.push(`lbpool:${ns}/${name}`); break;
    case 'Cluster':
      // CloudNativePG creates the read-write, read-only and any-instance Services
      if (group === 'postgresql.cnpg.io') for (const suffix of ['rw', 'ro', 'r']) out.push(`service:${ns}/${name}-${suffix}`);
      break;
    case 'ClusterClass': if (group === 'cluster.x-k8s.io') out.push(`clusterclass:${ns}/${name}`); break;
    case 'ConstraintTemplate': {
      // Gatekeeper makes a CRD of the template's kind, which the constraints are objects of
      const kind = (o.spec as { crd?: { spec?: { names?: { kind?: string } } } } | undefined)?.crd?.spec?.names?.kind;
      if (group === 'templates.gatekeeper.sh' && kind) out.push(crdFact('constraints.gatekeeper.sh', kind));
      break;
    }
  }
  if (SOURCE_KINDS.has(o.kind) && isFluxGroup(group)) out.push(`source:${o.kind}/${ns}/${name}`);
  return out;
}

export function usedBy(o: K8sObject): Fact[] {
  const ns = o.metadata.namespace;
  const group = groupOf(o.apiVersion);
  const out = new Set<Fact>();
  if (!isBuiltInGroup(group) && !isFluxGroup(group) && !isPlatformGroup(group)) out.add(crdFact(group, o.kind));
  if (ns && o.kind !== 'Namespace') out.add(`namespace:${ns}`);
  const spec = (o.spec ?? {}) as Record<string, any>;

  if (isFluxGroup(group)) fluxReferences(o.kind, spec, ns, out);
  if (o.kind === 'ExternalSecret' || o.kind === 'PushSecret') {
    const ref = spec.secretStoreRef as { kind?: string; name?: string } | undefined;
    if (ref?.name) out.add(ref.kind === 'ClusterSecretStore' ? `clustersecretstore:${ref.name}` : `secretstore:${ns}/${ref.name}`);
  }
  if (o.kind === 'Certificate' && spec.issuerRef?.name) {
    out.add(spec.issuerRef.kind === 'ClusterIssuer' ? `clusterissuer:${spec.issuerRef.name}` : `issuer:${ns}/${spec.issuerRef.name}`);
  }
  const issuer = o.metadata.annotations?.['cert-manager.io/cluster-issuer'];
  if (issuer) out.add(`clusterissuer:${issuer}`);
  if (o.kind === 'Gateway' && typeof spec.gatewayClassName === 'string') out.add(`gatewayclass:${spec.gatewayClassName}`);
  // Cluster API: a Cluster's ClusterClass must exist before it (the webhook rejects it otherwise)
  if (o.kind === 'Cluster' && group === 'cluster.x-k8s.io' && typeof spec.topology?.class === 'string') {
    out.add(`clusterclass:${spec.topology.classNamespace ?? ns}/${spec.topology.class}`);
  }
  // Cluster API infrastructure providers' credentials (CAPMOX credentialsRef)
  if (spec.credentialsRef?.name && group.endsWith('cluster.x-k8s.io')) out.add(`secret:${spec.credentialsRef.namespace ?? ns}/${spec.credentialsRef.name}`);
  for (const parent of (spec.parentRefs ?? []) as Array<{ kind?: string; name?: string; namespace?: string }>) {
    if (parent?.name && (parent.kind ?? 'Gateway') === 'Gateway') out.add(`gateway:${parent.namespace ?? ns}/${parent.name}`);
  }
  walkReferences(o.kind === 'HelmRelease' ? spec.values : spec, ns, out);
  return [...out];
}

function fluxReferences(kind: string, spec: Record<string, any>, ns: string | undefined, out: Set<Fact>): void {
  const source = (ref: { kind?: string; name?: string; namespace?: string } | undefined) => {
    if (ref?.kind && ref.name) out.add(`source:${ref.kind}/${ref.namespace ?? ns}/${ref.name}`);
  };
  if (kind === 'HelmRelease') {
    source(spec.chartRef);
    source(spec.chart?.spec?.sourceRef);
    valueSources(spec.valuesFrom, ns, out);
  } else if (kind === 'Kustomization') {
    source(spec.sourceRef);
    valueSources(spec.postBuild?.substituteFrom, ns, out);
  }
}

function valueSources(list: unknown, ns: string | undefined, out: Set<Fact>): void {
  if (!Array.isArray(list)) return;
  for (const ref of list as Array<{ kind?: string; name?: string; optional?: boolean }>) {
    if (!ref?.name || ref.optional) continue;
    out.add(`${ref.kind === 'Secret' ? 'secret' : 'configmap'}:${ns}/${ref.name}`);
  }
}

/** `<service>.<namespace>.svc[.cluster.local]`: an in-cluster address, e.g. a database host in chart values. */
const SERVICE_HOST = /(?<![\w.-])([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(?![\w-])/g;

/**
 * Storage classes, snapshot classes and Secrets are referenced from many places
 * (PVC templates, operator CRs, chart values), always under the same field names,
 * so one walk finds them all.
 */
function walkReferences(node: unknown, ns: string | undefined, out: Set<Fact>, depth = 0): void {
  if (depth > 40 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) walkReferences(item, ns, out, depth + 1);
    return;
  }
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (typeof value === 'string' && value) {
      for (const m of value.matchAll(SERVICE_HOST)) out.add(`service:${m[3]}/${m[1]}`);
      if (key === 'storageClassName' || key === 'storageClass') out.add(`storageclass:${value}`);
      else if (key === 'volumeSnapshotClassName') out.add(`volumesnapshotclass:${value}`);
      else if (ns && key === 'secretName') out.add(`secret:${ns}/${value}`);
    } else if (ns && value && typeof value === 'object' && !Array.isArray(value) && /(^s|S)ecret(Key)?Ref$/.test(key)) {
      const name = (value as { name?: unknown }).name;
      if (typeof name === 'string' && name) out.add(`secret:${ns}/${name}`);
    }
    walkReferences(value, ns, out, depth + 1);
  }
}

/** What a set of objects provides to the cluster, and what they use that they do not provide. */
export function factsOf(objects: Iterable<K8sObject>): { provides: Fact[]; uses: Fact[] } {
  const provides = new Set<Fact>();
  const uses = new Set<Fact>();
  for (const o of objects) {
    if (!o.kind || !o.metadata?.name) continue;
    providedBy(o).forEach((f) => provides.add(f));
    usedBy(o).forEach((f) => uses.add(f));
  }
  return { provides: [...provides].sort(), uses: [...uses].filter((f) => !provides.has(f)).sort() };
}
