// Sizing under an address-space limit (`ulimit -v`, as CI sandboxes and the hostile-input suite
// set): without V8's guard regions each engine instance reserves its whole memory cap up front,
// so the caps of all workers, plus Node's own reservations, must fit in the limit.
import { readFileSync } from 'node:fs';

/** The soft RLIMIT_AS of this process in MiB, or undefined when unlimited (Linux; elsewhere unknown). */
export function addressSpaceLimitMiB(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max address space'));
    const soft = line?.replace('Max address space', '').trim().split(/\s+/)[0];
    if (!soft || soft === 'unlimited') return undefined;
    return Math.floor(Number(soft) / (1024 * 1024));
  } catch {
    return undefined;
  }
}

/** What Node itself (main thread, YAML workers, code) is left under a limit, in MiB. */
const NODE_SHARE_MIB = 1536;

/** The default memory cap of one engine instance: 3 GiB, or a fair share of a limit. */
export function defaultMemoryMiB(workers: number, limitMiB = addressSpaceLimitMiB()): number {
  if (limitMiB === undefined) return 3072;
  return Math.max(256, Math.min(3072, Math.floor((limitMiB - NODE_SHARE_MIB) / Math.max(1, workers))));
}

/**
 * The JS heap of a worker that only relays to WebAssembly or parses YAML: a small young
 * generation and code range keep each thread's reservations to a few MiB instead of hundreds.
 */
export const SMALL_WORKER_LIMITS = { maxYoungGenerationSizeMb: 16, codeRangeSizeMb: 16 } as const;
