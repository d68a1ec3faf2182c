// Argo CD as the delivery engine (seed 000's primary), on the proxmox-capi reference fleet
// (gitops: 'argocd'). Judged against the same fleet delivered by Flux: every unit is one
// Application in the sync wave its dependsOn gives it, every HelmRelease becomes a Helm source
// with the same chart, version and values, no Flux object is left, and the bootstrap reads
// chart, version and values from the Applications (every field it reads exists). `slipway check`
// and `slipway graph` then read the repository back and find the waves synth computed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { runCheck } from '../src/check/engine.js';
import { argocd, flux } from '../src/catalog/index.js';
import { chartSource, helmRelease } from '../src/k8s/builders.js';
import { loadFleetConfig } from '../src/model/load.js';
import { defineModule } from '../src/model/module.js';
import type { FleetConfig } from '../src/model/types.js';
import { planFleet, synthesize, writeTree } from '../src/synth/index.js';
import { repoRoot, sharedSchemas } from './helpers.js';
import { deliveredByFlux, planProblems, synthesizedObjects } from './helpers/synth.js';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: any };
const WAVE = 'argocd.argoproj.io/sync-wave';

let fleet: FleetConfig;
before(async () => { fleet = await loadFleetConfig(path.join(repoRoot, 'examples', 'proxmox-capi', 'slipway.config.ts')); });

const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as Obj).filter((o) => o?.kind);
const objectsOf = (f: FleetConfig, cluster: string): Obj[] => synthesizedObjects(f, `kubernetes/${cluster}/`, `clusters/${cluster}/`);
const asFlux = deliveredByFlux;
const problems = planProblems;

describe('Argo CD output', () => {
  it('writes one Application per unit, in the sync wave after everything it depends on', () => {
    const plan = planFleet(fleet);
    for (const cp of plan.clusters) {
      const objs = objectsOf(fleet, cp.cluster.name);
      const apps = new Map(objs.filter((o) => o.kind === 'Application').map((a) => [a.metadata.name, a]));
      const root = apps.get(`${cp.cluster.name}-root`)!;
      assert.equal(root.spec.source.path, `kubernetes/${cp.cluster.name}/apps`);
      for (const u of cp.units.filter((x) => !x.unit.installedBy)) {
        const app = apps.get(u.unit.name);
        assert.ok(app, `${cp.cluster.name}: Application ${u.unit.name}`);
        const wave = Number(app!.metadata.annotations![WAVE]);
        assert.equal(wave, u.wave + 1);
        for (const d of u.dependsOn) assert.ok(Number(apps.get(d)!.metadata.annotations![WAVE]) < wave, `${u.unit.name} after ${d}`);
        assert.deepEqual(app!.spec.syncPolicy.syncOptions, ['CreateNamespace=false', 'ServerSideApply=true', 'RespectIgnoreDifferences=true']);
      }
      assert.equal(apps.size, cp.units.filter((x) => !x.unit.installedBy).length + 1);
      // namespaces first, in wave 0; nothing of Flux is left
      for (const ns of objs.filter((o) => o.kind === 'Namespace')) assert.equal(ns.metadata.annotations?.[WAVE], '0');
      assert.deepEqual(objs.filter((o) => o.apiVersion.includes('toolkit.fluxcd.io')).map((o) => `${o.kind} ${o.metadata.name}`), []);
    }
  });

  it('turns every HelmRelease into a Helm source with the same chart, version and values', () => {
    const viaFlux = asFlux(fleet);
    for (const cluster of ['mgmt', 'prod']) {
      const fluxObjs = objectsOf(viaFlux, cluster);
      const apps = objectsOf(fleet, cluster).filter((o) => o.kind === 'Application');
      const releases = fluxObjs.filter((o) => o.kind === 'HelmRelease' && o.metadata.name !== 'flux');
      assert.ok(releases.length >= 6);
      for (const hr of releases) {
        const source = apps.flatMap((a) => a.spec.sources ?? []).find((s: any) => s.helm?.releaseName === hr.metadata.name);
        assert.ok(source, `${cluster}: Helm source of ${hr.metadata.name}`);
        let chart: string, version: string;
        if (hr.spec.chartRef) {
          const oci = fluxObjs.find((o) => o.kind === 'OCIRepository' && o.metadata.name === hr.spec.chartRef.name)!;
          chart = oci.spec.url.replace(/^oci:\/\//, '');
          version = oci.spec.ref.tag;
          assert.equal(`${source.repoURL}/${source.chart}`, chart);
        } else {
          const repo = fluxObjs.find((o) => o.kind === 'HelmRepository' && o.metadata.name === hr.spec.chart.spec.sourceRef.name)!;
          assert.equal(source.repoURL, repo.spec.url);
          assert.equal(source.chart, hr.spec.chart.spec.chart);
          version = hr.spec.chart.spec.version;
        }
        assert.equal(source.targetRevision, version);
        const values = structuredClone(source.helm.valuesObject);
        if (hr.metadata.name === 'argocd') delete values.configs.repositories;
        assert.deepEqual(values, hr.spec.values ?? {}, hr.metadata.name);
      }
      // Argo CD pulls OCI charts only from registries declared as OCI Helm repositories
      const argo = apps.find((a) => a.metadata.name === 'argocd')!.spec.sources[0].helm.valuesObject.configs.repositories;
      const registries = new Set(apps.flatMap((a) => a.spec.sources ?? []).filter((s: any) => s.chart && !String(s.repoURL).startsWith('https://')).map((s: any) => s.repoURL));
      assert.deepEqual(new Set(Object.values(argo).map((r: any) => r.url)), registries);
    }
  });

  it('bootstraps from the Applications: every file and field the Helmfiles read exists', () => {
    const tree = synthesize(fleet).tree;
    for (const cluster of ['mgmt', 'prod']) {
      const base = `bootstrap/${cluster}/helmfile.d`;
      const texts = [tree.get(`${base}/01-apps.yaml`)!, ...tree.paths().filter((p) => p.startsWith(`${base}/values/`)).map((p) => tree.get(p)!)];
      let reads = 0;
      for (const text of texts) {
        for (const [, , file, field] of text.matchAll(/\(index \(fromYaml \(readFile "((?:\.\.\/)+)?([^"]+)"\)\)\.spec\.sources 0\)\.([\w.]+)/g)) {
          const app = docs(tree.get(file)!);
          assert.equal(app.length, 1, `${file}: fromYaml reads one document`);
          let value: any = app[0].spec.sources[0];
          for (const k of field.split('.')) value = value?.[k];
          assert.ok(value !== undefined, `${file}: sources[0].${field}`);
          reads++;
        }
      }
      assert.ok(reads >= 8, `${cluster}: ${reads} reads`);
    }
    const tasks = parse(tree.get('.taskfiles/bootstrap/Taskfile.yaml')!).tasks;
    assert.match(JSON.stringify(tasks.flux.cmds), /--kustomize clusters\/mgmt\/argocd/);
    assert.doesNotMatch(JSON.stringify(tasks.secrets.cmds), /flux-system/, 'no Flux secrets on Argo CD-only fleets');
  });

  it('re-synthesizes byte for byte', () => {
    const a = synthesize(fleet).tree;
    const b = synthesize(fleet).tree;
    assert.deepEqual(a.paths(), b.paths());
    for (const p of a.paths()) assert.equal(a.get(p), b.get(p), p);
  });

  it('reports what Argo CD cannot do, at the config path of the module that asks for it', () => {
    const mgmt = fleet.clusters.findIndex((c) => c.name === 'mgmt');
    // a HelmRelease-only option: values read from a Secret
    const fromSecret = defineModule({
      name: 'values-from-secret',
      description: 'a release whose values come from a Secret',
      namespace: { name: 'demo', podSecurity: 'restricted' },
      defaults: {},
      render: () => {
        const chart = { repo: 'https://stefanprodan.github.io/podinfo', name: 'podinfo', version: '6.9.2' };
        const hr = helmRelease({ name: 'demo', namespace: 'demo', chart, values: {} });
        (hr.spec as Record<string, unknown>).valuesFrom = [{ kind: 'Secret', name: 'demo-values' }];
        return [{ name: 'demo', dir: 'app', files: [{ file: 'helmrepository.yaml', objects: [chartSource('demo', 'demo', chart)] }, { file: 'helmrelease.yaml', objects: [hr] }] }];
      },
    });
    const withModule = { ...fleet, clusters: fleet.clusters.map((c, i) => (i === mgmt ? { ...c, modules: [...c.modules, fromSecret()] } : c)) };
    const j = withModule.clusters[mgmt].modules.length - 1;
    assert.deepEqual(problems(withModule), [`clusters[${mgmt}].modules[${j}]: module "values-from-secret" (unit "demo") uses HelmRelease demo valuesFrom (values read from Secrets or ConfigMaps), which Argo CD has no equivalent of; cluster "mgmt" is delivered by Argo CD (gitops: 'argocd')`]);
    // SOPS decryption is Flux's
    const sops = { ...fleet, secrets: { provider: 'sops' as const, ageRecipients: ['age1u9gxeyqv66fjdj5dqw5apvc9v84dw8fdukgfyyr64c34550e75zqf992q4'] },
      clusters: fleet.clusters.map((c) => ({ ...c, modules: c.modules.filter((m) => m.module.name !== 'external-secrets') })) };
    assert.ok(problems(sops).some((m) => /^secrets: .*SOPS decryption by Flux \(use the onepassword or sealed-secrets provider with Argo CD\)/.test(m)), JSON.stringify(problems(sops)));
    // the engines' own modules on the wrong cluster
    const fluxOnArgo = { ...fleet, clusters: fleet.clusters.map((c, i) => (i === mgmt ? { ...c, modules: c.modules.map((m) => (m.module.name === 'argocd' ? flux() : m)) } : c)) };
    assert.ok(problems(fluxOnArgo).some((m) => m.startsWith(`clusters[${mgmt}].modules[0]: flux on cluster "mgmt", whose gitops is argocd`)));
    const argoOnFlux = { ...fleet, gitops: 'flux' as const, clusters: fleet.clusters.map((c) => ({ ...c, modules: [...c.modules.filter((m) => m.module.name !== 'argocd'), flux(), argocd()] })) };
    assert.ok(problems(argoOnFlux).some((m) => /argocd on cluster "mgmt", whose gitops is flux/.test(m)));
  });
});

describe('slipway check and graph on the synthesized Argo CD repository', () => {
  it('validate every Application against the real schemas and find the waves synth computed', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'slipway-argo-'));
    try {
      writeTree(out, synthesize(fleet).tree);
      const result = await runCheck(out, { schemaDirs: [sharedSchemas], cacheDir: false, render: false });
      const notInfo = result.findings.filter((f) => f.severity !== 'info');
      assert.deepEqual(notInfo.map((f) => `${f.rule} ${f.file}:${f.line} ${f.message}`), []);
      // the only infos: the upstream Gateway API CRDs, an Argo CD Git source outside this repository
      for (const f of result.findings) assert.match(f.message, /not available offline/);
      assert.deepEqual(result.clusters.map((c) => c.name).sort(), ['mgmt', 'prod']);
      const graph = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'graph', out, '--format', 'json'], { encoding: 'utf8' });
      assert.equal(graph.status, 0, graph.stderr);
      const read = JSON.parse(graph.stdout) as { clusters: Array<{ name: string; delivery?: string; kustomizations: Array<{ name: string; kind?: string; wave: number }> }> };
      const plan = planFleet(fleet);
      for (const cp of plan.clusters) {
        const c = read.clusters.find((x) => x.name === cp.cluster.name)!;
        assert.equal(c.delivery, 'argocd');
        const waves = new Map(c.kustomizations.filter((k) => k.kind === 'Application').map((k) => [k.name, k.wave]));
        for (const u of cp.units.filter((x) => !x.unit.installedBy)) assert.equal(waves.get(u.unit.name), u.wave + 1, `${cp.cluster.name}/${u.unit.name}`);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
