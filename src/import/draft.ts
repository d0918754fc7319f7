// A draft model, as `threatmap discover` reads it from a repository's own files: elements, flows and
// boundaries, each with where it was found. Every source (Docker Compose, Kubernetes, OpenAPI,
// Terraform) produces a Draft; drafts are merged, then written as a model to review. A draft holds
// facts as the files state them (an image, a host named in a setting); decisions that depend on other
// files (a flow's protocol follows its target's technology, which an override file may change) are made
// again after every merge. Pure: no Node APIs.
import { Document, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { type AuthMethod, type Control, ELEMENT_TYPES, type ElementKind, PROTOCOLS, type EndpointKind, type ElementType, TECHNOLOGIES, type TrustLevel } from '../model/catalog.js';
import { lookup } from './import-common.js';
import { type ConnectionFacts, guessProtocol } from './protocols.js';

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
  privileged?: Provenance;
  replicas?: number;
  /** A setting of its own asks clients for a password; counts for servers only (see isServer). */
  passwordSetting?: Provenance;
  /** Its command line asks every client for a password, whatever it is. */
  requiresPassword?: Provenance;
  /** The server refuses connections without TLS (a managed database's default, a setting): clients speak its TLS protocol. */
  requiresTls?: Provenance;
  provenance: Provenance[];
  /** For a made-up element: why it is there. */
  comment?: string;
  /** Operations an API spec states, by key (`POST /login`), in spec order. */
  endpoints?: DraftEndpoint[];
  /** Controls a file states outright (encryption switched on, a web ACL attached), each with where. */
  controls?: DraftControl[];
}

export interface DraftControl {
  control: Control;
  provenance: Provenance;
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
  /** How callers authenticate, where the file or the service says so (a managed Kubernetes API takes cloud identities). */
  auth?: AuthMethod;
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
}

/** A host named by an element, not (yet) matched to an element: another file may define it. */
export interface HostReference {
  from: string;
  host: string;
  /** Names a service outright (compose's depends_on), rather than a host in a setting. */
  explicit?: boolean;
  evidence: FlowEvidence;
}

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

/** Keys that no element id can be (ids have no spaces or parentheses), so made-up parts never meet real ones. */
export const OUTSIDE_BOUNDARY = '(outside)';
export const OUTSIDE_CLIENTS = '(outside clients)';
export const HOST_BOUNDARY = '(host)';
export const HOST_CLIENTS = '(host clients)';

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

/** Adds an element, or merges it into the one with its key: the facts it states win, provenance adds up. */
export function addElement(draft: Draft, element: DraftElement): DraftElement {
  const existing = draft.elements.find((e) => e.key === element.key);
  if (!existing) {
    draft.elements.push(element);
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
  existing.comment = element.comment ?? existing.comment;
  for (const alias of element.aliases) if (!existing.aliases.includes(alias)) existing.aliases.push(alias);
  existing.provenance.push(...element.provenance);
  if (element.endpoints) addEndpoints(existing, element.endpoints);
  if (element.controls) addControls(existing, element.controls);
  return existing;
}

/**
 * Endpoints join an element's: a key it has already takes the later statement's facts (the later spec
 * wins) and keeps both places; new keys follow in order.
 */
export function addEndpoints(element: DraftElement, endpoints: readonly DraftEndpoint[]): void {
  const list = (element.endpoints ??= []);
  for (const ep of endpoints) {
    const copy: DraftEndpoint = { ...ep, provenance: cloneProvenance(ep.provenance) };
    const i = list.findIndex((x) => x.key === ep.key);
    if (i < 0) list.push(copy);
    else list[i] = { ...copy, provenance: [...list[i].provenance, ...copy.provenance] };
  }
}

/** Controls join an element's: one entry per control, with the first place that states it. */
export function addControls(element: DraftElement, controls: readonly DraftControl[]): void {
  const list = (element.controls ??= []);
  for (const c of controls) if (!list.some((x) => x.control === c.control)) list.push({ control: c.control, provenance: { ...c.provenance } });
}

/**
 * One flow per pair of elements: more evidence for a pair joins its flow. A debugger's port is a way in of its
 * own beside the application's ports: a flow apart, never merged into theirs.
 */
export function addEvidence(draft: Draft, from: string, to: string, evidence: readonly FlowEvidence[]): void {
  for (const ev of evidence) {
    const attaches = ev.protocol === 'debugger';
    let flow = draft.flows.find((f) => f.from === from && f.to === to && (f.evidence[0]?.protocol === 'debugger') === attaches);
    if (!flow) {
      flow = { from, to, evidence: [], protocol: 'http' };
      draft.flows.push(flow);
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
} as const satisfies Record<string, {
  boundary: Pick<DraftBoundary, 'key' | 'id' | 'fallbackId' | 'name' | 'trust' | 'comment'>;
  element: Pick<DraftElement, 'key' | 'id' | 'fallbackId' | 'name' | 'comment'>;
}>;

/**
 * Something calls `target` through a published port or a public load balancer: `outside`, anyone who can
 * reach the host (an untrusted boundary), or `host`, the host alone (a port bound to its loopback address).
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
    else if (target.key !== ref.from) addEvidence(draft, ref.from, target.key, [ref.evidence]);
  }
  draft.references = pending;
}

const fileRank = (draft: Draft) => {
  const rank = new Map(draft.sources.map((s, i) => [s.file, i]));
  return (p: Provenance) => rank.get(p.file) ?? draft.sources.length;
};

/**
 * Each flow's protocol, authentication and port from all of its evidence and its target as they now are.
 * The strongest evidence names the protocol (see guessProtocol: a URL's scheme, then a known port, then
 * the target's technology); among equals the first in file order does. Any password in the evidence, or
 * a server that asks for one, makes the flow's authentication `password`.
 */
export function settleFlows(draft: Draft): void {
  const byKey = new Map(draft.elements.map((e) => [e.key, e]));
  const rank = fileRank(draft);
  for (const flow of draft.flows) {
    flow.evidence.sort((a, b) => rank(a.provenance) - rank(b.provenance) || a.provenance.line - b.provenance.line);
    const target = byKey.get(flow.to);
    let best: { guess: ReturnType<typeof guessProtocol>; evidence: FlowEvidence } | undefined;
    for (const ev of flow.evidence) {
      const guess = guessProtocol(ev, target?.identity?.tech);
      if (best === undefined || guess.certainty > best.guess.certainty) best = { guess, evidence: ev };
    }
    const protocol = best?.guess.protocol ?? 'http';
    flow.protocol = target?.requiresTls ? tlsVariant(protocol) : protocol;
    const password = flow.evidence.some((ev) => ev.credentials)
      || target?.requiresPassword !== undefined
      || (target !== undefined && isServer(target) && target.passwordSetting !== undefined);
    flow.auth = flow.evidence.find((ev) => ev.auth !== undefined)?.auth ?? (password ? 'password' : undefined);
    // The port goes with the protocol: 8888 is the HTTP port of a service published on 8888 and 8443.
    flow.port = best?.evidence.port ?? flow.evidence.find((ev) => ev.port !== undefined)?.port;
  }
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
      const { endpoints, controls, ...rest } = e;
      const copy = addElement(out, { ...rest, aliases: [...e.aliases], provenance: cloneProvenance(e.provenance) });
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
  settleFlows(out);
  // A service one file leaves out and another defines is in the model.
  out.omitted = out.omitted.filter((o) => !out.elements.some((e) => e.key === o.key));
  return out;
}

// --- Writing -----------------------------------------------------------------------------------------

export interface DraftYamlOptions {
  /** The system's name; default the draft's, else `System`. */
  systemName?: string;
  /** The file the model will be written to, for the next step in the header. */
  output?: string;
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

function elementValue(e: DraftElement, boundaries: Map<string, string>): Record<string, unknown> {
  const identity = e.identity ?? { type: 'service' as const };
  const value: Record<string, unknown> = {};
  if (e.name !== undefined) value.name = e.name;
  if (identity.kind !== undefined) value.kind = identity.kind;
  if (identity.type !== undefined) value.type = identity.type;
  if (identity.tech !== undefined) value.tech = identity.tech;
  if (e.boundary !== undefined && boundaries.has(e.boundary)) value.in = boundaries.get(e.boundary);
  if (e.privileged) value.privileged = true;
  if (e.replicas !== undefined) value.replicas = e.replicas;
  if (e.controls?.length) value.controls = e.controls.map((c) => c.control);
  return value;
}

/**
 * The auth most operations that need one share, for the element: each endpoint then says only how it
 * differs (`public: true`, another scheme), which keeps a spec of forty operations forty short lines.
 * None when an operation's auth is unknown, which would otherwise inherit the element's.
 */
export function sharedAuth(endpoints: readonly DraftEndpoint[]): string | undefined {
  const counts = new Map<string, number>();
  for (const ep of endpoints) {
    if (ep.public) continue;
    if (ep.auth === undefined) return undefined;
    counts.set(ep.auth, (counts.get(ep.auth) ?? 0) + 1);
  }
  let best: string | undefined;
  // Ties go to the first in spec order: Map keeps insertion order, and only a larger count replaces.
  for (const [auth, n] of counts) if (best === undefined || n > counts.get(best)!) best = auth;
  return best;
}

/** An element with endpoints, written as a block: its facts, then one line per endpoint with its provenance. */
function endpointElement(doc: Document, e: DraftElement, boundaries: Map<string, string>): YAMLMap {
  const endpoints = e.endpoints ?? [];
  const value = elementValue(e, boundaries);
  const auth = sharedAuth(endpoints);
  if (auth !== undefined) value.auth = auth;
  const map = doc.createNode(value) as YAMLMap;
  const list = new YAMLMap();
  for (const ep of endpoints) {
    const details: Record<string, unknown> = {};
    if (ep.kind !== undefined) details.kind = ep.kind;
    if (ep.public) details.public = true;
    else if (ep.auth !== undefined && ep.auth !== auth) details.auth = ep.auth;
    const key = new Scalar(ep.key);
    key.commentBefore = ` ${oneLine(formatProvenance(ep.provenance))}`;
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
  for (const c of e.controls ?? []) lines.push(`${c.control}: ${formatProvenance([c.provenance])}`);
  return lines.map((l) => ` ${oneLine(l)}`).join('\n');
}

/** Real elements in file order, after the outside callers (readers meet the callers first, as in a diagram). */
const elementOrder = (draft: Draft): DraftElement[] => [...draft.elements.filter((e) => e.madeUp), ...draft.elements.filter((e) => !e.madeUp)];

function flowOrder(draft: Draft, order: readonly DraftElement[]): DraftFlow[] {
  const position = new Map(order.map((e, i) => [e.key, i]));
  const rank = fileRank(draft);
  const first = (f: DraftFlow) => f.evidence[0]?.provenance;
  return [...draft.flows].sort((a, b) => {
    const pa = first(a);
    const pb = first(b);
    return (position.get(a.from) ?? 0) - (position.get(b.from) ?? 0)
      || (pa && pb ? rank(pa) - rank(pb) || pa.line - pb.line : 0)
      || (position.get(a.to) ?? 0) - (position.get(b.to) ?? 0);
  });
}

/** An id for each flow that shares its pair of elements with another (a debugger's port beside the application's). */
function flowIds(draft: Draft, ids: Map<string, string>): Map<DraftFlow, string> {
  const pairs = new Map<string, number>();
  const pair = (f: DraftFlow) => `${f.from}\u0000${f.to}`;
  for (const f of draft.flows) pairs.set(pair(f), (pairs.get(pair(f)) ?? 0) + 1);
  const out = new Map<DraftFlow, string>();
  const taken = new Set<string>();
  for (const f of draft.flows) {
    if (pairs.get(pair(f))! < 2 || f.protocol !== 'debugger') continue;
    const short = `${ids.get(f.to)}-debugger`;
    const id = taken.has(short) ? `${ids.get(f.from)}-${short}` : short;
    taken.add(id);
    out.set(f, id);
  }
  return out;
}

function flowItem(doc: Document, flow: DraftFlow, ids: Map<string, string>, id: string | undefined): YAMLMap {
  const arrow = `${ids.get(flow.from)} -> ${ids.get(flow.to)}`;
  const details: Record<string, unknown> = { ...(id ? { id } : {}), protocol: flow.protocol };
  if (flow.auth) details.auth = flow.auth;
  if (flow.port !== undefined) details.port = flow.port;
  const value = Object.keys(details).length === 1 ? new Scalar(flow.protocol) : flowMap(doc, details);
  const item = new YAMLMap();
  item.items.push(new Pair(new Scalar(arrow), value));
  item.commentBefore = ` ${oneLine(formatProvenance(flow.evidence.map((ev) => ev.provenance)))}`;
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

  const order = elementOrder(draft);
  const elements = new YAMLMap();
  for (const e of order) {
    const key = new Scalar(ids.elements.get(e.key)!);
    const comment = elementComment(e);
    if (comment) key.commentBefore = comment;
    elements.items.push(new Pair(key, e.endpoints?.length ? endpointElement(doc, e, ids.boundaries) : flowMap(doc, elementValue(e, ids.boundaries))));
  }
  section(root, 'elements', elements);

  if (draft.flows.length) {
    const flows = new YAMLSeq();
    const flowId = flowIds(draft, ids.elements);
    for (const f of flowOrder(draft, order)) flows.items.push(flowItem(doc, f, ids.elements, flowId.get(f)));
    section(root, 'flows', flows);
  }
  return doc.toString({ lineWidth: 0 });
}
