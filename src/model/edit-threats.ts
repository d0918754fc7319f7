// Adding and removing the threats written by hand in `threats:` (README "A written threat"): a new one at
// the end of the section in the style of the ones around it, one removed with its own lines, each result
// checked as elements and flows are (edit-structure.ts). And the threats as written, for the page to list
// the ones it can remove: the analysis reports a threat only where it is not mitigated. Pure.
import { isMap } from 'yaml';
import { LEVELS, STRIDE_NAMES_WRITTEN, strideLetter } from './catalog.js';
import type { EditResult, ModelEdit } from './edit.js';
import {
  appendEntry, bareSectionSplice, checkedEdit, checkId, type Ctx, type Fields, isJsonMap, isNull, isPlainObject, type Json, lineAt, mapOf,
  notOneOf, oneLine, paragraphs, removeEntries, unknownKeys, type Value, valueLayout,
} from './edit-structure.js';
import { flowRefs, keyText, pairOf, type Splice, type Style } from './edit-text.js';
import { parseEndpointKey } from './normalize.js';
import { isControlName } from './rule-conditions.js';
import { didYouMean } from './suggest.js';
import { ambiguity, resolveThreatTarget, type TargetIndex, targetIndex, targetNames } from './threat-targets.js';
import type { Loc, WrittenThreat } from './types.js';

export type ThreatEdit = Extract<ModelEdit, { op: 'add-threat' | 'remove-threat' }>;

/** In the order they are written: what the threat is, how it is rated, what to do about it. */
const THREAT_FIELDS = ['title', 'stride', 'on', 'description', 'likelihood', 'impact', 'mitigation', 'mitigated-by', 'references'] as const;
/** Fields that are lists of one-line texts, left out when empty. */
const LIST_FIELDS: ReadonlySet<string> = new Set(['mitigated-by', 'references']);
/** Texts that may run to several paragraphs, as an imported threat's or a reviewer's often do. */
const PARAGRAPH_FIELDS: ReadonlySet<string> = new Set(['description', 'mitigation']);
const STRIDE = STRIDE_NAMES_WRITTEN;

export function threatEdit(text: string, edit: ThreatEdit, style: Style): EditResult {
  return checkedEdit(text, style, (ctx) => (edit.op === 'add-threat' ? addThreat(ctx, edit) : removeThreat(ctx, edit.id)), (model) => expected(model, edit));
}

// ---- add-threat ----

function addThreat(ctx: Ctx, edit: Extract<ThreatEdit, { op: 'add-threat' }>): Splice[] | string {
  const badId = checkId('id', edit.id);
  if (badId) return badId;
  const { id } = edit;
  const section = pairOf(ctx.root, 'threats');
  const threats = section?.value;
  if (section && !isMap(threats) && !isNull(threats)) return '`threats:` is not written as a map';
  const existing = pairOf(threats, id);
  if (existing) return `threat \`${id}\` is already in the model (line ${lineAt(ctx, existing)})`;
  const fields = threatFields(edit.fields);
  if (typeof fields === 'string') return fields;
  const unknown = unresolved(ctx, (edit.fields.on ?? []) as readonly string[]);
  if (unknown) return unknown;
  const elements = pairOf(ctx.root, 'elements')?.value;
  // A JSON model's first threat is laid out as its elements are (one entry a line, as JSON.stringify writes).
  const first = valueLayout(ctx.text, isMap(elements) ? elements.items : []);
  return appendEntry(ctx, 'threats', section, threats, id, fields, valueLayout(ctx.text, isMap(threats) ? threats.items : []), first.flow ? first : undefined);
}

/** The threat's entries as they are written: `on` alone when it names one thing, left out for the whole system. */
function threatFields(given: unknown): Fields | string {
  if (!isPlainObject(given)) return 'the fields of a threat are a map';
  const extra = unknownKeys(given, THREAT_FIELDS, 'a new threat');
  if (extra) return extra;
  if (given.title === undefined) return 'a threat needs its `title`: what can go wrong, in a line';
  if (given.stride === undefined) return `a threat needs its \`stride\`: ${STRIDE.slice(0, 6).join(', ')}, or the category's name`;
  const out: [string, Value][] = [];
  for (const key of THREAT_FIELDS) {
    const value = given[key];
    if (value === undefined) continue;
    if (key === 'on') {
      if (!Array.isArray(value)) return '`on` is a list of what the threat is on (an empty list: the whole system)';
      for (const ref of value) {
        const problem = oneLine('on', ref);
        if (problem) return problem;
      }
      if (value.length > 0) out.push(['on', value.length === 1 ? value[0] as string : value as string[]]);
      continue;
    }
    if (LIST_FIELDS.has(key)) {
      if (!Array.isArray(value)) return `\`${key}\` is a list`;
      for (const item of value) {
        const problem = oneLine(key, item);
        if (problem) return problem;
      }
      if (key === 'mitigated-by') {
        const bad = (value as string[]).find((c) => !isControlName(c));
        if (bad !== undefined) return `\`${bad}\` is not a control: a built-in one, or a name of your own starting with x-`;
      }
      if (value.length > 0) out.push([key, value as string[]]);
      continue;
    }
    const problem = PARAGRAPH_FIELDS.has(key) ? paragraphs(key, value) : oneLine(key, value);
    if (problem) return problem;
    const v = PARAGRAPH_FIELDS.has(key) ? (value as string).replace(/\r\n?/g, '\n') : value as string;
    if (key === 'stride' && strideLetter(v) === undefined) return `${notOneOf('STRIDE category', v, STRIDE)} (${STRIDE.slice(0, 6).join(', ')}, or ${STRIDE.slice(6).join(', ')})`;
    if ((key === 'likelihood' || key === 'impact') && !(LEVELS as readonly string[]).includes(v)) {
      return `\`${key}\` is ${LEVELS.join(', ')} (or left out, to rate it from the model), not \`${v}\``;
    }
    out.push([key, v]);
  }
  return out;
}

/** Why one of `refs` names nothing in the model, or names two flows at once: validation's words (validate.ts). */
function unresolved(ctx: Ctx, refs: readonly string[]): string | undefined {
  if (refs.length === 0) return undefined;
  const index = targetsOf(ctx);
  for (const ref of refs) {
    const found = resolveThreatTarget(ref, index);
    if ('target' in found) continue;
    if (found.problem === 'ambiguous') {
      return `${ambiguity(ref, found)}; name one ${found.what === 'flows' ? 'by its id' : 'by its method and route'}: ${found.candidates.map((f) => `\`${f}\``).join(', ')}`;
    }
    const near = didYouMean(ref, targetNames(index));
    return `\`${ref}\` names nothing in the model; ${near ?? 'name an element, boundary, flow (`a -> b` or its id) or endpoint (`element:key`), or `system`'}`;
  }
  return undefined;
}

/** What `on:` may name, read from the text as validation reads it from the raw model. */
function targetsOf(ctx: Ctx): TargetIndex {
  const keys = (map: unknown): string[] => (isMap(map) ? map.items.map((p) => keyText(p.key)).filter((k): k is string => k !== undefined) : []);
  const elements = pairOf(ctx.root, 'elements')?.value;
  return targetIndex({
    elements: (isMap(elements) ? elements.items : []).flatMap((p) => {
      const id = keyText(p.key);
      const endpoints = keys(pairOf(p.value, 'endpoints')?.value).map((key) => ({ key, route: parseEndpointKey(key).route }));
      return id === undefined ? [] : [{ id, endpoints }];
    }),
    boundaries: keys(pairOf(ctx.root, 'boundaries')?.value),
    flows: flowRefs(ctx.root).flatMap((f) => (f.from === undefined || f.to === undefined ? [] : [{ id: f.id, from: f.from, to: f.to }])),
  });
}

// ---- remove-threat ----

function removeThreat(ctx: Ctx, id: string): Splice[] | string {
  const bad = checkId('id', id);
  if (bad) return bad;
  const section = pairOf(ctx.root, 'threats');
  const threats = section?.value;
  const pair = pairOf(threats, id);
  if (!section || !isMap(threats) || !pair) return `no threat \`${id}\` in the model`;
  if (threats.items.length === 1) {
    const bare = bareSectionSplice(ctx, section);
    if (bare) return [bare];
    // JSON has no comment to lose: the section goes as it came, with its comma, rather than stay as `{}`.
    if (ctx.style.json) return removeEntries(ctx, undefined, ctx.root, [ctx.root.items.indexOf(section)]);
  }
  return removeEntries(ctx, section, threats, [threats.items.indexOf(pair)]);
}

/** The model read before the edit, with the edit made to it as data. */
function expected(model: Json, edit: ThreatEdit): unknown {
  const threats = isJsonMap(model.threats) ? model.threats : {};
  if (edit.op === 'remove-threat') return { ...model, threats: Object.fromEntries(Object.entries(threats).filter(([k]) => k !== edit.id)) };
  return { ...model, threats: { ...threats, [edit.id]: mapOf(threatFields(edit.fields) as Fields) } };
}

// ---- the threats as written ----

/** A threat of `threats:` as the text has it. */
export interface WrittenThreatEntry {
  id: string;
  /** Empty when it has none (the model then does not load). */
  title: string;
  /** What it is on, by the ids the analysis gives (`a->b`); empty: the whole system. */
  on: string[];
  loc: Loc;
}

/**
 * The threats a loaded model has written, as the page lists them: read from the model the analysis loaded,
 * not by parsing its text a second time (a second for a large model). What each is on, by id (`a->b`).
 */
export function writtenThreatEntries(threats: readonly WrittenThreat[]): WrittenThreatEntry[] {
  return threats.map((t) => ({
    id: t.id,
    title: t.title,
    on: t.on.length === 1 && t.on[0].kind === 'system' ? [] : t.on.map((o) => o.id),
    loc: { line: t.loc.line, col: t.loc.col },
  }));
}
