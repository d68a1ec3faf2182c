// Every chart of ../shared/charts served on 127.0.0.1 the way its upstream serves it: Helm HTTP
// repositories from a static server, OCI charts pushed into a local docker-registry under the
// upstream host and path (oci://ghcr.io/bjw-s-labs/helm/app-template →
// 127.0.0.1:PORT/ghcr.io/bjw-s-labs/helm/app-template), plus the `.slipway.yaml` mirrors that map
// each upstream URL (from ../shared/charts/README.md's URL table) there. Used by tests and bench/helm.ts.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { ChartMirror } from '../../src/charts/index.js';
import { chartReposDir, pushChart, startHelmRepoServer, startRegistry, type Registry, type TestServer } from './chart-servers.js';

export interface ChartMirrorSet {
  mirrors: ChartMirror[];
  charts: number;
  /**
   * Mirrors that send every other chart URL (not in ../shared/charts) to 127.0.0.1 as well, where
   * it is not found: nothing is asked of the network, and the answer is a plain 404.
   */
  unmapped(urls: Iterable<string>): ChartMirror[];
  close(): Promise<void>;
}

/** repo-id → upstream URLs, read from the README's "Helm repository URLs" table. */
function upstreamUrls(): Map<string, string[]> {
  const readme = readFileSync(path.join(chartReposDir, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Helm repository URLs'));
  const out = new Map<string, string[]>();
  for (const m of section.matchAll(/^\| ([a-z0-9-]+) \| (.+) \|$/gm)) {
    const urls = [...m[2].matchAll(/`([^`]+)`/g)].map((u) => u[1].replace(/\/+$/, ''));
    if (urls.length) out.set(m[1], urls);
  }
  return out;
}

export async function startChartMirror(): Promise<ChartMirrorSet> {
  const http: TestServer = await startHelmRepoServer();
  const registry: Registry = await startRegistry();
  const mirrors: ChartMirror[] = [];
  let charts = 0;
  for (const [repoId, urls] of upstreamUrls()) {
    const index = parse(readFileSync(path.join(chartReposDir, repoId, 'index.yaml'), 'utf8')) as { entries: Record<string, Array<{ urls: string[] }>> };
    const files = readdirSync(path.join(chartReposDir, repoId)).filter((f) => f.endsWith('.tgz'));
    for (const url of urls) {
      if (url.startsWith('oci://')) {
        const at = url.slice('oci://'.length);
        mirrors.push({ from: url, to: `oci://${registry.host}/${at}`, plainHTTP: true });
        for (const [name, entries] of Object.entries(index.entries)) {
          for (const e of entries) {
            const file = path.basename(e.urls[0]);
            if (files.includes(file)) {
              await pushChart(registry, `${at}/${name}`, repoId, file);
              charts++;
            }
          }
        }
      } else {
        mirrors.push({ from: url, to: `${http.url}/${repoId}`, plainHTTP: false });
      }
    }
  }
  const unmapped = (urls: Iterable<string>): ChartMirror[] => {
    const out = new Map<string, ChartMirror>();
    for (const url of urls) {
      if (mirrors.some((m) => url === m.from || url.startsWith(`${m.from}/`))) continue;
      const u = new URL(url.replace(/^oci:/, 'https:'));
      const from = `${url.startsWith('oci://') ? 'oci' : u.protocol.slice(0, -1)}://${u.host}`;
      out.set(from, url.startsWith('oci://')
        ? { from, to: `oci://${registry.host}/unmapped/${u.host}`, plainHTTP: true }
        : { from, to: `${http.url}/unmapped/${u.host}`, plainHTTP: false });
    }
    return [...out.values()];
  };
  return { mirrors, charts, unmapped, close: async () => { await http.close(); await registry.stop(); } };
}
