// Loads a repository the way each cluster's Flux controllers would see it: from the entry point,
// follow every Kustomization to its source and path, build it (with Flux's generated
// kustomization and spec overlays), apply post-build steps, and collect the Kustomizations it
// applies in turn. Kustomizations wait until their source and substituteFrom objects have been
// applied by another Kustomization (as Flux would retry them), then are processed anyway so that
// what is missing becomes a problem instead of an endless wait. The Kustomizations ready at one
// time are built together (the engine builds on all cores), then taken in order, as one by one.
// Nothing is thrown for bad input.
import * as path from 'node:path';
import type { YamlMap } from '../yaml/values.js';
import { factsOf } from '../../k8s/facts.js';
import type { K8sObject } from '../../k8s/object.js';
import type { BootstrapBuild, FluxCluster, FluxKustomization, FluxProblem, FluxRepository, FluxSource, LoadOptions, ObjectId, SourcePosition } from './model.js';
import { ClusterInventory, DEFAULT_NAMESPACE } from './inventory.js';
import { bootstrapKustomizeDirs } from '../bootstrap/commands.js';
import { SourceResolver, sourceKey, statInside } from './sources.js';
import { discoverEntryPoints, syntheticRoot, syntheticSource, type EntryPoint } from './discover.js';
import { scanRepository, type RepositoryScan, type ScannedDocument } from './scan.js';
import { loadArgoClusters } from '../argocd/loader.js';
import { isApplication } from '../argocd/identity.js';
import type { BuildOutcome, DirectoryBuilder, FluxBuildRequest } from './builder.js';
import { collectVariables, hasPostBuild, substitutionSourcesReady, unknownPlaceholder, type VariableSet } from './variables.js';
import { listYamlFiles } from './scan.js';
import { isHelmRelease, resolveHelmRelease, type ChartSourceLookup } from './helm.js';
import { readOfflineConfig, substitutionsFor, type OfflineConfig } from './offline-config.js';
import { computeClusterGraph } from './waves.js';
import { ScopeIndex, clusterScopedIds } from './scope.js';
import { bool, isFluxKustomization, isMap, list, map, metadataOf, normalizeRel, objectIdOf, str } from './yaml-util.js';

interface PendingKustomization {
  object: YamlMap;
  origin?: SourcePosition;
  parent?: string;
}

export async function loadFluxRepository(repoRoot: string, builder: DirectoryBuilder, options: LoadOptions = {}): Promise<FluxRepository> {
  const root = path.resolve(repoRoot);
  const config = readOfflineConfig(root);
  const substitutions = { ...config.substitutions, ...(options.substitutions ?? {}) };
  const problems: FluxProblem[] = [...config.problems];
  const mappedSources = { ...config.sources, ...(options.sources ?? {}) };

  let entries: EntryPoint[];
  let scan: RepositoryScan | undefined;
  if (options.clusters?.length) {
    entries = [];
    for (const c of options.clusters) {
      const found = explicitEntry(root, c.name, c.path);
      if ('problem' in found) problems.push(found.problem);
      else entries.push(found.entry);
    }
  } else {
    scan = options.scan ?? scanRepository(root);
    entries = discoverEntryPoints(scan.documents, scan.files);
    // Argo CD Applications are entry points too (src/repo/argocd): only without both is nothing found
    if (entries.length === 0 && !scan.documents.some((d) => isMap(d.value) && isApplication(d.value))) problems.push(noEntryPointProblem(scan.templates.length, scan.yamlFiles));
  }

  // `--cluster NAME`: only that cluster is built (the others would be built only to be dropped)
  if (options.only?.length) entries = entries.filter((e) => options.only!.includes(e.name));
  const loaded = await Promise.all(entries.map(async (entry) => ({ entry, cluster: await loadCluster(root, entry, builder, substitutionsFor(substitutions, entry.name), mappedSources, config.assume) })));
  // An entry point that another cluster's tree applies (a home-ops app folder holding its own
  // ks.yaml, say) is part of that cluster, not a cluster of its own. Checked from the least
  // trusted kind of entry point up, so that of two entries reaching each other the first stays.
  const dropped = new Set<number>();
  for (let i = loaded.length - 1; i >= 0; i--) {
    const origin = loaded[i].entry.rootOrigin;
    const reached = origin && loaded.some((other, j) => j !== i && !dropped.has(j) &&
      other.cluster.kustomizations.some((k) => k.parent && k.origin?.file === origin.file && k.origin.line === origin.line));
    if (reached) dropped.add(i);
  }
  const clusters: FluxCluster[] = [];
  const seenRoots = new Set<string>();
  loaded.forEach(({ cluster }, i) => {
    if (dropped.has(i)) return;
    // two entry points for the same root folder (bootstrap files and a FluxInstance) are one cluster
    if (seenRoots.has(cluster.root)) return;
    seenRoots.add(cluster.root);
    clusters.push(cluster);
  });
  if (scan) {
    // Argo CD app-of-apps trees, in the same cluster model, after the Flux clusters
    const argo = await loadArgoClusters(root, builder, scan.documents, { only: options.only });
    clusters.push(...argo.clusters);
    problems.push(...argo.problems);
  }
  uniqueNames(clusters);
  const bootstrap = await buildBootstrapFolders(root, builder);
  // a CRD's scope is the same in every cluster: learnt from all of them and the bootstrap folders
  const scopes = new ScopeIndex();
  scopes.learn(clusters.flatMap((c) => c.kustomizations.flatMap((k) => k.resources.map((r) => r.object))));
  scopes.learn(bootstrap.flatMap((b) => b.objects as Array<Record<string, unknown>>));
  for (const c of clusters) clusterScopedIds(c.kustomizations.flatMap((k) => k.resources), scopes);
  return { root, clusters, problems, bootstrap };
}

/**
 * Top-most kustomization folders below a `bootstrap` folder, and the folders bootstrap commands
 * apply (`kubectl apply -k`): applied by hand or by a bootstrap tool before Flux runs, so what
 * they create exists before any Kustomization.
 */
async function buildBootstrapFolders(root: string, builder: DirectoryBuilder): Promise<BootstrapBuild[]> {
  let files: string[];
  try {
    files = listYamlFiles(root).files;
  } catch {
    return [];
  }
  const dirs = files
    .filter((f) => /(^|\/)bootstrap\//.test(f) && /(^|\/)kustomization\.ya?ml$/.test(f))
    .map((f) => path.posix.dirname(f))
    .sort();
  // and every folder a bootstrap command applies with `kubectl apply -k` or `kustomize build | kubectl apply`
  const hooked = bootstrapKustomizeDirs(root).filter((d) => !dirs.some((o) => d === o || d.startsWith(`${o}/`)));
  const all = [...dirs, ...hooked].sort();
  const top = all.filter((d) => !all.some((o) => o !== d && d.startsWith(`${o}/`)));
  const built = await Promise.all(top.map(async (dir) => ({ dir, outcome: await builder.kustomizeBuild(dir) })));
  return built.filter((b) => b.outcome.ok).map((b) => ({ dir: b.dir, objects: b.outcome.ok ? b.outcome.resources.map((r) => r.object) : [] }));
}

function noEntryPointProblem(templates: number, yamlFiles: number): FluxProblem {
  const why = templates > 0 && yamlFiles === 0
    ? `the repository holds ${templates} template files (*.yaml.j2 …) and no plain YAML: render the templates first (e.g. makejinja), then load the output`
    : 'no flux bootstrap (clusters/<name>/flux-system/gotk-sync.yaml), FluxInstance sync, or Kustomization that builds its own folder was found; name the entry folder with --cluster NAME=PATH';
  return { code: 'no-entry-point', message: `no cluster entry point: ${why}`, offline: templates > 0 && yamlFiles === 0 };
}

/** `--cluster NAME=PATH`: a gotk-sync/FluxInstance/Kustomization in PATH, else PATH itself is the root folder. */
function explicitEntry(root: string, name: string, p: string): { entry: EntryPoint } | { problem: FluxProblem } {
  const rel = normalizeRel(path.isAbsolute(p) ? path.relative(root, p) : p);
  const st = statInside(root, rel);
  if (!st) return { problem: { code: 'no-entry-point', message: `--cluster ${name}=${p}: '${rel}' does not exist inside ${root}` } };
  if (st.isDirectory()) {
    const within = discoverEntryPoints(scanRepository(root).documents.filter((d) => d.file.startsWith(rel ? rel + '/' : '')));
    const boot = within.find((e) => e.entry.startsWith('flux bootstrap'));
    if (boot) return { entry: { ...boot, name } };
  } else {
    const docs: ScannedDocument[] = scanRepository(root).documents.filter((d) => d.file === rel);
    const found = discoverEntryPoints(docs)[0];
    if (found) return { entry: { ...found, name } };
    const ks = docs.find((d) => isMap(d.value) && isFluxKustomization(d.value as YamlMap));
    if (ks) {
      const ref = map(map((ks.value as YamlMap).spec).sourceRef);
      return { entry: { name, entry: `--cluster ${name}=${p}`, root: ks.value as YamlMap, rootOrigin: { file: ks.file, line: ks.line }, syncSource: syntheticSource(str(ref.kind) ?? 'GitRepository', undefined, 'repository root'), syncSourceSynthesized: true } };
    }
    return { problem: { code: 'no-entry-point', message: `--cluster ${name}=${p}: the file holds no Flux Kustomization or FluxInstance`, file: rel } };
  }
  return {
    entry: { name, entry: `--cluster ${name}=${p}`, root: syntheticRoot(rel || '.', 'GitRepository'), syncSource: syntheticSource('GitRepository', undefined, 'repository root'), syncSourceSynthesized: true },
  };
}

function uniqueNames(clusters: FluxCluster[]): void {
  const count = new Map<string, number>();
  for (const c of clusters) count.set(c.name, (count.get(c.name) ?? 0) + 1);
  for (const c of clusters) if ((count.get(c.name) ?? 0) > 1) c.name = c.root || c.name;
}

async function loadCluster(repoRoot: string, entry: EntryPoint, builder: DirectoryBuilder, fixtures: Record<string, string>, mappedSources: Record<string, string>, assumed: OfflineConfig['assume']): Promise<FluxCluster> {
  const inventory = new ClusterInventory();
  // objects that exist outside Git (.slipway.yaml assume:): there before any Kustomization
  for (const a of assumed) inventory.add(a.object, a.origin, undefined);
  const resolver = new SourceResolver(repoRoot, inventory, mappedSources);
  const synthesized = new Map<string, FluxSource>();
  // the sync source is known before anything is built (Flux is bootstrapped with it)
  resolver.markSelf(entry.syncSource);
  synthesized.set(sourceKey(entry.syncSource), entry.syncSource);
  const ctx: ClusterContext = { resolver, synthesized, inventory, builder, fixtures };

  const done = new Map<string, FluxKustomization>();
  const pending: PendingKustomization[] = [{ object: entry.root, origin: entry.rootOrigin }];
  const ready = (p: PendingKustomization): boolean => {
    const { ns, spec } = identity(p.object);
    return resolver.lookup(refOf(spec, ns), synthesized) !== undefined && substitutionSourcesReady(spec, ns, inventory);
  };
  let guard = 0;
  while (pending.length > 0 && guard++ < 10_000) {
    let batch = pending.filter(ready);
    if (batch.length === 0) batch = [pending[0]];
    for (const item of batch) pending.splice(pending.indexOf(item), 1);
    const started: Array<{ ks: FluxKustomization; build?: Promise<Prepared> }> = [];
    for (const item of batch) {
      const { ns, name } = identity(item.object);
      const key = `${ns}/${name}`;
      const earlier = done.get(key);
      if (earlier) {
        const sameDefinition = earlier.origin && item.origin && earlier.origin.file === item.origin.file;
        if (!sameDefinition && earlier.parent !== undefined) {
          earlier.problems.push({
            code: 'duplicate-kustomization',
            message: `Kustomization ${key} is applied twice: by ${earlier.parent} (${earlier.origin?.file}) and by ${item.parent} (${item.origin?.file}); the later one overwrites the other in the cluster`,
            file: item.origin?.file, line: item.origin?.line, kustomization: key,
          });
        }
        continue;
      }
      const { ks, request, vars } = prepareKustomization(item, ctx);
      done.set(key, ks);
      started.push({ ks, build: request && builder.fluxBuild(request).then((outcome) => ({ outcome, vars })) });
    }
    for (const { ks, build } of started) {
      if (build) finishKustomization(ks, await build, ctx);
      for (const r of ks.resources) {
        if (isFluxKustomization(r.object)) pending.push({ object: r.object, origin: r.origin, parent: ks.key });
      }
    }
  }

  const kustomizations = [...done.values()].sort((a, b) => a.key.localeCompare(b.key));
  const helmReleases = kustomizations
    .flatMap((k) => k.resources.filter((r) => isHelmRelease(r.object)).map((r) => resolveHelmRelease(r, k.key, inventory, chartSources(ctx))))
    .sort((a, b) => a.key.localeCompare(b.key));
  const sources = collectSources(kustomizations, resolver, synthesized);
  const graph = computeClusterGraph(kustomizations);
  const problems = [...kustomizations.flatMap((k) => k.problems), ...helmReleases.flatMap((h) => h.problems)];
  const rootKs = kustomizations.find((k) => !k.parent);
  return {
    name: entry.name,
    root: rootKs?.path ?? normalizeRel(rootKs?.specPath ?? ''),
    entry: entry.entry,
    kustomizations,
    helmReleases,
    sources,
    ...graph,
    problems,
    documents: kustomizations.reduce((n, k) => n + k.resources.length, 0),
  };
}

/** The loader's view of sources, for finding where each HelmRelease's chart lives. */
function chartSources(ctx: ClusterContext): ChartSourceLookup {
  return {
    source: (ref) => {
      const source = ctx.resolver.lookup(ref, ctx.synthesized);
      return source && { source, spec: map(ctx.inventory.get(ref.kind, ref.namespace, ref.name)?.object.spec) };
    },
    folder: (source, p) => ctx.resolver.resolvePath(source.location, p),
  };
}

function identity(obj: YamlMap): { ns: string; name: string; spec: YamlMap } {
  const meta = metadataOf(obj);
  return { ns: meta.namespace ?? DEFAULT_NAMESPACE, name: meta.name, spec: map(obj.spec) };
}

function refOf(spec: YamlMap, ns: string) {
  const ref = map(spec.sourceRef);
  return { kind: str(ref.kind) ?? 'GitRepository', name: str(ref.name) ?? '', namespace: str(ref.namespace) ?? ns };
}

interface ClusterContext {
  resolver: SourceResolver;
  synthesized: Map<string, FluxSource>;
  inventory: ClusterInventory;
  builder: DirectoryBuilder;
  fixtures: Record<string, string>;
}

interface Prepared {
  outcome: BuildOutcome;
  vars?: VariableSet;
}

/** Resolves source and path; returns the build to run, or the Kustomization as it ends without one. */
function prepareKustomization(item: PendingKustomization, ctx: ClusterContext): { ks: FluxKustomization; request?: FluxBuildRequest; vars?: VariableSet } {
  const { ns, name, spec } = identity(item.object);
  const key = `${ns}/${name}`;
  const where = { file: item.origin?.file, line: item.origin?.line, kustomization: key };
  const sourceRef = refOf(spec, ns);
  const ks: FluxKustomization = {
    key, name, namespace: ns, origin: item.origin, parent: item.parent,
    specPath: str(spec.path) ?? '',
    sourceRef,
    dependsOn: list(spec.dependsOn).filter(isMap).map((d) => `${str(d.namespace) ?? ns}/${str(d.name) ?? ''}`).sort(),
    wait: bool(spec.wait), prune: bool(spec.prune), timeout: str(spec.timeout), interval: str(spec.interval),
    retryInterval: str(spec.retryInterval),
    healthChecks: list(spec.healthChecks).filter(isMap).map((h) => objectIdOf(h)),
    targetNamespace: str(spec.targetNamespace), serviceAccountName: str(spec.serviceAccountName), suspend: bool(spec.suspend),
    object: item.object,
    status: 'skipped', resources: [], provides: [], uses: [], problems: [],
  };

  const source = ctx.resolver.lookup(sourceRef, ctx.synthesized);
  if (!source) {
    ks.problems.push({ code: 'source-missing', message: `Kustomization ${key} takes its files from ${sourceRef.kind} ${sourceRef.namespace}/${sourceRef.name}, which no Kustomization of this cluster applies`, ...where });
    return { ks };
  }
  const resolved = ctx.resolver.resolvePath(source.location, ks.specPath);
  if (resolved.remote) {
    ks.problems.push({ code: 'source-remote', message: `Kustomization ${key}: ${resolved.remote}; spec.path '${ks.specPath}' is not built`, ...where, offline: true });
    return { ks };
  }
  ks.path = resolved.dir;
  if (!resolved.exists) {
    ks.status = 'failed';
    ks.problems.push({ code: 'path-missing', message: `Kustomization ${key}: spec.path '${ks.specPath}' is not a folder of ${sourceRef.kind} ${sourceRef.namespace}/${sourceRef.name} (looked for ${resolved.dir || '.'}/ in the repository)`, ...where });
    return { ks };
  }
  let vars: VariableSet | undefined;
  if (hasPostBuild(spec)) {
    vars = collectVariables(spec, { key, namespace: ns, file: where.file, line: where.line }, ctx.inventory, ctx.fixtures);
    ks.problems.push(...vars.problems);
  }
  return { ks, vars, request: { dir: resolved.dir!, kustomization: item.object, variables: vars ? engineVariables(vars) : null, definedAt: item.origin } };
}

/** The values handed to Flux's substitution; a value known to exist but not offline is a visible placeholder. */
function engineVariables(vars: VariableSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of vars.vars) out[name] = v.known ? v.value : unknownPlaceholder(name);
  return out;
}

/** Takes the build's result into the Kustomization and the cluster's inventory. */
function finishKustomization(ks: FluxKustomization, { outcome, vars }: Prepared, ctx: ClusterContext): void {
  const where = { file: ks.origin?.file, line: ks.origin?.line, kustomization: ks.key };
  if (!outcome.ok) {
    ks.status = 'failed';
    ks.problems.push({ code: outcome.offline ? 'build-offline' : 'build-failed', message: `Kustomization ${ks.key}: kustomize build of ${ks.path || '.'} failed: ${outcome.message}`, file: outcome.file ?? where.file, line: outcome.file ? outcome.line : where.line, kustomization: ks.key, offline: outcome.offline, cause: outcome.cause });
    return;
  }
  ks.status = 'built';
  ks.generatedKustomization = outcome.generated;
  ks.resources = outcome.resources.map((r) => ({ id: objectIdOf(r.object), origin: r.origin, object: r.object }));
  if (vars) ks.substitution = substitutionReport(ks, outcome, vars);

  for (const r of ks.resources) ctx.inventory.add(r.object, r.origin, ks.key);
  Object.assign(ks, factsOf(ks.resources.map((r) => r.object as unknown as K8sObject)));
}

/**
 * What substitution did: variables available, those used without a value (Flux inserts "";
 * when a source may hold keys we cannot list they are unknown instead), those whose value exists
 * only in the cluster, and Flux's refusals, which fail the whole Kustomization in the cluster.
 */
function substitutionReport(ks: FluxKustomization, outcome: Extract<BuildOutcome, { ok: true }>, vars: VariableSet) {
  const available: Record<string, 'known' | 'unknown'> = {};
  for (const [k, v] of [...vars.vars].sort(([a], [b]) => a.localeCompare(b))) available[k] = v.known ? 'known' : 'unknown';
  const unresolved: Array<{ variable: string; resource: ObjectId; file?: string; line?: number }> = [];
  const unknown = new Set<string>();
  const opaque = [...vars.vars].filter(([, v]) => !v.known).map(([k]) => k);
  outcome.resources.forEach((r, i) => {
    const applied = ks.resources[i];
    for (const variable of r.unresolved ?? []) {
      if (vars.openUnknown) unknown.add(variable);
      else unresolved.push({ variable, resource: applied.id, file: applied.origin?.file, line: applied.origin?.line });
    }
    if (opaque.length) {
      const text = JSON.stringify(r.object);
      for (const k of opaque) if (text.includes(unknownPlaceholder(k))) unknown.add(k);
    }
    if (r.substituteError) {
      ks.problems.push({ code: 'substitution-error', message: `Kustomization ${ks.key}: ${r.substituteError} in ${applied.id.kind} ${applied.id.name}; Flux rejects the whole Kustomization (escape a literal as $\${…})`, file: applied.origin?.file, line: applied.origin?.line, kustomization: ks.key });
    }
  });
  return { available, unresolved, unknown: [...unknown].sort() };
}

function collectSources(kustomizations: FluxKustomization[], resolver: SourceResolver, synthesized: Map<string, FluxSource>): FluxSource[] {
  const out = new Map<string, FluxSource>();
  for (const s of synthesized.values()) out.set(sourceKey(s), resolver.lookup(s, synthesized) ?? s);
  for (const k of kustomizations) {
    for (const r of k.resources) {
      if (!/^source(\.extensions)?\.toolkit\.fluxcd\.io\//.test(r.id.apiVersion) && !r.id.apiVersion.startsWith('source.extensions.fluxcd.io/')) continue;
      const ref = { kind: r.id.kind, name: r.id.name, namespace: r.id.namespace ?? DEFAULT_NAMESPACE };
      const found = resolver.lookup(ref, synthesized);
      if (found) out.set(sourceKey(ref), found);
    }
  }
  return [...out.values()].sort((a, b) => sourceKey(a).localeCompare(sourceKey(b)));
}
