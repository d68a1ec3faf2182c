// OpenCost: what each namespace, workload and label costs, computed from the resource usage in
// the cluster's Prometheus API and a price list (on-premises: the chart's default prices per
// CPU-hour, GB-hour and GB-month, editable in the UI). It needs a Prometheus API to read: the
// cluster's kube-prometheus-stack or, on victoria-metrics' global cluster, vmselect; without
// either the module says so instead of rendering a dashboard of zeros.
//
// One unit, no CRDs. Namespace `restricted`. Policies under the baseline: egress to the metrics
// API in `monitoring` and, in `monitoring`, ingress from here to it; with a Gateway, the UI is published on the internal Gateway at
// `opencost.<cluster domain>`.
import { chartSource, helmRelease } from '../k8s/builders.js';
import { moduleOptions } from '../k8s/gateway.js';
import { allowFromGateway, hasGateway, httpRoute } from '../k8s/http-route.js';
import { allowEgress, allowIngress, fromNamespace } from '../k8s/network-policy.js';
import { MONITORING_NS } from '../k8s/scrape.js';
import { defineModule, ModuleConfigError } from '../model/module.js';
import { PROMETHEUS_URL } from './kube-prometheus-stack.js';
import { VMSELECT_URL } from './victoria-metrics.js';

const NS = 'opencost';
const UI_PORT = 9090;

export const opencost = defineModule({
  name: 'opencost',
  description: 'OpenCost: cost allocation per namespace and workload from Prometheus metrics',
  namespace: { name: NS, podSecurity: 'restricted' },
  defaults: {
    chart: { repo: 'https://opencost.github.io/opencost-helm-chart', name: 'opencost', version: '2.1.7' },
    /** Name of the cluster in OpenCost's reports. */
    clusterId: '',
  },
  render({ options: o, cluster, has, domain }) {
    const vmGlobal = moduleOptions(cluster, 'victoria-metrics')?.role === 'global';
    const prometheus = has('kube-prometheus-stack')
      ? { url: PROMETHEUS_URL, port: 9090, pods: { 'app.kubernetes.io/name': 'prometheus' } }
      : vmGlobal ? { url: VMSELECT_URL, port: 8481, pods: { 'app.kubernetes.io/name': 'vmselect' } } : undefined;
    if (!prometheus) {
      throw new ModuleConfigError(`opencost on cluster "${cluster.name}" needs a Prometheus API to read: enable kube-prometheus-stack, or victoria-metrics with role "global", on this cluster`);
    }
    const values = {
      opencost: {
        exporter: {
          defaultClusterId: o.clusterId || cluster.name,
          resources: { requests: { cpu: '10m', memory: '128Mi' }, limits: { memory: '1Gi' } },
        },
        prometheus: { internal: { enabled: false }, external: { enabled: true, url: prometheus.url } },
        ui: { enabled: true, resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } } },
        metrics: { serviceMonitor: { enabled: false } },
      },
    };
    const opencostPods = { 'app.kubernetes.io/name': 'opencost' };
    const files = [
      { file: 'helmrepository.yaml', objects: [chartSource('opencost', NS, o.chart)] },
      { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'opencost', namespace: NS, chart: o.chart, values })] },
      {
        file: 'networkpolicy.yaml',
        objects: [
          allowEgress('allow-prometheus-api', NS, opencostPods, [fromNamespace(MONITORING_NS)], [{ port: prometheus.port }]),
          // the other side of the path, in the metrics namespace
          allowIngress('allow-opencost', MONITORING_NS, prometheus.pods, [fromNamespace(NS)], [{ port: prometheus.port }]),
        ],
      },
    ];
    if (hasGateway(cluster)) {
      files.push(
        { file: 'httproute.yaml', objects: [httpRoute('opencost', NS, `opencost.${domain}`, 'opencost', UI_PORT, 'internal')] },
        { file: 'networkpolicy-gateway.yaml', objects: [allowFromGateway('allow-gateway', NS, opencostPods, [{ port: UI_PORT }])] },
      );
    }
    return [{ name: 'opencost', dir: 'app', files }];
  },
});
