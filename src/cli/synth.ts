// `slipway synth [--config FILE] [--out DIR]`: render the fleet into a Flux repository.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError, UserError } from './errors.js';

/** The config a bare `slipway synth` reads: the fleet of the folder it runs in. */
const LOCAL_CONFIG = 'slipway.config.ts';

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description(`render the fleet into a Flux repository (default config: ./${LOCAL_CONFIG})`)
    .option('--config <file>', `fleet config (default ./${LOCAL_CONFIG}; the reference fleet is examples/homelab/${LOCAL_CONFIG})`)
    .option('--out <dir>', 'output directory', 'out')
    .option('--summary', 'print clusters, modules, Kustomizations, files and dependency waves')
    .action(async (opts: { config?: string; out: string; summary?: boolean }) => {
      const configFile = opts.config ?? LOCAL_CONFIG;
      if (!opts.config && !existsSync(configFile)) {
        throw new UsageError(`no ${LOCAL_CONFIG} in ${process.cwd()}; pass --config FILE (the reference fleet: --config examples/homelab/${LOCAL_CONFIG})`);
      }
      const [{ ConfigError, loadFleetConfig, packageRoot }, { slipwaySource }, { OutputDirError, PlanError, prepareOutDir, synthesize, writeTree }, { printSummary }] = await Promise.all([
        import('../model/load.js'), import('./slipway-source.js'), import('../synth/index.js'), import('./synth-summary.js'),
      ]);
      const outDir = path.resolve(opts.out);
      let synthesis;
      try {
        // the output folder first: a folder that cannot be written is found before the work is done
        prepareOutDir(outDir);
        const fleet = await loadFleetConfig(configFile);
        const source = slipwaySource(packageRoot);
        synthesis = synthesize(fleet, { slipwaySource: source });
        if (!fleet.ci?.install && !source) {
          process.stderr.write('slipway: note: the generated CI cannot install Slipway until slipway.config.ts sets ci.install (this Slipway is no git checkout with a remote)\n');
        }
      } catch (err) {
        if (err instanceof ConfigError) throw new UserError(err.message);
        if (err instanceof OutputDirError) throw new UserError(`--out ${opts.out}: ${err.message}`);
        if (err instanceof PlanError) {
          throw new UserError(`${configFile}: the modules do not fit together:\n${err.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
        }
        throw err;
      }
      const result = writeTree(outDir, synthesis.tree);
      if (opts.summary) printSummary(synthesis, outDir, result);
      else process.stdout.write(`wrote ${synthesis.tree.size} files to ${path.relative(process.cwd(), outDir) || '.'} (${result.written} changed, ${result.removed.length} removed)\n`);
    });
}
