// The chart knowledge base: one entry per chart, sorted by name. Charts whose CRDs are
// unknown are not guessed: they carry `confidence: 'low'` and say what is missing.
// Kinds are written "group/Kind". Lists were established for the chart versions used in
// ../shared/corpus and in src/catalog (see `versions`); `source` says how.
import type { ChartKnowledge } from './types.js';

/** "group/Kind" for each kind of one group. */
const g = (group: string, ...kinds: string[]): string[] => kinds.map((k) => `${group}/${k}`);

const HOME_OPS = 'oci://ghcr.io/home-operations/charts';
const HOME_OPS_MIRROR = 'oci://ghcr.io/home-operations/charts-mirror';
const PROM_COMMUNITY = ['oci://ghcr.io/prometheus-community/charts', 'https://prometheus-community.github.io/helm-charts'];
const ITZG = 'https://itzg.github.io/minecraft-server-charts';
const VM = ['oci://ghcr.io/victoriametrics/helm-charts', 'https://victoriametrics.github.io/helm-charts'];

const PROMETHEUS_OPERATOR = g('monitoring.coreos.com', 'Alertmanager', 'AlertmanagerConfig', 'PodMonitor', 'Probe',
  'Prometheus', 'PrometheusAgent', 'PrometheusRule', 'ScrapeConfig', 'ServiceMonitor', 'ThanosRuler');

const CEPH = [...g('ceph.rook.io', 'CephBlockPool', 'CephBlockPoolRadosNamespace', 'CephBucketNotification',
  'CephBucketTopic', 'CephCOSIDriver', 'CephClient', 'CephCluster', 'CephFilesystem', 'CephFilesystemMirror',
  'CephFilesystemSubVolumeGroup', 'CephNFS', 'CephObjectRealm', 'CephObjectStore', 'CephObjectStoreUser',
  'CephObjectZone', 'CephObjectZoneGroup', 'CephRBDMirror'), ...g('objectbucket.io', 'ObjectBucket', 'ObjectBucketClaim')];

const ESO_CORE = g('external-secrets.io', 'ClusterExternalSecret', 'ClusterPushSecret', 'ClusterSecretStore',
  'ExternalSecret', 'PushSecret', 'SecretStore');
const ESO_GENERATORS = g('generators.external-secrets.io', 'ACRAccessToken', 'CloudsmithAccessToken', 'ClusterGenerator',
  'ECRAuthorizationToken', 'Fake', 'GCRAccessToken', 'GeneratorState', 'GithubAccessToken', 'Grafana', 'MFA', 'Password',
  'QuayAccessToken', 'SSHKey', 'STSSessionToken', 'UUID', 'VaultDynamicSecret', 'Webhook');

const FLUX_SOURCE = g('source.toolkit.fluxcd.io', 'Bucket', 'ExternalArtifact', 'GitRepository', 'HelmChart', 'HelmRepository', 'OCIRepository');
const FLUX_KUSTOMIZE = g('kustomize.toolkit.fluxcd.io', 'Kustomization');
const FLUX_HELM = g('helm.toolkit.fluxcd.io', 'HelmRelease');
const FLUX_NOTIFICATION = g('notification.toolkit.fluxcd.io', 'Alert', 'Provider', 'Receiver');
const FLUX_IMAGE_REFLECTOR = g('image.toolkit.fluxcd.io', 'ImagePolicy', 'ImageRepository');
const FLUX_IMAGE_AUTOMATION = g('image.toolkit.fluxcd.io', 'ImageUpdateAutomation');
const FLUX_SOURCE_WATCHER = g('source.extensions.fluxcd.io', 'ArtifactGenerator');

const GATEWAY_API_EXPERIMENTAL = [...g('gateway.networking.k8s.io', 'BackendTLSPolicy', 'GRPCRoute', 'Gateway',
  'GatewayClass', 'HTTPRoute', 'ReferenceGrant', 'TCPRoute', 'TLSRoute', 'UDPRoute'),
...g('gateway.networking.x-k8s.io', 'XBackendTrafficPolicy', 'XListenerSet')];

const CILIUM = g('cilium.io', 'CiliumBGPAdvertisement', 'CiliumBGPClusterConfig', 'CiliumBGPNodeConfig',
  'CiliumBGPNodeConfigOverride', 'CiliumBGPPeerConfig', 'CiliumCIDRGroup', 'CiliumClusterwideEnvoyConfig',
  'CiliumClusterwideNetworkPolicy', 'CiliumEgressGatewayPolicy', 'CiliumEndpoint', 'CiliumEndpointSlice',
  'CiliumEnvoyConfig', 'CiliumIdentity', 'CiliumL2AnnouncementPolicy', 'CiliumLoadBalancerIPPool',
  'CiliumLocalRedirectPolicy', 'CiliumNetworkPolicy', 'CiliumNode', 'CiliumNodeConfig', 'CiliumPodIPPool');

const NONE_APP = 'application chart: Deployment/Service/RBAC templates only, no crds/ folder and no CRD templates';

export const CHART_DATA: readonly ChartKnowledge[] = [
  {
    name: 'app-template', repos: ['oci://ghcr.io/bjw-s-labs/helm', 'oci://ghcr.io/bjw-s/helm', 'https://bjw-s-labs.github.io/helm-charts', 'https://bjw-s.github.io/helm-charts'],
    crds: [], mechanism: 'none', versions: '3.x-5.x', confidence: 'high',
    source: 'bjw-s common library chart: renders workloads, Services, Ingress/HTTPRoute, ServiceMonitor from values; never a CRD',
  },
  {
    name: 'backstage', repos: ['https://backstage.github.io/charts', 'oci://ghcr.io/backstage/charts'],
    crds: [], mechanism: 'none', versions: '2.x', confidence: 'medium', source: NONE_APP,
  },
  {
    name: 'ceph-csi-drivers', repos: ['https://ceph.github.io/ceph-csi-operator'],
    crds: [], mechanism: 'none', versions: '1.0.x', confidence: 'low',
    source: 'renders csi.ceph.io Driver resources; their CRDs come from the ceph-csi-operator chart (or rook-ceph). Chart contents not verified',
  },
  {
    name: 'cert-manager', repos: ['oci://quay.io/jetstack/charts', 'https://charts.jetstack.io'],
    crds: [...g('acme.cert-manager.io', 'Challenge', 'Order'), ...g('cert-manager.io', 'Certificate', 'CertificateRequest', 'ClusterIssuer', 'Issuer')],
    mechanism: 'templates', toggles: [{ paths: ['crds.enabled', 'installCRDs'], default: false }],
    versions: 'v1.15-v1.21', confidence: 'high',
    source: 'templates/crd-*.yaml rendered when `crds.enabled` or the deprecated `installCRDs` is true (both default false); matches the catalog module and schemas/crds',
  },
  {
    name: 'chaski', repos: [HOME_OPS], crds: [], mechanism: 'none', versions: '0.5.x', confidence: 'low',
    source: 'home-operations chart; contents not verified — no CRD of it is used in the corpus',
  },
  {
    name: 'cilium', repos: ['oci://quay.io/cilium/charts', 'https://helm.cilium.io'],
    crds: CILIUM, mechanism: 'operator', versions: '1.16-1.20', confidence: 'medium',
    source: 'the chart ships no CRDs: cilium-operator registers the cilium.io CRDs at start-up (some only with their feature on, e.g. CiliumEndpointSlice, BGP). List from the catalog module and schemas/crds/cilium.io minus kinds removed by 1.16+ (CiliumBGPPeeringPolicy, CiliumExternalWorkload)',
  },
  {
    name: 'cloudnative-pg', repos: ['https://cloudnative-pg.github.io/charts', 'oci://ghcr.io/cloudnative-pg/charts'],
    crds: g('postgresql.cnpg.io', 'Backup', 'Cluster', 'ClusterImageCatalog', 'Database', 'FailoverQuorum', 'ImageCatalog',
      'Pooler', 'Publication', 'ScheduledBackup', 'Subscription'),
    mechanism: 'templates', toggles: [{ paths: ['crds.create'], default: true }], versions: '0.26.x', confidence: 'high',
    source: 'templates/crds/crds.yaml behind `crds.create` (default true); kinds as the catalog module and schemas/crds/postgresql.cnpg.io',
  },
  {
    name: 'connect', repos: ['https://1password.github.io/connect-helm-charts', 'oci://ghcr.io/1password/connect'],
    crds: g('onepassword.com', 'OnePasswordItem'), mechanism: 'crds-dir', versions: '1.x-2.x', confidence: 'high',
    source: 'crds/onepassworditem-crd.yaml, installed even when the operator is disabled (as the catalog module notes)',
  },
  {
    name: 'coredns', repos: ['oci://ghcr.io/coredns/charts', 'https://coredns.github.io/helm'],
    crds: [], mechanism: 'none', versions: '1.4x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'crossplane', repos: ['oci://xpkg.upbound.io/upbound/crossplane', 'oci://xpkg.crossplane.io/crossplane/crossplane', 'https://charts.crossplane.io/stable'],
    crds: [...g('apiextensions.crossplane.io', 'CompositeResourceDefinition', 'Composition', 'CompositionRevision', 'EnvironmentConfig',
      'ManagedResourceActivationPolicy', 'ManagedResourceDefinition', 'Usage'),
    ...g('ops.crossplane.io', 'CronOperation', 'Operation', 'WatchOperation'),
    ...g('pkg.crossplane.io', 'Configuration', 'ConfigurationRevision', 'DeploymentRuntimeConfig', 'Function', 'FunctionRevision',
      'ImageConfig', 'Lock', 'Provider', 'ProviderRevision'),
    ...g('protection.crossplane.io', 'ClusterUsage', 'Usage')],
    mechanism: 'operator', versions: '2.x', confidence: 'medium',
    source: 'no CRDs in the chart: the crossplane init container (`core init`) applies its CRDs; Crossplane v2 API groups, pkg/apiextensions kinds checked against schemas/crds (ControllerConfig dropped in v2)',
  },
  {
    name: 'crowdsec', repos: ['https://crowdsecurity.github.io/helm-charts'],
    crds: [], mechanism: 'none', versions: '0.2x', confidence: 'medium', source: NONE_APP,
  },
  {
    name: 'democratic-csi', repos: ['https://democratic-csi.github.io/charts'],
    crds: [], mechanism: 'none', versions: '0.15.x', confidence: 'medium',
    source: 'CSI driver chart (CSIDriver, StorageClass, VolumeSnapshotClass templates); snapshot CRDs come from a snapshot-controller chart',
  },
  {
    name: 'descheduler', repos: ['https://kubernetes-sigs.github.io/descheduler', HOME_OPS_MIRROR],
    crds: [], mechanism: 'none', versions: '0.3x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'dex', repos: ['https://charts.dexidp.io'], crds: [], mechanism: 'none', versions: '0.2x', confidence: 'high',
    source: 'Deployment/Service/RBAC; dex creates its own storage CRDs (dex.coreos.com) at run time only with the kubernetes storage backend',
  },
  {
    name: 'drm-exporter', repos: [HOME_OPS], crds: [], mechanism: 'none', versions: '0.3.x', confidence: 'medium', source: NONE_APP,
  },
  {
    name: 'echo', repos: [HOME_OPS], crds: [], mechanism: 'none', versions: '0.2.x', confidence: 'medium',
    source: 'echo-server application chart; ' + NONE_APP,
  },
  {
    name: 'external-dns', repos: ['https://kubernetes-sigs.github.io/external-dns', HOME_OPS_MIRROR],
    crds: g('externaldns.k8s.io', 'DNSEndpoint'), mechanism: 'crds-dir', versions: '1.14-1.21', confidence: 'high',
    source: 'charts/external-dns/crds/dnsendpoints.externaldns.k8s.io.yaml (added in chart 1.14, external-dns#4322)',
  },
  {
    name: 'external-secrets', repos: ['oci://ghcr.io/external-secrets/charts', 'https://charts.external-secrets.io'],
    crds: [...ESO_CORE, ...ESO_GENERATORS], mechanism: 'templates',
    toggles: [
      { paths: ['installCRDs'], default: true },
      { paths: ['crds.createClusterExternalSecret'], default: true, crds: g('external-secrets.io', 'ClusterExternalSecret') },
      { paths: ['crds.createClusterSecretStore'], default: true, crds: g('external-secrets.io', 'ClusterSecretStore') },
      { paths: ['crds.createClusterGenerator'], default: true, crds: g('generators.external-secrets.io', 'ClusterGenerator') },
      { paths: ['crds.createPushSecret'], default: true, crds: g('external-secrets.io', 'PushSecret') },
      { paths: ['crds.createClusterPushSecret'], default: true, crds: g('external-secrets.io', 'ClusterPushSecret') },
    ],
    versions: '0.1x-2.x', confidence: 'medium',
    source: 'templates/crds/*.yaml (bundle) behind `installCRDs` (default true) and per-kind `crds.create*`; kinds from the catalog module and schemas/crds (generator kinds grow between releases)',
  },
  {
    name: 'falco', repos: ['https://falcosecurity.github.io/charts', 'oci://ghcr.io/falcosecurity/charts'],
    crds: [], mechanism: 'none', versions: '4.x-9.x', confidence: 'medium',
    source: 'DaemonSet + falcoctl; the optional k8s-metacollector/falcosidekick subcharts ship no CRDs',
  },
  {
    name: 'falco-exporter', repos: ['https://falcosecurity.github.io/charts', 'oci://ghcr.io/falcosecurity/charts'],
    crds: [], mechanism: 'none', versions: '0.12.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'flagger', repos: ['https://flagger.app', 'oci://ghcr.io/fluxcd/charts'],
    crds: g('flagger.app', 'AlertProvider', 'Canary', 'MetricTemplate'), mechanism: 'crds-dir', versions: '1.4x', confidence: 'medium',
    source: 'fluxcd/flagger charts/flagger/crds/crd.yaml (the same CRDs also behind `crd.create` in templates/crd.yaml, default off); kinds in schemas/crds/flagger.app',
  },
  {
    name: 'fluent-bit', repos: ['https://fluent.github.io/helm-charts', 'oci://ghcr.io/fluent/helm-charts'],
    crds: [], mechanism: 'none', versions: '0.5x', confidence: 'high', source: 'DaemonSet chart; the catalog module records no CRDs',
  },
  {
    name: 'flux-instance', repos: ['oci://ghcr.io/controlplaneio-fluxcd/charts'],
    crds: [...FLUX_SOURCE, ...FLUX_KUSTOMIZE, ...FLUX_HELM, ...FLUX_NOTIFICATION, ...FLUX_IMAGE_REFLECTOR, ...FLUX_IMAGE_AUTOMATION, ...FLUX_SOURCE_WATCHER],
    mechanism: 'operator',
    toggles: [
      { paths: ['instance.components'], includes: 'source-controller', default: true, crds: FLUX_SOURCE },
      { paths: ['instance.components'], includes: 'kustomize-controller', default: true, crds: FLUX_KUSTOMIZE },
      { paths: ['instance.components'], includes: 'helm-controller', default: true, crds: FLUX_HELM },
      { paths: ['instance.components'], includes: 'notification-controller', default: true, crds: FLUX_NOTIFICATION },
      { paths: ['instance.components'], includes: 'image-reflector-controller', default: false, crds: FLUX_IMAGE_REFLECTOR },
      { paths: ['instance.components'], includes: 'image-automation-controller', default: false, crds: FLUX_IMAGE_AUTOMATION },
      { paths: ['instance.components'], includes: 'source-watcher', default: false, crds: FLUX_SOURCE_WATCHER },
    ],
    versions: '0.2x-0.58', confidence: 'medium',
    source: 'the chart renders one FluxInstance; flux-operator then installs the toolkit CRDs of `instance.components` (default: source, kustomize, helm, notification controllers)',
  },
  {
    name: 'flux-operator', repos: ['oci://ghcr.io/controlplaneio-fluxcd/charts'],
    crds: g('fluxcd.controlplane.io', 'FluxInstance', 'FluxReport', 'ResourceSet', 'ResourceSetInputProvider'),
    mechanism: 'templates', toggles: [{ paths: ['installCRDs'], default: true }], versions: '0.2x-0.58', confidence: 'medium',
    source: 'controlplaneio-fluxcd/charts charts/flux-operator/templates/crds.yaml behind `installCRDs`; kinds from the operator API docs (ResourceSet/ResourceSetInputProvider used in the corpus)',
  },
  {
    name: 'flux2', repos: ['https://fluxcd-community.github.io/helm-charts', 'oci://ghcr.io/fluxcd-community/charts'],
    crds: [...FLUX_SOURCE, ...FLUX_KUSTOMIZE, ...FLUX_HELM, ...FLUX_NOTIFICATION, ...FLUX_IMAGE_REFLECTOR, ...FLUX_IMAGE_AUTOMATION, ...FLUX_SOURCE_WATCHER],
    mechanism: 'templates',
    toggles: [
      { paths: ['installCRDs'], default: true },
      { paths: ['sourceController.create'], default: true, crds: FLUX_SOURCE },
      { paths: ['kustomizeController.create'], default: true, crds: FLUX_KUSTOMIZE },
      { paths: ['helmController.create'], default: true, crds: FLUX_HELM },
      { paths: ['notificationController.create'], default: true, crds: FLUX_NOTIFICATION },
      { paths: ['imageReflectionController.create'], default: true, crds: FLUX_IMAGE_REFLECTOR },
      { paths: ['imageAutomationController.create'], default: true, crds: FLUX_IMAGE_AUTOMATION },
      { paths: ['sourceWatcher.create'], default: true, crds: FLUX_SOURCE_WATCHER },
    ],
    versions: '2.16-2.17', confidence: 'medium',
    source: 'fluxcd-community chart: each controller\'s CRD templates render with that controller (`<controller>.create`) and `installCRDs`; kinds as the catalog flux module',
  },
  {
    name: 'gatekeeper', repos: ['https://open-policy-agent.github.io/gatekeeper/charts'],
    crds: [...g('config.gatekeeper.sh', 'Config'), ...g('expansion.gatekeeper.sh', 'ExpansionTemplate'), ...g('externaldata.gatekeeper.sh', 'Provider'),
      ...g('mutations.gatekeeper.sh', 'Assign', 'AssignImage', 'AssignMetadata', 'ModifySet'),
      ...g('status.gatekeeper.sh', 'ConfigPodStatus', 'ConstraintPodStatus', 'ConstraintTemplatePodStatus', 'ExpansionTemplatePodStatus', 'MutatorPodStatus', 'ProviderPodStatus'),
      ...g('syncset.gatekeeper.sh', 'SyncSet'), ...g('templates.gatekeeper.sh', 'ConstraintTemplate')],
    mechanism: 'hook', toggles: [{ paths: ['upgradeCRDs.enabled'], default: true }], versions: '3.1x-3.23', confidence: 'medium',
    source: 'gatekeeper-update-crds-hook Job applies the CRDs (pre-install/pre-upgrade) when `upgradeCRDs.enabled`; constraints.gatekeeper.sh kinds are generated per ConstraintTemplate and cannot be listed',
  },
  {
    name: 'gateway-crds-helm', repos: ['oci://docker.io/envoyproxy'],
    crds: [...GATEWAY_API_EXPERIMENTAL, ...g('gateway.envoyproxy.io', 'Backend', 'BackendTrafficPolicy', 'ClientTrafficPolicy',
      'EnvoyExtensionPolicy', 'EnvoyPatchPolicy', 'EnvoyProxy', 'HTTPRouteFilter', 'SecurityPolicy')],
    mechanism: 'templates',
    toggles: [
      { paths: ['crds.gatewayAPI.enabled'], default: false, crds: GATEWAY_API_EXPERIMENTAL },
      { paths: ['crds.envoyGateway.enabled'], default: false, crds: g('gateway.envoyproxy.io', 'Backend', 'BackendTrafficPolicy', 'ClientTrafficPolicy',
        'EnvoyExtensionPolicy', 'EnvoyPatchPolicy', 'EnvoyProxy', 'HTTPRouteFilter', 'SecurityPolicy') },
    ],
    versions: 'v1.4-v1.5', confidence: 'medium',
    source: 'Envoy Gateway\'s CRD-only chart: templates behind `crds.gatewayAPI.enabled` and `crds.envoyGateway.enabled` (both default false, per its published values reference); the same kinds as gateway-helm\'s crds/ folder',
  },
  {
    name: 'gateway-helm', repos: ['oci://docker.io/envoyproxy'],
    crds: [...GATEWAY_API_EXPERIMENTAL, ...g('gateway.envoyproxy.io', 'Backend', 'BackendTrafficPolicy', 'ClientTrafficPolicy',
      'EnvoyExtensionPolicy', 'EnvoyPatchPolicy', 'EnvoyProxy', 'HTTPRouteFilter', 'SecurityPolicy')],
    mechanism: 'crds-dir', versions: 'v1.4-v1.9', confidence: 'medium',
    source: 'envoyproxy/gateway charts/gateway-helm/crds/: gatewayapi-crds.yaml (Gateway API experimental channel) + generated/gateway.envoyproxy.io_*.yaml; exact Gateway API experimental kinds depend on the bundled Gateway API release',
  },
  {
    name: 'gatus-sidecar', repos: [HOME_OPS], crds: [], mechanism: 'none', versions: '0.5.x', confidence: 'low',
    source: 'home-operations chart (controller writing Gatus config from routes); contents not verified',
  },
  {
    name: 'gha-runner-scale-set', repos: ['oci://ghcr.io/actions/actions-runner-controller-charts'],
    crds: [], mechanism: 'none', versions: '0.1x', confidence: 'high',
    source: 'renders an AutoscalingRunnerSet (uses the controller chart\'s CRDs); installs none',
  },
  {
    name: 'gha-runner-scale-set-controller', repos: ['oci://ghcr.io/actions/actions-runner-controller-charts'],
    crds: g('actions.github.com', 'AutoscalingListener', 'AutoscalingRunnerSet', 'EphemeralRunner', 'EphemeralRunnerSet'),
    mechanism: 'crds-dir', versions: '0.1x', confidence: 'high',
    source: 'crds/ folder of the controller chart; same list as the catalog module and schemas/crds/actions.github.com',
  },
  {
    name: 'grafana', repos: ['oci://ghcr.io/grafana/helm-charts', 'https://grafana.github.io/helm-charts', 'oci://ghcr.io/grafana-community/helm-charts', 'https://grafana-community.github.io/helm-charts'],
    crds: [], mechanism: 'none', versions: '8.x-10.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'grafana-operator', repos: ['oci://ghcr.io/grafana/helm-charts', 'oci://ghcr.io/grafana-operator/helm-charts', 'https://grafana.github.io/helm-charts'],
    crds: g('grafana.integreatly.org', 'Grafana', 'GrafanaAlertRuleGroup', 'GrafanaContactPoint', 'GrafanaDashboard', 'GrafanaDatasource',
      'GrafanaFolder', 'GrafanaLibraryPanel', 'GrafanaManifest', 'GrafanaMuteTiming', 'GrafanaNotificationPolicy',
      'GrafanaNotificationPolicyRoute', 'GrafanaNotificationTemplate', 'GrafanaServiceAccount'),
    mechanism: 'templates', toggles: [{ paths: ['crds.immutable'], invert: true, default: true }], versions: 'v5.2x', confidence: 'medium',
    source: 'grafana-operator deploy/helm/grafana-operator/templates/crds.yaml renders files/crds/*.yaml unless `crds.immutable`; kinds from those file names (GrafanaSilence/GrafanaManifestTemplate only in newer releases, left out)',
  },
  {
    name: 'harbor', repos: ['https://helm.goharbor.io'], crds: [], mechanism: 'none', versions: '1.1x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'headlamp', repos: ['https://kubernetes-sigs.github.io/headlamp'], crds: [], mechanism: 'none', versions: '0.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'ingress-nginx', repos: ['https://kubernetes.github.io/ingress-nginx'], crds: [], mechanism: 'none', versions: '4.x', confidence: 'high',
    source: 'controller, admission webhook, IngressClass; no CRDs',
  },
  {
    name: 'intel-gpu-resource-driver-chart', repos: ['oci://ghcr.io/intel/intel-resource-drivers-for-kubernetes'],
    crds: [], mechanism: 'none', versions: '0.11.x', confidence: 'low',
    source: 'DRA driver: DeviceClass objects use the built-in resource.k8s.io API; chart contents not verified',
  },
  {
    name: 'k8s-gateway', repos: ['oci://ghcr.io/k8s-gateway/charts', 'https://ori-edge.github.io/k8s_gateway'],
    crds: [], mechanism: 'none', versions: '2.x-3.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'kagent', repos: ['oci://ghcr.io/kagent-dev/kagent/helm'], crds: [], mechanism: 'none', versions: '0.9.x', confidence: 'medium',
    source: 'the CRDs ship in the separate kagent-crds chart',
  },
  {
    name: 'kagent-crds', repos: ['oci://ghcr.io/kagent-dev/kagent/helm'],
    crds: g('kagent.dev', 'Agent', 'Memory', 'ModelConfig', 'RemoteMCPServer', 'ToolServer'),
    mechanism: 'templates', versions: '0.9.x', confidence: 'low',
    source: 'CRD-only chart; kinds from kagent docs, list may be incomplete for 0.9 (ModelProviderConfig and others may be missing)',
  },
  {
    name: 'keda', repos: ['https://kedacore.github.io/charts', HOME_OPS_MIRROR],
    crds: [...g('eventing.keda.sh', 'CloudEventSource', 'ClusterCloudEventSource'),
      ...g('keda.sh', 'ClusterTriggerAuthentication', 'ScaledJob', 'ScaledObject', 'TriggerAuthentication')],
    mechanism: 'templates', toggles: [{ paths: ['crds.install'], default: true }], versions: '2.1x', confidence: 'medium',
    source: 'kedacore/charts keda/templates/crds behind `crds.install` (default true); eventing.keda.sh since 2.15',
  },
  {
    name: 'keycloakx', repos: ['https://codecentric.github.io/helm-charts'], crds: [], mechanism: 'none', versions: '7.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'kgateway', repos: ['oci://cr.kgateway.dev/kgateway-dev/charts', 'oci://ghcr.io/kgateway-dev/charts'], crds: [], mechanism: 'none', versions: '2.x', confidence: 'medium',
    source: 'the CRDs ship in the separate kgateway-crds chart (Gateway API CRDs must be installed separately)',
  },
  {
    name: 'kgateway-crds', repos: ['oci://cr.kgateway.dev/kgateway-dev/charts', 'oci://ghcr.io/kgateway-dev/charts'],
    crds: g('gateway.kgateway.dev', 'Backend', 'BackendConfigPolicy', 'DirectResponse', 'GatewayExtension', 'GatewayParameters', 'HTTPListenerPolicy', 'TrafficPolicy'),
    mechanism: 'templates', versions: '2.x', confidence: 'low',
    source: 'CRD-only chart; kinds from kgateway 2.0 docs, 2.3 may add or rename some (ListenerPolicy, agentgateway kinds)',
  },
  {
    name: 'kguardian', repos: ['oci://ghcr.io/kguardian-dev/charts'], crds: g('kguardian.dev', 'AuditClusterNetworkPolicy'),
    mechanism: 'templates', versions: '1.17.x', confidence: 'low',
    source: 'only the kind the corpus uses (xunholy) is known; whether the chart or another component installs it and what else it brings is unverified',
  },
  {
    name: 'kmcp', repos: ['oci://ghcr.io/kagent-dev/kmcp/helm'], crds: [], mechanism: 'none', versions: '0.3.x', confidence: 'medium',
    source: 'the CRD ships in the separate kmcp-crds chart',
  },
  {
    name: 'kmcp-crds', repos: ['oci://ghcr.io/kagent-dev/kmcp/helm'], crds: g('kagent.dev', 'MCPServer'), mechanism: 'templates',
    versions: '0.3.x', confidence: 'low', source: 'CRD-only chart for kmcp\'s MCPServer; not verified against the chart',
  },
  {
    name: 'konflate', repos: [HOME_OPS], crds: [], mechanism: 'none', versions: '0.6.x', confidence: 'low',
    source: 'home-operations chart; contents not verified — no CRD of it is used in the corpus',
  },
  {
    name: 'kopiur', repos: [HOME_OPS],
    crds: g('kopiur.home-operations.com', 'ClusterRepository', 'Restore', 'SnapshotPolicy', 'SnapshotSchedule'),
    mechanism: 'crds-dir', versions: '0.10.x', confidence: 'low',
    source: 'kinds seen in onedr0p__home-ops (which bootstraps them from this chart with helmfile --include-crds); other kinds of the group are likely missing',
  },
  {
    name: 'kromgo', repos: [HOME_OPS], crds: [], mechanism: 'none', versions: '0.x', confidence: 'medium', source: NONE_APP,
  },
  {
    name: 'kube-prometheus-stack', repos: PROM_COMMUNITY,
    crds: PROMETHEUS_OPERATOR, mechanism: 'crds-dir', toggles: [{ paths: ['crds.enabled'], default: true }],
    versions: '6x-88', confidence: 'high',
    source: 'subchart charts/crds (condition `crds.enabled`, default true) with the prometheus-operator CRDs in its crds/ folder; schemas/crds/monitoring.coreos.com',
  },
  {
    name: 'kube-state-metrics', repos: PROM_COMMUNITY, crds: [], mechanism: 'none', versions: '5.x-6.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'kubelet-csr-approver', repos: ['oci://ghcr.io/postfinance/charts', 'https://postfinance.github.io/kubelet-csr-approver'],
    crds: [], mechanism: 'none', versions: '1.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'kustomize-mutating-webhook', repos: ['https://xunholy.github.io/fluxcd-kustomize-mutating-webhook'],
    crds: [], mechanism: 'none', versions: '0.12.x', confidence: 'medium',
    source: 'webhook Deployment + MutatingWebhookConfiguration; no CRDs',
  },
  {
    name: 'kyverno', repos: ['oci://ghcr.io/kyverno/charts', 'oci://ghcr.io/kyverno', 'https://kyverno.github.io/kyverno'],
    crds: [...g('kyverno.io', 'CleanupPolicy', 'ClusterCleanupPolicy', 'ClusterPolicy', 'GlobalContextEntry', 'Policy', 'PolicyException', 'UpdateRequest'),
      ...g('policies.kyverno.io', 'DeletingPolicy', 'GeneratingPolicy', 'ImageValidatingPolicy', 'MutatingPolicy', 'PolicyException', 'ValidatingPolicy'),
      ...g('reports.kyverno.io', 'ClusterEphemeralReport', 'EphemeralReport'),
      ...g('wgpolicyk8s.io', 'ClusterPolicyReport', 'PolicyReport')],
    mechanism: 'templates', toggles: [{ paths: ['crds.install'], default: true }], versions: '3.4-3.6', confidence: 'medium',
    source: 'charts/crds subchart templates behind `crds.install`; kyverno.io kinds checked against schemas/crds, policies.kyverno.io from Kyverno 1.14+ docs (namespaced policy variants of 1.16 not listed)',
  },
  {
    name: 'localpv-provisioner', repos: ['https://openebs.github.io/dynamic-localpv-provisioner'], crds: [], mechanism: 'none',
    versions: '4.x', confidence: 'medium', source: 'hostpath provisioner; the catalog module records no CRDs',
  },
  {
    name: 'loki', repos: ['https://grafana.github.io/helm-charts', 'oci://ghcr.io/grafana/helm-charts', HOME_OPS_MIRROR],
    crds: [], mechanism: 'none', versions: '6.x', confidence: 'high',
    source: 'renders ServiceMonitor/PrometheusRule/GrafanaAgent objects when enabled (uses CRDs), installs none',
  },
  {
    name: 'mc-router', repos: [ITZG], crds: [], mechanism: 'none', versions: '1.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'metallb', repos: ['https://charts.bitnami.com/bitnami', 'oci://registry-1.docker.io/bitnamicharts'],
    crds: g('metallb.io', 'AddressPool', 'BFDProfile', 'BGPAdvertisement', 'BGPPeer', 'Community', 'IPAddressPool', 'L2Advertisement'),
    mechanism: 'crds-dir', versions: '4.x (MetalLB 0.13)', confidence: 'low',
    source: 'MetalLB 0.13 CRD set; that the Bitnami chart ships them in crds/ is recalled, not verified (the upstream metallb chart uses a crds subchart)',
  },
  {
    name: 'metrics-server', repos: ['https://kubernetes-sigs.github.io/metrics-server', HOME_OPS_MIRROR], crds: [], mechanism: 'none',
    versions: '3.x', confidence: 'high', source: 'Deployment + APIService (aggregated API, not a CRD)',
  },
  {
    name: 'minecraft', repos: [ITZG], crds: [], mechanism: 'none', versions: '4.x-5.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'minecraft-bedrock', repos: [ITZG], crds: [], mechanism: 'none', versions: '2.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'minecraft-proxy', repos: [ITZG], crds: [], mechanism: 'none', versions: '3.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'miroir', repos: [HOME_OPS], crds: g('miroir.home-operations.com', 'MiroirNodeGroup'), mechanism: 'crds-dir',
    versions: '0.11.x', confidence: 'low', source: 'the kind seen in onedr0p__home-ops; other kinds of the group may be missing',
  },
  {
    name: 'multus', repos: [HOME_OPS], crds: g('k8s.cni.cncf.io', 'NetworkAttachmentDefinition'), mechanism: 'crds-dir',
    versions: '0.1.x', confidence: 'medium', source: 'multus ships the NetworkAttachmentDefinition CRD (used in onedr0p__home-ops); folder vs template not verified',
  },
  {
    name: 'n8n', repos: ['https://community-charts.github.io/helm-charts'], crds: [], mechanism: 'none', versions: '1.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'oauth2-proxy', repos: ['oci://ghcr.io/oauth2-proxy/charts', 'https://oauth2-proxy.github.io/manifests'], crds: [], mechanism: 'none',
    versions: '7.x-10.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'ocharted', repos: [HOME_OPS], crds: [], mechanism: 'none', versions: '0.1.x', confidence: 'low',
    source: 'home-operations Helm-repository-to-OCI proxy (an application); contents not verified',
  },
  {
    name: 'ollama', repos: ['https://helm.otwld.com', 'https://otwld.github.io/ollama-helm'], crds: [], mechanism: 'none', versions: '1.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'open-feature-operator', repos: ['https://open-feature.github.io/open-feature-operator'],
    crds: g('core.openfeature.dev', 'FeatureFlag', 'FeatureFlagSource', 'Flagd', 'InProcessConfiguration'),
    mechanism: 'templates', versions: 'v0.8-v0.9', confidence: 'low',
    source: 'kinds from the operator\'s API docs (core.openfeature.dev v1beta1); packaging in the chart not verified',
  },
  {
    name: 'open-webui', repos: ['https://helm.openwebui.com', 'https://open-webui.github.io/helm-charts'], crds: [], mechanism: 'none', versions: '5.x-16.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'opencost', repos: ['https://opencost.github.io/opencost-helm-chart'], crds: [], mechanism: 'none', versions: '2.x', confidence: 'medium', source: NONE_APP,
  },
  {
    name: 'opentelemetry-operator', repos: ['https://open-telemetry.github.io/opentelemetry-helm-charts', 'oci://ghcr.io/open-telemetry/opentelemetry-helm-charts'],
    crds: g('opentelemetry.io', 'Instrumentation', 'OpAMPBridge', 'OpenTelemetryCollector'),
    mechanism: 'templates', toggles: [{ paths: ['crds.create'], default: true }], versions: '0.1xx', confidence: 'medium',
    source: 'templates/crds behind `crds.create`; TargetAllocator (v1alpha1) exists in recent operator releases and may be missing',
  },
  {
    name: 'podinfo', repos: ['oci://ghcr.io/stefanprodan/charts', 'https://stefanprodan.github.io/podinfo'], crds: [], mechanism: 'none',
    versions: '6.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'postgresql', repos: ['oci://registry-1.docker.io/bitnamicharts', 'https://charts.bitnami.com/bitnami'], crds: [], mechanism: 'none',
    versions: '12.x-16.x', confidence: 'high', source: 'Bitnami StatefulSet chart; no CRDs',
  },
  {
    name: 'prometheus-adapter', repos: PROM_COMMUNITY, crds: [], mechanism: 'none', versions: '4.x-5.x', confidence: 'high',
    source: 'Deployment + APIService (custom/external metrics, aggregated APIs), no CRDs',
  },
  {
    name: 'prometheus-blackbox-exporter', repos: PROM_COMMUNITY, crds: [], mechanism: 'none', versions: '9.x-11.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'prometheus-node-exporter', repos: PROM_COMMUNITY, crds: [], mechanism: 'none', versions: '4.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'prometheus-operator-crds', repos: PROM_COMMUNITY, crds: PROMETHEUS_OPERATOR, mechanism: 'templates', versions: '2x', confidence: 'high',
    source: 'CRD-only chart (templates); the catalog module and schemas/crds/monitoring.coreos.com',
  },
  {
    name: 'prometheus-smartctl-exporter', repos: PROM_COMMUNITY, crds: [], mechanism: 'none', versions: '0.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'prometheus-snmp-exporter', repos: PROM_COMMUNITY, crds: [], mechanism: 'none', versions: '9.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'rcon-web-admin', repos: [ITZG], crds: [], mechanism: 'none', versions: '1.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'reflector', repos: ['oci://ghcr.io/emberstack/helm-charts', 'https://emberstack.github.io/helm-charts'], crds: [], mechanism: 'none',
    versions: '7.x-10.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'reloader', repos: ['oci://ghcr.io/stakater/charts', 'https://stakater.github.io/stakater-charts'], crds: [], mechanism: 'none',
    versions: '1.x-2.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'renovate', repos: ['oci://ghcr.io/renovatebot/charts', 'https://docs.renovatebot.com/helm-charts'], crds: [], mechanism: 'none',
    versions: '3x-4x', confidence: 'high', source: 'CronJob chart; no CRDs',
  },
  {
    name: 'rook-ceph', repos: ['oci://ghcr.io/rook', 'https://charts.rook.io/release'], crds: CEPH, mechanism: 'templates',
    toggles: [{ paths: ['crds.enabled'], default: true }], versions: 'v1.17-v1.20', confidence: 'high',
    source: 'templates/resources.yaml (all Rook CRDs) behind `crds.enabled` (default true); the catalog module and schemas/crds/ceph.rook.io + objectbucket.io',
  },
  {
    name: 'rook-ceph-cluster', repos: ['oci://ghcr.io/rook', 'https://charts.rook.io/release'], crds: [], mechanism: 'none', versions: 'v1.17-v1.20', confidence: 'high',
    source: 'renders CephCluster, pools, filesystems and StorageClasses (uses the rook-ceph chart\'s CRDs)',
  },
  {
    name: 'silence-operator', repos: ['oci://gsoci.azurecr.io/charts/giantswarm', 'https://giantswarm.github.io/control-plane-catalog'],
    crds: g('observability.giantswarm.io', 'Silence'), mechanism: 'templates', versions: '0.1x-0.20', confidence: 'low',
    source: 'Silence (observability.giantswarm.io/v1alpha2) is what the corpus uses; whether 0.20 still also ships monitoring.giantswarm.io/Silence and under which value is unverified',
  },
  {
    name: 'snapshot-controller', repos: ['https://piraeus.io/helm-charts', 'oci://ghcr.io/piraeusdatastore/helm-charts'],
    crds: [...g('groupsnapshot.storage.k8s.io', 'VolumeGroupSnapshot', 'VolumeGroupSnapshotClass', 'VolumeGroupSnapshotContent'),
      ...g('snapshot.storage.k8s.io', 'VolumeSnapshot', 'VolumeSnapshotClass', 'VolumeSnapshotContent')],
    mechanism: 'templates', versions: '3.x-5.x', confidence: 'medium',
    source: 'Piraeus chart bundles the external-snapshotter CRDs (v8 adds groupsnapshot.storage.k8s.io); catalog module lists the snapshot.storage.k8s.io kinds; install toggle not verified',
  },
  {
    name: 'snapshot-controller', repos: [HOME_OPS],
    crds: [...g('groupsnapshot.storage.k8s.io', 'VolumeGroupSnapshot', 'VolumeGroupSnapshotClass', 'VolumeGroupSnapshotContent'),
      ...g('snapshot.storage.k8s.io', 'VolumeSnapshot', 'VolumeSnapshotClass', 'VolumeSnapshotContent')],
    mechanism: 'crds-dir', versions: '0.1.x', confidence: 'low',
    source: 'home-operations repackaging (not the Piraeus chart): onedr0p__home-ops bootstraps CRDs from it (helmfile --include-crds) and uses VolumeGroupSnapshotClass; kinds assumed to be external-snapshotter v8\'s, not verified',
  },
  {
    name: 'spegel', repos: ['oci://ghcr.io/spegel-org/helm-charts'], crds: [], mechanism: 'none', versions: '0.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'tailscale-operator', repos: ['https://pkgs.tailscale.com/helmcharts', 'https://pkgs.tailscale.com/unstable/helmcharts'],
    crds: g('tailscale.com', 'Connector', 'DNSConfig', 'ProxyClass', 'Recorder'),
    mechanism: 'templates', toggles: [{ paths: ['installCRDs'], default: true }], versions: '1.68', confidence: 'medium',
    source: 'CRD templates behind `installCRDs`; kinds of 1.68 (ProxyGroup, Tailnet and others in schemas/crds/tailscale.com came later)',
  },
  {
    name: 'tetragon', repos: ['https://helm.cilium.io', 'oci://ghcr.io/cilium/charts'],
    crds: g('cilium.io', 'PodInfo', 'TracingPolicy', 'TracingPolicyNamespaced'), mechanism: 'operator', versions: '1.x', confidence: 'medium',
    source: 'tetragon-operator registers its CRDs at start-up (chart value `crds.installMethod: operator`); these kinds are not in schemas/crds/cilium.io',
  },
  {
    name: 'trivy-operator', repos: ['https://aquasecurity.github.io/helm-charts'],
    crds: g('aquasecurity.github.io', 'ClusterComplianceReport', 'ClusterConfigAuditReport', 'ClusterInfraAssessmentReport',
      'ClusterRbacAssessmentReport', 'ClusterSbomReport', 'ClusterVulnerabilityReport', 'ConfigAuditReport', 'ExposedSecretReport',
      'InfraAssessmentReport', 'RbacAssessmentReport', 'SbomReport', 'VulnerabilityReport'),
    mechanism: 'crds-dir', versions: '0.2x-0.30', confidence: 'medium',
    source: 'aquasecurity/trivy-operator deploy/helm/crds/aquasecurity.github.io_*.yaml; not in schemas/crds',
  },
  {
    name: 'tuppr', repos: [HOME_OPS], crds: g('tuppr.home-operations.com', 'KubernetesUpgrade', 'TalosUpgrade'), mechanism: 'crds-dir',
    versions: '0.5.x', confidence: 'medium', source: 'the two upgrade kinds the corpus uses (onedr0p__home-ops); packaging not verified',
  },
  {
    name: 'vcluster-k8s', repos: ['https://charts.loft.sh'], crds: [], mechanism: 'none', versions: '0.1x', confidence: 'high',
    source: 'virtual cluster StatefulSet; its CRDs live inside the virtual cluster, none on the host',
  },
  {
    name: 'velero', repos: ['https://vmware-tanzu.github.io/helm-charts'],
    crds: g('velero.io', 'Backup', 'BackupRepository', 'BackupStorageLocation', 'DataDownload', 'DataUpload', 'DeleteBackupRequest',
      'DownloadRequest', 'PodVolumeBackup', 'PodVolumeRestore', 'Restore', 'Schedule', 'ServerStatusRequest', 'VolumeSnapshotLocation'),
    mechanism: 'hook', toggles: [{ paths: ['upgradeCRDs'], default: true }], versions: '8.x-11.x', confidence: 'medium',
    source: 'upgrade-crds hook Job (`velero install --crds-only`) behind `upgradeCRDs`; kinds as the catalog module and schemas/crds/velero.io',
  },
  {
    name: 'victoria-logs-collector', repos: VM, crds: [], mechanism: 'none', versions: '0.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'victoria-logs-single', repos: VM, crds: [], mechanism: 'none', versions: '0.x', confidence: 'high', source: NONE_APP,
  },
  {
    name: 'victoria-metrics-operator', repos: VM,
    crds: g('operator.victoriametrics.com', 'VLAgent', 'VLCluster', 'VLSingle', 'VLogs', 'VMAgent', 'VMAlert', 'VMAlertmanager',
      'VMAlertmanagerConfig', 'VMAnomaly', 'VMAuth', 'VMCluster', 'VMNodeScrape', 'VMPodScrape', 'VMProbe', 'VMRule', 'VMScrapeConfig',
      'VMServiceScrape', 'VMSingle', 'VMStaticScrape', 'VMUser', 'VTCluster', 'VTSingle'),
    mechanism: 'crds-dir', toggles: [{ paths: ['crds.enabled'], default: true }], versions: '0.5x', confidence: 'high',
    source: 'crds subchart (condition `crds.enabled`; `crds.plain` puts them in crds/ instead of templates); catalog module and schemas/crds/operator.victoriametrics.com',
  },
  {
    name: 'volsync', repos: ['https://backube.github.io/helm-charts'], crds: g('volsync.backube', 'ReplicationDestination', 'ReplicationSource'),
    mechanism: 'templates', versions: '0.1x', confidence: 'medium',
    source: 'catalog module and schemas/crds/volsync.backube; packaging (crds/ vs templates) not verified',
  },
  {
    name: 'volsync-perfectra1n', repos: [HOME_OPS_MIRROR],
    crds: g('volsync.backube', 'KopiaMaintenance', 'ReplicationDestination', 'ReplicationSource'), mechanism: 'templates', versions: '0.18.x', confidence: 'medium',
    source: 'perfectra1n fork of VolSync (Kopia mover) adds KopiaMaintenance, which xunholy__k8s-gitops uses; not in schemas/crds',
  },
  {
    name: 'vpa', repos: ['https://charts.fairwinds.com/stable'], crds: g('autoscaling.k8s.io', 'VerticalPodAutoscaler', 'VerticalPodAutoscalerCheckpoint'),
    mechanism: 'crds-dir', versions: '4.x', confidence: 'medium', source: 'Fairwinds vpa chart ships the two VPA CRDs in crds/',
  },
  {
    name: 'weave-gitops', repos: ['oci://ghcr.io/weaveworks/charts', 'https://helm.gitops.weave.works'], crds: [], mechanism: 'none', versions: '4.x', confidence: 'medium', source: NONE_APP,
  },
];
