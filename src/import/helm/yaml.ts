// YAML and JSON as Helm reads and writes them. Helm reads YAML through sigs.k8s.io/yaml: YAML 1.1 (so
// `yes` is true), then JSON, so every number becomes a float64 and every key a string. It writes YAML with
// go-yaml v2: keys in go-yaml's order, lists not indented under their key, no line folding here.
import { isScalar, type Pair, Parser, parseDocument, type ScalarTag, stringify, type Tags } from 'yaml';
import { explainYamlError, withoutFollowOns } from '../../model/yaml-errors.js';
import { formatFloatG, GoStruct } from '../gotemplate/index.js';
import { LineIndex } from '../line-index.js';
import { plain } from './convert.js';

const tagName = (t: Tags[number]): string => (typeof t === 'string' ? t : t.tag);
/** Maps are plain maps to go-yaml, never ordered maps or sets. */
const COLLECTIONS_ONLY_MAPS = ['tag:yaml.org,2002:omap', 'tag:yaml.org,2002:set'];
/** sigs.k8s.io/yaml reads timestamps and binary as strings (but still quotes a string that looks like a date). */
const READ_AS_STRINGS = [...COLLECTIONS_ONLY_MAPS, 'tag:yaml.org,2002:timestamp', 'tag:yaml.org,2002:binary'];

export interface YamlProblem {
  message: string;
  hint?: string;
  line: number;
  col: number;
}

/** A parsed JS value as Helm holds it: Maps with string keys, numbers as float64, dates as strings. */
function toGo(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toGo);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [keyString(k), toGo(x)]));
  if (v instanceof Set) return [...v].map(toGo);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return v;
}

function keyString(k: unknown): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'number') return formatFloatG(k);
  if (k === null || k === undefined) return 'null';
  if (typeof k === 'object') return JSON.stringify(toGo(k) instanceof Map ? Object.fromEntries(toGo(k) as Map<string, unknown>) : toGo(k));
  return String(k);
}

/** The first document of a YAML text as Go values, or the first problem in it. */
export function readYaml(text: string): { value: unknown } | { problem: YamlProblem } {
  const doc = parseDocument(text, { version: '1.1', customTags: (tags) => tags.filter((t) => !READ_AS_STRINGS.includes(tagName(t))), merge: true, uniqueKeys: false, prettyErrors: false });
  const error = withoutFollowOns(doc.errors, text)[0];
  if (error) {
    // In the words `threatmap validate` uses for a model, at the place to fix.
    const index = new LineIndex(text);
    const plain = explainYamlError({ text, at: (o) => index.at(o), tokens: [...new Parser().parse(text)], used: new Set(), memo: {} }, error);
    const { line, col } = index.at(plain?.offset ?? error.pos[0]);
    const message = plain?.message ?? error.message.split('\n')[0];
    return { problem: plain ? { message, hint: plain.hint, line, col } : { message, line, col } };
  }
  try {
    return { value: toGo(doc.toJS({ mapAsMap: true })) };
  } catch (err) {
    // Aliases beyond the count, or nesting past the stack, are problems of the text.
    return { problem: { message: err instanceof Error ? err.message : String(err), line: 1, col: 1 } };
  }
}

/** go-yaml v2's key order: digits compare as numbers, a non-letter sorts before a letter. */
export function goYamlKeyOrder(a: string, b: string): number {
  const ar = [...a];
  const br = [...b];
  const isLetter = (c: string) => /\p{L}/u.test(c);
  const isDigit = (c: string) => /\p{Nd}/u.test(c);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i] < br[i] ? -1 : 1;
    if (al || bl) return bl ? -1 : 1;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(ar[ai].charCodeAt(0) - 48);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(br[bi].charCodeAt(0) - 48);
    if (an !== bn) return an < bn ? -1 : 1;
    if (ai !== bi) return ai < bi ? -1 : 1;
    return ar[i] < br[i] ? -1 : 1;
  }
  return ar.length - br.length;
}

/** A float64 as go-yaml writes it, kept apart from strings so that it is never quoted. */
class GoFloat {
  constructor(readonly text: string) {}
}

const goFloatTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  identify: (v) => v instanceof GoFloat,
  stringify: (item) => (isScalar(item) && item.value instanceof GoFloat ? item.value.text : String(item)),
  resolve: (s) => s,
};

/** Numbers as go-yaml writes what came through JSON: whole numbers as integers, others the `%g` way. */
function forYaml(v: unknown): unknown {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return BigInt(v);
    const text = formatFloatG(v);
    return new GoFloat(text === '+Inf' ? '.inf' : text === '-Inf' ? '-.inf' : text === 'NaN' ? '.nan' : text);
  }
  if (Array.isArray(v)) return v.map(forYaml);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, forYaml(x)]));
  return v;
}

/** Helm's toYaml: go-yaml's output without the final newline ("null" for nil). */
export function toYaml(v: unknown): string {
  const text = stringify(forYaml(plain(v)), {
    version: '1.1',
    customTags: (tags) => [goFloatTag, ...tags.filter((t) => !COLLECTIONS_ONLY_MAPS.includes(tagName(t)))],
    indentSeq: false,
    lineWidth: 0,
    minContentWidth: 0,
    blockQuote: 'literal',
    sortMapEntries: (a: Pair, b: Pair) => goYamlKeyOrder(String(isScalar(a.key) ? a.key.value : a.key), String(isScalar(b.key) ? b.key.value : b.key)),
  });
  return text.replace(/\n$/, '');
}

// --- JSON -------------------------------------------------------------------------------------------

/** Go's encoding/json: sorted keys, `<>&` and line separators escaped; undefined when Go would fail (NaN, Inf). */
export function toJson(v: unknown, indent = ''): string | undefined {
  const escape = (s: string) => JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const write = (x: unknown, depth: number): string | undefined => {
    const pad = indent ? `\n${indent.repeat(depth + 1)}` : '';
    const end = indent ? `\n${indent.repeat(depth)}` : '';
    if (x === null || x === undefined) return 'null';
    if (typeof x === 'string') return escape(x);
    if (typeof x === 'boolean' || typeof x === 'bigint') return String(x);
    if (typeof x === 'number') return Number.isFinite(x) ? String(x) : undefined;
    if (Array.isArray(x)) {
      if (x.length === 0) return '[]';
      const items = x.map((i) => write(i, depth + 1));
      return items.includes(undefined) ? undefined : `[${pad}${items.join(`,${pad}`)}${end}]`;
    }
    const map = x instanceof GoStruct ? new Map(x.fields) : x instanceof Map ? x : undefined;
    if (!map) return undefined;
    if (map.size === 0) return '{}';
    const keys = [...map.keys()].map(String).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const items = keys.map((k) => {
      const item = write(map.get(k), depth + 1);
      return item === undefined ? undefined : `${escape(k)}:${indent ? ' ' : ''}${item}`;
    });
    return items.includes(undefined) ? undefined : `{${pad}${items.join(`,${pad}`)}${end}}`;
  };
  return write(v, 0);
}

/** Go's json.Unmarshal into interface{}: Maps, float64 numbers; or the problem. */
export function readJson(text: string): { value: unknown } | { problem: string } {
  try {
    return { value: fromJs(JSON.parse(text)) };
  } catch (err) {
    return { problem: err instanceof Error ? err.message : String(err) };
  }
}

function fromJs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromJs);
  if (v !== null && typeof v === 'object') return new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromJs(x)]));
  return v;
}
