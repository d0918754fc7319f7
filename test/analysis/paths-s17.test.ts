// Attack paths that agree with the assets table (finding 15 of the s17 review): where an asset is, which
// threats a path lists, what bounds its risk, and where a hop's auth is stated.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathRiskCap } from '../../src/analysis/paths.js';
import type { AnalysisResult, AttackPath } from '../../src/analysis/types.js';
import type { Asset } from '../../src/model/types.js';
import { assetWhere, LISTED_PLACES } from '../../src/render/attack-paths.js';
import { renderHtml } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { analyzeExample, analyzeText } from '../helpers.js';

const pathOf = (r: AnalysisResult, asset: string): AttackPath => {
  const found = r.attackPaths.paths.find((p) => p.asset === asset);
  assert.ok(found, `a path to ${asset}: ${JSON.stringify(r.attackPaths.paths.map((p) => p.asset))}`);
  return found;
};
const idOf = (r: AnalysisResult, rule: string, endpoint?: string): string => {
  const t = r.threats.find((x) => x.ruleId === rule && (endpoint === undefined || x.endpoint === endpoint));
  assert.ok(t, `${rule} ${endpoint ?? ''}: ${r.threats.map((x) => x.key).join(', ')}`);
  return t.id;
};

const HEADER = `threatmap: 1
system: { name: Paths }
boundaries:
  internet: { trust: untrusted }
  app: { trust: internal }
`;

/** A user calling one service that holds `asset` (declared as given), with a custom threat of each STRIDE letter on it. */
const oneHop = (asset: string) => analyzeText(`${HEADER}assets:
  x: ${asset}
elements:
  user: { type: user, in: internet }
  api: { kind: process, in: app, handles: [x] }
flows:
  - user -> api: https
rules:
  custom:
${['S', 'T', 'R', 'I', 'D', 'E'].map((s) => `    - id: on-api-${s.toLowerCase()}
      title: ${s} on api
      stride: ${s}
      applies-to: element
      when: { element.id: api }
      likelihood: high
      impact: high
      mitigation: Watch it.`).join('\n')}
`);

describe('the assets table says where an asset is, as the attack paths do', () => {
  it('names the endpoints that accept or return an asset and where flows send it (ecommerce card data)', () => {
    const r = analyzeExample('ecommerce');
    const where = assetWhere(r);
    assert.equal(where.get('card'), 'API servers (accepted by POST /checkout; sent to Payment gateway), Customer browser (sent to CDN), CDN (sent to Load balancer)');
    assert.equal(where.get('catalog'), 'API servers (returned by /search)');
    assert.equal(pathOf(r, 'card').target, 'api', 'the path ends at the first place the table names');
    const md = renderMarkdown(r);
    assert.ok(md.includes('| Card data | data: payment | restricted | high / high / medium | API servers (accepted by POST /checkout; sent to Payment gateway), Customer browser (sent to CDN), CDN (sent to Load balancer) |'), md);
    const html = renderHtml(r);
    const assets = html.slice(html.indexOf('<section id="tm-assets"'), html.indexOf('</section>', html.indexOf('<section id="tm-assets"')));
    assert.ok(assets.includes('<th scope="col">Where</th>'), assets);
    assert.ok(assets.includes('<td>API servers (accepted by POST /checkout; sent to Payment gateway), Customer browser (sent to CDN), CDN (sent to Load balancer)</td>'), assets);
  });

  it('puts stored places first, and says "-" for an asset nothing stores, handles, takes or carries', () => {
    const r = analyzeExample('ecommerce');
    const where = assetWhere(r);
    assert.ok(where.get('sessions')!.startsWith('Session cache (stored), API servers (sent to Session cache)'), where.get('sessions'));
    assert.equal(where.get('uptime'), undefined);
    assert.ok(renderMarkdown(r).includes('| Shop availability | resource | internal | medium / medium / high | - |'));
  });

  it('cuts a long list of places, and of targets of one place, with "and N more"', () => {
    const n = LISTED_PLACES + 4;
    const r = analyzeText(`${HEADER}assets:
  x: { name: X }
elements:
${Array.from({ length: n }, (_, i) => `  s${i}: { kind: process, in: app }`).join('\n')}
  hub: { kind: process, in: app }
flows:
${Array.from({ length: n }, (_, i) => `  - s${i} -> hub: { protocol: https, data: [x] }\n  - hub -> s${i}: { protocol: https, data: [x] }`).join('\n')}
`);
    const text = assetWhere(r).get('x')!;
    assert.equal(text, 's0 (sent to hub), s1 (sent to hub), s2 (sent to hub) and 5 more');
    const one = analyzeText(`${HEADER}assets:
  x: { name: X }
elements:
  hub: { kind: process, in: app, handles: [x] }
${Array.from({ length: 5 }, (_, i) => `  t${i}: { kind: process, in: app }`).join('\n')}
flows:
${Array.from({ length: 5 }, (_, i) => `  - hub -> t${i}: { protocol: https, data: [x] }`).join('\n')}
`);
    assert.equal(assetWhere(one).get('x'), 'hub (sent to t0, t1, t2 and 2 more)');
  });
});

describe('a path lists the threats that lead on or are about its asset', () => {
  it('keeps spoofing, tampering, disclosure and elevation at the element it reaches, not denial of service or repudiation', () => {
    const r = oneHop('{ name: X, classification: confidential }');
    const p = pathOf(r, 'x');
    const custom = p.hops[0].threats.map((id) => r.threats.find((t) => t.id === id)!).filter((t) => t.ruleId.startsWith('on-api-'));
    assert.deepEqual(custom.map((t) => t.stride).sort(), ['E', 'I', 'S', 'T']);
    assert.deepEqual(p.threats, p.hops[0].threats);
    for (const s of ['D', 'R']) {
      const id = idOf(r, `on-api-${s.toLowerCase()}`);
      assert.ok(!p.threats.includes(id), `${s} is not on the path`);
    }
  });

  it('lists a threat about another asset on that asset\'s path only, and a rate limit on /search on none (ecommerce)', () => {
    const r = analyzeExample('ecommerce');
    const cart = idOf(r, 'client-controlled-value', 'api:POST /cart');
    const search = idOf(r, 'no-rate-limiting', 'api:/search');
    assert.ok(pathOf(r, 'prices').threats.includes(cart), 'the cart prices are the prices');
    assert.ok(pathOf(r, 'orders').threats.includes(cart));
    assert.ok(!pathOf(r, 'card').threats.includes(cart), 'not the card data');
    for (const p of r.attackPaths.paths) assert.ok(!p.threats.includes(search), p.asset);
    // The same hop, shared where it lists the same threats, is the path's own where it lists one about its asset.
    assert.equal(pathOf(r, 'pii').hops[2], pathOf(r, 'sessions').hops[2]);
    assert.notEqual(pathOf(r, 'prices').hops[2], pathOf(r, 'pii').hops[2]);
    assert.deepEqual(pathOf(r, 'prices').hops[2].threats, [cart, ...pathOf(r, 'pii').hops[2].threats]);
  });

  it('puts an element\'s threat about the calls it makes on the hop of that call, not on the hop that reaches it', () => {
    const r = analyzeExample('ecommerce');
    const cleartext = [idOf(r, 'cleartext-tampering'), idOf(r, 'cleartext-disclosure')];
    const card = pathOf(r, 'card');
    assert.deepEqual(card.hops.map((h) => h.flow), ['browser->cdn', 'cdn->lb', 'lb->api']);
    assert.deepEqual(card.hops[1].threats, [], 'reaching the load balancer');
    assert.deepEqual(card.hops[2].threats.slice(0, 2), cleartext, 'its cleartext call to the API servers');
  });
});

describe('a path\'s risk is bounded by what reaching its asset costs', () => {
  const asset = (classification: Asset['classification'], c: Asset['confidentiality'], i: Asset['integrity']): Asset =>
    ({ id: 'a', name: 'A', kind: 'data', classification, confidentiality: c, integrity: i, availability: 'low', at: [], loc: { line: 1, col: 1 } }) as Asset;

  it('gives the bound of each asset: the method\'s risk at High likelihood, and Low for public data unless its integrity is high', () => {
    assert.equal(pathRiskCap(asset('restricted', 'high', 'high')), 'Critical');
    assert.equal(pathRiskCap(asset('internal', 'medium', 'high')), 'Critical');
    assert.equal(pathRiskCap(asset('internal', 'medium', 'medium')), 'High');
    assert.equal(pathRiskCap(asset('internal', 'low', 'low')), 'Medium');
    assert.equal(pathRiskCap(asset('public', 'low', 'medium')), 'Low');
    assert.equal(pathRiskCap(asset('public', 'low', 'high')), 'Critical');
  });

  it('caps a public catalogue\'s path at Low and an internal asset\'s at High, while confidential data keeps Critical', () => {
    assert.equal(pathOf(oneHop('{ name: X, classification: confidential }'), 'x').risk, 'Critical');
    assert.equal(pathOf(oneHop('{ name: X, classification: internal }'), 'x').risk, 'High');
    assert.equal(pathOf(oneHop('{ name: X, classification: public }'), 'x').risk, 'Low');
    assert.equal(pathOf(oneHop('{ name: X, classification: public, integrity: high }'), 'x').risk, 'Critical');
    const r = analyzeExample('ecommerce');
    assert.equal(pathOf(r, 'catalog').risk, 'Low');
    assert.equal(pathOf(r, 'card').risk, 'High');
    assert.equal(r.attackPaths.paths.at(-1)!.asset, 'catalog', 'the least risky path last');
  });
});

describe('a hop says where its auth is stated', () => {
  it('points at the flow\'s own auth, the endpoint it names, or its target\'s auth', () => {
    const r = analyzeText(`${HEADER}assets:
  a: { name: A, classification: confidential }
  b: { name: B, classification: confidential }
  c: { name: C, classification: confidential }
elements:
  user: { type: user, in: internet }
  front: { kind: process, in: app, endpoints: { /api: { auth: api-key } } }
  api: { kind: process, in: app, auth: jwt, handles: [b] }
  own: { kind: process, in: app, handles: [c] }
  back: { kind: process, in: app, handles: [a] }
flows:
  - user -> front: { protocol: https, endpoint: /api }
  - front -> api: https
  - user -> own: { protocol: https, auth: mtls }
  - api -> back: https
`);
    const hops = pathOf(r, 'a').hops;
    assert.deepEqual(hops.map((h) => [h.flow, h.auth, h.authAt]), [
      ['user->front', 'api-key', ['elements', 'front', 'endpoints', '/api']],
      ['front->api', 'jwt', ['elements', 'api', 'auth']],
      ['api->back', 'none', ['flows', 3, 'api -> back']],
    ]);
    assert.deepEqual(pathOf(r, 'c').hops.map((h) => [h.auth, h.authAt]), [['mtls', ['flows', 2, 'user -> own']]]);
  });
});
