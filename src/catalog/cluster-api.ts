// Cluster API on a management cluster (seeds 000, 002): the controllers, pinned, installed by
// `clusterctl init` in the bootstrap plan — their components are release assets with variables
// clusterctl fills in, which no GitOps source can apply — and, as GitOps units, the Cluster
// objects of every fleet cluster that names this one as its managementCluster (synth adds those:
// they are made from the workload cluster's own model, see synth/capi.ts).
//
// The providers follow the managed clusters: core always; Talos (CABPT, CACPPT) or kubeadm;
// Proxmox (CAPMOX, with the in-cluster IPAM provider it allocates machine addresses from) or
// Docker (CAPD). The unit that stands for them has no Kustomization; the CRDs it lists order the
// units that create Cluster API objects.
import { defineModule } from '../model/module.js';
import { mergeOptions } from '../model/options.js';
import type { CapiProvider, ClusterConfig, FleetConfig } from '../model/types.js';

export const CAPI_NS = 'capi-clusters';

export interface ClusterctlProvider {
  /** clusterctl init flag: --core, --bootstrap, --control-plane, --infrastructure, --ipam. */
  type: 'core' | 'bootstrap' | 'control-plane' | 'infrastructure' | 'ipam';
  name: string;
  version: string;
}

const defaults = {
  /** Provider releases `clusterctl init` installs (Renovate keeps them current through the config). */
  versions: {
    core: 'v1.10.5',
    talosBootstrap: 'v0.6.9',
    talosControlPlane: 'v0.5.10',
    proxmox: 'v0.7.4',
    inClusterIpam: 'v1.0.3',
  },
  /** 1Password (or local vault) item with the Proxmox API address and token: fields url, token-id, token-secret. */
  proxmoxCredentialsItem: 'proxmox',
};
export type ClusterApiOptions = typeof defaults;

const CORE_KINDS = ['Cluster', 'ClusterClass', 'Machine', 'MachineDeployment', 'MachineDrainRule', 'MachineHealthCheck', 'MachinePool', 'MachineSet'];

export const clusterApi = defineModule({
  name: 'cluster-api',
  description: 'Cluster API controllers (clusterctl init, pinned) and the Cluster objects of the clusters this one manages',
  // only Cluster API objects live here; the controllers run in their own namespaces
  namespace: { name: CAPI_NS, podSecurity: 'restricted' },
  defaults,
  render({ options: o, fleet, cluster }) {
    const providers = clusterctlProviders(o, managedClusters(fleet, cluster));
    return [{
      name: 'cluster-api',
      dir: 'providers',
      installedBy: `clusterctl init ${providers.map((p) => `--${p.type} ${p.name}:${p.version}`).join(' ')}`,
      installsCrds: providerCrds(providers),
      files: [],
    }];
  },
});

/** The cluster-api module's options on a management cluster (defaults where it does not run). */
export function clusterApiOptions(management: ClusterConfig): ClusterApiOptions {
  const instance = management.modules.find((m) => m.module.name === clusterApi.definition.name);
  return mergeOptions(clusterApi.definition.defaults, instance?.overrides as never) as ClusterApiOptions;
}

/** The fleet clusters whose Cluster objects live on `management` (itself too, when self-hosted). */
export function managedClusters(fleet: FleetConfig, management: ClusterConfig): Array<ClusterConfig & { provider: CapiProvider }> {
  return fleet.clusters.filter((c): c is ClusterConfig & { provider: CapiProvider } =>
    c.provider.kind === 'capi' && c.provider.managementCluster === management.name);
}

/** What clusterctl init installs for these clusters, in clusterctl's flag order. */
export function clusterctlProviders(o: ClusterApiOptions, managed: Array<{ provider: CapiProvider }>): ClusterctlProvider[] {
  const uses = (pred: (p: CapiProvider) => boolean) => managed.some((c) => pred(c.provider));
  const out: ClusterctlProvider[] = [{ type: 'core', name: 'cluster-api', version: o.versions.core }];
  if (uses((p) => p.bootstrap === 'talos')) {
    out.push({ type: 'bootstrap', name: 'talos', version: o.versions.talosBootstrap }, { type: 'control-plane', name: 'talos', version: o.versions.talosControlPlane });
  }
  if (uses((p) => p.bootstrap === 'kubeadm')) {
    out.push({ type: 'bootstrap', name: 'kubeadm', version: o.versions.core }, { type: 'control-plane', name: 'kubeadm', version: o.versions.core });
  }
  if (uses((p) => p.infrastructure === 'proxmox')) {
    out.push({ type: 'infrastructure', name: 'proxmox', version: o.versions.proxmox }, { type: 'ipam', name: 'in-cluster', version: o.versions.inClusterIpam });
  }
  if (uses((p) => p.infrastructure === 'docker')) out.push({ type: 'infrastructure', name: 'docker', version: o.versions.core });
  return out;
}

function providerCrds(providers: ClusterctlProvider[]): string[] {
  const kinds = CORE_KINDS.map((k) => `cluster.x-k8s.io/${k}`).concat(['ipam.cluster.x-k8s.io/IPAddress', 'ipam.cluster.x-k8s.io/IPAddressClaim']);
  for (const p of providers) {
    const key = `${p.type}/${p.name}`;
    const add = (group: string, list: string[]) => kinds.push(...list.map((k) => `${group}.cluster.x-k8s.io/${k}`));
    if (key === 'bootstrap/talos') add('bootstrap', ['TalosConfig', 'TalosConfigTemplate']);
    if (key === 'control-plane/talos') add('controlplane', ['TalosControlPlane']);
    if (key === 'bootstrap/kubeadm') add('bootstrap', ['KubeadmConfig', 'KubeadmConfigTemplate']);
    if (key === 'control-plane/kubeadm') add('controlplane', ['KubeadmControlPlane', 'KubeadmControlPlaneTemplate']);
    if (key === 'infrastructure/proxmox') add('infrastructure', ['ProxmoxCluster', 'ProxmoxClusterTemplate', 'ProxmoxMachine', 'ProxmoxMachineTemplate']);
    if (key === 'ipam/in-cluster') add('ipam', ['InClusterIPPool', 'GlobalInClusterIPPool']);
    if (key === 'infrastructure/docker') add('infrastructure', ['DockerCluster', 'DockerClusterTemplate', 'DockerMachine', 'DockerMachinePool', 'DockerMachinePoolTemplate', 'DockerMachineTemplate']);
  }
  return kinds;
}
