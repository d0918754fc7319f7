// Keys session 23's people changes stopped reporting: admin-without-mfa on an admin route that only our own
// applications call, whose people sign in to them with MFA, is retired with its reason; without that MFA it stays.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyChanges } from '../../src/track/key-migrations.js';
import { analyzeText, MODEL_HEAD as HEAD } from '../rules/harness.js';

const KEY = 'admin-without-mfa@payments:POST /payments/{id}/reversal';

/** Staff sign in to a back office, which calls the payments service's admin route with its own token. */
const bank = (backoffice: string) => `${HEAD}boundaries:
  staff: { trust: internal, controls: [vpn] }
elements:
  agent: { type: support-staff, in: staff }
  backoffice: { type: web-app, in: staff, auth: oidc, controls: [${backoffice}authorization] }
  payments:
    type: api
    auth: jwt
    controls: [token-validation, authorization]
    endpoints:
      POST /payments/{id}/reversal: { kind: admin, callers: [backoffice] }
flows:
  - agent -> backoffice: { protocol: https, auth: oidc }
  - backoffice -> payments: { protocol: https, auth: jwt }
`;

describe('keys of session 23 (people)', () => {
  it('retires admin-without-mfa on a route called by an application its people sign in to with MFA', () => {
    const r = analyzeText(bank('mfa, '));
    assert.ok(!r.threats.some((t) => t.key === KEY));
    const c = keyChanges(r, [KEY]).get(KEY);
    assert.equal(c?.kind, 'retired');
    assert.equal(c!.kind === 'retired' ? c!.migration.when : undefined, 'upstream-mfa');
    assert.match(c!.migration.note, /MFA where they sign in to them/);
  });

  it('claims nothing while the finding is still reported', () => {
    const r = analyzeText(bank(''));
    assert.ok(r.threats.some((t) => t.key === KEY), r.threats.map((t) => t.key).join(', '));
    assert.equal(keyChanges(r, [KEY]).get(KEY), undefined);
  });
});
