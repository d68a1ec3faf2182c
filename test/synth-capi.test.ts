// Cluster API clusters and the bootstrap plan, on the proxmox-capi reference fleet (seed 000: a
// self-hosted Talos management cluster on Proxmox and a kubeadm workload cluster from a
// ClusterClass). Judged by the real CRD schemas (strict), by how the objects fit each other
// (every variable a Cluster sets is declared by its class, every patch reads a declared
// variable, every reference names an object that exists), and by the plan's order. Executing the
// plan needs Proxmox and real clusters; these machines have none, so the plan's content, order and
// the manifests it applies are what is tested — with go-task installed, Task itself parses the
// plan Taskfile and dry-runs it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { runCheck } from '../src/check/engine.js';
import { clusterApi, flux } from '../src/catalog/index.js';
import { loadFleetConfig } from '../src/model/load.js';
import type { CapiProvider, ClusterConfig, FleetConfig } from '../src/model/types.js';
import { validateFleet } from '../src/model/validate.js';
import { bootstrapPlan } from '../src/synth/bootstrap-plan.js';
import { planFleet, synthesize, writeTree } from '../src/synth/index.js';
import { repoRoot, sharedSchemas } from './helpers.js';
import { deliveredByFlux, planProblems, synthesizedObjects } from './helpers/synth.js';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: any };

// the reference fleet is delivered by Argo CD (synth-argocd tests that); Cluster API is judged
// here with Flux delivering it, which the checker has always read
let fleet: FleetConfig;
before(async () => {
  const argo = await loadFleetConfig(path.join(repoRoot, 'examples', 'proxmox-capi', 'slipway.config.ts'));
  fleet = deliveredByFlux(argo);
});

const objectsUnder = (f: FleetConfig, prefix: string): Obj[] => synthesizedObjects(f, prefix);
const capiObjects = (f: FleetConfig) => objectsUnder(f, 'kubernetes/mgmt/apps/capi-clusters/');
const byKind = (objs: Obj[], kind: string) => objs.filter((o) => o.kind === kind);
const one = (objs: Obj[], kind: string, name: string) => {
  const found = objs.filter((o) => o.kind === kind && o.metadata.name === name);
  assert.equal(found.length, 1, `one ${kind} ${name}`);
  return found[0];
};
const problemsOf = (f: FleetConfig) => {
  const shape = validateFleet(f).map((p) => `${p.path}: ${p.message}`);
  return shape.length ? shape : planProblems(f);
};
const withProvider = (f: FleetConfig, name: string, change: (p: CapiProvider, c: ClusterConfig) => Partial<ClusterConfig>): FleetConfig =>
  ({ ...f, clusters: f.clusters.map((c) => (c.name === name ? { ...c, ...change(c.provider as CapiProvider, c) } : c)) });

async function checkTree(f: FleetConfig, mutate?: (dir: string) => void) {
  const out = mkdtempSync(path.join(os.tmpdir(), 'slipway-capi-'));
  try {
    writeTree(out, synthesize(f).tree);
    mutate?.(out);
    return await runCheck(out, { schemaDirs: [sharedSchemas], cacheDir: false, render: false });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describe('Cluster API clusters', () => {
  it('validate strictly against the real CRD schemas, with 0 errors and 0 warnings for the whole fleet', async () => {
    const result = await checkTree(fleet);
    const notInfo = result.findings.filter((f) => f.severity !== 'info');
    assert.deepEqual(notInfo.map((f) => `${f.rule} ${f.file}:${f.line} ${f.message}`), []);
    // the schemas really judge these objects: a planted mistake in a Proxmox machine template is found
    const planted = await checkTree(fleet, (dir) => {
      const file = path.join(dir, 'kubernetes/mgmt/apps/capi-clusters/cluster-api/mgmt/cluster.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('numCores: 2', 'numCores: two'));
    });
    const invalid = planted.findings.filter((f) => f.rule === 'schema/invalid');
    assert.equal(invalid.length, 1, JSON.stringify(planted.findings.map((f) => f.message)));
    assert.match(invalid[0].message, /numCores/);
  });

  it('makes one Cluster per managed cluster, from the model: networks, endpoint, machine pools, versions', () => {
    const objs = capiObjects(fleet);
    for (const c of fleet.clusters) {
      const p = c.provider as CapiProvider;
      const cluster = one(objs, 'Cluster', c.name);
      assert.deepEqual(cluster.spec.clusterNetwork, { pods: { cidrBlocks: [c.network.podCIDR] }, services: { cidrBlocks: [c.network.serviceCIDR] } });
      if (p.bootstrap === 'talos') {
        const cp = one(objs, 'TalosControlPlane', `${c.name}-control-plane`);
        assert.equal(cp.spec.replicas, p.controlPlane.replicas);
        assert.equal(cp.spec.version, `v${c.kubernetesVersion}`);
        assert.equal(cp.spec.controlPlaneConfig.controlplane.talosVersion, p.talosVersion);
        // the same machine config Slipway gives Talos clusters it installs: Cilium in place of CNI and kube-proxy
        const patch = parse(cp.spec.controlPlaneConfig.controlplane.strategicPatches[0]);
        assert.equal(patch.cluster.network.cni.name, 'none');
        assert.equal(patch.cluster.proxy.disabled, true);
        assert.equal(patch.machine.network.interfaces[0].vip.ip, c.network.controlPlaneEndpoint);
        assert.equal(one(objs, 'MachineDeployment', `${c.name}-workers`).spec.replicas, p.workers.replicas);
        assert.equal(one(objs, 'ProxmoxCluster', c.name).spec.controlPlaneEndpoint.host, c.network.controlPlaneEndpoint);
        assert.equal(one(objs, 'ProxmoxMachineTemplate', `${c.name}-workers`).spec.template.spec.memoryMiB, p.workers.memoryMiB);
      } else {
        const topology = cluster.spec.topology;
        assert.equal(topology.class, 'proxmox-kubeadm');
        assert.equal(topology.controlPlane.replicas, p.controlPlane.replicas);
        assert.equal(topology.workers.machineDeployments[0].replicas, p.workers.replicas);
        const vars = Object.fromEntries(topology.variables.map((v: { name: string; value: unknown }) => [v.name, v.value]));
        assert.equal(vars.controlPlaneEndpoint, c.network.controlPlaneEndpoint);
        assert.deepEqual(vars.machineAddresses, p.proxmox!.machineAddresses);
        assert.deepEqual(vars.workerMachine, { cores: p.workers.cores, memoryMiB: p.workers.memoryMiB, diskGiB: p.workers.diskGiB });
      }
    }
  });

  it('fits its ClusterClass: every variable set is declared, every required one set, every patch reads a declared variable', () => {
    const objs = capiObjects(fleet);
    for (const cluster of byKind(objs, 'Cluster').filter((c) => c.spec.topology)) {
      const cls = one(objs, 'ClusterClass', cluster.spec.topology.class);
      const declared = new Map(cls.spec.variables.map((v: { name: string; required: boolean }) => [v.name, v.required]));
      const set = new Set(cluster.spec.topology.variables.map((v: { name: string }) => v.name));
      for (const name of set) assert.ok(declared.has(name), `${name} is declared by ${cls.metadata.name}`);
      for (const [name, required] of declared) if (required) assert.ok(set.has(name), `required ${name} is set by ${cluster.metadata.name}`);
      for (const patch of cls.spec.patches) {
        for (const def of patch.definitions) {
          for (const jp of def.jsonPatches) {
            const v = jp.valueFrom?.variable;
            if (v) assert.ok(declared.has(v.split('.')[0]), `${patch.name} reads ${v}`);
            for (const [, name] of String(jp.valueFrom?.template ?? '').matchAll(/\{\{ \.(\w+)/g)) assert.ok(declared.has(name), `${patch.name} template reads ${name}`);
          }
        }
      }
      // every template the class references exists, in the class's namespace
      const refs = [cls.spec.controlPlane.ref, cls.spec.controlPlane.machineInfrastructure.ref, cls.spec.infrastructure.ref,
        ...cls.spec.workers.machineDeployments.flatMap((md: any) => [md.template.bootstrap.ref, md.template.infrastructure.ref])];
      for (const r of refs) one(objs, r.kind, r.name);
    }
    // and the classic (Talos) objects reference each other by the names they have
    for (const cluster of byKind(objs, 'Cluster').filter((c) => !c.spec.topology)) {
      one(objs, cluster.spec.controlPlaneRef.kind, cluster.spec.controlPlaneRef.name);
      one(objs, cluster.spec.infrastructureRef.kind, cluster.spec.infrastructureRef.name);
      const md = one(objs, 'MachineDeployment', `${cluster.metadata.name}-workers`);
      one(objs, md.spec.template.spec.bootstrap.configRef.kind, md.spec.template.spec.bootstrap.configRef.name);
      one(objs, md.spec.template.spec.infrastructureRef.kind, md.spec.template.spec.infrastructureRef.name);
    }
  });

  it('orders the Cluster units after their class and credentials, and writes no Kustomization for what clusterctl installs', () => {
    const plan = planFleet(fleet);
    const mgmt = plan.clusters.find((c) => c.cluster.name === 'mgmt')!;
    const unit = (n: string) => mgmt.units.find((u) => u.unit.name === n)!;
    assert.ok(unit('capi-prod').dependsOn.includes('capi-shared'));
    assert.ok(unit('capi-mgmt').dependsOn.includes('capi-shared'));
    assert.match(unit('cluster-api').unit.installedBy!, /^clusterctl init --core cluster-api:v\d+\.\d+\.\d+ /);
    for (const u of mgmt.units) assert.ok(!u.dependsOn.includes('cluster-api'), `${u.unit.name} waits on nothing Flux cannot see`);
    const ks = objectsUnder(fleet, 'kubernetes/mgmt/').filter((o) => o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit'));
    assert.ok(!ks.some((k) => k.metadata.name === 'cluster-api'));
    assert.ok(ks.some((k) => k.metadata.name === 'capi-prod'));
  });

  it('re-synthesizes byte for byte', () => {
    const a = synthesize(fleet).tree;
    const b = synthesize(fleet).tree;
    assert.deepEqual(a.paths(), b.paths());
    for (const p of a.paths()) assert.equal(a.get(p), b.get(p), p);
  });

  it('makes Docker (CAPD) clusters from the docker-kubeadm ClusterClass, valid against the schemas', async () => {
    const dev: ClusterConfig = {
      name: 'dev',
      provider: { kind: 'capi', managementCluster: 'mgmt', infrastructure: 'docker', bootstrap: 'kubeadm', controlPlane: { replicas: 1, cores: 2, memoryMiB: 2048, diskGiB: 20 }, workers: { replicas: 1, cores: 2, memoryMiB: 2048, diskGiB: 20 } },
      kubernetesVersion: '1.33.5',
      network: { nodeSubnet: '172.19.0.0/16', gateway: '172.19.0.1', podCIDR: '10.90.0.0/16', serviceCIDR: '10.91.0.0/16', loadBalancerPools: [] },
      nodes: [],
      modules: fleet.clusters[1].modules.filter((m) => ['flux', 'cilium', 'gateway-api'].includes(m.module.name)),
    };
    const withDocker = { ...fleet, clusters: [...fleet.clusters, dev] };
    assert.deepEqual(problemsOf(withDocker), []);
    const objs = capiObjects(withDocker);
    assert.equal(one(objs, 'Cluster', 'dev').spec.topology.class, 'docker-kubeadm');
    one(objs, 'DockerClusterTemplate', 'docker-kubeadm');
    const result = await checkTree(withDocker);
    assert.deepEqual(result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.rule} ${f.file}:${f.line} ${f.message}`), []);
  });

  it('reports Cluster API config mistakes at their config path', () => {
    const prod = fleet.clusters.findIndex((c) => c.name === 'prod');
    const mgmt = fleet.clusters.findIndex((c) => c.name === 'mgmt');
    const has = (msgs: string[], re: RegExp) => assert.ok(msgs.some((m) => re.test(m)), `${re} in ${JSON.stringify(msgs)}`);
    // a CAPI cluster without a management cluster
    const noMgmt = withProvider(fleet, 'prod', (p) => ({ provider: { ...p, managementCluster: undefined } as unknown as CapiProvider }));
    has(problemsOf(noMgmt), new RegExp(`^clusters\\[${prod}\\]\\.provider\\.managementCluster: is required`));
    has(problemsOf(withProvider(fleet, 'prod', (p) => ({ provider: { ...p, managementCluster: 'hub' } }))), new RegExp(`^clusters\\[${prod}\\]\\.provider\\.managementCluster: no cluster named "hub"`));
    // a management cluster that does not run Cluster API
    const noCapi = { ...fleet, clusters: fleet.clusters.map((c) => (c.name === 'mgmt' ? { ...c, modules: c.modules.filter((m) => m.module.name !== clusterApi.definition.name) } : c)) };
    has(problemsOf(noCapi), new RegExp(`^clusters\\[${prod}\\]\\.provider\\.managementCluster: cluster "mgmt" does not run the Cluster API controllers: add clusterApi\\(\\)`));
    // Talos on Docker is no Cluster API combination
    const talosDocker = withProvider(fleet, 'prod', (p, c) => ({ provider: { ...p, infrastructure: 'docker', bootstrap: 'talos', talosVersion: 'v1.11.2', proxmox: undefined }, network: { ...c.network, controlPlaneEndpoint: undefined } }));
    has(problemsOf(talosDocker), new RegExp(`^clusters\\[${mgmt}\\]\\.modules\\[\\d+\\]: cluster "prod": CAPD runs kubeadm node images, not Talos`));
    has(problemsOf(withProvider(fleet, 'prod', (p) => ({ provider: { ...p, controlPlane: { ...p.controlPlane, replicas: 2 } } }))), /provider\.controlPlane\.replicas: 2 control-plane machines .* odd number/);
    has(problemsOf(withProvider(fleet, 'prod', () => ({ nodes: [{ name: 'x', role: 'controlplane', address: '10.41.0.5', installDisk: '/dev/sda' }] }))), new RegExp(`^clusters\\[${prod}\\]\\.nodes: Cluster API makes the machines`));
    has(problemsOf(withProvider(fleet, 'mgmt', (p) => ({ provider: { ...p, talosVersion: undefined } }))), new RegExp(`^clusters\\[${mgmt}\\]\\.provider\\.talosVersion: is required with bootstrap talos`));
    has(problemsOf(withProvider(fleet, 'prod', (p) => ({ provider: { ...p, proxmox: undefined } }))), new RegExp(`^clusters\\[${prod}\\]\\.provider\\.proxmox: is required with infrastructure proxmox`));
  });
});

describe('bootstrap plan', () => {
  it('takes the self-hosted management cluster from kind through clusterctl move to Flux, in order', () => {
    const steps = bootstrapPlan(planFleet(fleet), 'mgmt');
    assert.deepEqual(steps.map((s) => s.id), ['1-bootstrap-cluster', '2-capi-init-bootstrap', '3-capi-objects', '4-wait-machines', '5-cni', '6-capi-init', '7-move', '8-gitops-handover', '9-cleanup']);
    for (const s of steps) assert.ok(s.done && s.resume && s.run.length, s.id);
    // the providers are pinned, and the same on the temporary and the final cluster
    const init = steps.filter((s) => s.id.includes('capi-init')).map((s) => s.run[0].replace(/--kubeconfig \S+/, ''));
    assert.equal(init.length, 2);
    assert.equal(init[0], init[1]);
    for (const [, name, version] of init[0].matchAll(/--(?:core|bootstrap|control-plane|infrastructure|ipam) ([\w-]+):(\S+)/g)) assert.match(version, /^v\d+\.\d+\.\d+$/, name);
    assert.match(init[0], /--infrastructure proxmox:v\S+ --ipam in-cluster:v\S+/);
    // the objects applied to the temporary cluster are the ones the repository holds (and check validates)
    const tree = synthesize(fleet).tree;
    for (const cmd of steps[2].run.filter((c) => c.includes(' kustomize '))) {
      const dir = / kustomize (\S+)/.exec(cmd)![1];
      assert.ok(tree.get(`${dir}/kustomization.yaml`), dir);
    }
    assert.ok(steps[2].run.some((c) => c.includes('kubernetes/mgmt/apps/capi-clusters/cluster-api/mgmt')));
    // the CNI runs before the providers need pods, Flux only after the move
    assert.match(steps[4].run.join(' '), /bootstrap:apps CLUSTER=mgmt/);
    assert.deepEqual(steps[7].run, ['task bootstrap:flux CLUSTER=mgmt']);
  });

  it('waits for a workload cluster on its management cluster, then bootstraps its GitOps', () => {
    const steps = bootstrapPlan(planFleet(fleet), 'prod');
    assert.deepEqual(steps.map((s) => s.id), ['1-management', '2-wait-cluster', '3-gitops']);
    assert.match(steps[1].run[0], /--kubeconfig \.kube\/mgmt\/kubeconfig -n flux-system wait kustomization\/capi-prod/);
    assert.deepEqual(steps[2].run, ['task bootstrap:cluster CLUSTER=prod']);
  });

  const task = process.env.SLIPWAY_TASK_BIN ?? 'task';
  const hasTask = spawnSync(task, ['--version'], { encoding: 'utf8' }).status === 0;
  it('is a Taskfile Task parses and runs in order, each step skipped once its check passes', { skip: hasTask ? false : 'needs go-task (.ci/run installs it)' }, () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'slipway-plan-'));
    try {
      writeTree(out, synthesize(fleet).tree);
      const list = spawnSync(task, ['--list-all'], { cwd: out, encoding: 'utf8' });
      assert.equal(list.status, 0, list.stderr);
      assert.match(list.stdout, /plan:mgmt:7-move/);
      const dry = spawnSync(task, ['--dry', 'plan:mgmt'], { cwd: out, encoding: 'utf8' });
      assert.equal(dry.status, 0, dry.stderr);
      const order = ['kind create cluster', 'clusterctl init --kubeconfig .kube/mgmt-bootstrap', 'kustomize kubernetes/mgmt/apps/capi-clusters/cluster-api/mgmt',
        'wait cluster/mgmt', 'bootstrap:apps CLUSTER=mgmt', 'clusterctl init --kubeconfig .kube/mgmt/', 'clusterctl move', 'bootstrap:flux CLUSTER=mgmt', 'kind delete cluster'];
      const at = order.map((s) => dry.stderr.indexOf(s));
      for (let i = 0; i < at.length; i++) assert.ok(at[i] >= 0 && (i === 0 || at[i] > at[i - 1]), `${order[i]} in order`);
      const file = parse(readFileSync(path.join(out, '.taskfiles/plan/Taskfile.yaml'), 'utf8'));
      for (const [name, t] of Object.entries(file.tasks as Record<string, { status?: string[] }>)) if (name.includes(':')) assert.equal(t.status?.length, 1, name);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
