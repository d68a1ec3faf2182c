// Fetching Helm charts (Helm HTTP repositories, OCI registries) into a content-addressed cache.
export { createChartFetcher, describeRequest, isChartMiss, isExactVersion } from './fetch.js';
export type { ChartFetcher, ChartFetcherOptions } from './fetch.js';
export { ChartsConfigError, parseChartsSettings } from './config.js';
export { applyMirrors } from './mirrors.js';
export { defaultCacheDir } from './cache.js';
export type { RetryOptions } from './http.js';
export type * from './types.js';
