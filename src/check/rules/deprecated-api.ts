// k8s/deprecated-api: the Kubernetes API lifecycle, pluto-style. An apiVersion removed at
// the target version is an error (the apply fails after an upgrade); one deprecated there
// is a warning (it will be removed). An apiVersion newer than the target is an error too: the
// target does not serve it yet.
import { parseApiVersion, type SchemaRegistry } from '../../schema/index.js';
import type { Rule, RuleFinding } from '../rule.js';

interface Lifecycle {
  apiVersion: string;
  /** Kinds this applies to; all kinds of the group/version when empty. */
  kinds: string[];
  deprecated: string;
  removed?: string;
  replacement: string;
}

/** From the Kubernetes deprecation guide (kubernetes.io/docs/reference/using-api/deprecation-guide). */
const LIFECYCLE: Lifecycle[] = [
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], deprecated: '1.14', removed: '1.22', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['Deployment', 'DaemonSet', 'ReplicaSet'], deprecated: '1.9', removed: '1.16', replacement: 'apps/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['NetworkPolicy'], deprecated: '1.9', removed: '1.16', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['PodSecurityPolicy'], deprecated: '1.10', removed: '1.16', replacement: 'policy/v1beta1 (itself removed in 1.25)' },
  { apiVersion: 'apps/v1beta1', kinds: [], deprecated: '1.9', removed: '1.16', replacement: 'apps/v1' },
  { apiVersion: 'apps/v1beta2', kinds: [], deprecated: '1.9', removed: '1.16', replacement: 'apps/v1' },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['Ingress', 'IngressClass'], deprecated: '1.19', removed: '1.22', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', kinds: [], deprecated: '1.16', removed: '1.22', replacement: 'apiextensions.k8s.io/v1' },
  // v1beta1 of the webhook configurations only: MutatingAdmissionPolicy and ValidatingAdmissionPolicy reuse v1beta1 later
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], deprecated: '1.16', removed: '1.22', replacement: 'admissionregistration.k8s.io/v1' },
  { apiVersion: 'apiregistration.k8s.io/v1beta1', kinds: [], deprecated: '1.19', removed: '1.22', replacement: 'apiregistration.k8s.io/v1' },
  { apiVersion: 'authentication.k8s.io/v1beta1', kinds: ['TokenReview'], deprecated: '1.19', removed: '1.22', replacement: 'authentication.k8s.io/v1' },
  { apiVersion: 'authorization.k8s.io/v1beta1', kinds: [], deprecated: '1.19', removed: '1.22', replacement: 'authorization.k8s.io/v1' },
  { apiVersion: 'certificates.k8s.io/v1beta1', kinds: ['CertificateSigningRequest'], deprecated: '1.19', removed: '1.22', replacement: 'certificates.k8s.io/v1' },
  { apiVersion: 'coordination.k8s.io/v1beta1', kinds: ['Lease'], deprecated: '1.19', removed: '1.22', replacement: 'coordination.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', kinds: [], deprecated: '1.17', removed: '1.22', replacement: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1alpha1', kinds: [], deprecated: '1.17', removed: '1.22', replacement: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'scheduling.k8s.io/v1beta1', kinds: [], deprecated: '1.14', removed: '1.22', replacement: 'scheduling.k8s.io/v1' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], deprecated: '1.19', removed: '1.22', replacement: 'storage.k8s.io/v1' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], deprecated: '1.24', removed: '1.27', replacement: 'storage.k8s.io/v1' },
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], deprecated: '1.21', removed: '1.25', replacement: 'batch/v1' },
  { apiVersion: 'discovery.k8s.io/v1beta1', kinds: ['EndpointSlice'], deprecated: '1.21', removed: '1.25', replacement: 'discovery.k8s.io/v1' },
  { apiVersion: 'events.k8s.io/v1beta1', kinds: ['Event'], deprecated: '1.19', removed: '1.25', replacement: 'events.k8s.io/v1' },
  { apiVersion: 'autoscaling/v2beta1', kinds: ['HorizontalPodAutoscaler'], deprecated: '1.22', removed: '1.25', replacement: 'autoscaling/v2' },
  { apiVersion: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], deprecated: '1.23', removed: '1.26', replacement: 'autoscaling/v2' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget'], deprecated: '1.21', removed: '1.25', replacement: 'policy/v1' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodSecurityPolicy'], deprecated: '1.21', removed: '1.25', replacement: 'Pod Security Admission (namespace labels)' },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], deprecated: '1.20', removed: '1.25', replacement: 'node.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1', kinds: [], deprecated: '1.23', removed: '1.26', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', kinds: [], deprecated: '1.26', removed: '1.29', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kinds: [], deprecated: '1.29', removed: '1.32', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'admissionregistration.k8s.io/v1alpha1', kinds: ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'], deprecated: '1.30', replacement: 'admissionregistration.k8s.io/v1' },
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', kinds: ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'], deprecated: '1.30', replacement: 'admissionregistration.k8s.io/v1' },
  // Flux's own APIs: the v1beta versions left with Flux 2.3–2.7
  { apiVersion: 'kustomize.toolkit.fluxcd.io/v1beta1', kinds: [], deprecated: '1.0', replacement: 'kustomize.toolkit.fluxcd.io/v1' },
  { apiVersion: 'kustomize.toolkit.fluxcd.io/v1beta2', kinds: [], deprecated: '1.0', replacement: 'kustomize.toolkit.fluxcd.io/v1' },
  { apiVersion: 'helm.toolkit.fluxcd.io/v2beta1', kinds: [], deprecated: '1.0', replacement: 'helm.toolkit.fluxcd.io/v2' },
  { apiVersion: 'helm.toolkit.fluxcd.io/v2beta2', kinds: [], deprecated: '1.0', replacement: 'helm.toolkit.fluxcd.io/v2' },
  { apiVersion: 'source.toolkit.fluxcd.io/v1beta1', kinds: [], deprecated: '1.0', replacement: 'source.toolkit.fluxcd.io/v1' },
  { apiVersion: 'source.toolkit.fluxcd.io/v1beta2', kinds: [], deprecated: '1.0', replacement: 'source.toolkit.fluxcd.io/v1' },
];

interface Introduction {
  apiVersion: string;
  kinds: string[];
  /** The first Kubernetes minor version that serves it by default. */
  served: string;
}

/**
 * APIs newer than the oldest Kubernetes a repository may still target, from the Kubernetes release
 * notes: the version each became GA. (Beta APIs added since 1.24 are off by default, so their
 * v1beta versions are not served by default at any version; the --schemas folder of the target
 * version, where given, settles those from data.)
 */
const INTRODUCED: Introduction[] = [
  { apiVersion: 'networking.k8s.io/v1', kinds: ['Ingress', 'IngressClass'], served: '1.19' },
  { apiVersion: 'node.k8s.io/v1', kinds: ['RuntimeClass'], served: '1.20' },
  { apiVersion: 'batch/v1', kinds: ['CronJob'], served: '1.21' },
  { apiVersion: 'policy/v1', kinds: ['PodDisruptionBudget'], served: '1.21' },
  { apiVersion: 'discovery.k8s.io/v1', kinds: ['EndpointSlice'], served: '1.21' },
  { apiVersion: 'autoscaling/v2', kinds: ['HorizontalPodAutoscaler'], served: '1.23' },
  { apiVersion: 'storage.k8s.io/v1', kinds: ['CSIStorageCapacity'], served: '1.24' },
  { apiVersion: 'authentication.k8s.io/v1', kinds: ['SelfSubjectReview'], served: '1.28' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kinds: [], served: '1.29' },
  { apiVersion: 'admissionregistration.k8s.io/v1', kinds: ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'], served: '1.30' },
  { apiVersion: 'networking.k8s.io/v1', kinds: ['IPAddress', 'ServiceCIDR'], served: '1.33' },
  { apiVersion: 'resource.k8s.io/v1', kinds: [], served: '1.34' },
  { apiVersion: 'storage.k8s.io/v1', kinds: ['VolumeAttributesClass'], served: '1.34' },
];

/** The Kubernetes version that first serves `apiVersion`/`kind`, when the target version does not yet. */
export function servedFrom(apiVersion: string, kind: string, kubeVersion: string): string | undefined {
  const hit = INTRODUCED.find((l) => l.apiVersion === apiVersion && (l.kinds.length === 0 || l.kinds.includes(kind)));
  return hit && !atLeast(kubeVersion, hit.served) ? hit.served : undefined;
}

/** "1.31" → [1, 31]; compares minor versions. */
function atLeast(target: string, version: string): boolean {
  const [ta, tb] = target.split('.').map(Number);
  const [va, vb] = version.split('.').map(Number);
  return ta > va || (ta === va && tb >= vb);
}

/** The Kubernetes version that removed `apiVersion`/`kind`, when the target version no longer serves it. */
export function removedAt(apiVersion: string, kind: string, kubeVersion: string): string | undefined {
  const hit = LIFECYCLE.find((l) => l.apiVersion === apiVersion && (l.kinds.length === 0 || l.kinds.includes(kind)));
  return hit?.removed !== undefined && atLeast(kubeVersion, hit.removed) ? hit.removed : undefined;
}

function notInTargetFolder(schemas: SchemaRegistry, apiVersion: string, kind: string, kubeVersion: string): string | undefined {
  return schemas.absentFromTargetFolder(parseApiVersion(apiVersion, kind), kubeVersion);
}

export const deprecatedApi: Rule = {
  id: 'k8s/deprecated-api',
  severity: 'error',
  doc: {
    summary: 'an apiVersion that is deprecated or removed at the target Kubernetes version (--kube-version), or not served by it yet',
    why: 'a removed API makes the apply fail after a cluster upgrade; a deprecated one will. An API newer than the target is not served ' +
      '(the apply fails with "no matches for kind"): known from the Kubernetes release notes, or from the --schemas folder of the target version lacking it.',
    fix: 'move the document to the replacement apiVersion the message names (fields may have changed; check its schema); ' +
      'for an API not served yet, use an apiVersion the target serves, or set the real target with --kube-version or .slipway.yaml kubeVersion.',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    const absent = new Map<string, string | undefined>(); // apiVersion/kind → the target's schema folder that lacks it
    for (const { cluster, resource } of ctx.appliedOnce()) {
      const { apiVersion, kind } = resource.id;
      const key = `${apiVersion}|${kind}`;
      const from = servedFrom(apiVersion, kind, ctx.kubeVersion);
      if (!absent.has(key)) absent.set(key, from ? undefined : notInTargetFolder(ctx.schemas, apiVersion, kind, ctx.kubeVersion));
      const folder = absent.get(key);
      if (from || folder) {
        const message = from
          ? `${kind} ${apiVersion} is not served by Kubernetes ${ctx.kubeVersion} (served from ${from}); the apply fails with "no matches for kind"`
          : `${kind} ${apiVersion} is not served by Kubernetes ${ctx.kubeVersion}: its schemas (${folder}) lack it, though a newer Kubernetes has it; the apply fails with "no matches for kind"`;
        out.push({
          message, file: resource.origin?.file, ...ctx.locator.locate(resource.origin, '/apiVersion'), cluster: cluster.name, resource: resource.id,
          rootCause: { key: `served|${key}`, message },
        });
        continue;
      }
      const hit = LIFECYCLE.find((l) => l.apiVersion === apiVersion && (l.kinds.length === 0 || l.kinds.includes(kind)));
      if (!hit || !atLeast(ctx.kubeVersion, hit.deprecated)) continue;
      const removed = hit.removed !== undefined && atLeast(ctx.kubeVersion, hit.removed);
      out.push({
        severity: removed ? 'error' : 'warning',
        message: removed
          ? `${kind} ${apiVersion} was removed in Kubernetes ${hit.removed} (target ${ctx.kubeVersion}); use ${hit.replacement}`
          : `${kind} ${apiVersion} is deprecated${hit.removed ? ` and removed in Kubernetes ${hit.removed}` : ''}; use ${hit.replacement}`,
        file: resource.origin?.file, ...ctx.locator.locate(resource.origin, '/apiVersion'), cluster: cluster.name, resource: resource.id,
        rootCause: { key: `${apiVersion}|${kind}`, message: removed ? `${kind} ${apiVersion} was removed in Kubernetes ${hit.removed} (target ${ctx.kubeVersion}); use ${hit.replacement}` : `${kind} ${apiVersion} is deprecated${hit.removed ? ` and removed in Kubernetes ${hit.removed}` : ''}; use ${hit.replacement}` },
      });
    }
    return out;
  },
};
