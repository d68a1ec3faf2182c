// The bootstrap synth writes, judged by what Helmfile and Task will do with it: every path a
// template reads exists and holds the field it reads, phase 0 carries the CRDs the controllers
// need at start, phase 1 is chained CNI → DNS → the rest, and every step that talks to a
// cluster is pinned to that cluster's kubeconfig. With go-task installed (.ci/run builds it),
// the Taskfiles are also parsed and dry-run by Task itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { loadFleetConfig } from '../src/model/load.js';
import { synthesize, writeTree, type Synthesis } from '../src/synth/index.js';
import { referenceConfigFile } from './helpers.js';

interface HelmfileRelease { name: string; namespace: string; chart: string; version: string; values: string[]; needs?: string[]; wait?: boolean; hooks?: Array<{ args: string[] }> }

let synthesis: Synthesis;
const file = (p: string) => {
  const text = synthesis.tree.get(p);
  assert.ok(text !== undefined, `${p} is not written`);
  return text!;
};
const helmfileAt = (p: string) => parse(file(p)) as { releases: HelmfileRelease[] };

/** Evaluates `{{ (fromYaml (readFile "P")).a.b }}` the way Helmfile does, against the synthesized tree. */
function readTemplate(template: string, relativeTo: string): unknown {
  const m = /^\{\{ \(fromYaml \(readFile "([^"]+)"\)\)\.([\w.]+)( \| toYaml)? \}\}\n?$/.exec(template);
  assert.ok(m, `not a readFile template: ${template}`);
  const target = path.posix.normalize(path.posix.join(relativeTo, m![1]));
  const docs = parseAllDocuments(file(target));
  assert.equal(docs.length, 1, `${target}: fromYaml reads one document, the file has ${docs.length}`);
  let value: unknown = docs[0].toJS();
  for (const key of m![2].split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  assert.ok(value !== undefined, `${target} has no .${m![2]}`);
  return value;
}

before(async () => {
  synthesis = synthesize(await loadFleetConfig(referenceConfigFile));
});

describe('bootstrap helmfiles of the reference fleet', () => {
  for (const cluster of ['infra', 'apps']) {
    const dir = `bootstrap/${cluster}/helmfile.d`;

    it(`${cluster}: every chart, version and values template reads a Flux file that holds it`, () => {
      for (const phase of ['00-crds', '01-apps']) {
        for (const r of helmfileAt(`${dir}/${phase}.yaml`).releases) {
          const chart = r.chart.startsWith('{{') ? String(readTemplate(r.chart, dir)) : r.chart;
          assert.match(chart, /^(oci:\/\/|[a-z0-9-]+\/)/, `${r.name}: chart ${chart}`);
          assert.match(String(readTemplate(r.version, dir)), /^v?\d+\.\d+\.\d+/, `${r.name}: version`);
          for (const values of r.values) {
            const valuesFile = path.posix.join(dir, values);
            const spec = readTemplate(file(valuesFile), path.posix.dirname(valuesFile));
            assert.equal(typeof spec, 'object', `${valuesFile}: spec.values`);
          }
        }
      }
    });

    it(`${cluster}: phase 0 renders the Prometheus and VictoriaMetrics operator CRDs`, () => {
      const names = helmfileAt(`${dir}/00-crds.yaml`).releases.map((r) => r.name).sort();
      assert.deepEqual(names, ['prometheus-operator-crds', 'victoria-metrics-operator']);
    });

    it(`${cluster}: phase 1 is chained CNI → DNS → the rest`, () => {
      const releases = helmfileAt(`${dir}/01-apps.yaml`).releases;
      const byName = new Map(releases.map((r) => [r.name, r]));
      assert.equal(byName.get('cilium')!.needs, undefined);
      assert.deepEqual(byName.get('coredns')!.needs, ['kube-system/cilium']);
      for (const r of releases.filter((x) => !['cilium', 'coredns'].includes(x.name))) {
        assert.ok(r.needs?.includes('kube-system/coredns'), `${r.name} needs ${r.needs}`);
      }
    });

    it(`${cluster}: Cilium is not waited for by Helm; its hooks apply the LB pools, then wait for its rollout`, () => {
      const cilium = helmfileAt(`${dir}/01-apps.yaml`).releases.find((r) => r.name === 'cilium')!;
      assert.equal(cilium.wait, false);
      const args = cilium.hooks!.map((h) => h.args);
      assert.equal(args[0][0], 'wait');
      assert.ok(args[0].includes('crd/ciliumloadbalancerippools.cilium.io'));
      const applied = args.find((a) => a[0] === 'apply')!.find((a) => a.startsWith('--filename='))!.slice('--filename='.length);
      const target = path.posix.normalize(path.posix.join(dir, applied));
      assert.ok(parseAllDocuments(file(target)).some((d) => d.toJS()?.kind === 'CiliumLoadBalancerIPPool'), `${target} holds the pool`);
      assert.deepEqual(args.filter((a) => a.includes('rollout')).map((a) => a.at(-2)), ['daemonset/cilium', 'deployment/cilium-operator']);
    });
  }

  it('uses Helm-generated Cilium certificates (no post-install hook Jobs under --wait) and cgroup.autoMount', () => {
    const hr = parse(file('kubernetes/infra/apps/kube-system/cilium/app/helmrelease.yaml')) as { spec: { values: Record<string, any> } };
    assert.equal(hr.spec.values.hubble.tls.auto.method, 'helm');
    assert.equal(hr.spec.values.clustermesh.apiserver.tls.auto.method, 'helm');
    assert.deepEqual(hr.spec.values.cgroup.autoMount, { enabled: false });
  });
});

describe('bootstrap Taskfiles of the reference fleet', () => {
  const tasks = (p: string) => (parse(file(p)) as { tasks: Record<string, { cmds?: Array<string | { cmd?: string; task?: string }>; env?: Record<string, string>; preconditions?: Array<{ sh: string }> }> }).tasks;

  it('is split per concern under .taskfiles/ and included by the root Taskfile', () => {
    const root = parse(file('Taskfile.yaml')) as { includes: Record<string, string> };
    assert.deepEqual(root.includes, { talos: './.taskfiles/talos/Taskfile.yaml', bootstrap: './.taskfiles/bootstrap/Taskfile.yaml', plan: './.taskfiles/plan/Taskfile.yaml', volsync: './.taskfiles/volsync/Taskfile.yaml' });
    assert.match(file('.gitignore'), /^\.talos\/$/m);
  });

  it('forms a Talos cluster: secrets bundle kept out of Git, talosconfig, etcd bootstrap, kubeconfig', () => {
    const t = tasks('.taskfiles/talos/Taskfile.yaml');
    const all = Object.values(t).flatMap((x) => x.cmds ?? []).map((c) => (typeof c === 'string' ? c : c.cmd ?? '')).join('\n');
    assert.match(all, /talosctl gen secrets/);
    assert.match(all, /op document create/);
    assert.match(all, /--output-types talosconfig/);
    assert.match(all, /talosctl .* bootstrap --nodes/);
    assert.match(all, /talosctl .* kubeconfig /);
    assert.deepEqual(t.cluster.cmds!.map((c) => (c as { task: string }).task), ['secrets', 'apply', 'bootstrap', 'kubeconfig']);
  });

  it('pins every kubectl and helmfile step to its cluster\'s kubeconfig, behind a guard on the endpoint', () => {
    const t = tasks('.taskfiles/bootstrap/Taskfile.yaml');
    for (const name of ['secrets', 'crds', 'apps', 'flux']) {
      assert.equal(t[name].env?.KUBECONFIG, '{{.ROOT_DIR}}/.kube/{{.CLUSTER}}/kubeconfig', name);
      assert.ok(t[name].preconditions!.some((p) => p.sh.includes('CLUSTER_ENDPOINT')), `${name} checks the kubeconfig's server`);
      for (const c of t[name].cmds ?? []) {
        const cmd = typeof c === 'string' ? c : c.cmd ?? '';
        for (const call of cmd.split('|').filter((part) => /\bkubectl\b/.test(part))) assert.match(call, /kubectl --kubeconfig /, cmd);
      }
    }
    assert.match(file('.taskfiles/clusters/infra.env'), /^CLUSTER_ENDPOINT=https:\/\/10\.25\.11\.10:6443$/m);
    assert.match(file('.taskfiles/clusters/apps.env'), /^CLUSTER_ENDPOINT=https:\/\/10\.25\.11\.20:6443$/m);
  });

  it('stores the 1Password Connect credentials base64-encoded, as Connect reads them', () => {
    const secrets = tasks('.taskfiles/bootstrap/Taskfile.yaml').secrets.cmds!.map(String).find((c) => c.includes('onepassword-connect-credentials'))!;
    assert.match(secrets, /credentials-file \| base64 \| tr -d '\\n'\)/);
  });

  it('applies the Gateway API CRDs in phase 0 at the tag of the Flux GitRepository', () => {
    const crds = tasks('.taskfiles/bootstrap/Taskfile.yaml').crds.cmds!.map((c) => (c as { cmd: string }).cmd).join('\n');
    const m = /yq '\.spec\.ref\.tag' (kubernetes\/infra\/[^)]+\/gitrepository\.yaml)/.exec(crds);
    assert.ok(m, crds);
    assert.equal((parse(file(m![1])) as { spec: { ref: { tag: string } } }).spec.ref.tag, 'v1.3.0');
    // the Gateway API CRDs before the chart CRDs, and both before phase 1
    assert.ok(crds.indexOf('gateway-api') < crds.indexOf('00-crds.yaml'));
  });

  it('gives each cluster its own Cloudflare tunnel and creates its DNS record', () => {
    const keys = (cluster: string) => new Set((parse(file(`kubernetes/${cluster}/apps/network/cloudflared/app/externalsecret.yaml`)) as { spec: { data: Array<{ remoteRef: { key: string } }> } }).spec.data.map((d) => d.remoteRef.key));
    assert.deepEqual([...keys('infra')], ['infra-tunnel']);
    assert.deepEqual([...keys('apps')], ['apps-tunnel']);
    const tunnel = tasks('.taskfiles/bootstrap/Taskfile.yaml').tunnel.cmds!.map((c) => (c as { cmd: string }).cmd).join('\n');
    assert.match(tunnel, /cloudflared tunnel create --credentials-file "[^"]+" infra-tunnel/);
    assert.match(tunnel, /cloudflared tunnel route dns --overwrite-dns apps-tunnel "external\.\$CLUSTER_DOMAIN"/);
    assert.match(file('.taskfiles/clusters/apps.env'), /^CLUSTER_DOMAIN=apps\.monosense\.io$/m);
  });

  it('puts a VIP on the control-plane nodes when the endpoint is no node\'s address', () => {
    const node = parse(file('talos/infra/nodes/infra-01.yaml')) as { machine: { network: { interfaces: Array<{ vip?: { ip: string } }> } } };
    assert.deepEqual(node.machine.network.interfaces[0].vip, { ip: '10.25.11.10' });
  });
});

/** go-task: $SLIPWAY_TASK_BIN, else `task` on PATH (.ci/run builds a pinned one). */
function findTask(): string | undefined {
  const candidates = [process.env.SLIPWAY_TASK_BIN, ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'task'))];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

/** Runs task without colours: CI machines may set FORCE_COLOR, and task honours it even off a terminal. */
function runTask(cwd: string, ...args: Array<string | NodeJS.ProcessEnv>): { status: number | null; stdout: string; stderr: string } {
  const extra = args.filter((a): a is NodeJS.ProcessEnv => typeof a !== 'string');
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...Object.assign({}, ...extra) };
  delete env.FORCE_COLOR;
  const run = spawnSync(findTask()!, args.filter((a): a is string => typeof a === 'string'), { cwd, encoding: 'utf8', env });
  return { status: run.status, stdout: stripVTControlCharacters(run.stdout), stderr: stripVTControlCharacters(run.stderr) };
}

describe('the Taskfiles under Task itself', () => {
  const task = findTask();
  let out: string;
  before(() => {
    out = mkdtempSync(path.join(os.tmpdir(), 'slipway-task-'));
    writeTree(out, synthesis.tree);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('lists every task and refuses a cluster it does not know', { skip: task ? false : 'go-task is not installed (.ci/run builds it; or set SLIPWAY_TASK_BIN)' }, () => {
    const list = runTask(out, '--list');
    assert.equal(list.status, 0, list.stderr);
    for (const name of ['talos:cluster', 'talos:kubeconfig', 'bootstrap:crds', 'bootstrap:apps', 'bootstrap:flux', 'check']) assert.match(list.stdout, new RegExp(`\\* ${name}:`));
    const unknown = runTask(out, '--dry', 'bootstrap:crds', 'CLUSTER=nosuch');
    assert.notEqual(unknown.status, 0);
    assert.match(unknown.stderr, /CLUSTER must be one of infra, apps/);
    // no kubeconfig for apps yet: the guard stops before anything reaches a cluster
    const guarded = runTask(out, '--dry', 'bootstrap:cluster', 'CLUSTER=apps');
    assert.notEqual(guarded.status, 0);
    assert.match(guarded.stderr, /\.kube\/apps\/kubeconfig is missing or does not point at this cluster's API/);
  });

  it('runs the restore drill against a recording kubectl: trigger, wait, scratch PVC from the backup, list, clean up', { skip: task ? false : 'go-task is not installed' }, () => {
    // a kubectl that answers as a cluster whose ReplicationDestination syncs at once
    const bin = mkdtempSync(path.join(os.tmpdir(), 'slipway-kubectl-'));
    const log = path.join(bin, 'calls.log');
    const applied = path.join(bin, 'applied.yaml');
    writeFileSync(path.join(bin, 'kubectl'), [
      '#!/bin/sh',
      `echo "$*" >> ${log}`,
      'case "$*" in',
      '  *"config view"*) printf https://10.25.11.10:6443 ;;',
      '  *restic.capacity*) printf 5Gi ;;',
      '  *storageClassName*) printf ceph-block ;;',
      '  *runAsUser*) printf 472 ;;',
      `  *"apply -f -"*) cat > ${applied} ;;`,
      '  *logs*) echo "4.0M /restore" ;;',
      'esac',
    ].join('\n'), { mode: 0o755 });
    try {
      const run = runTask(out, 'volsync:drill', 'CLUSTER=infra', 'APP=grafana/grafana', { PATH: `${bin}:${process.env.PATH}` });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /restore drill of grafana\/grafana passed/);
      const calls = readFileSync(log, 'utf8').split('\n');
      const at = (re: RegExp) => calls.findIndex((c) => re.test(c));
      const patch = at(/-n grafana patch replicationdestination grafana-dst --type merge -p \{"spec":\{"trigger":\{"manual":"drill-\d+"\}\}\}/);
      const waited = at(/wait replicationdestination grafana-dst --for=jsonpath=\{\.status\.lastManualSync\}=drill-\d+/);
      const apply = at(/-n grafana apply -f -/);
      const cleanup = at(/-n grafana delete job\/grafana-drill pvc\/grafana-drill/);
      assert.ok(patch >= 0 && patch < waited && waited < apply && apply < cleanup, calls.join('\n'));
      const [pvc, job] = parseAllDocuments(readFileSync(applied, 'utf8')).map((d) => d.toJS());
      assert.deepEqual(pvc.spec.dataSourceRef, { apiGroup: 'volsync.backube', kind: 'ReplicationDestination', name: 'grafana-dst' });
      assert.equal(pvc.spec.resources.requests.storage, '5Gi');
      assert.equal(pvc.spec.storageClassName, 'ceph-block');
      assert.equal(job.spec.template.spec.securityContext.runAsUser, 472);
      assert.equal(job.spec.template.spec.volumes[0].persistentVolumeClaim.claimName, 'grafana-drill');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});

describe('the Renovate config of the reference fleet', () => {
  it('covers every Flux source and release file, the annotated versions and the Talos installer', () => {
    const config = JSON.parse(file('.github/renovate.json')) as { flux: { managerFilePatterns: string[] }; customManagers: Array<{ managerFilePatterns: string[]; matchStrings: string[] }> };
    const regex = (p: string) => new RegExp(p.slice(1, -1));
    const fluxFiles = synthesis.tree.paths().filter((p) => /kind: (HelmRelease|OCIRepository|HelmRepository|GitRepository)$/m.test(file(p)));
    assert.ok(fluxFiles.length > 20);
    for (const p of fluxFiles) assert.ok(config.flux.managerFilePatterns.some((m) => regex(m).test(p)), p);
    // the annotated Gateway API tag is found, with its value
    const annotated = regex(`/${config.customManagers[0].matchStrings[0]}/`).exec(file('kubernetes/infra/apps/kube-system/gateway-api/crds/gitrepository.yaml'));
    assert.deepEqual({ ...annotated?.groups }, { datasource: 'github-tags', depName: 'kubernetes-sigs/gateway-api', currentValue: 'v1.3.0' });
    const talos = regex(`/${config.customManagers[1].matchStrings[0]}/`).exec(file('talos/infra/cluster.yaml'));
    assert.equal(talos?.groups?.currentValue, 'v1.11.2');
    assert.ok(config.customManagers[1].managerFilePatterns.some((m) => regex(m).test('talos/infra/cluster.yaml')));
  });
});
