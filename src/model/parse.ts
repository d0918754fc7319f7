// Text -> plain data plus a map from model paths to positions in the text. YAML and JSON both go through
// the `yaml` parser so that JSON models get line and column numbers too. No Node APIs: this runs in the
// browser as well.
import { CST, Composer, LineCounter, Parser, YAMLParseError, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node as YamlNode, Pair, YAMLError } from 'yaml';
import { PathIndex, fastParseJson, fastParseYaml, fastPaths } from './fast-parse.js';
import { jsonSyntaxError } from './json-syntax.js';
import type { Diagnostic, Loc, ModelPath, SourceMap } from './types.js';
import { explainYamlError, onePerLine, withoutFollowOns, type YamlErrorContext } from './yaml-errors.js';

/** The CLI refuses larger files before reading them; parse refuses them too, should text come another way. */
export const MAX_MODEL_BYTES = 50 * 1024 * 1024;
/** A real model nests about 6 levels; far deeper input is an attack or a mistake and would overflow the stack. */
export const MAX_DEPTH = 64;
/** Aliases may be expanded at most this many times the document size (yaml's own guard against "billion laughs"). */
export const MAX_ALIAS_COUNT = 100;
/** Diagnostic codes produced while parsing, exported so that callers such as the CLI use the same words. */
export const FILE_TOO_LARGE = 'file-too-large';

export type ModelFormat = 'yaml' | 'json';

export interface ParseOptions {
  /**
   * Shorthand flows of the top-level `flows:` list may come as ShorthandFlow objects, not maps: for
   * loading, which reads them as flows (validate.ts and normalize.ts take both).
   */
  shorthandFlows?: boolean;
  /** The text's size in UTF-8 when the caller knows it (a file it read): counting it is a pass over the text. */
  bytes?: number;
}

export interface ParseResult {
  /** The parsed data; absent when the text could not be parsed safely. */
  raw?: unknown;
  source: SourceMap;
  diagnostics: Diagnostic[];
  format: ModelFormat;
}

/** Path segments are joined with a control character that cannot be confused with a key in a readable model. */
const SEP = '\u001f';

const segKey = (seg: string | number): string => SEP + String(seg);

export function pathKey(path: ModelPath): string {
  let key = '';
  for (const seg of path) key += segKey(seg);
  return key;
}

/**
 * Positions of every map entry (at its key) and sequence item in one document, built in one pass.
 * A lookup is a hash probe per path segment, never a scan of the YAML tree.
 */
export class IndexedSourceMap implements SourceMap {
  constructor(
    readonly file: string,
    private readonly offsets: ReadonlyMap<string, number>,
    private readonly lines?: LinePositions,
  ) {}

  /** Where the node at `path` starts (its key, for a map entry); the nearest indexed ancestor otherwise. */
  locate(path: ModelPath): Loc {
    const offset = this.offsetOf(path);
    return offset === undefined ? { line: 1, col: 1 } : this.position(offset);
  }

  /** True when `path` itself was indexed, not just an ancestor. */
  has(path: ModelPath): boolean {
    return this.offsets.has(pathKey(path));
  }

  offsetOf(path: ModelPath): number | undefined {
    // The fast reader's index walks the path itself, with no key strings to build.
    if (this.offsets instanceof PathIndex) return this.offsets.deepest(path);
    const keys = new Array<string>(path.length + 1);
    keys[0] = '';
    for (let i = 0; i < path.length; i++) keys[i + 1] = keys[i] + segKey(path[i]);
    for (let i = keys.length - 1; i >= 0; i--) {
      const offset = this.offsets.get(keys[i]);
      if (offset !== undefined) return offset;
    }
    return undefined;
  }

  /** 1-based line and column of a character offset (found by bisection of the line starts). */
  position(offset: number): Loc {
    return this.lines ? this.lines.linePos(offset) : { line: 1, col: 1 };
  }

  get size(): number {
    return this.offsets.size;
  }
}

/** A source map for data that did not come from a file position, e.g. a model built in code. */
export function emptySourceMap(file: string): IndexedSourceMap {
  return new IndexedSourceMap(file, new Map());
}

/** UTF-8 size of a string without allocating an encoded copy (TextEncoder would double the memory). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

export function fileTooLargeDiagnostic(file: string, bytes: number): Diagnostic {
  return {
    severity: 'error',
    code: FILE_TOO_LARGE,
    message: `the model file is ${formatMegabytes(bytes)}, more than the ${formatMegabytes(MAX_MODEL_BYTES)} a model may have`,
    file,
    line: 1,
    col: 1,
    path: '',
    hint: 'split the system into several models, or check that this is the right file',
  };
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

export function detectFormat(text: string, file: string): ModelFormat {
  if (/\.json$/i.test(file)) return 'json';
  const first = /\S/.exec(text);
  return first !== null && first[0] === '{' ? 'json' : 'yaml';
}

export function parseModelText(text: string, file: string, options: ParseOptions = {}): ParseResult {
  const format = detectFormat(text, file);
  const diagnostics: Diagnostic[] = [];
  const error = (code: string, message: string, loc: Loc, hint?: string): Diagnostic => ({
    severity: 'error', code, message, file, line: loc.line, col: loc.col, path: '', ...(hint ? { hint } : {}),
  });

  // Counting bytes costs a pass over the text, so it is skipped when the caller counted them or when even
  // 3 bytes per character fit.
  const bytes = options.bytes ?? (text.length > MAX_MODEL_BYTES || text.length * 3 > MAX_MODEL_BYTES ? utf8Length(text) : text.length);
  if (bytes > MAX_MODEL_BYTES) return { source: emptySourceMap(file), diagnostics: [fileTooLargeDiagnostic(file, bytes)], format };

  // Editors do not count a byte order mark as a column.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  // A .json file written as JSON is held to JSON: read as YAML, `"a": }` or a trailing comma would pass,
  // or fail later with a message about something else. (A .json file of plain YAML, or a file of another
  // name that starts with `{`, is read as YAML.)
  const strictJson = format === 'json' && /\.json$/i.test(file) && /^\s*[[{]/.test(text);
  // Most model files fit the subset the fast reader handles; the rest (and every error) take the full parser.
  if (fastPaths.enabled) {
    const shorthand = options.shorthandFlows === true;
    const fast = format === 'json'
      ? (fastParseJson(text) ?? (strictJson ? undefined : fastParseYaml(text, shorthand)))
      : fastParseYaml(text, shorthand);
    if (fast) return { raw: fast.raw, source: new IndexedSourceMap(file, fast.offsets, new LineStarts(text)), diagnostics: [], format };
  }
  if (strictJson) {
    const bad = jsonSyntaxError(text);
    if (bad) {
      const source = new IndexedSourceMap(file, new Map(), new LineStarts(text));
      return { source, diagnostics: [error('syntax-error', bad.message, source.position(bad.offset))], format };
    }
  }

  const lines = new LineCounter();
  const offsets = new Map<string, number>();
  const source = new IndexedSourceMap(file, offsets, lines);
  const at = (offset: number): Loc => source.position(offset);

  try {
    const parser = new Parser(lines.addNewLine);
    const tokens = [...parser.parse(text)];

    // The composer recurses once per nesting level, so depth is checked on the flat token stream first.
    const tooDeep = findExcessiveNesting(tokens);
    if (tooDeep !== undefined) {
      diagnostics.push(error('too-deep', `the model nests more than ${MAX_DEPTH} levels deep`, at(tooDeep),
        'a model needs a handful of levels; this looks like generated or malicious input'));
      return { source, diagnostics, format };
    }

    const doc = compose(tokens, text.length);
    const context: YamlErrorContext = { text, at, tokens, used: new Set(), memo: {} };
    const yamlProblems = [
      ...withoutFollowOns(doc.errors, text).map((e) => toDiagnostic(e, 'error', context)),
      ...doc.warnings.map((e) => toDiagnostic(e, 'warning', context)),
    ];
    diagnostics.push(...onePerLine(yamlProblems));

    const aliases = indexDocument(doc, offsets);
    for (const offset of aliases.duplicateKeys) {
      const key = keyTextAt(text, offset);
      diagnostics.push(error('duplicate-key', `${key ? `key \`${key}\`` : 'a key'} appears twice in the same map`, at(offset),
        'YAML would silently keep only the last one; remove or rename one of them'));
    }

    // Once yaml has errors, keys it made of what it could not read are their consequences.
    const readable = !diagnostics.some((d) => d.severity === 'error');
    for (const offset of readable ? aliases.collectionKeys : []) {
      const what = text[offset] === '[' ? 'a `[ ]`' : text[offset] === '{' ? 'a `{ }`' : 'a map or list';
      diagnostics.push(error('syntax-error', `${what} stands where a key is expected`, at(offset),
        'a key is a name, such as `api:`; inside `{ }` the entries are `key: value`, separated by commas: `{ type: api, in: app }`'));
    }

    if (diagnostics.some((d) => d.severity === 'error')) return { source, diagnostics, format };
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
      diagnostics.push(error('empty-model', 'the model file is empty', { line: 1, col: 1 },
        'start with `threatmap: 1`, a `system:` and your `elements:`'));
      return { source, diagnostics, format };
    }

    let raw: unknown;
    try {
      raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      if (!(e instanceof ReferenceError)) throw e;
      if (/excessive alias/i.test(e.message)) {
        diagnostics.push(error('alias-bomb', 'YAML aliases (*name) expand to far more data than the file holds',
          at(aliases.first ?? 0), 'this is how "billion laughs" attacks work; write the values out, or alias less'));
      } else {
        const [offset, name] = aliases.unresolved[0] ?? [aliases.first ?? 0, ''];
        diagnostics.push(error('unknown-anchor', `alias \`*${name}\` refers to no anchor \`&${name}\` defined before it`, at(offset)));
      }
      return { source, diagnostics, format };
    }
    return { raw, source, diagnostics, format };
  } catch (e) {
    // Whatever the input, the caller gets a diagnostic, never an exception.
    const overflow = e instanceof RangeError;
    diagnostics.push(error(overflow ? 'too-deep' : 'parse-failed',
      overflow ? 'the model is too deeply nested to read' : `the model could not be read: ${e instanceof Error ? e.message : String(e)}`,
      { line: 1, col: 1 }));
    return { source, diagnostics, format };
  }

  function toDiagnostic(e: YAMLError, severity: 'error' | 'warning', context: YamlErrorContext): Diagnostic {
    const loc = at(e.pos[0]);
    switch (e.code) {
      case 'MULTIPLE_DOCS':
        return { ...error('multiple-documents', 'the file holds more than one YAML document (a `---` line); a model is one document', loc), severity };
      case 'RESOURCE_EXHAUSTION':
        return { ...error('too-deep', 'the model is too deeply nested to read', loc), severity };
      default: {
        const code = severity === 'warning' ? 'yaml-warning' : 'syntax-error';
        const plain = explainYamlError(context, e);
        if (plain) return { ...error(code, plain.message, at(plain.offset), plain.hint), severity };
        // Left in yaml's words only when no explanation fits (nothing a model file would plausibly hold).
        const message = format === 'json' && severity === 'error' ? `${e.message} (JSON parsed as YAML)` : e.message;
        return { ...error(code, message, loc), severity };
      }
    }
  }
}

/** Characters per block of LineStarts' index. */
const BLOCK = 256;

/** What a source map asks of yaml's LineCounter: a fresh `{ line, col }` for an offset. */
interface LinePositions {
  linePos(offset: number): Loc;
}

/**
 * Line starts as yaml's parser records them (every line break is a token in the subset the fast path
 * reads), in a typed array: a large model has a million lines, and LineCounter keeps a growing array.
 */
class LineStarts implements LinePositions {
  private readonly starts: Int32Array;
  /**
   * For each block of the text (BLOCK characters), the first line that starts at or after it: a lookup
   * bisects the few lines of one block, not a million, and touches little memory.
   */
  private readonly blockLines: Int32Array;

  constructor(text: string) {
    // One pass, into room for lines of 32 characters on average (a model's are longer), grown if short.
    let starts = new Int32Array(Math.max(64, text.length >> 5));
    let n = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      if (n === starts.length) {
        const more = new Int32Array(n * 2);
        more.set(starts);
        starts = more;
      }
      starts[n++] = i + 1;
    }
    this.starts = starts.slice(0, n);
    const blocks = new Int32Array(Math.floor(text.length / BLOCK) + 2);
    let line = 0;
    for (let b = 0; b < blocks.length; b++) {
      while (line < n && starts[line] < b * BLOCK) line++;
      blocks[b] = line;
    }
    this.blockLines = blocks;
  }

  /** LineCounter.linePos, answer for answer. */
  linePos(offset: number): Loc {
    const starts = this.starts;
    let low = 0;
    let high = starts.length;
    // The first line starting at or after `offset` lies between those of its block and of the next.
    const block = Math.floor(offset / BLOCK);
    if (block >= 0 && block + 1 < this.blockLines.length) {
      low = this.blockLines[block];
      high = this.blockLines[block + 1];
    }
    while (low < high) {
      const mid = (low + high) >> 1;
      if (starts[mid] < offset) low = mid + 1;
      else high = mid;
    }
    if (low < starts.length && starts[low] === offset) return { line: low + 1, col: 1 };
    if (low === 0) return { line: 0, col: offset };
    return { line: low, col: offset - starts[low - 1] + 1 };
  }
}

function compose(tokens: CST.Token[], length: number): Document.Parsed {
  // Mirrors yaml's parseDocument, with the tokens already in hand. yaml's own duplicate key check compares
  // each key with every earlier one (quadratic: minutes for 100,000 elements), so the indexing walk does it.
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false, merge: false });
  let doc: Document.Parsed | undefined;
  for (const d of composer.compose(tokens, true, length)) {
    if (!doc) doc = d;
    else {
      doc.errors.push(new YAMLParseError([d.range[0], d.range[0] + 1], 'MULTIPLE_DOCS', 'multiple documents'));
      break;
    }
  }
  return doc as Document.Parsed;
}

/** The offset of the first collection nested deeper than `limit`, found without recursion. */
export function findExcessiveNesting(tokens: CST.Token[], limit = MAX_DEPTH): number | undefined {
  const stack: Array<[CST.Token, number]> = [];
  for (const t of tokens) if (t.type === 'document' && t.value) stack.push([t.value, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (!CST.isCollection(token)) continue;
    const d = depth + 1;
    if (d > limit) return token.offset;
    for (const item of token.items as CST.CollectionItem[]) {
      if (item.key) stack.push([item.key, d]);
      if (item.value) stack.push([item.value, d]);
    }
  }
  return undefined;
}

/**
 * Records where every map entry and sequence item starts, keyed by its path, in one iterative walk.
 * Aliases are not followed (their targets are indexed where they are defined), so the walk stays
 * linear in the file size even for alias-heavy input. Also reports the first alias, and aliases used
 * before (or without) their anchor, which yaml only notices when converting to plain data.
 */
function indexDocument(doc: Document.Parsed, offsets: Map<string, number>): IndexReport {
  const root = doc.contents as YamlNode | null;
  offsets.set('', root?.range?.[0] ?? 0);
  const report: IndexReport = { unresolved: [], duplicateKeys: [], collectionKeys: [] };
  if (!root) return report;
  const anchors = new Map<string, number>();
  const aliasList: Array<[number, string]> = [];
  const stack: Array<[unknown, string]> = [[root, '']];
  const enterPair = (pair: Pair, parent: string): void => {
    const key = pair.key;
    if (!isScalar(key)) {
      // A map or list as a key (`{ a: 1, { b: 2 } }`): yaml would warn on the console and make it a string.
      if ((isMap(key) || isSeq(key)) && key.range) report.collectionKeys.push(key.range[0]);
      return; // complex keys (`? [a, b]`) cannot be reached by a model path
    }
    const path = parent + segKey(String(key.value));
    const offset = key.range?.[0] ?? (pair.value as YamlNode | null)?.range?.[0];
    if (offset === undefined) return;
    if (offsets.has(path)) {
      // Its children would collide with the first occurrence's and be reported again.
      report.duplicateKeys.push(offset);
      return;
    }
    offsets.set(path, offset);
    if (pair.value) stack.push([pair.value, path]);
  };
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    const anchor = (node as YamlNode).anchor;
    if (anchor !== undefined) {
      const offset = (node as YamlNode).range?.[0] ?? 0;
      anchors.set(anchor, Math.min(offset, anchors.get(anchor) ?? Infinity));
    }
    if (isAlias(node)) {
      aliasList.push([node.range?.[0] ?? 0, node.source]);
    } else if (isMap(node)) {
      for (const pair of node.items) enterPair(pair, path);
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const itemPath = path + segKey(i);
        if (isPair(item)) {
          // `[a: 1]` is a one-entry map inside a sequence.
          const offset = (item.key as YamlNode | null)?.range?.[0];
          if (offset !== undefined) offsets.set(itemPath, offset);
          enterPair(item, itemPath);
          return;
        }
        const offset = (item as YamlNode | null)?.range?.[0];
        if (offset !== undefined) offsets.set(itemPath, offset);
        if (item) stack.push([item, itemPath]);
      });
    }
  }
  aliasList.sort((a, b) => a[0] - b[0]);
  report.first = aliasList[0]?.[0];
  report.unresolved = aliasList.filter(([offset, name]) => !((anchors.get(name) ?? Infinity) < offset));
  return report;
}

interface IndexReport {
  first?: number;
  unresolved: Array<[number, string]>;
  /** Offsets of the second and later occurrences of a key in one map. */
  duplicateKeys: number[];
  /** Offsets of keys that are maps or lists. */
  collectionKeys: number[];
}

/** The key text starting at `offset`, for messages; quotes are dropped. */
function keyTextAt(text: string, offset: number): string {
  const m = /^(?:"((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'|([^:\n,{}[\]#]*[^\s:,{}[\]#]))/.exec(text.slice(offset, offset + 200));
  if (!m) return '';
  return (m[1] ?? m[2] ?? m[3] ?? '').trim();
}
