// text/template's predefined functions (and, or, not, len, index, slice, eq... print, printf, println, call,
// html, js, urlquery) with Go's rules: `eq` of an int and a float64 is an error, not false, and comparing
// with nil is false, not an error.
import { sprint, sprintf, sprintln } from './fmt.js';
import { FuncError, type GoFunction, GoFunctionValue, GoStruct, isTrue, typeName } from './value.js';

type Kind = 'bool' | 'int' | 'float' | 'string' | 'invalid' | 'other';

function basicKind(v: unknown): Kind {
  if (v === null || v === undefined) return 'invalid';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  return 'other';
}

const BAD_COMPARISON = 'incompatible types for comparison';

function equal(a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka !== kb) {
    if (ka !== 'invalid' && kb !== 'invalid') throw new FuncError(BAD_COMPARISON);
    return false;
  }
  if (ka === 'invalid') return true;
  if (ka !== 'other') return a === b;
  // Go compares structs by value but cannot compare maps, slices or funcs at all.
  if (a instanceof GoStruct && b instanceof GoStruct) return a === b;
  throw new FuncError(`non-comparable types ${typeName(a)}: ${typeName(a)}, ${typeName(b)}: ${typeName(b)}`);
}

function less(a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === 'invalid' || kb === 'invalid' || ka === 'bool' || ka === 'other' || kb === 'bool' || kb === 'other') {
    throw new FuncError('invalid type for comparison');
  }
  if (ka !== kb) throw new FuncError(BAD_COMPARISON);
  return (a as string | number | bigint) < (b as string | number | bigint);
}

function indexArg(index: unknown, cap: number): number {
  if (index === null) throw new FuncError('cannot index slice/array with nil');
  if (typeof index !== 'bigint') throw new FuncError(`cannot index slice/array with type ${typeName(index)}`);
  if (index < 0n || index > BigInt(cap)) throw new FuncError(`index out of range: ${index}`);
  return Number(index);
}

const utf8 = new TextEncoder();

function index(item: unknown, indexes: unknown[]): unknown {
  if (item === null) throw new FuncError('index of untyped nil');
  let current = item;
  for (const i of indexes) {
    if (current === null) throw new FuncError('index of nil pointer');
    if (Array.isArray(current)) {
      const x = indexArg(i, current.length);
      if (x === current.length) throw new FuncError(`index out of range: ${x}`);
      current = current[x];
    } else if (typeof current === 'string') {
      const bytes = utf8.encode(current);
      const x = indexArg(i, bytes.length);
      if (x === bytes.length) throw new FuncError(`index out of range: ${x}`);
      current = BigInt(bytes[x]);
    } else if (current instanceof Map) {
      if (typeof i !== 'string') throw new FuncError(`value has type ${typeName(i)}; should be string`);
      current = current.has(i) ? current.get(i) ?? null : null;
    } else throw new FuncError(`can't index item of type ${typeName(current)}`);
  }
  return current;
}

function length(item: unknown): bigint {
  if (item === null) throw new FuncError('len of nil pointer');
  if (typeof item === 'string') return BigInt(utf8.encode(item).length);
  if (Array.isArray(item)) return BigInt(item.length);
  if (item instanceof Map) return BigInt(item.size);
  throw new FuncError(`len of type ${typeName(item)}`);
}

const escapeHtml = (s: string): string =>
  s.replace(/[&'<>"\0]/g, (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[c] ?? c);

function escapeJs(s: string): string {
  return s.replace(/[\\'"<>&=\u0000-\u001f]/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === "'") return "\\'";
    if (c === '"') return '\\"';
    return `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  });
}

const queryEscape = (s: string): string =>
  [...utf8.encode(s)].map((b) => {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
    return c === ' ' ? '+' : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');

/** Go's escapers print their arguments as `print` would, a lone string as it is. */
const evalArgs = (args: unknown[]): string => (args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args));

const fn = (params: GoFunction['params'], call: GoFunction['call'], variadic?: GoFunction['variadic']): GoFunction =>
  (variadic ? { params, variadic, call } : { params, call });

const compare = (test: (a: unknown, b: unknown) => boolean): GoFunction => fn(['any', 'any'], ([a, b]) => test(a, b));

export const BUILTINS: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  ['and', { params: ['any'], variadic: 'any', shortCircuit: 'and', call: (args) => args.find((a) => !isTrue(a)) ?? args[args.length - 1] }],
  ['or', { params: ['any'], variadic: 'any', shortCircuit: 'or', call: (args) => args.find((a) => isTrue(a)) ?? args[args.length - 1] }],
  ['not', fn(['any'], ([a]) => !isTrue(a))],
  ['len', fn(['any'], ([a]) => length(a))],
  ['index', fn(['any'], ([item, ...rest]) => index(item, rest), 'any')],
  ['slice', fn(['any'], ([item, ...rest]) => sliceOf(item, rest), 'any')],
  ['eq', fn(['any'], ([a, ...rest]) => {
    if (rest.length === 0) throw new FuncError('missing argument for comparison');
    return rest.some((b) => equal(a, b));
  }, 'any')],
  ['ne', compare((a, b) => !equal(a, b))],
  ['lt', compare(less)],
  ['le', compare((a, b) => less(a, b) || equal(a, b))],
  ['gt', compare((a, b) => !less(a, b) && !equal(a, b))],
  ['ge', compare((a, b) => !less(a, b))],
  ['print', fn([], (args) => sprint(args), 'any')],
  ['println', fn([], (args) => sprintln(args), 'any')],
  ['printf', fn(['string'], ([format, ...rest]) => sprintf(format as string, rest), 'any')],
  ['html', fn([], (args) => escapeHtml(evalArgs(args)), 'any')],
  ['js', fn([], (args) => escapeJs(evalArgs(args)), 'any')],
  ['urlquery', fn([], (args) => queryEscape(evalArgs(args)), 'any')],
  ['call', fn(['any'], ([f, ...rest], ctx) => {
    if (!(f instanceof GoFunctionValue)) throw new FuncError(`non-function of type ${typeName(f)}`);
    return f.fn.call(rest, ctx);
  }, 'any')],
]);

/** Go's slice builtin: `slice x 1 2` is x[1:2]. */
function sliceOf(item: unknown, indexes: unknown[]): unknown {
  if (item === null) throw new FuncError('slice of untyped nil');
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  const isString = typeof item === 'string';
  if (!isString && !Array.isArray(item)) throw new FuncError(`can't slice item of type ${typeName(item)}`);
  if (isString && indexes.length === 3) throw new FuncError('cannot 3-index slice a string');
  const len = isString ? item.length : (item as unknown[]).length;
  const bounds = indexes.map((i) => indexArg(i, len));
  const [from = 0, to = len] = bounds;
  if (from > to) throw new FuncError(`invalid slice index: ${from} > ${to}`);
  return isString ? item.slice(from, to) : (item as unknown[]).slice(from, to);
}
