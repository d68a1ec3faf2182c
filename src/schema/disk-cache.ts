// On-disk cache of standalone validator code, one file per schema content hash, and beside it
// V8's code cache of that code once a run has used it.
//
// The cache only ever speeds things up: a missing, truncated, corrupt or unwritable cache falls
// back to compiling, and is never an error. Files carry their hash in a header and a footer, so a
// partly written file (crash, full disk) is recognized and replaced. Writes go to a temporary
// file first and are renamed into place, so concurrent processes never read half a file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const header = (hash: string) => `// slipway standalone schema validator ${hash}\n`;
const footer = (hash: string) => `\n// end ${hash}\n`;

export type ReadOutcome = { kind: 'hit'; code: string } | { kind: 'miss' } | { kind: 'corrupt' };

export class ValidatorDiskCache {
  constructor(readonly dir: string) {}

  private fileFor(hash: string): string {
    return path.join(this.dir, `${hash}.cjs`);
  }

  read(hash: string): ReadOutcome {
    let text: string;
    try {
      text = fs.readFileSync(this.fileFor(hash), 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Not there (or the cache folder cannot exist, ENOTDIR) is a plain miss; anything else is a broken cache.
      return code === 'ENOENT' || code === 'ENOTDIR' ? { kind: 'miss' } : { kind: 'corrupt' };
    }
    const head = header(hash);
    const foot = footer(hash);
    if (!text.startsWith(head) || !text.endsWith(foot)) return { kind: 'corrupt' };
    return { kind: 'hit', code: text.slice(head.length, text.length - foot.length) };
  }

  /** V8's code cache for a hash's code, when an earlier run left one. V8 itself rejects a stale or foreign one. */
  readCodeCache(hash: string): Buffer | undefined {
    try {
      return fs.readFileSync(this.codeCacheFor(hash));
    } catch {
      return undefined;
    }
  }

  writeCodeCache(hash: string, data: Buffer): boolean {
    return this.writeFile(this.codeCacheFor(hash), data);
  }

  private codeCacheFor(hash: string): string {
    return path.join(this.dir, `${hash}.v8cache`);
  }

  /** Stores code for a hash; returns false (and leaves no partial file) when that fails. */
  write(hash: string, code: string): boolean {
    return this.writeFile(this.fileFor(hash), header(hash) + code + footer(hash));
  }

  private writeFile(target: string, data: string | Buffer): boolean {
    const temp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(temp, data);
      fs.renameSync(temp, target);
      return true;
    } catch {
      try {
        fs.rmSync(temp, { force: true });
      } catch {
        // nothing more we can do; the cache is best-effort
      }
      return false;
    }
  }
}

/**
 * Where compiled validators live unless the caller says otherwise: `$XDG_CACHE_HOME/slipway/schemas`
 * when that is set, else `node_modules/.cache/slipway/schemas` of the Slipway installation (the
 * find-cache-dir convention that babel and eslint use), else `~/.cache/slipway/schemas`.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'slipway', 'schemas');
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'node_modules'))) {
      return path.join(dir, 'node_modules', '.cache', 'slipway', 'schemas');
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.join(os.homedir(), '.cache', 'slipway', 'schemas');
}
