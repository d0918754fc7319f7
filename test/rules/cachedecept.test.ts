// web-cache-deception: a CDN in front of a process that returns one user's or confidential data to browsers
// signed in by cookie. One finding per CDN, naming every such endpoint; `cache-control` on the CDN, the
// process, the endpoint or a boundary around them mitigates it; a read-only, public, token-authenticated or
// non-confidential endpoint is none of its business.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { webCacheDeception } from '../../src/analysis/rules/caching.js';
import { CONTROLS } from '../../src/model/catalog.js';
import { evidenceFacts, noThreat, onlyThreat, runOnly, threatsIn } from './harness.js';

const RULE = 'web-cache-deception';
const HEAD = 'threatmap: 1\nsystem: { name: X }\n';
const ASSETS = 'assets:\n  profile: { name: Profile, type: pii, classification: confidential }\n  card: { name: Card data, type: payment, classification: restricted }\n  catalog: { name: Catalogue, classification: public }\n  notes: { name: Notes, type: business, classification: internal }\n';

/** A browser, a CloudFront CDN and a cookie-authenticated app behind it, with the app's endpoints, CDN and app options given. */
const shop = (endpoints: string, opts: { cdn?: string; app?: string; extra?: string; flows?: string } = {}) =>
  `${ASSETS}elements:\n  visitor: { tech: browser }\n  edge: { name: Edge, tech: cloudfront${opts.cdn ?? ''} }\n` +
  `  app:\n    type: web-app\n    auth: session-cookie\n${opts.app ?? ''}    endpoints:\n${endpoints}${opts.extra ?? ''}` +
  `flows:\n  - visitor -> edge: https\n${opts.flows ?? '  - edge -> app: https\n'}`;

const ACCOUNT = '      GET /account: { returns: [profile] }\n';

describe('web-cache-deception', () => {
  it('reports a CDN in front of a cookie-authenticated endpoint returning personal data, with its facts', () => {
    const t = onlyThreat(shop(ACCOUNT), RULE);
    assert.equal(t.component, 'edge');
    assert.equal(t.stride, 'I');
    assert.equal(t.title, 'Edge can cache Profile and serve it to other users');
    assert.match(t.description, /^Edge caches in front of app, where GET \/account on app returns Profile to browsers signed in with session-cookie\. A link to \/account\/x\.css /);
    assert.match(t.description, /X-Forwarded-Host/);
    assert.equal(t.likelihood.level, 'Medium');
    assert.equal(t.impact.level, 'High');
    assert.match(t.impact.reason, /confidentiality of Profile/);
    assert.equal(t.risk, 'High');
    // The CDN's own weakness: on attack paths it sits where the CDN is reached, not on the calls behind it.
    assert.deepEqual(t.flows, []);
    assert.deepEqual(evidenceFacts(t), [
      'Edge caches responses and is reachable from the internet',
      'requests reach app from the cache along Edge -> app',
      'GET /account on app returns Profile to callers signed in with session-cookie',
      'no cache-control on Edge, app or the endpoint',
    ]);
    assert.deepEqual(t.evidence.map((e) => e.path), ['elements.edge', 'flows[1]["edge -> app"]', 'elements.app.endpoints["GET /account"]', 'elements.edge']);
    assert.ok(t.references.includes('CWE-524') && t.references.includes('CAPEC-141'));
  });

  it('walks through load balancers and gateways to the process, and names the whole way', () => {
    const t = onlyThreat(shop(ACCOUNT, {
      extra: '  lb: { name: LB, tech: alb }\n  gw: { name: Gateway, type: gateway }\n',
      flows: '  - edge -> lb: https\n  - lb -> gw: https\n  - gw -> app: http\n',
    }), RULE);
    assert.equal(evidenceFacts(t)[1], 'requests reach app from the cache along Edge -> LB -> Gateway -> app');
    assert.equal(t.evidence[1].path, 'flows[3]["gw -> app"]');
  });

  it('makes one finding per CDN, naming every endpoint and process, rated by the most confidential data', () => {
    const body = `${ASSETS}elements:\n  visitor: { tech: browser }\n  edge: { name: Edge, tech: cloudflare }\n` +
      '  app:\n    type: web-app\n    auth: session-cookie\n    endpoints:\n      GET /account: { returns: [profile] }\n      /orders: { returns: [notes] }\n' +
      '  billing:\n    type: api\n    auth: basic\n    endpoints:\n      GET /invoices: { returns: [card] }\n' +
      'flows:\n  - visitor -> edge: https\n  - edge -> app: https\n  - edge -> billing: https\n';
    const t = onlyThreat(body, RULE);
    assert.equal(t.title, 'Edge can cache Card data, Profile and serve them to other users');
    assert.match(t.description, /in front of app, billing, where GET \/account on app, GET \/invoices on billing return Card data, Profile to browsers signed in with basic or session-cookie/);
    assert.deepEqual(evidenceFacts(t).slice(1, 3), ['requests reach app from the cache along Edge -> app', 'requests reach billing from the cache along Edge -> billing']);
    assert.equal(t.impact.level, 'High');
    assert.match(t.impact.reason, /Card data/);
    assert.deepEqual(evidenceFacts(t).slice(3, 5), [
      'GET /account on app returns Profile to callers signed in with session-cookie',
      'GET /invoices on billing returns Card data to callers signed in with basic',
    ]);
  });

  it('is mitigated by cache-control on the CDN, a boundary around it, the process or every such endpoint', () => {
    const mitigatedBy = (text: string) => runOnly(HEAD + text, [webCacheDeception]).mitigations.filter((m) => m.controls.includes('cache-control'));
    const onCdn = shop(ACCOUNT, { cdn: ', controls: [cache-control]' });
    noThreat(onCdn, RULE);
    assert.equal(mitigatedBy(onCdn).length, 1);
    const onApp = shop(ACCOUNT, { app: '    controls: [cache-control]\n' });
    noThreat(onApp, RULE);
    assert.equal(mitigatedBy(onApp).length, 1);
    const onEndpoint = shop('      GET /account: { returns: [profile], controls: [cache-control] }\n');
    noThreat(onEndpoint, RULE);
    assert.equal(mitigatedBy(onEndpoint).length, 1);
    const inBoundary = `boundaries:\n  cdnzone: { trust: dmz, controls: [cache-control] }\n${shop(ACCOUNT, { cdn: ', in: cdnzone' })}`;
    noThreat(inBoundary, RULE);
    assert.equal(mitigatedBy(inBoundary).length, 1);
  });

  it('names only the endpoints that lack cache-control when some have it', () => {
    const t = onlyThreat(shop('      GET /account: { returns: [profile], controls: [cache-control] }\n      GET /wallet: { returns: [card] }\n'), RULE);
    assert.equal(t.title, 'Edge can cache Card data and serve it to other users');
    assert.ok(!evidenceFacts(t).some((f) => f.includes('/account')));
    assert.match(t.description, /A link to \/wallet\/x\.css/);
  });

  it('ignores what a cache does not store or a lure cannot fetch', () => {
    // Public, write-only, token-authenticated, or returning nothing confidential or personal.
    noThreat(shop('      GET /account: { public: true, returns: [profile] }\n'), RULE);
    noThreat(shop('      POST /account: { returns: [profile] }\n      PUT /card: { returns: [card] }\n'), RULE);
    noThreat(shop('      GET /account: { auth: jwt, returns: [profile] }\n'), RULE);
    noThreat(shop('      GET /products: { returns: [catalog] }\n      GET /notes: { returns: [notes] }\n      GET /me: {}\n'), RULE);
    // An internal asset of a personal type is one user's all the same.
    assert.equal(threatsIn(shop('      GET /me: { returns: [me] }\n').replace('assets:\n', 'assets:\n  me: { type: pii, classification: internal }\n'), RULE).length, 1);
  });

  it('asks for a CDN reachable from an untrusted zone, in front of one of our processes', () => {
    // A reverse proxy: the model does not say that it caches.
    noThreat(shop(ACCOUNT).replace('tech: cloudfront', 'tech: nginx'), RULE);
    // Nobody outside reaches the CDN.
    noThreat(shop(ACCOUNT).replace('  - visitor -> edge: https\n', ''), RULE);
    // Only static files behind it.
    noThreat(`${ASSETS}elements:\n  visitor: { tech: browser }\n  edge: { tech: cloudfront }\n  site: { tech: s3, stores: [profile] }\nflows:\n  - visitor -> edge: https\n  - edge -> site: https\n`, RULE);
    // Someone else's service behind it.
    noThreat(`${ASSETS}elements:\n  visitor: { tech: browser }\n  edge: { tech: cloudfront }\n  saas: { type: third-party, auth: session-cookie, handles: [profile] }\nflows:\n  - visitor -> edge: https\n  - edge -> saas: https\n`, RULE);
  });

  it('counts only the endpoints the flows through the CDN reach', () => {
    // The hop names another endpoint.
    noThreat(shop(`${ACCOUNT}      GET /assets: {}\n`, { flows: '  - edge -> app: { protocol: https, endpoint: GET /assets }\n' }), RULE);
    // Only a partner may call it, and its allow-list enforces that.
    noThreat(shop('      GET /account: { returns: [profile], callers: [partner], controls: [ip-allowlist] }\n', { extra: '  partner: { type: third-party }\n', flows: '  - edge -> app: https\n  - partner -> app: https\n' }), RULE);
    // Meant for a partner, but nothing keeps the browsers behind the CDN out.
    assert.equal(threatsIn(shop('      GET /account: { returns: [profile], callers: [partner] }\n', { extra: '  partner: { type: third-party }\n', flows: '  - edge -> app: https\n  - partner -> app: https\n' }), RULE).length, 1);
    // Callers that include the browser in front of the CDN.
    assert.equal(threatsIn(shop('      GET /account: { returns: [profile], callers: [visitor] }\n'), RULE).length, 1);
  });

  it('reads a process without endpoints by its own auth and the data it handles', () => {
    const body = (auth: string, handles: string) =>
      `${ASSETS}elements:\n  visitor: { tech: browser }\n  edge: { tech: cloudfront }\n  app: { type: web-app, auth: ${auth}, handles: [${handles}] }\nflows:\n  - visitor -> edge: https\n  - edge -> app: https\n`;
    const t = onlyThreat(body('session-cookie', 'profile, catalog'), RULE);
    assert.equal(t.title, 'edge can cache Profile and serve it to other users');
    assert.equal(evidenceFacts(t)[2], 'app handles Profile for callers signed in with session-cookie, and lists no endpoints');
    assert.match(t.description, /A link such as \/account\/x\.css makes a victim's browser fetch their own data/);
    // A group's name takes the plural.
    const group = onlyThreat(body('session-cookie', 'profile').replace('  app: { type: web-app,', '  app: { name: API servers, type: web-app,'), RULE);
    assert.match(group.description, /in front of API servers, where API servers return Profile to browsers/);
    assert.equal(evidenceFacts(group)[2], 'API servers handle Profile for callers signed in with session-cookie, and list no endpoints');
    noThreat(body('jwt', 'profile'), RULE);
    noThreat(body('session-cookie', 'catalog'), RULE);
  });

  it('takes a session cookie stated on the hop into the process for the endpoints that state no auth', () => {
    const viaFlow = (endpoint: string) =>
      `${ASSETS}elements:\n  visitor: { tech: browser }\n  edge: { tech: cloudfront }\n  app:\n    type: web-app\n    endpoints:\n${endpoint}flows:\n  - visitor -> edge: https\n  - edge -> app: { protocol: https, auth: session-cookie }\n`;
    assert.equal(threatsIn(viaFlow(ACCOUNT), RULE).length, 1);
    noThreat(viaFlow('      GET /account: { public: true, returns: [profile] }\n'), RULE);
    // Without the cookie on the hop nothing says the caller is signed in.
    noThreat(viaFlow(ACCOUNT).replace('{ protocol: https, auth: session-cookie }', 'https'), RULE);
  });

  // Session 22: each cache keeps its own copies, so the outer one is judged on the app behind the inner one too
  // (it was left out before, and `cache-control` on the inner cache then silenced both).
  it('judges each CDN of two in a row on what it fronts', () => {
    const body = `${ASSETS}elements:\n  visitor: { tech: browser }\n  outer: { tech: cloudflare }\n  inner: { tech: cloudfront }\n` +
      `  app:\n    type: web-app\n    auth: session-cookie\n    endpoints:\n${ACCOUNT}flows:\n  - visitor -> outer: https\n  - outer -> inner: https\n  - inner -> app: https\n`;
    assert.deepEqual(threatsIn(body, RULE).map((t) => t.component).sort(), ['inner', 'outer']);
  });

  it('has its control in the catalogue, and the fixture the shared rule tester should get', () => {
    assert.ok(Object.hasOwn(CONTROLS, 'cache-control'));
    // The model proposed for test/rules/fixtures.ts: `$C` empty reports the threat, `cache-control` mitigates it.
    const fixture = (c: string) => `threatmap: 1\nsystem: { name: Fixture }\nassets:\n  pii: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  cdn: { tech: cloudfront, controls: [${c}] }\n  app:\n    type: web-app\n    auth: session-cookie\n    endpoints:\n      GET /account: { returns: [pii] }\nflows:\n  - visitor -> cdn: https\n  - cdn -> app: https\n`;
    const positive = runOnly(fixture(''), [webCacheDeception]);
    assert.deepEqual(positive.findings.map((t) => t.component), ['cdn']);
    const negative = runOnly(fixture('cache-control'), [webCacheDeception]);
    assert.deepEqual(negative.findings, []);
    assert.ok(negative.mitigations.some((m) => m.controls.includes('cache-control')));
  });
});
