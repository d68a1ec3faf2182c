// `slipway graph` data on Flux's own example: bootstrap folders found, ExternalArtifact paths
// mapped back through the ArtifactGenerator, waves and critical path from dependsOn, and the
// DESIGN §3 JSON shape.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadFlux } from '../src/repo/flux/index.js';
import { graphJson, graphMermaid } from '../src/repo/flux/graph-view.js';
import { repoRoot } from './helpers.js';

const example = path.resolve(repoRoot, '..', 'shared', 'corpus', 'fluxcd__flux2-kustomize-helm-example');

describe('flux graph of fluxcd/flux2-kustomize-helm-example', async () => {
  const repo = await loadFlux(example);
  const json = graphJson(repo);

  it('finds both bootstrap clusters', () => {
    assert.deepEqual(json.clusters.map((c) => [c.name, c.root]), [['production', 'clusters/production'], ['staging', 'clusters/staging']]);
  });

  it('resolves ExternalArtifact paths through the ArtifactGenerator copies', () => {
    const staging = json.clusters.find((c) => c.name === 'staging')!;
    const byName = Object.fromEntries(staging.kustomizations.map((k) => [k.name, k]));
    assert.equal(byName.apps.path, 'apps/staging');
    assert.equal(byName['infra-configs'].path, 'infrastructure/configs');
    assert.ok(staging.kustomizations.every((k) => k.status === 'built'), JSON.stringify(staging.kustomizations.map((k) => k.problems)));
  });

  it('orders by dependsOn: waves and the critical path', () => {
    const staging = json.clusters.find((c) => c.name === 'staging')!;
    assert.deepEqual(staging.waves, [['flux-system/flux-system', 'flux-system/infra-controllers'], ['flux-system/infra-configs'], ['flux-system/apps']]);
    assert.deepEqual(staging.criticalPath, ['flux-system/infra-controllers', 'flux-system/infra-configs', 'flux-system/apps']);
    assert.equal(staging.kustomizations.find((k) => k.name === 'apps')!.wave, 2);
  });

  it('says what each Kustomization provides', () => {
    const apps = json.clusters[1].kustomizations.find((k) => k.name === 'apps')!;
    assert.deepEqual(apps.provides.namespaces, ['podinfo']);
    assert.deepEqual(apps.provides.crds, []);
  });

  it('renders Mermaid edges in reconcile order', () => {
    const m = graphMermaid(repo);
    assert.match(m, /^flowchart LR/);
    assert.equal((m.match(/-->/g) ?? []).length, 4);
  });
});
