// What crosses the engine boundary, as the Go side (engine/*.go) reads and writes it. Paths in a
// request are the host's; `mount` says where the engine's file system has the root. Origins and
// inputs in a result are relative to the root.

export type LoadRestrictor = 'rootOnly' | 'none';
export type Reorder = 'legacy' | 'none';

export interface KustomizeBuildInput {
  /** The repository root, as a path of the host. */
  root: string;
  /** Where the engine's file system has the root (its WASI preopen). */
  mount: string;
  dir: string;
  loadRestrictor?: LoadRestrictor;
  reorder?: Reorder;
}

export interface FluxBuildInput {
  root: string;
  mount: string;
  dir: string;
  /** The Flux Kustomization object, as applied (spec.path, targetNamespace, patches …). */
  kustomization: Record<string, unknown>;
  /** postBuild variables (substituteFrom merged with substitute); null: no postBuild. */
  variables: Record<string, string> | null;
  /** kustomize-controller's StrictPostBuildSubstitutions feature gate. */
  strict?: boolean;
}

export type EngineRequest =
  | { op: 'version' }
  | { op: 'warm' }
  | { op: 'kustomizeBuild'; input: KustomizeBuildInput }
  | { op: 'fluxBuild'; input: FluxBuildInput }
  | { op: 'helmRender'; input: HelmRenderInput }
  | { op: 'selectVersion'; input: { versions: string[]; constraint: string } };

/** A chart: the bytes of a packaged chart (.tgz), or a chart folder inside a root. */
/** `archive` is base64, as Go's encoding/json reads a []byte. */
export type ChartInput = { archive: string } | { root: string; mount: string; dir: string; dependencies?: string[] };

export interface HelmRenderInput {
  /** The HelmRelease object, as Flux applies it. */
  release: Record<string, unknown>;
  chart: ChartInput;
  /** The ConfigMaps and Secrets that spec.valuesFrom may name (what the repository has). */
  valuesFrom: Array<Record<string, unknown>>;
  /** `.Capabilities.KubeVersion` ("1.33.0"); Helm's default when empty. */
  kubeVersion?: string;
  /** `.Capabilities.APIVersions` beyond Helm's built-in list ("group/version", "group/version/Kind"). */
  apiVersions: string[];
}

/** One object of a rendered release: its chart template, hook events, or a crds/ file. */
export interface RenderedObject {
  object: Record<string, unknown>;
  source?: string;
  hook?: string[];
  crd?: boolean;
}

/**
 * release: the HelmRelease does not decode; chart: the chart cannot be loaded; values: a
 * valuesFrom reference failed; values-schema: values break values.schema.json; chart-dependencies:
 * a dependency is missing from charts/; render: a template failed.
 */
export type HelmFailureKind = 'release' | 'chart' | 'values' | 'values-schema' | 'chart-dependencies' | 'render' | 'panic' | 'timeout' | 'memory' | 'crash' | 'request';

export type HelmRenderResult =
  | {
      ok: true;
      releaseName: string;
      namespace: string;
      storageNamespace: string;
      chart: { name: string; version: string; appVersion?: string };
      resources: RenderedObject[];
      notes?: string;
    }
  | { ok: false; error: { kind: HelmFailureKind; message: string } };

/** Where a built resource came from, relative to the root. */
export interface EngineOrigin {
  /** The file the resource was read from. */
  file?: string;
  /** The kustomization file whose generator made it, and the generator's kind. */
  configuredIn?: string;
  generator?: string;
  /** Set for resources of a remote base. */
  repo?: string;
  ref?: string;
}

export interface EngineResource {
  object: Record<string, unknown>;
  origin?: EngineOrigin;
  /** Variables used without a value or default (Flux substitutes an empty string). */
  unresolved?: string[];
  /** Flux's substitution failed on this resource (kustomize-controller fails the Kustomization). */
  substituteError?: string;
}

/**
 * build: the input cannot be built; confinement: a path outside the root was refused;
 * panic: upstream code panicked; timeout / memory: a limit was hit; crash: the engine died.
 */
export type EngineFailureKind = 'build' | 'confinement' | 'panic' | 'timeout' | 'memory' | 'crash' | 'request';

export interface EngineFailure {
  kind: EngineFailureKind;
  message: string;
}

export type BuildResult =
  | {
      ok: true;
      resources: EngineResource[];
      /** kustomize's own YAML stream (kustomizeBuild only). */
      yaml?: string;
      /** Files and folders the build looked at, relative to the root. */
      inputs: string[];
      /** The kustomization Flux generated or completed (fluxBuild only), and whether it created one. */
      generated?: string;
      action?: 'created' | 'unchanged';
    }
  | { ok: false; error: EngineFailure; inputs: string[] };

export interface VersionResult {
  ok: true;
  modules: Record<string, string>;
}
