// Sprig's string, regex and encoding functions, with Sprig's argument order (`contains "foo" .s` asks if .s
// contains foo) and its parameter types (`upper 3` is a type error, as in Helm).
import { FuncError, type GoFunction, sprintf, toGoString } from '../gotemplate/index.js';
import { base32Decode, base32Encode, base64Decode, base64Encode, adler32, sha1Hex, sha256Hex, utf8Bytes, utf8Text } from '../../model/digest.js';
import { allMatches, goRegExp, replaceAll, testMatch } from './regex.js';

export const fn = (params: GoFunction['params'], call: (args: any[]) => unknown, variadic?: GoFunction['variadic']): GoFunction =>
  (variadic ? { params, variadic, call: (args) => call(args) } : { params, call: (args) => call(args) });

/** A longer string than this is refused rather than built. */
export const MAX_STRING = 16 * 1024 * 1024;

function checkedRepeat(s: string, count: number): string {
  if (count < 0) throw new FuncError('strings: negative Repeat count');
  if (s.length * count > MAX_STRING) throw new FuncError(`stops: the result would be over ${MAX_STRING / 1024 / 1024} MB`);
  return s.repeat(count);
}

const num = (n: bigint): number => (n > BigInt(MAX_STRING) ? MAX_STRING + 1 : n < -BigInt(MAX_STRING) ? -MAX_STRING - 1 : Number(n));

/** strings.Title: the first letter of each word upper-cased. */
const title = (s: string): string => s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase());
const untitle = (s: string): string => s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toLowerCase());

function trunc(c: number, s: string): string {
  if (c < 0 && s.length + c > 0) return s.slice(s.length + c);
  if (c >= 0 && s.length > c) return s.slice(0, c);
  return s;
}

function substr(start: number, end: number, s: string): string {
  if (start < 0) return s.slice(0, end);
  if (end < 0 || end > s.length) return s.slice(start);
  return s.slice(start, end);
}

const indent = (spaces: bigint, v: string): string => {
  const pad = checkedRepeat(' ', num(spaces));
  if ((v.split('\n').length) * pad.length + v.length > MAX_STRING) throw new FuncError('stops: the result would be over 16 MB');
  return pad + v.replace(/\n/g, `\n${pad}`);
};

/** Go's strings.Trim with a cutset. */
function trimCutset(s: string, cutset: string): string {
  const set = new Set([...cutset]);
  const chars = [...s];
  let start = 0;
  let end = chars.length;
  while (start < end && set.has(chars[start])) start++;
  while (end > start && set.has(chars[end - 1])) end--;
  return chars.slice(start, end).join('');
}

const words = (s: string): string[] => s.replace(/([\p{Ll}\d])(\p{Lu})/gu, '$1 $2').split(/[^\p{L}\p{N}]+/u).filter(Boolean);

const quote = (args: unknown[]): string => args.filter((a) => a !== null && a !== undefined).map((a) => sprintf('%q', [toGoString(a)])).join(' ');
const squote = (args: unknown[]): string => args.filter((a) => a !== null && a !== undefined).map((a) => `'${toGoString(a)}'`).join(' ');

function regexFindAll(regex: string, s: string, n: bigint): string[] {
  return allMatches(goRegExp(regex), s, n < 0n ? -1 : num(n)).map((m) => m[0]);
}

function regexSplit(regex: string, s: string, n: bigint): string[] {
  if (n === 0n) return [];
  const re = goRegExp(regex);
  if (regex.length > 0 && s.length === 0) return [''];
  const matches = allMatches(re, s, -1);
  const out: string[] = [];
  let last = 0;
  for (const m of matches) {
    if (n > 0n && BigInt(out.length) === n - 1n) break;
    if (m[0] === '' && m.index === 0) continue;
    out.push(s.slice(last, m.index));
    last = m.index + m[0].length;
  }
  out.push(s.slice(last));
  return out;
}

const regexMatch = (regex: string, s: string): boolean => testMatch(goRegExp(regex), s);

const base64decode = (s: string): string => {
  const bytes = base64Decode(s);
  return bytes ? utf8Text(bytes) : `illegal base64 data at input byte ${Math.max(0, s.replace(/[A-Za-z0-9+/]/g, '\u0000').search(/[^\u0000]/))}`;
};

/** Sprig swallows a bad regex in regexMatch (false) but not elsewhere; the must* forms return the error. */
const swallow = <T>(f: () => T, fallback: T): T => {
  try {
    return f();
  } catch (err) {
    if (err instanceof FuncError) return fallback;
    throw err;
  }
};

export const STRING_FUNCTIONS: Array<[string, GoFunction]> = [
  ['upper', fn(['string'], ([s]) => s.toUpperCase())],
  ['lower', fn(['string'], ([s]) => s.toLowerCase())],
  ['title', fn(['string'], ([s]) => title(s))],
  ['untitle', fn(['string'], ([s]) => untitle(s))],
  ['trim', fn(['string'], ([s]) => s.replace(/^[\s\u0085\u00a0]+|[\s\u0085\u00a0]+$/gu, ''))],
  ['trimAll', fn(['string', 'string'], ([cut, s]) => trimCutset(s, cut))],
  ['trimall', fn(['string', 'string'], ([cut, s]) => trimCutset(s, cut))],
  ['trimPrefix', fn(['string', 'string'], ([p, s]) => (s.startsWith(p) ? s.slice(p.length) : s))],
  ['trimSuffix', fn(['string', 'string'], ([p, s]) => (p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s))],
  ['trunc', fn(['int', 'string'], ([c, s]) => trunc(num(c), s))],
  ['substr', fn(['int', 'int', 'string'], ([a, b, s]) => substr(num(a), num(b), s))],
  ['abbrev', fn(['int', 'string'], ([w, s]) => (num(w) < 4 || s.length <= num(w) ? s : `${s.slice(0, num(w) - 3)}...`))],
  ['repeat', fn(['int', 'string'], ([c, s]) => checkedRepeat(s, num(c)))],
  ['nospace', fn(['string'], ([s]) => s.replace(/\s+/gu, ''))],
  // As strings.Replace, an empty `old` inserts `new` around every character.
  ['replace', fn(['string', 'string', 'string'], ([o, n, s]) => (o === '' ? `${n}${[...s].join(n)}${s ? n : ''}` : s.split(o).join(n)))],
  ['contains', fn(['string', 'string'], ([sub, s]) => s.includes(sub))],
  ['hasPrefix', fn(['string', 'string'], ([p, s]) => s.startsWith(p))],
  ['hasSuffix', fn(['string', 'string'], ([p, s]) => s.endsWith(p))],
  ['quote', fn([], quote, 'any')],
  ['squote', fn([], squote, 'any')],
  ['cat', fn([], (args) => args.filter((a) => a !== null && a !== undefined).map(toGoString).join(' '), 'any')],
  ['indent', fn(['int', 'string'], ([n, s]) => indent(n, s))],
  ['nindent', fn(['int', 'string'], ([n, s]) => `\n${indent(n, s)}`)],
  ['plural', fn(['string', 'string', 'int'], ([one, many, n]) => (n === 1n ? one : many))],
  ['initials', fn(['string'], ([s]) => (s as string).split(/\s+/).filter(Boolean).map((w: string) => [...w][0]).join(''))],
  ['snakecase', fn(['string'], ([s]) => words(s).map((w) => w.toLowerCase()).join('_'))],
  ['kebabcase', fn(['string'], ([s]) => words(s).map((w) => w.toLowerCase()).join('-'))],
  ['camelcase', fn(['string'], ([s]) => (s as string).split('_').map((w: string) => (w ? w[0].toUpperCase() + w.slice(1) : '')).join(''))],
  ['swapcase', fn(['string'], ([s]) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''))],
  ['toString', fn(['any'], ([v]) => toGoString(v))],
  ['sha256sum', fn(['string'], ([s]) => sha256Hex(utf8Bytes(s)))],
  ['sha1sum', fn(['string'], ([s]) => sha1Hex(utf8Bytes(s)))],
  ['adler32sum', fn(['string'], ([s]) => String(adler32(utf8Bytes(s))))],
  ['b64enc', fn(['string'], ([s]) => base64Encode(utf8Bytes(s)))],
  ['b64dec', fn(['string'], ([s]) => base64decode(s))],
  ['b32enc', fn(['string'], ([s]) => base32Encode(utf8Bytes(s)))],
  ['b32dec', fn(['string'], ([s]) => {
    const bytes = base32Decode(s);
    return bytes ? utf8Text(bytes) : 'illegal base32 data';
  })],
  ['regexMatch', fn(['string', 'string'], ([r, s]) => {
    // Sprig ignores a pattern that does not compile (false), but a match refused for its cost is reported.
    const re = swallow<RegExp | undefined>(() => goRegExp(r), undefined);
    return re ? testMatch(re, s) : false;
  })],
  ['mustRegexMatch', fn(['string', 'string'], ([r, s]) => regexMatch(r, s))],
  ['regexFind', fn(['string', 'string'], ([r, s]) => allMatches(goRegExp(r), s, 1)[0]?.[0] ?? '')],
  ['mustRegexFind', fn(['string', 'string'], ([r, s]) => allMatches(goRegExp(r), s, 1)[0]?.[0] ?? '')],
  ['regexFindAll', fn(['string', 'string', 'int'], ([r, s, n]) => regexFindAll(r, s, n))],
  ['mustRegexFindAll', fn(['string', 'string', 'int'], ([r, s, n]) => regexFindAll(r, s, n))],
  ['regexReplaceAll', fn(['string', 'string', 'string'], ([r, s, repl]) => replaceAll(goRegExp(r), s, repl, false))],
  ['mustRegexReplaceAll', fn(['string', 'string', 'string'], ([r, s, repl]) => replaceAll(goRegExp(r), s, repl, false))],
  ['regexReplaceAllLiteral', fn(['string', 'string', 'string'], ([r, s, repl]) => replaceAll(goRegExp(r), s, repl, true))],
  ['mustRegexReplaceAllLiteral', fn(['string', 'string', 'string'], ([r, s, repl]) => replaceAll(goRegExp(r), s, repl, true))],
  ['regexSplit', fn(['string', 'string', 'int'], ([r, s, n]) => regexSplit(r, s, n))],
  ['mustRegexSplit', fn(['string', 'string', 'int'], ([r, s, n]) => regexSplit(r, s, n))],
  ['regexQuoteMeta', fn(['string'], ([s]) => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'))],
  ['base', fn(['string'], ([p]) => (p === '' ? '.' : p.replace(/\/+$/, '').split('/').pop() || '/'))],
  ['dir', fn(['string'], ([p]) => cleanPath(p.includes('/') ? p.slice(0, p.lastIndexOf('/') + 1) : '.'))],
  ['ext', fn(['string'], ([p]) => /\.[^./]*$/.exec(p)?.[0] ?? '')],
  ['clean', fn(['string'], ([p]) => cleanPath(p))],
  ['isAbs', fn(['string'], ([p]) => p.startsWith('/'))],
];

/** path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
    } else out.push(part);
  }
  const joined = out.join('/');
  return rooted ? `/${joined}` : joined || '.';
}
