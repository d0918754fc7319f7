// Session 18 (authn-s18), from a senior review of crAPI (findings 3 and 6): a token signing key written as a
// literal in the repository is one Critical finding (forgeable-tokens), which missing-token-validation and
// secrets-in-config do not repeat; and a password reset completed by a guessable one-time code is one account
// takeover on the element (otp-brute-force@element), into which the per-endpoint findings fold.
// Each behaviour has a positive and a negative case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { keyChanges } from '../../src/track/key-migrations.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeText, MODEL_HEAD, runOnly, threatsIn } from './harness.js';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';

const keysOf = (body: string, ...rules: string[]) => threatsIn(body, ...rules).map((t) => t.key).sort();

/** crAPI's shape: identity signs the JWTs, community and workshop accept them; all behind a public web front. */
const crapi = (identityTags: string, identityExtra = '') =>
  'boundaries:\n  outside: { trust: untrusted }\n  app: { trust: internal }\n' +
  'elements:\n  visitor: { tech: browser, in: outside }\n' +
  `  identity: { type: api, in: app, auth: jwt, tags: [${identityTags}]${identityExtra} }\n` +
  '  community: { type: api, in: app, auth: jwt }\n  workshop: { type: api, in: app, auth: jwt }\n' +
  'flows:\n  - visitor -> identity: { protocol: https, auth: jwt }\n  - visitor -> community: { protocol: https, auth: jwt }\n' +
  '  - visitor -> workshop: { protocol: https, auth: jwt }\n  - community -> identity: https\n';
const SIGNING = 'token-signing-key:docker-compose.yml:31';

describe('forgeable-tokens', () => {
  it('reports the literal JWT signing key once, Critical, citing file:line and every service the tokens open', () => {
    const [t, ...more] = threatsIn(crapi(SIGNING), 'forgeable-tokens');
    assert.equal(more.length, 0);
    assert.equal(t.key, 'forgeable-tokens@identity');
    assert.equal(t.stride, 'S');
    assert.equal(t.risk, 'Critical');
    assert.equal(t.title, 'JWT signing key of identity is a literal in docker-compose.yml:31: anyone can mint tokens');
    assert.match(t.description, /mints a token for any user or admin, and identity, community, workshop accept it/);
    assert.match(t.impact.reason, /admins included, on identity, community, workshop/);
    assert.deepEqual(t.evidence.map((e) => e.fact).slice(0, 3), [
      'identity signs its JWTs with a literal key in docker-compose.yml:31', 'community accepts jwt', 'workshop accepts jwt',
    ]);
    assert.match(t.mitigation, /random 256-bit key per deployment, load it from a secret store .* rotate it/);
  });

  it('reports nothing without the tag, and nothing when the key comes from a secret store (mitigated)', () => {
    assert.deepEqual(keysOf(crapi('internal'), 'forgeable-tokens'), []);
    const stored = crapi(SIGNING, ', controls: [secrets-management]');
    assert.deepEqual(keysOf(stored, 'forgeable-tokens'), []);
    const run = runOnly(MODEL_HEAD + stored, BUILTIN_RULES.filter((r) => r.id === 'forgeable-tokens'));
    assert.ok(run.mitigations.some((m) => m.component === 'identity' && m.controls.includes('secrets-management')));
  });

  it('rates likelihood Medium when no service the tokens open is reachable from an untrusted zone', () => {
    const body = `elements:\n  identity: { type: api, auth: jwt, tags: [${SIGNING}] }\n  worker: { type: worker }\nflows:\n  - worker -> identity: { protocol: https, auth: jwt }\n`;
    const [t] = threatsIn(body, 'forgeable-tokens');
    assert.equal(t.likelihood.level, 'Medium');
    assert.equal(t.risk, 'High');
  });

  it('a signed session cookie opens only its own application, not the services taking JWTs', () => {
    const body = 'elements:\n  visitor: { tech: browser }\n' +
      `  web: { type: web-app, tech: flask, auth: session-cookie, tags: ['${SIGNING}'] }\n  api: { type: api, auth: jwt }\n` +
      'flows:\n  - visitor -> web: https\n  - visitor -> api: { protocol: https, auth: jwt }\n';
    const [t] = threatsIn(body, 'forgeable-tokens');
    assert.equal(t.title, 'Session cookie signing key of web is a literal in docker-compose.yml:31: anyone can mint tokens');
    assert.ok(!t.evidence.some((e) => e.fact.startsWith('api ')), JSON.stringify(t.evidence));
    // api's own tokens are not forgeable with web's key: its validation finding stays.
    assert.deepEqual(keysOf(body, 'missing-token-validation'), ['missing-token-validation@api']);
  });

  it('with two JWT keys, each opens only its holder: the model does not say which issuer a service trusts', () => {
    const body = crapi(SIGNING).replace('workshop: { type: api, in: app, auth: jwt }', "workshop: { type: api, in: app, auth: jwt, tags: ['token-signing-key:docker-compose.yml:128'] }");
    const found = threatsIn(body, 'forgeable-tokens');
    assert.deepEqual(found.map((t) => t.key), ['forgeable-tokens@identity', 'forgeable-tokens@workshop']);
    assert.match(found[0].description, /and identity accepts it/);
    // community's issuer is unknown: its validation finding stays.
    assert.deepEqual(keysOf(body, 'missing-token-validation'), ['missing-token-validation@community']);
  });

  it('does not fire for callers using a kind of auth the key does not sign (an API key)', () => {
    const body = `elements:\n  client: { type: third-party }\n  api: { type: api, auth: api-key, tags: [${SIGNING}] }\nflows:\n  - client -> api: { protocol: https, auth: api-key }\n`;
    assert.deepEqual(keysOf(body, 'forgeable-tokens'), []);
  });
});

describe('missing-token-validation leaves a forgeable key to forgeable-tokens', () => {
  it('reports no validation finding on the holder or the services accepting its tokens while the key is a literal', () => {
    assert.deepEqual(keysOf(crapi(SIGNING), 'missing-token-validation'), []);
  });

  it('reports them all again once the key is out of the files (no tag, or a secret store)', () => {
    const all = ['missing-token-validation@community', 'missing-token-validation@identity', 'missing-token-validation@workshop'];
    assert.deepEqual(keysOf(crapi('internal'), 'missing-token-validation'), all);
    assert.deepEqual(keysOf(crapi(SIGNING, ', controls: [secrets-management]'), 'missing-token-validation'), all);
  });

  it('reports them when forgeable-tokens is disabled: nothing else would', () => {
    const body = crapi(SIGNING) + 'rules:\n  disable: [forgeable-tokens]\n';
    assert.equal(keysOf(body, 'missing-token-validation').length, 3);
  });

  it('retires triage decisions on the deferred keys, with the reason, and not while they are reported', () => {
    const result = analyzeText(MODEL_HEAD + crapi(SIGNING));
    const change = keyChanges(result, ['missing-token-validation@community']).get('missing-token-validation@community');
    assert.equal(change?.kind, 'retired');
    assert.match(change?.kind === 'retired' ? change.migration.note : '', /forgeable-tokens is the one finding/);
    const untagged = analyzeText(MODEL_HEAD + crapi('internal'));
    assert.equal(keyChanges(untagged, ['missing-token-validation@community']).size, 0);
  });
});

describe('secrets-in-config does not report the signing key again', () => {
  const model = (tags: string) => 'elements:\n  visitor: { tech: browser }\n' +
    `  api: { type: api, auth: jwt, tags: [${tags}] }\n  db: { tech: postgres }\n` +
    'flows:\n  - visitor -> api: { protocol: https, auth: jwt }\n  - api -> db: { protocol: postgres, auth: password }\n';

  it('rates Low when the only literal it is told of is the signing key itself', () => {
    const [t] = threatsIn(model(`hard-coded-secret:docker-compose.yml:31, ${SIGNING}`), 'secrets-in-config');
    assert.equal(t.likelihood.level, 'Low');
    assert.ok(!t.evidence.some((e) => /literal/.test(e.fact)), JSON.stringify(t.evidence));
  });

  it('rates High for another literal beside it, citing that one', () => {
    const [t] = threatsIn(model(`hard-coded-secret:docker-compose.yml:26, ${SIGNING}`), 'secrets-in-config');
    assert.equal(t.likelihood.level, 'High');
    assert.match(t.likelihood.reason, /docker-compose\.yml:26/);
  });
});

/** crAPI's identity API: forget-password sends a one-time code, check-otp (v2 and v3) checks it and sets the password. */
const resetApi = (endpoints: string, extra = '') =>
  'assets:\n  pii: { type: pii, classification: restricted }\n' +
  `elements:\n  visitor: { tech: browser }\n  identity:\n    type: api\n    handles: [pii]${extra}\n    endpoints:\n${endpoints}` +
  '      GET /api/v2/user/dashboard: { auth: jwt, returns: [pii] }\nflows:\n  - visitor -> identity: https\n';
const FORGET = '      POST /identity/api/auth/forget-password: { public: true }\n';
const V2 = '      POST /identity/api/auth/v2/check-otp: { public: true }\n';
const V3 = '      POST /identity/api/auth/v3/check-otp: { public: true }\n';
const RESET_RULES = ['otp-brute-force', 'insecure-password-reset', 'no-rate-limiting', 'credential-stuffing'];

describe('otp-brute-force: a password reset completed by a guessable code is one account takeover', () => {
  it('reports one Critical threat on the element citing the reset and every code check, and nothing per endpoint', () => {
    const found = threatsIn(resetApi(FORGET + V2 + V3), ...RESET_RULES).filter((t) => !t.key.includes('forget-password') || t.ruleId !== 'no-rate-limiting');
    assert.deepEqual(found.map((t) => t.key), ['otp-brute-force@identity']);
    const [t] = found;
    assert.equal(t.endpoint, undefined);
    assert.equal(t.risk, 'Critical');
    assert.equal(t.title, 'Account takeover: one-time code brute force completes the password reset on identity');
    assert.deepEqual(t.evidence.slice(0, 3).map((e) => e.fact), [
      'POST /identity/api/auth/forget-password starts a password reset for callers who are not signed in',
      'POST /identity/api/auth/v2/check-otp checks one-time codes',
      'POST /identity/api/auth/v3/check-otp checks one-time codes',
    ]);
    assert.match(t.description, /resets the password of any account whose email it knows/);
    assert.match(t.mitigation, /invalidate a code after 3 failures, .*6 or more digits; retire POST \/identity\/api\/auth\/v2\/check-otp, which newer versions replace/);
    // The model does not say how long the code is: the text must not either.
    assert.ok(![t.title, t.description, t.mitigation].some((s) => /\d-digit/.test(s)));
  });

  it('says nothing of retiring a route when there is one version of the check', () => {
    const [t] = threatsIn(resetApi(FORGET + V3), 'otp-brute-force');
    assert.equal(t.key, 'otp-brute-force@identity');
    assert.doesNotMatch(t.mitigation ?? '', /retire/);
  });

  it('leaves a code check alone per endpoint when the element starts no reset', () => {
    assert.deepEqual(keysOf(resetApi(V2), 'otp-brute-force', 'insecure-password-reset'), ['otp-brute-force@identity:POST /identity/api/auth/v2/check-otp']);
  });

  it('leaves a reset alone per endpoint when the element checks no code', () => {
    assert.deepEqual(keysOf(resetApi(FORGET), 'otp-brute-force', 'insecure-password-reset'), ['insecure-password-reset@identity:POST /identity/api/auth/forget-password']);
  });

  it('does not fold a sign-in second factor into the reset', () => {
    const mfa = '      POST /login/mfa/verify-otp: { public: true }\n';
    assert.deepEqual(keysOf(resetApi(FORGET + mfa), 'otp-brute-force', 'insecure-password-reset'), [
      'insecure-password-reset@identity:POST /identity/api/auth/forget-password', 'otp-brute-force@identity:POST /login/mfa/verify-otp',
    ]);
  });

  it('with the guesses capped, the code is no way in: the reset keeps its own finding', () => {
    const capped = resetApi(FORGET + V2.replace('{ public: true }', '{ public: true, controls: [account-lockout] }'));
    assert.deepEqual(keysOf(capped, 'otp-brute-force', 'insecure-password-reset'), ['insecure-password-reset@identity:POST /identity/api/auth/forget-password']);
  });

  it('a signed-in password change is no reset flow', () => {
    const signedIn = '      POST /identity/api/v2/user/reset-password: { auth: jwt }\n';
    assert.deepEqual(keysOf(resetApi(signedIn + V2), 'otp-brute-force', 'insecure-password-reset'), ['otp-brute-force@identity:POST /identity/api/auth/v2/check-otp']);
  });

  it('no-rate-limiting leaves the folded code checks to it', () => {
    assert.ok(!keysOf(resetApi(FORGET + V2 + V3), 'no-rate-limiting').some((k) => k.includes('check-otp')));
  });

  it('insecure-password-reset reports the reset when otp-brute-force is disabled', () => {
    const body = resetApi(FORGET + V2) + 'rules:\n  disable: [otp-brute-force]\n';
    assert.deepEqual(keysOf(body, 'insecure-password-reset'), ['insecure-password-reset@identity:POST /identity/api/auth/forget-password']);
  });
});

describe('triage decisions on the folded per-endpoint keys move to the reset flow\'s threat', () => {
  const TODAY = '2026-12-01';
  const applied = (model: string, triage: string): AnalysisResult => {
    const parsed = parseTriage(triage, 'm.triage.yaml');
    assert.ok(parsed.triage, JSON.stringify(parsed.diagnostics));
    return applyTriage(analyzeText(MODEL_HEAD + model), parsed.triage, { today: TODAY });
  };

  it('an otp-brute-force and an insecure-password-reset decision both point at the takeover, which needs a re-decision', () => {
    const r = applied(resetApi(FORGET + V2 + V3), 'threats:\n' +
      '  otp-brute-force@identity:POST /identity/api/auth/v2/check-otp: { status: accepted, reason: lab system }\n' +
      '  insecure-password-reset@identity:POST /identity/api/auth/forget-password: { status: mitigating, ticket: SEC-1 }\n');
    assert.deepEqual(r.triage!.stale, []);
    assert.deepEqual(r.triage!.migrated?.map((m) => [m.oldKey, m.key]), [
      ['otp-brute-force@identity:POST /identity/api/auth/v2/check-otp', 'otp-brute-force@identity'],
      ['insecure-password-reset@identity:POST /identity/api/auth/forget-password', 'otp-brute-force@identity'],
    ]);
    // The reset's decision was another rule's: carried over, it would close the code-guessing takeover unseen.
    assert.equal(r.threats.find((t) => t.key === 'otp-brute-force@identity')?.triage?.status, 'open');
    assert.ok(r.triage!.migrated?.every((m) => m.redecide !== undefined && m.supersededBy === undefined));
  });

  it('a key of an endpoint outside the flow is not moved (it stays stale)', () => {
    const r = applied(resetApi(FORGET + V2), 'threats:\n  otp-brute-force@identity:GET /api/v2/user/dashboard: { status: accepted, reason: x }\n');
    assert.equal(r.triage!.migrated, undefined);
    assert.equal(r.triage!.stale.length, 1);
  });
});
