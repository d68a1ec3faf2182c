// Which CRDs a HelmRelease installs: what its rendered chart holds, when it was rendered (the
// chart version actually deployed); otherwise — chart not fetchable or offline — from
// (1) .slipway.yaml `charts:` declarations, (2) the built-in chart knowledge base.
// CRDs found as plain objects in the repository are facts of their own (src/k8s/facts.ts).
// When neither knows the chart, the answer says so instead of guessing.
import { crdsInstalled, lookupChart } from '../knowledge/charts.js';
import type { HelmReleaseInfo } from '../repo/flux/index.js';
import type { DeclaredChart } from './config.js';

export interface ChartAnswer {
  /** "group/Kind" of each CRD installed. */
  crds: string[];
  /** false when no source knows this chart. */
  known: boolean;
  chart: string;
}

export class ChartCrds {
  constructor(private readonly declared: readonly DeclaredChart[]) {}

  of(hr: HelmReleaseInfo): ChartAnswer {
    const url = hr.chart.source?.url;
    const name = chartName(hr);
    const label = name ?? hr.chart.sourceRef.name;
    if (hr.render?.status === 'rendered') return { crds: [...(hr.render.crds ?? [])], known: true, chart: label };
    const declared = this.declared.find((c) => c.name === name && (!c.url || !url || url.startsWith(c.url)));
    if (declared) return { crds: [...declared.crds], known: true, chart: label };
    const knowledge = lookupChart({ name: name ?? '', url: url ?? '' });
    if (!knowledge) return { crds: [], known: false, chart: label };
    // `install.crds: Skip` is Helm's --skip-crds: a chart's crds/ folder is not applied
    const crdPolicy = ((hr.object.spec ?? {}) as { install?: { crds?: string } }).install?.crds;
    return { crds: crdsInstalled(knowledge, hr.values, { crdPolicy }), known: true, chart: label };
  }
}

/** The chart's name: chart.spec.chart, or the last path segment of an OCIRepository url. */
function chartName(hr: HelmReleaseInfo): string | undefined {
  if (hr.chart.via === 'chart.spec') return hr.chart.name;
  const url = hr.chart.source?.url;
  if (url) return url.replace(/\/+$/, '').split('/').pop();
  return hr.chart.name;
}
