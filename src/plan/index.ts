// `slipway diff` as a library: planDiff(path, options) reads two git revisions of a Flux
// repository, loads both with the Flux loader (sharing every kustomize build whose inputs did not
// change), optionally checks both, and returns a DiffResult (model.ts). Renderers: render.ts.
//
// Revisions are read without touching the user's work tree or index (git.ts): the older one
// (and `--to REF`) is written into a temporary folder that is removed afterwards; the work tree
// is read in place.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openEngine } from '../engine/index.js';
import { EngineDirectoryBuilder, loadFluxRepository, type ClusterSpec, type FluxRepository } from '../repo/flux/index.js';
import { emptyConfig, loadCheckConfig, type SlipwayConfig } from '../check/config.js';
import { RULE_IDS } from '../check/rules/index.js';
import type { Finding } from '../check/finding.js';
import { sortFindings } from '../check/finding.js';
import { RecordingBuilder } from './builder.js';
import { checkLoaded } from '../check/engine.js';
import { compareRepositories } from './compare.js';
import { buildCacheDir, readBuildCache, writeBuildCache } from './build-cache.js';
import { ChangedPaths, changedPaths, defaultBase, gitTopLevel, materializeRevision, resolveCommit, GitError } from './git.js';
import type { DiffResult, RevisionRef } from './model.js';
import { analyseRisks } from './risk.js';
import { createChartFetcher } from '../charts/index.js';
import { RenderCache, renderHelmReleases } from '../render/index.js';
import { builtinApiVersions, isOffline, renderKubeVersion } from '../render/load.js';

export * from './model.js';
export { renderDiff, renderJson, renderMarkdown, renderText, MARKDOWN_LIMIT, type DiffFormat } from './render.js';
export { MASK, CHANGED_MASK, maskObject } from './mask.js';
export { GitError } from './git.js';

export interface DiffOptions {
  /** Older revision (default: merge-base of HEAD with the default branch). */
  from?: string;
  /** Newer revision (default: the work tree, read in place). */
  to?: string;
  clusters?: ClusterSpec[];
  only?: string[];
  /** Compare check findings (default true). */
  check?: boolean;
  kubeVersion?: string;
  schemaDirs?: string[];
  cacheDir?: string | false;
  /** Charts from the chart cache only. */
  offline?: boolean;
  /** false: HelmReleases are not rendered (only their manifests are compared). */
  render?: boolean;
  /** Folder of the on-disk build cache (build-cache.ts); false disables it. */
  buildCache?: string | false;
  progress?: (step: string) => void;
  /** Filled with the milliseconds each phase took (not part of the result, which stays deterministic). */
  timings?: Record<string, number>;
}

/** A problem with the input (not a git repository, unknown ref): exit 2 with this message. */
export class DiffInputError extends Error {}

export async function planDiff(target: string, options: DiffOptions = {}): Promise<DiffResult> {
  const timings = options.timings ?? {};
  const progress = options.progress ?? (() => {});
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round((timings[name] ?? 0) + now - t);
    t = now;
  };
  const root = fs.realpathSync(path.resolve(target));
  const top = gitTopLevel(root);
  if (!top) throw new DiffInputError(`${target} is not inside a git repository; slipway diff compares git revisions`);
  const prefix = path.relative(top, root).split(path.sep).join('/');
  let from: RevisionRef & { commit: string };
  let to: RevisionRef;
  try {
    from = options.from ? { ref: options.from, commit: resolveCommit(top, options.from) } : defaultBase(top);
    to = options.to ? { ref: options.to, commit: resolveCommit(top, options.to) } : { ref: 'worktree' };
  } catch (err) {
    if (err instanceof GitError) throw new DiffInputError(err.message);
    throw err;
  }
  const changed = changedPaths(top, prefix, from.commit, to.commit);
  lap('git');

  const clusters = options.clusters?.map((c) => ({ ...c, path: path.isAbsolute(c.path) ? path.relative(root, c.path) || '.' : c.path }));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-diff-'));
  try {
    let toRoot = root;
    if (to.commit) {
      progress(`reading ${to.ref}`);
      toRoot = path.join(tmp, 'to');
      fs.mkdirSync(toRoot);
      materializeRevision(top, to.commit, prefix, toRoot);
    }
    progress(`reading ${from.ref}`);
    const fromRoot = path.join(tmp, 'from');
    fs.mkdirSync(fromRoot);
    materializeRevision(top, from.commit, prefix, fromRoot);

    const toConfig = loadCheckConfig(toRoot, RULE_IDS);
    let fromConfig: SlipwayConfig;
    try {
      fromConfig = loadCheckConfig(fromRoot, RULE_IDS);
    } catch {
      fromConfig = emptyConfig(); // an older revision's broken .slipway.yaml is not this change's problem
    }
    const cacheDir = options.buildCache === false ? undefined : options.buildCache ?? buildCacheDir();
    const cached = cacheDir ? readBuildCache(cacheDir, from.commit, prefix) : undefined;
    lap('materialize');
    // The older revision first: with a cached base every build of it is reused; then the newer
    // revision builds only what its changed paths touch and reuses the rest.
    progress(`loading ${from.ref}`);
    const engine = await openEngine([fromRoot, toRoot]);
    let fromRepo: FluxRepository;
    let toRepo: FluxRepository;
    let fromBuilder: RecordingBuilder;
    let toBuilder: RecordingBuilder;
    try {
      fromBuilder = new RecordingBuilder(new EngineDirectoryBuilder(fromRoot, engine), cached ? { from: RecordingBuilder.fromRecords(cached), changed: new ChangedPaths() } : undefined);
      fromRepo = await loadFluxRepository(fromRoot, fromBuilder, { clusters, only: options.only, substitutions: fromConfig.substitutions });
      lap('loadFrom');
      progress(`loading ${to.ref} (changed Kustomizations only)`);
      toBuilder = new RecordingBuilder(new EngineDirectoryBuilder(toRoot, engine), { from: fromBuilder, changed });
      toRepo = await loadFluxRepository(toRoot, toBuilder, { clusters, only: options.only, substitutions: toConfig.substitutions });
      lap('loadTo');
      if (options.render !== false) {
        // one render cache for both revisions: a release whose chart, values and capabilities did
        // not change is rendered once
        progress('rendering HelmReleases');
        const renders = new RenderCache();
        const kubeVersion = renderKubeVersion(toRoot, options.kubeVersion ?? toConfig.kubeVersion);
        for (const [repo, config] of [[fromRepo, fromConfig], [toRepo, toConfig]] as const) {
          const fetcher = createChartFetcher({ settings: config.chartSettings, offline: isOffline(options.offline), selectVersion: (v, c) => engine.selectVersion(v, c) });
          await renderHelmReleases(repo, { engine, fetcher, kubeVersion, builtinApiVersions: builtinApiVersions(), cache: renders });
        }
        timings.rendered = renders.stats.rendered;
        timings.renderReused = renders.stats.reused;
        lap('render');
      }
    } finally {
      await engine.close();
    }
    if (cacheDir && fromBuilder.stats.built.length > 0) writeBuildCache(cacheDir, from.commit, prefix, fromBuilder.exportRecords());
    if (cacheDir && to.commit && toBuilder.stats.built.length > 0) writeBuildCache(cacheDir, to.commit, prefix, toBuilder.exportRecords());
    lap('cache');
    timings.buildsFrom = fromBuilder.stats.built.length;
    timings.buildsFromCache = fromBuilder.stats.reused.length;

    let introduced: Finding[] = [];
    let fixed: Finding[] = [];
    const checked = options.check !== false;
    if (checked) {
      progress('checking both revisions');
      const opts = { kubeVersion: options.kubeVersion, schemaDirs: options.schemaDirs, cacheDir: options.cacheDir };
      const clean = (root: string) => (f: Finding): Finding => (f.message.includes(root) ? { ...f, message: f.message.split(root).join('.') } : f);
      const after = (await checkLoaded(toRoot, toRepo, toConfig, opts)).findings.map(clean(toRoot));
      const before = (await checkLoaded(fromRoot, fromRepo, fromConfig, opts)).findings.map(clean(fromRoot));
      ({ introduced, fixed } = compareFindings(before, after));
      lap('check');
    }

    const rebuilt = new Set(toBuilder.stats.built);
    const cmp = compareRepositories(fromRepo, toRepo, rebuilt);
    const risks = analyseRisks(cmp, cmp.clusters, toRepo, introduced);
    lap('compare');
    const result: DiffResult = {
      version: 1,
      path: prefix,
      from: { ref: from.ref, commit: from.commit },
      to,
      changedFiles: changed.list(),
      clusters: cmp.clusters,
      risks,
      findings: { checked, introduced, fixed },
      builds: { rebuilt: toBuilder.stats.built.length, reused: toBuilder.stats.reused.length },
      summary: summarize(cmp.clusters, risks.length, introduced.length, fixed.length),
    };
    return result;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Findings are the same when rule, file and message are (lines move when files are edited). */
export function compareFindings(before: Finding[], after: Finding[]): { introduced: Finding[]; fixed: Finding[] } {
  const key = (f: Finding) => `${f.rule}\0${f.file ?? ''}\0${f.message}`;
  const count = (list: Finding[]) => {
    const m = new Map<string, number>();
    for (const f of list) m.set(key(f), (m.get(key(f)) ?? 0) + 1);
    return m;
  };
  const take = (list: Finding[], others: Map<string, number>) => {
    const left = new Map(others);
    return list.filter((f) => {
      const n = left.get(key(f)) ?? 0;
      if (n > 0) {
        left.set(key(f), n - 1);
        return false;
      }
      return true;
    });
  };
  return { introduced: sortFindings(take(after, count(before))), fixed: sortFindings(take(before, count(after))) };
}

function summarize(clusters: DiffResult['clusters'], risks: number, introduced: number, fixed: number): DiffResult['summary'] {
  const s = { clusters: clusters.length, kustomizationsAdded: 0, kustomizationsRemoved: 0, kustomizationsChanged: 0, resourcesAdded: 0, resourcesRemoved: 0, resourcesChanged: 0, risks, findingsIntroduced: introduced, findingsFixed: fixed };
  for (const c of clusters) {
    for (const k of c.kustomizations) {
      if (k.action === 'added') s.kustomizationsAdded++;
      else if (k.action === 'removed') s.kustomizationsRemoved++;
      else s.kustomizationsChanged++;
      for (const r of k.resources) {
        if (r.action === 'added') s.resourcesAdded++;
        else if (r.action === 'removed') s.resourcesRemoved++;
        else s.resourcesChanged++;
      }
    }
  }
  return s;
}

export type { FluxRepository };
