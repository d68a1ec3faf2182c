// `slipway bootstrap plan [--config FILE] [--cluster C] [--format text|json]`: the ordered,
// resumable steps that take a cluster of the fleet from nothing to GitOps in charge, each with
// the check that says it is done. The same steps are in the synthesized repository's
// .taskfiles/plan/Taskfile.yaml (`task plan:<cluster>` runs them, skipping finished ones).
import type { Command } from 'commander';
import { UsageError, UserError } from './errors.js';

const FORMATS = ['text', 'json'] as const;

export function registerBootstrap(program: Command): void {
  const bootstrap = program.command('bootstrap').description('bootstrap plans of the fleet\'s clusters');
  bootstrap
    .command('plan')
    .description('print the ordered, resumable bootstrap steps of a cluster, with each step\'s readiness check (the synthesized Taskfile runs them: task plan:<cluster>)')
    .option('--config <file>', 'fleet config', 'slipway.config.ts')
    .option('--cluster <name>', 'only this cluster (default: every cluster, in fleet order)')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'text')
    .action(async (opts: { config: string; cluster?: string; format: string }) => {
      if (!FORMATS.includes(opts.format as (typeof FORMATS)[number])) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not '${opts.format}'`);
      const [{ ConfigError, loadFleetConfig }, { PlanError, planFleet }, { bootstrapPlan, planText, BootstrapPlanError }] = await Promise.all([
        import('../model/load.js'), import('../synth/index.js'), import('../synth/bootstrap-plan.js'),
      ]);
      try {
        const plan = planFleet(await loadFleetConfig(opts.config));
        const names = opts.cluster ? [opts.cluster] : plan.clusters.map((c) => c.cluster.name);
        const plans = names.map((name) => ({ cluster: name, steps: bootstrapPlan(plan, name) }));
        process.stdout.write(opts.format === 'json'
          ? `${JSON.stringify({ clusters: plans }, null, 2)}\n`
          : plans.map((p) => planText(p.cluster, p.steps)).join('\n'));
      } catch (err) {
        if (err instanceof ConfigError || err instanceof BootstrapPlanError) throw new UserError(err.message);
        if (err instanceof PlanError) throw new UserError(`${opts.config}: the modules do not fit together:\n${err.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
        throw err;
      }
    });
}
