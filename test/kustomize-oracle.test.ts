// The kustomize oracle: every case of ../shared/fixtures/kustomize/cases (mined from kustomize's
// own krusty tests) is built by the engine (upstream kustomize compiled to WebAssembly) with the
// harness's defaults, reorder "none" and root-only loading, and compared by the harness's rule
// (README of the fixtures): output byte for byte, error cases by their error checks.
//
// The fixtures come from one kustomize commit, the engine links another release. A case whose
// expectation belongs to a different kustomize version is listed, with the upstream change that
// explains it, in test/kustomize-version-differences.md; every other case must pass, and a
// listed case that passes fails the test until it is taken off the list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openEngine, type BuildResult, type Engine } from '../src/engine/index.js';
import { loadCases, mismatch, repoRoot, writeCase, type BuildOutcome, type KustomizeCase } from './kustomize-cases.js';

const IN_FLIGHT = 4;
const DIFFERENCES_FILE = path.join(repoRoot(), 'test', 'kustomize-version-differences.md');

/**
 * The listed cases: rows of the markdown table whose first cell is a case name in backticks
 * (`| \`TestFoo/bar\` | … |`).
 */
function listedDifferences(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of fs.readFileSync(DIFFERENCES_FILE, 'utf8').split('\n')) {
    const m = /^\|\s*`([^`]+)`\s*\|(.*)$/.exec(line.trim());
    if (m) out.set(m[1], m[2].split('|')[0].trim());
  }
  return out;
}

interface Outcome {
  c: KustomizeCase;
  /** Why the case does not pass, or null when it does. */
  problem: string | null;
}

/**
 * What the comparison sees of an engine result. Only a failure of kustomize itself counts as
 * a failed build; a timeout, crash, panic or bad request of the engine is never the error a case
 * expects (the Go test would have crashed or hung), so it is kept apart.
 */
function outcomeOf(r: BuildResult, caseDir: string): BuildOutcome | { engine: string } {
  if (r.ok) return { ok: true, yaml: r.yaml ?? '' };
  // the Go tests build in an in-memory file system rooted at '/': /app/… is <caseDir>/app/…
  const message = r.error.message.split(caseDir).join('');
  if (r.error.kind === 'build' || r.error.kind === 'confinement') return { ok: false, message };
  return { engine: `engine failure (${r.error.kind}): ${message}` };
}

async function runCase(engine: Engine, c: KustomizeCase, caseDir: string): Promise<Outcome> {
  let r: BuildResult;
  try {
    r = await engine.kustomizeBuild({ root: caseDir, dir: c.run, reorder: 'none', loadRestrictor: 'rootOnly' });
  } catch (err) {
    return { c, problem: `engine threw: ${(err as Error).stack ?? String(err)}` };
  }
  const out = outcomeOf(r, caseDir);
  if ('engine' in out) return { c, problem: out.engine };
  return { c, problem: mismatch(c, out) };
}

/** Runs `work` on every item with at most `limit` in flight; results in input order. */
async function inParallel<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

const cases = loadCases();

test('kustomize oracle: fixture cases', { timeout: 600_000 }, async () => {
  assert.ok(cases.length > 0, 'no cases found under ../shared/fixtures/kustomize/cases');
  const names = new Set(cases.map((c) => c.name));
  assert.equal(names.size, cases.length, 'case names are not unique');
  const listed = listedDifferences();
  const unknown = [...listed.keys()].filter((n) => !names.has(n));
  assert.deepEqual(unknown, [], `${path.basename(DIFFERENCES_FILE)} lists cases that do not exist`);

  const parent = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-oracle-')));
  let outcomes: Outcome[];
  try {
    const dirs = cases.map((c, i) => {
      const dir = path.join(parent, String(i));
      writeCase(c, dir);
      return dir;
    });
    const engine = await openEngine([parent]);
    try {
      outcomes = await inParallel(cases, IN_FLIGHT, (c, i) => runCase(engine, c, dirs[i]));
    } finally {
      await engine.close();
    }
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }

  const passed = outcomes.filter((o) => o.problem === null);
  const differences = outcomes.filter((o) => o.problem !== null && listed.has(o.c.name));
  const failed = outcomes.filter((o) => o.problem !== null && !listed.has(o.c.name));
  const nowPassing = passed.filter((o) => listed.has(o.c.name));

  console.log(`kustomize cases: ${passed.length} passed, ${differences.length} listed differences, ${failed.length} failed`);
  const byFeature = new Map<string, { passed: number; listed: number; failed: number }>();
  for (const o of outcomes) {
    for (const f of o.c.features.length ? o.c.features : ['(none)']) {
      const e = byFeature.get(f) ?? { passed: 0, listed: 0, failed: 0 };
      if (o.problem === null) e.passed++;
      else if (listed.has(o.c.name)) e.listed++;
      else e.failed++;
      byFeature.set(f, e);
    }
  }
  const total = (e: { passed: number; listed: number; failed: number }): number => e.passed + e.listed + e.failed;
  for (const [f, e] of [...byFeature].sort((a, b) => total(b[1]) - total(a[1]) || (a[0] < b[0] ? -1 : 1))) {
    console.log(`  ${f}: ${e.passed}/${total(e)} passed${e.listed ? `, ${e.listed} listed` : ''}${e.failed ? `, ${e.failed} FAILED` : ''}`);
  }
  for (const o of differences) console.log(`  listed ${o.c.name}: ${listed.get(o.c.name)}`);
  for (const o of failed) console.log(`  FAIL ${o.c.name} (${o.c.sourceFile ?? '?'}): ${o.problem}`);

  const problems: string[] = [];
  if (nowPassing.length > 0) {
    problems.push(`these listed cases pass now: remove them from ${path.basename(DIFFERENCES_FILE)}:\n${nowPassing.map((o) => `  ${o.c.name}`).join('\n')}`);
  }
  if (failed.length > 0) {
    problems.push(`cases fail that are not listed as version differences:\n${failed.map((o) => `${o.c.name}: ${o.problem}`).join('\n\n')}`);
  }
  assert.ok(problems.length === 0, problems.join('\n\n'));
});

/**
 * The real CLI when main.ts registers `build`, else a script in `dir` that registers it the same
 * way (a file, not `node -e`: the engine's worker threads inherit the process's exec options,
 * and `--input-type` is refused for them).
 */
function cliCommand(dir: string): string[] {
  const root = repoRoot();
  const bin = path.join(root, 'bin', 'slipway');
  const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  if (help.status === 0 && /\bbuild\b/.test(help.stdout)) return [bin];
  const shim = path.join(dir, 'slipway-build-shim.mjs');
  fs.writeFileSync(
    shim,
    [
      `import { Command } from ${JSON.stringify(path.join(root, 'node_modules', 'commander', 'esm.mjs'))};`,
      `import { registerBuild } from ${JSON.stringify(path.join(root, 'dist', 'src', 'cli', 'build.js'))};`,
      `import { exitWithError } from ${JSON.stringify(path.join(root, 'dist', 'src', 'cli', 'errors.js'))};`,
      "const p = new Command().name('slipway').exitOverride(); registerBuild(p);",
      "try { await p.parseAsync(process.argv.slice(2), { from: 'user' }); } catch (e) { if (e && e.exitCode !== undefined && e.code && String(e.code).startsWith('commander')) process.exit(2); exitWithError(e); }",
    ].join('\n'),
  );
  return [shim];
}

test('kustomize oracle: end to end through the CLI', { timeout: 300_000 }, () => {
  const listed = listedDifferences();
  const sample = cases.filter((c) => c.assertion === 'AssertActualEqualsExpected' && !listed.has(c.name) && c.features.includes('configMapGenerator')).slice(0, 3);
  const failing = cases.filter((c) => c.assertion === 'RunWithErr' && !listed.has(c.name) && c.expectError).slice(0, 2);
  assert.ok(sample.length > 0 && failing.length > 0);
  const parent = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-oracle-cli-')));
  try {
    const cmd = cliCommand(parent);
    [...sample, ...failing].forEach((c, i) => writeCase(c, path.join(parent, String(i))));
    sample.forEach((c, i) => {
      const root = path.join(parent, String(i));
      const r = spawnSync(process.execPath, [...cmd, 'build', path.join(root, c.run), '--reorder', 'none', '--root', root], { encoding: 'utf8', cwd: repoRoot() });
      assert.equal(r.status, 0, `${c.name}: ${r.stderr}`);
      assert.equal(r.stdout, c.expected, `${c.name}: CLI output differs from kustomize's`);
    });
    failing.forEach((c, k) => {
      const root = path.join(parent, String(sample.length + k));
      const r = spawnSync(process.execPath, [...cmd, 'build', path.join(root, c.run), '--root', root], { encoding: 'utf8', cwd: repoRoot() });
      assert.equal(r.status, 1, `${c.name}: expected exit 1, got ${r.status} (${r.stderr})`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${c.name}: error should be one line`);
    });
    const missing = spawnSync(process.execPath, [...cmd, 'build', path.join(parent, 'no-such-dir-for-slipway-test')], { encoding: 'utf8', cwd: repoRoot() });
    assert.equal(missing.status, 2, `unreadable DIR must exit 2: ${missing.stderr}`);
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
});
