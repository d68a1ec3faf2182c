// Public types of the schema module. Kept free of Ajv types so callers never depend on Ajv.

/** A Kubernetes type, as written in a document's apiVersion and kind. */
export interface GroupVersionKind {
  /** API group; "" for the core group (apiVersion "v1"). */
  group: string;
  version: string;
  kind: string;
}

/** Where a schema came from, so findings can say which file or CRD judged the document. */
export interface SchemaOrigin {
  /** `crd`: a CustomResourceDefinition given at run time; `directory`: a --schemas folder; `builtin`: shipped with Slipway. */
  source: 'crd' | 'directory' | 'builtin';
  /** The schema file, or `CustomResourceDefinition <name>` for run-time CRDs. */
  location: string;
  /** For kubeconform-style version folders: the Kubernetes version of the folder, e.g. "1.21.0". */
  kubeVersion?: string;
  /**
   * True when the schema came from a version folder other than the one matching the target
   * Kubernetes version (only with `kubeVersionFallback`): the target no longer serves this API.
   */
  fallback: boolean;
}

/** One reason a document does not match its schema. */
export interface SchemaViolation {
  /** JSON pointer (RFC 6901) to the offending value, or to the object that lacks a required field. */
  path: string;
  /** What is wrong, without the location: `unknown field "foo"`, `must be integer, got string`. */
  message: string;
  /** The same for people: `spec.template.spec.containers[0].foo: unknown field`. */
  text: string;
  /** The JSON-schema keyword that failed (additionalProperties, type, required, enum …). */
  keyword: string;
}

export type ValidationResult =
  | { status: 'valid'; schema: SchemaOrigin }
  | { status: 'invalid'; schema: SchemaOrigin; errors: SchemaViolation[] }
  | {
      status: 'missing';
      gvk?: GroupVersionKind;
      /** Why: no schema known, no apiVersion/kind, or a schema that could not be compiled. */
      reason: string;
    };

/** Counters that make the caches observable (tests, `--verbose`, benchmarks). */
export interface SchemaRegistryStats {
  /** Schemas compiled by Ajv in this registry (cold path). */
  compiled: number;
  /** Validators loaded from the on-disk cache instead of compiling. */
  diskCacheHits: number;
  /** Validators reused from this process's memory (same schema content seen before). */
  memoryCacheHits: number;
  /** Validators written to the on-disk cache. */
  diskCacheWrites: number;
  /** Cache files that were unreadable, corrupt or unwritable (never fatal). */
  diskCacheErrors: number;
  /** Validators loaded from the disk cache whose code V8 took from its code cache (no parsing, no compiling). */
  codeCacheHits: number;
  /** V8 code caches written beside cached validators (after their first use). */
  codeCacheWrites: number;
}
