// network/egress-essentials: a pod that any NetworkPolicy restricts in egress loses every
// destination no policy allows. Two losses break a cluster quietly, at the next restart:
// - the API server, for pods that use it: CoreDNS (its kubernetes plugin lists Services; without
//   it, cluster DNS is gone) and controllers, i.e. pods whose ServiceAccount a RoleBinding or
//   ClusterRoleBinding grants something;
// - DNS, for pods that talk out at all (their policies allow some egress) but never on port 53.
//
// Judged on networking.k8s.io NetworkPolicies, the union of every policy selecting the pod.
// A pod a CiliumNetworkPolicy also restricts in egress is skipped: its allows (toEntities
// kube-apiserver, toFQDNs) are added to these and are not modelled here.
import type { AppliedResource, FluxCluster } from '../../repo/flux/index.js';
import { selects, type LabelSelector } from '../../k8s/selector.js';
import type { Rule, RuleFinding } from '../rule.js';
import { podSpecOf } from './pods.js';
import type { CheckContext } from '../context.js';

/** Ports the Kubernetes API answers on: kube-apiserver, the `kubernetes` Service, Talos KubePrism. */
const API_PORTS = [6443, 443, 7445];
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

interface EgressRule { to?: Array<Record<string, unknown>>; ports?: Array<{ port?: number | string; protocol?: string; endPort?: number }> }
interface Policy { resource: AppliedResource; selector: LabelSelector; egress: EgressRule[] }

export const networkEgressEssentials: Rule = {
  id: 'network/egress-essentials',
  severity: 'error',
  doc: {
    summary: 'a pod restricted in egress that cannot reach the API server it uses (CoreDNS, controllers) or DNS although it talks out',
    why: 'an egress policy denies everything it does not allow: CoreDNS loses its Service data and cluster DNS stops at its next restart; a controller stops reconciling; a pod that connects by name resolves nothing.',
    fix: 'allow egress to the API server (TCP 6443 on the control-plane nodes, 443 to the kubernetes Service; 7445 for Talos KubePrism) and to kube-dns on port 53 (UDP and TCP) for the pods the finding names.',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    for (const cluster of ctx.repo.clusters) out.push(...checkCluster(ctx, cluster));
    return out;
  },
};

function checkCluster(ctx: CheckContext, cluster: FluxCluster): RuleFinding[] {
  const resources = cluster.kustomizations.flatMap((k) => k.resources).filter((r) => !r.rendered?.hook);
  const policies = new Map<string, Policy[]>();
  const ciliumEgress = new Map<string, LabelSelector[]>();
  const granted = new Set<string>();
  for (const r of resources) {
    const spec = (r.object.spec ?? {}) as Record<string, any>;
    const ns = r.id.namespace ?? '';
    if (r.id.kind === 'NetworkPolicy' && r.id.apiVersion === 'networking.k8s.io/v1') {
      const types: string[] = spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
      if (!types.includes('Egress')) continue;
      const list = policies.get(ns) ?? [];
      list.push({ resource: r, selector: spec.podSelector ?? {}, egress: Array.isArray(spec.egress) ? spec.egress : [] });
      policies.set(ns, list);
    } else if (r.id.kind === 'CiliumNetworkPolicy' && (spec.egress || spec.egressDeny || spec.enableDefaultDeny?.egress)) {
      ciliumEgress.set(ns, [...(ciliumEgress.get(ns) ?? []), spec.endpointSelector ?? {}]);
    } else if ((r.id.kind === 'RoleBinding' || r.id.kind === 'ClusterRoleBinding') && Array.isArray(r.object.subjects)) {
      for (const s of r.object.subjects as Array<Record<string, string>>) {
        if (s?.kind === 'ServiceAccount' && s.name) granted.add(`${s.namespace ?? ns}/${s.name}`);
      }
    }
  }
  const out: RuleFinding[] = [];
  for (const r of resources) {
    if (!WORKLOADS.has(r.id.kind)) continue;
    const ns = r.id.namespace ?? 'default';
    const pod = podSpecOf(r.id.kind, r.object);
    if (!pod) continue;
    const labels = ((r.object.spec as any)?.template?.metadata?.labels ?? {}) as Record<string, string>;
    const selecting = (policies.get(ns) ?? []).filter((p) => selects(p.selector, labels));
    if (!selecting.length) continue;
    if ((ciliumEgress.get(ns) ?? []).some((sel) => selects(sel as LabelSelector, labels))) continue;
    const rules = selecting.flatMap((p) => p.egress);
    const isCoreDns = (pod.spec.containers ?? []).some((c: { image?: unknown }) => typeof c.image === 'string' && /(^|\/)coredns(:|@|$)/.test(c.image));
    const serviceAccount = String(pod.spec.serviceAccountName ?? pod.spec.serviceAccount ?? 'default');
    const usesApi = isCoreDns || (pod.spec.automountServiceAccountToken !== false && granted.has(`${ns}/${serviceAccount}`));
    const missing: string[] = [];
    if (usesApi && !allows(rules, API_PORTS, 'TCP', true)) {
      missing.push(isCoreDns ? 'the API server (its kubernetes plugin watches Services and EndpointSlices)' : `the API server (ServiceAccount ${serviceAccount} is granted RBAC)`);
    }
    const talksOut = rules.some((rule) => !(rule.ports ?? []).every((p) => Number(p.port) === 53));
    if (!isCoreDns && talksOut && !allows(rules, [53], 'UDP', false)) missing.push('DNS (UDP 53 to kube-dns)');
    if (!missing.length) continue;
    const policyNames = selecting.map((p) => p.resource.id.name).sort();
    const first = selecting[0].resource;
    out.push({
      message: `${r.id.kind} ${ns}/${r.id.name} is restricted in egress by NetworkPolicy ${policyNames.join(', ')}, which allow no egress to ${missing.join(' or to ')}`,
      file: first.origin?.file, ...ctx.locator.locate(first.origin, '/spec'), cluster: cluster.name, resource: r.id,
    });
  }
  return out;
}

/**
 * Whether some rule allows `protocol` on one of `ports`. The API server is no pod, so for it a
 * rule counts only with an ipBlock destination or none (any destination).
 */
function allows(rules: EgressRule[], ports: number[], protocol: string, needsAddress: boolean): boolean {
  return rules.some((rule) => {
    if (needsAddress && rule.to?.length && !rule.to.some((peer) => 'ipBlock' in peer)) return false;
    if (!rule.ports?.length) return true;
    return rule.ports.some((p) => {
      if ((p.protocol ?? 'TCP') !== protocol) return false;
      if (p.port === undefined || typeof p.port === 'string') return true; // all ports, or a named one: not judged
      return ports.some((port) => port >= Number(p.port) && port <= Number(p.endPort ?? p.port));
    });
  });
}
