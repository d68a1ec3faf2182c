// A chart in the repository itself (chart.spec.sourceRef to the GitRepository Flux syncs):
// rendered from the folder by Helm in the engine, with its crds/ folder and a `required` value.
// Without the value Helm fails and the HelmRelease gets helm/render at its file; with it, the
// rendered objects join the Kustomization and the chart's CRD orders a custom resource.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCheck } from '../src/check/engine.js';
import { loadAndRender } from '../src/render/load.js';
import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { fluxBootstrapFiles, sharedSchemas, slipwayBin } from './helpers.js';
import { startHelmRepoServer } from './helpers/chart-servers.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'slipway-helm-folder-'));

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: { type: integer }
`;

function repo(name: string, values: string, extra: Record<string, string> = {}): string {
  const dir = path.join(work, name);
  const files: Record<string, string> = {
    ...fluxBootstrapFiles('dev'),
    'charts/demo/Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
    'charts/demo/values.yaml': 'image: ghcr.io/example/demo:1.2.3\n',
    'charts/demo/crds/widget.yaml': CRD,
    'charts/demo/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: 1
  selector: { matchLabels: { app: demo } }
  template:
    metadata: { labels: { app: demo } }
    spec:
      containers:
        - name: demo
          image: {{ .Values.image }}
          args: [{{ required "set greeting: the demo chart needs it" .Values.greeting | quote }}]
          resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { memory: 64Mi } }
`,
    'infra/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - demo.yaml\n',
    'infra/demo.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: demo
  namespace: demo
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/demo
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
  install: { remediation: { retries: 3 } }
  upgrade: { remediation: { retries: 3 } }
${values}`,
    'apps/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - widget.yaml\n',
    'apps/widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: demo\nspec:\n  size: 3\n',
    ...extra,
  };
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

describe('a chart folder of the repository', () => {
  after(() => rmSync(work, { recursive: true, force: true }));

  it('renders with its values: objects and CRDs join the Kustomization that applies the release', async () => {
    const root = repo('ok', '  values:\n    greeting: hello\n');
    const loaded = await loadAndRender(root, {}, { offline: true, cacheDir: path.join(work, 'cache') });
    const cluster = loaded.clusters[0];
    const hr = cluster.helmReleases.find((h) => h.key === 'demo/demo')!;
    assert.equal(hr.render?.status, 'rendered', hr.render?.reason);
    assert.deepEqual(hr.render?.crds, ['example.com/Widget']);
    const infra = cluster.kustomizations.find((k) => k.key === 'flux-system/infra')!;
    const rendered = infra.resources.filter((r) => r.rendered);
    assert.deepEqual(rendered.map((r) => `${r.id.kind} ${r.id.namespace ?? ''}/${r.id.name} ${r.rendered!.template}${r.rendered!.crd ? ' crd' : ''}`).sort(), [
      'CustomResourceDefinition /widgets.example.com demo/crds/widget.yaml crd',
      'Deployment demo/demo demo/templates/deployment.yaml',
    ]);
    const deployment = rendered.find((r) => r.id.kind === 'Deployment')!.object as any;
    assert.deepEqual(deployment.spec.template.spec.containers[0].args, ['hello']);
    // helm-controller's origin labels
    assert.equal(deployment.metadata.labels['helm.toolkit.fluxcd.io/name'], 'demo');
    assert.ok(infra.provides.includes('crd:example.com/Widget'), infra.provides.join(', '));

    const result = await runCheck(root, { schemaDirs: [sharedSchemas], cacheDir: false, offline: true });
    assert.deepEqual(result.clusters[0].helmReleases, { total: 1, rendered: 1, notVerified: 0 });
    assert.deepEqual(result.findings.filter((f) => f.rule.startsWith('helm/') || f.rule.startsWith('flux/dependency')).map((f) => f.rule), []);
  });

  it('dependencies Chart.lock names are fetched as source-controller does; file:// ones are read from the repository', async () => {
    const http = await startHelmRepoServer();
    try {
      const root = repo('deps', '  values:\n    greeting: hello\n', {
        'charts/demo/Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\ndependencies:\n  - name: common\n    version: 2.x.x\n    repository: https://charts.bitnami.com/bitnami\n  - name: extras\n    version: 0.1.0\n    repository: file://../extras\n',
        'charts/demo/Chart.lock': 'dependencies:\n- name: common\n  repository: https://charts.bitnami.com/bitnami\n  version: 2.2.2\n- name: extras\n  repository: file://../extras\n  version: 0.1.0\ndigest: sha256:0\ngenerated: "2024-01-01T00:00:00Z"\n',
        // uses a named template of bitnami's common library chart
        'charts/demo/templates/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ include "common.names.fullname" . }}\nspec:\n  ports: [{ port: 80 }]\n',
        'charts/extras/Chart.yaml': 'apiVersion: v2\nname: extras\nversion: 0.1.0\n',
        'charts/extras/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extras\ndata: { from: extras }\n',
      });
      const settings = { mirrors: [{ from: 'https://charts.bitnami.com/bitnami', to: `${http.url}/bitnami`, plainHTTP: false }], auth: [], knowledge: [] };
      const loaded = await loadAndRender(root, {}, { settings, offline: false, cacheDir: path.join(work, 'cache-deps') });
      const hr = loaded.clusters[0].helmReleases.find((h) => h.key === 'demo/demo')!;
      assert.equal(hr.render?.status, 'rendered', hr.render?.reason);
      const rendered = loaded.clusters[0].kustomizations.flatMap((k) => k.resources).filter((r) => r.rendered?.helmRelease === 'demo/demo');
      assert.deepEqual(rendered.filter((r) => r.id.kind !== 'CustomResourceDefinition').map((r) => `${r.id.kind} ${r.id.name} ${r.rendered!.template}`).sort(), [
        'ConfigMap extras demo/charts/extras/templates/cm.yaml',
        'Deployment demo demo/templates/deployment.yaml',
        'Service demo demo/templates/service.yaml',
      ]);
      assert.ok(http.requests.some((r) => r.path === '/bitnami/common-2.2.2.tgz'), http.requests.map((r) => r.path).join(', '));

      // offline with an empty cache: the dependency cannot be had, and the release says so
      const offline = await loadAndRender(root, {}, { settings, offline: true, cacheDir: path.join(work, 'cache-empty') });
      const unverified = offline.clusters[0].helmReleases.find((h) => h.key === 'demo/demo')!;
      assert.equal(unverified.render?.status, 'not-verified');
      assert.match(unverified.render?.reason ?? '', /dependency common of the chart folder charts\/demo: .*not in the chart cache/);
    } finally {
      await http.close();
    }
  });

  it('valuesFrom reads a Secret that only exists in the cluster from .slipway.yaml assume:', async () => {
    const root = repo('assume', '  valuesFrom:\n    - kind: Secret\n      name: demo-values\n      valuesKey: values.yaml\n', {
      '.slipway.yaml': 'assume:\n  - apiVersion: v1\n    kind: Secret\n    metadata: { name: demo-values, namespace: demo }\n    stringData:\n      values.yaml: "greeting: from-the-cluster"\n',
    });
    const loaded = await loadAndRender(root, {}, { offline: true, cacheDir: path.join(work, 'cache-assume') });
    const cluster = loaded.clusters[0];
    const hr = cluster.helmReleases.find((h) => h.key === 'demo/demo')!;
    assert.equal(hr.render?.status, 'rendered', hr.render?.reason);
    const deployment = cluster.kustomizations.flatMap((k) => k.resources).find((r) => r.rendered && r.id.kind === 'Deployment')!.object as any;
    assert.deepEqual(deployment.spec.template.spec.containers[0].args, ['from-the-cluster']);
    const result = await runCheck(root, { schemaDirs: [sharedSchemas], cacheDir: false, offline: true });
    assert.deepEqual(result.findings.filter((f) => f.severity === 'error' || f.rule === 'flux/source-missing').map((f) => `${f.rule} ${f.message}`), []);
  });

  it('slipway render and slipway charts list through the CLI', () => {
    const root = repo('cli', '  values:\n    greeting: hello\n');
    const env = { ...process.env, SLIPWAY_OFFLINE: '1', SLIPWAY_CACHE_DIR: path.join(work, 'cache-cli') };
    const run = (...args: string[]) => spawnSync(process.execPath, [slipwayBin, ...args], { encoding: 'utf8', env });
    const hr = run('render', root, '--helmrelease', 'demo/demo');
    assert.equal(hr.status, 0, hr.stderr);
    const kinds = parseAllDocuments(hr.stdout).map((d) => (d.toJS() as { kind: string }).kind);
    assert.deepEqual(kinds.sort(), ['CustomResourceDefinition', 'Deployment']);
    assert.match(hr.stdout, /^# Source: demo\/templates\/deployment\.yaml$/m);
    const ks = run('render', root, '--kustomization', 'flux-system/infra');
    assert.equal(ks.status, 0, ks.stderr);
    assert.deepEqual(parseAllDocuments(ks.stdout).map((d) => (d.toJS() as { kind: string }).kind).sort(), ['HelmRelease', 'Namespace']);
    const all = run('render', root, '--all');
    assert.equal(all.status, 0, all.stderr);
    assert.ok(parseAllDocuments(all.stdout).length >= 6);
    const usage = run('render', root);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /give exactly one of --kustomization NS\/NAME, --helmrelease NS\/NAME or --all/);
    const unknown = run('render', root, '--helmrelease', 'demo/nope');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /has no HelmRelease demo\/nope/);
    const list = run('charts', 'list', root);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /folder charts\/demo\n\s+in the repository\n\s+for demo\/demo/);
  });

  it('a missing required value is helm/render at the HelmRelease, with Helm\'s message', async () => {
    const root = repo('required', '');
    const result = await runCheck(root, { schemaDirs: [sharedSchemas], cacheDir: false, offline: true });
    const found = result.findings.filter((f) => f.rule === 'helm/render');
    assert.equal(found.length, 1, JSON.stringify(result.findings, null, 1));
    assert.equal(found[0].severity, 'error');
    assert.equal(found[0].file, 'infra/demo.yaml');
    assert.match(found[0].message, /set greeting: the demo chart needs it/);
    assert.deepEqual(result.clusters[0].helmReleases, { total: 1, rendered: 0, notVerified: 0 });
  });
});
