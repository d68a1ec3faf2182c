// Flux multi-tenancy (seeds 002, 003) on the kind-dev reference fleet's prod cluster: each team
// gets its namespaces, a ServiceAccount with admin rights there only, and a Kustomization that
// impersonates it and stays in its namespaces; the Flux controllers refuse cross-namespace
// references and remote bases; .slipway.yaml declares the teams, and `slipway check` reports a
// team's Flux object that runs without a ServiceAccount or reaches into another namespace.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { runCheck } from '../src/check/engine.js';
import { tenants } from '../src/catalog/index.js';
import { loadFleetConfig } from '../src/model/load.js';
import type { FleetConfig } from '../src/model/types.js';
import { synthesize, writeTree } from '../src/synth/index.js';
import { repoRoot, sharedSchemas } from './helpers.js';
import { planProblems, synthesizedObjects } from './helpers/synth.js';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: any; roleRef?: any; subjects?: any[] };

let fleet: FleetConfig;
before(async () => { fleet = await loadFleetConfig(path.join(repoRoot, 'examples', 'kind-dev', 'slipway.config.ts')); });

const objectsOf = (f: FleetConfig, cluster: string): Obj[] => synthesizedObjects(f, `kubernetes/${cluster}/`);
const withTeams = (f: FleetConfig, teams: Parameters<typeof tenants>[0]): FleetConfig => ({
  ...f, clusters: f.clusters.map((c) => (c.name === 'prod' ? { ...c, modules: c.modules.map((m) => (m.module.name === 'tenants' ? tenants(teams) : m)) } : c)),
});

describe('tenants', () => {
  it('gives every team its namespaces, a ServiceAccount that is admin there only, and a Kustomization impersonating it', () => {
    const objs = objectsOf(fleet, 'prod');
    for (const [team, namespaces] of [['payments', ['payments']], ['web', ['web', 'web-preview']]] as const) {
      for (const ns of namespaces) {
        assert.ok(objs.some((o) => o.kind === 'Namespace' && o.metadata.name === ns), ns);
        const rb = objs.find((o) => o.kind === 'RoleBinding' && o.metadata?.namespace === ns)!;
        assert.deepEqual(rb.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' });
        assert.deepEqual(rb.subjects, [{ kind: 'ServiceAccount', name: team, namespace: namespaces[0] }]);
        assert.ok(objs.some((o) => o.kind === 'ResourceQuota' && o.metadata?.namespace === ns));
      }
      assert.ok(!objs.some((o) => o.kind === 'ClusterRoleBinding'), 'no cluster-wide rights for a team');
      const ks = objs.find((o) => o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit') && o.metadata.namespace === namespaces[0])!;
      assert.equal(ks.spec.serviceAccountName, team);
      assert.deepEqual(ks.spec.sourceRef, { kind: 'GitRepository', name: team });
      assert.equal(ks.spec.targetNamespace, namespaces.length === 1 ? namespaces[0] : undefined);
      assert.equal(ks.spec.path, `./tenants/prod/${team}`);
    }
  });

  it('locks the Flux controllers down on the cluster with tenants only', () => {
    const values = (cluster: string) => objectsOf(fleet, cluster).find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'flux')!.spec.values;
    const prod = values('prod');
    assert.deepEqual(prod.kustomizeController.container.additionalArgs, ['--no-cross-namespace-refs=true', '--no-remote-bases=true']);
    assert.deepEqual(prod.helmController.container.additionalArgs, ['--no-cross-namespace-refs=true']);
    assert.deepEqual(prod.notificationController.container.additionalArgs, ['--no-cross-namespace-refs=true']);
    assert.equal(values('dev').kustomizeController.container, undefined);
  });

  it('declares the teams in .slipway.yaml, and check reports a team object without impersonation or reaching out', async () => {
    const tree = synthesize(fleet).tree;
    assert.deepEqual(parse(tree.get('.slipway.yaml')!).tenancy.tenants, [{ name: 'payments', namespaces: ['payments'] }, { name: 'web', namespaces: ['web', 'web-preview'] }]);
    assert.match(tree.get('tenants/prod/payments/README.md')!, /ServiceAccount `payments\/payments`/);
    const out = mkdtempSync(path.join(os.tmpdir(), 'slipway-tenancy-'));
    try {
      writeTree(out, tree);
      const isolation = async () => (await runCheck(out, { schemaDirs: [sharedSchemas], cacheDir: false, render: false })).findings.filter((f) => f.rule === 'flux/tenant-isolation');
      assert.deepEqual(await isolation(), []);
      const file = 'kubernetes/prod/apps/flux-system/tenants/payments/sync.yaml';
      const text = readFileSync(path.join(out, file), 'utf8');
      writeFileSync(path.join(out, file), text.replace('  serviceAccountName: payments\n', '').replace('    name: payments\n  targetNamespace', '    name: payments\n    namespace: flux-system\n  targetNamespace'));
      const planted = await isolation();
      assert.deepEqual(planted.map((f) => f.message).sort(), [
        'Kustomization payments/payments of tenant payments refers to namespace flux-system, outside the team\'s namespaces (payments)',
        'Kustomization payments/payments of tenant payments sets no serviceAccountName: it reconciles with the Flux controller\'s own rights; impersonate the team\'s ServiceAccount',
      ]);
      const lines = readFileSync(path.join(out, file), 'utf8').split('\n');
      for (const f of planted) {
        assert.equal(f.file, file);
        assert.ok(f.line && f.line > lines.findIndex((l) => l === 'kind: Kustomization'), `${f.message} at line ${f.line}`);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('reports team mistakes at the module\'s config path', () => {
    const problems = planProblems;
    const prod = fleet.clusters.findIndex((c) => c.name === 'prod');
    const j = fleet.clusters[prod].modules.findIndex((m) => m.module.name === 'tenants');
    assert.deepEqual(problems(withTeams(fleet, { teams: [{ name: 'ops', namespaces: ['cert-manager'] }] })),
      [`clusters[${prod}].modules[${j}]: tenants on cluster "prod": namespace "cert-manager" of team ops is a platform module's namespace; give the team its own`]);
    assert.deepEqual(problems(withTeams(fleet, { teams: [{ name: 'a' }, { name: 'b', namespaces: ['a'] }] })),
      [`clusters[${prod}].modules[${j}]: tenants on cluster "prod": namespace "a" of team b belongs to another team too`]);
  });
});
