// What the synth tests ask of a fleet: its objects as synth writes them, the config-path problems
// planning reports, and the same fleet delivered by Flux instead of Argo CD.
import { parseAllDocuments } from 'yaml';
import { flux } from '../../src/catalog/index.js';
import type { FleetConfig } from '../../src/model/types.js';
import { PlanError, planFleet, synthesize } from '../../src/synth/index.js';

export type SynthObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  [field: string]: any;
};

/** Every object of the YAML files synth writes under these folders. */
export function synthesizedObjects(fleet: FleetConfig, ...under: string[]): SynthObject[] {
  const tree = synthesize(fleet).tree;
  return tree.paths()
    .filter((p) => under.some((u) => p.startsWith(u)) && p.endsWith('.yaml'))
    .flatMap((p) => parseAllDocuments(tree.get(p)!).map((d) => d.toJS() as SynthObject).filter((o) => o?.kind));
}

/** `path: message` of every problem planning the fleet finds (none: it plans). */
export function planProblems(fleet: FleetConfig): string[] {
  try {
    planFleet(fleet);
    return [];
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
}

/** The fleet delivered by Flux: flux() in place of argocd() on every cluster. */
export function deliveredByFlux(fleet: FleetConfig): FleetConfig {
  return {
    ...fleet,
    gitops: 'flux',
    clusters: fleet.clusters.map((c) => ({ ...c, modules: c.modules.map((m) => (m.module.name === 'argocd' ? flux() : m)) })),
  };
}
