// `threatmap import FILE --into MODEL`: the threats another tool's file holds, and the decisions about them,
// added to a model the team already keeps (drafted by `discover`, or written by hand) instead of a new one.
// The model's text is edited as the web page edits it (comments and layout kept), and its triage file as
// `threatmap triage` writes it. Pure: the CLI reads and writes the files.
import { parse } from 'yaml';
import { analyze } from '../analysis/analyze.js';
import { strideLetter } from '../model/catalog.js';
import { applyModelEdit, type ThreatFields } from '../model/edit.js';
import { formatDiagnostics, hasErrors } from '../model/diagnostics.js';
import { loadModel } from '../model/load.js';
import { splitFlowArrow } from '../model/flow-arrow.js';
import { resolveThreatTarget, targetIndex, targetRefs } from '../model/threat-targets.js';
import type { Model } from '../model/types.js';
import type { Threat } from '../analysis/types.js';
import { applyTriage, parseTriage, type TriageEntry } from '../track/triage.js';
import { newTriageText, removeTriageEntry, setTriageEntry, type TriageUpdate } from '../track/triage-edit.js';
import type { StaleEntry, TriageDecision, TriageStatus } from '../track/types.js';
import { threatUid, UID_PATTERN } from '../track/uid.js';

export interface MergeInput {
  /** The model to add to, its file name, and its triage file's text when it has one. */
  model: { text: string; file: string; triage?: string };
  /** What the importer made of the other tool's file: a model, and its decisions as a triage file. */
  imported: { text: string; triage?: string };
  /**
   * The threats of a threatmap export the other tool's file still carries (their decisions go to the triage
   * file by a three-way merge); absent for a file threatmap did not write.
   */
  carried?: readonly CarriedDecision[];
}

/**
 * A threat of this model that a threatmap export carried to another tool and back: the status it was
 * exported with (the base), and the other tool's decision when its status is no longer that one.
 */
export interface CarriedDecision {
  /** The threat's key; absent when the file kept only its stable id. */
  key?: string;
  uid: string;
  title: string;
  /** The triage status when exported; absent when the file lost it. */
  base?: TriageStatus;
  /**
   * The status the triage file wrote when exported, where that was not the one in force (`base`: the decision
   * had lapsed, or its threat had grown past it): what the file still says when nobody changed it since.
   */
  declared?: TriageStatus;
  /** The other tool's decision, when its status changed since the export. */
  theirs?: TriageDecision;
  /** The other tool's name for the status, for the notes. */
  said: string;
}

export interface MergeResult {
  text: string;
  /** The triage file with the decisions added; absent when none was added. */
  triage?: string;
  added: Array<{ id: string; title: string }>;
  /** Titles of the imported threats the model already writes (same title and STRIDE category): left as they are. */
  already: string[];
  decisions: number;
  /** Of `decisions`: statuses changed in the other tool on threats a threatmap export carried. */
  changed: number;
  notes: string[];
}

const RAW_TEXT = /[\r\n\u2028\u2029]+/g;
/** Titles and references are one line: the lines of an imported one are joined. */
const oneLine = (text: unknown): string | undefined => (typeof text === 'string' && text.trim() ? text.replace(RAW_TEXT, ' ').replace(/\s{2,}/g, ' ').trim() : undefined);
/** Descriptions and mitigations keep their lines (written as a literal block), other control characters dropped. */
const paragraphText = (text: unknown): string | undefined => (typeof text === 'string' && text.trim()
  ? text.replace(/\r\n?|[\u2028\u2029]/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').replace(/[ \t]+$/gm, '').trim()
  : undefined);

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The imported threats and decisions added to the model; an error when the model does not load. */
export function mergeImportedThreats(input: MergeInput): MergeResult | { error: string } {
  const loaded = loadModel(input.model.text, input.model.file);
  if (!loaded.model || hasErrors(loaded.diagnostics)) {
    return { error: `${input.model.file} does not load, so nothing was added to it:\n${formatDiagnostics(loaded.diagnostics.filter((d) => d.severity === 'error')).trimEnd()}` };
  }
  const model = loaded.model;
  const importedRaw = parse(input.imported.text) as Raw;
  const importedThreats = isObj(importedRaw.threats) ? importedRaw.threats : {};
  const index = targetIndex({ elements: model.elements, boundaries: model.boundaries.map((b) => b.id), flows: model.flows });
  const byName = nameTranslation(importedRaw, model);
  const written = new Map(model.threats.map((t) => [sameThreat(t.stride, t.title), t.id]));
  const taken = new Set(model.threats.map((t) => t.id));
  const notes: string[] = [];
  const added: MergeResult['added'] = [];
  const already: string[] = [];
  /** Imported id -> the id it has in the model and the components of its keys there. */
  const placed = new Map<string, { id: string; title: string; components: string[] }>();
  let text = input.model.text;

  for (const [oldId, value] of Object.entries(importedThreats)) {
    if (!isObj(value) || typeof value.title !== 'string' || typeof value.stride !== 'string') continue;
    const title = oneLine(value.title)!;
    const stride = strideLetter(value.stride) ?? value.stride;
    if (written.has(sameThreat(stride, title))) {
      already.push(title);
      continue;
    }
    // What the file's threat is on, where the model has it too; else the whole system, with a note to place it.
    const kept: string[] = [];
    const components: string[] = [];
    const missing: string[] = [];
    /** A reference whose name several of the model's components have: which one is for a person to say. */
    const ambiguous: Array<[string, string[]]> = [];
    for (const ref of targetRefs(value.on).filter((r): r is string => typeof r === 'string')) {
      const direct = resolveThreatTarget(ref, index);
      const translated = 'target' in direct ? undefined : byName(ref);
      if (typeof translated === 'object') {
        ambiguous.push([ref, translated.ambiguous]);
        continue;
      }
      const named = translated;
      const found = named === undefined ? direct : resolveThreatTarget(named, index);
      if ('target' in found) {
        kept.push(named ?? ref);
        components.push(found.target.id);
        if (named !== undefined) notes.push(`threats.${oldId}: \`${ref}\` placed on \`${named}\`, the model's component of the same name`);
      } else missing.push(ref);
    }
    const id = freeId(oldId, taken);
    const placement = kept.length ? 'left out of its `on:`' : 'written on the whole system';
    for (const [ref, candidates] of ambiguous) {
      notes.push(`threats.${id}: \`${ref}\` could be any of ${candidates.map((c) => `\`${c}\``).join(', ')}, which have its name in ${input.model.file}: ${placement}; move it to what it threatens`);
    }
    if (missing.length) {
      notes.push(`threats.${id}: ${missing.map((m) => `\`${m}\``).join(', ')} ${missing.length === 1 ? 'names' : 'name'} nothing in ${input.model.file}: ${placement}; move it to what it threatens`);
    }
    const fields: ThreatFields = {
      title, stride, on: kept,
      ...optional('description', paragraphText(value.description)), ...optional('mitigation', paragraphText(value.mitigation)),
      ...optional('likelihood', typeof value.likelihood === 'string' && value.likelihood !== 'exposure' ? value.likelihood : undefined),
      ...optional('impact', typeof value.impact === 'string' && value.impact !== 'assets' ? value.impact : undefined),
      ...(strings(value['mitigated-by']).length ? { 'mitigated-by': strings(value['mitigated-by']) } : {}),
      ...(strings(value.references).length ? { references: strings(value.references).map((r) => oneLine(r) ?? r) } : {}),
    };
    const edit = applyModelEdit(text, { op: 'add-threat', id, fields });
    if ('error' in edit) {
      notes.push(`threat "${title}" not added: ${edit.error}`);
      taken.delete(id);
      continue;
    }
    text = edit.text;
    added.push({ id, title });
    placed.set(oldId, { id, title, components: components.length ? components : ['system'] });
  }

  const merged = loadModel(text, input.model.file);
  if (!merged.model || hasErrors(merged.diagnostics)) {
    // The edits check what they write: a model that no longer loads is our bug, not the user's.
    return { error: `the threats could not be added to ${input.model.file}:\n${formatDiagnostics(merged.diagnostics).trimEnd()}` };
  }
  const threats = analyze(merged.model).threats;
  const triage = mergeDecisions(input, threats, placed, notes);
  const carried = mergeCarried(input.carried ?? [], threats, triage.text, input.model.file, notes);
  const decisions = triage.decisions + carried.decisions;
  return { text, ...(decisions ? { triage: carried.text } : {}), added, already, decisions, changed: carried.decisions, notes };
}

/**
 * The other tool's status changes on the threats a threatmap export carried, into the triage file, by a
 * three-way merge: base is the status exported, theirs the other tool's, ours the triage file's now. A
 * status the other tool left as exported changes nothing; one it changed is written while the triage file
 * still says what was exported (or says nothing, when the base was lost); when both changed it, differently,
 * the triage file's decision is kept, with a note. A threat the model no longer reports is noted, not written.
 */
function mergeCarried(carried: readonly CarriedDecision[], threats: readonly Threat[], triageText: string, file: string, notes: string[]): { text: string; decisions: number } {
  if (carried.length === 0) return { text: triageText, decisions: 0 };
  const byKey = new Map(threats.map((t) => [t.key, t]));
  const byUid = new Map(threats.map((t) => [t.uid ?? threatUid(t.key), t]));
  const entries = parseTriage(triageText, 'triage').triage?.entries ?? [];
  let text = triageText;
  let decisions = 0;
  for (const c of carried) {
    const threat = (c.key === undefined ? undefined : byKey.get(c.key)) ?? byUid.get(c.uid);
    if (threat === undefined) {
      notes.push(`${c.uid} (${c.title}) is no longer reported by ${file}: ${c.theirs ? `its status in the file (${c.said}) is not written` : 'nothing to write'}`);
      continue;
    }
    if (c.theirs === undefined) continue;
    const uid = threat.uid ?? threatUid(threat.key);
    const entry = entries.find((e) => e.ref === uid || e.ref === threat.key);
    const ours = entry?.status ?? 'open';
    if (ours === c.theirs.status) continue;
    const written = c.declared ?? c.base;
    const oursChanged = written === undefined ? entry !== undefined : ours !== written;
    if (oursChanged) {
      notes.push(`${uid} (${threat.title}): ${c.said} in the file, but the triage file decides \`${ours}\`${c.base ? ` since it was exported as \`${c.base}\`` : ''}: the triage file's decision is kept`);
      continue;
    }
    text = setTriageEntry(text, file, { uid, key: threat.key, describe: threat.title }, c.theirs);
    decisions++;
  }
  return { text, decisions };
}

/**
 * The imported decisions that are about a threat the merged model reports, under that threat's key, added
 * to the model's triage file; a threat it already decides keeps its decision.
 */
function mergeDecisions(input: MergeInput, threats: readonly Threat[], placed: ReadonlyMap<string, { id: string; title: string; components: string[] }>, notes: string[]): { text: string; decisions: number } {
  const entries = input.imported.triage ? parseTriage(input.imported.triage, 'imported').triage?.entries ?? [] : [];
  const existing = input.model.triage ? parseTriage(input.model.triage, 'triage').triage?.entries ?? [] : [];
  const decided = new Set(existing.map((e) => e.ref));
  const byKey = new Map(threats.map((t) => [t.key, t]));
  const byUid = new Map(threats.map((t) => [t.uid ?? threatUid(t.key), t]));
  let text = input.model.triage ?? newTriageText(input.model.file);
  let decisions = 0;
  for (const entry of entries) {
    const written = /^threat:([^@]+)@(.+)$/.exec(entry.ref);
    let keys: string[];
    if (written) {
      const to = placed.get(written[1]);
      if (!to) continue;
      keys = to.components.includes(written[2]) ? [`threat:${to.id}@${written[2]}`] : to.components.map((c) => `threat:${to.id}@${c}`);
    } else keys = [byUid.get(entry.ref)?.key ?? entry.ref];
    for (const key of keys) {
      const threat = byKey.get(key);
      if (!threat) {
        // A decision about a rule's threat from an export of another model: this model does not report it.
        if (!written) notes.push(`the decision \`${entry.status}\` about ${entry.ref}${entry.threat ? ` (${entry.threat})` : ''} matches no threat of ${input.model.file}: not added`);
        continue;
      }
      const uid = threat.uid ?? threatUid(threat.key);
      if (decided.has(uid) || decided.has(threat.key)) {
        notes.push(`${uid} (${threat.title}) is already decided in the triage file: its decision is kept`);
        continue;
      }
      text = setTriageEntry(text, input.model.file, { uid, key: threat.key, describe: threat.title }, updateOf(entry));
      decided.add(uid);
      decisions++;
    }
  }
  return { text, decisions };
}

/**
 * A reference of the imported file in the model's ids, through names: the file's element or boundary `web-app`
 * named "Web App" is the model's one named so (or whose id is that name), when exactly one is; a flow's ends
 * and an endpoint's element are translated alike. Undefined when some part has no such counterpart. The other
 * tool names what a deployment file calls `web` as a person does, so ids rarely agree and names often do.
 */
function nameTranslation(importedRaw: Raw, model: Model): (ref: string) => string | { ambiguous: string[] } | undefined {
  const key = (name: string) => name.trim().toLowerCase().replace(/\s+/g, ' ');
  const ours = new Map<string, string[]>();
  for (const c of [...model.elements, ...model.boundaries]) {
    for (const name of new Set([key(c.name), key(c.id)])) ours.set(name, [...(ours.get(name) ?? []), c.id]);
  }
  const theirs = new Map<string, string>();
  for (const section of ['elements', 'boundaries']) {
    const entries = importedRaw[section];
    if (!isObj(entries)) continue;
    for (const [id, value] of Object.entries(entries)) theirs.set(id, isObj(value) && typeof value.name === 'string' ? value.name : id);
  }
  const one = (id: string): string | { ambiguous: string[] } | undefined => {
    const name = theirs.get(id.trim());
    const matches = name === undefined ? undefined : ours.get(key(name));
    return matches === undefined ? undefined : matches.length === 1 ? matches[0] : { ambiguous: matches };
  };
  return (ref) => {
    const ends = splitFlowArrow(ref);
    if (ends) {
      const [from, to] = ends.map(one);
      if (typeof from === 'object' || typeof to === 'object') return typeof from === 'object' ? from : to as { ambiguous: string[] };
      return from !== undefined && to !== undefined ? `${from} -> ${to}` : undefined;
    }
    const colon = ref.indexOf(':');
    if (colon > 0 && !theirs.has(ref.trim())) {
      const element = one(ref.slice(0, colon));
      return typeof element === 'string' ? `${element}:${ref.slice(colon + 1).trim()}` : element;
    }
    return one(ref);
  };
}

const sameThreat = (stride: string, title: string) => `${stride}\u0000${title.trim().toLowerCase()}`;


function freeId(wanted: string, taken: Set<string>): string {
  let id = wanted;
  for (let n = 2; taken.has(id); n++) id = `${wanted}-${n}`;
  taken.add(id);
  return id;
}

const optional = <K extends string>(key: K, value: string | undefined): { [P in K]?: string } => (value === undefined ? {} : { [key]: value } as { [P in K]?: string });

const updateOf = (entry: TriageEntry): TriageUpdate => {
  const update: TriageUpdate = { status: entry.status };
  for (const field of ['reason', 'owner', 'ticket', 'expires', 'review'] as const) if (entry[field] !== undefined) update[field] = entry[field];
  // What the decision was made for goes with it: without it, the decision would no longer be checked (scope.ts).
  if (entry.risk !== undefined) update.risk = entry.risk;
  if (entry.covers !== undefined) update.covers = entry.covers;
  return update;
};

/**
 * An imported triage file's decisions added to the model's existing one (`import -o` over a model the team
 * has been triaging): a threat the file already decides keeps its decision, and comments stay.
 */
export function mergeTriageTexts(existing: string, imported: string, modelFile: string): { text: string; added: number; kept: number } {
  const have = parseTriage(existing, modelFile).triage?.entries ?? [];
  // A threat decided under its key is decided under its stable id too: the file's entry by id is the same threat.
  const decided = new Set(have.flatMap((e) => [e.ref, UID_PATTERN.test(e.ref) ? e.ref : threatUid(e.ref)]));
  let text = existing;
  let added = 0;
  let kept = 0;
  for (const entry of parseTriage(imported, 'imported').triage?.entries ?? []) {
    const uid = UID_PATTERN.test(entry.ref) ? entry.ref : threatUid(entry.ref);
    if (decided.has(entry.ref) || decided.has(uid)) {
      kept++;
      continue;
    }
    text = setTriageEntry(text, modelFile, { uid, key: entry.ref, describe: entry.threat ?? entry.ref }, updateOf(entry));
    added++;
  }
  return { text, added, kept };
}

// --- Decisions whose threats the other tool's edit removed ----------------------------------------------------
// A threatmap export edited in another tool and imported again can lose threats: a flow made HTTPS in Threat
// Dragon takes its cleartext threats with it. Their decisions, in the triage file beside the model, would match
// nothing, and `analyze` would report them stale ever after. The file says which threats the export held (the
// summary's `exportedUids`): a decision about one of them whose threat the imported model no longer has goes,
// listed; a decision about a threat the export never held (left out by `--min-risk`, or gone before) stays.

/** A decision dropped from the triage file: the entry's id as written, its status and what it was about. */
export interface DroppedDecision {
  ref: string;
  status: TriageStatus;
  threat?: string;
}

/** Stale entries do not depend on the day decisions are judged against: any valid day reads them alike. */
const ANY_DAY = '2000-01-01';

/** The entries of a triage file that match no threat of the model, as `analyze` reports them; none when either does not load. */
export function staleEntries(model: string, file: string, triage: string): StaleEntry[] {
  const loaded = loadModel(model, file);
  const parsed = parseTriage(triage, 'triage');
  if (!loaded.model || hasErrors(loaded.diagnostics) || !parsed.triage) return [];
  return applyTriage(analyze(loaded.model), parsed.triage, { today: ANY_DAY }).triage?.stale ?? [];
}

/**
 * The triage file without the decisions whose threats the import removed: entries the imported model leaves
 * stale whose threat the export held (`exportedUids`), unless already stale before the import (`staleBefore`:
 * `--into` changes no threat of the model it adds to). An entry that cannot be cut out of the text (a file
 * the editor refuses) stays, as `analyze` will report it.
 */
export function dropRemovedThreats(input: {
  model: string; file: string; triage: string; exportedUids: readonly string[]; staleBefore?: ReadonlySet<string>;
}): { text: string; dropped: DroppedDecision[] } {
  const exported = new Set(input.exportedUids);
  const uidOfRef = (ref: string) => (UID_PATTERN.test(ref) ? ref : threatUid(ref));
  let text = input.triage;
  const dropped: DroppedDecision[] = [];
  for (const s of staleEntries(input.model, input.file, input.triage)) {
    if (!exported.has(uidOfRef(s.ref)) || input.staleBefore?.has(s.ref)) continue;
    const cut = removeEntry(text, input.file, s.ref);
    if (cut === undefined) continue;
    text = cut;
    dropped.push({ ref: s.ref, status: s.status, ...(s.threat !== undefined ? { threat: s.threat } : {}) });
  }
  return { text, dropped };
}

/** The triage text without the entry of this id; undefined when it has none, or the editor refuses the file. */
function removeEntry(text: string, file: string, ref: string): string | undefined {
  try {
    const out = removeTriageEntry(text, file, { uid: ref, key: ref, describe: ref });
    return out.removed ? out.text : undefined;
  } catch {
    return undefined;
  }
}
