// synth: fleet model → file tree. Pure (no I/O) so it can be tested and diffed;
// writeTree() puts the result on disk.
import type { FleetConfig } from '../model/types.js';
import { writeBootstrap } from './bootstrap.js';
import { writePlanTaskfile } from './bootstrap-plan.js';
import { writeCheckConfig } from './check-config.js';
import { writeCi } from './ci.js';
import { writeReadme } from './docs.js';
import { writeRenovate } from './renovate.js';
import { writeFluxLayout } from './flux-layout.js';
import { writeArgoLayout } from './argocd-layout.js';
import { planFleet, type FleetPlan } from './plan.js';
import { writeKind } from './kind.js';
import { writeTalos } from './talos.js';
import { FileTree } from './tree.js';

export interface Synthesis {
  plan: FleetPlan;
  tree: FileTree;
}

export interface SynthOptions {
  /** npm install spec of the Slipway doing the synthesis (git URL#commit), the CI's default source. */
  slipwaySource?: string;
}

export function synthesize(fleet: FleetConfig, options: SynthOptions = {}): Synthesis {
  const plan = planFleet(fleet);
  const tree = new FileTree();
  writeFluxLayout(plan, tree);
  writeArgoLayout(plan, tree);
  writeTalos(plan, tree);
  writeKind(plan, tree);
  writeBootstrap(plan, tree);
  writePlanTaskfile(plan, tree);
  writeCheckConfig(plan, tree);
  writeCi(plan, tree, fleet.ci?.install ?? options.slipwaySource);
  writeRenovate(plan, tree);
  writeReadme(plan, tree);
  return { plan, tree };
}

export { FileTree } from './tree.js';
export { PlanError, planFleet, type FleetPlan, type ClusterPlan, type PlannedUnit } from './plan.js';
export { OutputDirError, prepareOutDir, writeTree, MANIFEST } from './write.js';
