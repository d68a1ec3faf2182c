// Public surface of the Argo CD loader: Applications and ApplicationSets found, app-of-apps trees
// loaded into the shared cluster model (src/repo/flux/model.ts), sync waves.
export * from './model.js';
export { loadArgoClusters, type ArgoLoad, type ArgoLoadOptions } from './loader.js';
export { discoverArgoClusters, clusterNameOf } from './discover.js';
export { isApplication, isApplicationSet, applicationKey, syncWaveOf, hasSyncOption } from './identity.js';
export { syncOrder, computeArgoGraph } from './waves.js';
