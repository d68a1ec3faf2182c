// The one error type of the chart fetcher: a user-facing, one-line reason that becomes a ChartMiss.
// Messages are built only from URLs passed through displayUrl and from names of things, never from
// credentials or server response bodies (which may echo what was sent).

export class FetchProblem extends Error {
  override name = 'FetchProblem';
}

/** A URL fit for messages: no userinfo, no query or fragment (presigned storage URLs carry tokens there). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.href;
  } catch {
    // not parseable: keep scheme and host-ish part only, which cannot hold a query
    return url.replace(/\/\/[^/@]*@/, '//').replace(/[?#].*$/, '');
  }
}

/** A short list for messages: the first few, then how many there are. */
export function listSome(items: readonly string[]): string {
  const shown = items.slice(0, 8).join(', ');
  return items.length > 8 ? `${shown}, … (${items.length} in all)` : shown || 'none';
}
