// Compiles normalized schemas into validators, once per schema content.
//
// Three levels, cheapest first: this process's memory (keyed by content hash), the on-disk cache
// of standalone code, and a real Ajv compile (which also fills both caches). Whatever the path, the
// validator that runs is the evaluated standalone code, so a cold and a warm run behave the same.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Ajv, _, type ValidateFunction } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { KUBERNETES_FORMATS } from './formats.js';
import { safeRegExp } from './regexp.js';
import { FORMATS_MODULE, loadStandaloneValidator, type LoadedValidator, type StandaloneValidator } from './runtime.js';
import type { ValidatorDiskCache } from './disk-cache.js';
import type { SchemaRegistryStats } from './types.js';

// The CommonJS module's default export, as seen through Node's ESM interop.
const standaloneCode = standaloneModule.default;

const ajvVersion = (createRequire(import.meta.url)('ajv/package.json') as { version: string }).version;

/**
 * Part of every cache key: bump it when normalization, formats or Ajv options change what code is
 * generated, so stale cache files are simply never looked up again.
 */
const COMPILER_FINGERPRINT = `slipway-schema-compiler/1 ajv/${ajvVersion}`;

/** Validators by content hash, shared by every registry in this process. */
const processMemo = new Map<string, StandaloneValidator>();

export function schemaHash(normalizedSchema: object): string {
  return createHash('sha256').update(COMPILER_FINGERPRINT).update('\n').update(JSON.stringify(normalizedSchema)).digest('hex');
}

function createAjv(): Ajv {
  const ajv = new Ajv({
    // Ajv's own "strict mode" is about schema hygiene (unknown keywords, loose types), which real
    // CRDs do not follow; document strictness comes from additionalProperties: false instead.
    strict: false,
    // Report every problem in a document, not just the first one.
    allErrors: true,
    // Schemas come from trusted generators and are checked by compiling them; validating each one
    // against the meta-schema first would double the cost of large CRDs.
    validateSchema: false,
    addUsedSchema: false,
    // Ajv's code optimizer costs about half the compile time of large CRDs and saves little.
    code: { optimize: false, source: true, formats: _`require(${FORMATS_MODULE})`, regExp: safeRegExp },
  });
  for (const [name, format] of Object.entries(KUBERNETES_FORMATS)) ajv.addFormat(name, format);
  return ajv;
}

export class ValidatorCompiler {
  constructor(
    private readonly diskCache: ValidatorDiskCache | undefined,
    private readonly stats: SchemaRegistryStats,
  ) {}

  /** Returns the validator for a normalized schema; throws if the schema cannot be compiled. */
  validatorFor(normalizedSchema: object, hash = schemaHash(normalizedSchema)): StandaloneValidator {
    const remembered = processMemo.get(hash);
    if (remembered) {
      this.stats.memoryCacheHits++;
      return remembered;
    }
    const validator = this.fromDisk(hash) ?? this.compile(normalizedSchema, hash);
    processMemo.set(hash, validator);
    return validator;
  }

  private fromDisk(hash: string): StandaloneValidator | undefined {
    if (!this.diskCache) return undefined;
    const cached = this.diskCache.read(hash);
    if (cached.kind === 'miss') return undefined;
    if (cached.kind === 'hit') {
      try {
        const loaded = loadStandaloneValidator(cached.code, this.diskCache.readCodeCache(hash));
        this.stats.diskCacheHits++;
        if (loaded.usedCodeCache) {
          this.stats.codeCacheHits++;
          return loaded.validate;
        }
        return this.savingCodeCache(loaded, hash);
      } catch {
        // fall through: treat like a corrupt file and recompile over it
      }
    }
    this.stats.diskCacheErrors++;
    return undefined;
  }

  /**
   * The validator, which after its first run leaves V8's code cache beside the code: by then V8
   * has compiled the functions a document of this kind needs, and the next process gets them all.
   */
  private savingCodeCache(loaded: LoadedValidator, hash: string): StandaloneValidator {
    const diskCache = this.diskCache!;
    const stats = this.stats;
    let saved = false;
    const validate: StandaloneValidator = (data) => {
      const ok = loaded.validate(data);
      validate.errors = loaded.validate.errors;
      if (!saved) {
        saved = true;
        if (diskCache.writeCodeCache(hash, loaded.codeCache())) stats.codeCacheWrites++;
      }
      return ok;
    };
    return validate;
  }

  private compile(normalizedSchema: object, hash: string): StandaloneValidator {
    // A fresh Ajv per schema: an instance keeps every schema and scope value it ever compiled,
    // which for hundreds of CRDs adds up to gigabytes.
    const ajv = createAjv();
    const validator = ajv.compile(normalizedSchema);
    this.stats.compiled++;
    if (this.diskCache) {
      // Ajv's validator is the same generated code the standalone module contains; using it
      // directly avoids evaluating several megabytes of code twice on the cold path.
      if (this.diskCache.write(hash, standaloneCode(ajv, validator))) this.stats.diskCacheWrites++;
      else this.stats.diskCacheErrors++;
    }
    return detachFromAjv(validator);
  }
}

/**
 * A validator from ajv.compile() carries its generated source and its compilation environment
 * (which references the Ajv instance); with hundreds of CRDs that is most of the memory used.
 * The function itself only needs its closure.
 */
function detachFromAjv(validator: ValidateFunction): StandaloneValidator {
  const props = validator as unknown as Record<string, unknown>;
  for (const key of ['source', 'schema', 'schemaEnv']) delete props[key];
  return validator as StandaloneValidator;
}

/** Forgets validators compiled in this process (for tests and benchmarks of the cold path). */
export function clearProcessMemo(): void {
  processMemo.clear();
}
