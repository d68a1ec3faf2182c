// Settings rules from seed 003's definition of done: every Kustomization decides prune,
// waits for what it applies when others depend on it, and every HelmRelease remediates failures.
// Flux's own defaults are respected (kustomize-controller api/v1: timeout and retryInterval
// default to the interval); `profile: strict` in .slipway.yaml asks for everything explicitly.
import type { FluxCluster, FluxKustomization } from '../../repo/flux/index.js';
import type { CheckContext } from '../context.js';
import { kustomizationRef, type Rule, type RuleFinding } from '../rule.js';

/** The root Kustomization flux-operator generates from a FluxInstance: not in Git, so not the user's to change. */
export function generatedByOperator(cluster: FluxCluster, ks: FluxKustomization): boolean {
  return ks.parent === undefined && cluster.entry.startsWith('flux-operator sync');
}

/** Whether the schema of the Kustomization already reports spec.prune missing (schema/invalid, an error). */
function schemaReportsPrune(ctx: CheckContext, ks: FluxKustomization): boolean {
  const result = ctx.schemas.validate(ks.object);
  return result.status === 'invalid' && result.errors.some((e) => e.keyword === 'required' && /\bprune\b/.test(e.message));
}

const listSome = (keys: string[]) => keys.length > 3 ? `${keys.slice(0, 3).join(', ')} and ${keys.length - 3} more` : keys.join(', ');

export const kustomizationSettings: Rule = {
  id: 'flux/kustomization-settings',
  severity: 'warning',
  doc: {
    summary: 'a Kustomization without prune, or without wait or healthChecks while others dependsOn it (profile strict: also timeout, retryInterval)',
    why: 'without prune, deleted manifests linger in the cluster; without wait or health checks, the Kustomizations that dependsOn this one start as soon as it is applied, not when it is Ready. ' +
      'timeout and retryInterval default to the interval in Flux, so they are asked for only with `profile: strict` in .slipway.yaml, which also wants wait or health checks everywhere. ' +
      'The root Kustomization flux-operator generates from a FluxInstance is not in Git and is not judged.',
    fix: 'set prune (true, or false deliberately) and, where others dependsOn the Kustomization, wait: true or healthChecks in its spec.',
  },
  run(ctx) {
    const strict = ctx.config.profile === 'strict';
    const out: RuleFinding[] = [];
    const seen = new Set<string>();
    for (const c of ctx.repo.clusters) {
      const dependents = new Map<string, string[]>();
      for (const k of c.kustomizations) for (const d of k.dependsOn) dependents.set(d, [...(dependents.get(d) ?? []), k.key]);
      for (const ks of c.kustomizations) {
        // an Argo CD Application has none of these settings (its sync policy is Argo CD's)
        if (ks.kind === 'Application' || generatedByOperator(c, ks)) continue;
        const missing: string[] = [];
        if (ks.prune === undefined && !schemaReportsPrune(ctx, ks)) missing.push('prune');
        const waits = ks.wait === true || ks.healthChecks.length > 0;
        const needed = dependents.get(ks.key)?.sort() ?? [];
        if (!waits && (strict || needed.length)) missing.push('wait or healthChecks');
        if (strict && !ks.timeout) missing.push('timeout');
        if (strict && !ks.retryInterval) missing.push('retryInterval');
        if (!missing.length) continue;
        const why = !waits && needed.length
          ? ` (${listSome(needed)} ${needed.length === 1 ? 'dependsOn' : 'depend on'} it and ${needed.length === 1 ? 'starts' : 'start'} as soon as it is applied, not when it is Ready)`
          : '';
        const message = `Kustomization ${ks.key} does not set ${missing.join(', ')}${why}`;
        const key = `${ks.origin?.file}:${ks.origin?.line}:${ks.key}:${message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
          message,
          file: ks.origin?.file, ...ctx.locator.locate(ks.origin, '/spec'), cluster: c.name,
          resource: kustomizationRef(ks),
        });
      }
    }
    return out;
  },
};

export const helmReleaseRemediation: Rule = {
  id: 'flux/helmrelease-remediation',
  severity: 'warning',
  doc: {
    summary: 'a HelmRelease without install/upgrade remediation',
    why: 'a failed install or upgrade stays failed; with remediation Flux retries installs and rolls back failed upgrades (seed 003: rollback verified).',
    fix: 'set spec.install.remediation.retries and spec.upgrade.remediation (retries, strategy: rollback).',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    for (const { cluster, resource } of ctx.appliedOnce()) {
      if (resource.id.kind !== 'HelmRelease' || !resource.id.apiVersion.startsWith('helm.toolkit.fluxcd.io/')) continue;
      const spec = (resource.object.spec ?? {}) as Record<string, any>;
      const missing: string[] = [];
      // Flux 2.7's strategy RetryOnFailure retries failed actions without a remediation block
      const retries = (s: any) => s?.strategy?.name === 'RetryOnFailure';
      if (!spec.install?.remediation && !retries(spec.install)) missing.push('spec.install.remediation');
      if (!spec.upgrade?.remediation && !retries(spec.upgrade)) missing.push('spec.upgrade.remediation');
      if (!missing.length) continue;
      // at the block that lacks remediation when it is there, else at spec
      const block = missing.length === 1 ? (missing[0].includes('install') ? 'install' : 'upgrade') : undefined;
      const at = ctx.locator.locate(resource.origin, block && spec[block] ? `/spec/${block}` : '/spec');
      out.push({
        message: `HelmRelease ${resource.id.namespace}/${resource.id.name} has no ${missing.join(' and ')}; ${missing.length === 2 ? 'a failed install or upgrade will not be retried or rolled back' : missing[0].includes('install') ? 'a failed first install will not be retried' : 'a failed upgrade will not be retried or rolled back'}`,
        file: resource.origin?.file, ...at, cluster: cluster.name, resource: resource.id,
        // usually one shared patch or template sets (or forgets) remediation for every release
        rootCause: { key: missing.join('+'), message: `HelmReleases have no ${missing.join(' and ')}; ${missing.length === 2 ? 'a failed install or upgrade will not be retried or rolled back' : missing[0].includes('install') ? 'a failed first install will not be retried' : 'a failed upgrade will not be retried or rolled back'} (set it once for all of them, e.g. in the patch of the Kustomization that applies them)` },
      });
    }
    return out;
  },
};
