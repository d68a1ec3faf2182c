// A folder in kubeconform's standalone layout: {kind-lowercase}-{groupprefix}-{version}.json,
// e.g. yannh/kubernetes-json-schema's v1.31.0-standalone-strict.
import path from 'node:path';
import { standaloneFileName } from '../gvk.js';
import type { GroupVersionKind } from '../types.js';
import { listFolder, readJsonFile } from './read-json.js';
import type { FoundSchema, SchemaSource } from './source.js';

export interface StandaloneDirOptions {
  /** The Kubernetes version this folder describes ("1.31.0"), when known from its name. */
  kubeVersion?: string;
  /** Set for folders used only for APIs the target Kubernetes version no longer serves. */
  fallback?: boolean;
  builtin?: boolean;
}

export class StandaloneDirSource implements SchemaSource {
  private listing: Set<string> | undefined;

  constructor(
    readonly dir: string,
    private readonly options: StandaloneDirOptions = {},
  ) {}

  /** The Kubernetes version of the folder ("1.31.0"), when its name says. */
  get kubeVersion(): string | undefined {
    return this.options.kubeVersion;
  }

  /** A folder of the target version given with --schemas (not shipped with Slipway, not a fallback). */
  get isUserTargetFolder(): boolean {
    return !this.options.builtin && !this.options.fallback;
  }

  get isBuiltin(): boolean {
    return !!this.options.builtin;
  }

  get description(): string {
    const role = this.options.fallback ? ', fallback for removed APIs' : '';
    return `${this.dir} (kubeconform standalone layout${role})`;
  }

  find(gvk: GroupVersionKind): FoundSchema | undefined {
    this.listing ??= listFolder(this.dir);
    const name = standaloneFileName(gvk);
    if (!this.listing.has(name)) return undefined;
    const file = path.join(this.dir, name);
    const raw = readJsonFile(file);
    // The file name keeps only the first label of the group, so networking.k8s.io and a CRD group
    // networking.example.com would share names; the schema's own GVK list settles it.
    if (!declaresGvk(raw, gvk)) return undefined;
    return {
      raw,
      origin: {
        source: this.options.builtin ? 'builtin' : 'directory',
        location: file,
        ...(this.options.kubeVersion ? { kubeVersion: this.options.kubeVersion } : {}),
        fallback: this.options.fallback ?? false,
      },
    };
  }
}

/** True unless the schema lists its group/version/kinds and this one is not among them. */
function declaresGvk(raw: unknown, gvk: GroupVersionKind): boolean {
  const declared = (raw as { 'x-kubernetes-group-version-kind'?: unknown } | null)?.['x-kubernetes-group-version-kind'];
  if (!Array.isArray(declared) || declared.length === 0) return true;
  return declared.some(
    (d: { group?: unknown; version?: unknown; kind?: unknown }) =>
      (d.group ?? '') === gvk.group && d.version === gvk.version && d.kind === gvk.kind,
  );
}
