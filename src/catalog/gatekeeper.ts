// OPA Gatekeeper with the baseline policies generated from the model (seeds 000, 002, 004): images
// pinned to a tag other than latest, requests and limits, no hostPath outside exempt namespaces,
// and the fleet's label taxonomy — each a ConstraintTemplate (Rego) and a constraint whose
// `excludedNamespaces` are the exemptions of the one list in the model (k8s/policy.ts), which
// also feeds .slipway.yaml. The Pod Security levels are enforced by the namespaces' own
// pod-security.kubernetes.io labels (Kubernetes' built-in admission), which synth writes for
// every namespace: a Gatekeeper copy of the standards would judge the same pods twice.
//
// Three units, because each step's CRDs come from the step before: `gatekeeper` (the chart, its
// CRDs), `gatekeeper-templates` (ConstraintTemplates; Gatekeeper makes a CRD from each),
// `gatekeeper-constraints` (the constraints, custom resources of those CRDs).
// `mode: 'audit'` writes enforcementAction dryrun (violations in the constraints' status), then
// `enforce` writes deny.
import { chartSource, helmRelease } from '../k8s/builders.js';
import { allowApiServerEgress, allowIngress, fromCidr } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { baselinePolicies, clusterExemptions, exemptNamespaces, BASELINE } from '../k8s/policy.js';
import { defineModule } from '../model/module.js';
import type { BaselinePolicy } from '../model/types.js';

const NS = 'gatekeeper-system';

interface Template {
  kind: string;
  rego: string;
  parameters?: Record<string, unknown>;
}

/** The Rego of each policy Gatekeeper enforces (pod-security is the namespaces' own admission). */
const TEMPLATES: Partial<Record<BaselinePolicy, Template>> = {
  'disallow-latest-tag': {
    kind: 'SlipwayDisallowLatestTag',
    rego: `package slipwaydisallowlatesttag

containers[c] { c := input.review.object.spec.containers[_] }
containers[c] { c := input.review.object.spec.initContainers[_] }
containers[c] { c := input.review.object.spec.ephemeralContainers[_] }

pinned(image) { contains(image, "@") }
pinned(image) {
  parts := split(image, "/")
  contains(parts[count(parts) - 1], ":")
  not endswith(image, ":latest")
}

violation[{"msg": msg}] {
  c := containers[_]
  not pinned(c.image)
  msg := sprintf("container <%v> runs %v: no tag, or the moving latest tag; pin a version or a digest", [c.name, c.image])
}
`,
  },
  'require-requests-limits': {
    kind: 'SlipwayRequireResources',
    rego: `package slipwayrequireresources

has(c, "requests.cpu") { c.resources.requests.cpu }
has(c, "requests.memory") { c.resources.requests.memory }
has(c, "limits.memory") { c.resources.limits.memory }

violation[{"msg": msg}] {
  c := input.review.object.spec.containers[_]
  missing := [f | f := ["requests.cpu", "requests.memory", "limits.memory"][_]; not has(c, f)]
  count(missing) > 0
  msg := sprintf("container <%v> has no %v", [c.name, concat(", ", missing)])
}
`,
  },
  'disallow-host-path': {
    kind: 'SlipwayDisallowHostPath',
    rego: `package slipwaydisallowhostpath

violation[{"msg": msg}] {
  v := input.review.object.spec.volumes[_]
  v.hostPath
  msg := sprintf("volume <%v> mounts the node's %v; only exempt namespaces may", [v.name, v.hostPath.path])
}
`,
  },
  'require-labels': {
    kind: 'SlipwayRequiredLabels',
    parameters: { type: 'object', properties: { labels: { type: 'array', items: { type: 'string' } } } },
    rego: `package slipwayrequiredlabels

violation[{"msg": msg}] {
  provided := {l | input.review.object.metadata.labels[l]}
  required := {l | l := input.parameters.labels[_]}
  missing := required - provided
  count(missing) > 0
  msg := sprintf("missing the labels %v of the label taxonomy", [missing])
}
`,
  },
};

/** The ConstraintTemplate kind a policy is enforced by (check reads constraints with it). */
export const constraintKind = (policy: BaselinePolicy) => TEMPLATES[policy]?.kind;

export const gatekeeper = defineModule({
  name: 'gatekeeper',
  description: 'OPA Gatekeeper with baseline ConstraintTemplates and constraints, exemptions from the model',
  namespace: { name: NS, podSecurity: 'baseline' },
  defaults: {
    chart: { repo: 'https://open-policy-agent.github.io/gatekeeper/charts', name: 'gatekeeper', version: '3.20.1' },
    /** `audit` records violations (enforcementAction dryrun); `enforce` denies them at admission. */
    mode: 'audit' as 'audit' | 'enforce',
    /** Webhook replicas; three keep admission up through a node drain. */
    replicas: 3,
  },
  render({ options: o, fleet, cluster }) {
    const values = {
      replicas: o.replicas,
      controllerManager: { resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } } },
      audit: { resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } } },
      // the pre-install hook that would apply the CRDs in a Job: the chart's crds/ do it through Helm
      postUpgrade: { labelNamespace: { enabled: false } },
    };
    const policies = baselinePolicies(fleet).filter((p) => TEMPLATES[p]);
    const exemptions = clusterExemptions(fleet, cluster);
    const templates = policies.map((p) => constraintTemplate(p, TEMPLATES[p]!));
    const constraints = policies.map((p) => constraint(p, TEMPLATES[p]!, o.mode, exemptNamespaces(exemptions, p), fleet.policy?.requiredLabels ?? []));
    return [
      {
        name: 'gatekeeper',
        dir: 'app',
        installsCrds: ['ConstraintTemplate'].map((k) => `templates.gatekeeper.sh/${k}`)
          .concat(['Config', 'Provider', 'SyncSet'].map((k) => `config.gatekeeper.sh/${k}`))
          .concat(['Assign', 'AssignImage', 'AssignMetadata', 'ModifySet'].map((k) => `mutations.gatekeeper.sh/${k}`)),
        files: [
          { file: 'helmrepository.yaml', objects: [chartSource('gatekeeper', NS, o.chart)] },
          { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'gatekeeper', namespace: NS, chart: o.chart, values })] },
          {
            file: 'networkpolicy.yaml',
            objects: [
              // the API server calls the admission webhook from the host network
              allowIngress('allow-webhook', NS, { 'gatekeeper.sh/operation': 'webhook' }, [fromCidr(cluster.network.nodeSubnet)], [{ port: 8443 }]),
              allowApiServerEgress('allow-kube-apiserver-controllers', NS, {}, cluster.network),
            ],
          },
        ],
      },
      { name: 'gatekeeper-templates', dir: 'templates', files: [{ file: 'constrainttemplates.yaml', objects: templates }] },
      { name: 'gatekeeper-constraints', dir: 'constraints', files: [{ file: 'constraints.yaml', objects: constraints }] },
    ];
  },
});

function constraintTemplate(policy: BaselinePolicy, t: Template): K8sObject {
  return {
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: { name: t.kind.toLowerCase(), annotations: { description: BASELINE[policy].title } },
    spec: {
      crd: { spec: { names: { kind: t.kind }, ...(t.parameters ? { validation: { openAPIV3Schema: t.parameters } } : {}) } },
      targets: [{ target: 'admission.k8s.gatekeeper.sh', rego: t.rego }],
    },
  };
}

function constraint(policy: BaselinePolicy, t: Template, mode: 'audit' | 'enforce', excluded: string[], labels: string[]): K8sObject {
  return {
    apiVersion: 'constraints.gatekeeper.sh/v1beta1',
    kind: t.kind,
    metadata: { name: policy },
    spec: {
      enforcementAction: mode === 'enforce' ? 'deny' : 'dryrun',
      match: {
        kinds: [{ apiGroups: [''], kinds: ['Pod'] }],
        // the model's exemptions (privileged modules, fleet.policy.exemptions), and Gatekeeper's own
        // namespace: a webhook judging its own pods could never start again after an outage
        excludedNamespaces: [...new Set([...excluded, NS])].sort(),
      },
      ...(policy === 'require-labels' ? { parameters: { labels } } : {}),
    },
  };
}
