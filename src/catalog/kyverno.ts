// Kyverno with the baseline policies generated from the model (seeds 000, 002, 004): the Pod
// Security level of every namespace, images pinned to a tag other than latest, requests and
// limits, no hostPath outside exempt namespaces, and the fleet's label taxonomy. Every exemption
// is a PolicyException carrying its reason, written from the one list in the model
// (k8s/policy.ts) that also feeds .slipway.yaml, so CI and admission agree.
//
// Two units: `kyverno` (the chart and its CRDs) and `kyverno-policies` (ClusterPolicies and
// PolicyExceptions, custom resources of those CRDs, so they reconcile once the controller is
// Ready). `mode: 'audit'` first — violations land in PolicyReports — then `enforce`.
//
// Pod Security `baseline`: the controllers run as non-root with a read-only root filesystem,
// but the chart's init and hook containers are not all declared restricted-compliant.
import { chartSource, helmRelease } from '../k8s/builders.js';
import { allowApiServerEgress, allowIngress, fromCidr } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { baselinePolicies, BASELINE, clusterExemptions, namespaceLevels, type ResolvedExemption } from '../k8s/policy.js';
import { defineModule } from '../model/module.js';
import type { BaselinePolicy } from '../model/types.js';

const NS = 'kyverno';
/** Annotation every generated exception carries: why it exists and where the model says so. */
export const REASON_ANNOTATION = 'slipway.dev/exemption-reason';

const KYVERNO_KINDS = ['CleanupPolicy', 'ClusterCleanupPolicy', 'ClusterPolicy', 'GlobalContextEntry', 'Policy', 'PolicyException', 'UpdateRequest'];

export const kyverno = defineModule({
  name: 'kyverno',
  description: 'Kyverno admission controller with baseline policies and exemptions from the model',
  namespace: { name: NS, podSecurity: 'baseline' },
  defaults: {
    chart: { repo: 'https://kyverno.github.io/kyverno/', name: 'kyverno', version: '3.5.2' },
    /** `audit` reports violations in PolicyReports; `enforce` rejects them at admission. */
    mode: 'audit' as 'audit' | 'enforce',
    /** Admission controller replicas; three keep admission up through a node drain. */
    replicas: 3,
  },
  render({ options: o, fleet, cluster }) {
    const controller = (replicas: number) => ({
      replicas,
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    });
    const values = {
      admissionController: { ...controller(o.replicas), container: { resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '768Mi' } } } },
      backgroundController: controller(1),
      cleanupController: controller(1),
      reportsController: controller(1),
      // exceptions only from the kyverno namespace, where synth writes them: nobody exempts
      // their own namespace by creating a PolicyException there
      features: { policyExceptions: { enabled: true, namespace: NS } },
    };
    const policies = baselinePolicies(fleet);
    const exemptions = clusterExemptions(fleet, cluster).filter((e) => policies.includes(e.policy));
    return [
      {
        name: 'kyverno',
        dir: 'app',
        installsCrds: [
          ...KYVERNO_KINDS.map((k) => `kyverno.io/${k}`),
          'wgpolicyk8s.io/PolicyReport', 'wgpolicyk8s.io/ClusterPolicyReport',
          'reports.kyverno.io/EphemeralReport', 'reports.kyverno.io/ClusterEphemeralReport',
        ],
        timeout: '15m',
        files: [
          { file: 'helmrepository.yaml', objects: [chartSource('kyverno', NS, o.chart)] },
          { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'kyverno', namespace: NS, chart: o.chart, values, timeout: '15m' })] },
          {
            file: 'networkpolicy.yaml',
            objects: [
              // the API server calls the admission and cleanup webhooks from the host network
              allowIngress('allow-webhooks', NS, {}, [fromCidr(cluster.network.nodeSubnet)], [{ port: 9443 }]),
              allowApiServerEgress('allow-kube-apiserver-controllers', NS, {}, cluster.network),
            ],
          },
        ],
      },
      {
        name: 'kyverno-policies',
        dir: 'policies',
        files: [
          { file: 'clusterpolicies.yaml', objects: policies.map((p) => clusterPolicy(p, o.mode, { labels: fleet.policy?.requiredLabels ?? [], levels: namespaceLevels(cluster) })) },
          ...(exemptions.length ? [{ file: 'policyexceptions.yaml', objects: policyExceptions(exemptions) }] : []),
        ],
      },
    ];
  },
});

const POD = { kinds: ['Pod'] };
const containerLists = ['containers', '=(initContainers)', '=(ephemeralContainers)'] as const;
/** A pattern applied to every container list of a pod spec. */
const everyContainer = (pattern: Record<string, unknown>) => ({ spec: Object.fromEntries(containerLists.map((k) => [k, [pattern]])) });

/** The rule names of each policy (exceptions name them). */
const RULES = {
  'pod-security': ['baseline', 'restricted'],
  'disallow-latest-tag': ['require-image-tag', 'disallow-latest'],
  'require-requests-limits': ['requests-and-memory-limit'],
  'disallow-host-path': ['host-path'],
  'require-labels': ['label-taxonomy'],
} as const satisfies Record<BaselinePolicy, readonly string[]>;

interface PolicyInputs {
  labels: string[];
  levels: Map<string, 'privileged' | 'baseline' | 'restricted'>;
}

interface RuleSpec {
  name: string;
  match: Record<string, unknown>;
  validate: Record<string, unknown>;
}

function rules(policy: BaselinePolicy, inputs: PolicyInputs): RuleSpec[] {
  switch (policy) {
    case 'pod-security': {
      // one rule per level, over the namespaces the model puts at that level
      return (['baseline', 'restricted'] as const).flatMap((level) => {
        const namespaces = [...inputs.levels].filter(([, l]) => l === level).map(([n]) => n).sort();
        return namespaces.length ? [{
          name: level,
          match: { any: [{ resources: { ...POD, namespaces } }] },
          validate: { message: `pods in these namespaces must meet the Pod Security "${level}" standard`, podSecurity: { level, version: 'latest' } },
        }] : [];
      });
    }
    case 'disallow-latest-tag':
      return [
        { name: RULES['disallow-latest-tag'][0], match: { any: [{ resources: POD }] }, validate: { message: 'every image needs a tag (none means latest)', pattern: everyContainer({ image: '*:*' }) } },
        { name: RULES['disallow-latest-tag'][1], match: { any: [{ resources: POD }] }, validate: { message: 'the latest tag moves; pin a version or a digest', pattern: everyContainer({ image: '!*:latest' }) } },
      ];
    case 'require-requests-limits':
      return [{
        name: RULES['require-requests-limits'][0],
        match: { any: [{ resources: POD }] },
        validate: {
          message: 'every container needs CPU and memory requests and a memory limit',
          pattern: { spec: { containers: [{ resources: { requests: { cpu: '?*', memory: '?*' }, limits: { memory: '?*' } } }] } },
        },
      }];
    case 'disallow-host-path':
      return [{
        name: RULES['disallow-host-path'][0],
        match: { any: [{ resources: POD }] },
        validate: { message: 'hostPath volumes reach into the node; only exempt namespaces may mount them', pattern: { spec: { '=(volumes)': [{ 'X(hostPath)': 'null' }] } } },
      }];
    case 'require-labels':
      return [{
        name: RULES['require-labels'][0],
        match: { any: [{ resources: POD }] },
        validate: {
          message: `workloads must carry the labels ${inputs.labels.join(', ')}`,
          pattern: { metadata: { labels: Object.fromEntries(inputs.labels.map((l) => [l, '?*'])) } },
        },
      }];
  }
}

function clusterPolicy(policy: BaselinePolicy, mode: 'audit' | 'enforce', inputs: PolicyInputs): K8sObject {
  const failureAction = mode === 'enforce' ? 'Enforce' : 'Audit';
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name: policy,
      annotations: { 'policies.kyverno.io/title': BASELINE[policy].title, 'policies.kyverno.io/category': 'Slipway baseline' },
    },
    spec: {
      background: true,
      rules: rules(policy, inputs).map((r) => ({ name: r.name, match: r.match, validate: { failureAction, ...r.validate } })),
    },
  };
}

/**
 * Kyverno writes rules for Deployments, StatefulSets, Jobs and CronJobs from each Pod rule
 * (`autogen-` and `autogen-cronjob-`): an exception must name those too, or it exempts bare
 * Pods only.
 */
const withAutogen = (names: string[]) => names.flatMap((n) => [n, `autogen-${n}`, `autogen-cronjob-${n}`]);

/** One PolicyException per exemption, named after its policy and namespace (numbered when that repeats). */
function policyExceptions(exemptions: ResolvedExemption[]): K8sObject[] {
  const taken = new Set<string>();
  return exemptions.map((e) => {
    const base = `${e.policy}-${e.namespaces.length === 1 ? e.namespaces[0] : 'namespaces'}`;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    return {
      apiVersion: 'kyverno.io/v2',
      kind: 'PolicyException',
      metadata: { name, namespace: NS, annotations: { [REASON_ANNOTATION]: `${e.reason} (${e.source})` } },
      spec: {
        exceptions: [{ policyName: e.policy, ruleNames: withAutogen([...RULES[e.policy]]) }],
        match: { any: [{ resources: { namespaces: e.namespaces } }] },
      },
    };
  });
}
