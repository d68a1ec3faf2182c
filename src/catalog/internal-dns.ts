// Internal DNS: the names of the cluster's domain (harbor.<domain>, vlogs.<domain>, grafana.<domain> …)
// for clients that must not or cannot use public DNS, which only has the names external-dns
// publishes for the `external` Gateway. A second CoreDNS (the same chart as the cluster DNS),
// on a fixed LoadBalancer address, answers every name of the domain with the `internal` Gateway's
// fixed address: every HTTPRoute of the catalog attaches to `internal` (those published on the
// internet to `external` as well), so one wildcard answer is right for all of them.
//
// Who asks it: the cluster DNS of every cluster of the fleet forwards this domain here (see
// coredns), so pods on a peer cluster resolve it too; LAN resolvers get a conditional forward
// of the domain to this address (the generated README says so). One unit.
import { chartSource, helmRelease } from '../k8s/builders.js';
import { hasGateway } from '../k8s/gateway.js';
import { pinnedAddress } from '../k8s/lb-addresses.js';
import { allowIngress, fromAnywhere, fromCidr } from '../k8s/network-policy.js';
import { sitesOf } from '../k8s/fleet.js';
import { defineModule, ModuleConfigError } from '../model/module.js';
import type { FleetConfig } from '../model/types.js';

const NS = 'network';
const NAME = 'internal-dns';
/** Unprivileged port in the pod; the Service listens on 53. */
const POD_PORT = 1053;
const TTL = 60;

/** Where a cluster's internal DNS listens and which domain it answers: for the other clusters' DNS. */
export interface InternalZone { domain: string; address: string }

/** The internal zones of the fleet: one per cluster that runs internal-dns. */
export function internalZones(fleet: FleetConfig): InternalZone[] {
  return sitesOf(fleet, NAME).map((s) => ({ domain: s.domain, address: pinnedAddress(s.cluster, 'internal-dns') }));
}

export const internalDns = defineModule({
  name: NAME,
  description: 'CoreDNS answering the cluster domain with the internal Gateway address, for LAN clients and peer clusters',
  namespace: { name: NS, podSecurity: 'restricted' },
  requires: ['cilium'],
  defaults: {
    chart: { repo: 'oci://ghcr.io/coredns/charts', name: 'coredns', version: '1.46.2' },
    replicas: 2,
  },
  render({ options: o, cluster, domain }) {
    if (!hasGateway(cluster)) {
      throw new ModuleConfigError(`internal-dns on "${cluster.name}": it answers with the internal Gateway's address; enable cilium's gatewayApi`);
    }
    const gateway = pinnedAddress(cluster, 'internal-gateway');
    const zone = `${domain}.`;
    const values = {
      fullnameOverride: NAME,
      replicaCount: o.replicas,
      // not the cluster DNS: no k8s-app=kube-dns label, no cluster-critical settings
      isClusterService: false,
      serviceType: 'LoadBalancer',
      service: { annotations: { 'lbipam.cilium.io/ips': pinnedAddress(cluster, 'internal-dns') } },
      podSecurityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
      podDisruptionBudget: { maxUnavailable: 1 },
      servers: [{
        zones: [{ zone, scheme: 'dns://', use_tcp: true }],
        port: POD_PORT,
        servicePort: 53,
        plugins: [
          { name: 'errors' },
          { name: 'health', configBlock: 'lameduck 5s' },
          { name: 'ready' },
          // every name of the domain is served by the internal Gateway; AAAA gets an empty answer, not NXDOMAIN
          { name: 'template', parameters: `IN A ${zone}`, configBlock: `answer "{{ .Name }} ${TTL} IN A ${gateway}"` },
          { name: 'template', parameters: `IN AAAA ${zone}`, configBlock: 'rcode NOERROR' },
          { name: 'cache', parameters: String(TTL) },
          { name: 'loadbalance' },
          { name: 'prometheus', parameters: '0.0.0.0:9153' },
        ],
      }],
    };
    const pods = { 'app.kubernetes.io/name': 'coredns', 'app.kubernetes.io/instance': NAME };
    return [{
      name: NAME,
      dir: 'app',
      files: [
        { file: 'ocirepository.yaml', objects: [chartSource(NAME, NS, o.chart)] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: NAME, namespace: NS, chart: o.chart, values })] },
        {
          file: 'networkpolicy.yaml',
          objects: [
            // pods of every cluster (through their cluster DNS), LAN resolvers and the nodes
            allowIngress('allow-dns-queries', NS, pods, [fromAnywhere(), fromCidr('0.0.0.0/0')], [{ port: POD_PORT, protocol: 'UDP' }, { port: POD_PORT }]),
          ],
        },
      ],
    }];
  },
});
