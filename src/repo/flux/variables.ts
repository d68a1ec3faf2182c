// The variables a Flux Kustomization can substitute: spec.postBuild.substitute over the
// ConfigMaps and Secrets named in spec.postBuild.substituteFrom (later entries win, inline
// `substitute` wins over all, as kustomize-controller merges them). ConfigMaps and Secrets come
// from the cluster's inventory (what the repository applies); a Secret that is SOPS-encrypted,
// or that an ExternalSecret / SealedSecret will create, exists but its values are unknown
// offline; values that only exist in the cluster come from `.slipway.yaml` fixtures.
import type { YamlMap } from '../yaml/values.js';
import type { FluxProblem, KsKey, VarValue } from './model.js';
import type { ClusterInventory, InventoryEntry } from './inventory.js';
import { isMap } from './yaml-util.js';

/** The value given for a variable that exists only in encrypted or cluster-side form. */
export function unknownPlaceholder(name: string): string {
  return `..UNKNOWN_${name}..`;
}

export interface VariableSet {
  vars: Map<string, VarValue>;
  /** Set when a source may hold keys we cannot list: any other name is then unknown, not missing. */
  openUnknown?: string;
  problems: FluxProblem[];
}

interface SubstituteFromRef {
  kind: string;
  name: string;
  optional: boolean;
}

export function substituteFromRefs(spec: YamlMap): SubstituteFromRef[] {
  const postBuild = isMap(spec.postBuild) ? spec.postBuild : undefined;
  const list = postBuild && Array.isArray(postBuild.substituteFrom) ? postBuild.substituteFrom : [];
  const out: SubstituteFromRef[] = [];
  for (const item of list) {
    if (!isMap(item) || typeof item.name !== 'string') continue;
    out.push({ kind: item.kind === 'Secret' ? 'Secret' : 'ConfigMap', name: item.name, optional: item.optional === true });
  }
  return out;
}

/** True when Flux will run substitution for this Kustomization at all. */
export function hasPostBuild(spec: YamlMap): boolean {
  return isMap(spec.postBuild);
}

/** Whether every required substituteFrom object is already known (used to order loading). */
export function substitutionSourcesReady(spec: YamlMap, namespace: string, inventory: ClusterInventory): boolean {
  return substituteFromRefs(spec).every((ref) => ref.optional || inventory.secretOrConfigMap(ref.kind, namespace, ref.name) !== undefined);
}

export function collectVariables(
  spec: YamlMap,
  ks: { key: KsKey; namespace: string; file?: string; line?: number },
  inventory: ClusterInventory,
  fixtures: Record<string, string>,
): VariableSet {
  const vars = new Map<string, VarValue>();
  const problems: FluxProblem[] = [];
  let openUnknown: string | undefined;
  const hasFixtures = Object.keys(fixtures).length > 0;
  // cluster-only values given offline: lowest precedence, as if from an object we cannot see
  for (const [k, v] of Object.entries(fixtures)) vars.set(k, { known: true, value: v });

  for (const ref of substituteFromRefs(spec)) {
    const entry = inventory.secretOrConfigMap(ref.kind, ks.namespace, ref.name);
    if (!entry) {
      if (!ref.optional && !hasFixtures) {
        problems.push({
          code: 'substitution-source-missing',
          message: `postBuild.substituteFrom names ${ref.kind} ${ks.namespace}/${ref.name}, which nothing in the repository creates; ` +
            `create it, mark it optional, or give its values offline in .slipway.yaml under substitutions`,
          file: ks.file,
          line: ks.line,
          kustomization: ks.key,
        });
      }
      continue;
    }
    for (const [k, v] of entryVariables(entry)) vars.set(k, v);
    if (entry.openKeys) openUnknown ??= entry.valuesUnknown;
  }
  const postBuild = isMap(spec.postBuild) ? spec.postBuild : {};
  if (isMap(postBuild.substitute)) {
    for (const [k, v] of Object.entries(postBuild.substitute)) {
      vars.set(k, { known: true, value: v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v) });
    }
  }
  return { vars, openUnknown, problems };
}

/** Variables one ConfigMap or Secret contributes. */
function entryVariables(entry: InventoryEntry): Array<[string, VarValue]> {
  const obj = entry.object;
  if (entry.valuesUnknown) {
    return entry.knownKeys.map((k) => [k, { known: false, why: entry.valuesUnknown! }]);
  }
  const out: Array<[string, VarValue]> = [];
  if (isMap(obj.data)) {
    for (const [k, v] of Object.entries(obj.data)) {
      const text = v === null ? '' : String(v);
      out.push([k, { known: true, value: entry.kind === 'Secret' ? decodeBase64(text) : text }]);
    }
  }
  if (entry.kind === 'Secret' && isMap(obj.stringData)) {
    for (const [k, v] of Object.entries(obj.stringData)) out.push([k, { known: true, value: v === null ? '' : String(v) }]);
  }
  return out;
}

function decodeBase64(s: string): string {
  try {
    return Buffer.from(s, 'base64').toString('utf8');
  } catch {
    return s;
  }
}
