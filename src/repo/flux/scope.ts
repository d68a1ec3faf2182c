// Which kinds are cluster-scoped: Kubernetes' own, the CRD kinds of widely used projects whose
// CRDs come from charts (so they are known before, or without, rendering), plus every CRD the
// repository applies whose spec.scope is Cluster. kustomize's namespace transformer and Flux's
// targetNamespace put a namespace on every kind they do not know to be cluster-scoped (CRD kinds
// such as ClusterIssuer); the API server drops it, and so do the loader's object ids.
import type { ObjectId } from './model.js';

const BUILTIN = [
  'v1/Namespace', 'v1/Node', 'v1/PersistentVolume', 'v1/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService',
  'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode', 'storage.k8s.io/VolumeAttachment', 'storage.k8s.io/VolumeAttributesClass',
  'scheduling.k8s.io/PriorityClass', 'node.k8s.io/RuntimeClass', 'networking.k8s.io/IngressClass', 'networking.k8s.io/IPAddress', 'networking.k8s.io/ServiceCIDR',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy', 'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'certificates.k8s.io/CertificateSigningRequest', 'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema', 'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'resource.k8s.io/DeviceClass', 'resource.k8s.io/ResourceSlice',
];

/**
 * Cluster-scoped CRD kinds of common projects, as their CRDs declare (spec.scope: Cluster): read
 * from the charts in ../shared/charts (cert-manager, external-secrets, CloudNativePG, Tailscale,
 * Rook) and from the projects' published CRDs (Cilium, Gateway API, external-snapshotter, Kyverno,
 * KEDA, node-feature-discovery).
 */
const KNOWN_CRDS = [
  'cert-manager.io/ClusterIssuer',
  'external-secrets.io/ClusterSecretStore', 'external-secrets.io/ClusterExternalSecret', 'external-secrets.io/ClusterPushSecret',
  'generators.external-secrets.io/ClusterGenerator',
  'postgresql.cnpg.io/ClusterImageCatalog',
  'tailscale.com/Connector', 'tailscale.com/DNSConfig', 'tailscale.com/ProxyClass',
  'objectbucket.io/ObjectBucket',
  'cilium.io/CiliumClusterwideNetworkPolicy', 'cilium.io/CiliumClusterwideEnvoyConfig', 'cilium.io/CiliumLoadBalancerIPPool',
  'cilium.io/CiliumL2AnnouncementPolicy', 'cilium.io/CiliumBGPClusterConfig', 'cilium.io/CiliumBGPPeerConfig',
  'cilium.io/CiliumBGPAdvertisement', 'cilium.io/CiliumBGPNodeConfig', 'cilium.io/CiliumBGPNodeConfigOverride',
  'cilium.io/CiliumBGPPeeringPolicy', 'cilium.io/CiliumCIDRGroup', 'cilium.io/CiliumEgressGatewayPolicy',
  'cilium.io/CiliumNode', 'cilium.io/CiliumIdentity', 'cilium.io/CiliumPodIPPool',
  'gateway.networking.k8s.io/GatewayClass',
  'snapshot.storage.k8s.io/VolumeSnapshotClass', 'snapshot.storage.k8s.io/VolumeSnapshotContent',
  'groupsnapshot.storage.k8s.io/VolumeGroupSnapshotClass', 'groupsnapshot.storage.k8s.io/VolumeGroupSnapshotContent',
  'kyverno.io/ClusterPolicy', 'kyverno.io/ClusterCleanupPolicy', 'wgpolicyk8s.io/ClusterPolicyReport',
  'keda.sh/ClusterTriggerAuthentication',
  'nfd.k8s-sigs.io/NodeFeatureRule',
];

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0] : 'v1');

export class ScopeIndex {
  private readonly cluster = new Set([...BUILTIN, ...KNOWN_CRDS]);

  /** Learns the scope of the CRDs among `objects` (a CRD of the repository overrides the known list). */
  learn(objects: Iterable<Record<string, unknown>>): void {
    for (const o of objects) {
      if (o.kind !== 'CustomResourceDefinition') continue;
      const spec = (o.spec ?? {}) as { group?: unknown; scope?: unknown; names?: { kind?: unknown } };
      if (typeof spec.group !== 'string' || typeof spec.names?.kind !== 'string') continue;
      const key = `${spec.group}/${spec.names.kind}`;
      if (spec.scope === 'Cluster') this.cluster.add(key);
      else if (spec.scope === 'Namespaced' && !BUILTIN.includes(key)) this.cluster.delete(key);
    }
  }

  isClusterScoped(id: Pick<ObjectId, 'apiVersion' | 'kind'>): boolean {
    return this.cluster.has(`${groupOf(id.apiVersion)}/${id.kind}`);
  }
}

/**
 * Drops the namespace from the ids of cluster-scoped objects (the objects themselves stay as
 * built: `slipway build` output is kustomize's, byte for byte). Returns how many ids changed.
 */
export function clusterScopedIds(resources: Iterable<{ id: ObjectId }>, scopes: ScopeIndex): number {
  let changed = 0;
  for (const r of resources) {
    if (r.id.namespace === undefined || !scopes.isClusterScoped(r.id)) continue;
    delete r.id.namespace;
    changed++;
  }
  return changed;
}
