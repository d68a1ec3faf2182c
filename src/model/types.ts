// The typed fleet model: what a platform team writes in slipway.config.ts.
// Everything here is plain data so a config can be validated, printed and diffed.
import type { ModuleInstance } from './module.js';

/** An IPv4 CIDR such as "10.42.0.0/16". */
export type Cidr = string;

export interface FleetConfig {
  /** Short name of the fleet, used in generated docs and labels. */
  name: string;
  /** The Git repository Flux syncs every cluster from. */
  git: GitConfig;
  /** Base DNS domain; clusters get `<cluster>.<domain>` unless they set their own. */
  domain: string;
  /** Where ExternalSecrets read credentials from (a 1Password Connect server by default). */
  secrets?: SecretsConfig;
  /** Where Flux sends alerts. */
  notifications?: NotificationsConfig;
  /** How the generated CI gets Slipway. */
  ci?: CiConfig;
  /** The delivery engine of every cluster that does not set its own: Flux (default) or Argo CD. */
  gitops?: GitOpsEngine;
  /** What the policy modules (kyverno, gatekeeper) enforce, and every exemption from it. */
  policy?: PolicyConfig;
  clusters: ClusterConfig[];
}

/** The baseline policies the policy modules generate from the model. */
export type BaselinePolicy = 'pod-security' | 'disallow-latest-tag' | 'require-requests-limits' | 'disallow-host-path' | 'require-labels';

export interface PolicyConfig {
  /** Labels every workload must carry (seed 004's label taxonomy); no label policy when empty. */
  requiredLabels?: string[];
  /**
   * The one list of exceptions: the cluster's admission policies (PolicyExceptions, constraint
   * excludedNamespaces) and `slipway check` in CI (.slipway.yaml) are written from it.
   */
  exemptions?: PolicyExemption[];
}

export interface PolicyExemption {
  policy: BaselinePolicy;
  namespaces: string[];
  /** Why these namespaces may break the policy; shown in every place the exemption is written. */
  reason: string;
  /** Only on these clusters; every cluster when not set. */
  clusters?: string[];
}

export interface CiConfig {
  /**
   * What CI passes to `npm install` for Slipway: a git URL at a commit
   * (`git+https://github.com/ORG/slipway.git#<sha>`), a tarball URL, or a package you publish.
   * Default: the git remote and commit of the Slipway that synthesized the repository.
   */
  install?: string;
}

export interface GitConfig {
  url: string;
  branch?: string;
}

/**
 * Where the platform's credentials come from. Modules only name the values they need (a
 * 1Password item and field); the provider decides how they reach the cluster:
 * - `onepassword`: ExternalSecrets read them from 1Password through Connect at run time;
 * - `sops`: `task secrets:encrypt` builds each Secret from local files and commits it SOPS-encrypted
 *   for these age recipients, and Flux decrypts it;
 * - `sealed-secrets`: `task secrets:seal` builds each Secret from local files and seals it with the
 *   controller's public certificate (the sealed-secrets module).
 * Either way no value is ever written to Git in plaintext.
 */
export type SecretsConfig = OnePasswordSecrets | SopsSecrets | SealedSecretsProvider;

export interface OnePasswordSecrets {
  provider: 'onepassword';
  /** In-cluster URL of the 1Password Connect server. */
  connectHost: string;
  /** 1Password vaults in lookup order. */
  vaults: string[];
}

export interface SopsSecrets {
  provider: 'sops';
  /** age public keys (`age1…`) every encrypted Secret is readable by: the cluster's key and the team's. */
  ageRecipients: string[];
}

export interface SealedSecretsProvider {
  provider: 'sealed-secrets';
}

export interface NotificationsConfig {
  /** A Flux notification-controller provider type: slack, discord, msteams, github … */
  type: string;
  /** Channel name where the provider needs one. */
  channel?: string;
  /** 1Password item holding the webhook address (key `address`). */
  webhookItem: string;
}

/** flux: Flux Kustomizations and HelmReleases; argocd: Argo CD Applications (app of apps). */
export type GitOpsEngine = 'flux' | 'argocd';

export interface ClusterConfig {
  name: string;
  provider: ProviderConfig;
  /** This cluster's delivery engine; the fleet's when not set. */
  gitops?: GitOpsEngine;
  kubernetesVersion?: string;
  /** `<name>.<fleet domain>` when not set. */
  domain?: string;
  network: NetworkConfig;
  nodes: NodeConfig[];
  modules: ModuleInstance[];
}

export type ProviderConfig = TalosProvider | KindProvider | CapiProvider;

export interface TalosProvider {
  kind: 'talos';
  /** Talos release, e.g. "v1.11.2". */
  version: string;
  /** Image Factory schematic id carrying the system extensions the nodes need. */
  schematic?: string;
  /** Keep Talos' bundled CoreDNS (true) or disable it and deploy the coredns module (false). */
  builtinCoreDNS?: boolean;
}

/**
 * A local development cluster made by kind (nodes are containers on one Docker host): no BGP, no
 * raw disks, dev-sized module values (one replica, the local storage class).
 */
export interface KindProvider {
  kind: 'kind';
  /** Node image; `kindest/node:v<kubernetesVersion>` when not set. */
  nodeImage?: string;
  /** Host port of the API server on 127.0.0.1; 6443 plus the cluster's index among the fleet's kind clusters when not set. */
  apiServerPort?: number;
}

/**
 * A cluster made by Cluster API. The management cluster (a cluster of the fleet running the
 * clusterApi() module) holds its Cluster objects; a cluster that names itself is self-hosted:
 * a temporary kind cluster creates it, then `clusterctl move` hands its objects over to it.
 */
export interface CapiProvider {
  kind: 'capi';
  /** The fleet cluster whose Cluster API controllers create and manage this one (itself: self-hosted). */
  managementCluster: string;
  /** Infrastructure provider: Proxmox (CAPMOX), or Docker (CAPD) for development. */
  infrastructure: 'proxmox' | 'docker';
  /** Bootstrap and control-plane providers: Talos (CABPT and CACPPT) or kubeadm. */
  bootstrap: 'talos' | 'kubeadm';
  /** Talos release of the machines (bootstrap talos), e.g. "v1.11.2". */
  talosVersion?: string;
  controlPlane: MachinePool;
  workers: MachinePool;
  /** Where CAPMOX places the machines (infrastructure proxmox). */
  proxmox?: ProxmoxPlacement;
}

export interface MachinePool {
  replicas: number;
  cores: number;
  memoryMiB: number;
  diskGiB: number;
}

export interface ProxmoxPlacement {
  /** Proxmox node holding the VM template. */
  sourceNode: string;
  /** VM id of the template machines are cloned from (a Talos or kubeadm-ready image). */
  templateID: number;
  /** Proxmox nodes machines may run on; the source node when not set. */
  allowedNodes?: string[];
  /** Bridge the machines' network device attaches to, e.g. "vmbr0". */
  bridge: string;
  /** Addresses CAPMOX hands to machines, on the node subnet: a range "10.40.0.21-10.40.0.40" or CIDRs. */
  machineAddresses: string[];
}

export interface NetworkConfig {
  /** The L2 subnet the nodes live in. */
  nodeSubnet: Cidr;
  gateway: string;
  /** Kubernetes API endpoint: a VIP or the first control-plane node (not set on kind, which publishes the API on 127.0.0.1). */
  controlPlaneEndpoint?: string;
  podCIDR: Cidr;
  serviceCIDR: Cidr;
  /** Address pools Cilium LB IPAM hands to LoadBalancer Services. */
  loadBalancerPools: Cidr[];
  dnsServers?: string[];
  bgp?: BgpConfig;
  clusterMesh?: ClusterMeshConfig;
}

export interface BgpConfig {
  localASN: number;
  peers: BgpPeer[];
}

export interface BgpPeer {
  name: string;
  address: string;
  asn: number;
}

export interface ClusterMeshConfig {
  /** Cilium cluster id, 1–255, unique within the mesh. */
  id: number;
  /** Cilium cluster name; the cluster name when not set. */
  name?: string;
  /** Names of the clusters this one meshes with (symmetric). */
  peers: string[];
}

export interface NodeConfig {
  name: string;
  /** Static address on the node subnet (not set on kind, where Docker assigns it). */
  address?: string;
  role: 'controlplane' | 'worker';
  /** Disk Talos installs onto, e.g. "/dev/sda" (not set on kind). */
  installDisk?: string;
  /** Network interface the address lives on; the first physical link when not set. */
  interface?: string;
  /** Extra raw disks Rook-Ceph may consume as OSDs. */
  cephDevices?: string[];
}
