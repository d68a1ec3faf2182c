// Alerting on the global VictoriaMetrics cluster (seed 001, week 6): the rules vmalert evaluates
// over every cluster's series (each carries `cluster` from its vmagent's externalLabels), and
// the Alertmanager receiver: the same chat endpoint the Flux notification Provider posts to,
// read from the same 1Password item, so one webhook hears both "a reconcile failed" and
// "a node is down".
import { externalSecret, SECRET_STORE } from '../k8s/builders.js';
import { allowEgress, internet } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { ModuleConfigError } from '../model/module.js';
import type { NotificationsConfig } from '../model/types.js';

interface Rule { alert: string; expr: string; for: string; severity: 'critical' | 'warning'; summary: string }

const rule = (r: Rule) => ({
  alert: r.alert,
  expr: r.expr,
  for: r.for,
  labels: { severity: r.severity },
  annotations: { summary: r.summary },
});

function vmRule(name: string, ns: string, groups: Record<string, Rule[]>): K8sObject {
  return {
    apiVersion: 'operator.victoriametrics.com/v1beta1',
    kind: 'VMRule',
    metadata: { name, namespace: ns },
    spec: { groups: Object.entries(groups).map(([group, rules]) => ({ name: group, rules: rules.map(rule) })) },
  };
}

// Every expression keeps `cluster` in its result, so the summary can name the cluster.
const NODE_RULES: Rule[] = [
  { alert: 'NodeExporterDown', expr: 'up{job="node-exporter"} == 0', for: '5m', severity: 'critical', summary: 'node-exporter on {{ $labels.instance }} ({{ $labels.cluster }}) is not answering: the node may be down' },
  { alert: 'NodeFilesystemAlmostFull', expr: '(node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs"}) < 0.10', for: '15m', severity: 'warning', summary: '{{ $labels.mountpoint }} on {{ $labels.instance }} ({{ $labels.cluster }}) has less than 10% space left' },
  { alert: 'NodeMemoryPressure', expr: '(node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) < 0.05', for: '10m', severity: 'warning', summary: '{{ $labels.instance }} ({{ $labels.cluster }}) has less than 5% memory available' },
];

const KUBERNETES_RULES: Rule[] = [
  { alert: 'KubeletDown', expr: 'up{job="kubelet"} == 0', for: '5m', severity: 'critical', summary: 'the kubelet on {{ $labels.instance }} ({{ $labels.cluster }}) cannot be scraped' },
  { alert: 'KubeApiServerDown', expr: 'sum by (cluster) (up{job="apiserver"}) == 0', for: '5m', severity: 'critical', summary: 'no API server of {{ $labels.cluster }} answers' },
  { alert: 'KubePodCrashLooping', expr: 'increase(kube_pod_container_status_restarts_total[15m]) > 3', for: '5m', severity: 'warning', summary: '{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) on {{ $labels.cluster }} restarts again and again' },
  { alert: 'KubeDeploymentReplicasMismatch', expr: 'kube_deployment_spec_replicas != kube_deployment_status_replicas_available', for: '15m', severity: 'warning', summary: 'deployment {{ $labels.namespace }}/{{ $labels.deployment }} on {{ $labels.cluster }} has not had its replicas available for 15 minutes' },
  { alert: 'KubePersistentVolumeFillingUp', expr: '(kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes) < 0.10', for: '15m', severity: 'warning', summary: 'volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} on {{ $labels.cluster }} has less than 10% space left' },
];

const CEPH_RULES: Rule[] = [
  { alert: 'CephHealthError', expr: 'ceph_health_status == 2', for: '5m', severity: 'critical', summary: 'Ceph on {{ $labels.cluster }} is HEALTH_ERR' },
  { alert: 'CephHealthWarning', expr: 'ceph_health_status == 1', for: '30m', severity: 'warning', summary: 'Ceph on {{ $labels.cluster }} has been HEALTH_WARN for 30 minutes' },
  { alert: 'CephOSDDown', expr: 'count by (cluster) (ceph_osd_up == 0) > 0', for: '5m', severity: 'critical', summary: '{{ $value }} Ceph OSD(s) on {{ $labels.cluster }} are down' },
];

const CILIUM_RULES: Rule[] = [
  { alert: 'CiliumAgentDown', expr: 'up{job="cilium-agent"} == 0', for: '5m', severity: 'critical', summary: 'the Cilium agent on {{ $labels.instance }} ({{ $labels.cluster }}) is not answering: pods on that node lose networking' },
  // a policy that cuts a path (DNS, the API server) shows first as a jump in policy drops
  { alert: 'CiliumPolicyDrops', expr: 'sum by (cluster, direction) (rate(cilium_drop_count_total{reason="Policy denied"}[5m])) > 1', for: '10m', severity: 'warning', summary: 'Cilium on {{ $labels.cluster }} drops more than one {{ $labels.direction }} packet a second for policy: a NetworkPolicy may cut a path an app needs' },
];

/** The VMRules for the fleet: nodes and Kubernetes always, Ceph and Cilium where the fleet runs them. */
export function alertRules(ns: string, fleetRuns: { ceph: boolean; cilium: boolean }): K8sObject[] {
  return [
    vmRule('nodes', ns, { nodes: NODE_RULES }),
    vmRule('kubernetes', ns, { kubernetes: KUBERNETES_RULES }),
    ...(fleetRuns.ceph ? [vmRule('ceph', ns, { ceph: CEPH_RULES })] : []),
    ...(fleetRuns.cilium ? [vmRule('cilium', ns, { cilium: CILIUM_RULES })] : []),
  ];
}

const RECEIVER_SECRET = 'alertmanager-webhook';
const secretKey = { name: RECEIVER_SECRET, key: 'address' };

/**
 * Alertmanager's receiver config for a Flux notification Provider type, or undefined when
 * Alertmanager has no receiver that speaks to that kind of endpoint.
 */
function receiverFor(n: NotificationsConfig): Record<string, unknown> | undefined {
  switch (n.type) {
    case 'discord': return { discord_configs: [{ webhook_url_secret: secretKey, send_resolved: true }] };
    case 'slack': return { slack_configs: [{ api_url: secretKey, send_resolved: true, ...(n.channel ? { channel: n.channel } : {}) }] };
    case 'msteams': return { msteams_configs: [{ webhook_url_secret: secretKey, send_resolved: true }] };
    case 'generic': return { webhook_configs: [{ url_secret: secretKey, send_resolved: true }] };
    default: return undefined;
  }
}

export const ALERT_RECEIVER_TYPES = ['discord', 'slack', 'msteams', 'generic'];

/**
 * The receiver objects: the webhook Secret from 1Password, the VMAlertmanagerConfig routing every
 * alert to it (grouped by cluster), and the Alertmanager pods' way out to the chat service.
 */
export function alertReceiver(ns: string, notifications: NotificationsConfig): K8sObject[] {
  const receiver = receiverFor(notifications);
  if (!receiver) {
    throw new ModuleConfigError(`victoria-metrics: Alertmanager cannot post to a "${notifications.type}" notification endpoint (it can: ${ALERT_RECEIVER_TYPES.join(', ')}); choose one of those for fleet.notifications.type, or set the victoria-metrics option alertReceiver: false`);
  }
  return [
    externalSecret(RECEIVER_SECRET, ns, SECRET_STORE, { address: { item: notifications.webhookItem, property: 'address' } }),
    {
      apiVersion: 'operator.victoriametrics.com/v1beta1',
      kind: 'VMAlertmanagerConfig',
      metadata: { name: 'fleet-notifications', namespace: ns },
      spec: {
        route: {
          receiver: 'fleet-notifications',
          group_by: ['alertname', 'cluster'],
          group_wait: '30s',
          group_interval: '5m',
          repeat_interval: '12h',
        },
        receivers: [{ name: 'fleet-notifications', ...receiver }],
      },
    },
    allowEgress('allow-alertmanager-webhook', ns, { 'app.kubernetes.io/name': 'vmalertmanager' }, [internet()], [{ port: 443 }]),
  ];
}
