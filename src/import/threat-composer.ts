// Reading an AWS Threat Composer workspace export (`.tc.json`) for `threatmap import`. Threat Composer keeps
// threat statements, mitigations and assumptions, and no system model (its diagrams are pictures), so the
// model it gives is the system and its threats: the team then draws the elements and flows and moves each
// threat to what it threatens. Pure: no Node APIs; the CLI reads and writes the files.
//
// Mapping, Threat Composer -> threatmap:
//   applicationInfo (name, description)  -> system
//   threats[]                            -> `threats:` on the whole system: the action as the title, the whole
//                                           statement as the description, STRIDE from its metadata (else from
//                                           the impacted goal), Priority as the impact
//   mitigations linked to a threat       -> its mitigation text
//   threat status                        -> the triage file: Resolved -> mitigated, Resolved (not useful) ->
//                                           false-positive, Identified with a mitigation in progress -> mitigating
//   assumptions[]                        -> `assumptions:` (text, with the threats they are linked to)
//   architecture, dataflow               -> pictures and prose: noted, not read
//
// A workspace threatmap exported (src/render/threat-composer.ts) carries, on each of its statements, the
// threat's stable id and key and the status it was exported with (`custom:threatmap:*` metadata). Those of
// the rules come back only as decisions: analysis finds the threats again, so they are not written; those
// written in the model come back as written threats, except into the model they came from (`--into`), which
// has them. Into the model, each carried statement is a decision for a three-way merge with the triage file
// (src/import/merge-threats.ts): its status in Threat Composer, the status it was exported with, and, as
// the reason, what a person wrote under the Comments' last line. Statements added in Threat Composer are
// written threats as any other file's.
import { isMap, YAMLMap, YAMLSeq } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { sortDiagnostics } from '../model/diagnostics.js';
import { COMMENTS_TRAILER, TC_META, TC_STATUS, type TcThreatStatus } from '../render/threat-composer.js';
import { TRIAGE_STATUSES, type TriageDecision, type TriageStatus } from '../track/types.js';
import { threatUid } from '../track/uid.js';
import {
  clipped, hasError, headerTail, type ImportedThreat, importedTriage, type ImportOptions, type ImportResult, levelOfWord, lookup, neverThrows, oneLine,
  section, slug, startModel, strideOfWord, threatsSection,
} from './import-common.js';
import type { CarriedDecision } from './merge-threats.js';
import { YamlSource } from './yaml-source.js';

export const THREAT_COMPOSER_FORMAT = 'AWS Threat Composer';

export interface TcImportSummary {
  schema: string;
  system: string;
  /** Threat statements in the file, each written under `threats:`. */
  threats: number;
  mitigations: number;
  assumptions: number;
  /** Threats whose status is a decision, written to the triage file. */
  decisions: number;
  notes: string[];
  /** The statements of a threatmap export: the threats they carry, for `--into` (absent in other files). */
  threatmap?: { rules: number; written: number; carried: CarriedDecision[] };
}

export type TcImportResult = ImportResult<TcImportSummary>;

export interface TcImportOptions extends ImportOptions {
  /**
   * Into the model a threatmap export came from (`import --into`): the threats it carried (of the rules and
   * written in the model) are decisions only, in the summary's `threatmap.carried`, and none is written.
   */
  into?: boolean;
}

type Plain = Record<string, unknown>;
const isObj = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : []);

/**
 * A number or string from the file as text; undefined for anything else. Never String() on a value of the
 * file's: an object whose `toString` key is no function makes it throw, and any other object reads `[object Object]`.
 */
const scalarText = (v: unknown): string | undefined => (typeof v === 'number' || typeof v === 'string' ? String(v) : undefined);
/** How Threat Composer shows a record: its number, else its id (every record read has one, a string). */
const shownNumber = (data: Plain): string => (typeof data.numericId === 'number' ? String(data.numericId) : data.id as string);

/** A record of one of the file's lists, with the line it starts on. */
interface Item { data: Plain; line: number; offset: number }

/** Threat Composer's metadata is a list of `{ key, value }`. */
const meta = (data: Plain, key: string): unknown => (Array.isArray(data.metadata) ? data.metadata.find((m) => isObj(m) && m.key === key) as Plain | undefined : undefined)?.value;

/**
 * A Threat Composer export as a threatmap model. Never throws: a syntax error, a file that is not Threat
 * Composer's, and records without the expected shape are diagnostics with file:line:col (errors leave no text;
 * a record that cannot be used is a warning and is left out). Deterministic: the file's order.
 */
export function importThreatComposer(text: string, file: string, options: TcImportOptions = {}): TcImportResult {
  return neverThrows(file, () => importUnsafe(text, file, options));
}

function importUnsafe(text: string, file: string, options: TcImportOptions): TcImportResult {
  const src = options.source ?? new YamlSource(text, file);
  const done = (): TcImportResult => ({ diagnostics: sortDiagnostics(src.diagnostics.map(clipped)) });
  if (src.failed) return done();
  const root = src.root;
  const top = isMap(root) ? src.entries(root, []) : [];
  const entry = (key: string) => top.find((e) => e.key === key);
  if (!isMap(root) || !entry('schema') || !['threats', 'applicationInfo', 'mitigations', 'assumptions'].some((k) => entry(k))) {
    src.problem('error', 'not-threat-composer', src.offsetOf(root), [], 'not a Threat Composer export: expected an object with `schema` and `threats`, `mitigations`, `assumptions` or `applicationInfo`',
      { hint: 'export the workspace from Threat Composer (Export as JSON)' });
    return done();
  }
  const list = (key: string, what: string): Item[] => {
    const e = entry(key);
    if (!e) return [];
    const items = src.listItems(e.value, e.offset, [key], `a list of ${what}`) ?? [];
    return items.flatMap((it) => {
      const data = it.node?.toJSON() as unknown;
      if (isObj(data) && typeof data.id === 'string') return [{ data, offset: it.offset, line: src.lineOf(it.offset) }];
      src.problem('warning', 'invalid-record', it.offset, it.path, `a record of \`${key}\` without an \`id\` is left out: nothing can link to it`);
      return [];
    });
  };
  const plain = (key: string): Plain => {
    const value = entry(key)?.value as YamlNode | null | undefined;
    const data = value?.toJSON() as unknown;
    return isObj(data) ? data : {};
  };
  const notes: string[] = [];

  const info = plain('applicationInfo');
  const systemName = str(info.name) ?? 'System';
  if (!str(info.name)) src.problem('warning', 'missing-name', entry('applicationInfo')?.offset ?? 0, ['applicationInfo', 'name'], 'the workspace has no application name; the system is called `System`');
  const system: Record<string, string> = { name: oneLine(systemName) };
  if (str(info.description)) system.description = str(info.description)!;
  const threats = list('threats', 'threats');
  // Into the model a threatmap export was made from, its descriptions are that model's: nothing to add.
  const intoOurs = options.into === true && threats.some((t) => meta(t.data, TC_META.key) !== undefined || meta(t.data, TC_META.id) !== undefined);
  for (const key of intoOurs ? [] : ['architecture', 'dataflow']) {
    const part = plain(key);
    if (str(part.description) || str(part.image)) notes.push(`the file's ${key === 'dataflow' ? 'data flow' : key} ${str(part.image) ? 'diagram and description are' : 'description is'} not a model: add the elements and flows it shows`);
  }

  const mitigations = new Map(list('mitigations', 'mitigations').map((m) => [m.data.id as string, m]));
  const assumptions = list('assumptions', 'assumptions');
  /** A links list (`{ <from>: id, linkedId: id }`) as linked id -> the ids linked to it; malformed links are skipped. */
  const linksOf = (key: string, from: string): Map<string, string[]> => {
    const out = new Map<string, string[]>();
    const links = (entry(key)?.value as YamlNode | null | undefined)?.toJSON() as unknown;
    for (const link of Array.isArray(links) ? links : []) {
      if (!isObj(link) || typeof link[from] !== 'string' || typeof link.linkedId !== 'string') continue;
      out.set(link.linkedId, [...(out.get(link.linkedId) ?? []), link[from] as string]);
    }
    return out;
  };
  const mitigationsOf = linksOf('mitigationLinks', 'mitigationId');

  const written: ImportedThreat[] = [];
  const idOf = new Map<string, string>();
  const carried: CarriedDecision[] = [];
  let ruleThreats = 0;
  let writtenThreats = 0;
  for (const t of threats) {
    const ours = threatmapData(t, file, options.into ? notes : []);
    if (ours) {
      carried.push(ours.decision);
      if (!ours.written) ruleThreats++;
      else writtenThreats++;
      // A rule's threat is the analysis' to find again; a written one is the model's, which `--into` has.
      if (!ours.written || options.into) continue;
    }
    const threat = tcThreat(t, (mitigationsOf.get(t.data.id as string) ?? []).flatMap((id) => mitigations.get(id) ?? []), file, notes, ours);
    written.push(threat);
    idOf.set(t.data.id as string, threat.wanted);
  }
  if (ruleThreats && !options.into) {
    notes.push(`${ruleThreats} of the file's threat statements are threats of threatmap's rules, exported from a model: they are not written (analysis finds them again); their statuses come back as decisions only into that model: threatmap import ${file} --into MODEL`);
  }

  // Assumptions are linked the other way round: each linked thing lists the assumptions it rests on.
  const assumptionLinks = new Map<string, string[]>();
  for (const [linkedId, ids] of linksOf('assumptionLinks', 'assumptionId')) {
    const mitigation = mitigations.get(linkedId);
    const linked = idOf.get(linkedId) ?? (mitigation ? `mitigation ${shownNumber(mitigation.data)}` : undefined);
    if (linked) for (const id of ids) assumptionLinks.set(id, [...(assumptionLinks.get(id) ?? []), linked]);
  }
  const assumptionTexts = assumptions.flatMap((a) => {
    const content = str(a.data.content);
    if (!content) return [];
    const linked = assumptionLinks.get(a.data.id as string);
    return [`${oneLine(content)}${linked?.length ? ` (linked to ${[...new Set(linked)].join(', ')})` : ''}`];
  });

  const summary: TcImportSummary = {
    schema: scalarText((entry('schema')?.value as YamlNode | null | undefined)?.toJSON()) ?? '?', system: system.name,
    threats: written.length, mitigations: mitigations.size, assumptions: assumptionTexts.length,
    decisions: written.filter((t) => t.decision).length, notes,
    ...(carried.length ? { threatmap: { rules: ruleThreats, written: writtenThreats, carried } } : {}),
  };
  if (hasError(src.diagnostics)) return done();
  const { doc, root: model } = startModel([
    `Imported by \`threatmap import\` from ${file} (${THREAT_COMPOSER_FORMAT}, schema ${summary.schema}).`,
    `Threat Composer keeps threat statements, not a system model: its ${written.length} threat${written.length === 1 ? ' is' : 's are'} under \`threats:\` on the whole system,`,
    'rated by their Priority as the impact. Add the elements and flows, then move each threat to what it threatens (`on:`):',
    '`threatmap analyze` then also finds the threats of the design itself, and rates each from who can reach it.',
    ...(summary.decisions ? ['The threats Threat Composer marks resolved are decided in the triage file written beside this model.'] : []),
    ...headerTail([], 0, notes, options.output),
  ], system);
  model.set('elements', new YAMLMap());
  if (assumptionTexts.length) {
    const seq = new YAMLSeq();
    for (const a of assumptionTexts) seq.items.push(doc.createNode(a));
    section(model, 'assumptions', seq);
  }
  const decisions = threatsSection(doc, model, written);
  const triage = importedTriage([
    `Decisions imported by \`threatmap import\` from ${file} (${THREAT_COMPOSER_FORMAT}): the status of each threat statement that`,
    'is resolved, or whose mitigation is in progress. They apply to the threats of the same keys in the model\'s `threats:` section.',
  ], decisions);
  return { text: doc.toString({ lineWidth: 0 }), ...(triage ? { triage } : {}), diagnostics: sortDiagnostics(src.diagnostics.map(clipped)), summary };
}

const STATUS: Readonly<Record<string, string>> = {
  threatIdentified: 'Identified', threatResolved: 'Resolved', threatResolvedNotUseful: 'Resolved - not useful',
  mitigationIdentified: 'Identified', mitigationInProgress: 'In progress', mitigationResolved: 'Resolved', mitigationResolvedWillNotAction: 'Will not action',
};
// Own keys only: a status of `toString` is a word the file wrote, not Object's function.
const statusWords = (status: unknown): string => (typeof status === 'string' ? lookup(STATUS, status) ?? status : 'no status');

/** One threat statement as the model's, with its decision; a written threat threatmap exported under its own id and title. */
function tcThreat(t: Item, linked: readonly Item[], file: string, notes: string[], ours?: Ours): ImportedThreat {
  const d = t.data;
  const statement = str(d.statement);
  const action = str(d.threatAction);
  // The statement is a paragraph; its action is the short phrase a title wants.
  const title = ours?.title ?? oneLine(action ? action.charAt(0).toUpperCase() + action.slice(1) : statement && statement.length > 80 ? `${statement.slice(0, 79)}…` : statement ?? '(untitled)');
  const number = typeof d.numericId === 'number' ? d.numericId : undefined;
  const letters = strings(meta(d, 'STRIDE')).map(strideOfWord).filter((s) => s !== undefined);
  const goals = strings(d.impactedGoal).map(strideOfWord).filter((s) => s !== undefined);
  let stride = letters[0] ?? goals[0];
  if (!stride) {
    stride = 'T';
    notes.push(`threat ${number ?? d.id} "${title}" (${file}:${t.line}): no STRIDE category and no impacted goal; written as T (tampering): correct it`);
  }
  const priority = str(meta(d, 'Priority'));
  const mitigation = linked.map((m) => str(m.data.content)).filter((c) => c !== undefined).join('; ');
  const tags = strings(d.tags);
  // Our own Comments end with the line a person writes under; what is under it stays, the line goes.
  const rawComments = meta(d, 'Comments');
  const comments = ours && typeof rawComments === 'string' ? str(rawComments.replace(COMMENTS_TRAILER, '')) : str(rawComments);
  return {
    wanted: ours?.id ?? (number !== undefined ? `tc-${number}` : slug(title) || 'threat'),
    title,
    stride,
    on: [],
    ...(statement || comments ? { description: [statement, comments].filter(Boolean).join('\n\n') } : {}),
    ...(levelOfWord(priority) ? { impact: levelOfWord(priority) } : {}),
    ...(mitigation ? { mitigation } : {}),
    comment: [
      `${file}:${t.line} threat ${number === undefined ? '' : `${number} `}${d.id as string}`,
      `Threat Composer: ${statusWords(d.status)}, priority ${priority ?? 'none'}${letters.length > 1 ? `, STRIDE ${strings(meta(d, 'STRIDE')).join(', ')} (the first kept)` : ''}${tags.length ? `, tags ${tags.join(', ')}` : ''}`,
      ...linked.map((m) => `mitigation ${shownNumber(m.data)}: ${statusWords(m.data.status)}`),
    ],
    ...(ours ? carriedDecision(ours.decision) : decisionOf(d.status, linked)),
  };
}

/**
 * A written threat threatmap exported, written again (no model to merge into): Threat Composer's decision
 * when it changed the status, else the status it was exported with.
 */
function carriedDecision(c: CarriedDecision): { decision?: TriageDecision } {
  if (c.theirs) return { decision: c.theirs };
  return c.base && c.base !== 'open' ? { decision: { status: c.base, reason: `${c.base} when exported by threatmap; unchanged in ${THREAT_COMPOSER_FORMAT}` } } : {};
}

function decisionOf(status: unknown, linked: readonly Item[]): { decision?: TriageDecision } {
  const done = linked.filter((m) => m.data.status === 'mitigationResolved').map((m) => str(m.data.content)).filter((c) => c !== undefined);
  if (status === 'threatResolved') {
    return { decision: { status: 'mitigated', reason: `resolved in ${THREAT_COMPOSER_FORMAT}${done.length ? `: ${done.join('; ')}` : ''}` } };
  }
  if (status === 'threatResolvedNotUseful') return { decision: { status: 'false-positive', reason: `marked resolved, not useful, in ${THREAT_COMPOSER_FORMAT}` } };
  const underway = linked.filter((m) => m.data.status === 'mitigationInProgress').map((m) => str(m.data.content)).filter((c) => c !== undefined);
  return underway.length ? { decision: { status: 'mitigating', reason: `in progress in ${THREAT_COMPOSER_FORMAT}: ${underway.join('; ')}` } } : {};
}

// --- Statements threatmap exported --------------------------------------------------------------------------

/** What a statement threatmap exported carries of its threat. */
interface Ours {
  decision: CarriedDecision;
  /** A threat written in the model (`threat:<id>@...`), rather than a rule's. */
  written: boolean;
  /** The written threat's id and title in the model. */
  id?: string;
  title?: string;
}

/** Threat Composer's status -> the decision it states, when it is no longer the one exported. */
const DECISION_OF: Readonly<Record<TcThreatStatus, TriageStatus>> = {
  threatIdentified: 'open', threatResolved: 'mitigated', threatResolvedNotUseful: 'false-positive',
};
const SAID: Readonly<Record<TcThreatStatus, string>> = {
  threatIdentified: 'Identified (reopened)', threatResolved: 'Resolved', threatResolvedNotUseful: 'Not Useful',
};

/** A metadata value that is text, trimmed; undefined for anything else. */
const metaText = (d: Plain, key: string): string | undefined => str(meta(d, key));

/**
 * The threat a statement threatmap exported carries (its `custom:threatmap:*` metadata), with the decision
 * its status states when Threat Composer changed it; undefined for a statement of Threat Composer's own.
 */
function threatmapData(t: Item, file: string, notes: string[]): Ours | undefined {
  const d = t.data;
  const key = metaText(d, TC_META.key);
  const id = metaText(d, TC_META.id);
  const uid = id && /^TM-[0-9a-f]{8}$/i.test(id) ? `TM-${id.slice(3).toLowerCase()}` : key ? threatUid(key) : undefined;
  if (uid === undefined) return undefined;
  const title = metaText(d, TC_META.title) ?? uid;
  const exported = metaText(d, TC_META.status);
  const base = (TRIAGE_STATUSES as readonly string[]).includes(exported ?? '') ? exported as TriageStatus : undefined;
  const status = typeof d.status === 'string' && Object.hasOwn(DECISION_OF, d.status) ? d.status as TcThreatStatus : undefined;
  if (d.status !== undefined && status === undefined) notes.push(`${uid} (${file}:${t.line}): status ${JSON.stringify(d.status)} is not one of Threat Composer's; no decision read`);
  const comment = commentAdded(meta(d, 'Comments'));
  // Changed: no longer the status exported (without it, anything but the status a new statement has).
  const changed = status !== undefined && (base === undefined ? status !== 'threatIdentified' : TC_STATUS[base] !== status) ? status : undefined;
  const decision: CarriedDecision = {
    ...(key ? { key } : {}), uid, title, ...(base ? { base } : {}), said: status ? SAID[status] : 'no status',
    ...(changed ? { theirs: { status: DECISION_OF[changed], reason: comment ?? `${SAID[changed]} in ${THREAT_COMPOSER_FORMAT}` } } : {}),
  };
  if (!changed && comment) notes.push(`${uid} (${title}): the comment added in ${THREAT_COMPOSER_FORMAT} is not imported, as its status is unchanged: "${comment.length > 80 ? `${comment.slice(0, 79)}…` : comment}"`);
  const writtenId = key === undefined ? undefined : /^threat:([^@]+)@/.exec(key)?.[1];
  return { decision, written: writtenId !== undefined, ...(writtenId ? { id: writtenId } : {}), ...(metaText(d, TC_META.title) ? { title } : {}) };
}

/** What a person wrote under the last line of our Comments, on one line; undefined when nothing was, or the line is gone. */
function commentAdded(comments: unknown): string | undefined {
  if (typeof comments !== 'string') return undefined;
  const m = COMMENTS_TRAILER.exec(comments);
  if (!m) return undefined;
  const added = comments.slice(m.index + m[0].length).replace(/\s+/g, ' ').trim();
  return added || undefined;
}
