// The platform realm as code (seed 001: "realm and OIDC clients as code"): one realm with the
// platform's roles, and one confidential OIDC client per app that signs in through it. Keycloak
// imports it at start (`--import-realm`) from a ConfigMap; each client's secret is an environment
// placeholder filled from 1Password, the same item the app reads, so Git never holds it.
//
// Keycloak imports a realm only when it does not exist yet (so a restart never undoes changes
// made in the console): a change here reaches a running Keycloak by deleting the realm, or by
// editing it in the console to match.
import { externalSecret, SECRET_STORE, type SecretKeyFrom } from '../k8s/builders.js';
import { sitesOf, type ModuleSite } from '../k8s/fleet.js';
import type { K8sObject } from '../k8s/object.js';
import type { FleetConfig } from '../model/types.js';

/** Where Keycloak is served on its cluster. */
export const keycloakHost = (domain: string) => `keycloak.${domain}`;

/** The fleet's Keycloak and the issuer URL of its realm, for apps that sign in through it. */
export function fleetRealm(fleet: FleetConfig): { site: ModuleSite<{ realm: string }>; issuer: string } | undefined {
  const site = sitesOf<{ realm: string }>(fleet, 'keycloak')[0];
  return site && { site, issuer: `https://${keycloakHost(site.domain)}/realms/${site.options.realm}` };
}

/** An app that signs in through the realm. */
export interface OidcClient {
  clientId: string;
  /** Where the app is served (https://<host>), one per cluster that runs it. */
  hosts: string[];
  /** The app's OAuth callback path, e.g. /login/generic_oauth for Grafana. */
  callbackPath: string;
  /** 1Password item and field holding the client secret (the app reads the same). */
  secret: SecretKeyFrom;
}

export const REALM_IMPORT_DIR = '/opt/keycloak/data/import';
const CLIENT_SECRETS = 'keycloak-clients';

/** The environment variable that carries a client's secret into the import. */
const secretEnv = (clientId: string) => `${clientId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_CLIENT_SECRET`;

/** Realm roles, read by the apps from the `roles` claim (Grafana maps admin/editor to its own roles). */
const ROLES = [
  { name: 'admin', description: 'platform administrators' },
  { name: 'editor', description: 'may change dashboards and app settings' },
  { name: 'viewer', description: 'read-only access' },
];

function client(c: OidcClient): Record<string, unknown> {
  const origins = c.hosts.map((h) => `https://${h}`);
  return {
    clientId: c.clientId,
    name: c.clientId,
    enabled: true,
    protocol: 'openid-connect',
    publicClient: false,
    clientAuthenticatorType: 'client-secret',
    secret: `\${${secretEnv(c.clientId)}}`,
    standardFlowEnabled: true,
    implicitFlowEnabled: false,
    directAccessGrantsEnabled: false,
    serviceAccountsEnabled: false,
    redirectUris: origins.map((o) => `${o}${c.callbackPath}`),
    webOrigins: origins,
    // Keycloak separates several post-logout URIs with ##
    attributes: { 'pkce.code.challenge.method': 'S256', 'post.logout.redirect.uris': origins.map((o) => `${o}/*`).join('##') },
    protocolMappers: [{
      name: 'realm roles',
      protocol: 'openid-connect',
      protocolMapper: 'oidc-usermodel-realm-role-mapper',
      config: {
        multivalued: 'true',
        'claim.name': 'roles',
        'jsonType.label': 'String',
        'id.token.claim': 'true',
        'access.token.claim': 'true',
        'userinfo.token.claim': 'true',
      },
    }],
  };
}

export function realmRepresentation(realm: string, clients: OidcClient[]): Record<string, unknown> {
  return {
    realm,
    enabled: true,
    sslRequired: 'external',
    registrationAllowed: false,
    loginWithEmailAllowed: true,
    duplicateEmailsAllowed: false,
    bruteForceProtected: true,
    roles: { realm: ROLES },
    clients: [...clients].sort((a, b) => a.clientId.localeCompare(b.clientId)).map(client),
  };
}

/** The ConfigMap Keycloak imports, and the Secret of client secrets its pods take as environment. */
export function realmImport(ns: string, realm: string, clients: OidcClient[]): { objects: K8sObject[]; envFromSecret: string; configMap: string } {
  const configMap = `realm-${realm}`;
  const objects: K8sObject[] = [{
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: configMap, namespace: ns },
    data: { [`${realm}-realm.json`]: `${JSON.stringify(realmRepresentation(realm, clients), null, 2)}\n` },
  }];
  if (clients.length) {
    objects.push(externalSecret(CLIENT_SECRETS, ns, SECRET_STORE, Object.fromEntries(clients.map((c) => [secretEnv(c.clientId), c.secret]))));
  }
  return { objects, envFromSecret: clients.length ? CLIENT_SECRETS : '', configMap };
}
