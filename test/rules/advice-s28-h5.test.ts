// Session 28 (review): a portal whose /login declares rate-limiting, captcha and mfa, and which declares
// secure-cookies, got "Account enumeration on /login | High" ("a script comparing responses is enough", advice
// "...and rate-limit the endpoint") and session-hijacking advice to "Set cookies HttpOnly, Secure and SameSite":
// the advice named controls already declared, and the likelihood ignored the throttles.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountEnumeration } from '../../src/analysis/rules/disclosure.js';
import { sessionHijacking } from '../../src/analysis/rules/authentication.js';
import { adviceLeaving } from '../../src/analysis/rules/helpers.js';
import { onlyThreat } from './harness.js';

const portal = (login: string, controls: string) => `boundaries:
  internet: { trust: untrusted }
elements:
  patient: { type: user, tech: browser, in: internet }
  portal:
    name: Patient portal
    type: web-app
    auth: session-cookie
    controls: [${controls}]
    endpoints:
      /login: { public: true, controls: [${login}] }
flows:
  - patient -> portal: https
`;

describe('account-enumeration: throttles on the endpoints lower the likelihood and leave the advice', () => {
  it('rates Medium and leaves out rate limiting when every open endpoint has rate-limiting and captcha', () => {
    const t = onlyThreat(portal('rate-limiting, captcha, mfa', ''), 'account-enumeration');
    assert.equal(t.likelihood.level, 'Medium');
    assert.match(t.likelihood.reason, /^rate-limiting and captcha on \/login/);
    assert.doesNotMatch(t.mitigation, /rate-limit/);
  });

  it('keeps High with only one throttle, and advises rate limiting only where it is missing', () => {
    const limited = onlyThreat(portal('rate-limiting', ''), 'account-enumeration');
    assert.equal(limited.likelihood.level, 'High');
    assert.doesNotMatch(limited.mitigation, /rate-limit/);
    const captcha = onlyThreat(portal('captcha', ''), 'account-enumeration');
    assert.equal(captcha.likelihood.level, 'High');
    assert.match(captcha.mitigation, /, and rate-limit the endpoint\.$/);
  });

  it('keeps the rule\'s own advice with no throttle', () => {
    const t = onlyThreat(portal('', ''), 'account-enumeration');
    assert.equal(t.likelihood.level, 'High');
    assert.equal(t.mitigation, 'Answer the same way whether the username or the password is wrong ("invalid username or password"), with the same timing, and rate-limit the endpoint.');
    const mailed = onlyThreat(portal('', '').replace('/login:', '/reset: { public: true }\n      /login:'), 'account-enumeration');
    assert.equal(mailed.mitigation, accountEnumeration.mitigation);
    assert.match(mailed.mitigation, /^Answer the same way whether or not the account exists .*, and rate-limit the endpoint\.$/);
  });
});

describe('session-hijacking: the advice names only the missing half', () => {
  it('leaves the cookie flags out when secure-cookies is declared', () => {
    const t = onlyThreat(portal('', 'secure-cookies'), 'session-hijacking');
    assert.equal(t.mitigation, 'Rotate the session id at login; expire and revoke sessions server-side.');
  });

  it('leaves rotation and expiry out when session-management is declared', () => {
    assert.equal(onlyThreat(portal('', 'session-management'), 'session-hijacking').mitigation, 'Set cookies HttpOnly, Secure and SameSite.');
  });

  it('gives the rule\'s whole advice when neither is declared', () => {
    const t = onlyThreat(portal('', ''), 'session-hijacking');
    assert.equal(t.mitigation, sessionHijacking.mitigation);
    assert.equal(t.mitigation, 'Set cookies HttpOnly, Secure and SameSite; rotate the session id at login; expire and revoke sessions server-side.');
  });
});

describe('adviceLeaving', () => {
  it('drops the steps of present controls, keeps plain steps and capitalizes what is left', () => {
    const steps = ['keep this', { control: 'a', text: 'add a' }, { control: 'b', text: 'add b' }];
    assert.equal(adviceLeaving(steps, ['a']), 'Keep this; add b.');
    assert.equal(adviceLeaving(steps, []), 'Keep this; add a; add b.');
    assert.equal(adviceLeaving(steps.slice(1), ['a'], ', '), 'Add b.');
  });
});
