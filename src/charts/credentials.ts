// Where credentials come from: `.slipway.yaml` charts.auth (names of environment variables), then the
// Docker config (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`) as `docker login` and
// `helm registry login` write it. Credentials are bound to one host:port; `source` describes where
// they came from for messages and never holds a secret. Every secret seen is kept in `secrets` so
// messages can be scrubbed as a last line of defence.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Buffer } from 'node:buffer';
import { underPrefix } from './mirrors.js';
import type { ChartAuth } from './types.js';

export interface Credentials {
  /** host[:port] they are for (as URL.host writes it: lower case, default port omitted). */
  host: string;
  username: string;
  password: string;
  /** Where they came from, for messages, e.g. `environment variables GHCR_USER/GHCR_TOKEN (charts.auth)`. */
  source: string;
}

export interface CredentialLookup {
  credentials?: Credentials;
  /** Why there are none although some were expected (unset variables, a credential helper …). */
  note?: string;
}

interface DockerAuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

interface DockerConfig {
  auths?: Record<string, DockerAuthEntry>;
  credHelpers?: Record<string, unknown>;
  credsStore?: unknown;
}

/** docker.io is stored under its v1 index URL by `docker login`. */
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'registry-1.docker.io', 'index.docker.io']);

/** host[:port] of a URL of any scheme (oci:// included), as URL.host writes it. */
export function hostOf(url: string): string {
  return new URL(url.replace(/^oci:\/\//i, 'https://')).host;
}

/** A Docker config key (`ghcr.io`, `https://index.docker.io/v1/`, `http://127.0.0.1:5000`) as host[:port]. */
function hostOfDockerKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, '').split('/')[0].toLowerCase();
  return DOCKER_HUB_HOSTS.has(host) ? 'index.docker.io' : host;
}

export class CredentialStore {
  /** Every secret handed out, for scrubbing messages. */
  readonly secrets = new Set<string>();
  private docker?: { file: string; config?: DockerConfig; error?: string };

  constructor(
    private readonly auth: readonly ChartAuth[],
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly homeDir: string,
  ) {}

  /** Credentials for the host of `target` (an oci:// or http(s):// URL, after mirror mapping). */
  lookup(target: string): CredentialLookup {
    const host = hostOf(target);
    const fromSettings = this.fromSettings(target, host);
    if (fromSettings.credentials) return fromSettings;
    const fromDocker = this.fromDocker(host);
    if (fromDocker.credentials) return fromDocker;
    const notes = [fromSettings.note, fromDocker.note].filter(Boolean);
    return notes.length ? { note: notes.join('; ') } : {};
  }

  /** A URL-prefix entry is more specific than a host entry; among prefixes the longest wins. */
  private fromSettings(target: string, host: string): CredentialLookup {
    const byUrl = this.auth
      .filter((a) => a.url !== undefined && underPrefix(target, a.url))
      .sort((a, b) => b.url!.length - a.url!.length);
    const entry = byUrl[0] ?? this.auth.find((a) => a.host === host);
    if (!entry) return {};
    const username = this.env[entry.usernameEnv];
    const password = this.env[entry.passwordEnv];
    const names = `${entry.usernameEnv}/${entry.passwordEnv}`;
    if (!username || !password) {
      const unset = [entry.usernameEnv, entry.passwordEnv].filter((n) => !this.env[n]);
      return { note: `charts.auth names ${names} for ${host}, but ${unset.join(' and ')} ${unset.length > 1 ? 'are' : 'is'} not set` };
    }
    return { credentials: this.hand({ host, username, password, source: `environment variables ${names} (charts.auth)` }) };
  }

  private fromDocker(host: string): CredentialLookup {
    const docker = this.loadDocker();
    if (docker.error) return { note: docker.error };
    const config = docker.config;
    if (!config) return {};
    const wanted = DOCKER_HUB_HOSTS.has(host) ? 'index.docker.io' : host;
    const key = Object.keys(config.auths ?? {}).sort().find((k) => hostOfDockerKey(k) === wanted);
    const entry = key === undefined ? undefined : config.auths![key];
    const source = `${docker.file} (auths["${key}"])`;
    if (entry && typeof entry === 'object') {
      if (typeof entry.auth === 'string' && entry.auth) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon > 0) return { credentials: this.hand({ host, username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source }) };
        return { note: `${source}: auth is not base64 of user:password` };
      }
      if (typeof entry.username === 'string' && typeof entry.password === 'string' && entry.username && entry.password) {
        return { credentials: this.hand({ host, username: entry.username, password: entry.password, source }) };
      }
      if (entry.identitytoken) return { note: `${source} holds an identity token, which slipway does not use; set charts.auth environment variables` };
    }
    const helper = config.credHelpers?.[host] ?? config.credsStore;
    if (typeof helper === 'string' && helper) {
      return { note: `${docker.file} keeps credentials in the credential helper "${helper}", which slipway does not run; set charts.auth environment variables` };
    }
    return {};
  }

  private loadDocker(): { file: string; config?: DockerConfig; error?: string } {
    if (this.docker) return this.docker;
    const dir = this.env.DOCKER_CONFIG || path.join(this.homeDir, '.docker');
    const file = path.join(dir, 'config.json');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return (this.docker = { file });
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      this.docker = { file, config: parsed as DockerConfig };
    } catch {
      // the parser's message could quote the file, which holds secrets
      this.docker = { file, error: `${file} is not a JSON object; its credentials are not used` };
    }
    return this.docker;
  }

  private hand(credentials: Credentials): Credentials {
    this.secrets.add(credentials.password);
    this.secrets.add(basicValue(credentials));
    return credentials;
  }
}

/** The value of a Basic Authorization header. */
export function basicValue(c: Credentials): string {
  return Buffer.from(`${c.username}:${c.password}`).toString('base64');
}

/** Replaces every known secret in `text` (the final guard on messages). */
export function redact(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}
