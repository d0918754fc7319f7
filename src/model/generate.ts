// A synthetic model generator for benchmarks and scale tests: seeded, so that everyone reproduces the same
// numbers from `threatmap generate --elements N --seed S`. The mix imitates a real estate of services
// (regions of cells, each an application zone with a data tier nested inside, an edge per region, users
// and partners on the internet) with controls present only some of the time, so that rules both fire and
// find mitigations. Pure: no Node APIs, the same output for the same options on every platform.
import { splitFlowArrow } from './flow-arrow.js';
import type { RawModel } from './schema.js';

export interface GenerateOptions {
  /** Number of elements; flows are about three per element, boundaries about one per 20 elements. */
  elements: number;
  /** Any integer or string; the same seed gives the same model, byte for byte. */
  seed?: number | string;
}

export type GeneratedFormat = 'yaml' | 'json';

/** The largest model the generator makes (a bit more than the 50 MB a model file may hold). */
export const MAX_GENERATED_ELEMENTS = 250_000;

/** FNV-1a over the seed's text, so that string and number seeds both give a 32-bit state. */
function hashSeed(seed: number | string): number {
  const text = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: tiny, fast and identical everywhere (Math.random is neither seeded nor portable). */
export function seededRandom(seed: number | string): () => number {
  let a = hashSeed(seed);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Dice {
  constructor(readonly next: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** Up to `k` distinct items, in their original order (Floyd-style selection by index). */
  sample<T>(items: readonly T[], k: number): T[] {
    if (k >= items.length) return [...items];
    const chosen = new Set<number>();
    for (let j = items.length - k; j < items.length; j++) {
      const t = this.int(0, j);
      chosen.add(chosen.has(t) ? j : t);
    }
    return [...chosen].sort((a, b) => a - b).map((i) => items[i]);
  }
  /** Each item with probability p. */
  some<T>(items: readonly T[], p: number): T[] {
    return items.filter(() => this.chance(p));
  }
}

const DOMAINS = [
  'orders', 'billing', 'catalog', 'users', 'shipping', 'inventory', 'search', 'payments', 'notifications',
  'reviews', 'pricing', 'profile', 'cart', 'analytics', 'reports', 'accounts', 'ledger', 'claims', 'media',
  'messaging', 'scheduling', 'loyalty', 'fraud', 'tax', 'returns', 'quotes', 'contracts', 'devices',
];

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

interface ProcessKind {
  prefix: string;
  label: string;
  type?: string;
  techs: readonly (string | undefined)[];
  /** Entry points it may declare. */
  endpoints: boolean;
  weight: number;
}

const PROCESS_KINDS: readonly ProcessKind[] = [
  { prefix: 'api', label: 'API', techs: ['node', 'express', 'spring', 'go', 'dotnet', 'nestjs'], endpoints: true, weight: 30 },
  { prefix: 'svc', label: 'service', type: 'service', techs: [undefined, 'kubernetes', 'docker'], endpoints: false, weight: 30 },
  { prefix: 'web', label: 'web app', techs: ['rails', 'django', 'php', 'flask'], endpoints: true, weight: 10 },
  { prefix: 'worker', label: 'worker', type: 'worker', techs: [undefined], endpoints: false, weight: 16 },
  { prefix: 'fn', label: 'function', techs: ['lambda', 'cloud-functions'], endpoints: false, weight: 6 },
  { prefix: 'admin', label: 'admin panel', type: 'admin-panel', techs: [undefined], endpoints: true, weight: 3 },
  { prefix: 'idp', label: 'identity provider', techs: ['keycloak', 'cognito'], endpoints: true, weight: 2 },
  { prefix: 'agent', label: 'assistant', techs: ['llm-agent'], endpoints: false, weight: 1 },
  { prefix: 'ci', label: 'pipeline', techs: ['jenkins', 'gitlab-ci'], endpoints: false, weight: 2 },
];

interface StoreKind {
  prefix: string;
  label: string;
  techs: readonly string[];
  /** Protocols a client uses, cleartext first so that some flows are unencrypted. */
  protocols: readonly string[];
  auth?: string;
  sql?: boolean;
  /** Sits with the services (brokers) rather than in the data tier. */
  appZone?: boolean;
  weight: number;
}

const STORE_KINDS: readonly StoreKind[] = [
  { prefix: 'db', label: 'database', techs: ['postgres', 'mysql', 'mariadb', 'mssql'], protocols: ['postgres', 'postgres+tls', 'sql+tls', 'sql+tls'], auth: 'password', sql: true, weight: 30 },
  { prefix: 'docdb', label: 'document store', techs: ['mongodb', 'dynamodb', 'cassandra'], protocols: ['mongodb', 'mongodb+tls', 'mongodb+tls'], auth: 'password', weight: 10 },
  { prefix: 'cache', label: 'cache', techs: ['redis', 'memcached'], protocols: ['redis', 'rediss', 'rediss'], auth: 'password', weight: 16 },
  { prefix: 'queue', label: 'queue', techs: ['rabbitmq', 'sqs', 'kafka', 'nats'], protocols: ['amqp', 'amqps', 'kafka+tls'], appZone: true, weight: 16 },
  { prefix: 'bucket', label: 'bucket', techs: ['s3', 'gcs', 'minio'], protocols: ['s3', 's3', 'https'], auth: 'iam', weight: 12 },
  { prefix: 'index', label: 'search index', techs: ['elasticsearch', 'opensearch'], protocols: ['http', 'https', 'https'], weight: 7 },
  { prefix: 'vault', label: 'secrets', techs: ['vault', 'secrets-manager'], protocols: ['https', 'mtls'], auth: 'mtls', weight: 3 },
  { prefix: 'logs', label: 'logs', techs: ['splunk', 'elk', 'cloudwatch'], protocols: ['https', 'tcp'], weight: 6 },
];

const PARTNERS = ['stripe', 'paypal', 'adyen', 'sendgrid', 'ses', 'okta', 'auth0', 'openai', 'anthropic', 'smtp'];
const PROCESS_CONTROLS = [
  'parameterized-queries', 'generic-errors', 'audit-logging', 'timeouts', 'circuit-breaker', 'secure-cookies',
  'session-management', 'input-validation', 'rate-limiting', 'least-privilege', 'output-encoding', 'token-validation',
];
const ZONE_CONTROLS = ['audit-logging', 'generic-errors', 'parameterized-queries', 'timeouts', 'least-privilege'];
const SERVICE_PROTOCOLS = ['grpc', 'grpcs', 'grpc+mtls', 'https', 'https', 'http', 'mtls'];
const PROCESS_AUTH = ['session-cookie', 'jwt', 'oauth2', 'jwt', 'api-key'];

interface Route {
  key: string;
  make(ctx: RouteContext): Record<string, unknown>;
}
interface RouteContext {
  dice: Dice;
  local: string[];
  partner?: string;
}

const ROUTES: readonly Route[] = [
  { key: 'POST /login', make: ({ dice }) => ({ public: true, ...ctl(dice, ['rate-limiting', 'mfa', 'generic-responses', 'account-lockout'], 0.4) }) },
  { key: 'POST /register', make: ({ dice }) => ({ public: true, ...ctl(dice, ['rate-limiting', 'captcha', 'generic-responses'], 0.3) }) },
  { key: 'POST /password/reset', make: ({ dice }) => ({ public: true, ...ctl(dice, ['generic-responses', 'rate-limiting'], 0.4) }) },
  { key: '/search', make: ({ dice }) => ({ public: true, returns: ['catalog'], ...ctl(dice, ['rate-limiting', 'pagination'], 0.4) }) },
  { key: 'POST /upload', make: ({ dice, local }) => ({ accepts: [dice.pick(local)], ...ctl(dice, ['file-type-validation', 'size-limits', 'malware-scanning'], 0.4) }) },
  { key: '/admin', make: ({ dice }) => ({ ...ctl(dice, ['ip-allowlist', 'vpn', 'mfa'], 0.3) }) },
  { key: 'GET /records', make: ({ dice, local }) => ({ returns: [dice.pick(local)] }) },
  { key: 'POST /cart', make: ({ dice }) => ({ accepts: ['prices'], ...ctl(dice, ['server-side-validation'], 0.5) }) },
  { key: '/health', make: () => ({ public: true }) },
  { key: '/graphql', make: ({ dice, local }) => ({ returns: [dice.pick(local)], ...ctl(dice, ['rate-limiting'], 0.5) }) },
  { key: '/export', make: ({ dice, local }) => ({ returns: [dice.pick(local)] }) },
  { key: '/oauth/callback', make: () => ({ public: true }) },
];
const WEBHOOK_ROUTE = 'POST /webhooks/events';

function ctl(dice: Dice, controls: readonly string[], p: number): { controls?: string[] } {
  const chosen = dice.some(controls, p);
  return chosen.length ? { controls: chosen } : {};
}

function weighted<T extends { weight: number }>(dice: Dice, kinds: readonly T[]): T {
  let total = 0;
  for (const k of kinds) total += k.weight;
  let r = dice.next() * total;
  for (const k of kinds) {
    r -= k.weight;
    if (r < 0) return k;
  }
  return kinds[kinds.length - 1];
}

interface Cell {
  id: string;
  data: string;
  region: number;
  processes: string[];
  stores: string[];
  /** Assets local to the cell: what its services handle and its stores keep. */
  assets: string[];
  /** Shared database logins in this cell, so that some credentials are used by several services. */
  sharedCredential?: string;
}

interface Region {
  id: string;
  dmz: string;
  cdn?: string;
  lb?: string;
  gateway?: string;
  cells: Cell[];
}

type RawElementOut = Record<string, unknown>;
type FlowDetailsOut = Record<string, unknown>;

/**
 * A model with exactly `elements` elements, about 3 flows each, and about one trust boundary per 20
 * elements. Valid against the schema, every reference resolved, every element on at least one flow.
 */
export function generateModel(options: GenerateOptions): RawModel {
  const n = Math.floor(options.elements);
  if (!Number.isFinite(n) || n < 1 || n > MAX_GENERATED_ELEMENTS) {
    throw new RangeError(`elements must be a whole number from 1 to ${MAX_GENERATED_ELEMENTS}`);
  }
  const seed = options.seed ?? 1;
  const dice = new Dice(seededRandom(seed));

  // How many of each: people and partners ~6%, an edge of three per region, then ~60/40 services/stores.
  const regionCount = Math.max(1, Math.round(n / 300));
  const externals = Math.max(Math.min(n, n >= 20 ? 3 : n >= 10 ? 2 : 1), Math.round(n * 0.06));
  const partnerCount = n >= 10 ? Math.max(1, Math.floor(externals * 0.35)) : 0;
  const adminCount = n >= 20 ? Math.max(1, Math.floor(externals * 0.1)) : 0;
  const userCount = externals - partnerCount - adminCount;
  const edgePerRegion = n >= 30 ? 3 : n >= 4 ? 1 : 0;
  const edgeCount = Math.min(edgePerRegion * regionCount, Math.max(0, n - externals));
  const rest = n - externals - edgeCount;
  const storeCount = rest >= 2 ? Math.round(rest * 0.38) : 0;
  const processCount = rest - storeCount;
  const cellCount = Math.max(1, Math.min(processCount, Math.round((n / 20 - 2 - 2 * regionCount) / 2)));

  const boundaries: Record<string, Record<string, unknown>> = {
    internet: { name: 'Internet', trust: 'untrusted' },
  };
  if (partnerCount > 0) boundaries.partners = { name: 'Partner services', trust: 'untrusted', kind: 'service' };

  const assets: Record<string, Record<string, unknown>> = {
    pii: { name: 'Customer PII', type: 'pii', classification: 'confidential' },
    sessions: { name: 'Session tokens', type: 'session', classification: 'confidential' },
    creds: { name: 'Password hashes', type: 'credentials', classification: 'restricted' },
    card: { name: 'Card data', type: 'payment', classification: 'restricted' },
    prices: { name: 'Prices and totals', type: 'pricing', classification: 'internal', integrity: 'high' },
    catalog: { name: 'Product catalogue', type: 'business', classification: 'public' },
    uptime: { name: 'Service availability', kind: 'resource', availability: 'high' },
  };
  const globalAssets = Object.keys(assets).filter((a) => a !== 'uptime');
  const CLASSES = ['public', 'internal', 'internal', 'confidential', 'confidential', 'restricted'];
  const TYPES = ['business', 'pii', 'financial', 'telemetry', 'logs', 'health', 'secrets', 'business', 'source-code'];

  const regions: Region[] = [];
  for (let r = 1; r <= regionCount; r++) {
    const id = `region-${r}`;
    const dmz = `dmz-${r}`;
    boundaries[id] = { name: `Cloud region ${r}`, trust: 'internal', kind: 'cloud' };
    boundaries[dmz] = { name: `DMZ ${r}`, trust: 'dmz', in: id, ...ctl(dice, ['waf', 'ddos-protection'], 0.3) };
    regions.push({ id, dmz, cells: [] });
  }
  const cells: Cell[] = [];
  for (let c = 1; c <= cellCount; c++) {
    const region = regions[(c - 1) % regionCount];
    const domain = DOMAINS[(c - 1) % DOMAINS.length];
    const id = `app-${c}`;
    const data = `data-${c}`;
    boundaries[id] = {
      name: `${cap(domain)} zone ${c}`, trust: 'internal', kind: dice.chance(0.3) ? 'service' : 'network', in: region.id,
      ...ctl(dice, ZONE_CONTROLS, 0.15),
    };
    boundaries[data] = { name: `${cap(domain)} data ${c}`, trust: 'restricted', kind: 'data-tier', in: id };
    const local: string[] = [];
    for (let k = 1; k <= 2; k++) {
      const assetId = `${domain}-${c}-${k}`;
      const type = dice.pick(TYPES);
      assets[assetId] = {
        name: `${cap(domain)} ${type === 'business' ? 'records' : type} ${c}.${k}`,
        type,
        classification: dice.pick(CLASSES),
        ...(dice.chance(0.2) ? { integrity: 'high' } : {}),
      };
      local.push(assetId);
    }
    const cell: Cell = { id, data, region: (c - 1) % regionCount, processes: [], stores: [], assets: local };
    if (dice.chance(0.4)) cell.sharedCredential = `${domain}-db-${c}`;
    cells.push(cell);
    region.cells.push(cell);
  }

  const elements: Record<string, RawElementOut> = {};
  const kindOf = new Map<string, 'external' | 'process' | 'store'>();
  let seq = 0;
  const add = (prefix: string, kind: 'external' | 'process' | 'store', el: RawElementOut): string => {
    const id = `${prefix}-${++seq}`;
    elements[id] = el;
    kindOf.set(id, kind);
    return id;
  };

  // People and partners.
  const users: string[] = [];
  const admins: string[] = [];
  const partners: string[] = [];
  for (let i = 0; i < userCount; i++) {
    const mobile = dice.chance(0.25);
    // Some people sit outside every boundary: the analysis treats them as untrusted all the same.
    users.push(add(mobile ? 'mobile' : 'user', 'external', {
      name: mobile ? `Mobile app users ${seq + 1}` : `Customers ${seq + 1}`,
      type: 'user', tech: mobile ? 'mobile-app' : 'browser', ...(dice.chance(0.8) ? { in: 'internet' } : {}),
    }));
  }
  for (let i = 0; i < adminCount; i++) {
    admins.push(add('operator', 'external', { name: `Operators ${seq + 1}`, type: 'admin', tech: 'browser', in: 'internet' }));
  }
  for (let i = 0; i < partnerCount; i++) {
    const tech = PARTNERS[i % PARTNERS.length];
    partners.push(add(tech, 'external', { name: `${cap(tech)} ${seq + 1}`, tech, in: 'partners' }));
  }

  // The edge of each region: CDN -> load balancer -> gateway (the first ones only when there is room).
  for (let i = 0; i < edgeCount; i++) {
    const region = regions[i % regionCount];
    if (edgePerRegion === 1 || region.cdn !== undefined && region.lb !== undefined) {
      region.gateway = add('gw', 'process', {
        name: `API gateway ${i + 1}`, tech: dice.pick(['kong', 'api-gateway', 'istio']), in: region.id,
        auth: 'jwt', ...ctl(dice, ['rate-limiting', 'waf', 'token-validation'], 0.45),
      });
    } else if (region.cdn === undefined) {
      region.cdn = add('cdn', 'process', {
        name: `CDN ${region.id}`, tech: dice.pick(['cloudfront', 'cloudflare', 'fastly']), in: region.dmz,
        ...ctl(dice, ['ddos-protection', 'hsts', 'waf'], 0.5),
      });
    } else {
      region.lb = add('lb', 'process', { name: `Load balancer ${region.id}`, tech: dice.pick(['alb', 'haproxy', 'nginx']), in: region.dmz });
    }
  }

  // Services and stores, dealt out to the cells so that every cell has at least one service.
  const cellOfProcess = new Map<string, Cell>();
  const cellOfStore = new Map<string, Cell>();
  const storeKinds = new Map<string, StoreKind>();
  const webhooks: Array<{ element: string; partner: string }> = [];
  const adminEndpoints: string[] = [];
  const referenced = new Set<string>();
  for (let i = 0; i < processCount; i++) {
    const cell = i < cells.length ? cells[i] : cells[dice.int(0, cells.length - 1)];
    const kind = weighted(dice, PROCESS_KINDS);
    const domain = DOMAINS[(cells.indexOf(cell) + i) % DOMAINS.length];
    const tech = dice.pick(kind.techs);
    const el: RawElementOut = {
      name: `${cap(domain)} ${kind.label} ${seq + 1}`,
      ...(kind.type ? { type: kind.type } : {}),
      ...(tech ? { tech } : {}),
      in: cell.id,
    };
    if (kind.endpoints) el.auth = dice.pick(PROCESS_AUTH);
    const controls = dice.some(PROCESS_CONTROLS, 0.3);
    if (controls.length) el.controls = controls;
    const handles = dice.sample([...cell.assets, ...dice.sample(globalAssets, 1)], dice.int(1, 3));
    el.handles = handles;
    for (const a of handles) referenced.add(a);
    if (dice.chance(0.15)) el.replicas = dice.int(2, 12);
    if (dice.chance(0.05)) el.privileged = true;
    if (dice.chance(0.3)) el.owner = `${domain}-team`;
    const id = add(kind.prefix, 'process', el);
    if (kind.endpoints) {
      const endpoints: Record<string, Record<string, unknown> | null> = {};
      const count = kind.prefix === 'admin' ? 1 : dice.int(0, 4);
      const routes = kind.prefix === 'admin' ? [ROUTES[5]] : dice.sample(ROUTES, count);
      for (const route of routes) {
        const spec = route.make({ dice, local: cell.assets });
        for (const a of [...(spec.accepts as string[] ?? []), ...(spec.returns as string[] ?? [])]) referenced.add(a);
        endpoints[route.key] = Object.keys(spec).length ? spec : null;
        if (route.key === '/admin') adminEndpoints.push(id);
      }
      if (partners.length > 0 && dice.chance(0.08)) {
        const partner = dice.pick(partners);
        endpoints[WEBHOOK_ROUTE] = { public: true, callers: [partner], ...ctl(dice, ['signature-verification'], 0.5) };
        webhooks.push({ element: id, partner });
      }
      if (Object.keys(endpoints).length) el.endpoints = endpoints;
    }
    cell.processes.push(id);
    cellOfProcess.set(id, cell);
  }
  for (let i = 0; i < storeCount; i++) {
    const cell = cells[i % cells.length];
    const kind = weighted(dice, STORE_KINDS);
    const stores = dice.sample(kind.prefix === 'cache' ? ['sessions', ...cell.assets] : cell.assets, dice.int(1, 2));
    for (const a of stores) referenced.add(a);
    const id = add(kind.prefix, 'store', {
      name: `${cap(DOMAINS[i % DOMAINS.length])} ${kind.label} ${seq + 1}`,
      tech: dice.pick(kind.techs),
      in: kind.appZone ? cell.id : cell.data,
      stores,
      ...ctl(dice, ['encryption-at-rest', 'backups'], 0.55),
    });
    storeKinds.set(id, kind);
    cell.stores.push(id);
    cellOfStore.set(id, cell);
  }

  // Flows: unique pairs, so that every flow's default id `from->to` is unique.
  const flows: Array<Record<string, unknown>> = [];
  const pairs = new Set<string>();
  const touched = new Set<string>();
  const fed = new Set<string>();
  const target = 3 * n;
  const flow = (from: string, to: string, details: FlowDetailsOut): boolean => {
    if (from === to) return false;
    const pair = `${from}->${to}`;
    if (pairs.has(pair)) return false;
    pairs.add(pair);
    touched.add(from);
    touched.add(to);
    fed.add(to);
    for (const a of (details.data as string[] | undefined) ?? []) referenced.add(a);
    const keys = Object.keys(details);
    if (keys.length === 1 && keys[0] === 'protocol' && dice.chance(0.8)) flows.push({ [`${from} -> ${to}`]: details.protocol });
    else if (dice.chance(0.1)) flows.push({ from, to, ...details });
    else flows.push({ [`${from} -> ${to}`]: details });
    return true;
  };
  const data = (pool: readonly string[], p = 0.6): { data?: string[] } =>
    dice.chance(p) && pool.length ? { data: dice.sample(pool, dice.int(1, 2)) } : {};
  const serviceCall = (from: string, to: string): boolean => {
    const protocol = dice.pick(SERVICE_PROTOCOLS);
    const cell = cellOfProcess.get(to);
    return flow(from, to, { protocol, ...data(cell?.assets ?? [], 0.4) });
  };
  const storeCall = (from: string, store: string): boolean => {
    const kind = storeKinds.get(store)!;
    const cell = cellOfStore.get(store)!;
    const details: FlowDetailsOut = { protocol: dice.pick(kind.protocols), ...data(cell.assets, 0.7) };
    if (kind.auth) details.auth = kind.auth;
    if (kind.sql) details.credential = cell.sharedCredential && dice.chance(0.7) ? cell.sharedCredential : `${from}-login`;
    return flow(from, store, details);
  };
  const entryOf = (region: Region): string | undefined => region.gateway ?? region.lb ?? region.cdn;
  const frontOf = (region: Region): string | undefined => region.cdn ?? region.lb ?? region.gateway;

  // People reach a region's edge; operators reach admin interfaces.
  for (const u of users) {
    const region = dice.pick(regions);
    const front = frontOf(region) ?? dice.pick(cells).processes[0];
    if (front) flow(u, front, { protocol: dice.chance(0.9) ? 'https' : 'http', ...data(['pii', 'sessions', 'card', 'prices'], 0.5) });
  }
  for (const a of admins) {
    const to = adminEndpoints.length ? dice.pick(adminEndpoints) : entryOf(dice.pick(regions));
    if (to) flow(a, to, { protocol: 'https', ...(adminEndpoints.includes(to) ? { endpoint: '/admin' } : {}) });
  }
  for (const region of regions) {
    if (region.cdn && region.lb) flow(region.cdn, region.lb, { protocol: 'https' });
    if (region.lb && region.gateway) flow(region.lb, region.gateway, { protocol: dice.chance(0.5) ? 'http' : 'https' });
  }
  // The edge fronts the services with entry points; every service is called by something.
  for (const cell of cells) {
    const region = regions[cell.region];
    const entry = entryOf(region);
    for (const p of cell.processes) {
      const el = elements[p];
      if (entry && el.endpoints) flow(entry, p, { protocol: dice.chance(0.8) ? 'https' : 'http', ...data(cell.assets, 0.5) });
    }
  }
  for (const w of webhooks) flow(w.partner, w.element, { protocol: 'https', endpoint: WEBHOOK_ROUTE, ...data(['card'], 0.5) });

  for (const cell of cells) {
    const { processes, stores } = cell;
    const region = regions[cell.region];
    for (const p of processes) {
      // A couple of stores in its own cell, a few sibling services, now and then another cell or a partner.
      for (let k = dice.int(1, 2); k > 0 && stores.length; k--) storeCall(p, dice.pick(stores));
      for (let k = dice.int(1, 2); k > 0 && processes.length > 1; k--) serviceCall(p, dice.pick(processes));
      if (dice.chance(0.35) && region.cells.length > 1) serviceCall(p, dice.pick(dice.pick(region.cells).processes));
      if (dice.chance(0.05) && cells.length > 1) serviceCall(p, dice.pick(dice.pick(cells).processes));
      if (dice.chance(0.06) && partners.length) {
        flow(p, dice.pick(partners), { protocol: 'https', auth: 'api-key', ...data(['pii', 'card'], 0.5) });
      }
    }
    // Consumers read from the brokers in their cell.
    for (const s of stores) {
      if (storeKinds.get(s)!.appZone && processes.length) {
        flow(s, dice.pick(processes), { protocol: dice.pick(storeKinds.get(s)!.protocols), ...data(cell.assets, 0.5) });
      }
    }
    // No element left alone: every store is used by a service of its cell.
    for (const s of stores) if (!touched.has(s) && processes.length) storeCall(dice.pick(processes), s);
  }
  for (const p of partners) {
    if (!touched.has(p)) {
      const from = cells[dice.int(0, cells.length - 1)].processes[0];
      if (from) flow(from, p, { protocol: 'https', auth: 'api-key' });
    }
  }
  for (const region of regions) {
    for (const id of [region.cdn, region.lb, region.gateway]) {
      if (id && !touched.has(id) && users.length) flow(dice.pick(users), id, { protocol: 'https' });
    }
  }
  // Every service is fed by something: a broker of its cell, a sibling, or the edge.
  for (const cell of cells) {
    const brokers = cell.stores.filter((s) => storeKinds.get(s)!.appZone);
    for (const p of cell.processes) {
      if (fed.has(p)) continue;
      const entry = entryOf(regions[cell.region]);
      if (brokers.length) flow(dice.pick(brokers), p, { protocol: dice.pick(storeKinds.get(brokers[0])!.protocols) });
      else if (cell.processes.length > 1) serviceCall(cell.processes[cell.processes[0] === p ? 1 : 0], p);
      else if (entry) flow(entry, p, { protocol: 'https' });
      else if (users.length) flow(dice.pick(users), p, { protocol: 'https' });
    }
  }

  // Top up to about three flows per element with calls inside a cell (bounded: tiny models may run out of pairs).
  for (let attempts = 0; flows.length < target && attempts < target * 4; attempts++) {
    const cell = dice.pick(cells);
    if (cell.processes.length === 0) continue;
    const from = dice.pick(cell.processes);
    if (cell.stores.length && dice.chance(0.35)) storeCall(from, dice.pick(cell.stores));
    else if (cell.processes.length > 1) serviceCall(from, dice.pick(cell.processes));
    else if (cell.stores.length) storeCall(from, dice.pick(cell.stores));
  }

  // Every asset is used somewhere: an unused one would only be noise in the report.
  const firstProcess = cells.find((c) => c.processes.length)?.processes[0];
  for (const a of Object.keys(assets)) {
    if (referenced.has(a) || a === 'uptime' || !firstProcess) continue;
    (elements[firstProcess].handles as string[]).push(a);
    referenced.add(a);
  }
  if (!firstProcess) {
    for (const a of Object.keys(assets)) if (!referenced.has(a)) delete assets[a];
  }

  const assumptions = [
    'Cloud provider infrastructure and hypervisors are trusted.',
    { text: 'Internal service calls are authenticated by the platform mesh in region 1.', rules: ['no-mutual-tls'], elements: regions[0].cells[0]?.processes.slice(0, 1) ?? [] },
  ];

  return {
    threatmap: 1,
    system: {
      name: `Synthetic estate (${n} elements, seed ${String(seed)})`,
      description: `A generated model for benchmarks: ${regionCount} region${regionCount > 1 ? 's' : ''}, ${cells.length} application zone${cells.length > 1 ? 's' : ''}, ${flows.length} flows.`,
      owner: 'platform-team',
    },
    boundaries,
    assets,
    elements,
    flows,
    assumptions,
  } as unknown as RawModel;
}

// --- Serialisation -------------------------------------------------------------------------------------

/** YAML plain scalars that are safe in both block and flow context and read back as the same string. */
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_ ./+>-]*[A-Za-z0-9_./+]$|^[A-Za-z_/]$/;
const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n|~)$/i;

function scalar(value: unknown): string {
  if (typeof value === 'string') {
    // `a -> b` is plain; `- ` or `: ` or ` #` never appear in PLAIN matches except the arrow, which YAML accepts.
    return PLAIN.test(value) && !RESERVED.test(value) && !value.includes(': ') ? value : JSON.stringify(value);
  }
  if (value === null) return 'null';
  return String(value);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{ a: 1, b: [x, y] }` when every value is a scalar or a list of scalars; undefined otherwise. */
function flowMap(map: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(map)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      if (v.some((x) => typeof x === 'object' && x !== null)) return undefined;
      parts.push(`${scalar(k)}: [${v.map(scalar).join(', ')}]`);
    } else if (isPlainObject(v)) return undefined;
    else parts.push(`${scalar(k)}: ${scalar(v)}`);
  }
  return parts.length ? `{ ${parts.join(', ')} }` : '{}';
}

function blockMap(map: Record<string, unknown>, indent: string, out: string[]): void {
  for (const [k, v] of Object.entries(map)) {
    if (v === undefined) continue;
    const key = `${indent}${scalar(k)}:`;
    if (Array.isArray(v)) {
      if (v.every((x) => typeof x !== 'object' || x === null)) {
        out.push(`${key} [${v.map(scalar).join(', ')}]`);
        continue;
      }
      out.push(key);
      for (const item of v) out.push(`${indent}  - ${isPlainObject(item) ? (flowItem(item) ?? JSON.stringify(item)) : scalar(item)}`);
    } else if (isPlainObject(v)) {
      const inline = flowMap(v);
      if (inline !== undefined && inline.length + key.length <= 120) out.push(`${key} ${inline}`);
      else {
        out.push(key);
        blockMap(v, `${indent}  `, out);
      }
    } else out.push(`${key} ${scalar(v)}`);
  }
}

/** A list item: the one-key flow shorthand reads `a -> b: https` or `a -> b: { ... }`, anything else inline. */
function flowItem(item: Record<string, unknown>): string | undefined {
  const keys = Object.keys(item);
  if (keys.length === 1 && keys[0].includes(' -> ')) {
    const v = item[keys[0]];
    if (!isPlainObject(v)) return `${scalar(keys[0])}: ${scalar(v)}`;
    const inline = flowMap(v);
    return inline === undefined ? undefined : `${scalar(keys[0])}: ${inline}`;
  }
  return flowMap(item);
}

/** Readable YAML in the style of the examples, written directly (a general YAML writer is far slower at this size). */
export function modelToYaml(raw: RawModel): string {
  const out: string[] = [
    `# Generated by \`threatmap generate\`: a synthetic model for benchmarks.`,
  ];
  const model = raw as unknown as Record<string, unknown>;
  for (const section of Object.keys(model)) {
    const value = model[section];
    if (Array.isArray(value)) {
      out.push('', `${section}:`);
      for (const item of value) out.push(`  - ${isPlainObject(item) ? (flowItem(item) ?? JSON.stringify(item)) : scalar(item)}`);
    } else if (isPlainObject(value)) {
      out.push('', `${section}:`);
      blockMap(value, '  ', out);
    } else out.push(`${section}: ${scalar(value)}`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * A flow in JSON's explicit form, `{"from", "to", ...}`: what a program writing JSON would write, and what
 * JSON.parse reads fastest. A shorthand's arrow is a key of its own in every flow, and each new key gives
 * JSON.parse a new object shape to make: 30,000 such flows took it 57 ms, against 15-22 ms with fixed keys.
 */
function explicitFlow(item: unknown): unknown {
  if (!isPlainObject(item)) return item;
  const keys = Object.keys(item);
  const ends = keys.length === 1 ? splitFlowArrow(keys[0]) : undefined;
  if (ends === undefined) return item;
  const details = item[keys[0]];
  return { from: ends[0], to: ends[1], ...(isPlainObject(details) ? details : { protocol: details }) };
}

/**
 * JSON with one line per boundary, asset, element and flow: still readable and diffable, with positions
 * that point somewhere useful, at half the size of fully indented JSON (100,000 elements stay under the
 * 50 MB a model file may have). Flows are written in the explicit form (see explicitFlow).
 */
export function modelToJson(raw: RawModel): string {
  const model = raw as unknown as Record<string, unknown>;
  const sections: string[] = [];
  for (const [section, value] of Object.entries(model)) {
    const key = JSON.stringify(section);
    if (Array.isArray(value)) {
      const items = section === 'flows' ? value.map(explicitFlow) : value;
      sections.push(items.length ? `  ${key}: [\n${items.map((v) => `    ${JSON.stringify(v)}`).join(',\n')}\n  ]` : `  ${key}: []`);
    } else if (isPlainObject(value) && section !== 'system') {
      const entries = Object.entries(value).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
      sections.push(entries.length ? `  ${key}: {\n${entries.join(',\n')}\n  }` : `  ${key}: {}`);
    } else sections.push(`  ${key}: ${JSON.stringify(value)}`);
  }
  return `{\n${sections.join(',\n')}\n}\n`;
}

export function generateModelText(options: GenerateOptions & { format?: GeneratedFormat }): string {
  const raw = generateModel(options);
  return options.format === 'json' ? modelToJson(raw) : modelToYaml(raw);
}
