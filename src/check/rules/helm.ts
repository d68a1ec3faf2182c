// HelmRelease rendering rules: Helm refusing the release's values (values.schema.json), a
// chart that fails to render with them, and releases that could not be rendered at all —
// said plainly, so an unrendered release is never mistaken for a checked one.
import type { HelmReleaseInfo } from '../../repo/flux/index.js';
import type { CheckContext } from '../context.js';
import type { Rule, RuleFinding } from '../rule.js';

const helmReleaseRef = (hr: HelmReleaseInfo) => ({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace: hr.namespace, name: hr.name });

function* releases(ctx: CheckContext) {
  const seen = new Set<string>();
  for (const cluster of ctx.repo.clusters) {
    for (const hr of cluster.helmReleases) {
      // one definition built into several clusters is judged once, unless it renders differently
      const key = `${hr.origin?.file}:${hr.origin?.line}|${hr.key}|${hr.render?.status}|${hr.render?.reason}`;
      if (seen.has(key)) continue;
      seen.add(key);
      yield { cluster, hr };
    }
  }
}

/** A finding at the HelmRelease (the field `pointer` names) for each release `judge` has something to say about. */
function releaseFindings(ctx: CheckContext, judge: (hr: HelmReleaseInfo) => { pointer: string; message: string } | undefined): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const { cluster, hr } of releases(ctx)) {
    const said = judge(hr);
    if (said) out.push({ message: said.message, file: hr.origin?.file, ...ctx.locator.locate(hr.origin, said.pointer), cluster: cluster.name, resource: helmReleaseRef(hr) });
  }
  return out;
}

/** Helm's message, trimmed of its "Error:" framing and kept to a few lines. */
function helmMessage(reason = ''): string {
  const lines = reason.split('\n').map((l) => l.trimEnd()).filter(Boolean);
  const shown = lines.slice(0, 8).join('; ');
  return lines.length > 8 ? `${shown}; … (${lines.length - 8} more lines)` : shown;
}

export const helmValuesSchema: Rule = {
  id: 'helm/values-schema',
  severity: 'error',
  doc: {
    summary: "release values that fail the chart's values.schema.json",
    why: 'Helm refuses to install or upgrade a release whose values break the chart schema; helm-controller reports the release failed and nothing changes in the cluster.',
    fix: 'correct spec.values (or the valuesFrom ConfigMap/Secret) to what the chart version accepts; the message names each offending path',
  },
  run: (ctx) => releaseFindings(ctx, (hr) => {
    if (hr.render?.status !== 'failed' || hr.render.failure !== 'values-schema') return undefined;
    return { pointer: '/spec/values', message: `HelmRelease ${hr.key}: chart ${chartLabel(hr)} rejects the values: ${helmMessage(hr.render.reason)}` };
  }),
};

export const helmRender: Rule = {
  id: 'helm/render',
  severity: 'error',
  doc: {
    summary: 'a chart that fails to render with the release values',
    why: 'a template error, a `required` value or a `fail` in the chart stops helm-controller before anything is applied',
    fix: 'set the values the message asks for, or pin a chart version that renders with these values',
  },
  run: (ctx) => releaseFindings(ctx, (hr) => {
    if (hr.render?.status !== 'failed' || hr.render.failure === 'values-schema') return undefined;
    const what = hr.render.failure === 'values' ? 'cannot compose its values' : hr.render.failure === 'chart' ? 'cannot load its chart' : 'fails to render';
    return { pointer: hr.render.failure === 'values' ? '/spec/valuesFrom' : '/spec/chart', message: `HelmRelease ${hr.key} ${what} (chart ${chartLabel(hr)}): ${helmMessage(hr.render.reason)}` };
  }),
};

export const helmNotVerified: Rule = {
  id: 'helm/not-verified',
  severity: 'warning',
  doc: {
    summary: 'a HelmRelease that could not be rendered (chart not fetchable, offline cache miss, source outside the repository)',
    why: 'nothing inside an unrendered release — images, pods, CRDs, network policies — has been checked',
    fix: 'make the chart reachable: `slipway charts pull` with network, a mirror in .slipway.yaml charts.mirrors, or credentials in charts.auth',
  },
  run: (ctx) => releaseFindings(ctx, (hr) =>
    hr.render?.status === 'not-verified' ? { pointer: '/spec/chart', message: `HelmRelease ${hr.key} not verified: ${hr.render.reason}` } : undefined),
};

function chartLabel(hr: HelmReleaseInfo): string {
  const name = hr.render?.chart?.name || hr.chart.name || hr.chart.sourceRef.name;
  const version = hr.render?.chart?.version ?? hr.chart.version;
  return version ? `${name}@${version}` : name;
}
