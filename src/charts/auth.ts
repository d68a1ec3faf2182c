// Answering `401 WWW-Authenticate` challenges for one target host: `Basic` with configured
// credentials, `Bearer realm=…,service=…,scope=…` with the token flow of the distribution spec
// (anonymous, or with basic credentials). Credentials go to the target host only, and to the token
// realm it names when that realm is the same host or https (Docker Hub's realm is auth.docker.io
// for registry-1.docker.io). Tokens are memoised per realm/service/scope/credentials.
import { basicValue, type CredentialLookup, type Credentials } from './credentials.js';
import { type HttpClient, type HttpResponse } from './http.js';
import { FetchProblem, displayUrl } from './problem.js';

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const MAX_TOKEN_BYTES = 1 << 20;

/** The first challenge of a WWW-Authenticate header: scheme plus its auth-params (quoted or token values). */
export function parseChallenge(header: string | null): Challenge | undefined {
  const m = header && /^\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?/gy;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2])) !== null && p[0] !== '') {
    params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
  }
  return { scheme: m[1].toLowerCase(), params };
}

export class AuthSession {
  /** Authorization for `host`, once a challenge was answered; reused for the next requests of the session. */
  private authorization?: string;

  constructor(
    private readonly http: HttpClient,
    /** host[:port] the session is for; credentials are never sent elsewhere. */
    private readonly host: string,
    private readonly lookup: CredentialLookup,
    private readonly tokens: Map<string, Promise<string>>,
    private readonly secrets: Set<string>,
  ) {}

  /** GET with the session's authorization; a 401 from the target host is answered once, then is final. */
  async get(url: string, headers: Record<string, string>, maxBytes: number): Promise<HttpResponse> {
    const own = new URL(url).host === this.host;
    const send = (): Promise<HttpResponse> =>
      this.http.get(url, own && this.authorization ? { ...headers, authorization: this.authorization } : headers, maxBytes);
    const res = await send();
    if (res.status !== 401 || !own) return res;
    const previous = this.authorization;
    this.authorization = await this.answer(parseChallenge(res.headers.get('www-authenticate')), url);
    const retried = this.authorization === previous ? res : await send();
    if (retried.status === 401) throw this.refused(url, 401);
    return retried;
  }

  /** GET that must succeed: 404 becomes `notFound`, other failures a reason naming the URL and what to do. */
  async getOk(url: string, headers: Record<string, string>, maxBytes: number, notFound: string): Promise<HttpResponse> {
    const res = await this.get(url, headers, maxBytes);
    if (res.status >= 200 && res.status < 300) return res;
    if (res.status === 404) throw new FetchProblem(notFound);
    if (res.status === 401 || res.status === 403) throw this.refused(url, res.status);
    const later = res.status >= 500 || res.status === 429 ? ' after retries; try again later' : '';
    throw new FetchProblem(`${displayUrl(url)}: the server answered ${res.status}${later}`);
  }

  /** A one-line reason for a 401/403 that names the URL, where credentials came from, and what to do. */
  refused(url: string, status: number): FetchProblem {
    const c = this.lookup.credentials;
    const what = status === 403 ? 'access denied (403)' : 'authentication failed (401)';
    if (c) return new FetchProblem(`${displayUrl(url)}: ${what} with the credentials from ${c.source}; check that they are valid for ${this.host} and may pull this chart`);
    const note = this.lookup.note ? ` (${this.lookup.note})` : '';
    return new FetchProblem(`${displayUrl(url)}: ${what} without credentials${note}; name environment variables for ${this.host} in .slipway.yaml charts.auth, or log in with docker/helm registry login`);
  }

  private async answer(challenge: Challenge | undefined, url: string): Promise<string | undefined> {
    const c = this.lookup.credentials;
    if (challenge?.scheme === 'bearer' && challenge.params.realm) return `Bearer ${await this.token(challenge.params, url)}`;
    if (challenge?.scheme === 'basic') return c ? `Basic ${basicValue(c)}` : undefined;
    throw new FetchProblem(`${displayUrl(url)}: 401 with a challenge slipway cannot answer (${challenge?.scheme ?? 'none'}); only Basic and Bearer token authentication are supported`);
  }

  private token(params: Record<string, string>, url: string): Promise<string> {
    const realm = new URL(params.realm, url);
    const c = this.lookup.credentials;
    const withCredentials = c && (realm.host === this.host || realm.protocol === 'https:') ? c : undefined;
    const key = [realm.href, params.service ?? '', params.scope ?? '', withCredentials?.source ?? ''].join('\n');
    let pending = this.tokens.get(key);
    if (!pending) {
      pending = this.fetchToken(realm, params, withCredentials);
      this.tokens.set(key, pending);
    }
    return pending;
  }

  private async fetchToken(realm: URL, params: Record<string, string>, c: Credentials | undefined): Promise<string> {
    const tokenUrl = new URL(realm);
    if (params.service) tokenUrl.searchParams.set('service', params.service);
    for (const scope of (params.scope ?? '').split(' ').filter(Boolean)) tokenUrl.searchParams.append('scope', scope);
    const res = await this.http.get(tokenUrl.href, c ? { authorization: `Basic ${basicValue(c)}`, accept: 'application/json' } : { accept: 'application/json' }, MAX_TOKEN_BYTES);
    if ((res.status === 401 || res.status === 403) && !c && this.lookup.credentials) {
      throw new FetchProblem(`${displayUrl(tokenUrl.href)}: the token service refused anonymous access (${res.status}); the credentials for ${this.host} were not sent to it, since it is neither ${this.host} nor https`);
    }
    if (res.status === 401 || res.status === 403) throw this.refused(tokenUrl.href, res.status);
    if (res.status !== 200) throw new FetchProblem(`${displayUrl(tokenUrl.href)}: the token service answered ${res.status}; try again later`);
    let token: unknown;
    try {
      const body = JSON.parse(res.body.toString('utf8')) as { token?: unknown; access_token?: unknown };
      token = body.token ?? body.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || !token) throw new FetchProblem(`${displayUrl(tokenUrl.href)}: the token service sent no token`);
    this.secrets.add(token);
    return token;
  }
}
