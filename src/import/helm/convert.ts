// How Sprig turns template values into the Go types its functions work on (spf13/cast's rules: a string
// that is no number is 0, a float is truncated), plus Sprig's `empty`, deep copies and deep equality.
import { FuncError, GoStruct, kindName, toGoString, typeName } from '../gotemplate/index.js';

/** Wraps to Go's int64, as Go's arithmetic does. */
export const int64 = (n: bigint): bigint => BigInt.asIntN(64, n);

/** A float64 converted to int64 the way Go converts it (truncation; out of range saturates here). */
export function floatToInt(f: number): bigint {
  if (!Number.isFinite(f)) return -(1n << 63n);
  const t = Math.trunc(f);
  if (t >= 2 ** 63) return (1n << 63n) - 1n;
  if (t < -(2 ** 63)) return -(1n << 63n);
  return BigInt(t);
}

/** cast.ToInt64 as Sprig calls it: failures are 0. */
export function toInt64(v: unknown): bigint {
  if (typeof v === 'bigint') return int64(v);
  if (typeof v === 'number') return floatToInt(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') {
    // cast trims a zero decimal part ("3.0" -> "3") before parsing with base prefixes.
    const s = v.replace(/^([+-]?\d+)\.0*$/, '$1');
    const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[1-9][0-9]*|0)$/.exec(s);
    if (!m) return 0n;
    const body = m[2].replace(/^0(?=[0-7])/, '0o');
    try {
      const n = BigInt(body);
      const signed = m[1] === '-' ? -n : n;
      return signed >= -(1n << 63n) && signed < 1n << 63n ? signed : 0n;
    } catch {
      return 0n;
    }
  }
  return 0n;
}

/** cast.ToFloat64: failures are 0. */
export function toFloat64(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim() === v ? v : '';
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i.test(t)) return 0;
    const lower = t.toLowerCase().replace(/^\+/, '');
    if (lower === 'nan') return NaN;
    if (lower.endsWith('inf') || lower.endsWith('infinity')) return lower.startsWith('-') ? -Infinity : Infinity;
    return Number(t);
  }
  return 0;
}

/** Sprig's empty: nil, false, 0, "" and empty lists and maps. */
export function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'bigint') return v === 0n;
  if (typeof v === 'number') return v === 0;
  if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  return false;
}

/** Sprig's strslice: a list's non-nil items as strings; a lone value as a list of one. */
export function toStringList(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(toGoString);
  if (v === null || v === undefined) return [];
  return [toGoString(v)];
}

/** The list Sprig's list functions take, or its error naming the function. */
export function asList(v: unknown, what: string): unknown[] {
  if (Array.isArray(v)) return v;
  throw new FuncError(`Cannot ${what} on type ${kindName(v)}`);
}

export function asMap(v: unknown): Map<string, unknown> {
  if (v instanceof Map) return v as Map<string, unknown>;
  if (v === null || v === undefined) return new Map();
  throw new FuncError(`wrong type for value; expected map[string]interface {}; got ${typeName(v)}`);
}

export function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, deepCopy(x)]));
  return v;
}

/** reflect.DeepEqual on template values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (a instanceof Map && b instanceof Map) {
    return a.size === b.size && [...a].every(([k, x]) => b.has(k) && deepEqual(x, b.get(k)));
  }
  if (a instanceof GoStruct && b instanceof GoStruct) return a.typeName === b.typeName && deepEqual(new Map(a.fields), new Map(b.fields));
  return false;
}

/** A Go value as plain data for JSON and YAML: structs become maps of their fields. */
export function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, plain(x)]));
  if (v instanceof GoStruct) return new Map([...v.fields].map(([k, x]) => [k, plain(x)]));
  return v;
}
