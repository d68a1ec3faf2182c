// On-disk cache of one revision's kustomize builds, keyed by commit: a commit's files never
// change, so its builds (with the inputs each read) can be reused by the next `slipway diff`
// against the same base — the usual case while working on a branch. Then only the Kustomizations
// whose inputs differ from the base are built at all, which is what makes a one-file diff fast
// in a large repository. Like the schema cache, it only ever speeds things up: a missing,
// corrupt or unwritable cache is ignored.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCacheDir } from '../schema/index.js';
import type { SerializedRecord } from './builder.js';

const FORMAT = 1;
const KEEP = 16;

/** Changes whenever the build engine is rebuilt, so stale results are never reused. */
function engineStamp(): string {
  const parts: string[] = [String(FORMAT)];
  for (const rel of ['../../engine/slipway-engine.wasm', '../repo/flux/engine-builder.js', './builder.js']) {
    try {
      const st = fs.statSync(fileURLToPath(new URL(rel, import.meta.url)));
      parts.push(`${rel}:${st.size}:${st.mtimeMs}`);
    } catch {
      parts.push(rel);
    }
  }
  return parts.join('|');
}

export function buildCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.dirname(defaultCacheDir(env)), 'diff');
}

function fileFor(dir: string, commit: string, prefix: string): string {
  const h = createHash('sha256').update(`${commit}\0${prefix}\0${engineStamp()}`).digest('hex').slice(0, 32);
  return path.join(dir, `${h}.json`);
}

const replacer = (_k: string, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v);
const reviver = (_k: string, v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { $bigint?: unknown }).$bigint === 'string'
    ? BigInt((v as { $bigint: string }).$bigint)
    : v;

export function readBuildCache(dir: string, commit: string, prefix: string): SerializedRecord[] | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(fileFor(dir, commit, prefix), 'utf8'), reviver) as { commit?: string; records?: SerializedRecord[] };
    return data.commit === commit && Array.isArray(data.records) ? data.records : undefined;
  } catch {
    return undefined;
  }
}

export function writeBuildCache(dir: string, commit: string, prefix: string, records: SerializedRecord[]): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const file = fileFor(dir, commit, prefix);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ commit, prefix, records }, replacer));
    fs.renameSync(tmp, file);
    // keep the newest few
    const entries = fs.readdirSync(dir).filter((f) => f.endsWith('.json'))
      .map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const e of entries.slice(KEEP)) fs.rmSync(path.join(dir, e.f), { force: true });
  } catch {
    // a cache that cannot be written is only slower
  }
}
