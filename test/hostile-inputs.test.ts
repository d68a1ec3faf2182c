// Hostile repositories through the real CLI. Each case is <tmp>/case/repo (the root) beside
// <tmp>/case/outside, whose files all hold a unique marker; the repository tries to make slipway
// read outside (symlinks, ../ chains, absolute paths, in every kustomization field that loads a
// file, Flux spec.path) or to exhaust it (alias bomb, 50 MB file, 100k nesting levels, cycles).
// `bin/slipway build|check` runs as a child process under `ulimit -v 4194304` with a time-out,
// and every run must: not die by a signal or hang; exit 1 or 2 as the case calls for (an escape
// never succeeds); answer briefly (build: one `slipway: …` line; check: JSON findings with file
// and line); never print the marker (nor its base64); and, when strace is there, make no system
// call that names or reaches a path under outside/. Refused escapes must say what kustomize
// said, which root applies and how to widen it.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fluxBootstrapFiles, fluxKustomizationYaml } from './helpers.js';
import {
  forbiddenAccesses, isUnder, killedBySignal, leakForms, leaks, makeCase, removeCase, runSlipway, straceAvailable, symlink, write,
  type CaseDirs, type RunResult,
} from './hostile-harness.js';

const STRACE = straceAvailable();
if (!STRACE.ok) console.log(`hostile inputs: the syscall check is skipped: ${STRACE.why} (the marker checks still run)`);

/** The engine's own per-build limit, lowered from 120 s so that the exhaustion cases stay quick. */
const ENGINE_TIMEOUT_MS = 60_000;
/** A run that takes longer than this hangs (the engine limit plus start-up on a loaded machine). */
const SPAWN_TIMEOUT_MS = ENGINE_TIMEOUT_MS + 120_000;
/** "Short": kustomize's messages repeat the path a few times, a stack trace or a dump is longer. */
const MAX_STDERR = 2_000;

const K = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
const kustomization = (body: string) => K + body;

type Mode = 'LoadRestrictionsRootOnly' | 'LoadRestrictionsNone';
const BOTH: Mode[] = ['LoadRestrictionsRootOnly', 'LoadRestrictionsNone'];

type Expect =
  /** A path outside the root was requested: exit 1, a message naming it, the root and --root. */
  | { kind: 'escape'; requested: (c: CaseDirs) => string }
  /** The build fails: exit 1, one line (matching `message` when given). */
  | { kind: 'fail'; message?: RegExp; mentions?: (c: CaseDirs) => string[] }
  /** Refused as too much (exit 1) or by an engine limit (exit 2), one line; never built. */
  | { kind: 'refused' }
  /** Valid but huge: built (exit 0) or refused in one line (exit 1 or 2). */
  | { kind: 'bounded' }
  /** The command line is refused: exit 2, one line. */
  | { kind: 'usage'; message: RegExp }
  /** Builds: exit 0, nothing on stderr. */
  | { kind: 'ok'; stdout: RegExp };

interface BuildCase {
  name: string;
  setup(c: CaseDirs): void;
  /** Folder to build, relative to the repository (default: the repository itself). */
  dir?: string;
  /** Where the CLI runs: the repository (default) or <tmp>/case, above it. */
  cwd?: 'repo' | 'base';
  modes?: Mode[];
  expect: Expect | ((mode: Mode) => Expect);
  /** Paths besides outside/ that must not be touched. */
  forbidden?: string[];
}

const outsideFile = (c: CaseDirs, name = 'secret.yaml') => path.join(c.outside, name);
const HOST_FILE = ['/etc/hostname', '/etc/os-release'].find((f) => fs.existsSync(f)) ?? '/etc/hostname';

function escape(requested: string | ((c: CaseDirs) => string)): Expect {
  return { kind: 'escape', requested: typeof requested === 'string' ? () => requested : requested };
}

/** A case whose kustomization.yaml (in `dir`, default the root) has `body`, after `extra` set-up. */
function ks(name: string, body: string | ((c: CaseDirs) => string), requested: string | ((c: CaseDirs) => string), extra?: (c: CaseDirs) => void, dir?: string): BuildCase {
  return {
    name,
    dir,
    setup: (c) => {
      extra?.(c);
      write(c.repo, path.join(dir ?? '', 'kustomization.yaml'), kustomization(typeof body === 'string' ? body : body(c)));
    },
    expect: escape(requested),
  };
}

const aliasBomb = (name: string) => {
  const levels = 'abcdefghi'.split('');
  let s = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`;
  for (let i = 1; i < levels.length; i++) s += `  ${levels[i]}: &${levels[i]} [${Array(9).fill(`*${levels[i - 1]}`).join(',')}]\n`;
  return s; // 9^9 ≈ 387 million "lol"s once expanded
};

function hugeYaml(bytes: number): Buffer {
  const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n';
  const lines: string[] = [head];
  let size = head.length;
  for (let i = 0; size < bytes; i++) {
    const l = `  k${i}: ${'x'.repeat(100)}\n`;
    lines.push(l);
    size += l.length;
  }
  return Buffer.from(lines.join(''));
}

const deepYaml = (levels: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: ${'['.repeat(levels)}\n`;

const BUILD_CASES: BuildCase[] = [
  // --- controls: the harness and the engine work under the limit, and the root-only hint
  {
    name: 'control: a clean build inside the root',
    setup: (c) => write(c.repo, 'kustomization.yaml', kustomization('resources:\n  - cm.yaml\n')),
    expect: { kind: 'ok', stdout: /name: app\b/ },
  },
  {
    name: 'control: a file elsewhere inside the root',
    dir: 'apps',
    setup: (c) => write(c.repo, 'apps/kustomization.yaml', kustomization('resources:\n  - ../cm.yaml\n')),
    expect: (mode) => mode === 'LoadRestrictionsNone'
      ? { kind: 'ok', stdout: /name: app\b/ }
      : { kind: 'fail', message: /--load-restrictor LoadRestrictionsNone/, mentions: (c) => ['../cm.yaml', c.repo] },
  },
  // --- symlinks
  ks('resources: a file symlink to outside/secret.yaml', 'resources:\n  - link.yaml\n', 'link.yaml', (c) => symlink(c.repo, 'link.yaml', '../outside/secret.yaml')),
  ks('resources: a directory symlink to outside/', 'resources:\n  - linkdir\n', 'linkdir', (c) => symlink(c.repo, 'linkdir', '../outside')),
  ks('resources: a file inside a directory symlink to outside/', 'resources:\n  - linkdir/secret.yaml\n', 'linkdir/secret.yaml', (c) => symlink(c.repo, 'linkdir', '../outside')),
  ks('resources: a symlink to the outside file by absolute path', 'resources:\n  - abs.yaml\n', 'abs.yaml', (c) => symlink(c.repo, 'abs.yaml', outsideFile(c))),
  {
    ...ks(`resources: a symlink to ${HOST_FILE}`, 'resources:\n  - host.yaml\n', 'host.yaml', (c) => symlink(c.repo, 'host.yaml', HOST_FILE)),
    forbidden: [HOST_FILE],
  },
  {
    name: 'kustomization.yaml itself is a symlink to outside/',
    setup: (c) => symlink(c.repo, 'kustomization.yaml', '../outside/kustomization.yaml'),
    expect: escape('kustomization.yaml'),
  },
  // --- ../ and absolute paths
  ks('resources: ../outside/secret.yaml', 'resources:\n  - ../outside/secret.yaml\n', '../outside/secret.yaml'),
  ks('resources: ../outside (a directory)', 'resources:\n  - ../outside\n', '../outside'),
  ks('resources: a ../../../ chain from a nested folder', 'resources:\n  - ../../../outside/secret.yaml\n', '../../../outside/secret.yaml', undefined, 'apps/prod'),
  ks('resources: a ../../ chain that dips back in before leaving', 'resources:\n  - ../../apps/../../outside/secret.yaml\n', '../../apps/../../outside/secret.yaml', undefined, 'apps/prod'),
  ks('resources: an absolute path', (c) => `resources:\n  - ${outsideFile(c)}\n`, (c) => outsideFile(c)),
  ks('resources: an absolute directory', (c) => `resources:\n  - ${c.outside}\n`, (c) => c.outside),
  // --- generators
  ks('configMapGenerator files: ../outside', 'configMapGenerator:\n  - name: leak\n    files:\n      - ../outside/secret.txt\n', '../outside/secret.txt'),
  ks('configMapGenerator files: key=../outside', 'configMapGenerator:\n  - name: leak\n    files:\n      - leak.txt=../outside/secret.txt\n', '../outside/secret.txt'),
  ks('configMapGenerator files: an absolute path', (c) => `configMapGenerator:\n  - name: leak\n    files:\n      - ${outsideFile(c, 'secret.txt')}\n`, (c) => outsideFile(c, 'secret.txt')),
  ks('configMapGenerator files: a symlink to outside', 'configMapGenerator:\n  - name: leak\n    files:\n      - data.txt\n', 'data.txt', (c) => symlink(c.repo, 'data.txt', '../outside/secret.txt')),
  ks('configMapGenerator files: through a directory symlink', 'configMapGenerator:\n  - name: leak\n    files:\n      - linkdir/secret.txt\n', 'linkdir/secret.txt', (c) => symlink(c.repo, 'linkdir', '../outside')),
  ks('configMapGenerator envs: ../outside', 'configMapGenerator:\n  - name: leak\n    envs:\n      - ../outside/secret.env\n', '../outside/secret.env'),
  ks('secretGenerator files: ../outside', 'secretGenerator:\n  - name: leak\n    files:\n      - ../outside/secret.txt\n', '../outside/secret.txt'),
  ks('secretGenerator files: an absolute path', (c) => `secretGenerator:\n  - name: leak\n    files:\n      - ${outsideFile(c, 'secret.txt')}\n`, (c) => outsideFile(c, 'secret.txt')),
  ks('secretGenerator files: a symlink to outside', 'secretGenerator:\n  - name: leak\n    files:\n      - data.txt\n', 'data.txt', (c) => symlink(c.repo, 'data.txt', '../outside/secret.txt')),
  ks('secretGenerator envs: an absolute path', (c) => `secretGenerator:\n  - name: leak\n    envs:\n      - ${outsideFile(c, 'secret.env')}\n`, (c) => outsideFile(c, 'secret.env')),
  // --- components, patches and the other fields that load files
  ks('components: ../outside/component', 'resources:\n  - cm.yaml\ncomponents:\n  - ../outside/component\n', '../outside/component'),
  ks('components: through a directory symlink', 'resources:\n  - cm.yaml\ncomponents:\n  - linkdir/component\n', 'linkdir/component', (c) => symlink(c.repo, 'linkdir', '../outside')),
  ks('components: an absolute path', (c) => `resources:\n  - cm.yaml\ncomponents:\n  - ${path.join(c.outside, 'component')}\n`, (c) => path.join(c.outside, 'component')),
  ks('components: a symlink to outside', 'resources:\n  - cm.yaml\ncomponents:\n  - comp\n', 'comp', (c) => symlink(c.repo, 'comp', '../outside/component')),
  ks('patches path: ../outside', 'resources:\n  - cm.yaml\npatches:\n  - path: ../outside/patch.yaml\n', '../outside/patch.yaml'),
  ks('patches path: an absolute path', (c) => `resources:\n  - cm.yaml\npatches:\n  - path: ${outsideFile(c, 'patch.yaml')}\n`, (c) => outsideFile(c, 'patch.yaml')),
  ks('patches path: a symlink to outside', 'resources:\n  - cm.yaml\npatches:\n  - path: patch.yaml\n', 'patch.yaml', (c) => symlink(c.repo, 'patch.yaml', '../outside/patch.yaml')),
  ks('patches path: through a directory symlink', 'resources:\n  - cm.yaml\npatches:\n  - path: linkdir/patch.yaml\n', 'linkdir/patch.yaml', (c) => symlink(c.repo, 'linkdir', '../outside')),
  ks('patchesStrategicMerge: ../outside', 'resources:\n  - cm.yaml\npatchesStrategicMerge:\n  - ../outside/patch.yaml\n', '../outside/patch.yaml'),
  ks('patchesJson6902 path: ../outside', 'resources:\n  - cm.yaml\npatchesJson6902:\n  - target: {version: v1, kind: ConfigMap, name: app}\n    path: ../outside/patch.json\n', '../outside/patch.json'),
  ks('crds: ../outside', 'resources:\n  - cm.yaml\ncrds:\n  - ../outside/crd.yaml\n', '../outside/crd.yaml'),
  ks('configurations: ../outside', 'resources:\n  - cm.yaml\nconfigurations:\n  - ../outside/configurations.yaml\n', '../outside/configurations.yaml'),
  ks('openapi path: ../outside', 'resources:\n  - cm.yaml\nopenapi:\n  path: ../outside/openapi.json\n', '../outside/openapi.json'),
  ks('replacements path: ../outside', 'resources:\n  - cm.yaml\nreplacements:\n  - path: ../outside/replacements.yaml\n', '../outside/replacements.yaml'),
  ks('transformers: ../outside', 'resources:\n  - cm.yaml\ntransformers:\n  - ../outside/transformer.yaml\n', '../outside/transformer.yaml'),
  ks('generators: ../outside', 'generators:\n  - ../outside/generator.yaml\n', '../outside/generator.yaml'),
  // --- how the root is chosen
  {
    name: 'root: the git repository, not the working directory above it',
    dir: 'apps',
    cwd: 'base',
    setup: (c) => {
      const g = spawnSync('git', ['init', '-q', c.repo], { encoding: 'utf8' });
      assert.equal(g.status, 0, `git init: ${g.stderr}`);
      write(c.repo, 'apps/kustomization.yaml', kustomization('resources:\n  - ../../outside/secret.yaml\n'));
    },
    expect: escape('../../outside/secret.yaml'),
  },
  {
    name: 'DIR is a symlink to outside/',
    dir: 'linkdir',
    setup: (c) => symlink(c.repo, 'linkdir', '../outside'),
    expect: { kind: 'usage', message: /outside the root/ },
  },
  {
    name: 'resources: a file:// URL to the outside file',
    setup: (c) => write(c.repo, 'kustomization.yaml', kustomization(`resources:\n  - file://${outsideFile(c)}\n`)),
    expect: { kind: 'fail' },
  },
  // --- exhaustion
  {
    name: 'a billion-laughs alias bomb in a resource',
    modes: ['LoadRestrictionsRootOnly'],
    setup: (c) => {
      write(c.repo, 'bomb.yaml', aliasBomb('bomb'));
      write(c.repo, 'kustomization.yaml', kustomization('resources:\n  - bomb.yaml\n'));
    },
    expect: { kind: 'refused' },
  },
  {
    name: 'a billion-laughs alias bomb in kustomization.yaml',
    modes: ['LoadRestrictionsRootOnly'],
    setup: (c) => write(c.repo, 'kustomization.yaml', kustomization('resources:\n  - cm.yaml\n') + aliasBomb('bomb').replace(/^[\s\S]*?data:\n/, 'commonAnnotations:\n')),
    expect: { kind: 'refused' },
  },
  {
    name: 'a 50 MB YAML file',
    modes: ['LoadRestrictionsRootOnly'],
    setup: (c) => {
      write(c.repo, 'huge.yaml', hugeYaml(50 * 1024 * 1024));
      write(c.repo, 'kustomization.yaml', kustomization('resources:\n  - huge.yaml\n'));
    },
    expect: { kind: 'bounded' },
  },
  {
    name: 'YAML nested 100k levels deep in a resource',
    modes: ['LoadRestrictionsRootOnly'],
    setup: (c) => {
      write(c.repo, 'deep.yaml', deepYaml(100_000));
      write(c.repo, 'kustomization.yaml', kustomization('resources:\n  - deep.yaml\n'));
    },
    expect: { kind: 'fail' },
  },
  {
    name: 'kustomization.yaml nested 100k levels deep',
    modes: ['LoadRestrictionsRootOnly'],
    setup: (c) => write(c.repo, 'kustomization.yaml', kustomization(`resources: ${'['.repeat(100_000)}\n`)),
    expect: { kind: 'fail' },
  },
  {
    name: 'a kustomization that includes itself',
    setup: (c) => write(c.repo, 'kustomization.yaml', kustomization('resources:\n  - .\n')),
    expect: { kind: 'fail', message: /cycle/i },
  },
  {
    name: 'two kustomizations that include each other',
    dir: 'a',
    setup: (c) => {
      write(c.repo, 'a/kustomization.yaml', kustomization('resources:\n  - ../b\n'));
      write(c.repo, 'b/kustomization.yaml', kustomization('resources:\n  - ../a\n'));
    },
    expect: { kind: 'fail', message: /cycle/i },
  },
];

const made: CaseDirs[] = [];
after(() => {
  if (!process.env.SLIPWAY_KEEP_HOSTILE) for (const c of made) removeCase(c);
});

function newCase(label: string): CaseDirs {
  const c = makeCase(label);
  made.push(c);
  return c;
}

async function run(c: CaseDirs, args: string[], cwd: string, forbidden: string[]): Promise<{ r: RunResult; problems: string[] }> {
  const r = await runSlipway(args, { cwd, timeoutMs: SPAWN_TIMEOUT_MS, straceLog: STRACE.ok ? c.straceLog : undefined, env: { SLIPWAY_ENGINE_TIMEOUT_MS: String(ENGINE_TIMEOUT_MS) } });
  const problems: string[] = [];
  if (r.timedOut) problems.push(`hung: killed after ${SPAWN_TIMEOUT_MS / 1000} s`);
  if (r.signal) problems.push(`died by signal ${r.signal}`);
  if (r.code !== null && r.code > 2) problems.push(`exit code ${r.code} (> 2)`);
  for (const where of ['stdout', 'stderr'] as const) for (const l of leaks(r[where], c.marker)) problems.push(`${where} shows ${l} (read from outside the root)`);
  if (/\n\s+at .+:\d+:\d+\)?\n/.test(r.stderr)) problems.push('stderr has a stack trace');
  if (/slipway-root-\d+/.test(r.stdout + r.stderr)) problems.push("output names the engine's internal mount point (/slipway-root-…)");
  if (r.trace !== undefined) {
    if (r.trace === '') problems.push('strace wrote no log');
    for (const k of killedBySignal(r.trace)) problems.push(`a process was killed: ${k}`);
    const hits = forbiddenAccesses(r.trace, cwd, [c.outside, ...forbidden]);
    if (hits.length > 0) problems.push(`system calls reached outside the root (${hits.length}):\n      ${hits.slice(0, 8).join('\n      ')}`);
  }
  return { r, problems };
}

/**
 * Absolute paths a message names that exist nowhere and are not inside the root (where a
 * missing file is a fair thing to name): the engine's view of a path above its mount point
 * (`/outside/secret.yaml` for `<root>/../outside/secret.yaml`) is such a path.
 */
function phantomPaths(text: string, c: CaseDirs): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?<![\w./:-])\/[\w.@+-]+(?:\/[\w.@+-]+)*/g)) {
    const p = m[0].replace(/[.:,]+$/, '');
    if (isUnder(path.normalize(p), c.repo)) continue;
    try {
      fs.lstatSync(p);
    } catch {
      out.add(p);
    }
  }
  return [...out];
}

function report(r: RunResult, problems: string[]): string {
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
  return `${problems.length} problem(s):\n  - ${problems.join('\n  - ')}\n  command: ${r.command}\n  exit: ${r.code ?? r.signal} after ${(r.ms / 1000).toFixed(1)} s\n  stderr: ${cut(r.stderr, 1500).trimEnd()}\n  stdout: ${cut(r.stdout, 300).trimEnd()}`;
}

/** One line, `slipway: …`, short. */
function oneLine(stderr: string): string[] {
  const problems: string[] = [];
  if (!stderr.startsWith('slipway: ')) problems.push('stderr does not start with "slipway: "');
  if (!stderr.endsWith('\n') || stderr.slice(0, -1).includes('\n')) problems.push(`stderr is not one line (${stderr.split('\n').filter(Boolean).length} lines)`);
  if (stderr.length > MAX_STDERR) problems.push(`stderr is ${stderr.length} chars (> ${MAX_STDERR})`);
  return problems;
}

function buildExpectations(expect: Expect, r: RunResult, c: CaseDirs, dir: string): string[] {
  const problems: string[] = [];
  for (const p of phantomPaths(r.stderr, c)) problems.push(`the message names ${p}, which is no path on this machine (the engine's view of a path outside its mount?)`);
  const code = r.code;
  switch (expect.kind) {
    case 'ok':
      if (code !== 0) problems.push(`exit ${code}, expected 0`);
      if (!expect.stdout.test(r.stdout)) problems.push(`stdout does not match ${expect.stdout}`);
      if (r.stderr !== '') problems.push('stderr is not empty');
      return problems;
    case 'escape': {
      if (code === 0) problems.push('exit 0: the build read outside the root');
      else if (code !== 1) problems.push(`exit ${code}, expected 1 (build failed)`);
      problems.push(...oneLine(r.stderr));
      const requested = expect.requested(c);
      const absolute = path.resolve(dir, requested);
      if (!r.stderr.includes(requested) && !r.stderr.includes(absolute)) problems.push(`the message does not name what was requested ('${requested}')`);
      if (!r.stderr.includes(c.repo)) problems.push(`the message does not name the root (${c.repo})`);
      if (!r.stderr.includes('--root')) problems.push('the message does not say how to widen the root (--root)');
      if (r.stdout !== '') problems.push('stdout is not empty');
      return problems;
    }
    case 'fail':
      if (code !== 1) problems.push(`exit ${code}, expected 1 (build failed)`);
      problems.push(...oneLine(r.stderr));
      if (expect.message && !expect.message.test(r.stderr)) problems.push(`the message does not match ${expect.message}`);
      for (const m of expect.mentions?.(c) ?? []) if (!r.stderr.includes(m)) problems.push(`the message does not name ${m}`);
      if (r.stdout !== '') problems.push('stdout is not empty');
      return problems;
    case 'refused':
      if (code !== 1 && code !== 2) problems.push(`exit ${code}, expected 1 or 2`);
      problems.push(...oneLine(r.stderr));
      return problems;
    case 'bounded':
      if (code === 0) {
        if (!/name: huge/.test(r.stdout.slice(0, 4096) + r.stdout.slice(-4096))) problems.push('exit 0 but the output is not the built ConfigMap');
      } else if (code === 1 || code === 2) {
        problems.push(...oneLine(r.stderr));
      } else problems.push(`exit ${code}`);
      return problems;
    case 'usage':
      if (code !== 2) problems.push(`exit ${code}, expected 2 (usage)`);
      problems.push(...oneLine(r.stderr));
      if (!expect.message.test(r.stderr)) problems.push(`the message does not match ${expect.message}`);
      return problems;
  }
}

describe('hostile inputs: slipway build', { concurrency: 2 }, () => {
  for (const bc of BUILD_CASES) {
    for (const mode of bc.modes ?? BOTH) {
      test(`build ${bc.name} [${mode}]`, { timeout: SPAWN_TIMEOUT_MS + 60_000 }, async () => {
        const c = newCase(bc.name);
        bc.setup(c);
        const cwd = bc.cwd === 'base' ? c.base : c.repo;
        const dir = path.join(c.repo, bc.dir ?? '');
        const args = ['build', dir, ...(mode === 'LoadRestrictionsNone' ? ['--load-restrictor', mode] : [])];
        const { r, problems } = await run(c, args, cwd, bc.forbidden ?? []);
        const expect = typeof bc.expect === 'function' ? bc.expect(mode) : bc.expect;
        problems.push(...buildExpectations(expect, r, c, dir));
        assert.ok(problems.length === 0, report(r, problems));
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
// slipway check: the same tricks inside a Flux repository

type CheckExpect =
  /** An error finding in `file` (with a line) whose message names what was requested; exit 1. */
  | { kind: 'finding'; file: string | string[]; requested?: (c: CaseDirs) => string }
  /** Exit 0 or 1 with JSON findings (e.g. a symlink nothing uses); no read, no leak. */
  | { kind: 'quiet'; file?: string }
  /** Exit 2 with a one-line message naming `mentions`, or exit 1 with an error finding in `mentions`. */
  | { kind: 'unreadable'; mentions: string }
  | { kind: 'clean' };

interface CheckCase {
  name: string;
  /** Files of the repository besides the Flux bootstrap (infra → ./infra, apps → ./apps). */
  setup(c: CaseDirs): void;
  expect: CheckExpect;
}

function fluxRepo(c: CaseDirs, apps?: string): void {
  for (const [rel, text] of Object.entries(fluxBootstrapFiles('prod'))) write(c.repo, rel, text);
  write(c.repo, 'infra/kustomization.yaml', kustomization('resources:\n  - namespace.yaml\n'));
  write(c.repo, 'infra/namespace.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n');
  write(c.repo, 'apps/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: team\ndata:\n  a: b\n');
  write(c.repo, 'apps/kustomization.yaml', kustomization(apps ?? 'resources:\n  - cm.yaml\n'));
}

const infraPath = (c: CaseDirs, p: string) => write(c.repo, 'clusters/prod/infra.yaml', fluxKustomizationYaml('infra', p));

const CHECK_CASES: CheckCase[] = [
  { name: 'control: a clean Flux repository', setup: (c) => fluxRepo(c), expect: { kind: 'clean' } },
  {
    name: 'spec.path ../outside',
    setup: (c) => { fluxRepo(c); infraPath(c, '../outside'); },
    expect: { kind: 'finding', file: 'clusters/prod/infra.yaml', requested: () => '../outside' },
  },
  {
    name: 'spec.path ./apps/../../outside',
    setup: (c) => { fluxRepo(c); infraPath(c, './apps/../../outside'); },
    expect: { kind: 'finding', file: 'clusters/prod/infra.yaml', requested: () => './apps/../../outside' },
  },
  {
    name: 'spec.path an absolute path to outside/',
    setup: (c) => { fluxRepo(c); infraPath(c, c.outside); },
    expect: { kind: 'finding', file: 'clusters/prod/infra.yaml', requested: (c) => c.outside },
  },
  {
    name: 'spec.path a directory symlink to outside/',
    setup: (c) => { fluxRepo(c); symlink(c.repo, 'linked', '../outside'); infraPath(c, './linked'); },
    expect: { kind: 'finding', file: ['clusters/prod/infra.yaml', 'linked'], requested: () => './linked' },
  },
  {
    name: 'resources: ../../outside/secret.yaml',
    setup: (c) => fluxRepo(c, 'resources:\n  - cm.yaml\n  - ../../outside/secret.yaml\n'),
    expect: { kind: 'finding', file: 'apps/kustomization.yaml', requested: () => '../../outside/secret.yaml' },
  },
  {
    name: 'resources: an absolute path',
    setup: (c) => fluxRepo(c, `resources:\n  - cm.yaml\n  - ${outsideFile(c)}\n`),
    expect: { kind: 'finding', file: 'apps/kustomization.yaml', requested: (c) => outsideFile(c) },
  },
  {
    name: 'resources: a file symlink to outside/secret.yaml',
    setup: (c) => { fluxRepo(c, 'resources:\n  - cm.yaml\n  - link.yaml\n'); symlink(c.repo, 'apps/link.yaml', '../../outside/secret.yaml'); },
    expect: { kind: 'finding', file: ['apps/kustomization.yaml', 'apps/link.yaml'], requested: () => 'link.yaml' },
  },
  {
    name: 'configMapGenerator files: ../../outside',
    setup: (c) => fluxRepo(c, 'resources:\n  - cm.yaml\nconfigMapGenerator:\n  - name: leak\n    namespace: team\n    files:\n      - ../../outside/secret.txt\n'),
    expect: { kind: 'finding', file: 'apps/kustomization.yaml', requested: () => '../../outside/secret.txt' },
  },
  {
    name: 'secretGenerator files: a symlink to outside',
    setup: (c) => { fluxRepo(c, 'resources:\n  - cm.yaml\nsecretGenerator:\n  - name: leak\n    namespace: team\n    files:\n      - data.txt\n'); symlink(c.repo, 'apps/data.txt', '../../outside/secret.txt'); },
    expect: { kind: 'finding', file: ['apps/kustomization.yaml', 'apps/data.txt'], requested: () => 'data.txt' },
  },
  {
    name: 'components: ../../outside/component',
    setup: (c) => fluxRepo(c, 'resources:\n  - cm.yaml\ncomponents:\n  - ../../outside/component\n'),
    expect: { kind: 'finding', file: 'apps/kustomization.yaml', requested: () => '../../outside/component' },
  },
  {
    name: 'patches path: ../../outside',
    setup: (c) => fluxRepo(c, 'resources:\n  - cm.yaml\npatches:\n  - path: ../../outside/patch.yaml\n'),
    expect: { kind: 'finding', file: 'apps/kustomization.yaml', requested: () => '../../outside/patch.yaml' },
  },
  {
    name: 'an unused YAML symlink to outside/',
    setup: (c) => { fluxRepo(c); symlink(c.repo, 'notes/link.yaml', '../../outside/secret.yaml'); },
    expect: { kind: 'quiet' },
  },
  {
    name: '.slipway.yaml is a symlink to outside/',
    setup: (c) => { fluxRepo(c); symlink(c.repo, '.slipway.yaml', '../outside/secret.yaml'); },
    expect: { kind: 'unreadable', mentions: '.slipway.yaml' },
  },
  {
    name: 'a billion-laughs alias bomb in a built resource',
    setup: (c) => { fluxRepo(c, 'resources:\n  - cm.yaml\n  - bomb.yaml\n'); write(c.repo, 'apps/bomb.yaml', aliasBomb('bomb').replace('name: bomb', 'name: bomb\n  namespace: team')); },
    expect: { kind: 'finding', file: 'apps/bomb.yaml' },
  },
  {
    name: 'a billion-laughs alias bomb in a file nothing builds',
    setup: (c) => { fluxRepo(c); write(c.repo, 'docs/bomb.yaml', aliasBomb('bomb')); },
    expect: { kind: 'quiet', file: 'docs/bomb.yaml' },
  },
  {
    name: 'a 50 MB YAML file in a built folder',
    setup: (c) => { fluxRepo(c, 'resources:\n  - cm.yaml\n  - huge.yaml\n'); write(c.repo, 'apps/huge.yaml', hugeYaml(50 * 1024 * 1024)); },
    expect: { kind: 'finding', file: 'apps/huge.yaml' },
  },
  {
    name: 'YAML nested 100k levels deep in a built resource',
    setup: (c) => { fluxRepo(c, 'resources:\n  - cm.yaml\n  - deep.yaml\n'); write(c.repo, 'apps/deep.yaml', deepYaml(100_000)); },
    expect: { kind: 'finding', file: 'apps/deep.yaml' },
  },
  {
    name: 'a kustomization that includes itself',
    setup: (c) => fluxRepo(c, 'resources:\n  - cm.yaml\n  - .\n'),
    expect: { kind: 'finding', file: 'apps/kustomization.yaml' },
  },
];

interface JsonFinding { rule: string; severity: string; message: string; file?: string; line?: number }

function checkExpectations(expect: CheckExpect, r: RunResult, c: CaseDirs): string[] {
  const problems: string[] = [];
  // --format json into a pipe: no progress line; stderr is empty, or one line when check gives up (exit 2)
  if (r.code === 2) problems.push(...oneLine(r.stderr));
  else if (r.stderr !== '') problems.push(`stderr is not empty: ${r.stderr.slice(0, 200)}`);
  if (/internal error/.test(r.stderr)) problems.push('stderr reports an internal error');
  if (expect.kind === 'unreadable' && r.code === 2) {
    if (!r.stderr.includes(expect.mentions)) problems.push(`the message does not name ${expect.mentions}`);
    return problems;
  }
  let findings: JsonFinding[] = [];
  try {
    findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
    assert.ok(Array.isArray(findings));
  } catch {
    problems.push('stdout is not the JSON report');
    return problems;
  }
  const errors = findings.filter((f) => f.severity === 'error');
  const located = (file: string) => errors.filter((f) => f.file === file && typeof f.line === 'number' && f.line >= 1);
  switch (expect.kind) {
    case 'clean':
      if (r.code !== 0) problems.push(`exit ${r.code}, expected 0`);
      if (errors.length > 0) problems.push(`error findings: ${errors.map((f) => `${f.rule} ${f.file}:${f.line} ${f.message}`).join('; ')}`);
      break;
    case 'finding': {
      if (r.code !== 1) problems.push(`exit ${r.code}, expected 1 (error findings)`);
      const files = typeof expect.file === 'string' ? [expect.file] : expect.file;
      const here = files.flatMap(located);
      if (here.length === 0) problems.push(`no error finding with a line in ${files.join(' or ')} (errors: ${errors.map((f) => `${f.rule} ${f.file}:${f.line}`).join(', ') || 'none'})`);
      const requested = expect.requested?.(c);
      const absolute = requested && path.resolve(c.repo, path.dirname(files[0]), requested);
      if (requested && here.length > 0 && !here.some((f) => f.message.includes(requested) || f.message.includes(absolute!))) {
        problems.push(`no finding in ${files.join(' or ')} names what was requested ('${requested}'): ${here.map((f) => f.message.slice(0, 300)).join(' | ')}`);
      }
      break;
    }
    case 'quiet':
      if (r.code !== 0 && r.code !== 1) problems.push(`exit ${r.code}, expected 0 or 1`);
      if (expect.file && !findings.some((f) => f.file === expect.file)) problems.push(`no finding in ${expect.file}`);
      break;
    case 'unreadable':
      if (r.code !== 1) problems.push(`exit ${r.code}, expected 2 with a message or 1 with a finding`);
      if (located(expect.mentions).length === 0) problems.push(`no error finding with a line in ${expect.mentions}`);
      break;
  }
  return problems;
}

describe('hostile inputs: slipway check', { concurrency: 2 }, () => {
  for (const cc of CHECK_CASES) {
    test(`check ${cc.name}`, { timeout: SPAWN_TIMEOUT_MS + 60_000 }, async () => {
      const c = newCase(`check-${cc.name}`);
      cc.setup(c);
      const { r, problems } = await run(c, ['check', c.repo, '--format', 'json', '--no-cache'], c.repo, []);
      problems.push(...checkExpectations(cc.expect, r, c));
      assert.ok(problems.length === 0, report(r, problems));
    });
  }
});

// ---------------------------------------------------------------------------------------------
// The detectors themselves: a check that never fires proves nothing

test('the leak detector finds the marker as printed and as base64', () => {
  const marker = 'SLIPWAYMARKERdeadbeef00112233445566778899aabb';
  for (const prefix of ['', 'a', 'ab', 'abc']) {
    const b64 = Buffer.from(`${prefix}${marker}\n`).toString('base64');
    assert.ok(leakForms(marker).some((f) => b64.includes(f)), `base64 with a ${prefix.length}-byte prefix`);
  }
  assert.deepEqual(leaks('nothing here', marker), []);
  assert.equal(leaks(`x ${marker} y`, marker).length, 1);
});

test('the syscall detector flags reads through a symlink and allows readlink', { skip: STRACE.ok ? false : `syscall check skipped: ${STRACE.ok ? '' : STRACE.why}` }, () => {
  const c = newCase('detector');
  symlink(c.repo, 'link.yaml', '../outside/secret.yaml');
  symlink(c.repo, 'linkdir', '../outside');
  const trace = (cmd: string[]) => {
    const r = spawnSync('strace', ['-f', '-y', '-e', 'trace=%file', '-o', c.straceLog, ...cmd], { cwd: c.repo, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return forbiddenAccesses(fs.readFileSync(c.straceLog, 'utf8'), c.repo, [c.outside]);
  };
  assert.ok(trace(['cat', 'link.yaml']).length > 0, 'cat through a file symlink');
  assert.ok(trace(['cat', 'linkdir/../outside/secret.yaml']).length > 0, "'..' after a directory symlink (lexically inside the root)");
  assert.ok(trace(['stat', '-L', 'linkdir']).length > 0, 'stat of a directory symlink target');
  assert.ok(trace(['cat', '../outside/secret.yaml']).length > 0, 'a ../ path');
  assert.ok(trace(['readlink', 'link.yaml']).length === 0, 'readlink of the link itself is allowed');
  assert.ok(trace(['stat', 'link.yaml']).length === 0, 'lstat of the link itself is allowed');
  assert.ok(trace(['cat', 'cm.yaml']).length === 0, 'a file inside the root');
});
