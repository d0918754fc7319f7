// The part of Go's fmt package templates reach through print, println and printf: verbs %v %s %d %q %t %f
// %e %g %x %X %o %b %c %T %%, flags, width and precision, and Go's `%!d(float64=3)` for a verb that does
// not fit its operand (a known Helm surprise: numbers from values files are floats).
import { formatFloatE, formatFloatF, formatFloatG, formatValue, GoStruct, sortedKeys, typeName } from './value.js';

/** Widths and precisions past this are refused rather than allocated. */
const MAX_WIDTH = 1_000_000;

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const CONTROL_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** strconv.Quote: a double-quoted Go string literal. */
export function quoteGo(s: string, quote = '"'): string {
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (code === 0x20 || PRINTABLE.test(ch)) out += ch;
    else if (code in CONTROL_ESCAPES) out += CONTROL_ESCAPES[code];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return out + quote;
}

/** fmt.Sprint: operands printed with %v, a space between two operands when neither is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a);
  });
  return out;
}

/** fmt.Sprintln: spaces between all operands and a newline at the end. */
export const sprintln = (args: readonly unknown[]): string => `${args.map(formatValue).join(' ')}\n`;

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

const badVerb = (verb: string, arg: unknown): string =>
  arg === null || arg === undefined ? `%!${verb}(<nil>)` : `%!${verb}(${typeName(arg)}=${formatValue(arg)})`;

function pad(s: string, spec: Spec, numeric: boolean): string {
  const width = spec.width ?? 0;
  if (s.length >= width) return s;
  if (spec.minus) return s.padEnd(width, ' ');
  if (spec.zero && numeric) {
    const sign = /^[+-]/.test(s) ? s[0] : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  }
  return s.padStart(width, ' ');
}

function signed(s: string, negative: boolean, spec: Spec): string {
  if (negative) return `-${s}`;
  return spec.plus ? `+${s}` : spec.space ? ` ${s}` : s;
}

function formatInteger(n: bigint, verb: string, spec: Spec): string {
  const abs = n < 0n ? -n : n;
  const radix = verb === 'x' || verb === 'X' ? 16 : verb === 'o' ? 8 : verb === 'b' ? 2 : 10;
  let digits = abs.toString(radix);
  if (verb === 'X') digits = digits.toUpperCase();
  if (spec.prec !== undefined) digits = digits.padStart(spec.prec, '0');
  if (spec.sharp && radix !== 10) digits = (radix === 16 ? (verb === 'X' ? '0X' : '0x') : radix === 8 ? '0' : '0b') + digits;
  return pad(signed(digits, n < 0n, spec), spec, spec.prec === undefined);
}

function formatFloat(f: number, verb: string, spec: Spec): string {
  const lower = verb.toLowerCase();
  const text = lower === 'f' ? formatFloatF(f, spec.prec ?? 6) : lower === 'e' ? formatFloatE(f, spec.prec ?? 6) : formatFloatG(f, spec.prec ?? -1);
  const negative = text.startsWith('-');
  const body = signed(negative ? text.slice(1) : text, negative, spec);
  return pad(verb === 'E' || verb === 'G' ? body.toUpperCase() : body, spec, Number.isFinite(f));
}

function formatString(s: string, verb: string, spec: Spec): string {
  const clipped = spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s;
  if (verb === 'q') return pad(spec.sharp && !clipped.includes('`') ? `\`${clipped}\`` : quoteGo(clipped), spec, false);
  if (verb === 'x' || verb === 'X') {
    const hex = [...new TextEncoder().encode(clipped)].map((b) => b.toString(16).padStart(2, '0')).join('');
    return pad(verb === 'X' ? hex.toUpperCase() : hex, spec, false);
  }
  return pad(clipped, spec, false);
}

/** One operand under one verb. */
function formatOne(arg: unknown, verb: string, spec: Spec): string {
  if (verb === 'T') return pad(typeName(arg), spec, false);
  if (verb === 'v') return pad(formatValue(arg), spec, false);
  const inner = { ...spec, width: undefined };
  if (Array.isArray(arg)) return `[${arg.map((a) => formatOne(a, verb, inner)).join(' ')}]`;
  if (arg instanceof Map) return `map[${sortedKeys(arg).map((k) => `${formatOne(k, verb, inner)}:${formatOne(arg.get(k), verb, inner)}`).join(' ')}]`;
  if (typeof arg === 'string' && 'sqxX'.includes(verb)) return formatString(arg, verb, spec);
  if (arg instanceof GoStruct && arg.stringer && 'sq'.includes(verb)) return formatString(arg.stringer(), verb, spec);
  if (typeof arg === 'bigint') {
    if ('dxXob'.includes(verb)) return formatInteger(arg, verb, spec);
    if (verb === 'c') return pad(String.fromCodePoint(Number(arg) >= 0 && Number(arg) <= 0x10ffff ? Number(arg) : 0xfffd), spec, false);
    if (verb === 'q') return pad(quoteGo(String.fromCodePoint(Number(arg) >= 0 && Number(arg) <= 0x10ffff ? Number(arg) : 0xfffd), "'"), spec, false);
  }
  if (typeof arg === 'number' && 'feEgGF'.includes(verb)) return formatFloat(arg, verb === 'F' ? 'f' : verb, spec);
  if (typeof arg === 'boolean' && verb === 't') return pad(String(arg), spec, false);
  return badVerb(verb, arg);
}

/** Reads a width or precision: digits, or `*` taking the next operand. */
function readNumber(format: string, i: number, args: readonly unknown[], argIndex: { n: number }): { value?: number; next: number; bad?: boolean } {
  if (format[i] === '*') {
    const a = args[argIndex.n++];
    if (typeof a !== 'bigint' || a > BigInt(MAX_WIDTH) || a < -BigInt(MAX_WIDTH)) return { next: i + 1, bad: true };
    return { value: Number(a), next: i + 1 };
  }
  let j = i;
  while (format[j] >= '0' && format[j] <= '9') j++;
  if (j === i) return { next: i };
  return { value: Math.min(Number(format.slice(i, j)), MAX_WIDTH), next: j };
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  const argIndex = { n: 0 };
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    for (; i < format.length && '-+# 0'.includes(format[i]); i++) {
      const f = format[i];
      if (f === '-') spec.minus = true;
      else if (f === '+') spec.plus = true;
      else if (f === '#') spec.sharp = true;
      else if (f === ' ') spec.space = true;
      else spec.zero = true;
    }
    const width = readNumber(format, i, args, argIndex);
    i = width.next;
    if (width.bad) out += '%!(BADWIDTH)';
    else if (width.value !== undefined) {
      spec.width = Math.abs(width.value);
      if (width.value < 0) spec.minus = true;
    }
    if (format[i] === '.') {
      const prec = readNumber(format, i + 1, args, argIndex);
      i = prec.next;
      if (prec.bad) out += '%!(BADPREC)';
      else spec.prec = Math.max(prec.value ?? 0, 0);
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argIndex.n >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(args[argIndex.n++], verb, spec);
  }
  if (argIndex.n < args.length) {
    out += `%!(EXTRA ${args.slice(argIndex.n).map((a) => (a === null ? '<nil>' : `${typeName(a)}=${formatValue(a)}`)).join(', ')})`;
  }
  return out;
}
