// flux-local's golden outputs of `flux-local build hr` and `build all --enable-helm` (real
// `helm template` output) as an oracle for the HelmRelease renderer. Every case is loaded and
// rendered through loadAndRender with the charts of ../shared/charts served on 127.0.0.1 (a static
// Helm repository and a real docker-registry, mapped through charts.mirrors), and what we would
// print for the same selection is compared with the golden YAML semantically: objects matched by
// (API group, kind, namespace, name), contents compared after removing flux-local's own index
// annotations and undoing the documented differences (test/flux-local-helm-differences.md). The
// remaining differences are asserted exactly, so a new one fails the test.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { loadAndRender } from '../src/render/load.js';
import type { ChartMirror, ChartsSettings } from '../src/charts/types.js';
import type { AppliedResource, FluxCluster, FluxRepository } from '../src/repo/flux/index.js';
import { sharedDir } from './helpers.js';
import { argAll, fluxLocalDir as fluxLocal, norm, snapshotCases, sourcesOf } from './helpers/flux-local.js';
import { chartReposDir, pushChart, startHelmRepoServer, startRegistry, type Registry, type TestServer } from './helpers/chart-servers.js';

type Obj = Record<string, unknown>;

// ---- the golden cases

interface Case { test: string; id: string; args: string[]; expected: string }

function cases(test: string, snapshotFile: string): Case[] {
  return snapshotCases(test, snapshotFile).map((c) => {
    if (c.expected === undefined) throw new Error(`no snapshot ${test}[${c.id}]`);
    return { ...c, expected: c.expected };
  });
}

const arg = (args: string[], ...names: string[]): string | undefined => argAll(args, ...names)[0];
const WITH_VALUE = new Set(['--path', '-n', '--namespace', '--sources', '-a', '--api-versions', '--show-only', '--kube-version']);
function positionals(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (WITH_VALUE.has(args[i])) i++;
    else if (!args[i].startsWith('-')) out.push(args[i]);
  }
  return out;
}
// ---- charts: the upstream URLs of ../shared/charts/README.md onto local servers

function upstreamTable(): Array<{ repoId: string; url: string }> {
  const readme = readFileSync(path.join(sharedDir, 'charts', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Helm repository URLs'));
  const out: Array<{ repoId: string; url: string }> = [];
  for (const line of section.split('\n')) {
    const m = /^\| ([a-z0-9-]+) \| (.+) \|$/.exec(line);
    if (!m || m[1] === 'repo') continue;
    for (const u of m[2].matchAll(/`([^`]+)`/g)) out.push({ repoId: m[1], url: u[1].replace(/\/$/, '') });
  }
  return out;
}

/** Every chart URL the fixtures write (HelmRepository/OCIRepository spec.url). */
async function fixtureUrls(): Promise<string[]> {
  const urls = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (/\.ya?ml$/.test(e.name)) {
        for (const m of (await readFile(p, 'utf8')).matchAll(/^\s*url:\s*["']?((?:oci|https?):\/\/[^\s"']+)/gm)) urls.add(m[1].replace(/\/$/, ''));
      }
    }
  };
  await walk(path.join(fluxLocal, 'tests', 'testdata'));
  return [...urls].sort();
}

interface Charts { settings: ChartsSettings; server: TestServer; registry: Registry; unmapped: string[] }

async function startCharts(): Promise<Charts> {
  const server = await startHelmRepoServer();
  const registry = await startRegistry();
  const table = upstreamTable();
  const urls = await fixtureUrls();
  const mirrors: ChartMirror[] = [];
  const unmapped: string[] = [];
  const pushed = new Set<string>();
  for (const url of urls) {
    const hit = table.find((t) => url === t.url || url.startsWith(t.url + '/'));
    if (!hit) {
      // not in ../shared/charts: a local address that answers 404, so nothing leaves the machine
      if (url.startsWith('oci://')) mirrors.push({ from: url, to: `oci://${registry.host}/absent/${url.slice(6)}`, plainHTTP: true });
      else if (/^https?:/.test(url)) mirrors.push({ from: url, to: `${server.url}/absent/${url.replace(/^https?:\/\//, '')}`, plainHTTP: false });
      unmapped.push(url);
      continue;
    }
    if (mirrors.some((m) => m.from === hit.url)) continue;
    if (hit.url.startsWith('oci://')) {
      mirrors.push({ from: hit.url, to: `oci://${registry.host}/${hit.repoId}`, plainHTTP: true });
      if (!pushed.has(hit.repoId)) {
        pushed.add(hit.repoId);
        for (const file of (await readdir(path.join(chartReposDir, hit.repoId))).filter((f) => f.endsWith('.tgz'))) {
          await pushChart(registry, `${hit.repoId}/${file.replace(/-v?\d+\.\d+\.\d+.*\.tgz$/, '')}`, hit.repoId, file);
        }
      }
    } else {
      mirrors.push({ from: hit.url, to: `${server.url}/${hit.repoId}`, plainHTTP: false });
    }
  }
  return { settings: { mirrors, auth: [], knowledge: [] }, server, registry, unmapped };
}

// ---- our side

const toPlain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)));
const groupOf = (apiVersion: unknown): string => (typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const meta = (o: Obj): Obj => (o.metadata ?? {}) as Obj;
const idOf = (o: Obj): string => `${groupOf(o.apiVersion)}/${o.kind}/${(meta(o).namespace as string | undefined) ?? '-'}/${meta(o).name}`;

interface Options { crds: boolean; secrets: boolean; helm: boolean; isUpgrade: boolean; showOnly: string[]; apiVersions: string[] }

function optionsOf(c: Case): Options {
  const all = c.test === 'test_build_all';
  return {
    // flux-local: --skip-crds is the default of build hr and build all
    crds: c.args.includes('--no-skip-crds'),
    // --skip-secrets is the default of build all (Secrets left out); build hr keeps them
    secrets: all ? c.args.includes('--no-skip-secrets') : !c.args.includes('--skip-secrets'),
    helm: !all || c.args.includes('--enable-helm'),
    isUpgrade: c.args.includes('--is-upgrade'),
    showOnly: argAll(c.args, '--show-only'),
    apiVersions: argAll(c.args, '-a', '--api-versions'),
  };
}

function clustersOf(repo: FluxRepository, args: string[], all: boolean): FluxCluster[] {
  const where = norm(all ? positionals(args)[0] : arg(args, '--path') ?? '.');
  return repo.clusters.filter((c) => c.root === where || c.root.startsWith(where + '/') || where.startsWith(c.root + '/'));
}

interface Selection { resources: AppliedResource[]; releases: string[] }

function select(c: Case, repo: FluxRepository): Selection {
  const all = c.test === 'test_build_all';
  const clusters = clustersOf(repo, c.args, all);
  if (all) {
    const named = arg(c.args, '--sources')?.split(',').map((s) => s.split('=')[0]);
    const ks = clusters.flatMap((cl) => cl.kustomizations).filter((k) => k.status !== 'skipped' && (!named || named.includes(k.sourceRef.name)));
    return { resources: ks.flatMap((k) => k.resources), releases: clusters.flatMap((cl) => cl.helmReleases).map((h) => h.key) };
  }
  const name = positionals(c.args)[0];
  const ns = arg(c.args, '-n', '--namespace') ?? 'flux-system';
  const allNs = c.args.includes('-A') || c.args.includes('--all-namespaces');
  const releases = clusters.flatMap((cl) => cl.helmReleases).filter((h) => (allNs || h.namespace === ns) && (!name || h.name === name)).map((h) => h.key);
  const resources = clusters.flatMap((cl) => cl.kustomizations).flatMap((k) => k.resources).filter((r) => r.rendered && releases.includes(r.rendered.helmRelease));
  return { resources, releases };
}

// ---- comparison

interface Undone { indexAnnotations: number; originLabels: number; kustomizeLabels: number; namespaceDefaulted: number; crdsSkipped: number; secretsSkipped: number; hooksOrTests: number }
interface Outcome {
  identical: number;
  differing: Record<string, string[]>;
  onlyOurs: string[];
  onlyGolden: string[];
  undone: Undone;
  notVerified: string[];
  failed: string[];
  rendered: number;
}

function diffPaths(a: unknown, b: unknown, at: string, out: string[], detail?: string[]): void {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b)) {
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) { out.push(`${at}[] (length ${a.length} vs ${b.length})`); return; }
      a.forEach((x, i) => diffPaths(x, b[i], `${at}[${i}]`, out, detail));
      return;
    }
    const ka = Object.keys(a as Obj);
    const kb = Object.keys(b as Obj);
    for (const k of new Set([...ka, ...kb])) {
      const p = at ? `${at}.${k}` : k;
      if (!(k in (a as Obj))) { out.push(`${p} (ours only)`); detail?.push(`${p}: ours ${JSON.stringify((b as Obj)[k])}`); }
      else if (!(k in (b as Obj))) { out.push(`${p} (golden only)`); detail?.push(`${p}: golden ${JSON.stringify((a as Obj)[k])}`); }
      else diffPaths((a as Obj)[k], (b as Obj)[k], p, out, detail);
    }
    return;
  }
  if (a !== b) { out.push(at); detail?.push(`${at}: golden ${JSON.stringify(a)} ours ${JSON.stringify(b)}`); }
}

function dropEmpty(o: Obj, key: string): void {
  const m = meta(o);
  const v = m[key] as Obj | undefined;
  if (v && Object.keys(v).length === 0) delete m[key];
}

function compare(c: Case, repo: FluxRepository, charts: Charts): Outcome {
  const opts = optionsOf(c);
  const sel = select(c, repo);
  const hrs = repo.clusters.flatMap((cl) => cl.helmReleases).filter((h) => sel.releases.includes(h.key));
  const undone: Undone = { indexAnnotations: 0, originLabels: 0, kustomizeLabels: 0, namespaceDefaulted: 0, crdsSkipped: 0, secretsSkipped: 0, hooksOrTests: 0 };
  void charts;
  const golden = parseAllDocuments(c.expected).map((d) => toPlain(d.toJS()) as Obj | null).filter((o): o is Obj => !!o);
  for (const g of golden) {
    const ann = meta(g).annotations as Obj | undefined;
    if (!ann) continue;
    for (const k of Object.keys(ann)) if (k === 'config.kubernetes.io/index' || k === 'internal.config.kubernetes.io/index') { delete ann[k]; undone.indexAnnotations++; }
    dropEmpty(g, 'annotations');
  }
  const releaseNs = new Map(hrs.map((h) => [h.key, h.render?.namespace ?? h.namespace]));
  const ours: Obj[] = [];
  const applied = new WeakSet<Obj>();
  for (const r of sel.resources) {
    const o = toPlain(r.object) as Obj;
    if (r.rendered) {
      if (!opts.helm) continue;
      if (r.rendered.crd && !opts.crds) { undone.crdsSkipped++; continue; }
      const labels = meta(o).labels as Obj | undefined;
      if (labels && 'helm.toolkit.fluxcd.io/name' in labels) {
        delete labels['helm.toolkit.fluxcd.io/name'];
        delete labels['helm.toolkit.fluxcd.io/namespace'];
        undone.originLabels++;
        dropEmpty(o, 'labels');
      }
    }
    else applied.add(o);
    if (o.kind === 'Secret' && !opts.secrets) { undone.secretsSkipped++; continue; }
    if (o.kind === 'CustomResourceDefinition' && !opts.crds) { undone.crdsSkipped++; continue; }
    ours.push(o);
    // Helm leaves an object without a namespace to the API server (release namespace); we write it in
    if (r.rendered && meta(o).namespace === releaseNs.get(r.rendered.helmRelease)) {
      const g = golden.find((x) => !meta(x).namespace && idOf(x) === idOf({ ...o, metadata: { ...meta(o), namespace: undefined } }));
      if (g) { delete meta(o).namespace; undone.namespaceDefaulted++; }
    }
  }
  const byId = (list: Obj[]) => {
    const m = new Map<string, Obj>();
    for (const o of list) m.set(idOf(o), o);
    return m;
  };
  const gm = byId(golden);
  const om = byId(ours);
  const out: Outcome = {
    identical: 0, differing: {}, onlyOurs: [], onlyGolden: [], undone,
    notVerified: hrs.filter((h) => h.render?.status === 'not-verified').map((h) => `${h.key}: ${h.render?.reason?.split('\n')[0]}`.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')).sort(),
    failed: hrs.filter((h) => h.render?.status === 'failed').map((h) => `${h.key}: ${h.render?.reason?.split('\n')[0]}`).sort(),
    rendered: hrs.filter((h) => h.render?.status === 'rendered').length,
  };
  for (const [id, g] of gm) {
    const o = om.get(id);
    if (!o) { out.onlyGolden.push(id); continue; }
    // kustomize-controller labels what it applies with its Kustomization; flux-local writes these
    // labels into its kustomize output, our loader keeps the objects as kustomize builds them
    const gl = meta(g).labels as Obj | undefined;
    const ol = meta(o).labels as Obj | undefined;
    if (applied.has(o) && gl && 'kustomize.toolkit.fluxcd.io/name' in gl && !(ol && 'kustomize.toolkit.fluxcd.io/name' in ol)) {
      delete gl['kustomize.toolkit.fluxcd.io/name'];
      delete gl['kustomize.toolkit.fluxcd.io/namespace'];
      out.undone.kustomizeLabels++;
      dropEmpty(g, 'labels');
    }
    const paths: string[] = [];
    const detail: string[] = [];
    diffPaths(g, o, '', paths, detail);
    if (process.env.FL_HELM_DUMP && detail.length) console.log(`DETAIL ${c.test}[${c.id}] ${id}\n  ${detail.join('\n  ')}`);
    if (paths.length) out.differing[id] = paths;
    else out.identical++;
  }
  for (const id of om.keys()) if (!gm.has(id)) out.onlyOurs.push(id);
  out.onlyGolden.sort();
  out.onlyOurs.sort();
  return out;
}

// ---- expectations (each explained in test/flux-local-helm-differences.md)

type Expect = Omit<Outcome, 'identical' | 'rendered'> & { identical: number; rendered: number };
const EXPECTED: Record<string, Expect> = {
  "test_build_hr[build-hr]": {
    "identical": 0,
    "differing": {
      "networking.k8s.io/NetworkPolicy/weave/allow-dashboard-ingress": [
        "spec.podSelector.matchLabels.app.kubernetes.io/instance"
      ],
      "networking.k8s.io/NetworkPolicy/-/allow-dashboard-egress": [
        "spec.podSelector.matchLabels.app.kubernetes.io/instance"
      ]
    },
    "onlyOurs": [
      "/Service/weave/weave-weave-gitops",
      "/ServiceAccount/weave/weave-weave-gitops",
      "apps/Deployment/weave/weave-weave-gitops",
      "rbac.authorization.k8s.io/ClusterRole/-/weave-weave-gitops",
      "rbac.authorization.k8s.io/ClusterRoleBinding/-/weave-weave-gitops"
    ],
    "onlyGolden": [
      "/Service/weave/weave-gitops",
      "/ServiceAccount/weave/weave-gitops",
      "apps/Deployment/weave/weave-gitops",
      "rbac.authorization.k8s.io/ClusterRole/-/weave-gitops",
      "rbac.authorization.k8s.io/ClusterRoleBinding/-/weave-gitops"
    ],
    "undone": {
      "indexAnnotations": 14,
      "originLabels": 7,
      "kustomizeLabels": 0,
      "namespaceDefaulted": 1,
      "crdsSkipped": 0,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [],
    "failed": [],
    "rendered": 1
  },
  "test_build_hr[build-hr-single]": {
    "identical": 0,
    "differing": {
      "networking.k8s.io/NetworkPolicy/weave/allow-dashboard-ingress": [
        "spec.podSelector.matchLabels.app.kubernetes.io/instance"
      ],
      "networking.k8s.io/NetworkPolicy/-/allow-dashboard-egress": [
        "spec.podSelector.matchLabels.app.kubernetes.io/instance"
      ]
    },
    "onlyOurs": [
      "/Service/weave/weave-weave-gitops",
      "/ServiceAccount/weave/weave-weave-gitops",
      "apps/Deployment/weave/weave-weave-gitops",
      "rbac.authorization.k8s.io/ClusterRole/-/weave-weave-gitops",
      "rbac.authorization.k8s.io/ClusterRoleBinding/-/weave-weave-gitops"
    ],
    "onlyGolden": [
      "/Service/weave/weave-gitops",
      "/ServiceAccount/weave/weave-gitops",
      "apps/Deployment/weave/weave-gitops",
      "rbac.authorization.k8s.io/ClusterRole/-/weave-gitops",
      "rbac.authorization.k8s.io/ClusterRoleBinding/-/weave-gitops"
    ],
    "undone": {
      "indexAnnotations": 14,
      "originLabels": 7,
      "kustomizeLabels": 0,
      "namespaceDefaulted": 1,
      "crdsSkipped": 0,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [],
    "failed": [],
    "rendered": 1
  },
  "test_build_hr[build-hr-cluster3]": {
    "identical": 5,
    "differing": {
      "apps/Deployment/-/podinfo": [
        "spec.template.spec.containers[0].resources.limits (golden only)"
      ]
    },
    "onlyOurs": [],
    "onlyGolden": [],
    "undone": {
      "indexAnnotations": 12,
      "originLabels": 6,
      "kustomizeLabels": 0,
      "namespaceDefaulted": 6,
      "crdsSkipped": 0,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [],
    "failed": [],
    "rendered": 3
  },
  "test_build_hr[build-hr-single-cluster6]": {
    "identical": 2,
    "differing": {},
    "onlyOurs": [],
    "onlyGolden": [],
    "undone": {
      "indexAnnotations": 4,
      "originLabels": 2,
      "kustomizeLabels": 0,
      "namespaceDefaulted": 2,
      "crdsSkipped": 0,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [],
    "failed": [],
    "rendered": 1
  },
  "test_build_hr[build-hr-single-cluster7]": {
    "identical": 0,
    "differing": {},
    "onlyOurs": [],
    "onlyGolden": [
      "/ConfigMap/flux-system/ingress-nginx-controller",
      "/Service/flux-system/ingress-nginx-controller",
      "/Service/flux-system/ingress-nginx-controller-admission",
      "/ServiceAccount/flux-system/ingress-nginx",
      "/ServiceAccount/flux-system/ingress-nginx-admission",
      "admissionregistration.k8s.io/ValidatingWebhookConfiguration/-/ingress-nginx-admission",
      "apps/Deployment/flux-system/ingress-nginx-controller",
      "batch/Job/flux-system/ingress-nginx-admission-create",
      "batch/Job/flux-system/ingress-nginx-admission-patch",
      "networking.k8s.io/IngressClass/-/nginx",
      "rbac.authorization.k8s.io/ClusterRole/-/ingress-nginx",
      "rbac.authorization.k8s.io/ClusterRole/-/ingress-nginx-admission",
      "rbac.authorization.k8s.io/ClusterRoleBinding/-/ingress-nginx",
      "rbac.authorization.k8s.io/ClusterRoleBinding/-/ingress-nginx-admission",
      "rbac.authorization.k8s.io/Role/flux-system/ingress-nginx",
      "rbac.authorization.k8s.io/Role/flux-system/ingress-nginx-admission",
      "rbac.authorization.k8s.io/RoleBinding/flux-system/ingress-nginx",
      "rbac.authorization.k8s.io/RoleBinding/flux-system/ingress-nginx-admission"
    ],
    "undone": {
      "indexAnnotations": 36,
      "originLabels": 0,
      "kustomizeLabels": 0,
      "namespaceDefaulted": 0,
      "crdsSkipped": 0,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [
      "flux-system/ingress-nginx: HelmRelease flux-system/ingress-nginx: its chart source HelmRepository chart-ns/ingress-nginx is not in the cluster's Kustomizations"
    ],
    "failed": [],
    "rendered": 0
  },
  "test_build_hr[build-hr-single-cluster8]": {
    "identical": 3,
    "differing": {
      "/Service/-/podinfo": [
        "metadata.annotations (golden only)"
      ],
      "apps/Deployment/-/podinfo": [
        "spec.template.spec.containers[0].resources.limits (golden only)"
      ],
      "networking.k8s.io/Ingress/-/podinfo": [
        "metadata.annotations (golden only)"
      ]
    },
    "onlyOurs": [],
    "onlyGolden": [],
    "undone": {
      "indexAnnotations": 12,
      "originLabels": 6,
      "kustomizeLabels": 0,
      "namespaceDefaulted": 6,
      "crdsSkipped": 0,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [],
    "failed": [],
    "rendered": 2
  },
  "test_build_hr[build-hr-single-cluster9]": {
    "identical": 0,
    "differing": {},
    "onlyOurs": [],
    "onlyGolden": [
      "/Service/-/podinfo",
      "apps/Deployment/-/podinfo"
    ],
    "undone": {
      "indexAnnotations": 4,
      "originLabels": 0,
      "kustomizeLabels": 0,
      "namespaceDefaulted": 0,
      "crdsSkipped": 0,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [
      "default/podinfo: oci://ghcr.io/stefanprodan/charts/podinfo@sha256:4d5bd3562f0b150bd6cdfdbfb149e7e4ac36e555e25baa1da9f511f4d9fb7391: oci://127.0.0.1:PORT/podinfo/podinfo@sha256:4d5bd3562f0b150bd6cdfdbfb149e7e4ac36e555e25baa1da9f511f4d9fb7391: not found (404); check the tag, version or digest and the URL"
    ],
    "failed": [],
    "rendered": 0
  },
  "test_build_hr[build-hr-cluster10-invalid-paths]": {
    "identical": 0,
    "differing": {},
    "onlyOurs": [],
    "onlyGolden": [],
    "undone": {
      "indexAnnotations": 0,
      "originLabels": 0,
      "kustomizeLabels": 0,
      "namespaceDefaulted": 0,
      "crdsSkipped": 0,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [
      "network-system/dex-k8s-authenticator: HelmRelease network-system/dex-k8s-authenticator: the chart ./charts/dex-k8s-authenticator is in GitRepository flux-system/dex-k8s-authenticator-chart-git, outside this repository (GitRepository flux-system/dex-k8s-authenticator-chart-git (https://github.com/mintel/dex-k8s-authenticator) is not this repository; its content is not available offline)"
    ],
    "failed": [],
    "rendered": 0
  },
  "test_build_hr[build-hr-flag-fixture-upgrade]": {
    "identical": 2,
    "differing": {
      "/ConfigMap/default/flag-fixture-mode": [
        "data.lifecycle"
      ]
    },
    "onlyOurs": [],
    "onlyGolden": [],
    "undone": {
      "indexAnnotations": 6,
      "originLabels": 3,
      "kustomizeLabels": 0,
      "namespaceDefaulted": 0,
      "crdsSkipped": 1,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [],
    "failed": [],
    "rendered": 1
  },
  "test_build_hr[build-hr-flag-fixture-show-only-multiple]": {
    "identical": 2,
    "differing": {},
    "onlyOurs": [
      "/ServiceAccount/default/flag-fixture-runner"
    ],
    "onlyGolden": [],
    "undone": {
      "indexAnnotations": 4,
      "originLabels": 3,
      "kustomizeLabels": 0,
      "namespaceDefaulted": 0,
      "crdsSkipped": 1,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [],
    "failed": [],
    "rendered": 1
  },
  "test_build_hr[build-hr-flag-fixture-include-crds]": {
    "identical": 4,
    "differing": {},
    "onlyOurs": [],
    "onlyGolden": [],
    "undone": {
      "indexAnnotations": 8,
      "originLabels": 3,
      "kustomizeLabels": 0,
      "namespaceDefaulted": 0,
      "crdsSkipped": 0,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [],
    "failed": [],
    "rendered": 1
  },
  "test_build_hr_new[build-hr]": {
    "identical": 0,
    "differing": {
      "networking.k8s.io/NetworkPolicy/weave/allow-dashboard-ingress": [
        "spec.podSelector.matchLabels.app.kubernetes.io/instance"
      ],
      "networking.k8s.io/NetworkPolicy/-/allow-dashboard-egress": [
        "spec.podSelector.matchLabels.app.kubernetes.io/instance"
      ]
    },
    "onlyOurs": [
      "/Service/weave/weave-weave-gitops",
      "/ServiceAccount/weave/weave-weave-gitops",
      "apps/Deployment/weave/weave-weave-gitops",
      "rbac.authorization.k8s.io/ClusterRole/-/weave-weave-gitops",
      "rbac.authorization.k8s.io/ClusterRoleBinding/-/weave-weave-gitops"
    ],
    "onlyGolden": [
      "/Service/weave/weave-gitops",
      "/ServiceAccount/weave/weave-gitops",
      "apps/Deployment/weave/weave-gitops",
      "rbac.authorization.k8s.io/ClusterRole/-/weave-gitops",
      "rbac.authorization.k8s.io/ClusterRoleBinding/-/weave-gitops"
    ],
    "undone": {
      "indexAnnotations": 0,
      "originLabels": 7,
      "kustomizeLabels": 0,
      "namespaceDefaulted": 1,
      "crdsSkipped": 0,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [],
    "failed": [],
    "rendered": 1
  },
  "test_build_hr_new[build-hr-single]": {
    "identical": 0,
    "differing": {
      "networking.k8s.io/NetworkPolicy/weave/allow-dashboard-ingress": [
        "spec.podSelector.matchLabels.app.kubernetes.io/instance"
      ],
      "networking.k8s.io/NetworkPolicy/-/allow-dashboard-egress": [
        "spec.podSelector.matchLabels.app.kubernetes.io/instance"
      ]
    },
    "onlyOurs": [
      "/Service/weave/weave-weave-gitops",
      "/ServiceAccount/weave/weave-weave-gitops",
      "apps/Deployment/weave/weave-weave-gitops",
      "rbac.authorization.k8s.io/ClusterRole/-/weave-weave-gitops",
      "rbac.authorization.k8s.io/ClusterRoleBinding/-/weave-weave-gitops"
    ],
    "onlyGolden": [
      "/Service/weave/weave-gitops",
      "/ServiceAccount/weave/weave-gitops",
      "apps/Deployment/weave/weave-gitops",
      "rbac.authorization.k8s.io/ClusterRole/-/weave-gitops",
      "rbac.authorization.k8s.io/ClusterRoleBinding/-/weave-gitops"
    ],
    "undone": {
      "indexAnnotations": 0,
      "originLabels": 7,
      "kustomizeLabels": 0,
      "namespaceDefaulted": 1,
      "crdsSkipped": 0,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [],
    "failed": [],
    "rendered": 1
  },
  "test_build_hr_new[build-hr-single-cluster7]": {
    "identical": 0,
    "differing": {},
    "onlyOurs": [],
    "onlyGolden": [
      "/ConfigMap/flux-system/ingress-nginx-controller",
      "/Service/flux-system/ingress-nginx-controller",
      "/Service/flux-system/ingress-nginx-controller-admission",
      "/ServiceAccount/flux-system/ingress-nginx",
      "/ServiceAccount/flux-system/ingress-nginx-admission",
      "admissionregistration.k8s.io/ValidatingWebhookConfiguration/-/ingress-nginx-admission",
      "apps/Deployment/flux-system/ingress-nginx-controller",
      "batch/Job/flux-system/ingress-nginx-admission-create",
      "batch/Job/flux-system/ingress-nginx-admission-patch",
      "networking.k8s.io/IngressClass/-/nginx",
      "rbac.authorization.k8s.io/ClusterRole/-/ingress-nginx",
      "rbac.authorization.k8s.io/ClusterRole/-/ingress-nginx-admission",
      "rbac.authorization.k8s.io/ClusterRoleBinding/-/ingress-nginx",
      "rbac.authorization.k8s.io/ClusterRoleBinding/-/ingress-nginx-admission",
      "rbac.authorization.k8s.io/Role/flux-system/ingress-nginx",
      "rbac.authorization.k8s.io/Role/flux-system/ingress-nginx-admission",
      "rbac.authorization.k8s.io/RoleBinding/flux-system/ingress-nginx",
      "rbac.authorization.k8s.io/RoleBinding/flux-system/ingress-nginx-admission"
    ],
    "undone": {
      "indexAnnotations": 0,
      "originLabels": 0,
      "kustomizeLabels": 0,
      "namespaceDefaulted": 0,
      "crdsSkipped": 0,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [
      "flux-system/ingress-nginx: HelmRelease flux-system/ingress-nginx: its chart source HelmRepository chart-ns/ingress-nginx is not in the cluster's Kustomizations"
    ],
    "failed": [],
    "rendered": 0
  },
  "test_build_hr_new[build-hr-single-cluster8]": {
    "identical": 3,
    "differing": {
      "apps/Deployment/-/podinfo": [
        "spec.template.spec.containers[0].resources.limits (golden only)"
      ],
      "apps/Deployment/-/podinfo-redis": [
        "spec.template.spec.containers[0].image"
      ]
    },
    "onlyOurs": [
      "networking.k8s.io/Ingress/podinfo/podinfo"
    ],
    "onlyGolden": [],
    "undone": {
      "indexAnnotations": 0,
      "originLabels": 6,
      "kustomizeLabels": 0,
      "namespaceDefaulted": 5,
      "crdsSkipped": 0,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [],
    "failed": [],
    "rendered": 2
  },
  "test_build_hr_new[build-hr-single-cluster9]": {
    "identical": 0,
    "differing": {},
    "onlyOurs": [],
    "onlyGolden": [
      "/Service/-/podinfo",
      "apps/Deployment/-/podinfo"
    ],
    "undone": {
      "indexAnnotations": 0,
      "originLabels": 0,
      "kustomizeLabels": 0,
      "namespaceDefaulted": 0,
      "crdsSkipped": 0,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [
      "default/podinfo: oci://ghcr.io/stefanprodan/charts/podinfo@sha256:4d5bd3562f0b150bd6cdfdbfb149e7e4ac36e555e25baa1da9f511f4d9fb7391: oci://127.0.0.1:PORT/podinfo/podinfo@sha256:4d5bd3562f0b150bd6cdfdbfb149e7e4ac36e555e25baa1da9f511f4d9fb7391: not found (404); check the tag, version or digest and the URL"
    ],
    "failed": [],
    "rendered": 0
  },
  "test_build_all[build-helm-cluster]": {
    "identical": 40,
    "differing": {
      "networking.k8s.io/NetworkPolicy/weave/allow-dashboard-ingress": [
        "spec.podSelector.matchLabels.app.kubernetes.io/instance"
      ],
      "networking.k8s.io/NetworkPolicy/-/allow-dashboard-egress": [
        "spec.podSelector.matchLabels.app.kubernetes.io/instance"
      ],
      "/ConfigMap/metallb/metallb-config": [
        "data.config"
      ],
      "apps/Deployment/-/podinfo": [
        "spec.template.spec.containers[0].resources.limits (golden only)"
      ]
    },
    "onlyOurs": [
      "/Service/weave/weave-weave-gitops",
      "/ServiceAccount/weave/weave-weave-gitops",
      "apps/Deployment/weave/weave-weave-gitops",
      "cert-manager.io/Certificate/-/SECRET-staging",
      "rbac.authorization.k8s.io/ClusterRole/-/weave-weave-gitops",
      "rbac.authorization.k8s.io/ClusterRoleBinding/-/weave-weave-gitops"
    ],
    "onlyGolden": [
      "/Service/weave/weave-gitops",
      "/ServiceAccount/weave/weave-gitops",
      "apps/Deployment/weave/weave-gitops",
      "cert-manager.io/Certificate/-/-.PLACEHOLDER_SECRET_DOMAIN3..-staging",
      "cert-manager.io/Certificate/-/-.PLACEHOLDER_SECRET_DOMAIN4..-staging",
      "rbac.authorization.k8s.io/ClusterRole/-/weave-gitops",
      "rbac.authorization.k8s.io/ClusterRoleBinding/-/weave-gitops"
    ],
    "undone": {
      "indexAnnotations": 102,
      "originLabels": 38,
      "kustomizeLabels": 19,
      "namespaceDefaulted": 8,
      "crdsSkipped": 7,
      "secretsSkipped": 2,
      "hooksOrTests": 0
    },
    "notVerified": [],
    "failed": [],
    "rendered": 4
  },
  "test_build_all[build-helm-cluster6]": {
    "identical": 7,
    "differing": {},
    "onlyOurs": [],
    "onlyGolden": [],
    "undone": {
      "indexAnnotations": 14,
      "originLabels": 2,
      "kustomizeLabels": 5,
      "namespaceDefaulted": 2,
      "crdsSkipped": 0,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [],
    "failed": [],
    "rendered": 1
  },
  "test_build_all[build-helm-cluster8-valuesFrom]": {
    "identical": 27,
    "differing": {
      "/Service/-/podinfo": [
        "metadata.annotations (golden only)"
      ],
      "apps/Deployment/-/podinfo": [
        "spec.template.spec.containers[0].resources.limits (golden only)"
      ],
      "networking.k8s.io/Ingress/-/podinfo": [
        "metadata.annotations (golden only)"
      ]
    },
    "onlyOurs": [],
    "onlyGolden": [
      "/Secret/network/operator-oauth"
    ],
    "undone": {
      "indexAnnotations": 62,
      "originLabels": 21,
      "kustomizeLabels": 12,
      "namespaceDefaulted": 6,
      "crdsSkipped": 3,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [],
    "failed": [],
    "rendered": 3
  },
  "test_build_all[build-helm-cluster9]": {
    "identical": 31,
    "differing": {},
    "onlyOurs": [],
    "onlyGolden": [
      "/Service/-/podinfo",
      "apps/Deployment/-/podinfo"
    ],
    "undone": {
      "indexAnnotations": 66,
      "originLabels": 3,
      "kustomizeLabels": 28,
      "namespaceDefaulted": 3,
      "crdsSkipped": 10,
      "secretsSkipped": 0,
      "hooksOrTests": 0
    },
    "notVerified": [
      "default/podinfo: oci://ghcr.io/stefanprodan/charts/podinfo@sha256:4d5bd3562f0b150bd6cdfdbfb149e7e4ac36e555e25baa1da9f511f4d9fb7391: oci://127.0.0.1:PORT/podinfo/podinfo@sha256:4d5bd3562f0b150bd6cdfdbfb149e7e4ac36e555e25baa1da9f511f4d9fb7391: not found (404); check the tag, version or digest and the URL"
    ],
    "failed": [],
    "rendered": 1
  }
};

const HELM_CASES = new Set(['build-helm-cluster', 'build-helm-cluster6', 'build-helm-cluster8-valuesFrom', 'build-helm-cluster9']);

describe('flux-local golden outputs: build hr / build all --enable-helm', () => {
  let charts: Charts;
  let cacheDir: string;
  const loads = new Map<string, Promise<FluxRepository>>();
  const load = (sources: Record<string, string>): Promise<FluxRepository> => {
    const key = JSON.stringify(sources);
    if (!loads.has(key)) {
      // kubeVersion undefined: Helm's default, as `helm template` without --kube-version (flux-local passes none)
      loads.set(key, loadAndRender(fluxLocal, { sources }, { settings: charts.settings, offline: false, cacheDir, kubeVersion: undefined }));
    }
    return loads.get(key)!;
  };
  before(async () => {
    charts = await startCharts();
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-fl-helm-'));
  });
  after(async () => {
    await charts?.server.close();
    await charts?.registry.stop();
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  const all = [
    ...cases('test_build_hr', 'tests/tool/__snapshots__/test_build_hr.ambr'),
    ...cases('test_build_hr_new', 'tests/tool/__snapshots__/test_build_hr.ambr'),
    ...cases('test_build_all', 'tests/tool/__snapshots__/test_build_all.ambr').filter((c) => HELM_CASES.has(c.id)),
  ];
  for (const c of all) {
    const name = `${c.test}[${c.id}]`;
    it(`${name}: flux-local ${c.test === 'test_build_all' ? 'build all' : 'build hr'} ${c.args.join(' ')}`, async (t) => {
      const repo = await load(sourcesOf(c.args));
      const got = compare(c, repo, charts);
      const differing = Object.keys(got.differing).length;
      t.diagnostic(`${name}: releases ${got.rendered} rendered, ${got.notVerified.length} not verified, ${got.failed.length} failed; ` +
        `identical ${got.identical}, differing ${differing}, only golden ${got.onlyGolden.length}, only ours ${got.onlyOurs.length}; undone ${JSON.stringify(got.undone)}`);
      if (process.env.FL_HELM_DUMP) console.log(JSON.stringify({ [name]: got }, null, 1));
      const expected = EXPECTED[name];
      assert.ok(expected, `no expectation for ${name}: ${JSON.stringify(got, null, 1)}`);
      assert.deepEqual(got, expected);
    });
  }
});
