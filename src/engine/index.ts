// The engine: what kustomize and Flux render, computed by their own Go code (engine/), behind
// two calls. This module is the only one that knows the engine is WebAssembly in worker threads;
// callers hand it real paths and get back resources with their origins, or a failure to report.
//
//   const engine = await openEngine([repoRoot]);
//   const built = await engine.kustomizeBuild({ root: repoRoot, dir: 'apps/base' });
//   const flux = await engine.fluxBuild({ root: repoRoot, dir: 'apps', kustomization, variables: null });
//
// The engine reads only inside the roots it was opened with (each mounted as a WASI preopen;
// nothing else exists for it) and, per call, only inside that call's root.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BuildResult, EngineRequest, FluxBuildInput, HelmRenderInput, HelmRenderResult, KustomizeBuildInput, VersionResult } from './protocol.js';
import { EnginePool, defaultPoolSize } from './pool.js';
import { defaultMemoryMiB } from './limits.js';
import { compileEngine } from './wasm.js';

export type { BuildResult, EngineFailure, EngineFailureKind, EngineOrigin, EngineResource, HelmFailureKind, HelmRenderResult, LoadRestrictor, RenderedObject, Reorder } from './protocol.js';
export { EngineMissingError, wasmPath } from './wasm.js';

export interface EngineOptions {
  /** Worker threads (default: one per core, at most 8). */
  workers?: number;
  /** Time limit of one call (default 120 s, or SLIPWAY_ENGINE_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Memory cap of each engine instance (default 3072 MiB or a share of `ulimit -v`; SLIPWAY_ENGINE_MEMORY_MB). */
  memoryMiB?: number;
  /**
   * The work the caller expects to ask for, when it knows: a short run of builds only starts faster
   * than one that renders charts or builds hundreds of folders, and the engine prepares for it.
   */
  workload?: { builds: number; renders: number };
}

/** Up to this many builds and no Helm rendering, unoptimized code finishes first (bench/peers.ts). */
const SHORT_WORKLOAD_BUILDS = 200;

export type KustomizeBuildRequest = Omit<KustomizeBuildInput, 'root' | 'dir' | 'mount'> & { root: string; dir: string };
export type FluxBuildRequest = Omit<FluxBuildInput, 'root' | 'dir' | 'mount'> & { root: string; dir: string };

/** A chart as bytes (a packaged .tgz) or as a folder inside one of the engine's roots. */
export type ChartSource = { archive: Uint8Array } | { root: string; dir: string; dependencies?: Uint8Array[] };
export type HelmRenderRequest = Omit<HelmRenderInput, 'chart'> & { chart: ChartSource };

export interface Engine {
  /** `kustomize build dir` (kustomize's CLI defaults: root-only loading, legacy order). */
  kustomizeBuild(request: KustomizeBuildRequest): Promise<BuildResult>;
  /** What kustomize-controller builds and substitutes for one Flux Kustomization. */
  fluxBuild(request: FluxBuildRequest): Promise<BuildResult>;
  /** What helm-controller would install for one HelmRelease (Helm's client-side dry run). */
  helmRender(request: HelmRenderRequest): Promise<HelmRenderResult>;
  /** The version Helm picks from `versions` for a chart.spec.version / semver constraint. */
  selectVersion(versions: string[], constraint: string): Promise<string | undefined>;
  /** The upstream module versions linked into the engine. */
  versions(): Promise<Record<string, string>>;
  /** Starts the workers now (their start-up then overlaps other work). */
  warm(): void;
  close(): Promise<void>;
}

interface Mount {
  /** The folder on disk (real path). */
  root: string;
  /** Where the engine sees it. */
  at: string;
}

export async function openEngine(roots: string[], options: EngineOptions = {}): Promise<Engine> {
  const mounts: Mount[] = [];
  for (const r of roots) {
    const real = fs.realpathSync(path.resolve(r));
    if (!mounts.some((m) => m.root === real)) mounts.push({ root: real, at: `/slipway-root-${String(mounts.length).padStart(3, '0')}` });
  }
  const workers = options.workers ?? defaultPoolSize();
  const memoryMiB = options.memoryMiB ?? numberFromEnv('SLIPWAY_ENGINE_MEMORY_MB') ?? defaultMemoryMiB(workers);
  const short = options.workload && options.workload.renders === 0 && options.workload.builds <= SHORT_WORKLOAD_BUILDS;
  const module = await compileEngine(memoryMiB, short ? 'baseline' : 'tiered');
  const pool = new EnginePool({
    module,
    mounts: Object.fromEntries(mounts.map((m) => [m.at, m.root])),
    size: workers,
    timeoutMs: options.timeoutMs ?? numberFromEnv('SLIPWAY_ENGINE_TIMEOUT_MS') ?? 120_000,
  });
  return new WasmEngine(mounts, pool);
}

function numberFromEnv(name: string): number | undefined {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

class WasmEngine implements Engine {
  constructor(private readonly mounts: Mount[], private readonly pool: EnginePool) {}

  kustomizeBuild(request: KustomizeBuildRequest): Promise<BuildResult> {
    return this.build('kustomizeBuild', request, `building ${request.dir}`);
  }

  fluxBuild(request: FluxBuildRequest): Promise<BuildResult> {
    return this.build('fluxBuild', request, `building ${request.dir} for a Flux Kustomization`);
  }

  async helmRender(request: HelmRenderRequest): Promise<HelmRenderResult> {
    const describe = `rendering HelmRelease ${describeRelease(request.release)}`;
    let chart: HelmRenderInput['chart'];
    let mount: Mount | undefined;
    if ('archive' in request.chart) {
      const a = request.chart.archive;
      chart = { archive: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') };
    } else {
      const root = realPath(request.chart.root);
      mount = this.mounts.find((m) => isInside(m.root, root));
      if (!mount) throw new Error(`engine: ${request.chart.root} is not inside a folder the engine was opened with`);
      const dependencies = (request.chart.dependencies ?? []).map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64'));
      chart = { root, dir: path.resolve(root, request.chart.dir), mount: engineView(mount, root), ...(dependencies.length ? { dependencies } : {}) };
    }
    const text = await this.pool.run(JSON.stringify({ op: 'helmRender', input: { ...request, chart } }, jsonReplacer), describe);
    const result = JSON.parse(mount ? text.split(mount.at).join(JSON.stringify(mount.root).slice(1, -1)) : text) as HelmRenderResult;
    if (result.ok) result.resources ??= [];
    return result;
  }

  async selectVersion(versions: string[], constraint: string): Promise<string | undefined> {
    const text = await this.pool.run(JSON.stringify({ op: 'selectVersion', input: { versions, constraint } } satisfies EngineRequest), `choosing a version for ${constraint || '*'}`);
    const result = JSON.parse(text) as { ok: boolean; version?: string };
    return result.ok ? result.version : undefined;
  }

  async versions(): Promise<Record<string, string>> {
    const result = JSON.parse(await this.pool.run(JSON.stringify({ op: 'version' } satisfies EngineRequest), 'reading its version')) as VersionResult;
    return result.modules ?? {};
  }

  warm(): void {
    this.pool.warm();
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async build(op: 'kustomizeBuild' | 'fluxBuild', request: KustomizeBuildRequest | FluxBuildRequest, describe: string): Promise<BuildResult> {
    const root = realPath(request.root);
    const mount = this.mounts.find((m) => isInside(m.root, root));
    if (!mount) throw new Error(`engine: ${request.root} is not inside a folder the engine was opened with`);
    const dir = path.resolve(root, path.relative(path.resolve(request.root), path.resolve(request.root, request.dir)));
    // the engine works in the host's paths and reaches them through the mount
    const input = { ...request, root, dir, mount: engineView(mount, root) };
    const text = await this.pool.run(JSON.stringify({ op, input }, jsonReplacer), describe);
    // the engine names files by their mount point; the user knows them by their real path
    const result = JSON.parse(text.split(mount.at).join(JSON.stringify(mount.root).slice(1, -1))) as BuildResult;
    result.inputs ??= [];
    if (result.ok) {
      result.resources ??= [];
      if (op === 'kustomizeBuild') result.yaml ??= '';
    }
    return result;
  }
}

/** YAML integers beyond 2^53 are read as bigint; JSON has only numbers (and strings for the rest). */
function jsonReplacer(_key: string, v: unknown): unknown {
  if (typeof v !== 'bigint') return v;
  return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
}

function describeRelease(release: Record<string, unknown>): string {
  const meta = (release.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  return `${String(meta.namespace ?? 'default')}/${String(meta.name ?? '?')}`;
}

/** `p` as the engine sees it ('/'-separated below the mount point). */
function engineView(mount: Mount, p: string): string {
  const rel = path.relative(mount.root, p);
  return rel ? `${mount.at}/${rel.split(path.sep).join('/')}` : mount.at;
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function realPath(p: string): string {
  try {
    return fs.realpathSync(path.resolve(p));
  } catch {
    return path.resolve(p);
  }
}
