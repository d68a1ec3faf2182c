// The Argo CD side of a cluster with `gitops: 'argocd'`, in the same folders as the Flux layout:
//
//   clusters/<cluster>/argocd/root.yaml              the root Application (app of apps)
//   kubernetes/<cluster>/apps/<ns>/                  namespace.yaml, networkpolicy.yaml (sync wave 0)
//   kubernetes/<cluster>/apps/<ns>/<module>/<unit>.app.yaml   one Application per unit
//   kubernetes/<cluster>/apps/<ns>/<module>/<dir>/   the unit's manifests, Flux objects taken out
//
// Each unit's Application is in the sync wave the dependency graph gives it (the wave Flux's
// dependsOn would give it, plus one: wave 0 holds the namespaces). A HelmRelease becomes a Helm
// source with the same chart, version and values; a Flux Kustomization of an upstream Git
// repository (the Gateway API CRDs) becomes a Git source of that repository. What Argo CD
// cannot do (values from Secrets, post-renderers, variable substitution, SOPS) is a config error
// found at plan time (argoIncompatibilities), never silently dropped.
import { ARGOCD_NS } from '../catalog/argocd.js';
import { namespace as namespaceObject } from '../k8s/builders.js';
import { gitopsOf } from '../k8s/fleet.js';
import { namespaceBaseline } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import type { Unit } from '../model/module.js';
import type { FleetConfig } from '../model/types.js';
import { appsRoot, moduleDir, unitDir } from './flux-layout.js';
import type { ClusterPlan, FleetPlan, PlannedUnit } from './plan.js';
import type { FileTree } from './tree.js';
import { toYamlDocuments } from './yaml.js';

const WAVE = 'argocd.argoproj.io/sync-wave';
const IN_CLUSTER = 'https://kubernetes.default.svc';
/** Flux objects a unit folder holds that Argo CD replaces with sources of its own. */
const FLUX_KINDS = new Set(['HelmRelease', 'HelmRepository', 'OCIRepository', 'GitRepository', 'Kustomization']);
const isFlux = (o: K8sObject) => FLUX_KINDS.has(o.kind) && o.apiVersion.includes('toolkit.fluxcd.io');
/** Namespaces whose system pods a default-deny would cut off (as in the Flux layout). */
const NO_BASELINE = new Set(['kube-system']);

export const isArgo = (fleet: FleetConfig, cp: { cluster: ClusterPlan['cluster'] }) => gitopsOf(fleet, cp.cluster) === 'argocd';
/** Where a unit's Application lives, and where the bootstrap reads a release from. */
export const applicationFile = (cluster: string, u: PlannedUnit) => `${moduleDir(cluster, u)}/${u.unit.name}.app.yaml`;
export const argoEntry = (cluster: string) => `clusters/${cluster}/argocd`;

/** HelmRelease and Kustomization features no Argo CD Application expresses, named for the config error. */
export function argoIncompatibilities(unit: Unit): string[] {
  const out: string[] = [];
  if (unit.substitute) out.push('Flux postBuild variable substitution');
  if (unit.decryptsSops) out.push('SOPS decryption by Flux (use the onepassword or sealed-secrets provider with Argo CD)');
  for (const o of unit.files.flatMap((f) => f.objects)) {
    const spec = (o.spec ?? {}) as Record<string, unknown>;
    if (o.kind === 'HelmRelease') {
      if (spec.valuesFrom) out.push(`HelmRelease ${o.metadata.name} valuesFrom (values read from Secrets or ConfigMaps)`);
      if (spec.postRenderers) out.push(`HelmRelease ${o.metadata.name} postRenderers`);
      if (spec.dependsOn) out.push(`HelmRelease ${o.metadata.name} dependsOn`);
    }
    if (o.kind === 'Kustomization' && isFlux(o) && (spec.postBuild || spec.patches || spec.components)) out.push(`Flux Kustomization ${o.metadata.name} postBuild, patches or components`);
  }
  return out;
}

export function writeArgoLayout(plan: FleetPlan, tree: FileTree): void {
  for (const cp of plan.clusters) {
    if (!isArgo(plan.fleet, cp)) continue;
    writeRoot(plan, cp, tree);
    writeApps(plan, cp, tree);
  }
}

const syncPolicy = {
  automated: { prune: true, selfHeal: true },
  // namespaces are in Git with their Pod Security labels; server-side apply like Flux
  syncOptions: ['CreateNamespace=false', 'ServerSideApply=true', 'RespectIgnoreDifferences=true'],
  retry: { limit: 10, backoff: { duration: '30s', factor: 2, maxDuration: '10m' } },
};

function writeRoot(plan: FleetPlan, cp: ClusterPlan, tree: FileTree): void {
  const name = cp.cluster.name;
  tree.add(`${argoEntry(name)}/root.yaml`, toYamlDocuments([{
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: `${name}-root`, namespace: ARGOCD_NS },
    spec: {
      project: 'default',
      source: { repoURL: plan.fleet.git.url, targetRevision: plan.fleet.git.branch ?? 'main', path: appsRoot(name) },
      destination: { server: IN_CLUSTER, namespace: ARGOCD_NS },
      syncPolicy,
    },
  }]));
  tree.add(`${argoEntry(name)}/kustomization.yaml`, kustomization(['./root.yaml']));
}

function writeApps(plan: FleetPlan, cp: ClusterPlan, tree: FileTree): void {
  const name = cp.cluster.name;
  const root = appsRoot(name);
  tree.add(`${root}/kustomization.yaml`, kustomization(cp.namespaces.map((n) => `./${n.name}`)));
  for (const ns of cp.namespaces) {
    const members = cp.units.filter((u) => u.namespace.name === ns.name && !u.unit.installedBy);
    const files = ['./namespace.yaml'];
    tree.add(`${root}/${ns.name}/namespace.yaml`, toYamlDocuments([inWave(namespaceObject(ns.name, ns.podSecurity), 0)]));
    if (!NO_BASELINE.has(ns.name)) {
      files.push('./networkpolicy.yaml');
      tree.add(`${root}/${ns.name}/networkpolicy.yaml`, toYamlDocuments(namespaceBaseline(ns.name, cp.cluster.network).map((o) => inWave(o, 0))));
    }
    for (const u of members) {
      files.push(`./${u.module.name}/${u.unit.name}.app.yaml`);
      tree.add(applicationFile(name, u), toYamlDocuments([application(plan, cp, u)]));
      writeUnitFolder(name, u, tree);
    }
    tree.add(`${root}/${ns.name}/kustomization.yaml`, kustomization(files.sort((a, b) => (a.includes('.app.') ? 1 : 0) - (b.includes('.app.') ? 1 : 0) || a.localeCompare(b))));
  }
}

function inWave<T extends K8sObject>(o: T, wave: number): T {
  return { ...o, metadata: { ...o.metadata, annotations: { ...(o.metadata.annotations ?? {}), [WAVE]: String(wave) } } };
}

/** The unit's own manifests, without the Flux objects its Application replaces. */
const ownFiles = (u: PlannedUnit) => u.unit.files
  .map((f) => ({ file: f.file, objects: f.objects.filter((o) => !isFlux(o)) }))
  .filter((f) => f.objects.length)
  .sort((a, b) => a.file.localeCompare(b.file));

function writeUnitFolder(cluster: string, u: PlannedUnit, tree: FileTree): void {
  const files = ownFiles(u);
  const made = u.unit.madeByTask?.files ?? [];
  if (!files.length && !made.length) return;
  const dir = unitDir(cluster, u);
  for (const f of files) tree.add(`${dir}/${f.file}`, toYamlDocuments(f.objects));
  if (u.unit.madeByTask) tree.add(`${dir}/README.md`, u.unit.madeByTask.readme);
  tree.add(`${dir}/kustomization.yaml`, kustomization([...files.map((f) => `./${f.file}`), ...made.map((f) => `./${f}`)]));
}

type Source = Record<string, unknown>;

function application(plan: FleetPlan, cp: ClusterPlan, u: PlannedUnit): K8sObject {
  const objects = u.unit.files.flatMap((f) => f.objects);
  const sources: Source[] = [];
  let helm = false;
  for (const hr of objects.filter((o) => o.kind === 'HelmRelease' && isFlux(o))) {
    const source = helmSource(hr, objects);
    // Argo CD pulls OCI charts only from registries declared as OCI Helm repositories: its own
    // release declares every registry the cluster's charts come from
    if (u.module.name === 'argocd') withOciRepositories(source, ociRegistries(cp));
    sources.push(source);
    helm = true;
  }
  for (const ks of objects.filter((o) => o.kind === 'Kustomization' && isFlux(o))) sources.push(gitSourceOf(ks, objects));
  if (ownFiles(u).length || u.unit.madeByTask) {
    sources.push({ repoURL: plan.fleet.git.url, targetRevision: plan.fleet.git.branch ?? 'main', path: unitDir(cp.cluster.name, u) });
  }
  return inWave({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: u.unit.name, namespace: ARGOCD_NS, finalizers: ['resources-finalizer.argocd.argoproj.io'] },
    spec: {
      project: 'default',
      destination: { server: IN_CLUSTER, namespace: u.namespace.name },
      sources,
      syncPolicy,
      // CA bundles that cert-manager or the charts' own hooks inject after apply: not drift
      ...(helm ? {
        ignoreDifferences: [
          { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] },
          { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] },
          { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', jqPathExpressions: ['.spec.conversion.webhook?.clientConfig?.caBundle'] },
        ],
      } : {}),
    },
  }, u.wave + 1);
}

/** A HelmRelease as a Helm source: the chart from its HelmRepository or OCIRepository, the same values. */
function helmSource(hr: K8sObject, objects: K8sObject[]): Source {
  const spec = hr.spec as { chart?: { spec: { chart: string; version: string; sourceRef: { name: string } } }; chartRef?: { name: string }; values?: object; releaseName?: string; install?: { crds?: string } };
  let chart: { repoURL: string; chart: string; targetRevision: string };
  if (spec.chartRef) {
    const oci = objects.find((o) => o.kind === 'OCIRepository' && o.metadata.name === spec.chartRef!.name)!;
    const { url, ref } = oci.spec as { url: string; ref: { tag: string } };
    const path = url.replace(/^oci:\/\//, '');
    // Argo CD names OCI Helm repositories without the scheme and the chart apart
    chart = { repoURL: path.slice(0, path.lastIndexOf('/')), chart: path.slice(path.lastIndexOf('/') + 1), targetRevision: ref.tag };
  } else {
    const c = spec.chart!.spec;
    const repo = objects.find((o) => o.kind === 'HelmRepository' && o.metadata.name === c.sourceRef.name)!;
    chart = { repoURL: (repo.spec as { url: string }).url, chart: c.chart, targetRevision: c.version };
  }
  return {
    ...chart,
    helm: {
      releaseName: spec.releaseName ?? hr.metadata.name,
      ...(spec.install?.crds === 'Skip' ? { skipCrds: true } : {}),
      valuesObject: structuredClone(spec.values ?? {}),
    },
  };
}

/** A Flux Kustomization of a GitRepository (upstream CRDs) as a Git source of that repository. */
function gitSourceOf(ks: K8sObject, objects: K8sObject[]): Source {
  const spec = ks.spec as { sourceRef: { name: string }; path?: string };
  const git = objects.find((o) => o.kind === 'GitRepository' && o.metadata.name === spec.sourceRef.name);
  const g = (git?.spec ?? {}) as { url?: string; ref?: { tag?: string; branch?: string; commit?: string } };
  return { repoURL: g.url, targetRevision: g.ref?.tag ?? g.ref?.commit ?? g.ref?.branch ?? 'HEAD', path: (spec.path ?? '.').replace(/^\.\//, '') };
}

function kustomization(resources: string[]): string {
  return toYamlDocuments([{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }]);
}

function withOciRepositories(source: Source, registries: string[]): void {
  const values = (source.helm as { valuesObject: Record<string, any> }).valuesObject;
  const repositories = Object.fromEntries(registries.map((url) => {
    const name = url.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    return [name, { name, url, type: 'helm', enableOCI: 'true' }];
  }));
  values.configs = { ...(values.configs ?? {}), repositories };
}

/** The OCI registries of a cluster's Helm sources: Argo CD needs each declared as an OCI Helm repository. */
export function ociRegistries(cp: ClusterPlan): string[] {
  const out = new Set<string>();
  for (const o of cp.units.flatMap((u) => u.unit.files.flatMap((f) => f.objects))) {
    if (o.kind !== 'OCIRepository') continue;
    const path = (o.spec as { url: string }).url.replace(/^oci:\/\//, '');
    out.add(path.slice(0, path.lastIndexOf('/')));
  }
  return [...out].sort();
}
