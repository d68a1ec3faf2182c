// The HTML report in a real browser (Debian's chromium driven by playwright-core, never a browser
// download): the reference fleet, a corpus repository and a synthetic 2,000-Kustomization fleet.
// No console errors, no network request, the clusters are listed, clicking a Kustomization shows
// its details, the findings filters work. Screenshots go to test-output/ for people to look at.
// .ci/run installs chromium; when it is missing this test fails and says how to install it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { CheckResult } from '../src/check/finding.js';
import { loadFleetConfig } from '../src/model/load.js';
import type { FluxKustomization, FluxRepository } from '../src/repo/flux/model.js';
import { computeClusterGraph } from '../src/repo/flux/waves.js';
import { generateReport, renderReport, type ReportData } from '../src/report/index.js';
import { synthesize, writeTree } from '../src/synth/index.js';
import { referenceConfigFile, repoRoot, sharedDir, sharedSchemas } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const outDir = path.join(repoRoot, 'test-output');
const made: string[] = [];
let context: BrowserContext;

before(async () => {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: the report's browser test needs Debian's chromium (apt-get update && apt-get install -y chromium; .ci/run does this)`);
  fs.mkdirSync(outDir, { recursive: true });
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-chromium-'));
  made.push(userData);
  context = await chromium.launchPersistentContext(userData, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 1000 },
    deviceScaleFactor: 1,
  });
});

after(async () => {
  await context?.close();
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
  loadMs: number;
  data: ReportData;
}

async function open(file: string): Promise<Opened> {
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  const started = performance.now();
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  const loadMs = performance.now() - started;
  // jump rather than glide, so that screenshots show where the test scrolled to
  await page.evaluate(() => { document.documentElement.style.scrollBehavior = 'auto'; });
  const data = await page.evaluate(() => JSON.parse(document.getElementById('slipway-data')!.textContent!)) as ReportData;
  return { page, errors, requests, loadMs, data };
}

/** Finds a Kustomization through the search box (which centres it) and clicks its node. */
async function clickKustomization(page: Page, data: ReportData, cluster: number, index: number): Promise<void> {
  const key = data.clusters[cluster].kustomizations[index].key;
  await page.locator(`#tabs .tab[data-cluster="${cluster}"]`).click();
  await page.fill('#ks-find', key);
  await page.press('#ks-find', 'Enter');
  await page.evaluate(() => document.getElementById('graph')!.scrollIntoView());
  await page.locator(`#viewport .node[data-i="${index}"]`).click();
  await page.waitForFunction((k) => document.getElementById('d-title')?.textContent === k, key);
}

async function exercise(name: string, file: string, t: { diagnostic: (s: string) => void }): Promise<void> {
  const { page, errors, requests, loadMs, data } = await open(file);
  t.diagnostic(`${name}: ${(fs.statSync(file).size / 1024).toFixed(0)} KiB, loaded in ${loadMs.toFixed(0)} ms`);
  try {
    // the clusters are listed, in the overview and as graph tabs
    assert.ok(data.clusters.length > 0, 'clusters in the data');
    for (const c of data.clusters) {
      assert.ok(await page.locator('#cluster-rows .cluster-name', { hasText: c.name }).count() === 1, `overview lists ${c.name}`);
      assert.ok(await page.locator('#tabs .tab', { hasText: c.name }).count() === 1, `graph tab for ${c.name}`);
    }
    assert.equal(await page.locator('#viewport .node').count(), data.clusters[0].kustomizations.length, 'one node per Kustomization');
    await page.screenshot({ path: path.join(outDir, `report-${name}-overview.png`) });

    // click a Kustomization: on the critical path of the last cluster, with dependencies if possible
    const ci = data.clusters.length - 1;
    const c = data.clusters[ci];
    const ki = c.criticalPath.length ? c.criticalPath[c.criticalPath.length - 1] : 0;
    const k = c.kustomizations[ki];
    await clickKustomization(page, data, ci, ki);
    const details = await page.locator('#details').innerText();
    assert.ok(details.includes(k.path || k.specPath), 'the details show the path');
    for (const d of k.dependsOn) assert.ok(details.includes(d), `the details list dependsOn ${d}`);
    assert.match(details, new RegExp(`Resources\\s+${k.resources.length}`, 'i'), 'the details count the resources');
    assert.match(details, /Provides/i);
    assert.equal(await page.locator('#viewport .node.sel').count(), 1, 'the clicked node is highlighted');
    if (c.criticalPath.length > 1) assert.ok(await page.locator('#viewport .edge.crit').count() > 0, 'critical path edges are highlighted');
    await page.click('#zoom-reset');
    await page.screenshot({ path: path.join(outDir, `report-${name}-graph.png`) });

    // the findings table filters by severity, rule, cluster and file
    const rows = () => page.locator('#finding-rows tr.f-row');
    const total = data.findings.length;
    if (total > 0) {
      const rule = [...new Set(data.findings.map((f) => f.rule))].sort()[0];
      await page.selectOption('#rule-filter', rule);
      const expected = data.findings.filter((f) => f.rule === rule).length;
      assert.equal(await rows().count(), Math.min(expected, 250), `rows for rule ${rule}`);
      for (const r of await rows().locator('td:nth-child(2)').allInnerTexts()) assert.equal(r, rule);
      await page.click('#reset-filters');

      const sev = data.findings[0].severity;
      await page.locator(`#sev-filters input[data-sev="${sev}"]`).uncheck();
      assert.equal(await page.locator(`#finding-rows .sev-row-${sev}`).count(), 0, `no ${sev} rows once unchecked`);
      await page.click('#reset-filters');

      const withFile = data.findings.find((f) => f.file >= 0);
      if (withFile) {
        const fileName = data.files[withFile.file];
        const needle = fileName.split('/').slice(-2).join('/');
        await page.fill('#file-filter', needle);
        await page.waitForFunction((n) => {
          const locs = [...document.querySelectorAll('#finding-rows tr.f-row td.loc')].map((e) => e.textContent ?? '');
          return locs.length > 0 && locs.every((l) => l.toLowerCase().includes(n.toLowerCase()));
        }, needle);
      }
      const clusterName = data.findings.find((f) => f.cluster)?.cluster;
      if (clusterName) {
        await page.selectOption('#cluster-filter', clusterName);
        for (const r of await rows().locator('td:nth-child(5)').allInnerTexts()) assert.equal(r, clusterName);
      }
      await page.click('#reset-filters');
      const warning = data.findings.some((f) => f.severity === 'warning') ? 'warning' : data.findings[0].severity;
      await page.locator('#sev-filters input').evaluateAll((inputs, keep) => {
        for (const i of inputs as HTMLInputElement[]) if (i.dataset.sev !== keep && i.checked) i.click();
      }, warning);
      assert.ok(await rows().count() > 0);
    }
    await page.evaluate(() => document.getElementById('findings')!.scrollIntoView());
    await page.screenshot({ path: path.join(outDir, `report-${name}-findings.png`) });
    assert.deepEqual(requests, [], 'the page requested something outside the file');
    assert.deepEqual(errors, [], 'console errors');
  } finally {
    await page.close();
  }
}

describe('slipway report in chromium', () => {
  it('the reference fleet', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-report-ref-'));
    made.push(dir);
    writeTree(dir, synthesize(await loadFleetConfig(referenceConfigFile)).tree);
    const { html, data } = await generateReport(dir, { schemaDirs: [sharedSchemas], title: 'homelab (reference fleet)' });
    assert.deepEqual(data.clusters.map((c) => c.name).sort(), ['apps', 'infra']);
    const file = path.join(outDir, 'report-reference.html');
    fs.writeFileSync(file, html);
    await exercise('reference', file, t);
  });

  it('a corpus repository: onedr0p/home-ops, read in place', async (t) => {
    const root = path.join(sharedDir, 'corpus', 'onedr0p__home-ops');
    const { html } = await generateReport(root, { schemaDirs: [sharedSchemas], title: 'onedr0p/home-ops' });
    const file = path.join(outDir, 'report-home-ops.html');
    fs.writeFileSync(file, html);
    await exercise('home-ops', file, t);
  });

  it('a synthetic fleet of 2,000 Kustomizations stays usable', async (t) => {
    const { repo, check } = syntheticFleet(2000);
    let started = performance.now();
    const { html, data } = await renderReport(repo, check, 'synthetic 2,000 Kustomizations');
    t.diagnostic(`generated in ${(performance.now() - started).toFixed(0)} ms, ${(html.length / 1024 / 1024).toFixed(1)} MiB`);
    const file = path.join(outDir, 'report-scale-2000.html');
    fs.writeFileSync(file, html);
    const { page, errors, loadMs } = await open(file);
    t.diagnostic(`loaded in ${loadMs.toFixed(0)} ms`);
    try {
      // the DOM grows linearly: one group per Kustomization, one path per dependsOn edge
      assert.equal(await page.locator('#viewport .node').count(), 2000);
      assert.equal(await page.locator('#viewport .edge').count(), data.clusters[0].edges.length);
      assert.ok(await page.locator('#finding-rows tr').count() <= 250, 'the findings table renders in pages');
      started = performance.now();
      await clickKustomization(page, data, 0, 1999);
      t.diagnostic(`search + click + details in ${(performance.now() - started).toFixed(0)} ms`);
      await page.click('#zoom-reset');
      await page.screenshot({ path: path.join(outDir, 'report-scale-2000-graph.png') });
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});

/**
 * A fleet shaped like a large platform: a few layers of infrastructure that everything builds
 * on, and many applications that depend on one or two of them and sometimes on each other.
 */
function syntheticFleet(n: number): { repo: FluxRepository; check: CheckResult } {
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const infra = 40;
  const ks: FluxKustomization[] = [];
  for (let i = 0; i < n; i++) {
    const ns = i < infra ? `infra-${i % 8}` : `team-${i % 50}`;
    const name = i < infra ? `platform-${i}` : `app-${i}`;
    const deps: string[] = [];
    if (i > 0 && i < infra) deps.push(ks[Math.floor(rnd() * i)].key);
    if (i >= infra) {
      deps.push(ks[Math.floor(rnd() * infra)].key);
      if (rnd() < 0.3) deps.push(ks[infra + Math.floor(rnd() * (i - infra))]?.key ?? ks[0].key);
    }
    ks.push({
      key: `${ns}/${name}`, name, namespace: ns, specPath: `./apps/${ns}/${name}`, path: `apps/${ns}/${name}`,
      sourceRef: { kind: 'GitRepository', namespace: 'flux-system', name: 'flux-system' },
      dependsOn: [...new Set(deps)], healthChecks: [], object: {}, status: 'built',
      resources: Array.from({ length: 4 }, (_, r) => ({
        id: { apiVersion: 'v1', kind: r === 0 ? 'Namespace' : 'ConfigMap', ...(r === 0 ? {} : { namespace: ns }), name: r === 0 ? ns : `${name}-${r}` },
        origin: { file: `apps/${ns}/${name}/app/resources.yaml`, line: 1 + r * 6 },
        object: {},
      })),
      provides: [`namespace:${ns}`], uses: [], problems: [], origin: { file: `apps/${ns}/${name}/ks.yaml`, line: 1 },
    });
  }
  const graph = computeClusterGraph(ks);
  const repo: FluxRepository = {
    root: '/synthetic',
    problems: [],
    bootstrap: [],
    clusters: [{ name: 'large', root: 'clusters/large', entry: 'synthetic', kustomizations: ks, helmReleases: [], sources: [], ...graph, problems: [], documents: n * 4 }],
  };
  const findings = ks.filter((_, i) => i % 3 === 0).map((k, i) => ({
    rule: i % 2 ? 'workload/resources' : 'flux/kustomization-settings', severity: (i % 5 === 0 ? 'error' : 'warning') as 'error' | 'warning',
    message: `finding ${i} about ${k.key}`, file: k.origin!.file, line: 1, cluster: 'large',
  }));
  return { repo, check: { clusters: [], findings, exemptions: [], documents: n * 4, durationMs: 0 } };
}
