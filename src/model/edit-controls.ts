// Adding and removing a control on an element, flow, endpoint or boundary, as a splice of the list that holds
// it (created where there is none), in the file's own style. Pure.
import { isAlias, isMap, isScalar, isSeq, type Document, type Node as YamlNode, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { CONTROLS } from './catalog.js';
import type { EditResult, EditTarget, ModelEdit } from './edit.js';
import { addEntryToFlow, applySplices, canonical, checkedText, isJsonMap, type Json } from './edit-structure.js';
import {
  column, contentEnd, detachAnchor, flowRefs, insertLines, keyText, lineStart, nextLineStart, pairOf, parse, rangeOf, rangeSplice, scalar, type Splice,
  type Style,
} from './edit-text.js';
import { CUSTOM_CONTROL_PATTERN } from './schema.js';
import { didYouMean, SYNONYMS } from './suggest.js';

export type ControlEdit = Extract<ModelEdit, { op: 'add-control' | 'remove-control' }>;

export function controlEdit(text: string, edit: ControlEdit, style: Style): EditResult {
  if (typeof edit.control !== 'string' || edit.control.trim() === '' || /[\r\n]/.test(edit.control)) return { error: 'a control is a name on one line' };
  // One the model does not know would leave a model that no longer loads; one already written may still be removed.
  if (edit.op === 'add-control' && !Object.hasOwn(CONTROLS, edit.control) && !CUSTOM_CONTROL_PATTERN.test(edit.control)) {
    const near = didYouMean(edit.control, Object.keys(CONTROLS), { synonyms: SYNONYMS.control });
    return { error: `unknown control \`${edit.control}\`${near ? ` (${near})` : ''}: name one of the catalogue's, or one of your own as \`x-...\`` };
  }
  const parsed = parse(text);
  if (typeof parsed === 'string') return { error: parsed };
  const own = ownList(text, parsed.doc, edit, style);
  if (typeof own === 'string') return { error: own };
  const out = own.done ? { text: own.text } : spliceControl(own.text, own.text !== text, edit, style);
  if ('error' in out) return out;
  // Read back, the model must be the one before with this one control added or removed, and nothing else (an
  // unchanged text too: a control that a YAML merge gives the target cannot be removed from its own text).
  return checkedText(parsed, out.text, (model) => withControl(model, edit), (model) => withoutEmptyControls(model, edit.target));
}

/** The control spliced into (or out of) the target's list of `text`; `changed`: the text is already not the user's. */
function spliceControl(text: string, changed: boolean, edit: ControlEdit, style: Style): EditResult {
  let current = text;
  for (let round = 0; ; round++) {
    const parsed = parse(current);
    // The text after a splice is parsed again: a splice that broke it is an error, never a result.
    if (typeof parsed === 'string') return { error: round === 0 && !changed ? parsed : `the edit would break the model's text (${parsed}); please report this` };
    // An addition is one splice; a removal repeats until the list no longer has the control (listed twice, it goes twice).
    if (round > 0 && edit.op === 'add-control') return { text: current };
    const entry = findEntry(parsed.doc, edit.target);
    if (typeof entry === 'string') return { error: entry };
    const splice = edit.op === 'add-control' ? addControl(current, entry, edit.control, style) : removeControl(current, entry, edit.control);
    if (typeof splice === 'string') return { error: splice };
    if (splice === undefined) return { text: current };
    current = applySplices(current, [splice]);
  }
}

/**
 * The target's controls made its own before they change, where they are shared: a list read through an alias
 * (`controls: *std`) is written out with the change made (`done`); a list (or an entry) that aliases read
 * elsewhere keeps its value for them, its anchor moved to the first of them (detachAnchor).
 */
function ownList(text: string, doc: Document, edit: ControlEdit, style: Style): { text: string; done: boolean } | string {
  const entry = findEntry(doc, edit.target);
  if (typeof entry === 'string' || !('map' in entry)) return { text, done: false };
  const pair = pairOf(entry.map, 'controls');
  const value = pair?.value;
  if (pair && isAlias(value)) {
    const written = aliasWritten(text, doc, entry, pair, edit, style);
    return typeof written === 'string' ? written : { text: written ? applySplices(text, [written]) : text, done: true };
  }
  const listed = isSeq(value) && value.items.some((item) => keyText(item) === edit.control);
  if (edit.op === 'add-control' ? listed : !listed) return { text, done: false };
  const splices: Splice[] = [];
  for (const node of [entry.map, value]) {
    const moved = detachAnchor(text, doc, node, () => false);
    if (typeof moved === 'string') return moved;
    splices.push(...moved);
  }
  return { text: applySplices(text, splices), done: false };
}

/** `controls: *name` written out as the target's own list, with the control added or removed; undefined: no change. */
function aliasWritten(text: string, doc: Document, entry: { map: YAMLMap; name: string }, pair: Pair, edit: ControlEdit, style: Style): Splice | undefined | string {
  const alias = pair.value as YamlNode;
  const list = isAlias(alias) ? alias.resolve(doc) : undefined;
  const names: unknown = isSeq(list) ? list.toJS(doc) : undefined;
  if (!Array.isArray(names) || !names.every((n): n is string => typeof n === 'string')) return `the controls of ${entry.name} are not written as a list`;
  if (edit.op === 'add-control' ? names.includes(edit.control) : !names.includes(edit.control)) return undefined;
  const next = edit.op === 'add-control' ? [...names, edit.control] : names.filter((n) => n !== edit.control);
  if (next.length > 0) return { ...rangeSplice(alias), insert: `[${next.map((n) => scalar(n, style)).join(', ')}]` };
  return removePair(text, entry.map, pair) ?? { ...rangeSplice(alias), insert: '[]' };
}

// ---- the change as data, to check the text against ----

/** Where a target's value is in the model read as data (flows as `canonical` lists them): its owner and key there. */
function located(model: unknown, target: EditTarget): { owner: Json | unknown[]; key: string | number } | undefined {
  if (!isJsonMap(model)) return undefined;
  if ('element' in target || 'boundary' in target) {
    const [section, id] = 'element' in target ? ['elements', target.element] : ['boundaries', target.boundary];
    const owner = model[section];
    return isJsonMap(owner) && Object.hasOwn(owner, id) ? { owner, key: id } : undefined;
  }
  if ('endpoint' in target) {
    const elements = isJsonMap(model.elements) ? model.elements : {};
    for (const [id, element] of Object.entries(elements)) {
      const endpoints = isJsonMap(element) ? element.endpoints : undefined;
      const key = target.endpoint.slice(id.length + 1);
      if (target.endpoint.startsWith(`${id}:`) && isJsonMap(endpoints) && Object.hasOwn(endpoints, key)) return { owner: endpoints, key };
    }
    return undefined;
  }
  const flows = Array.isArray(model.flows) ? model.flows as unknown[] : [];
  const idOf = (f: unknown) => (isJsonMap(f) ? (typeof f.id === 'string' ? f.id : `${String(f.from)}->${String(f.to)}`) : undefined);
  const index = flows.findIndex((f) => idOf(f) === target.flow);
  return index === -1 ? undefined : { owner: flows, key: index };
}

function controlsOf(model: unknown, target: EditTarget, create: boolean): { entry: Json; list: unknown[] } | undefined {
  const at = located(model, target);
  if (at === undefined) return undefined;
  const owner = at.owner as Record<string | number, unknown>;
  // `api:` with nothing under it yet gains a map.
  if (create && owner[at.key] === null) owner[at.key] = {};
  const entry = owner[at.key];
  if (!isJsonMap(entry)) return undefined;
  return { entry, list: Array.isArray(entry.controls) ? entry.controls as unknown[] : [] };
}

/** The model read before, with the control added to (or removed from) the target's list. */
function withControl(model: Json, edit: ControlEdit): unknown {
  const copy = canonical(structuredClone(model));
  const found = controlsOf(copy, edit.target, true);
  if (found === undefined) return copy;
  const { entry, list } = found;
  if (edit.op === 'remove-control') entry.controls = list.filter((c) => c !== edit.control);
  else if (!list.includes(edit.control)) entry.controls = [...list, edit.control];
  return copy;
}

/** No controls, `controls: []` and `controls:` say the same of the target (the last control's removal leaves any of them). */
function withoutEmptyControls(model: unknown, target: EditTarget): unknown {
  const found = controlsOf(model, target, false);
  if (found && found.list.length === 0) delete found.entry.controls;
  return model;
}

/** What holds the controls: a map (the entry itself), or an entry whose value is not a map yet. */
type Entry = { map: YAMLMap; name: string } | { pair: Pair; name: string; flowArrow: boolean };

function entryOf(pair: Pair, name: string, flowArrow = false): Entry {
  return isMap(pair.value) ? { map: pair.value, name } : { pair, name, flowArrow };
}

function findEntry(doc: Document, target: EditTarget): Entry | string {
  const root = doc.contents;
  if (typeof target !== 'object' || target === null) return 'an edit names its target: an element, flow, endpoint or boundary';
  if ('element' in target || 'boundary' in target) {
    const [section, id, what] = 'element' in target ? ['elements', target.element, 'element'] : ['boundaries', target.boundary, 'boundary'];
    const pair = pairOf(pairOf(root, section)?.value, id);
    return pair ? entryOf(pair, `${what} \`${id}\``) : `no ${what} \`${id}\` in the model`;
  }
  if ('endpoint' in target) {
    const elements = pairOf(root, 'elements')?.value;
    for (const element of isMap(elements) ? elements.items : []) {
      const id = keyText(element.key);
      if (id === undefined || !target.endpoint.startsWith(`${id}:`)) continue;
      const endpoints = pairOf(element.value, 'endpoints')?.value;
      for (const pair of isMap(endpoints) ? endpoints.items : []) {
        if (`${id}:${keyText(pair.key)}` === target.endpoint) return entryOf(pair, `endpoint \`${target.endpoint}\``);
      }
    }
    return `no endpoint \`${target.endpoint}\` in the model`;
  }
  const ref = flowRefs(root).find((f) => f.id === target.flow);
  if (ref === undefined) return `no flow \`${target.flow}\` in the model`;
  const name = `flow \`${target.flow}\``;
  return ref.pair ? entryOf(ref.pair, name, true) : { map: ref.item, name };
}

const controlsKey = (style: Style): string => (style.json ? '"controls"' : 'controls');

const flowControls = (control: string, style: Style): string => `${controlsKey(style)}: [${scalar(control, style)}]`;

const has = (seq: YAMLSeq, control: string): boolean => seq.items.some((item) => keyText(item) === control);

function addControl(text: string, entry: Entry, control: string, style: Style): Splice | string | undefined {
  if ('pair' in entry) return addToBareEntry(text, entry, control, style);
  const { map } = entry;
  const pair = pairOf(map, 'controls');
  if (pair === undefined) return addControlsPair(text, map, control, style);
  const value = pair.value;
  if (isSeq(value)) {
    if (has(value, control)) return undefined;
    return value.flow ? addToFlowSeq(text, value, control, style) : addToBlockSeq(text, value, control, style);
  }
  if (value === null || (isScalar(value) && value.value === null)) return replaceValue(text, pair, `[${scalar(control, style)}]`);
  return `the controls of ${entry.name} are not written as a list`;
}

/** `- a -> b: https`, `/search:` or `api:` with no map: the value becomes a one-line map. */
function addToBareEntry(text: string, entry: Extract<Entry, { pair: Pair }>, control: string, style: Style): Splice | string {
  const value = entry.pair.value;
  const controls = flowControls(control, style);
  if (value === null || (isScalar(value) && value.value === null)) return replaceValue(text, entry.pair, `{ ${controls} }`);
  if (entry.flowArrow && isScalar(value) && typeof value.value === 'string') {
    const [start, end] = rangeOf(value);
    return { start, end, insert: `{ ${style.json ? '"protocol"' : 'protocol'}: ${text.slice(start, end)}, ${controls} }` };
  }
  return `${entry.name} is not written as a map; add its controls in the text`;
}

function addControlsPair(text: string, map: YAMLMap, control: string, style: Style): Splice {
  // In braces: after the last entry, on a line of its own when the entries are (JSON as JSON.stringify writes it).
  if (map.flow) return addEntryToFlow(text, map, () => flowControls(control, style), style)[0];
  const indent = ' '.repeat(column(text, rangeOf(map.items[0].key)[0]));
  return insertLines(text, nextLineStart(text, contentEnd(map)), [`${indent}controls:`, `${indent}  - ${scalar(control, style)}`], style);
}

function addToFlowSeq(text: string, seq: YAMLSeq, control: string, style: Style): Splice {
  if (seq.items.length === 0) return { ...rangeSplice(seq), insert: `[${scalar(control, style)}]` };
  return addEntryToFlow(text, seq, () => scalar(control, style), style)[0];
}

function addToBlockSeq(text: string, seq: YAMLSeq, control: string, style: Style): Splice {
  const last = seq.items.at(-1)!;
  const start = rangeOf(last)[0];
  const prefix = text.slice(lineStart(text, start), start);
  const indent = ' '.repeat(Math.max(0, prefix.indexOf('-')));
  return insertLines(text, nextLineStart(text, contentEnd(seq)), [`${indent}- ${scalar(control, style)}`], style);
}

function removeControl(text: string, entry: Entry, control: string): Splice | undefined {
  if (!('map' in entry)) return undefined;
  const pair = pairOf(entry.map, 'controls');
  const seq = pair?.value;
  if (pair === undefined || !isSeq(seq)) return undefined;
  const index = seq.items.findIndex((item) => keyText(item) === control);
  if (index === -1) return undefined;
  if (seq.items.length > 1) return seq.flow ? removeFlowItem(text, seq, index) : removeBlockItem(text, seq.items[index]);
  // The last control: the `controls` entry goes too, unless that would lose a comment or leave the map empty.
  return removePair(text, entry.map, pair) ?? emptyList(text, seq);
}

function removeFlowItem(text: string, seq: YAMLSeq, index: number): Splice {
  const [start] = rangeOf(seq.items[index]);
  const end = contentEnd(seq.items[index]);
  return removeFlowPart(text, start, end, index === seq.items.length - 1);
}

/** A part of a flow collection, with the comma that joins it to its neighbour. */
function removeFlowPart(text: string, start: number, end: number, last: boolean): Splice {
  if (!last) {
    // `a, ` of `[a, b]`: the item, its comma and the spaces up to the next item.
    const comma = /^[ \t]*,[ \t]*/.exec(text.slice(end));
    if (comma) return { start, end: end + comma[0].length, insert: '' };
  }
  // `, b` of `[a, b]`: the comma before the item, found across spaces and line breaks only.
  let before = start;
  while (before > 0 && /\s/.test(text[before - 1])) before--;
  if (text[before - 1] === ',') {
    let from = before - 1;
    while (from > 0 && /[ \t]/.test(text[from - 1])) from--;
    return { start: from, end, insert: '' };
  }
  // A comment stands between the item and its comma: the item alone goes, the comma stays (YAML allows `[a, ]`).
  return { start, end, insert: '' };
}

function removeBlockItem(text: string, item: unknown): Splice {
  const start = lineStart(text, rangeOf(item)[0]);
  if (!/^[ \t]*-[ \t]*$/.test(text.slice(start, rangeOf(item)[0]))) return { ...rangeSplice(item), insert: '' };
  return { start, end: nextLineStart(text, contentEnd(item)), insert: '' };
}

/** The `controls` entry removed with its line(s) or its comma; undefined when that would lose more than the list. */
function removePair(text: string, map: YAMLMap, pair: Pair): Splice | undefined {
  if (map.items.length < 2) return undefined;
  const keyStart = rangeOf(pair.key)[0];
  const end = contentEnd(pair.value);
  if (map.flow) {
    if (COMMENT.test(text.slice(keyStart, end))) return undefined;
    return removeFlowPart(text, keyStart, end, map.items.at(-1) === pair);
  }
  const start = lineStart(text, keyStart);
  const lineEnd = nextLineStart(text, end);
  if (!/^[ \t]*$/.test(text.slice(start, keyStart)) || COMMENT.test(text.slice(start, lineEnd))) return undefined;
  return { start, end: lineEnd, insert: '' };
}

/** The list's only item replaced by `[]`: comments around it stay where they are. */
function emptyList(text: string, seq: YAMLSeq): Splice {
  if (seq.flow) return { ...rangeSplice(seq), insert: '[]' };
  const item = seq.items[0];
  const dash = text.lastIndexOf('-', rangeOf(item)[0]);
  return { start: dash, end: contentEnd(item), insert: '[]' };
}

/** A `#` that starts a comment (at a line start or after a space). */
const COMMENT = /(?:^|[ \t])#/m;

/** A null value (`~`, `null`) replaced; an empty one (`/search:   # comment`) written just after the `:`. */
function replaceValue(text: string, pair: Pair, insert: string): Splice {
  const value = pair.value as YamlNode | null;
  if (value !== null && value.range![1] > value.range![0]) return { ...rangeSplice(value), insert };
  const colon = text.indexOf(':', rangeOf(pair.key)[1]);
  return { start: colon + 1, end: colon + 1, insert: ` ${insert}` };
}
