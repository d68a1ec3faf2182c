// Metrics scraping with the VictoriaMetrics operator's own CRs (VMServiceScrape,
// VMPodScrape, VMNodeScrape), so no module depends on the prometheus-operator CRDs. Modules
// emit them only where the victoria-metrics module runs; its vmagent lives in `monitoring`.
//
// Every scrape sets `job` to its own name: the operator's default job label differs by kind
// (the Service's name, or namespace/name), and the alert rules select targets by job.
import { allowIngress, fromNamespace, type Port } from './network-policy.js';
import type { K8sObject } from './object.js';

export const MONITORING_MODULE = 'victoria-metrics';
export const MONITORING_NS = 'monitoring';

/** Endpoint settings beyond port and path: scheme, TLS, credentials. */
export type EndpointExtras = Record<string, unknown>;

const jobLabel = (job: string) => ({ relabelConfigs: [{ targetLabel: 'job', replacement: job }] });

function scrape(kind: string, endpointsField: string, name: string, ns: string, selector: Record<string, string>, endpoint: Record<string, unknown>): K8sObject {
  return {
    apiVersion: 'operator.victoriametrics.com/v1beta1',
    kind,
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: selector },
      namespaceSelector: { matchNames: [ns] },
      [endpointsField]: [{ ...endpoint, ...jobLabel(name) }],
    },
  };
}

export const serviceScrape = (name: string, ns: string, selector: Record<string, string>, port: string, path = '/metrics', extras: EndpointExtras = {}): K8sObject =>
  scrape('VMServiceScrape', 'endpoints', name, ns, selector, { port, path, ...extras });

export const podScrape = (name: string, ns: string, selector: Record<string, string>, port: string, path = '/metrics', extras: EndpointExtras = {}): K8sObject =>
  scrape('VMPodScrape', 'podMetricsEndpoints', name, ns, selector, { port, path, ...extras });

/** Every node of the cluster on `port` (kubelet, cAdvisor): the vmagent reads node addresses from the API. */
export function nodeScrape(name: string, ns: string, port: string, path: string, extras: EndpointExtras = {}): K8sObject {
  return {
    apiVersion: 'operator.victoriametrics.com/v1beta1',
    kind: 'VMNodeScrape',
    metadata: { name, namespace: ns },
    spec: { port, path, ...extras, ...jobLabel(name) },
  };
}

/** Ingress from the vmagent in `monitoring` to the metrics ports of the selected pods. */
export function allowScrape(ns: string, podLabels: Record<string, string>, ports: Port[], name = 'allow-scrape'): K8sObject {
  return allowIngress(name, ns, podLabels, [fromNamespace(MONITORING_NS)], ports);
}
