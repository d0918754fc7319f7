// Sprig's functions over values: defaults, lists, dicts, arithmetic (int64, via spf13/cast's conversions),
// type reflection, and the clock, fixed at 1970-01-01 UTC so that every render is the same.
import { FuncError, type GoFunction, GoStruct, kindName, sortedKeys, toGoString, typeName } from '../gotemplate/index.js';
import { asList, asMap, deepCopy, deepEqual, floatToInt, int64, isEmpty, toFloat64, toInt64, toStringList } from './convert.js';
import { fn } from './sprig-strings.js';

/** Lists longer than this are refused rather than built. */
const MAX_LIST = 1_000_000;

function checkedLength(n: bigint): number {
  if (n > BigInt(MAX_LIST)) throw new FuncError(`stops: a list of ${n} items is more than ${MAX_LIST.toLocaleString('en-US')}`);
  return Number(n);
}

function untilStep(start: bigint, stop: bigint, step: bigint): bigint[] {
  if (step === 0n || (step > 0n && start >= stop) || (step < 0n && start <= stop)) return [];
  const count = (stop - start + step - (step > 0n ? 1n : -1n)) / step;
  checkedLength(count);
  const out: bigint[] = [];
  for (let i = start; step > 0n ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

function dict(args: unknown[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (let i = 0; i < args.length; i += 2) out.set(toGoString(args[i]), i + 1 < args.length ? args[i + 1] : '');
  return out;
}

/** mergo's deep merge as Sprig uses it: without override an empty destination is filled; with it a non-empty source wins. */
function mergeInto(dst: Map<string, unknown>, src: Map<string, unknown>, override: boolean): Map<string, unknown> {
  for (const [k, sv] of src) {
    const dv = dst.get(k);
    if (dv instanceof Map && sv instanceof Map) mergeInto(dv as Map<string, unknown>, sv as Map<string, unknown>, override);
    else if (!dst.has(k) || (override ? !isEmpty(sv) : isEmpty(dv))) dst.set(k, deepCopy(sv));
  }
  return dst;
}

function has(needle: unknown, haystack: unknown): boolean {
  if (haystack === null) return false;
  return asList(haystack, 'find has').some((x) => deepEqual(x, needle));
}

function uniq(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of list) if (!out.some((y) => deepEqual(x, y))) out.push(x);
  return out;
}

function sliceList(list: unknown, indices: unknown[]): unknown[] {
  const l = asList(list, 'slice');
  const start = indices.length > 0 ? Number(toInt64(indices[0])) : 0;
  const end = indices.length > 1 ? Number(toInt64(indices[1])) : l.length;
  if (start < 0 || end > l.length || start > end) throw new FuncError(`runtime error: slice bounds out of range [${start}:${end}] with capacity ${l.length}`);
  return l.slice(start, end);
}

function dig(args: unknown[]): unknown {
  if (args.length < 3) throw new FuncError(`wrong number of args for dig: want at least 3 got ${args.length}`);
  const dict = asMap(args[args.length - 1]);
  const fallback = args[args.length - 2];
  const keys = args.slice(0, -2).map(toGoString);
  let current: unknown = dict;
  for (const k of keys) {
    if (!(current instanceof Map) || !current.has(k)) return fallback;
    current = current.get(k);
  }
  return current;
}

function divide(a: bigint, b: bigint, op: 'div' | 'mod'): bigint {
  if (b === 0n) throw new FuncError('runtime error: integer divide by zero');
  return int64(op === 'div' ? a / b : a % b);
}

function round(v: unknown, places: bigint, half = 0.5): number {
  const f = toFloat64(v);
  const pow = 10 ** Number(places);
  const digit = f * pow;
  const whole = Math.trunc(digit);
  return (digit - whole >= half ? Math.ceil(digit) : Math.floor(digit)) / pow;
}

// --- The clock --------------------------------------------------------------------------------------

const EPOCH = new Date(0);
const TIME_TYPE = 'time.Time';

export const timeValue = (d: Date): GoStruct =>
  new GoStruct(TIME_TYPE, new Map([['Unix', BigInt(Math.floor(d.getTime() / 1000))]]), new Map([
    ['Unix', fn([], () => BigInt(Math.floor(d.getTime() / 1000)))],
    ['Year', fn([], () => BigInt(d.getUTCFullYear()))],
    ['UTC', fn([], () => timeValue(d))],
    ['Format', fn(['string'], ([layout]) => formatTime(d, layout))],
  ]), () => `${formatTime(d, '2006-01-02 15:04:05.999999999 -0700 MST')}`);

const dateOf = (v: unknown): Date => {
  if (v instanceof GoStruct && v.typeName === TIME_TYPE) return new Date(Number(v.fields.get('Unix')) * 1000);
  if (typeof v === 'bigint') return new Date(Number(v) * 1000);
  return EPOCH;
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Go's reference-time layouts (2006-01-02 15:04:05), in UTC. */
export function formatTime(d: Date, layout: string): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  const h12 = d.getUTCHours() % 12 || 12;
  const tokens: Array<[string, () => string]> = [
    ['2006', () => String(d.getUTCFullYear())], ['January', () => MONTHS[d.getUTCMonth()]], ['Jan', () => MONTHS[d.getUTCMonth()].slice(0, 3)],
    ['Monday', () => DAYS[d.getUTCDay()]], ['Mon', () => DAYS[d.getUTCDay()].slice(0, 3)], ['MST', () => 'UTC'],
    ['Z07:00', () => 'Z'], ['-07:00', () => '+00:00'], ['-0700', () => '+0000'], ['Z0700', () => 'Z'],
    ['.999999999', () => ''], ['.000000000', () => '.000000000'], ['.000000', () => '.000000'], ['.000', () => '.000'],
    ['01', () => p2(d.getUTCMonth() + 1)], ['02', () => p2(d.getUTCDate())], ['_2', () => String(d.getUTCDate()).padStart(2, ' ')],
    ['06', () => p2(d.getUTCFullYear() % 100)], ['15', () => p2(d.getUTCHours())], ['03', () => p2(h12)], ['04', () => p2(d.getUTCMinutes())],
    ['05', () => p2(d.getUTCSeconds())], ['PM', () => (d.getUTCHours() < 12 ? 'AM' : 'PM')], ['pm', () => (d.getUTCHours() < 12 ? 'am' : 'pm')],
    ['1', () => String(d.getUTCMonth() + 1)], ['2', () => String(d.getUTCDate())], ['3', () => String(h12)], ['4', () => String(d.getUTCMinutes())],
    ['5', () => String(d.getUTCSeconds())],
  ];
  let out = '';
  for (let i = 0; i < layout.length;) {
    const hit = tokens.find(([t]) => layout.startsWith(t, i));
    if (hit) {
      out += hit[1]();
      i += hit[0].length;
    } else out += layout[i++];
  }
  return out;
}

// --- The table --------------------------------------------------------------------------------------

const compareNumbers = (pick: (a: bigint, b: bigint) => boolean) => (args: unknown[]): bigint =>
  args.map(toInt64).reduce((best, x) => (pick(x, best) ? x : best));
const compareFloats = (pick: (a: number, b: number) => boolean) => (args: unknown[]): number =>
  args.map(toFloat64).reduce((best, x) => (pick(x, best) ? x : best));

export const DATA_FUNCTIONS: Array<[string, GoFunction]> = [
  ['default', fn(['any'], ([d, ...given]) => (given.length === 0 || isEmpty(given[0]) ? d : given[0]), 'any')],
  ['empty', fn(['any'], ([v]) => isEmpty(v))],
  ['coalesce', fn([], (args) => args.find((a) => !isEmpty(a)) ?? null, 'any')],
  ['all', fn([], (args) => args.every((a) => !isEmpty(a)), 'any')],
  ['any', fn([], (args) => args.some((a) => !isEmpty(a)), 'any')],
  ['ternary', fn(['any', 'any', 'bool'], ([t, f, c]) => (c ? t : f))],
  ['int', fn(['any'], ([v]) => toInt64(v))],
  ['int64', fn(['any'], ([v]) => toInt64(v))],
  ['float64', fn(['any'], ([v]) => toFloat64(v))],
  ['atoi', fn(['string'], ([s]) => (/^[+-]?\d+$/.test(s) ? int64(BigInt(s)) : 0n))],
  ['toStrings', fn(['any'], ([v]) => toStringList(v))],
  ['add', fn([], (args) => int64(args.map(toInt64).reduce((a, b) => a + b, 0n)), 'any')],
  ['add1', fn(['any'], ([v]) => int64(toInt64(v) + 1n))],
  ['sub', fn(['any', 'any'], ([a, b]) => int64(toInt64(a) - toInt64(b)))],
  ['mul', fn(['any'], ([a, ...rest]) => rest.map(toInt64).reduce((x, y) => int64(x * y), toInt64(a)), 'any')],
  ['div', fn(['any', 'any'], ([a, b]) => divide(toInt64(a), toInt64(b), 'div'))],
  ['mod', fn(['any', 'any'], ([a, b]) => divide(toInt64(a), toInt64(b), 'mod'))],
  ['max', fn(['any'], compareNumbers((a, b) => a > b), 'any')],
  ['biggest', fn(['any'], compareNumbers((a, b) => a > b), 'any')],
  ['min', fn(['any'], compareNumbers((a, b) => a < b), 'any')],
  ['maxf', fn(['any'], compareFloats((a, b) => a > b), 'any')],
  ['minf', fn(['any'], compareFloats((a, b) => a < b), 'any')],
  ['addf', fn([], (args) => args.map(toFloat64).reduce((a, b) => a + b, 0), 'any')],
  ['add1f', fn(['any'], ([v]) => toFloat64(v) + 1)],
  ['subf', fn(['any'], ([a, ...rest]) => rest.map(toFloat64).reduce((x, y) => x - y, toFloat64(a)), 'any')],
  ['mulf', fn(['any'], ([a, ...rest]) => rest.map(toFloat64).reduce((x, y) => x * y, toFloat64(a)), 'any')],
  ['divf', fn(['any'], ([a, ...rest]) => rest.map(toFloat64).reduce((x, y) => x / y, toFloat64(a)), 'any')],
  ['floor', fn(['any'], ([v]) => Math.floor(toFloat64(v)))],
  ['ceil', fn(['any'], ([v]) => Math.ceil(toFloat64(v)))],
  ['round', fn(['any', 'int'], ([v, p, ...h]) => round(v, p, h.length ? toFloat64(h[0]) : 0.5), 'float')],
  ['until', fn(['int'], ([n]) => untilStep(0n, n, n < 0n ? -1n : 1n))],
  ['untilStep', fn(['int', 'int', 'int'], ([a, b, s]) => untilStep(a, b, s))],
  ['seq', fn([], (args) => {
    const n = args.map((a) => toInt64(a));
    const [start, end, step] = n.length === 1 ? [1n, n[0], 1n] : n.length === 2 ? [n[0], n[1], n[0] <= n[1] ? 1n : -1n] : [n[0], n[2], n[1]];
    return untilStep(start, end + (step > 0n ? 1n : -1n), step).join(' ');
  }, 'any')],
  ['list', fn([], (args) => [...args], 'any')],
  ['tuple', fn([], (args) => [...args], 'any')],
  ['dict', fn([], dict, 'any')],
  ['get', fn(['map', 'string'], ([d, k]) => (asMap(d).has(k) ? asMap(d).get(k) : ''))],
  ['set', fn(['map', 'string', 'any'], ([d, k, v]) => asMap(d).set(k, v))],
  ['unset', fn(['map', 'string'], ([d, k]) => {
    asMap(d).delete(k);
    return asMap(d);
  })],
  ['hasKey', fn(['map', 'string'], ([d, k]) => asMap(d).has(k))],
  ['keys', fn([], (dicts) => dicts.flatMap((d) => sortedKeys(asMap(d))).sort(), 'map')],
  ['values', fn(['map'], ([d]) => sortedKeys(asMap(d)).map((k) => asMap(d).get(k)))],
  ['pluck', fn(['string'], ([k, ...dicts]) => dicts.map(asMap).filter((d) => d.has(k)).map((d) => d.get(k)), 'map')],
  ['pick', fn(['map'], ([d, ...ks]) => new Map([...asMap(d)].filter(([k]) => ks.map(toGoString).includes(k))), 'any')],
  ['omit', fn(['map'], ([d, ...ks]) => new Map([...asMap(d)].filter(([k]) => !ks.map(toGoString).includes(k))), 'any')],
  ['merge', fn(['map'], ([dst, ...srcs]) => srcs.reduce((d, s) => mergeInto(d, asMap(s), false), asMap(dst)), 'map')],
  ['mustMerge', fn(['map'], ([dst, ...srcs]) => srcs.reduce((d, s) => mergeInto(d, asMap(s), false), asMap(dst)), 'map')],
  ['mergeOverwrite', fn(['map'], ([dst, ...srcs]) => srcs.reduce((d, s) => mergeInto(d, asMap(s), true), asMap(dst)), 'map')],
  ['mustMergeOverwrite', fn(['map'], ([dst, ...srcs]) => srcs.reduce((d, s) => mergeInto(d, asMap(s), true), asMap(dst)), 'map')],
  ['deepCopy', fn(['any'], ([v]) => deepCopy(v))],
  ['mustDeepCopy', fn(['any'], ([v]) => deepCopy(v))],
  ['dig', fn([], dig, 'any')],
  ['first', fn(['any'], ([l]) => asList(l, 'find first')[0] ?? null)],
  ['last', fn(['any'], ([l]) => asList(l, 'find last').at(-1) ?? null)],
  ['rest', fn(['any'], ([l]) => asList(l, 'find rest').slice(1))],
  ['initial', fn(['any'], ([l]) => asList(l, 'find initial').slice(0, -1))],
  ['append', fn(['any', 'any'], ([l, v]) => [...asList(l ?? [], 'push'), v])],
  ['push', fn(['any', 'any'], ([l, v]) => [...asList(l ?? [], 'push'), v])],
  ['prepend', fn(['any', 'any'], ([l, v]) => [v, ...asList(l ?? [], 'prepend')])],
  ['concat', fn([], (lists) => lists.flatMap((l) => asList(l, 'concat type')), 'any')],
  ['reverse', fn(['any'], ([l]) => [...asList(l, 'find reverse')].reverse())],
  ['uniq', fn(['any'], ([l]) => uniq(asList(l, 'find uniq')))],
  ['compact', fn(['any'], ([l]) => asList(l, 'compact').filter((x) => !isEmpty(x)))],
  ['without', fn(['any'], ([l, ...omit]) => asList(l, 'find without').filter((x) => !omit.some((o) => deepEqual(o, x))), 'any')],
  ['has', fn(['any', 'any'], ([needle, haystack]) => has(needle, haystack))],
  ['slice', fn(['any'], ([l, ...idx]) => sliceList(l, idx), 'any')],
  ['sortAlpha', fn(['any'], ([l]) => toStringList(l).sort())],
  ['join', fn(['string', 'any'], ([sep, l]) => toStringList(l).join(sep))],
  ['split', fn(['string', 'string'], ([sep, s]) => new Map((s as string).split(sep).map((p: string, i: number) => [`_${i}`, p])))],
  ['splitList', fn(['string', 'string'], ([sep, s]) => (sep === '' ? [...s] : s.split(sep)))],
  ['splitn', fn(['string', 'int', 'string'], ([sep, n, s]) => {
    const parts = s.split(sep);
    const count = Number(n);
    const kept = count > 0 && parts.length > count ? [...parts.slice(0, count - 1), parts.slice(count - 1).join(sep)] : parts;
    return new Map(kept.map((p: string, i: number) => [`_${i}`, p]));
  })],
  ['typeOf', fn(['any'], ([v]) => typeName(v))],
  ['typeIs', fn(['string', 'any'], ([t, v]) => t === typeName(v))],
  ['typeIsLike', fn(['string', 'any'], ([t, v]) => t === typeName(v) || `*${t}` === typeName(v))],
  ['kindOf', fn(['any'], ([v]) => kindName(v))],
  ['kindIs', fn(['string', 'any'], ([t, v]) => t === kindName(v))],
  ['deepEqual', fn(['any', 'any'], ([a, b]) => deepEqual(a, b))],
  ['now', fn([], () => timeValue(EPOCH))],
  ['date', fn(['string', 'any'], ([layout, d]) => formatTime(dateOf(d), layout))],
  ['dateInZone', fn(['string', 'any', 'string'], ([layout, d]) => formatTime(dateOf(d), layout))],
  ['date_in_zone', fn(['string', 'any', 'string'], ([layout, d]) => formatTime(dateOf(d), layout))],
  ['htmlDate', fn(['any'], ([d]) => formatTime(dateOf(d), '2006-01-02'))],
  ['htmlDateInZone', fn(['any', 'string'], ([d]) => formatTime(dateOf(d), '2006-01-02'))],
  ['unixEpoch', fn(['any'], ([d]) => String(Math.floor(dateOf(d).getTime() / 1000)))],
  ['toDate', fn(['string', 'string'], () => timeValue(EPOCH))],
  ['ago', fn(['any'], () => '0s')],
  ['duration', fn(['any'], ([v]) => `${floatToInt(toFloat64(v))}s`)],
];
