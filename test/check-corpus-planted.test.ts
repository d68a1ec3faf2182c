// Issue 10 acceptance: reference and ordering defects planted into copies of the real repositories
// of ../shared/corpus, one defect per copy. Each defect is what a Flux/Kubernetes engineer writes by
// mistake (a typo, a renamed object, a forgotten piece, a dependsOn on the wrong side) in a place
// where such a change really lands. The checker must report it with an error-severity finding of
// the expected rule at the file and line of the field the finding is about; the unplanted copy of
// each repository must have no finding of that rule there. test/check-corpus-planted.md lists the
// defects for reviewers.
//
// Checks run in-process (engine startup shared) with render: false: HelmReleases are not rendered,
// so defects are planted into plain manifests. A defect is data: the file it is planted into, a
// plant (text → text, built from replacements that must match exactly once), optional further
// edits, the rule, and the expected line computed from the planted text.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { runCheck } from '../src/check/engine.js';
import type { Finding } from '../src/check/finding.js';
import { repoRoot, sharedDir, sharedSchemas } from './helpers.js';

// ---------------------------------------------------------------------------------------------
// Defects as data

type Repo =
  | 'fluxcd__flux2-kustomize-helm-example'
  | 'fluxcd__flux2-multi-tenancy'
  | 'onedr0p__home-ops'
  | 'xunholy__k8s-gitops';

type Plant = (text: string) => string;
/** A line in the planted text of a file, 1-based. */
type LineOf = (text: string) => number;

interface Edit { file: string; plant: Plant }
interface Location { file: string; line: LineOf }

interface Defect {
  id: string;
  repo: Repo;
  /** The reference kind or ordering shape it covers (for the summary). */
  kind: string;
  /** What was changed, for people. */
  what: string;
  /** The file planted into; the expected finding is here unless `lines` says otherwise. */
  file: string;
  plant: Plant;
  /** Further edits the same mistake makes (a kustomization.yaml entry for a new file …). */
  also?: Edit[];
  rule: string;
  /** The expected line in `file`. */
  line?: LineOf;
  /** Or: any one of these locations (ownership: either copy; a cycle reported per cluster). */
  lines?: Location[];
  /**
   * Why an offline check cannot find it yet: the target may be made by a chart that is not rendered
   * offline, or by a source outside the repository. Such a defect still runs, as a TODO, and is
   * reported; it does not fail the suite. Every reason names what would make it findable.
   */
  offlineLimit?: string;
}

/** `from` must occur exactly once; it is replaced by `to`. */
function replaceOnce(from: string, to: string): Plant {
  return (text) => {
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`plant: expected exactly one ${JSON.stringify(from)}, found ${count}`);
    return text.replace(from, () => to);
  };
}

/** The plants in order, each on the result of the previous one. */
const all = (...plants: Plant[]): Plant => (text) => plants.reduce((t, p) => p(t), text);

/** A file that does not exist yet. */
function create(content: string): Plant {
  return (text) => {
    if (text !== '') throw new Error('plant: the file to create already exists');
    return content;
  };
}

/** The line that is exactly `line` (after the first line that is exactly `after`, if given); the `nth` such line. */
function lineIs(line: string, opts: { after?: string; nth?: number } = {}): LineOf {
  return (text) => {
    const lines = text.split('\n');
    let i = 0;
    if (opts.after !== undefined) {
      i = lines.indexOf(opts.after);
      if (i < 0) throw new Error(`locate: no line ${JSON.stringify(opts.after)}`);
    }
    let seen = 0;
    for (; i < lines.length; i++) if (lines[i] === line && ++seen === (opts.nth ?? 1)) return i + 1;
    throw new Error(`locate: no line ${JSON.stringify(line)}${opts.after ? ` after ${JSON.stringify(opts.after)}` : ''}`);
  };
}

/** Appends a document (which starts with `---`) to a manifest file. */
const appendDoc = (doc: string): Plant => (text) => `${text}${text.endsWith('\n') ? '' : '\n'}${doc}`;

/** Adds `entry` to a kustomization.yaml's resources, after the existing entry `afterEntry`. */
const addResource = (afterEntry: string, entry: string): Plant => replaceOnce(`  - ${afterEntry}\n`, `  - ${afterEntry}\n  - ${entry}\n`);

const FX: Repo = 'fluxcd__flux2-kustomize-helm-example';
const MT: Repo = 'fluxcd__flux2-multi-tenancy';
const HO: Repo = 'onedr0p__home-ops';
const XU: Repo = 'xunholy__k8s-gitops';

const REF = 'ref/missing';
const SOURCE = 'flux/source-missing';
const DEADLOCK = 'flux/ordering-deadlock';

// --- fluxcd__flux2-kustomize-helm-example ------------------------------------------------------

const FX_INFRA = 'clusters/staging/infrastructure.yaml';
const FX_INFRA_PROD = 'clusters/production/infrastructure.yaml';

const fxPodinfoIngress = `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: podinfo
  namespace: podinfo
spec:
  ingressClassName: nginx
  rules:
    - host: podinfo.local
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: podinfo
                port:
                  number: 9898
`;

const fxPodinfoNetworkPolicy = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-envoy-gateway
  namespace: podinfo
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: podifno
  policyTypes:
    - Ingress
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: envoy-gateway-system
      ports:
        - port: 9898
`;

const fxPodinfoRoute = `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: podinfo-external
  namespace: podinfo
spec:
  parentRefs:
    - name: envoy
      namespace: envoy-gateway-system
      sectionName: http
  hostnames:
    - podinfo.example.com
  rules:
    - backendRefs:
        - name: podinfo
          port: 9898
`;

const fxCertManagerValues = `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cert-manager-values
  namespace: cert-manager
data:
  values.yaml: |
    prometheus:
      enabled: true
`;

const fxStagingIssuer = `---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: letsencrypt-staging
spec:
  acme:
    email: fluxcdbot@users.noreply.github.com
    server: https://acme-staging-v02.api.letsencrypt.org/directory
    privateKeySecretRef:
      name: letsencrypt-staging
    solvers:
      - http01:
          gatewayHTTPRoute:
            parentRefs:
              - name: envoy
                namespace: envoy-gateway-system
                kind: Gateway
`;

const fxPodinfoCertificate = `---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: podinfo-tls
  namespace: envoy-gateway-system
spec:
  secretName: podinfo-tls
  dnsNames:
    - podinfo.example.com
  issuerRef:
    name: letsencrypt-production
    kind: ClusterIssuer
`;

const fxDefects: Defect[] = [
  {
    id: 'fx-namespace-typo',
    repo: FX, kind: 'namespaces',
    what: 'OCIRepository cert-manager: metadata.namespace cert-manager → cert-manger (typo; no such namespace)',
    file: 'infrastructure/controllers/cert-manager.yaml',
    plant: replaceOnce('kind: OCIRepository\nmetadata:\n  name: cert-manager\n  namespace: cert-manager\n', 'kind: OCIRepository\nmetadata:\n  name: cert-manager\n  namespace: cert-manger\n'),
    rule: REF, line: lineIs('  namespace: cert-manger'),
  },
  {
    id: 'fx-cluster-issuer-annotation',
    repo: FX, kind: 'secret stores and issuers',
    what: 'Gateway envoy gets annotation cert-manager.io/cluster-issuer: letsencrypt-prod (the ClusterIssuer is named letsencrypt)',
    file: 'infrastructure/configs/gateway.yaml',
    plant: replaceOnce('  name: envoy\n  namespace: envoy-gateway-system\n', '  name: envoy\n  namespace: envoy-gateway-system\n  annotations:\n    cert-manager.io/cluster-issuer: letsencrypt-prod\n'),
    rule: REF, line: lineIs('    cert-manager.io/cluster-issuer: letsencrypt-prod'),
  },
  {
    id: 'fx-certificate-issuer-name',
    repo: FX, kind: 'secret stores and issuers',
    what: 'new infrastructure/configs/certificates.yaml: Certificate podinfo-tls with issuerRef ClusterIssuer letsencrypt-production (it is named letsencrypt)',
    file: 'infrastructure/configs/certificates.yaml',
    plant: create(fxPodinfoCertificate),
    also: [{ file: 'infrastructure/configs/kustomization.yaml', plant: addResource('cluster-issuers.yaml', 'certificates.yaml') }],
    rule: REF, line: lineIs('    name: letsencrypt-production'),
  },
  {
    id: 'fx-ingress-class',
    offlineLimit: 'IngressClasses are made by ingress controller charts; with HelmReleases not rendered an IngressClass nginx may exist unseen (found when charts render)',
    repo: FX, kind: 'Ingress',
    what: 'new apps/base/podinfo/ingress.yaml: Ingress with ingressClassName: nginx on a cluster that has no IngressClass (it runs Envoy Gateway)',
    file: 'apps/base/podinfo/ingress.yaml',
    plant: create(fxPodinfoIngress),
    also: [{ file: 'apps/base/podinfo/kustomization.yaml', plant: addResource('release.yaml', 'ingress.yaml') }],
    rule: REF, line: lineIs('  ingressClassName: nginx'),
  },
  {
    id: 'fx-networkpolicy-selector',
    offlineLimit: 'the podinfo pods come from the podinfo chart, not rendered offline (found when it renders)',
    repo: FX, kind: 'NetworkPolicy',
    what: 'new apps/base/podinfo/networkpolicy.yaml: podSelector app.kubernetes.io/name: podifno (typo) selects no pod in podinfo',
    file: 'apps/base/podinfo/networkpolicy.yaml',
    plant: create(fxPodinfoNetworkPolicy),
    also: [{ file: 'apps/base/podinfo/kustomization.yaml', plant: addResource('release.yaml', 'networkpolicy.yaml') }],
    rule: REF, line: lineIs('  podSelector:'),
  },
  {
    id: 'fx-ownership-namespace',
    repo: FX, kind: 'ownership',
    what: 'infrastructure/configs/gateway.yaml also declares Namespace envoy-gateway-system, which infra-controllers already applies',
    file: 'infrastructure/configs/gateway.yaml',
    plant: replaceOnce('---\napiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n', '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: envoy-gateway-system\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n'),
    rule: 'flux/ownership-conflict',
    lines: [
      { file: 'infrastructure/configs/gateway.yaml', line: lineIs('  name: envoy-gateway-system') },
      { file: 'infrastructure/controllers/envoy-gateway.yaml', line: lineIs('  name: envoy-gateway-system') },
    ],
  },
  {
    id: 'fx-deadlock-cr-in-ancestor',
    repo: FX, kind: 'deadlock (a) CR applied by an ancestor of its CRD installer',
    what: 'a ClusterIssuer appended to clusters/staging/infrastructure.yaml: flux-system applies it, but cert-manager (its CRD) comes from its child infra-controllers',
    file: FX_INFRA,
    plant: appendDoc(fxStagingIssuer),
    rule: DEADLOCK, line: lineIs('apiVersion: cert-manager.io/v1'),
  },
  {
    id: 'fx-deadlock-crd-cycle',
    repo: FX, kind: 'deadlock (b) cycle through CRD provision',
    what: 'dependsOn on the wrong side: infra-controllers (installs the cert-manager and Gateway API CRDs) dependsOn infra-configs (uses them); infra-configs\' dependsOn removed',
    file: FX_INFRA,
    plant: all(
      replaceOnce('  dependsOn:\n    - name: infra-controllers\n', ''),
      replaceOnce('  name: infra-controllers\n  namespace: flux-system\nspec:\n', '  name: infra-controllers\n  namespace: flux-system\nspec:\n  dependsOn:\n    - name: infra-configs\n'),
    ),
    rule: DEADLOCK, line: lineIs('    - name: infra-configs'),
  },
  {
    id: 'fx-deadlock-namespace-cycle',
    repo: FX, kind: 'deadlock (b) cycle through namespace provision',
    what: 'new infrastructure/configs/podinfo-route.yaml: an HTTPRoute in namespace podinfo, which only apps creates — and apps dependsOn infra-configs',
    file: 'infrastructure/configs/podinfo-route.yaml',
    plant: create(fxPodinfoRoute),
    also: [{ file: 'infrastructure/configs/kustomization.yaml', plant: addResource('gateway.yaml', 'podinfo-route.yaml') }],
    rule: DEADLOCK,
    lines: [
      { file: 'clusters/staging/apps.yaml', line: lineIs('    - name: infra-configs') },
      { file: 'clusters/production/apps.yaml', line: lineIs('    - name: infra-configs') },
    ],
  },
  {
    id: 'fx-deadlock-healthcheck-downstream',
    repo: FX, kind: 'deadlock (c) waiting on a downstream unit (healthChecks)',
    what: 'infra-controllers: wait: true replaced by healthChecks on its HelmReleases and on ClusterIssuer letsencrypt, which only infra-configs (downstream) applies',
    file: FX_INFRA,
    plant: replaceOnce('  wait: true\n', `  healthChecks:
    - apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      name: cert-manager
      namespace: cert-manager
    - apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      name: envoy-gateway
      namespace: envoy-gateway-system
    - apiVersion: cert-manager.io/v1
      kind: ClusterIssuer
      name: letsencrypt
`),
    rule: DEADLOCK, line: lineIs('    - apiVersion: cert-manager.io/v1'),
  },
  {
    id: 'fx-deadlock-wait-downstream',
    repo: FX, kind: 'deadlock (c) waiting on a downstream unit (wait: true)',
    what: 'HelmRelease cert-manager gets valuesFrom ConfigMap cert-manager-values, added to infrastructure/configs (infra-configs, downstream); infra-controllers has wait: true',
    file: 'infrastructure/controllers/cert-manager.yaml',
    plant: replaceOnce('  chartRef:\n    kind: OCIRepository\n    name: cert-manager\n', '  chartRef:\n    kind: OCIRepository\n    name: cert-manager\n  valuesFrom:\n    - kind: ConfigMap\n      name: cert-manager-values\n'),
    also: [
      { file: 'infrastructure/configs/cert-manager-values.yaml', plant: create(fxCertManagerValues) },
      { file: 'infrastructure/configs/kustomization.yaml', plant: addResource('gateway.yaml', 'cert-manager-values.yaml') },
    ],
    rule: DEADLOCK,
    lines: [
      { file: FX_INFRA, line: lineIs('  wait: true') },
      { file: FX_INFRA_PROD, line: lineIs('  wait: true') },
    ],
  },
  {
    id: 'fx-dependency-missing-crd',
    repo: FX, kind: 'missing dependsOn for a CRD',
    what: 'infra-configs loses dependsOn infra-controllers: its ClusterIssuer and Gateway use CRDs its sibling infra-controllers installs',
    file: FX_INFRA,
    plant: replaceOnce('  dependsOn:\n    - name: infra-controllers\n', ''),
    rule: 'flux/dependency-missing', line: lineIs('spec:', { after: '  name: infra-configs' }),
  },
];

// --- fluxcd__flux2-multi-tenancy ---------------------------------------------------------------

const mtDefects: Defect[] = [
  {
    id: 'mt-target-namespace',
    offlineLimit: "the tenant's manifests are in another repository (a remote GitRepository), which may create the namespace",
    repo: MT, kind: 'namespaces',
    what: 'tenant Kustomization dev-team gets targetNamespace: dev-team (the tenant namespace is apps)',
    file: 'tenants/base/dev-team/sync.yaml',
    plant: replaceOnce('  serviceAccountName: dev-team\n', '  serviceAccountName: dev-team\n  targetNamespace: dev-team\n'),
    rule: REF, line: lineIs('  targetNamespace: dev-team'),
  },
  {
    id: 'mt-ownership-copied-path',
    repo: MT, kind: 'ownership',
    what: 'staging tenants Kustomization copy-pasted with path ./infrastructure/kyverno-policies: it and kyverno-policies both apply the ClusterPolicies',
    file: 'clusters/staging/tenants.yaml',
    plant: replaceOnce('  path: ./tenants/staging\n', '  path: ./infrastructure/kyverno-policies\n'),
    rule: 'flux/ownership-conflict',
    lines: [
      { file: 'infrastructure/kyverno-policies/verify-flux-images.yaml', line: lineIs('  name: verify-flux-images') },
      { file: 'infrastructure/kyverno-policies/verify-git-repositories.yaml', line: lineIs('  name: verify-git-repositories') },
    ],
  },
];

// --- onedr0p__home-ops -------------------------------------------------------------------------

const hoExpanse = (routePort: number) => `---
apiVersion: v1
kind: Service
metadata:
  name: expanse
spec:
  ports:
    - name: http
      port: 80
      targetPort: 80
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: expanse
  labels:
    kubernetes.io/service-name: expanse
addressType: IPv4
ports:
  - name: http
    port: 80
endpoints:
  - addresses:
      - 192.168.42.10
---
# yaml-language-server: $schema=https://k8s-schemas.home-operations.com/gateway.networking.k8s.io/httproute_v1.json
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: expanse
spec:
  hostnames:
    - expanse.turbo.ac
  parentRefs:
    - name: envoy-internal
      namespace: network
      sectionName: https
  rules:
    - backendRefs:
        - name: expanse
          port: ${routePort}
`;

const hoDefects: Defect[] = [
  {
    id: 'ho-target-namespace',
    repo: HO, kind: 'namespaces',
    what: 'Kustomization echo: targetNamespace network → networking (an older name of the namespace; never created)',
    file: 'kubernetes/apps/network/echo/ks.yaml',
    plant: replaceOnce('  targetNamespace: network\n', '  targetNamespace: networking\n'),
    rule: REF, line: lineIs('  targetNamespace: networking'),
  },
  {
    id: 'ho-pvc-storage-class',
    offlineLimit: "home-ops' StorageClasses come from the rook-ceph-cluster chart, not rendered offline, and ceph-blockpool is no typo of a known name",
    repo: HO, kind: 'storage classes',
    what: 'PVC home-assistant-cache: storageClassName ceph-block → ceph-blockpool (the CephBlockPool name, not a StorageClass)',
    file: 'kubernetes/apps/default/home-assistant/app/pvc.yaml',
    plant: replaceOnce('  storageClassName: ceph-block\n', '  storageClassName: ceph-blockpool\n'),
    rule: REF, line: lineIs('  storageClassName: ceph-blockpool'),
  },
  {
    id: 'ho-component-cr-storage-class',
    offlineLimit: 'StorageClasses may come from charts not rendered offline, and miroir-local-slow is no typo of a known name',
    repo: HO, kind: 'storage classes',
    what: 'kopiur backup component, SnapshotPolicy mover cache: storageClassName miroir-slow → miroir-local-slow (the classes are miroir-slow and miroir-slow-local)',
    file: 'kubernetes/components/kopiur/backup/snapshotpolicy.yaml',
    plant: replaceOnce('      storageClassName: miroir-slow\n', '      storageClassName: miroir-local-slow\n'),
    rule: REF, line: lineIs('      storageClassName: miroir-local-slow'),
  },
  {
    id: 'ho-externalsecret-store',
    repo: HO, kind: 'secret stores and issuers',
    what: 'ExternalSecret plex-off-deck: secretStoreRef ClusterSecretStore onepassword-connect → onepassword (the name used in other repositories)',
    file: 'kubernetes/apps/default/plex/tools/off-deck/externalsecret.yaml',
    plant: replaceOnce('    name: onepassword-connect\n', '    name: onepassword\n'),
    rule: REF, line: lineIs('    name: onepassword'),
  },
  {
    id: 'ho-certificate-issuer-kind',
    repo: HO, kind: 'secret stores and issuers',
    what: 'Certificate turbo-ac: `kind: ClusterIssuer` dropped from issuerRef, so it asks for an Issuer letsencrypt-production in network (none)',
    file: 'kubernetes/apps/network/certificates/export/certificate.yaml',
    plant: replaceOnce('  issuerRef:\n    kind: ClusterIssuer\n    name: letsencrypt-production\n', '  issuerRef:\n    name: letsencrypt-production\n'),
    rule: REF, line: lineIs('    name: letsencrypt-production'),
  },
  {
    id: 'ho-httproute-parent-gateway',
    repo: HO, kind: 'Gateway API',
    what: 'HTTPRoute github-webhook: parentRefs Gateway envoy-external → envoy-extrenal (typo)',
    file: 'kubernetes/apps/flux-system/flux-instance/app/httproute.yaml',
    plant: replaceOnce('    - name: envoy-external\n', '    - name: envoy-extrenal\n'),
    rule: REF, line: lineIs('    - name: envoy-extrenal'),
  },
  {
    id: 'ho-httproute-section-name',
    repo: HO, kind: 'Gateway API',
    what: 'HTTPRoute https-redirect: parentRef envoy-internal sectionName http → web (no such listener; Traefik habit)',
    file: 'kubernetes/apps/network/envoy-gateway/app/envoy.yaml',
    plant: replaceOnce('    - name: envoy-internal\n      namespace: network\n      sectionName: http\n', '    - name: envoy-internal\n      namespace: network\n      sectionName: web\n'),
    rule: REF, line: lineIs('      sectionName: web'),
  },
  {
    id: 'ho-httproute-backend-port',
    repo: HO, kind: 'Gateway API',
    what: 'new envoy-gateway/app/expanse.yaml: selector-less Service expanse (port 80) + EndpointSlice + HTTPRoute whose backendRef asks for port 443',
    file: 'kubernetes/apps/network/envoy-gateway/app/expanse.yaml',
    plant: create(hoExpanse(443)),
    also: [{ file: 'kubernetes/apps/network/envoy-gateway/app/kustomization.yaml', plant: addResource('./envoy.yaml', './expanse.yaml') }],
    rule: REF, line: lineIs('          port: 443'),
  },
  {
    id: 'ho-ciliumnetworkpolicy-selector',
    offlineLimit: 'the runner pods come from the gha-runner-scale-set chart, not rendered offline',
    repo: HO, kind: 'NetworkPolicy',
    what: 'CiliumNetworkPolicy home-ops-runner: endpointSelector runner: *name → runner: home-ops-runners (the runner pods carry runner: home-ops-runner)',
    file: 'kubernetes/apps/actions-runner-system/actions-runner-controller/runners/home-ops/networkpolicy.yaml',
    plant: replaceOnce('      runner: *name\n', '      runner: home-ops-runners\n'),
    rule: REF, line: lineIs('  endpointSelector:'),
  },
];

// --- xunholy__k8s-gitops -----------------------------------------------------------------------

const XB = 'kubernetes/apps/base';

const xuTruenas = (backend: { name: string; port: number }) => `---
# TrueNAS web UI (outside the cluster) behind ingress-nginx.
apiVersion: v1
kind: Service
metadata:
  name: truenas
  namespace: nginx-ingress
spec:
  ports:
    - name: https
      port: 443
      targetPort: 443
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: truenas
  namespace: nginx-ingress
  labels:
    kubernetes.io/service-name: truenas
addressType: IPv4
ports:
  - name: https
    port: 443
endpoints:
  - addresses:
      - 192.168.50.10
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: truenas
  namespace: nginx-ingress
  annotations:
    nginx.ingress.kubernetes.io/backend-protocol: HTTPS
spec:
  ingressClassName: nginx
  rules:
    - host: 'truenas.\${CLUSTER_DOMAIN}'
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: ${backend.name}
                port:
                  number: ${backend.port}
`;

const xuBackupCronJob = `---
# Nightly logical dump of the cmangos databases, next to the Kopia PVC snapshots.
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cmangos-database-backup
  namespace: game-servers
spec:
  schedule: "30 3 * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      backoffLimit: 1
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: dump
              image: mariadb:12.3
              envFrom:
                - secretRef:
                    name: cmangos-database-creds
              command:
                - /bin/bash
                - -c
                - |
                  set -euo pipefail
                  for db in classicmangos classiccharacters classicrealmd; do
                    mariadb-dump -h cmangos-database -P 3306 -u "$MANGOS_DBUSER" -p"$MANGOS_DBPASS" --single-transaction "$db" | gzip > "/backups/$db.sql.gz"
                  done
              volumeMounts:
                - name: backups
                  mountPath: /backups
          volumes:
            - name: backups
              persistentVolumeClaim:
                claimName: cmangos-database-dumps
`;


const xuDefects: Defect[] = [
  {
    id: 'xu-replicationsource-storage-class',
    repo: XU, kind: 'storage classes',
    what: 'VolSync ReplicationSource azerothcore-database: kopia.storageClassName ceph-block → ceph-blok (typo)',
    file: `${XB}/game-servers/azerothcore/app/replicationsource.yaml`,
    plant: replaceOnce('    storageClassName: ceph-block\n', '    storageClassName: ceph-blok\n'),
    rule: REF, line: lineIs('    storageClassName: ceph-blok'),
  },
  {
    id: 'xu-replicationsource-snapshot-class',
    offlineLimit: 'the VolumeSnapshotClass comes from the rook-ceph chart, not rendered offline, and ceph-blockpool is no typo of a known name',
    repo: XU, kind: 'storage classes',
    what: 'VolSync ReplicationSource qui: volumeSnapshotClassName csi-ceph-blockpool → ceph-blockpool (the pool, not a VolumeSnapshotClass)',
    file: `${XB}/home-system/qui/app/replicationsource.yaml`,
    plant: replaceOnce('    volumeSnapshotClassName: csi-ceph-blockpool\n', '    volumeSnapshotClassName: ceph-blockpool\n'),
    rule: REF, line: lineIs('    volumeSnapshotClassName: ceph-blockpool'),
  },
  {
    id: 'xu-externalsecret-store-kind',
    repo: XU, kind: 'secret stores and issuers',
    what: 'ExternalSecret cmangos-database-creds: secretStoreRef kind ClusterSecretStore → SecretStore (no SecretStore onepassword in game-servers)',
    file: `${XB}/game-servers/cmangos-database/app/externalsecret-database.yaml`,
    plant: replaceOnce('    kind: ClusterSecretStore\n    name: onepassword\n', '    kind: SecretStore\n    name: onepassword\n'),
    rule: REF, line: lineIs('    name: onepassword'),
  },
  {
    id: 'xu-httproute-backend-name',
    repo: XU, kind: 'Gateway API',
    what: 'HTTPRoute bazarr: backendRefs Service bazarr → bazaar (typo)',
    file: `${XB}/home-system/bazarr/app/httproute.yaml`,
    plant: replaceOnce('        - name: bazarr\n', '        - name: bazaar\n'),
    rule: REF, line: lineIs('        - name: bazaar'),
  },
  {
    id: 'xu-ingress-backend-name',
    offlineLimit: 'its namespace holds a HelmRelease that is not rendered offline, whose chart may make a Service truenas-ui; truenas-ui is no typo of truenas',
    repo: XU, kind: 'Ingress',
    what: 'new nginx-ingress/app/truenas.yaml: Service truenas + EndpointSlice + Ingress whose backend names Service truenas-ui',
    file: `${XB}/nginx-ingress/nginx-ingress/app/truenas.yaml`,
    plant: create(xuTruenas({ name: 'truenas-ui', port: 443 })),
    also: [{ file: `${XB}/nginx-ingress/nginx-ingress/app/kustomization.yaml`, plant: addResource('helmrelease.yaml', 'truenas.yaml') }],
    rule: REF, line: lineIs('                name: truenas-ui'),
  },
  {
    id: 'xu-ingress-backend-port',
    repo: XU, kind: 'Ingress',
    what: 'new nginx-ingress/app/truenas.yaml: Service truenas (port 443 only) + EndpointSlice + Ingress whose backend asks for port 80',
    file: `${XB}/nginx-ingress/nginx-ingress/app/truenas.yaml`,
    plant: create(xuTruenas({ name: 'truenas', port: 80 })),
    also: [{ file: `${XB}/nginx-ingress/nginx-ingress/app/kustomization.yaml`, plant: addResource('helmrelease.yaml', 'truenas.yaml') }],
    rule: REF,
    // an Ingress backend port is `port:` → `number:`; either line names the field
    lines: [
      { file: `${XB}/nginx-ingress/nginx-ingress/app/truenas.yaml`, line: lineIs('                port:') },
      { file: `${XB}/nginx-ingress/nginx-ingress/app/truenas.yaml`, line: lineIs('                  number: 80') },
    ],
  },
  {
    id: 'xu-helmrelease-values-from',
    repo: XU, kind: 'Flux',
    what: 'HelmRelease volsync: valuesFrom ConfigMap volsync-values → volsync-vaules (typo; the generated ConfigMap is volsync-values-<hash>)',
    file: `${XB}/volsync-system/volsync/app/helmrelease.yaml`,
    plant: replaceOnce('      name: volsync-values\n', '      name: volsync-vaules\n'),
    // DESIGN §3 gives valuesFrom and substituteFrom to flux/source-missing
    rule: SOURCE, line: lineIs('      name: volsync-vaules'),
  },
  {
    id: 'xu-substitute-from',
    repo: XU, kind: 'Flux',
    what: 'Kustomization cluster: postBuild.substituteFrom ConfigMap cluster-config → cluster-settings (the name other home-ops repositories use)',
    file: 'kubernetes/clusters/cluster-00/ks.yaml',
    plant: replaceOnce('        name: cluster-config\n', '        name: cluster-settings\n'),
    rule: SOURCE, line: lineIs('        name: cluster-settings'),
  },
  {
    id: 'xu-decryption-secret-ref',
    repo: XU, kind: 'Flux',
    what: 'Kustomization azerothcore: decryption gets secretRef sops-age (the Secret is sops-age-secret)',
    file: `${XB}/game-servers/azerothcore/ks.yaml`,
    plant: replaceOnce('  decryption:\n    provider: sops\n', '  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n'),
    rule: REF, line: lineIs('      name: sops-age'),
  },
  {
    id: 'xu-ownership-moved-pvc',
    repo: XU, kind: 'ownership',
    what: 'PVC cmangos-database moved to cmangos-database/app but its old copy (the same file) left in cmangos/app/storage and listed there: cmangos and cmangos-database both apply it',
    file: `${XB}/game-servers/cmangos/app/storage/pvc-database.yaml`,
    plant: (text) => create(readFileSync(path.join(sharedDir, 'corpus', XU, `${XB}/game-servers/cmangos-database/app/pvc-database.yaml`), 'utf8'))(text),
    also: [{ file: `${XB}/game-servers/cmangos/app/storage/kustomization.yaml`, plant: addResource('pvc-logs.yaml', 'pvc-database.yaml') }],
    rule: 'flux/ownership-conflict',
    lines: [
      { file: `${XB}/game-servers/cmangos/app/storage/pvc-database.yaml`, line: lineIs('  name: cmangos-database') },
      { file: `${XB}/game-servers/cmangos-database/app/pvc-database.yaml`, line: lineIs('  name: cmangos-database') },
    ],
  },
  {
    id: 'xu-dependency-missing-crd',
    repo: XU, kind: 'missing dependsOn for a CRD',
    what: 'Kustomization azerothcore loses dependsOn volsync: its ReplicationSource needs the VolSync CRD that sibling volsync installs',
    file: `${XB}/game-servers/azerothcore/ks.yaml`,
    plant: replaceOnce('    - name: volsync\n      namespace: volsync-system\n', ''),
    rule: 'flux/dependency-missing', line: lineIs('  dependsOn:'),
  },
  {
    id: 'xu-pod-envfrom-secret',
    offlineLimit: 'game-servers holds 12 HelmReleases not rendered offline, whose charts may make this Secret (found when they render)',
    repo: XU, kind: 'pod specs',
    what: 'Job cmangos-ptr-db-init: envFrom secretRef cmangos-database-creds → cmangos-database-credentials',
    file: `${XB}/game-servers/cmangos-ptr/app/db-init-job.yaml`,
    plant: replaceOnce('                name: cmangos-database-creds\n', '                name: cmangos-database-credentials\n'),
    rule: REF, line: lineIs('                name: cmangos-database-credentials'),
  },
  {
    id: 'xu-pod-configmap-volume',
    offlineLimit: 'game-servers holds 12 HelmReleases not rendered offline, whose charts may make this ConfigMap (found when they render)',
    repo: XU, kind: 'pod specs',
    what: 'Job azerothcore-realm-config: configMap volume azerothcore-realmlist-sql → azerothcore-realmlist (not the generated ConfigMap, so kustomize does not rewrite it)',
    file: `${XB}/game-servers/azerothcore/app/realm-config-job.yaml`,
    plant: replaceOnce('            name: azerothcore-realmlist-sql\n', '            name: azerothcore-realmlist\n'),
    rule: REF, line: lineIs('            name: azerothcore-realmlist'),
  },
  {
    id: 'xu-pod-secret-key-ref',
    offlineLimit: 'game-servers holds 12 HelmReleases not rendered offline, whose charts may make this Secret (found when they render)',
    repo: XU, kind: 'pod specs',
    what: 'Job cmangos-barber-migration: envFrom rewritten as env valueFrom secretKeyRef, naming Secret cmangos-db-creds (it is cmangos-database-creds)',
    file: `${XB}/game-servers/cmangos/app/migrations/barber-migration-job.yaml`,
    plant: replaceOnce('          envFrom:\n            - secretRef:\n                name: cmangos-database-creds\n', `          env:
            - name: MANGOS_DBUSER
              valueFrom:
                secretKeyRef:
                  name: cmangos-db-creds
                  key: MANGOS_DBUSER
            - name: MANGOS_DBPASS
              valueFrom:
                secretKeyRef:
                  name: cmangos-db-creds
                  key: MANGOS_DBPASS
`),
    rule: REF,
    lines: [
      { file: `${XB}/game-servers/cmangos/app/migrations/barber-migration-job.yaml`, line: lineIs('                  name: cmangos-db-creds') },
      { file: `${XB}/game-servers/cmangos/app/migrations/barber-migration-job.yaml`, line: lineIs('                  name: cmangos-db-creds', { nth: 2 }) },
    ],
  },
  {
    id: 'xu-pod-service-account',
    offlineLimit: 'game-servers holds 12 HelmReleases not rendered offline, whose charts may make this ServiceAccount (found when they render)',
    repo: XU, kind: 'pod specs',
    what: 'Job cmangos-transmog-migration gets serviceAccountName: cmangos-migrations, a ServiceAccount never created',
    file: `${XB}/game-servers/cmangos/app/migrations/transmog-migration-job.yaml`,
    plant: replaceOnce('      restartPolicy: Never\n', '      restartPolicy: Never\n      serviceAccountName: cmangos-migrations\n'),
    rule: REF, line: lineIs('      serviceAccountName: cmangos-migrations'),
  },
  {
    id: 'xu-pod-pvc-claim',
    offlineLimit: 'game-servers holds 12 HelmReleases not rendered offline, whose charts may make this claim (found when they render)',
    repo: XU, kind: 'pod specs',
    what: 'new cmangos-database/app/backup-cronjob.yaml: CronJob mounting PVC cmangos-database-dumps, which was never added',
    file: `${XB}/game-servers/cmangos-database/app/backup-cronjob.yaml`,
    plant: create(xuBackupCronJob),
    also: [{ file: `${XB}/game-servers/cmangos-database/app/kustomization.yaml`, plant: addResource('volsync-externalsecret.yaml', 'backup-cronjob.yaml') }],
    rule: REF, line: lineIs('                claimName: cmangos-database-dumps'),
  },
  {
    id: 'xu-pod-image-pull-secret',
    offlineLimit: 'game-servers holds 12 HelmReleases not rendered offline, whose charts may make this Secret (found when they render)',
    repo: XU, kind: 'pod specs',
    what: 'Job azerothcore-realm-config gets imagePullSecrets dockerhub-credentials (Docker Hub rate limits), a Secret never created',
    file: `${XB}/game-servers/azerothcore/app/realm-config-job.yaml`,
    plant: replaceOnce('      restartPolicy: Never\n', '      restartPolicy: Never\n      imagePullSecrets:\n        - name: dockerhub-credentials\n'),
    rule: REF, line: lineIs('        - name: dockerhub-credentials'),
  },
];

const DEFECTS: Defect[] = [...fxDefects, ...mtDefects, ...hoDefects, ...xuDefects];

// ---------------------------------------------------------------------------------------------
// Harness

const corpus = path.join(sharedDir, 'corpus');
const work = mkdtempSync(path.join(os.tmpdir(), 'slipway-corpus-planted-'));
let copies = 0;

interface Planted {
  /** Planted text of every edited file. */
  files: Map<string, string>;
  /** Expected locations (any one of them). */
  expect: Array<{ file: string; line: number }>;
}

function readOr(root: string, file: string): string {
  const abs = path.join(root, file);
  return existsSync(abs) ? readFileSync(abs, 'utf8') : '';
}

/** Applies a defect's plants to the original texts in memory and computes where it must be found. */
function plantInMemory(d: Defect): Planted {
  const root = path.join(corpus, d.repo);
  const files = new Map<string, string>();
  for (const e of [{ file: d.file, plant: d.plant }, ...(d.also ?? [])]) {
    const before = files.get(e.file) ?? readOr(root, e.file);
    const next = e.plant(before);
    assert.notEqual(next, before, `${d.id}: the plant did not change ${e.file}`);
    files.set(e.file, next);
  }
  const textOf = (file: string) => files.get(file) ?? readOr(root, file);
  const locations: Location[] = d.lines ?? [{ file: d.file, line: d.line ?? (() => { throw new Error(`${d.id}: no line`); }) }];
  const expect = locations.map((l) => ({ file: l.file, line: l.line(textOf(l.file)) }));
  return { files, expect };
}

function copyRepo(repo: Repo, label: string): string {
  const dir = path.join(work, `${String(++copies).padStart(2, '0')}-${label}`);
  cpSync(path.join(corpus, repo), dir, { recursive: true });
  return dir;
}

async function check(dir: string): Promise<{ findings: Finding[]; ms: number; cpuMs: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await runCheck(dir, { schemaDirs: [sharedSchemas], cacheDir: false, render: false });
  const used = process.cpuUsage(cpu);
  return { findings: result.findings, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

const key = (f: Finding) => `${f.rule}|${f.file}|${f.line}|${f.message}`;
const show = (f: Finding) => `    ${f.rule} ${f.severity} ${f.file}:${f.line ?? '-'} ${f.message}`;
const where = (e: { file: string; line: number }) => `${e.file}:${e.line}`;

function limited(lines: string[], max = 30): string {
  if (lines.length === 0) return '    (none)';
  return [...lines.slice(0, max), ...(lines.length > max ? [`    … ${lines.length - max} more`] : [])].join('\n');
}

const baselines = new Map<Repo, Finding[]>();
const outcome = new Map<string, { detected: boolean; hit?: Finding }>();
const timings: Array<{ label: string; ms: number; cpuMs: number }> = [];
const suiteStarted = performance.now();

const REPOS: Repo[] = [FX, MT, HO, XU];

describe('planted reference and ordering defects in the corpus (issue 10)', () => {
  after(() => {
    rmSync(work, { recursive: true, force: true });
    const detected = DEFECTS.filter((d) => outcome.get(d.id)?.detected).map((d) => d.id);
    const checked = DEFECTS.filter((d) => outcome.has(d.id)).length;
    const total = (performance.now() - suiteStarted) / 1000;
    const cpu = timings.reduce((a, t) => a + t.cpuMs, 0) / 1000;
    console.log(`corpus-planted: ${detected.length}/${checked} defects detected in ${total.toFixed(1)} s (${timings.length} checks, ${cpu.toFixed(0)} s CPU, load average ${os.loadavg()[0].toFixed(1)})`);
    for (const id of detected) {
      const f = outcome.get(id)!.hit!;
      console.log(`  detected ${id}: ${f.file}:${f.line} ${f.message.slice(0, 200)}`);
    }
    const missed = DEFECTS.filter((d) => outcome.has(d.id) && !outcome.get(d.id)!.detected).map((d) => d.id);
    if (missed.length) console.log(`  not detected: ${missed.join(', ')}`);
    for (const r of REPOS) {
      const of = timings.filter((t) => t.label.startsWith(`${r} `));
      const avg = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length / 1000).toFixed(1);
      if (of.length) console.log(`  ${r}: ${of.length} checks, ${avg(of.map((t) => t.ms))} s wall / ${avg(of.map((t) => t.cpuMs))} s CPU each on average`);
    }
  });

  it('defines at least 30 defects covering every reference kind and ordering shape, with unique ids, all listed in check-corpus-planted.md', () => {
    assert.ok(DEFECTS.length >= 30, `only ${DEFECTS.length} defects`);
    assert.equal(new Set(DEFECTS.map((d) => d.id)).size, DEFECTS.length, 'duplicate ids');
    const kinds = new Set(DEFECTS.map((d) => d.kind));
    for (const k of ['namespaces', 'storage classes', 'secret stores and issuers', 'Gateway API', 'Ingress', 'pod specs', 'Flux', 'NetworkPolicy', 'ownership', 'missing dependsOn for a CRD']) {
      assert.ok(kinds.has(k), `no defect of kind ${k}`);
    }
    for (const shape of ['deadlock (a)', 'deadlock (b)', 'deadlock (c)']) {
      assert.ok([...kinds].some((k) => k.startsWith(shape)), `no defect of shape ${shape}`);
    }
    const md = readFileSync(path.join(repoRoot, 'test', 'check-corpus-planted.md'), 'utf8');
    const unlisted = DEFECTS.filter((d) => !md.includes(`\`${d.id}\``)).map((d) => d.id);
    assert.deepEqual(unlisted, [], 'defects missing from test/check-corpus-planted.md');
  });

  for (const repo of REPOS) {
    const defects = DEFECTS.filter((d) => d.repo === repo);
    if (defects.length === 0) continue;

    describe(repo, () => {
      before(async () => {
        const dir = copyRepo(repo, 'unplanted');
        try {
          const { findings, ms, cpuMs } = await check(dir);
          baselines.set(repo, findings);
          timings.push({ label: `${repo} unplanted`, ms, cpuMs });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it('the unplanted copy has no finding of any planted rule at a planted location', () => {
        const baseline = baselines.get(repo);
        assert.ok(baseline, 'the unplanted copy was not checked');
        const clashes: string[] = [];
        for (const d of defects) {
          for (const e of plantInMemory(d).expect) {
            for (const f of baseline.filter((f) => f.rule === d.rule && f.file === e.file && f.line === e.line)) {
              clashes.push(`  ${d.id}: already in the unplanted copy:\n${show(f)}`);
            }
          }
        }
        assert.deepEqual(clashes, [], clashes.join('\n'));
      });

      for (const d of defects) {
        it(`${d.id}: ${d.rule} — ${d.what}`, d.offlineLimit ? { todo: d.offlineLimit } : {}, async () => {
          const planted = plantInMemory(d);
          const dir = copyRepo(repo, d.id);
          try {
            for (const [file, text] of planted.files) {
              mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
              writeFileSync(path.join(dir, file), text);
            }
            const { findings, ms, cpuMs } = await check(dir);
            timings.push({ label: `${repo} ${d.id}`, ms, cpuMs });
            const hit = (f: Finding) => f.rule === d.rule && planted.expect.some((e) => e.file === f.file && e.line === f.line);
            const hits = findings.filter(hit);
            const ok = hits.some((f) => f.severity === 'error') && findings.some((f) => f.severity === 'error');
            outcome.set(d.id, { detected: ok, hit: hits.find((f) => f.severity === 'error') });
            if (ok) return;

            const known = new Set((baselines.get(repo) ?? []).map(key));
            const files = new Set([d.file, ...planted.expect.map((e) => e.file)]);
            const near = findings.filter((f) => f.file !== undefined && files.has(f.file));
            const fresh = findings.filter((f) => !known.has(key(f)) && !(f.file !== undefined && files.has(f.file)));
            assert.fail([
              `${d.id} (${repo}): ${d.what}`,
              `  expected: ${d.rule} error at ${planted.expect.map(where).join(' or ')}`,
              hits.length ? `  found there, but not as an error:\n${limited(hits.map(show))}` : `  not found there.`,
              `  findings in ${[...files].join(', ')}:`,
              limited(near.map(show)),
              `  other findings the plant added (not in the unplanted copy):`,
              limited(fresh.map(show), 15),
            ].join('\n'));
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        });
      }
    });
  }
});
