// The sealed-secrets provider (seed 002), on the kind-dev reference fleet switched to it: the
// generated tasks make the cluster's own sealing key, seal every Secret the modules need with
// kubeseal (the real one, which .ci/run builds), and `slipway check` then reads the SealedSecrets
// as the Secrets they produce: 0 errors and 0 warnings against the real schemas, bitnami.com's
// SealedSecret included. Without kubeseal, go-task or openssl the end-to-end test skips.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { runCheck } from '../src/check/engine.js';
import { sealedSecrets } from '../src/catalog/index.js';
import { loadFleetConfig } from '../src/model/load.js';
import type { FleetConfig } from '../src/model/types.js';
import { planFleet, synthesize, writeTree } from '../src/synth/index.js';
import { repoRoot, sharedSchemas } from './helpers.js';
import { planProblems } from './helpers/synth.js';

let fleet: FleetConfig;
before(async () => {
  const sops = await loadFleetConfig(path.join(repoRoot, 'examples', 'kind-dev', 'slipway.config.ts'));
  fleet = { ...sops, secrets: { provider: 'sealed-secrets' }, clusters: sops.clusters.map((c) => ({ ...c, modules: [...c.modules, sealedSecrets()] })) };
});
const problems = planProblems;

describe('sealed-secrets provider', () => {
  it('orders the sealed Secrets after the controller, and bootstraps the repository\'s sealing key', () => {
    const plan = planFleet(fleet);
    for (const cp of plan.clusters) {
      const secrets = cp.units.find((u) => u.unit.name === 'cluster-secrets')!;
      assert.ok(secrets.dependsOn.includes('sealed-secrets'));
      assert.ok(secrets.unit.madeByTask!.files.every((f) => f.endsWith('.sealed.yaml')));
      assert.match(secrets.unit.madeByTask!.readme, /## Rotating the sealing key \(runbook\)/);
    }
    const tree = synthesize(fleet).tree;
    const bootstrap = tree.get('.taskfiles/bootstrap/Taskfile.yaml')!;
    assert.match(bootstrap, /create secret tls sealing-key-.*sealedsecrets\.bitnami\.com\/sealed-secrets-key=active/);
    const tasks = parse(tree.get('.taskfiles/secrets/Taskfile.yaml')!).tasks;
    assert.deepEqual(Object.keys(tasks).sort(), ['key', 'rotate-key', 'seal']);
  });

  it('reports a provider without its controller, and a controller without the provider', () => {
    const noController = { ...fleet, clusters: fleet.clusters.map((c) => ({ ...c, modules: c.modules.filter((m) => m.module.name !== 'sealed-secrets') })) };
    assert.ok(problems(noController).some((m) => /^secrets: .*needs the CRD of bitnami\.com\/SealedSecret/.test(m)), JSON.stringify(problems(noController)));
    const noProvider = { ...fleet, secrets: { provider: 'sops' as const, ageRecipients: ['age1u9gxeyqv66fjdj5dqw5apvc9v84dw8fdukgfyyr64c34550e75zqf992q4'] } };
    assert.ok(problems(noProvider).some((m) => /^clusters\[0\]\.modules\[\d+\]: sealed-secrets on cluster "prod": fleet\.secrets\.provider is sops/.test(m)));
  });
});

const kubeseal = process.env.SLIPWAY_KUBESEAL_BIN ?? 'kubeseal';
const task = process.env.SLIPWAY_TASK_BIN ?? 'task';
const has = (bin: string, args: string[]) => spawnSync(bin, args, { encoding: 'utf8' }).status === 0;

describe('Sealed Secrets end to end', () => {
  let dir: string;
  const tools = has(kubeseal, ['--version']) && has(task, ['--version']) && has('openssl', ['version']);
  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-sealed-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the key, seals every Secret, skips unchanged ones, and check finds 0 errors', { skip: tools ? false : 'needs kubeseal, go-task and openssl (.ci/run installs them)' }, async () => {
    const bin = path.join(dir, '.bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'kubeseal'), `#!/bin/sh\nexec "${kubeseal}" "$@"\n`, { mode: 0o755 });
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    writeTree(dir, synthesize(fleet).tree);
    const run = (...args: string[]) => spawnSync(task, args, { cwd: dir, env, encoding: 'utf8' });
    const values: string[] = [];
    for (const cluster of ['dev', 'prod']) {
      assert.equal(run('secrets:key', `CLUSTER=${cluster}`).status, 0);
      for (const line of readFileSync(path.join(dir, `.taskfiles/secrets/${cluster}.txt`), 'utf8').split('\n')) {
        if (!line || line.startsWith('#')) continue;
        for (const pair of line.split(' ')[2].split(',')) {
          const source = path.join(dir, '.secrets', pair.slice(pair.indexOf('=') + 1));
          // clusters share some sources (one Cloudflare token): a value is written once
          if (existsSync(source)) continue;
          mkdirSync(path.dirname(source), { recursive: true });
          const value = `sealed-plain-${values.length}`;
          writeFileSync(source, value);
          values.push(value);
        }
      }
      const sealed = run('secrets:seal', `CLUSTER=${cluster}`);
      assert.equal(sealed.status, 0, sealed.stderr);
      for (const v of values) assert.ok(!sealed.stdout.includes(v) && !sealed.stderr.includes(v), 'the task never prints a value');
    }
    const files = ['dev', 'prod'].flatMap((c) => walk(path.join(dir, `kubernetes/${c}/apps/flux-system/cluster-secrets/secrets`))).filter((f) => f.endsWith('.sealed.yaml'));
    assert.ok(files.length >= 2);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const v of values) assert.ok(!text.includes(v) && !text.includes(Buffer.from(v).toString('base64')), `${f} holds a plaintext value`);
      const doc = parse(text);
      assert.equal(doc.kind, 'SealedSecret');
      assert.ok(Object.keys(doc.spec.encryptedData).length > 0);
    }
    const mtimes = files.map((f) => statSync(f).mtimeMs);
    assert.equal(run('secrets:seal', 'CLUSTER=dev').status, 0);
    assert.deepEqual(files.map((f) => statSync(f).mtimeMs), mtimes, 'nothing resealed without a change');
    const result = await runCheck(dir, { schemaDirs: [sharedSchemas], cacheDir: false, render: false });
    assert.deepEqual(result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.rule} ${f.file}:${f.line} ${f.message}`), []);
  });
});

function walk(d: string): string[] {
  try {
    return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  } catch {
    return [];
  }
}
