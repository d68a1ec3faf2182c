// HelmReleases resolved against the cluster's inventory — their chart source (spec.chartRef to
// an OCIRepository/HelmChart/ExternalArtifact, or spec.chart.spec.sourceRef to a HelmRepository/
// GitRepository/Bucket), where source-controller would get the chart from, and their values
// (inline, valuesFrom ConfigMaps/Secrets). Rendering is the next stage's (src/render).
import type { YamlMap } from '../yaml/values.js';
import type { AppliedResource, ChartLocation, FluxProblem, FluxSource, HelmReleaseInfo, KsKey, SourceRef } from './model.js';
import type { ClusterInventory, InventoryEntry } from './inventory.js';
import { DEFAULT_NAMESPACE } from './inventory.js';
import { isMap, list, map, metadataOf, str } from './yaml-util.js';

/** Finds a source object and resolves a path inside a local one (the loader's SourceResolver). */
export interface ChartSourceLookup {
  source(ref: SourceRef): { source: FluxSource; spec: YamlMap } | undefined;
  /** The repository folder of `p` inside the source, or why it is not local. */
  folder(source: FluxSource, p: string): { dir?: string; exists: boolean; remote?: string };
}

const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

export function isHelmRelease(obj: YamlMap): boolean {
  return obj.kind === 'HelmRelease' && (str(obj.apiVersion) ?? '').startsWith('helm.toolkit.fluxcd.io/');
}

export function resolveHelmRelease(r: AppliedResource, appliedBy: KsKey, inventory: ClusterInventory, sources: ChartSourceLookup): HelmReleaseInfo {
  const meta = metadataOf(r.object);
  const namespace = meta.namespace ?? DEFAULT_NAMESPACE;
  const spec = map(r.object.spec);
  const problems: FluxProblem[] = [];
  const where = { file: r.origin?.file, line: r.origin?.line, kustomization: appliedBy };
  const describe = `HelmRelease ${namespace}/${meta.name}`;

  const chartRef = isMap(spec.chartRef) ? spec.chartRef : undefined;
  const chartSpec = map(map(spec.chart).spec);
  const ref = chartRef ?? map(chartSpec.sourceRef);
  const sourceRef = { kind: str(ref.kind) ?? '', name: str(ref.name) ?? '', namespace: str(ref.namespace) ?? namespace };
  const chart: HelmReleaseInfo['chart'] = {
    name: chartRef ? sourceRef.name : str(chartSpec.chart),
    version: str(chartSpec.version),
    sourceRef,
    via: chartRef ? 'chartRef' : 'chart.spec',
  };
  if (!sourceRef.kind || !sourceRef.name) {
    problems.push({ code: 'source-missing', message: `${describe} has neither spec.chartRef nor spec.chart.spec.sourceRef`, ...where });
  } else {
    const entry = inventory.get(sourceRef.kind, sourceRef.namespace, sourceRef.name) ?? producedArtifact(sourceRef, inventory);
    if (entry) {
      chart.source = { kind: sourceRef.kind, key: `${sourceRef.namespace}/${sourceRef.name}`, url: str(map(entry.object.spec).url), appliedBy: entry.appliedBy };
    } else {
      problems.push({
        code: 'source-missing',
        message: `${describe} takes its chart from ${sourceRef.kind} ${sourceRef.namespace}/${sourceRef.name}, which is not in the cluster's Kustomizations`,
        ...where,
      });
    }
  }

  const valuesFrom: HelmReleaseInfo['valuesFrom'] = [];
  const valuesObjects: YamlMap[] = [];
  const valuesUnknown: string[] = [];
  for (const v of list(spec.valuesFrom).filter(isMap)) {
    const kind = str(v.kind) === 'Secret' ? 'Secret' : 'ConfigMap';
    const name = str(v.name) ?? '';
    const optional = v.optional === true;
    const entry = inventory.get(kind, namespace, name);
    valuesFrom.push({ kind, name, valuesKey: str(v.valuesKey), optional, found: !!entry, appliedBy: entry?.appliedBy });
    if (entry) collectValuesObject(entry, valuesObjects, valuesUnknown);
    if (!entry && !optional) {
      problems.push({ code: 'source-missing', message: `${describe} takes values from ${kind} ${namespace}/${name}, which nothing in the repository creates`, ...where });
    }
  }

  return {
    key: `${namespace}/${meta.name}`,
    name: meta.name,
    namespace,
    origin: r.origin,
    appliedBy,
    chart,
    chartLocation: chartLocation(chartRef ? 'chartRef' : 'chart.spec', sourceRef, chartSpec, sources, describe),
    object: r.object,
    valuesObjects,
    valuesUnknown,
    dependsOn: list(spec.dependsOn).filter(isMap).map((d) => `${str(d.namespace) ?? namespace}/${str(d.name) ?? ''}`),
    values: isMap(spec.values) ? spec.values : undefined,
    valuesFrom,
    problems,
  };
}

/** A chartRef to an ExternalArtifact that an ArtifactGenerator in the cluster produces. */
function producedArtifact(ref: { kind: string; name: string; namespace: string }, inventory: ClusterInventory) {
  if (ref.kind !== 'ExternalArtifact') return undefined;
  return inventory.entries().find((e) =>
    e.kind === 'ArtifactGenerator' && e.namespace === ref.namespace && list(map(e.object.spec).artifacts).some((a) => str(map(a).name) === ref.name));
}

/** A valuesFrom object handed to Helm when its values are readable; else why they are not. */
function collectValuesObject(entry: InventoryEntry, objects: YamlMap[], unknown: string[]): void {
  const label = `${entry.kind} ${entry.namespace}/${entry.name}`;
  if (entry.valuesUnknown) {
    if (!unknown.includes(label)) unknown.push(`${label} (${entry.valuesUnknown})`);
    return;
  }
  if (entry.object.kind !== entry.kind) return;
  objects.push({ ...entry.object, metadata: { ...map(entry.object.metadata), namespace: entry.namespace } });
}

/**
 * Where source-controller gets the chart: a HelmRepository (HTTP index or type oci), an
 * OCIRepository (ref and layer selector), a HelmChart (its own source, recursively), or a chart
 * folder of a GitRepository/Bucket that is this repository.
 */
function chartLocation(via: 'chartRef' | 'chart.spec', ref: SourceRef, chartSpec: YamlMap, sources: ChartSourceLookup, describe: string, depth = 0): ChartLocation {
  const found = sources.source(ref);
  const label = `${ref.kind} ${ref.namespace}/${ref.name}`;
  if (!found) return { type: 'unavailable', reason: `${describe}: its chart source ${label} is not in the cluster's Kustomizations` };
  const { source, spec: entrySpec } = found;
  const chart = str(chartSpec.chart);
  const version = str(chartSpec.version);
  switch (ref.kind) {
    case 'OCIRepository': {
      if (via !== 'chartRef') break;
      const url = str(entrySpec.url) ?? source.url;
      if (!url) return { type: 'unavailable', reason: `${describe}: ${label} has no spec.url` };
      const r = map(entrySpec.ref);
      return {
        type: 'oci', url, tag: str(r.tag) ?? (r.semver || r.digest ? undefined : 'latest'), semver: str(r.semver), digest: str(r.digest),
        layerMediaType: str(map(entrySpec.layerSelector).mediaType) ?? HELM_CHART_LAYER,
      };
    }
    case 'HelmRepository': {
      const url = str(entrySpec.url) ?? source.url;
      if (!url) return { type: 'unavailable', reason: `${describe}: ${label} has no spec.url` };
      if (!chart) return { type: 'unavailable', reason: `${describe}: spec.chart.spec.chart is empty` };
      if (str(entrySpec.type) === 'oci' || url.startsWith('oci://')) {
        return { type: 'oci', url: `${url.replace(/\/+$/, '')}/${chart}`, semver: version ?? '*', layerMediaType: HELM_CHART_LAYER };
      }
      return { type: 'helm', repoUrl: url, chart, version };
    }
    case 'HelmChart': {
      if (depth > 0) break;
      const spec = entrySpec;
      const inner = map(spec.sourceRef);
      const innerRef = { kind: str(inner.kind) ?? '', name: str(inner.name) ?? '', namespace: ref.namespace };
      return chartLocation('chart.spec', innerRef, spec, sources, describe, depth + 1);
    }
    case 'GitRepository':
    case 'Bucket':
    case 'ExternalArtifact': {
      if (!chart) return { type: 'unavailable', reason: `${describe}: chartRef to ${label} needs the chart at the artifact root, which is not verified yet` };
      const folder = sources.folder(source, chart);
      if (folder.remote) return { type: 'unavailable', reason: `${describe}: the chart ${chart} is in ${label}, outside this repository (${folder.remote})` };
      if (!folder.exists || folder.dir === undefined) return { type: 'unavailable', reason: `${describe}: the chart folder ${chart} of ${label} does not exist (looked for ${folder.dir ?? chart}/)` };
      return { type: 'folder', dir: folder.dir };
    }
  }
  return { type: 'unavailable', reason: `${describe}: a chart from ${label} (${via}) is not supported by source-controller` };
}
