// Services shared between Cilium ClusterMesh peers. A Service annotated global is load-balanced
// over the endpoints of every cluster that declares a Service of the same name and namespace;
// a cluster that only consumes it declares one without a selector and not shared, so all its
// endpoints are the provider's. Cilium tells the clusters' pods apart by identity, so policies
// on the provider's side name the client cluster (`io.cilium.k8s.policy.cluster`).
import type { ClusterConfig } from '../model/types.js';
import type { K8sObject } from './object.js';

/** Cilium's cluster name of a cluster in the mesh. */
export const meshName = (c: ClusterConfig): string => c.network.clusterMesh?.name ?? c.name;

/** Annotations of a provider's Service: its endpoints are offered to every peer. */
export const GLOBAL_SERVICE = { 'service.cilium.io/global': 'true' };

/** The consumer's side: the same name and namespace, no selector, no endpoints of its own. */
export function remoteService(name: string, ns: string, ports: Array<{ name: string; port: number }>): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, annotations: { ...GLOBAL_SERVICE, 'service.cilium.io/shared': 'false' } },
    spec: { type: 'ClusterIP', ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: 'TCP', targetPort: p.port })) },
  };
}

/** Pods of a peer cluster, in one namespace, optionally with labels. */
export interface MeshClient { cluster: ClusterConfig; namespace: string; labels?: Record<string, string> }

/** Ingress to the selected pods from pods of peer clusters, on one TCP port. */
export function allowFromPeers(name: string, ns: string, podLabels: Record<string, string>, clients: MeshClient[], port: number): K8sObject {
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: { name, namespace: ns },
    spec: {
      endpointSelector: { matchLabels: podLabels },
      ingress: [{
        fromEndpoints: clients.map((c) => ({
          matchLabels: { 'io.cilium.k8s.policy.cluster': meshName(c.cluster), 'k8s:io.kubernetes.pod.namespace': c.namespace, ...c.labels },
        })),
        toPorts: [{ ports: [{ port: String(port), protocol: 'TCP' }] }],
      }],
    },
  };
}
