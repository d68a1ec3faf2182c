// What the Flux loader needs from the engine: build one Flux Kustomization's folder the way
// kustomize-controller does (Flux's generator, kustomize, postBuild substitution, commonMetadata),
// and plain `kustomize build` for folders applied outside Flux (bootstrap). Results carry the
// file and line each resource came from. The loader depends on this interface only;
// engine-builder.ts implements it on src/engine, slipway diff wraps it to reuse builds.
import type { YamlMap } from '../yaml/values.js';
import type { SourcePosition } from './model.js';

export interface FluxBuildRequest {
  /** Folder to build, relative to the repository root. */
  dir: string;
  /** The Flux Kustomization, as it would be applied. */
  kustomization: YamlMap;
  /** postBuild variables (substituteFrom merged with substitute), or null without postBuild. */
  variables: Record<string, string> | null;
  /** Where the Kustomization is defined: the origin of what Flux's generated kustomization makes. */
  definedAt?: SourcePosition;
}

export interface BuiltResource {
  object: YamlMap;
  origin?: SourcePosition;
  /** Variables the resource uses with no value and no default (Flux substitutes ""). */
  unresolved?: string[];
  /** Flux's substitution refused this resource (kustomize-controller fails the Kustomization). */
  substituteError?: string;
}

export type BuildOutcome =
  | {
      ok: true;
      resources: BuiltResource[];
      /** The folder had no kustomization file: Flux generated one. */
      generated: boolean;
      /** Files and folders the build read, relative to the root. */
      inputs: string[];
    }
  | {
      ok: false;
      message: string;
      /** The kustomization file and line of the entry that failed. */
      file?: string;
      line?: number;
      /** The file that entry names (a resource that does not parse, say), relative to the root. */
      cause?: string;
      /** The build needs something an offline build cannot have (remote base, Helm chart, plugin). */
      offline: boolean;
      inputs: string[];
    };

export interface DirectoryBuilder {
  /** A Flux Kustomization's spec.path, as kustomize-controller builds it. */
  fluxBuild(request: FluxBuildRequest): Promise<BuildOutcome>;
  /** `kustomize build dir` (for folders applied before Flux runs). */
  kustomizeBuild(dir: string): Promise<BuildOutcome>;
}
