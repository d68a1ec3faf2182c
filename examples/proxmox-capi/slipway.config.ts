// The reference fleet of seed 000: Proxmox first, clusters made by Cluster API.
//
//   mgmt  self-hosted management cluster: Talos machines on Proxmox (CAPMOX + CABPT/CACPPT),
//         created from a temporary kind cluster, then `clusterctl move`d onto itself; runs the
//         Cluster API controllers and the Cluster objects of every cluster below
//   prod  workload cluster from the proxmox-kubeadm ClusterClass (kubeadm, kube-vip VIP), made
//         by mgmt's GitOps once mgmt is up
//
// Both are delivered by Argo CD (gitops: 'argocd'): one Application per unit, app of apps.
//
// `slipway bootstrap plan --cluster mgmt` prints the steps; `task plan:mgmt` runs them.
import {
  argocd, certManager, cilium, clusterApi, defineFleet, externalSecrets, gatekeeper, gatewayApi, kubePrometheusStack,
  openebs, podinfo, prometheusOperatorCrds, type ClusterConfig,
} from 'slipway';

const proxmox = {
  sourceNode: 'pve-01',
  allowedNodes: ['pve-01', 'pve-02', 'pve-03'],
  bridge: 'vmbr0',
};

/** What every cluster runs: GitOps, networking, secrets, certificates, local storage, monitoring. */
const platform = () => [
  // seed 000's delivery engine: Argo CD, Applications in sync waves from the dependency graph
  argocd(),
  cilium(),
  gatewayApi(),
  externalSecrets(),
  certManager({ email: 'platform@example.org' }),
  openebs(),
  prometheusOperatorCrds(),
  // seed 000: kube-prometheus-stack (Prometheus, Alertmanager, Grafana) on local volumes
  kubePrometheusStack({ storageClass: 'openebs-hostpath', storageSize: '20Gi' }),
  // seed 000: policy violations block merges (slipway check in CI) and admission (Gatekeeper);
  // audit first, then enforce
  gatekeeper({ mode: 'audit' }),
];

const network = (third: number, pods: number): ClusterConfig['network'] => ({
  nodeSubnet: `10.${third}.0.0/24`,
  gateway: `10.${third}.0.1`,
  controlPlaneEndpoint: `10.${third}.0.10`,
  podCIDR: `10.${pods}.0.0/16`,
  serviceCIDR: `10.${pods + 1}.0.0/16`,
  loadBalancerPools: [`10.${third}.10.0/24`],
  dnsServers: [`10.${third}.0.1`],
});

export default defineFleet({
  name: 'proxmox',
  git: { url: 'ssh://git@github.com/example/proxmox-platform.git', branch: 'main' },
  domain: 'example.org',
  gitops: 'argocd',
  policy: {
    requiredLabels: ['app.kubernetes.io/name'],
    exemptions: [
      {
        policy: 'require-labels',
        namespaces: ['argocd'],
        reason: 'the argo-cd chart labels its redis pods app.kubernetes.io/name only when the chart name matches; reviewed and accepted',
      },
    ],
  },
  secrets: { provider: 'onepassword', connectHost: 'http://onepassword-connect.external-secrets.svc.cluster.local:8080', vaults: ['platform'] },
  clusters: [
    {
      name: 'mgmt',
      provider: {
        kind: 'capi',
        managementCluster: 'mgmt',
        infrastructure: 'proxmox',
        bootstrap: 'talos',
        talosVersion: 'v1.11.2',
        controlPlane: { replicas: 3, cores: 2, memoryMiB: 4096, diskGiB: 32 },
        workers: { replicas: 2, cores: 4, memoryMiB: 8192, diskGiB: 64 },
        proxmox: { ...proxmox, templateID: 9000, machineAddresses: ['10.40.0.21-10.40.0.40'] },
      },
      kubernetesVersion: '1.33.5',
      network: network(40, 80),
      nodes: [],
      modules: [...platform(), clusterApi()],
    },
    {
      name: 'prod',
      provider: {
        kind: 'capi',
        managementCluster: 'mgmt',
        infrastructure: 'proxmox',
        bootstrap: 'kubeadm',
        controlPlane: { replicas: 3, cores: 4, memoryMiB: 8192, diskGiB: 40 },
        workers: { replicas: 3, cores: 8, memoryMiB: 16384, diskGiB: 100 },
        // a kubeadm-ready image (Ubuntu with cloud-init and the Kubernetes packages)
        proxmox: { ...proxmox, templateID: 9100, machineAddresses: ['10.41.0.21-10.41.0.60'] },
      },
      kubernetesVersion: '1.33.5',
      network: network(41, 82),
      nodes: [],
      modules: [...platform(), podinfo()],
    },
  ],
});
