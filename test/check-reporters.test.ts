// Reporters: SARIF validates against the SARIF 2.1.0 schema (shipped by an npm package,
// never fetched), JSON keeps the DESIGN §3 shape, JUnit is well-formed with counts that add up
// (tests ≥ failures, one case per finding or checked cluster), and nothing depends on a TTY.
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

/** A minimal XML 1.0 reader for our own output: fails on anything not well-formed (unbalanced or
 * unquoted markup, a raw `<` or `&`, forbidden control characters); returns the root element. */
interface XmlElement { name: string; attrs: Record<string, string>; children: XmlElement[]; text: string }
function parseXml(text: string): XmlElement {
  assert.doesNotMatch(text, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/, 'a control character XML 1.0 forbids');
  const decode = (s: string) => {
    assert.doesNotMatch(s, /&(?!(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);)/, `a raw & in ${s}`);
    return s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]!);
  };
  const doc: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [doc];
  let i = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(text)?.[0].length ?? assert.fail('no XML declaration');
  while (i < text.length) {
    const rest = text.slice(i);
    if (rest.startsWith('</')) {
      const m = /^<\/([\w:.-]+)\s*>/.exec(rest) ?? assert.fail(`bad end tag at ${i}: ${rest.slice(0, 40)}`);
      assert.equal(stack.pop()!.name, m[1], `end tag ${m[1]} does not close the open element`);
      i += m[0].length;
    } else if (rest.startsWith('<')) {
      const m = /^<([\w:.-]+)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/.exec(rest) ?? assert.fail(`bad start tag at ${i}: ${rest.slice(0, 80)}`);
      const el: XmlElement = { name: m[1], attrs: {}, children: [], text: '' };
      for (const a of m[2].matchAll(/([\w:.-]+)="([^"]*)"/g)) {
        assert.ok(!(a[1] in el.attrs), `attribute ${a[1]} twice`);
        el.attrs[a[1]] = decode(a[2]);
      }
      assert.ok(stack.length > 1 || doc.children.length === 0, 'more than one root element');
      stack[stack.length - 1].children.push(el);
      if (!m[3]) stack.push(el);
      i += m[0].length;
    } else {
      const end = text.indexOf('<', i) < 0 ? text.length : text.indexOf('<', i);
      const t = decode(text.slice(i, end));
      if (stack.length === 1) assert.equal(t.trim(), '', 'text outside the root element');
      stack[stack.length - 1].text += t;
      i = end;
    }
  }
  assert.equal(stack.length, 1, `unclosed ${stack.slice(1).map((e) => e.name).join(', ')}`);
  assert.equal(doc.children.length, 1);
  return doc.children[0];
}

/**
 * What GitLab and Jenkins count: every testcase is a test, one with <failure> a failure. The
 * totals on <testsuites> and on each <testsuite> must be those counts; returns the cases.
 */
function junitCases(xml: string): Array<{ suite: string; classname: string; name: string; failure?: string; out?: string }> {
  const root = parseXml(xml);
  assert.equal(root.name, 'testsuites');
  const cases: Array<{ suite: string; classname: string; name: string; failure?: string; out?: string }> = [];
  for (const suite of root.children) {
    assert.equal(suite.name, 'testsuite');
    const own = suite.children.filter((c) => c.name === 'testcase');
    assert.equal(own.length, suite.children.length, 'a testsuite holds testcases only');
    assert.equal(Number(suite.attrs.tests), own.length, `testsuite ${suite.attrs.name}: tests`);
    assert.equal(Number(suite.attrs.failures), own.filter((c) => c.children.some((x) => x.name === 'failure')).length, `testsuite ${suite.attrs.name}: failures`);
    assert.equal(suite.attrs.errors, '0');
    for (const c of own) {
      const failure = c.children.find((x) => x.name === 'failure');
      const out = c.children.find((x) => x.name === 'system-out');
      if (failure) assert.ok(failure.attrs.message, 'a failure without a message');
      cases.push({ suite: suite.attrs.name, classname: c.attrs.classname, name: c.attrs.name, ...(failure ? { failure: failure.attrs.message } : {}), ...(out ? { out: out.text } : {}) });
    }
  }
  const failures = cases.filter((c) => c.failure !== undefined).length;
  assert.equal(Number(root.attrs.tests), cases.length, 'testsuites tests');
  assert.equal(Number(root.attrs.failures), failures, 'testsuites failures');
  assert.ok(Number(root.attrs.tests) >= Number(root.attrs.failures), 'tests < failures');
  const keys = cases.map((c) => `${c.classname}|${c.name}`);
  assert.equal(new Set(keys).size, keys.length, `test cases with the same classname and name: ${keys.join(', ')}`);
  return cases;
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

  it('JUnit: one failing case per error finding, a passing case per warning, info and clean cluster; totals add up', () => {
    const cluster = (name: string) => ({ name, root: `clusters/${name}`, kustomizations: 3, resources: 9, helmReleases: { total: 0, rendered: 0, notVerified: 0 } });
    const dup = { rule: 'schema/invalid', severity: 'error' as const, file: 'apps/a.yaml', line: 4, cluster: 'staging' };
    const result: CheckResult = {
      clusters: [cluster('prod'), cluster('staging'), cluster('dev')],
      findings: [
        { ...dup, message: 'spec.replicas: must be integer' },
        { ...dup, message: 'spec.replica: unknown field' },
        { rule: 'workload/image-tag', severity: 'warning', message: 'image nginx has no tag', file: 'apps/b.yaml', line: 7, cluster: 'dev' },
        { rule: 'kustomize/build', severity: 'info', message: 'remote base not fetched' },
      ],
      exemptions: [],
      documents: 30,
      durationMs: 1200,
    };
    const cases = junitCases(renderJunit(result));
    const errors = result.findings.filter((f) => f.severity === 'error');
    assert.equal(cases.length, result.findings.length + 2, 'a case per finding and per cluster without error findings');
    assert.deepEqual(cases.filter((c) => c.failure !== undefined).map((c) => c.failure).sort(), errors.map((f) => f.message).sort());
    // staging has error findings: its failing cases stand for it; prod and dev passed
    assert.deepEqual(cases.filter((c) => c.suite === 'clusters').map((c) => `${c.name} ${c.failure ?? 'passed'}`), ['prod passed', 'dev passed']);
    assert.match(cases.find((c) => c.name === 'dev')!.out!, /clusters\/dev: 3 Kustomization\(s\), 9 resource\(s\), 1 warning\/info finding\(s\)/);
    for (const f of result.findings.filter((x) => x.severity !== 'error')) {
      const c = cases.find((x) => x.classname === f.rule)!;
      assert.equal(c.failure, undefined, `${f.rule} ${f.severity} must not fail the build`);
      assert.ok(c.out?.startsWith(`${f.severity}: `) && c.out.includes(f.message), c.out);
    }

    // the sample: its one cluster has an error, so a case per finding only
    const sampleCases = junitCases(renderJunit(sample));
    assert.equal(sampleCases.length, 3);
    assert.equal(sampleCases.filter((c) => c.failure !== undefined).length, 1);
    // nothing to report and nothing checked: still one (passing) test, as CI tools expect
    assert.deepEqual(junitCases(renderJunit({ clusters: [], findings: [], exemptions: [], documents: 0, durationMs: 0 })).map((c) => c.failure), [undefined]);
  });

  it('JUnit for a real repository through the CLI matches its JSON findings', () => {
    const repo = path.join(sharedDir, 'corpus', 'fluxcd__flux2-kustomize-helm-example');
    const run = (format: string) => {
      try {
        return execFileSync(process.execPath, [slipwayBin, 'check', repo, '--format', format], { encoding: 'utf8' });
      } catch (err: any) {
        assert.equal(err.status, 1, err.stderr);
        return err.stdout as string;
      }
    };
    const json = JSON.parse(run('json')) as { clusters: Array<{ name: string }>; findings: Array<{ severity: string; cluster?: string; message: string }> };
    const cases = junitCases(run('junit'));
    const errors = json.findings.filter((f) => f.severity === 'error');
    const failingClusters = new Set(errors.map((f) => f.cluster).filter(Boolean));
    const clean = json.clusters.filter((c) => !failingClusters.has(c.name));
    assert.equal(cases.length, json.findings.length + clean.length);
    assert.equal(cases.filter((c) => c.failure !== undefined).length, errors.length);
    assert.deepEqual(cases.filter((c) => c.suite === 'clusters').map((c) => c.name).sort(), clean.map((c) => c.name).sort());
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
