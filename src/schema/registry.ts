// SchemaRegistry: finds the schema for a document's apiVersion/kind and validates the document.
//
// Sources are searched in a fixed precedence: CRDs given at run time, then --schemas folders in
// the order given, then schemas shipped with Slipway, and last — only with kubeVersionFallback —
// other Kubernetes versions' folders, for APIs the target version no longer serves.
// Nothing is read or compiled until a document of that type is validated.
import path from 'node:path';
import { bundledSchemaDirs } from './builtin/bundled.js';
import { ValidatorCompiler, schemaHash } from './compiler.js';
import { ValidatorDiskCache, defaultCacheDir } from './disk-cache.js';
import { explainErrors } from './explain.js';
import { formatGvk, gvkKey, gvkOf, isWellFormedGvk } from './gvk.js';
import { normalizeSchema } from './normalize.js';
import type { StandaloneValidator } from './runtime.js';
import { CrdObjectSource } from './sources/crd-objects.js';
import { discoverSchemaSources } from './sources/discover.js';
import { parseKubeVersion } from './sources/kube-version.js';
import { SchemaSourceError, type SchemaSource } from './sources/source.js';
import { StandaloneDirSource } from './sources/standalone-dir.js';
import type { GroupVersionKind, SchemaOrigin, SchemaRegistryStats, ValidationResult } from './types.js';

export interface SchemaRegistryOptions {
  /** --schemas folders, in precedence order (CRDs-catalog, kubeconform standalone, or a parent of those). */
  dirs?: readonly string[];
  /** Target Kubernetes version ("1.31"): picks the matching k8s/v<version>-standalone-strict folder. */
  kubeVersion?: string;
  /**
   * Also look in other Kubernetes versions' folders, after every other source, for APIs the target
   * no longer serves. Results from there are marked `schema.fallback: true`.
   */
  kubeVersionFallback?: boolean;
  /** Parsed documents; every apiextensions.k8s.io CustomResourceDefinition among them is used, the rest ignored. */
  crds?: readonly unknown[];
  /** Where compiled validators are cached; `false` disables the disk cache. Default: see defaultCacheDir(). */
  cacheDir?: string | false;
  /**
   * Schemas shipped with Slipway, searched after `dirs`; results are marked `source: 'builtin'`.
   * Default: bundledSchemaDirs(), the Kubernetes built-in kinds generated at build time from the
   * @kubernetes/client-node dependency (see src/schema/builtin/bundled.ts). `[]` turns them off.
   */
  builtinDirs?: readonly string[];
}

type Resolution =
  | { kind: 'found'; origin: SchemaOrigin; raw: unknown; validator?: StandaloneValidator }
  | { kind: 'missing'; reason: string };

export class SchemaRegistry {
  readonly stats: SchemaRegistryStats = { compiled: 0, diskCacheHits: 0, memoryCacheHits: 0, diskCacheWrites: 0, diskCacheErrors: 0, codeCacheHits: 0, codeCacheWrites: 0 };
  /** The disk cache folder in use, or undefined when disabled. */
  readonly cacheDir: string | undefined;
  private readonly compiler: ValidatorCompiler;
  private readonly resolutions = new Map<string, Resolution>();

  private constructor(
    private readonly sources: readonly SchemaSource[],
    cacheDir: string | undefined,
  ) {
    this.cacheDir = cacheDir;
    this.compiler = new ValidatorCompiler(cacheDir ? new ValidatorDiskCache(cacheDir) : undefined, this.stats);
  }

  /** Opens the sources. Throws SchemaSourceError for a folder that is missing or has no known layout. */
  static async open(options: SchemaRegistryOptions = {}): Promise<SchemaRegistry> {
    if (options.kubeVersion !== undefined) parseKubeVersion(options.kubeVersion); // fail early on "1.x"
    const primary: SchemaSource[] = [];
    const fallback: SchemaSource[] = [];
    const crdSource = new CrdObjectSource(options.crds ?? []);
    if (crdSource.size > 0) primary.push(crdSource);
    const add = (dir: string, builtin: boolean) => {
      const found = discoverSchemaSources(dir, { kubeVersion: options.kubeVersion, builtin });
      primary.push(...found.primary);
      fallback.push(...found.fallback);
    };
    for (const dir of options.dirs ?? []) add(dir, false);
    for (const dir of options.builtinDirs ?? bundledSchemaDirs()) add(dir, true);
    const sources = options.kubeVersionFallback ? [...primary, ...fallback] : primary;
    const cacheDir = options.cacheDir === false ? undefined : path.resolve(options.cacheDir ?? defaultCacheDir());
    return new SchemaRegistry(sources, cacheDir);
  }

  /** The sources in search order, described for people (`--verbose`, reports). */
  describeSources(): string[] {
    return this.sources.map((s) => s.description);
  }

  /** Which schema would judge this type, without compiling it. */
  lookup(gvk: GroupVersionKind): SchemaOrigin | undefined {
    const resolution = this.resolve(gvk);
    return resolution.kind === 'found' ? resolution.origin : undefined;
  }

  /**
   * Whether a Kubernetes built-in kind is missing from the --schemas folder of the target version
   * while Slipway's own (newer) built-in schemas have it: that Kubernetes does not serve it yet.
   * Returns the folder that lacks it; undefined when there is no such folder, the folder has the
   * kind, or the kind is no built-in one (a CRD's kinds are never in version folders).
   */
  absentFromTargetFolder(gvk: GroupVersionKind, kubeVersion: string): string | undefined {
    const [major, minor] = parseKubeVersion(kubeVersion);
    const standalone = this.sources.filter((s): s is StandaloneDirSource => s instanceof StandaloneDirSource);
    const target = standalone.find((s) => {
      if (!s.isUserTargetFolder || !s.kubeVersion || s.kubeVersion === 'master') return false;
      const [a, b] = parseKubeVersion(s.kubeVersion);
      return a === major && b === minor;
    });
    if (!target || target.find(gvk)) return undefined;
    return standalone.some((s) => s.isBuiltin && s.find(gvk)) ? target.dir : undefined;
  }

  /** Validates one parsed document against the schema of its apiVersion/kind. Never throws for bad input. */
  validate(document: unknown): ValidationResult {
    const gvk = gvkOf(document);
    if (!gvk) return { status: 'missing', reason: 'document has no apiVersion and kind' };
    const resolution = this.resolve(gvk);
    if (resolution.kind === 'missing') return { status: 'missing', gvk, reason: resolution.reason };

    let validator: StandaloneValidator;
    try {
      validator = this.validatorFor(resolution);
    } catch (err) {
      const reason = `schema ${resolution.origin.location} could not be compiled: ${(err as Error).message}`;
      this.resolutions.set(gvkKey(gvk), { kind: 'missing', reason });
      return { status: 'missing', gvk, reason };
    }
    if (validator(document)) return { status: 'valid', schema: resolution.origin };
    return { status: 'invalid', schema: resolution.origin, errors: explainErrors(validator.errors ?? [], document) };
  }

  private resolve(gvk: GroupVersionKind): Resolution {
    const key = gvkKey(gvk);
    let resolution = this.resolutions.get(key);
    if (!resolution) {
      resolution = this.search(gvk);
      this.resolutions.set(key, resolution);
    }
    return resolution;
  }

  private search(gvk: GroupVersionKind): Resolution {
    if (!isWellFormedGvk(gvk)) return { kind: 'missing', reason: `"${formatGvk(gvk)}" is not a valid apiVersion/kind` };
    for (const source of this.sources) {
      try {
        const found = source.find(gvk);
        if (found) return { kind: 'found', origin: found.origin, raw: found.raw };
      } catch (err) {
        if (!(err instanceof SchemaSourceError)) throw err;
        return { kind: 'missing', reason: err.message };
      }
    }
    return { kind: 'missing', reason: `no schema for ${formatGvk(gvk)} in ${this.sources.length} schema source(s)` };
  }

  private validatorFor(resolution: Extract<Resolution, { kind: 'found' }>): StandaloneValidator {
    if (!resolution.validator) {
      const normalized = normalizeSchema(resolution.raw);
      resolution.validator = this.compiler.validatorFor(normalized, schemaHash(normalized));
      resolution.raw = undefined; // the raw schema can be large; the validator is all we need now
    }
    return resolution.validator;
  }
}
