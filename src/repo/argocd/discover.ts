// Finding the tops of Argo CD app-of-apps trees. Every Application of the repository is read;
// a root is one whose file no other Application's git source path contains (clusters/<c>/argocd/
// root.yaml is applied by hand, or by Argo CD's own bootstrap; the Applications it yields live
// below its path). Roots are grouped into clusters by where they deploy and where they are.
import type { YamlMap } from '../yaml/values.js';
import type { ScannedDocument } from '../flux/scan.js';
import { map, metadataOf, normalizeRel, str } from '../flux/yaml-util.js';
import { isApplication, isApplicationSet } from './identity.js';
import { sourceEntries } from './sources.js';

export interface ArgoRoot {
  object: YamlMap;
  file: string;
  line: number;
}

export interface ArgoClusterEntry {
  name: string;
  roots: ArgoRoot[];
}

const GENERIC = new Set(['argocd', 'argo-cd', 'argo', 'apps', 'applications', 'app-of-apps', 'bootstrap', 'kubernetes', 'k8s', 'gitops', 'deploy', 'base', 'root', 'clusters', 'cluster']);

export function applicationDocuments(docs: readonly ScannedDocument[]): ScannedDocument[] {
  return docs.filter((d) => d.value !== null && typeof d.value === 'object' && !Array.isArray(d.value) && isApplication(d.value as YamlMap));
}

export function applicationSetDocuments(docs: readonly ScannedDocument[]): ScannedDocument[] {
  return docs.filter((d) => d.value !== null && typeof d.value === 'object' && !Array.isArray(d.value) && isApplicationSet(d.value as YamlMap));
}

/** The repository folders an Application's git sources name (whether or not they exist). */
function sourcePaths(app: YamlMap): string[] {
  return sourceEntries(app)
    .filter((s) => !str(s.entry.chart) && str(s.entry.path) !== undefined)
    .map((s) => normalizeRel(str(s.entry.path)!));
}

const contains = (dir: string, file: string) => dir === '' || file.startsWith(`${dir}/`);

export function discoverArgoClusters(docs: readonly ScannedDocument[]): ArgoClusterEntry[] {
  const apps = applicationDocuments(docs);
  const paths = apps.map((a) => sourcePaths(a.value as YamlMap));
  const roots = apps.filter((a, i) => !apps.some((_b, j) => j !== i && paths[j].some((p) => contains(p, a.file))));
  const byName = new Map<string, ArgoRoot[]>();
  for (const r of roots) {
    const name = clusterNameOf(r.file, r.value as YamlMap);
    (byName.get(name) ?? byName.set(name, []).get(name)!).push({ object: r.value as YamlMap, file: r.file, line: r.line });
  }
  return [...byName].sort(([a], [b]) => a.localeCompare(b)).map(([name, rs]) => ({ name, roots: rs }));
}

/**
 * `clusters/<name>/…` wins; else the destination cluster's name (not Argo CD's own
 * "in-cluster"); else the root's name without a -root suffix, else the last telling folder.
 */
export function clusterNameOf(file: string, app: YamlMap): string {
  const segs = normalizeRel(file).split('/').slice(0, -1);
  const i = segs.indexOf('clusters');
  if (i >= 0 && segs[i + 1]) return segs[i + 1];
  const dest = str(map(map(app.spec).destination).name);
  if (dest && dest !== 'in-cluster') return dest;
  const name = metadataOf(app).name;
  const m = /^(.+?)-(root|apps|app-of-apps)$/.exec(name);
  if (m) return m[1];
  for (let k = segs.length - 1; k >= 0; k--) if (!GENERIC.has(segs[k])) return segs[k];
  return 'default';
}
