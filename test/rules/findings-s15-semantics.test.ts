// Findings a first-time user's review found misread (session 15): a call's authentication is the element's
// unless the flow or its endpoint says otherwise; a public POST that moves money or takes data of high
// integrity needs a login; an object id in a path is rated by the data the endpoint names; a service's own
// cache is its own data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText, MODEL_HEAD, threatsOf } from './harness.js';

const ZONES = 'boundaries:\n  internet: { trust: untrusted }\n  app: { trust: internal }\n';
const pick = (text: string, rule: string) => threatsOf(text, rule).map((t) => ({ title: t.title, impact: t.impact, likelihood: t.likelihood.level }));

describe('the authentication a call carries is its target\'s unless the flow or its endpoint says', () => {
  const app = (api: string, flow = 'https') => `${MODEL_HEAD}elements:\n  app: { tech: mobile-app }\n  api: ${api}\nflows:\n  - app -> api: ${flow}\n`;

  it('mobile-certificate-pinning: the app sends the JWT the API asks for, cited where the API declares it', () => {
    const text = app('{ type: api, auth: jwt, endpoints: { /login: { public: true }, /devices: {} } }');
    const [t] = threatsOf(text, 'mobile-certificate-pinning');
    assert.equal(t.description, 'app -> api trusts any certificate the device trusts; a rogue or user-installed CA lets an attacker read the user\'s credentials (jwt).');
    assert.deepEqual(t.evidence.map((e) => [e.fact, e.line]), [['app -> api comes from a mobile app', 7], ['app -> api authenticates the user with jwt', 5]]);
  });

  it('mobile-certificate-pinning: no user credential when the flow restates a machine credential, or names a public endpoint', () => {
    assert.deepEqual(threatsOf(app('{ type: api, auth: jwt }', '{ protocol: https, auth: api-key }'), 'mobile-certificate-pinning'), []);
    assert.deepEqual(threatsOf(app('{ type: api, auth: jwt, endpoints: { /login: { public: true } } }', '{ protocol: https, endpoint: /login }'), 'mobile-certificate-pinning'), []);
  });

  it('api-key-in-client: the key an API asks every caller for ships in the app', () => {
    assert.deepEqual(threatsOf(app('{ type: api, auth: api-key }'), 'api-key-in-client').map((t) => t.title), ['API key for api embedded in app']);
    assert.deepEqual(threatsOf(app('{ type: api, auth: api-key, endpoints: { /public: { public: true } } }', '{ protocol: https, endpoint: /public }'), 'api-key-in-client'), []);
  });
});

describe('unauthenticated-object-change on a public POST', () => {
  const shop = (endpoints: string, assets = '', zone = '', caller = '  visitor: { tech: browser, in: internet }\n') =>
    `${MODEL_HEAD}${ZONES}${assets}elements:\n${caller}  shop:\n    type: api\n    in: app\n    endpoints:\n${endpoints}flows:\n  - ${caller.includes('visitor') ? 'visitor' : 'agent'} -> shop: https\n${zone}`;
  const ORDERS = 'assets:\n  orders: { name: Orders and refunds, type: financial, integrity: high }\n';

  it('reports a POST accepting data of high integrity, rated by that data, beside the DELETE it always reported', () => {
    const text = shop('      POST /refunds: { accepts: [orders] }\n      DELETE /orders/{id}: {}\n', ORDERS);
    assert.deepEqual(pick(text, 'unauthenticated-object-change'), [
      { title: 'Anyone can change data through POST /refunds without signing in', likelihood: 'High', impact: { level: 'High', reason: 'integrity of Orders and refunds is high: tampering or fraud with serious consequences' } },
      { title: 'Anyone can delete objects through DELETE /orders/{id} without signing in', likelihood: 'High', impact: { level: 'Medium', reason: 'the model does not say what it changes: name it in `accepts` to rate it' } },
    ]);
    const [post] = threatsOf(text, 'unauthenticated-object-change');
    assert.equal(post.description, 'POST /refunds on shop is public and takes POST, and it accepts Orders and refunds, of high integrity; anyone who reaches it can create or change Orders and refunds without an account, and nothing records who did.');
  });

  it('reports a POST whose path moves money or changes rights, though the model names no data', () => {
    assert.deepEqual(pick(shop('      POST /payouts: { public: true }\n      POST /users/{id}/roles: { public: true }\n'), 'unauthenticated-object-change'), [
      { title: 'Anyone can change data through POST /payouts without signing in', likelihood: 'High', impact: { level: 'High', reason: 'money moved by anyone: fraud' } },
      { title: 'Anyone can change data through POST /users/{id}/roles without signing in', likelihood: 'High', impact: { level: 'High', reason: 'anyone grants themselves rights: privilege escalation' } },
    ]);
  });

  it('reports one only an agent inside calls, as reachable through other components', () => {
    const text = shop('      POST /refunds: { accepts: [orders] }\n', ORDERS, '  - visitor -> agent: https\n',
      '  visitor: { tech: browser, in: internet }\n  agent: { tech: llm-agent, in: app }\n').replace('  - visitor -> shop: https\n', '  - agent -> shop: https\n');
    assert.deepEqual(pick(text, 'unauthenticated-object-change').map((t) => t.likelihood), ['Medium']);
  });

  it('leaves public POSTs that legitimately take anyone\'s input: sign-up, contact, search, ingestion, webhooks', () => {
    const legit = shop(
      '      POST /signup: { public: true }\n      POST /contact: { public: true }\n      POST /orders/search: { public: true, accepts: [orders] }\n'
      + '      POST /readings: { public: true, accepts: [readings] }\n      POST /webhooks/refund: { public: true }\n',
      `${ORDERS}  readings: { type: telemetry }\n`,
    );
    assert.deepEqual(pick(legit, 'unauthenticated-object-change'), []);
  });
});

describe('broken-object-level-authorization on an object id in the path', () => {
  const api = (endpoint: string) => `${MODEL_HEAD}assets:\n  commands: { name: Device commands, integrity: high }\n  telemetry: { name: Readings, type: telemetry }\n`
    + `elements:\n  app: { tech: mobile-app }\n  api:\n    type: api\n    auth: jwt\n    endpoints:\n      ${endpoint}\nflows:\n  - app -> api: https\n`;

  it('rates the impact from the data the endpoint accepts or returns', () => {
    assert.deepEqual(pick(api('POST /devices/{id}/setpoint: { accepts: [commands] }'), 'broken-object-level-authorization'), [{
      title: 'Other users\' Device commands reachable through POST /devices/{id}/setpoint (IDOR)', likelihood: 'High',
      impact: { level: 'High', reason: 'integrity of Device commands is high: tampering or fraud with serious consequences' },
    }]);
    assert.deepEqual(pick(api('/devices/{id}/readings: { returns: [telemetry] }'), 'broken-object-level-authorization').map((t) => t.impact),
      [{ level: 'Medium', reason: 'confidentiality of Readings is medium: partial data exposure' }]);
  });

  it('stays Medium, asking for the data, when the endpoint names none; a read does not change what it accepts', () => {
    assert.deepEqual(pick(api('/devices/{id}: {}'), 'broken-object-level-authorization').map((t) => [t.title, t.impact.reason]), [[
      'Other users\' objects reachable through /devices/{id} (IDOR)', 'the model does not say what the object holds: name it in `returns` or `accepts` to rate it',
    ]]);
    assert.deepEqual(pick(api('GET /devices/{id}: { accepts: [commands] }'), 'broken-object-level-authorization').map((t) => t.impact.level), ['Medium']);
  });
});

describe('over-privileged-store-access and caches', () => {
  const model = (extra: string) => `${MODEL_HEAD}${ZONES}assets:\n  sessions: { name: Session tokens, type: session, classification: restricted }\n`
    + `elements:\n  spa: { tech: browser, in: internet }\n  api: { tech: node, in: app, auth: session-cookie }\n  redis: { tech: redis, in: app, stores: [sessions] }\n${extra}`
    + `flows:\n  - spa -> api: https\n  - api -> redis: redis\n${extra ? '  - spa -> worker: https\n  - worker -> redis: redis\n' : ''}`;

  it('leaves a service its own session cache', () => {
    assert.deepEqual(threatsOf(model(''), 'over-privileged-store-access'), []);
  });

  it('reports another service on that cache, with a mitigation for a cache', () => {
    const found = threatsOf(model('  worker: { type: service, in: app }\n'), 'over-privileged-store-access');
    assert.deepEqual(found.map((t) => [t.title, t.mitigation]), [[
      'worker can read Session tokens in redis',
      'Give the service its own cache user limited to its key prefixes and commands (Redis ACLs), or a cache of its own; keep restricted data out of caches shared with other services.',
    ]]);
    assert.ok(analyzeText(model('  worker: { type: service, in: app }\n')).threats.length > 0);
  });
});
