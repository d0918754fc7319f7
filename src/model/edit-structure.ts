// Adding and removing elements and flows: a new entry at the end of its section in the style of the ones
// around it, an entry removed with its own lines (and, for an element, its flows), each result checked by
// parsing it again against the model the edit intends. Written threats (edit-threats.ts) are added, removed
// and checked with the same means. Pure.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { AUTH_ALIASES, AUTH_METHODS, ELEMENT_KINDS, ELEMENT_TYPES, PROTOCOLS, TECHNOLOGIES, techName } from './catalog.js';
import type { EditResult, ModelEdit } from './edit.js';
import type { ControlEdit } from './edit-controls.js';
import type { ThreatEdit } from './edit-threats.js';
import {
  column, contentEnd, type FlowRef, flowRefs, insertLines, keyText, lineEndingAt, lineStart, nextLineStart, pairOf, parse, type Parsed, rangeOf, rangeSplice,
  type Splice, type Style,
} from './edit-text.js';
import { splitFlowArrow } from './flow-arrow.js';
import { didYouMean } from './suggest.js';

const ELEMENT_FIELDS = ['name', 'type', 'tech', 'kind', 'in'] as const;
const FLOW_FIELDS = ['protocol', 'auth', 'data'] as const;

// ---------------------------------------------------------------------------------------------------
// Elements and flows: added at the end of their section, removed with their own lines.

export type StructureEdit = Exclude<ModelEdit, ControlEdit | ThreatEdit>;

/** The schema's ID_PATTERN (schema.ts), which cannot be imported here without bringing zod into the page. */
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
/** A value other than a name: one word a plain YAML scalar holds as it is. */
const WORD = /^[A-Za-z0-9][A-Za-z0-9_.:/+-]*$/;
const CUSTOM_PROTOCOL = /^x-[a-z0-9][a-z0-9+.-]*$/;

export interface Ctx {
  text: string;
  root: YAMLMap;
  lines: LineCounter;
  style: Style;
}

/** A map's entries as written: a value is a scalar, a list of scalars, or a map of its own. */
export type Value = string | readonly string[] | Fields;
export type Fields = readonly (readonly [string, Value])[];

export function structureEdit(text: string, edit: StructureEdit, style: Style): EditResult {
  return checkedEdit(text, style, (ctx) => (edit.op === 'add-element' ? addElement(ctx, edit)
    : edit.op === 'remove-element' ? removeElement(ctx, edit.id)
      : edit.op === 'add-flow' ? addFlow(ctx, edit)
        : edit.op === 'remove-flow' ? removeFlow(ctx, edit.flow)
          : `unknown edit \`${String((edit as { op: unknown }).op)}\``), (model) => expected(model, edit));
}

/**
 * The text with the splices `plan` works out made, checked by parsing it again: it must read as the model
 * read before with `change` made to it as data (`change` gets the model as the text held it).
 */
export function checkedEdit(text: string, style: Style, plan: (ctx: Ctx) => Splice[] | string, change: (model: Json) => unknown): EditResult {
  const parsed = parse(text);
  if (typeof parsed === 'string') return { error: parsed };
  const root = parsed.doc.contents;
  if (!isMap(root)) return { error: 'the model is not a map of sections (`threatmap:`, `system:`, `elements:`...)' };
  const ctx: Ctx = { text, root, lines: parsed.lines, style };
  const splices = plan(ctx);
  if (typeof splices === 'string') return { error: splices };
  return checkedText(parsed, applySplices(text, splices), change);
}

/**
 * `out`, the text an edit of the text `before` parses as wrote, when it reads as the model read before with
 * `change` made to it as data; `same`, if given, takes out what does not matter of a model (on both sides, after `canonical`).
 */
export function checkedText(before: Parsed, out: string, change: (model: Json) => unknown, same: (model: unknown) => unknown = (m) => m): EditResult {
  const after = parse(out);
  if (typeof after === 'string') return { error: `the edit would break the model's text (${after}); please report this` };
  // The text read back must be the model read before with just this change: nothing else moved or went.
  const model: unknown = before.doc.toJS();
  const expected = isJsonMap(model) ? change(model) : model;
  if (JSON.stringify(same(canonical(after.doc.toJS()))) !== JSON.stringify(same(canonical(expected)))) {
    return { error: 'the edit would change more of the model than asked; please report this' };
  }
  return { text: out };
}

/**
 * The text with the splices made. The line breaks a splice inserts are its neighbours' (lineEndingAt), so
 * that a file mixing CRLF and LF keeps each line's own and new lines match the ones around them.
 */
export function applySplices(text: string, splices: readonly Splice[]): string {
  const sorted = [...splices].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Infinity;
  for (const s of sorted) {
    if (s.end > limit) throw new Error('two changes of the text overlap');
    out = out.slice(0, s.start) + withLineEndings(s.insert, lineEndingAt(text, s.start)) + out.slice(s.end);
    limit = s.start;
  }
  return out;
}

/** `insert` with every line break written `eol` (as it came when there is none to follow). */
export const withLineEndings = (insert: string, eol: string | undefined): string => (eol === undefined ? insert : insert.replace(/\r?\n/g, eol));

export const lineAt = (ctx: Ctx, node: unknown): number => ctx.lines.linePos(rangeOf(isPair(node) ? node.key : node)[0]).line;

// ---- checks of what is asked ----

/** A value on one line with no control characters, or the reason it is not. */
export function oneLine(key: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return `\`${key}\` must be text`;
  if (value.trim() === '') return `\`${key}\` is empty`;
  if (/[\u0000-\u001f\u007f\u2028\u2029]/.test(value)) return `\`${key}\` must be one line of text`;
  return undefined;
}

/** A text of one or more lines (`\n` or `\r\n` between them; tabs allowed) with no other control characters, or the reason it is not. */
export function paragraphs(key: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return `\`${key}\` must be text`;
  if (value.trim() === '') return `\`${key}\` is empty`;
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u2028\u2029]/.test(value)) return `\`${key}\` must be text without control characters (line breaks as \\n)`;
  return undefined;
}

export function checkId(what: string, id: unknown): string | undefined {
  const problem = oneLine(what, id);
  if (problem) return problem;
  if (!ID.test(id as string)) return `\`${id as string}\` is not an id: use letters, digits and . _ : - (starting with a letter or digit)`;
  return undefined;
}

export function unknownKeys(fields: object, known: readonly string[], what: string): string | undefined {
  const extra = Object.keys(fields).find((k) => !known.includes(k));
  return extra === undefined ? undefined : `${what} has no \`${extra}\` here: give ${known.map((k) => `\`${k}\``).join(', ')}, and write the rest in the text`;
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function notOneOf(what: string, value: string, known: readonly string[]): string {
  const near = didYouMean(value, known);
  return `unknown ${what} \`${value}\`${near ? `; ${near}` : ''}`;
}

/** The type an element's tech implies (an element type's own name counts as a technology, as normalize.ts has it). */
function techType(tech: string): keyof typeof ELEMENT_TYPES | undefined {
  const name = techName(tech);
  if (name !== undefined) return TECHNOLOGIES[name].type;
  const t = tech.toLowerCase();
  return Object.hasOwn(ELEMENT_TYPES, t) ? (t as keyof typeof ELEMENT_TYPES) : undefined;
}

function elementFields(id: string, given: unknown): Fields | string {
  const fields = given ?? {};
  if (!isPlainObject(fields)) return 'the fields of an element are a map';
  const extra = unknownKeys(fields, ELEMENT_FIELDS, 'a new element');
  if (extra) return extra;
  const out: [string, string][] = [];
  for (const key of ELEMENT_FIELDS) {
    const value = fields[key];
    if (value === undefined) continue;
    const problem = oneLine(key, value);
    if (problem) return problem;
    const v = value as string;
    if (key !== 'name' && !WORD.test(v)) return `\`${key}\` must be one word (letters, digits and . _ : / + -), not \`${v}\``;
    if (key === 'type' && !Object.hasOwn(ELEMENT_TYPES, v)) return notOneOf('element type', v, Object.keys(ELEMENT_TYPES));
    if (key === 'kind' && !(ELEMENT_KINDS as readonly string[]).includes(v)) return notOneOf('element kind', v, ELEMENT_KINDS);
    if (key === 'in' && !ID.test(v)) return `\`${v}\` is not a boundary id`;
    out.push([key, v]);
  }
  // As validate.ts checks kinds: a model whose element is of no known kind, or of two, does not load.
  const get = (key: string) => out.find(([k]) => k === key)?.[1];
  const [type, tech, kind] = [get('type'), get('tech'), get('kind')];
  const typeKind = type === undefined ? undefined : ELEMENT_TYPES[type as keyof typeof ELEMENT_TYPES].kind;
  const implied = tech === undefined ? undefined : techType(tech);
  const techKind = type === undefined && implied !== undefined ? ELEMENT_TYPES[implied].kind : undefined;
  if (kind !== undefined && typeKind !== undefined && kind !== typeKind) return `\`kind: ${kind}\` contradicts \`type: ${type}\`, which is a ${typeKind}`;
  if (kind !== undefined && techKind !== undefined && kind !== techKind) return `\`kind: ${kind}\` contradicts \`tech: ${tech}\`, which is a ${techKind}`;
  if (kind === undefined && typeKind === undefined && techKind === undefined) {
    return `say what \`${id}\` is: a type, a known technology${tech === undefined ? '' : ` (\`${tech}\` is not one)`}, or a kind (${ELEMENT_KINDS.join(', ')})`;
  }
  return out;
}

function flowFields(given: unknown, assets: readonly string[]): Fields | string {
  const fields = given ?? {};
  if (!isPlainObject(fields)) return 'the fields of a flow are a map';
  const extra = unknownKeys(fields, FLOW_FIELDS, 'a new flow');
  if (extra) return extra;
  const out: [string, Value][] = [];
  const protocol = fields.protocol;
  if (protocol === undefined) return 'a flow needs its `protocol` (https, postgres+tls, ...)';
  const problem = oneLine('protocol', protocol);
  if (problem) return problem;
  if (!Object.hasOwn(PROTOCOLS, protocol as string) && !CUSTOM_PROTOCOL.test(protocol as string)) {
    return `${notOneOf('protocol', protocol as string, Object.keys(PROTOCOLS))} (custom protocols start with x-)`;
  }
  out.push(['protocol', protocol as string]);
  if (fields.auth !== undefined) {
    const bad = oneLine('auth', fields.auth);
    if (bad) return bad;
    const auths = [...AUTH_METHODS, ...Object.keys(AUTH_ALIASES)];
    if (!auths.includes(fields.auth as string)) return notOneOf('authentication', fields.auth as string, auths);
    out.push(['auth', fields.auth as string]);
  }
  if (fields.data !== undefined) {
    if (!Array.isArray(fields.data) || fields.data.length === 0) return '`data` is a list of asset ids';
    for (const asset of fields.data) {
      const bad = checkId('data', asset);
      if (bad) return bad;
      // An asset, or a field of one (`orders.price`), as normalize.ts resolves them.
      const known = assets.includes(asset) || assets.some((a) => (asset as string).startsWith(`${a}.`));
      if (!known) return notOneOf('asset', asset as string, assets);
    }
    out.push(['data', fields.data as string[]]);
  }
  return out;
}

// ---- add-element ----

function addElement(ctx: Ctx, edit: Extract<ModelEdit, { op: 'add-element' }>): Splice[] | string {
  const badId = checkId('id', edit.id);
  if (badId) return badId;
  const { id } = edit;
  const fields = elementFields(id, edit.fields);
  if (typeof fields === 'string') return fields;
  const section = pairOf(ctx.root, 'elements');
  const elements = section?.value;
  if (section && !isMap(elements) && !isNull(elements)) return '`elements:` is not written as a map';
  const existing = pairOf(elements, id);
  if (existing) return `element \`${id}\` is already in the model (line ${lineAt(ctx, existing)})`;
  const boundaries = pairOf(ctx.root, 'boundaries')?.value;
  const boundary = pairOf(boundaries, id);
  // Findings and diagrams name elements, boundaries and flows side by side (validate.ts).
  if (boundary) return `\`${id}\` is the id of a boundary (line ${lineAt(ctx, boundary)}); an element needs an id of its own`;
  const flow = flowRefs(ctx.root).find((f) => f.id === id);
  if (flow) return `\`${id}\` is the id of a flow (line ${lineAt(ctx, flow.pair ?? flow.item)}); an element needs an id of its own`;
  const inside = fields.find(([k]) => k === 'in')?.[1] as string | undefined;
  if (inside !== undefined && !pairOf(boundaries, inside)) return `no boundary \`${inside}\` in the model`;
  return appendEntry(ctx, 'elements', section, elements, id, fields, valueLayout(ctx.text, isMap(elements) ? elements.items : []));
}

/** How the values of a section's entries are written, for a new one to look like them. */
export interface ValueLayout {
  /** A flow map (`{ a: b }`), else block lines. */
  flow: boolean;
  /** A flow map over several lines, one entry a line (JSON as JSON.stringify writes it). */
  multiline: boolean;
  /** The column of a block value's keys (or a multi-line one's), relative to the entry's key. */
  step: number;
}

/** `entries`: a map's pairs or a list's items, whose values (the items themselves) are looked at. */
export function valueLayout(text: string, entries: readonly unknown[]): ValueLayout {
  const owned = entries.map((e) => (isPair(e) ? { value: e.value, owner: rangeOf(e.key)[0] } : { value: e, owner: dashOf(text, e) ?? rangeOf(e)[0] }))
    .filter((e): e is { value: YAMLMap; owner: number } => isMap(e.value) && e.value.items.length > 0);
  const flows = owned.filter((e) => e.value.flow);
  const flow = flows.length * 2 > owned.length;
  const multi = flows.filter((e) => text.slice(rangeOf(e.value)[0], contentEnd(e.value)).includes('\n'));
  // The indentation of a value's keys under the key (or `-`) that owns it.
  const sample = flow ? multi[0] : owned.find((e) => !e.value.flow);
  const step = sample === undefined ? 2 : Math.max(1, column(text, rangeOf(sample.value.items[0].key)[0]) - column(text, sample.owner));
  return { flow, multiline: flow && multi.length * 2 > flows.length, step };
}

// ---- add-flow ----

function addFlow(ctx: Ctx, edit: Extract<ModelEdit, { op: 'add-flow' }>): Splice[] | string {
  for (const [what, id] of [['from', edit.from], ['to', edit.to]] as const) {
    const bad = checkId(what, id);
    if (bad) return bad;
  }
  const { from, to } = edit;
  const elements = pairOf(ctx.root, 'elements')?.value;
  for (const end of [from, to]) if (!pairOf(elements, end)) return `no element \`${end}\` in the model`;
  if (from === to) return `a flow joins two elements: \`${from}\` cannot send to itself`;
  const assets = pairOf(ctx.root, 'assets')?.value;
  const fields = flowFields(edit.fields, isMap(assets) ? assets.items.map((p) => keyText(p.key)).filter((k): k is string => k !== undefined) : []);
  if (typeof fields === 'string') return fields;
  const refs = flowRefs(ctx.root);
  const twin = refs.find((f) => f.from === from && f.to === to);
  if (twin) return `there is already a flow from \`${from}\` to \`${to}\` (line ${lineAt(ctx, twin.pair ?? twin.item)}); add to it, or give the second one an \`id:\` in the text`;
  const section = pairOf(ctx.root, 'flows');
  const flows = section?.value;
  if (section && !isSeq(flows) && !isNull(flows)) return '`flows:` is not written as a list';
  const layout = valueLayout(ctx.text, isSeq(flows) ? flows.items : []);
  // The file's form: `- a -> b: ...` (shorthand) or `- { from, to, ... }`, whichever most of its flows use;
  // JSON, whose shorthand is an object with one odd key, takes the shorthand only from a model that mostly uses it.
  const arrows = refs.filter((f) => f.pair).length;
  const full = ctx.style.json ? arrows * 2 <= refs.length : arrows * 2 < refs.length;
  if (full) return appendFlow(ctx, section, flows, [['from', from], ['to', to], ...fields], layout, undefined);
  // `- a -> b: https` when the protocol is all there is to say, else the details under the arrow, written as
  // the file writes them (as a flow map when it has none yet).
  const withDetails = refs.filter((f) => f.pair && isMap(f.pair.value)).map((f) => f.pair!);
  const details = withDetails.length === 0 ? ONE_LINE : valueLayout(ctx.text, withDetails);
  return appendFlow(ctx, section, flows, [[`${from} -> ${to}`, fields.length === 1 ? fields[0][1] : fields]], layout, details);
}

// ---- writing new entries ----

const BLOCK: ValueLayout = { flow: false, multiline: false, step: 2 };
const ONE_LINE: ValueLayout = { flow: true, multiline: false, step: 2 };

const spaces = (n: number): string => ' '.repeat(Math.max(0, n));
export const isNull = (node: unknown): boolean => node === null || node === undefined || (isScalar(node) && node.value === null);

/**
 * A scalar as YAML: plain when it reads back as the same string in a block and in a flow collection (or, for
 * a value written on its key's line in a block, `block`, there only), else double-quoted.
 */
function scalarText(value: string, style: Style, block = false): string {
  return !style.json && readsBack(value, block, style.yaml11) ? value : JSON.stringify(value);
}

/** A file that says `%YAML 1.1` is read by its rules (1_000 and 2024-01-31 are no strings there), and by 1.2's all the same. */
const versionsOf = (yaml11: boolean): readonly ('1.1' | '1.2')[] => (yaml11 ? ['1.2', '1.1'] : ['1.2']);

function readsBack(value: string, block: boolean, yaml11: boolean): boolean {
  // Words that YAML 1.1 readers take for booleans or null stay quoted too, as `scalar` has it for controls; so
  // does any `:`, as in `api:POST /cart`, which those readers refuse inside a flow collection.
  if (value.trim() !== value || value === '' || value.includes(':') || /^(?:true|false|null|yes|no|on|off|y|n|~)$/i.test(value)) return false;
  // `, ` and brackets inside, as a mitigation may have them, change only what a flow collection reads.
  const probes = block ? [`- ${value}\n`] : [`- ${value}\n`, `[${value}]`];
  return versionsOf(yaml11).every((version) => probes.every((probe) => {
    const doc = parseDocument(probe, { version });
    const seq = doc.contents;
    return doc.errors.length === 0 && isSeq(seq) && seq.items.length === 1 && isScalar(seq.items[0]) && seq.items[0].value === value;
  }));
}

/**
 * A key as YAML: a written threat's `on` plain, as the README and the schema write it (quoting it against
 * YAML 1.1's boolean would make every threat look unlike the ones written by hand), the rest as scalars. In
 * a file that says `%YAML 1.1`, whose readers do take `on:` for `true:`, it is quoted like any such word.
 */
const keyName = (key: string, style: Style): string => (key === 'on' && !style.json && !style.yaml11 ? key : scalarText(key, style));

const isFields = (value: Value): value is Fields => typeof value !== 'string' && value.length > 0 && typeof value[0] !== 'string';

function valueText(value: Value, style: Style): string {
  if (isFields(value)) return flowMapText(value, style);
  if (typeof value === 'string') return scalarText(value, style);
  return `[${value.map((v) => scalarText(v as string, style)).join(', ')}]`;
}

const flowMapText = (fields: Fields, style: Style): string =>
  (fields.length === 0 ? '{}' : `{ ${fields.map(([k, v]) => `${keyName(k, style)}: ${valueText(v, style)}`).join(', ')} }`);

/** A flow map over lines, one entry a line: `{`, the entries at `column + step`, and `}` at `column`. */
const flowMapLines = (fields: Fields, column: number, step: number, style: Style): string[] => [
  '{',
  ...fields.map(([k, v], i) => `${spaces(column + step)}${keyName(k, style)}: ${valueText(v, style)}${i < fields.length - 1 ? ',' : ''}`),
  `${spaces(column)}}`,
];

/**
 * `key: value` as lines, the first at `column` (its indentation included). A map value is written as
 * `layout` says: on the key's line as a flow map, over lines as a multi-line flow map, or as block lines.
 */
/**
 * A text of several lines in a block as a literal block scalar (`key: |-` and its lines indented), as a person
 * writes a long description; undefined for one line, in JSON, or when the literal would not read back the same.
 */
function literalLines(head: string, value: string, indent: number, style: Style): string[] | undefined {
  if (style.json || !value.includes('\n')) return undefined;
  const lines = [`${head} |-`, ...value.split('\n').map((line) => (line === '' ? '' : `${spaces(indent)}${line}`))];
  const probe = parseDocument(`${lines.join('\n').trimStart()}\n`).contents;
  return isMap(probe) && probe.items.length === 1 && isScalar(probe.items[0].value) && probe.items[0].value.value === value ? lines : undefined;
}

function pairLines(key: string, value: Value, column: number, layout: ValueLayout, style: Style): string[] {
  const head = `${spaces(column)}${keyName(key, style)}:`;
  if (typeof value === 'string') return literalLines(head, value, column + 2, style) ?? [`${head} ${scalarText(value, style, true)}`];
  if (!isFields(value) || (layout.flow && !layout.multiline)) return [`${head} ${valueText(value, style)}`];
  if (layout.flow) {
    const [open, ...rest] = flowMapLines(value, column, layout.step, style);
    return [`${head} ${open}`, ...rest];
  }
  return [head, ...value.flatMap(([k, v]) => pairLines(k, v, column + layout.step, ONE_LINE, style))];
}

/**
 * A new entry of a section: `block(column)` its block lines, the first at `column`; `inline` on one line;
 * `lines(column)`, if given, its lines inside braces that hold one entry a line (JSON), the first at `column`.
 */
interface NewEntry {
  block(column: number): string[];
  inline: string;
  lines?(column: number): string[];
}

/** The first entry of a section that is missing, empty (`{}`, `[]`) or null: as a block, or in the file's braces. */
function newSection(ctx: Ctx, section: Pair | undefined, value: unknown, name: string, entry: NewEntry, [open, close]: readonly [string, string]): Splice[] {
  const { text, style } = ctx;
  const flowFile = style.json || ctx.root.flow === true;
  if (section === undefined) {
    if (!flowFile) {
      // Above the blank lines that end the file, which stay its end: the section's removal then finds them
      // where they were, and a blank line it brings is told apart from the file's own.
      // (Not from a `|+` block scalar's value, which keeps its trailing line breaks as part of it.)
      const at = Math.max(trailingBlankLines(text), contentEnd(ctx.root));
      // Set apart by a blank line, as the file sets apart its other sections (or from a comment that ends it).
      const gap = setApart(ctx, at) ? [''] : [];
      return [insertLines(text, at, [...gap, `${name}:`, ...entry.block(2)], style)];
    }
    return addEntryToFlow(text, ctx.root, (col) => (col === undefined
      ? `${scalarText(name, style)}: ${open} ${entry.inline} ${close}`
      : [`${scalarText(name, style)}: ${open}`, ...(entry.lines?.(col + 2) ?? [`${spaces(col + 2)}${entry.inline}`]), `${spaces(col)}${close}`].join(style.eol)), style);
  }
  const colon = text.indexOf(':', rangeOf(section.key)[1]);
  const node = value as YamlNode | null;
  const [start, end] = node?.range ? rangeOf(node) : [colon + 1, colon + 1];
  // `{}`, `[]`, `~` and `null` give way to a block, unless a comment follows them on their line.
  if (!flowFile && (end === start || text.slice(end, nextLineStart(text, end)).trim() === '')) {
    const lines = entry.block(column(text, rangeOf(section.key)[0]) + 2);
    if (end > start) return [{ start: colon + 1, end, insert: `${style.eol}${lines.join(style.eol)}` }];
    return [insertLines(text, nextLineStart(text, colon), lines, style)];
  }
  const inline = `${open} ${entry.inline} ${close}`;
  return end > start ? [{ start, end, insert: inline }] : [{ start: colon + 1, end: colon + 1, insert: ` ${inline}` }];
}

/** A new last entry of a flow collection: on a line of its own when the entries are (JSON), else after `, `. */
export function addEntryToFlow(text: string, collection: YAMLMap | YAMLSeq, entry: (column: number | undefined) => string, style: Style): Splice[] {
  const last = collection.items.at(-1);
  if (last === undefined) {
    const [start, end] = rangeOf(collection);
    const [open, close] = isMap(collection) ? ['{', '}'] : ['[', ']'];
    return [{ start, end, insert: `${open} ${entry(undefined)} ${close}` }];
  }
  const at = contentEnd(isPair(last) ? last.value ?? last.key : last);
  const lastStart = rangeOf(isPair(last) ? last.key : last)[0];
  if (startsLine(text, lastStart)) {
    const col = column(text, lastStart);
    return [{ start: at, end: at, insert: `,${style.eol}${spaces(col)}${entry(col)}` }];
  }
  return [{ start: at, end: at, insert: `, ${entry(undefined)}` }];
}

/**
 * A new entry `key: {...}` at the end of the map section `name` (`elements:`, `threats:`), written as `layout`
 * says the others are. The first one is a block, YAML's default, or goes in JSON's braces: on one line, or
 * laid out as `first` says when the braces hold one entry a line.
 */
export function appendEntry(ctx: Ctx, name: string, section: Pair | undefined, map: unknown, key: string, fields: Fields, layout: ValueLayout, first?: ValueLayout): Splice[] {
  const { text, style } = ctx;
  const inline = `${scalarText(key, style)}: ${flowMapText(fields, style)}`;
  if (!isMap(map) || map.items.length === 0) {
    const lines = first && ((col: number) => pairLines(key, fields, col, first, style));
    return newSection(ctx, section, map, name, { block: (col) => pairLines(key, fields, col, BLOCK, style), inline, lines }, ['{', '}']);
  }
  if (map.flow) {
    return addEntryToFlow(text, map, (col) => (col === undefined ? inline : pairLines(key, fields, col, layout, style).join(style.eol).trimStart()), style);
  }
  const last = map.items.at(-1)!;
  const col = column(text, rangeOf(last.key)[0]);
  const lines = pairLines(key, fields, col, layout, style);
  const head = layout.flow && !layout.multiline ? aligned(text, map, col, key, style) : undefined;
  if (head !== undefined) lines[0] = `${head}${flowMapText(fields, style)}`;
  return [insertLines(text, blockEntry(text, last).end, lines, style)];
}

/**
 * `key:` and spaces up to the column where the other entries' flow values start, when they are aligned
 * (`edge:     { ... }`, `dmz:      { ... }`); undefined when they are not, or the key is too long.
 */
function aligned(text: string, map: YAMLMap, col: number, key: string, style: Style): string | undefined {
  const starts = map.items.filter((p) => isMap(p.value) && p.value.flow).map((p) => [rangeOf(p.key)[1], rangeOf(p.value)[0]] as const);
  if (starts.length < 2) return undefined;
  const valueColumn = column(text, starts[0][1]);
  if (!starts.every(([, v]) => column(text, v) === valueColumn) || !starts.some(([k, v]) => v - k > 2)) return undefined;
  const head = `${spaces(col)}${scalarText(key, style)}:`;
  return head.length < valueColumn ? `${head}${spaces(valueColumn - head.length)}` : undefined;
}

/**
 * A new last item of `flows:`. `layout`: how the items (maps) are written; `details`: for a shorthand item
 * (`a -> b: ...`), how the map of details under the arrow is written.
 */
function appendFlow(ctx: Ctx, section: Pair | undefined, seq: unknown, item: Fields, layout: ValueLayout, details: ValueLayout | undefined): Splice[] | string {
  const { text, style } = ctx;
  const inline = flowMapText(item, style);
  /** The item under its `-`: the dash at `dash`, the item's keys at `content`. */
  const dashed = (dash: number, content: number): string[] => {
    const lines = details !== undefined ? pairLines(item[0][0], item[0][1], content, details, style)
      : layout.flow ? [`${spaces(content)}${inline}`]
        : item.flatMap(([k, v]) => pairLines(k, v, content, ONE_LINE, style));
    return [`${spaces(dash)}-${spaces(content - dash - 1)}${lines[0].trimStart()}`, ...lines.slice(1)];
  };
  if (!isSeq(seq) || seq.items.length === 0) return newSection(ctx, section, seq, 'flows', { block: (col) => dashed(col, col + 2), inline }, ['[', ']']);
  if (seq.flow) {
    return addEntryToFlow(text, seq, (col) => (col === undefined || !layout.multiline ? inline : flowMapLines(item, col, layout.step, style).join(style.eol)), style);
  }
  const last = seq.items.at(-1)!;
  const dash = dashOf(text, last);
  if (dash === undefined) return 'the last item of `flows:` is not written `- ...` on a line of its own; add the flow in the text';
  const col = column(text, dash);
  return [insertLines(text, blockEntry(text, last).end, dashed(col, col + Math.max(2, column(text, rangeOf(last)[0]) - col)), style)];
}

// ---- removing ----

function removeElement(ctx: Ctx, id: string): Splice[] | string {
  const bad = checkId('id', id);
  if (bad) return bad;
  const section = pairOf(ctx.root, 'elements');
  const elements = section?.value;
  const pair = pairOf(elements, id);
  if (!section || !isMap(elements) || !pair) return `no element \`${id}\` in the model`;
  const named = mentions(ctx, id);
  if (named.length > 0) {
    const shown = named.slice(0, 3).join(', ');
    return `element \`${id}\` is still named in ${shown}${named.length > 3 ? ` and ${named.length - 3} more` : ''}; take it out there first`;
  }
  const splices = removeEntries(ctx, section, elements, [elements.items.indexOf(pair)]);
  if (typeof splices === 'string') return splices;
  const flows = removeFlows(ctx, flowRefs(ctx.root).filter((f) => f.from === id || f.to === id));
  return typeof flows === 'string' ? flows : [...splices, ...flows];
}

/**
 * Where the rest of the model names an element as a list entry: endpoints' `callers` and assumptions'
 * `elements`. Taking it out of such a list would change what the list means (an empty `callers` lets no one
 * call, an empty `elements` makes the assumption hold nowhere), so the removal is refused and says where.
 */
function mentions(ctx: Ctx, id: string): string[] {
  const found: string[] = [];
  const listed = (list: unknown) => isSeq(list) && list.items.some((item) => keyText(item) === id);
  const elements = pairOf(ctx.root, 'elements')?.value;
  for (const element of isMap(elements) ? elements.items : []) {
    const owner = keyText(element.key);
    if (owner === id) continue;
    const endpoints = pairOf(element.value, 'endpoints')?.value;
    for (const endpoint of isMap(endpoints) ? endpoints.items : []) {
      const callers = pairOf(endpoint.value, 'callers');
      if (callers && listed(callers.value)) found.push(`the \`callers\` of endpoint \`${owner}:${keyText(endpoint.key)}\` (line ${lineAt(ctx, callers)})`);
    }
  }
  const assumptions = pairOf(ctx.root, 'assumptions')?.value;
  (isSeq(assumptions) ? assumptions.items : []).forEach((assumption, i) => {
    const list = pairOf(assumption, 'elements');
    if (list && listed(list.value)) found.push(`the \`elements\` of assumption ${i + 1} (line ${lineAt(ctx, list)})`);
  });
  // A written threat on the element, one of its endpoints or a flow to or from it would name nothing.
  const touching = new Set(flowRefs(ctx.root).filter((f) => f.from === id || f.to === id).map((f) => f.id));
  found.push(...threatsNaming(ctx, (ref) => {
    const ends = splitFlowArrow(ref);
    return ref === id || ref.startsWith(`${id}:`) || touching.has(ref) || (ends !== undefined && (ends[0] === id || ends[1] === id));
  }));
  return found;
}

/** The written threats whose `on:` names something `names` recognises, as `the \`on\` of threat \`x\` (line N)`. */
function threatsNaming(ctx: Ctx, names: (ref: string) => boolean): string[] {
  const found: string[] = [];
  const threats = pairOf(ctx.root, 'threats')?.value;
  for (const threat of isMap(threats) ? threats.items : []) {
    const on = pairOf(threat.value, 'on');
    if (!on) continue;
    const refs = isSeq(on.value) ? on.value.items : [on.value];
    if (refs.some((r) => isScalar(r) && typeof r.value === 'string' && names(r.value.trim()))) {
      found.push(`the \`on\` of threat \`${keyText(threat.key)}\` (line ${lineAt(ctx, on)})`);
    }
  }
  return found;
}

function removeFlow(ctx: Ctx, id: string): Splice[] | string {
  const bad = oneLine('flow', id);
  if (bad) return bad;
  const ref = flowRefs(ctx.root).find((f) => f.id === id);
  if (ref === undefined) return `no flow \`${id}\` in the model`;
  const named = threatsNaming(ctx, (r) => {
    const ends = splitFlowArrow(r);
    return r === id || (ends !== undefined && ends[0] === ref.from && ends[1] === ref.to);
  });
  if (named.length > 0) return `flow \`${id}\` is still named in ${named.join(', ')}; take it out there first`;
  return removeFlows(ctx, [ref]);
}

/** The flows' items go whole; an arrow of an item that has others goes alone. */
function removeFlows(ctx: Ctx, refs: readonly FlowRef[]): Splice[] | string {
  if (refs.length === 0) return [];
  const section = pairOf(ctx.root, 'flows')!;
  const seq = section.value as YAMLSeq;
  const all = flowRefs(ctx.root);
  const whole: number[] = [];
  const splices: Splice[] = [];
  for (const index of new Set(refs.map((f) => f.index))) {
    const going = refs.filter((f) => f.index === index);
    const item = going[0].item;
    if (all.filter((f) => f.index === index).length === going.length) {
      whole.push(index);
      continue;
    }
    const parts = removeEntries(ctx, undefined, item, going.map((f) => item.items.indexOf(f.pair!)));
    if (typeof parts === 'string') return parts;
    splices.push(...parts);
  }
  if (splices.length === 0 && whole.length === seq.items.length) {
    const bare = bareSectionSplice(ctx, section);
    if (bare !== undefined) return [bare];
  }
  const items = removeEntries(ctx, section, seq, whole);
  return typeof items === 'string' ? items : [...splices, ...items];
}

/**
 * Where a block section (`flows:`, `threats:`) starts when it goes with its last entry: a key on a line of its
 * own, with no comment above it or beside it (as the section is written when an entry is added to a model
 * without one), so that removing every entry gives back the file without the section rather than `flows: []`.
 */
function bareSection(ctx: Ctx, section: Pair): number | undefined {
  const { text } = ctx;
  if (ctx.style.json || ctx.root.flow === true || (section.value as YAMLMap | YAMLSeq).flow) return undefined;
  const key = rangeOf(section.key)[0];
  const start = lineStart(text, key);
  const colon = text.indexOf(':', rangeOf(section.key)[1]);
  if (start !== key || leadingComments(text, start, 0) !== start || text.slice(colon + 1, lineEnd(text, colon)).trim() !== '') return undefined;
  // The blank line that set it apart goes with it, as it came (newSection).
  const blank = blankLineBefore(text, start);
  return blank !== undefined && blankLineBefore(text, blank) === undefined && setApart(ctx, blank, section) ? blank : start;
}

/**
 * Whether a section that starts at `at` (the text's end, for a new one) is set apart by a blank line: when
 * most sections are, or the line above is a comment, which would otherwise read as the section's own.
 */
function setApart(ctx: Ctx, at: number, except?: Pair): boolean {
  const before = ctx.text.slice(0, at).replace(/(?:\r?\n)+$/, '');
  return spacedSections(ctx, except) || /^#/.test(before.slice(lineStart(before, before.length)));
}

/** The start of the line before the one starting at `start`, when that line is blank (and not the first). */
function blankLineBefore(text: string, start: number): number | undefined {
  if (start === 0) return undefined;
  const previous = lineStart(text, start - 1);
  return previous > 0 && /^[ \t]*\r?\n$/.test(text.slice(previous, start)) ? previous : undefined;
}

/** Where the blank lines (spaces at most) that end the text start; the text's end when it ends with none. */
function trailingBlankLines(text: string): number {
  const blanks = /\n((?:[ \t]*\r?\n)*[ \t]*)$/.exec(text);
  return blanks === null ? text.length : text.length - blanks[1].length;
}

/** Whether most sections after the first (but `except`) have a blank line above them (or above their comments). */
function spacedSections(ctx: Ctx, except?: Pair): boolean {
  const { text } = ctx;
  if (ctx.style.json || ctx.root.flow === true) return false;
  const sections = ctx.root.items.slice(1).filter((pair) => pair !== except);
  const spaced = sections.filter((pair) => {
    const key = rangeOf(pair.key)[0];
    return startsLine(text, key) && blankLineBefore(text, leadingComments(text, lineStart(text, key), 0)) !== undefined;
  });
  return spaced.length > 0 && spaced.length * 2 > sections.length;
}

/** The removal of a bare section (see bareSection) and all its entries; undefined when it is not bare. */
export function bareSectionSplice(ctx: Ctx, section: Pair): Splice | undefined {
  const { text } = ctx;
  const start = bareSection(ctx, section);
  if (start === undefined) return undefined;
  const end = blockEntry(text, (section.value as YAMLMap | YAMLSeq).items.at(-1)).end;
  // Added to a file that did not end its last line, the section came with the line break before it.
  if (end === text.length && !text.endsWith('\n') && start > 0) return { start: start - (text.slice(start - 2, start) === '\r\n' ? 2 : 1), end, insert: '' };
  return { start, end, insert: '' };
}

/**
 * Removes entries of a map or items of a list with their own text: in a block collection their lines
 * (leading comment lines included); in a flow collection the entry and the comma that joins it to the next
 * (or, for the last, to the one before). A section left empty becomes `{}` or `[]`, which load.
 */
export function removeEntries(ctx: Ctx, section: Pair | undefined, collection: YAMLMap | YAMLSeq, indices: readonly number[]): Splice[] | string {
  const { text } = ctx;
  if (indices.length === 0) return [];
  const empty = isMap(collection) ? '{}' : '[]';
  const items = collection.items as unknown[];
  const going = new Set(indices);
  const startOf = (i: number): number => (isPair(items[i]) ? rangeOf((items[i] as Pair).key)[0] : rangeOf(items[i])[0]);
  const endOf = (i: number): number => contentEnd(isPair(items[i]) ? (items[i] as Pair).value ?? (items[i] as Pair).key : items[i]);
  if (collection.flow) {
    if (going.size === items.length) return [{ ...rangeSplice(collection), insert: empty }];
    const kept = items.map((_, i) => i).filter((i) => !going.has(i));
    const lastKept = kept.at(-1)!;
    const splices: Splice[] = [];
    // One splice per run of neighbouring entries that go.
    for (const i of [...going].sort((a, b) => a - b)) {
      if (going.has(i - 1)) continue;
      if (i > lastKept) {
        // The tail: from the end of the last entry kept (its comma goes) to the end of the last one.
        splices.push({ start: endOf(lastKept), end: endOf(items.length - 1), insert: '' });
        continue;
      }
      // Up to the next entry kept: the entries, their commas, and the lines they had to themselves.
      let next = i + 1;
      while (going.has(next)) next++;
      splices.push({ start: flowEntryStart(text, startOf(i)), end: flowEntryStart(text, startOf(next)), insert: '' });
    }
    return splices;
  }
  const splices: Splice[] = [];
  for (const i of going) {
    const item = items[i];
    const start = isPair(item) ? rangeOf(item.key)[0] : dashOf(text, item);
    if (start === undefined) return 'an item of the list is not written `- ...` on a line of its own; remove it in the text';
    if (!startsLine(text, start)) {
      // The first entry of a map that is a list's item (`- a -> b: x` above `  b -> a: y`): the next entry takes its place.
      const next = i + 1 < items.length && !going.has(i + 1) ? startOf(i + 1) : undefined;
      if (next === undefined) return 'the entry shares its line with another; remove it in the text';
      splices.push({ start, end: next, insert: '' });
      continue;
    }
    splices.push(tidy(text, blockEntry(text, item), i === 0));
  }
  if (going.size === items.length && section) {
    // `elements:` / `flows:` with nothing under it reads as null, which does not load.
    const colon = text.indexOf(':', rangeOf(section.key)[1]);
    splices.push({ start: colon + 1, end: colon + 1, insert: ` ${empty}` });
  }
  return splices;
}

/** Where a flow collection's entry begins for its removal: its line's start (and its leading comments) when it owns the line. */
function flowEntryStart(text: string, start: number): number {
  return startsLine(text, start) ? leadingComments(text, lineStart(text, start), column(text, start)) : start;
}

/** The lines of a block entry (a map's pair or a list's item): leading comment lines, its own, and the comment lines indented under it. */
export function blockEntry(text: string, item: unknown): { start: number; end: number } {
  const first = isPair(item) ? rangeOf(item.key)[0] : dashOf(text, item) ?? rangeOf(item)[0];
  const col = column(text, first);
  const start = leadingComments(text, lineStart(text, first), col);
  let end = nextLineStart(text, contentEnd(isPair(item) ? item.value ?? item.key : item));
  while (end < text.length) {
    const next = lineEnd(text, end);
    const line = text.slice(end, next);
    if (!/^[ \t]*#/.test(line) || indentOf(line) <= col) break;
    end = next;
  }
  return { start, end };
}

/** Lines removed from between two blank lines (or from the top of their section, above one) take that blank with them. */
function tidy(text: string, range: { start: number; end: number }, first: boolean): Splice {
  const blank = (from: number, to: number) => from < to && /^[ \t]*\r?\n?$/.test(text.slice(from, to));
  const before = first || (range.start > 0 && blank(lineStart(text, range.start - 1), range.start));
  const after = lineEnd(text, range.end);
  return { start: range.start, end: before && blank(range.end, after) ? after : range.end, insert: '' };
}

/** The start of the comment lines right above a line, indented like the entry on it. */
function leadingComments(text: string, start: number, col: number): number {
  let at = start;
  while (at > 0) {
    const previous = lineStart(text, at - 1);
    const line = text.slice(previous, at);
    if (!/^[ \t]*#/.test(line) || indentOf(line) !== col) break;
    at = previous;
  }
  return at;
}

/** The start of the next line after the one starting at `at`. */
function lineEnd(text: string, at: number): number {
  const newline = text.indexOf('\n', at);
  return newline === -1 ? text.length : newline + 1;
}

const indentOf = (line: string): number => /^[ \t]*/.exec(line)![0].length;

const startsLine = (text: string, at: number): boolean => /^[ \t]*$/.test(text.slice(lineStart(text, at), at));

/** The `-` of a block list's item, when only spaces stand between it and the item (and before it on its line). */
function dashOf(text: string, item: unknown): number | undefined {
  const start = rangeOf(item)[0];
  let at = start - 1;
  while (at >= 0 && (text[at] === ' ' || text[at] === '\t')) at--;
  return at >= 0 && text[at] === '-' && startsLine(text, at) ? at : undefined;
}

// ---- the check of the result ----

export type Json = Record<string, unknown>;
export const isJsonMap = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A flow as one map whatever its form: `a -> b: https` and `{ from: a, to: b, protocol: https }` read the same. */
function flowList(flows: unknown): unknown {
  if (!Array.isArray(flows)) return flows;
  return flows.flatMap((item): unknown[] => {
    if (!isJsonMap(item)) return [item];
    const arrows = Object.keys(item).flatMap((key) => {
      const ends = key.includes('->') ? splitFlowArrow(key) : undefined;
      if (ends === undefined) return [];
      const value = item[key];
      // `a -> b:` with nothing after it is a flow with nothing said yet, as `a -> b: {}` is.
      return [{ from: ends[0], to: ends[1], ...(isJsonMap(value) ? value : value === null ? {} : { protocol: value }) }];
    });
    return arrows.length > 0 ? arrows : [item];
  });
}

/** The model in one form to compare; no flows and an empty `flows:` list are the same model. */
export function canonical(model: unknown): unknown {
  if (!isJsonMap(model)) return model;
  // Nor are no written threats and an empty `threats:` map, which the last threat's removal may leave.
  if (isJsonMap(model.threats) && Object.keys(model.threats).length === 0) {
    const { threats: _, ...rest } = model;
    return canonical(rest);
  }
  if (!('flows' in model)) return model;
  const { flows, ...rest } = model;
  const list = flowList(flows);
  return Array.isArray(list) && list.length === 0 ? rest : { ...rest, flows: list };
}

export const mapOf = (fields: Fields): Json => Object.fromEntries(fields.map(([k, v]) => [k, isFields(v) ? mapOf(v) : v]));

/** The model read before the edit, with the edit made to it as data. */
function expected(model: unknown, edit: StructureEdit): unknown {
  if (!isJsonMap(model)) return model;
  const flows = flowList(model.flows);
  const list = Array.isArray(flows) ? flows as Json[] : [];
  const idOf = (f: Json) => (typeof f.id === 'string' ? f.id : `${String(f.from)}->${String(f.to)}`);
  switch (edit.op) {
    case 'add-element': {
      const elements = isJsonMap(model.elements) ? model.elements : {};
      const fields = elementFields(edit.id, edit.fields) as Fields;
      return { ...model, elements: { ...elements, [edit.id]: mapOf(fields) } };
    }
    case 'remove-element': {
      const elements = Object.fromEntries(Object.entries(model.elements as Json).filter(([k]) => k !== edit.id));
      const out: Json = { ...model, elements };
      if (Array.isArray(flows)) out.flows = list.filter((f) => f.from !== edit.id && f.to !== edit.id);
      return out;
    }
    case 'add-flow': {
      const fields = flowFields(edit.fields, Object.keys(isJsonMap(model.assets) ? model.assets : {})) as Fields;
      return { ...model, flows: [...list, { from: edit.from, to: edit.to, ...mapOf(fields) }] };
    }
    case 'remove-flow': {
      const at = list.findIndex((f) => idOf(f) === edit.flow);
      return { ...model, flows: list.filter((_, i) => i !== at) };
    }
  }
}
