// VolSync: PVC backups with restic to MinIO (seed 001, days 22–24; 6-hour RPO).
//
// The module itself is one unit, the operator chart and its CRDs. Backups belong to
// the apps that own the data, so instead of CRs here this file exports
// `volsyncBackup()`: app modules call it to get the ExternalSecret (restic repository
// credentials), ReplicationSource, ReplicationDestination and egress policy for a PVC.
// The repository settings (MinIO, bucket, schedule, classes) are options of this module,
// set once per cluster, and the helper reads them from the cluster it renders for.
import { chartSource, externalSecret, helmRelease, SECRET_STORE, fromItem } from '../k8s/builders.js';
import { allowMinio, DEFAULT_MINIO, MINIO_KEY_FIELDS } from '../k8s/minio.js';
import type { K8sObject } from '../k8s/object.js';
import { defineModule, type ModuleContext, ModuleConfigError } from '../model/module.js';
import { mergeOptions } from '../model/options.js';
import { CEPH_BLOCK, CEPH_SNAPSHOT_CLASS } from './rook-ceph.js';

const NS = 'volsync-system';

const defaults = {
  chart: { repo: 'https://backube.github.io/helm-charts/', name: 'volsync', version: '0.13.0' },
  /** The MinIO the restic repositories live in. */
  minio: { ...DEFAULT_MINIO },
  bucket: 'volsync',
  /** 1Password item with the MinIO key pair (fields access-key, secret-key). */
  minioItem: 'volsync-minio',
  /** 1Password item whose `password` field encrypts the restic repositories. */
  resticItem: 'volsync-restic',
  /** Backup schedule: every 6 hours, the RPO of seed 001. */
  schedule: '0 */6 * * *',
  storageClass: CEPH_BLOCK,
  snapshotClass: CEPH_SNAPSHOT_CLASS,
};
export type VolsyncOptions = typeof defaults;

export const volsync = defineModule({
  name: 'volsync',
  description: 'VolSync operator: restic backups of PVCs to MinIO (see volsyncBackup())',
  namespace: { name: NS, podSecurity: 'restricted' }, // movers run in the apps' namespaces
  defaults,
  render({ options: o }) {
    const values = {
      manageCRDs: true,
      replicaCount: 1,
      resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    };
    return [{
      name: 'volsync',
      dir: 'app',
      installsCrds: ['volsync.backube/ReplicationSource', 'volsync.backube/ReplicationDestination'],
      files: [
        { file: 'helmrepository.yaml', objects: [chartSource('volsync', NS, o.chart)] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'volsync', namespace: NS, chart: o.chart, values })] },
      ],
    }];
  },
});

export interface VolsyncBackupSpec {
  /** Name of the app; names the objects (`<app>-volsync`, `<app>-src`, `<app>-dst`) and the repository path. */
  app: string;
  namespace: string;
  /** The PVC to back up. */
  pvc: string;
  /** Size of the PVC, for restores. */
  capacity: string;
  /** UID/GID the app writes its files as; the mover runs as the same user. */
  runAsUser?: number;
}

/**
 * Backup and restore objects for one PVC, to put in an app module's unit:
 * - ExternalSecret `<app>-volsync`: RESTIC_REPOSITORY (`s3:<minio>/<bucket>/<namespace>/<app>`),
 *   RESTIC_PASSWORD and the MinIO keys, from 1Password;
 * - ReplicationSource `<app>-src`: a restic backup from a CSI snapshot on the module's schedule;
 * - ReplicationDestination `<app>-dst`: a manual restore target. To restore, create the PVC with
 *   `dataSourceRef: { apiGroup: volsync.backube, kind: ReplicationDestination, name: <app>-dst }`;
 * - NetworkPolicy: egress from the mover pods to MinIO.
 * Throws when the volsync module is not enabled on the cluster.
 */
export function volsyncBackup(ctx: ModuleContext<unknown>, spec: VolsyncBackupSpec): K8sObject[] {
  const instance = ctx.cluster.modules.find((m) => m.module.name === 'volsync');
  if (!instance) throw new ModuleConfigError(`volsyncBackup(${spec.app}): enable the volsync module on cluster "${ctx.cluster.name}"`);
  const o = mergeOptions(defaults, instance.overrides as never);
  const secret = `${spec.app}-volsync`;
  const repository = `s3:${o.minio.endpoint.replace(/\/$/, '')}/${o.bucket}/${spec.namespace}/${spec.app}`;
  const user = spec.runAsUser ?? 1000;
  const mover = {
    copyMethod: 'Snapshot',
    storageClassName: o.storageClass,
    volumeSnapshotClassName: o.snapshotClass,
    cacheStorageClassName: o.storageClass,
    cacheCapacity: '2Gi',
    accessModes: ['ReadWriteOnce'],
    moverSecurityContext: { runAsUser: user, runAsGroup: user, fsGroup: user, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    moverResources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '1Gi' } },
  };
  return [
    externalSecret(secret, spec.namespace, SECRET_STORE, {
      ...fromItem(o.minioItem, { AWS_ACCESS_KEY_ID: MINIO_KEY_FIELDS.accessKey, AWS_SECRET_ACCESS_KEY: MINIO_KEY_FIELDS.secretKey }),
      RESTIC_PASSWORD: { item: o.resticItem, property: 'password' },
    }, {
      engineVersion: 'v2',
      data: {
        RESTIC_REPOSITORY: repository,
        RESTIC_PASSWORD: '{{ .RESTIC_PASSWORD }}',
        AWS_ACCESS_KEY_ID: '{{ .AWS_ACCESS_KEY_ID }}',
        AWS_SECRET_ACCESS_KEY: '{{ .AWS_SECRET_ACCESS_KEY }}',
      },
    }),
    {
      apiVersion: 'volsync.backube/v1alpha1',
      kind: 'ReplicationSource',
      metadata: { name: `${spec.app}-src`, namespace: spec.namespace },
      spec: {
        sourcePVC: spec.pvc,
        trigger: { schedule: o.schedule },
        restic: { ...mover, repository: secret, pruneIntervalDays: 7, retain: { hourly: 24, daily: 7, weekly: 4 } },
      },
    },
    {
      apiVersion: 'volsync.backube/v1alpha1',
      kind: 'ReplicationDestination',
      metadata: { name: `${spec.app}-dst`, namespace: spec.namespace },
      spec: {
        trigger: { manual: 'restore-once' },
        restic: { ...mover, repository: secret, capacity: spec.capacity, cleanupCachePVC: true, cleanupTempPVC: true },
      },
    },
    allowMinio(spec.namespace, { 'app.kubernetes.io/created-by': 'volsync' }, o.minio, `allow-volsync-${spec.app}-minio`),
  ];
}
