// Reading an OWASP Threat Dragon v2 file (JSON) for `threatmap import`: the cells of its diagrams become a
// threatmap model to review. Pure: no Node APIs; the CLI reads and writes the files.
//
// Mapping, Threat Dragon -> threatmap (each choice is explained where it is made below):
//   summary                      -> system (title, description, owner)
//   detail.diagrams[]            -> one model: every diagram's cells merged, ids unique across them
//   actor / process / store      -> external element / process / store; id from the cell's name
//   flow                         -> flow (bidirectional -> a flow each way; protocol from `protocol`, else
//                                   https when isEncrypted, else http); a flow with a loose end is left out
//   trust-boundary-box           -> boundary holding the elements whose centre lies inside it (nested boxes nest)
//   trust-boundary-curve         -> no boundary: a line says nothing of sides; flows that cross it are noted
//   threats on cells             -> `threats:` on the element or flow (type -> STRIDE, severity -> impact);
//                                   statuses Mitigated / NotApplicable -> the model's triage file
// Threat Dragon v1 files (`detail.diagrams[].diagramJson`) are not read: an error says so.
import { isMap, isScalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { type ElementKind, ELEMENT_TYPES, type ElementType, type Level, PROTOCOLS, type TrustLevel } from '../model/catalog.js';
import { isControlName } from '../model/rule-conditions.js';
import { sortDiagnostics } from '../model/diagnostics.js';
import { isWrittenRule, NO_DESCRIPTION_WRITTEN, NO_MITIGATION_WRITTEN, STATED, WRITTEN_RULE_PREFIX } from '../analysis/rules/written.js';
import { isIsoDate } from '../track/dates.js';
import { TD_STATUS } from '../render/threat-dragon.js';
import type { TriageStatus } from '../track/types.js';
import {
  flowTarget,
  clipped, credentialsSection, flowItem, hasError, headerTail, type ImportedDecision, type ImportedDecisionFields, importedTriage, type ImportedTarget, type ImportedThreat,
  type ImportOptions, type ImportResult, keyedEntry, levelOfWord, lookup, modelId, neverThrows, oneLine, outsideEntry, section, slug, startModel,
  strideOfWord, threatsSection, UNTRUSTED_NAME,
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

export interface TdImportSummary {
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
}

export type TdImportResult = ImportResult<TdImportSummary>;

// --- The parts, as read ------------------------------------------------------------------------------

type Plain = Record<string, unknown>;
const isObj = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? oneLine(v.replace(/\s*[\r\n]+\s*/g, ' ')).trim() : undefined);
const point = (v: unknown): Point | undefined => (isObj(v) && num(v.x) && num(v.y) ? { x: v.x, y: v.y } : undefined);

interface Cell { tdId: string; shape: string; line: number; offset: number; diagram: number; data: Plain; raw: Plain; node: YAMLMap }
interface Element extends Cell {
  id: string; kind: ElementKind; name?: string; type?: ElementType; tech?: string; rect?: Rect; in?: string;
  controls: string[]; stores: string[]; privileged?: boolean; notes: string[];
}
interface Box extends Cell { id: string; name?: string; rect: Rect; trust: TrustLevel; trustNote: string; in?: string }
interface Curve extends Cell { label: string; line2: Point[] }
interface FlowOut {
  from: string; to: string; line: number; tdId: string; name?: string; description?: string; protocol: string;
  encrypted?: boolean; controls: string[]; notes: string[]; reverse?: boolean; id?: string;
}

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

// --- Import ------------------------------------------------------------------------------------------

/**
 * A Threat Dragon v2 file as a threatmap model. Never throws: JSON syntax errors, a file that is not Threat
 * Dragon's (or is v1), and cells without the expected shape are diagnostics with file:line:col (errors leave
 * no text; a cell that cannot be used is a warning and is left out). Deterministic: the file's order.
 */
export function importThreatDragon(text: string, file: string, options: ImportOptions = {}): TdImportResult {
  return neverThrows(file, () => importUnsafe(text, file, options));
}

function importUnsafe(text: string, file: string, options: ImportOptions): TdImportResult {
  // JSON is YAML: the YAML reader gives every value its line and column, which JSON.parse would not.
  const src = options.source ?? new YamlSource(text, file);
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
      if (shape === 'text') continue; // a note on the canvas: nothing of the system
      cells.push({ tdId, shape, line: line(c.offset), offset: c.offset, diagram: di, data, raw, node: c.node });
    }
  });

  const taken = new Set<string>();
  const nameOf = (c: Cell): string | undefined => {
    const attrs = isObj(c.raw.attrs) ? c.raw.attrs : {};
    const label = isObj(attrs.text) ? attrs.text.text : isObj(attrs.label) ? attrs.label.text : undefined;
    return str(c.data.name) ?? str(label);
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
    const own = exportedFacts(c.data, 'element');
    const e: Element = { ...c, id: modelId(own?.id ?? '', name, c.shape, taken), kind, name, rect: rectOf(c), controls: [], stores: [], notes: [] };
    const d = c.data;
    if (!e.rect) e.notes.push('no position and size in the file: placed in no box');
    if (d.outOfScope === true) e.notes.push(`out of scope in Threat Dragon${str(d.reasonOutOfScope) ? `: ${str(d.reasonOutOfScope)}` : ''}; imported all the same, remove it if it does not belong`);
    if (c.shape === 'actor') {
      // An actor that provides authentication is someone else's identity service (Auth0, Okta are third
      // parties in the catalog); any other actor is a person, the DFD's usual external entity.
      e.type = d.providesAuthentication === true ? 'third-party' : 'user';
      if (d.providesAuthentication === true) e.notes.push('provides authentication: an external identity provider; set `tech` (auth0, okta...)');
    } else if (c.shape === 'process') {
      if (d.providesAuthentication === true) e.type = 'identity-provider';
      else if (d.isWebApplication === true) e.type = 'web-app';
      // privilegeLevel is free text in Threat Dragon; only words that mean administrative rights say privileged.
      const level = str(d.privilegeLevel);
      if (level && /\b(root|admin|administrator|system|privileged|elevated|high)\b/i.test(level)) e.privileged = true;
      else if (level) e.notes.push(`privilege level "${level}": not read as privileged; set \`privileged: true\` if it is`);
      if (d.handlesCardPayment === true) e.notes.push('handles card payment: add the payment data it handles as an asset');
    } else {
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
      if (d.storesCredentials === true) {
        e.stores.push('credentials');
        credentials = true;
      }
    }
    // A cell threatmap exported says what Threat Dragon has no field for: its type, technology and controls.
    if (own?.type) e.type = own.type;
    if (own?.tech) e.tech = own.tech;
    for (const control of own?.controls ?? []) if (!e.controls.includes(control)) e.controls.push(control);
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
  const publicEnds: Element[] = [];
  let crossings = 0;
  for (const c of cells) {
    if (c.shape !== 'flow') continue;
    const end = (which: 'source' | 'target'): Element | undefined => {
      const v = c.raw[which];
      const cellId = isObj(v) && typeof v.cell === 'string' ? v.cell : undefined;
      // Positions point at the end's own key, so an editor opens on it.
      const at = entry(c.node, which)?.offset ?? c.offset;
      if (cellId === undefined) {
        src.problem('warning', 'missing-reference', at, [], `a flow whose ${which} is attached to no element (a loose end on the canvas) is left out`);
        return undefined;
      }
      const e = byCell.get(key(c.diagram, cellId));
      if (!e) src.problem('warning', 'unknown-reference', at, [], `no element of this diagram has cell id \`${cellId}\`; this flow is left out`);
      return e;
    };
    const from = end('source');
    const to = end('target');
    if (!from || !to) continue;
    if (from === to) {
      src.problem('warning', 'self-flow', c.offset, [], `a flow from \`${from.id}\` to itself is left out`);
      continue;
    }
    const d = c.data;
    const notes: string[] = [];
    const stated = str(d.protocol);
    const named = catalogProtocol(stated);
    // A protocol the file names wins; else isEncrypted says TLS (https, Threat Dragon's web default) or not
    // (http): threatmap assumes cleartext until the model says otherwise.
    const protocol = named ?? (d.isEncrypted === true ? 'https' : 'http');
    if (stated && !named) notes.push(`protocol "${stated}" is not one threatmap knows: ${protocol} assumed`);
    if (!stated) notes.push(`no protocol in the file: ${protocol} assumed (isEncrypted ${d.isEncrypted === true})`);
    const encrypted = named && d.isEncrypted === true && !PROTOCOLS[named].encrypted ? true : undefined;
    const controls: string[] = [];
    // A signed flow's messages are signed by the sender: the catalog's request-signing.
    if (d.isSigned === true) controls.push('request-signing');
    if (d.outOfScope === true) notes.push(`out of scope in Threat Dragon${str(d.reasonOutOfScope) ? `: ${str(d.reasonOutOfScope)}` : ''}`);
    const path = [centreOf(from), ...(Array.isArray(c.raw.vertices) ? c.raw.vertices.map(point) : []), centreOf(to)];
    if (path.every((p) => p !== undefined)) {
      for (const k of curves) {
        if (k.diagram === c.diagram && polylinesMeet(path as Point[], k.line2)) {
          notes.push(`crosses boundary curve ${k.label}: a trust boundary in Threat Dragon; put its ends in boundaries`);
          crossings++;
        }
      }
    }
    if (d.isPublicNetwork === true) {
      // Over the public network: the untrusted end is the external one, else the caller (the source).
      const far = from.kind === 'external' ? from : to.kind === 'external' ? to : from;
      const box = boxes.find((b) => b.id === far.in);
      if (!far.in) publicEnds.push(far);
      else if (box?.trust !== 'untrusted') notes.push(`over a public network, but \`${far.id}\` is already in a box: check its trust`);
    }
    const base: FlowOut = {
      from: from.id, to: to.id, line: c.line, tdId: c.tdId, name: str(d.name), protocol, controls, notes,
      ...(ownDescription(d) ? { description: ownDescription(d) } : {}),
      ...(encrypted ? { encrypted } : {}),
    };
    // A flow threatmap exported under an id of its own gets it back (one named by its ends needs none).
    const ownId = exportedFacts(d, 'flow')?.id;
    if (ownId !== undefined && ownId !== `${from.id}->${to.id}` && d.isBidirectional !== true) base.id = modelId(ownId, undefined, 'flow', taken);
    const list = d.isBidirectional === true
      ? [base, { ...base, from: to.id, to: from.id, reverse: true, name: base.name ? `${base.name} (reply)` : undefined }] : [base];
    for (const f of list) {
      const pair = `${f.from}\u0000${f.to}`;
      // A second flow between the same pair needs an id of its own (the model requires it).
      if (pairs.has(pair) && f.id === undefined) f.id = modelId('', `${f.name ?? 'flow'}${f.reverse ? ' reply' : ''}`, 'flow', taken);
      pairs.add(pair);
      flows.push(f);
    }
  }

  // Elements outside every box: actors are outside the system by the DFD's own definition, and an element
  // reached over a public network is on the internet's side of that flow. Both go into one untrusted
  // boundary, `outside`, so that threatmap sees the flows that cross into the system; processes and
  // stores in no box stay in none (threatmap's internal default), since nothing says where they are.
  const outside = elements.filter((e) => !e.in && (e.kind === 'external' || publicEnds.includes(e)));
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
  for (const e of elements) for (const n of e.notes) notes.push(`${e.id}: ${n}`);

  // Threats: written into the model on the element or flow they were recorded on, with their status as triage.
  const threats: TdThreatNote[] = [];
  const written: ImportedThreat[] = [];
  const rederived: ImportedDecision[] = [];
  const flowTargets = new Map(flows.filter((f) => !f.reverse).map((f) => [f.tdId, flowTarget(f, flows)] as const));
  for (const c of cells) {
    const list = Array.isArray(c.data.threats) ? c.data.threats : [];
    const element = byCell.get(key(c.diagram, c.tdId))?.id;
    const target = element !== undefined ? { ref: element, component: element } : flowTargets.get(c.tdId);
    for (const t of list) {
      if (!isObj(t)) continue;
      const title = str(t.title) ?? '(untitled)';
      const exported = exportedByThreatmap(t);
      threats.push({
        title, severity: str(t.severity) ?? 'no severity', status: str(t.status) ?? 'no status', on: target?.ref ?? `cell ${c.tdId}`,
        ...(exported && !isWrittenRule(exported.ruleId) ? { own: true } : {}),
      });
      if (exported && !isWrittenRule(exported.ruleId)) {
        // One of threatmap's own, exported to Threat Dragon: analysis derives it again, so only its decision comes back.
        const decision = exportedDecision(t, exported);
        if (decision) rederived.push({ key: exported.uid, title, ...decision });
        continue;
      }
      const threat = tdThreat(t, title, c, target, file, notes, exported);
      // A written threat on several things was exported once per cell: it comes back as one, on all of them.
      const same = exported && written.find((w) => w.wanted === threat.wanted && w.title === threat.title);
      if (same && target && !same.on.some((o) => o.component === target.component)) {
        // Each cell's copy carries the decision about the threat there: it moves onto its target.
        if (same.decision) same.on = same.on.map((o) => ({ ...o, decision: o.decision ?? same.decision }));
        delete same.decision;
        same.on.push({ ...target, ...(threat.decision ? { decision: threat.decision } : {}) });
        same.comment.push(...threat.comment.slice(0, 1));
        continue;
      }
      written.push(threat);
    }
  }
  // The export lists a threat on no element or flow (one on the whole system covering no flow) in the diagram's
  // description, by title only: named here, to write again if it still holds.
  for (const [, title] of diagramDescriptions.join('\n').matchAll(/^- TM-[0-9a-f]{8} (.+) \([A-Z][a-z]+, [a-z-]+\)$/gm)) {
    notes.push(`"${title}": exported on no element or flow (listed in the diagram's description), so not imported; write it under \`threats:\` again if it still holds`);
  }

  const summary: TdImportSummary = {
    version, system: systemName, diagrams, boundaries: boxes.length + (outsideId ? 1 : 0), elements: elements.length,
    flows: flows.length, curves: curves.length, threats, notes,
  };
  if (hasError(src.diagnostics)) return done();
  const { text: modelText, decisions } = writeModel({ file, version, system, diagrams, elements, boxes, outsideId, flows, threats, written, notes, credentials }, options);
  const triage = importedTriage([
    `Decisions imported by \`threatmap import\` from ${file} (${THREAT_DRAGON_FORMAT} ${version}): the status of each of its threats that is`,
    'not Open. They apply to the threats of the same keys in the model\'s `threats:` section.',
  ], [...decisions, ...rederived]);
  return { text: modelText, ...(triage ? { triage } : {}), diagnostics: sortDiagnostics(src.diagnostics), summary };
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

/** What `threatmap export --format threat-dragon` writes under a threat's own description (src/render/threat-dragon.ts). */
const EXPORTED_LINE = /^threatmap (TM-[0-9a-f]{8}) \(T\d+, rule (\S+), on .*\)$/m;
const TRIAGE_LINE = /^Triage: (open|mitigating|mitigated|accepted|false-positive|transferred)(?: \((.*)\))?$/m;
const RATING_LINE = (what: string) => new RegExp(`^${what}: (High|Medium|Low): .*, ${STATED} \\(threats\\.[^)]*\\)$`, 'm');
const STATED_LIKELIHOOD = RATING_LINE('Likelihood');
const STATED_IMPACT = RATING_LINE('Impact');

interface Exported {
  uid: string;
  ruleId: string;
  /** The description above threatmap's lines. */
  description: string;
  /** The decision as exported, when the export recorded one. */
  triage?: { status: TriageStatus; details?: string };
  /** The ratings the model stated (a written threat's); absent: they were rated from the model. */
  likelihood?: Level;
  impact?: Level;
}

function exportedByThreatmap(t: Plain): Exported | undefined {
  if (typeof t.description !== 'string') return undefined;
  const m = EXPORTED_LINE.exec(t.description);
  if (!m) return undefined;
  const rest = t.description.slice(m.index);
  const triage = TRIAGE_LINE.exec(rest);
  const likelihood = levelOfWord(STATED_LIKELIHOOD.exec(rest)?.[1]);
  const impact = levelOfWord(STATED_IMPACT.exec(rest)?.[1]);
  const description = t.description.slice(0, m.index).trim();
  return {
    uid: m[1], ruleId: m[2], description: description === NO_DESCRIPTION_WRITTEN ? '' : description,
    ...(likelihood ? { likelihood } : {}), ...(impact ? { impact } : {}),
    ...(triage ? { triage: { status: triage[1] as TriageStatus, ...(triage[2] ? { details: triage[2] } : {}) } } : {}),
  };
}

/**
 * The decision about an exported threat: the one the export recorded while Threat Dragon still shows the status
 * it was exported with (an acceptance shows as Mitigated there, and keeps its reason); the status set in Threat
 * Dragon once someone has changed it.
 */
function exportedDecision(t: Plain, exported: Exported): ImportedDecisionFields | undefined {
  const status = (str(t.status) ?? '').toLowerCase().replace(/[^a-z]/g, '');
  const recorded = exported.triage;
  if (recorded && TD_STATUS[recorded.status].toLowerCase() === status) {
    if (recorded.status === 'open') return undefined;
    return { status: recorded.status, ...(recorded.details ? decisionDetails(recorded.details) : {}) };
  }
  const decided = TD_DECISIONS[status];
  return decided ? { status: decided.status, reason: `marked ${decided.words} in ${THREAT_DRAGON_FORMAT}` } : undefined;
}

/** Threat Dragon's statuses that are decisions; `Open` is none. */
const TD_DECISIONS: Readonly<Record<string, { status: TriageStatus; words: string }>> = {
  mitigated: { status: 'mitigated', words: 'Mitigated' },
  notapplicable: { status: 'false-positive', words: 'Not Applicable' },
};

/**
 * One threat of a cell as the model's: its category as a STRIDE letter, its severity as the impact (Threat
 * Dragon rates nothing else; the likelihood is then rated from the model, as for every threat), its status
 * as a triage decision. A threat on a cell that is not imported (a boundary curve) concerns the whole system.
 */
function tdThreat(t: Plain, title: string, c: Cell, target: ImportedTarget | undefined, file: string, notes: string[], exported?: Exported): ImportedThreat {
  const type = str(t.type);
  let stride = strideOfWord(type);
  if (!stride) {
    stride = 'T';
    notes.push(`threat "${title}" (${file}:${c.line}): its type ${type ? `"${type}"` : '(none)'} is no STRIDE category; written as T (tampering): correct it`);
  }
  const status = TD_DECISIONS[(str(t.status) ?? '').toLowerCase().replace(/[^a-z]/g, '')];
  const mitigation = ownMitigation(t.mitigation, exported !== undefined);
  const text = exported ? exported.description : t.description;
  const description = typeof text === 'string' && text.trim() ? text.trim() : undefined;
  const severity = str(t.severity);
  const decision = exported ? exportedDecision(t, exported)
    : status && { status: status.status, reason: `marked ${status.words} in ${THREAT_DRAGON_FORMAT}${status.status === 'mitigated' && mitigation ? `: ${oneLine(mitigation)}` : ''}` };
  return {
    // A threat written in a threatmap model and exported comes back under its own id.
    wanted: exported ? exported.ruleId.slice(WRITTEN_RULE_PREFIX.length) : slug(title) || 'threat',
    title,
    stride,
    on: target ? [target] : [],
    ...(description ? { description } : {}),
    // Exported by threatmap: the ratings the model stated; else Threat Dragon's severity, its only rating.
    ...(exported ? { ...(exported.likelihood ? { likelihood: exported.likelihood } : {}), ...(exported.impact ? { impact: exported.impact } : {}) }
      : levelOfWord(severity) ? { impact: levelOfWord(severity) } : {}),
    ...(mitigation ? { mitigation } : {}),
    comment: [
      `${file}:${c.line} threat${str(t.id) ? ` ${str(t.id)}` : ''} on ${c.shape} ${c.tdId}${target ? '' : ' (a cell not imported: the whole system)'}`,
      `Threat Dragon: ${str(t.status) ?? 'no status'}, severity ${severity ?? 'none'}${t.score !== undefined && t.score !== '' ? `, score ${String(t.score)}` : ''}`,
    ],
    ...(decision ? { decision } : {}),
  };
}

// --- Writing -----------------------------------------------------------------------------------------

interface Parts {
  file: string; version: string; system: Record<string, string>; diagrams: string[]; elements: Element[]; boxes: Box[];
  outsideId?: string; flows: FlowOut[]; threats: TdThreatNote[]; written: ImportedThreat[]; notes: string[]; credentials: boolean;
}

function header(p: Parts, options: ImportOptions): string[] {
  const lines = [
    `Imported by \`threatmap import\` from ${p.file} (${THREAT_DRAGON_FORMAT} ${p.version}).`,
    `Diagrams merged into this model: ${p.diagrams.map((d) => `"${d}"`).join(', ') || 'none'}.`,
    'A model to review: each boundary, element and flow says which line of the Threat Dragon file its cell is on.',
    `The file records ${p.threats.length} threat${p.threats.length === 1 ? '' : 's'}, written under \`threats:\` below (severity as impact), beside those \`threatmap analyze\` derives;`,
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
    for (const b of p.boxes) {
      const v: Record<string, unknown> = {};
      if (b.name !== undefined && b.name !== b.id) v.name = b.name;
      const description = ownDescription(b.data);
      if (description) v.description = description;
      v.trust = b.trust;
      if (b.in) v.in = b.in;
      map.items.push(keyedEntry(doc, b.id, [where(b), b.trustNote], v));
    }
    section(root, 'boundaries', map);
  }

  if (p.credentials) credentialsSection(doc, root, 'Threat Dragon marks storesCredentials');

  const elements = new YAMLMap();
  for (const e of p.elements) {
    const v: Record<string, unknown> = {};
    if (e.name !== undefined && e.name !== e.id) v.name = e.name;
    if (e.type) v.type = e.type;
    else v.kind = e.kind;
    if (e.tech) v.tech = e.tech;
    if (e.in) v.in = e.in;
    const description = ownDescription(e.data);
    if (description) v.description = description;
    if (e.privileged) v.privileged = true;
    if (e.stores.length) v.stores = e.stores;
    if (e.controls.length) v.controls = e.controls;
    elements.items.push(keyedEntry(doc, e.id, [where(e), ...e.notes], v));
  }
  section(root, 'elements', elements);

  if (p.flows.length) {
    const seq = new YAMLSeq();
    for (const f of p.flows) {
      const details: Record<string, unknown> = {};
      if (f.id) details.id = f.id;
      if (f.name) details.name = f.name;
      details.protocol = f.protocol;
      if (f.encrypted !== undefined) details.encrypted = f.encrypted;
      if (f.controls.length) details.controls = f.controls;
      if (f.description) details.description = f.description;
      seq.items.push(flowItem(doc, f.from, f.to, details, [`${p.file}:${f.line} flow ${f.tdId}${f.reverse ? ' (bidirectional: the reply)' : ''}`, ...f.notes]));
    }
    section(root, 'flows', seq);
  }
  const decisions = threatsSection(doc, root, p.written);
  return { text: doc.toString({ lineWidth: 0 }), decisions };
}

/**
 * The details the export writes after a decision (`reason; owner alice; ticket SHOP-9; expires 2027-01-01;
 * review 2026-12-01`, src/render/threat-dragon.ts) back in their fields: read from the end, as a reason may
 * itself hold `; `. A lapsed declaration (`declared accepted (lapsed)`) is the export's remark, not a field.
 */
function decisionDetails(details: string): Partial<ImportedDecisionFields> {
  const parts = details.split('; ');
  const out: Partial<ImportedDecisionFields> = {};
  while (parts.length) {
    const last = parts[parts.length - 1];
    const m = /^(owner|ticket|expires|review) (.+)$/.exec(last);
    if (m && ((m[1] !== 'expires' && m[1] !== 'review') || isIsoDate(m[2]))) out[m[1] as 'owner' | 'ticket' | 'expires' | 'review'] = m[2];
    else if (!/^declared [a-z-]+ \(lapsed\)$/.test(last)) break;
    parts.pop();
  }
  const reason = parts.join('; ').trim();
  return reason ? { reason, ...out } : out;
}

/**
 * A threat's mitigation as its team wrote it. The export writes a decided threat's decision above the rule's
 * mitigation, and a placeholder where the model has none: neither is a mitigation to keep.
 */
function ownMitigation(text: unknown, exported: boolean): string | undefined {
  if (typeof text !== 'string' || !text.trim()) return undefined;
  let own = text.trim();
  if (exported) {
    own = own.replace(/^(?:Risk accepted|Risk transferred|Not applicable \(false positive\))(?:: [^\n]*)?\.\n\n/, '').trim();
    if (own === NO_MITIGATION_WRITTEN) return undefined;
  }
  return own || undefined;
}
