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
  clusters: ClusterConfig[];
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

export interface SecretsConfig {
  provider: 'onepassword';
  /** In-cluster URL of the 1Password Connect server. */
  connectHost: string;
  /** 1Password vaults in lookup order. */
  vaults: string[];
}

export interface NotificationsConfig {
  /** A Flux notification-controller provider type: slack, discord, msteams, github … */
  type: string;
  /** Channel name where the provider needs one. */
  channel?: string;
  /** 1Password item holding the webhook address (key `address`). */
  webhookItem: string;
}

export interface ClusterConfig {
  name: string;
  provider: ProviderConfig;
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

export interface KindProvider {
  kind: 'kind';
}

/** Cluster API managed clusters; Slipway renders the Flux side, CAPI templates come later. */
export interface CapiProvider {
  kind: 'capi';
  infrastructure: 'proxmox';
  controlPlane: 'talos';
}

export interface NetworkConfig {
  /** The L2 subnet the nodes live in. */
  nodeSubnet: Cidr;
  gateway: string;
  /** Kubernetes API endpoint: a VIP or the first control-plane node. */
  controlPlaneEndpoint: string;
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
  address: string;
  role: 'controlplane' | 'worker';
  /** Disk Talos installs onto, e.g. "/dev/sda". */
  installDisk: string;
  /** Network interface the address lives on; the first physical link when not set. */
  interface?: string;
  /** Extra raw disks Rook-Ceph may consume as OSDs. */
  cephDevices?: string[];
}
