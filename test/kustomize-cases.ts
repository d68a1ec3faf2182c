// Helpers for the kustomize oracle: read the fixture cases in place (../shared/fixtures/kustomize),
// write one case's file tree into a folder, and apply the harness's comparison rule to a build
// (see ../shared/fixtures/kustomize/README.md, "How the harness compares").
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ErrorCheck {
  kind: 'contains' | 'equals' | 'predicate' | 'any';
  value?: string | null;
}

export interface KustomizeCase {
  name: string;
  sourceFile?: string;
  files: Record<string, string>;
  filesBase64?: Record<string, string>;
  run: string;
  expected: string | null;
  expectError: string | null;
  errorChecks?: ErrorCheck[];
  assertion: 'AssertActualEqualsExpected' | 'RunWithErr' | 'Run+AsYamlError' | 'noError';
  features: string[];
  kustomizeCommit?: string;
}

/** The repository root: dist/test/… → the nearest folder above holding package.json. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

export function fixturesDir(): string {
  return path.resolve(repoRoot(), '..', 'shared', 'fixtures', 'kustomize');
}

export function loadCases(): KustomizeCase[] {
  const dir = path.join(fixturesDir(), 'cases');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as KustomizeCase);
}

/** Writes the case's file tree (files and filesBase64, byte for byte) below `dir`. */
export function writeCase(c: KustomizeCase, dir: string): void {
  const write = (rel: string, content: string | Buffer): void => {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  };
  fs.mkdirSync(dir, { recursive: true });
  for (const [rel, content] of Object.entries(c.files)) write(rel, content);
  for (const [rel, b64] of Object.entries(c.filesBase64 ?? {})) write(rel, Buffer.from(b64, 'base64'));
}

/** A build as the comparison sees it: the YAML stream, or the error message. */
export type BuildOutcome = { ok: true; yaml: string } | { ok: false; message: string };

/**
 * The harness's rule. Output cases: the stream equals `expected` byte for byte. Error cases
 * (RunWithErr, and Run+AsYamlError, which a CLI reports as a failed build): the build fails
 * and every error check holds. noError: the build succeeds. Returns why not, or null.
 * `message` must already name files as the in-memory file system of the Go tests does ('/…').
 */
export function mismatch(c: KustomizeCase, out: BuildOutcome): string | null {
  switch (c.assertion) {
    case 'AssertActualEqualsExpected':
      if (c.expected === null) return 'fixture has no expected output';
      if (!out.ok) return `build failed: ${out.message}`;
      return out.yaml === c.expected ? null : `output differs:\n${firstDifference(out.yaml, c.expected)}`;
    case 'noError':
      return out.ok ? null : `build failed: ${out.message}`;
    case 'RunWithErr':
    case 'Run+AsYamlError': {
      if (out.ok) return 'expected an error, the build succeeded';
      const failed = (c.errorChecks ?? []).filter((ch) => !checkHolds(ch, out.message));
      const describe = (ch: ErrorCheck): string =>
        `${ch.kind} ${JSON.stringify(ch.value)}${ch.kind === 'predicate' && !(String(ch.value) in PREDICATES) ? ' (no rule for this predicate in test/kustomize-cases.ts)' : ''}`;
      return failed.length === 0 ? null : `wrong error (${failed.map(describe).join(', ')}): ${out.message}`;
    }
    default:
      return `unknown assertion ${String(c.assertion)}`;
  }
}

function checkHolds(ch: ErrorCheck, message: string): boolean {
  switch (ch.kind) {
    case 'contains':
      return message.includes(String(ch.value));
    case 'equals':
      return message === String(ch.value);
    case 'any':
      return true;
    case 'predicate':
      return predicateHolds(String(ch.value), message);
  }
}

/** Go error-type checks, as tests of the message (the hidden cases may name others). */
const PREDICATES: Record<string, (message: string) => boolean> = {
  // api/internal/kusterr: IsMalformedYAMLError(e) is `strings.Contains(e.Error(), "MalformedYAMLError")`
  'kusterr.IsMalformedYAMLError': (message) => message.includes('MalformedYAMLError'),
};

/** A predicate without a rule here never holds: the failure then names it. */
function predicateHolds(predicate: string, message: string): boolean {
  return PREDICATES[predicate]?.(message) ?? false;
}

/** The first differing line of two texts, with a little context, for failure messages. */
export function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  let i = 0;
  while (i < a.length && i < e.length && a[i] === e[i]) i++;
  const from = Math.max(0, i - 2);
  const show = (lines: string[]): string => lines.slice(from, i + 3).map((l, k) => `    ${from + k + 1}: ${JSON.stringify(l)}`).join('\n');
  return `  at line ${i + 1}\n  expected:\n${show(e)}\n  actual:\n${show(a)}`;
}
