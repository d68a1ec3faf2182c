// The content-addressed chart cache on disk:
//   <root>/charts/blobs/sha256/<hex>        the .tgz bytes, verified by hash on write and on read
//   <root>/charts/refs/<sha256(request)>.json  { request, digest, version, resolvedAt, fetchedFrom }
//   <root>/charts/indexes/<sha256(url)>.yaml   Helm index.yaml files, so offline runs can resolve ranges
// Refs and indexes are keyed by what the repository wrote (before mirror mapping): the cache
// describes the repository, wherever its charts were fetched from. Every write goes to a temporary
// file renamed into place, so a reader never sees half a file and concurrent writers cannot clash.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FetchProblem } from './problem.js';
import type { ChartRequest } from './types.js';

export interface CachedRef {
  request: ChartRequest;
  digest: string;
  version?: string;
  resolvedAt: string;
  fetchedFrom: string;
}

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
export const sha256Digest = (data: Uint8Array): string => `sha256:${sha256Hex(data)}`;

/** `$SLIPWAY_CACHE_DIR`, else `$XDG_CACHE_HOME/slipway`, else `~/.cache/slipway`. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>, homeDir: string = os.homedir()): string {
  if (env.SLIPWAY_CACHE_DIR) return path.resolve(env.SLIPWAY_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.resolve(env.XDG_CACHE_HOME, 'slipway');
  return path.join(homeDir, '.cache', 'slipway');
}

/** JSON with sorted keys and no undefined members: the same request always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const requestKey = (request: ChartRequest): string => sha256Hex(canonicalJson(request));

const DIGEST = /^sha256:([a-f0-9]{64})$/;

export class ChartCache {
  readonly dir: string;

  constructor(root: string) {
    this.dir = path.join(path.resolve(root), 'charts');
  }

  blobFile(digest: string): string {
    const m = DIGEST.exec(digest);
    if (!m) throw new FetchProblem(`${digest}: not a sha256 digest`);
    return path.join(this.dir, 'blobs', 'sha256', m[1]);
  }

  /** The blob's path when it is in the cache and its bytes still hash to `digest`. */
  async blob(digest: string): Promise<string | undefined> {
    const file = this.blobFile(digest);
    const bytes = await readFile(file).catch(() => undefined);
    return bytes && sha256Digest(bytes) === digest ? file : undefined;
  }

  /** Stores `bytes` under their digest after checking it is `digest`; returns the file. */
  async putBlob(bytes: Uint8Array, digest: string): Promise<string> {
    if (sha256Digest(bytes) !== digest) throw new FetchProblem(`chart cache: refused to store bytes that do not hash to ${digest}`);
    const file = this.blobFile(digest);
    await this.writeAtomic(file, bytes);
    return file;
  }

  async readRef(request: ChartRequest): Promise<CachedRef | undefined> {
    const text = await readFile(this.refFile(request), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      const ref = JSON.parse(text) as CachedRef;
      return typeof ref.digest === 'string' && DIGEST.test(ref.digest) && typeof ref.fetchedFrom === 'string' ? ref : undefined;
    } catch {
      return undefined; // a damaged ref is a miss, the next pull rewrites it
    }
  }

  async writeRef(ref: CachedRef): Promise<void> {
    await this.writeAtomic(this.refFile(ref.request), JSON.stringify(ref, null, 2) + '\n');
  }

  async readIndex(url: string): Promise<string | undefined> {
    return readFile(this.indexFile(url), 'utf8').catch(() => undefined);
  }

  async writeIndex(url: string, text: string): Promise<void> {
    await this.writeAtomic(this.indexFile(url), text);
  }

  private refFile(request: ChartRequest): string {
    return path.join(this.dir, 'refs', `${requestKey(request)}.json`);
  }

  private indexFile(url: string): string {
    return path.join(this.dir, 'indexes', `${sha256Hex(url)}.yaml`);
  }

  private async writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(temp, data);
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new FetchProblem(`chart cache ${this.dir}: cannot write (${code}); make it writable or point SLIPWAY_CACHE_DIR elsewhere`);
    }
  }
}
