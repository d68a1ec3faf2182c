// Loads slipway.config.ts at run time (no compile step for the user) and validates it.
// jiti transpiles the config on the fly; `slipway` imports inside it resolve to this
// very installation, so a config works from any directory.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closest } from 'fastest-levenshtein';
import { createJiti } from 'jiti';
import type { FleetConfig } from './types.js';
import { validateFleet, type ConfigProblem } from './validate.js';

export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: ConfigProblem[]) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the fleet config:\n` +
      problems.map((p) => `  ${p.path}: ${p.message}`).join('\n'));
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** The package's public entry (dist/src/index.js), what `import … from 'slipway'` means in a config. */
const packageEntry = path.resolve(here, '..', 'index.js');
export const packageRoot = path.resolve(here, '..', '..', '..');
export const referenceConfig = path.join(packageRoot, 'examples', 'homelab', 'slipway.config.ts');

export async function loadFleetConfig(file: string): Promise<FleetConfig> {
  const absolute = path.resolve(file);
  if (!existsSync(absolute)) throw new ConfigError(file, [{ path: '(file)', message: 'not found; pass --config FILE or run from a folder with slipway.config.ts' }]);
  // source maps on, so that a failure inside the config is reported at the user's line
  const jiti = createJiti(import.meta.url, { alias: { slipway: packageEntry }, moduleCache: false, fsCache: false, interopDefault: true, sourceMaps: true });
  let loaded: Record<string, unknown>;
  try {
    loaded = await jiti.import(absolute);
  } catch (err) {
    throw new ConfigError(file, [await explainLoadFailure(err, file, absolute)]);
  }
  // with interopDefault, jiti gives a module without one a stand-in default: ask for the export itself
  if (!loaded || !Object.hasOwn(loaded, 'default')) {
    const text = readFileSync(absolute, 'utf8');
    const line = text.split('\n').findIndex((l) => /defineFleet\s*\(/.test(l)) + 1;
    throw new ConfigError(file, [{
      path: line ? `${file}:${line}` : file,
      message: 'the fleet is not the default export; write `export default defineFleet({ … })`',
    }]);
  }
  const fleet = loaded.default as FleetConfig;
  const problems = validateFleet(fleet);
  if (problems.length) throw new ConfigError(file, problems);
  return fleet;
}

/** One problem for a config that failed to load, at the config's file:line where the error says. */
async function explainLoadFailure(err: unknown, file: string, absolute: string): Promise<ConfigProblem> {
  const message = err instanceof Error ? err.message : String(err);
  const stack = err instanceof Error ? err.stack ?? '' : '';
  const escaped = absolute.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const where = new RegExp(`${escaped}:(\\d+)(?::(\\d+))?`).exec(`${message}\n${stack}`);
  const at = where ? `${file}:${where[1]}` : file;
  const firstLine = message.split('\n')[0].replace(/^ParseError:\s*/, '').trim();
  if (/ParseError|SyntaxError/.test(message) || err instanceof SyntaxError) return { path: at, message: `syntax error: ${firstLine}` };
  // `certManagr()`: an import of a name the package does not export is undefined, and calling it fails
  const missing = /([A-Za-z_$][\w$]*)\)? is not (?:a function|defined)/.exec(firstLine);
  if (missing) {
    const name = missing[1];
    const factories = await catalogFactoryNames();
    const guess = closest(name, factories);
    if (factories.includes(name)) return { path: at, message: firstLine };
    return {
      path: at,
      message: `slipway has no module ${JSON.stringify(name)}${guess ? `; did you mean ${guess}?` : ''} (the catalog: ${factories.join(', ')})`,
    };
  }
  return { path: at, message: `could not be loaded: ${firstLine}` };
}

/** The names of the catalog's module factories, as a config imports them. */
async function catalogFactoryNames(): Promise<string[]> {
  const api = (await import('../index.js')) as Record<string, unknown>;
  return Object.keys(api).filter((k) => typeof api[k] === 'function' && 'definition' in (api[k] as object)).sort();
}
