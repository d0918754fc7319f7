// Session 28 (review): a customer viewing their own transactions got "Account balances and transactions returned in
// full by /v1/accounts/{id}/transactions" rated Likelihood Low ("each caller gets only their own records") but Impact
// High ("data breach"), and was advised `Cache-Control: no-store` although the endpoint declares `cache-control`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noThreat, onlyThreat } from './harness.js';

/** A mobile app's backend returning the caller's account records; the asset type, element controls and route controls vary. */
const bank = ({ type = 'financial', controls = 'object-level-authorization, token-validation', route = 'pagination, cache-control' } = {}) =>
  'boundaries:\n  internet: { trust: untrusted }\n' +
  `assets:\n  accounts: { name: Account records, type: ${type}, classification: restricted }\n` +
  `elements:\n  mobile: { tech: react-native, in: internet }\n  bff:\n    name: Mobile BFF\n    type: api\n    auth: oauth2\n    controls: [${controls}]\n` +
  `    endpoints:\n      /v1/accounts/{id}/transactions: { returns: [accounts], controls: [${route}] }\n` +
  'flows:\n  - mobile -> bff: { protocol: https, auth: oauth2 }\n';

describe('excessive-data-exposure on a route showing callers their own records', () => {
  it('leaves amounts and records the owner asked for alone', () => {
    noThreat(bank(), 'excessive-data-exposure');
  });

  it('rates identifiers shown in full to their owner as no breach of other users\' data', () => {
    const t = onlyThreat(bank({ type: 'payment' }), 'excessive-data-exposure');
    assert.equal(t.likelihood.level, 'Low');
    assert.equal(t.impact.level, 'Medium');
    assert.doesNotMatch(t.impact.reason, /breach/);
  });

  it('still rates records any signed-in caller may read as a breach', () => {
    const t = onlyThreat(bank({ controls: 'token-validation' }), 'excessive-data-exposure');
    assert.equal(t.impact.level, 'High');
    assert.match(t.impact.reason, /data breach/);
  });

  it('advises keeping responses out of shared caches only where the endpoint declares no cache-control', () => {
    assert.doesNotMatch(onlyThreat(bank({ controls: 'token-validation' }), 'excessive-data-exposure').mitigation, /Cache-Control/);
    assert.match(onlyThreat(bank({ controls: 'token-validation', route: 'pagination' }), 'excessive-data-exposure').mitigation, /`Cache-Control: no-store`/);
  });
});
