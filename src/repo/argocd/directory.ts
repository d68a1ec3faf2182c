// A git source without a kustomization file or Chart.yaml: Argo CD applies the folder's YAML
// and JSON manifests as they are (repo-server's "directory" tool), the folder itself unless
// directory.recurse is set, filtered by directory.include / exclude globs. Nothing here is
// kustomize's: there is no build, only files read with their lines.
import * as fs from 'node:fs';

import type { YamlMap } from '../yaml/values.js';
import { readYamlFile } from '../yaml/index.js';
import { resolveInsideRoot } from '../yaml/index.js';
import type { BuiltResource } from '../flux/builder.js';
import { isMap, map, str } from '../flux/yaml-util.js';

const MANIFEST = /\.(ya?ml|json)$/;

export interface DirectoryRead {
  resources: BuiltResource[];
  /** Files that could not be read or parsed, with why (a yaml/parse finding names them too). */
  errors: Array<{ file: string; line?: number; message: string }>;
}

export function readDirectorySource(root: string, dir: string, entry: YamlMap): DirectoryRead {
  const options = map(entry.directory);
  const recurse = options.recurse === true;
  const include = globList(str(options.include));
  const exclude = globList(str(options.exclude));
  const out: DirectoryRead = { resources: [], errors: [] };
  for (const rel of listManifests(root, dir, recurse)) {
    const inDir = dir ? rel.slice(dir.length + 1) : rel;
    if (include.length && !include.some((g) => g.test(inDir))) continue;
    if (exclude.some((g) => g.test(inDir))) continue;
    const { documents, errors } = readYamlFile(root, rel);
    for (const e of errors) out.errors.push({ file: e.file, line: e.line, message: e.message });
    for (const d of documents) {
      if (!isMap(d.value)) continue;
      // a List is applied as its items
      const items = d.value.kind === 'List' && Array.isArray(d.value.items) ? d.value.items.filter(isMap) : [d.value];
      for (const object of items) out.resources.push({ object, origin: { file: rel, line: d.line } });
    }
  }
  return out;
}

function listManifests(root: string, dir: string, recurse: boolean): string[] {
  const found: string[] = [];
  const walk = (rel: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(resolveInsideRoot(root, rel || '.'), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && recurse && depth < 30 && !e.name.startsWith('.')) walk(child, depth + 1);
      else if (e.isFile() && MANIFEST.test(e.name)) found.push(child);
    }
  };
  walk(dir, 0);
  return found;
}

/**
 * Argo CD's include/exclude: one glob, or several as `{a.yaml,b.yaml}`; matched against the
 * path inside the folder. `*` stays within a path segment, `**` crosses them.
 */
function globList(spec: string | undefined): RegExp[] {
  if (!spec) return [];
  const s = spec.trim();
  const parts = s.startsWith('{') && s.endsWith('}') ? s.slice(1, -1).split(',') : [s];
  return parts.map((p) => p.trim()).filter(Boolean).map(globToRegExp);
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') { re += '.*'; i++; }
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // a pattern without a folder matches a file at any depth, as Argo CD matches the base name too
  return new RegExp(glob.includes('/') ? `^${re}$` : `(^|/)${re}$`);
}


