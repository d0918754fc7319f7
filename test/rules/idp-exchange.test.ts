// A session or token route of an application that signs people in at an identity provider takes what the provider
// issued, so credential stuffing and account enumeration are the provider's; not where the password comes to it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { threatsIn } from './harness.js';

function model(o: { accepts?: boolean; sent?: boolean; forwarded?: boolean }): string {
  return `assets:
  creds: { name: Passwords, type: credentials }
  pii: { classification: confidential }
elements:
  visitor: { tech: browser }
  api:
    type: api
    handles: [pii]
    endpoints:
      POST /oauth/token: { public: true${o.accepts ? ', accepts: [creds]' : ''} }
  kc: { name: Keycloak, type: identity-provider }
flows:
  - visitor -> api: { protocol: https, endpoint: POST /oauth/token${o.sent ? ', data: [creds]' : ''} }
  - visitor -> kc: https
  - api -> kc: { protocol: https${o.forwarded ? ', data: [creds]' : ''} }
`;
}

const found = (body: string) => threatsIn(body, 'credential-stuffing', 'account-enumeration').map((t) => t.ruleId).sort();

describe('token routes exchanging an identity provider sign-in', () => {
  it('leaves a token route that takes no password to the provider', () => {
    assert.deepEqual(found(model({})), []);
  });

  it('reports the route when the password reaches it: accepted, sent on the flow naming it, or passed on to the provider', () => {
    for (const o of [{ accepts: true }, { sent: true }, { forwarded: true }]) {
      assert.deepEqual(found(model(o)), ['account-enumeration', 'credential-stuffing'], JSON.stringify(o));
    }
  });
});
