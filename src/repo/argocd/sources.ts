// An Application's sources as Argo CD's repo-server sees them: spec.source or spec.sources,
// each a git folder (of this repository, or of another one we cannot read offline), a Helm chart
// (HTTP repository or OCI registry, fetched through the chart cache), or a `ref` that only lends
// values files. A git folder is rendered the way repo-server detects it: kustomize when it has a
// kustomization file, a Helm chart folder when it has Chart.yaml, plain YAML otherwise.
import type { YamlMap } from '../yaml/values.js';
import type { ChartLocation } from '../flux/model.js';
import { sameRepositoryUrl, statInside } from '../flux/sources.js';
import { isMap, list, map, normalizeRel, str } from '../flux/yaml-util.js';
import type { ApplicationSource } from './model.js';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/** The raw source entries with their pointers; none when the Application has neither field. */
export function sourceEntries(app: YamlMap): Array<{ entry: YamlMap; pointer: string; index: number }> {
  const spec = map(app.spec);
  if (Array.isArray(spec.sources) && spec.sources.length > 0) {
    return list(spec.sources).map((e, index) => ({ entry: map(e), pointer: `/spec/sources/${index}`, index }));
  }
  if (isMap(spec.source)) return [{ entry: spec.source, pointer: '/spec/source', index: 0 }];
  return [];
}

/**
 * Classifies one source. `selfUrl` is the repoURL of this repository as the tree's root names it
 * (undefined when unknown): a git source belongs to this repository when its path exists here
 * and its repoURL is that one (or either is unknown).
 */
export function classifySource(root: string, entry: YamlMap, pointer: string, index: number, selfUrl: string | undefined): ApplicationSource {
  const base = {
    index, pointer,
    repoURL: str(entry.repoURL), targetRevision: str(entry.targetRevision), path: str(entry.path), chart: str(entry.chart), ref: str(entry.ref),
  };
  if (base.chart) return { ...base, type: 'helm' };
  if (base.path === undefined) return { ...base, type: 'ref', ...localDir(root, '', base.repoURL, selfUrl) };
  const dir = normalizeRel(base.path);
  const local = localDir(root, dir, base.repoURL, selfUrl);
  if (local.remote) return { ...base, type: 'git', tool: 'remote', remote: local.remote };
  return { ...base, type: 'git', dir, tool: toolOf(root, dir, entry) };
}

function localDir(root: string, dir: string, url: string | undefined, selfUrl: string | undefined): { dir?: string; remote?: string } {
  if (url && selfUrl && !sameRepositoryUrl(url, selfUrl)) return { remote: `${url} is not this repository (${selfUrl})` };
  if (dir.startsWith('..')) return { remote: `path ${dir} leaves the repository` };
  return { dir };
}

/** Whether a git source's folder exists in this repository. */
export function folderExists(root: string, dir: string): boolean {
  return statInside(root, dir)?.isDirectory() ?? false;
}

/** repo-server's tool detection: an explicit kustomize/helm/directory block, else the files there. */
function toolOf(root: string, dir: string, entry: YamlMap): ApplicationSource['tool'] {
  if (isMap(entry.kustomize)) return 'kustomize';
  if (isMap(entry.helm)) return 'helm';
  if (isMap(entry.directory)) return 'directory';
  if (KUSTOMIZATION_FILES.some((f) => statInside(root, dir ? `${dir}/${f}` : f)?.isFile())) return 'kustomize';
  if (statInside(root, dir ? `${dir}/Chart.yaml` : 'Chart.yaml')?.isFile()) return 'helm';
  return 'directory';
}

/**
 * Where a Helm chart source's chart is fetched: an https:// repoURL is a Helm HTTP repository;
 * oci:// or a bare registry host/path (Argo CD's way of writing OCI) is a registry. The version
 * is targetRevision, which Argo CD also accepts as a semver range.
 */
export function chartLocationOf(source: ApplicationSource): ChartLocation {
  const url = source.repoURL?.trim();
  const chart = source.chart;
  if (!url || !chart) return { type: 'unavailable', reason: `the Helm source ${source.pointer} has no ${url ? 'chart' : 'repoURL'}` };
  const version = source.targetRevision;
  if (/^https?:\/\//.test(url)) return { type: 'helm', repoUrl: url.replace(/\/+$/, ''), chart, version: version || undefined };
  const registry = url.replace(/^oci:\/\//, '').replace(/\/+$/, '');
  const exact = version && /^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]+)?$/.test(version);
  return {
    type: 'oci', url: `oci://${registry}/${chart}`,
    ...(exact ? { tag: version } : { semver: version || '*' }),
    layerMediaType: HELM_CHART_LAYER,
  };
}
