// GET over http(s) for the chart fetcher: bounded concurrency, a timeout per attempt, retries with
// exponential backoff for network errors/5xx/429, and redirects followed by hand so that an
// Authorization header never reaches another host:port (registries redirect blobs to storage hosts)
// or leaves TLS.
import { Buffer } from 'node:buffer';
import { FetchProblem, displayUrl } from './problem.js';

export interface RetryOptions {
  /** Attempts per request, the first included (default 3). */
  attempts?: number;
  /** Delay before the second attempt; doubled for each further one (default 500 ms). */
  baseDelayMs?: number;
  /** Injectable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
}

export interface HttpOptions {
  fetch: typeof fetch;
  concurrency: number;
  timeoutMs: number;
  retry?: RetryOptions;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The URL that answered, after redirects; only for following relative links, never for messages. */
  url: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** A counting semaphore: at most `size` exchanges in flight. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(size: number) {
    this.free = Math.max(1, size);
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}

async function readLimited(res: Response, url: string, maxBytes: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new FetchProblem(`${displayUrl(url)}: the response is larger than ${Math.round(maxBytes / 1048576)} MiB; refused`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

/** A host name that does not resolve: asking again (or retrying) cannot help within one run. */
const isUnknownHost = (error: unknown): boolean => (error as { cause?: { code?: string } })?.cause?.code === 'ENOTFOUND';

export class HttpClient {
  private readonly slots: Slots;
  /** Hosts whose name did not resolve, with the message: later requests to them fail at once. */
  private readonly unknownHosts = new Map<string, string>();
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: HttpOptions) {
    this.slots = new Slots(options.concurrency);
    this.attempts = Math.max(1, options.retry?.attempts ?? 3);
    this.baseDelayMs = options.retry?.baseDelayMs ?? 500;
    this.sleep = options.retry?.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * GET `url`, following redirects. Authorization goes only to the host:port of `url` and never
   * from https to http. Any final status is returned; network failures that outlast the retries
   * throw FetchProblem.
   */
  async get(url: string, headers: Record<string, string>, maxBytes: number): Promise<HttpResponse> {
    const origin = new URL(url);
    let current = origin;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const sameOrigin = current.host === origin.host && !(origin.protocol === 'https:' && current.protocol === 'http:');
      const res = await this.withRetries(current.href, sameOrigin ? headers : withoutAuthorization(headers), maxBytes);
      if (!REDIRECTS.has(res.status)) return res;
      const location = res.headers.get('location');
      if (!location) throw new FetchProblem(`${displayUrl(current.href)}: redirect (${res.status}) without a Location header`);
      current = new URL(location, current);
      if (current.protocol !== 'http:' && current.protocol !== 'https:') {
        throw new FetchProblem(`${displayUrl(url)}: redirected to a ${current.protocol} URL; only http and https are followed`);
      }
      if (current.username || current.password) throw new FetchProblem(`${displayUrl(url)}: redirected to a URL with credentials in it; refused`);
    }
    throw new FetchProblem(`${displayUrl(url)}: more than ${MAX_REDIRECTS} redirects`);
  }

  private async withRetries(url: string, headers: Record<string, string>, maxBytes: number): Promise<HttpResponse> {
    const host = new URL(url).host;
    const known = this.unknownHosts.get(host);
    if (known) throw new FetchProblem(`${displayUrl(url)}: ${known}; check the network, or map the URL to a reachable mirror in .slipway.yaml charts.mirrors`);
    for (let attempt = 1; ; attempt++) {
      let outcome: HttpResponse | { error: unknown };
      try {
        outcome = await this.once(url, headers, maxBytes);
      } catch (error) {
        if (error instanceof FetchProblem) throw error;
        outcome = { error };
      }
      if ('error' in outcome && isUnknownHost(outcome.error)) {
        this.unknownHosts.set(host, `the host name ${host} does not resolve (ENOTFOUND)`);
        throw new FetchProblem(`${displayUrl(url)}: the host name ${host} does not resolve (ENOTFOUND); check the network, or map the URL to a reachable mirror in .slipway.yaml charts.mirrors`);
      }
      const retriable = 'error' in outcome || outcome.status >= 500 || outcome.status === 429;
      if (!retriable || attempt >= this.attempts) {
        if (!('error' in outcome)) return outcome;
        const tries = attempt === 1 ? '1 attempt' : `${attempt} attempts`;
        throw new FetchProblem(`${displayUrl(url)}: ${describeNetworkError(outcome.error, this.options.timeoutMs)} (${tries}); check the network, or map the URL to a reachable mirror in .slipway.yaml charts.mirrors`);
      }
      await this.sleep(this.baseDelayMs * 2 ** (attempt - 1));
    }
  }

  /** One exchange, holding a slot until the body is read, so that slots bound downloads, not just headers. */
  private async once(url: string, headers: Record<string, string>, maxBytes: number): Promise<HttpResponse> {
    await this.slots.acquire();
    try {
      const res = await this.options.fetch(url, {
        headers: { 'user-agent': 'slipway', ...headers },
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const body = await readLimited(res, url, maxBytes);
      return { status: res.status, headers: res.headers, body, url };
    } finally {
      this.slots.release();
    }
  }
}
