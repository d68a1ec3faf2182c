// The chart fetcher against Helm HTTP repositories served from ../shared/charts/repos on 127.0.0.1:
// settings, mirrors, index + digest checks, version selection through the injected selector, basic
// auth, redirects that must drop Authorization, the cache (hits without requests, offline), the
// concurrency bound, retries and timeouts. A fetch guard refuses every host but 127.0.0.1.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { applyMirrors, ChartsConfigError, createChartFetcher, isChartMiss, parseChartsSettings, type ChartFetcherOptions, type ChartMiss, type ChartResult, type ChartsSettings, type FetchedChart, type VersionSelector } from '../src/charts/index.js';
import { chartArchive, exactOrNewestForTests, guardedFetch, sha256Of, startHelmRepoServer, type GuardedFetch, type TestServer } from './helpers/chart-servers.js';

const temps: string[] = [];
const servers: TestServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-charts-'));
  temps.push(dir);
  return dir;
}

async function server(options: Parameters<typeof startHelmRepoServer>[0] = {}): Promise<TestServer> {
  const s = await startHelmRepoServer(options);
  servers.push(s);
  return s;
}

const noSleep = { attempts: 3, baseDelayMs: 1, sleep: async () => {} };
const PODINFO = 'https://stefanprodan.github.io/podinfo';
const BJWS = 'https://bjw-s-labs.github.io/helm-charts';

function mirrorsTo(s: TestServer): ChartsSettings {
  return {
    mirrors: [
      { from: PODINFO, to: `${s.url}/podinfo`, plainHTTP: false },
      { from: BJWS, to: `${s.url}/bjw-s-labs`, plainHTTP: false },
    ],
    auth: [],
    knowledge: [],
  };
}

function fetcher(guard: GuardedFetch, options: Partial<ChartFetcherOptions>) {
  return createChartFetcher({ selectVersion: exactOrNewestForTests, retry: noSleep, fetch: guard.fetch, env: {}, homeDir: tempDir(), ...options });
}

function fetched(result: ChartResult): FetchedChart {
  assert.ok(!isChartMiss(result), `expected a chart, got a miss: ${isChartMiss(result) ? result.reason : ''}`);
  return result;
}

function missed(result: ChartResult): ChartMiss {
  assert.ok(isChartMiss(result), `expected a miss, got ${JSON.stringify(result)}`);
  return result;
}

const files = (dir: string): string[] => {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
};

test('settings: mirrors, auth and knowledge are read; a plain list is knowledge', () => {
  const where = (p: string) => `.slipway.yaml:${p.length}`;
  const settings = parseChartsSettings({
    mirrors: [
      { from: 'oci://ghcr.io/bjw-s-labs/helm/', to: 'oci://127.0.0.1:5000/bjw-s-labs', plainHTTP: true },
      { from: 'https://Stefanprodan.GitHub.io/podinfo', to: 'http://127.0.0.1:8080/podinfo' },
    ],
    auth: [{ host: 'GHCR.io', usernameEnv: 'GHCR_USER', passwordEnv: 'GHCR_TOKEN' }, { url: 'https://charts.example.com/private', usernameEnv: 'U', passwordEnv: 'P' }],
    knowledge: [{ name: 'my-operator', url: 'oci://ghcr.io/me/charts', crds: ['example.com/Widget'] }],
  }, where);
  assert.deepEqual(settings, {
    mirrors: [
      { from: 'oci://ghcr.io/bjw-s-labs/helm', to: 'oci://127.0.0.1:5000/bjw-s-labs', plainHTTP: true },
      { from: 'https://stefanprodan.github.io/podinfo', to: 'http://127.0.0.1:8080/podinfo', plainHTTP: false },
    ],
    auth: [{ host: 'ghcr.io', usernameEnv: 'GHCR_USER', passwordEnv: 'GHCR_TOKEN' }, { url: 'https://charts.example.com/private', usernameEnv: 'U', passwordEnv: 'P' }],
    knowledge: [{ name: 'my-operator', url: 'oci://ghcr.io/me/charts', crds: ['example.com/Widget'] }],
  });
  assert.deepEqual(parseChartsSettings([{ name: 'x', crds: [] }], where), { mirrors: [], auth: [], knowledge: [{ name: 'x', crds: [] }] });
  assert.deepEqual(parseChartsSettings(undefined, where), { mirrors: [], auth: [], knowledge: [] });
});

test('settings: mistakes name file:line and the setting, and never echo the value', () => {
  const where = (p: string) => `.slipway.yaml:${p === 'charts.auth[0].passwordEnv' ? 7 : 3}`;
  const secret = 'ghp_Abc123-not-a-variable-name';
  const cases: [unknown, RegExp][] = [
    [{ auth: [{ host: 'ghcr.io', usernameEnv: 'U', passwordEnv: secret }] }, /^\.slipway\.yaml:7: charts\.auth\[0\]\.passwordEnv: must be the name of an environment variable/],
    [{ mirrors: [{ from: 'https://a.example/x', to: 'oci://127.0.0.1:5000/x' }] }, /charts\.mirrors\[0\]\.to: must be of the same kind/],
    [{ mirrors: [{ from: 'https://a.example/x', to: 'http://127.0.0.1/x', plainHTTP: true }] }, /plainHTTP: applies to oci:\/\/ mirrors only/],
    [{ mirrors: [{ from: 'https://user:pw@a.example/x', to: 'http://127.0.0.1/x' }] }, /charts\.mirrors\[0\]\.from: must not contain credentials/],
    [{ mirrors: [{ from: 'oci://a/x', to: 'oci://b/x' }, { from: 'oci://a/x/', to: 'oci://c/x' }] }, /charts\.mirrors\[1\]\.from: is already mapped/],
    [{ auth: [{ host: 'ghcr.io', url: 'oci://ghcr.io', usernameEnv: 'U', passwordEnv: 'P' }] }, /charts\.auth\[0\]: needs exactly one of host/],
    [{ auth: [{ host: 'https://ghcr.io', usernameEnv: 'U', passwordEnv: 'P' }] }, /charts\.auth\[0\]\.host: must be a host name/],
    [{ knowledge: [{ name: 'x', crds: ['Widget'] }] }, /charts\.knowledge\[0\]\.crds\[0\]: must be "group\/Kind"/],
    [{ mirror: [] }, /charts\.mirror: unknown setting; known: mirrors, auth, knowledge/],
    ['yes', /^\.slipway\.yaml:3: charts: must be a mapping/],
  ];
  for (const [value, expected] of cases) {
    assert.throws(() => parseChartsSettings(value, where), (e: unknown) => {
      assert.ok(e instanceof ChartsConfigError);
      assert.match(e.message, expected);
      assert.ok(!e.message.includes(secret) && !e.message.includes('pw@'), e.message);
      return true;
    });
  }
});

test('mirrors: the longest prefix wins, only at a path-segment boundary', () => {
  const mirrors = [
    { from: 'oci://ghcr.io/bjw-s-labs', to: 'oci://127.0.0.1:5000/all', plainHTTP: false },
    { from: 'oci://ghcr.io/bjw-s-labs/helm', to: 'oci://127.0.0.1:5000/helm', plainHTTP: true },
  ];
  assert.deepEqual(applyMirrors('oci://ghcr.io/bjw-s-labs/helm/app-template', mirrors), { url: 'oci://127.0.0.1:5000/helm/app-template', plainHTTP: true });
  assert.deepEqual(applyMirrors('oci://ghcr.io/bjw-s-labs/helm-charts/x', mirrors), { url: 'oci://127.0.0.1:5000/all/helm-charts/x', plainHTTP: false });
  assert.deepEqual(applyMirrors('oci://ghcr.io/bjw-s-labsx/y', mirrors), { url: 'oci://ghcr.io/bjw-s-labsx/y', plainHTTP: false });
});

test('helm: an exact version through a mirror, digest checked, stored content-addressed', async () => {
  const s = await server();
  const guard = guardedFetch();
  const cacheDir = tempDir();
  const result = fetched(await fetcher(guard, { settings: mirrorsTo(s), cacheDir }).fetch({ type: 'helm', repoUrl: PODINFO, chart: 'podinfo', version: '6.8.0' }));
  const bytes = readFileSync(chartArchive('podinfo', 'podinfo-6.8.0.tgz'));
  assert.equal(result.digest, sha256Of(bytes));
  assert.equal(result.digest, 'sha256:8e7a2857fb17993d5675e5533f13fae9bdfdab53be47b7ac1e67096692c08be6', 'the digest index.yaml lists');
  assert.equal(result.version, '6.8.0');
  assert.equal(result.fromCache, false);
  assert.equal(result.fetchedFrom, `${s.url}/podinfo/podinfo-6.8.0.tgz`);
  assert.equal(result.file, path.join(cacheDir, 'charts', 'blobs', 'sha256', result.digest.slice(7)));
  assert.deepEqual(readFileSync(result.file), bytes);
  assert.deepEqual(s.requests.map((r) => r.path), ['/podinfo/index.yaml', '/podinfo/podinfo-6.8.0.tgz']);
  assert.equal(files(path.join(cacheDir, 'charts', 'refs')).length, 1);
  assert.equal(files(path.join(cacheDir, 'charts', 'indexes')).length, 1);
  const ref = JSON.parse(readFileSync(path.join(cacheDir, 'charts', 'refs', files(path.join(cacheDir, 'charts', 'refs'))[0]), 'utf8'));
  assert.deepEqual(ref.request, { type: 'helm', repoUrl: PODINFO, chart: 'podinfo', version: '6.8.0' }, 'keyed by what the repository wrote');
  assert.deepEqual(guard.refused, []);
});

test('helm: `*` and ranges are decided by the injected selector; one index fetch per repository', async () => {
  const s = await server();
  const guard = guardedFetch();
  const seen: [string[], string][] = [];
  const selector: VersionSelector = async (versions, constraint) => {
    seen.push([versions, constraint]);
    return constraint === '~6.7.0' ? '6.7.1' : exactOrNewestForTests(versions, constraint);
  };
  const f = fetcher(guard, { settings: mirrorsTo(s), cacheDir: tempDir(), selectVersion: selector });
  const [newest, range, unset] = await f.fetchAll([
    { type: 'helm', repoUrl: PODINFO, chart: 'podinfo', version: '*' },
    { type: 'helm', repoUrl: PODINFO, chart: 'podinfo', version: '~6.7.0' },
    { type: 'helm', repoUrl: PODINFO + '/', chart: 'podinfo' },
  ]);
  assert.equal(fetched(newest).version, '6.8.0');
  assert.equal(fetched(range).version, '6.7.1');
  assert.equal(fetched(range).digest, sha256Of(readFileSync(chartArchive('podinfo', 'podinfo-6.7.1.tgz'))));
  assert.equal(fetched(unset).version, '6.8.0');
  assert.deepEqual(seen.map(([, c]) => c).sort(), ['*', '*', '~6.7.0']);
  assert.deepEqual(seen[0][0], ['6.8.0', '6.7.1', '6.5.4', '6.3.2'], 'every version in index order');
  assert.equal(s.requests.filter((r) => r.path === '/podinfo/index.yaml').length, 1);
});

test('helm: a download whose sha256 differs from index.yaml is a miss, and nothing is stored', async () => {
  const wrong = 'ab'.repeat(32);
  const s = await server({ rewriteIndex: (text) => text.replace('8e7a2857fb17993d5675e5533f13fae9bdfdab53be47b7ac1e67096692c08be6', wrong) });
  const cacheDir = tempDir();
  const miss = missed(await fetcher(guardedFetch(), { settings: mirrorsTo(s), cacheDir }).fetch({ type: 'helm', repoUrl: PODINFO, chart: 'podinfo', version: '6.8.0' }));
  assert.match(miss.reason, new RegExp(`^chart podinfo@6\\.8\\.0 from ${PODINFO}: ${s.url}/podinfo/podinfo-6\\.8\\.0\\.tgz has sha256:8e7a2857\\w+ but index\\.yaml says sha256:${wrong}; .*fix the mirror`));
  assert.equal(miss.offline, false);
  assert.deepEqual(files(path.join(cacheDir, 'charts', 'blobs', 'sha256')), []);
  assert.deepEqual(files(path.join(cacheDir, 'charts', 'refs')), []);
});

test('helm: an unknown version or chart is a miss that names it and what exists', async () => {
  const s = await server();
  const f = fetcher(guardedFetch(), { settings: mirrorsTo(s), cacheDir: tempDir() });
  const [version, chart, repo] = await f.fetchAll([
    { type: 'helm', repoUrl: PODINFO, chart: 'podinfo', version: '9.9.9' },
    { type: 'helm', repoUrl: BJWS, chart: 'app-templat', version: '4.1.0' },
    { type: 'helm', repoUrl: `${s.url}/nope`, chart: 'x', version: '1.0.0' },
  ]);
  assert.match(missed(version).reason, /no version of chart podinfo in .*podinfo\/index\.yaml matches "9\.9\.9" \(available: 6\.8\.0, 6\.7\.1, 6\.5\.4, 6\.3\.2\); fix the version$/);
  assert.match(missed(chart).reason, /bjw-s-labs\/index\.yaml has no chart "app-templat" \(it has: app-template, common\); check spec\.chart\.spec\.chart/);
  assert.match(missed(repo).reason, /nope\/index\.yaml: not found \(404\); check the HelmRepository URL$/);
});

test('helm: basic auth from charts.auth; the redirect to another host:port gets no Authorization', async () => {
  const storage = await server();
  const s = await server({ basicAuth: { username: 'reader', password: 's3cret-pass' }, redirectArchivesTo: storage.url });
  const guard = guardedFetch();
  const settings: ChartsSettings = { ...mirrorsTo(s), auth: [{ host: s.host, usernameEnv: 'REPO_USER', passwordEnv: 'REPO_PASS' }] };
  const result = fetched(await fetcher(guard, { settings, cacheDir: tempDir(), env: { REPO_USER: 'reader', REPO_PASS: 's3cret-pass' } })
    .fetch({ type: 'helm', repoUrl: BJWS, chart: 'app-template', version: '4.1.0' }));
  assert.equal(result.digest, sha256Of(readFileSync(chartArchive('bjw-s-labs', 'app-template-4.1.0.tgz'))));
  // challenge, then with credentials: index twice, archive twice (the second answered with the redirect)
  assert.deepEqual(s.requests.map((r) => [r.path, r.headers.authorization !== undefined]), [
    ['/bjw-s-labs/index.yaml', false], ['/bjw-s-labs/index.yaml', true],
    ['/bjw-s-labs/app-template-4.1.0.tgz', false], ['/bjw-s-labs/app-template-4.1.0.tgz', true],
  ]);
  assert.deepEqual(storage.requests.map((r) => r.path), ['/bjw-s-labs/app-template-4.1.0.tgz']);
  assert.equal(storage.requests[0].headers.authorization, undefined, 'no Authorization at the other host:port');
  assert.deepEqual([...new Set(guard.authorizedHosts)], [s.host]);
});

test('helm: rejected or missing credentials are a miss that names the variables, never the secret', async () => {
  const s = await server({ basicAuth: { username: 'reader', password: 'right-password' } });
  const settings: ChartsSettings = { ...mirrorsTo(s), auth: [{ host: s.host, usernameEnv: 'REPO_USER', passwordEnv: 'REPO_PASS' }] };
  const request = { type: 'helm', repoUrl: PODINFO, chart: 'podinfo', version: '6.8.0' } as const;
  const wrong = missed(await fetcher(guardedFetch(), { settings, cacheDir: tempDir(), env: { REPO_USER: 'reader', REPO_PASS: 'wrong-password-value' } }).fetch(request));
  assert.match(wrong.reason, new RegExp(`index\\.yaml: authentication failed \\(401\\) with the credentials from environment variables REPO_USER/REPO_PASS \\(charts\\.auth\\); check that they are valid for ${s.host}`));
  assert.ok(!wrong.reason.includes('wrong-password-value') && !wrong.reason.includes(Buffer.from('reader:wrong-password-value').toString('base64')));
  const unset = missed(await fetcher(guardedFetch(), { settings, cacheDir: tempDir(), env: { REPO_USER: 'reader' } }).fetch(request));
  assert.match(unset.reason, /authentication failed \(401\) without credentials \(charts\.auth names REPO_USER\/REPO_PASS for 127\.0\.0\.1:\d+, but REPO_PASS is not set\); name environment variables/);
});

test('helm: absolute archive URLs in index.yaml go through the mirrors as well', async () => {
  const s = await server({ rewriteIndex: (text) => text.replace(/- (podinfo-[\d.]+\.tgz)/g, `- ${PODINFO}/$1`) });
  const guard = guardedFetch();
  const result = fetched(await fetcher(guard, { settings: mirrorsTo(s), cacheDir: tempDir() }).fetch({ type: 'helm', repoUrl: PODINFO, chart: 'podinfo', version: '6.5.4' }));
  assert.equal(result.fetchedFrom, `${s.url}/podinfo/podinfo-6.5.4.tgz`);
  assert.deepEqual(guard.refused, []);
});

test('cache: an exact version is served again without any request; a range re-resolves but reuses the archive', async () => {
  const s = await server();
  const cacheDir = tempDir();
  const exact = { type: 'helm', repoUrl: PODINFO, chart: 'podinfo', version: '6.8.0' } as const;
  fetched(await fetcher(guardedFetch(), { settings: mirrorsTo(s), cacheDir }).fetch(exact));
  const before = s.requests.length;
  const guard = guardedFetch();
  const again = fetched(await fetcher(guard, { settings: mirrorsTo(s), cacheDir }).fetch(exact));
  assert.equal(again.fromCache, true);
  assert.equal(again.fetchedFrom, `${s.url}/podinfo/podinfo-6.8.0.tgz`);
  assert.equal(s.requests.length - before, 0, 'no request at all');
  assert.deepEqual(guard.urls, []);
  const range = fetched(await fetcher(guard, { settings: mirrorsTo(s), cacheDir }).fetch({ ...exact, version: '*' }));
  assert.equal(range.fromCache, true);
  assert.equal(range.digest, again.digest);
  assert.deepEqual(s.requests.slice(before).map((r) => r.path), ['/podinfo/index.yaml'], 'the index only');
  // a damaged blob is no hit: it is fetched again and replaced
  writeFileSync(again.file, 'damaged');
  const repaired = fetched(await fetcher(guardedFetch(), { settings: mirrorsTo(s), cacheDir }).fetch(exact));
  assert.equal(repaired.fromCache, false);
  assert.equal(sha256Of(readFileSync(repaired.file)), repaired.digest);
});

test('offline: an empty cache is a miss with offline: true that names the chart and says to pull', async () => {
  const guard = guardedFetch();
  const cacheDir = tempDir();
  const miss = missed(await fetcher(guard, { offline: true, cacheDir }).fetch({ type: 'helm', repoUrl: PODINFO, chart: 'podinfo', version: '6.8.0' }));
  assert.equal(miss.offline, true);
  assert.equal(miss.reason, `chart podinfo@6.8.0 from ${PODINFO}: not in the chart cache (${path.join(cacheDir, 'charts')}); run \`slipway charts pull\` with network access to fetch it`);
  assert.deepEqual(guard.urls, []);
});

test('offline: after a pull, exact versions and ranges are served from the cache alone', async () => {
  const s = await server();
  const cacheDir = tempDir();
  const base = { type: 'helm', repoUrl: PODINFO, chart: 'podinfo' } as const;
  const pulled = await fetcher(guardedFetch(), { settings: mirrorsTo(s), cacheDir }).fetchAll([{ ...base, version: '6.8.0' }, { ...base, version: '*' }]);
  pulled.forEach(fetched);
  const guard = guardedFetch();
  // no mirrors offline: refs and indexes are keyed by what the repository wrote
  const offline = fetcher(guard, { offline: true, cacheDir, selectVersion: async (v, c) => (c === '>=6.0.0' ? '6.8.0' : exactOrNewestForTests(v, c)) });
  const [exact, star, otherRange, notPulled] = await offline.fetchAll([
    { ...base, version: '6.8.0' }, { ...base, version: '*' }, { ...base, version: '>=6.0.0' }, { ...base, version: '6.7.1' },
  ]);
  for (const r of [exact, star, otherRange]) assert.equal(fetched(r).version, '6.8.0');
  assert.equal(fetched(otherRange).fromCache, true, 'resolved against the cached index.yaml');
  assert.equal(missed(notPulled).offline, true);
  assert.match(missed(notPulled).reason, /^chart podinfo@6\.7\.1 from .*: not in the chart cache/);
  assert.deepEqual(guard.urls, []);
});

test('concurrency: never more exchanges in flight than the bound (default 4)', async () => {
  const requests = [
    ...['6.8.0', '6.7.1', '6.5.4', '6.3.2'].map((version) => ({ type: 'helm', repoUrl: PODINFO, chart: 'podinfo', version }) as const),
    ...[['app-template', '4.1.0'], ['app-template', '4.4.0'], ['common', '4.1.0'], ['common', '4.4.0']].map(([chart, version]) => ({ type: 'helm', repoUrl: BJWS, chart, version }) as const),
  ];
  for (const [concurrency, expected] of [[2, 2], [undefined, 4]] as const) {
    const s = await server({ delayMs: 40 });
    const results = await fetcher(guardedFetch(), { settings: mirrorsTo(s), cacheDir: tempDir(), concurrency }).fetchAll(requests);
    results.forEach(fetched);
    assert.equal(s.requests.length, 10, '2 indexes + 8 archives');
    assert.equal(s.maxInFlight, expected, `at most ${expected} in flight (bound reached)`);
  }
});

test('retry: 503s are retried with exponential backoff; a lasting 503 is a miss', async () => {
  const sleeps: number[] = [];
  const retry = { attempts: 3, baseDelayMs: 5, sleep: async (ms: number) => void sleeps.push(ms) };
  const request = { type: 'helm', repoUrl: PODINFO, chart: 'podinfo', version: '6.8.0' } as const;
  const s = await server({ failFirst: 2 });
  fetched(await fetcher(guardedFetch(), { settings: mirrorsTo(s), cacheDir: tempDir(), retry }).fetch(request));
  assert.deepEqual(sleeps, [5, 10]);
  assert.equal(s.requests.length, 4, '2 failed + index + archive');
  const down = await server({ failFirst: 100 });
  const miss = missed(await fetcher(guardedFetch(), { settings: mirrorsTo(down), cacheDir: tempDir(), retry }).fetch(request));
  assert.match(miss.reason, /podinfo\/index\.yaml: the server answered 503 after retries; try again later$/);
  assert.equal(down.requests.length, 3);
});

test('network errors and timeouts are retried, then a miss naming the URL', async () => {
  const closed = await server();
  await closed.close();
  const request = { type: 'helm', repoUrl: PODINFO, chart: 'podinfo', version: '6.8.0' } as const;
  const refused = missed(await fetcher(guardedFetch(), { settings: mirrorsTo(closed), cacheDir: tempDir() }).fetch(request));
  assert.match(refused.reason, new RegExp(`${closed.url}/podinfo/index\\.yaml: ECONNREFUSED \\(3 attempts\\); check the network, or map the URL to a reachable mirror`));
  const slow = await server({ delayMs: 500 });
  const timedOut = missed(await fetcher(guardedFetch(), { settings: mirrorsTo(slow), cacheDir: tempDir(), timeoutMs: 50 }).fetch(request));
  assert.match(timedOut.reason, /index\.yaml: no answer within 0\.05 s \(3 attempts\)/);
});

test('the guard: a host not mapped to 127.0.0.1 is never contacted', async () => {
  const guard = guardedFetch();
  const miss = missed(await fetcher(guard, { cacheDir: tempDir() }).fetch({ type: 'helm', repoUrl: PODINFO, chart: 'podinfo', version: '6.8.0' }));
  assert.deepEqual(guard.refused, [`${PODINFO}/index.yaml`, `${PODINFO}/index.yaml`, `${PODINFO}/index.yaml`]);
  assert.match(miss.reason, /test guard: stefanprodan\.github\.io is not 127\.0\.0\.1/);
  const withUserinfo = missed(await fetcher(guard, { cacheDir: tempDir() }).fetch({ type: 'helm', repoUrl: 'https://me:hunter2-pass@charts.example.com/x', chart: 'c', version: '1.0.0' }));
  assert.equal(withUserinfo.reason, 'chart c@1.0.0 from https://charts.example.com/x: the URL carries credentials, which slipway does not use; name environment variables in .slipway.yaml charts.auth instead');
  assert.equal(guard.urls.length, 3, 'nothing more was contacted');
});

test('fetchAll keeps the order of the requests, fetches identical ones once, and reports progress', async () => {
  const s = await server();
  const events: string[] = [];
  const f = fetcher(guardedFetch(), { settings: mirrorsTo(s), cacheDir: tempDir(), onProgress: (e) => events.push(`${e.type}${e.type === 'finish' ? ':' + e.outcome : ''} ${e.done}/${e.total}`) });
  const a = { type: 'helm', repoUrl: BJWS, chart: 'common', version: '4.1.0' } as const;
  const b = { type: 'helm', repoUrl: PODINFO, chart: 'podinfo', version: '6.3.2' } as const;
  const results = await f.fetchAll([a, b, a, { type: 'helm', repoUrl: PODINFO, chart: 'missing', version: '1.0.0' }]);
  assert.deepEqual(results.map((r) => (isChartMiss(r) ? 'miss' : r.version)), ['4.1.0', '6.3.2', '4.1.0', 'miss']);
  assert.equal(results[0], results[2]);
  assert.equal(s.requests.filter((r) => r.path.endsWith('.tgz')).length, 2);
  assert.deepEqual(events.filter((e) => e.startsWith('start')), ['start 0/1', 'start 0/2', 'start 0/3']);
  assert.deepEqual(events.filter((e) => e.startsWith('finish')).map((e) => e.split(' ')[0]).sort(), ['finish:downloaded', 'finish:downloaded', 'finish:missed']);
  assert.equal(events.filter((e) => e.startsWith('download')).length, 2);
  assert.equal(events.at(-1)!.split(' ')[1], '3/3');
});

test('a host name that does not resolve is asked once: no retries, and no second try for other charts there', async () => {
  let calls = 0;
  // what undici throws for a name that does not resolve (no DNS is asked: the fetch is injected)
  const unresolvable = (async () => {
    calls++;
    throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND charts.invalid'), { code: 'ENOTFOUND' }) });
  }) as unknown as typeof fetch;
  const f = createChartFetcher({ cacheDir: tempDir(), selectVersion: exactOrNewestForTests, retry: noSleep, fetch: unresolvable });
  const first = missed(await f.fetch({ type: 'helm', repoUrl: 'https://charts.invalid/a', chart: 'x', version: '1.0.0' }));
  const second = missed(await f.fetch({ type: 'helm', repoUrl: 'https://charts.invalid/b', chart: 'y', version: '1.0.0' }));
  assert.equal(calls, 1);
  for (const m of [first, second]) assert.match(m.reason, /the host name charts\.invalid does not resolve \(ENOTFOUND\); check the network, or map the URL to a reachable mirror/);
});
