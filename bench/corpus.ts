// Loads and builds every corpus repository the way Flux would (discovery, sources, kustomize
// builds, post-build) and prints documents per second, per repository and overall.
// Run: node dist/bench/corpus.js [ROUNDS]
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFlux } from '../src/repo/flux/index.js';
import { summarizeRepository } from './corpus-summary.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, '..', '..', '..', 'shared', 'corpus');
const rounds = Math.max(1, Number(process.argv[2] ?? 3) || 3);
const repositories = readdirSync(corpus).filter((d) => statSync(path.join(corpus, d)).isDirectory()).sort();

let totalDocs = 0;
let totalMs = 0;
for (const name of repositories) {
  const dir = path.join(corpus, name);
  let best = Infinity;
  let summary = summarizeRepository(name, await loadFlux(dir)); // warm-up round, also the summary
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const repo = await loadFlux(dir);
    best = Math.min(best, performance.now() - t);
    summary = summarizeRepository(name, repo);
  }
  totalDocs += summary.documents;
  totalMs += best;
  const rate = summary.documents / (best / 1000);
  console.log(`${name.padEnd(40)} ${String(summary.documents).padStart(6)} docs ${best.toFixed(1).padStart(8)} ms ${rate.toFixed(0).padStart(8)} docs/s`);
  console.log(`  ${summary.line}`);
}
console.log(`corpus: ${totalDocs} documents in ${totalMs.toFixed(1)} ms (best of ${rounds}) = ${(totalDocs / (totalMs / 1000)).toFixed(0)} documents/second`);
