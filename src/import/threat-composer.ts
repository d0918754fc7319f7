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
import { isMap, YAMLMap, YAMLSeq } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { sortDiagnostics } from '../model/diagnostics.js';
import type { TriageDecision } from '../track/types.js';
import {
  clipped, hasError, headerTail, type ImportedThreat, importedTriage, type ImportOptions, type ImportResult, levelOfWord, lookup, neverThrows, oneLine,
  section, slug, startModel, strideOfWord, threatsSection,
} from './import-common.js';
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
}

export type TcImportResult = ImportResult<TcImportSummary>;

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
export function importThreatComposer(text: string, file: string, options: ImportOptions = {}): TcImportResult {
  return neverThrows(file, () => importUnsafe(text, file, options));
}

function importUnsafe(text: string, file: string, options: ImportOptions): TcImportResult {
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
  for (const key of ['architecture', 'dataflow']) {
    const part = plain(key);
    if (str(part.description) || str(part.image)) notes.push(`the file's ${key === 'dataflow' ? 'data flow' : key} ${str(part.image) ? 'diagram and description are' : 'description is'} not a model: add the elements and flows it shows`);
  }

  const threats = list('threats', 'threats');
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
  for (const t of threats) {
    const threat = tcThreat(t, (mitigationsOf.get(t.data.id as string) ?? []).flatMap((id) => mitigations.get(id) ?? []), file, notes);
    written.push(threat);
    idOf.set(t.data.id as string, threat.wanted);
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

/** One threat statement as the model's, with its decision. */
function tcThreat(t: Item, linked: readonly Item[], file: string, notes: string[]): ImportedThreat {
  const d = t.data;
  const statement = str(d.statement);
  const action = str(d.threatAction);
  // The statement is a paragraph; its action is the short phrase a title wants.
  const title = oneLine(action ? action.charAt(0).toUpperCase() + action.slice(1) : statement && statement.length > 80 ? `${statement.slice(0, 79)}…` : statement ?? '(untitled)');
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
  const comments = str(meta(d, 'Comments'));
  return {
    wanted: number !== undefined ? `tc-${number}` : slug(title) || 'threat',
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
    ...decisionOf(d.status, linked),
  };
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
