// Loads Ajv standalone validator code (from the disk cache or fresh from the compiler).
//
// Standalone code reaches its helpers through `require(...)`: Ajv's runtime modules
// (ajv/dist/runtime/*), our format table and our RegExp engine. We evaluate the code with a
// `require` of our own instead of writing it next to node_modules, so a cache directory anywhere
// ($XDG_CACHE_HOME, /tmp …) works and the helpers are always the ones this build was made with.
import { createRequire } from 'node:module';
import vm from 'node:vm';
import { KUBERNETES_FORMATS } from './formats.js';
import { safeRegExp } from './regexp.js';

export const FORMATS_MODULE = 'slipway:schema-formats';
export const REGEXP_MODULE = 'slipway:schema-regexp';

const nodeRequire = createRequire(import.meta.url);

function runtimeRequire(id: string): unknown {
  if (id === FORMATS_MODULE) return KUBERNETES_FORMATS;
  if (id === REGEXP_MODULE) return safeRegExp;
  if (id.startsWith('ajv/dist/runtime/')) return nodeRequire(id);
  // Anything else means the code was not produced by our compiler.
  throw new Error(`standalone validator requires unexpected module "${id}"`);
}

/** A validator as Ajv generates it: returns true or false and leaves the errors on itself. */
export interface StandaloneValidator {
  (data: unknown): boolean;
  errors?: Array<import('ajv').ErrorObject> | null;
}

/** A loaded validator, and V8's compiled form of its code once it has run (for the next process). */
export interface LoadedValidator {
  validate: StandaloneValidator;
  /** Whether V8 took the code cache it was given (false: none given, or made by another V8 or flags). */
  usedCodeCache: boolean;
  /** V8's code cache of the evaluated code, including the functions compiled so far. */
  codeCache(): Buffer;
}

/**
 * Evaluates CommonJS standalone code and returns its exported validate function. With `codeCache`
 * (what `codeCache()` gave an earlier process for the same code), V8 skips parsing and compiling
 * the code, which for the large validators of Kubernetes kinds costs more than validating.
 */
export function loadStandaloneValidator(code: string, codeCache?: Buffer): LoadedValidator {
  const module = { exports: {} as unknown };
  const script = new vm.Script(`(function (require, module, exports) {${code}\n})`, {
    filename: 'slipway-schema-validator.cjs',
    ...(codeCache ? { cachedData: codeCache } : {}),
  });
  const factory = script.runInThisContext() as (
    req: (id: string) => unknown,
    mod: { exports: unknown },
    exp: unknown,
  ) => void;
  factory(runtimeRequire, module, module.exports);
  const validate = module.exports;
  if (typeof validate !== 'function') throw new Error('standalone validator code exports no function');
  return { validate: validate as StandaloneValidator, usedCodeCache: !!codeCache && !script.cachedDataRejected, codeCache: () => script.createCachedData() };
}
