// Session 28 (review): a webhook subscription API (tenants register their URLs under a JWT, the service delivers
// through a dispatcher) turned into an inbound webhook as soon as a third-party API client calling the gateway with
// its JWT was drawn: the Critical server-side request forgery disappeared, and "Forged events on POST /v1/webhooks"
// and "Invoices sent to Customer webhook receiver" were reported instead.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadText, MODEL_HEAD, noThreat, onlyThreat, threatsIn } from './harness.js';

/** The reviewed shape: settings takes subscriptions behind a gateway, a dispatcher delivers to the tenants' receiver. */
const tenants = (callerFlow: string) =>
  'boundaries:\n  internet: { trust: untrusted }\n  app: { trust: internal }\n' +
  'assets:\n  hook-config: { name: Webhook URLs, classification: internal, integrity: high }\n' +
  '  invoices: { name: Invoices, type: financial, classification: confidential }\n' +
  'elements:\n  user: { type: user, tech: browser, in: internet }\n  integrator: { name: Tenant API client, type: third-party, in: internet }\n' +
  '  receiver: { name: Customer webhook receiver, type: third-party, in: internet }\n  gateway: { tech: kong, in: app, controls: [rate-limiting, waf] }\n' +
  '  settings:\n    type: api\n    in: app\n    auth: jwt\n    controls: [authorization, object-level-authorization]\n' +
  '    endpoints:\n      POST /v1/webhooks: { accepts: [hook-config] }\n' +
  '  dispatcher: { type: worker, in: app, controls: [timeouts] }\n' +
  `flows:\n  - user -> gateway: https\n${callerFlow}  - gateway -> settings: https\n` +
  '  - settings -> dispatcher: { protocol: https, data: [invoices] }\n  - dispatcher -> receiver: { protocol: https, data: [invoices] }\n';

const kindOf = (body: string): string | undefined =>
  loadText(MODEL_HEAD + body).model.elements.find((e) => e.id === 'settings')!.endpoints[0].kind;

describe('a third party calling with a customer credential is a client, not a provider posting events', () => {
  it('keeps the subscription route an API when the client presents its JWT through the gateway', () => {
    const model = tenants('  - integrator -> gateway: { protocol: https, auth: jwt }\n');
    assert.equal(kindOf(model), 'api');
    assert.equal(onlyThreat(model, 'server-side-request-forgery').title, 'Server-side request forgery through webhook URLs registered on POST /v1/webhooks');
    noThreat(model, 'unsigned-webhook');
    noThreat(model, 'third-party-data-sharing');
  });

  it('keeps it an API when the client names the route with its API key', () => {
    const model = tenants('  - integrator -> gateway: { protocol: https, auth: api-key, endpoint: POST /v1/webhooks }\n');
    assert.equal(kindOf(model), 'api');
    noThreat(model, 'unsigned-webhook');
  });

  it('still takes a third party calling with no credential, or a signature, for a provider posting events', () => {
    for (const flow of ['  - integrator -> gateway: https\n', '  - integrator -> gateway: { protocol: https, auth: none }\n']) {
      const model = tenants(flow);
      assert.equal(kindOf(model), 'webhook', flow);
      assert.deepEqual(threatsIn(model, 'unsigned-webhook').map((t) => t.key), ['unsigned-webhook@settings:POST /v1/webhooks'], flow);
    }
    // A signed call is a provider's too (unsigned-webhook then has nothing to report).
    assert.equal(kindOf(tenants('  - integrator -> gateway: { protocol: https, auth: hmac }\n')), 'webhook');
  });

  it('judges the caller by its own call, not by a credential the edge adds on the way in', () => {
    const model = tenants('  - integrator -> gateway: https\n').replace('  - gateway -> settings: https\n', '  - gateway -> settings: { protocol: https, auth: jwt }\n');
    assert.equal(kindOf(model), 'webhook');
  });
});
