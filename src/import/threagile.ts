// Reading a Threagile model (YAML) for `threatmap import`: its technical assets, communication links, trust
// boundaries and data assets become a threatmap model to review. Pure: no Node APIs; the CLI reads and writes.
//
// Mapping, Threagile -> threatmap (each choice is explained where it is made below):
//   title, description / business_overview.description, author.name -> system (name, description, owner)
//   data_assets (keyed by title)       -> assets: id from `id`; confidentiality -> classification and a level;
//                                         integrity/availability criticality -> low/medium/high bands
//   technical_assets (keyed by title)  -> elements: id from `id`, kind from `type`, type from `technology`,
//                                         internet -> exposed, processed/stored data -> handles/stores,
//                                         encryption on a datastore -> encryption-at-rest
//   communication_links (in the source) -> flows: protocol, authentication, vpn/ip_filtered -> controls,
//                                         data sent and received -> the flow's data (one flow, the caller's)
//   trust_boundaries                   -> boundaries: members from technical_assets_inside, nesting from
//                                         trust_boundaries_nested; kind and trust from `type` and the name
//   individual_risk_categories         -> `threats:`, one per identified risk: its title, stride, description,
//     (risks identified by hand)          mitigation, CWE/ASVS/cheat sheet from its category; on its most relevant
//                                         link, else technical asset, else trust boundary, else the system;
//                                         exploitation likelihood and impact -> likelihood and impact, moved
//                                         where needed so that the matrix gives the stated severity
//   risk_tracking of those risks       -> the triage file (matched by Threagile's synthetic risk ids, wildcards
//                                         too): status, justification -> reason, ticket, checked_by -> owner
//   risk_tracking of Threagile's own   -> where threatmap has the same rule (RULE_EQUIVALENTS): decisions on its
//     rules                               threats in the triage file, or, a wildcard entry marked mitigated, the
//                                         control it says is in place; the others in the header only
//   shared_runtimes                    -> a written threat where one runs assets of several trust zones
//   threatmap (our section, in a file  -> what Threagile's fields cannot say of each object (trust, endpoints,
//     `threatmap analyze -f threagile` credentials, controls, exact types, protocols and names, each threat's
//     wrote)                              decision...); a Threagile field changed since the export wins over it,
//                                         and an object added in Threagile (no entry) is read as above;
//                                         the model's assumptions and `rules:` section as they were; each
//                                         written threat as written: its `on:` in order (a target whose risk
//                                         was deleted in Threagile left out; one with no risk, where it was
//                                         mitigated or ruled out, kept), its `mitigated-by`. A written threat
//                                         every risk of which was deleted is gone; one that had no risk at all
//                                         (mitigated or ruled out everywhere) comes back, as Threagile never
//                                         showed it to delete. A technical asset whose id was changed in
//                                         Threagile is found by its title: the new id is its id (its threats'
//                                         decisions re-keyed to it), its threatmap data kept
import { isMap, isScalar, isSeq, type Pair, YAMLMap, YAMLSeq } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { isWrittenRule, NO_DESCRIPTION_WRITTEN, NO_MITIGATION_WRITTEN, WRITTEN_RULE_PREFIX, writtenRuleId } from '../analysis/rules/written.js';
import {
  ASSET_KINDS, ASSET_TYPES, AUTH_ALIASES, AUTH_METHODS, type AuthMethod, BOUNDARY_KINDS, type BoundaryKind, type Classification, ELEMENT_TYPES,
  type ElementKind, type ElementType, ENDPOINT_KINDS, type Level, LEVELS, PROTOCOLS, TRUST_LEVELS, type TrustLevel,
} from '../model/catalog.js';
import { sortDiagnostics } from '../model/diagnostics.js';
import { impliedElementType, impliedKind as kindImpliedBy } from '../model/normalize.js';
import { isControlName } from '../model/rule-conditions.js';
import { type RawRulesSection, rulesSectionSchema } from '../model/rules-schema.js';
import type { ModelPath } from '../model/types.js';
import {
  authenticationOf, boundaryTypeOf, type CarriedAssumption, type CarriedAsset, type CarriedBoundary, type CarriedDecision, type CarriedElement, type CarriedEndpoint,
  type CarriedFlow, type CarriedRisk, type CarriedSystem, type CarriedTarget, type CarriedThreat, type CarriedWrittenThreat, lowerTags, protocolOf, redundantOf, referencesReadBack, storedEncryption,
  technologyOf, threagileText, THREATMAP_SECTION, type ThreagileRiskTracking, trackingOf,
} from '../render/threagile.js';
import type { CarriedScope } from '../render/threat-dragon.js';
import { ENCRYPTION_OFF_TAG } from '../analysis/rules/disclosure.js';
import { riskOf } from '../analysis/risk.js';
import type { Rating, Risk } from '../analysis/types.js';
import { readRisk as riskOfWord } from '../track/scope.js';
import { TRIAGE_STATUSES, type TriageStatus } from '../track/types.js';
import { threatUid } from '../track/uid.js';
import {
  derivedThreats, emptyFile, clipped, endpointServers, type EndpointView, type ExportedThreats, flowItem, flowTarget, hasError, headerTail, type ImportedDecision, type ImportedDecisionFields,
  type ImportedTarget, type ImportedThreat, importedTriage, type ImportOptions, type ImportResult, keyedEntry,
  lookup, modelId, modelSections, neverThrows, outsideEntry, section, slug, startModel, strideOfWord, SYSTEM_TARGET,
  targetsOf, threatsSection, uidList, unservedEndpoint, UNTRUSTED_NAME,
} from './import-common.js';
import { type Entry, YamlSource } from './yaml-source.js';

export const THREAGILE_FORMAT = 'Threagile';

export interface ThreagileRiskNote {
  /** Threagile's synthetic risk id (`category@asset...`, wildcards allowed). */
  id: string;
  status: string;
  /**
   * How many of the risks the file identifies by hand it tracks (their decisions go to the triage file).
   * 0: a risk of Threagile's own rules; listed only unless `decided` or `controlled`.
   */
  matches: number;
  /** Of a Threagile rule with a threatmap equivalent: how many of threatmap's threats it decides in the triage file. */
  decided?: number;
  /** A wildcard entry marked mitigated, written as the control it says is in place: on how many elements or flows. */
  controlled?: number;
}

export interface ThreagileImportSummary extends ExportedThreats {
  version: string;
  system: string;
  elements: number;
  flows: number;
  boundaries: number;
  assets: number;
  /** Shared runtimes by title: listed, not imported (threatmap has no shared-host concept). */
  sharedRuntimes: string[];
  /** The file's risk tracking, in file order: decisions on the risks identified by hand are imported, the rest listed. */
  riskTracking: ThreagileRiskNote[];
  /** Risks identified by hand (individual_risk_categories), each written under `threats:`. */
  individualRisks: number;
  /** Threats written under the model's `threats:`: the risks identified by hand, and those our export carried alone. */
  written: number;
  /**
   * Risks that are threatmap's own threats, exported earlier (`threatmap analyze -f threagile`): not written,
   * since analysis derives them again; their risk tracking comes back under their stable ids.
   */
  exportedRisks: number;
  /** Whether the file has our section (`threatmap:`, written by `threatmap analyze -f threagile`), which gave back what Threagile's fields cannot say. */
  threatmapSection?: true;
  notes: string[];
}

export type ThreagileImportResult = ImportResult<ThreagileImportSummary>;

type Plain = Record<string, unknown>;
/** A one-line text; Threagile's free texts may carry HTML (`<b>`, `<i>`), which a model's text does not render. */
const str = threagileText;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim()) : []);

// --- Vocabulary ---------------------------------------------------------------------------------------

const KINDS: Record<string, ElementKind> = { 'external-entity': 'external', process: 'process', datastore: 'store' };

/**
 * Threagile's confidentiality scale is public < internal < restricted < confidential < strictly-confidential;
 * ours is public < internal < confidential < restricted. Mapping by name would turn Threagile's
 * `restricted` (below confidential there) into our highest class, so the map keeps the order instead:
 * restricted and confidential are both our confidential, strictly-confidential our restricted. The level
 * keeps Threagile's own line: its rules treat confidential and above as sensitive (unencrypted-asset,
 * missing-waf...), so confidential is high confidentiality here, restricted medium.
 */
const CLASSIFICATION: Record<string, [Classification, Level]> = {
  public: ['public', 'low'], internal: ['internal', 'low'], restricted: ['confidential', 'medium'],
  confidential: ['confidential', 'high'], 'strictly-confidential': ['restricted', 'high'],
};
/** Threagile's criticality (integrity, availability) in three bands: the bottom two low, important medium, the top two high. */
const CRITICALITY: Record<string, Level> = { archive: 'low', operational: 'low', important: 'medium', critical: 'high', 'mission-critical': 'high' };

/**
 * Threagile technologies -> a catalog type (or technology) where one fits. A type is written only when the
 * DFD kind it implies is the asset's own Threagile type (the model rejects `kind` contradicting `type`);
 * otherwise the kind stays and a note names the technology.
 */
const TECH: Record<string, { type?: ElementType; tech?: string }> = {
  'client-system': { type: 'user-agent' }, browser: { tech: 'browser' }, desktop: { type: 'user-agent' }, 'mobile-app': { tech: 'mobile-app' },
  'devops-client': { type: 'developer' }, 'web-server': { type: 'web-server' }, 'web-application': { type: 'web-app' },
  'application-server': { type: 'service' }, database: { type: 'database' }, 'file-server': { type: 'file-storage' },
  'local-file-system': { type: 'file-storage' }, 'block-storage': { type: 'file-storage' }, erp: { type: 'service' }, cms: { type: 'web-app' },
  'web-service-rest': { type: 'api' }, 'web-service-soap': { type: 'api' }, ejb: { type: 'service' }, 'search-index': { type: 'search-index' },
  'search-engine': { type: 'service' }, 'service-registry': { type: 'service' }, 'reverse-proxy': { type: 'reverse-proxy' },
  'load-balancer': { type: 'load-balancer' }, 'build-pipeline': { type: 'ci-cd' }, 'sourcecode-repository': { type: 'service' },
  'artifact-registry': { type: 'container-registry' }, 'code-inspection-platform': { type: 'service' }, monitoring: { type: 'service' },
  'ldap-server': { tech: 'ldap' }, 'container-platform': { type: 'service' }, 'batch-processing': { type: 'worker' },
  'event-listener': { type: 'worker' }, 'identity-provider': { type: 'identity-provider' }, 'identity-store-ldap': { tech: 'ldap-directory' },
  'identity-store-database': { type: 'database' }, tool: { type: 'service' }, cli: { type: 'service' }, task: { type: 'worker' },
  function: { type: 'function' }, gateway: { type: 'gateway' }, 'iot-device': { type: 'device' }, 'message-queue': { type: 'queue' },
  'stream-processing': { type: 'worker' }, 'service-mesh': { type: 'gateway' }, 'data-lake': { type: 'object-storage' },
  'big-data-platform': { type: 'service' }, 'report-engine': { type: 'service' }, ai: { type: 'llm' }, 'mail-server': { type: 'service' },
  vault: { type: 'secrets-vault' }, hsm: { type: 'secrets-vault' }, waf: { type: 'gateway' }, ids: { type: 'service' }, ips: { type: 'service' },
  scheduler: { type: 'worker' }, mainframe: { type: 'service' }, 'block-chain': { type: 'service' }, library: { type: 'service' },
};
/** The kind a technology hint implies (ldap is an identity provider, a process; browser a user agent). */
const TECH_KIND: Record<string, ElementKind> = { browser: 'external', 'mobile-app': 'external', ldap: 'process', 'ldap-directory': 'store' };
/**
 * A technology drawn as the other DFD kind than its TECH entry's: an LDAP identity store drawn as a process
 * is the directory server itself. Either way the `ldap` trait stays, so LDAP injection into it is found.
 */
const TECH_AS_KIND: Record<string, Partial<Record<ElementKind, { type?: ElementType; tech?: string }>>> = {
  'identity-store-ldap': { process: { tech: 'ldap' } },
};

/**
 * Threagile's protocols -> catalog protocols. Where none fits, the nearest transport with the same
 * encryption is taken and noted; an unknown protocol is taken as unencrypted TCP, the safe assumption
 * (threatmap then asks for TLS rather than assuming it).
 */
const PROTOCOL: Record<string, { protocol: string; encrypted?: boolean; note?: boolean }> = {
  http: { protocol: 'http' }, https: { protocol: 'https' }, ws: { protocol: 'ws' }, wss: { protocol: 'wss' },
  'reverse-proxy-web-protocol': { protocol: 'http' }, 'reverse-proxy-web-protocol-encrypted': { protocol: 'https' },
  mqtt: { protocol: 'mqtt' }, jdbc: { protocol: 'sql' }, 'jdbc-encrypted': { protocol: 'sql+tls' }, odbc: { protocol: 'sql' },
  'odbc-encrypted': { protocol: 'sql+tls' }, 'sql-access-protocol': { protocol: 'sql' }, 'sql-access-protocol-encrypted': { protocol: 'sql+tls' },
  'nosql-access-protocol': { protocol: 'tcp', note: true }, 'nosql-access-protocol-encrypted': { protocol: 'tls', note: true },
  binary: { protocol: 'tcp' }, 'binary-encrypted': { protocol: 'tls' }, text: { protocol: 'tcp' }, 'text-encrypted': { protocol: 'tls' },
  ssh: { protocol: 'ssh' }, 'ssh-tunnel': { protocol: 'ssh' }, smtp: { protocol: 'smtp' }, 'smtp-encrypted': { protocol: 'smtps' },
  pop3: { protocol: 'tcp', note: true }, 'pop3-encrypted': { protocol: 'tls', note: true }, imap: { protocol: 'tcp', note: true },
  'imap-encrypted': { protocol: 'tls', note: true }, ftp: { protocol: 'ftp' }, ftps: { protocol: 'ftp', encrypted: true }, sftp: { protocol: 'sftp' },
  scp: { protocol: 'ssh' }, ldap: { protocol: 'ldap' }, ldaps: { protocol: 'ldaps' }, jms: { protocol: 'tcp', note: true },
  nfs: { protocol: 'nfs' }, smb: { protocol: 'smb' }, 'smb-encrypted': { protocol: 'smb', encrypted: true }, 'local-file-access': { protocol: 'file' },
  nrpe: { protocol: 'tcp', note: true }, xmpp: { protocol: 'tcp', note: true }, iiop: { protocol: 'tcp', note: true },
  'iiop-encrypted': { protocol: 'tls', note: true }, jrmp: { protocol: 'tcp', note: true }, 'jrmp-encrypted': { protocol: 'tls', note: true },
  'in-process-library-call': { protocol: 'in-process' }, 'container-spawning': { protocol: 'ipc', note: true },
  'unknown-protocol': { protocol: 'tcp', note: true },
};

/**
 * Threagile's authentication -> our auth values. `token` is any bearer or API token (a Git personal access
 * token as much as a JWT): our api-key (oauth2 from a person's client, authOver), with a note, since reading it as jwt would ask for JWT validation
 * that may not apply. `client-certificate` is mutual TLS, except over SSH, where the client's key is an SSH
 * key (authOver). `two-factor` is a password plus a second factor: password and the mfa control. `externalized`
 * means another party authenticates (SSO, a gateway): which method is not said, so no auth is written
 * (threatmap then treats the flow as unauthenticated, the safe side) and a note says so.
 */
const AUTH: Record<string, string | undefined> = {
  none: 'none', credentials: 'password', 'session-id': 'session-cookie', token: 'api-key', 'client-certificate': 'mtls',
  'two-factor': 'password', externalized: undefined,
};

/** Clients a person uses: a token they send is one they got by signing in, not a key built into the client. */
const HUMAN_CLIENT_TYPES: ReadonlySet<string> = new Set(['user-agent', 'developer', 'user', 'admin']);
const HUMAN_CLIENT_TECH: ReadonlySet<string> = new Set(['browser', 'mobile-app']);
const isHumanClient = (e: Pick<ElementOut, 'kind' | 'type' | 'tech'> | undefined): boolean => e !== undefined && e.kind === 'external'
  && ((e.type !== undefined && HUMAN_CLIENT_TYPES.has(e.type)) || (e.tech !== undefined && HUMAN_CLIENT_TECH.has(e.tech)));

/**
 * A link's auth from Threagile's word, where its protocol or source says more than the word: a client
 * certificate on SSH is the client's SSH key (SSH has no mutual TLS); a token a person's client sends is
 * the bearer token of their sign-in (oauth2), which api-key would read as a secret shipped in the client.
 */
function authOver(authText: string, protocol: string, from: Pick<ElementOut, 'kind' | 'type' | 'tech'>): string | undefined {
  if (authText === 'client-certificate' && (protocol === 'ssh' || protocol === 'sftp')) return 'ssh-key';
  if (authText === 'token' && isHumanClient(from)) return 'oauth2';
  return AUTH[authText];
}

/**
 * Boundary types -> kind and default trust. Networks are network boundaries (a cloud provider's network is
 * `cloud`); a namespace isolation policy separates containers; an execution environment (a VM, a runtime)
 * is not a network boundary at all: it isolates execution, our `container` kind. Threagile rates no trust,
 * so every zone is internal (a zone of one's own) unless its name says DMZ or the outside.
 */
const BOUNDARY: Record<string, BoundaryKind> = {
  'network-on-prem': 'network', 'network-dedicated-hoster': 'network', 'network-virtual-lan': 'network',
  'network-cloud-provider': 'cloud', 'network-cloud-security-group': 'network', 'network-policy-namespace-isolation': 'container',
  'execution-environment': 'container',
};

/** Exploitation likelihood in three levels: unlikely low, likely medium, the top two high. */
const LIKELIHOOD: Record<string, Level> = { unlikely: 'low', likely: 'medium', 'very-likely': 'high', frequent: 'high' };
/** Exploitation impact in three levels: the top two high. */
const IMPACT: Record<string, Level> = { low: 'low', medium: 'medium', high: 'high', 'very-high': 'high' };
/**
 * Threagile's own rules -> threatmap's rules that find the same threat, so that the team's risk tracking of
 * them follows (ruleTrackingDecisions); `control`: what a wildcard entry marked mitigated says is in place
 * everywhere (writeTrackedControl). Rules with no such equivalent (missing-hardening, dos-risky-access-across-
 * trust-boundary...) stay listed only.
 */
const RULE_EQUIVALENTS: Record<string, { rules: readonly string[]; control?: 'mfa' | 'encryption-at-rest' }> = {
  'missing-authentication-second-factor': { rules: ['privileged-user-phishing', 'admin-without-mfa'], control: 'mfa' },
  'missing-authentication': { rules: ['missing-authentication'] },
  'ldap-injection': { rules: ['ldap-injection'] },
  'sql-nosql-injection': { rules: ['sql-injection', 'nosql-injection'] },
  'cross-site-scripting': { rules: ['cross-site-scripting', 'dom-xss'] },
  'cross-site-request-forgery': { rules: ['cross-site-request-forgery'] },
  'missing-waf': { rules: ['missing-waf'] },
  'unencrypted-communication': { rules: ['cleartext-disclosure', 'cleartext-tampering'] },
  'unencrypted-asset': { rules: ['unencrypted-store'], control: 'encryption-at-rest' },
  'push-instead-of-pull-deployment': { rules: ['pipeline-over-privileged'] },
  'untrusted-deserialization': { rules: ['insecure-deserialization'] },
  'server-side-request-forgery': { rules: ['server-side-request-forgery'] },
  'path-traversal': { rules: ['path-traversal'] },
  'xml-external-entity': { rules: ['xxe'] },
  'missing-vault': { rules: ['secrets-in-config'] },
};
/**
 * Their statuses -> triage. Work still under way (in progress, in discussion) or not looked at is no
 * decision on threatmap's threat: open, with what Threagile says in the reason.
 */
const RULE_TRACKING: Record<string, TriageStatus> = {
  mitigated: 'mitigated', accepted: 'accepted', 'false-positive': 'false-positive', 'in-progress': 'open', 'in-discussion': 'open', unchecked: 'open',
};

/**
 * Risk-tracking statuses -> triage. `unchecked` decides nothing; in discussion is still open; in progress is
 * being mitigated. The others are the same decisions.
 */
const TRACKING: Record<string, TriageStatus | undefined> = {
  unchecked: undefined, 'in-discussion': 'open', accepted: 'accepted', 'in-progress': 'mitigating', mitigated: 'mitigated', 'false-positive': 'false-positive',
};

// --- The parts, as read --------------------------------------------------------------------------------

interface AssetOut { id: string; tgId: string; title: string; line: number; v: Record<string, unknown>; notes: string[] }
interface ElementOut {
  id: string; tgId: string; title: string; name: string; line: number; kind: ElementKind; type?: ElementType; tech?: string; in?: string;
  exposed?: boolean; internet: boolean; handles: string[]; stores: string[]; controls: string[]; description?: string; notes: string[];
  /** What our section carries of it: an element threatmap exported. */
  carried?: CarriedElement;
  auth?: string; endpoints?: CarriedEndpoint[]; privileged?: boolean; replicas?: number; owner?: string; tags?: string[];
}
interface BoundaryOut {
  id: string; tgId: string; title: string; name: string; line: number; kind: BoundaryKind; trust: TrustLevel; in?: string; description?: string;
  notes: string[]; controls?: string[];
}
interface FlowOut {
  from: string; to: string; line: number; title: string; id?: string; description?: string; protocol: string; encrypted?: boolean;
  auth?: string; controls: string[]; data: string[]; notes: string[];
  /** Its own name: the title, unless ours had none (the title was made up). */
  name?: string;
  /** What our section carries of it (under `carriedKey`): a flow threatmap exported. */
  carried?: CarriedFlow;
  carriedKey?: string;
  credential?: string; endpoint?: string; port?: number;
  /** The endpoint our section says it calls, and where its link is, until every link is read (placeEndpoints). */
  calls?: { key: string; offset: number; path: ModelPath };
  /** Threagile's id of the link: its source's id and its title as a slug (`web>database-traffic`). */
  tgId: string;
}

/** What an empty file should have held, for its message. */
const THREAGILE_EXPECTED = 'a Threagile model (YAML with `threagile_version` and `technical_assets`)';

/**
 * A Threagile model as a threatmap model. Never throws: YAML errors, a file that is not Threagile's, and
 * entries of the wrong shape are diagnostics with file:line:col (errors leave no text; an entry that cannot
 * be used is a warning and is left out). Deterministic: the file's order.
 */
export function importThreagile(text: string, file: string, options: ImportOptions = {}): ThreagileImportResult {
  return neverThrows(file, () => importUnsafe(text, file, options));
}

function importUnsafe(text: string, file: string, options: ImportOptions): ThreagileImportResult {
  const empty = emptyFile(text, file, THREAGILE_EXPECTED);
  if (empty) return { diagnostics: [empty] };
  const src = options.source ?? YamlSource.imported(text, file);
  const done = (): ThreagileImportResult => ({ diagnostics: sortDiagnostics(src.diagnostics.map(clipped)) });
  if (src.failed) return done();
  const root = src.root;
  const top = isMap(root) ? src.entries(root, []) : [];
  const get = (list: readonly Entry[], key: string) => list.find((e) => e.key === key);
  const versionE = get(top, 'threagile_version');
  const assetsE = get(top, 'technical_assets');
  if (!isMap(root) || !versionE || !assetsE) {
    src.problem('error', 'not-threagile', src.offsetOf(root), [], 'not a Threagile model: expected a map with `threagile_version` and `technical_assets`',
      { hint: 'threatmap import reads Open Threat Model, OWASP Threat Dragon v2 and Threagile files' });
    return done();
  }
  const version = (isScalar(versionE.value) ? str(versionE.value.value) : undefined) ?? '?';
  // Through the source's entries, which apply YAML merge keys (`<<: *customer-contracts`): toJSON() leaves
  // them as a `<<` field, and the merged ratings of a data asset would be lost.
  const plainValue = (n: YamlNode | null): unknown => {
    if (isMap(n)) return plainOf(n);
    if (isSeq(n)) return n.items.map((i) => plainValue(src.resolve(i as YamlNode | null)));
    return n === null ? null : n.toJSON();
  };
  const plainOf = (n: YamlNode | null): Plain => (isMap(n) ? Object.fromEntries(src.entries(n, []).map((e) => [e.key, plainValue(e.value)])) : {});
  const line = (offset: number) => src.lineOf(offset);
  const notes: string[] = [];
  /** A collection keyed by title (Threagile's way): its entries, each a map, else a warning and left out. */
  const records = (e: Entry | undefined, what: string): Array<Entry & { plain: Plain }> => {
    if (!e) return [];
    const list = src.mapEntries(e.value, e.offset, e.path, `a map of ${what} keyed by title`) ?? [];
    const out: Array<Entry & { plain: Plain }> = [];
    for (const r of list) {
      if (!isMap(r.value)) {
        src.problem('warning', 'bad-entry', src.offsetOf(r.value, r.offset), r.path, `\`${r.key}\` is not a map of fields; left out`, { expected: `one of the ${what}, a map` });
        continue;
      }
      out.push({ ...r, plain: plainOf(r.value) });
    }
    return out;
  };
  /** Where a field of a record is, for diagnostics: its key, else the record's title. */
  const fieldAt = (r: Entry, key: string): { offset: number; path: ModelPath } => {
    const f = isMap(r.value) ? get(src.entries(r.value, r.path), key) : undefined;
    return { offset: f?.offset ?? r.offset, path: f?.path ?? [...r.path, key] };
  };

  // title, description -> system. Threagile's `business_overview.description` is the system's description
  // when the file has no top-level one; the author is the nearest thing to an owner.
  const plainRoot = plainOf(root);
  // A file threatmap exported: our section gives back what Threagile's fields cannot say.
  const ours = readOurs(plainRoot[THREATMAP_SECTION]);
  let systemName = carriedText(plainRoot.title, ours.system.name);
  if (!systemName) {
    systemName = 'System';
    src.problem('warning', 'missing-name', src.offsetOf(root), ['title'], 'the model has no title; the system is called `System`');
  }
  const system: Record<string, string> = { name: systemName };
  const overview = plainRoot.business_overview;
  const description = str(plainRoot.description) ?? carriedText(isPlain(overview) ? overview.description : undefined, ours.system.description);
  if (description !== undefined) system.description = description;
  const author = plainRoot.author;
  const owner = carriedText(isPlain(author) ? author.name : undefined, ours.system.owner);
  if (owner !== undefined) system.owner = owner;
  if (ours.system.version !== undefined) system.version = ours.system.version;

  // data_assets -> assets. Their own namespace in threatmap, so ids are unique among assets only.
  const assets: AssetOut[] = [];
  const assetIds = new Map<string, string>();
  const assetTaken = new Set<string>();
  for (const r of records(get(top, 'data_assets'), 'data assets')) {
    const p = r.plain;
    const tgId = str(p.id) ?? slug(r.key);
    const c = ours.assets.get(tgId);
    const id = modelId(c?.id ?? tgId, r.key, 'asset', assetTaken);
    const v: Record<string, unknown> = {};
    const name = carriedName(r.key, c) ?? r.key;
    if (name !== id) v.name = name;
    const desc = carriedText(p.description, c?.description);
    if (desc !== undefined) v.description = desc;
    if (c?.kind) v.kind = c.kind;
    // Ours: the type it had, else none; another's: guessed from its words.
    const type = c ? c.type : assetType(`${r.key} ${tgId}`);
    if (type) v.type = type;
    const a: AssetOut = { id, tgId, title: r.key, line: line(r.offset), v, notes: [] };
    const conf = str(p.confidentiality);
    const classified = lookup(CLASSIFICATION, conf);
    if (classified) [v.classification, v.confidentiality] = [classified[0], c?.confidentiality ?? classified[1]];
    else if (conf) src.problem('warning', 'unknown-value', fieldAt(r, 'confidentiality').offset, fieldAt(r, 'confidentiality').path, `confidentiality \`${conf}\` is not one of Threagile's; left out`, { expected: Object.keys(CLASSIFICATION).join(', ') });
    for (const key of ['integrity', 'availability'] as const) {
      const c = str(p[key]);
      const level = lookup(CRITICALITY, c);
      if (level) v[key] = level;
      else if (c) src.problem('warning', 'unknown-value', fieldAt(r, key).offset, fieldAt(r, key).path, `${key} \`${c}\` is not one of Threagile's; left out`, { expected: Object.keys(CRITICALITY).join(', ') });
    }
    if (c?.assumed === true) v.assumed = true;
    if (type && !c) a.notes.push(`type ${type}: guessed from the title; check it`);
    if (assetIds.has(tgId)) src.problem('warning', 'duplicate-id', r.offset, r.path, `data asset id \`${tgId}\` appears twice; references go to the first`);
    else assetIds.set(tgId, id);
    assets.push(a);
  }
  const assetRefs = (list: string[], r: Entry, key: string): string[] => {
    const out: string[] = [];
    for (const ref of list) {
      const id = assetIds.get(ref);
      if (!id) src.problem('warning', 'unknown-reference', fieldAt(r, key).offset, fieldAt(r, key).path, `no data asset has id \`${ref}\`; left out`);
      else if (!out.includes(id)) out.push(id);
    }
    return out;
  };

  // technical_assets -> elements (ids shared with boundaries and flows, as threatmap requires).
  const taken = new Set<string>();
  const elements: ElementOut[] = [];
  const byTg = new Map<string, ElementOut>();
  const assetRecords = records(assetsE, 'technical assets');
  const tgIdOf = (r: Entry & { plain: Plain }) => str(r.plain.id) ?? slug(r.key);
  // Ids changed in Threagile: our section, keyed by the old ones, read as the file names things now.
  const renamedIds = renamedAssets(assetRecords.map((r) => ({ tgId: tgIdOf(r), title: r.key })), ours.elements, notes);
  underNewIds(ours, renamedIds);
  for (const r of assetRecords) {
    const p = r.plain;
    const tgId = tgIdOf(r);
    const c = ours.elements.get(tgId);
    const e: ElementOut = {
      id: modelId(c?.id ?? tgId, r.key, 'element', taken), tgId, title: r.key, name: carriedName(r.key, c) ?? r.key, line: line(r.offset),
      kind: 'process', internet: p.internet === true, handles: [], stores: [], controls: [], notes: [], description: carriedText(p.description, c?.description),
      ...(c ? { carried: c } : {}),
    };
    const type = str(p.type);
    const kind = lookup(KINDS, type);
    if (kind) e.kind = kind;
    else {
      const at = fieldAt(r, 'type');
      src.problem('warning', 'unknown-value', at.offset, at.path, `technical asset type \`${type ?? ''}\` is not one of Threagile's; imported as a process`, { expected: Object.keys(KINDS).join(', ') });
      e.notes.push('no Threagile type: imported as a process');
    }
    const technology = str(p.technology);
    const t = lookup(TECH_AS_KIND, technology)?.[e.kind] ?? lookup(TECH, technology);
    const impliedKind = t?.type ? ELEMENT_TYPES[t.type].kind : lookup(TECH_KIND, t?.tech);
    if (c && carriesTechnology(c, e.kind, technology)) {
      e.type = c.type;
      e.tech = c.tech;
    } else if (t && impliedKind === e.kind) {
      if (t.type) e.type = t.type;
      if (t.tech) e.tech = t.tech;
    } else if (technology && technology !== 'unknown-technology') {
      e.notes.push(`technology "${technology}": ${t ? `fits no ${e.kind} type` : 'not one threatmap knows'}; set \`type\` or \`tech\``);
    } else if (!(c && c.type === undefined && c.tech === undefined)) {
      // An element our export carried with neither type nor technology had none in the model: nothing to ask.
      e.notes.push('technology unknown in Threagile; set `type` or `tech`');
    }
    // Threagile's `internet: true`: the asset is reachable from the internet. For a process or store that
    // is exactly threatmap's `exposed`; for an external entity it says the party is out on the internet,
    // which the untrusted `outside` boundary says (below), not `exposed`.
    if (e.internet && e.kind !== 'external') e.exposed = true;
    e.handles = assetRefs(strings(p.data_assets_processed), r, 'data_assets_processed');
    e.stores = assetRefs(strings(p.data_assets_stored), r, 'data_assets_stored');
    // Any encryption but `none` on a datastore (transparent, or with shared or per-user keys) encrypts data
    // at rest; on a process it would say nothing of stored data. Ours: its own controls, as Threagile's
    // encryption and redundancy now say.
    const enc = str(p.encryption);
    if (c) ourElement(e, c, p);
    else if (enc && enc !== 'none') {
      if (e.kind === 'store') e.controls.push('encryption-at-rest');
      else e.notes.push(`encryption "${enc}" on a ${e.kind}: no control for it`);
    }
    if (p.out_of_scope === true) {
      e.notes.push(`out of scope in Threagile${str(p.justification_out_of_scope) ? `: ${str(p.justification_out_of_scope)}` : ''}; imported all the same, remove it if it does not belong`);
    }
    if (byTg.has(tgId)) src.problem('warning', 'duplicate-id', r.offset, r.path, `technical asset id \`${tgId}\` appears twice; references go to the first`);
    else byTg.set(tgId, e);
    elements.push(e);
  }
  // An element whose id was changed in Threagile: that id is its id in the model, as every other edit made
  // there wins; endpoints name it as a caller by it.
  const movedIds = new Map<string, string>();
  for (const r of renamedIds) {
    const e = byTg.get(r.now);
    if (!e) continue;
    if (e.id !== r.modelId) movedIds.set(r.modelId, e.id);
    const exported = r.modelId === r.was ? '' : ` (\`${r.modelId}\` in the model exported)`;
    e.notes.push(`its id was \`${r.was}\`${exported}, changed in Threagile: threatmap's section found by its title "${r.title}";`
      + ` its threats and decisions follow it under \`${e.id}\``);
  }
  // An entry nothing found: its data is lost with it, which the summary says rather than leave silent.
  for (const [key, c] of ours.elements) {
    if (byTg.has(key)) continue;
    notes.push(`threatmap's section has data for technical asset \`${key}\`${c.title !== undefined ? ` ("${c.title}")` : ''}, which the file no longer has`
      + ' (deleted in Threagile, or its id and title both changed): its endpoints, controls and other threatmap data are left out');
  }
  // Our section's endpoints may name assets and elements deleted or renamed in Threagile since: only what
  // the model as imported still has, or it would not load.
  const elementIds = new Set(elements.map((e) => e.id));
  const modelAssetIds = new Set(assets.map((a) => a.id));
  for (const e of elements) if (e.endpoints) e.endpoints = e.endpoints.map((ep) => knownEndpoint(callersNow(ep, movedIds), elementIds, modelAssetIds, e.notes));

  // trust_boundaries -> boundaries.
  const boundaries: BoundaryOut[] = [];
  const boundaryByTg = new Map<string, BoundaryOut>();
  const boundaryRecords = records(get(top, 'trust_boundaries'), 'trust boundaries');
  for (const r of boundaryRecords) {
    const p = r.plain;
    const tgId = str(p.id) ?? slug(r.key);
    const type = str(p.type);
    const c = ours.boundaries.get(tgId);
    const b: BoundaryOut = {
      id: modelId(c?.id ?? tgId, r.key, 'boundary', taken), tgId, title: r.key, name: carriedName(r.key, c) ?? r.key, line: line(r.offset),
      kind: 'network', trust: 'internal', notes: [], description: carriedText(p.description, c?.description), ...(c?.controls?.length ? { controls: c.controls } : {}),
    };
    const untrusted = UNTRUSTED_NAME.test(r.key);
    const dmz = /\bdmz\b/i.test(r.key);
    // Threagile rates no trust: ours says it; for another's, the name is all there is.
    b.trust = c?.trust ?? (untrusted ? 'untrusted' : dmz ? 'dmz' : 'internal');
    const boundaryKind = lookup(BOUNDARY, type);
    if (c?.kind && boundaryTypeOf({ kind: c.kind, trust: b.trust }) === type) b.kind = c.kind;
    else if (boundaryKind) b.kind = boundaryKind;
    else {
      const at = fieldAt(r, 'type');
      src.problem('warning', 'unknown-value', at.offset, at.path, `trust boundary type \`${type ?? ''}\` is not one of Threagile's; a network boundary assumed`, { expected: Object.keys(BOUNDARY).join(', ') });
    }
    if (!c?.trust) b.notes.push(`${type ?? 'no type'}: ${b.kind}; ${untrusted ? 'untrusted: its name says it is outside' : dmz ? 'dmz: its name says so' : 'internal assumed: Threagile states no trust; check it'}`);
    if (boundaryByTg.has(tgId)) src.problem('warning', 'duplicate-id', r.offset, r.path, `trust boundary id \`${tgId}\` appears twice; references go to the first`);
    else boundaryByTg.set(tgId, b);
    boundaries.push(b);
  }
  // Members and nesting, after all boundaries are known (a boundary may name one defined later).
  boundaryRecords.forEach((r, i) => {
    const b = boundaries[i];
    for (const ref of strings(r.plain.technical_assets_inside)) {
      const e = byTg.get(ref);
      const at = fieldAt(r, 'technical_assets_inside');
      if (!e) src.problem('warning', 'unknown-reference', at.offset, at.path, `no technical asset has id \`${ref}\`; left out of \`${b.id}\``);
      else if (e.in && e.in !== b.id) src.problem('warning', 'two-boundaries', at.offset, at.path, `\`${ref}\` is already inside \`${e.in}\`; it stays there`);
      else e.in = b.id;
    }
    for (const ref of strings(r.plain.trust_boundaries_nested)) {
      const child = boundaryByTg.get(ref);
      const at = fieldAt(r, 'trust_boundaries_nested');
      if (!child) src.problem('warning', 'unknown-reference', at.offset, at.path, `no trust boundary has id \`${ref}\`; not nested`);
      else if (child === b || encloses(child, b, boundaries)) src.problem('warning', 'nesting-cycle', at.offset, at.path, `nesting \`${ref}\` in \`${b.id}\` would make a cycle; not nested`);
      else if (child.in && child.in !== b.id) src.problem('warning', 'two-parents', at.offset, at.path, `\`${ref}\` is already nested in \`${child.in}\`; it stays there`);
      else child.in = b.id;
    }
  });

  // communication_links (nested in their source) -> flows.
  const flows: FlowOut[] = [];
  const renamed = renamedLinks(elements.map((e, i) => ({ tgId: e.tgId, links: assetRecords[i].plain.communication_links })), ours.flows);
  assetRecords.forEach((r, i) => {
    const from = elements[i];
    const linksE = isMap(r.value) ? get(src.entries(r.value, r.path), 'communication_links') : undefined;
    for (const l of records(linksE, 'communication links')) {
      const p = l.plain;
      const target = str(p.target);
      const to = target ? byTg.get(target) : undefined;
      const at = fieldAt(l, 'target');
      if (!to) {
        src.problem('warning', target ? 'unknown-reference' : 'missing-reference', at.offset, at.path,
          target ? `no technical asset has id \`${target}\`; this link is left out` : 'a link without a `target` is left out');
        continue;
      }
      if (to === from) {
        src.problem('warning', 'self-flow', l.offset, l.path, `a link from \`${from.id}\` to itself is left out`);
        continue;
      }
      const tgId = `${from.tgId}>${slug(l.key)}`;
      const carriedKey = ours.flows.has(tgId) ? tgId : renamed.get(tgId);
      const c = carriedKey === undefined ? undefined : ours.flows.get(carriedKey);
      const f: FlowOut = {
        from: from.id, to: to.id, line: line(l.offset), title: l.key, name: carriedName(l.key, c), protocol: 'tcp', controls: [...(c?.controls ?? [])],
        data: [], notes: [], description: carriedText(p.description, c?.description), tgId, ...(c ? { carried: c, carriedKey } : {}),
      };
      if (c?.id !== undefined) f.id = modelId(c.id, l.key, 'flow', taken);
      if (c?.credential !== undefined) f.credential = c.credential;
      if (c?.endpoint !== undefined) f.calls = { key: c.endpoint, offset: l.offset, path: l.path };
      if (c?.port !== undefined) f.port = c.port;
      const proto = str(p.protocol);
      const mapped = lookup(PROTOCOL, proto);
      const exact = c ? carriedProtocol(c, proto) : undefined;
      if (exact) {
        f.protocol = exact.protocol;
        if (exact.encrypted !== undefined) f.encrypted = exact.encrypted;
      } else if (mapped) {
        f.protocol = mapped.protocol;
        if (mapped.encrypted) f.encrypted = true;
        if (mapped.note) f.notes.push(`protocol "${proto}": no catalog protocol; ${mapped.protocol} is the nearest`);
      } else {
        const pa = fieldAt(l, 'protocol');
        src.problem('warning', 'unknown-value', pa.offset, pa.path, `protocol \`${proto ?? ''}\` is not one of Threagile's; unencrypted tcp assumed`);
        f.notes.push('protocol unknown: unencrypted tcp assumed');
      }
      const authText = str(p.authentication);
      // Ours: the auth it had (none where not carried), while Threagile's authentication is still what it made of it.
      const ourAuth = c ? { auth: c.auth ?? 'none', wrote: authenticationOf({ auth: (c.auth ?? 'none') as AuthMethod, protocol: f.protocol, controls: f.controls }) } : undefined;
      if (ourAuth && ourAuth.wrote === authText) f.auth = ourAuth.auth;
      else if (authText && Object.hasOwn(AUTH, authText)) {
        f.auth = authOver(authText, f.protocol, from);
        if (authText === 'token') f.notes.push('Threagile says token; set jwt if it is one');
        if (authText === 'two-factor' && !f.controls.includes('mfa')) f.controls.push('mfa');
        // A second factor taken away in Threagile.
        if (ourAuth?.wrote === 'two-factor' && authText !== 'two-factor') f.controls = f.controls.filter((x) => x !== 'mfa');
        if (authText === 'externalized') f.notes.push('authentication externalized in Threagile (another party authenticates): set `auth`');
      } else if (authText) {
        const aa = fieldAt(l, 'authentication');
        src.problem('warning', 'unknown-value', aa.offset, aa.path, `authentication \`${authText}\` is not one of Threagile's; left out`, { expected: Object.keys(AUTH).join(', ') });
      }
      // vpn: the link runs through a VPN; ip_filtered: only listed addresses may connect. Both catalog controls,
      // as the flags now say (ours may have had them).
      for (const [flag, control] of [['vpn', 'vpn'], ['ip_filtered', 'ip-allowlist']] as const) {
        if (p[flag] === true && !f.controls.includes(control)) f.controls.push(control);
        else if (p[flag] !== true && f.controls.includes(control)) f.controls = f.controls.filter((x) => x !== control);
      }
      // A Threagile link is one connection opened by its source; what it receives is the response. threatmap's
      // flow is that connection and its data what travels on it either way, so sent and received data are one
      // list on the one flow: a reverse flow would claim the target opens connections to the source.
      f.data = [...new Set([...assetRefs(strings(p.data_assets_sent), l, 'data_assets_sent'), ...assetRefs(strings(p.data_assets_received), l, 'data_assets_received')])];
      // The model has no read-only flag: said in the comment, for a reviewer weighing tampering threats.
      if (p.readonly === true) f.notes.push('readonly in Threagile: the source only reads');
      flows.push(f);
    }
  });
  // Ours in the model's order (the file keeps each link in its source); links added in Threagile after them.
  if (ours.flowOrder.length) {
    const rank = new Map(ours.flowOrder.map((key, i) => [key, i]));
    const ranked = flows.map((f, i) => ({ f, r: rank.get(f.carriedKey ?? '') ?? ours.flowOrder.length + i }));
    flows.splice(0, flows.length, ...ranked.sort((a, b) => a.r - b.r).map((x) => x.f));
  }
  // Two links between one pair: one keeps the default id (`a->b`): ours that had it, else the first; the others get ids of their own.
  const pairs = new Map<string, FlowOut[]>();
  for (const f of flows) {
    const pair = `${f.from}\u0000${f.to}`;
    pairs.set(pair, [...(pairs.get(pair) ?? []), f]);
  }
  for (const group of pairs.values()) {
    const keeper = group.find((f) => f.carried && f.id === undefined) ?? group.find((f) => f.id === undefined);
    for (const f of group) if (f !== keeper && f.id === undefined) f.id = modelId('', f.title, 'flow', taken);
  }
  placeEndpoints(elements, flows, src);

  // External entities outside every boundary, and assets Threagile puts on the internet that no boundary
  // holds, are outside the system: one untrusted boundary, `outside`, so that threatmap sees the flows
  // that cross into it. Processes and stores in no boundary otherwise stay in none (the internal default).
  // An element of ours in no boundary was in none in threatmap either.
  const outside = elements.filter((e) => !e.carried && !e.in && (e.kind === 'external' || e.internet));
  let outsideId: string | undefined;
  if (outside.length) {
    outsideId = modelId('outside', undefined, 'outside', taken);
    for (const e of outside) e.in = outsideId;
    notes.push(`${outside.map((e) => e.id).join(', ')}: in no trust boundary; placed in \`${outsideId}\` (untrusted) as external entities or on the internet; check it`);
  }
  for (const e of elements) if (e.carried) e.exposed = exposedOf(e, e.carried, boundaries.find((b) => b.id === e.in)?.trust);
  const unplaced = elements.filter((e) => !e.in).length;
  if (unplaced) notes.push(`${unplaced} element${unplaced === 1 ? '' : 's'} in no boundary (threatmap's internal default)`);
  for (const e of elements) for (const n of e.notes) notes.push(`${e.id}: ${n}`);

  const runtimeRecords = records(get(top, 'shared_runtimes'), 'shared runtimes');
  const sharedRuntimes = runtimeRecords.map((r) => {
    const running = strings(r.plain.technical_assets_running);
    return `${r.key}${running.length ? ` (runs ${running.join(', ')})` : ''}`;
  });
  // risk_tracking: each entry may decide risks identified by hand (below); the others are listed only.
  const tracking: Tracking[] = records(get(top, 'risk_tracking'), 'risk tracking entries').map((r) => ({
    id: r.key, status: str(r.plain.status) ?? 'no status', matches: 0, plain: r.plain, statusAt: fieldAt(r, 'status'), decided: 0, controlled: 0,
  }));

  // individual_risk_categories -> threats: each identified risk on what it names, with its tracked decision.
  const written: WrittenOut[] = [];
  const rederived: ImportedDecision[] = [];
  let exportedRisks = 0;
  const flowByTg = new Map(flows.map((f) => [f.tgId, f] as const));
  // Risks of threatmap's own threats, exported: decided once all are read (several may share one tracking entry).
  const pending: PendingRisk[] = [];
  // The threats the export held: each risk's, and those our section carries (a risk deleted in Threagile is still one).
  const exportedUids = new Set<string>([...ours.risks.keys(), ...[...ours.written.values()].flatMap((w) => w.targets.flatMap((t) => t.risk ?? []))]);
  /** Ours: each written threat once, with the risks of its targets. */
  const writtenOf = new Map<string, { threat: WrittenOut; risks: PendingRisk[] }>();
  for (const c of records(get(top, 'individual_risk_categories'), 'individual risk categories')) {
    const cp = c.plain;
    const categoryId = str(cp.id) ?? slug(c.key);
    // `threatmap analyze -f threagile` writes each rule as a category (`threatmap rule <id>: ...` its detection
    // logic) and each threat as a risk titled with its stable id (src/render/threagile.ts).
    const exportedRule = EXPORTED_CATEGORY.exec(str(cp.detection_logic) ?? '')?.[1];
    let stride = strideOfWord(cp.stride);
    if (!stride) {
      const at = fieldAt(c, 'stride');
      src.problem('warning', 'unknown-value', at.offset, at.path,
        `individual risk category \`${c.key}\`: ${cp.stride === undefined ? 'no `stride`' : `stride \`${str(cp.stride) ?? ''}\` is not one of Threagile's`}; its risks are written as T (tampering): correct them`,
        { expected: 'spoofing, tampering, repudiation, information-disclosure, denial-of-service, elevation-of-privilege' });
      stride = 'T';
    }
    const cwe = str(cp.cwe);
    const references = [...(cwe && /^[1-9]\d*$/.test(cwe) ? [`CWE-${cwe}`] : []), ...[str(cp.asvs), str(cp.cheat_sheet)].filter((x): x is string => x !== undefined)];
    // A written threat exported without a description or mitigation carries the analysis' placeholders: not its own text.
    const description = exportedRule && str(cp.description) === NO_DESCRIPTION_WRITTEN ? undefined : str(cp.description);
    const mitigation = exportedRule && str(cp.mitigation) === NO_MITIGATION_WRITTEN ? undefined : str(cp.mitigation);
    const risksE = isMap(c.value) ? get(src.entries(c.value, c.path), 'risks_identified') : undefined;
    for (const r of records(risksE, 'identified risks')) {
      const p = r.plain;
      const field = (key: string) => str(p[key]);
      // Threagile's id for the risk: the category's, then each most relevant thing named, in its order.
      const syntheticId = [categoryId, ...['most_relevant_technical_asset', 'most_relevant_communication_link', 'most_relevant_trust_boundary',
        'most_relevant_shared_runtime', 'most_relevant_data_asset'].map(field).filter((x): x is string => x !== undefined)].join('@');
      const stable = exportedRule ? EXPORTED_RISK.exec(r.key) : null;
      if (stable) exportedUids.add(stable[1]);
      if (stable && exportedRule && !isWrittenRule(exportedRule)) {
        // One of threatmap's own, exported: analysis derives it again, so only its tracking comes back, by stable id.
        exportedRisks++;
        const link = field('most_relevant_communication_link');
        pending.push({
          uid: stable[1], rule: exportedRule, title: r.key.slice(0, stable.index), syntheticId, comment: [], written: false,
          ...(link !== undefined && !flowByTg.has(link) ? { lostLink: link } : {}),
        });
        continue;
      }
      const comment = [
        `${file}:${line(r.offset)} risk "${str(r.key) ?? r.key}" (${syntheticId}) of individual risk category "${c.key}"`,
        `Threagile: severity ${field('severity') ?? 'none'}, exploitation likelihood ${field('exploitation_likelihood') ?? 'none'}, impact ${field('exploitation_impact') ?? 'none'}`,
      ];
      const on = riskTarget(r, comment);
      const rating = riskRating(r);
      if (stable && exportedRule && ours.present) {
        // A threat written in a threatmap model, exported: one threat again, on each target it had.
        const carried = ours.risks.get(stable[1]);
        const target = endpointTarget(on, carried?.endpoint);
        const link = field('most_relevant_communication_link');
        const risk: PendingRisk = {
          uid: stable[1], rule: exportedRule, title: r.key.slice(0, stable.index), syntheticId, comment, written: true, target,
          rating: ratingAsWritten(rating, p, carried?.derived),
          ...(link !== undefined && !flowByTg.has(link) ? { lostLink: link } : {}),
          ...(carried?.endpoint !== undefined && target?.component !== `${on?.component}:${carried.endpoint}` ? { lostEndpoint: carried.endpoint } : {}),
        };
        pending.push(risk);
        const ct = ours.threats.get(categoryId);
        const group = writtenOf.get(exportedRule);
        if (group) group.risks.push(risk);
        else {
          const threat: WrittenOut = {
            wanted: exportedRule.slice(WRITTEN_RULE_PREFIX.length), title: risk.title, stride, on: [], comment,
            ...writtenTexts(description, mitigation, references, cp, ct),
          };
          writtenOf.set(exportedRule, { threat, risks: [risk] });
          written.push(threat);
        }
        continue;
      }
      const decision = trackedDecision(syntheticId, comment);
      // A risk a person identified in Threagile: its own title (the category's is shared by all its risks),
      // and the severity they stated, which the matrix would otherwise recompute from the two words.
      const stated = stable ? rating : ratingForSeverity(field('severity'), rating, comment);
      written.push({
        // A threat written in a threatmap model and exported comes back under its own id and title.
        wanted: stable && exportedRule ? exportedRule.slice(WRITTEN_RULE_PREFIX.length) : categoryId,
        title: stable ? r.key.slice(0, stable.index) : ownTitle(r.key) ?? c.key, stride, on: on ? [on] : [], comment,
        ...(description ? { description } : {}), ...stated, ...(mitigation ? { mitigation } : {}), ...(references.length ? { references } : {}),
        ...(decision ? { decision } : {}),
      });
    }
  }

  // shared_runtimes -> a written threat where one host runs assets of several trust zones (Threagile's
  // mixed-targets-on-shared-runtime). Not a boundary: an element is in one boundary, its network zone here,
  // and a host spanning zones cannot hold them without taking them out of their zones.
  // The walk from the outside is the same for every runtime: made once, and only if some runtime mixes zones.
  let hops: Map<string, number> | undefined;
  const hopsOnce = () => (hops ??= hopsFromOutside());
  const runtimeWritten = runtimeRecords.flatMap((r) => mixedRuntimeThreat(r, hopsOnce) ?? []);
  written.push(...runtimeWritten);
  const runtimeThreats = runtimeWritten.length;
  // Tracking of Threagile's own rules that says a control is in place everywhere: that control, as a fact.
  // Not in a file threatmap exported: its tracking is of threatmap's own threats, by stable id (decideExported).
  if (!ours.present) for (const t of tracking) if (t.matches === 0) writeTrackedControl(t, elements, flows);

  decideExported(pending);
  // A decision by the stable id of a threat on a renamed element: the threat's stable id now.
  const moved = movedComponents(movedIds, elements, flows);
  let rekeyedDecisions = 0;
  for (const r of pending) {
    if (r.written || !r.decision) continue;
    const key = rekeyed(r.rule, r.uid, moved);
    if (key !== r.uid) rekeyedDecisions++;
    rederived.push({ key, title: r.title, ...r.decision });
    if (r.lostLink !== undefined) {
      notes.push(`decision on "${r.title}" (${r.uid}, ${r.decision.status}): its communication link ${r.lostLink} is gone from the file;`
        + ' kept in the triage file, where `analyze` reports it stale if the threat went with the link');
    }
  }
  if (rekeyedDecisions) {
    notes.push(`${rekeyedDecisions} decision${rekeyedDecisions === 1 ? '' : 's'} on threatmap's own threats of ${[...movedIds.values()].map((id) => `\`${id}\``).join(', ')}`
      + ' written under the stable ids the threats have with the ids changed in Threagile');
  }
  for (const [ruleId, { threat, risks }] of writtenOf) finishWritten(threat, risks, ours.written.get(ruleId.slice(WRITTEN_RULE_PREFIX.length)));
  /** The ids of the model's written threats written back (the others were deleted in Threagile). */
  const writtenBack = new Set<string>();
  const threats = withCarriedThreats(written);
  const assumptions = ours.assumptions.map(assumptionOf);
  if (ours.rulesRefused) notes.push('the `rules:` section threatmap\'s section carried is not one a model accepts (edited since?): left out');

  /**
   * The threats to write: the model's written threats first, in its order, each as the file now has it (one
   * whose every risk was deleted in Threagile is gone; one the file never had a risk of, mitigated or ruled
   * out everywhere, comes back, as Threagile held nothing of it to delete), then the file's others.
   */
  function withCarriedThreats(all: readonly WrittenOut[]): WrittenOut[] {
    const ordered: WrittenOut[] = [];
    for (const [id, c] of ours.written) {
      const group = writtenOf.get(writtenRuleId(id));
      if (group) ordered.push(group.threat);
      else if (c.targets.some((t) => t.risk !== undefined)) notes.push(`written threat \`${id}\`: its risks were deleted in Threagile; left out`);
      else {
        const t = unreportedThreat(id, c);
        if (t) ordered.push(t);
      }
    }
    for (const t of ordered) writtenBack.add(t.wanted);
    return [...ordered, ...all.filter((t) => !ordered.includes(t))];
  }

  /** A written threat the file has no risk of, as our section carries it, on what the file still has of its targets. */
  function unreportedThreat(id: string, c: CarriedWrittenThreat): WrittenOut | undefined {
    if (!c.title || c.stride === undefined) {
      notes.push(`written threat \`${id}\`: threatmap's section has no title or STRIDE for it; left out`);
      return undefined;
    }
    const comment = [`threatmap's section: threat ${id} as written in the model; no risk in Threagile (mitigated or ruled out wherever it is, when exported)`];
    const on: ImportedTarget[] = [];
    const gone: CarriedTarget[] = [];
    for (const t of c.targets) {
      const target = carriedTarget(t);
      if (target) on.push(target);
      else {
        comment.push(`no longer on ${describeTarget(t)}: gone from the file`);
        gone.push(t);
      }
    }
    if (c.targets.length && !on.length) {
      notes.push(`written threat \`${id}\`: all it was on is gone from the file; left out`);
      return undefined;
    }
    for (const t of gone) notes.push(goneTargetNote(id, t));
    return defined({
      wanted: id, title: c.title, stride: c.stride, on, comment, description: c.description, likelihood: c.likelihood, impact: c.impact,
      mitigation: c.mitigation, references: c.references, mitigatedBy: c.mitigated_by,
    });
  }

  /**
   * A written threat's targets as its model wrote them, in its order: where the export had a risk, that
   * risk as the file now has it (its place, its decision), none where it was deleted in Threagile; where it
   * had none (mitigated or ruled out there), the target as carried while the file still has it. Risks of
   * the threat beyond those (copied in Threagile) after them.
   */
  function targetsAsWritten(threat: WrittenOut, risks: readonly PendingRisk[], c: CarriedWrittenThreat): ImportedTarget[] {
    const on: ImportedTarget[] = [];
    const add = (target: ImportedTarget, decision: ImportedDecisionFields | undefined) => {
      if (!on.some((o) => o.component === target.component)) on.push({ ...target, ...(decision ? { decision } : {}) });
    };
    const used = new Set<PendingRisk>();
    for (const t of c.targets) {
      const risk = t.risk === undefined ? undefined : risks.find((r) => r.uid === t.risk);
      if (risk) used.add(risk);
      const target = risk ? placedRisk(t, risk) : t.risk === undefined ? carriedTarget(t) : undefined;
      if (risk) noteMoved(threat.wanted, t, risk, target);
      if (target) add(target, risk?.decision);
      else {
        threat.comment.push(`no longer on ${describeTarget(t)}: ${t.risk === undefined || risk ? 'gone from the file' : `its risk ${t.risk} was deleted in Threagile`}`);
        if (t.risk === undefined) notes.push(goneTargetNote(threat.wanted, t));
      }
    }
    for (const r of risks) if (!used.has(r)) add(r.target ?? SYSTEM_TARGET, r.decision);
    return on;
  }

  /**
   * A written threat's target whose risk the file places elsewhere, said in the summary: what it was on is
   * gone from the file (a communication link deleted in Threagile: its risk falls back to the link's source),
   * or the risk was moved there in Threagile; or, placed nowhere, why it is no longer on it.
   */
  function noteMoved(id: string, t: CarriedTarget, risk: PendingRisk, target: ImportedTarget | undefined): void {
    const was = carriedTarget(t);
    if (was && target && was.component === target.component) return;
    const decided = risk.decision ? `, with its decision (${risk.decision.status})` : '';
    if (was) {
      notes.push(`written threat \`${id}\`: its risk ${risk.uid} was moved in Threagile from \`${was.ref}\` to ${target ? `\`${target.ref}\`${decided}` : 'nothing the model has; left out there'}`);
      return;
    }
    notes.push(`written threat \`${id}\`: ${describeTarget(t)} is gone from the file; ${target
      ? `its risk ${risk.uid} is now on \`${target.ref}\`, where the risk places it${decided}`
      : `its risk ${risk.uid} names nothing else the model has, so it is no longer on it${risk.decision ? ` (its decision, ${risk.decision.status}, left out)` : ''}`}`);
  }

  /** A risk of a written threat whose link or endpoint is gone from the file, now on what else the risk names. */
  function noteFallback(id: string, r: PendingRisk): void {
    const now = r.target ? `\`${r.target.ref}\`` : 'the whole system';
    const decided = r.decision ? `, with its decision (${r.decision.status})` : '';
    if (r.lostLink !== undefined) notes.push(`written threat \`${id}\`: communication link ${r.lostLink} is gone from the file; its risk ${r.uid} is now on ${now}, where the risk places it${decided}`);
    else if (r.lostEndpoint !== undefined) notes.push(`written threat \`${id}\`: endpoint ${r.lostEndpoint} is gone from the file; its risk ${r.uid} is now on ${now}${decided}`);
  }

  /**
   * Where a risk of a written threat is now: where the file places it; placed nowhere, on the system when
   * it was, or when the file still has its target (moved there in Threagile), else gone with its target.
   */
  function placedRisk(t: CarriedTarget, risk: PendingRisk): ImportedTarget | undefined {
    return risk.target ?? (t.system === true || carriedTarget(t) ? SYSTEM_TARGET : undefined);
  }

  /** One target of a written threat, carried, in the model as imported; undefined when the file no longer has it. */
  function carriedTarget(t: CarriedTarget): ImportedTarget | undefined {
    if (t.system === true) return SYSTEM_TARGET;
    if (t.communication_link !== undefined) {
      const f = flows.find((x) => x.carriedKey === t.communication_link);
      return f && flowTarget(f, flows);
    }
    if (t.trust_boundary !== undefined) {
      const b = boundaryByTg.get(t.trust_boundary);
      return b && { ref: b.id, component: b.id };
    }
    const e = t.technical_asset === undefined ? undefined : byTg.get(t.technical_asset);
    if (!e || t.endpoint === undefined) return e && { ref: e.id, component: e.id };
    return e.endpoints?.some((ep) => ep.key === t.endpoint) ? { ref: `${e.id}:${t.endpoint}`, component: `${e.id}:${t.endpoint}` } : undefined;
  }

  /**
   * An assumption of the model, its elements by their ids here. One whose elements are all gone from the
   * file keeps its text only: its rules would otherwise hold everywhere. A written threat of the model
   * not written back (deleted in Threagile) is no rule any more: naming it would warn on load (as Threat
   * Dragon's import, keptAssumptions).
   */
  function assumptionOf(a: CarriedAssumption): string | CarriedAssumption {
    const listed = a.elements ?? [];
    const elements = listed.flatMap((tg) => byTg.get(tg)?.id ?? []);
    const gone = listed.filter((tg) => !byTg.has(tg));
    const nowhere = listed.length > 0 && elements.length === 0;
    if (gone.length) notes.push(`assumption "${a.text}": ${gone.join(', ')} gone from the file${nowhere ? '; kept as text, ruling nothing out' : ''}`);
    const deleted = (rule: string) => {
      const id = isWrittenRule(rule) ? rule.slice(WRITTEN_RULE_PREFIX.length) : undefined;
      return id !== undefined && ours.written.has(id) && !writtenBack.has(id);
    };
    const lostRules = nowhere ? [] : (a.rules ?? []).filter(deleted);
    if (lostRules.length) notes.push(`assumption "${a.text}": ${lostRules.map((id) => `\`${id}\``).join(', ')} no longer in the file: left out`);
    const rules = nowhere ? [] : (a.rules ?? []).filter((id) => !deleted(id));
    return rules.length || elements.length ? defined({ text: a.text, rules: rules.length ? rules : undefined, elements: elements.length ? elements : undefined }) : a.text;
  }

  /**
   * The decisions on threatmap's threats, exported. Where our section has a risk's own decision, or several
   * risks share one tracking entry, each one's decision comes from our section, while the entry is still
   * the one the export wrote from them; an entry changed (or added, or removed) in Threagile decides them all.
   * Otherwise the entry is read as Threagile's.
   */
  function decideExported(risks: readonly PendingRisk[]): void {
    const groups = new Map<string, PendingRisk[]>();
    for (const r of risks) groups.set(r.syntheticId, [...(groups.get(r.syntheticId) ?? []), r]);
    /** Each entry that decided threatmap's threats as Threagile's (changed there, or added), with them and the fields changed there (shared entries). */
    const covered = new Map<Tracking, { risks: PendingRisk[]; changed?: string[] }>();
    const cover = (entry: Tracking | undefined, group: readonly PendingRisk[], changed?: string[]) => {
      if (!entry) return;
      const seen = covered.get(entry);
      if (seen) seen.risks.push(...group);
      else covered.set(entry, { risks: [...group], ...(changed ? { changed } : {}) });
    };
    for (const [syntheticId, group] of groups) {
      const carried = group.map((r) => ours.risks.get(r.uid)?.decision);
      const entry = trackingEntry(syntheticId).entry;
      if (ours.present && (group.length > 1 || carried.some((d) => d !== undefined))) {
        const expected = trackingOf(group.map((r, i) => ({ uid: r.uid, decision: carried[i] })));
        if (sameTracking(expected, entry)) {
          if (entry) entry.matches += group.length;
          group.forEach((r, i) => {
            if (entry) r.comment.push(`tracked in Threagile as ${entry.id}: ${entry.status}; its own decision from threatmap's section`);
            if (carried[i]) r.decision = triageDecision(carried[i]);
          });
          continue;
        }
        // The one entry the export wrote for several threats, changed in Threagile: what changed there holds for
        // each, the rest stays each one's. An entry of wildcards is a person's own, read as Threagile's (below).
        if (entry?.id === syntheticId && group.length > 1) {
          cover(entry, group, decideShared(entry, expected, group, carried));
          continue;
        }
      }
      for (const r of group) r.decision = madeHere(r, trackedDecision(syntheticId, r.comment));
      cover(entry, group);
    }
    for (const [entry, { risks: list, changed }] of covered) if (list.length > 1) notes.push(coveredNote(entry, list, changed));
  }

  /** A decision read from a risk's tracking entry, with what it was made for: the threat as exported (scoped). */
  function madeHere(r: PendingRisk, d: ImportedDecisionFields | undefined): ImportedDecisionFields | undefined {
    return d && scoped(d, ours.risks.get(r.uid)?.scope);
  }

  /**
   * The threats of one shared tracking entry (one risk id for several threats: two endpoints of one element,
   * found by one rule) after someone changed the entry in Threagile. A status changed there is a new decision
   * on them all, the entry's: its status, ticket and checked_by, its justification unless that is still the
   * export's list of the old decisions, and its `date` (when it was checked); the old decisions' dates go with
   * them. Otherwise each field changed there (the justification, the ticket, checked_by) is each threat's, and
   * each keeps the rest of its own decision from our section, as the entry was written from them. The fields
   * changed, for the note.
   */
  function decideShared(entry: Tracking, expected: ThreagileRiskTracking | undefined, group: readonly PendingRisk[], carried: ReadonlyArray<CarriedDecision | undefined>): string[] {
    const changed = (k: keyof ThreagileRiskTracking) => trackingText(entry.plain[k]) !== expected?.[k];
    const statusChanged = changed('status');
    const status = statusChanged ? trackedStatus(entry) : undefined;
    const justification = changed('justification') ? str(entry.plain.justification) : undefined;
    const checked = dateText(entry.plain.date);
    const reason = (said: string) => `${said}${checked ? ` (checked ${checked})` : ''}`;
    group.forEach((r, i) => {
      entry.matches++;
      r.comment.push(`tracked in Threagile as ${entry.id}: ${entry.status}; one entry for ${group.length} threats, changed in Threagile: what changed there is this threat's too`);
      if (statusChanged) {
        r.decision = madeHere(r, status && defined({
          status, reason: reason(justification ?? `marked ${entry.status} in Threagile's risk tracking`), owner: str(entry.plain.checked_by), ticket: str(entry.plain.ticket),
        }));
        return;
      }
      const own = (carried[i] && triageDecision(carried[i])) ?? { status: 'open' as const };
      const decision = defined({
        ...own, reason: justification === undefined ? own.reason : reason(justification),
        owner: changed('checked_by') ? str(entry.plain.checked_by) : own.owner, ticket: changed('ticket') ? str(entry.plain.ticket) : own.ticket,
      });
      // A threat nobody decided, given nothing by the entry (its fields only cleared), stays undecided.
      r.decision = carried[i] === undefined && Object.keys(decision).length === 1 ? undefined : decision;
    });
    const fields = (['status', 'justification', 'ticket', 'checked_by'] as const).filter(changed);
    return checked ? [...fields, 'date'] : [...fields];
  }

  /**
   * A written threat of ours on all its targets, each with its decision (as the model wrote them where our
   * section carries it); ratings the model left to the analysis left out again.
   */
  function finishWritten(threat: WrittenOut, risks: readonly PendingRisk[], carried: CarriedWrittenThreat | undefined): void {
    const [first] = risks;
    for (const r of risks.slice(1)) threat.comment.push(...r.comment);
    if (carried) {
      threat.on = targetsAsWritten(threat, risks, carried);
      if (carried.mitigated_by) threat.mitigatedBy = carried.mitigated_by;
    } else if (risks.length === 1 && !first.target) {
      threat.on = [];
      if (first.decision) threat.decision = first.decision;
    } else threat.on = risks.map((r) => ({ ...(r.target ?? SYSTEM_TARGET), ...(r.decision ? { decision: r.decision } : {}) }));
    // Without what it was on as written (an export with no model), where a risk's place is gone is said here.
    if (!carried) for (const r of risks) noteFallback(threat.wanted, r);
    for (const key of ['likelihood', 'impact'] as const) {
      const levels = risks.map((r) => r.rating?.[key]);
      const level = levels.find((l) => l !== undefined);
      if (level === undefined) continue;
      threat[key] = level;
      if (levels.some((l) => l !== level)) threat.comment.push(`${key} differs between its targets in Threagile: ${level} for all`);
    }
  }

  /** A written threat's endpoint, from our section, while the risk is still on the endpoint's element. */
  function endpointTarget(on: ImportedTarget | undefined, key: string | undefined): ImportedTarget | undefined {
    if (on === undefined || key === undefined) return on;
    const element = elements.find((e) => e.id === on.component);
    if (!element?.endpoints?.some((ep) => ep.key === key)) return on;
    return { ref: `${element.id}:${key}`, component: `${element.id}:${key}` };
  }

  /**
   * The one thing a risk is on: its most relevant communication link (the narrowest: one connection), else
   * technical asset, else trust boundary, else the whole system. What else it names is said in the comment.
   */
  function riskTarget(r: Entry & { plain: Plain }, comment: string[]): ImportedTarget | undefined {
    const ref = (key: string) => str(r.plain[key]);
    const named: Array<{ key: string; what: string; id: string; target?: ImportedTarget }> = [];
    const link = ref('most_relevant_communication_link');
    const flow = link === undefined ? undefined : flowByTg.get(link);
    if (link) named.push({ key: 'most_relevant_communication_link', what: 'communication link', id: link, ...(flow ? { target: flowTarget(flow, flows) } : {}) });
    const asset = ref('most_relevant_technical_asset');
    const element = asset === undefined ? undefined : byTg.get(asset);
    if (asset) named.push({ key: 'most_relevant_technical_asset', what: 'technical asset', id: asset, ...(element ? { target: { ref: element.id, component: element.id } } : {}) });
    const boundaryTg = ref('most_relevant_trust_boundary');
    const boundary = boundaryTg === undefined ? undefined : boundaryByTg.get(boundaryTg);
    if (boundaryTg) named.push({ key: 'most_relevant_trust_boundary', what: 'trust boundary', id: boundaryTg, ...(boundary ? { target: { ref: boundary.id, component: boundary.id } } : {}) });
    for (const n of named) {
      if (n.target) continue;
      const at = fieldAt(r, n.key);
      src.problem('warning', 'unknown-reference', at.offset, at.path, `no ${n.what} has id \`${n.id}\`; the risk is not placed on it`);
    }
    const chosen = named.find((n) => n.target);
    const others = named.filter((n) => n !== chosen && n.target).map((n) => `${n.what} ${n.id}`);
    const elsewhere = [['most_relevant_shared_runtime', 'shared runtime'], ['most_relevant_data_asset', 'data asset']]
      .filter(([key]) => ref(key)).map(([key, what]) => `${what} ${ref(key)}`);
    const missing = named.filter((n) => !n.target).map((n) => `${n.what} ${n.id}`);
    if (!chosen) comment.push('names no technical asset, link or trust boundary of the model: on the whole system');
    else if (missing.length) comment.push(`names ${missing.join(' and ')}, not in the file: on ${chosen.what} ${chosen.id} instead`);
    if (others.length) comment.push(`also names ${others.join(' and ')}: the narrower one is its target`);
    if (elsewhere.length) comment.push(`also names ${elsewhere.join(' and ')}: not something a threatmap threat is on`);
    return chosen?.target;
  }

  /**
   * The zone an element sits in: its nearest enclosing boundary that is not an execution environment (a
   * container boundary isolates execution, not a network), `outside` for the untrusted zone made above.
   */
  function zoneOf(e: ElementOut): { id: string; trust: TrustLevel } | undefined {
    const seen = new Set<string>();
    for (let id = e.in; id !== undefined && !seen.has(id);) {
      seen.add(id);
      if (id === outsideId) return { id, trust: 'untrusted' };
      const b = boundaries.find((x) => x.id === id);
      if (!b) return undefined;
      if (b.kind !== 'container') return { id: b.id, trust: b.trust };
      id = b.in;
    }
    return undefined;
  }

  /** How many flows each element is from an untrusted zone or the internet (those 0); unreached ones absent. */
  // A breadth-first walk: one pass over the flows per step away from the outside.
  function hopsFromOutside(): Map<string, number> {
    const hops = new Map(elements.filter((e) => e.internet || e.exposed || zoneOf(e)?.trust === 'untrusted').map((e): [string, number] => [e.id, 0]));
    for (let frontier = new Set(hops.keys()); frontier.size > 0;) {
      const next = new Set<string>();
      for (const f of flows) {
        if (!frontier.has(f.from) || hops.has(f.to)) continue;
        hops.set(f.to, (hops.get(f.from) ?? 0) + 1);
        next.add(f.to);
      }
      frontier = next;
    }
    return hops;
  }

  /**
   * A shared runtime whose technical assets sit in different zones: a VM or hypervisor escape from the most
   * exposed of them reaches the others past the zones between them. Rated as Threagile rates it: unlikely
   * (an escape takes a hypervisor exploit), the impact what the others hold. Undefined when all share a zone.
   */
  function mixedRuntimeThreat(r: Entry & { plain: Plain }, hopsOnce: () => Map<string, number>): WrittenOut | undefined {
    const running = strings(r.plain.technical_assets_running).flatMap((id) => byTg.get(id) ?? []);
    const zones = new Map(running.map((e) => [e, zoneOf(e)] as const));
    if (new Set([...zones.values()].map((z) => z?.id)).size < 2) return undefined;
    // The exposed one: the fewest flows away from the outside, then in the least trusted zone; it and the
    // others of its zone are where an attacker lands, the rest what the escape reaches.
    const hops = hopsOnce();
    const exposure = (e: ElementOut) => [hops.get(e.id) ?? Infinity, TRUST_LEVELS.indexOf(zones.get(e)?.trust ?? 'internal')];
    const [first] = [...running].sort((a, b) => exposure(a)[0] - exposure(b)[0] || exposure(a)[1] - exposure(b)[1]);
    const exposed = running.filter((e) => zones.get(e)?.id === zones.get(first)?.id);
    const others = running.filter((e) => !exposed.includes(e));
    const named = (list: readonly ElementOut[]) => list.map((e) => `${e.name} (${zones.get(e)?.id ?? 'no zone'})`).join(', ');
    const at = others.flatMap((e) => [...e.handles, ...e.stores]);
    const impact: Level = assets.some((a) => at.includes(a.id) && (a.v.classification === 'restricted' || a.v.confidentiality === 'high' || a.v.integrity === 'high')) ? 'high' : 'medium';
    const tgId = str(r.plain.id) ?? slug(r.key);
    const comment = [`${file}:${line(r.offset)} shared runtime ${tgId}: its technical assets sit in different trust zones (Threagile's mixed-targets-on-shared-runtime)`];
    const decision = trackedDecision(`mixed-targets-on-shared-runtime@${tgId}`, comment);
    return {
      wanted: 'mixed-targets-on-shared-runtime', title: `Mixed targets on shared runtime ${r.key}`, stride: 'E',
      on: exposed.map((e) => ({ ref: e.id, component: e.id })), comment,
      description: `${named(exposed)} run${exposed.length === 1 ? 's' : ''} on the shared runtime "${r.key}" with ${named(others)}: a VM or hypervisor`
        + ' escape from the exposed one reaches the others, past the trust boundaries between them.',
      likelihood: 'low', impact,
      mitigation: 'Run assets of different trust zones on separate hosts or hypervisor clusters (at least separate VM pools), keep the hypervisor patched and hardened, and watch for escapes.',
      references: ['CWE-653'],
      ...(decision ? { decision } : {}),
    };
  }

  /** Exploitation likelihood and impact, each in three levels; an unknown word is warned about and left out (rated from the model). */
  function riskRating(r: Entry & { plain: Plain }): Pick<ImportedThreat, 'likelihood' | 'impact'> {
    const out: Pick<ImportedThreat, 'likelihood' | 'impact'> = {};
    for (const [key, table, field] of [['exploitation_likelihood', LIKELIHOOD, 'likelihood'], ['exploitation_impact', IMPACT, 'impact']] as const) {
      const word = str(r.plain[key]);
      const level = lookup(table, word);
      if (level) out[field] = level;
      else if (word) {
        const at = fieldAt(r, key);
        src.problem('warning', 'unknown-value', at.offset, at.path, `${key} \`${word}\` is not one of Threagile's; left out (rated from the model)`, { expected: Object.keys(table).join(', ') });
      }
    }
    return out;
  }

  /**
   * The decision risk tracking holds for a risk: the entry of its very id, else the first entry whose
   * wildcards match it (Threagile's own precedence: a direct entry wins over wildcards).
   */
  function trackingEntry(syntheticId: string): { entry?: Tracking; wild: Tracking[] } {
    const direct = tracking.find((t) => t.id === syntheticId);
    const wild = direct ? [] : tracking.filter((t) => t.id.includes('*') && wildcardMatch(t.id, syntheticId));
    return { entry: direct ?? wild[0], wild };
  }

  /** That entry's decision for a risk, said in its comment; counted as one of the risks it tracks. */
  function trackedDecision(syntheticId: string, comment: string[]): ImportedDecisionFields | undefined {
    const { entry, wild } = trackingEntry(syntheticId);
    if (!entry) return undefined;
    entry.matches++;
    comment.push(`tracked in Threagile as ${entry.id}: ${entry.status}${wild.length > 1 ? ` (also matched by ${wild.slice(1).map((t) => t.id).join(', ')}; the first one applies)` : ''}`);
    const status = trackedStatus(entry);
    if (status === undefined) return undefined;
    const justification = str(entry.plain.justification);
    const ticket = str(entry.plain.ticket);
    const owner = str(entry.plain.checked_by);
    const checked = dateText(entry.plain.date);
    return {
      status, reason: `${justification ?? `marked ${entry.status} in Threagile's risk tracking`}${checked ? ` (checked ${checked})` : ''}`,
      ...(ticket ? { ticket } : {}), ...(owner ? { owner } : {}),
    };
  }

  /** An entry's status as a triage status; undefined for `unchecked` (it decides nothing), and for a word Threagile does not have, with a warning. */
  function trackedStatus(entry: Tracking): TriageStatus | undefined {
    const status = lookup(TRACKING, entry.status);
    if (status === undefined && !Object.hasOwn(TRACKING, entry.status)) {
      src.problem('warning', 'unknown-value', entry.statusAt.offset, entry.statusAt.path, `risk tracking status \`${entry.status}\` is not one of Threagile's; no decision imported`,
        { expected: Object.keys(TRACKING).join(', ') });
    }
    return status;
  }

  const trackingNotes = (): ThreagileRiskNote[] => tracking.map((t) => defined({
    id: t.id, status: t.status, matches: t.matches, decided: t.decided || undefined, controlled: t.controlled || undefined,
  }));
  let riskTracking = trackingNotes();
  const summary: ThreagileImportSummary = {
    version, system: systemName, elements: elements.length, flows: flows.length, boundaries: boundaries.length + (outsideId ? 1 : 0),
    assets: assets.length, sharedRuntimes, riskTracking, individualRisks: written.length - runtimeThreats, written: threats.length, exportedRisks, ...(ours.present ? { threatmapSection: true as const } : {}), notes,
    ...(exportedUids.size ? { exportedUids: uidList(exportedUids) } : {}),
  };
  if (hasError(src.diagnostics)) return done();
  const parts = (): Parts => ({
    file, version, system, assets, elements, boundaries, outsideId, flows, sharedRuntimes, riskTracking, written: threats, exportedRisks, notes, ours: ours.present,
    carriedOnly: threats.filter((t) => !written.includes(t)).length, runtimeThreats, assumptions, ...(ours.rules ? { rules: ours.rules } : {}),
  });
  let { text: modelText, decisions } = writeModel(parts(), options);
  // Threagile's own rules' tracking, on the threats the model as written gives: its header then says which entries decided some.
  const ruleDecisions = ours.present ? [] : ruleTrackingDecisions(modelText, file, tracking, { elements, flows, boundaries });
  if (ruleDecisions.length) {
    summary.riskTracking = riskTracking = trackingNotes();
    ({ text: modelText, decisions } = writeModel(parts(), options));
  }
  const all = [...decisions, ...rederived, ...ruleDecisions];
  const triage = importedTriage([
    `Decisions imported by \`threatmap import\` from ${file} (${THREAGILE_FORMAT} ${version}): the risk tracking of the risks it identifies`,
    'by hand (individual_risk_categories), matched by Threagile\'s risk ids. They apply to the threats of the same keys in the model\'s',
    '`threats:` section, or, for threatmap\'s own threats exported earlier, to the threats of the same stable ids. The tracking of',
    'Threagile\'s own rules is a decision on threatmap\'s threats of the same kind (ldap-injection, unencrypted-communication...);',
    'the rest is listed in the model\'s header only.',
  ], all);
  return { text: modelText, ...(triage ? { triage } : {}), diagnostics: sortDiagnostics(src.diagnostics), summary };
}

type Ratings = Pick<ImportedThreat, 'likelihood' | 'impact'>;

/** Threagile's severity as our risk: its five words in our four, elevated (between medium and high) as High. */
const SEVERITY: Record<string, Risk> = { low: 'Low', medium: 'Medium', elevated: 'High', high: 'High', critical: 'Critical' };
const RATING_OF: Record<Level, Rating> = { low: 'Low', medium: 'Medium', high: 'High' };

/**
 * Likelihood and impact that give the severity a person stated in Threagile through our matrix
 * (src/analysis/risk.ts): Threagile's severity is not the product of its two words, so taken alone they
 * may invert it (critical shown Medium). The pair nearest Threagile's own words, impact kept where it can
 * be (it says what is at stake), with a note when either word moves. No severity, or an unknown one: the
 * words as they are.
 */
function ratingForSeverity(severity: string | undefined, rating: Ratings, comment: string[]): Ratings {
  const target = lookup(SEVERITY, severity);
  if (target === undefined) return rating;
  const [l0, i0] = [rating.likelihood ?? 'medium', rating.impact ?? 'medium'];
  if (riskOf(RATING_OF[l0], RATING_OF[i0]) === target) return rating;
  const rank = (l: Level) => LEVELS.indexOf(l);
  const pairs = LEVELS.flatMap((likelihood) => LEVELS.map((impact) => ({ likelihood, impact })))
    .filter((p) => riskOf(RATING_OF[p.likelihood], RATING_OF[p.impact]) === target);
  const cost = (p: { likelihood: Level; impact: Level }) => [Math.abs(rank(p.likelihood) - rank(l0)) + Math.abs(rank(p.impact) - rank(i0)), Math.abs(rank(p.impact) - rank(i0))];
  const [best] = pairs.sort((a, b) => cost(a)[0] - cost(b)[0] || cost(a)[1] - cost(b)[1]);
  comment.push(`likelihood ${best.likelihood} and impact ${best.impact}: the ones nearest Threagile's that give its severity ${severity} (${target}) here`);
  return best;
}

/** A threat for the model's `threats:` section; one of ours also with its mitigating controls, which no other tool's file states. */
type WrittenOut = ImportedThreat & { mitigatedBy?: string[] };

/** The object without its undefined fields. */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** A target of a written threat that had no risk there (mitigated or ruled out when exported) and is gone from the file: said, as nothing else shows it. */
const goneTargetNote = (id: string, t: CarriedTarget): string =>
  `written threat \`${id}\`: ${describeTarget(t)} is gone from the file (deleted in Threagile); no longer on it`;

/** A carried target in words, for a comment. */
function describeTarget(t: CarriedTarget): string {
  if (t.system === true) return 'the system';
  if (t.communication_link !== undefined) return `communication link ${t.communication_link}`;
  if (t.trust_boundary !== undefined) return `trust boundary ${t.trust_boundary}`;
  return t.endpoint !== undefined ? `endpoint ${t.endpoint} of technical asset ${t.technical_asset ?? '?'}` : `technical asset ${t.technical_asset ?? '?'}`;
}

/** A risk of threatmap's own threats, exported, until its decision is known. */
interface PendingRisk {
  uid: string;
  /** The threatmap rule (from its category's detection logic). */
  rule: string;
  title: string;
  syntheticId: string;
  comment: string[];
  /** A written threat's (else a rule's, which analysis derives again). */
  written: boolean;
  /** A risk whose most relevant communication link the file no longer has (deleted in Threagile). */
  lostLink?: string;
  /** A written threat's risk on an endpoint (our section's) that its element in the file no longer has. */
  lostEndpoint?: string;
  target?: ImportedTarget;
  rating?: Ratings;
  decision?: ImportedDecisionFields;
}

/**
 * A written threat's ratings as its model wrote them: one the model left to the analysis (our section has
 * the word exported for it) is left out again, unless Threagile's word was changed, which then states it.
 */
function ratingAsWritten(rating: Ratings, p: Plain, derived: CarriedRisk['derived']): Ratings {
  const out = { ...rating };
  if (derived?.exploitation_likelihood !== undefined && str(p.exploitation_likelihood) === derived.exploitation_likelihood) delete out.likelihood;
  if (derived?.exploitation_impact !== undefined && str(p.exploitation_impact) === derived.exploitation_impact) delete out.impact;
  return out;
}

/** A written threat's texts and references as read, ours exactly as our section carries them while the category's fields read the same. */
function writtenTexts(description: string | undefined, mitigation: string | undefined, references: string[], cp: Plain, ct: CarriedThreat | undefined):
  Pick<ImportedThreat, 'description' | 'mitigation' | 'references'> {
  const text = (read: string | undefined, field: unknown, carried: string | undefined) =>
    (carried !== undefined && str(carried) === str(field) ? carried : read);
  const d = text(description, cp.description, ct?.description);
  const m = text(mitigation, cp.mitigation, ct?.mitigation);
  const refs = ct?.references !== undefined && sameList(referencesReadBack(ct.references), references) ? ct.references : references;
  return { ...(d ? { description: d } : {}), ...(m ? { mitigation: m } : {}), ...(refs.length ? { references: refs } : {}) };
}

/** What `threatmap analyze -f threagile` writes: a category's detection logic, and a risk's title ending in its stable id. */
const EXPORTED_CATEGORY = /^threatmap rule (\S+?)(?:: |$)/;
const EXPORTED_RISK = /\s*\((TM-[0-9a-f]{8})\)$/;
/** A risk's own title, without a stable id an export of ours put after it (the category is a person's, not ours). */
const ownTitle = (key: string): string | undefined => str(key.replace(EXPORTED_RISK, ''));

/** A risk-tracking entry as read, and how many of the file's hand-identified risks it decides. */
interface Tracking {
  id: string; status: string; matches: number; plain: Plain; statusAt: { offset: number; path: ModelPath };
  /** Of threatmap's threats of an equivalent rule (RULE_EQUIVALENTS), how many it decides in the triage file. */
  decided: number;
  /** Where it was written as the control it says is in place (a wildcard entry, mitigated). */
  controlled: number;
}

/** A tracking entry's Threagile rule and the parts after it (`*` or a Threagile id). */
const trackedParts = (id: string): { category: string; parts: string[] } => {
  const [category, ...parts] = id.split('@');
  return { category, parts };
};

/** What a tracking entry said, for a decision's reason or a control's note. */
function trackedWords(t: Tracking): string {
  const justification = str(t.plain.justification);
  const ticket = str(t.plain.ticket);
  const checked = dateText(t.plain.date);
  return `Threagile's risk tracking ${t.id}: ${t.status}${justification ? `, "${justification}"` : ''}${ticket ? `, ${ticket}` : ''}${checked ? `, checked ${checked}` : ''}`;
}

/**
 * An entry of wildcards only, marked mitigated, for a Threagile rule whose threat a control answers: the
 * team says that control is in place everywhere the rule looks, so it is written there as a fact (a second
 * factor on every link from a person's client that signs in; encryption at rest on every store holding
 * data), with a note, rather than as decisions on threats that would then never be derived.
 */
function writeTrackedControl(t: Tracking, elements: ElementOut[], flows: FlowOut[]): void {
  const { category, parts } = trackedParts(t.id);
  const control = lookup(RULE_EQUIVALENTS, category)?.control;
  if (!control || t.status !== 'mitigated' || !parts.length || parts.some((x) => x !== '*')) return;
  const note = `${control}: ${trackedWords(t)}; written as the control it says is in place`;
  const byId = new Map(elements.map((e) => [e.id, e]));
  if (control === 'mfa') {
    for (const f of flows) {
      if (!isHumanClient(byId.get(f.from)) || f.auth === undefined || f.auth === 'none' || f.controls.includes('mfa')) continue;
      f.controls.push('mfa');
      f.notes.push(note);
      t.controlled++;
    }
    return;
  }
  for (const e of elements) {
    if (e.kind !== 'store' || !e.stores.length || e.controls.includes(control)) continue;
    e.controls.push(control);
    e.notes.push(note);
    t.controlled++;
  }
}

/**
 * The tracking of Threagile's own rules as decisions on threatmap's threats of the equivalent rules
 * (RULE_EQUIVALENTS): the model as written is analysed, and each threat of such a rule gets the decision of
 * the first entry (one without wildcards before those with) whose every named part (a technical asset, a
 * link, a trust boundary, by Threagile id) is something the threat is on or about: its component, its flows
 * or their ends. Threagile's parts are not in the same order for every rule, so what is named is matched,
 * not where.
 */
function ruleTrackingDecisions(text: string, file: string, entries: readonly Tracking[], p: Pick<Parts, 'elements' | 'flows' | 'boundaries'>): ImportedDecision[] {
  const mapped = entries.filter((t) => t.matches === 0 && t.controlled === 0 && lookup(RULE_EQUIVALENTS, trackedParts(t.id).category));
  if (!mapped.length) return [];
  const threats = derivedThreats(text, file);
  if (!threats.length) return [];
  const tgOf = new Map<string, string>([...p.elements.map((e) => [e.id, e.tgId] as const), ...p.boundaries.map((b) => [b.id, b.tgId] as const)]);
  const flowOf = new Map(p.flows.map((f) => [f.id ?? `${f.from}->${f.to}`, f]));
  const ordered = [...mapped.filter((t) => !t.id.includes('*')), ...mapped.filter((t) => t.id.includes('*'))];
  const out: ImportedDecision[] = [];
  for (const threat of threats) {
    const about = new Set([tgOf.get(threat.component) ?? threat.component]);
    for (const key of threat.flows) {
      const f = flowOf.get(key);
      if (f) for (const x of [f.tgId, tgOf.get(f.from) ?? f.from, tgOf.get(f.to) ?? f.to]) about.add(x);
    }
    const entry = ordered.find((t) => {
      const { category, parts } = trackedParts(t.id);
      return lookup(RULE_EQUIVALENTS, category)?.rules.includes(threat.ruleId) === true && parts.every((x) => x === '*' || about.has(x));
    });
    if (!entry) continue;
    entry.decided++;
    const status = lookup(RULE_TRACKING, entry.status) ?? 'open';
    const owner = str(entry.plain.checked_by);
    const ticket = str(entry.plain.ticket);
    out.push({
      key: threat.key, title: threat.title, status, reason: `${trackedWords(entry)} (Threagile's ${trackedParts(entry.id).category}, the same threat)`,
      ...(owner ? { owner } : {}), ...(ticket ? { ticket } : {}),
    });
  }
  return out;
}

/**
 * Threagile's wildcard ids: each `*` stands for one @-delimited part. Threagile tests its pattern unanchored
 * (`strange@*` would also match `something-strange@db`); here the whole id must match, so that an entry
 * never decides a risk of another category.
 */
function wildcardMatch(pattern: string, id: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^@]+')}$`);
  return re.test(id);
}

/**
 * Whether the type and tech our section carries still stand: Threagile's type (the kind) and technology
 * are still what they were written from. Else someone changed them in Threagile, and its words win.
 */
function carriesTechnology(c: CarriedElement, kind: ElementKind, technology: string | undefined): boolean {
  if (c.type === undefined && c.tech === undefined) return false;
  const type = c.type as ElementType | undefined;
  return (type === undefined || ELEMENT_TYPES[type].kind === kind) && technologyOf({ type, tech: c.tech }) === technology;
}

const isAuth = (s: string): boolean => (AUTH_METHODS as readonly string[]).includes(s) || Object.hasOwn(AUTH_ALIASES, s);

/**
 * One endpoint our section carries, as the model accepts it (as the OTM importer reads one): an asset or
 * element it names that the imported model does not have (deleted or renamed in Threagile), and a word the
 * catalog does not know (our section edited by hand), left out with a note.
 */
function knownEndpoint(ep: CarriedEndpoint, elementIds: ReadonlySet<string>, assetIds: ReadonlySet<string>, notes: string[]): CarriedEndpoint {
  const out: CarriedEndpoint = { ...ep };
  const lost = (what: string) => notes.push(`endpoint ${ep.key}: ${what}: left out`);
  const keep = (key: 'methods' | 'callers' | 'controls' | 'accepts' | 'returns', ok: (s: string) => boolean, why = 'names nothing the model has') => {
    const list = ep[key];
    if (!list) return;
    const kept = list.filter(ok);
    for (const x of list) if (!kept.includes(x)) lost(`its \`${key}\` ${JSON.stringify(x)} ${why}`);
    // One emptied here is left out: an empty list would say something the model never did.
    if (kept.length || !list.length) out[key] = kept;
    else delete out[key];
  };
  if (ep.kind !== undefined && !(ENDPOINT_KINDS as readonly string[]).includes(ep.kind)) {
    delete out.kind;
    lost(`its \`kind\` ${JSON.stringify(ep.kind)} is not one the model accepts`);
  }
  if (ep.auth !== undefined && !isAuth(ep.auth)) {
    delete out.auth;
    lost(`its \`auth\` ${JSON.stringify(ep.auth)} is not one the model accepts`);
  }
  keep('methods', (s) => /^[A-Za-z]+$/.test(s), 'is not a method');
  keep('callers', (s) => elementIds.has(s));
  keep('controls', isControlName, 'is not a control the model knows');
  keep('accepts', (s) => assetIds.has(s));
  keep('returns', (s) => assetIds.has(s));
  // Callers all gone: an empty list would let no element call it, which the model never said; none listed
  // lets every element with a flow in call it, the nearest to what it said.
  if (ep.callers?.length && !out.callers) {
    notes.push(`endpoint ${ep.key}: none of its callers is left, so \`callers\` is left out (any element with a flow in may call it); check it`);
  }
  return out;
}

/**
 * An element of ours: what Threagile cannot say from our section, and what it says (owner, tags,
 * encryption, redundancy) from its fields, our exact words kept where they still read the same.
 */
function ourElement(e: ElementOut, c: CarriedElement, p: Plain): void {
  // Our section edited by hand into words the model does not know would make a model that does not load.
  const unknownControls = (c.controls ?? []).filter((x) => !isControlName(x));
  if (unknownControls.length) e.notes.push(`its \`controls\` ${unknownControls.map((x) => JSON.stringify(x)).join(', ')} in threatmap's section: not controls the model knows; left out`);
  let controls = (c.controls ?? []).filter(isControlName);
  const encrypted = (str(p.encryption) ?? 'none') !== 'none';
  // Against what the export wrote (a provider's default encryption included), so that only an edit changes the control.
  if (encrypted !== (storedEncryption({ kind: e.kind, tech: c.tech, tags: c.tags ?? [], controls }) !== 'none')) {
    controls = encrypted ? [...controls, 'encryption-at-rest'] : controls.filter((x) => x !== 'encryption-at-rest');
  }
  // Still encrypted after that, the store is its provider's default: `none`, the person says it was switched off.
  const switchedOff = !encrypted && storedEncryption({ kind: e.kind, tech: c.tech, tags: c.tags ?? [], controls }) !== 'none';
  let replicas = c.replicas;
  const redundant = p.redundant === true;
  if (redundant !== redundantOf({ replicas, controls })) {
    if (redundant) controls.push('redundancy');
    else {
      controls = controls.filter((x) => x !== 'redundancy');
      if ((replicas ?? 1) > 1) replicas = undefined;
    }
  }
  e.controls = controls;
  if (replicas !== undefined) e.replicas = replicas;
  if (c.auth !== undefined && isAuth(c.auth)) e.auth = c.auth;
  else if (c.auth !== undefined) e.notes.push(`its \`auth\` ${JSON.stringify(c.auth)} in threatmap's section is not one the model accepts; left out`);
  if (c.endpoints?.length) e.endpoints = c.endpoints;
  if (c.privileged) e.privileged = true;
  const owner = carriedText(p.owner, c.owner);
  if (owner !== undefined) e.owner = owner;
  const tags = strings(p.tags);
  const ownTags = c.tags !== undefined && sameList(lowerTags(c.tags), tags) ? c.tags : tags;
  if (switchedOff) e.tags = [...ownTags, ENCRYPTION_OFF_TAG];
  else if (ownTags.length) e.tags = ownTags;
}

/**
 * Whether an element of ours is exposed: as it was, while Threagile's `internet` is still what the export
 * made of it (its zone untrusted, or exposed); else as `internet` now says, where the model can say it.
 */
function exposedOf(e: ElementOut, c: CarriedElement, trust: TrustLevel | undefined): boolean | undefined {
  const zone = trust ?? (e.kind === 'external' ? 'untrusted' : 'internal');
  if (e.internet === (zone === 'untrusted' || c.exposed === true)) return c.exposed;
  if (e.internet) return e.kind === 'external' ? c.exposed : true;
  return c.exposed === true ? false : c.exposed;
}

/**
 * The exact protocol (and encryption) our section carries of a flow, while Threagile's protocol is still
 * what the export made of them; else undefined, and Threagile's word is read.
 */
function carriedProtocol(c: CarriedFlow, written: string | undefined): { protocol: string; encrypted?: boolean } | undefined {
  if (c.protocol === undefined && c.encrypted === undefined) return undefined;
  const protocol = c.protocol ?? lookup(PROTOCOL, written)?.protocol;
  if (protocol === undefined) return undefined;
  const encrypted = c.encrypted ?? (lookup(PROTOCOLS, protocol)?.encrypted ?? false);
  return protocolOf({ protocol, encrypted }) === written ? { protocol, ...(c.encrypted !== undefined ? { encrypted: c.encrypted } : {}) } : undefined;
}

/**
 * Links renamed in Threagile (a link's id is its source's and its title's): where a source has exactly one
 * link that no entry of our section names and exactly one entry that names no link of it, that entry is
 * the renamed link's. Link id -> the entry's key.
 */
function renamedLinks(sources: ReadonlyArray<{ tgId: string; links: unknown }>, carried: ReadonlyMap<string, CarriedFlow>): Map<string, string> {
  const out = new Map<string, string>();
  if (carried.size === 0) return out;
  const linkIds = new Set<string>();
  const unnamed = new Map<string, string[]>();
  for (const { tgId, links } of sources) {
    const ids = isPlain(links) ? Object.keys(links).map((title) => `${tgId}>${slug(title)}`) : [];
    ids.forEach((id) => linkIds.add(id));
    unnamed.set(tgId, ids.filter((id) => !carried.has(id)));
  }
  const orphans = new Map<string, string[]>();
  for (const key of carried.keys()) {
    const source = key.slice(0, key.indexOf('>'));
    if (key.includes('>') && !linkIds.has(key)) orphans.set(source, [...(orphans.get(source) ?? []), key]);
  }
  for (const [source, keys] of orphans) {
    const links = unnamed.get(source) ?? [];
    if (keys.length === 1 && links.length === 1) out.set(links[0], keys[0]);
  }
  return out;
}

/** A technical asset whose id was changed in Threagile: the id our section keys it by, its id in the file, and in the model exported. */
interface RenamedAsset { was: string; now: string; modelId: string; title: string }

/**
 * Technical assets whose id was changed in Threagile (with every Threagile reference to it): the file has
 * an asset our section has no entry for, and our section an entry under an id the file no longer has. That
 * entry is the asset's when it carries the asset's title and no other such entry does; otherwise the asset
 * is read as Threagile's alone. (A title is unique among technical assets: the file keys them by it.)
 */
function renamedAssets(assets: ReadonlyArray<{ tgId: string; title: string }>, carried: ReadonlyMap<string, CarriedElement>, notes: string[]): RenamedAsset[] {
  const inFile = new Set(assets.map((a) => a.tgId));
  const unclaimed = [...carried].filter(([key]) => !inFile.has(key));
  const out: RenamedAsset[] = [];
  for (const a of assets) {
    if (carried.has(a.tgId)) continue;
    const matches = unclaimed.filter(([, c]) => c.title === a.title);
    if (matches.length > 1) {
      notes.push(`${a.tgId}: ${matches.map(([key]) => `\`${key}\``).join(', ')} of threatmap's section all have its title "${a.title}"; read as Threagile's alone`);
    }
    if (matches.length !== 1) continue;
    const [[was, c]] = matches;
    out.push({ was, now: a.tgId, modelId: c.id ?? was, title: a.title });
  }
  return out;
}

/**
 * Our section as the file names things now: each renamed asset's entry (without the model id it carried:
 * Threagile's new id wins), its links, and the written threats' targets and assumptions that name them,
 * under its new id.
 */
function underNewIds(ours: Ours, renamed: readonly RenamedAsset[]): void {
  if (!renamed.length) return;
  const ids = new Map(renamed.map((r) => [r.was, r.now]));
  const asset = (tg: string) => ids.get(tg) ?? tg;
  // A link's id is its source's id, `>`, and its title.
  const link = (key: string) => (key.includes('>') ? `${asset(key.slice(0, key.indexOf('>')))}${key.slice(key.indexOf('>'))}` : key);
  for (const r of renamed) {
    const { id: _exported, ...entry } = ours.elements.get(r.was)!;
    ours.elements.delete(r.was);
    ours.elements.set(r.now, entry);
  }
  ours.flows = new Map([...ours.flows].map(([key, f]) => [link(key), f]));
  ours.flowOrder = ours.flowOrder.map(link);
  for (const w of ours.written.values()) {
    w.targets = w.targets.map((t) => defined({
      ...t, technical_asset: t.technical_asset === undefined ? undefined : asset(t.technical_asset),
      communication_link: t.communication_link === undefined ? undefined : link(t.communication_link),
    }));
  }
  ours.assumptions = ours.assumptions.map((a) => (a.elements ? { ...a, elements: a.elements.map(asset) } : a));
}

/** An endpoint's callers under the ids their elements have now (model id -> id now). */
const callersNow = (ep: CarriedEndpoint, moved: ReadonlyMap<string, string>): CarriedEndpoint =>
  (ep.callers && moved.size ? { ...ep, callers: ep.callers.map((x) => moved.get(x) ?? x) } : ep);

/**
 * Each id of the model exported that changed with a renamed element, and its id now: the element's, its
 * endpoints' (`element:key`), and its flows' named by their ends (`from->to`). A threat's stable id is a
 * hash of its rule and one of these, so a decision by the old one is found by trying them.
 */
function movedComponents(moved: ReadonlyMap<string, string>, elements: readonly ElementOut[], flows: readonly FlowOut[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const before = new Map([...moved].map(([was, now]) => [now, was]));
  for (const [was, now] of moved) {
    out.push([was, now]);
    for (const ep of elements.find((e) => e.id === now)?.endpoints ?? []) out.push([`${was}:${ep.key}`, `${now}:${ep.key}`]);
  }
  for (const f of flows) {
    if (f.id !== undefined || !(before.has(f.from) || before.has(f.to))) continue;
    out.push([`${before.get(f.from) ?? f.from}->${before.get(f.to) ?? f.to}`, `${f.from}->${f.to}`]);
  }
  return out;
}

/** The stable id of a rule's threat on a component whose id changed, from its old one; unchanged when none matches. */
function rekeyed(rule: string, uid: string, moved: ReadonlyArray<[string, string]>): string {
  const hit = moved.find(([was]) => threatUid(`${rule}@${was}`) === uid);
  return hit ? threatUid(`${rule}@${hit[1]}`) : uid;
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether `outer` already encloses `inner` through the `in` chain (nesting it inside would loop). */
function encloses(outer: BoundaryOut, inner: BoundaryOut, all: readonly BoundaryOut[]): boolean {
  const seen = new Set<string>();
  for (let b: BoundaryOut | undefined = inner; b?.in && !seen.has(b.id); b = all.find((x) => x.id === b!.in)) {
    seen.add(b.id);
    if (b.in === outer.id) return true;
  }
  return false;
}

/** An asset's type from words in its title or id, where they clearly say one (a reviewer confirms). */
function assetType(words: string): string | undefined {
  const w = words.toLowerCase();
  if (/credential|password/.test(w)) return 'credentials';
  if (/secret|\bkeys?\b/.test(w)) return 'secrets';
  if (/payment|card/.test(w)) return 'payment';
  if (/\blogs?\b/.test(w)) return 'logs';
  if (/\bcode\b/.test(w)) return 'source-code';
  return undefined;
}

// --- Our section, in a file threatmap exported --------------------------------------------------------

/**
 * `threatmap:`, the section our export writes (src/render/threagile.ts): what Threagile's fields cannot say
 * of each object, keyed by its Threagile id (a link by its id, a risk by its threat's stable id). Absent in
 * files threatmap did not write: every map is then empty and the file is read as Threagile's alone.
 */
interface Ours {
  present: boolean;
  system: CarriedSystem;
  assets: Map<string, Partial<CarriedAsset>>;
  elements: Map<string, CarriedElement>;
  flows: Map<string, CarriedFlow>;
  boundaries: Map<string, Partial<CarriedBoundary>>;
  /** The model's order of its flows, by link id. */
  flowOrder: string[];
  threats: Map<string, CarriedThreat>;
  risks: Map<string, CarriedRisk>;
  /** The model's assumptions, elements by Threagile id. */
  assumptions: CarriedAssumption[];
  /** The model's `rules:` section, when it is still one the model accepts; `rulesRefused` when it no longer is. */
  rules?: RawRulesSection;
  rulesRefused?: true;
  /** The model's written threats as written, by id, in the model's order. */
  written: Map<string, CarriedWrittenThreat>;
}

type FieldType = 'string' | 'boolean' | 'number' | 'strings';
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields of `v` of the type `spec` gives them; any other (an edit gone wrong) is left out, and the object's Threagile fields decide. */
function typed<T>(v: unknown, spec: Readonly<Record<string, FieldType>>): T {
  const out: Plain = {};
  if (!isPlain(v)) return out as T;
  for (const [key, type] of Object.entries(spec)) {
    if (!Object.hasOwn(v, key)) continue;
    const x = v[key];
    if (type === 'strings' ? Array.isArray(x) && x.every((s) => typeof s === 'string') : typeof x === type) out[key] = Array.isArray(x) ? [...x] : x;
  }
  return out as T;
}

/** A word of one of the model's lists, else undefined (left to what the Threagile fields say). */
const oneOf = <T extends string>(values: readonly T[], v: unknown): T | undefined =>
  typeof v === 'string' && (values as readonly string[]).includes(v) ? (v as T) : undefined;

const TEXT = 'string' as const;
const LIST = 'strings' as const;
const TITLED = { title: TEXT, name: TEXT } as const;
const ENDPOINT_FIELDS = {
  key: TEXT, name: TEXT, description: TEXT, kind: TEXT, methods: LIST, public: 'boolean', auth: TEXT, callers: LIST, controls: LIST, accepts: LIST, returns: LIST,
} as const;
const ELEMENT_FIELDS = {
  ...TITLED, id: TEXT, type: TEXT, tech: TEXT, auth: TEXT, controls: LIST, exposed: 'boolean', privileged: 'boolean', replicas: 'number', tags: LIST,
  owner: TEXT, description: TEXT,
} as const;
const FLOW_FIELDS = {
  ...TITLED, id: TEXT, protocol: TEXT, encrypted: 'boolean', auth: TEXT, credential: TEXT, endpoint: TEXT, controls: LIST, port: 'number', description: TEXT,
} as const;
const BOUNDARY_FIELDS = { ...TITLED, id: TEXT, trust: TEXT, kind: TEXT, controls: LIST, description: TEXT } as const;
const ASSET_FIELDS = { ...TITLED, id: TEXT, kind: TEXT, type: TEXT, confidentiality: TEXT, description: TEXT, assumed: 'boolean' } as const;
const DECISION_FIELDS = {
  status: TEXT, declared: TEXT, reason: TEXT, owner: TEXT, ticket: TEXT, expires: TEXT, review: TEXT, drift: TEXT, risk: TEXT, covers: LIST,
} as const;
const SCOPE_FIELDS = { risk: TEXT, covers: LIST } as const;
const RATING_FIELDS = { exploitation_likelihood: TEXT, exploitation_impact: TEXT } as const;

/** Each entry of one part of the section that is a map, read by `read`. */
function part<T>(v: unknown, read: (entry: Plain) => T): Map<string, T> {
  const out = new Map<string, T>();
  if (isPlain(v)) for (const [key, entry] of Object.entries(v)) if (isPlain(entry)) out.set(key, read(entry));
  return out;
}

function readElement(v: Plain): CarriedElement {
  const e = typed<CarriedElement>(v, ELEMENT_FIELDS);
  if (e.type !== undefined && !Object.hasOwn(ELEMENT_TYPES, e.type)) delete e.type;
  if (Array.isArray(v.endpoints)) {
    e.endpoints = v.endpoints.map((ep) => typed<CarriedEndpoint>(ep, ENDPOINT_FIELDS)).filter((ep) => typeof ep.key === 'string');
  }
  return e;
}

function readBoundary(v: Plain): Partial<CarriedBoundary> {
  const b = typed<Partial<CarriedBoundary>>(v, BOUNDARY_FIELDS);
  return { ...b, trust: oneOf(TRUST_LEVELS, b.trust), kind: oneOf(BOUNDARY_KINDS, b.kind) };
}

function readAsset(v: Plain): Partial<CarriedAsset> {
  const a = typed<Partial<CarriedAsset>>(v, ASSET_FIELDS);
  return { ...a, kind: oneOf(ASSET_KINDS, a.kind), type: oneOf(ASSET_TYPES, a.type), confidentiality: oneOf(LEVELS, a.confidentiality) };
}

function readRisk(v: Plain): CarriedRisk {
  const out: CarriedRisk = typed<CarriedRisk>(v, { endpoint: TEXT });
  if (isPlain(v.derived)) out.derived = typed(v.derived, RATING_FIELDS);
  const d = typed<Partial<CarriedDecision>>(v.decision, DECISION_FIELDS);
  const status = oneOf(TRIAGE_STATUSES, d.status);
  if (status) out.decision = defined({ ...d, ...scopeRead(d), status, declared: oneOf(TRIAGE_STATUSES, d.declared) });
  const scope = scopeRead(typed<Partial<CarriedScope>>(v.scope, SCOPE_FIELDS));
  if (scope.risk) out.scope = { ...scope, risk: scope.risk };
  return out;
}

/** A scope as our section carries it, its risk a risk (in any case) and its flows sorted; fields that are not, undefined. */
function scopeRead(s: Partial<CarriedScope>): Partial<CarriedScope> {
  return { risk: typeof s.risk === 'string' ? riskOfWord(s.risk) : undefined, covers: s.covers && [...new Set(s.covers)].sort() };
}

const TARGET_FIELDS = { technical_asset: TEXT, endpoint: TEXT, communication_link: TEXT, trust_boundary: TEXT, system: 'boolean', risk: TEXT } as const;
const WRITTEN_FIELDS = { mitigated_by: LIST, title: TEXT, description: TEXT, mitigation: TEXT, references: LIST } as const;

/** The `rules:` section carried, checked as the model will check it: one edited out of shape would stop the model from loading. */
function readRules(v: unknown): Pick<Ours, 'rules' | 'rulesRefused'> {
  if (v === undefined) return {};
  return isPlain(v) && rulesSectionSchema.safeParse(v).success ? { rules: v as RawRulesSection } : { rulesRefused: true };
}

function readWritten(v: Plain): CarriedWrittenThreat {
  const out = typed<CarriedWrittenThreat>(v, WRITTEN_FIELDS);
  // Controls only: a word the model does not know as one would stop it from loading.
  if (out.mitigated_by) out.mitigated_by = out.mitigated_by.filter(isControlName);
  out.targets = Array.isArray(v.targets) ? v.targets.map((t) => typed<CarriedTarget>(t, TARGET_FIELDS)) : [];
  const stride = strideOfWord(v.stride);
  if (stride) out.stride = stride;
  const likelihood = oneOf(LEVELS, v.likelihood);
  if (likelihood) out.likelihood = likelihood;
  const impact = oneOf(LEVELS, v.impact);
  if (impact) out.impact = impact;
  return out;
}

function readOurs(v: unknown): Ours {
  const s: Plain = isPlain(v) ? v : {};
  return {
    present: isPlain(v),
    system: typed(s.system, { name: TEXT, description: TEXT, owner: TEXT, version: TEXT }),
    assets: part(s.data_assets, readAsset),
    elements: part(s.technical_assets, readElement),
    flows: part(s.communication_links, (f) => typed<CarriedFlow>(f, FLOW_FIELDS)),
    boundaries: part(s.trust_boundaries, readBoundary),
    flowOrder: typed<{ flow_order?: string[] }>(s, { flow_order: LIST }).flow_order ?? [],
    threats: part(s.threats, (t) => typed<CarriedThreat>(t, { description: TEXT, mitigation: TEXT, references: LIST })),
    risks: part(s.risks, readRisk),
    assumptions: Array.isArray(s.assumptions)
      ? s.assumptions.map((a) => typed<CarriedAssumption>(a, { text: TEXT, rules: LIST, elements: LIST })).filter((a) => typeof a.text === 'string') : [],
    ...readRules(s.rules),
    written: part(s.written_threats, readWritten),
  };
}

/**
 * The name of an object of ours: the one our section carries while the object still has the key it was
 * written under; a key changed in Threagile is a rename, and wins. Undefined: a flow without a name.
 */
const carriedName = (key: string, c: { title?: string; name?: string } | undefined): string | undefined =>
  c?.title !== undefined && c.title === key ? c.name : key;

/**
 * The endpoint each link called, as our section carries it (its key): kept where the model resolves it, on the
 * link's target or one service behind the load balancer or gateway it calls (endpointServers); else left out,
 * with a warning at the link and a note on it (an endpoint deleted, a link pointed at another asset in Threagile).
 */
function placeEndpoints(elements: readonly ElementOut[], flows: readonly FlowOut[], src: YamlSource): void {
  const byId = new Map(elements.map((e) => [e.id, e]));
  const targets = targetsOf(flows);
  const view: EndpointView = {
    typeOf: (id) => byId.get(id)?.type ?? impliedElementType(byId.get(id)?.tech),
    declares: (id, key) => byId.get(id)?.endpoints?.some((ep) => ep.key === key) === true,
    next: (id) => targets.get(id) ?? [],
  };
  for (const f of flows) {
    if (!f.calls) continue;
    const { key, offset, path } = f.calls;
    delete f.calls;
    const problem = unservedEndpoint(f.to, key, endpointServers(f.to, key, view), view);
    if (!problem) {
      f.endpoint = key;
      continue;
    }
    src.problem('warning', problem.code, offset, path, `link ${f.title}: ${problem.message}`);
    f.notes.push(problem.message);
  }
}

/** A text the file holds, exactly as our section carries it while Threagile's field still reads the same. */
const carriedText = (fileValue: unknown, carried: string | undefined): string | undefined =>
  carried !== undefined && str(carried) === str(fileValue) ? carried : str(fileValue);

/** A decision of our section as the triage file states it: the declared status of a lapsed or drifted one (the drift's words are the export's). */
function triageDecision(d: CarriedDecision): ImportedDecisionFields {
  const { status, declared, drift: _drift, ...rest } = d;
  return { status: declared ?? status, ...rest };
}

/**
 * A decision read from Threagile's risk tracking with what it was made for: the threat as exported, which is
 * what a decision made there was made for (what the person saw there: not the threat as the imported model has
 * it, which may have grown there, nor the scope recorded before, which a decision made again goes past). One
 * tracked exactly, which the export left out of our section, records the same (see tracksExactly in
 * src/render/threagile.ts); a decision of our section keeps the scope its entry recorded, exactly. An `open`
 * decision records none, and a file without our section has none to give (the decision is then unchecked).
 */
function scoped(d: ImportedDecisionFields, exported: CarriedScope | undefined): ImportedDecisionFields {
  if (exported === undefined || d.status === 'open') return d;
  return { ...d, risk: exported.risk, ...(exported.covers ? { covers: exported.covers } : {}) };
}

/** A tracking field as our export wrote it, to compare with (a number Threagile's YAML reads is its text). */
const trackingText = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

/** Whether a tracking entry is the one our export wrote from these decisions (else it was changed in Threagile). */
function sameTracking(expected: ThreagileRiskTracking | undefined, entry: Tracking | undefined): boolean {
  if (expected === undefined || entry === undefined) return expected === entry;
  return (['status', 'justification', 'ticket', 'checked_by'] as const).every((k) => trackingText(entry.plain[k]) === expected[k]);
}

/** Threagile's `date` of a tracking entry (YYYY-MM-DD; a YAML 1.1 reading makes it a Date); undefined when there is none. */
function dateText(v: unknown): string | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString().slice(0, 10);
  return str(v);
}

/**
 * What one tracking entry decided of threatmap's threats, when it covers several: said, as no one threat's
 * decision shows it. `changed`: the fields changed in Threagile of an entry the export wrote for them all.
 */
function coveredNote(entry: Tracking, risks: readonly PendingRisk[], changed: readonly string[] | undefined): string {
  const what = changed === undefined || changed.includes('status') ? `its decision${changed ? ` (${listed(changed)} changed in Threagile)` : ''} applied to each`
    : `its ${listed(changed)} changed in Threagile, applied to each; the rest of each one's own decision kept`;
  return `risk tracking entry \`${entry.id}\` (${entry.status}) covers ${risks.length} of threatmap's threats: ${what}: ${risks.map((r) => r.uid).join(', ')}`;
}

/** `a`, `a and b`, `a, b and c`. */
const listed = (items: readonly string[]): string => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

// --- Writing -------------------------------------------------------------------------------------------

interface Parts {
  file: string; version: string; system: Record<string, string>; assets: AssetOut[]; elements: ElementOut[]; boundaries: BoundaryOut[];
  outsideId?: string; flows: FlowOut[]; sharedRuntimes: string[]; riskTracking: ThreagileRiskNote[]; written: WrittenOut[]; exportedRisks: number;
  notes: string[]; ours: boolean;
  /** Of `written`, the threats of the model that come from our section alone (the file has no risk of them). */
  carriedOnly: number;
  /** Of `written`, the threats of shared runtimes that mix trust zones (mixedRuntimeThreat). */
  runtimeThreats: number;
  assumptions: Array<string | CarriedAssumption>;
  rules?: RawRulesSection;
}

function header(p: Parts, options: ImportOptions): string[] {
  const n = p.written.length - p.carriedOnly - p.runtimeThreats;
  const own = p.riskTracking.filter((r) => r.matches === 0 && !r.decided && !r.controlled);
  const deciding = p.riskTracking.filter((r) => r.matches > 0).length;
  const lines = [
    `Imported by \`threatmap import\` from ${p.file} (${THREAGILE_FORMAT} ${p.version}).`,
    'A model to review: each boundary, element, flow and asset says which line of the Threagile file it is on.',
    ...(p.ours ? ['Written by threatmap: its `threatmap:` section gave back what Threagile\'s fields cannot say (trust, endpoints, credentials,'
      + ' controls, exact types and protocols, decisions, assumptions, rule settings, written threats); where a Threagile field was changed'
      + ' since, the change is taken.'] : []),
    `Shared runtimes (threatmap has no shared host): ${p.sharedRuntimes.join('; ') || 'none'}.`,
    ...(p.runtimeThreats ? [`${p.runtimeThreats} of them run${p.runtimeThreats === 1 ? 's' : ''} assets of several trust zones: written under \`threats:\` as mixed targets on a shared runtime.`] : []),
    n ? `The file identifies ${n} risk${n === 1 ? '' : 's'} by hand (individual_risk_categories): written under \`threats:\` below.`
      : 'The file identifies no risk by hand (individual_risk_categories).',
    ...(p.carriedOnly ? [`${p.carriedOnly} threat${p.carriedOnly === 1 ? '' : 's'} written in the model came back from the \`threatmap:\` section alone:`
      + ' no risk in Threagile, as the model mitigated or ruled them out wherever they are.'] : []),
    ...(p.exportedRisks ? [`${p.exportedRisks} of its risks are threatmap's own threats, exported earlier: \`threatmap analyze\` derives them again,`
      + ' so only their risk tracking comes back, under their stable ids.'] : []),
    ...(deciding ? [`${deciding} risk-tracking entr${deciding === 1 ? 'y decides' : 'ies decide'} these risks: decisions in the triage file written beside this model.`] : []),
    ...ruleTrackingLines(p.riskTracking),
    `It tracks ${own.length} risk${own.length === 1 ? '' : 's'} of Threagile's own rules that no threat threatmap finds here answers to (no equivalent rule, or it finds nothing there; listed only):`,
  ];
  return [...lines, ...headerTail(own.map((r) => `${r.id}: ${r.status}`), own.length, p.notes, options.output)];
}

/** The tracking entries of Threagile's own rules that carried over: decisions on threatmap's threats of the same kind, or controls written. */
function ruleTrackingLines(notes: readonly ThreagileRiskNote[]): string[] {
  const lines: string[] = [];
  for (const r of notes) {
    if (r.decided) lines.push(`Risk tracking ${r.id} (${r.status}): a decision on ${r.decided} of threatmap's threats of the same kind, in the triage file.`);
    if (r.controlled) lines.push(`Risk tracking ${r.id} (${r.status}): written as the control it says is in place, on ${r.controlled} element${r.controlled === 1 ? '' : 's'} or flow${r.controlled === 1 ? '' : 's'} (see their notes).`);
  }
  return lines;
}

/** An element's endpoints as the model writes them: by key, each with what it states besides. */
function endpointsOf(list: readonly CarriedEndpoint[]): Record<string, unknown> {
  // No prototype: a key such as `__proto__` is an endpoint like any other.
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const { key, ...rest } of list) out[key] = Object.keys(rest).length ? rest : null;
  return out;
}

/** An entry too long for one line (an element with endpoints): a block, each endpoint and list on a line of its own. */
function unfolded(entry: Pair): void {
  if (!isMap(entry.value)) return;
  entry.value.flow = false;
  for (const item of entry.value.items) {
    if (isSeq(item.value)) item.value.flow = true;
    if (isScalar(item.key) && item.key.value === 'endpoints' && isMap(item.value)) {
      item.value.flow = false;
      for (const ep of item.value.items) if (isMap(ep.value)) ep.value.flow = true;
    }
  }
}

function writeModel(p: Parts, options: ImportOptions): { text: string; decisions: ImportedDecision[] } {
  const { doc, root } = startModel(header(p, options), p.system);

  if (p.boundaries.length || p.outsideId) {
    const map = new YAMLMap();
    if (p.outsideId) map.items.push(outsideEntry(doc, p.outsideId, 'the external entities and internet-facing assets that no trust boundary holds'));
    for (const b of p.boundaries) {
      const v: Record<string, unknown> = {};
      if (b.name !== b.id) v.name = b.name;
      if (b.description !== undefined) v.description = b.description;
      v.trust = b.trust;
      v.kind = b.kind;
      if (b.in) v.in = b.in;
      if (b.controls) v.controls = b.controls;
      map.items.push(keyedEntry(doc, b.id, [`${p.file}:${b.line} trust boundary ${b.tgId}`, ...b.notes], v));
    }
    section(root, 'boundaries', map);
  }

  if (p.assets.length) {
    const map = new YAMLMap();
    for (const a of p.assets) map.items.push(keyedEntry(doc, a.id, [`${p.file}:${a.line} data asset ${a.tgId}`, ...a.notes], a.v));
    section(root, 'assets', map);
  }

  const elements = new YAMLMap();
  for (const e of p.elements) {
    const v: Record<string, unknown> = {};
    if (e.name !== e.id) v.name = e.name;
    if (e.type) v.type = e.type;
    // Ours: the kind wherever type and tech do not imply it (none, or another); another's: where neither is
    // known. The model has no default kind: an element whose type and tech imply none must say it.
    if (e.carried ? kindImpliedBy(e.type, e.tech) !== e.kind : !e.type && !e.tech) v.kind = e.kind;
    if (e.tech) v.tech = e.tech;
    if (e.in) v.in = e.in;
    if (e.description !== undefined) v.description = e.description;
    if (e.exposed !== undefined) v.exposed = e.exposed;
    if (e.privileged) v.privileged = true;
    if (e.replicas !== undefined) v.replicas = e.replicas;
    if (e.owner !== undefined) v.owner = e.owner;
    if (e.tags) v.tags = e.tags;
    if (e.auth) v.auth = e.auth;
    if (e.handles.length) v.handles = e.handles;
    if (e.stores.length) v.stores = e.stores;
    if (e.controls.length) v.controls = e.controls;
    if (e.endpoints) v.endpoints = endpointsOf(e.endpoints);
    const entry = keyedEntry(doc, e.id, [`${p.file}:${e.line} technical asset ${e.tgId}`, ...e.notes], v);
    if (e.endpoints) unfolded(entry);
    elements.items.push(entry);
  }
  section(root, 'elements', elements);

  if (p.flows.length) {
    const seq = new YAMLSeq();
    for (const f of p.flows) {
      const details: Record<string, unknown> = {};
      if (f.id) details.id = f.id;
      if (f.name !== undefined) details.name = f.name;
      details.protocol = f.protocol;
      if (f.encrypted !== undefined) details.encrypted = f.encrypted;
      // Ours: `none` only where the protocol would otherwise imply a method (mutual TLS).
      if (f.auth && !(f.carried && f.auth === 'none' && !lookup(PROTOCOLS, f.protocol)?.auth)) details.auth = f.auth;
      if (f.credential !== undefined) details.credential = f.credential;
      if (f.data.length) details.data = f.data;
      if (f.endpoint !== undefined) details.endpoint = f.endpoint;
      if (f.controls.length) details.controls = f.controls;
      if (f.port !== undefined) details.port = f.port;
      if (f.description !== undefined) details.description = f.description;
      seq.items.push(flowItem(doc, f.from, f.to, details, [`${p.file}:${f.line} communication link "${f.title}"`, ...f.notes]));
    }
    section(root, 'flows', seq);
  }
  const decisions = threatsSection(doc, root, p.written);
  modelSections(doc, root, p.assumptions, p.rules);
  return { text: doc.toString({ lineWidth: 0 }), decisions };
}
