// `slipway check`: load → schemas → rules → config (severities, exemptions) → result.
// The engine prints nothing; reporters turn the result into text.
import { performance } from 'node:perf_hooks';
import type { ClusterSpec, FluxRepository } from '../repo/flux/index.js';
import type { ChartsSettings } from '../charts/index.js';
import { DEFAULT_KUBE_VERSION } from '../k8s/version.js';
import { loadAndRender, isOffline } from '../render/load.js';
import { talosKubeVersion } from '../repo/talos-version.js';
import { countHelmReleases } from '../render/index.js';
import path from 'node:path';
import { SchemaRegistry, defaultCacheDir } from '../schema/index.js';
import { ResultCache } from './result-cache.js';
import { listYamlFiles } from '../repo/flux/scan.js';
import { preparse } from '../repo/yaml/parallel.js';
import { ChartCrds } from './chart-crds.js';
import { applyConfig, loadCheckConfig, type Exemption, type SlipwayConfig } from './config.js';
import { CheckContext } from './context.js';
import type { CheckResult, ExemptionUse, Finding } from './finding.js';
import { RULES, RULE_IDS } from './rules/index.js';
import { groupByRootCause, type GroupableFinding } from './root-cause.js';

export interface CheckOptions {
  kubeVersion?: string;
  /** --schemas folders. */
  schemaDirs?: string[];
  clusters?: ClusterSpec[];
  only?: string[];
  /** Where compiled validators are cached (check results go beside it); false disables both caches. */
  cacheDir?: string | false;
  /** Called as work advances, for a progress line on a TTY. */
  progress?: (step: string) => void;
  /** Charts from the chart cache only (--offline). */
  offline?: boolean;
  /** false: HelmReleases are not rendered. */
  render?: boolean;
  /** Chart fetching settings in place of `.slipway.yaml` charts (mirrors, auth), and the chart cache folder. */
  charts?: { settings?: ChartsSettings; cacheDir?: string };
}

export { DEFAULT_KUBE_VERSION };

export async function runCheck(root: string, options: CheckOptions = {}): Promise<CheckResult> {
  const started = performance.now();
  const cache = options.cacheDir === false ? undefined : new ResultCache(path.join(path.dirname(options.cacheDir ?? defaultCacheDir()), 'results'));
  const key = cache?.key(root, { kubeVersion: options.kubeVersion, schemaDirs: options.schemaDirs, clusters: options.clusters, only: options.only, offline: isOffline(options.offline), render: options.render, charts: options.charts });
  const cached = key ? cache!.get(key) : undefined;
  if (cached) return { ...cached, durationMs: performance.now() - started };
  const result = await check(root, options, started);
  if (key) cache!.set(key, result);
  return result;
}

async function check(root: string, options: CheckOptions, started: number): Promise<CheckResult> {
  return (await loadAndCheck(root, options, started)).result;
}

/** Loads the repository once and checks it; for callers that also need the loaded model (report). */
export async function loadAndCheck(root: string, options: CheckOptions = {}, started = performance.now()): Promise<{ repo: FluxRepository; result: CheckResult }> {
  const progress = options.progress ?? (() => {});
  const config = loadCheckConfig(root, RULE_IDS);
  progress('parsing YAML on all cores');
  // kustomization files are small and their syntax tree is needed for positions: parsed in place
  await preparse(root, listYamlFiles(root).files.filter((f) => !/(^|\/)(kustomization\.ya?ml|Kustomization)$/.test(f)));
  progress('loading repository');
  const repo = await loadAndRender(root, { clusters: options.clusters, only: options.only, substitutions: config.substitutions }, {
    enabled: options.render, settings: options.charts?.settings ?? config.chartSettings, cacheDir: options.charts?.cacheDir, offline: options.offline,
    kubeVersion: options.kubeVersion ?? config.kubeVersion,
    onChartProgress: (e) => progress(`charts ${e.done}/${e.total}: ${e.type === 'download' ? 'downloading ' : ''}${e.label}`),
    onRenderProgress: (done, total) => progress(`rendering HelmReleases ${done}/${total}`),
  });
  const { findings, exemptions } = await checkLoaded(root, repo, config, options);
  const result: CheckResult = {
    clusters: repo.clusters.map((c) => {
      // an Argo CD tree: its Applications are counted as such (and its Helm sources as helmReleases)
      const applications = c.kustomizations.filter((k) => k.kind === 'Application').length;
      return {
        name: c.name,
        root: c.root,
        kustomizations: c.kustomizations.length - applications,
        resources: c.kustomizations.reduce((n, k) => n + k.resources.length, 0),
        helmReleases: countHelmReleases(c),
        ...(c.delivery ? { delivery: c.delivery, applications } : {}),
      };
    }),
    findings,
    exemptions,
    documents: repo.clusters.reduce((n, c) => n + c.documents, 0),
    durationMs: performance.now() - started,
  };
  return { repo, result };
}

export interface LoadedCheckOptions {
  kubeVersion?: string;
  schemaDirs?: string[];
  cacheDir?: string | false;
  progress?: (step: string) => void;
}

/**
 * The checker on a repository someone already loaded (diff loads each revision once):
 * schemas with the repository's own CRDs, every rule, then .slipway.yaml severities and exemptions.
 */
export async function checkLoaded(
  root: string,
  repo: FluxRepository,
  config: SlipwayConfig,
  options: LoadedCheckOptions = {},
): Promise<{ findings: Finding[]; exemptions: ExemptionUse[] }> {
  const progress = options.progress ?? (() => {});
  const crds = repo.clusters.flatMap((c) => c.kustomizations.flatMap((k) => k.resources))
    // Gatekeeper makes a CRD of every ConstraintTemplate: its constraints are judged by that schema
    .filter((r) => r.id.kind === 'CustomResourceDefinition' || r.id.kind === 'ConstraintTemplate')
    .map((r) => r.object);
  // --kube-version, else .slipway.yaml, else what the repository's Talos config runs, else the default
  const talos = talosKubeVersion(root)?.version.split('.').slice(0, 2).join('.');
  const kubeVersion = options.kubeVersion ?? config.kubeVersion ?? talos ?? DEFAULT_KUBE_VERSION;
  const schemas = await SchemaRegistry.open({ dirs: options.schemaDirs, kubeVersion, crds, cacheDir: options.cacheDir });
  const ctx = new CheckContext(root, repo, schemas, kubeVersion, new ChartCrds(config.charts), config);
  const raw: GroupableFinding[] = [];
  for (const rule of RULES) {
    if (config.rules[rule.id] === 'off') continue; // switched off: its findings would be dropped, so its work is not done
    progress(`rule ${rule.id}`);
    for (const f of rule.run(ctx)) raw.push({ ...f, rule: rule.id, severity: f.severity ?? rule.severity });
  }
  const configured = applyConfig(dedupe(raw.map((f) => placeRendered(f, ctx))), config);
  const used = configured.used;
  const findings = groupByRootCause(configured.findings);
  if (repo.clusters.length === 0) {
    findings.push(...repo.problems.map((p) => ({ rule: 'kustomize/build', severity: 'info' as const, message: p.message, file: p.file, line: p.line })));
  }
  const exemptions = config.exemptions.map((e, i) => ({ rule: e.rule, reason: e.reason, match: matchOf(e), used: used[i] }));
  return { findings, exemptions };
}

/**
 * A finding on an object a chart rendered is about the HelmRelease that asked for it: it names
 * the release's file and its values line (where the fix goes), and the chart template.
 */
function placeRendered(f: Finding, ctx: CheckContext): Finding {
  if (!f.resource || !f.file) return f;
  const r = f.resource;
  const rendered = ctx.renderedAt(f.file, r.kind, r.namespace, r.name);
  if (!rendered) return f;
  const { hr, template } = rendered;
  // an Argo CD Helm source: at its helm.valuesObject, else at the source
  const pointer = hr.application ? (hr.values ? `${hr.application.pointer}/helm/valuesObject` : hr.application.pointer) : hr.values ? '/spec/values' : '';
  const at = ctx.locator.locate(hr.origin, pointer);
  const by = hr.application ? `Application ${hr.application.key} (Helm release ${hr.key})` : `HelmRelease ${hr.key}`;
  return {
    ...f, line: at.line ?? f.line, column: at.column,
    message: `${f.message} (rendered by ${by}${template ? ` from ${template}` : ''})`,
    renderedBy: { helmRelease: hr.key, ...(template ? { template } : {}) },
  };
}

function matchOf(e: Exemption): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['cluster', 'namespace', 'kind', 'name', 'path'] as const) if (e[k] !== undefined) out[k] = e[k]!;
  return out;
}

/** Same rule, place and message once, whichever cluster saw it first. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.rule}|${f.file}|${f.line}|${f.column}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
