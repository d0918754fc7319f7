// Session 23 (late3), after a review of a multi-tenant SaaS: server-side-request-forgery on a webhook subscription is
// mitigated where the deliveries leave (the worker that posts them, or its call), its advice names no single cloud's
// metadata address, and third-party-data-sharing leaves alone the deliveries of a subscription service to the
// endpoints its customers registered (their own data), recognised as the SSRF rule recognises them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coverageCell, evidenceFacts, noThreat, onlyThreat, threatsIn } from './harness.js';

const SSRF = 'server-side-request-forgery';
const SHARING = 'third-party-data-sharing';

/** The reviewed shape: api takes subscriptions, api -> queue -> worker, and worker posts to the customers' hooks. */
const saas = ({ api = '', worker = '', delivery = '', hooks = '  hooks: { type: third-party, in: third-parties }\n', extra = '' } = {}) =>
  'boundaries:\n  internet: { trust: untrusted }\n  third-parties: { trust: untrusted }\n  vpc: { trust: internal }\n' +
  'assets:\n  pii: { name: Tenant PII, type: pii, classification: confidential }\n' +
  `elements:\n  browser: { tech: browser, in: internet }\n${hooks}` +
  `  api:\n    tech: go\n    in: vpc\n    auth: jwt\n    controls: [token-validation${api}]\n    endpoints:\n      POST /v1/webhooks: {}\n      PATCH /v1/webhooks/{id}: {}\n` +
  '  queue: { tech: pub-sub, in: vpc }\n' +
  `  worker: { type: worker, tech: go, in: vpc, handles: [pii], controls: [timeouts${worker}] }\n${extra}` +
  'flows:\n  - browser -> api: https\n  - api -> queue: { protocol: https, auth: iam }\n  - queue -> worker: { protocol: https, auth: oidc }\n' +
  `  - worker -> hooks: { protocol: https, data: [pii], controls: [request-signing${delivery}] }\n`;

const ssrfKeys = (body: string): string[] => threatsIn(body, SSRF).map((t) => t.key).sort();

describe('server-side-request-forgery on a webhook subscription is mitigated where deliveries leave', () => {
  it('reports both subscription routes while no egress-filtering is declared', () => {
    assert.deepEqual(ssrfKeys(saas()), [`${SSRF}@api:PATCH /v1/webhooks/{id}`, `${SSRF}@api:POST /v1/webhooks`]);
    const post = threatsIn(saas(), SSRF).find((t) => t.key.endsWith('POST /v1/webhooks'))!;
    assert.deepEqual(evidenceFacts(post), [
      'POST /v1/webhooks registers the URLs webhooks are delivered to',
      'worker calls out to hooks',
      'no egress-filtering on POST /v1/webhooks on api, on worker or on worker -> hooks',
    ]);
  });

  it('is mitigated by egress-filtering on the element that makes the delivery call', () => {
    const body = saas({ worker: ', egress-filtering' });
    assert.deepEqual(ssrfKeys(body), []);
    const cell = coverageCell(body, 'api', 'I');
    assert.ok(cell.controls.includes('egress-filtering'), JSON.stringify(cell));
  });

  it('is mitigated by egress-filtering on the delivery flow', () => {
    assert.deepEqual(ssrfKeys(saas({ delivery: ', egress-filtering' })), []);
  });

  it('still counts egress-filtering on the element that takes the URLs', () => {
    assert.deepEqual(ssrfKeys(saas({ api: ', egress-filtering' })), []);
  });

  it('is not mitigated by egress-filtering on an element or flow that makes no delivery', () => {
    const other = saas({ extra: '  cron: { type: worker, tech: go, in: vpc, controls: [egress-filtering] }\n' });
    assert.deepEqual(ssrfKeys(other), [`${SSRF}@api:PATCH /v1/webhooks/{id}`, `${SSRF}@api:POST /v1/webhooks`]);
    const queueFlow = saas().replace('queue -> worker: { protocol: https, auth: oidc }', 'queue -> worker: { protocol: https, auth: oidc, controls: [egress-filtering] }');
    assert.deepEqual(ssrfKeys(queueFlow), [`${SSRF}@api:PATCH /v1/webhooks/{id}`, `${SSRF}@api:POST /v1/webhooks`]);
  });

  it('names no single cloud\'s IPv6 metadata address in its advice', () => {
    for (const t of threatsIn(saas(), SSRF)) {
      assert.ok(!t.mitigation.includes('fd00:ec2::254'), t.mitigation);
      assert.match(t.mitigation, /169\.254\.169\.254 and the provider's IPv6 metadata address/);
    }
  });
});

describe('third-party-data-sharing leaves a subscription service\'s deliveries to its customers alone', () => {
  it('skips the worker\'s delivery of tenant PII to the customers\' registered endpoints', () => {
    noThreat(saas(), SHARING);
    // Signed with hmac and the target of the deliveries: still the customers' own endpoints.
    noThreat(saas().replace('data: [pii], controls', 'auth: hmac, data: [pii], controls'), SHARING);
  });

  it('still reports the same flow when nothing takes webhook subscriptions', () => {
    const noSubscriptions = saas().replace('      POST /v1/webhooks: {}\n      PATCH /v1/webhooks/{id}: {}\n', '      POST /v1/orders: {}\n');
    const t = onlyThreat(noSubscriptions, SHARING);
    assert.equal(t.title, 'Tenant PII sent to hooks');
  });

  it('still reports PII the delivering worker sends to a well-known provider', () => {
    const crm = saas({ extra: '  crm: { type: third-party, tech: hubspot, in: third-parties }\n' }) + '  - worker -> crm: { protocol: https, data: [pii] }\n';
    const found = threatsIn(crm, SHARING);
    assert.deepEqual(found.map((t) => t.title), ['Tenant PII sent to crm']);
  });
});
