// `slipway graph [PATH] [--cluster NAME[=PATH]]… [--format text|json|dot|mermaid]`: each cluster's
// Flux Kustomization graph, its reconcile waves and critical path (DESIGN §3). Problems found
// while loading are part of the picture, not failures: the exit code is 0 unless PATH cannot be read,
// holds no Flux cluster, or --cluster NAME matches none (2).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { collectRepeatable, parseClusterOptions, requireClusters } from './cluster-option.js';
import { UsageError, UserError } from './errors.js';

const FORMATS = ['text', 'json', 'dot', 'mermaid'] as const;
type Format = (typeof FORMATS)[number];

export function registerGraph(program: Command): void {
  program
    .command('graph')
    .description("each cluster's Flux Kustomization graph: dependsOn, what each provides, reconcile waves and the critical path")
    .argument('[path]', 'repository root', '.')
    .option('--cluster <name[=path]>', 'only this discovered cluster, or NAME=PATH to name an entry folder yourself (repeatable)', collectRepeatable, [])
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'text')
    .action(async (repoPath: string, opts: { cluster: string[]; format: string }) => {
      const [{ loadFlux }, { graphDot, graphJson, graphMermaid, graphText }] = await Promise.all([import('../repo/flux/index.js'), import('../repo/flux/graph-view.js')]);
      if (!FORMATS.includes(opts.format as Format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not '${opts.format}'`);
      const root = path.resolve(repoPath);
      let st: fs.Stats;
      try {
        st = fs.statSync(root);
      } catch {
        throw new UserError(`cannot read '${repoPath}': no such directory`);
      }
      if (!st.isDirectory()) throw new UserError(`'${repoPath}' is not a directory; give the root of a Flux repository`);

      const selection = parseClusterOptions(opts.cluster);
      const repo = await loadFlux(root, selection);
      await requireClusters(root, repoPath, selection, repo.clusters.map((c) => c.name));
      const render = { text: graphText, json: (r: typeof repo) => JSON.stringify(graphJson(r), null, 2) + '\n', dot: graphDot, mermaid: graphMermaid }[opts.format as Format];
      process.stdout.write(render(repo));
    });
}
