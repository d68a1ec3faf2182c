// Reads YAML streams with source positions. Every document keeps file/line/column; malformed
// input (syntax errors, duplicate keys, alias bombs, oversize files, paths escaping the root)
// becomes a structured YamlError instead of an exception, so callers can report findings.
import * as fs from 'node:fs';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { AliasBudgetError, documentToValue, type YamlValue } from './values.js';
import { PathEscapeError, resolveInsideRoot } from './safe-path.js';

export type YamlRule = 'yaml/parse' | 'yaml/duplicate-key' | 'yaml/too-large' | 'yaml/alias-limit' | 'yaml/path-escape' | 'yaml/unreadable';

export interface YamlError {
  rule: YamlRule;
  message: string;
  file: string;
  line: number;
  column: number;
}

export interface YamlDocument {
  file: string;
  /** 1-based line and column where the document's content starts. */
  line: number;
  column: number;
  /** Index of the document in its stream (0-based). */
  index: number;
  value: YamlValue;
  /** The yaml library's document, for per-node positions (node.range + lineCounter). */
  doc: Document;
  lineCounter: LineCounter;
}

export interface YamlReadResult {
  documents: YamlDocument[];
  errors: YamlError[];
}

export interface YamlReadOptions {
  /** Largest file accepted, in bytes (default 16 MiB). */
  maxBytes?: number;
  /** Maximum nodes produced through aliases per document (default 100 000). */
  maxAliasNodes?: number;
  /** Accept a mapping with the same key twice (last wins); kustomization files rely on it. */
  allowDuplicateKeys?: boolean;
}

export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** Position (1-based) of a character offset. */
export function positionOf(lineCounter: LineCounter, offset: number): { line: number; column: number } {
  const p = lineCounter.linePos(offset);
  return { line: p.line, column: p.col };
}

interface ParsedDocument {
  index: number;
  duplicateErrors: YamlError[];
  otherErrors: YamlError[];
  /** The converted document, or why it could not be converted. */
  converted?: YamlDocument;
}

interface ParsedStream {
  text: string;
  maxAliasNodes?: number;
  documents: ParsedDocument[];
}

/**
 * The same file is read by discovery, by every kustomize build that includes it and by the
 * YAML rules; parsing dominates the cost of a check, so each text is parsed once per process.
 * Keyed by file and validated by the text itself, so an edited file is parsed again.
 * The memo keeps values, positions and errors only: a syntax tree is ten times the size of the
 * values, and only a few files ever need one (to point at a field's line), so trees live in a
 * small cache and are rebuilt from the text when asked for.
 */
const parsed = new Map<string, ParsedStream>();
const MAX_MEMO_FILES = 100_000;

interface SyntaxTree {
  text: string;
  docs: Document.Parsed[];
  lineCounter: LineCounter;
}

const trees = new Map<string, SyntaxTree>(); // least recently used first
const MAX_TREES = 64;

function remember(file: string, tree: SyntaxTree): SyntaxTree {
  trees.delete(file);
  trees.set(file, tree);
  if (trees.size > MAX_TREES) trees.delete(trees.keys().next().value!);
  return tree;
}

/** The syntax tree of `text` (the content of `file`), from the cache or parsed again: same text, same positions. */
function treeOf(file: string, text: string): SyntaxTree {
  const hit = trees.get(file);
  if (hit?.text === text) return remember(file, hit);
  const { docs, lineCounter } = parseTree(text);
  return remember(file, { text, docs, lineCounter });
}

/** Parses a YAML stream held in memory. `file` is only used in positions and messages. */
export function parseYamlStream(text: string, file: string, opts: YamlReadOptions = {}): YamlReadResult {
  let stream = parsed.get(file);
  if (!stream || stream.text !== text || stream.maxAliasNodes !== opts.maxAliasNodes) {
    stream = parseStream(text, file, opts.maxAliasNodes);
    if (parsed.size >= MAX_MEMO_FILES) parsed.clear();
    parsed.set(file, stream);
  }
  const documents: YamlDocument[] = [];
  const errors: YamlError[] = [];
  for (const d of stream.documents) {
    errors.push(...d.otherErrors);
    if (!opts.allowDuplicateKeys) errors.push(...d.duplicateErrors);
    const usable = d.otherErrors.length === 0 && (opts.allowDuplicateKeys || d.duplicateErrors.length === 0);
    if (usable && d.converted) documents.push(d.converted);
  }
  errors.sort((a, b) => a.line - b.line || a.column - b.column);
  return { documents, errors };
}

/** A document as a parse worker sends it: values and positions, no syntax tree. */
export interface TransferredDocument {
  index: number;
  line: number;
  column: number;
  value: YamlValue;
  duplicateErrors: YamlError[];
  otherErrors: YamlError[];
}

/** The part of a parse a worker thread can do and send back (structured-clone safe). */
export function parseForTransfer(text: string, file: string): TransferredDocument[] {
  return parseStream(text, file, undefined).documents.map((d) => ({
    index: d.index,
    line: d.converted?.line ?? 1,
    column: d.converted?.column ?? 1,
    value: d.converted?.value ?? null,
    duplicateErrors: d.duplicateErrors,
    otherErrors: d.otherErrors,
  }));
}

/** Installs a worker's parse of `file` in the memo. */
export function primeParsed(file: string, text: string, transferred: TransferredDocument[]): void {
  if (parsed.get(file)?.text === text) return;
  const documents = transferred.map((t): ParsedDocument => ({
    index: t.index,
    duplicateErrors: t.duplicateErrors,
    otherErrors: t.otherErrors,
    ...(t.otherErrors.length === 0 ? { converted: lazyTreeDocument(file, text, t.index, t.line, t.column, t.value) } : {}),
  }));
  if (parsed.size >= MAX_MEMO_FILES) parsed.clear();
  parsed.set(file, { text, maxAliasNodes: undefined, documents });
}

/** A document whose syntax tree (for per-node positions) comes from the tree cache when asked for. */
function lazyTreeDocument(file: string, text: string, index: number, line: number, column: number, value: YamlValue): YamlDocument {
  return {
    file, index, line, column, value,
    get doc() { return treeOf(file, text).docs[index]; },
    get lineCounter() { return treeOf(file, text).lineCounter; },
  };
}

function parseTree(text: string): { docs: Document.Parsed[]; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  // duplicate keys are always detected; callers that accept them (kustomize does) drop those errors
  const docs = parseAllDocuments(text, {
    lineCounter,
    schema: 'failsafe', // scalars stay strings; values.ts resolves them with Go semantics
    uniqueKeys: true,
    strict: false,
    prettyErrors: false,
  });
  return { docs: Array.isArray(docs) ? docs : [], lineCounter }; // an EmptyStream has no documents to report
}

function parseStream(text: string, file: string, maxAliasNodes: number | undefined): ParsedStream {
  const { docs: list, lineCounter } = parseTree(text);
  remember(file, { text, docs: list, lineCounter }); // whoever parsed it may ask for positions next
  const documents = list.map((doc, index): ParsedDocument => {
    const parsedDoc: ParsedDocument = { index, duplicateErrors: [], otherErrors: [] };
    for (const e of doc.errors) {
      const pos = positionOf(lineCounter, e.pos[0]);
      if (e.code === 'DUPLICATE_KEY') {
        parsedDoc.duplicateErrors.push({ rule: 'yaml/duplicate-key', message: duplicateKeyMessage(text, e.pos[0]), file, ...pos });
      } else {
        parsedDoc.otherErrors.push({ rule: 'yaml/parse', message: firstLine(e.message), file, ...pos });
      }
    }
    if (parsedDoc.otherErrors.length) return parsedDoc;
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    try {
      const value = documentToValue(doc, { maxAliasNodes });
      const at = positionOf(lineCounter, start);
      parsedDoc.converted = lazyTreeDocument(file, text, index, at.line, at.column, value);
    } catch (err) {
      parsedDoc.otherErrors.push(err instanceof AliasBudgetError
        ? { rule: 'yaml/alias-limit', message: err.message, file, ...positionOf(lineCounter, err.offset) }
        : { rule: 'yaml/parse', message: (err as Error).message, file, ...positionOf(lineCounter, start) });
    }
    return parsedDoc;
  });
  return { text, maxAliasNodes, documents };
}

function firstLine(msg: string): string {
  return msg.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function duplicateKeyMessage(text: string, offset: number): string {
  const m = /^[^:\n]*/.exec(text.slice(offset, offset + 200));
  const key = (m?.[0] ?? '').trim().replace(/^["']|["']$/g, '');
  return key ? `mapping key "${key}" already defined` : 'mapping key already defined';
}

/**
 * Reads `relPath` (relative to `root`, or absolute inside it) and parses it. Never throws for bad
 * input: unreadable, oversize and escaping files are reported in `errors`.
 */
export function readYamlFile(root: string, relPath: string, opts: YamlReadOptions = {}): YamlReadResult {
  const fail = (rule: YamlRule, message: string): YamlReadResult => ({
    documents: [],
    errors: [{ rule, message, file: relPath, line: 1, column: 1 }],
  });
  let abs: string;
  try {
    abs = resolveInsideRoot(root, relPath);
  } catch (err) {
    if (err instanceof PathEscapeError) return fail('yaml/path-escape', err.message);
    return fail('yaml/unreadable', `cannot read '${relPath}': ${(err as Error).message}`);
  }
  const max = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  let text: string;
  try {
    const st = fs.statSync(abs);
    if (!st.isFile()) return fail('yaml/unreadable', `'${relPath}' is not a regular file`);
    if (st.size > max) {
      return fail('yaml/too-large', `'${relPath}' is ${st.size} bytes, more than the ${max}-byte limit; split the file or raise the limit`);
    }
    text = fs.readFileSync(abs, 'utf8');
  } catch (err) {
    return fail('yaml/unreadable', `cannot read '${relPath}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseYamlStream(text, relPath, opts);
}
