// Noise (issue 10): one root cause gives one finding, Flux's own defaults are not findings, and
// cluster-scoped objects are named without the namespace kustomize gives them. Each case writes a
// small Flux repository to a temporary folder and checks it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigFileError, loadCheckConfig } from '../src/check/config.js';
import { runCheck } from '../src/check/engine.js';
import type { CheckResult, Finding } from '../src/check/finding.js';
import { RULE_IDS } from '../src/check/rules/index.js';
import { usedBy } from '../src/k8s/facts.js';
import type { K8sObject } from '../src/k8s/object.js';
import { loadFlux } from '../src/repo/flux/index.js';
import { fluxBootstrapFiles, sharedSchemas, slipwayBin } from './helpers.js';

const temps: string[] = [];
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

function writeRepo(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'slipway-noise-'));
  temps.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

const check = (root: string, render = false): Promise<CheckResult> => {
  const cache = mkdtempSync(path.join(os.tmpdir(), 'slipway-noise-cache-'));
  temps.push(cache);
  return runCheck(root, { schemaDirs: [sharedSchemas], cacheDir: false, render, offline: true, charts: { cacheDir: cache } });
};

const of = (result: CheckResult, rule: string) => result.findings.filter((f) => f.rule === rule);
const show = (fs: Finding[]) => fs.map((f) => `${f.rule} ${f.severity} ${f.file}:${f.line} ${f.message}`).join('\n');
const lineOf = (text: string, needle: string, occurrence = 1): number => {
  let seen = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) if (lines[i].includes(needle) && ++seen === occurrence) return i + 1;
  throw new Error(`"${needle}" not found`);
};

const kustomization = (files: string[], extra = '') =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${extra}resources:\n${files.map((f) => `  - ${f}\n`).join('')}`;

const configMap = (name: string, namespace = 'default') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n  key: value\n`;

/** A Flux Kustomization as hand-written repositories often have it: prune and interval, nothing else. */
const ks = (name: string, p: string, spec = '') => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 30m
  path: ${p}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
${spec}`;

/** A bootstrap cluster `dev` whose ./clusters/dev folder holds `units` (file → Kustomization YAML). */
function fluxRepo(units: Record<string, string>, more: Record<string, string> = {}): Record<string, string> {
  const boot = fluxBootstrapFiles('dev');
  return {
    'clusters/dev/flux-system/gotk-sync.yaml': boot['clusters/dev/flux-system/gotk-sync.yaml'],
    'clusters/dev/flux-system/kustomization.yaml': boot['clusters/dev/flux-system/kustomization.yaml'],
    ...Object.fromEntries(Object.entries(units).map(([f, y]) => [`clusters/dev/${f}`, y])),
    ...more,
  };
}

describe('flux/kustomization-settings respects Flux defaults', () => {
  const units = {
    'infra.yaml': ks('infra', './infra'),
    'apps.yaml': ks('apps', './apps', '  dependsOn:\n    - name: infra\n'),
    'tools.yaml': ks('tools', './tools', '  dependsOn:\n    - name: infra\n  wait: true\n'),
    'extra.yaml': ks('extra', './extra', '  healthChecks:\n    - apiVersion: v1\n      kind: ConfigMap\n      name: extra\n      namespace: default\n'),
    'later.yaml': ks('later', './later', '  dependsOn:\n    - name: extra\n'),
  };
  const folders = Object.fromEntries(['infra', 'apps', 'tools', 'extra', 'later'].flatMap((d) => [
    [`${d}/kustomization.yaml`, kustomization(['cm.yaml'])], [`${d}/cm.yaml`, configMap(d)],
  ]));

  it('default profile: only the unit others depend on without waiting, once, at its spec: line', async () => {
    const files = fluxRepo(units, folders);
    const result = await check(writeRepo(files));
    const settings = of(result, 'flux/kustomization-settings');
    // timeout and retryInterval default to the interval; apps, tools and later have no dependents;
    // extra has health checks
    assert.equal(settings.length, 1, show(settings));
    const [f] = settings;
    assert.equal(f.file, 'clusters/dev/infra.yaml');
    assert.equal(f.line, lineOf(files['clusters/dev/infra.yaml'], 'spec:'));
    assert.equal(f.resource?.name, 'infra');
    assert.match(f.message, /flux-system\/infra does not set wait or healthChecks \(flux-system\/apps, flux-system\/tools depend on it/);
    assert.doesNotMatch(f.message, /timeout|retryInterval/);
  });

  it('profile strict: every Kustomization that lacks a setting, all of them in one finding', async () => {
    const files = fluxRepo(units, { ...folders, '.slipway.yaml': 'profile: strict\n' });
    const result = await check(writeRepo(files));
    const settings = of(result, 'flux/kustomization-settings');
    const byName = new Map(settings.map((f) => [f.resource?.name, f]));
    assert.equal(byName.size, settings.length, `one finding per Kustomization:\n${show(settings)}`);
    // gotk-sync's flux-system sets everything (the test helper's Kustomization)
    assert.deepEqual([...byName.keys()].sort(), ['apps', 'extra', 'infra', 'later', 'tools']);
    assert.match(byName.get('infra')!.message, /does not set wait or healthChecks, timeout, retryInterval \(flux-system\/apps/);
    assert.match(byName.get('apps')!.message, /does not set wait or healthChecks, timeout, retryInterval$/);
    assert.match(byName.get('tools')!.message, /does not set timeout, retryInterval$/);
    assert.match(byName.get('extra')!.message, /does not set timeout, retryInterval$/);
    for (const f of settings) assert.equal(f.line, lineOf(files[f.file!], 'spec:'), show([f]));
  });

  it('a missing prune is the schema error alone, not a second finding', async () => {
    const files = fluxRepo({ 'infra.yaml': ks('infra', './infra').replace('  prune: true\n', '') }, {
      'infra/kustomization.yaml': kustomization(['cm.yaml']), 'infra/cm.yaml': configMap('infra'),
    });
    const result = await check(writeRepo(files));
    assert.deepEqual(of(result, 'flux/kustomization-settings'), []);
    const invalid = of(result, 'schema/invalid');
    assert.equal(invalid.length, 1, show(result.findings));
    assert.match(invalid[0].message, /missing required field "prune"/);
    assert.equal(invalid[0].severity, 'error');
  });

  it('the root Kustomization flux-operator generates from a FluxInstance is not judged, in either profile', async () => {
    const files: Record<string, string> = {
      'flux/instance.yaml': `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata:
  name: flux
  namespace: flux-system
spec:
  distribution:
    version: 2.x
    registry: ghcr.io/fluxcd
  sync:
    kind: GitRepository
    url: https://example.org/fleet.git
    ref: refs/heads/main
    path: clusters/dev
`,
      'clusters/dev/kustomization.yaml': kustomization(['apps.yaml']),
      'clusters/dev/apps.yaml': ks('apps', './apps'),
      'apps/kustomization.yaml': kustomization(['cm.yaml']),
      'apps/cm.yaml': configMap('apps'),
    };
    const lax = await check(writeRepo(files));
    assert.deepEqual(lax.clusters.map((c) => c.kustomizations), [2], 'the generated root and apps');
    assert.deepEqual(of(lax, 'flux/kustomization-settings'), []);
    const strict = await check(writeRepo({ ...files, '.slipway.yaml': 'profile: strict\n' }));
    const settings = of(strict, 'flux/kustomization-settings');
    assert.deepEqual(settings.map((f) => f.resource?.name), ['apps'], show(settings));
  });
});

describe('.slipway.yaml profile', () => {
  const rules = new Set(RULE_IDS);

  it('reads default and strict, default when absent', () => {
    assert.equal(loadCheckConfig(writeRepo({ 'x.yaml': '' }), rules).profile, 'default');
    assert.equal(loadCheckConfig(writeRepo({ '.slipway.yaml': 'profile: default\n' }), rules).profile, 'default');
    assert.equal(loadCheckConfig(writeRepo({ '.slipway.yaml': 'profile: strict\n' }), rules).profile, 'strict');
  });

  it('refuses other values with a message that names the key and the choices (exit 2 in the CLI)', () => {
    const root = writeRepo({ '.slipway.yaml': 'profile: pedantic\n' });
    assert.throws(() => loadCheckConfig(root, rules), (e: unknown) =>
      e instanceof ConfigFileError && /^\.slipway\.yaml:1\b/.test(e.message) && /profile/.test(e.message) && /default, strict/.test(e.message) && /pedantic/.test(e.message));
    const cli = spawnSync(process.execPath, [slipwayBin, 'check', root, '--no-render'], { encoding: 'utf8' });
    assert.equal(cli.status, 2, cli.stderr);
    assert.match(cli.stderr, /profile: must be one of default, strict/);
  });
});

describe('helm/not-verified: one finding per cause', () => {
  const release = (name: string, repo = 'charts') => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: ${name}
      version: 1.0.0
      sourceRef:
        kind: HelmRepository
        name: ${repo}
        namespace: flux-system
  install:
    remediation:
      retries: 3
  upgrade:
    remediation:
      retries: 3
`;
  const repoFiles = (names: string[], extra: Record<string, string> = {}) => fluxRepo({
    'infra.yaml': ks('infra', './infra', '  wait: true\n'),
    'apps.yaml': ks('apps', './apps', '  dependsOn:\n    - name: infra\n'),
  }, {
    'infra/kustomization.yaml': kustomization(['namespace.yaml', 'repository.yaml']),
    'infra/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n',
    'infra/repository.yaml': 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: charts\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: https://charts.example.org\n',
    'apps/kustomization.yaml': kustomization(names.map((n) => `${n}.yaml`)),
    ...Object.fromEntries(names.map((n) => [`apps/${n}.yaml`, release(n, n === 'stray' ? 'elsewhere' : 'charts')])),
    ...extra,
  });

  it('offline cache misses of a cluster are one finding at the first release, naming count, releases and the fix', async () => {
    const names = ['delta', 'alpha', 'echo', 'charlie', 'bravo', 'foxtrot', 'golf', 'stray'];
    const result = await check(writeRepo(repoFiles(names)), true);
    assert.deepEqual(result.clusters[0].helmReleases, { total: 8, rendered: 0, notVerified: 8 });
    const nv = of(result, 'helm/not-verified');
    assert.equal(nv.length, 2, show(nv));
    const [group, stray] = [nv.find((f) => /HelmReleases/.test(f.message))!, nv.find((f) => f.resource?.name === 'stray')!];
    assert.equal(group.file, 'apps/alpha.yaml', 'at the first release by file');
    assert.equal(group.resource?.name, 'alpha');
    assert.match(group.message, /^7 HelmReleases \(7 charts\) not verified: their charts are not in the chart cache \(.*\) and the run is offline: apps\/alpha, apps\/bravo, apps\/charlie, apps\/delta, apps\/echo and 2 more; run `slipway charts pull`/);
    // a reason of its own (its source does not exist) stays with its release
    assert.equal(stray.file, 'apps/stray.yaml');
    assert.match(stray.message, /HelmRelease apps\/stray not verified: .*HelmRepository flux-system\/elsewhere is not in the cluster's Kustomizations/);
  });

  it('two releases of one cause stay two findings', async () => {
    const result = await check(writeRepo(repoFiles(['alpha', 'bravo'])), true);
    const nv = of(result, 'helm/not-verified');
    assert.deepEqual(nv.map((f) => f.resource?.name).sort(), ['alpha', 'bravo'], show(nv));
    assert.ok(nv.every((f) => /not in the chart cache/.test(f.message)));
  });

  it('a release an exemption names keeps its own finding, so the exemption takes it alone', async () => {
    const slipway = '.slipway.yaml';
    const files = repoFiles(['alpha', 'bravo', 'charlie', 'delta'], {
      [slipway]: 'exemptions:\n  - rule: helm/not-verified\n    name: alpha\n    reason: alpha is pulled by a separate pipeline\n',
    });
    const result = await check(writeRepo(files), true);
    const nv = of(result, 'helm/not-verified');
    assert.equal(nv.length, 1, show(nv));
    assert.match(nv[0].message, /^3 HelmReleases .*: apps\/bravo, apps\/charlie, apps\/delta; /);
    assert.equal(nv[0].file, 'apps/bravo.yaml');
    assert.deepEqual(result.exemptions.map((e) => e.used), [1]);
  });
});

describe('schema/missing: one finding per cluster and type', () => {
  const widget = (name: string) => `apiVersion: widgets.example.com/v1\nkind: Widget\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n  size: 1\n`;

  it('at the first document, saying how many documents of the cluster share the type', async () => {
    const files: Record<string, string> = {
      ...fluxRepo({ 'apps.yaml': ks('apps', './apps') }),
      ...Object.fromEntries(Object.entries(fluxBootstrapFiles('prod')).filter(([f]) => f.includes('/flux-system/'))),
      ...Object.fromEntries(Object.entries(fluxBootstrapFiles('test')).filter(([f]) => f.includes('/flux-system/'))),
      'clusters/prod/apps.yaml': ks('apps', './prod-apps'),
      'clusters/test/apps.yaml': ks('apps', './apps'),
      'apps/kustomization.yaml': kustomization(['b.yaml', 'a.yaml', 'c.yaml']),
      'apps/a.yaml': `${widget('one')}---\n${widget('two')}`,
      'apps/b.yaml': widget('three'),
      'apps/c.yaml': widget('four'),
      'prod-apps/kustomization.yaml': kustomization(['../apps', 'd.yaml']),
      'prod-apps/d.yaml': widget('five'),
    };
    const result = await check(writeRepo(files));
    const missing = of(result, 'schema/missing');
    // dev and test say the same at the same place: the checker reports that once
    assert.deepEqual(missing.map((f) => `${f.cluster} ${f.file}:${f.line} ${f.severity}`).sort(), ['dev apps/a.yaml:1 warning', 'prod apps/a.yaml:1 warning'], show(missing));
    const message = (n: number) => new RegExp(`^no schema for Widget widgets\\.example\\.com/v1 \\(.*\\); its ${n} documents are not validated$`);
    assert.match(missing.find((f) => f.cluster === 'dev')!.message, message(4));
    assert.match(missing.find((f) => f.cluster === 'prod')!.message, message(5));
  });

  it('talos.dev kinds are served by Talos: info, and no ordering fact', async () => {
    const account = 'apiVersion: talos.dev/v1alpha1\nkind: ServiceAccount\nmetadata:\n  name: runner\n  namespace: default\nspec:\n  roles:\n    - os:reader\n';
    const files = fluxRepo({ 'apps.yaml': ks('apps', './apps') }, {
      'apps/kustomization.yaml': kustomization(['talos.yaml']), 'apps/talos.yaml': account,
    });
    const result = await check(writeRepo(files));
    const missing = of(result, 'schema/missing');
    assert.equal(missing.length, 1, show(result.findings));
    assert.equal(missing[0].severity, 'info');
    assert.match(missing[0].message, /^ServiceAccount talos\.dev\/v1alpha1 is served by Talos itself/);
    assert.deepEqual(result.findings.filter((f) => f.severity !== 'info').map((f) => f.rule), [], show(result.findings));
    const uses = usedBy({ apiVersion: 'talos.dev/v1alpha1', kind: 'ServiceAccount', metadata: { name: 'runner', namespace: 'default' } } as K8sObject);
    assert.deepEqual(uses.filter((f) => f.startsWith('crd:')), []);
    assert.ok(uses.includes('namespace:default'), 'it still needs its namespace');
  });
});

describe('cluster-scoped objects are named without the namespace kustomize gives them', () => {
  const crd = (plural: string, kind: string, scope: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.example.com
spec:
  group: example.com
  names:
    kind: ${kind}
    plural: ${plural}
    singular: ${kind.toLowerCase()}
  scope: ${scope}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
`;
  const files = fluxRepo({
    'crds.yaml': ks('crds', './crds', '  wait: true\n'),
    'issuers.yaml': ks('issuers', './issuers', '  dependsOn:\n    - name: crds\n  targetNamespace: cert-manager\n'),
  }, {
    'crds/kustomization.yaml': kustomization(['crds.yaml']),
    'crds/crds.yaml': `${crd('widgets', 'Widget', 'Cluster')}---\n${crd('gadgets', 'Gadget', 'Namespaced')}`,
    'issuers/kustomization.yaml': kustomization(['issuer.yaml', 'custom.yaml'], 'namespace: cert-manager\n'),
    'issuers/issuer.yaml': `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: letsencrypt
spec:
  selfSigned: {}
  bogus: true
`,
    'issuers/custom.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: big\n---\napiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: small\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules: []\n',
  });

  it('ids of built-in, well-known and repository cluster-scoped kinds have no namespace; namespaced kinds keep theirs', async () => {
    const root = writeRepo(files);
    const repo = await loadFlux(root);
    const applied = repo.clusters[0].kustomizations.find((k) => k.name === 'issuers')!.resources;
    const ids = Object.fromEntries(applied.map((r) => [r.id.kind, r.id.namespace ?? '(none)']));
    assert.deepEqual(ids, { ClusterIssuer: '(none)', Widget: '(none)', Gadget: 'cert-manager', ClusterRole: '(none)' });
    // the objects stay as kustomize built them
    const issuer = applied.find((r) => r.id.kind === 'ClusterIssuer')!;
    assert.equal((issuer.object.metadata as Record<string, unknown>).namespace, 'cert-manager');
  });

  it('findings print them without it; slipway build still gives kustomize\'s bytes', async () => {
    const root = writeRepo(files);
    const result = await check(root);
    const invalid = of(result, 'schema/invalid');
    assert.equal(invalid.length, 1, show(result.findings));
    assert.match(invalid[0].message, /^ClusterIssuer letsencrypt: spec\.bogus: unknown field/);
    assert.equal(invalid[0].resource?.namespace, undefined);
    const built = spawnSync(process.execPath, [slipwayBin, 'build', path.join(root, 'issuers')], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    assert.match(built.stdout, /kind: ClusterIssuer\nmetadata:\n {2}name: letsencrypt\n {2}namespace: cert-manager\n/);
  });
});

describe('rules switched off in .slipway.yaml', () => {
  it('do not run at all (no work, no findings), and the others still do', async () => {
    const widget = 'apiVersion: widgets.example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: default\nspec:\n  size: 1\n';
    const files = fluxRepo({ 'apps.yaml': ks('apps', './apps') }, { 'apps/kustomization.yaml': kustomization(['w.yaml']), 'apps/w.yaml': widget });
    const steps = (root: string) => {
      const seen: string[] = [];
      return runCheck(root, { schemaDirs: [sharedSchemas], cacheDir: false, render: false, offline: true, progress: (s) => seen.push(s) }).then((result) => ({ result, seen }));
    };
    const on = await steps(writeRepo(files));
    assert.ok(on.seen.includes('rule schema/invalid') && on.seen.includes('rule schema/missing'), on.seen.join('\n'));
    assert.equal(of(on.result, 'schema/missing').length, 1, show(on.result.findings));
    const off = await steps(writeRepo({ ...files, '.slipway.yaml': 'rules:\n  schema/invalid: off\n  schema/missing: off\n' }));
    assert.ok(!off.seen.includes('rule schema/invalid') && !off.seen.includes('rule schema/missing'), off.seen.join('\n'));
    assert.ok(off.seen.includes('rule k8s/deprecated-api'), 'the other rules still run');
    assert.deepEqual(off.result.findings.filter((f) => f.rule.startsWith('schema/')), []);
  });
});
