// `slipway --help` loads no command's implementation and never the engine; each command loads
// only what it uses (the engine only for the commands that build).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from './helpers.js';

const bin = path.join(repoRoot, 'bin', 'slipway');
const hooks = path.join(repoRoot, 'test', 'fixtures', 'hooks', 'record-imports.mjs');

/** The project modules (relative to dist/) a CLI invocation loads. */
function loaded(args: string[]): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-imports-'));
  const file = path.join(dir, 'imports.txt');
  try {
    const r = spawnSync(process.execPath, ['--import', hooks, bin, ...args], { env: { ...process.env, SLIPWAY_RECORD_IMPORTS: file }, encoding: 'utf8', cwd: dir, timeout: 120_000 });
    assert.ok(r.status !== null, `slipway ${args.join(' ')} did not finish`);
    const dist = path.join(repoRoot, 'dist') + path.sep;
    return [...new Set(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((u) => new URL(u).pathname).filter((p) => p.startsWith(dist)).map((p) => p.slice(dist.length)))].sort();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the CLI loads only what a command uses', () => {
  it('--help loads no command implementation and not the engine', () => {
    const mods = loaded(['--help']);
    assert.ok(mods.includes('src/cli/main.js'), `the CLI itself was not recorded: ${mods.join(', ')}`);
    const heavy = mods.filter((m) => /^src\/(engine|check|repo|plan|report|synth|model|schema|catalog)\//.test(m));
    assert.deepEqual(heavy, [], 'modules loaded for --help');
  });

  it('build loads the engine and not the checker, planner or report', () => {
    const mods = loaded(['build', '.']);
    assert.ok(mods.includes('src/engine/index.js'), 'build must use the engine');
    assert.deepEqual(mods.filter((m) => /^src\/(check|plan|report|synth|model|catalog)\//.test(m)), []);
  });

  it('check --list-rules loads the rules, not the engine', () => {
    const mods = loaded(['check', '--list-rules']);
    assert.ok(mods.some((m) => m.startsWith('src/check/rules/')));
    assert.deepEqual(mods.filter((m) => /^src\/(engine|plan|report|synth)\//.test(m)), []);
  });
});
