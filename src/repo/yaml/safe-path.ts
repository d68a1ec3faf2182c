// Confines every file access to one root directory: `../` segments and symlinks that lead
// outside the root are refused, so a hostile repository cannot make us read /etc/passwd.
import * as fs from 'node:fs';
import * as path from 'node:path';

export class PathEscapeError extends Error {
  constructor(readonly requested: string, readonly root: string, detail: string) {
    super(`'${requested}' is outside the root '${root}' (${detail}); only files inside the root may be read`);
  }
}

/** Real path of the root, cached: roots are reused across thousands of reads. */
const realRoots = new Map<string, string>();
function realRoot(root: string): string {
  const abs = path.resolve(root);
  let real = realRoots.get(abs);
  if (real === undefined) {
    // the native realpath(3) is one system call; the JS version lstat()s every path segment
    real = fs.realpathSync.native(abs);
    realRoots.set(abs, real);
  }
  return real;
}

export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

/** What lstat said of a path (links and existing folders only; a check reads the same folders often). */
const seen = new Map<string, { link?: string }>();

/**
 * Resolves `relOrAbs` against `root` and returns the absolute path if the lexical path and every
 * symlink on the way stay inside the root. Links are followed here, one component at a time, by
 * their text: a link whose target leaves the root is refused without looking at the target, so
 * nothing outside the root is ever opened, stat()ed or resolved. Missing files are allowed as
 * long as the lexical path stays inside (the caller reports "not found").
 */
export function resolveInsideRoot(root: string, relOrAbs: string): string {
  const absRoot = path.resolve(root);
  const abs = path.resolve(absRoot, relOrAbs);
  if (!isInside(absRoot, abs)) throw new PathEscapeError(relOrAbs, absRoot, 'path leaves the root');
  const top = realRoot(absRoot);
  let rest = path.relative(absRoot, abs).split(path.sep).filter(Boolean);
  let cur = top;
  for (let hops = 0; rest.length > 0; ) {
    const next = path.join(cur, rest[0]);
    let entry = seen.get(next);
    if (!entry) {
      let st: fs.Stats;
      try {
        st = fs.lstatSync(next);
      } catch {
        return abs; // does not exist (yet): the lexical check above is all we can do
      }
      entry = st.isSymbolicLink() ? { link: fs.readlinkSync(next) } : {};
      if (st.isSymbolicLink() || st.isDirectory()) {
        if (seen.size > 200_000) seen.clear();
        seen.set(next, entry);
      }
    }
    if (entry.link === undefined) {
      cur = next;
      rest = rest.slice(1);
      continue;
    }
    const target = path.resolve(path.dirname(next), entry.link);
    if (!isInside(top, target) || ++hops > 40) {
      throw new PathEscapeError(relOrAbs, absRoot, hops > 40 ? 'too many levels of symlinks' : `a symlink points to '${target}'`);
    }
    rest = [...path.relative(top, target).split(path.sep).filter(Boolean), ...rest.slice(1)];
    cur = top;
  }
  return abs;
}
