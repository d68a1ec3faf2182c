// Public surface of the Flux loader: `loadFlux(root)` gives each cluster's Flux model
// (model.ts documents it); the graph views are in graph-view.ts.
import { openEngine } from '../../engine/index.js';
import { EngineDirectoryBuilder } from './engine-builder.js';
import { loadFluxRepository } from './loader.js';
import type { FluxRepository, LoadOptions } from './model.js';

export * from './model.js';
export { loadFluxRepository } from './loader.js';
export type { DirectoryBuilder, BuildOutcome, BuiltResource, FluxBuildRequest } from './builder.js';
export { EngineDirectoryBuilder } from './engine-builder.js';
export { objectIdOf, isFluxKustomization, isMap } from './yaml-util.js';
export { isHelmRelease } from './helm.js';
export { scanRepository, type RepositoryScan } from './scan.js';
export { discoverEntryPoints, clusterNameFromPath, type EntryPoint } from './discover.js';

/** Loads a repository, building with the engine (opened for this root, closed afterwards). */
export async function loadFlux(repoRoot: string, options: LoadOptions = {}): Promise<FluxRepository> {
  const engine = await openEngine([repoRoot]);
  engine.warm();
  try {
    return await loadFluxRepository(repoRoot, new EngineDirectoryBuilder(repoRoot, engine), options);
  } finally {
    await engine.close();
  }
}
