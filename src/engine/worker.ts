// One engine instance in a worker thread: WASI with the repository roots as its only preopened
// folders (the engine can open nothing else), the Go reactor initialised once, then one request
// at a time. The engine's own stderr (Go's fatal errors) goes to a scratch file so that a fatal
// error can be told in one line instead of a goroutine dump.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parentPort, threadId, workerData } from 'node:worker_threads';

export interface WorkerSetup {
  module: WebAssembly.Module;
  /** mount point inside the engine → folder on disk */
  mounts: Record<string, string>;
}

export interface WorkerCall {
  id: number;
  request: string;
}

export interface WorkerReply {
  id: number;
  /** JSON text of the result. */
  result?: string;
  /** The instance is unusable after this call (fatal error in the engine). */
  fatal?: { kind: 'memory' | 'crash'; message: string };
}

interface EngineExports {
  memory: WebAssembly.Memory;
  slipway_alloc(size: number): number;
  slipway_free(ptr: number): void;
  slipway_call(ptr: number, len: number): bigint;
}

// node:wasi announces itself as experimental on every load; that is not the user's business.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (String(warning).includes('WASI')) return;
  (emitWarning as (...a: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

const { WASI } = await import('node:wasi');
const setup = workerData as WorkerSetup;
const stderrFile = path.join(os.tmpdir(), `slipway-engine-${process.pid}-${threadId}.log`);
const stderrFd = fs.openSync(stderrFile, 'w+');
fs.unlinkSync(stderrFile);
const devNull = fs.openSync('/dev/null', 'r+');

const wasi = new WASI({ version: 'preview1', args: ['slipway-engine'], env: {}, preopens: setup.mounts, returnOnExit: true, stdin: devNull, stdout: devNull, stderr: stderrFd });
// Each import is wrapped in a plain JS function: Node 20 lets wasm call WASI through V8's fast
// API calls, which corrupt the heap when the engine grows its memory (seen as a segfault in
// Runtime_WasmMemoryGrow); through a JS function the calls take the regular path.
const imports: Record<string, (...args: unknown[]) => unknown> = {};
for (const [name, fn] of Object.entries(wasi.wasiImport as Record<string, (...args: unknown[]) => unknown>)) {
  imports[name] = (...args: unknown[]) => fn(...args);
}
const instance = await WebAssembly.instantiate(setup.module, { wasi_snapshot_preview1: imports });
wasi.initialize(instance);
const engine = instance.exports as unknown as EngineExports;
let dead = false;

function call(request: string): string {
  const input = Buffer.from(request);
  const ptr = engine.slipway_alloc(input.length);
  new Uint8Array(engine.memory.buffer, ptr, input.length).set(input);
  const packed = engine.slipway_call(ptr, input.length);
  engine.slipway_free(ptr);
  const outPtr = Number(packed >> 32n);
  const outLen = Number(packed & 0xffffffffn);
  const text = Buffer.from(engine.memory.buffer, outPtr, outLen).toString('utf8');
  engine.slipway_free(outPtr);
  return text;
}

/** The first line Go's runtime wrote before dying ("fatal error: …", "runtime: out of memory …"). */
function fatalLine(): string {
  const size = fs.fstatSync(stderrFd).size;
  const buf = Buffer.alloc(Math.min(size, 64 * 1024));
  fs.readSync(stderrFd, buf, 0, buf.length, 0);
  const lines = buf.toString('utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /^(fatal error|runtime:|panic:)/.test(l)) ?? lines[0] ?? 'the engine stopped';
}

parentPort!.on('message', (msg: WorkerCall) => {
  if (dead) {
    const line = fatalLine();
    parentPort!.postMessage({ id: msg.id, fatal: { kind: /out of memory|cannot allocate/i.test(line) ? 'memory' : 'crash', message: line } } satisfies WorkerReply);
    return;
  }
  let reply: WorkerReply;
  try {
    reply = { id: msg.id, result: call(msg.request) };
  } catch (err) {
    dead = true;
    const line = fatalLine();
    const memory = /out of memory|cannot allocate/i.test(line) || err instanceof RangeError;
    reply = { id: msg.id, fatal: { kind: memory ? 'memory' : 'crash', message: line === 'the engine stopped' && err instanceof Error ? err.message : line } };
  }
  parentPort!.postMessage(reply);
});
parentPort!.postMessage({ id: 0, result: '{"ok":true,"ready":true}' } satisfies WorkerReply);
