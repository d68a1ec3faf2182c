// The contract of a rule: an id, a default severity, a short doc, and a function from the
// loaded repository to findings. Rules never throw for bad input and never print.
import type { CheckContext } from './context.js';
import type { Finding, ResourceRef, Severity } from './finding.js';
import type { RootCause } from './root-cause.js';

export interface RuleDoc {
  /** One line: what the rule finds. */
  summary: string;
  /** Why it matters on a real cluster. */
  why: string;
  /** How to fix it. */
  fix: string;
}

/**
 * A finding as a rule emits it: the severity defaults to the rule's. `rootCause` marks findings
 * that share one cause; three or more of them are reported as one (src/check/root-cause.ts).
 */
export type RuleFinding = Omit<Finding, 'rule' | 'severity'> & { severity?: Severity; rootCause?: RootCause };

export interface Rule {
  id: string;
  severity: Severity;
  doc: RuleDoc;
  run(ctx: CheckContext): RuleFinding[];
}

/** How to exempt, the same for every rule. */
export const EXEMPT_HOWTO = 'add to .slipway.yaml: exemptions: [{ rule: <id>, namespace/name/kind/path/cluster: …, reason: "why this is acceptable" }]';

/** How a message names a unit: "Kustomization ns/name", or "Application ns/name" for Argo CD. */
export const unitLabel = (ks: { kind?: string; key: string }): string => `${ks.kind ?? 'Kustomization'} ${ks.key}`;

/** How a finding names the Flux Kustomization it is about. */
export const kustomizationRef = (ks: { namespace: string; name: string }): ResourceRef =>
  ({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: ks.namespace, name: ks.name });
