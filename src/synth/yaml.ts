// Objects to YAML text, the way the community writes Flux repositories: one
// document per object, `---` before each, a schema hint for editors, and the
// objects' attached comments (renovate hints) on the line before their field.
import { Document, isMap, isScalar, type YAMLMap } from 'yaml';
import { commentsOf } from '../k8s/comments.js';
import { isBuiltInGroup } from '../k8s/facts.js';
import { groupOf, versionOf, type K8sObject } from '../k8s/object.js';

const OPTIONS = { lineWidth: 0, indentSeq: true } as const;

export function toYamlDocuments(objects: readonly object[]): string {
  return objects.map((o) => `---\n${schemaHint(o)}${toYaml(o)}`).join('');
}

/** A single YAML document without separator. */
export function toYaml(o: object): string {
  // YAML 1.1 rules for quoting, so strings like "no" or "on" stay strings for every consumer
  // no anchors and aliases: a value shared in memory is written out at every place it is used
  const doc = new Document(o, { version: '1.1', aliasDuplicateObjects: false });
  for (const [path, comment] of Object.entries(commentsOf(o))) {
    const keys = path.split('.');
    const last = keys.pop()!;
    const parent = keys.length ? doc.getIn(keys, true) : doc.contents;
    if (!isMap(parent)) continue;
    const pair = (parent as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === last);
    if (pair && isScalar(pair.key)) pair.key.commentBefore = comment;
  }
  return doc.toString(OPTIONS);
}

/**
 * `# yaml-language-server: $schema=…` in the kubernetes-json-schema / CRDs-catalog layout,
 * the hint editors use to complete and validate fields as one types.
 */
function schemaHint(o: object): string {
  const { apiVersion, kind } = o as Partial<K8sObject>;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return '';
  const group = groupOf(apiVersion);
  const version = versionOf(apiVersion);
  if (group === 'kustomize.config.k8s.io') return '# yaml-language-server: $schema=https://json.schemastore.org/kustomization\n';
  if (isBuiltInGroup(group)) {
    const prefix = group ? `-${group.split('.')[0]}` : '';
    return `# yaml-language-server: $schema=https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/master-standalone-strict/${kind.toLowerCase()}${prefix}-${version}.json\n`;
  }
  return `# yaml-language-server: $schema=https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/${group}/${kind.toLowerCase()}_${version}.json\n`;
}
