// Flux itself, managed by Flux after the bootstrap Helmfile installed it.
//
// Chart: the fluxcd-community `flux2` chart rather than flux-operator + FluxInstance.
// Synth already writes the bootstrap GitRepository `flux-system` and the root
// Kustomization, so all this module needs is the controllers; a FluxInstance would want
// to own that sync itself, and its CRD (fluxcd.controlplane.io) has no schema we can
// validate against. The chart installs the toolkit CRDs in the same release.
//
// Two units:
// - `flux` (app): the controllers (bootstrap phase `apps`). Their containers run
//   non-root, read-only, without capabilities and with the RuntimeDefault seccomp
//   profile, so flux-system enforces `restricted`.
// - `flux-notifications` (notifications, only with fleet.notifications): a Provider whose
//   address comes from an ExternalSecret, and Alerts on every error of the cluster's
//   Kustomizations, HelmReleases and sources. Separate because it waits for external-secrets.
import { chartSource, externalSecret, helmRelease, SECRET_STORE } from '../k8s/builders.js';
import { allowEgress, internet, type Port } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { gitopsOf } from '../k8s/fleet.js';
import { defineModule, ModuleConfigError, type Unit } from '../model/module.js';

const NS = 'flux-system';
const PROVIDER = 'fleet-notifications';
const SOURCE_KINDS = ['Bucket', 'GitRepository', 'HelmChart', 'HelmRepository', 'OCIRepository'];

export const flux = defineModule({
  name: 'flux',
  description: 'Flux controllers, notification Provider and error Alerts',
  namespace: { name: NS, podSecurity: 'restricted' },
  defaults: {
    chart: { repo: 'https://fluxcd-community.github.io/helm-charts', name: 'flux2', version: '2.17.0' },
    /** image-reflector and image-automation controllers (image update automation, seed 003). */
    imageAutomation: true,
  },
  render({ options: o, cluster, fleet, has }) {
    if (gitopsOf(fleet, cluster) !== 'flux') {
      throw new ModuleConfigError(`flux on cluster "${cluster.name}", whose gitops is ${gitopsOf(fleet, cluster)}: use argocd() there, or set gitops: 'flux'`);
    }
    // multi-tenancy lockdown: a tenant's objects cannot borrow another namespace's sources or pull
    // remote kustomize bases. Impersonation is the tenants' own (serviceAccountName, checked by
    // flux/tenant-isolation), not --default-service-account, which would also impersonate the
    // platform's Kustomizations
    const lockdown = (...extra: string[]) => (has('tenants') ? { container: { additionalArgs: ['--no-cross-namespace-refs=true', ...extra] } } : {});
    const resources = (memoryLimit: string) => ({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: memoryLimit } });
    const values = {
      installCRDs: true,
      // the chart's own policies allow all egress; synth's namespace baseline plus the allows below replace them
      policies: { create: false },
      watchAllNamespaces: true,
      sourceController: { resources: resources('1Gi') },
      kustomizeController: { resources: resources('1Gi'), ...lockdown('--no-remote-bases=true') },
      helmController: { resources: resources('1Gi'), ...lockdown() },
      notificationController: { resources: resources('256Mi'), ...lockdown() },
      imageReflectionController: { create: o.imageAutomation, resources: resources('512Mi') },
      imageAutomationController: { create: o.imageAutomation, resources: resources('512Mi') },
      sourceWatcher: { create: false },
    };
    const installsCrds = [
      ...SOURCE_KINDS.map((k) => `source.toolkit.fluxcd.io/${k}`),
      'source.toolkit.fluxcd.io/ExternalArtifact',
      'kustomize.toolkit.fluxcd.io/Kustomization',
      'helm.toolkit.fluxcd.io/HelmRelease',
      'notification.toolkit.fluxcd.io/Alert',
      'notification.toolkit.fluxcd.io/Provider',
      'notification.toolkit.fluxcd.io/Receiver',
      ...(o.imageAutomation
        ? ['ImagePolicy', 'ImageRepository', 'ImageUpdateAutomation'].map((k) => `image.toolkit.fluxcd.io/${k}`)
        : []),
    ];
    // Git over SSH needs port 22; registries, Helm repositories, HTTPS Git and chat webhooks 443
    const sshGit = /^(ssh:\/\/|[\w.-]+@)/.test(fleet.git.url);
    const egress: Port[] = sshGit ? [{ port: 22 }, { port: 443 }] : [{ port: 443 }];

    const units: Unit[] = [{
      name: 'flux',
      dir: 'app',
      bootstrap: 'apps',
      installsCrds,
      files: [
        { file: 'helmrepository.yaml', objects: [chartSource('fluxcd-community', NS, o.chart)] },
        {
          file: 'helmrelease.yaml',
          objects: [helmRelease({ name: 'flux', namespace: NS, chart: o.chart, values, sourceName: 'fluxcd-community' })],
        },
        { file: 'networkpolicy.yaml', objects: [allowEgress('allow-internet', NS, {}, [internet()], egress)] },
      ],
    }];

    const notifications = fleet.notifications;
    if (notifications) {
      // Flux objects live in flux-system (Kustomizations) and in every app namespace
      // (HelmReleases and their sources): watch them all, by namespace.
      const namespaces = [...new Set([NS, ...cluster.modules.map((m) => m.module.namespace.name)])].sort();
      const sources = (kinds: string[]) => namespaces.flatMap((namespace) => kinds.map((kind) => ({ kind, name: '*', namespace })));
      const alert = (name: string, summary: string, kinds: string[]): K8sObject => ({
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Alert',
        metadata: { name, namespace: NS },
        spec: {
          providerRef: { name: PROVIDER },
          eventSeverity: 'error',
          summary,
          eventMetadata: { cluster: cluster.name },
          eventSources: sources(kinds),
        },
      });
      const provider: K8sObject = {
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Provider',
        metadata: { name: PROVIDER, namespace: NS },
        spec: {
          type: notifications.type,
          ...(notifications.channel ? { channel: notifications.channel } : {}),
          // the webhook address is a credential: it lives in the Secret, key `address`
          secretRef: { name: PROVIDER },
        },
      };
      units.push({
        name: 'flux-notifications',
        dir: 'notifications',
        files: [
          {
            file: 'externalsecret.yaml',
            objects: [externalSecret(PROVIDER, NS, SECRET_STORE, { address: { item: notifications.webhookItem, property: 'address' } })],
          },
          { file: 'provider.yaml', objects: [provider] },
          {
            file: 'alerts.yaml',
            objects: [
              alert('reconciliation-errors', `Flux reconciliation failed on ${cluster.name}`, ['HelmRelease', 'Kustomization']),
              alert('source-errors', `Flux could not fetch a source on ${cluster.name}`, SOURCE_KINDS),
            ],
          },
        ],
      });
    }
    return units;
  },
});
