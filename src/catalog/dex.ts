// Dex: the cluster's OIDC issuer (seed 002: "OIDC logins"), `https://dex.<domain>` on the
// cluster's Gateway. Dex federates: when the fleet runs Keycloak, its one upstream connector is
// the Keycloak realm (an `oidc` connector; the realm lists Dex as a client, so one identity
// stays the source of truth and realm roles arrive as Dex groups); otherwise a GitHub connector
// restricted to one organization. The clients Dex issues tokens for are other modules' (each
// cluster's Pinniped, hubble-ui's oauth2-proxy when there is no Keycloak).
//
// Secrets: the chart writes its config into a Secret of its own (configSecret.create), and that
// config holds no secret: connector secrets are `$VAR` references Dex expands from its
// environment, static clients name theirs with `secretEnv`, and the environment comes from one
// ExternalSecret (envFrom). Storage is `kubernetes` (Dex's own CRDs, created by Dex at start
// with the chart's RBAC), so replicas share state without a database. One unit.
import { chartSource, externalSecret, helmRelease, SECRET_STORE, type SecretKeyFrom } from '../k8s/builders.js';
import { sitesOf } from '../k8s/fleet.js';
import type { GatewayName } from '../k8s/gateway.js';
import { allowFromGateway, hasGateway, httpRoute } from '../k8s/http-route.js';
import { allowEgress, fromCidr, internet } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { defineModule, ModuleConfigError } from '../model/module.js';
import type { FleetConfig } from '../model/types.js';
import { DEX_CALLBACK, dexHost, type DexClient } from './dex-issuer.js';
import { hubbleDexClients } from './hubble-ui.js';
import { fleetRealm, type OidcClient } from './keycloak-realm.js';
import { pinnipedDexClients } from './pinniped.js';

const NS = 'dex';
const NAME = 'dex';
/** The chart's Service and container port (`service.ports.http`). */
const PORT = 5556;
const SECRET = 'dex-env';

const defaults = {
  chart: { repo: 'https://charts.dexidp.io', name: 'dex', version: '0.24.1' },
  replicas: 2,
  /** Which Gateway publishes it: `internal` (LAN only) by default; `external` puts it behind the internet tunnel. */
  gateway: 'internal' as GatewayName,
  /** Dex's client in the Keycloak realm, and the 1Password item with its secret (field `client-secret`). */
  clientId: 'dex',
  oidcItem: 'dex-oidc',
  /** Without Keycloak: the GitHub organization whose members may sign in (required then). */
  githubOrg: '',
  /** 1Password item of the GitHub OAuth app: fields `client-id`, `client-secret`. */
  githubItem: 'dex-github',
};
type Options = typeof defaults;

/** Dex's client in the Keycloak realm, with the callback of every cluster that runs Dex. */
export function dexOidcClients(fleet: FleetConfig): OidcClient[] {
  const sites = sitesOf<Options>(fleet, NAME);
  if (!sites.length) return [];
  const { clientId, oidcItem } = sites[0].options;
  return [{ clientId, hosts: sites.map((s) => dexHost(s.domain)), callbackPath: DEX_CALLBACK, secret: { item: oidcItem, property: 'client-secret' } }];
}

export const dex = defineModule({
  name: NAME,
  description: 'Dex OIDC issuer on the Gateway, federating the Keycloak realm (or GitHub)',
  namespace: { name: NS, podSecurity: 'restricted' },
  requires: ['external-secrets'],
  defaults,
  render({ options: o, cluster, fleet, domain }) {
    if (!hasGateway(cluster)) throw new ModuleConfigError(`dex on "${cluster.name}": it is served on the cluster's Gateway; enable cilium's gatewayApi`);
    const kc = fleetRealm(fleet);
    if (!kc && !o.githubOrg) {
      throw new ModuleConfigError(`dex on "${cluster.name}": the fleet runs no Keycloak, so Dex signs in through GitHub; set the dex option githubOrg (the organization whose members may sign in)`);
    }
    const host = dexHost(domain);
    const issuer = `https://${host}`;
    const redirectURI = `${issuer}${DEX_CALLBACK}`;
    const env: Record<string, SecretKeyFrom> = {};
    let connector: Record<string, unknown>;
    if (kc) {
      env.KEYCLOAK_CLIENT_SECRET = { item: o.oidcItem, property: 'client-secret' };
      connector = {
        type: 'oidc',
        id: 'keycloak',
        name: 'Keycloak',
        config: {
          issuer: kc.issuer,
          clientID: o.clientId,
          clientSecret: '$KEYCLOAK_CLIENT_SECRET',
          redirectURI,
          scopes: ['openid', 'profile', 'email'],
          // the realm's `roles` claim (keycloak-realm.ts) becomes Dex's groups
          insecureEnableGroups: true,
          claimMapping: { groups: 'roles' },
        },
      };
    } else {
      env.GITHUB_CLIENT_ID = { item: o.githubItem, property: 'client-id' };
      env.GITHUB_CLIENT_SECRET = { item: o.githubItem, property: 'client-secret' };
      connector = {
        type: 'github',
        id: 'github',
        name: 'GitHub',
        config: { clientID: '$GITHUB_CLIENT_ID', clientSecret: '$GITHUB_CLIENT_SECRET', redirectURI, orgs: [{ name: o.githubOrg }] },
      };
    }
    const clients: DexClient[] = [...pinnipedDexClients(fleet, cluster.name), ...hubbleDexClients(fleet, cluster.name)]
      .sort((a, b) => a.id.localeCompare(b.id));
    for (const c of clients) if (c.secret) env[c.secret.env] = { item: c.secret.item, property: c.secret.property };
    const staticClients = clients.map((c) => ({
      id: c.id,
      name: c.id,
      ...(c.secret ? { secretEnv: c.secret.env } : { public: true }),
      redirectURIs: c.redirectURIs,
    }));
    const values = {
      replicaCount: o.replicas,
      config: {
        issuer,
        storage: { type: 'kubernetes', config: { inCluster: true } },
        oauth2: { skipApprovalScreen: true, responseTypes: ['code'] },
        enablePasswordDB: false,
        connectors: [connector],
        staticClients,
      },
      envFrom: [{ secretRef: { name: SECRET } }],
      podDisruptionBudget: { enabled: o.replicas > 1, minAvailable: 1 },
      podSecurityContext: { runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, seccompProfile: { type: 'RuntimeDefault' } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
    };
    const pods = { 'app.kubernetes.io/name': 'dex', 'app.kubernetes.io/instance': NAME };
    const https = [{ port: 443 }];
    const policies: K8sObject[] = [
      // the upstream: Keycloak through its cluster's Gateway, or GitHub
      allowEgress('allow-upstream', NS, pods, kc ? kc.site.cluster.network.loadBalancerPools.map(fromCidr) : [internet()], https),
      allowFromGateway('allow-gateway', NS, pods, [{ port: PORT }]),
    ];
    return [{
      name: NAME,
      dir: 'app',
      files: [
        { file: 'helmrepository.yaml', objects: [chartSource(NAME, NS, o.chart)] },
        { file: 'externalsecret.yaml', objects: [externalSecret(SECRET, NS, SECRET_STORE, env)] },
        { file: 'helmrelease.yaml', objects: [helmRelease({ name: NAME, namespace: NS, chart: o.chart, values })] },
        { file: 'httproute.yaml', objects: [httpRoute(NAME, NS, host, NAME, PORT, o.gateway)] },
        { file: 'networkpolicy.yaml', objects: policies },
      ],
    }];
  },
});
