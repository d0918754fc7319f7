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
//                                           false-positive; else its linked mitigations: all Resolved -> mitigated,
//                                           one In progress or some Resolved -> mitigating
//   assumptions[]                        -> `assumptions:` (text, with the threats they are linked to)
//   architecture, dataflow               -> pictures and prose: noted, not read
//
// A workspace threatmap exported (src/render/threat-composer.ts) carries, on each of its statements, the
// threat's stable id and key and the status it was exported with (`custom:threatmap:*` metadata). Those of
// the rules come back only as decisions: analysis finds the threats again, so they are not written; those
// written in the model come back as written threats, except into the model they came from (`--into`), which
// has them. Into the model, each carried statement is a decision for a three-way merge with the triage file
// (src/import/merge-threats.ts): its status in Threat Composer, the status it was exported with, and, as
// the reason, what a person wrote under the Comments' last line; when its own status is unchanged, what the
// statuses of its linked mitigations say of it, when one of them changed since the export (each mitigation
// carries the status it was exported with; see "Mitigations" below). Statements added in Threat Composer are
// written threats as any other file's.
//
// The file is read as JSON where the YAML reading would read it the same, which is far faster on a large
// export, and as YAML otherwise, so that every diagnostic's message and position is the YAML reading's (see
// "The file, read as JSON or as YAML" below).
import { isMap, YAMLMap, YAMLSeq } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { displayPath, sortDiagnostics } from '../model/diagnostics.js';
import type { Diagnostic, ModelPath } from '../model/types.js';
import {
  clip, COMMENTS_TRAILER, mitigationStatus, TC_META, TC_MITIGATION_STATUSES, TC_STATUS, type TcMitigationStatus, type TcThreatStatus,
} from '../render/threat-composer.js';
import { readRisk } from '../track/scope.js';
import { TRIAGE_STATUSES, type TriageDecision, type TriageStatus } from '../track/types.js';
import { threatUid } from '../track/uid.js';
import {
  coversOfText, emptyFile, clipped, type ExportedThreats, hasError, headerTail, type ImportedThreat, importedTriage, type ImportOptions, type ImportResult, levelOfWord, lookup,
  neverThrows, oneLine, section, slug, startModel, strideOfWord, threatsSection, uidList,
} from './import-common.js';
import { LineIndex } from './line-index.js';
import type { CarriedDecision } from './merge-threats.js';
import { type ProblemDetails, YamlSource } from './yaml-source.js';

export const THREAT_COMPOSER_FORMAT = 'AWS Threat Composer';

export interface TcImportSummary extends ExportedThreats {
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
  /** The text already read as JSON (threatComposerJson), when the caller read it to tell the format: not read again. */
  json?: TcJson;
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

/** What an empty file should have held, for its message. */
const TC_EXPECTED = 'an AWS Threat Composer export (JSON with `schema` and `threats`)';

/**
 * A Threat Composer export as a threatmap model. Never throws: a syntax error, a file that is not Threat
 * Composer's, and records without the expected shape are diagnostics with file:line:col (errors leave no text;
 * a record that cannot be used is a warning and is left out). Deterministic: the file's order.
 */
export function importThreatComposer(text: string, file: string, options: TcImportOptions = {}): TcImportResult {
  return neverThrows(file, () => importUnsafe(text, file, options));
}

function importUnsafe(text: string, file: string, options: TcImportOptions): TcImportResult {
  const empty = emptyFile(text, file, TC_EXPECTED);
  if (empty) return { diagnostics: [empty] };
  const src = readingOf(text, file, options);
  const done = (): TcImportResult => ({ diagnostics: sortDiagnostics(src.diagnostics.map(clipped)) });
  if (src.failed) return done();
  const top = src.top ?? [];
  const entry = (key: string) => top.find((e) => e.key === key);
  if (!src.top || !entry('schema') || !['threats', 'applicationInfo', 'mitigations', 'assumptions'].some((k) => entry(k))) {
    src.problem('error', 'not-threat-composer', src.rootOffset, [], 'not a Threat Composer export: expected an object with `schema` and `threats`, `mitigations`, `assumptions` or `applicationInfo`',
      { hint: 'export the workspace from Threat Composer (Export as JSON)' });
    return done();
  }
  const list = (key: string, what: string): Item[] => {
    const e = entry(key);
    if (!e) return [];
    const items = src.items(e, `a list of ${what}`) ?? [];
    return items.flatMap((it) => {
      const data = it.data;
      if (isObj(data) && typeof data.id === 'string') return [{ data, offset: it.offset, line: src.lineOf(it.offset) }];
      src.problem('warning', 'invalid-record', it.offset, it.path, `a record of \`${key}\` without an \`id\` is left out: nothing can link to it`);
      return [];
    });
  };
  const valueOf = (key: string): unknown => {
    const e = entry(key);
    return e ? src.value(e) : undefined;
  };
  const plain = (key: string): Plain => {
    const data = valueOf(key);
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
    const links = valueOf(key);
    for (const link of Array.isArray(links) ? links : []) {
      if (!isObj(link) || typeof link[from] !== 'string' || typeof link.linkedId !== 'string') continue;
      out.set(link.linkedId, [...(out.get(link.linkedId) ?? []), link[from] as string]);
    }
    return out;
  };
  const mitigationsOf = linksOf('mitigationLinks', 'mitigationId');
  const states = mitigationStates(mitigations, threats, mitigationsOf, file, options.into ? notes : []);

  const written: ImportedThreat[] = [];
  const idOf = new Map<string, string>();
  const carried: CarriedDecision[] = [];
  let ruleThreats = 0;
  let writtenThreats = 0;
  for (const t of threats) {
    const linked = (mitigationsOf.get(t.data.id as string) ?? []).flatMap((id) => states.get(id) ?? []);
    const ours = threatmapData(t, file, options.into ? notes : [], linked);
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
    schema: scalarText(valueOf('schema')) ?? '?', system: system.name,
    threats: written.length, mitigations: mitigations.size, assumptions: assumptionTexts.length,
    decisions: written.filter((t) => t.decision).length, notes,
    ...(carried.length ? { threatmap: { rules: ruleThreats, written: writtenThreats, carried }, exportedUids: uidList(carried.map((c) => c.uid)) } : {}),
  };
  if (hasError(src.diagnostics)) return done();
  const { doc, root: model } = startModel([
    `Imported by \`threatmap import\` from ${file} (${THREAT_COMPOSER_FORMAT}, schema ${summary.schema}).`,
    `Threat Composer keeps threat statements, not a system model: its ${written.length} threat${written.length === 1 ? ' is' : 's are'} under \`threats:\` on the whole system,`,
    'rated by their Priority as the impact. Add the elements and flows, then move each threat to what it threatens (`on:`):',
    '`threatmap analyze` then also finds the threats of the design itself, and rates each from who can reach it.',
    ...(summary.decisions ? ['The threats Threat Composer marks resolved, or whose mitigations are resolved or under way, are decided in the triage file written beside this model.'] : []),
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
    'is resolved, or whose mitigations are resolved or in progress. They apply to the threats of the same keys in the model\'s `threats:` section.',
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
    ...(ours ? carriedDecision(ours) : decisionOf(d.status, linked)),
  };
}

/**
 * A written threat threatmap exported, written again (no model to merge into): Threat Composer's decision
 * when it changed the status, else the status it was exported with, and what that decision was made for.
 */
function carriedDecision({ decision: c, recorded }: Ours): { decision?: TriageDecision } {
  if (c.theirs) return { decision: c.theirs };
  return c.base && c.base !== 'open' ? { decision: { status: c.base, reason: `${c.base} when exported by threatmap; unchanged in ${THREAT_COMPOSER_FORMAT}`, ...recorded } } : {};
}

function decisionOf(status: unknown, linked: readonly Item[]): { decision?: TriageDecision } {
  const done = linked.filter((m) => m.data.status === 'mitigationResolved').map((m) => str(m.data.content)).filter((c) => c !== undefined);
  if (status === 'threatResolved') {
    return { decision: { status: 'mitigated', reason: `resolved in ${THREAT_COMPOSER_FORMAT}${done.length ? `: ${done.join('; ')}` : ''}` } };
  }
  if (status === 'threatResolvedNotUseful') return { decision: { status: 'false-positive', reason: `marked resolved, not useful, in ${THREAT_COMPOSER_FORMAT}` } };
  return ownMitigationsDecision(linked);
}

/**
 * What the mitigations linked to a person's own statement say of it, as they say it of a statement threatmap
 * exported (mitigationClaim): all Resolved, mitigated; one In progress, or some Resolved, mitigating. Will not
 * action is no fix, so it counts for neither (accepting the risk is the threat's own status to say). The
 * reason names the mitigations, so that the triage file says what was done.
 */
function ownMitigationsDecision(linked: readonly Item[]): { decision?: TriageDecision } {
  const active = linked.filter((m) => m.data.status !== 'mitigationResolvedWillNotAction');
  const named = (status: TcMitigationStatus | undefined) => active
    .filter((m) => (status === undefined ? m.data.status !== 'mitigationResolved' && m.data.status !== 'mitigationInProgress' : m.data.status === status))
    .map((m) => str(m.data.content) ?? mitigationLabel(m.data));
  const done = named('mitigationResolved');
  const underway = named('mitigationInProgress');
  if (active.length > 0 && done.length === active.length) {
    return { decision: { status: 'mitigated', reason: `${done.length === 1 ? 'its mitigation' : `all ${done.length} of its mitigations`} resolved in ${THREAT_COMPOSER_FORMAT}: ${done.join('; ')}` } };
  }
  if (underway.length) {
    return { decision: { status: 'mitigating', reason: `in progress in ${THREAT_COMPOSER_FORMAT}: ${underway.join('; ')}${done.length ? `; resolved: ${done.join('; ')}` : ''}` } };
  }
  if (done.length) {
    return { decision: { status: 'mitigating', reason: `partly resolved in ${THREAT_COMPOSER_FORMAT}: ${done.join('; ')}; not started: ${named(undefined).join('; ')}` } };
  }
  return {};
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
  /** What the exported decision was made for, as its entry recorded it (none when it recorded none). */
  recorded: Scope;
}

type Scope = Pick<TriageDecision, 'risk' | 'covers'>;

/**
 * A scope as our export wrote it in a statement's metadata (a risk word, flow ids joined by `, `); none of it
 * when the file lost it. An empty list is a scope of no flows (import-common's writesCovers), an absent one none.
 */
function scopeMeta(d: Plain, riskKey: string, coversKey: string): Scope {
  const risk = readRisk(metaText(d, riskKey) ?? '');
  const listed = meta(d, coversKey);
  const covers = coversOfText(typeof listed === 'string' ? listed : undefined);
  return { ...(risk ? { risk } : {}), ...(covers ? { covers } : {}) };
}

/**
 * A decision made in Threat Composer, with what it was made for: the threat as exported, which is what the
 * person saw there (not the scope recorded before, which a decision made again goes past). `covers` is given
 * even when empty: merged into an entry (`--into`), it replaces the flows that entry recorded. An `open`
 * decision closes nothing and records none; a file without the metadata has none to give.
 */
function madeThere(d: TriageDecision, exported: Scope): TriageDecision {
  if (d.status === 'open' || exported.risk === undefined) return d;
  return { ...d, risk: exported.risk, covers: exported.covers ?? [] };
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

/** The stable id a statement threatmap exported carries (from its id, else its key); undefined for one of Threat Composer's own. */
function ourUid(d: Plain): string | undefined {
  const key = metaText(d, TC_META.key);
  const id = metaText(d, TC_META.id);
  return id && /^TM-[0-9a-f]{8}$/i.test(id) ? `TM-${id.slice(3).toLowerCase()}` : key ? threatUid(key) : undefined;
}

/** The triage status a statement threatmap exported was exported with (or `key`'s); undefined when the file lost it. */
function exportedStatus(d: Plain, key: string = TC_META.status): TriageStatus | undefined {
  const exported = metaText(d, key);
  return (TRIAGE_STATUSES as readonly string[]).includes(exported ?? '') ? exported as TriageStatus : undefined;
}

/**
 * The threat a statement threatmap exported carries (its `custom:threatmap:*` metadata), with the decision
 * its status states when Threat Composer changed it, else the one its linked mitigations state when one of
 * them changed (mitigationClaim); undefined for a statement of Threat Composer's own.
 */
function threatmapData(t: Item, file: string, notes: string[], linked: readonly MitigationState[]): Ours | undefined {
  const d = t.data;
  const key = metaText(d, TC_META.key);
  const uid = ourUid(d);
  if (uid === undefined) return undefined;
  const title = metaText(d, TC_META.title) ?? uid;
  const base = exportedStatus(d);
  const declared = exportedStatus(d, TC_META.declared);
  const status = typeof d.status === 'string' && Object.hasOwn(DECISION_OF, d.status) ? d.status as TcThreatStatus : undefined;
  if (d.status !== undefined && status === undefined) notes.push(`${uid} (${file}:${t.line}): status ${JSON.stringify(d.status)} is not one of Threat Composer's; no decision read`);
  const comment = commentAdded(meta(d, 'Comments'));
  // Changed: no longer the status exported (without it, anything but the status a new statement has).
  const changed = status !== undefined && (base === undefined ? status !== 'threatIdentified' : TC_STATUS[base] !== status) ? status : undefined;
  // The threat's own status, changed there, says more than its mitigations.
  const claim = changed ? undefined : mitigationClaim(linked, base);
  const said: TriageDecision | undefined = changed ? { status: DECISION_OF[changed], reason: comment ?? `${SAID[changed]} in ${THREAT_COMPOSER_FORMAT}` }
    : claim ? { status: claim.status, reason: comment ?? `${claim.said} in ${THREAT_COMPOSER_FORMAT}` } : undefined;
  const theirs = said && madeThere(said, scopeMeta(d, TC_META.risk, TC_META.flows));
  const decision: CarriedDecision = {
    ...(key ? { key } : {}), uid, title, ...(base ? { base } : {}), ...(declared ? { declared } : {}), said: claim ? claim.said : status ? SAID[status] : 'no status',
    ...(theirs ? { theirs } : {}),
  };
  if (!theirs && comment) notes.push(`${uid} (${title}): the comment added in ${THREAT_COMPOSER_FORMAT} is not imported, as its status is unchanged: "${comment.length > 80 ? `${comment.slice(0, 79)}…` : comment}"`);
  const writtenId = key === undefined ? undefined : /^threat:([^@]+)@/.exec(key)?.[1];
  return {
    decision, written: writtenId !== undefined, ...(writtenId ? { id: writtenId } : {}), ...(metaText(d, TC_META.title) ? { title } : {}),
    recorded: scopeMeta(d, TC_META.decisionRisk, TC_META.decisionCovers),
  };
}

/** What a person wrote under the last line of our Comments, on one line; undefined when nothing was, or the line is gone. */
function commentAdded(comments: unknown): string | undefined {
  if (typeof comments !== 'string') return undefined;
  const m = COMMENTS_TRAILER.exec(comments);
  if (!m) return undefined;
  const added = comments.slice(m.index + m[0].length).replace(/\s+/g, ' ').trim();
  return added || undefined;
}

// --- Mitigations: what their statuses say of the threats linked to them -------------------------------------
// A team often marks the mitigation done rather than each threat, and one mitigation (a punch-list action)
// covers several threats. What its status says of a threat is what the export derived it from, read back
// (src/render/threat-composer.ts mitigationStatus): a threat whose linked mitigations are all Resolved is
// mitigated; one with a mitigation In progress, or some but not all Resolved, is being mitigated (mitigating);
// Identified says nothing (nothing done yet; reopening a threat is its own status' to say); Will not action
// says nothing either: the fix is not made, and accepting the risk instead is a person's decision on the
// threat, which the notes ask for. It is a decision only when a linked mitigation's status changed since the
// export (its `custom:threatmap:status`, the base), the threat's own status did not, and it differs from the
// status the threat was exported with; and only for a threat being fixed (open, mitigating, mitigated): one
// accepted, transferred or a false positive was decided without the mitigation, which the export left out of
// the mitigation's status, so the mitigation's status says nothing of it on the way back either.

/** A mitigation as it bears on the threats linked to it. */
interface MitigationState {
  /** How a person finds it in Threat Composer: its number and the start of its text (`M3 'Enforce TLS…'`). */
  label: string;
  /** Its status; undefined when it is none of Threat Composer's (an absent one is Identified, Threat Composer's default). */
  now?: TcMitigationStatus;
  /** Its status changed in Threat Composer since the export. */
  changed: boolean;
}

/** The triage statuses of the threats a mitigation's status is derived from (mitigationStatus). */
const FIXING: readonly TriageStatus[] = ['open', 'mitigating', 'mitigated'];
const MITIGATION_LABEL_CHARS = 40;

const isMitigationStatus = (v: unknown): v is TcMitigationStatus => typeof v === 'string' && (TC_MITIGATION_STATUSES as readonly string[]).includes(v);

function mitigationLabel(d: Plain): string {
  const content = str(d.content);
  return `${typeof d.numericId === 'number' ? `M${d.numericId}` : d.id as string}${content ? ` '${clip(content.replace(/\s+/g, ' '), MITIGATION_LABEL_CHARS)}'` : ''}`;
}

/** `a`, `a and b`, `a, b and c`. */
const listed = (items: readonly string[]): string => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

/**
 * Each mitigation's status and whether it changed since the export: against the status it was exported
 * with, or, in a file without it (an older export, a mitigation added in Threat Composer), against the
 * status the export derives from the exported statuses of the threatmap threats linked to it. Notes, for the
 * mitigations linked to threatmap's threats: a status Threat Composer does not have, and a change that by
 * itself decides nothing (Will not action, Identified again).
 */
function mitigationStates(mitigations: ReadonlyMap<string, Item>, threats: readonly Item[], mitigationsOf: ReadonlyMap<string, string[]>, file: string, notes: string[]): Map<string, MitigationState> {
  /** Mitigation id -> the exported statuses of threatmap's threats linked to it (undefined: lost). */
  const ours = new Map<string, Array<TriageStatus | undefined>>();
  for (const t of threats) {
    if (ourUid(t.data) === undefined) continue;
    const base = exportedStatus(t.data);
    for (const id of mitigationsOf.get(t.data.id as string) ?? []) {
      const list = ours.get(id);
      if (list) list.push(base);
      else ours.set(id, [base]);
    }
  }
  const out = new Map<string, MitigationState>();
  for (const [id, m] of mitigations) {
    const d = m.data;
    const label = mitigationLabel(d);
    const linked = ours.get(id);
    const now = d.status === undefined ? 'mitigationIdentified' : isMitigationStatus(d.status) ? d.status : undefined;
    const exported = metaText(d, TC_META.status);
    const base = isMitigationStatus(exported) ? exported : mitigationStatus((linked ?? []).filter((s) => s !== undefined));
    const changed = now !== undefined && now !== base;
    out.set(id, { label, ...(now ? { now } : {}), changed });
    if (!linked) continue;
    const threatsLinked = `${linked.length} threatmap threat${linked.length === 1 ? '' : 's'} linked to it`;
    if (now === undefined) notes.push(`mitigation ${label} (${file}:${m.line}): status ${JSON.stringify(d.status)} is not one of Threat Composer's; not read`);
    else if (changed && now === 'mitigationResolvedWillNotAction') {
      notes.push(`mitigation ${label} marked Will not action in ${THREAT_COMPOSER_FORMAT}: by itself this changes no status of the ${threatsLinked}; accepting a risk is a person's decision on the threat: set its status there, or \`accepted\` in the triage file`);
    } else if (changed && now === 'mitigationIdentified') {
      notes.push(`mitigation ${label} set back to Identified in ${THREAT_COMPOSER_FORMAT} (exported as ${statusWords(base)}): by itself this changes no status of the ${threatsLinked}; reopen a threat there to reopen it`);
    }
  }
  return out;
}

/**
 * What a threat's linked mitigations say of it (see above), when one of them changed since the export and
 * it is not what the threat was exported with (`base`); undefined when they say nothing new. `said` names
 * the mitigations that say it: "mitigation M3 'Enforce TLS…' marked resolved".
 */
function mitigationClaim(linked: readonly MitigationState[], base: TriageStatus | undefined): { status: 'mitigated' | 'mitigating'; said: string } | undefined {
  if ((base !== undefined && !FIXING.includes(base)) || !linked.some((m) => m.changed)) return undefined;
  const active = linked.filter((m) => m.now !== 'mitigationResolvedWillNotAction');
  const done = active.filter((m) => m.now === 'mitigationResolved');
  const underway = active.filter((m) => m.now === 'mitigationInProgress');
  const phrase = (ms: readonly MitigationState[], what: string) => `${ms.length === 1 ? 'mitigation' : 'mitigations'} ${listed(ms.map((m) => m.label))} ${what}`;
  const status = active.length > 0 && done.length === active.length ? 'mitigated' : done.length + underway.length > 0 ? 'mitigating' : undefined;
  if (status === undefined || status === base) return undefined;
  // Being mitigated: what is under way and done, and what is not started yet, which is why it is not mitigated.
  const rest = status === 'mitigating' ? active.filter((m) => m.now === 'mitigationIdentified') : [];
  const unknown = status === 'mitigating' ? active.filter((m) => m.now === undefined) : [];
  const said = [
    underway.length ? phrase(underway, 'in progress') : '', done.length ? phrase(done, 'marked resolved') : '',
    rest.length ? phrase(rest, 'not started') : '', unknown.length ? phrase(unknown, 'of a status Threat Composer does not have') : '',
  ].filter(Boolean).join('; ');
  return { status, said };
}

// --- The file, read as JSON or as YAML ------------------------------------------------------------------------
// An export of a large model is megabytes of JSON (a 1,000-element model's, 6.9 MB): read by the YAML parser,
// for the positions of its nodes, it takes seconds and half a gigabyte. JSON.parse reads it in a fraction of
// that, and one scan over the text finds the few positions the importer names: the top-level keys and values,
// and the items of the top-level lists. What the YAML reading treats otherwise than JSON.parse is left to it,
// so that every message and position stays the one it gives: text that is not JSON (a syntax error, or YAML),
// a key twice in one object (an error to it, the last one wins to JSON.parse), a bare CR (a line break to it,
// which breaks a flow collection), nesting deeper than its parser goes.

/** A top-level entry of the file: its key and where the key starts. */
interface TopEntry { key: string; offset: number }

/** A record of a top-level list, as plain data, where it starts, and its path for diagnostics. */
interface ListItem { data: unknown; offset: number; path: ModelPath }

/** What the importer reads of the file, however it was parsed. */
interface TcSource {
  readonly diagnostics: Diagnostic[];
  /** The text is no document: its syntax errors are the diagnostics. */
  readonly failed: boolean;
  /** Where the root value starts (0 when there is none). */
  readonly rootOffset: number;
  /** The root's entries in file order; undefined when the root is not an object. */
  readonly top: readonly TopEntry[] | undefined;
  /** A top-level entry's value as plain data. */
  value(entry: TopEntry): unknown;
  /** The items of a top-level list; undefined, with an error at the value, when it is something else (null: none). */
  items(entry: TopEntry, expected: string): ListItem[] | undefined;
  problem(severity: 'error' | 'warning', code: string, offset: number, path: ModelPath, message: string, details?: ProblemDetails): void;
  lineOf(offset: number): number;
}

/** The YAML reading: the parser's nodes, as before there was a JSON one. */
function yamlReading(src: YamlSource): TcSource {
  const root = src.failed ? null : src.root;
  const entries = isMap(root) ? src.entries(root, []) : undefined;
  const node = (entry: TopEntry) => entries?.find((e) => e.offset === entry.offset)?.value ?? null;
  return {
    diagnostics: src.diagnostics,
    failed: src.failed,
    rootOffset: src.offsetOf(root),
    top: entries,
    value: (entry) => (node(entry) as YamlNode | null)?.toJSON() as unknown,
    items: (entry, expected) => src.listItems(node(entry), entry.offset, [entry.key], expected)
      ?.map((it) => ({ data: it.node?.toJSON() as unknown, offset: it.offset, path: it.path })),
    problem: (...args) => src.problem(...args),
    lineOf: (offset) => src.lineOf(offset),
  };
}

/** Deeper than this, the YAML parser is asked (it gives up near a thousand levels; an export has five). */
const MAX_JSON_DEPTH = 64;

/** Where the parts of a JSON text the importer names start. */
interface JsonLayout {
  root: number;
  /** The root object's keys, with where each key and its value start. */
  keys: Array<TopEntry & { at: number }>;
  /** The offsets of the items of each top-level list, by its key. */
  items: Map<string, number[]>;
}

/** A Threat Composer export read as JSON: its data, and where its parts start. */
export interface TcJson {
  /** The text as read: without a byte order mark, which editors do not count as a column. */
  text: string;
  data: unknown;
  layout: JsonLayout;
}

/** Where the string starting at `start` (its opening quote) ends (its closing quote): the first quote after an even run of backslashes. */
function stringEnd(text: string, start: number): number {
  for (let j = text.indexOf('"', start + 1); j >= 0; j = text.indexOf('"', j + 1)) {
    let k = j - 1;
    while (text.charCodeAt(k) === 0x5c) k--;
    if ((j - 1 - k) % 2 === 0) return j;
  }
  return text.length;
}

/** Where a number, `true`, `false` or `null` starting at `start` ends. */
function scalarEnd(text: string, start: number): number {
  let j = start;
  while (j < text.length && !/[\s,\]}]/.test(text[j])) j++;
  return j;
}

/**
 * One pass over text that JSON.parse has read: where the root, its keys and values, and the items of its
 * lists start. Undefined when the YAML reading would read it otherwise: a key twice in an object (compared
 * as JSON reads them: `"a"` and `"\u0061"` are one key), a CR that is not before a LF, nesting too deep.
 */
function jsonLayout(text: string): JsonLayout | undefined {
  const layout: JsonLayout = { root: 0, keys: [], items: new Map() };
  /** Each open container: the keys of an object so far, or null for a list. */
  const open: Array<Set<string> | null> = [];
  let expectKey = false;
  let list: number[] | undefined;
  const valueAt = (i: number) => {
    if (open.length === 0) layout.root = i;
    else if (open.length === 1 && open[0] !== null) layout.keys[layout.keys.length - 1].at = i;
    else if (open.length === 2 && open[0] !== null && open[1] === null) list?.push(i);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x3a) continue;
    if (c === 0x0d) {
      if (text.charCodeAt(i + 1) !== 0x0a) return undefined;
      continue;
    }
    if (c === 0x2c) {
      expectKey = open[open.length - 1] !== null;
      continue;
    }
    if (c === 0x7d || c === 0x5d) {
      open.pop();
      expectKey = false;
      continue;
    }
    if (c === 0x22) {
      const end = stringEnd(text, i);
      if (expectKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? JSON.parse(text.slice(i, end + 1)) as string : raw;
        const seen = open[open.length - 1]!;
        if (seen.has(key)) return undefined;
        seen.add(key);
        if (open.length === 1) layout.keys.push({ key, offset: i, at: i });
        expectKey = false;
      } else valueAt(i);
      i = end;
      continue;
    }
    valueAt(i);
    if (c === 0x7b || c === 0x5b) {
      if (open.length >= MAX_JSON_DEPTH) return undefined;
      if (c === 0x5b && open.length === 1 && open[0] !== null) {
        list = [];
        layout.items.set(layout.keys[layout.keys.length - 1].key, list);
      }
      open.push(c === 0x7b ? new Set() : null);
      expectKey = c === 0x7b;
    } else i = scalarEnd(text, i) - 1;
  }
  return layout;
}

/**
 * The text read as JSON, when the YAML reading would read it the same (see jsonLayout); undefined when it
 * must be read as YAML: it is no JSON, or JSON the YAML reading reads otherwise.
 */
function readJson(text: string): TcJson | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return undefined;
  }
  const layout = jsonLayout(body);
  return layout && { text: body, data, layout };
}

/**
 * The text read as JSON when it is a Threat Composer export as `threatmap import` tells formats
 * (src/cli/import.ts formatOf: `schema` beside `threats`, `mitigations`, `assumptions` or `applicationInfo`,
 * and none of the keys that make it OTM, Threagile or Threat Dragon) and the YAML reading would read it the
 * same; undefined otherwise. The CLI passes it to the importer (`json`), so that the file is parsed once.
 */
export function threatComposerJson(text: string): TcJson | undefined {
  const json = readJson(text);
  const data = json?.data;
  if (!isObj(data)) return undefined;
  const has = (key: string) => Object.hasOwn(data, key);
  const detail = data.detail;
  if (has('otmVersion') || (has('threagile_version') && has('technical_assets')) || (has('summary') && isObj(detail) && Object.hasOwn(detail, 'diagrams'))) return undefined;
  return has('schema') && ['threats', 'applicationInfo', 'mitigations', 'assumptions'].some(has) ? json : undefined;
}

/** What a value is, in the words of the YAML reading's messages (describeNode). */
function describeValue(v: unknown): string {
  if (v === null) return 'null (empty value)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 39)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}

/** The JSON reading: the parsed data, with positions from the layout and diagnostics as YamlSource words them. */
function jsonReading(json: TcJson, file: string): TcSource {
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  let index: LineIndex | undefined;
  const data = isObj(json.data) ? json.data : undefined;
  const at = (entry: TopEntry) => json.layout.keys.find((k) => k.offset === entry.offset)?.at ?? entry.offset;
  const position = (offset: number) => {
    index ??= new LineIndex(json.text);
    const { line, col } = index.at(offset);
    return { line: Math.max(line, 1), col: Math.max(col, 1) };
  };
  const problem: TcSource['problem'] = (severity, code, offset, path, message, details = {}) => {
    const key = `${offset}\u0000${code}\u0000${message}`;
    if (reported.has(key)) return;
    reported.add(key);
    diagnostics.push({
      severity, code, message, file, ...position(offset), path: displayPath(path),
      ...(details.found !== undefined ? { found: details.found } : {}),
      ...(details.expected !== undefined ? { expected: details.expected } : {}),
      ...(details.hint !== undefined ? { hint: details.hint } : {}),
    });
  };
  const value = (entry: TopEntry): unknown => (data && Object.hasOwn(data, entry.key) ? data[entry.key] : undefined);
  return {
    diagnostics, problem, value,
    failed: false,
    rootOffset: json.layout.root,
    top: data ? json.layout.keys : undefined,
    items: (entry, expected) => {
      const list = value(entry);
      if (list === null) return [];
      if (!Array.isArray(list)) {
        problem('error', 'invalid-value', at(entry), [entry.key], `\`${displayPath([entry.key])}\` should be ${expected}`, { expected, found: describeValue(list) });
        return undefined;
      }
      const offsets = json.layout.items.get(entry.key) ?? [];
      return list.map((item: unknown, i) => ({ data: item, offset: offsets[i] ?? at(entry), path: [entry.key, i] }));
    },
    lineOf: (offset) => position(offset).line,
  };
}

/** The file as the importer reads it: the caller's parse when it gave one, else as JSON where that reads the same, else as YAML. */
function readingOf(text: string, file: string, options: TcImportOptions): TcSource {
  if (options.source) return yamlReading(options.source);
  const json = options.json ?? readJson(text);
  // Not JSON to JSON.parse: held to JSON all the same, so that a trailing comma is an error at its position.
  return json ? jsonReading(json, file) : yamlReading(YamlSource.imported(text, file));
}
