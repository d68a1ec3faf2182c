// The `slipway graph` views of a loaded repository: the JSON document of DESIGN §3 (fields may
// be added, never removed), and text, Graphviz dot and Mermaid renderings of the same data.
import type { FluxCluster, FluxKustomization, FluxRepository } from './model.js';
import { waveIndex } from './waves.js';

export interface GraphJson {
  clusters: Array<{
    name: string;
    root: string;
    entry: string;
    /** 'argocd' for an Argo CD app-of-apps tree (absent for Flux). */
    delivery?: 'argocd';
    kustomizations: Array<{
      /** 'Application' for an Argo CD Application (absent for a Flux Kustomization). */
      kind?: 'Application';
      name: string;
      namespace: string;
      path: string;
      specPath: string;
      sourceRef: string;
      dependsOn: string[];
      wave: number | null;
      resources: number;
      status: FluxKustomization['status'];
      provides: Record<string, string[]>;
      problems: string[];
      /** Applications: the argocd.argoproj.io/sync-wave annotation (also `wave`), parent and depth. */
      syncWave?: number;
      parent?: string;
      level?: number;
      destination?: { server?: string; name?: string; namespace?: string };
      sources?: Array<{ type: string; repoURL?: string; path?: string; chart?: string; targetRevision?: string; tool?: string }>;
    }>;
    waves: string[][];
    criticalPath: string[];
    cycle?: string[];
    helmReleases: number;
    documents: number;
  }>;
  problems: string[];
}

/** Facts grouped by kind: `crd:cert-manager.io/Certificate` → provides.crds[]. */
export function groupFacts(facts: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = { crds: [], namespaces: [] };
  for (const f of facts) {
    const i = f.indexOf(':');
    const kind = f.slice(0, i);
    const group = kind === 'crd' ? 'crds' : kind.endsWith('s') ? kind : `${kind}s`;
    (out[group] ??= []).push(f.slice(i + 1));
  }
  const sorted: Record<string, string[]> = {};
  for (const k of Object.keys(out).sort()) sorted[k] = [...new Set(out[k])].sort();
  return sorted;
}

export function graphJson(repo: FluxRepository): GraphJson {
  return {
    clusters: repo.clusters.map((c) => {
      const wave = waveIndex(c.waves);
      return {
        name: c.name,
        root: c.root,
        entry: c.entry,
        ...(c.delivery ? { delivery: c.delivery } : {}),
        kustomizations: c.kustomizations.map((k) => ({
          ...(k.kind ? { kind: k.kind } : {}),
          name: k.name,
          namespace: k.namespace,
          path: k.path ?? '',
          specPath: k.specPath,
          sourceRef: `${k.sourceRef.kind}/${k.sourceRef.namespace}/${k.sourceRef.name}`,
          dependsOn: k.dependsOn,
          // an Application's wave is its sync wave; `waves` below is the order they make together
          wave: k.application ? k.application.syncWave : wave.get(k.key) ?? null,
          resources: k.resources.length,
          status: k.status,
          provides: groupFacts(k.provides),
          problems: k.problems.map((p) => `${p.code}: ${p.message}`),
          ...(k.application ? {
            syncWave: k.application.syncWave,
            ...(k.parent ? { parent: k.parent } : {}),
            level: k.application.level,
            destination: k.application.destination,
            sources: k.application.sources.map((s) => ({ type: s.type, repoURL: s.repoURL, path: s.path, chart: s.chart, targetRevision: s.targetRevision, tool: s.tool })),
          } : {}),
        })),
        waves: c.waves,
        criticalPath: c.criticalPath,
        ...(c.cycle ? { cycle: c.cycle } : {}),
        helmReleases: c.helmReleases.length,
        documents: c.documents,
      };
    }),
    problems: repo.problems.map((p) => `${p.code}: ${p.message}`),
  };
}

export function graphText(repo: FluxRepository): string {
  const lines: string[] = [];
  for (const c of repo.clusters) {
    if (c.delivery === 'argocd') {
      lines.push(...argoText(c), '');
      continue;
    }
    lines.push(`cluster ${c.name} (root ${c.root || '.'}; ${c.entry})`);
    lines.push(`  ${c.kustomizations.length} Kustomizations, ${c.helmReleases.length} HelmReleases, ${c.documents} documents`);
    c.waves.forEach((w, i) => {
      lines.push(`  wave ${i}:`);
      for (const key of w) lines.push(`    ${describe(c, key)}`);
    });
    const unplaced = c.kustomizations.filter((k) => !c.waves.some((w) => w.includes(k.key)));
    if (unplaced.length) {
      lines.push('  not ordered (dependency cycle):');
      for (const k of unplaced) lines.push(`    ${describe(c, k.key)}`);
    }
    if (c.cycle) lines.push(`  cycle: ${c.cycle.join(' -> ')}`);
    lines.push(`  critical path: ${c.criticalPath.join(' -> ') || '(none)'}`);
    for (const p of c.problems) lines.push(`  ${p.offline ? 'offline' : 'problem'}: ${p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : ''}${p.message}`);
    lines.push('');
  }
  for (const p of repo.problems) lines.push(`${p.code}: ${p.message}`);
  if (repo.clusters.length === 0 && repo.problems.length === 0) lines.push('no clusters found');
  return lines.join('\n').replace(/\n+$/, '') + '\n';
}

/**
 * An Argo CD tree as Argo CD syncs it: each app-of-apps with its children by sync wave, then the
 * order those waves make for the whole tree.
 */
function argoText(c: FluxCluster): string[] {
  const lines = [`cluster ${c.name} (Argo CD; root ${c.root || '.'}; ${c.entry})`];
  lines.push(`  ${c.kustomizations.length} Applications, ${c.helmReleases.length} Helm chart sources, ${c.documents} documents`);
  const children = (parent: string | undefined) => c.kustomizations.filter((k) => k.parent === parent);
  const line = (k: FluxKustomization) => {
    const what = k.application?.sources.map((s) => (s.type === 'helm' ? `chart ${s.chart}@${s.targetRevision ?? '*'}` : s.type === 'ref' ? `ref ${s.ref}` : s.path ?? '')).join(' + ') || '(no source)';
    const status = k.status === 'built' ? `${k.resources.length} resources` : k.status;
    return `${k.key}  ${what} (${status})`;
  };
  const walk = (k: FluxKustomization, indent: string) => {
    lines.push(`${indent}${line(k)}`);
    const kids = children(k.key);
    for (const wave of [...new Set(kids.map((x) => x.application?.syncWave ?? 0))].sort((a, b) => a - b)) {
      lines.push(`${indent}  sync-wave ${wave}:`);
      for (const kid of kids.filter((x) => (x.application?.syncWave ?? 0) === wave)) walk(kid, `${indent}    `);
    }
  };
  for (const r of children(undefined)) walk(r, '  ');
  lines.push(`  sync order: ${c.waves.map((w) => w.join(', ')).join(' -> ')}`);
  lines.push(`  critical path: ${c.criticalPath.join(' -> ') || '(none)'}`);
  for (const p of c.problems) lines.push(`  ${p.offline ? 'offline' : 'problem'}: ${p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : ''}${p.message}`);
  return lines;
}

function describe(c: FluxCluster, key: string): string {
  const k = c.kustomizations.find((x) => x.key === key);
  if (!k) return key;
  const deps = k.dependsOn.length ? ` after ${k.dependsOn.join(', ')}` : '';
  const status = k.status === 'built' ? `${k.resources.length} resources` : k.status;
  return `${key}  ${k.path ?? k.specPath} (${status})${deps}`;
}

const dotId = (s: string) => JSON.stringify(s);

export function graphDot(repo: FluxRepository): string {
  const out = ['digraph flux {', '  rankdir=LR;', '  node [shape=box];'];
  repo.clusters.forEach((c, ci) => {
    out.push(`  subgraph cluster_${ci} {`, `    label=${dotId(c.name)};`);
    const critical = new Set(c.criticalPath);
    for (const k of c.kustomizations) {
      const style = k.status === 'built' ? '' : ', style=dashed';
      const bold = critical.has(k.key) ? ', penwidth=2' : '';
      out.push(`    ${dotId(`${c.name}:${k.key}`)} [label=${dotId(`${k.key}\n${k.path ?? k.specPath}`)}${style}${bold}];`);
    }
    for (const k of c.kustomizations) {
      // from a dependency to what waits for it: the reconcile order, as in the Mermaid view
      for (const d of k.dependsOn) out.push(`    ${dotId(`${c.name}:${d}`)} -> ${dotId(`${c.name}:${k.key}`)};`);
    }
    out.push('  }');
  });
  out.push('}');
  return out.join('\n') + '\n';
}

export function graphMermaid(repo: FluxRepository): string {
  const out = ['flowchart LR'];
  let n = 0;
  const ids = new Map<string, string>();
  const id = (c: string, k: string) => {
    const key = `${c}:${k}`;
    if (!ids.has(key)) ids.set(key, `n${n++}`);
    return ids.get(key)!;
  };
  const label = (s: string) => `"${s.replace(/"/g, '#quot;')}"`;
  for (const c of repo.clusters) {
    out.push(`  subgraph ${id(c.name, '')}[${label(c.name)}]`);
    for (const k of c.kustomizations) out.push(`    ${id(c.name, k.key)}[${label(k.key)}]`);
    out.push('  end');
    // arrows point from a dependency to what waits for it: the reconcile order
    for (const k of c.kustomizations) for (const d of k.dependsOn) out.push(`  ${id(c.name, d)} --> ${id(c.name, k.key)}`);
  }
  return out.join('\n') + '\n';
}
