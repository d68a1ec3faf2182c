// The references one object makes to other objects of its cluster, each with the JSON pointer
// of the field that makes it, so a finding can point at that line. Only references whose
// target must exist for the object to work are listed: optional Secret/ConfigMap references
// (`optional: true`) are skipped, as the kubelet skips them.
import { groupOf, type K8sObject } from '../../k8s/object.js';

/** The kinds a reference can point at. */
export type TargetKind =
  | 'Secret' | 'ConfigMap' | 'ServiceAccount' | 'PersistentVolumeClaim' | 'Service'
  | 'StorageClass' | 'VolumeSnapshotClass' | 'PriorityClass' | 'RuntimeClass' | 'IngressClass'
  | 'ClusterSecretStore' | 'SecretStore' | 'ClusterIssuer' | 'Issuer' | 'Gateway' | 'GatewayClass';

/** Target kinds that live in a namespace; the others are cluster-scoped. */
export const NAMESPACED_TARGETS: ReadonlySet<TargetKind> = new Set<TargetKind>([
  'Secret', 'ConfigMap', 'ServiceAccount', 'PersistentVolumeClaim', 'Service', 'SecretStore', 'Issuer', 'Gateway',
]);

export interface Reference {
  kind: TargetKind;
  /** The target's namespace (namespaced kinds only). */
  namespace?: string;
  name: string;
  /** JSON pointer of the field holding the name, in the referencing object. */
  pointer: string;
  /** How the object refers to it, for messages: "env secretKeyRef", "parentRefs". */
  via: string;
  /** A listener of the Gateway (sectionName) that must exist. */
  listener?: { name: string; pointer: string };
  /** A port of the Service that must exist: a number, or a port name. */
  port?: { value: number | string; pointer: string };
}

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_AT: Record<string, string> = {
  Pod: '/spec',
  Deployment: '/spec/template/spec',
  StatefulSet: '/spec/template/spec',
  DaemonSet: '/spec/template/spec',
  ReplicaSet: '/spec/template/spec',
  Job: '/spec/template/spec',
  CronJob: '/spec/jobTemplate/spec/template/spec',
};
const WORKLOAD_GROUPS = new Set(['', 'apps', 'batch']);

/** The pod spec of a built-in workload, with its pointer. */
export function podSpecOf(o: K8sObject): { spec: Obj; at: string } | undefined {
  const at = POD_SPEC_AT[o.kind];
  if (!at || !WORKLOAD_GROUPS.has(groupOf(o.apiVersion))) return undefined;
  let node: unknown = o;
  for (const key of at.split('/').slice(1)) node = isObj(node) ? node[key] : undefined;
  return isObj(node) ? { spec: node, at } : undefined;
}

export function referencesOf(o: K8sObject): Reference[] {
  const out: Reference[] = [];
  const ns = o.metadata.namespace;
  const group = groupOf(o.apiVersion);
  const spec = isObj(o.spec) ? (o.spec as Obj) : {};
  const push = (r: Reference) => { if (r.name && !r.name.includes('${')) out.push(r); };
  const namespaced = (kind: TargetKind, name: string | undefined, pointer: string, via: string, namespace = ns) => {
    if (name && namespace) push({ kind, namespace, name, pointer, via });
  };

  const pod = podSpecOf(o);
  if (pod && ns) podReferences(pod.spec, pod.at, ns, push);
  if (o.kind === 'StatefulSet' && group === 'apps') {
    list(spec.volumeClaimTemplates).forEach((t, i) => {
      const sc = isObj(t) && isObj(t.spec) ? str(t.spec.storageClassName) : undefined;
      if (sc) push({ kind: 'StorageClass', name: sc, pointer: `/spec/volumeClaimTemplates/${i}/spec/storageClassName`, via: 'volumeClaimTemplates storageClassName' });
    });
  }
  if (o.kind === 'PersistentVolumeClaim' && group === '') {
    const sc = str(spec.storageClassName);
    if (sc) push({ kind: 'StorageClass', name: sc, pointer: '/spec/storageClassName', via: 'storageClassName' });
  }

  if (group === 'external-secrets.io' && (o.kind === 'ExternalSecret' || o.kind === 'PushSecret')) {
    const refs = o.kind === 'PushSecret' ? list(spec.secretStoreRefs).map((r, i) => [r, `/spec/secretStoreRefs/${i}`] as const) : [[spec.secretStoreRef, '/spec/secretStoreRef'] as const];
    for (const [ref, at] of refs) {
      if (!isObj(ref) || !str(ref.name)) continue;
      if (ref.kind === 'ClusterSecretStore') push({ kind: 'ClusterSecretStore', name: ref.name, pointer: `${at}/name`, via: 'secretStoreRef' });
      else if (!ref.kind || ref.kind === 'SecretStore') namespaced('SecretStore', ref.name, `${at}/name`, 'secretStoreRef');
    }
  }
  if (group === 'cert-manager.io' && o.kind === 'Certificate' && isObj(spec.issuerRef)) {
    const ref = spec.issuerRef;
    // issuers of other groups (external issuers such as AWS PCA) are not cert-manager's
    if (!ref.group || ref.group === 'cert-manager.io') {
      if (ref.kind === 'ClusterIssuer') push({ kind: 'ClusterIssuer', name: str(ref.name) ?? '', pointer: '/spec/issuerRef/name', via: 'issuerRef' });
      else namespaced('Issuer', str(ref.name), '/spec/issuerRef/name', 'issuerRef');
    }
  }
  const annotations = isObj(o.metadata.annotations) ? o.metadata.annotations : {};
  const clusterIssuer = str(annotations['cert-manager.io/cluster-issuer']);
  if (clusterIssuer) push({ kind: 'ClusterIssuer', name: clusterIssuer, pointer: '/metadata/annotations/cert-manager.io~1cluster-issuer', via: 'cert-manager.io/cluster-issuer annotation' });
  namespaced('Issuer', str(annotations['cert-manager.io/issuer']), '/metadata/annotations/cert-manager.io~1issuer', 'cert-manager.io/issuer annotation');

  if (group === 'gateway.networking.k8s.io') gatewayReferences(o, spec, ns, push);
  if (o.kind === 'Ingress' && group === 'networking.k8s.io') ingressReferences(spec, ns, push);

  if (group === 'kustomize.toolkit.fluxcd.io' && o.kind === 'Kustomization') {
    namespaced('Secret', isObj(spec.decryption) && isObj(spec.decryption.secretRef) ? str(spec.decryption.secretRef.name) : undefined, '/spec/decryption/secretRef/name', 'decryption.secretRef');
    namespaced('ServiceAccount', str(spec.serviceAccountName), '/spec/serviceAccountName', 'serviceAccountName');
  }
  if (group === 'helm.toolkit.fluxcd.io' && o.kind === 'HelmRelease') {
    namespaced('ServiceAccount', str(spec.serviceAccountName), '/spec/serviceAccountName', 'serviceAccountName');
  }
  // operator resources (VolSync, CloudNativePG, snapshots …) name storage and snapshot classes under the same field names
  if (!WORKLOAD_GROUPS.has(group) && !group.endsWith('.toolkit.fluxcd.io') && o.kind !== 'StorageClass' && o.kind !== 'VolumeSnapshotClass') {
    classFields(spec, '/spec', push, 0);
  }
  return out;
}

function podReferences(spec: Obj, at: string, ns: string, push: (r: Reference) => void): void {
  const ref = (kind: TargetKind, name: unknown, pointer: string, via: string) => {
    if (str(name)) push({ kind, namespace: ns, name: name as string, pointer, via });
  };
  // the default ServiceAccount exists in every namespace
  if (str(spec.serviceAccountName) && spec.serviceAccountName !== 'default') ref('ServiceAccount', spec.serviceAccountName, `${at}/serviceAccountName`, 'serviceAccountName');
  if (str(spec.priorityClassName)) push({ kind: 'PriorityClass', name: spec.priorityClassName, pointer: `${at}/priorityClassName`, via: 'priorityClassName' });
  if (str(spec.runtimeClassName)) push({ kind: 'RuntimeClass', name: spec.runtimeClassName, pointer: `${at}/runtimeClassName`, via: 'runtimeClassName' });
  list(spec.imagePullSecrets).forEach((s, i) => isObj(s) && ref('Secret', s.name, `${at}/imagePullSecrets/${i}/name`, 'imagePullSecrets'));
  list(spec.volumes).forEach((v, i) => {
    if (!isObj(v)) return;
    const p = `${at}/volumes/${i}`;
    if (isObj(v.secret) && v.secret.optional !== true) ref('Secret', v.secret.secretName, `${p}/secret/secretName`, 'volume');
    if (isObj(v.configMap) && v.configMap.optional !== true) ref('ConfigMap', v.configMap.name, `${p}/configMap/name`, 'volume');
    if (isObj(v.persistentVolumeClaim)) ref('PersistentVolumeClaim', v.persistentVolumeClaim.claimName, `${p}/persistentVolumeClaim/claimName`, 'volume claimName');
    if (isObj(v.ephemeral) && isObj(v.ephemeral.volumeClaimTemplate) && isObj(v.ephemeral.volumeClaimTemplate.spec)) {
      const sc = str(v.ephemeral.volumeClaimTemplate.spec.storageClassName);
      if (sc) push({ kind: 'StorageClass', name: sc, pointer: `${p}/ephemeral/volumeClaimTemplate/spec/storageClassName`, via: 'ephemeral volume storageClassName' });
    }
    if (isObj(v.projected)) {
      list(v.projected.sources).forEach((s, j) => {
        if (!isObj(s)) return;
        if (isObj(s.secret) && s.secret.optional !== true) ref('Secret', s.secret.name, `${p}/projected/sources/${j}/secret/name`, 'projected volume');
        if (isObj(s.configMap) && s.configMap.optional !== true) ref('ConfigMap', s.configMap.name, `${p}/projected/sources/${j}/configMap/name`, 'projected volume');
      });
    }
  });
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    list(spec[field]).forEach((c, i) => {
      if (!isObj(c)) return;
      const p = `${at}/${field}/${i}`;
      list(c.env).forEach((e, j) => {
        const from = isObj(e) && isObj(e.valueFrom) ? e.valueFrom : undefined;
        if (isObj(from?.secretKeyRef) && from.secretKeyRef.optional !== true) ref('Secret', from.secretKeyRef.name, `${p}/env/${j}/valueFrom/secretKeyRef/name`, 'env secretKeyRef');
        if (isObj(from?.configMapKeyRef) && from.configMapKeyRef.optional !== true) ref('ConfigMap', from.configMapKeyRef.name, `${p}/env/${j}/valueFrom/configMapKeyRef/name`, 'env configMapKeyRef');
      });
      list(c.envFrom).forEach((e, j) => {
        if (!isObj(e)) return;
        if (isObj(e.secretRef) && e.secretRef.optional !== true) ref('Secret', e.secretRef.name, `${p}/envFrom/${j}/secretRef/name`, 'envFrom secretRef');
        if (isObj(e.configMapRef) && e.configMapRef.optional !== true) ref('ConfigMap', e.configMapRef.name, `${p}/envFrom/${j}/configMapRef/name`, 'envFrom configMapRef');
      });
    });
  }
}

const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute']);

function gatewayReferences(o: K8sObject, spec: Obj, ns: string | undefined, push: (r: Reference) => void): void {
  if (o.kind === 'Gateway') {
    if (str(spec.gatewayClassName)) push({ kind: 'GatewayClass', name: spec.gatewayClassName, pointer: '/spec/gatewayClassName', via: 'gatewayClassName' });
    list(spec.listeners).forEach((l, i) => {
      const refs = isObj(l) && isObj(l.tls) ? list(l.tls.certificateRefs) : [];
      refs.forEach((c, j) => {
        if (!isObj(c) || (c.kind && c.kind !== 'Secret') || (c.group && c.group !== '')) return;
        const namespace = str(c.namespace) ?? ns;
        if (str(c.name) && namespace) push({ kind: 'Secret', namespace, name: c.name, pointer: `/spec/listeners/${i}/tls/certificateRefs/${j}/name`, via: 'listener certificateRefs' });
      });
    });
    return;
  }
  if (!ROUTE_KINDS.has(o.kind) || !ns) return;
  list(spec.parentRefs).forEach((p, i) => {
    if (!isObj(p) || !str(p.name) || (p.kind && p.kind !== 'Gateway') || (p.group && p.group !== 'gateway.networking.k8s.io')) return;
    const at = `/spec/parentRefs/${i}`;
    push({
      kind: 'Gateway', namespace: str(p.namespace) ?? ns, name: p.name, pointer: `${at}/name`, via: 'parentRefs',
      ...(str(p.sectionName) ? { listener: { name: p.sectionName, pointer: `${at}/sectionName` } } : {}),
    });
  });
  list(spec.rules).forEach((rule, i) => {
    const backends = isObj(rule) ? list(rule.backendRefs) : [];
    backends.forEach((b, j) => {
      if (!isObj(b) || !str(b.name) || (b.kind && b.kind !== 'Service') || (b.group && b.group !== '')) return;
      const at = `/spec/rules/${i}/backendRefs/${j}`;
      push({
        kind: 'Service', namespace: str(b.namespace) ?? ns, name: b.name, pointer: `${at}/name`, via: 'backendRefs',
        ...(typeof b.port === 'number' ? { port: { value: b.port, pointer: `${at}/port` } } : {}),
      });
    });
  });
}

function ingressReferences(spec: Obj, ns: string | undefined, push: (r: Reference) => void): void {
  if (str(spec.ingressClassName)) push({ kind: 'IngressClass', name: spec.ingressClassName, pointer: '/spec/ingressClassName', via: 'ingressClassName' });
  if (!ns) return;
  const backend = (b: unknown, at: string) => {
    const svc = isObj(b) && isObj(b.service) ? b.service : undefined;
    if (!svc || !str(svc.name)) return;
    const port = isObj(svc.port) ? (typeof svc.port.number === 'number' ? { value: svc.port.number, pointer: `${at}/service/port/number` } : str(svc.port.name) ? { value: svc.port.name as string, pointer: `${at}/service/port/name` } : undefined) : undefined;
    push({ kind: 'Service', namespace: ns, name: svc.name, pointer: `${at}/service/name`, via: 'backend', ...(port ? { port } : {}) });
  };
  backend(spec.defaultBackend, '/spec/defaultBackend');
  list(spec.rules).forEach((r, i) => {
    const paths = isObj(r) && isObj(r.http) ? list(r.http.paths) : [];
    paths.forEach((p, j) => isObj(p) && backend(p.backend, `/spec/rules/${i}/http/paths/${j}/backend`));
  });
  list(spec.tls).forEach((t, i) => {
    if (isObj(t) && str(t.secretName)) push({ kind: 'Secret', namespace: ns, name: t.secretName, pointer: `/spec/tls/${i}/secretName`, via: 'tls secretName' });
  });
}

/** storageClassName / storageClass / volumeSnapshotClassName fields anywhere in an operator resource's spec. */
function classFields(node: unknown, at: string, push: (r: Reference) => void, depth: number): void {
  if (depth > 12) return;
  if (Array.isArray(node)) {
    node.forEach((v, i) => classFields(v, `${at}/${i}`, push, depth + 1));
    return;
  }
  if (!isObj(node)) return;
  for (const [key, value] of Object.entries(node)) {
    const p = `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (typeof value === 'string' && value) {
      if (/^(cache)?[sS]torageClass(Name)?$/.test(key) || key === 'storageClass') push({ kind: 'StorageClass', name: value, pointer: p, via: key });
      else if (key === 'volumeSnapshotClassName') push({ kind: 'VolumeSnapshotClass', name: value, pointer: p, via: key });
    } else classFields(value, p, push, depth + 1);
  }
}
