// Grafana: dashboards over VictoriaMetrics and VictoriaLogs with single sign-on through
// Keycloak (seed 001, week 6), on the global cluster next to the data it queries and
// published on the internal Gateway; `gateway: 'external'` puts it behind the Cloudflare Tunnel.
// Admin credentials and the OIDC client secret come from 1Password. One unit.
import type { GatewayName } from '../k8s/gateway.js';
import { chartSource, externalSecret, helmRelease, SECRET_STORE, fromItem } from '../k8s/builders.js';
import { sitesOf } from '../k8s/fleet.js';
import { allowFromGateway, hasGateway, httpRoute } from '../k8s/http-route.js';
import { allowEgress, fromCidr, fromNamespace, internet } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { MONITORING_NS } from '../k8s/scrape.js';
import { defineModule, ModuleConfigError } from '../model/module.js';
import type { FleetConfig } from '../model/types.js';
import { fleetRealm, type OidcClient } from './keycloak-realm.js';
import { CEPH_BLOCK } from './rook-ceph.js';
import { volsyncBackup } from './volsync.js';
import { VICTORIA_LOGS } from './victoria-logs.js';
import { findGlobal, VMSELECT_URL } from './victoria-metrics.js';

const NS = 'grafana';
const OIDC_CALLBACK = '/login/generic_oauth';
const OIDC_SECRET_FIELD = 'client-secret';
const hostOf = (domain: string) => `grafana.${domain}`;

type GrafanaOptions = { clientId: string; oidcItem: string };

/** Grafana's client in the Keycloak realm, per cluster that runs Grafana. */
export function grafanaOidcClients(fleet: FleetConfig): OidcClient[] {
  return sitesOf<GrafanaOptions>(fleet, 'grafana').map((s) => ({
    clientId: s.options.clientId,
    hosts: [hostOf(s.domain)],
    callbackPath: OIDC_CALLBACK,
    secret: { item: s.options.oidcItem, property: OIDC_SECRET_FIELD },
  }));
}

/** grafana.com dashboards, fetched by the chart's init container at start: id and pinned revision. */
const KUBERNETES_DASHBOARDS = { 'k8s-views-global': [15757, 43], 'k8s-views-namespaces': [15758, 44], 'k8s-views-nodes': [15759, 40], 'k8s-views-pods': [15760, 37] } as const;
const CEPH_DASHBOARDS = { 'ceph-cluster': [2842, 18], 'ceph-osd': [5336, 9], 'ceph-pools': [5342, 9] } as const;

/**
 * Dashboards for Kubernetes and Ceph from grafana.com, and Cilium's own (its chart writes them as
 * ConfigMaps in kube-system, where the dashboard sidecar finds them by label).
 */
function dashboards(fleet: FleetConfig): Record<string, unknown> {
  const fromGrafanaCom = (set: Record<string, readonly [number, number]>) => Object.fromEntries(Object.entries(set)
    .map(([name, [gnetId, revision]]) => [name, { gnetId, revision, datasource: 'VictoriaMetrics' }]));
  // a provider per folder; the chart downloads each set into its provider's path (names must match)
  const sets: Record<string, { folder: string; dashboards: Record<string, unknown> }> = {
    kubernetes: { folder: 'Kubernetes', dashboards: fromGrafanaCom(KUBERNETES_DASHBOARDS) },
  };
  if (sitesOf(fleet, 'rook-ceph').length) sets.ceph = { folder: 'Ceph', dashboards: fromGrafanaCom(CEPH_DASHBOARDS) };
  const providers = Object.entries(sets).map(([name, set]) => ({
    name, orgId: 1, folder: set.folder, type: 'file', disableDeletion: true, editable: false, options: { path: `/var/lib/grafana/dashboards/${name}` },
  }));
  return {
    dashboardProviders: { 'dashboardproviders.yaml': { apiVersion: 1, providers } },
    dashboards: Object.fromEntries(Object.entries(sets).map(([name, set]) => [name, set.dashboards])),
    downloadDashboards: { resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } } },
    sidecar: { resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } }, dashboards: { enabled: sitesOf(fleet, 'cilium').length > 0, label: 'grafana_dashboard', searchNamespace: ['kube-system'], resource: 'configmap', folder: '/tmp/dashboards', defaultFolderName: 'Cilium' } },
  };
}

export const grafana = defineModule({
  name: 'grafana',
  description: 'Grafana with VictoriaMetrics and VictoriaLogs datasources and Keycloak SSO',
  namespace: { name: NS, podSecurity: 'restricted' },
  requires: ['external-secrets', 'victoria-metrics'],
  defaults: {
    chart: { repo: 'oci://ghcr.io/grafana/helm-charts', name: 'grafana', version: '10.1.4' },
    /** VictoriaLogs datasource plugin, installed from grafana.com at start. */
    logsPlugin: 'victoriametrics-logs-datasource 0.21.0',
    /** 1Password item with the local admin (fields username, password). */
    adminItem: 'grafana-admin',
    /** OIDC client in the Keycloak realm (keycloak option `realm`); the client secret is field `client-secret` of `oidcItem`. */
    clientId: 'grafana',
    oidcItem: 'grafana-oidc',
    storageClass: CEPH_BLOCK,
    /** Which Gateway publishes it: `internal` (LAN only) by default; `external` puts it behind the internet tunnel. */
    gateway: 'internal' as GatewayName,
  },
  render(ctx) {
    const { options: o, cluster, fleet, domain, has } = ctx;
    if (findGlobal(fleet, cluster).cluster.name !== cluster.name) {
      throw new ModuleConfigError(`grafana on "${cluster.name}": run it on the cluster whose victoria-metrics role is global, where vmselect is`);
    }
    const kc = fleetRealm(fleet);
    const hostname = hostOf(domain);
    const datasources = [
      { name: 'VictoriaMetrics', type: 'prometheus', access: 'proxy', url: VMSELECT_URL, isDefault: true },
      ...(has('victoria-logs') ? [{ name: 'VictoriaLogs', type: 'victoriametrics-logs-datasource', access: 'proxy', url: VICTORIA_LOGS.url }] : []),
    ];
    const ini: Record<string, unknown> = { server: { root_url: `https://${hostname}` }, analytics: { check_for_updates: false } };
    if (kc) {
      const issuer = `${kc.issuer}/protocol/openid-connect`;
      ini['auth.generic_oauth'] = {
        enabled: true,
        name: 'Keycloak',
        client_id: o.clientId,
        // client_secret comes from GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET (Secret grafana-oidc)
        scopes: 'openid email profile offline_access roles',
        auth_url: `${issuer}/auth`,
        token_url: `${issuer}/token`,
        api_url: `${issuer}/userinfo`,
        signout_redirect_url: `${issuer}/logout`,
        email_attribute_path: 'email',
        login_attribute_path: 'preferred_username',
        role_attribute_path: "contains(roles[*], 'admin') && 'Admin' || contains(roles[*], 'editor') && 'Editor' || 'Viewer'",
        allow_sign_up: true,
        use_pkce: true,
      };
    }
    const values = {
      admin: { existingSecret: 'grafana-admin', userKey: 'username', passwordKey: 'password' },
      ...(kc ? { envFromSecrets: [{ name: 'grafana-oidc' }] } : {}),
      'grafana.ini': ini,
      plugins: has('victoria-logs') ? [o.logsPlugin] : [],
      datasources: { 'datasources.yaml': { apiVersion: 1, datasources } },
      ...dashboards(fleet),
      persistence: { enabled: true, type: 'pvc', storageClassName: o.storageClass, size: '5Gi' },
      initChownData: { enabled: false }, // runs as root; the volume's fsGroup already fits
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    };
    const pods = { 'app.kubernetes.io/name': 'grafana' };
    const policies: K8sObject[] = [
      allowEgress('allow-datasources', NS, pods, [fromNamespace(MONITORING_NS), ...(has('victoria-logs') ? [fromNamespace(VICTORIA_LOGS.namespace)] : [])],
        [{ port: 8481 }, { port: VICTORIA_LOGS.port }]),
      // grafana.com for plugins, Keycloak through its Gateway (on the LAN or the tunnel)
      allowEgress('allow-https', NS, pods, [internet(), ...(kc ? kc.site.cluster.network.loadBalancerPools.map(fromCidr) : [])], [{ port: 443 }]),
    ];
    const secrets = [
      externalSecret('grafana-admin', NS, SECRET_STORE, {
        ...fromItem(o.adminItem, { password: 'password', username: 'username' }),
      }),
      ...(kc ? [externalSecret('grafana-oidc', NS, SECRET_STORE, { GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: { item: o.oidcItem, property: OIDC_SECRET_FIELD } })] : []),
    ];
    const files = [
      { file: 'ocirepository.yaml', objects: [chartSource('grafana', NS, o.chart)] },
      { file: 'externalsecret.yaml', objects: secrets },
      { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'grafana', namespace: NS, chart: o.chart, values })] },
    ];
    if (hasGateway(cluster)) {
      files.push({ file: 'httproute.yaml', objects: [httpRoute('grafana', NS, hostname, 'grafana', 80, o.gateway)] });
      policies.push(allowFromGateway('allow-gateway', NS, pods, [{ port: 3000 }]));
    }
    files.push({ file: 'networkpolicy.yaml', objects: policies });
    // dashboards, users and alert state live on this volume (the chart's PVC is named after the release)
    if (has('volsync')) files.push({ file: 'volsync.yaml', objects: volsyncBackup(ctx, { app: 'grafana', namespace: NS, pvc: 'grafana', capacity: '5Gi', runAsUser: 472 }) });
    return [{ name: 'grafana', dir: 'app', files }];
  },
});
