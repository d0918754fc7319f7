// Fast paths for reading model files. The `yaml` library builds a full syntax tree, then a document, then
// plain data: about 1 MB/s, with superlinear garbage collection on multi-megabyte files (a 100,000-element
// model took minutes). Model files use a small part of YAML, so this reads that part directly, line by line,
// into the same plain data and the same position index. Anything outside the subset (anchors, tags, block
// scalars, multi-line scalars, directives, duplicate keys, odd indentation, any error) is declined, and the
// caller falls back to the `yaml` library, which then gives its exact results and messages.
// JSON goes through JSON.parse plus a light scanner that records where each key and item starts.
// Pure: no Node APIs.
import { splitFlowArrow } from './flow-arrow.js';

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
 * Where every map entry (at its key) and sequence item starts, in flat typed arrays. Entries are numbered
 * in document order as they start (a collection before its children), so an entry's descendants are the
 * ids after it up to `next[id]`, which is also its next sibling's id. Two numbers and a key per entry, some
 * 16 bytes, against some 150 for a Map keyed by the full path (a 100,000-element model has 2.6 million
 * entries); no string hashing while reading, and nothing to renumber once read.
 */
export class PathIndex implements ReadonlyMap<string, number> {
  private offset: Int32Array;
  /** The id after the entry's subtree: its next sibling, if any. */
  private next: Int32Array;
  /** The entry's key in its mapping; undefined for a sequence item (and the root). */
  private key: Array<string | undefined>;
  /** The children of large collections, built on their first lookup: ids of a sequence's items, or key -> id. */
  private readonly kids = new Map<number, Int32Array | Map<string, number>>();
  private lastId = -1;
  private lastTable: Int32Array | Map<string, number> | undefined;
  size = 0;

  /** `capacity`: the number of entries expected (more only cost copies). */
  constructor(capacity = 1024) {
    this.offset = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.key = new Array<string | undefined>(capacity);
  }

  /** Starts an entry at `offset`, before its value is read; `close` it once the value is. */
  open(key: string | undefined, offset: number): number {
    const id = this.size++;
    if (id === this.offset.length) {
      this.offset = resize(this.offset, id * 2);
      this.next = resize(this.next, id * 2);
    }
    this.offset[id] = offset;
    this.key[id] = key;
    return id;
  }

  /** Ends an entry: every entry started since `open` returned `id` is its descendant. */
  close(id: number): void {
    this.next[id] = this.size;
  }

  /**
   * Whether `key` is the key of an entry opened since `first` at the level of `first` (the siblings
   * before the entry about to be opened), looking at no more than `limit` of them: undefined if more.
   */
  hasKeyAmong(first: number, key: string, limit: number): boolean | undefined {
    let n = 0;
    for (let id = first; id < this.size; id = this.next[id]) {
      if (n++ === limit) return undefined;
      if (this.key[id] === key) return true;
    }
    return false;
  }

  /** The keys of the entries opened since `first` at its level. */
  keysFrom(first: number): Array<string | undefined> {
    const keys: Array<string | undefined> = [];
    for (let id = first; id < this.size; id = this.next[id]) keys.push(this.key[id]);
    return keys;
  }

  /** Once read: the arrays shrink to their contents, as the index lives as long as the model. */
  finish(): this {
    this.offset = this.offset.slice(0, this.size);
    this.next = this.next.slice(0, this.size);
    this.key = this.key.slice(0, this.size);
    return this;
  }

  /** The child of `id` at a path segment, -1 if none. */
  private child(id: number, seg: string | number): number {
    const end = this.next[id];
    const first = id + 1;
    if (first >= end) return -1;
    const sequence = this.key[first] === undefined;
    let index = -1;
    let key = '';
    if (sequence) {
      index = typeof seg === 'number' ? seg : Number(seg);
      if (!(Number.isInteger(index) && index >= 0 && (typeof seg === 'number' || String(index) === seg))) return -1;
    } else key = typeof seg === 'number' ? String(seg) : seg;
    // Lookups come in runs into the same large collection (`elements`, `flows`): the last table is at hand.
    let table = id === this.lastId ? this.lastTable : undefined;
    if (table === undefined) {
      let kid = first;
      for (let n = 0; n < SMALL; n++) {
        if (sequence ? n === index : this.key[kid] === key) return kid;
        kid = this.next[kid];
        if (kid >= end) return -1;
      }
      table = this.kids.get(id) ?? this.table(first, end, sequence);
      this.kids.set(id, table);
      this.lastId = id;
      this.lastTable = table;
    }
    if (table instanceof Int32Array) return index < table.length ? table[index] : -1;
    return table.get(key) ?? -1;
  }

  /** The children from `first` to `end` of a large collection, by position in a sequence or by key. */
  private table(first: number, end: number, sequence: boolean): Int32Array | Map<string, number> {
    if (!sequence) {
      const map = new Map<string, number>();
      for (let kid = first; kid < end; kid = this.next[kid]) map.set(this.key[kid]!, kid);
      return map;
    }
    let count = 0;
    for (let kid = first; kid < end; kid = this.next[kid]) count++;
    const ids = new Int32Array(count);
    count = 0;
    for (let kid = first; kid < end; kid = this.next[kid]) ids[count++] = kid;
    return ids;
  }

  get(path: string): number | undefined {
    if (this.size === 0) return undefined;
    let id = 0;
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
    if (this.size === 0) return undefined;
    let id = 0;
    for (let i = 0; i < path.length; i++) {
      const next = this.child(id, path[i]);
      if (next < 0) break;
      id = next;
    }
    return this.offset[id];
  }

  *entries(): MapIterator<[string, number]> {
    if (this.size === 0) return;
    /** The paths of the open ancestors of the entry being listed, innermost last, and where each ends. */
    const paths: string[] = [''];
    const ends: number[] = [this.next[0]];
    const counts: number[] = [0];
    yield ['', this.offset[0]];
    for (let id = 1; id < this.size; id++) {
      while (ends[ends.length - 1] <= id) {
        paths.pop();
        ends.pop();
        counts.pop();
      }
      const top = paths.length - 1;
      const path = paths[top] + PATH_SEP + (this.key[id] ?? String(counts[top]));
      counts[top]++;
      yield [path, this.offset[id]];
      paths.push(path);
      ends.push(this.next[id]);
      counts.push(0);
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

/** Model files have an entry (a key or an item) per 16 characters or so; a few more is room to spare. */
const expectedEntries = (text: string): number => Math.max(1024, Math.ceil(text.length / 14));

/** Collections up to this size are searched entry by entry; larger ones get a lookup table. */
const SMALL = 8;

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
 * declined and left to the library.
 */
class JsonIndexer {
  private i = 0;
  private readonly index: PathIndex;
  /** Keys are kept by the index only, so they are detached copies (see ShortStrings). */
  private readonly strings = new ShortStrings(false);
  private readonly keys: DuplicateKeys;
  /** The first backslash at or after the last key read, -1 if none: keys before it need no unescaping. */
  private backslash: number;
  constructor(private readonly text: string) {
    this.index = new PathIndex(expectedEntries(text));
    this.keys = new DuplicateKeys(this.index);
    this.backslash = text.indexOf('\\');
  }

  run(): PathIndex {
    this.ws();
    const root = this.index.open(undefined, this.i);
    this.value(0);
    this.index.close(root);
    return this.index.finish();
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

  /** Scans the value at the cursor. */
  private value(depth: number): void {
    const t = this.text;
    const c = t.charCodeAt(this.i);
    if (c === 123 /* { */) {
      if (depth + 1 > MAX_DEPTH) decline();
      this.i++;
      this.ws();
      if (t.charCodeAt(this.i) === 125) {
        this.i++;
        return;
      }
      const first = this.index.size;
      for (;;) {
        const start = this.i;
        const end = this.skipString();
        if (this.backslash >= 0 && this.backslash < start) this.backslash = t.indexOf('\\', start);
        const escaped = this.backslash >= 0 && this.backslash < end;
        const key = escaped ? JSON.parse(t.slice(start, end)) as string : this.strings.slice(t, start + 1, end - 1);
        if (key.length === 9 && key === '__proto__') decline();
        this.keys.check(first, key);
        this.i = end;
        this.ws();
        this.i++; // ':'
        this.ws();
        const id = this.index.open(key, start);
        this.value(depth + 1);
        this.index.close(id);
        this.ws();
        if (t.charCodeAt(this.i++) === 125) break;
        this.ws();
      }
      return;
    }
    if (c === 91 /* [ */) {
      if (depth + 1 > MAX_DEPTH) decline();
      this.i++;
      this.ws();
      if (t.charCodeAt(this.i) === 93) {
        this.i++;
        return;
      }
      for (;;) {
        const id = this.index.open(undefined, this.i);
        this.value(depth + 1);
        this.index.close(id);
        this.ws();
        if (t.charCodeAt(this.i++) === 93) return;
        this.ws();
      }
    }
    if (c === 34) {
      this.i = this.skipString();
      return;
    }
    // number, true, false, null
    let i = this.i;
    for (;;) {
      const d = t.charCodeAt(i);
      if (d === 44 || d === 93 || d === 125 || d === 32 || d === 10 || d === 13 || d === 9 || Number.isNaN(d)) break;
      i++;
    }
    this.i = i;
  }
}

/**
 * Finds duplicate keys, which the fast paths decline (yaml reports them). A map's earlier keys are its
 * entries in the index, compared one by one until the map grows large (`elements`): then a set.
 */
class DuplicateKeys {
  /** The sets of the large maps, by the id of their first entry. */
  private readonly sets = new Map<number, Set<string | undefined>>();
  constructor(private readonly index: PathIndex) {}

  /** Declines `key` if the map whose first entry has id `first` (the index's size when it began) has it already. */
  check(first: number, key: string): void {
    const found = this.index.hasKeyAmong(first, key, SMALL);
    if (found === true) decline();
    if (found === undefined) {
      let set = this.sets.get(first);
      if (set === undefined) {
        set = new Set(this.index.keysFrom(first));
        this.sets.set(first, set);
      }
      if (set.has(key)) decline();
      set.add(key);
    }
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
 * The YAML reader's keys have a cache of their own, and need no detached copy: V8 replaces a string
 * stored as a property key with its own copy of the key.
 */
class ShortStrings {
  private readonly cache = new Array<string | undefined>(CACHE_SIZE);
  constructor(private readonly propertyKeys: boolean) {}

  /** `t.slice(start, end)`, or an equal string read before. */
  slice(t: string, start: number, end: number): string {
    const n = end - start;
    if (n > CACHE_MAX_LENGTH || n <= 0) return this.cut(t, start, end);
    const slot = (t.charCodeAt(start) * 31 + t.charCodeAt(end - 1) * 7 + t.charCodeAt(start + (n >> 1)) + n * 131) & (CACHE_SIZE - 1);
    const cached = this.cache[slot];
    if (cached !== undefined && cached.length === n) {
      let i = 0;
      while (i < n && cached.charCodeAt(i) === t.charCodeAt(start + i)) i++;
      if (i === n) return cached;
    }
    const s = this.cut(t, start, end);
    this.cache[slot] = s;
    return s;
  }

  private cut(t: string, start: number, end: number): string {
    return this.propertyKeys ? t.slice(start, end) : detached(t.slice(start, end));
  }
}

// --- YAML subset -----------------------------------------------------------------------------------------

/** What a plain scalar means in the YAML 1.2 core schema, as `yaml` resolves it (same tests, same order). */
function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Fast exit for the common case: a word that starts with a letter.
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
    // Only words of 4 or 5 letters starting with n, t or f can be null or a boolean: most compare nothing.
    const n = s.length;
    if (n === 4 && (c === 110 || c === 78)) {
      if (s === 'null' || s === 'Null' || s === 'NULL') return null;
    } else if (n === 4 && (c === 116 || c === 84)) {
      if (s === 'true' || s === 'True' || s === 'TRUE') return true;
    } else if (n === 5 && (c === 102 || c === 70)) {
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

/** By character code: 1 for what cannot start a plain scalar, 2 for what can only when a safe character follows. */
const PLAIN_START = new Uint8Array(128);
for (const c of '#&*!|>\'"%@`,[]{} \n\r') PLAIN_START[c.charCodeAt(0)] = 1;
for (const c of '-?:') PLAIN_START[c.charCodeAt(0)] = 2;
/** By character code: 1 for the flow indicators `,[]{}`. */
const FLOW_INDICATOR = new Uint8Array(128);
for (const c of ',[]{}') FLOW_INDICATOR[c.charCodeAt(0)] = 1;

/** A plain scalar may not start with an indicator, except `-`, `?` and `:` directly followed by a safe character. */
function plainStart(text: string, i: number, flow: boolean): boolean {
  const c = text.charCodeAt(i);
  if (Number.isNaN(c)) return false;
  const kind = c < 128 ? PLAIN_START[c] : 0;
  if (kind === 0) return true;
  if (kind === 1) return false;
  const n = text.charCodeAt(i + 1);
  if (Number.isNaN(n) || n === 32 || n === 10 || n === 13) return false;
  return !(flow && n < 128 && FLOW_INDICATOR[n] === 1);
}

/** Characters the fast path leaves to the library: tabs, control characters, carriage returns not before a newline. */
const UNSUPPORTED_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\t\u0085\u2028\u2029\ufeff]/;
const LONE_CR = /\r(?!\n)/;

/**
 * A shorthand flow `- a -> b: value` of the model's `flows:` list, as the YAML reader hands it to loading
 * when asked to (see fastParseYaml): in place of a map keyed by its arrow. Every such map has a key of its
 * own, so V8 gave each a hidden class of its own (a transition) and the key a place in the string table;
 * this is one class for all, with the arrow already split (as FLOW_ARROW would).
 */
export class ShorthandFlow {
  constructor(readonly arrow: string, readonly from: string, readonly to: string, readonly value: unknown) {}

  /** The map that the entry stands for, as the `yaml` library reads it. */
  toPlain(): Record<string, unknown> {
    return { [this.arrow]: this.value };
  }
}

/**
 * `shorthandFlows`: the items of the top-level `flows:` list that are shorthand flows come as ShorthandFlow
 * objects rather than maps (for loading, which reads them as flows; other readers want plain data).
 */
export function fastParseYaml(text: string, shorthandFlows = false): FastParse | undefined {
  // One character class scans about twice as fast as the class and the lookahead together.
  if (UNSUPPORTED_CHAR.test(text) || (text.includes('\r') && LONE_CR.test(text))) return undefined;
  try {
    return new YamlSubset(text, shorthandFlows).run();
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  }
}

/**
 * A recursive reader of block mappings and sequences, flow collections and single-line scalars. Each
 * entry is opened in the index where it starts, before its value is read, and closed after. Positions
 * travel in fields rather than in small objects: a large model has millions of lines and scalars, and
 * each object is garbage.
 */
class YamlSubset {
  /** Start of the first line not yet consumed. */
  private pos = 0;
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
  private readonly values = new ShortStrings(false);
  private readonly keys = new ShortStrings(true);
  private readonly index: PathIndex;
  private readonly seen: DuplicateKeys;
  /** The key of the entry `entry` read last. */
  private entryKey = '';
  /** True while the value of the top-level `flows:` key is read, until its list begins. */
  private flowsValue = false;
  constructor(private readonly text: string, private readonly shorthandFlows: boolean) {
    this.index = new PathIndex(expectedEntries(text));
    this.seen = new DuplicateKeys(this.index);
  }

  run(): FastParse {
    if (!this.peek()) decline();
    const first = this.lineContent;
    const root = this.index.open(undefined, first);
    let raw: unknown;
    const c = this.text.charCodeAt(first);
    if (c === 123 /* { */ || c === 91 /* [ */) {
      raw = this.flowValue(first, -1, 1);
      this.endOfLine(this.end, -1);
    } else {
      raw = this.blockNode(1);
    }
    if (this.peek()) decline(); // more content after the root node
    if (raw === null || typeof raw !== 'object') decline();
    this.index.close(root);
    return { raw, offsets: this.index.finish() };
  }

  /** The text from `start` to `end`, shared with an earlier equal string when short. */
  private slice(start: number, end: number): string {
    return this.values.slice(this.text, start, end);
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

  /**
   * Nothing but spaces and a comment from `i` to the end of its line; consumes the line. `lineEnd` is
   * where the line ends when `i` is on the line last peeked, -1 otherwise (it is then looked for).
   */
  private endOfLine(i: number, lineEnd: number): void {
    const t = this.text;
    const end = lineEnd >= i ? lineEnd : this.lineEndFrom(i);
    let j = i;
    while (j < end && t.charCodeAt(j) === 32) j++;
    if (j < end && !(t.charCodeAt(j) === 35 && j > i)) decline();
    this.pos = this.nextLineStart(end);
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
    return this.entries({}, this.index.size, first, indent, depth);
  }

  /** The entries of a block mapping from the one whose key starts at `keyAt` on, into `out`. */
  private entries(out: Record<string, unknown>, firstEntry: number, keyAt: number, indent: number, depth: number): Record<string, unknown> {
    for (;;) {
      const value = this.entry(firstEntry, keyAt, indent, depth);
      out[this.entryKey] = value;
      if (!this.moreEntries(indent)) return out;
      keyAt = this.lineContent;
    }
  }

  /** Whether the line just peeked holds the next key of a block mapping at `indent`. */
  private moreEntries(indent: number): boolean {
    if (!this.peek() || this.lineIndent < indent) return false;
    if (this.lineIndent > indent) decline(); // continuation of a scalar, or bad indentation
    if (this.isSeqItem()) decline(); // a sequence item among keys is an error
    return true;
  }

  /**
   * An item of the top-level `flows:` list that is a mapping starting at `at`: a ShorthandFlow when its
   * only key is an arrow, else the mapping.
   */
  private flowsItem(at: number, depth: number): unknown {
    if (depth > MAX_DEPTH) decline();
    const indent = at - this.lineStart;
    const firstEntry = this.index.size;
    const value = this.entry(firstEntry, at, indent, depth);
    const key = this.entryKey;
    const more = this.moreEntries(indent);
    const ends = more || !key.includes('->') ? undefined : splitFlowArrow(key);
    if (ends !== undefined) return new ShorthandFlow(key, ends[0], ends[1], value);
    const out: Record<string, unknown> = {};
    out[key] = value;
    return more ? this.entries(out, firstEntry, this.lineContent, indent, depth) : out;
  }

  /**
   * The key of a mapping entry (plain or quoted) at `at`, in the map whose first entry has id
   * `firstEntry` in the index; leaves in `end` the offset after its `:`. `lineEnd` is where the key's
   * line ends, -1 when not yet known (it is found only if needed).
   */
  private key(firstEntry: number, at: number, lineEnd: number, flow: boolean): string {
    const t = this.text;
    let key: string;
    let after: number;
    const c = t.charCodeAt(at);
    if (c === 34 /* " */ || c === 39 /* ' */) {
      key = this.quoted(at, lineEnd < 0 ? this.lineEndFrom(at) : lineEnd, this.keys);
      after = this.end;
      while (t.charCodeAt(after) === 32) after++;
      if (t.charCodeAt(after) !== 58 /* : */) decline();
      after++;
    } else {
      if (!plainStart(t, at, flow) || c === 63 /* ? */ || c === 45 /* - */) decline();
      const colon = flow ? this.flowPlainEnd(at) : this.keyColon(at, lineEnd);
      let e = colon;
      while (t.charCodeAt(e - 1) === 32) e--;
      const resolved = resolvePlain(this.keys.slice(t, at, e));
      if (typeof resolved !== 'string') decline(); // numeric or boolean keys: leave their conversion to the library
      key = resolved as string;
      if (t.charCodeAt(colon) !== 58 /* : */) decline(); // `{ a }`, or a key broken over lines
      after = colon + 1;
    }
    if (key.length > MAX_KEY || (key.length === 9 && key === '__proto__')) decline();
    this.seen.check(firstEntry, key);
    this.end = after;
    return key;
  }

  /**
   * One `key: value` whose key starts at `at`; consumes through the end of the value and returns it, the
   * key left in `entryKey`.
   */
  private entry(firstEntry: number, at: number, indent: number, depth: number): unknown {
    const t = this.text;
    const lineEnd = this.lineEnd; // every key of a block mapping is on the line last peeked
    const key = this.key(firstEntry, at, lineEnd, false);
    const id = this.index.open(key, at);
    // The reader's depth is 1 for the top-level mapping.
    this.flowsValue = this.shorthandFlows && depth === 1 && key === 'flows';
    let i = this.end;
    if (i < lineEnd && t.charCodeAt(i) !== 32) decline();
    while (i < lineEnd && t.charCodeAt(i) === 32) i++;
    let value: unknown;
    if (i >= lineEnd || t.charCodeAt(i) === 35) {
      // The value is on the following lines (or absent).
      this.endOfLine(i, lineEnd);
      value = this.blockValue(indent, depth);
    } else value = this.inlineValue(i, lineEnd, indent, depth);
    this.flowsValue = false;
    this.index.close(id);
    this.entryKey = key;
    return value;
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
      this.endOfLine(this.end, lineEnd); // (past lineEnd when the collection spans lines)
      return value;
    }
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const value = this.quoted(i, lineEnd, this.values);
      this.endOfLine(this.end, lineEnd);
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
    const flows = this.flowsValue;
    this.flowsValue = false;
    for (;;) {
      const lineEnd = this.lineEnd;
      let i = this.lineContent + 1;
      while (i < lineEnd && t.charCodeAt(i) === 32) i++;
      let id: number;
      if (i >= lineEnd || t.charCodeAt(i) === 35) {
        // `-` alone: the item is the block below it.
        this.endOfLine(i, lineEnd);
        if (!this.peek() || this.lineIndent <= indent) decline(); // an empty item
        id = this.index.open(undefined, this.lineContent);
        out.push(this.blockNode(depth + 1));
      } else {
        id = this.index.open(undefined, i);
        out.push(flows ? this.flowsListItem(i, indent, depth) : this.seqItem(i, indent, depth));
      }
      this.index.close(id);
      if (!this.peek() || this.lineIndent < indent) break;
      if (this.lineIndent > indent) decline();
      if (!this.isSeqItem()) break; // the parent mapping's next key
    }
    return exact(out);
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

  /** An item of the top-level `flows:` list, as seqItem reads it but for the mappings (see flowsItem). */
  private flowsListItem(i: number, indent: number, depth: number): unknown {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c === 45 /* - */ || c === 123 /* { */ || c === 91 /* [ */ || !this.startsMapping(i, this.lineEnd)) return this.seqItem(i, indent, depth);
    return this.flowsItem(i, depth + 1);
  }

  /** Whether the text at `i` is an implicit key followed by `:` (so the item is a mapping). */
  private startsMapping(i: number, lineEnd: number): boolean {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c === 34 /* " */ || c === 39 /* ' */) {
      this.quoted(i, lineEnd, this.keys);
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
   * ones and YAML-only escapes are left to the library. Short ones come from `strings`.
   */
  private quoted(i: number, lineEnd: number, strings: ShortStrings): string {
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
        return value === '' ? strings.slice(t, j, q) : detached(value + t.slice(j, q));
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
        if (!escaped) return strings.slice(t, i + 1, q);
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
      const firstEntry = this.index.size;
      i = this.flowSpace(i + 1, indent);
      if (t.charCodeAt(i) !== 125 /* } */) {
        for (;;) {
          const key = this.key(firstEntry, i, -1, true);
          const id = this.index.open(key, i);
          i = this.flowSpace(this.end, indent);
          const d = t.charCodeAt(i);
          if (d === 44 /* , */ || d === 125 /* } */) decline(); // `{ a: }`: an empty value
          out[key] = this.flowItem(i, indent, depth);
          this.index.close(id);
          i = this.flowSpace(this.end, indent);
          if (t.charCodeAt(i) === 125) break;
          if (t.charCodeAt(i) !== 44) decline();
          i = this.flowSpace(i + 1, indent);
          if (t.charCodeAt(i) === 125) decline(); // a trailing comma
        }
      }
      this.end = i + 1;
      return out;
    }
    if (c === 91 /* [ */) {
      const out: unknown[] = [];
      i = this.flowSpace(i + 1, indent);
      if (t.charCodeAt(i) !== 93 /* ] */) {
        for (;;) {
          const id = this.index.open(undefined, i);
          out.push(this.flowItem(i, indent, depth));
          this.index.close(id);
          i = this.flowSpace(this.end, indent);
          const d = t.charCodeAt(i);
          if (d === 58 /* : */) decline(); // `[a: 1]`: a pair inside a sequence
          if (d === 93) break;
          if (d !== 44) decline();
          i = this.flowSpace(i + 1, indent);
          if (t.charCodeAt(i) === 93) decline();
        }
      }
      this.end = i + 1;
      return exact(out);
    }
    return decline();
  }

  /** A value inside a flow collection; leaves in `end` the offset after it. */
  private flowItem(i: number, indent: number, depth: number): unknown {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c === 123 /* { */ || c === 91 /* [ */) return this.flowValue(i, indent, depth + 1);
    if (c === 34 /* " */ || c === 39 /* ' */) return this.quoted(i, this.lineEndFrom(i), this.values);
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

/** V8 gives a list grown by `push` room for 17 items; models hold many short lists, copied to size. */
const PUSH_ROOM = 17;

/** The list at its exact size when it is short. */
function exact(list: unknown[]): unknown[] {
  return list.length < PUSH_ROOM ? list.slice() : list;
}
