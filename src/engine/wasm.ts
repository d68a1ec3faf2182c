// The engine's WebAssembly module: found beside the compiled CLI (dist/engine/), given a
// memory maximum, compiled once per process and shared with every worker.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

/** Where `npm run build:engine` (part of `prepare`) writes the module. */
export function wasmPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url)); // dist/src/engine
  return path.resolve(here, '../../engine/slipway-engine.wasm');
}

export class EngineMissingError extends Error {}

let compiled: Promise<WebAssembly.Module> | undefined;
let compiledAs = '';

/**
 * How V8 compiles the module. `tiered` (V8's default) starts with baseline code and recompiles hot
 * functions with its optimizing compiler on background threads; `baseline` keeps the baseline code
 * (V8's --liftoff-only). The 90 MiB module's hot code costs a few CPU seconds to optimize, which
 * on two cores slows a short run by a third and pays off only over a few hundred builds or any
 * Helm rendering (templates run about twice as fast optimized); measured in bench/peers.ts.
 */
export type Compilation = 'tiered' | 'baseline';

/** The compiled module with its memory capped at `maxMiB`; compiled once per process and setting. */
export function compileEngine(maxMiB: number, compilation: Compilation = 'tiered'): Promise<WebAssembly.Module> {
  const as = `${maxMiB}|${compilation}`;
  if (compiled && compiledAs === as) return compiled;
  const file = wasmPath();
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(fs.readFileSync(file));
  } catch {
    throw new EngineMissingError(`the engine is not built (${file} is missing): run \`npm run build:engine\` (needs Go 1.26 or newer)`);
  }
  compiledAs = as;
  // a V8 setting read when a module is compiled and tiered up; nothing else in Slipway compiles WebAssembly
  v8.setFlagsFromString(compilation === 'baseline' ? '--liftoff-only' : '--no-liftoff-only');
  compiled = WebAssembly.compile(withMemoryMaximum(bytes, Math.floor((maxMiB * 1024 * 1024) / 65536)));
  return compiled;
}

/**
 * Rewrites the module's own memory to declare a maximum of `pages` (64 KiB each). Go defines its
 * memory without one; with it, a build that wants more fails inside the engine ("out of memory")
 * instead of taking the machine's memory.
 */
export function withMemoryMaximum(bytes: Uint8Array<ArrayBuffer>, pages: number): Uint8Array<ArrayBuffer> {
  if (bytes.length < 8 || readU32(bytes, 0) !== 0x6d736100) throw new Error('not a WebAssembly module');
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const size = readLeb(bytes, at + 1);
    const body = size.next;
    if (id === 5) {
      const count = readLeb(bytes, body);
      if (count.value !== 1) return bytes;
      const flags = bytes[count.next];
      if (flags !== 0) return bytes; // already bounded (or shared / 64-bit): leave it alone
      const min = readLeb(bytes, count.next + 1);
      const section = [...writeLeb(1), 1, ...writeLeb(min.value), ...writeLeb(Math.max(pages, min.value))];
      const rest = bytes.subarray(body + size.value);
      const out = new Uint8Array(at + 1 + writeLeb(section.length).length + section.length + rest.length);
      out.set(bytes.subarray(0, at + 1), 0);
      let o = at + 1;
      for (const b of [...writeLeb(section.length), ...section]) out[o++] = b;
      out.set(rest, o);
      return out;
    }
    at = body + size.value;
  }
  return bytes;
}

function readU32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

function readLeb(b: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = b[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return { value, next: at };
}

function writeLeb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}
