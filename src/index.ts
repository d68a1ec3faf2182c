// Slipway's public API: what a slipway.config.ts imports.
export { defineFleet } from './model/define.js';
export { defineModule, ModuleConfigError } from './model/module.js';
export type * from './model/types.js';
export type { ModuleDefinition, ModuleFactory, ModuleInstance, ModuleContext, Unit, ManifestFile, Overrides, PodSecurityLevel } from './model/module.js';
export type { K8sObject } from './k8s/object.js';
export * from './catalog/index.js';
