// Every corpus repository, loaded as Flux would see it: each path a Flux Kustomization points at
// builds, or fails for a reason that is truly outside offline reach (a remote source, a remote
// kustomize base, Helm, unrendered templates). Prints one summary line per repository.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadFlux } from '../src/repo/flux/index.js';
import { summarizeRepository } from '../bench/corpus-summary.js';
import { repoRoot } from './helpers.js';

const corpus = path.resolve(repoRoot, '..', 'shared', 'corpus');
const repositories = readdirSync(corpus).filter((d) => statSync(path.join(corpus, d)).isDirectory()).sort();

describe('corpus repositories load and build', () => {
  it('finds the corpus', () => assert.ok(repositories.length >= 6, `only ${repositories.length} repositories in ${corpus}`));

  for (const name of repositories) {
    it(name, async () => {
      const repo = await loadFlux(path.join(corpus, name));
      const summary = summarizeRepository(name, repo);
      console.log(summary.line);
      // a repository made only of templates has no entry point, and says why
      if (repo.clusters.length === 0) {
        assert.ok(repo.problems.some((p) => p.code === 'no-entry-point' && p.offline), `${name}: no cluster found: ${repo.problems.map((p) => p.message).join('; ')}`);
        return;
      }
      assert.ok(summary.kustomizations > 0, `${name}: no Kustomizations`);
      assert.deepEqual(summary.unexplainedFailures, [], `${name}: Kustomizations that fail for a reason within offline reach`);
    });
  }
});
