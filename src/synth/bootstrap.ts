// The two-phase Helmfile bootstrap of seed 003.
// Phase 0 (00-crds) only renders CRDs and applies them; phase 1 (01-apps) installs
// what Flux itself needs to run (CNI, DNS, secrets, Flux). Nothing is copied: each
// release reads its chart, version and spec.values out of the Flux files in kubernetes/
// at bootstrap time, so Helmfile and Flux never disagree and a Renovate bump moves both.
import type { K8sObject } from '../k8s/object.js';
import type { ClusterPlan, FleetPlan, PlannedUnit } from './plan.js';
import { applicationFile, isArgo } from './argocd-layout.js';
import { unitDir } from './flux-layout.js';
import type { FileTree } from './tree.js';
import { writeTaskfiles } from './taskfiles.js';
import { toYaml } from './yaml.js';

/** From bootstrap/<cluster>/helmfile.d, where Helmfile resolves paths, to the repository root. */
const TO_ROOT = '../../../';

/**
 * Every pod of the bootstrap needs the CNI, and everything after it cluster DNS: phase 1 is
 * chained through these modules in this order, whatever else the Flux graph says.
 */
const FOUNDATIONS = ['cilium', 'coredns'];

export interface BootstrapRelease {
  unit: PlannedUnit;
  name: string;
  namespace: string;
  /** repository-relative path of the HelmRelease file (the Application file on Argo CD clusters) */
  helmReleaseFile: string;
  /** Where in that file the release's values are: a HelmRelease's spec.values, an Application's Helm source. */
  valuesField: Field;
  chart: ChartSource;
  needs: string[];
}

type ChartSource =
  | { kind: 'oci'; file: string }
  | { kind: 'repository'; repoName: string; repoUrl: string; chartName: string; versionField: Field }
  /** an Argo CD Application's OCI Helm source: registry, chart and version are read from it */
  | { kind: 'argo-oci'; file: string };

/** CRDs shipped as a release manifest of a Git source, applied with kubectl in phase 0. */
export interface BootstrapManifest {
  unit: PlannedUnit;
  /** release URL with `{tag}` */
  url: string;
  /** repository-relative path of the file whose `tagField` (yq path) fills `{tag}` */
  gitRepositoryFile: string;
  tagField: string;
}

export interface ClusterBootstrap {
  cp: ClusterPlan;
  crdReleases: BootstrapRelease[];
  crdManifests: BootstrapManifest[];
  appReleases: BootstrapRelease[];
  /** repository-relative helmfile paths; phase 0 only when it has releases (never an empty file) */
  crdsHelmfile?: string;
  appsHelmfile?: string;
}

export function writeBootstrap(plan: FleetPlan, tree: FileTree): void {
  const clusters = plan.clusters.map((cp) => {
    const cb = planBootstrap(cp, isArgo(plan.fleet, cp));
    const base = `bootstrap/${cp.cluster.name}/helmfile.d`;
    if (cb.crdReleases.length) {
      cb.crdsHelmfile = `${base}/00-crds.yaml`;
      tree.add(cb.crdsHelmfile, helmfile(
        'Phase 0: CRDs only. Rendered with --include-crds and applied with kubectl, never installed as releases.',
        { args: ['--include-crds', '--no-hooks'] }, cb.crdReleases, cp, base, tree));
    }
    if (cb.appReleases.length) {
      cb.appsHelmfile = `${base}/01-apps.yaml`;
      tree.add(cb.appsHelmfile, helmfile(
        'Phase 1: what Flux needs to run. Flux adopts these releases afterwards (same names and values).',
        { cleanupOnFail: true, wait: true, waitForJobs: true, timeout: 600 }, cb.appReleases, cp, base, tree));
    }
    return cb;
  });
  writeTaskfiles(plan, clusters, tree);
}

/** The Argo CD Application's Helm source, always the first of its sources. */
const argoHelm = (doc: string) => `(index ${doc}.spec.sources 0)`;

/** A field of a document, as a Go template expression over the document's expression. */
type Field = (doc: string) => string;
/** A repository file read by Helmfile, as a Go template expression. */
const docOf = (file: string) => `(fromYaml (readFile "${file}"))`;
const read = (file: string, field: Field) => `{{ ${field(docOf(`${TO_ROOT}${file}`))} }}`;

function planBootstrap(cp: ClusterPlan, argo: boolean): ClusterBootstrap {
  const crdReleases: BootstrapRelease[] = [];
  const crdManifests: BootstrapManifest[] = [];
  const appReleases: BootstrapRelease[] = [];
  for (const u of cp.units) {
    if (!u.unit.bootstrap) continue;
    const files = u.unit.files.map((f) => ({ path: `${unitDir(cp.cluster.name, u)}/${f.file}`, objects: f.objects }));
    if (u.unit.crdManifest) {
      const git = files.find((f) => f.objects.some((o) => o.kind === 'GitRepository'));
      if (!git) throw new Error(`module ${u.module.name}: unit "${u.unit.name}" has a crdManifest but no GitRepository`);
      crdManifests.push(argo
        // on Argo CD the tag is the upstream Git source's targetRevision
        ? { unit: u, url: u.unit.crdManifest, gitRepositoryFile: applicationFile(cp.cluster.name, u), tagField: '.spec.sources[0].targetRevision' }
        : { unit: u, url: u.unit.crdManifest, gitRepositoryFile: git.path, tagField: '.spec.ref.tag' });
      continue;
    }
    const hrFile = files.find((f) => f.objects.some((o) => o.kind === 'HelmRelease'));
    if (!hrFile) throw new Error(`module ${u.module.name}: bootstrap unit "${u.unit.name}" has no HelmRelease`);
    const hr = hrFile.objects.find((o) => o.kind === 'HelmRelease')!;
    const release: BootstrapRelease = {
      unit: u,
      name: hr.metadata.name,
      namespace: hr.metadata.namespace ?? u.namespace.name,
      helmReleaseFile: argo ? applicationFile(cp.cluster.name, u) : hrFile.path,
      valuesField: argo ? (d) => `${argoHelm(d)}.helm.valuesObject` : (d) => `${d}.spec.values`,
      chart: argo ? argoChart(hr, files, applicationFile(cp.cluster.name, u)) : chartSource(hr, files),
      needs: [],
    };
    (u.unit.bootstrap === 'crds' ? crdReleases : appReleases).push(release);
  }
  chainNeeds(cp, appReleases);
  return { cp, crdReleases, crdManifests, appReleases };
}

/** Where a release's chart and version are read from: its OCIRepository, or its HelmRelease. */
function chartSource(hr: K8sObject, files: Array<{ path: string; objects: K8sObject[] }>): ChartSource {
  const spec = hr.spec as { chartRef?: { name: string }; chart?: { spec: { chart: string; sourceRef: { name: string } } } };
  const find = (kind: string, name: string) => files.find((f) => f.objects.some((o) => o.kind === kind && o.metadata.name === name));
  if (spec.chartRef) {
    const file = find('OCIRepository', spec.chartRef.name);
    if (!file) throw new Error(`HelmRelease ${hr.metadata.name}: OCIRepository ${spec.chartRef.name} is not in the same folder`);
    if (file.objects.length !== 1) throw new Error(`${file.path}: the bootstrap reads one OCIRepository a file`);
    return { kind: 'oci', file: file.path };
  }
  const c = spec.chart!.spec;
  const repo = files.flatMap((f) => f.objects).find((o) => o.kind === 'HelmRepository' && o.metadata.name === c.sourceRef.name);
  const url = (repo?.spec as { url?: string } | undefined)?.url;
  if (!url) throw new Error(`HelmRelease ${hr.metadata.name}: HelmRepository ${c.sourceRef.name} is not in the same folder`);
  return { kind: 'repository', repoName: repoName(url), repoUrl: url, chartName: c.chart, versionField: (d) => `${d}.spec.chart.spec.version` };
}

/** The same chart, read from the Application that replaces the HelmRelease on Argo CD clusters. */
function argoChart(hr: K8sObject, files: Array<{ path: string; objects: K8sObject[] }>, appFile: string): ChartSource {
  const flux = chartSource(hr, files);
  if (flux.kind === 'repository') return { ...flux, versionField: (d) => `${argoHelm(d)}.targetRevision` };
  return { kind: 'argo-oci', file: appFile };
}

const repoName = (url: string) => url.replace(/^https?:\/\//, '').replace(/[^a-z0-9]+/gi, '-').replace(/-+$/, '').toLowerCase();
const releaseId = (r: BootstrapRelease) => `${r.namespace}/${r.name}`;

/**
 * A release needs the nearest bootstrap releases upstream of it in the Flux graph, and the
 * foundation before it: the CNI first, then DNS, then everything else.
 */
function chainNeeds(cp: ClusterPlan, releases: BootstrapRelease[]): void {
  const byUnit = new Map(cp.units.map((u) => [u.unit.name, u]));
  const released = new Map(releases.map((r) => [r.unit.unit.name, r]));
  const foundations = FOUNDATIONS.map((m) => releases.find((r) => r.unit.module.name === m)).filter((r) => r !== undefined);
  for (const r of releases) {
    const needs = new Set<string>();
    const seen = new Set<string>();
    const walk = (name: string) => {
      for (const d of byUnit.get(name)?.dependsOn ?? []) {
        if (seen.has(d)) continue;
        seen.add(d);
        const dep = released.get(d);
        if (dep) needs.add(releaseId(dep));
        else walk(d);
      }
    };
    walk(r.unit.unit.name);
    const position = foundations.indexOf(r);
    const before = position >= 0 ? foundations[position - 1] : foundations[foundations.length - 1];
    if (before) needs.add(releaseId(before));
    r.needs = [...needs].sort();
  }
}

function helmfile(purpose: string, defaults: object, releases: BootstrapRelease[], cp: ClusterPlan, base: string, tree: FileTree): string {
  const repositories = new Map<string, string>();
  for (const r of releases) if (r.chart.kind === 'repository') repositories.set(r.chart.repoName, r.chart.repoUrl);
  const doc = {
    ...(repositories.size ? { repositories: [...repositories].sort().map(([name, url]) => ({ name, url })) } : {}),
    helmDefaults: defaults,
    releases: releases.map((r) => {
      const valuesFile = `values/${r.name}.yaml.gotmpl`;
      tree.add(`${base}/${valuesFile}`, valuesTemplate(r));
      const postSync = r.unit.unit.bootstrapPostSync;
      return {
        name: r.name,
        namespace: r.namespace,
        // release templates, evaluated per release: the Flux files hold the only copy
        ...chartFields(r),
        values: [`./${valuesFile}`],
        ...(r.needs.length ? { needs: r.needs } : {}),
        // a release that cannot become ready alone is not waited for; its hooks wait instead
        ...(postSync?.rollout?.length ? { wait: false } : {}),
        ...(postSync ? { hooks: postSyncHooks(r, cp) } : {}),
      };
    }),
  };
  return `# ${purpose}\n# Generated by slipway synth.\n---\n${toYaml(doc)}`;
}

function chartFields(r: BootstrapRelease): { chart: string; version: string } {
  const c = r.chart;
  if (c.kind === 'oci') return { chart: read(c.file, (d) => `${d}.spec.url`), version: read(c.file, (d) => `${d}.spec.ref.tag`) };
  if (c.kind === 'argo-oci') {
    const source = (f: string) => read(c.file, (d) => `${argoHelm(d)}.${f}`);
    return { chart: `oci://${source('repoURL')}/${source('chart')}`, version: source('targetRevision') };
  }
  return { chart: `${c.repoName}/${c.chartName}`, version: read(r.helmReleaseFile, c.versionField) };
}

function postSyncHooks(r: BootstrapRelease, cp: ClusterPlan): object[] {
  const spec = r.unit.unit.bootstrapPostSync!;
  const hook = (args: string[]) => ({ events: ['postsync'], showlogs: true, command: 'kubectl', args });
  const hooks: object[] = [];
  if (spec.waitForCrds?.length) hooks.push(hook(['wait', '--for=create', ...spec.waitForCrds.map((c) => `crd/${c}`), '--timeout=5m']));
  for (const { unit, file } of spec.apply ?? []) {
    const target = cp.units.find((u) => u.unit.name === unit);
    if (!target) throw new Error(`module ${r.unit.module.name}: bootstrap applies ${file} of unit "${unit}", which this cluster does not have`);
    // a file with nothing in it is not written (no pools, no BGP peers): nothing to apply
    if (!target.unit.files.find((f) => f.file === file)?.objects.length) continue;
    hooks.push(hook(['apply', '--server-side', '--force-conflicts', `--filename=${TO_ROOT}${unitDir(cp.cluster.name, target)}/${file}`]));
  }
  for (const workload of spec.rollout ?? []) hooks.push(hook([`--namespace=${r.namespace}`, 'rollout', 'status', workload, '--timeout=10m']));
  return hooks;
}

function valuesTemplate(r: BootstrapRelease): string {
  // a values file's paths are relative to its own folder: bootstrap/<cluster>/helmfile.d/values/
  return `{{ ${r.valuesField(docOf(`../${TO_ROOT}${r.helmReleaseFile}`))} | toYaml }}\n`;
}
