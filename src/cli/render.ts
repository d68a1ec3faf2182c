// `slipway render [PATH] [--cluster C] (--kustomization NS/NAME | --helmrelease NS/NAME | --all) [--offline]`:
// what Flux would apply, as a YAML stream (Kustomization builds with substitution; HelmReleases
// through Helm). The equivalent of `flux-local build ks|hr|all` and `flate build`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { collectRepeatable, parseClusterOptions, requireClusters } from './cluster-option.js';
import { UsageError, UserError } from './errors.js';
import { kubeVersionOption } from './kube-version-option.js';
import { progressLine } from './progress.js';
import { readRepoConfig } from './repo-config.js';

interface RenderOptions { cluster: string[]; kustomization?: string; helmrelease?: string; all?: boolean; offline?: boolean; kubeVersion?: string }

export function registerRender(program: Command): void {
  program
    .command('render')
    .description('print what Flux would apply, as a YAML stream: a Kustomization, a HelmRelease (through Helm), or everything')
    .argument('[path]', 'repository root', '.')
    .option('--cluster <name[=path]>', 'the cluster (needed when the repository has several); repeatable', collectRepeatable, [])
    .option('--kustomization <ns/name>', 'what this Flux Kustomization applies')
    .option('--helmrelease <ns/name>', 'what this HelmRelease renders to')
    .option('--all', 'everything the cluster applies, HelmReleases rendered')
    .option('--offline', 'charts from the chart cache only; also SLIPWAY_OFFLINE=1')
    .option('--kube-version <x.y>', 'Kubernetes version for the charts (default: .slipway.yaml kubeVersion, else the Talos config\'s, else 1.31)')
    .action(async (repoPath: string, opts: RenderOptions) => {
      const targets = [opts.kustomization, opts.helmrelease, opts.all].filter(Boolean).length;
      if (targets !== 1) throw new UsageError('give exactly one of --kustomization NS/NAME, --helmrelease NS/NAME or --all');
      for (const [flag, v] of [['--kustomization', opts.kustomization], ['--helmrelease', opts.helmrelease]] as const) {
        if (v !== undefined && !/^[^/\s]+\/[^/\s]+$/.test(v)) throw new UsageError(`${flag} '${v}': write it as NAMESPACE/NAME`);
      }
      const root = path.resolve(repoPath);
      if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new UserError(`'${repoPath}' is not a directory; give the root of a Flux repository`);
      const [{ loadAndRender }, { selectObjects, yamlStream }, config] = await Promise.all([
        import('../render/load.js'), import('../render/stream.js'), readRepoConfig(root),
      ]);
      const selection = parseClusterOptions(opts.cluster);
      const progress = progressLine(process.stderr);
      const repo = await loadAndRender(root, { ...selection, substitutions: config.substitutions }, {
        enabled: !opts.kustomization, settings: config.chartSettings, offline: opts.offline,
        kubeVersion: kubeVersionOption(opts.kubeVersion) ?? config.kubeVersion,
        onChartProgress: (e) => progress.update(`charts ${e.done}/${e.total}: ${e.label}`),
        onRenderProgress: (done, total) => progress.update(`rendering HelmReleases ${done}/${total}`),
      }).finally(() => progress.done());
      await requireClusters(root, repoPath, selection, repo.clusters.map((c) => c.name));
      if (repo.clusters.length > 1) throw new UsageError(`the repository has ${repo.clusters.length} clusters (${repo.clusters.map((c) => c.name).join(', ')}); pick one with --cluster NAME`);
      const cluster = repo.clusters[0];
      const target = opts.all ? { all: true as const } : opts.kustomization ? { kustomization: opts.kustomization } : { helmRelease: opts.helmrelease! };
      const objects = selectObjects(cluster, target);
      if (!objects) throw new UserError(`cluster ${cluster.name} has no ${opts.kustomization ? `Kustomization ${opts.kustomization}` : `HelmRelease ${opts.helmrelease}`}`);
      if (opts.helmrelease) {
        const hr = cluster.helmReleases.find((h) => h.key === opts.helmrelease)!;
        if (hr.render?.status !== 'rendered') {
          process.stderr.write(`slipway: HelmRelease ${hr.key} ${hr.render?.status === 'failed' ? 'fails to render' : 'is not verified'}: ${hr.render?.reason ?? 'not rendered'}\n`);
          process.exitCode = 1;
        }
      }
      const failed = cluster.kustomizations.filter((k) => k.status === 'failed' && (!opts.kustomization || k.key === opts.kustomization));
      for (const k of failed) process.stderr.write(`slipway: Kustomization ${k.key} failed to build: ${k.problems[0]?.message ?? ''}\n`);
      if (failed.length) process.exitCode = 1;
      process.stdout.write(yamlStream(objects));
    });
}
