// What a bootstrap command line applies to a cluster, read without running it: the shell words
// of a script or a Helmfile hook (quotes, escapes, `$VAR`, pipelines, `bash -c "…"`, heredocs),
// then the kubectl / kustomize commands among them:
//   kubectl apply|create|replace -f FILE|DIR|URL (repeatable, --filename=, -R) · -k DIR / --kustomize[=]DIR
//   kustomize build DIR | … | kubectl apply -f -      (also kubectl kustomize, cat, sops -d, op inject -i, `< FILE`)
//   kubectl create namespace|secret|configmap NAME    (also through --dry-run=client -o yaml | kubectl apply -f -)
// Anything else is not understood and applies nothing. Values that cannot be known offline stay
// marked (UNKNOWN), so that a caller never takes a guess for a path.

/** A word that starts at the repository root by a convention (ROOT_DIR, git rev-parse --show-toplevel): not certain. */
export const ROOT_MARK = '\u0001';
/** A value that cannot be known offline (an environment variable, a command's output). */
export const UNKNOWN_MARK = '\u0002';
/** The folder of the file holding the command (`$(dirname "$0")`, {{.TASKFILE_DIR}}, source_directory()): certain. */
export const FILE_DIR_MARK = '\u0003';

export interface Word {
  text: string;
  /** Where the word is: an offset into the script, or the caller's index (argv of a hook). */
  at: number;
}

export interface Stage {
  argv: Word[];
  /** `< FILE` */
  stdinFile?: Word;
  /** `<<EOF … EOF` */
  heredoc?: { text: string; at: number };
}

/** Resolves `$NAME`, `${NAME}` and `$(command)` / backquotes (name is then `$(command)`); undefined: unknown. */
export type Expand = (name: string) => string | undefined;

export type ApplyTarget =
  | { kind: 'files'; path: Word; recursive: boolean }
  | { kind: 'kustomization'; path: Word }
  | { kind: 'url'; url: string; kustomize: boolean }
  /** Manifests written in the command itself (a heredoc). */
  | { kind: 'inline'; text: string; at: number }
  /** An object kubectl create makes from its arguments. */
  | { kind: 'object'; object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; data?: Record<string, string> }; at: number };

export interface ApplyAction {
  target: ApplyTarget;
  /** -n / --namespace of the applying kubectl, when known. */
  namespace?: string;
  /** --dry-run (other than none) on the applying kubectl: nothing is created. */
  dryRun: boolean;
  /** The command as read (stages joined by |), for messages. */
  command: string;
  /** Where: the offset (or index) of the path word, else of the command. */
  at: number;
}

const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ash', 'ksh']);
const PREFIX_WORDS = new Set(['{', '(', '!', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', 'time', 'exec', 'command', 'sudo', 'nohup']);

/** The pipelines of a script (separated by newlines, ;, &&, ||, &), each a list of stages. */
export function parseScript(script: string, expand: Expand = () => undefined): Stage[][] {
  return new Tokenizer(script.length > 1_000_000 ? script.slice(0, 1_000_000) : script, expand).run();
}

/** What a script applies. */
export function scriptActions(script: string, expand: Expand = () => undefined): ApplyAction[] {
  const out: ApplyAction[] = [];
  // `cd DIR` moves every later relative path; an unknown folder makes them unknown
  let cd = '';
  for (const pipeline of parseScript(script, expand)) {
    const argv = pipeline[0].argv;
    if (pipeline.length === 1 && (argv[0]?.text === 'cd' || argv[0]?.text === 'pushd')) {
      const to = argv[1]?.text;
      cd = to === undefined || to === '-' || to.startsWith('~') ? UNKNOWN_MARK : joinCd(cd, to);
      continue;
    }
    if (pipeline.length === 1 && argv[0]?.text === 'popd') { cd = UNKNOWN_MARK; continue; }
    for (const a of pipelineActions(pipeline, expand)) out.push(cd ? { ...a, target: moved(a.target, cd) } : a);
  }
  return out;
}

const isAnchored = (p: string) => p.startsWith('/') || p.startsWith(ROOT_MARK) || p.startsWith(FILE_DIR_MARK) || p.startsWith(UNKNOWN_MARK);
const joinCd = (cd: string, to: string) => (isAnchored(to) || !cd ? to : `${cd}/${to}`);

function moved(t: ApplyTarget, cd: string): ApplyTarget {
  if ((t.kind === 'files' || t.kind === 'kustomization') && !isAnchored(t.path.text)) return { ...t, path: { ...t.path, text: `${cd}/${t.path.text}` } };
  return t;
}

/** What one command given as argv (a Helmfile hook's command and args) applies; `at` is the argv index. */
export function argvActions(argv: Word[], expand: Expand = () => undefined): ApplyAction[] {
  return pipelineActions([{ argv }], expand);
}

/** The script of `bash -c SCRIPT …` (with option clusters such as -ec, -euo pipefail), if argv is one. */
export function shellScriptOf(argv: Word[]): Word | undefined {
  if (argv.length < 2 || !SHELLS.has(basename(argv[0].text))) return undefined;
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i].text;
    if (!w.startsWith('-') && !w.startsWith('+')) return undefined;
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(w)) return argv[i + 1];
    if (/^[-+][a-zA-Z]*o$/.test(w)) i++; // -o NAME, -euo pipefail
  }
  return undefined;
}

const basename = (s: string) => s.slice(s.lastIndexOf('/') + 1);

// ---------------------------------------------------------------------------------------------
// Tokenizer

class Tokenizer {
  private i = 0;
  private readonly pipelines: Stage[][] = [];
  private stages: Stage[] = [];
  private stage: Stage = { argv: [] };
  private word: string | undefined;
  private wordAt = 0;
  private redirect: 'in' | 'out' | 'heredoc' | 'herestring' | undefined;
  private pendingHeredocs: Array<{ stage: Stage; delimiter: string; stripTabs: boolean; at: number }> = [];
  private heredocStrip = false;
  /** Variables assigned by the script itself (VAR=value, export VAR=value). */
  private readonly vars = new Map<string, string>();

  constructor(private readonly s: string, private readonly expand: Expand) {}

  run(): Stage[][] {
    const s = this.s;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === '\\' && s[this.i + 1] === '\n') { this.i += 2; continue; }
      if (c === '\\' && s[this.i + 1] === '\r' && s[this.i + 2] === '\n') { this.i += 3; continue; }
      if (c === ' ' || c === '\t' || c === '\r') { this.endWord(); this.i++; continue; }
      if (c === '\n') { this.endWord(); this.endPipeline(); this.i++; this.readHeredocs(); continue; }
      if (c === '#' && this.word === undefined) { while (this.i < s.length && s[this.i] !== '\n') this.i++; continue; }
      if (c === '|') {
        this.endWord();
        if (s[this.i + 1] === '|') { this.endPipeline(); this.i += 2; continue; }
        this.endStage();
        this.i += s[this.i + 1] === '&' ? 2 : 1;
        continue;
      }
      if (c === '&') {
        this.endWord();
        if (s[this.i + 1] === '>') { this.redirect = 'out'; this.i += s[this.i + 2] === '>' ? 3 : 2; continue; }
        this.endPipeline();
        this.i += s[this.i + 1] === '&' ? 2 : 1;
        continue;
      }
      if (c === ';' || c === '(' || c === ')') { this.endWord(); this.endPipeline(); this.i++; continue; }
      if (c === '<') {
        this.endWord();
        if (s.startsWith('<<<', this.i)) { this.redirect = 'herestring'; this.i += 3; continue; }
        if (s.startsWith('<<', this.i)) {
          this.redirect = 'heredoc';
          this.heredocStrip = s[this.i + 2] === '-';
          this.i += this.heredocStrip ? 3 : 2;
          continue;
        }
        this.redirect = 'in';
        this.i++;
        continue;
      }
      if (c === '>') {
        // 2>&1, >&2, 2> file: the digits before belong to the operator
        if (this.word !== undefined && /^\d+$/.test(this.word)) this.word = undefined;
        this.endWord();
        let j = this.i + 1;
        if (s[j] === '>') j++;
        if (s[j] === '&') { j++; while (/\d|-/.test(s[j] ?? '')) j++; this.i = j; continue; }
        this.redirect = 'out';
        this.i = j;
        continue;
      }
      this.startWord();
      if (c === "'") {
        const end = s.indexOf("'", this.i + 1);
        const stop = end < 0 ? s.length : end;
        this.word += s.slice(this.i + 1, stop);
        this.i = stop + 1;
        continue;
      }
      if (c === '"') { this.doubleQuoted(); continue; }
      if (c === '$') { this.word += this.dollar(); continue; }
      if (c === '`') { this.word += this.backquote(); continue; }
      if (c === '\\') { this.word += s[this.i + 1] ?? ''; this.i += 2; continue; }
      this.word += c;
      this.i++;
    }
    this.endWord();
    this.endPipeline();
    return this.pipelines;
  }

  private startWord(): void {
    if (this.word === undefined) { this.word = ''; this.wordAt = this.i; }
  }

  private doubleQuoted(): void {
    const s = this.s;
    this.i++;
    while (this.i < s.length && s[this.i] !== '"') {
      const c = s[this.i];
      if (c === '\\' && '"\\$`\n'.includes(s[this.i + 1] ?? '')) {
        if (s[this.i + 1] !== '\n') this.word += s[this.i + 1];
        this.i += 2;
      } else if (c === '$') this.word += this.dollar();
      else if (c === '`') this.word += this.backquote();
      else { this.word += c; this.i++; }
    }
    this.i++;
  }

  /** An expansion at s[i] === '$': its value, or UNKNOWN_MARK. */
  private dollar(): string {
    const s = this.s;
    const next = s[this.i + 1] ?? '';
    if (next === '(') {
      if (s[this.i + 2] === '(') { // arithmetic
        const end = s.indexOf('))', this.i);
        this.i = end < 0 ? s.length : end + 2;
        return UNKNOWN_MARK;
      }
      let depth = 0;
      let j = this.i + 1;
      for (; j < s.length; j++) {
        if (s[j] === '(') depth++;
        else if (s[j] === ')' && --depth === 0) break;
      }
      const inner = s.slice(this.i + 2, j).trim();
      this.i = j + 1;
      return this.lookup(`$(${inner})`);
    }
    if (next === '{') {
      const end = s.indexOf('}', this.i);
      const body = s.slice(this.i + 2, end < 0 ? s.length : end);
      this.i = end < 0 ? s.length : end + 1;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::?[-=](.*))?$/.exec(body);
      if (!m) return UNKNOWN_MARK;
      const v = this.vars.get(m[1]) ?? this.expand(m[1]);
      if (v !== undefined) return v;
      return m[2] !== undefined && !/[$`]/.test(m[2]) ? m[2] : UNKNOWN_MARK;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(this.i + 1, this.i + 200));
    if (m) {
      this.i += 1 + m[0].length;
      return this.lookup(m[0]);
    }
    if (/[0-9@*#?$!-]/.test(next)) { this.i += 2; return UNKNOWN_MARK; }
    this.i++;
    return '$';
  }

  private backquote(): string {
    const end = this.s.indexOf('`', this.i + 1);
    const inner = this.s.slice(this.i + 1, end < 0 ? this.s.length : end).trim();
    this.i = end < 0 ? this.s.length : end + 1;
    return this.lookup(`$(${inner})`);
  }

  private lookup(name: string): string {
    return this.vars.get(name) ?? this.expand(name) ?? UNKNOWN_MARK;
  }

  private endWord(): void {
    if (this.word === undefined) return;
    const w: Word = { text: this.word, at: this.wordAt };
    this.word = undefined;
    const r = this.redirect;
    this.redirect = undefined;
    if (r === 'in') this.stage.stdinFile = w;
    else if (r === 'heredoc') this.pendingHeredocs.push({ stage: this.stage, delimiter: w.text, stripTabs: this.heredocStrip, at: w.at });
    else if (r === undefined) this.stage.argv.push(w);
  }

  private endStage(): void {
    this.endWord();
    if (this.stage.argv.length || this.stage.stdinFile || this.pendingHeredocs.some((h) => h.stage === this.stage)) this.stages.push(this.stage);
    this.stage = { argv: [] };
  }

  private endPipeline(): void {
    this.endStage();
    if (this.stages.length) {
      const stripped = this.stages.map((st) => ({ stage: st, ...stripPrefix(st.argv) }));
      // a command made of assignments only (VAR=value, export VAR=value) sets them for the rest of the script
      if (stripped.length === 1 && stripped[0].argv.length === 0 && !stripped[0].stage.stdinFile && !stripped[0].stage.heredoc) {
        for (const [k, v] of stripped[0].assigned) this.vars.set(k, v);
      } else {
        const stages = stripped.map(({ stage, argv }) => {
          stage.argv = argv;
          return stage;
        });
        this.pipelines.push(stages);
      }
    }
    this.stages = [];
  }

  private readHeredocs(): void {
    const pending = this.pendingHeredocs;
    this.pendingHeredocs = [];
    for (const h of pending) {
      const start = this.i;
      let body = '';
      while (this.i < this.s.length) {
        let end = this.s.indexOf('\n', this.i);
        if (end < 0) end = this.s.length;
        const raw = this.s.slice(this.i, end);
        const line = h.stripTabs ? raw.replace(/^\t+/, '') : raw;
        this.i = end + 1;
        if (line.trimEnd() === h.delimiter) break;
        body += `${line}\n`;
      }
      h.stage.heredoc = { text: body, at: start };
    }
  }
}

/** Drops `sudo`, `then`, `env`, leading VAR=value … before the command, returning the assignments. */
function stripPrefix(argv: Word[]): { argv: Word[]; assigned: Map<string, string> } {
  let k = 0;
  const assigned = new Map<string, string>();
  while (k < argv.length) {
    const t = argv[k].text;
    if (PREFIX_WORDS.has(t) || t === 'env' || t === 'export' || t === 'local' || t === 'readonly') { k++; continue; }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(t);
    if (!m) break;
    assigned.set(m[1], m[2]);
    k++;
  }
  return { argv: argv.slice(k), assigned };
}

// ---------------------------------------------------------------------------------------------
// Commands

const KUBECTL_VALUE_FLAGS = new Set([
  '--context', '--kubeconfig', '--cluster', '--user', '-s', '--server', '--token', '--as', '--as-group', '--as-uid',
  '--request-timeout', '--cache-dir', '--certificate-authority', '--client-certificate', '--client-key', '--tls-server-name',
  '--log-file', '-v', '--v', '--profile', '--profile-output', '--username', '--password',
  '-o', '--output', '-l', '--selector', '--field-manager', '--timeout', '--grace-period', '--prune-allowlist', '--prune-whitelist',
  '--template', '--overrides', '--field-selector', '--subresource', '--for',
  // kubectl create secret / configmap
  '--from-literal', '--from-file', '--from-env-file', '--cert', '--key', '--type',
  '--docker-server', '--docker-username', '--docker-password', '--docker-email',
]);

interface Kubectl {
  sub: string[];
  files: Word[];
  kustomize: Word[];
  recursive: boolean;
  namespace?: string;
  dryRun: boolean;
  output?: string;
  values: Map<string, string[]>;
}

function parseKubectl(argv: Word[]): Kubectl {
  const k: Kubectl = { sub: [], files: [], kustomize: [], recursive: false, dryRun: false, values: new Map() };
  const value = (flag: string, v: string) => k.values.set(flag, [...(k.values.get(flag) ?? []), v]);
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i];
    const t = w.text;
    // -f X, -f=X, -fX, --filename X, --filename=X
    const flagValue = (short: string, long: string): Word | undefined => {
      if (t === short || t === long) return argv[i + 1] ? argv[++i] : { text: '', at: w.at };
      if (t.startsWith(`${long}=`)) return { text: t.slice(long.length + 1), at: w.at };
      if (t.startsWith(`${short}=`)) return { text: t.slice(short.length + 1), at: w.at };
      if (t.startsWith(short) && t.length > 2 && !t.startsWith('--')) return { text: t.slice(2), at: w.at };
      return undefined;
    };
    let v: Word | undefined;
    if ((v = flagValue('-f', '--filename'))) {
      // a string slice flag: a,b is two files
      for (const part of v.text.split(',')) if (part) k.files.push({ text: part, at: v.at });
      continue;
    }
    if ((v = flagValue('-k', '--kustomize'))) { if (v.text) k.kustomize.push(v); continue; }
    if ((v = flagValue('-n', '--namespace'))) { k.namespace = v.text; continue; }
    if (t === '-R' || t === '--recursive' || t === '--recursive=true') { k.recursive = true; continue; }
    if (t === '--dry-run' || (t.startsWith('--dry-run=') && t !== '--dry-run=none')) { k.dryRun = true; continue; }
    if (t.startsWith('-')) {
      const eq = t.indexOf('=');
      const flag = eq > 0 ? t.slice(0, eq) : t;
      if (eq > 0) value(flag, t.slice(eq + 1));
      else if (KUBECTL_VALUE_FLAGS.has(flag) && i + 1 < argv.length) value(flag, argv[++i].text);
      if (flag === '-o' || flag === '--output') k.output = k.values.get(flag)?.at(-1);
      continue;
    }
    k.sub.push(t);
  }
  return k;
}

/** Flags whose values are secrets: never shown. */
const SECRET_FLAGS = /^--(from-literal|password|token|docker-password)$/;

const display = (stages: Stage[]) => stages.map((s) => s.argv.map((w, i) => {
  if (i > 0 && SECRET_FLAGS.test(s.argv[i - 1].text)) return '…';
  const eq = w.text.indexOf('=');
  if (eq > 0 && SECRET_FLAGS.test(w.text.slice(0, eq))) return `${w.text.slice(0, eq)}=…`;
  return visible(w.text);
}).join(' ')).join(' | ');
/** A word for a message: the marks shown as what they stand for. */
export const visible = (s: string) => s.replace(/\u0001\/?/g, '$ROOT_DIR/').replace(/\u0003\/?/g, './').replaceAll(UNKNOWN_MARK, '…');

/** A path argument that is a URL or a remote kustomize base: never read. */
export function isRemote(p: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(p) || /^git@/.test(p) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(p) || /\?ref=/.test(p);
}

/** What the stage writes to stdout, when it is manifests read from a known place. */
function produced(stage: Stage): ApplyTarget[] | undefined {
  const argv = stage.argv;
  const cmd = argv.length ? basename(argv[0].text) : '';
  const positional = (from: number, valueFlags: string[] = []) => {
    const out: Word[] = [];
    for (let i = from; i < argv.length; i++) {
      const t = argv[i].text;
      if (valueFlags.includes(t)) { i++; continue; }
      if (t.startsWith('-') && t !== '-') continue;
      out.push(argv[i]);
    }
    return out;
  };
  if (cmd === 'kustomize' && argv[1]?.text === 'build') {
    const dir = positional(2, ['-o', '--output', '--load-restrictor', '--reorder', '--helm-command', '--env', '-e', '--mount'])[0] ?? { text: '.', at: argv[0].at };
    return [dirTarget(dir)];
  }
  if (cmd === 'kubectl') {
    const k = parseKubectl(argv);
    if (k.sub[0] === 'kustomize') return [dirTarget(k.sub[1] !== undefined ? { text: k.sub[1], at: argv[0].at } : { text: '.', at: argv[0].at })];
    if (k.sub[0] === 'create' && k.dryRun && /^(yaml|json)$/.test(k.output ?? '')) return createdObjects(k, argv[0].at);
    return undefined;
  }
  if (stage.heredoc && (cmd === 'cat' || cmd === 'envsubst' || argv.length === 0)) return [{ kind: 'inline', text: stage.heredoc.text, at: stage.heredoc.at }];
  if (cmd === 'cat') {
    const files = positional(1).filter((w) => w.text !== '-');
    if (files.length) return files.map((f) => ({ kind: 'files', path: f, recursive: false }));
    return stage.stdinFile ? [{ kind: 'files', path: stage.stdinFile, recursive: false }] : undefined;
  }
  if (cmd === 'sops' && argv.some((w) => w.text === '-d' || w.text === '--decrypt' || w.text === 'decrypt')) {
    const f = positional(1, ['--input-type', '--output-type', '--extract', '--config']).filter((w) => w.text !== 'decrypt' && w.text !== '/dev/stdin');
    if (f.length === 1) return [{ kind: 'files', path: f[0], recursive: false }];
    return undefined;
  }
  if (cmd === 'op' && argv[1]?.text === 'inject') {
    for (let i = 2; i < argv.length; i++) {
      const t = argv[i].text;
      if ((t === '-i' || t === '--in-file') && argv[i + 1]) return [{ kind: 'files', path: argv[i + 1], recursive: false }];
      if (t.startsWith('--in-file=')) return [{ kind: 'files', path: { text: t.slice(10), at: argv[i].at }, recursive: false }];
    }
  }
  if ((cmd === 'envsubst' || (cmd === 'op' && argv[1]?.text === 'inject')) && stage.stdinFile) return [{ kind: 'files', path: stage.stdinFile, recursive: false }];
  return undefined;
}

/** A stage that passes manifests through, changed only in values (secrets injected, variables substituted). */
function isFilter(stage: Stage): boolean {
  const argv = stage.argv;
  if (!argv.length || stage.stdinFile || stage.heredoc) return false;
  const cmd = basename(argv[0].text);
  if (cmd === 'envsubst' || cmd === 'tee') return true;
  if (cmd === 'cat') return argv.slice(1).every((w) => w.text === '-');
  if (cmd === 'op') return argv[1]?.text === 'inject' && !argv.some((w) => /^(-i|--in-file)/.test(w.text));
  if (cmd === 'sops') return argv.some((w) => w.text === '/dev/stdin');
  return false;
}

const dirTarget = (w: Word): ApplyTarget => (isRemote(w.text) ? { kind: 'url', url: w.text, kustomize: true } : { kind: 'kustomization', path: w });

function createdObjects(k: Kubectl, at: number): ApplyTarget[] | undefined {
  const [, what, a, b] = k.sub;
  const ns = k.namespace;
  const meta = (name: string) => ({ name, ...(ns ? { namespace: ns } : {}) });
  if ((what === 'namespace' || what === 'ns') && a) return [{ kind: 'object', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: a } }, at }];
  if (what === 'secret' && a && b) {
    const keys = a === 'tls' ? ['tls.crt', 'tls.key'] : a === 'docker-registry' ? ['.dockerconfigjson'] : literalKeys(k);
    return [{ kind: 'object', object: { apiVersion: 'v1', kind: 'Secret', metadata: meta(b), data: Object.fromEntries(keys.map((key) => [key, ''])) }, at }];
  }
  if ((what === 'configmap' || what === 'cm') && a) {
    return [{ kind: 'object', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(a), data: Object.fromEntries(literalKeys(k).map((key) => [key, ''])) }, at }];
  }
  return undefined;
}

/** Keys of --from-literal=K=V and --from-file=[K=]PATH (a file's name is its key). */
function literalKeys(k: Kubectl): string[] {
  const keys: string[] = [];
  for (const v of k.values.get('--from-literal') ?? []) if (v.includes('=')) keys.push(v.slice(0, v.indexOf('=')));
  for (const v of k.values.get('--from-file') ?? []) {
    const eq = v.indexOf('=');
    const key = eq > 0 ? v.slice(0, eq) : basename(v.replace(/\/+$/, ''));
    if (key && !key.includes(UNKNOWN_MARK) && !key.includes(ROOT_MARK)) keys.push(key);
  }
  return keys;
}

function pipelineActions(stages: Stage[], expand: Expand): ApplyAction[] {
  const out: ApplyAction[] = [];
  stages.forEach((stage, i) => {
    const argv = stage.argv;
    if (!argv.length) return;
    const cmd = basename(argv[0].text);
    // bash -c "…": the script's own commands, placed at the script word
    const script = shellScriptOf(argv);
    if (script) {
      for (const a of scriptActions(script.text, expand)) {
        out.push({ ...a, at: script.at, target: relocate(a.target, script.at) });
      }
      return;
    }
    if (cmd !== 'kubectl') return;
    const k = parseKubectl(argv);
    const verb = k.sub[0];
    if (verb !== 'apply' && verb !== 'create' && verb !== 'replace') return;
    const base = { namespace: k.namespace, dryRun: k.dryRun };
    const here = display([stage]);
    for (const f of k.files) {
      if (f.text === '-') {
        const from = stdinOf(stages, i);
        for (const t of from?.targets ?? []) out.push({ ...base, target: t, command: display(stages.slice(from!.start, i + 1)), at: atOf(t, argv[0].at) });
        continue;
      }
      const target: ApplyTarget = isRemote(f.text) ? { kind: 'url', url: f.text, kustomize: false } : { kind: 'files', path: f, recursive: k.recursive };
      out.push({ ...base, target, command: here, at: f.at });
    }
    for (const d of k.kustomize) out.push({ ...base, target: dirTarget(d), command: here, at: d.at });
    if (verb === 'create' && !k.files.length && !k.kustomize.length && !k.dryRun) {
      for (const t of createdObjects(k, argv[0].at) ?? []) out.push({ ...base, target: t, command: here, at: argv[0].at });
    }
  });
  return out;
}

/** Where `kubectl … -f -` of stage i reads from: a redirect, a heredoc, or a producing stage before it through filters. */
function stdinOf(stages: Stage[], i: number): { targets: ApplyTarget[]; start: number } | undefined {
  const consumer = stages[i];
  if (consumer.stdinFile) return { targets: [{ kind: 'files', path: consumer.stdinFile, recursive: false }], start: i };
  if (consumer.heredoc) return { targets: [{ kind: 'inline', text: consumer.heredoc.text, at: consumer.heredoc.at }], start: i };
  let j = i - 1;
  while (j >= 0 && isFilter(stages[j])) j--;
  if (j < 0) return undefined;
  const targets = produced(stages[j]);
  return targets ? { targets, start: j } : undefined;
}

function atOf(t: ApplyTarget, fallback: number): number {
  if (t.kind === 'files' || t.kind === 'kustomization') return t.path.at;
  if (t.kind === 'inline' || t.kind === 'object') return t.at;
  return fallback;
}

function relocate(t: ApplyTarget, at: number): ApplyTarget {
  if (t.kind === 'files' || t.kind === 'kustomization') return { ...t, path: { ...t.path, at } };
  if (t.kind === 'inline' || t.kind === 'object') return { ...t, at };
  return t;
}
