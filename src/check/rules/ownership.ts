// flux/ownership-conflict: one object applied by two Flux Kustomizations (or by a Kustomization
// and a HelmRelease). Each apply takes the object over: the last one wins until the other
// reconciles again, their labels flip, and when one of them prunes it deletes what the other
// still applies.
import { groupOf } from '../../k8s/object.js';
import type { AppliedResource, FluxKustomization } from '../../repo/flux/index.js';
import { unitLabel, type Rule, type RuleFinding } from '../rule.js';

/** Objects Flux applies only when absent, or never: no fight over them. */
const SHARED = /^(IfNotPresent|Ignore)$/;

export const ownershipConflict: Rule = {
  id: 'flux/ownership-conflict',
  severity: 'error',
  doc: {
    summary: 'the same object (group, kind, namespace, name) is applied by two Kustomizations (or a Kustomization and a HelmRelease)',
    why: 'Both controllers apply it on every reconcile and fight over its fields and ownership labels; when either one prunes, it deletes the object the other still applies.',
    fix: 'keep the object in one place (usually the Kustomization that owns its namespace or app), or mark the shared copy kustomize.toolkit.fluxcd.io/ssa: IfNotPresent.',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    for (const cluster of ctx.repo.clusters) {
      const owners = new Map<string, Array<{ ks: FluxKustomization; r: AppliedResource; by: string }>>();
      for (const ks of cluster.kustomizations) {
        for (const r of ks.resources) {
          // Flux Kustomizations applied twice are the loader's duplicate-kustomization problem
          if (r.id.kind === 'Kustomization' && groupOf(r.id.apiVersion) === 'kustomize.toolkit.fluxcd.io') continue;
          const annotations = ((r.object.metadata as Record<string, any> | undefined)?.annotations ?? {}) as Record<string, unknown>;
          if (SHARED.test(String(annotations['kustomize.toolkit.fluxcd.io/ssa'] ?? ''))) continue;
          const key = `${groupOf(r.id.apiVersion)}/${r.id.kind}/${r.id.namespace ?? ''}/${r.id.name}`;
          const by = r.rendered ? `HelmRelease ${r.rendered.helmRelease}` : unitLabel(ks);
          const list = owners.get(key) ?? owners.set(key, []).get(key)!;
          if (!list.some((o) => o.by === by)) list.push({ ks, r, by });
        }
      }
      // one root cause, one finding: every object the same appliers share is reported together
      const byAppliers = new Map<string, Array<Array<{ ks: FluxKustomization; r: AppliedResource; by: string }>>>();
      for (const list of owners.values()) {
        if (list.length < 2) continue;
        const sorted = [...list].sort((a, b) => a.by.localeCompare(b.by));
        const key = sorted.map((o) => o.by).join('|');
        (byAppliers.get(key) ?? byAppliers.set(key, []).get(key)!).push(sorted);
      }
      for (const groups of byAppliers.values()) {
        groups.sort((a, b) => `${a[a.length - 1].r.origin?.file}:${a[a.length - 1].r.origin?.line}`.localeCompare(`${b[b.length - 1].r.origin?.file}:${b[b.length - 1].r.origin?.line}`));
        // placed at the copy whose applier sorts last: the one most likely added later
        const sorted = groups[0];
        const at = sorted[sorted.length - 1];
        const others = sorted.slice(0, -1).map((o) => `${o.by}${o.r.origin ? ` (${o.r.origin.file}:${o.r.origin.line})` : ''}`);
        const id = at.r.id;
        const more = groups.length > 1 ? ` (and ${groups.length - 1} more object(s) they both apply: ${groups.slice(1, 4).map((g) => `${g[0].r.id.kind} ${g[0].r.id.name}`).join(', ')}${groups.length > 4 ? ', …' : ''})` : '';
        const pos = ctx.locator.locate(at.r.origin, '/metadata/name');
        out.push({
          message: `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}${more} is applied by ${at.by} and also by ${others.join(' and ')}: they overwrite each other on every reconcile, and a prune by either deletes it; keep it in one of them (a folder without kustomization.yaml makes Flux apply every manifest below it, subfolders included)`,
          file: at.r.origin?.file, line: pos.line, column: pos.column, cluster: cluster.name, resource: id,
        });
      }
    }
    return out;
  },
};
