// Where a HelmRelease's chart bytes come from: the chart cache (fetching through src/charts,
// or only reading it when offline), or a chart folder of the repository itself (with the
// dependencies source-controller would fetch for it).
import * as fs from 'node:fs';
import type { ChartFetcher } from '../charts/index.js';
import { describeRequest, isChartMiss } from '../charts/index.js';
import type { ChartLocation } from '../repo/flux/index.js';
import type { ChartSource } from '../engine/index.js';
import { fetchFolderDependencies } from './chart-folder.js';

export type ChartOutcome =
  | { ok: true; chart: ChartSource; digest?: string; version?: string }
  | { ok: false; reason: string };

export async function obtainChart(root: string, location: ChartLocation, fetcher: ChartFetcher): Promise<ChartOutcome> {
  switch (location.type) {
    case 'unavailable':
      return { ok: false, reason: location.reason };
    case 'folder': {
      const deps = await fetchFolderDependencies(root, location.dir, fetcher);
      if (!deps.ok) return { ok: false, reason: deps.reason };
      return { ok: true, chart: { root, dir: location.dir, ...(deps.archives.length ? { dependencies: deps.archives } : {}) } };
    }
  }
  const got = await fetcher.fetch(location);
  if (isChartMiss(got)) return { ok: false, reason: got.reason };
  try {
    return { ok: true, chart: { archive: fs.readFileSync(got.file) }, digest: got.digest, version: got.version };
  } catch (e) {
    return { ok: false, reason: `${describeRequest(location)}: the cached chart ${got.file} cannot be read (${(e as Error).message}); run \`slipway charts pull\` again` };
  }
}
