// `slipway report [PATH] --out FILE.html [--kube-version X.Y] [--schemas DIR]… [--cluster NAME[=PATH]]…`:
// one self-contained HTML page with the fleet overview, each cluster's dependency graph and the
// findings. Exit codes as `check`: 1 when there are error-severity findings (the report is still
// written), 2 for usage errors and unreadable input.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { collectRepeatable, parseClusterOptions, requireClusters } from './cluster-option.js';
import { UsageError, UserError } from './errors.js';
import { progressLine } from './progress.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML report: clusters, dependency graphs, findings')
    .argument('[path]', 'repository root', '.')
    .requiredOption('--out <file.html>', 'where to write the report')
    .option('--title <text>', "page title (default: the repository folder's name)")
    .option('--kube-version <x.y>', 'target Kubernetes version (default: .slipway.yaml kubeVersion, else 1.31)')
    .option('--schemas <dir>', 'schema folder (CRDs-catalog or kubeconform layout, or a parent of them); repeatable', collectRepeatable, [] as string[])
    .option('--cluster <name[=path]>', 'only this cluster, or an explicit entry point; repeatable', collectRepeatable, [] as string[])
    .option('--offline', 'charts from the chart cache only; also SLIPWAY_OFFLINE=1')
    .option('--no-render', 'do not render HelmReleases')
    .action(async (target: string, opts: { out: string; title?: string; kubeVersion?: string; schemas: string[]; cluster: string[]; offline?: boolean; render: boolean }) => {
      const [{ ConfigFileError }, { generateReport }, { SchemaSourceError }] = await Promise.all([
        import('../check/config.js'), import('../report/index.js'), import('../schema/index.js'),
      ]);
      if (opts.kubeVersion && !/^v?1\.\d+(\.\d+)?$/.test(opts.kubeVersion)) throw new UsageError(`--kube-version "${opts.kubeVersion}" is not a Kubernetes version like 1.31`);
      const root = path.resolve(target);
      if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`${target}: not a directory`);
      for (const dir of opts.schemas) if (!existsSync(dir)) throw new UsageError(`--schemas ${dir}: no such directory`);
      const out = path.resolve(opts.out);
      if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`--out ${opts.out} is a directory; give a file name such as report.html`);
      const selection = parseClusterOptions(opts.cluster);
      const progress = progressLine(process.stderr);
      let report;
      try {
        report = await generateReport(root, {
          kubeVersion: opts.kubeVersion?.replace(/^v/, '').split('.').slice(0, 2).join('.'),
          schemaDirs: opts.schemas.map((d) => path.resolve(d)),
          ...selection,
          ...(opts.title ? { title: opts.title } : {}),
          progress: progress.update,
          offline: opts.offline,
          render: opts.render,
        });
      } catch (err) {
        if (err instanceof ConfigFileError || err instanceof SchemaSourceError) throw new UserError(err.message);
        throw err;
      } finally {
        progress.done();
      }
      // no report of nothing: no cluster found, or --cluster NAME matched none (exit 2, no file written)
      await requireClusters(root, target, selection, report.check.clusters.map((c) => c.name));
      try {
        mkdirSync(path.dirname(out), { recursive: true });
        writeFileSync(out, report.html);
      } catch (err) {
        throw new UserError(`cannot write ${opts.out}: ${(err as Error).message}`);
      }
      const s = report.data.summary;
      const kb = Math.round(Buffer.byteLength(report.html) / 1024);
      process.stdout.write(`wrote ${path.relative(process.cwd(), out) || out} (${kb} KiB): ${s.clusters} cluster${s.clusters === 1 ? '' : 's'}, ${s.kustomizations} Kustomizations, ` +
        `${s.counts.error} errors, ${s.counts.warning} warnings, ${s.counts.info} info\n`);
      if (s.counts.error > 0) process.exitCode = 1;
    });
}
