// The shape of a fleet config as a zod schema: types, formats (DNS labels, hostnames, e-mail
// addresses, IPs, CIDRs, versions) and unknown keys. Relations between fields (overlapping
// networks, duplicate names, mesh peers) are validate.ts's job, on a config of the right shape.
//
// zod rather than hand-written checks: one declaration gives every field a type check and a
// path, strict objects catch misspelt keys, and its issues are data we word ourselves.
import { z } from 'zod';
import { parseKubeVersion } from '../k8s/version.js';
import type { ModuleInstance } from './module.js';
import type { FleetConfig } from './types.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const label = (example: string) => z.string().regex(DNS_LABEL, `must be a lowercase DNS label such as "${example}"`);
const ipv4 = (what: string) => z.ipv4({ message: `must be an IPv4 address (${what})` });
const cidr = z.cidrv4({ message: 'must be an IPv4 CIDR such as 10.42.0.0/16' });
const DNS_DOMAIN = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const domain = z.string().regex(DNS_DOMAIN, 'must be a lowercase DNS domain such as "example.com"');
const asn = z.int().min(1, 'must be an ASN between 1 and 4294967295').max(4294967295, 'must be an ASN between 1 and 4294967295');
const talosVersion = z.string().regex(/^v\d+\.\d+\.\d+$/, 'must be a Talos release such as "v1.11.2"');
const kubeVersion = z.string().superRefine((text, ctx) => {
  const parsed = parseKubeVersion(text);
  if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
});

const machinePool = z.strictObject({
  replicas: z.int().min(1, 'must be at least 1'),
  cores: z.int().min(1, 'must be at least 1'),
  memoryMiB: z.int().min(1024, 'must be at least 1024 MiB'),
  diskGiB: z.int().min(10, 'must be at least 10 GiB'),
});

const provider = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('talos'), version: talosVersion, schematic: z.string().regex(/^[0-9a-f]{64}$/, 'must be an Image Factory schematic id (64 hex digits)').optional(), builtinCoreDNS: z.boolean().optional() }),
  z.strictObject({ kind: z.literal('kind'), nodeImage: z.string().regex(/^[^\s:]+(:[^\s]+)?$/, 'must be an image reference such as kindest/node:v1.33.1').optional(), apiServerPort: z.int().min(1024, 'must be a port from 1024 to 65535').max(65535, 'must be a port from 1024 to 65535').optional() }),
  z.strictObject({
    kind: z.literal('capi'),
    managementCluster: label('mgmt'),
    infrastructure: z.enum(['proxmox', 'docker']),
    bootstrap: z.enum(['talos', 'kubeadm']),
    talosVersion: talosVersion.optional(),
    controlPlane: machinePool,
    workers: machinePool,
    proxmox: z.strictObject({
      sourceNode: label('pve-01'),
      templateID: z.int().min(100, 'must be a Proxmox VM id (100 or more)'),
      allowedNodes: z.array(label('pve-01')).optional(),
      bridge: z.string().regex(/^[a-z][a-z0-9.]*$/, 'must be a Linux bridge such as vmbr0'),
      machineAddresses: z.array(z.string().regex(/^(\d+\.){3}\d+(-(\d+\.){3}\d+|\/\d+)$/, 'must be an address range "10.40.0.21-10.40.0.40" or a CIDR')).min(1, 'must give CAPMOX at least one range'),
    }).optional(),
  }),
]);

const network = z.strictObject({
  nodeSubnet: cidr,
  gateway: ipv4('the default gateway of the node subnet'),
  controlPlaneEndpoint: ipv4('a VIP or the first control-plane node').optional(),
  podCIDR: cidr,
  serviceCIDR: cidr,
  loadBalancerPools: z.array(cidr),
  dnsServers: z.array(ipv4('a DNS server')).optional(),
  bgp: z.strictObject({
    localASN: asn,
    peers: z.array(z.strictObject({ name: label('router'), address: ipv4('the BGP peer'), asn })),
  }).optional(),
  clusterMesh: z.strictObject({
    id: z.int().min(1, 'must be an integer from 1 to 255 (Cilium cluster id)').max(255, 'must be an integer from 1 to 255 (Cilium cluster id)'),
    name: label('infra').optional(),
    peers: z.array(z.string()),
  }).optional(),
});

const node = z.strictObject({
  name: label('infra-01'),
  address: ipv4('the node IP').optional(),
  role: z.enum(['controlplane', 'worker']),
  installDisk: z.string().regex(/^\/dev\//, 'must be a device path such as /dev/sda').optional(),
  interface: z.string().min(1).optional(),
  cephDevices: z.array(z.string().regex(/^\/dev\//, 'must be a device path such as /dev/nvme0n1')).optional(),
});

/** A module instance is made by a catalog function; its options are checked against the module's defaults. */
const moduleInstance = z.custom<ModuleInstance>((x) => {
  const m = (x as ModuleInstance | undefined)?.module;
  return !!m && typeof m.name === 'string' && typeof m.render === 'function';
}, 'is not a module: call the catalog function, e.g. cilium() rather than cilium');

const gitops = z.enum(['flux', 'argocd']);

const cluster = z.strictObject({
  name: label('infra'),
  provider,
  gitops: gitops.optional(),
  kubernetesVersion: kubeVersion.optional(),
  domain: domain.optional(),
  network,
  // Cluster API clusters have machine pools instead (provider.controlPlane, provider.workers)
  nodes: z.array(node),
  modules: z.array(moduleInstance),
});

export const fleetSchema = z.strictObject({
  name: label('homelab'),
  git: z.strictObject({ url: z.string().min(1, 'is required: the repository Flux syncs from'), branch: z.string().min(1).optional() }),
  domain,
  secrets: z.discriminatedUnion('provider', [
    z.strictObject({ provider: z.literal('onepassword'), connectHost: z.url({ message: 'must be the URL of the 1Password Connect server' }), vaults: z.array(z.string().min(1)).min(1) }),
    z.strictObject({ provider: z.literal('sops'), ageRecipients: z.array(z.string().regex(/^age1[02-9ac-hj-np-z]{58}$/, 'must be an age public key (age1 followed by 58 characters, as age-keygen -y prints)')).min(1, 'must list at least one age public key') }),
    z.strictObject({ provider: z.literal('sealed-secrets') }),
  ]).optional(),
  notifications: z.strictObject({ type: z.string().min(1), channel: z.string().optional(), webhookItem: z.string().min(1) }).optional(),
  ci: z.strictObject({ install: z.string().min(1, 'is the npm install spec of Slipway, e.g. git+https://github.com/ORG/slipway.git#COMMIT').optional() }).optional(),
  gitops: gitops.optional(),
  policy: z.strictObject({
    requiredLabels: z.array(z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'must be a label key such as app.kubernetes.io/name')).optional(),
    exemptions: z.array(z.strictObject({
      policy: z.enum(['pod-security', 'disallow-latest-tag', 'require-requests-limits', 'disallow-host-path', 'require-labels']),
      namespaces: z.array(label('monitoring')).min(1, 'must name at least one namespace'),
      reason: z.string().trim().min(1, 'must say why these namespaces may break the policy; it is written next to the exemption everywhere'),
      clusters: z.array(label('infra')).optional(),
    })).optional(),
  }).optional(),
  clusters: z.array(cluster).min(1, 'must list at least one cluster'),
});

// The documented interfaces of types.ts and this schema describe one shape: a change to either
// that the other lacks fails the build here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const inSync: Same<z.infer<typeof fleetSchema>, FleetConfig> = true;
void inSync;

export interface ShapeProblem {
  path: string;
  message: string;
}

/** The config's shape problems, each at its config path (`clusters[0].nodes`), worded for people. */
export function checkShape(config: unknown): ShapeProblem[] {
  // reportInput: the issues carry the wrong value, so a message can say what was given
  const result = fleetSchema.safeParse(config, { reportInput: true });
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => describe(issue, []));
}

type Issue = z.core.$ZodIssue;

function describe(issue: Issue, prefix: PropertyKey[]): ShapeProblem[] {
  const at = [...prefix, ...issue.path];
  const path = formatPath(at);
  switch (issue.code) {
    case 'invalid_type':
      return [{ path, message: issue.input === undefined ? `is required (${expected(issue.expected)})` : `must be ${expected(issue.expected)}, got ${got(issue.input)}` }];
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: formatPath([...at, key]), message: 'is not a setting here; check its spelling and place' }));
    case 'invalid_union':
      // a discriminated union whose discriminator matched none: say which values it takes
      if (issue.errors.length === 0) {
        // zod puts the discriminator (provider.kind, secrets.provider) at the end of the path
        const options = (issue as { options?: unknown[] }).options ?? [];
        return [{ path, message: `must be one of ${options.map(String).join(', ')}` }];
      }
      return issue.errors.flat().flatMap((inner) => describe(inner, at));
    case 'invalid_value':
      return [{ path, message: `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${got(issue.input)}` }];
    case 'too_small':
      return [{ path, message: issue.message.startsWith('Too small') ? `is too small (minimum ${String(issue.minimum)})` : issue.message }];
    default:
      return [{ path, message: issue.message }];
  }
}

function expected(type: string): string {
  switch (type) {
    case 'array': return 'a list';
    case 'object': return 'an object';
    case 'string': return 'a string';
    case 'number': case 'int': return 'a number';
    case 'boolean': return 'true or false';
    default: return type;
  }
}

function got(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value) ?? typeof value;
}

/** ["clusters", 0, "nodes"] → "clusters[0].nodes" */
function formatPath(parts: PropertyKey[]): string {
  let out = '';
  for (const part of parts) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || '(config)';
}
