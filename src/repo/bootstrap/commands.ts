// The commands a repository runs to bootstrap a cluster before Flux, and what each applies:
// - Helmfile hooks (`hooks: [{events, command, args}]`, `kubectlApply:`, global and per release,
//   also inherited from `templates:` of the helmfile or its `bases:`). Helmfile runs a hook with
//   the helmfile's folder as working directory (pkg/event/bus.go: ShellRunner{Dir: BasePath},
//   the state's basePath being the helmfile's folder) and renders its command and args as
//   templates first: {{ .Release.Name }} / {{ .Release.Namespace }} are resolved here, so are
//   requiredEnv/env of the repository-root variables (ROOT_DIR …) by convention; anything else is
//   unknown and applies nothing.
// - Task runner files and shell scripts in bootstrap folders (a path segment or file name with
//   "bootstrap"): Taskfiles, justfiles, Makefiles, *.sh. Where they run is not certain (a task's
//   dir, the justfile's folder, wherever a script is started), so each relative path is tried
//   against the file's folder and the repository root; these only ever add facts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import { listYamlFiles } from '../flux/scan.js';
import { resolveInsideRoot } from '../yaml/index.js';
import { FILE_DIR_MARK, ROOT_MARK, UNKNOWN_MARK, argvActions, scriptActions, shellScriptOf, visible, type ApplyAction, type ApplyTarget, type Expand, type Word } from './shell.js';

export type { ApplyAction, ApplyTarget } from './shell.js';

export interface BootstrapCommand extends ApplyAction {
  /** File and line of the path (the args item, the script line) or of the command. */
  file: string;
  line: number;
  /** Where the command runs, for messages: "a postsync hook of Helmfile release kube-system/cilium". */
  context: string;
  /** Folders (repository-relative, '' = root) relative paths are resolved against, in order. */
  cwds: string[];
  /** A Helmfile hook: the folder is certain, so a path that is not there is a defect. */
  hook: boolean;
  /** Runs when the release is installed (not only on uninstall). */
  installs: boolean;
  /** A Helmfile release's namespace, for objects of its hooks that name none. */
  releaseNamespace?: string;
}

export interface ResolvedPath {
  /** Repository-relative ('' = root). */
  rel: string;
  /** The folder it was resolved against. */
  cwd: string;
  exists: boolean;
  isDir: boolean;
  /** Resolved through a convention (ROOT_DIR is the repository root), not a certainty. */
  guessed: boolean;
}

/** Environment variables that hold the repository root by convention (Taskfile's ROOT_DIR, …). */
const ROOT_VARIABLES = new Set(['ROOT_DIR', 'REPO_ROOT', 'REPO_DIR', 'GIT_ROOT', 'PROJECT_ROOT', 'PROJECT_DIR', 'REPOSITORY_ROOT', 'TOP_DIR', 'TOPDIR']);

const cache = new Map<string, { stamp: string; commands: BootstrapCommand[] }>();

/** Every bootstrap command of the repository at `root` that applies something, with where it is. */
export function bootstrapCommands(root: string): BootstrapCommand[] {
  let files: { files: string[]; templates: string[] };
  try {
    files = listYamlFiles(root);
  } catch {
    return [];
  }
  const helmfiles = [...files.files, ...files.templates].filter(isHelmfile).sort();
  const scripts = scriptFiles(root);
  const stamp = [...helmfiles, ...scripts].map((f) => `${f}:${mtime(root, f)}`).join('|');
  const hit = cache.get(root);
  if (hit && hit.stamp === stamp) return hit.commands;
  const commands: BootstrapCommand[] = [];
  for (const f of helmfiles) commands.push(...helmfileCommands(root, f));
  for (const f of scripts) commands.push(...scriptCommands(root, f));
  if (cache.size > 50) cache.clear();
  cache.set(root, { stamp, commands });
  return commands;
}

/** The path a command names, resolved against its folders; undefined when it cannot be known offline. */
export function resolveCommandPath(root: string, cmd: Pick<BootstrapCommand, 'cwds'>, written: string): ResolvedPath | undefined {
  if (!written || written.includes(UNKNOWN_MARK) || written.startsWith('/') || written.startsWith('~')) return undefined;
  let text = written;
  let bases = cmd.cwds;
  let guessed = false;
  if (text.startsWith(ROOT_MARK)) { text = text.slice(1); bases = ['']; guessed = true; }
  else if (text.startsWith(FILE_DIR_MARK)) { text = text.slice(1); bases = cmd.cwds.slice(0, 1); }
  if (text.includes(ROOT_MARK) || text.includes(FILE_DIR_MARK)) return undefined;
  let first: ResolvedPath | undefined;
  for (const cwd of bases) {
    const rel = path.posix.normalize(path.posix.join(cwd, text.replace(/^\/+/, ''))).replace(/\/+$/, '');
    if (rel === '..' || rel.startsWith('../')) continue;
    const r = rel === '.' ? '' : rel;
    try {
      resolveInsideRoot(root, r || '.');
    } catch {
      return undefined; // a symlink out of the repository: not for us to read or judge
    }
    const st = statInside(root, r);
    const found: ResolvedPath = { rel: r, cwd, exists: !!st, isDir: !!st?.isDirectory(), guessed: guessed || bases.length > 1 };
    if (found.exists) return found;
    first ??= found;
  }
  return first;
}

export function statInside(root: string, rel: string): fs.Stats | undefined {
  try {
    return fs.statSync(resolveInsideRoot(root, rel || '.'));
  } catch {
    return undefined;
  }
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** The kustomization file of a folder, if it has one. */
export function kustomizationFileOf(root: string, dir: string): string | undefined {
  return KUSTOMIZATION_FILES.find((f) => statInside(root, dir ? `${dir}/${f}` : f)?.isFile());
}

/**
 * Folders bootstrap commands build with kustomize (`kubectl apply -k`, `kustomize build … |`),
 * repository-relative and existing with a kustomization file: what a loader should build to know
 * what they create.
 */
export function bootstrapKustomizeDirs(root: string): string[] {
  const dirs = new Set<string>();
  for (const c of bootstrapCommands(root)) {
    if (c.target.kind !== 'kustomization' || c.dryRun || !c.installs) continue;
    const r = resolveCommandPath(root, c, c.target.path.text);
    if (r?.exists && r.isDir && kustomizationFileOf(root, r.rel)) dirs.add(r.rel);
  }
  return [...dirs].sort();
}

function mtime(root: string, rel: string): number {
  return statInside(root, rel)?.mtimeMs ?? 0;
}

export function isHelmfile(file: string): boolean {
  if (!/\.ya?ml(\.gotmpl)?$/.test(file)) return false;
  const parts = file.split('/');
  if (parts.includes('templates')) return false;
  const name = parts[parts.length - 1];
  return /^helmfile/.test(name) || parts.slice(0, -1).some((p) => p === 'helmfile' || p === 'helmfile.d');
}

function readText(root: string, file: string, max = 2_000_000): string | undefined {
  try {
    const abs = resolveInsideRoot(root, file);
    const stat = fs.statSync(abs);
    if (!stat.isFile() || stat.size > max) return undefined;
    return fs.readFileSync(abs, 'utf8');
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Helmfile

const TPL = /__SLIPWAY_TPL_(\d+)__/g;

/** A helmfile made parseable: Go-template statements blanked (lines kept), expressions numbered. */
interface Untemplated {
  text: string;
  expressions: string[];
  /** $name := requiredEnv "X" / env "X" / "literal" */
  assigned: Map<string, { env?: string; literal?: string }>;
}

function untemplate(source: string): Untemplated {
  const expressions: string[] = [];
  const assigned = new Map<string, { env?: string; literal?: string }>();
  const lines = source.split('\n').map((l) => {
    // very long lines are not templates anyone wrote by hand: skipped, which keeps the regexes linear
    if (l.length > 20_000) return '';
    // {{`{{ .Release.Name }}`}}: a template left for the second rendering, the same expression
    const line = l.replace(/\{\{-?\s*`(\{\{.*?\}\})`\s*-?\}\}/g, '$1');
    for (const m of line.matchAll(/\{\{-?\s*\$([A-Za-z_][A-Za-z0-9_]*)\s*:?=\s*(?:(?:requiredEnv|env)\s+"([A-Za-z_][A-Za-z0-9_]*)"|"([^"{}]*)")\s*-?\}\}/g)) {
      assigned.set(m[1], m[2] ? { env: m[2] } : { literal: m[3] });
    }
    // a line of statements only ({{- if … }}, {{ end }}) is blanked, so that lines keep their numbers
    if (/^\s*(?:\{\{[^}]*(?:\}(?!\})[^}]*)*\}\}\s*)+$/.test(line)) return '';
    return line.replace(/\{\{(.*?)\}\}/g, (_m, inner: string) => `__SLIPWAY_TPL_${expressions.push(inner) - 1}__`);
  });
  return { text: lines.join('\n'), expressions, assigned };
}

interface Source {
  file: string;
  doc: Document;
  lines: LineCounter;
  tpl: Untemplated;
}

interface ReleaseContext {
  name?: string;
  namespace?: string;
}

function parseSources(file: string, text: string): Source[] {
  const tpl = untemplate(text);
  const lines = new LineCounter();
  let docs: Document[];
  try {
    docs = parseAllDocuments(tpl.text, { lineCounter: lines, uniqueKeys: false, merge: true }) as Document[];
  } catch {
    return [];
  }
  if (!Array.isArray(docs)) return [];
  return docs.filter((d) => d.errors.length === 0).map((doc) => ({ file, doc, lines, tpl }));
}

function deref(src: Source, n: unknown): YamlNode | undefined {
  let node = n as YamlNode | undefined;
  for (let i = 0; i < 10 && node && isAlias(node); i++) node = node.resolve(src.doc) as YamlNode | undefined;
  return node ?? undefined;
}

/** The value node of `key` in a mapping, through `<<:` merges. */
function get(src: Source, n: unknown, key: string, depth = 0): YamlNode | undefined {
  const node = deref(src, n);
  if (!isMap(node) || depth > 10) return undefined;
  for (const p of node.items) if (isScalar(p.key) && p.key.value === key) return deref(src, p.value);
  for (const p of node.items) {
    if (!isScalar(p.key) || p.key.source !== '<<') continue;
    const v = deref(src, p.value);
    for (const m of isSeq(v) ? v.items : [v]) {
      const found = get(src, m, key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

const items = (src: Source, n: unknown): YamlNode[] => {
  const node = deref(src, n);
  return isSeq(node) ? node.items.map((i) => deref(src, i)).filter((i): i is YamlNode => !!i) : [];
};

function raw(src: Source, n: unknown): string | undefined {
  const node = deref(src, n);
  if (!isScalar(node) || node.value === null || node.value === undefined || typeof node.value === 'symbol') return undefined;
  return String(node.value);
}

const lineOf = (src: Source, n: YamlNode | undefined) => (n?.range ? src.lines.linePos(n.range[0]).line : 1);

/** A scalar with its template expressions evaluated for a release. */
function rendered(src: Source, s: string, rel: ReleaseContext): string {
  return s.replace(TPL, (_m, i: string) => evaluate(src.tpl, src.tpl.expressions[Number(i)] ?? '', rel));
}

function evaluate(tpl: Untemplated, expression: string, rel: ReleaseContext): string {
  const e = expression.replace(/^-\s*|\s*-$/g, '').trim();
  const env = (name: string) => (ROOT_VARIABLES.has(name) ? ROOT_MARK : UNKNOWN_MARK);
  if (e === '.Release.Name') return rel.name ?? UNKNOWN_MARK;
  if (e === '.Release.Namespace') return rel.namespace ?? UNKNOWN_MARK;
  let m = /^(?:requiredEnv|env)\s+"([A-Za-z_][A-Za-z0-9_]*)"$/.exec(e);
  if (m) return env(m[1]);
  m = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(e);
  if (m) {
    const a = tpl.assigned.get(m[1]);
    if (a?.env) return env(a.env);
    if (a?.literal !== undefined) return a.literal;
    return UNKNOWN_MARK;
  }
  m = /^"([^"]*)"$/.exec(e);
  if (m) return m[1];
  return UNKNOWN_MARK;
}

const INSTALL_EVENTS = new Set(['prepare', 'presync', 'preapply', 'postsync', 'postapply', 'cleanup']);

function helmfileCommands(root: string, file: string): BootstrapCommand[] {
  const text = readText(root, file);
  if (!text || (!/hooks\s*:|kubectlApply\s*:/.test(text) && !/bases\s*:/.test(text))) return [];
  const dir = path.posix.dirname(file) === '.' ? '' : path.posix.dirname(file);
  const sources = parseSources(file, text);
  // templates of the file and of its bases (read relative to the helmfile's folder, as Helmfile does)
  const templates = new Map<string, { src: Source; node: YamlNode }>();
  for (const src of sources) {
    for (const b of items(src, get(src, src.doc.contents, 'bases'))) {
      const rel = raw(src, b);
      if (!rel || /__SLIPWAY_TPL_\d+__/.test(rel) || rel.startsWith('/')) continue;
      const baseFile = path.posix.normalize(path.posix.join(dir, rel));
      if (baseFile.startsWith('..')) continue;
      const baseText = readText(root, baseFile);
      if (!baseText) continue;
      for (const bs of parseSources(baseFile, baseText)) collectTemplates(bs, templates);
    }
    collectTemplates(src, templates);
  }
  const out: BootstrapCommand[] = [];
  for (const src of sources) {
    const top = src.doc.contents;
    const defaults = [...items(src, get(src, top, 'defaultInherit')).map((n) => raw(src, n)), raw(src, get(src, top, 'defaultInherit'))].filter((s): s is string => !!s);
    for (const hook of items(src, get(src, top, 'hooks'))) out.push(...hookCommands(root, src, hook, dir, {}, `a global hook of ${file}`));
    for (const release of items(src, get(src, top, 'releases'))) {
      const nameRaw = raw(src, get(src, release, 'name'));
      const nsRaw = raw(src, get(src, release, 'namespace'));
      const name = nameRaw !== undefined ? rendered(src, nameRaw, {}) : undefined;
      const ns = nsRaw !== undefined ? rendered(src, nsRaw, {}) : undefined;
      const ctx: ReleaseContext = { name: name && !name.includes(UNKNOWN_MARK) ? name : undefined, namespace: ns && !ns.includes(UNKNOWN_MARK) ? ns : undefined };
      const label = `Helmfile release ${ctx.namespace ? `${ctx.namespace}/` : ''}${ctx.name ?? visible(name ?? '?')}`;
      for (const hook of items(src, get(src, release, 'hooks'))) out.push(...hookCommands(root, src, hook, dir, ctx, label));
      // hooks a release inherits from templates (inherit: [{template, except}], defaultInherit)
      const inherit = items(src, get(src, release, 'inherit'));
      const names = inherit.length
        ? inherit.filter((i) => !items(src, get(src, i, 'except')).some((e) => raw(src, e) === 'hooks')).map((i) => raw(src, get(src, i, 'template')))
        : defaults;
      for (const t of names) {
        const tmpl = t ? templates.get(t) : undefined;
        if (!tmpl) continue;
        for (const hook of items(tmpl.src, get(tmpl.src, tmpl.node, 'hooks'))) out.push(...hookCommands(root, tmpl.src, hook, dir, ctx, `${label} (from template ${t})`));
      }
    }
  }
  return out;
}

function collectTemplates(src: Source, into: Map<string, { src: Source; node: YamlNode }>): void {
  const node = get(src, src.doc.contents, 'templates');
  if (!isMap(node)) return;
  for (const p of node.items) {
    const name = isScalar(p.key) ? String(p.key.value) : undefined;
    const value = deref(src, p.value);
    if (name && value) into.set(name, { src, node: value });
  }
}

function hookCommands(root: string, src: Source, hook: YamlNode, dir: string, rel: ReleaseContext, owner: string): BootstrapCommand[] {
  const events = items(src, get(src, hook, 'events')).map((e) => raw(src, e)).filter((e): e is string => !!e);
  const installs = events.length === 0 || events.some((e) => INSTALL_EVENTS.has(e));
  const context = `${events.length ? `a ${events.join('/')} hook` : 'a hook'} of ${owner}`;
  const words: Array<{ text: string; line: number; block: boolean }> = [];
  const push = (n: YamlNode | undefined) => {
    const s = raw(src, n);
    if (s !== undefined) words.push({ text: rendered(src, s, rel), line: lineOf(src, n), block: isScalar(n) && n.type === 'BLOCK_LITERAL' });
  };
  const kubectlApply = get(src, hook, 'kubectlApply');
  if (isMap(kubectlApply)) {
    const f = get(src, kubectlApply, 'filename');
    const k = get(src, kubectlApply, 'kustomize');
    words.push({ text: 'kubectl', line: lineOf(src, kubectlApply), block: false }, { text: 'apply', line: lineOf(src, kubectlApply), block: false });
    if (f) { words.push({ text: '-f', line: lineOf(src, f), block: false }); push(f); }
    else if (k) { words.push({ text: '-k', line: lineOf(src, k), block: false }); push(k); }
  } else {
    const command = get(src, hook, 'command');
    push(command);
    if (!words.length) return [];
    for (const a of items(src, get(src, hook, 'args'))) push(a);
  }
  const argv: Word[] = words.map((w, i) => ({ text: w.text, at: i }));
  const base = { file: src.file, context, cwds: [dir], hook: true, installs, releaseNamespace: rel.namespace };
  const script = shellScriptOf(argv);
  if (script) {
    const w = words[script.at];
    return scriptActions(script.text).map((a) => ({ ...a, ...base, line: w.line + (w.block ? 1 + countLines(script.text, a.at) : 0) }));
  }
  return argvActions(argv).map((a) => ({ ...a, ...base, line: words[Math.min(a.at, words.length - 1)]?.line ?? lineOf(src, hook) }));
}

/** Number of newlines before offset `at` (memoized per text: scripts have many commands). */
function countLines(s: string, at: number): number {
  let starts = lineStarts.get(s);
  if (!starts) {
    starts = [];
    for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) starts.push(i);
    if (lineStarts.size > 100) lineStarts.clear();
    lineStarts.set(s, starts);
  }
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
const lineStarts = new Map<string, number[]>();

// ---------------------------------------------------------------------------------------------
// Task runner files and scripts in bootstrap folders

const MAX_SCRIPT_BYTES = 512 * 1024;

/** Bootstrap scripts: a path segment or file name containing "bootstrap"; Taskfiles also under .taskfiles/. */
function scriptFiles(root: string): string[] {
  const out = new Set<string>();
  const bootstrapish = (rel: string) => /bootstrap/i.test(rel);
  // a bounded walk: listYamlFiles skips hidden folders, and task runners keep theirs in .taskfiles/
  const walk = (rel: string, depth: number) => {
    if (depth > 5 || out.size > 500) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name === 'node_modules' || (e.name.startsWith('.') && !/^\.(taskfiles?|just|scripts)$/i.test(e.name))) continue;
        walk(child, depth + 1);
      } else if (e.isFile() && bootstrapish(child) && (/(\.(sh|bash|just)|^(justfile|Justfile|\.justfile|Makefile|GNUmakefile)|\.mk)$/.test(e.name) || isTaskfilePath(child))) {
        out.add(child);
      }
    }
  };
  walk('', 0);
  return [...out].sort();
}

function isTaskfilePath(f: string): boolean {
  return /(^|\/)Taskfile[^/]*\.ya?ml$/i.test(f) || /(^|\/)\.taskfiles?\//i.test(f);
}

function scriptCommands(root: string, file: string): BootstrapCommand[] {
  const text = readText(root, file, MAX_SCRIPT_BYTES);
  if (!text || !/kubectl|kustomize/.test(text)) return [];
  const dir = path.posix.dirname(file) === '.' ? '' : path.posix.dirname(file);
  const name = path.posix.basename(file);
  const cwds = dir ? [dir, ''] : [''];
  const base = { file, cwds, hook: false, installs: true };
  const expandFor = (extra: Record<string, string | undefined>): Expand => (v) => {
    if (v in extra) return extra[v];
    if (ROOT_VARIABLES.has(v)) return ROOT_MARK;
    if (/^\$\(\s*git rev-parse --show-toplevel\s*\)$/.test(v)) return ROOT_MARK;
    if (/^\$\(\s*dirname\s+("\$\{?0\}?"|\$\{?0\}?|"\$\{BASH_SOURCE(\[0\])?\}"|\$\{BASH_SOURCE(\[0\])?\})\s*\)$/.test(v)) return FILE_DIR_MARK;
    return undefined;
  };
  const withLines = (script: string, firstLine: number, context: string, expand: Expand) =>
    scriptActions(script, expand).map((a) => ({ ...a, ...base, context, line: firstLine + countLines(script, a.at) }));

  if (/\.ya?ml$/.test(name)) return taskfileCommands(file, text, base, expandFor);
  if (/\.(sh|bash)$/.test(name)) return withLines(text, 1, `the script ${file}`, expandFor({}));
  if (/^(justfile|Justfile|\.justfile)$|\.just$/.test(name)) {
    // recipe bodies: indented lines; {{ … }} is just's interpolation
    const body = text.split('\n').map((l) => (/^\s+\S/.test(l) && !/^\s*#/.test(l) ? l.replace(/^\s+[@-]*/, '') : ''));
    const script = body.join('\n').replace(/\{\{\s*(.*?)\s*\}\}/g, (_m, e: string) => {
      if (/^(justfile_directory|justfile_dir)\(\)$/.test(e)) return ROOT_MARK;
      if (/^(source_directory|source_dir)\(\)$/.test(e)) return FILE_DIR_MARK;
      return UNKNOWN_MARK;
    });
    return withLines(script, 1, `a recipe of ${file}`, expandFor({}));
  }
  // Makefile: recipe lines start with a tab; $(VAR) is make's, $$ the shell's $
  const body = text.split('\n').map((l) => (l.startsWith('\t') ? l.replace(/^\t[@-]*/, '') : ''));
  const script = body.join('\n').replace(/\$\$|\$\(([^)]*)\)|\$\{([^}]*)\}/g, (m, a?: string, b?: string) => {
    if (m === '$$') return '$';
    const v = (a ?? b ?? '').trim();
    if (v === 'CURDIR') return FILE_DIR_MARK;
    return ROOT_VARIABLES.has(v) ? ROOT_MARK : UNKNOWN_MARK;
  });
  return withLines(script, 1, `a recipe of ${file}`, expandFor({}));
}

/** Taskfile: tasks.*.cmds (strings or {cmd}), with {{.ROOT_DIR}}, {{.TASKFILE_DIR}} and plain vars. */
function taskfileCommands(file: string, text: string, base: { file: string; cwds: string[]; hook: boolean; installs: boolean }, expandFor: (extra: Record<string, string | undefined>) => Expand): BootstrapCommand[] {
  const lines = new LineCounter();
  let docs: Document[];
  try {
    docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false }) as Document[];
  } catch {
    return [];
  }
  if (!Array.isArray(docs)) return [];
  const out: BootstrapCommand[] = [];
  const dir = base.cwds[0];
  for (const doc of docs) {
    if (doc.errors.length) continue;
    const src: Source = { file, doc, lines, tpl: { text, expressions: [], assigned: new Map() } };
    const tasks = get(src, doc.contents, 'tasks');
    if (!isMap(tasks)) continue;
    const vars = new Map<string, string>();
    const readVars = (n: YamlNode | undefined, into: Map<string, string>) => {
      if (!isMap(n)) return;
      for (const p of n.items) {
        const k = isScalar(p.key) ? String(p.key.value) : undefined;
        const v = raw(src, p.value);
        if (k && v !== undefined) into.set(k, v);
      }
    };
    readVars(get(src, doc.contents, 'vars'), vars);
    for (const p of tasks.items) {
      const taskName = isScalar(p.key) ? String(p.key.value) : '?';
      const task = deref(src, p.value);
      const local = new Map(vars);
      readVars(get(src, task, 'vars'), local);
      const sub = (s: string, depth = 0): string =>
        s.replace(/\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, v: string) => {
          if (v === 'ROOT_DIR') return ROOT_MARK;
          if (v === 'TASKFILE_DIR') return FILE_DIR_MARK;
          const value = local.get(v);
          return value !== undefined && depth < 3 && !/\{\{(?!\s*\.)|\$\(|`/.test(value) ? sub(value, depth + 1) : UNKNOWN_MARK;
        }).replace(/\{\{.*?\}\}/g, UNKNOWN_MARK);
      const taskDir = raw(src, get(src, task, 'dir'));
      const cwds = taskDir !== undefined ? taskCwds(sub(taskDir), dir) : base.cwds;
      if (!cwds) continue;
      for (const c of items(src, get(src, task, 'cmds'))) {
        const n = isMap(c) ? get(src, c, 'cmd') : c;
        const s = raw(src, n);
        if (s === undefined) continue;
        const script = sub(s);
        const first = lineOf(src, n) + (isScalar(n) && (n.type === 'BLOCK_LITERAL' || n.type === 'BLOCK_FOLDED') ? 1 : 0);
        for (const a of scriptActions(script, expandFor({}))) {
          out.push({ ...a, ...base, cwds, context: `task ${taskName} of ${file}`, line: first + (isScalar(n) && n.type === 'BLOCK_LITERAL' ? countLines(script, a.at) : 0) });
        }
      }
    }
  }
  return out;
}

/** A task's dir: relative to the Taskfile's folder; the repository root when given as {{.ROOT_DIR}}. */
function taskCwds(taskDir: string, fileDir: string): string[] | undefined {
  if (taskDir.includes(UNKNOWN_MARK) || taskDir.startsWith('/')) return undefined;
  if (taskDir.startsWith(ROOT_MARK)) return [path.posix.normalize(taskDir.slice(1).replace(/^\/+/, '') || '.').replace(/^\.$/, '')];
  const t = taskDir.startsWith(FILE_DIR_MARK) ? taskDir.slice(1).replace(/^\/+/, '') : taskDir;
  const rel = path.posix.normalize(path.posix.join(fileDir, t || '.'));
  return rel.startsWith('..') ? undefined : [rel === '.' ? '' : rel];
}
