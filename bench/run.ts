// `npm run bench`: Slipway against kubeconform in the same run (bench/peers.ts), then check on a
// generated fleet against the floor of parsing the same files, cold and warm, then the corpus
// load benchmark, then the engine benchmarks (bench/engine.ts),
// then HelmRelease rendering on the corpus with ../shared/charts served locally (bench/helm.ts).
// Prints figures; asserts nothing.
// Options: --clusters N --apps N (fleet size; default ~20,000 documents), --rounds N,
// --engine (the engine benchmarks only), --helm (the rendering benchmark only), --peers (the
// kubeconform comparison only).
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SIZE, generateFleet } from './generate-fleet.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const size = { clusters: flag('clusters', DEFAULT_SIZE.clusters), apps: flag('apps', DEFAULT_SIZE.apps) };
const rounds = Math.max(1, flag('rounds', 3));
const engineBench = () => execFileSync(process.execPath, [path.join(here, 'engine.js'), String(rounds)], { stdio: 'inherit' });
const helmBench = () => execFileSync(process.execPath, [path.join(here, 'helm.js')], { stdio: 'inherit' });
const peersBench = () => execFileSync(process.execPath, [path.join(here, 'peers.js'), '--rounds', String(rounds)], { stdio: 'inherit' });
if (args.includes('--peers')) {
  peersBench();
  process.exit(0);
}
if (args.includes('--engine')) {
  engineBench();
  process.exit(0);
}
if (args.includes('--helm')) {
  helmBench();
  process.exit(0);
}

interface Measure { ms: number; maxRssMB: number; documents: number }

function measure(step: 'parse' | 'check', dir: string, cacheDir = ''): Measure {
  const out = execFileSync(process.execPath, [path.join(here, 'measure.js'), step, dir, cacheDir], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split('\n').pop()!) as Measure;
}

/** Best of several runs (the least disturbed by whatever else the machine does). */
function best(run: () => Measure): Measure {
  let result: Measure | undefined;
  for (let i = 0; i < rounds; i++) {
    const m = run();
    if (!result || m.ms < result.ms) result = m;
  }
  return result!;
}

peersBench();
console.log('');

const work = mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-'));
try {
  const fleet = path.join(work, 'fleet');
  const { files } = generateFleet(fleet, size);
  console.log(`synthetic fleet: ${size.clusters} clusters × ${size.apps} apps, ${files} files (${work})`);

  const parse = best(() => measure('parse', fleet));
  const rate = (m: Measure) => (m.documents / (m.ms / 1000)).toFixed(0);
  console.log(`parse only : ${parse.documents} documents in ${parse.ms.toFixed(0)} ms = ${rate(parse)} docs/s, peak ${parse.maxRssMB.toFixed(0)} MB`);

  // cold: fresh caches each round, so every schema compiles and nothing is reused
  const cold = best(() => measure('check', fleet, path.join(work, `cache-${Math.random().toString(36).slice(2)}`, 'schemas')));
  console.log(`check cold (no caches)        : ${cold.documents} documents in ${cold.ms.toFixed(0)} ms = ${rate(cold)} docs/s, peak ${cold.maxRssMB.toFixed(0)} MB`);
  // the everyday case: compiled schemas are cached, but a file changed since the last check
  const warmCache = path.join(work, 'cache-warm', 'schemas');
  measure('check', fleet, warmCache);
  let edit = 0;
  const changed = best(() => {
    appendFileSync(path.join(fleet, 'kubernetes/cluster-0/apps/app-0/app/config.env'), `EDIT_${edit++}=1\n`);
    return measure('check', fleet, warmCache);
  });
  console.log(`check after a one-file change : ${changed.documents} documents in ${changed.ms.toFixed(0)} ms = ${rate(changed)} docs/s, peak ${changed.maxRssMB.toFixed(0)} MB`);
  const again = best(() => measure('check', fleet, warmCache));
  console.log(`check again, input unchanged  : ${again.ms.toFixed(0)} ms, peak ${again.maxRssMB.toFixed(0)} MB`);
  console.log(`ratio check/parse: ${(changed.ms / parse.ms).toFixed(2)}× (cold: ${(cold.ms / parse.ms).toFixed(2)}×)   second run on unchanged input: ${(changed.ms / again.ms).toFixed(1)}× faster (than cold: ${(cold.ms / again.ms).toFixed(1)}×)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log('\ncorpus (load + build every Flux Kustomization):');
execFileSync(process.execPath, [path.join(here, 'corpus.js'), String(rounds)], { stdio: 'inherit' });

console.log('');
engineBench();
helmBench();
