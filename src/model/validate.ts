// Validation of a loaded fleet config. Every problem names its config path
// (`clusters[1].network.podCIDR`) and says what to change; all problems are
// collected, not just the first, so one run shows everything to fix.
import { contains, overlaps, parseCidr, parseIPv4, type Range } from '../k8s/cidr.js';
import { z } from 'zod';
import { checkShape } from './schema.js';
import type { CapiProvider, ClusterConfig, FleetConfig } from './types.js';

/** The catalog module that runs the Cluster API controllers (named here so the model needs no catalog import). */
export const CLUSTER_API_MODULE = 'cluster-api';

export interface ConfigProblem {
  path: string;
  message: string;
}

export function validateFleet(fleet: FleetConfig): ConfigProblem[] {
  // the shape first: the relations below assume every field has its type
  const shape = checkShape(fleet);
  if (shape.length) return shape;
  const problems: ConfigProblem[] = [];
  const report = (path: string, message: string) => problems.push({ path, message });

  const names = new Map<string, number>();
  fleet.clusters.forEach((cluster, i) => {
    const at = `clusters[${i}]`;
    if (names.has(cluster.name)) report(`${at}.name`, `duplicate cluster name "${cluster.name}" (also clusters[${names.get(cluster.name)}])`);
    else names.set(cluster.name, i);
    validateCluster(cluster, at, report, fleet);
  });
  validateFleetWideAddresses(fleet, report);
  validateMesh(fleet, names, report);
  validatePolicy(fleet, names, report);
  validateManagement(fleet, names, report);
  return problems;
}

type Report = (path: string, message: string) => void;

/**
 * Talos pulls `kube-apiserver:v<version>` and friends, and no image is tagged with a bare minor:
 * a Talos cluster needs the exact release it is to run (talosctl gen config --kubernetes-version).
 */
function validateTalosKubernetesVersion(cluster: ClusterConfig, at: string, report: Report): void {
  const version = cluster.kubernetesVersion;
  if (!version || /^v?\d+\.\d+\.\d+$/.test(version)) return;
  if (cluster.provider.kind === 'kind') {
    // node images are tagged with full releases (kindest/node:v1.33.1)
    if (!cluster.provider.nodeImage) report(`${at}.kubernetesVersion`, `kind's node images are tagged with exact releases: write a patch version such as "${version.replace(/^v/, '')}.0", or set provider.nodeImage`);
    return;
  }
  report(`${at}.kubernetesVersion`, `Talos installs an exact Kubernetes release: write a patch version such as "${version.replace(/^v/, '')}.0", or leave it out for Talos's default`);
}

/**
 * What each provider needs of the nodes and network. Talos and Cluster API machines sit on the
 * node subnet at addresses the model gives them; kind's nodes are containers that Docker
 * addresses, with no disks of their own and the API on the host's loopback.
 */
function validateProviderFields(cluster: ClusterConfig, at: string, report: Report): void {
  const kind = cluster.provider.kind;
  if (kind === 'kind') {
    const why = 'kind makes its nodes as containers, with Docker-assigned addresses and no disks; leave it out';
    cluster.nodes.forEach((n, j) => {
      for (const field of ['address', 'installDisk', 'interface', 'cephDevices'] as const) {
        if (n[field] !== undefined) report(`${at}.nodes[${j}].${field}`, why);
      }
    });
    if (cluster.network.controlPlaneEndpoint !== undefined) report(`${at}.network.controlPlaneEndpoint`, 'kind publishes the API server on 127.0.0.1 (provider.apiServerPort); leave it out');
    if (cluster.network.bgp) report(`${at}.network.bgp`, 'a kind cluster has no router to peer with; Cilium announces LoadBalancer addresses on the Docker network with L2 announcements instead: leave bgp out');
    return;
  }
  if (cluster.provider.kind === 'capi') {
    validateCapi(cluster, cluster.provider, at, report);
    return;
  }
  if (!cluster.nodes.length) report(`${at}.nodes`, 'must list at least one node');
  if (cluster.network.controlPlaneEndpoint === undefined) report(`${at}.network.controlPlaneEndpoint`, `is required on ${kind}: the API VIP or the first control-plane node's address`);
  cluster.nodes.forEach((n, j) => {
    if (n.address === undefined) report(`${at}.nodes[${j}].address`, `is required on ${kind}: the node's static address on the node subnet`);
    if (kind === 'talos' && n.installDisk === undefined) report(`${at}.nodes[${j}].installDisk`, 'is required on talos: the disk Talos installs onto, such as /dev/sda');
  });
}

/** A Cluster API cluster: machine pools instead of nodes, and what its providers need. */
function validateCapi(cluster: ClusterConfig, p: CapiProvider, at: string, report: Report): void {
  if (cluster.nodes.length) report(`${at}.nodes`, 'Cluster API makes the machines: describe them in provider.controlPlane and provider.workers, and leave nodes empty');
  if (p.controlPlane.replicas % 2 === 0) report(`${at}.provider.controlPlane.replicas`, `${p.controlPlane.replicas} control-plane machines tolerate no more failures than ${p.controlPlane.replicas - 1}; etcd needs an odd number (1, 3, 5)`);
  if (p.bootstrap === 'talos' && !p.talosVersion) report(`${at}.provider.talosVersion`, 'is required with bootstrap talos: the Talos release of the machines, such as "v1.11.2"');
  if (p.bootstrap === 'kubeadm' && p.talosVersion) report(`${at}.provider.talosVersion`, 'is a setting of bootstrap talos; leave it out with kubeadm');
  if (p.infrastructure === 'proxmox') {
    if (!p.proxmox) report(`${at}.provider.proxmox`, 'is required with infrastructure proxmox: the template, source node, bridge and machine addresses');
    if (!cluster.network.controlPlaneEndpoint) report(`${at}.network.controlPlaneEndpoint`, 'is required on Proxmox: the API VIP the control-plane machines share');
  } else {
    if (p.proxmox) report(`${at}.provider.proxmox`, `is a setting of infrastructure proxmox; leave it out with ${p.infrastructure}`);
    if (cluster.network.controlPlaneEndpoint) report(`${at}.network.controlPlaneEndpoint`, 'CAPD puts a load balancer container in front of the API server and sets the endpoint itself; leave it out');
  }
}

/** Every Cluster API cluster names a management cluster of the fleet, and that one runs clusterApi(). */
function validateManagement(fleet: FleetConfig, names: Map<string, number>, report: Report): void {
  fleet.clusters.forEach((c, i) => {
    if (c.provider.kind !== 'capi') return;
    const at = `clusters[${i}].provider.managementCluster`;
    const k = names.get(c.provider.managementCluster);
    if (k === undefined) {
      report(at, `no cluster named "${c.provider.managementCluster}" in this fleet; name the cluster whose Cluster API controllers create this one (or this cluster itself, to be self-hosted)`);
      return;
    }
    const mgmt = fleet.clusters[k];
    if (!mgmt.modules.some((m) => m.module.name === CLUSTER_API_MODULE)) {
      report(at, `cluster "${mgmt.name}" does not run the Cluster API controllers: add clusterApi() to its modules`);
    }
    if (mgmt.provider.kind === 'capi' && k !== i && mgmt.provider.managementCluster !== mgmt.name) {
      report(at, `cluster "${mgmt.name}" is itself managed by "${mgmt.provider.managementCluster}"; manage workload clusters from a self-hosted or a Talos/kind management cluster`);
    }
  });
}

/** A CIDR the schema accepted in form; its network must also be exact (no host bits). */
function cidrAt(value: string, path: string, report: Report): Range | undefined {
  const r = parseCidr(value);
  if (!('error' in r)) return r;
  report(path, r.error);
  return undefined;
}

function validateCluster(cluster: ClusterConfig, at: string, report: Report, fleet: FleetConfig): void {
  validateTalosKubernetesVersion(cluster, at, report);
  validateProviderFields(cluster, at, report);
  const net = cluster.network;
  const named: Array<[string, Range | undefined]> = [
    [`${at}.network.nodeSubnet`, cidrAt(net.nodeSubnet, `${at}.network.nodeSubnet`, report)],
    [`${at}.network.podCIDR`, cidrAt(net.podCIDR, `${at}.network.podCIDR`, report)],
    [`${at}.network.serviceCIDR`, cidrAt(net.serviceCIDR, `${at}.network.serviceCIDR`, report)],
  ];
  const [[, subnet], [, pod], [, svc]] = named;
  for (let a = 0; a < named.length; a++) {
    for (let b = a + 1; b < named.length; b++) {
      const [pa, ra] = named[a];
      const [pb, rb] = named[b];
      if (ra && rb && overlaps(ra, rb)) report(pb, `overlaps ${pa}; the node, pod and service networks must be disjoint`);
    }
  }
  // Addresses on the node L2 network: the gateway, the API endpoint and every node.
  const hosts = ([
    [`${at}.network.gateway`, net.gateway],
    [`${at}.network.controlPlaneEndpoint`, net.controlPlaneEndpoint],
    ...cluster.nodes.map((n, j) => [`${at}.nodes[${j}].address`, n.address]),
  ] as Array<[string, string | undefined]>).filter((h): h is [string, string] => h[1] !== undefined);
  for (const [path, address] of hosts) {
    if (subnet && !contains(subnet, parseIPv4(address)!)) report(path, `${address} is outside the node subnet ${net.nodeSubnet}`);
  }
  const pools = net.loadBalancerPools.map((p, j) => cidrAt(p, `${at}.network.loadBalancerPools[${j}]`, report));
  net.loadBalancerPools.forEach((p, j) => {
    const path = `${at}.network.loadBalancerPools[${j}]`;
    const r = pools[j];
    if (!r) return;
    if (pod && overlaps(r, pod)) report(path, `${p} overlaps the pod CIDR ${net.podCIDR}`);
    if (svc && overlaps(r, svc)) report(path, `${p} overlaps the service CIDR ${net.serviceCIDR}`);
    // LB IPAM hands these out as Service addresses and BGP announces them: inside the node
    // subnet they collide with on-link hosts (the gateway, nodes, DHCP leases)
    if (subnet && overlaps(r, subnet)) {
      const taken = hosts.filter(([, address]) => contains(r, parseIPv4(address)!)).map(([, address]) => address);
      report(path, `${p} overlaps the node subnet ${net.nodeSubnet}${taken.length ? ` and holds ${taken.join(', ')}` : ''}; give load balancers a range of their own`);
    }
    pools.slice(0, j).forEach((q, k) => {
      if (q && overlaps(r, q)) report(path, `${p} overlaps ${at}.network.loadBalancerPools[${k}] (${net.loadBalancerPools[k]})`);
    });
  });

  if (cluster.nodes.length && !cluster.nodes.some((n) => n.role === 'controlplane')) report(`${at}.nodes`, 'needs at least one node with role "controlplane"');
  const seenNames = new Map<string, number>();
  cluster.nodes.forEach((node, j) => {
    if (seenNames.has(node.name)) report(`${at}.nodes[${j}].name`, `duplicate node name "${node.name}" (also nodes[${seenNames.get(node.name)}])`);
    else seenNames.set(node.name, j);
  });

  validateModules(cluster, at, report, fleet);
}

function validateFleetWideAddresses(fleet: FleetConfig, report: Report): void {
  const owners = new Map<string, string>();
  const claim = (address: string, path: string) => {
    const prior = owners.get(address);
    if (prior) report(path, `${address} is already used by ${prior}`);
    else owners.set(address, path);
  };
  fleet.clusters.forEach((c, i) => {
    c.nodes.forEach((n, j) => { if (n.address) claim(n.address, `clusters[${i}].nodes[${j}].address`); });
    // an endpoint that is no node of its own cluster is a VIP: an address of its own
    const endpoint = c.network.controlPlaneEndpoint;
    if (endpoint && !c.nodes.some((n) => n.address === endpoint)) claim(endpoint, `clusters[${i}].network.controlPlaneEndpoint`);
  });
}

/** Cilium ClusterMesh: peers must exist, ids and names be unique, pod CIDRs and LB pools disjoint. */
function validateMesh(fleet: FleetConfig, names: Map<string, number>, report: Report): void {
  const meshed = fleet.clusters.map((c, i) => ({ c, i })).filter(({ c }) => c.network?.clusterMesh);
  const ids = new Map<number, number>();
  const meshNames = new Map<string, number>();
  for (const { c, i } of meshed) {
    const mesh = c.network.clusterMesh!;
    const at = `clusters[${i}].network.clusterMesh`;
    const prior = ids.get(mesh.id);
    if (prior !== undefined) report(`${at}.id`, `cluster id ${mesh.id} is already used by clusters[${prior}] ("${fleet.clusters[prior].name}"); every cluster in a mesh needs its own id`);
    else ids.set(mesh.id, i);
    const meshName = mesh.name ?? c.name;
    const priorName = meshNames.get(meshName);
    if (priorName !== undefined) report(`${at}.name`, `cluster name "${meshName}" is already used by clusters[${priorName}] in the mesh`);
    else meshNames.set(meshName, i);
    (mesh.peers ?? []).forEach((peer, j) => {
      const k = names.get(peer);
      if (k === undefined) report(`${at}.peers[${j}]`, `no cluster named "${peer}" in this fleet`);
      else if (k === i) report(`${at}.peers[${j}]`, 'a cluster cannot mesh with itself');
      else if (!fleet.clusters[k].network?.clusterMesh) report(`${at}.peers[${j}]`, `cluster "${peer}" has no network.clusterMesh; set one there too`);
    });
  }
  // each meshed pair once, reported on the later cluster
  for (const { c: a, i } of meshed) {
    for (const { c: b, i: k } of meshed) {
      if (k >= i) continue;
      const linked = a.network.clusterMesh!.peers?.includes(b.name) || b.network.clusterMesh!.peers?.includes(a.name);
      if (!linked) continue;
      const at = `clusters[${i}].network`;
      const other = `clusters[${k}].network`;
      const pa = parseCidr(a.network.podCIDR);
      const pb = parseCidr(b.network.podCIDR);
      if (!('error' in pa) && !('error' in pb) && overlaps(pa, pb)) {
        report(`${at}.podCIDR`, `${a.network.podCIDR} overlaps ${other}.podCIDR (${b.network.podCIDR}) of meshed cluster "${b.name}"; ClusterMesh routes pod IPs between clusters, so pod CIDRs must be distinct`);
      }
      (a.network.loadBalancerPools ?? []).forEach((p, j) => (b.network.loadBalancerPools ?? []).forEach((q, l) => {
        const ra = parseCidr(p);
        const rb = parseCidr(q);
        if (!('error' in ra) && !('error' in rb) && overlaps(ra, rb)) {
          report(`${at}.loadBalancerPools[${j}]`, `${p} overlaps ${other}.loadBalancerPools[${l}] (${q}) of meshed cluster "${b.name}"; give each cluster its own range`);
        }
      }));
    }
  }
}

/**
 * Modules that need credentials require `external-secrets`, the 1Password path. The local
 * providers (sops, sealed-secrets) deliver the same Secrets without it.
 */
const SECRET_DELIVERY = 'external-secrets';
const deliversSecretsLocally = (fleet: FleetConfig) => fleet.secrets !== undefined && fleet.secrets.provider !== 'onepassword';

/** Exemptions name real clusters, and policies that are in force. */
function validatePolicy(fleet: FleetConfig, names: Map<string, number>, report: Report): void {
  (fleet.policy?.exemptions ?? []).forEach((e, i) => {
    const at = `policy.exemptions[${i}]`;
    (e.clusters ?? []).forEach((c, j) => { if (!names.has(c)) report(`${at}.clusters[${j}]`, `no cluster named "${c}" in this fleet`); });
    if (e.policy === 'require-labels' && !fleet.policy?.requiredLabels?.length) report(`${at}.policy`, 'no label policy is in force: set policy.requiredLabels, or remove this exemption');
  });
}

function validateModules(cluster: ClusterConfig, at: string, report: Report, fleet: FleetConfig): void {
  const enabled = new Map<string, number>();
  cluster.modules.forEach((inst, j) => {
    const path = `${at}.modules[${j}]`;
    const name = inst.module.name;
    if (enabled.has(name)) report(path, `module "${name}" is enabled twice (also modules[${enabled.get(name)}])`);
    else enabled.set(name, j);
    checkOverrides(inst.overrides, inst.module.defaults, `${path}.options`, name, report);
  });
  cluster.modules.forEach((inst, j) => {
    for (const needed of inst.module.requires ?? []) {
      if (needed === SECRET_DELIVERY && deliversSecretsLocally(fleet)) continue;
      if (!enabled.has(needed)) report(`${at}.modules[${j}]`, `module "${inst.module.name}" needs module "${needed}" on the same cluster; add it`);
    }
  });
}

/** Overrides may only name options the module has, with the type of the default. */
function checkOverrides(value: unknown, defaults: unknown, path: string, moduleName: string, report: Report): void {
  if (value === undefined) return;
  if (!isPlainObject(value)) {
    report(path, `options of module "${moduleName}" must be an object`);
    return;
  }
  const known = defaults as Record<string, unknown>;
  for (const [key, v] of Object.entries(value)) {
    const keyPath = `${path}.${key}`;
    if (!(key in known)) {
      report(keyPath, `unknown option of module "${moduleName}"; known options: ${Object.keys(known).sort().join(', ')}`);
      continue;
    }
    const d = known[key];
    if (v === undefined) continue;
    if (isPlainObject(d)) {
      if (Object.keys(d).length === 0) continue; // a free-form map such as extra values
      checkOverrides(v, d, keyPath, moduleName, report);
    } else if (Array.isArray(d)) {
      if (!Array.isArray(v)) report(keyPath, `must be a list (default: ${JSON.stringify(d)})`);
    } else if (d !== null && typeof v !== typeof d) {
      report(keyPath, `must be a ${typeof d} like the default ${JSON.stringify(d)}, got ${JSON.stringify(v)}`);
    } else if (typeof v === 'string') {
      const format = OPTION_FORMATS.find((f) => f.key.test(key));
      if (format && !format.format.safeParse(v).success) report(keyPath, `${JSON.stringify(v)} ${format.message}`);
    }
  }
}

/**
 * Formats of string options, by the catalog's naming convention: an option called `email`
 * (or `…Email`) holds an e-mail address, `version` a release version, `…Url` an address.
 */
const OPTION_FORMATS: Array<{ key: RegExp; format: z.ZodType; message: string }> = [
  { key: /^email$|Email$/, format: z.email(), message: 'is not an e-mail address' },
  { key: /^version$|Version$/, format: z.string().regex(/^v?\d+\.\d+(\.\d+)?([-+][0-9A-Za-z.-]+)?$/), message: 'is not a version such as 1.2.3 or v1.2.3' },
  { key: /^hostname$|Hostname$/, format: z.hostname(), message: 'is not a hostname' },
  { key: /^url$|Url$|URL$/, format: z.url(), message: 'is not a URL' },
];

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
