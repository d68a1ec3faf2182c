// The kind provider and the SOPS secrets provider, on the kind-dev reference fleet (seed 004: a
// Talos production cluster and a kind development cluster, secrets encrypted with SOPS).
// Judged by what kind, Flux and sops do with the output: the kind config carries the model's
// networks with Cilium in place of the CNI and kube-proxy; the same modules shrink to one
// replica and local storage; no credential request reaches a store that does not exist; and,
// with sops and go-task installed (.ci/run builds both), the generated task really encrypts
// every Secret from the local vault — no value in plaintext — after which `slipway check`
// finds 0 errors and 0 warnings against the real schemas.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { runCheck } from '../src/check/engine.js';
import { externalSecrets, rookCeph, victoriaLogs } from '../src/catalog/index.js';
import { loadFleetConfig } from '../src/model/load.js';
import type { ClusterConfig, FleetConfig } from '../src/model/types.js';
import { validateFleet } from '../src/model/validate.js';
import { synthesize, writeTree } from '../src/synth/index.js';
import { repoRoot, sharedSchemas } from './helpers.js';
import { planProblems, synthesizedObjects } from './helpers/synth.js';

const kindDevConfig = path.join(repoRoot, 'examples', 'kind-dev', 'slipway.config.ts');
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: any };

let fleet: FleetConfig;
before(async () => { fleet = await loadFleetConfig(kindDevConfig); });

const objectsOf = (f: FleetConfig, cluster: string): Obj[] => synthesizedObjects(f, `kubernetes/${cluster}/`);
const release = (objs: Obj[], name: string) => objs.find((o) => o.kind === 'HelmRelease' && o.metadata.name === name)!.spec.values;
const withCluster = (f: FleetConfig, name: string, change: (c: ClusterConfig) => ClusterConfig): FleetConfig =>
  ({ ...f, clusters: f.clusters.map((c) => (c.name === name ? change(c) : c)) });

describe('kind provider', () => {
  it('writes a kind config with the model\'s networks, no CNI and no kube-proxy, one container per node', () => {
    const tree = synthesize(fleet).tree;
    const config = parse(tree.get('kind/dev.yaml')!);
    const dev = fleet.clusters.find((c) => c.name === 'dev')!;
    assert.equal(config.apiVersion, 'kind.x-k8s.io/v1alpha4');
    assert.equal(config.name, 'dev');
    assert.equal(config.networking.podSubnet, dev.network.podCIDR);
    assert.equal(config.networking.serviceSubnet, dev.network.serviceCIDR);
    assert.equal(config.networking.disableDefaultCNI, true);
    assert.equal(config.networking.kubeProxyMode, 'none');
    assert.deepEqual(config.nodes.map((n: { role: string }) => n.role), ['control-plane', 'worker']);
    for (const n of config.nodes) assert.equal(n.image, `kindest/node:v${dev.kubernetesVersion}`);
    // the Taskfiles' kubeconfig guard compares the server with this endpoint
    assert.match(tree.get('.taskfiles/clusters/dev.env')!, new RegExp(`CLUSTER_ENDPOINT=https://127\\.0\\.0\\.1:${config.networking.apiServerPort}\\n`));
    assert.equal(tree.get('talos/dev/cluster.yaml'), undefined, 'no Talos patches for a kind cluster');
    assert.ok(tree.get('talos/prod/cluster.yaml'));
  });

  it('points Cilium at the kind API server and announces LoadBalancer addresses on L2 instead of BGP', () => {
    const dev = objectsOf(fleet, 'dev');
    const values = release(dev, 'cilium');
    assert.equal(values.k8sServiceHost, 'dev-control-plane');
    assert.equal(values.k8sServicePort, 6443);
    assert.equal(values.l2announcements.enabled, true);
    assert.equal(values.bgpControlPlane.enabled, false);
    assert.equal(values.cgroup, undefined, 'Talos-only cgroup settings are not applied on kind');
    assert.equal(dev.filter((o) => o.kind === 'CiliumL2AnnouncementPolicy').length, 1);
    const prod = objectsOf(fleet, 'prod');
    assert.equal(release(prod, 'cilium').k8sServicePort, 7445, 'Talos keeps KubePrism');
    assert.equal(prod.filter((o) => o.kind === 'CiliumL2AnnouncementPolicy').length, 0, 'BGP clusters do not announce on L2');
  });

  it('runs the same modules dev-sized: one replica, the local storage class; the user\'s overrides still win', () => {
    const withLogs = (f: FleetConfig, extra: ClusterConfig['modules']) => withCluster(f, 'dev', (c) => ({ ...c, modules: [...c.modules, ...extra] }));
    const dev = objectsOf(withLogs(fleet, [victoriaLogs()]), 'dev');
    const prod = objectsOf(fleet, 'prod');
    assert.equal(release(dev, 'cilium').operator.replicas, 1);
    assert.equal(release(prod, 'cilium').operator.replicas, 2);
    assert.equal(release(dev, 'podinfo').replicaCount, 1);
    assert.equal(release(dev, 'victoria-logs').server.persistentVolume.storageClassName, 'openebs-hostpath');
    // without OpenEBS, kind's own local-path class — present on every kind cluster, so no plan error
    const noOpenebs = withCluster(withLogs(fleet, [victoriaLogs()]), 'dev', (c) => ({ ...c, modules: c.modules.filter((m) => m.module.name !== 'openebs') }));
    assert.equal(release(objectsOf(noOpenebs, 'dev'), 'victoria-logs').server.persistentVolume.storageClassName, 'standard');
    const pinned = objectsOf(withLogs(fleet, [victoriaLogs({ storageClass: 'openebs-hostpath', size: '1Gi' })]), 'dev');
    assert.equal(release(pinned, 'victoria-logs').server.persistentVolume.size, '1Gi');
  });

  it('reports kind-specific config mistakes at their config path', () => {
    const dev = fleet.clusters.findIndex((c) => c.name === 'dev');
    const bad = withCluster(fleet, 'dev', (c) => ({
      ...c,
      network: { ...c.network, controlPlaneEndpoint: '172.18.0.2', bgp: { localASN: 65000, peers: [] } },
      nodes: [{ ...c.nodes[0], address: '172.18.0.2', installDisk: '/dev/sda' }, c.nodes[1]],
    }));
    const msgs = validateFleet(bad).map((p) => `${p.path}: ${p.message}`);
    for (const at of ['nodes[0].address', 'nodes[0].installDisk', 'network.controlPlaneEndpoint', 'network.bgp']) {
      assert.ok(msgs.some((m) => m.startsWith(`clusters[${dev}].${at}: `)), `${at} in ${JSON.stringify(msgs)}`);
    }
    const ceph = withCluster(fleet, 'dev', (c) => ({ ...c, modules: [...c.modules, rookCeph()] }));
    const problems = planProblems(ceph);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0], new RegExp(`^clusters\\[${dev}\\]\\.modules\\[${fleet.clusters[dev].modules.length}\\]: rook-ceph on kind cluster "dev": .*openebs`));
  });

  it('asks Talos nodes for what kind nodes go without', () => {
    const prod = fleet.clusters.findIndex((c) => c.name === 'prod');
    const bad = withCluster(fleet, 'prod', (c) => ({ ...c, network: { ...c.network, controlPlaneEndpoint: undefined }, nodes: [{ name: 'prod-01', role: 'controlplane' }] }));
    const msgs = validateFleet(bad).map((p) => `${p.path}: ${p.message}`);
    for (const at of ['network.controlPlaneEndpoint', 'nodes[0].address', 'nodes[0].installDisk']) {
      assert.ok(msgs.some((m) => m.startsWith(`clusters[${prod}].${at}: is required on talos`)), `${at} in ${JSON.stringify(msgs)}`);
    }
  });
});

describe('SOPS secrets provider', () => {
  it('delivers every credential a module asks for through the cluster-secrets unit, never an ExternalSecret', () => {
    const tree = synthesize(fleet).tree;
    for (const cluster of ['dev', 'prod']) {
      const objs = objectsOf(fleet, cluster);
      assert.equal(objs.filter((o) => o.kind === 'ExternalSecret' || o.kind === 'ClusterSecretStore').length, 0);
      const ks = objs.filter((o) => o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit'));
      const secrets = ks.find((k) => k.metadata.name === 'cluster-secrets')!;
      assert.deepEqual(secrets.spec.decryption, { provider: 'sops', secretRef: { name: 'sops-age' } });
      // only the unit holding encrypted files decrypts
      assert.deepEqual(ks.filter((k) => k.spec.decryption).map((k) => k.metadata.name), ['cluster-secrets']);
      const listed = parse(tree.get(`kubernetes/${cluster}/apps/flux-system/cluster-secrets/secrets/kustomization.yaml`)!).resources as string[];
      const list = tree.get(`.taskfiles/secrets/${cluster}.txt`)!.split('\n').filter((l) => l && !l.startsWith('#'));
      assert.deepEqual(listed, list.map((l) => { const [ns, name] = l.split(' '); return `./${ns}/${name}.sops.yaml`; }));
      // the issuer reading the Cloudflare token is ordered after the unit that delivers it
      const issuers = ks.find((k) => k.metadata.name === 'cert-manager-issuers')!;
      assert.ok(issuers.spec.dependsOn.some((d: { name: string }) => d.name === 'cluster-secrets'));
      assert.ok(list.includes('cert-manager cloudflare-api-token api-token=cloudflare/credential'), list.join('\n'));
    }
    const sops = parse(tree.get('.sops.yaml')!);
    assert.equal(sops.creation_rules[0].age, (fleet.secrets as { ageRecipients: string[] }).ageRecipients.join(','));
    assert.match(tree.get('.gitignore')!, /^\/\.secrets\/$/m);
    assert.match(tree.get('.taskfiles/bootstrap/Taskfile.yaml')!, /create secret generic sops-age --from-literal=age\.agekey="\$\(cat "\{\{\.ROOT_DIR\}\}\/\.secrets\/sops\/age\.agekey"\)"/);
    assert.doesNotMatch(tree.get('.taskfiles/bootstrap/Taskfile.yaml')!, /op (read|whoami)/, 'no 1Password anywhere in a SOPS fleet\'s bootstrap');
  });

  it('re-synthesizes byte for byte', () => {
    const a = synthesize(fleet).tree;
    const b = synthesize(fleet).tree;
    assert.deepEqual(a.paths(), b.paths());
    for (const p of a.paths()) assert.equal(a.get(p), b.get(p), p);
  });

  it('reports provider mistakes at their config path', () => {
    const badKey = { ...fleet, secrets: { provider: 'sops' as const, ageRecipients: ['age1notakey'] } };
    assert.deepEqual(validateFleet(badKey).map((p) => p.path), ['secrets.ageRecipients[0]']);
    const unknown = { ...fleet, secrets: { provider: 'vault' } } as unknown as FleetConfig;
    assert.deepEqual(validateFleet(unknown).map((p) => `${p.path}: ${p.message}`), ['secrets.provider: must be one of onepassword, sops, sealed-secrets']);
    const eso = withCluster(fleet, 'dev', (c) => ({ ...c, modules: [...c.modules, externalSecrets()] }));
    assert.ok(planProblems(eso).some((m) => /^clusters\[\d\]\.modules\[\d+\]: .*external-secrets module reads 1Password, but fleet\.secrets\.provider is "sops"/.test(m)), JSON.stringify(planProblems(eso)));
    // without a secrets provider at all, modules that need credentials still ask for external-secrets
    const none = { ...fleet, secrets: undefined };
    assert.ok(validateFleet(none).some((p) => /needs module "external-secrets"/.test(p.message)));
  });
});

const sopsBin = process.env.SLIPWAY_SOPS_BIN ?? 'sops';
const taskBin = process.env.SLIPWAY_TASK_BIN ?? 'task';
const has = (bin: string, arg: string) => spawnSync(bin, [arg], { encoding: 'utf8' }).status === 0;

describe('SOPS end to end: the generated task encrypts, Flux can decrypt, check passes', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const tools = has(sopsBin, '--version') && has(taskBin, '--version') && has('age-keygen', '--version');
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-sops-'));
    const bin = path.join(dir, '.bin');
    mkdirSync(bin);
    // the Taskfile calls `sops`: put the pinned build first on PATH under that name
    if (tools) writeFileSync(path.join(bin, 'sops'), `#!/bin/sh\nexec "${sopsBin}" "$@"\n`, { mode: 0o755 });
    env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('encrypts every Secret from .secrets/, skips them on a second run, and slipway check finds 0 errors', { skip: tools ? false : 'needs sops, go-task and age-keygen (.ci/run installs them)' }, async () => {
    // a key of our own, so the test can prove the cluster side decrypts what the task wrote
    const key = spawnSync('age-keygen', [], { encoding: 'utf8' });
    const publicKey = /public key: (age1\S+)/.exec(key.stdout + key.stderr)![1];
    const own = { ...fleet, secrets: { provider: 'sops' as const, ageRecipients: [publicKey] } };
    writeTree(dir, synthesize(own).tree);
    const values = new Map<string, string>();
    for (const cluster of ['dev', 'prod']) {
      for (const line of readFileSync(path.join(dir, `.taskfiles/secrets/${cluster}.txt`), 'utf8').split('\n')) {
        if (!line || line.startsWith('#')) continue;
        for (const pair of line.split(' ')[2].split(',')) {
          const source = pair.slice(pair.indexOf('=') + 1);
          const value = `plain-${source.replace(/\W/g, '-')}-${values.size}`;
          mkdirSync(path.dirname(path.join(dir, '.secrets', source)), { recursive: true });
          writeFileSync(path.join(dir, '.secrets', source), value);
          values.set(source, value);
        }
      }
    }
    assert.ok(values.size > 0);
    const encrypt = (cluster: string) => spawnSync(taskBin, ['secrets:encrypt', `CLUSTER=${cluster}`], { cwd: dir, env, encoding: 'utf8' });
    for (const cluster of ['dev', 'prod']) {
      const run = encrypt(cluster);
      assert.equal(run.status, 0, run.stderr);
      for (const v of values.values()) assert.ok(!run.stdout.includes(v) && !run.stderr.includes(v), 'the task never prints a value');
    }
    const encrypted = ['dev', 'prod'].flatMap((c) => walk(path.join(dir, `kubernetes/${c}/apps/flux-system/cluster-secrets/secrets`)).filter((f) => f.endsWith('.sops.yaml')));
    assert.ok(encrypted.length >= 2, encrypted.join(', '));
    for (const f of encrypted) {
      const text = readFileSync(f, 'utf8');
      for (const v of values.values()) assert.ok(!text.includes(v), `${f} holds a plaintext value`);
      assert.match(text, /ENC\[AES256_GCM,/);
      // what kustomize-controller does with the age key from the sops-age Secret
      const dec = spawnSync(sopsBin, ['--decrypt', f], { env: { ...env, SOPS_AGE_KEY: key.stdout }, encoding: 'utf8' });
      assert.equal(dec.status, 0, dec.stderr);
      const secret = parse(dec.stdout) as { kind: string; data: Record<string, string> };
      assert.equal(secret.kind, 'Secret');
      for (const b64 of Object.values(secret.data)) assert.ok([...values.values()].includes(Buffer.from(b64, 'base64').toString()));
    }
    // idempotent: nothing is rewritten when no source changed
    const before = encrypted.map((f) => [readFileSync(f, 'utf8'), statSync(f).mtimeMs]);
    assert.equal(encrypt('dev').status, 0);
    assert.deepEqual(encrypted.map((f) => [readFileSync(f, 'utf8'), statSync(f).mtimeMs]), before);
    // a missing value is named, and nothing is written
    rmSync(path.join(dir, '.secrets', [...values.keys()][0]));
    const missing = encrypt('dev');
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, new RegExp(`missing \\.secrets/${[...values.keys()][0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

    const result = await runCheck(dir, { schemaDirs: [sharedSchemas], cacheDir: false, render: false });
    const notInfo = result.findings.filter((f) => f.severity !== 'info');
    assert.deepEqual(notInfo.map((f) => `${f.rule} ${f.file}:${f.line} ${f.message}`), []);
    assert.deepEqual(result.clusters.map((c) => c.name).sort(), ['dev', 'prod']);
  });

  it('before the task has run, check names each missing encrypted file and the task that makes it', async () => {
    const fresh = mkdtempSync(path.join(os.tmpdir(), 'slipway-sops-fresh-'));
    try {
      writeTree(fresh, synthesize(fleet).tree);
      const result = await runCheck(fresh, { schemaDirs: [sharedSchemas], cacheDir: false, render: false });
      // everything else — the kind and Talos clusters' manifests, Kyverno's policies — validates
      const errors = result.findings.filter((f) => f.severity !== 'info');
      assert.equal(errors.length, 2, errors.map((e) => e.message).join('\n'));
      for (const e of errors) assert.match(e.message, /cloudflare-api-token\.sops\.yaml does not exist yet; encrypt it with SOPS .*task secrets:encrypt/);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
