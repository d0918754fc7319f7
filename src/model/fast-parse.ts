// Fast paths for reading model files. The `yaml` library builds a full syntax tree, then a document, then
// plain data: about 1 MB/s, with superlinear garbage collection on multi-megabyte files (a 100,000-element
// model took minutes). Model files use a small part of YAML, so this reads that part directly, line by line,
// into the same plain data and the same position index. Anything outside the subset (anchors, tags, block
// scalars, multi-line scalars, directives, duplicate keys, odd indentation, any error) is declined, and the
// caller falls back to the `yaml` library, which then gives its exact results and messages.
// JSON goes through JSON.parse plus a light scanner that records where each key and item starts.
// Pure: no Node APIs.

/** Must equal the separator parse.ts joins path segments with (a test checks it). */
export const PATH_SEP = '\u001f';

/** Callers check this before taking a fast path; tests switch it off to compare with the slow path. */
export const fastPaths = { enabled: true };

export interface FastParse {
  raw: unknown;
  /** Where each map entry (its key) and sequence item starts, by path key: what parse.ts's source map reads. */
  offsets: PathIndex;
}

/**
 * Where every map entry (at its key) and sequence item starts, in flat typed arrays: a node per entry,
 * and for each collection its children's ids, stored contiguously once the collection is complete.
 * About 20 bytes per entry, against some 150 for a Map keyed by the full path (a 100,000-element model
 * has 2.6 million entries), and no string hashing while reading.
 */
export class PathIndex implements ReadonlyMap<string, number> {
  private offset = new Int32Array(1024);
  /** Index in `children` of the first child; -1 for a scalar. */
  private first = new Int32Array(1024);
  private count = new Int32Array(1024);
  /** The entry's key in its mapping; undefined for a sequence item. */
  private readonly key: Array<string | undefined> = [];
  private children = new Int32Array(1024);
  private childrenLength = 0;
  /** Ids of entries whose collection is still being read. */
  private readonly pending: number[] = [];
  private root = -1;
  /** Key -> child position, built on the first lookup in a large mapping (e.g. `elements`). */
  private readonly lookup = new Map<number, Map<string, number>>();
  size = 0;

  /** Where the children of the collection being read start (pass it to `add` once it is complete). */
  mark(): number {
    return this.pending.length;
  }

  /** Adds an entry to the collection being read; `children` is the mark taken before reading its value, if a collection. */
  add(key: string | undefined, offset: number, children?: number): number {
    const id = this.size++;
    if (id === this.offset.length) this.grow();
    this.offset[id] = offset;
    this.key.push(key);
    if (children === undefined) this.first[id] = -1;
    else {
      const n = this.pending.length - children;
      while (this.childrenLength + n > this.children.length) this.children = resize(this.children, this.children.length * 2);
      this.first[id] = this.childrenLength;
      this.count[id] = n;
      for (let i = children; i < this.pending.length; i++) this.children[this.childrenLength++] = this.pending[i];
      this.pending.length = children;
    }
    this.pending.push(id);
    return id;
  }

  /** The root collection, whose children are everything still pending. */
  finish(offset: number): this {
    this.root = this.add(undefined, offset, 0);
    this.pending.length = 0;
    return this;
  }

  private grow(): void {
    const n = this.offset.length * 2;
    this.offset = resize(this.offset, n);
    this.first = resize(this.first, n);
    this.count = resize(this.count, n);
  }

  private child(id: number, seg: string): number {
    const first = this.first[id];
    if (first < 0) return -1;
    const n = this.count[id];
    if (n > 0 && this.key[this.children[first]] === undefined) {
      const i = Number(seg);
      return Number.isInteger(i) && i >= 0 && i < n && String(i) === seg ? this.children[first + i] : -1;
    }
    if (n <= 12) {
      for (let i = 0; i < n; i++) if (this.key[this.children[first + i]] === seg) return this.children[first + i];
      return -1;
    }
    let map = this.lookup.get(id);
    if (map === undefined) {
      map = new Map();
      for (let i = 0; i < n; i++) map.set(this.key[this.children[first + i]]!, this.children[first + i]);
      this.lookup.set(id, map);
    }
    return map.get(seg) ?? -1;
  }

  get(path: string): number | undefined {
    let id = this.root;
    if (id < 0) return undefined;
    if (path === '') return this.offset[id];
    for (let i = 1; ;) {
      const j = path.indexOf(PATH_SEP, i);
      id = this.child(id, j < 0 ? path.slice(i) : path.slice(i, j));
      if (id < 0) return undefined;
      if (j < 0) return this.offset[id];
      i = j + 1;
    }
  }

  has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  /** The offset of `path`, or of its deepest indexed ancestor (what a source map reports for it). */
  deepest(path: ReadonlyArray<string | number>): number | undefined {
    let id = this.root;
    if (id < 0) return undefined;
    for (const seg of path) {
      const next = typeof seg === 'number' ? this.item(id, seg) : this.child(id, seg);
      if (next < 0) break;
      id = next;
    }
    return this.offset[id];
  }

  /** The child at a numeric segment: a sequence's item, or a mapping's key spelled as that number. */
  private item(id: number, index: number): number {
    const first = this.first[id];
    if (first < 0) return -1;
    const n = this.count[id];
    if (n > 0 && this.key[this.children[first]] === undefined) {
      return Number.isInteger(index) && index >= 0 && index < n ? this.children[first + index] : -1;
    }
    return this.child(id, String(index));
  }

  *entries(): MapIterator<[string, number]> {
    if (this.root < 0) return;
    yield ['', this.offset[this.root]];
    const stack: Array<[number, string]> = [[this.root, '']];
    while (stack.length > 0) {
      const [id, path] = stack.pop()!;
      const first = this.first[id];
      for (let i = 0; i < (first < 0 ? 0 : this.count[id]); i++) {
        const kid = this.children[first + i];
        const key = path + PATH_SEP + (this.key[kid] ?? String(i));
        yield [key, this.offset[kid]];
        stack.push([kid, key]);
      }
    }
  }

  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<number> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }

  forEach(fn: (value: number, key: string, map: ReadonlyMap<string, number>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}

function resize(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/** Thrown to abandon the fast path; never escapes this module. */
class Decline extends Error {}
const DECLINE = new Decline('outside the fast subset');
const decline = (): never => {
  throw DECLINE;
};

/** The same limit as parse.ts: deeper input goes to the slow path, which reports it. */
const MAX_DEPTH = 64;
/** yaml rejects implicit keys longer than this. */
const MAX_KEY = 1024;

// --- JSON ------------------------------------------------------------------------------------------------

/** JSON.parse for the data; one scan of the text for positions. Declines duplicate keys and deep nesting. */
export function fastParseJson(text: string): FastParse | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== 'object') return undefined;
  try {
    return { raw, offsets: new JsonIndexer(text).run(raw) };
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  }
}

class JsonIndexer {
  private i = 0;
  private readonly index = new PathIndex();
  constructor(private readonly text: string) {}

  run(raw: unknown): PathIndex {
    this.ws();
    const offset = this.i;
    this.value(raw, 0);
    return this.index.finish(offset);
  }

  private ws(): void {
    const t = this.text;
    let i = this.i;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.i = i;
  }

  /** Skips a string starting at the opening quote; returns the offset after the closing quote. */
  private skipString(): number {
    const t = this.text;
    let j = this.i + 1;
    for (;;) {
      const q = t.indexOf('"', j);
      if (q < 0) decline();
      let backslashes = 0;
      for (let k = q - 1; t.charCodeAt(k) === 92; k--) backslashes++;
      if (backslashes % 2 === 0) return q + 1;
      j = q + 1;
    }
  }

  /** Scans the value at the cursor (whose parsed form is `raw`); true when it is a collection. */
  private value(raw: unknown, depth: number): boolean {
    const t = this.text;
    const c = t.charCodeAt(this.i);
    if (c === 123 /* { */) {
      if (depth + 1 > MAX_DEPTH) decline();
      const obj = raw as Record<string, unknown>;
      let entries = 0;
      this.i++;
      this.ws();
      if (t.charCodeAt(this.i) === 125) {
        this.i++;
        return true;
      }
      for (;;) {
        const start = this.i;
        const end = this.skipString();
        let key = t.slice(start + 1, end - 1);
        if (key.includes('\\')) key = JSON.parse(t.slice(start, end)) as string;
        if (key === '__proto__') decline();
        this.i = end;
        this.ws();
        this.i++; // ':'
        this.ws();
        const mark = this.index.mark();
        this.index.add(key, start, this.value(obj[key], depth + 1) ? mark : undefined);
        entries++;
        this.ws();
        if (t.charCodeAt(this.i++) === 125) break;
        this.ws();
      }
      // JSON.parse keeps the last of duplicate keys silently; yaml reports them, so leave those to it.
      let n = 0;
      for (const _ in obj) n++;
      if (n !== entries) decline();
      return true;
    }
    if (c === 91 /* [ */) {
      if (depth + 1 > MAX_DEPTH) decline();
      const arr = raw as unknown[];
      this.i++;
      this.ws();
      if (t.charCodeAt(this.i) === 93) {
        this.i++;
        return true;
      }
      for (let index = 0; ; index++) {
        const start = this.i;
        const mark = this.index.mark();
        this.index.add(undefined, start, this.value(arr[index], depth + 1) ? mark : undefined);
        this.ws();
        if (t.charCodeAt(this.i++) === 93) return true;
        this.ws();
      }
    }
    if (c === 34) {
      this.i = this.skipString();
      return false;
    }
    // number, true, false, null
    let i = this.i;
    for (;;) {
      const d = t.charCodeAt(i);
      if (d === 44 || d === 93 || d === 125 || d === 32 || d === 10 || d === 13 || d === 9 || Number.isNaN(d)) break;
      i++;
    }
    this.i = i;
    return false;
  }
}

// --- YAML subset -----------------------------------------------------------------------------------------

/** Characters the fast path leaves to the library: tabs, control characters, lone carriage returns. */
const UNSUPPORTED = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\t\u0085\u2028\u2029\ufeff]|\r(?!\n)/;

/** What a plain scalar means in the YAML 1.2 core schema, as `yaml` resolves it (same tests, same order). */
function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Fast exit for the common case: a word that starts with a letter.
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
    if (s.length <= 5) {
      if (s === 'null' || s === 'Null' || s === 'NULL') return null;
      if (s === 'true' || s === 'True' || s === 'TRUE') return true;
      if (s === 'false' || s === 'False' || s === 'FALSE') return false;
    }
    return s;
  }
  if (s === '~') return null;
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
    return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}

/** A plain scalar may not start with an indicator, except `-`, `?` and `:` directly followed by a safe character. */
function plainStart(text: string, i: number, flow: boolean): boolean {
  const c = text[i];
  if (c === undefined) return false;
  if ('#&*!|>\'"%@`,[]{}'.includes(c)) return false;
  if (c === '-' || c === '?' || c === ':') {
    const n = text[i + 1];
    if (n === undefined || n === ' ' || n === '\n' || n === '\r') return false;
    if (flow && ',[]{}'.includes(n)) return false;
  }
  return c !== ' ' && c !== '\n' && c !== '\r';
}

interface Line {
  /** Offset of the first character of the line. */
  start: number;
  /** Offset of the first non-space character. */
  content: number;
  /** Offset of the line end (before \r\n or \n). */
  end: number;
  /** Offset of the next line's start (text.length at the end). */
  next: number;
  indent: number;
}

export function fastParseYaml(text: string): FastParse | undefined {
  if (UNSUPPORTED.test(text)) return undefined;
  try {
    return new YamlSubset(text).run();
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  }
}

/**
 * A recursive reader of block mappings and sequences, flow collections and single-line scalars. Every
 * function that reads a collection leaves in `made` the index mark taken before its children, for the
 * caller, which knows where the entry starts; scalars leave nothing.
 */
class YamlSubset {
  /** Start of the first line not yet consumed. */
  private pos = 0;
  private made = 0;
  private readonly index = new PathIndex();
  constructor(private readonly text: string) {}

  run(): FastParse {
    const first = this.peek();
    if (!first) decline();
    let raw: unknown;
    const c = this.text[first!.content];
    if (c === '{' || c === '[') {
      const end = this.flowValue(first!.content, -1, 1, (v) => {
        raw = v;
      });
      this.endOfLine(end);
    } else {
      raw = this.blockNode(first!, 1);
    }
    if (this.peek()) decline(); // more content after the root node
    if (raw === null || typeof raw !== 'object') decline();
    return { raw, offsets: this.index.finish(first!.content) };
  }

  /** Adds an entry to the collection being read; a collection value takes the children read since its mark. */
  private add(key: string | undefined, offset: number, value: unknown): void {
    this.index.add(key, offset, value !== null && typeof value === 'object' ? this.made : undefined);
  }

  /** The next line with content (blank and comment lines skipped), not consumed; undefined at the end. */
  private peek(): Line | undefined {
    const t = this.text;
    let start = this.pos;
    while (start < t.length) {
      let nl = t.indexOf('\n', start);
      if (nl < 0) nl = t.length;
      let i = start;
      while (t.charCodeAt(i) === 32) i++;
      const end = nl > start && t.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const next = nl < t.length ? nl + 1 : t.length;
      if (i < end && t.charCodeAt(i) !== 35 /* # */) {
        if (i === start && this.isMarker(start)) decline();
        return { start, content: i, end, next, indent: i - start };
      }
      if (start === next) break;
      start = next;
    }
    return undefined;
  }

  /** `---`, `...` and `%` directives at the start of a line: multi-document files go to the library. */
  private isMarker(start: number): boolean {
    const t = this.text;
    if (t[start] === '%') return true;
    const three = t.slice(start, start + 3);
    if (three !== '---' && three !== '...') return false;
    const after = t[start + 3];
    return after === undefined || after === ' ' || after === '\n' || after === '\r';
  }

  /** Nothing but spaces and a comment from `i` to the end of its line; consumes the line. */
  private endOfLine(i: number): void {
    const t = this.text;
    let nl = t.indexOf('\n', i);
    if (nl < 0) nl = t.length;
    const end = nl > i && t.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    let j = i;
    while (j < end && t.charCodeAt(j) === 32) j++;
    if (j < end && !(t.charCodeAt(j) === 35 && j > i)) decline();
    this.pos = nl < t.length ? nl + 1 : t.length;
  }

  /** A block mapping or sequence starting at `line` (its indentation is the collection's). */
  private blockNode(line: Line, depth: number): unknown {
    if (depth > MAX_DEPTH) decline();
    if (this.isSeqItem(line)) return this.blockSeq(line.indent, depth);
    return this.blockMap(line.indent, line.content, depth);
  }

  private isSeqItem(line: Line): boolean {
    const t = this.text;
    if (t.charCodeAt(line.content) !== 45 /* - */) return false;
    const n = line.content + 1;
    return n >= line.end || t.charCodeAt(n) === 32;
  }

  /**
   * Entries at indentation `indent`; the first key starts at `first` (possibly after `- ` on the line).
   * Returns when a line is less indented, or is a sequence item at the same indentation (a parent's).
   */
  private blockMap(indent: number, first: number, depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) decline();
    const out: Record<string, unknown> = {};
    const mark = this.index.mark();
    let keyAt = first;
    for (;;) {
      this.entry(out, keyAt, indent, depth);
      const line = this.peek();
      if (!line || line.indent < indent) break;
      if (line.indent > indent) decline(); // continuation of a scalar, or bad indentation
      if (this.isSeqItem(line)) decline(); // a sequence item among keys is an error
      keyAt = line.content;
    }
    this.made = mark;
    return out;
  }

  /** The key of a mapping entry (plain or quoted) at `at`; returns the key and the offset after its `:`. */
  private key(out: Record<string, unknown>, at: number, lineEnd: number, flow: boolean): { key: string; after: number } {
    const t = this.text;
    let key: string;
    let after: number;
    const c = t[at];
    if (c === '"' || c === '\'') {
      const q = this.quoted(at, lineEnd);
      key = q.value;
      after = q.end;
      while (t.charCodeAt(after) === 32) after++;
      if (t[after] !== ':') decline();
      after++;
    } else {
      if (!plainStart(t, at, flow) || c === '?' || c === '-') decline();
      const colon = flow ? this.flowPlainEnd(at) : this.keyColon(at, lineEnd);
      let e = colon;
      while (t.charCodeAt(e - 1) === 32) e--;
      const resolved = resolvePlain(t.slice(at, e));
      if (typeof resolved !== 'string') decline(); // numeric or boolean keys: leave their conversion to the library
      key = resolved as string;
      if (t[colon] !== ':') decline(); // `{ a }`, or a key broken over lines
      after = colon + 1;
    }
    if (key.length > MAX_KEY || key === '__proto__') decline();
    if (Object.hasOwn(out, key)) decline(); // a duplicate key: the library reports it
    return { key, after };
  }

  /** One `key: value` whose key starts at `at`; consumes through the end of the value. */
  private entry(out: Record<string, unknown>, at: number, indent: number, depth: number): void {
    const t = this.text;
    const lineEnd = this.lineEndFrom(at);
    const { key, after } = this.key(out, at, lineEnd, false);
    let i = after;
    if (i < lineEnd && t.charCodeAt(i) !== 32) decline();
    while (i < lineEnd && t.charCodeAt(i) === 32) i++;
    let value: unknown;
    if (i >= lineEnd || t.charCodeAt(i) === 35) {
      // The value is on the following lines (or absent).
      this.endOfLine(i);
      value = this.blockValue(indent, depth);
    } else value = this.inlineValue(i, lineEnd, indent, depth);
    out[key] = value;
    this.add(key, at, value);
  }

  /** The offset of the `:` that ends a plain implicit key starting at `at`, on this line. */
  private keyColon(at: number, lineEnd: number): number {
    const t = this.text;
    for (let i = at; i < lineEnd; i++) {
      const c = t.charCodeAt(i);
      if (c === 58 /* : */ && (i + 1 >= lineEnd || t.charCodeAt(i + 1) === 32)) return i;
      if (c === 35 /* # */ && t.charCodeAt(i - 1) === 32) decline();
    }
    return decline();
  }

  private lineEndFrom(i: number): number {
    const t = this.text;
    let nl = t.indexOf('\n', i);
    if (nl < 0) nl = t.length;
    return nl > i && t.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
  }

  /** A value after `key:` with nothing else on the line: a nested block, a same-indented sequence, or null. */
  private blockValue(indent: number, depth: number): unknown {
    const line = this.peek();
    if (!line || line.indent < indent) return null;
    if (line.indent === indent) return this.isSeqItem(line) ? this.blockSeq(indent, depth + 1) : null;
    const c = this.text[line.content];
    if (c === '{' || c === '[') decline(); // a flow collection on its own line: rare, left to the library
    return this.blockNode(line, depth + 1);
  }

  /**
   * A value that starts on the current line at `i`: a flow collection, a quoted or a plain scalar.
   * Consumes the rest of the line (and the lines a flow collection spans).
   */
  private inlineValue(i: number, lineEnd: number, indent: number, depth: number): unknown {
    const t = this.text;
    const c = t[i];
    if (c === '{' || c === '[') {
      let value: unknown;
      const end = this.flowValue(i, indent, depth + 1, (v) => {
        value = v;
      });
      this.endOfLine(end);
      return value;
    }
    if (c === '"' || c === '\'') {
      const q = this.quoted(i, lineEnd);
      this.endOfLine(q.end);
      return q.value;
    }
    if (!plainStart(t, i, false)) decline(); // anchors, aliases, tags, block scalars, `- ` after a key...
    // A plain scalar runs to a comment or the end of the line; `: ` inside would be a nested mapping.
    let e = i;
    for (; e < lineEnd; e++) {
      const d = t.charCodeAt(e);
      if (d === 35 && t.charCodeAt(e - 1) === 32) break;
      if (d === 58 && (e + 1 >= lineEnd || t.charCodeAt(e + 1) === 32)) decline();
    }
    let s = e;
    while (t.charCodeAt(s - 1) === 32) s--;
    this.pos = this.nextLineStart(lineEnd);
    return resolvePlain(t.slice(i, s));
  }

  private nextLineStart(lineEnd: number): number {
    const t = this.text;
    const nl = t.charCodeAt(lineEnd) === 13 ? lineEnd + 1 : lineEnd;
    return nl < t.length ? nl + 1 : t.length;
  }

  /** Items `- ...` at indentation `indent`. */
  private blockSeq(indent: number, depth: number): unknown[] {
    if (depth > MAX_DEPTH) decline();
    const t = this.text;
    const out: unknown[] = [];
    const mark = this.index.mark();
    for (;;) {
      const line = this.peek()!;
      let i = line.content + 1;
      while (i < line.end && t.charCodeAt(i) === 32) i++;
      let value: unknown;
      let at: number;
      if (i >= line.end || t.charCodeAt(i) === 35) {
        // `-` alone: the item is the block below it.
        this.endOfLine(i);
        const below = this.peek();
        if (!below || below.indent <= indent) decline(); // an empty item
        at = below!.content;
        value = this.blockNode(below!, depth + 1);
      } else {
        at = i;
        value = this.seqItem(i, line, indent, depth);
      }
      out.push(value);
      this.add(undefined, at, value);
      const next = this.peek();
      if (!next || next.indent < indent) break;
      if (next.indent > indent) decline();
      if (!this.isSeqItem(next)) break; // the parent mapping's next key
    }
    this.made = mark;
    return out;
  }

  /** An item that starts on the `- ` line: a compact mapping (`- a: 1`), a flow collection or a scalar. */
  private seqItem(i: number, line: Line, indent: number, depth: number): unknown {
    const t = this.text;
    const c = t[i];
    if (c === '-' && (i + 1 >= line.end || t.charCodeAt(i + 1) === 32)) decline(); // `- - a`
    if (c === '{' || c === '[') return this.inlineValue(i, line.end, indent, depth); // (a flow key is not supported)
    if (this.startsMapping(i, line.end)) return this.blockMap(i - line.start, i, depth + 1);
    return this.inlineValue(i, line.end, indent, depth);
  }

  /** Whether the text at `i` is an implicit key followed by `:` (so the item is a mapping). */
  private startsMapping(i: number, lineEnd: number): boolean {
    const t = this.text;
    const c = t[i];
    if (c === '"' || c === '\'') {
      const q = this.quoted(i, lineEnd);
      let j = q.end;
      while (t.charCodeAt(j) === 32) j++;
      return t[j] === ':';
    }
    for (let j = i; j < lineEnd; j++) {
      const d = t.charCodeAt(j);
      if (d === 35 && t.charCodeAt(j - 1) === 32) return false;
      if (d === 58 && (j + 1 >= lineEnd || t.charCodeAt(j + 1) === 32)) return true;
    }
    return false;
  }

  /** A single-line quoted scalar at `i`; multi-line ones and YAML-only escapes are left to the library. */
  private quoted(i: number, lineEnd: number): { value: string; end: number } {
    const t = this.text;
    if (t[i] === '\'') {
      let j = i + 1;
      let value = '';
      for (;;) {
        const q = t.indexOf('\'', j);
        if (q < 0 || q >= lineEnd) decline();
        value += t.slice(j, q);
        if (t[q + 1] === '\'') {
          value += '\'';
          j = q + 2;
          continue;
        }
        return { value, end: q + 1 };
      }
    }
    let j = i + 1;
    for (;;) {
      const q = t.indexOf('"', j);
      if (q < 0 || q >= lineEnd) decline();
      let backslashes = 0;
      for (let k = q - 1; t.charCodeAt(k) === 92; k--) backslashes++;
      if (backslashes % 2 === 0) {
        const body = t.slice(i + 1, q);
        if (!body.includes('\\')) return { value: body, end: q + 1 };
        // JSON escapes are YAML escapes with the same meaning; YAML-only ones (\x41, \e, \_) make JSON.parse throw.
        try {
          return { value: JSON.parse(t.slice(i, q + 1)) as string, end: q + 1 };
        } catch {
          return decline();
        }
      }
      j = q + 1;
    }
  }

  // --- flow collections: `{ a: 1, b: [x, y] }`, possibly over several lines -----------------------------

  /** Skips spaces, line breaks and comments inside a flow collection; continuation lines must be indented. */
  private flowSpace(i: number, indent: number): number {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 32) i++;
      else if (c === 10 || c === 13) {
        i += c === 13 ? 2 : 1;
        let k = i;
        while (t.charCodeAt(k) === 32) k++;
        const d = t.charCodeAt(k);
        // Continuation lines inside a block collection must be indented past it (blank lines aside).
        if (k - i <= indent && d !== 10 && d !== 13 && !Number.isNaN(d)) decline();
        if (k - i === 0 && this.isMarker(i)) decline();
      } else if (c === 35 && (i === 0 || ' \n\r'.includes(t[i - 1]))) {
        while (i < t.length && t.charCodeAt(i) !== 10 && t.charCodeAt(i) !== 13) i++;
      } else return i;
    }
  }

  /** A flow collection at `i`; hands the value to `set` and returns the offset after it. */
  private flowValue(i: number, indent: number, depth: number, set: (v: unknown) => void): number {
    if (depth > MAX_DEPTH) decline();
    const t = this.text;
    const c = t[i];
    if (c === '{') {
      const out: Record<string, unknown> = {};
      const mark = this.index.mark();
      set(out);
      i = this.flowSpace(i + 1, indent);
      if (t[i] !== '}') {
        for (;;) {
          const keyAt = i;
          const { key, after } = this.key(out, i, this.lineEndFrom(i), true);
          i = this.flowSpace(after, indent);
          if (t[i] === ',' || t[i] === '}') decline(); // `{ a: }`: an empty value
          let value: unknown;
          i = this.flowItem(i, indent, depth, (v) => {
            value = v;
          });
          out[key] = value;
          this.add(key, keyAt, value);
          i = this.flowSpace(i, indent);
          if (t[i] === '}') break;
          if (t[i] !== ',') decline();
          i = this.flowSpace(i + 1, indent);
          if (t[i] === '}') decline(); // a trailing comma
        }
      }
      this.made = mark;
      return i + 1;
    }
    if (c === '[') {
      const out: unknown[] = [];
      const mark = this.index.mark();
      set(out);
      i = this.flowSpace(i + 1, indent);
      if (t[i] !== ']') {
        for (;;) {
          const at = i;
          let value: unknown;
          i = this.flowItem(i, indent, depth, (v) => {
            value = v;
          });
          out.push(value);
          this.add(undefined, at, value);
          i = this.flowSpace(i, indent);
          if (t[i] === ':') decline(); // `[a: 1]`: a pair inside a sequence
          if (t[i] === ']') break;
          if (t[i] !== ',') decline();
          i = this.flowSpace(i + 1, indent);
          if (t[i] === ']') decline();
        }
      }
      this.made = mark;
      return i + 1;
    }
    return decline();
  }

  /** A value inside a flow collection. */
  private flowItem(i: number, indent: number, depth: number, set: (v: unknown) => void): number {
    const t = this.text;
    const c = t[i];
    if (c === '{' || c === '[') return this.flowValue(i, indent, depth + 1, set);
    if (c === '"' || c === '\'') {
      const q = this.quoted(i, this.lineEndFrom(i));
      set(q.value);
      return q.end;
    }
    if (!plainStart(t, i, true)) decline();
    const e = this.flowPlainEnd(i);
    let s = e;
    while (t.charCodeAt(s - 1) === 32) s--;
    set(resolvePlain(t.slice(i, s)));
    return e;
  }

  /** Where a plain scalar inside a flow collection ends; one that continues on the next line is declined. */
  private flowPlainEnd(i: number): number {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(i);
      if (Number.isNaN(c) || c === 44 || c === 91 || c === 93 || c === 123 || c === 125) return i;
      if (c === 10 || c === 13) {
        // Only a comma or a closing bracket may follow on a later line; more words would be a multi-line scalar.
        let k = i;
        while (k < t.length && ' \n\r'.includes(t[k])) k++;
        if (!',]}'.includes(t[k] ?? '')) decline();
        return i;
      }
      if (c === 58 /* : */) {
        const n = t.charCodeAt(i + 1);
        if (Number.isNaN(n) || n === 32 || n === 10 || n === 13 || n === 44 || n === 91 || n === 93 || n === 123 || n === 125) return i;
      }
      if (c === 35 && t.charCodeAt(i - 1) === 32) return i;
      i++;
    }
  }
}
