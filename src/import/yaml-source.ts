// Reading a deployment file's YAML with positions: every value comes with its line, and every problem is a
// Diagnostic (file, line, column, what was expected), the same as the model loader's. Shared by the
// discover sources that read YAML (Docker Compose now, Kubernetes manifests later). Pure.
import { Composer, Parser, YAMLParseError, isAlias, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { CST } from 'yaml';
import { LineIndex } from './line-index.js';
import type { Document, Node as YamlNode, YAMLError, YAMLMap } from 'yaml';
import { displayPath } from '../model/diagnostics.js';
import { jsonSyntaxError } from '../model/json-syntax.js';
import { findExcessiveNesting } from '../model/parse.js';
import { explainYamlError, quoteClosedOutdented, withoutFollowOns, type YamlErrorContext } from '../model/yaml-errors.js';
import type { Diagnostic, ModelPath } from '../model/types.js';

/** A map entry with its key's position; values are already followed through aliases. */
export interface Entry {
  key: string;
  /** Offset of the key in the text. */
  offset: number;
  value: YamlNode | null;
  path: ModelPath;
}

/** Merge keys nest (`<<: *a`, where a merges b...): far deeper is a mistake or an attack. */
const MAX_MERGE_DEPTH = 32;

/**
 * Other tools' files nest deeper than a model (schemas inside schemas), but not this deep. yaml's composer and
 * the walks over its document recurse once per level, and near the end of the stack V8 can abort the whole
 * process (a regular expression failing to compile) instead of throwing: so depth is checked on the flat
 * tokens before composing.
 */
const MAX_NESTING = 200;

/**
 * One document, as yaml's parseDocument reads it (a second document is its error), composed from tokens the
 * nesting check already has: the text is tokenised once.
 */
export function composeOne(tokens: CST.Token[], length: number): Document.Parsed {
  let doc: Document.Parsed | undefined;
  for (const next of new Composer({ prettyErrors: false, uniqueKeys: true }).compose(tokens, true, length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
      break;
    }
  }
  return doc!;
}

const TOO_DEEP = `nested more than ${MAX_NESTING} levels deep: generated or hostile input, not read`;

export interface ProblemDetails {
  expected?: string;
  found?: string;
  hint?: string;
}

export class YamlSource {
  readonly diagnostics: Diagnostic[] = [];
  readonly doc: Document.Parsed;
  private readonly source: string;
  /** Where the text's lines start, made once and shared by the documents of one stream (the same text). */
  private readonly lines: { index?: LineIndex };
  /** Anchors by name, in text order: an alias refers to the last one defined before it. */
  private readonly anchors = new Map<string, Array<[number, YamlNode]>>();
  private readonly entryCache = new Map<YAMLMap, Entry[]>();
  private readonly inProgress = new Set<YAMLMap>();
  private readonly reportedAliases = new Set<number>();
  private readonly reported = new Set<string>();
  private readonly unreadable: boolean;
  /** The line (start and end offsets) that closes a quote too far out, once reported (outdentedQuote). */
  private closingLine?: [number, number];
  /** Lines a YAML syntax problem was reported on (see yamlProblem). */
  private readonly syntaxLines = new Set<number>();

  /**
   * One YAML document. `parsed` is one document of a stream that `YamlSource.stream` read: positions are
   * still offsets in the whole text, so lines and columns name the file's own.
   */
  /**
   * `sourceLines`, for text made from a template (a rendered Helm chart): the template's line for each line of
   * the text, so that positions name the line a reader can open; columns are then the line's start.
   */
  constructor(text: string, readonly file: string, parsed?: Document.Parsed, private readonly sourceLines?: readonly number[], strictJson = false, lines: { index?: LineIndex } = {}) {
    this.lines = lines;
    // Editors do not count a byte order mark as a column.
    this.source = withoutBom(text);
    const notJson = strictJson && JSON_START.test(this.source) ? jsonSyntaxError(this.source) : undefined;
    const tokens = parsed || notJson ? undefined : [...new Parser().parse(this.source)];
    const deep = tokens && findExcessiveNesting(tokens, MAX_NESTING);
    // Text that is not JSON is not read as YAML either: the YAML reader's complaints about it would mislead.
    this.doc = parsed ?? (tokens && deep === undefined ? composeOne(tokens, this.source.length) : parseDocument('', { prettyErrors: false, uniqueKeys: true }));
    this.unreadable = notJson !== undefined || deep !== undefined;
    if (notJson) this.problem('error', 'syntax-error', notJson.offset, [], notJson.message);
    if (deep !== undefined) this.problem('error', 'too-deep', deep, [], TOO_DEEP);
    if (this.doc.errors.length > 0 || this.doc.warnings.length > 0) {
      // In the words `threatmap validate` uses for a model (see explainYamlError): yaml's own name its parser's states.
      this.lines.index ??= new LineIndex(this.source);
      const index = this.lines.index;
      const context: YamlErrorContext = { text: this.source, at: (o) => index.at(o), tokens: tokens ?? [...new Parser().parse(this.source)], used: new Set(), memo: {} };
      for (const e of withoutFollowOns(this.doc.errors, this.source)) this.yamlProblem(e, 'error', context);
      for (const e of this.doc.warnings) this.yamlProblem(e, 'warning', context);
    }
    visit(this.doc, {
      Node: (_, node) => {
        if (node.anchor === undefined || node.range == null) return;
        const list = this.anchors.get(node.anchor) ?? [];
        list.push([node.range[0], node]);
        this.anchors.set(node.anchor, list);
      },
    });
  }

  /**
   * Every document of a stream (`---` between them), each with its own anchors and problems: Kubernetes
   * manifests hold several objects in one file. A stream of comments only has no document.
   */
  static stream(text: string, file: string, sourceLines?: readonly number[]): YamlSource[] {
    const tokens = [...new Parser().parse(withoutBom(text))];
    if (findExcessiveNesting(tokens, MAX_NESTING) !== undefined) return [new YamlSource(text, file, undefined, sourceLines)];
    // What parseAllDocuments does, from the tokens already in hand.
    const docs = new Composer({ prettyErrors: false, uniqueKeys: true }).compose(tokens) as Iterable<Document.Parsed>;
    // One line index for all: each document built its own over the whole text, quadratic in a file of thousands.
    const lines = {};
    return Array.from(docs, (doc) => new YamlSource(text, file, doc, sourceLines, false, lines));
  }

  /**
   * A file another tool wrote: one that is JSON (it starts with `{` or `[`) is held to JSON, as those tools
   * read it. Read as YAML, a trailing comma would pass, and a missing one be reported as YAML's
   * "block collections are not allowed within flow collections"; here both are JSON's error at its position.
   */
  static imported(text: string, file: string): YamlSource {
    return new YamlSource(text, file, undefined, undefined, true);
  }

  /** True when the text could not be read as one YAML document (or, held to JSON, is not JSON). */
  get failed(): boolean {
    return this.unreadable || this.doc.errors.length > 0;
  }

  get root(): YamlNode | null {
    return this.resolve(this.doc.contents as YamlNode | null);
  }

  position(offset: number): { line: number; col: number } {
    // From the text itself: the parser's LineCounter misses line breaks after some syntax errors
    // (`p:\n ] c: 80\n   d: r\n`), which put later problems on an earlier line, past its end.
    this.lines.index ??= new LineIndex(this.source);
    const { line, col } = this.lines.index.at(offset);
    if (this.sourceLines !== undefined) {
      const source = this.sourceLines[Math.max(line, 1) - 1] ?? this.sourceLines.at(-1);
      if (source !== undefined) return { line: source, col: 1 };
    }
    return { line: Math.max(line, 1), col: Math.max(col, 1) };
  }

  lineOf(offset: number): number {
    return this.position(offset).line;
  }

  /**
   * The line of each of a literal block's lines (`key: |`), so that what a file kept there says is cited where it
   * is written; undefined for any other value, whose lines are folded or escaped and so are not the file's.
   */
  blockLines(node: YamlNode | null): number[] | undefined {
    if (!isScalar(node) || node.type !== 'BLOCK_LITERAL' || typeof node.value !== 'string' || !node.range) return undefined;
    // The value starts on the line after its header (`|`, `|-`, `|2`, perhaps with a comment).
    const header = this.source.indexOf('\n', node.range[0]);
    if (header < 0) return undefined;
    this.lines.index ??= new LineIndex(this.source);
    const index = this.lines.index;
    const first = index.at(header + 1).line;
    return node.value.split('\n').map((_, i) => this.lineOf(index.offset(first + i, 1)));
  }

  offsetOf(node: YamlNode | null, fallback = 0): number {
    return node?.range?.[0] ?? fallback;
  }

  problem(severity: 'error' | 'warning', code: string, offset: number, path: ModelPath, message: string, details: ProblemDetails = {}): void {
    // A setting read twice (a service's own, and inherited by another through `extends`) is one problem.
    const key = `${offset}\u0000${code}\u0000${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    const { line, col } = this.position(offset);
    this.diagnostics.push({
      severity, code, message, file: this.file, line, col, path: displayPath(path),
      ...(details.found !== undefined ? { found: details.found } : {}),
      ...(details.expected !== undefined ? { expected: details.expected } : {}),
      ...(details.hint !== undefined ? { hint: details.hint } : {}),
    });
  }

  private yamlProblem(e: YAMLError, severity: 'error' | 'warning', context: YamlErrorContext): void {
    if (this.outdentedQuote(e, severity)) return;
    const code = severity === 'error' ? 'syntax-error' : 'yaml-warning';
    const plain = e.code === 'MULTIPLE_DOCS' || e.code === 'DUPLICATE_KEY' ? undefined : explainYamlError(context, e);
    // A second problem on a line already reported follows from the first (as onePerLine has it for models).
    const line = this.position(plain?.offset ?? e.pos[0]).line;
    if (this.syntaxLines.has(line)) return;
    this.syntaxLines.add(line);
    if (plain) {
      this.problem(severity, code, plain.offset, [], plain.message, { hint: plain.hint });
      return;
    }
    const message = e.code === 'MULTIPLE_DOCS'
      ? 'the file holds more than one YAML document (a `---` line); a compose file is one document'
      : /maximum call stack/i.test(e.message) ? 'the file nests too deeply to read'
      : e.code === 'DUPLICATE_KEY' ? `key \`${keyAt(this.source, e.pos[0])}\` appears twice in the same map` : e.message;
    this.problem(severity, code, e.pos[0], [], message);
  }

  /**
   * A quote closed on a line no further in than its key: said at that line, the one to fix, rather than as a
   * quote missing on the line above; yaml's follow-on errors on the closing line are the same mistake. True
   * when `e` was handled so.
   */
  private outdentedQuote(e: YAMLError, severity: 'error' | 'warning'): boolean {
    const at = e.pos[0];
    if (this.closingLine && at >= this.closingLine[0] && at <= this.closingLine[1]) return true;
    const m = e.code === 'MISSING_CHAR' ? /^Missing closing (["'])quote$/.exec(e.message) : null;
    const plain = m ? quoteClosedOutdented(this.source, at, m[1]) : undefined;
    if (!plain) return false;
    const end = this.source.indexOf('\n', plain.offset);
    this.closingLine = [plain.offset, end === -1 ? this.source.length : end];
    this.problem(severity, severity === 'error' ? 'syntax-error' : 'yaml-warning', plain.offset, [], plain.message, { hint: plain.hint });
    return true;
  }

  /** An alias's target (the last anchor of its name before it), or the node itself. */
  resolve(node: YamlNode | null | undefined): YamlNode | null {
    if (node == null) return null;
    if (!isAlias(node)) return node;
    const offset = node.range?.[0] ?? 0;
    let target: YamlNode | null = null;
    for (const [at, anchored] of this.anchors.get(node.source) ?? []) if (at < offset) target = anchored;
    if (target === null && !this.reportedAliases.has(offset)) {
      this.reportedAliases.add(offset);
      this.problem('error', 'unknown-anchor', offset, [], `alias \`*${node.source}\` refers to no anchor \`&${node.source}\` defined before it`);
    }
    return target;
  }

  /**
   * A map's entries with merge keys (`<<: *defaults`) applied as Compose applies them: the map's own keys
   * win, then earlier merged maps over later ones. Each map is worked out once, so merges that fan out
   * cannot blow up.
   */
  entries(map: YAMLMap, path: ModelPath, depth = 0): Entry[] {
    const cached = this.entryCache.get(map);
    if (cached) return cached.map((e) => ({ ...e, path: [...path, e.key] }));
    if (this.inProgress.has(map) || depth > MAX_MERGE_DEPTH) return [];
    this.inProgress.add(map);
    const own: Entry[] = [];
    const merged: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = pair.key as YamlNode | null;
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') continue;
      const key = String(keyNode.value);
      const offset = this.offsetOf(keyNode);
      const value = this.resolve(pair.value as YamlNode | null);
      if (key === '<<' && keyNode.type === 'PLAIN') merged.push(...this.mergeSources(value, offset, path, depth));
      else own.push({ key, offset, value, path: [...path, key] });
    }
    this.inProgress.delete(map);
    const seen = new Set(own.map((e) => e.key));
    const all = [...own];
    for (const e of merged) {
      if (seen.has(e.key)) continue;
      seen.add(e.key);
      all.push(e);
    }
    this.entryCache.set(map, all);
    return all;
  }

  private mergeSources(value: YamlNode | null, offset: number, path: ModelPath, depth: number): Entry[] {
    const sources = isSeq(value) ? value.items.map((i) => this.resolve(i as YamlNode | null)) : [value];
    const out: Entry[] = [];
    for (const source of sources) {
      if (isMap(source)) out.push(...this.entries(source, path, depth + 1));
      // An alias without its anchor is reported where it is resolved.
      else if (source !== null) {
        this.problem('error', 'invalid-value', this.offsetOf(source, offset), path, 'a merge key (`<<`) must name maps',
          { expected: 'an alias of a map, or a list of them', found: describeNode(source) });
      }
    }
    return out;
  }

  /** The entries of a map at `path`, or undefined (with an error) when the value is something else. Null is an empty map. */
  mapEntries(value: YamlNode | null, offset: number, path: ModelPath, expected: string): Entry[] | undefined {
    if (value === null || (isScalar(value) && value.value === null)) return [];
    if (isMap(value)) return this.entries(value, path);
    this.wrongType(value, offset, path, expected);
    return undefined;
  }

  /** The items of a list with their offsets; null is an empty list. */
  listItems(value: YamlNode | null, offset: number, path: ModelPath, expected: string): Array<{ node: YamlNode | null; offset: number; path: ModelPath }> | undefined {
    if (value === null || (isScalar(value) && value.value === null)) return [];
    if (!isSeq(value)) {
      this.wrongType(value, offset, path, expected);
      return undefined;
    }
    return value.items.map((item, i) => {
      const node = this.resolve(item as YamlNode | null);
      return { node, offset: this.offsetOf(item as YamlNode | null, this.offsetOf(node, offset)), path: [...path, i] };
    });
  }

  /** A scalar as text (numbers and booleans as written in YAML 1.2); undefined for null, an error for a collection. */
  text(value: YamlNode | null, offset: number, path: ModelPath, expected: string): string | undefined | null {
    if (value === null) return undefined;
    if (isScalar(value)) {
      if (value.value === null) return undefined;
      if (typeof value.value === 'object') return null;
      return typeof value.source === 'string' && typeof value.value !== 'string' ? value.source : String(value.value);
    }
    this.wrongType(value, offset, path, expected);
    return null;
  }

  wrongType(value: YamlNode | null, offset: number, path: ModelPath, expected: string): void {
    this.problem('error', 'invalid-value', this.offsetOf(value, offset), path, `\`${displayPath(path)}\` should be ${expected}`,
      { expected, found: describeNode(value) });
  }
}

const withoutBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
const JSON_START = /^\s*[[{]/;

/** What a node is, in the words of the model loader's messages. */
export function describeNode(node: YamlNode | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'null (empty value)';
    if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 39)}…` : v)}`;
    return `${typeof v} ${String(v)}`;
  }
  return 'an alias';
}

/** The key written at `offset`, for messages; quotes dropped. */
function keyAt(text: string, offset: number): string {
  const m = /^(?:"((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'|([^:\n#]*[^\s:#]))/.exec(text.slice(offset, offset + 200));
  return (m?.[1] ?? m?.[2] ?? m?.[3] ?? '').trim();
}
