// flux-local's golden outputs (../shared/corpus/allenporter__flux-local): syrupy snapshots, the
// CLI arguments of each case (TESTCASES.json), and the argument forms both oracle tests read.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedDir } from '../helpers.js';

export const fluxLocalDir = path.join(sharedDir, 'corpus', 'allenporter__flux-local');

export interface SnapshotCase { test: string; id: string; args: string[]; expected: string | undefined }

/** Snapshot bodies by name, from a syrupy .ambr file ('' for an empty snapshot). */
export function readSnapshots(file: string): Map<string, string> {
  const text = readFileSync(path.join(fluxLocalDir, file), 'utf8');
  const out = new Map<string, string>();
  for (const m of text.matchAll(/# name: (\S+)\n  '''\n([\s\S]*?)\n  '''\n/g)) out.set(m[1], m[2].replace(/^  /gm, ''));
  for (const m of text.matchAll(/# name: (\S+)\n  ''\n/g)) out.set(m[1], '');
  return out;
}

/** Every parameter set of `test`, with its snapshot from `snapshotFile` (undefined when there is none). */
export function snapshotCases(test: string, snapshotFile: string): SnapshotCase[] {
  const index = JSON.parse(readFileSync(path.join(fluxLocalDir, 'TESTCASES.json'), 'utf8')) as { cases: Array<{ test: string; params?: Array<{ id: string; value: string[] }> }> };
  const snaps = readSnapshots(snapshotFile);
  const entry = index.cases.find((c) => c.test === test);
  return (entry?.params ?? []).map((p) => ({ test, id: p.id, args: p.value, expected: snaps.get(`${test}[${p.id}]`) }));
}

/** Value of `--name V` or `--name=V`, every occurrence. */
export function argAll(args: string[], ...names: string[]): string[] {
  const out: string[] = [];
  args.forEach((a, i) => {
    for (const n of names) {
      if (a === n && i + 1 < args.length) out.push(args[i + 1]);
      else if (a.startsWith(n + '=')) out.push(a.slice(n.length + 1));
    }
  });
  return out;
}

export const norm = (p: string) => p.replace(/^\.\//, '').replace(/\/$/, '');

/** `--sources a,b=dir` → the local folders of remote sources. */
export function sourcesOf(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (argAll(args, '--sources')[0] ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}
