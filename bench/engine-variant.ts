// One engine variant in a fresh process (bench/engine.ts starts it): its cold start, phase by
// phase (two builds of one directory), then, when started with an IPC channel (fork), rounds of
// builds over a list of directories, one round per message, one build at a time, so that the
// caller can alternate rounds with other contenders'.
// Without IPC: prints one JSON line (ColdReport) and exits. With IPC: sends { cold: ColdReport },
// then answers each { round: true } with { round: VariantRound }, and exits on { close: true }.
//
// Variants:
//   slipway  what slipway ships, through src/engine (openEngine, one worker thread): compile,
//            then worker start + instantiate + Go init + first build as one step
//   wasip1   the same module on a WASI host in this thread (node:wasi, as src/engine/worker.ts
//            sets it up), called through its go:wasmexport functions
//   js       the GOOS=js build (engine/main_js.go) under Go's own wasm_exec.js, in this thread;
//            its file system is Node's real `fs`, unconfined
// wasip1 and js are given the same requests, with the host's paths (root, dir) and `mount`, where
// the engine's file system has the root: for wasip1 the root's WASI preopen, /slipway-root-NNN
// as src/engine mounts it; for js, whose file system is the host's, the root itself. Answers are
// compared byte for byte (outside the timing), with any mount point put back to its real path
// as src/engine does.
//
// With `warm` (wasip1 and js only), the engine first answers {"op":"warm"} (kyaml parses its
// built-in OpenAPI schema), as src/engine's worker does before it takes calls.
//
// Run: node --no-warnings dist/bench/engine-variant.js VARIANT WASM JOB.json [warm]
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import vm from 'node:vm';
import { WASI } from 'node:wasi';
import { openEngine } from '../src/engine/index.js';
import { withMemoryMaximum } from '../src/engine/wasm.js';

export type Variant = 'slipway' | 'wasip1' | 'js';

export interface VariantJob {
  /** The directory of the first builds (cold start). */
  first: Build;
  /** Every directory of a round. */
  builds: Build[];
  /** Memory cap of the module, as src/engine gives it. */
  memoryMiB: number;
  /** Where wasm_exec.js is (js only). */
  wasmExec?: string;
}

export interface Build {
  root: string;
  dir: string;
}

export interface ColdReport {
  variant: Variant;
  /** Milliseconds since this process started (performance.timeOrigin) when compiling began. */
  startupMs: number;
  compileMs: number;
  /** Separately measurable for wasip1 and js only. */
  instantiateMs?: number;
  goInitMs?: number;
  /** The warm op (with `warm`), before the first build. */
  warmMs?: number;
  /** slipway: worker start + instantiate + Go init + first build. */
  firstBuildMs: number;
  /** Since process start, when the first build's result was in. */
  firstResultMs: number;
  secondBuildMs: number;
  firstOk: boolean;
}

export interface VariantRound {
  wallMs: number;
  /** Time of each build, in job order. */
  buildMs: number[];
  ok: boolean[];
  /** sha256 of each answer (with real paths), in job order. */
  digests: string[];
  /** The first failed build's message, if any failed. */
  firstError?: string;
}

/** One request (JSON text), answered with the engine's JSON text. */
type Call = (request: string) => Promise<string>;

const [variant, wasmFile, jobFile, mode] = process.argv.slice(2) as [Variant, string, string, string | undefined];
const job = JSON.parse(fs.readFileSync(jobFile, 'utf8')) as VariantJob;
const roots = [...new Set([job.first, ...job.builds].map((b) => b.root))];
/** For wasip1: where each root is mounted in the engine's file system. */
const mounts = new Map(roots.map((root, i) => [root, `/slipway-root-${String(i).padStart(3, '0')}`]));
const request = (b: Build) => {
  const mount = variant === 'wasip1' ? mounts.get(b.root)! : b.root;
  return JSON.stringify({ op: 'kustomizeBuild', input: { root: b.root, mount, dir: b.dir, reorder: 'legacy', loadRestrictor: 'rootOnly' } });
};
/** The answer with real paths, should it name a file by its mount point. */
const realPaths = (text: string) => {
  if (variant !== 'wasip1') return text;
  for (const [root, at] of mounts) text = text.split(at).join(JSON.stringify(root).slice(1, -1));
  return text;
};
const isOk = (text: string) => (JSON.parse(text) as { ok: boolean }).ok;
const errorOf = (text: string) => (JSON.parse(text) as { error?: { message?: string } }).error?.message;

const startupMs = performance.now();
const cold: Partial<ColdReport> = { variant, startupMs };
let call: Call;
let close = async () => {};

if (variant === 'slipway') {
  const t = performance.now();
  const engine = await openEngine(roots, { workers: 1, memoryMiB: job.memoryMiB });
  cold.compileMs = performance.now() - t;
  close = () => engine.close();
  call = async (text) => {
    const { input } = JSON.parse(text) as { input: Build };
    return JSON.stringify(await engine.kustomizeBuild({ root: input.root, dir: input.dir, reorder: 'legacy', loadRestrictor: 'rootOnly' }));
  };
} else {
  const bytes = withMemoryMaximum(new Uint8Array(fs.readFileSync(wasmFile)), Math.floor((job.memoryMiB * 1024 * 1024) / 65536));
  const t = performance.now();
  const module = await WebAssembly.compile(bytes);
  cold.compileMs = performance.now() - t;
  call = variant === 'wasip1' ? await startWasip1(module, cold) : await startJs(module, cold);
}

let t = performance.now();
if (mode === 'warm' && variant !== 'slipway') {
  await call('{"op":"warm"}');
  cold.warmMs = performance.now() - t;
}
t = performance.now();
const firstAnswer = await call(request(job.first));
cold.firstBuildMs = performance.now() - t;
cold.firstResultMs = performance.now();
cold.firstOk = isOk(firstAnswer);
t = performance.now();
await call(request(job.first));
cold.secondBuildMs = performance.now() - t;

if (!process.send) {
  await close();
  console.log(JSON.stringify(cold));
  process.exit(0);
}
process.send({ cold });
process.on('message', (msg: { round?: boolean; close?: boolean }) => {
  if (msg.close) void close().then(() => process.exit(0));
  else if (msg.round) void round().then((r) => process.send!({ round: r }));
});

async function round(): Promise<VariantRound> {
  const buildMs: number[] = [];
  const answers: string[] = [];
  const started = performance.now();
  for (const b of job.builds) {
    const t0 = performance.now();
    answers.push(await call(request(b)));
    buildMs.push(performance.now() - t0);
  }
  const wallMs = performance.now() - started;
  // outside the timing: success and digests
  const ok = answers.map(isOk);
  const failed = ok.indexOf(false);
  return {
    wallMs,
    buildMs,
    ok,
    digests: answers.map((a) => createHash('sha256').update(realPaths(a)).digest('hex')),
    firstError: failed >= 0 ? `${job.builds[failed].dir}: ${errorOf(answers[failed])}` : undefined,
  };
}

/** The wasip1 reactor on node:wasi in this thread, set up as src/engine/worker.ts does. */
async function startWasip1(module: WebAssembly.Module, r: Partial<ColdReport>): Promise<Call> {
  const devNull = fs.openSync('/dev/null', 'r+');
  const preopens = Object.fromEntries(roots.map((root) => [mounts.get(root)!, root]));
  const wasi = new WASI({ version: 'preview1', args: ['slipway-engine'], env: {}, preopens, returnOnExit: true, stdin: devNull, stdout: devNull, stderr: 2 });
  // as in worker.ts: through plain JS functions, not V8's fast calls (they break on memory.grow)
  const imports: Record<string, (...args: unknown[]) => unknown> = {};
  for (const [name, fn] of Object.entries(wasi.wasiImport as Record<string, (...args: unknown[]) => unknown>)) imports[name] = (...args) => fn(...args);
  let t = performance.now();
  const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: imports });
  r.instantiateMs = performance.now() - t;
  t = performance.now();
  wasi.initialize(instance);
  r.goInitMs = performance.now() - t;
  const e = instance.exports as unknown as {
    memory: WebAssembly.Memory;
    slipway_alloc(size: number): number;
    slipway_free(ptr: number): void;
    slipway_call(ptr: number, len: number): bigint;
  };
  return async (text) => {
    const input = Buffer.from(text);
    const ptr = e.slipway_alloc(input.length);
    new Uint8Array(e.memory.buffer, ptr, input.length).set(input);
    const packed = e.slipway_call(ptr, input.length);
    e.slipway_free(ptr);
    const outPtr = Number(packed >> 32n);
    const out = Buffer.from(e.memory.buffer, outPtr, Number(packed & 0xffffffffn)).toString('utf8');
    e.slipway_free(outPtr);
    return out;
  };
}

/** The GOOS=js build under wasm_exec.js in this thread; its `fs` is Node's own. */
async function startJs(module: WebAssembly.Module, r: Partial<ColdReport>): Promise<Call> {
  const g = globalThis as Record<string, unknown>;
  g.fs = fs; // what wasm_exec_node.js does: Go's os package then reads the real file system
  g.path = path;
  vm.runInThisContext(fs.readFileSync(job.wasmExec!, 'utf8'), { filename: job.wasmExec });
  const Go = g.Go as new () => { argv: string[]; env: Record<string, string>; importObject: WebAssembly.Imports; run(i: WebAssembly.Instance): Promise<void> };
  const go = new Go();
  go.argv = ['slipway-engine'];
  go.env = {};
  let t = performance.now();
  const instance = await WebAssembly.instantiate(module, go.importObject);
  r.instantiateMs = performance.now() - t;
  t = performance.now();
  void go.run(instance); // runs the runtime and package init, then main() up to `select {}`
  while (typeof g.slipwayHandle !== 'function') await new Promise((resolve) => setImmediate(resolve));
  r.goInitMs = performance.now() - t;
  const handle = g.slipwayHandle as (request: string) => Promise<string>;
  return (text) => handle(text);
}
