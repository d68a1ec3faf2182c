// Load, then render: one engine for the kustomize builds and the Helm renders of a repository.
import { createChartFetcher, type ChartProgress, type ChartsSettings } from '../charts/index.js';
import { openEngine } from '../engine/index.js';
import { EngineDirectoryBuilder, isFluxKustomization, isHelmRelease, isMap, loadFluxRepository, scanRepository, type FluxRepository, type LoadOptions, type RepositoryScan } from '../repo/flux/index.js';
import { renderHelmReleases, type RenderCache } from './index.js';
import { bundledSchemaManifest } from '../schema/builtin/bundled.js';
import { DEFAULT_KUBE_VERSION } from '../k8s/version.js';
import { talosKubeVersion } from '../repo/talos-version.js';

/**
 * The API versions of Kubernetes' own kinds, as `.Capabilities.APIVersions` lists them on a real
 * cluster ("apps/v1" and "apps/v1/Deployment"), from the built-in schemas Slipway ships.
 */
export function builtinApiVersions(): string[] {
  const out = new Set<string>();
  for (const entry of bundledSchemaManifest()?.kinds ?? []) {
    const [groupVersion, kind] = entry.split(' ');
    if (!groupVersion || !kind) continue;
    out.add(groupVersion);
    out.add(`${groupVersion}/${kind}`);
  }
  return [...out].sort();
}

export interface ChartRenderSettings {
  /** false: HelmReleases are not rendered (their charts are not fetched). */
  enabled?: boolean;
  settings?: ChartsSettings;
  /** Only the chart cache; never the network. Default: SLIPWAY_OFFLINE=1 in the environment. */
  offline?: boolean;
  cacheDir?: string;
  /** `.Capabilities.KubeVersion`; default: the repository's Talos config (renderKubeVersion), else 1.31. */
  kubeVersion?: string;
  cache?: RenderCache;
  onChartProgress?: (event: ChartProgress) => void;
  onRenderProgress?: (done: number, total: number) => void;
}

export async function loadAndRender(root: string, options: LoadOptions, charts: ChartRenderSettings = {}): Promise<FluxRepository> {
  const scan = options.scan ?? scanRepository(root);
  const engine = await openEngine([root], { workload: expectedWork(scan, charts.enabled !== false) });
  engine.warm();
  try {
    const repo = await loadFluxRepository(root, new EngineDirectoryBuilder(root, engine), { ...options, scan });
    if (charts.enabled !== false) {
      const fetcher = createChartFetcher({
        settings: charts.settings, cacheDir: charts.cacheDir, offline: isOffline(charts.offline),
        selectVersion: (versions, constraint) => engine.selectVersion(versions, constraint),
        onProgress: charts.onChartProgress,
      });
      await renderHelmReleases(repo, { engine, fetcher, kubeVersion: renderKubeVersion(root, charts.kubeVersion), builtinApiVersions: builtinApiVersions(), cache: charts.cache, onProgress: charts.onRenderProgress });
    }
    return repo;
  } finally {
    await engine.close();
  }
}

/**
 * What the engine will be asked for: a build per Flux Kustomization and a render per HelmRelease
 * in the repository's files (the same scan the loader discovers clusters from).
 */
function expectedWork(scan: RepositoryScan, render: boolean): { builds: number; renders: number } {
  let builds = 0;
  let renders = 0;
  for (const d of scan.documents) {
    if (!isMap(d.value)) continue;
    if (isFluxKustomization(d.value)) builds++;
    else if (render && isHelmRelease(d.value)) renders++;
  }
  return { builds, renders };
}

/** The Kubernetes version Helm renders for: the one given, else the Talos config's, else the default. */
export function renderKubeVersion(root: string, given: string | undefined): string {
  return given ?? talosKubeVersion(root)?.version ?? DEFAULT_KUBE_VERSION;
}

/** --offline, else SLIPWAY_OFFLINE=1 (air-gapped CI, and the test suite: tests never leave the machine). */
export function isOffline(flag: boolean | undefined): boolean {
  return flag ?? process.env.SLIPWAY_OFFLINE === '1';
}
