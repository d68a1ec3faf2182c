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
    // the only infos, as for the reference fleet: the upstream Gateway API CRDs, whose source is a remote Git repository
    for (const f of result.findings.filter((x) => x.severity === 'info')) assert.match(f.message, /not available offline/);
  });

  it('synthesizes byte-identical output twice', async () => {
    const a = synthesize(fleet).tree;
    const b = synthesize(await additions()).tree;
    assert.deepEqual(a.paths(), b.paths());
    for (const p of a.paths()) assert.equal(a.get(p), b.get(p), p);
    assert.ok(a.paths().some((p) => p.includes('/crossplane/config/')));
  });

  it('renders ingress-nginx 4.15.1 and kube-prometheus-stack 88.3.0 from ../shared/charts, and the rendered check has 0 errors', async (t) => {
    const mirror: ChartMirrorSet = await startChartMirror();
    try {
      const out = path.join(work, 'fleet');
      const cacheDir = path.join(work, 'cache');
      const repo = await loadAndRender(out, {}, {
        settings: { mirrors: mirror.mirrors, auth: [], knowledge: [] }, cacheDir, offline: false, kubeVersion: '1.31',
      });
      const status = (cluster: string, key: string) => {
        const hr = repo.clusters.find((c) => c.name === cluster)?.helmReleases.find((h) => h.key === key);
        return `${hr?.render?.status} ${hr?.render?.failure ?? ''}${hr?.render?.reason ?? ''}`.trim();
      };
      assert.equal(status('infra', 'ingress-nginx/ingress-nginx'), 'rendered');
      assert.equal(status('apps', 'monitoring/kube-prometheus-stack'), 'rendered');
      const urls = repo.clusters.flatMap((c) => c.helmReleases.map((h) => h.chartLocation))
        .flatMap((l) => (l.type === 'helm' ? [l.repoUrl] : l.type === 'oci' ? [l.url] : []));
      // charts not in ../shared/charts go to 127.0.0.1 as well (a 404), never to the network
      const charts = { settings: { mirrors: [...mirror.mirrors, ...mirror.unmapped(urls)], auth: [], knowledge: [] }, cacheDir };
      const result = await runCheck(out, { schemaDirs: [sharedSchemas], kubeVersion: '1.31', offline: false, charts, cacheDir: false });
      const errors = result.findings.filter((f) => f.severity === 'error').map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`);
      assert.deepEqual(errors, []);
      // what the rendered charts add beyond "not verified" (charts absent from ../shared/charts), for the record
      const mine = result.findings.filter((f) => f.severity === 'warning' && f.rule !== 'helm/not-verified' && /ingress-nginx|kube-prometheus-stack|\/monitoring\//.test(`${f.file} ${f.message}`));
      t.diagnostic(`warnings from the two rendered charts: ${mine.length}${mine.map((f) => `\n  ${f.rule} ${f.file}:${f.line} ${f.message}`).join('')}`);
    } finally {
      await mirror.close();
    }
  });
});

describe('catalog additions: config mistakes name their config path', () => {
  const at = (fleet: FleetConfig, cluster: string, module: string) => {
    const i = fleet.clusters.findIndex((c) => c.name === cluster);
    return `clusters[${i}].modules[${names(fleet.clusters[i]).indexOf(module)}]`;
  };
  const validation = (fleet: FleetConfig) => validateFleet(fleet).map((p) => `${p.path}: ${p.message}`);
  const planProblems = (fleet: FleetConfig) => {
    try {
      planFleet(fleet);
    } catch (err) {
      if (err instanceof PlanError) return err.problems.map((p) => `${p.path}: ${p.message}`);
      throw err;
    }
    return [];
  };

  it('envoy-gateway without gateway-api', async () => {
    const fleet = await variant({ apps: (ms) => [...ms.filter(without('gateway-api')), as(envoyGateway())] });
    assert.ok(validation(fleet).includes(`${at(fleet, 'apps', 'envoy-gateway')}: module "envoy-gateway" needs module "gateway-api" on the same cluster; add it`), validation(fleet).join('\n'));
  });

  it('kube-prometheus-stack without prometheus-operator-crds, and next to victoria-metrics', async () => {
    const noCrds = await variant({ apps: (ms) => [...ms.filter(without('prometheus-operator-crds')).filter(without('victoria-metrics')), as(kubePrometheusStack())] });
    assert.ok(validation(noCrds).includes(`${at(noCrds, 'apps', 'kube-prometheus-stack')}: module "kube-prometheus-stack" needs module "prometheus-operator-crds" on the same cluster; add it`), validation(noCrds).join('\n'));
    const both = await variant({ apps: (ms) => [...ms, as(kubePrometheusStack())] });
    assert.deepEqual(planProblems(both), [
      `${at(both, 'apps', 'kube-prometheus-stack')}: kube-prometheus-stack on cluster "apps" is an alternative to victoria-metrics, which is enabled too; enable one of them`,
    ]);
  });

  it('opencost and flagger without a Prometheus API', async () => {
    // apps runs victoria-metrics as a leaf: no query API on that cluster
    const fleet = await variant({ apps: (ms) => [...ms, as(opencost()), as(flagger())] });
    assert.deepEqual(planProblems(fleet), [
      `${at(fleet, 'apps', 'opencost')}: opencost on cluster "apps" needs a Prometheus API to read: enable kube-prometheus-stack, or victoria-metrics with role "global", on this cluster`,
    ]);
    // flagger still plans there (traffic shifting without metric checks), with no MetricTemplate
    const ok = await variant({ apps: (ms) => [...ms, as(flagger())] });
    const units = planFleet(ok).clusters.find((c) => c.cluster.name === 'apps')!.units.map((u) => u.unit.name);
    assert.ok(units.includes('flagger') && !units.includes('flagger-metrics'), units.join(', '));
  });

  it('crossplane without external-secrets', async () => {
    const fleet = await variant({ infra: (ms) => [...ms.filter(without('external-secrets')), as(crossplane())] });
    assert.ok(validation(fleet).includes(`${at(fleet, 'infra', 'crossplane')}: module "crossplane" needs module "external-secrets" on the same cluster; add it`), validation(fleet).join('\n'));
  });

  it('mistyped options of the option-light modules', async () => {
    const fleet = await variant({
      infra: (ms) => [...ms, as(ingressNginx({ defaultClas: true } as never)), as(spegel({ hostPort: '29999' } as never)), as(trivyOperator({ concurrentScanJobs: 'three' } as never))],
    });
    const got = validation(fleet);
    assert.ok(got.includes(`${at(fleet, 'infra', 'ingress-nginx')}.options.defaultClas: unknown option of module "ingress-nginx"; known options: chart, defaultClass, replicas`), got.join('\n'));
    assert.ok(got.includes(`${at(fleet, 'infra', 'spegel')}.options.hostPort: must be a number like the default 29999, got "29999"`), got.join('\n'));
    assert.ok(got.includes(`${at(fleet, 'infra', 'trivy-operator')}.options.concurrentScanJobs: must be a number like the default 3, got "three"`), got.join('\n'));
  });
});

