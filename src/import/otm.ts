// Reading an Open Threat Model file (OTM 0.1.0/0.2.0, YAML or JSON) for `threatmap import`: trust zones,
// components, dataflows and assets become a threatmap model to review. Pure: no Node APIs; the CLI reads
// and writes the files.
//
// Mapping, OTM -> threatmap (the inverse of src/render/otm.ts, so that an exported file imports back to an
// equivalent model; every choice is explained where it is made below):
//   project                      -> system (name, description, owner; version from our exporter's attribute)
//   trustZone                    -> boundary (trust from attributes.trust, else the name, else risk.trustRating;
//                                   `in` from parent.trustZone; our exporter's "outside" zones are dropped)
//   component                    -> element (`in` from parent; kind/type/tech from our tags, else OTM's type
//                                   and tags; handles/stores from assets.processed/stored)
//   dataflow                     -> flow (bidirectional -> two flows; protocol/auth from our tags, else http)
//   asset                        -> asset (C/I/A from risk 0-100 in three bands; classification from attributes)
//   threat                       -> header comment only: `threatmap analyze` derives its own threats
//   mitigation (implemented)     -> a control when it names one catalog control unambiguously, else a comment
import { isMap, isScalar, YAMLMap, YAMLSeq } from 'yaml';
import { clipped, type ImportOptions, type ImportResult, flowItem, hasError, headerTail, keyedEntry, modelId, neverThrows, oneLine, section, slug, startModel, UNTRUSTED_NAME } from './import-common.js';
import type { Node as YamlNode } from 'yaml';
import {
  ASSET_KINDS, ASSET_TYPES, AUTH_ALIASES, AUTH_METHODS, BOUNDARY_KINDS, CLASSIFICATIONS, CONTROLS, ELEMENT_KINDS,
  ELEMENT_TYPES, type ElementKind, type ElementType, type Level, PROTOCOLS, TECHNOLOGIES, TRUST_LEVELS, type TrustLevel,
} from '../model/catalog.js';
import { sortDiagnostics } from '../model/diagnostics.js';
import { CUSTOM_CONTROL_PATTERN, ID_PATTERN } from '../model/schema.js';
import type { ModelPath } from '../model/types.js';
import { techProtocol } from './protocols.js';
import { type Entry, YamlSource } from './yaml-source.js';

export const OTM_FORMAT = 'Open Threat Model';

// Shared with the other importers; re-exported where callers have always found it.
export { THREAT_TITLES_SHOWN } from './import-common.js';

export interface OtmThreatNote {
  id: string;
  name: string;
  /** Model ids of the elements and flows whose instances name it. */
  on: string[];
}

export interface OtmImportSummary {
  otmVersion: string;
  system: string;
  boundaries: number;
  elements: number;
  flows: number;
  assets: number;
  /** The file's threats in file order, with where their instances sit: listed, never imported. */
  threats: OtmThreatNote[];
  mitigations: number;
  /** `element: control (mitigation id)` for each implemented mitigation that became a control. */
  controls: string[];
  /** Things a reviewer should check, one line each. */
  notes: string[];
}

/** The model as YAML (absent when the file has errors), its problems and the summary. */
export type OtmImportResult = ImportResult<OtmImportSummary>;

// --- Scales ------------------------------------------------------------------------------------------

/**
 * trustRating (0-100) -> trust level. Our exporter writes untrusted 0, dmz 33, internal 67, restricted 100
 * (round(100 * rank / 3)); each level takes the ratings nearest its own number, so the bands split at the
 * midpoints: [0, 17) untrusted, [17, 50) dmz, [50, 84) internal, [84, 100] restricted.
 */
export function trustFromRating(rating: number): TrustLevel {
  if (rating < 17) return 'untrusted';
  if (rating < 50) return 'dmz';
  if (rating < 84) return 'internal';
  return 'restricted';
}

/**
 * OTM risk (0-100) -> low/medium/high. Our exporter writes 25/50/75; the bands split at the midpoints
 * between them: [0, 37.5) low, [37.5, 62.5) medium, [62.5, 100] high. So 0 is low and 100 is high.
 */
export function levelFromRisk(value: number): Level {
  if (value < 37.5) return 'low';
  if (value < 62.5) return 'medium';
  return 'high';
}

// --- OTM component types -----------------------------------------------------------------------------

/**
 * Common OTM component types (IriusRisk's library names, StartLeft's mappings, the spec's examples) ->
 * a catalog technology or type. Matched on the lower-cased type; a type that is itself a catalog
 * technology or type needs no entry. Anything else becomes a process, with a comment.
 */
const OTM_TYPES: Array<[RegExp, { tech?: string; type?: ElementType; kind?: ElementKind }]> = [
  [/^(web-client|browser|web-browser)$/, { tech: 'browser' }],
  [/(android|ios|mobile).*(client|app)|^mobile/, { tech: 'mobile-app' }],
  [/^(generic-client|client|desktop-client)$/, { type: 'user-agent' }],
  [/^(user|actor|generic-user|human)$/, { type: 'user' }],
  [/postgres/, { tech: 'postgres' }],
  [/mysql/, { tech: 'mysql' }],
  [/mariadb/, { tech: 'mariadb' }],
  [/mongo/, { tech: 'mongodb' }],
  [/dynamo/, { tech: 'dynamodb' }],
  [/redis/, { tech: 'redis' }],
  [/(sql-server|mssql|azure-sql)/, { tech: 'mssql' }],
  [/(database|(^|-)db($|-)|rds)/, { type: 'database' }],
  [/(^|-)s3($|-)/, { tech: 's3' }],
  [/(blob|object-storage|bucket|azure-storage|storage-account)/, { type: 'object-storage' }],
  [/(file-storage|file-share|filesystem|nfs)/, { type: 'file-storage' }],
  [/(queue|sqs|rabbit|kafka|service-bus|event-hub)/, { type: 'queue' }],
  [/(lambda|function)/, { type: 'function' }],
  [/(load-balancer|(^|-)elb$|(^|-)alb$)/, { type: 'load-balancer' }],
  [/(cdn|cloudfront)/, { type: 'cdn' }],
  [/(api-gateway|gateway)/, { type: 'gateway' }],
  [/(web-application|web-app)/, { type: 'web-app' }],
  [/(web-service|rest|api)/, { type: 'api' }],
  [/(web-server|nginx|apache|tomcat|iis)/, { type: 'web-server' }],
  [/(identity|idp|oauth|cognito|active-directory)/, { type: 'identity-provider' }],
  [/(vault|key-vault|secrets|kms)/, { type: 'secrets-vault' }],
  [/(cache|memcached)/, { type: 'cache' }],
  [/(worker|job|batch)/, { type: 'worker' }],
  [/(third-party|external-service|saas)/, { type: 'third-party' }],
];

interface Identity { kind?: ElementKind; type?: ElementType; tech?: string }

const isType = (s: string): s is ElementType => Object.prototype.hasOwnProperty.call(ELEMENT_TYPES, s);
const isTech = (s: string): boolean => Object.prototype.hasOwnProperty.call(TECHNOLOGIES, s);
const isKind = (s: string): s is ElementKind => (ELEMENT_KINDS as readonly string[]).includes(s);

/**
 * What a component is. Our exporter's tags `kind:x`, `tech:x`, `type:x` are read back exactly (they are
 * what the model said); else the OTM type (a catalog technology, a catalog type, a common OTM type), then
 * the tags (the spec tags its database `postgres`, its client `external`). Unknown: a process, noted.
 */
function identityOf(type: string | undefined, tags: readonly string[]): { identity: Identity; note?: string } {
  const tagged: Identity = {};
  for (const t of tags) {
    const m = /^(kind|tech|type):(.+)$/.exec(t);
    if (!m) continue;
    if (m[1] === 'kind' && isKind(m[2])) tagged.kind = m[2];
    else if (m[1] === 'type' && isType(m[2])) tagged.type = m[2];
    else if (m[1] === 'tech') tagged.tech = m[2];
  }
  if (tagged.kind || tagged.type || tagged.tech) return { identity: tagged };
  const id: Identity = {};
  const t = (type ?? '').toLowerCase();
  if (isTech(t)) id.tech = t;
  else if (isType(t)) id.type = t;
  else for (const [re, v] of OTM_TYPES) if (re.test(t)) { Object.assign(id, v); break; }
  // A tag naming a technology makes a known type more precise (the spec's `database` tagged `postgres`).
  const techTag = tags.map((x) => x.toLowerCase()).find(isTech);
  if (techTag && !id.tech && (!id.type || TECHNOLOGIES[techTag].type === id.type || ELEMENT_TYPES[TECHNOLOGIES[techTag].type].kind === ELEMENT_TYPES[id.type].kind)) {
    id.tech = techTag;
    delete id.type;
  }
  if (!id.tech && !id.type && tags.some((x) => /^external$/i.test(x))) id.kind = 'external';
  if (id.tech || id.type || id.kind) return { identity: id };
  return {
    identity: { kind: 'process' },
    note: type ? `OTM type \`${type}\` is not one threatmap knows: a process; set \`type\` or \`tech\`` : 'no OTM type: a process; set `type` or `tech`',
  };
}

// --- Helpers -----------------------------------------------------------------------------------------

const isAuth = (s: string): boolean => (AUTH_METHODS as readonly string[]).includes(s) || Object.prototype.hasOwnProperty.call(AUTH_ALIASES, s);
const isControl = (s: string): boolean => Object.prototype.hasOwnProperty.call(CONTROLS, s) || CUSTOM_CONTROL_PATTERN.test(s);
const isProtocol = (s: string): boolean => Object.prototype.hasOwnProperty.call(PROTOCOLS, s) || /^x-[a-z0-9][a-z0-9+.-]*$/.test(s);
const splitList = (s: string | undefined): string[] => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);

/** A value read from the file: its node and where it is. */
interface Field { value: YamlNode | null; offset: number; path: ModelPath }

class Reader {
  constructor(readonly src: YamlSource) {}

  fields(node: YamlNode | null, _offset: number, path: ModelPath): Map<string, Field> {
    const out = new Map<string, Field>();
    if (!isMap(node)) return out;
    for (const e of this.src.entries(node, path)) out.set(e.key, { value: e.value, offset: e.offset, path: e.path });
    return out;
  }

  /** A scalar as text; a collection is an error (reported), null and absence are undefined. */
  str(f: Field | undefined): string | undefined {
    if (!f) return undefined;
    const t = this.src.text(f.value, f.offset, f.path, 'a string');
    return t === null ? undefined : t;
  }

  num(f: Field | undefined): number | undefined {
    if (!f || f.value === null) return undefined;
    if (isScalar(f.value) && typeof f.value.value === 'number') return f.value.value;
    if (isScalar(f.value) && typeof f.value.value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(f.value.value)) return Number(f.value.value);
    if (isScalar(f.value) && f.value.value === null) return undefined;
    this.src.wrongType(f.value, f.offset, f.path, 'a number from 0 to 100');
    return undefined;
  }

  /** A list of scalars (OTM's tags, asset ids); null is empty. */
  strings(f: Field | undefined): Array<{ text: string; offset: number }> {
    if (!f) return [];
    const items = this.src.listItems(f.value, f.offset, f.path, 'a list');
    if (!items) return [];
    const out: Array<{ text: string; offset: number }> = [];
    for (const i of items) {
      const t = this.src.text(i.node, i.offset, i.path, 'a string');
      if (t) out.push({ text: t, offset: i.offset });
    }
    return out;
  }

  /** A list of maps (trustZones, components...), each with its fields and position; null is empty. */
  records(f: Field | undefined, what: string): Array<{ fields: Map<string, Field>; offset: number; path: ModelPath }> {
    if (!f) return [];
    const items = this.src.listItems(f.value, f.offset, f.path, `a list of ${what}`);
    if (!items) return [];
    const out: Array<{ fields: Map<string, Field>; offset: number; path: ModelPath }> = [];
    for (const i of items) {
      if (!isMap(i.node)) {
        if (i.node !== null) this.src.wrongType(i.node, i.offset, i.path, `a map (one of the ${what})`);
        continue;
      }
      out.push({ fields: this.fields(i.node, i.offset, i.path), offset: i.offset, path: i.path });
    }
    return out;
  }

  /** A map of strings (OTM's attributes); anything else inside is skipped, not an error (tools write `{}`). */
  attributes(f: Field | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    if (!f || !isMap(f.value)) return out;
    for (const e of this.src.entries(f.value, f.path) as Entry[]) {
      if (isScalar(e.value) && e.value.value !== null && typeof e.value.value !== 'object') out[e.key] = String(e.value.value);
    }
    return out;
  }
}

// --- The parts, as read ------------------------------------------------------------------------------

interface Zone {
  otmId: string; id: string; line: number; name?: string; description?: string; trust: TrustLevel; trustNote: string;
  kind?: string; parentOtm?: string; parentOffset: number; parent?: string; controls: string[]; dropped?: TrustLevel;
}
interface Component {
  otmId: string; id: string; line: number; name?: string; description?: string; identity: Identity; notes: string[];
  zoneOtm?: string; componentOtm?: string; parentOffset: number; in?: string; handles: string[]; stores: string[];
  controls: string[]; auth?: string; threats: Array<{ threat: string; mitigations: Array<{ id: string; state: string }> }>;
}
interface DataFlow {
  from: string; to: string; line: number; otmId: string; name?: string; description?: string; protocol: string;
  protocolStated: boolean; encrypted?: boolean; auth?: string; data: string[]; controls: string[]; port?: number;
  reverse?: boolean; id?: string; threats: string[];
}
interface AssetOut {
  otmId: string; id: string; line: number; name?: string; description?: string; kind?: string; type?: string;
  classification?: string; c?: Level; i?: Level; a?: Level;
}

/** Our exporter's zone for elements in no boundary (render/otm.ts defaultZones): no boundary of the model. */
const isDefaultZone = (otmId: string, type: string | undefined): TrustLevel | undefined => {
  const m = /^outside-(untrusted|dmz|internal|restricted)(?:-\d+)?$/.exec(otmId);
  return m && type === 'default' ? (m[1] as TrustLevel) : undefined;
};

/**
 * The catalog control an OTM mitigation names, when it names exactly one: our exporter's `controls`
 * attribute with a single control, a name that is a control (`Rate limiting`, `rate-limiting`), or a name
 * in which exactly one control's words appear. Anything else (several candidates, none) is a comment only:
 * a wrong control would silence real threats.
 */
export function controlOfMitigation(name: string | undefined, attrs: Record<string, string>): string | undefined {
  const listed = splitList(attrs.controls).filter(isControl);
  if (listed.length === 1) return listed[0];
  if (listed.length > 1) return undefined;
  if (!name) return undefined;
  const s = slug(name);
  if (Object.prototype.hasOwnProperty.call(CONTROLS, s)) return s;
  const words = ` ${name.toLowerCase().replace(/[^a-z0-9]+/g, ' ')} `;
  const hits = Object.keys(CONTROLS).filter((c) => words.includes(` ${c.replace(/-/g, ' ')} `));
  return hits.length === 1 ? hits[0] : undefined;
}

// --- Import ------------------------------------------------------------------------------------------

export type OtmImportOptions = ImportOptions;

/**
 * An OTM file as a threatmap model. Never throws: syntax errors, a file that is not OTM and references to
 * unknown ids are diagnostics with file:line:col (errors leave no text; unknown references are warnings and
 * the part that needs them is left out or placed nowhere). Deterministic: the file's order throughout.
 */
export function importOtm(text: string, file: string, options: OtmImportOptions = {}): OtmImportResult {
  return neverThrows(file, () => importUnsafe(text, file, options));
}

function importUnsafe(text: string, file: string, options: OtmImportOptions): OtmImportResult {
  const src = options.source ?? new YamlSource(text, file);
  const done = (): OtmImportResult => ({ diagnostics: sortDiagnostics(src.diagnostics.map(clipped)) });
  if (src.failed) return done();
  const r = new Reader(src);
  const root = src.root;
  const rootOffset = src.offsetOf(root);
  if (!isMap(root)) {
    src.problem('error', 'not-otm', rootOffset, [], 'not an Open Threat Model document: expected a map with `otmVersion` and `project`',
      { hint: 'threatmap import reads Open Threat Model and OWASP Threat Dragon v2 files' });
    return done();
  }
  const top = r.fields(root, rootOffset, []);
  const version = r.str(top.get('otmVersion'));
  if (version === undefined || !top.has('project')) {
    src.problem('error', 'not-otm', rootOffset, [], `not an Open Threat Model document: no ${version === undefined ? '`otmVersion`' : '`project`'}`,
      { expected: 'top-level `otmVersion` (e.g. 0.2.0) and `project` (name, id)', hint: 'threatmap import reads Open Threat Model and OWASP Threat Dragon v2 files' });
    return done();
  }
  const line = (offset: number) => src.lineOf(offset);
  const notes: string[] = [];

  // project -> system
  const pf = top.get('project')!;
  if (!isMap(pf.value)) {
    src.wrongType(pf.value, pf.offset, pf.path, 'a map (name, id, description, owner)');
    return done();
  }
  const project = r.fields(pf.value, pf.offset, pf.path);
  const pAttrs = r.attributes(project.get('attributes'));
  const fromThreatmap = pAttrs.source === 'threatmap';
  let systemName = r.str(project.get('name'));
  if (!systemName) {
    systemName = r.str(project.get('id')) || 'System';
    src.problem('warning', 'missing-name', pf.offset, ['project', 'name'], `the project has no name; the system is called \`${systemName}\``);
  }
  const system: Record<string, string> = { name: systemName };
  const pDescription = r.str(project.get('description'));
  if (pDescription) system.description = pDescription;
  const owner = r.str(project.get('owner'));
  if (owner) system.owner = owner;
  if (pAttrs.version) system.version = pAttrs.version;

  const taken = new Set<string>();

  // assets -> assets
  const assets: AssetOut[] = [];
  const assetIds = new Map<string, string>();
  const assetTaken = new Set<string>();
  for (const rec of r.records(top.get('assets'), 'assets')) {
    const otmId = r.str(rec.fields.get('id'));
    if (!otmId) {
      src.problem('warning', 'missing-id', rec.offset, rec.path, 'an asset without an `id` is left out: nothing can refer to it');
      continue;
    }
    if (assetIds.has(otmId)) {
      src.problem('warning', 'duplicate-id', rec.offset, [...rec.path, 'id'], `asset \`${otmId}\` is defined twice; the second is left out`);
      continue;
    }
    const name = r.str(rec.fields.get('name'));
    const a: AssetOut = { otmId, id: modelId(otmId, name, 'asset', assetTaken), line: line(rec.offset), name };
    assetIds.set(otmId, a.id);
    a.description = r.str(rec.fields.get('description'));
    const attrs = r.attributes(rec.fields.get('attributes'));
    if ((ASSET_KINDS as readonly string[]).includes(attrs.kind ?? '')) a.kind = attrs.kind;
    if ((ASSET_TYPES as readonly string[]).includes(attrs.type ?? '')) a.type = attrs.type;
    if ((CLASSIFICATIONS as readonly string[]).includes(attrs.classification ?? '')) a.classification = attrs.classification;
    const risk = rec.fields.get('risk');
    if (risk && isMap(risk.value)) {
      const rf = r.fields(risk.value, risk.offset, risk.path);
      const level = (k: string) => { const n = r.num(rf.get(k)); return n === undefined ? undefined : levelFromRisk(n); };
      a.c = level('confidentiality');
      a.i = level('integrity');
      a.a = level('availability');
    }
    assets.push(a);
  }
  const assetRefs = (list: Array<{ text: string; offset: number }>, path: ModelPath): string[] => {
    const out: string[] = [];
    for (const x of list) {
      const id = assetIds.get(x.text);
      if (id === undefined) src.problem('warning', 'unknown-reference', x.offset, path, `no asset has id \`${x.text}\`; left out`);
      else if (!out.includes(id)) out.push(id);
    }
    return out;
  };

  // components first: elements keep their ids, boundaries give way (the namespace is shared).
  const compRecords = r.records(top.get('components'), 'components');
  const components: Component[] = [];
  const compByOtm = new Map<string, Component>();
  for (const rec of compRecords) {
    const otmId = r.str(rec.fields.get('id'));
    if (!otmId) {
      src.problem('warning', 'missing-id', rec.offset, rec.path, 'a component without an `id` is left out: no dataflow can refer to it');
      continue;
    }
    if (compByOtm.has(otmId)) {
      src.problem('warning', 'duplicate-id', rec.offset, [...rec.path, 'id'], `component \`${otmId}\` is defined twice; the second is left out`);
      continue;
    }
    const name = r.str(rec.fields.get('name'));
    const type = r.str(rec.fields.get('type'));
    const tags = r.strings(rec.fields.get('tags')).map((t) => t.text);
    const attrs = r.attributes(rec.fields.get('attributes'));
    const { identity, note } = identityOf(type, tags);
    const c: Component = {
      otmId, id: modelId(otmId, name, 'component', taken), line: line(rec.offset), name, identity, notes: note ? [note] : [],
      parentOffset: rec.offset, handles: [], stores: [], controls: splitList(attrs.controls).filter(isControl), threats: [],
    };
    c.description = r.str(rec.fields.get('description'));
    if (attrs.auth && isAuth(attrs.auth)) c.auth = attrs.auth;
    const parent = rec.fields.get('parent');
    if (parent && isMap(parent.value)) {
      const pfld = r.fields(parent.value, parent.offset, parent.path);
      c.zoneOtm = r.str(pfld.get('trustZone'));
      c.componentOtm = r.str(pfld.get('component'));
      c.parentOffset = (pfld.get('trustZone') ?? pfld.get('component'))?.offset ?? parent.offset;
    }
    const assetsField = rec.fields.get('assets');
    if (assetsField && isMap(assetsField.value)) {
      const af = r.fields(assetsField.value, assetsField.offset, assetsField.path);
      c.handles = assetRefs(r.strings(af.get('processed')), [...assetsField.path, 'processed']);
      c.stores = assetRefs(r.strings(af.get('stored')), [...assetsField.path, 'stored']);
    }
    for (const t of r.records(rec.fields.get('threats'), 'threat instances')) {
      const threat = r.str(t.fields.get('threat'));
      if (!threat) continue;
      const mitigations = r.records(t.fields.get('mitigations'), 'mitigation instances').flatMap((m) => {
        const id = r.str(m.fields.get('mitigation'));
        return id ? [{ id, state: (r.str(m.fields.get('state')) ?? '').toLowerCase() }] : [];
      });
      c.threats.push({ threat, mitigations });
    }
    components.push(c);
    compByOtm.set(otmId, c);
  }

  // trustZones -> boundaries
  const zones: Zone[] = [];
  const zoneByOtm = new Map<string, Zone>();
  const zoneRecords = r.records(top.get('trustZones'), 'trust zones');
  const ratings = zoneRecords.map((z) => {
    const risk = z.fields.get('risk');
    return risk && isMap(risk.value) ? r.num(r.fields(risk.value, risk.offset, risk.path).get('trustRating')) : undefined;
  });
  // A converter that gives every zone the same number (StartLeft's MTMT conversion: 10 for the internet and
  // the private cloud alike) says nothing about trust with it: the names decide there.
  const placeholder = zoneRecords.length > 1 && ratings.every((x) => x !== undefined && x === ratings[0]);
  if (placeholder) notes.push(`every trust zone has trustRating ${ratings[0]}: a placeholder, so trust comes from the zones' names; check it`);
  zoneRecords.forEach((rec, i) => {
    const otmId = r.str(rec.fields.get('id'));
    if (!otmId) {
      src.problem('warning', 'missing-id', rec.offset, rec.path, 'a trust zone without an `id` is left out: no component can be in it');
      return;
    }
    if (zoneByOtm.has(otmId)) {
      src.problem('warning', 'duplicate-id', rec.offset, [...rec.path, 'id'], `trust zone \`${otmId}\` is defined twice; the second is left out`);
      return;
    }
    const name = r.str(rec.fields.get('name'));
    const type = r.str(rec.fields.get('type'));
    const attrs = r.attributes(rec.fields.get('attributes'));
    const rating = ratings[i];
    // Our exporter's own word first (exact), then a name that says "outside", then the number (bands above).
    let trust: TrustLevel;
    let trustNote: string;
    if ((TRUST_LEVELS as readonly string[]).includes(attrs.trust ?? '')) {
      trust = attrs.trust as TrustLevel;
      trustNote = '';
    } else if (UNTRUSTED_NAME.test(`${name ?? ''} ${type ?? ''}`)) {
      trust = 'untrusted';
      trustNote = `untrusted: its name says it is outside${rating !== undefined ? ` (trustRating ${rating})` : ''}`;
    } else if (rating !== undefined && !placeholder) {
      trust = trustFromRating(rating);
      trustNote = `trustRating ${rating} -> ${trust}`;
    } else {
      // Nothing to go by: threatmap's own default, the enclosing zone's trust (written out, so it is seen),
      // else internal. Resolved below once parents are known.
      trust = 'internal';
      trustNote = `${rating === undefined ? 'no trustRating' : `placeholder trustRating ${rating}`}: INHERIT`;
    }
    const dropped = isDefaultZone(otmId, type);
    const z: Zone = {
      otmId, id: dropped ? otmId : modelId(otmId, name, 'zone', taken), line: line(rec.offset), name, trust, trustNote,
      parentOffset: rec.offset, controls: splitList(attrs.controls).filter(isControl), ...(dropped ? { dropped } : {}),
    };
    z.description = r.str(rec.fields.get('description'));
    if (type && (BOUNDARY_KINDS as readonly string[]).includes(type)) z.kind = type;
    const parent = rec.fields.get('parent');
    if (parent && isMap(parent.value)) {
      const pfld = r.fields(parent.value, parent.offset, parent.path);
      z.parentOtm = r.str(pfld.get('trustZone'));
      z.parentOffset = pfld.get('trustZone')?.offset ?? parent.offset;
    }
    zones.push(z);
    zoneByOtm.set(otmId, z);
  });
  for (const z of zones) {
    if (z.parentOtm === undefined) continue;
    const p = zoneByOtm.get(z.parentOtm);
    if (!p || p.dropped) {
      src.problem('warning', 'unknown-reference', z.parentOffset, ['trustZones', z.otmId, 'parent'], `no trust zone has id \`${z.parentOtm}\`; \`${z.id}\` is nested in none`);
      continue;
    }
    // A parent chain that comes back to the zone would not load: the link that closes it is dropped.
    let q: Zone | undefined = p;
    let loops = false;
    for (let n = 0; q && n <= zones.length; n++) {
      if (q === z) { loops = true; break; }
      q = q.parent !== undefined ? zones.find((x) => x.id === q!.parent) : undefined;
    }
    if (!loops && z.trustNote.endsWith('INHERIT')) z.trust = p.trust;
    if (loops) src.problem('warning', 'cycle', z.parentOffset, ['trustZones', z.otmId, 'parent'], `trust zone \`${z.otmId}\` would be nested in itself; nested in none`);
    else z.parent = p.id;
  }

  for (const z of zones) {
    if (z.trustNote.endsWith('INHERIT')) z.trustNote = z.trustNote.replace('INHERIT', `${z.trust} (${z.parent ? 'the enclosing zone\'s' : 'threatmap\'s default'}) assumed; check it`);
  }

  // Components' zones, now that zones are known. A component inside another component (OTM allows it)
  // goes into that component's zone, since a threatmap element sits in a boundary, not in an element.
  const zoneOfComponent = (c: Component, seen: Set<Component>): string | undefined => {
    if (c.zoneOtm !== undefined) {
      const z = zoneByOtm.get(c.zoneOtm);
      if (!z) {
        src.problem('warning', 'unknown-reference', c.parentOffset, ['components', c.otmId, 'parent'], `no trust zone has id \`${c.zoneOtm}\`; \`${c.id}\` is placed in no boundary`);
        return undefined;
      }
      return z.dropped ? undefined : z.id;
    }
    if (c.componentOtm !== undefined) {
      const p = compByOtm.get(c.componentOtm);
      if (!p || seen.has(p)) {
        src.problem('warning', 'unknown-reference', c.parentOffset, ['components', c.otmId, 'parent'], `no component has id \`${c.componentOtm}\`; \`${c.id}\` is placed in no boundary`);
        return undefined;
      }
      seen.add(c);
      const z = zoneOfComponent(p, seen);
      if (seen.size === 1) c.notes.push(`inside component \`${p.id}\` in the OTM file: placed in its zone${z ? ` \`${z}\`` : ''}`);
      return z;
    }
    return undefined;
  };
  for (const c of components) {
    c.in = zoneOfComponent(c, new Set());
  }

  // mitigations: implemented ones on a component become controls when they name one control.
  const mitigationRecords = r.records(top.get('mitigations'), 'mitigations');
  const mitigationInfo = new Map<string, { name?: string; control?: string }>();
  for (const m of mitigationRecords) {
    const id = r.str(m.fields.get('id'));
    if (!id) continue;
    const name = r.str(m.fields.get('name'));
    mitigationInfo.set(id, { name, control: controlOfMitigation(name, r.attributes(m.fields.get('attributes'))) });
  }
  const controlsMade: string[] = [];
  for (const c of components) {
    for (const t of c.threats) {
      for (const m of t.mitigations) {
        if (m.state !== 'implemented') continue;
        const info = mitigationInfo.get(m.id);
        if (info?.control) {
          if (!c.controls.includes(info.control)) c.controls.push(info.control);
          controlsMade.push(`${c.id}: ${info.control} (mitigation ${m.id})`);
        } else {
          c.notes.push(`mitigation ${m.id}${info?.name ? ` "${oneLine(info.name)}"` : ''} is implemented here but names no threatmap control unambiguously: add the control it is, if any`);
        }
      }
    }
  }

  // dataflows -> flows
  const flows: DataFlow[] = [];
  const pairs = new Set<string>();
  const elementOf = (id: string | undefined, offset: number, path: ModelPath, what: string): Component | undefined => {
    if (id === undefined) {
      src.problem('warning', 'missing-reference', offset, path, `a dataflow without a ${what} is left out`);
      return undefined;
    }
    const c = compByOtm.get(id);
    if (!c) src.problem('warning', 'unknown-reference', offset, path, `no component has id \`${id}\`; this dataflow is left out`);
    return c;
  };
  for (const rec of r.records(top.get('dataflows'), 'dataflows')) {
    const srcF = rec.fields.get('source');
    const dstF = rec.fields.get('destination');
    const from = elementOf(r.str(srcF), srcF?.offset ?? rec.offset, [...rec.path, 'source'], 'source');
    const to = elementOf(r.str(dstF), dstF?.offset ?? rec.offset, [...rec.path, 'destination'], 'destination');
    if (!from || !to) continue;
    if (from === to) {
      src.problem('warning', 'self-flow', rec.offset, rec.path, `a dataflow from \`${from.otmId}\` to itself is left out`);
      continue;
    }
    const otmId = r.str(rec.fields.get('id')) ?? '';
    const tags = r.strings(rec.fields.get('tags')).map((t) => t.text);
    const attrs = r.attributes(rec.fields.get('attributes'));
    const tag = (k: string): string | undefined => tags.find((t) => t.startsWith(`${k}:`))?.slice(k.length + 1) ?? attrs[k];
    // Our exporter's `protocol:x` tag (or attribute); a bare tag naming a protocol (`https`) also says it.
    // Else the target technology's own protocol (postgres for a PostgreSQL database), else http: OTM states
    // no protocol, and threatmap assumes the worst (cleartext) until the model says otherwise.
    let protocol: string | undefined = tag('protocol');
    if (!protocol || !isProtocol(protocol)) protocol = tags.map((t) => t.toLowerCase()).find((t) => Object.prototype.hasOwnProperty.call(PROTOCOLS, t));
    const stated = protocol !== undefined;
    const auth = tag('auth');
    const encrypted = tag('encrypted');
    const name = r.str(rec.fields.get('name'));
    const port = attrs.port !== undefined && /^\d+$/.test(attrs.port) && Number(attrs.port) < 65536 ? Number(attrs.port) : undefined;
    const threats: string[] = r.records(rec.fields.get('threats'), 'threat instances').flatMap((t) => { const x = r.str(t.fields.get('threat')); return x ? [x] : []; });
    const base: DataFlow = {
      from: from.id, to: to.id, line: line(rec.offset), otmId, protocol: protocol ?? techProtocol(to.identity.tech) ?? 'http', protocolStated: stated,
      data: assetRefs(r.strings(rec.fields.get('assets')), [...rec.path, 'assets']),
      controls: splitList(attrs.controls).filter(isControl), threats,
      ...(name && name !== `${from.otmId} -> ${to.otmId}` ? { name } : attrs.name ? { name: attrs.name } : {}),
      ...(auth && isAuth(auth) ? { auth } : {}),
      ...(encrypted === 'true' || encrypted === 'false' ? { encrypted: encrypted === 'true' } : {}),
      ...(port !== undefined ? { port } : {}),
    };
    base.description = r.str(rec.fields.get('description'));
    // Our exporter's id for a flow the model named itself (two flows between one pair need one).
    if (fromThreatmap && otmId && otmId !== `${from.otmId}->${to.otmId}` && ID_PATTERN.test(otmId)) base.id = otmId;
    const bidirectional = rec.fields.get('bidirectional');
    const both = isScalar(bidirectional?.value) && bidirectional.value.value === true;
    // A threatmap flow goes one way: a bidirectional dataflow is a flow each way, the reply named as such.
    const list = both ? [base, { ...base, from: to.id, to: from.id, reverse: true, id: undefined, name: base.name ? `${base.name} (reply)` : undefined }] : [base];
    for (const f of list) {
      const pair = `${f.from}\u0000${f.to}`;
      // A second flow between the same pair needs an id of its own (the model requires it).
      if (pairs.has(pair) && f.id === undefined) f.id = modelId(slug(otmId || name || 'flow') + (f.reverse ? '-reply' : ''), undefined, 'flow', taken);
      else if (f.id !== undefined) f.id = modelId(f.id, undefined, 'flow', taken);
      pairs.add(pair);
      flows.push(f);
    }
  }

  // threats: listed, not imported.
  const threatRecords = r.records(top.get('threats'), 'threats');
  const threatOn = new Map<string, string[]>();
  const on = (threat: string, where: string) => { const l = threatOn.get(threat) ?? []; if (!l.includes(where)) l.push(where); threatOn.set(threat, l); };
  for (const c of components) for (const t of c.threats) on(t.threat, c.id);
  for (const f of flows) if (!f.reverse) for (const t of f.threats) on(t, f.id ?? `${f.from} -> ${f.to}`);
  const threats: OtmThreatNote[] = threatRecords.flatMap((t) => {
    const id = r.str(t.fields.get('id')) ?? '';
    const name = r.str(t.fields.get('name')) ?? id;
    return [{ id, name: oneLine(name).trim(), on: threatOn.get(id) ?? [] }];
  });

  const summary: OtmImportSummary = {
    otmVersion: version, system: systemName, boundaries: zones.filter((z) => !z.dropped).length, elements: components.length,
    flows: flows.length, assets: assets.length, threats, mitigations: mitigationRecords.length, controls: controlsMade, notes,
  };
  for (const c of components) for (const n of c.notes) notes.push(`${c.id}: ${n}`);
  const unstated = flows.filter((f) => !f.protocolStated).length;
  if (unstated) notes.push(`${unstated} of ${flows.length} flows state no protocol: their targets' (or http) assumed; set the real one`);
  if (hasError(src.diagnostics)) return done();
  const modelText = writeModel({ file, version, system, zones, components, flows, assets, threats, mitigations: mitigationRecords.length, notes }, options);
  return { text: modelText, diagnostics: sortDiagnostics(src.diagnostics), summary };
}

// --- Writing -----------------------------------------------------------------------------------------

interface Parts {
  file: string; version: string; system: Record<string, string>; zones: Zone[]; components: Component[];
  flows: DataFlow[]; assets: AssetOut[]; threats: OtmThreatNote[]; mitigations: number; notes: string[];
}

function header(p: Parts, options: OtmImportOptions): string[] {
  const lines = [
    `Imported by \`threatmap import\` from ${p.file} (${OTM_FORMAT} ${p.version}).`,
    'A model to review: each boundary, element and flow says which line of the OTM file it came from.',
    `The file lists ${p.threats.length} threat${p.threats.length === 1 ? '' : 's'} and ${p.mitigations} mitigation${p.mitigations === 1 ? '' : 's'}; threats are not model input:`,
    '`threatmap analyze` derives its own from this model. Implemented mitigations that name one threatmap control became `controls`.',
  ];
  return [...lines, ...headerTail(p.threats.map((t) => `${t.id}: ${t.name}${t.on.length ? ` (on ${t.on.join(', ')})` : ''}`), p.threats.length, p.notes, options.output)];
}

function writeModel(p: Parts, options: OtmImportOptions): string {
  const { doc, root } = startModel(header(p, options), p.system);
  const where = (lineNo: number, what: string, otmId: string) => `${p.file}:${lineNo} ${what} ${otmId}`;

  const kept = p.zones.filter((z) => !z.dropped);
  if (kept.length) {
    const map = new YAMLMap();
    for (const z of kept) {
      const v: Record<string, unknown> = {};
      if (z.name !== undefined && z.name !== z.id) v.name = z.name;
      if (z.description) v.description = z.description;
      v.trust = z.trust;
      if (z.kind) v.kind = z.kind;
      if (z.parent) v.in = z.parent;
      if (z.controls.length) v.controls = z.controls;
      map.items.push(keyedEntry(doc, z.id, [where(z.line, 'trust zone', z.otmId), ...(z.trustNote ? [z.trustNote] : [])], v));
    }
    section(root, 'boundaries', map);
  }

  if (p.assets.length) {
    const map = new YAMLMap();
    for (const a of p.assets) {
      const v: Record<string, unknown> = {};
      if (a.name !== undefined && a.name !== a.id) v.name = a.name;
      if (a.description) v.description = a.description;
      if (a.kind && a.kind !== 'data') v.kind = a.kind;
      if (a.type) v.type = a.type;
      if (a.classification) v.classification = a.classification;
      if (a.c) v.confidentiality = a.c;
      if (a.i) v.integrity = a.i;
      if (a.a) v.availability = a.a;
      map.items.push(keyedEntry(doc, a.id, [where(a.line, 'asset', a.otmId)], v));
    }
    section(root, 'assets', map);
  }

  const elements = new YAMLMap();
  for (const c of p.components) {
    const v: Record<string, unknown> = {};
    if (c.name !== undefined && c.name !== c.id) v.name = c.name;
    if (c.identity.kind) v.kind = c.identity.kind;
    if (c.identity.type) v.type = c.identity.type;
    if (c.identity.tech) v.tech = c.identity.tech;
    if (c.in) v.in = c.in;
    if (c.description) v.description = c.description;
    if (c.auth) v.auth = c.auth;
    if (c.handles.length) v.handles = c.handles;
    if (c.stores.length) v.stores = c.stores;
    if (c.controls.length) v.controls = c.controls;
    elements.items.push(keyedEntry(doc, c.id, [where(c.line, 'component', c.otmId), ...c.notes], v));
  }
  section(root, 'elements', elements);

  if (p.flows.length) {
    const seq = new YAMLSeq();
    for (const f of p.flows) {
      const details: Record<string, unknown> = {};
      if (f.id) details.id = f.id;
      if (f.name) details.name = f.name;
      details.protocol = f.protocol;
      if (f.encrypted !== undefined && f.encrypted !== PROTOCOLS[f.protocol]?.encrypted) details.encrypted = f.encrypted;
      if (f.auth) details.auth = f.auth;
      if (f.data.length) details.data = f.data;
      if (f.controls.length) details.controls = f.controls;
      if (f.port !== undefined) details.port = f.port;
      if (f.description) details.description = f.description;
      seq.items.push(flowItem(doc, f.from, f.to, details, [
        `${where(f.line, 'dataflow', f.otmId || '(no id)')}${f.reverse ? ' (bidirectional: the reply)' : ''}`,
        ...(f.protocolStated ? [] : [`no protocol in the OTM file: ${f.protocol} assumed`]),
      ]));
    }
    section(root, 'flows', seq);
  }
  return doc.toString({ lineWidth: 0 });
}
