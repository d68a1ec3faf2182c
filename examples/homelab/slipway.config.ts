// The reference fleet: the two-cluster platform of seed 001 (infra + apps on Talos),
// with the two-phase bootstrap and layout of seed 003.
//
//   infra  10.25.11.11–13  API VIP 10.25.11.10  Cilium cluster id 1   global observability, databases, identity, Harbor
//   apps   10.25.11.14–16  API VIP 10.25.11.20  Cilium cluster id 2   workloads, leaf observability
//
// Both clusters peer with the router (Juniper SRX320, AS 64512) over BGP and are joined
// by Cilium ClusterMesh, so pod CIDRs and load-balancer pools are distinct.
import {
  actionsRunnerController, certManager, cilium, cloudflared, cloudnativePg, coredns, defineFleet,
  externalDns, externalSecrets, fluentBit, flux, gatewayApi, grafana, harbor, hubbleUi, internalDns, keycloak, openebs,
  podinfo, prometheusOperatorCrds, rookCeph, snapshotController, velero, victoriaLogs,
  victoriaMetrics, volsync, type NodeConfig,
} from 'slipway';

const router = { name: 'srx320', address: '10.25.11.1', asn: 64512 };

const node = (name: string, address: string): NodeConfig => ({
  name,
  address,
  role: 'controlplane',
  installDisk: '/dev/sda',
  cephDevices: ['/dev/nvme0n1'],
});

/** What every cluster runs: networking, secrets, certificates, storage, backups. */
const platformBase = () => [
  flux(),
  cilium(),
  gatewayApi(),
  coredns(),
  externalSecrets(),
  certManager({ email: 'platform@monosense.io' }),
  prometheusOperatorCrds(),
  snapshotController(),
  rookCeph(),
  openebs(),
  volsync(),
  velero(),
  externalDns(),
  internalDns(),
  hubbleUi(),
  cloudflared(),
  podinfo(),
];

export default defineFleet({
  name: 'homelab',
  git: { url: 'ssh://git@github.com/monosense/k8s-gitops.git', branch: 'main' },
  domain: 'monosense.io',
  secrets: { provider: 'onepassword', connectHost: 'http://onepassword-connect.external-secrets.svc.cluster.local:8080', vaults: ['kubernetes'] },
  notifications: { type: 'discord', webhookItem: 'flux-discord-webhook' },
  clusters: [
    {
      name: 'infra',
      provider: { kind: 'talos', version: 'v1.11.2', builtinCoreDNS: false },
      kubernetesVersion: '1.31.13',
      network: {
        nodeSubnet: '10.25.11.0/24',
        gateway: '10.25.11.1',
        // a VIP Talos keeps on a healthy control-plane node
        controlPlaneEndpoint: '10.25.11.10',
        podCIDR: '10.42.0.0/16',
        serviceCIDR: '10.43.0.0/16',
        loadBalancerPools: ['10.25.20.0/24'],
        dnsServers: ['10.25.11.1'],
        bgp: { localASN: 64513, peers: [router] },
        clusterMesh: { id: 1, peers: ['apps'] },
      },
      nodes: [node('infra-01', '10.25.11.11'), node('infra-02', '10.25.11.12'), node('infra-03', '10.25.11.13')],
      modules: [
        ...platformBase(),
        cloudnativePg(),
        victoriaMetrics({ role: 'global' }),
        victoriaLogs(),
        fluentBit(),
        grafana(),
        keycloak(),
        actionsRunnerController(),
        // the anchor app of seed 003, next to the database it needs
        harbor(),
      ],
    },
    {
      name: 'apps',
      provider: { kind: 'talos', version: 'v1.11.2', builtinCoreDNS: false },
      kubernetesVersion: '1.31.13',
      network: {
        nodeSubnet: '10.25.11.0/24',
        gateway: '10.25.11.1',
        controlPlaneEndpoint: '10.25.11.20',
        podCIDR: '10.44.0.0/16',
        serviceCIDR: '10.45.0.0/16',
        loadBalancerPools: ['10.25.21.0/24'],
        dnsServers: ['10.25.11.1'],
        bgp: { localASN: 64514, peers: [router] },
        clusterMesh: { id: 2, peers: ['infra'] },
      },
      nodes: [node('apps-01', '10.25.11.14'), node('apps-02', '10.25.11.15'), node('apps-03', '10.25.11.16')],
      modules: [
        ...platformBase(),
        victoriaMetrics({ role: 'leaf' }),
        fluentBit(),
        // infra's PostgreSQL over ClusterMesh, for pods in `default` (seed 001: "test connection from apps cluster")
        cloudnativePg({ role: 'remote', clients: ['default'] }),
      ],
    },
  ],
});
