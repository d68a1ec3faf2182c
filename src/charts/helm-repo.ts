// Helm HTTP repositories: `index.yaml` (apiVersion v1, `entries.<chart>[]` with version, urls and
// digest), the entries of a chart, and where an entry's archive lives
// (`urls[0]` relative to the index URL, or absolute).
import { parse } from 'yaml';
import { FetchProblem, displayUrl, listSome } from './problem.js';

export interface HelmIndexEntry {
  version: string;
  urls: string[];
  /** sha256 hex of the archive, when the index has one. */
  digest?: string;
}

export type HelmIndex = ReadonlyMap<string, readonly HelmIndexEntry[]>;

/** Parses index.yaml; entries without a version or urls are left out (Helm skips them too). */
export function parseHelmIndex(text: string, indexUrl: string): HelmIndex {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new FetchProblem(`${displayUrl(indexUrl)}: not valid YAML (${(error as Error).message.split('\n')[0]}); check the repository URL`);
  }
  const entries = (doc as { entries?: unknown } | null)?.entries;
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
    throw new FetchProblem(`${displayUrl(indexUrl)}: not a Helm repository index (no entries); check the repository URL`);
  }
  const index = new Map<string, HelmIndexEntry[]>();
  for (const [name, list] of Object.entries(entries as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue;
    const kept: HelmIndexEntry[] = [];
    for (const raw of list as Record<string, unknown>[]) {
      if (!raw || typeof raw !== 'object') continue;
      const version = typeof raw.version === 'string' ? raw.version : typeof raw.version === 'number' ? String(raw.version) : undefined;
      const urls = Array.isArray(raw.urls) ? raw.urls.filter((u): u is string => typeof u === 'string' && u !== '') : [];
      if (!version || urls.length === 0) continue;
      kept.push(typeof raw.digest === 'string' && raw.digest ? { version, urls, digest: raw.digest } : { version, urls });
    }
    index.set(name, kept);
  }
  return index;
}

/** The entries of `chart`, newest first as the index lists them. */
export function chartEntries(index: HelmIndex, chart: string, indexUrl: string): readonly HelmIndexEntry[] {
  const entries = index.get(chart);
  if (!entries?.length) {
    throw new FetchProblem(`${displayUrl(indexUrl)} has no chart "${chart}" (it has: ${listSome([...index.keys()].sort())}); check spec.chart.spec.chart and the HelmRepository URL`);
  }
  return entries;
}

/** `sha256:<hex>` of the entry's digest, or undefined when the index has none. */
export function entryDigest(entry: HelmIndexEntry, chart: string, indexUrl: string): string | undefined {
  if (entry.digest === undefined) return undefined;
  const hex = entry.digest.replace(/^sha256:/i, '').toLowerCase();
  if (!/^[a-f0-9]{64}$/.test(hex)) throw new FetchProblem(`${displayUrl(indexUrl)}: chart ${chart} ${entry.version} has a digest that is not sha256 hex; the index is damaged`);
  return `sha256:${hex}`;
}

/** `urls[0]` resolved against the index URL, as Helm does; absolute URLs stay as they are. */
export function archiveUrl(entry: HelmIndexEntry, chart: string, indexUrl: string): string {
  try {
    return new URL(entry.urls[0], indexUrl).href;
  } catch {
    throw new FetchProblem(`${displayUrl(indexUrl)}: chart ${chart} ${entry.version} has an unusable download URL; the index is damaged`);
  }
}
