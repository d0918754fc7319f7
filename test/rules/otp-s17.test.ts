// Session 17 (otp-s17), from a senior review of crAPI: a one-time code check is an endpoint kind of its own
// (`otp`), whose threat is guessing the code (otp-brute-force), not credential stuffing; no-rate-limiting leaves
// it to that rule while it runs; and a signed-in user's password change is not the password-reset flow.
// Each behaviour has a positive and a negative case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferEndpointKind } from '../../src/model/normalize.js';
import { threatsIn } from './harness.js';

const keys = (body: string, ...rules: string[]) => threatsIn(body, ...rules).map((t) => `${t.risk} ${t.key}`);

/** crAPI's identity service: the OTP check that completes a password reset, from the internet. */
const crapi = (endpoint: string, extra = '') =>
  'assets:\n  pii: { type: pii, classification: restricted }\n' +
  'elements:\n  visitor: { tech: browser }\n  identity:\n    type: api\n    handles: [pii]\n    endpoints:\n' +
  `      ${endpoint}\n      GET /api/v2/user/dashboard: { auth: jwt, returns: [pii] }\n` +
  `flows:\n  - visitor -> identity: https\n${extra}`;
const CHECK_OTP = 'POST /identity/api/auth/v2/check-otp: { public: true }';

describe('endpoint kind `otp` from the path', () => {
  it('names one-time code checks otp, under /auth/ or /login/ too', () => {
    assert.equal(inferEndpointKind('/identity/api/auth/v2/check-otp'), 'otp');
    assert.equal(inferEndpointKind('/account/verify-2fa'), 'otp');
    assert.equal(inferEndpointKind('/login/otp/send'), 'otp');
  });

  it('leaves logins and password resets their own kinds', () => {
    assert.equal(inferEndpointKind('/identity/api/auth/login'), 'login');
    assert.equal(inferEndpointKind('/identity/api/auth/forget-password'), 'password-reset');
  });
});

describe('otp-brute-force', () => {
  it('reports a public OTP check from the internet: likelihood High, impact High when accounts reach restricted data', () => {
    const [t, ...more] = threatsIn(crapi(CHECK_OTP), 'otp-brute-force', 'credential-stuffing');
    assert.equal(more.length, 0);
    assert.equal(t.key, 'otp-brute-force@identity:POST /identity/api/auth/v2/check-otp');
    assert.equal(t.stride, 'S');
    assert.equal(t.likelihood.level, 'High');
    assert.equal(t.impact.level, 'High');
    assert.equal(t.impact.reason, 'accounts reach pii');
    assert.equal(t.risk, 'Critical');
    assert.match(t.description, /nothing capping the guesses/);
  });

  it('rates impact Medium when the accounts reach no restricted data', () => {
    const body = 'elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      POST /check-otp: { public: true }\nflows:\n  - visitor -> api: https\n';
    const [t] = threatsIn(body, 'otp-brute-force');
    assert.equal(t.impact.level, 'Medium');
    assert.equal(t.likelihood.level, 'High');
  });

  it('rates likelihood Medium when the check is reached only through other components', () => {
    const body = 'elements:\n  visitor: { tech: browser }\n  web: { type: web-app }\n  api:\n    type: api\n    endpoints:\n      POST /check-otp: { public: true }\n' +
      'flows:\n  - visitor -> web: https\n  - web -> api: https\n';
    const [t] = threatsIn(body, 'otp-brute-force');
    assert.equal(t.likelihood.level, 'Medium');
  });

  it('is mitigated by account lockout or rate limiting', () => {
    for (const control of ['account-lockout', 'rate-limiting']) {
      const endpoint = `POST /identity/api/auth/v2/check-otp: { public: true, controls: [${control}] }`;
      assert.deepEqual(threatsIn(crapi(endpoint), 'otp-brute-force'), [], control);
    }
  });
});

describe('no-rate-limiting leaves an OTP check to otp-brute-force', () => {
  const rateKeys = (extra = '') => keys(crapi(CHECK_OTP, extra), 'otp-brute-force', 'no-rate-limiting')
    .filter((k) => k.includes('check-otp'));

  it('reports one finding, otp-brute-force\'s', () => {
    assert.deepEqual(rateKeys(), ['Critical otp-brute-force@identity:POST /identity/api/auth/v2/check-otp']);
  });

  it('reports the missing rate limit when otp-brute-force is disabled', () => {
    assert.deepEqual(rateKeys('rules:\n  disable: [otp-brute-force]\n'), ['High no-rate-limiting@identity:POST /identity/api/auth/v2/check-otp']);
  });

  it('still asks for rate limiting on an OTP check that only account lockout protects', () => {
    const endpoint = 'POST /identity/api/auth/v2/check-otp: { public: true, controls: [account-lockout] }';
    const found = keys(crapi(endpoint), 'otp-brute-force', 'no-rate-limiting').filter((k) => k.includes('check-otp'));
    assert.deepEqual(found, ['High no-rate-limiting@identity:POST /identity/api/auth/v2/check-otp']);
  });
});

describe('insecure-password-reset: a signed-in password change is not the reset flow', () => {
  it('says nothing of a password change that takes the user\'s JWT', () => {
    assert.deepEqual(threatsIn(crapi('POST /identity/api/v2/user/reset-password: { auth: jwt }'), 'insecure-password-reset'), []);
  });

  it('says nothing when the endpoint inherits its element\'s user credential', () => {
    const body = crapi('POST /identity/api/v2/user/reset-password: {}').replace('    type: api\n', '    type: api\n    auth: jwt\n');
    assert.deepEqual(threatsIn(body, 'insecure-password-reset'), []);
  });

  it('still reports the public forgot-password flow', () => {
    assert.deepEqual(keys(crapi('POST /identity/api/auth/forget-password: { public: true }'), 'insecure-password-reset'),
      ['High insecure-password-reset@identity:POST /identity/api/auth/forget-password']);
  });
});
