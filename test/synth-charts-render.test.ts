// The reference fleet's HelmReleases rendered with the values synth writes, charts served from
// ../shared/charts on 127.0.0.1: every release whose chart@version is there must render — its
// values pass the chart's values.schema.json (app-template, cilium, cert-manager …) and its
// templates — and every other release must say plainly that it was not verified.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { loadFleetConfig } from '../src/model/load.js';
import { loadAndRender } from '../src/render/load.js';
import { synthesize, writeTree } from '../src/synth/index.js';
import { referenceConfigFile } from './helpers.js';
import { startChartMirror, type ChartMirrorSet } from './helpers/chart-mirror.js';
import { chartReposDir } from './helpers/chart-servers.js';

/** "name@version" of every chart in ../shared/charts. */
function availableCharts(): Set<string> {
  const out = new Set<string>();
  for (const repo of readdirSync(chartReposDir)) {
    const index = parse(readFileSync(path.join(chartReposDir, repo, 'index.yaml'), 'utf8')) as { entries: Record<string, Array<{ version: string }>> };
    for (const [name, entries] of Object.entries(index.entries)) for (const e of entries) out.add(`${name}@${e.version}`);
  }
  return out;
}

describe('the reference fleet rendered through Helm', () => {
  let mirror: ChartMirrorSet;
  const work = mkdtempSync(path.join(os.tmpdir(), 'slipway-synth-render-'));
  before(async () => {
    mirror = await startChartMirror();
  });
  after(async () => {
    await mirror?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('renders every release whose chart is in ../shared/charts, with synth\'s values', async (t) => {
    const out = path.join(work, 'fleet');
    writeTree(out, synthesize(await loadFleetConfig(referenceConfigFile)).tree);
    const repo = await loadAndRender(out, {}, {
      settings: { mirrors: mirror.mirrors, auth: [], knowledge: [] }, cacheDir: path.join(work, 'cache'), offline: false, kubeVersion: '1.31',
    });
    const available = availableCharts();
    const rendered: string[] = [];
    const wrong: string[] = [];
    const unavailable: string[] = [];
    for (const cluster of repo.clusters) {
      for (const hr of cluster.helmReleases) {
        const loc = hr.chartLocation;
        const chart = loc.type === 'helm' ? `${loc.chart}@${loc.version}` : loc.type === 'oci' ? `${loc.url.split('/').pop()}@${loc.tag ?? loc.semver}` : loc.type;
        const label = `${cluster.name} ${hr.key} (${chart})`;
        if (available.has(chart)) {
          if (hr.render?.status === 'rendered') rendered.push(label);
          else wrong.push(`${label}: ${hr.render?.status} ${hr.render?.failure ?? ''} ${hr.render?.reason ?? ''}`);
        } else {
          unavailable.push(chart);
          if (hr.render?.status !== 'not-verified') wrong.push(`${label}: chart not in ../shared/charts, yet ${hr.render?.status}`);
        }
      }
    }
    t.diagnostic(`${rendered.length} releases rendered; not in ../shared/charts: ${[...new Set(unavailable)].sort().join(', ')}`);
    assert.deepEqual(wrong, []);
    assert.ok(rendered.length >= 10, rendered.join('\n'));
  });
});
