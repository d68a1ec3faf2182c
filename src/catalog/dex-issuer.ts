// Where the fleet's Dex issuers are, for the modules that sign in through one (pinniped, and
// hubble-ui when the fleet runs no Keycloak). Kept apart from dex.ts so those modules and Dex
// (which lists their clients) do not import each other.
import { sitesOf, type ModuleSite } from '../k8s/fleet.js';
import type { ClusterConfig, FleetConfig } from '../model/types.js';

/** Where Dex is served on its cluster. */
export const dexHost = (domain: string) => `dex.${domain}`;
/** Dex's callback for its upstream connectors (Keycloak, GitHub). */
export const DEX_CALLBACK = '/callback';

export interface DexIssuer { site: ModuleSite<object>; issuer: string }

/**
 * The Dex a module on `cluster` signs in through: the one on `dexCluster` when set, else the
 * cluster's own, else the fleet's first. Undefined when the fleet runs no (such) Dex.
 */
export function dexFor(fleet: FleetConfig, cluster: ClusterConfig, dexCluster = ''): DexIssuer | undefined {
  const sites = sitesOf<object>(fleet, 'dex');
  const site = dexCluster
    ? sites.find((s) => s.cluster.name === dexCluster)
    : sites.find((s) => s.cluster.name === cluster.name) ?? sites[0];
  return site && { site, issuer: `https://${dexHost(site.domain)}` };
}

/** A client Dex issues tokens for (a `staticClients` entry). */
export interface DexClient {
  id: string;
  redirectURIs: string[];
  /** Confidential clients: the environment variable holding the secret, and where it comes from. */
  secret?: { env: string; item: string; property: string };
}
