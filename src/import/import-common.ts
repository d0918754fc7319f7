// What the importers of other tools' threat models (otm.ts, threat-dragon.ts, threagile.ts) share: the result shape, ids
// made from names, one-line comments, and the YAML writing helpers. Pure: no Node APIs.
import { Document, isScalar, isSeq, Pair, parseDocument, Scalar, visit, YAMLMap, YAMLSeq } from 'yaml';
import { analyze } from '../analysis/analyze.js';
import type { Threat } from '../analysis/types.js';
import { type Classification, type ElementKind, type ElementType, type Level, PROTOCOLS } from '../model/catalog.js';
import { hasErrors } from '../model/diagnostics.js';
import { loadModel } from '../model/load.js';
import { forwardedOwners, forwardsRequests, impliedKind } from '../model/normalize.js';
import { ID_PATTERN } from '../model/schema.js';
import type { Diagnostic } from '../model/types.js';
import { riskWord } from '../track/scope.js';
import { TRIAGE_VERSION, TRIAGE_VERSION_KEY } from '../track/triage.js';
import { TRIAGE_FILE_GUIDE } from '../track/triage-edit.js';
import type { TriageDecision } from '../track/types.js';
import { UID_PATTERN } from '../track/uid.js';
import type { YamlSource } from './yaml-source.js';

/** How many threat titles the header and the summary list; the rest are counted. */
export const THREAT_TITLES_SHOWN = 10;

/** An importer's answer: the model as YAML (absent when the file has errors), problems, and a summary. */
export interface ImportResult<S> {
  text?: string;
  /** The file's decisions about its threats, as the model's triage file (absent when it made none). */
  triage?: ImportedTriage;
  diagnostics: Diagnostic[];
  summary?: S;
}

/**
 * What the summary of a file threatmap exported says of the threats the export held: their stable ids
 * (TM-...), from what the file carries of them. `threatmap import` drops a decision that the imported model
 * leaves stale only when its threat is among them (the other tool's edit removed it); one about a threat the
 * export never held (left out by `--min-risk`, or gone before the export) is kept. Absent: no threatmap export.
 */
export interface ExportedThreats {
  exportedUids?: string[];
}

/** Stable ids as a summary lists them: each once, sorted (the same file, the same summary); what is no stable id (a hand edit) left out. */
export const uidList = (uids: Iterable<string>): string[] => [...new Set(uids)].filter((u) => UID_PATTERN.test(u)).sort();

export interface ImportOptions {
  /** The file the model will be written to, for the header's next step. */
  output?: string;
  /** The text already parsed by the caller (the CLI parses it once to tell its format): not parsed again. */
  source?: YamlSource;
  /**
   * Raw-deflate decompression for draw.io's compressed pages, kept out of the importers so that they stay
   * pure: the CLI passes node:zlib's inflateRawSync (with a cap on its output), a browser its own. Without
   * it a compressed page is an error.
   */
  inflate?: (data: Uint8Array) => Uint8Array;
}

/**
 * A zone named for the outside world is untrusted whatever number it carries: the OTM spec's own example
 * rates its "Internet" zone 20, StartLeft's conversions give every zone the same placeholder; Threat Dragon
 * gives its boxes no trust at all, so there the name is all there is.
 */
export const UNTRUSTED_NAME = /\b(internet|public|external|untrusted|outside|third[- ]party)\b/i;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
export const oneLine = (text: string): string => text.replace(/[\r\n\u2028\u2029]+/g, ' ').trimEnd();

/**
 * A model id for a tool's id: kept when the model accepts it and a person can read it (our exporter's ids
 * come back unchanged); a UUID or an id the model rejects gives way to the name as a slug. Unique across
 * elements, boundaries and flows, which share one namespace in threatmap.
 */
export function modelId(raw: string, name: string | undefined, fallback: string, taken: Set<string>): string {
  const base = ID_PATTERN.test(raw) && !UUID.test(raw) ? raw : slug(name ?? '') || slug(raw) || fallback;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/**
 * The YAML parser quotes the whole rest of the file in some messages (an unclosed quote swallows it):
 * the quoted token is cut to its first line and 40 characters, so the message stays one readable line.
 */
export function clipped(d: Diagnostic): Diagnostic {
  const m = /^(.*?: )"([\s\S]*)"$/.exec(d.message);
  if (!m) return d;
  const token = m[2].split(/\\n|\n/)[0];
  return { ...d, message: `${m[1]}"${token.length > 40 ? `${token.slice(0, 39)}…` : token}${token !== m[2] ? '…' : ''}"` };
}

export const hasError = (list: readonly Diagnostic[]) => list.some((d) => d.severity === 'error');

/**
 * A file with nothing in it (no bytes, or only whitespace and a byte order mark: an export that failed half way,
 * a file created and never saved) said to be empty, with what was expected, rather than not being in the format.
 */
export function emptyFile(text: string, file: string, expected: string): Diagnostic | undefined {
  if (/[^\s\uFEFF]/.test(text)) return undefined;
  return { severity: 'error', code: 'empty-file', message: `the file is empty; expected ${expected}`, file, line: 1, col: 1, path: '' };
}

/** Runs an importer so that a bug of ours never surfaces as a stack trace in place of a diagnostic: one error at 1:1 instead. */
export function neverThrows<S>(file: string, importer: () => ImportResult<S>): ImportResult<S> {
  try {
    return importer();
  } catch (err) {
    return {
      diagnostics: [{
        severity: 'error', code: 'internal-error', file, line: 1, col: 1, path: '',
        message: `could not import this file: ${oneLine(err instanceof Error ? err.message : String(err))}`,
      }],
    };
  }
}

// --- Writing -----------------------------------------------------------------------------------------

export function flowMap(doc: Document, value: Record<string, unknown>): YAMLMap {
  const map = doc.createNode(value) as YAMLMap;
  map.flow = true;
  return map;
}

export function section(root: YAMLMap, key: string, value: YAMLMap | YAMLSeq): void {
  const k = new Scalar(key);
  k.spaceBefore = true;
  root.items.push(new Pair(k, value));
}

export const comment = (lines: readonly string[]): string => lines.map((l) => ` ${oneLine(l)}`).join('\n');

/**
 * The end of an imported model's header: the file's own threats (not model input), what to check, and the
 * next step. `threats` are the lines to show, one per threat, of `total`; `shown` of them at most (a list the CLI
 * says is in the header is shown whole).
 */
export function headerTail(threats: readonly string[], total: number, notes: readonly string[], output: string | undefined, shown = THREAT_TITLES_SHOWN): string[] {
  const lines = threats.slice(0, shown).map((t) => `  ${t}`);
  if (total > shown) lines.push(`  ... and ${total - shown} more`);
  if (notes.length) lines.push('Check:', ...notes.map((n) => `  ${n}`));
  lines.push(`Review it, then run: threatmap analyze ${output ?? '<this file>'}`);
  return lines;
}

/** A model document with its header comment, format version and system, for the sections to follow. */
export function startModel(header: readonly string[], system: Record<string, unknown>): { doc: Document; root: YAMLMap } {
  const doc = new Document({});
  doc.commentBefore = comment(header);
  const root = doc.contents as YAMLMap;
  root.set('threatmap', 1);
  root.set('system', doc.createNode(system));
  return { doc, root };
}

/** One flow of the model: `a -> b: protocol`, or its details when it has more to say than its protocol. */
export function flowItem(doc: Document, from: string, to: string, details: Record<string, unknown>, commentLines: readonly string[]): YAMLMap {
  const keys = Object.keys(details);
  const value = keys.length === 1 && keys[0] === 'protocol' ? new Scalar(details.protocol) : flowMap(doc, details);
  const item = new YAMLMap();
  item.items.push(new Pair(new Scalar(`${from} -> ${to}`), value));
  item.commentBefore = comment(commentLines);
  return item;
}

/** One keyed entry of a section (`api: { ... }`), its comment (where it came from) above it. */
export function keyedEntry(doc: Document, id: string, commentLines: readonly string[], value: Record<string, unknown>): Pair {
  const key = new Scalar(id);
  key.commentBefore = comment(commentLines);
  return new Pair(key, flowMap(doc, value));
}

/** The untrusted boundary an importer adds for what no zone of the file holds; `note` says what it holds. */
export const outsideEntry = (doc: Document, id: string, note: string): Pair =>
  keyedEntry(doc, id, [`not in the file: ${note}`], { name: 'Outside', trust: 'untrusted' });

/**
 * The assets section with the one asset an importer adds: the credentials that the stores a tool flags as
 * storing credentials keep (`flag`: the tool's own words for it).
 */
export function credentialsSection(doc: Document, root: YAMLMap, flag: string): void {
  const map = new YAMLMap();
  map.items.push(keyedEntry(doc, 'credentials', [`not in the file: the stores ${flag} keep it`],
    { name: 'Credentials', type: 'credentials', classification: 'restricted', confidentiality: 'high' }));
  section(root, 'assets', map);
}

/** The id of the asset an import adds for what the processes handle where the file has no data model (see `placeholderAsset`). */
export const PLACEHOLDER_ASSET = 'data';
/** The id of the asset an import adds for what the stores keep where the file has no data model (see `placeholderAsset`). */
export const STORED_PLACEHOLDER_ASSET = 'stored-data';

/**
 * The two placeholders, by the list of an element they go in. Nothing says what the data is, so each is rated
 * as a reviewer rates data nobody has classified yet. What a process handles, a request at a time, is taken as
 * confidential so that the rules about services handling sensitive data (missing authentication, verbose
 * errors, no WAF) still fire, but `assumed`: it rates impact Medium at most, as the organisation's ordinary
 * business data would, not as the most sensitive data there could be. What a store keeps is `confidential`
 * outright: a store gathers those records in bulk, and a bulk leak of business data is a breach whatever the
 * records are (the aggregation rule of data classification; `discover` rates a store's placeholder the same).
 */
const PLACEHOLDERS: Record<'handles' | 'stores', { id: string; name: string; classification: Classification; assumed: boolean; why: string }> = {
  handles: {
    id: PLACEHOLDER_ASSET, name: 'Data', classification: 'confidential', assumed: true,
    why: 'assumed confidential, so that the rules about sensitive data fire, but rated impact Medium at most until someone classifies it',
  },
  stores: {
    id: STORED_PLACEHOLDER_ASSET, name: 'Stored data', classification: 'confidential', assumed: false,
    why: 'confidential: a store keeps the records in bulk, and a bulk leak of business data is a breach whatever the records are',
  },
};

/**
 * Formats with no data model (TMT, Threat Dragon, draw.io; OTM without `assets`) import with no assets, and
 * then the rules that weigh what is at stake (missing authentication needs data of high confidentiality,
 * unencrypted stores need data to store...) cannot fire at all. A placeholder that every process handles
 * (`data`) and one that every store stores (`stored-data`), rated as PLACEHOLDERS says, let them fire as for
 * a system of ordinary business data, with a check note telling the user to replace them with the real
 * data. Nothing is added when the model already has an asset other than the `credentials` an importer adds
 * itself (`credentialsSection`).
 * Call it on the finished document, after its header, elements and sections are written.
 */
export function placeholderAsset(doc: Document, root: YAMLMap, tool: string, notes?: string[]): boolean {
  const elements = root.get('elements');
  const assets = root.get('assets');
  const declared = assets instanceof YAMLMap ? assets.items.filter((p) => isScalar(p.key) && p.key.value !== 'credentials') : [];
  if (declared.length || !(elements instanceof YAMLMap)) return false;
  const holding = elementsHolding(elements);
  const used = (['handles', 'stores'] as const).filter((field) => holding.some(([, f]) => f === field));
  if (used.length === 0) return false;
  const entries = used.map((field) => placeholderEntry(doc, field, tool));
  if (assets instanceof YAMLMap) assets.items.unshift(...entries);
  else insertSectionBefore(root, 'assets', new YAMLMap(), 'elements').items.push(...entries);
  for (const [map, field] of holding) addToList(doc, map, field, PLACEHOLDERS[field].id);
  const note = placeholderNote(used, tool);
  addHeaderCheck(doc, note);
  notes?.push(note);
  return true;
}

function placeholderEntry(doc: Document, field: 'handles' | 'stores', tool: string): Pair {
  const p = PLACEHOLDERS[field];
  return keyedEntry(doc, p.id, [`not in the file: ${tool} has no data model; a placeholder so that the rules about data can fire`, p.why],
    { name: `${p.name} (not classified in ${tool})`, classification: p.classification, ...(p.assumed ? { assumed: true } : {}) });
}

/** The check note: which placeholders the model got, where, how they are rated, and what to do about them. */
function placeholderNote(used: ReadonlyArray<'handles' | 'stores'>, tool: string): string {
  const where = { handles: 'handled by every process', stores: 'stored in every store' };
  const parts = used.map((field) => `\`${PLACEHOLDERS[field].id}\` (${PLACEHOLDERS[field].assumed ? 'assumed ' : ''}${PLACEHOLDERS[field].classification}) ${where[field]}`);
  const [what, them] = used.length === 1 ? ['a placeholder asset', 'it'] : ['placeholder assets', 'them'];
  return `${what} (${tool} has no data model): ${parts.join(', ')}; replace ${them} with the data the system really handles, and rate it`;
}

/**
 * `placeholderAsset` on a model already written as text (an importer that decides it after writing): the text
 * unchanged when nothing is added; the document otherwise written again as the importers write it.
 */
export function withPlaceholderAsset(text: string, tool: string, notes?: string[]): string {
  const doc = parseDocument(text);
  if (!(doc.contents instanceof YAMLMap) || doc.errors.length) return text;
  return placeholderAsset(doc, doc.contents, tool, notes) ? doc.toString({ lineWidth: 0 }) : text;
}

/** Each process and store of an elements section with the list the placeholder goes in: `handles`, `stores`. */
function elementsHolding(elements: YAMLMap): Array<[YAMLMap, 'handles' | 'stores']> {
  const out: Array<[YAMLMap, 'handles' | 'stores']> = [];
  for (const pair of elements.items) {
    if (!(pair.value instanceof YAMLMap)) continue;
    const word = (k: string) => { const v = (pair.value as YAMLMap).get(k); return typeof v === 'string' ? v : undefined; };
    // As the loader reads it: the stated kind, else the one the type or technology implies, else a process (the loader's default).
    const kind = (word('kind') as ElementKind | undefined) ?? impliedKind(word('type') as ElementType | undefined, word('tech')) ?? 'process';
    if (kind === 'process') out.push([pair.value, 'handles']);
    else if (kind === 'store') out.push([pair.value, 'stores']);
  }
  return out;
}

function addToList(doc: Document, map: YAMLMap, field: string, id: string): void {
  const list = map.get(field);
  if (list instanceof YAMLSeq) {
    if (!list.items.some((i) => isScalar(i) && i.value === id)) list.items.push(new Scalar(id));
    return;
  }
  const seq = doc.createNode([id]) as YAMLSeq;
  seq.flow = true;
  map.set(field, seq);
}

/** A new section placed before another one (`assets` before `elements`, as a model file has them), else last. */
function insertSectionBefore(root: YAMLMap, key: string, value: YAMLMap, before: string): YAMLMap {
  section(root, key, value);
  const added = root.items.pop()!;
  const at = root.items.findIndex((p) => isScalar(p.key) && p.key.value === before);
  root.items.splice(at < 0 ? root.items.length : at, 0, added);
  return value;
}

/** A line added to the header's `Check:` list (made when there is none), before its last line, the next step. */
function addHeaderCheck(doc: Document, note: string): void {
  const lines = (doc.commentBefore ?? '').split('\n');
  const next = lines.findIndex((l) => l.startsWith(' Review it, then run:'));
  const at = next < 0 ? lines.length : next;
  const line = `   ${oneLine(note)}`;
  const insert = lines.includes(' Check:') ? [line] : [' Check:', line];
  lines.splice(at, 0, ...insert);
  doc.commentBefore = lines.join('\n');
}

/**
 * A file's word looked up in one of an importer's tables: own keys only, so that `constructor`, `toString` or
 * `__proto__` in a file reads as the unknown word it is, not as a property every object has.
 */
export const lookup = <T>(table: Readonly<Record<string, T>>, word: unknown): T | undefined =>
  typeof word === 'string' && Object.hasOwn(table, word) ? table[word] : undefined;

// --- The endpoint a flow calls ----------------------------------------------------------------------------

/** The imported model as a flow's `endpoint:` is resolved in it: each element's type (stated or implied), its endpoints, its flows' targets. */
export interface EndpointView {
  typeOf(id: string): string | undefined;
  /** Whether the element declares the endpoint `name` (as the importer's format names one: by key, or key or route). */
  declares(id: string, name: string): boolean;
  next(id: string): readonly string[];
}

/**
 * The elements a flow to `to` naming the endpoint `name` reaches, as the model loader resolves it
 * (src/model/normalize.ts): `to` when it declares it, else those behind it (a load balancer, gateway, proxy
 * or CDN) that do, by the same forwarding walk. Exactly one: the model accepts the flow's endpoint; none or
 * several: it would refuse it.
 */
export function endpointServers(to: string, name: string, view: EndpointView): string[] {
  if (view.declares(to, name)) return [to];
  return forwardedOwners(to, { typeOf: view.typeOf, declares: (id) => view.declares(id, name), next: view.next });
}

/** Each element's flow targets, in the file's order, for `EndpointView.next`. */
export function targetsOf(flows: ReadonlyArray<{ from: string; to: string }>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of flows) {
    const list = out.get(f.from);
    if (list === undefined) out.set(f.from, [f.to]);
    else list.push(f.to);
  }
  return out;
}

/** Why a flow's endpoint is left out, given the elements that serve it (endpointServers); undefined when one does. */
export function unservedEndpoint(to: string, name: string, servers: readonly string[], view: EndpointView): { code: string; message: string } | undefined {
  if (servers.length === 1) return undefined;
  if (servers.length > 1) {
    return { code: 'ambiguous-reference', message: `endpoint ${name} left out: ${servers.length} services behind \`${to}\` have it (${servers.join(', ')}), and the flow cannot tell which it calls` };
  }
  const where = forwardsRequests(view.typeOf(to)) ? `neither \`${to}\` nor a service it forwards requests to has it` : `\`${to}\` has none such`;
  return { code: 'unknown-reference', message: `endpoint ${name} left out: ${where}` };
}

// --- Threats the file holds ----------------------------------------------------------------------------

/** What a threat applies to, written twice: as its `on:` names it, and as its triage key names it. */
export interface ImportedTarget {
  /** In `on:`: an element or boundary id, `a -> b`, or a flow's id. */
  ref: string;
  /** The component of its threat key: the element, boundary or flow id as the model will have it (`a->b`). */
  component: string;
  /** The file's decision about the threat on this one thing, when it differs per thing (else the threat's). */
  decision?: ImportedDecisionFields;
}

/**
 * How a written threat names an imported flow: its own id; else `a -> b`, unless another flow joins the same
 * ends, when only the flow's default id (`a->b`, the first of them) names it without ambiguity.
 */
export function flowTarget(f: { id?: string; from: string; to: string }, flows: ReadonlyArray<{ from: string; to: string }>): ImportedTarget {
  if (f.id) return { ref: f.id, component: f.id };
  const shared = flows.some((o) => o !== f && o.from === f.from && o.to === f.to);
  return { ref: shared ? `${f.from}->${f.to}` : `${f.from} -> ${f.to}`, component: `${f.from}->${f.to}` };
}

/** The whole system as a threat's target, beside other things it threatens (alone, `on:` is left out). */
export const SYSTEM_TARGET: Readonly<ImportedTarget> = Object.freeze({ ref: 'system', component: 'system' });

/** A threat from another tool's file, for the model's `threats:` section, with the file's decision about it. */
export interface ImportedThreat {
  /** The id it would like (from the tool's id or its title); made unique when written. */
  wanted: string;
  title: string;
  stride: Stride;
  /** Empty: the whole system. */
  on: ImportedTarget[];
  description?: string;
  likelihood?: Level;
  impact?: Level;
  mitigation?: string;
  /** Controls that, once in place on what it threatens, report it mitigated (a threatmap export carries them). */
  mitigatedBy?: string[];
  references?: string[];
  /** Where it is in the file, for the comment above it. */
  comment: string[];
  /** What the file decided about it, as triage; absent: still open. */
  decision?: ImportedDecisionFields;
}

export type ImportedDecisionFields = TriageDecision;

type Stride = 'S' | 'T' | 'R' | 'I' | 'D' | 'E';

/**
 * A tool's name for a threat category as a STRIDE letter. STRIDE words in any spelling (`Elevation of
 * Privileges`, `Denial Of Service`, `information-disclosure`), and the categories of Threat Dragon's other
 * methods: CIA by the property at stake, LINDDUN's privacy threats as disclosure (what each one ends in).
 */
export function strideOfWord(word: unknown): Stride | undefined {
  if (typeof word !== 'string') return undefined;
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (/^[stride]$/.test(w)) return w.toUpperCase() as Stride;
  if (w.startsWith('spoof')) return 'S';
  if (w.startsWith('tamper') || w === 'integrity') return 'T';
  if (w === 'repudiation') return 'R';
  if (w.startsWith('informationdisclosure') || w === 'confidentiality' || w === 'disclosureofinformation' ||
    ['linkability', 'identifiability', 'nonrepudiation', 'detectability', 'unawareness', 'noncompliance'].includes(w)) return 'I';
  if (w.startsWith('denialofservice') || w === 'availability') return 'D';
  if (w.startsWith('elevationofprivilege')) return 'E';
  return undefined;
}

/** A tool's High/Medium/Low (any case) as a model level. */
export const levelOfWord = (word: unknown): Level | undefined => {
  const w = typeof word === 'string' ? word.trim().toLowerCase() : '';
  return w === 'high' || w === 'medium' || w === 'low' ? w : undefined;
};

/**
 * The model's `threats:` section, each threat under an id of its own, its origin in a comment above it.
 * Returns the decisions to keep in the model's triage file, keyed by threat key (`threat:<id>@<component>`).
 */
export function threatsSection(doc: Document, root: YAMLMap, threats: readonly ImportedThreat[]): ImportedDecision[] {
  const decisions: ImportedDecision[] = [];
  if (threats.length === 0) return decisions;
  const map = new YAMLMap();
  const taken = new Set<string>();
  for (const t of threats) {
    const id = modelId(t.wanted, t.title, 'threat', taken);
    const v: Record<string, unknown> = { title: t.title, stride: t.stride };
    // The whole system alone is what no `on:` says.
    const named = t.on.length === 1 && t.on[0].component === SYSTEM_TARGET.component ? [] : t.on;
    if (named.length === 1) v.on = named[0].ref;
    else if (named.length > 1) v.on = named.map((o) => o.ref);
    if (t.description) v.description = t.description;
    if (t.likelihood) v.likelihood = t.likelihood;
    if (t.impact) v.impact = t.impact;
    if (t.mitigation) v.mitigation = t.mitigation;
    if (t.mitigatedBy?.length) v['mitigated-by'] = t.mitigatedBy;
    if (t.references?.length) v.references = t.references;
    const key = new Scalar(id);
    key.commentBefore = comment(t.comment);
    const node = doc.createNode(v) as YAMLMap;
    // Lists of ids and words on one line, as the README writes them: `on: [a, b]`, `mitigated-by: [waf]`.
    for (const pair of node.items) if (isSeq(pair.value)) pair.value.flow = true;
    map.items.push(new Pair(key, node));
    const targets = t.on.length === 0 ? [{ component: 'system', decision: undefined }] : t.on;
    for (const o of targets) {
      const decision = o.decision ?? t.decision;
      if (decision) decisions.push({ key: `threat:${id}@${o.component}`, title: t.title, ...decision });
    }
  }
  section(root, 'threats', map);
  return decisions;
}

/**
 * The model's assumptions and `rules:` section as a threatmap export carried them, after `threats:` as a
 * person writes them, lists of words on one line (`rules: [no-rate-limiting]`, `disable: [verbose-errors]`).
 */
export function modelSections(doc: Document, root: YAMLMap, assumptions: readonly unknown[], rules: unknown): void {
  if (assumptions.length) section(root, 'assumptions', wordsOnOneLine(doc.createNode(assumptions) as YAMLSeq));
  if (rules !== undefined) section(root, 'rules', wordsOnOneLine(doc.createNode(rules) as YAMLMap));
}

function wordsOnOneLine<T extends YAMLMap | YAMLSeq>(node: T): T {
  visit(node, { Seq(key, seq) { if (key !== null && seq.items.every(isScalar)) seq.flow = true; } });
  return node;
}

/** A decision of the triage file: under a threat key (`threat:<id>@<component>`, `rule@component`) or a stable id. */
export interface ImportedDecision extends ImportedDecisionFields {
  key: string;
  title: string;
}

export interface ImportedTriage {
  text: string;
  decisions: number;
}

/** Flow ids on one line, `[lb->api, lb->web]`, sorted and once each, as the triage editor writes `covers:`. */
function flowList(doc: Document, ids: readonly string[]): YAMLSeq {
  const seq = doc.createNode([...new Set(ids)].sort()) as YAMLSeq;
  seq.flow = true;
  return seq;
}

/**
 * An empty `covers` records a scope of no flows (the key's component alone, src/track/scope.ts), never "no
 * scope". Beside a `risk` it says nothing more, and is left out as `threatmap triage` leaves it out; alone it
 * is all that keeps the decision checked, so it is written.
 */
export const writesCovers = (d: Pick<TriageDecision, 'risk' | 'covers'>): boolean =>
  d.covers !== undefined && (d.covers.length > 0 || d.risk === undefined);

/** Flow ids as a scope carries them in text (`lb->api, lb->web`): present but empty is no flow; absent is no scope. */
export const coversOfText = (text: string | undefined): string[] | undefined =>
  text === undefined ? undefined : [...new Set(text.split(',').map((x) => x.trim()).filter(Boolean))].sort();

/** The triage file beside the imported model: the file's decisions, so that none is lost on the way. */
export function importedTriage(header: readonly string[], decisions: readonly ImportedDecision[]): ImportedTriage | undefined {
  if (decisions.length === 0) return undefined;
  const doc = new Document({});
  // Written as `threatmap triage` writes one, so that the team keeps it up the same way.
  doc.commentBefore = comment([...header, ...TRIAGE_FILE_GUIDE]);
  const root = doc.contents as YAMLMap;
  root.set(TRIAGE_VERSION_KEY, TRIAGE_VERSION);
  const threats = new YAMLMap();
  for (const d of decisions) {
    const v: Record<string, unknown> = { threat: d.title, status: d.status };
    if (d.reason) v.reason = d.reason;
    if (d.owner) v.owner = d.owner;
    if (d.ticket) v.ticket = d.ticket;
    if (d.expires) v.expires = d.expires;
    if (d.review) v.review = d.review;
    // What the decision was made for (scope.ts), as `threatmap triage` writes it: without it, it is not checked.
    if (d.risk) v.risk = riskWord(d.risk);
    const entry = doc.createNode(v) as YAMLMap;
    if (writesCovers(d)) entry.set('covers', flowList(doc, d.covers ?? []));
    threats.items.push(new Pair(new Scalar(d.key), entry));
  }
  root.set('threats', threats);
  return { text: doc.toString({ lineWidth: 0, flowCollectionPadding: false }), decisions: decisions.length };
}

/**
 * The threats threatmap's rules derive on a model an importer wrote, for importers that leave to the rules what
 * they derive (tm7's generated threats) or carry a decision onto them (Threagile's risk tracking). None when
 * the model does not load or its analysis fails: a bug in a rule must not cost the import.
 */
export function derivedThreats(text: string, file: string): readonly Threat[] {
  try {
    const loaded = loadModel(text, file);
    return loaded.model && !hasErrors(loaded.diagnostics) ? analyze(loaded.model).threats : [];
  } catch {
    return [];
  }
}

/** One end of a two-way connection as an importer knows it when it reads the connection. */
export interface TwoWayEnd<T> {
  ref: T; id: string; kind: ElementKind;
  /** In an untrusted zone or box (the internet's side), where the importer knows that already. */
  untrusted?: boolean;
}

/** A two-way connection read as one flow: its caller first, and why the drawing was turned round (if it was). */
export interface TwoWayFlow<T> { from: T; to: T; turned: boolean; why?: string }

/** Why a connection drawn from a store is turned round; nothing is to be added the other way either. */
export const STORE_DOES_NOT_CALL = 'a store does not call';

/** An end that is not our own service: someone or something outside that calls in. */
const isOutsider = (e: TwoWayEnd<unknown>): boolean => e.kind === 'external' || e.untrusted === true;

/**
 * Which end of a two-way connection calls the other. Other tools draw such a connection either way round, so
 * the drawn source says nothing; what the ends are does: a store answers and never calls (two stores: as
 * drawn), and someone outside (an external element, or anything in an untrusted zone) calls into our own
 * processes; otherwise the drawn source.
 */
export function twoWayCaller<T>(source: TwoWayEnd<T>, target: TwoWayEnd<T>): TwoWayFlow<T> {
  const asDrawn: TwoWayFlow<T> = { from: source.ref, to: target.ref, turned: false };
  const turned = (why: string): TwoWayFlow<T> => ({ from: target.ref, to: source.ref, turned: true, why });
  if (source.kind === 'store') return target.kind === 'store' ? asDrawn : turned(STORE_DOES_NOT_CALL);
  if (target.kind === 'store') return asDrawn;
  if (!isOutsider(source) && isOutsider(target)) {
    return turned(`\`${target.id}\` is ${target.kind === 'external' ? 'external' : 'in an untrusted zone'}: it calls into ours`);
  }
  return asDrawn;
}

/** One connection as a file draws it, in the file's order, for connectionWays. */
export interface DrawnConnection<T> {
  source: TwoWayEnd<T>;
  target: TwoWayEnd<T>;
  /** Drawn two-way, its caller to be read from its ends; false: one-way, or its direction known otherwise (our own export). */
  bidirectional: boolean;
}

/** What a drawn connection becomes: a flow, from its caller; with `into`, part of that earlier connection's flow. */
export interface ConnectionWay<T> extends TwoWayFlow<T> {
  /** The index of the connection drawn earlier in the file whose flow this one joins (`from`/`to` are that flow's). */
  into?: number;
}

/**
 * The flows of a file's connections. A two-way connection is one flow from its caller (twoWayCaller); and a
 * connection drawn twice against each other is one flow, not two that report every finding of the link twice:
 * a two-way connection and a connection drawn the other way that is two-way too, or one-way from the caller
 * the first one's ends say (`db <-> api` and `api -> db`). The two join into the flow of the one drawn first,
 * from the two-way one's caller (the first's, both two-way). One-way connections each way are two callers and
 * stay two flows; so does a one-way connection against the caller (the file says that end calls too), and
 * two connections drawn the same way (two calls). Each connection joins at most one other, in file order.
 */
export function connectionWays<T>(list: readonly DrawnConnection<T>[]): ConnectionWay<T>[] {
  const ways = list.map((c): TwoWayFlow<T> => (c.bidirectional ? twoWayCaller(c.source, c.target) : { from: c.source.ref, to: c.target.ref, turned: false }));
  const fromId = (i: number) => (ways[i].from === list[i].source.ref ? list[i].source.id : list[i].target.id);
  const drawnKey = (a: string, b: string) => `${a}\u0000${b}`;
  const drawn = new Map<string, number[]>();
  list.forEach((c, i) => {
    const k = drawnKey(c.source.id, c.target.id);
    const at = drawn.get(k);
    if (at) at.push(i);
    else drawn.set(k, [i]);
  });
  const partner = new Map<number, number>();
  list.forEach((c, i) => {
    if (!c.bidirectional || partner.has(i)) return;
    const j = (drawn.get(drawnKey(c.target.id, c.source.id)) ?? [])
      .find((k) => !partner.has(k) && (list[k].bidirectional || fromId(k) === fromId(i)));
    if (j === undefined) return;
    partner.set(i, j);
    partner.set(j, i);
  });
  return list.map((c, i) => {
    const j = partner.get(i);
    if (j === undefined || i < j) return ways[i];
    // The first one's way: when it is one-way, the two-way one's caller is its source (so they joined).
    const kept = ways[j];
    return { from: kept.from, to: kept.to, turned: kept.from !== c.source.ref, into: j };
  });
}

/** Where the comment of a flow read from a two-way connection says it, before the format's own wording. */
export interface TwoWayNoted { from: string; to: string; turned?: { why: string } }

/**
 * What the comment of a flow from a two-way connection adds: the model has no field for it, and a reviewer
 * checks the direction read (the tool's drawing says none) and whether the other end also calls (a flow of its
 * own, which the file cannot say).
 */
export function bidirectionalNote(tool: string, f: TwoWayNoted, flows: ReadonlyArray<{ from: string; to: string }>): string {
  const back = `${f.to} -> ${f.from}`;
  const drawn = flows.some((o) => o.from === f.to && o.to === f.from);
  const also = drawn ? `the file's own ${back} is kept` : `add ${back} only if ${f.to} also calls ${f.from}`;
  if (f.turned) {
    const then = f.turned.why === STORE_DOES_NOT_CALL ? '' : `; ${also}`;
    return ` (bidirectional in ${tool}, drawn from ${f.to}; ${f.turned.why}: read as ${f.from} -> ${f.to}, whose reply it implies${then})`;
  }
  return ` (bidirectional in ${tool}: one flow from its source, the caller, whose reply it implies; ${also})`;
}

/** The import's summary note on two-way connections, each read as one flow (absent when there are none). */
export function bidirectionalSummary(what: string, flows: ReadonlyArray<{ turned?: unknown; bidirectional?: true }>): string | undefined {
  const both = flows.filter((f) => f.bidirectional).length;
  if (!both) return undefined;
  const turned = flows.filter((f) => f.bidirectional && f.turned).length;
  const from = turned ? `from the caller (${turned} against the way ${turned === 1 ? 'it was' : 'they were'} drawn: see ${turned === 1 ? 'its comment' : 'their comments'})` : 'from the source';
  return `${both} ${what}${both === 1 ? ' is one flow' : 's are one flow each'} ${from} (a flow implies its reply): add a flow back only where the destination also calls the source`;
}

/** What one drawing of a connection says of it, as joinFacts merges two. */
export interface ConnectionFacts {
  name?: string;
  description?: string;
  protocol: string;
  /** The file names the protocol (else it was assumed: the target's, or http). */
  protocolStated: boolean;
  encrypted?: boolean;
  auth?: string;
  port?: number;
  credential?: string;
  endpoint?: string;
  data: readonly string[];
  controls: readonly string[];
}

/** Two drawings of one connection as one flow's facts, whose protocol they took, and what a reviewer should check. */
export interface JoinedFacts { facts: ConnectionFacts; protocolFrom: 'kept' | 'other'; notes: string[] }

const encryptedProtocol = (p: string): boolean => Object.hasOwn(PROTOCOLS, p) && PROTOCOLS[p].encrypted;

/**
 * The facts of a connection drawn twice (connectionWays): `kept`, the drawing the flow keeps, and `other`,
 * named `otherName` in the notes. What one says and the other leaves unsaid is said; lists (data, controls)
 * are both lists, the kept one's first. Where both say different things, the weaker word stands until the
 * model says which holds, as threatmap assumes the worst where a model is silent: a cleartext protocol over an
 * encrypted one, unencrypted, no authentication; else the kept one's (a name, a port); each such choice noted.
 * Two descriptions are both kept, the kept one's first.
 */
export function joinFacts(kept: ConnectionFacts, other: ConnectionFacts, otherName: string): JoinedFacts {
  const notes: string[] = [];
  const facts: ConnectionFacts = { ...kept, data: union(kept.data, other.data), controls: union(kept.controls, other.controls) };
  let protocolFrom: 'kept' | 'other' = 'kept';
  if (!kept.protocolStated && other.protocolStated) protocolFrom = 'other';
  else if (kept.protocolStated && other.protocolStated && kept.protocol !== other.protocol) {
    if (encryptedProtocol(kept.protocol) && !encryptedProtocol(other.protocol)) protocolFrom = 'other';
    const [chosen, left] = protocolFrom === 'kept' ? [kept.protocol, other.protocol] : [other.protocol, kept.protocol];
    const why = encryptedProtocol(chosen) === encryptedProtocol(left) ? 'this one\'s' : 'the cleartext one';
    notes.push(`protocol: ${kept.protocol} here, ${other.protocol} in ${otherName}: ${chosen} kept (${why}); set the one the connection uses`);
  }
  if (protocolFrom === 'other') Object.assign(facts, { protocol: other.protocol, protocolStated: other.protocolStated });
  if (kept.encrypted !== undefined && other.encrypted !== undefined && kept.encrypted !== other.encrypted) {
    facts.encrypted = false;
    notes.push(`encrypted ${kept.encrypted ? 'here' : `in ${otherName}`}, not ${kept.encrypted ? `in ${otherName}` : 'here'}: read as unencrypted; set \`encrypted\` if it is`);
  } else facts.encrypted = kept.encrypted ?? other.encrypted;
  if (kept.auth !== undefined && other.auth !== undefined && kept.auth !== other.auth) {
    facts.auth = other.auth === 'none' ? 'none' : kept.auth;
    notes.push(`auth ${kept.auth} here, ${other.auth} in ${otherName}: ${facts.auth} kept${facts.auth === 'none' ? ' (the weaker)' : ''}; set the one the connection uses`);
  } else facts.auth = kept.auth ?? other.auth;
  for (const field of ['port', 'credential', 'endpoint', 'name'] as const) {
    const [mine, theirs] = [kept[field], other[field]];
    if (mine === undefined || theirs === undefined) {
      if (mine === undefined && theirs !== undefined) Object.assign(facts, { [field]: theirs });
    } else if (mine !== theirs) notes.push(`${field} ${JSON.stringify(theirs)} in ${otherName} left out, this one's ${JSON.stringify(mine)} kept`);
  }
  if (kept.description !== undefined && other.description !== undefined && kept.description !== other.description) {
    facts.description = `${kept.description}\n\n${other.description}`;
  } else facts.description = kept.description ?? other.description;
  for (const k of Object.keys(facts) as Array<keyof ConnectionFacts>) if (facts[k] === undefined) delete facts[k];
  return { facts, protocolFrom, notes };
}

const union = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])];

/**
 * The comment line of a flow that another drawing of its connection joined (connectionWays): which drawing,
 * how it was drawn, that the two are one flow, and where the other's threats went.
 */
export function joinedNote(otherName: string, drawnFrom: string, drawnTo: string, bidirectional: boolean, threats: number): string {
  const moved = threats ? `; its ${threats} threat${threats === 1 ? '' : 's'} ${threats === 1 ? 'is' : 'are'} on this flow` : '';
  return `joined: ${otherName}, drawn ${drawnFrom} -> ${drawnTo}${bidirectional ? ' two-way' : ''}, is this connection drawn again: one flow with the facts of both, as a flow implies its reply${moved}`;
}

/** The import's summary note on connections drawn twice and read as one flow (absent when there are none). */
export function joinedSummary(what: string, joined: number): string | undefined {
  if (!joined) return undefined;
  return `${joined} ${what}${joined === 1 ? ' joins' : 's join'} another drawn against ${joined === 1 ? 'it' : 'them'} (two-way, or one-way from the caller): one flow each, with the facts and threats of both (see the comments)`;
}
