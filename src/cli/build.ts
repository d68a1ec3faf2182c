// `slipway build DIR [--reorder legacy|none]`: kustomize build, YAML stream on stdout, by
// kustomize's own code (the engine). Exit codes: 0 built, 1 the kustomization cannot be built
// or needs what an offline build cannot have (one-line reason on stderr), 2 DIR unreadable or
// bad arguments.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from './errors.js';

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('build a kustomization directory like `kustomize build` (offline: no remote bases, Helm charts or plugins)')
    .argument('<dir>', 'directory holding kustomization.yaml')
    .option('--reorder <order>', 'output order when the kustomization has no sortOptions: legacy or none', 'legacy')
    .option('--load-restrictor <mode>', 'LoadRestrictionsRootOnly (default, as kustomize) or LoadRestrictionsNone (files anywhere inside --root)', 'LoadRestrictionsRootOnly')
    .option('--root <dir>', 'nothing outside it is read (default: the git repository holding DIR, else the current directory when DIR is inside it, else DIR)')
    .action(async (dir: string, opts: { reorder: string; root?: string; loadRestrictor: string }) => {
      if (opts.loadRestrictor !== 'LoadRestrictionsRootOnly' && opts.loadRestrictor !== 'LoadRestrictionsNone') {
        throw new UsageError(`--load-restrictor must be LoadRestrictionsRootOnly or LoadRestrictionsNone, not '${opts.loadRestrictor}'`);
      }
      if (opts.reorder !== 'legacy' && opts.reorder !== 'none') {
        throw new UsageError(`--reorder must be 'legacy' or 'none', not '${opts.reorder}'`);
      }
      const absDir = path.resolve(dir);
      const root = path.resolve(opts.root ?? defaultRoot(absDir));
      if (!isDirectory(root)) throw new UsageError(`cannot read --root directory '${opts.root}'`);
      // DIR is checked against the root before it is looked at: a link out of the root is
      // refused by its text, its target never touched
      const { resolveInsideRoot, PathEscapeError } = await import('../repo/yaml/safe-path.js');
      try {
        resolveInsideRoot(root, absDir);
      } catch (err) {
        if (err instanceof PathEscapeError) throw new UsageError(`'${dir}' is outside the root '${root}' (${err.message.replace(/^.*\((.*)\).*$/, '$1')}): pass a --root that contains it`);
        throw err;
      }
      if (!isDirectory(absDir)) throw new UsageError(`cannot read directory '${dir}'`);
      const { openEngine } = await import('../engine/index.js');
      const { describeBuildFailure } = await import('../repo/build-failure.js');
      const engine = await openEngine([root], { workers: 1 });
      const result = await engine.kustomizeBuild({
        root,
        dir: absDir,
        reorder: opts.reorder as 'legacy' | 'none',
        loadRestrictor: opts.loadRestrictor === 'LoadRestrictionsNone' ? 'none' : 'rootOnly',
      });
      await engine.close();
      if (!result.ok) {
        const failure = describeBuildFailure(result.error, { root, restrictor: opts.loadRestrictor });
        process.stderr.write(`slipway: ${failure.offline ? 'not verified' : 'build failed'}: ${failure.message.replace(/\s*\n\s*/g, ' ')}\n`);
        process.exitCode = failure.internal ? 2 : 1;
        return;
      }
      process.stdout.write(result.yaml ?? '');
    });
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The git work tree holding DIR (bases usually live beside the overlay), else the current
 * directory when DIR is inside it, else DIR itself. Only the part of DIR before its first
 * symlink is searched, so that finding the root never follows a link.
 */
function defaultRoot(absDir: string): string {
  let prefix = path.parse(absDir).root;
  for (const part of absDir.split(path.sep).filter(Boolean)) {
    const next = path.join(prefix, part);
    const st = lstat(next);
    if (!st || st.isSymbolicLink()) break;
    prefix = next;
  }
  for (let cur = prefix; ; cur = path.dirname(cur)) {
    if (lstat(path.join(cur, '.git'))) return cur;
    if (path.dirname(cur) === cur) break;
  }
  const cwd = process.cwd();
  return isInside(cwd, absDir) ? cwd : absDir;
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}
