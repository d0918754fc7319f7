// Reading an Open Threat Model file (OTM 0.1.0/0.2.0, YAML or JSON) for `threatmap import`: trust zones,
// components, dataflows and assets become a threatmap model to review. Pure: no Node APIs; the CLI reads
// and writes the files.
//
// Mapping, OTM -> threatmap (the inverse of src/render/otm.ts, so that an exported file imports back to an
// equivalent model; every choice is explained where it is made below):
//   project                      -> system (name, description, owner; version from our exporter's attribute)
//   trustZone                    -> boundary (trust from attributes.trust, else the name, else risk.trustRating;
//                                   a zone named Internet/Public holding our own processes or stores is dmz;
//                                   `in` from parent.trustZone; our exporter's "outside" zones are dropped)
//   component                    -> element (`in` from parent; kind/type/tech from our tags, else OTM's type
//                                   and tags; handles/stores from assets.processed/stored)
//   dataflow                     -> flow (bidirectional -> one flow from its caller, as its ends say: a
//                                   threatmap flow implies its reply; drawn twice against each other -> one
//                                   flow with the facts and threats of both; protocol/auth from our tags, else http)
//   our export's own data        -> what OTM has no field for, read only when project.attributes.source is
//                                   threatmap: endpoints (`threatmap:endpoint:<key>`), exposed, privileged,
//                                   replicas, owner and the model's tags; flows' credential and endpoint;
//                                   assumptions, `rules:` and written threats (project attributes). OTM's own fields win where
//                                   both say something (a name, a type, a protocol tag, a trust rating, a
//                                   threat instance's state edited in another tool)
//   asset                        -> asset (C/I/A from risk 0-100 in three bands; classification and `assumed`
//                                   from attributes)
//   threat + its instances       -> `threats:` on the elements and flows its instances sit on (none: the whole
//                                   system); categories -> STRIDE, cwes -> references, risk 0-100 -> levels
//   instance state, mitigations  -> the model's triage file (mitigated, mitigating, accepted, false-positive)
//   threat of our own export     -> written back when the model wrote it (ruleId `threat:<id>`); one a rule
//                                   derives is not (analyze derives it again): only its decision is kept.
//                                   A written threat our export carried comes back as written (its OTM
//                                   threats say what was edited or deleted), also one reported nowhere
//   mitigation                   -> the mitigation text of the threats whose instances reference it
//   mitigation (implemented)     -> a control when it names one catalog control unambiguously, else a comment
//                                   (not in our own export, whose components carry their controls exactly)
import { isMap, isScalar, YAMLMap, YAMLSeq } from 'yaml';
import {
  bidirectionalNote, bidirectionalSummary, connectionWays, type ConnectionFacts, coversOfText, emptyFile, clipped, endpointServers, type EndpointView, type ExportedThreats, flowItem, flowTarget, hasError, headerTail, type ImportedDecision, type ImportedDecisionFields,
  type ImportedTarget, type ImportedThreat, importedTriage, type ImportOptions, type ImportResult, keyedEntry,
  levelOfWord, lookup, modelId, modelSections, neverThrows, oneLine, section, slug, startModel, strideOfWord,
  SYSTEM_TARGET, joinedNote, joinedSummary, joinFacts, targetsOf, threatsSection, type TwoWayEnd, uidList, unservedEndpoint, UNTRUSTED_NAME, withPlaceholderAsset,
} from './import-common.js';
import { impliedElementType, impliedKind } from '../model/normalize.js';
import type { Node as YamlNode } from 'yaml';
import { NO_DESCRIPTION_WRITTEN, NO_MITIGATION_WRITTEN, WRITTEN_RULE_PREFIX } from '../analysis/rules/written.js';
import { isIsoDate } from '../track/dates.js';
import { riskOf } from '../analysis/risk.js';
import type { Rating } from '../analysis/types.js';
import { readRisk } from '../track/scope.js';
import { TRIAGE_STATUSES, type TriageDecision, type TriageStatus } from '../track/types.js';
import { threatUid } from '../track/uid.js';
import {
  ASSET_KINDS, ASSET_TYPES, AUTH_ALIASES, AUTH_METHODS, BOUNDARY_KINDS, CLASSIFICATIONS, CONTROLS, ELEMENT_KINDS,
  ELEMENT_TYPES, ENDPOINT_KINDS, type ElementKind, type ElementType, type Level, PROTOCOLS, TECHNOLOGIES, TRUST_LEVELS, type TrustLevel,
} from '../model/catalog.js';
import { sortDiagnostics } from '../model/diagnostics.js';
import { assumptionSchema, CUSTOM_CONTROL_PATTERN, ID_PATTERN, type RawWrittenThreat, writtenThreatSchema } from '../model/schema.js';
import { rulesSectionSchema } from '../model/rules-schema.js';
import { targetRefs } from '../model/threat-targets.js';
import type { ModelPath } from '../model/types.js';
import {
  ASSUMPTIONS_ATTRIBUTE, ENDPOINT_ATTRIBUTE, MITIGATION_STATE, RATING_SCORE, RULES_ATTRIBUTE, THREAT_STATE, THREATS_ATTRIBUTE, THREATS_REPORTED_ATTRIBUTE, TRUST_RATING,
} from '../render/otm.js';
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
  /** One of threatmap's own rules found it (our export): analyze derives it again, so it is not written. */
  derived?: true;
  /** The decisions it became in the triage file, one per status, in the order met (none: open). */
  decisions?: TriageStatus[];
}

export interface OtmImportSummary extends ExportedThreats {
  otmVersion: string;
  system: string;
  boundaries: number;
  elements: number;
  flows: number;
  assets: number;
  /** The file's threats in file order, with where their instances sit. */
  threats: OtmThreatNote[];
  /** Threats written under the model's `threats:` (an OTM threat whose instances differ is several). */
  written: number;
  /** Decisions written to the triage file beside the model. */
  decisions: number;
  mitigations: number;
  /** `element: control (mitigation id)` for each implemented mitigation that became a control. */
  controls: string[];
  /** Things a reviewer should check, one line each. */
  notes: string[];
  /** The file is a threatmap export (its project's `source`), whose model comes back as it was exported. */
  fromThreatmap: boolean;
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

/**
 * A threat's likelihood or impact (0-100) -> low/medium/high: the range in thirds, [0, 33] low, (33, 66]
 * medium, (66, 100] high. A threat's numbers are the file's own judgement rather than the inverse of a
 * scale of ours, and our exporter's 25/50/75 fall in the thirds they came from all the same.
 */
export function levelFromScore(value: number): Level {
  if (value <= 33) return 'low';
  if (value <= 66) return 'medium';
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
  // Azure's managed databases before the engines they run (IriusRisk's `CD-MICROSOFT-AZURE-DB-POSTGRESQL` and
  // `CD-MICROSOFT-AZURE-SQL-DB`, StartLeft's `azure-sql`): set up in Azure, encrypted at rest by default.
  [/azure.*postgres/, { tech: 'azure-postgres' }],
  [/azure.*mysql/, { tech: 'azure-mysql' }],
  // Cosmos DB, whatever API it answers (MongoDB's too); DocumentDB alone is also Amazon's, so only Azure's.
  [/cosmos|azure.*documentdb/, { tech: 'cosmosdb' }],
  [/postgres/, { tech: 'postgres' }],
  [/mysql/, { tech: 'mysql' }],
  [/mariadb/, { tech: 'mariadb' }],
  [/mongo/, { tech: 'mongodb' }],
  [/dynamo/, { tech: 'dynamodb' }],
  [/redis/, { tech: 'redis' }],
  // SQL Server on a virtual machine or an edge device, and Azure's data warehouse (its transparent data
  // encryption is off until switched on): SQL Server's engine, not the always-encrypted managed database.
  [/sql.*-(dw|data-?warehouse|vm|virtual-machine|edge)($|-)/, { tech: 'mssql' }],
  [/azure-?sql|sql-azure/, { tech: 'azure-sql' }],
  [/(sql-server|mssql)/, { tech: 'mssql' }],
  [/(database|(^|-)db($|-)|rds)/, { type: 'database' }],
  [/(^|-)s3($|-)/, { tech: 's3' }],
  [/(blob|object-storage|bucket|azure-storage|storage-account)/, { type: 'object-storage' }],
  [/(file-storage|file-share|filesystem|nfs)/, { type: 'file-storage' }],
  [/(queue|sqs|rabbit|kafka|service-bus|event-hub)/, { type: 'queue' }],
  [/(lambda|function)/, { type: 'function' }],
  // Azure's and Google's managed gateways and load balancers (IriusRisk's `CD-MICROSOFT-AZURE-API-MANAGEMENT`,
  // StartLeft's `azure-api-management`, `apigee`): the catalogue's managed services, before the generic names.
  [/api-?management|(^|-)apim($|-)/, { tech: 'azure-api-management' }],
  [/apigee/, { tech: 'apigee' }],
  [/(gcp|google).*api-?gateway/, { tech: 'gcp-api-gateway' }],
  [/azure.*(application|app)-?gateway/, { tech: 'azure-application-gateway' }],
  [/azure.*load-?balancer/, { tech: 'azure-load-balancer' }],
  [/(gcp|google).*load-?balanc/, { tech: 'gcp-load-balancer' }],
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

/** A dataflow's `bidirectional` (boolean, or null as the schema allows): only `true` says both ways. */
const isBidirectional = (f: Field | undefined): boolean => isScalar(f?.value) && f.value.value === true;

/** A record of a list in the file (a dataflow, a component...): its fields and where it is. */
type RecordRead = { fields: Map<string, Field>; offset: number; path: ModelPath };

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
  records(f: Field | undefined, what: string): RecordRead[] {
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

  /** Where one attribute is (its entry), for a problem about it; undefined when the attributes lack it. */
  attributeAt(f: Field | undefined, key: string): { offset: number; path: ModelPath } | undefined {
    if (!f || !isMap(f.value)) return undefined;
    const e = (this.src.entries(f.value, f.path) as Entry[]).find((x) => x.key === key);
    return e && { offset: e.offset, path: e.path };
  }
}

// --- The parts, as read ------------------------------------------------------------------------------

interface Zone {
  otmId: string; id: string; line: number; name?: string; description?: string; trust: TrustLevel; trustNote: string;
  kind?: string; parentOtm?: string; parentOffset: number; parent?: string; controls: string[]; dropped?: TrustLevel;
}
/** The trust note of a zone read as untrusted from its name alone (see the trust zones block). */
const NAMED_OUTSIDE = 'untrusted: its name says it is outside';

/**
 * A zone named like the outside (Internet, Public) that holds the system's own processes or stores is the
 * part of the system that faces the internet, a DMZ: read as untrusted, our web server would be the attacker
 * and the database behind it "reachable from the internet". Only a zone whose trust came from its name alone
 * changes; one that holds only clients and other external components stays untrusted.
 */
function facingZones(zones: Zone[], components: readonly Component[], notes: string[]): void {
  for (const z of zones) {
    if (z.trust !== 'untrusted' || !z.trustNote.startsWith(NAMED_OUTSIDE)) continue;
    const ours = components.filter((c) => c.in === z.id && componentKind(c) !== 'external').map((c) => `\`${c.id}\``);
    if (!ours.length) continue;
    z.trust = 'dmz';
    z.trustNote = `dmz: named like the outside, but it holds the system's own ${ours.join(', ')}: the part facing the internet; check it`;
    notes.push(`${z.id}: ${z.trustNote}`);
  }
}

/** A component's kind as the model will read it: stated, else implied by its type or technology, else a process (the default). */
const componentKind = (c: Component): ElementKind => c.identity.kind ?? impliedKind(c.identity.type, c.identity.tech) ?? 'process';

interface Component {
  otmId: string; id: string; line: number; name?: string; description?: string; identity: Identity; notes: string[];
  zoneOtm?: string; componentOtm?: string; parentOffset: number; in?: string; handles: string[]; stores: string[];
  controls: string[]; auth?: string; threats: Instance[];
  /** What only our own export carries (the model's facts OTM has no field for); empty for other files. */
  own: OwnFacts;
  /** The model's `endpoints:` entries by key, from `own` once every id is known. */
  endpoints: Map<string, Record<string, unknown>>;
}
/** An element's facts as our exporter wrote them in its attributes and tags, for the model to state again. */
interface OwnFacts {
  /** Endpoints by key, in the file's order, with the details the model would write (references resolved later). */
  endpoints: Array<{ key: string; details: Record<string, unknown> }>;
  exposed?: boolean; privileged?: boolean; replicas?: number; owner?: string; tags: string[];
}
interface DataFlow {
  from: string; to: string; line: number; otmId: string; name?: string; description?: string; protocol: string;
  protocolStated: boolean; encrypted?: boolean; auth?: string; data: string[]; controls: string[]; port?: number;
  /** The OTM dataflow was bidirectional: still one flow, from its caller, whose reply the flow implies. */
  bidirectional?: true;
  /** Why it runs against the way it was drawn (twoWayCaller): the caller is the drawn destination. */
  turned?: { why: string };
  /** The dataflows drawn against it that are this flow too (connectionWays): their OTM ids, and what their comment says. */
  joined?: { otmIds: string[]; notes: string[] };
  id?: string; threats: Instance[]; credential?: string; endpoint?: string;
  /** The endpoint our exporter wrote it calls (its id, `element:key`) and where, until every flow is read (placeEndpoints). */
  calls?: { id: string; offset: number; path: ModelPath };
}
/**
 * A dataflow drawn against `kept` that is the same connection (connectionWays), as part of it: the facts of both
 * (joinFacts), the other's threat instances on it, and its OTM id kept so that what names it finds the flow.
 */
function joinDataflow(kept: DataFlow, other: DataFlow, drawnFrom: string, drawnTo: string): void {
  const name = `dataflow ${other.otmId || '(no id)'} (line ${other.line})`;
  const facts = (f: DataFlow): ConnectionFacts => ({
    name: f.name, description: f.description, protocol: f.protocol, protocolStated: f.protocolStated, encrypted: f.encrypted,
    auth: f.auth, port: f.port, credential: f.credential, endpoint: f.endpoint, data: f.data, controls: f.controls,
  });
  const joined = joinFacts(facts(kept), facts(other), name);
  for (const k of ['name', 'description', 'encrypted', 'auth', 'port', 'credential', 'endpoint'] as const) delete kept[k];
  Object.assign(kept, joined.facts, { data: [...joined.facts.data], controls: [...joined.facts.controls] });
  kept.calls ??= other.calls;
  kept.threats.push(...other.threats.map((t) => ({ ...t, dataflow: other.otmId })));
  const lines = [joinedNote(name, drawnFrom, drawnTo, other.bidirectional === true, other.threats.length), ...joined.notes];
  kept.joined = { otmIds: [...(kept.joined?.otmIds ?? []), ...(other.otmId ? [other.otmId] : [])], notes: [...(kept.joined?.notes ?? []), ...lines] };
}

/** A threat instance as read: the threat it names, its state (as written) and its mitigations. */
interface Instance {
  threat: string; offset: number; path: ModelPath; line: number; state?: string;
  /** The OTM id of the dataflow it was on, when that dataflow joined another's flow (joinDataflow). */
  dataflow?: string;
  mitigations: Array<{ id: string; state: string; offset: number; path: ModelPath }>;
}
interface AssetOut {
  otmId: string; id: string; line: number; name?: string; description?: string; kind?: string; type?: string;
  classification?: string; assumed?: true; c?: Level; i?: Level; a?: Level;
}

interface MitigationInfo { name?: string; description?: string; reduction?: number; control?: string; ruleId?: string }

/** A state as a word to look up: `NOT_APPLICABLE`, `not-applicable` and `NotApplicable` alike. */
const stateWord = (s: string | undefined): string => (s ?? '').toLowerCase().replace(/[^a-z]/g, '');

/** The threat instances of a component or dataflow (its `threats`); one that names no threat is skipped. */
function instancesOf(r: Reader, f: Field | undefined): Instance[] {
  return r.records(f, 'threat instances').flatMap((t) => {
    const tf = t.fields.get('threat');
    const threat = r.str(tf);
    if (!threat) return [];
    const mitigations = r.records(t.fields.get('mitigations'), 'mitigation instances').flatMap((m) => {
      const mf = m.fields.get('mitigation');
      const id = r.str(mf);
      return id ? [{ id, state: r.str(m.fields.get('state')) ?? '', offset: mf?.offset ?? m.offset, path: [...m.path, 'mitigation'] }] : [];
    });
    const offset = tf?.offset ?? t.offset;
    return [{ threat, offset, path: [...t.path, 'threat'], line: r.src.lineOf(t.offset), state: r.str(t.fields.get('state')), mitigations }];
  });
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

// --- What our own export carries beyond OTM's fields -------------------------------------------------

/**
 * An element's facts that our exporter (render/otm.ts component) keeps in attributes and tags. Read only
 * from a file of our export: another tool's `owner` or `exposed` attribute may mean something else.
 */
function ownFacts(attrs: Record<string, string>, tags: readonly string[], bad: (what: string) => void): OwnFacts {
  const endpoints: OwnFacts['endpoints'] = [];
  for (const [name, value] of Object.entries(attrs)) {
    if (!name.startsWith(ENDPOINT_ATTRIBUTE) || name.length === ENDPOINT_ATTRIBUTE.length) continue;
    const details = jsonObject(value);
    if (details) endpoints.push({ key: name.slice(ENDPOINT_ATTRIBUTE.length), details });
    else bad(`attribute \`${name}\` is not the JSON object our export writes: that endpoint is left out`);
  }
  return {
    endpoints,
    ...(attrs.exposed === 'true' || attrs.exposed === 'false' ? { exposed: attrs.exposed === 'true' } : {}),
    ...(attrs.privileged === 'true' ? { privileged: true } : {}),
    ...(/^\d{1,9}$/.test(attrs.replicas ?? '') ? { replicas: Number(attrs.replicas) } : {}),
    ...(attrs.owner ? { owner: attrs.owner } : {}),
    tags: modelTags(tags),
  };
}

/** An element's facts when the file is not our export: none. */
const noOwnFacts = (): OwnFacts => ({ endpoints: [], tags: [] });

/** A JSON text's value; undefined when it is not JSON. */
function jsonValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  const v = jsonValue(text);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The model's sections our export carries in project attributes (render/otm.ts modelSections). */
interface ModelSections { assumptions?: unknown[]; rules?: unknown; threats?: CarriedThreats }

/**
 * The model's written threats as our export carried them: each entry as written, in the model's order, and
 * the targets on which the export put an OTM threat of it (absent: none, the analysis reported it nowhere).
 */
interface CarriedThreats { entries: Map<string, RawWrittenThreat>; reported: ReadonlyMap<string, readonly string[]> }

/**
 * The written threats of our export's project attributes, each checked as the model's schema checks it:
 * one that no longer has the model's shape is left out and noted (then built from its OTM threats, if the
 * file has any, as for an export made without the model).
 */
function carriedThreatsOf(attrs: Record<string, string>, notes: string[]): CarriedThreats | undefined {
  const text = attrs[THREATS_ATTRIBUTE];
  if (text === undefined) return undefined;
  const all = jsonObject(text);
  if (!all) {
    notes.push(`project attribute \`${THREATS_ATTRIBUTE}\` is not the JSON object our export writes: the written threats come from the file's threats alone`);
    return undefined;
  }
  const entries = new Map<string, RawWrittenThreat>();
  for (const [id, entry] of Object.entries(all)) {
    const parsed = writtenThreatSchema.safeParse(entry);
    if (ID_PATTERN.test(id) && parsed.success) entries.set(id, parsed.data);
    else notes.push(`threats.${id}: the exported model's entry is not one the model accepts: left out (${oneLine(JSON.stringify(entry) ?? '')})`);
  }
  const reported = new Map<string, string[]>();
  for (const [id, targets] of Object.entries(jsonObject(attrs[THREATS_REPORTED_ATTRIBUTE] ?? '{}') ?? {})) {
    if (Array.isArray(targets)) reported.set(id, targets.filter((x): x is string => typeof x === 'string'));
  }
  return { entries, reported };
}

/**
 * The model's assumptions and `rules:` section, from our export's project attributes. What no longer has
 * the model's shape is left out and noted, rather than making the model fail to load; so is an assumption
 * about elements none of which is in the file any more (with no elements it would hold everywhere).
 */
function modelSectionsOf(attrs: Record<string, string>, element: (otmId: string) => string | undefined, notes: string[]): ModelSections {
  const out: ModelSections = {};
  const assumptions = attrs[ASSUMPTIONS_ATTRIBUTE];
  if (assumptions !== undefined) {
    const list = jsonValue(assumptions);
    if (Array.isArray(list)) out.assumptions = list.flatMap((a) => assumptionOf(a, element, notes));
    else notes.push(`project attribute \`${ASSUMPTIONS_ATTRIBUTE}\` is not the JSON list our export writes: the model's assumptions are left out`);
  }
  const rules = attrs[RULES_ATTRIBUTE];
  if (rules !== undefined) {
    const section = jsonValue(rules);
    if (rulesSectionSchema.safeParse(section).success) out.rules = section;
    else notes.push(`project attribute \`${RULES_ATTRIBUTE}\` is not a \`rules:\` section the model accepts: left out`);
  }
  const threats = carriedThreatsOf(attrs, notes);
  if (threats) out.threats = threats;
  return out;
}

function assumptionOf(a: unknown, element: (otmId: string) => string | undefined, notes: string[]): unknown[] {
  const parsed = assumptionSchema.safeParse(a);
  if (!parsed.success) {
    notes.push(`an assumption of the exported model is not one the model accepts: left out (${oneLine(JSON.stringify(a) ?? '')})`);
    return [];
  }
  const v = parsed.data;
  if (typeof v === 'string' || v.elements === undefined) return [v];
  const elements = v.elements.flatMap((id) => element(id) ?? []);
  if (v.elements.length && !elements.length) {
    notes.push(`assumption "${oneLine(v.text)}": none of its elements (${v.elements.join(', ')}) is in the file any more: left out`);
    return [];
  }
  return [{ ...v, elements }];
}

/** The model's own tags: those after the `kind:`, `tech:` and `type:` tags our exporter puts first. */
function modelTags(tags: readonly string[]): string[] {
  let i = 0;
  for (const prefix of ['kind:', 'tech:', 'type:']) if (tags[i]?.startsWith(prefix)) i++;
  return tags.slice(i);
}

/** Whether a component's OTM type is not the one our exporter derived from the tags it wrote (tech, else type, else kind). */
function typeEdited(type: string | undefined, tags: readonly string[]): boolean {
  const tagged = (prefix: string) => tags.find((t) => t.startsWith(prefix))?.slice(prefix.length);
  const exported = tagged('tech:') ?? tagged('type:') ?? tagged('kind:');
  return type !== undefined && exported !== undefined && type !== exported;
}

/** How an endpoint's references are read: the ids the import gave the file's assets and components. */
interface EndpointRefs { asset: (otmId: string) => string | undefined; element: (otmId: string) => string | undefined }

/**
 * An endpoint's details as the model's `endpoints:` entry, each value checked as the model's schema checks
 * it: one that another tool (or a person) broke, or that names an asset or element no longer in the file,
 * is left out and reported through `bad`, rather than making the whole model fail to load.
 */
function endpointValue(d: Record<string, unknown>, refs: EndpointRefs, bad: (what: string) => void): Record<string, unknown> {
  const v: Record<string, unknown> = {};
  const one = (k: string, ok: (x: unknown) => boolean) => {
    if (d[k] === undefined) return;
    if (ok(d[k])) v[k] = d[k];
    else bad(`its \`${k}\` ${JSON.stringify(d[k])} is not one the model accepts: left out`);
  };
  const many = (k: string, map: (s: string) => string | undefined) => {
    const x = d[k];
    if (x === undefined) return;
    const items = Array.isArray(x) ? x : [x];
    const out: string[] = [];
    for (const item of items) {
      const m = typeof item === 'string' ? map(item) : undefined;
      if (m === undefined) bad(`its \`${k}\` ${JSON.stringify(item)} names nothing the model has: left out`);
      else out.push(m);
    }
    v[k] = out;
  };
  one('name', (x) => typeof x === 'string');
  one('description', (x) => typeof x === 'string');
  one('kind', (x) => typeof x === 'string' && (ENDPOINT_KINDS as readonly string[]).includes(x));
  many('methods', (s) => (/^[A-Za-z]+$/.test(s) ? s : undefined));
  one('public', (x) => typeof x === 'boolean');
  one('auth', (x) => typeof x === 'string' && isAuth(x));
  many('callers', refs.element);
  many('controls', (s) => (isControl(s) ? s : undefined));
  many('accepts', refs.asset);
  many('returns', refs.asset);
  return v;
}

/**
 * A flow's facts our exporter keeps in attributes: the credential the caller uses, and the endpoint it calls
 * (its id `element:key`, placed once every flow is read: placeEndpoints).
 */
function ownFlowFacts(r: Reader, attrsField: Field | undefined, attrs: Record<string, string>): Pick<DataFlow, 'credential' | 'calls'> {
  const at = attrs.endpoint === undefined ? undefined : r.attributeAt(attrsField, 'endpoint');
  return {
    ...(attrs.credential && ID_PATTERN.test(attrs.credential) ? { credential: attrs.credential } : {}),
    ...(attrs.endpoint !== undefined && at ? { calls: { id: attrs.endpoint, ...at } } : {}),
  };
}

/**
 * The endpoint each flow calls, kept where the model resolves its key from the flow's target to the element
 * the exported id names: the target's own, or one of the service behind the load balancer or gateway it calls
 * (endpointServers). Else left out, with a warning at the attribute: an endpoint removed, a flow re-drawn.
 */
function placeEndpoints(flows: DataFlow[], components: readonly Component[], src: YamlSource): void {
  const byId = new Map(components.map((c) => [c.id, c]));
  const targets = targetsOf(flows);
  const view: EndpointView = {
    typeOf: (id) => {
      const identity = byId.get(id)?.identity;
      return identity?.type ?? impliedElementType(identity?.tech);
    },
    declares: (id, key) => byId.get(id)?.endpoints.has(key) === true,
    next: (id) => targets.get(id) ?? [],
  };
  for (const f of flows) {
    if (!f.calls) continue;
    const { id, offset, path } = f.calls;
    delete f.calls;
    const problem = placeEndpoint(f, id, components, view);
    if (problem) src.problem('warning', problem.code, offset, path, `flow ${f.from} -> ${f.to}: ${problem.message}`);
  }
}

/** Sets a flow's endpoint from its exported id (see placeEndpoints); what is wrong when it cannot. */
function placeEndpoint(f: DataFlow, id: string, components: readonly Component[], view: EndpointView): { code: string; message: string } | undefined {
  // Ids may hold `:`: each component whose id starts the endpoint's id is a reading of it, those that have such an endpoint first.
  const readings = components.filter((c) => id.startsWith(`${c.otmId}:`)).map((c) => ({ owner: c, key: id.slice(c.otmId.length + 1) }));
  const held = readings.filter((x) => x.owner.endpoints.has(x.key));
  for (const { owner, key } of held) {
    const servers = endpointServers(f.to, key, view);
    if (servers.length === 1 && servers[0] === owner.id) {
      f.endpoint = key;
      return undefined;
    }
  }
  const first = held[0] ?? readings[0];
  if (first === undefined) return { code: 'unknown-reference', message: `endpoint ${id} left out: it names no component of the file` };
  const servers = endpointServers(f.to, first.key, view);
  if (servers.length === 1) {
    return { code: 'unknown-reference', message: `endpoint ${id} left out: a flow to \`${f.to}\` naming ${first.key} reaches \`${servers[0]}\`'s, not \`${first.owner.id}\`'s` };
  }
  return unservedEndpoint(f.to, first.key, servers, view);
}

/**
 * Our exporter writes a flow's protocol as a tag and as an attribute, and its `auth` and `encrypted` as
 * tags, whatever the protocol implied. A protocol tag that differs from the attribute was edited in the
 * other tool: the auth and encryption tags that only said what the old protocol implied (as strings, the
 * way the tags say them) are to be implied by the new one, not kept. Undefined: no edit.
 */
function impliedByEditedProtocol(protocol: string | undefined, exported: string | undefined): { auth: string; encrypted: string } | undefined {
  if (protocol === undefined || exported === undefined || protocol === exported) return undefined;
  const old = lookup(PROTOCOLS, exported);
  return { auth: old?.auth ?? 'none', encrypted: String(old?.encrypted ?? false) };
}

// --- Import ------------------------------------------------------------------------------------------

export type OtmImportOptions = ImportOptions;

/** What an empty file should have held, for its message. */
const OTM_EXPECTED = 'an Open Threat Model document (JSON or YAML with `otmVersion` and `project`)';

/**
 * An OTM file as a threatmap model. Never throws: syntax errors, a file that is not OTM and references to
 * unknown ids are diagnostics with file:line:col (errors leave no text; unknown references are warnings and
 * the part that needs them is left out or placed nowhere). Deterministic: the file's order throughout.
 */
export function importOtm(text: string, file: string, options: OtmImportOptions = {}): OtmImportResult {
  return neverThrows(file, () => importUnsafe(text, file, options));
}

function importUnsafe(text: string, file: string, options: OtmImportOptions): OtmImportResult {
  const empty = emptyFile(text, file, OTM_EXPECTED);
  if (empty) return { diagnostics: [empty] };
  const src = options.source ?? YamlSource.imported(text, file);
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
    if (attrs.assumed === 'true') a.assumed = true;
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
  // Threat instances on a component or dataflow that is left out: still the file's findings about the
  // system, so they are kept, on the whole system (see the threats below).
  const orphans: Instance[] = [];
  for (const rec of compRecords) {
    const otmId = r.str(rec.fields.get('id'));
    if (!otmId) {
      src.problem('warning', 'missing-id', rec.offset, rec.path, 'a component without an `id` is left out: no dataflow can refer to it');
      orphans.push(...instancesOf(r, rec.fields.get('threats')));
      continue;
    }
    if (compByOtm.has(otmId)) {
      src.problem('warning', 'duplicate-id', rec.offset, [...rec.path, 'id'], `component \`${otmId}\` is defined twice; the second is left out`);
      orphans.push(...instancesOf(r, rec.fields.get('threats')));
      continue;
    }
    const name = r.str(rec.fields.get('name'));
    const type = r.str(rec.fields.get('type'));
    const tags = r.strings(rec.fields.get('tags')).map((t) => t.text);
    const attrs = r.attributes(rec.fields.get('attributes'));
    // A type other than the one our exporter wrote was chosen in the other tool: it wins over our tags.
    const { identity, note } = identityOf(type, fromThreatmap && typeEdited(type, tags) ? modelTags(tags) : tags);
    const c: Component = {
      otmId, id: modelId(otmId, name, 'component', taken), line: line(rec.offset), name, identity, notes: note ? [note] : [],
      parentOffset: rec.offset, handles: [], stores: [], controls: splitList(attrs.controls).filter(isControl), threats: [],
      own: fromThreatmap ? ownFacts(attrs, tags, (what) => notes.push(`${otmId}: ${what}`)) : noOwnFacts(), endpoints: new Map(),
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
    c.threats = instancesOf(r, rec.fields.get('threats'));
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
    // A rating other than the one our exporter wrote for the trust it names was set in the other tool: it wins.
    const ratingEdited = fromThreatmap && rating !== undefined && rating !== lookup(TRUST_RATING, attrs.trust);
    if ((TRUST_LEVELS as readonly string[]).includes(attrs.trust ?? '') && !ratingEdited) {
      trust = attrs.trust as TrustLevel;
      trustNote = '';
    } else if (UNTRUSTED_NAME.test(`${name ?? ''} ${type ?? ''}`)) {
      trust = 'untrusted';
      trustNote = `${NAMED_OUTSIDE}${rating !== undefined ? ` (trustRating ${rating})` : ''}`;
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
  facingZones(zones, components, notes);

  const refs: EndpointRefs = { asset: (id) => assetIds.get(id), element: (id) => compByOtm.get(id)?.id };
  for (const c of components) {
    for (const { key, details } of c.own.endpoints) {
      c.endpoints.set(key, endpointValue(details, refs, (what) => notes.push(`${c.id}: endpoint \`${key}\`: ${what}`)));
    }
  }
  const sections = fromThreatmap ? modelSectionsOf(pAttrs, refs.element, notes) : {};

  // mitigations: implemented ones on a component become controls when they name one control.
  const mitigationRecords = r.records(top.get('mitigations'), 'mitigations');
  const mitigationInfo = new Map<string, MitigationInfo>();
  for (const m of mitigationRecords) {
    const id = r.str(m.fields.get('id'));
    if (!id) continue;
    const name = r.str(m.fields.get('name'));
    const description = r.str(m.fields.get('description'));
    const reduction = r.num(m.fields.get('riskReduction'));
    const attrs = r.attributes(m.fields.get('attributes'));
    mitigationInfo.set(id, {
      ...(name ? { name } : {}), ...(description ? { description } : {}), ...(reduction !== undefined ? { reduction } : {}),
      ...(attrs.ruleId ? { ruleId: attrs.ruleId } : {}), control: controlOfMitigation(name, attrs),
    });
  }
  const controlsMade: string[] = [];
  // Our own export says a threat's mitigation is implemented when the team triaged it mitigated, and names
  // the rule's controls: the components' controls come back exactly from their attributes, and adding the
  // rule's control as well would make analyze stop reporting the threat whose decision is being kept.
  for (const c of fromThreatmap ? [] : components) {
    for (const t of c.threats) {
      for (const m of t.mitigations) {
        if (stateWord(m.state) !== 'implemented') continue;
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
  const trustOf = new Map(zones.map((z) => [z.id, z.trust] as const));
  const twoWayEnd = (c: Component): TwoWayEnd<Component> => ({ ref: c, id: c.id, kind: componentKind(c), untrusted: c.in !== undefined && trustOf.get(c.in) === 'untrusted' });
  const drawnFlows: Array<{ rec: RecordRead; drawnFrom: Component; drawnTo: Component }> = [];
  for (const rec of r.records(top.get('dataflows'), 'dataflows')) {
    const srcF = rec.fields.get('source');
    const dstF = rec.fields.get('destination');
    const drawnFrom = elementOf(r.str(srcF), srcF?.offset ?? rec.offset, [...rec.path, 'source'], 'source');
    const drawnTo = elementOf(r.str(dstF), dstF?.offset ?? rec.offset, [...rec.path, 'destination'], 'destination');
    if (!drawnFrom || !drawnTo) {
      orphans.push(...instancesOf(r, rec.fields.get('threats')));
      continue;
    }
    if (drawnFrom === drawnTo) {
      src.problem('warning', 'self-flow', rec.offset, rec.path, `a dataflow from \`${drawnFrom.otmId}\` to itself is left out`);
      orphans.push(...instancesOf(r, rec.fields.get('threats')));
      continue;
    }
    drawnFlows.push({ rec, drawnFrom, drawnTo });
  }
  // A threatmap flow is a call and its reply, so a bidirectional dataflow is one flow, from its caller: a
  // flow back as well would report every finding of the connection twice. OTM's source is only how it was
  // drawn, so the ends decide; a connection drawn twice against each other is one flow too (connectionWays).
  const ways = connectionWays(drawnFlows.map((d) => ({
    source: twoWayEnd(d.drawnFrom), target: twoWayEnd(d.drawnTo), bidirectional: isBidirectional(d.rec.fields.get('bidirectional')),
  })));
  const read = drawnFlows.map(({ rec, drawnFrom, drawnTo }, i): DataFlow => {
    const way = ways[i];
    const { from, to } = way;
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
    const implied = fromThreatmap ? impliedByEditedProtocol(protocol, attrs.protocol) : undefined;
    const auth = implied && tag('auth') === implied.auth ? undefined : tag('auth');
    const encrypted = implied && tag('encrypted') === implied.encrypted ? undefined : tag('encrypted');
    const name = r.str(rec.fields.get('name'));
    const port = attrs.port !== undefined && /^\d+$/.test(attrs.port) && Number(attrs.port) < 65536 ? Number(attrs.port) : undefined;
    const threats = instancesOf(r, rec.fields.get('threats'));
    const base: DataFlow = {
      from: from.id, to: to.id, line: line(rec.offset), otmId, protocol: protocol ?? techProtocol(to.identity.tech) ?? 'http', protocolStated: stated,
      data: assetRefs(r.strings(rec.fields.get('assets')), [...rec.path, 'assets']),
      controls: splitList(attrs.controls).filter(isControl), threats,
      ...(name && name !== `${drawnFrom.otmId} -> ${drawnTo.otmId}` ? { name } : attrs.name ? { name: attrs.name } : {}),
      ...(auth && isAuth(auth) ? { auth } : {}),
      ...(encrypted === 'true' || encrypted === 'false' ? { encrypted: encrypted === 'true' } : {}),
      ...(port !== undefined ? { port } : {}),
    };
    base.description = r.str(rec.fields.get('description'));
    if (fromThreatmap) Object.assign(base, ownFlowFacts(r, rec.fields.get('attributes'), attrs));
    // Our exporter's id for a flow the model named itself (two flows between one pair need one).
    if (fromThreatmap && otmId && otmId !== `${from.otmId}->${to.otmId}` && ID_PATTERN.test(otmId)) base.id = otmId;
    if (isBidirectional(rec.fields.get('bidirectional'))) base.bidirectional = true;
    if (way.why) base.turned = { why: way.why };
    return base;
  });
  read.forEach((f, i) => {
    const into = ways[i].into;
    if (into !== undefined) joinDataflow(read[into], f, drawnFlows[i].drawnFrom.id, drawnFlows[i].drawnTo.id);
  });
  for (const [i, base] of read.entries()) {
    if (ways[i].into !== undefined) continue;
    const pair = `${base.from}\u0000${base.to}`;
    // A second flow between the same pair needs an id of its own (the model requires it).
    if (pairs.has(pair) && base.id === undefined) base.id = modelId(slug(base.otmId || base.name || 'flow'), undefined, 'flow', taken);
    else if (base.id !== undefined) base.id = modelId(base.id, undefined, 'flow', taken);
    pairs.add(pair);
    flows.push(base);
  }

  placeEndpoints(flows, components, src);
  for (const c of components) for (const n of c.notes) notes.push(`${c.id}: ${n}`);
  const unstated = flows.filter((f) => !f.protocolStated).length;
  if (unstated) notes.push(`${unstated} of ${flows.length} flows state no protocol: their targets' (or http) assumed; set the real one`);
  const twoWay = bidirectionalSummary('bidirectional dataflow', flows);
  if (twoWay) notes.push(twoWay);
  const joined = joinedSummary('dataflow', read.length - flows.length);
  if (joined) notes.push(joined);

  // threats -> the model's threats, their instances' states -> the triage file beside it.
  const found = fileThreats({
    r, file, records: readThreats(r, top.get('threats')), components, flows, orphans, compByOtm, zoneByOtm, mitigations: mitigationInfo, notes,
    carried: sections.threats,
  });
  const summary: OtmImportSummary = {
    otmVersion: version, system: systemName, boundaries: zones.filter((z) => !z.dropped).length, elements: components.length,
    flows: flows.length, assets: assets.length, threats: found.list, written: found.written.length, decisions: 0,
    mitigations: mitigationRecords.length, controls: controlsMade, notes, fromThreatmap,
    ...(found.exportedUids.length ? { exportedUids: found.exportedUids } : {}),
  };
  if (hasError(src.diagnostics)) return done();
  const { text: modelText, decisions } = writeModel({
    file, version, system, zones, components, flows, assets, threats: found.list, written: found.written, own: found.decisions,
    derived: found.derived, mitigations: mitigationRecords.length, notes, sections,
  }, options);
  const triage = importedTriage([
    `Decisions imported by \`threatmap import\` from ${file} (${OTM_FORMAT} ${version}): the state of each threat instance that is a`,
    'decision (mitigated, partly mitigated, accepted, not applicable, or every mitigation implemented), and the decisions',
    'our own export recorded. They apply to the threats of the same keys when `threatmap analyze` reads the model.',
  ], decisions);
  summary.decisions = triage?.decisions ?? 0;
  return { text: summary.fromThreatmap ? modelText : withPlaceholderAsset(modelText, 'OTM', notes), ...(triage ? { triage } : {}), diagnostics: sortDiagnostics(src.diagnostics), summary };
}

// --- Threats -----------------------------------------------------------------------------------------

/** A threat of the file's `threats`, as read. */
interface ThreatRec {
  id?: string; line: number; name?: string; description?: string; categories: string[]; cwes: string[];
  likelihood?: Level; impact?: Level; likelihoodText?: string; impactText?: string;
  likelihoodComment?: string; impactComment?: string; attrs: Record<string, string>;
}

/**
 * A threat's likelihood or impact: a number from 0 to 100 (in thirds), or the word some tools write (High).
 * Anything else is a warning, not an error: one odd rating should not cost the whole model.
 */
function riskLevel(r: Reader, f: Field | undefined): { level?: Level; text?: string } {
  if (!f || f.value === null) return {};
  const v = isScalar(f.value) ? f.value.value : undefined;
  if (v === null) return {};
  const word = levelOfWord(v);
  if (word) return { level: word, text: word };
  if (typeof v === 'number' || (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v))) return { level: levelFromScore(Number(v)), text: String(Number(v)) };
  r.src.problem('warning', 'invalid-value', f.offset, f.path, 'a threat\'s likelihood and impact are numbers from 0 to 100: this one is left out, and analyze rates it from the model');
  return {};
}

function readThreats(r: Reader, field: Field | undefined): ThreatRec[] {
  const seen = new Set<string>();
  const out: ThreatRec[] = [];
  for (const rec of r.records(field, 'threats')) {
    const id = r.str(rec.fields.get('id'));
    if (id !== undefined && seen.has(id)) {
      r.src.problem('warning', 'duplicate-id', rec.offset, [...rec.path, 'id'], `threat \`${id}\` is defined twice; the second is left out`);
      continue;
    }
    if (id !== undefined) seen.add(id);
    const risk = rec.fields.get('risk');
    const rf = risk && isMap(risk.value) ? r.fields(risk.value, risk.offset, risk.path) : new Map<string, Field>();
    const likelihood = riskLevel(r, rf.get('likelihood'));
    const impact = riskLevel(r, rf.get('impact'));
    out.push({
      id, line: r.src.lineOf(rec.offset), name: r.str(rec.fields.get('name')), description: r.str(rec.fields.get('description')),
      categories: r.strings(rec.fields.get('categories')).map((x) => x.text), cwes: r.strings(rec.fields.get('cwes')).map((x) => x.text),
      likelihood: likelihood.level, likelihoodText: likelihood.text, impact: impact.level, impactText: impact.text,
      likelihoodComment: r.str(rf.get('likelihoodComment')), impactComment: r.str(rf.get('impactComment')),
      attrs: r.attributes(rec.fields.get('attributes')),
    });
  }
  return out;
}

/**
 * A threat instance's `state` -> a triage status; null: still open (no decision). The spec leaves the
 * state a free string and shows `exposed` and `mitigated`; the rest are IriusRisk's threat states (expose,
 * mitigate, partly-mitigate, accept, not-applicable) in either form, the past participles our exporter
 * writes (render/otm.ts THREAT_STATE), and the Microsoft Threat Modeling Tool states that StartLeft's
 * conversion passes through (AutoGenerated, NotStarted, NeedsInvestigation: nothing decided yet).
 */
const THREAT_STATES: Readonly<Record<string, TriageStatus | null>> = {
  '': null, exposed: null, expose: null, open: null, new: null, autogenerated: null, notstarted: null, needsinvestigation: null,
  mitigated: 'mitigated', mitigate: 'mitigated',
  partlymitigated: 'mitigating', partlymitigate: 'mitigating', partiallymitigated: 'mitigating', mitigating: 'mitigating',
  accepted: 'accepted', accept: 'accepted',
  transferred: 'transferred', transfer: 'transferred',
  // The threat does not apply here: what threatmap calls a false positive (and our exporter writes so).
  notapplicable: 'false-positive', falsepositive: 'false-positive',
};

/**
 * A mitigation instance's `state`: implemented (the spec's word; IriusRisk's and StartLeft's IMPLEMENTED),
 * not applicable or rejected (it does not count either way), or anything else (required, recommended:
 * not in place yet, which is also the safe reading of a word we do not know).
 */
const MITIGATION_STATES: Readonly<Record<string, 'implemented' | 'void'>> = {
  implemented: 'implemented', mitigated: 'implemented', notapplicable: 'void', rejected: 'void',
};

/** Text as a line for the model: MTMT's knowledge base writes HTML links into its descriptions. */
const plain = (text: string): string => oneLine(text
  .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/gi, (_, href: string, label: string) => (!label.trim() || label.trim() === href ? href : `${label.trim()} (${href})`))
  .replace(/<[^>]+>/g, '').replace(/\s+/g, ' ')).trim();

/** `CWE-79` from `CWE-79`, `cwe-79` or `79`; anything else as written. */
const cweRef = (text: string): string => {
  const m = /^\s*(?:cwe[-_ ]?)?(\d+)\s*$/i.exec(text);
  return m ? `CWE-${m[1]}` : text.trim();
};

/** A slug short enough for an id: MTMT's titles are whole sentences. */
const shortSlug = (text: string): string => {
  const s = slug(text);
  if (s.length <= 48) return s;
  const cut = s.slice(0, 48);
  return cut.slice(0, cut.lastIndexOf('-') > 20 ? cut.lastIndexOf('-') : 48).replace(/-+$/, '');
};

const mitigationLabel = (id: string, info: MitigationInfo | undefined): string => {
  const name = info?.name ? plain(info.name) : `mitigation ${id}`;
  return info?.reduction !== undefined && info.reduction < 100 ? `${name} (riskReduction ${info.reduction})` : name;
};

/** A mitigation as the model's text: its description, led by its name when the description does not start with it. */
function mitigationText(id: string, info: MitigationInfo | undefined): string {
  const name = info?.name ? plain(info.name) : undefined;
  const description = info?.description ? plain(info.description) : undefined;
  if (!description || description === name) return name ?? `mitigation ${id}`;
  if (!name || description.toLowerCase().startsWith(name.toLowerCase().replace(/[.…\s]+$/, ''))) return description;
  return `${name}: ${description}`;
}

/**
 * What the file decided about one instance. Its state when that is a decision; else its mitigations: every
 * one that counts implemented is mitigated, some of them is mitigating (partly mitigated, the risk still
 * carried). `unknown`: a state we do not read, for a note.
 */
function instanceDecision(inst: Instance, info: ReadonlyMap<string, MitigationInfo>): { decision?: ImportedDecisionFields; unknown?: string } {
  const word = stateWord(inst.state);
  const stated = lookup(THREAT_STATES, word);
  const counted = inst.mitigations.filter((m) => lookup(MITIGATION_STATES, stateWord(m.state)) !== 'void');
  const done = counted.filter((m) => lookup(MITIGATION_STATES, stateWord(m.state)) === 'implemented').map((m) => mitigationLabel(m.id, info.get(m.id)));
  const pending = counted.filter((m) => lookup(MITIGATION_STATES, stateWord(m.state)) !== 'implemented').map((m) => mitigationLabel(m.id, info.get(m.id)));
  const inFile = `in the ${OTM_FORMAT} file`;
  if (stated) {
    const implemented = stated !== 'false-positive' && done.length ? `; implemented: ${done.join('; ')}` : '';
    const notYet = stated === 'mitigating' && pending.length ? `; not yet: ${pending.join('; ')}` : '';
    return { decision: { status: stated, reason: `state "${inst.state}" ${inFile}${implemented}${notYet}` } };
  }
  const unknown = stated === undefined ? inst.state : undefined;
  if (counted.length && !pending.length) {
    return { decision: { status: 'mitigated', reason: `every mitigation it references is implemented ${inFile}: ${done.join('; ')}` }, unknown };
  }
  if (done.length) {
    return { decision: { status: 'mitigating', reason: `partly mitigated ${inFile}: implemented ${done.join('; ')}; not yet ${pending.join('; ')}` }, unknown };
  }
  return { unknown };
}

/** A status our exporter wrote, or open when the file says none we know. */
const statusWord = (s: string | undefined): TriageStatus =>
  (TRIAGE_STATUSES as readonly string[]).includes(s ?? '') ? (s as TriageStatus) : 'open';

/**
 * The decision about one of threatmap's threats. Our exporter wrote it twice: exactly in the threat's
 * attributes, and approximately as the states of its instances (render/otm.ts THREAT_STATE and
 * MITIGATION_STATE of the status in force). An instance whose states are no longer those was edited in the
 * other tool, and its edit wins (read as any OTM file's states are); else the attributes give the entry back.
 */
function ownDecision(t: ThreatRec, here: readonly Placed[], info: ReadonlyMap<string, MitigationInfo>, notes: string[]): ImportedDecisionFields | undefined {
  const written = statusWord(t.attrs.status);
  const edited = here.find((x) => !statesAre(x.inst, written));
  if (edited === undefined) return exportedDecision(t, notes);
  const { decision } = instanceDecision(edited.inst, info);
  notes.push(`${t.attrs.key}: ${edited.where} says ${edited.inst.state ?? '(no state)'} where the export said ${THREAT_STATE[written]} (${written}): ${decision?.status ?? 'open'}, as the file now says`);
  return decision && withScope(decision, shownScope(t));
}

const RATING_OF: Readonly<Record<Level, Rating>> = { low: 'Low', medium: 'Medium', high: 'High' };

/**
 * The threat a decision made in the other tool was made for: as the file shows it, its rating there (one a
 * person edited is what they decided on; else it is the one exported) and its flows as exported (a flow drawn
 * there may have grown the threat unseen).
 */
function shownScope(t: ThreatRec): Pick<TriageDecision, 'risk' | 'covers'> {
  const exported = scopeRead(t.attrs.risk, t.attrs.flows);
  const rated = t.likelihood && t.impact ? riskOf(RATING_OF[t.likelihood], RATING_OF[t.impact]) : undefined;
  return { ...exported, ...(rated && exported.risk ? { risk: rated } : {}) };
}

/**
 * A decision with what it was made for: one made in the other tool, the threat as the person saw it there
 * (shownScope), not as the imported model has it; one exported and not changed, what its entry recorded
 * (`decisionRisk`, `decisionCovers`), exactly, none when it recorded none. An `open` decision closes nothing
 * and records none.
 */
function withScope(d: ImportedDecisionFields, scope: Pick<TriageDecision, 'risk' | 'covers'>): ImportedDecisionFields {
  if (d.status === 'open') return d;
  return { ...d, ...(scope.risk ? { risk: scope.risk } : {}), ...(scope.covers ? { covers: scope.covers } : {}) };
}

/**
 * A scope as our exporter wrote it in attributes: a risk word and a list of flow ids; an unreadable risk is
 * none. An empty list is a scope of no flows (import-common's writesCovers), an absent one none.
 */
function scopeRead(risk: string | undefined, covers: string | undefined): Pick<TriageDecision, 'risk' | 'covers'> {
  const read = risk === undefined ? undefined : readRisk(risk);
  const flows = coversOfText(covers);
  return { ...(read ? { risk: read } : {}), ...(flows ? { covers: flows } : {}) };
}

/** Whether an instance still has the states our exporter gave a threat of this status. */
const statesAre = (inst: Instance, status: TriageStatus): boolean =>
  stateWord(inst.state) === stateWord(THREAT_STATE[status]) &&
  inst.mitigations.every((m) => stateWord(m.state) === stateWord(MITIGATION_STATE[status]));

/**
 * The triage entry our exporter recorded in a threat's attributes, exactly: status, reason, owner, ticket,
 * dates (the instance state only approximates it: transferred is written `accepted`). An open threat has
 * an entry when the team wrote something about it (a reason, an owner); a decision that had expired when it
 * was exported is written as it was declared, so that it lapses again, and says so, rather than vanishing.
 */
function exportedDecision(t: ThreatRec, notes: string[]): ImportedDecisionFields | undefined {
  const a = t.attrs;
  const declared = a.declaredStatus !== undefined && statusWord(a.declaredStatus) !== 'open' ? statusWord(a.declaredStatus) : undefined;
  const status = declared ?? statusWord(a.status);
  if (declared) notes.push(`${a.key}: its \`${declared}\` decision had expired${a.expires ? ` (${a.expires})` : ''} when it was exported: kept as it was, so the threat is open until it is renewed`);
  const date = (d: string | undefined) => (d !== undefined && isIsoDate(d) ? d : undefined);
  const fields = {
    ...(a.reason ? { reason: a.reason } : {}), ...(a.owner ? { owner: a.owner } : {}), ...(a.ticket ? { ticket: a.ticket } : {}),
    ...(date(a.expires) ? { expires: date(a.expires) } : {}), ...(date(a.review) ? { review: date(a.review) } : {}),
  };
  return status === 'open' && Object.keys(fields).length === 0 ? undefined : withScope({ status, ...fields }, scopeRead(a.decisionRisk, a.decisionCovers));
}

/** Where a threat instance lands: an element or flow, or (no target) the whole system; `where` for comments. */
interface Placed { inst: Instance; target?: ImportedTarget; where: string }

interface ThreatInput {
  r: Reader; file: string; records: ThreatRec[]; components: Component[]; flows: DataFlow[]; orphans: Instance[];
  compByOtm: ReadonlyMap<string, Component>; zoneByOtm: ReadonlyMap<string, Zone>; mitigations: ReadonlyMap<string, MitigationInfo>;
  notes: string[];
  /** The written threats our export carried (it was given the model); absent: built from the file's threats. */
  carried?: CarriedThreats;
}

/** A threat for the model's `threats:`, with the controls that mitigate it when the model said so (ours only). */
type WrittenOut = ImportedThreat;

interface FileThreats {
  /** For the model's `threats:`, ours (written in the model we exported) first, so that their ids are theirs. */
  written: WrittenOut[];
  /** Decisions about threatmap's own threats, under the keys our exporter gave them. */
  decisions: ImportedDecision[];
  list: OtmThreatNote[];
  derived: number;
  /** The stable ids of threatmap's threats the file carries (its own threats' keys, hashed as analysis does, and their ids). */
  exportedUids: string[];
}


function fileThreats(p: ThreatInput): FileThreats {
  const { r, file, notes } = p;
  const known = new Set(p.records.flatMap((t) => (t.id !== undefined ? [t.id] : [])));
  const placed = new Map<string, Placed[]>();
  const place = (inst: Instance, target: ImportedTarget | undefined, where: string) => {
    if (!known.has(inst.threat)) {
      r.src.problem('warning', 'unknown-reference', inst.offset, inst.path, `no threat has id \`${inst.threat}\`; this threat instance is left out`);
      return;
    }
    for (const m of inst.mitigations) {
      if (!p.mitigations.has(m.id)) r.src.problem('warning', 'unknown-reference', m.offset, m.path, `no mitigation has id \`${m.id}\`; named by its id`);
    }
    const l = placed.get(inst.threat) ?? [];
    l.push({ inst, target, where });
    placed.set(inst.threat, l);
  };
  for (const c of p.components) for (const i of c.threats) place(i, { ref: c.id, component: c.id }, `component ${c.otmId}`);
  const flowByOtm = new Map<string, ImportedTarget>();
  for (const f of p.flows) {
    for (const otmId of [f.otmId, ...(f.joined?.otmIds ?? [])]) if (otmId && !flowByOtm.has(otmId)) flowByOtm.set(otmId, flowTarget(f, p.flows));
    for (const i of f.threats) place(i, flowTarget(f, p.flows), `dataflow ${(i.dataflow ?? f.otmId) || '(no id)'}`);
  }
  for (const i of p.orphans) place(i, undefined, 'a component or dataflow left out');
  for (const l of placed.values()) l.sort((a, b) => a.inst.offset - b.inst.offset);

  const ours = (t: ThreatRec) => t.attrs.ruleId !== undefined && t.attrs.key !== undefined && t.attrs.key.includes('@');
  // Converters write one pair of numbers on every threat (StartLeft: likelihood 100, impact 100): that is no
  // rating, and written as one it would make every threat High; left out, analyze rates each from the model.
  const theirs = p.records.filter((t) => !ours(t));
  const pairOf = (t: ThreatRec) => `${t.likelihoodText ?? ''}/${t.impactText ?? ''}`;
  const placeholder = theirs.length > 1 && theirs.every((t) => t.likelihood && t.impact && pairOf(t) === pairOf(theirs[0]));
  if (placeholder) {
    notes.push(`every threat has likelihood ${theirs[0].likelihoodText} and impact ${theirs[0].impactText}: a converter's placeholder, not a rating, so both are left out and analyze rates each threat from the model`);
  }

  const own = new Map<string, ImportedThreat>();
  // The file's threats of each written threat our export carried, in file order.
  const carriedRecords = new Map<string, ThreatRec[]>();
  const written: ImportedThreat[] = [];
  const decisions: ImportedDecision[] = [];
  const list: OtmThreatNote[] = [];
  let derived = 0;
  for (const t of p.records) {
    const here = t.id !== undefined ? placed.get(t.id) ?? [] : [];
    const title = oneLine(t.name ?? '').trim() || t.id || '(untitled)';
    const note: OtmThreatNote = { id: t.id ?? '', name: title, on: [...new Set(here.flatMap((x) => (x.target ? [x.target.ref] : [])))] };
    list.push(note);
    const decided = (status: TriageStatus) => { if (!(note.decisions ??= []).includes(status)) note.decisions.push(status); };

    if (ours(t)) {
      const { ruleId, key, endpoint } = t.attrs;
      const decision = ownDecision(t, here, p.mitigations, notes);
      // An endpoint removed in the other tool takes its threats with it: a decision about one would match
      // no threat, so it is noted rather than written.
      const gone = endpoint !== undefined && ownEndpoint(t.attrs, p) === undefined;
      if (decision && gone) {
        notes.push(`${key}: its \`${decision.status}\` decision is about endpoint ${endpoint}, which is not in the file any more: not kept`);
      } else if (decision) {
        decisions.push({ key, title, ...decision });
        if (decision.status !== 'open') decided(decision.status);
      }
      if (!ruleId.startsWith(WRITTEN_RULE_PREFIX)) {
        note.derived = true;
        derived++;
        continue;
      }
      // A threat the model wrote: one per target in the export (each its own OTM threat), one again here.
      const id = ruleId.slice(WRITTEN_RULE_PREFIX.length);
      // Carried as written: its OTM threats only say what was edited and where it still is (below).
      if (p.carried?.entries.has(id)) {
        const l = carriedRecords.get(id);
        if (l) l.push(t);
        else carriedRecords.set(id, [t]);
        continue;
      }
      let w = own.get(id);
      if (!w) {
        w = ownThreat(t, id, title, p);
        own.set(id, w);
      }
      w.comment.push(`${file}:${t.line} threat ${t.id ?? '(no id)'}: ${key}`);
      const target = ownTarget(t.attrs, p, flowByOtm);
      if (target && gone) notes.push(`threats.${id}: on endpoint ${endpoint} in the exported model, which is not in the file any more; written on its element \`${target.ref}\``);
      if (target && !w.on.some((o) => o.component === target.component)) w.on.push(target);
      continue;
    }

    let stride = t.categories.map(strideOfWord).find((s) => s !== undefined);
    if (!stride) {
      stride = 'T';
      notes.push(`threat ${t.id ?? '(no id)'} "${title}": ${t.categories.length ? `its categories (${t.categories.join(', ')}) name` : 'it has'} no STRIDE category; written as T (tampering): correct it`);
    }
    const base = {
      title, stride,
      ...(t.description && plain(t.description) ? { description: plain(t.description) } : {}),
      ...(!placeholder && t.likelihood ? { likelihood: t.likelihood } : {}),
      ...(!placeholder && t.impact ? { impact: t.impact } : {}),
      ...(t.cwes.length ? { references: [...new Set(t.cwes.map(cweRef).filter(Boolean))] } : {}),
    };
    const wanted = modelId(t.id ?? '', shortSlug(title), 'threat', new Set());
    const origin = `${file}:${t.line} threat ${t.id ?? '(no id)'}${t.likelihoodText || t.impactText ? ` (likelihood ${t.likelihoodText ?? 'none'}, impact ${t.impactText ?? 'none'})` : ''}`;
    if (here.length === 0) {
      written.push({ ...base, wanted, on: [], comment: [`${origin}: no component or dataflow names it, so the whole system`] });
      continue;
    }
    // One model threat per OTM threat, on every element and flow its instances name, when the instances agree
    // (same decision, same mitigations): the file's one finding stays one. Instances that differ are split,
    // one model threat per way they differ, since a model threat carries one mitigation text and one decision
    // per import; the keys stay one per target either way, so triage matches each instance.
    const groups = new Map<string, { placed: Placed[]; decision?: ImportedDecisionFields; mitigation?: string }>();
    for (const x of here) {
      const { decision, unknown } = instanceDecision(x.inst, p.mitigations);
      if (unknown !== undefined) notes.push(`threat ${t.id} on ${x.where}: state "${unknown}" is not one threatmap reads: ${decision ? decision.status : 'left open'}`);
      const texts = [...new Set(x.inst.mitigations.map((m) => mitigationText(m.id, p.mitigations.get(m.id))))];
      const mitigation = texts.length ? texts.join('; ') : undefined;
      const sig = JSON.stringify([x.target === undefined, decision ?? null, mitigation ?? null]);
      const g = groups.get(sig);
      if (g) g.placed.push(x);
      else groups.set(sig, { placed: [x], ...(decision ? { decision } : {}), ...(mitigation ? { mitigation } : {}) });
    }
    for (const g of groups.values()) {
      const on: ImportedTarget[] = [];
      for (const x of g.placed) if (x.target && !on.some((o) => o.component === x.target!.component)) on.push(x.target);
      const states = g.placed.map((x) => `on ${x.where} (line ${x.inst.line}): state ${x.inst.state ?? '(none)'}${x.inst.mitigations.length
        ? `; mitigations ${x.inst.mitigations.map((m) => `${m.id} ${m.state || '(no state)'}`).join(', ')}` : ''}`);
      written.push({
        ...base,
        wanted: groups.size > 1 ? `${wanted}-${slug(on[0]?.component ?? 'system') || 'flow'}` : wanted,
        on,
        ...(g.mitigation ? { mitigation: g.mitigation } : {}),
        comment: [`${origin}${groups.size > 1 ? `: its instances differ, so one threat per kind of instance` : ''}${on.length ? '' : ': on a component or dataflow left out, so the whole system'}`, ...states],
        ...(g.decision ? { decision: g.decision } : {}),
      });
      if (g.decision) decided(g.decision.status);
    }
  }
  const carried = p.carried ? carriedThreats(p.carried, carriedRecords, p, flowByOtm) : [];
  // A decision about a written threat on something it is no longer on (deleted there, removed from the file)
  // would be a stale entry: it goes with the target.
  const keys = new Set(carried.flatMap((w) => (w.on.length ? w.on : [SYSTEM_TARGET]).map((o) => `${WRITTEN_RULE_PREFIX}${w.wanted}@${o.component}`)));
  const kept = decisions.filter((d) => {
    const id = d.key.startsWith(WRITTEN_RULE_PREFIX) ? d.key.slice(WRITTEN_RULE_PREFIX.length, d.key.indexOf('@')) : undefined;
    if (id === undefined || !p.carried?.entries.has(id) || keys.has(d.key)) return true;
    notes.push(`${d.key}: its \`${d.status}\` decision is about a target the threat is no longer on: not kept`);
    return false;
  });
  const exportedUids = uidList(p.records.filter(ours).flatMap((t) => [threatUid(t.attrs.key!), ...(t.id !== undefined ? [t.id] : [])]));
  return { written: [...carried, ...own.values(), ...written], decisions: kept, list, derived, exportedUids };
}

/**
 * A threat the model wrote, as our exporter gave it: the rule's title, description, STRIDE letter and
 * references; its likelihood and impact only when the model stated them (analysis says "as written in the
 * model" in the comment beside the number; the others it rated from the model and will again); its
 * mitigation from the mitigation our exporter made for the rule.
 */
function ownThreat(t: ThreatRec, id: string, title: string, p: ThreatInput): ImportedThreat {
  const a = t.attrs;
  const stride = /^[STRIDE]$/.test(a.stride ?? '') ? (a.stride as ImportedThreat['stride']) : t.categories.map(strideOfWord).find((s) => s !== undefined) ?? 'T';
  const stated = (comment: string | undefined) => comment !== undefined && /as written in the model/.test(comment);
  const texts = [...p.mitigations.values()].filter((m) => m.ruleId === a.ruleId && m.description && m.description !== NO_MITIGATION_WRITTEN);
  const references = a.references ? splitList(a.references) : t.cwes.map(cweRef);
  return {
    wanted: id, title, stride, on: [],
    ...(t.description && t.description !== NO_DESCRIPTION_WRITTEN ? { description: t.description } : {}),
    ...(stated(t.likelihoodComment) && t.likelihood ? { likelihood: t.likelihood } : {}),
    ...(stated(t.impactComment) && t.impact ? { impact: t.impact } : {}),
    ...(texts.length === 1 ? { mitigation: texts[0].description } : {}),
    ...(references.length ? { references } : {}),
    comment: [`written in the model that was exported (rule ${a.ruleId}); analyze reports it again`],
  };
}

/** Where our exporter's threat was: its component, as the key names it and as the model (imported back) calls it. */
function ownTarget(a: Record<string, string>, p: ThreatInput, flowByOtm: ReadonlyMap<string, ImportedTarget>): ImportedTarget | undefined {
  const keyed = a.key.slice(a.key.indexOf('@') + 1);
  const same = (id: string): ImportedTarget => ({ ref: id, component: id });
  switch (a.componentKind) {
    case 'system': return SYSTEM_TARGET;
    case 'flow': return flowByOtm.get(a.component ?? '') ?? same(keyed);
    case 'boundary': return same(p.zoneByOtm.get(a.component ?? '')?.id ?? keyed);
    // An endpoint's threat goes on its endpoint, else (the endpoint removed in the other tool) on its element.
    default: return same(ownEndpoint(a, p) ?? p.compByOtm.get(a.component ?? '')?.id ?? keyed.replace(/:.*$/, ''));
  }
}

/** The endpoint one of our threats is about, as the imported model names it (`element:key`), while its element still has it. */
function ownEndpoint(a: Record<string, string>, p: ThreatInput): string | undefined {
  const prefix = `${a.component}:`;
  if (a.endpoint === undefined || a.component === undefined || !a.endpoint.startsWith(prefix)) return undefined;
  const c = p.compByOtm.get(a.component);
  const key = a.endpoint.slice(prefix.length);
  return c?.endpoints.has(key) ? `${c.id}:${key}` : undefined;
}

// --- Written threats our export carried ------------------------------------------------------------

/**
 * The written threats our export carried, in the model's order, each as written except where the other
 * tool says otherwise. A threat that had OTM threats in the export and has none left was deleted there: it is
 * gone. One the analysis reported nowhere (mitigated or ruled out wherever it applies) had none to delete,
 * so it comes back whole. A target whose OTM threat was deleted, or that is no longer in the file, is no
 * longer one of its targets; a threat left with none is gone rather than made the whole system's.
 */
function carriedThreats(c: CarriedThreats, records: ReadonlyMap<string, ThreatRec[]>, p: ThreatInput, flowByOtm: ReadonlyMap<string, ImportedTarget>): WrittenOut[] {
  const out: WrittenOut[] = [];
  for (const [id, entry] of c.entries) {
    const here = records.get(id) ?? [];
    const exported = c.reported.get(id) ?? [];
    const present = new Set(here.map((t) => t.attrs.key.slice(t.attrs.key.indexOf('@') + 1)));
    if (exported.length && !exported.some((x) => present.has(x))) {
      p.notes.push(`threats.${id}: its threats were deleted in the other tool: left out`);
      continue;
    }
    const on = carriedOn(id, entry, exported, present, p, flowByOtm);
    if (on === undefined) continue;
    out.push({ ...carriedFields(id, entry, here, p.mitigations), wanted: id, on, comment: carriedComment(id, here, p.file) });
  }
  return out;
}

/** A carried threat's targets as the imported model names them; undefined when none is left of those it had. */
function carriedOn(
  id: string, entry: RawWrittenThreat, exported: readonly string[], present: ReadonlySet<string>, p: ThreatInput, flowByOtm: ReadonlyMap<string, ImportedTarget>,
): ImportedTarget[] | undefined {
  const refs = targetRefs(entry.on).map(String);
  const on: ImportedTarget[] = [];
  for (const ref of refs) {
    if (exported.includes(ref) && !present.has(ref)) {
      p.notes.push(`threats.${id}: its threat on \`${ref}\` was deleted in the other tool: no longer on it`);
      continue;
    }
    const found = carriedTarget(ref, p, flowByOtm);
    if (!found) {
      p.notes.push(`threats.${id}: \`${ref}\` is not in the file any more: no longer on it`);
      continue;
    }
    if (found.moved) p.notes.push(`threats.${id}: on endpoint ${ref} in the exported model, which is not in the file any more; written on its element \`${found.target.ref}\``);
    if (!on.some((o) => o.component === found.target.component)) on.push(found.target);
  }
  if (refs.length && !on.length) {
    p.notes.push(`threats.${id}: none of what it threatens (${refs.join(', ')}) is in the file any more: left out`);
    return undefined;
  }
  return on;
}

/**
 * What a carried target names in the imported model, resolved as the model resolves `on:` (element,
 * boundary, flow ids, then an endpoint `element:key`, then the system); an endpoint gone from an element
 * still there: that element (`moved`).
 */
function carriedTarget(ref: string, p: ThreatInput, flowByOtm: ReadonlyMap<string, ImportedTarget>): { target: ImportedTarget; moved?: true } | undefined {
  const same = (id: string): ImportedTarget => ({ ref: id, component: id });
  const element = p.compByOtm.get(ref);
  if (element) return { target: same(element.id) };
  const zone = p.zoneByOtm.get(ref);
  if (zone && !zone.dropped) return { target: same(zone.id) };
  const flow = flowByOtm.get(ref);
  if (flow) return { target: flow };
  for (let colon = ref.indexOf(':'); colon > 0; colon = ref.indexOf(':', colon + 1)) {
    const c = p.compByOtm.get(ref.slice(0, colon));
    if (!c) continue;
    const key = ref.slice(colon + 1);
    return c.endpoints.has(key) ? { target: same(`${c.id}:${key}`) } : { target: same(c.id), moved: true };
  }
  return ref === SYSTEM_TARGET.ref ? { target: SYSTEM_TARGET } : undefined;
}

/** The rating word our exporter wrote at the start of a risk comment (`High: reachable from...`). */
const ratingOfComment = (comment: string | undefined): number | undefined => {
  const word = /^(Low|Medium|High):/.exec(comment ?? '')?.[1] as keyof typeof RATING_SCORE | undefined;
  return word && RATING_SCORE[word];
};

/**
 * A carried threat's fields: as written, except what a person changed in the other tool in one of its OTM
 * threats (the first such in the file): the name, the STRIDE category, the description, a likelihood or
 * impact number other than the one our exporter wrote for its level (then stated), the mitigation's text.
 */
function carriedFields(id: string, entry: RawWrittenThreat, here: readonly ThreatRec[], info: ReadonlyMap<string, MitigationInfo>): Omit<WrittenOut, 'wanted' | 'on' | 'comment'> {
  const first = <T>(pick: (t: ThreatRec) => T | undefined): T | undefined => here.map(pick).find((x) => x !== undefined);
  const stride = strideOfWord(entry.stride) ?? 'T';
  const title = first((t) => { const n = oneLine(t.name ?? '').trim(); return n && n !== entry.title ? n : undefined; }) ?? entry.title;
  const edited = {
    stride: first((t) => { const s = t.categories.map(strideOfWord).find((x) => x !== undefined); return s !== stride ? s : undefined; }),
    description: first((t) => (t.description !== undefined && t.description !== (entry.description ?? NO_DESCRIPTION_WRITTEN) ? t.description : undefined)),
    likelihood: first((t) => (t.likelihoodText !== undefined && Number(t.likelihoodText) !== ratingOfComment(t.likelihoodComment) ? t.likelihood : undefined)),
    impact: first((t) => (t.impactText !== undefined && Number(t.impactText) !== ratingOfComment(t.impactComment) ? t.impact : undefined)),
  };
  const texts = here.length ? [...info.values()].filter((m) => m.ruleId === `${WRITTEN_RULE_PREFIX}${id}` && m.description) : [];
  const mitigation = texts.length === 1 && texts[0].description !== (entry.mitigation ?? NO_MITIGATION_WRITTEN) ? texts[0].description : entry.mitigation;
  const description = edited.description ?? entry.description;
  const likelihood = edited.likelihood ?? (entry.likelihood === 'exposure' ? undefined : entry.likelihood);
  const impact = edited.impact ?? (entry.impact === 'assets' ? undefined : entry.impact);
  return {
    title, stride: edited.stride ?? stride,
    ...(description !== undefined && description !== NO_DESCRIPTION_WRITTEN ? { description } : {}),
    ...(likelihood ? { likelihood } : {}),
    ...(impact ? { impact } : {}),
    ...(mitigation !== undefined && mitigation !== NO_MITIGATION_WRITTEN ? { mitigation } : {}),
    ...(entry['mitigated-by']?.length ? { mitigatedBy: entry['mitigated-by'] } : {}),
    ...(entry.references?.length ? { references: entry.references } : {}),
  };
}

function carriedComment(id: string, here: readonly ThreatRec[], file: string): string[] {
  if (!here.length) {
    return [`written in the model that was exported (rule ${WRITTEN_RULE_PREFIX}${id}), which reported it nowhere (mitigated or ruled out): carried in project attribute ${THREATS_ATTRIBUTE}`];
  }
  return [
    `written in the model that was exported (rule ${WRITTEN_RULE_PREFIX}${id}), as carried in project attribute ${THREATS_ATTRIBUTE}; analyze reports it again`,
    ...here.map((t) => `${file}:${t.line} threat ${t.id ?? '(no id)'}: ${t.attrs.key}`),
  ];
}

// --- Writing -----------------------------------------------------------------------------------------

interface Parts {
  file: string; version: string; system: Record<string, string>; zones: Zone[]; components: Component[];
  flows: DataFlow[]; assets: AssetOut[]; threats: OtmThreatNote[]; written: WrittenOut[]; own: ImportedDecision[];
  derived: number; mitigations: number; notes: string[]; sections: ModelSections;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function header(p: Parts, options: OtmImportOptions): string[] {
  const lines = [
    `Imported by \`threatmap import\` from ${p.file} (${OTM_FORMAT} ${p.version}).`,
    'A model to review: each boundary, element, flow and threat says which line of the OTM file it came from.',
    `The file lists ${plural(p.threats.length, 'threat')} and ${plural(p.mitigations, 'mitigation')}. Its threats are under \`threats:\` below (${p.written.length} written),`,
    'on the elements and flows their instances name, beside those `threatmap analyze` derives; the states that are',
    'decisions are in the triage file written beside this model.',
    ...(p.derived ? [`${p.derived} of them are threatmap's own (an export of a model): analyze derives them again, so only their decisions are kept.`] : []),
    'Implemented mitigations that name one threatmap control became `controls`.',
  ];
  const shown = p.threats.map((t) => `${t.id}: ${t.name}${t.on.length ? ` (on ${t.on.join(', ')})` : ''}${t.derived ? ' (threatmap\'s own)' : ''}${t.decisions ? ` [${t.decisions.join(', ')}]` : ''}`);
  return [...lines, ...headerTail(shown, p.threats.length, p.notes, options.output)];
}

/** The element's fields only our own export carries, as the model writes them. */
function ownElementFields(c: Component): Record<string, unknown> {
  const o = c.own;
  return {
    ...(c.endpoints.size ? { endpoints: Object.fromEntries(c.endpoints) } : {}),
    ...(o.exposed !== undefined ? { exposed: o.exposed } : {}),
    ...(o.privileged ? { privileged: true } : {}),
    ...(o.replicas !== undefined ? { replicas: o.replicas } : {}),
    ...(o.owner ? { owner: o.owner } : {}),
    ...(o.tags.length ? { tags: o.tags } : {}),
  };
}

function writeModel(p: Parts, options: OtmImportOptions): { text: string; decisions: ImportedDecision[] } {
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
      if (a.assumed) v.assumed = true;
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
    Object.assign(v, ownElementFields(c));
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
      if (f.credential) details.credential = f.credential;
      if (f.data.length) details.data = f.data;
      if (f.endpoint !== undefined) details.endpoint = f.endpoint;
      if (f.controls.length) details.controls = f.controls;
      if (f.port !== undefined) details.port = f.port;
      if (f.description) details.description = f.description;
      seq.items.push(flowItem(doc, f.from, f.to, details, [
        `${where(f.line, 'dataflow', f.otmId || '(no id)')}${f.bidirectional ? bidirectionalNote('OTM', f, p.flows) : ''}`,
        ...(f.protocolStated ? [] : [`no protocol in the OTM file: ${f.protocol} assumed`]),
        ...(f.joined?.notes ?? []),
      ]));
    }
    section(root, 'flows', seq);
  }
  const written = threatsSection(doc, root, p.written);
  modelSections(doc, root, p.sections.assumptions ?? [], p.sections.rules);
  // A key decided twice (two threats of one file under one key) would be a duplicate entry, which the
  // triage file rejects: the first decision stands.
  const decisions: ImportedDecision[] = [];
  const keys = new Set<string>();
  for (const d of [...written, ...p.own]) {
    if (keys.has(d.key)) continue;
    keys.add(d.key);
    decisions.push(d);
  }
  return { text: doc.toString({ lineWidth: 0 }), decisions };
}
