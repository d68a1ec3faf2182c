// The chart fetcher: turns what a Flux source asks for into chart archive bytes in the cache.
//
//   const fetcher = createChartFetcher({ settings, selectVersion });
//   const result = await fetcher.fetch({ type: 'helm', repoUrl: 'https://stefanprodan.github.io/podinfo', chart: 'podinfo', version: '6.8.0' });
//   if (isChartMiss(result)) console.warn(result.reason); else render(result.file);
//
// Exact versions and OCI digests are served from the cache's refs without network; ranges re-resolve
// with network (one index or tag list per repository per fetcher) and fall back to nothing else, so
// a result always reflects the repository as it is now. Offline, only the cache is read. Problems
// with a chart become a ChartMiss with a one-line reason; the library never writes to stdout/stderr.
import os from 'node:os';
import { AuthSession } from './auth.js';
import { ChartCache, defaultCacheDir, requestKey, sha256Digest } from './cache.js';
import { CredentialStore, hostOf, redact } from './credentials.js';
import { archiveUrl, chartEntries, entryDigest, parseHelmIndex, type HelmIndex } from './helm-repo.js';
import { HttpClient, type RetryOptions } from './http.js';
import { applyMirrors, normalizePrefix } from './mirrors.js';
import { blobUrl, chartLayer, fromTag, getManifest, listTags, ociLocation, toTag, type OciLocation } from './oci.js';
import { FetchProblem, displayUrl, listSome } from './problem.js';
import type { ChartMiss, ChartProgress, ChartRequest, ChartResult, ChartsSettings, FetchedChart, VersionSelector } from './types.js';

export interface ChartFetcherOptions {
  /** The `charts:` settings of `.slipway.yaml` (parseChartsSettings); default none. */
  settings?: ChartsSettings;
  /** Cache root; default `$SLIPWAY_CACHE_DIR`, else `$XDG_CACHE_HOME/slipway`, else `~/.cache/slipway`. */
  cacheDir?: string;
  /** Use only the cache. */
  offline?: boolean;
  /** Masterminds/semver selection, from the engine; the fetcher never interprets constraints itself. */
  selectVersion: VersionSelector;
  /** Parallel HTTP exchanges (default 4). */
  concurrency?: number;
  /** Per attempt (default 60 000 ms). */
  timeoutMs?: number;
  retry?: RetryOptions;
  onProgress?: (event: ChartProgress) => void;
  /** Injectable for tests (a guard that refuses anything but 127.0.0.1); default the global fetch. */
  fetch?: typeof fetch;
  /** For `~/.docker/config.json` and the default cache dir; default os.homedir(). */
  homeDir?: string;
  /** Environment for charts.auth variables, DOCKER_CONFIG and the cache dir; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface ChartFetcher {
  /** The cache root in use. */
  readonly cacheDir: string;
  fetch(request: ChartRequest): Promise<ChartResult>;
  /** Results in the order of `requests`; identical requests are fetched once. */
  fetchAll(requests: readonly ChartRequest[]): Promise<ChartResult[]>;
}

export const isChartMiss = (result: ChartResult): result is ChartMiss => 'reason' in result;

const MAX_INDEX_BYTES = 128 << 20;
const MAX_CHART_BYTES = 256 << 20;
const OCI_VERSION_ANNOTATION = 'org.opencontainers.image.version';
const HAS_USERINFO = /^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i;

/**
 * A complete semver version (optionally `v`-prefixed): nothing to resolve, so a cached ref is final.
 * Only a syntactic test; which versions satisfy a constraint is the VersionSelector's business.
 */
export function isExactVersion(version: string): boolean {
  return /^v?\d+\.\d+\.\d+(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/.test(version.trim());
}

/** What was asked for, in one line, without credentials: `chart podinfo@6.8.0 from https://…` or `oci://host/name:tag`. */
export function describeRequest(request: ChartRequest): string {
  if (request.type === 'helm') return `chart ${request.chart}@${request.version?.trim() || '*'} from ${displayUrl(request.repoUrl)}`;
  const url = displayUrl(request.url);
  if (request.digest) return `${url}@${request.digest}`;
  if (request.semver !== undefined) return `${url} (semver ${request.semver.trim() || '*'})`;
  return `${url}:${request.tag ?? 'latest'}`;
}

export function createChartFetcher(options: ChartFetcherOptions): ChartFetcher {
  return new Fetcher(options);
}

class Fetcher implements ChartFetcher {
  readonly cacheDir: string;
  private readonly cache: ChartCache;
  private readonly http: HttpClient;
  private readonly credentials: CredentialStore;
  private readonly settings: ChartsSettings;
  private readonly offline: boolean;
  private readonly results = new Map<string, Promise<ChartResult>>();
  private readonly indexes = new Map<string, Promise<{ index: HelmIndex; url: string } | undefined>>();
  private readonly tagLists = new Map<string, Promise<string[]>>();
  private readonly tokens = new Map<string, Promise<string>>();
  private started = 0;
  private finished = 0;

  constructor(private readonly options: ChartFetcherOptions) {
    const env = options.env ?? process.env;
    const homeDir = options.homeDir ?? os.homedir();
    this.settings = options.settings ?? { mirrors: [], auth: [], knowledge: [] };
    this.offline = options.offline ?? false;
    this.cacheDir = options.cacheDir ?? defaultCacheDir(env, homeDir);
    this.cache = new ChartCache(this.cacheDir);
    this.credentials = new CredentialStore(this.settings.auth, env, homeDir);
    this.http = new HttpClient({ fetch: options.fetch ?? fetch, concurrency: options.concurrency ?? 4, timeoutMs: options.timeoutMs ?? 60_000, retry: options.retry });
  }

  fetch(request: ChartRequest): Promise<ChartResult> {
    const key = requestKey(request);
    let pending = this.results.get(key);
    if (!pending) {
      pending = this.run(request);
      this.results.set(key, pending);
    }
    return pending;
  }

  fetchAll(requests: readonly ChartRequest[]): Promise<ChartResult[]> {
    return Promise.all(requests.map((r) => this.fetch(r)));
  }

  private progress(event: ChartProgress): void {
    this.options.onProgress?.(event);
  }

  private async run(request: ChartRequest): Promise<ChartResult> {
    const label = describeRequest(request);
    this.started++;
    this.progress({ type: 'start', label, done: this.finished, total: this.started });
    let result: ChartResult;
    try {
      if (HAS_USERINFO.test(request.type === 'helm' ? request.repoUrl : request.url)) {
        throw new FetchProblem('the URL carries credentials, which slipway does not use; name environment variables in .slipway.yaml charts.auth instead');
      }
      result = request.type === 'helm' ? await this.helm(request, label) : await this.oci(request, label);
    } catch (error) {
      if (!(error instanceof FetchProblem)) throw error;
      const reason = redact(`${label}: ${error.message}`, this.credentials.secrets).replace(/\s*\n\s*/g, ' ');
      result = { request, reason, offline: this.offline };
    }
    this.finished++;
    const outcome = isChartMiss(result) ? 'missed' : result.fromCache ? 'cached' : 'downloaded';
    this.progress({ type: 'finish', label, outcome, done: this.finished, total: this.started });
    return result;
  }

  private offlineMiss(): FetchProblem {
    return new FetchProblem(`not in the chart cache (${this.cache.dir}); run \`slipway charts pull\` with network access to fetch it`);
  }

  private session(target: string): AuthSession {
    return new AuthSession(this.http, hostOf(target), this.credentials.lookup(target), this.tokens, this.credentials.secrets);
  }

  private async fromRef(request: ChartRequest): Promise<FetchedChart | undefined> {
    const ref = await this.cache.readRef(request);
    const file = ref && (await this.cache.blob(ref.digest));
    return ref && file ? { request, digest: ref.digest, file, version: ref.version, fetchedFrom: ref.fetchedFrom, fromCache: true } : undefined;
  }

  /** Records the resolution (and the bytes, when downloaded) and returns the result. */
  private async keep(request: ChartRequest, found: { digest: string; version?: string; fetchedFrom: string; bytes?: Uint8Array; file?: string }): Promise<FetchedChart> {
    const file = found.bytes ? await this.cache.putBlob(found.bytes, found.digest) : found.file!;
    if (!this.offline) {
      await this.cache.writeRef({ request, digest: found.digest, version: found.version, resolvedAt: new Date().toISOString(), fetchedFrom: found.fetchedFrom });
    }
    return { request, digest: found.digest, file, version: found.version, fetchedFrom: found.fetchedFrom, fromCache: !found.bytes };
  }

  private async download(session: AuthSession, url: string, label: string, notFound: string): Promise<Uint8Array> {
    this.progress({ type: 'download', label, url: displayUrl(url), done: this.finished, total: this.started });
    return (await session.getOk(url, { accept: '*/*' }, MAX_CHART_BYTES, notFound)).body;
  }

  /** The selector's choice among `versions`; `what`/`available` word the miss when nothing matches. */
  private async pick(versions: string[], constraint: string, what: string, available: string): Promise<string> {
    let picked: string | undefined;
    try {
      picked = await this.options.selectVersion(versions, constraint);
    } catch (error) {
      throw new FetchProblem(`"${constraint}" is not a valid semver constraint (${(error as Error).message}); fix the version`);
    }
    if (picked === undefined || !versions.includes(picked)) throw new FetchProblem(`no ${what} matches "${constraint}" (${available}); fix the version`);
    return picked;
  }

  // ---- Helm HTTP repositories

  private async helm(request: Extract<ChartRequest, { type: 'helm' }>, label: string): Promise<FetchedChart> {
    if (!/^https?:\/\/[^/\s]+/i.test(request.repoUrl)) throw new FetchProblem('a HelmRepository URL must start with http:// or https:// (oci:// repositories are OCI requests)');
    const constraint = request.version?.trim() || '*';
    if (this.offline || isExactVersion(constraint)) {
      const hit = await this.fromRef(request);
      if (hit) return hit;
    }
    const loaded = await this.helmIndex(`${normalizePrefix(request.repoUrl)}/index.yaml`);
    if (!loaded) throw this.offlineMiss();
    const entries = chartEntries(loaded.index, request.chart, loaded.url);
    const versions = entries.map((e) => e.version);
    const picked = await this.pick(versions, constraint, `version of chart ${request.chart} in ${displayUrl(loaded.url)}`, `available: ${listSome(versions)}`);
    const entry = entries.find((e) => e.version === picked)!;
    const digest = entryDigest(entry, request.chart, loaded.url);
    // an absolute archive URL is what the index wrote, so mirrors apply to it as well
    const written = archiveUrl(entry, request.chart, loaded.url);
    const url = /^[a-z][a-z0-9+.-]*:/i.test(entry.urls[0]) ? applyMirrors(written, this.settings.mirrors).url : written;
    const fetchedFrom = displayUrl(url);
    const file = digest && (await this.cache.blob(digest));
    if (file) return this.keep(request, { digest: digest!, version: entry.version, fetchedFrom, file });
    if (this.offline) throw this.offlineMiss();
    const bytes = await this.download(this.session(url), url, label, `${displayUrl(url)}: not found (404), although index.yaml lists it; the repository is inconsistent`);
    const got = sha256Digest(bytes);
    if (digest && got !== digest) {
      throw new FetchProblem(`${displayUrl(url)} has ${got} but index.yaml says ${digest}; the repository or a mirror serves another file than its index describes: fix the mirror or report it upstream`);
    }
    return this.keep(request, { digest: got, version: entry.version, fetchedFrom, bytes });
  }

  /** The index for `written` (the URL as the repository wrote it): fetched once per fetcher, or read from the cache offline. */
  private helmIndex(written: string): Promise<{ index: HelmIndex; url: string } | undefined> {
    let pending = this.indexes.get(written);
    if (!pending) {
      pending = this.loadHelmIndex(written);
      this.indexes.set(written, pending);
    }
    return pending;
  }

  private async loadHelmIndex(written: string): Promise<{ index: HelmIndex; url: string } | undefined> {
    const url = applyMirrors(written, this.settings.mirrors).url;
    if (this.offline) {
      const text = await this.cache.readIndex(written);
      return text === undefined ? undefined : { index: parseHelmIndex(text, url), url };
    }
    const mirrored = url === normalizePrefix(written) ? '' : ` (mirror of ${displayUrl(written)})`;
    const res = await this.session(url).getOk(url, { accept: 'application/x-yaml, text/yaml, */*' }, MAX_INDEX_BYTES,
      `${displayUrl(url)}${mirrored}: not found (404); check the HelmRepository URL${mirrored ? ' and the mirror' : ''}`);
    const text = res.body.toString('utf8');
    const index = parseHelmIndex(text, url); // before caching: a broken index must not replace a good one
    await this.cache.writeIndex(written, text);
    return { index, url };
  }

  // ---- OCI registries

  private async oci(request: Extract<ChartRequest, { type: 'oci' }>, label: string): Promise<FetchedChart> {
    if (request.digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(request.digest)) throw new FetchProblem('the digest must be sha256:<64 hex digits>');
    const semver = request.semver === undefined ? undefined : request.semver.trim() || '*';
    const exact = request.digest !== undefined || (semver !== undefined ? isExactVersion(semver) : request.tag !== undefined && isExactVersion(fromTag(request.tag)));
    if (this.offline || exact) {
      const hit = await this.fromRef(request);
      if (hit) return hit;
    }
    if (this.offline) throw this.offlineMiss();
    const located = applyMirrors(request.url, this.settings.mirrors);
    const loc = ociLocation(located.url, located.plainHTTP);
    const session = this.session(located.url);
    // Flux's precedence: digest, then semver, then tag (default latest)
    let tag: string | undefined;
    if (request.digest === undefined) {
      if (semver === undefined) tag = toTag(request.tag ?? 'latest');
      else if (isExactVersion(semver)) tag = toTag(semver); // as Flux and Helm do: no tag listing needed
      else {
        const versions = (await this.tags(session, loc)).map(fromTag);
        tag = toTag(await this.pick(versions, semver, `tag of ${loc.display}`, `tags: ${listSome([...versions].sort())}`));
      }
    }
    const shown = tag === undefined ? `${loc.display}@${request.digest}` : `${loc.display}:${tag}`;
    const manifest = await getManifest(session, loc, tag ?? request.digest!);
    const layer = chartLayer(manifest, request.layerMediaType, shown);
    const version = manifest.annotations[OCI_VERSION_ANNOTATION] ?? (tag !== undefined && isExactVersion(fromTag(tag)) ? fromTag(tag) : undefined);
    const file = await this.cache.blob(layer.digest);
    if (file) return this.keep(request, { digest: layer.digest, version, fetchedFrom: shown, file });
    const url = blobUrl(loc, layer.digest);
    const bytes = await this.download(session, url, label, `${shown}: the chart layer ${layer.digest} is missing (404); the registry is inconsistent`);
    const got = sha256Digest(bytes);
    if (got !== layer.digest) throw new FetchProblem(`${shown}: the registry sent a layer with ${got} instead of ${layer.digest}; refused`);
    return this.keep(request, { digest: got, version, fetchedFrom: shown, bytes });
  }

  private tags(session: AuthSession, loc: OciLocation): Promise<string[]> {
    let pending = this.tagLists.get(loc.base);
    if (!pending) {
      pending = listTags(session, loc);
      this.tagLists.set(loc.base, pending);
    }
    return pending;
  }
}
