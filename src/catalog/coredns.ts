// CoreDNS as the cluster DNS when Talos' bundled CoreDNS is disabled
// (`provider.builtinCoreDNS: false`), so the DNS server is versioned and tuned in Git
// like everything else. The Service keeps the well-known name `kube-dns` and the
// address kubelet hands to pods: the 10th address of the service CIDR.
// It forwards each cluster's internal domain to that cluster's internal-dns, so pods resolve
// the fleet's internal names (harbor.<infra domain> from the apps cluster).
// One unit, installed by the bootstrap Helmfile: nothing resolves names before it runs.
import { chartSource, helmRelease } from '../k8s/builders.js';
import { hostAddress } from '../k8s/cidr.js';
import { allowApiServerEgress, allowEgress, allowIngress, fromAnywhere, fromCidr } from '../k8s/network-policy.js';
import { defineModule, ModuleConfigError } from '../model/module.js';
import { internalZones } from './internal-dns.js';

const NS = 'kube-system';

export const coredns = defineModule({
  name: 'coredns',
  description: 'CoreDNS cluster DNS (replaces the Talos-bundled CoreDNS)',
  namespace: { name: NS, podSecurity: 'privileged' },
  defaults: {
    chart: { repo: 'oci://ghcr.io/coredns/charts', name: 'coredns', version: '1.46.2' },
    replicas: 2,
  },
  render({ options: o, cluster, fleet }) {
    const provider = cluster.provider;
    if (provider.kind === 'kind' || (provider.kind === 'talos' && provider.builtinCoreDNS === true)) {
      throw new ModuleConfigError(`cluster ${cluster.name}: the coredns module replaces the distribution's CoreDNS; `
        + 'set provider.builtinCoreDNS: false (Talos) or remove the module');
    }
    const upstream = cluster.network.dnsServers?.length ? cluster.network.dnsServers.join(' ') : '/etc/resolv.conf';
    const values = {
      fullnameOverride: 'coredns',
      replicaCount: o.replicas,
      k8sAppLabelOverride: 'kube-dns',
      priorityClassName: 'system-cluster-critical',
      serviceAccount: { create: true },
      service: { name: 'kube-dns', clusterIP: hostAddress(cluster.network.serviceCIDR, 10) },
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      podDisruptionBudget: { maxUnavailable: 1 },
      servers: [{
        zones: [{ zone: '.', scheme: 'dns://', use_tcp: true }],
        port: 53,
        plugins: [
          { name: 'errors' },
          { name: 'health', configBlock: 'lameduck 5s' },
          { name: 'ready' },
          { name: 'kubernetes', parameters: 'cluster.local in-addr.arpa ip6.arpa', configBlock: 'pods verified\nfallthrough in-addr.arpa ip6.arpa' },
          { name: 'autopath', parameters: '@kubernetes' },
          { name: 'forward', parameters: `. ${upstream}` },
          { name: 'cache', configBlock: 'prefetch 20\nserve_stale' },
          { name: 'loop' },
          { name: 'reload' },
          { name: 'loadbalance' },
          { name: 'prometheus', parameters: '0.0.0.0:9153' },
        ],
      },
      // the internal names of every cluster of the fleet, from that cluster's internal-dns
      ...internalZones(fleet).map((z) => ({
        zones: [{ zone: `${z.domain}.`, scheme: 'dns://', use_tcp: true }],
        port: 53,
        plugins: [{ name: 'errors' }, { name: 'forward', parameters: `. ${z.address}` }, { name: 'cache', parameters: '30' }],
      }))],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] }],
          },
        },
      },
      tolerations: [
        { key: 'CriticalAddonsOnly', operator: 'Exists' },
        { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
      ],
    };
    const pods = { 'k8s-app': 'kube-dns' };
    const dns = [{ port: 53, protocol: 'UDP' as const }, { port: 53 }];
    return [{
      name: 'coredns',
      dir: 'app',
      bootstrap: 'apps',
      files: [
        { file: 'ocirepository.yaml', objects: [chartSource('coredns', NS, o.chart)] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'coredns', namespace: NS, chart: o.chart, values })] },
        {
          file: 'networkpolicy.yaml',
          objects: [
            // every pod of every namespace, and host-network clients on the nodes
            allowIngress('allow-dns-queries', NS, pods, [fromAnywhere(), fromCidr(cluster.network.nodeSubnet)], dns),
            // upstream resolvers (Talos host DNS, the LAN resolvers or the internet)
            allowEgress('allow-dns-upstream', NS, pods, [fromCidr('0.0.0.0/0')], dns),
            // the kubernetes plugin lists Services and EndpointSlices: without the API, no cluster DNS after a restart
            allowApiServerEgress('allow-coredns-to-apiserver', NS, pods, cluster.network),
          ],
        },
      ],
    }];
  },
});
