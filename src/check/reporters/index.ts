// The check reporters, one module per format.
export { renderJson } from './json.js';
export { renderJunit } from './junit.js';
export { renderPretty } from './pretty.js';
export { renderSarif } from './sarif.js';
