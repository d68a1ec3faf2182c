// Pinniped Concierge (seed 002: "OIDC logins"): `kubectl` logins to the cluster with the fleet's
// Dex. The concierge's JWTAuthenticator trusts Dex's issuer and accepts ID tokens whose audience
// is this cluster's own Dex client (`pinniped-<cluster>` by default, a public client with PKCE
// the pinniped CLI signs in with); users run
//   pinniped get kubeconfig --oidc-issuer https://dex.<domain> --oidc-client-id pinniped-<cluster> \
//     --oidc-listen-port 48095 --oidc-scopes openid,offline_access,email,groups
// and get a kubeconfig that asks Dex for a token on first use (RBAC then binds the email or the
// groups claim; the bindings are the platform team's, not this module's).
//
// Install: Pinniped ships no Helm chart, and the `deploy/concierge` folder of its repository is
// a ytt template, which neither Flux nor kustomize can render. Its documented install is
// `kubectl apply` of two release assets at a pinned tag (install-pinniped-concierge-crds.yaml,
// install-pinniped-concierge-resources.yaml). So the concierge is a unit installed outside
// GitOps (`installedBy`, like clusterctl init for cluster-api): synth writes no Kustomization for
// it, lists the command in its summary, and still orders the authenticator unit after the CRDs
// it installs. Upgrading Pinniped is that command at the new tag. Its namespace gets the
// default-deny baseline like every other, and two allows beside the authenticator: the API
// server's calls to the concierge's aggregated API (Service `pinniped-concierge-api` 443 →
// pod port 10250, from the host network) and the concierge's requests to Dex's issuer (through
// the Dex cluster's Gateway). The impersonation proxy (pod port 8444) is not allowed: it only
// runs where the kube-cert-agent cannot read the cluster's signing key, not on Talos or kubeadm.
//
// The CRDs (authentication.concierge.pinniped.dev, config.concierge.pinniped.dev) are not in
// ../shared/schemas: `slipway check` reports the JWTAuthenticator as schema/missing. Only the
// fields Pinniped's JWTAuthenticator v1alpha1 CRD documents are used: spec.issuer, spec.audience,
// spec.claims.username/groups.
import { withComment } from '../k8s/comments.js';
import { sitesOf } from '../k8s/fleet.js';
import { allowEgress, allowIngress, fromCidr } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { defineModule, ModuleConfigError } from '../model/module.js';
import type { ClusterConfig, FleetConfig } from '../model/types.js';
import { dexFor, type DexClient } from './dex-issuer.js';

const NS = 'pinniped-concierge';
/** The port the pinniped CLI listens on for Dex's redirect (`--oidc-listen-port`). */
export const PINNIPED_CLI_PORT = 48095;
/** The concierge's aggregated API, the pod port behind Service pinniped-concierge-api. */
const CONCIERGE_API_PORT = 10250;
const RELEASE = 'https://github.com/vmware-tanzu/pinniped/releases/download';

const defaults = {
  /** Pinniped release (a tag of vmware-tanzu/pinniped) whose concierge manifests are applied. */
  version: 'v0.30.0',
  /** The cluster whose Dex issues the tokens; empty: this cluster's own Dex, else the fleet's first. */
  dexCluster: '',
  /** The JWT audience and Dex client id; empty: `pinniped-<cluster>`. */
  audience: '',
  /** ID token claims mapped to the Kubernetes user and groups. */
  usernameClaim: 'email',
  groupsClaim: 'groups',
};
type Options = typeof defaults;

const audienceOf = (o: Options, cluster: ClusterConfig) => o.audience || `pinniped-${cluster.name}`;

/** The Dex clients of the clusters whose Pinniped trusts the Dex on `dexCluster`. */
export function pinnipedDexClients(fleet: FleetConfig, dexCluster: string): DexClient[] {
  return sitesOf<Options>(fleet, 'pinniped')
    .filter((s) => dexFor(fleet, s.cluster, s.options.dexCluster)?.site.cluster.name === dexCluster)
    .map((s) => ({ id: audienceOf(s.options, s.cluster), redirectURIs: [`http://127.0.0.1:${PINNIPED_CLI_PORT}/callback`] }));
}

export const pinniped = defineModule({
  name: 'pinniped',
  description: 'Pinniped Concierge (kubectl logins) with a JWTAuthenticator trusting the fleet\'s Dex',
  // the kube-cert-agent pod reads the controller manager's key from its host
  namespace: { name: NS, podSecurity: 'privileged' },
  defaults,
  render({ options: o, cluster, fleet }) {
    const dex = dexFor(fleet, cluster, o.dexCluster);
    if (!dex) {
      throw new ModuleConfigError(o.dexCluster
        ? `pinniped on "${cluster.name}": dexCluster "${o.dexCluster}" runs no dex; add dex() to it or clear dexCluster`
        : `pinniped on "${cluster.name}": it trusts the tokens of the fleet's Dex; add dex() to a cluster of the fleet`);
    }
    const authenticator: K8sObject = withComment({
      apiVersion: 'authentication.concierge.pinniped.dev/v1alpha1',
      kind: 'JWTAuthenticator',
      metadata: { name: 'dex' },
      spec: {
        issuer: dex.issuer,
        audience: audienceOf(o, cluster),
        claims: { username: o.usernameClaim, groups: o.groupsClaim },
      },
    }, 'spec.issuer', ` Dex on cluster ${dex.site.cluster.name}`);
    const asset = (file: string) => `${RELEASE}/${o.version}/${file}`;
    return [
      {
        name: 'pinniped-concierge',
        dir: 'concierge',
        installedBy: `kubectl apply -f ${asset('install-pinniped-concierge-crds.yaml')} && kubectl apply -f ${asset('install-pinniped-concierge-resources.yaml')}`,
        installsCrds: [
          'authentication.concierge.pinniped.dev/JWTAuthenticator',
          'authentication.concierge.pinniped.dev/WebhookAuthenticator',
          'config.concierge.pinniped.dev/CredentialIssuer',
        ],
        files: [],
      },
      {
        name: 'pinniped-authenticator',
        dir: 'authenticator',
        files: [
          { file: 'jwtauthenticator.yaml', objects: [authenticator] },
          {
            file: 'networkpolicy.yaml',
            objects: [
              // every pod of the namespace: the selectors are the release manifest's, not ours
              allowIngress('allow-aggregated-api', NS, {}, [fromCidr(cluster.network.nodeSubnet)], [{ port: CONCIERGE_API_PORT }]),
              allowEgress('allow-dex', NS, {}, dex.site.cluster.network.loadBalancerPools.map(fromCidr), [{ port: 443 }]),
            ],
          },
        ],
      },
    ];
  },
});
