// `slipway synth [--config FILE] [--out DIR]`: render the fleet into a Flux repository.
import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from './errors.js';

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('render the fleet into a Flux repository (default: the reference fleet in examples/homelab)')
    .option('--config <file>', 'fleet config (slipway.config.ts)')
    .option('--out <dir>', 'output directory', 'out')
    .option('--summary', 'print clusters, modules, Kustomizations, files and dependency waves')
    .action(async (opts: { config?: string; out: string; summary?: boolean }) => {
      const [{ ConfigError, loadFleetConfig, referenceConfig }, { PlanError, synthesize, writeTree }, { printSummary }] = await Promise.all([
        import('../model/load.js'), import('../synth/index.js'), import('./synth-summary.js'),
      ]);
      const configFile = opts.config ?? referenceConfig;
      let synthesis;
      try {
        const fleet = await loadFleetConfig(configFile);
        synthesis = synthesize(fleet);
      } catch (err) {
        if (err instanceof ConfigError) throw new UserError(err.message);
        if (err instanceof PlanError) {
          throw new UserError(`${configFile}: the modules do not fit together:\n${err.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
        }
        throw err;
      }
      const outDir = path.resolve(opts.out);
      const result = writeTree(outDir, synthesis.tree);
      if (opts.summary) printSummary(synthesis, outDir, result);
      else process.stdout.write(`wrote ${synthesis.tree.size} files to ${path.relative(process.cwd(), outDir) || '.'} (${result.written} changed, ${result.removed.length} removed)\n`);
    });
}
