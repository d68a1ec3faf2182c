// Writes a FileTree to disk. Re-synth is safe: files written earlier and no longer
// produced are removed, and only those — the list of what slipway wrote lives in
// .slipway/generated.txt, so a file the user added by hand is never touched.
import { accessSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FileTree } from './tree.js';

export const MANIFEST = '.slipway/generated.txt';

/** The output folder cannot be made or written; the message says which path and why. */
export class OutputDirError extends Error {}

/**
 * Makes the output folder, one level at a time, and proves it writable. Not
 * `mkdirSync(…, { recursive: true })`: under /proc that call never returns (Node retries the
 * ENOENT the kernel keeps giving), and its ENOTDIR below a file names no culprit.
 */
export function prepareOutDir(outDir: string): void {
  const missing: string[] = [];
  let dir = outDir;
  while (!existsSync(dir)) {
    missing.unshift(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new OutputDirError(`${dir} is a file, not a folder`);
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (err) {
      throw new OutputDirError(`cannot create ${level} (${(err as NodeJS.ErrnoException).code ?? String(err)}); choose a folder you can write`);
    }
  }
  try {
    accessSync(outDir, constants.W_OK);
  } catch {
    throw new OutputDirError(`${outDir} is not writable; choose a folder you can write`);
  }
}

export interface WriteResult {
  written: number;
  unchanged: number;
  removed: string[];
}

export function writeTree(outDir: string, tree: FileTree): WriteResult {
  prepareOutDir(outDir);
  const previous = readManifest(outDir);
  const result: WriteResult = { written: 0, unchanged: 0, removed: [] };
  for (const rel of tree.paths()) {
    const target = path.join(outDir, rel);
    const content = tree.get(rel)!;
    if (existsSync(target) && readFileSync(target, 'utf8') === content) {
      result.unchanged++;
      continue;
    }
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
    result.written++;
  }
  const current = new Set(tree.paths());
  for (const rel of previous) {
    if (current.has(rel) || !isInside(rel)) continue;
    rmSync(path.join(outDir, rel), { force: true });
    removeEmptyParents(outDir, path.dirname(rel));
    result.removed.push(rel);
  }
  mkdirSync(path.join(outDir, path.dirname(MANIFEST)), { recursive: true });
  writeFileSync(path.join(outDir, MANIFEST), `${tree.paths().join('\n')}\n`);
  return result;
}

function readManifest(outDir: string): string[] {
  const file = path.join(outDir, MANIFEST);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

/** A manifest line never points outside the output folder, even if someone edited it. */
const isInside = (rel: string) => !path.isAbsolute(rel) && !rel.split(/[\\/]/).includes('..');

function removeEmptyParents(outDir: string, relDir: string): void {
  for (let dir = relDir; dir && dir !== '.'; dir = path.dirname(dir)) {
    const abs = path.join(outDir, dir);
    if (!existsSync(abs) || readdirSync(abs).length) return;
    rmdirSync(abs);
  }
}
