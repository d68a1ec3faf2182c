// `--cluster NAME` (only that discovered cluster) and `--cluster NAME=PATH` (an entry point
// named by hand), shared by every command that loads a repository.
import * as path from 'node:path';
import type { ClusterSpec } from '../repo/flux/index.js';
import { UsageError, UserError } from './errors.js';

export function parseClusterOptions(values: readonly string[]): { clusters?: ClusterSpec[]; only?: string[] } {
  const clusters: ClusterSpec[] = [];
  const only: string[] = [];
  for (const c of values) {
    const eq = c.indexOf('=');
    if (eq === 0) throw new UsageError(`--cluster '${c}': the name before '=' is missing`);
    if (eq > 0) clusters.push({ name: c.slice(0, eq), path: c.slice(eq + 1) || '.' });
    else only.push(c);
  }
  return { ...(clusters.length ? { clusters } : {}), ...(only.length ? { only } : {}) };
}

export const collectRepeatable = (value: string, previous: string[]): string[] => [...previous, value];

export interface ClusterSelection {
  clusters?: ClusterSpec[];
  only?: string[];
}

/**
 * After loading: exit 2 (one line) when the repository gave no cluster to work on, or when a
 * `--cluster NAME` matched none. Says what was looked for, which clusters exist (closest name
 * first) and what to do. The loader itself stays quiet about it (an empty repository is a valid
 * model for its other callers); discovery runs again here only on these error paths, on YAML the
 * load already parsed.
 */
export async function requireClusters(root: string, target: string, selection: ClusterSelection, loaded: readonly string[]): Promise<void> {
  const only = selection.only ?? [];
  const explicit = selection.clusters ?? [];
  const missing = only.filter((n) => !loaded.includes(n));
  if (explicit.length > 0) {
    const absent = explicit.filter((c) => !loaded.includes(c.name));
    if (absent.length > 0) {
      const [{ statInside }, { normalizeRel }] = await Promise.all([import('../repo/flux/sources.js'), import('../repo/flux/yaml-util.js')]);
      for (const c of absent) {
        const rel = normalizeRel(path.isAbsolute(c.path) ? path.relative(root, c.path) : c.path);
        const st = statInside(root, rel);
        if (!st) throw new UsageError(`--cluster ${c.name}=${c.path}: '${rel}' does not exist inside ${target}; give a folder or file of the repository, relative to it`);
        if (loaded.length === 0 && !st.isDirectory()) throw new UsageError(`--cluster ${c.name}=${c.path}: the file holds no Flux Kustomization or FluxInstance; name the folder Flux applies, or the file holding its root Kustomization`);
      }
    }
    const names = explicit.map((c) => c.name);
    const unknown = missing.filter((n) => !names.includes(n));
    if (unknown.length > 0) {
      throw new UsageError(`--cluster ${unknown[0]}: no such cluster; the clusters named with --cluster NAME=PATH are ${closestFirst(names, unknown[0]).join(', ')}`);
    }
    if (loaded.length === 0) throw new UserError(`no Flux cluster could be loaded from ${explicit.map((c) => `--cluster ${c.name}=${c.path}`).join(', ')}`);
    return;
  }
  if (loaded.length > 0 && missing.length === 0) return;
  const [{ scanRepository }, { discoverEntryPoints }] = await Promise.all([import('../repo/flux/scan.js'), import('../repo/flux/discover.js')]);
  const scan = scanRepository(root);
  const names = [...new Set(discoverEntryPoints(scan.documents, scan.files).map((e) => e.name))].sort();
  if (names.length === 0) throw new UserError(noClusterMessage(target, scan));
  const unknown = missing.filter((n) => !names.includes(n));
  if (unknown.length > 0) {
    throw new UsageError(`--cluster ${unknown[0]}: no cluster of that name in ${target}; its clusters: ${closestFirst(names, unknown[0]).join(', ')}`);
  }
  if (loaded.length === 0) {
    throw new UserError(`--cluster ${only.join(', ')}: the entry point of that cluster is applied from another cluster's tree, so it is part of that cluster; run without --cluster to see the clusters of ${target}`);
  }
}

/** What discovery looked for in a repository without any cluster, and what to do. */
function noClusterMessage(target: string, scan: { templates: string[]; yamlFiles: number; problems: Array<{ file?: string; line?: number }> }): string {
  const fix = 'or name the entry folder yourself with --cluster NAME=PATH';
  let why: string;
  if (scan.yamlFiles === 0 && scan.templates.length > 0) {
    why = `it holds ${scan.templates.length} template file(s) (*.yaml.j2 …) and no plain YAML; render the templates first (e.g. with makejinja) and check the output, ${fix}`;
  } else if (scan.yamlFiles === 0) {
    why = `it holds no YAML file; give the root folder of a Flux repository, ${fix}`;
  } else {
    why = 'found no flux bootstrap (clusters/<name>/flux-system/gotk-sync.yaml), no FluxInstance sync and no Flux Kustomization that builds its own folder' +
      `; give the root folder of the Flux repository, ${fix}`;
    const broken = scan.problems.filter((p) => p.file);
    if (broken.length > 0) why += ` (${broken.length} YAML error(s), which may hide one, the first at ${broken[0].file}${broken[0].line ? `:${broken[0].line}` : ''})`;
  }
  return `no Flux cluster in ${target}: ${why}`;
}

/** `names` sorted by edit distance to `wanted` (then by name): the likely typo first. */
export function closestFirst(names: readonly string[], wanted: string): string[] {
  const d = new Map(names.map((n) => [n, editDistance(n.toLowerCase(), wanted.toLowerCase())]));
  return [...names].sort((a, b) => d.get(a)! - d.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
