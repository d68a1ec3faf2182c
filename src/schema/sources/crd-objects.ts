// CustomResourceDefinition objects given at run time (e.g. CRDs found in the repository being
// checked, or vendored CRD YAML): the schema of each served version.
import { gvkKey } from '../gvk.js';
import type { GroupVersionKind } from '../types.js';
import type { FoundSchema, SchemaSource } from './source.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

interface CrdVersionSchema {
  crdName: string;
  schema: Json;
}

export class CrdObjectSource implements SchemaSource {
  private readonly byGvk = new Map<string, CrdVersionSchema>();

  /** Documents that are not CRDs are ignored, so callers may pass every document they loaded. */
  constructor(documents: readonly unknown[]) {
    for (const doc of documents) {
      for (const [gvk, entry] of servedSchemas(doc)) {
        // The first definition of a type wins, like the order of --schemas folders.
        if (!this.byGvk.has(gvkKey(gvk))) this.byGvk.set(gvkKey(gvk), entry);
      }
    }
  }

  get size(): number {
    return this.byGvk.size;
  }

  get description(): string {
    return `${this.byGvk.size} CustomResourceDefinition version(s) given at run time`;
  }

  find(gvk: GroupVersionKind): FoundSchema | undefined {
    const entry = this.byGvk.get(gvkKey(gvk));
    if (!entry) return undefined;
    return {
      raw: withObjectEnvelope(entry.schema),
      origin: { source: 'crd', location: `CustomResourceDefinition ${entry.crdName}`, fallback: false },
    };
  }
}

export function isCustomResourceDefinition(doc: unknown): doc is Json {
  return (
    isObject(doc) &&
    doc.kind === 'CustomResourceDefinition' &&
    (doc.apiVersion === 'apiextensions.k8s.io/v1' || doc.apiVersion === 'apiextensions.k8s.io/v1beta1')
  );
}

/**
 * A Gatekeeper ConstraintTemplate: Gatekeeper makes the CRD of its constraints from it, with the
 * template's parameters schema under spec.parameters. `match` is Gatekeeper's own structure,
 * left open here (its schema is not in the template).
 */
function constraintSchemas(doc: Json): Array<[GroupVersionKind, CrdVersionSchema]> {
  const spec = doc.spec;
  const crd = isObject(spec) && isObject(spec.crd) && isObject(spec.crd.spec) ? spec.crd.spec : undefined;
  const kind = crd && isObject(crd.names) && typeof crd.names.kind === 'string' ? crd.names.kind : undefined;
  if (!kind) return [];
  const parameters = isObject(crd!.validation) && isObject(crd!.validation.openAPIV3Schema) ? crd!.validation.openAPIV3Schema : { 'x-kubernetes-preserve-unknown-fields': true };
  const open = { 'x-kubernetes-preserve-unknown-fields': true };
  const schema: Json = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          enforcementAction: { type: 'string' },
          scopedEnforcementActions: { type: 'array', items: { type: 'object', ...open } },
          match: { type: 'object', ...open },
          parameters,
        },
      },
      status: { type: 'object', ...open },
    },
  };
  const crdName = `${kind.toLowerCase()}.constraints.gatekeeper.sh`;
  return ['v1beta1', 'v1', 'v1alpha1'].map((version) => [{ group: 'constraints.gatekeeper.sh', version, kind }, { crdName, schema }]);
}

/** Each served version's openAPIV3Schema; v1beta1 CRDs may keep one schema for all versions. */
function servedSchemas(doc: unknown): Array<[GroupVersionKind, CrdVersionSchema]> {
  if (isObject(doc) && doc.kind === 'ConstraintTemplate' && typeof doc.apiVersion === 'string' && doc.apiVersion.startsWith('templates.gatekeeper.sh/')) return constraintSchemas(doc);
  if (!isCustomResourceDefinition(doc)) return [];
  const spec = doc.spec;
  const metadata = doc.metadata;
  if (!isObject(spec) || typeof spec.group !== 'string' || !isObject(spec.names) || typeof spec.names.kind !== 'string') return [];
  const crdName = isObject(metadata) && typeof metadata.name === 'string' ? metadata.name : `${spec.names.kind}.${spec.group}`;
  const sharedSchema = isObject(spec.validation) ? spec.validation.openAPIV3Schema : undefined;
  const versions = Array.isArray(spec.versions)
    ? spec.versions
    : typeof spec.version === 'string'
      ? [{ name: spec.version, served: true }]
      : [];
  const out: Array<[GroupVersionKind, CrdVersionSchema]> = [];
  for (const version of versions) {
    if (!isObject(version) || typeof version.name !== 'string' || version.served === false) continue;
    const schema = isObject(version.schema) ? version.schema.openAPIV3Schema : sharedSchema;
    if (!isObject(schema)) continue;
    out.push([{ group: spec.group, version: version.name, kind: spec.names.kind }, { crdName, schema }]);
  }
  return out;
}

/**
 * Every object has apiVersion, kind and metadata even when a CRD's schema leaves them out (the API
 * server adds them); without this, strict normalization would call them unknown fields.
 */
function withObjectEnvelope(schema: Json): Json {
  const properties = isObject(schema.properties) ? schema.properties : {};
  return {
    ...schema,
    type: schema.type ?? 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      ...properties,
    },
  };
}
