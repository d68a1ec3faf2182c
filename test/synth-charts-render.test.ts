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
import { runCheck } from '../src/check/engine.js';
import { writeFileSync } from 'node:fs';
import { synthesize, writeTree } from '../src/synth/index.js';
import { referenceConfigFile, sharedSchemas } from './helpers.js';
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
  /** Releases whose chart@version ../shared/charts lacks, as the first test counts them. */
  let unavailableReleases = -1;
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
    unavailableReleases = unavailable.length;
    t.diagnostic(`${rendered.length} releases rendered; not in ../shared/charts: ${[...new Set(unavailable)].sort().join(', ')}`);
    assert.deepEqual(wrong, []);
    assert.ok(rendered.length >= 10, rendered.join('\n'));
  });

  const checkRendered = async (root: string) => {
    const loaded = await loadAndRender(root, {}, { enabled: false });
    const urls = loaded.clusters.flatMap((c) => c.helmReleases.map((h) => h.chartLocation)).flatMap((l) => (l.type === 'helm' ? [l.repoUrl] : l.type === 'oci' ? [l.url] : []));
    // charts not in ../shared/charts go to 127.0.0.1 as well (a 404), never to the network
    const charts = { settings: { mirrors: [...mirror.mirrors, ...mirror.unmapped(urls)], auth: [], knowledge: [] }, cacheDir: path.join(work, 'cache') };
    return runCheck(root, { schemaDirs: [sharedSchemas], kubeVersion: '1.31', offline: false, charts, cacheDir: false });
  };

  it('checks with no error, and no warning but the releases whose charts are not in ../shared/charts', async () => {
    const result = await checkRendered(path.join(work, 'fleet'));
    const errors = result.findings.filter((f) => f.severity === 'error').map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`);
    assert.deepEqual(errors, []);
    const warnings = result.findings.filter((f) => f.severity === 'warning');
    assert.deepEqual(warnings.filter((f) => f.rule !== 'helm/not-verified').map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`), []);
    // the test above: every release whose chart is in ../shared/charts renders, so these are the others
    assert.equal(warnings.length, unavailableReleases);
  });

  it('flags the Cilium design the review found (hook-made certificates, pools downstream) when it is put back', async () => {
    const fleet = path.join(work, 'fleet');
    const hrFile = path.join(fleet, 'kubernetes/infra/apps/kube-system/cilium/app/helmrelease.yaml');
    writeFileSync(hrFile, readFileSync(hrFile, 'utf8').replaceAll('method: helm', 'method: cronJob'));
    const result = await checkRendered(fleet);
    const found = result.findings.filter((f) => f.rule === 'helm/wait-never-ready' && f.cluster === 'infra').map((f) => f.message);
    assert.ok(found.some((m) => /Deployment kube-system\/hubble-relay, which mounts Secret hubble-relay-client-certs; only the release's post-install hook Job hubble-generate-certs/.test(m)), found.join('\n'));
    assert.ok(found.some((m) => /Deployment kube-system\/clustermesh-apiserver, which mounts Secrets/.test(m)), found.join('\n'));
  });
});
