// Slipway against its peer in the same run: kubeconform (schema validation only, `-strict`,
// `-n` = number of cores, the same schema folders) and a cold `slipway check --no-cache
// --no-render`, interleaved round by round on the same files: ../shared/corpus, the reference
// fleet (`slipway synth`) and generated fleets of 1×, 4× and 16× (bench/generate-fleet.ts).
// Prints documents/s, CPU seconds, peak RSS and the ratio for each, how Slipway's peak memory
// grows per 1,000 documents across the fleets, `slipway --help` and a result-cache hit.
// Asserts nothing.
//
// kubeconform is built from the Go module proxy at a pinned version into a cache folder outside
// the repository ($SLIPWAY_BENCH_CACHE, else ~/.cache/slipway-bench). Every process is measured by
// GNU time (wall, user + sys, maximum RSS): the same meter for both tools.
// Run: node dist/bench/peers.js [--rounds N]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFleet } from './generate-fleet.js';

const KUBECONFORM = 'github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0';
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const slipway = path.join(repoRoot, 'bin', 'slipway');
const shared = path.resolve(repoRoot, '..', 'shared');
const schemas = path.join(shared, 'schemas');
const referenceConfigFile = path.join(repoRoot, 'examples', 'homelab', 'slipway.config.ts');
const KUBE_VERSION = '1.31.0';
const args = process.argv.slice(2);
const rounds = Math.max(1, Number(args[args.indexOf('--rounds') + 1]) || 3);
const cores = os.availableParallelism();

interface Run { wallS: number; cpuS: number; rssMB: number; documents: number }

/** One process under GNU time; its last stderr line is "wall user sys maxrss_kb". */
function timed(command: string, argv: string[], env: NodeJS.ProcessEnv = {}): { run: Omit<Run, 'documents'>; stdout: string } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', command, ...argv], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const m = /^([\d.]+) ([\d.]+) ([\d.]+) (\d+)$/.exec(last);
  if (!m) throw new Error(`${command} ${argv.join(' ')}: no timing (exit ${r.status}): ${r.stderr.slice(-600)}`);
  return { run: { wallS: Number(m[1]), cpuS: Number(m[2]) + Number(m[3]), rssMB: Number(m[4]) / 1024 }, stdout: r.stdout };
}

function kubeconformBinary(): string | undefined {
  const cache = process.env.SLIPWAY_BENCH_CACHE ?? path.join(os.homedir(), '.cache', 'slipway-bench');
  const bin = path.join(cache, KUBECONFORM.replace(/[/@]/g, '_'), 'kubeconform');
  if (existsSync(bin)) return bin;
  mkdirSync(path.dirname(bin), { recursive: true });
  try {
    execFileSync('go', ['install', KUBECONFORM], { env: { ...process.env, GOBIN: path.dirname(bin), GOFLAGS: '-mod=mod' }, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (err) {
    console.log(`kubeconform: go install ${KUBECONFORM} failed (${(err as Error).message.split('\n')[0]}); peers not measured`);
    return undefined;
  }
  return bin;
}

function kubeconform(bin: string, dir: string): Run {
  const { run, stdout } = timed(bin, ['-strict', '-n', String(cores), '-summary', '-ignore-missing-schemas', '-kubernetes-version', KUBE_VERSION,
    '-schema-location', `${schemas}/k8s/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json`,
    '-schema-location', `${schemas}/crds/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`, dir]);
  const m = /Summary: (\d+) resources? found/.exec(stdout);
  return { ...run, documents: m ? Number(m[1]) : 0 };
}

function slipwayCheck(dir: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Run {
  const { run, stdout } = timed(process.execPath, [slipway, 'check', dir, '--no-render', '--schemas', schemas, '--kube-version', KUBE_VERSION, '--format', 'json', ...extra], { SLIPWAY_OFFLINE: '1', ...env });
  return { ...run, documents: (JSON.parse(stdout) as { summary: { documents: number } }).summary.documents };
}

const fastest = (runs: Run[]) => runs.reduce((a, b) => (b.wallS < a.wallS ? b : a));
/** Peak RSS varies from run to run with when the engine's Go heaps collect: the median of the rounds. */
const medianRss = (runs: Run[]) => [...runs].sort((a, b) => a.rssMB - b.rssMB)[Math.floor(runs.length / 2)].rssMB;
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

const work = mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-peers-'));
try {
  const inputs: Array<{ name: string; dir: string }> = [{ name: '../shared/corpus', dir: path.join(shared, 'corpus') }];
  const reference = path.join(work, 'reference');
  execFileSync(process.execPath, [slipway, 'synth', '--config', referenceConfigFile, '--out', reference], { stdio: 'ignore' });
  inputs.push({ name: 'reference fleet', dir: reference });
  const fleets: Array<{ name: string; dir: string }> = [];
  for (const clusters of [1, 4, 16]) {
    const dir = path.join(work, `fleet-${clusters}x`);
    generateFleet(dir, { clusters, apps: 50 });
    fleets.push({ name: `fleet ${clusters}× (${clusters} cluster${clusters > 1 ? 's' : ''} × 50 apps)`, dir });
  }
  inputs.push(...fleets);

  const bin = kubeconformBinary();
  console.log(`peers: kubeconform ${bin ? KUBECONFORM.split('@')[1] : '(not built)'} -strict -n ${cores}, same schemas (${schemas}), Kubernetes ${KUBE_VERSION}; best of ${rounds} interleaved rounds, GNU time`);
  console.log(`documents/s use one count for both tools: the documents kubeconform finds in the files (Slipway also counts what it builds); wall and CPU of the fastest round, peak RSS the median`);
  console.log(`${'input'.padEnd(36)} ${'docs'.padStart(6)} | ${'kubeconform docs/s  cpu s  peak MB'.padStart(34)} | ${'slipway docs/s  cpu s  peak MB'.padStart(31)} | ratio`);
  const slipwayRuns = new Map<string, Run>();
  for (const input of inputs) {
    const kc: Run[] = [];
    const sw: Run[] = [];
    for (let i = 0; i < rounds; i++) {
      if (bin) kc.push(kubeconform(bin, input.dir));
      sw.push(slipwayCheck(input.dir, ['--no-cache']));
    }
    const s = { ...fastest(sw), rssMB: medianRss(sw) };
    slipwayRuns.set(input.dir, s);
    const k = kc.length ? { ...fastest(kc), rssMB: medianRss(kc) } : undefined;
    const docs = k?.documents || s.documents;
    const rate = (r: Run) => docs / r.wallS;
    console.log(`${input.name.padEnd(36)} ${String(docs).padStart(6)} | ${k ? `${rate(k).toFixed(0).padStart(17)} ${f2(k.cpuS).padStart(6)} ${f1(k.rssMB).padStart(8)}` : 'not measured'.padStart(34)} | ` +
      `${rate(s).toFixed(0).padStart(14)} ${f2(s.cpuS).padStart(6)} ${f1(s.rssMB).padStart(8)} | ${k ? `${f2(k.wallS / s.wallS)}×` : '-'}`);
  }

  // memory growth: least squares of peak RSS over Slipway's own document count, across the fleets
  const points = fleets.map((f) => slipwayRuns.get(f.dir)!).map((r) => [r.documents, r.rssMB] as const);
  const mx = points.reduce((a, p) => a + p[0], 0) / points.length;
  const my = points.reduce((a, p) => a + p[1], 0) / points.length;
  const slope = points.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / points.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  console.log(`slipway peak RSS grows ${f1(slope * 1000)} MB per 1,000 documents (fleets: ${points.map((p) => `${p[0]} docs ${f1(p[1])} MB`).join(', ')})`);

  const help = fastest(Array.from({ length: rounds }, () => ({ ...timed(process.execPath, [slipway, '--help']).run, documents: 0 })));
  const bare = fastest(Array.from({ length: rounds }, () => ({ ...timed(process.execPath, ['-e', '0']).run, documents: 0 })));
  console.log(`slipway --help: ${f2(help.wallS)} s wall (bare node: ${f2(bare.wallS)} s)`);
  // XDG_CACHE_HOME/slipway holds schemas/ (compiled validators and V8's code cache of them) and results/
  const cache = path.join(work, 'cache');
  const corpus = path.join(shared, 'corpus');
  const env = { XDG_CACHE_HOME: cache };
  slipwayCheck(corpus, [], env);
  const hit = fastest(Array.from({ length: rounds }, () => slipwayCheck(corpus, [], env)));
  console.log(`slipway check ../shared/corpus, input unchanged (result cache hit): ${f2(hit.wallS)} s wall, peak ${f1(hit.rssMB)} MB`);
  // an edit: no result to reuse, but every validator compiled (the first run here leaves V8's code cache too)
  const changed = fastest(Array.from({ length: rounds }, () => {
    rmSync(path.join(cache, 'slipway', 'results'), { recursive: true, force: true });
    return slipwayCheck(corpus, [], env);
  }));
  const cold = slipwayRuns.get(corpus)!;
  console.log(`slipway check ../shared/corpus, input changed (schema caches filled): ${f2(changed.wallS)} s wall, ${f2(changed.cpuS)} s CPU (cold: ${f2(cold.wallS)} s, ${f2(cold.cpuS)} s CPU)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
