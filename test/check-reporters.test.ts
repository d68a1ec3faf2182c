// Reporters: SARIF validates against the SARIF 2.1.0 schema (shipped by an npm package,
// never fetched), JSON keeps the DESIGN §3 shape, and nothing depends on a TTY.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createRequire } from 'node:module';
import type { CheckResult } from '../src/check/finding.js';
import { renderJson } from '../src/check/reporters/json.js';
import { renderJunit } from '../src/check/reporters/junit.js';
import { renderPretty } from '../src/check/reporters/pretty.js';
import { renderSarif } from '../src/check/reporters/sarif.js';
import { RULES } from '../src/check/rules/index.js';
import { repoRoot, sharedDir, slipwayBin } from './helpers.js';

const sarifSchema = JSON.parse(readFileSync(path.join(repoRoot, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));

// the SARIF schema is draft-04, which Ajv 8 reads through its draft-04 build
const require = createRequire(import.meta.url);
const AjvDraft04 = require('ajv-draft-04') as new (opts: object) => { compile(schema: object): ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null } };
const addFormats = require('ajv-formats') as (ajv: object) => void;

function validateSarif(text: string): string[] {
  const ajv = new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(sarifSchema);
  return validate(JSON.parse(text)) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const sample: CheckResult = {
  clusters: [{ name: 'infra', root: 'clusters/infra', kustomizations: 2, resources: 5, helmReleases: { total: 1, rendered: 0, notVerified: 1 } }],
  findings: [
    { rule: 'flux/dependency-missing', severity: 'error', message: 'HelmRelease <x> & "y" uses …', file: 'kubernetes/apps/a b/helmrelease.yaml', line: 3, column: 5, cluster: 'infra', resource: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace: 'a', name: 'b' } },
    { rule: 'schema/missing', severity: 'warning', message: 'no schema', file: 'x.yaml', line: 1 },
    { rule: 'kustomize/build', severity: 'info', message: 'remote base' },
  ],
  exemptions: [{ rule: 'workload/resources', reason: 'vendor chart', match: { namespace: 'rook-ceph' }, used: 0 }],
  documents: 12,
  durationMs: 34.5,
};

describe('check reporters', () => {
  it('writes SARIF 2.1.0 that validates against the official schema', () => {
    const sarif = renderSarif(sample, RULES, '0.1.0');
    assert.deepEqual(validateSarif(sarif), []);
    const log = JSON.parse(sarif);
    assert.equal(log.runs[0].results.length, 3);
    const missing = log.runs[0].results.find((r: any) => r.ruleId === 'flux/dependency-missing');
    assert.deepEqual(missing.locations[0].physicalLocation.region, { startLine: 3, startColumn: 5 });
    assert.equal(missing.level, 'error');
    assert.equal(log.runs[0].tool.driver.rules.length, RULES.length);
  });

  it('keeps the JSON shape of DESIGN §3', () => {
    const json = JSON.parse(renderJson(sample));
    assert.equal(json.version, 1);
    assert.deepEqual(Object.keys(json.summary), ['errors', 'warnings', 'infos', 'documents', 'durationMs']);
    assert.deepEqual(json.summary, { errors: 1, warnings: 1, infos: 1, documents: 12, durationMs: 35 });
    assert.deepEqual(json.findings.map((f: any) => f.rule), ['kustomize/build', 'flux/dependency-missing', 'schema/missing']);
    assert.equal(json.findings[1].file, 'kubernetes/apps/a b/helmrelease.yaml');
  });

  it('escapes JUnit XML and prints plain text without colours off a TTY', () => {
    const xml = renderJunit(sample);
    assert.match(xml, /HelmRelease &lt;x&gt; &amp; &quot;y&quot;/);
    assert.equal((xml.match(/<testsuite /g) ?? []).length, 3);
    const pretty = renderPretty(sample, { colour: false });
    assert.doesNotMatch(pretty, /\x1b\[/);
    assert.match(pretty, /1 error\(s\), 1 warning\(s\), 1 info\(s\) in 12 documents/);
    assert.match(pretty, /unused — vendor chart/);
  });

  it('produces valid SARIF for a real repository through the CLI', () => {
    let out = '';
    try {
      out = execFileSync(process.execPath, [slipwayBin, 'check', path.join(sharedDir, 'corpus', 'fluxcd__flux2-kustomize-helm-example'), '--format', 'sarif'], { encoding: 'utf8' });
    } catch (err: any) {
      assert.equal(err.status, 1, err.stderr);
      out = err.stdout;
    }
    assert.deepEqual(validateSarif(out), []);
    assert.ok(JSON.parse(out).runs[0].results.length > 0);
  });
});
