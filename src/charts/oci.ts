// OCI registries (distribution spec): `oci://host/repo/name` → `https://host/v2/repo/name/…`,
// tag listing with Link-header pagination, manifests (OCI image manifest or Docker v2), and the
// layer that holds the chart. Helm stores a chart version as a tag with `+` written as `_`.
import type { AuthSession } from './auth.js';
import { sha256Digest } from './cache.js';
import { FetchProblem, displayUrl } from './problem.js';

export const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];
const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];
const MAX_MANIFEST_BYTES = 4 << 20;
const MAX_TAGS_PAGE_BYTES = 16 << 20;
const MAX_TAG_PAGES = 1000;

/** Repository names as the distribution spec allows them. */
const NAME = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface OciLocation {
  /** host[:port] */
  registry: string;
  name: string;
  /** `http(s)://host/v2/<name>` */
  base: string;
  /** `oci://host/<name>` for messages */
  display: string;
}

export const toTag = (version: string): string => version.replace(/\+/g, '_');
export const fromTag = (tag: string): string => tag.replace(/_/g, '+');

/**
 * Where `oci://host/name` is served. Plain http when a mirror asks for it, and for loopback
 * registries, which Docker and Helm also treat as not needing TLS.
 */
export function ociLocation(url: string, plainHTTP: boolean): OciLocation {
  const m = /^oci:\/\/([^/]+)\/(.+)$/i.exec(url);
  const registry = m?.[1].toLowerCase();
  if (!m || !registry || !NAME.test(m[2])) {
    throw new FetchProblem(`${displayUrl(url)}: not an OCI reference oci://host/repository/name (lower-case repository name); fix the OCIRepository or HelmRepository URL`);
  }
  const hostname = registry.replace(/:\d+$/, '');
  const scheme = plainHTTP || LOOPBACK.has(hostname) ? 'http' : 'https';
  return { registry, name: m[2], base: `${scheme}://${registry}/v2/${m[2]}`, display: `oci://${registry}/${m[2]}` };
}

/** The `rel="next"` target of a Link header, resolved against the page that sent it. */
function nextPage(link: string | null, current: string): string | undefined {
  const m = link && /<([^>]+)>\s*;\s*rel="?next"?/i.exec(link);
  return m ? new URL(m[1], current).href : undefined;
}

/** All tags of the repository, following pagination. */
export async function listTags(session: AuthSession, loc: OciLocation): Promise<string[]> {
  const tags: string[] = [];
  const seen = new Set<string>();
  let url: string | undefined = `${loc.base}/tags/list`;
  while (url && !seen.has(url) && seen.size < MAX_TAG_PAGES) {
    seen.add(url);
    const res = await session.getOk(url, { accept: 'application/json' }, MAX_TAGS_PAGE_BYTES, `${loc.display}: repository not found (404); check the URL and chart name`);
    let page: { tags?: unknown };
    try {
      page = JSON.parse(res.body.toString('utf8')) as { tags?: unknown };
    } catch {
      throw new FetchProblem(`${loc.display}: the tag list is not JSON; is this an OCI registry?`);
    }
    if (Array.isArray(page.tags)) tags.push(...page.tags.filter((t): t is string => typeof t === 'string'));
    url = nextPage(res.headers.get('link'), res.url);
  }
  return tags;
}

export interface OciLayer {
  mediaType: string;
  digest: string;
  size?: number;
}

export interface OciManifest {
  /** sha256 of the manifest bytes. */
  digest: string;
  layers: OciLayer[];
  annotations: Record<string, string>;
}

/** The manifest for a tag or digest; a digest reference is checked against the bytes received. */
export async function getManifest(session: AuthSession, loc: OciLocation, reference: string): Promise<OciManifest> {
  const shown = reference.startsWith('sha256:') ? `${loc.display}@${reference}` : `${loc.display}:${reference}`;
  const res = await session.getOk(`${loc.base}/manifests/${reference}`, { accept: [...MANIFEST_TYPES, ...INDEX_TYPES].join(', ') }, MAX_MANIFEST_BYTES,
    `${shown}: not found (404); check the tag, version or digest and the URL`);
  const digest = sha256Digest(res.body);
  if (reference.startsWith('sha256:') && digest !== reference) {
    throw new FetchProblem(`${shown}: the registry sent a manifest with digest ${digest}; refused`);
  }
  let doc: { mediaType?: unknown; layers?: unknown; annotations?: unknown };
  try {
    doc = JSON.parse(res.body.toString('utf8')) as typeof doc;
  } catch {
    throw new FetchProblem(`${shown}: the manifest is not JSON`);
  }
  const mediaType = typeof doc.mediaType === 'string' ? doc.mediaType : (res.headers.get('content-type') ?? '').split(';')[0].trim();
  if (INDEX_TYPES.includes(mediaType)) throw new FetchProblem(`${shown}: an image index (multi-platform image), not a Helm chart; check the URL`);
  const layers = (Array.isArray(doc.layers) ? doc.layers : [])
    .filter((l): l is OciLayer => !!l && typeof l.mediaType === 'string' && typeof l.digest === 'string');
  const annotations = doc.annotations && typeof doc.annotations === 'object' ? (doc.annotations as Record<string, string>) : {};
  return { digest, layers, annotations };
}

/** The layer with `mediaType` (Flux's layerSelector), by default the Helm chart layer. */
export function chartLayer(manifest: OciManifest, mediaType: string | undefined, shown: string): OciLayer {
  const wanted = mediaType ?? HELM_CHART_LAYER;
  const layer = manifest.layers.find((l) => l.mediaType === wanted);
  if (!layer) {
    const types = [...new Set(manifest.layers.map((l) => l.mediaType))].sort().join(', ') || 'none';
    throw new FetchProblem(`${shown}: no layer of media type ${wanted} (layers: ${types}); set layerSelector.mediaType on the OCIRepository, or check that this is a Helm chart`);
  }
  if (!/^sha256:[a-f0-9]{64}$/.test(layer.digest)) throw new FetchProblem(`${shown}: the chart layer has digest ${layer.digest}; only sha256 is supported`);
  return layer;
}

export const blobUrl = (loc: OciLocation, digest: string): string => `${loc.base}/blobs/${digest}`;
