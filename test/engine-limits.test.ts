// The engine's limits and faults: a call that runs too long, an instance that runs out of memory,
// and a panic inside upstream code each become a failure result (never an exception, a crash or
// a hang), and the engine keeps serving calls afterwards. `slipway build` turns them into a
// one-line exit-2 message, and builds `../base` inside its default root.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openEngine } from '../src/engine/index.js';
import { repoRoot } from './helpers.js';

const bin = path.join(repoRoot, 'bin', 'slipway');

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

describe('engine limits and faults', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-limits-'));
    write(root, {
      'ok/kustomization.yaml': 'resources:\n- cm.yaml\n',
      'ok/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
      // kustomize v5.8.1 dereferences a nil regexp for an image name that does not compile
      'panics/kustomization.yaml': 'resources:\n- deploy.yaml\nimages:\n- name: "["\n  newTag: "1"\n',
      // a strategic-merge patch of a container list needs kustomize's OpenAPI schema (merge keys)
      'schema/kustomization.yaml': 'resources:\n- ../panics/deploy.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: d\n    spec:\n      template:\n        spec:\n          containers:\n          - name: c\n            image: redis\n',
      'panics/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: nginx\n',
    });
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('a short build-only workload (baseline-compiled code) builds exactly what the default engine builds', async () => {
    const short = await openEngine([root], { workers: 1, workload: { builds: 2, renders: 0 } });
    const tiered = await openEngine([root], { workers: 1 });
    try {
      // a build, a refusal (../ outside the root) and a panic: the same answers
      for (const dir of ['ok', 'schema', 'panics']) {
        const [a, b] = await Promise.all([short.kustomizeBuild({ root, dir }), tiered.kustomizeBuild({ root, dir })]);
        assert.equal(a.ok, dir === 'ok', dir);
        assert.deepEqual(a, b, dir);
      }
    } finally {
      await Promise.all([short.close(), tiered.close()]);
    }
  });

  it('a panic in kustomize is a failure of kind panic, and the next call works', async () => {
    const engine = await openEngine([root], { workers: 1 });
    try {
      const r = await engine.kustomizeBuild({ root, dir: 'panics' });
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.error.kind, 'panic');
      assert.match(!r.ok ? r.error.message : '', /panicked/);
      const again = await engine.kustomizeBuild({ root, dir: 'ok' });
      assert.ok(again.ok && again.resources.length === 1);
    } finally {
      await engine.close();
    }
  });

  it('a call over the time limit is a timeout; the worker is replaced', async () => {
    const engine = await openEngine([root], { workers: 1, timeoutMs: 1 });
    try {
      const r = await engine.kustomizeBuild({ root, dir: 'ok' });
      assert.equal(!r.ok && r.error.kind, 'timeout');
      assert.match(!r.ok ? r.error.message : '', /gave up after .*SLIPWAY_ENGINE_TIMEOUT_MS/);
    } finally {
      await engine.close();
    }
    const patient = await openEngine([root], { workers: 1 });
    try {
      assert.ok((await patient.kustomizeBuild({ root, dir: 'ok' })).ok);
    } finally {
      await patient.close();
    }
  });

  it('an instance over its memory cap fails with kind memory, in one line', async () => {
    // 48 MiB: the Go runtime starts (the engine with Helm needs more than 40 MiB for that), and
    // kustomize's built-in OpenAPI schema (about 40 MiB parsed) does not fit
    const engine = await openEngine([root], { workers: 1, memoryMiB: 48 });
    try {
      const r = await engine.kustomizeBuild({ root, dir: 'schema', loadRestrictor: 'none' });
      assert.equal(r.ok, false);
      assert.ok(!r.ok && (r.error.kind === 'memory' || r.error.kind === 'crash'), JSON.stringify(r));
      assert.match(!r.ok ? r.error.message : '', /out of memory|SLIPWAY_ENGINE_MEMORY_MB/);
      assert.ok(!r.ok && !r.error.message.includes('\n'), 'one line');
    } finally {
      await engine.close();
    }
  });

  it('slipway build: a panic is a one-line exit 2; ../base builds inside the default root', () => {
    const panic = spawnSync(process.execPath, [bin, 'build', 'panics'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    assert.equal(panic.status, 2, panic.stderr);
    assert.equal(panic.stderr.trim().split('\n').length, 1, panic.stderr);
    write(root, {
      'app/base/kustomization.yaml': 'resources:\n- cm.yaml\n',
      'app/base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base\n',
      'app/overlay/kustomization.yaml': 'resources:\n- ../base\nnamePrefix: o-\n',
    });
    // not a git repository: the current directory holds DIR, so it is the root
    const ok = spawnSync(process.execPath, [bin, 'build', 'app/overlay'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: o-base\n');
    // from elsewhere the root is DIR itself: ../base is outside it, refused with how to widen
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-elsewhere-'));
    const outside = spawnSync(process.execPath, [bin, 'build', path.join(root, 'app/overlay')], { cwd: elsewhere, encoding: 'utf8', timeout: 120_000 });
    assert.equal(outside.status, 1, outside.stderr);
    assert.match(outside.stderr, /outside the root .*--root/);
    const widened = spawnSync(process.execPath, [bin, 'build', path.join(root, 'app/overlay'), '--root', root], { cwd: elsewhere, encoding: 'utf8', timeout: 120_000 });
    assert.equal(widened.status, 0, widened.stderr);
    fs.rmSync(elsewhere, { recursive: true, force: true });
  });
});
