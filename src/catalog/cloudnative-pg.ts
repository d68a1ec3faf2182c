// CloudNativePG: the platform's PostgreSQL (seed 001, days 32–35), a 3-instance
// cluster on Ceph with continuous WAL archiving and nightly base backups to MinIO.
//
// Two units in the one namespace `databases` (a module has one namespace; the operator
// watches all namespaces, and keeping the cluster next to it keeps the backup
// credentials and policies in one place):
// - `cloudnative-pg` (app/): the operator chart and its CRDs;
// - `postgres` (cluster/): Cluster `postgres`, ScheduledBackup, one role + Database per app
//   database, and their ExternalSecrets. These are custom resources of the chart's CRDs.
// On a ClusterMesh peer, role `remote` gives that cluster the primary's read-write Service (seed 001:
// "test connection from apps cluster"): `postgres-mesh-rw`, a Cilium global service that CloudNativePG
// manages next to `postgres-rw` on the primary and that the peer declares without endpoints. A
// CiliumNetworkPolicy on the primary admits the peer's `clients` namespaces, by cluster identity.
//
// App databases: keycloak and harbor get one automatically when enabled on the cluster;
// others are listed in `databases`. Each app reads the same 1Password item
// (`<app>-postgres`, fields username/password) as the role here; see appDatabase().
import { chartSource, externalSecret, helmRelease, SECRET_STORE, fromItem } from '../k8s/builders.js';
import { allowMinio, DEFAULT_MINIO, MINIO_KEY_FIELDS } from '../k8s/minio.js';
import { allowIngress, fromCidr, fromNamespace } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { MONITORING_MODULE, allowScrape, podScrape } from '../k8s/scrape.js';
import { allowFromPeers, GLOBAL_SERVICE, remoteService } from '../k8s/cluster-mesh.js';
import { meshed, sitesOf } from '../k8s/fleet.js';
import { defineModule, type ModuleContext, ModuleConfigError } from '../model/module.js';
import type { ClusterConfig, FleetConfig } from '../model/types.js';
import { CEPH_BLOCK } from './rook-ceph.js';

const NS = 'databases';
const CLUSTER = 'postgres';

/** The read-write Service shared over ClusterMesh (the same name on the primary and its remote peers). */
const MESH_SERVICE = `${CLUSTER}-mesh-rw`;

/** How apps reach the platform database: `host` on its cluster, `meshHost` on a remote peer. */
export const POSTGRES = {
  namespace: NS, cluster: CLUSTER, host: `${CLUSTER}-rw.${NS}.svc.cluster.local`, meshHost: `${MESH_SERVICE}.${NS}.svc.cluster.local`, port: 5432,
} as const;

/** The role, database and 1Password item (fields username, password) of an app's database. */
export function appDatabase(app: string) {
  return { role: app, database: app, item: `${app}-postgres` };
}

/** Modules that get a database automatically when enabled on the same cluster: name → namespace. */
const DATABASE_CLIENTS: Record<string, string> = { keycloak: 'keycloak', harbor: 'harbor' };

const defaults = {
  /** `primary`: the operator and the cluster. `remote`: a ClusterMesh peer reaching the primary's read-write Service. */
  role: 'primary' as 'primary' | 'remote',
  /** remote: the namespaces of this cluster whose pods may connect to the primary. */
  clients: [] as string[],
  chart: { repo: 'https://cloudnative-pg.github.io/charts', name: 'cloudnative-pg', version: '0.26.1' },
  postgresImage: 'ghcr.io/cloudnative-pg/postgresql:17.6',
  instances: 3,
  storageClass: CEPH_BLOCK,
  size: '20Gi',
  /** Extra app databases beyond the automatic ones: a role and database `name`, reachable from `namespace`. */
  databases: [] as { name: string; namespace: string }[],
  minio: { ...DEFAULT_MINIO },
  bucket: 'cnpg',
  /** 1Password item with the MinIO key pair (fields access-key, secret-key). */
  minioItem: 'cnpg-minio',
  /** Base backup schedule (CloudNativePG cron has seconds): daily 02:00. */
  backupSchedule: '0 0 2 * * *',
  retention: '30d',
};
type Options = typeof defaults;

export const cloudnativePg = defineModule({
  name: 'cloudnative-pg',
  description: 'CloudNativePG operator and the 3-instance PostgreSQL cluster `postgres` with backups to MinIO',
  namespace: { name: NS, podSecurity: 'restricted' },
  requires: ['external-secrets'],
  defaults,
  render(ctx) {
    const { options: o, cluster, fleet, has } = ctx;
    if (o.role === 'remote') return [remoteUnit(ctx)];
    const remotes = remoteSites(fleet, cluster);
    const apps = [
      ...Object.entries(DATABASE_CLIENTS).filter(([m]) => has(m)).map(([name, namespace]) => ({ name, namespace })),
      ...o.databases,
    ].sort((a, b) => a.name.localeCompare(b.name));
    const values = {
      crds: { create: true },
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      monitoring: { podMonitorEnabled: false },
    };
    const instances = { 'cnpg.io/cluster': CLUSTER };
    const s3 = `${CLUSTER}-minio`;
    const postgres: K8sObject = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: CLUSTER, namespace: NS },
      spec: {
        instances: o.instances,
        imageName: o.postgresImage,
        primaryUpdateStrategy: 'unsupervised',
        enableSuperuserAccess: false,
        storage: { storageClass: o.storageClass, size: o.size },
        resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '2Gi' } },
        postgresql: { parameters: { max_connections: '200', shared_buffers: '256MB' } },
        managed: {
          roles: apps.map((a) => ({
            name: appDatabase(a.name).role,
            ensure: 'present',
            login: true,
            passwordSecret: { name: `${CLUSTER}-${a.name}` },
          })),
          ...(remotes.length ? { services: { additional: [{ selectorType: 'rw', serviceTemplate: { metadata: { name: MESH_SERVICE, annotations: GLOBAL_SERVICE } } }] } } : {}),
        },
        backup: {
          retentionPolicy: o.retention,
          barmanObjectStore: {
            destinationPath: `s3://${o.bucket}/${CLUSTER}`,
            endpointURL: o.minio.endpoint,
            s3Credentials: {
              accessKeyId: { name: s3, key: 'ACCESS_KEY_ID' },
              secretAccessKey: { name: s3, key: 'ACCESS_SECRET_KEY' },
            },
            wal: { compression: 'gzip' },
            data: { compression: 'gzip' },
          },
        },
      },
    };
    const roleSecrets = apps.map((a) => externalSecret(`${CLUSTER}-${a.name}`, NS, SECRET_STORE, {
      ...fromItem(appDatabase(a.name).item, { password: 'password', username: 'username' }),
    }, { type: 'kubernetes.io/basic-auth', metadata: { labels: { 'cnpg.io/reload': 'true' } } }));
    const databases = apps.map((a) => ({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Database',
      metadata: { name: `${CLUSTER}-${a.name}`, namespace: NS },
      spec: {
        cluster: { name: CLUSTER },
        name: appDatabase(a.name).database,
        owner: appDatabase(a.name).role,
        ensure: 'present',
        databaseReclaimPolicy: 'retain',
      },
    }));
    const policies: K8sObject[] = [
      allowMinio(NS, instances, o.minio),
      ...(apps.length
        ? [allowIngress('allow-app-clients', NS, instances, apps.map((a) => fromNamespace(a.namespace)), [{ port: POSTGRES.port }])]
        : []),
      ...(has(MONITORING_MODULE) ? [allowScrape(NS, instances, [{ port: 9187 }])] : []),
      ...(remotes.length ? [allowFromPeers('allow-mesh-clients', NS, { ...instances, 'cnpg.io/instanceRole': 'primary' },
        remotes.flatMap((r) => r.options.clients.map((namespace) => ({ cluster: r.cluster, namespace }))), POSTGRES.port)] : []),
    ];
    return [
      {
        name: 'cloudnative-pg',
        dir: 'app',
        installsCrds: ['Backup', 'Cluster', 'ClusterImageCatalog', 'Database', 'FailoverQuorum', 'ImageCatalog',
          'Pooler', 'Publication', 'ScheduledBackup', 'Subscription'].map((k) => `postgresql.cnpg.io/${k}`),
        files: [
          { file: 'helmrepository.yaml', objects: [chartSource('cloudnative-pg', NS, o.chart)] },
          { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'cloudnative-pg', namespace: NS, chart: o.chart, values })] },
          {
            file: 'networkpolicy.yaml',
            objects: [
              // the API server calls the operator's admission webhook from the host network
              allowIngress('allow-webhook', NS, { 'app.kubernetes.io/name': 'cloudnative-pg' }, [fromCidr(cluster.network.nodeSubnet)], [{ port: 9443 }]),
            ],
          },
        ],
      },
      {
        name: 'postgres',
        dir: 'cluster',
        timeout: '15m',
        files: [
          {
            file: 'externalsecret.yaml',
            objects: [
              externalSecret(s3, NS, SECRET_STORE, {
                ...fromItem(o.minioItem, { ACCESS_KEY_ID: MINIO_KEY_FIELDS.accessKey, ACCESS_SECRET_KEY: MINIO_KEY_FIELDS.secretKey }),
              }),
              ...roleSecrets,
            ],
          },
          { file: 'cluster.yaml', objects: [postgres] },
          ...(databases.length ? [{ file: 'databases.yaml', objects: databases }] : []),
          {
            file: 'scheduledbackup.yaml',
            objects: [{
              apiVersion: 'postgresql.cnpg.io/v1',
              kind: 'ScheduledBackup',
              metadata: { name: `${CLUSTER}-daily`, namespace: NS },
              spec: { schedule: o.backupSchedule, cluster: { name: CLUSTER }, method: 'barmanObjectStore', backupOwnerReference: 'self', immediate: true },
            }],
          },
          { file: 'networkpolicy.yaml', objects: policies },
          ...(has(MONITORING_MODULE) ? [{ file: 'scrape.yaml', objects: [podScrape(CLUSTER, NS, instances, 'metrics')] }] : []),
        ],
      },
    ];
  },
});

/** The peers of `cluster` that run this module as `remote`. */
function remoteSites(fleet: FleetConfig, cluster: ClusterConfig) {
  return sitesOf<Options>(fleet, 'cloudnative-pg').filter((s) => s.options.role === 'remote' && meshed(s.cluster, cluster));
}

function remoteUnit({ cluster, fleet, has }: ModuleContext<Options>) {
  const primaries = sitesOf<Options>(fleet, 'cloudnative-pg').filter((s) => s.options.role === 'primary');
  if (primaries.length !== 1) {
    throw new ModuleConfigError(`cloudnative-pg on "${cluster.name}": role remote needs exactly one cluster with role primary, found ${primaries.length}`);
  }
  const primary = primaries[0].cluster;
  if (!meshed(cluster, primary) || !has('cilium')) {
    throw new ModuleConfigError(`cloudnative-pg on "${cluster.name}": role remote reaches ${primary.name}'s database over Cilium ClusterMesh; make the two clusters peers in network.clusterMesh`);
  }
  return {
    name: CLUSTER,
    dir: 'remote',
    files: [{ file: 'service.yaml', objects: [remoteService(MESH_SERVICE, NS, [{ name: 'postgres', port: POSTGRES.port }])] }],
  };
}
