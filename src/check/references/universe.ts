// Everything one cluster will have, for resolving references: the objects its Kustomizations
// apply (rendered charts included), what the repository's bootstrap installs before Flux,
// `.slipway.yaml` assume: entries, what Kubernetes makes by itself, and what known producers
// make at run time (the Secret of an ExternalSecret or a Certificate, the PVCs of a
// StatefulSet, the Services and Secrets of a CloudNativePG cluster …).
//
// It also knows where it cannot be sure: a chart that was not rendered, a Kustomization that
// could not be built, an operator resource of a kind nothing is known about may make objects
// nobody can see offline. References into such blind spots are only judged when they are a
// near miss of an existing name (a typo), never on absence alone.
import { providedBy, type Fact } from '../../k8s/facts.js';
import { groupOf, type K8sObject } from '../../k8s/object.js';
import type { FluxCluster, FluxRepository } from '../../repo/flux/index.js';
import { NAMESPACED_TARGETS, type TargetKind } from './extract.js';

/** Namespaces every cluster has. */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
/** Objects Kubernetes creates in every namespace. */
const PER_NAMESPACE: Array<[TargetKind, string]> = [['ServiceAccount', 'default'], ['ConfigMap', 'kube-root-ca.crt']];
const BUILT_IN: Array<[TargetKind, string | undefined, string]> = [
  ['PriorityClass', undefined, 'system-cluster-critical'],
  ['PriorityClass', undefined, 'system-node-critical'],
  ['Service', 'default', 'kubernetes'],
];

/** How bootstrap facts (src/k8s/facts.ts keys) name target kinds. */
const FACT_KINDS: Record<string, TargetKind | 'Namespace'> = {
  namespace: 'Namespace', secret: 'Secret', configmap: 'ConfigMap', service: 'Service', storageclass: 'StorageClass',
  volumesnapshotclass: 'VolumeSnapshotClass', clusterissuer: 'ClusterIssuer', issuer: 'Issuer',
  clustersecretstore: 'ClusterSecretStore', secretstore: 'SecretStore', gatewayclass: 'GatewayClass', gateway: 'Gateway',
};

/**
 * Operator kinds known not to create Secrets, Services, ConfigMaps, ServiceAccounts or PVCs
 * in their namespace: their presence leaves no blind spot. Any other custom resource might.
 */
const INERT_KINDS = new Set([
  'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute', 'ReferenceGrant', 'BackendTLSPolicy',
  'ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'Probe', 'ScrapeConfig', 'AlertmanagerConfig', 'Silence',
  'VMServiceScrape', 'VMPodScrape', 'VMRule', 'VMProbe', 'VMScrapeConfig',
  'CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy', 'NetworkPolicy', 'CiliumLoadBalancerIPPool', 'CiliumL2AnnouncementPolicy',
  'Kustomization', 'HelmRelease', 'GitRepository', 'OCIRepository', 'HelmRepository', 'HelmChart', 'Bucket',
  'GrafanaDashboard', 'GrafanaFolder', 'GrafanaDatasource', 'ScaledObject', 'ScaledJob', 'VerticalPodAutoscaler',
  'Issuer', 'ClusterIssuer', 'SecretStore', 'ClusterSecretStore', 'Receiver', 'Alert', 'Provider',
  // VolSync copies data between existing claims and snapshots; external-dns publishes records
  'ReplicationSource', 'VolumeSnapshot', 'DNSEndpoint',
  // Envoy Gateway and Traefik policies attach to routes and Gateways
  'SecurityPolicy', 'BackendTrafficPolicy', 'ClientTrafficPolicy', 'EnvoyPatchPolicy', 'EnvoyExtensionPolicy', 'HTTPRouteFilter', 'Backend',
  'Middleware', 'IngressRoute', 'IngressRouteTCP', 'ServersTransport',
]);

/** Operator kinds that make PersistentVolumeClaims (and nothing else a reference points at). */
const CLAIM_MAKERS = new Set(['ReplicationDestination', 'DataVolume']);

export type Kind = TargetKind | 'Namespace';

export class ClusterUniverse {
  /** kind → namespace ('' for cluster-scoped) → name → object (undefined when only known by name). */
  private readonly names = new Map<Kind, Map<string, Map<string, K8sObject | undefined>>>();
  /** PVC names made from StatefulSet volumeClaimTemplates: `<template>-<statefulset>-<ordinal>`. */
  private readonly claimPatterns: Array<{ namespace: string; pattern: RegExp }> = [];
  /** Namespaces in which objects may exist that nobody can see offline, with why; '*' = any namespace. */
  private readonly blind = new Map<string, string>();
  /** Release names of charts that were not rendered, by target namespace. */
  private readonly releaseNames = new Map<string, Set<string>>();
  /** Objects of the cluster, for selector checks: pod templates by namespace. */
  readonly objects: Array<{ object: K8sObject; kustomization?: string }> = [];

  constructor(cluster: FluxCluster, repo: FluxRepository, bootstrap: Map<Fact, string>, assumed: K8sObject[]) {
    for (const ns of SYSTEM_NAMESPACES) this.add('Namespace', undefined, ns);
    // Flux runs in the namespace of the cluster's root Kustomizations
    for (const ks of cluster.kustomizations.filter((k) => !k.parent)) this.add('Namespace', undefined, ks.namespace);
    // an Argo CD Application with CreateNamespace=true creates its destination namespace
    for (const ks of cluster.kustomizations) {
      const dest = ks.application?.destination.namespace;
      if (dest && ks.application!.syncOptions.some((o) => o.replace(/\s/g, '') === 'CreateNamespace=true')) this.add('Namespace', undefined, dest);
    }
    for (const [kind, ns, name] of BUILT_IN) this.add(kind, ns, name);
    for (const ks of cluster.kustomizations) {
      for (const r of ks.resources) this.addObject(r.object as unknown as K8sObject, ks.key);
      if (ks.status !== 'built') this.markBlind('*', `Kustomization ${ks.key} could not be built offline`);
      for (const p of ks.problems) if (p.code === 'build-offline' || p.code === 'source-remote') this.markBlind('*', `Kustomization ${ks.key} is not fully built offline`);
    }
    for (const hr of cluster.helmReleases) {
      const spec = (hr.object.spec ?? {}) as Record<string, any>;
      const target = typeof spec.targetNamespace === 'string' ? spec.targetNamespace : hr.namespace;
      if (spec.install?.createNamespace === true) this.add('Namespace', undefined, target);
      if (hr.render?.status === 'rendered') continue;
      this.markBlind(target, `HelmRelease ${hr.key} was not rendered`);
      // a chart names its main Service after the release: evidence for "did you mean"
      const names = this.releaseNames.get(target) ?? this.releaseNames.set(target, new Set()).get(target)!;
      names.add(typeof spec.releaseName === 'string' ? spec.releaseName : hr.name);
      this.markBlind('cluster', `HelmRelease ${hr.key} was not rendered`);
    }
    for (const b of repo.bootstrap) for (const o of b.objects) this.addObject(o as unknown as K8sObject);
    for (const o of assumed) this.addObject(o);
    for (const fact of bootstrap.keys()) {
      const i = fact.indexOf(':');
      const kind = FACT_KINDS[fact.slice(0, i)];
      if (!kind) continue;
      const rest = fact.slice(i + 1);
      if (kind === 'Namespace' || !NAMESPACED_TARGETS.has(kind)) this.add(kind, undefined, rest);
      else {
        const slash = rest.indexOf('/');
        this.add(kind, rest.slice(0, slash), rest.slice(slash + 1));
      }
    }
  }

  private add(kind: Kind, namespace: string | undefined, name: string, object?: K8sObject): void {
    const byNs = this.names.get(kind) ?? this.names.set(kind, new Map()).get(kind)!;
    const key = kind !== 'Namespace' && NAMESPACED_TARGETS.has(kind) ? namespace ?? '' : '';
    const byName = byNs.get(key) ?? byNs.set(key, new Map()).get(key)!;
    if (!byName.has(name) || object) byName.set(name, object);
  }

  private markBlind(namespace: string, why: string): void {
    if (!this.blind.has(namespace)) this.blind.set(namespace, why);
  }

  private addObject(o: K8sObject, kustomization?: string): void {
    if (!o?.kind || !o.metadata?.name) return;
    this.objects.push({ object: o, kustomization });
    const ns = o.metadata.namespace;
    const group = groupOf(o.apiVersion ?? '');
    const direct: Partial<Record<string, Kind>> = {
      Namespace: 'Namespace', Secret: 'Secret', ConfigMap: 'ConfigMap', ServiceAccount: 'ServiceAccount', PersistentVolumeClaim: 'PersistentVolumeClaim',
      Service: 'Service', StorageClass: 'StorageClass', VolumeSnapshotClass: 'VolumeSnapshotClass', PriorityClass: 'PriorityClass',
      RuntimeClass: 'RuntimeClass', IngressClass: 'IngressClass', ClusterSecretStore: 'ClusterSecretStore', SecretStore: 'SecretStore',
      ClusterIssuer: 'ClusterIssuer', Issuer: 'Issuer', Gateway: 'Gateway', GatewayClass: 'GatewayClass',
    };
    const kind = direct[o.kind];
    if (kind && (kind !== 'Gateway' && kind !== 'GatewayClass' || group === 'gateway.networking.k8s.io')) this.add(kind, ns, o.metadata.name, o);
    if (ns) for (const [k, name] of PER_NAMESPACE) this.add(k, ns, name);
    // what controllers make from it at run time (ExternalSecret → Secret, Certificate → Secret, CNPG → Services)
    for (const fact of providedBy(o)) {
      const i = fact.indexOf(':');
      const k = FACT_KINDS[fact.slice(0, i)];
      if (k !== 'Secret' && k !== 'Service') continue;
      const rest = fact.slice(i + 1);
      this.add(k, rest.slice(0, rest.indexOf('/')), rest.slice(rest.indexOf('/') + 1));
    }
    if (ns && o.kind === 'StatefulSet' && group === 'apps') {
      const spec = (o.spec ?? {}) as Record<string, any>;
      for (const t of Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []) {
        const name = t?.metadata?.name;
        if (typeof name === 'string') this.claimPatterns.push({ namespace: ns, pattern: new RegExp(`^${escape(name)}-${escape(o.metadata.name)}-\\d+$`) });
      }
    }
    if (ns && o.kind === 'Cluster' && group === 'postgresql.cnpg.io') {
      for (const suffix of ['app', 'superuser', 'ca', 'replication', 'server']) this.add('Secret', ns, `${o.metadata.name}-${suffix}`);
    }
    if (ns && o.kind === 'Namespace') return;
    // an operator resource of a kind not known to be inert may create objects in its namespace
    if (ns && !['', 'apps', 'batch'].includes(group) && !group.endsWith('.k8s.io') && !INERT_KINDS.has(o.kind) && !providedBy(o).length) {
      if (CLAIM_MAKERS.has(o.kind)) this.markBlind(`claims:${ns}`, `${o.kind} ${ns}/${o.metadata.name} makes PersistentVolumeClaims`);
      else this.markBlind(ns, `${o.kind} ${ns}/${o.metadata.name} may create objects at run time`);
    }
  }

  /** Whether an object of `kind` named `name` will exist (in `namespace`, for namespaced kinds). */
  has(kind: Kind, namespace: string | undefined, name: string): boolean {
    if (this.names.get(kind)?.get(this.nsKey(kind, namespace))?.has(name)) return true;
    if (kind === 'PersistentVolumeClaim') return this.claimPatterns.some((p) => p.namespace === namespace && p.pattern.test(name));
    return false;
  }

  /** The object itself, when the repository holds it (for listeners and ports). */
  get(kind: Kind, namespace: string | undefined, name: string): K8sObject | undefined {
    return this.names.get(kind)?.get(this.nsKey(kind, namespace))?.get(name);
  }

  /** Names of `kind` in any namespace. */
  namesOfKindAnywhere(kind: Kind): string[] {
    return [...(this.names.get(kind)?.values() ?? [])].flatMap((m) => [...m.keys()]);
  }

  /** Names of releases not rendered into `namespace`: what their charts probably call their Services. */
  unrenderedReleases(namespace: string | undefined): string[] {
    return [...(namespace ? this.releaseNames.get(namespace) ?? [] : [])];
  }

  /** Names of `kind` that exist (in `namespace`). */
  namesOf(kind: Kind, namespace: string | undefined): string[] {
    return [...(this.names.get(kind)?.get(this.nsKey(kind, namespace))?.keys() ?? [])];
  }

  /**
   * Why an object of `kind` might exist without anyone seeing it offline, or undefined when the
   * universe is complete there. Charts name their objects freely (kube-prometheus-stack makes
   * `prometheus-operated`), so a release that was not rendered blinds its whole namespace.
   */
  blindSpot(kind: Kind, namespace: string | undefined): string | undefined {
    const any = this.blind.get('*');
    if (any) return any;
    if (kind === 'Namespace') return undefined;
    if (!NAMESPACED_TARGETS.has(kind)) return this.blind.get('cluster');
    if (!namespace) return undefined;
    return this.blind.get(namespace) ?? (kind === 'PersistentVolumeClaim' ? this.blind.get(`claims:${namespace}`) : undefined);
  }

  private nsKey(kind: Kind, namespace: string | undefined): string {
    return kind !== 'Namespace' && NAMESPACED_TARGETS.has(kind) ? namespace ?? '' : '';
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
