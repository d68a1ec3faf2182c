// NetworkPolicies in the shape seed 001 plans: default-deny per namespace, then
// explicit allows per app. Plain networking.k8s.io/v1 so any CNI enforces them.
import { hostAddress } from './cidr.js';
import type { K8sObject } from './object.js';

type Peer = Record<string, unknown>;
export interface Port { port: number; protocol?: 'TCP' | 'UDP' }

const ports = (list: Port[]) => list.map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP' }));

/** `{}` (every pod of the namespace) for no labels. */
const podSelector = (labels: Record<string, string>) => (Object.keys(labels).length ? { matchLabels: labels } : {});

function policy(name: string, ns: string, spec: Record<string, unknown>): K8sObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

/** The baseline every namespace gets: deny everything, then DNS, the API server and same-namespace traffic. */
export function namespaceBaseline(ns: string, apiServer: ApiServerNetwork): K8sObject[] {
  return [
    policy('default-deny', ns, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    allowDnsEgress('allow-dns', ns, {}),
    policy('allow-same-namespace', ns, {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    }),
    allowApiServerEgress('allow-kube-apiserver', ns, {}, apiServer),
  ];
}

/** Where pods reach the Kubernetes API: the control-plane nodes' 6443 and the `kubernetes` Service. */
export interface ApiServerNetwork { nodeSubnet: string; serviceCIDR: string }

/** Egress to cluster DNS (CoreDNS in kube-system) for the selected pods; `{}` selects all. */
export const allowDnsEgress = (name: string, ns: string, podLabels: Record<string, string>): K8sObject =>
  allowEgress(name, ns, podLabels, [{
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
  }], [{ port: 53, protocol: 'UDP' }, { port: 53 }]);

/**
 * Egress to the API server for the selected pods. Any pod with an egress policy loses every
 * other destination, so a controller or CoreDNS (its kubernetes plugin watches Services) that
 * gets one needs this too, or it stops syncing at its next restart.
 */
export const allowApiServerEgress = (name: string, ns: string, podLabels: Record<string, string>, apiServer: ApiServerNetwork): K8sObject =>
  allowEgress(name, ns, podLabels, [fromCidr(apiServer.nodeSubnet), fromCidr(serviceIP(apiServer.serviceCIDR))], [{ port: 6443 }, { port: 443 }]);

/** The `kubernetes` Service address: the first host of the service CIDR. */
const serviceIP = (serviceCIDR: string) => `${hostAddress(serviceCIDR, 1)}/32`;

export const fromNamespace = (name: string): Peer => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
});

export const fromAnywhere = (): Peer => ({ namespaceSelector: {} });

export const fromCidr = (cidr: string): Peer => ({ ipBlock: { cidr } });

/** Anything outside the private ranges: the internet. */
export const internet = (): Peer => ({
  ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] },
});

export function allowIngress(name: string, ns: string, podLabels: Record<string, string>, from: Peer[], onPorts: Port[]): K8sObject {
  return policy(name, ns, {
    podSelector: podSelector(podLabels),
    policyTypes: ['Ingress'],
    ingress: [{ from, ports: ports(onPorts) }],
  });
}

export function allowEgress(name: string, ns: string, podLabels: Record<string, string>, to: Peer[], onPorts: Port[]): K8sObject {
  return policy(name, ns, {
    podSelector: podSelector(podLabels),
    policyTypes: ['Egress'],
    egress: [{ to, ports: ports(onPorts) }],
  });
}
