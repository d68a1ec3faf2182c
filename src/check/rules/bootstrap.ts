// What exists in a cluster before Flux reconciles anything: installed out of band by the
// repository's own bootstrap. Many repositories (onedr0p's home-ops and cluster-template,
// xunholy's k8s-gitops) install CRDs, core charts and a few Secrets with Helmfile, kubectl or
// Talos before Flux starts, precisely so that Flux Kustomizations need no dependsOn on them.
// flux/dependency-missing treats these facts as ambient, like the cluster's own namespaces.
//
// Read, all offline:
// - Helmfile files (`helmfile*.yaml[.gotmpl]`, `helmfile.d/`, `helmfile/` folders): every release
//   installs its chart's CRDs (mapped through the HelmRelease of the same name and namespace the
//   repository manages, else the chart knowledge base) and its namespace.
// - Bootstrap commands (src/repo/bootstrap/commands.ts): Helmfile hooks, and Taskfiles, justfiles,
//   Makefiles and scripts in bootstrap folders. What they apply counts: `kubectl apply -f` files and
//   folders (their objects), `-k` / `kustomize build … | kubectl apply -f -` folders (as built by the
//   loader: a bootstrap/ folder, or the same folder a Flux Kustomization builds), well-known URLs
//   (KNOWN_BUNDLES), heredocs and `kubectl create namespace|secret|configmap`.
// - Kustomizations under a `bootstrap/` folder (applied by hand or a task runner before Flux).
// - Talos machine config `cluster.extraManifests` (well-known CRD bundles by URL) and
//   `cluster.inlineManifests`.
import * as fs from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { crdsInstalled, lookupChart } from '../../knowledge/charts.js';
import { providedBy, type Fact } from '../../k8s/facts.js';
import type { K8sObject } from '../../k8s/object.js';
import { listYamlFiles } from '../../repo/flux/scan.js';
import { readYamlFile, resolveInsideRoot } from '../../repo/yaml/index.js';
import type { FluxRepository } from '../../repo/flux/index.js';
import type { ChartCrds } from '../chart-crds.js';
import { bootstrapCommands, isHelmfile, kustomizationFileOf, resolveCommandPath, statInside, type BootstrapCommand } from '../../repo/bootstrap/commands.js';
import { UNKNOWN_MARK } from '../../repo/bootstrap/shell.js';

export interface BootstrapFacts {
  /** Facts that exist before Flux runs, with where each comes from (for messages). */
  facts: Map<Fact, string>;
  /** CRD API groups installed as a whole (e.g. Gateway API bundles), with where from. */
  crdGroups: Map<string, string>;
  /** For Secrets and ConfigMaps created by the bootstrap: their keys (postBuild variables they offer). */
  keys: Map<Fact, string[]>;
}

/** Whether `fact` exists before Flux runs; returns where it comes from. */
export function bootstrapProvides(b: BootstrapFacts, fact: Fact): string | undefined {
  const direct = b.facts.get(fact);
  if (direct) return direct;
  if (fact.startsWith('crd:')) {
    const gk = fact.slice(4);
    return b.crdGroups.get(gk.slice(0, gk.lastIndexOf('/')));
  }
  return undefined;
}

/** CRD bundles commonly applied by URL (Talos extraManifests, kubectl apply -f https://…). */
const KNOWN_BUNDLES: Array<{ url: RegExp; groups?: string[]; crds?: string[] }> = [
  { url: /kubernetes-sigs\/gateway-api\/.*experimental/, groups: ['gateway.networking.k8s.io', 'gateway.networking.x-k8s.io'] },
  {
    url: /kubernetes-sigs\/gateway-api\//,
    crds: ['Gateway', 'GatewayClass', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant', 'BackendTLSPolicy', 'ListenerSet', 'TLSRoute'].map((k) => `gateway.networking.k8s.io/${k}`),
  },
  { url: /prometheus-operator\/prometheus-operator\//, groups: ['monitoring.coreos.com'] },
  { url: /network-attachment-definition-client/, groups: ['k8s.cni.cncf.io'] },
  { url: /kubernetes-csi\/external-snapshotter\//, groups: ['snapshot.storage.k8s.io', 'groupsnapshot.storage.k8s.io'] },
  { url: /cert-manager\/cert-manager\/releases\/.*cert-manager(\.crds)?\.yaml/, groups: ['cert-manager.io', 'acme.cert-manager.io'] },
  { url: /external-secrets\/external-secrets\/.*crds/, groups: ['external-secrets.io', 'generators.external-secrets.io'] },
  { url: /fluxcd\/flux2\/releases\/.*install\.yaml/, groups: [] },
];

const cache = new WeakMap<FluxRepository, BootstrapFacts>();

export function bootstrapFacts(root: string, repo: FluxRepository, charts: ChartCrds): BootstrapFacts {
  const cached = cache.get(repo);
  if (cached) return cached;
  const out: BootstrapFacts = { facts: new Map(), crdGroups: new Map(), keys: new Map() };
  const add = (fact: Fact, where: string, o?: K8sObject) => {
    if (!out.facts.has(fact)) out.facts.set(fact, where);
    if (o && (o.kind === 'Secret' || o.kind === 'ConfigMap') && /^(secret|configmap):/.test(fact)) {
      const keys = [...Object.keys((o.data ?? {}) as object), ...Object.keys((o.stringData ?? {}) as object)];
      out.keys.set(fact, [...new Set([...(out.keys.get(fact) ?? []), ...keys])]);
    }
  };
  let files: { files: string[]; templates: string[] };
  try {
    files = listYamlFiles(root);
  } catch {
    cache.set(repo, out);
    return out;
  }
  for (const file of [...files.files, ...files.templates]) {
    if (isHelmfile(file)) readHelmfile(root, file, repo, charts, add);
  }
  // Talos machine configs live under a talos/ folder or in talconfig files; reading every YAML file
  // of a large repository just to look for them would double the check's I/O
  for (const file of files.files.filter((f) => /(^|\/)(talos|talconfig)[^/]*(\/|$)|talconfig/i.test(f))) readTalos(root, file, out, add);
  readBootstrapKustomizations(repo, add);
  for (const c of bootstrapCommands(root)) readCommand(root, repo, c, out, add);
  cache.set(repo, out);
  return out;
}

/** Go-template text made parseable: statement lines dropped, expressions replaced by a word. */
function untemplate(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^\s*\{\{-?[^}]*-?\}\}\s*$/.test(l))
    .map((l) => l.replace(/\{\{-?(.*?)-?\}\}/g, (_m, inner: string) => `TEMPLATED_${inner.replace(/[^A-Za-z0-9_.]/g, '').slice(0, 60)}`))
    .join('\n');
}

function readText(root: string, file: string): string | undefined {
  try {
    const abs = resolveInsideRoot(root, file);
    const stat = fs.statSync(abs);
    if (!stat.isFile() || stat.size > 2_000_000) return undefined;
    return fs.readFileSync(abs, 'utf8');
  } catch {
    return undefined;
  }
}

function readHelmfile(root: string, file: string, repo: FluxRepository, charts: ChartCrds, add: (f: Fact, where: string, o?: K8sObject) => void): void {
  const text = readText(root, file);
  if (!text || !/releases\s*:/.test(text)) return;
  let docs: unknown[];
  try {
    docs = parseAllDocuments(untemplate(text), { uniqueKeys: false }).map((d) => (d.errors.length ? undefined : d.toJS({ maxAliasCount: 100 })));
  } catch {
    return;
  }
  const repositories = new Map<string, string>();
  for (const doc of docs) {
    for (const r of ((doc as any)?.repositories ?? []) as any[]) if (r?.name && r?.url) repositories.set(String(r.name), String(r.url));
  }
  for (const doc of docs) {
    const releases = (doc as any)?.releases;
    if (!Array.isArray(releases)) continue;
    for (const rel of releases) {
      if (!rel || typeof rel !== 'object' || typeof rel.name !== 'string') continue;
      const name = String(rel.name);
      const ns = typeof rel.namespace === 'string' && !rel.namespace.includes('TEMPLATED') ? rel.namespace : undefined;
      const where = `bootstrap release ${ns ? `${ns}/` : ''}${name} in ${file}`;
      if (ns) add(`namespace:${ns}`, where);
      for (const crd of releaseCrds(rel, name, ns, repo, charts, repositories)) add(`crd:${crd}`, where);
      // its hooks: bootstrapCommands (readCommand)
    }
  }
}

function releaseCrds(rel: any, name: string, ns: string | undefined, repo: FluxRepository, charts: ChartCrds, repositories: Map<string, string>): string[] {
  // the same release as Flux manages it later: its HelmRelease knows chart and values
  for (const c of repo.clusters) {
    const hr = c.helmReleases.find((h) => h.name === name && (!ns || h.namespace === ns));
    if (hr) {
      const answer = charts.of(hr);
      if (answer.known) return answer.crds;
    }
  }
  const chart = typeof rel.chart === 'string' && !rel.chart.includes('TEMPLATED') ? rel.chart : undefined;
  if (!chart) return [];
  let url: string;
  let chartName: string;
  if (/^oci:\/\//.test(chart)) {
    url = chart;
    chartName = chart.replace(/\/+$/, '').split('/').pop() ?? '';
  } else {
    const [repoName, ...rest] = chart.split('/');
    chartName = rest.join('/') || repoName;
    url = repositories.get(repoName) ?? '';
  }
  const k = lookupChart({ name: chartName, url });
  return k ? crdsInstalled(k, rel.values && !Array.isArray(rel.values) ? rel.values : undefined) : [];
}

function readTalos(root: string, file: string, out: BootstrapFacts, add: (f: Fact, where: string, o?: K8sObject) => void): void {
  const text = readText(root, file);
  if (!text || !/extraManifests|inlineManifests/.test(text)) return;
  for (const d of readYamlFile(root, file, { allowDuplicateKeys: true }).documents) {
    const cluster = (d.value as any)?.cluster;
    if (!cluster || typeof cluster !== 'object') continue;
    for (const url of (Array.isArray(cluster.extraManifests) ? cluster.extraManifests : []) as unknown[]) {
      if (typeof url !== 'string') continue;
      const bundle = KNOWN_BUNDLES.find((b) => b.url.test(url));
      const where = `Talos extraManifests ${url} (${file})`;
      for (const g of bundle?.groups ?? []) if (!out.crdGroups.has(g)) out.crdGroups.set(g, where);
      for (const c of bundle?.crds ?? []) add(`crd:${c}`, where);
    }
    for (const m of (Array.isArray(cluster.inlineManifests) ? cluster.inlineManifests : []) as any[]) {
      if (typeof m?.contents !== 'string') continue;
      try {
        for (const doc of parseAllDocuments(m.contents)) {
          const o = doc.toJS({ maxAliasCount: 100 }) as K8sObject | null;
          if (o && typeof o.kind === 'string' && o.metadata) for (const f of providedBy(o)) add(f, `Talos inlineManifests ${m.name ?? ''} (${file})`);
        }
      } catch { /* unreadable inline manifest: nothing known */ }
    }
  }
}

/** What the folders applied before Flux (built by the loader) create. */
function readBootstrapKustomizations(repo: FluxRepository, add: (f: Fact, where: string, o?: K8sObject) => void): void {
  for (const { dir, objects } of repo.bootstrap ?? []) {
    for (const object of objects) {
      const o = object as unknown as K8sObject;
      if (typeof o?.kind !== 'string' || !o.metadata) continue;
      for (const f of providedBy(o)) add(f, `${dir} (bootstrap, applied before Flux)`, o);
    }
  }
}

type Add = (f: Fact, where: string, o?: K8sObject) => void;

/** What one bootstrap command applies (nothing when it is a dry run, an uninstall hook, or not knowable offline). */
function readCommand(root: string, repo: FluxRepository, c: BootstrapCommand, out: BootstrapFacts, add: Add): void {
  if (c.dryRun || !c.installs) return;
  const by = `${c.context} (${c.file}:${c.line})`;
  // objects that name no namespace: kubectl's -n, else (a hook) the release's, else the context's default
  const ns = (c.namespace && !c.namespace.includes(UNKNOWN_MARK) ? c.namespace : undefined) ?? c.releaseNamespace ?? 'default';
  const provide = (o: K8sObject | null | undefined, where: string, depth = 0) => {
    if (!o || typeof o !== 'object' || typeof o.kind !== 'string') return;
    if (o.kind === 'List' && Array.isArray((o as any).items) && depth === 0) {
      for (const item of (o as any).items) provide(item, where, 1);
      return;
    }
    if (!o.metadata || typeof o.metadata.name !== 'string') return;
    const obj = { ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? (o.kind === 'Namespace' ? undefined : ns) } } as K8sObject;
    for (const f of providedBy(obj)) add(f, where, obj);
  };
  const t = c.target;
  switch (t.kind) {
    case 'url': {
      const bundle = KNOWN_BUNDLES.find((b) => b.url.test(t.url));
      const where = `${t.url}, applied by ${by}`;
      for (const g of bundle?.groups ?? []) if (!out.crdGroups.has(g)) out.crdGroups.set(g, where);
      for (const crd of bundle?.crds ?? []) add(`crd:${crd}`, where);
      return;
    }
    case 'object':
      provide(t.object as unknown as K8sObject, `created by ${by}`);
      return;
    case 'inline':
      try {
        for (const doc of parseAllDocuments(t.text)) {
          if (doc.errors.length) continue;
          const o = doc.toJS({ maxAliasCount: 100 }) as K8sObject | null;
          // an object whose name is a shell variable is not known
          if (o && typeof o.metadata?.name === 'string' && !/\$/.test(`${o.metadata.name}${o.metadata.namespace ?? ''}`)) provide(o, `a manifest written in ${by}`);
        }
      } catch { /* unreadable heredoc: nothing known */ }
      return;
    case 'files': {
      const r = resolveCommandPath(root, c, t.path.text);
      if (!r?.exists) return;
      for (const file of r.isDir ? manifestFiles(root, r.rel, t.recursive) : [r.rel]) {
        for (const d of readYamlFile(root, file, { allowDuplicateKeys: true }).documents) provide(d.value as K8sObject | null, `${file}, applied by ${by}`);
      }
      return;
    }
    case 'kustomization': {
      const r = resolveCommandPath(root, c, t.path.text);
      if (!r?.exists || !r.isDir || !kustomizationFileOf(root, r.rel)) return;
      for (const o of builtObjects(repo, r.rel) ?? []) provide(o, `${r.rel || '.'} (kustomize build), applied by ${by}`);
      return;
    }
  }
}

/** The files `kubectl apply -f DIR` reads: .yaml, .yml and .json, in subfolders too with -R. */
function manifestFiles(root: string, dir: string, recursive: boolean, depth = 0): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(resolveInsideRoot(root, dir || '.'), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isFile() && /\.(ya?ml|json)$/.test(e.name)) out.push(rel);
    else if (e.isDirectory() && recursive && depth < 10 && !e.name.startsWith('.')) out.push(...manifestFiles(root, rel, true, depth + 1));
    if (out.length > 2000) break;
  }
  return out.filter((f) => statInside(root, f)?.isFile());
}

/**
 * What `kustomize build DIR` makes, from builds the loader already did: a folder under bootstrap/,
 * or the same folder a Flux Kustomization builds with its own kustomization file and nothing of
 * Flux's own on top (no targetNamespace, patches, images, name prefix or suffix, components,
 * commonMetadata). Objects a HelmRelease of it would render are not applied by kubectl.
 * Undefined when no build of that folder is at hand.
 */
function builtObjects(repo: FluxRepository, dir: string): K8sObject[] | undefined {
  const boot = (repo.bootstrap ?? []).find((b) => b.dir === dir);
  if (boot) return boot.objects as unknown as K8sObject[];
  const overlays = ['targetNamespace', 'patches', 'patchesStrategicMerge', 'patchesJson6902', 'images', 'namePrefix', 'nameSuffix', 'components', 'commonMetadata'];
  for (const cluster of repo.clusters) {
    for (const ks of cluster.kustomizations) {
      if (ks.path !== dir || ks.status !== 'built' || ks.generatedKustomization) continue;
      const spec = ((ks.object as Record<string, unknown>).spec ?? {}) as Record<string, unknown>;
      if (overlays.some((k) => spec[k] !== undefined)) continue;
      return ks.resources.filter((r) => !r.rendered).map((r) => r.object as unknown as K8sObject);
    }
  }
  return undefined;
}
