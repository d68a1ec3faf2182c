// Keycloak: single sign-on for the platform (seed 001, days 41–42), OIDC provider of
// Grafana (and Hubble). The realm and its clients are code (keycloak-realm.ts). Chart: codecentric keycloakx, which runs the upstream Quarkus
// image unmodified (the Bitnami chart's images left the free catalog in 2025).
// Its database is the app database `keycloak` on the CloudNativePG cluster, whose role
// reads the same 1Password item as the credentials here. One unit: no custom resources.
import type { GatewayName } from '../k8s/gateway.js';
import { chartSource, externalSecret, helmRelease, SECRET_STORE, fromItem } from '../k8s/builders.js';
import { allowFromGateway, externalOnly, hasGateway, httpRoute } from '../k8s/http-route.js';
import { allowEgress, fromNamespace } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { defineModule } from '../model/module.js';
import { appDatabase, POSTGRES } from './cloudnative-pg.js';
import { dexOidcClients } from './dex.js';
import { grafanaOidcClients } from './grafana.js';
import { hubbleOidcClients } from './hubble-ui.js';
import { keycloakHost, REALM_IMPORT_DIR, realmImport } from './keycloak-realm.js';

const NS = 'keycloak';
const SERVICE = 'keycloak-http';

export const keycloak = defineModule({
  name: 'keycloak',
  description: 'Keycloak identity provider on the CloudNativePG database, on the internal Gateway (public OIDC paths optionally external)',
  namespace: { name: NS, podSecurity: 'restricted' },
  requires: ['external-secrets', 'cloudnative-pg'],
  defaults: {
    chart: { repo: 'https://codecentric.github.io/helm-charts', name: 'keycloakx', version: '7.1.3' },
    image: { repository: 'quay.io/keycloak/keycloak', tag: '26.4.2' },
    replicas: 2,
    /** 1Password item with the bootstrap admin (fields username, password). */
    adminItem: 'keycloak-admin',
    /** The realm the platform's apps sign in through, imported at start with their OIDC clients. */
    realm: 'platform',
    /**
     * Which Gateway publishes it: `internal` (LAN only) by default. `external` publishes only the
     * public OIDC paths (/realms, /resources) through the internet tunnel; the admin console stays internal.
     */
    gateway: 'internal' as GatewayName,
  },
  render({ options: o, cluster, fleet, domain }) {
    const db = appDatabase('keycloak');
    const hostname = keycloakHost(domain);
    const realm = realmImport(NS, o.realm, [...grafanaOidcClients(fleet), ...hubbleOidcClients(fleet), ...dexOidcClients(fleet)]);
    const importVolume = 'realm-import';
    const values = {
      fullnameOverride: 'keycloak',
      image: o.image,
      replicas: o.replicas,
      command: ['/opt/keycloak/bin/kc.sh', 'start', '--http-enabled=true', '--http-port=8080', '--health-enabled=true', '--metrics-enabled=true', '--import-realm'],
      http: { relativePath: '/' },
      proxy: { enabled: true, mode: 'xforwarded' },
      database: {
        vendor: 'postgres',
        hostname: POSTGRES.host,
        port: POSTGRES.port,
        database: db.database,
        username: db.role,
        existingSecret: 'keycloak-db',
        existingSecretKey: 'password',
      },
      dbchecker: {
        enabled: true,
        securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, capabilities: { drop: ['ALL'] } },
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
      },
      extraEnv: [
        `- name: KC_HOSTNAME\n  value: https://${hostname}`,
        '- name: KC_BOOTSTRAP_ADMIN_USERNAME\n  valueFrom:\n    secretKeyRef:\n      name: keycloak-admin\n      key: username',
        '- name: KC_BOOTSTRAP_ADMIN_PASSWORD\n  valueFrom:\n    secretKeyRef:\n      name: keycloak-admin\n      key: password',
      ].join('\n'),
      ...(realm.envFromSecret ? { extraEnvFrom: `- secretRef:\n    name: ${realm.envFromSecret}` } : {}),
      extraVolumes: `- name: ${importVolume}\n  configMap:\n    name: ${realm.configMap}`,
      extraVolumeMounts: `- name: ${importVolume}\n  mountPath: ${REALM_IMPORT_DIR}\n  readOnly: true`,
      podSecurityContext: { fsGroup: 1000, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      securityContext: { runAsUser: 1000, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      resources: { requests: { cpu: '250m', memory: '768Mi' }, limits: { memory: '1536Mi' } },
    };
    const pods = { 'app.kubernetes.io/name': 'keycloakx' };
    const policies: K8sObject[] = [
      allowEgress('allow-postgres', NS, pods, [fromNamespace(POSTGRES.namespace)], [{ port: POSTGRES.port }]),
    ];
    const files = [
      { file: 'helmrepository.yaml', objects: [chartSource('keycloak', NS, o.chart)] },
      {
        file: 'externalsecret.yaml',
        objects: [
          externalSecret('keycloak-admin', NS, SECRET_STORE, {
            ...fromItem(o.adminItem, { password: 'password', username: 'username' }),
          }),
          externalSecret('keycloak-db', NS, SECRET_STORE, { password: { item: db.item, property: 'password' } }),
        ],
      },
      { file: 'realm.yaml', objects: realm.objects },
      { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'keycloak', namespace: NS, chart: o.chart, values })] },
    ];
    if (hasGateway(cluster)) {
      const routes = [httpRoute('keycloak', NS, hostname, SERVICE, 80, 'internal')];
      if (o.gateway === 'external') routes.push(publicOidcRoute(hostname));
      files.push({ file: 'httproute.yaml', objects: routes });
      policies.push(allowFromGateway('allow-gateway', NS, pods, [{ port: 8080 }]));
    }
    files.push({ file: 'networkpolicy.yaml', objects: policies });
    return [{ name: 'keycloak', dir: 'app', files }];
  },
});

/** The paths browsers and OIDC clients need from outside: realms (login, tokens, discovery) and static resources. */
function publicOidcRoute(hostname: string): K8sObject {
  // the full route is already on `internal`
  const route = externalOnly(httpRoute('keycloak-public', NS, hostname, SERVICE, 80, 'external'));
  const spec = route.spec as { rules: Array<{ matches: unknown[] }> };
  spec.rules[0].matches = ['/realms/', '/resources/'].map((value) => ({ path: { type: 'PathPrefix', value } }));
  return route;
}
