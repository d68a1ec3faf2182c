// Planted defects for two ways a bootstrap hangs or a cluster quietly breaks, and their fixed
// twins: helm/wait-never-ready (a release Helm waits for whose workload mounts a Secret only
// its post-install hook makes; a LoadBalancer Service whose only address pool is downstream)
// and network/egress-essentials (CoreDNS or a controller cut off from the API server, a pod
// that talks out without DNS). Each defect is found at its file and line with exit code 1.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCheck } from '../src/check/engine.js';
import type { Finding } from '../src/check/finding.js';
import { fluxBootstrapFiles, sharedSchemas } from './helpers.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'slipway-wait-egress-'));
after(() => rmSync(work, { recursive: true, force: true }));

function write(name: string, files: Record<string, string>): string {
  const dir = path.join(work, name);
  for (const [f, text] of Object.entries({ ...fluxBootstrapFiles('dev'), ...files })) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

async function check(root: string, rule: string): Promise<Finding[]> {
  const result = await runCheck(root, { schemaDirs: [sharedSchemas], cacheDir: false, offline: true });
  return result.findings.filter((f) => f.rule === rule);
}

const kustomization = (...resources: string[]) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;

// A chart like Cilium's with `tls.auto.method: cronJob`: the relay mounts certificates that a
// post-install hook Job writes; the API is a LoadBalancer Service.
const CHART: Record<string, string> = {
  'charts/mesh/Chart.yaml': 'apiVersion: v2\nname: mesh\nversion: 0.1.0\n',
  'charts/mesh/values.yaml': 'certsByHook: true\nloadBalancer: true\n',
  'charts/mesh/templates/relay.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: relay
spec:
  selector: { matchLabels: { app: relay } }
  template:
    metadata: { labels: { app: relay } }
    spec:
      containers:
        - name: relay
          image: ghcr.io/example/relay:1.0.0
          resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { memory: 64Mi } }
          volumeMounts: [{ name: tls, mountPath: /tls }]
      volumes:
        - name: tls
          secret: { secretName: relay-certs }
`,
  'charts/mesh/templates/certs.yaml': `{{- if .Values.certsByHook }}
apiVersion: batch/v1
kind: Job
metadata:
  name: generate-certs
  annotations: { helm.sh/hook: post-install,post-upgrade }
spec:
  template:
    spec:
      restartPolicy: OnFailure
      containers:
        - name: certgen
          image: ghcr.io/example/certgen:1.0.0
          args: [--relay-secret-name=relay-certs]
          resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { memory: 64Mi } }
{{- else }}
apiVersion: v1
kind: Secret
metadata:
  name: relay-certs
type: kubernetes.io/tls
data:
  tls.crt: {{ "cert" | b64enc }}
  tls.key: {{ "key" | b64enc }}
{{- end }}
`,
  'charts/mesh/templates/api.yaml': `apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  type: {{ if .Values.loadBalancer }}LoadBalancer{{ else }}ClusterIP{{ end }}
  selector: { app: relay }
  ports: [{ port: 2379 }]
`,
};

const release = (values: string, extraSpec = '') => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: mesh
  namespace: kube-system
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/mesh
      sourceRef: { kind: GitRepository, name: flux-system, namespace: flux-system }
  install: { remediation: { retries: 3 }${extraSpec} }
  upgrade: { remediation: { retries: 3 } }
  values:
${values}`;

const POOL = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: pool\nspec:\n  blocks: [{ cidr: 10.0.20.0/24 }]\n';

describe('helm/wait-never-ready', () => {
  it('finds a Secret only a post-install hook makes, and a pool applied downstream, at the HelmRelease', async () => {
    const root = write('planted', {
      ...CHART,
      'infra/kustomization.yaml': kustomization('mesh.yaml'),
      'infra/mesh.yaml': release('    certsByHook: true\n    loadBalancer: true\n'),
      'apps/kustomization.yaml': kustomization('pool.yaml'),
      'apps/pool.yaml': POOL,
    });
    const found = await check(root, 'helm/wait-never-ready');
    assert.deepEqual(found.map((f) => `${f.file}:${f.line}`), ['infra/mesh.yaml:6', 'infra/mesh.yaml:6']);
    assert.match(found[0].message, /waits for Deployment kube-system\/relay, which mounts Secret relay-certs; only the release's post-install hook Job generate-certs creates it/);
    assert.match(found[1].message, /waits for LoadBalancer Service kube-system\/api, but every address pool of the cluster is applied by flux-system\/apps, downstream of flux-system\/infra/);
    assert.equal(found[0].severity, 'error');
  });

  it('is silent when the chart makes the Secret itself and the pool is applied with the release', async () => {
    const root = write('fixed', {
      ...CHART,
      'infra/kustomization.yaml': kustomization('mesh.yaml', 'pool.yaml'),
      'infra/mesh.yaml': release('    certsByHook: false\n    loadBalancer: true\n'),
      'infra/pool.yaml': POOL,
      'apps/kustomization.yaml': kustomization('cm.yaml'),
      'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: kube-system\n',
    });
    assert.deepEqual(await check(root, 'helm/wait-never-ready'), []);
  });

  it('is silent for a release that does not wait', async () => {
    const root = write('nowait', {
      ...CHART,
      'infra/kustomization.yaml': kustomization('mesh.yaml'),
      'infra/mesh.yaml': release('    certsByHook: true\n    loadBalancer: true\n', ', disableWait: true'),
      'apps/kustomization.yaml': kustomization('pool.yaml'),
      'apps/pool.yaml': POOL,
    });
    assert.deepEqual(await check(root, 'helm/wait-never-ready'), []);
  });
});

const deployment = (name: string, ns: string, labels: string, image: string, serviceAccount = 'default') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector: { matchLabels: ${labels} }
  template:
    metadata: { labels: ${labels} }
    spec:
      serviceAccountName: ${serviceAccount}
      containers:
        - name: main
          image: ${image}
          resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { memory: 64Mi } }
`;

const egress = (name: string, ns: string, labels: string, port: number, protocol = 'TCP', to = '') => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  podSelector: { matchLabels: ${labels} }
  policyTypes: [Egress]
  egress:
    - ${to ? `to: [${to}]\n      ` : ''}ports: [{ port: ${port}, protocol: ${protocol} }]
`;

const RBAC = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: operator
  namespace: ops
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: operator
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects: [{ kind: ServiceAccount, name: operator, namespace: ops }]
`;

function egressRepo(name: string, fixed: boolean): string {
  const api = (ns: string, labels: string) => `---\n${egress(`${ns}-api`, ns, labels, 6443, 'TCP', '{ ipBlock: { cidr: 10.0.0.0/24 } }')}`;
  const dns = (ns: string, labels: string) => `---\n${egress(`${ns}-dns`, ns, labels, 53, 'UDP')}`;
  return write(name, {
    'infra/kustomization.yaml': kustomization('coredns.yaml', 'operator.yaml', 'relay.yaml'),
    'infra/coredns.yaml': `${deployment('coredns', 'kube-system', '{ k8s-app: kube-dns }', 'registry.k8s.io/coredns/coredns:v1.12.0')}---\n` +
      `${egress('allow-dns-upstream', 'kube-system', '{ k8s-app: kube-dns }', 53, 'UDP')}${fixed ? api('kube-system', '{ k8s-app: kube-dns }') : ''}`,
    'infra/operator.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ops\n---\n${RBAC}---\n${deployment('operator', 'ops', '{ app: operator }', 'ghcr.io/example/operator:1.0.0', 'operator')}---\n` +
      `${egress('allow-webhooks', 'ops', '{ app: operator }', 8443)}${fixed ? api('ops', '{ app: operator }') + dns('ops', '{ app: operator }') : ''}`,
    'infra/relay.yaml': `${deployment('relay', 'kube-system', '{ app: relay }', 'ghcr.io/example/relay:1.0.0')}---\n` +
      `${egress('allow-relay-to-agents', 'kube-system', '{ app: relay }', 4244)}${fixed ? dns('kube-system', '{ app: relay }') : ''}`,
    'apps/kustomization.yaml': kustomization('cm.yaml'),
    'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: ops\n',
  });
}

describe('network/egress-essentials', () => {
  it('finds CoreDNS and a controller without the API server, and pods that talk out without DNS, at the policy', async () => {
    const found = await check(egressRepo('egress-planted', false), 'network/egress-essentials');
    const got = found.map((f) => `${f.file}:${f.line} ${f.resource?.name}: ${f.message.replace(/^.* which allow no egress to /, '')}`).sort();
    assert.deepEqual(got, [
      'infra/coredns.yaml:22 coredns: the API server (its kubernetes plugin watches Services and EndpointSlices)',
      'infra/operator.yaml:40 operator: the API server (ServiceAccount operator is granted RBAC) or to DNS (UDP 53 to kube-dns)',
      'infra/relay.yaml:22 relay: DNS (UDP 53 to kube-dns)',
    ]);
    assert.ok(found.every((f) => f.severity === 'error'));
  });

  it('is silent once the API server and DNS are allowed', async () => {
    assert.deepEqual(await check(egressRepo('egress-fixed', true), 'network/egress-essentials'), []);
  });
});
