// A finding: one thing `slipway check` has to say about a repository.
// Its JSON form is a stable interface (DESIGN §3): fields may be added, never removed.

export type Severity = 'error' | 'warning' | 'info';

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface Finding {
  /** Rule id, e.g. `flux/dependency-missing`. */
  rule: string;
  severity: Severity;
  /** What is wrong and what to do, without the location (reporters add it). */
  message: string;
  /** Path relative to the checked repository root. */
  file?: string;
  line?: number;
  column?: number;
  cluster?: string;
  resource?: ResourceRef;
  /** For an object a HelmRelease rendered: the release and the chart template that made it. */
  renderedBy?: { helmRelease: string; template?: string };
  /** A change that resolves the finding, computed by the rule and checked on the graph before it is offered. */
  fix?: FindingFix;
}

/** A Flux Kustomization named in a fix. */
export interface KustomizationName { namespace: string; name: string }

/**
 * A machine-applicable fix, already checked on the dependency graph (no cycle, no parent
 * waiting on its child). `dependsOn`: edit spec.dependsOn of the Kustomizations defined at
 * file:line. `wait`: set spec.wait: true there. `healthChecks`: drop that entry. `manual`: no
 * such edit can fix it; the text says what can.
 */
export type FindingFix =
  | { type: 'dependsOn'; edits: Array<{ kustomization: KustomizationName; file?: string; line?: number; add?: KustomizationName[]; remove?: KustomizationName[] }> }
  | { type: 'wait'; kustomization: KustomizationName; file?: string; line?: number }
  | { type: 'healthChecks'; kustomization: KustomizationName; file?: string; line?: number; remove: ResourceRef }
  | { type: 'manual'; description: string };

export interface ClusterSummary {
  name: string;
  root: string;
  kustomizations: number;
  resources: number;
  /** HelmReleases: all, rendered through Helm, and not verified (chart unavailable). */
  helmReleases: { total: number; rendered: number; notVerified: number };
  /** Argo CD trees only: 'argocd', and how many Applications (their Helm sources count as helmReleases). */
  delivery?: 'argocd';
  applications?: number;
}

/** An exemption from .slipway.yaml, with whether it matched anything (auditable, seed 002). */
export interface ExemptionUse {
  rule: string;
  reason: string;
  match: Record<string, string>;
  used: number;
}

export interface CheckResult {
  clusters: ClusterSummary[];
  findings: Finding[];
  exemptions: ExemptionUse[];
  documents: number;
  durationMs: number;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** The order every reporter prints findings in: by file, line, then rule. Deterministic. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) =>
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    a.rule.localeCompare(b.rule) ||
    (a.cluster ?? '').localeCompare(b.cluster ?? '') ||
    a.message.localeCompare(b.message));
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}
