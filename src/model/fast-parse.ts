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
 * Where every map entry (at its key) and sequence item starts, in flat typed arrays. While reading, an
 * entry is numbered when it is complete (children before their collection), and each collection's
 * children's ids are copied together into `children`. Once read, entries are renumbered breadth first, so
 * that each one's children are consecutive ids, from `first[id]` up to `first[id + 1]`: two numbers and a
 * key per entry, some 16 bytes, against some 150 for a Map keyed by the full path (a 100,000-element model
 * has 2.6 million entries), and no string hashing while reading.
 */
export class PathIndex implements ReadonlyMap<string, number> {
  private offset = new Int32Array(1024);
  /** While reading: index in `children` of the first child, -1 for a scalar. Once read: the first child's id. */
  private first = new Int32Array(1024);
  /** While reading only, as are `children` and `pending`. */
  private count = new Int32Array(1024);
  /** The entry's key in its mapping; undefined for a sequence item. */
  private key: Array<string | undefined> = [];
  private children = new Int32Array(1024);
  private childrenLength = 0;
  /** Ids of entries whose collection is still being read. */
  private readonly pending: number[] = [];
  /** 0 once read (the root comes first); -1 before. */
  private root = -1;
  /** Key -> child id, built on the first lookup in a large mapping (e.g. `elements`). */
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

  /** The root collection, whose children are everything still pending; renumbers the entries breadth first. */
  finish(offset: number): this {
    const top = this.add(undefined, offset, 0);
    this.pending.length = 0;
    const n = this.size;
    /** New id -> id while reading. */
    const order = new Int32Array(n);
    const first = new Int32Array(n + 1);
    order[0] = top;
    let next = 1;
    for (let id = 0; id < n; id++) {
      const was = order[id];
      first[id] = next;
      const from = this.first[was];
      if (from >= 0) for (let i = 0, count = this.count[was]; i < count; i++) order[next++] = this.children[from + i];
    }
    first[n] = next;
    // Each old array goes as soon as it is read, so that the model's peak memory does not hold both copies.
    this.first = first;
    this.count = this.children = new Int32Array(0);
    const offsets = new Int32Array(n);
    for (let id = 0; id < n; id++) offsets[id] = this.offset[order[id]];
    this.offset = offsets;
    const keys = new Array<string | undefined>(n);
    for (let id = 0; id < n; id++) keys[id] = this.key[order[id]];
    this.key = keys;
    this.childrenLength = 0;
    this.root = 0;
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
    const n = this.first[id + 1] - first;
    if (n === 0) return -1;
    if (this.key[first] === undefined) {
      const i = Number(seg);
      return Number.isInteger(i) && i >= 0 && i < n && String(i) === seg ? first + i : -1;
    }
    if (n <= 12) {
      for (let i = first; i < first + n; i++) if (this.key[i] === seg) return i;
      return -1;
    }
    let map = this.lookup.get(id);
    if (map === undefined) {
      map = new Map();
      for (let i = first; i < first + n; i++) map.set(this.key[i]!, i);
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
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const next = typeof seg === 'number' ? this.item(id, seg) : this.child(id, seg);
      if (next < 0) break;
      id = next;
    }
    return this.offset[id];
  }

  /** The child at a numeric segment: a sequence's item, or a mapping's key spelled as that number. */
  private item(id: number, index: number): number {
    const first = this.first[id];
    const n = this.first[id + 1] - first;
    if (n === 0) return -1;
    if (this.key[first] === undefined) return Number.isInteger(index) && index >= 0 && index < n ? first + index : -1;
    return this.child(id, String(index));
  }

  *entries(): MapIterator<[string, number]> {
    if (this.root < 0) return;
    yield ['', this.offset[this.root]];
    const stack: Array<[number, string]> = [[this.root, '']];
    while (stack.length > 0) {
      const [id, path] = stack.pop()!;
      const first = this.first[id];
      for (let i = 0; i < this.first[id + 1] - first; i++) {
        const kid = first + i;
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
    return { raw, offsets: new JsonIndexer(text).run() };
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  }
}

/**
 * Finds where each key and item starts, from the text alone: JSON.parse has already checked the syntax.
 * JSON.parse keeps the last of duplicate keys silently while yaml reports them, so duplicates are
 * looked for here (each map's keys so far, on one stack) and left to the library.
 */
class JsonIndexer {
  private i = 0;
  private readonly index = new PathIndex();
  private readonly strings = new ShortStrings();
  /** The keys of the maps being read, innermost last. */
  private readonly keys: string[] = [];
  constructor(private readonly text: string) {}

  run(): PathIndex {
    this.ws();
    const offset = this.i;
    this.value(0);
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

  /** Whether `key` is already among the keys of the map being read, which start at `first` on the stack. */
  private seen(key: string, first: number, set: Set<string> | undefined): boolean {
    if (set !== undefined) return set.has(key);
    const keys = this.keys;
    for (let k = first; k < keys.length; k++) if (keys[k] === key) return true;
    return false;
  }

  /** Scans the value at the cursor; true when it is a collection. */
  private value(depth: number): boolean {
    const t = this.text;
    const c = t.charCodeAt(this.i);
    if (c === 123 /* { */) {
      if (depth + 1 > MAX_DEPTH) decline();
      this.i++;
      this.ws();
      if (t.charCodeAt(this.i) === 125) {
        this.i++;
        return true;
      }
      const first = this.keys.length;
      // Large maps (`elements`) switch from comparing with each earlier key to a set.
      let set: Set<string> | undefined;
      for (let entries = 1; ; entries++) {
        const start = this.i;
        const end = this.skipString();
        let key = this.strings.slice(t, start + 1, end - 1);
        if (key.includes('\\')) key = JSON.parse(t.slice(start, end)) as string;
        if (key === '__proto__' || this.seen(key, first, set)) decline();
        if (set !== undefined) set.add(key);
        else if (entries === 16) set = new Set(this.keys.slice(first)).add(key);
        else this.keys.push(key);
        this.i = end;
        this.ws();
        this.i++; // ':'
        this.ws();
        const mark = this.index.mark();
        this.index.add(key, start, this.value(depth + 1) ? mark : undefined);
        this.ws();
        if (t.charCodeAt(this.i++) === 125) break;
        this.ws();
      }
      this.keys.length = first;
      return true;
    }
    if (c === 91 /* [ */) {
      if (depth + 1 > MAX_DEPTH) decline();
      this.i++;
      this.ws();
      if (t.charCodeAt(this.i) === 93) {
        this.i++;
        return true;
      }
      for (;;) {
        const start = this.i;
        const mark = this.index.mark();
        this.index.add(undefined, start, this.value(depth + 1) ? mark : undefined);
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

/** V8 makes a substring at least this long a view into the string it was cut from. */
const VIEW_MIN_LENGTH = 13;

/**
 * A copy of a string cut from the model text that does not refer to the text: one name kept as a view
 * would keep a 40 MB file in memory for as long as the model lives (100,000 elements: 40 MB more).
 */
function detached(s: string): string {
  return s.length < VIEW_MIN_LENGTH ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** Slots of the cache of short strings: a power of two. */
const CACHE_SIZE = 1024;
/** Longer strings are mostly names and descriptions, which seldom repeat. */
const CACHE_MAX_LENGTH = 24;

/**
 * Recently read short strings by a hash of their text: keys and values such as `protocol` or `https`
 * repeat thousands of times, and one shared string is less to allocate, copy and keep than thousands.
 */
class ShortStrings {
  private readonly cache = new Array<string | undefined>(CACHE_SIZE);

  /** `t.slice(start, end)`, or an equal string read before. */
  slice(t: string, start: number, end: number): string {
    const n = end - start;
    if (n > CACHE_MAX_LENGTH || n <= 0) return detached(t.slice(start, end));
    const slot = (t.charCodeAt(start) * 31 + t.charCodeAt(end - 1) * 7 + t.charCodeAt(start + (n >> 1)) + n * 131) & (CACHE_SIZE - 1);
    const cached = this.cache[slot];
    if (cached !== undefined && cached.length === n && t.startsWith(cached, start)) return cached;
    const s = detached(t.slice(start, end));
    this.cache[slot] = s;
    return s;
  }
}

// --- YAML subset -----------------------------------------------------------------------------------------

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

/** Characters the fast path leaves to the library: tabs, control characters, carriage returns not before a newline. */
const UNSUPPORTED_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\t\u0085\u2028\u2029\ufeff]/;
const LONE_CR = /\r(?!\n)/;

export function fastParseYaml(text: string): FastParse | undefined {
  // One character class scans about twice as fast as the class and the lookahead together.
  if (UNSUPPORTED_CHAR.test(text) || (text.includes('\r') && LONE_CR.test(text))) return undefined;
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
 * caller, which knows where the entry starts; scalars leave nothing. Positions travel in fields rather
 * than in small objects: a large model has millions of lines and scalars, and each object is garbage.
 */
class YamlSubset {
  /** Start of the first line not yet consumed. */
  private pos = 0;
  private made = 0;
  /** Set by the key, scalar and flow readers: the offset just after what they read. */
  private end = 0;
  /** Set by `peek`: the next content line's start, first non-space character, end (before \r\n or \n) and indentation. */
  private lineStart = 0;
  private lineContent = 0;
  private lineEnd = 0;
  private lineIndent = 0;
  /** `pos` when `peek` last ran, and its answer: peeking again before consuming reads nothing new. */
  private peekedAt = -1;
  private peeked = false;
  private readonly strings = new ShortStrings();
  private readonly index = new PathIndex();
  constructor(private readonly text: string) {}

  run(): FastParse {
    if (!this.peek()) decline();
    const first = this.lineContent;
    let raw: unknown;
    const c = this.text.charCodeAt(first);
    if (c === 123 /* { */ || c === 91 /* [ */) {
      raw = this.flowValue(first, -1, 1);
      this.endOfLine(this.end);
    } else {
      raw = this.blockNode(1);
    }
    if (this.peek()) decline(); // more content after the root node
    if (raw === null || typeof raw !== 'object') decline();
    return { raw, offsets: this.index.finish(first) };
  }

  /** Adds an entry to the collection being read; a collection value takes the children read since its mark. */
  private add(key: string | undefined, offset: number, value: unknown): void {
    this.index.add(key, offset, value !== null && typeof value === 'object' ? this.made : undefined);
  }

  /** The text from `start` to `end`, shared with an earlier equal string when short. */
  private slice(start: number, end: number): string {
    return this.strings.slice(this.text, start, end);
  }

  /** A plain scalar's value (see resolvePlain); the common words skip the slice entirely when cached. */
  private plain(start: number, end: number): unknown {
    return resolvePlain(this.slice(start, end));
  }

  /** Finds the next line with content (blank and comment lines skipped), not consumed; false at the end. */
  private peek(): boolean {
    if (this.peekedAt === this.pos) return this.peeked;
    const t = this.text;
    let start = this.pos;
    this.peekedAt = start;
    this.peeked = false;
    while (start < t.length) {
      let nl = t.indexOf('\n', start);
      if (nl < 0) nl = t.length;
      let i = start;
      while (t.charCodeAt(i) === 32) i++;
      const end = nl > start && t.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const next = nl < t.length ? nl + 1 : t.length;
      if (i < end && t.charCodeAt(i) !== 35 /* # */) {
        if (i === start && this.isMarker(start)) decline();
        this.lineStart = start;
        this.lineContent = i;
        this.lineEnd = end;
        this.lineIndent = i - start;
        this.peeked = true;
        return true;
      }
      if (start === next) break;
      start = next;
    }
    return false;
  }

  /** `---`, `...` and `%` directives at the start of a line: multi-document files go to the library. */
  private isMarker(start: number): boolean {
    const t = this.text;
    const c = t.charCodeAt(start);
    if (c === 37 /* % */) return true;
    if ((c !== 45 /* - */ && c !== 46 /* . */) || t.charCodeAt(start + 1) !== c || t.charCodeAt(start + 2) !== c) return false;
    const after = t.charCodeAt(start + 3);
    return Number.isNaN(after) || after === 32 || after === 10 || after === 13;
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

  /** A block mapping or sequence starting at the line just peeked (its indentation is the collection's). */
  private blockNode(depth: number): unknown {
    if (depth > MAX_DEPTH) decline();
    if (this.isSeqItem()) return this.blockSeq(this.lineIndent, depth);
    return this.blockMap(this.lineIndent, this.lineContent, depth);
  }

  /** Whether the line just peeked is a sequence item (`- ...` or a lone `-`). */
  private isSeqItem(): boolean {
    const t = this.text;
    if (t.charCodeAt(this.lineContent) !== 45 /* - */) return false;
    const n = this.lineContent + 1;
    return n >= this.lineEnd || t.charCodeAt(n) === 32;
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
      if (!this.peek() || this.lineIndent < indent) break;
      if (this.lineIndent > indent) decline(); // continuation of a scalar, or bad indentation
      if (this.isSeqItem()) decline(); // a sequence item among keys is an error
      keyAt = this.lineContent;
    }
    this.made = mark;
    return out;
  }

  /**
   * The key of a mapping entry (plain or quoted) at `at`; leaves in `end` the offset after its `:`.
   * `lineEnd` is where the key's line ends, -1 when not yet known (it is found only if needed).
   */
  private key(out: Record<string, unknown>, at: number, lineEnd: number, flow: boolean): string {
    const t = this.text;
    let key: string;
    let after: number;
    const c = t.charCodeAt(at);
    if (c === 34 /* " */ || c === 39 /* ' */) {
      key = this.quoted(at, lineEnd < 0 ? this.lineEndFrom(at) : lineEnd);
      after = this.end;
      while (t.charCodeAt(after) === 32) after++;
      if (t.charCodeAt(after) !== 58 /* : */) decline();
      after++;
    } else {
      if (!plainStart(t, at, flow) || c === 63 /* ? */ || c === 45 /* - */) decline();
      const colon = flow ? this.flowPlainEnd(at) : this.keyColon(at, lineEnd);
      let e = colon;
      while (t.charCodeAt(e - 1) === 32) e--;
      const resolved = this.plain(at, e);
      if (typeof resolved !== 'string') decline(); // numeric or boolean keys: leave their conversion to the library
      key = resolved as string;
      if (t.charCodeAt(colon) !== 58 /* : */) decline(); // `{ a }`, or a key broken over lines
      after = colon + 1;
    }
    if (key.length > MAX_KEY || key === '__proto__') decline();
    if (Object.hasOwn(out, key)) decline(); // a duplicate key: the library reports it
    this.end = after;
    return key;
  }

  /** One `key: value` whose key starts at `at`; consumes through the end of the value. */
  private entry(out: Record<string, unknown>, at: number, indent: number, depth: number): void {
    const t = this.text;
    const lineEnd = this.lineEndFrom(at);
    const key = this.key(out, at, lineEnd, false);
    let i = this.end;
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
    if (!this.peek() || this.lineIndent < indent) return null;
    if (this.lineIndent === indent) return this.isSeqItem() ? this.blockSeq(indent, depth + 1) : null;
    const c = this.text.charCodeAt(this.lineContent);
    if (c === 123 /* { */ || c === 91 /* [ */) decline(); // a flow collection on its own line: rare, left to the library
    return this.blockNode(depth + 1);
  }

  /**
   * A value that starts on the current line at `i`: a flow collection, a quoted or a plain scalar.
   * Consumes the rest of the line (and the lines a flow collection spans).
   */
  private inlineValue(i: number, lineEnd: number, indent: number, depth: number): unknown {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c === 123 /* { */ || c === 91 /* [ */) {
      const value = this.flowValue(i, indent, depth + 1);
      this.endOfLine(this.end);
      return value;
    }
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const value = this.quoted(i, lineEnd);
      this.endOfLine(this.end);
      return value;
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
    return this.plain(i, s);
  }

  private nextLineStart(lineEnd: number): number {
    const t = this.text;
    const nl = t.charCodeAt(lineEnd) === 13 ? lineEnd + 1 : lineEnd;
    return nl < t.length ? nl + 1 : t.length;
  }

  /** Items `- ...` at indentation `indent`, the first on the line just peeked. */
  private blockSeq(indent: number, depth: number): unknown[] {
    if (depth > MAX_DEPTH) decline();
    const t = this.text;
    const out: unknown[] = [];
    const mark = this.index.mark();
    for (;;) {
      const lineEnd = this.lineEnd;
      let i = this.lineContent + 1;
      while (i < lineEnd && t.charCodeAt(i) === 32) i++;
      let value: unknown;
      let at: number;
      if (i >= lineEnd || t.charCodeAt(i) === 35) {
        // `-` alone: the item is the block below it.
        this.endOfLine(i);
        if (!this.peek() || this.lineIndent <= indent) decline(); // an empty item
        at = this.lineContent;
        value = this.blockNode(depth + 1);
      } else {
        at = i;
        value = this.seqItem(i, indent, depth);
      }
      out.push(value);
      this.add(undefined, at, value);
      if (!this.peek() || this.lineIndent < indent) break;
      if (this.lineIndent > indent) decline();
      if (!this.isSeqItem()) break; // the parent mapping's next key
    }
    this.made = mark;
    return out;
  }

  /** An item that starts at `i` on the `- ` line just peeked: a compact mapping (`- a: 1`), a flow collection or a scalar. */
  private seqItem(i: number, indent: number, depth: number): unknown {
    const t = this.text;
    const lineEnd = this.lineEnd;
    const c = t.charCodeAt(i);
    if (c === 45 /* - */ && (i + 1 >= lineEnd || t.charCodeAt(i + 1) === 32)) decline(); // `- - a`
    if (c === 123 /* { */ || c === 91 /* [ */) return this.inlineValue(i, lineEnd, indent, depth); // (a flow key is not supported)
    if (this.startsMapping(i, lineEnd)) return this.blockMap(i - this.lineStart, i, depth + 1);
    return this.inlineValue(i, lineEnd, indent, depth);
  }

  /** Whether the text at `i` is an implicit key followed by `:` (so the item is a mapping). */
  private startsMapping(i: number, lineEnd: number): boolean {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c === 34 /* " */ || c === 39 /* ' */) {
      this.quoted(i, lineEnd);
      let j = this.end;
      while (t.charCodeAt(j) === 32) j++;
      return t.charCodeAt(j) === 58 /* : */;
    }
    for (let j = i; j < lineEnd; j++) {
      const d = t.charCodeAt(j);
      if (d === 35 && t.charCodeAt(j - 1) === 32) return false;
      if (d === 58 && (j + 1 >= lineEnd || t.charCodeAt(j + 1) === 32)) return true;
    }
    return false;
  }

  /**
   * A single-line quoted scalar at `i`, leaving in `end` the offset after its closing quote; multi-line
   * ones and YAML-only escapes are left to the library.
   */
  private quoted(i: number, lineEnd: number): string {
    const t = this.text;
    if (t.charCodeAt(i) === 39 /* ' */) {
      let j = i + 1;
      let value = '';
      for (;;) {
        const q = t.indexOf('\'', j);
        if (q < 0 || q >= lineEnd) decline();
        if (t.charCodeAt(q + 1) === 39) {
          value += t.slice(j, q + 1);
          j = q + 2;
          continue;
        }
        this.end = q + 1;
        return value === '' ? this.slice(j, q) : detached(value + t.slice(j, q));
      }
    }
    let j = i + 1;
    for (;;) {
      const q = t.indexOf('"', j);
      if (q < 0 || q >= lineEnd) decline();
      let backslashes = 0;
      for (let k = q - 1; t.charCodeAt(k) === 92; k--) backslashes++;
      if (backslashes % 2 === 0) {
        this.end = q + 1;
        let escaped = false;
        for (let k = i + 1; k < q && !escaped; k++) escaped = t.charCodeAt(k) === 92;
        if (!escaped) return this.slice(i + 1, q);
        // JSON escapes are YAML escapes with the same meaning; YAML-only ones (\x41, \e, \_) make JSON.parse throw.
        try {
          return JSON.parse(t.slice(i, q + 1)) as string;
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

  /** A flow collection at `i`; leaves in `end` the offset after it. */
  private flowValue(i: number, indent: number, depth: number): unknown {
    if (depth > MAX_DEPTH) decline();
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c === 123 /* { */) {
      const out: Record<string, unknown> = {};
      const mark = this.index.mark();
      i = this.flowSpace(i + 1, indent);
      if (t.charCodeAt(i) !== 125 /* } */) {
        for (;;) {
          const keyAt = i;
          const key = this.key(out, i, -1, true);
          i = this.flowSpace(this.end, indent);
          const d = t.charCodeAt(i);
          if (d === 44 /* , */ || d === 125 /* } */) decline(); // `{ a: }`: an empty value
          const value = this.flowItem(i, indent, depth);
          out[key] = value;
          this.add(key, keyAt, value);
          i = this.flowSpace(this.end, indent);
          if (t.charCodeAt(i) === 125) break;
          if (t.charCodeAt(i) !== 44) decline();
          i = this.flowSpace(i + 1, indent);
          if (t.charCodeAt(i) === 125) decline(); // a trailing comma
        }
      }
      this.made = mark;
      this.end = i + 1;
      return out;
    }
    if (c === 91 /* [ */) {
      const out: unknown[] = [];
      const mark = this.index.mark();
      i = this.flowSpace(i + 1, indent);
      if (t.charCodeAt(i) !== 93 /* ] */) {
        for (;;) {
          const at = i;
          const value = this.flowItem(i, indent, depth);
          out.push(value);
          this.add(undefined, at, value);
          i = this.flowSpace(this.end, indent);
          const d = t.charCodeAt(i);
          if (d === 58 /* : */) decline(); // `[a: 1]`: a pair inside a sequence
          if (d === 93) break;
          if (d !== 44) decline();
          i = this.flowSpace(i + 1, indent);
          if (t.charCodeAt(i) === 93) decline();
        }
      }
      this.made = mark;
      this.end = i + 1;
      return out;
    }
    return decline();
  }

  /** A value inside a flow collection; leaves in `end` the offset after it. */
  private flowItem(i: number, indent: number, depth: number): unknown {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c === 123 /* { */ || c === 91 /* [ */) return this.flowValue(i, indent, depth + 1);
    if (c === 34 /* " */ || c === 39 /* ' */) return this.quoted(i, this.lineEndFrom(i));
    if (!plainStart(t, i, true)) decline();
    const e = this.flowPlainEnd(i);
    let s = e;
    while (t.charCodeAt(s - 1) === 32) s--;
    this.end = e;
    return this.plain(i, s);
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
