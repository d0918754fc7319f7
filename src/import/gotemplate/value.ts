// Go values as the executor holds them, and how Go prints them. A Go int is a `bigint` (int64 range), a
// float64 a `number`, nil `null`, a slice an array, a map[string]interface{} a `Map` (never a plain object,
// so no key can reach a prototype), and a struct with methods (Helm's built-in objects) a GoStruct.

export type ParamType = 'any' | 'string' | 'int' | 'float' | 'bool' | 'map' | 'list';

/** What a function gets besides its arguments: the template machinery `include` and `tpl` need, and the budget. */
export interface CallContext {
  /** Runs a named template into a string (Helm's `include`). */
  include(name: string, data: unknown): string;
  /** Parses and runs a string as a template with the set's templates and functions (Helm's `tpl`). */
  tpl(text: string, data: unknown): string;
  /** Counts work done inside a function against the render's action budget. */
  charge(units: number): void;
}

/** A function of a template set, with the parameter types Go would check at the call. */
export interface GoFunction {
  params: readonly ParamType[];
  /** The type of each argument past the fixed ones; absent for a fixed count. */
  variadic?: ParamType;
  /** `and` and `or` evaluate their arguments one at a time and return one of them. */
  shortCircuit?: 'and' | 'or';
  call(args: unknown[], ctx: CallContext): unknown;
}

/** A function's own failure: the executor reports it as `error calling NAME: message` at the call. */
export class FuncError extends Error {}

/** A Go struct or named type with methods: fields read with `.Name`, methods called with arguments. */
export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: ReadonlyMap<string, unknown>,
    readonly methods: ReadonlyMap<string, GoFunction> = new Map(),
    /** What its String() method prints, when it has one. */
    readonly stringer?: () => string,
  ) {}
}

/** A function held as a value, for the `call` builtin. */
export class GoFunctionValue {
  constructor(readonly fn: GoFunction) {}
}

export const GO_TYPE_NAMES: Record<ParamType, string> = {
  any: 'interface {}', string: 'string', int: 'int', float: 'float64', bool: 'bool', map: 'map[string]interface {}', list: '[]interface {}',
};

/** reflect.Type.String() of a value, as `%T` and Go's errors name it. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Map) return 'map[string]interface {}';
  if (v instanceof GoStruct) return v.typeName;
  if (v instanceof GoFunctionValue) return 'func(...interface {}) interface {}';
  return 'interface {}';
}

/** reflect.Kind.String(), as Sprig's kindOf names it. */
export function kindName(v: unknown): string {
  if (v === null || v === undefined) return 'invalid';
  if (Array.isArray(v)) return 'slice';
  if (v instanceof Map) return 'map';
  if (v instanceof GoStruct) return v.typeName.startsWith('*') ? 'ptr' : 'struct';
  if (v instanceof GoFunctionValue) return 'func';
  return typeName(v);
}

/** Go's truth: false, 0, nil and empty strings, lists and maps are false; everything else is true. */
export function isTrue(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true;
}

/** The decimal digits of |f| and where the point goes: shortest round-trip, or rounded to `significant` digits. */
export function decimalDigits(f: number, significant?: number): { digits: string; dp: number } {
  if (f === 0) return { digits: '0', dp: 1 };
  const e = Math.abs(f).toExponential(significant === undefined ? undefined : Math.min(Math.max(significant - 1, 0), 100));
  const [mantissa, exp] = e.split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  return { digits, dp: Number(exp) + 1 };
}

function exponentForm(digits: string, dp: number, decimals: number, neg: boolean): string {
  const mantissa = digits[0] + (decimals > 0 ? `.${digits.slice(1).padEnd(decimals, '0').slice(0, decimals)}` : '');
  const exp = dp - 1;
  return `${neg ? '-' : ''}${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function fixedForm(digits: string, dp: number, decimals: number, neg: boolean): string {
  const whole = dp > 0 ? digits.slice(0, dp).padEnd(dp, '0') : '0';
  const frac = (dp < 0 ? '0'.repeat(-dp) + digits : digits.slice(Math.max(dp, 0))).padEnd(decimals, '0').slice(0, decimals);
  return `${neg ? '-' : ''}${whole}${decimals > 0 ? `.${frac}` : ''}`;
}

/** strconv.FormatFloat(f, 'g', prec, 64): shortest digits when prec is -1, as `%v` prints a float64. */
export function formatFloatG(f: number, prec = -1): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  const neg = f < 0 || Object.is(f, -0);
  const shortest = prec < 0;
  const p = prec === 0 ? 1 : prec;
  const { digits, dp } = decimalDigits(f, shortest ? undefined : p);
  let eprec = shortest ? 6 : p;
  if (!shortest && eprec > digits.length && digits.length >= dp) eprec = digits.length;
  const exp = dp - 1;
  if (exp < -4 || exp >= eprec) return exponentForm(digits, dp, digits.length - 1, neg);
  return fixedForm(digits, dp, Math.max(digits.length - dp, 0), neg);
}

/** strconv.FormatFloat(f, 'e', prec, 64). */
export function formatFloatE(f: number, prec: number): string {
  if (!Number.isFinite(f)) return formatFloatG(f);
  const { digits, dp } = decimalDigits(f, prec + 1);
  return exponentForm(digits, dp, prec, f < 0 || Object.is(f, -0));
}

/** strconv.FormatFloat(f, 'f', prec, 64). */
export function formatFloatF(f: number, prec: number): string {
  if (!Number.isFinite(f)) return formatFloatG(f);
  const neg = f < 0 || Object.is(f, -0);
  const abs = Math.abs(f);
  if (abs < 1e21 && prec <= 100) return (neg ? '-' : '') + abs.toFixed(prec);
  const { digits, dp } = decimalDigits(abs);
  return fixedForm(digits, dp, prec, neg);
}

/** Go's map key order for printing: sorted strings. */
export const sortedKeys = (m: ReadonlyMap<string, unknown>): string[] => [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** fmt's `%v`: `[a b]`, `map[a:1 b:2]`, `<nil>`, floats the Go way. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'number') return formatFloatG(v);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`;
  if (v instanceof Map) return `map[${sortedKeys(v).map((k) => `${k}:${formatValue(v.get(k))}`).join(' ')}]`;
  if (v instanceof GoStruct) return v.stringer ? v.stringer() : `{${[...v.fields.values()].map(formatValue).join(' ')}}`;
  if (v instanceof GoFunctionValue) return '0x1';
  return String(v);
}

/** Sprig's strval: strings as they are, everything else as `%v`. */
export const toGoString = (v: unknown): string => (typeof v === 'string' ? v : formatValue(v));
