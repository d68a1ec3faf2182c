// Flagger: progressive delivery (canaries, A/B, blue/green) driven by metrics (seed 004). The
// controller only: Canary objects belong to the apps that want them. When the cluster serves
// the Gateway API (Cilium's Gateway, or the envoy-gateway module) Flagger shifts traffic by
// HTTPRoute weights (meshProvider `gatewayapi:v1`); otherwise it can only do Kubernetes
// blue/green (`kubernetes`). Metrics come from the cluster's Prometheus API: kube-prometheus-stack's
// Prometheus or, on victoria-metrics' global cluster, vmselect.
//
// Two units: `flagger` (app/: the chart, which installs the flagger.app CRDs) and
// `flagger-metrics` (metrics/: a MetricTemplate, a CR of those CRDs, so it reconciles after them)
// with the HTTP error rate of a target, for Canaries of apps that export http_requests_total.
// Namespace `restricted` (the controller runs as non-root with no privileges). Policies under
// the baseline: egress to the metrics API and to every namespace (Canary webhooks and load
// testers live with the apps).
import { chartSource, helmRelease } from '../k8s/builders.js';
import { hasGateway, moduleOptions } from '../k8s/gateway.js';
import type { K8sObject } from '../k8s/object.js';
import { allowIngress, fromAnywhere, fromNamespace } from '../k8s/network-policy.js';
import { MONITORING_NS } from '../k8s/scrape.js';
import { defineModule } from '../model/module.js';
import { PROMETHEUS_URL } from './kube-prometheus-stack.js';
import { VMSELECT_URL } from './victoria-metrics.js';

const NS = 'flagger-system';

export const flagger = defineModule({
  name: 'flagger',
  description: 'Flagger progressive delivery controller (Gateway API traffic shifting when the cluster has a Gateway)',
  namespace: { name: NS, podSecurity: 'restricted' },
  defaults: {
    chart: { repo: 'https://flagger.app', name: 'flagger', version: '1.42.0' },
    /** Prometheus API Flagger queries; empty: the cluster's kube-prometheus-stack, else victoria-metrics (global). */
    metricsServer: '',
  },
  render({ options: o, cluster, has }) {
    const gateway = hasGateway(cluster) || has('envoy-gateway');
    const vmGlobal = moduleOptions(cluster, 'victoria-metrics')?.role === 'global';
    const kps = has('kube-prometheus-stack');
    const metricsServer = o.metricsServer || (kps ? PROMETHEUS_URL : vmGlobal ? VMSELECT_URL : '');
    const values = {
      meshProvider: gateway ? 'gatewayapi:v1' : 'kubernetes',
      ...(metricsServer ? { metricsServer } : {}),
      prometheus: { install: false },
      podMonitor: { enabled: false },
      resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } },
    };
    const egress: K8sObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-flagger-targets', namespace: NS },
      // the metrics API, Canary webhooks and load testers, on whatever ports they serve
      spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'flagger' } }, policyTypes: ['Egress'], egress: [{ to: [fromAnywhere()] }] },
    };
    const units = [{
      name: 'flagger',
      dir: 'app',
      installsCrds: ['AlertProvider', 'Canary', 'MetricTemplate'].map((k) => `flagger.app/${k}`),
      files: [
        { file: 'helmrepository.yaml', objects: [chartSource('flagger', NS, o.chart)] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'flagger', namespace: NS, chart: o.chart, values })] },
        {
          file: 'networkpolicy.yaml',
          objects: [
            egress,
            // the metrics API's side of the path, when it is the cluster's own
            ...(!o.metricsServer && (kps || vmGlobal)
              ? [allowIngress('allow-flagger', MONITORING_NS, { 'app.kubernetes.io/name': kps ? 'prometheus' : 'vmselect' }, [fromNamespace(NS)], [{ port: kps ? 9090 : 8481 }])]
              : []),
          ],
        },
      ],
    }];
    if (metricsServer) {
      const rate = (status: string) =>
        `sum(rate(http_requests_total{namespace="{{ namespace }}",pod=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"${status}}[{{ interval }}]))`;
      const template: K8sObject = {
        apiVersion: 'flagger.app/v1beta1',
        kind: 'MetricTemplate',
        metadata: { name: 'http-error-rate', namespace: NS },
        spec: {
          provider: { type: 'prometheus', address: metricsServer },
          // percentage of 5xx answers of the canary's pods over the analysis interval
          query: `100 * ${rate(',status=~"5.."')} / ${rate('')}`,
        },
      };
      units.push({ name: 'flagger-metrics', dir: 'metrics', files: [{ file: 'metrictemplate.yaml', objects: [template] }] } as typeof units[number]);
    }
    return units;
  },
});
