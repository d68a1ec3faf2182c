// Addresses pinned in a cluster's first LoadBalancer pool. Whatever a peer cluster or a LAN
// resolver must be told about ahead of time gets a fixed slot, so it can be configured from the
// fleet model alone; everything else takes whatever LB IPAM hands out from the rest of the pool.
import { ModuleConfigError } from '../model/module.js';
import type { ClusterConfig } from '../model/types.js';
import { hostAddress, parseCidr } from './cidr.js';

const SLOTS = {
  /** The clustermesh-apiserver, dialled by the mesh peers. */
  'clustermesh-apiserver': 1,
  /** The `internal` Gateway, which internal DNS names resolve to. */
  'internal-gateway': 2,
  /** The internal DNS resolver, which LAN resolvers and peer clusters forward the cluster's domain to. */
  'internal-dns': 3,
} as const;
export type PinnedService = keyof typeof SLOTS;

export function pinnedAddress(cluster: ClusterConfig, service: PinnedService): string {
  const pool = cluster.network.loadBalancerPools[0];
  if (!pool) throw new ModuleConfigError(`cluster ${cluster.name}: the ${service} needs a fixed address, so give the cluster network.loadBalancerPools`);
  const range = parseCidr(pool);
  const slot = SLOTS[service];
  if ('error' in range || range.start + slot > range.end) {
    throw new ModuleConfigError(`cluster ${cluster.name}: the first LoadBalancer pool ${pool} is too small for the ${service}'s fixed address (number ${slot} of the pool); give it at least ${slot + 1} addresses`);
  }
  return hostAddress(pool, slot);
}
