// Go's literal syntax, for the constants in actions: strconv.Unquote for "..." `...` and 'c', and the
// ParseInt/ParseFloat rules (base prefixes, underscores, int64 range) that decide what a number may be.

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

function utf8(code: number, out: number[]): void {
  if (code < 0x80) out.push(code);
  else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 63));
  else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  else out.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
}

/** One escape after a backslash at `i` (the index of the letter): the bytes it stands for, or undefined. */
function escape(body: string, i: number, quote: string): { bytes: number[]; next: number } | undefined {
  const c = body[i];
  if (c === undefined) return undefined;
  if (c in SIMPLE_ESCAPES) return { bytes: [SIMPLE_ESCAPES[c]], next: i + 1 };
  if (c === quote) return { bytes: [c.charCodeAt(0)], next: i + 1 };
  const hex = (n: number) => (new RegExp(`^[0-9a-fA-F]{${n}}$`).test(body.slice(i + 1, i + 1 + n)) ? parseInt(body.slice(i + 1, i + 1 + n), 16) : undefined);
  if (c === 'x') {
    const v = hex(2);
    return v === undefined ? undefined : { bytes: [v], next: i + 3 };
  }
  if (c === 'u' || c === 'U') {
    const n = c === 'u' ? 4 : 8;
    const v = hex(n);
    if (v === undefined || v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return undefined;
    const bytes: number[] = [];
    utf8(v, bytes);
    return { bytes, next: i + 1 + n };
  }
  if (c >= '0' && c <= '7') {
    const digits = body.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(digits)) return undefined;
    const v = parseInt(digits, 8);
    return v > 255 ? undefined : { bytes: [v], next: i + 3 };
  }
  return undefined;
}

const decoder = new TextDecoder();

/** The value of a Go string literal (`"..."` or a raw `` `...` ``), or undefined when it is malformed. */
export function unquote(quoted: string): string | undefined {
  if (quoted.length < 2) return undefined;
  const quote = quoted[0];
  if (quote === '`') return quoted.endsWith('`') ? quoted.slice(1, -1).replace(/\r/g, '') : undefined;
  if (quote !== '"' || !quoted.endsWith('"')) return undefined;
  const body = quoted.slice(1, -1);
  if (!body.includes('\\')) return body.includes('"') || body.includes('\n') ? undefined : body;
  const bytes: number[] = [];
  for (let i = 0; i < body.length;) {
    const code = body.codePointAt(i) ?? 0;
    if (body[i] === '\\') {
      const e = escape(body, i + 1, quote);
      if (!e) return undefined;
      bytes.push(...e.bytes);
      i = e.next;
    } else if (body[i] === '"' || body[i] === '\n') {
      return undefined;
    } else {
      utf8(code, bytes);
      i += code > 0xffff ? 2 : 1;
    }
  }
  return decoder.decode(new Uint8Array(bytes));
}

/** The code point of a Go rune literal `'c'`, or undefined. */
export function unquoteChar(quoted: string): number | undefined {
  if (quoted.length < 3 || quoted[0] !== "'" || !quoted.endsWith("'")) return undefined;
  const body = quoted.slice(1, -1);
  if (body[0] === '\\') {
    const e = escape(body, 1, "'");
    if (!e || e.next !== body.length) return undefined;
    if (e.bytes.length === 1) return e.bytes[0];
    const s = decoder.decode(new Uint8Array(e.bytes));
    return s.codePointAt(0);
  }
  const code = body.codePointAt(0);
  if (code === undefined || String.fromCodePoint(code).length !== body.length || body === "'") return undefined;
  return code;
}

/** Go's rule for `_` in numbers: only between digits, or right after a base prefix. */
function underscoresOk(digits: string, prefixed: boolean): boolean {
  if (!digits.includes('_')) return true;
  if (digits.startsWith('_') && !prefixed) return false;
  return !digits.endsWith('_') && !digits.includes('__');
}

/** strconv.ParseInt(text, 0, 64) extended to the uint64 range: the value, or undefined when not an integer. */
export function parseGoInteger(text: string): bigint | undefined {
  const m = /^([+-]?)(0[xX]|0[oO]|0[bB]|0(?=[0-9_]))?([0-9a-fA-F_]*)$/.exec(text);
  if (!m || m[3] === '') return m && m[2] === '0' ? 0n : undefined;
  const [, sign, prefix = '', digits] = m;
  if (!underscoresOk(digits, prefix !== '')) return undefined;
  const clean = digits.replace(/_/g, '');
  const base = /^0[xX]$/.test(prefix) ? 16 : /^0[bB]$/.test(prefix) ? 2 : prefix === '' ? 10 : 8;
  const valid = base === 16 ? /^[0-9a-fA-F]+$/ : base === 10 ? /^[0-9]+$/ : base === 8 ? /^[0-7]+$/ : /^[01]+$/;
  if (!valid.test(clean)) return undefined;
  const radix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  const magnitude = BigInt(radix + clean);
  return sign === '-' ? -magnitude : magnitude;
}

/** strconv.ParseFloat for decimal and hex floats, or undefined. */
export function parseGoFloat(text: string): number | undefined {
  const hex = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9_]+)$/.exec(text);
  if (hex) {
    const [, sign, whole, frac = '', exp] = hex;
    const digits = (whole + frac).replace(/_/g, '');
    if (digits === '') return undefined;
    const value = Number(BigInt(`0x${digits}`)) * 2 ** (Number(exp.replace(/_/g, '')) - 4 * frac.replace(/_/g, '').length);
    return sign === '-' ? -value : value;
  }
  if (!/^[+-]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9][0-9_]*)?$/.test(text)) return undefined;
  if (/_(?![0-9])|(?<![0-9])_/.test(text)) return undefined;
  return Number(text.replace(/_/g, ''));
}

export interface NumberValue {
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  int: bigint;
  float: number;
}

/** What a number constant can be taken as, as text/template/parse's newNumber decides; a string is the problem. */
export function numberConstant(text: string): NumberValue | string {
  if (text.startsWith("'")) {
    const code = unquoteChar(text);
    if (code === undefined) return `malformed character constant: ${text}`;
    return { isInt: true, isUint: true, isFloat: true, int: BigInt(code), float: code };
  }
  if (text.endsWith('i')) return `complex numbers are not supported: ${text}`;
  const n: NumberValue = { isInt: false, isUint: false, isFloat: false, int: 0n, float: 0 };
  const i = parseGoInteger(text);
  if (i !== undefined) {
    n.isInt = i >= INT64_MIN && i <= INT64_MAX;
    n.isUint = i >= 0n && i <= UINT64_MAX;
    if (n.isInt) n.int = i;
    if (n.isInt || n.isUint) {
      n.isFloat = true;
      n.float = Number(i);
    }
  }
  if (!n.isInt && !n.isUint) {
    const f = parseGoFloat(text);
    if (f !== undefined) {
      if (!/[.eEpP]/.test(text)) return `integer overflow: ${JSON.stringify(text)}`;
      n.isFloat = true;
      n.float = f;
      if (Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63) {
        n.isInt = true;
        n.int = BigInt(f);
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) return `illegal number syntax: ${JSON.stringify(text)}`;
  return n;
}
