// Parsing YAML is most of the cost of loading a repository, and files parse independently:
// worker threads parse shares of the files on all cores and prime the parse memo, so the
// (single-threaded) builds that follow find every file already parsed.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { primeParsed, type TransferredDocument } from './reader.js';

/** Below this many files, starting workers costs more than it saves. */
const MIN_FILES = 400;

export async function preparse(root: string, files: readonly string[], threads = availableParallelism()): Promise<number> {
  if (files.length < MIN_FILES || threads < 2) return 0;
  const shares: string[][] = Array.from({ length: threads }, () => []);
  files.forEach((f, i) => shares[i % threads].push(f));
  const url = new URL('./parse-worker.js', import.meta.url);
  const results = await Promise.all(shares.map((share) => new Promise<Array<{ file: string; text: string; documents: TransferredDocument[] }>>((resolve) => {
    // a small young generation and code range: each thread then reserves a few MiB, not hundreds
    const worker = new Worker(url, { workerData: { root, files: share }, resourceLimits: { maxYoungGenerationSizeMb: 16, codeRangeSizeMb: 16 } });
    worker.once('message', resolve);
    // a failed worker only loses the head start: the main thread parses those files itself
    worker.once('error', () => resolve([]));
    worker.once('exit', () => resolve([]));
  })));
  let primed = 0;
  for (const list of results) {
    for (const r of list) {
      primeParsed(r.file, r.text, r.documents);
      primed++;
    }
  }
  return primed;
}
