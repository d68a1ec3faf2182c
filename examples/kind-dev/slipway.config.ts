// The reference fleet of seed 004: a Talos production cluster and a kind development cluster on
// one workstation, delivered by Flux, with SOPS for every credential (no 1Password).
//
//   prod  10.30.0.11–13  API VIP 10.30.0.10  Talos, Rook-Ceph, BGP to the router
//   dev   kind on the workstation's Docker   the same modules dev-sized, OpenEBS hostpath storage,
//                                            LoadBalancer addresses by L2 announcement on the kind network
//
// Secrets: `task secrets:encrypt CLUSTER=…` builds each Secret from the git-ignored .secrets/
// folder and commits it encrypted for the two age recipients below (the cluster key Flux holds,
// and the team's key for editing).
import {
  certManager, cilium, coredns, defineFleet, flagger, flux, gatewayApi, kubePrometheusStack, kyverno, openebs, podinfo,
  prometheusOperatorCrds, rookCeph, snapshotController, tenants, type NodeConfig,
} from 'slipway';

const router = { name: 'edge', address: '10.30.0.1', asn: 64600 };

const node = (name: string, address: string): NodeConfig => ({
  name, address, role: 'controlplane', installDisk: '/dev/sda', cephDevices: ['/dev/nvme0n1'],
});

/** What both clusters run, production-sized; kind shrinks it (one replica, local storage). */
const platform = () => [
  flux(),
  cilium(),
  gatewayApi(),
  certManager({ email: 'platform@example.dev' }),
  prometheusOperatorCrds(),
  snapshotController(),
  openebs(),
  podinfo({ gateway: 'internal' }),
  // audit first: violations show in PolicyReports; flip to enforce once they are gone
  kyverno({ mode: 'audit' }),
  // metrics for alerting and for Flagger's canary analysis (seed 004)
  kubePrometheusStack(),
  flagger(),
];

export default defineFleet({
  name: 'workstation',
  git: { url: 'ssh://git@github.com/example/platform.git', branch: 'main' },
  domain: 'example.dev',
  secrets: {
    provider: 'sops',
    ageRecipients: [
      // the cluster key (its private half becomes the flux-system/sops-age Secret at bootstrap)
      'age1u9gxeyqv66fjdj5dqw5apvc9v84dw8fdukgfyyr64c34550e75zqf992q4',
      // the platform team's key, for sops edit
      'age10cjw7e3t0mdpcxq896gus369xvm4kncqe5us6yk267k4c2z36passgp3aq',
    ],
  },
  // seed 004: the label taxonomy, and every exemption in one place with its reason
  policy: {
    requiredLabels: ['app.kubernetes.io/name'],
    exemptions: [
      {
        policy: 'require-labels',
        namespaces: ['flux-system'],
        reason: 'the Flux controllers are labelled app=<controller> by the flux2 chart; the taxonomy is for workloads we own',
      },
    ],
  },
  clusters: [
    {
      name: 'prod',
      provider: { kind: 'talos', version: 'v1.11.2', builtinCoreDNS: false },
      kubernetesVersion: '1.33.5',
      network: {
        nodeSubnet: '10.30.0.0/24',
        gateway: '10.30.0.1',
        controlPlaneEndpoint: '10.30.0.10',
        podCIDR: '10.50.0.0/16',
        serviceCIDR: '10.51.0.0/16',
        loadBalancerPools: ['10.30.10.0/24'],
        bgp: { localASN: 64601, peers: [router] },
      },
      nodes: [node('prod-01', '10.30.0.11'), node('prod-02', '10.30.0.12'), node('prod-03', '10.30.0.13')],
      // kind keeps its own CoreDNS; on Talos the catalog's replaces the bundled one
      modules: [
        ...platform(), coredns(), rookCeph(),
        // Flux multi-tenancy: each team reconciles its own folder as its own ServiceAccount
        tenants({ teams: [{ name: 'payments' }, { name: 'web', namespaces: ['web', 'web-preview'] }] }),
      ],
    },
    {
      name: 'dev',
      provider: { kind: 'kind' },
      kubernetesVersion: '1.33.4',
      network: {
        // the `kind` Docker network; LoadBalancer addresses from its top, away from the containers
        nodeSubnet: '172.18.0.0/24',
        gateway: '172.18.0.1',
        podCIDR: '10.60.0.0/16',
        serviceCIDR: '10.61.0.0/16',
        loadBalancerPools: ['172.18.255.0/28'],
      },
      nodes: [{ name: 'dev-control-plane', role: 'controlplane' }, { name: 'dev-worker', role: 'worker' }],
      modules: platform(),
    },
  ],
});
