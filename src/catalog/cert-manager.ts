// cert-manager with Let's Encrypt ClusterIssuers solving DNS-01 through Cloudflare.
// The issuers live in their own unit: they are custom resources of the chart's CRDs,
// so they must reconcile after the chart is Ready (Flux cannot order a CR after a
// CRD that a HelmRelease installs inside the same Kustomization).
import { chartSource, externalSecret, helmRelease, SECRET_STORE } from '../k8s/builders.js';
import { allowEgress, allowIngress, fromCidr, internet } from '../k8s/network-policy.js';
import { defineModule } from '../model/module.js';

const NS = 'cert-manager';

export const certManager = defineModule({
  name: 'cert-manager',
  description: 'X.509 certificates from Let\'s Encrypt (DNS-01 via Cloudflare)',
  namespace: { name: NS, podSecurity: 'restricted' },
  requires: ['external-secrets'],
  defaults: {
    chart: { repo: 'oci://quay.io/jetstack/charts', name: 'cert-manager', version: 'v1.19.1' },
    /** Contact address for ACME registration. */
    email: 'admin@example.com',
    /** 1Password item holding the Cloudflare API token (field `credential`). */
    cloudflareTokenItem: 'cloudflare',
    replicas: 2,
  },
  render({ options: o, cluster }) {
    const values = {
      crds: { enabled: true, keep: true },
      replicaCount: o.replicas,
      dns01RecursiveNameservers: 'https://1.1.1.1:443/dns-query,https://1.0.0.1:443/dns-query',
      dns01RecursiveNameserversOnly: true,
      podDisruptionBudget: { enabled: true },
      webhook: { replicaCount: o.replicas, podDisruptionBudget: { enabled: true }, resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } } },
      cainjector: { replicaCount: o.replicas, podDisruptionBudget: { enabled: true }, resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } } },
      // the post-install Job that waits for the webhook
      startupapicheck: { resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } } },
      resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    };
    const issuer = (name: string, server: string) => ({
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name },
      spec: {
        acme: {
          email: o.email,
          server,
          privateKeySecretRef: { name: `${name}-account-key` },
          solvers: [{ dns01: { cloudflare: { apiTokenSecretRef: { name: 'cloudflare-api-token', key: 'api-token' } } } }],
        },
      },
    });
    return [
      {
        name: 'cert-manager',
        dir: 'app',
        bootstrap: 'apps',
        installsCrds: ['Certificate', 'CertificateRequest', 'ClusterIssuer', 'Issuer']
          .map((k) => `cert-manager.io/${k}`)
          .concat(['acme.cert-manager.io/Challenge', 'acme.cert-manager.io/Order']),
        files: [
          { file: 'ocirepository.yaml', objects: [chartSource('cert-manager', NS, o.chart)] },
          { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'cert-manager', namespace: NS, chart: o.chart, values })] },
          {
            file: 'networkpolicy.yaml',
            objects: [
              // the API server calls the webhook from the host network
              allowIngress('allow-webhook', NS, { 'app.kubernetes.io/component': 'webhook' }, [fromCidr(cluster.network.nodeSubnet)], [{ port: 10250 }]),
              allowEgress('allow-acme', NS, {}, [internet()], [{ port: 443 }]),
            ],
          },
        ],
      },
      {
        name: 'cert-manager-issuers',
        dir: 'issuers',
        files: [
          {
            file: 'externalsecret.yaml',
            objects: [externalSecret('cloudflare-api-token', NS, SECRET_STORE, { 'api-token': { item: o.cloudflareTokenItem, property: 'credential' } })],
          },
          {
            file: 'clusterissuers.yaml',
            objects: [
              issuer('letsencrypt-staging', 'https://acme-staging-v02.api.letsencrypt.org/directory'),
              issuer('letsencrypt-production', 'https://acme-v02.api.letsencrypt.org/directory'),
            ],
          },
        ],
      },
    ];
  },
});
