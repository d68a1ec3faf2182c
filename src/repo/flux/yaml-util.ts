import type { ObjectId } from './model.js';
// Narrowing helpers for parsed YAML values: Flux objects are read field by field and anything
// of the wrong type is treated as absent (the schema rules report it, not the loader).
import type { YamlMap, YamlValue } from '../yaml/values.js';

export function isMap(v: unknown): v is YamlMap {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function str(v: YamlValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function bool(v: YamlValue | undefined): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

export function map(v: YamlValue | undefined): YamlMap {
  return isMap(v) ? v : {};
}

export function list(v: YamlValue | undefined): YamlValue[] {
  return Array.isArray(v) ? v : [];
}

export function metadataOf(obj: YamlMap): { name: string; namespace?: string; labels: YamlMap; annotations: YamlMap } {
  const m = map(obj.metadata);
  return { name: str(m.name) ?? '', namespace: str(m.namespace), labels: map(m.labels), annotations: map(m.annotations) };
}

/** Repository-relative, '/'-separated, without './' or trailing '/'; '' is the root. */
export function normalizeRel(p: string): string {
  const parts: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0 || parts[parts.length - 1] === '..') parts.push('..');
      else parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}

export function joinRel(...parts: string[]): string {
  return normalizeRel(parts.filter((p) => p !== '').join('/'));
}

/** The API group of an apiVersion. */
export function groupOfApiVersion(apiVersion: string | undefined): string {
  if (!apiVersion) return '';
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

export function isFluxKustomization(obj: YamlMap): boolean {
  return obj.kind === 'Kustomization' && groupOfApiVersion(str(obj.apiVersion)) === 'kustomize.toolkit.fluxcd.io';
}

/** Identity of an object (or of a healthChecks entry, whose name and namespace are top-level). */
export function objectIdOf(obj: YamlMap): ObjectId {
  const meta = isMap(obj.metadata) ? metadataOf(obj) : { name: str(obj.name) ?? '', namespace: str(obj.namespace) };
  const id: ObjectId = { apiVersion: str(obj.apiVersion) ?? '', kind: str(obj.kind) ?? '', name: meta.name };
  if (meta.namespace) id.namespace = meta.namespace;
  return id;
}
