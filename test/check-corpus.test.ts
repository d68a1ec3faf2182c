// `slipway check` on every repository of ../shared/corpus: each checks to completion (exit 0 or 1,
// never 2; a repository without a Flux entry point exits 2 with one line saying so), and one line
// per repository gives the finding counts by rule and severity. The
// false-positive classes fixed while judging these findings (test/check-corpus-notes.md) are
// pinned here so they do not come back.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../src/check/finding.js';
import { sharedDir, sharedSchemas, slipwayBin } from './helpers.js';

const corpus = path.join(sharedDir, 'corpus');
const repositories = readdirSync(corpus).filter((d) => statSync(path.join(corpus, d)).isDirectory()).sort();
const results = new Map<string, Finding[]>();
/** Repositories with no Flux entry point: cluster-template is a makejinja template (only *.yaml.j2), rendered by its users. */
const withoutCluster = new Set(['onedr0p__cluster-template']);

function check(name: string): { status: number | null; findings: Finding[]; stderr: string } {
  const r = spawnSync(process.execPath, [slipwayBin, 'check', path.join(corpus, name), '--format', 'json', '--schemas', sharedSchemas], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  let findings: Finding[] = [];
  try {
    findings = JSON.parse(r.stdout).findings;
  } catch { /* asserted below */ }
  return { status: r.status, findings, stderr: r.stderr };
}

function counts(findings: Finding[]): string {
  const by = new Map<string, number>();
  for (const f of findings) by.set(`${f.rule}(${f.severity[0]})`, (by.get(`${f.rule}(${f.severity[0]})`) ?? 0) + 1);
  return [...by].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}=${n}`).join(' ') || 'no findings';
}

const of = (repo: string, pred: (f: Finding) => boolean) => (results.get(repo) ?? []).filter(pred);

describe('slipway check on the corpus', () => {
  it('finds the corpus', () => assert.ok(repositories.length >= 6, `only ${repositories.length} repositories in ${corpus}`));

  for (const name of repositories.filter((n) => withoutCluster.has(n))) {
    it(`${name} has no Flux cluster: exit 2 with one line that says what to do`, () => {
      const r = check(name);
      assert.equal(r.status, 2, `${name}: exit ${r.status}: ${r.stderr}`);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^slipway: no Flux cluster in .*: it holds \d+ template file\(s\) .* render the templates first .*--cluster NAME=PATH\n$/);
    });
  }

  for (const name of repositories.filter((n) => !withoutCluster.has(n))) {
    it(`${name} checks to completion`, () => {
      const r = check(name);
      assert.ok(r.status === 0 || r.status === 1, `${name}: exit ${r.status}: ${r.stderr}`);
      results.set(name, r.findings);
      const errors = r.findings.filter((f) => f.severity === 'error').length;
      assert.equal(r.status, errors > 0 ? 1 : 0, `${name}: exit code does not match the error count`);
      console.log(`${name}: exit ${r.status}, ${r.findings.length} findings: ${counts(r.findings)}`);
    });
  }

  it('home-ops: CRDs, secrets and stores its bootstrap Helmfiles install need no dependsOn', () => {
    const repo = 'onedr0p__home-ops';
    assert.deepEqual(of(repo, (f) => f.rule === 'flux/dependency-missing' && f.severity === 'error').map((f) => f.message), []);
    assert.deepEqual(of(repo, (f) => /ExternalSecret|GrafanaDashboard|PrometheusRule|onepassword-connect/.test(f.message) && f.rule === 'flux/dependency-missing'), []);
    // the Secret bootstrap/kustomize applies feeds postBuild.substituteFrom of cloudflare-tunnel
    assert.deepEqual(of(repo, (f) => /cloudflare-tunnel-id-secret|CLOUDFLARE_TUNNEL_ID/.test(f.message)).map((f) => f.message), []);
  });

  it('xunholy: SOPS-encrypted secretGenerator files are not plaintext; admission policies are not removed APIs', () => {
    const repo = 'xunholy__k8s-gitops';
    assert.deepEqual(of(repo, (f) => f.rule === 'secrets/plaintext').map((f) => f.message), []);
    assert.deepEqual(of(repo, (f) => f.rule === 'k8s/deprecated-api' && /AdmissionPolicy/.test(f.message)).map((f) => f.message), []);
  });

  it('xunholy: Gateway API and Prometheus CRDs from Talos extraManifests; values from unknown variables are not schema errors', () => {
    const repo = 'xunholy__k8s-gitops';
    assert.deepEqual(of(repo, (f) => f.rule === 'flux/dependency-missing' && /gateway\.networking\.k8s\.io|monitoring\.coreos\.com/.test(f.message)).map((f) => f.message), []);
    assert.deepEqual(of(repo, (f) => f.rule === 'schema/invalid' && f.severity === 'error').map((f) => `${f.file}:${f.line} ${f.message}`), []);
  });

  it('flux-local: ExternalArtifact sources are valid Flux 2.7 Kustomizations', () => {
    assert.deepEqual(of('allenporter__flux-local', (f) => f.rule === 'schema/invalid' && /ExternalArtifact/.test(f.message)).map((f) => f.message), []);
  });
});
