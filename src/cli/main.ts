// Entry point of the `slipway` CLI: registers one command per file and maps
// failures onto the exit codes of DESIGN §3 (0 ok, 1 findings/failed build, 2 usage/internal).
import { Command, CommanderError } from 'commander';
import { registerSynth } from './synth.js';
import { registerBuild } from './build.js';
import { registerGraph } from './graph.js';
import { registerCheck } from './check.js';
import { registerDiff } from './diff.js';
import { registerReport } from './report.js';
import { registerRender } from './render.js';
import { registerCharts } from './charts.js';
import { registerBootstrap } from './bootstrap.js';
import { UsageError, exitWithError } from './errors.js';

const program = new Command()
  .name('slipway')
  .description('Define, synthesize and verify multi-cluster Kubernetes platforms delivered by Flux')
  .version('0.1.0')
  // one line on a usage error, not the whole help: the hint says where the help is
  .showHelpAfterError("(run 'slipway help' or 'slipway <command> --help' for usage)")
  .exitOverride();

registerSynth(program);
registerBuild(program);
registerGraph(program);
registerCheck(program);
registerDiff(program);
registerReport(program);
registerRender(program);
registerCharts(program);
registerBootstrap(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // help and version are "errors" to commander but successes to us
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  exitWithError(err);
}

export { UsageError };
