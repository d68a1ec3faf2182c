// Schema validation on the real schema data in ../shared/schemas, read in place.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import YAML from 'yaml';
import { SchemaRegistry, SchemaSourceError, displayPath, type ValidationResult } from '../src/schema/index.js';
import { clearProcessMemo } from '../src/schema/compiler.js';
import { chooseVersionFolders } from '../src/schema/sources/kube-version.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const schemasDir = path.resolve(repoRoot, '..', 'shared', 'schemas');
const crdYaml = (file: string): unknown => YAML.parse(fs.readFileSync(path.join(schemasDir, 'crd-yaml', file), 'utf8'));

const tempDirs: string[] = [];
function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `slipway-schema-${label}-`));
  tempDirs.push(dir);
  return dir;
}
after(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** One registry for most tests; its cache lives in a temp folder so runs never share state. */
const shared = await SchemaRegistry.open({ dirs: [schemasDir], kubeVersion: '1.31', cacheDir: tempDir('shared') });

function errorsOf(result: ValidationResult) {
  assert.equal(result.status, 'invalid', `expected invalid, got ${JSON.stringify(result)}`);
  return result.status === 'invalid' ? result.errors : [];
}

function deployment(patch: { replicas?: unknown; container?: Record<string, unknown>; maxSurge?: unknown } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas: 'replicas' in patch ? patch.replicas : 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'maxSurge' in patch ? patch.maxSurge : '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'ghcr.io/example/web:1.2.3',
              ports: [{ containerPort: 8080, name: 'http' }],
              resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: 1073741824 } },
              ...patch.container,
            },
          ],
        },
      },
    },
  };
}

describe('built-in kinds (k8s/v1.31.0-standalone-strict)', () => {
  test('a valid Deployment passes, judged by the 1.31 folder', () => {
    const result = shared.validate(deployment());
    assert.equal(result.status, 'valid', JSON.stringify(result));
    assert.ok(result.status === 'valid');
    assert.equal(path.basename(result.schema.location), 'deployment-apps-v1.json');
    assert.equal(result.schema.kubeVersion, '1.31.0');
    assert.equal(result.schema.fallback, false);
  });

  test('replicas: "two" is reported as a type error at /spec/replicas', () => {
    const errors = errorsOf(shared.validate(deployment({ replicas: 'two' })));
    assert.deepEqual(errors, [
      { path: '/spec/replicas', message: 'must be integer, got string', text: 'spec.replicas: must be integer, got string', keyword: 'type' },
    ]);
  });

  test('an unknown container field is reported with its JSON pointer', () => {
    const errors = errorsOf(shared.validate(deployment({ container: { foo: 'bar' } })));
    assert.deepEqual(errors, [
      {
        path: '/spec/template/spec/containers/0/foo',
        message: 'unknown field "foo"',
        text: 'spec.template.spec.containers[0].foo: unknown field',
        keyword: 'additionalProperties',
      },
    ]);
  });

  test('int-or-string accepts both forms and explains a wrong type in one message', () => {
    assert.equal(shared.validate(deployment({ maxSurge: '25%' })).status, 'valid');
    assert.equal(shared.validate(deployment({ maxSurge: 1 })).status, 'valid');
    const errors = errorsOf(shared.validate(deployment({ maxSurge: true })));
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0].path, '/spec/strategy/rollingUpdate/maxSurge');
    assert.equal(errors[0].message, 'must be string or integer, got boolean');
  });

  test('a missing required field names the field and points at its parent', () => {
    const doc = deployment();
    delete (doc.spec.template.spec.containers[0] as Record<string, unknown>).name;
    const errors = errorsOf(shared.validate(doc));
    assert.deepEqual(
      errors.map((e) => e.text),
      ['spec.template.spec.containers[0]: missing required field "name"'],
    );
  });

  test('every problem in a document is reported, in document terms', () => {
    const errors = errorsOf(shared.validate(deployment({ replicas: 'two', container: { foo: 1, ports: [{ containerPort: '8080' }] } })));
    assert.deepEqual(errors.map((e) => e.text).sort(), [
      'spec.replicas: must be integer, got string',
      'spec.template.spec.containers[0].foo: unknown field',
      'spec.template.spec.containers[0].ports[0].containerPort: must be integer, got string',
    ]);
  });
});

describe('custom resources (crds/, CRDs-catalog layout)', () => {
  const kustomization = (spec: Record<string, unknown>) => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'apps', namespace: 'flux-system' },
    spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, ...spec },
  });

  test('a Flux Kustomization passes, and a typo in a field name fails', () => {
    assert.equal(shared.validate(kustomization({})).status, 'valid');
    const errors = errorsOf(shared.validate(kustomization({ dependsOnn: [{ name: 'infra' }] })));
    assert.deepEqual(errors.map((e) => e.text), ['spec.dependsOnn: unknown field']);
  });

  test('a HelmRelease v2 accepts arbitrary spec.values (x-kubernetes-preserve-unknown-fields), but not arbitrary spec fields', () => {
    const helmRelease = (extra: Record<string, unknown>) => ({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'cilium', namespace: 'kube-system' },
      spec: {
        interval: '30m',
        chart: { spec: { chart: 'cilium', version: '1.16.5', sourceRef: { kind: 'HelmRepository', name: 'cilium' } } },
        values: { anything: { goes: [1, 'two', { three: true }] }, 'dotted.key': null, replicas: 'not-checked' },
        ...extra,
      },
    });
    assert.equal(shared.validate(helmRelease({})).status, 'valid', JSON.stringify(shared.validate(helmRelease({}))));
    const errors = errorsOf(shared.validate(helmRelease({ valuez: {} })));
    assert.deepEqual(errors.map((e) => e.path), ['/spec/valuez']);
  });

  test('an enum violation lists the allowed values', () => {
    const errors = errorsOf(shared.validate(kustomization({ sourceRef: { kind: 'GitRepo', name: 'flux-system' } })));
    assert.deepEqual(errors.map((e) => e.text), ['spec.sourceRef.kind: must be one of "OCIRepository", "GitRepository", "Bucket", "ExternalArtifact", got "GitRepo"']);
  });

  test('int-or-string in a CRD (anyOf integer/string) accepts both forms', () => {
    const serviceMonitor = (targetPort: unknown) => ({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'app' },
      spec: { selector: { matchLabels: { app: 'x' } }, endpoints: [{ targetPort, interval: '30s' }] },
    });
    assert.equal(shared.validate(serviceMonitor(8080)).status, 'valid');
    assert.equal(shared.validate(serviceMonitor('http')).status, 'valid');
    const errors = errorsOf(shared.validate(serviceMonitor({ port: 1 })));
    assert.deepEqual(errors.map((e) => e.text), ['spec.endpoints[0].targetPort: must be integer or string, got object']);
  });

  test('an unknown field at the top level is an error too', () => {
    const errors = errorsOf(shared.validate({ ...kustomization({}), sepc: {} }));
    assert.deepEqual(errors.map((e) => e.text), ['sepc: unknown field']);
  });
});

describe('Kubernetes versions and removed APIs', () => {
  const psp = {
    apiVersion: 'policy/v1beta1',
    kind: 'PodSecurityPolicy',
    metadata: { name: 'restricted' },
    spec: { privileged: false, seLinux: { rule: 'RunAsAny' }, runAsUser: { rule: 'MustRunAsNonRoot' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, volumes: ['configMap', 'secret'] },
  };

  test('policy/v1beta1 PodSecurityPolicy is missing for 1.31', () => {
    const result = shared.validate(psp);
    assert.equal(result.status, 'missing');
    assert.match(result.status === 'missing' ? result.reason : '', /policy\/v1beta1 PodSecurityPolicy/);
  });

  test('with kubeVersionFallback it is judged by the 1.21 folder, and the result says so', async () => {
    const registry = await SchemaRegistry.open({ dirs: [schemasDir], kubeVersion: '1.31', kubeVersionFallback: true, cacheDir: false });
    const result = registry.validate(psp);
    assert.equal(result.status, 'valid', JSON.stringify(result));
    assert.ok(result.status === 'valid');
    assert.equal(result.schema.fallback, true);
    assert.equal(result.schema.kubeVersion, '1.21.0');
    assert.match(result.schema.location, /v1\.21\.0-standalone-strict/);
    // Kinds the target serves still come from the target's folder.
    assert.equal(registry.lookup({ group: 'apps', version: 'v1', kind: 'Deployment' })?.kubeVersion, '1.31.0');
    // Fallback schemas are strict as well.
    assert.equal(registry.validate({ ...psp, spec: { ...psp.spec, privilegd: true } }).status, 'invalid');
  });

  test('kubeVersion 1.21 selects the 1.21 folder directly', async () => {
    const registry = await SchemaRegistry.open({ dirs: [schemasDir], kubeVersion: '1.21', cacheDir: false });
    assert.deepEqual(registry.lookup({ group: 'policy', version: 'v1beta1', kind: 'PodSecurityPolicy' })?.fallback, false);
  });

  test('version folder choice: same minor, else nearest older, fallback order nearest first', () => {
    const folders = ['1.21.0', '1.25.0', '1.31.0', '1.31.2', 'master'].map((version) => ({ dir: `/s/${version}`, version, strict: true }));
    const pick = (target?: string) => {
      const { chosen, others } = chooseVersionFolders(folders, target);
      return [chosen.version, others.map((o) => o.version)];
    };
    assert.deepEqual(pick('1.31'), ['1.31.2', ['1.31.0', '1.25.0', '1.21.0', 'master']]);
    assert.deepEqual(pick('1.28'), ['1.25.0', ['1.21.0', '1.31.0', '1.31.2', 'master']]);
    assert.deepEqual(pick('1.19'), ['1.21.0', ['1.25.0', '1.31.0', '1.31.2', 'master']]);
    assert.deepEqual(pick(undefined), ['1.31.2', ['1.31.0', '1.25.0', '1.21.0', 'master']]);
  });

  test('an invalid kubeVersion is a clear error', async () => {
    await assert.rejects(SchemaRegistry.open({ dirs: [schemasDir], kubeVersion: 'latest', cacheDir: false }), /invalid Kubernetes version "latest"/);
  });
});

describe('CRDs given at run time (crd-yaml/)', () => {
  const policy = (spec: Record<string, unknown>) => ({
    apiVersion: 'cilium.io/v2alpha1',
    kind: 'CiliumL2AnnouncementPolicy',
    metadata: { name: 'default' },
    spec: { loadBalancerIPs: true, interfaces: ['^eth[0-9]+'], nodeSelector: { matchLabels: { 'node-role': 'worker' } }, ...spec },
  });

  test('a CRD loaded from YAML validates a matching resource and rejects an unknown field', async () => {
    const registry = await SchemaRegistry.open({ crds: [crdYaml('cilium/ciliuml2announcementpolicies.yaml')], cacheDir: false });
    const valid = registry.validate(policy({}));
    assert.equal(valid.status, 'valid', JSON.stringify(valid));
    assert.ok(valid.status === 'valid');
    assert.deepEqual(valid.schema, { source: 'crd', location: 'CustomResourceDefinition ciliuml2announcementpolicies.cilium.io', fallback: false });
    const errors = errorsOf(registry.validate(policy({ externalIP: true })));
    assert.deepEqual(errors.map((e) => e.text), ['spec.externalIP: unknown field']);
  });

  test('run-time CRDs take precedence over --schemas folders; other documents are ignored', async () => {
    const crd = crdYaml('fluxcd/kustomize.toolkit.fluxcd.io_kustomizations.yaml');
    const registry = await SchemaRegistry.open({ crds: [{ kind: 'ConfigMap', apiVersion: 'v1' }, crd], dirs: [schemasDir], cacheDir: false });
    const origin = registry.lookup({ group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization' });
    assert.equal(origin?.source, 'crd');
    assert.equal(registry.lookup({ group: 'apps', version: 'v1', kind: 'Deployment' })?.source, 'directory');
  });

  test('the CRD objects themselves are valid apiextensions.k8s.io/v1 CustomResourceDefinitions (recursive $ref schema)', () => {
    const crd = crdYaml('fluxcd/source.toolkit.fluxcd.io_gitrepositories.yaml') as { spec: { versions: Array<{ schema: { openAPIV3Schema: Record<string, unknown> } }> } };
    const result = shared.validate(crd);
    assert.equal(result.status, 'valid', JSON.stringify(result));
    crd.spec.versions[0].schema.openAPIV3Schema.typo = true;
    const errors = errorsOf(shared.validate(crd));
    assert.deepEqual(errors.map((e) => e.path), ['/spec/versions/0/schema/openAPIV3Schema/typo']);
  });

  test('every CRD in crd-yaml/ converts, compiles, and rejects an unknown spec field', async () => {
    const files = fs.readdirSync(path.join(schemasDir, 'crd-yaml'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'));
    assert.equal(files.length, 7);
    const crds = files.map(crdYaml) as Array<{ spec: { group: string; names: { kind: string }; versions: Array<{ name: string }> } }>;
    const registry = await SchemaRegistry.open({ crds, cacheDir: false });
    for (const crd of crds) {
      const doc = {
        apiVersion: `${crd.spec.group}/${crd.spec.versions[0].name}`,
        kind: crd.spec.names.kind,
        metadata: { name: 'x' },
        spec: { notAFieldOfAnyCrd: 1 },
      };
      const result = registry.validate(doc);
      assert.equal(result.status, 'invalid', `${doc.apiVersion} ${doc.kind}: ${JSON.stringify(result)}`);
      assert.ok(result.status === 'invalid' && result.errors.some((e) => e.path === '/spec/notAFieldOfAnyCrd'));
    }
  });
});

describe('schema folders', () => {
  test('a kubeconform folder and a CRDs-catalog folder can be given directly', async () => {
    const registry = await SchemaRegistry.open({ builtinDirs: [],
      dirs: [path.join(schemasDir, 'k8s', 'v1.31.0-standalone-strict'), path.join(schemasDir, 'crds')],
      cacheDir: false,
    });
    assert.equal(registry.describeSources().length, 2);
    assert.equal(registry.lookup({ group: '', version: 'v1', kind: 'ConfigMap' })?.kubeVersion, '1.31.0');
    assert.equal(registry.lookup({ group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'GitRepository' })?.source, 'directory');
  });

  test('folders are searched in the order given', async () => {
    const registry = await SchemaRegistry.open({ dirs: [path.join(schemasDir, 'k8s', 'v1.21.0-standalone-strict'), schemasDir], kubeVersion: '1.31', cacheDir: false });
    // Ingress networking.k8s.io/v1beta1 only exists in 1.21; Deployment only in the parent's 1.31 folder.
    assert.equal(registry.lookup({ group: 'networking.k8s.io', version: 'v1beta1', kind: 'Ingress' })?.kubeVersion, '1.21.0');
    assert.equal(registry.lookup({ group: 'apps', version: 'v1', kind: 'Deployment' })?.kubeVersion, '1.31.0');
  });

  test('built-in schemas come after --schemas folders and are labelled as such', async () => {
    const k8s131 = path.join(schemasDir, 'k8s', 'v1.31.0-standalone-strict');
    const registry = await SchemaRegistry.open({ dirs: [path.join(schemasDir, 'crds')], builtinDirs: [k8s131], cacheDir: false });
    assert.equal(registry.lookup({ group: 'apps', version: 'v1', kind: 'Deployment' })?.source, 'builtin');
    assert.equal(registry.lookup({ group: 'helm.toolkit.fluxcd.io', version: 'v2', kind: 'HelmRelease' })?.source, 'directory');
    const overridden = await SchemaRegistry.open({ dirs: [k8s131], builtinDirs: [k8s131], cacheDir: false });
    assert.equal(overridden.lookup({ group: 'apps', version: 'v1', kind: 'Deployment' })?.source, 'directory');
  });

  test('a missing folder or one without schemas is a SchemaSourceError', async () => {
    await assert.rejects(SchemaRegistry.open({ dirs: [path.join(schemasDir, 'nope')] }), (err: unknown) => err instanceof SchemaSourceError && /does not exist/.test(err.message));
    await assert.rejects(SchemaRegistry.open({ dirs: [path.join(schemasDir, 'licenses')] }), /no schemas found/);
  });

  test('unknown kinds, documents without apiVersion and path-like apiVersions are "missing", not errors', () => {
    assert.equal(shared.validate({ apiVersion: 'example.com/v1', kind: 'Widget' }).status, 'missing');
    assert.equal(shared.validate({ kind: 'Deployment' }).status, 'missing');
    assert.equal(shared.validate('not an object').status, 'missing');
    const escape = shared.validate({ apiVersion: '../../k8s/v1', kind: 'Deployment' });
    assert.equal(escape.status, 'missing');
    assert.match(escape.status === 'missing' ? escape.reason : '', /not a valid apiVersion/);
  });
});

describe('compiled-validator cache', () => {
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
  /** Validates an invalid ConfigMap in a new process that uses `cacheDir`; what it found and its cache stats. */
  const validateInNewProcess = (cacheDir: string) => {
    const moduleUrl = pathToFileURL(path.join(repoRoot, 'dist', 'src', 'schema', 'index.js')).href;
    const script = `
      const { SchemaRegistry } = await import(${JSON.stringify(moduleUrl)});
      const registry = await SchemaRegistry.open({ dirs: [${JSON.stringify(schemasDir)}], kubeVersion: '1.31', cacheDir: ${JSON.stringify(cacheDir)} });
      const result = registry.validate(${JSON.stringify({ ...configMap, extra: 1 })});
      console.log(JSON.stringify({ status: result.status, errors: result.status === 'invalid' ? result.errors : [], stats: registry.stats }));`;
    return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
  };

  test('a second process with the same cache dir loads validators instead of compiling', () => {
    const cacheDir = tempDir('process');
    const run = () => {
      const { status, stats } = validateInNewProcess(cacheDir);
      return { status, stats };
    };
    const first = run();
    assert.deepEqual(first, { status: 'invalid', stats: { compiled: 1, diskCacheHits: 0, memoryCacheHits: 0, diskCacheWrites: 1, diskCacheErrors: 0, codeCacheHits: 0, codeCacheWrites: 0 } });
    // the first process to load the code from disk leaves V8's code cache of it; the next one uses it
    const second = run();
    assert.deepEqual(second, { status: 'invalid', stats: { compiled: 0, diskCacheHits: 1, memoryCacheHits: 0, diskCacheWrites: 0, diskCacheErrors: 0, codeCacheHits: 0, codeCacheWrites: 1 } });
    const third = run();
    assert.deepEqual(third, { status: 'invalid', stats: { compiled: 0, diskCacheHits: 1, memoryCacheHits: 0, diskCacheWrites: 0, diskCacheErrors: 0, codeCacheHits: 1, codeCacheWrites: 0 } });
  });

  test('a code cache V8 does not take (another V8, other flags, damaged) is ignored and replaced', () => {
    const cacheDir = tempDir('v8cache');
    const run = () => validateInNewProcess(cacheDir);
    const fresh = run();
    run();
    const [cache] = fs.readdirSync(cacheDir).filter((f) => f.endsWith('.v8cache'));
    assert.ok(cache, fs.readdirSync(cacheDir).join(', '));
    fs.writeFileSync(path.join(cacheDir, cache), Buffer.from('not a code cache'));
    const damaged = run();
    assert.deepEqual(damaged.errors, fresh.errors);
    assert.equal(damaged.stats.codeCacheHits, 0);
    assert.equal(damaged.stats.codeCacheWrites, 1);
    assert.equal(run().stats.codeCacheHits, 1);
  });

  test('within a process a schema is compiled once, across registries', async () => {
    clearProcessMemo();
    const a = await SchemaRegistry.open({ dirs: [schemasDir], kubeVersion: '1.31', cacheDir: false });
    const b = await SchemaRegistry.open({ dirs: [schemasDir], kubeVersion: '1.31', cacheDir: false });
    a.validate(configMap);
    a.validate(configMap);
    b.validate(configMap);
    assert.equal(a.stats.compiled, 1);
    assert.equal(b.stats.compiled, 0);
    assert.equal(b.stats.memoryCacheHits, 1);
  });

  test('a corrupt cache file is detected, recompiled and replaced', async () => {
    const cacheDir = tempDir('corrupt');
    clearProcessMemo();
    const first = await SchemaRegistry.open({ dirs: [schemasDir], kubeVersion: '1.31', cacheDir });
    assert.equal(first.validate(configMap).status, 'valid');
    const [file] = fs.readdirSync(cacheDir);
    const full = path.join(cacheDir, file);
    fs.writeFileSync(full, fs.readFileSync(full, 'utf8').slice(0, 200)); // truncated, as after a crash

    clearProcessMemo();
    const second = await SchemaRegistry.open({ dirs: [schemasDir], kubeVersion: '1.31', cacheDir });
    assert.equal(second.validate(configMap).status, 'valid');
    assert.equal(second.validate({ ...configMap, extra: 1 }).status, 'invalid');
    assert.deepEqual([second.stats.diskCacheErrors, second.stats.compiled, second.stats.diskCacheWrites], [1, 1, 1]);

    clearProcessMemo();
    const third = await SchemaRegistry.open({ dirs: [schemasDir], kubeVersion: '1.31', cacheDir });
    third.validate(configMap);
    assert.deepEqual([third.stats.diskCacheHits, third.stats.compiled], [1, 0]);
  });

  test('an unwritable cache dir only costs speed', async () => {
    const blocker = path.join(tempDir('unwritable'), 'a-file');
    fs.writeFileSync(blocker, '');
    clearProcessMemo();
    const registry = await SchemaRegistry.open({ dirs: [schemasDir], kubeVersion: '1.31', cacheDir: path.join(blocker, 'cache') });
    assert.equal(registry.validate({ ...configMap, extra: 1 }).status, 'invalid');
    assert.deepEqual([registry.stats.compiled, registry.stats.diskCacheWrites, registry.stats.diskCacheErrors], [1, 0, 1]);
  });
});

test('displayPath renders JSON pointers the way people write field paths', () => {
  assert.equal(displayPath(''), '(root)');
  assert.equal(displayPath('/spec/template/spec/containers/0/foo'), 'spec.template.spec.containers[0].foo');
  assert.equal(displayPath('/metadata/annotations/kustomize.toolkit.fluxcd.io~1prune'), 'metadata.annotations["kustomize.toolkit.fluxcd.io/prune"]');
});
