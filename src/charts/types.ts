// Types of the chart fetcher: what a Flux source asks for, what comes back, and the `.slipway.yaml`
// `charts:` settings that steer it (mirrors, credentials by environment variable name, knowledge).

/** Picks the newest version satisfying the constraint, with Masterminds/semver semantics (what Helm and Flux use). */
export type VersionSelector = (versions: string[], constraint: string) => Promise<string | undefined>;

export type ChartRequest =
  /** HelmRepository (http/https) + chart.spec.chart/version; version may be a semver range, default '*'. */
  | { type: 'helm'; repoUrl: string; chart: string; version?: string }
  /**
   * OCIRepository url (oci://host/path/name) + ref; or a HelmRepository of type oci, as
   * url = repoUrl + '/' + chart, semver = version.
   */
  | { type: 'oci'; url: string; tag?: string; semver?: string; digest?: string; layerMediaType?: string };

export interface FetchedChart {
  request: ChartRequest;
  /** 'sha256:<hex>' of the .tgz bytes. */
  digest: string;
  /** Absolute path of the blob in the cache. */
  file: string;
  version?: string;
  /** Where it came from after mirror mapping; never with credentials. For a cache hit, where it was fetched from then. */
  fetchedFrom: string;
  fromCache: boolean;
}

export interface ChartMiss {
  request: ChartRequest;
  /** One line: names the URL/chart/version and what to do. */
  reason: string;
  /** True when only the cache was consulted. */
  offline: boolean;
}

export type ChartResult = FetchedChart | ChartMiss;

export interface ChartMirror {
  /** URL prefix as written in the repository (no trailing slash). */
  from: string;
  /** Where to fetch instead (no trailing slash). */
  to: string;
  /** Talk plain http to an oci:// `to` (a local registry without TLS). */
  plainHTTP: boolean;
}

/** Credentials by environment variable name, for one host (host[:port]) or one URL prefix. */
export type ChartAuth = ({ host: string; url?: undefined } | { url: string; host?: undefined }) & {
  usernameEnv: string;
  passwordEnv: string;
};

/** What a chart installs, for charts that cannot be fetched. */
export interface ChartKnowledgeEntry {
  name: string;
  url?: string;
  /** `group/Kind` of every CRD the chart installs. */
  crds: string[];
}

export interface ChartsSettings {
  mirrors: ChartMirror[];
  auth: ChartAuth[];
  knowledge: ChartKnowledgeEntry[];
}

/** For the CLI's progress line; `done` of `total` requests started so far are finished. */
export type ChartProgress =
  | { type: 'start'; label: string; done: number; total: number }
  | { type: 'download'; label: string; url: string; done: number; total: number }
  | { type: 'finish'; label: string; outcome: 'downloaded' | 'cached' | 'missed'; done: number; total: number };
