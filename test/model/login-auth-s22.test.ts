// Session 22 (login-auth): a route named for a token or a session is a login only when a person may type a
// password there: one that states a program's credential as its own auth (jwt, mtls, api-key, hmac, iam, ssh-key)
// exchanges or checks tokens, so credential stuffing and account enumeration do not apply to it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpointDetails } from '../../src/render/otm.js';
import { loadText, MODEL_HEAD, threatsIn } from '../rules/harness.js';

const bff = (endpoint: string) =>
  `boundaries:\n  internet: { trust: untrusted }\nelements:\n  spa: { tech: spa, in: internet }\n  bff:\n    tech: node\n    auth: session-cookie\n    endpoints:\n      ${endpoint}\n` +
  'flows:\n  - spa -> bff: { protocol: https, auth: session-cookie }\n';
const kindOf = (endpoint: string) => loadText(MODEL_HEAD + bff(endpoint)).model.elements.find((e) => e.id === 'bff')!.endpoints[0].kind;

describe('a token route is no login', () => {
  it('POST /api/session with its own jwt, /oauth/token with mtls: kind api, no stuffing or enumeration', () => {
    assert.equal(kindOf('POST /api/session: { auth: jwt, controls: [token-validation] }'), 'api');
    assert.equal(kindOf('POST /oauth/token: { auth: mtls }'), 'api');
    assert.deepEqual(threatsIn(bff('POST /api/session: { auth: jwt, controls: [token-validation] }'), 'credential-stuffing', 'account-enumeration'), []);
  });

  it('stays a login when public, when it states a password, or when it inherits the element\'s auth; an explicit kind wins', () => {
    assert.equal(kindOf('POST /login: { public: true }'), 'login');
    assert.equal(kindOf('POST /session: { auth: password }'), 'login');
    assert.equal(kindOf('POST /session: {}'), 'login');
    assert.equal(kindOf('POST /api/session: { auth: jwt, kind: login }'), 'login');
    assert.ok(threatsIn(bff('POST /login: { public: true }'), 'credential-stuffing').length > 0);
  });

  it('stays a login for a route named for logging in, and behind a client API key (review)', () => {
    assert.equal(kindOf('POST /auth/login: { auth: jwt }'), 'login');
    // An API key names the client app; the user behind it still types a password.
    assert.equal(kindOf('POST /auth/token: { auth: api-key }'), 'login');
    assert.equal(kindOf('POST /auth/token: { auth: iam }'), 'api');
  });

  it('an explicit kind: login on such a route survives an OTM export and import', () => {
    const text = MODEL_HEAD + bff('POST /api/session: { auth: jwt, kind: login }');
    const m = loadText(text).model;
    const ep = renderedEndpoint(m);
    assert.equal(ep.kind, 'login');
  });
});

/** The bff's endpoint as the OTM exporter writes it (its details), read back by the importer's model. */
function renderedEndpoint(m: ReturnType<typeof loadText>['model']) {
  const bffElement = m.elements.find((e) => e.id === 'bff')!;
  return endpointDetails(bffElement.endpoints[0], bffElement.auth);
}
