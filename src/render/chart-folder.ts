// A chart folder of the repository (a GitRepository chart) as source-controller builds it: the
// dependencies Chart.lock (else Chart.yaml) names from Helm or OCI repositories that charts/
// does not already hold are fetched — `helm dependency build` — and handed to the engine next
// to the folder. `file://` dependencies are the engine's (it reads them inside the root).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChartFetcher, ChartRequest } from '../charts/index.js';
import { describeRequest, isChartMiss } from '../charts/index.js';
import { readYamlFile, resolveInsideRoot } from '../repo/yaml/index.js';

interface Dependency {
  name: string;
  version?: string;
  repository?: string;
}

export type FolderDependencies = { ok: true; archives: Uint8Array[] } | { ok: false; reason: string };

export async function fetchFolderDependencies(root: string, dir: string, fetcher: ChartFetcher): Promise<FolderDependencies> {
  const declared = dependenciesOf(root, dir);
  const present = presentInCharts(root, dir);
  const requests: Array<{ dep: Dependency; request: ChartRequest }> = [];
  for (const dep of declared) {
    if (!dep.repository || present.has(dep.name)) continue;
    const repo = dep.repository.replace(/\/+$/, '');
    if (repo.startsWith('oci://')) requests.push({ dep, request: { type: 'oci', url: `${repo}/${dep.name}`, semver: dep.version ?? '*' } });
    else if (/^https?:\/\//.test(repo)) requests.push({ dep, request: { type: 'helm', repoUrl: repo, chart: dep.name, version: dep.version } });
    else if (!repo.startsWith('file://')) {
      return { ok: false, reason: `the chart folder ${dir} depends on ${dep.name} from '${dep.repository}', a repository alias Slipway cannot resolve; write its URL in Chart.yaml` };
    }
  }
  const archives: Uint8Array[] = [];
  for (const { dep, request } of requests) {
    const got = await fetcher.fetch(request);
    if (isChartMiss(got)) return { ok: false, reason: `dependency ${dep.name} of the chart folder ${dir}: ${got.reason}` };
    try {
      archives.push(fs.readFileSync(got.file));
    } catch (e) {
      return { ok: false, reason: `${describeRequest(request)}: the cached chart cannot be read (${(e as Error).message})` };
    }
  }
  return { ok: true, archives };
}

/** Chart.lock's pinned dependencies when there is a lock, else Chart.yaml's. */
function dependenciesOf(root: string, dir: string): Dependency[] {
  for (const file of ['Chart.lock', 'Chart.yaml']) {
    const rel = path.posix.join(dir, file);
    const read = readYamlFile(root, rel);
    const value = read.documents[0]?.value as { dependencies?: unknown } | undefined;
    if (!value || typeof value !== 'object') continue;
    if (file === 'Chart.lock' || Array.isArray(value.dependencies)) {
      return (Array.isArray(value.dependencies) ? value.dependencies : [])
        .filter((d): d is Record<string, unknown> => !!d && typeof d === 'object' && typeof (d as { name?: unknown }).name === 'string')
        .map((d) => ({ name: String(d.name), version: d.version === undefined ? undefined : String(d.version), repository: d.repository === undefined ? undefined : String(d.repository) }));
    }
  }
  return [];
}

/** Names of the charts charts/ already holds: folders by name, archives by `<name>-<version>.tgz`. */
function presentInCharts(root: string, dir: string): Set<string> {
  const out = new Set<string>();
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(resolveInsideRoot(root, path.posix.join(dir, 'charts')), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.isDirectory() || e.isSymbolicLink()) out.add(e.name);
    const m = /^(.+)-v?\d+\.\d+\.\d+.*\.tgz$/.exec(e.name);
    if (m) out.add(m[1]);
  }
  return out;
}
