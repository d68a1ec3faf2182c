// Which kinds are cluster-scoped: Kubernetes' own, plus every CRD the cluster gets whose
// spec.scope is Cluster. Helm sends a namespaced object without a namespace to the release
// namespace; a cluster-scoped one stays without.
import type { ObjectId } from '../repo/flux/index.js';

const BUILTIN = new Set([
  'v1/Namespace', 'v1/Node', 'v1/PersistentVolume', 'v1/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService',
  'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode', 'storage.k8s.io/VolumeAttachment', 'storage.k8s.io/VolumeAttributesClass',
  'scheduling.k8s.io/PriorityClass', 'node.k8s.io/RuntimeClass', 'networking.k8s.io/IngressClass', 'networking.k8s.io/IPAddress', 'networking.k8s.io/ServiceCIDR',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy', 'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'certificates.k8s.io/CertificateSigningRequest', 'flowcontrol.apiserver.k8s.io/FlowSchema', 'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'resource.k8s.io/DeviceClass', 'resource.k8s.io/ResourceSlice',
]);

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0] : 'v1');

export class ScopeIndex {
  private readonly cluster = new Set(BUILTIN);

  /** Learns the scope of the CRDs among `objects`. */
  learn(objects: Iterable<Record<string, unknown>>): void {
    for (const o of objects) {
      if (o.kind !== 'CustomResourceDefinition') continue;
      const spec = (o.spec ?? {}) as { group?: unknown; scope?: unknown; names?: { kind?: unknown } };
      if (spec.scope === 'Cluster' && typeof spec.group === 'string' && typeof spec.names?.kind === 'string') this.cluster.add(`${spec.group}/${spec.names.kind}`);
    }
  }

  isClusterScoped(id: ObjectId): boolean {
    return this.cluster.has(`${groupOf(id.apiVersion)}/${id.kind}`);
  }
}
