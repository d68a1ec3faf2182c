// Fleet rules: Cilium ClusterMesh routes pod IPs and load-balancer IPs between clusters, so
// meshed clusters need distinct identities (cluster id and name) and disjoint networks.
// Read from each cluster's Cilium HelmRelease values and CiliumLoadBalancerIPPools.
import { overlaps, parseCidr, parseIPv4, type Range } from '../../k8s/cidr.js';
import type { FluxCluster, HelmReleaseInfo } from '../../repo/flux/index.js';
import type { CheckContext } from '../context.js';
import type { Rule, RuleFinding } from '../rule.js';

interface Where { file?: string; line?: number }
interface Net { text: string; range: Range; where: Where }

interface MeshMember {
  cluster: string;
  meshName?: string;
  id?: number;
  /** Peers named in clustermesh.config.clusters; undefined = unknown (assume all meshed clusters). */
  peers?: string[];
  podCIDRs: Net[];
  lbPools: Net[];
  where: Where;
}

const isCilium = (hr: HelmReleaseInfo) =>
  (hr.chart.name ?? '') === 'cilium' || /\/cilium\/?$/.test(hr.chart.source?.url ?? '');

function list(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  return typeof v === 'string' && v ? v.split(/[\s,]+/).filter(Boolean) : [];
}

function members(ctx: CheckContext): MeshMember[] {
  const out: MeshMember[] = [];
  for (const c of ctx.repo.clusters) {
    const hr = c.helmReleases.find(isCilium);
    const values = (hr?.values ?? {}) as Record<string, any>;
    const mesh = values.clustermesh ?? {};
    const meshed = mesh.useAPIServer === true || mesh.config?.enabled === true;
    if (!hr || !meshed) continue;
    const where = { file: hr.origin?.file, line: hr.origin?.line };
    // the cluster-pool IPAM list; never ipv4NativeRoutingCIDR: with ClusterMesh it covers every
    // meshed cluster's pods on purpose, so meshed clusters' ranges overlap by design
    const pods = list(values.ipam?.operator?.clusterPoolIPv4PodCIDRList);
    out.push({
      cluster: c.name,
      meshName: values.cluster?.name,
      id: typeof values.cluster?.id === 'number' ? values.cluster.id : undefined,
      peers: Array.isArray(mesh.config?.clusters) ? mesh.config.clusters.map((p: any) => String(p?.name)) : undefined,
      podCIDRs: nets(pods, where),
      lbPools: lbPools(c),
      where,
    });
  }
  return out;
}

function nets(texts: string[], where: Where): Net[] {
  const out: Net[] = [];
  for (const text of new Set(texts)) {
    const range = parseCidr(text);
    if (!('error' in range)) out.push({ text, range, where });
  }
  return out;
}

function lbPools(c: FluxCluster): Net[] {
  const out: Net[] = [];
  for (const ks of c.kustomizations) for (const r of ks.resources) {
    if (r.id.kind !== 'CiliumLoadBalancerIPPool') continue;
    const where = { file: r.origin?.file, line: r.origin?.line };
    for (const b of ((r.object.spec as any)?.blocks ?? (r.object.spec as any)?.cidrs ?? []) as any[]) {
      if (b?.cidr) out.push(...nets([String(b.cidr)], where));
      else if (b?.start) {
        const start = parseIPv4(String(b.start));
        const stop = parseIPv4(String(b.stop ?? b.start));
        if (start !== undefined && stop !== undefined) out.push({ text: `${b.start}-${b.stop ?? b.start}`, range: { start, end: stop }, where });
      }
    }
  }
  return out;
}

/** Pairs of meshed clusters (each pair once). */
function meshedPairs(all: MeshMember[]): Array<[MeshMember, MeshMember]> {
  const pairs: Array<[MeshMember, MeshMember]> = [];
  for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) {
    const [a, b] = [all[i], all[j]];
    const names = (m: MeshMember) => new Set([m.cluster, m.meshName].filter(Boolean));
    const linked = (x: MeshMember, y: MeshMember) => x.peers === undefined || x.peers.some((p) => names(y).has(p));
    if (linked(a, b) && linked(b, a)) pairs.push([a, b]);
  }
  return pairs;
}

export const clusterIdentity: Rule = {
  id: 'fleet/cluster-identity',
  severity: 'error',
  doc: {
    summary: 'duplicate Cilium cluster id or name in a mesh',
    why: 'ClusterMesh identifies endpoints by cluster id; two clusters with the same id or name corrupt each other\'s identities and routing.',
    fix: 'give every meshed cluster its own cluster.id (1–255) and cluster.name in the Cilium values.',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    for (const [a, b] of meshedPairs(members(ctx))) {
      if (a.id !== undefined && a.id === b.id) out.push({ message: `Cilium cluster.id ${a.id} of cluster ${b.cluster} is also used by meshed cluster ${a.cluster} (${a.where.file}:${a.where.line})`, ...b.where, cluster: b.cluster });
      if (a.meshName && a.meshName === b.meshName) out.push({ message: `Cilium cluster.name "${a.meshName}" of cluster ${b.cluster} is also used by meshed cluster ${a.cluster}`, ...b.where, cluster: b.cluster });
    }
    return out;
  },
};

export const networkOverlap: Rule = {
  id: 'fleet/network-overlap',
  severity: 'error',
  doc: {
    summary: 'overlapping pod CIDRs or load-balancer pools between clusters that are meshed',
    why: 'ClusterMesh routes these ranges between clusters: an overlap sends traffic to the wrong cluster.',
    fix: 'give each meshed cluster its own pod CIDR and LB IPAM pool ranges.',
  },
  run(ctx) {
    const out: RuleFinding[] = [];
    for (const [a, b] of meshedPairs(members(ctx))) {
      for (const [what, xs, ys] of [['pod CIDR', a.podCIDRs, b.podCIDRs], ['load-balancer pool', a.lbPools, b.lbPools]] as const) {
        for (const x of xs) for (const y of ys) {
          if (!overlaps(x.range, y.range)) continue;
          out.push({ message: `${what} ${y.text} of cluster ${b.cluster} overlaps ${x.text} of meshed cluster ${a.cluster} (${x.where.file}:${x.where.line})`, ...y.where, cluster: b.cluster });
        }
      }
    }
    return out;
  },
};
