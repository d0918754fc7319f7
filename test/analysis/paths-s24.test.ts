// Attack paths, session 24 reviews: an element that only relays an asset to the elements that declare it is
// no place it lives (review C: a jump host relaying PLC setpoints), and a public health probe is no way in
// to the data behind an API that asks every other caller for a token (review A item 8).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult, AttackPath } from '../../src/analysis/types.js';
import { analyzeText } from '../helpers.js';

const pathOf = (r: AnalysisResult, asset: string): AttackPath => {
  const found = r.attackPaths.paths.find((p) => p.asset === asset);
  assert.ok(found, `a path to ${asset}: ${JSON.stringify(r.attackPaths)}`);
  return found;
};
const route = (p: AttackPath): string => [p.entry, ...p.hops.map((h) => h.to)].join(' -> ');

/** The vendor's way to the PLC (review C); `hmi` and `plc` say what they declare, `jump` how the jump host sends. */
const plant = (hmi: string, plc: string, jump = '{ protocol: rdp, auth: password, data: [setpoints] }') => `threatmap: 1
system: { name: Plant }
boundaries:
  vendors: { trust: untrusted }
  dmz: { trust: dmz }
  ot: { trust: restricted }
assets:
  setpoints: { name: PLC setpoints, confidentiality: low, integrity: high, availability: high }
elements:
  vendor: { type: user, in: vendors }
  vpn: { type: gateway, in: dmz, exposed: true, auth: password, controls: [vpn, audit-logging, ddos-protection] }
  jumphost: { type: service, in: dmz, auth: password, controls: [audit-logging] }
  hmi: { type: service, in: ot, auth: password, controls: [audit-logging]${hmi} }
  plc: { type: device, in: ot${plc} }
flows:
  - vendor -> vpn: { protocol: https, auth: password }
  - vpn -> jumphost: { protocol: rdp, auth: password }
  - jumphost -> hmi: ${jump}
  - hmi -> plc: { protocol: tcp, port: 502, auth: none, data: [setpoints] }
`;

describe('attack paths: an element that only passes an asset on is no place it lives (session 24)', () => {
  it('go on past the jump host that relays setpoints to the HMI and the PLC that declare them', () => {
    const r = analyzeText(plant(', handles: [setpoints]', ', handles: [setpoints]'));
    const p = pathOf(r, 'setpoints');
    assert.deepEqual([route(p), p.target, p.held], ['vpn -> jumphost -> hmi', 'hmi', 'handled'],
      'the nearest element that declares the setpoints, not the jump host that sends them');
    assert.equal(p.unauthenticatedHops, 0);
    // The HMI's own threats are on the way now: none were while the path stopped at the jump host.
    assert.ok(p.hops[1].threats.length > 0, JSON.stringify(p.hops));
    assert.deepEqual(p.hops[1].threats.filter((id) => !p.threats.includes(id)), []);
  });

  it('reach the PLC and its unauthenticated Modbus finding when only the PLC declares the setpoints', () => {
    const r = analyzeText(plant('', ', handles: [setpoints]'));
    const p = pathOf(r, 'setpoints');
    assert.deepEqual([route(p), p.target], ['vpn -> jumphost -> hmi -> plc', 'plc'],
      'neither the jump host nor the HMI, which pass the setpoints on, ends the path');
    const modbus = r.threats.filter((t) => t.component === 'plc' && t.flows.includes('hmi->plc') && t.stride === 'S');
    assert.ok(modbus.length > 0, r.threats.map((t) => `${t.key} ${t.flows.join(',')}`).join('\n'));
    for (const t of modbus) assert.ok(p.hops[2].threats.includes(t.id) && p.threats.includes(t.id), `${t.key} on the last hop`);
  });

  it('also through a relay that forwards the setpoints on to the element declaring them', () => {
    const text = plant('', ', handles: [setpoints]')
      .replace('  hmi: {', '  relay: { type: service, in: dmz, auth: password }\n  hmi: {')
      .replace('  - jumphost -> hmi:', '  - jumphost -> relay: { protocol: rdp, auth: password, data: [setpoints] }\n  - relay -> hmi:');
    assert.equal(pathOf(analyzeText(text), 'setpoints').target, 'plc');
  });

  it('keep the jump host as a place when no element declares the setpoints', () => {
    const p = pathOf(analyzeText(plant('', '')), 'setpoints');
    assert.deepEqual([route(p), p.held], ['vpn -> jumphost', 'handled'], 'its data is its own: it sends it and nothing brings it there');
  });

  it('keep a sender whose flows carrying the asset lead to no element declaring it', () => {
    // The jump host sends the setpoints to the HMI, which declares nothing; the PLC declares them but is fed by the historian alone.
    const text = plant('', ', handles: [setpoints]')
      .replace('  - hmi -> plc: { protocol: tcp, port: 502, auth: none, data: [setpoints] }', '  - hmi -> plc: { protocol: tcp, port: 502, auth: none }');
    const p = pathOf(analyzeText(text), 'setpoints');
    assert.deepEqual([route(p), p.target], ['vpn -> jumphost', 'jumphost'], 'the jump host hands the setpoints to no holder: they are its own');
  });
});

/** A clinician's console reaching the records behind an API behind a CDN (review A item 8); `endpoints` vary. */
const clinic = (endpoints: string) => `threatmap: 1
system: { name: Clinic }
boundaries:
  staff: { trust: untrusted }
  edge: { trust: dmz }
  app: { trust: internal }
  data: { trust: restricted }
assets:
  phi: { name: Clinical records, type: health, classification: restricted }
elements:
  console: { tech: react, in: staff }
  cdn: { tech: cloudfront, in: edge, controls: [waf] }
  api:
    type: api
    in: app
    auth: jwt
    handles: [phi]
    endpoints:
${endpoints}
  db: { tech: postgres, in: data, stores: [phi] }
flows:
  - console -> cdn: { protocol: https, auth: jwt }
  - cdn -> api: https
  - api -> db: { protocol: postgres+tls, auth: password }
`;
const RECORDS = '      GET /appointments: { returns: [phi] }\n      POST /appointments: { accepts: [phi] }\n';

describe('attack paths: a public health probe is no way in (session 24)', () => {
  it('judge the hop into the API by its authenticated routes when its only public one is /health', () => {
    const p = pathOf(analyzeText(clinic(`      /health: { public: true }\n${RECORDS}`)), 'phi');
    assert.equal(route(p), 'console -> cdn -> api -> db');
    assert.deepEqual(p.hops.map((h) => [h.flow, h.authenticated, h.openAt]), [
      ['console->cdn', true, undefined], ['cdn->api', true, undefined], ['api->db', true, undefined],
    ]);
    assert.equal(p.unauthenticatedHops, 0, 'as without the probe');
    const without = pathOf(analyzeText(clinic(RECORDS)), 'phi');
    assert.deepEqual(p.hops.map((h) => h.authenticated), without.hops.map((h) => h.authenticated));
  });

  it('so too /ready and /livez, and a probe whose kind is stated', () => {
    for (const probe of ['/ready: { public: true }', '/livez: { public: true }', '/ping: { public: true, kind: health }']) {
      const p = pathOf(analyzeText(clinic(`      ${probe}\n${RECORDS}`)), 'phi');
      assert.equal(p.hops[1].authenticated, true, probe);
    }
  });

  it('keep a public route that accepts the asset as the way in', () => {
    const p = pathOf(analyzeText(clinic(`      /health: { public: true }\n      POST /intake: { public: true, accepts: [phi] }\n${RECORDS}`)), 'phi');
    assert.deepEqual([p.hops[1].flow, p.hops[1].authenticated, p.hops[1].openAt], ['cdn->api', false, 'api:POST /intake']);
    assert.equal(p.unauthenticatedHops, 1);
  });

  it('keep a public probe that returns data, a public metrics page and any other public route as ways in', () => {
    const returning = pathOf(analyzeText(clinic(`      /health: { public: true, returns: [phi] }\n${RECORDS}`)), 'phi');
    assert.deepEqual([returning.hops[1].authenticated, returning.hops[1].openAt], [false, 'api:/health']);
    const metrics = pathOf(analyzeText(clinic(`      /metrics: { public: true }\n${RECORDS}`)), 'phi');
    assert.deepEqual([metrics.hops[1].authenticated, metrics.hops[1].openAt], [false, 'api:/metrics']);
    const catalog = pathOf(analyzeText(clinic(`      /catalog: { public: true }\n${RECORDS}`)), 'phi');
    assert.deepEqual([catalog.hops[1].authenticated, catalog.hops[1].openAt], [false, 'api:/catalog']);
  });

  it('say the probe when a flow names it: that call lands there and nowhere else', () => {
    const text = clinic(`      /health: { public: true }\n${RECORDS}`).replace('  - cdn -> api: https', '  - cdn -> api: { protocol: https, endpoint: /health }');
    const p = pathOf(analyzeText(text), 'phi');
    assert.deepEqual([p.hops[1].flow, p.hops[1].authenticated, p.hops[1].openAt], ['cdn->api', false, 'api:/health']);
  });
});

describe('attack paths: a sender to an outside holder keeps the asset (session 24)', () => {
  it('place the card data at the service that sends it to a provider declaring it, as before', () => {
    // The provider is drawn inside, so that it is no entry point of its own (a path there would have no hops).
    const r = analyzeText(`threatmap: 1
system: { name: Shop }
boundaries:
  internet: { trust: untrusted }
  app: { trust: internal }
assets:
  card: { name: Card, type: payment, classification: restricted }
elements:
  user: { type: user, in: internet }
  edge: { type: load-balancer, in: app }
  api: { kind: process, in: app }
  payments: { type: third-party, in: app, handles: [card] }
flows:
  - user -> edge: https
  - edge -> api: https
  - api -> payments: { protocol: https, data: [card] }
`);
    const p = pathOf(r, 'card');
    assert.deepEqual([route(p), p.held], ['user -> edge -> api', 'handled'], 'the provider declaring the card data does not make api a mere relay');
  });
});
