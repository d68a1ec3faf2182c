// The Cluster API objects of each workload cluster, added to its management cluster's
// cluster-api module as GitOps units: `capi-<cluster>` (the Cluster and what only it uses) and
// `capi-shared` (ClusterClasses and their templates, Proxmox credentials), which the Cluster
// units follow.
//
// kubeadm clusters use a ClusterClass per infrastructure (proxmox-kubeadm, docker-kubeadm): the
// Cluster only sets the topology (version, replicas) and the model's variables (endpoint,
// machine addresses and sizes). Talos clusters cannot: the Talos control-plane provider has no
// TalosControlPlaneTemplate (siderolabs/cluster-api-control-plane-provider-talos#245), so each
// gets its own TalosControlPlane, TalosConfigTemplate, machine templates and MachineDeployment,
// with the same machine-config patch Slipway writes for Talos clusters it installs itself.
import { CAPI_NS, clusterApi, clusterApiOptions, managedClusters, type ClusterApiOptions } from '../catalog/cluster-api.js';
import { externalSecret, fromItem, SECRET_STORE } from '../k8s/builders.js';
import type { K8sObject } from '../k8s/object.js';
import { ModuleConfigError, type ModuleDefinition, type Unit } from '../model/module.js';
import type { CapiProvider, ClusterConfig, FleetConfig, MachinePool } from '../model/types.js';
import type { ConfigProblem } from '../model/validate.js';
import type { PlannedUnit, RenderedCluster } from './plan.js';
import { talosClusterPatch } from './talos.js';
import { toYaml } from './yaml.js';

const CORE = 'cluster.x-k8s.io/v1beta1';
const CONTROLPLANE = 'controlplane.cluster.x-k8s.io';
const BOOTSTRAP = 'bootstrap.cluster.x-k8s.io';
const INFRA = 'infrastructure.cluster.x-k8s.io';
const PROXMOX = `${INFRA}/v1alpha1`;
const TALOS_CP = `${CONTROLPLANE}/v1alpha3`;
const TALOS_BOOTSTRAP = `${BOOTSTRAP}/v1alpha3`;
const KUBEADM_CP = `${CONTROLPLANE}/v1beta1`;
const KUBEADM_BOOTSTRAP = `${BOOTSTRAP}/v1beta1`;
const DOCKER = `${INFRA}/v1beta1`;
export const PROXMOX_CREDENTIALS = 'proxmox-credentials';
/** kube-vip, the control-plane VIP of kubeadm clusters on Proxmox (Talos keeps its own VIP). */
const KUBE_VIP_IMAGE = 'ghcr.io/kube-vip/kube-vip:v0.9.2';
const WORKER_CLASS = 'default-worker';
/** CAPMOX matches Machines to Nodes by provider ID, which the kubelet takes from cloud-init's instance id. */
const PROVIDER_ID = { 'provider-id': "proxmox://'{{ ds.meta_data.instance_id }}'" };

type CapiCluster = ClusterConfig & { provider: CapiProvider };

export function addCapiUnits(fleet: FleetConfig, rendered: RenderedCluster[], problems: ConfigProblem[]): void {
  rendered.forEach((management, i) => {
    const managed = managedClusters(fleet, management.cluster);
    const j = management.cluster.modules.findIndex((m) => m.module.name === clusterApi.definition.name);
    if (!managed.length || j < 0) return;
    const module = management.cluster.modules[j].module as ModuleDefinition<object>;
    const options = clusterApiOptions(management.cluster);
    const at = `clusters[${i}].modules[${j}]`;
    try {
      const shared = sharedObjects(managed, options);
      if (shared.length) management.addUnit({ name: 'capi-shared', dir: 'shared', files: [{ file: 'shared.yaml', objects: shared }] }, module, at);
      for (const w of managed) {
        const own = rendered.find((r) => r.cluster === w)!;
        management.addUnit(clusterUnit(w, own.units), module, at);
      }
    } catch (err) {
      if (!(err instanceof ModuleConfigError)) throw err;
      problems.push({ path: at, message: err.message });
    }
  });
}

function clusterUnit(w: CapiCluster, units: PlannedUnit[]): Unit {
  const p = w.provider;
  if (p.bootstrap === 'talos' && p.infrastructure === 'docker') {
    throw new ModuleConfigError(`cluster "${w.name}": CAPD runs kubeadm node images, not Talos; use bootstrap kubeadm with infrastructure docker (Talos in Docker is talosctl cluster create, not Cluster API)`);
  }
  const objects = p.bootstrap === 'talos' ? talosCluster(w, units) : topologyCluster(w);
  return { name: `capi-${w.name}`, dir: w.name, timeout: '30m', files: [{ file: 'cluster.yaml', objects }] };
}

const clusterNetwork = (w: ClusterConfig) => ({
  pods: { cidrBlocks: [w.network.podCIDR] },
  services: { cidrBlocks: [w.network.serviceCIDR] },
});
const version = (w: ClusterConfig) => `v${(w.kubernetesVersion ?? '1.33.5').replace(/^v/, '')}`;
const prefixOf = (cidr: string) => Number(cidr.split('/')[1]);
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: CAPI_NS, ...extra });
const ref = (apiVersion: string, kind: string, name: string) => ({ apiVersion, kind, name });

// ---- Talos: one set of objects per cluster ----

function talosCluster(w: CapiCluster, units: PlannedUnit[]): K8sObject[] {
  const p = w.provider;
  const cp = `${w.name}-control-plane`;
  const workers = `${w.name}-workers`;
  const base = talosClusterPatch(w, units);
  // the API VIP moves between healthy control-plane machines (Talos' own, no kube-vip)
  const controlPlanePatch = structuredClone(base);
  controlPlanePatch.machine.network.interfaces = [{ deviceSelector: { physical: true }, vip: { ip: w.network.controlPlaneEndpoint } }];
  const config = (generateType: 'controlplane' | 'worker', patch: object) => ({ generateType, talosVersion: p.talosVersion, strategicPatches: [toYaml(patch)] });
  return [
    {
      apiVersion: CORE,
      kind: 'Cluster',
      metadata: meta(w.name),
      spec: {
        clusterNetwork: clusterNetwork(w),
        controlPlaneRef: ref(TALOS_CP, 'TalosControlPlane', cp),
        infrastructureRef: ref(PROXMOX, 'ProxmoxCluster', w.name),
      },
    },
    proxmoxCluster(w),
    proxmoxMachineTemplate(cp, w, p.controlPlane),
    proxmoxMachineTemplate(workers, w, p.workers),
    {
      apiVersion: TALOS_CP,
      kind: 'TalosControlPlane',
      metadata: meta(cp),
      spec: {
        version: version(w),
        replicas: p.controlPlane.replicas,
        infrastructureTemplate: ref(PROXMOX, 'ProxmoxMachineTemplate', cp),
        controlPlaneConfig: { controlplane: config('controlplane', controlPlanePatch) },
      },
    },
    {
      apiVersion: TALOS_BOOTSTRAP,
      kind: 'TalosConfigTemplate',
      metadata: meta(workers),
      spec: { template: { spec: config('worker', base) } },
    },
    {
      apiVersion: CORE,
      kind: 'MachineDeployment',
      metadata: meta(workers),
      spec: {
        clusterName: w.name,
        replicas: p.workers.replicas,
        selector: { matchLabels: { 'cluster.x-k8s.io/cluster-name': w.name } },
        template: {
          metadata: { labels: { 'cluster.x-k8s.io/cluster-name': w.name } },
          spec: {
            clusterName: w.name,
            version: version(w),
            bootstrap: { configRef: ref(TALOS_BOOTSTRAP, 'TalosConfigTemplate', workers) },
            infrastructureRef: ref(PROXMOX, 'ProxmoxMachineTemplate', workers),
          },
        },
      },
    },
  ];
}

function proxmoxCluster(w: CapiCluster): K8sObject {
  const px = w.provider.proxmox!;
  return {
    apiVersion: PROXMOX,
    kind: 'ProxmoxCluster',
    metadata: meta(w.name),
    spec: {
      controlPlaneEndpoint: { host: w.network.controlPlaneEndpoint, port: 6443 },
      ipv4Config: { addresses: px.machineAddresses, prefix: prefixOf(w.network.nodeSubnet), gateway: w.network.gateway, metric: 100 },
      dnsServers: w.network.dnsServers ?? [w.network.gateway],
      allowedNodes: px.allowedNodes ?? [px.sourceNode],
      credentialsRef: { name: PROXMOX_CREDENTIALS, namespace: CAPI_NS },
    },
  };
}

function proxmoxMachineTemplate(name: string, w: CapiCluster, pool: MachinePool): K8sObject {
  const px = w.provider.proxmox!;
  return {
    apiVersion: PROXMOX,
    kind: 'ProxmoxMachineTemplate',
    metadata: meta(name),
    spec: { template: { spec: proxmoxMachine(px.sourceNode, px.templateID, px.bridge, pool) } },
  };
}

const proxmoxMachine = (sourceNode: string, templateID: number, bridge: string, pool: MachinePool) => ({
  sourceNode,
  templateID,
  full: true,
  numSockets: 1,
  numCores: pool.cores,
  memoryMiB: pool.memoryMiB,
  disks: { bootVolume: { disk: 'scsi0', sizeGb: pool.diskGiB } },
  network: { default: { bridge, model: 'virtio' } },
});

// ---- kubeadm: a ClusterClass per infrastructure, a Cluster with a topology per cluster ----

const className = (infra: CapiProvider['infrastructure']) => `${infra}-kubeadm`;

function topologyCluster(w: CapiCluster): K8sObject[] {
  const p = w.provider;
  const variables = p.infrastructure === 'proxmox'
    ? [
        { name: 'controlPlaneEndpoint', value: w.network.controlPlaneEndpoint },
        { name: 'machineAddresses', value: p.proxmox!.machineAddresses },
        { name: 'prefix', value: prefixOf(w.network.nodeSubnet) },
        { name: 'gateway', value: w.network.gateway },
        { name: 'dnsServers', value: w.network.dnsServers ?? [w.network.gateway] },
        { name: 'sourceNode', value: p.proxmox!.sourceNode },
        { name: 'allowedNodes', value: p.proxmox!.allowedNodes ?? [p.proxmox!.sourceNode] },
        { name: 'templateID', value: p.proxmox!.templateID },
        { name: 'bridge', value: p.proxmox!.bridge },
        { name: 'controlPlaneMachine', value: machineVariable(p.controlPlane) },
        { name: 'workerMachine', value: machineVariable(p.workers) },
      ]
    : [];
  return [{
    apiVersion: CORE,
    kind: 'Cluster',
    metadata: meta(w.name),
    spec: {
      clusterNetwork: clusterNetwork(w),
      topology: {
        class: className(p.infrastructure),
        version: version(w),
        controlPlane: { replicas: p.controlPlane.replicas },
        workers: { machineDeployments: [{ class: WORKER_CLASS, name: 'workers', replicas: p.workers.replicas }] },
        ...(variables.length ? { variables } : {}),
      },
    },
  }];
}

const machineVariable = (pool: MachinePool) => ({ cores: pool.cores, memoryMiB: pool.memoryMiB, diskGiB: pool.diskGiB });

/** ClusterClasses (and their templates) the kubeadm clusters use, and the Proxmox credentials. */
function sharedObjects(managed: CapiCluster[], o: ClusterApiOptions): K8sObject[] {
  const out: K8sObject[] = [];
  if (managed.some((c) => c.provider.infrastructure === 'proxmox')) {
    out.push(externalSecret(PROXMOX_CREDENTIALS, CAPI_NS, SECRET_STORE, fromItem(o.proxmoxCredentialsItem, { url: 'url', token: 'token-id', secret: 'token-secret' })));
  }
  const kubeadm = new Set(managed.filter((c) => c.provider.bootstrap === 'kubeadm').map((c) => c.provider.infrastructure));
  if (kubeadm.has('proxmox')) out.push(...proxmoxClass());
  if (kubeadm.has('docker')) out.push(...dockerClass());
  return out;
}

/** kubeadm with Cilium: no kube-proxy (Cilium replaces it), the CNI comes from GitOps. */
function kubeadmControlPlaneTemplate(name: string, extra: Record<string, unknown> = {}): K8sObject {
  return {
    apiVersion: KUBEADM_CP,
    kind: 'KubeadmControlPlaneTemplate',
    metadata: meta(name),
    spec: {
      template: {
        spec: {
          kubeadmConfigSpec: {
            initConfiguration: { skipPhases: ['addon/kube-proxy'], nodeRegistration: { kubeletExtraArgs: PROVIDER_ID } },
            joinConfiguration: { nodeRegistration: { kubeletExtraArgs: PROVIDER_ID } },
            ...extra,
          },
        },
      },
    },
  };
}

function kubeadmConfigTemplate(name: string): K8sObject {
  return {
    apiVersion: KUBEADM_BOOTSTRAP,
    kind: 'KubeadmConfigTemplate',
    metadata: meta(name),
    spec: { template: { spec: { joinConfiguration: { nodeRegistration: { kubeletExtraArgs: PROVIDER_ID } } } } },
  };
}

function clusterClass(name: string, infraCluster: K8sObject, cpMachine: K8sObject, workerMachine: K8sObject, variables: object[], patches: object[]): K8sObject {
  const kref = (o: K8sObject) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: CAPI_NS });
  return {
    apiVersion: CORE,
    kind: 'ClusterClass',
    metadata: meta(name),
    spec: {
      controlPlane: { ref: kref(kubeadmControlPlaneTemplate(`${name}-control-plane`)), machineInfrastructure: { ref: kref(cpMachine) } },
      infrastructure: { ref: kref(infraCluster) },
      workers: {
        machineDeployments: [{
          class: WORKER_CLASS,
          template: { bootstrap: { ref: kref(kubeadmConfigTemplate(`${name}-worker`)) }, infrastructure: { ref: kref(workerMachine) } },
        }],
      },
      ...(variables.length ? { variables } : {}),
      ...(patches.length ? { patches } : {}),
    },
  };
}

const variable = (name: string, schema: Record<string, unknown>) => ({ name, required: true, schema: { openAPIV3Schema: schema } });
const machineSchema = {
  type: 'object',
  required: ['cores', 'memoryMiB', 'diskGiB'],
  properties: { cores: { type: 'integer', minimum: 1 }, memoryMiB: { type: 'integer', minimum: 1024 }, diskGiB: { type: 'integer', minimum: 10 } },
};
const set = (path: string, variableName: string) => ({ op: 'replace', path, valueFrom: { variable: variableName } });

/** The kube-vip static pod on every control-plane machine, holding the API VIP. */
const KUBE_VIP_MANIFEST = `apiVersion: v1
kind: Pod
metadata:
  name: kube-vip
  namespace: kube-system
spec:
  containers:
    - name: kube-vip
      image: ${KUBE_VIP_IMAGE}
      args: [manager]
      env:
        - { name: vip_arp, value: "true" }
        - { name: port, value: "6443" }
        - { name: address, value: "{{ .controlPlaneEndpoint }}" }
        - { name: cp_enable, value: "true" }
        - { name: vip_leaderelection, value: "true" }
        - { name: svc_enable, value: "false" }
      securityContext:
        capabilities:
          add: [NET_ADMIN, NET_RAW]
      volumeMounts:
        - { name: kubeconfig, mountPath: /etc/kubernetes/admin.conf }
  hostAliases:
    - { hostnames: [kubernetes], ip: 127.0.0.1 }
  hostNetwork: true
  volumes:
    - name: kubeconfig
      hostPath: { path: /etc/kubernetes/admin.conf, type: FileOrCreate }
`;

function proxmoxClass(): K8sObject[] {
  const name = className('proxmox');
  // placeholders every Cluster's variables replace (the template must be valid on its own)
  const infraCluster: K8sObject = {
    apiVersion: PROXMOX,
    kind: 'ProxmoxClusterTemplate',
    metadata: meta(name),
    spec: { template: { spec: { controlPlaneEndpoint: { host: '0.0.0.0', port: 6443 }, ipv4Config: { addresses: [], prefix: 24, gateway: '0.0.0.0', metric: 100 }, dnsServers: ['0.0.0.0'] } } },
  };
  const machine = (n: string): K8sObject => ({ apiVersion: PROXMOX, kind: 'ProxmoxMachineTemplate', metadata: meta(n), spec: { template: { spec: proxmoxMachine('placeholder', 100, 'vmbr0', { replicas: 1, cores: 2, memoryMiB: 4096, diskGiB: 20 }) } } });
  const cpMachine = machine(`${name}-control-plane`);
  const workerMachine = machine(`${name}-worker`);
  const variables = [
    variable('controlPlaneEndpoint', { type: 'string', format: 'ipv4', description: 'the API VIP kube-vip holds' }),
    variable('machineAddresses', { type: 'array', items: { type: 'string' }, minItems: 1 }),
    variable('prefix', { type: 'integer', minimum: 1, maximum: 32 }),
    variable('gateway', { type: 'string', format: 'ipv4' }),
    variable('dnsServers', { type: 'array', items: { type: 'string' }, minItems: 1 }),
    variable('sourceNode', { type: 'string' }),
    variable('allowedNodes', { type: 'array', items: { type: 'string' }, minItems: 1 }),
    variable('templateID', { type: 'integer', minimum: 100 }),
    variable('bridge', { type: 'string' }),
    variable('controlPlaneMachine', machineSchema),
    variable('workerMachine', machineSchema),
  ];
  const machinePatches = (pool: 'controlPlaneMachine' | 'workerMachine') => [
    set('/spec/template/spec/sourceNode', 'sourceNode'),
    set('/spec/template/spec/templateID', 'templateID'),
    set('/spec/template/spec/allowedNodes', 'allowedNodes'),
    set('/spec/template/spec/network/default/bridge', 'bridge'),
    set('/spec/template/spec/numCores', `${pool}.cores`),
    set('/spec/template/spec/memoryMiB', `${pool}.memoryMiB`),
    set('/spec/template/spec/disks/bootVolume/sizeGb', `${pool}.diskGiB`),
  ];
  const patches = [
    {
      name: 'cluster-network',
      definitions: [{
        selector: { apiVersion: PROXMOX, kind: 'ProxmoxClusterTemplate', matchResources: { infrastructureCluster: true } },
        jsonPatches: [
          set('/spec/template/spec/controlPlaneEndpoint/host', 'controlPlaneEndpoint'),
          set('/spec/template/spec/ipv4Config/addresses', 'machineAddresses'),
          set('/spec/template/spec/ipv4Config/prefix', 'prefix'),
          set('/spec/template/spec/ipv4Config/gateway', 'gateway'),
          set('/spec/template/spec/dnsServers', 'dnsServers'),
          { op: 'add', path: '/spec/template/spec/allowedNodes', valueFrom: { variable: 'allowedNodes' } },
        ],
      }],
    },
    {
      name: 'machines',
      definitions: [
        { selector: { apiVersion: PROXMOX, kind: 'ProxmoxMachineTemplate', matchResources: { controlPlane: true } }, jsonPatches: machinePatches('controlPlaneMachine') },
        { selector: { apiVersion: PROXMOX, kind: 'ProxmoxMachineTemplate', matchResources: { machineDeploymentClass: { names: [WORKER_CLASS] } } }, jsonPatches: machinePatches('workerMachine') },
      ],
    },
    {
      name: 'kube-vip',
      definitions: [{
        selector: { apiVersion: KUBEADM_CP, kind: 'KubeadmControlPlaneTemplate', matchResources: { controlPlane: true } },
        jsonPatches: [{
          op: 'add',
          path: '/spec/template/spec/kubeadmConfigSpec/files/-',
          valueFrom: { template: `owner: root:root\npath: /etc/kubernetes/manifests/kube-vip.yaml\ncontent: |\n${indent(KUBE_VIP_MANIFEST, 2)}` },
        }],
      }],
    },
  ];
  const cp = kubeadmControlPlaneTemplate(`${name}-control-plane`, {
    files: [{
      // Kubernetes 1.29+: on the first control plane admin.conf has no rights until kubeadm init
      // finishes, so kube-vip uses super-admin.conf there (kube-vip/kube-vip#684)
      path: '/etc/kube-vip-prepare.sh',
      permissions: '0700',
      owner: 'root:root',
      content: '#!/bin/sh\nif [ -f /run/kubeadm/kubeadm.yaml ]; then sed -i "s#path: /etc/kubernetes/admin.conf#path: /etc/kubernetes/super-admin.conf#" /etc/kubernetes/manifests/kube-vip.yaml; fi\n',
    }],
    preKubeadmCommands: ['/etc/kube-vip-prepare.sh'],
  });
  return [clusterClass(name, infraCluster, cpMachine, workerMachine, variables, patches), infraCluster, cp, cpMachine, workerMachine, kubeadmConfigTemplate(`${name}-worker`)];
}

function dockerClass(): K8sObject[] {
  const name = className('docker');
  const infraCluster: K8sObject = { apiVersion: DOCKER, kind: 'DockerClusterTemplate', metadata: meta(name), spec: { template: { spec: {} } } };
  // CAPD runs each machine as a kind node container; the control plane needs the Docker socket
  const machine = (n: string, socket: boolean): K8sObject => ({
    apiVersion: DOCKER,
    kind: 'DockerMachineTemplate',
    metadata: meta(n),
    spec: { template: { spec: socket ? { extraMounts: [{ containerPath: '/var/run/docker.sock', hostPath: '/var/run/docker.sock' }] } : {} } },
  });
  const cpMachine = machine(`${name}-control-plane`, true);
  const workerMachine = machine(`${name}-worker`, false);
  // kind node images have no cloud-init metadata: kubelet finds its address itself
  const cp: K8sObject = {
    apiVersion: KUBEADM_CP,
    kind: 'KubeadmControlPlaneTemplate',
    metadata: meta(`${name}-control-plane`),
    spec: { template: { spec: { kubeadmConfigSpec: { initConfiguration: { skipPhases: ['addon/kube-proxy'] } } } } },
  };
  const worker: K8sObject = { apiVersion: KUBEADM_BOOTSTRAP, kind: 'KubeadmConfigTemplate', metadata: meta(`${name}-worker`), spec: { template: { spec: {} } } };
  return [clusterClass(name, infraCluster, cpMachine, workerMachine, [], []), infraCluster, cp, cpMachine, workerMachine, worker];
}

const indent = (text: string, n: number) => text.split('\n').map((l) => (l ? ' '.repeat(n) + l : l)).join('\n');
