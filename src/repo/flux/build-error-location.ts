// Where a failed kustomize build went wrong, as a file and line: kustomize's messages chain the
// entries it was following ("accumulating resources from './app': … from 'missing.yaml': …"),
// so the entry named last, found in one of the kustomization files the build read, is the place
// to fix. The file it points at (a resource that does not parse, say) is the cause.
import * as path from 'node:path';
import { isScalar, visit } from 'yaml';
import { readYamlFile, positionOf } from '../yaml/index.js';

export interface BuildErrorLocation {
  /** The kustomization file holding the entry, relative to the root, and the entry's line. */
  file: string;
  line: number;
  /** The file the entry names, relative to the root (may not exist). */
  cause?: string;
}

const KUSTOMIZATION_FILE = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

export function locateBuildError(root: string, message: string, inputs: string[]): BuildErrorLocation | undefined {
  const absRoot = path.resolve(root);
  let best: (BuildErrorLocation & { at: number }) | undefined;
  for (const file of inputs.filter((f) => KUSTOMIZATION_FILE.test(f))) {
    const docs = readYamlFile(root, file, { allowDuplicateKeys: true }).documents;
    if (docs.length === 0) continue;
    const { doc, lineCounter } = docs[0];
    const dir = path.posix.dirname(file);
    visit(doc, {
      Scalar(_key, node) {
        if (!isScalar(node) || typeof node.value !== 'string' || !node.range || node.value === '') return;
        const entry = node.value;
        const target = path.posix.normalize(path.posix.join(dir === '.' ? '' : dir, entry));
        // the entry as kustomize quotes it, or the absolute path it resolves to
        const at = Math.max(message.lastIndexOf(`'${entry}'`), message.lastIndexOf(`${path.join(absRoot, target)}`), message.lastIndexOf(`File: ${entry}`));
        if (at < 0 || (best && best.at >= at)) return;
        best = { file, line: positionOf(lineCounter, node.range[0]).line, cause: target.startsWith('..') ? undefined : target, at };
      },
    });
  }
  if (!best) return undefined;
  const { at: _at, ...location } = best;
  return location;
}
