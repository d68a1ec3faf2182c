// Rook-Ceph: replicated block storage on the nodes' raw disks (seed 001, weeks 3–4).
//
// Two units, because the second is made of custom resources of CRDs the first installs:
// - `rook-ceph` (app/): the Rook operator chart with its CRDs and the Ceph-CSI drivers.
// - `rook-ceph-cluster` (cluster/): CephCluster, CephBlockPool `replicapool`, the default
//   StorageClass `ceph-block` and the VolumeSnapshotClass `csi-ceph-blockpool`. They are
//   written as plain objects rather than through the rook-ceph-cluster chart so the graph
//   sees them: everything using `ceph-block` or the snapshot class is ordered after this
//   unit. Creating a Ceph cluster takes 20–30 minutes, hence the long timeout.
import { chartSource, helmRelease } from '../k8s/builders.js';
import type { K8sObject } from '../k8s/object.js';
import { MONITORING_MODULE, allowScrape, serviceScrape } from '../k8s/scrape.js';
import { defineModule, ModuleConfigError } from '../model/module.js';
import type { NodeConfig } from '../model/types.js';

const NS = 'rook-ceph';
/** The default StorageClass every stateful module of the catalog uses. */
export const CEPH_BLOCK = 'ceph-block';
export const CEPH_SNAPSHOT_CLASS = 'csi-ceph-blockpool';
const POOL = 'replicapool';
const RBD_DRIVER = `${NS}.rbd.csi.ceph.com`;

const CEPH_KINDS = [
  'CephBlockPool', 'CephBlockPoolRadosNamespace', 'CephBucketNotification', 'CephBucketTopic', 'CephClient',
  'CephCluster', 'CephCOSIDriver', 'CephFilesystem', 'CephFilesystemMirror', 'CephFilesystemSubVolumeGroup',
  'CephNFS', 'CephObjectRealm', 'CephObjectStore', 'CephObjectStoreUser', 'CephObjectZone',
  'CephObjectZoneGroup', 'CephRBDMirror',
];

export const rookCeph = defineModule({
  name: 'rook-ceph',
  description: 'Rook-Ceph operator and a CephCluster on the nodes\' cephDevices: ceph-block StorageClass and snapshots',
  namespace: { name: NS, podSecurity: 'privileged' }, // OSDs and CSI node plugins need host devices
  defaults: {
    chart: { repo: 'oci://ghcr.io/rook', name: 'rook-ceph', version: 'v1.18.6' },
    /** Ceph release the cluster runs (Squid). */
    cephImage: 'quay.io/ceph/ceph:v19.2.3',
    /** Number of monitors; three tolerate one node down. */
    mons: 3,
    /** Copies of each object in `replicapool`, one per host. */
    replicas: 3,
  },
  render({ options: o, cluster, has }) {
    if (cluster.provider.kind === 'kind') {
      throw new ModuleConfigError(`rook-ceph on kind cluster "${cluster.name}": kind's nodes are containers without raw disks; use openebs() (hostpath) or kind's own "standard" class there, and leave rook-ceph to the clusters with disks`);
    }
    const nodes = cluster.nodes.filter((n) => n.cephDevices?.length);
    if (!nodes.length) {
      throw new ModuleConfigError(`rook-ceph on cluster "${cluster.name}": no node lists cephDevices; add the raw disks Ceph may use to nodes[].cephDevices`);
    }
    const values = {
      crds: { enabled: true },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      // no device discovery daemon: OSDs only go on the disks listed in the fleet config
      enableDiscoveryDaemon: false,
      csi: {
        enableRbdDriver: true,
        enableCephfsDriver: false, // no CephFilesystem is created
      },
    };
    const scrape: K8sObject[] = has(MONITORING_MODULE)
      ? [serviceScrape('rook-ceph-mgr', NS, { app: 'rook-ceph-mgr' }, 'http-metrics'), allowScrape(NS, { app: 'rook-ceph-mgr' }, [{ port: 9283 }])]
      : [];
    return [
      {
        name: 'rook-ceph',
        dir: 'app',
        installsCrds: [...CEPH_KINDS.map((k) => `ceph.rook.io/${k}`), 'objectbucket.io/ObjectBucket', 'objectbucket.io/ObjectBucketClaim'],
        files: [
          { file: 'ocirepository.yaml', objects: [chartSource('rook-ceph', NS, o.chart)] },
          { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'rook-ceph', namespace: NS, chart: o.chart, values })] },
          // Ceph clients are the kernel RBD driver on every node: mons and OSDs take traffic from the node network
          { file: 'networkpolicy.yaml', objects: [cephFromNodes(cluster.network.nodeSubnet)] },
        ],
      },
      {
        name: 'rook-ceph-cluster',
        dir: 'cluster',
        timeout: '45m',
        files: [
          { file: 'cephcluster.yaml', objects: [cephCluster(o.cephImage, o.mons, nodes)] },
          { file: 'cephblockpool.yaml', objects: [blockPool(o.replicas)] },
          { file: 'storageclass.yaml', objects: [storageClass()] },
          { file: 'volumesnapshotclass.yaml', objects: [snapshotClass()] },
          ...(scrape.length ? [{ file: 'scrape.yaml', objects: scrape }] : []),
        ],
      },
    ];
  },
});

/** Rook takes `sdb` or a full udev path such as /dev/disk/by-id/…; plain /dev/sdX becomes sdX. */
const deviceName = (d: string) => (/^\/dev\/[^/]+$/.test(d) ? d.slice('/dev/'.length) : d);

function cephCluster(image: string, mons: number, nodes: NodeConfig[]): K8sObject {
  return {
    apiVersion: 'ceph.rook.io/v1',
    kind: 'CephCluster',
    metadata: { name: NS, namespace: NS },
    spec: {
      cephVersion: { image },
      dataDirHostPath: '/var/lib/rook', // under /var: writable on Talos
      mon: { count: mons, allowMultiplePerNode: false },
      mgr: { count: 2, allowMultiplePerNode: false, modules: [{ name: 'pg_autoscaler', enabled: true }] },
      dashboard: { enabled: true, ssl: false },
      crashCollector: { disable: false },
      network: { connections: { requireMsgr2: true } },
      priorityClassNames: { mon: 'system-node-critical', osd: 'system-node-critical', mgr: 'system-cluster-critical' },
      resources: {
        mon: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '2Gi' } },
        mgr: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '2Gi' } },
        osd: { requests: { cpu: '500m', memory: '4Gi' }, limits: { memory: '8Gi' } },
      },
      storage: {
        useAllNodes: false,
        useAllDevices: false,
        nodes: nodes.map((n) => ({ name: n.name, devices: (n.cephDevices ?? []).map((d) => ({ name: deviceName(d) })) })),
      },
    },
  };
}

function blockPool(replicas: number): K8sObject {
  return {
    apiVersion: 'ceph.rook.io/v1',
    kind: 'CephBlockPool',
    metadata: { name: POOL, namespace: NS },
    spec: { failureDomain: 'host', replicated: { size: replicas } },
  };
}

function storageClass(): K8sObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: CEPH_BLOCK, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: RBD_DRIVER,
    parameters: {
      clusterID: NS,
      pool: POOL,
      imageFormat: '2',
      imageFeatures: 'layering,exclusive-lock,object-map,fast-diff,deep-flatten',
      'csi.storage.k8s.io/fstype': 'ext4',
      'csi.storage.k8s.io/provisioner-secret-name': 'rook-csi-rbd-provisioner',
      'csi.storage.k8s.io/provisioner-secret-namespace': NS,
      'csi.storage.k8s.io/controller-expand-secret-name': 'rook-csi-rbd-provisioner',
      'csi.storage.k8s.io/controller-expand-secret-namespace': NS,
      'csi.storage.k8s.io/node-stage-secret-name': 'rook-csi-rbd-node',
      'csi.storage.k8s.io/node-stage-secret-namespace': NS,
    },
    reclaimPolicy: 'Delete',
    allowVolumeExpansion: true,
    volumeBindingMode: 'Immediate',
  };
}

function snapshotClass(): K8sObject {
  return {
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshotClass',
    metadata: {
      name: CEPH_SNAPSHOT_CLASS,
      annotations: { 'snapshot.storage.kubernetes.io/is-default-class': 'true' },
      // Velero's CSI support picks the class of a driver by this label
      labels: { 'velero.io/csi-volumesnapshot-class': 'true' },
    },
    driver: RBD_DRIVER,
    deletionPolicy: 'Delete',
    parameters: {
      clusterID: NS,
      'csi.storage.k8s.io/snapshotter-secret-name': 'rook-csi-rbd-provisioner',
      'csi.storage.k8s.io/snapshotter-secret-namespace': NS,
    },
  };
}

/** Mons (3300 msgr2, 6789 msgr1) and OSDs/mgr (6800–7568) from the node network. */
function cephFromNodes(nodeSubnet: string): K8sObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-ceph-clients', namespace: NS },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ ipBlock: { cidr: nodeSubnet } }],
        ports: [
          { port: 3300, protocol: 'TCP' },
          { port: 6789, protocol: 'TCP' },
          { port: 6800, endPort: 7568, protocol: 'TCP' },
        ],
      }],
    },
  };
}
