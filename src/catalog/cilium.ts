// Cilium 1.18 as the CNI of a Talos cluster: kube-proxy replacement through KubePrism,
// native routing, LB IPAM + BGP control plane, Gateway API, Hubble and ClusterMesh.
//
// Two units:
// - `cilium` (app): the chart. It is installed by the bootstrap Helmfile before Flux
//   runs (nothing schedules without a CNI); the operator registers the cilium.io CRDs.
// - `cilium-config` (config): custom resources of those CRDs (IP pools, BGP) and the
//   Gateway API objects (they need the CRDs of the gateway-api module as well).
// ClusterMesh peers are chart values: one shared `cilium-ca` signs every cluster's certificates.
import { chartSource, helmRelease } from '../k8s/builders.js';
import { meshName } from '../k8s/cluster-mesh.js';
import { pinnedAddress } from '../k8s/lb-addresses.js';
import { coveringCidr, overlaps, parseCidr, type Range } from '../k8s/cidr.js';
import { GATEWAY_CLASS, GATEWAY_NAMESPACE, GATEWAY_TLS_SECRET, type GatewayName } from '../k8s/gateway.js';
import { allowDnsEgress, allowEgress, allowIngress, fromCidr } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { defineModule, ModuleConfigError } from '../model/module.js';
import type { ClusterConfig, FleetConfig } from '../model/types.js';

const NS = 'kube-system';

/** The cilium.io kinds the operator registers that this catalog (or its users) create. */
const CILIUM_KINDS = [
  'CiliumBGPAdvertisement', 'CiliumBGPClusterConfig', 'CiliumBGPNodeConfigOverride', 'CiliumBGPPeerConfig',
  'CiliumCIDRGroup', 'CiliumClusterwideEnvoyConfig', 'CiliumClusterwideNetworkPolicy', 'CiliumEgressGatewayPolicy',
  'CiliumEnvoyConfig', 'CiliumL2AnnouncementPolicy', 'CiliumLoadBalancerIPPool', 'CiliumLocalRedirectPolicy',
  'CiliumNetworkPolicy', 'CiliumPodIPPool',
];

const CLUSTERMESH_PORT = 2379;

/**
 * The smallest CIDR holding the pod CIDRs of the cluster and its mesh peers. It must hold no node
 * network: traffic to it would leave unmasqueraded, and LAN hosts cannot answer pod addresses.
 * (Service and LB addresses inside it are harmless: Cilium translates them before routing.)
 */
function nativeRoutingCidr(cluster: ClusterConfig, peers: ClusterConfig[]): string {
  const clusters = [cluster, ...peers];
  const cidr = coveringCidr(clusters.map((c) => c.network.podCIDR));
  const range = parseCidr(cidr) as Range;
  const clash = clusters.map((c) => c.network.nodeSubnet)
    .find((other) => overlaps(range, parseCidr(other) as Range));
  if (clash) {
    throw new ModuleConfigError(`cluster ${cluster.name}: the pod CIDRs of the mesh (${clusters.map((c) => c.network.podCIDR).join(', ')}) span ${cidr}, which also holds ${clash}; ` +
      'give the meshed clusters pod CIDRs close together (e.g. 10.42.0.0/16 and 10.44.0.0/16) so one native-routing CIDR covers them and no node network');
  }
  return cidr;
}


const meshAddress = (c: ClusterConfig) => pinnedAddress(c, 'clustermesh-apiserver');

function meshPeers(fleet: FleetConfig, cluster: ClusterConfig): ClusterConfig[] {
  return (cluster.network.clusterMesh?.peers ?? []).map((name) => {
    const peer = fleet.clusters.find((c) => c.name === name);
    if (!peer) throw new ModuleConfigError(`cluster ${cluster.name}: clusterMesh peer "${name}" is not a cluster of the fleet`);
    if (!peer.network.clusterMesh) throw new ModuleConfigError(`cluster ${cluster.name}: clusterMesh peer "${name}" has no network.clusterMesh`);
    return peer;
  }).sort((a, b) => a.name.localeCompare(b.name));
}

export const cilium = defineModule({
  name: 'cilium',
  description: 'Cilium CNI: kube-proxy replacement, LB IPAM, BGP, Gateway API, Hubble, ClusterMesh',
  // the agent needs host networking, BPF and SYS_ADMIN; kube-system is privileged on Talos anyway
  namespace: { name: NS, podSecurity: 'privileged' },
  defaults: {
    chart: { repo: 'oci://quay.io/cilium/charts', name: 'cilium', version: '1.18.4' },
    /** Hubble with relay and UI (flow visibility; seed 001 derives network policies from Hubble flows). */
    hubble: true,
    /** Serve the Gateway API (GatewayClass `cilium`, Gateways `internal` and `external`); needs the gateway-api module. */
    gatewayApi: true,
    /** Advertise LoadBalancer IPs to the BGP peers (needs cluster.network.bgp). */
    bgpAdvertiseLoadBalancerIPs: true,
    operatorReplicas: 2,
  },
  render({ options: o, cluster, fleet, domain, has }) {
    const net = cluster.network;
    const mesh = net.clusterMesh;
    const peers = mesh ? meshPeers(fleet, cluster) : [];
    if (o.gatewayApi && !has('gateway-api')) {
      throw new ModuleConfigError(`cluster ${cluster.name}: cilium gatewayApi needs the gateway-api module (its CRDs are not part of the cilium chart)`);
    }
    const dashboards = has('grafana');
    // without BGP, LoadBalancer addresses are announced on the nodes' L2 segment
    const l2 = !net.bgp && net.loadBalancerPools.length > 0;

    const kind = cluster.provider.kind === 'kind';
    const values: Record<string, unknown> = {
      ...(kind
        ? {
            // kind: the API server on the control-plane container, by the name Docker resolves;
            // kind's node image mounts cgroup v2 and runs containers with every capability
            k8sServiceHost: `${cluster.name}-control-plane`,
            k8sServicePort: 6443,
          }
        : {
            // Talos: the API server through KubePrism on every node, cgroup v2 already mounted
            k8sServiceHost: '127.0.0.1',
            k8sServicePort: 7445,
          }),
      kubeProxyReplacement: true,
      kubeProxyReplacementHealthzBindAddr: '0.0.0.0:10256',
      ...(kind ? {} : {
        cgroup: { autoMount: { enabled: false }, hostRoot: '/sys/fs/cgroup' },
        securityContext: {
          capabilities: {
            ciliumAgent: ['CHOWN', 'KILL', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'SYS_ADMIN', 'SYS_RESOURCE', 'PERFMON', 'BPF', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'],
            cleanCiliumState: ['NET_ADMIN', 'SYS_ADMIN', 'SYS_RESOURCE'],
          },
        },
      }),
      ...(l2 ? {
        // no router to peer with: nodes answer ARP for LoadBalancer addresses on their own L2
        // segment (the Docker network on kind); leases go through the API server, hence the rate limit
        l2announcements: { enabled: true },
        externalIPs: { enabled: true },
        k8sClientRateLimit: { qps: 20, burst: 40 },
      } : {}),
      ipam: { mode: 'kubernetes' },
      // traffic inside this range is not masqueraded: with ClusterMesh it must hold every meshed
      // cluster's pods, or cross-cluster packets leave with the node's address and lose their identity
      ipv4NativeRoutingCIDR: nativeRoutingCidr(cluster, peers),
      routingMode: 'native',
      autoDirectNodeRoutes: true,
      endpointRoutes: { enabled: true },
      bpf: { masquerade: true },
      loadBalancer: { algorithm: 'maglev' },
      // let ipBlock rules on the node subnet match host-network peers (kubelet, API server
      // calling webhooks), as the catalog's NetworkPolicies expect
      policyCIDRMatchMode: ['nodes'],
      rollOutCiliumPods: true,
      // metrics on the host network (9962, operator 9963), scraped by victoria-metrics' VMPodScrapes;
      // dashboards as ConfigMaps for Grafana's sidecar where Grafana runs
      prometheus: { enabled: true },
      dashboards: { enabled: dashboards },
      cluster: { name: mesh ? meshName(cluster) : cluster.name, id: mesh?.id ?? 0 },
      bgpControlPlane: { enabled: Boolean(net.bgp) },
      // the GatewayClass is written by cilium-config, where ordering facts see it
      gatewayAPI: { enabled: o.gatewayApi, enableAlpn: true, enableAppProtocol: true, gatewayClass: { create: 'false' } },
      operator: {
        replicas: o.operatorReplicas,
        rollOutPods: true,
        prometheus: { enabled: true },
        dashboards: { enabled: dashboards },
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      },
      resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '2Gi' } },
      envoy: { rollOutPods: true, resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '1Gi' } } },
      hubble: o.hubble
        ? {
            enabled: true,
            metrics: { enabled: ['dns', 'drop', 'tcp', 'flow', 'port-distribution', 'icmp', 'httpV2'], dashboards: { enabled: dashboards } },
            // certificates made by Helm itself, signed by the `cilium-ca` Secret the bootstrap puts
            // in place: the cronJob method's certificates come from post-install hook Jobs, which
            // never run while Helm waits for hubble-relay, which mounts them (cilium/cilium#40381)
            tls: { auto: { enabled: true, method: 'helm', certValidityDuration: 1095 } },
            relay: {
              enabled: true,
              rollOutPods: true,
              resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
            },
            ui: {
              enabled: true,
              rollOutPods: true,
              frontend: { resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } } },
              backend: { resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } } },
            },
          }
        : { enabled: false },
    };
    if (mesh) {
      values.clustermesh = {
        useAPIServer: true,
        // The peers, by address. Every meshed cluster's certificates are signed by the one shared
        // cilium-ca, so the chart writes the cilium-clustermesh Secret itself with this cluster's own
        // remote client certificate: nothing is copied between clusters, and a peer not yet up only
        // shows as unreachable in `cilium clustermesh status`, blocking no unit
        config: {
          enabled: peers.length > 0,
          clusters: peers.map((p) => ({ name: meshName(p), port: CLUSTERMESH_PORT, ips: [meshAddress(p)] })),
        },
        apiserver: {
          replicas: cluster.provider.kind === 'kind' ? 1 : 2,
          // agents talk to the peers' apiservers directly (no KVStoreMesh cache)
          kvstoremesh: { enabled: false },
          service: { type: 'LoadBalancer', annotations: { 'lbipam.cilium.io/ips': meshAddress(cluster) } },
          // the same CA on every meshed cluster (one `cilium-ca` from 1Password): no certificate copying
          tls: { auto: { enabled: true, method: 'helm', certValidityDuration: 1095 }, server: { extraIpAddresses: [meshAddress(cluster)] } },
          resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } },
          etcd: { resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } } },
        },
      };
    }

    const policies: K8sObject[] = [];
    if (o.hubble) {
      // agents serve Hubble on the host network
      policies.push(allowEgress('allow-hubble-relay-to-agents', NS, { 'k8s-app': 'hubble-relay' }, [fromCidr(net.nodeSubnet)], [{ port: 4244 }]));
      // the relay finds the agents through the hubble-peer Service: it needs DNS as well
      policies.push(allowDnsEgress('allow-hubble-relay-dns', NS, { 'k8s-app': 'hubble-relay' }));
    }
    if (mesh) {
      // own agents (host network) and the peers' agents connect to the clustermesh-apiserver
      const sources = [net.nodeSubnet, ...peers.map((p) => p.network.nodeSubnet)];
      policies.push(allowIngress('allow-clustermesh-apiserver', NS, { 'k8s-app': 'clustermesh-apiserver' },
        [...new Set(sources)].map(fromCidr), [{ port: CLUSTERMESH_PORT }]));
    }

    const appFiles = [
      { file: 'ocirepository.yaml', objects: [chartSource('cilium', NS, o.chart)] },
      { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'cilium', namespace: NS, chart: o.chart, values, timeout: '10m' })] },
    ];
    if (policies.length) appFiles.push({ file: 'networkpolicy.yaml', objects: policies });

    return [
      {
        name: 'cilium',
        dir: 'app',
        bootstrap: 'apps',
        // The LB pools and BGP peering live downstream (cilium-config: CRs of CRDs the operator
        // creates at start), yet the clustermesh-apiserver Service waits for a pool address. At
        // bootstrap they are applied right after the release, and readiness is awaited after that.
        bootstrapPostSync: {
          waitForCrds: ['ciliumloadbalancerippools.cilium.io',
            ...(cluster.network.bgp ? ['ciliumbgpclusterconfigs.cilium.io', 'ciliumbgppeerconfigs.cilium.io', 'ciliumbgpadvertisements.cilium.io'] : []),
            ...(l2 ? ['ciliuml2announcementpolicies.cilium.io'] : [])],
          apply: [{ unit: 'cilium-config', file: 'networking.yaml' }],
          rollout: ['daemonset/cilium', 'deployment/cilium-operator'],
        },
        installsCrds: CILIUM_KINDS.map((k) => `cilium.io/${k}`),
        files: appFiles,
      },
      {
        name: 'cilium-config',
        dir: 'config',
        files: [
          { file: 'networking.yaml', objects: [...loadBalancerPool(cluster), ...bgp(cluster, o.bgpAdvertiseLoadBalancerIPs), ...l2Announcement(cluster)] },
          ...(o.gatewayApi ? [{ file: 'gateway.yaml', objects: gateways(domain, has('cert-manager'), has('cloudflared'),
            has('internal-dns') ? pinnedAddress(cluster, 'internal-gateway') : undefined) }] : []),
        ],
      },
    ];
  },
});

function loadBalancerPool(cluster: ClusterConfig): K8sObject[] {
  const pools = cluster.network.loadBalancerPools;
  if (!pools.length) return [];
  return [{
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumLoadBalancerIPPool',
    metadata: { name: 'pool' },
    spec: { allowFirstLastIPs: 'No', blocks: pools.map((cidr) => ({ cidr })) },
  }];
}

/** Without BGP peers, every node may answer for LoadBalancer addresses of the pools (L2 announcements). */
function l2Announcement(cluster: ClusterConfig): K8sObject[] {
  if (cluster.network.bgp || !cluster.network.loadBalancerPools.length) return [];
  return [{
    apiVersion: 'cilium.io/v2alpha1',
    kind: 'CiliumL2AnnouncementPolicy',
    metadata: { name: 'l2' },
    spec: { loadBalancerIPs: true, externalIPs: false },
  }];
}

function bgp(cluster: ClusterConfig, advertiseLoadBalancerIPs: boolean): K8sObject[] {
  const config = cluster.network.bgp;
  if (!config) return [];
  const advertiseLabel = { advertise: 'bgp' };
  const out: K8sObject[] = [
    {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumBGPClusterConfig',
      metadata: { name: 'bgp' },
      spec: {
        nodeSelector: { matchLabels: { 'kubernetes.io/os': 'linux' } },
        bgpInstances: [{
          name: `asn-${config.localASN}`,
          localASN: config.localASN,
          peers: config.peers.map((p) => ({
            name: p.name,
            peerASN: p.asn,
            peerAddress: p.address,
            peerConfigRef: { name: 'bgp-peer' },
          })),
        }],
      },
    },
    {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumBGPPeerConfig',
      metadata: { name: 'bgp-peer' },
      spec: {
        timers: { holdTimeSeconds: 9, keepAliveTimeSeconds: 3 },
        gracefulRestart: { enabled: true, restartTimeSeconds: 120 },
        families: [{ afi: 'ipv4', safi: 'unicast', advertisements: { matchLabels: advertiseLabel } }],
      },
    },
  ];
  if (advertiseLoadBalancerIPs) {
    out.push({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumBGPAdvertisement',
      metadata: { name: 'loadbalancer-ips', labels: advertiseLabel },
      spec: {
        advertisements: [{
          advertisementType: 'Service',
          service: { addresses: ['LoadBalancerIP'] },
          // an always-true selector: every LoadBalancer Service
          selector: { matchExpressions: [{ key: 'io.cilium/bgp-never-selected', operator: 'DoesNotExist' }] },
        }],
      },
    });
  }
  return out;
}

/**
 * GatewayClass `cilium`, Gateways `internal` and `external`. With cert-manager they
 * terminate TLS for `*.<domain>` with one wildcard certificate, and port 80 only
 * redirects to https. With internal-dns, `internal` has a fixed address. With cloudflared, external-dns points the names routed on
 * `external` at the tunnel (`external.<domain>`, a CNAME to the tunnel).
 */
function gateways(domain: string, tls: boolean, tunnel: boolean, internalAddress?: string): K8sObject[] {
  const out: K8sObject[] = [{
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name: GATEWAY_CLASS },
    spec: { controllerName: 'io.cilium/gateway-controller' },
  }];
  if (tls) {
    out.push({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: GATEWAY_TLS_SECRET, namespace: GATEWAY_NAMESPACE },
      spec: {
        secretName: GATEWAY_TLS_SECRET,
        dnsNames: [domain, `*.${domain}`],
        issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt-production' },
      },
    });
  }
  const gateway = (name: GatewayName): K8sObject => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {
      name,
      namespace: GATEWAY_NAMESPACE,
      ...(name === 'external' && tunnel ? { annotations: { 'external-dns.alpha.kubernetes.io/target': `external.${domain}` } } : {}),
    },
    spec: {
      gatewayClassName: GATEWAY_CLASS,
      // internal-dns answers the cluster's names with this address, so it cannot float
      ...(name === 'internal' && internalAddress ? { addresses: [{ type: 'IPAddress', value: internalAddress }] } : {}),
      listeners: [
        { name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: tls ? 'Same' : 'All' } } },
        ...(tls
          ? [{
              name: 'https',
              protocol: 'HTTPS',
              port: 443,
              hostname: `*.${domain}`,
              allowedRoutes: { namespaces: { from: 'All' } },
              tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: GATEWAY_TLS_SECRET }] },
            }]
          : []),
      ],
    },
  });
  out.push(gateway('internal'), gateway('external'));
  if (tls) {
    out.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'https-redirect', namespace: GATEWAY_NAMESPACE },
      spec: {
        parentRefs: (['internal', 'external'] as const).map((name) => ({ name, namespace: GATEWAY_NAMESPACE, sectionName: 'http' })),
        rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
      },
    });
  }
  return out;
}

