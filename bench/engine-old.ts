// The engine the Go one replaced: slipway's own TypeScript kustomize as of git commit 0cb8d40,
// taken from git history (src/repo/kustomize/index.ts and everything it imports), transpiled
// with the `typescript` package into a temporary folder and imported from there.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export const OLD_ENGINE_COMMIT = '0cb8d40';
const ENTRY = 'src/repo/kustomize/index.ts';

export interface OldBuildOptions {
  root?: string;
  reorder?: 'legacy' | 'none';
  loadRestrictions?: 'rootOnly' | 'none';
  cache?: unknown;
}

export interface OldEngine {
  buildKustomization(dir: string, opts?: OldBuildOptions): { ok: boolean };
  createBuildCache(): unknown;
  /** How many source files were taken from git. */
  files: number;
}

/** The old engine, or why it cannot be had (no git, no such commit in this checkout). */
export async function loadOldEngine(top: string, into: string): Promise<OldEngine | { skipped: string }> {
  const git = (...args: string[]) => execFileSync('git', ['-C', top, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    git('rev-parse', '--verify', '--quiet', `${OLD_ENGINE_COMMIT}^{commit}`);
  } catch (err) {
    const why = (err as { code?: string }).code === 'ENOENT' ? 'git is not installed' : `this checkout has no commit ${OLD_ENGINE_COMMIT} (no git history, or a shallow clone)`;
    return { skipped: why };
  }
  const ts = (await import('typescript')).default;
  // the import closure of the entry, read from the commit
  const seen = new Set<string>();
  const todo = [ENTRY];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = git('show', `${OLD_ENGINE_COMMIT}:${file}`);
    for (const m of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)'(\.\.?\/[^']+)'/g)) {
      todo.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1].replace(/\.js$/, '.ts'))));
    }
    const out = ts.transpileModule(source, { fileName: file, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } });
    const target = path.join(into, file.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, out.outputText);
  }
  // ES modules, and its one package dependency (yaml) from this project's node_modules
  fs.writeFileSync(path.join(into, 'package.json'), '{"type":"module"}\n');
  fs.symlinkSync(path.join(top, 'node_modules'), path.join(into, 'node_modules'), 'dir');
  const mod = (await import(pathToFileURL(path.join(into, ENTRY.replace(/\.ts$/, '.js'))).href)) as Omit<OldEngine, 'files'>;
  return { buildKustomization: mod.buildKustomization, createBuildCache: mod.createBuildCache, files: seen.size };
}
