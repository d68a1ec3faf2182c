// The short report `npm start` prints after synthesizing the reference fleet.
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { gitopsOf } from '../k8s/fleet.js';
import type { Synthesis } from '../synth/index.js';
import type { WriteResult } from '../synth/write.js';

export function printSummary({ plan, tree }: Synthesis, outDir: string, result: WriteResult): void {
  const out: string[] = [];
  const documents = tree.paths().filter((p) => p.endsWith('.yaml')).reduce((n, p) => n + (tree.get(p)!.match(/^---$/gm)?.length ?? 0), 0);
  out.push(`fleet ${plan.fleet.name}: ${plan.clusters.length} clusters, ${tree.size} files, ${documents} YAML documents → ${path.relative(process.cwd(), outDir) || '.'}`);
  out.push(`  (${result.written} written, ${result.unchanged} unchanged, ${result.removed.length} stale files removed)`);
  for (const cp of plan.clusters) {
    const modules = new Set(cp.units.map((u) => u.module.name));
    // every Flux Kustomization written for the cluster, entry points included: the count `check` reports
    const argo = gitopsOf(plan.fleet, cp.cluster) === 'argocd';
    const kustomizations = deliveryObjects(tree, cp.cluster.name, argo);
    const reconciled = cp.units.filter((u) => !u.unit.installedBy).length;
    const p = cp.cluster.provider;
    const machines = p.kind === 'capi' ? `${p.controlPlane.replicas + p.workers.replicas} machines` : `${cp.cluster.nodes.length} nodes`;
    out.push('', `cluster ${cp.cluster.name} (${p.kind}, ${machines}): ${modules.size} modules, ` +
      `${kustomizations} ${argo ? 'Argo CD Applications' : 'Kustomizations'} (${reconciled} units, ${plural(kustomizations - reconciled, 'entry point')}), ${cp.waves.length} ${argo ? 'sync waves after the namespaces' : 'waves'}`);
    for (const u of cp.units.filter((x) => x.unit.installedBy)) out.push(`  before GitOps: ${u.unit.name} (${u.unit.installedBy})`);
    cp.waves.forEach((wave, i) => out.push(`  wave ${i}: ${wave.join(', ')}`));
    out.push(`  critical path: ${cp.criticalPath.join(' → ')}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

/** Flux Kustomizations (or Argo CD Applications) in the cluster's two folders: its entry (clusters/C) and its units (kubernetes/C). */
function deliveryObjects(tree: Synthesis['tree'], cluster: string, argo: boolean): number {
  const inCluster = (p: string) => p.startsWith(`clusters/${cluster}/`) || p.startsWith(`kubernetes/${cluster}/`);
  let count = 0;
  for (const file of tree.paths().filter((p) => inCluster(p) && p.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(tree.get(file)!)) {
      const { apiVersion, kind } = (doc.toJS() ?? {}) as { apiVersion?: string; kind?: string };
      if (argo ? kind === 'Application' && apiVersion?.startsWith('argoproj.io/') : kind === 'Kustomization' && apiVersion?.startsWith('kustomize.toolkit.fluxcd.io/')) count++;
    }
  }
  return count;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
