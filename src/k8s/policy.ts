// The baseline policies and their exemptions, as one model every policy engine and the checker
// read: the kyverno and gatekeeper modules write them as admission policies, synth writes the
// same exemptions into .slipway.yaml, so CI and the cluster enforce one list (seed 002:
// "exemptions auditable"). Exemptions come from two places only, each with its reason:
// fleet.policy.exemptions, and the namespaces modules declare privileged (a CNI, a storage
// driver, a log shipper mounts the host by design; the module says so in its namespace spec).
import { mergeNamespaceSpecs, type PodSecurityLevel } from '../model/module.js';
import { mergeOptions } from '../model/options.js';
import type { BaselinePolicy, ClusterConfig, FleetConfig } from '../model/types.js';

export interface PolicyInfo {
  title: string;
  /** The `slipway check` rules that judge the same thing in CI. */
  checkRules: string[];
}

export const BASELINE: Record<BaselinePolicy, PolicyInfo> = {
  'pod-security': { title: 'Pod Security standard of the namespace (baseline or restricted)', checkRules: ['pod-security/baseline', 'pod-security/restricted'] },
  'disallow-latest-tag': { title: 'images pinned to a tag other than latest', checkRules: ['workload/image-tag'] },
  'require-requests-limits': { title: 'CPU and memory requests and a memory limit on every container', checkRules: ['workload/resources'] },
  'disallow-host-path': { title: 'no hostPath volumes outside exempt namespaces', checkRules: [] },
  'require-labels': { title: 'the label taxonomy on every workload', checkRules: [] },
};

export interface ResolvedExemption {
  policy: BaselinePolicy;
  namespaces: string[];
  reason: string;
  /** Where it comes from: `fleet.policy.exemptions[2]` or `module cilium`. */
  source: string;
}

/** The baseline policies in force on a cluster (require-labels only with a taxonomy). */
export function baselinePolicies(fleet: FleetConfig): BaselinePolicy[] {
  return (Object.keys(BASELINE) as BaselinePolicy[]).filter((p) => p !== 'require-labels' || (fleet.policy?.requiredLabels?.length ?? 0) > 0);
}

/** Namespaces and their Pod Security level, as the cluster's modules declare them. */
export function namespaceLevels(cluster: ClusterConfig): Map<string, PodSecurityLevel> {
  // as synth writes them: every module's namespace and the ones it makes besides
  const specs = cluster.modules.flatMap((m) => [m.module.namespace, ...(m.module.extraNamespaces?.(mergeOptions(m.module.defaults, m.overrides as never)) ?? [])]);
  return new Map(mergeNamespaceSpecs(specs).map((n) => [n.name, n.podSecurity]));
}

/** Every exemption that applies on `cluster`, the model's own first, in a stable order. */
export function clusterExemptions(fleet: FleetConfig, cluster: ClusterConfig): ResolvedExemption[] {
  const out: ResolvedExemption[] = [];
  const levels = namespaceLevels(cluster);
  for (const m of cluster.modules) {
    const ns = m.module.namespace;
    if (ns.podSecurity !== 'privileged' || levels.get(ns.name) !== 'privileged') continue;
    out.push({ policy: 'disallow-host-path', namespaces: [ns.name], reason: `module ${m.module.name} runs privileged here (${m.module.description})`, source: `module ${m.module.name}` });
  }
  (fleet.policy?.exemptions ?? []).forEach((e, i) => {
    if (e.clusters && !e.clusters.includes(cluster.name)) return;
    out.push({ policy: e.policy, namespaces: [...e.namespaces].sort(), reason: e.reason.trim(), source: `fleet.policy.exemptions[${i}]` });
  });
  return out;
}

/** The namespaces exempt from `policy` on a cluster. */
export function exemptNamespaces(exemptions: ResolvedExemption[], policy: BaselinePolicy): string[] {
  return [...new Set(exemptions.filter((e) => e.policy === policy).flatMap((e) => e.namespaces))].sort();
}
