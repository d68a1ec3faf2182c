// HelmRelease rendering end to end with the real charts of ../shared/charts (read in place):
// every application chart through the engine with its default values (and the rendered objects
// through the Kubernetes schemas of ../shared/schemas), and `slipway check` on a small Flux
// repository whose charts come from a static Helm repository and a real OCI registry on
// 127.0.0.1 (every upstream URL is mapped there through .slipway.yaml charts.mirrors).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { builtinApiVersions } from '../src/render/load.js';
import { runCheck } from '../src/check/engine.js';
import type { CheckResult, Finding } from '../src/check/finding.js';
import { openEngine, type Engine } from '../src/engine/index.js';
import { SchemaRegistry } from '../src/schema/index.js';
import { fluxBootstrapFiles, sharedSchemas, slipwayBin } from './helpers.js';
import { chartReposDir, pushChart, startHelmRepoServer, startRegistry, type Registry, type TestServer } from './helpers/chart-servers.js';

const temps: string[] = [];
function tempDir(label: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `slipway-helm-render-${label}-`));
  temps.push(dir);
  return dir;
}

let http: TestServer | undefined;
let registry: Registry | undefined;

before(async () => {
  http = await startHelmRepoServer();
  registry = await startRegistry();
  // app-template 4.1.0 bundles common 4.1.0 as charts/common/, so the one archive is enough
  await pushChart(registry, 'bjw-s-labs/app-template', 'bjw-s-labs', 'app-template-4.1.0.tgz');
});

after(async () => {
  await Promise.all([http?.close(), registry?.stop()]);
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** Runs `fn` with SLIPWAY_CACHE_DIR = `dir` (runCheck has no chart cacheDir option; the fetcher reads the variable). */
async function withChartCache<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.SLIPWAY_CACHE_DIR;
  process.env.SLIPWAY_CACHE_DIR = dir;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.SLIPWAY_CACHE_DIR;
    else process.env.SLIPWAY_CACHE_DIR = saved;
  }
}

// ---- 1. every chart with its default values

interface IndexEntry { name: string; version: string; type?: string; urls: string[]; kubeVersion?: string }

function corpusCharts(): Array<{ repoId: string; entry: IndexEntry; file: string }> {
  const out: Array<{ repoId: string; entry: IndexEntry; file: string }> = [];
  for (const repoId of readdirSync(chartReposDir).sort()) {
    const index = parse(readFileSync(path.join(chartReposDir, repoId, 'index.yaml'), 'utf8')) as { entries: Record<string, IndexEntry[]> };
    const byFile = new Map(Object.values(index.entries).flat().map((e) => [e.urls[0], e]));
    for (const file of readdirSync(path.join(chartReposDir, repoId)).filter((f) => f.endsWith('.tgz')).sort()) {
      const entry = byFile.get(file);
      assert.ok(entry, `${repoId}/${file} has no entry in its index.yaml`);
      out.push({ repoId, entry, file });
    }
  }
  return out;
}

/**
 * Charts that genuinely cannot render with their default values, with the reason; each is
 * matched by chart@version AND by Helm's message, so a different failure still fails the test.
 */
const RENDER_ALLOW: Array<{ chart: string; message: RegExp; reason: string }> = [
  // The scale-set chart finds its controller's ServiceAccount with `lookup`, which has no cluster in
  // a dry run (helm template / helm-controller's dry run alike); upstream asks for
  // controllerServiceAccount.{name,namespace} in values then. Needs values, not a renderer bug.
  ...['0.12.1', '0.14.1', '0.14.2'].map((v) => ({
    chart: `gha-runner-scale-set@${v}`,
    message: /No gha-rs-controller deployment found using label \(app\.kubernetes\.io\/part-of=gha-rs-controller\)\. Consider setting controllerServiceAccount\.name/,
    reason: 'lookup of the controller Deployment finds nothing without a cluster; set controllerServiceAccount',
  })),
  // renovate 37.64.3 has no default for its configuration: "A valid .Values.renovate.config entry is
  // required if existingConfigFile is not specified!" (with the built-in API versions the product
  // passes, its CronJob check `.Capabilities.APIVersions.Has "batch/v1/CronJob"` holds).
  {
    chart: 'renovate@37.64.3',
    message: /A valid \.Values\.renovate\.config entry is required/,
    reason: 'requires .Values.renovate.config, which has no default',
  },
];

/**
 * Schema violations that are real upstream chart output (not a renderer bug), matched by
 * chart@version, kind and violation text.
 */
const VIOLATION_ALLOW: Array<{ chart: string; kind: string; text: RegExp; reason: string }> = [
  // velero's default values have configuration.backupStorageLocation[0].provider: "" and an empty
  // credential, and the templates write `provider: {{ .provider }}` / `credential:` with nothing
  // under it: YAML null, which the chart's own CRD rejects. Real upstream output (helm template
  // gives the same); velero's docs say the provider must be set.
  { chart: 'velero@11.1.1', kind: 'BackupStorageLocation', text: /^spec\.(provider: must be string|credential: must be object), got null$/, reason: 'default values leave provider/credential empty (YAML null)' },
  { chart: 'velero@11.1.1', kind: 'VolumeSnapshotLocation', text: /^spec\.(provider: must be string|credential: must be object), got null$/, reason: 'default values leave provider/credential empty (YAML null)' },
  // rook-ceph-cluster ships no CRDs; CephCluster is judged by ../shared/schemas/crds/ceph.rook.io,
  // an older Rook's CRD than v1.20.6, which added spec.security.cephx.csi. A schema-version gap,
  // not a renderer bug (rook-ceph v1.20.6's own CRD would accept it).
  { chart: 'rook-ceph-cluster@v1.20.6', kind: 'CephCluster', text: /^spec\.security\.cephx\.csi\.keyType: unknown field$/, reason: 'the CRD catalog in ../shared/schemas predates Rook v1.20' },
];

test('every chart in ../shared/charts renders with its default values', async (t) => {
  const charts = corpusCharts().filter((c) => c.entry.type !== 'library');
  const libraries = corpusCharts().length - charts.length;
  assert.ok(charts.length > 50, `only ${charts.length} application charts found in ${chartReposDir}`);
  const engine: Engine = await openEngine([tempDir('engine')]);
  const base = await SchemaRegistry.open({ dirs: [sharedSchemas], kubeVersion: '1.31', cacheDir: false, builtinDirs: [] });
  const failures: string[] = [];
  const allowedFailures: string[] = [];
  const violations: string[] = [];
  let builtinViolations = 0;
  const allowedViolations: string[] = [];
  const missing = new Map<string, number>();
  let rendered = 0;
  let objects = 0;
  let crdValidated = 0;
  try {
    const results = await Promise.all(charts.map(async (c) => {
      const archive = readFileSync(path.join(chartReposDir, c.repoId, c.file));
      const release = {
        apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease',
        metadata: { name: c.entry.name, namespace: 'default' },
        spec: { interval: '10m', chart: { spec: { chart: c.entry.name, version: c.entry.version, sourceRef: { kind: 'HelmRepository', name: c.repoId } } } },
      };
      return { c, result: await engine.helmRender({ release, chart: { archive }, valuesFrom: [], kubeVersion: '1.33.0', apiVersions: builtinApiVersions() }) };
    }));
    for (const { c, result } of results) {
      const label = `${c.entry.name}@${c.entry.version}`;
      if (!result.ok) {
        const allow = RENDER_ALLOW.find((a) => a.chart === label && a.message.test(result.error.message));
        (allow ? allowedFailures : failures).push(`${label} (${c.repoId}): ${result.error.kind}: ${result.error.message.split('\n').slice(0, 4).join(' | ')}${allow ? ` [allowed: ${allow.reason}]` : ''}`);
        continue;
      }
      rendered++;
      const docs = result.resources.map((r) => r.object);
      objects += docs.length;
      const crds = docs.filter((o) => o.kind === 'CustomResourceDefinition');
      const schemas = crds.length ? await SchemaRegistry.open({ dirs: [sharedSchemas], kubeVersion: '1.31', cacheDir: false, builtinDirs: [], crds }) : base;
      for (const r of result.resources) {
        const o = r.object as { apiVersion?: string; kind?: string; metadata?: { name?: string } };
        const v = schemas.validate(o);
        if (v.status === 'missing') {
          const gvk = `${o.apiVersion}/${o.kind}`;
          missing.set(gvk, (missing.get(gvk) ?? 0) + 1);
          continue;
        }
        if (v.schema.source === 'crd') crdValidated++;
        if (v.status !== 'invalid') continue;
        // built-in kinds are judged by a kubeconform version folder (k8s/v1.31.0-standalone-strict)
        const builtin = v.schema.kubeVersion !== undefined;
        for (const e of v.errors) {
          if (builtin) builtinViolations++;
          const line = `${label} ${o.kind}/${o.metadata?.name} (${r.source}) [${builtin ? 'built-in kind' : v.schema.source}]: ${e.text}`;
          const allow = VIOLATION_ALLOW.find((a) => a.chart === label && a.kind === o.kind && a.text.test(e.text));
          (allow ? allowedViolations : violations).push(allow ? `${line} [allowed: ${allow.reason}]` : line);
        }
      }
    }
  } finally {
    await engine.close();
  }
  t.diagnostic(`charts: ${charts.length} application charts (${libraries} library charts skipped), ${rendered} rendered, ${failures.length} failed, ${allowedFailures.length} allowed failures`);
  t.diagnostic(`objects: ${objects} rendered, ${crdValidated} validated against the charts' own CRDs, ${[...missing.values()].reduce((a, b) => a + b, 0)} without a schema`);
  t.diagnostic(`schema violations: ${violations.length + allowedViolations.length} (${builtinViolations} on built-in kinds), ${allowedViolations.length} of them allowed`);
  for (const f of allowedFailures) t.diagnostic(`allowed render failure: ${f}`);
  for (const v of allowedViolations) t.diagnostic(`allowed violation: ${v}`);
  for (const [gvk, n] of [...missing].sort()) t.diagnostic(`no schema: ${gvk} x${n}`);
  for (const f of failures) t.diagnostic(`render failure: ${f}`);
  for (const v of violations.slice(0, 60)) t.diagnostic(`violation: ${v}`);
  assert.deepEqual(failures, [], 'charts that do not render with their default values');
  // an allow-list entry that no longer matches is stale: the chart renders now, or fails differently
  assert.deepEqual(RENDER_ALLOW.filter((a) => !allowedFailures.some((f) => f.startsWith(`${a.chart} `))).map((a) => a.chart), [], 'unused RENDER_ALLOW entries');
  assert.equal(builtinViolations, 0, 'violations on built-in Kubernetes kinds');
  assert.deepEqual(violations, [], 'rendered objects that break their schema');
});

// ---- the Flux repository of tests 2-4

const APP_TEMPLATE_VALUES = `    controllers:
      web:
        containers:
          app:
            image:
              repository: nginx
              tag: latest
`;

function writeRepo(files: Record<string, string>): string {
  const root = tempDir('repo');
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

function slipwayYaml(): string {
  return `charts:
  mirrors:
    - from: https://stefanprodan.github.io/podinfo
      to: ${http!.url}/podinfo
    - from: oci://ghcr.io/bjw-s-labs/helm
      to: oci://${registry!.host}/bjw-s-labs
      plainHTTP: true
`;
}

function fluxRepoFiles(appTemplateValues: string): Record<string, string> {
  return {
    '.slipway.yaml': slipwayYaml(),
    ...fluxBootstrapFiles('dev'),
    'infra/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
    'apps/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - podinfo.yaml\n  - web.yaml\n',
    'apps/podinfo.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: podinfo
  namespace: apps
spec:
  interval: 1h
  url: https://stefanprodan.github.io/podinfo
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: podinfo
      version: 6.8.0
      sourceRef:
        kind: HelmRepository
        name: podinfo
  values:
    image:
      tag: latest
`,
    'apps/web.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: app-template
  namespace: apps
spec:
  interval: 1h
  url: oci://ghcr.io/bjw-s-labs/helm/app-template
  ref:
    tag: 4.1.0
  layerSelector:
    mediaType: application/vnd.cncf.helm.chart.content.v1.tar+gzip
    operation: copy
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: apps
spec:
  interval: 10m
  chartRef:
    kind: OCIRepository
    name: app-template
  values:
${appTemplateValues}`,
  };
}

const WEB_FILE = 'apps/web.yaml';

function describeFindings(result: CheckResult): string {
  return result.findings.map((f) => `${f.severity} ${f.rule} ${f.file}:${f.line} ${f.message}`).join('\n');
}

/** 1-based lines of the `values:` block of the HelmRelease document in `text` (the key line through its last indented line). */
function valuesBlockLines(text: string): { from: number; to: number } {
  const lines = text.split('\n');
  const release = lines.findIndex((l, i) => l === 'kind: HelmRelease' && i > 0);
  const start = lines.findIndex((l, i) => i > release && l === '  values:');
  let end = start + 1;
  while (end < lines.length && /^ {3,}\S/.test(lines[end])) end++;
  return { from: start + 1, to: end };
}

test('a Flux repository whose HelmReleases come over HTTP and OCI is rendered and checked', async (t) => {
  const root = writeRepo(fluxRepoFiles(APP_TEMPLATE_VALUES));
  const result = await withChartCache(tempDir('cache'), () => runCheck(root, { cacheDir: false, schemaDirs: [sharedSchemas], offline: false }));
  for (const f of result.findings.filter((f) => f.renderedBy)) t.diagnostic(`${f.severity} ${f.rule} ${f.file}:${f.line} renderedBy=${JSON.stringify(f.renderedBy)} ${f.message}`);
  assert.equal(result.clusters.length, 1, describeFindings(result));
  assert.deepEqual(result.clusters[0].helmReleases, { total: 2, rendered: 2, notVerified: 0 }, describeFindings(result));
  const imageTag = result.findings.filter((f) => f.rule === 'workload/image-tag' && f.renderedBy?.helmRelease === 'apps/web');
  assert.ok(imageTag.length >= 1, `no workload/image-tag finding rendered by apps/web:\n${describeFindings(result)}`);
  for (const f of imageTag) {
    assert.match(f.message, /nginx:latest/);
    assert.ok(f.renderedBy?.template?.includes('templates/'), `template of ${JSON.stringify(f)}`);
    assert.equal(f.file, WEB_FILE);
  }
  // podinfo with image.tag latest is found the same way, through the HTTP repository
  const podinfo = result.findings.filter((f: Finding) => f.rule === 'workload/image-tag' && f.renderedBy?.helmRelease === 'apps/podinfo');
  assert.ok(podinfo.length >= 1, `no workload/image-tag finding rendered by apps/podinfo:\n${describeFindings(result)}`);
  assert.ok(podinfo.every((f) => f.file === 'apps/podinfo.yaml' && /ghcr\.io\/stefanprodan\/podinfo:latest/.test(f.message)), describeFindings(result));
  assert.deepEqual(result.findings.filter((f) => f.rule.startsWith('helm/')), [], 'no helm/* findings when both charts render');
});

test('offline with an empty cache', async () => {
  const root = writeRepo(fluxRepoFiles(APP_TEMPLATE_VALUES));
  const result = await withChartCache(tempDir('empty-cache'), () => runCheck(root, { cacheDir: false, schemaDirs: [sharedSchemas], offline: true }));
  assert.deepEqual(result.clusters[0]?.helmReleases, { total: 2, rendered: 0, notVerified: 2 }, describeFindings(result));
  const notVerified = result.findings.filter((f) => f.rule === 'helm/not-verified');
  assert.equal(notVerified.length, 2, describeFindings(result));
  const podinfo = notVerified.filter((f) => f.resource?.name === 'podinfo');
  const web = notVerified.filter((f) => f.resource?.name === 'web');
  assert.equal(podinfo.length, 1, describeFindings(result));
  assert.equal(web.length, 1, describeFindings(result));
  assert.match(podinfo[0].message, /podinfo/);
  assert.equal(podinfo[0].file, 'apps/podinfo.yaml');
  assert.match(web[0].message, /app-template/);
  assert.equal(web[0].file, WEB_FILE);
  assert.deepEqual(result.findings.filter((f) => f.severity === 'error' && f.rule.startsWith('helm/')), [], 'no error from rendering');

  const cli = spawnSync(slipwayBin, ['check', '--offline', '--format', 'json', root], {
    encoding: 'utf8', env: { ...process.env, SLIPWAY_CACHE_DIR: tempDir('cli-cache') }, timeout: 180_000,
  });
  assert.ok(cli.status === 0 || cli.status === 1, `exit ${cli.status} (signal ${cli.signal}):\n${cli.stderr}\n${cli.stdout.slice(0, 2000)}`);
  const json = JSON.parse(cli.stdout) as CheckResult;
  assert.deepEqual(json.clusters[0]?.helmReleases, { total: 2, rendered: 0, notVerified: 2 });
});

test('values that break values.schema.json are a helm/values-schema error at the values line', async (t) => {
  // controllers.<x>.type is an enum (deployment, statefulset, daemonset, cronjob, job) in common 4.1.0's schema
  const badValues = `    controllers:
      web:
        type: deploymnet
        containers:
          app:
            image:
              repository: nginx
              tag: 1.27.0
`;
  const files = fluxRepoFiles(badValues);
  const root = writeRepo(files);
  const result = await withChartCache(tempDir('cache'), () => runCheck(root, { cacheDir: false, schemaDirs: [sharedSchemas], offline: false }));
  const schemaFindings = result.findings.filter((f) => f.rule === 'helm/values-schema');
  assert.equal(schemaFindings.length, 1, describeFindings(result));
  const f = schemaFindings[0];
  t.diagnostic(`${f.severity} ${f.rule} ${f.file}:${f.line} ${f.message}`);
  assert.equal(f.severity, 'error');
  assert.equal(f.file, WEB_FILE);
  const block = valuesBlockLines(files[WEB_FILE]);
  assert.ok(f.line !== undefined && f.line >= block.from && f.line <= block.to, `line ${f.line} is not inside the values block ${block.from}-${block.to}: ${f.message}`);
  // at the offending key itself, not the block
  assert.equal(f.line, files[WEB_FILE].split('\n').findIndex((l) => l.trim() === 'type: deploymnet') + 1, f.message);
  assert.match(f.message, /type/);
  assert.deepEqual(result.clusters[0].helmReleases, { total: 2, rendered: 1, notVerified: 0 }, describeFindings(result));
});
