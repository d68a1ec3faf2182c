// Loads each Argo CD app-of-apps tree the way Argo CD would sync it: from each root
// Application, render its sources (kustomize through the engine, plain YAML folders, Helm
// sources handed to src/render like HelmReleases), take the Applications that yields as its
// children, and recurse. Each Application becomes a unit of the shared cluster model (a
// FluxKustomization with kind 'Application'), so every rule that judges applied resources runs
// on what Argo CD applies. Nothing is thrown for bad input: it becomes a problem with file:line.
import type { YamlMap } from '../yaml/values.js';
import { factsOf } from '../../k8s/facts.js';
import type { K8sObject } from '../../k8s/object.js';
import type { BuildOutcome, BuiltResource, DirectoryBuilder } from '../flux/builder.js';
import type { FluxCluster, FluxKustomization, FluxProblem, HelmReleaseInfo, SourcePosition } from '../flux/model.js';
import type { ScannedDocument } from '../flux/scan.js';
import { ScopeIndex } from '../flux/scope.js';
import { isMap, map, metadataOf, normalizeRel, objectIdOf, str } from '../flux/yaml-util.js';
import { applicationSetDocuments, discoverArgoClusters, type ArgoClusterEntry } from './discover.js';
import { readDirectorySource } from './directory.js';
import { helmSourceRelease } from './helm.js';
import { applicationKey, isApplication, isApplicationSet, syncOptionsOf, syncWaveOf } from './identity.js';
import type { ApplicationInfo, ApplicationSource } from './model.js';
import { chartLocationOf, classifySource, folderExists, sourceEntries } from './sources.js';
import { computeArgoGraph } from './waves.js';

export interface ArgoLoadOptions {
  /** Only these clusters (`--cluster NAME`). */
  only?: string[];
}

export interface ArgoLoad {
  clusters: FluxCluster[];
  problems: FluxProblem[];
}

interface Pending {
  object: YamlMap;
  origin?: SourcePosition;
  parent?: string;
  level: number;
}

const MAX_APPLICATIONS = 5_000;

export async function loadArgoClusters(root: string, builder: DirectoryBuilder, documents: readonly ScannedDocument[], options: ArgoLoadOptions = {}): Promise<ArgoLoad> {
  let entries = discoverArgoClusters(documents);
  if (options.only?.length) entries = entries.filter((e) => options.only!.includes(e.name));
  const clusters = await Promise.all(entries.map((e) => loadTree(root, builder, e)));
  const problems: FluxProblem[] = [];
  // ApplicationSets no tree applies (applied by hand beside the roots): said once, at their file
  const inTrees = new Set(clusters.flatMap((c) => c.problems.filter((p) => p.code === 'applicationset').map((p) => `${p.file}:${p.line}`)));
  for (const d of applicationSetDocuments(documents)) {
    if (inTrees.has(`${d.file}:${d.line}`)) continue;
    problems.push(applicationSetProblem(d.value as YamlMap, { file: d.file, line: d.line }));
  }
  return { clusters, problems };
}

async function loadTree(root: string, builder: DirectoryBuilder, entry: ArgoClusterEntry): Promise<FluxCluster> {
  const units = new Map<string, FluxKustomization>();
  const helmReleases: HelmReleaseInfo[] = [];
  const problems: FluxProblem[] = [];
  // this repository's URL as the roots name it: their git sources that exist here are this repository
  const selfUrl = entry.roots
    .flatMap((r) => sourceEntries(r.object).map((s) => s.entry))
    .find((e) => str(e.repoURL) && str(e.path) !== undefined && !str(e.chart) && folderExists(root, normalizeRel(String(e.path))))?.repoURL as string | undefined;

  let level: Pending[] = entry.roots.map((r) => ({ object: r.object, origin: { file: r.file, line: r.line }, level: 0 }));
  while (level.length > 0 && units.size < MAX_APPLICATIONS) {
    const fresh: Pending[] = [];
    for (const item of level) {
      const key = applicationKey(item.object);
      const earlier = units.get(key);
      if (earlier) {
        if (earlier.origin?.file !== item.origin?.file || earlier.origin?.line !== item.origin?.line) {
          earlier.problems.push({ code: 'duplicate-kustomization', message: `Application ${key} is applied twice: by ${earlier.parent ?? 'hand'} (${earlier.origin?.file}) and by ${item.parent ?? 'hand'} (${item.origin?.file}); the later one overwrites the other`, file: item.origin?.file, line: item.origin?.line, kustomization: key });
        }
        continue;
      }
      units.set(key, newUnit(item, key));
      fresh.push(item);
    }
    // the Applications of one level are rendered together (the engine builds on all cores)
    const built = await Promise.all(fresh.map((item) => renderApplication(root, builder, units.get(applicationKey(item.object))!, selfUrl)));
    level = [];
    fresh.forEach((item, i) => {
      const unit = units.get(applicationKey(item.object))!;
      helmReleases.push(...built[i]);
      for (const r of unit.resources) {
        if (isApplication(r.object)) level.push({ object: r.object, origin: r.origin, parent: unit.key, level: item.level + 1 });
        else if (isApplicationSet(r.object)) unit.problems.push(applicationSetProblem(r.object, r.origin, unit.key));
      }
    });
  }

  const all = [...units.values()].sort((a, b) => a.key.localeCompare(b.key));
  defaultNamespaces(all);
  for (const u of all) Object.assign(u, factsOf(u.resources.map((r) => r.object as unknown as K8sObject)));
  const graph = computeArgoGraph(all);
  for (const u of all) u.dependsOn = graph.order.get(u.key) ?? [];
  for (const h of helmReleases) problems.push(...h.problems);
  const first = all.find((u) => !u.parent);
  return {
    delivery: 'argocd',
    name: entry.name,
    root: first?.path ?? '',
    entry: `Argo CD Application${entry.roots.length > 1 ? 's' : ''} ${entry.roots.map((r) => `${applicationKey(r.object)} (${r.file})`).join(', ')}`,
    kustomizations: all,
    helmReleases: helmReleases.sort((a, b) => a.key.localeCompare(b.key) || a.appliedBy.localeCompare(b.appliedBy)),
    sources: [],
    waves: graph.waves,
    criticalPath: graph.criticalPath,
    problems: [...all.flatMap((u) => u.problems), ...problems],
    documents: all.reduce((n, u) => n + u.resources.length, 0),
  };
}

function newUnit(item: Pending, key: string): FluxKustomization {
  const spec = map(item.object.spec);
  const destination = map(spec.destination);
  const automated = isMap(map(spec.syncPolicy).automated);
  const info: ApplicationInfo = {
    syncWave: syncWaveOf(item.object),
    project: str(spec.project),
    destination: { server: str(destination.server), name: str(destination.name), namespace: str(destination.namespace) },
    sources: [],
    syncOptions: syncOptionsOf(item.object),
    automated,
    level: item.level,
  };
  const meta = metadataOf(item.object);
  return {
    kind: 'Application', application: info,
    key, name: meta.name, namespace: key.slice(0, key.indexOf('/')), origin: item.origin, parent: item.parent,
    specPath: '', sourceRef: { kind: 'Application', name: meta.name, namespace: key.slice(0, key.indexOf('/')) },
    dependsOn: [], healthChecks: [],
    prune: automated ? map(map(spec.syncPolicy).automated).prune === true : undefined,
    targetNamespace: info.destination.namespace,
    object: item.object, status: 'skipped', resources: [], provides: [], uses: [], problems: [],
  };
}

/** Renders every source of one Application into its unit; returns its Helm sources, rendered later by src/render. */
async function renderApplication(root: string, builder: DirectoryBuilder, unit: FluxKustomization, selfUrl: string | undefined): Promise<HelmReleaseInfo[]> {
  const where = { file: unit.origin?.file, line: unit.origin?.line, kustomization: unit.key };
  const entries = sourceEntries(unit.object);
  const info = unit.application!;
  if (entries.length === 0) {
    unit.status = 'failed';
    unit.problems.push({ code: 'application-source-missing', message: `Application ${unit.key} has neither spec.source nor spec.sources: Argo CD has nothing to sync; add the git path or Helm chart it deploys`, ...where });
    return [];
  }
  const sources = entries.map((e) => classifySource(root, e.entry, e.pointer, e.index, selfUrl));
  info.sources = sources;
  const releases: HelmReleaseInfo[] = [];
  let failed = false;
  let built = 0;
  for (const [i, source] of sources.entries()) {
    const entry = entries[i].entry;
    if (source.type === 'ref') continue;
    if (source.type === 'helm') {
      releases.push(helmSourceRelease({ root, app: unit.object, appKey: unit.key, origin: unit.origin, source, entry, location: chartLocationOf(source), sources, destinationNamespace: info.destination.namespace }));
      continue;
    }
    if (source.tool === 'remote') {
      unit.problems.push({ code: 'source-remote', message: `Application ${unit.key}: source ${source.pointer} (${source.repoURL}) is not available offline: ${source.remote}; path '${source.path}' is not built`, ...where, offline: true });
      continue;
    }
    const dir = source.dir ?? '';
    unit.specPath ||= source.path ?? '';
    unit.path ??= dir;
    if (!folderExists(root, dir)) {
      failed = true;
      unit.problems.push({ code: 'application-path-missing', message: `Application ${unit.key}: the path '${source.path}' of source ${source.pointer} is not a folder of this repository${source.repoURL ? ` (${source.repoURL})` : ''}; Argo CD fails to generate the manifests: fix the path or add the folder`, ...where });
      continue;
    }
    if (source.tool === 'helm') {
      releases.push(helmSourceRelease({ root, app: unit.object, appKey: unit.key, origin: unit.origin, source, entry, location: { type: 'folder', dir }, sources, destinationNamespace: info.destination.namespace }));
      continue;
    }
    const outcome: BuildOutcome = source.tool === 'kustomize' ? await builder.kustomizeBuild(dir) : directoryOutcome(root, dir, entry);
    if (!outcome.ok) {
      failed = true;
      unit.problems.push({ code: outcome.offline ? 'build-offline' : 'build-failed', message: `Application ${unit.key}: kustomize build of ${dir || '.'} failed: ${outcome.message}`, file: outcome.file ?? where.file, line: outcome.file ? outcome.line : where.line, kustomization: unit.key, offline: outcome.offline, cause: outcome.cause });
      continue;
    }
    built++;
    unit.resources.push(...outcome.resources.map((r) => ({ id: objectIdOf(r.object), origin: r.origin, object: r.object })));
  }
  unit.status = failed ? 'failed' : built > 0 || releases.length > 0 ? 'built' : 'skipped';
  return releases;
}

function directoryOutcome(root: string, dir: string, entry: YamlMap): BuildOutcome {
  const read = readDirectorySource(root, dir, entry);
  // a file that does not parse is yaml/parse's finding at its line; the rest of the folder is applied
  const resources: BuiltResource[] = read.resources;
  return { ok: true, resources, generated: false, inputs: [dir] };
}

/**
 * Argo CD applies a namespaced object without a namespace in the destination namespace; cluster-
 * scoped ones stay without (scopes learnt from the tree's own CRDs and the known list).
 */
function defaultNamespaces(units: FluxKustomization[]): void {
  const scopes = new ScopeIndex();
  scopes.learn(units.flatMap((u) => u.resources.map((r) => r.object as Record<string, unknown>)));
  for (const u of units) {
    const ns = u.application?.destination.namespace;
    if (!ns) continue;
    for (const r of u.resources) {
      if (r.id.namespace || scopes.isClusterScoped(r.id)) continue;
      r.id.namespace = ns;
      r.object.metadata = { ...map(r.object.metadata), namespace: ns };
    }
  }
}

function applicationSetProblem(obj: YamlMap, origin: SourcePosition | undefined, appliedBy?: string): FluxProblem {
  const generators = Array.isArray(map(obj.spec).generators) ? (map(obj.spec).generators as unknown[]).map((g) => Object.keys(map(g as YamlMap))[0]).filter(Boolean) : [];
  return {
    code: 'applicationset', offline: true,
    message: `ApplicationSet ${applicationKey(obj)}${generators.length ? ` (generators: ${generators.join(', ')})` : ''}: the Applications it generates are not expanded offline, so their sources are not built or checked`,
    file: origin?.file, line: origin?.line, ...(appliedBy ? { kustomization: appliedBy } : {}),
  };
}


