// Argo CD repositories: app-of-apps discovery, sync waves in `slipway graph`, and `slipway check`
// on hand-written fixtures (test/fixtures/argocd): `good` is correct (its cert-manager chart is
// served from ../shared/charts on 127.0.0.1), `planted` holds two sync-wave mistakes, a missing
// path, an Application without a source and an ApplicationSet. Expected places are read from the
// fixture files, not written down.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { runCheck } from '../src/check/engine.js';
import type { Finding } from '../src/check/finding.js';
import { loadFlux } from '../src/repo/flux/index.js';
import { graphJson, graphText } from '../src/repo/flux/graph-view.js';
import { repoRoot, sharedSchemas } from './helpers.js';
import { startHelmRepoServer, type TestServer } from './helpers/chart-servers.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'argocd');
const good = path.join(fixtures, 'good');
const planted = path.join(fixtures, 'planted');
const temps: string[] = [];
const temp = (label: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), `slipway-argocd-${label}-`));
  temps.push(d);
  return d;
};

/** Every Application of a fixture, by namespace/name, with its annotation as written. */
function applicationsIn(root: string): Map<string, { file: string; wave: number }> {
  const out = new Map<string, { file: string; wave: number }>();
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else if (e.name.endsWith('.yaml')) {
        for (const d of parseAllDocuments(readFileSync(path.join(root, child), 'utf8'))) {
          const v = d.toJSON();
          if (v?.kind !== 'Application') continue;
          out.set(`${v.metadata.namespace}/${v.metadata.name}`, { file: child, wave: Number(v.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0) });
        }
      }
    }
  };
  walk('');
  return out;
}

/** 1-based line of the first line of `file` matching `re`. */
function lineOf(root: string, file: string, re: RegExp): number {
  const i = readFileSync(path.join(root, file), 'utf8').split('\n').findIndex((l) => re.test(l));
  assert.ok(i >= 0, `${file} has no line matching ${re}`);
  return i + 1;
}

let http: TestServer | undefined;
before(async () => {
  http = await startHelmRepoServer();
});
after(async () => {
  await http?.close();
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

const chartSettings = () => ({
  settings: { mirrors: [{ from: 'https://charts.jetstack.io', to: `${http!.url}/cert-manager`, plainHTTP: false }], auth: [], knowledge: [] },
  cacheDir: temp('charts'),
});

describe('Argo CD discovery and graph', async () => {
  const repo = await loadFlux(good);
  const written = applicationsIn(good);

  it('finds the app-of-apps tree from clusters/<cluster>/argocd/root.yaml', () => {
    assert.equal(repo.clusters.length, 1);
    const c = repo.clusters[0];
    assert.equal(c.name, 'lab');
    assert.equal(c.delivery, 'argocd');
    assert.equal(c.root, 'kubernetes/lab/apps');
    assert.deepEqual(c.kustomizations.map((k) => k.key).sort(), [...written.keys()].sort());
    const root = c.kustomizations.find((k) => !k.parent)!;
    assert.equal(root.key, 'argocd/lab-root');
    assert.ok(c.kustomizations.every((k) => k.status === 'built'), JSON.stringify(c.problems));
    for (const k of c.kustomizations) if (k !== root) assert.equal(k.parent, root.key, k.key);
  });

  it('builds each kind of source: kustomize, a plain folder (recurse, exclude), a Helm chart', () => {
    const c = repo.clusters[0];
    const unit = (name: string) => c.kustomizations.find((k) => k.name === name)!;
    assert.deepEqual(unit('podinfo').resources.map((r) => `${r.id.kind}/${r.id.namespace}/${r.id.name}`).sort(), ['Certificate/podinfo/podinfo', 'Deployment/podinfo/podinfo', 'Service/podinfo/podinfo']);
    // destination namespace given to namespaced objects; draft.skip.yaml excluded; extra/ read (recurse)
    assert.deepEqual(unit('podinfo-settings').resources.map((r) => `${r.id.kind}/${r.id.namespace}/${r.id.name}@${r.origin?.file}`).sort(), [
      'ConfigMap/podinfo/podinfo-settings@kubernetes/lab/apps/podinfo/settings/manifests/configmap.yaml',
      'LimitRange/podinfo/defaults@kubernetes/lab/apps/podinfo/settings/manifests/extra/limits.yaml',
    ]);
    assert.deepEqual(c.helmReleases.map((h) => [h.appliedBy, h.key, h.chartLocation]), [['argocd/cert-manager', 'cert-manager/cert-manager', { type: 'helm', repoUrl: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.19.1' }]]);
  });

  it('graph json: each Application where Kustomizations are, kind Application, wave = its sync-wave annotation', () => {
    const json = graphJson(repo).clusters[0];
    assert.equal(json.delivery, 'argocd');
    for (const k of json.kustomizations) {
      assert.equal(k.kind, 'Application');
      const w = written.get(`${k.namespace}/${k.name}`)!;
      assert.equal(k.wave, w.wave, k.name);
      assert.equal(k.syncWave, w.wave, k.name);
    }
    // the sync order: the parent first, then the children by ascending sync wave
    const index = (key: string) => json.waves.findIndex((w) => w.includes(key));
    const children = json.kustomizations.filter((k) => k.parent);
    for (const a of children) {
      assert.ok(index(`${a.namespace}/${a.name}`) > index(a.parent!), a.name);
      for (const b of children) if (b.syncWave! < a.syncWave!) assert.ok(index(`${b.namespace}/${b.name}`) < index(`${a.namespace}/${a.name}`), `${b.name} before ${a.name}`);
    }
    assert.deepEqual(json.criticalPath, ['argocd/lab-root', 'argocd/cert-manager', 'argocd/podinfo', 'argocd/podinfo-settings']);
  });

  it('graph text lists the children of the root under their sync waves', () => {
    const text = graphText(repo);
    for (const [key, w] of written) {
      if (key === 'argocd/lab-root') continue;
      const at = text.indexOf(`    ${key}  `);
      assert.ok(at > 0, key);
      const heading = text.lastIndexOf('sync-wave ', at);
      assert.equal(Number(/^sync-wave (-?\d+):/.exec(text.slice(heading))?.[1]), w.wave, key);
    }
  });
});

describe('Argo CD check', () => {
  it('planted: exactly the planted mistakes, each at its file and line', async () => {
    const result = await runCheck(planted, { schemaDirs: [sharedSchemas], cacheDir: false, offline: true });
    const got = result.findings.map((f: Finding) => `${f.rule} ${f.severity} ${f.file}:${f.line}`).sort();
    const apps = 'kubernetes/lab/apps';
    const expected = [
      // Widget (wave 1) needs the CRD widget-operator installs in wave 2; Gadget (wave 2) the one it installs in the same wave
      `argocd/sync-wave-order error ${apps}/shop/storefront/app/widget.yaml:${lineOf(planted, `${apps}/shop/storefront/app/widget.yaml`, /^apiVersion:/)}`,
      `argocd/sync-wave-order error ${apps}/shop/catalog/app/gadget.yaml:${lineOf(planted, `${apps}/shop/catalog/app/gadget.yaml`, /^apiVersion:/)}`,
      `argocd/source-missing error ${apps}/shop/broken/application.yaml:${lineOf(planted, `${apps}/shop/broken/application.yaml`, /^\s+path:/)}`,
      `argocd/source-missing error ${apps}/shop/empty/application.yaml:${lineOf(planted, `${apps}/shop/empty/application.yaml`, /^spec:/)}`,
      `argocd/applicationset info ${apps}/shop/previews/applicationset.yaml:${lineOf(planted, `${apps}/shop/previews/applicationset.yaml`, /^\s+generators:/)}`,
    ].sort();
    assert.deepEqual(got, expected, JSON.stringify(result.findings, null, 1));
    const widget = result.findings.find((f) => f.file?.endsWith('widget.yaml'))!;
    assert.match(widget.message, /Application argocd\/storefront applies Widget shop\/banner, which uses the CRD of example\.com\/Widget, provided by Application argocd\/widget-operator, which does not sync before it/);
    assert.equal(result.clusters[0].applications, 6);
    assert.equal(result.clusters[0].kustomizations, 0);
  });

  it('good: 0 errors against ../shared/schemas, the chart rendered through Helm and checked by the same rules', async () => {
    const result = await runCheck(good, { schemaDirs: [sharedSchemas], cacheDir: false, offline: false, charts: chartSettings() });
    assert.deepEqual(result.findings.filter((f) => f.severity === 'error'), []);
    // the same rules run on what the chart renders: cert-manager's default values set no container
    // resources, reported (once, for the shared cause) at the Application's helm.valuesObject
    const file = 'kubernetes/lab/apps/cert-manager/cert-manager/application.yaml';
    assert.deepEqual(result.findings.map((f) => `${f.rule} ${f.severity} ${f.file}:${f.line}`), [`workload/resources warning ${file}:${lineOf(good, file, /valuesObject:/)}`]);
    assert.match(result.findings[0].message, /^containers applied by Application argocd\/cert-manager have no resource requests or limits/);
    assert.equal(result.findings[0].renderedBy?.helmRelease, 'cert-manager/cert-manager');
    assert.deepEqual(result.clusters[0].helmReleases, { total: 1, rendered: 1, notVerified: 0 });
    assert.equal(result.clusters[0].applications, 4);
  });

  it('a chart source absent offline gets the not-verified finding HelmReleases get, at the source', async () => {
    const result = await runCheck(good, { schemaDirs: [sharedSchemas], cacheDir: false, offline: true, charts: { cacheDir: temp('empty-cache') } });
    const file = 'kubernetes/lab/apps/cert-manager/cert-manager/application.yaml';
    assert.deepEqual(result.findings.map((f) => `${f.rule} ${f.severity} ${f.file}:${f.line}`), [`helm/not-verified warning ${file}:${lineOf(good, file, /chart: cert-manager/)}`]);
    assert.match(result.findings[0].message, /^Application argocd\/cert-manager \(Helm source \/spec\/sources\/0, release cert-manager\/cert-manager\) not verified: /);
  });

  it('a CRD from a rendered chart of a later wave: the Certificate is reported at its file and line', async () => {
    const dir = temp('swapped');
    cpSync(good, dir, { recursive: true });
    // cert-manager after podinfo: the Certificate of podinfo (wave 2) needs the chart's CRD (now wave 5)
    const app = path.join(dir, 'kubernetes/lab/apps/cert-manager/cert-manager/application.yaml');
    writeFileSync(app, readFileSync(app, 'utf8').replace('sync-wave: "1"', 'sync-wave: "5"'));
    const result = await runCheck(dir, { schemaDirs: [sharedSchemas], cacheDir: false, offline: false, charts: chartSettings() });
    const cert = 'kubernetes/lab/apps/podinfo/podinfo/app/certificate.yaml';
    const errors = result.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.file}:${f.line}`);
    assert.deepEqual(errors, [`argocd/sync-wave-order ${cert}:${lineOf(dir, cert, /^apiVersion:/)}`], JSON.stringify(result.findings, null, 1));
    assert.match(result.findings.find((f) => f.rule === 'argocd/sync-wave-order')!.message, /CRD of cert-manager\.io\/Certificate, provided by Application argocd\/cert-manager, which does not sync before it: Application argocd\/cert-manager syncs in wave 5, after Application argocd\/podinfo \(wave 2/);
  });
});
