// `slipway diff [--from REF] [--to REF] [--format text|json|markdown] [PATH]`: what changes in
// the rendered resources between two git revisions (default: merge-base with the default branch
// → the work tree), with secret values masked. Exit codes: 0 no error introduced, 1 an
// error-severity finding introduced or a Kustomization that stops building, 2 usage/input errors.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { DiffFormat } from '../plan/index.js';
import { collectRepeatable, parseClusterOptions } from './cluster-option.js';
import { UsageError, UserError } from './errors.js';
import { kubeVersionOption } from './kube-version-option.js';
import { progressLine } from './progress.js';

const FORMATS = ['text', 'json', 'markdown'] as const;

interface DiffCliOptions {
  from?: string;
  to?: string;
  format: string;
  cluster: string[];
  check: boolean;
  kubeVersion?: string;
  schemas: string[];
  limit?: string;
  timings?: boolean;
  offline?: boolean;
  render: boolean;
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('what changes in the rendered resources between two git revisions, per cluster and Kustomization (secret values masked)')
    .argument('[path]', 'repository root (may be a folder inside a git repository)', '.')
    .option('--from <ref>', 'older revision (default: merge-base of HEAD with origin/HEAD, main or master)')
    .option('--to <ref>', 'newer revision (default: the work tree, uncommitted changes included)')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'text')
    .option('--cluster <name[=path]>', 'only this cluster, or an explicit entry point; repeatable', collectRepeatable, [] as string[])
    .option('--no-check', 'do not run the checker on both revisions (no findings introduced/fixed; faster)')
    .option('--kube-version <x.y>', 'target Kubernetes version for the checker')
    .option('--schemas <dir>', 'schema folder for the checker; repeatable', collectRepeatable, [] as string[])
    .option('--limit <chars>', 'markdown: maximum size of the comment (default 60000, at most 65536)')
    .option('--offline', 'charts from the chart cache only; also SLIPWAY_OFFLINE=1')
    .option('--no-render', 'compare HelmReleases as written, not rendered')
    .option('--timings', 'print how long each phase took on stderr')
    .action(async (target: string, opts: DiffCliOptions) => {
      const [{ ConfigFileError }, { SchemaSourceError }, { DiffInputError, planDiff, renderDiff }] = await Promise.all([
        import('../check/config.js'), import('../schema/index.js'), import('../plan/index.js'),
      ]);
      if (!(FORMATS as readonly string[]).includes(opts.format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not '${opts.format}'`);
      const kubeVersion = kubeVersionOption(opts.kubeVersion);
      const limit = opts.limit === undefined ? undefined : Number(opts.limit);
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 2000)) throw new UsageError(`--limit must be a number of characters of at least 2000, not '${opts.limit}'`);
      const root = path.resolve(target);
      if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`${target}: not a directory`);
      for (const dir of opts.schemas) if (!existsSync(dir)) throw new UsageError(`--schemas ${dir}: no such directory`);
      const progress = progressLine(process.stderr);
      const timings: Record<string, number> = {};
      let result;
      try {
        result = await planDiff(root, {
          from: opts.from,
          to: opts.to,
          ...parseClusterOptions(opts.cluster),
          check: opts.check,
          offline: opts.offline,
          render: opts.render,
          kubeVersion,
          schemaDirs: opts.schemas.map((d) => path.resolve(d)),
          progress: progress.update,
          timings,
        });
      } catch (err) {
        if (err instanceof DiffInputError || err instanceof ConfigFileError || err instanceof SchemaSourceError) throw new UserError(err.message);
        throw err;
      } finally {
        progress.done();
      }
      const colour = opts.format === 'text' && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
      process.stdout.write(renderDiff(result, opts.format as DiffFormat, { colour, limit }));
      if (opts.timings) process.stderr.write(`timings (ms): ${Object.entries(timings).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
      const newlyFailed = result.risks.some((r) => r.kind === 'build-failed');
      if (newlyFailed || result.findings.introduced.some((f) => f.severity === 'error')) process.exitCode = 1;
    });
}
