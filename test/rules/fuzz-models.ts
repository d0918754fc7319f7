// Random small models for the property tests in fuzz.test.ts. The benchmark generator (src/model/generate.ts)
// imitates a regular estate and never reaches many of the combinations that rules hand off to each other:
// agents with tools, cloud fetchers, debug endpoints returning data, partners and devices without auth,
// webhooks, pipelines, shared logins. These models draw every part from the catalogue instead, so that
// such combinations turn up by chance. Seeded (seededRandom): a failing seed reproduces on every machine.
import { AUTH_METHODS, CONTROLS, ENDPOINT_KINDS, LEVELS, TECHNOLOGIES, type ElementType } from '../../src/model/catalog.js';
import { modelToYaml, seededRandom } from '../../src/model/generate.js';
import type {
  RawAsset, RawBoundary, RawElement, RawEndpoint, RawFlowDetails, RawModel,
} from '../../src/model/schema.js';

type RawFullFlow = RawFlowDetails & { from: string; to: string };

const CONTROL_NAMES = Object.keys(CONTROLS);

/** Technologies by the element types they imply, so that an element is drawn as a tech or a bare type alike. */
const techsOf = (types: readonly string[]) => Object.keys(TECHNOLOGIES).filter((t) => types.includes(TECHNOLOGIES[t].type));

const PROCESS_TYPES: readonly ElementType[] = [
  'api', 'web-app', 'service', 'worker', 'function', 'admin-panel', 'llm', 'ci-cd', 'cloud-console', 'identity-provider', 'web-server',
];
const EDGE_TYPES: readonly ElementType[] = ['cdn', 'load-balancer', 'gateway', 'reverse-proxy'];
const STORE_TYPES: readonly ElementType[] = [
  'database', 'cache', 'object-storage', 'file-storage', 'queue', 'event-bus', 'logs', 'backups', 'secrets-vault', 'search-index', 'container-registry',
];
const PROCESS_TECHS = techsOf(PROCESS_TYPES);
const EDGE_TECHS = techsOf(EDGE_TYPES);
const STORE_TECHS = techsOf(STORE_TYPES);
const PARTNER_TECHS = techsOf(['third-party']);
/** Users twice as often as the other people: most systems have more of them. */
const PEOPLE: readonly ElementType[] = ['user', 'user', 'admin', 'support-staff', 'developer'];

/** Paths whose words imply every endpoint kind (see ENDPOINT_PATH_HINTS), with and without methods. */
const ROUTES = [
  'POST /login', 'POST /register', 'POST /password/reset', '/search', 'POST /upload', '/admin', 'GET /records/{id}',
  'POST /cart', '/health', '/graphql', '/export', '/oauth/callback', 'POST /webhooks/events', '/debug', '/fetch',
  '/redirect', 'GET /page', 'POST /orders', '/actuator', '/preview', 'GET /api/items', 'DELETE /users/{id}', '/chat',
];
const ASSET_TYPES: readonly NonNullable<RawAsset['type']>[] = [
  'pii', 'credentials', 'payment', 'financial', 'secrets', 'health', 'session', 'business', 'pricing', 'source-code', 'telemetry', 'logs',
];
const CLASSIFICATIONS: readonly NonNullable<RawAsset['classification']>[] = ['public', 'internal', 'confidential', 'restricted'];
/**
 * Display names for some elements and assets, drawn without repeats (two parts with one name would make the
 * texts repeat it, which the text lint reports), written as models write them: capitals, spaces, and many
 * starting with a vowel, so that an article before a name is put to the test; some in the plural, for groups
 * ("Edge servers", "Workers") and for a component named after its domain ("Payments"), so that verbs are too.
 */
const ELEMENT_NAMES = ['Atlas', 'Echo', 'Orion', 'Iris', 'Umbra', 'Nova', 'Vega', 'Apollo', 'Blue Harbor', 'Red Kite', 'Edge servers', 'Workers', 'Payments'];
const ASSET_NAMES = ['Card data', 'Orders', 'API keys', 'Email addresses', 'Invoices', 'Health records', 'Audit trail', 'Sessions'];
const WEB_PROTOCOLS = ['https', 'https', 'http', 'wss', 'grpc', 'grpcs', 'mtls'];
const STORE_PROTOCOLS = ['sql', 'sql+tls', 'postgres+tls', 'mongodb', 'redis', 'rediss', 'amqps', 'kafka', 's3', 'https', 'nfs', 'file'];

/** The draws a model is made of, all from one seeded stream. */
class Draw {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = seededRandom(`fuzz-${seed}`);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Each item with probability p, in order. */
  some<T>(items: readonly T[], p: number): T[] {
    return items.filter(() => this.chance(p));
  }

  /** An item not drawn before from `pool` (which it removes), or undefined with probability 1 - p or once empty. */
  take(pool: string[], p: number): string | undefined {
    if (pool.length === 0 || !this.chance(p)) return undefined;
    return pool.splice(Math.floor(this.next() * pool.length), 1)[0];
  }

  /** A `controls` list with each catalogue control at probability p, or nothing (most parts declare none). */
  controls(p: number): { controls?: string[] } {
    const chosen = this.some(CONTROL_NAMES, p);
    return chosen.length ? { controls: chosen } : {};
  }
}

/**
 * A model of at most 15 elements (1-3 people, 0-1 device, 0-2 partners, 0-2 edge components, 1-4 processes,
 * 0-3 stores), every element on some flow, as YAML. The same seed gives the same text.
 */
export function fuzzModelText(seed: number): string {
  const d = new Draw(seed);
  const elementNames = [...ELEMENT_NAMES];
  const assetNames = [...ASSET_NAMES];
  /** `{ name }` now and then, else nothing (the id is the name). */
  const named = (pool: string[]): { name?: string } => {
    const name = d.take(pool, 0.25);
    return name === undefined ? {} : { name };
  };

  const boundaries: Record<string, RawBoundary> = {
    internet: { trust: 'untrusted' },
    partners: { trust: 'untrusted', kind: 'service' },
    dmz: { trust: 'dmz', ...d.controls(0.03) },
    app: { trust: 'internal', kind: d.pick(['network', 'service', 'cloud', 'container'] as const), ...d.controls(0.02) },
    data: { trust: 'restricted', kind: 'data-tier', in: 'app', ...d.controls(0.02) },
  };
  const adminZone = d.chance(0.3);
  if (adminZone) boundaries.admin = { trust: 'internal', kind: 'privilege', ...d.controls(0.03) };

  const assets: Record<string, RawAsset> = {};
  for (let i = 1, n = d.int(1, 5); i <= n; i++) {
    const asset: RawAsset = { ...named(assetNames), type: d.pick(ASSET_TYPES), classification: d.pick(CLASSIFICATIONS) };
    if (d.chance(0.3)) asset.integrity = 'high';
    // An explicit level now and then departs from the classification's default (restricted but not secret).
    if (d.chance(0.1)) asset.confidentiality = d.pick(LEVELS);
    assets[`a${i}`] = asset;
  }
  const dataIds = Object.keys(assets);
  if (d.chance(0.3)) assets.uptime = { kind: 'resource', availability: 'high' };
  const someData = (p: number): string[] | undefined => {
    const chosen = d.some(dataIds, p);
    return chosen.length ? chosen : undefined;
  };

  const elements: Record<string, RawElement> = {};
  const people: string[] = [];
  const devices: string[] = [];
  const partners: string[] = [];
  const edges: string[] = [];
  const processes: string[] = [];
  const stores: string[] = [];
  const brokers: string[] = [];
  const endpointKeys = new Map<string, string[]>();

  for (let i = 0, n = d.int(1, 3); i < n; i++) {
    const type = d.pick(PEOPLE);
    const id = `${type}${i}`;
    elements[id] = {
      type,
      ...named(elementNames),
      ...(d.chance(0.6) ? { tech: d.pick(['browser', 'browser', 'mobile-app']) } : {}),
      // Mostly on the internet (also where a person outside any zone is); now and then staff inside.
      ...(d.chance(0.9) ? (d.chance(0.8) ? { in: 'internet' } : {}) : { in: 'app' }),
      ...d.controls(0.03),
    };
    people.push(id);
  }
  if (d.chance(0.2)) {
    elements.device = { type: 'device', in: d.pick(['internet', 'internet', 'app']) };
    devices.push('device');
  }
  for (let i = 0, n = d.int(0, 2); i < n; i++) {
    const id = `partner${i}`;
    const partner: RawElement = d.chance(0.7) ? { tech: d.pick(PARTNER_TECHS) } : { type: 'third-party' };
    // Mostly in the partners' zone, now and then in none (untrusted too) or hosted inside ours.
    const zone = d.pick(['partners', 'partners', 'partners', 'partners', undefined, 'app']);
    elements[id] = zone === undefined ? partner : { ...partner, in: zone };
    partners.push(id);
  }
  for (let i = 0, n = d.int(0, 2); i < n; i++) {
    const id = `edge${i}`;
    const edge: RawElement = d.chance(0.5) ? { tech: d.pick(EDGE_TECHS) } : { type: d.pick(EDGE_TYPES) };
    edge.in = 'dmz';
    if (d.chance(0.4)) edge.auth = d.pick(AUTH_METHODS);
    elements[id] = { ...named(elementNames), ...edge, ...d.controls(0.03) };
    edges.push(id);
  }
  for (let i = 0, n = d.int(1, 4); i < n; i++) {
    const id = `p${i}`;
    // A tech, a type, or only the kind (application code of no particular type).
    const what: RawElement = d.chance(0.45) ? { tech: d.pick(PROCESS_TECHS) } : d.chance(0.85) ? { type: d.pick(PROCESS_TYPES) } : { kind: 'process' };
    const p: RawElement = { ...named(elementNames), ...what };
    // A type beside a tech overrides the tech's (an llm-agent that is also an api...).
    if (p.tech !== undefined && d.chance(0.2)) p.type = d.pick(PROCESS_TYPES);
    // Mostly in the application zone; now and then in none (internal by default).
    const zone = d.chance(0.15) ? 'dmz' : adminZone && d.chance(0.1) ? 'admin' : d.chance(0.9) ? 'app' : undefined;
    if (zone !== undefined) p.in = zone;
    if (d.chance(0.5)) p.auth = d.pick(AUTH_METHODS);
    Object.assign(p, d.controls(0.04));
    const handles = someData(0.4);
    if (handles) p.handles = handles;
    if (d.chance(0.1)) p.privileged = true;
    if (d.chance(0.1)) p.exposed = true;
    if (d.chance(0.15)) p.replicas = d.int(1, 4);
    if (d.chance(0.65)) {
      const endpoints: Record<string, RawEndpoint | null> = {};
      for (const key of d.some(ROUTES, 0.15)) {
        const ep: RawEndpoint = {};
        // A kind the path does not imply, and callers restricted to some of the elements drawn so far.
        if (d.chance(0.08)) ep.kind = d.pick(ENDPOINT_KINDS);
        if (d.chance(0.1)) ep.callers = d.some(Object.keys(elements), 0.5);
        if (d.chance(0.35)) ep.public = true;
        else if (d.chance(0.3)) ep.auth = d.pick(AUTH_METHODS);
        Object.assign(ep, d.controls(0.03));
        const accepts = someData(0.25);
        if (accepts) ep.accepts = accepts;
        const returns = someData(0.25);
        if (returns) ep.returns = returns;
        // `key: null` is how a model declares an endpoint with nothing to say about it.
        endpoints[key] = Object.keys(ep).length ? ep : null;
      }
      if (Object.keys(endpoints).length) {
        p.endpoints = endpoints;
        endpointKeys.set(id, Object.keys(endpoints));
      }
    }
    elements[id] = p;
    processes.push(id);
  }
  for (let i = 0, n = d.int(0, 3); i < n; i++) {
    const id = `s${i}`;
    const s: RawElement = { ...named(elementNames), ...(d.chance(0.6) ? { tech: d.pick(STORE_TECHS) } : { type: d.pick(STORE_TYPES) }) };
    s.in = d.chance(0.8) ? 'data' : 'app';
    if (d.chance(0.3)) s.auth = d.pick(AUTH_METHODS);
    Object.assign(s, d.controls(0.04));
    const stored = someData(0.5);
    if (stored) s.stores = stored;
    if (d.chance(0.1)) s.exposed = true;
    if (d.chance(0.15)) s.replicas = d.int(1, 3);
    elements[id] = s;
    stores.push(id);
    const type = s.type ?? TECHNOLOGIES[s.tech!].type;
    if (type === 'queue' || type === 'event-bus') brokers.push(id);
  }

  const flows: RawFullFlow[] = [];
  // One flow per ordered pair: a second one would need an explicit id.
  const joined = new Set<string>();
  const flow = (from: string, to: string, protocol: string, auths: readonly string[] = AUTH_METHODS): void => {
    if (from === to || joined.has(`${from}->${to}`)) return;
    joined.add(`${from}->${to}`);
    const f: RawFullFlow = { from, to, protocol };
    if (d.chance(0.35)) f.auth = d.pick(auths);
    const data = someData(0.3);
    if (data) f.data = data;
    Object.assign(f, d.controls(0.015));
    // Few credential names, so that some are shared by several sources (people or services).
    if (people.includes(from) ? d.chance(0.35) : d.chance(0.15)) f.credential = d.pick(['shared-login', 'svc-key', `${from}-login`]);
    const keys = endpointKeys.get(to);
    if (keys && d.chance(0.25)) f.endpoint = d.pick(keys);
    flows.push(f);
  };
  const fronts = [...edges, ...processes];
  for (const p of people) flow(p, d.pick(fronts), d.pick(['https', 'https', 'http', 'wss', 'ssh']));
  for (const dev of devices) flow(dev, d.pick([...brokers, ...processes]), d.pick(['mqtt', 'mqtts', 'https']));
  // Partners mostly post to webhooks, and often with no credential or a shared secret.
  const hooked = processes.filter((id) => endpointKeys.get(id)?.some((key) => key.includes('webhook')));
  for (const p of partners) {
    if (d.chance(0.6)) flow(p, d.pick(hooked.length && d.chance(0.5) ? hooked : fronts), 'https', ['none', 'api-key', 'basic', 'password', 'hmac', 'mtls']);
  }
  for (let i = 0; i < edges.length; i++) flow(edges[i], i + 1 < edges.length ? edges[i + 1] : d.pick(processes), d.pick(['https', 'http']));
  for (const p of processes) {
    for (let k = d.int(0, 2); k > 0 && stores.length > 0; k--) flow(p, d.pick(stores), d.pick(STORE_PROTOCOLS));
    if (processes.length > 1 && d.chance(0.5)) flow(p, d.pick(processes), d.pick([...WEB_PROTOCOLS, 'cloud-api']));
    // Partners are called over their APIs, and a cloud provider's management plane over cloud-api.
    if (partners.length > 0 && d.chance(0.3)) flow(p, d.pick(partners), d.pick(['https', 'https', 'cloud-api']));
  }
  for (const b of brokers) if (d.chance(0.7)) flow(b, d.pick(processes), d.pick(['amqps', 'kafka']));
  if (d.chance(0.2)) flow(d.pick(people), d.pick([...stores, ...processes]), d.pick(WEB_PROTOCOLS));
  // Every element on some flow: a store is written by a process, anything else calls one.
  for (const id of Object.keys(elements)) {
    if (flows.some((f) => f.from === id || f.to === id)) continue;
    if (stores.includes(id)) flow(d.pick(processes), id, d.pick(STORE_PROTOCOLS));
    else flow(id, d.pick(processes), 'https');
  }

  // A second flow between one pair (another protocol and auth) needs an id of its own.
  if (d.chance(0.15)) {
    const f = d.pick(flows);
    flows.push({ ...f, id: `${f.from}-${f.to}-2`, protocol: d.pick(WEB_PROTOCOLS), auth: d.pick(AUTH_METHODS) });
  }

  const model: RawModel = { threatmap: 1, system: { name: `Fuzz ${seed}` }, boundaries, assets, elements, flows };
  return modelToYaml(model);
}
