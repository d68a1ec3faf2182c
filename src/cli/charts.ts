// `slipway charts pull|list [PATH] [--offline]`: the charts a repository's HelmReleases need.
// `pull` fills the chart cache (air-gapped CI runs it once with network), `list` shows each
// chart as cached or missing. Exit 1 when a chart could not be pulled.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { collectRepeatable, parseClusterOptions, requireClusters } from './cluster-option.js';
import { UserError } from './errors.js';
import { progressLine } from './progress.js';
import { readRepoConfig } from './repo-config.js';

export function registerCharts(program: Command): void {
  const charts = program.command('charts').description('the chart cache: what a repository needs, fetched ahead (pull) or shown (list)');
  for (const action of ['pull', 'list'] as const) {
    charts
      .command(action)
      .description(action === 'pull' ? 'fetch every chart the HelmReleases need into the chart cache' : 'show every chart the HelmReleases need, cached or missing')
      .argument('[path]', 'repository root', '.')
      .option('--cluster <name[=path]>', 'only this cluster, or an explicit entry point; repeatable', collectRepeatable, [])
      .option('--offline', 'look in the chart cache only (list always does)')
      .action(async (repoPath: string, opts: { cluster: string[]; offline?: boolean }) => run(action, repoPath, opts));
  }
}

async function run(action: 'pull' | 'list', repoPath: string, opts: { cluster: string[]; offline?: boolean }): Promise<void> {
  const root = path.resolve(repoPath);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new UserError(`'${repoPath}' is not a directory; give the root of a Flux repository`);
  const [{ loadAndRender, isOffline }, config, { createChartFetcher, describeRequest, isChartMiss }, { openEngine }] = await Promise.all([
    import('../render/load.js'), readRepoConfig(root), import('../charts/index.js'), import('../engine/index.js'),
  ]);
  const selection = parseClusterOptions(opts.cluster);
  const repo = await loadAndRender(root, { ...selection, substitutions: config.substitutions }, { enabled: false });
  await requireClusters(root, repoPath, selection, repo.clusters.map((c) => c.name));
  const needed = new Map<string, { label: string; request?: Parameters<typeof describeRequest>[0]; local?: string; why?: string; releases: string[] }>();
  for (const cluster of repo.clusters) {
    for (const hr of cluster.helmReleases) {
      const loc = hr.chartLocation;
      const label = loc.type === 'folder' ? `folder ${loc.dir}` : loc.type === 'unavailable' ? `(${hr.key})` : describeRequest(loc);
      const entry = needed.get(label) ?? { label, releases: [], ...(loc.type === 'folder' ? { local: loc.dir } : loc.type === 'unavailable' ? { why: loc.reason } : { request: loc }) };
      entry.releases.push(repo.clusters.length > 1 ? `${cluster.name}:${hr.key}` : hr.key);
      needed.set(label, entry);
    }
  }
  const engine = await openEngine([root], { workers: 1 });
  const progress = progressLine(process.stderr);
  try {
    const fetcher = createChartFetcher({
      settings: config.chartSettings, offline: action === 'list' || isOffline(opts.offline),
      selectVersion: (v, c) => engine.selectVersion(v, c),
      onProgress: (e) => progress.update(`charts ${e.done}/${e.total}`),
    });
    const entries = [...needed.values()].sort((a, b) => a.label.localeCompare(b.label));
    const results = await fetcher.fetchAll(entries.filter((e) => e.request).map((e) => e.request!));
    let i = 0;
    let missing = 0;
    const lines: string[] = [];
    for (const e of entries) {
      let status: string;
      if (e.local) status = 'in the repository';
      else if (e.why) {
        status = `not fetchable: ${e.why}`;
        missing++;
      } else {
        const r = results[i++];
        if (isChartMiss(r)) {
          status = `missing: ${r.reason}`;
          missing++;
        } else status = `${r.fromCache ? 'cached' : 'pulled'} ${r.version ?? ''} ${r.digest}`.replace(/\s+/g, ' ');
      }
      lines.push(`${e.label}\n    ${status}\n    for ${e.releases.sort().join(', ')}\n`);
    }
    progress.done();
    process.stdout.write(lines.join(''));
    process.stdout.write(`${entries.length} chart(s) for ${[...needed.values()].reduce((n, e) => n + e.releases.length, 0)} HelmRelease(s); ${missing} not available; cache ${fetcher.cacheDir}\n`);
    if (action === 'pull' && missing > 0) process.exitCode = 1;
  } finally {
    progress.done();
    await engine.close();
  }
}
