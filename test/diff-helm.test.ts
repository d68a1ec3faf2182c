// `slipway diff` on the pull request Renovate opens every day: a chart version bump. The diff
// shows what the new chart renders differently (the Deployment's image, the chart label), not
// only `version: 6.7.1 → 6.8.0` — for a HelmRepository over HTTP and for an OCIRepository in a
// real registry, both on 127.0.0.1 through .slipway.yaml mirrors. Unchanged releases are
// rendered once for both revisions.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { planDiff, renderDiff } from '../src/plan/index.js';
import { fluxBootstrapFiles } from './helpers.js';
import { pushChart, startHelmRepoServer, startRegistry, type Registry, type TestServer } from './helpers/chart-servers.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=test@example.org', '-c', 'user.name=test', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

const httpRelease = (version: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: podinfo
  namespace: web
spec:
  interval: 1h
  url: https://stefanprodan.github.io/podinfo
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: web
spec:
  interval: 10m
  chart:
    spec:
      chart: podinfo
      version: ${version}
      sourceRef:
        kind: HelmRepository
        name: podinfo
  values:
    replicaCount: 2
`;

const ociRelease = (tag: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: podinfo-oci
  namespace: web
spec:
  interval: 1h
  url: oci://ghcr.io/stefanprodan/charts/podinfo
  ref:
    tag: ${tag}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo-oci
  namespace: web
spec:
  interval: 10m
  chartRef:
    kind: OCIRepository
    name: podinfo-oci
`;

/** An unchanged release in both revisions: rendered once. */
const steadyRelease = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: steady
  namespace: web
spec:
  interval: 10m
  chart:
    spec:
      chart: podinfo
      version: 6.5.4
      sourceRef:
        kind: HelmRepository
        name: podinfo
`;

describe('slipway diff on a chart version bump', () => {
  let http: TestServer;
  let registry: Registry;
  let dir: string;
  let cacheDir: string;
  const saved = process.env.SLIPWAY_CACHE_DIR;

  before(async () => {
    http = await startHelmRepoServer();
    registry = await startRegistry();
    for (const file of ['podinfo-6.7.1.tgz', 'podinfo-6.8.0.tgz']) await pushChart(registry, 'stefanprodan/charts/podinfo', 'podinfo', file);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-diff-helm-'));
    cacheDir = path.join(dir, '.chart-cache');
    process.env.SLIPWAY_CACHE_DIR = cacheDir;
    git(dir, 'init', '-q', '-b', 'main');
    write(dir, {
      ...fluxBootstrapFiles('dev'),
      '.gitignore': '.chart-cache/\n',
      '.slipway.yaml': `charts:
  mirrors:
    - from: https://stefanprodan.github.io/podinfo
      to: ${http.url}/podinfo
    - from: oci://ghcr.io/stefanprodan/charts
      to: oci://${registry.host}/stefanprodan/charts
      plainHTTP: true
`,
      'infra/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
      'apps/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - namespace.yaml\n  - http.yaml\n  - oci.yaml\n  - steady.yaml\n',
      'apps/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n',
      'apps/http.yaml': httpRelease('6.7.1'),
      'apps/oci.yaml': ociRelease('6.7.1'),
      'apps/steady.yaml': steadyRelease,
    });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'podinfo 6.7.1');
    write(dir, { 'apps/http.yaml': httpRelease('6.8.0'), 'apps/oci.yaml': ociRelease('6.8.0') });
    git(dir, 'commit', '-q', '-am', 'podinfo 6.8.0');
  });

  after(async () => {
    if (saved === undefined) delete process.env.SLIPWAY_CACHE_DIR;
    else process.env.SLIPWAY_CACHE_DIR = saved;
    await http?.close();
    await registry?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows the rendered Deployment changing for the HTTP and the OCI release, and renders the unchanged one once', async () => {
    const timings: Record<string, number> = {};
    const result = await planDiff(dir, { from: 'HEAD~1', to: 'HEAD', check: false, buildCache: false, offline: false, timings });
    const apps = result.clusters.find((c) => c.name === 'dev')!.kustomizations.find((k) => k.key === 'flux-system/apps')!;
    const changed = apps.resources.filter((r) => r.action === 'changed');
    const deployments = changed.filter((r) => r.id.kind === 'Deployment').map((r) => `${r.id.namespace}/${r.id.name}`).sort();
    // podinfo names its objects after the release; both releases' Deployments change
    assert.deepEqual(deployments, ['web/podinfo', 'web/podinfo-oci']);
    for (const name of ['podinfo', 'podinfo-oci']) {
      const d = changed.find((r) => r.id.kind === 'Deployment' && r.id.name === name)!;
      assert.match(d.diff ?? '', /^-.*ghcr\.io\/stefanprodan\/podinfo:6\.7\.1$/m, d.diff);
      assert.match(d.diff ?? '', /^\+.*ghcr\.io\/stefanprodan\/podinfo:6\.8\.0$/m, d.diff);
      assert.match(d.diff ?? '', /^\+.*helm\.sh\/chart: podinfo-6\.8\.0$/m, d.diff);
    }
    // the steady release's objects are not in the diff, and it was rendered once for both revisions
    assert.ok(!changed.some((r) => r.id.name === 'steady-podinfo' || r.id.name === 'steady'), changed.map((r) => r.id.name).join(', '));
    assert.equal(timings.renderReused, 1, JSON.stringify(timings));
    assert.equal(timings.rendered, 5, JSON.stringify(timings));
    const text = renderDiff(result, 'text', { colour: false });
    assert.match(text, /podinfo:6\.8\.0/);
  });
});
