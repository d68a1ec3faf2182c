// render: every HelmRelease of every cluster through Helm, the way helm-controller installs it
// (the engine runs Helm's own code). Charts come from the chart cache or from the repository;
// the rendered objects join the Kustomization that applies the release, so every rule sees them
// and their CRDs become facts for ordering. A release that cannot be rendered keeps an outcome
// saying why (helm/not-verified); one that Helm refuses keeps Helm's message (helm/render,
// helm/values-schema).
import { createHash } from 'node:crypto';
import type { ChartFetcher } from '../charts/index.js';
import type { Engine, HelmRenderResult } from '../engine/index.js';
import type { FluxCluster, FluxRepository, HelmReleaseInfo, HelmRenderOutcome } from '../repo/flux/index.js';
import { factsOf } from '../k8s/facts.js';
import type { K8sObject } from '../k8s/object.js';
import { attachRendered } from './attach.js';
import { obtainChart } from './charts.js';
import { ScopeIndex } from './scope.js';

export interface RenderOptions {
  engine: Pick<Engine, 'helmRender'>;
  fetcher: ChartFetcher;
  /** `.Capabilities.KubeVersion` ("1.31" → 1.31.0). */
  kubeVersion?: string;
  /** `.Capabilities.APIVersions` the cluster serves besides its CRDs ("apps/v1", "apps/v1/Deployment" …). */
  builtinApiVersions?: string[];
  /** Shared between renders of several revisions (diff): same inputs, one Helm run. */
  cache?: RenderCache;
  onProgress?: (done: number, total: number) => void;
}

export interface HelmReleaseCounts {
  total: number;
  rendered: number;
  notVerified: number;
}

/** Renders in place: each HelmRelease gets `render`, its Kustomization the rendered objects. */
export async function renderHelmReleases(repo: FluxRepository, options: RenderOptions): Promise<void> {
  const total = repo.clusters.reduce((n, c) => n + c.helmReleases.length, 0);
  let done = 0;
  for (const cluster of repo.clusters) {
    const context = clusterContext(cluster, options.builtinApiVersions ?? []);
    await Promise.all(cluster.helmReleases.map(async (hr) => {
      hr.render = await renderOne(repo.root, cluster, hr, context, options);
      options.onProgress?.(++done, total);
    }));
  }
}

export function countHelmReleases(cluster: FluxCluster): HelmReleaseCounts {
  const rendered = cluster.helmReleases.filter((h) => h.render?.status === 'rendered').length;
  const notVerified = cluster.helmReleases.filter((h) => h.render?.status !== 'rendered' && h.render?.status !== 'failed').length;
  return { total: cluster.helmReleases.length, rendered, notVerified };
}

interface ClusterRenderContext {
  scopes: ScopeIndex;
  /** API versions the cluster's CRDs add to `.Capabilities.APIVersions`. */
  apiVersions: string[];
}

function clusterContext(cluster: FluxCluster, builtin: string[]): ClusterRenderContext {
  const scopes = new ScopeIndex();
  const objects = cluster.kustomizations.flatMap((k) => k.resources.map((r) => r.object as Record<string, unknown>));
  scopes.learn(objects);
  const apiVersions = new Set<string>(builtin);
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition') continue;
    const spec = (o.spec ?? {}) as { group?: string; names?: { kind?: string }; versions?: Array<{ name?: string; served?: boolean }> };
    for (const v of spec.versions ?? []) {
      if (!spec.group || !v.name || v.served === false) continue;
      apiVersions.add(`${spec.group}/${v.name}`);
      if (spec.names?.kind) apiVersions.add(`${spec.group}/${v.name}/${spec.names.kind}`);
    }
  }
  return { scopes, apiVersions: [...apiVersions].sort() };
}

async function renderOne(root: string, cluster: FluxCluster, hr: HelmReleaseInfo, context: ClusterRenderContext, options: RenderOptions): Promise<HelmRenderOutcome> {
  const chart = await obtainChart(root, hr.chartLocation, options.fetcher);
  if (!chart.ok) return { status: 'not-verified', reason: chart.reason, resources: 0 };
  // values whose source is not readable offline (SOPS, an ExternalSecret) are left out, as if optional
  const release = hr.valuesUnknown.length ? withOptionalValues(hr) : hr.object;
  const request = {
    release: release as Record<string, unknown>, chart: chart.chart, valuesFrom: hr.valuesObjects as Array<Record<string, unknown>>,
    kubeVersion: options.kubeVersion, apiVersions: context.apiVersions,
  };
  const key = chart.digest ? renderKey(chart.digest, { ...request, chart: undefined }) : undefined;
  const cached = key ? options.cache?.get(key) : undefined;
  const result = cached ?? (await options.engine.helmRender(request));
  if (options.cache) options.cache.stats[cached ? 'reused' : 'rendered']++;
  if (key && result.ok && !cached) options.cache?.set(key, result);
  if (!result.ok) {
    if (hr.valuesUnknown.length) {
      return { status: 'not-verified', reason: `values from ${hr.valuesUnknown.join(', ')} are not readable offline, and without them Helm fails: ${firstLine(result.error.message)}`, resources: 0 };
    }
    if (result.error.kind === 'chart-dependencies' && hr.chartLocation.type === 'folder') {
      // source-controller runs `helm dependency build` for a chart folder; those downloads are not done here yet
      return { status: 'not-verified', reason: `the chart folder ${hr.chartLocation.dir} lists dependencies that are not in its charts/ folder; source-controller fetches them, Slipway does not yet (${firstLine(result.error.message)})`, resources: 0 };
    }
    const failure = result.error.kind === 'values-schema' ? 'values-schema' : result.error.kind === 'values' ? 'values' : result.error.kind === 'chart' || result.error.kind === 'chart-dependencies' ? 'chart' : 'render';
    return { status: 'failed', failure, reason: result.error.message, chart: chartInfo(chart), resources: 0 };
  }
  const ks = cluster.kustomizations.find((k) => k.key === hr.appliedBy);
  // objects are copied: a cached result may be attached to several clusters or revisions
  const objects = structuredClone(result.resources);
  if (ks) attachRendered(ks, hr, objects, result.namespace, (id) => context.scopes.isClusterScoped(id));
  return {
    status: 'rendered',
    chart: { name: result.chart.name, version: result.chart.version, digest: chart.digest },
    releaseName: result.releaseName,
    namespace: result.namespace,
    resources: objects.length,
    crds: crdsOf(objects.map((o) => o.object)),
    ...(hr.valuesUnknown.length ? { reason: `rendered without the values of ${hr.valuesUnknown.join(', ')}, which are not readable offline` } : {}),
  };
}

function chartInfo(chart: { digest?: string; version?: string }): HelmRenderOutcome['chart'] {
  return chart.version ? { name: '', version: chart.version, digest: chart.digest } : undefined;
}

function withOptionalValues(hr: HelmReleaseInfo): Record<string, unknown> {
  const spec = { ...(hr.object.spec as Record<string, unknown>) };
  spec.valuesFrom = ((spec.valuesFrom as unknown[]) ?? []).map((v) => ({ ...(v as object), optional: true }));
  return { ...hr.object, spec };
}

/** "group/Kind" of the CRDs among `objects`: the crd: facts they provide (src/k8s/facts.ts). */
function crdsOf(objects: Array<Record<string, unknown>>): string[] {
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition' && typeof o.metadata === 'object');
  return factsOf(crds as unknown as K8sObject[]).provides.filter((f) => f.startsWith('crd:')).map((f) => f.slice('crd:'.length));
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

/** Same chart bytes, release, values objects and capabilities: the same rendering. */
function renderKey(digest: string, request: object): string {
  return createHash('sha256').update(digest).update(JSON.stringify(request, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).digest('hex');
}

/** Renderings by input, kept for one process (both revisions of a diff). */
export class RenderCache {
  private readonly results = new Map<string, HelmRenderResult>();
  /** Releases rendered by Helm, and those answered from this cache. */
  readonly stats = { rendered: 0, reused: 0 };
  get(key: string): HelmRenderResult | undefined {
    return this.results.get(key);
  }
  set(key: string, result: HelmRenderResult): void {
    this.results.set(key, result);
  }
}
