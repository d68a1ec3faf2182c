// Flux postBuild substitution as kustomize-controller does it, through the engine (Flux's own
// fluxcd/pkg/kustomize + envsubst): what is substituted, re-typed, skipped, reported unresolved,
// and refused — with each resource's source file and line.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openEngine, type Engine } from '../src/engine/index.js';
import { EngineDirectoryBuilder, type BuildOutcome } from '../src/repo/flux/index.js';

const ks = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'app', namespace: 'flux-system' },
  spec: { path: './app', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, ...spec },
});

describe('Flux variable substitution (engine)', () => {
  let root: string;
  let engine: Engine;
  let builder: EngineDirectoryBuilder;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-subst-'));
    engine = await openEngine([root], { workers: 1 });
    builder = new EngineDirectoryBuilder(root, engine);
  });
  after(async () => {
    await engine.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** Builds one folder holding `yaml` (no kustomization.yaml: Flux generates one). */
  async function build(name: string, yaml: string, variables: Record<string, string> | null): Promise<Extract<BuildOutcome, { ok: true }>> {
    fs.mkdirSync(path.join(root, name), { recursive: true });
    fs.writeFileSync(path.join(root, name, 'resources.yaml'), yaml);
    const out = await builder.fluxBuild({ dir: name, kustomization: ks({ path: `./${name}` }), variables });
    assert.ok(out.ok, out.ok ? '' : out.message);
    return out as Extract<BuildOutcome, { ok: true }>;
  }
  const data = (out: Extract<BuildOutcome, { ok: true }>, i = 0) => out.resources[i].object.data as Record<string, unknown>;

  it('substitutes only the braced form; bare $VAR stays for scripts; $$ escapes', async () => {
    const out = await build('braced', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: host=${DOMAIN} home=$HOME cost=$5\n  b: a $${DOMAIN} b\n', { DOMAIN: 'example.org', HOME: '/x' });
    assert.equal(data(out).a, 'host=example.org home=$HOME cost=$5');
    assert.equal(data(out).b, 'a ${DOMAIN} b');
    assert.deepEqual(out.resources[0].unresolved ?? [], []);
    assert.equal(out.generated, true, 'the folder has no kustomization.yaml: Flux generates one');
  });

  it('applies defaults when unset, and reports variables without value or default', async () => {
    const out = await build('defaults', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: ${MISSING:=d1}|${MISSING:-d2}|${SET:=fallback}\n  b: x-${NOPE}-y\n', { SET: 'v' });
    assert.equal(data(out).a, 'd1|d2|v');
    assert.equal(data(out).b, 'x--y', 'Flux inserts "" in non-strict mode');
    assert.deepEqual(out.resources[0].unresolved, ['NOPE']);
    assert.deepEqual(out.resources[0].origin, { file: 'defaults/resources.yaml', line: 1 });
  });

  it('supports bash string operations', async () => {
    const out = await build('bash', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: ${APP^}|${APP^^}|${#APP}\n  b: ${V#v}|${APP%-*}|${APP/-/_}|${APP:0:4}\n', { APP: 'home-assistant', V: 'v1.2.3' });
    assert.equal(data(out).a, 'Home-assistant|HOME-ASSISTANT|14');
    assert.equal(data(out).b, '1.2.3|home|home_assistant|home');
  });

  it('re-types a value that was one expression, as Flux re-parses the YAML', async () => {
    const out = await build('retype', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${APP}\nspec:\n  replicas: ${REPLICAS}\n  paused: ${PAUSED:=false}\n', { APP: 'web', REPLICAS: '3' });
    const o = out.resources[0].object as { metadata: { name: string }; spec: Record<string, unknown> };
    assert.equal(o.metadata.name, 'web');
    assert.equal(o.spec.replicas, 3);
    assert.equal(o.spec.paused, false);
  });

  it('skips resources annotated kustomize.toolkit.fluxcd.io/substitute: disabled', async () => {
    const out = await build('disabled', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dash\n  annotations:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\ndata:\n  json: ${DS_PROMETHEUS}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata:\n  a: ${X}\n', { X: '1' });
    assert.equal(data(out, 0).json, '${DS_PROMETHEUS}');
    assert.deepEqual(out.resources[0].unresolved ?? [], []);
    // Flux re-parses the substituted YAML: an unquoted value that was one expression is a number now
    assert.equal(data(out, 1).a, 1);
    assert.deepEqual(out.resources[1].origin, { file: 'disabled/resources.yaml', line: 10 });
  });

  it('reports what Flux refuses, per resource', async () => {
    const out = await build('malformed', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: ${{ github.token }}\n', { A: 'x' });
    assert.match(out.resources[0].substituteError ?? '', /variable substitution failed|envsubst/);
  });

  it("applies the spec as Flux's generator does: targetNamespace, namePrefix, patches, images, commonMetadata", async () => {
    fs.mkdirSync(path.join(root, 'spec'), { recursive: true });
    fs.writeFileSync(path.join(root, 'spec', 'app.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    team: a\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.0\n');
    const out = await builder.fluxBuild({
      dir: 'spec',
      kustomization: ks({
        path: './spec', targetNamespace: 'apps', namePrefix: 'p-',
        patches: [{ patch: '- op: add\n  path: /spec/replicas\n  value: 2', target: { kind: 'Deployment' } }],
        images: [{ name: 'nginx', newTag: '1.27' }],
        commonMetadata: { labels: { team: 'platform', owner: 'x' }, annotations: { note: 'y' } },
      }),
      variables: null,
    });
    assert.ok(out.ok, out.ok ? '' : out.message);
    const d = (out as Extract<BuildOutcome, { ok: true }>).resources[0].object as any;
    assert.equal(d.metadata.name, 'p-web');
    assert.equal(d.metadata.namespace, 'apps');
    assert.equal(d.spec.replicas, 2);
    assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.27');
    assert.deepEqual(d.metadata.labels, { team: 'platform', owner: 'x' }, 'commonMetadata wins over the object');
    assert.deepEqual(d.metadata.annotations, { note: 'y' });
  });

  it('does nothing without postBuild', async () => {
    const out = await build('none', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: ${X}\n', null);
    assert.equal(data(out).a, '${X}');
  });
});
