// One problem, one finding (fifth review round): a service that authenticates nobody is one finding, its
// partners' and devices' calls included, and a partner's call that lands on its webhook is the webhook's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unauthenticatedPartnerCall } from '../../src/analysis/rules/authentication.js';
import { MODEL_HEAD as head, runOnly, threatsOf } from './harness.js';

const rulesOf = (text: string, ...ids: string[]) => threatsOf(text, ...ids).map((t) => t.ruleId).sort();

describe('missing-authentication owns a service that authenticates nobody', () => {
  const ORDERS = 'assets:\n  orders: { name: Orders, type: business, classification: confidential, integrity: high }\n';
  const ingest = (callers: string, flows: string) =>
    `${head}${ORDERS}elements:\n${callers}  ingest: { type: api, handles: [orders] }\nflows:\n${flows}`;
  const PAIR = ['missing-authentication', 'unauthenticated-device', 'unauthenticated-partner-call'];

  it('reports the partner and the device with the open browser path, as one finding', () => {
    const text = ingest(
      '  visitor: { tech: browser }\n  partner: { type: third-party }\n  sensor: { type: device }\n',
      '  - visitor -> ingest: https\n  - partner -> ingest: https\n  - sensor -> ingest: https\n',
    );
    const found = threatsOf(text, ...PAIR);
    assert.deepEqual(found.map((t) => t.ruleId), ['missing-authentication']);
    const [t] = found;
    assert.equal(t.title, 'No authentication in front of ingest');
    assert.equal(
      t.description,
      'ingest handles Orders and is reachable from the internet, but nothing on the way authenticates the caller: anyone can call it as anyone, or pose as any of partner, sensor.',
    );
    assert.deepEqual(t.evidence.map((e) => e.fact), [
      'ingest declares no auth and is reachable from the internet',
      'visitor -> ingest carries no authentication',
      'partner -> ingest carries no authentication',
      'sensor -> ingest carries no authentication',
    ]);
  });

  it('names the one partner it takes over, beside authenticated callers', () => {
    const text = ingest(
      '  visitor: { tech: browser }\n  app: { tech: browser }\n  partner: { type: third-party }\n',
      '  - visitor -> ingest: https\n  - app -> ingest: { protocol: https, auth: jwt }\n  - partner -> ingest: https\n',
    );
    const found = threatsOf(text, ...PAIR);
    assert.deepEqual(found.map((t) => t.ruleId), ['missing-authentication']);
    assert.equal(found[0].title, 'No authentication on calls from partner, visitor to ingest');
    assert.equal(
      found[0].description,
      'ingest handles Orders and is reachable from the internet; calls from app are authenticated, but calls from partner, visitor carry no authentication on the way: anyone can call it that way, as anyone, or pose as partner.',
    );
  });

  it('leaves partners and devices to their rules when theirs are the only open paths', () => {
    const text = ingest(
      '  partner: { type: third-party }\n  sensor: { type: device }\n',
      '  - partner -> ingest: https\n  - sensor -> ingest: https\n',
    );
    assert.deepEqual(rulesOf(text, ...PAIR), ['unauthenticated-device', 'unauthenticated-partner-call']);
    assert.equal(threatsOf(text, 'unauthenticated-partner-call')[0].description, 'partner -> ingest carries no authentication; anyone who learns the address can pose as partner.');
  });

  it('leaves partners to their rule when the other callers authenticate', () => {
    const text = ingest(
      '  visitor: { tech: browser }\n  partner: { type: third-party }\n',
      '  - visitor -> ingest: { protocol: https, auth: jwt }\n  - partner -> ingest: https\n',
    );
    assert.deepEqual(rulesOf(text, ...PAIR), ['unauthenticated-partner-call']);
  });

  it('leaves a partner call its own check covers to the partner rule, and does not name the partner', () => {
    const text = ingest(
      '  visitor: { tech: browser }\n  partner: { type: third-party }\n',
      '  - visitor -> ingest: https\n  - partner -> ingest: { protocol: https, controls: [ip-allowlist] }\n',
    );
    const found = threatsOf(text, ...PAIR);
    assert.deepEqual(found.map((t) => t.ruleId), ['missing-authentication']);
    assert.equal(
      found[0].description,
      'ingest handles Orders and is reachable from the internet, but nothing on the way authenticates the caller: anyone can call it as anyone.',
    );
    const run = runOnly(text, [unauthenticatedPartnerCall]);
    assert.deepEqual(run.findings.length, 0);
    assert.deepEqual(run.mitigations.map((m) => [m.component, m.controls, m.reason]), [['ingest', ['ip-allowlist'], 'the partner is checked by ip-allowlist']]);
  });
});

describe('a partner call that lands on a webhook is the webhook rules\'', () => {
  const STRIPE = (endpoint: string) =>
    `${head}elements:\n  stripe: { tech: stripe }\n  other: { type: third-party }\n  api:\n    type: api\n    endpoints:\n      ${endpoint}\nflows:\n  - stripe -> api: https\n`;
  const RULES = ['unauthenticated-partner-call', 'unsigned-webhook', 'webhook-replay'];

  it('reports an unsigned webhook once, as a forged event', () => {
    const found = threatsOf(STRIPE('/hooks/billing: { public: true }'), ...RULES);
    assert.deepEqual(found.map((t) => [t.ruleId, t.title]), [['unsigned-webhook', 'Forged events on /hooks/billing (no signature verification)']]);
  });

  it('reports nothing more for a signed webhook: not the partner, and not replay (the signature advice asks for the timestamp)', () => {
    const found = threatsOf(STRIPE('/hooks/billing: { public: true, controls: [signature-verification] }'), ...RULES);
    assert.deepEqual(found.map((t) => t.ruleId), []);
  });

  it('leaves a call that lands on an OAuth callback to oauth-state-missing', () => {
    const text = STRIPE('/oauth/callback: { public: true }');
    assert.deepEqual(rulesOf(text, 'unauthenticated-partner-call', 'oauth-state-missing'), ['oauth-state-missing']);
  });

  it('still reports the partner when the webhook is for another caller', () => {
    // The webhook stays public, and unsigned, for the caller it is for (its allow-list keeps stripe off it).
    const found = threatsOf(STRIPE('/hooks/billing: { public: true, callers: [other], controls: [ip-allowlist] }'), ...RULES);
    assert.deepEqual(found.map((t) => [t.ruleId, t.description]), [
      ['unauthenticated-partner-call', 'stripe -> api carries no authentication; anyone who learns the address can pose as stripe.'],
      ['unsigned-webhook', '/hooks/billing on api processes incoming events without checking a signature; an attacker can post a forged event.'],
    ]);
  });

  it('still reports the partner when the target has no webhook', () => {
    assert.deepEqual(rulesOf(STRIPE('/orders: { public: true }'), ...RULES), ['unauthenticated-partner-call']);
  });
});

describe('a partner\'s request to its webhook is the webhook rules\', not unsigned-partner-requests', () => {
  const carrier = (endpoint: string) =>
    `${head}assets:\n  stock: { name: Stock levels, integrity: high }\nelements:\n  carrier: { type: third-party }\n  other: { type: third-party }\n  api:\n    type: api\n    endpoints:\n      ${endpoint}\nflows:\n  - carrier -> api: { protocol: https, auth: api-key, data: [stock] }\n`;
  const RULES = ['unsigned-partner-requests', 'unsigned-webhook'];

  it('reports the request that lands on the webhook once, as a forged event', () => {
    const found = threatsOf(carrier('POST /webhooks/events: { public: true, accepts: [stock] }'), ...RULES);
    assert.deepEqual(found.map((t) => [t.ruleId, t.description]), [
      ['unsigned-webhook', 'POST /webhooks/events on api processes incoming events without checking a signature; an attacker can post a forged event that changes Stock levels.'],
    ]);
  });

  it('still reports the request when the webhook is for another caller', () => {
    // Its allow-list keeps carrier off the webhook; unenforced, carrier's request lands there (callers-reach.test.ts).
    const found = threatsOf(carrier('POST /webhooks/events: { public: true, accepts: [stock], callers: [other], controls: [ip-allowlist] }'), ...RULES);
    assert.deepEqual(found.map((t) => [t.ruleId, t.title]), [
      ['unsigned-webhook', 'Forged events on POST /webhooks/events (no signature verification)'],
      ['unsigned-partner-requests', 'Requests from carrier to api cannot be proven'],
    ]);
  });

  it('still reports the request into an element with no webhook', () => {
    const found = threatsOf(carrier('POST /stock: { auth: api-key, accepts: [stock] }'), ...RULES);
    assert.deepEqual(found.map((t) => [t.ruleId, t.title]), [['unsigned-partner-requests', 'Requests from carrier to api cannot be proven']]);
  });
});
