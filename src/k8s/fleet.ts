// Looking across the fleet from inside one module: which clusters run a module,
// with what options, and whether two clusters are joined by Cilium ClusterMesh.
// Leaf modules (a vmagent, a log shipper) use it to find their central service.
import type { ClusterConfig, FleetConfig } from '../model/types.js';
import { mergeOptions } from '../model/options.js';

export interface ModuleSite<O> {
  cluster: ClusterConfig;
  /** The cluster's fully qualified domain. */
  domain: string;
  /** The module's defaults merged with that cluster's overrides. */
  options: O;
}

/** The delivery engine of a cluster: its own setting, the fleet's, or Flux. */
export function gitopsOf(fleet: FleetConfig, cluster: ClusterConfig): 'flux' | 'argocd' {
  return cluster.gitops ?? fleet.gitops ?? 'flux';
}

export function clusterDomain(fleet: FleetConfig, cluster: ClusterConfig): string {
  return cluster.domain ?? `${cluster.name}.${fleet.domain}`;
}

/** Every cluster of the fleet that enables the module `name`, in fleet order. */
export function sitesOf<O extends object>(fleet: FleetConfig, name: string): ModuleSite<O>[] {
  const out: ModuleSite<O>[] = [];
  for (const cluster of fleet.clusters) {
    const instance = cluster.modules.find((m) => m.module.name === name);
    if (!instance) continue;
    const options = mergeOptions(instance.module.defaults as O, instance.overrides as never);
    out.push({ cluster, domain: clusterDomain(fleet, cluster), options });
  }
  return out;
}

/** Are the two clusters ClusterMesh peers (either side listing the other is enough)? */
export function meshed(a: ClusterConfig, b: ClusterConfig): boolean {
  const ma = a.network.clusterMesh;
  const mb = b.network.clusterMesh;
  if (!ma || !mb) return false;
  return ma.peers.includes(b.name) || mb.peers.includes(a.name);
}
