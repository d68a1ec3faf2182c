// Which kinds are cluster-scoped: the loader's index (src/repo/flux/scope.ts), which Helm
// rendering shares — Helm sends a namespaced object without a namespace to the release
// namespace; a cluster-scoped one stays without.
export { ScopeIndex } from '../repo/flux/scope.js';
