// Session 28 (review): the route issuing tenant API keys (`POST /v1/api-keys: { returns: [api-keys] }`) got
// "Tenant API keys returned unmasked by POST /v1/api-keys" ("never send secrets to clients"), while the unhashed-keys
// finding on the same model advises showing the key once, when it is issued: the advice contradicted itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noThreat, onlyThreat, threatsIn } from './harness.js';

/** A key service on the internet, signed in by session cookie, with the given routes. */
const keyService = (endpoints: string) =>
  'boundaries:\n  internet: { trust: untrusted }\nassets:\n  api-keys: { name: Tenant API keys, type: credentials, classification: restricted }\n' +
  '  cards: { name: Card numbers, type: payment, classification: restricted }\n' +
  `elements:\n  user: { type: user, tech: browser, in: internet }\n  keys:\n    name: Key service\n    type: api\n    auth: session-cookie\n    endpoints:\n${endpoints}` +
  'flows:\n  - user -> keys: https\n';

describe('excessive-data-exposure on routes that issue keys', () => {
  it('leaves the key a POST route issues or rotates to its owner', () => {
    noThreat(keyService('      POST /v1/api-keys: { returns: [api-keys] }\n'), 'excessive-data-exposure');
    noThreat(keyService('      POST /v1/api-keys/{id}/rotate: { returns: [api-keys] }\n'), 'excessive-data-exposure');
  });

  it('still reports routes that read keys back, routes not named for issuing, and other data the issuing route returns', () => {
    const keys = (endpoints: string) => threatsIn(keyService(endpoints), 'excessive-data-exposure').map((t) => t.title);
    assert.deepEqual(keys('      GET /v1/api-keys: { returns: [api-keys] }\n'), ['Tenant API keys returned unmasked by GET /v1/api-keys']);
    assert.deepEqual(keys('      /v1/api-keys: { returns: [api-keys] }\n'), ['Tenant API keys returned unmasked by /v1/api-keys']);
    assert.deepEqual(keys('      POST /v1/users: { returns: [api-keys] }\n'), ['Tenant API keys returned unmasked by POST /v1/users']);
    assert.equal(onlyThreat(keyService('      POST /v1/api-keys: { returns: [api-keys, cards] }\n'), 'excessive-data-exposure').title, 'Card numbers returned unmasked by POST /v1/api-keys');
  });
});
