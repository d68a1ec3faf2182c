// flux/tenant-isolation (seeds 002, 003: Flux multi-tenancy): in a namespace .slipway.yaml
// declares a team's (`tenancy: tenants:`), every Flux Kustomization and HelmRelease must
// impersonate a ServiceAccount (spec.serviceAccountName) and must not reach outside the team's
// namespaces — a source, a dependency or a target namespace elsewhere. Flux's
// --no-cross-namespace-refs refuses such references at run time; this finds them in review.
import type { Rule, RuleFinding } from '../rule.js';

const FLUX_KINDS = new Set(['Kustomization', 'HelmRelease']);

export const tenantIsolation: Rule = {
  id: 'flux/tenant-isolation',
  severity: 'error',
  doc: {
    summary: 'a tenant\'s Kustomization or HelmRelease without serviceAccountName, or referencing another namespace (when .slipway.yaml declares tenancy)',
    why: 'a tenant reconciler without a ServiceAccount runs with the Flux controller\'s own rights (cluster-admin); a reference to another namespace borrows a source or a dependency the team does not own. ' +
      'Flux\'s --no-cross-namespace-refs rejects such references at run time, and only --default-service-account would impersonate by default — which would also impersonate the platform\'s own Kustomizations.',
    fix: 'set spec.serviceAccountName to the team\'s ServiceAccount, and keep sourceRef, chartRef, dependsOn and targetNamespace inside the team\'s namespaces.',
  },
  run(ctx) {
    const tenants = ctx.config.tenants;
    if (!tenants.length) return [];
    const teamOf = new Map(tenants.flatMap((t) => t.namespaces.map((ns) => [ns, t] as const)));
    const out: RuleFinding[] = [];
    for (const { cluster, resource } of ctx.appliedOnce()) {
      const ns = resource.id.namespace;
      const team = ns ? teamOf.get(ns) : undefined;
      if (!team || !FLUX_KINDS.has(resource.id.kind) || !String(resource.object.apiVersion ?? '').includes('toolkit.fluxcd.io')) continue;
      const spec = (resource.object.spec ?? {}) as Record<string, any>;
      const at = (pointer: string, message: string) => out.push({
        message: `${resource.id.kind} ${ns}/${resource.id.name} of tenant ${team.name} ${message}`,
        file: resource.origin?.file, ...ctx.locator.locate(resource.origin, pointer), cluster: cluster.name, resource: resource.id,
      });
      if (!spec.serviceAccountName) at('/spec', 'sets no serviceAccountName: it reconciles with the Flux controller\'s own rights; impersonate the team\'s ServiceAccount');
      const inside = (n: unknown) => n === undefined || team.namespaces.includes(String(n));
      const refs: Array<[string, unknown]> = [
        ['/spec/sourceRef/namespace', spec.sourceRef?.namespace],
        ['/spec/chartRef/namespace', spec.chartRef?.namespace],
        ['/spec/chart/spec/sourceRef/namespace', spec.chart?.spec?.sourceRef?.namespace],
        ['/spec/targetNamespace', spec.targetNamespace],
        ...((spec.dependsOn ?? []) as Array<{ namespace?: string }>).map((d, i): [string, unknown] => [`/spec/dependsOn/${i}/namespace`, d?.namespace]),
      ];
      for (const [pointer, value] of refs) {
        if (!inside(value)) at(pointer, `refers to namespace ${String(value)}, outside the team's namespaces (${team.namespaces.join(', ')})`);
      }
    }
    return out;
  },
};
