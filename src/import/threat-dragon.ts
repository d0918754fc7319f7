// Reading an OWASP Threat Dragon v2 file (JSON) for `threatmap import`: the cells of its diagrams become a
// threatmap model to review. Pure: no Node APIs; the CLI reads and writes the files.
//
// Mapping, Threat Dragon -> threatmap (each choice is explained where it is made below):
//   summary                      -> system (title, description, owner)
//   detail.diagrams[]            -> one model: every diagram's cells merged, ids unique across them
//   actor / process / store      -> external element / process / store; id from the cell's name
//   flow                         -> flow (bidirectional -> one flow from its caller, as its ends say: a
//                                   threatmap flow implies its reply; protocol from `protocol`, else
//                                   https when isEncrypted, else http; file for a file read); a loose end
//                                   joins the one element within 20 px of it, else the flow is left out
//   trust-boundary-box           -> boundary holding the elements whose centre lies inside it (nested boxes nest)
//   trust-boundary-curve         -> no boundary: a line says nothing of sides; flows that cross it are noted
//   threats on cells             -> `threats:` on the element or flow (type -> STRIDE, severity -> the risk,
//                                   by the likelihood and impact that give it);
//                                   statuses Mitigated / NotApplicable -> the model's triage file
// Threat Dragon v1 files (`detail.diagrams[].diagramJson`) are not read: an error says so.
//
// A file `threatmap export` wrote carries, under `data.threatmap` of its cells, what Threat Dragon has no
// field for (src/render/threat-dragon.ts): the facts of each element, flow and boundary, the assets and the
// system's version on the system's note (a text block), and what each threat is about and was decided; and, on
// the note, the model's assumptions, `rules:` section and each written threat's entry as written. It
// fills in what the file's own fields cannot say; where both say something (a name, a protocol, a status,
// which box holds an element), the file's own field wins, as a person may have edited it in Threat Dragon:
// on whichever copy of a threat on several cells, and a flow's data only while its edge has the ends it was
// exported with (reversed there, what went with its old ends is left out).
// A cell without that data (drawn in Threat Dragon) is read as any other file's.
import { type Document, isCollection, isMap, isScalar, Pair, parseDocument, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { type ElementKind, ELEMENT_TYPES, type ElementType, type Level, PROTOCOLS, type TrustLevel } from '../model/catalog.js';
import { isControlName } from '../model/rule-conditions.js';
import { sortDiagnostics } from '../model/diagnostics.js';
import { isWrittenRule, NO_DESCRIPTION_WRITTEN, NO_MITIGATION_WRITTEN, STATED, WRITTEN_RULE_PREFIX } from '../analysis/rules/written.js';
import { impliedElementType, impliedKind, parseEndpointKey } from '../model/normalize.js';
import { targetRefs } from '../model/threat-targets.js';
import { type RawRulesSection, rulesSectionSchema } from '../model/rules-schema.js';
import {
  assetSchema, assumptionSchema, boundarySchema, elementSchema, endpointSchema, flowDetailsSchema, ID_PATTERN, protocolSchema, type RawAsset, type RawBoundary,
  type RawElement, type RawEndpoint, type RawFlowDetails, type RawModel, type RawWrittenThreat, writtenThreatSchema,
} from '../model/schema.js';
import { isIsoDate } from '../track/dates.js';
import { ENCRYPTION_OFF_TAG } from '../analysis/rules/disclosure.js';
import { type CarriedScope, decisionHead, storeEncrypted, TD_OWN, TD_STATUS, type TdOwnDecision } from '../render/threat-dragon.js';
import { readRisk } from '../track/scope.js';
import { TRIAGE_STATUSES, type TriageStatus } from '../track/types.js';
import {
  bidirectionalNote, bidirectionalSummary, connectionWays, type ConnectionFacts, emptyFile, clipped, comment, credentialsSection, endpointServers, type EndpointView, type ExportedThreats, flowItem, flowMap, flowTarget, hasError, headerTail, type ImportedDecision,
  type ImportedDecisionFields, type ImportedTarget, type ImportedThreat, importedTriage, type ImportOptions,
  type ImportResult, keyedEntry, levelOfWord, lookup, modelId, modelSections, neverThrows, oneLine, outsideEntry,
  joinedNote, joinedSummary, joinFacts, section, slug, startModel, strideOfWord, SYSTEM_TARGET, targetsOf, threatsSection, twoWayCaller, type TwoWayEnd, uidList, unservedEndpoint, UNTRUSTED_NAME,
  withPlaceholderAsset,
} from './import-common.js';
import { inside, type Point, type Rect, polylinesMeet, within } from './geometry.js';
import { YamlSource } from './yaml-source.js';

export const THREAT_DRAGON_FORMAT = 'OWASP Threat Dragon';

export interface TdThreatNote {
  title: string;
  severity: string;
  status: string;
  /** The model id of the element or flow it was recorded on. */
  on: string;
  /** One of threatmap's own, exported earlier: only its decision is imported (analysis finds it again). */
  own?: boolean;
}

export interface TdImportSummary extends ExportedThreats {
  version: string;
  system: string;
  diagrams: string[];
  boundaries: number;
  elements: number;
  flows: number;
  /** Boundary curves, which become no boundary (see below). */
  curves: number;
  /** The file's threats in file order (each also written under `threats:`). */
  threats: TdThreatNote[];
  /** Things a reviewer should check, one line each. */
  notes: string[];
  /** The file is a threatmap export (its cells carry `data.threatmap`), whose model comes back as it was exported. */
  fromThreatmap: boolean;
  /** Threats written under the model's `threats:` (drawn in Threat Dragon, or written in the model exported). */
  written: number;
}

export type TdImportResult = ImportResult<TdImportSummary>;

// --- The parts, as read ------------------------------------------------------------------------------

type Plain = Record<string, unknown>;
const isObj = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? oneLine(v.replace(/\s*[\r\n]+\s*/g, ' ')).trim() : undefined);
/** Text as the model wrote it, which a cell threatmap exported carries unchanged: any text but a blank one. */
const asWritten = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
const point = (v: unknown): Point | undefined => (isObj(v) && num(v.x) && num(v.y) ? { x: v.x, y: v.y } : undefined);

interface Cell { tdId: string; shape: string; line: number; offset: number; diagram: number; data: Plain; raw: Plain; node: YAMLMap }
interface Element extends Cell {
  id: string; kind: ElementKind; name?: string; type?: ElementType; tech?: string; rect?: Rect; in?: string;
  controls: string[]; stores: string[]; privileged?: boolean; notes: string[];
  /** Exported by threatmap: the model's facts Threat Dragon has no field for, beyond those above. */
  own?: OwnElementRest;
}
interface Box extends Cell {
  id: string; name?: string; rect: Rect; trust: TrustLevel; trustNote: string; in?: string;
  /** Exported by threatmap: the boundary's kind and controls. */
  own?: Pick<RawBoundary, 'kind' | 'controls'>;
}
interface Curve extends Cell { label: string; line2: Point[] }
interface FlowOut {
  from: string; to: string; line: number; tdId: string; name?: string; description?: string; protocol: string;
  /** The file names a protocol threatmap knows (else one was assumed, and `protocolNotes` say which). */
  protocolStated: boolean; protocolNotes: string[];
  encrypted?: boolean; controls: string[]; notes: string[]; id?: string;
  /** The cells of the flows drawn against it that are this flow too (connectionWays), for their threats. */
  joined?: string[];
  /** Bidirectional in Threat Dragon: still one flow, from its caller, whose reply the flow implies. */
  bidirectional?: true;
  /** Why it runs against the way it was drawn (twoWayCaller): the caller is the drawn target. */
  turned?: { why: string };
  /** Exported by threatmap: the flow's facts Threat Dragon has no field for, beyond its controls. */
  own?: Pick<RawFlowDetails, 'auth' | 'credential' | 'data' | 'endpoint' | 'port'>;
  /** Where its endpoint is written (threatmap's data), for a problem with it. */
  endpointAt?: number;
}
/** A threat written in the model, with the `mitigated-by` that import-common's threats cannot carry. */
type WrittenThreat = ImportedThreat;

const SHAPES: Record<string, string> = {
  actor: 'actor', process: 'process', store: 'store', flow: 'flow', 'trust-boundary-box': 'box',
  // Threat Dragon 2.0 wrote its curve shape with a typo; files saved then still carry it.
  'trust-boundary-curve': 'curve', 'trust-broundary-curve': 'curve', 'td-text-block': 'text',
};
/** data.type names the same thing when `shape` is missing (some hand-edited files). */
const DATA_TYPES: Record<string, string> = {
  'tm.Actor': 'actor', 'tm.Process': 'process', 'tm.Store': 'store', 'tm.Flow': 'flow', 'tm.Boundary': 'curve', 'tm.BoundaryBox': 'box', 'tm.Text': 'text',
};

/**
 * A protocol Threat Dragon's free-text `protocol` field names: a catalog protocol when it is one (`HTTPS`,
 * `MQTT`), `HTTP/S` (the demo's spelling) as https; anything else (UPnP) names no catalog protocol.
 */
function catalogProtocol(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const t = text.toLowerCase().replace(/\s+/g, '');
  if (t === 'http/s' || t === 'http(s)' || t === 'tls/https') return 'https';
  return Object.prototype.hasOwnProperty.call(PROTOCOLS, t) ? t : undefined;
}

/**
 * A flow's protocol and encryption. A protocol the file names wins; else isEncrypted says TLS (https, Threat
 * Dragon's web default) or not (http): threatmap assumes cleartext until the model says otherwise. A flow
 * threatmap exported may name one of the model's own protocols (x-...), and its isEncrypted is the model's
 * `encrypted` wherever it differs from what the protocol implies.
 */
function flowProtocol(d: Plain, exported: boolean, notes: string[], fileRead?: string): { protocol: string; encrypted?: boolean; stated: boolean } {
  const stated = str(d.protocol);
  const named = catalogProtocol(stated) ?? (exported && stated && protocolSchema.safeParse(stated).success ? stated : undefined);
  if (!stated && fileRead) {
    notes.push(`no protocol in the file: file assumed, as ${fileRead}`);
    return { protocol: 'file', stated: false };
  }
  const protocol = named ?? (d.isEncrypted === true ? 'https' : 'http');
  if (stated && !named) notes.push(`protocol "${stated}" is not one threatmap knows: ${protocol} assumed`);
  if (!stated) notes.push(`no protocol in the file: ${protocol} assumed (isEncrypted ${d.isEncrypted === true})`);
  const implied = Object.hasOwn(PROTOCOLS, protocol) && PROTOCOLS[protocol].encrypted;
  const known = { protocol, stated: named !== undefined };
  if (exported) return typeof d.isEncrypted === 'boolean' && d.isEncrypted !== implied ? { ...known, encrypted: d.isEncrypted } : known;
  // A stated cleartext protocol with isEncrypted: encrypted overrides what the protocol implies.
  return named && d.isEncrypted === true && !implied ? { ...known, encrypted: true } : known;
}

/**
 * The end of a flow over the public network (isPublicNetwork) that is on the internet's side: Threat Dragon says
 * only that the flow crosses it, not which end, nor (for a two-way flow) which end calls. An end known to be
 * outside (`outside`: an actor, or in an untrusted box) says the crossing already; else the one end in no box,
 * as the other's box says where it is; else the caller: the source, or, two-way, the end twoWayCaller reads.
 */
function publicEnd(source: Element, target: Element, twoWay: boolean, outside: (e: Element) => boolean): Element {
  const known = [source, target].find(outside);
  if (known) return known;
  if (!source.in !== !target.in) return source.in ? target : source;
  if (!twoWay) return source;
  const end = (e: Element): TwoWayEnd<Element> => ({ ref: e, id: e.id, kind: e.kind });
  return twoWayCaller(end(source), end(target)).from;
}

/**
 * A flow drawn against `kept` that is the same connection (connectionWays), as part of it: the facts of both
 * (joinFacts), its cell so that the threats Threat Dragon attaches to it sit on the kept flow, and its notes
 * (bar those on a protocol it did not give) under its cell's name.
 */
function joinFlow(kept: FlowOut, other: FlowOut, drawnFrom: string, drawnTo: string, threats: number): void {
  const name = `flow ${other.tdId} (line ${other.line})`;
  const facts = (f: FlowOut): ConnectionFacts => ({
    name: f.name, description: f.description, protocol: f.protocol, protocolStated: f.protocolStated, encrypted: f.encrypted,
    auth: f.own?.auth, port: f.own?.port, credential: f.own?.credential, endpoint: f.own?.endpoint, data: f.own?.data ?? [], controls: f.controls,
  });
  const { facts: j, protocolFrom, notes } = joinFacts(facts(kept), facts(other), name);
  const dropped = protocolFrom === 'kept' ? other.protocolNotes : kept.protocolNotes;
  const carried = other.notes.filter((n) => !dropped.includes(n)).map((n) => `${name}: ${n}`);
  kept.notes = [...kept.notes.filter((n) => !dropped.includes(n)), joinedNote(name, drawnFrom, drawnTo, other.bidirectional === true, threats), ...notes, ...carried];
  if (protocolFrom === 'other') Object.assign(kept, { protocol: other.protocol, protocolStated: other.protocolStated, protocolNotes: other.protocolNotes });
  kept.name = j.name;
  kept.controls = [...j.controls];
  for (const [k, v] of [['description', j.description], ['encrypted', j.encrypted]] as const) {
    if (v === undefined) delete kept[k];
    else Object.assign(kept, { [k]: v });
  }
  const own = { ...kept.own, auth: j.auth, port: j.port, credential: j.credential, endpoint: j.endpoint, ...(j.data.length ? { data: [...j.data] } : {}) };
  for (const k of Object.keys(own) as Array<keyof typeof own>) if (own[k] === undefined) delete own[k];
  if (Object.keys(own).length) kept.own = own as FlowOut['own'];
  kept.endpointAt ??= other.endpointAt;
  kept.joined = [...(kept.joined ?? []), other.tdId, ...(other.joined ?? [])];
}

/** Words that say a flow is a read or write of local files, not a network call. */
const FILE_WORDS = /\bfile[- ]?systems?\b|\b(?:local|config(?:uration)?|settings|properties) files?\b|\b(?:from|to) (?:the |a )?(?:local )?(?:disk|files?)\b/i;
/** A store whose name says it is a file or files on a host (`Worker Config`, `Settings file`). */
const FILE_STORE = /\b(?:config(?:uration)?s?|settings|files?|file[- ]?system|disk)\b/i;
/** Words that name a store served over the network (`Config DB`, `File server`), whatever it holds. */
const SERVED_STORE = /\b(?:db|database|sql|server|service|api|bucket|s3|cache|queue)\b/i;

/**
 * Why a flow drawn with no protocol is a local file access, when it is one: its out-of-scope reason, name or
 * description says file system, or it joins a process and a store whose name says file or config. Undefined:
 * nothing says so, and the network default stands.
 */
function fileAccess(d: Plain, from: { kind: ElementKind; name?: string }, to: { kind: ElementKind; name?: string }): string | undefined {
  const said = [d.reasonOutOfScope, d.description, d.name].map(str).find((t) => t !== undefined && FILE_WORDS.test(t));
  if (said) return `the flow says "${said}"`;
  const store = from.kind === 'store' && to.kind === 'process' ? from : to.kind === 'store' && from.kind === 'process' ? to : undefined;
  return store?.name !== undefined && FILE_STORE.test(store.name) && !SERVED_STORE.test(store.name) ? `its store "${oneLine(store.name)}" is named as files` : undefined;
}

/**
 * How far a flow's free end may lie from an element's box and still be read as attached to it: Threat Dragon
 * draws an end dropped beside a shape as touching it (the demo's main entry flow ends 10 px from its actor),
 * while an end this close to two shapes, or to none, says nothing of which one was meant.
 */
const LOOSE_END_PX = 20;

/** Distance from a point to a box (0 inside it). */
function gap(p: Point, r: Rect): number {
  const dx = Math.max(r.x - p.x, 0, p.x - (r.x + r.w));
  const dy = Math.max(r.y - p.y, 0, p.y - (r.y + r.h));
  return Math.hypot(dx, dy);
}

/** The one element whose box lies within LOOSE_END_PX of a free end; none or several: undefined. */
function nearOne<E extends { rect?: Rect }>(p: Point, elements: readonly E[]): E | undefined {
  const near = elements.filter((e) => e.rect !== undefined && gap(p, e.rect) <= LOOSE_END_PX);
  return near.length === 1 ? near[0] : undefined;
}

// --- Import ------------------------------------------------------------------------------------------

/** What an empty file should have held, for its message. */
const TD_EXPECTED = 'an OWASP Threat Dragon v2 model (JSON with `summary` and `detail.diagrams`)';

/**
 * A Threat Dragon v2 file as a threatmap model. Never throws: JSON syntax errors, a file that is not Threat
 * Dragon's (or is v1), and cells without the expected shape are diagnostics with file:line:col (errors leave
 * no text; a cell that cannot be used is a warning and is left out). Deterministic: the file's order.
 */
export function importThreatDragon(text: string, file: string, options: ImportOptions = {}): TdImportResult {
  return neverThrows(file, () => importUnsafe(text, file, options));
}

function importUnsafe(text: string, file: string, options: ImportOptions): TdImportResult {
  const empty = emptyFile(text, file, TD_EXPECTED);
  if (empty) return { diagnostics: [empty] };
  // JSON is YAML: the YAML reader gives every value its line and column, which JSON.parse would not.
  const src = options.source ?? YamlSource.imported(text, file);
  const done = (): TdImportResult => ({ diagnostics: sortDiagnostics(src.diagnostics.map(clipped)) });
  if (src.failed) return done();
  const root = src.root;
  const rootOffset = src.offsetOf(root);
  const entry = (map: YamlNode | null, key: string) => (isMap(map) ? src.entries(map, []).find((e) => e.key === key) : undefined);
  const summaryE = entry(root, 'summary');
  const detailE = entry(root, 'detail');
  const diagramsE = detailE ? entry(detailE.value, 'diagrams') : undefined;
  if (!isMap(root) || !summaryE || !diagramsE) {
    src.problem('error', 'not-threat-dragon', rootOffset, [], 'not a Threat Dragon document: expected an object with `summary` and `detail.diagrams`',
      { hint: 'threatmap import reads Open Threat Model and OWASP Threat Dragon v2 files' });
    return done();
  }
  const diagramItems = src.listItems(diagramsE.value, diagramsE.offset, ['detail', 'diagrams'], 'a list of diagrams');
  if (!diagramItems) return done();
  // v1 kept each diagram's drawing as `diagramJson` (JointJS); its geometry and names differ throughout.
  const v1 = diagramItems.find((d) => entry(d.node, 'diagramJson'));
  if (v1) {
    src.problem('error', 'threat-dragon-v1', v1.offset, v1.path, 'a Threat Dragon v1 file (`diagramJson`): threatmap reads Threat Dragon v2 files only',
      { hint: 'open it in Threat Dragon 2 and save it, which converts it to v2' });
    return done();
  }
  const plainSummary = isMap(summaryE.value) ? (summaryE.value.toJSON() as Plain) : undefined;
  if (!plainSummary) {
    src.wrongType(summaryE.value, summaryE.offset, ['summary'], 'an object (title, owner, description)');
    return done();
  }
  const versionE = entry(root, 'version');
  const version = versionE && isScalar(versionE.value) ? String(versionE.value.value) : '2';
  const notes: string[] = [];
  const line = (offset: number) => src.lineOf(offset);

  // summary -> system
  let systemName = str(plainSummary.title);
  if (!systemName) {
    systemName = 'System';
    src.problem('warning', 'missing-name', summaryE.offset, ['summary', 'title'], 'the summary has no title; the system is called `System`');
  }
  const system: Record<string, string> = { name: systemName };
  if (typeof plainSummary.description === 'string' && plainSummary.description.trim()) system.description = plainSummary.description.trim();
  const owner = str(plainSummary.owner);
  if (owner) system.owner = owner;

  // Cells of every diagram, in file order. A diagram is one view of the system: merging them gives the one
  // model threatmap analyses; a cell id is looked up within its own diagram (ids may repeat across copies).
  const diagrams: string[] = [];
  const diagramDescriptions: string[] = [];
  const cells: Cell[] = [];
  diagramItems.forEach((d, di) => {
    if (!isMap(d.node)) {
      src.wrongType(d.node, d.offset, d.path, 'an object (a diagram with `cells`)');
      return;
    }
    const plain = d.node.toJSON() as Plain;
    diagrams.push(str(plain.title) ?? `diagram ${di + 1}`);
    if (typeof plain.description === 'string') diagramDescriptions.push(plain.description);
    const cellsE = entry(d.node, 'cells');
    if (!cellsE) {
      src.problem('warning', 'missing-cells', d.offset, d.path, 'a diagram without `cells` adds nothing');
      return;
    }
    for (const c of src.listItems(cellsE.value, cellsE.offset, [...d.path, 'cells'], 'a list of cells') ?? []) {
      if (!isMap(c.node)) {
        // One odd cell should not cost the whole diagram: a warning, and the cell is left out.
        src.problem('warning', 'bad-cell', c.offset, c.path, 'a cell that is not an object is left out', { expected: 'an object with `shape`, `id` and `data`' });
        continue;
      }
      const raw = c.node.toJSON() as Plain;
      const data = isObj(raw.data) ? raw.data : {};
      const shape = lookup(SHAPES, raw.shape) ?? lookup(DATA_TYPES, data.type);
      const tdId = typeof raw.id === 'string' && raw.id ? raw.id : undefined;
      if (!shape || !tdId) {
        src.problem('warning', 'unknown-cell', c.offset, c.path,
          !tdId ? 'a cell without an `id` is left out: no flow can refer to it' : `a cell of shape \`${String(raw.shape)}\` is not one threatmap reads; left out`,
          { expected: 'shape actor, process, store, flow, trust-boundary-box or trust-boundary-curve, and an id' });
        continue;
      }
      // A note on the canvas says nothing of the system, but for the one threatmap's export keeps the system's data on.
      if (shape === 'text' && !ownOf(data)) continue;
      cells.push({ tdId, shape, line: line(c.offset), offset: c.offset, diagram: di, data, raw, node: c.node });
    }
  });

  const taken = new Set<string>();
  const nameOf = (c: Cell): string | undefined => {
    const attrs = isObj(c.raw.attrs) ? c.raw.attrs : {};
    const label = isObj(attrs.text) ? attrs.text.text : isObj(attrs.label) ? attrs.label.text : undefined;
    // A cell threatmap exported keeps its model's name as it is, line breaks included.
    return (ownOf(c.data) ? asWritten(c.data.name) : undefined) ?? str(c.data.name) ?? str(label);
  };
  const rectOf = (c: Cell): Rect | undefined => {
    const p = point(c.raw.position);
    const s = isObj(c.raw.size) ? c.raw.size : undefined;
    return p && s && num(s.width) && num(s.height) ? { x: p.x, y: p.y, w: s.width, h: s.height } : undefined;
  };
  const key = (diagram: number, tdId: string) => `${diagram}\u0000${tdId}`;

  // Elements first: they keep the names they were drawn with; boxes give way (the namespace is shared).
  const elements: Element[] = [];
  const byCell = new Map<string, Element>();
  let credentials = false;
  for (const c of cells) {
    if (c.shape !== 'actor' && c.shape !== 'process' && c.shape !== 'store') continue;
    if (byCell.has(key(c.diagram, c.tdId))) {
      src.problem('warning', 'duplicate-id', c.offset, [], `cell \`${c.tdId}\` appears twice in one diagram; the second is left out`);
      continue;
    }
    const name = nameOf(c);
    const kind: ElementKind = c.shape === 'actor' ? 'external' : c.shape;
    const mine = ownOf(c.data);
    const legacy = mine ? undefined : exportedFacts(c.data, 'element');
    const e: Element = { ...c, id: modelId((mine ? ownId(mine) : legacy?.id) ?? '', name, c.shape, taken), kind, name, rect: rectOf(c), controls: [], stores: [], notes: [] };
    const d = c.data;
    if (!e.rect) e.notes.push('no position and size in the file: placed in no box');
    if (d.outOfScope === true) e.notes.push(`out of scope in Threat Dragon${str(d.reasonOutOfScope) ? `: ${str(d.reasonOutOfScope)}` : ''}; imported all the same, remove it if it does not belong`);
    if (mine) withOwnFacts(e, ownElement(mine, e.notes), d);
    else {
      if (readFlags(e, d)) credentials = true;
      // A cell an earlier threatmap exported with its facts in its description only: type, technology, controls.
      if (legacy?.type) e.type = legacy.type;
      if (legacy?.tech) e.tech = legacy.tech;
      for (const control of legacy?.controls ?? []) if (!e.controls.includes(control)) e.controls.push(control);
    }
    elements.push(e);
    byCell.set(key(c.diagram, c.tdId), e);
  }

  // Boxes -> boundaries. Threat Dragon gives boxes no trust: a box named like the outside (Internet, Public)
  // is untrusted, DMZ is dmz, any other is internal, threatmap's default for a zone of one's own.
  const boxes: Box[] = [];
  for (const c of cells) {
    if (c.shape !== 'box') continue;
    const rect = rectOf(c);
    if (!rect) {
      src.problem('warning', 'missing-geometry', c.offset, [], 'a boundary box without `position` and `size` holds nothing; left out');
      continue;
    }
    const name = nameOf(c);
    const mine = ownOf(c.data);
    if (mine) {
      const id = modelId(ownId(mine), name, 'boundary', taken);
      const { trust, ...own } = ownBoundary(mine, id, notes);
      boxes.push({ ...c, id, name, rect, trust: trust ?? 'internal', trustNote: `${trust ?? 'internal'}: as threatmap exported it`, own });
      continue;
    }
    const untrusted = name !== undefined && UNTRUSTED_NAME.test(name);
    const dmz = name !== undefined && /\bdmz\b/i.test(name);
    boxes.push({
      ...c, id: modelId(exportedFacts(c.data, 'boundary')?.id ?? '', name, 'boundary', taken), name, rect, trust: untrusted ? 'untrusted' : dmz ? 'dmz' : 'internal',
      trustNote: untrusted ? 'untrusted: its name says it is outside' : dmz ? 'dmz: its name says so' : 'internal assumed: Threat Dragon states no trust; check it',
    });
  }
  // A box drawn inside another (same diagram) nests in the smallest one that holds it.
  const smallest = <T extends { rect: Rect }>(list: T[]) => list.sort((a, b) => a.rect.w * a.rect.h - b.rect.w * b.rect.h)[0];
  for (const b of boxes) b.in = smallest(boxes.filter((o) => o.diagram === b.diagram && within(b.rect, o.rect)))?.id;
  // An element is in the smallest box that holds its centre: a box is a region, and the centre is where a
  // reader sees the shape. Edges touching the line do not make an element half in.
  for (const e of elements) {
    if (!e.rect) continue;
    const centre = { x: e.rect.x + e.rect.w / 2, y: e.rect.y + e.rect.h / 2 };
    e.in = smallest(boxes.filter((b) => b.diagram === e.diagram && inside(centre, b.rect)))?.id;
  }

  // Curves: a line across the canvas, not a region. Which side of it an element sits on is not defined in
  // general (an open line separates nothing), so no element is placed by a curve; what is sound is that a
  // flow whose drawn path meets the curve crosses it, and that is said on the flow.
  const curves: Curve[] = [];
  for (const c of cells) {
    if (c.shape !== 'curve') continue;
    const ends = [point(c.raw.source), ...(Array.isArray(c.raw.vertices) ? c.raw.vertices.map(point) : []), point(c.raw.target)];
    if (ends.some((p) => p === undefined)) {
      src.problem('warning', 'missing-geometry', c.offset, [], 'a boundary curve without source and target points is left out');
      continue;
    }
    curves.push({ ...c, label: nameOf(c) ? `"${nameOf(c)}" (${c.tdId})` : c.tdId, line2: ends as Point[] });
  }

  // Flows.
  const centreOf = (e: Element): Point | undefined => (e.rect ? { x: e.rect.x + e.rect.w / 2, y: e.rect.y + e.rect.h / 2 } : undefined);
  const flows: FlowOut[] = [];
  const pairs = new Set<string>();
  let crossings = 0;
  const boxTrust = new Map(boxes.map((b) => [b.id, b.trust] as const));
  const drawnFlows: Array<{ c: Cell; drawnFrom: Element; drawnTo: Element; attached: string[]; mine?: Plain }> = [];
  for (const c of cells) {
    if (c.shape !== 'flow') continue;
    const attached: string[] = [];
    const end = (which: 'source' | 'target'): Element | undefined => {
      const v = c.raw[which];
      const cellId = isObj(v) && typeof v.cell === 'string' ? v.cell : undefined;
      // Positions point at the end's own key, so an editor opens on it.
      const at = entry(c.node, which)?.offset ?? c.offset;
      if (cellId === undefined) {
        const free = point(v);
        const near = free ? nearOne(free, elements.filter((e) => e.diagram === c.diagram)) : undefined;
        if (near) {
          attached.push(`its ${which} is a loose end at (${free!.x}, ${free!.y}), ${Math.round(gap(free!, near.rect!))} px from \`${near.id}\`: attached to it, as Threat Dragon draws it; check it`);
          return near;
        }
        src.problem('warning', 'missing-reference', at, [], `a flow whose ${which} is attached to no element (a loose end on the canvas) is left out`,
          free ? { hint: `no element, or more than one, lies within ${LOOSE_END_PX} px of its end at (${free.x}, ${free.y}): attach it in Threat Dragon` } : {});
        return undefined;
      }
      const e = byCell.get(key(c.diagram, cellId));
      if (!e) src.problem('warning', 'unknown-reference', at, [], `no element of this diagram has cell id \`${cellId}\`; this flow is left out`);
      return e;
    };
    const drawnFrom = end('source');
    const drawnTo = end('target');
    if (!drawnFrom || !drawnTo) continue;
    if (drawnFrom === drawnTo) {
      src.problem('warning', 'self-flow', c.offset, [], `a flow from \`${drawnFrom.id}\` to itself is left out`);
      continue;
    }
    drawnFlows.push({ c, drawnFrom, drawnTo, attached, mine: ownOf(c.data) });
  }
  // A threatmap flow is a call and its reply, so a bidirectional flow is one flow, from its caller: a flow
  // back as well would report every finding of the connection twice. Threat Dragon's source is only how it
  // was drawn, so the ends decide, except on a flow threatmap exported (drawn from its caller); a connection
  // drawn twice against each other is one flow too (connectionWays). A flow over the public network says which
  // end is outside before the caller is read (publicEnd): the outside calls in.
  const twoWay = (d: { c: Cell; mine?: Plain }): boolean => d.c.data.isBidirectional === true && !d.mine;
  const known = (e: Element): boolean => e.kind === 'external' || (e.in !== undefined && boxTrust.get(e.in) === 'untrusted');
  const publicFar = new Map(drawnFlows.filter((d) => d.c.data.isPublicNetwork === true)
    .map((d) => [d.c, publicEnd(d.drawnFrom, d.drawnTo, twoWay(d), known)] as const));
  const publicEnds = new Set([...publicFar.values()].filter((e) => !e.in));
  const twoWayEnd = (e: Element): TwoWayEnd<Element> => ({ ref: e, id: e.id, kind: e.kind, untrusted: known(e) || (!e.own && publicEnds.has(e)) });
  const ways = connectionWays(drawnFlows.map((d) => ({ source: twoWayEnd(d.drawnFrom), target: twoWayEnd(d.drawnTo), bidirectional: twoWay(d) })));
  const read = drawnFlows.map(({ c, attached, mine }, i): FlowOut => {
    const way = ways[i];
    const { from, to } = way;
    const d = c.data;
    if (way.into === undefined) for (const n of attached) notes.push(`flow ${from.id} -> ${to.id} (cell ${c.tdId}): ${n}`);
    const flowNotes: string[] = [...attached];
    // Exported between other ends (reversed or re-attached in Threat Dragon): what was its old ends' is not its own.
    const ends = mine ? exportedEnds(mine) : undefined;
    const moved = ends !== undefined && (ends.from !== from.id || ends.to !== to.id);
    const fitted = mine ? withEnds(ownFlow(mine, flowNotes), moved ? ends : undefined, to.id) : undefined;
    const own = fitted?.own;
    const protocolNotes: string[] = [];
    const { protocol, encrypted, stated } = flowProtocol(d, mine !== undefined, protocolNotes, mine ? undefined : fileAccess(d, from, to));
    flowNotes.push(...protocolNotes);
    const controls: string[] = [...(own?.controls ?? [])];
    // A signed flow's messages are signed by the sender: the catalog's request-signing.
    if (d.isSigned === true && !controls.includes('request-signing')) controls.push('request-signing');
    if (d.outOfScope === true) flowNotes.push(`out of scope in Threat Dragon${str(d.reasonOutOfScope) ? `: ${str(d.reasonOutOfScope)}` : ''}`);
    const path = [centreOf(from), ...(Array.isArray(c.raw.vertices) ? c.raw.vertices.map(point) : []), centreOf(to)];
    if (path.every((p) => p !== undefined)) {
      for (const k of curves) {
        if (k.diagram === c.diagram && polylinesMeet(path as Point[], k.line2)) {
          flowNotes.push(`crosses boundary curve ${k.label}: a trust boundary in Threat Dragon; put its ends in boundaries`);
          crossings++;
        }
      }
    }
    const far = publicFar.get(c);
    if (far?.in && boxTrust.get(far.in) !== 'untrusted') flowNotes.push(`over a public network, but \`${far.id}\` is already in a box: check its trust`);
    // The export labels a flow with no name by its protocol, which is then no name of the model's.
    const name = mine ? (str(d.name) === str(d.protocol) ? undefined : asWritten(d.name)) : str(d.name);
    const { controls: _, ...facts } = own ?? {};
    const base: FlowOut = {
      from: from.id, to: to.id, line: c.line, tdId: c.tdId, name, protocol, protocolStated: stated, protocolNotes, controls, notes: flowNotes,
      ...(ownDescription(d) ? { description: ownDescription(d) } : {}),
      ...(encrypted !== undefined ? { encrypted } : {}),
      ...(own ? { own: facts } : {}),
      ...(own?.endpoint !== undefined ? { endpointAt: entry(entry(entry(c.node, 'data')?.value ?? null, TD_OWN)?.value ?? null, 'endpoint')?.offset ?? c.offset } : {}),
    };
    // A flow threatmap exported under an id of its own gets it back (one named by its ends needs none, nor
    // does one named by the ends it no longer has: `db-to-api` on a flow now api -> db would say the opposite).
    const exportedId = mine ? ownId(mine) : exportedFacts(d, 'flow')?.id;
    const endsId = moved && exportedId !== undefined && namesEnds(exportedId, ends.from, ends.to);
    if (exportedId && !endsId && exportedId !== `${from.id}->${to.id}`) base.id = way.into === undefined ? modelId(exportedId, undefined, 'flow', taken) : exportedId;
    if (moved) {
      const left = [...(endsId ? [`its id ${exportedId}`] : []), ...(fitted?.left ?? [])];
      const how = ends.from === to.id && ends.to === from.id ? 'reversed' : 'its ends changed';
      const note = `exported as ${ends.from} -> ${ends.to}, ${how} in ${THREAT_DRAGON_FORMAT}: `
        + `${left.length ? `${left.join(', ')} left out, as ${left.length === 1 ? 'it goes' : 'they go'} with those ends` : 'nothing it carried goes with those ends'}`
        + `${base.id !== undefined ? `; its id \`${base.id}\` kept (a name of its own): check it still fits` : ''}`;
      flowNotes.push(note);
      if (way.into === undefined) notes.push(`flow ${from.id} -> ${to.id} (cell ${c.tdId}): ${note}`);
    }
    if (d.isBidirectional === true) base.bidirectional = true;
    if (way.why) base.turned = { why: way.why };
    return base;
  });
  read.forEach((f, i) => {
    const { into } = ways[i];
    const { c, drawnFrom, drawnTo } = drawnFlows[i];
    if (into !== undefined) joinFlow(read[into], f, drawnFrom.id, drawnTo.id, Array.isArray(c.data.threats) ? c.data.threats.length : 0);
  });
  for (const [i, base] of read.entries()) {
    if (ways[i].into !== undefined) continue;
    const pair = `${base.from}\u0000${base.to}`;
    // A second flow between the same pair needs an id of its own (the model requires it).
    if (pairs.has(pair) && base.id === undefined) base.id = modelId('', base.name ?? 'flow', 'flow', taken);
    pairs.add(pair);
    flows.push(base);
  }
  const bidirectional = bidirectionalSummary('bidirectional flow', flows);
  if (bidirectional) notes.push(bidirectional);
  const joined = joinedSummary('flow', read.length - flows.length);
  if (joined) notes.push(joined);

  // Elements outside every box: actors are outside the system by the DFD's own definition, and an element
  // reached over a public network is on the internet's side of that flow. Both go into one untrusted
  // boundary, `outside`, so that threatmap sees the flows that cross into the system; processes and
  // stores in no box stay in none (threatmap's internal default), since nothing says where they are.
  // An element threatmap exported in no box was in no boundary in the model, and stays so.
  const outside = elements.filter((e) => !e.in && !e.own && (e.kind === 'external' || publicEnds.has(e)));
  let outsideId: string | undefined;
  if (outside.length) {
    outsideId = modelId('outside', undefined, 'outside', taken);
    for (const e of outside) e.in = outsideId;
    notes.push(`${outside.map((e) => e.id).join(', ')}: in no box; placed in \`${outsideId}\` (untrusted) as ${outside.some((e) => e.kind !== 'external') ? 'actors or ends of public-network flows' : 'actors'}; check it`);
  }
  if (curves.length) {
    notes.push(`${curves.length} boundary curve${curves.length === 1 ? '' : 's'} (${curves.map((k) => k.label).join(', ')}): a line says nothing of which side an element is on, so no element is placed by ${curves.length === 1 ? 'it' : 'them'}; ${crossings} flow crossing${crossings === 1 ? '' : 's'} noted on the flows; draw boundaries in the model`);
  }
  const unboxed = elements.filter((e) => !e.in).length;
  if (unboxed) notes.push(`${unboxed} element${unboxed === 1 ? '' : 's'} in no boundary (threatmap's internal default)`);
  const note = cells.find((c) => c.shape === 'text');
  const systemOwn = note ? ownSystem(ownOf(note.data)!, notes) : undefined;
  // Cells threatmap exported without the note that stood for the system: what only the note kept is lost.
  if (!note && elements.some((e) => e.own !== undefined)) {
    notes.push("the system's note threatmap's export drew is gone from the file: the assets, assumptions, `rules:` section and written threats it kept (those on no element or flow, and those reported nowhere) are not imported; add them again if they still hold");
  }
  if (systemOwn?.version !== undefined) system.version = systemOwn.version;
  const assets = systemOwn?.assets ?? [];
  const secrets = readOnlySecrets(elements, flows);
  if (secrets) credentials = elements.some((e) => !e.own && e.stores.includes('credentials'));
  dropDangling(elements, flows, new Set([...assets.map(([id]) => id), ...(credentials ? ['credentials'] : []), ...(secrets ? [SECRETS_ASSET] : [])]));
  placeEndpoints(elements, flows, src);
  for (const e of elements) for (const n of e.notes) notes.push(`${e.id}: ${n}`);

  // Threats: written into the model on what they concern, with their status as triage.
  const flowTargets = new Map(flows.flatMap((f) => [f.tdId, ...(f.joined ?? [])].map((tdId) => [tdId, flowTarget(f, flows)] as const)));
  const boxByCell = new Map(boxes.map((b) => [key(b.diagram, b.tdId), b.id]));
  const named = new Set([...boxes.map((b) => b.id), ...elements.flatMap((e) => (e.own?.endpoints ?? []).map(([k]) => `${e.id}:${k}`))]);
  const { threats, exportedWritten, shown, drawn, rederived, exported, exportedUids } = readThreats(cells, {
    of: (c) => {
      const e = byCell.get(key(c.diagram, c.tdId));
      return e ? { ref: e.id, component: e.id } : flowTargets.get(c.tdId);
    },
    box: (c) => boxByCell.get(key(c.diagram, c.tdId)),
    named,
    flows: new Set(flows.map((f) => f.id ?? `${f.from}->${f.to}`)),
  }, file, notes);
  // The written threats as the model wrote them, when the system's note keeps them; threatmap's own before
  // those drawn in Threat Dragon, so that each keeps its id whatever a drawn one is called.
  const entries = systemOwn?.written ?? [];
  const elementIds = new Set(elements.map((e) => e.id));
  const resolve = targetResolver(elementIds, named, flowTargets.values());
  const fromModel = modelWritten(entries, exportedWritten, shown, resolve, `${file}:${note?.line ?? 0}`, notes);
  const written = [...fromModel, ...drawn];
  // A drawn threat whose title makes the same id is no written threat of the model's: not kept by it.
  const kept = new Set(fromModel.map((t) => t.wanted));
  const gone = new Set(entries.map((e) => e.id).filter((id) => !kept.has(id)));
  const assumptions = keptAssumptions(systemOwn?.assumptions ?? [], elementIds, gone, notes);
  // The export lists a threat on no element or flow (one on the whole system covering no flow) in the diagram's
  // description, by title only: named here, to write again if it still holds.
  for (const [, title] of diagramDescriptions.join('\n').matchAll(/^- TM-[0-9a-f]{8} (.+) \([A-Z][a-z]+, [a-z-]+\)$/gm)) {
    notes.push(`"${title}": exported on no element or flow (listed in the diagram's description), so not imported; write it under \`threats:\` again if it still holds`);
  }

  const summary: TdImportSummary = {
    version, system: systemName, diagrams, boundaries: boxes.length + (outsideId ? 1 : 0), elements: elements.length,
    flows: flows.length, curves: curves.length, threats, notes, written: written.length, fromThreatmap: exported || systemOwn !== undefined || elements.some((e) => e.own !== undefined),
    ...(exportedUids.length ? { exportedUids } : {}),
  };
  if (hasError(src.diagnostics)) return done();
  const { text: modelText, decisions } = writeModel({
    file, version, system, diagrams, elements, boxes, outsideId, flows, threats, written, notes, credentials, assumptions,
    ...(note && assets.length ? { assets: { line: note.line, list: assets } } : {}),
    ...(systemOwn?.rules ? { rules: systemOwn.rules } : {}),
  }, options);
  const all = [...decisions, ...rederived];
  const triage = importedTriage([
    `Decisions imported by \`threatmap import\` from ${file} (${THREAT_DRAGON_FORMAT} ${version}): the status of each of its threats that is`,
    exported ? 'not Open, or the decision threatmap exported while that status is unchanged. They apply to the threats of the same'
      : 'not Open. They apply to the threats of the same keys in the model\'s `threats:` section.',
    ...(exported ? ['keys in the model\'s `threats:` section, and those analysis finds again under their stable ids.'] : []),
  ], all);
  // After the placeholder: an asset of the import's own is no data the file declared, and should not stand in for it.
  const withData = summary.fromThreatmap ? modelText : withPlaceholderAsset(modelText, 'Threat Dragon', notes);
  return { text: secrets ? withSecretsAsset(withData) : withData, ...(triage ? { triage } : {}), diagnostics: sortDiagnostics(src.diagnostics), summary };
}

// --- Elements ----------------------------------------------------------------------------------------

/** privilegeLevel is free text in Threat Dragon; only words that mean administrative rights say privileged. */
function readPrivilege(e: Element, d: Plain): void {
  const level = str(d.privilegeLevel);
  if (level && /\b(root|admin|administrator|system|privileged|elevated|high)\b/i.test(level)) e.privileged = true;
  else if (level) e.notes.push(`privilege level "${level}": not read as privileged; set \`privileged: true\` if it is`);
}

/**
 * Clients by the names Threat Dragon diagrams give them: a process or actor called Browser, Mobile App, Desktop
 * app or CLI/script is the program a person uses, not a service of the system (nor the person), as drawio.ts
 * reads the same words on labels. The whole name must say it: `Mobile API` is a service.
 */
const CLIENT_NAMES: ReadonlyArray<readonly [RegExp, { tech: string } | { type: ElementType }]> = [
  [/^(?:(?:web|user'?s?) )?browsers?$/i, { tech: 'browser' }],
  [/^(?:(?:my|user'?s?) )?(?:mobile|phone|smartphone|ios|android)(?: (?:app|application|client|device|phone)s?)?$/i, { tech: 'mobile-app' }],
  [/^(?:(?:my|user'?s?) )?desktop(?: (?:app|application|client)s?)?$/i, { type: 'user-agent' }],
  [/^(?:(?:my|a|the|user'?s?) )?(?:cli|command[- ]line(?: (?:tool|client|interface))?|scripts?)(?: ?\/ ?scripts?)?$/i, { type: 'user-agent' }],
];

/** A process or actor a client by its name (CLIENT_NAMES): an external user agent, with a note. */
function asClient(e: Element): void {
  const name = e.name?.trim();
  const hit = name === undefined ? undefined : CLIENT_NAMES.find(([re]) => re.test(name))?.[1];
  if (!hit) return;
  const was = e.kind === 'process' ? 'a process' : 'an actor';
  e.kind = 'external';
  if ('tech' in hit) {
    e.tech = hit.tech;
    e.type = undefined;
  } else e.type = hit.type;
  e.notes.push(`${was} in Threat Dragon named "${name}": read as the client a person uses (${'tech' in hit ? `tech ${hit.tech}` : `type ${hit.type}`}), outside the system; make it a process again if it is a service of yours`);
}

/** What a cell drawn in Threat Dragon says by its flags. True when it stores credentials (the asset to add). */
function readFlags(e: Element, d: Plain): boolean {
  if (e.kind === 'external') {
    // An actor that provides authentication is someone else's identity service (Auth0, Okta are third
    // parties in the catalog); any other actor is a person, the DFD's usual external entity.
    e.type = d.providesAuthentication === true ? 'third-party' : 'user';
    if (d.providesAuthentication === true) e.notes.push('provides authentication: an external identity provider; set `tech` (auth0, okta...)');
    else asClient(e);
    return false;
  }
  if (e.kind === 'process') {
    if (d.providesAuthentication === true) e.type = 'identity-provider';
    else if (d.isWebApplication === true) e.type = 'web-app';
    else asClient(e);
    readPrivilege(e, d);
    if (d.handlesCardPayment === true) e.notes.push('handles card payment: add the payment data it handles as an asset');
    return false;
  }
  if (d.isALog === true) e.type = 'logs';
  // A store marked encrypted holds its data encrypted at rest: exactly the catalog's control.
  if (d.isEncrypted === true) e.controls.push('encryption-at-rest');
  // Signed stored data can only be altered detectably; for a log that is the catalog's tamper-evident-logs,
  // for other data the catalog has no control, so it is a note.
  if (d.isSigned === true) {
    if (d.isALog === true) e.controls.push('tamper-evident-logs');
    else e.notes.push('signed in Threat Dragon: threatmap has no control for signed data at rest');
  }
  // A store of credentials gets the `credentials` asset: the credential rules (theft, plaintext storage)
  // read stored assets' types, and a flag alone would say nothing to them. One asset for all such stores:
  // Threat Dragon does not say whose credentials they are; a reviewer can split it.
  if (d.storesCredentials === true) e.stores.push('credentials');
  return d.storesCredentials === true;
}

/** The asset of service secrets a config store keeps (readOnlySecrets). */
const SECRETS_ASSET = 'service-secrets';

/**
 * Stores flagged storesCredentials that no flow writes to hold the secrets the services read to log in
 * elsewhere (a config file's database and queue passwords), not users' passwords: hashing advice cannot apply
 * to a password a service must present. Their `credentials` becomes the `secrets` asset, with a note. True
 * when some store was changed.
 */
function readOnlySecrets(elements: readonly Element[], flows: readonly FlowOut[]): boolean {
  const written = new Set(flows.map((f) => f.to));
  let any = false;
  for (const e of elements) {
    const at = e.stores.indexOf('credentials');
    if (e.own || e.kind !== 'store' || at < 0 || written.has(e.id)) continue;
    e.stores[at] = SECRETS_ASSET;
    e.notes.push(`storesCredentials, but no flow writes to it: read as the secrets services read (\`${SECRETS_ASSET}\`), not users' credentials; use \`credentials\` if it keeps users' passwords`);
    any = true;
  }
  return any;
}

/** The model text with the service secrets asset added to its assets section (made when there is none). */
function withSecretsAsset(text: string): string {
  const doc = parseDocument(text);
  const root = doc.contents;
  if (!(root instanceof YAMLMap) || doc.errors.length) return text;
  const entry = keyedEntry(doc, SECRETS_ASSET, ['not in the file: the stores Threat Dragon marks storesCredentials and no flow writes to keep it'],
    { name: 'Service secrets', type: 'secrets', classification: 'restricted', confidentiality: 'high' });
  const there = root.items.find((i) => (i.key as Scalar).value === 'assets')?.value;
  if (there instanceof YAMLMap) (there as YAMLMap).items.push(entry);
  else {
    const map = new YAMLMap();
    map.items.push(entry);
    section(root, 'assets', map);
  }
  return doc.toString({ lineWidth: 0 });
}

/**
 * An element threatmap exported: its facts from its own data, then the flags whose meaning is one fact, where
 * the flag no longer says what the export wrote (a person changed it in Threat Dragon, so it wins): a process's
 * privilege level and web application flag, a store's log, encrypted and signed flags. The other flags
 * (authentication, card payment, credentials) follow from several facts at once and change none.
 */
function withOwnFacts(e: Element, own: OwnElement, d: Plain): void {
  const { type, tech, controls, stores, privileged, ...rest } = own;
  e.type = type as ElementType | undefined;
  e.tech = tech;
  e.controls = [...(controls ?? [])];
  e.stores = [...(stores ?? [])];
  e.own = rest;
  if (e.kind === 'process') {
    readPrivilege(e, d);
    if (typeof d.isWebApplication === 'boolean' && d.isWebApplication !== (e.type === 'web-app')) e.type = d.isWebApplication ? 'web-app' : undefined;
  } else if (privileged) e.privileged = true;
  if (e.kind !== 'store') return;
  if (typeof d.isALog === 'boolean' && d.isALog !== (e.type === 'logs')) e.type = d.isALog ? 'logs' : undefined;
  // Against what the export wrote (a provider's default encryption included), so that only an edit changes the control.
  if (d.isEncrypted !== storeEncrypted({ kind: e.kind, tech, tags: rest.tags ?? [], controls: e.controls })) flagControl(e.controls, 'encryption-at-rest', d.isEncrypted);
  // Still encrypted after that, the store is its provider's default: unticked, the person says it was switched off.
  if (d.isEncrypted === false && storeEncrypted({ kind: e.kind, tech, tags: rest.tags ?? [], controls: e.controls })) rest.tags = [...(rest.tags ?? []), ENCRYPTION_OFF_TAG];
  if (e.type === 'logs') flagControl(e.controls, 'tamper-evident-logs', d.isSigned);
}

/** A control a flag stands for: added when the flag is set, removed when it is cleared, kept when it says neither. */
function flagControl(controls: string[], control: string, flag: unknown): void {
  const at = controls.indexOf(control);
  if (flag === true && at < 0) controls.push(control);
  if (flag === false && at >= 0) controls.splice(at, 1);
}

/** The lines `threatmap analyze -f threat-dragon` writes under a cell's own description (src/render/threat-dragon.ts). */
const EXPORTED_CELL = /^threatmap (element|boundary|flow) (\S+) \(([^)\n]*)\)$/m;

interface ExportedFacts {
  id: string;
  type?: ElementType;
  tech?: string;
  controls: string[];
}

/** The model's own id and facts of a cell threatmap exported; undefined for a cell drawn in Threat Dragon. */
function exportedFacts(data: Plain, shape: 'element' | 'boundary' | 'flow'): ExportedFacts | undefined {
  if (typeof data.description !== 'string') return undefined;
  const m = EXPORTED_CELL.exec(data.description);
  if (!m || m[1] !== shape) return undefined;
  const facts = m[3].split('; ');
  const fact = (name: string) => facts.find((f) => f.startsWith(`${name} `))?.slice(name.length + 1);
  const type = fact('type');
  const controls = /^Controls: (.+)$/m.exec(data.description.slice(m.index))?.[1].split(', ').filter(isControlName) ?? [];
  return {
    id: m[2], controls, ...(type && Object.hasOwn(ELEMENT_TYPES, type) ? { type: type as ElementType } : {}),
    ...(fact('tech') ? { tech: fact('tech') } : {}),
  };
}

/** A cell's description without the lines threatmap added when it exported the cell. */
function ownDescription(data: Plain): string | undefined {
  if (typeof data.description !== 'string') return undefined;
  const m = EXPORTED_CELL.exec(data.description);
  const text = (m ? data.description.slice(0, m.index) : data.description).trim();
  return text || undefined;
}

/**
 * Whether a flow's id names both of its ends, as people name flows (`api->db`, `db-to-api`, `orders_api_db`):
 * each end's id as a whole word of it, in either order, apart (`api` inside `api-gateway` names only the gateway).
 * Such an id is about those ends, not a name of its own.
 */
function namesEnds(id: string, from: string, to: string): boolean {
  const spans = (endId: string): Array<[number, number]> => {
    const word = new RegExp(`(?<![A-Za-z0-9])${endId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, 'gi');
    return [...id.matchAll(word)].map((m) => [m.index, m.index + m[0].length]);
  };
  const apart = ([a, b]: [number, number], [c, d]: [number, number]) => b <= c || d <= a;
  const toSpans = spans(to);
  return spans(from).some((f) => toSpans.some((t) => apart(f, t)));
}

/** What `threatmap export --format threat-dragon` writes under a threat's own description (src/render/threat-dragon.ts). */
const EXPORTED_LINE = /^threatmap (TM-[0-9a-f]{8}) \(T\d+, rule (\S+), on .*\)$/m;
const TRIAGE_LINE = /^Triage: (open|mitigating|mitigated|accepted|false-positive|transferred)(?: \((.*)\))?$/m;
const RATING_LINE = (what: string) => new RegExp(`^${what}: (High|Medium|Low): .*, ${STATED} \\(threats\\.[^)]*\\)$`, 'm');
const STATED_LIKELIHOOD = RATING_LINE('Likelihood');
const STATED_IMPACT = RATING_LINE('Impact');

/** A threat threatmap exported: what it is, and what the export recorded about it. */
interface Exported {
  uid: string;
  /** A threat written in the model's `threats:`: its id there. Absent: one of the rules', which analysis finds again. */
  written?: string;
  /** The description above threatmap's lines. */
  description: string;
  /** The decision as exported, when the export recorded one. */
  recorded?: TdOwnDecision;
  /** The ratings the model stated (a written threat's); absent: they were rated from the model. */
  likelihood?: Level;
  impact?: Level;
  /** What it threatens, as `on:` names it, when that is not the cell it sits on (threatmap's own data only). */
  on?: string;
  mitigatedBy?: string[];
  references?: string[];
  /** A written threat's severity as exported (threatmap's own data only): one edited in Threat Dragon differs. */
  severity?: string;
  /** The threat as exported, its risk and flows (threatmap's own data only): what a decision made in Threat Dragon is for. */
  scope?: CarriedScope;
}

/** The description a person reads above the lines threatmap adds: Threat Dragon's own field, edits included. */
function describedAbove(description: unknown): string {
  if (typeof description !== 'string') return '';
  const m = EXPORTED_LINE.exec(description);
  const text = (m ? description.slice(0, m.index) : description).trim();
  return text === NO_DESCRIPTION_WRITTEN ? '' : text;
}

/**
 * A threat of a file an earlier threatmap exported, read from the lines it wrote in the threat's description;
 * `flows`, the model's flow ids, tell the flows a drift's words name from the component its key names.
 */
function exportedByThreatmap(t: Plain, flows: ReadonlySet<string>): Exported | undefined {
  if (typeof t.description !== 'string') return undefined;
  const m = EXPORTED_LINE.exec(t.description);
  if (!m) return undefined;
  const rest = t.description.slice(m.index);
  const triage = TRIAGE_LINE.exec(rest);
  const likelihood = levelOfWord(STATED_LIKELIHOOD.exec(rest)?.[1]);
  const impact = levelOfWord(STATED_IMPACT.exec(rest)?.[1]);
  return {
    uid: m[1], description: describedAbove(t.description),
    ...(isWrittenRule(m[2]) ? { written: m[2].slice(WRITTEN_RULE_PREFIX.length) } : {}),
    ...(likelihood ? { likelihood } : {}), ...(impact ? { impact } : {}),
    ...(triage ? { recorded: { status: triage[1] as TriageStatus, ...(triage[2] ? decisionDetails(triage[2], flows) : {}) } } : {}),
  };
}

const tdStatusWord = (status: unknown): string => (str(status) ?? '').toLowerCase().replace(/[^a-z]/g, '');

/**
 * The decision about an exported threat: the one the export recorded while Threat Dragon still shows the status
 * it was exported with (an acceptance shows as Mitigated there, and keeps its reason); the status set in Threat
 * Dragon once someone has changed it (`edited`).
 */
function exportedDecision(t: Plain, exported: Exported): { decision?: ImportedDecisionFields; edited: boolean } {
  const recorded = exported.recorded;
  const status = tdStatusWord(t.status);
  if (TD_STATUS[recorded?.status ?? 'open'].toLowerCase() === status) {
    if (!recorded) return { edited: false };
    const { status: inForce, declared, drift: _drift, risk, covers, ...details } = recorded;
    // An open threat with nothing said about it has no decision; one with a reason (why it stays open) has.
    const said = Object.values(details).some((v) => v !== undefined);
    if (inForce === 'open' && !declared && !said) return { edited: false };
    // Not decided again here: the scope its entry records, exactly (none when it records none).
    return { decision: scoped({ status: declared ?? inForce, ...details }, { risk, covers }), edited: false };
  }
  const decided = tdDecision(status);
  return { edited: true, ...(decided ? { decision: scoped({ status: decided.status, reason: `marked ${decided.words} in ${THREAT_DRAGON_FORMAT}` }, exported.scope) } : {}) };
}

/**
 * A decision with what it was made for. One not decided again in Threat Dragon keeps what its entry recorded
 * (the export carries it as written). One made in Threat Dragon was made for the threat as exported, which
 * is what the person saw there: not the threat as the imported model has it (a flow drawn in Threat Dragon
 * may have grown it, and the decision would cover that unseen), nor the scope the triage file recorded before
 * (a drifted decision decided again there would still need review). An `open` decision closes nothing and
 * records none; a file without threatmap's data has no scope to give (the decision is then unchecked, as
 * before scopes were recorded).
 */
function scoped(d: ImportedDecisionFields, scope: Partial<CarriedScope> | undefined): ImportedDecisionFields {
  if (scope === undefined || d.status === 'open') return d;
  return { ...d, ...(scope.risk ? { risk: scope.risk } : {}), ...(scope.covers ? { covers: scope.covers } : {}) };
}

/** Threat Dragon's statuses that are decisions; `Open` is none. */
const TD_DECISIONS: Readonly<Record<string, { status: TriageStatus; words: string }>> = {
  mitigated: { status: 'mitigated', words: 'Mitigated' },
  notapplicable: { status: 'false-positive', words: 'Not Applicable' },
};

/**
 * The decision a Threat Dragon status word (as tdStatusWord gives it) makes. An own key only: a status such as
 * `constructor` must not find Object.prototype's members, which would make a decision with no status.
 */
const tdDecision = (word: string): { status: TriageStatus; words: string } | undefined =>
  (Object.hasOwn(TD_DECISIONS, word) ? TD_DECISIONS[word] : undefined);

/** What the threats of a cell may concern. */
interface Targets {
  /** The element or flow a cell stands for. */
  of(c: Cell): ImportedTarget | undefined;
  /** The boundary a box stands for. */
  box(c: Cell): string | undefined;
  /** What an exported threat's `on` may name, of the model being written: its boundaries and endpoints (`element:key`). */
  named: ReadonlySet<string>;
  /** The ids of the model's flows, as a scope's `covers` names them. */
  flows: ReadonlySet<string>;
}

/**
 * Where a threat threatmap exported comes back: what its own data names (an endpoint, a boundary, the whole
 * system) while the model being written still has it, else the cell it sits on (a box: its boundary).
 */
function exportedTarget(exported: Exported, c: Cell, targets: Targets, notes: string[]): ImportedTarget | undefined {
  const on = exported.on;
  const cell = (): ImportedTarget | undefined => {
    const box = c.shape === 'box' ? targets.box(c) : undefined;
    return box !== undefined ? { ref: box, component: box } : c.shape === 'text' ? SYSTEM_TARGET : targets.of(c);
  };
  if (on === undefined) return cell();
  if (targets.named.has(on)) return { ref: on, component: on };
  if (on === SYSTEM_TARGET.ref) return SYSTEM_TARGET;
  const instead = cell();
  notes.push(`threat ${exported.uid}: \`${on}\`, which it was exported on, is no longer in the file; written on ${instead?.ref ?? 'the whole system'}`);
  return instead;
}

interface ReadThreats {
  threats: TdThreatNote[];
  /** The threats written in the model that threatmap exported, by their id there, as their copies in the file say. */
  exportedWritten: Map<string, WrittenThreat>;
  /** What each copy of those shows, by the threat's id, in file order. */
  shown: Map<string, Shown[]>;
  /** The threats drawn in Threat Dragon. */
  drawn: WrittenThreat[];
  rederived: ImportedDecision[];
  /** Some of the threats are threatmap's, exported earlier. */
  exported: boolean;
  /** The stable ids of the threats threatmap exported on the cells still in the file, deleted from a cell or not. */
  exportedUids: string[];
}

/**
 * The file's threats: each one drawn in Threat Dragon, and each threat written in the model, under `threats:`
 * on what it concerns; of the rules' own threats, exported earlier, only their decisions (analysis derives
 * them again). A threat exported on several cells (a threat on several things, or on a boundary's elements)
 * comes back as one; where its copies' decisions differ, the one whose status was changed in Threat Dragon wins.
 */
function readThreats(cells: readonly Cell[], targets: Targets, file: string, notes: string[]): ReadThreats {
  const threats: TdThreatNote[] = [];
  const drawn: WrittenThreat[] = [];
  const exportedWritten = new Map<string, WrittenThreat>();
  const shown = new Map<string, Shown[]>();
  let anyExported = false;
  const edited = new WeakSet<ImportedTarget>();
  const decided = new Map<string, { title: string; decision?: ImportedDecisionFields; edited: boolean }>();
  const uids: string[] = [];
  for (const c of cells) {
    const list = Array.isArray(c.data.threats) ? c.data.threats : [];
    const cellOwn = ownOf(c.data);
    uids.push(...ownThreatUids(cellOwn));
    for (const t of list) {
      if (!isObj(t)) continue;
      const title = (cellOwn ? asWritten(t.title) : undefined) ?? str(t.title) ?? '(untitled)';
      const exported = ownThreat(cellOwn, t) ?? exportedByThreatmap(t, targets.flows);
      if (exported) uids.push(exported.uid);
      const at = exported ? exportedTarget(exported, c, targets, notes) : targets.of(c);
      threats.push({
        title, severity: str(t.severity) ?? 'no severity', status: str(t.status) ?? 'no status', on: at?.ref ?? `cell ${c.tdId}`,
        ...(exported && exported.written === undefined ? { own: true } : {}),
      });
      if (!exported) {
        drawn.push(tdThreat(t, title, c, at, file, notes));
        continue;
      }
      anyExported = true;
      const { decision, edited: changed } = exportedDecision(t, exported);
      if (exported.written === undefined) {
        const there = decided.get(exported.uid);
        if (!there || (changed && !there.edited)) decided.set(exported.uid, { title, ...(decision ? { decision } : {}), edited: changed });
        continue;
      }
      const threat = tdThreat(t, title, c, at, file, notes, exported, decision);
      shown.set(threat.wanted, [...(shown.get(threat.wanted) ?? []), shownBy(threat, t, exported, `${file}:${c.line}`)]);
      const here = threat.on[0];
      if (changed) edited.add(here);
      const same = exportedWritten.get(threat.wanted);
      if (!same) {
        exportedWritten.set(threat.wanted, threat);
        continue;
      }
      same.comment.push(threat.comment[0]);
      const there = same.on.find((o) => o.component === here.component);
      if (!there) same.on.push(here);
      else if (changed && !edited.has(there)) same.on[same.on.indexOf(there)] = here;
    }
  }
  const rederived = [...decided].flatMap(([uid, d]) => (d.decision ? [{ key: uid, title: d.title, ...d.decision }] : []));
  return { threats, exportedWritten, shown, drawn, rederived, exported: anyExported, exportedUids: uidList(uids) };
}

/** The stable ids of every threat the export recorded on a cell: its data keeps them when a threat is deleted from the cell. */
function ownThreatUids(cellOwn: Plain | undefined): string[] {
  const all = cellOwn && isObj(cellOwn.threats) ? cellOwn.threats : {};
  return Object.values(all).flatMap((own) => (isObj(own) && typeof own.uid === 'string' ? [own.uid] : []));
}

// --- The model's own sections ----------------------------------------------------------------------------
// What the system's note keeps of the model that its analysis does not hold: the written threats as written,
// the assumptions and the `rules:` section (src/render/threat-dragon.ts TdOwnSystem).

/** What a written threat's `on:` names (a model id), as the model being written names it; undefined: no longer in the file. */
type TargetResolver = (id: string) => ImportedTarget | undefined;

/** In the order the model resolves `on:` (src/model/threat-targets.ts): element, boundary, flow, endpoint, the system. */
function targetResolver(elementIds: ReadonlySet<string>, named: ReadonlySet<string>, flowTargets: Iterable<ImportedTarget>): TargetResolver {
  const flows = new Map<string, ImportedTarget>();
  for (const f of flowTargets) flows.set(f.component, f);
  return (id) => {
    if (elementIds.has(id) || named.has(id)) return { ref: id, component: id };
    return flows.get(id) ?? (id === SYSTEM_TARGET.ref ? SYSTEM_TARGET : undefined);
  };
}

/**
 * The written threats of the note's entries, in the model's order, then those exported without one (by a
 * caller that had only the analysis, or the note was deleted), as their copies say. Each comes back as the
 * model wrote it (its `on:` in order, its ratings, `mitigated-by`, references), with what Threat Dragon shows
 * of it (title, type, description, mitigation, status) as its copies in the file now say, since a person may
 * have edited them there.
 */
function modelWritten(
  entries: readonly OwnWrittenEntry[], copies: ReadonlyMap<string, WrittenThreat>, shown: ReadonlyMap<string, readonly Shown[]>, resolve: TargetResolver,
  where: string, notes: string[],
): WrittenThreat[] {
  const out: WrittenThreat[] = [];
  for (const e of entries) {
    const t = fromEntry(e, copies.get(e.id), resolve, where, notes);
    if (t) out.push({ ...t, ...shownFields(e.id, e.entry, shown.get(e.id) ?? [], notes) });
  }
  const withEntry = new Set(entries.map((e) => e.id));
  for (const [id, copy] of copies) if (!withEntry.has(id)) out.push({ ...copy, ...shownFields(id, undefined, shown.get(id) ?? [], notes) });
  return out;
}

/** What one copy of a written threat threatmap exported shows in Threat Dragon, where a person may edit it. */
interface Shown {
  title: string; stride: WrittenThreat['stride']; description?: string; mitigation?: string;
  /** Its severity now, and as exported (absent: an export that did not record it). */
  severity?: string; exportedSeverity?: string;
  /** file:line of its cell, for a note. */
  where: string;
}

const shownBy = (threat: WrittenThreat, t: Plain, exported: Exported, where: string): Shown => ({
  title: threat.title, stride: threat.stride, description: threat.description, mitigation: threat.mitigation,
  severity: str(t.severity), exportedSeverity: exported.severity, where,
});

type ShownField = 'title' | 'stride' | 'description' | 'mitigation' | 'impact';

/**
 * A written threat's title, type, description, mitigation and impact as Threat Dragon shows them on its
 * copies (a threat on several things sits on each of their cells): a copy whose field differs from what was
 * exported (the note's entry; for the severity, the copy's own record) was edited there, and its field wins
 * over the entry, whichever copy it is; copies edited differently: the first in the file, with a note. An
 * edited severity is the impact, as for a threat drawn in Threat Dragon. Without the entry (an export
 * without the model), copies that differ cannot tell which was edited: the first, with a note.
 */
function shownFields(id: string, entry: RawWrittenThreat | undefined, shown: readonly Shown[], notes: string[]): Partial<Pick<WrittenThreat, ShownField>> {
  const text = (v: string | undefined) => v?.trim() || undefined;
  const out: Partial<Pick<WrittenThreat, ShownField>> = {};
  const take = <K extends ShownField>(field: K, value: (s: Shown) => WrittenThreat[K] | undefined, edited: readonly Shown[]) => {
    if (!edited.length) return;
    const [first] = edited;
    out[field] = value(first);
    const others = edited.filter((s) => value(s) !== out[field]);
    if (others.length) notes.push(`threats.${id}: its ${field} differs between its copies edited in ${THREAT_DRAGON_FORMAT} (${[first, ...others].map((s) => s.where).join(', ')}); the first is taken`);
  };
  /** The copies edited: those that differ from the entry; without it, all of them once any two differ. */
  const editedFrom = <T>(now: (s: Shown) => T | undefined, exported: T | undefined): readonly Shown[] =>
    (entry ? shown.filter((s) => now(s) !== exported) : shown.some((s) => now(s) !== now(shown[0])) ? shown : []);
  take('title', (s) => s.title, editedFrom((s) => text(s.title), text(entry?.title)));
  take('stride', (s) => s.stride, editedFrom((s) => s.stride, strideOfWord(entry?.stride)));
  take('description', (s) => text(s.description), editedFrom((s) => text(s.description), text(entry?.description)));
  take('mitigation', (s) => text(s.mitigation), editedFrom((s) => text(s.mitigation), text(entry?.mitigation)));
  // Each copy's severity came from its own target's risk: an edit is against that copy's record.
  take('impact', (s) => levelOfWord(s.severity), shown.filter((s) => s.exportedSeverity !== undefined && s.severity !== undefined && s.severity.toLowerCase() !== s.exportedSeverity.toLowerCase()));
  return out;
}

/**
 * One written threat from its entry and its copies in the file. Deleted in Threat Dragon: every threat of it
 * the export put in the file is gone, and so is it, with the targets on which nothing showed it; one copy of
 * several deleted: that target is gone. A threat the file never showed (mitigated or ruled out wherever it is
 * written) had nothing in Threat Dragon to delete, and comes back as written.
 */
function fromEntry(e: OwnWrittenEntry, copy: WrittenThreat | undefined, resolve: TargetResolver, where: string, notes: string[]): WrittenThreat | undefined {
  const ids = targetRefs(e.entry.on).map(String);
  if (!ids.length) ids.push(SYSTEM_TARGET.ref);
  if (!copy && ids.some((id) => !e.unreported.has(id))) {
    notes.push(`threats.${e.id}: deleted in ${THREAT_DRAGON_FORMAT} (no threat of it left in the file): left out`);
    return undefined;
  }
  const on: ImportedTarget[] = [];
  for (const id of ids) {
    const target = resolve(id);
    // The copy's own target keeps the decision read from the file.
    const shown = target && copy?.on.find((o) => o.component === target.component);
    if (shown) on.push(shown);
    else if (target && e.unreported.has(id)) on.push(target);
    else notes.push(`threats.${e.id}: ${target ? `its threat on \`${id}\` was deleted in ${THREAT_DRAGON_FORMAT}` : `\`${id}\` is no longer in the file`}; left out of its \`on:\``);
  }
  // A copy on what the entry does not name (its target gone, so it came back on its cell) stays where it is.
  for (const o of copy?.on ?? []) if (!on.includes(o)) on.push(o);
  if (!on.length) {
    notes.push(`threats.${e.id}: nothing it was written on is in the file any more; left out`);
    return undefined;
  }
  const w = e.entry;
  // The ratings, `mitigated-by` and references as written: the copies' own are the same, or fewer.
  const base: WrittenThreat = copy ?? {
    wanted: e.id, title: w.title, stride: strideOfWord(w.stride) ?? 'T', on: [],
    ...(w.description ? { description: w.description } : {}),
    ...(w.mitigation ? { mitigation: w.mitigation } : {}),
    comment: [`${where} threats.${e.id} as the model wrote it, kept on the system's note: reported nowhere when exported (mitigated or ruled out)`],
  };
  const { likelihood: _l, impact: _i, references: _r, mitigatedBy: _m, ...fields } = base;
  return {
    ...fields, wanted: e.id, on,
    ...(levelOfWord(w.likelihood) ? { likelihood: levelOfWord(w.likelihood) } : {}),
    ...(levelOfWord(w.impact) ? { impact: levelOfWord(w.impact) } : {}),
    ...(w.references?.length ? { references: [...w.references] } : {}),
    ...(w['mitigated-by']?.length ? { mitigatedBy: [...w['mitigated-by']] } : {}),
  };
}

/**
 * The model's assumptions, less what the file no longer has: an element deleted in Threat Dragon (an
 * assumption about none of its elements any more is left out: with no elements it would hold everywhere), and
 * a written threat deleted there (`gone`), which the assumption would otherwise name as no rule at all.
 */
function keptAssumptions(list: readonly RawAssumption[], elementIds: ReadonlySet<string>, gone: ReadonlySet<string>, notes: string[]): RawAssumption[] {
  const out: RawAssumption[] = [];
  for (const a of list) {
    if (typeof a === 'string') {
      out.push(a);
      continue;
    }
    const elements = a.elements?.filter((id) => elementIds.has(id));
    if (a.elements?.length && !elements?.length) {
      notes.push(`assumption "${oneLine(a.text)}": none of its elements (${a.elements.join(', ')}) is in the file any more; left out`);
      continue;
    }
    const rules = a.rules?.filter((id) => !(isWrittenRule(id) && gone.has(id.slice(WRITTEN_RULE_PREFIX.length))));
    const lost = [...(a.rules ?? []).filter((id) => !rules?.includes(id)), ...(a.elements ?? []).filter((id) => !elements?.includes(id))];
    if (lost.length) notes.push(`assumption "${oneLine(a.text)}": ${lost.map((id) => `\`${id}\``).join(', ')} no longer in the file: left out`);
    out.push(rules?.length || elements?.length ? { text: a.text, ...(rules?.length ? { rules } : {}), ...(elements?.length ? { elements } : {}) } : a.text);
  }
  return out;
}

/**
 * The likelihood and impact that make risk.ts's matrix give a severity an author wrote in Threat Dragon: Medium
 * likelihood keeps High, Medium and Low as they are (the matrix's middle row), and Critical is High by High.
 * Left to the model, the likelihood would lower the author's rating wherever exposure looks low, without saying so.
 */
function severityRatings(severity: string | undefined): { likelihood?: Level; impact?: Level } {
  if (severity?.toLowerCase() === 'critical') return { likelihood: 'high', impact: 'high' };
  const impact = levelOfWord(severity);
  return impact ? { likelihood: 'medium', impact } : {};
}

/** Threat Dragon's title for a new threat, one per threat model (its en.js `threats.generic`). */
const NEW_THREAT_TITLE = /^new (stride|linddun|cia|cia-die|die|plot4ai|eop|generic) threat$/i;
/** Threat Dragon's description for a new threat (en.js `threats.description`). */
const NEW_THREAT_DESCRIPTION = 'provide a description for this threat';
/** Threat Dragon's severity for a new threat (`createNewTypedThreat`). */
const NEW_THREAT_SEVERITY = 'medium';

/** A threat as Threat Dragon creates it and nobody filled in: its default title, and no description but the default. */
function isUnfilled(title: string, description: unknown): boolean {
  const text = typeof description === 'string' ? description.trim().toLowerCase() : '';
  return NEW_THREAT_TITLE.test(title.trim()) && (text === '' || text === NEW_THREAT_DESCRIPTION);
}

/**
 * Why a threat's severity is no assessment (absent when it is one): Threat Dragon's "TBA"/"TBD" (to be
 * assessed), none, a word that is no severity, or the default severity of a threat nobody filled in (a person
 * who rated it would have titled it too). Such a threat keeps no rating of its own: `analyze` rates it from the
 * model, as any written threat without one, and says on what it rated it (who can reach it, what is at stake).
 * A likelihood and impact written in its place would be reported "as written in the model": an assessment
 * nobody made, and a guess at Critical where the file says "to be assessed".
 */
function notAssessed(severity: string | undefined, unfilled: boolean): string | undefined {
  const word = severity?.trim().toLowerCase();
  if (unfilled && (word === undefined || word === '' || word === NEW_THREAT_SEVERITY)) {
    return `a new threat nobody filled in (Threat Dragon's default title and description${word ? ', and its default severity' : ''})`;
  }
  if (word === 'critical' || levelOfWord(word)) return undefined;
  return word === undefined || word === '' ? 'no severity' : `severity "${oneLine(severity!.trim())}"`;
}

const NOT_ASSESSED = 'not assessed in Threat Dragon (severity TBA or none, or a new threat nobody filled in): ';
const RATED_FROM_MODEL = '; rated from the model, as the comment above each says: rate them once assessed';

/** One check note for all the threats not assessed (a file may hold dozens): the first named, the others counted. */
function noteNotAssessed(notes: string[], first: string): void {
  const at = notes.findIndex((n) => n.startsWith(NOT_ASSESSED));
  if (at < 0) {
    notes.push(`${NOT_ASSESSED}${first}${RATED_FROM_MODEL}`);
    return;
  }
  const note = notes[at];
  const named = note.slice(NOT_ASSESSED.length, note.length - RATED_FROM_MODEL.length);
  const more = / and (\d+) more$/.exec(named);
  const head = more ? named.slice(0, more.index) : named;
  notes[at] = `${NOT_ASSESSED}${head} and ${(more ? Number(more[1]) : 0) + 1} more${RATED_FROM_MODEL}`;
}

/**
 * One threat of a cell as the model's: its category as a STRIDE letter, its severity as the risk the ratings
 * give (severityRatings), its status
 * as a triage decision. A threat on a cell that is not imported (a boundary curve) concerns the whole system.
 * A threat threatmap exported comes back as the model wrote it, its decision (`decision`) on its target.
 */
function tdThreat(
  t: Plain, title: string, c: Cell, target: ImportedTarget | undefined, file: string, notes: string[], exported?: Exported, decision?: ImportedDecisionFields,
): WrittenThreat {
  const type = str(t.type);
  let stride = strideOfWord(type);
  if (!stride) {
    stride = 'T';
    notes.push(`threat "${title}" (${file}:${c.line}): its type ${type ? `"${type}"` : '(none)'} is no STRIDE category; written as T (tampering): correct it`);
  }
  const status = tdDecision(tdStatusWord(t.status));
  const mitigation = ownMitigation(t.mitigation, exported);
  const text = exported ? exported.description : t.description;
  const description = typeof text === 'string' && text.trim() ? text.trim() : undefined;
  const severity = str(t.severity);
  const unassessed = exported ? undefined : notAssessed(severity, isUnfilled(title, t.description));
  const rating = exported || unassessed ? {} : severityRatings(severity);
  if (unassessed) noteNotAssessed(notes, `"${title}" (${file}:${c.line})`);
  const drawn = !exported && status
    ? { status: status.status, reason: `marked ${status.words} in ${THREAT_DRAGON_FORMAT}${status.status === 'mitigated' && mitigation ? `: ${oneLine(mitigation)}` : ''}` }
    : undefined;
  return {
    // A threat written in a threatmap model and exported comes back under its own id.
    wanted: exported?.written ?? (slug(title) || 'threat'),
    title,
    stride,
    on: exported ? [{ ...(target ?? SYSTEM_TARGET), ...(decision ? { decision } : {}) }] : target ? [target] : [],
    ...(description ? { description } : {}),
    // Exported by threatmap: the ratings the model stated; else Threat Dragon's severity, its only rating.
    ...(exported ? { ...(exported.likelihood ? { likelihood: exported.likelihood } : {}), ...(exported.impact ? { impact: exported.impact } : {}) }
      : rating),
    ...(mitigation ? { mitigation } : {}),
    ...(exported?.references?.length ? { references: exported.references } : {}),
    ...(exported?.mitigatedBy?.length ? { mitigatedBy: exported.mitigatedBy } : {}),
    comment: [
      `${file}:${c.line} threat${str(t.id) ? ` ${str(t.id)}` : ''} on ${c.shape === 'text' ? "the system's note" : c.shape} ${c.tdId}${target ? '' : ' (a cell not imported: the whole system)'}`,
      `Threat Dragon: ${str(t.status) ?? 'no status'}, severity ${severity ?? 'none'}${t.score !== undefined && t.score !== '' ? `, score ${String(t.score)}` : ''}`,
      ...(rating.likelihood ? [`likelihood ${rating.likelihood} and impact ${rating.impact} set so that the risk is the author's ${severity}: Threat Dragon rates severity only; rate them if you know better`] : []),
      ...(unassessed ? [`not assessed in Threat Dragon (${unassessed}): no likelihood or impact, so analyze rates it from the model; set them once you assess it`] : []),
    ],
    ...(drawn ? { decision: drawn } : {}),
  };
}

// --- Writing -----------------------------------------------------------------------------------------

interface Parts {
  file: string; version: string; system: Record<string, string>; diagrams: string[]; elements: Element[]; boxes: Box[];
  outsideId?: string; flows: FlowOut[]; threats: TdThreatNote[]; written: WrittenThreat[]; notes: string[]; credentials: boolean;
  /** The assets threatmap's export kept on the system's note, with the line of the note. */
  assets?: { line: number; list: Array<[string, RawAsset]> };
  /** The model's assumptions and `rules:` section, which threatmap's export kept on the system's note. */
  assumptions: RawAssumption[];
  rules?: RawRulesSection;
}

function header(p: Parts, options: ImportOptions): string[] {
  const lines = [
    `Imported by \`threatmap import\` from ${p.file} (${THREAT_DRAGON_FORMAT} ${p.version}).`,
    `Diagrams merged into this model: ${p.diagrams.map((d) => `"${d}"`).join(', ') || 'none'}.`,
    'A model to review: each boundary, element and flow says which line of the Threat Dragon file its cell is on.',
    `The file records ${p.threats.length} threat${p.threats.length === 1 ? '' : 's'}, written under \`threats:\` below (their severity kept as the risk), beside those \`threatmap analyze\` derives;`,
    'their statuses other than Open are decisions in the triage file written beside this model:',
  ];
  return [...lines, ...headerTail(p.threats.map((t) => `${t.title} (${t.severity}, ${t.status}, on ${t.on})`), p.threats.length, p.notes, options.output)];
}

function writeModel(p: Parts, options: ImportOptions): { text: string; decisions: ImportedDecision[] } {
  const { doc, root } = startModel(header(p, options), p.system);
  const where = (c: Cell) => `${p.file}:${c.line} ${c.shape === 'box' ? 'trust-boundary-box' : c.shape} ${c.tdId}`;

  if (p.boxes.length || p.outsideId) {
    const map = new YAMLMap();
    if (p.outsideId) {
      map.items.push(outsideEntry(doc, p.outsideId, 'the actors, and ends of public-network flows, that no box holds'));
    }
    for (const b of p.boxes) map.items.push(keyedEntry(doc, b.id, [where(b), b.trustNote], boundaryValue(b)));
    section(root, 'boundaries', map);
  }

  assetsSection(doc, root, p);

  const elements = new YAMLMap();
  for (const e of p.elements) elements.items.push(unfolded(keyedEntry(doc, e.id, [where(e), ...e.notes], elementValue(doc, e))));
  section(root, 'elements', elements);

  if (p.flows.length) {
    const seq = new YAMLSeq();
    for (const f of p.flows) {
      seq.items.push(flowItem(doc, f.from, f.to, flowDetails(f), [`${p.file}:${f.line} flow ${f.tdId}${f.bidirectional ? bidirectionalNote(THREAT_DRAGON_FORMAT, f, p.flows) : ''}`, ...f.notes]));
    }
    section(root, 'flows', seq);
  }
  const decisions = threatsSection(doc, root, p.written);
  // After the threats, as a model file has them: what the model assumes, then how it tunes the rules.
  modelSections(doc, root, p.assumptions, p.rules);
  return { text: doc.toString({ lineWidth: 0 }), decisions };
}

function boundaryValue(b: Box): Record<string, unknown> {
  const v: Record<string, unknown> = {};
  if (b.name !== undefined && b.name !== b.id) v.name = b.name;
  const description = ownDescription(b.data);
  if (description) v.description = description;
  v.trust = b.trust;
  if (b.own?.kind) v.kind = b.own.kind;
  if (b.in) v.in = b.in;
  if (b.own?.controls?.length) v.controls = b.own.controls;
  return v;
}

/** The assets: those threatmap's export kept, and the one for the stores flagged as storing credentials. */
function assetsSection(doc: Document, root: YAMLMap, p: Parts): void {
  const kept = p.assets?.list ?? [];
  if (p.credentials && !kept.some(([id]) => id === 'credentials')) credentialsSection(doc, root, 'Threat Dragon marks storesCredentials');
  if (!kept.length) return;
  const pairs = kept.map(([id, a]) => new Pair(new Scalar(id), flowMap(doc, a)));
  (pairs[0].key as Scalar).commentBefore = comment([`${p.file}:${p.assets!.line} the assets, as threatmap's export keeps them on the system's note`]);
  const added = root.items.find((i) => (i.key as Scalar).value === 'assets')?.value as YAMLMap | undefined;
  if (added) added.items.unshift(...pairs);
  else {
    const map = new YAMLMap();
    map.items.push(...pairs);
    section(root, 'assets', map);
  }
}

/** An element as the model writes it: the fields the file says, in the order the model file has them. */
function elementValue(doc: Document, e: Element): Record<string, unknown> {
  const v: Record<string, unknown> = {};
  if (e.name !== undefined && e.name !== e.id) v.name = e.name;
  if (e.type) v.type = e.type;
  // A kind its type and technology do not imply (every kind, for a cell drawn in Threat Dragon with no type).
  if (!e.type || impliedKind(e.type, e.tech) !== e.kind) v.kind = e.kind;
  if (e.tech) v.tech = e.tech;
  if (e.in) v.in = e.in;
  const description = ownDescription(e.data);
  if (description) v.description = description;
  if (e.privileged) v.privileged = true;
  if (e.stores.length) v.stores = e.stores;
  if (e.controls.length) v.controls = e.controls;
  const own = e.own;
  if (!own) return v;
  if (own.auth) v.auth = own.auth;
  if (own.handles?.length) v.handles = own.handles;
  if (own.endpoints?.length) v.endpoints = endpointsNode(doc, own.endpoints);
  if (own.exposed !== undefined) v.exposed = own.exposed;
  if (own.replicas !== undefined) v.replicas = own.replicas;
  if (own.owner !== undefined) v.owner = own.owner;
  if (own.tags?.length) v.tags = own.tags;
  return v;
}

/** Endpoints keyed by their keys as written (a route, never an object's key: `__proto__` stays an endpoint). */
function endpointsNode(doc: Document, endpoints: ReadonlyArray<[string, RawEndpoint]>): YAMLMap {
  const map = new YAMLMap();
  for (const [key, ep] of endpoints) map.items.push(new Pair(new Scalar(key), flowMap(doc, ep)));
  return map;
}

/**
 * An element with endpoints one field a line, each endpoint on a line of its own, as a person writes it: on
 * one line it would run to hundreds of characters. Other elements stay on one line.
 */
function unfolded(entry: Pair): Pair {
  const map = entry.value as YAMLMap;
  if (!map.items.some((i) => (i.key as Scalar).value === 'endpoints')) return entry;
  map.flow = false;
  for (const item of map.items) {
    if ((item.key as Scalar).value !== 'endpoints' && isCollection(item.value)) item.value.flow = true;
  }
  return entry;
}

function flowDetails(f: FlowOut): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  if (f.id) details.id = f.id;
  if (f.name) details.name = f.name;
  details.protocol = f.protocol;
  if (f.encrypted !== undefined) details.encrypted = f.encrypted;
  if (f.own?.auth) details.auth = f.own.auth;
  if (f.own?.credential) details.credential = f.own.credential;
  if (f.own?.data?.length) details.data = f.own.data;
  if (f.own?.endpoint) details.endpoint = f.own.endpoint;
  if (f.controls.length) details.controls = f.controls;
  if (f.own?.port !== undefined) details.port = f.own.port;
  if (f.description) details.description = f.description;
  return details;
}

/**
 * The details the export writes after a decision (`reason; owner alice; ticket SHOP-9; expires 2027-01-01;
 * review 2026-12-01`, src/render/threat-dragon.ts) back in their fields: read from the end, as a reason may
 * itself hold `; `. A lapsed declaration (`declared accepted (lapsed)`) is the export's remark, not a field.
 */
function decisionDetails(details: string, flows: ReadonlySet<string>): Partial<TdOwnDecision> {
  const parts = details.split('; ');
  const out: Partial<TdOwnDecision> = {};
  let unread: string | undefined;
  while (parts.length) {
    const last = parts[parts.length - 1];
    const m = /^(owner|ticket|expires|review) (.+)$/.exec(last);
    const remark = DECLARED_REMARK.exec(last);
    if (m && ((m[1] !== 'expires' && m[1] !== 'review') || isIsoDate(m[2]))) out[m[1] as 'owner' | 'ticket' | 'expires' | 'review'] = m[2];
    else if (remark && isStatus(remark[1])) {
      out.declared = remark[1];
      const scope = remark[2] === undefined ? undefined : scopeInDrift(remark[2], flows);
      if (scope) Object.assign(out, scope);
      else if (remark[2] !== undefined) unread = remark[2];
    } else break;
    parts.pop();
  }
  // A drift whose words do not say what the decision was made for: said in the reason, as the decision comes back unchecked.
  const reason = [parts.join('; ').trim(), unread === undefined ? '' : `(needs review: ${unread})`].filter(Boolean).join(' ');
  return reason ? { reason, ...out } : out;
}

/** The remark the export writes after a decision not in force: `declared accepted (lapsed)`, `declared accepted (needs review: WHY)`. */
const DECLARED_REMARK = /^declared ([a-z-]+) \((?:lapsed|needs review: (.+))\)$/;

/**
 * What a drifted decision was made for, from the words of its drift (src/track/scope.ts, each `; ` written as
 * `, `): `accepted at Low for lb->web and lb->pay, now High...` is risk Low, covers lb->web and lb->pay. Of more
 * than four flows the words name four: the decision then covers fewer, never more, and still needs review.
 * A decision that covered no flow is worded `for` the component its key names (`accepted for api`), which is
 * no flow: only the model's `flows` are read as covered, and none is a scope of no flows, as it was recorded.
 * Undefined when the words are not those.
 */
function scopeInDrift(words: string, flows: ReadonlySet<string>): Partial<CarriedScope> | undefined {
  const m = /^[a-z-]+(?: at (Critical|High|Medium|Low))? for (.+?), now /.exec(words);
  if (!m) return undefined;
  const covers = m[2].split(/, | and /).filter((id) => flows.has(id));
  const risk = m[1] === undefined ? undefined : readRisk(m[1]);
  return { ...(risk ? { risk } : {}), covers: [...new Set(covers)].sort() };
}

/**
 * A threat's mitigation as its team wrote it. The export writes a decided threat's decision above the rule's
 * mitigation, and a placeholder where the model has none: neither is a mitigation to keep. Only the head the
 * export wrote for the decision it recorded is taken off (any reason, line breaks included, matched exactly,
 * not by pattern): a mitigation of the team's own that merely starts like one (an open threat's), or a text
 * edited in Threat Dragon so that it no longer starts with that head, is kept whole.
 */
function ownMitigation(text: unknown, exported: Exported | undefined): string | undefined {
  if (typeof text !== 'string' || !text.trim()) return undefined;
  let own = text.trim();
  if (exported) {
    const recorded = exported.recorded;
    const head = recorded ? decisionHead(recorded.status, recorded.reason) : undefined;
    // The head, then a blank line and the mitigation (which trim() may have left empty).
    if (head !== undefined && (own === head || own.startsWith(`${head}\n\n`))) own = own.slice(head.length).trim();
    if (own === NO_MITIGATION_WRITTEN) return undefined;
  }
  return own || undefined;
}

// --- threatmap's own data ------------------------------------------------------------------------------
// What src/render/threat-dragon.ts keeps under `data.threatmap` of a cell. A file may have been edited by
// hand: every value is checked by the model's own schema, and one the model would refuse is left out with a
// note, so that the model written always loads.

/** A cell's own data from threatmap's export, when it has some. */
const ownOf = (data: Plain): Plain | undefined => (isObj(data[TD_OWN]) ? data[TD_OWN] : undefined);

const ownId = (own: Plain): string => (typeof own.id === 'string' ? own.id : '');

interface SchemaField {
  safeParse(value: unknown): { success: boolean; data?: unknown };
}

/** The fields of `own` named by `keys` that the model's schema (`shape`) accepts; the others are noted and left out. */
function schemaFields<K extends string>(own: Plain, shape: Record<K, SchemaField>, keys: readonly K[], notes: string[]): Partial<Record<K, unknown>> {
  const out: Partial<Record<K, unknown>> = {};
  for (const k of keys) {
    if (!Object.hasOwn(own, k) || own[k] === undefined) continue;
    const parsed = shape[k].safeParse(own[k]);
    if (parsed.success) out[k] = parsed.data;
    else notes.push(`its \`${k}\` in threatmap's data is not one the model accepts; left out`);
  }
  return out;
}

/** An element's facts beyond its type, technology, controls, stores and privilege (see Element). */
type OwnElementRest = Pick<RawElement, 'auth' | 'handles' | 'exposed' | 'replicas' | 'owner' | 'tags'> & {
  /** By key as written: a key is a route, and no route should become an object's key (`__proto__`). */
  endpoints?: Array<[string, RawEndpoint]>;
};
type OwnElement = Pick<RawElement, 'type' | 'tech' | 'controls' | 'stores' | 'privileged'> & OwnElementRest;

const ELEMENT_FIELDS = ['type', 'tech', 'controls', 'auth', 'handles', 'stores', 'exposed', 'privileged', 'replicas', 'owner', 'tags'] as const;

function ownElement(own: Plain, notes: string[]): OwnElement {
  const fields = schemaFields(own, elementSchema.shape, ELEMENT_FIELDS, notes) as OwnElement;
  const endpoints: Array<[string, RawEndpoint]> = [];
  for (const [key, value] of isObj(own.endpoints) ? Object.entries(own.endpoints) : []) {
    const parsed = endpointSchema.safeParse(value ?? {});
    if (key.trim() && parsed.success) endpoints.push([key, parsed.data]);
    else notes.push(`endpoint \`${key}\` in threatmap's data is not one the model accepts; left out`);
  }
  return { ...fields, ...(endpoints.length ? { endpoints } : {}) };
}

type OwnFlow = Pick<RawFlowDetails, 'auth' | 'credential' | 'data' | 'endpoint' | 'controls' | 'port'>;

/** The ends (model ids) a flow was exported with; undefined for an export whose data does not say them. */
const exportedEnds = (own: Plain): { from: string; to: string } | undefined =>
  (typeof own.from === 'string' && typeof own.to === 'string' ? { from: own.from, to: own.to } : undefined);

/**
 * A flow's own data on the ends its edge has now, given the ends it was exported with where they differ: its
 * endpoint and port are its target's, kept while the target is the same; its auth and credential are how the
 * source it had signed in to the target it had, which neither a new source nor a new target does; its data
 * and controls hold for the connection either way. What is left out is listed, for a note.
 */
function withEnds(own: OwnFlow, was: { from: string; to: string } | undefined, to: string): { own: OwnFlow; left: string[] } {
  if (!was) return { own, left: [] };
  const out: OwnFlow = { ...own };
  const left: string[] = [];
  const theirs: Array<'endpoint' | 'port' | 'auth' | 'credential'> = [...(was.to !== to ? (['endpoint', 'port'] as const) : []), 'auth', 'credential'];
  for (const k of theirs) {
    if (out[k] === undefined) continue;
    left.push(`its ${k} ${String(out[k])}`);
    delete out[k];
  }
  return { own: out, left };
}

const ownFlow = (own: Plain, notes: string[]): OwnFlow =>
  schemaFields(own, flowDetailsSchema.shape, ['auth', 'credential', 'data', 'endpoint', 'controls', 'port'] as const, notes) as OwnFlow;

function ownBoundary(own: Plain, id: string, notes: string[]): Pick<RawBoundary, 'kind' | 'controls'> & { trust?: TrustLevel } {
  const local: string[] = [];
  const fields = schemaFields(own, boundarySchema.shape, ['trust', 'kind', 'controls'] as const, local);
  for (const n of local) notes.push(`${id}: ${n}`);
  // The export writes the trust levels themselves; an alias typed by hand is the model's to resolve.
  return fields as Pick<RawBoundary, 'kind' | 'controls'> & { trust?: TrustLevel };
}

/** An assumption as the model writes it: a text, or a text with the rules it rules out and where. */
type RawAssumption = NonNullable<RawModel['assumptions']>[number];

/** A written threat as the model wrote it, from the system's note (render's TdOwnWrittenEntry). */
interface OwnWrittenEntry {
  id: string;
  entry: RawWrittenThreat;
  /** The targets of its `on:` on which the export put no threat (mitigated or ruled out there). */
  unreported: ReadonlySet<string>;
}

/** What the system's note keeps: the system's version, the assets, and the model's sections the result does not hold. */
interface OwnSystem {
  version?: string;
  assets: Array<[string, RawAsset]>;
  assumptions: RawAssumption[];
  rules?: RawRulesSection;
  written: OwnWrittenEntry[];
}

/** The system's note: each part as the model accepts it; one the model would refuse is left out with a note. */
function ownSystem(own: Plain, notes: string[]): OwnSystem {
  const assets: Array<[string, RawAsset]> = [];
  for (const [id, value] of isObj(own.assets) ? Object.entries(own.assets) : []) {
    const parsed = assetSchema.safeParse(value ?? {});
    if (ID_PATTERN.test(id) && parsed.success) assets.push([id, parsed.data]);
    else notes.push(`asset \`${id}\` in threatmap's data on the system's note is not one the model accepts; left out`);
  }
  const rules = own.rules === undefined ? undefined : rulesSectionSchema.safeParse(own.rules);
  if (rules && !rules.success) notes.push("the `rules` in threatmap's data on the system's note are not a `rules:` section the model accepts; left out");
  return {
    ...(typeof own.version === 'string' ? { version: own.version } : {}), assets,
    assumptions: ownAssumptions(own.assumptions, notes),
    ...(rules?.success ? { rules: rules.data } : {}),
    written: ownWrittenEntries(own.written, notes),
  };
}

function ownAssumptions(raw: unknown, notes: string[]): RawAssumption[] {
  const out: RawAssumption[] = [];
  for (const a of Array.isArray(raw) ? raw : []) {
    const parsed = assumptionSchema.safeParse(a);
    if (parsed.success) out.push(parsed.data);
    else notes.push(`an assumption in threatmap's data on the system's note is not one the model accepts; left out (${oneLine(JSON.stringify(a) ?? '')})`);
  }
  return out;
}

function ownWrittenEntries(raw: unknown, notes: string[]): OwnWrittenEntry[] {
  const out: OwnWrittenEntry[] = [];
  for (const [id, value] of isObj(raw) ? Object.entries(raw) : []) {
    const parsed = isObj(value) ? writtenThreatSchema.safeParse(value.entry) : undefined;
    if (ID_PATTERN.test(id) && parsed?.success) out.push({ id, entry: parsed.data, unreported: new Set(textList((value as Plain).unreported) ?? []) });
    else notes.push(`threat \`${id}\` in threatmap's data on the system's note is not one the model accepts; left out`);
  }
  return out;
}

const textList = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? [...v] : undefined);

/** What the export recorded about one threat of a cell, by the threat's Threat Dragon id. */
function ownThreat(cellOwn: Plain | undefined, t: Plain): Exported | undefined {
  const all = cellOwn && isObj(cellOwn.threats) ? cellOwn.threats : undefined;
  const own = all && typeof t.id === 'string' && Object.hasOwn(all, t.id) ? all[t.id] : undefined;
  if (!isObj(own) || typeof own.uid !== 'string') return undefined;
  const w = isObj(own.written) && typeof own.written.id === 'string' && ID_PATTERN.test(own.written.id) ? own.written : undefined;
  const recorded = ownDecision(own.decision);
  const scope = readScope(own.scope);
  const mitigatedBy = textList(w?.['mitigated-by'])?.filter(isControlName);
  const references = textList(w?.references);
  return {
    uid: own.uid, description: describedAbove(t.description),
    ...(recorded ? { recorded } : {}),
    ...(scope.risk ? { scope: { ...scope, risk: scope.risk } } : {}),
    ...(w && typeof own.severity === 'string' ? { severity: own.severity } : {}),
    ...(w ? {
      written: w.id as string,
      ...(levelOfWord(w.likelihood) ? { likelihood: levelOfWord(w.likelihood) } : {}),
      ...(levelOfWord(w.impact) ? { impact: levelOfWord(w.impact) } : {}),
      ...(typeof w.on === 'string' ? { on: w.on } : {}),
      ...(mitigatedBy?.length ? { mitigatedBy } : {}),
      ...(references?.length ? { references } : {}),
    } : {}),
  };
}

const isStatus = (v: unknown): v is TriageStatus => typeof v === 'string' && (TRIAGE_STATUSES as readonly string[]).includes(v);

/** A recorded decision, its fields as triage accepts them (dates as YYYY-MM-DD). */
function ownDecision(raw: unknown): TdOwnDecision | undefined {
  if (!isObj(raw) || !isStatus(raw.status)) return undefined;
  const text = (k: 'reason' | 'owner' | 'ticket') => (typeof raw[k] === 'string' && raw[k] ? { [k]: raw[k] } : {});
  const date = (k: 'expires' | 'review') => (typeof raw[k] === 'string' && isIsoDate(raw[k]) ? { [k]: raw[k] } : {});
  return {
    status: raw.status, ...(isStatus(raw.declared) ? { declared: raw.declared } : {}),
    ...text('reason'), ...text('owner'), ...text('ticket'), ...date('expires'), ...date('review'), ...readScope(raw),
  };
}

/** A scope as threatmap's data carries it (`risk`, `covers`: flow ids), the fields that are one. */
function readScope(raw: unknown): Partial<CarriedScope> {
  if (!isObj(raw)) return {};
  const risk = typeof raw.risk === 'string' ? readRisk(raw.risk) : undefined;
  const covers = textList(raw.covers);
  return { ...(risk ? { risk } : {}), ...(covers ? { covers: [...new Set(covers)].sort() } : {}) };
}

/**
 * References the model would refuse, left out with a note: an asset, caller or endpoint that threatmap's
 * data names but the file no longer has (the system's note or an element deleted in Threat Dragon, a flow
 * drawn to another element).
 */
function dropDangling(elements: Element[], flows: FlowOut[], assets: ReadonlySet<string>): void {
  const ids = new Set(elements.map((e) => e.id));
  const keep = (list: string[] | undefined, known: ReadonlySet<string>, what: string, into: string[]) => {
    const gone = (list ?? []).filter((x) => !known.has(x));
    if (gone.length) into.push(`${what} ${gone.map((x) => `\`${x}\``).join(', ')} no longer in the file: left out`);
    return list?.filter((x) => known.has(x));
  };
  for (const e of elements) {
    if (!e.own) continue;
    e.stores = keep(e.stores, assets, 'stored asset', e.notes) ?? [];
    e.own.handles = keep(e.own.handles, assets, 'handled asset', e.notes);
    for (const [key, ep] of e.own.endpoints ?? []) {
      ep.accepts = keep(ep.accepts, assets, `${key}: accepted asset`, e.notes);
      ep.returns = keep(ep.returns, assets, `${key}: returned asset`, e.notes);
      ep.callers = keep(ep.callers, ids, `${key}: caller`, e.notes);
    }
  }
  for (const f of flows) if (f.own) f.own.data = keep(f.own.data, assets, 'carried asset', f.notes);
}

/**
 * The endpoint each flow calls, as threatmap's data names it (a key or route, as the model wrote it): kept
 * where the model resolves it, on the flow's target or one service behind the load balancer or gateway it
 * calls (endpointServers); else left out, with a warning at it and a note on the flow (an endpoint deleted,
 * a flow drawn to another element).
 */
function placeEndpoints(elements: readonly Element[], flows: readonly FlowOut[], src: YamlSource): void {
  const byId = new Map(elements.map((e) => [e.id, e]));
  const names = new Map(elements.map((e) => [e.id, new Set((e.own?.endpoints ?? []).flatMap(([k]) => [k, parseEndpointKey(k).route]))]));
  const targets = targetsOf(flows);
  const view: EndpointView = {
    typeOf: (id) => byId.get(id)?.type ?? impliedElementType(byId.get(id)?.tech),
    declares: (id, name) => names.get(id)?.has(name) === true,
    next: (id) => targets.get(id) ?? [],
  };
  for (const f of flows) {
    const name = f.own?.endpoint;
    if (name === undefined) continue;
    const problem = unservedEndpoint(f.to, name, endpointServers(f.to, name, view), view);
    if (!problem) continue;
    src.problem('warning', problem.code, f.endpointAt ?? 0, [], `flow ${f.from} -> ${f.to}: ${problem.message}`);
    f.notes.push(problem.message);
    delete f.own!.endpoint;
  }
}
