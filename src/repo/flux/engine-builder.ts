// The Flux loader's DirectoryBuilder on the engine: requests go to src/engine with the
// repository root, results come back with each resource's origin turned into a file and line.
import type { Engine, BuildResult } from '../../engine/index.js';
import { describeBuildFailure } from '../build-failure.js';
import type { YamlMap } from '../yaml/values.js';
import type { BuildOutcome, DirectoryBuilder, FluxBuildRequest } from './builder.js';
import type { SourcePosition } from './model.js';
import { OriginLocator } from './origins.js';
import { locateBuildError } from './build-error-location.js';

export class EngineDirectoryBuilder implements DirectoryBuilder {
  private readonly origins: OriginLocator;
  /** Documents built, for benchmarks. */
  documents = 0;

  constructor(private readonly root: string, private readonly engine: Engine) {
    this.origins = new OriginLocator(root);
  }

  async fluxBuild(request: FluxBuildRequest): Promise<BuildOutcome> {
    const result = await this.engine.fluxBuild({ root: this.root, dir: request.dir || '.', kustomization: request.kustomization, variables: request.variables });
    return this.outcome(result, request.definedAt, 'LoadRestrictionsNone');
  }

  async kustomizeBuild(dir: string): Promise<BuildOutcome> {
    const result = await this.engine.kustomizeBuild({ root: this.root, dir: dir || '.', reorder: 'legacy', loadRestrictor: 'rootOnly' });
    return this.outcome(result, undefined, 'LoadRestrictionsRootOnly');
  }

  private outcome(result: BuildResult, fallback: SourcePosition | undefined, restrictor: string): BuildOutcome {
    if (!result.ok) {
      const failure = describeBuildFailure(result.error, { root: this.root, restrictor });
      const where = locateBuildError(this.root, result.error.message, result.inputs);
      return { ok: false, message: failure.message, offline: failure.offline, inputs: result.inputs, file: where?.file, line: where?.line, cause: where?.cause };
    }
    this.documents += result.resources.length;
    return {
      ok: true,
      generated: result.action === 'created',
      inputs: result.inputs,
      resources: result.resources.map((r) => {
        const object = r.object as YamlMap;
        return { object, origin: this.origins.locate(r.origin, object, fallback), unresolved: r.unresolved, substituteError: r.substituteError };
      }),
    };
  }
}
