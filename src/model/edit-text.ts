// The text side of model edits (src/model/edit.ts): parsing with positions, finding entries and flows, and
// splices that change `[start, end)` of the text and nothing else, with the lines and columns they need. Pure.
import {
  type Alias, isCollection, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, visit, type Document, type Node as YamlNode, type Pair, type YAMLMap,
} from 'yaml';
import { splitFlowArrow } from './flow-arrow.js';

/** A change of the text: `[start, end)` replaced by `insert`. */
export interface Splice {
  start: number;
  end: number;
  insert: string;
}

/** How new text is written: JSON models get quoted keys and values; line breaks follow the file's. */
export interface Style {
  json: boolean;
  /** The line break new text is written with; applySplices gives each insertion its neighbours' (lineEndingAt). */
  eol: string;
  /** The file says `%YAML 1.1`, whose readers take more plain words for other things (`on`, `1_000`, dates). */
  yaml11: boolean;
}

/** Whether the text declares `%YAML 1.1`: a directive line before the document's first other line. */
export function declaresYaml11(text: string): boolean {
  for (let start = text.startsWith('\ufeff') ? 1 : 0; start < text.length;) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end === -1 ? text.length : end).trim();
    if (line !== '' && !line.startsWith('#')) {
      if (!line.startsWith('%')) return false;
      if (/^%YAML[ \t]+1\.1(?:[ \t#]|$)/.test(line)) return true;
    }
    if (end === -1) break;
    start = end + 1;
  }
  return false;
}

/**
 * The line break of the line an insertion at `at` goes into (at a line's start: the line before's), for the
 * inserted lines to take their neighbours' in a file that mixes CRLF and LF; undefined in a text of one line.
 */
export function lineEndingAt(text: string, at: number): '\n' | '\r\n' | undefined {
  let newline = text.indexOf('\n', Math.max(0, at - 1));
  // On the last line, which has no line break of its own: the one before it.
  if (newline === -1) newline = text.lastIndexOf('\n');
  if (newline === -1) return undefined;
  return newline > 0 && text[newline - 1] === '\r' ? '\r\n' : '\n';
}

export interface Parsed {
  doc: Document;
  lines: LineCounter;
}

export function parse(text: string): Parsed | string {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, keepSourceTokens: false });
  const error = doc.errors[0];
  if (error === undefined) return { doc, lines };
  const at = lines.linePos(error.pos[0]);
  return `the model does not parse (line ${at.line}, column ${at.col}): ${error.message.split('\n')[0]}`;
}

export const keyText = (node: unknown): string | undefined => (isScalar(node) && node.value !== null && typeof node.value !== 'object' ? String(node.value) : undefined);

export function pairOf(map: unknown, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((p) => keyText(p.key) === key);
}

/** One flow as written, read as normalize.ts reads them: each arrow of a shorthand item is a flow of its own. */
export interface FlowRef {
  /** The item of `flows:` and its index there. */
  item: YAMLMap;
  index: number;
  /** The shorthand's `a -> b` entry; absent for the full form (`from:`, `to:`). */
  pair?: Pair;
  from?: string;
  to?: string;
  /** The id the analysis gives it: its own `id`, else `from->to`. */
  id: string;
}

export function flowRefs(root: unknown): FlowRef[] {
  const flows = pairOf(root, 'flows')?.value;
  const refs: FlowRef[] = [];
  (isSeq(flows) ? flows.items : []).forEach((item, index) => {
    if (!isMap(item)) return;
    let arrows = 0;
    for (const pair of item.items) {
      const key = keyText(pair.key);
      const ends = key !== undefined && key.includes('->') ? splitFlowArrow(key) : undefined;
      if (ends === undefined) continue;
      arrows++;
      const [from, to] = ends;
      refs.push({ item, index, pair, from, to, id: keyText(pairOf(pair.value, 'id')?.value) ?? `${from}->${to}` });
    }
    if (arrows > 0) return;
    const from = keyText(pairOf(item, 'from')?.value);
    const to = keyText(pairOf(item, 'to')?.value);
    refs.push({ item, index, from, to, id: keyText(pairOf(item, 'id')?.value) ?? `${from}->${to}` });
  });
  return refs;
}

/** A control as YAML: plain when it reads back as the same string, else double-quoted (JSON's quoting is YAML's). */
export function scalar(value: string, style: Style): string {
  const plain = !style.json && /^[A-Za-z][A-Za-z0-9_./+-]*$/.test(value) && !/^(?:true|false|null|yes|no|on|off|y|n)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

export function rangeOf(node: unknown): [number, number] {
  const range = (node as YamlNode).range!;
  return [range[0], range[1]];
}

export const rangeSplice = (node: unknown): { start: number; end: number } => {
  const [start, end] = rangeOf(node);
  return { start, end };
};

/**
 * Where a node's own text ends: a block collection's range runs on over the comments and blank lines after
 * it (which belong to what follows), so its end is its last item's.
 */
export function contentEnd(node: unknown): number {
  if (isMap(node) && !node.flow && node.items.length > 0) {
    const last = node.items.at(-1)!;
    return contentEnd(last.value ?? last.key);
  }
  if (isSeq(node) && !node.flow && node.items.length > 0) return contentEnd(node.items.at(-1));
  return rangeOf(node)[1];
}

export const lineStart = (text: string, at: number): number => text.lastIndexOf('\n', at - 1) + 1;

export const column = (text: string, at: number): number => at - lineStart(text, at);

/** The start of the line after the one that holds the text ending at `end` (the text's end on its last line). */
export function nextLineStart(text: string, end: number): number {
  if (end > 0 && text[end - 1] === '\n') return end;
  const newline = text.indexOf('\n', end);
  return newline === -1 ? text.length : newline + 1;
}

export function insertLines(text: string, at: number, lines: readonly string[], style: Style): Splice {
  const body = lines.join(style.eol);
  const insert = at === text.length && !text.endsWith('\n') ? `${style.eol}${body}` : `${body}${style.eol}`;
  return { start: at, end: at, insert };
}

// ---- anchors and aliases ----
// A node written once with `&name` and read again through `*name` is one value in several places: changing
// it in place would change every place that reads it. An edit of one place gives that place a value of its
// own instead, and leaves the others reading what they read before.

/** The aliases that read `node`, in the order of the text. */
export function aliasesOf(doc: Document, node: unknown): Alias[] {
  if (!isAnchored(node)) return [];
  const found: Alias[] = [];
  visit(doc, { Alias: (_, alias) => { if (alias.resolve(doc) === node) found.push(alias); } });
  return found.sort((a, b) => rangeOf(a)[0] - rangeOf(b)[0]);
}

const isAnchored = (node: unknown): node is YamlNode & { anchor: string } =>
  (isScalar(node) || isCollection(node)) && typeof node.anchor === 'string' && node.anchor !== '';

/** Where the `&name` of an anchored node is written: before the node, with only spaces, line breaks or a tag between. */
function anchorAt(text: string, node: YamlNode & { anchor: string }): number | undefined {
  const mark = `&${node.anchor}`;
  const at = text.lastIndexOf(mark, rangeOf(node)[0]);
  if (at === -1) return undefined;
  const between = text.slice(at + mark.length, rangeOf(node)[0]);
  return /^(?:[ \t\r\n]+(?:![^ \t\r\n]*[ \t\r\n]+)?)?$/.test(between) ? at : undefined;
}

/**
 * A node's value as text that reads the same where an alias stood: its own text when that is one line of a
 * flow scalar or flow collection, else its value as JSON (which YAML reads as it is).
 */
function copyText(text: string, doc: Document, node: YamlNode): string {
  const own = text.slice(...rangeOf(node)).replace(/[\r\n]+$/, '');
  const flow = isCollection(node) ? node.flow === true : isScalar(node) && node.type !== Scalar.BLOCK_FOLDED && node.type !== Scalar.BLOCK_LITERAL;
  if (flow && !/[\r\n]/.test(own) && !/(?:^|[ \t])#/.test(own)) return own;
  return JSON.stringify(node.toJS(doc));
}

/**
 * Before `node` is changed or removed: its anchor moved to the first alias that reads it from outside the text
 * the edit rewrites (`inside`), which then holds the value as it was, so that every other alias still reads
 * it. No splices when nothing outside reads it; a message when the anchor cannot be moved.
 */
export function detachAnchor(text: string, doc: Document, node: unknown, inside: (at: number) => boolean): Splice[] | string {
  if (!isAnchored(node)) return [];
  const readers = aliasesOf(doc, node).filter((alias) => !inside(rangeOf(alias)[0]));
  if (readers.length === 0) return [];
  const at = anchorAt(text, node);
  if (at === undefined) return `the anchor \`&${node.anchor}\` cannot be found in the text; change the value in the text`;
  const end = at + node.anchor.length + 1;
  let start = at;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  // ` &name` goes with the space before it; `&name ` at the start of a line with the spaces after it.
  const mark = start === lineStart(text, at) ? { start: at, end: end + /^[ \t]*/.exec(text.slice(end))![0].length } : { start, end };
  const first = readers[0];
  return [
    { ...mark, insert: '' },
    { ...rangeSplice(first), insert: `&${node.anchor} ${copyText(text, doc, node)}` },
  ];
}
