// Velero: weekly whole-cluster backups to MinIO (seed 001, days 25–28): Kubernetes
// objects plus volume data, taken as CSI snapshots of Ceph and moved to MinIO by the
// node agent (kopia), so a backup survives the loss of the Ceph cluster itself.
//
// Two units: `velero` (app/) is the chart with the AWS object-store plugin pointed at
// MinIO; its BackupStorageLocation comes from chart values, as the chart creates it with
// its own CRDs. `velero-schedules` (config/) holds the Schedule, a custom resource of
// those CRDs, so it reconciles after the chart is Ready.
import { chartSource, externalSecret, helmRelease, SECRET_STORE, fromItem } from '../k8s/builders.js';
import { allowMinio, DEFAULT_MINIO, MINIO_KEY_FIELDS } from '../k8s/minio.js';
import type { K8sObject } from '../k8s/object.js';
import { MONITORING_MODULE, allowScrape, serviceScrape } from '../k8s/scrape.js';
import { defineModule } from '../model/module.js';

const NS = 'velero';
const CREDENTIALS = 'velero-minio';

const VELERO_KINDS = [
  'Backup', 'BackupRepository', 'BackupStorageLocation', 'DeleteBackupRequest', 'DownloadRequest',
  'PodVolumeBackup', 'PodVolumeRestore', 'Restore', 'Schedule', 'ServerStatusRequest', 'VolumeSnapshotLocation',
  'DataDownload', 'DataUpload',
];

export const velero = defineModule({
  name: 'velero',
  description: 'Velero backups to MinIO with CSI snapshots and data movement, weekly schedule',
  // the node agent reads pod volumes through a hostPath (/var/lib/kubelet/pods), which baseline forbids
  namespace: { name: NS, podSecurity: 'privileged' },
  requires: ['external-secrets'],
  defaults: {
    chart: { repo: 'https://vmware-tanzu.github.io/helm-charts', name: 'velero', version: '11.1.1' },
    awsPluginImage: 'velero/velero-plugin-for-aws:v1.13.0',
    minio: { ...DEFAULT_MINIO },
    bucket: 'velero',
    /** 1Password item with the MinIO key pair (fields access-key, secret-key). */
    minioItem: 'velero-minio',
    /** Cron schedule of the full backup: Sundays 03:00. */
    schedule: '0 3 * * 0',
    /** How long a backup is kept: four weekly backups. */
    ttl: '672h0m0s',
  },
  render({ options: o, has, cluster, fleet }) {
    const values = {
      initContainers: [{
        name: 'velero-plugin-for-aws',
        image: o.awsPluginImage,
        imagePullPolicy: 'IfNotPresent',
        volumeMounts: [{ mountPath: '/target', name: 'plugins' }],
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
        securityContext: {
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
      }],
      configuration: {
        features: 'EnableCSI',
        uploaderType: 'kopia',
        defaultSnapshotMoveData: true,
        backupStorageLocation: [{
          name: 'default',
          provider: 'aws',
          bucket: o.bucket,
          // one prefix per cluster: clusters sharing the bucket never sync each other's backups
          prefix: cluster.name,
          default: true,
          credential: { name: CREDENTIALS, key: 'cloud' },
          config: { region: 'minio', s3ForcePathStyle: 'true', s3Url: o.minio.endpoint },
        }],
        // CSI snapshots need no VolumeSnapshotLocation: the VolumeSnapshotClass labelled
        // velero.io/csi-volumesnapshot-class (rook-ceph's csi-ceph-blockpool) is used
        volumeSnapshotLocation: [],
      },
      credentials: { useSecret: true, existingSecret: CREDENTIALS },
      snapshotsEnabled: true,
      deployNodeAgent: true,
      nodeAgent: {
        podVolumePath: '/var/lib/kubelet/pods',
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '2Gi' } },
      },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '1Gi' } },
      // the pre-upgrade Job that applies Velero's CRDs, and its kubectl init container
      upgradeJobResources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      kubectl: { resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } } },
      metrics: { enabled: true, serviceMonitor: { enabled: false } },
    };
    const credentials = externalSecret(CREDENTIALS, NS, SECRET_STORE, {
      ...fromItem(o.minioItem, { access_key: MINIO_KEY_FIELDS.accessKey, secret_key: MINIO_KEY_FIELDS.secretKey }),
    }, {
      engineVersion: 'v2',
      data: { cloud: '[default]\naws_access_key_id={{ .access_key }}\naws_secret_access_key={{ .secret_key }}\n' },
    });
    const server = { 'app.kubernetes.io/name': 'velero' };
    const scrape: K8sObject[] = has(MONITORING_MODULE)
      ? [serviceScrape('velero', NS, server, 'http-monitoring'), allowScrape(NS, server, [{ port: 8085 }])]
      : [];
    return [
      {
        name: 'velero',
        dir: 'app',
        installsCrds: VELERO_KINDS.map((k) => `velero.io/${k}`),
        files: [
          { file: 'helmrepository.yaml', objects: [chartSource('velero', NS, o.chart)] },
          { file: 'externalsecret.yaml', objects: [credentials] },
          { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'velero', namespace: NS, chart: o.chart, values })] },
          { file: 'networkpolicy.yaml', objects: [allowMinio(NS, {}, o.minio)] },
        ],
      },
      {
        name: 'velero-schedules',
        dir: 'config',
        files: [
          {
            file: 'schedule.yaml',
            objects: [{
              apiVersion: 'velero.io/v1',
              kind: 'Schedule',
              metadata: { name: `${cluster.name}-weekly`, namespace: NS },
              spec: {
                schedule: staggered(o.schedule, fleet.clusters.indexOf(cluster)),
                useOwnerReferencesInBackup: false,
                template: {
                  includedNamespaces: ['*'],
                  includeClusterResources: true,
                  snapshotVolumes: true,
                  snapshotMoveData: true,
                  storageLocation: 'default',
                  ttl: o.ttl,
                },
              },
            }],
          },
          ...(scrape.length ? [{ file: 'scrape.yaml', objects: scrape }] : []),
        ],
      },
    ];
  },
});

/**
 * Clusters backing up to one MinIO at the same minute compete for it: the n-th cluster of the
 * fleet runs n hours later when the schedule names a single hour ("0 3 * * 0" → "0 4 * * 0").
 */
function staggered(schedule: string, index: number): string {
  const fields = schedule.trim().split(/\s+/);
  if (index <= 0 || fields.length !== 5 || !/^\d+$/.test(fields[1])) return schedule;
  fields[1] = String((Number(fields[1]) + index) % 24);
  return fields.join(' ');
}
