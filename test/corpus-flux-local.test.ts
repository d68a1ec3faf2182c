// flux-local's golden outputs as an oracle for discovery: for every `flux-local get ks` and
// `get cluster` snapshot, the Kustomizations (names, namespaces and paths) we find for the same
// fixture must be the ones flux-local lists. Where we knowingly differ, the difference is written
// below with its reason (and in test/flux-local-differences.md) and asserted exactly, so that a
// new difference fails the test instead of hiding in a skip list.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadFlux, type FluxRepository } from '../src/repo/flux/index.js';

import { fluxLocalDir as fluxLocal, norm, snapshotCases, sourcesOf } from './helpers/flux-local.js';

interface Case { id: string; args: string[]; expected: string }

function cases(test: string, snapshotFile: string): Case[] {
  return snapshotCases(test, snapshotFile).map((c) => ({ id: c.id, args: c.args, expected: c.expected ?? '' }));
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const loads = new Map<string, Promise<FluxRepository>>();
function load(sources: Record<string, string>): Promise<FluxRepository> {
  const key = JSON.stringify(sources);
  if (!loads.has(key)) loads.set(key, loadFlux(fluxLocal, { sources }));
  return loads.get(key)!;
}

/** Our rows for one flux-local invocation: "namespace/name path", sorted. */
async function ourRows(args: string[]): Promise<string[]> {
  const where = norm(arg(args, '--path') ?? '.');
  const allNamespaces = args.includes('-A') || args.includes('--all-namespaces') || args.includes('--all');
  const repo = await load(sourcesOf(args));
  const clusters = repo.clusters.filter((c) => c.root === where || c.root.startsWith(where + '/'));
  // with --sources, flux-local resolves only the sources named there (flux-system included)
  const named = arg(args, '--sources')?.split(',').map((s) => s.split('=')[0]);
  return clusters
    .flatMap((c) => c.kustomizations)
    .filter((k) => !named || named.includes(k.sourceRef.name))
    // flux-local lists what it can build: Kustomizations whose source is not local are left out
    .filter((k) => k.status !== 'skipped' && (allNamespaces || k.namespace === 'flux-system'))
    .map((k) => `${k.namespace}/${k.name} ${k.path}`)
    .sort();
}

/** flux-local's rows from a `get ks` table. */
function expectedRows(table: string): string[] {
  const lines = table.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0 || !lines[0].includes('NAME')) return [];
  const header = lines[0].trim().split(/\s{2,}/);
  return lines.slice(1).map((l) => {
    const cols = l.trim().split(/\s{2,}/);
    const col = (n: string) => cols[header.indexOf(n)];
    return `${col('NAMESPACE') ?? 'flux-system'}/${col('NAME')} ${norm(col('PATH'))}`;
  }).sort();
}

/** Known, explained differences (see test/flux-local-differences.md). */
const DIFFERENCES: Record<string, { missing: string[]; extra: string[]; why: string }> = {
  'cluster5-all': {
    missing: ['controllers/infra-controllers tests/testdata/cluster5'],
    extra: [],
    why: 'infra-controllers (namespace controllers) names GitRepository flux-system without a namespace, so Flux looks in ' +
      '"controllers", where there is none: we report flux/source-missing; flux-local falls back to the cluster source',
  },
};

describe('flux-local golden outputs: get ks', () => {
  for (const c of cases('test_get_ks', 'tests/tool/__snapshots__/test_get_ks.ambr')) {
    it(`get ks ${c.args.join(' ')}`, async () => {
      const ours = await ourRows(c.args);
      const expected = expectedRows(c.expected);
      const known = DIFFERENCES[c.id];
      const missing = expected.filter((r) => !ours.includes(r));
      const extra = ours.filter((r) => !expected.includes(r));
      assert.deepEqual({ missing, extra }, known ? { missing: known.missing, extra: known.extra } : { missing: [], extra: [] }, known?.why);
      if (expected.length === 0) assert.match(c.expected, /no Kustomization objects found/);
    });
  }
});

describe('flux-local golden outputs: get cluster', () => {
  for (const c of cases('test_get_cluster', 'tests/tool/__snapshots__/test_get_cluster.ambr')) {
    const table = /^PATH\s+KUSTOMIZATIONS\s*\n(\S+)\s+(\d+)/.exec(c.expected);
    if (!table) continue; // json/yaml/image listings: their Kustomizations are covered by get ks
    it(`get cluster ${c.args.join(' ')}`, async () => {
      assert.equal((await ourRows(c.args)).filter((r) => r.startsWith('flux-system/') || c.args.includes('-A')).length, Number(table[2]));
    });
  }
});
