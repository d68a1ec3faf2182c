// ref/missing: every reference a manifest makes resolves against everything its cluster will
// have (src/check/references/universe.ts). A reference to something that exists nowhere is an
// error that names it, says where it was looked for, and suggests the closest existing name.
import type { K8sObject } from '../../k8s/object.js';
import { readOfflineConfig } from '../../repo/flux/offline-config.js';
import type { AppliedResource, FluxCluster, FluxKustomization } from '../../repo/flux/index.js';
import type { CheckContext } from '../context.js';
import { podSpecOf, referencesOf, NAMESPACED_TARGETS, type Reference } from '../references/extract.js';
import { closestName, nearMiss } from '../references/suggest.js';
import { ClusterUniverse, type Kind } from '../references/universe.js';
import { kustomizationRef, unitLabel, type Rule, type RuleFinding } from '../rule.js';
import { bootstrapFacts } from './bootstrap.js';

const describe = (id: { kind: string; namespace?: string; name: string }) => `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
const target = (kind: Kind, namespace: string | undefined, name: string) => `${kind} ${namespace && kind !== 'Namespace' && NAMESPACED_TARGETS.has(kind as never) ? `${namespace}/` : ''}${name}`;

/** What to do about a missing target of each kind. */
const HOW_TO_FIX: Partial<Record<Kind, string>> = {
  Namespace: 'add a Namespace manifest (or install.createNamespace on the HelmRelease), or fix the name',
  Secret: 'fix the name, add the Secret (SOPS, ExternalSecret, SealedSecret), or declare it under assume: in .slipway.yaml if it is created outside Git',
  StorageClass: 'fix the name, or add the StorageClass (or the chart that creates it)',
};

export const referenceMissing: Rule = {
  id: 'ref/missing',
  severity: 'error',
  doc: {
    summary: 'a reference to something that exists nowhere: a namespace never created, a secret store, issuer, storage class, Gateway listener, Service port, Secret or ConfigMap nobody provides, a policy selector that selects no pod',
    why: 'The API server accepts the object, and it then fails at run time: pods stay in ContainerCreating or CreateContainerConfigError, a PVC stays Pending, a certificate is never issued, a route never attaches, a policy protects nothing. ' +
      'Targets are looked for in everything the cluster will have: the repository\'s manifests, rendered charts, the bootstrap, built-in objects, what controllers make at run time (the Secret of an ExternalSecret or Certificate, StatefulSet PVCs, CloudNativePG Secrets and Services), and .slipway.yaml assume: entries. ' +
      'Where something may exist that is invisible offline (a chart that was not rendered, an operator resource, a source outside the repository) only near misses of an existing name are reported.',
    fix: 'fix the name (the message suggests the closest existing one), add the missing object, or declare objects that live outside Git under assume: in .slipway.yaml.',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    const boot = bootstrapFacts(ctx.root, ctx.repo, ctx.charts);
    const assumed = readOfflineConfig(ctx.root).assume.map((a) => a.object as unknown as K8sObject);
    for (const cluster of ctx.repo.clusters) {
      const universe = new ClusterUniverse(cluster, ctx.repo, boot.facts, assumed);
      const refs = cluster.kustomizations.flatMap((ks) => ks.resources.flatMap((r) => referencesOf(r.object as unknown as K8sObject).map((ref) => ({ r, ref }))));
      const usage = new Usage(refs.map((x) => x.ref));
      for (const ks of cluster.kustomizations) out.push(...missingNamespaces(ctx, cluster, ks, universe));
      for (const { r, ref } of refs) {
        const f = judge(ctx, cluster, r, ref, universe, usage);
        if (f) out.push(f);
      }
      for (const ks of cluster.kustomizations) {
        for (const r of ks.resources) {
          const s = emptySelector(ctx, cluster, r, universe);
          if (s) out.push(s);
        }
      }
    }
    return out;
  },
};

/**
 * One finding per (Kustomization, namespace never created), at targetNamespace or the first object.
 * Cluster-scoped objects have no namespace in their id (the loader's ScopeIndex drops it), so they never count.
 */
function missingNamespaces(ctx: CheckContext, cluster: FluxCluster, ks: FluxKustomization, universe: ClusterUniverse): RuleFinding[] {
  const byNamespace = new Map<string, AppliedResource[]>();
  for (const r of ks.resources) {
    const ns = r.id.namespace;
    if (!ns || r.id.kind === 'Namespace' || ns.includes('${')) continue;
    if (universe.has('Namespace', undefined, ns)) continue;
    (byNamespace.get(ns) ?? byNamespace.set(ns, []).get(ns)!).push(r);
  }
  const out: RuleFinding[] = [];
  for (const [ns, resources] of byNamespace) {
    const near = nearMiss(ns, universe.namesOf('Namespace', undefined));
    const blind = universe.blindSpot('Namespace', undefined);
    if (blind && !near) continue;
    const suggestion = near ?? closestName(ns, universe.namesOf('Namespace', undefined));
    const viaTarget = ks.targetNamespace === ns;
    const at = viaTarget ? ctx.locator.locate(ks.origin, ks.kind === 'Application' ? '/spec/destination/namespace' : '/spec/targetNamespace') : ctx.locator.locate(resources[0].origin, '/metadata/namespace');
    const what = viaTarget ? (ks.kind === 'Application' ? `Application ${ks.key} deploys to namespace ${ns}` : `Kustomization ${ks.key} sets targetNamespace: ${ns}`) : `${describe(resources[0].id)}${resources.length > 1 ? ` and ${resources.length - 1} more object(s) of ${unitLabel(ks)}` : ''} ${resources.length > 1 ? 'are' : 'is'} in namespace ${ns}`;
    out.push({
      message: `${what}, and namespace ${ns} is never created${suggestion ? `; did you mean ${suggestion}?` : ''} — the apply fails ("namespaces \\"${ns}\\" not found"); ${HOW_TO_FIX.Namespace}`,
      file: (viaTarget ? ks.origin : resources[0].origin)?.file, line: at.line, column: at.column, cluster: cluster.name,
      resource: viaTarget ? kustomizationRef(ks) : resources[0].id,
    });
  }
  return out;
}

/** A Secret holding a SOPS private key: age (`*.agekey`) or GPG (`*.asc`). */
function isSopsKey(o: K8sObject): boolean {
  if (o.kind !== 'Secret' || o.apiVersion !== 'v1') return false;
  const keys = [...Object.keys((o.data ?? {}) as object), ...Object.keys((o.stringData ?? {}) as object)];
  return keys.some((k) => /\.agekey$|\.asc$/.test(k));
}

/** How often each target is referenced in a cluster: a name many objects rely on exists somewhere, even where nobody can see it offline. */
class Usage {
  private readonly counts = new Map<string, number>();
  private readonly decryption = new Map<string, Set<string>>();
  constructor(refs: Reference[]) {
    for (const ref of refs) {
      const key = this.key(ref.kind, scoped(ref), ref.name);
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      if (ref.via === 'decryption.secretRef') (this.decryption.get(ref.namespace ?? '') ?? this.decryption.set(ref.namespace ?? '', new Set()).get(ref.namespace ?? '')!).add(ref.name);
    }
  }
  /** The Secrets Kustomizations of `ns` decrypt with. */
  decryptionSecrets(ns: string | undefined): string[] { return [...(this.decryption.get(ns ?? '') ?? [])].sort(); }
  private key(kind: Kind, ns: string | undefined, name: string) { return `${kind}|${ns ?? ''}|${name}`; }
  /** Names of `kind` (in `ns`) that at least `min` references use. */
  names(kind: Kind, ns: string | undefined, min: number): string[] {
    const prefix = `${kind}|${ns ?? ''}|`;
    return [...this.counts].filter(([k, n]) => k.startsWith(prefix) && n >= min).map(([k]) => k.slice(prefix.length));
  }
  count(kind: Kind, ns: string | undefined, name: string): number { return this.counts.get(this.key(kind, ns, name)) ?? 0; }
}

const scoped = (ref: Reference) => (NAMESPACED_TARGETS.has(ref.kind) ? ref.namespace : undefined);

/**
 * Kinds that repositories define in Git when they define any: issuers, secret stores and
 * Gateways are written by hand, not made by charts. With one of them in the cluster, a name
 * that matches none is a mistake even where a chart was not rendered.
 */
const HAND_WRITTEN: ReadonlySet<Kind> = new Set<Kind>(['ClusterIssuer', 'Issuer', 'ClusterSecretStore', 'SecretStore', 'Gateway']);
/** The cluster-wide kind with the same role, for a namespaced reference that forgot `kind:`. */
const CLUSTER_KIND: Partial<Record<Kind, Kind>> = { Issuer: 'ClusterIssuer', SecretStore: 'ClusterSecretStore' };

function judge(ctx: CheckContext, cluster: FluxCluster, r: AppliedResource, ref: Reference, universe: ClusterUniverse, usage: Usage): RuleFinding | undefined {
  const ns = NAMESPACED_TARGETS.has(ref.kind) ? ref.namespace : undefined;
  const place = (pointer: string) => {
    const at = ctx.locator.locate(r.origin, pointer);
    return { file: r.origin?.file, line: at.line, column: at.column, cluster: cluster.name, resource: r.id };
  };
  if (!universe.has(ref.kind, ns, ref.name)) {
    const existing = universe.namesOf(ref.kind, ns);
    // names other objects rely on (≥ 2 references), and what unrendered charts call their Services
    const evidence = [...usage.names(ref.kind, ns, 2), ...(ref.kind === 'Service' ? universe.unrenderedReleases(ns) : [])];
    const blind = universe.blindSpot(ref.kind, ns);
    // where nobody can see everything, a name other objects also rely on (or a release is called) exists somewhere
    if (blind && evidence.includes(ref.name)) return undefined;
    const near = nearMiss(ref.name, existing) ?? nearMiss(ref.name, evidence);
    const clusterKind = CLUSTER_KIND[ref.kind];
    if (clusterKind && universe.has(clusterKind, undefined, ref.name)) {
      return {
        message: `${describe(r.id)} ${ref.via} names ${target(ref.kind, ns, ref.name)}, which does not exist; a ${clusterKind} ${ref.name} does — set kind: ${clusterKind}`,
        ...place(ref.pointer),
      };
    }
    const handWritten = HAND_WRITTEN.has(ref.kind) && (ns === undefined ? existing.length > 0 : universe.namesOfKindAnywhere(ref.kind).length > 0);
    // the Secret Flux decrypts with is made by hand, by flux bootstrap or from a SOPS key in Git, never by a chart
    if (ref.via === 'decryption.secretRef' && !near) {
      // …unless the other Kustomizations of its namespace all decrypt with another one
      const others = usage.decryptionSecrets(ns).filter((n) => n !== ref.name);
      // a SOPS key kept in Git (age or GPG) means the repository manages decryption Secrets itself
      const keys = universe.objects.map((x) => x.object).filter(isSopsKey).map((o) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`);
      if (keys.length && !others.length) {
        return {
          message: `${describe(r.id)} decrypts with ${target(ref.kind, ns, ref.name)}, which exists nowhere; the repository's SOPS key Secret is ${keys.sort().join(', ')} (the decryption Secret must be in the Kustomization's namespace, ${ns}) — fix the name or add the Secret there`,
          ...place(ref.pointer),
        };
      }
      if (others.length === 1) {
        return {
          message: `${describe(r.id)} decrypts with ${target(ref.kind, ns, ref.name)}, which exists nowhere; the other Kustomizations in ${ns} decrypt with ${others[0]} — use that name, or add the Secret`,
          ...place(ref.pointer),
        };
      }
      return {
        severity: 'info',
        message: `${describe(r.id)} decrypts with ${target(ref.kind, ns, ref.name)}, which is not in the repository; if it is created outside Git (flux bootstrap, kubectl), declare it under assume: in .slipway.yaml`,
        ...place(ref.pointer),
      };
    }
    if (blind && !near && !handWritten) return undefined;
    const suggestion = near ?? closestName(ref.name, [...existing, ...evidence]) ?? (handWritten && existing.length ? existing.sort()[0] : undefined);
    return {
      message: `${describe(r.id)} ${ref.via} names ${target(ref.kind, ns, ref.name)}, which exists nowhere in cluster ${cluster.name}${suggestion ? `; did you mean ${suggestion}${!existing.includes(suggestion) && usage.count(ref.kind, ns, suggestion) > 1 ? ` (named by ${usage.count(ref.kind, ns, suggestion)} other references)` : ''}?` : ''} — ${HOW_TO_FIX[ref.kind] ?? 'fix the name or add the missing object'}`,
      ...place(ref.pointer),
    };
  }
  const object = universe.get(ref.kind, ns, ref.name);
  if (!object) return undefined;
  const spec = (object.spec ?? {}) as Record<string, any>;
  if (ref.listener) {
    const listeners = (Array.isArray(spec.listeners) ? spec.listeners : []).map((l: any) => l?.name).filter((n: unknown): n is string => typeof n === 'string');
    if (listeners.length && !listeners.includes(ref.listener.name)) {
      const suggestion = closestName(ref.listener.name, listeners);
      return {
        message: `${describe(r.id)} attaches to listener ${ref.listener.name} of Gateway ${ns}/${ref.name}, which has no such listener (it has ${listeners.join(', ')})${suggestion ? `; did you mean ${suggestion}?` : ''} — the route is not accepted`,
        ...place(ref.listener.pointer),
      };
    }
  }
  if (ref.port) {
    const ports = (Array.isArray(spec.ports) ? spec.ports : []) as Array<{ port?: unknown; name?: unknown }>;
    const value = ref.port.value;
    const known = typeof value === 'number' ? ports.map((p) => p.port).filter((p): p is number => typeof p === 'number') : ports.map((p) => p.name).filter((p): p is string => typeof p === 'string');
    if (ports.length && known.length && !(known as Array<number | string>).includes(value)) {
      return {
        message: `${describe(r.id)} ${ref.via} sends to port ${value} of Service ${ns}/${ref.name}, which has no such port (it has ${known.join(', ')}) — requests fail`,
        ...place(ref.port.pointer),
      };
    }
  }
  return undefined;
}

interface Selector { matchLabels: Record<string, string>; pointer: string }

/** The pod selector a policy applies to, when it is a plain label match in its own namespace. */
function policySelector(o: K8sObject): Selector | undefined {
  const spec = (o.spec ?? {}) as Record<string, any>;
  let sel: any;
  let pointer: string;
  if (o.kind === 'NetworkPolicy' && o.apiVersion === 'networking.k8s.io/v1') { sel = spec.podSelector; pointer = '/spec/podSelector'; }
  else if (o.kind === 'CiliumNetworkPolicy' && o.apiVersion.startsWith('cilium.io/')) { sel = spec.endpointSelector; pointer = '/spec/endpointSelector'; }
  else return undefined;
  if (!sel || typeof sel !== 'object' || sel.matchExpressions) return undefined;
  const labels = Object.fromEntries(Object.entries((sel.matchLabels ?? {}) as Record<string, unknown>)
    // Cilium's own label sources (k8s:io.kubernetes.pod.namespace, reserved:…) are not pod labels
    .filter(([k, v]) => typeof v === 'string' && !k.includes(':') && !k.startsWith('io.kubernetes.pod.') && !k.startsWith('io.cilium.')));
  if (Object.keys(labels).length === 0) return undefined;
  return { matchLabels: labels as Record<string, string>, pointer };
}

function podLabelsOf(o: K8sObject): Record<string, string> | undefined {
  const pod = podSpecOf(o);
  if (!pod) return undefined;
  if (o.kind === 'Pod') return (o.metadata.labels ?? {}) as Record<string, string>;
  let node: any = o;
  for (const key of pod.at.split('/').slice(1, -1)) node = node?.[key];
  return (node?.metadata?.labels ?? {}) as Record<string, string>;
}

const podLabelIndex = new WeakMap<ClusterUniverse, Map<string, Array<Record<string, string>>>>();

/** The pod template labels of each namespace, indexed once per cluster (not once per policy). */
function podLabelsIn(universe: ClusterUniverse): Map<string, Array<Record<string, string>>> {
  let index = podLabelIndex.get(universe);
  if (!index) {
    index = new Map();
    for (const { object } of universe.objects) {
      const ns = object.metadata?.namespace;
      const labels = ns ? podLabelsOf(object) : undefined;
      if (ns && labels) (index.get(ns) ?? index.set(ns, []).get(ns)!).push(labels);
    }
    podLabelIndex.set(universe, index);
  }
  return index;
}

/** A NetworkPolicy or CiliumNetworkPolicy whose selector matches no pod of its namespace protects (or opens) nothing. */
function emptySelector(ctx: CheckContext, cluster: FluxCluster, r: AppliedResource, universe: ClusterUniverse): RuleFinding | undefined {
  const o = r.object as unknown as K8sObject;
  const ns = o.metadata?.namespace;
  const sel = ns ? policySelector(o) : undefined;
  if (!sel || !ns) return undefined;
  const pods = podLabelsIn(universe).get(ns) ?? [];
  if (pods.length === 0) return undefined; // pods of operators or charts nobody can see; nothing to judge against
  const matches = (labels: Record<string, string>) => Object.entries(sel.matchLabels).every(([k, v]) => labels[k] === v);
  if (pods.some(matches)) return undefined;
  // a label value that is a near miss of a pod's value is a typo, even where pods may be invisible
  const nearMisses = Object.entries(sel.matchLabels).map(([k, v]) => ({ k, v, near: nearMiss(v, pods.map((p) => p[k]).filter((x): x is string => typeof x === 'string')) }));
  const typo = nearMisses.find((n) => n.near);
  if (universe.blindSpot('Secret', ns) && !typo) return undefined;
  const at = ctx.locator.locate(r.origin, sel.pointer);
  const wanted = Object.entries(sel.matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
  return {
    message: `${describe(r.id)} selects pods with ${wanted}, and no pod in namespace ${ns} has those labels${typo ? `; did you mean ${typo.k}=${typo.near}?` : ''} — the policy applies to nothing`,
    file: r.origin?.file, line: at.line, column: at.column, cluster: cluster.name, resource: r.id,
  };
}
