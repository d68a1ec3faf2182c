// HelmRelease rendering rules: Helm refusing the release's values (values.schema.json), a
// chart that fails to render with them, and releases that could not be rendered at all —
// said plainly, so an unrendered release is never mistaken for a checked one.
import { describeRequest } from '../../charts/index.js';
import type { HelmReleaseInfo } from '../../repo/flux/index.js';
import type { CheckContext } from '../context.js';
import type { Rule, RuleFinding } from '../rule.js';
import { exempted as exemptedBy } from '../config.js';

const helmReleaseRef = (hr: HelmReleaseInfo) => hr.application
  ? { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: hr.application.key.split('/')[0], name: hr.application.key.split('/')[1] }
  : { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace: hr.namespace, name: hr.name };

/** How a finding names the release: the HelmRelease, or the Argo CD Application's Helm source. */
export const releaseLabel = (hr: HelmReleaseInfo): string =>
  hr.application ? `Application ${hr.application.key} (Helm source ${hr.application.pointer}, release ${hr.key})` : `HelmRelease ${hr.key}`;

/**
 * A HelmRelease field as written in the object the finding points at: for an Application's Helm
 * source, spec.chart is the source's chart, spec.values its helm.valuesObject, valuesFrom its helm block.
 */
export function releasePointer(hr: HelmReleaseInfo, pointer: string): string {
  if (!hr.application) return pointer;
  const at = hr.application.pointer;
  if (pointer.startsWith('/spec/values/') || pointer === '/spec/values') return `${at}/helm/valuesObject${pointer.slice('/spec/values'.length)}`;
  if (pointer === '/spec/valuesFrom') return `${at}/helm`;
  return `${at}/${hr.application.location.type === 'folder' ? 'path' : 'chart'}`;
}

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
    if (said) out.push({ message: said.message, file: hr.origin?.file, ...ctx.locator.locate(hr.origin, releasePointer(hr, said.pointer)), cluster: cluster.name, resource: helmReleaseRef(hr) });
  }
  return out;
}

/** Helm's message, trimmed of its "Error:" framing and kept to a few lines. */
function helmMessage(reason = ''): string {
  const lines = reason.split('\n').map((l) => l.trimEnd()).filter(Boolean);
  const shown = lines.slice(0, 8).join('; ');
  return lines.length > 8 ? `${shown}; … (${lines.length - 8} more lines)` : shown;
}

/**
 * The values key Helm's schema error is about (its messages say `at '/controllers/web/type'`),
 * when the HelmRelease writes it inline; else spec.values as a whole.
 */
function offendingValue(ctx: CheckContext, hr: HelmReleaseInfo, reason = ''): string {
  // Helm nests its errors ("at '/a': 'allOf' failed", then "at '/a/b': …"): the deepest path is the cause
  const paths = [...reason.matchAll(/at '(\/[^']*)'/g)].map((m) => m[1]).sort((a, b) => b.split('/').length - a.split('/').length);
  for (const path of paths) {
    const pointer = `/spec/values${path}`;
    if (ctx.locator.locateExact(hr.origin, releasePointer(hr, pointer))) return pointer;
  }
  return '/spec/values';
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
    return { pointer: offendingValue(ctx, hr, hr.render.reason), message: `${releaseLabel(hr)}: chart ${chartLabel(hr)} rejects the values: ${helmMessage(hr.render.reason)}` };
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
    return { pointer: hr.render.failure === 'values' ? '/spec/valuesFrom' : '/spec/chart', message: `${releaseLabel(hr)} ${what} (chart ${chartLabel(hr)}): ${helmMessage(hr.render.reason)}` };
  }),
};

/**
 * Reasons for not verifying a release that have one cause and one fix for every release they hit
 * (src/charts and src/repo/flux word them); a cluster with many releases of one class gets one
 * finding for the class. Reasons specific to one release (values not readable offline, a missing
 * source, a chart folder that does not exist) stay one finding per release.
 */
interface ReasonClass {
  id: string;
  test: RegExp;
  /** Why, for the group: "their charts …". */
  what: (reasons: string[]) => string;
  fix: string;
}

const REASON_CLASSES: ReasonClass[] = [
  {
    id: 'offline-cache-miss',
    test: /: not in the chart cache \(/,
    what: (reasons) => {
      const dir = /: not in the chart cache \(([^)]*)\)/.exec(reasons[0])?.[1];
      return `their charts are not in the chart cache${dir ? ` (${dir})` : ''} and the run is offline`;
    },
    fix: 'run `slipway charts pull` once with network access (it fetches every chart of the repository), then check again',
  },
  {
    id: 'host-unreachable',
    test: /; check the network, or map the URL to a reachable mirror/,
    what: () => 'their chart hosts could not be reached',
    fix: 'check the network, or map the chart URLs to reachable mirrors in .slipway.yaml charts.mirrors, then run `slipway charts pull`',
  },
  {
    id: 'source-outside-repository',
    test: /, outside this repository \(/,
    what: () => 'their charts are in sources outside this repository, which are not fetched',
    fix: 'map those sources to local folders under sources: in .slipway.yaml, or keep the charts in this repository',
  },
];

/** From this many releases of one reason class in a cluster on, they are one finding. */
const GROUP_AT = 3;
const SHOWN = 5;

const exempted = (ctx: CheckContext, f: Parameters<typeof exemptedBy>[1]) => exemptedBy(ctx.config, f, 'helm/not-verified');

function reasonClass(reason: string | undefined): ReasonClass | undefined {
  return reason ? REASON_CLASSES.find((c) => c.test.test(reason)) : undefined;
}

/** The chart a release asks for, for counting distinct charts: the request when it is fetched, else its source. */
function chartIdentity(hr: HelmReleaseInfo): string {
  const l = hr.chartLocation;
  if (l.type === 'helm' || l.type === 'oci') return describeRequest(l);
  const s = hr.chart.sourceRef;
  return `${s.kind}/${s.namespace}/${s.name}|${hr.chart.name ?? ''}`;
}

const byPosition = (a: HelmReleaseInfo, b: HelmReleaseInfo) =>
  (a.origin?.file ?? '').localeCompare(b.origin?.file ?? '') || (a.origin?.line ?? 0) - (b.origin?.line ?? 0) || a.key.localeCompare(b.key);

export const helmNotVerified: Rule = {
  id: 'helm/not-verified',
  severity: 'warning',
  doc: {
    summary: 'a HelmRelease that could not be rendered (chart not fetchable, offline cache miss, source outside the repository)',
    why: 'nothing inside an unrendered release — images, pods, CRDs, network policies — has been checked. ' +
      `When ${GROUP_AT} or more releases of a cluster are not verified for the same reason (offline and not in the chart cache, chart host unreachable, chart source outside the repository), ` +
      'they are one finding at the first of them, naming how many and which.',
    fix: 'make the chart reachable: `slipway charts pull` with network, a mirror in .slipway.yaml charts.mirrors, or credentials in charts.auth',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    const grouped = new Set<string>();
    for (const cluster of ctx.repo.clusters) {
      const classes = new Map<ReasonClass, HelmReleaseInfo[]>();
      for (const hr of cluster.helmReleases) {
        if (hr.render?.status !== 'not-verified') continue;
        const cls = reasonClass(hr.render.reason);
        // a release an exemption names keeps its own finding, so that the exemption applies to it alone
        if (!cls || exempted(ctx, { cluster: cluster.name, file: hr.origin?.file, resource: helmReleaseRef(hr) })) continue;
        classes.set(cls, [...(classes.get(cls) ?? []), hr]);
      }
      for (const [cls, hrs] of classes) {
        if (hrs.length < GROUP_AT) continue;
        hrs.sort(byPosition);
        for (const hr of hrs) grouped.add(`${cluster.name}|${hr.key}`);
        const first = hrs[0];
        const charts = new Set(hrs.map(chartIdentity));
        const names = hrs.slice(0, SHOWN).map((h) => h.key).join(', ') + (hrs.length > SHOWN ? ` and ${hrs.length - SHOWN} more` : '');
        out.push({
          message: `${hrs.length} HelmReleases (${charts.size} chart${charts.size === 1 ? '' : 's'}) not verified: ${cls.what(hrs.map((h) => h.render!.reason!))}: ${names}; ${cls.fix}`,
          file: first.origin?.file, ...ctx.locator.locate(first.origin, releasePointer(first, '/spec/chart')), cluster: cluster.name, resource: helmReleaseRef(first),
        });
      }
    }
    // the rest, one per release (a definition built into several clusters once)
    const seen = new Set<string>();
    for (const cluster of ctx.repo.clusters) {
      for (const hr of cluster.helmReleases) {
        if (hr.render?.status !== 'not-verified' || grouped.has(`${cluster.name}|${hr.key}`)) continue;
        const key = `${hr.origin?.file}:${hr.origin?.line}|${hr.key}|${hr.render.reason}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
          message: `${releaseLabel(hr)} not verified: ${hr.render.reason}`,
          file: hr.origin?.file, ...ctx.locator.locate(hr.origin, releasePointer(hr, '/spec/chart')), cluster: cluster.name, resource: helmReleaseRef(hr),
        });
      }
    }
    return out;
  },
};

function chartLabel(hr: HelmReleaseInfo): string {
  const name = hr.render?.chart?.name || hr.chart.name || hr.chart.sourceRef.name;
  const version = hr.render?.chart?.version ?? hr.chart.version;
  return version ? `${name}@${version}` : name;
}
