// Attack paths (src/analysis/paths.ts): for every asset, the easiest way from an entry point to where it lives.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterByRisk } from '../../src/analysis/filter.js';
import { orderPaths } from '../../src/analysis/paths.js';
import type { AnalysisResult, AttackPath, Risk } from '../../src/analysis/types.js';
import { analyzeExample, analyzeText } from '../helpers.js';

const pathOf = (r: AnalysisResult, asset: string): AttackPath => {
  const found = r.attackPaths.paths.find((p) => p.asset === asset);
  assert.ok(found, `a path to ${asset}: ${JSON.stringify(r.attackPaths)}`);
  return found;
};
/** The path as `entry -> ... -> target`, by element id. */
const route = (p: AttackPath): string => [p.entry, ...p.hops.map((h) => h.to)].join(' -> ');

const HEADER = `threatmap: 1
system: { name: Paths }
boundaries:
  internet: { trust: untrusted }
  app: { trust: internal }
`;

describe('attack paths', () => {
  it('prefer a longer route with no credential over a shorter one that demands one', () => {
    const r = analyzeText(`${HEADER}assets:
  secret: { name: Secret, classification: restricted }
elements:
  user: { type: user, in: internet }
  gw: { kind: process, in: app }
  svc: { kind: process, in: app }
  db: { kind: store, in: app, stores: [secret] }
flows:
  - user -> db: { protocol: postgres+tls, auth: password }
  - user -> gw: https
  - gw -> svc: https
  - svc -> db: postgres
`);
    const p = pathOf(r, 'secret');
    assert.equal(route(p), 'user -> gw -> svc -> db');
    assert.equal(p.held, 'stored');
    assert.equal(p.unauthenticatedHops, 3);
    assert.deepEqual(p.hops.map((h) => [h.flow, h.protocol, h.encrypted, h.auth, h.authenticated]), [
      ['user->gw', 'https', true, 'none', false],
      ['gw->svc', 'https', true, 'none', false],
      ['svc->db', 'postgres', false, 'none', false],
    ]);
    assert.equal(p.hops[0].crossing, 'internet -> internal (leaves internet; enters app)');
    assert.equal(p.hops[0].crossingKind, 'internet-to-internal');
    assert.equal(p.hops[1].crossing, undefined, 'a flow inside one zone crosses nothing');
    assert.deepEqual(r.attackPaths.entries, ['user']);
  });

  it('count a call as authenticated when the endpoint it names or every endpoint it can reach demands a credential', () => {
    const r = analyzeText(`${HEADER}assets:
  a: { name: Reached through the webhook, classification: internal }
  b: { name: Reached through the API, classification: internal }
elements:
  partner: { tech: stripe, in: internet }
  hook:
    kind: process
    in: app
    handles: [a]
    endpoints:
      POST /hook: { public: true, callers: [partner], controls: [signature-verification] }
  api:
    kind: process
    in: app
    auth: jwt
    handles: [b]
    endpoints:
      /orders: {}
      /catalog: { public: true, callers: [someone-else], controls: [ip-allowlist] }
  someone-else: { type: user, in: internet }
flows:
  - partner -> hook: { protocol: https, endpoint: POST /hook }
  - partner -> api: https
`);
    const webhook = pathOf(r, 'a').hops[0];
    assert.deepEqual([webhook.endpoint, webhook.auth, webhook.authenticated], ['hook:POST /hook', 'none', true]);
    // /catalog is public, but only `someone-else` may call it (its allow-list enforces that): the partner's call can land only on /orders.
    assert.deepEqual(pathOf(r, 'b').hops.map((h) => [h.flow, h.authenticated]), [['partner->api', true]]);
    const open = analyzeText(`${HEADER}assets:
  b: { name: Reached through the API, classification: internal }
elements:
  partner: { tech: stripe, in: internet }
  api:
    kind: process
    in: app
    auth: jwt
    handles: [b]
    endpoints:
      /orders: {}
      /catalog: { public: true }
flows:
  - partner -> api: https
`);
    assert.equal(pathOf(open, 'b').hops[0].authenticated, false, 'a call naming no endpoint can land on the public one');
    assert.equal(pathOf(open, 'b').hops[0].openAt, 'api:/catalog', 'and the hop names it');
    assert.equal(pathOf(r, 'b').hops[0].openAt, undefined, 'an authenticated hop names none');
    assert.equal(pathOf(open, 'b').unauthenticatedHops, 1);
  });

  it('judge the last hop into an asset by the endpoints that accept or return it, not by a public one beside them', () => {
    const r = analyzeText(`${HEADER}assets:
  commands: { name: Device commands, integrity: high }
  readings: { name: Readings, classification: internal }
  profile: { name: Profile, classification: internal }
elements:
  phone: { tech: mobile-app, in: internet }
  api:
    kind: process
    in: app
    auth: jwt
    handles: [commands, profile]
    endpoints:
      /login: { public: true }
      POST /devices/{id}/setpoint: { accepts: [commands] }
      /devices/{id}/readings: { returns: [readings] }
      /status: { public: true, returns: [readings] }
flows:
  - phone -> api: https
`);
    const commands = pathOf(r, 'commands');
    assert.deepEqual([route(commands), commands.hops[0].authenticated, commands.unauthenticatedHops], ['phone -> api', true, 0],
      'commands are taken only at the setpoint, which asks for the JWT');
    assert.equal(pathOf(r, 'readings').hops[0].authenticated, false, 'readings are also returned by the public /status');
    assert.equal(pathOf(r, 'profile').hops[0].authenticated, false, 'no endpoint names the profile: the call may land on /login');
    // The endpoint that lets each call in is named: the one holding the asset on its last hop.
    assert.deepEqual([commands, pathOf(r, 'readings'), pathOf(r, 'profile')].map((p) => p.hops[0].openAt), [undefined, 'api:/status', 'api:/login']);
    // The hop is shared with the other paths, judged the way they reach it.
    assert.deepEqual(pathOf(r, 'profile').hops[0].threats, commands.hops[0].threats.filter((id) => id !== 'T3'), 'T3, the commands\' manipulation, is on their path only');
  });

  it('follow only the calls that can land on an endpoint holding the asset, and the element reached at all when none can', () => {
    const r = analyzeText(`${HEADER}assets:
  card: { name: Card, type: payment, classification: restricted }
  report: { name: Report, classification: internal }
elements:
  partner: { tech: stripe, in: internet }
  user: { type: user, in: internet }
  edge: { type: load-balancer, in: app }
  api:
    kind: process
    in: app
    auth: session-cookie
    endpoints:
      POST /checkout: { accepts: [card] }
      /hook: { public: true, callers: [partner] }
      /export: { returns: [report], callers: [ops], controls: [ip-allowlist] }
  ops: { kind: process, in: app }
flows:
  - partner -> api: { protocol: https, endpoint: /hook }
  - user -> edge: https
  - edge -> api: https
`);
    const card = pathOf(r, 'card');
    assert.deepEqual([route(card), card.hops.map((h) => h.authenticated)], ['user -> edge -> api', [false, true]],
      'the partner\'s public webhook is one hop and open, but takes no card data');
    // Only ops may call /export (its allow-list enforces that) and nothing brings ops there: the report lives at api, reached as an element.
    assert.equal(route(pathOf(r, 'report')), 'partner -> api');
  });

  it('place an asset nothing stores at the element of the system that sends it on from where no flow brings it', () => {
    const r = analyzeText(`${HEADER}assets:
  card: { name: Card, type: payment, classification: restricted }
elements:
  user: { type: user, in: internet }
  edge: { type: load-balancer, in: app }
  api: { kind: process, in: app }
  payments: { type: third-party, in: internet }
flows:
  - user -> edge: https
  - edge -> api: https
  - api -> payments: { protocol: https, data: [card] }
`);
    const card = pathOf(r, 'card');
    assert.deepEqual([route(card), card.held], ['user -> edge -> api', 'handled'], 'api has the card data it sends, not only the provider');
  });

  it('break ties by entry id, then by the caller with the smallest id, whatever the model order', () => {
    const text = (order: 'ab' | 'ba') => `${HEADER}assets:
  secret: { name: Secret, classification: confidential }
elements:
  ${order === 'ab' ? 'user-a: { type: user, in: internet }\n  user-b: { type: user, in: internet }' : 'user-b: { type: user, in: internet }\n  user-a: { type: user, in: internet }'}
  ${order === 'ab' ? 'm1: { kind: process, in: app }\n  m2: { kind: process, in: app }' : 'm2: { kind: process, in: app }\n  m1: { kind: process, in: app }'}
  db: { kind: store, in: app, stores: [secret] }
flows:
  ${order === 'ab' ? '- user-a -> m2: https\n  - user-a -> m1: https\n  - user-b -> m1: https' : '- user-b -> m1: https\n  - user-a -> m1: https\n  - user-a -> m2: https'}
  ${order === 'ab' ? '- m2 -> db: postgres\n  - m1 -> db: postgres' : '- m1 -> db: postgres\n  - m2 -> db: postgres'}
`;
    const ab = analyzeText(text('ab'));
    const ba = analyzeText(text('ba'));
    assert.equal(route(pathOf(ab, 'secret')), 'user-a -> m1 -> db');
    // `authAt` points into each model, whose flows are in another order.
    const unplaced = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'authAt' ? undefined : v))) as unknown;
    assert.deepEqual(unplaced(ab.attackPaths), unplaced(ba.attackPaths));
    assert.deepEqual(ab.attackPaths.entries, ['user-a', 'user-b']);
  });

  it('end where an asset is handled when nothing stores it, and where a flow brings it when nothing handles it', () => {
    const r = analyzeText(`${HEADER}assets:
  handled: { name: Handled, classification: confidential }
  accepted: { name: Accepted at an endpoint, classification: confidential }
  carried: { name: Only carried, classification: confidential }
elements:
  user: { type: user, in: internet }
  edge: { type: load-balancer, in: app }
  api:
    kind: process
    in: app
    handles: [handled]
    endpoints:
      POST /upload: { public: true, accepts: [accepted] }
  worker: { kind: process, in: app, handles: [handled] }
flows:
  - user -> edge: { protocol: https, data: [carried] }
  - edge -> api: { protocol: https, data: [carried] }
  - api -> worker: https
`);
    assert.deepEqual([route(pathOf(r, 'handled')), pathOf(r, 'handled').held], ['user -> edge -> api', 'handled'],
      'the nearest of the elements that handle it');
    assert.deepEqual([route(pathOf(r, 'accepted')), pathOf(r, 'accepted').held], ['user -> edge -> api', 'handled']);
    assert.deepEqual([route(pathOf(r, 'carried')), pathOf(r, 'carried').held], ['user -> edge', 'received'],
      'the first element a flow carrying it reaches');
  });

  it('list the data assets no entry point reaches, with where they live, and those held nowhere; resources have no path', () => {
    const r = analyzeText(`${HEADER}assets:
  backups: { name: Backups, classification: restricted }
  reached: { name: Reached, classification: internal }
  uptime: { name: Uptime, kind: resource, availability: high }
  loose: { name: Loose, classification: internal }
elements:
  user: { type: user, in: internet }
  api: { kind: process, in: app, handles: [reached] }
  vault: { kind: store, in: app, stores: [backups] }
  vault2: { kind: store, in: app, stores: [backups] }
  job: { kind: process, in: app }
flows:
  - user -> api: https
  - job -> vault: https
`);
    assert.deepEqual(r.attackPaths.paths.map((p) => p.asset), ['reached']);
    assert.deepEqual(r.attackPaths.unreachable, [
      { asset: 'backups', assetName: 'Backups', at: ['vault', 'vault2'] },
      { asset: 'loose', assetName: 'Loose', at: [] },
    ]);
  });

  it('of equally easy routes, start where an attacker most readily stands: a person or browser, then another system, a partner last', () => {
    const model = (extra: string) => analyzeText(`${HEADER}assets:
  orders: { name: Orders, classification: confidential }
elements:
  acme: { type: third-party, in: internet }
  feed: { kind: external, in: internet }
${extra}  api: { kind: process, in: app, handles: [orders] }
flows:
  - acme -> api: https
  - feed -> api: https
${extra ? '  - zed -> api: https\n' : ''}`);
    assert.equal(pathOf(model(''), 'orders').entry, 'feed', 'another system before a partner, whatever the ids');
    assert.equal(pathOf(model('  zed: { tech: browser, in: internet }\n'), 'orders').entry, 'zed', 'a browser before both');
    assert.deepEqual(model('  zed: { tech: browser, in: internet }\n').attackPaths.entries, ['acme', 'feed', 'zed'], 'entries are listed by id');
  });

  it('give no path when the model has no entry point: every asset is unreachable', () => {
    const r = analyzeText(`threatmap: 1
system: { name: Closed }
boundaries:
  app: { trust: internal }
assets:
  secret: { name: Secret, classification: restricted }
elements:
  api: { kind: process, in: app }
  db: { kind: store, in: app, stores: [secret] }
flows:
  - api -> db: postgres
`);
    assert.deepEqual(r.attackPaths, { entries: [], paths: [], unreachable: [{ asset: 'secret', assetName: 'Secret', at: ['db'] }] });
  });

  it('start at an exposed element, which holds its own assets with no hop and carries its own threats', () => {
    const r = analyzeText(`${HEADER}assets:
  files: { name: Customer files, type: pii, classification: confidential }
elements:
  bucket: { name: Public bucket, tech: s3, in: app, exposed: true, stores: [files] }
`);
    const p = pathOf(r, 'files');
    assert.deepEqual([p.entry, p.target, p.hops.length, p.unauthenticatedHops], ['bucket', 'bucket', 0, 0]);
    const own = r.threats.filter((t) => t.component === 'bucket').map((t) => t.id);
    assert.ok(own.length > 0, 'an exposed bucket of personal data has threats of its own');
    assert.deepEqual(p.entryThreats, own);
    assert.deepEqual(p.threats, own);
    assert.equal(p.risk, r.threats.find((t) => t.id === own[0])!.risk);
  });

  it('terminate on cycles and follow flows only in their direction', () => {
    const r = analyzeText(`${HEADER}assets:
  secret: { name: Secret, classification: restricted }
  upstream: { name: Upstream, classification: internal }
elements:
  user: { type: user, in: internet }
  a: { kind: process, in: app }
  b: { kind: process, in: app }
  c: { kind: process, in: app }
  up: { kind: process, in: app, handles: [upstream] }
  db: { kind: store, in: app, stores: [secret] }
flows:
  - user -> a: https
  - a -> b: https
  - b -> a: https
  - b -> c: https
  - c -> a: https
  - c -> c: https
  - c -> db: { protocol: postgres+tls, auth: password }
  - up -> a: https
`);
    assert.equal(route(pathOf(r, 'secret')), 'user -> a -> b -> c -> db');
    assert.equal(pathOf(r, 'secret').unauthenticatedHops, 3);
    assert.deepEqual(r.attackPaths.unreachable, [{ asset: 'upstream', assetName: 'Upstream', at: ['up'] }],
      'a flow up -> a gives no way from a to up');
  });

  it('put on each hop the threats of its flow and of what it reaches, and on the path all of them once', () => {
    const r = analyzeText(`${HEADER}assets:
  secret: { name: Secret, classification: restricted }
elements:
  user: { type: user, in: internet }
  front:
    kind: process
    in: app
    endpoints:
      /open: { public: true }
      /partners-only: { public: true, callers: [z-partner] }
  back: { kind: process, in: app, handles: [secret] }
  z-partner: { tech: stripe, in: internet }
  elsewhere: { kind: process, in: app }
flows:
  - user -> front: https
  - z-partner -> front: { protocol: https, endpoint: /partners-only }
  - front -> back: https
rules:
  custom:
    - id: watched-flow
      title: Watched flow
      stride: I
      applies-to: flow
      when: { flow.id: user->front }
      mitigation: Watch it.
    - id: watched-element
      title: Watched element
      stride: T
      applies-to: element
      when: { element.id: { in: [back, elsewhere] } }
      mitigation: Watch it.
    - id: watched-endpoint
      title: "Watched {endpoint}"
      stride: D
      applies-to: endpoint
      when: { endpoint.public: true }
      mitigation: Watch it.
`);
    const id = (rule: string, component: string, endpoint?: string) => {
      const t = r.threats.find((x) => x.ruleId === rule && x.component === component && x.endpoint === endpoint);
      assert.ok(t, `${rule} on ${endpoint ?? component}`);
      return t.id;
    };
    // The zone's threats about the call that lead on: its missing mTLS, not its missing circuit breaker (D).
    const mesh = r.threats.filter((t) => t.componentKind === 'boundary' && t.flows.includes('front->back') && t.stride !== 'D').map((t) => t.id);
    assert.ok(mesh.length > 0, 'the zone has threats about the call between its services');
    const p = pathOf(r, 'secret');
    assert.equal(route(p), 'user -> front -> back');
    const byReport = (ids: string[]) => [...ids].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    // The user's call can land on /open, not on the endpoint only the partner may call.
    // Denials of service on /open take the attacker nowhere: not on the path.
    assert.deepEqual(p.hops[0].threats, [id('watched-flow', 'user->front')]);
    assert.deepEqual(p.hops[0].threats, ['T1']);
    assert.ok(!p.threats.includes(id('watched-endpoint', 'front', 'front:/open')));
    assert.ok(!p.threats.includes(id('no-rate-limiting', 'front', 'front:/open')));
    assert.deepEqual(p.hops[1].threats, byReport([...mesh, id('watched-element', 'back')]));
    assert.deepEqual(p.hops[1].threats, ['T6', 'T8']);
    assert.ok(!p.threats.includes(id('watched-endpoint', 'front', 'front:/partners-only')));
    assert.ok(!p.threats.includes(id('no-rate-limiting', 'front', 'front:/partners-only')));
    assert.ok(!p.threats.includes(id('watched-element', 'elsewhere')), 'a threat off the path');
    assert.deepEqual(p.threats, byReport([...p.hops[0].threats, ...p.hops[1].threats]));
    assert.deepEqual(p.entryThreats, []);
    assert.equal(p.risk, r.threats.find((t) => t.id === p.threats[0])!.risk);
  });

  it('order paths by risk, then asset value, then hops, then asset id', () => {
    const r = analyzeText(`${HEADER}assets:
  low: { name: Low value, classification: public }
  card: { name: Card, classification: restricted }
  pii: { name: PII, classification: confidential }
  pii2: { name: PII again, classification: confidential }
elements:
  user: { type: user, in: internet }
  a: { kind: process, in: app, handles: [low, pii2] }
  b: { kind: process, in: app, handles: [card, pii] }
flows:
  - user -> a: https
  - a -> b: https
`);
    // Every path passes through `a`, which anyone may call unauthenticated (Critical): value decides, then hops.
    assert.deepEqual(r.attackPaths.paths.map((p) => [p.asset, p.risk, p.hops.length]),
      [['card', 'Critical', 2], ['pii2', 'Critical', 1], ['pii', 'Critical', 2], ['low', 'Low', 1]]);
    const path = (asset: string, risk: Risk | undefined, hops: number): AttackPath => ({
      asset, assetName: asset, entry: 'user', target: 'a', held: 'handled', entryThreats: [],
      hops: Array.from({ length: hops }, () => r.attackPaths.paths[0].hops[0]), unauthenticatedHops: hops, threats: [],
      ...(risk ? { risk } : {}),
    });
    const ordered = orderPaths([path('card', undefined, 1), path('low', 'High', 3), path('pii', 'High', 2), path('pii2', 'High', 2), path('low', 'Critical', 4)], r.assets);
    assert.deepEqual(ordered.map((p) => [p.asset, p.risk ?? '-', p.hops.length]),
      [['low', 'Critical', 4], ['pii', 'High', 2], ['pii2', 'High', 2], ['low', 'High', 3], ['card', '-', 1]]);
  });

  it('leave no threat id behind when filtered by risk, and rate each path by what is kept', () => {
    const r = analyzeExample('prelaunch');
    const high = filterByRisk(r, 'High');
    const kept = new Set(high.threats.map((t) => t.id));
    const all = high.attackPaths.paths.flatMap((p) => [...p.threats, ...p.entryThreats, ...p.hops.flatMap((h) => h.threats)]);
    assert.ok(all.length > 0);
    assert.deepEqual(all.filter((id) => !kept.has(id)), []);
    const critical = filterByRisk(r, 'Critical');
    for (const p of critical.attackPaths.paths) {
      assert.ok(p.threats.length === 0 ? p.risk === undefined : p.risk === 'Critical', JSON.stringify(p));
    }
    // The analysed result is untouched (paths share hops, which the filter copies).
    assert.ok(r.attackPaths.paths.some((p) => p.hops.some((h) => h.threats.some((id) => !kept.has(id)))));
    const lone = analyzeText(`${HEADER}assets:
  notes: { name: Notes, classification: internal }
elements:
  user: { type: user, in: internet }
  api: { kind: process, in: app, handles: [notes] }
flows:
  - user -> api: https
rules:
  custom:
    - id: minor
      title: Minor
      stride: I
      applies-to: element
      when: { element.id: api }
      likelihood: low
      impact: low
      mitigation: Watch it.
`);
    assert.deepEqual(lone.attackPaths.paths.map((p) => [p.asset, p.risk, p.threats]), [['notes', 'Low', ['T1']]]);
    assert.deepEqual(filterByRisk(lone, 'Medium').attackPaths.paths.map((p) => [p.asset, p.risk, p.threats, p.hops[0].threats]),
      [['notes', undefined, [], []]]);
  });

  it('find the same paths as an exhaustive search, on random models', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const { text, users, assets } = randomModel(seed);
      const r = analyzeText(text);
      for (const asset of assets) {
        const expected = easiest(r, users, asset);
        const found = r.attackPaths.paths.find((p) => p.asset === asset);
        assert.equal(found ? `${route(found)} via ${found.hops.map((h) => h.flow).join(', ')}` : 'unreachable', expected, `seed ${seed}, ${asset}:\n${text}`);
      }
    }
  });

  it('take the ecommerce card data from the browser through the CDN and load balancer to the API servers', () => {
    const r = analyzeExample('ecommerce');
    const card = pathOf(r, 'card');
    assert.equal(route(card), 'browser -> cdn -> lb -> api');
    assert.deepEqual(card.hops.map((h) => [h.flow, h.protocol, h.encrypted, h.authenticated, h.crossingKind]), [
      ['browser->cdn', 'https', true, false, 'internet-to-dmz'],
      ['cdn->lb', 'https', true, false, 'service-to-service'],
      ['lb->api', 'http', false, true, 'dmz-to-internal'],
    ]);
    // The card data is taken at POST /checkout, which asks for the session: not at the public /login or /search,
    // nor through the payment gateway's webhook, which takes no card data.
    assert.deepEqual([card.held, card.unauthenticatedHops, card.risk], ['handled', 2, 'High']);
    assert.deepEqual(pathOf(r, 'catalog').hops.at(-1)!.authenticated, false, 'the catalogue is returned by the public /search');
    // The CDN's cache deception sits on the first hop; the cleartext threats on the load balancer; the API servers'
    // own and their reachable endpoints' on the last hop (T9: no WAF on the payment webhook's way in, whose
    // `callers` nothing enforces).
    assert.deepEqual(card.hops.map((h) => h.threats), [['T5'], [], ['T3', 'T4', 'T6', 'T7', 'T9']]);
    assert.deepEqual(card.threats, ['T3', 'T4', 'T5', 'T6', 'T7', 'T9']);
    assert.equal(r.attackPaths.paths[0].asset, 'card', 'the most valuable asset first among equal risks');
    assert.deepEqual(r.attackPaths.entries, ['browser', 'payments']);
    // Shop availability is a resource: lost where an element stops, not reached by a path.
    assert.deepEqual(r.attackPaths.unreachable, []);
    assert.equal(route(pathOf(r, 'sessions')), 'browser -> cdn -> lb -> api -> cache');
    assert.deepEqual(pathOf(r, 'sessions').hops.at(-1)!.threats, ['T8']);
  });
});

/** A small seeded generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A model of a few users and services with random flows (cycles, parallel flows), each flow with or without a password, and assets stored or handled. */
function randomModel(seed: number): { text: string; users: string[]; assets: string[] } {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const users = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, i) => `u${i}`);
  const services = Array.from({ length: 4 + Math.floor(next() * 8) }, (_, i) => `s${String.fromCharCode(97 + Math.floor(next() * 26))}${i}`);
  const assets = ['x', 'y', 'z'];
  const held = new Map<string, string[]>();
  for (const a of assets) {
    const at = [...new Set(Array.from({ length: 1 + Math.floor(next() * 2) }, () => pick(services)))];
    for (const e of at) held.set(e, [...(held.get(e) ?? []), a]);
  }
  const flows: string[] = [];
  for (let k = 0; k < services.length * 2; k++) {
    const from = next() < 0.3 ? pick(users) : pick(services);
    const to = pick(services);
    flows.push(`  - { id: f${k}, from: ${from}, to: ${to}, protocol: https${next() < 0.4 ? ', auth: password' : ''} }`);
  }
  const text = `${HEADER}assets:
${assets.map((a) => `  ${a}: { name: ${a.toUpperCase()}, classification: internal }`).join('\n')}
elements:
${users.map((u) => `  ${u}: { type: user, in: internet }`).join('\n')}
${services.map((e) => `  ${e}: { kind: ${held.has(e) && next() < 0.5 ? `store, stores: [${held.get(e)!.join(', ')}]` : `process, handles: [${(held.get(e) ?? []).join(', ')}]`}, in: app }`).join('\n')}
flows:
${flows.join('\n')}
`;
  return { text, users, assets };
}

/**
 * The expected path by brute force: labels (flows with a password, hops, entry rank) relaxed to a fixed
 * point, the place reached most easily (then smallest id), and back from it the caller with the smallest id
 * (then the first flow in the model) whose label leads to the place's.
 */
function easiest(r: AnalysisResult, users: readonly string[], asset: string): string {
  const label = new Map<string, [number, number, number]>();
  [...users].sort().forEach((u, i) => label.set(u, [0, 0, i]));
  const less = (a: readonly number[], b: readonly number[] | undefined) =>
    b === undefined || a[0] !== b[0] ? b === undefined || a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];
  const step = (f: AnalysisResult['flows'][number], l: readonly number[]): [number, number, number] =>
    [l[0] + (f.auth === 'none' ? 0 : 1), l[1] + 1, l[2]];
  for (let changed = true; changed;) {
    changed = false;
    for (const f of r.flows) {
      const from = label.get(f.from);
      if (from === undefined || f.from === f.to) continue;
      const to = step(f, from);
      if (less(to, label.get(f.to))) {
        label.set(f.to, to);
        changed = true;
      }
    }
  }
  const stores = r.elements.filter((e) => e.stores.includes(asset));
  const places = (stores.length ? stores : r.elements.filter((e) => e.handles.includes(asset))).map((e) => e.id).filter((id) => label.has(id));
  if (places.length === 0) return 'unreachable';
  const same = (a: readonly number[], b: readonly number[]) => a.every((x, i) => x === b[i]);
  const end = places.sort().reduce((best, id) => (less(label.get(id)!, label.get(best)) ? id : best));
  const ids = [end];
  const flows: string[] = [];
  for (let at = end; label.get(at)![1] > 0;) {
    const callers = r.flows.filter((f) => f.to === at && f.from !== at && label.has(f.from) && same(step(f, label.get(f.from)!), label.get(at)!));
    const f = callers.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))[0];
    flows.unshift(f.id);
    ids.unshift(f.from);
    at = f.from;
  }
  return `${ids.join(' -> ')} via ${flows.join(', ')}`;
}
