// The harness of test/hostile-inputs.test.ts: hostile repositories laid out in temp dirs, the real
// CLI run on them as a child process under a 4 GiB address-space limit (optionally under strace),
// and the checks every run must pass: no signal, no hang, a short answer, the marker never
// printed, and (with strace) no system call naming a path outside the repository root.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { slipwayBin } from './helpers.js';

/** 4 GiB in KiB, as `ulimit -v` takes it. */
export const ADDRESS_SPACE_KIB = 4 * 1024 * 1024;

export interface CaseDirs {
  /** <tmp>/case */
  base: string;
  /** <tmp>/case/repo: the repository root. */
  repo: string;
  /** <tmp>/case/outside: nothing in it may be read. */
  outside: string;
  /** Unique per case; written only outside the root. */
  marker: string;
  /** Where the run's strace log goes (beside case/, not inside it). */
  straceLog: string;
}

/**
 * A fresh <tmp>/case/{repo,outside}. Everything under outside/ holds the marker: a valid
 * ConfigMap, a plain file, an env file, a kustomization of the folder, a Component, patches and
 * the files other kustomization fields load (crds, configurations, openapi, replacements,
 * transformers, generators). The repository gets a harmless ConfigMap `app` in cm.yaml.
 */
export function makeCase(label: string): CaseDirs {
  const tmp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), `slipway-hostile-${label.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-`));
  const base = path.join(tmp, 'case');
  const repo = path.join(base, 'repo');
  const outside = path.join(base, 'outside');
  const marker = `SLIPWAYMARKER${randomBytes(16).toString('hex')}`;
  const files: Record<string, string> = {
    'secret.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outside-secret\ndata:\n  marker: ${marker}\n`,
    'secret.txt': `${marker}\n`,
    'secret.env': `LEAK=${marker}\n`,
    'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - secret.yaml\n',
    'component/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nconfigMapGenerator:\n  - name: from-component\n    literals:\n      - leak=${marker}\n`,
    'patch.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  leak: ${marker}\n`,
    'patch.json': `[{"op": "add", "path": "/data/leak", "value": "${marker}"}]\n`,
    'crd.yaml': `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: leaks.example.org\n  annotations:\n    leak: ${marker}\nspec:\n  group: example.org\n  names: {kind: Leak, plural: leaks}\n  scope: Namespaced\n  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]\n`,
    'configurations.yaml': `commonLabels:\n  - path: metadata/annotations/${marker}\n    create: true\n`,
    'openapi.json': `{"definitions": {"io.k8s.api.core.v1.ConfigMap": {"description": "${marker}", "type": "object"}}}\n`,
    'replacements.yaml': `- source:\n    kind: ConfigMap\n    name: app\n    fieldPath: metadata.name\n  targets:\n    - select:\n        kind: ConfigMap\n      fieldPaths:\n        - data.${marker}\n      options:\n        create: true\n`,
    'transformer.yaml': `apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: leak\nlabels:\n  leak: ${marker}\nfieldSpecs:\n  - path: metadata/labels\n    create: true\n`,
    'generator.yaml': `apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: leak\nliterals:\n  - leak=${marker}\n`,
  };
  for (const [rel, text] of Object.entries(files)) write(outside, rel, text);
  write(repo, 'cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: b\n');
  return { base, repo, outside, marker, straceLog: path.join(tmp, 'strace.log') };
}

export function write(root: string, rel: string, text: string | Buffer): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

export function symlink(root: string, rel: string, target: string): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.symlinkSync(target, file);
}

export function removeCase(c: CaseDirs): void {
  fs.rmSync(path.dirname(c.base), { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Running the CLI

export function straceAvailable(): { ok: true } | { ok: false; why: string } {
  const r = spawnSync('strace', ['-V'], { encoding: 'utf8' });
  if (r.error) return { ok: false, why: `strace is not installed (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); apt-get install -y strace` };
  if (r.status !== 0) return { ok: false, why: `strace -V exited ${r.status}: ${r.stderr.trim()}` };
  // ptrace may be forbidden in a container; try tracing a trivial command once
  const t = spawnSync('strace', ['-f', '-e', 'trace=%file', '-o', '/dev/null', 'true'], { encoding: 'utf8' });
  if (t.status !== 0) return { ok: false, why: `strace cannot trace here: ${t.stderr.trim().split('\n')[0]}` };
  return { ok: true };
}

/** strace 5.3+ can stop the tracee only at traced system calls (much less overhead). */
let seccompFlag: boolean | undefined;
function straceSeccomp(): boolean {
  if (seccompFlag === undefined) {
    seccompFlag = spawnSync('strace', ['-f', '--seccomp-bpf', '-e', 'trace=%file', '-o', '/dev/null', 'true']).status === 0;
  }
  return seccompFlag;
}

export interface RunResult {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  ms: number;
  stdout: string;
  stderr: string;
  /** The strace log's text, when the run was traced. */
  trace?: string;
}

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  /** Trace file system calls into this log. */
  straceLog?: string;
  env?: Record<string, string>;
}

/** `bash -c 'ulimit -v 4194304; exec [strace …] bin/slipway ARGS'`, killed (whole group) on time-out. */
export function runSlipway(args: string[], options: RunOptions): Promise<RunResult> {
  const traced = options.straceLog
    ? ['strace', '-f', '-y', '-s', '256', ...(straceSeccomp() ? ['--seccomp-bpf'] : []), '-e', 'trace=%file', '-o', options.straceLog]
    : [];
  const argv = [...traced, slipwayBin, ...args];
  const command = `cd ${options.cwd} && bash -c 'ulimit -v ${ADDRESS_SPACE_KIB}; exec "$@"' bash ${argv.map(shellQuote).join(' ')}`;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `ulimit -v ${ADDRESS_SPACE_KIB}; exec "$@"`, 'bash', ...argv], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group: a time-out kills the CLI and everything it started
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, options.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let trace: string | undefined;
      if (options.straceLog) {
        try {
          trace = fs.readFileSync(options.straceLog, 'utf8');
        } catch {
          trace = '';
        }
      }
      resolve({ command, code, signal, timedOut, ms: Date.now() - started, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), trace });
    });
  });
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

// ---------------------------------------------------------------------------------------------
// What a run must never print

/**
 * The marker as it could appear in output: as is, and base64-encoded at each of the three
 * byte alignments (a secretGenerator prints file contents as base64).
 */
export function leakForms(marker: string): string[] {
  const forms = [marker];
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.concat([Buffer.alloc(k, 0x20), Buffer.from(marker)]).toString('base64');
    const firstGroup = Math.ceil(k / 3) * 3; // first 3-byte group made of marker bytes only
    const lastGroup = Math.floor((k + marker.length) / 3) * 3;
    forms.push(b64.slice((firstGroup / 3) * 4, (lastGroup / 3) * 4));
  }
  return forms;
}

export function leaks(text: string, marker: string): string[] {
  return leakForms(marker).filter((f) => text.includes(f)).map((f) => (f === marker ? 'the marker' : `the marker in base64 (${f.slice(0, 16)}…)`));
}

// ---------------------------------------------------------------------------------------------
// Reading the strace log

export interface FileAccess {
  syscall: string;
  /** The path as the system call named it, made absolute. */
  path: string;
  /** Whether the call follows a symlink in the last component. */
  follow: boolean;
  line: string;
}

/** Syscalls that do not follow a symlink in the last path component. */
const NO_FOLLOW = new Set([
  'lstat', 'lstat64', 'readlink', 'readlinkat', 'lchown', 'lchown32', 'lgetxattr', 'llistxattr', 'lremovexattr', 'lsetxattr',
  'unlink', 'unlinkat', 'rmdir', 'rename', 'renameat', 'renameat2', 'symlink', 'symlinkat', 'mkdir', 'mkdirat', 'mknod', 'mknodat', 'link', 'linkat',
]);

/**
 * Every path a traced system call named (`strace -f -y`), absolute. Quoted strings that are
 * not paths being accessed are left out: readlink's result buffer, execve's argv, getcwd's
 * result, symlink's target text. Relative paths are taken against the dirfd strace printed
 * (`-y`: `3</dir>`), else the working directory.
 */
export function fileAccesses(trace: string, cwd: string): FileAccess[] {
  const pending = new Map<string, string>();
  const out: FileAccess[] = [];
  for (const raw of trace.split('\n')) {
    const m = /^(\d+)\s+(.*)$/.exec(raw);
    if (!m) continue;
    const [, pid, rest] = m;
    let call = rest;
    if (call.endsWith('<unfinished ...>')) {
      pending.set(pid, call.slice(0, -'<unfinished ...>'.length).trimEnd());
      continue;
    }
    const resumed = /^<\.\.\. (\w+) resumed>(.*)$/.exec(call);
    if (resumed) {
      call = (pending.get(pid) ?? `${resumed[1]}(`) + resumed[2];
      pending.delete(pid);
    }
    const head = /^(\w+)\((.*)$/.exec(call);
    if (!head) continue; // signals (--- SIG…), exits (+++ …)
    const syscall = head[1];
    if (syscall === 'getcwd') continue;
    const args = head[2];
    const strings: Array<{ value: string; before: string }> = [];
    const re = /"((?:[^"\\]|\\.)*)"/g;
    let s: RegExpExecArray | null;
    while ((s = re.exec(args))) strings.push({ value: unescapeC(s[1]), before: args.slice(0, s.index) });
    let paths = strings;
    if (syscall === 'readlink' || syscall === 'readlinkat') paths = strings.slice(0, 1);
    else if (syscall === 'execve' || syscall === 'execveat') paths = strings.slice(0, 1);
    else if (syscall === 'symlink' || syscall === 'symlinkat') paths = strings.slice(1);
    const follow = !(NO_FOLLOW.has(syscall) || /AT_SYMLINK_NOFOLLOW|O_NOFOLLOW|RESOLVE_NO_SYMLINKS/.test(args));
    for (const p of paths) {
      let abs = p.value;
      if (!path.isAbsolute(abs)) {
        // `3</dir>` or, for AT_FDCWD, `AT_FDCWD</cwd>` (strace 6); a bare AT_FDCWD: the run's cwd
        const dirfd = /(?:\d+|AT_FDCWD)<([^<>]*)>,\s*$/.exec(p.before);
        abs = path.posix.join(dirfd ? dirfd[1] : cwd, abs);
      }
      out.push({ syscall, path: abs, follow, line: raw });
    }
    // `-y` shows the file behind every descriptor, the one a call returned included
    for (const fd of call.matchAll(/\d+<([^<>]+)>/g)) {
      if (fd[1].startsWith('/')) out.push({ syscall: `${syscall} (fd)`, path: fd[1], follow: false, line: raw });
    }
  }
  return out;
}

function unescapeC(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', v: '\v', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}

/**
 * The file a path reaches on disk, resolving symlinks component by component as the kernel
 * does (`..` after a symlink goes to the link target's parent), also for paths that do not exist.
 */
export function physicalPath(p: string, followLast: boolean): string {
  let parts = p.split('/').filter(Boolean);
  let cur = '/';
  let hops = 0;
  while (parts.length > 0) {
    const c = parts.shift()!;
    if (c === '.') continue;
    if (c === '..') {
      cur = path.posix.dirname(cur);
      continue;
    }
    const next = path.posix.join(cur, c);
    let link: string | undefined;
    if ((parts.length > 0 || followLast) && hops < 40) {
      try {
        if (fs.lstatSync(next).isSymbolicLink()) link = fs.readlinkSync(next);
      } catch {
        /* does not exist: taken as is */
      }
    }
    if (link !== undefined) {
      hops++;
      parts = [...link.split('/').filter(Boolean), ...parts];
      if (link.startsWith('/')) cur = '/';
      continue;
    }
    cur = next;
  }
  return cur;
}

export function isUnder(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/** Traced accesses that name or reach a forbidden path (after following symlinks as the call does). */
export function forbiddenAccesses(trace: string, cwd: string, forbidden: string[]): string[] {
  const hits = new Set<string>();
  for (const a of fileAccesses(trace, cwd)) {
    const lexical = path.posix.normalize(a.path);
    const physical = physicalPath(a.path, a.follow);
    if (forbidden.some((f) => isUnder(lexical, f) || isUnder(physical, f))) hits.add(a.line.trim());
  }
  return [...hits];
}

/** Processes and threads strace saw killed by a signal, one line per signal (`+++ killed by SIGSEGV +++`). */
export function killedBySignal(trace: string): string[] {
  const bySignal = new Map<string, string[]>();
  for (const m of trace.matchAll(/^(\d+)\s+\+\+\+ killed by (\w+)/gm)) bySignal.set(m[2], [...(bySignal.get(m[2]) ?? []), m[1]]);
  return [...bySignal].map(([sig, pids]) => `${pids.length} process(es)/thread(s) killed by ${sig} (pid ${pids.slice(0, 4).join(', ')}${pids.length > 4 ? ', …' : ''})`);
}
