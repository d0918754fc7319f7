// Session 28 (review): `POST /token` with `auth: saml` (a signed assertion exchanged for an API token) was read as a
// password login, reported with "Credential stuffing on POST /token" and "Account enumeration on POST /token"; and a
// Django API drafted from its OpenAPI spec had credential stuffing on `POST /auth/token/refresh/`, which takes a
// refresh token.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadText, MODEL_HEAD, threatsIn } from '../rules/harness.js';

const kinds = (endpoints: string): Record<string, string> =>
  Object.fromEntries(loadText(MODEL_HEAD + `elements:\n  api:\n    type: api\n    endpoints:\n${endpoints}`).model.elements[0].endpoints.map((ep) => [ep.key, ep.kind]));

/** An auth service on the internet with the given routes, rate-limited only (credential stuffing asks two controls). */
const authService = (endpoints: string) =>
  'boundaries:\n  internet: { trust: untrusted }\nelements:\n  visitor: { tech: browser, in: internet }\n' +
  `  auth-svc:\n    type: api\n    controls: [rate-limiting]\n    endpoints:\n${endpoints}flows:\n  - visitor -> auth-svc: https\n`;

describe('token routes that take no password', () => {
  it('are plain calls under a federated assertion, an access token or a ticket of their own', () => {
    assert.deepEqual(kinds('      POST /token: { auth: saml }\n      POST /oauth/token: { auth: oauth2 }\n      POST /session: { auth: kerberos }\n'),
      { 'POST /token': 'api', 'POST /oauth/token': 'api', 'POST /session': 'api' });
    assert.deepEqual(threatsIn(authService('      POST /token: { auth: saml }\n'), 'credential-stuffing', 'account-enumeration').map((t) => t.key), []);
  });

  it('are plain calls when named for refreshing a token', () => {
    assert.deepEqual(kinds('      POST /auth/token/refresh/: { public: true }\n      POST /refresh-token: {}\n      POST /api/token_refresh: {}\n'),
      { 'POST /auth/token/refresh/': 'api', 'POST /refresh-token': 'api', 'POST /api/token_refresh': 'api' });
    const django = authService('      POST /auth/token/: { public: true }\n      POST /auth/token/refresh/: { public: true }\n');
    assert.deepEqual(threatsIn(django, 'credential-stuffing').map((t) => t.key), ['credential-stuffing@auth-svc:POST /auth/token/']);
  });

  it('stay logins where a password may come: no auth, a password credential, an API key, or a login by name', () => {
    assert.deepEqual(kinds('      POST /token: {}\n      POST /oauth/token: { auth: basic }\n      POST /session: { auth: api-key }\n      POST /login/refresh: {}\n'),
      { 'POST /token': 'login', 'POST /oauth/token': 'login', 'POST /session': 'login', 'POST /login/refresh': 'login' });
    assert.deepEqual(threatsIn(authService('      POST /token: {}\n'), 'credential-stuffing').map((t) => t.key), ['credential-stuffing@auth-svc:POST /token']);
  });
});
