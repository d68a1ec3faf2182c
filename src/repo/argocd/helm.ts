// A Helm source of an Application (a chart from a Helm/OCI repository, or a chart folder of this
// repository) as a HelmReleaseInfo, so that it is rendered by the same machinery as Flux
// HelmReleases (src/render: chart cache, the engine's Helm, not-verified when the chart is out of
// reach) and judged by the same helm/* rules. What Argo CD's repo-server hands `helm template` is
// expressed as a HelmRelease the engine understands:
// - release name: helm.releaseName, else the Application's name; namespace: destination.namespace;
// - values, in Argo CD's order: valueFiles, then `values` (a YAML string), then `valuesObject`,
//   then `parameters` (as --set): each is one valuesFrom entry of a ConfigMap made here, so Helm's
//   own value merging (the engine's chartutil) composes them — nothing is merged by hand;
// - helm.skipCrds → install.crds: Skip (Helm's --skip-crds).
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { YamlMap } from '../yaml/values.js';
import { resolveInsideRoot } from '../yaml/index.js';
import type { ChartLocation, FluxProblem, HelmReleaseInfo, SourcePosition } from '../flux/model.js';
import { isMap, list, map, metadataOf, normalizeRel, str } from '../flux/yaml-util.js';
import type { ApplicationSource } from './model.js';
import { statInside } from '../flux/sources.js';

export interface HelmSourceInput {
  root: string;
  app: YamlMap;
  appKey: string;
  origin?: SourcePosition;
  source: ApplicationSource;
  /** The raw source entry (its helm: block). */
  entry: YamlMap;
  location: ChartLocation;
  /** All sources of the Application, for `$ref/…` valueFiles. */
  sources: ApplicationSource[];
  destinationNamespace?: string;
}

export function helmSourceRelease(input: HelmSourceInput): HelmReleaseInfo {
  const { app, appKey, source, entry } = input;
  const helm = map(entry.helm);
  const releaseName = str(helm.releaseName) ?? metadataOf(app).name;
  const namespace = input.destinationNamespace ?? 'default';
  const problems: FluxProblem[] = [];
  const where = { file: input.origin?.file, line: input.origin?.line, kustomization: appKey };
  const valuesObjects: YamlMap[] = [];
  const valuesFrom: YamlMap[] = [];
  const valuesUnknown: string[] = [];
  const addValues = (label: string, text: string, targetPath?: string) => {
    const name = `argocd-${metadataOf(app).name}-${source.index}-${valuesObjects.length}`;
    valuesObjects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, annotations: { 'slipway.dev/values-of': label } }, data: { values: text } });
    valuesFrom.push({ kind: 'ConfigMap', name, valuesKey: 'values', ...(targetPath ? { targetPath } : {}) });
  };

  for (const file of list(helm.valueFiles).map((f) => String(f))) {
    const found = valueFile(input, file);
    if ('text' in found) addValues(`valueFiles ${file}`, found.text);
    else if (found.unknown) valuesUnknown.push(`valueFiles ${file} (${found.unknown})`);
    else if (helm.ignoreMissingValueFiles !== true) {
      problems.push({ code: 'application-path-missing', message: `Application ${appKey}: the values file ${file} of source ${source.pointer} does not exist (looked for ${found.missing}); Argo CD fails to generate the manifests (set ignoreMissingValueFiles: true if that is intended)`, ...where });
    }
  }
  if (typeof helm.values === 'string' && helm.values.trim()) addValues('values', helm.values);
  if (isMap(helm.valuesObject)) addValues('valuesObject', stringify(helm.valuesObject));
  for (const p of list(helm.parameters).filter(isMap)) {
    const name = str(p.name);
    if (name) addValues(`parameter ${name}`, String(p.value ?? ''), name);
  }

  const object: YamlMap = {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: releaseName, namespace },
    spec: {
      releaseName,
      chart: { spec: { chart: source.chart ?? source.path ?? '', ...(source.targetRevision ? { version: source.targetRevision } : {}), sourceRef: { kind: 'HelmRepository', name: 'argocd' } } },
      ...(valuesFrom.length ? { valuesFrom } : {}),
      ...(helm.skipCrds === true ? { install: { crds: 'Skip' } } : {}),
    },
  };
  const url = source.repoURL;
  return {
    application: { key: appKey, source: source.index, pointer: source.pointer, location: input.location },
    key: `${namespace}/${releaseName}`,
    name: releaseName,
    namespace,
    origin: input.origin,
    appliedBy: appKey,
    chart: {
      name: source.chart ?? source.path?.split('/').pop(),
      version: source.targetRevision,
      sourceRef: { kind: source.type === 'helm' ? 'HelmRepository' : 'GitRepository', name: url ?? '', namespace },
      via: 'chart.spec',
      source: { kind: source.type === 'helm' ? 'HelmRepository' : 'GitRepository', key: url ?? '', url: url && !/^[a-z]+:\/\//.test(url) ? `oci://${url}` : url, appliedBy: appKey },
    },
    chartLocation: input.location,
    object,
    valuesObjects,
    valuesUnknown,
    dependsOn: [],
    values: isMap(helm.valuesObject) ? helm.valuesObject : undefined,
    valuesFrom: valuesFrom.map((v) => ({ kind: 'ConfigMap', name: String(v.name), valuesKey: 'values', optional: false, found: true, appliedBy: appKey })),
    problems,
  };
}

/**
 * A valueFiles entry: `$ref/path` in the source named by `ref`, else a path inside the chart —
 * readable when the chart is a folder of this repository.
 */
function valueFile(input: HelmSourceInput, file: string): { text: string } | { unknown?: string; missing?: string } {
  let rel: string | undefined;
  const m = /^\$([^/]+)\/(.*)$/.exec(file);
  if (m) {
    const ref = input.sources.find((s) => s.ref === m[1]);
    if (!ref) return { missing: `a source with ref: ${m[1]}` };
    if (ref.dir === undefined) return { unknown: `source ${ref.pointer} is not this repository` };
    rel = normalizeRel(ref.dir ? `${ref.dir}/${m[2]}` : m[2]);
  } else if (input.location.type === 'folder') {
    rel = normalizeRel(`${input.location.dir}/${file}`);
  } else if (/^https?:\/\//.test(file)) {
    return { unknown: 'a URL, not fetched offline' };
  } else {
    return { unknown: 'a file inside the fetched chart, not read offline' };
  }
  if (rel.startsWith('..') || !statInside(input.root, rel)?.isFile()) return { missing: rel };
  try {
    return { text: readFileSync(resolveInsideRoot(input.root, rel), 'utf8') };
  } catch {
    return { missing: rel };
  }
}
