// OIDC logins (issue 13 point 7, seed 002): Dex as the OIDC issuer, federating the Keycloak realm
// when the fleet runs Keycloak (GitHub otherwise), and Pinniped's JWTAuthenticator trusting it.
// Judged on fleets built from the reference config: they pass `slipway check` against
// ../shared/schemas with 0 errors (the only warnings: the Pinniped kinds, whose CRDs
// ../shared/schemas lacks), the pieces point at each other, mistakes name their config path, and
// synthesis is deterministic.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { cilium, dex, pinniped } from '../src/catalog/index.js';
import { runCheck } from '../src/check/engine.js';
import type { Finding } from '../src/check/finding.js';
import { loadFleetConfig } from '../src/model/load.js';
import type { ModuleInstance } from '../src/model/module.js';
import type { ClusterConfig, FleetConfig } from '../src/model/types.js';
import { validateFleet } from '../src/model/validate.js';
import { planFleet, synthesize, writeTree } from '../src/synth/index.js';
import { referenceConfigFile, sharedSchemas } from './helpers.js';
import { planProblems } from './helpers/synth.js';

type Instance = ModuleInstance<object>;
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: any; data?: any };
const as = (i: ModuleInstance<any>) => i as Instance;
const without = (name: string) => (m: Instance) => m.module.name !== name;
const names = (c: ClusterConfig) => c.modules.map((m) => m.module.name);

async function variant(edit: Record<string, (modules: Instance[]) => Instance[]>): Promise<FleetConfig> {
  const fleet = await loadFleetConfig(referenceConfigFile);
  return { ...fleet, clusters: fleet.clusters.map((c) => (edit[c.name] ? { ...c, modules: edit[c.name](c.modules as Instance[]) } : c)) };
}

/** Dex and Pinniped on infra (next to Keycloak), Pinniped on apps trusting infra's Dex. */
const withIdentity = () => variant({
  infra: (ms) => [...ms, as(dex()), as(pinniped())],
  apps: (ms) => [...ms, as(pinniped())],
});
/** No Keycloak in the fleet: Dex signs in through GitHub, hubble-ui through Dex. */
const withoutKeycloak = () => variant({
  infra: (ms) => [...ms.filter(without('keycloak')), as(dex({ githubOrg: 'monosense', gateway: 'external' })), as(pinniped())],
  apps: (ms) => [...ms, as(dex({ githubOrg: 'monosense' }))],
});

function objectsOf(fleet: FleetConfig, cluster: string): Obj[] {
  const tree = synthesize(fleet).tree;
  return tree.paths()
    .filter((p) => p.startsWith(`kubernetes/${cluster}/`) && p.endsWith('.yaml'))
    .flatMap((p) => parseAllDocuments(tree.get(p)!).map((d) => d.toJS() as Obj).filter((o) => o?.kind));
}
const one = (objs: Obj[], kind: string, name: string, ns?: string) => {
  const found = objs.filter((o) => o.kind === kind && o.metadata.name === name && (ns === undefined || o.metadata.namespace === ns));
  assert.equal(found.length, 1, `one ${kind} ${name}`);
  return found[0];
};

/** The only expected warnings: one per cluster running pinniped, for the JWTAuthenticator (no Pinniped CRDs in ../shared/schemas). */
const PINNIPED_MISSING = /^schema\/missing kubernetes\/(infra|apps)\/apps\/pinniped-concierge\/pinniped\/authenticator\/jwtauthenticator\.yaml:\d+ .*JWTAuthenticator authentication\.concierge\.pinniped\.dev\/v1alpha1/;

async function check(fleet: FleetConfig, dir: string): Promise<Finding[]> {
  writeTree(dir, synthesize(fleet).tree);
  return (await runCheck(dir, { schemaDirs: [sharedSchemas], cacheDir: false, render: false })).findings;
}

describe('identity: dex and pinniped', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'slipway-identity-'));
  let fleet: FleetConfig;
  let infra: Obj[];
  let apps: Obj[];
  before(async () => {
    fleet = await withIdentity();
    infra = objectsOf(fleet, 'infra');
    apps = objectsOf(fleet, 'apps');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('validates, and orders the authenticator after the concierge installed outside GitOps', () => {
    assert.deepEqual(validateFleet(fleet).map((p) => `${p.path}: ${p.message}`), []);
    const plan = planFleet(fleet);
    for (const cluster of ['infra', 'apps']) {
      const units = plan.clusters.find((c) => c.cluster.name === cluster)!.units;
      const concierge = units.find((u) => u.unit.name === 'pinniped-concierge')!;
      assert.match(concierge.unit.installedBy!, /releases\/download\/v0\.30\.0\/install-pinniped-concierge-crds\.yaml .*install-pinniped-concierge-resources\.yaml$/);
      assert.ok(units.some((u) => u.unit.name === 'pinniped-authenticator'));
    }
    const tree = synthesize(fleet).tree;
    // no Kustomization for the concierge, one for the authenticator
    assert.ok(!tree.paths().some((p) => p.includes('/pinniped/concierge/')), 'concierge has no folder');
    assert.ok(tree.paths().includes('kubernetes/infra/apps/pinniped-concierge/pinniped/authenticator/jwtauthenticator.yaml'));
    assert.ok(tree.paths().includes('kubernetes/infra/apps/pinniped-concierge/networkpolicy.yaml'), 'the namespace baseline');
  });

  it('checks with 0 errors; the only warnings are the Pinniped kinds missing from ../shared/schemas; no plaintext secret', async () => {
    const findings = await check(fleet, path.join(work, 'with-keycloak'));
    const line = (f: Finding) => `${f.rule} ${f.file}:${f.line} ${f.message}`;
    assert.deepEqual(findings.filter((f) => f.severity === 'error').map(line), []);
    const warnings = findings.filter((f) => f.severity === 'warning').map(line);
    assert.deepEqual(warnings.filter((w) => !PINNIPED_MISSING.test(w)), []);
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.deepEqual(findings.filter((f) => f.rule.startsWith('secrets/')).map(line), []);
    for (const f of findings.filter((x) => x.severity === 'info')) assert.match(f.message, /not available offline/);
  });

  it('Dex federates the Keycloak realm, and the realm lists Dex as a client', () => {
    const values = one(infra, 'HelmRelease', 'dex', 'dex').spec.values;
    assert.equal(values.config.issuer, 'https://dex.infra.monosense.io');
    assert.equal(values.config.connectors.length, 1);
    const [connector] = values.config.connectors;
    assert.equal(connector.type, 'oidc');
    assert.equal(connector.config.issuer, 'https://keycloak.infra.monosense.io/realms/platform');
    assert.equal(connector.config.clientSecret, '$KEYCLOAK_CLIENT_SECRET');
    assert.equal(connector.config.redirectURI, 'https://dex.infra.monosense.io/callback');
    // the secret is environment from an ExternalSecret reading the item the realm reads too
    assert.deepEqual(values.envFrom, [{ secretRef: { name: 'dex-env' } }]);
    const env = one(infra, 'ExternalSecret', 'dex-env', 'dex').spec.data;
    assert.deepEqual(env, [{ secretKey: 'KEYCLOAK_CLIENT_SECRET', remoteRef: { key: 'dex-oidc', property: 'client-secret' } }]);
    const realm = JSON.parse(Object.values(one(infra, 'ConfigMap', 'realm-platform', 'keycloak').data)[0] as string);
    const client = realm.clients.find((c: { clientId: string }) => c.clientId === 'dex');
    assert.deepEqual(client.redirectUris, ['https://dex.infra.monosense.io/callback']);
    assert.equal(client.secret, '${DEX_CLIENT_SECRET}');
    const kcSecrets = one(infra, 'ExternalSecret', 'keycloak-clients', 'keycloak').spec.data;
    assert.ok(kcSecrets.some((d: any) => d.secretKey === 'DEX_CLIENT_SECRET' && d.remoteRef.key === 'dex-oidc' && d.remoteRef.property === 'client-secret'), JSON.stringify(kcSecrets));
    // served on the Gateway
    const route = one(infra, 'HTTPRoute', 'dex', 'dex');
    assert.deepEqual(route.spec.hostnames, ['dex.infra.monosense.io']);
    assert.deepEqual(route.spec.rules[0].backendRefs[0], { group: '', kind: 'Service', name: 'dex', port: 5556 });
  });

  it('each JWTAuthenticator trusts Dex\'s issuer with the audience of its own Dex client', () => {
    const values = one(infra, 'HelmRelease', 'dex', 'dex').spec.values;
    const clients = new Map(values.config.staticClients.map((c: any) => [c.id, c]));
    for (const [cluster, objs] of [['infra', infra], ['apps', apps]] as const) {
      const auth = one(objs, 'JWTAuthenticator', 'dex');
      assert.equal(auth.apiVersion, 'authentication.concierge.pinniped.dev/v1alpha1');
      assert.equal(auth.spec.issuer, values.config.issuer);
      assert.equal(auth.spec.audience, `pinniped-${cluster}`);
      assert.deepEqual(auth.spec.claims, { username: 'email', groups: 'groups' });
      // a public client (PKCE, the pinniped CLI's loopback redirect): no secret to keep
      assert.deepEqual(clients.get(auth.spec.audience), { id: `pinniped-${cluster}`, name: `pinniped-${cluster}`, public: true, redirectURIs: ['http://127.0.0.1:48095/callback'] });
    }
    assert.equal(clients.size, 2);
    // apps runs no Dex of its own
    assert.equal(apps.filter((o) => o.kind === 'HelmRelease' && o.metadata.name === 'dex').length, 0);
  });

  it('without Keycloak: Dex signs in through GitHub, and hubble-ui through Dex; still 0 errors', async () => {
    const noKc = await withoutKeycloak();
    const infraObjs = objectsOf(noKc, 'infra');
    const values = one(infraObjs, 'HelmRelease', 'dex', 'dex').spec.values;
    assert.deepEqual(values.config.connectors.map((c: any) => [c.type, c.config.orgs]), [['github', [{ name: 'monosense' }]]]);
    const env = one(infraObjs, 'ExternalSecret', 'dex-env', 'dex').spec.data.map((d: any) => `${d.secretKey}=${d.remoteRef.key}/${d.remoteRef.property}`);
    assert.deepEqual(env, ['GITHUB_CLIENT_ID=dex-github/client-id', 'GITHUB_CLIENT_SECRET=dex-github/client-secret', 'HUBBLE_CLIENT_SECRET=hubble-oidc/client-secret']);
    // each cluster's hubble-ui uses its own cluster's Dex
    for (const cluster of ['infra', 'apps']) {
      const objs = cluster === 'infra' ? infraObjs : objectsOf(noKc, cluster);
      const dexValues = one(objs, 'HelmRelease', 'dex', 'dex').spec.values;
      const hubble = dexValues.config.staticClients.find((c: any) => c.id === 'hubble');
      assert.deepEqual(hubble, { id: 'hubble', name: 'hubble', secretEnv: 'HUBBLE_CLIENT_SECRET', redirectURIs: [`https://hubble.${cluster}.monosense.io/oauth2/callback`] });
      const args: string[] = one(objs, 'HelmRelease', 'hubble-ui', 'hubble').spec.values.controllers['hubble-ui'].containers.app.args;
      assert.ok(args.includes('--provider=oidc') && args.includes(`--oidc-issuer-url=https://dex.${cluster}.monosense.io`), args.join(' '));
      assert.ok(!args.some((a) => a.startsWith('--allowed-role')), args.join(' '));
    }
    const findings = await check(noKc, path.join(work, 'without-keycloak'));
    const line = (f: Finding) => `${f.rule} ${f.file}:${f.line} ${f.message}`;
    assert.deepEqual(findings.filter((f) => f.severity === 'error').map(line), []);
    const warnings = findings.filter((f) => f.severity === 'warning').map(line);
    assert.deepEqual(warnings.filter((w) => !PINNIPED_MISSING.test(w)), []);
    assert.equal(warnings.length, 1, warnings.join('\n'));
  });

  it('synthesizes byte-identical output twice', async () => {
    const a = synthesize(fleet).tree;
    const b = synthesize(await withIdentity()).tree;
    assert.deepEqual(a.paths(), b.paths());
    for (const p of a.paths()) assert.equal(a.get(p), b.get(p), p);
  });
});

describe('identity: config mistakes name their config path', () => {
  const at = (fleet: FleetConfig, cluster: string, module: string) => {
    const i = fleet.clusters.findIndex((c) => c.name === cluster);
    return `clusters[${i}].modules[${names(fleet.clusters[i]).indexOf(module)}]`;
  };

  it('pinniped without a Dex in the fleet, or with a dexCluster that runs none', async () => {
    const none = await variant({ apps: (ms) => [...ms, as(pinniped())] });
    assert.deepEqual(planProblems(none), [`${at(none, 'apps', 'pinniped')}: pinniped on "apps": it trusts the tokens of the fleet's Dex; add dex() to a cluster of the fleet`]);
    const wrong = await variant({ infra: (ms) => [...ms, as(dex())], apps: (ms) => [...ms, as(pinniped({ dexCluster: 'apps' }))] });
    assert.deepEqual(planProblems(wrong), [`${at(wrong, 'apps', 'pinniped')}: pinniped on "apps": dexCluster "apps" runs no dex; add dex() to it or clear dexCluster`]);
  });

  it('dex without a Gateway', async () => {
    const fleet = await variant({ infra: (ms) => [...ms.filter(without('cilium')).filter(without('hubble-ui')), as(cilium({ gatewayApi: false })), as(dex())] });
    assert.ok(planProblems(fleet).includes(`${at(fleet, 'infra', 'dex')}: dex on "infra": it is served on the cluster's Gateway; enable cilium's gatewayApi`), planProblems(fleet).join('\n'));
  });

  it('dex without Keycloak and without githubOrg', async () => {
    const fleet = await variant({ infra: (ms) => [...ms.filter(without('keycloak')), as(dex())] });
    assert.ok(planProblems(fleet).includes(`${at(fleet, 'infra', 'dex')}: dex on "infra": the fleet runs no Keycloak, so Dex signs in through GitHub; set the dex option githubOrg (the organization whose members may sign in)`), planProblems(fleet).join('\n'));
  });
});
