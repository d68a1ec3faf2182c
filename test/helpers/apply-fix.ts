// Applies the machine-readable fixes `slipway check` offers (Finding.fix) to a repository copy,
// the way a user following the advice would edit the Kustomization files.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { FindingFix, KustomizationName } from '../../src/check/finding.js';

type Edit = { file?: string; line?: number; kustomization: KustomizationName };

/** The document of a Flux Kustomization defined at file:line (the line of its first key or `---`). */
function documentAt(docs: Document.Parsed[], counter: LineCounter, line: number | undefined, name: KustomizationName): Document.Parsed | undefined {
  const matches = docs.filter((d) => d.getIn(['kind']) === 'Kustomization' && d.getIn(['metadata', 'name']) === name.name);
  if (matches.length <= 1 || line === undefined) return matches[0];
  return matches.find((d) => {
    const start = counter.linePos(d.range[0]).line;
    const end = counter.linePos(d.range[2]).line;
    return start <= line && line <= end;
  }) ?? matches[0];
}

function editFile(root: string, e: Edit, change: (doc: Document.Parsed, ks: KustomizationName) => void): void {
  if (!e.file) throw new Error(`fix for ${e.kustomization.namespace}/${e.kustomization.name} names no file`);
  const file = path.join(root, e.file);
  const counter = new LineCounter();
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), { lineCounter: counter }) as Document.Parsed[];
  const doc = documentAt(docs, counter, e.line, e.kustomization);
  if (!doc) throw new Error(`${e.file}: no Kustomization ${e.kustomization.name}`);
  change(doc, e.kustomization);
  writeFileSync(file, docs.map((d) => d.toString()).join(''));
}

const sameRef = (entry: unknown, target: KustomizationName, own: KustomizationName) => {
  const m = entry as { name?: string; namespace?: string };
  return m?.name === target.name && (m.namespace ?? own.namespace) === target.namespace;
};

export function applyFix(root: string, fix: FindingFix): void {
  if (fix.type === 'dependsOn') {
    for (const e of fix.edits) {
      editFile(root, e, (doc, ks) => {
        const current = (doc.getIn(['spec', 'dependsOn']) as unknown);
        const list = isSeq(current) ? (current.toJSON() as unknown[]) : [];
        const kept = list.filter((x) => !(e.remove ?? []).some((r) => sameRef(x, r, ks)));
        for (const a of e.add ?? []) if (!kept.some((x) => sameRef(x, a, ks))) kept.push(a.namespace === ks.namespace ? { name: a.name } : { name: a.name, namespace: a.namespace });
        doc.setIn(['spec', 'dependsOn'], doc.createNode(kept));
      });
    }
  } else if (fix.type === 'wait') {
    editFile(root, fix, (doc) => doc.setIn(['spec', 'wait'], true));
  } else if (fix.type === 'healthChecks') {
    editFile(root, fix, (doc) => {
      const current = doc.getIn(['spec', 'healthChecks']);
      const list = isSeq(current) ? (current.toJSON() as Array<{ kind?: string; name?: string; namespace?: string }>) : [];
      doc.setIn(['spec', 'healthChecks'], doc.createNode(list.filter((h) => !(h.kind === fix.remove.kind && h.name === fix.remove.name && (h.namespace ?? fix.kustomization.namespace) === fix.remove.namespace))));
    });
  } else {
    throw new Error(`a manual fix cannot be applied: ${fix.description}`);
  }
}
