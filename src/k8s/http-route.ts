// HTTPRoutes onto the cluster's Gateways (see gateway.ts: cilium owns `internal` and
// `external` in kube-system, with an https listener for `*.<cluster domain>` whose wildcard
// certificate comes from cert-manager, so routes carry no TLS of their own).
import { GATEWAY_NAMESPACE, type GatewayName } from './gateway.js';
import type { Port } from './network-policy.js';
import type { K8sObject } from './object.js';

export { hasGateway } from './gateway.js';

const parentRef = (gateway: GatewayName) => ({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: gateway, namespace: GATEWAY_NAMESPACE });

/**
 * An HTTPRoute sending every path of `hostname` to `service:port` in `ns`. A route published on
 * `external` is attached to `internal` as well: LAN clients and internal DNS reach every name of
 * the domain at the internal Gateway, without a detour through the tunnel.
 */
export function httpRoute(name: string, ns: string, hostname: string, service: string, port: number, gateway: GatewayName = 'internal'): K8sObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: ns },
    spec: {
      parentRefs: (gateway === 'external' ? ['external', 'internal'] as const : [gateway]).map(parentRef),
      hostnames: [hostname],
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [{ group: '', kind: 'Service', name: service, port }],
      }],
    },
  };
}

/**
 * Lets the Gateway reach a backend. Cilium's Gateway proxies from its Envoy with the
 * reserved `ingress` identity, which a plain NetworkPolicy cannot select (it is not a
 * pod in kube-system), so this is a CiliumNetworkPolicy with `fromEntities: [ingress]`.
 */
export function allowFromGateway(name: string, ns: string, podLabels: Record<string, string>, ports: Port[]): K8sObject {
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: { name, namespace: ns },
    spec: {
      endpointSelector: Object.keys(podLabels).length ? { matchLabels: podLabels } : {},
      ingress: [{
        fromEntities: ['ingress'],
        toPorts: [{ ports: ports.map((p) => ({ port: String(p.port), protocol: p.protocol ?? 'TCP' })) }],
      }],
    },
  };
}

/** Attach a route to `external` only (a subset of paths published next to a full internal route). */
export function externalOnly(route: K8sObject): K8sObject {
  (route.spec as { parentRefs: unknown[] }).parentRefs = [parentRef('external')];
  return route;
}
