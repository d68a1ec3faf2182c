// The kyverno module and the model's exemptions (seeds 000, 002, 004), on the kind-dev reference
// fleet: the baseline policies follow the model (each namespace's Pod Security level, the label
// taxonomy), every exemption — the privileged modules' and the fleet's — is a PolicyException
// with its reason, the same list reaches `slipway check` through .slipway.yaml, and audit flips
// to enforce with one option. Strict schema validation of the ClusterPolicies and exceptions is
// part of synth-kind-sops' check of the whole fleet.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { runCheck } from '../src/check/engine.js';
import { kyverno } from '../src/catalog/index.js';
import { REASON_ANNOTATION } from '../src/catalog/kyverno.js';
import { loadFleetConfig } from '../src/model/load.js';
import type { FleetConfig } from '../src/model/types.js';
import { validateFleet } from '../src/model/validate.js';
import { synthesize, writeTree } from '../src/synth/index.js';
import { repoRoot, sharedSchemas } from './helpers.js';
import { synthesizedObjects } from './helpers/synth.js';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any };

let fleet: FleetConfig;
before(async () => { fleet = await loadFleetConfig(path.join(repoRoot, 'examples', 'kind-dev', 'slipway.config.ts')); });

const objectsOf = (f: FleetConfig, cluster: string): Obj[] => synthesizedObjects(f, `kubernetes/${cluster}/`);
const policies = (objs: Obj[]) => objs.filter((o) => o.kind === 'ClusterPolicy');
const exceptions = (objs: Obj[]) => objs.filter((o) => o.kind === 'PolicyException');
const withModuleOptions = (f: FleetConfig, mode: 'audit' | 'enforce'): FleetConfig => ({
  ...f,
  clusters: f.clusters.map((c) => ({ ...c, modules: c.modules.map((m) => (m.module.name === 'kyverno' ? kyverno({ mode }) : m)) })),
});

describe('kyverno baseline from the model', () => {
  it('checks each namespace at the Pod Security level the namespace itself enforces', () => {
    for (const cluster of ['dev', 'prod']) {
      const objs = objectsOf(fleet, cluster);
      const levels = new Map(objs.filter((o) => o.kind === 'Namespace').map((n) => [n.metadata.name, n.metadata.labels?.['pod-security.kubernetes.io/enforce']]));
      const pss = policies(objs).find((p) => p.metadata.name === 'pod-security')!;
      const covered = new Map<string, string>();
      for (const rule of pss.spec.rules) for (const ns of rule.match.any[0].resources.namespaces) covered.set(ns, rule.validate.podSecurity.level);
      for (const [ns, level] of levels) {
        if (level === 'privileged') assert.ok(!covered.has(ns), `${cluster}: privileged ${ns} is not held to a standard`);
        else assert.equal(covered.get(ns), level, `${cluster}: ${ns}`);
      }
    }
  });

  it('writes the five baseline policies, the label policy from the taxonomy', () => {
    const objs = objectsOf(fleet, 'dev');
    assert.deepEqual(policies(objs).map((p) => p.metadata.name).sort(),
      ['disallow-host-path', 'disallow-latest-tag', 'pod-security', 'require-labels', 'require-requests-limits']);
    const labels = policies(objs).find((p) => p.metadata.name === 'require-labels')!;
    assert.deepEqual(Object.keys(labels.spec.rules[0].validate.pattern.metadata.labels), fleet.policy!.requiredLabels);
    const noTaxonomy = objectsOf({ ...fleet, policy: { exemptions: [] } }, 'dev');
    assert.ok(!policies(noTaxonomy).some((p) => p.metadata.name === 'require-labels'), 'no label policy without a taxonomy');
  });

  it('exempts every privileged module namespace from hostPath, and writes the fleet\'s exemptions, each with its reason', () => {
    for (const cluster of ['dev', 'prod']) {
      const objs = objectsOf(fleet, cluster);
      const privileged = objs.filter((o) => o.kind === 'Namespace' && o.metadata.labels?.['pod-security.kubernetes.io/enforce'] === 'privileged').map((o) => o.metadata.name).sort();
      const hostPath = exceptions(objs).filter((e) => e.spec.exceptions[0].policyName === 'disallow-host-path');
      assert.deepEqual([...new Set(hostPath.flatMap((e) => e.spec.match.any[0].resources.namespaces))].sort(), privileged, cluster);
      for (const e of exceptions(objs)) {
        assert.equal(e.metadata.namespace, 'kyverno', 'exceptions live only where the controller accepts them');
        assert.match(e.metadata.annotations![REASON_ANNOTATION], /\S.*\((module [\w-]+|fleet\.policy\.exemptions\[\d+\])\)$/);
        // the Deployments', StatefulSets' and CronJobs' generated rules are exempt too
        const rules: string[] = e.spec.exceptions[0].ruleNames;
        for (const r of rules.filter((n) => !n.startsWith('autogen-'))) assert.ok(rules.includes(`autogen-${r}`) && rules.includes(`autogen-cronjob-${r}`), r);
        const policy = policies(objs).find((p) => p.metadata.name === e.spec.exceptions[0].policyName)!;
        const defined = new Set(policy.spec.rules.map((r: { name: string }) => r.name));
        assert.ok(rules.filter((n) => !n.startsWith('autogen-')).every((n) => defined.has(n) || e.spec.exceptions[0].policyName === 'pod-security'), `${e.metadata.name} names rules of ${policy.metadata.name}`);
      }
      const fromFleet = exceptions(objs).filter((e) => /fleet\.policy\.exemptions\[0\]/.test(e.metadata.annotations![REASON_ANNOTATION]));
      assert.equal(fromFleet.length, 1);
      assert.deepEqual(fromFleet[0].spec.match.any[0].resources.namespaces, ['flux-system']);
      assert.ok(fromFleet[0].metadata.annotations![REASON_ANNOTATION].startsWith(fleet.policy!.exemptions![0].reason));
    }
  });

  it('audits first and enforces with one option', () => {
    const actions = (f: FleetConfig) => new Set(policies(objectsOf(f, 'dev')).flatMap((p) => p.spec.rules.map((r: any) => r.validate.failureAction)));
    assert.deepEqual([...actions(fleet)], ['Audit']);
    assert.deepEqual([...actions(withModuleOptions(fleet, 'enforce'))], ['Enforce']);
  });

  it('gives CI the same exemptions through .slipway.yaml, and slipway check lists them', async () => {
    const exempt: FleetConfig = {
      ...fleet,
      policy: {
        ...fleet.policy,
        exemptions: [...fleet.policy!.exemptions!, { policy: 'require-requests-limits', namespaces: ['podinfo'], reason: 'load test runs unbounded', clusters: ['dev'] }],
      },
    };
    const tree = synthesize(exempt).tree;
    const config = parse(tree.get('.slipway.yaml')!);
    assert.deepEqual(config.exemptions, [{
      rule: 'workload/resources', cluster: 'dev', namespace: 'podinfo',
      reason: 'load test runs unbounded (fleet.policy.exemptions[1], policy require-requests-limits)',
    }]);
    // the cluster gets the same one
    const dev = objectsOf(exempt, 'dev');
    assert.ok(exceptions(dev).some((e) => e.spec.exceptions[0].policyName === 'require-requests-limits' && e.spec.match.any[0].resources.namespaces[0] === 'podinfo'));
    assert.ok(!exceptions(objectsOf(exempt, 'prod')).some((e) => e.spec.exceptions[0].policyName === 'require-requests-limits'), 'only on the clusters it names');
    const out = mkdtempSync(path.join(os.tmpdir(), 'slipway-policy-'));
    try {
      writeTree(out, tree);
      const result = await runCheck(out, { schemaDirs: [sharedSchemas], cacheDir: false, render: false });
      assert.deepEqual(result.exemptions.map((e) => [e.rule, e.reason]), [['workload/resources', config.exemptions[0].reason]]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('reports exemption mistakes at their config path', () => {
    const msgs = (f: FleetConfig) => validateFleet(f).map((p) => `${p.path}: ${p.message}`);
    const noReason = { ...fleet, policy: { exemptions: [{ policy: 'disallow-host-path', namespaces: ['podinfo'], reason: '  ' }] } } as FleetConfig;
    assert.deepEqual(msgs(noReason), ['policy.exemptions[0].reason: must say why these namespaces may break the policy; it is written next to the exemption everywhere']);
    const missing = { ...fleet, policy: { exemptions: [{ policy: 'disallow-host-path', namespaces: ['podinfo'] }] } } as unknown as FleetConfig;
    assert.deepEqual(validateFleet(missing).map((p) => p.path), ['policy.exemptions[0].reason']);
    const unknownCluster = { ...fleet, policy: { exemptions: [{ policy: 'disallow-host-path' as const, namespaces: ['podinfo'], reason: 'x', clusters: ['staging'] }] } };
    assert.deepEqual(msgs(unknownCluster), ['policy.exemptions[0].clusters[0]: no cluster named "staging" in this fleet']);
    const unknownPolicy = { ...fleet, policy: { exemptions: [{ policy: 'no-root', namespaces: ['podinfo'], reason: 'x' }] } } as unknown as FleetConfig;
    assert.deepEqual(validateFleet(unknownPolicy).map((p) => p.path), ['policy.exemptions[0].policy']);
    const labelsOff = { ...fleet, policy: { exemptions: [{ policy: 'require-labels' as const, namespaces: ['podinfo'], reason: 'x' }] } };
    assert.deepEqual(msgs(labelsOff), ['policy.exemptions[0].policy: no label policy is in force: set policy.requiredLabels, or remove this exemption']);
  });
});
