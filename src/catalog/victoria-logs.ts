// VictoriaLogs single-node: the fleet's log store (seed 001, days 40–42), on the
// global (infra) cluster. Fluent Bit on every cluster ships here: locally through the
// Service, from other clusters through `vlogs.<this cluster's domain>` on the internal
// Gateway (the route is emitted only when some other cluster runs fluent-bit).
//
// One unit: the chart creates no custom resources, only a StatefulSet on Ceph.
import { chartSource, helmRelease } from '../k8s/builders.js';
import { sitesOf } from '../k8s/fleet.js';
import { allowFromGateway, hasGateway, httpRoute } from '../k8s/http-route.js';
import { allowIngress, fromNamespace } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { MONITORING_MODULE, allowScrape, serviceScrape } from '../k8s/scrape.js';
import { defineModule, ModuleConfigError } from '../model/module.js';
import { CEPH_BLOCK } from './rook-ceph.js';

const NS = 'victoria-logs';
const SERVICE = 'victoria-logs';
const PORT = 9428;

/** Where clients on the same cluster send and query logs. */
export const VICTORIA_LOGS = { namespace: NS, url: `http://${SERVICE}.${NS}.svc.cluster.local:${PORT}`, port: PORT } as const;

export const victoriaLogs = defineModule({
  name: 'victoria-logs',
  description: 'VictoriaLogs single-node log store for the fleet',
  namespace: { name: NS, podSecurity: 'restricted' },
  defaults: {
    chart: { repo: 'oci://ghcr.io/victoriametrics/helm-charts', name: 'victoria-logs-single', version: '0.11.12' },
    /** How long logs are kept. */
    retention: '30d',
    storageClass: CEPH_BLOCK,
    size: '50Gi',
  },
  render({ options: o, cluster, fleet, domain, has }) {
    const remoteShippers = sitesOf(fleet, 'fluent-bit').filter((s) => s.cluster.name !== cluster.name);
    const values = {
      server: {
        fullnameOverride: SERVICE,
        retentionPeriod: o.retention,
        persistentVolume: { enabled: true, storageClassName: o.storageClass, size: o.size },
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '2Gi' } },
        podSecurityContext: { enabled: true, fsGroup: 2000, runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
        securityContext: { enabled: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
      },
    };
    const server = { 'app.kubernetes.io/name': 'victoria-logs-single' };
    const clients = ['fluent-bit', 'grafana'].filter(has);
    const policies: K8sObject[] = clients.length
      ? [allowIngress('allow-clients', NS, server, clients.map(fromNamespace), [{ port: PORT }])]
      : [];
    const files = [
      { file: 'ocirepository.yaml', objects: [chartSource('victoria-logs', NS, o.chart)] },
      { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'victoria-logs', namespace: NS, chart: o.chart, values })] },
    ];
    if (remoteShippers.length) {
      if (!hasGateway(cluster)) {
        throw new ModuleConfigError(`victoria-logs on "${cluster.name}": fluent-bit on ${remoteShippers.map((s) => s.cluster.name).join(', ')} ships through the internal Gateway; enable cilium's gatewayApi here`);
      }
      files.push({ file: 'httproute.yaml', objects: [httpRoute('victoria-logs', NS, `vlogs.${domain}`, SERVICE, PORT, 'internal')] });
      policies.push(allowFromGateway('allow-gateway', NS, server, [{ port: PORT }]));
    }
    if (has(MONITORING_MODULE)) {
      files.push({ file: 'scrape.yaml', objects: [serviceScrape('victoria-logs', NS, server, 'http')] });
      policies.push(allowScrape(NS, server, [{ port: PORT }]));
    }
    if (policies.length) files.push({ file: 'networkpolicy.yaml', objects: policies });
    return [{ name: 'victoria-logs', dir: 'app', files }];
  },
});
