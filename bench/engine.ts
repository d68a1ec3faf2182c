// The engine benchmarks (part of `npm run bench`; `npm run bench -- --engine` for these alone):
//   1. builds per second of the engine (its worker pool) on every kustomization directory of
//      the corpus, against native `kubectl kustomize` and against the TypeScript kustomize it
//      replaced (taken from git history);
//   2. the engine's cold start in a fresh process, and its size;
//   3. GOOS=js (wasm_exec.js) against GOOS=wasip1 (go:wasmexport, what slipway ships): size,
//      cold start and single-thread build rate of the same handle() on the same directories.
// Every contender gets the same directories; rounds alternate between contenders so that other
// load on the machine falls on all of them alike, and each figure is the median of the rounds.
// Prints figures; asserts nothing.
// Run: node dist/bench/engine.js [ROUNDS]
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openEngine, wasmPath, type Engine } from '../src/engine/index.js';
import { loadOldEngine, OLD_ENGINE_COMMIT, type OldEngine } from './engine-old.js';
import type { Build, ColdReport, Variant, VariantJob, VariantRound } from './engine-variant.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // dist/bench
const top = path.resolve(here, '..', '..');
const corpus = fs.realpathSync(path.resolve(top, '..', 'shared', 'corpus'));
const rounds = Math.max(1, Number(process.argv[2] ?? 3) || 3);
const coldRuns = Math.max(5, rounds);
const memoryMiB = 3072; // src/engine's default cap, given to every variant alike
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

// ---------------------------------------------------------------------------------------------
// figures

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '—' : n >= 100 ? n.toFixed(0) : n.toFixed(1));
const rate = (builds: number, wallMs: number) => (builds / (wallMs / 1000)).toFixed(1);
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function printTable(head: string[], rows: string[][], indent = '  '): void {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => indent + cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ').trimEnd();
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

// ---------------------------------------------------------------------------------------------
// the directories

interface Dir extends Build {
  /** `<repository>/<path>`, for messages. */
  name: string;
}

function listKustomizations(): { dirs: Dir[]; templates: number } {
  const dirs: Dir[] = [];
  let templates = 0;
  for (const repo of fs.readdirSync(corpus).sort()) {
    const root = path.join(corpus, repo);
    if (!fs.statSync(root).isDirectory()) continue;
    const walk = (dir: string) => {
      const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
      const names = entries.filter((e) => e.isFile()).map((e) => e.name);
      if (names.some((n) => KUSTOMIZATION_FILES.includes(n))) dirs.push({ root, dir, name: path.relative(corpus, dir) });
      templates += names.filter((n) => n.endsWith('.j2') && KUSTOMIZATION_FILES.includes(n.slice(0, -3))).length;
      for (const e of entries) if (e.isDirectory() && e.name !== '.git') walk(path.join(dir, e.name));
    };
    walk(root);
  }
  return { dirs, templates };
}

// ---------------------------------------------------------------------------------------------
// section 1: contenders

interface Round {
  wallMs: number;
  /** Success of each directory, in list order. */
  ok: boolean[];
  /** Time of each build, where builds run one at a time. */
  buildMs?: number[];
}

interface Contender {
  label: string;
  parallel: string;
  /** Set: its successes are compared with the engine's, directory by directory, under this name. */
  compare?: string;
  round(): Promise<Round>;
  /** What warms it up (default: one round). */
  warm?(): Promise<unknown>;
  results: Round[];
}

async function sequential(dirs: Dir[], build: (d: Dir) => Promise<boolean> | boolean): Promise<Round> {
  const ok: boolean[] = [];
  const buildMs: number[] = [];
  const started = performance.now();
  for (const d of dirs) {
    const t = performance.now();
    ok.push(await build(d));
    buildMs.push(performance.now() - t);
  }
  return { wallMs: performance.now() - started, ok, buildMs };
}

async function concurrently(dirs: Dir[], width: number, build: (d: Dir) => Promise<boolean>): Promise<Round> {
  const ok: boolean[] = new Array(dirs.length);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < dirs.length) {
        const i = next++;
        ok[i] = await build(dirs[i]);
      }
    }),
  );
  return { wallMs: performance.now() - started, ok };
}

const engineBuild = (engine: Engine) => async (d: Dir) => (await engine.kustomizeBuild({ root: d.root, dir: d.dir, reorder: 'legacy', loadRestrictor: 'rootOnly' })).ok;

/** `kubectl kustomize DIR` in its own process: whether it exited 0. */
function kubectl(d: Dir): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('kubectl', ['kustomize', d.dir], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 });
    child.stdout.resume(); // read (and drop) its YAML, as a caller would read it
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

function kubectlVersion(): { client: string; kustomize: string } | undefined {
  const r = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  const line = (key: string) => new RegExp(`^${key}:\\s*(\\S+)`, 'm').exec(r.stdout)?.[1] ?? '?';
  return { client: line('Client Version'), kustomize: line('Kustomize Version') };
}

// ---------------------------------------------------------------------------------------------
// sections 2 and 3: variants in fresh processes (bench/engine-variant.ts)

const variantArgs = (variant: Variant, wasm: string, jobFile: string) => [path.join(here, 'engine-variant.js'), variant, wasm, jobFile];

/** One cold start in a fresh process (`warm`: the engine's warm op before the first build). */
function coldStart(variant: Variant, wasm: string, jobFile: string, warm = false): ColdReport {
  // stderr (kustomize's deprecation warnings, from every variant alike) is shown only on failure
  const r = spawnSync(process.execPath, ['--no-warnings', ...variantArgs(variant, wasm, jobFile), ...(warm ? ['warm'] : [])], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`engine-variant ${variant} failed (${r.status ?? r.signal ?? r.error}): ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ColdReport;
}

/** A variant in its own process that builds every directory once per round() call. */
class VariantProcess {
  private readonly child: ChildProcess;
  private stderr = '';
  private waiting?: { resolve(v: VariantRound): void; reject(e: Error): void };
  readonly ready: Promise<ColdReport>;

  constructor(readonly variant: Variant, wasm: string, jobFile: string) {
    this.child = fork(variantArgs(variant, wasm, jobFile)[0], variantArgs(variant, wasm, jobFile).slice(1), { execArgv: ['--no-warnings'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    let started!: (c: ColdReport) => void;
    let failed!: (e: Error) => void;
    this.ready = new Promise((resolve, reject) => ((started = resolve), (failed = reject)));
    this.child.on('message', (m: { cold?: ColdReport; round?: VariantRound }) => {
      if (m.cold) started(m.cold);
      if (m.round) this.waiting?.resolve(m.round);
    });
    this.child.on('exit', (code, signal) => {
      const err = new Error(`engine-variant ${variant} exited (${code ?? signal}): ${this.stderr.trim().split('\n').slice(-5).join('\n')}`);
      failed(err);
      this.waiting?.reject(err);
    });
  }

  round(): Promise<VariantRound> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.child.send({ round: true });
    });
  }

  /** Asks it to exit (kills it if it cannot be asked), and waits for that. */
  close(): Promise<void> {
    this.waiting = undefined;
    this.child.removeAllListeners('exit');
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      if (this.child.connected) this.child.send({ close: true });
      else this.child.kill();
    });
  }
}

interface JsBuild {
  wasm?: string;
  wasmExec?: string;
  goVersion?: string;
  seconds?: number;
  skipped?: string;
}

/** Builds engine/ with GOOS=js GOARCH=wasm (scripts/engine-go.mjs's flags, less c-shared) into `dir`. */
function buildJsVariant(dir: string): JsBuild {
  const env = { ...process.env, GOOS: 'js', GOARCH: 'wasm', GOTOOLCHAIN: 'local', CGO_ENABLED: '0' };
  const goEnv = spawnSync('go', ['env', 'GOROOT', 'GOVERSION'], { env, encoding: 'utf8' });
  if (goEnv.error || goEnv.status !== 0) return { skipped: 'Go is not installed (`go` is not on PATH)' };
  const [goroot, goVersion] = goEnv.stdout.trim().split('\n');
  const wasmExec = ['lib/wasm/wasm_exec.js', 'misc/wasm/wasm_exec.js'].map((p) => path.join(goroot, p)).find((p) => fs.existsSync(p));
  if (!wasmExec) return { skipped: `${goVersion} has no wasm_exec.js under ${goroot}` };
  const wasm = path.join(dir, 'slipway-engine-js.wasm');
  const started = performance.now();
  const flags = spawnSync(process.execPath, [path.join(top, 'scripts', 'engine-go.mjs'), path.join(top, 'engine')], { env, encoding: 'utf8' });
  if (flags.error || flags.status !== 0) return { skipped: `engine build flags: ${(flags.stderr || String(flags.error)).trim().split('\n')[0]}` };
  const r = spawnSync('go', ['build', ...(JSON.parse(flags.stdout) as string[]), '-o', wasm, '.'], { cwd: path.join(top, 'engine'), env, encoding: 'utf8' });
  if (r.error || r.status !== 0) return { skipped: `GOOS=js go build failed: ${(r.stderr || String(r.error)).trim().split('\n').slice(0, 3).join(' | ')}` };
  return { wasm, wasmExec, goVersion, seconds: (performance.now() - started) / 1000 };
}

// ---------------------------------------------------------------------------------------------

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-engine-'));
try {
  const { dirs, templates } = listKustomizations();
  const roots = [...new Set(dirs.map((d) => d.root))];
  const wasm = wasmPath();
  const repositories = fs.readdirSync(corpus).filter((d) => fs.statSync(path.join(corpus, d)).isDirectory()).length;
  console.log(`engine benchmarks: ${dirs.length} kustomization directories in ${roots.length} of the ${repositories} corpus repositories (${templates} kustomization *.j2 templates skipped), rounds: ${rounds}`);
  if (!fs.existsSync(wasm)) {
    console.log(`  skipped: the engine is not built (${path.relative(top, wasm)} is missing); run \`npm run build:engine\``);
  } else {
    await benchmark(dirs, roots, wasm);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

async function benchmark(dirs: Dir[], roots: string[], wasm: string): Promise<void> {
  const jobFile = path.join(work, 'job.json');
  const js = buildJsVariant(work);

  // ------------------------------------------------------------------- 1. builds per second
  const pool = await openEngine(roots);
  const single = await openEngine(roots, { workers: 1 });
  const modules = await single.versions(); // (the pool's workers start in its warm-up round)
  const engineLabel = `kustomize/api ${modules['sigs.k8s.io/kustomize/api'] ?? '?'}, fluxcd/pkg/kustomize ${modules['github.com/fluxcd/pkg/kustomize'] ?? '?'}, ${modules.go ?? ''}`;
  const workers = Math.max(1, Math.min(os.availableParallelism(), 8)); // src/engine's defaultPoolSize()
  const contenders: Contender[] = [
    { label: `engine, worker pool`, parallel: `${workers} workers`, round: () => concurrently(dirs, dirs.length, engineBuild(pool)), results: [] },
    { label: `engine, one worker, one build at a time`, parallel: '1', round: () => sequential(dirs, engineBuild(single)), results: [] },
  ];
  const kv = kubectlVersion();
  const skipped: string[] = [];
  if (kv) {
    contenders.push(
      { label: `kubectl kustomize, a process per directory, one at a time`, parallel: '1', compare: 'kubectl', round: () => sequential(dirs, kubectl), warm: () => kubectl(dirs[0]), results: [] },
      { label: `kubectl kustomize, a process per directory, two at a time`, parallel: `2 processes`, round: () => concurrently(dirs, 2, kubectl), warm: async () => {}, results: [] },
    );
  } else {
    skipped.push('kubectl kustomize: skipped, `kubectl` is not on PATH');
  }
  const old = await loadOldEngine(top, path.join(work, 'old-engine'));
  let oldEngine: OldEngine | undefined;
  if ('skipped' in old) {
    skipped.push(`old TypeScript engine (${OLD_ENGINE_COMMIT}): skipped, ${old.skipped}`);
  } else {
    oldEngine = old;
    const build = (cache: (d: Dir) => unknown) => (d: Dir) => old.buildKustomization(d.dir, { root: d.root, reorder: 'legacy', loadRestrictions: 'rootOnly', cache: cache(d) }).ok;
    contenders.push({ label: `old TypeScript engine (git ${OLD_ENGINE_COMMIT}), in-process`, parallel: '1', compare: 'the old engine', round: () => sequential(dirs, build(() => undefined)), results: [] });
    contenders.push({
      label: `  the same, parse cache per repository (as slipway used it)`,
      parallel: '1',
      round: () => {
        const caches = new Map<string, unknown>(); // new each round, shared by the builds of one repository
        return sequential(dirs, build((d) => caches.get(d.root) ?? caches.set(d.root, old.createBuildCache()).get(d.root)));
      },
      warm: async () => {}, // the same code as the row above, warmed by it
      results: [],
    });
  }

  // warm-up round: the engines' workers start and take their first builds, V8 optimizes the
  // wasm and the old engine's code, the files are in the page cache, kubectl's binary is loaded
  const firstPoolRound = await contenders[0].round();
  const engineOk = firstPoolRound.ok;
  const first = dirs.find((_, i) => engineOk[i]) ?? dirs[0];
  fs.writeFileSync(jobFile, JSON.stringify({ first, builds: dirs, memoryMiB, wasmExec: js.wasmExec } satisfies VariantJob));
  // section 3's single-thread variants, in processes of their own, take their rounds in turn
  // with the contenders of section 1
  const variants = [new VariantProcess('wasip1', wasm, jobFile), ...(js.wasm ? [new VariantProcess('js', js.wasm, jobFile)] : [])];
  const variantRounds = new Map<Variant, VariantRound[]>(variants.map((v) => [v.variant, []]));
  try {
    await Promise.all(variants.map((v) => v.ready));
    for (const c of contenders.slice(1)) await (c.warm ? c.warm() : c.round());
    for (const v of variants) await v.round();
    for (let r = 0; r < rounds; r++) {
      for (const c of contenders) c.results.push(await c.round());
      for (const v of variants) variantRounds.get(v.variant)!.push(await v.round());
    }
  } finally {
    await Promise.all([pool.close(), single.close(), ...variants.map((v) => v.close())]);
  }

  console.log(`\n1. builds per second: every directory built once per round (kustomize's CLI defaults: load restrictor rootOnly, legacy order); median of ${rounds} rounds after a warm-up round`);
  console.log(`  engine: ${engineLabel}; kubectl: ${kv ? `${kv.client}, kustomize ${kv.kustomize}` : 'not found'}; old engine: ${oldEngine ? `${oldEngine.files} source files from git ${OLD_ENGINE_COMMIT}, transpiled` : 'not available'}`);
  const rows = contenders.map((c) => {
    const wall = median(c.results.map((x) => x.wallMs));
    const oks = c.results.map((x) => x.ok.filter(Boolean).length);
    const okText = Math.min(...oks) === Math.max(...oks) ? `${oks[0]}/${dirs.length}` : `${Math.min(...oks)}–${Math.max(...oks)}/${dirs.length}`;
    const per = c.results[0].buildMs ? median(c.results.flatMap((x) => x.buildMs!)) : undefined;
    return [c.label, c.parallel, okText, ms(wall), rate(dirs.length, wall), ms(per)];
  });
  printTable(['contender', 'parallel', 'built ok', 'wall ms', 'builds/s', 'per-build median ms'], rows);
  for (const s of skipped) console.log(`  ${s}`);
  console.log(`  wall ms: all ${dirs.length} directories; builds/s: ${dirs.length} / wall ms; per-build median: over every build of every round, where builds run one at a time`);
  console.log(`  engine worker pool, warm-up round (includes starting ${workers} workers and their first builds): ${ms(firstPoolRound.wallMs)} ms = ${rate(dirs.length, firstPoolRound.wallMs)} builds/s`);
  for (const c of contenders.filter((x) => x.compare)) {
    const ok = c.results[0].ok;
    const onlyEngine = ok.filter((x, i) => !x && engineOk[i]).length;
    const onlyOther = ok.filter((x, i) => x && !engineOk[i]).length;
    console.log(`  directories where ${c.compare} and the engine disagree on success: ${onlyEngine} built only by the engine, ${onlyOther} only by ${c.compare}`);
  }

  // ------------------------------------------------------------------- 2. cold start
  const cold: Record<Variant, ColdReport[]> = { slipway: [], wasip1: [], js: [] };
  const warmed: Record<Variant, ColdReport[]> = { slipway: [], wasip1: [], js: [] };
  for (let i = 0; i < coldRuns; i++) {
    cold.slipway.push(coldStart('slipway', wasm, jobFile));
    cold.wasip1.push(coldStart('wasip1', wasm, jobFile));
    if (js.wasm) cold.js.push(coldStart('js', js.wasm, jobFile));
    warmed.wasip1.push(coldStart('wasip1', wasm, jobFile, true));
    if (js.wasm) warmed.js.push(coldStart('js', js.wasm, jobFile, true));
  }
  const size = fs.statSync(wasm).size;
  console.log(`\n2. engine cold start: a fresh \`node\` process opens the engine (src/engine, one worker) and builds ${first.name}; ${coldRuns} runs`);
  console.log(`  ${path.relative(top, wasm)}: ${size} bytes (${mib(size)} MiB)`);
  const spread = (xs: number[]) => [ms(Math.min(...xs)), ms(median(xs)), ms(Math.max(...xs))];
  printTable(
    ['step', 'min ms', 'median ms', 'max ms'],
    [
      ['node start-up and loading the bench, before compiling', ...spread(cold.slipway.map((r) => r.startupMs))],
      ['compile (WebAssembly.compile, with the memory cap)', ...spread(cold.slipway.map((r) => r.compileMs))],
      ["worker start (instantiate, Go init, the worker's own warm-up) + first build", ...spread(cold.slipway.map((r) => r.firstBuildMs))],
      ['time to first result, from process start', ...spread(cold.slipway.map((r) => r.firstResultMs))],
      ['second build of the same directory', ...spread(cold.slipway.map((r) => r.secondBuildMs))],
    ],
  );
  if (cold.slipway.some((r) => !r.firstOk)) console.log(`  note: the first build failed in some runs`);

  // ------------------------------------------------------------------- 3. js vs wasip1
  console.log(`\n3. GOOS=js (wasm_exec.js, syscall/js) vs GOOS=wasip1 (go:wasmexport reactor): the same handle() (engine/handle.go), -trimpath -ldflags=-s -w`);
  console.log(`  each in the main thread of a fresh node process, one build at a time, the same kustomizeBuild requests; wasip1: node:wasi, each repository root preopened at /slipway-root-NNN (the request's mount) as src/engine does;`);
  console.log(`  js: Go's wasm_exec.js with globalThis.fs = Node's real \`fs\` (unconfined: it can read anything; fine for a measurement, not for shipping), the mount is the root itself`);
  const jsSize = js.wasm ? fs.statSync(js.wasm).size : undefined;
  const med = (v: Variant, key: keyof ColdReport, runs = cold) => (runs[v].length ? median(runs[v].map((r) => r[key] as number)) : undefined);
  const coldTotal = (r: ColdReport) => r.compileMs + (r.instantiateMs ?? 0) + (r.goInitMs ?? 0);
  const row = (label: string, a: number | undefined, b: number | undefined, text = ms): string[] => [
    label,
    text(a),
    js.wasm ? text(b) : '—',
    a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && a > 0 ? `${(b / a).toFixed(2)}×` : '',
  ];
  const count = (n: number | undefined) => (n === undefined ? '—' : String(n));
  const vr = (v: Variant) => variantRounds.get(v) ?? [];
  const wallRate = (v: Variant) => (vr(v).length ? dirs.length / (median(vr(v).map((x) => x.wallMs)) / 1000) : undefined);
  const perBuild = (v: Variant) => (vr(v).length ? median(vr(v).flatMap((x) => x.buildMs)) : undefined);
  const okCount = (v: Variant) => (vr(v).length ? vr(v)[0].ok.filter(Boolean).length : undefined);
  const jsDigests = vr('js')[0]?.digests;
  const sameAnswers = jsDigests ? jsDigests.filter((d, i) => d === vr('wasip1')[0].digests[i]).length : undefined;
  printTable(
    ['', 'wasip1', 'js', 'js / wasip1'],
    [
      row('wasm size, bytes', size, jsSize, count),
      row('wasm size, MiB', size, jsSize, (n) => (n === undefined ? '—' : mib(n))).slice(0, 3),
      row(`compile ms (median of ${coldRuns} runs)`, med('wasip1', 'compileMs'), med('js', 'compileMs')),
      row('instantiate ms', med('wasip1', 'instantiateMs'), med('js', 'instantiateMs')),
      row('Go init ms (runtime and package init, until callable)', med('wasip1', 'goInitMs'), med('js', 'goInitMs')),
      row('cold start ms: compile + instantiate + Go init', median(cold.wasip1.map(coldTotal)), cold.js.length ? median(cold.js.map(coldTotal)) : undefined),
      row(`first build ms (${first.name})`, med('wasip1', 'firstBuildMs'), med('js', 'firstBuildMs')),
      row('second build ms (same directory)', med('wasip1', 'secondBuildMs'), med('js', 'secondBuildMs')),
      row(`other runs: warm op ms (kyaml's OpenAPI schema), after Go init`, med('wasip1', 'warmMs', warmed), med('js', 'warmMs', warmed)),
      row(`  then the first build ms`, med('wasip1', 'firstBuildMs', warmed), med('js', 'firstBuildMs', warmed)),
      row(`builds/s, ${dirs.length} directories, 1 thread (median of ${rounds} rounds)`, wallRate('wasip1'), wallRate('js'), (n) => (n === undefined ? '—' : n.toFixed(1))),
      row('per-build median ms', perBuild('wasip1'), perBuild('js')),
      row('built ok', okCount('wasip1'), okCount('js'), (n) => (n === undefined ? '—' : `${n}/${dirs.length}`)).slice(0, 3),
      ["answers identical to wasip1's", '', sameAnswers === undefined ? '—' : `${sameAnswers}/${dirs.length}`],
    ],
  );
  console.log(`  the shipped path (src/engine, one worker thread, postMessage per call): ${rate(dirs.length, median(contenders[1].results.map((x) => x.wallMs)))} builds/s in section 1; rounds alternated with section 1's`);
  if (js.wasm) console.log(`  js variant: ${js.goVersion}, built into a temporary folder in ${js.seconds!.toFixed(1)} s; wasm_exec.js from ${js.wasmExec}`);
  else console.log(`  js variant: skipped, ${js.skipped}`);
  const engineOkCount = engineOk.filter(Boolean).length;
  for (const v of ['wasip1', 'js'] as const) {
    const first = vr(v)[0];
    if (first && first.ok.filter(Boolean).length !== engineOkCount) console.log(`  note: ${v} built ${first.ok.filter(Boolean).length}, src/engine ${engineOkCount}; first failure: ${first.firstError}`);
  }
  if (jsDigests && sameAnswers !== dirs.length) {
    const i = jsDigests.findIndex((d, k) => d !== vr('wasip1')[0].digests[k]);
    console.log(`  first directory whose answers differ: ${dirs[i].name}`);
  }
}
