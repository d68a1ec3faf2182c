// Recognising Argo CD objects and reading the fields every other module needs.
import type { YamlMap } from '../yaml/values.js';
import { groupOfApiVersion, map, metadataOf, str } from '../flux/yaml-util.js';
import { APPLICATION_API_GROUP, ARGOCD_NAMESPACE, SYNC_WAVE_ANNOTATION } from './model.js';

export function isApplication(obj: YamlMap): boolean {
  return obj.kind === 'Application' && groupOfApiVersion(str(obj.apiVersion)) === APPLICATION_API_GROUP;
}

export function isApplicationSet(obj: YamlMap): boolean {
  return obj.kind === 'ApplicationSet' && groupOfApiVersion(str(obj.apiVersion)) === APPLICATION_API_GROUP;
}

/** namespace/name; an Application without a namespace lives where Argo CD runs. */
export function applicationKey(obj: YamlMap): string {
  const m = metadataOf(obj);
  return `${m.namespace ?? ARGOCD_NAMESPACE}/${m.name}`;
}

/**
 * The sync wave of an object: Argo CD reads the annotation as an integer and treats anything
 * else (absent, empty, not a number) as wave 0.
 */
export function syncWaveOf(obj: YamlMap): number {
  const v = metadataOf(obj).annotations[SYNC_WAVE_ANNOTATION];
  const raw = v === undefined || v === null ? '' : String(v);
  return /^\s*[-+]?\d+\s*$/.test(raw) ? Number.parseInt(raw, 10) : 0;
}

/** spec.syncPolicy.syncOptions as written ("CreateNamespace=true" …). */
export function syncOptionsOf(obj: YamlMap): string[] {
  const opts = map(map(obj.spec).syncPolicy).syncOptions;
  return Array.isArray(opts) ? opts.map((o) => String(o)) : [];
}

export function hasSyncOption(obj: YamlMap, option: string): boolean {
  return syncOptionsOf(obj).some((o) => o.replace(/\s+/g, '').toLowerCase() === option.toLowerCase());
}
