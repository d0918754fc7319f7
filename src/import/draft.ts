// A draft model, as `threatmap discover` reads it from a repository's own files: elements, flows and
// boundaries, each with where it was found. Every source (Docker Compose, Kubernetes, OpenAPI,
// Terraform) produces a Draft; drafts are merged, then written as a model to review. A draft holds
// facts as the files state them (an image, a host named in a setting); decisions that depend on other
// files (a flow's protocol follows its target's technology, which an override file may change) are made
// again after every merge. Pure: no Node APIs.
import { Document, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { type AssetType, type AuthMethod, type Classification, type Control, ELEMENT_TYPES, type ElementKind, PROTOCOLS, type EndpointKind, type ElementType, TECHNOLOGIES, type TrustLevel } from '../model/catalog.js';
import { HARD_CODED_SECRET_TAG } from '../analysis/rules/data-at-rest.js';
import { TOKEN_SIGNING_KEY_TAG } from '../analysis/rules/signing-keys.js';
import { SSH_PROTOCOLS } from '../analysis/rules/service-identity.js';
import { lookup } from './import-common.js';
import { type CredentialUse, isPlainUserName } from './secret-values.js';
import { Certainty, type ConnectionFacts, guessProtocol, schemeProtocol } from './protocols.js';

/** Where a fact was found: `docker-compose.yml:12`, with a few words on what is there. */
export interface Provenance {
  file: string;
  line: number;
  /** What the line says, in a few words; never a secret's value. */
  note?: string;
}

/** What an element is; set as a whole, so that a later file's image replaces an earlier one's. */
export interface Identity {
  tech?: string;
  type?: ElementType;
  kind?: ElementKind;
  /** The protocol it answers, where its image says so and the catalogue has no technology for it (an SSH server). */
  protocol?: string;
}

export interface DraftElement {
  /** Unique in a draft. A real element's key is its id; made-up elements have keys no id can be. */
  key: string;
  /** The id it asks for in the model; a made-up element gives way to real ones (see assignIds). */
  id: string;
  /** Another id to try when `id` is taken. */
  fallbackId?: string;
  /** Invented by the reader (the outside clients), not found in a file. */
  madeUp?: boolean;
  /** Display name, when the id had to differ from the name in the file. */
  name?: string;
  identity?: Identity;
  /** The key of its boundary. */
  boundary?: string;
  /** Other names it is reached by (container names, network aliases). */
  aliases: string[];
  /**
   * The folders its code is built from (a Compose build context), relative to the folder searched (`` for that
   * folder itself): an API spec inside one describes this element's API.
   */
  codeFolders?: string[];
  privileged?: Provenance;
  replicas?: number;
  /** A setting of its own asks clients for a password; counts for servers only (see isServer). */
  passwordSetting?: Provenance;
  /** Its command line asks every client for a password, whatever it is. */
  requiresPassword?: Provenance;
  /** The server refuses connections without TLS (a managed database's default, a setting): clients speak its TLS protocol. */
  requiresTls?: Provenance;
  /**
   * A setting of its own lets every client in without credentials (`POSTGRES_HOST_AUTH_METHOD=trust`, an empty
   * root password): its inbound flows are `auth: none` whatever password a client sends.
   */
  noAuth?: Provenance;
  /**
   * How the server authenticates every client, where its own settings say (a managed broker's shared access keys,
   * or cloud identities only): the auth of its inbound flows whose evidence states none.
   */
  clientAuth?: { method: AuthMethod; provenance: Provenance };
  /**
   * A setting of its own switches SSH password login off (`PASSWORD_ACCESS=false`, `PasswordAuthentication no` in
   * an sshd_config it mounts): its SSH clients log in with keys. Without it no file says how they log in, which
   * OpenSSH leaves to password login on most systems.
   */
  sshKeyOnly?: Provenance;
  /**
   * A file switches off what protects the data it holds (no authentication, no encryption at rest). The files
   * never say what that data is, so the draft gives it a placeholder asset: the rules about stored data then
   * weigh it, and the reviewer replaces it with the real assets. The provenance is the switch.
   */
  dataAtRisk?: Provenance;
  /**
   * What that data is, where the files do say (a Terraform state bucket holds the state of a configuration that
   * sets a database's password): the asset is then this, not a placeholder.
   */
  dataAtRiskAsset?: { name: string; type: AssetType; classification: Classification; description: string };
  /**
   * Secrets its own files write as literals (a password in `environment:`), in file order; each note names the
   * setting and says what the value is like (its length), never the value. The model marks the element with a
   * `hard-coded-secret` tag citing the first, which `secrets-in-config` reads. A signing key is not among them: a
   * key that signs tokens is a `token-signing-key` fact and a framework's session key (Django's `SECRET_KEY`, Rails'
   * `SECRET_KEY_BASE`) a `session-signing-key` one (see `facts`, and `signingSetting` in secret-values.ts), which
   * forgeable-tokens reads; secrets-in-config reports one that forgeable-tokens leaves.
   */
  hardCodedSecrets?: Provenance[];
  /**
   * Facts a rule reads that the model has no field for (`imdsv1`, `backups-off`), each with where it is written:
   * the model tags the element `NAME:file:line`, and the element's comment says it with its note.
   */
  facts?: DraftFact[];
  provenance: Provenance[];
  /** For a made-up element: why it is there. */
  comment?: string;
  /**
   * The model's `description:`, for a made-up element whose reason belongs in the report too (who the cluster's other
   * workloads are and why they are drawn as callers), not only in the draft's comment.
   */
  description?: string;
  /** Operations an API spec states, by key (`POST /login`), in spec order. */
  endpoints?: DraftEndpoint[];
  /** Controls a file states outright (encryption switched on, a web ACL attached), each with where. */
  controls?: DraftControl[];
  /** A service outside the files read, known only because a setting names its host (a managed database, a SaaS API). */
  outside?: boolean;
}

export interface DraftControl {
  control: Control;
  provenance: Provenance;
}

export interface DraftFact {
  /** The tag's name, one a rule reads (see IMDSV1_TAG, BACKUPS_OFF_TAG). */
  tag: string;
  provenance: Provenance;
}

/**
 * Adds facts an element does not have yet. Two files stating the same fact at different places (a JWT key
 * literal in a compose file and in a manifest) are both kept, in the order the files are read, so that every
 * literal is cited; the same place read twice (the element's tag `NAME:file:line`) is kept once.
 */
export function addFacts(e: DraftElement, facts: readonly DraftFact[]): void {
  const list = (e.facts ??= []);
  const same = (a: DraftFact, b: DraftFact) => a.tag === b.tag && a.provenance.file === b.provenance.file && a.provenance.line === b.provenance.line;
  for (const f of facts) if (!list.some((x) => same(x, f))) list.push(f);
}

/** One operation of an API: only what the spec says beyond its key (the model infers a kind from the path). */
export interface DraftEndpoint {
  /** `METHOD /path`, the model's endpoint key. */
  key: string;
  /** Only when the spec says more than the path does (a multipart body is an upload). */
  kind?: EndpointKind;
  /** Callable without authentication. */
  public?: boolean;
  /** An AUTH value, for an operation that needs authentication. */
  auth?: string;
  /**
   * Known from a proxy's route (an Ingress path, a Traefik router): its auth is what the proxy asks of callers
   * on that route, which says nothing of the element's other paths or of callers inside that bypass the proxy.
   */
  routed?: boolean;
  /**
   * Controls a file states for this operation alone (a gateway's managed authorizer on one route), each with
   * where: on the element they would claim its other operations too.
   */
  controls?: DraftControl[];
  /** Every place it was stated; a later spec stating the same key adds its place. */
  provenance: Provenance[];
}

export interface DraftBoundary {
  key: string;
  id: string;
  fallbackId?: string;
  name: string;
  trust: TrustLevel;
  kind?: 'network' | 'container' | 'cloud' | 'service';
  /** The key of the enclosing boundary (a VPC in its cloud account). */
  parent?: string;
  description?: string;
  provenance: Provenance[];
  comment?: string;
}

/** One piece of evidence for a flow: a setting that names the target, a published port... */
export interface FlowEvidence extends ConnectionFacts {
  provenance: Provenance;
  /** The port the caller connects to (a published host port; the port in a URL). */
  port?: number;
  /** The setting carries a password. */
  credentials?: boolean;
  /**
   * The literal login the caller sends (a fingerprint and the user, never the password): callers of one target
   * sending the same one share a credential, which the model names (`credential:`) for `shared-credentials`.
   */
  credential?: CredentialUse;
  /** How callers authenticate, where the file or the service says so (a managed Kubernetes API takes cloud identities). */
  auth?: AuthMethod;
  /**
   * What the connection may do, in words, where a file says (an RBAC grant's reach): the flow's description. It
   * rides on the evidence so that settling and merging, which rebuild flows from their evidence, keep it.
   */
  description?: string;
  /**
   * The proxy route the call comes through (`router admin`, `Ingress shop`): routes to one listener that ask
   * different things of callers leave the flow's auth unstated, each route's paths (endpoints) carrying their own.
   */
  route?: string;
  /**
   * The variable whose value names the target (`IDENTITY_SERVICE=crapi-identity:8080`): a proxy's settings name
   * its upstreams, which is how an API spec placed on the proxy finds the services behind its path prefixes.
   */
  setting?: string;
  /**
   * The call of a made-up caller standing in for callers no file names (the cluster's other pods calling a Service no
   * setting names): once another file shows a real caller of the target, it goes (see dropStandIns).
   */
  standIn?: boolean;
}

export interface DraftFlow {
  from: string;
  to: string;
  /** In file order once settled; the first is the flow's own provenance. */
  evidence: FlowEvidence[];
  /** Worked out from the evidence and the target by settleFlows. */
  protocol: string;
  auth?: AuthMethod;
  port?: number;
  /** What no file says and the reviewer must state (how SSH clients log in), for the flow's comment. */
  check?: string;
  /** Why the flow's auth is not what its evidence says (the target lets every client in), for the flow's comment. */
  stated?: string;
  /** The model's `description:`, from the first evidence in file order that has one. */
  description?: string;
  /** The literal login of the first evidence in file order that has one. */
  credential?: CredentialUse;
}

/** A host named by an element, not (yet) matched to an element: another file may define it. */
export interface HostReference {
  from: string;
  host: string;
  /** Names a service outright (compose's depends_on), rather than a host in a setting. */
  explicit?: boolean;
  /** The variable whose value names the host (`SMTP_HOST`), for telling an address from any other value. */
  setting?: string;
  /** The setting wrote a port with the host (`smtp.acme.dev:587`), which a file name never has. */
  withPort?: boolean;
  evidence: FlowEvidence;
}

/** A fact for a reviewer to check, with where it is written; never a secret's value. */
export interface DraftCheck {
  file: string;
  line: number;
  message: string;
}

/** A check as the model's header says it: where, then what. */
export const checkLine = (c: DraftCheck): string => `Check: ${c.file}:${c.line} ${c.message}`;

/** Something found and deliberately left out of the model. */
export interface Omission {
  /** The key its element would have. */
  key: string;
  reason: string;
  provenance: Provenance;
  /** How to include it. */
  hint?: string;
}

export interface DraftSource {
  file: string;
  format: string;
}

export interface Draft {
  /** The system's name as the files give it; absent when they disagree. */
  name?: string;
  sources: DraftSource[];
  boundaries: DraftBoundary[];
  elements: DraftElement[];
  flows: DraftFlow[];
  references: HostReference[];
  omitted: Omission[];
  /** What the sources cannot say and a reviewer must add, one line each, for the header. */
  limits: string[];
}

/**
 * The header's list of what a source's files cannot say, for a reviewer to add: the same four facts for
 * every deployment format, with the source's own first line, trust line(s) and closing notes.
 */
export function reviewLimits(intro: string, trust: readonly string[], notes: readonly string[]): string[] {
  return [
    intro,
    '  assets: the data each service handles and stores (`assets:`, then `handles:` and `stores:`)',
    '  authentication: how callers prove who they are (`auth:` on elements and flows)',
    '  controls: rate limiting, input validation, audit logging, encryption at rest... (`controls:`)',
    ...trust,
    '  endpoints: which paths are public, log people in or take uploads (`endpoints:`)',
    ...notes,
  ];
}

export const emptyDraft = (): Draft => ({
  sources: [], boundaries: [], elements: [], flows: [], references: [], omitted: [], limits: [],
});

// --- Building ----------------------------------------------------------------------------------------

/** A routed path that names part of an API (`/admin`, `/api/v1`): not the catch-all `/`, not a regular expression. */
export const ROUTE_PATH = /^\/[A-Za-z0-9._~{}-][A-Za-z0-9._~{}/-]*$/;

/** Keys that no element id can be (ids have no spaces or parentheses), so made-up parts never meet real ones. */
export const OUTSIDE_BOUNDARY = '(outside)';
export const OUTSIDE_CLIENTS = '(outside clients)';
export const HOST_BOUNDARY = '(host)';
export const HOST_CLIENTS = '(host clients)';
export const NETWORK_BOUNDARY = '(cloud network)';
export const NETWORK_CLIENTS = '(network clients)';

export function addBoundary(draft: Draft, boundary: DraftBoundary): DraftBoundary {
  const existing = draft.boundaries.find((b) => b.key === boundary.key);
  if (!existing) {
    draft.boundaries.push(boundary);
    return boundary;
  }
  existing.name = boundary.name;
  existing.trust = boundary.trust;
  existing.kind = boundary.kind ?? existing.kind;
  existing.parent = boundary.parent ?? existing.parent;
  existing.description = boundary.description ?? existing.description;
  existing.comment = boundary.comment ?? existing.comment;
  // A boundary every element of a configuration names once is found at one place, not once per element.
  const same = (a: Provenance, b: Provenance) => a.file === b.file && a.line === b.line && a.note === b.note;
  for (const p of boundary.provenance) if (!existing.provenance.some((q) => same(p, q))) existing.provenance.push(p);
  return existing;
}

/**
 * A list's items by a key, the first in list order for each, kept beside the list (by the array: a list
 * replaced by a filtered copy is indexed anew, and one whose length changed behind the index's back is indexed
 * again). Finding elements and flows by scanning made drafts of thousands of services quadratic.
 */
export class ListIndex<T> {
  private readonly indexes = new WeakMap<T[], { byKey: Map<string, T>; count: number }>();

  constructor(private readonly keyOf: (item: T) => string) {}

  private indexOf(list: T[]): { byKey: Map<string, T>; count: number } {
    let index = this.indexes.get(list);
    if (index === undefined || index.count !== list.length) {
      const byKey = new Map<string, T>();
      for (const item of list) {
        const key = this.keyOf(item);
        if (!byKey.has(key)) byKey.set(key, item);
      }
      index = { byKey, count: list.length };
      this.indexes.set(list, index);
    }
    return index;
  }

  find(list: T[], key: string): T | undefined {
    return this.indexOf(list).byKey.get(key);
  }

  push(list: T[], item: T): void {
    const index = this.indexOf(list);
    list.push(item);
    index.count++;
    const key = this.keyOf(item);
    if (!index.byKey.has(key)) index.byKey.set(key, item);
  }
}

const elementIndex = new ListIndex<DraftElement>((e) => e.key);
const flowIndex = new ListIndex<DraftFlow>((f) => `${f.from}\u0000${f.to}`);

/** The draft's element with this key (keys are unique: addElement merges elements of the same key). */
export const elementByKey = (draft: Draft, key: string): DraftElement | undefined => elementIndex.find(draft.elements, key);

/** Adds an element, or merges it into the one with its key: the facts it states win, provenance adds up. */
export function addElement(draft: Draft, element: DraftElement): DraftElement {
  const existing = elementByKey(draft, element.key);
  if (!existing) {
    elementIndex.push(draft.elements, element);
    return element;
  }
  existing.name = element.name ?? existing.name;
  existing.identity = element.identity ?? existing.identity;
  existing.boundary = element.boundary ?? existing.boundary;
  existing.privileged = element.privileged ?? existing.privileged;
  existing.replicas = element.replicas ?? existing.replicas;
  existing.passwordSetting = element.passwordSetting ?? existing.passwordSetting;
  existing.requiresPassword = element.requiresPassword ?? existing.requiresPassword;
  existing.requiresTls = element.requiresTls ?? existing.requiresTls;
  existing.noAuth = element.noAuth ?? existing.noAuth;
  existing.clientAuth = element.clientAuth ?? existing.clientAuth;
  existing.sshKeyOnly = element.sshKeyOnly ?? existing.sshKeyOnly;
  existing.dataAtRisk = element.dataAtRisk ?? existing.dataAtRisk;
  if (element.hardCodedSecrets) addHardCodedSecrets(existing, element.hardCodedSecrets);
  if (element.facts) addFacts(existing, element.facts);
  existing.comment = element.comment ?? existing.comment;
  existing.description = element.description ?? existing.description;
  // A file that defines the service makes it part of the system, whichever file only named it.
  if (existing.outside && !element.outside) delete existing.outside;
  for (const alias of element.aliases) if (!existing.aliases.includes(alias)) existing.aliases.push(alias);
  if (element.codeFolders) addCodeFolders(existing, element.codeFolders);
  existing.provenance.push(...element.provenance);
  if (element.endpoints) addEndpoints(existing, element.endpoints);
  if (element.controls) addControls(existing, element.controls);
  return existing;
}

/** An element built from several contexts (a base file and an override building it otherwise) holds each. */
function addCodeFolders(element: DraftElement, folders: readonly string[]): void {
  const list = (element.codeFolders ??= []);
  for (const f of folders) if (!list.includes(f)) list.push(f);
}

/** Literal secrets join an element's, each place once (a file read twice states it twice). */
function addHardCodedSecrets(element: DraftElement, places: readonly Provenance[]): void {
  const list = (element.hardCodedSecrets ??= []);
  for (const p of places) if (!list.some((q) => q.file === p.file && q.line === p.line && q.note === p.note)) list.push({ ...p });
}

/**
 * Endpoints join an element's: a key it has already takes the later statement's facts (the later spec
 * wins) and keeps both places, and both statements' controls, as a control stays in place whoever else
 * describes the operation; new keys follow in order.
 */
export function addEndpoints(element: DraftElement, endpoints: readonly DraftEndpoint[]): void {
  const list = (element.endpoints ??= []);
  for (const ep of endpoints) {
    const copy: DraftEndpoint = { ...ep, provenance: cloneProvenance(ep.provenance) };
    if (ep.controls) copy.controls = joinControls([], ep.controls);
    const i = list.findIndex((x) => x.key === ep.key);
    if (i < 0) list.push(copy);
    else {
      const controls = joinControls(list[i].controls ?? [], copy.controls ?? []);
      list[i] = { ...copy, provenance: [...list[i].provenance, ...copy.provenance], ...(controls.length ? { controls } : {}) };
    }
  }
}

/** Controls join a list (in place): one entry per control, with the first place that states it. */
function joinControls(list: DraftControl[], more: readonly DraftControl[]): DraftControl[] {
  for (const c of more) if (!list.some((x) => x.control === c.control)) list.push({ control: c.control, provenance: { ...c.provenance } });
  return list;
}

/** Controls join an element's: one entry per control, with the first place that states it. */
export function addControls(element: DraftElement, controls: readonly DraftControl[]): void {
  joinControls((element.controls ??= []), controls);
}

/**
 * Evidence for a pair of elements joins the pair's first flow; settleFlows then splits the pair's evidence into
 * one flow per listener (see listenerGroups), so that where evidence arrives does not decide how it is drawn.
 */
export function addEvidence(draft: Draft, from: string, to: string, evidence: readonly FlowEvidence[]): void {
  for (const ev of evidence) {
    let flow = flowIndex.find(draft.flows, `${from}\u0000${to}`);
    if (!flow) {
      flow = { from, to, evidence: [], protocol: 'http' };
      flowIndex.push(draft.flows, flow);
    }
    flow.evidence.push(ev);
  }
}

/** The made-up callers of published ports: one for anyone who can reach the host, one for the host itself. */
const CALLERS = {
  outside: {
    boundary: {
      key: OUTSIDE_BOUNDARY, id: 'outside', fallbackId: 'outside-zone', name: 'Outside', trust: 'untrusted',
      comment: 'Untrusted until you know better: who can reach the published ports (internet, office network)?',
    },
    element: {
      key: OUTSIDE_CLIENTS, id: 'clients', fallbackId: 'outside-clients', name: 'Outside clients',
      comment: 'Made up for the published ports: browsers, other systems, people. Split it into the real callers.',
    },
  },
  // A port published on the loopback address is not reachable from the network: its callers are the
  // host's own processes and users (and, through them, a browser on that host), so they are not rated
  // as the internet.
  host: {
    boundary: {
      key: HOST_BOUNDARY, id: 'host', fallbackId: 'host-zone', name: 'This host', trust: 'internal',
      comment: 'Ports published on the loopback address only: reachable from the host itself, not from the network.',
    },
    element: {
      key: HOST_CLIENTS, id: 'host-clients', fallbackId: 'local-clients', name: 'Local clients',
      comment: 'Made up for the loopback-only ports: processes and people on the host (a browser there too). Trusted as the host is.',
    },
  },
  // An internal load balancer answers the cloud network (peered networks, VPNs, other clusters): not the
  // internet, but not the namespace's own pods either.
  network: {
    boundary: {
      key: NETWORK_BOUNDARY, id: 'cloud-network', fallbackId: 'cloud-network-zone', name: 'Cloud network', trust: 'internal',
      comment: 'Internal load balancers only: reachable from the cloud network (peered networks, VPNs), not from the internet.',
    },
    element: {
      key: NETWORK_CLIENTS, id: 'network-clients', fallbackId: 'internal-clients', name: 'Network clients',
      comment: 'Made up for the internal load balancers: systems and people on the cloud network. Split it into the real callers.',
    },
  },
} as const satisfies Record<string, {
  boundary: Pick<DraftBoundary, 'key' | 'id' | 'fallbackId' | 'name' | 'trust' | 'comment'>;
  element: Pick<DraftElement, 'key' | 'id' | 'fallbackId' | 'name' | 'comment'>;
}>;

/**
 * Something calls `target` through a published port or a public load balancer: `outside`, anyone who can
 * reach the host (an untrusted boundary), `host`, the host alone (a port bound to its loopback address), or
 * `network`, the cloud network behind an internal load balancer.
 * One made-up element stands for all such callers, with a flow to each target: who they are (the internet,
 * a company network, the host's own users) no deployment file says, so it stays one element to split.
 */
export function addOutsideCaller(draft: Draft, target: string, evidence: FlowEvidence, from: keyof typeof CALLERS = 'outside'): void {
  const { boundary, element } = CALLERS[from];
  addBoundary(draft, { ...boundary, provenance: [] });
  addElement(draft, { ...element, madeUp: true, identity: { kind: 'external' }, boundary: boundary.key, aliases: [], provenance: [] });
  addEvidence(draft, element.key, target, [evidence]);
}

// --- Settling ----------------------------------------------------------------------------------------

export function kindOf(identity: Identity | undefined): ElementKind {
  if (identity?.kind) return identity.kind;
  const type = identity?.type ?? (identity?.tech ? TECHNOLOGIES[identity.tech]?.type : undefined);
  return type ? ELEMENT_TYPES[type].kind : 'process';
}

/** Databases, caches, brokers: their own password settings are the ones clients log in with. */
const isServer = (element: DraftElement): boolean => kindOf(element.identity) === 'store';

/** Every name an element is reached by, lower-case (DNS names ignore case); the first element to claim one keeps it. */
function hostIndex(draft: Draft): Map<string, DraftElement> {
  const index = new Map<string, DraftElement>();
  for (const e of draft.elements) {
    if (e.madeUp) continue;
    for (const name of [e.key, e.name, ...e.aliases]) {
      if (name !== undefined && !index.has(name.toLowerCase())) index.set(name.toLowerCase(), e);
    }
  }
  return index;
}

/** Turns references to known hosts into flows; the rest wait for another file, and self-references go. */
export function resolveReferences(draft: Draft): void {
  const index = hostIndex(draft);
  const pending: HostReference[] = [];
  for (const ref of draft.references) {
    const target = index.get(ref.host.toLowerCase());
    if (!target) pending.push(ref);
    else if (target.key !== ref.from) addEvidence(draft, ref.from, target.key, [ref.setting !== undefined ? { ...ref.evidence, setting: ref.setting } : ref.evidence]);
  }
  draft.references = pending;
}

// --- Services outside the files -----------------------------------------------------------------------

/** Names that are not on the internet: the host's own, a cluster's or a LAN's, and the reserved ones (RFC 2606, 6761). */
const PRIVATE_NAME = /(?:^|\.)(?:localhost|local|internal|svc|cluster\.local|lan|home\.arpa|localdomain|intranet|corp|test|invalid|example)$/i;
/** Documentation placeholders: `db.example.com` is no service anyone calls. */
const PLACEHOLDER_NAME = /(?:^|\.)example\.(?:com|org|net)$/i;
export const isPlaceholderHost = (host: string): boolean => PLACEHOLDER_NAME.test(host);
/**
 * The last word of a variable name that says its value is an address, a numbered one (`_2`) aside: words, not
 * letters, since SECURITY_ENABLED holds "URI" and RABBITMQ_DEFAULT_VHOST "HOST", and the last word, since what
 * follows an address word says what the value is instead (HOSTNAME_STRATEGY, POSTGRES_HOST_AUTH_METHOD).
 */
const ADDRESS_SETTING = /(?:^|_)(?:HOSTS?|HOSTNAMES?|URLS?|URIS?|ENDPOINTS?|ADDRS?|ADDRESS|ADDRESSES)(?:_\d+)?$/i;
/**
 * Names that hold an address only when the value is written `host:port` (`KAFKA_BROKERS=broker-1:9092`,
 * `SPRING_KAFKA_BOOTSTRAP_SERVERS`): `MESSAGE_BROKER=rabbitmq` or `SERVER=production` names a kind or a mode.
 */
const SERVER_SETTING = /(?:^|_)(?:SERVERS?|BROKERS?)(?:_\d+)?$/i;

/**
 * Whether a setting is named for an address (`DB_HOST`, `PAYMENTS_URL`), so that its value is one; `withPort`: its
 * value is written `host:port`, which makes a list of servers or brokers one too. Unknown values have no port.
 */
export const isAddressSetting = (key: string, withPort = false): boolean =>
  ADDRESS_SETTING.test(key) || (withPort && SERVER_SETTING.test(key));

/** A reference that names an address for sure: a URL, or a value of a setting named for one (`DB_HOST=db`). */
export const namesAnAddress = (ref: HostReference): boolean =>
  ref.evidence.scheme !== undefined || (ref.setting !== undefined && isAddressSetting(ref.setting, ref.withPort === true));

/** A DNS name on the internet, as far as its form says: dotted, ending in a top-level domain, none of the private or placeholder ones. */
export function isPublicHostName(host: string): boolean {
  const h = host.toLowerCase();
  return h.includes('.') && /\.(?:[a-z]{2,63}|xn--[a-z0-9-]+)$/.test(h) && !PRIVATE_NAME.test(h) && !PLACEHOLDER_NAME.test(h);
}

/**
 * Top-level domains common enough that a two-label name ending in one is a host on the internet (`stripe.com`,
 * `example.io`), where a cluster's DNS would otherwise read it as a Service in a namespace. Left out on purpose:
 * those that are also file extensions (`.py`, `.sh`, `.md`, `.rs`, `.pl`) or usual namespace names (`.dev`,
 * `.app`, `.cloud`, `.shop`), which a two-label name more likely means.
 */
const COMMON_TLDS = new Set([
  'com', 'net', 'org', 'io', 'co', 'ai', 'gov', 'edu', 'info', 'biz', 'me', 'tv', 'xyz', 'eu', 'us', 'uk', 'de', 'fr', 'nl', 'es',
  'it', 'ch', 'at', 'be', 'se', 'no', 'dk', 'fi', 'ie', 'pt', 'cz', 'jp', 'cn', 'kr', 'in', 'au', 'nz', 'ca', 'br', 'mx', 'za',
]);

/** A two-label name whose last label is a common top-level domain (see COMMON_TLDS): `stripe.com`, not `redis.cache`. */
export function publicTwoLabelName(host: string): boolean {
  const labels = host.toLowerCase().split('.');
  return labels.length === 2 && labels[0] !== '' && COMMON_TLDS.has(labels[1]) && isPublicHostName(host);
}

/**
 * Extensions of files a setting names (`config.json`, `app.log`, `server.pem`): a dotted value ending in one is a
 * file, not a host, whatever the variable is called.
 */
const FILE_EXTENSIONS = new Set([
  'json', 'yaml', 'yml', 'toml', 'xml', 'ini', 'conf', 'cfg', 'config', 'properties', 'env', 'log', 'txt', 'csv', 'pem', 'crt', 'cer',
  'key', 'p12', 'pfx', 'jks', 'html', 'js', 'mjs', 'ts', 'py', 'rb', 'sh', 'jar', 'war', 'sql', 'db', 'sqlite', 'sock', 'pid', 'lock', 'gz', 'zip', 'tar',
]);

/** A dotted name whose last label is a file extension (see FILE_EXTENSIONS): `settings.yaml`, not `api.stripe.com`. */
export function namesAFile(host: string): boolean {
  const labels = host.toLowerCase().split('.');
  return labels.length > 1 && FILE_EXTENSIONS.has(labels[labels.length - 1]);
}

/** A name whose last label is a common top-level domain (see COMMON_TLDS), at any depth: `smtp.sendgrid.net`, not `app.log`. */
export function endsInCommonTld(host: string): boolean {
  const labels = host.toLowerCase().split('.');
  return labels.length > 1 && labels.every((l) => l !== '') && COMMON_TLDS.has(labels[labels.length - 1]) && isPublicHostName(host);
}

/** Host suffixes of services the catalogue knows (a payment API, a mail provider, AWS services by their endpoints). */
const SERVICE_HOSTS: ReadonlyArray<[RegExp, string]> = [
  [/(?:^|\.)stripe\.com$/, 'stripe'],
  [/(?:^|\.)paypal\.com$/, 'paypal'],
  [/(?:^|\.)adyen(?:payments)?\.com$/, 'adyen'],
  [/(?:^|\.)sendgrid\.(?:net|com)$/, 'sendgrid'],
  [/(?:^|\.)auth0\.com$/, 'auth0'],
  [/(?:^|\.)okta\.com$/, 'okta'],
  [/(?:^|\.)openai\.com$/, 'openai'],
  [/(?:^|\.)anthropic\.com$/, 'anthropic'],
  [/^email-smtp\.[a-z0-9-]+\.amazonaws\.com$/, 'ses'],
  [/^sqs\.[a-z0-9-]+\.amazonaws\.com$/, 'sqs'],
  [/(?:^|\.)s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com$/, 's3'],
  [/\.cache\.amazonaws\.com$/, 'redis'],
];

/** Wire protocols whose server is a technology of its own (a `postgres://` URL names a PostgreSQL server). */
const PROTOCOL_TECH: Record<string, string> = {
  postgres: 'postgres', mysql: 'mysql', mongodb: 'mongodb', redis: 'redis', rediss: 'redis', memcached: 'memcached',
  kafka: 'kafka', amqp: 'rabbitmq', amqps: 'rabbitmq', ldap: 'ldap', ldaps: 'ldap', smtp: 'smtp', smtps: 'smtp',
};

/** What a service outside the files is, from its host name, else its URL's scheme, else the variable naming it. */
export function outsideIdentity(host: string, evidence: FlowEvidence, setting: string | undefined): Identity {
  const known = SERVICE_HOSTS.find(([re]) => re.test(host.toLowerCase()))?.[1];
  const protocol = evidence.scheme !== undefined ? schemeProtocol(evidence.scheme)?.replace(/\+tls$/, '') : undefined;
  const mail = setting !== undefined && /(?:^|_)(?:SMTP|MAIL)(?:_|$)/i.test(setting) ? 'smtp' : undefined;
  const tech = known ?? (protocol !== undefined ? lookup(PROTOCOL_TECH, protocol) : undefined) ?? mail;
  // A mail provider named as a mail host is reached over SMTP, whatever else it offers.
  const speaks = mail !== undefined && evidence.scheme === undefined ? { protocol: mail } : {};
  return tech !== undefined ? { tech, ...speaks } : { type: 'third-party', ...speaks };
}

/**
 * `s3://statements/exports` and `gs://acme-data` name a bucket, not a host: a managed store outside the files,
 * whatever the name's form.
 */
const BUCKET_SCHEMES: Record<string, string> = { s3: 's3', s3a: 's3', gs: 'gcs' };
const bucketTech = (ref: HostReference): string | undefined =>
  ref.evidence.scheme === undefined ? undefined : lookup(BUCKET_SCHEMES, ref.evidence.scheme.toLowerCase());

/**
 * Hosts on the internet that settings name and no file defines (`DATABASE_URL=postgres://...rds.amazonaws.com`,
 * `STRIPE_API_BASE=https://api.stripe.com`, `SMTP_HOST=smtp.sendgrid.net`): one element each, outside every
 * boundary of the project, with a flow from each service naming it, its provenance the setting. Call it after
 * resolveReferences and before settleFlows, which gives the flows their protocols (a scheme, `sslmode=require`)
 * and authentication (a password in the URL). A bare value counts only under a variable named for an address
 * (see isAddressSetting); names of services that may yet be defined elsewhere (no dot, a cluster's
 * `.svc` names) and placeholders (`example.com`) wait as references, as does anything depends_on names, or
 * that `mayBeOutside` turns down (a name the format's own DNS may resolve). Returns the elements added.
 */
export function addOutsideServices(draft: Draft, mayBeOutside: (ref: HostReference) => boolean = () => true): DraftElement[] {
  const added: DraftElement[] = [];
  const pending: HostReference[] = [];
  for (const ref of draft.references) {
    const bucket = bucketTech(ref);
    if (bucket === undefined && (ref.explicit || !namesAnAddress(ref) || !isPublicHostName(ref.host) || !mayBeOutside(ref))) {
      pending.push(ref);
      continue;
    }
    const key = ref.host.toLowerCase();
    const known = elementByKey(draft, key);
    const element = known ?? addElement(draft, {
      key, id: key, identity: bucket !== undefined ? { tech: bucket } : outsideIdentity(key, ref.evidence, ref.setting), outside: true, aliases: [], provenance: [],
      comment: bucket !== undefined
        ? 'A cloud storage bucket named by a setting: what it holds, and who else reads or writes it, is for you to add'
        : 'Outside the files read, named by a setting: who runs it (a managed service, a partner) and what it holds is for you to add',
    });
    if (!known) added.push(element);
    // Services sharing one YAML anchor's settings name the host at the same line: it is cited once.
    const at = ref.evidence.provenance;
    if (!element.provenance.some((p) => p.file === at.file && p.line === at.line && p.note === at.note)) element.provenance.push({ ...at });
    addEvidence(draft, ref.from, key, [ref.evidence]);
  }
  draft.references = pending;
  return added;
}

const fileRank = (draft: Draft) => {
  const rank = new Map(draft.sources.map((s, i) => [s.file, i]));
  return (p: Provenance) => rank.get(p.file) ?? draft.sources.length;
};

/** The port a piece of evidence reaches in the target: the listener (a container port), else the port called. */
const listenerPort = (ev: FlowEvidence): number | undefined => ev.targetPort ?? ev.port;

/** The same fact stated twice at the same place (two listeners forwarding to one target group) counts once. */
const sameEvidence = (a: FlowEvidence, b: FlowEvidence): boolean => JSON.stringify(a) === JSON.stringify(b);

type Guessed = { ev: FlowEvidence; guess: ReturnType<typeof guessProtocol> };

/** The strongest guess of a group; among equals the first in file order. */
function strongest(group: readonly Guessed[]): Guessed | undefined {
  let best: Guessed | undefined;
  for (const g of group) if (best === undefined || g.guess.certainty > best.guess.certainty) best = g;
  return best;
}

/**
 * A pair's evidence as one group per listener, in port order: evidence that names a port goes with that
 * port (a TLS listener on 443 never hides a cleartext one on 80); evidence without a port joins the listener
 * that speaks its protocol, else, when it states a protocol of its own (a URL's scheme), is a connection of
 * its own, else (depends_on, a bare host name) joins the first listener. Port order, not file order, so that
 * swapping two resources in a file changes nothing.
 */
function listenerGroups(evidence: readonly FlowEvidence[], tech: string | undefined, protocolHint: string | undefined): Guessed[][] {
  const byPort = new Map<number, Guessed[]>();
  const loose: Guessed[] = [];
  for (const ev of evidence) {
    const g = { ev, guess: guessProtocol(ev, tech, protocolHint) };
    const port = listenerPort(ev);
    if (port === undefined) loose.push(g);
    else byPort.set(port, [...(byPort.get(port) ?? []), g]);
  }
  const groups = [...byPort].sort(([a], [b]) => a - b).map(([, group]) => group);
  const speaking = (protocol: string) => groups.find((group) => strongest(group)?.guess.protocol === protocol);
  const stated = loose.filter((g) => g.guess.certainty === Certainty.Stated);
  for (const g of [...stated, ...loose.filter((x) => x.guess.certainty !== Certainty.Stated)]) {
    const home = speaking(g.guess.protocol) ?? (g.guess.certainty === Certainty.Stated ? undefined : groups[0]);
    if (home) home.push(g);
    else groups.push([g]);
  }
  return groups;
}

/**
 * An SSH flow no file states the login of: key authentication would mitigate findings, and OpenSSH allows
 * passwords unless told otherwise, so the draft leaves the auth to the reviewer.
 */
export const SSH_AUTH_CHECK = 'Check: no file says how SSH clients log in; state `auth: ssh-key` if password login is off, else `auth: password`';

/**
 * Each pair's flows from all of its evidence and its target as they now are: one flow per listener (see
 * listenerGroups), each with its protocol, authentication and port. The strongest evidence of a listener names
 * its protocol (see guessProtocol: a URL's scheme, then a known port, then the target's technology); among
 * equals the first in file order does. Any password in the evidence, or a server that asks for one, makes the
 * flow's authentication `password`; SSH without either is key authentication only where the server's own
 * settings switch password login off (see `sshKeyOnly`), else unstated with a check for the reviewer.
 */
export function settleFlows(draft: Draft): void {
  const byKey = new Map(draft.elements.map((e) => [e.key, e]));
  const rank = fileRank(draft);
  const pairs = new Map<string, { from: string; to: string; evidence: FlowEvidence[] }>();
  for (const flow of draft.flows) {
    const id = `${flow.from}\u0000${flow.to}`;
    const pair = pairs.get(id) ?? { from: flow.from, to: flow.to, evidence: [] };
    pairs.set(id, pair);
    for (const ev of flow.evidence) if (!pair.evidence.some((x) => sameEvidence(x, ev))) pair.evidence.push(ev);
  }
  draft.flows = [...pairs.values()].flatMap(({ from, to, evidence }) => {
    evidence.sort((a, b) => rank(a.provenance) - rank(b.provenance) || a.provenance.line - b.provenance.line);
    const target = byKey.get(to);
    // Each flow lists its evidence in file order, whichever listener it came to through.
    const order = (g: Guessed) => evidence.indexOf(g.ev);
    return listenerGroups(evidence, target?.identity?.tech, target?.identity?.protocol)
      .map((group) => settleFlow(from, to, [...group].sort((a, b) => order(a) - order(b)), target));
  });
}

function settleFlow(from: string, to: string, group: readonly Guessed[], target: DraftElement | undefined): DraftFlow {
  const evidence = group.map((g) => g.ev);
  const best = strongest(group);
  const protocol = best?.guess.protocol ?? 'http';
  const flow: DraftFlow = { from, to, evidence, protocol: target?.requiresTls ? tlsVariant(protocol) : protocol };
  const password = evidence.some((ev) => ev.credentials)
    || target?.requiresPassword !== undefined
    || (target !== undefined && isServer(target) && target.passwordSetting !== undefined);
  const stated = statedAuth(evidence);
  const ssh = SSH_PROTOCOLS.has(protocol);
  const keyOnly = ssh && !password ? target?.sshKeyOnly : undefined;
  const auth = stated.auth ?? (password ? 'password' : keyOnly ? 'ssh-key' : target?.clientAuth?.method);
  if (target?.noAuth) {
    // A password a client sends to a server that checks none authenticates nothing.
    flow.auth = 'none';
    flow.stated = `auth none: ${formatProvenance([target.noAuth])}`;
  } else if (auth !== undefined) {
    flow.auth = auth;
    const source = stated.auth !== undefined || password ? undefined : keyOnly ?? target?.clientAuth?.provenance;
    if (source) flow.stated = `auth ${auth}: ${formatProvenance([source])}`;
  } else if (stated.differs !== undefined) flow.stated = `no auth for the flow: its routes differ (${stated.differs}), each path says its own`;
  else if (ssh) flow.check = SSH_AUTH_CHECK;
  // The port goes with the protocol: 8888 is the HTTP port of a service published on 8888 and 8443.
  const port = best?.ev.port ?? evidence.find((ev) => ev.port !== undefined)?.port;
  if (port !== undefined) flow.port = port;
  const description = evidence.find((ev) => ev.description !== undefined)?.description;
  if (description !== undefined) flow.description = description;
  const credential = evidence.find((ev) => ev.credential !== undefined)?.credential;
  if (credential !== undefined) flow.credential = credential;
  return flow;
}

/**
 * The auth a listener's evidence states: the first stated outside any proxy route, else the one every route agrees
 * on (a route that asks for nothing counts as disagreeing with one that asks for basic auth); when routes differ,
 * none, and which route asks for what.
 */
function statedAuth(evidence: readonly FlowEvidence[]): { auth?: AuthMethod; differs?: string } {
  const own = evidence.find((ev) => ev.route === undefined && ev.auth !== undefined)?.auth;
  if (own !== undefined) return { auth: own };
  const byRoute = new Map<string, AuthMethod | undefined>();
  for (const ev of evidence) if (ev.route !== undefined && !byRoute.has(ev.route)) byRoute.set(ev.route, ev.auth);
  const methods = new Set(byRoute.values());
  if (methods.size <= 1) {
    const [agreed] = methods;
    return agreed !== undefined ? { auth: agreed } : {};
  }
  return { differs: [...byRoute].map(([route, method]) => `${method ?? 'none'} on ${route}`).join(', ') };
}

/** Protocols whose TLS form has a name of its own rather than `+tls`. */
const TLS_NAMES: Record<string, string> = { http: 'https', redis: 'rediss', amqp: 'amqps', mqtt: 'mqtts', ldap: 'ldaps', smtp: 'smtps' };

/** The protocol's TLS form (`postgres+tls`, `rediss`), or the protocol itself when the catalogue has none. */
const tlsVariant = (protocol: string): string =>
  lookup(TLS_NAMES, protocol) ?? (PROTOCOLS[`${protocol}+tls`] !== undefined ? `${protocol}+tls` : protocol);

// --- Merging -----------------------------------------------------------------------------------------

const cloneProvenance = (list: readonly Provenance[]) => list.map((p) => ({ ...p }));

/**
 * Drafts of several files as one, in the order given (for compose, the base file before its overrides):
 * the same element (same key) takes the facts of the later file where it states them and keeps the
 * provenance of both; evidence for the same pair of elements makes one flow.
 */
export function mergeDrafts(drafts: readonly Draft[]): Draft {
  const out = emptyDraft();
  const names = new Set<string | undefined>();
  for (const d of drafts) {
    names.add(d.name);
    for (const s of d.sources) if (!out.sources.some((o) => o.file === s.file)) out.sources.push({ ...s });
    for (const line of d.limits) if (!out.limits.includes(line)) out.limits.push(line);
    for (const b of d.boundaries) addBoundary(out, { ...b, provenance: cloneProvenance(b.provenance) });
    for (const e of d.elements) {
      const { endpoints, controls, hardCodedSecrets, facts, codeFolders, ...rest } = e;
      const copy = addElement(out, { ...rest, aliases: [...e.aliases], provenance: cloneProvenance(e.provenance) });
      if (codeFolders) addCodeFolders(copy, codeFolders);
      if (hardCodedSecrets) addHardCodedSecrets(copy, hardCodedSecrets);
      if (facts) addFacts(copy, facts.map((f) => ({ tag: f.tag, provenance: { ...f.provenance } })));
      if (endpoints) addEndpoints(copy, endpoints);
      if (controls) addControls(copy, controls);
    }
    for (const f of d.flows) addEvidence(out, f.from, f.to, f.evidence.map((ev) => ({ ...ev, provenance: { ...ev.provenance } })));
    for (const r of d.references) out.references.push({ ...r, evidence: { ...r.evidence, provenance: { ...r.evidence.provenance } } });
    for (const o of d.omitted) out.omitted.push({ ...o, provenance: { ...o.provenance } });
  }
  if (names.size === 1) {
    const [name] = names;
    if (name !== undefined) out.name = name;
  }
  resolveReferences(out);
  dropStandIns(out);
  settleFlows(out);
  // A service one file leaves out and another defines is in the model.
  out.omitted = out.omitted.filter((o) => elementByKey(out, o.key) === undefined);
  return out;
}

/**
 * Stand-in calls (see FlowEvidence `standIn`) to a target that a real element now calls (another file's setting
 * names it) go, and so does a made-up caller left with no call: it stood for callers no file named.
 */
function dropStandIns(draft: Draft): void {
  const madeUp = new Set(draft.elements.filter((e) => e.madeUp).map((e) => e.key));
  const called = new Set(draft.flows.filter((f) => !madeUp.has(f.from)).map((f) => f.to));
  const emptied = new Set<string>();
  for (const f of draft.flows) {
    if (!called.has(f.to) || !f.evidence.some((ev) => ev.standIn)) continue;
    f.evidence = f.evidence.filter((ev) => !ev.standIn);
    if (f.evidence.length === 0) emptied.add(f.from);
  }
  if (emptied.size === 0) return;
  draft.flows = draft.flows.filter((f) => f.evidence.length > 0);
  const used = new Set(draft.flows.flatMap((f) => [f.from, f.to]));
  draft.elements = draft.elements.filter((e) => !e.madeUp || !emptied.has(e.key) || used.has(e.key));
}

// --- Writing -----------------------------------------------------------------------------------------

export interface DraftYamlOptions {
  /** The system's name; default the draft's, else `System`. */
  systemName?: string;
  /** The file the model will be written to, for the next step in the header. */
  output?: string;
  /**
   * The name of the folder searched (`voting-app`): the files the draft cites are relative to it, which the header
   * says, since they do not open from wherever else the draft is read.
   */
  folder?: string;
}

/**
 * The boundaries some element is in, and those enclosing them: one nothing is in (a compose file of networks
 * only) is only noise.
 */
export function usedBoundaries(draft: Draft): DraftBoundary[] {
  const byKey = new Map(draft.boundaries.map((b) => [b.key, b]));
  const used = new Set<string>();
  for (const e of draft.elements) {
    // The walk stops at a boundary already counted, so a loop of parents cannot run forever.
    for (let key = e.boundary; key !== undefined && !used.has(key) && byKey.has(key); key = byKey.get(key)!.parent) used.add(key);
  }
  return draft.boundaries.filter((b) => used.has(b.key));
}

/** Model ids for every element and boundary: real elements keep theirs, made-up ones and boundaries give way. */
export function assignIds(draft: Draft): { elements: Map<string, string>; boundaries: Map<string, string> } {
  const taken = new Set<string>();
  const elements = new Map<string, string>();
  const boundaries = new Map<string, string>();
  for (const e of draft.elements) {
    if (e.madeUp) continue;
    elements.set(e.key, e.id);
    taken.add(e.id);
  }
  const pick = (id: string, fallback: string | undefined): string => {
    const base = fallback ?? id;
    let chosen = !taken.has(id) ? id : fallback !== undefined && !taken.has(fallback) ? fallback : undefined;
    for (let n = 2; chosen === undefined; n++) if (!taken.has(`${base}-${n}`)) chosen = `${base}-${n}`;
    taken.add(chosen);
    return chosen;
  };
  for (const e of draft.elements) if (e.madeUp) elements.set(e.key, pick(e.id, e.fallbackId));
  for (const b of draft.boundaries) boundaries.set(b.key, pick(b.id, b.fallbackId));
  return { elements, boundaries };
}

/** `compose.yml:6 build ./vote`, then `:9 depends_on` for more lines of the same file. */
export function formatProvenance(list: readonly Provenance[]): string {
  let previous: string | undefined;
  return list.map((p) => {
    const where = p.file === previous ? `:${p.line}` : `${p.file}:${p.line}`;
    previous = p.file;
    return p.note ? `${where} ${p.note}` : where;
  }).join('; ');
}

/** Comment text is one line per entry: a newline in a file name or note must not end the comment early. */
const oneLine = (text: string): string => text.replace(/[\r\n\u2028\u2029]+/g, ' ');

function header(draft: Draft, options: DraftYamlOptions): string[] {
  const files = draft.sources.map((s) => `  ${oneLine(s.file)} (${s.format})`);
  const lines = [
    `Drafted by \`threatmap discover\` from ${draft.sources.length === 1 ? 'this file' : 'these files'}:`,
    ...files,
    ...(options.folder !== undefined ? [`Paths in this draft are relative to ${oneLine(options.folder)}, the folder searched.`] : []),
    'A draft to review, not a finished threat model. Each element and flow says where it was found.',
    ...draft.limits,
  ];
  if (draft.omitted.length) {
    lines.push('Left out:');
    for (const o of draft.omitted) lines.push(`  ${oneLine(o.key)}: ${o.reason} (${formatProvenance([o.provenance])})${o.hint ? `; ${o.hint}` : ''}`);
  }
  lines.push(`Review these, then run: threatmap analyze ${options.output ?? '<this file>'}`);
  return lines.map((l) => ` ${oneLine(l)}`);
}

/** A few file names, then how many more: the description is one line of the report. */
const listFiles = (files: readonly string[]): string =>
  files.length <= 3 ? files.map(oneLine).join(', ') : `${files.slice(0, 2).map(oneLine).join(', ')} and ${files.length - 2} more files`;

function flowMap(doc: Document, value: Record<string, unknown>): YAMLMap {
  const map = doc.createNode(value) as YAMLMap;
  map.flow = true;
  return map;
}

/**
 * The auth an element takes because it holds the key its JWTs are signed with (a `token-signing-key` fact): whoever
 * signs tokens issues them and checks them on the calls it takes, so callers authenticate to it with a JWT, which is
 * what forgeable-tokens needs to judge the key. Not where its own settings say how clients authenticate (a server's
 * password, a managed broker's keys, none), nor where an API spec's operations say it, and not on a store, which
 * checks no one's tokens. The provenance is where the key is written.
 */
export function tokenAuth(e: DraftElement): { method: AuthMethod; provenance: Provenance } | undefined {
  const key = e.facts?.find((f) => f.tag === TOKEN_SIGNING_KEY_TAG);
  if (key === undefined || e.madeUp || kindOf(e.identity) !== 'process') return undefined;
  if (e.clientAuth || e.requiresPassword || e.noAuth || e.sshKeyOnly) return undefined;
  if (e.endpoints?.some((ep) => !ep.public && !ep.routed)) return undefined;
  return { method: 'jwt', provenance: { file: key.provenance.file, line: key.provenance.line } };
}

function elementValue(e: DraftElement, boundaries: Map<string, string>, asset?: string): Record<string, unknown> {
  const identity = e.identity ?? { type: 'service' as const };
  const value: Record<string, unknown> = {};
  if (e.name !== undefined) value.name = e.name;
  if (e.description !== undefined) value.description = e.description;
  if (identity.kind !== undefined) value.kind = identity.kind;
  if (identity.type !== undefined) value.type = identity.type;
  if (identity.tech !== undefined) value.tech = identity.tech;
  const token = tokenAuth(e);
  if (token) value.auth = token.method;
  if (e.boundary !== undefined && boundaries.has(e.boundary)) value.in = boundaries.get(e.boundary);
  if (e.privileged) value.privileged = true;
  if (e.replicas !== undefined) value.replicas = e.replicas;
  if (asset !== undefined) value.stores = [asset];
  if (e.controls?.length) value.controls = e.controls.map((c) => c.control);
  const secret = e.hardCodedSecrets?.[0];
  const tags = [...(secret ? [`${HARD_CODED_SECRET_TAG}:${secret.file}:${secret.line}`] : []), ...(e.facts ?? []).map((f) => `${f.tag}:${f.provenance.file}:${f.provenance.line}`)];
  if (tags.length) value.tags = tags;
  return value;
}

/**
 * The placeholder asset of each element whose files switch off what protects its data (see `dataAtRisk`), by
 * element key: `<id>-data`, in element order. Asset ids are a namespace of their own, so the element's id keeps it unique.
 */
function placeholderAssets(order: readonly DraftElement[], ids: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of order) if (e.dataAtRisk && !e.madeUp) out.set(e.key, `${ids.get(e.key)!}-data`);
  return out;
}

/** A placeholder asset as the model writes it: confidential until the reviewer says what the data is. */
function placeholderAsset(e: DraftElement, ids: Map<string, string>): Record<string, unknown> {
  if (e.dataAtRiskAsset) return { ...e.dataAtRiskAsset };
  const name = e.name ?? ids.get(e.key)!;
  return {
    name: `Data in ${name}`,
    classification: 'confidential',
    description: `Placeholder: a setting leaves the data ${name} holds open (see the comment), and no file says what that data is; replace it with the real assets.`,
  };
}

/**
 * The auth most operations that need one share, for the element: each endpoint then says only how it
 * differs (`public: true`, another scheme), which keeps a spec of forty operations forty short lines.
 * None when an operation's auth is unknown, which would otherwise inherit the element's.
 */
export function sharedAuth(endpoints: readonly DraftEndpoint[]): string | undefined {
  const counts = new Map<string, number>();
  for (const ep of endpoints) {
    if (ep.public || ep.routed) continue;
    if (ep.auth === undefined) return undefined;
    counts.set(ep.auth, (counts.get(ep.auth) ?? 0) + 1);
  }
  let best: string | undefined;
  // Ties go to the first in spec order: Map keeps insertion order, and only a larger count replaces.
  for (const [auth, n] of counts) if (best === undefined || n > counts.get(best)!) best = auth;
  return best;
}

/** An element with endpoints, written as a block: its facts, then one line per endpoint with its provenance. */
function endpointElement(doc: Document, e: DraftElement, boundaries: Map<string, string>, asset?: string): YAMLMap {
  const endpoints = e.endpoints ?? [];
  const value = elementValue(e, boundaries, asset);
  const auth = sharedAuth(endpoints) ?? (value.auth as string | undefined);
  if (auth !== undefined) value.auth = auth;
  const map = doc.createNode(value) as YAMLMap;
  const list = new YAMLMap();
  for (const ep of endpoints) {
    const details: Record<string, unknown> = {};
    if (ep.kind !== undefined) details.kind = ep.kind;
    if (ep.public) details.public = true;
    else if (ep.auth !== undefined && ep.auth !== auth) details.auth = ep.auth;
    if (ep.controls?.length) details.controls = ep.controls.map((c) => c.control);
    const key = new Scalar(ep.key);
    // Each control says where it is stated, as an element's do in its comment.
    key.commentBefore = [formatProvenance(ep.provenance), ...(ep.controls ?? []).map((c) => `${c.control}: ${formatProvenance([c.provenance])}`)]
      .map((l) => ` ${oneLine(l)}`).join('\n');
    // An endpoint with nothing to add is `null` to the schema: the shortest valid form.
    list.items.push(new Pair(key, Object.keys(details).length ? flowMap(doc, details) : new Scalar(null)));
  }
  map.items.push(new Pair(new Scalar('endpoints'), list));
  return map;
}

function elementComment(e: DraftElement): string {
  const lines = e.comment !== undefined ? [e.comment] : [];
  // One line per file, so that a base file and its override read apart.
  const byFile = new Map<string, Provenance[]>();
  for (const p of e.provenance) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
  for (const list of byFile.values()) lines.push(formatProvenance(list));
  if (e.privileged) lines.push(`privileged: ${formatProvenance([e.privileged])}`);
  if (e.requiresTls) lines.push(`TLS required: ${formatProvenance([e.requiresTls])}`);
  if (e.noAuth) lines.push(`no authentication: ${formatProvenance([e.noAuth])}`);
  if (e.clientAuth) lines.push(`clients authenticate with ${e.clientAuth.method}: ${formatProvenance([e.clientAuth.provenance])}`);
  const token = tokenAuth(e);
  if (token) lines.push(`auth ${token.method}: holds the key its tokens are signed with (${formatProvenance([token.provenance])}), so it issues them and checks them on its callers; if it only issues them, say how callers authenticate to it`);
  for (const c of e.controls ?? []) lines.push(`${c.control}: ${formatProvenance([c.provenance])}`);
  if (e.hardCodedSecrets?.length) lines.push(`hard-coded secret${e.hardCodedSecrets.length > 1 ? 's' : ''}: ${formatProvenance(e.hardCodedSecrets)}`);
  for (const f of e.facts ?? []) lines.push(`${f.tag}: ${formatProvenance([f.provenance])}`);
  return lines.map((l) => ` ${oneLine(l)}`).join('\n');
}

/** Real elements in file order, after the outside callers (readers meet the callers first, as in a diagram). */
const elementOrder = (draft: Draft): DraftElement[] => [...draft.elements.filter((e) => e.madeUp), ...draft.elements.filter((e) => !e.madeUp)];

const pairOf = (f: DraftFlow): string => `${f.from}\u0000${f.to}`;

/**
 * Flows by caller, then by where the pair was first found, then by target; a pair's flows stay together in
 * the order of their listeners' ports (port-less ones last), so that the order of resources in a file does not
 * reorder them.
 */
function flowOrder(draft: Draft, order: readonly DraftElement[]): DraftFlow[] {
  const position = new Map(order.map((e, i) => [e.key, i]));
  const rank = fileRank(draft);
  const earlier = (a: Provenance, b: Provenance) => rank(a) - rank(b) || a.line - b.line;
  const firstOfPair = new Map<string, Provenance>();
  for (const f of draft.flows) {
    const p = f.evidence[0]?.provenance;
    const known = firstOfPair.get(pairOf(f));
    if (p && (!known || earlier(p, known) < 0)) firstOfPair.set(pairOf(f), p);
  }
  // settleFlows leaves a pair's flows in the order of their listeners' ports.
  const listener = new Map(draft.flows.map((f, i) => [f, i]));
  return [...draft.flows].sort((a, b) => {
    const pa = firstOfPair.get(pairOf(a));
    const pb = firstOfPair.get(pairOf(b));
    return (position.get(a.from) ?? 0) - (position.get(b.from) ?? 0)
      || (pa && pb ? earlier(pa, pb) : 0)
      || (position.get(a.to) ?? 0) - (position.get(b.to) ?? 0)
      || listener.get(a)! - listener.get(b)!;
  });
}

/**
 * An id for each flow that shares its pair of elements with another, which the model needs to tell them
 * apart: a debugger's `api-debugger`; the others, when more than one is left, `clients-traefik-8080` (their
 * port, else their protocol). A pair with one flow besides its debugger keeps the short form.
 */
function flowIds(flows: readonly DraftFlow[], ids: Map<string, string>, boundaries: Map<string, string>): Map<DraftFlow, string> {
  const byPair = new Map<string, DraftFlow[]>();
  for (const f of flows) byPair.set(pairOf(f), [...(byPair.get(pairOf(f)) ?? []), f]);
  const out = new Map<DraftFlow, string>();
  const taken = new Set<string>([...ids.values(), ...boundaries.values()]);
  const claim = (f: DraftFlow, wanted: string, fallback: string) => {
    let id = !taken.has(wanted) ? wanted : fallback;
    for (let n = 2; taken.has(id); n++) id = `${fallback}-${n}`;
    taken.add(id);
    out.set(f, id);
  };
  for (const list of byPair.values()) {
    if (list.length < 2) continue;
    const [from, to] = [ids.get(list[0].from), ids.get(list[0].to)];
    const debuggers = list.filter((f) => f.protocol === 'debugger');
    for (const f of debuggers) claim(f, `${to}-debugger`, `${from}-${to}-debugger`);
    const others = list.filter((f) => f.protocol !== 'debugger');
    if (others.length < 2) continue;
    for (const f of others) {
      const id = `${from}-${to}-${f.port ?? f.protocol.replace(/[^A-Za-z0-9_.-]+/g, '-')}`;
      claim(f, id, id);
    }
  }
  return out;
}

/**
 * A `credential:` name for the flows whose callers send one target the same literal login (see FlowEvidence
 * `credential`), when two or more callers do: `postgresdb-admin`, the target and the user (a user name is no
 * secret), `<target>-login` without one; a second shared login on the same target takes `-2`. A login one caller
 * alone sends is left unnamed: naming it says nothing `shared-credentials` can use. In flow order.
 */
function credentialNames(flows: readonly DraftFlow[], ids: Map<string, string>): Map<DraftFlow, string> {
  const groups = new Map<string, DraftFlow[]>();
  for (const f of flows) {
    // A login sent to a server that checks none (`auth: none`) opens nothing the callers share.
    if (f.credential === undefined || f.auth === 'none') continue;
    const key = `${f.to}\u0000${f.credential.fingerprint}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const out = new Map<DraftFlow, string>();
  const taken = new Set<string>();
  for (const group of groups.values()) {
    if (new Set(group.map((f) => f.from)).size < 2) continue;
    // The user names the login only when it is a name: a token in the user part (GitHub's `TOKEN:x-oauth-basic@`) stays out.
    const user = group[0].credential!.user;
    const base = `${ids.get(group[0].to)!}-${user !== undefined && isPlainUserName(user) ? user : 'login'}`;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    for (const f of group) out.set(f, name);
  }
  return out;
}

function flowItem(doc: Document, flow: DraftFlow, ids: Map<string, string>, id: string | undefined, credential?: string): YAMLMap {
  const arrow = `${ids.get(flow.from)} -> ${ids.get(flow.to)}`;
  const details: Record<string, unknown> = { ...(id ? { id } : {}), protocol: flow.protocol };
  if (flow.auth) details.auth = flow.auth;
  if (credential !== undefined) details.credential = credential;
  if (flow.port !== undefined) details.port = flow.port;
  if (flow.description !== undefined) details.description = flow.description;
  const value = Object.keys(details).length === 1 ? new Scalar(flow.protocol) : flowMap(doc, details);
  const item = new YAMLMap();
  item.items.push(new Pair(new Scalar(arrow), value));
  const where = formatProvenance(flow.evidence.map((ev) => ev.provenance));
  item.commentBefore = ` ${oneLine([where, ...(flow.stated ? [flow.stated] : []), ...(flow.check ? [flow.check] : [])].join('; '))}`;
  return item;
}

function section(root: YAMLMap, key: string, value: YAMLMap | YAMLSeq): void {
  const k = new Scalar(key);
  k.spaceBefore = true;
  root.items.push(new Pair(k, value));
}

/**
 * The draft as model text: a header saying what it was drafted from and what to review, then the model
 * with each element and flow's provenance in a comment above it. Loads with `loadModel` without errors.
 * Deterministic: the same draft gives the same bytes.
 */
export function draftToYaml(draft: Draft, options: DraftYamlOptions = {}): string {
  const ids = assignIds(draft);
  const doc = new Document({});
  doc.commentBefore = header(draft, options).join('\n');
  const root = doc.contents as YAMLMap;
  root.set('threatmap', 1);
  root.set('system', doc.createNode({
    name: options.systemName ?? draft.name ?? 'System',
    description: `Drafted from ${listFiles(draft.sources.map((s) => s.file))}; not reviewed yet.`,
  }));

  const order = elementOrder(draft);
  const assets = placeholderAssets(order, ids.elements);
  if (assets.size) {
    const list = new YAMLMap();
    for (const e of order) {
      const id = assets.get(e.key);
      if (id === undefined) continue;
      const key = new Scalar(id);
      key.commentBefore = ` ${oneLine(formatProvenance([e.dataAtRisk!]))}`;
      list.items.push(new Pair(key, flowMap(doc, placeholderAsset(e, ids.elements))));
    }
    section(root, 'assets', list);
  }

  const used = usedBoundaries(draft);
  if (used.length) {
    const boundaries = new YAMLMap();
    const madeUp = [OUTSIDE_BOUNDARY, HOST_BOUNDARY];
    const order = [...madeUp.flatMap((key) => used.filter((b) => b.key === key)), ...used.filter((b) => !madeUp.includes(b.key))];
    for (const b of order) {
      const key = new Scalar(ids.boundaries.get(b.key)!);
      const notes = [...(b.comment ? [b.comment] : []), ...(b.provenance.length ? [formatProvenance(b.provenance)] : [])];
      if (notes.length) key.commentBefore = notes.map((n) => ` ${oneLine(n)}`).join('\n');
      const value: Record<string, unknown> = { name: b.name, trust: b.trust };
      if (b.kind) value.kind = b.kind;
      if (b.parent !== undefined && ids.boundaries.has(b.parent)) value.in = ids.boundaries.get(b.parent);
      if (b.description) value.description = b.description;
      boundaries.items.push(new Pair(key, flowMap(doc, value)));
    }
    section(root, 'boundaries', boundaries);
  }

  const elements = new YAMLMap();
  for (const e of order) {
    const key = new Scalar(ids.elements.get(e.key)!);
    const comment = elementComment(e);
    if (comment) key.commentBefore = comment;
    const asset = assets.get(e.key);
    elements.items.push(new Pair(key, e.endpoints?.length ? endpointElement(doc, e, ids.boundaries, asset) : flowMap(doc, elementValue(e, ids.boundaries, asset))));
  }
  section(root, 'elements', elements);

  if (draft.flows.length) {
    const flows = new YAMLSeq();
    const flowId = flowIds(draft.flows, ids.elements, ids.boundaries);
    const ordered = flowOrder(draft, order);
    const credentials = credentialNames(ordered, ids.elements);
    for (const f of ordered) flows.items.push(flowItem(doc, f, ids.elements, flowId.get(f), credentials.get(f)));
    section(root, 'flows', flows);
  }
  return doc.toString({ lineWidth: 0 });
}
