// Sync order of an Argo CD app-of-apps tree. Argo CD syncs an Application's resources wave by
// wave (argocd.argoproj.io/sync-wave, default 0), each wave after the previous one is healthy; the
// child Applications of an app-of-apps are such resources. So an Application comes after its
// parent (which creates it) and after its siblings of the previous sync wave. Those edges are the
// unit's dependsOn, and the waves and critical path follow with the same arithmetic as Flux's.
import { computeWaves, criticalPath, groupWaves } from '../../graph/dag.js';
import type { FluxKustomization, KsKey } from '../flux/model.js';

/** For each Application: the parent and the siblings of the nearest lower sync wave. */
export function syncOrder(units: readonly FluxKustomization[]): Map<KsKey, KsKey[]> {
  const siblings = new Map<string, FluxKustomization[]>();
  for (const u of units) (siblings.get(u.parent ?? '') ?? siblings.set(u.parent ?? '', []).get(u.parent ?? '')!).push(u);
  const out = new Map<KsKey, KsKey[]>();
  for (const u of units) {
    const wave = u.application?.syncWave ?? 0;
    const deps: KsKey[] = u.parent ? [u.parent] : [];
    // roots are applied by hand (or by Argo CD's bootstrap): nothing orders them among themselves
    if (u.parent) {
      const lower = (siblings.get(u.parent) ?? []).filter((s) => (s.application?.syncWave ?? 0) < wave);
      const previous = Math.max(...lower.map((s) => s.application?.syncWave ?? 0));
      deps.push(...lower.filter((s) => (s.application?.syncWave ?? 0) === previous).map((s) => s.key));
    }
    out.set(u.key, [...new Set(deps)].sort());
  }
  return out;
}

export function computeArgoGraph(units: readonly FluxKustomization[]): { waves: KsKey[][]; criticalPath: KsKey[]; order: Map<KsKey, KsKey[]> } {
  const order = syncOrder(units);
  const waveOf = computeWaves(units.map((u) => u.key), order);
  return { waves: groupWaves(waveOf), criticalPath: criticalPath(waveOf, order), order };
}
