// The `charts:` value of `.slipway.yaml`: mirrors, credentials (by environment variable name) and
// knowledge for charts that cannot be fetched. The format is fixed (other tools write it); a plain
// list is the older form and means `knowledge`. Values are never echoed in errors: a misplaced
// secret (a token pasted where a variable name belongs) must not end up in a log.
import { normalizePrefix } from './mirrors.js';
import type { ChartAuth, ChartKnowledgeEntry, ChartMirror, ChartsSettings } from './types.js';

export class ChartsConfigError extends Error {
  override name = 'ChartsConfigError';
}

type Fail = (path: string, what: string) => never;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOST = /^([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(:\d{1,5})?$/i;
const URL_FORM = /^(oci|https?):\/\/[^/\s?#]+(\/[^\s?#]*)?$/i;

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkKeys(obj: Record<string, unknown>, known: readonly string[], path: string, fail: Fail): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) fail(`${path}.${key}`, `unknown setting; known: ${known.join(', ')}`);
  }
}

function listAt(value: unknown, path: string, fail: Fail): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, 'must be a list');
  return value as unknown[];
}

function urlAt(value: unknown, path: string, fail: Fail): string {
  if (typeof value !== 'string' || !URL_FORM.test(value.trim())) {
    fail(path, 'must be a URL prefix starting with oci://, https:// or http://, without query');
  }
  if (/^[a-z]+:\/\/[^/]*@/i.test(value as string)) fail(path, 'must not contain credentials; name environment variables in charts.auth instead');
  return normalizePrefix(value as string);
}

const kindOf = (url: string): 'oci' | 'http' => (url.toLowerCase().startsWith('oci://') ? 'oci' : 'http');

function parseMirrors(value: unknown, fail: Fail): ChartMirror[] {
  const seen = new Set<string>();
  return listAt(value, 'charts.mirrors', fail).map((raw, i) => {
    const path = `charts.mirrors[${i}]`;
    if (!isMapping(raw)) fail(path, 'must be a mapping with from, to and optionally plainHTTP');
    const m = raw as Record<string, unknown>;
    checkKeys(m, ['from', 'to', 'plainHTTP'], path, fail);
    const from = urlAt(m.from, `${path}.from`, fail);
    const to = urlAt(m.to, `${path}.to`, fail);
    if (kindOf(from) !== kindOf(to)) fail(`${path}.to`, 'must be of the same kind as from (oci:// to oci://, http(s):// to http(s)://)');
    if (m.plainHTTP !== undefined && typeof m.plainHTTP !== 'boolean') fail(`${path}.plainHTTP`, 'must be true or false');
    if (m.plainHTTP === true && kindOf(to) !== 'oci') fail(`${path}.plainHTTP`, 'applies to oci:// mirrors only; write an http:// URL in to instead');
    if (seen.has(from)) fail(`${path}.from`, 'is already mapped by an earlier mirror; keep one entry per prefix');
    seen.add(from);
    return { from, to, plainHTTP: m.plainHTTP === true };
  });
}

function envNameAt(value: unknown, path: string, fail: Fail): string {
  if (typeof value !== 'string' || !ENV_NAME.test(value)) {
    fail(path, 'must be the name of an environment variable (letters, digits, _) that holds the value, not the value itself');
  }
  return value as string;
}

function parseAuth(value: unknown, fail: Fail): ChartAuth[] {
  return listAt(value, 'charts.auth', fail).map((raw, i): ChartAuth => {
    const path = `charts.auth[${i}]`;
    if (!isMapping(raw)) fail(path, 'must be a mapping with host (or url), usernameEnv and passwordEnv');
    const a = raw as Record<string, unknown>;
    checkKeys(a, ['host', 'url', 'usernameEnv', 'passwordEnv'], path, fail);
    if ((a.host === undefined) === (a.url === undefined)) fail(path, 'needs exactly one of host (host[:port]) or url (a URL prefix)');
    const usernameEnv = envNameAt(a.usernameEnv, `${path}.usernameEnv`, fail);
    const passwordEnv = envNameAt(a.passwordEnv, `${path}.passwordEnv`, fail);
    if (a.host !== undefined) {
      if (typeof a.host !== 'string' || !HOST.test(a.host)) fail(`${path}.host`, 'must be a host name with an optional :port, without scheme or path (e.g. ghcr.io)');
      return { host: (a.host as string).toLowerCase(), usernameEnv, passwordEnv };
    }
    return { url: urlAt(a.url, `${path}.url`, fail), usernameEnv, passwordEnv };
  });
}

function parseKnowledge(value: unknown, base: string, fail: Fail): ChartKnowledgeEntry[] {
  return listAt(value, base, fail).map((raw, i) => {
    const path = `${base}[${i}]`;
    if (!isMapping(raw)) fail(path, 'must be a mapping with name, crds and optionally url');
    const c = raw as Record<string, unknown>;
    checkKeys(c, ['name', 'url', 'crds'], path, fail);
    if (typeof c.name !== 'string' || !c.name.trim()) fail(`${path}.name`, 'must be the chart name');
    if (c.url !== undefined && typeof c.url !== 'string') fail(`${path}.url`, 'must be the repository URL (oci:// or https://)');
    if (!Array.isArray(c.crds)) fail(`${path}.crds`, 'must be a list of "group/Kind"');
    const crds = (c.crds as unknown[]).map((crd, j) => {
      if (typeof crd !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(crd)) fail(`${path}.crds[${j}]`, 'must be "group/Kind", e.g. example.com/Widget');
      return crd as string;
    });
    const entry: ChartKnowledgeEntry = { name: (c.name as string).trim(), crds };
    if (c.url !== undefined) entry.url = c.url as string;
    return entry;
  });
}

/**
 * Reads the `charts:` value of `.slipway.yaml`. `where(path)` gives the "file:line" of a setting
 * (path like `charts.mirrors[0].from`); mistakes throw ChartsConfigError `file:line: path: what to do`.
 */
export function parseChartsSettings(value: unknown, where: (path: string) => string): ChartsSettings {
  const fail: Fail = (path, what) => {
    throw new ChartsConfigError(`${where(path)}: ${path}: ${what}`);
  };
  if (value === undefined || value === null) return { mirrors: [], auth: [], knowledge: [] };
  if (Array.isArray(value)) return { mirrors: [], auth: [], knowledge: parseKnowledge(value, 'charts', fail) };
  if (!isMapping(value)) fail('charts', 'must be a mapping with mirrors, auth and knowledge (or a list of knowledge entries)');
  const v = value as Record<string, unknown>;
  checkKeys(v, ['mirrors', 'auth', 'knowledge'], 'charts', fail);
  return { mirrors: parseMirrors(v.mirrors, fail), auth: parseAuth(v.auth, fail), knowledge: parseKnowledge(v.knowledge, 'charts.knowledge', fail) };
}
