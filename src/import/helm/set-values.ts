// `--set` and `--set-string` as Helm reads them (its strvals package): `a.b=1,c={x,y},d[0].e=f` into
// values, typed as Helm types them (true/false, int64, null, else a string). Helm's quirks are kept where a
// chart could tell the difference; what Helm silently drops (an empty key such as `=1` or `a.`, a missing
// value after `a[0]`) is an error here, since it is always a typing mistake.
// Only a type is imported: the command line checks its options with this module before loading the renderer.
import type { Values } from './values.js';

/** A --set argument that is not `key=value[,key=value...]`, or that cannot apply over the values before it. */
export class SetValuesError extends Error {}

/**
 * Helm's limits: how deep a key may nest (MaxNestedNameLevel) and how far an index may pad a list (MaxIndex).
 * Indexes count towards the depth here, which Helm does not: `a[0][0]...` must not recurse without bound.
 */
const MAX_NESTING = 30;
const MAX_INDEX = 65536;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** The argument by code points, as Go reads runes: a backslash then takes a whole character, emoji included. */
class Scanner {
  private at = 0;
  private readonly runes: string[];

  constructor(text: string) {
    this.runes = Array.from(text);
  }

  get done(): boolean {
    return this.at >= this.runes.length;
  }

  peek(): string | undefined {
    return this.runes[this.at];
  }

  skip(): void {
    this.at++;
  }

  /**
   * Up to the first stop character not escaped by a backslash: the text before it (backslashes taken
   * off) and the stop, consumed; no stop at the end of the argument. A trailing backslash is dropped, as Helm drops it.
   */
  until(stops: string): { text: string; stop?: string } {
    let text = '';
    while (this.at < this.runes.length) {
      const r = this.runes[this.at++];
      if (stops.includes(r)) return { text, stop: r };
      if (r === '\\') {
        if (this.at < this.runes.length) text += this.runes[this.at++];
      } else text += r;
    }
    return { text };
  }
}

/**
 * A value as `--set` types it (strvals' typedVal): true, false and null in any case, `0` and decimal
 * integers not starting with 0 as int64 (a bigint, the executor's Go int), anything else (`1.5`, `007`,
 * a number past int64) the text itself.
 */
export function typedSetValue(text: string): unknown {
  // Go's EqualFold also folds the long s (U+017F) to s: `falſe` is false to Helm.
  const folded = text.toLowerCase().replace(/\u017f/g, 's');
  if (folded === 'true') return true;
  if (folded === 'false') return false;
  if (folded === 'null') return null;
  if (text === '0') return 0n;
  if (/^[+-]?[0-9]+$/.test(text) && !text.startsWith('0')) {
    const n = BigInt(text);
    if (n >= INT64_MIN && n <= INT64_MAX) return n;
  }
  return text;
}

/** What a key already holds, for the message when a --set needs it to be a map or a list. */
function describe(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof Map) return 'a map';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'number' || typeof v === 'bigint') return `the number ${v}`;
  return String(v);
}

/** Values are copied before a --set changes them, so that the caller's maps stay as they were. */
function copy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copy);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, copy(x)]));
  return v;
}

function setIndex(list: unknown[], index: number, value: unknown): unknown[] {
  while (list.length <= index) list.push(null);
  list[index] = value;
  return list;
}

const noValue = (name: string): SetValuesError => new SetValuesError(`${name} has no value; expected ${name}=VALUE`);

/** strvals' parser over one argument, writing into the values it is given. */
class SetParser {
  private readonly scanner: Scanner;

  constructor(text: string, private readonly asString: boolean) {
    this.scanner = new Scanner(text);
  }

  parse(into: Values): void {
    while (!this.scanner.done) this.key(into, '', 0);
  }

  private typed(text: string): unknown {
    return this.asString ? text : typedSetValue(text);
  }

  /** A key up to `=` (its value), `.` (a key of a map in it) or `[` (an index in the list it holds). */
  private key(data: Values, parent: string, depth: number): void {
    const { text: k, stop } = this.scanner.until('=[,.');
    const name = parent ? `${parent}.${k}` : k;
    if (k === '') {
      if (stop === undefined && parent === '') return;
      throw new SetValuesError(`${parent ? `a key after ${parent}.` : 'a key'} is empty${stop ? ` before "${stop}"` : ''}; expected NAME=VALUE (a dot in a name is written \\.)`);
    }
    if (stop === undefined) throw noValue(name);
    if (stop === ',') throw new SetValuesError(`${name} has no value before ","; expected ${name}=VALUE`);
    if (stop === '=') {
      data.set(k, this.value());
      return;
    }
    if (depth >= MAX_NESTING) throw new SetValuesError(`${name}: keys and indexes nest more than ${MAX_NESTING} deep`);
    const current = data.get(k);
    if (stop === '.') {
      if (data.has(k) && !(current instanceof Map)) throw new SetValuesError(`cannot set keys under ${name}: it is already ${describe(current)}, not a map`);
      const inner = data.has(k) ? (current as Values) : new Map<string, unknown>();
      this.key(inner, name, depth + 1);
      data.set(k, inner);
      return;
    }
    const index = this.index(name);
    if (data.has(k) && !Array.isArray(current)) throw new SetValuesError(`cannot set ${name}[${index}]: ${name} is already ${describe(current)}, not a list`);
    data.set(k, this.listItem(data.has(k) ? (current as unknown[]) : [], index, `${name}[${index}]`, depth + 1));
  }

  /** The index after `name[`, up to its `]`. */
  private index(name: string): number {
    const { text, stop } = this.scanner.until(']');
    if (stop === undefined) throw new SetValuesError(`${name}[${text} has no closing "]"; expected ${name}[INDEX]`);
    if (!/^[+-]?[0-9]+$/.test(text)) throw new SetValuesError(`${name}[${text}]: the index is not a whole number; expected ${name}[0], ${name}[1]...`);
    const index = Number(text);
    if (index < 0) throw new SetValuesError(`${name}[${text}]: a negative index is not allowed`);
    if (index > MAX_INDEX) throw new SetValuesError(`${name}[${text}]: the index is larger than ${MAX_INDEX}, the most Helm allows`);
    return index;
  }

  /** What follows `name[i]`: `=` and its value, `.` and a key of the map there, or `[` and an index of the list there. */
  private listItem(list: unknown[], index: number, name: string, depth: number): unknown[] {
    const { text, stop } = this.scanner.until('[.=');
    if (text !== '') throw new SetValuesError(`unexpected "${text}" after ${name}; expected ${name}=VALUE, ${name}.NAME=VALUE or ${name}[INDEX]=VALUE`);
    if (stop === undefined) throw noValue(name);
    if (stop === '=') return setIndex(list, index, this.value());
    if (depth >= MAX_NESTING) throw new SetValuesError(`${name}: keys and indexes nest more than ${MAX_NESTING} deep`);
    const current = list[index] ?? null;
    if (stop === '.') {
      // Helm replaces an item that is not a map (`a[0]=x,a[0].b=y`) rather than failing.
      const inner = current instanceof Map ? (current as Values) : new Map<string, unknown>();
      this.key(inner, name, depth + 1);
      return setIndex(list, index, inner);
    }
    const next = this.index(name);
    if (current !== null && !Array.isArray(current)) throw new SetValuesError(`cannot set ${name}[${next}]: ${name} is already ${describe(current)}, not a list`);
    return setIndex(list, index, this.listItem(current ?? [], next, `${name}[${next}]`, depth + 1));
  }

  /** After `=`: a list `{a,b}`, or the text up to the next unescaped comma. */
  private value(): unknown {
    if (this.scanner.peek() !== '{') return this.typed(this.scanner.until(',').text);
    this.scanner.skip();
    const texts: string[] = [];
    for (;;) {
      const { text, stop } = this.scanner.until(',}');
      texts.push(text);
      if (stop === undefined) throw new SetValuesError(`the list {${texts.join(',')} has no closing "}"; expected {A,B,...}`);
      if (stop === '}') break;
    }
    if (this.scanner.peek() === ',') this.scanner.skip();
    return texts.map((t) => this.typed(t));
  }
}

/**
 * One --set argument applied over `values` (the values files merged, and the --set arguments before it), as
 * Helm's strvals.ParseInto applies it: maps it names are added to, lists it indexes are changed in place, and
 * a key it names that holds something else is an error. Returns new values; `values` is left as it was.
 * With `asString` (--set-string) every value is its text.
 */
export function applySetValues(values: Values, text: string, asString = false): Values {
  const out = copy(values) as Values;
  new SetParser(text, asString).parse(out);
  return out;
}

/** What one --set argument sets on its own: for checking it before any chart is read. */
export function parseSetValues(text: string, asString = false): Values {
  return applySetValues(new Map(), text, asString);
}
