// Bootstrap commands: what Helmfile hooks (and Taskfiles in bootstrap folders) apply before Flux
// runs counts as present for flux/dependency-missing, and a hook path that is not in the
// repository is a bootstrap/path-missing at the hook's file and line.
// Small repositories written to a temp folder: a Flux cluster whose Kustomization `app` uses a
// CRD, a second CRD and a namespace that other Kustomizations provide without being upstream of it
// (three dependency-missing errors), and a bootstrap that installs all three before Flux.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { bootstrapCommands } from '../src/repo/bootstrap/commands.js';
import { ROOT_MARK, UNKNOWN_MARK, scriptActions } from '../src/repo/bootstrap/shell.js';
import { runCheck } from '../src/check/engine.js';
import type { Finding } from '../src/check/finding.js';
import { fluxBootstrapFiles, fluxKustomizationYaml, sharedDir } from './helpers.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'slipway-bootstrap-hooks-'));
after(() => rmSync(work, { recursive: true, force: true }));
let counter = 0;

const crd = (kind: string, plural: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.example.com
spec:
  group: example.com
  names: { kind: ${kind}, plural: ${plural}, singular: ${kind.toLowerCase()} }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;
const kustomization = (...resources: string[]) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;

/** The Flux side: `app` uses Widget, Gadget and the namespace `widgets`; crds, gadgets and namespaces provide them. */
function fluxFiles(): Record<string, string> {
  const ks = fluxKustomizationYaml;
  const { ['clusters/main/infra.yaml']: _infra, ['clusters/main/apps.yaml']: _apps, ...entry } = fluxBootstrapFiles('main');
  return {
    ...entry,
    'clusters/main/crds.yaml': ks('crds', './kubernetes/crds'),
    'clusters/main/gadgets.yaml': ks('gadgets', './kubernetes/gadgets'),
    'clusters/main/namespaces.yaml': ks('namespaces', './kubernetes/namespaces'),
    'clusters/main/app.yaml': ks('app', './kubernetes/app'),
    'kubernetes/crds/kustomization.yaml': kustomization('widget.yaml'),
    'kubernetes/crds/widget.yaml': crd('Widget', 'widgets'),
    'kubernetes/gadgets/kustomization.yaml': kustomization('widgets-operator-crd.yaml'),
    'kubernetes/gadgets/widgets-operator-crd.yaml': crd('Gadget', 'gadgets'),
    'kubernetes/namespaces/kustomization.yaml': kustomization('widgets.yaml'),
    'kubernetes/namespaces/widgets.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: widgets\n',
    'kubernetes/app/kustomization.yaml': kustomization('widget.yaml', 'gadget.yaml'),
    'kubernetes/app/widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: widgets\n',
    'kubernetes/app/gadget.yaml': 'apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g\n  namespace: widgets\n',
  };
}

/** A helmfile whose hooks apply a -k folder, a templated -f file, a kustomize build pipeline, and one missing folder. */
const HELMFILE = `releases:
  - name: widgets-operator
    namespace: widgets-system
    chart: oci://registry.invalid/charts/widgets-operator
    version: 1.0.0
    hooks:
      - events: ["presync"]
        command: kubectl
        args: ["apply", "--server-side", "-k", "../kubernetes/crds"]
      - events: ["presync"]
        command: kubectl
        args:
          - apply
          - --filename=../kubernetes/gadgets/{{ .Release.Name }}-crd.yaml
      - events: ["postsync"]
        command: bash
        args:
          - -c
          - kustomize build ../kubernetes/namespaces | kubectl apply --server-side -f -
      - events: ["postsync"]
        command: kubectl
        args:
          - apply
          - --kustomize
          - ../kubernetes/crd
        showlogs: true
`;

function write(files: Record<string, string>): string {
  const dir = path.join(work, `case-${++counter}`);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

async function check(dir: string): Promise<Finding[]> {
  return (await runCheck(dir, { cacheDir: false, render: false })).findings;
}

const lineOf = (dir: string, file: string, needle: string) => readFileSync(path.join(dir, file), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('bootstrap hooks', () => {
  it('without a bootstrap, app misses the two CRDs and the namespace (the control)', async () => {
    const findings = await check(write(fluxFiles()));
    const missing = findings.filter((f) => f.rule === 'flux/dependency-missing' && f.severity === 'error');
    const text = missing.map((f) => f.message).join('\n');
    for (const what of ['Widget', 'Gadget', 'widgets']) assert.match(text, new RegExp(what), `expected a dependency-missing about ${what}:\n${text}`);
    assert.equal(findings.filter((f) => f.rule === 'bootstrap/path-missing').length, 0);
  });

  it('what Helmfile hooks apply (-k, templated -f, kustomize build | kubectl apply -f -) is present before Flux; the missing folder is one finding at its line', async () => {
    const dir = write({ ...fluxFiles(), 'bootstrap/helmfile.yaml': HELMFILE });
    const findings = await check(dir);
    assert.deepEqual(findings.filter((f) => f.rule === 'flux/dependency-missing').map((f) => f.message), []);
    const paths = findings.filter((f) => f.rule === 'bootstrap/path-missing');
    assert.equal(paths.length, 1, JSON.stringify(paths, null, 2));
    const [p] = paths;
    assert.equal(p.severity, 'error');
    assert.equal(p.file, 'bootstrap/helmfile.yaml');
    assert.equal(p.line, lineOf(dir, 'bootstrap/helmfile.yaml', '- ../kubernetes/crd'));
    assert.match(p.message, /'kubernetes\/crd' does not exist/);
    assert.match(p.message, /relative to bootstrap\/, the helmfile's folder/);
    assert.match(p.message, /did you mean kubernetes\/crds\/\?/);
    assert.match(p.message, /release widgets-system\/widgets-operator/);
  });

  it('a -k folder without a kustomization.yaml and a templated file that is not there are findings; unknown variables are not judged', async () => {
    const helmfile = `releases:
  - name: tools
    namespace: tools
    hooks:
      - events: [postsync]
        command: kubectl
        args: [apply, -k, ../kubernetes/app/]
      - events: [postsync]
        command: kubectl
        args:
          - apply
          - -f
          - ../kubernetes/{{ .Release.Namespace }}/extra.yaml
      - events: [postsync]
        command: kubectl
        args: [apply, -f, '{{ requiredEnv "CLUSTER_DIR" }}/missing.yaml']
      - events: [postsync]
        kubectlApply:
          kustomize: ../kubernetes/namespaces
`;
    const files = fluxFiles();
    delete files['kubernetes/app/kustomization.yaml'];
    const dir = write({ ...files, 'bootstrap/helmfile.yaml': helmfile });
    const paths = (await check(dir)).filter((f) => f.rule === 'bootstrap/path-missing');
    assert.deepEqual(paths.map((f) => [f.line, f.message.match(/: ('[^']*'[^(]*)/)?.[1].trim()]), [
      [7, "'kubernetes/app/' has no kustomization.yaml, which -k / kustomize build need"],
      [13, "'kubernetes/tools/extra.yaml' does not exist"],
    ]);
  });

  it('a Taskfile in a bootstrap folder counts too, and its paths are tried from its folder and the root', async () => {
    const taskfile = `version: "3"
tasks:
  apply:
    cmds:
      - kubectl apply --server-side -k {{.ROOT_DIR}}/kubernetes/crds
      - kubectl apply -f kubernetes/gadgets/widgets-operator-crd.yaml
      - cmd: kubectl create namespace widgets --dry-run=client -o yaml | kubectl apply -f -
      - kubectl apply -k kubernetes/not-here
`;
    const findings = await check(write({ ...fluxFiles(), '.taskfiles/bootstrap/Taskfile.yaml': taskfile }));
    assert.deepEqual(findings.filter((f) => f.rule === 'flux/dependency-missing').map((f) => f.message), []);
    // where a task runs is not certain: its paths are not judged
    assert.equal(findings.filter((f) => f.rule === 'bootstrap/path-missing').length, 0);
  });

  it('bad input: broken quoting, alias loops, long template lines and a symlink out of the repository give no crash and no finding', async () => {
    const helmfile = `templates:
  loop: &loop
    <<: *loop
releases:
  - name: odd
    namespace: odd
    inherit: [{ template: loop }]
    hooks:
      - events: [presync]
        command: sh
        args: [-c, "kubectl apply -f \\"unterminated $(echo ( | kubectl apply -k"]
      - events: [presync]
        command: kubectl
        args: [apply, -f, ../outside/secret.yaml]
${'# ' + '{{ {{ '.repeat(5000)}
`;
    const dir = write({ ...fluxFiles(), 'bootstrap/helmfile.yaml': helmfile });
    symlinkSync(os.tmpdir(), path.join(dir, 'outside'));
    const findings = await check(dir);
    assert.deepEqual(findings.filter((f) => f.rule === 'bootstrap/path-missing'), []);
    // the hooks were read: the broken command's path holds an unknown value ($(…)), the other goes
    // through a symlink out of the repository; neither is judged
    const cmds = bootstrapCommands(dir).filter((c) => c.target.kind === 'files');
    assert.deepEqual(cmds.map((c) => c.target.kind === 'files' && c.target.path.text), [`unterminated ${UNKNOWN_MARK}`, '../outside/secret.yaml']);
  });

  it('reads the hooks of the corpus: onedr0p/home-ops applies two files with --filename= from bootstrap/helmfile', () => {
    const root = path.join(sharedDir, 'corpus', 'onedr0p__home-ops');
    const cmds = bootstrapCommands(root).filter((c) => c.file === 'bootstrap/helmfile/apps.yaml');
    assert.deepEqual(cmds.map((c) => [c.line, c.target.kind, c.target.kind === 'files' ? c.target.path.text : '']), [
      [46, 'files', '../../kubernetes/apps/kube-system/cilium/app/networking.yaml'],
      [90, 'files', '../../kubernetes/apps/external-secrets/onepassword-connect/app/clustersecretstore.yaml'],
    ]);
  });
});

describe('bootstrap command lines', () => {
  const expand = (v: string) => (v === 'ROOT_DIR' ? ROOT_MARK : undefined);
  const summary = (script: string) => scriptActions(script, expand).map((a) => {
    const t = a.target;
    const what = t.kind === 'files' || t.kind === 'kustomization' ? t.path.text.replace(ROOT_MARK, '<root>') : t.kind === 'url' ? t.url : t.kind === 'object' ? `${t.object.kind}/${t.object.metadata.namespace ?? ''}/${t.object.metadata.name}` : t.text.trim();
    return `${t.kind} ${what}${a.dryRun ? ' (dry run)' : ''}`;
  });

  it('kubectl apply -f (repeatable, comma lists, --filename=) and -k / --kustomize=', () => {
    assert.deepEqual(summary('kubectl --context x apply --server-side -f a.yaml --filename=b,c.yaml -R -k ./k --kustomize=./k2'), [
      'files a.yaml', 'files b', 'files c.yaml', 'kustomization ./k', 'kustomization ./k2',
    ]);
  });

  it('pipelines into kubectl apply -f -, through filters; a dry run applies nothing', () => {
    assert.deepEqual(summary([
      'kustomize build "$ROOT_DIR/bootstrap/x" | op inject | kubectl apply -f -',
      'sops --decrypt secret.sops.yaml | kubectl apply -f -',
      'kubectl create namespace foo --dry-run=client -o yaml | kubectl apply -f -',
      'kubectl apply -f - < file.yaml',
      'kubectl apply --dry-run=server -f dry.yaml',
      'helm template x | kubectl apply -f -',
    ].join('\n')), [
      'kustomization <root>/bootstrap/x', 'files secret.sops.yaml', 'object Namespace//foo', 'files file.yaml', 'files dry.yaml (dry run)',
    ]);
  });

  it('bash -c, cd, heredocs, create namespace/secret, URLs; unknown variables stay unknown', () => {
    const out = summary([
      'bash -euo pipefail -c "kubectl apply -k inner"',
      'cd sub && kubectl apply -f y.yaml',
      'kubectl apply -f - <<EOF',
      'apiVersion: v1',
      'kind: Namespace',
      'metadata: { name: here }',
      'EOF',
      'kubectl -n flux-system create secret generic sops-age --from-file=age.agekey=/dev/stdin',
      'kubectl apply -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.2.0/standard-install.yaml',
      'kubectl apply -f "$SOMEWHERE/z.yaml"',
    ].join('\n'));
    assert.deepEqual(out.slice(0, 6), [
      'kustomization inner',
      'files sub/y.yaml',
      'inline apiVersion: v1\nkind: Namespace\nmetadata: { name: here }',
      'object Secret/flux-system/sops-age',
      'url https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.2.0/standard-install.yaml',
      'files \u0002/z.yaml',
    ]);
  });
});
