// The chart fetcher against a real OCI registry (Debian's docker-registry, distribution 2.8) on
// 127.0.0.1, with real charts from ../shared/charts/repos pushed as `helm push` lays them out:
// tags, digests, semver over paginated tag lists, mirrors from ghcr.io, htpasswd basic auth with
// credentials from charts.auth and from a Docker config, the Bearer token flow (docker-registry with
// token auth behind a front that serves the realm), and the cache. A fetch guard refuses every
// host but 127.0.0.1.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createChartFetcher, isChartMiss, type ChartFetcherOptions, type ChartMiss, type ChartResult, type ChartsSettings, type FetchedChart, type VersionSelector } from '../src/charts/index.js';
import { basicAuthorization, chartArchive, exactOrNewestForTests, guardedFetch, pushChart, sha256Of, startRegistry, startTokenRegistry, type GuardedFetch, type Pushed, type Registry, type TokenRegistry } from './helpers/chart-servers.js';

const temps: string[] = [];
let open: Registry | undefined;
let locked: Registry | undefined;
let tokened: TokenRegistry | undefined;
const pushed: Record<string, Pushed> = {};
const USER = 'puller';
const PASSWORD = 'registry-pass-0451';

before(async () => {
  open = await startRegistry();
  locked = await startRegistry({ htpasswd: { username: USER, password: PASSWORD } });
  for (const version of ['6.8.0', '6.7.1', '6.5.4', '6.3.2']) {
    pushed[`podinfo-${version}`] = await pushChart(open, 'stefanprodan/charts/podinfo', 'podinfo', `podinfo-${version}.tgz`);
  }
  pushed['app-template-4.1.0'] = await pushChart(open, 'bjw-s-labs/app-template', 'bjw-s-labs', 'app-template-4.1.0.tgz');
  await pushChart(locked, 'bjw-s-labs/app-template', 'bjw-s-labs', 'app-template-4.1.0.tgz', basicAuthorization(USER, PASSWORD));
  tokened = await startTokenRegistry({ username: USER, password: PASSWORD, anonymousPull: true });
  await pushChart(tokened, 'stefanprodan/charts/podinfo', 'podinfo', 'podinfo-6.8.0.tgz', `Bearer ${tokened.mint('repository:stefanprodan/charts/podinfo:pull,push')}`);
});

after(async () => {
  await Promise.all([open?.stop(), locked?.stop(), tokened?.stop()]);
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-oci-'));
  temps.push(dir);
  return dir;
}

function fetcher(guard: GuardedFetch, options: Partial<ChartFetcherOptions> = {}) {
  return createChartFetcher({ selectVersion: exactOrNewestForTests, retry: { baseDelayMs: 1, sleep: async () => {} }, fetch: guard.fetch, env: {}, homeDir: tempDir(), cacheDir: tempDir(), ...options });
}

function fetched(result: ChartResult): FetchedChart {
  assert.ok(!isChartMiss(result), `expected a chart, got a miss: ${isChartMiss(result) ? result.reason : ''}\n${open?.log().slice(-2000)}`);
  return result;
}

function missed(result: ChartResult): ChartMiss {
  assert.ok(isChartMiss(result), `expected a miss, got ${JSON.stringify(result)}`);
  return result;
}

const podinfo = () => `oci://${open!.host}/stefanprodan/charts/podinfo`;
const tgzDigest = (repoId: string, file: string) => sha256Of(readFileSync(chartArchive(repoId, file)));
const lockedSettings = (): ChartsSettings => ({ mirrors: [], auth: [{ host: locked!.host, usernameEnv: 'REG_USER', passwordEnv: 'REG_PASS' }], knowledge: [] });

test('oci: anonymous, by tag; the chart layer of a helm-pushed manifest', async () => {
  const guard = guardedFetch();
  const result = fetched(await fetcher(guard).fetch({ type: 'oci', url: podinfo(), tag: '6.8.0' }));
  assert.equal(result.digest, tgzDigest('podinfo', 'podinfo-6.8.0.tgz'));
  assert.equal(result.digest, pushed['podinfo-6.8.0'].layerDigest);
  assert.deepEqual(readFileSync(result.file), readFileSync(chartArchive('podinfo', 'podinfo-6.8.0.tgz')));
  assert.equal(result.version, '6.8.0');
  assert.equal(result.fromCache, false);
  assert.equal(result.fetchedFrom, `${podinfo()}:6.8.0`);
  const base = `${open!.url}/v2/stefanprodan/charts/podinfo`;
  assert.deepEqual(guard.urls, [`${base}/manifests/6.8.0`, `${base}/blobs/${result.digest}`]);
});

test('oci: pinned by manifest digest; an unknown digest is a miss', async () => {
  const digest = pushed['podinfo-6.5.4'].manifestDigest;
  const result = fetched(await fetcher(guardedFetch()).fetch({ type: 'oci', url: podinfo(), digest }));
  assert.equal(result.digest, tgzDigest('podinfo', 'podinfo-6.5.4.tgz'));
  assert.equal(result.version, '6.5.4', 'from the org.opencontainers.image.version annotation');
  assert.equal(result.fetchedFrom, `${podinfo()}@${digest}`);
  const unknown = `sha256:${'0'.repeat(64)}`;
  const miss = missed(await fetcher(guardedFetch()).fetch({ type: 'oci', url: podinfo(), digest: unknown }));
  assert.equal(miss.reason, `${podinfo()}@${unknown}: ${podinfo()}@${unknown}: not found (404); check the tag, version or digest and the URL`);
  assert.match(missed(await fetcher(guardedFetch()).fetch({ type: 'oci', url: podinfo(), digest: 'sha256:abc' })).reason, /the digest must be sha256:<64 hex digits>$/);
});

test('oci: a semver range lists the tags (following Link pagination) and asks the selector', async () => {
  const guard = guardedFetch();
  // docker-registry 2.8 ignores `n` on tag lists (distribution 3, ghcr.io and quay.io page them), so
  // its real answer is cut into pages of 2 here, with the Link header those registries send
  const asked: string[] = [];
  const paging: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    asked.push(url.href);
    if (!url.pathname.endsWith('/tags/list')) return guard.fetch(input, init);
    const full = await guard.fetch(`${url.origin}${url.pathname}`, init);
    const body = (await full.json()) as { name: string; tags: string[] };
    const rest = body.tags.sort().filter((t) => !url.searchParams.has('last') || t > url.searchParams.get('last')!);
    const page = rest.slice(0, 2);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (rest.length > 2) headers.link = `<${url.pathname}?n=2&last=${page[1]}>; rel="next"`;
    return new Response(JSON.stringify({ name: body.name, tags: page }), { status: 200, headers });
  };
  const seen: string[][] = [];
  const selector: VersionSelector = async (versions, constraint) => {
    seen.push(versions);
    return constraint === '<6.5.0' ? '6.3.2' : exactOrNewestForTests(versions, constraint);
  };
  const f = fetcher(guard, { fetch: paging, selectVersion: selector });
  const [newest, older] = await f.fetchAll([{ type: 'oci', url: podinfo(), semver: '*' }, { type: 'oci', url: podinfo(), semver: '<6.5.0' }]);
  assert.equal(fetched(newest).digest, tgzDigest('podinfo', 'podinfo-6.8.0.tgz'));
  assert.equal(fetched(older).version, '6.3.2');
  assert.deepEqual(seen.map((v) => [...v].sort()), [['6.3.2', '6.5.4', '6.7.1', '6.8.0'], ['6.3.2', '6.5.4', '6.7.1', '6.8.0']]);
  const tagsUrl = `${open!.url}/v2/stefanprodan/charts/podinfo/tags/list`;
  assert.deepEqual(asked.filter((u) => u.startsWith(tagsUrl)), [tagsUrl, `${tagsUrl}?n=2&last=6.5.4`], 'two pages, listed once for both requests');
});

test('oci: mirrors map oci://ghcr.io/… to the local registry; the cache is keyed by what the repository wrote', async () => {
  const guard = guardedFetch();
  const settings: ChartsSettings = {
    mirrors: [{ from: 'oci://ghcr.io/bjw-s-labs/helm', to: `oci://${open!.host}/bjw-s-labs`, plainHTTP: true }],
    auth: [{ host: 'ghcr.io', usernameEnv: 'GHCR_USER', passwordEnv: 'GHCR_TOKEN' }],
    knowledge: [],
  };
  const cacheDir = tempDir();
  // a HelmRepository of type oci: url = repoUrl + '/' + chart, semver = version
  const request = { type: 'oci', url: 'oci://ghcr.io/bjw-s-labs/helm/app-template', semver: '4.1.0' } as const;
  const result = fetched(await fetcher(guard, { settings, cacheDir, env: { GHCR_USER: 'me', GHCR_TOKEN: 'ghp_never-sent-to-a-mirror' } }).fetch(request));
  assert.equal(result.digest, tgzDigest('bjw-s-labs', 'app-template-4.1.0.tgz'));
  assert.equal(result.fetchedFrom, `oci://${open!.host}/bjw-s-labs/app-template:4.1.0`);
  assert.deepEqual(guard.refused, []);
  assert.deepEqual(guard.authorizedHosts, [], 'ghcr.io credentials never reach the mirror');
  assert.ok(guard.urls.every((u) => u.startsWith(`http://${open!.host}/v2/bjw-s-labs/app-template/`)), guard.urls.join(' '));
  const offline = fetched(await fetcher(guardedFetch(), { offline: true, cacheDir }).fetch(request));
  assert.equal(offline.digest, result.digest);
  assert.equal(offline.fromCache, true);
});

test('oci: htpasswd basic auth with credentials from charts.auth environment variables', async () => {
  const guard = guardedFetch();
  const result = fetched(await fetcher(guard, { settings: lockedSettings(), env: { REG_USER: USER, REG_PASS: PASSWORD } })
    .fetch({ type: 'oci', url: `oci://${locked!.host}/bjw-s-labs/app-template`, tag: '4.1.0' }));
  assert.equal(result.digest, tgzDigest('bjw-s-labs', 'app-template-4.1.0.tgz'));
  // the challenge, then the manifest and the blob with credentials
  assert.equal(guard.urls.length, 3);
  assert.deepEqual(guard.authorizedHosts, [locked!.host, locked!.host]);
});

test('oci: credentials from a Docker config (DOCKER_CONFIG, or ~/.docker/config.json)', async () => {
  const request = { type: 'oci', url: `oci://${locked!.host}/bjw-s-labs/app-template`, tag: '4.1.0' } as const;
  const dockerDir = tempDir();
  writeFileSync(path.join(dockerDir, 'config.json'), JSON.stringify({ auths: { [`http://${locked!.host}`]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } }));
  fetched(await fetcher(guardedFetch(), { env: { DOCKER_CONFIG: dockerDir } }).fetch(request));
  const home = tempDir();
  mkdirSync(path.join(home, '.docker'));
  writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [locked!.host]: { username: USER, password: PASSWORD } } }));
  fetched(await fetcher(guardedFetch(), { homeDir: home }).fetch(request));
});

test('oci: wrong or missing credentials are a miss with a clear reason, the secret not in it', async () => {
  const request = { type: 'oci', url: `oci://${locked!.host}/bjw-s-labs/app-template`, tag: '4.1.0' } as const;
  const secret = 'totally-wrong-secret-77';
  const wrong = missed(await fetcher(guardedFetch(), { settings: lockedSettings(), env: { REG_USER: USER, REG_PASS: secret } }).fetch(request));
  assert.equal(wrong.reason, `oci://${locked!.host}/bjw-s-labs/app-template:4.1.0: ${locked!.url}/v2/bjw-s-labs/app-template/manifests/4.1.0: authentication failed (401) with the credentials from environment variables REG_USER/REG_PASS (charts.auth); check that they are valid for ${locked!.host} and may pull this chart`);
  for (const leak of [secret, Buffer.from(`${USER}:${secret}`).toString('base64')]) assert.ok(!wrong.reason.includes(leak));
  const dockerDir = tempDir();
  writeFileSync(path.join(dockerDir, 'config.json'), JSON.stringify({ auths: { [locked!.host]: { auth: Buffer.from(`${USER}:${secret}`).toString('base64') } } }));
  const fromDocker = missed(await fetcher(guardedFetch(), { env: { DOCKER_CONFIG: dockerDir } }).fetch(request));
  assert.match(fromDocker.reason, new RegExp(`with the credentials from ${path.join(dockerDir, 'config.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(auths\\["127\\.0\\.0\\.1:\\d+"\\]\\)`));
  assert.ok(!fromDocker.reason.includes(secret));
  const none = missed(await fetcher(guardedFetch()).fetch(request));
  assert.match(none.reason, /authentication failed \(401\) without credentials; name environment variables for 127\.0\.0\.1:\d+ in \.slipway\.yaml charts\.auth, or log in with docker\/helm registry login$/);
  writeFileSync(path.join(dockerDir, 'config.json'), JSON.stringify({ auths: {}, credsStore: 'desktop' }));
  assert.match(missed(await fetcher(guardedFetch(), { env: { DOCKER_CONFIG: dockerDir } }).fetch(request)).reason, /keeps credentials in the credential helper "desktop", which slipway does not run/);
});

test('oci: layerMediaType chooses the layer; a missing one is a miss listing what is there', async () => {
  const ok = fetched(await fetcher(guardedFetch()).fetch({ type: 'oci', url: podinfo(), tag: '6.7.1', layerMediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip' }));
  assert.equal(ok.digest, tgzDigest('podinfo', 'podinfo-6.7.1.tgz'));
  const miss = missed(await fetcher(guardedFetch()).fetch({ type: 'oci', url: podinfo(), tag: '6.7.1', layerMediaType: 'application/vnd.cncf.flux.content.v1.tar+gzip' }));
  assert.match(miss.reason, /podinfo:6\.7\.1: no layer of media type application\/vnd\.cncf\.flux\.content\.v1\.tar\+gzip \(layers: application\/vnd\.cncf\.helm\.chart\.content\.v1\.tar\+gzip\); set layerSelector\.mediaType/);
  const unknownTag = missed(await fetcher(guardedFetch()).fetch({ type: 'oci', url: podinfo(), tag: '0.0.1' }));
  assert.match(unknownTag.reason, /podinfo:0\.0\.1: not found \(404\); check the tag, version or digest and the URL$/);
});

test('oci: cache hits by exact tag and by digest need no request; offline misses say what to do', async () => {
  const cacheDir = tempDir();
  const byTag = { type: 'oci', url: podinfo(), tag: '6.8.0' } as const;
  const byDigest = { type: 'oci', url: podinfo(), digest: pushed['podinfo-6.3.2'].manifestDigest } as const;
  (await fetcher(guardedFetch(), { cacheDir }).fetchAll([byTag, byDigest])).forEach(fetched);
  const guard = guardedFetch();
  const again = await fetcher(guard, { cacheDir }).fetchAll([byTag, byDigest]);
  assert.deepEqual(again.map((r) => fetched(r).fromCache), [true, true]);
  assert.deepEqual(guard.urls, [], 'no request at all');
  const miss = missed(await fetcher(guard, { cacheDir, offline: true }).fetch({ type: 'oci', url: podinfo(), semver: '>=6.0.0' }));
  assert.equal(miss.offline, true);
  assert.equal(miss.reason, `${podinfo()} (semver >=6.0.0): not in the chart cache (${path.join(cacheDir, 'charts')}); run \`slipway charts pull\` with network access to fetch it`);
  assert.deepEqual(guard.urls, []);
});

test('oci: the Bearer token flow, anonymous (as public ghcr.io charts)', async () => {
  tokened!.policy.anonymousPull = true;
  tokened!.tokenRequests.length = 0;
  const guard = guardedFetch();
  const url = `oci://${tokened!.host}/stefanprodan/charts/podinfo`;
  const result = fetched(await fetcher(guard).fetch({ type: 'oci', url, tag: '6.8.0' }));
  assert.equal(result.digest, tgzDigest('podinfo', 'podinfo-6.8.0.tgz'));
  assert.deepEqual(tokened!.tokenRequests.map((r) => [r.query.get('service'), r.query.getAll('scope'), r.authorization]), [
    ['slipway-test-registry', ['repository:stefanprodan/charts/podinfo:pull'], undefined],
  ]);
  // challenge, token, manifest and blob with the token
  assert.deepEqual(guard.urls.map((u) => new URL(u).pathname), ['/v2/stefanprodan/charts/podinfo/manifests/6.8.0', '/token', '/v2/stefanprodan/charts/podinfo/manifests/6.8.0', `/v2/stefanprodan/charts/podinfo/blobs/${result.digest}`]);
  assert.deepEqual(guard.authorizedHosts, [tokened!.host, tokened!.host]);
});

test('oci: the Bearer token flow with basic credentials at the realm; rejected ones are a clear miss', async () => {
  tokened!.policy.anonymousPull = false;
  tokened!.tokenRequests.length = 0;
  const url = `oci://${tokened!.host}/stefanprodan/charts/podinfo`;
  const settings: ChartsSettings = { mirrors: [], auth: [{ url: `oci://${tokened!.host}/stefanprodan`, usernameEnv: 'TOKEN_USER', passwordEnv: 'TOKEN_PASS' }], knowledge: [] };
  fetched(await fetcher(guardedFetch(), { settings, env: { TOKEN_USER: USER, TOKEN_PASS: PASSWORD } }).fetch({ type: 'oci', url, tag: '6.8.0' }));
  assert.deepEqual(tokened!.tokenRequests.map((r) => r.authorization), [basicAuthorization(USER, PASSWORD)]);
  const secret = 'not-the-token-password';
  const wrong = missed(await fetcher(guardedFetch(), { settings, env: { TOKEN_USER: USER, TOKEN_PASS: secret } }).fetch({ type: 'oci', url, tag: '6.8.0' }));
  assert.equal(wrong.reason, `${url}:6.8.0: ${tokened!.url}/token: authentication failed (401) with the credentials from environment variables TOKEN_USER/TOKEN_PASS (charts.auth); check that they are valid for ${tokened!.host} and may pull this chart`);
  assert.ok(!wrong.reason.includes(secret));
  const none = missed(await fetcher(guardedFetch()).fetch({ type: 'oci', url, tag: '6.8.0' }));
  assert.match(none.reason, /\/token: authentication failed \(401\) without credentials; name environment variables/);
});

test('oci: credentials are not sent to a token realm on another host:port over plain http', async () => {
  tokened!.policy.anonymousPull = false;
  tokened!.tokenRequests.length = 0;
  const direct = tokened!.direct;
  const settings: ChartsSettings = { mirrors: [], auth: [{ host: direct.host, usernameEnv: 'U', passwordEnv: 'P' }], knowledge: [] };
  const guard = guardedFetch();
  const miss = missed(await fetcher(guard, { settings, env: { U: USER, P: PASSWORD } }).fetch({ type: 'oci', url: `oci://${direct.host}/stefanprodan/charts/podinfo`, tag: '6.8.0' }));
  assert.match(miss.reason, new RegExp(`/token: the token service refused anonymous access \\(401\\); the credentials for ${direct.host} were not sent to it, since it is neither ${direct.host} nor https$`));
  assert.deepEqual(tokened!.tokenRequests.map((r) => r.authorization), [undefined]);
  assert.deepEqual(guard.authorizedHosts, []);
});

test('oci: `+` in a version is `_` in the tag; tampered manifests and layers are refused', async () => {
  const guard = guardedFetch();
  const build = missed(await fetcher(guard).fetch({ type: 'oci', url: podinfo(), semver: '6.8.0+build.1' }));
  assert.match(build.reason, /podinfo:6\.8\.0_build\.1: not found \(404\)/);
  assert.ok(guard.urls.at(-1)!.endsWith('/manifests/6.8.0_build.1'));
  // a mirror that serves other bytes than it names
  const tamper = (part: string): typeof fetch => async (input, init) => {
    const res = await guard.fetch(input, init);
    if (!String(input).includes(part)) return res;
    const body = Buffer.from(await res.arrayBuffer());
    return new Response(Buffer.concat([body, Buffer.from(part === '/blobs/' ? '\0' : ' ')]), { status: res.status, headers: res.headers });
  };
  const layer = missed(await fetcher(guard, { fetch: tamper('/blobs/') }).fetch({ type: 'oci', url: podinfo(), tag: '6.8.0' }));
  assert.match(layer.reason, /podinfo:6\.8\.0: the registry sent a layer with sha256:\w{64} instead of sha256:8e7a2857\w+; refused$/);
  const digest = pushed['podinfo-6.8.0'].manifestDigest;
  const manifest = missed(await fetcher(guard, { fetch: tamper('/manifests/') }).fetch({ type: 'oci', url: podinfo(), digest }));
  assert.match(manifest.reason, new RegExp(`podinfo@${digest}: the registry sent a manifest with digest sha256:\\w{64}; refused$`));
});
