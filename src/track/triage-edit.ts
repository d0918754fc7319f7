// Rewrites a triage file with one decision changed, as a splice of that entry's text alone (as the model
// edits of src/model/edit-structure.ts do), so that the user's comments, blank lines, line endings, key
// order, quoting and flow/block styles survive, and every other entry stays as written to the byte. The
// result is parsed again and must read as the file before with just that entry changed. Text in, text out:
// the CLI does the reading and the atomic write.
import {
  isAlias, isCollection, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, visit, type Document, type Node as YamlNode, type Pair, type YAMLMap,
} from 'yaml';
import { addEntryToFlow, applySplices, blockEntry, type Ctx, isNull, removeEntries } from '../model/edit-structure.js';
import { column, contentEnd, detachAnchor, insertLines, keyText, lineStart, nextLineStart, pairOf, rangeOf, rangeSplice, type Splice, type Style } from '../model/edit-text.js';
import type { Risk } from '../analysis/types.js';
import type { TriageDecision } from './types.js';
import { riskWord } from './scope.js';
import { normalizeRef, TRIAGE_VERSION, TRIAGE_VERSION_KEY } from './triage.js';

export interface TriageTarget {
  /** The threat's stable id: new entries are written under it (a written threat's under its key). */
  uid: string;
  /** The threat's key: an existing entry written under the key is updated in place. */
  key: string;
  /** What the threat is, for reviewers of the file (refreshed on every write of the entry). */
  describe: string;
}

/**
 * A change of one entry. `risk` and `covers` record what the decision is made for (scope.ts): given, they replace
 * what the entry recorded (an empty `covers` is written `covers: []`, the key's component only, unless a `risk` is
 * given, which already records that scope);
 * not given, the entry keeps its recorded scope, so that a renewal or a new owner never widens the decision.
 */
export interface TriageUpdate extends TriageDecision {
  /** Fields to remove from the entry (e.g. an expiry that no longer applies). */
  unset?: readonly ('reason' | 'owner' | 'ticket' | 'expires' | 'review' | 'risk' | 'covers')[];
}

/** How a triage file is written, for the comment at its top (without the comment marks). */
export const TRIAGE_FILE_GUIDE: readonly string[] = [
  'One entry per threat, under its stable id (TM-..., shown in every report) or its key (rule@component).',
  '  status: open | mitigating | mitigated | accepted | false-positive | transferred',
  '  reason, owner, ticket: why, who, where it is tracked',
  '  expires: YYYY-MM-DD - the decision lapses after this day and the threat is open again',
  '  review: YYYY-MM-DD - a reminder to look at the decision again',
  '`threat:` only says what the entry is about; threatmap refreshes it when it writes the entry.',
];

/** The text of a new triage file: a header saying what it is and how to write it. */
export function newTriageText(modelFile: string): string {
  return [
    `# Triage of the threats threatmap finds in ${modelFile.replace(/[\r\n]/g, ' ')}: the team's decisions, reviewed like code.`,
    ...TRIAGE_FILE_GUIDE.map((line) => `# ${line}`),
    `${TRIAGE_VERSION_KEY}: ${TRIAGE_VERSION}`,
    'threats: {}',
    '',
  ].join('\n');
}

/** The fields of an entry, in the order a new entry writes them. */
const FIELD_ORDER = ['threat', 'status', 'reason', 'owner', 'ticket', 'expires', 'review', 'risk', 'covers'] as const;
type Field = (typeof FIELD_ORDER)[number];
/** A field's new value: text, or a list (`covers`), written in brackets. */
type FieldValue = string | readonly string[];
type Fields = readonly (readonly [string, FieldValue])[];

/** A triage file's text read for editing. */
interface Source {
  ctx: Ctx;
  style: TriageStyle;
  doc: Document;
  /** The top-level map; undefined for a file of comments alone. */
  root: YAMLMap | undefined;
}

/**
 * Why a triage file was not edited: its text is not YAML, or not the map (or `threats:` map) a triage file is;
 * the entry to change is missing, or the new id already has one; the entry is written in a way only a person
 * can change (`by-hand`: a key with an anchor or a tag, aliases whose changes overlap...); or the result did
 * not read back as asked (`unverified`: threatmap's own failing, the file left as it was).
 */
export type TriageEditCode = 'not-yaml' | 'not-a-map' | 'threats-not-a-map' | 'no-entry' | 'entry-exists' | 'by-hand' | 'unverified';

/**
 * A refusal to edit a triage file: a message about the file alone, worded for the user, who sees it as it is
 * (on the server's page too: src/server/api.ts). Told from a bug's error by its class, never by its words.
 * Its name stays `Error`, as these refusals have always been shown.
 */
export class TriageEditError extends Error {
  constructor(readonly code: TriageEditCode, message: string) {
    super(message);
  }
}

const refuse = (code: TriageEditCode, why: string): TriageEditError => new TriageEditError(code, `the triage file cannot be edited: ${why}`);

function read(text: string): Source {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: false });
  if (doc.errors.length) throw refuse('not-yaml', doc.errors[0].message);
  const root = doc.contents;
  if (root !== null && !isMap(root)) throw new TriageEditError('not-a-map', 'the triage file is not a map');
  const style: TriageStyle = {
    json: /^\s*\{/.test(text.replace(/^\ufeff/, '')), eol: text.includes('\r\n') ? '\r\n' : '\n', yaml11: doc.directives?.yaml.version === '1.1',
  };
  // Ctx's root is only read by the model's own edits; a file of comments alone has none to give.
  return { ctx: { text, root: root ?? doc.createNode({}), lines, style }, style, doc, root: root ?? undefined };
}

/** The `threats:` entry, and its map when it has one (undefined for `threats:` with nothing, or no section). */
function threatsOf(src: Source): { section?: Pair; map?: YAMLMap } {
  const section = pairOf(src.root, 'threats');
  if (section === undefined) return {};
  if (isMap(section.value)) return { section, map: section.value };
  if (isNull(section.value)) return { section };
  throw refuse('threats-not-a-map', '`threats:` is not a map from threat ids to decisions');
}

/** The entry deciding this threat: written under its stable id or its key. */
function findEntry(map: YAMLMap | undefined, target: TriageTarget): Pair | undefined {
  return map?.items.find((pair) => {
    const raw = keyText(pair.key);
    const ref = raw === undefined ? undefined : normalizeRef(raw);
    return ref !== undefined && (ref === target.uid || ref === target.key);
  });
}

/** Sets the decision for one threat; fields not given in the update are left as they are. */
export function setTriageEntry(text: string | undefined, modelFile: string, target: TriageTarget, update: TriageUpdate): string {
  const base = text && text.trim() !== '' ? text : newTriageText(modelFile);
  const src = read(base);
  // Beside a `risk`, an empty `covers` says nothing more (scope.ts reads a missing one as no flows): left out, as
  // the importers write it. Alone it is the recorded scope (the key's component only) that drift is checked against.
  const redundant = update.covers?.length === 0 && update.risk !== undefined;
  const unset: readonly string[] = [...(update.unset ?? []), ...(redundant ? ['covers'] : [])];
  const fields = FIELD_ORDER.flatMap((k): [Field, FieldValue][] => {
    const value = fieldValue(k, target, update);
    return value === undefined || unset.includes(k) ? [] : [[k, value]];
  });
  const { section, map } = threatsOf(src);
  const pair = findEntry(map, target);
  if (pair === undefined) {
    // A written threat's key names it by its id, which a decision can follow when its `on:` changes (triage.ts).
    const key = target.key.startsWith('threat:') ? target.key : target.uid;
    const out = spliced(base, addEntry(src, section, map, key, fields));
    return checked(src, out, key, Object.fromEntries(fields));
  }
  const key = String((pair.key as Scalar).value);
  const before: unknown = pair.value === null ? null : (pair.value as YamlNode).toJS(src.doc);
  const expected = { ...(isObject(before) ? before : {}), ...Object.fromEntries(fields) };
  for (const k of unset) delete expected[k];
  const out = spliced(base, changeEntry(src, pair, map!.flow === true, fields, unset));
  return checked(src, out, key, expected);
}

/**
 * Records what an existing entry's decision is made for (`risk:`, `covers:`), and changes nothing else of it:
 * `threatmap triage --migrate` adds the scope to entries written before it was recorded.
 */
export function setEntryScope(text: string, target: Pick<TriageTarget, 'uid' | 'key'>, scope: { risk?: Risk; covers: readonly string[] }): string {
  const src = read(text);
  const { map } = threatsOf(src);
  const pair = findEntry(map, { ...target, describe: '' });
  if (pair === undefined) throw refuse('no-entry', `it has no entry for \`${target.key}\``);
  const fields: [Field, FieldValue][] = [
    ...(scope.risk === undefined ? [] : [['risk', riskWord(scope.risk)] as [Field, FieldValue]]),
    ...(scope.covers.length ? [['covers', [...scope.covers]] as [Field, FieldValue]] : []),
  ];
  const key = String((pair.key as Scalar).value);
  const before: unknown = pair.value === null ? null : (pair.value as YamlNode).toJS(src.doc);
  const expected = { ...(isObject(before) ? before : {}), ...Object.fromEntries(fields) };
  return checked(src, spliced(text, changeEntry(src, pair, map!.flow === true, fields, [])), key, expected);
}

/** A field's value as the entry writes it, from the update (`threat:` from the target), or undefined to leave it. */
function fieldValue(k: Field, target: TriageTarget, update: TriageUpdate): FieldValue | undefined {
  if (k === 'threat') return target.describe;
  if (k === 'risk') return update.risk === undefined ? undefined : riskWord(update.risk);
  if (k === 'covers') return update.covers === undefined ? undefined : [...update.covers];
  return update[k];
}

/** Removes the entry for one threat, if there is one. */
export function removeTriageEntry(text: string | undefined, _modelFile: string, target: TriageTarget): { text: string; removed: boolean } {
  if (text === undefined || text.trim() === '') return { text: text ?? '', removed: false };
  const src = read(text);
  const { section, map } = threatsOf(src);
  const pair = findEntry(map, target);
  if (section === undefined || map === undefined || pair === undefined) return { text, removed: false };
  const removal = removeEntries(src.ctx, section, map, [map.items.indexOf(pair)]);
  if (typeof removal === 'string') throw refuse('by-hand', removal);
  const gone = (at: number) => removal.some((s) => s.insert === '' && at >= s.start && at < s.end);
  // What the entry anchors and other entries read through aliases stays theirs (detachAnchor); the anchor's own mark goes with the entry.
  const kept = anchorsIn(pair).flatMap((node) => orRefuse(detachAnchor(text, src.doc, node, gone))).filter((s) => !gone(s.start));
  const key = String((pair.key as Scalar).value);
  return { text: checked(src, spliced(text, [...removal, ...kept]), key, undefined), removed: true };
}

/**
 * Writes an entry under another id (a key a release changed: key-migrations.ts), its decision, comments and
 * place untouched: only the key's text changes, in the quoting it had where that holds the new id.
 */
export function renameTriageEntry(text: string, from: string, to: string): string {
  const src = read(text);
  const { map } = threatsOf(src);
  const pair = map?.items.find((p) => {
    const raw = keyText(p.key);
    return raw !== undefined && normalizeRef(raw) === from;
  });
  if (map === undefined || pair === undefined) throw refuse('no-entry', `it has no entry \`${from}\``);
  if (!isScalar(pair.key) || pair.key.anchor || pair.key.tag !== undefined) throw refuse('by-hand', `the key \`${from}\` is not written as plain text; rename it in the text`);
  if (map.items.some((p) => p !== pair && normalizeRef(keyText(p.key) ?? '') === normalizeRef(to))) throw refuse('entry-exists', `it already has an entry \`${to}\``);
  const place = map.flow ? braces(src.style) : inBlock(src.style);
  const type = pair.key.type;
  const insert = type === Scalar.QUOTE_DOUBLE || place.in === 'json' ? JSON.stringify(to)
    : type === Scalar.QUOTE_SINGLE ? `'${to.replace(/'/g, "''")}'` : keyName(to, place);
  const out = spliced(text, [{ ...rangeSplice(pair.key), insert }]);
  return renamed(src, out, String(pair.key.value), to);
}

/** `out` when it reads as the file before with the entry `from` written under `to`, in its place, and nothing else changed. */
function renamed(src: Source, out: string, from: string, to: string): string {
  const after = parseDocument(out);
  if (after.errors.length > 0) throw refuse('unverified', `the change would break the file (${after.errors[0].message.split('\n')[0]}); please report this`);
  const was: unknown = src.doc.toJS();
  const expected = isObject(was) && isObject(was.threats)
    ? { ...was, threats: Object.fromEntries(Object.entries(was.threats).map(([k, v]) => [k === from ? to : k, v])) }
    : was;
  if (sorted(after.toJS()) !== sorted(expected) || JSON.stringify(Object.keys(threatsJs(after.toJS()))) !== JSON.stringify(Object.keys(threatsJs(expected)))) {
    throw refuse('unverified', `the result would not read as the file before with \`${from}\` renamed \`${to}\`; rename it in the text, or report this`);
  }
  return out;
}

const threatsJs = (js: unknown): Record<string, unknown> => (isObject(js) && isObject(js.threats) ? js.threats : {});

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function spliced(text: string, splices: readonly Splice[]): string {
  try {
    return applySplices(text, splices);
  } catch (e) {
    // Two changes of one place: an alias and what it reads both changing, say.
    throw refuse('by-hand', `${(e as Error).message}; change the entry in the text`);
  }
}

function orRefuse(splices: Splice[] | string): Splice[] {
  if (typeof splices === 'string') throw refuse('by-hand', splices);
  return splices;
}

/** The anchored nodes of an entry (its key, its value and what is inside). */
function anchorsIn(pair: Pair): YamlNode[] {
  const found: YamlNode[] = [];
  for (const node of [pair.key, pair.value]) {
    if (!isScalar(node) && !isCollection(node)) continue;
    visit(node, { Node: (_, n) => { if ((isScalar(n) || isCollection(n)) && n.anchor) found.push(n); } });
  }
  return found;
}

// ---- writing values ----

/** YAML 1.1 readers take these for booleans or null: kept quoted, as the model edits have them. */
const AMBIGUOUS = /^(?:true|false|null|yes|no|on|off|y|n|~)$/i;

/** Where a scalar is written: in a block map, in braces, or in a JSON file (where every string is quoted). */
interface Place {
  in: 'block' | 'flow' | 'json';
  /** A file that says `%YAML 1.1` reads more plain words as other things (dates, `yes`...). */
  yaml11: boolean;
}

/** How new text is written: the model edits' style, and the YAML version the file declares. */
interface TriageStyle extends Style {
  yaml11: boolean;
}

const braces = (style: TriageStyle): Place => ({ in: style.json ? 'json' : 'flow', yaml11: style.yaml11 });
const inBlock = (style: TriageStyle): Place => ({ in: 'block', yaml11: style.yaml11 });

/** Whether `value` reads back as the same string written plain as a map's value (or key) at `place`. */
function readsPlain(value: string, place: Place, asKey = false): boolean {
  if (place.in === 'json' || value === '' || /[\r\n]/.test(value) || AMBIGUOUS.test(value)) return false;
  const inFlow = place.in === 'flow';
  const probe = asKey ? (inFlow ? `{${value}: x}` : `${value}: x\n`) : (inFlow ? `{k: ${value}}` : `k: ${value}\n`);
  const doc = parseDocument(probe, { version: place.yaml11 ? '1.1' : '1.2' });
  const map = doc.contents;
  if (doc.errors.length > 0 || !isMap(map) || map.items.length !== 1) return false;
  const node = asKey ? map.items[0].key : map.items[0].value;
  return isScalar(node) && node.value === value;
}

/** A new value as YAML: in the quoting of the one it replaces when that holds it, else plain when it reads back, else double-quoted. */
function scalarText(value: string, place: Place, old?: unknown): string {
  const type = isScalar(old) ? old.type : undefined;
  if (type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  if (type === Scalar.QUOTE_SINGLE && !/[\r\n]/.test(value)) return `'${value.replace(/'/g, "''")}'`;
  return readsPlain(value, place) ? value : JSON.stringify(value);
}

const keyName = (key: string, place: Place): string => (readsPlain(key, place, true) ? key : JSON.stringify(key));

/** Whether `value` reads back as the same string written plain as an item of a list in brackets. */
function readsPlainItem(value: string, place: Place): boolean {
  if (place.in === 'json' || value === '' || /[\r\n]/.test(value) || AMBIGUOUS.test(value)) return false;
  const doc = parseDocument(`[${value}]`, { version: place.yaml11 ? '1.1' : '1.2' });
  const seq = doc.contents;
  return doc.errors.length === 0 && isSeq(seq) && seq.items.length === 1 && isScalar(seq.items[0]) && seq.items[0].value === value;
}

/** A list in brackets (`[lb->web, lb->pay]`), each item plain when it reads back so, else double-quoted. */
const listText = (items: readonly string[], place: Place): string => `[${items.map((v) => (readsPlainItem(v, place) ? v : JSON.stringify(v))).join(', ')}]`;

/** A field's new value as YAML: text as scalarText writes it, a list in brackets. */
const valueText = (value: FieldValue, place: Place, old?: unknown): string => (typeof value === 'string' ? scalarText(value, place, old) : listText(value, place));

/** Whether a node of the file already holds a field's new value. */
function holds(node: unknown, value: FieldValue, doc: Document): boolean {
  if (typeof value === 'string') return isScalar(node) && node.value === value;
  if (!isSeq(node)) return false;
  const items: unknown = node.toJS(doc);
  return Array.isArray(items) && items.length === value.length && items.every((v, i) => v === value[i]);
}

/** A value read from the file (a materialised alias) written back: strings as scalars, numbers and the like as they read. */
function anyText(value: unknown, place: Place): string {
  if (typeof value === 'string') return scalarText(value, place);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return listText(value, place);
  return typeof value === 'number' || typeof value === 'boolean' || value === null ? String(value) : JSON.stringify(value);
}

const flowMapText = (entries: readonly (readonly [string, unknown])[], place: Place): string =>
  (entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${keyName(k, place)}: ${anyText(v, place)}`).join(', ')} }`);

const spaces = (n: number): string => ' '.repeat(Math.max(0, n));

/** `key: value` lines of a block map at `col`. */
const fieldLines = (fields: Fields, col: number, style: TriageStyle): string[] =>
  fields.map(([k, v]) => `${spaces(col)}${keyName(k, inBlock(style))}: ${valueText(v, inBlock(style))}`);

/**
 * A block scalar (`reason: >` and its lines) given a new value in its own style, its header line and comment
 * kept; undefined when the value does not read back so (it is then written on the key's line).
 */
function blockScalarSplices(text: string, node: Scalar, value: string, eol: string): Splice[] | undefined {
  const [start, end] = rangeOf(node);
  const header = /^[|>][-+0-9]*/.exec(text.slice(start, end))?.[0];
  const body = value.replace(/\n+$/, '');
  const trailing = value.length - body.length;
  if (header === undefined || body === '' || trailing > 1 || /^[ \t]/.test(body) || /\r/.test(value)) return undefined;
  const contentStart = nextLineStart(text, start);
  const content = text.slice(contentStart, end);
  const indent = /^(?:[ \t]*\r?\n)*([ \t]*)/.exec(content)![1];
  if (indent === '' || contentStart >= end) return undefined;
  // Folded text reads one line break as a space: a value of several lines is written literal.
  const indicator = `${header[0] === '>' && !body.includes('\n') ? '>' : '|'}${trailing === 1 ? '' : '-'}`;
  const lines = body.split('\n').map((line) => (line === '' ? '' : `${indent}${line}`));
  const probe = parseDocument(`k: ${indicator}\n${lines.join('\n')}\n`).contents;
  if (!isMap(probe) || !isScalar(probe.items[0]?.value) || probe.items[0].value.value !== value) return undefined;
  return [
    { start, end: start + header.length, insert: indicator },
    { start: contentStart, end: contentStart + content.replace(/\s+$/, '').length, insert: lines.join(eol) },
  ];
}

/** Where a value's text starts, its tag (`!!int 412`) included: the new value is a string, whatever the old one was. */
function tagStart(text: string, node: unknown): number {
  const start = rangeOf(node)[0];
  if (!isScalar(node) || node.tag === undefined) return start;
  const tag = /![^\s,{}[\]]*[ \t]+$/.exec(text.slice(lineStart(text, start), start));
  return tag ? start - tag[0].length : start;
}

/** The value of `pair` replaced by `value` written for `place`, and nothing else of the text. */
function replaceValue(src: Source, pair: Pair, value: FieldValue, place: Place): Splice[] {
  const { text } = src.ctx;
  const { style } = src;
  const node = pair.value;
  if (typeof value !== 'string') return replaceWithList(text, pair, listText(value, place));
  if (isScalar(node) && (node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL)) {
    const block = blockScalarSplices(text, node, value, style.eol);
    if (block) return block;
    const [start, end] = rangeOf(node);
    return [{ start, end: start + text.slice(start, end).replace(/\s+$/, '').length, insert: scalarText(value, place) }];
  }
  const insert = scalarText(value, place, node);
  if (node !== null && (node as YamlNode).range && rangeOf(node)[1] > rangeOf(node)[0]) return [{ start: tagStart(text, node), end: contentEnd(node), insert }];
  // `reason:` with nothing after it (or a comment): the value just after the `:`.
  const colon = text.indexOf(':', rangeOf(pair.key)[1]);
  return [{ start: colon + 1, end: colon + 1, insert: ` ${insert}` }];
}

/** A value replaced by a list in brackets: a list of lines under the key becomes one on the key's line. */
function replaceWithList(text: string, pair: Pair, insert: string): Splice[] {
  const node = pair.value;
  if (isCollection(node) && !node.flow) {
    const colon = text.indexOf(':', rangeOf(pair.key)[1]);
    return [{ start: colon + 1, end: contentEnd(node), insert: ` ${insert}` }];
  }
  if (node !== null && (node as YamlNode).range && rangeOf(node)[1] > rangeOf(node)[0]) return [{ start: tagStart(text, node), end: contentEnd(node), insert }];
  const colon = text.indexOf(':', rangeOf(pair.key)[1]);
  return [{ start: colon + 1, end: colon + 1, insert: ` ${insert}` }];
}

// ---- an entry changed ----

/** `fields` set and `unset` removed in the entry `pair`, each field where it is; new ones after the others, `threat:` first. */
function changeEntry(src: Source, pair: Pair, inFlowMap: boolean, fields: Fields, unset: readonly string[]): Splice[] {
  const { doc } = src;
  const entry = pair.value;
  if (isAlias(entry)) {
    // An entry that reads another's through an alias gets its own, written out with the change made.
    const resolved = entry.resolve(doc);
    const current: unknown = isMap(resolved) ? resolved.toJS(doc) : {};
    return [{ ...rangeSplice(entry), insert: flowMapText(merged(isObject(current) ? Object.entries(current) : [], fields, unset), braces(src.style)) }];
  }
  if (!isMap(entry)) return newValue(src, pair, inFlowMap, fields);
  const changed = fields.filter(([k, v]) => {
    const node = pairOf(entry, k)?.value;
    const value = isAlias(node) ? node.resolve(doc) : node;
    return !holds(value, v, doc);
  });
  const going = entry.items.map((p, i) => [keyText(p.key), i] as const).filter(([k]) => k !== undefined && unset.includes(k)).map(([, i]) => i);
  if (changed.length === 0 && going.length === 0) return [];
  const removal = removeEntries(src.ctx, undefined, entry, going);
  if (typeof removal === 'string') throw refuse('by-hand', removal);
  const place = entry.flow ? braces(src.style) : inBlock(src.style);
  const values = changed.flatMap(([k, v]) => {
    const existing = pairOf(entry, k);
    return existing ? replaceValue(src, existing, v, place) : [];
  });
  const missing = changed.filter(([k]) => pairOf(entry, k) === undefined);
  return [...detachShared(src, entry, changed, going, removal), ...removal, ...values, ...newFields(src, entry, missing)];
}

/**
 * Whatever reads, through an alias, this entry's map or a value about to change or go keeps reading it as it
 * was (detachAnchor): all but aliases in the text rewritten anyway, and anchors' marks in the text that goes.
 */
function detachShared(src: Source, entry: YAMLMap, changed: Fields, going: readonly number[], removal: readonly Splice[]): Splice[] {
  const gone = (at: number) => removal.some((s) => s.insert === '' && at >= s.start && at < s.end);
  const replaced = changed.map(([k]) => pairOf(entry, k)?.value).filter((n): n is YamlNode => isScalar(n) || isAlias(n) || isCollection(n));
  const rewritten = (at: number) => gone(at) || replaced.some((n) => at >= rangeOf(n)[0] && at < contentEnd(n));
  const shared = [entry, ...replaced, ...going.map((i) => entry.items[i].value)];
  return shared.flatMap((node) => orRefuse(detachAnchor(src.ctx.text, src.doc, node, rewritten))).filter((s) => !gone(s.start));
}

/** Fields the entry does not have yet: `threat:` first, where a new entry has it (it says what the entry is about), the rest after the last. */
function newFields(src: Source, entry: YAMLMap, missing: Fields): Splice[] {
  const { text } = src.ctx;
  const first = missing.filter(([k]) => k === 'threat');
  const last = missing.filter(([k]) => k !== 'threat');
  return [
    ...(first.length === 0 ? [] : [entry.flow ? flowFirst(text, entry, first, src.style) : blockFirst(src, entry, first)]),
    ...(last.length === 0 ? [] : [entry.flow ? flowLast(text, entry, last, src.style) : blockLast(src, entry, last)]),
  ];
}

/** The entries of a map read from the file with `fields` set (in place, new ones after, `threat` first) and `unset` gone. */
function merged(current: readonly (readonly [string, unknown])[], fields: Fields, unset: readonly string[]): [string, unknown][] {
  const given = new Map<string, unknown>(fields);
  const out = current.filter(([k]) => !unset.includes(k)).map(([k, v]): [string, unknown] => [k, given.has(k) ? given.get(k) : v]);
  const missing = fields.filter(([k]) => !current.some(([c]) => c === k)).map(([k, v]): [string, unknown] => [k, v]);
  return [...missing.filter(([k]) => k === 'threat'), ...out, ...missing.filter(([k]) => k !== 'threat')];
}

/** An entry whose value is not a map (`TM-1:` with nothing, or a scalar) given the fields as its map. */
function newValue(src: Source, pair: Pair, inFlowMap: boolean, fields: Fields): Splice[] {
  const { text } = src.ctx;
  const { style } = src;
  const node = pair.value as YamlNode | null;
  const keyStart = rangeOf(pair.key)[0];
  const colon = text.indexOf(':', rangeOf(pair.key)[1]);
  // `TM-1:` alone in a block: the fields under it; else a map in braces in the value's place.
  if (!inFlowMap && (node === null || (isNull(node) && rangeOf(node)[1] === rangeOf(node)[0]))) {
    return [insertLines(text, nextLineStart(text, colon), fieldLines(fields, column(text, keyStart) + 2, style), style)];
  }
  const insert = flowMapText(fields, braces(style));
  return node !== null && rangeOf(node)[1] > rangeOf(node)[0] ? [{ ...rangeSplice(node), insert }] : [{ start: colon + 1, end: colon + 1, insert: ` ${insert}` }];
}

/** New fields before the first of a block map, above its leading comments. */
function blockFirst(src: Source, entry: YAMLMap, fields: Fields): Splice {
  const { text } = src.ctx;
  const { style } = src;
  const first = entry.items[0];
  const col = column(text, rangeOf(first.key)[0]);
  return insertLines(text, blockEntry(text, first).start, fieldLines(fields, col, style), style);
}

/** New fields after the last of a block map (and the comment lines under it). */
function blockLast(src: Source, entry: YAMLMap, fields: Fields): Splice {
  const { text } = src.ctx;
  const { style } = src;
  const last = entry.items.at(-1)!;
  return insertLines(text, blockEntry(text, last).end, fieldLines(fields, column(text, rangeOf(last.key)[0]), style), style);
}

const flowFields = (fields: Fields, style: TriageStyle): string => fields.map(([k, v]) => `${keyName(k, braces(style))}: ${valueText(v, braces(style))}`).join(', ');

/** New fields before the first of a map in braces: on a line of their own when its entries are. */
function flowFirst(text: string, entry: YAMLMap, fields: Fields, style: TriageStyle): Splice {
  const at = rangeOf(entry.items[0].key)[0];
  const ownLine = /^[ \t]*$/.test(text.slice(lineStart(text, at), at));
  const insert = ownLine ? `${flowFields(fields, style)},${style.eol}${spaces(column(text, at))}` : `${flowFields(fields, style)}, `;
  return { start: at, end: at, insert };
}

function flowLast(text: string, entry: YAMLMap, fields: Fields, style: TriageStyle): Splice {
  return addEntryToFlow(text, entry, () => flowFields(fields, style), style)[0];
}

// ---- an entry added ----

/** A new entry `key` with `fields` at the end of `threats:` (created where there is none), written as the others are. */
function addEntry(src: Source, section: Pair | undefined, map: YAMLMap | undefined, key: string, fields: Fields): Splice[] {
  const { text } = src.ctx;
  const { style } = src;
  const inline = `${keyName(key, braces(style))}: ${flowMapText(fields, braces(style))}`;
  const block = (col: number): string[] => [`${spaces(col)}${keyName(key, inBlock(style))}:`, ...fieldLines(fields, col + 2, style)];
  if (src.root?.flow) {
    if (section === undefined) return addEntryToFlow(text, src.root, () => `${keyName('threats', braces(style))}: { ${inline} }`, style);
    if (map === undefined) return [valueAfterColon(text, section, `{ ${inline} }`)];
  }
  if (section === undefined) {
    // A file of comments alone, or one without the section: `threats:` at its end.
    return [insertLines(text, text.length, ['threats:', ...block(2)], style)];
  }
  if (map === undefined || map.items.length === 0) return firstEntry(src, section, block, inline);
  if (map.flow) return addEntryToFlow(text, map, () => inline, style);
  // In a block, a new entry is block lines (as a new file's first one is), indented as the others' fields are.
  const last = map.items.at(-1)!;
  const col = column(text, rangeOf(last.key)[0]);
  const lines = [`${spaces(col)}${keyName(key, inBlock(style))}:`, ...fieldLines(fields, col + fieldStep(text, map), style)];
  return [insertLines(text, blockEntry(text, last).end, lines, style)];
}

/** How far a block entry's fields are indented under its key: as the first such entry has them, else 2. */
function fieldStep(text: string, map: YAMLMap): number {
  const sample = map.items.find((p) => isMap(p.value) && !p.value.flow && p.value.items.length > 0);
  if (sample === undefined) return 2;
  const step = column(text, rangeOf((sample.value as YAMLMap).items[0].key)[0]) - column(text, rangeOf(sample.key)[0]);
  return step > 0 ? step : 2;
}

/** The first entry of `threats:` that is empty (`{}`, `~`, nothing): block lines, unless a comment follows `{}` on its line. */
function firstEntry(src: Source, section: Pair, block: (col: number) => string[], inline: string): Splice[] {
  const { text } = src.ctx;
  const { style } = src;
  const colon = text.indexOf(':', rangeOf(section.key)[1]);
  const node = section.value as YamlNode | null;
  const [start, end] = node?.range ? rangeOf(node) : [colon + 1, colon + 1];
  const lines = block(column(text, rangeOf(section.key)[0]) + 2);
  if (end === start) return [insertLines(text, nextLineStart(text, colon), lines, style)];
  if (text.slice(end, nextLineStart(text, end)).trim() === '') return [{ start: colon + 1, end, insert: `${style.eol}${lines.join(style.eol)}` }];
  return [{ start, end, insert: `{ ${inline} }` }];
}

function valueAfterColon(text: string, pair: Pair, insert: string): Splice {
  const node = pair.value as YamlNode | null;
  if (node?.range && rangeOf(node)[1] > rangeOf(node)[0]) return { ...rangeSplice(node), insert };
  const colon = text.indexOf(':', rangeOf(pair.key)[1]);
  return { start: colon + 1, end: colon + 1, insert: ` ${insert}` };
}

// ---- the check of the result ----

/** A value as one string whatever the order of its maps' keys. */
function sorted(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sorted).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${sorted(value[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * `out` when it reads as the file before with only the entry `key` changed: to `expected`, or gone when that
 * is undefined. Every other entry, their order and the rest of the file must read as they did.
 */
function checked(src: Source, out: string, key: string, expected: Record<string, unknown> | undefined): string {
  const after = parseDocument(out);
  if (after.errors.length > 0) throw refuse('unverified', `the change would break the file (${after.errors[0].message.split('\n')[0]}); please report this`);
  const rest = (js: unknown) => {
    const top = isObject(js) ? js : {};
    const threats = isObject(top.threats) ? top.threats : {};
    return JSON.stringify([Object.entries(top).filter(([k]) => k !== 'threats'), Object.entries(threats).filter(([k]) => k !== key)]);
  };
  const was: unknown = src.doc.toJS();
  const now: unknown = after.toJS();
  const threats = isObject(now) && isObject(now.threats) ? now.threats : {};
  const entry = Object.hasOwn(threats, key) ? sorted(threats[key]) : undefined;
  if (rest(now) !== rest(was) || entry !== (expected === undefined ? undefined : sorted(expected))) {
    throw refuse('unverified', `the result would not read as the file before with only the decision on \`${key}\` changed as asked; change it in the text, or report this`);
  }
  return out;
}
