// Session 22 (kinds): the upload rules leave a read of `/files` alone; client-controlled-value leaves what users
// supply about themselves (their card, personal or health data) and keeps prices, orders, balances and a payment
// status; no-circuit-breaker treats a managed API gateway, whose integration timeout bounds every call, like a
// load balancer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientControlledValue, malwareUpload, unsafeFileUpload } from '../../src/analysis/rules/integrity.js';
import { noCircuitBreaker, noTimeoutsExternal, unboundedUpload } from '../../src/analysis/rules/availability.js';
import { analyzeExample, threatsOf } from '../helpers.js';
import { evidenceFacts, noThreat, onlyThreat, threatsIn } from './harness.js';

const UPLOAD_RULES = ['unsafe-file-upload', 'unbounded-upload', 'malware-upload'];

/** A browser calling an API signed in with a JWT, with the given endpoints (indented as entries of `endpoints:`). */
const api = (endpoints: string, assets = '  files: { name: Files, classification: internal }\n') =>
  `assets:\n${assets}elements:\n  visitor: { tech: browser }\n  api:\n    name: API\n    type: api\n    auth: jwt\n    endpoints:\n${endpoints}` +
  'flows:\n  - visitor -> api: https\n';

describe('upload rules on endpoints whose path says files', () => {
  it('report nothing on reads of /files and /attachments/{id}', () => {
    const reads = api('      GET /files: { returns: [files] }\n      GET /attachments/{id}: { returns: [files] }\n      HEAD /uploads: {}\n');
    assert.deepEqual(threatsIn(reads, ...UPLOAD_RULES).map((t) => t.key), []);
  });

  it('still report the upload beside them, and the reads as what it shares', () => {
    const found = threatsIn(api('      GET /files: { returns: [files] }\n      POST /files: { accepts: [files] }\n'), ...UPLOAD_RULES);
    assert.deepEqual(found.map((t) => `${t.ruleId} ${t.title}`).sort(), [
      'malware-upload Uploaded malware shared through POST /files',
      'unbounded-upload Unbounded uploads on POST /files',
      'unsafe-file-upload Malicious file upload on POST /files (no type validation)',
    ]);
  });

  it('report an upload path with no methods stated, as before', () => {
    assert.equal(onlyThreat(api('      /uploads: {}\n'), 'unsafe-file-upload').title, 'Malicious file upload on /uploads (no type validation)');
    assert.equal(onlyThreat(api('      /uploads: {}\n'), 'unbounded-upload').title, 'Unbounded uploads on /uploads');
  });

  it('take `kind: upload` written on a read at its word', () => {
    const t = onlyThreat(api('      GET /files: { kind: upload }\n'), 'unsafe-file-upload');
    assert.equal(t.title, 'Malicious file upload on GET /files (no type validation)');
    onlyThreat(api('      GET /files: { kind: upload }\n'), 'unbounded-upload');
  });

  it('say in their conditions which endpoints are uploads', () => {
    for (const rule of [unsafeFileUpload, unboundedUpload, malwareUpload]) {
      assert.match(rule.condition, /POST, PUT or PATCH or states no methods/, rule.id);
      assert.match(rule.condition, /`GET \/files` uploads nothing/, rule.id);
    }
  });
});

describe('client-controlled-value: what users supply about themselves', () => {
  const RULE = 'client-controlled-value';
  const assets =
    '  card: { name: Card details, type: payment, classification: restricted }\n' +
    '  profile: { name: Profile, type: pii, classification: confidential, integrity: high }\n' +
    '  records: { name: Health records, type: health, classification: restricted }\n' +
    '  prices: { name: Prices, type: pricing, classification: internal, integrity: high }\n' +
    '  balance: { name: Balance, type: financial, classification: confidential, integrity: high }\n' +
    '  orders: { name: Orders, type: business, classification: internal, integrity: high }\n' +
    '  status: { name: Payment status, type: payment, classification: internal, integrity: high }\n' +
    '  saved: { name: Saved card, type: payment, classification: confidential, integrity: high }\n';
  const posting = (accepts: string) => api(`      POST /things: { accepts: [${accepts}] }\n`, assets);

  it('leaves card details, personal and health data the user sends', () => {
    noThreat(api('      POST /payment-methods: { accepts: [card] }\n', assets), RULE);
    noThreat(posting('profile'), RULE);
    noThreat(posting('records'), RULE);
    noThreat(posting('card, profile, records'), RULE);
    noThreat(posting('saved'), RULE);
  });

  it('still reports a payment status, which is not secret and is the server\'s to set', () => {
    const t = onlyThreat(posting('status, card'), RULE);
    assert.equal(t.title, 'Manipulation of Payment status in POST /things requests');
    assert.match(t.description, /mark an unpaid payment as paid/);
  });

  it('still reports prices, balances and orders, naming only them beside card details', () => {
    const t = onlyThreat(posting('card, prices'), RULE);
    assert.equal(t.title, 'Manipulation of Prices in POST /things requests');
    assert.match(t.description, /pay less than the price/);
    assert.equal(t.impact.level, 'Medium');
    assert.ok(!evidenceFacts(t).some((f) => f.includes('Card details')), evidenceFacts(t).join('; '));
    assert.equal(onlyThreat(posting('balance'), RULE).title, 'Manipulation of Balance in POST /things requests');
    const orders = onlyThreat(posting('orders'), RULE);
    assert.equal(orders.title, 'Manipulation of Orders in POST /things requests');
    assert.doesNotMatch(orders.description, /pay less/);
  });

  it('keeps the shop\'s cart finding, whose client posts line prices', () => {
    const found = threatsOf(analyzeExample('ecommerce'), RULE);
    assert.deepEqual(found.map((t) => t.title), ['Manipulation of Prices and order totals, Orders in POST /cart requests']);
  });

  it('says so in its condition', () => {
    assert.match(clientControlledValue.condition, /type `pii` or `health`, and of type `payment` with high confidentiality/);
  });
});

describe('no-circuit-breaker and no-timeouts-external: a managed API gateway bounds its calls', () => {
  const calls = (front: string, more = '') =>
    `boundaries:\n  vpc: { trust: internal }\nelements:\n  visitor: { tech: browser }\n  gw: { name: gw, ${front}, in: vpc }\n  app: { type: service, in: vpc }\n${more}` +
    'flows:\n  - visitor -> gw: https\n  - gw -> app: https\n';

  it('leaves the calls of an AWS API Gateway to its integrations', () => {
    noThreat(calls('tech: api-gateway'), 'no-circuit-breaker');
    noThreat(calls('tech: api-gateway, type: gateway'), 'no-circuit-breaker');
  });

  it('still reports a gateway we run, whose timeouts are ours to set', () => {
    const t = onlyThreat(calls('tech: kong'), 'no-circuit-breaker');
    assert.match(t.description, /^gw makes 1 synchronous call without circuit breakers or timeouts/);
    onlyThreat(calls('type: gateway'), 'no-circuit-breaker');
  });

  it('leaves an AWS API Gateway\'s call to a third party, and reports a gateway we run', () => {
    const third = (front: string) =>
      `${calls(front, '  partner: { type: third-party }\n')}  - gw -> partner: https\n`;
    noThreat(third('tech: api-gateway'), 'no-timeouts-external');
    noThreat(third('tech: api-gateway'), 'no-circuit-breaker');
    assert.equal(onlyThreat(third('tech: kong'), 'no-timeouts-external').title, 'gw waits without limit on partner, app');
  });

  it('says so in the conditions', () => {
    assert.match(noCircuitBreaker.condition, /managed API gateway \(type `gateway` with the `cloud` trait: tech `api-gateway`, `azure-api-management`, `apigee`, `gcp-api-gateway`/);
    assert.match(noTimeoutsExternal.condition, /not a managed API gateway/);
  });
});
