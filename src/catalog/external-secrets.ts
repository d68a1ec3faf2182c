// External Secrets Operator reading from 1Password through a 1Password Connect server:
// the only way the catalog produces credentials (seed 003: secrets only via External Secrets).
//
// Two units:
// - `external-secrets` (app): the operator chart and its CRDs; installed by the bootstrap
//   Helmfile so ExternalSecrets of other bootstrap apps resolve as soon as Flux starts.
// - `onepassword-connect` (store): the Connect server and the ClusterSecretStore `onepassword`
//   that talks to it. The store is a custom resource of the operator's CRDs, so it must
//   reconcile after the operator is Ready; keeping Connect in the same unit means the store's
//   health check passes only once Connect serves. Connect's credentials are the one secret
//   that cannot come from 1Password itself: the bootstrap step creates, from the operator's
//   1Password session, the Secrets `onepassword-connect-credentials` (key
//   `1password-credentials.json`) and `onepassword-connect-token` (key `token`) in this
//   namespace. No Secret with values is ever written to Git.
//
// Pod Security `baseline`: the operator complies with `restricted`, but the Connect chart
// hard-codes container securityContexts without seccompProfile and without dropping
// capabilities, which `restricted` rejects.
import { chartSource, helmRelease, SECRET_STORE } from '../k8s/builders.js';
import { allowEgress, allowIngress, fromCidr, internet } from '../k8s/network-policy.js';
import { defineModule, ModuleConfigError } from '../model/module.js';

const NS = 'external-secrets';
const CREDENTIALS_SECRET = 'onepassword-connect-credentials';
const TOKEN_SECRET = 'onepassword-connect-token';

const ESO_KINDS = ['ClusterExternalSecret', 'ClusterPushSecret', 'ClusterSecretStore', 'ExternalSecret', 'PushSecret', 'SecretStore'];
const GENERATOR_KINDS = [
  'ACRAccessToken', 'CloudsmithAccessToken', 'ClusterGenerator', 'ECRAuthorizationToken', 'Fake', 'GCRAccessToken',
  'GeneratorState', 'GithubAccessToken', 'Grafana', 'MFA', 'Password', 'QuayAccessToken', 'SSHKey', 'STSSessionToken',
  'UUID', 'VaultDynamicSecret', 'Webhook',
];

export const externalSecrets = defineModule({
  name: 'external-secrets',
  description: 'External Secrets Operator with 1Password Connect and the ClusterSecretStore `onepassword`',
  namespace: { name: NS, podSecurity: 'baseline' },
  defaults: {
    chart: { repo: 'oci://ghcr.io/external-secrets/charts', name: 'external-secrets', version: '1.0.0' },
    connectChart: { repo: 'https://1password.github.io/connect-helm-charts', name: 'connect', version: '2.0.5' },
    replicas: 2,
  },
  render({ options: o, cluster, fleet }) {
    const secrets = fleet.secrets;
    if (secrets && secrets.provider !== 'onepassword') {
      throw new ModuleConfigError(`cluster ${cluster.name}: the external-secrets module reads 1Password, but fleet.secrets.provider is "${secrets.provider}"; remove external-secrets() from this cluster (the ${secrets.provider} provider delivers the same Secrets)`);
    }
    if (!secrets) {
      throw new ModuleConfigError(`cluster ${cluster.name}: the external-secrets module needs fleet.secrets (1Password Connect host and vaults)`);
    }
    const small = { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } };
    const operatorValues = {
      installCRDs: true,
      replicaCount: o.replicas,
      leaderElect: true,
      resources: small,
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
      webhook: { replicaCount: o.replicas, resources: small, podDisruptionBudget: { enabled: true, minAvailable: 1 } },
      certController: { resources: small },
    };
    const connectValues = {
      connect: {
        replicas: 1,
        serviceType: 'ClusterIP',
        credentialsName: CREDENTIALS_SECRET,
        credentialsKey: '1password-credentials.json',
        api: { resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } } },
        sync: { resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } } },
      },
      // ExternalSecrets replace the 1Password operator
      operator: { create: false },
    };
    const store = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: { name: SECRET_STORE },
      spec: {
        provider: {
          onepassword: {
            connectHost: secrets.connectHost,
            // lookup order: first vault wins
            vaults: Object.fromEntries(secrets.vaults.map((vault, i) => [vault, i + 1])),
            auth: { secretRef: { connectTokenSecretRef: { name: TOKEN_SECRET, namespace: NS, key: 'token' } } },
          },
        },
      },
    };
    return [
      {
        name: 'external-secrets',
        dir: 'app',
        bootstrap: 'apps',
        installsCrds: [
          ...ESO_KINDS.map((k) => `external-secrets.io/${k}`),
          ...GENERATOR_KINDS.map((k) => `generators.external-secrets.io/${k}`),
        ],
        files: [
          { file: 'ocirepository.yaml', objects: [chartSource('external-secrets', NS, o.chart)] },
          { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'external-secrets', namespace: NS, chart: o.chart, values: operatorValues })] },
          {
            file: 'networkpolicy.yaml',
            objects: [
              // the API server calls the webhook from the host network
              allowIngress('allow-external-secrets-webhook', NS, { 'app.kubernetes.io/name': 'external-secrets-webhook' },
                [fromCidr(cluster.network.nodeSubnet)], [{ port: 10250 }]),
            ],
          },
        ],
      },
      {
        name: 'onepassword-connect',
        dir: 'store',
        timeout: '10m',
        // the chart ships the OnePasswordItem CRD in crds/ even with its operator disabled
        installsCrds: ['onepassword.com/OnePasswordItem'],
        files: [
          { file: 'helmrepository.yaml', objects: [chartSource('onepassword-connect', NS, o.connectChart)] },
          {
            file: 'helmrelease.yaml',
            objects: [helmRelease({ name: 'onepassword-connect', namespace: NS, chart: o.connectChart, values: connectValues })],
          },
          {
            file: 'networkpolicy.yaml',
            objects: [allowEgress('allow-onepassword-cloud', NS, { app: 'onepassword-connect' }, [internet()], [{ port: 443 }])],
          },
          { file: 'clustersecretstore.yaml', objects: [store] },
        ],
      },
    ];
  },
});
