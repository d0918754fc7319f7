// Threagile (threagile.io: agile threat modelling as YAML, which runs its own risk rules over the model and
// writes a PDF, Excel and JSON report): the analysis result as a Threagile model, so that a team can run
// Threagile on a threatmap model and find threatmap's threats in its report as individual risks, with the
// team's triage as Threagile's risk tracking. Pure (no Node APIs): reads only the result and the rule
// metadata, never re-analyses. Field set and enums as in Threagile's example model (threagile_version 1.0.0).
//
// Mapping, threatmap -> Threagile (every choice is explained where it is made below):
//   system                 -> title, author.name (owner), business_overview.description, a summary of the
//                             analysis as management_summary_comment, business_criticality from the
//                             highest asset level; no `date` (optional: Threagile then dates the report
//                             the day it runs, and a date of ours would be a timestamp or a made-up day)
//   asset                  -> data_assets[name] (id, usage, confidentiality from the classification,
//                             integrity and availability from the levels)
//   element                -> technical_assets[name] (id, type from kind, technology from tech/type, internet
//                             from an untrusted zone or `exposed`, machine, encryption from encryption-at-rest
//                             or the provider's default (as unencrypted-store reads it), processed/stored from
//                             handles/stores, redundant from replicas/redundancy,
//                             used_as_client_by_human for people and browsers, CIA from its assets)
//   flow                   -> communication_links[title] inside the source asset (target, protocol keeping
//                             encrypted or not, authentication and authorization from auth, vpn/ip_filtered
//                             from controls, data_assets_sent from data)
//   boundary               -> trust_boundaries[name] (id, type from kind, technical_assets_inside for the
//                             elements directly in it, trust_boundaries_nested for the boundaries `in` it);
//                             an element in no boundary is inside none
//   rule (with threats)    -> individual_risk_categories[rule title] (id = rule id, texts from the metadata)
//   threat                 -> risks_identified["<title> (<uid>)"] of its rule's category
//   triage decision        -> risk_tracking["<synthetic risk id>"] (status, justification, ticket, checked_by)
//
// What Threagile's fields cannot say goes into one top-level section of our own, `threatmap:` (Threagile reads
// its model into fixed structures and ignores keys it does not know), so that `threatmap import` gives back
// the model this file was written from: trust levels, boundary kinds and controls, endpoints, credentials,
// ports, element and flow controls, auth, an asset nobody classified (`assumed`), exact types, technologies
// and protocols where Threagile's word is coarser than ours, ids and names that Threagile's forms changed,
// texts its reading would change (HTML, line breaks), and each threat's own triage decision where risk
// tracking (one entry per risk id, a few words) cannot hold it. One section rather than a key in every object:
// every object of the file stays exactly Threagile's shape. It is keyed by Threagile ids, a link by its id, a
// risk by its threat's stable id; an entry holds only what the object's Threagile fields do not already say,
// and an empty entry marks an object as ours (one added in Threagile has none); a technical asset's entry also
// names its title, by which the import finds it when the asset's id was changed in Threagile. Given the model
// (options.model), the section also carries what its analysis does not hold: the assumptions, the `rules:`
// section as written, and each written threat as written (everything it is on, in order, with the risk each
// target became, its `mitigated-by`, and, for one the file has no risk of, its texts and ratings). Not
// carried: each threat's evidence and reasons (a risk's title carries its stable uid, TM-xxxxxxxx, to look
// them up in threatmap's report).
//
// Ids. Threagile allows letters, digits and `-` in ids, and its newest parser lowercases the ids listed in
// a trust boundary: every id is written in lower case, other characters as `-`, with `-2`, `-3`... where
// that makes two ids alike (an id already in that form is kept as it is). A communication link has no id of
// its own in the file: Threagile derives `<source id>>` + the link's title in lower case with each run of
// characters other than letters and digits as `-` and the ends trimmed of `-` (createDataFlowId), so titles
// are chosen to make those ids unique. A risk's id is Threagile's too (createSyntheticId): the category id,
// then `@` and each of the most relevant technical asset, communication link, trust boundary, shared
// runtime and data asset that is set, in that order (`untrusted-deserialization@erp-system` in the example
// model's risk_tracking). Risk tracking is keyed by that id and must match a risk, or Threagile stops.
//
// Output is deterministic: the model's order for assets, elements, flows and boundaries, the report's
// order for threats, and no timestamps.
import { Document, isMap, isScalar, isSeq, Scalar, visit } from 'yaml';
import { BUILTIN_RULES, familyOf } from '../analysis/rules/index.js';
import type { RuleMeta } from '../analysis/rules/types.js';
import { providerEncryptsAtRest } from '../analysis/rules/disclosure.js';
import { isWrittenRule, STATED, writtenRuleId } from '../analysis/rules/written.js';
import type { AnalysisResult, Rating, Risk, Stride, Threat } from '../analysis/types.js';
import type { AssetKind, AssetType, AuthMethod, BoundaryKind, Classification, ElementType, Level, TrustLevel } from '../model/catalog.js';
import { CLASSIFICATIONS, LEVELS, PROTOCOLS, STRIDE_WORDS } from '../model/catalog.js';
import { defaultTrust } from '../model/graph.js';
import { defaultEndpointKind, parseEndpointKey } from '../model/normalize.js';
import type { RawRulesSection } from '../model/rules-schema.js';
import type { Asset, Boundary, Element, Endpoint, Flow, Model, ThreatTarget, WrittenThreat } from '../model/types.js';
import { statusOf, uidOf } from '../track/triage.js';
import type { TriageStatus } from '../track/types.js';
import { type CarriedScope, decisionScope, exportedScope } from './threat-dragon.js';

/** The model format version written: the one of Threagile's example model and schema. */
export const THREAGILE_VERSION = '1.0.0';

export interface ThreagileOptions {
  /** Rule metadata for the risk categories; default the built-in library. */
  rules?: readonly RuleMeta[];
  /**
   * The model's sections that its analysis does not hold: the assumptions, the `rules:` section, and the
   * threats written in it as written (where a written threat is mitigated or ruled out, the result has no
   * threat, and so the file no risk). Given, our section carries them, so that the import gives them back;
   * without it (a caller that has only the result) the file is as before.
   */
  model?: Pick<Model, 'assumptions' | 'rules' | 'threats'>;
}

// The Threagile shapes we write. Collections keyed by title are objects without a prototype, so that a
// title such as `__proto__` or `constructor` is a key like any other.
type Keyed<T> = Record<string, T>;
export interface ThreagileDataAsset {
  id: string; description: string; usage: string; tags: string[]; origin: string; owner: string; quantity: string;
  confidentiality: string; integrity: string; availability: string; justification_cia_rating: string;
}
export interface ThreagileLink {
  target: string; description: string; protocol: string; authentication: string; authorization: string; tags: string[];
  vpn: boolean; ip_filtered: boolean; readonly: boolean; usage: string; data_assets_sent: string[]; data_assets_received: string[];
}
export interface ThreagileTechnicalAsset {
  id: string; description: string; type: string; usage: string; used_as_client_by_human: boolean; out_of_scope: boolean;
  justification_out_of_scope: string; size: string; technology: string; tags: string[]; internet: boolean; machine: string;
  encryption: string; owner: string; confidentiality: string; integrity: string; availability: string;
  justification_cia_rating: string; multi_tenant: boolean; redundant: boolean; custom_developed_parts: boolean;
  data_assets_processed: string[]; data_assets_stored: string[]; data_formats_accepted: string[];
  communication_links: Keyed<ThreagileLink>;
}
export interface ThreagileTrustBoundary {
  id: string; description: string; type: string; tags: string[]; technical_assets_inside: string[]; trust_boundaries_nested: string[];
}
export interface ThreagileRisk {
  severity: string; exploitation_likelihood: string; exploitation_impact: string; data_breach_probability: string;
  data_breach_technical_assets: string[]; most_relevant_technical_asset?: string; most_relevant_communication_link?: string;
  most_relevant_trust_boundary?: string;
}
export interface ThreagileRiskCategory {
  id: string; description: string; impact: string; asvs: string; cheat_sheet: string; action: string; mitigation: string;
  check: string; function: string; stride: string; detection_logic: string; risk_assessment: string; false_positives: string;
  model_failure_possible_reason: boolean; cwe?: number; risks_identified: Keyed<ThreagileRisk>;
}
export interface ThreagileRiskTracking { status: string; justification?: string; ticket?: string; checked_by?: string }

// --- threatmap's own section: what Threagile's fields cannot say ---------------------------------------

/** Names: `title` is the key the object was written under, `name` its own name when that key is not it (or none: a flow without a name). */
interface CarriedTitle { title?: string; name?: string }
export interface CarriedEndpoint {
  key: string; name?: string; description?: string; kind?: string; methods?: string[]; public?: boolean; auth?: string;
  callers?: string[]; controls?: string[]; accepts?: string[]; returns?: string[];
}
export interface CarriedElement extends CarriedTitle {
  id?: string; type?: ElementType; tech?: string; auth?: string; controls?: string[]; endpoints?: CarriedEndpoint[]; exposed?: boolean;
  privileged?: boolean; replicas?: number; tags?: string[]; owner?: string; description?: string;
}
export interface CarriedFlow extends CarriedTitle {
  id?: string; protocol?: string; encrypted?: boolean; auth?: string; credential?: string; endpoint?: string; controls?: string[];
  port?: number; description?: string;
}
export interface CarriedBoundary extends CarriedTitle { id?: string; trust: TrustLevel; kind: BoundaryKind; controls?: string[]; description?: string }
export interface CarriedAsset extends CarriedTitle {
  id?: string; kind?: AssetKind; type?: AssetType; confidentiality: Level; description?: string; assumed?: true;
}
/**
 * A decision as the exported analysis held it: `status` the one in force, `declared` the triage file's when it
 * lapsed or drifted; for a drifted one (it needs review: its threat grew past it) the change in words (`drift`);
 * what it was made for as its entry records it (`risk`, `covers`: decisionScope), which may differ from the
 * risk's `scope` as exported.
 */
export interface CarriedDecision extends Partial<CarriedScope> {
  status: TriageStatus; declared?: TriageStatus; reason?: string; owner?: string; ticket?: string; expires?: string; review?: string;
  drift?: string;
}
export interface CarriedRisk {
  /** A written threat on an endpoint: its key (the risk names the endpoint's element). */
  endpoint?: string;
  /** A written threat's ratings that the model does not state (rated from it), with the word exported for each. */
  derived?: { exploitation_likelihood?: string; exploitation_impact?: string };
  decision?: CarriedDecision;
  /** The threat as exported, its risk and flows: what a decision made in Threagile's risk tracking is for. */
  scope?: CarriedScope;
}
/** A written threat's texts and references, where its category's fields do not read back as they are. */
export interface CarriedThreat { description?: string; mitigation?: string; references?: string[] }
export interface CarriedSystem { name?: string; description?: string; owner?: string; version?: string }
/** An assumption of the model, its elements by their Threagile ids. */
export interface CarriedAssumption { text: string; rules?: string[]; elements?: string[] }
/**
 * One thing a written threat is on, in Threagile ids (a technical asset, an endpoint of one, a link, a trust
 * boundary, or the whole system), with the stable id of its risk where the export has one there (none: the
 * threat was mitigated or ruled out there, and Threagile never saw it).
 */
export interface CarriedTarget {
  technical_asset?: string; endpoint?: string; communication_link?: string; trust_boundary?: string; system?: true; risk?: string;
}
/**
 * A written threat as the model writes it, beyond what its risks say: all it is on, in the model's order,
 * and its mitigating controls; and, for one the file has no risk of, all the rest (no category says it).
 */
export interface CarriedWrittenThreat {
  /** Its `on:` (a key `on` Threagile's YAML 1.1 would read as true). */
  targets: CarriedTarget[];
  mitigated_by?: string[];
  title?: string; stride?: Stride; description?: string; likelihood?: Level; impact?: Level; mitigation?: string; references?: string[];
}
export interface ThreatmapSection {
  /** The version of this section's shape. */
  format: 1;
  system?: CarriedSystem;
  data_assets: Keyed<CarriedAsset>;
  technical_assets: Keyed<CarriedElement>;
  communication_links: Keyed<CarriedFlow>;
  trust_boundaries: Keyed<CarriedBoundary>;
  /** The links' ids in the model's order of its flows, where that is not the file's (links sit in their sources). */
  flow_order?: string[];
  /** By risk category id. */
  threats?: Keyed<CarriedThreat>;
  /** By the threat's stable id (TM-...). */
  risks?: Keyed<CarriedRisk>;
  /** The model's assumptions (Threagile has no place for them). */
  assumptions?: CarriedAssumption[];
  /** The model's `rules:` section as written: its custom rules' risks come back from it, its disabled rules stay off. */
  rules?: RawRulesSection;
  /** Each threat written in the model, by its id, in the model's order. */
  written_threats?: Keyed<CarriedWrittenThreat>;
}
/** The top-level key of our section. */
export const THREATMAP_SECTION = 'threatmap';
export interface ThreagileModel {
  threagile_version: string;
  title: string;
  author: { name: string };
  management_summary_comment: string;
  business_criticality: string;
  business_overview?: { description: string };
  tags_available: string[];
  data_assets: Keyed<ThreagileDataAsset>;
  technical_assets: Keyed<ThreagileTechnicalAsset>;
  trust_boundaries: Keyed<ThreagileTrustBoundary>;
  shared_runtimes: Keyed<never>;
  individual_risk_categories: Keyed<ThreagileRiskCategory>;
  risk_tracking: Keyed<ThreagileRiskTracking>;
  threatmap: ThreatmapSection;
}

const keyed = <T>(): Keyed<T> => Object.create(null) as Keyed<T>;
/** The object without its undefined fields: an entry of our section states only what it has. */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
const nonEmpty = (list: readonly string[]): string[] | undefined => (list.length ? [...list] : undefined);
const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
/** A table lookup that no word of the model (`__proto__`, `constructor`) can turn into a property of the table. */
const own = <T>(table: Readonly<Record<string, T>>, key: string | undefined): T | undefined =>
  key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;

// --- Scales -------------------------------------------------------------------------------------------

/**
 * Classification -> confidentiality. Threagile's scale is public < internal < restricted < confidential <
 * strictly-confidential; ours is public < internal < confidential < restricted, our restricted being the
 * top class (card data, credentials): Threagile's strictly-confidential. Its `restricted`, between internal
 * and confidential, has no class of ours. The importer reads each value back to the class it came from.
 */
export const CONFIDENTIALITY: Record<Classification, string> = {
  public: 'public', internal: 'internal', confidential: 'confidential', restricted: 'strictly-confidential',
};

/**
 * Level -> criticality (integrity, availability, business criticality). Three of Threagile's five steps,
 * the middle ones: our low is "matters for operation", not `archive` (nobody needs it); our high is
 * `critical`, and `mission-critical` is a claim no three-level rating makes. The importer reads
 * operational, important and critical back as low, medium and high.
 */
export const CRITICALITY: Record<Level, string> = { low: 'operational', medium: 'important', high: 'critical' };

/**
 * Risk -> severity: the same word. Threagile's `elevated` (between medium and high) is left out: our four
 * risks come from a 3x3 matrix, and a reader should find a threat's risk under the same word in both
 * reports.
 */
export const SEVERITY: Record<Risk, string> = { Low: 'low', Medium: 'medium', High: 'high', Critical: 'critical' };

/**
 * Likelihood -> exploitation likelihood. Our High is "exploitable with public tools": `very-likely`.
 * Threagile's `frequent` (attacks happen all the time) says more than a rating of the model can know.
 */
export const LIKELIHOOD: Record<Rating, string> = { Low: 'unlikely', Medium: 'likely', High: 'very-likely' };

/** Impact -> exploitation impact: the same word; `very-high` is beyond our scale, as `frequent` is. */
export const IMPACT: Record<Rating, string> = { Low: 'low', Medium: 'medium', High: 'high' };


/** What a category's threats lead to, for Threagile's `impact` text (each risk's rating says how much). */
const STRIDE_IMPACT: Record<Stride, string> = {
  S: 'An attacker acts as another user or component.',
  T: 'An attacker changes data, requests or code they should not.',
  R: 'Actions cannot be traced to whoever did them.',
  I: 'Data reaches someone who may not see it.',
  D: 'The service or its data becomes unavailable.',
  E: 'An attacker gains rights they should not have.',
};

/**
 * Whether a threat may leak data: disclosure is what information disclosure means; spoofing and elevation
 * of privilege open access to data; tampering, repudiation and denial of service change, hide or stop
 * things rather than leak them. A Low impact makes a leak improbable whatever the category.
 */
const BREACH: Record<Stride, string> = {
  S: 'possible', T: 'improbable', R: 'improbable', I: 'probable', D: 'improbable', E: 'possible',
};

/**
 * Triage status -> risk tracking status. `transferred` (someone else carries the risk) has no word in
 * Threagile: it is a decision not to act on the risk here, which is what `accepted` says; the justification
 * names the real status. An open threat with a triage entry (an acceptance that expired) is `unchecked`,
 * Threagile's word for a risk nobody has decided on.
 */
export const RISK_STATUS: Record<TriageStatus, string> = {
  open: 'unchecked', mitigating: 'in-progress', mitigated: 'mitigated', accepted: 'accepted', 'false-positive': 'false-positive',
  transferred: 'accepted',
};

/** How far each status is from leaving the risk open: several threats sharing one risk id take the least resolved. */
const RESOLVED_RANK: Record<TriageStatus, number> = {
  open: 0, mitigating: 1, accepted: 2, transferred: 2, mitigated: 3, 'false-positive': 4,
};

/**
 * Rule family -> Threagile's `function` (who fixes it): design decisions for architecture, code for
 * development, the running system for operations, people and process for business-side. A custom rule
 * (no family) is architecture, Threagile's most general word.
 */
export const FAMILY_FUNCTION: Record<string, string> = {
  authentication: 'architecture', 'service-identity': 'architecture', authorization: 'architecture', messaging: 'architecture',
  injection: 'development', web: 'development', integrity: 'development', disclosure: 'development', repudiation: 'development',
  llm: 'development', network: 'operations', transport: 'operations', 'data-at-rest': 'operations', availability: 'operations',
  'supply-chain': 'operations', human: 'business-side',
};

// --- Technical assets -----------------------------------------------------------------------------------

const TECHNICAL_ASSET_TYPE = { external: 'external-entity', process: 'process', store: 'datastore' } as const;

/**
 * Element type -> technology: the nearest of Threagile's. People are the client they use (Threagile models
 * a person as a client used by a human): a user a browser, staff a desktop client, an administrator a
 * browser on the devops side (as the example model's backend admin client), a developer a devops client.
 * Object storage and file shares are file servers and backups block storage (Threagile has no object
 * store); a cache is a database, a CDN a reverse proxy, an event bus a message queue, log storage
 * monitoring; a third-party service is the web service we call.
 */
export const TYPE_TECHNOLOGY: Record<ElementType, string> = {
  user: 'browser', admin: 'browser', 'support-staff': 'desktop', developer: 'devops-client', 'user-agent': 'browser',
  'third-party': 'web-service-rest', device: 'iot-device', 'web-server': 'web-server', 'web-app': 'web-application',
  api: 'web-service-rest', service: 'application-server', worker: 'batch-processing', function: 'function', cdn: 'reverse-proxy',
  'load-balancer': 'load-balancer', gateway: 'gateway', 'reverse-proxy': 'reverse-proxy', 'identity-provider': 'identity-provider',
  'admin-panel': 'web-application', llm: 'ai', 'ci-cd': 'build-pipeline', 'container-registry': 'artifact-registry',
  'cloud-console': 'web-application', database: 'database', cache: 'database', 'object-storage': 'file-server',
  'file-storage': 'file-server', queue: 'message-queue', 'event-bus': 'message-queue', logs: 'monitoring', backups: 'block-storage',
  'secrets-vault': 'vault', 'search-index': 'search-index',
};

/** Technologies that say more than their type: a directory is an LDAP server, a mail API a mail server. */
const TECH_TECHNOLOGY: Record<string, string> = {
  browser: 'browser', 'mobile-app': 'mobile-app', ldap: 'ldap-server', 'active-directory': 'ldap-server', istio: 'service-mesh',
  kubernetes: 'container-platform', docker: 'container-platform', imagemagick: 'tool', ffmpeg: 'tool', ghostscript: 'tool',
  libreoffice: 'tool', sendgrid: 'mail-server', ses: 'mail-server', smtp: 'mail-server', openai: 'ai', anthropic: 'ai',
  auth0: 'identity-provider', okta: 'identity-provider', 'ldap-directory': 'identity-store-ldap',
};

/** Threagile's technologies: a model that already names one as its `tech` (`tech: erp`) keeps it. */
const THREAGILE_TECHNOLOGIES = new Set([
  'unknown-technology', 'browser', 'desktop', 'mobile-app', 'devops-client', 'web-server', 'web-application', 'application-server',
  'database', 'file-server', 'local-file-system', 'erp', 'cms', 'web-service-rest', 'web-service-soap', 'ejb', 'search-index',
  'search-engine', 'service-registry', 'reverse-proxy', 'load-balancer', 'build-pipeline', 'sourcecode-repository', 'artifact-registry',
  'code-inspection-platform', 'monitoring', 'ldap-server', 'container-platform', 'batch-processing', 'event-listener',
  'identity-provider', 'identity-store-ldap', 'identity-store-database', 'tool', 'cli', 'task', 'function', 'gateway', 'iot-device',
  'message-queue', 'stream-processing', 'service-mesh', 'data-lake', 'big-data-platform', 'report-engine', 'ai', 'mail-server', 'vault',
  'hsm', 'waf', 'ids', 'ips', 'scheduler', 'mainframe', 'block-storage', 'library',
]);

export function technologyOf(e: Pick<Element, 'type' | 'tech'>): string {
  if (e.tech !== undefined) {
    const t = own(TECH_TECHNOLOGY, e.tech) ?? (THREAGILE_TECHNOLOGIES.has(e.tech) ? e.tech : undefined);
    if (t) return t;
  }
  return (e.type && own(TYPE_TECHNOLOGY, e.type)) || 'unknown-technology';
}

const HUMAN_TYPES: ReadonlySet<string> = new Set(['user', 'admin', 'support-staff', 'developer', 'user-agent']);
/** Build, deploy and operate: Threagile's `devops` usage (the example model's admin client and build server). */
const DEVOPS_TYPES: ReadonlySet<string> = new Set(['admin', 'developer', 'ci-cd', 'container-registry', 'cloud-console']);
/** Our own code runs there (Threagile's custom_developed_parts): application types, or anything serving our endpoints. */
const CUSTOM_TYPES: ReadonlySet<string> = new Set(['api', 'web-app', 'service', 'worker', 'function', 'admin-panel']);
/** Data of building and running the system rather than of the business. */
const DEVOPS_ASSET_TYPES: ReadonlySet<string> = new Set(['source-code', 'logs', 'telemetry', 'secrets']);

const isHumanClient = (e: Element): boolean =>
  (e.type !== undefined && HUMAN_TYPES.has(e.type)) || e.traits.includes('browser') || e.traits.includes('mobile');
const usageOf = (e: Element): string => (e.type !== undefined && DEVOPS_TYPES.has(e.type) ? 'devops' : 'business');

/**
 * Size: a third party is a whole system of someone else's; a person's client and a store are components;
 * a process of ours is a service.
 */
function sizeOf(e: Element): string {
  if (e.kind === 'external') return e.type === 'third-party' ? 'system' : 'component';
  return e.kind === 'store' ? 'component' : 'service';
}

/**
 * Machine: serverless for functions, container for containerised technologies or anything inside a
 * container boundary, physical for a person's own device, virtual otherwise (the usual host, and what
 * a third party runs is not ours to know).
 */
function machineOf(e: Element, inContainer: boolean): string {
  if (e.type === 'function' || e.traits.includes('serverless')) return 'serverless';
  if (inContainer || e.traits.includes('container')) return 'container';
  return isHumanClient(e) ? 'physical' : 'virtual';
}

/**
 * Data formats the element parses, where the model says: its technology parses XML or deserialises
 * objects, or it takes uploads. Threagile's rules (XXE, untrusted deserialisation) ask about these.
 */
function dataFormatsOf(e: Element): string[] {
  const out: string[] = [];
  if (e.traits.includes('xml')) out.push('xml');
  if (e.traits.includes('object-deserialization')) out.push('serialization');
  if (e.endpoints.some((ep) => ep.kind === 'upload')) out.push('file');
  return out;
}

// --- Links ----------------------------------------------------------------------------------------------

/**
 * Catalog protocol -> Threagile protocol. Database and cache protocols are Threagile's generic SQL and NoSQL
 * access protocols; gRPC, AMQP, Kafka, RDP, VNC, DNS and raw TCP/UDP are binary protocols; GraphQL, S3 and
 * cloud APIs run over HTTPS; telnet is a text protocol. A protocol the catalog does not know is
 * Threagile's unknown protocol.
 */
export const PROTOCOL: Record<string, string> = {
  http: 'http', https: 'https', mtls: 'https', grpc: 'binary', grpcs: 'binary-encrypted', 'grpc+mtls': 'binary-encrypted', ws: 'ws',
  wss: 'wss', graphql: 'https', tcp: 'binary', tls: 'binary-encrypted', udp: 'binary', sql: 'sql-access-protocol',
  'sql+tls': 'sql-access-protocol-encrypted', postgres: 'sql-access-protocol', 'postgres+tls': 'sql-access-protocol-encrypted',
  mysql: 'sql-access-protocol', 'mysql+tls': 'sql-access-protocol-encrypted', mongodb: 'nosql-access-protocol',
  'mongodb+tls': 'nosql-access-protocol-encrypted', redis: 'nosql-access-protocol', rediss: 'nosql-access-protocol-encrypted',
  memcached: 'nosql-access-protocol', amqp: 'binary', amqps: 'binary-encrypted', kafka: 'binary', 'kafka+tls': 'binary-encrypted',
  mqtt: 'mqtt', mqtts: 'binary-encrypted', smtp: 'smtp', smtps: 'smtp-encrypted', ssh: 'ssh', rdp: 'binary-encrypted', vnc: 'binary',
  telnet: 'text', sftp: 'sftp', ftp: 'ftp', ldap: 'ldap', ldaps: 'ldaps', dns: 'binary', nfs: 'nfs', smb: 'smb', s3: 'https',
  'cloud-api': 'https', ipc: 'binary', file: 'local-file-access', 'in-process': 'in-process-library-call', debugger: 'binary',
};

/** The encrypted form of each plain Threagile protocol that has one. */
const ENCRYPTED_FORM: Record<string, string> = {
  http: 'https', ws: 'wss', 'sql-access-protocol': 'sql-access-protocol-encrypted', 'nosql-access-protocol': 'nosql-access-protocol-encrypted',
  binary: 'binary-encrypted', text: 'text-encrypted', smtp: 'smtp-encrypted', ftp: 'ftps', ldap: 'ldaps', smb: 'smb-encrypted',
};
const PLAIN_FORM: Record<string, string> = Object.fromEntries(Object.entries(ENCRYPTED_FORM).map(([plain, enc]) => [enc, plain]));
/** Threagile's encrypted protocols (its IsEncrypted). */
const ENCRYPTED = new Set([...Object.values(ENCRYPTED_FORM), 'ssh', 'ssh-tunnel', 'sftp', 'scp', 'ftps', 'reverse-proxy-web-protocol-encrypted',
  'jdbc-encrypted', 'odbc-encrypted', 'pop3-encrypted', 'imap-encrypted', 'iiop-encrypted', 'jrmp-encrypted']);
/** Calls that never leave the host: encryption says nothing of them. */
const LOCAL = new Set(['in-process-library-call', 'local-file-access']);

/**
 * The flow's protocol, encrypted exactly when the flow is: a flow may say `encrypted` against its
 * protocol's default (`ftp` with `encrypted: true` is FTPS), and Threagile's unencrypted-communication rule
 * reads only the protocol. The counterpart of the other kind, else binary or binary-encrypted.
 */
export function protocolOf(f: Pick<Flow, 'protocol' | 'encrypted'>): string {
  const mapped = own(PROTOCOL, f.protocol) ?? 'unknown-protocol';
  if (LOCAL.has(mapped) || ENCRYPTED.has(mapped) === f.encrypted) return mapped;
  return f.encrypted ? own(ENCRYPTED_FORM, mapped) ?? 'binary-encrypted' : own(PLAIN_FORM, mapped) ?? 'binary';
}

/**
 * Auth -> authentication. Bearer credentials (JWT, OAuth and OIDC tokens, API keys, IAM signatures, HMAC,
 * Kerberos tickets) are tokens; a password or basic auth are credentials; mutual TLS and SSH keys are
 * client certificates; SAML is externalized (another party authenticates). The `mfa` control makes any
 * of them two-factor.
 */
export const AUTHENTICATION: Record<AuthMethod, string> = {
  none: 'none', 'session-cookie': 'session-id', jwt: 'token', oauth2: 'token', oidc: 'token', saml: 'externalized', 'api-key': 'token',
  basic: 'credentials', password: 'credentials', mtls: 'client-certificate', iam: 'token', hmac: 'token', kerberos: 'token',
  'ssh-key': 'client-certificate',
};

/**
 * Threagile's word for a link carrying the end user's identity, as the example model and the current
 * parser spell it; Threagile 1.0.0 releases and its schema.json spell it `enduser-identity-propagation`.
 */
export const END_USER_AUTHORIZATION = 'end-user-identity-propagation';

/**
 * Authorization: none without authentication; the end user's identity when a person's client calls; a
 * technical user (the service's own credential) for everything else.
 */
function authorizationOf(auth: AuthMethod, from: Element): string {
  if (auth === 'none') return 'none';
  return isHumanClient(from) ? END_USER_AUTHORIZATION : 'technical-user';
}

/** Threagile's link id: createDataFlowId(source, title). */
export function threagileLinkId(sourceId: string, title: string): string {
  return `${sourceId}>${title.toLowerCase().replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '')}`;
}

// --- Boundaries -----------------------------------------------------------------------------------------

/**
 * Boundary kind -> trust boundary type. A network is a segmented network (a VLAN: ours or a provider's,
 * the model does not say), a data tier a security group around its stores, a cloud the provider's network;
 * a container or privilege boundary isolates execution, not network traffic. A service boundary is a
 * dedicated hoster's when untrusted (someone else runs it: a payment provider) and a namespace policy when
 * it is ours (a service mesh). Threagile rates no trust: the importer reads trust from the name.
 */
const BOUNDARY_TYPE: Record<BoundaryKind, string> = {
  network: 'network-virtual-lan', 'data-tier': 'network-cloud-security-group', cloud: 'network-cloud-provider',
  container: 'execution-environment', privilege: 'execution-environment', service: 'network-policy-namespace-isolation',
};
export const boundaryTypeOf = (b: Pick<Boundary, 'kind' | 'trust'>): string =>
  b.kind === 'service' && b.trust === 'untrusted' ? 'network-dedicated-hoster' : BOUNDARY_TYPE[b.kind];

// --- Helpers --------------------------------------------------------------------------------------------

/** Lower case, and each run of characters Threagile does not allow in ids as one `-`. */
const idForm = (id: string): string => id.toLowerCase().replace(/[^a-z0-9-]+/g, '-') || 'id';

/**
 * Threagile ids for our ids: kept when already in Threagile's form, else that form, with `-2`, `-3`... when
 * it is taken. Ids in the form are reserved first, so that `a-b` keeps its id whatever order `a_b` comes in.
 */
function threagileIds(ids: readonly string[]): Map<string, string> {
  const taken = new Set(ids.filter((id) => idForm(id) === id));
  const out = new Map<string, string>();
  for (const id of ids) {
    if (taken.has(id) && idForm(id) === id) {
      out.set(id, id);
      continue;
    }
    let tg = idForm(id);
    for (let n = 2; taken.has(tg); n++) tg = `${idForm(id)}-${n}`;
    taken.add(tg);
    out.set(id, tg);
  }
  return out;
}

/** A key not yet used: the text, else the text and its id in brackets, else with a number too. */
function uniqueKey(text: string, id: string, taken: Set<string>): string {
  let key = taken.has(text) ? `${text} (${id})` : text;
  for (let n = 2; taken.has(key); n++) key = `${text} (${id}) ${n}`;
  taken.add(key);
  return key;
}

const levelRank = (l: Level): number => LEVELS.indexOf(l);
const highestLevel = (levels: readonly Level[], fallback: Level): Level =>
  levels.reduce((top, l) => (levelRank(l) > levelRank(top) ? l : top), fallback);

/** The highest classification and levels among assets; undefined when there are none. */
function highest(assets: readonly Asset[]): { classification: Classification; c: Level; i: Level; a: Level } | undefined {
  if (assets.length === 0) return undefined;
  const classification = assets.reduce<Classification>(
    (top, a) => (CLASSIFICATIONS.indexOf(a.classification) > CLASSIFICATIONS.indexOf(top) ? a.classification : top), 'public');
  return {
    classification,
    c: highestLevel(assets.map((a) => a.confidentiality), 'low'),
    i: highestLevel(assets.map((a) => a.integrity), 'low'),
    a: highestLevel(assets.map((a) => a.availability), 'low'),
  };
}

export const lowerTags = (tags: readonly string[]): string[] => [...new Set(tags.map((t) => t.trim().toLowerCase()))];

/**
 * A Threagile text as `threatmap import` reads it: one line, HTML tags dropped (Threagile's free texts may
 * carry `<b>`, `<i>`, which a model's text does not render); undefined when nothing is left. Beside the
 * writing, so that the export knows which of our texts would not read back as they are.
 */
export function threagileText(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const t = String(v).replace(/<[^>]*>/g, '').replace(/\s*[\r\n]+\s*/g, ' ').replace(/[\r\n\u2028\u2029]+/g, ' ').trim();
  return t || undefined;
}

/** A text, when Threagile's field holding it would not read back as it is. */
const unlessReadBack = (text: string | undefined): string | undefined =>
  text !== undefined && threagileText(text) !== text ? text : undefined;

// --- Parts ----------------------------------------------------------------------------------------------

interface ElementContext {
  assets: Map<string, Asset>;
  /** In an untrusted zone (its own boundary's trust, else the default for its kind) or marked exposed. */
  internet: boolean;
  /** Inside a container boundary, directly or through the boundaries that enclose its own. */
  inContainer: boolean;
}

interface Ids {
  element: Map<string, string>;
  boundary: Map<string, string>;
  asset: Map<string, string>;
  /** Flow id -> its link's Threagile id. */
  link: Map<string, string>;
}

function dataAsset(a: Asset, id: string): ThreagileDataAsset {
  return {
    id,
    description: a.description ?? '',
    usage: a.type !== undefined && DEVOPS_ASSET_TYPES.has(a.type) ? 'devops' : 'business',
    tags: [],
    origin: '',
    owner: '',
    // threatmap does not count records: `many`, what a running system's data usually is (as most of the
    // example model's), rather than a guess of few or very many.
    quantity: 'many',
    confidentiality: CONFIDENTIALITY[a.classification],
    integrity: CRITICALITY[a.integrity],
    availability: CRITICALITY[a.availability],
    justification_cia_rating: `threatmap: classification ${a.classification}, confidentiality ${a.confidentiality}, ` +
      `integrity ${a.integrity}, availability ${a.availability}`,
  };
}

/** The auth a link states: the flow's, else the one its protocol implies (mutual TLS). */
const linkAuth = (f: Pick<Flow, 'auth' | 'protocol'>): AuthMethod => (f.auth !== 'none' ? f.auth : own(PROTOCOLS, f.protocol)?.auth ?? 'none');

/** The link's authentication; the `mfa` control makes any of them two-factor. */
export function authenticationOf(f: Pick<Flow, 'auth' | 'protocol' | 'controls'>): string {
  const authentication = own(AUTHENTICATION, linkAuth(f)) ?? 'none';
  return authentication !== 'none' && f.controls.includes('mfa') ? 'two-factor' : authentication;
}

function link(f: Flow, from: Element, to: Element, ids: Ids): ThreagileLink {
  return {
    target: ids.element.get(f.to)!,
    description: f.description ?? '',
    protocol: protocolOf(f),
    authentication: authenticationOf(f),
    authorization: authorizationOf(linkAuth(f), from),
    tags: [],
    vpn: f.controls.includes('vpn'),
    ip_filtered: f.controls.includes('ip-allowlist'),
    // threatmap does not say that a flow only reads: none is claimed read-only, the safe side for
    // Threagile's tampering rules.
    readonly: false,
    usage: usageOf(from) === 'devops' || usageOf(to) === 'devops' ? 'devops' : 'business',
    data_assets_sent: [...new Set(f.data.flatMap((d) => ids.asset.get(d) ?? []))],
    // One flow carries what travels either way; the importer reads sent and received back as its data.
    data_assets_received: [],
  };
}

/** Each endpoint's key by its id (`element:key`), for the flows that call it. */
type EndpointKeys = ReadonlyMap<string, string>;

const endpointKeysOf = (elements: readonly Element[]): EndpointKeys =>
  new Map(elements.flatMap((e) => e.endpoints.map((ep) => [ep.id, ep.key] as const)));

/**
 * The key of the endpoint a flow calls: its target's, or that of a service behind the load balancer or CDN it
 * calls (normalize resolved the flow's endpoint to the id of the one serving it, which the importer finds again
 * behind the link's target).
 */
const endpointKeyOf = (f: Flow, keys: EndpointKeys): string | undefined => (f.endpoint === undefined ? undefined : keys.get(f.endpoint));

/**
 * A link's title: the flow's name, else `to <target name>` and the endpoint it calls; unique within its
 * source both as a key and as the link id Threagile derives from it.
 */
function linkTitle(f: Flow, toName: string, endpointKey: string | undefined, sourceId: string, takenIds: Set<string>, takenTitles: Set<string>): string {
  const endpoint = endpointKey !== undefined ? ` ${endpointKey}` : '';
  const base = f.name ?? `to ${toName}${endpoint}`;
  let title = base;
  for (let n = 2; takenTitles.has(title) || takenIds.has(threagileLinkId(sourceId, title)); n++) title = `${base} (${n})`;
  takenTitles.add(title);
  takenIds.add(threagileLinkId(sourceId, title));
  return title;
}

/**
 * encryption-at-rest: the platform encrypts the stored data (a disk, a managed database), which is
 * Threagile's `transparent`; keys per user or per partner are not something the model says.
 */
export const encryptionOf = (controls: readonly string[]): string => (controls.includes('encryption-at-rest') ? 'transparent' : 'none');
/**
 * A store's encryption as unencrypted-store reads it: its controls, or a provider that encrypts it at rest by
 * default (S3, DynamoDB, Azure SQL...) unless the model tags it `encryption-at-rest-off`: `transparent` too.
 */
export const storedEncryption = (e: Pick<Element, 'kind' | 'tech' | 'tags' | 'controls'>): string => (providerEncryptsAtRest(e) !== undefined ? 'transparent' : encryptionOf(e.controls));
export const redundantOf = (e: Pick<Element, 'replicas' | 'controls'>): boolean => (e.replicas ?? 1) > 1 || e.controls.includes('redundancy');

function technicalAsset(e: Element, ids: Ids, ctx: ElementContext, links: Keyed<ThreagileLink>): ThreagileTechnicalAsset {
  const held = [...new Set([...e.handles, ...e.stores])].flatMap((id) => ctx.assets.get(id) ?? []);
  const top = highest(held);
  const assetIds = (list: readonly string[]) => [...new Set(list.flatMap((id) => ids.asset.get(id) ?? []))];
  return {
    id: ids.element.get(e.id)!,
    description: e.description ?? '',
    type: TECHNICAL_ASSET_TYPE[e.kind],
    usage: usageOf(e),
    used_as_client_by_human: isHumanClient(e),
    // threatmap analyses every element of the model: nothing is out of its scope.
    out_of_scope: false,
    justification_out_of_scope: '',
    size: sizeOf(e),
    technology: technologyOf(e),
    tags: lowerTags(e.tags),
    internet: ctx.internet,
    machine: machineOf(e, ctx.inContainer),
    encryption: storedEncryption(e),
    owner: e.owner ?? '',
    // The CIA of the data it holds (Threagile's newest parser raises a technical asset to its data's
    // anyway); without assets, threatmap's default class (internal) and the lowest criticality we write.
    confidentiality: CONFIDENTIALITY[top?.classification ?? 'internal'],
    integrity: CRITICALITY[top?.i ?? 'low'],
    availability: CRITICALITY[top?.a ?? 'low'],
    justification_cia_rating: held.length
      ? `the highest of the data it handles or stores: ${held.map((a) => a.name).join(', ')}`
      : 'it handles and stores no asset of the model',
    multi_tenant: false,
    redundant: redundantOf(e),
    custom_developed_parts: e.kind === 'process' && ((e.type !== undefined && CUSTOM_TYPES.has(e.type)) || e.endpoints.length > 0),
    data_assets_processed: assetIds(e.handles),
    data_assets_stored: assetIds(e.stores),
    data_formats_accepted: dataFormatsOf(e),
    communication_links: links,
  };
}

// --- Risks ----------------------------------------------------------------------------------------------

/** Where a threat is, in Threagile ids; `breach` the technical assets whose data it may leak. */
interface Placement { asset?: string; link?: string; boundary?: string; breach: string[] }

/**
 * An element's or endpoint's threat is about that technical asset. A flow's threat is about its link and
 * the link's source, which holds the link in the file (Threagile's own unencrypted-communication risk does
 * the same); its data is at risk where it arrives, the target. A boundary's threat is about the trust
 * boundary, its data at the ends of the flows it covers, else at the elements directly inside. A system
 * threat has no element: its id is its category's alone, its data at the ends of its flows.
 */
function placementOf(t: Threat, r: AnalysisResult, ids: Ids, flows: Map<string, Flow>): Placement {
  const ends = (): string[] => {
    const elements = new Set(t.flows.flatMap((id) => (flows.has(id) ? [flows.get(id)!.from, flows.get(id)!.to] : [])));
    return [...elements].flatMap((id) => ids.element.get(id) ?? []);
  };
  const flow = t.componentKind === 'flow' ? flows.get(t.component) : undefined;
  if (flow) {
    const target = ids.element.get(flow.to);
    return { asset: ids.element.get(flow.from), link: ids.link.get(flow.id), breach: target ? [target] : [] };
  }
  if (t.componentKind === 'boundary' && ids.boundary.has(t.component)) {
    const inside = () => r.elements.filter((e) => e.boundary === t.component).flatMap((e) => ids.element.get(e.id) ?? []);
    return { boundary: ids.boundary.get(t.component), breach: t.flows.length ? ends() : inside() };
  }
  if (t.componentKind !== 'system' && ids.element.has(t.component)) {
    const asset = ids.element.get(t.component)!;
    return { asset, breach: [asset] };
  }
  return { breach: ends() };
}

/** Threagile's createSyntheticId for what we set (never a shared runtime or a data asset). */
const syntheticId = (category: string, p: Placement): string =>
  [category, p.asset, p.link, p.boundary].filter((x) => x !== undefined).join('@');

function risk(t: Threat, p: Placement): ThreagileRisk {
  const breach = t.impact.level === 'Low' ? 'improbable' : BREACH[t.stride];
  return {
    severity: SEVERITY[t.risk],
    exploitation_likelihood: LIKELIHOOD[t.likelihood.level],
    exploitation_impact: IMPACT[t.impact.level],
    data_breach_probability: breach,
    data_breach_technical_assets: breach === 'improbable' ? [] : p.breach,
    ...(p.asset !== undefined ? { most_relevant_technical_asset: p.asset } : {}),
    ...(p.link !== undefined ? { most_relevant_communication_link: p.link } : {}),
    ...(p.boundary !== undefined ? { most_relevant_trust_boundary: p.boundary } : {}),
  };
}

/** A custom rule the options do not describe: what its first threat says. */
function fallbackMeta(t: Threat): RuleMeta {
  return {
    id: t.ruleId, stride: t.stride, title: t.ruleId, description: t.description, condition: '', mitigation: t.mitigation,
    action: { text: t.mitigation }, mitigatedBy: [], references: t.references, rating: '', example: '',
  };
}

/** A category's CWE number: its first CWE reference. */
const cweOf = (references: readonly string[]): number | undefined => {
  const cwe = references.find((x) => /^CWE-\d+$/.test(x));
  return cwe ? Number(cwe.slice(4)) : undefined;
};
const asvsOf = (references: readonly string[]): string =>
  references.filter((x) => x.startsWith('OWASP ASVS ')).map((x) => x.slice('OWASP ASVS '.length)).join(', ');

/** The references a category written from these reads back as (its cwe and asvs, as the importer reads them). */
export function referencesReadBack(references: readonly string[]): string[] {
  const cwe = cweOf(references);
  const asvs = threagileText(asvsOf(references));
  return [...(cwe !== undefined ? [`CWE-${cwe}`] : []), ...(asvs !== undefined ? [asvs] : [])];
}

function category(meta: RuleMeta, id: string): ThreagileRiskCategory {
  // Bare words: Threagile's report is no Markdown. What makes the rule report the component as mitigated.
  const controls = meta.mitigatedBy.join(' or ');
  const cwe = cweOf(meta.references);
  return {
    id,
    description: meta.description,
    impact: `${STRIDE_IMPACT[meta.stride]} Each risk's exploitation impact is rated from the assets at stake.`,
    asvs: asvsOf(meta.references),
    // threatmap's rules name no cheat sheet (their references are CWE, CAPEC and OWASP ids).
    cheat_sheet: '',
    action: meta.action.text.replaceAll('{targets}', 'each affected component'),
    mitigation: meta.mitigation,
    check: controls ? `Check that ${controls} is in place (threatmap then reports the component as mitigated).` : 'Check that the mitigation is in place.',
    function: own(FAMILY_FUNCTION, familyOf(meta.id)?.id) ?? 'architecture',
    stride: STRIDE_WORDS[meta.stride],
    detection_logic: meta.condition ? `threatmap rule ${meta.id}: ${meta.condition}` : `threatmap rule ${meta.id}`,
    risk_assessment: meta.rating,
    false_positives: controls
      ? `The rule reads the model only: where ${controls} is in place but the model does not say so, the risk is a false positive (say it in the model, or triage the threat as false-positive).`
      : 'The rule reads the model only: a mitigation in place that the model does not state makes the risk a false positive.',
    // Threagile's flag for risks that may come from a model's omission: every threatmap rule reads the
    // model, so the flag would be true of all and says nothing; false, as in Threagile's example.
    model_failure_possible_reason: false,
    ...(cwe !== undefined ? { cwe } : {}),
    risks_identified: keyed(),
  };
}

// --- Risk tracking --------------------------------------------------------------------------------------

/** A threat the team has decided on: a triage entry (an expired one too) or a status other than open. */
const hasDecision = (t: Threat): boolean => t.triage?.line !== undefined || statusOf(t) !== 'open';

/** A threat's stable id and its decision (none: nobody decided), as risk tracking and our section write them. */
export interface TrackedThreat { uid: string; decision?: CarriedDecision }

/** The decision a threat carries into the export; none when nobody decided on it. */
export function decisionOf(t: Threat): CarriedDecision | undefined {
  if (!hasDecision(t)) return undefined;
  const tr = t.triage;
  return defined({
    status: statusOf(t), declared: tr?.declared, reason: tr?.reason, owner: tr?.owner, ticket: tr?.ticket, expires: tr?.expires, review: tr?.review,
    drift: tr?.drift?.summary, ...decisionScope(t),
  });
}

/**
 * The decision in words: the status where the tracking status does not say it (transferred, an expired
 * decision, or several threats in one entry), until when it holds, and the reason.
 */
function decisionNote(d: CarriedDecision | undefined, withStatus: boolean): string {
  const status = d?.status ?? 'open';
  const head = d?.drift !== undefined ? driftNote(d, d.drift)
    : d?.declared !== undefined ? `${d.declared} expired on ${d.expires}`
    : [withStatus || status === 'transferred' ? status : '', d?.expires ? `until ${d.expires}` : ''].filter(Boolean).join(' ');
  return [head, d?.reason ?? ''].filter(Boolean).join(': ');
}

/**
 * A drifted decision: the status written (in force no longer, unless it is a mitigation under way) and why it
 * needs review, `accepted (needs review: decided at Low for lb->web, now High)`. The drift's `; ` is written
 * as `, `: several threats' notes in one justification are separated by `; `.
 */
function driftNote(d: CarriedDecision, drift: string): string {
  const why = drift.replace(/^[a-z-]+ /, 'decided ').replaceAll('; ', ', ');
  return `${d.declared ?? d.status}${d.expires ? ` until ${d.expires}` : ''} (needs review: ${why})`;
}

/**
 * One risk id's tracking. Threats that share a risk id (two endpoints of one element, found by one rule)
 * share its tracking: the least resolved status among them, so that a decision on one never closes the
 * other, and each one's decision in the justification. None when no threat of the id was triaged. The
 * importer computes it again from our section's decisions, to tell whether someone changed it in Threagile.
 */
export function trackingOf(group: readonly TrackedThreat[]): ThreagileRiskTracking | undefined {
  if (!group.some((t) => t.decision !== undefined)) return undefined;
  const least = group.map((t) => t.decision?.status ?? 'open').reduce((a, b) => (RESOLVED_RANK[b] < RESOLVED_RANK[a] ? b : a));
  const justification = group.length === 1 ? decisionNote(group[0].decision, false)
    : group.map((t) => `${t.uid} ${decisionNote(t.decision, true)}`).join('; ');
  const joined = (values: Array<string | undefined>) => [...new Set(values.filter((v): v is string => !!v))].join(', ');
  const ticket = joined(group.map((t) => t.decision?.ticket));
  const checkedBy = joined(group.map((t) => t.decision?.owner));
  return {
    status: RISK_STATUS[least],
    ...(justification ? { justification } : {}),
    ...(ticket ? { ticket } : {}),
    // The triage file has no date of the decision (expires and review are ahead, not when it was made):
    // no `date`; the owner is who checked it.
    ...(checkedBy ? { checked_by: checkedBy } : {}),
  };
}

/** Statuses risk tracking names exactly (Threagile has no `transferred`, and `unchecked` decides nothing). */
const TRACKED_EXACTLY: ReadonlySet<TriageStatus> = new Set(['mitigating', 'mitigated', 'accepted', 'false-positive']);

/**
 * Whether a risk's own tracking entry says all of a decision, as the importer reads it back: the status, the
 * reason as the justification (without one the importer would write a reason of its own), the ticket and
 * owner, and no date (expires, review), which Threagile's tracking has no field for; and a scope that is the
 * threat's as exported (`scope`), which the importer gives a decision it reads from the tracking entry.
 */
const tracksExactly = (d: CarriedDecision, scope: CarriedScope): boolean =>
  TRACKED_EXACTLY.has(d.status) && d.declared === undefined && d.drift === undefined && d.expires === undefined && d.review === undefined &&
  d.reason !== undefined && [d.reason, d.owner, d.ticket].every((x) => x === undefined || threagileText(x) === x) && sameScope(d, scope);

const sameScope = (a: Partial<CarriedScope>, b: Partial<CarriedScope>): boolean =>
  a.risk === b.risk && (a.covers ?? []).join('\n') === (b.covers ?? []).join('\n');

// --- Our section: what each object's Threagile fields do not say ---------------------------------------

/** The key an object is written under, and its own name when that key is not it (a repeated name, a flow's made-up title). */
const carriedTitle = (key: string, name: string | undefined): CarriedTitle =>
  (key === name ? {} : { title: key, ...(name !== undefined ? { name } : {}) });

function carriedEndpoint(ep: Endpoint, e: Element): CarriedEndpoint {
  const inherited = e.auth ?? 'none';
  return defined({
    key: ep.key,
    name: ep.name !== ep.key ? ep.name : undefined,
    description: ep.description,
    kind: ep.kind !== defaultEndpointKind(ep.route, ep.methods, ep.auth !== 'none' && ep.auth !== inherited && ep.authAt === undefined ? ep.auth : undefined) ? ep.kind : undefined,
    methods: sameList(ep.methods, parseEndpointKey(ep.key).methods) ? undefined : [...ep.methods],
    // Its own auth where it does not inherit the element's (or the flows': authAt): public, or another method.
    public: ep.declaredPublic || (ep.auth === 'none' && inherited !== 'none') ? true : undefined,
    auth: ep.auth !== 'none' && ep.auth !== inherited && ep.authAt === undefined ? ep.auth : undefined,
    callers: ep.callers ? [...ep.callers] : undefined,
    controls: nonEmpty(ep.controls),
    accepts: nonEmpty(ep.accepts),
    returns: nonEmpty(ep.returns),
  });
}

/**
 * Threagile's technology is one word for our type and tech: both are carried unless that word is the type
 * itself and there is no tech (`type: database` is `technology: database`). The title is always carried:
 * an entry whose technical asset's id was changed in Threagile is found again by it (the importer's
 * renamedAssets), as the entry's key no longer names the asset.
 */
function carriedElement(e: Element, tgId: string, key: string): CarriedElement {
  const technology = technologyOf(e);
  const stated = e.tech === undefined && (e.type === undefined || e.type === technology);
  return defined({
    id: e.id !== tgId ? e.id : undefined,
    title: key,
    name: key !== e.name ? e.name : undefined,
    type: stated ? undefined : e.type,
    tech: stated ? undefined : e.tech,
    auth: e.auth,
    controls: nonEmpty(e.controls),
    endpoints: e.endpoints.length ? e.endpoints.map((ep) => carriedEndpoint(ep, e)) : undefined,
    exposed: e.exposed,
    privileged: e.privileged ? true : undefined,
    replicas: e.replicas,
    tags: sameList(lowerTags(e.tags), e.tags) ? undefined : [...e.tags],
    owner: unlessReadBack(e.owner),
    description: unlessReadBack(e.description),
  });
}

/** Protocol and auth are carried where Threagile's word is not ours; encryption where the flow overrides its protocol's. */
function carriedFlow(f: Flow, title: string, endpointKey: string | undefined): CarriedFlow {
  return defined({
    id: f.id !== `${f.from}->${f.to}` ? f.id : undefined,
    ...carriedTitle(title, f.name),
    protocol: f.protocol !== protocolOf(f) ? f.protocol : undefined,
    encrypted: f.encrypted !== (own(PROTOCOLS, f.protocol)?.encrypted ?? false) ? f.encrypted : undefined,
    auth: f.auth !== authenticationOf(f) ? f.auth : undefined,
    credential: f.credential,
    endpoint: endpointKey,
    controls: nonEmpty(f.controls),
    port: f.port,
    description: unlessReadBack(f.description),
  });
}

/** Threagile rates no trust, and its boundary types are not our kinds: both always carried. */
const carriedBoundary = (b: Boundary, tgId: string, key: string): CarriedBoundary => defined({
  id: b.id !== tgId ? b.id : undefined,
  ...carriedTitle(key, b.name),
  trust: b.trust,
  kind: b.kind,
  controls: nonEmpty(b.controls),
  description: unlessReadBack(b.description),
});

/** Threagile's confidentiality is our classification: the level is ours alone, always carried. */
const carriedAsset = (a: Asset, tgId: string, key: string): CarriedAsset => defined({
  id: a.id !== tgId ? a.id : undefined,
  ...carriedTitle(key, a.name),
  kind: a.kind !== 'data' ? a.kind : undefined,
  type: a.type,
  confidentiality: a.confidentiality,
  description: unlessReadBack(a.description),
  // Threagile has no word for data nobody classified: its confidentiality would read as a classification.
  assumed: a.assumed ? true : undefined,
});

function carriedSystem(r: AnalysisResult): CarriedSystem | undefined {
  const s = r.system;
  const out = defined({
    name: unlessReadBack(s.name), description: unlessReadBack(s.description), owner: unlessReadBack(s.owner), version: s.version,
  });
  return Object.keys(out).length ? out : undefined;
}

/** A written threat's texts and references where its category's fields would not give them back. */
function carriedThreat(meta: RuleMeta): CarriedThreat | undefined {
  const out = defined({
    description: unlessReadBack(meta.description),
    mitigation: unlessReadBack(meta.mitigation),
    references: sameList(referencesReadBack(meta.references), meta.references) ? undefined : [...meta.references],
  });
  return Object.keys(out).length ? out : undefined;
}

/**
 * What a risk's fields and its tracking do not say of its threat: a written threat's endpoint and the
 * ratings the model leaves to the analysis, and the threat's decision unless its risk's own tracking entry
 * says all of it.
 */
function carriedRisk(t: Threat, risk: ThreagileRisk, r: AnalysisResult, sharesTracking: boolean): CarriedRisk | undefined {
  const written = isWrittenRule(t.ruleId);
  const endpoint = written && t.endpoint !== undefined
    ? r.elements.find((e) => e.id === t.component)?.endpoints.find((ep) => ep.id === t.endpoint)?.key : undefined;
  const derived = written ? defined({
    exploitation_likelihood: t.likelihood.reason.includes(STATED) ? undefined : risk.exploitation_likelihood,
    exploitation_impact: t.impact.reason.includes(STATED) ? undefined : risk.exploitation_impact,
  }) : {};
  const decision = decisionOf(t);
  const scope = exportedScope(t);
  const out = defined({
    endpoint,
    derived: Object.keys(derived).length ? derived : undefined,
    decision: decision && (sharesTracking || !tracksExactly(decision, scope)) ? decision : undefined,
    scope,
  });
  return Object.keys(out).length ? out : undefined;
}

/** The links in the model's order of its flows, where that is not the file's: there each sits in its source, in element order. */
function flowOrder(r: AnalysisResult, linkIds: ReadonlyMap<string, string>): string[] | undefined {
  const inFile = r.elements.flatMap((e) => r.flows.filter((f) => f.from === e.id)).map((f) => linkIds.get(f.id)!);
  const inModel = r.flows.map((f) => linkIds.get(f.id)!);
  return sameList(inFile, inModel) ? undefined : inModel;
}

/** Each assumption as written, the elements it holds for by their Threagile ids. */
const carriedAssumptions = (model: Pick<Model, 'assumptions'>, ids: Ids): CarriedAssumption[] =>
  model.assumptions.map((a) => defined({
    text: a.text, rules: nonEmpty(a.rules), elements: nonEmpty(a.elements.map((id) => ids.element.get(id) ?? id)),
  }));

/** Where a written threat's target is, in Threagile ids; undefined for one the result does not have (cannot happen for a valid model). */
function carriedTarget(target: ThreatTarget, r: AnalysisResult, ids: Ids): CarriedTarget | undefined {
  if (target.kind === 'system') return { system: true };
  if (target.kind === 'boundary') return ids.boundary.has(target.id) ? { trust_boundary: ids.boundary.get(target.id)! } : undefined;
  if (target.kind === 'flow') return ids.link.has(target.id) ? { communication_link: ids.link.get(target.id)! } : undefined;
  if (target.kind === 'element') return ids.element.has(target.id) ? { technical_asset: ids.element.get(target.id)! } : undefined;
  const e = r.elements.find((x) => x.endpoints.some((ep) => ep.id === target.id));
  const key = e?.endpoints.find((ep) => ep.id === target.id)?.key;
  return e && key !== undefined ? { technical_asset: ids.element.get(e.id)!, endpoint: key } : undefined;
}

/**
 * A written threat as written: every target, the risk of each one the result reports (by the threat's key,
 * `threat:<id>@<target>`), its controls; and all the rest when no target is reported (mitigated or ruled
 * out everywhere, or left out by --min-risk), as no risk category then says it.
 */
function carriedWrittenThreat(t: WrittenThreat, r: AnalysisResult, ids: Ids, reported: ReadonlyMap<string, Threat>): CarriedWrittenThreat {
  const targets = t.on.flatMap((target): CarriedTarget[] => {
    const where = carriedTarget(target, r, ids);
    const risk = reported.get(`${writtenRuleId(t.id)}@${target.id}`);
    return where ? [risk ? { ...where, risk: uidOf(risk) } : where] : [];
  });
  const unreported = targets.every((target) => target.risk === undefined);
  return defined({
    targets,
    mitigated_by: nonEmpty(t.mitigatedBy),
    ...(unreported ? {
      title: t.title, stride: t.stride, description: t.description, likelihood: t.likelihood, impact: t.impact, mitigation: t.mitigation,
      references: nonEmpty(t.references),
    } : {}),
  });
}

/** The model's sections that the result does not hold, into our section. */
function carryModel(section: ThreatmapSection, model: Pick<Model, 'assumptions' | 'rules' | 'threats'>, r: AnalysisResult, ids: Ids): void {
  if (model.assumptions.length) section.assumptions = carriedAssumptions(model, ids);
  if (model.rules !== undefined) section.rules = model.rules;
  if (model.threats.length === 0) return;
  const reported = new Map(r.threats.filter((t) => isWrittenRule(t.ruleId)).map((t) => [t.key, t]));
  section.written_threats = keyed();
  for (const t of model.threats) section.written_threats[t.id] = carriedWrittenThreat(t, r, ids, reported);
}

// --- The document ---------------------------------------------------------------------------------------

function summaryComment(r: AnalysisResult): string {
  const s = r.summary.threats;
  const counts = (['Critical', 'High', 'Medium', 'Low'] as const).map((k) => `${s[k]} ${k}`).join(', ');
  const triage = r.triage ? `; after triage ${r.triage.open.total} still open, ${r.triage.closed.total} closed` : '';
  return `threatmap found ${s.total} threat${s.total === 1 ? '' : 's'} in ${r.file || 'the model'} (${counts})${triage}. ` +
    "Each is an individual risk of this model, its triage the risk tracking; Threagile's own rules add their risks.";
}

export function buildThreagile(r: AnalysisResult, options: ThreagileOptions = {}): ThreagileModel {
  const ids: Ids = {
    // Elements and boundaries share threatmap's namespace; kept apart here, as in Threagile, but made from one list.
    element: new Map(), boundary: new Map(), asset: threagileIds(r.assets.map((a) => a.id)), link: new Map(),
  };
  const shared = threagileIds([...r.elements.map((e) => e.id), ...r.boundaries.map((b) => b.id)]);
  for (const e of r.elements) ids.element.set(e.id, shared.get(e.id)!);
  for (const b of r.boundaries) ids.boundary.set(b.id, shared.get(b.id)!);

  const assets = new Map(r.assets.map((a) => [a.id, a]));
  const elements = new Map(r.elements.map((e) => [e.id, e]));
  const boundaries = new Map(r.boundaries.map((b) => [b.id, b]));
  const flows = new Map(r.flows.map((f) => [f.id, f]));
  const system = carriedSystem(r);
  const section: ThreatmapSection = {
    format: 1, ...(system ? { system } : {}), data_assets: keyed(), technical_assets: keyed(), communication_links: keyed(), trust_boundaries: keyed(),
  };

  const data_assets = keyed<ThreagileDataAsset>();
  const assetTitles = new Set<string>();
  for (const a of r.assets) {
    const id = ids.asset.get(a.id)!;
    const key = uniqueKey(a.name, a.id, assetTitles);
    data_assets[key] = dataAsset(a, id);
    section.data_assets[id] = carriedAsset(a, id, key);
  }

  // Links first: risks on flows name the links' ids.
  const linksOf = new Map<string, Keyed<ThreagileLink>>();
  const linkIds = new Set<string>();
  const titlesOf = new Map<string, Set<string>>();
  const endpointKeys = endpointKeysOf(r.elements);
  for (const f of r.flows) {
    const source = ids.element.get(f.from)!;
    let links = linksOf.get(f.from);
    if (!links) linksOf.set(f.from, (links = keyed()));
    let titles = titlesOf.get(f.from);
    if (!titles) titlesOf.set(f.from, (titles = new Set()));
    const to = elements.get(f.to)!;
    const endpointKey = endpointKeyOf(f, endpointKeys);
    const title = linkTitle(f, to.name, endpointKey, source, linkIds, titles);
    const linkId = threagileLinkId(source, title);
    ids.link.set(f.id, linkId);
    links[title] = link(f, elements.get(f.from)!, to, ids);
    section.communication_links[linkId] = carriedFlow(f, title, endpointKey);
  }

  const order = flowOrder(r, ids.link);
  if (order) section.flow_order = order;

  const inContainer = (e: Element): boolean => {
    const seen = new Set<string>();
    for (let b = e.boundary === undefined ? undefined : boundaries.get(e.boundary); b && !seen.has(b.id); b = b.parent === undefined ? undefined : boundaries.get(b.parent)) {
      if (b.kind === 'container') return true;
      seen.add(b.id);
    }
    return false;
  };
  const technical_assets = keyed<ThreagileTechnicalAsset>();
  const elementTitles = new Set<string>();
  for (const e of r.elements) {
    const trust = e.boundary === undefined ? defaultTrust(e) : boundaries.get(e.boundary)?.trust;
    const ctx: ElementContext = { assets, internet: trust === 'untrusted' || e.exposed === true, inContainer: inContainer(e) };
    const key = uniqueKey(e.name, e.id, elementTitles);
    technical_assets[key] = technicalAsset(e, ids, ctx, linksOf.get(e.id) ?? keyed());
    section.technical_assets[ids.element.get(e.id)!] = carriedElement(e, ids.element.get(e.id)!, key);
  }

  const trust_boundaries = keyed<ThreagileTrustBoundary>();
  const boundaryTitles = new Set<string>();
  for (const b of r.boundaries) {
    const key = uniqueKey(b.name, b.id, boundaryTitles);
    section.trust_boundaries[ids.boundary.get(b.id)!] = carriedBoundary(b, ids.boundary.get(b.id)!, key);
    trust_boundaries[key] = {
      id: ids.boundary.get(b.id)!,
      description: b.description ?? '',
      type: boundaryTypeOf(b),
      tags: [],
      technical_assets_inside: r.elements.filter((e) => e.boundary === b.id).map((e) => ids.element.get(e.id)!),
      trust_boundaries_nested: r.boundaries.filter((c) => c.parent === b.id).map((c) => ids.boundary.get(c.id)!),
    };
  }

  // One category per rule, in the order of its first threat (the report's risk order).
  const metas = new Map((options.rules ?? BUILTIN_RULES).map((m) => [m.id, m]));
  const ruleIds = [...new Set(r.threats.map((t) => t.ruleId))];
  const categoryIds = threagileIds(ruleIds);
  const categories = new Map<string, ThreagileRiskCategory>();
  const individual_risk_categories = keyed<ThreagileRiskCategory>();
  const categoryTitles = new Set<string>();
  for (const ruleId of ruleIds) {
    const meta = metas.get(ruleId) ?? fallbackMeta(r.threats.find((t) => t.ruleId === ruleId)!);
    const c = category(meta, categoryIds.get(ruleId)!);
    categories.set(ruleId, c);
    individual_risk_categories[uniqueKey(meta.title, ruleId, categoryTitles)] = c;
    const carried = isWrittenRule(ruleId) ? carriedThreat(meta) : undefined;
    if (carried) (section.threats ??= keyed())[c.id] = carried;
  }
  const riskTitles = new Map<string, Set<string>>();
  const bySyntheticId = new Map<string, Threat[]>();
  const risks = new Map<Threat, { written: ThreagileRisk; sid: string }>();
  for (const t of r.threats) {
    const c = categories.get(t.ruleId)!;
    const p = placementOf(t, r, ids, flows);
    let titles = riskTitles.get(t.ruleId);
    if (!titles) riskTitles.set(t.ruleId, (titles = new Set()));
    const written = risk(t, p);
    c.risks_identified[uniqueKey(`${t.title} (${uidOf(t)})`, t.key, titles)] = written;
    const sid = syntheticId(c.id, p);
    risks.set(t, { written, sid });
    const group = bySyntheticId.get(sid);
    if (group) group.push(t);
    else bySyntheticId.set(sid, [t]);
  }
  const risk_tracking = keyed<ThreagileRiskTracking>();
  for (const [sid, group] of bySyntheticId) {
    const tracking = trackingOf(group.map((t) => ({ uid: uidOf(t), decision: decisionOf(t) })));
    if (tracking) risk_tracking[sid] = tracking;
  }
  for (const [t, { written, sid }] of risks) {
    const carried = carriedRisk(t, written, r, bySyntheticId.get(sid)!.length > 1);
    if (carried) (section.risks ??= keyed())[uidOf(t)] = carried;
  }
  if (options.model) carryModel(section, options.model, r, ids);

  const top = highest(r.assets);
  return {
    threagile_version: THREAGILE_VERSION,
    title: r.system.name,
    author: { name: r.system.owner ?? '' },
    management_summary_comment: summaryComment(r),
    // How much the business depends on the system: the highest level any of its assets has.
    business_criticality: CRITICALITY[top ? highestLevel([top.c, top.i, top.a], 'low') : 'low'],
    ...(r.system.description ? { business_overview: { description: r.system.description } } : {}),
    tags_available: [...new Set(r.elements.flatMap((e) => lowerTags(e.tags)))].sort(),
    data_assets,
    technical_assets,
    trust_boundaries,
    // threatmap has no shared hosts.
    shared_runtimes: keyed(),
    individual_risk_categories,
    risk_tracking,
    threatmap: section,
  };
}

/** The one key YAML 1.1 reads as something other than its text: `<<`, the merge key. */
const MERGE_KEY = '<<';

/**
 * The Threagile model as YAML. Written as YAML 1.1 (no directive): Threagile reads it with Go's YAML
 * packages, which follow YAML 1.1, so every string a 1.1 reader would take for something else (`yes`,
 * `on`, `1:20`) is quoted, and a title `<<` is written as an explicit string, not a merge key. No anchors
 * or aliases (the example model's inheritance is for people editing it), no folding of long lines.
 */
export function renderThreagile(r: AnalysisResult, options: ThreagileOptions = {}): string {
  const doc = new Document(buildThreagile(r, options), { version: '1.1', aliasDuplicateObjects: false });
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === MERGE_KEY) {
        pair.key.type = Scalar.QUOTE_DOUBLE;
        pair.key.tag = 'tag:yaml.org,2002:str';
      }
    },
  });
  const ours = isMap(doc.contents) ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === THREATMAP_SECTION) : undefined;
  if (ours && isScalar(ours.key) && isMap(ours.value)) {
    // For people who open the file: an entry of one-line values, and a list of words, on one line each.
    const oneLine = (n: unknown): boolean => isScalar(n) && !(typeof n.value === 'string' && /[\r\n\u2028\u2029]/.test(n.value));
    visit(ours.value, {
      Seq(_, seq) {
        if (seq.items.every(oneLine)) seq.flow = true;
      },
      Map(_, map) {
        if (map.items.every((p) => oneLine(p.value) || (isSeq(p.value) && p.value.items.every(oneLine)))) map.flow = true;
      },
    });
    ours.key.spaceBefore = true;
    ours.key.commentBefore = ' threatmap\'s own data, for `threatmap import`: what the Threagile fields above cannot say (trust levels,\n' +
      ' endpoints, credentials, controls, exact types and protocols, decisions, assumptions, rule settings, written threats).\n' +
      ' Threagile does not read it.';
  }
  doc.commentBefore = ` Threagile model written by threatmap from ${(r.file || 'a model').replace(/[\r\n\u2028\u2029]+/g, ' ')}: run threagile on it.`;
  return doc.toString({ lineWidth: 0 });
}
