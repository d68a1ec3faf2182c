// A pool of engine workers: started lazily (one per core at most), each call queued until a
// worker is free, with a time limit per call. A worker that hits the limit is terminated, one
// whose engine died is replaced; either way the call gets a failure result, never an exception.
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import { SMALL_WORKER_LIMITS } from './limits.js';
import type { WorkerCall, WorkerReply, WorkerSetup } from './worker.js';

export interface PoolOptions {
  module: WebAssembly.Module;
  mounts: Record<string, string>;
  size: number;
  timeoutMs: number;
}

interface Job {
  request: string;
  /** What the caller is told when the call fails for a reason of the engine's own. */
  describe: string;
  resolve(resultJson: string): void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  job?: Job;
  timer?: NodeJS.Timeout;
}

export function defaultPoolSize(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 8));
}

export class EnginePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: PoolOptions) {}

  /** Runs one request (JSON text) and resolves with the result's JSON text. */
  run(request: string, describe: string): Promise<string> {
    if (this.closed) return Promise.resolve(failure('crash', 'the engine was closed'));
    return new Promise((resolve) => {
      this.queue.push({ request, describe, resolve });
      this.pump();
    });
  }

  /**
   * Starts every worker ahead of the first call and has it parse kustomize's built-in OpenAPI
   * schema (about 1.5 s in WebAssembly), so that both overlap the caller's own work. Worth it
   * before many builds (a check); a single build is faster without (it may not need the schema).
   */
  warm(): void {
    for (let i = this.slots.length; i < this.options.size; i++) {
      this.queue.push({ request: '{"op":"warm"}', describe: 'warming up', resolve: () => {} });
    }
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) q.resolve(failure('crash', 'the engine was closed'));
    // An idle worker is unref'd so that it never holds the process open; while its exit is awaited
    // it must hold it, or Node may end the process with this await unsettled (exit code 13, no output).
    await Promise.all(this.slots.splice(0).map((s) => {
      s.worker.ref();
      return s.worker.terminate();
    }));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.options.size) {
        slot = this.spawn();
        this.slots.push(slot);
      }
      if (!slot) return;
      this.dispatch(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const setup: WorkerSetup = { module: this.options.module, mounts: this.options.mounts };
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: setup, stdout: false, stderr: false, execArgv: [], resourceLimits: SMALL_WORKER_LIMITS });
    worker.unref();
    let markReady!: () => void;
    const slot: Slot = { worker, ready: new Promise((r) => (markReady = r)) };
    worker.on('message', (reply: WorkerReply) => {
      if (reply.id === 0) return markReady();
      const job = slot.job;
      if (!job) return;
      this.settle(slot);
      if (reply.fatal) {
        this.retire(slot);
        job.resolve(failure(reply.fatal.kind, `${reply.fatal.kind === 'memory' ? 'the engine ran out of memory' : 'the engine stopped'} while ${job.describe}: ${reply.fatal.message}${reply.fatal.kind === 'memory' ? ' (SLIPWAY_ENGINE_MEMORY_MB raises the cap)' : ''}`));
      } else {
        job.resolve(reply.result ?? failure('crash', 'empty reply'));
      }
      this.pump();
    });
    const died = (why: string) => {
      markReady();
      const job = slot.job;
      this.settle(slot);
      this.retire(slot);
      job?.resolve(failure('crash', `the engine stopped while ${job.describe}: ${why}`));
      this.pump();
    };
    worker.on('error', (err) => died(err instanceof Error ? err.message : String(err)));
    worker.on('exit', (code) => died(`worker exited with code ${code}`));
    return slot;
  }

  private dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    const id = this.nextId++;
    void slot.ready.then(() => {
      if (slot.job !== job) return;
      slot.timer = setTimeout(() => {
        this.settle(slot);
        this.retire(slot);
        void slot.worker.terminate();
        job.resolve(failure('timeout', `the engine gave up after ${seconds(this.options.timeoutMs)} while ${job.describe} (SLIPWAY_ENGINE_TIMEOUT_MS raises the limit)`));
        this.pump();
      }, this.options.timeoutMs);
      slot.worker.postMessage({ id, request: job.request } satisfies WorkerCall);
    });
  }

  private settle(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = undefined;
    slot.worker.unref();
  }

  private retire(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    slot.worker.removeAllListeners('exit');
    slot.worker.removeAllListeners('error');
    slot.worker.on('error', () => {});
    void slot.worker.terminate();
  }
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function failure(kind: string, message: string): string {
  return JSON.stringify({ ok: false, error: { kind, message }, inputs: [] });
}
