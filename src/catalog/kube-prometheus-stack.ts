// kube-prometheus-stack: the Prometheus Operator with one Prometheus, one Alertmanager,
// kube-state-metrics, node-exporter and the upstream rules — the alternative to victoria-metrics
// for a cluster that wants plain Prometheus (seed 000). Enable one of the two per cluster: both
// claim the `monitoring` namespace and scrape the same targets.
//
// CRDs: the catalog's `prometheus-operator-crds` module installs the monitoring.coreos.com CRDs in
// the bootstrap phase, so this chart runs with `crds.enabled: false` and requires that module.
// One owner for the CRDs means no two Helm releases fight over them, and upgrading the CRDs is
// a bump of that module; the chart's own CRs (Prometheus, Alertmanager, ServiceMonitors,
// PrometheusRules) are declared as chartUsesCrds, which orders this unit after the CRD unit.
// Grafana is off: the catalog has its own grafana module. kube-proxy is not scraped (Cilium
// replaces it); etcd, scheduler and controller-manager listen on localhost on Talos, so their
// scrapes are off too rather than permanently down.
//
// Namespace `privileged`: node-exporter needs hostNetwork, hostPID and hostPath. Policies under
// the baseline: Prometheus reaches every pod (ServiceMonitors anywhere) and the nodes (kubelet
// 10250, node-exporter 9100); the API server reaches the operator's admission webhook (10250).
import { chartSource, helmRelease } from '../k8s/builders.js';
import { allowEgress, allowIngress, fromAnywhere, fromCidr } from '../k8s/network-policy.js';
import { MONITORING_NS } from '../k8s/scrape.js';
import { defineModule, ModuleConfigError } from '../model/module.js';
import { CEPH_BLOCK } from './rook-ceph.js';

const NS = MONITORING_NS;
const RELEASE = 'kube-prometheus-stack';

/** In-cluster Prometheus API of this module, for consumers (opencost, flagger). */
export const PROMETHEUS_URL = `http://${RELEASE}-prometheus.${NS}.svc.cluster.local:9090`;

/** The monitoring.coreos.com kinds the chart's templates create. */
const CHART_CRS = ['Alertmanager', 'Prometheus', 'PrometheusRule', 'ServiceMonitor'];

const res = (cpu: string, memory: string, limit: string) => ({ requests: { cpu, memory }, limits: { memory: limit } });

export const kubePrometheusStack = defineModule({
  name: 'kube-prometheus-stack',
  description: 'Prometheus Operator, Prometheus, Alertmanager, kube-state-metrics and node-exporter (CRDs from prometheus-operator-crds)',
  namespace: { name: NS, podSecurity: 'privileged' },
  requires: ['prometheus-operator-crds'],
  defaults: {
    chart: { repo: 'https://prometheus-community.github.io/helm-charts', name: 'kube-prometheus-stack', version: '88.3.0' },
    /** StorageClass and size of Prometheus' volume, and how long samples are kept. */
    storageClass: CEPH_BLOCK,
    storageSize: '50Gi',
    retention: '15d',
  },
  render({ options: o, cluster, has }) {
    if (has('victoria-metrics')) {
      // both run node-exporter on the host network's port 9100 and claim `monitoring`
      throw new ModuleConfigError(`kube-prometheus-stack on cluster "${cluster.name}" is an alternative to victoria-metrics, which is enabled too; enable one of them`);
    }
    const values = {
      fullnameOverride: RELEASE,
      crds: { enabled: false },
      grafana: { enabled: false },
      kubeProxy: { enabled: false },
      kubeEtcd: { enabled: false },
      kubeScheduler: { enabled: false },
      kubeControllerManager: { enabled: false },
      prometheusOperator: {
        resources: res('50m', '128Mi', '512Mi'),
        prometheusConfigReloader: { resources: res('10m', '32Mi', '64Mi') },
        admissionWebhooks: { patch: { resources: res('10m', '32Mi', '64Mi') } },
      },
      prometheus: {
        prometheusSpec: {
          retention: o.retention,
          // every ServiceMonitor/PodMonitor/rule of the cluster, not only this release's
          serviceMonitorSelectorNilUsesHelmValues: false,
          podMonitorSelectorNilUsesHelmValues: false,
          ruleSelectorNilUsesHelmValues: false,
          probeSelectorNilUsesHelmValues: false,
          scrapeConfigSelectorNilUsesHelmValues: false,
          resources: res('200m', '1Gi', '4Gi'),
          storageSpec: {
            volumeClaimTemplate: {
              spec: { storageClassName: o.storageClass, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: o.storageSize } } },
            },
          },
        },
      },
      alertmanager: { alertmanagerSpec: { resources: res('10m', '64Mi', '256Mi') } },
      'kube-state-metrics': { resources: res('10m', '64Mi', '256Mi') },
      'prometheus-node-exporter': { resources: res('20m', '32Mi', '128Mi') },
    };
    const { nodeSubnet } = cluster.network;
    const prometheus = { 'app.kubernetes.io/name': 'prometheus' };
    return [{
      name: RELEASE,
      dir: 'app',
      chartUsesCrds: CHART_CRS.map((k) => `monitoring.coreos.com/${k}`),
      files: [
        { file: 'helmrepository.yaml', objects: [chartSource('prometheus-community', NS, o.chart)] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: RELEASE, namespace: NS, chart: o.chart, values, sourceName: 'prometheus-community', crds: 'Skip' })] },
        {
          file: 'networkpolicy.yaml',
          objects: [
            // the API server calls the operator's validating/mutating webhook from the host network
            allowIngress('allow-operator-webhook', NS, { app: `${RELEASE}-operator` }, [fromCidr(nodeSubnet)], [{ port: 10250 }]),
            // scrapes: kubelet/cAdvisor and node-exporter on the nodes, and pods in every namespace
            allowEgress('allow-prometheus-nodes', NS, prometheus, [fromCidr(nodeSubnet)], [{ port: 10250 }, { port: 9100 }]),
            {
              apiVersion: 'networking.k8s.io/v1',
              kind: 'NetworkPolicy',
              metadata: { name: 'allow-prometheus-pods', namespace: NS },
              // metrics ports differ per target; each target's namespace decides who may scrape it
              spec: { podSelector: { matchLabels: prometheus }, policyTypes: ['Egress'], egress: [{ to: [fromAnywhere()] }] },
            },
          ],
        },
      ],
    }];
  },
});
