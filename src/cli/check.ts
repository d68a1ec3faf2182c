// `slipway check [PATH] [--format pretty|json|sarif|junit] [--kube-version X.Y] [--schemas DIR]…`
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { kubeVersionOption } from './kube-version-option.js';
import { UsageError, UserError } from './errors.js';
import { progressLine } from './progress.js';
import { collectRepeatable, parseClusterOptions, requireClusters } from './cluster-option.js';

const FORMATS = ['pretty', 'json', 'sarif', 'junit'] as const;
export const VERSION = '0.1.0';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('load, build, render and check a Flux repository (the network only for charts)')
    .argument('[path]', 'repository root', '.')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'pretty')
    .option('--kube-version <x.y>', 'target Kubernetes version (default: .slipway.yaml kubeVersion, else 1.31)')
    .option('--schemas <dir>', 'schema folder (CRDs-catalog or kubeconform layout, or a parent of them); repeatable', collectRepeatable, [] as string[])
    .option('--cluster <name[=path]>', 'only this cluster, or an explicit entry point; repeatable', collectRepeatable, [] as string[])
    .option('--no-cache', 'neither read nor write the result and compiled-schema caches')
    .option('--offline', 'charts from the chart cache only (`slipway charts pull` fills it); also SLIPWAY_OFFLINE=1')
    .option('--no-render', 'do not render HelmReleases (their charts are not fetched)')
    .option('--list-rules', 'print the rules and exit')
    .action(async (target: string, opts: { format: string; kubeVersion?: string; schemas: string[]; cluster: string[]; listRules?: boolean; cache: boolean; offline?: boolean; render: boolean }) => {
      // loaded here, not at the top: `slipway --help` and the other commands never load the checker
      const { RULES } = await import('../check/rules/index.js');
      if (opts.listRules) {
        for (const r of RULES) process.stdout.write(`${r.id.padEnd(30)} ${r.severity.padEnd(8)} ${r.doc.summary}\n`);
        return;
      }
      if (!(FORMATS as readonly string[]).includes(opts.format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
      const kubeVersion = kubeVersionOption(opts.kubeVersion);
      const root = path.resolve(target);
      if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`${target}: not a directory`);
      for (const dir of opts.schemas) if (!existsSync(dir)) throw new UsageError(`--schemas ${dir}: no such directory`);
      const [{ runCheck }, { ConfigFileError }, { SchemaSourceError }, reporters] = await Promise.all([
        import('../check/engine.js'), import('../check/config.js'), import('../schema/index.js'), import('../check/reporters/index.js'),
      ]);
      const { renderJson, renderJunit, renderPretty, renderSarif } = reporters;
      const selection = parseClusterOptions(opts.cluster);
      const progress = progressLine(process.stderr);
      let result;
      try {
        result = await runCheck(root, {
          kubeVersion,
          schemaDirs: opts.schemas.map((d) => path.resolve(d)),
          ...selection,
          progress: progress.update,
          offline: opts.offline,
          render: opts.render,
          ...(opts.cache ? {} : { cacheDir: false as const }),
        });
      } catch (err) {
        if (err instanceof ConfigFileError || err instanceof SchemaSourceError) throw new UserError(err.message);
        throw err;
      } finally {
        progress.done();
      }
      // nothing checked is not a pass: no cluster found, or --cluster NAME matched none (exit 2)
      await requireClusters(root, target, selection, result.clusters.map((c) => c.name));
      const output = opts.format === 'json' ? renderJson(result)
        : opts.format === 'sarif' ? renderSarif(result, RULES, VERSION)
          : opts.format === 'junit' ? renderJunit(result)
            : renderPretty(result, { colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR });
      process.stdout.write(output);
      if (result.findings.some((f) => f.severity === 'error')) process.exitCode = 1;
    });
}
