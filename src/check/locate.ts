// Maps a JSON pointer inside a built resource back to the line of its source file, so a
// finding about `spec.template.spec.containers[0].image` points at that line, not the
// document's first line. Falls back to the document line when a patch added the field.
import { isMap, isSeq, type Node } from 'yaml';
import { positionOf, readYamlFile, type YamlDocument } from '../repo/yaml/index.js';
import type { SourcePosition } from '../repo/flux/index.js';

export class SourceLocator {
  private readonly files = new Map<string, YamlDocument[]>();

  constructor(private readonly root: string) {}

  /**
   * Position of `pointer` (RFC 6901, e.g. "/spec/replicas") in the document at `origin`: of the
   * deepest part the source has (a field a patch added is at its parent), else the document.
   */
  locate(origin: SourcePosition | undefined, pointer: string): { line?: number; column?: number } {
    return this.find(origin, pointer).position;
  }

  /** Position of `pointer` only when the source document has the whole of it. */
  locateExact(origin: SourcePosition | undefined, pointer: string): { line: number; column: number } | undefined {
    const r = this.find(origin, pointer);
    return r.complete && r.position.line !== undefined && r.position.column !== undefined ? { line: r.position.line, column: r.position.column } : undefined;
  }

  private find(origin: SourcePosition | undefined, pointer: string): { position: { line?: number; column?: number }; complete: boolean } {
    if (!origin) return { position: {}, complete: false };
    const doc = this.documentAt(origin);
    if (!doc) return { position: { line: origin.line }, complete: false };
    const parts = pointer.split('/').slice(1);
    let resolved = 0;
    let node: unknown = doc.doc.contents;
    let found: Node | undefined;
    for (const raw of parts) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (isMap(node)) {
        const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value ?? p.key) === key);
        node = pair?.value;
        // a field is where its key is written (`securityContext:`), not where its block value starts
        if (pair) { found = (pair.key as Node | undefined) ?? (pair.value as Node | undefined); resolved++; }
      } else if (isSeq(node)) {
        node = node.items[Number(key)];
        if (node) { found = node as Node; resolved++; }
      } else break;
      if (!node) break;
    }
    const offset = found?.range?.[0];
    if (offset === undefined) return { position: { line: origin.line }, complete: false };
    return { position: positionOf(doc.lineCounter, offset), complete: resolved === parts.length };
  }

  /** The source document at `origin` as plain data (before kustomize and postBuild), if readable. */
  sourceObject(origin: SourcePosition | undefined): unknown {
    if (!origin) return undefined;
    return this.documentAt(origin)?.value;
  }

  private documentAt(origin: SourcePosition): YamlDocument | undefined {
    let docs = this.files.get(origin.file);
    if (!docs) {
      docs = readYamlFile(this.root, origin.file).documents;
      this.files.set(origin.file, docs);
    }
    // the document that starts at or last before the origin line
    let best: YamlDocument | undefined;
    for (const d of docs) if (d.line <= origin.line && (!best || d.line > best.line)) best = d;
    return best;
  }
}
