// Planted defects: a clean two-cluster Flux repository (test/fixtures/check/clean) checks with
// no findings; each test copies it, plants exactly one defect, and asserts that exactly the rule
// for that defect fires — nothing else new — at the file and line of the defect.
// HelmReleases are not rendered here (their charts are not all in ../shared/charts); planted
// defects inside rendered charts are test/helm-render.test.ts's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCheck } from '../src/check/engine.js';
import type { Finding } from '../src/check/finding.js';
import { RULE_IDS } from '../src/check/rules/index.js';
import { repoRoot, sharedSchemas, slipwayBin } from './helpers.js';

const clean = path.join(repoRoot, 'test', 'fixtures', 'check', 'clean');
const work = mkdtempSync(path.join(os.tmpdir(), 'slipway-planted-'));
const cacheDir = path.join(work, '.cache');
let counter = 0;

const ECHO = 'kubernetes/apps/echo/echo';
const PODINFO = 'kubernetes/apps/podinfo/podinfo';

async function check(dir: string): Promise<Finding[]> {
  const result = await runCheck(dir, { schemaDirs: [sharedSchemas], cacheDir, render: false });
  return result.findings;
}

const key = (f: Finding) => `${f.rule}|${f.file}|${f.line}|${f.message}`;

/** A fresh copy of the clean fixture. */
function copy(): string {
  const dir = path.join(work, `case-${++counter}`);
  cpSync(clean, dir, { recursive: true });
  return dir;
}

/** Replaces `from` (which must occur) by `to` in `file`. */
function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const abs = path.join(dir, file);
  const text = readFileSync(abs, 'utf8');
  const next = text.replace(from, to);
  assert.notEqual(next, text, `plant: "${from}" not found in ${file}`);
  writeFileSync(abs, next);
}

function append(dir: string, file: string, text: string): void {
  const abs = path.join(dir, file);
  writeFileSync(abs, readFileSync(abs, 'utf8') + text);
}

/** 1-based line of the first line containing `needle` in the planted copy. */
function lineOf(dir: string, file: string, needle: string, occurrence = 1, whole = false): number {
  const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if ((whole ? lines[i].trim() === needle : lines[i].includes(needle)) && ++seen === occurrence) return i + 1;
  throw new Error(`"${needle}" not in ${file}`);
}

/** The line of the `spec:` key of the document in which `needle` appears. */
function specLineAbove(dir: string, file: string, needle: string): number {
  const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
  for (let i = lineOf(dir, file, needle) - 1; i >= 0; i--) if (lines[i] === 'spec:') return i + 1;
  throw new Error(`no spec: above "${needle}" in ${file}`);
}

let baseline: Finding[] = [];

interface Expect { file: string; line: number; severity?: Finding['severity'] }

/** Plants a defect, checks, and asserts that only `rule` is new and that it points at `where`. */
async function plantedFindings(rule: string, plant: (dir: string) => Expect | Expect[]): Promise<Finding[]> {
  const dir = copy();
  const expected = [plant(dir)].flat();
  const findings = await check(dir);
  const known = new Set(baseline.map(key));
  const fresh = findings.filter((f) => !known.has(key(f)));
  const describe = (fs: Finding[]) => fs.map((f) => `  ${f.rule} ${f.severity} ${f.file}:${f.line} ${f.message}`).join('\n');
  assert.ok(fresh.length > 0, `${rule}: nothing new fired`);
  const others = fresh.filter((f) => f.rule !== rule);
  assert.deepEqual(others.map(key), [], `${rule}: other rules fired too:\n${describe(others)}`);
  for (const e of expected) {
    const hit = fresh.find((f) => f.file === e.file && f.line === e.line && (!e.severity || f.severity === e.severity));
    assert.ok(hit, `${rule}: no finding at ${e.file}:${e.line}${e.severity ? ` (${e.severity})` : ''}; got:\n${describe(fresh)}`);
  }
  rmSync(dir, { recursive: true, force: true });
  return fresh;
}

async function planted(rule: string, plant: (dir: string) => Expect | Expect[]): Promise<void> {
  await plantedFindings(rule, plant);
}

describe('planted defects', () => {
  before(async () => {
    baseline = await check(clean);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('the clean fixture has no findings', async () => {
    assert.deepEqual(baseline.map(key), []);
    const result = await runCheck(clean, { schemaDirs: [sharedSchemas], cacheDir, render: false });
    assert.deepEqual(result.clusters.map((c) => c.name), ['alpha', 'beta']);
    assert.ok(result.clusters.every((c) => c.kustomizations >= 9 && c.resources > 25));
  });

  it('yaml/parse', () => planted('yaml/parse', (dir) => {
    const file = `${ECHO}/app/service.yaml`;
    edit(dir, file, '  selector:\n', '  selector:\n\tbad-indent: true\n');
    return { file, line: lineOf(dir, file, 'bad-indent') };
  }));

  it('yaml/duplicate-key', () => planted('yaml/duplicate-key', (dir) => {
    const file = `${ECHO}/app/deployment.yaml`;
    edit(dir, file, '  replicas: 2\n', '  replicas: 2\n  replicas: 3\n');
    return { file, line: lineOf(dir, file, 'replicas: 3') };
  }));

  it('kustomize/build', () => planted('kustomize/build', (dir) => {
    const file = `${ECHO}/app/kustomization.yaml`;
    edit(dir, file, '  - ./httproute.yaml\n', '  - ./httproute.yaml\n  - ./missing.yaml\n');
    return { file, line: lineOf(dir, file, 'missing.yaml') };
  }));

  it('schema/invalid', () => planted('schema/invalid', (dir) => {
    const file = `${ECHO}/app/deployment.yaml`;
    edit(dir, file, '  replicas: 2\n', '  replicas: 2\n  replica: 2\n');
    return { file, line: lineOf(dir, file, 'replica: 2') };
  }));

  it('schema/missing', () => planted('schema/missing', (dir) => {
    const file = `${ECHO}/app/service.yaml`;
    append(dir, file, '---\napiVersion: widgets.example.com/v1\nkind: Widget\nmetadata:\n  name: echo\nspec:\n  size: 3\n');
    return { file, line: lineOf(dir, file, 'apiVersion: widgets.example.com/v1') };
  }));

  it('k8s/deprecated-api (removed at the target version: error)', () => planted('k8s/deprecated-api', (dir) => {
    const file = `${ECHO}/app/service.yaml`;
    append(dir, file, '---\napiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: echo\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: echo\n  minReplicas: 2\n  maxReplicas: 4\n');
    return { file, line: lineOf(dir, file, 'apiVersion: autoscaling/v2beta2'), severity: 'error' };
  }));

  it('k8s/deprecated-api (an API the target version does not serve yet, from the release notes: error)', () => planted('k8s/deprecated-api', (dir) => {
    const file = `${ECHO}/app/service.yaml`;
    append(dir, file, '---\napiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata:\n  name: extra\nspec:\n  cidrs:\n    - 10.100.0.0/16\n');
    return { file, line: lineOf(dir, file, 'kind: ServiceCIDR') - 1, severity: 'error' };
  }));

  it('k8s/deprecated-api (an API missing from the --schemas folder of the target version, though newer Kubernetes has it: error)', async () => {
    const fresh = await plantedFindings('k8s/deprecated-api', (dir) => {
      const file = `${ECHO}/app/service.yaml`;
      append(dir, file, '---\napiVersion: certificates.k8s.io/v1beta1\nkind: ClusterTrustBundle\nmetadata:\n  name: example\nspec:\n  trustBundle: placeholder\n');
      return { file, line: lineOf(dir, file, 'apiVersion: certificates.k8s.io/v1beta1'), severity: 'error' };
    });
    assert.match(fresh[0].message, /not served by Kubernetes 1\.31: its schemas \(.*v1\.31\.0-standalone-strict\) lack it/);
  });

  it('flux/dependency-missing: a CR whose CRD provider is not upstream', () => planted('flux/dependency-missing', (dir) => {
    edit(dir, `${PODINFO}/ks.yaml`, '  dependsOn:\n    - name: external-secrets-stores\n', '');
    // one finding per (dependent, provider), at the dependent's Kustomization: it has no dependsOn left, so its spec
    const file = `${PODINFO}/ks.yaml`;
    return { file, line: lineOf(dir, file, 'spec:'), severity: 'error' };
  }));

  it('flux/dependency-missing: the provider is upstream but does not wait for its HelmRelease', async () => {
    const fresh = await plantedFindings('flux/dependency-missing', (dir) => {
      // a health check on something else satisfies flux/kustomization-settings, not the CRD ordering
      edit(dir, 'clusters/alpha/infrastructure.yaml', /(  path: \.\/kubernetes\/infrastructure\/external-secrets\/app\n  prune: true\n)  wait: true\n/,
        '$1  healthChecks:\n    - apiVersion: v1\n      kind: Namespace\n      name: external-secrets\n');
      // the fix is the provider's: it must wait, so the finding is at its spec
      const file = 'clusters/alpha/infrastructure.yaml';
      return { file, line: specLineAbove(dir, file, 'path: ./kubernetes/infrastructure/external-secrets/app'), severity: 'error' };
    });
    assert.ok(fresh.some((f) => /does not wait for it/.test(f.message) && /wait: true/.test(f.message)), fresh.map((f) => f.message).join('\n'));
  });

  it('flux/dependency-missing: a soft dependency (secret store) is a warning that says it retries', async () => {
    const fresh = await plantedFindings('flux/dependency-missing', (dir) => {
      // depends on the CRD's provider (waiting), but not on the Kustomization that makes the store
      edit(dir, `${ECHO}/ks.yaml`, '    - name: external-secrets-stores\n', '    - name: external-secrets\n');
      const file = `${ECHO}/ks.yaml`;
      return { file, line: lineOf(dir, file, 'dependsOn:'), severity: 'warning' };
    });
    assert.ok(fresh.every((f) => f.severity === 'warning' && /retr(y|ies) until/.test(f.message)), fresh.map((f) => f.message).join('\n'));
  });

  it('flux/dependency-cycle', async () => {
    const file = 'clusters/alpha/infrastructure.yaml';
    let starts: number[] = [];
    const fresh = await plantedFindings('flux/dependency-cycle', (dir) => {
      edit(dir, file, '  dependsOn:\n    - name: infra-sources\n', '  dependsOn:\n    - name: infra-sources\n    - name: external-secrets-stores\n');
      // the cycle external-secrets → external-secrets-stores → external-secrets is reported once,
      // at the first Kustomization on it
      const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
      // documents start with apiVersion, three lines above metadata.name
      starts = ['  name: external-secrets', '  name: external-secrets-stores'].map((l) => lines.indexOf(l) + 1 - 3);
      return [];
    });
    assert.equal(fresh.length, 1, fresh.map(key).join('\n'));
    assert.equal(fresh[0].file, file);
    assert.ok(starts.includes(fresh[0].line!), `line ${fresh[0].line} is not the start of external-secrets (${starts[0]}) or external-secrets-stores (${starts[1]})`);
    assert.match(fresh[0].message, /external-secrets-stores/);
  });

  it('flux/dependency-unknown', () => planted('flux/dependency-unknown', (dir) => {
    const file = `${ECHO}/ks.yaml`;
    edit(dir, file, '    - name: external-secrets-stores\n', '    - name: external-secrets-stores\n    - name: does-not-exist\n');
    return { file, line: lineOf(dir, file, '- name: does-not-exist') };
  }));

  it('flux/source-missing (chartRef to a missing OCIRepository)', () => planted('flux/source-missing', (dir) => {
    const file = `${PODINFO}/app/helmrelease.yaml`;
    edit(dir, file, '    name: podinfo\n', '    name: podinfo-chart\n');
    return { file, line: lineOf(dir, file, 'name: podinfo-chart') };
  }));

  it('flux/source-missing (missing HelmRepository)', () => planted('flux/source-missing', (dir) => {
    const file = 'kubernetes/infrastructure/external-secrets/app/helmrelease.yaml';
    edit(dir, file, '        name: external-secrets\n        namespace: flux-system', '        name: external-secret\n        namespace: flux-system');
    // at the name that is wrong: chart.spec.sourceRef.name
    return { file, line: lineOf(dir, file, 'name: external-secret', 1, true) };
  }));

  it('flux/path-missing', () => planted('flux/path-missing', (dir) => {
    const file = `${ECHO}/ks.yaml`;
    edit(dir, file, 'path: ./kubernetes/apps/echo/echo/app', 'path: ./kubernetes/apps/echo/app');
    return { file, line: lineOf(dir, file, 'path: ./kubernetes/apps/echo/app') };
  }));

  it('flux/substitution-unresolved', () => planted('flux/substitution-unresolved', (dir) => {
    const file = `${ECHO}/app/deployment.yaml`;
    edit(dir, file, 'value: ${CLUSTER_NAME}', 'value: ${CLUSTER_REGION}');
    return { file, line: lineOf(dir, file, '${CLUSTER_REGION}') };
  }));

  // Flux defaults timeout and retryInterval to the interval, so only what others rely on is asked
  // for by default: wait (or health checks) on a Kustomization that others dependsOn
  it('flux/kustomization-settings', async () => {
    const file = 'clusters/alpha/infrastructure.yaml';
    const fresh = await plantedFindings('flux/kustomization-settings', (dir) => {
      edit(dir, file, /(  path: \.\/kubernetes\/infrastructure\/external-secrets\/stores\n  prune: true\n)  wait: true\n/, '$1');
      return { file, line: lineOf(dir, file, 'spec:', 5) };
    });
    assert.equal(fresh.length, 1, fresh.map(key).join('\n'));
    assert.match(fresh[0].message, /flux-system\/external-secrets-stores does not set wait or healthChecks \(.*echo.*podinfo.* depend on it/);
  });

  it('flux/kustomization-settings: a missing timeout is Flux\'s default, not a finding', async () => {
    const dir = copy();
    edit(dir, `${ECHO}/ks.yaml`, '  timeout: 5m\n', '');
    assert.deepEqual((await check(dir)).map(key), []);
  });

  it('flux/helmrelease-remediation', () => planted('flux/helmrelease-remediation', (dir) => {
    const file = `${PODINFO}/app/helmrelease.yaml`;
    edit(dir, file, '    remediation:\n      retries: 3\n      strategy: rollback\n', '');
    return { file, line: lineOf(dir, file, '  upgrade:') };
  }));

  it('secrets/plaintext', () => planted('secrets/plaintext', (dir) => {
    const file = `${ECHO}/app/externalsecret.yaml`;
    append(dir, file, '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: echo-admin\nstringData:\n  password: hunter2-but-longer\n');
    return { file, line: lineOf(dir, file, '  password: hunter2') };
  }));

  it('secrets/plaintext ignores SOPS files and ${VAR}-only Secrets', async () => {
    const dir = copy();
    append(dir, `${ECHO}/app/externalsecret.yaml`, '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: echo-vars\nstringData:\n  password: ${CLUSTER_NAME}\n  url: postgres://${APP}:${CLUSTER_ID}@db:5432\n');
    append(dir, `${ECHO}/app/externalsecret.yaml`, '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: echo-sops\nstringData:\n  password: ENC[AES256_GCM,data:abcd,iv:efgh,tag:ijkl,type:str]\nsops:\n  mac: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\n  version: 3.9.0\n');
    const findings = (await check(dir)).filter((f) => f.rule === 'secrets/plaintext');
    assert.deepEqual(findings.map(key), []);
  });

  it('pod-security/baseline', () => planted('pod-security/baseline', (dir) => {
    const file = `${ECHO}/app/deployment.yaml`;
    edit(dir, file, '      securityContext:\n        runAsNonRoot: true\n', '      hostPID: true\n      securityContext:\n        runAsNonRoot: true\n');
    return { file, line: lineOf(dir, file, 'hostPID: true') };
  }));

  it('pod-security/restricted', () => planted('pod-security/restricted', (dir) => {
    const file = `${ECHO}/app/deployment.yaml`;
    edit(dir, file, '            allowPrivilegeEscalation: false\n', '');
    return { file, line: lineOf(dir, file, '          securityContext:') };
  }));

  it('workload/resources', () => planted('workload/resources', (dir) => {
    const file = `${ECHO}/app/deployment.yaml`;
    edit(dir, file, /          resources:\n(            .*\n|              .*\n)+/, '');
    return { file, line: lineOf(dir, file, '- name: echo') };
  }));

  it('workload/image-tag', () => planted('workload/image-tag', (dir) => {
    const file = `${ECHO}/app/deployment.yaml`;
    edit(dir, file, /image: \S+/, 'image: ghcr.io/mendhak/http-https-echo:latest');
    return { file, line: lineOf(dir, file, 'image: ') };
  }));

  it('network/default-deny', () => planted('network/default-deny', (dir) => {
    writeFileSync(path.join(dir, `${ECHO}/app/networkpolicy.yaml`),
      '---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-http\nspec:\n  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: echo\n  policyTypes:\n    - Ingress\n  ingress:\n    - ports:\n        - port: 8080\n');
    const file = `${ECHO}/app/namespace.yaml`;
    return { file, line: lineOf(dir, file, 'apiVersion: v1') };
  }));

  it('network/default-deny is quiet for a namespace that only holds Secrets and permissions', async () => {
    const dir = copy();
    const file = 'kubernetes/infrastructure/cilium/config/secrets-namespace.yaml';
    writeFileSync(path.join(dir, file), '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: cilium-secrets\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: read\n  namespace: cilium-secrets\nrules:\n  - apiGroups: [""]\n    resources: [secrets]\n    verbs: [get]\n');
    append(dir, 'kubernetes/infrastructure/cilium/config/kustomization.yaml', '  - ./secrets-namespace.yaml\n');
    const known = new Set(baseline.map(key));
    assert.deepEqual((await check(dir)).filter((f) => !known.has(key(f))).map(key), []);
    // the same namespace with a workload in it is flagged
    append(dir, file, '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: cilium-secrets\nspec:\n  containers:\n    - name: c\n      image: ghcr.io/example/c:1.0.0\n      resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { memory: 32Mi } }\n');
    const fresh = (await check(dir)).filter((f) => !known.has(key(f)) && f.rule === 'network/default-deny');
    assert.deepEqual(fresh.map((f) => `${f.file}:${f.line}`), [`${file}:${lineOf(dir, file, 'apiVersion: v1')}`]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('fleet/network-overlap', () => planted('fleet/network-overlap', (dir) => {
    edit(dir, 'clusters/beta/cluster-settings.yaml', 'POD_CIDR: 10.2.0.0/16', 'POD_CIDR: 10.1.128.0/17');
    const file = 'kubernetes/infrastructure/cilium/app/helmrelease.yaml';
    return { file, line: lineOf(dir, file, 'apiVersion: helm.toolkit.fluxcd.io/v2') };
  }));

  it('fleet/network-overlap (load-balancer pools)', () => planted('fleet/network-overlap', (dir) => {
    edit(dir, 'clusters/beta/cluster-settings.yaml', 'LB_CIDR: 192.168.20.0/24', 'LB_CIDR: 192.168.10.128/25');
    const file = 'kubernetes/infrastructure/cilium/config/ippool.yaml';
    return { file, line: lineOf(dir, file, 'apiVersion: cilium.io/v2') };
  }));

  it('fleet/cluster-identity', () => planted('fleet/cluster-identity', (dir) => {
    edit(dir, 'clusters/beta/cluster-settings.yaml', 'CLUSTER_ID: "2"', 'CLUSTER_ID: "1"');
    const file = 'kubernetes/infrastructure/cilium/app/helmrelease.yaml';
    return { file, line: lineOf(dir, file, 'apiVersion: helm.toolkit.fluxcd.io/v2') };
  }));

  it('gateway/duplicate-route', () => planted('gateway/duplicate-route', (dir) => {
    const file = `${ECHO}/app/httproute.yaml`;
    const text = readFileSync(path.join(dir, file), 'utf8');
    append(dir, file, text.replace('name: echo\nspec', 'name: echo-copy\nspec'));
    return { file, line: lineOf(dir, file, 'apiVersion: gateway.networking.k8s.io/v1', 2) };
  }));

  it('covers every rule id', () => {
    const covered = ['yaml/parse', 'yaml/duplicate-key', 'kustomize/build', 'schema/invalid', 'schema/missing', 'k8s/deprecated-api',
      'flux/dependency-missing', 'flux/dependency-cycle', 'flux/dependency-unknown', 'flux/source-missing', 'flux/path-missing',
      'flux/substitution-unresolved', 'flux/kustomization-settings', 'flux/helmrelease-remediation', 'secrets/plaintext',
      'pod-security/baseline', 'pod-security/restricted', 'workload/resources', 'workload/image-tag', 'network/default-deny',
      'fleet/network-overlap', 'fleet/cluster-identity', 'gateway/duplicate-route'];
    // rules about rendered charts are planted where charts are served: test/helm-render*.test.ts
    const plantedWithCharts = ['helm/render', 'helm/values-schema', 'helm/not-verified'];
    // references, ownership and deadlocks are planted into corpus copies (test/check-corpus-planted.test.ts),
    // bootstrap hooks in test/bootstrap-hooks.test.ts
    // and a release that never becomes ready, egress that cuts the API or DNS: test/check-wait-egress.test.ts
    const plantedElsewhere = ['ref/missing', 'flux/ownership-conflict', 'flux/ordering-deadlock', 'bootstrap/path-missing',
      'helm/wait-never-ready', 'network/egress-essentials'];
    // Argo CD repositories: test/argocd.test.ts (fixtures in test/fixtures/argocd)
    const plantedInArgo = ['argocd/sync-wave-order', 'argocd/source-missing', 'argocd/applicationset'];
    // tenancy, declared by a synthesized fleet's .slipway.yaml: test/synth-tenancy.test.ts
    const plantedInTenancy = ['flux/tenant-isolation'];
    assert.deepEqual([...RULE_IDS].sort(), [...covered, ...plantedWithCharts, ...plantedElsewhere, ...plantedInArgo, ...plantedInTenancy].sort());
  });
});

describe('planted defects through the CLI (exit codes)', () => {
  const cli = (dir: string) => spawnSync(process.execPath, [slipwayBin, 'check', dir, '--no-render', '--format', 'json', '--schemas', sharedSchemas], { encoding: 'utf8' });

  it('clean: exit 0, no findings', () => {
    const r = cli(clean);
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.version, 1);
    assert.deepEqual(json.findings, []);
  });

  it('an error-severity defect: exit 1, file relative to the repository', () => {
    const dir = path.join(work, 'cli-error');
    cpSync(clean, dir, { recursive: true });
    edit(dir, `${ECHO}/app/deployment.yaml`, '  replicas: 2\n', '  replicas: 2\n  replica: 2\n');
    const r = cli(dir);
    assert.equal(r.status, 1, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.findings.map((f: Finding) => `${f.rule} ${f.file}:${f.line}`), [`schema/invalid ${ECHO}/app/deployment.yaml:${lineOf(dir, `${ECHO}/app/deployment.yaml`, 'replica: 2')}`]);
  });

  it('a warning-only defect: exit 0', () => {
    const dir = path.join(work, 'cli-warning');
    cpSync(clean, dir, { recursive: true });
    edit(dir, `${ECHO}/app/deployment.yaml`, /image: \S+/, 'image: ghcr.io/mendhak/http-https-echo:latest');
    const r = cli(dir);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).findings.map((f: Finding) => f.rule), ['workload/image-tag']);
  });
});
