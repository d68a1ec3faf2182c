// The Flux model of a repository: what each cluster's Flux controllers would reconcile, built
// offline. This is the contract between the loader (src/repo/flux/loader.ts) and everything that
// judges or shows a repository: `slipway graph`, the ordering rules of `slipway check`
// (flux/dependency-missing, dependency-cycle, dependency-unknown, source-missing, path-missing,
// substitution-unresolved, kustomization-settings, helmrelease-remediation), diff and report.
//
// Design rules:
// - Everything is plain data (JSON-serialisable apart from `YamlMap` objects), sorted where the
//   order is not meaningful, so output is deterministic.
// - Nothing is thrown: what cannot be loaded becomes a `FluxProblem` with file and line, attached
//   to the Kustomization it concerns (and also listed on the cluster).
// - Keys: an object is named `namespace/name` (`KsKey`), a source `Kind/namespace/name`.
import type { YamlMap } from '../yaml/values.js';
import type { Fact } from '../../k8s/facts.js';
import type { ChartRequest } from '../../charts/types.js';
import type { RepositoryScan } from './scan.js';
import type { ApplicationInfo, ApplicationHelmSource } from '../argocd/model.js';

/** "flux-system/apps": namespace/name of a Flux Kustomization. */
export type KsKey = string;

/** A position in the repository; `file` is relative to the repository root, '/'-separated. */
export interface SourcePosition {
  file: string;
  line: number;
}

export interface ObjectId {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * A problem found while loading. `code` says what kind of problem it is so that the checker can
 * map codes onto its rules (e.g. 'path-missing' → flux/path-missing); `offline` marks problems
 * that are not defects of the repository but limits of an offline build (remote source, SOPS,
 * Helm), which the checker reports as info.
 */
export interface FluxProblem {
  code: FluxProblemCode;
  message: string;
  file?: string;
  line?: number;
  /** The Kustomization concerned, when there is one. */
  kustomization?: KsKey;
  offline?: boolean;
  /** For a failed build: the file the failing entry names (relative to the root). */
  cause?: string;
}

export type FluxProblemCode =
  | 'source-missing'          // sourceRef/chartRef names an object that is not in the cluster
  | 'source-remote'           // the source's content is not in this repository (offline limit)
  | 'path-missing'            // spec.path does not exist in the source
  | 'build-failed'            // kustomize build of spec.path failed
  | 'build-offline'           // the build needs something unavailable offline (remote base, helm)
  | 'substitution-source-missing' // postBuild.substituteFrom names a missing ConfigMap/Secret
  | 'substitution-error'      // malformed ${...} expression, as Flux's envsubst would reject it
  | 'duplicate-kustomization' // two parents apply the same Kustomization
  | 'no-entry-point'          // no cluster entry point found
  | 'application-source-missing' // an Argo CD Application with neither spec.source nor spec.sources
  | 'application-path-missing'   // an Argo CD git source whose path is not in this repository
  | 'applicationset'          // an Argo CD ApplicationSet, whose Applications are not generated offline
  | 'yaml';                   // a YAML file could not be read during discovery

/** Where the files behind a source come from, as far as we can tell offline. */
export type SourceLocation =
  | {
      type: 'local';
      /** Directory in the repository that is the source's root ('' = repository root). */
      dir: string;
      /**
       * Leading path segments that a spec.path carries but the repository does not have, because
       * the repository given to slipway is a sub-folder of the real one (flux-local fixtures are
       * written relative to flux-local's root). '' in the usual case.
       */
      strip: string;
      /** How the root was found, e.g. "repository root", "kubernetes/ (path resolved there)". */
      how: string;
    }
  | {
      type: 'artifact';
      /** For ExternalArtifacts made by an ArtifactGenerator: artifact path prefix → location. */
      copies: Array<{ to: string; from: string; source: SourceLocation }>;
      how: string;
    }
  | { type: 'remote'; reason: string };

export interface FluxSource {
  kind: string;
  namespace: string;
  name: string;
  apiVersion: string;
  url?: string;
  /** Where it is defined (the built document's origin). */
  origin?: SourcePosition;
  /** The Kustomization that applies it (undefined for sources synthesized from an entry point). */
  appliedBy?: KsKey;
  location: SourceLocation;
}

export interface SourceRef {
  kind: string;
  name: string;
  namespace: string;
}

/** A variable's value after postBuild: known text, or known to exist with an unknown value. */
export type VarValue = { known: true; value: string } | { known: false; why: string };

export interface SubstitutionReport {
  /** Variables a Kustomization can substitute, by name (values withheld for Secrets). */
  available: Record<string, 'known' | 'unknown'>;
  /** ${VAR} occurrences left without a value and without a default (Flux would insert ""). */
  unresolved: Array<{ variable: string; resource: ObjectId; file?: string; line?: number }>;
  /** Variables used whose value exists but is unknown offline (SOPS, ExternalSecret, cluster). */
  unknown: string[];
}

/** One resource a Kustomization applies, after build and post-build steps. */
export interface AppliedResource {
  id: ObjectId;
  /** Source file and line through kustomize; for a rendered chart object, the HelmRelease's. */
  origin?: SourcePosition;
  object: YamlMap;
  /** Set when a HelmRelease of the Kustomization rendered it (Helm applies it, not kustomize). */
  rendered?: RenderedFrom;
}

export interface RenderedFrom {
  /** namespace/name of the HelmRelease. */
  helmRelease: string;
  /** The chart template ("podinfo/templates/deployment.yaml") or crds/ file. */
  template?: string;
  /** Hook events, when it is a Helm hook. */
  hook?: string[];
  /** A file of the chart's crds/ folder. */
  crd?: boolean;
}

/**
 * Where a HelmRelease's chart comes from, as source-controller would fetch it: a Helm HTTP
 * repository or an OCI registry (fetched through the chart cache), a folder of this
 * repository (a GitRepository chart), or nowhere we can reach, with the reason.
 */
export type ChartLocation =
  | ChartRequest
  | { type: 'folder'; dir: string }
  | { type: 'unavailable'; reason: string };

/** What rendering made of a HelmRelease (set by src/render). */
export interface HelmRenderOutcome {
  status: 'rendered' | 'not-verified' | 'failed';
  /** not-verified: why; failed: Helm's message. */
  reason?: string;
  /** failed: what failed — the values against values.schema.json, or the templates. */
  failure?: 'values-schema' | 'render' | 'values' | 'chart';
  chart?: { name: string; version: string; digest?: string };
  releaseName?: string;
  namespace?: string;
  /** Number of objects rendered (hooks and CRDs included). */
  resources: number;
  /** "group/Kind" of every CustomResourceDefinition the rendered chart installs. */
  crds?: string[];
}

export interface FluxKustomization {
  /**
   * Absent for a Flux Kustomization. 'Application': an Argo CD Application, loaded into the same
   * shape so that every rule on applied resources runs on it (src/repo/argocd/); `application`
   * then holds what is Argo-specific, and dependsOn is the order its sync waves give it.
   */
  kind?: 'Application';
  application?: ApplicationInfo;
  key: KsKey;
  name: string;
  namespace: string;
  /** Where the Kustomization object itself is defined. */
  origin?: SourcePosition;
  /** The Kustomization that applies this one (undefined for the cluster's root). */
  parent?: KsKey;
  /** spec.path as written (after the parent's substitution). */
  specPath: string;
  /** The directory built, relative to the repository root, when it could be resolved locally. */
  path?: string;
  /** Whether `path` has its own kustomization file, or Flux would generate one. */
  generatedKustomization?: boolean;
  sourceRef: SourceRef;
  dependsOn: KsKey[];
  wait?: boolean;
  prune?: boolean;
  timeout?: string;
  interval?: string;
  retryInterval?: string;
  healthChecks: ObjectId[];
  targetNamespace?: string;
  serviceAccountName?: string;
  suspend?: boolean;
  /** The full object (spec included), as it would be applied. */
  object: YamlMap;
  /** built | failed | skipped (source not local or missing) */
  status: 'built' | 'failed' | 'skipped';
  resources: AppliedResource[];
  /** Facts (src/k8s/facts.ts) the applied resources provide to / use from the cluster. */
  provides: Fact[];
  /** Facts used that the Kustomization does not provide itself (the checker orders on these). */
  uses: Fact[];
  substitution?: SubstitutionReport;
  problems: FluxProblem[];
}

export interface HelmReleaseInfo {
  /** Set when the release is a Helm chart source of an Argo CD Application, not a HelmRelease object. */
  application?: ApplicationHelmSource;
  key: string;
  name: string;
  namespace: string;
  origin?: SourcePosition;
  /** The Kustomization that applies it. */
  appliedBy: KsKey;
  chart: {
    /** chart name (chart.spec.chart) or, for chartRef, the referenced object's name. */
    name?: string;
    version?: string;
    sourceRef: SourceRef;
    /** 'chartRef' (OCIRepository/HelmChart) or 'chart.spec' (HelmRepository/GitRepository/Bucket). */
    via: 'chartRef' | 'chart.spec';
    /** The resolved source, when it exists in the cluster. */
    source?: { kind: string; key: string; url?: string; appliedBy?: KsKey };
  };
  /** Where the chart is fetched or read from. */
  chartLocation: ChartLocation;
  /** The HelmRelease as Flux applies it. */
  object: YamlMap;
  /** The ConfigMaps and Secrets spec.valuesFrom names whose values the repository holds. */
  valuesObjects: YamlMap[];
  /** valuesFrom objects that exist but whose values are not readable offline, with why. */
  valuesUnknown: string[];
  render?: HelmRenderOutcome;
  dependsOn: string[];
  /** Inline values. */
  values?: YamlMap;
  valuesFrom: Array<{ kind: string; name: string; valuesKey?: string; optional: boolean; found: boolean; appliedBy?: KsKey }>;
  problems: FluxProblem[];
}

export interface FluxCluster {
  /** Absent for a Flux cluster; 'argocd' for an Argo CD app-of-apps tree (src/repo/argocd/). */
  delivery?: 'argocd';
  name: string;
  /** The entry directory (relative to the repository root). */
  root: string;
  /** How the entry point was found, e.g. "flux bootstrap (clusters/prod/flux-system/gotk-sync.yaml)". */
  entry: string;
  kustomizations: FluxKustomization[];
  helmReleases: HelmReleaseInfo[];
  sources: FluxSource[];
  /** Waves in which Flux can reconcile the Kustomizations (dependsOn), and the longest chain. */
  waves: KsKey[][];
  criticalPath: KsKey[];
  /** A dependsOn cycle as a closed path, if any. */
  cycle?: KsKey[];
  problems: FluxProblem[];
  /** Number of YAML documents built for this cluster. */
  documents: number;
}

export interface FluxRepository {
  root: string;
  clusters: FluxCluster[];
  /** Problems not tied to one cluster (discovery). */
  problems: FluxProblem[];
  /** Folders applied before Flux runs (kustomizations below a bootstrap/ folder), as built. */
  bootstrap: BootstrapBuild[];
}

export interface BootstrapBuild {
  dir: string;
  objects: YamlMap[];
}

export interface ClusterSpec {
  name: string;
  /** Entry directory or file, relative to the repository root. */
  path: string;
}

export interface LoadOptions {
  /** Explicit clusters (`--cluster NAME=PATH`); discovery is skipped when given. */
  clusters?: ClusterSpec[];
  /** Only these discovered clusters (`--cluster NAME`). */
  only?: string[];
  /** The repository's scan, when the caller already made one (it is not made twice). */
  scan?: RepositoryScan;
  /** Offline values for variables that only exist in the cluster (overrides .slipway.yaml). */
  substitutions?: Record<string, Record<string, string>>;
  /** Remote sources checked out locally: "Kind/namespace/name", "namespace/name" or "name" → folder. */
  sources?: Record<string, string>;
}
