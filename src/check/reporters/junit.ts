// `check --format junit`, for CI systems that only understand JUnit (GitLab, Jenkins …). One test
// case per checked unit or finding, so the counts add up as CI tools count them:
// - suite `clusters`: a passing case per checked cluster without error findings (what was checked);
// - one suite per rule: a failing case per error finding, a passing case carrying the message in
//   <system-out> per warning or info (they do not fail the check, so they must not fail the build).
// tests = all cases ≥ failures = error findings; errors and skipped are always 0.
import { sortFindings, type CheckResult, type Finding } from '../finding.js';

interface Suite {
  name: string;
  cases: string[][];
  failures: number;
}

export function renderJunit(result: CheckResult): string {
  const suites: Suite[] = [];
  const failing = new Set(result.findings.filter((f) => f.severity === 'error' && f.cluster !== undefined).map((f) => f.cluster!));
  const passed = result.clusters.filter((c) => !failing.has(c.name));
  if (passed.length > 0) {
    suites.push({
      name: 'clusters',
      failures: 0,
      cases: passed.map((c) => {
        const own = result.findings.filter((f) => f.cluster === c.name).length;
        const summary = `${c.root || '.'}: ${c.kustomizations} Kustomization(s), ${c.resources} resource(s)${own ? `, ${own} warning/info finding(s)` : ', no findings'}`;
        return [`    <testcase name="${xml(c.name)}" classname="slipway.cluster">`, `      <system-out>${xml(summary)}</system-out>`, '    </testcase>'];
      }),
    });
  }
  const byRule = new Map<string, Finding[]>();
  for (const f of sortFindings(result.findings)) (byRule.get(f.rule) ?? byRule.set(f.rule, []).get(f.rule)!).push(f);
  for (const [rule, findings] of [...byRule].sort(([a], [b]) => a.localeCompare(b))) {
    const names = new Map<string, number>();
    suites.push({
      name: rule,
      failures: findings.filter((f) => f.severity === 'error').length,
      cases: findings.map((f) => {
        // CI tools key test cases by classname and name: each finding gets its own
        let name = `${f.file ?? '(repository)'}${f.line ? `:${f.line}` : ''}${f.resource ? ` ${f.resource.kind} ${f.resource.namespace ? `${f.resource.namespace}/` : ''}${f.resource.name}` : ''}`;
        const seen = (names.get(name) ?? 0) + 1;
        names.set(name, seen);
        if (seen > 1) name += ` (${seen})`;
        const body = f.severity === 'error'
          ? `      <failure message="${xml(f.message)}" type="${xml(rule)}">${xml(detail(f))}</failure>`
          : `      <system-out>${xml(`${f.severity}: ${detail(f)}`)}</system-out>`;
        return [`    <testcase name="${xml(name)}" classname="${xml(rule)}">`, body, '    </testcase>'];
      }),
    });
  }
  if (suites.length === 0) suites.push({ name: 'slipway', failures: 0, cases: [['    <testcase name="all checks" classname="slipway"/>']] });
  const tests = suites.reduce((n, s) => n + s.cases.length, 0);
  const failures = suites.reduce((n, s) => n + s.failures, 0);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="slipway check" tests="${tests}" failures="${failures}" errors="0" skipped="0" time="${(result.durationMs / 1000).toFixed(3)}">`,
  ];
  for (const s of suites) {
    out.push(`  <testsuite name="${xml(s.name)}" tests="${s.cases.length}" failures="${s.failures}" errors="0" skipped="0">`, ...s.cases.flat(), '  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

const detail = (f: Finding) => `${f.file ?? ''}${f.line ? `:${f.line}` : ''}${f.cluster ? ` [${f.cluster}]` : ''} ${f.message}`.trim();

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
    // XML 1.0 forbids most control characters even when escaped
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
}
