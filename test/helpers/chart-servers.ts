// Test servers for the chart fetcher, all on 127.0.0.1 with ephemeral ports:
// - a static Helm HTTP repository over ../shared/charts/repos (read in place), optionally with basic
//   auth, a redirect of archive downloads to a second server, injected 503s and slow answers;
// - a real OCI registry: Debian's docker-registry (distribution 2.8), optionally with htpasswd auth,
//   and a push helper speaking the distribution API (monolithic blob uploads, an OCI manifest laid
//   out as `helm push` writes it);
// - a fetch guard that refuses every host but 127.0.0.1, so a test cannot reach the network.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, createSign, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import type { VersionSelector } from '../../src/charts/types.js';
import { sharedDir } from '../helpers.js';

export const chartReposDir = path.join(sharedDir, 'charts', 'repos');
export const chartArchive = (repoId: string, file: string): string => path.join(chartReposDir, repoId, file);
export const sha256Of = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * TEST STAND-IN for the engine's Masterminds/semver selector: handles only exact versions and
 * `*`/empty (newest by a plain numeric compare of the dotted parts). Production code must pass the
 * engine's selector.
 */
export const exactOrNewestForTests: VersionSelector = async (versions, constraint) => {
  const c = constraint.trim();
  if (c !== '' && c !== '*') {
    if (!/^v?\d+\.\d+\.\d+$/.test(c)) throw new Error(`test stand-in selector: only exact versions and * are handled, not "${c}"`);
    return versions.find((v) => v === c);
  }
  const key = (v: string): number[] | undefined => (/^v?\d+\.\d+\.\d+$/.test(v) ? v.replace(/^v/, '').split('.').map(Number) : undefined);
  const newer = (a: number[], b: number[]): boolean => (a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] > b[1] : a[2] > b[2]);
  let best: string | undefined;
  let bestKey: number[] | undefined;
  for (const v of versions) {
    const k = key(v);
    if (k && (!bestKey || newer(k, bestKey))) [best, bestKey] = [v, k];
  }
  return best;
};

// ---- fetch guard

export interface GuardedFetch {
  fetch: typeof fetch;
  /** Every URL the code under test asked for, in order. */
  urls: string[];
  /** URLs that were refused because their host is not 127.0.0.1. */
  refused: string[];
  /** host:port of every request that carried an Authorization header. */
  authorizedHosts: string[];
}

export function guardedFetch(): GuardedFetch {
  const urls: string[] = [];
  const refused: string[] = [];
  const authorizedHosts: string[] = [];
  const guarded = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    urls.push(url);
    if (new Headers(init?.headers).has('authorization')) authorizedHosts.push(new URL(url).host);
    if (new URL(url).hostname !== '127.0.0.1') {
      refused.push(url);
      throw new TypeError(`test guard: ${new URL(url).host} is not 127.0.0.1; tests never leave the machine`);
    }
    return fetch(input, init);
  }) as typeof fetch;
  return { fetch: guarded, urls, refused, authorizedHosts };
}

// ---- static Helm repository

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface TestServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** 127.0.0.1:<port> */
  host: string;
  requests: RecordedRequest[];
  /** Most requests being answered at the same time. */
  maxInFlight: number;
  close(): Promise<void>;
}

export interface HelmRepoServerOptions {
  basicAuth?: { username: string; password: string };
  /** Answer archive (.tgz) requests with a 302 to this base URL + the same path. */
  redirectArchivesTo?: string;
  /** Answer the first N requests with 503. */
  failFirst?: number;
  /** Hold every answer this long, so that parallel requests overlap and in-flight counting means something. */
  delayMs?: number;
  /** Rewrites an index.yaml as served (the file on disk is untouched). */
  rewriteIndex?: (text: string, urlPath: string) => string;
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as net.AddressInfo).port;
}

export async function startHelmRepoServer(options: HelmRepoServerOptions = {}): Promise<TestServer> {
  let failuresLeft = options.failFirst ?? 0;
  let inFlight = 0;
  const state: TestServer = { url: '', host: '', requests: [], maxInFlight: 0, close: async () => {} };
  const server = http.createServer(async (req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    state.requests.push({ method: req.method ?? '', path: urlPath, headers: req.headers });
    try {
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      if (failuresLeft > 0) {
        failuresLeft--;
        res.writeHead(503).end('try later');
        return;
      }
      if (options.basicAuth) {
        if (req.headers.authorization !== basicAuthorization(options.basicAuth.username, options.basicAuth.password)) {
          res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' }).end('unauthorized');
          return;
        }
      }
      if (options.redirectArchivesTo && urlPath.endsWith('.tgz')) {
        res.writeHead(302, { location: options.redirectArchivesTo + urlPath }).end();
        return;
      }
      const file = path.resolve(chartReposDir, '.' + urlPath);
      if (!file.startsWith(chartReposDir + path.sep) || !existsSync(file)) {
        res.writeHead(404).end('not found');
        return;
      }
      let body: Buffer = await readFile(file);
      if (urlPath.endsWith('/index.yaml') && options.rewriteIndex) body = Buffer.from(options.rewriteIndex(body.toString('utf8'), urlPath));
      res.writeHead(200, { 'content-type': urlPath.endsWith('.yaml') ? 'application/x-yaml' : 'application/gzip', 'content-length': body.length }).end(body);
    } finally {
      inFlight--;
    }
  });
  const port = await listen(server);
  state.url = `http://127.0.0.1:${port}`;
  state.host = `127.0.0.1:${port}`;
  state.close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return state;
}

// ---- docker-registry

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface Registry {
  /** http://127.0.0.1:<port> */
  url: string;
  /** 127.0.0.1:<port> */
  host: string;
  /** What the registry wrote (its access log included), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A bcrypt hash (cost 4, the minimum, so the registry's checks stay fast) from a tool on the machine. */
function bcrypt(password: string): string {
  const htpasswd = spawnSync('htpasswd', ['-nbBC', '4', 'u', password], { encoding: 'utf8' });
  if (htpasswd.status === 0) return htpasswd.stdout.trim().split(':')[1];
  const script = 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))';
  for (const python of ['/usr/bin/python3', 'python3']) {
    const run = spawnSync(python, ['-W', 'ignore', '-c', script, password], { encoding: 'utf8' });
    if (run.status === 0 && run.stdout.startsWith('$2')) return run.stdout.trim();
  }
  throw new Error('no bcrypt tool for the registry htpasswd file: apt-get install -y apache2-utils (htpasswd), or a python3 with the crypt module');
}

const running = new Set<ChildProcess>();
// a crashed test run must not leave registries behind
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface TokenAuthConfig {
  realm: string;
  service: string;
  issuer: string;
  /** PEM file with the certificate that signs the tokens. */
  rootcertbundle: string;
}

export async function startRegistry(options: { htpasswd?: { username: string; password: string }; token?: TokenAuthConfig } = {}): Promise<Registry> {
  if (!existsSync(REGISTRY_BIN)) throw new Error(`${REGISTRY_BIN} is missing; the OCI tests need a real registry: apt-get install -y docker-registry`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-registry-'));
  const port = await freePort();
  const lines = ['version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${path.join(dir, 'data')}`,
    'http:', `  addr: 127.0.0.1:${port}`, '  secret: slipway-test-only'];
  if (options.htpasswd) {
    await writeFile(path.join(dir, 'htpasswd'), `${options.htpasswd.username}:${bcrypt(options.htpasswd.password)}\n`);
    lines.push('auth:', '  htpasswd:', '    realm: slipway-test', `    path: ${path.join(dir, 'htpasswd')}`);
  }
  if (options.token) {
    const t = options.token;
    lines.push('auth:', '  token:', `    realm: ${t.realm}`, `    service: ${t.service}`, `    issuer: ${t.issuer}`, `    rootcertbundle: ${t.rootcertbundle}`);
  }
  await writeFile(path.join(dir, 'config.yml'), lines.join('\n') + '\n');
  const child = spawn(REGISTRY_BIN, ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  // a missing binary emits 'error' and never 'exit': either ends the registry, so nothing waits forever
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => { log += `${err.message} (is Debian's docker-registry installed? .ci/run installs it)\n`; resolve(); });
  });
  let alive = true;
  void exited.then(() => { alive = false; running.delete(child); });
  const registry: Registry = {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    log: () => log,
    stop: async () => {
      if (alive) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  for (let i = 0; i < 100; i++) {
    if (!alive) break;
    const status = await fetch(`${registry.url}/v2/`).then((r) => r.status, () => 0);
    if (status === 200 || status === 401) return registry;
    await new Promise((r) => setTimeout(r, 100));
  }
  await registry.stop();
  throw new Error(`docker-registry did not answer on ${registry.host}:\n${log}`);
}

export interface Pushed {
  manifestDigest: string;
  layerDigest: string;
}

async function expectStatus(res: Response, status: number, what: string): Promise<Response> {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return res;
}

/**
 * Pushes a chart archive as `helm push` lays it out: config = the chart metadata as JSON
 * (application/vnd.cncf.helm.config.v1+json; taken from the repository's index.yaml entry, which
 * is Chart.yaml plus urls/digest/created), one layer = the .tgz, an OCI image manifest, tag = the
 * chart version with `+` as `_`.
 */
export const basicAuthorization = (username: string, password: string): string => 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');

export async function pushChart(registry: Pick<Registry, 'url'>, repository: string, repoId: string, file: string, authorization?: string): Promise<Pushed> {
  const tgz = await readFile(chartArchive(repoId, file));
  const index = parse(await readFile(path.join(chartReposDir, repoId, 'index.yaml'), 'utf8')) as { entries: Record<string, Record<string, unknown>[]> };
  const layerDigest = sha256Of(tgz);
  const entry = Object.values(index.entries).flat().find((e) => `sha256:${e.digest}` === layerDigest);
  if (!entry) throw new Error(`${file} is not in ${repoId}/index.yaml`);
  const { urls: _urls, digest: _digest, created: _created, ...metadata } = entry;
  const config = Buffer.from(JSON.stringify(metadata));
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const base = `${registry.url}/v2/${repository}`;
  for (const blob of [config, tgz]) {
    const start = await expectStatus(await fetch(`${base}/blobs/uploads/`, { method: 'POST', headers }), 202, 'start upload');
    const location = new URL(start.headers.get('location')!, registry.url);
    location.searchParams.set('digest', sha256Of(blob));
    await expectStatus(await fetch(location, { method: 'PUT', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: blob }), 201, 'upload blob');
  }
  const version = String(metadata.version);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: sha256Of(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', digest: layerDigest, size: tgz.length }],
    annotations: { 'org.opencontainers.image.title': String(metadata.name), 'org.opencontainers.image.version': version },
  }));
  await expectStatus(await fetch(`${base}/manifests/${version.replace(/\+/g, '_')}`, {
    method: 'PUT', headers: { ...headers, 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, body: manifest,
  }), 201, 'put manifest');
  return { manifestDigest: sha256Of(manifest), layerDigest };
}

// ---- docker-registry with token authentication (the Bearer flow of ghcr.io, quay.io, Docker Hub)

export interface TokenRegistry extends Registry {
  /** Whether anonymous callers get pull access; may be changed between tests. */
  policy: { anonymousPull: boolean };
  /** Every request the token service got. */
  tokenRequests: { query: URLSearchParams; authorization?: string }[];
  /** A token for `scope` (e.g. `repository:a/b:pull,push`), signed like the token service's, for pushing test content. */
  mint(scope: string): string;
  /** The registry itself, whose challenges name the realm on the front's host:port. */
  direct: Registry;
}

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/**
 * docker-registry with `auth: token` behind a front on 127.0.0.1 that serves the token realm
 * (`/token`) itself and forwards everything else to the registry, the way registries serve their
 * token service on their own host. The service signs RS256 JWTs with a throw-away self-signed
 * certificate (openssl) that the registry trusts as its root bundle. Anonymous callers get pull
 * access when `policy.anonymousPull`; `username`/`password` get pull and push.
 */
export async function startTokenRegistry(options: { username: string; password: string; anonymousPull: boolean }): Promise<TokenRegistry> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-token-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const openssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=slipway-test-token'], { encoding: 'utf8' });
  if (openssl.status !== 0) throw new Error(`openssl could not make the token signing certificate: ${openssl.stderr}`);
  const keyPem = await readFile(key, 'utf8');
  const x5c = new X509Certificate(await readFile(cert)).raw.toString('base64');
  const service = 'slipway-test-registry';
  const issuer = 'slipway-test-issuer';
  const mint = (scope: string, subject = 'test'): string => {
    const now = Math.floor(Date.now() / 1000);
    const access = scope.split(' ').filter(Boolean).map((s) => {
      const [type, ...rest] = s.split(':');
      const actions = rest.pop()!.split(',');
      return { type, name: rest.join(':'), actions };
    });
    const input = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c: [x5c] }))}.${b64url(JSON.stringify({ iss: issuer, sub: subject, aud: service, exp: now + 600, nbf: now - 60, iat: now, jti: randomBytes(8).toString('hex'), access }))}`;
    return `${input}.${createSign('RSA-SHA256').update(input).sign(keyPem).toString('base64url')}`;
  };
  const tokenRequests: TokenRegistry['tokenRequests'] = [];
  const policy = { anonymousPull: options.anonymousPull };
  let registryPort = 0;
  const front = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/token') {
      tokenRequests.push({ query: url.searchParams, authorization: req.headers.authorization });
      const user = req.headers.authorization === basicAuthorization(options.username, options.password);
      if (req.headers.authorization !== undefined && !user) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="token"', 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
        return;
      }
      if (!user && !policy.anonymousPull) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="token"', 'content-type': 'application/json' }).end('{"details":"credentials required"}');
        return;
      }
      const scope = url.searchParams.getAll('scope').map((s) => (user ? s.replace(/:[^:]*$/, ':pull,push') : s.replace(/:[^:]*$/, ':pull'))).join(' ');
      const token = mint(scope, user ? options.username : 'anonymous');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 600 }));
      return;
    }
    const upstream = http.request({ host: '127.0.0.1', port: registryPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  const frontPort = await listen(front);
  const direct = await startRegistry({ token: { realm: `http://127.0.0.1:${frontPort}/token`, service, issuer, rootcertbundle: cert } });
  registryPort = Number(new URL(direct.url).port);
  return {
    url: `http://127.0.0.1:${frontPort}`,
    host: `127.0.0.1:${frontPort}`,
    log: direct.log,
    direct,
    policy,
    tokenRequests,
    mint,
    stop: async () => {
      front.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await direct.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
