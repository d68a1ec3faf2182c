// Crossplane: cloud resources as Kubernetes objects, offered to app teams through the
// platform's own APIs (a CompositeResourceDefinition and its Composition). This module ships the
// core, one provider (Upbound's AWS S3 family member), its credentials from 1Password, and one
// example API: `XBucket` (claim `Bucket`) composing an S3 bucket.
//
// Three units, because what each applies only exists once the previous one runs:
// - `crossplane` (app/): the chart. Crossplane's CRDs (apiextensions/pkg/ops/protection groups)
//   are not in the chart; the core's init container applies them at start. installsCrds states
//   the kinds the catalog uses, so the later units are ordered after this one.
// - `crossplane-packages` (packages/): the Provider and the composition Function
//   (pkg.crossplane.io/v1). Crossplane pulls them from their registries and installs the
//   provider's CRDs (aws.upbound.io, s3.aws.upbound.io) only once the ProviderRevision is
//   healthy. That is not a chart and not a manifest, so it cannot be read as a fact; the unit
//   declares the one provider CRD the next unit uses (aws.upbound.io/ProviderConfig), which is
//   what orders `crossplane-config` after it. What cannot be expressed: Flux's health check of
//   this unit does not wait for the Provider to be Healthy (a Provider has no Ready condition),
//   so on a fresh cluster the next unit may fail its dry-run once and succeed on a retry, after
//   the provider's CRDs are installed.
// - `crossplane-config` (config/): the ProviderConfig (a CR of the provider's own CRD, for
//   which /work/shared/schemas has no schema, so it is not validated), the AWS credentials as an
//   ExternalSecret, the XRD and the Composition (apiextensions.crossplane.io/v1; a v1 XRD in
//   Crossplane v2 is `LegacyCluster` scoped, the scope that keeps namespaced claims).
//
// Namespace `baseline`: the core and the provider pods run as non-root without privileges,
// but provider and function pods are created by Crossplane with settings this repository does not
// see. Policies under the baseline: the API server to the core's webhook (9443, from the node
// network), the core (package pulls) and the provider (the AWS API) to the internet over https,
// and the core to the function's gRPC port inside the namespace (the baseline allows it).
import { chartSource, externalSecret, fromItem, helmRelease, SECRET_STORE } from '../k8s/builders.js';
import { allowEgress, allowIngress, fromCidr, internet } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { defineModule } from '../model/module.js';

const NS = 'crossplane-system';
const CREDENTIALS = 'aws-credentials';
const FUNCTION = 'function-patch-and-transform';

const CORE_KINDS = [
  ...['CompositeResourceDefinition', 'Composition', 'CompositionRevision', 'EnvironmentConfig', 'ManagedResourceActivationPolicy',
    'ManagedResourceDefinition', 'Usage'].map((k) => `apiextensions.crossplane.io/${k}`),
  ...['Configuration', 'ConfigurationRevision', 'DeploymentRuntimeConfig', 'Function', 'FunctionRevision', 'ImageConfig', 'Lock',
    'Provider', 'ProviderRevision'].map((k) => `pkg.crossplane.io/${k}`),
];

export const crossplane = defineModule({
  name: 'crossplane',
  description: 'Crossplane core, the AWS S3 provider with credentials from 1Password, and an example XBucket API',
  namespace: { name: NS, podSecurity: 'baseline' },
  requires: ['external-secrets'],
  defaults: {
    chart: { repo: 'https://charts.crossplane.io/stable', name: 'crossplane', version: '2.1.3' },
    /** The provider package, pinned. */
    provider: 'xpkg.upbound.io/upbound/provider-aws-s3:v1.22.0',
    /** The composition function the example Composition runs, pinned. */
    function: `xpkg.crossplane.io/crossplane-contrib/${FUNCTION}:v0.8.2`,
    /** 1Password item with an AWS access key (fields access-key-id, secret-access-key). */
    awsItem: 'crossplane-aws',
    /** Region of the buckets the example API creates, unless a claim says otherwise. */
    region: 'eu-central-1',
  },
  render({ options: o, cluster, fleet }) {
    const values = {
      replicas: 1,
      resourcesCrossplane: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      resourcesRBACManager: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      metrics: { enabled: true },
    };
    const providerName = o.provider.slice(o.provider.lastIndexOf('/') + 1).split(':')[0];
    const group = `platform.${fleet.domain}`;
    const packages: K8sObject[] = [
      { apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider', metadata: { name: providerName }, spec: { package: o.provider } },
      { apiVersion: 'pkg.crossplane.io/v1', kind: 'Function', metadata: { name: FUNCTION }, spec: { package: o.function } },
    ];
    const credentials = externalSecret(CREDENTIALS, NS, SECRET_STORE, fromItem(o.awsItem, { access_key_id: 'access-key-id', secret_access_key: 'secret-access-key' }), {
      engineVersion: 'v2',
      // the provider reads an AWS shared-credentials file from the `credentials` key
      data: { credentials: '[default]\naws_access_key_id = {{ .access_key_id }}\naws_secret_access_key = {{ .secret_access_key }}\n' },
    });
    const providerConfig: K8sObject = {
      apiVersion: 'aws.upbound.io/v1beta1',
      kind: 'ProviderConfig',
      metadata: { name: 'default' },
      spec: { credentials: { source: 'Secret', secretRef: { namespace: NS, name: CREDENTIALS, key: 'credentials' } } },
    };
    const xrd: K8sObject = {
      apiVersion: 'apiextensions.crossplane.io/v1',
      kind: 'CompositeResourceDefinition',
      metadata: { name: `xbuckets.${group}` },
      spec: {
        group,
        names: { kind: 'XBucket', plural: 'xbuckets' },
        claimNames: { kind: 'Bucket', plural: 'buckets' },
        scope: 'LegacyCluster',
        versions: [{
          name: 'v1alpha1',
          served: true,
          referenceable: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    parameters: {
                      type: 'object',
                      properties: { region: { type: 'string', default: o.region, description: 'AWS region of the bucket' } },
                    },
                  },
                },
              },
            },
          },
        }],
      },
    };
    const composition: K8sObject = {
      apiVersion: 'apiextensions.crossplane.io/v1',
      kind: 'Composition',
      metadata: { name: `xbuckets-aws.${group}` },
      spec: {
        compositeTypeRef: { apiVersion: `${group}/v1alpha1`, kind: 'XBucket' },
        mode: 'Pipeline',
        pipeline: [{
          step: 'bucket',
          functionRef: { name: FUNCTION },
          input: {
            apiVersion: 'pt.fn.crossplane.io/v1beta1',
            kind: 'Resources',
            resources: [{
              name: 'bucket',
              base: {
                apiVersion: 's3.aws.upbound.io/v1beta1',
                kind: 'Bucket',
                spec: { forProvider: { region: o.region }, providerConfigRef: { name: 'default' } },
              },
              patches: [{ type: 'FromCompositeFieldPath', fromFieldPath: 'spec.parameters.region', toFieldPath: 'spec.forProvider.region' }],
            }],
          },
        }],
      },
    };
    return [
      {
        name: 'crossplane',
        dir: 'app',
        installsCrds: CORE_KINDS,
        files: [
          { file: 'helmrepository.yaml', objects: [chartSource('crossplane', NS, o.chart)] },
          { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'crossplane', namespace: NS, chart: o.chart, values })] },
          {
            file: 'networkpolicy.yaml',
            objects: [
              allowIngress('allow-webhook', NS, { app: 'crossplane' }, [fromCidr(cluster.network.nodeSubnet)], [{ port: 9443 }]),
              // package pulls (core) and the cloud APIs (providers)
              allowEgress('allow-registries-and-cloud', NS, {}, [internet()], [{ port: 443 }]),
            ],
          },
        ],
      },
      {
        name: 'crossplane-packages',
        dir: 'packages',
        // not from a chart: Crossplane installs the provider's CRDs from the package (see above)
        installsCrds: ['aws.upbound.io/ProviderConfig'],
        files: [{ file: 'packages.yaml', objects: packages }],
      },
      {
        name: 'crossplane-config',
        dir: 'config',
        files: [
          { file: 'externalsecret.yaml', objects: [credentials] },
          { file: 'providerconfig.yaml', objects: [providerConfig] },
          { file: 'xbucket.yaml', objects: [xrd, composition] },
        ],
      },
    ];
  },
});
