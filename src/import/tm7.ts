// Reading a Microsoft Threat Modeling Tool model (.tm7: the XML of a WCF DataContract serialisation) for
// `threatmap import`: the stencils of its diagrams become a threatmap model to review. Pure: no Node APIs;
// the CLI reads and writes the files.
//
// Mapping, MS TMT -> threatmap (each choice is explained where it is made below):
//   MetaInformation ThreatModelName, Owner, HighLevelSystemDescription -> system (name: the file's when empty)
//   DrawingSurfaceList > DrawingSurfaceModel[] -> one model: every diagram's stencils merged
//   Borders, GenericTypeId GE.EI / GE.P / GE.DS -> external / process / store element; id from its Name
//   TypeId (the template's stencil, named by     -> a catalog type or technology where one fits the kind
//     the file's KnowledgeBase)                    (STENCILS below: Azure Database for PostgreSQL -> azure-postgres,
//                                                  Azure SQL Database -> azure-sql, Azure Cosmos DB -> cosmosdb,
//                                                  SQL Server and Azure SQL Data Warehouse -> mssql, Mobile
//                                                  Client -> mobile-app, Web API -> api...), else a comment
//   Borders, BorderBoundary (GE.TB.B)            -> boundary holding the elements whose centre lies inside it
//                                                  (nested boxes nest); trust from the name, kind from the stencil
//   Lines, LineBoundary (GE.TB.L)                -> no boundary: a line says nothing of sides; crossings noted
//   Lines, Connector (GE.DF)                     -> flow SourceGuid -> TargetGuid; a loose end is a warning
//   GE.A (free text annotation)                  -> nothing
//   element and flow properties (TMT's SDL and Azure templates):
//     Running As: Kernel, System, Administrator  -> privileged
//     Implements or Uses an Authentication Mechanism: Yes -> control authentication
//     Implements or Uses an Authorization Mechanism: Yes  -> control authorization
//     Sanitizes Input / Sanitizes Output: Yes    -> controls input-validation / output-encoding
//     Authenticates Itself: Yes (external)       -> comment only: the method is not said, so no `auth`
//     Encrypted: Yes (store), ... TDE Enabled: True -> control encryption-at-rest
//     ... TDE Enabled: False (Azure SQL Database) -> tag encryption-at-rest-off (against the provider's default)
//     Stores Credentials: Yes                    -> stores the shared `credentials` asset
//     Stores Log Data: Yes                       -> type logs when the stencil names no other type
//     Signed: Yes                                -> tamper-evident-logs on a log store, else a comment
//     ... Auditing Enabled / Audit Logging Enabled: True -> control audit-logging
//     ... Firewall Settings / Network Security   -> all networks: exposed; selected networks: ip-allowlist
//     Storage Type (Azure Storage), Cache Technologies -> type or technology
//     ... TLS Enforced / HTTPS Enforced: True     -> the flows to it use the protocol's TLS form
//     Provides Confidentiality: Yes (flow)       -> the flow's protocol in its TLS form
//     Source Authenticated: Yes (flow)           -> comment only (the method is not said)
//     Out Of Scope: true                         -> imported all the same, with a comment
//   flow protocol: the flow stencil's (HTTP, HTTPS, SMB, UDP, Named Pipe...), else the server end's
//                  technology's (postgres), else http; a Response stencil's server end is its source
//   ThreatInstances: a threat the team worked on -> `threats:` on its flow (else its target element), category ->
//     (a State other than Not Started, a           STRIDE, Priority -> impact, description and possible
//     justification, or one added by hand)         mitigations from the file; its State -> the triage file
//                                                  (Mitigated, Not Applicable -> false-positive, Needs
//                                                  Investigation -> open)
//   ThreatInstances left as generated            -> `threats:` too, the instances of one type and title on one
//                                                  element merged, rated from the model; except those a threatmap
//                                                  rule reports on the same element or flow (RULE_EQUIVALENTS),
//                                                  listed in the header with the rule, since analyze derives them
//   Response flow with its request drawn the     -> folded into the request (a threatmap flow is the connection)
//     other way
//   (no data model)                              -> the placeholder assets (import-common.ts placeholderAsset):
//                                                  `data` every process handles, confidential but `assumed`
//                                                  (impact Medium at most), `stored-data` every store stores,
//                                                  confidential
import { YAMLMap, YAMLSeq } from 'yaml';
import { ENCRYPTION_OFF_TAG } from '../analysis/rules/disclosure.js';
import type { Threat } from '../analysis/types.js';
import { ELEMENT_TYPES, type BoundaryKind, type ElementKind, type ElementType, PROTOCOLS, providerEncryption, TECHNOLOGIES, type TrustLevel } from '../model/catalog.js';
import { sortDiagnostics } from '../model/diagnostics.js';
import type { Diagnostic, Severity } from '../model/types.js';
import type { TriageStatus } from '../track/types.js';
import {
  derivedThreats, emptyFile, flowTarget,
  credentialsSection, flowItem, headerTail, type ImportedDecision, type ImportedDecisionFields, importedTriage, type ImportedTarget,
  type ImportedThreat, type ImportOptions, type ImportResult, keyedEntry, levelOfWord, modelId, neverThrows, outsideEntry, placeholderAsset, section, slug,
  startModel, strideOfWord, threatsSection, UNTRUSTED_NAME,
} from './import-common.js';
import { inside, type Point, type Rect, polylinesMeet, within } from './geometry.js';
import { techProtocol } from './protocols.js';
import { kid, kids, parseXml, type XmlFormat, type XNode } from './xml.js';

export { MAX_XML_DEPTH, MAX_XML_ELEMENTS } from './xml.js';

export const TM7_FORMAT = 'Microsoft Threat Modeling Tool';
/** The namespace of a .tm7's root element, as the tool writes it. */
export const TM7_NAMESPACE = 'http://schemas.datacontract.org/2004/07/ThreatModeling.Model';

export interface Tm7ThreatNote {
  id: string;
  title: string;
  category: string;
  priority: string;
  state: string;
  /** The model id of the flow (or element) the threat was generated for. */
  on: string;
  /**
   * The team worked on it (a State other than Not Started, a justification, or added by hand): written under
   * `threats:` as it is, its State a triage decision. Otherwise it is as the template generated it: written
   * too, merged with the instances of its type on the same element, unless `rules` says threatmap derives it.
   */
  written: boolean;
  /** Generated, and left to these threatmap rules, which report the same threat on the same element or flow. */
  rules?: string[];
}

export interface Tm7ImportSummary {
  version: string;
  system: string;
  /** The template the model was made with (its KnowledgeBase's manifest), when the file names it. */
  template?: { name: string; version?: string };
  diagrams: string[];
  boundaries: number;
  elements: number;
  flows: number;
  /** Boundary lines, which become no boundary (see below). */
  lines: number;
  /** The file's threats in file order; those the team worked on are also written under `threats:`. */
  threats: Tm7ThreatNote[];
  /** How many threats `threats:` holds for the generated ones written (the instances of a type on an element merged). */
  generatedWritten: number;
  /** How many of them are in each state (AutoGenerated, NeedsInvestigation, Mitigated...), by state name. */
  threatStates: Record<string, number>;
  /** Things a reviewer should check, one line each. */
  notes: string[];
}

export type Tm7ImportResult = ImportResult<Tm7ImportSummary>;

// --- XML -----------------------------------------------------------------------------------------------

/**
 * Subtrees never read: the template's threat rules, icons and validation results are most of a .tm7's bytes,
 * so they are parsed (for well-formedness and the limits) but not kept.
 */
const TM7_XML: XmlFormat = {
  doctype: 'a .tm7 has none', doctypeHint: 'the Threat Modeling Tool never writes one', tooDeep: 'not a .tm7 the Threat Modeling Tool writes (about 10 deep)',
  unread: new Set(['ThreatTypes', 'ThreatCategories', 'ThreatMetaData', 'Validations', 'ImageSource', 'ImageStream', 'Attributes', 'StencilConstraints']),
};

/** An element's own text on one line, or undefined when empty or `i:nil`. */
function textOf(n: XNode | undefined): string | undefined {
  if (!n || n.attrs.nil === 'true') return undefined;
  const t = n.text.replace(/\s+/g, ' ').trim();
  return t || undefined;
}
const textIn = (n: XNode | undefined, name: string) => textOf(kid(n, name));
const localType = (n: XNode) => (n.attrs.type ?? '').replace(/^.*:/, '');
function numberIn(n: XNode, name: string): number | undefined {
  const t = textIn(n, name);
  const v = t === undefined ? NaN : Number(t);
  return Number.isFinite(v) ? v : undefined;
}

// --- Vocabulary ------------------------------------------------------------------------------------------

const KINDS: Record<string, ElementKind> = { 'GE.EI': 'external', 'GE.P': 'process', 'GE.DS': 'store' };
/** Only when a stencil lacks its GenericTypeId (hand-made files): the shape the tool draws it with says the same. */
const SHAPES: Record<string, string> = {
  StencilRectangle: 'GE.EI', StencilEllipse: 'GE.P', StencilParallelLines: 'GE.DS', BorderBoundary: 'GE.TB.B', Connector: 'GE.DF', LineBoundary: 'GE.TB.L',
};
const NIL_GUID = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;
/** A table's entry for a word from the file: `constructor` or `__proto__` there must not find Object's own. */
const own = <T>(table: Record<string, T>, word: string): T | undefined => (Object.hasOwn(table, word) ? table[word] : undefined);

type Hint = { type?: ElementType; tech?: string };
/**
 * Stencil names (the KnowledgeBase's, TMT's SDL and Azure templates and the like) -> a catalog type or
 * technology. A rule applies only when the DFD kind it implies is the stencil's own (the Azure template
 * draws Event Hub as a process, Cosmos DB under a `SE.P` TypeId as a data store): the GenericTypeId decides.
 */
const STENCILS: ReadonlyArray<readonly [RegExp, Hint]> = [
  // The managed service: its TLS and logins are set in Azure, not in postgresql.conf and pg_hba.conf.
  [/azure (database for )?postgres/i, { tech: 'azure-postgres' }],
  [/azure (database for )?mysql/i, { tech: 'azure-mysql' }],
  [/postgres/i, { tech: 'postgres' }],
  [/mariadb/i, { tech: 'mariadb' }],
  [/mysql/i, { tech: 'mysql' }],
  // The data warehouse runs SQL Server's engine too, but its transparent data encryption is off until switched
  // on (a dedicated SQL pool's default), so it is not the catalogue's always-encrypted azure-sql: the engine.
  [/azure sql (data warehouse|dw)\b|sql data warehouse/i, { tech: 'mssql' }],
  // Azure SQL Database: the managed service (encrypted at rest by default, clients speak SQL Server's protocol).
  [/azure sql/i, { tech: 'azure-sql' }],
  // SQL Server itself, on premises or on a virtual machine.
  [/sql server|\bmssql\b/i, { tech: 'mssql' }],
  // Cosmos DB (DocumentDB was its name, and is its stencil's TypeId: AzureDocumentDB).
  [/cosmos|documentdb/i, { tech: 'cosmosdb' }],
  [/redis/i, { tech: 'redis' }],
  [/key vault|\bvault\b|\bhsm\b/i, { type: 'secrets-vault' }],
  [/\bcache\b/i, { type: 'cache' }],
  [/database|\bsql\b|nosql/i, { type: 'database' }],
  [/file system|file share/i, { type: 'file-storage' }],
  [/cloud storage|azure storage|object storage|blob|\bs3\b/i, { type: 'object-storage' }],
  [/queue|service bus/i, { type: 'queue' }],
  [/event hub|event grid|kafka/i, { type: 'event-bus' }],
  [/\blogs?\b/i, { type: 'logs' }],
  [/mobile/i, { tech: 'mobile-app' }],
  [/browser/i, { tech: 'browser' }],
  [/device/i, { type: 'device' }],
  [/\buser\b/i, { type: 'user' }],
  [/authori[sz]ation provider|identity provider|external web (application|service)|third[- ]party/i, { type: 'third-party' }],
  [/client/i, { type: 'user-agent' }],
  [/adfs|azure ad\b|active directory|identity server|entra/i, { type: 'identity-provider' }],
  // Managed gateways and load balancers, before `api` and `gateway` take their names: the catalogue's services.
  [/api management|\bapim\b/i, { tech: 'azure-api-management' }],
  [/apigee/i, { tech: 'apigee' }],
  [/(google|gcp)( cloud)? api gateway/i, { tech: 'gcp-api-gateway' }],
  [/(aws|amazon) api gateway/i, { tech: 'api-gateway' }],
  [/\bapi gateway\b/i, { type: 'gateway' }],
  [/application gateway/i, { tech: 'azure-application-gateway' }],
  [/azure load balancer/i, { tech: 'azure-load-balancer' }],
  [/\bapi\b|web service|\bwcf\b|\brest\b/i, { type: 'api' }],
  [/web app|web application|portal/i, { type: 'web-app' }],
  [/web server|\biis\b/i, { type: 'web-server' }],
  [/traffic manager|load balancer|front door/i, { type: 'load-balancer' }],
  [/gateway/i, { type: 'gateway' }],
  [/function|logic app/i, { type: 'function' }],
  [/web ?job|data factory|stream analytics|batch/i, { type: 'worker' }],
  [/\bhost\b|virtual machine|service|\bml\b/i, { type: 'service' }],
];
const hintKind = (h: Hint): ElementKind => ELEMENT_TYPES[h.type ?? TECHNOLOGIES[h.tech!].type].kind;

/** Flow stencils that name a transport (SDL template) -> catalog protocol; a name the catalog has is taken as it is. */
const FLOW_PROTOCOLS: Record<string, { protocol: string; encrypted?: boolean; nearest?: boolean }> = {
  'named pipe': { protocol: 'ipc' }, alpc: { protocol: 'ipc' }, 'ioctl interface': { protocol: 'ipc' }, ioctl: { protocol: 'ipc' },
  'rpc or dcom': { protocol: 'tcp', nearest: true }, rpc: { protocol: 'tcp', nearest: true }, binary: { protocol: 'tcp', nearest: true },
  ipsec: { protocol: 'tcp', encrypted: true, nearest: true },
};
/** A protocol's TLS form, for a flow that TMT says is confidential or whose server enforces TLS. */
const TLS_FORM: Record<string, string> = {
  http: 'https', ws: 'wss', grpc: 'grpcs', tcp: 'tls', sql: 'sql+tls', postgres: 'postgres+tls', mysql: 'mysql+tls', mongodb: 'mongodb+tls',
  redis: 'rediss', amqp: 'amqps', kafka: 'kafka+tls', mqtt: 'mqtts', smtp: 'smtps', ldap: 'ldaps',
};

/** A box named for the outside world is untrusted; "public cloud" names a provider's hosting, where one's own services run, not the internet. */
const outsideName = (name: string) => UNTRUSTED_NAME.test(name.replace(/\bpublic[- ]cloud\b/gi, 'cloud'));
const YES = /^(yes|true)$/i;

// --- The parts, as read ----------------------------------------------------------------------------------

interface Stencil {
  guid: string; diagram: number; node: XNode; generic: string; typeId: string;
  /** The stencil's name in the template (KnowledgeBase), else the heading of its properties, else its TypeId. */
  stencil: string;
  name?: string;
  values: Map<string, string>;
  /** Properties left at the tool's placeholder (Select, Not Selected) or empty: lower-cased display name -> display name. */
  unset: Map<string, string>;
}
interface Element extends Stencil {
  id: string; kind: ElementKind; type?: ElementType; tech?: string; rect?: Rect; in?: string;
  exposed?: boolean; privileged?: boolean; controls: string[]; stores: string[];
  /** TMT says its provider's encryption at rest is off (`encryption-at-rest-off`). */
  encryptionOff?: boolean;
  /** The flows to it are TLS (the store or service enforces it). */
  tls?: 'tls' | 'https';
  /** The property that would say whether it enforces TLS, left unset in TMT (its display name). */
  tlsUnstated?: string;
  notes: string[];
}
interface Box extends Stencil { id: string; rect: Rect; trust: TrustLevel; kind: BoundaryKind; trustNote: string; in?: string }
interface Line extends Stencil { label: string; path: Point[] }
interface FlowOut {
  from: string; to: string; guid: string; node: XNode; stencil: string; name?: string; id?: string;
  protocol: string; encrypted?: boolean; notes: string[];
}

/** What an empty file should have held, for its message. */
const TM7_EXPECTED = 'a Microsoft Threat Modeling Tool model (.tm7: XML with a `ThreatModel` root)';

/**
 * A .tm7 as a threatmap model. Never throws: XML errors, a file that is not a Threat Modeling Tool model,
 * and stencils that cannot be used are diagnostics with file:line:col (errors leave no text; a stencil that
 * cannot be used is a warning and is left out). Deterministic: the file's order.
 */
export function importTm7(text: string, file: string, options: ImportOptions = {}): Tm7ImportResult {
  return neverThrows(file, () => importUnsafe(text, file, options));
}

function importUnsafe(text: string, file: string, options: ImportOptions): Tm7ImportResult {
  const empty = emptyFile(text, file, TM7_EXPECTED);
  if (empty) return { diagnostics: [empty] };
  const diagnostics: Diagnostic[] = [];
  const problem = (severity: Severity, code: string, at: { line: number; col: number }, message: string, extra: Partial<Diagnostic> = {}) =>
    diagnostics.push({ severity, code, message, file, line: at.line, col: at.col, path: '', ...extra });
  const done = (): Tm7ImportResult => ({ diagnostics: sortDiagnostics(diagnostics) });

  const parsed = parseXml(text, TM7_XML);
  if ('problem' in parsed) {
    const { code, message, hint, ...at } = parsed.problem;
    problem('error', code, at, message, hint ? { hint } : {});
    return done();
  }
  const root = parsed.root;
  const surfaces = kid(root, 'DrawingSurfaceList');
  if (root.name !== 'ThreatModel' || root.uri !== TM7_NAMESPACE || !surfaces) {
    problem('error', 'not-tm7', root, root.name !== 'ThreatModel' || root.uri !== TM7_NAMESPACE
      ? `not a Microsoft Threat Modeling Tool model: expected a \`ThreatModel\` root element in namespace ${TM7_NAMESPACE}, found \`${root.name}\`${root.uri ? ` in ${root.uri}` : ''}`
      : 'a ThreatModel without `DrawingSurfaceList`: no diagram to import',
    { hint: 'threatmap import reads .tm7 files as the Threat Modeling Tool saves them' });
    return done();
  }
  const notes: string[] = [];
  const at = (n: XNode) => ({ line: n.line, col: n.col });
  const where = (s: Stencil) => `${file}:${s.node.line}:${s.node.col} ${s.stencil} ${s.guid}`;

  // The template names the stencils: TypeId -> its name there.
  const kb = kid(root, 'KnowledgeBase');
  const stencilNames = new Map<string, string>();
  for (const list of [kid(kb, 'GenericElements'), kid(kb, 'StandardElements')]) {
    for (const t of kids(list, 'ElementType')) {
      const id = textIn(t, 'Id');
      const name = textIn(t, 'Name');
      if (id && name && !stencilNames.has(id)) stencilNames.set(id, name);
    }
  }
  const manifest = kid(kb, 'Manifest');
  const templateName = textIn(manifest, 'Name');
  const templateVersion = textIn(manifest, 'Version');
  const template = templateName ? { name: templateName, ...(templateVersion ? { version: templateVersion } : {}) } : undefined;
  const version = textIn(root, 'Version') ?? '?';

  // MetaInformation -> system. The tool leaves the model's name empty unless someone fills it in; the file's
  // own name is then the nearest thing to one.
  const meta = kid(root, 'MetaInformation');
  let systemName = textIn(meta, 'ThreatModelName');
  if (!systemName) {
    systemName = file.replace(/^.*[\\/]/, '').replace(/\.tm7$/i, '') || 'System';
    notes.push(`the file names no model (MetaInformation ThreatModelName): the system is called "${systemName}"`);
  }
  const system: Record<string, string> = { name: systemName };
  const description = textIn(meta, 'HighLevelSystemDescription');
  if (description) system.description = description;
  const owner = textIn(meta, 'Owner');
  if (owner) system.owner = owner;
  const assumptions = textIn(meta, 'Assumptions');
  if (assumptions) notes.push(`the file's assumptions (not imported: threatmap's assumptions rule out threats): ${assumptions}`);

  // Every diagram's stencils, in file order; a flow's ends are looked up in its own diagram.
  const diagrams: string[] = [];
  const borders: Stencil[] = [];
  const lines: Stencil[] = [];
  kids(surfaces, 'DrawingSurfaceModel').forEach((d, di) => {
    diagrams.push(textIn(d, 'Header') ?? readProps(kid(d, 'Properties')).values.get('name') ?? `diagram ${di + 1}`);
    for (const [list, into] of [[kid(d, 'Borders'), borders], [kid(d, 'Lines'), lines]] as const) {
      for (const kv of kids(list)) {
        const v = kid(kv, 'Value');
        if (!v) continue;
        const guid = textIn(v, 'Guid') ?? textIn(kv, 'Key');
        if (!guid) {
          problem('warning', 'missing-id', at(v), 'a stencil without a Guid is left out: no flow can refer to it');
          continue;
        }
        const typeId = textIn(v, 'TypeId') ?? '';
        const generic = textIn(v, 'GenericTypeId') ?? own(SHAPES, localType(v)) ?? '';
        const props = readProps(kid(v, 'Properties'));
        const name = props.values.get('name');
        into.push({
          guid, diagram: di, node: v, generic, typeId, stencil: stencilNames.get(typeId) ?? props.heading ?? (typeId || generic), values: props.values, unset: props.unset,
          ...(name ? { name } : {}),
        });
      }
    }
  });
  const key = (diagram: number, guid: string) => `${diagram}\u0000${guid.toLowerCase()}`;
  const rectOf = (n: XNode): Rect | undefined => {
    const [x, y, w, h] = ['Left', 'Top', 'Width', 'Height'].map((k) => numberIn(n, k));
    return x !== undefined && y !== undefined && w !== undefined && h !== undefined ? { x, y, w, h } : undefined;
  };

  // Elements first: they keep the names they were drawn with; boxes give way (the namespace is shared).
  const taken = new Set<string>();
  const elements: Element[] = [];
  const byGuid = new Map<string, Element>();
  let credentials = false;
  for (const s of borders) {
    const kind = own(KINDS, s.generic);
    if (!kind) {
      if (s.generic !== 'GE.TB.B' && s.generic !== 'GE.A') {
        problem('warning', 'unknown-stencil', at(s.node), `a stencil of generic type \`${s.generic || '(none)'}\` (${s.stencil}) is not one threatmap reads; left out`,
          { expected: 'GE.EI, GE.P, GE.DS or GE.TB.B' });
      }
      continue;
    }
    if (byGuid.has(key(s.diagram, s.guid))) {
      problem('warning', 'duplicate-id', at(s.node), `stencil ${s.guid} appears twice in one diagram; the second is left out`);
      continue;
    }
    const e: Element = { ...s, id: modelId('', s.name ?? s.stencil, kind, taken), kind, rect: rectOf(s.node), controls: [], stores: [], notes: [] };
    readElement(e);
    if (!e.rect) e.notes.push('no position and size in the file: placed in no box');
    if (e.stores.includes('credentials')) credentials = true;
    elements.push(e);
    byGuid.set(key(s.diagram, s.guid), e);
  }

  // Boxes -> boundaries. TMT rates no trust: the name decides (a Remote User Zone is outside by definition).
  const boxes: Box[] = [];
  for (const s of borders) {
    if (s.generic !== 'GE.TB.B') continue;
    const rect = rectOf(s.node);
    if (!rect) {
      problem('warning', 'missing-geometry', at(s.node), 'a boundary box without Left, Top, Width and Height holds nothing; left out');
      continue;
    }
    const label = s.name ?? s.stencil;
    const untrusted = outsideName(label) || /remote user zone/i.test(s.stencil);
    const dmz = /\bdmz\b/i.test(label);
    // A cloud provider's boundary is a cloud zone; a machine, VM, sandbox or cluster isolates execution,
    // threatmap's container kind; any other box is a network zone, the default.
    const kind: BoundaryKind = /azure trust boundary|\bcloud\b/i.test(s.stencil) ? 'cloud'
      : /machine|\bvm\b|sandbox|service fabric|container|kubernetes/i.test(s.stencil) ? 'container' : 'network';
    boxes.push({
      ...s, id: modelId('', label, 'boundary', taken), rect, kind, trust: untrusted ? 'untrusted' : dmz ? 'dmz' : 'internal',
      trustNote: untrusted ? `untrusted: its ${outsideName(label) ? 'name' : 'stencil'} says it is outside`
        : dmz ? 'dmz: its name says so'
        : `internal assumed: TMT states no trust${/\bpublic\b/i.test(label) ? ' ("public cloud" names where it is hosted, not the internet)' : ''}; check it`,
    });
  }
  // A box drawn inside another (same diagram) nests in the smallest one that holds it. Only in a strictly
  // larger one: two boxes drawn one on the other would each hold the other, a ring no model can load.
  const area = (r: Rect) => r.w * r.h;
  const smallest = <T extends { rect: Rect }>(list: T[]) => list.sort((a, b) => area(a.rect) - area(b.rect))[0];
  for (const b of boxes) b.in = smallest(boxes.filter((o) => o.diagram === b.diagram && within(b.rect, o.rect) && area(o.rect) > area(b.rect)))?.id;
  // An element is in the smallest box that holds its centre: where a reader sees the shape.
  for (const e of elements) {
    if (!e.rect) continue;
    const centre = { x: e.rect.x + e.rect.w / 2, y: e.rect.y + e.rect.h / 2 };
    e.in = smallest(boxes.filter((b) => b.diagram === e.diagram && inside(centre, b.rect)))?.id;
  }

  // Boundary lines: an open line separates nothing, so no element is placed by one; a flow whose drawn
  // path meets it crosses it, and that is said on the flow. Both are drawn as curves through a handle;
  // the two segments through that handle stand in for them.
  const pathOf = (n: XNode): Point[] | undefined => {
    const pts = ['Source', 'Handle', 'Target'].map((p) => ({ x: numberIn(n, `${p}X`), y: numberIn(n, `${p}Y`) }));
    return pts.every((p) => p.x !== undefined && p.y !== undefined) ? (pts as Point[]) : undefined;
  };
  const boundaryLines: Line[] = [];
  for (const s of lines) {
    if (s.generic !== 'GE.TB.L') continue;
    const path = pathOf(s.node);
    if (!path) {
      problem('warning', 'missing-geometry', at(s.node), 'a boundary line without its source, handle and target points is left out');
      continue;
    }
    boundaryLines.push({ ...s, label: `"${s.name ?? s.stencil}" (${s.guid})`, path });
  }

  // Connectors -> flows.
  const flows: FlowOut[] = [];
  const pairs = new Set<string>();
  let crossings = 0;
  for (const s of lines) {
    if (s.generic === 'GE.TB.L') continue;
    if (s.generic !== 'GE.DF') {
      problem('warning', 'unknown-stencil', at(s.node), `a line of generic type \`${s.generic || '(none)'}\` (${s.stencil}) is not one threatmap reads; left out`,
        { expected: 'GE.DF (a data flow) or GE.TB.L (a boundary line)' });
      continue;
    }
    const end = (which: 'Source' | 'Target'): Element | undefined => {
      const n = kid(s.node, `${which}Guid`);
      const guid = textOf(n);
      const endAt = at(n ?? s.node);
      if (!guid || NIL_GUID.test(guid)) {
        problem('warning', 'missing-reference', endAt, `a flow whose ${which.toLowerCase()} is attached to no element (a loose end on the diagram) is left out`);
        return undefined;
      }
      const e = byGuid.get(key(s.diagram, guid));
      if (!e) problem('warning', 'unknown-reference', endAt, `no element of this diagram has Guid ${guid}; this flow is left out`);
      return e;
    };
    const from = end('Source');
    const to = end('Target');
    if (!from || !to) continue;
    if (from === to) {
      problem('warning', 'self-flow', at(s.node), `a flow from \`${from.id}\` to itself is left out`);
      continue;
    }
    const f: FlowOut = { from: from.id, to: to.id, guid: s.guid, node: s.node, stencil: s.stencil, notes: [], protocol: 'http', ...(s.name ? { name: s.name } : {}) };
    flowProtocol(f, s, from, to);
    if (YES.test(s.values.get('source authenticated') ?? '')) f.notes.push('source authenticated in TMT: set `auth` (the method is not said)');
    const scope = outOfScope(s);
    if (scope) f.notes.push(scope);
    const path = pathOf(s.node);
    if (path) {
      for (const l of boundaryLines) {
        if (l.diagram === s.diagram && polylinesMeet(path, l.path)) {
          f.notes.push(`crosses boundary line ${l.label}: a trust boundary in TMT; put its ends in boundaries`);
          crossings++;
        }
      }
    }
    flows.push(f);
  }
  const replies = foldReplies(flows, file);
  for (let i = flows.length - 1; i >= 0; i--) if (replies.has(flows[i].guid.toLowerCase())) flows.splice(i, 1);
  for (const f of flows) {
    const pair = `${f.from}\u0000${f.to}`;
    // A second flow between the same pair needs an id of its own (the model requires it).
    if (pairs.has(pair)) f.id = modelId('', f.name ?? 'flow', 'flow', taken);
    pairs.add(pair);
  }

  // External interactors outside every box are outside the system by the DFD's own definition: one
  // untrusted boundary, `outside`, so that threatmap sees the flows that cross into the system; processes
  // and stores in no box stay in none (threatmap's internal default), since nothing says where they are.
  const outside = elements.filter((e) => !e.in && e.kind === 'external');
  let outsideId: string | undefined;
  if (outside.length) {
    outsideId = modelId('outside', undefined, 'outside', taken);
    for (const e of outside) e.in = outsideId;
    notes.push(`${outside.map((e) => e.id).join(', ')}: in no box; placed in \`${outsideId}\` (untrusted) as external interactors; check it`);
  }
  if (boundaryLines.length) {
    notes.push(`${boundaryLines.length} boundary line${boundaryLines.length === 1 ? '' : 's'} (${boundaryLines.map((l) => l.label).join(', ')}): a line says nothing of which side an element is on, so no element is placed by ${boundaryLines.length === 1 ? 'it' : 'them'}; ${crossings} flow crossing${crossings === 1 ? '' : 's'} noted on the flows; draw boundaries in the model`);
  }
  const unboxed = elements.filter((e) => !e.in).length;
  if (unboxed) notes.push(`${unboxed} element${unboxed === 1 ? '' : 's'} in no boundary (threatmap's internal default)`);
  for (const e of elements) for (const n of e.notes) notes.push(`${e.id}: ${n}`);

  // Threats: each listed with the flow it was generated for; those the team worked on are also written into
  // the model there, their states as triage decisions.
  // A threat TMT generated on a Response is on the connection, which its request stands for.
  const connection = (guid: string) => replies.get(guid) ?? flows.find((f) => f.guid.toLowerCase() === guid);
  const guids = [...flows.map((f) => f.guid.toLowerCase()), ...replies.keys()];
  const flowLabels = new Map(guids.map((g) => [g, connection(g)!] as const).map(([g, f]) => [g, f.id ?? `${f.from} -> ${f.to}`] as const));
  const flowTargets = new Map(guids.map((g) => [g, flowTarget(connection(g)!, flows)] as const));
  const elementTargets = new Map(elements.map((e) => [e.guid.toLowerCase(), { ref: e.id, component: e.id }] as const));
  const threats: Tm7ThreatNote[] = [];
  const written: ImportedThreat[] = [];
  const generated: Generated[] = [];
  for (const kv of kids(kid(root, 'ThreatInstances'))) {
    const v = kid(kv, 'Value');
    if (!v) continue;
    const t = readThreat(kv, v);
    const flowAt = flowTargets.get(t.flowGuid);
    const target = flowAt ?? elementTargets.get(t.targetGuid);
    const note: Tm7ThreatNote = {
      id: t.id ?? '?', title: t.title, category: t.category ?? 'no category', priority: t.priority ?? 'no priority', state: t.state ?? 'no state',
      on: flowLabels.get(t.flowGuid) ?? target?.ref ?? `interaction ${textIn(v, 'InteractionKey') ?? '?'}`, written: worked(t),
    };
    threats.push(note);
    if (note.written) written.push(tm7Threat(t, target, `${file}:${v.line}:${v.col}`, notes));
    else generated.push({ t, note, flow: flowAt, element: elementTargets.get(t.targetGuid), where: `${file}:${v.line}:${v.col}` });
  }
  const threatStates: Record<string, number> = Object.fromEntries([...new Set(threats.map((t) => t.state))].sort()
    .map((state) => [state, threats.filter((t) => t.state === state).length]));

  const summary: Tm7ImportSummary = {
    version, system: systemName, ...(template ? { template } : {}), diagrams, boundaries: boxes.length + (outsideId ? 1 : 0),
    elements: elements.length, flows: flows.length, lines: boundaryLines.length, threats, threatStates, generatedWritten: 0, notes,
  };
  // Past the XML, nothing is an error: what cannot be used was left out with a warning.
  const parts: Parts = {
    file, version, template, system, diagrams, elements, boxes, outsideId, flows, threats, threatStates, written, carried: [], notes, credentials, where,
  };
  const groups = groupGenerated(generated);
  const derived = derivedThreats(writeModel(parts, options, false).text, file);
  for (const g of groups) {
    const rules = derivedRules(g, derived);
    for (const m of g.members) if (rules.length) m.note.rules = rules;
  }
  parts.carried = groups.filter((g) => !g.members[0].note.rules).map((g) => generatedThreat(g, notes));
  summary.generatedWritten = parts.carried.length;
  const { text: modelText, decisions } = writeModel(parts, options, true);
  const triage = importedTriage([
    `Decisions imported by \`threatmap import\` from ${file} (${TM7_FORMAT} ${tm7Version(summary)}):`,
    'the State of each threat the team worked on (Mitigated; Not Applicable as false-positive; Needs Investigation as open), with',
    'its justification. They apply to the threats of the same keys in the model\'s `threats:` section.',
  ], decisions);
  return { text: modelText, ...(triage ? { triage } : {}), diagnostics: sortDiagnostics(diagnostics), summary };
}

// --- Threats ---------------------------------------------------------------------------------------------

/** A threat as the template generated it, untouched, with what it is on in the model. */
interface Generated { t: ThreatRead; note: Tm7ThreatNote; flow?: ImportedTarget; element?: ImportedTarget; where: string }
/** The instances of one threat type with one title on one element: one written threat. */
interface Group { members: Generated[]; rules: readonly string[]; element?: ImportedTarget; flows: ImportedTarget[] }

/**
 * TMT's generated threats that a threatmap rule reports as the same threat, by their titles (TypeIds differ
 * between templates; the titles name the threat): `analyze` derives these, rated from the model, so that a
 * written copy would list each twice. Only where the rule finds it on the same element or flow (see
 * derivedRules); elsewhere the threat is written. Azure template TypeIds in the comments.
 */
const RULE_EQUIVALENTS: ReadonlyArray<readonly [RegExp, readonly string[]]> = [
  [/\bnosql injection\b/i, ['nosql-injection']],
  // TH97
  [/\bsql injection\b/i, ['sql-injection']],
  [/\bldap injection\b/i, ['ldap-injection']],
  [/\bcommand injection\b/i, ['command-injection']],
  [/cross[- ]site scripting|\bxss\b/i, ['cross-site-scripting', 'dom-xss']],
  [/cross[- ]site request forgery|\bcsrf\b|\bxsrf\b/i, ['cross-site-request-forgery']],
  [/\bcors\b/i, ['cors-misconfiguration']],
  [/\bxml external entit|\bxxe\b/i, ['xxe']],
  [/deseriali[sz]ation/i, ['insecure-deserialization']],
  [/path traversal/i, ['path-traversal']],
  [/open redirect/i, ['open-redirect']],
  // TH15, TH16, TH65, TH154: sniffing, an insecure channel, data read or tampered with on the way.
  [/\bsniff|insecure communication channel|\b(read|tamper)\b.*\bdata transmitted\b|\bin transit\b/i, ['cleartext-disclosure', 'cleartext-tampering']],
  [/denial of service|\bddos\b|\bdos\b/i, ['no-rate-limiting', 'no-ddos-protection']],
  // TH106
  [/\berror messages\b/i, ['verbose-errors']],
  // TH87: a caller spoofed, where nothing authenticates callers.
  [/\bspoof (?!.*\badministrator\b).+ and gain access to\b/i, ['missing-authentication']],
  // TH110
  [/\bpoor access control checks\b/i, ['missing-authorization', 'broken-object-level-authorization']],
  // TH20, TH109
  [/\black of auditing\b|\brepudiation\b/i, ['no-audit-log']],
  // TH83
  [/\bconfig(uration)? files\b/i, ['secrets-in-config']],
];
const equivalentRules = (title: string): readonly string[] => RULE_EQUIVALENTS.find(([re]) => re.test(title))?.[1] ?? [];

/**
 * One group per threat type and title on one element, in the file's order: an instance joins the group of its
 * type and title that is on the same element or the same connection (TMT generates a type once per
 * interaction, and a Response's instances are on its request's connection, often for the other end).
 */
function groupGenerated(list: readonly Generated[]): Group[] {
  const groups: Group[] = [];
  for (const g of list) {
    // The title too: TMT's one type "spoof X and gain access to Y" names each caller; merged, the callers would be lost.
    const same = (o: Group) => o.members[0].t.typeId === g.t.typeId && o.members[0].t.title === g.t.title
      && ((g.element !== undefined && o.element?.component === g.element.component) || (g.flow !== undefined && o.flows.some((f) => f.component === g.flow!.component)));
    let group = groups.find(same);
    if (!group) groups.push(group = { members: [], rules: equivalentRules(g.t.title), ...(g.element ? { element: g.element } : {}), flows: [] });
    group.members.push(g);
    if (g.flow && !group.flows.some((f) => f.component === g.flow!.component)) group.flows.push(g.flow);
  }
  return groups;
}

/**
 * The equivalent rules that report the group's threat on the same thing: on one of its flows, or, for a
 * finding on no flow (or a group on none), on the element it was generated for.
 */
function derivedRules(g: Group, derived: readonly Threat[]): string[] {
  if (!g.rules.length) return [];
  const flows = new Set(g.flows.map((f) => f.component));
  const same = (t: Threat) => t.flows.some((f) => flows.has(f)) || ((t.flows.length === 0 || flows.size === 0) && t.component === g.element?.component);
  return [...new Set(derived.filter((t) => g.rules.includes(t.ruleId) && same(t)).map((t) => t.ruleId))].sort();
}

/**
 * A generated threat, written: on its flow when all its instances are on one, else on the element it was
 * generated for; no decision (it is open). Its priority is the template's default, which nobody weighed
 * (the template rates nearly every type High): it is said in the comment, and the threat is rated from the
 * model, as threatmap's own are, so that forty template defaults do not all come out Critical.
 */
function generatedThreat(g: Group, notes: string[]): ImportedThreat {
  const first = g.members[0].t;
  const on = g.flows.length === 1 ? [g.flows[0]] : g.element ? [g.element] : g.flows;
  let stride = strideOfWord(first.category);
  if (!stride) {
    stride = 'T';
    notes.push(`threat type ${first.typeId ?? '?'} "${first.title}": its category ${first.category ? `"${first.category}"` : '(none)'} is no STRIDE category; written as T (tampering): correct it`);
  }
  const ids = g.members.map((m) => m.t.id ?? '?');
  const at = g.element?.component ?? on[0]?.component ?? 'system';
  return {
    wanted: `tmt-${slug(first.typeId ?? first.title)}-${at}`,
    title: first.title,
    stride,
    on,
    ...(first.description ? { description: first.description } : {}),
    ...(first.mitigations ? { mitigation: first.mitigations } : {}),
    comment: [
      `${g.members.map((m) => m.where).join(', ')} threat${ids.length === 1 ? '' : 's'} ${ids.join(', ')} (${first.typeId ?? 'no TypeId'}), as the template generated ${ids.length === 1 ? 'it' : 'them'}`,
      `${TM7_FORMAT}: Not Started, the template's priority ${[...new Set(g.members.map((m) => m.t.priority ?? 'none'))].join('/')}, ${first.category ?? 'no category'}`
        + (g.members.length > 1 ? `; ${g.members.length} instances merged (${g.members.map((m) => m.note.on).join('; ')})` : ''),
    ],
  };
}

/** A threat instance as the file holds it. */
interface ThreatRead {
  id?: string; typeId?: string; title: string; category?: string; priority?: string; state?: string;
  /** The justification the team wrote (the tool's StateInformation). */
  justification?: string;
  description?: string; mitigations?: string; interaction?: string; changedBy?: string;
  flowGuid: string; targetGuid: string;
  /** Not generated from the template for its interaction: added by hand (see readThreat). */
  byHand: boolean;
}

function readThreat(kv: XNode, v: XNode): ThreatRead {
  const props = new Map(kids(kid(v, 'Properties')).map((p) => [textIn(p, 'Key') ?? '', textIn(p, 'Value')] as const));
  const prop = (k: string) => props.get(k) ?? textIn(v, k);
  const typeId = textIn(v, 'TypeId');
  const [source, flow, target] = ['SourceGuid', 'FlowGuid', 'TargetGuid'].map((k) => textIn(v, k)?.toLowerCase() ?? '');
  // The tool keys each threat it generates by its template threat type and the interaction's three Guids
  // (`TH153` + source + flow + target); a threat keyed otherwise, or of no type, was not generated from the
  // template for this interaction: someone added it. A threat without a key says nothing either way.
  const key = textIn(kv, 'Key')?.toLowerCase();
  const byHand = key !== undefined && (!typeId || key !== `${typeId}${source}${flow}${target}`.toLowerCase());
  const state = textIn(v, 'State');
  const priority = textIn(v, 'Priority') ?? props.get('Priority');
  const justification = textIn(v, 'StateInformation');
  const category = prop('UserThreatCategory');
  const description = noTags(prop('UserThreatDescription'));
  const mitigations = noTags(props.get('PossibleMitigations'));
  const interaction = props.get('InteractionString') ?? textIn(v, 'InteractionString');
  const changedBy = textIn(v, 'ChangedBy');
  const id = textIn(v, 'Id');
  return {
    title: prop('Title') ?? typeId ?? '(untitled)', flowGuid: flow, targetGuid: target, byHand,
    ...(id ? { id } : {}), ...(typeId ? { typeId } : {}), ...(category ? { category } : {}), ...(priority ? { priority } : {}),
    ...(state ? { state } : {}), ...(justification ? { justification } : {}), ...(description ? { description } : {}),
    ...(mitigations ? { mitigations } : {}), ...(interaction ? { interaction } : {}), ...(changedBy ? { changedBy } : {}),
  };
}

/** The templates' texts carry links as HTML (`<a href="...">...</a>`); a model's text does not render it. */
function noTags(text: string | undefined): string | undefined {
  const t = text?.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
  return t || undefined;
}

/**
 * The tool's States (as it saves them) and what each decides. Not Started (saved as AutoGenerated) decides
 * nothing. Needs Investigation says someone looked and the threat still needs study: nothing says a fix is
 * under way, which `mitigating` would claim, so it stays open, with the state said in the reason.
 */
const STATES: Readonly<Record<string, { words: string; status?: TriageStatus }>> = {
  autogenerated: { words: 'Not Started' }, notstarted: { words: 'Not Started' },
  needsinvestigation: { words: 'Needs Investigation', status: 'open' },
  notapplicable: { words: 'Not Applicable', status: 'false-positive' },
  mitigated: { words: 'Mitigated', status: 'mitigated' },
};
const stateOf = (t: ThreatRead) => own(STATES, (t.state ?? '').toLowerCase().replace(/[^a-z]/g, ''));

/**
 * Whether the team worked on a threat: added it, justified it, or set its State. A State threatmap does not
 * know (a later version's) is not the generated one either. Only the priority changed cannot be told from
 * the template's own (its threat types are not read): such a threat is listed with its priority.
 */
function worked(t: ThreatRead): boolean {
  if (t.byHand || t.justification !== undefined) return true;
  const state = stateOf(t);
  return t.state !== undefined && (!state || state.status !== undefined);
}

/**
 * A threat the team worked on, as the model's: on the flow it was generated for (else its target element,
 * else the whole system), its category as a STRIDE letter, its priority as the impact (the tool rates
 * nothing else; the likelihood is then rated from the model), its State as a triage decision.
 */
function tm7Threat(t: ThreatRead, target: ImportedTarget | undefined, where: string, notes: string[]): ImportedThreat {
  let stride = strideOfWord(t.category);
  const name = `threat ${t.id ?? '?'} "${t.title}" (${where})`;
  if (!stride) {
    stride = 'T';
    notes.push(`${name}: its category ${t.category ? `"${t.category}"` : '(none)'} is no STRIDE category; written as T (tampering): correct it`);
  }
  const state = stateOf(t);
  if (t.state && !state) notes.push(`${name}: State "${t.state}" is not one threatmap knows; written without a decision`);
  const impact = levelOfWord(t.priority);
  const decision = decisionOf(t, state);
  return {
    wanted: t.id ? `tmt-${t.id}` : slug(t.title) || 'threat',
    title: t.title,
    stride,
    on: target ? [target] : [],
    ...(t.description ? { description: t.description } : {}),
    ...(impact ? { impact } : {}),
    ...(t.mitigations ? { mitigation: t.mitigations } : {}),
    comment: [
      `${where} threat ${t.id ?? '(no Id)'} (${t.typeId ?? 'no TypeId'})${t.interaction ? ` on "${t.interaction}"` : ''}${target ? '' : ': its flow and target are not imported, so the whole system'}`,
      `${TM7_FORMAT}: ${state?.words ?? t.state ?? 'no State'}, priority ${t.priority ?? 'none'}, ${t.category ?? 'no category'}${t.byHand ? '; added by hand, not generated from the template' : ''}${t.changedBy ? `; changed by ${t.changedBy}` : ''}`,
    ],
    ...(decision ? { decision } : {}),
  };
}

/**
 * Mitigated and Not Applicable close the threat, for the reason the team gave (or the state, when it gave
 * none); Needs Investigation keeps it open, saying so; a justification on a Not Started threat is kept too.
 */
function decisionOf(t: ThreatRead, state: { words: string; status?: TriageStatus } | undefined): ImportedDecisionFields | undefined {
  const marked = `marked ${state?.words ?? ''} in the ${TM7_FORMAT}`;
  if (state?.status === 'open') return { status: 'open', reason: t.justification ? `${marked}: ${t.justification}` : marked };
  if (state?.status) return { status: state.status, reason: t.justification ?? marked };
  return t.justification ? { status: 'open', reason: t.justification } : undefined;
}

/**
 * A flow as a threat's `on:` names it: its id when it has one, else `a -> b`; when another flow joins the
 * same two elements the arrow would be ambiguous, so its default id (`a->b`) is named instead.
 */

/**
 * A stencil's properties: the heading the tool gives them (the stencil's name in its template) and each
 * value by display name, lower-cased. A list's value is its selected entry; the tool's "Select" / "Not
 * Selected" placeholders, and empty values, are absent.
 */
function readProps(n: XNode | undefined): { heading?: string; values: Map<string, string>; unset: Map<string, string> } {
  let heading: string | undefined;
  const values = new Map<string, string>();
  const unset = new Map<string, string>();
  for (const p of kids(n)) {
    const label = textIn(p, 'DisplayName');
    if (!label) continue;
    const type = localType(p);
    if (type === 'HeaderDisplayAttribute') {
      heading ??= label;
      continue;
    }
    const v = kid(p, 'Value');
    const value = /ListDisplayAttribute$/.test(type) ? textOf(kids(v)[Number(textIn(p, 'SelectedIndex') ?? 0)]) : textOf(v);
    const k = label.toLowerCase();
    if (value && !/^(select|not selected|not applicable)$/i.test(value) && !values.has(k)) values.set(k, value);
    // Left at the placeholder: the team said nothing, which is not "no" (TLS left at Select is not "no TLS").
    else if (!values.has(k) && !/^not applicable$/i.test(value ?? '')) unset.set(k, label);
  }
  return { ...(heading ? { heading } : {}), values, unset };
}

function outOfScope(s: Stencil): string | undefined {
  if (!YES.test(s.values.get('out of scope') ?? '')) return undefined;
  const reason = s.values.get('reason for out of scope');
  return `out of scope in TMT${reason ? `: ${reason}` : ''}; imported all the same, remove it if it does not belong`;
}

/** What the stencil and its properties say of an element: type or technology, controls, exposure, privilege. */
function readElement(e: Element): void {
  const value = (k: string) => e.values.get(k);
  const yes = (k: string) => YES.test(value(k) ?? '');
  const generic = /^generic /i.test(e.stencil);
  const hint = generic ? undefined : STENCILS.find(([re, h]) => re.test(e.stencil) && hintKind(h) === e.kind)?.[1];
  if (hint?.type) e.type = hint.type;
  if (hint?.tech) e.tech = hint.tech;
  if (!hint && !generic) e.notes.push(`stencil "${e.stencil}": no ${e.kind} type in the catalog fits; set \`type\` or \`tech\``);

  // Azure Storage is four services in one stencil; which one is a property.
  const storage = value('storage type');
  if (e.kind === 'store' && storage) {
    const kinds: Record<string, Hint> = { file: { type: 'file-storage' }, queue: { type: 'queue' }, table: { type: 'database' }, blob: { tech: 'azure-blob' } };
    const h = own(kinds, storage.toLowerCase());
    if (h) [e.type, e.tech] = [h.type, h.tech];
  } else if (e.kind === 'store' && /azure storage/i.test(e.stencil)) {
    // Blob storage is what an account holds unless told otherwise; the managed service, not a generic object store.
    [e.type, e.tech] = [undefined, 'azure-blob'];
    const named = /\bfiles?\b|\bqueue\b|\btable\b/i.exec(e.name ?? '')?.[0];
    e.notes.push(`Storage Type not chosen in TMT: blob storage (azure-blob) assumed${named ? `, though its name says "${named}"` : ''}; set \`type\` (file-storage, queue, database for tables) if it is not`);
  }
  if (e.kind === 'store' && /^azure-redis$/i.test(value('cache technologies') ?? '')) [e.type, e.tech] = [undefined, 'redis'];

  if (e.kind === 'process') {
    // Kernel, SYSTEM and Administrator are administrative rights; the service accounts and standard users are not.
    if (/^(kernel|system|administrator)$/i.test(value('running as') ?? '')) e.privileged = true;
    if (yes('implements or uses an authentication mechanism')) e.controls.push('authentication');
    if (yes('implements or uses an authorization mechanism')) e.controls.push('authorization');
    if (yes('sanitizes input')) e.controls.push('input-validation');
    if (yes('sanitizes output')) e.controls.push('output-encoding');
  }
  if (e.kind === 'external' && yes('authenticates itself')) e.notes.push('authenticates itself in TMT: set `auth` on its flows (the method is not said)');
  if (e.kind === 'store') {
    if (yes('encrypted')) e.controls.push('encryption-at-rest');
    // One `credentials` asset for all such stores: TMT does not say whose credentials they are.
    if (yes('stores credentials')) e.stores.push('credentials');
    const log = yes('stores log data');
    if (log && !e.type && !e.tech) e.type = 'logs';
    else if (log) e.notes.push('stores log data in TMT: it keeps its stencil\'s type (an element has one); add a log store if the logs matter');
    if (yes('signed')) {
      if (log) e.controls.push('tamper-evident-logs');
      else e.notes.push('signed in TMT: threatmap has no control for signed data at rest');
    }
  }
  for (const [k, label] of e.unset) if (/\b(tls|https) enforced$/.test(k) && !e.tls) e.tlsUnstated = label;
  for (const [k, v] of e.values) {
    // Transparent data encryption encrypts the database's files at rest.
    if (/\btde enabled$/.test(k) && YES.test(v) && e.kind === 'store' && !e.controls.includes('encryption-at-rest')) e.controls.push('encryption-at-rest');
    // Off on a store its provider encrypts by default (Azure SQL Database): the default no longer covers it.
    if (/\btde enabled$/.test(k) && /^(no|false)$/i.test(v) && e.kind === 'store' && providerEncryption(e.tech) !== undefined && !e.encryptionOff) {
      e.encryptionOff = true;
      e.notes.push(`TDE Enabled: ${v} in TMT: its data is written unencrypted, against Azure's default; tagged \`${ENCRYPTION_OFF_TAG}\``);
    }
    if (/\baudit(ing| logging) enabled$/.test(k) && YES.test(v) && !e.controls.includes('audit-logging')) e.controls.push('audit-logging');
    if (/\b(tls|https) enforced$/.test(k) && YES.test(v)) e.tls = /https/.test(k) ? 'https' : 'tls';
    // Azure firewalls: open to all networks is reachable from the internet; selected networks an allow-list.
    if (/firewall settings$|^network security$/.test(k) && e.kind !== 'external') {
      if (/all networks/i.test(v)) e.exposed = true;
      else if (/select(ed|ive) networks/i.test(v)) e.controls.push('ip-allowlist');
      else if (/from azure/i.test(v)) e.notes.push(`${v} in TMT: any Azure tenant's service can connect; threatmap has no control for it`);
    }
  }
  const scope = outOfScope(e);
  if (scope) e.notes.push(scope);
}

/**
 * The flow's protocol: the one its stencil names (SDL template: HTTP, HTTPS, SMB, UDP...), else the server
 * end's technology's (a flow to PostgreSQL speaks postgres), else http; a confidential flow, or one to a
 * server that enforces TLS, in the protocol's TLS form. The server end is the target, but the source of a
 * Response stencil: a response travels on the connection its target opened.
 */
function flowProtocol(f: FlowOut, s: Stencil, from: Element, to: Element): void {
  const name = s.stencil.toLowerCase().trim();
  const compact = name.replace(/\s+/g, '');
  const mapped = own(FLOW_PROTOCOLS, name) ?? (Object.hasOwn(PROTOCOLS, compact) ? { protocol: compact } : undefined);
  const response = name === 'response';
  const server = response ? from : to;
  if (mapped) {
    f.protocol = mapped.protocol;
    if (mapped.encrypted) f.encrypted = true;
    if (mapped.nearest) f.notes.push(`a "${s.stencil}" flow in TMT: no catalog protocol; ${mapped.protocol}${mapped.encrypted ? ' (encrypted)' : ''} is the nearest`);
  } else {
    const wire = techProtocol(server.tech);
    f.protocol = wire ?? 'http';
    f.notes.push(`no protocol in the file (a "${s.stencil}" flow): ${wire ? `${wire}, \`${server.id}\`'s technology's,` : 'http'} assumed`);
  }
  if (response) f.notes.push(`a response in TMT: the reply on the connection \`${to.id}\` opens to \`${from.id}\`; remove it if \`${to.id} -> ${from.id}\` says enough`);
  const confidential = YES.test(s.values.get('provides confidentiality') ?? '');
  if ((confidential || server.tls) && !PROTOCOLS[f.protocol]?.encrypted && !f.encrypted) {
    const why = confidential ? 'provides confidentiality in TMT' : `\`${server.id}\` enforces ${server.tls === 'https' ? 'HTTPS' : 'TLS'} in TMT`;
    const tls = server.tls === 'https' && !confidential ? 'https' : TLS_FORM[f.protocol];
    if (tls) f.protocol = tls;
    else f.encrypted = true;
    f.notes.push(`${why}: ${tls ?? `${f.protocol}, encrypted`}`);
  } else if (server.tlsUnstated && !server.tls && !confidential && !PROTOCOLS[f.protocol]?.encrypted && !f.encrypted) {
    f.notes.push(`TLS not stated in TMT (\`${server.id}\`'s "${server.tlsUnstated}" left at Select): ${f.protocol} without TLS is an assumption, not a fact; set \`protocol: ${TLS_FORM[f.protocol] ?? `${f.protocol}, encrypted: true`}\` if TLS is enforced`);
  }
}

/**
 * TMT draws an exchange as two flows, a Request and its Response; a threatmap flow is the connection, and
 * its findings hold both ways, so a Response with its request drawn the other way is that request's reply:
 * folded into it (a note says so) rather than imported as a second connection with findings of its own.
 * A Response with no such request stays a flow. Returns each folded Response's Guid (lower case) -> its request.
 */
function foldReplies(flows: readonly FlowOut[], file: string): Map<string, FlowOut> {
  const isResponse = (f: FlowOut) => f.stencil.toLowerCase().trim() === 'response';
  const out = new Map<string, FlowOut>();
  for (const f of flows) {
    if (!isResponse(f)) continue;
    const request = flows.find((o) => o.from === f.to && o.to === f.from && !isResponse(o));
    if (!request) continue;
    out.set(f.guid.toLowerCase(), request);
    const differs = f.protocol !== request.protocol || Boolean(f.encrypted) !== Boolean(request.encrypted);
    request.notes.push(`its reply, TMT's Response${f.name ? ` "${f.name}"` : ''} (${file}:${f.node.line}:${f.node.col} ${f.guid}), is this connection's other direction: folded into it, not a flow of its own`
      + (differs ? `; the Response says ${f.protocol}${f.encrypted ? ' (encrypted)' : ''}: check which is right` : ''));
  }
  return out;
}

// --- Writing ---------------------------------------------------------------------------------------------

interface Parts {
  file: string; version: string; template?: Tm7ImportSummary['template']; system: Record<string, string>; diagrams: string[]; elements: Element[]; boxes: Box[];
  outsideId?: string; flows: FlowOut[]; threats: Tm7ThreatNote[]; threatStates: Record<string, number>; written: ImportedThreat[]; notes: string[];
  /** The generated threats no rule derives, merged by type and element. */
  carried: ImportedThreat[];
  credentials: boolean; where: (s: Stencil) => string;
}

export const threatStateCounts = (states: Record<string, number>): string => Object.entries(states).map(([s, n]) => `${s} ${n}`).join(', ');
/** `4.3; template "Azure Threat Model Template" 1.0.0.33`: the tool's file version and the template the model was made with. */
export const tm7Version = (s: Pick<Tm7ImportSummary, 'version' | 'template'>): string =>
  `${s.version}${s.template ? `; template "${s.template.name}"${s.template.version ? ` ${s.template.version}` : ''}` : ''}`;

function header(p: Parts, options: ImportOptions): string[] {
  const n = p.threats.length;
  const worked = p.written.length;
  const untouched = p.threats.filter((t) => !t.written);
  const ruled = untouched.filter((t) => t.rules);
  const carried = untouched.length - ruled.length;
  const lines = [
    `Imported by \`threatmap import\` from ${p.file} (${TM7_FORMAT} ${tm7Version(p)}).`,
    `Diagrams merged into this model: ${p.diagrams.map((d) => `"${d}"`).join(', ') || 'none'}.`,
    'A model to review: each boundary, element and flow says where in the .tm7 (line:column) its stencil is, and its Guid.',
    `The file records ${n} threat${n === 1 ? '' : 's'}${n ? ` (${threatStateCounts(p.threatStates)})` : ''}.`,
    worked ? `${worked} that the team worked on (a State other than Not Started, a justification, or added by hand): written under \`threats:\` below`
      + ` (priority as impact)${p.written.some((t) => t.decision) ? ', their States and justifications as decisions in the triage file written beside this model' : ''}.`
      : 'None that the team worked on (a State other than Not Started, a justification, or added by hand): none is written into the model.',
    ...(carried ? [`${carried} as the template generated ${carried === 1 ? 'it' : 'them'}, untouched: written under \`threats:\` as ${p.carried.length} (the instances of one threat type on one element merged), open, rated from the model (the template's priority, which nobody set, in their comments).`] : []),
    ruled.length
      ? `${ruled.length} as the template generated ${ruled.length === 1 ? 'it' : 'them'}, untouched, left to threatmap's rules, which report the same threat on the same element or flow (all listed here):`
      : `None as generated is left to threatmap's rules${untouched.length ? ': no rule reports the same threat on the same element or flow' : ''}.`,
  ];
  const listed = ruled.map((t) => `${t.title} (${t.priority}, ${t.category}, on ${t.on}) -> ${t.rules!.join(', ')}`);
  return [...lines, ...headerTail(listed, listed.length, p.notes, options.output, Infinity)];
}

/** The model; `final`: the one returned (the other is analysed only, to tell which generated threats the rules derive). */
function writeModel(p: Parts, options: ImportOptions, final: boolean): { text: string; decisions: ImportedDecision[] } {
  const { doc, root } = startModel(header(p, options), p.system);

  if (p.boxes.length || p.outsideId) {
    const map = new YAMLMap();
    if (p.outsideId) map.items.push(outsideEntry(doc, p.outsideId, 'the external interactors that no box holds'));
    for (const b of p.boxes) {
      const v: Record<string, unknown> = {};
      const label = b.name ?? b.stencil;
      if (label !== b.id) v.name = label;
      v.trust = b.trust;
      if (b.kind !== 'network') v.kind = b.kind;
      if (b.in) v.in = b.in;
      map.items.push(keyedEntry(doc, b.id, [p.where(b), b.trustNote], v));
    }
    section(root, 'boundaries', map);
  }

  if (p.credentials) credentialsSection(doc, root, 'TMT marks Stores Credentials');

  const elements = new YAMLMap();
  for (const e of p.elements) {
    const v: Record<string, unknown> = {};
    const label = e.name ?? e.stencil;
    if (label !== e.id) v.name = label;
    if (e.type && !e.tech) v.type = e.type;
    else if (!e.tech) v.kind = e.kind;
    if (e.tech) v.tech = e.tech;
    if (e.in) v.in = e.in;
    if (e.exposed) v.exposed = true;
    if (e.privileged) v.privileged = true;
    if (e.stores.length) v.stores = e.stores;
    if (e.controls.length) v.controls = e.controls;
    if (e.encryptionOff) v.tags = [ENCRYPTION_OFF_TAG];
    elements.items.push(keyedEntry(doc, e.id, [p.where(e), ...e.notes], v));
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
      seq.items.push(flowItem(doc, f.from, f.to, details, [`${p.file}:${f.node.line}:${f.node.col} ${f.stencil} ${f.guid}`, ...f.notes]));
    }
    section(root, 'flows', seq);
  }
  const decisions = threatsSection(doc, root, [...p.written, ...p.carried]);
  placeholderAsset(doc, root, 'TMT', final ? p.notes : undefined);
  return { text: doc.toString({ lineWidth: 0 }), decisions };
}
