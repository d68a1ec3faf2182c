// ingress-nginx: an Ingress controller for workloads that still speak networking.k8s.io Ingress
// (charts with only an `ingress:` block, tools that predate the Gateway API). The catalog's own
// apps use the Gateway API; this module is for the rest. Upstream announced the retirement of
// ingress-nginx (best-effort maintenance ends March 2026), so prefer the Gateway for new work.
//
// One unit: the chart (no CRDs), with the IngressClass `nginx` and a LoadBalancer Service that
// takes its address from the cluster's load-balancer pools (Cilium LB IPAM/BGP). Pod Security
// `restricted` holds: the chart's controller drops every capability but NET_BIND_SERVICE (the one
// restricted allows) and its admission-webhook Jobs run as non-root. Policies under the baseline:
// clients from anywhere on 80/443, the API server to the admission webhook (8443, from the node
// network), the controller to backends in every namespace (a backend's namespace must still allow
// it in: `allowFromIngressNginx`), and the metrics port to the vmagent when victoria-metrics runs.
import { chartSource, helmRelease } from '../k8s/builders.js';
import { allowIngress, fromAnywhere, fromCidr, fromNamespace, type Port } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { MONITORING_MODULE, allowScrape, serviceScrape } from '../k8s/scrape.js';
import { defineModule } from '../model/module.js';

const NS = 'ingress-nginx';
const CONTROLLER = { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' };
const WEBHOOK_PORT = 8443;
const METRICS_PORT = 10254;

/** Lets the ingress-nginx controller reach a backend in `ns` (the backend namespace's side of the path). */
export const allowFromIngressNginx = (name: string, ns: string, podLabels: Record<string, string>, ports: Port[]): K8sObject =>
  allowIngress(name, ns, podLabels, [{ ...fromNamespace(NS), podSelector: { matchLabels: CONTROLLER } }], ports);

export const ingressNginx = defineModule({
  name: 'ingress-nginx',
  description: 'ingress-nginx controller: IngressClass nginx behind a LoadBalancer Service',
  namespace: { name: NS, podSecurity: 'restricted' },
  defaults: {
    chart: { repo: 'https://kubernetes.github.io/ingress-nginx', name: 'ingress-nginx', version: '4.15.1' },
    replicas: 2,
    /** Make `nginx` the cluster's default IngressClass (Ingresses without ingressClassName). */
    defaultClass: false,
  },
  render({ options: o, cluster, has }) {
    const jobResources = { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } };
    const values = {
      fullnameOverride: 'ingress-nginx',
      controller: {
        replicaCount: o.replicas,
        ingressClass: 'nginx',
        ingressClassResource: { name: 'nginx', enabled: true, default: o.defaultClass, controllerValue: 'k8s.io/ingress-nginx' },
        // Local: the client address survives the LoadBalancer, and only nodes running a controller answer
        service: { type: 'LoadBalancer', externalTrafficPolicy: 'Local' },
        metrics: { enabled: true, serviceMonitor: { enabled: false } },
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
        admissionWebhooks: {
          enabled: true,
          createSecretJob: { resources: jobResources },
          patchWebhookJob: { resources: jobResources },
        },
      },
    };
    const policies: K8sObject[] = [
      allowIngress('allow-http-clients', NS, CONTROLLER, [fromCidr('0.0.0.0/0'), fromAnywhere()], [{ port: 80 }, { port: 443 }]),
      // the API server calls the validating webhook from the host network
      allowIngress('allow-webhook', NS, CONTROLLER, [fromCidr(cluster.network.nodeSubnet)], [{ port: WEBHOOK_PORT }]),
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-backends', namespace: NS },
        // backends listen on any port; their own namespaces decide who gets in
        spec: { podSelector: { matchLabels: CONTROLLER }, policyTypes: ['Egress'], egress: [{ to: [fromAnywhere()] }] },
      },
    ];
    const files = [
      { file: 'helmrepository.yaml', objects: [chartSource('ingress-nginx', NS, o.chart)] },
      { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'ingress-nginx', namespace: NS, chart: o.chart, values })] },
      { file: 'networkpolicy.yaml', objects: policies },
    ];
    if (has(MONITORING_MODULE)) {
      files.push({ file: 'scrape.yaml', objects: [serviceScrape('ingress-nginx', NS, CONTROLLER, 'metrics'), allowScrape(NS, CONTROLLER, [{ port: METRICS_PORT }])] });
    }
    return [{ name: 'ingress-nginx', dir: 'app', files }];
  },
});
