// The HelmRelease renderer on the real corpus, with every chart of ../shared/charts served on
// 127.0.0.1 (test/helpers/chart-mirror.ts): for each repository, `check` without rendering, then with
// rendering from an empty chart cache (fetch + render), then again with the cache filled.
// Prints per repository: HelmReleases rendered / not verified (by reason) / failing, the findings
// that only rendering brings (by rule, three examples each), and the times. Asserts nothing.
// `node dist/bench/helm.js [REPO…]` (default: every corpus repository with clusters).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { createChartFetcher, isChartMiss, type ChartMirror, type ChartRequest } from '../src/charts/index.js';
import { openEngine } from '../src/engine/index.js';
import { builtinApiVersions, loadAndRender } from '../src/render/load.js';
import { runCheck } from '../src/check/engine.js';
import type { CheckResult, Finding } from '../src/check/finding.js';
import { sharedDir, sharedSchemas } from '../test/helpers.js';
import { chartReposDir } from '../test/helpers/chart-servers.js';
import { startChartMirror } from '../test/helpers/chart-mirror.js';

const corpus = path.join(sharedDir, 'corpus');
const wanted = process.argv.slice(2);
const repos = (wanted.length ? wanted : readdirSync(corpus, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)).sort();

// by place and object, not message: a message may count schema sources, which rendered CRDs add to
const key = (f: Finding) => `${f.rule}|${f.file}|${f.line}|${f.resource?.kind}|${f.resource?.namespace}|${f.resource?.name}|${f.renderedBy?.template ?? ''}`;

function onlyIn(after: Finding[], before: Finding[]): Finding[] {
  const seen = new Map<string, number>();
  for (const f of before) seen.set(key(f), (seen.get(key(f)) ?? 0) + 1);
  return after.filter((f) => {
    const n = seen.get(key(f)) ?? 0;
    if (n > 0) {
      seen.set(key(f), n - 1);
      return false;
    }
    return true;
  });
}

async function timed(run: () => Promise<CheckResult>): Promise<{ result: CheckResult; ms: number }> {
  const t0 = performance.now();
  const result = await run();
  return { result, ms: performance.now() - t0 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Render time per release: every application chart of ../shared/charts (newest version of each)
 * with its default values, fetched from the local Helm repository into an empty cache and
 * rendered ("cold"), then again from the filled cache ("cached"). One engine worker.
 */
async function perRelease(mirrors: ChartMirror[], cacheDir: string): Promise<void> {
  const requests: ChartRequest[] = [];
  for (const repo of readdirSync(chartReposDir).sort()) {
    const index = parse(readFileSync(path.join(chartReposDir, repo, 'index.yaml'), 'utf8')) as { entries: Record<string, Array<{ version: string; type?: string }>> };
    const http = mirrors.find((m) => m.to.endsWith(`/${repo}`) && !m.from.startsWith('oci://'));
    if (!http) continue;
    for (const [chart, entries] of Object.entries(index.entries)) {
      if (entries[0].type === 'library') continue;
      requests.push({ type: 'helm', repoUrl: http.from, chart, version: entries[0].version });
    }
  }
  const engine = await openEngine([os.tmpdir()], { workers: 1 });
  try {
    const apiVersions = builtinApiVersions();
    const settings = { mirrors, auth: [], knowledge: [] };
    const round = async (): Promise<number[]> => {
      const fetcher = createChartFetcher({ settings, cacheDir, selectVersion: (v, c) => engine.selectVersion(v, c) });
      const times: number[] = [];
      for (const request of requests) {
        const t0 = performance.now();
        const got = await fetcher.fetch(request);
        if (isChartMiss(got)) continue;
        const r = await engine.helmRender({ release: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'bench', namespace: 'default' }, spec: {} }, chart: { archive: readFileSync(got.file) }, valuesFrom: [], kubeVersion: '1.33.0', apiVersions });
        if (r.ok) times.push(performance.now() - t0);
      }
      return times;
    };
    await engine.helmRender({ release: { metadata: { name: 'warm' } }, chart: { archive: new Uint8Array() }, valuesFrom: [], apiVersions: [] }); // engine start-up, not counted
    const cold = await round();
    const cached = await round();
    console.log(`render per release (${cold.length} charts of ../shared/charts, default values, 1 worker): cold (fetch from 127.0.0.1 + render) median ${median(cold).toFixed(0)} ms, max ${Math.max(...cold).toFixed(0)} ms; cached (chart from the cache + render) median ${median(cached).toFixed(0)} ms, max ${Math.max(...cached).toFixed(0)} ms`);
  } finally {
    await engine.close();
  }
}

const mirror = await startChartMirror();
const work = mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-helm-'));
console.log(`charts served: ${mirror.charts} OCI pushes, ${mirror.mirrors.length} mirrors (HTTP + docker-registry on 127.0.0.1)`);
try {
  await perRelease(mirror.mirrors, path.join(work, 'per-release'));
  for (const repo of repos) {
    const root = path.join(corpus, repo);
    const base = { schemaDirs: [sharedSchemas], cacheDir: false as const };
    const plain = await timed(() => runCheck(root, { ...base, render: false }));
    if (plain.result.clusters.length === 0) {
      console.log(`\n${repo}: no clusters`);
      continue;
    }
    // every chart URL the repository names: those not in ../shared/charts go to 127.0.0.1 too (a 404), never to the network
    const loaded = await loadAndRender(root, {}, { enabled: false });
    const urls = loaded.clusters.flatMap((c) => c.helmReleases.map((h) => h.chartLocation)).flatMap((l) => (l.type === 'helm' ? [l.repoUrl] : l.type === 'oci' ? [l.url] : []));
    const charts = { settings: { mirrors: [...mirror.mirrors, ...mirror.unmapped(urls)], auth: [], knowledge: [] }, cacheDir: path.join(work, repo) };
    const cold = await timed(() => runCheck(root, { ...base, offline: false, charts }));
    const warm = await timed(() => runCheck(root, { ...base, offline: false, charts }));
    const counts = cold.result.clusters.reduce((a, c) => ({ total: a.total + c.helmReleases.total, rendered: a.rendered + c.helmReleases.rendered, notVerified: a.notVerified + c.helmReleases.notVerified }), { total: 0, rendered: 0, notVerified: 0 });
    const failed = counts.total - counts.rendered - counts.notVerified;
    console.log(`\n${repo}: ${cold.result.clusters.length} cluster(s), ${counts.total} HelmReleases: ${counts.rendered} rendered, ${counts.notVerified} not verified, ${failed} failing in Helm`);
    const reasons = new Map<string, number>();
    for (const f of cold.result.findings.filter((x) => x.rule === 'helm/not-verified')) {
      const why = /\/unmapped\//.test(f.message) ? 'chart not in ../shared/charts'
        : /not in the chart cache|no chart version|not found|404|manifest unknown|no such|has no version|no tag|unknown to/i.test(f.message) ? 'chart version not in ../shared/charts'
        : /outside this repository|not supported|needs the chart|not in the cluster/i.test(f.message) ? 'source outside the repository or unsupported'
          : /not readable offline/.test(f.message) ? 'values not readable offline'
            : /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|network/i.test(f.message) ? 'chart host unreachable' : 'other';
      reasons.set(why, (reasons.get(why) ?? 0) + 1);
    }
    for (const [why, n] of [...reasons].sort()) console.log(`  not verified: ${n} × ${why}`);
    for (const f of cold.result.findings.filter((x) => x.rule === 'helm/not-verified').slice(0, 40)) console.log(`    ${f.file}:${f.line} ${f.message.slice(0, 260)}`);
    const added = onlyIn(cold.result.findings, plain.result.findings).filter((f) => f.rule !== 'helm/not-verified');
    const byRule = new Map<string, Finding[]>();
    for (const f of added) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
    console.log(`  findings only with rendering: ${added.length}`);
    for (const [rule, list] of [...byRule].sort()) {
      console.log(`    ${rule}: ${list.length}`);
      for (const f of list.slice(0, 3)) console.log(`      ${f.file}:${f.line} ${f.message.slice(0, 220)}`);
    }
    const perRelease = (ms: number) => (counts.rendered ? ((ms - plain.ms) / counts.rendered).toFixed(0) : '-');
    console.log(`  check without rendering ${plain.ms.toFixed(0)} ms; with rendering, empty chart cache ${cold.ms.toFixed(0)} ms (+${perRelease(cold.ms)} ms per rendered release), cache filled ${warm.ms.toFixed(0)} ms (+${perRelease(warm.ms)} ms per release)`);
  }
} finally {
  await mirror.close();
  rmSync(work, { recursive: true, force: true });
}
