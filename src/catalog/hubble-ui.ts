// Hubble UI with single sign-on (seed 001: Keycloak OIDC for Grafana and Hubble). Hubble UI has
// no login of its own, so oauth2-proxy stands in front of it: `hubble.<domain>` on the internal
// Gateway goes to oauth2-proxy, which signs users in through the fleet's Keycloak realm, lets
// only the realm role `admin` through, and forwards to the hubble-ui Service Cilium's chart runs.
// Deployed with the bjw-s app-template chart (oauth2-proxy's own chart is not needed for one
// container). One unit; the realm's `hubble` client lists every cluster's callback.
//
// A fleet without Keycloak signs in through Dex instead (the cluster's own, else the fleet's
// first): the same proxy with the generic `oidc` provider, Dex's static client `hubble`, and
// optionally one Dex group (`dexAllowedGroup`, e.g. a GitHub organization or `org:team`).
import { chartSource, externalSecret, fromItem, helmRelease, SECRET_STORE } from '../k8s/builders.js';
import { sitesOf } from '../k8s/fleet.js';
import { moduleOptions } from '../k8s/gateway.js';
import { allowFromGateway, hasGateway, httpRoute } from '../k8s/http-route.js';
import { allowEgress, fromCidr, fromNamespace, type Port } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { defineModule, ModuleConfigError } from '../model/module.js';
import type { FleetConfig } from '../model/types.js';
import { dexFor, type DexClient } from './dex-issuer.js';
import { fleetRealm, type OidcClient } from './keycloak-realm.js';

const NS = 'hubble';
const NAME = 'hubble-ui';
const PORT = 4180;
const CALLBACK = '/oauth2/callback';
const SECRET = 'hubble-ui-oidc';
/** hubble-ui's Service (port 80) and its pods' port, from the Cilium chart. */
const UPSTREAM = { service: 'hubble-ui.kube-system.svc.cluster.local', podPort: 8081, pods: { 'k8s-app': 'hubble-ui' } };

const defaults = {
  chart: { repo: 'oci://ghcr.io/bjw-s-labs/helm', name: 'app-template', version: '4.4.0' },
  image: { repository: 'quay.io/oauth2-proxy/oauth2-proxy', tag: 'v7.12.0' },
  replicas: 2,
  /** OIDC client in the Keycloak realm, shared by every cluster's Hubble UI. */
  clientId: 'hubble',
  /** 1Password item: fields `client-secret` (the realm client's secret) and `cookie-secret` (32 random bytes, base64). */
  oidcItem: 'hubble-oidc',
  /** The realm role a user needs to see flows. */
  allowedRole: 'admin',
  /** On the Dex path: the Dex group a user needs; empty lets in everyone Dex signs in. */
  dexAllowedGroup: '',
};
type Options = typeof defaults;

const hostOf = (domain: string) => `hubble.${domain}`;

/** The realm's `hubble` client, with the callback of every cluster that runs this module. */
export function hubbleOidcClients(fleet: FleetConfig): OidcClient[] {
  const sites = sitesOf<Options>(fleet, NAME);
  if (!sites.length) return [];
  const { clientId, oidcItem } = sites[0].options;
  return [{ clientId, hosts: sites.map((s) => hostOf(s.domain)), callbackPath: CALLBACK, secret: { item: oidcItem, property: 'client-secret' } }];
}

/** Dex's `hubble` client, for the clusters that sign in through the Dex on `dexCluster` (fleets without Keycloak). */
export function hubbleDexClients(fleet: FleetConfig, dexCluster: string): DexClient[] {
  if (fleetRealm(fleet)) return [];
  const sites = sitesOf<Options>(fleet, NAME).filter((s) => dexFor(fleet, s.cluster)?.site.cluster.name === dexCluster);
  if (!sites.length) return [];
  const { clientId, oidcItem } = sites[0].options;
  return [{
    id: clientId,
    redirectURIs: sites.map((s) => `https://${hostOf(s.domain)}${CALLBACK}`),
    secret: { env: `${clientId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_CLIENT_SECRET`, item: oidcItem, property: 'client-secret' },
  }];
}

export const hubbleUi = defineModule({
  name: NAME,
  description: 'Hubble UI behind oauth2-proxy, signing in through the Keycloak realm',
  namespace: { name: NS, podSecurity: 'restricted' },
  requires: ['cilium', 'external-secrets'],
  defaults,
  render({ options: o, cluster, fleet, domain }) {
    const kc = fleetRealm(fleet);
    const dex = kc ? undefined : dexFor(fleet, cluster);
    if (!kc && !dex) throw new ModuleConfigError(`hubble-ui on "${cluster.name}": it signs in through Keycloak or Dex; add keycloak() or dex() to a cluster of the fleet`);
    const idp = kc ?? dex!;
    if (!hasGateway(cluster)) throw new ModuleConfigError(`hubble-ui on "${cluster.name}": it is served on the internal Gateway; enable cilium's gatewayApi`);
    if (moduleOptions(cluster, 'cilium')?.hubble !== true) throw new ModuleConfigError(`hubble-ui on "${cluster.name}": cilium runs without Hubble here; set the cilium option hubble: true`);
    const host = hostOf(domain);
    const values = {
      controllers: {
        [NAME]: {
          replicas: o.replicas,
          strategy: 'RollingUpdate',
          containers: {
            app: {
              image: o.image,
              args: [
                ...(kc
                  ? ['--provider=keycloak-oidc', `--oidc-issuer-url=${kc.issuer}`]
                  : ['--provider=oidc', `--oidc-issuer-url=${idp.issuer}`, '--scope=openid email profile groups']),
                `--client-id=${o.clientId}`,
                `--redirect-url=https://${host}${CALLBACK}`,
                ...(kc ? [`--allowed-role=${o.allowedRole}`] : o.dexAllowedGroup ? [`--allowed-group=${o.dexAllowedGroup}`] : []),
                '--code-challenge-method=S256',
                '--email-domain=*',
                `--upstream=http://${UPSTREAM.service}:80`,
                `--http-address=0.0.0.0:${PORT}`,
                '--reverse-proxy=true',
                '--skip-provider-button=true',
                '--cookie-secure=true',
              ],
              // OAUTH2_PROXY_CLIENT_SECRET and OAUTH2_PROXY_COOKIE_SECRET
              envFrom: [{ secretRef: { name: SECRET } }],
              probes: {
                liveness: { enabled: true, custom: true, spec: { httpGet: { path: '/ping', port: PORT }, periodSeconds: 10 } },
                readiness: { enabled: true, custom: true, spec: { httpGet: { path: '/ready', port: PORT }, periodSeconds: 10 } },
              },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
            },
          },
        },
      },
      defaultPodOptions: {
        securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      },
      service: { app: { controller: NAME, ports: { http: { port: PORT } } } },
    };
    const pods = { 'app.kubernetes.io/instance': NAME };
    const https: Port[] = [{ port: 443 }];
    const policies: K8sObject[] = [
      allowEgress('allow-hubble-ui', NS, pods, [{ ...fromNamespace('kube-system'), podSelector: { matchLabels: UPSTREAM.pods } }], [{ port: UPSTREAM.podPort }]),
      // Keycloak (or Dex) through its cluster's Gateway (token and key requests from the proxy itself)
      allowEgress(kc ? 'allow-keycloak' : 'allow-dex', NS, pods, idp.site.cluster.network.loadBalancerPools.map(fromCidr), https),
      allowFromGateway('allow-gateway', NS, pods, [{ port: PORT }]),
    ];
    return [{
      name: NAME,
      dir: 'app',
      files: [
        {
          file: 'externalsecret.yaml',
          objects: [externalSecret(SECRET, NS, SECRET_STORE, {
            ...fromItem(o.oidcItem, { OAUTH2_PROXY_CLIENT_SECRET: 'client-secret', OAUTH2_PROXY_COOKIE_SECRET: 'cookie-secret' }),
          })],
        },
        { file: 'ocirepository.yaml', objects: [chartSource(NAME, NS, o.chart)] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: NAME, namespace: NS, chart: o.chart, values })] },
        { file: 'httproute.yaml', objects: [httpRoute(NAME, NS, host, NAME, PORT, 'internal')] },
        { file: 'networkpolicy.yaml', objects: policies },
      ],
    }];
  },
});
