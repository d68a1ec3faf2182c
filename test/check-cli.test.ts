// The CLI's exit-2 paths around clusters and .slipway.yaml: a folder with no Flux cluster, a
// --cluster NAME that matches none, and a .slipway.yaml mistake, each one line on stderr that says
// what was looked for (or where the mistake is) and what to do, and nothing on stdout.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigFileError, loadCheckConfig } from '../src/check/config.js';
import { RULE_IDS } from '../src/check/rules/index.js';
import { runCheck } from '../src/check/engine.js';
import type { Finding } from '../src/check/finding.js';
import { openEngine } from '../src/engine/index.js';
import { EngineDirectoryBuilder, loadFluxRepository, type DirectoryBuilder } from '../src/repo/flux/index.js';
import { fluxBootstrapFiles, sharedDir, sharedSchemas, slipwayBin } from './helpers.js';

let work: string;
let fleet: string; // clusters prod and staging
let plain: string; // Kubernetes YAML, no Flux entry point
let templates: string; // only *.yaml.j2
let empty: string;

function write(root: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

function slipway(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [slipwayBin, ...args], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, SLIPWAY_OFFLINE: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2, nothing on stdout, exactly one line on stderr; returns that line. */
function exit2(r: ReturnType<typeof slipway>): string {
  assert.equal(r.status, 2, `exit ${r.status}\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 500)}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `not one line on stderr:\n${r.stderr}`);
  assert.doesNotMatch(lines[0], /internal error|\n\s+at /);
  return lines[0];
}

before(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'slipway-check-cli-'));
  fleet = path.join(work, 'fleet');
  for (const cluster of ['prod', 'staging']) for (const [rel, text] of Object.entries(fluxBootstrapFiles(cluster))) write(fleet, rel, text);
  write(fleet, 'infra/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - namespace.yaml\n');
  write(fleet, 'infra/namespace.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n');
  write(fleet, 'apps/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\n');
  write(fleet, 'apps/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: team\ndata:\n  a: b\n');
  plain = path.join(work, 'plain');
  write(plain, 'app/deployment.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: b\n');
  write(plain, 'app/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n');
  templates = path.join(work, 'templates');
  write(templates, 'kubernetes/flux/cluster/ks.yaml.j2', 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: #{ name }#\n');
  write(templates, 'kubernetes/apps/app.yaml.j2', 'kind: ConfigMap\n');
  empty = path.join(work, 'empty');
  mkdirSync(empty);
});

after(() => rmSync(work, { recursive: true, force: true }));

describe('slipway check: no Flux cluster', { concurrency: 4 }, () => {
  it('a folder of plain Kubernetes YAML: exit 2, says what discovery looked for and what to do', () => {
    const line = exit2(slipway('check', plain, '--no-cache', '--format', 'json'));
    assert.ok(line.startsWith(`slipway: no Flux cluster in ${plain}: `), line);
    assert.match(line, /flux bootstrap \(clusters\/<name>\/flux-system\/gotk-sync\.yaml\)/);
    assert.match(line, /FluxInstance/);
    assert.match(line, /--cluster NAME=PATH/);
  });

  it('a repository of templates only: says to render them first', () => {
    const line = exit2(slipway('check', templates, '--no-cache'));
    assert.match(line, /no Flux cluster in .*: it holds 2 template file\(s\) \(\*\.yaml\.j2 …\) and no plain YAML; render the templates first/);
  });

  it('an empty folder', () => {
    assert.match(exit2(slipway('check', empty, '--no-cache', '--format', 'junit')), /no Flux cluster in .*: it holds no YAML file/);
  });

  it('a folder with no cluster gets an explicit entry point with --cluster NAME=PATH: checked, exit 0', () => {
    const r = slipway('check', plain, '--cluster', 'app=app', '--no-cache', '--no-render', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).clusters.map((c: { name: string }) => c.name), ['app']);
  });

  it('graph, render, report and charts say the same and exit 2 (report writes no file)', () => {
    const out = path.join(work, 'report.html');
    for (const args of [['graph', plain], ['render', plain, '--all'], ['report', plain, '--out', out], ['charts', 'list', plain]]) {
      assert.match(exit2(slipway(...args)), /^slipway: no Flux cluster in .*: found no flux bootstrap/, args.join(' '));
    }
    assert.equal(existsSync(out), false);
  });
});

describe('slipway check --cluster NAME that matches no cluster', { concurrency: 4 }, () => {
  it('exit 2, names the clusters that exist, the closest first', () => {
    const line = exit2(slipway('check', fleet, '--cluster', 'stagin', '--no-cache', '--no-render'));
    assert.equal(line, `slipway: --cluster stagin: no cluster of that name in ${fleet}; its clusters: staging, prod`);
    assert.match(exit2(slipway('check', fleet, '--cluster', 'prd', '--no-cache', '--no-render')), /its clusters: prod, staging$/);
  });

  it('one unknown name among known ones is still an error', () => {
    assert.match(exit2(slipway('check', fleet, '--cluster', 'prod', '--cluster', 'nosuch', '--no-cache', '--no-render')), /--cluster nosuch: no cluster of that name/);
  });

  it('a known name checks that cluster only', () => {
    const r = slipway('check', fleet, '--cluster', 'staging', '--no-cache', '--no-render', '--format', 'json');
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).clusters.map((c: { name: string }) => c.name), ['staging']);
  });

  it('--cluster NAME=PATH to a path that does not exist', () => {
    assert.match(exit2(slipway('check', fleet, '--cluster', 'x=nowhere', '--no-cache', '--no-render')), /--cluster x=nowhere: 'nowhere' does not exist inside /);
  });

  it('graph and render say the same', () => {
    for (const args of [['graph', fleet, '--cluster', 'nosuch'], ['render', fleet, '--cluster', 'nosuch', '--all']]) {
      assert.match(exit2(slipway(...args)), /--cluster nosuch: no cluster of that name in .*; its clusters: (prod, staging|staging, prod)$/, args.join(' '));
    }
  });
});

describe('.slipway.yaml mistakes name the line of the offending key', () => {
  const config = (text: string): string => {
    const dir = mkdtempSync(path.join(work, 'config-'));
    writeFileSync(path.join(dir, '.slipway.yaml'), text);
    try {
      loadCheckConfig(dir, RULE_IDS);
    } catch (e) {
      assert.ok(e instanceof ConfigFileError, String(e));
      return e.message;
    }
    assert.fail('no ConfigFileError');
  };

  it('an unknown top-level setting', () => {
    assert.match(config('kubeVersion: "1.31"\n# a comment\nrulez:\n  workload/resources: off\n'), /^\.slipway\.yaml:3:1: rulez: unknown setting/);
  });

  it('an unknown rule id and a bad severity, at their keys', () => {
    assert.match(config('kubeVersion: "1.31"\nrules:\n  workload/resources: off\n  workload/resorces: off\n'), /^\.slipway\.yaml:4:3: rules\.workload\/resorces: unknown rule id/);
    assert.match(config('rules:\n  workload/resources: off\n  secrets/plaintext: loud\n'), /^\.slipway\.yaml:3:3: rules\.secrets\/plaintext: must be one of error, warning, info, off/);
    // a key with dots is found whole
    assert.match(config('rules:\n  workload/resources: off\n  a.b: off\n'), /^\.slipway\.yaml:3:3: rules\.a\.b: unknown rule id/);
  });

  it('an exemption without a reason points at that exemption', () => {
    const text = 'exemptions:\n  - rule: workload/resources\n    namespace: a\n    reason: vendor chart\n  - rule: workload/image-tag\n    namespace: b\n';
    assert.match(config(text), /^\.slipway\.yaml:5:5: exemptions\[1\]\.reason: is mandatory/);
    assert.match(config('exemptions:\n  - rule: workload/resources\n    reason: x\n  - rule: no/such\n    reason: y\n'), /^\.slipway\.yaml:4:5: exemptions\[1\]\.rule: must name a known rule id/);
  });

  it('a charts setting', () => {
    const text = 'charts:\n  mirrors:\n    - from: oci://ghcr.io/a\n      to: oci://127.0.0.1:5000/a\n    - from: oci://ghcr.io/b\n      too: oci://127.0.0.1:5000/b\n';
    assert.match(config(text), /^\.slipway\.yaml:6:7: charts\.mirrors\[1\]\.too: unknown setting/);
    // the earlier form, charts as a plain list of knowledge entries
    assert.match(config('kubeVersion: "1.31"\ncharts:\n  - name: a\n    crds: 3\n'), /^\.slipway\.yaml:4:5: charts\[0\]\.crds: /);
  });

  it('YAML errors keep their own line and column', () => {
    assert.match(config('rules:\n  workload/resources: off\nkubeVersion: "1.30"\nrules:\n  workload/image-tag: off\n'), /^\.slipway\.yaml:4:1: mapping key "rules" already defined/);
    assert.match(config('rules:\n  workload/resources: off\nexemptions: [\n'), /^\.slipway\.yaml:4:1: Flow sequence/);
  });

  it('through the CLI: exit 2, one line with the line of the key', () => {
    const dir = path.join(work, 'fleet-config');
    for (const [rel, text] of Object.entries(fluxBootstrapFiles('prod'))) write(dir, rel, text);
    write(dir, '.slipway.yaml', 'kubeVersion: "1.31"\nrules:\n  workload/resources: off\n  flux/kustomisation-settings: off\n');
    assert.match(exit2(slipway('check', dir, '--no-cache', '--no-render')), /^slipway: \.slipway\.yaml:4:3: rules\.flux\/kustomisation-settings: unknown rule id/);
  });
});

describe('slipway check --cluster NAME limits the work to that cluster', () => {
  const repo = path.join(sharedDir, 'corpus', 'fluxcd__flux2-kustomize-helm-example');

  it('builds only its Kustomizations, and finds what a whole check finds for it', async () => {
    const engine = await openEngine([repo]);
    try {
      const counting = (): { builder: DirectoryBuilder; dirs: string[] } => {
        const inner = new EngineDirectoryBuilder(repo, engine);
        const dirs: string[] = [];
        return {
          dirs,
          builder: {
            fluxBuild: (request) => (dirs.push(request.dir), inner.fluxBuild(request)),
            kustomizeBuild: (dir) => (dirs.push(dir), inner.kustomizeBuild(dir)),
          },
        };
      };
      const all = counting();
      const whole = await loadFluxRepository(repo, all.builder);
      assert.deepEqual(whole.clusters.map((c) => c.name).sort(), ['production', 'staging']);
      const one = counting();
      const staging = await loadFluxRepository(repo, one.builder, { only: ['staging'] });
      assert.deepEqual(staging.clusters.map((c) => c.name), ['staging']);
      assert.ok(one.dirs.length < all.dirs.length, `${one.dirs.length} builds for one cluster, ${all.dirs.length} for both`);
      assert.ok(!one.dirs.some((d) => /production/.test(d)), one.dirs.join('\n'));
    } finally {
      await engine.close();
    }
    const key = (f: Finding) => `${f.rule}|${f.severity}|${f.file}:${f.line}|${f.message}`;
    const check = (only?: string[]) => runCheck(repo, { schemaDirs: [sharedSchemas], cacheDir: false, render: false, offline: true, ...(only ? { only } : {}) });
    const [full, limited] = await Promise.all([check(), check(['staging'])]);
    // the whole check reports a finding both clusters share once, under the cluster that saw it first
    const inFull = new Set(full.findings.map(key));
    const inLimited = new Set(limited.findings.map(key));
    assert.deepEqual([...inLimited].filter((k) => !inFull.has(k)), [], 'nothing a whole check does not find');
    assert.deepEqual(full.findings.filter((f) => f.cluster === 'staging').map(key).filter((k) => !inLimited.has(k)), [], 'everything it finds for staging');
    assert.ok(limited.findings.every((f) => !f.cluster || f.cluster === 'staging'));
  });
});
