// From the engine's origin of a built resource (the file kustomize read it from, or the
// kustomization whose generator made it) to a file and line a finding can point at: the
// document in that file with the resource's kind whose name the built name contains (prefixes,
// suffixes and hashes are added around it), or the generator's entry in the kustomization.
import type { EngineOrigin } from '../../engine/index.js';
import { readYamlFile, positionOf, type YamlDocument } from '../yaml/index.js';
import type { YamlMap } from '../yaml/values.js';
import type { SourcePosition } from './model.js';
import { isMap, list, metadataOf, str } from './yaml-util.js';

const GENERATOR_FIELD: Record<string, string> = { ConfigMapGenerator: 'configMapGenerator', SecretGenerator: 'secretGenerator' };

export class OriginLocator {
  private readonly files = new Map<string, YamlDocument[]>();

  constructor(private readonly root: string) {}

  locate(origin: EngineOrigin | undefined, object: YamlMap, fallback?: SourcePosition): SourcePosition | undefined {
    if (origin?.file) return { file: origin.file, line: this.documentLine(origin.file, object) ?? 1 };
    if (origin?.configuredIn) {
      const docs = this.documents(origin.configuredIn);
      // a kustomization Flux generated exists only in memory: point at the Kustomization
      if (docs.length === 0) return fallback;
      return { file: origin.configuredIn, line: this.generatorLine(docs[0], origin.generator, object) ?? docs[0].line };
    }
    return fallback;
  }

  private documents(file: string): YamlDocument[] {
    let docs = this.files.get(file);
    if (!docs) {
      docs = readYamlFile(this.root, file, { allowDuplicateKeys: true }).documents;
      this.files.set(file, docs);
    }
    return docs;
  }

  private documentLine(file: string, object: YamlMap): number | undefined {
    const docs = this.documents(file).filter((d) => isMap(d.value));
    const kind = str(object.kind);
    const apiVersion = str(object.apiVersion);
    const meta = metadataOf(object);
    const ofKind = docs.filter((d) => str((d.value as YamlMap).kind) === kind);
    const ofType = ofKind.filter((d) => str((d.value as YamlMap).apiVersion) === apiVersion);
    const pool = ofType.length ? ofType : ofKind.length ? ofKind : docs;
    const nameOf = (d: YamlDocument) => (isMap((d.value as YamlMap).metadata) ? metadataOf(d.value as YamlMap).name : '');
    const exact = pool.filter((d) => nameOf(d) === meta.name);
    if (exact.length) return (exact.find((d) => metadataOf(d.value as YamlMap).namespace === meta.namespace) ?? exact[0]).line;
    const within = pool.filter((d) => nameOf(d) && meta.name.includes(nameOf(d))).sort((a, b) => nameOf(b).length - nameOf(a).length);
    return (within[0] ?? pool[0])?.line;
  }

  private generatorLine(doc: YamlDocument, generator: string | undefined, object: YamlMap): number | undefined {
    const field = generator ? GENERATOR_FIELD[generator] : undefined;
    if (!field || !isMap(doc.value)) return undefined;
    const name = metadataOf(object).name;
    const items = list((doc.value as YamlMap)[field]);
    let best = -1;
    items.forEach((item, i) => {
      const n = isMap(item) ? str(item.name) : undefined;
      if (n && name.includes(n) && (best < 0 || n.length > (str((items[best] as YamlMap).name) ?? '').length)) best = i;
    });
    const node = doc.doc.getIn([field, best < 0 ? 0 : best], true) as { range?: [number, number, number] } | undefined;
    return node?.range ? positionOf(doc.lineCounter, node.range[0]).line : undefined;
  }
}
