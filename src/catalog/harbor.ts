// Harbor: the anchor app of seed 003, a container registry deployed entirely through
// GitOps with rollback. The chart's HelmRelease (from the shared builder) retries
// installs and rolls back failed upgrades. State lives outside the chart's own database:
// PostgreSQL is the app database `harbor` on CloudNativePG, blobs and Redis/Trivy data are
// on Ceph. TLS ends at the cluster's internal Gateway (cert-manager's wildcard
// certificate), so Harbor itself is exposed as a plain ClusterIP behind an HTTPRoute.
// One unit: the chart creates no custom resources.
import { chartSource, externalSecret, helmRelease, SECRET_STORE } from '../k8s/builders.js';
import { allowFromGateway, hasGateway, httpRoute } from '../k8s/http-route.js';
import { allowEgress, fromNamespace, internet } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { defineModule } from '../model/module.js';
import { appDatabase, POSTGRES } from './cloudnative-pg.js';
import { CEPH_BLOCK } from './rook-ceph.js';
import { volsyncBackup } from './volsync.js';

const NS = 'harbor';

export const harbor = defineModule({
  name: 'harbor',
  description: 'Harbor registry on CloudNativePG and Ceph, behind the internal Gateway',
  // the chart's pods run as non-root but not all of its containers set the restricted profile
  namespace: { name: NS, podSecurity: 'baseline' },
  requires: ['external-secrets', 'cloudnative-pg'],
  defaults: {
    chart: { repo: 'https://helm.goharbor.io', name: 'harbor', version: '1.18.0' },
    storageClass: CEPH_BLOCK,
    registrySize: '100Gi',
    /** 1Password item whose `password` field is the Harbor admin password and `secret-key` (16 characters) its encryption key. */
    adminItem: 'harbor-admin',
  },
  render(ctx) {
    const { options: o, cluster, domain } = ctx;
    const db = appDatabase('harbor');
    const hostname = `harbor.${domain}`;
    const pvc = (size: string) => ({ storageClass: o.storageClass, size });
    const small = { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } };
    const values = {
      externalURL: `https://${hostname}`,
      expose: { type: 'clusterIP', tls: { enabled: false }, clusterIP: { name: 'harbor' } },
      existingSecretAdminPassword: 'harbor-admin',
      // the encryption key of stored credentials: never the chart's public default "not-a-secure-key"
      existingSecretSecretKey: 'harbor-secret-key',
      existingSecretAdminPasswordKey: 'HARBOR_ADMIN_PASSWORD',
      persistence: {
        enabled: true,
        resourcePolicy: 'keep',
        persistentVolumeClaim: {
          registry: pvc(o.registrySize),
          jobservice: { jobLog: pvc('1Gi') },
          redis: pvc('2Gi'),
          trivy: pvc('5Gi'),
        },
      },
      database: {
        type: 'external',
        external: {
          host: POSTGRES.host,
          port: String(POSTGRES.port),
          username: db.role,
          coreDatabase: db.database,
          existingSecret: 'harbor-db', // key `password`
          sslmode: 'require',
        },
      },
      nginx: { resources: small },
      portal: { resources: small },
      core: { resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } } },
      jobservice: { resources: small },
      registry: { registry: { resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } } }, controller: { resources: small } },
      trivy: { resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '1Gi' } } },
      redis: { internal: { resources: small } },
      exporter: { resources: small },
    };
    const policies: K8sObject[] = [
      allowEgress('allow-postgres', NS, {}, [fromNamespace(POSTGRES.namespace)], [{ port: POSTGRES.port }]),
      // Trivy's vulnerability database and proxy-cache projects pull from public registries
      allowEgress('allow-internet', NS, {}, [internet()], [{ port: 443 }]),
    ];
    const files = [
      { file: 'helmrepository.yaml', objects: [chartSource('harbor', NS, o.chart)] },
      {
        file: 'externalsecret.yaml',
        objects: [
          externalSecret('harbor-admin', NS, SECRET_STORE, { HARBOR_ADMIN_PASSWORD: { item: o.adminItem, property: 'password' } }),
          externalSecret('harbor-db', NS, SECRET_STORE, { password: { item: db.item, property: 'password' } }),
          // 16 characters; the key must be named secretKey
          externalSecret('harbor-secret-key', NS, SECRET_STORE, { secretKey: { item: o.adminItem, property: 'secret-key' } }),
        ],
      },
      { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'harbor', namespace: NS, chart: o.chart, values, timeout: '15m' })] },
    ];
    if (hasGateway(cluster)) {
      files.push({ file: 'httproute.yaml', objects: [httpRoute('harbor', NS, hostname, 'harbor', 80, 'internal')] });
      policies.push(allowFromGateway('allow-gateway', NS, { app: 'harbor', component: 'nginx' }, [{ port: 8080 }]));
    }
    files.push({ file: 'networkpolicy.yaml', objects: policies });
    // the image blobs (the chart's PVC `<release>-registry`); redis and trivy only hold caches
    if (ctx.has('volsync')) files.push({ file: 'volsync.yaml', objects: volsyncBackup(ctx, { app: 'harbor-registry', namespace: NS, pvc: 'harbor-registry', capacity: o.registrySize, runAsUser: 10000 }) });
    return [{ name: 'harbor', dir: 'app', files }];
  },
});
