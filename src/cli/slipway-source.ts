// Where this Slipway came from, as an npm install spec: the default source of the generated CI.
import { execFileSync } from 'node:child_process';

/**
 * `git+<remote>#<commit>` of the git checkout Slipway runs from, when it is one with a remote;
 * undefined otherwise (an installed tarball, a checkout without a remote).
 */
export function slipwaySource(packageRoot: string): string | undefined {
  const git = (...args: string[]) => execFileSync('git', ['-C', packageRoot, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    if (git('rev-parse', '--show-toplevel') !== packageRoot) return undefined;
    const remote = git('config', '--get', 'remote.origin.url');
    const commit = git('rev-parse', 'HEAD');
    if (!remote || !/^[0-9a-f]{40}$/.test(commit)) return undefined;
    const url = remote.startsWith('git@') ? `ssh://${remote.replace(':', '/')}` : remote;
    return `git+${url}#${commit}`;
  } catch {
    return undefined;
  }
}
