// The gatekeeper module on the proxmox-capi reference fleet (seed 000: OPA Gatekeeper): one
// ConstraintTemplate and one constraint per baseline policy, the constraints' excludedNamespaces
// exactly the model's exemptions, audit (dryrun) first and deny with one option, and the
// constraints judged by `slipway check` with the schema Gatekeeper derives from each template.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { runCheck } from '../src/check/engine.js';
import { gatekeeper } from '../src/catalog/index.js';
import { clusterExemptions, exemptNamespaces } from '../src/k8s/policy.js';
import { loadFleetConfig } from '../src/model/load.js';
import type { BaselinePolicy, FleetConfig } from '../src/model/types.js';
import { synthesize, writeTree } from '../src/synth/index.js';
import { repoRoot, sharedSchemas } from './helpers.js';
import { deliveredByFlux, synthesizedObjects } from './helpers/synth.js';

type Obj = { apiVersion: string; kind: string; metadata: { name: string }; spec?: any };

let fleet: FleetConfig;
before(async () => {
  const argo = await loadFleetConfig(path.join(repoRoot, 'examples', 'proxmox-capi', 'slipway.config.ts'));
  // delivered by Flux here, so the checker of this suite's era reads it (synth-argocd covers Argo CD)
  fleet = deliveredByFlux(argo);
});

const objectsOf = (f: FleetConfig, cluster: string): Obj[] => synthesizedObjects(f, `kubernetes/${cluster}/apps/gatekeeper-system/`);
const withMode = (f: FleetConfig, mode: 'audit' | 'enforce'): FleetConfig => ({
  ...f, clusters: f.clusters.map((c) => ({ ...c, modules: c.modules.map((m) => (m.module.name === 'gatekeeper' ? gatekeeper({ mode }) : m)) })),
});

describe('gatekeeper baseline from the model', () => {
  it('pairs every constraint with its template, excluding exactly the model\'s exempt namespaces', () => {
    for (const c of fleet.clusters) {
      const objs = objectsOf(fleet, c.name);
      const templates = objs.filter((o) => o.kind === 'ConstraintTemplate');
      const constraints = objs.filter((o) => o.apiVersion === 'constraints.gatekeeper.sh/v1beta1');
      assert.ok(templates.length >= 3);
      assert.equal(constraints.length, templates.length);
      const exemptions = clusterExemptions(fleet, c);
      for (const k of constraints) {
        const t = templates.find((x) => x.spec.crd.spec.names.kind === k.kind);
        assert.ok(t, `template of ${k.kind}`);
        assert.match(t!.spec.targets[0].rego, new RegExp(`^package ${k.kind.toLowerCase()}\\n`));
        const expected = [...new Set([...exemptNamespaces(exemptions, k.metadata.name as BaselinePolicy), 'gatekeeper-system'])].sort();
        assert.deepEqual(k.spec.match.excludedNamespaces, expected, `${c.name} ${k.metadata.name}`);
        assert.equal(k.spec.enforcementAction, 'dryrun');
      }
    }
    const enforced = objectsOf(withMode(fleet, 'enforce'), 'mgmt').filter((o) => o.apiVersion.startsWith('constraints.'));
    assert.deepEqual([...new Set(enforced.map((k) => k.spec.enforcementAction))], ['deny']);
  });

  it('is ordered chart → templates → constraints, and check judges constraints by their template\'s schema', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'slipway-gatekeeper-'));
    try {
      writeTree(out, synthesize(fleet).tree);
      const ks = parseAllDocuments(readFileSync(path.join(out, 'kubernetes/mgmt/apps/gatekeeper-system/gatekeeper/ks.yaml'), 'utf8')).map((d) => d.toJS());
      const deps = Object.fromEntries(ks.map((k: any) => [k.metadata.name, (k.spec.dependsOn ?? []).map((d: any) => d.name)]));
      assert.ok(deps['gatekeeper-templates'].includes('gatekeeper'));
      assert.ok(deps['gatekeeper-constraints'].includes('gatekeeper-templates'));
      const clean = await runCheck(out, { schemaDirs: [sharedSchemas], cacheDir: false, render: false });
      assert.deepEqual(clean.findings.filter((f) => f.severity !== 'info').map((f) => `${f.rule} ${f.file}:${f.line} ${f.message}`), []);
      // a parameter the template's schema does not have is found
      const file = path.join(out, 'kubernetes/mgmt/apps/gatekeeper-system/gatekeeper/constraints/constraints.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('    labels:\n', '    lables:\n'));
      const planted = await runCheck(out, { schemaDirs: [sharedSchemas], cacheDir: false, render: false });
      const invalid = planted.findings.filter((f) => f.rule === 'schema/invalid');
      assert.equal(invalid.length, 1, JSON.stringify(planted.findings.map((f) => `${f.rule} ${f.message}`)));
      assert.match(invalid[0].message, /lables/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
