// Session 23 (fixA), after a review of the webhook subscription change: a webhook collection under a customer's
// credential is subscription management only while no provider calls it (unsigned-webhook must not go quiet on a
// provider's receiver), and server-side-request-forgery on a subscription names a delivery only where a flow stands
// for the customers' endpoints, found by one search per analysis rather than one per endpoint.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCrossings } from '../../src/analysis/boundaries.js';
import { buildContext } from '../../src/analysis/context.js';
import { runRules } from '../../src/analysis/engine.js';
import { serverSideRequestForgery } from '../../src/analysis/rules/network.js';
import { buildGraph } from '../../src/model/graph.js';
import { evidenceFacts, loadText, MODEL_HEAD, noThreat, onlyThreat, threatsIn } from './harness.js';

const kindsOf = (body: string, element = 'api'): Record<string, string> =>
  Object.fromEntries(loadText(MODEL_HEAD + body).model.elements.find((e) => e.id === element)!.endpoints.map((ep) => [ep.key, ep.kind]));
const keysOf = (body: string, rule: string): string[] => threatsIn(body, rule).map((t) => t.key);

/** An API with a webhook collection, the element's auth, and what calls it. */
const shop = ({ auth = '    auth: jwt\n', endpoints = '      POST /webhooks: {}\n', callers = '  stripe: { type: third-party, in: internet }\n', flows = '  - stripe -> api: https\n' } = {}) =>
  'assets:\n  orders: { type: financial, integrity: high, classification: confidential }\nboundaries:\n  internet: { trust: untrusted }\n' +
  `elements:\n${callers}  api:\n    type: api\n${auth}    handles: [orders]\n    endpoints:\n${endpoints}  db: { tech: postgres, stores: [orders] }\n` +
  `flows:\n${flows}  - api -> db: postgres+tls\n`;

describe('a webhook collection under a customer credential that a provider calls', () => {
  it('stays a receiver, reported by unsigned-webhook, when a third party calls the element naming no endpoint', () => {
    assert.deepEqual(kindsOf(shop()), { 'POST /webhooks': 'webhook' });
    assert.deepEqual(keysOf(shop(), 'unsigned-webhook'), ['unsigned-webhook@api:POST /webhooks']);
    // The flow's own `auth: none` changes nothing: the provider still posts there.
    assert.deepEqual(keysOf(shop({ flows: '  - stripe -> api: { protocol: https, auth: none }\n' }), 'unsigned-webhook'), ['unsigned-webhook@api:POST /webhooks']);
  });

  it('stays a receiver under its own customer credential when the provider names it', () => {
    const own = shop({ auth: '', endpoints: '      POST /webhooks: { auth: basic }\n', flows: '  - stripe -> api: { protocol: https, endpoint: POST /webhooks }\n' });
    assert.deepEqual(kindsOf(own), { 'POST /webhooks': 'webhook' });
    assert.deepEqual(keysOf(own, 'unsigned-webhook'), ['unsigned-webhook@api:POST /webhooks']);
    const ownUnnamed = shop({ auth: '', endpoints: '      POST /v1/webhooks: { auth: api-key }\n      GET /v1/webhooks/{id}: { auth: api-key }\n' });
    assert.deepEqual(kindsOf(ownUnnamed), { 'POST /v1/webhooks': 'webhook', 'GET /v1/webhooks/{id}': 'webhook' });
  });

  it('counts an untyped external or a system of any type in an untrusted zone, a declared caller, and calls through an edge', () => {
    assert.deepEqual(kindsOf(shop({ callers: '  partner: { kind: external }\n', flows: '  - partner -> api: https\n' })), { 'POST /webhooks': 'webhook' });
    assert.deepEqual(kindsOf(shop({ callers: '  erp: { type: worker, in: internet }\n', flows: '  - erp -> api: https\n' })), { 'POST /webhooks': 'webhook' });
    assert.deepEqual(kindsOf(shop({ endpoints: '      POST /webhooks: { callers: [stripe] }\n', flows: '' })), { 'POST /webhooks': 'webhook' });
    const edge = shop({ callers: '  stripe: { type: third-party, in: internet }\n  lb: { tech: alb }\n', flows: '  - stripe -> lb: https\n  - lb -> api: https\n' });
    assert.deepEqual(kindsOf(edge), { 'POST /webhooks': 'webhook' });
    assert.deepEqual(keysOf(edge, 'unsigned-webhook'), ['unsigned-webhook@api:POST /webhooks']);
    const named = shop({ callers: '  stripe: { type: third-party, in: internet }\n  lb: { tech: alb }\n', flows: '  - stripe -> lb: { protocol: https, endpoint: POST /webhooks }\n  - lb -> api: https\n' });
    assert.deepEqual(kindsOf(named), { 'POST /webhooks': 'webhook' });
  });
});

describe('a webhook collection under a customer credential that no provider calls', () => {
  it('stays subscription management when only people, browsers, apps or devices call it', () => {
    for (const callers of ['  stripe: { type: user, in: internet }\n', '  stripe: { tech: browser, in: internet }\n', '  stripe: { tech: ios, in: internet }\n', '  stripe: { type: device, in: internet }\n']) {
      assert.deepEqual(kindsOf(shop({ callers })), { 'POST /webhooks': 'api' }, callers);
      noThreat(shop({ callers }), 'unsigned-webhook');
    }
  });

  it('stays subscription management when the provider names another endpoint or calls another element', () => {
    const other = shop({ endpoints: '      POST /webhooks: {}\n      POST /orders: {}\n', flows: '  - stripe -> api: { protocol: https, endpoint: POST /orders }\n' });
    assert.deepEqual(kindsOf(other), { 'POST /webhooks': 'api', 'POST /orders': 'api' });
    const elsewhere = shop({ callers: '  stripe: { type: third-party, in: internet }\n  payments: { type: api }\n', flows: '  - stripe -> payments: https\n' });
    assert.deepEqual(kindsOf(elsewhere), { 'POST /webhooks': 'api' });
    // An edge in the untrusted zone that only browsers reach posts no events.
    const cdn = shop({ callers: '  visitor: { tech: browser, in: internet }\n  cdn: { tech: cloudfront, in: internet }\n', flows: '  - visitor -> cdn: https\n  - cdn -> api: https\n' });
    assert.deepEqual(kindsOf(cdn), { 'POST /webhooks': 'api' });
  });

  it('keeps a DELETE subscription management whoever calls the element, and an explicit kind as written', () => {
    assert.deepEqual(kindsOf(shop({ endpoints: '      DELETE /webhooks/{id}: {}\n' })), { 'DELETE /webhooks/{id}': 'api' });
    assert.deepEqual(kindsOf(shop({ endpoints: '      POST /webhooks: { kind: api }\n' })), { 'POST /webhooks': 'api' });
  });
});

/** A SaaS API where customers (in their browsers) register webhook URLs, with the given elements and flows behind it. */
const saas = (elements: string, flows: string) =>
  'boundaries:\n  internet: { trust: untrusted }\nelements:\n  visitor: { tech: browser, in: internet }\n  api:\n    type: api\n    auth: jwt\n' +
  `    endpoints:\n      POST /v1/hooks: {}\n  jobs: { tech: rabbitmq }\n${elements}flows:\n  - visitor -> api: https\n  - api -> jobs: amqps\n${flows}`;
const billing = '  billing: { type: worker }\n  stripe: { type: third-party, in: internet }\n';
const toStripe = '  - jobs -> billing: amqps\n  - billing -> stripe: { protocol: https, auth: api-key }\n';
const sender = '  sender: { type: worker }\n  receivers: { kind: external, name: Customer endpoints }\n';

describe('server-side-request-forgery on a subscription: which call out is the delivery', () => {
  it('calls a well-known provider only a call out, by its name or its tech, never the delivery', () => {
    const t = onlyThreat(saas(billing, toStripe), 'server-side-request-forgery');
    assert.equal(t.description.startsWith('POST /v1/hooks on api takes the URLs webhooks are delivered to (billing calls out to stripe); a customer can register'), true, t.description);
    assert.doesNotMatch(t.description, /posts events to/);
    assert.deepEqual(evidenceFacts(t).slice(0, 2), ['POST /v1/hooks registers the URLs webhooks are delivered to', 'billing calls out to stripe']);
    const byTech = saas('  billing: { type: worker }\n  psp: { type: third-party, tech: adyen, in: internet }\n', '  - jobs -> billing: amqps\n  - billing -> psp: https\n');
    assert.doesNotMatch(onlyThreat(byTech, 'server-side-request-forgery').description, /posts events to/);
  });

  it('prefers a flow to the customers\' endpoints, farther or not, and says it posts the events', () => {
    const both = saas(billing + '  relay: { type: worker }\n' + sender, toStripe + '  - jobs -> relay: amqps\n  - relay -> sender: https\n  - sender -> receivers: https\n');
    const t = onlyThreat(both, 'server-side-request-forgery');
    assert.match(t.description, /^POST \/v1\/hooks on api takes the URL that sender later posts events to;/);
    assert.deepEqual(evidenceFacts(t)[1], 'sender calls out to Customer endpoints');
    // A third party of no known name in an untrusted zone, or a call signed with hmac, stands for them too.
    const unknown = saas('  sender: { type: worker }\n  hooks: { type: third-party, name: Subscribers, in: internet }\n', '  - jobs -> sender: amqps\n  - sender -> hooks: https\n');
    assert.match(onlyThreat(unknown, 'server-side-request-forgery').description, /takes the URL that sender later posts events to/);
    const signed = saas(billing, toStripe.replace('auth: api-key', 'auth: hmac'));
    assert.match(onlyThreat(signed, 'server-side-request-forgery').description, /takes the URL that billing later posts events to/);
  });

  it('reports nothing when nothing calls out, or only answers people', () => {
    noThreat(saas('  billing: { type: worker }\n', '  - jobs -> billing: amqps\n'), 'server-side-request-forgery');
    noThreat(saas('  billing: { type: worker }\n  mail: { type: user }\n', '  - jobs -> billing: amqps\n  - billing -> mail: https\n'), 'server-side-request-forgery');
    // A store passes nothing on: a call out behind it is no delivery of this API's.
    noThreat(saas('  db: { tech: postgres }\n  out: { kind: external }\n', '  - jobs -> db: postgres\n  - db -> out: https\n'), 'server-side-request-forgery');
  });

  /** `n` APIs with a subscription route, each queueing events on one bus that `n` workers read; `delivery` after. */
  const shared = (n: number, delivery = ''): string => {
    let elements = '  visitor: { tech: browser, in: internet }\n  bus: { tech: rabbitmq }\n  receivers: { kind: external }\n';
    let flows = '';
    for (let i = 0; i < n; i++) {
      elements += `  s${i}: { type: api, auth: jwt, endpoints: { 'POST /v1/webhooks': {} } }\n  w${i}: { type: worker }\n`;
      flows += `  - visitor -> s${i}: https\n  - s${i} -> bus: amqps\n  - bus -> w${i}: amqps\n`;
    }
    return `boundaries:\n  internet: { trust: untrusted }\nelements:\n${elements}flows:\n${flows}${delivery}`;
  };

  it('finds each of many APIs sharing one queue its delivery', () => {
    const found = threatsIn(shared(300, '  - w299 -> receivers: https\n'), 'server-side-request-forgery');
    assert.equal(found.length, 300);
    assert.deepEqual([...new Set(found.map((t) => evidenceFacts(t)[1]))], ['w299 calls out to receivers']);
    noThreat(shared(300), 'server-side-request-forgery');
  });

  it('looks the flows up a number of times that grows with the model, not with its square', () => {
    // Counted rather than timed: one search per endpoint over the shared bus's workers made twice the APIs four times the work.
    const lookups = (n: number, delivered: boolean): number => {
      const graph = buildGraph(loadText(MODEL_HEAD + shared(n, delivered ? `  - w${n - 1} -> receivers: https\n` : '')).model);
      let count = 0;
      const counted = { ...graph, outFlows: (id: string) => (count++, graph.outFlows(id)), inFlows: (id: string) => (count++, graph.inFlows(id)) };
      runRules(buildContext(counted, findCrossings(counted)), [serverSideRequestForgery]);
      return count;
    };
    for (const delivered of [true, false]) {
      const small = lookups(150, delivered);
      const large = lookups(300, delivered);
      assert.ok(large <= 2.5 * small, `${delivered ? 'a delivery' : 'no delivery'}: ${small} lookups for 150 APIs, ${large} for 300`);
    }
  });
});
