// A fleet kept in its own repository: Slipway installed as a dev dependency from a path (as the
// README says), `slipway synth` with no --config reads ./slipway.config.ts, and `tsc --noEmit`
// type-checks the config against the installed package's types. Also the CLI's answers to a
// config that is broken in each of the ways a newcomer breaks one.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, slipwayBin } from './helpers.js';

const tsc = path.join(repoRoot, 'node_modules', '.bin', 'tsc');

/** A one-cluster fleet written the way a user writes one. */
const CONFIG = `import { certManager, cilium, coredns, defineFleet, externalSecrets, flux, gatewayApi } from 'slipway';

export default defineFleet({
  name: 'lab',
  git: { url: 'https://github.com/example/lab.git', branch: 'main' },
  domain: 'lab.example.com',
  secrets: { provider: 'onepassword', connectHost: 'http://onepassword-connect.external-secrets.svc.cluster.local:8080', vaults: ['lab'] },
  clusters: [{
    name: 'home',
    provider: { kind: 'talos', version: 'v1.11.2', builtinCoreDNS: false },
    kubernetesVersion: '1.33.5',
    network: {
      nodeSubnet: '192.168.10.0/24',
      gateway: '192.168.10.1',
      controlPlaneEndpoint: '192.168.10.20',
      podCIDR: '10.42.0.0/16',
      serviceCIDR: '10.43.0.0/16',
      loadBalancerPools: ['192.168.20.0/24'],
    },
    nodes: [{ name: 'home-01', address: '192.168.10.21', role: 'controlplane', installDisk: '/dev/sda' }],
    modules: [flux(), cilium(), gatewayApi(), coredns(), externalSecrets(), certManager({ email: 'ops@example.com' })],
  }],
});
`;

function run(cwd: string, argv: string[]) {
  const r = spawnSync(process.execPath, [slipwayBin, ...argv], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('a fleet in its own repository', () => {
  let work: string;
  before(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'slipway-own-'));
    writeFileSync(path.join(work, 'package.json'), JSON.stringify({ name: 'lab-fleet', private: true }));
    // what the README tells users to run; a path install links the checkout and needs no registry
    execFileSync('npm', ['install', '--save-dev', '--offline', '--no-audit', '--no-fund', repoRoot], { cwd: work, stdio: 'pipe' });
    writeFileSync(path.join(work, 'slipway.config.ts'), CONFIG);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('type-checks the config with tsc --noEmit against the installed types, and catches a wrong type', () => {
    const ok = spawnSync(tsc, ['--noEmit', 'slipway.config.ts'], { cwd: work, encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    const broken = path.join(work, 'broken.config.ts');
    writeFileSync(broken, CONFIG.replace("installDisk: '/dev/sda'", 'installDisk: 42'));
    const bad = spawnSync(tsc, ['--noEmit', 'broken.config.ts'], { cwd: work, encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stdout, /broken\.config\.ts\(\d+,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/);
    rmSync(broken);
  });

  it('synthesizes ./slipway.config.ts when no --config is given, with the installed bin', () => {
    const bin = path.join(work, 'node_modules', '.bin', 'slipway');
    const r = spawnSync(bin, ['synth', '--out', 'repo'], { cwd: work, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^wrote \d+ files to repo/);
    assert.ok(existsSync(path.join(work, 'repo', 'clusters', 'home', 'flux-system', 'gotk-sync.yaml')));
    assert.match(readFileSync(path.join(work, 'repo', 'talos', 'home', 'cluster.yaml'), 'utf8'), /clusterName: home/);
  });

  it('without a config in the folder, says so in one line and exits 2', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'slipway-empty-'));
    try {
      const r = run(empty, ['synth']);
      assert.equal(r.status, 2);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /no slipway\.config\.ts in .*; pass --config FILE/);
      assert.equal(existsSync(path.join(empty, 'out')), false, 'the reference fleet is only written when named');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  const broken = (name: string, text: string) => {
    writeFileSync(path.join(work, name), text);
    return run(work, ['synth', '--config', name, '--out', 'broken-out']);
  };

  it('reports a syntax error at file:line', () => {
    const r = broken('syntax.config.ts', CONFIG.replace("branch: 'main' },", "branch: 'main' }"));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /syntax\.config\.ts:6: syntax error: Unexpected token/);
  });

  it('reports a missing export default at the defineFleet line', () => {
    const r = broken('noexport.config.ts', CONFIG.replace('export default defineFleet', 'const fleet = defineFleet'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /noexport\.config\.ts:3: the fleet is not the default export/);
  });

  it('suggests the closest module for an unknown module factory, at its line', () => {
    const r = broken('typo.config.ts', CONFIG.replace('certManager, cilium', 'certManagr, cilium').replace('certManager({', 'certManagr({'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /typo\.config\.ts:21: slipway has no module "certManagr"; did you mean certManager\?/);
  });

  it('words shape errors by config path: a list, a known key, formats and versions', () => {
    const r = broken('shape.config.ts', CONFIG
      .replace("nodes: [{ name: 'home-01', address: '192.168.10.21', role: 'controlplane', installDisk: '/dev/sda' }]", "nodes: { name: 'home-01' } as never")
      .replace("domain: 'lab.example.com'", "domain: 'lab example'")
      .replace("kubernetesVersion: '1.33.5'", "kubernetesVersion: '1.99', nodeSubnt: 1 as never"));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /clusters\[0\]\.nodes: must be a list, got an object/);
    assert.match(r.stderr, /\n  domain: must be a lowercase DNS domain such as "example\.com"\n/);
    assert.match(r.stderr, /clusters\[0\]\.kubernetesVersion: Kubernetes 1\.99 is outside the versions Slipway knows/);
    assert.match(r.stderr, /clusters\[0\]\.nodeSubnt: is not a setting here/);
  });

  it('refuses an invalid e-mail option and a load-balancer pool inside the node subnet', () => {
    const r = broken('values.config.ts', CONFIG
      .replace("email: 'ops@example.com'", "email: 'ops-at-example'")
      .replace("loadBalancerPools: ['192.168.20.0/24']", "loadBalancerPools: ['192.168.10.0/28']"));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /clusters\[0\]\.modules\[5\]\.options\.email: "ops-at-example" is not an e-mail address/);
    assert.match(r.stderr, /clusters\[0\]\.network\.loadBalancerPools\[0\]: 192\.168\.10\.0\/28 overlaps the node subnet 192\.168\.10\.0\/24 and holds 192\.168\.10\.1; give load balancers a range of their own/);
  });
});

describe('synth output folder and usage errors', () => {
  it('refuses an --out below a file, and one it cannot create, without hanging', () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'slipway-out-'));
    try {
      const config = path.join(work, 'slipway.config.ts');
      writeFileSync(config, CONFIG);
      writeFileSync(path.join(work, 'afile'), 'x');
      const below = run(work, ['synth', '--out', 'afile/sub']);
      assert.equal(below.status, 2);
      assert.match(below.stderr, /--out afile\/sub: .*afile is a file, not a folder/);
      // Node's recursive mkdir never returns under /proc; the folder is made level by level
      const proc = run(work, ['synth', '--out', '/proc/slipway-x/y']);
      assert.equal(proc.status, 2);
      assert.match(proc.stderr, /--out \/proc\/slipway-x\/y: cannot create \/proc\/slipway-x/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('prints one line and a hint on a usage error, not the whole help', () => {
    const r = run(repoRoot, ['chekc']);
    assert.equal(r.status, 2);
    assert.doesNotMatch(r.stderr, /Usage:/);
    assert.match(r.stderr, /unknown command 'chekc'[\s\S]*--help' for usage/);
    assert.ok(r.stderr.trim().split('\n').length <= 3, r.stderr);
    const version = run(repoRoot, ['check', '--kube-version', '1.99', '.']);
    assert.equal(version.status, 2);
    assert.match(version.stderr, /--kube-version: Kubernetes 1\.99 is outside the versions Slipway knows/);
  });
});

describe('the generated CI installs Slipway from a named source', () => {
  const workflow = async (config: Partial<import('../src/model/types.js').FleetConfig>, slipwaySource?: string) => {
    const { synthesize } = await import('../src/synth/index.js');
    const { referenceConfigFile } = await import('./helpers.js');
    const { loadFleetConfig } = await import('../src/model/load.js');
    const fleet = { ...(await loadFleetConfig(referenceConfigFile)), ...config };
    return synthesize(fleet, { slipwaySource }).tree.get('.github/workflows/slipway.yaml')!;
  };

  it('uses ci.install over the default, and runs the installed bin, never a registry name', async () => {
    const text = await workflow({ ci: { install: 'git+https://github.com/acme/slipway.git#0123456789abcdef0123456789abcdef01234567' } }, 'git+https://example.org/other.git#1');
    assert.match(text, /npm install --no-save --no-audit --no-fund 'git\+https:\/\/github\.com\/acme\/slipway\.git#0123456789abcdef0123456789abcdef01234567'/);
    assert.match(text, /uses: actions\/setup-go@v5/);
    assert.match(text, /\.\/node_modules\/\.bin\/slipway check \./);
    assert.doesNotMatch(text, /npx/);
  });

  it('fails the CI step with what to set when there is no source', async () => {
    const text = await workflow({});
    assert.match(text, /::error::set ci\.install in slipway\.config\.ts/);
  });

  it('defaults to the git remote and commit of the Slipway checkout', async () => {
    const { slipwaySource } = await import('../src/cli/slipway-source.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-src-'));
    try {
      const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
      git('init', '-q');
      git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'x');
      assert.equal(slipwaySource(dir), undefined, 'no remote, no default');
      git('remote', 'add', 'origin', 'git@github.com:acme/slipway.git');
      assert.equal(slipwaySource(dir), `git+ssh://git@github.com/acme/slipway.git#${git('rev-parse', 'HEAD')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
