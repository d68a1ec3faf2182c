// URL prefixes: `charts.mirrors` mapping (what the repository wrote → where to fetch) and the
// prefix test that `charts.auth` url entries use too.
import type { ChartMirror } from './types.js';

export interface Located {
  url: string;
  /** The mirror asked for plain http towards an oci:// registry. */
  plainHTTP: boolean;
}

/** `scheme://host` lower-cased (both are case-insensitive), the path as written, no trailing slash. */
export function normalizePrefix(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/]*)(.*)$/i.exec(trimmed);
  return m ? m[1].toLowerCase() + m[2] : trimmed;
}

/** Whether `url` is `prefix` or below it at a path-segment boundary (`…/helm` does not cover `…/helm-charts`). */
export function underPrefix(url: string, prefix: string): boolean {
  const u = normalizePrefix(url);
  const p = normalizePrefix(prefix);
  return u === p || u.startsWith(p + '/');
}

/** Maps `url` through the longest matching mirror; unmapped URLs are returned as they are. */
export function applyMirrors(url: string, mirrors: readonly ChartMirror[]): Located {
  let best: ChartMirror | undefined;
  for (const m of mirrors) {
    if (underPrefix(url, m.from) && (!best || normalizePrefix(m.from).length > normalizePrefix(best.from).length)) best = m;
  }
  if (!best) return { url: normalizePrefix(url), plainHTTP: false };
  const rest = normalizePrefix(url).slice(normalizePrefix(best.from).length);
  return { url: normalizePrefix(best.to) + rest, plainHTTP: best.plainHTTP };
}
