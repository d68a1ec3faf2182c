// VictoriaMetrics: fleet metrics (seed 001 week 6, seed 003 sprint 6).
//
// role `global` (the infra cluster): VMCluster (3 vmstorage, 2 vminsert, 2 vmselect),
// a VMAgent scraping this cluster, VMAlert and VMAlertmanager.
// role `leaf` (the apps cluster): a VMAgent scraping this cluster and remote-writing to the
// global cluster's vminsert with `externalLabels.cluster`, so every series says where it came from.
// Both roles run kube-state-metrics and node-exporter (their own charts, the two exporters the
// seeds ask for), and the operator with all its CRDs so other modules' VMServiceScrapes work.
// Both scrape the kubelet, cAdvisor, the API server and Cilium; the global cluster evaluates the
// fleet's alert rules and sends them where Flux sends its notifications (victoria-metrics-alerting).
//
// Reaching the global vminsert from a leaf: when the two clusters are ClusterMesh peers the
// vminsert Service is a Cilium global service. The leaf declares a selector-less Service of the
// same name, so `vminsert-vmcluster.monitoring.svc` resolves locally and Cilium sends the writes
// to the global cluster's pods: no exposure outside the mesh, no extra TLS or credentials.
// Without a mesh, the leaf writes to `https://vminsert.<global domain>` through the global
// cluster's internal Gateway (an HTTPRoute the global side emits only when such a leaf exists).
//
// Units: `victoria-metrics-operator` (app/: operator + exporters; installs the CRDs) and
// `victoria-metrics` (config/: the custom resources above, after the CRDs exist).
import { chartSource, helmRelease, type Chart } from '../k8s/builders.js';
import { allowFromPeers, GLOBAL_SERVICE, remoteService } from '../k8s/cluster-mesh.js';
import { clusterDomain, meshed, sitesOf, type ModuleSite } from '../k8s/fleet.js';
import { moduleOptions } from '../k8s/gateway.js';
import { allowFromGateway, hasGateway, httpRoute } from '../k8s/http-route.js';
import { allowEgress, allowIngress, fromAnywhere, fromCidr, fromNamespace } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { MONITORING_NS, nodeScrape, podScrape, serviceScrape } from '../k8s/scrape.js';
import { defineModule, type ModuleContext, ModuleConfigError } from '../model/module.js';
import type { ClusterConfig, FleetConfig } from '../model/types.js';
import { CEPH_BLOCK } from './rook-ceph.js';
import { alertReceiver, alertRules } from './victoria-metrics-alerting.js';

const NS = MONITORING_NS;
const NAME = 'victoria-metrics';
const VMCLUSTER = 'vmcluster';
const VMINSERT = `vminsert-${VMCLUSTER}`;
const VMSELECT = `vmselect-${VMCLUSTER}`;
const INSERT_PORT = 8480;
const SELECT_PORT = 8481;
const WRITE_PATH = '/insert/0/prometheus/api/v1/write';

/** The query endpoint (Prometheus API) of the global cluster, for Grafana on that cluster. */
export const VMSELECT_URL = `http://${VMSELECT}.${NS}.svc.cluster.local:${SELECT_PORT}/select/0/prometheus`;

const VM_KINDS = [
  'VLAgent', 'VLCluster', 'VLogs', 'VLSingle', 'VMAgent', 'VMAlert', 'VMAlertmanager', 'VMAlertmanagerConfig',
  'VMAnomaly', 'VMAuth', 'VMCluster', 'VMNodeScrape', 'VMPodScrape', 'VMProbe', 'VMRule', 'VMScrapeConfig',
  'VMServiceScrape', 'VMSingle', 'VMStaticScrape', 'VMUser', 'VTCluster', 'VTSingle',
];

const defaults = {
  role: 'global' as 'global' | 'leaf',
  operatorChart: { repo: 'oci://ghcr.io/victoriametrics/helm-charts', name: 'victoria-metrics-operator', version: '0.55.0' },
  kubeStateMetricsChart: { repo: 'oci://ghcr.io/prometheus-community/charts', name: 'kube-state-metrics', version: '6.3.0' },
  nodeExporterChart: { repo: 'oci://ghcr.io/prometheus-community/charts', name: 'prometheus-node-exporter', version: '4.49.1' },
  /** global: StorageClass and size of each vmstorage volume, and how long samples are kept. */
  storageClass: CEPH_BLOCK,
  storageSize: '50Gi',
  retention: '90d',
  /** global: send alerts to the fleet's notification endpoint (fleet.notifications), as Flux does. */
  alertReceiver: true,
};
type Options = typeof defaults;

export const victoriaMetrics = defineModule({
  name: NAME,
  description: 'VictoriaMetrics operator; global: VMCluster + VMAgent + VMAlert + Alertmanager; leaf: VMAgent remote-writing to the global cluster',
  // node-exporter needs hostNetwork, hostPID and hostPath mounts of / , /proc and /sys
  namespace: { name: NS, podSecurity: 'privileged' },
  defaults,
  render(ctx) {
    const { options: o } = ctx;
    const releases: Array<[string, Chart, Record<string, unknown>]> = [
      ['victoria-metrics-operator', o.operatorChart, {
        crds: { enabled: true, plain: true },
        admissionWebhooks: { enabled: false },
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      }],
      ['kube-state-metrics', o.kubeStateMetricsChart, {
        prometheus: { monitor: { enabled: false } },
        resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      }],
      ['node-exporter', o.nodeExporterChart, {
        fullnameOverride: 'node-exporter',
        prometheus: { monitor: { enabled: false } },
        resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '128Mi' } },
      }],
    ];
    // one release a file: the bootstrap reads a release's values and chart out of its own file
    const [operator, ...exporters] = releases;
    const app = {
      name: 'victoria-metrics-operator',
      dir: 'app',
      // phase 0 (seed 003): the operator's CRDs exist before anything applies a VMServiceScrape
      bootstrap: 'crds' as const,
      installsCrds: VM_KINDS.map((k) => `operator.victoriametrics.com/${k}`),
      files: [
        { file: 'ocirepository.yaml', objects: [chartSource(operator[0], NS, operator[1])] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: operator[0], namespace: NS, chart: operator[1], values: operator[2] })] },
        ...exporters.map(([n, chart, values]) => ({ file: `${n}.yaml`, objects: [chartSource(n, NS, chart), helmRelease({ name: n, namespace: NS, chart, values })] })),
      ],
    };
    const config = o.role === 'global' ? globalObjects(ctx) : leafObjects(ctx);
    const scrapes = [
      serviceScrape('kube-state-metrics', NS, { 'app.kubernetes.io/name': 'kube-state-metrics' }, 'http'),
      serviceScrape('node-exporter', NS, { 'app.kubernetes.io/name': 'prometheus-node-exporter' }, 'metrics'),
      ...kubernetesScrapes(),
      // Cilium's scrapes live here, not in the cilium unit: that one is applied before these CRDs exist
      ...(ctx.has('cilium') ? ciliumScrapes(ciliumHubble(ctx)) : []),
    ];
    return [app, { name: NAME, dir: 'config', files: [...config, { file: 'scrapes.yaml', objects: scrapes }] }];
  },
});

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The vmagent's own ServiceAccount token: the operator grants it nodes/metrics and the /metrics URL. */
const asServiceAccount = { bearerTokenFile: `${SA_DIR}/token` };

/** The kubelet (and its cAdvisor), and the API server: the seed's "scrape kubelet, cAdvisor and API server". */
function kubernetesScrapes(): K8sObject[] {
  // kubelets serve a self-signed certificate for their node's address (no kubelet serving
  // certificates are approved on Talos by default), so their identity cannot be verified;
  // the token still authenticates the scraper to them
  const kubelet = { scheme: 'https', tlsConfig: { insecureSkipVerify: true }, ...asServiceAccount };
  return [
    nodeScrape('kubelet', NS, '10250', '/metrics', kubelet),
    nodeScrape('cadvisor', NS, '10250', '/metrics/cadvisor', kubelet),
    // the `kubernetes` Service in `default`, verified with the cluster CA every pod is given
    serviceScrape('apiserver', 'default', { component: 'apiserver', provider: 'kubernetes' }, 'https', '/metrics', {
      scheme: 'https',
      tlsConfig: { caFile: `${SA_DIR}/ca.crt`, serverName: 'kubernetes' },
      ...asServiceAccount,
    }),
  ];
}

/** The agents and the operator serve metrics on the host network (chart value prometheus.enabled). */
function ciliumScrapes(hubble: boolean): K8sObject[] {
  return [
    podScrape('cilium-agent', 'kube-system', { 'k8s-app': 'cilium' }, 'prometheus'),
    podScrape('cilium-operator', 'kube-system', { 'io.cilium/app': 'operator' }, 'prometheus'),
    ...(hubble ? [podScrape('hubble', 'kube-system', { 'k8s-app': 'cilium' }, 'hubble-metrics')] : []),
  ];
}

const ciliumHubble = ({ cluster }: ModuleContext<Options>) => moduleOptions(cluster, 'cilium')?.hubble === true;

const resources = (cpu: string, memory: string, limit: string) => ({ requests: { cpu, memory }, limits: { memory: limit } });

function vmagent(cluster: ClusterConfig, remoteWriteUrl: string): K8sObject {
  return {
    apiVersion: 'operator.victoriametrics.com/v1beta1',
    kind: 'VMAgent',
    metadata: { name: 'vmagent', namespace: NS },
    spec: {
      selectAllByDefault: true,
      scrapeInterval: '30s',
      externalLabels: { cluster: cluster.name },
      remoteWrite: [{ url: remoteWriteUrl }],
      resources: resources('100m', '256Mi', '1Gi'),
    },
  };
}

/** The vmagent scrapes every namespace and the nodes (node-exporter on hostNetwork, kubelet). */
function vmagentEgress(cluster: ClusterConfig): K8sObject {
  return allowEgress('allow-vmagent-scrape', NS, { 'app.kubernetes.io/name': 'vmagent' },
    [fromAnywhere(), fromCidr(cluster.network.nodeSubnet)], []);
}

function globalObjects(ctx: ModuleContext<Options>) {
  const { options: o, cluster, fleet, has } = ctx;
  const local = `http://${VMINSERT}.${NS}.svc.cluster.local:${INSERT_PORT}${WRITE_PATH}`;
  const leaves = sitesOf<Options>(fleet, NAME).filter((s) => s.options.role === 'leaf' && s.cluster.name !== cluster.name);
  const meshedLeaves = leaves.filter((l) => meshed(l.cluster, cluster));
  const unmeshedLeaves = leaves.filter((l) => !meshed(l.cluster, cluster));
  const vmcluster: K8sObject = {
    apiVersion: 'operator.victoriametrics.com/v1beta1',
    kind: 'VMCluster',
    metadata: { name: VMCLUSTER, namespace: NS },
    spec: {
      retentionPeriod: o.retention,
      replicationFactor: 2,
      vmstorage: {
        replicaCount: 3,
        resources: resources('250m', '1Gi', '4Gi'),
        storage: {
          volumeClaimTemplate: {
            spec: { storageClassName: o.storageClass, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: o.storageSize } } },
          },
        },
      },
      vminsert: {
        replicaCount: 2,
        resources: resources('100m', '256Mi', '1Gi'),
        // a Cilium global service: meshed leaf clusters reach it under the same name
        serviceSpec: { useAsDefault: true, metadata: { annotations: GLOBAL_SERVICE }, spec: {} },
      },
      vmselect: { replicaCount: 2, resources: resources('100m', '256Mi', '1Gi') },
    },
  };
  const vmalert: K8sObject = {
    apiVersion: 'operator.victoriametrics.com/v1beta1',
    kind: 'VMAlert',
    metadata: { name: 'vmalert', namespace: NS },
    spec: {
      selectAllByDefault: true,
      evaluationInterval: '30s',
      datasource: { url: VMSELECT_URL },
      remoteRead: { url: VMSELECT_URL },
      remoteWrite: { url: `http://${VMINSERT}.${NS}.svc.cluster.local:${INSERT_PORT}/insert/0/prometheus` },
      notifiers: [{ url: `http://vmalertmanager-alertmanager.${NS}.svc.cluster.local:9093` }],
      resources: resources('50m', '128Mi', '512Mi'),
    },
  };
  const alertmanager: K8sObject = {
    apiVersion: 'operator.victoriametrics.com/v1beta1',
    kind: 'VMAlertmanager',
    metadata: { name: 'alertmanager', namespace: NS },
    spec: {
      replicaCount: 2,
      selectAllByDefault: true,
      // the routes match alerts from every namespace: an alert's namespace is its target's, not monitoring
      disableNamespaceMatcher: true,
      resources: resources('20m', '64Mi', '256Mi'),
    },
  };
  const policies: K8sObject[] = [vmagentEgress(cluster)];
  if (has('grafana')) {
    policies.push(allowIngress('allow-grafana', NS, { 'app.kubernetes.io/name': 'vmselect' }, [fromNamespace('grafana')], [{ port: SELECT_PORT }]));
  }
  // writes from the leaves' vmagents arrive over the mesh
  if (meshedLeaves.length && has('cilium')) {
    policies.push(allowFromPeers('allow-leaf-remote-write', NS, { 'app.kubernetes.io/name': 'vminsert' },
      meshedLeaves.map((l) => ({ cluster: l.cluster, namespace: NS, labels: { 'app.kubernetes.io/name': 'vmagent' } })), INSERT_PORT));
  }
  const files = [
    { file: 'vmcluster.yaml', objects: [vmcluster] },
    { file: 'vmagent.yaml', objects: [vmagent(cluster, local)] },
    { file: 'vmalert.yaml', objects: [vmalert, alertmanager] },
    { file: 'rules.yaml', objects: alertRules(NS, { ceph: sitesOf(fleet, 'rook-ceph').length > 0, cilium: sitesOf(fleet, 'cilium').length > 0 }) },
    { file: 'networkpolicy.yaml', objects: policies },
  ];
  if (o.alertReceiver && fleet.notifications) {
    if (!has('external-secrets')) {
      throw new ModuleConfigError(`victoria-metrics on "${cluster.name}": the Alertmanager receiver reads fleet.notifications' webhook from 1Password, so add externalSecrets() to this cluster, or set the option alertReceiver: false`);
    }
    files.push({ file: 'alertmanagerconfig.yaml', objects: alertReceiver(NS, fleet.notifications) });
  }
  if (unmeshedLeaves.length) {
    if (!hasGateway(cluster)) {
      throw new ModuleConfigError(`victoria-metrics on "${cluster.name}": leaf clusters ${unmeshedLeaves.map((l) => l.cluster.name).join(', ')} are not ClusterMesh peers, so vminsert must be published through the internal Gateway; enable cilium's gatewayApi or mesh the clusters`);
    }
    files.push({
      file: 'httproute.yaml',
      objects: [
        httpRoute('vminsert', NS, `vminsert.${ctx.domain}`, VMINSERT, INSERT_PORT, 'internal'),
        allowFromGateway('allow-gateway', NS, { 'app.kubernetes.io/name': 'vminsert' }, [{ port: INSERT_PORT }]),
      ],
    });
  }
  return files;
}

function leafObjects(ctx: ModuleContext<Options>) {
  const { cluster, fleet } = ctx;
  const global = findGlobal(fleet, cluster);
  const files: Array<{ file: string; objects: K8sObject[] }> = [];
  let url: string;
  let egress: K8sObject;
  if (meshed(cluster, global.cluster)) {
    url = `http://${VMINSERT}.${NS}.svc.cluster.local:${INSERT_PORT}${WRITE_PATH}`;
    files.push({ file: 'service.yaml', objects: [remoteService(VMINSERT, NS, [{ name: 'http', port: INSERT_PORT }])] });
    egress = allowEgress('allow-remote-write', NS, { 'app.kubernetes.io/name': 'vmagent' }, [fromNamespace(NS)], [{ port: INSERT_PORT }]);
  } else {
    url = `https://vminsert.${clusterDomain(fleet, global.cluster)}${WRITE_PATH}`;
    egress = allowEgress('allow-remote-write', NS, { 'app.kubernetes.io/name': 'vmagent' },
      global.cluster.network.loadBalancerPools.map(fromCidr), [{ port: 443 }]);
  }
  files.push(
    { file: 'vmagent.yaml', objects: [vmagent(cluster, url)] },
    { file: 'networkpolicy.yaml', objects: [vmagentEgress(cluster), egress] },
  );
  return files;
}

/** The cluster whose victoria-metrics module has role global. */
export function findGlobal(fleet: FleetConfig, from: ClusterConfig): ModuleSite<Options> {
  const globals = sitesOf<Options>(fleet, NAME).filter((s) => s.options.role === 'global');
  if (globals.length !== 1) {
    throw new ModuleConfigError(`cluster "${from.name}" needs exactly one cluster with victoria-metrics role "global", found ${globals.length}`);
  }
  return globals[0];
}
