// network/default-deny: seed 001 plans namespace-level default deny, then explicit allows.
// An application namespace without one lets any pod reach any other.
import type { Rule, RuleFinding } from '../rule.js';

/** Namespaces that belong to Kubernetes itself. */
const SYSTEM = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'default']);

/**
 * Kinds that only hold configuration or permissions. A namespace whose every object is one of
 * these runs no pods (cilium's `cilium-secrets` holds Secrets and a Role), so nothing in it can be
 * reached and a default deny protects nothing.
 */
const CONFIG_ONLY = new Set(['Secret', 'ConfigMap', 'ServiceAccount', 'Role', 'RoleBinding', 'ExternalSecret', 'SealedSecret', 'ResourceQuota', 'LimitRange', 'NetworkPolicy', 'CiliumNetworkPolicy']);

function deniesAll(kind: string, spec: Record<string, any>): boolean {
  if (kind === 'NetworkPolicy') {
    const selectsAll = !spec.podSelector || Object.keys(spec.podSelector).length === 0 ||
      (!spec.podSelector.matchLabels && !spec.podSelector.matchExpressions);
    const types: string[] = spec.policyTypes ?? ['Ingress'];
    return selectsAll && types.includes('Ingress') && (!spec.ingress || spec.ingress.length === 0);
  }
  // CiliumNetworkPolicy with an empty endpoint selector and enableDefaultDeny (or no rules)
  const selector = spec.endpointSelector;
  const selectsAll = selector && Object.keys(selector).length === 0;
  return !!selectsAll && (spec.enableDefaultDeny?.ingress === true || (!spec.ingress && !spec.egress));
}

export const networkDefaultDeny: Rule = {
  id: 'network/default-deny',
  severity: 'warning',
  doc: {
    summary: 'an application namespace with no default-deny NetworkPolicy',
    why: 'without a default deny, every pod can reach every other pod: one compromised app reaches the databases.',
    fix: 'add a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress] and no rules, then allow what each app needs.',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    for (const cluster of ctx.repo.clusters) {
      const namespaces = new Map<string, { file?: string; line?: number }>();
      const denied = new Set<string>();
      const kinds = new Map<string, Set<string>>();
      for (const ks of cluster.kustomizations) {
        for (const r of ks.resources) {
          if (r.id.kind === 'Namespace' && r.id.apiVersion === 'v1') namespaces.set(r.id.name, r.origin ?? {});
          if (r.id.namespace) kinds.set(r.id.namespace, (kinds.get(r.id.namespace) ?? new Set()).add(r.id.kind));
          if ((r.id.kind === 'NetworkPolicy' || r.id.kind === 'CiliumNetworkPolicy') && r.id.namespace &&
            deniesAll(r.id.kind, (r.object.spec ?? {}) as Record<string, any>)) denied.add(r.id.namespace);
        }
      }
      // a HelmRelease installs into its release namespace, rendered or not: pods may run there
      const releases = new Set(cluster.helmReleases.map((h) => h.render?.namespace ?? String((h.object.spec as Record<string, unknown> | undefined)?.targetNamespace ?? h.namespace)));
      const configOnly = (ns: string) => {
        const held = kinds.get(ns);
        return !!held && !releases.has(ns) && [...held].every((k) => CONFIG_ONLY.has(k));
      };
      for (const [ns, origin] of [...namespaces].sort(([a], [b]) => a.localeCompare(b))) {
        if (SYSTEM.has(ns) || denied.has(ns) || configOnly(ns)) continue;
        out.push({
          message: `namespace ${ns} has no default-deny NetworkPolicy; any pod in the cluster can reach its pods`,
          file: origin.file, line: origin.line, cluster: cluster.name,
          resource: { apiVersion: 'v1', kind: 'Namespace', name: ns },
        });
      }
    }
    return out;
  },
};
