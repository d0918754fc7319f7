// Go's regexp (RE2 syntax) translated to a JavaScript RegExp for Sprig's regex functions: named groups
// `(?P<n>...)`, leading flags `(?i)`, `\A` `\z`, `\Q...\E`, POSIX classes, and Go's `$1`/`${name}` expansion
// in replacements. What JavaScript cannot express the same way is refused as a parse error.
import { FuncError } from '../gotemplate/index.js';

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9', graph: '!-~',
  lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};
const JS_SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);
const cache = new Map<string, RegExp>();

/**
 * Patterns with a repeated group that itself repeats (`(a+)+`): RE2 runs them in linear time, JavaScript's
 * backtracking engine in exponential time, so they only run on subjects short enough to finish quickly.
 */
const NESTED_REPETITION = new WeakSet<RegExp>();
const MAX_NESTED_SUBJECT = 20;

interface GroupScan {
  /** Atoms repeated without bound inside the group (their JS source). */
  repeated: string[];
  /** Literal characters every match of the group must contain. */
  required: string[];
  alternation: boolean;
}

/** The atom starting at `i` (an escape, a class, `.` or one character) and where it ends. */
function atomAt(src: string, i: number): number {
  if (src[i] === '\\') {
    const braced = /^\\[pPu]\{[^}]*\}|^\\x[0-9A-Fa-f]{2}/.exec(src.slice(i));
    return i + (braced ? braced[0].length : 2);
  }
  if (src[i] === '[') {
    let j = i + 1;
    while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
    return j + 1;
  }
  return i + String.fromCodePoint(src.codePointAt(i) ?? 0).length;
}

/** A literal atom's character, or undefined for classes, `.`, and class escapes like `\d`. */
function literalOf(atom: string): string | undefined {
  if (atom === '.' || atom.startsWith('[') || /^\\[dDwWsSpPbB]/.test(atom)) return undefined;
  if (atom.startsWith('\\x')) return String.fromCharCode(parseInt(atom.slice(2), 16));
  return atom.startsWith('\\') ? atom.slice(1) : atom;
}

/** Iterations of a group are told apart when it requires a character that none of its repeated atoms matches. */
function separated(g: GroupScan): boolean {
  if (g.alternation) return false;
  return g.required.some((c) => g.repeated.every((atom) => {
    try {
      return !new RegExp(`^(?:${atom})$`, 'u').test(c);
    } catch {
      return false;
    }
  }));
}

/** Whether a translated pattern repeats without bound a group that repeats without bound and can split its input many ways. */
function hasNestedRepetition(src: string): boolean {
  const stack: GroupScan[] = [{ repeated: [], required: [], alternation: false }];
  const quantifier = (at: number) => /^(?:([*+]|\{\d+,\})|\?|\{0(?:,\d*)?\}|\{\d+(?:,\d+)?\})\??/.exec(src.slice(at));
  for (let i = 0; i < src.length;) {
    const top = stack[stack.length - 1];
    if (src[i] === '(') {
      const prefix = /^\((?:\?(?:[:=!]|<[=!]|<[A-Za-z_][A-Za-z0-9_]*>))?/.exec(src.slice(i))![0];
      stack.push({ repeated: [], required: [], alternation: false });
      i += prefix.length;
      continue;
    }
    if (src[i] === '|') {
      top.alternation = true;
      i++;
      continue;
    }
    if (src[i] === ')' && stack.length > 1) {
      const group = stack.pop()!;
      const q = quantifier(i + 1);
      const parent = stack[stack.length - 1];
      const repeats = group.repeated.length > 0;
      if (q?.[1] && repeats && !separated(group)) return true;
      if (q?.[1]) parent.repeated.push(...group.repeated, ...group.required.map((c) => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')));
      else {
        parent.repeated.push(...group.repeated);
        if (!q && !group.alternation) parent.required.push(...group.required);
      }
      i += 1 + (q?.[0].length ?? 0);
      continue;
    }
    const end = atomAt(src, i);
    const atom = src.slice(i, end);
    const q = quantifier(end);
    if (q?.[1]) top.repeated.push(atom);
    else if (!q && !['^', '$'].includes(atom)) {
      const literal = literalOf(atom);
      if (literal !== undefined) top.required.push(literal);
    }
    i = end + (q?.[0].length ?? 0);
  }
  return false;
}

function guardSubject(re: RegExp, s: string): void {
  if (NESTED_REPETITION.has(re) && s.length > MAX_NESTED_SUBJECT) {
    throw new FuncError(`stops: a pattern with nested repetition (like (a+)+) runs only on text of up to ${MAX_NESTED_SUBJECT} characters here`);
  }
}

/** RegExp.test for a translated pattern, guarded like every match. */
export function testMatch(re: RegExp, s: string): boolean {
  guardSubject(re, s);
  re.lastIndex = 0;
  const found = re.test(s);
  re.lastIndex = 0;
  return found;
}

function escapeLiteral(c: string, inClass: boolean): string {
  if (JS_SYNTAX.has(c) || (inClass && c === '-')) return `\\${c}`;
  return /[\x21-\x7e]/.test(c) && !/[0-9A-Za-z]/.test(c) ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c;
}

/** One backslash escape at `i` (the backslash): its JS spelling and where the pattern goes on. */
function translateEscape(p: string, i: number, inClass: boolean): { out: string; next: number } {
  const c = p[i + 1];
  if (c === undefined) throw new FuncError('error parsing regexp: trailing backslash at end of expression: ``');
  if ('dDwWsSntrfv'.includes(c) || (!inClass && 'bB'.includes(c))) return { out: `\\${c}`, next: i + 2 };
  if (c === 'p' || c === 'P') {
    const m = /^\{\^?([A-Za-z_]+)\}|^([A-Za-z])/.exec(p.slice(i + 2));
    if (!m) throw new FuncError(`error parsing regexp: invalid character class range: \`${p.slice(i, i + 4)}\``);
    const name = m[1] ?? m[2];
    const negated = m[0].startsWith('{^') !== (c === 'P');
    return { out: `\\${negated ? 'P' : 'p'}{${name === 'Any' ? 'Any' : name}}`, next: i + 2 + m[0].length };
  }
  if (c === 'x') {
    const braced = /^\{([0-9A-Fa-f]{1,6})\}/.exec(p.slice(i + 2));
    if (braced) return { out: `\\u{${braced[1]}}`, next: i + 2 + braced[0].length };
    const plain = /^[0-9A-Fa-f]{2}/.exec(p.slice(i + 2));
    if (plain) return { out: `\\x${plain[0]}`, next: i + 4 };
  }
  if (!inClass && c === 'A') return { out: '(?<![\\s\\S])', next: i + 2 };
  if (!inClass && c === 'z') return { out: '(?![\\s\\S])', next: i + 2 };
  if (/[0-9A-Za-z]/.test(c)) throw new FuncError(`error parsing regexp: invalid escape sequence: \`\\${c}\``);
  return { out: escapeLiteral(c, inClass), next: i + 2 };
}

/** A character class `[...]` starting at `i`. */
function translateClass(p: string, i: number): { out: string; next: number } {
  let out = '[';
  let j = i + 1;
  if (p[j] === '^') {
    out += '^';
    j++;
  }
  // A `]` first in the class is a literal in RE2.
  if (p[j] === ']') {
    out += '\\]';
    j++;
  }
  while (j < p.length && p[j] !== ']') {
    const posix = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(j));
    if (posix) {
      const set = POSIX[posix[2]];
      if (!set || posix[1]) throw new FuncError(`error parsing regexp: invalid character class range: \`${posix[0]}\``);
      out += set;
      j += posix[0].length;
    } else if (p[j] === '\\') {
      const e = translateEscape(p, j, true);
      out += e.out;
      j = e.next;
    } else {
      out += p[j] === '[' ? '\\[' : p[j];
      j++;
    }
  }
  if (j >= p.length) throw new FuncError(`error parsing regexp: missing closing ]: \`${p.slice(i)}\``);
  return { out: `${out}]`, next: j + 1 };
}

/** Go's pattern as a JS RegExp (global, unicode), cached; a FuncError with Go's wording when it is not valid. */
export function goRegExp(pattern: string): RegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;
  let flags = 'gu';
  let p = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(p);
  if (lead) {
    if (lead[1].includes('U')) throw new FuncError('error parsing regexp: the U flag is not supported here');
    flags += [...new Set(lead[1])].join('');
    p = p.slice(lead[0].length);
  }
  let out = '';
  for (let i = 0; i < p.length;) {
    const c = p[i];
    if (c === '\\' && p[i + 1] === 'Q') {
      const end = p.indexOf('\\E', i + 2);
      const literal = p.slice(i + 2, end < 0 ? p.length : end);
      out += [...literal].map((x) => escapeLiteral(x, false)).join('');
      i = end < 0 ? p.length : end + 2;
    } else if (c === '\\') {
      const e = translateEscape(p, i, false);
      out += e.out;
      i = e.next;
    } else if (c === '[') {
      const cls = translateClass(p, i);
      out += cls.out;
      i = cls.next;
    } else if (c === '(' && p[i + 1] === '?') {
      const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(p.slice(i));
      if (named) {
        out += `(?<${named[1]}>`;
        i += named[0].length;
      } else if (p[i + 2] === ':') {
        out += '(?:';
        i += 3;
      } else throw new FuncError(`error parsing regexp: invalid or unsupported Perl syntax: \`${p.slice(i, i + 3)}\``);
    } else {
      out += c;
      i++;
    }
  }
  let re: RegExp;
  try {
    re = new RegExp(out, flags);
  } catch (err) {
    throw new FuncError(`error parsing regexp: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (hasNestedRepetition(out)) NESTED_REPETITION.add(re);
  if (cache.size > 500) cache.clear();
  cache.set(pattern, re);
  return re;
}

/** Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; a name that is no group is empty. */
export function expandReplacement(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_whole, all: string, braced?: string, bare?: string) => {
    if (all === '$') return '$';
    const name = braced ?? bare ?? '';
    if (/^\d+$/.test(name)) return match[Number(name)] ?? '';
    return match.groups?.[name] ?? '';
  });
}

/** All non-overlapping matches, at most `n` (all when n < 0). */
export function allMatches(re: RegExp, s: string, n: number): RegExpExecArray[] {
  guardSubject(re, s);
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(s); m && (n < 0 || out.length < n); m = re.exec(s)) {
    out.push(m);
    if (m[0] === '') re.lastIndex += s.codePointAt(re.lastIndex)! > 0xffff ? 2 : 1;
    if (re.lastIndex > s.length) break;
  }
  re.lastIndex = 0;
  return out;
}

/** ReplaceAllString with Go's expansion of the replacement (or the replacement as it is, for the Literal form). */
export function replaceAll(re: RegExp, s: string, repl: string, literal: boolean): string {
  let out = '';
  let last = 0;
  for (const m of allMatches(re, s, -1)) {
    out += s.slice(last, m.index) + (literal ? repl : expandReplacement(repl, m));
    last = m.index + m[0].length;
  }
  return out + s.slice(last);
}
