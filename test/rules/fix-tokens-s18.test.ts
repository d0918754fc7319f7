// Session 18 fix wave (fix-tokens-s18), from the review of this session's change: a literal JWT key on a
// dedicated sign-in service is the issuer's (forgeable-tokens opens the services taking JWTs); a framework's own
// session key (`session-signing-key`) forges only its holder's sessions and is never counted as a JWT key; the
// setting names that sign no user's identity are plain hard-coded secrets; and every literal a service sets ends up
// cited somewhere (a fact or the hard-coded secrets), so that some rule reports it.
// Each behaviour has a positive and a negative case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { draftToYaml } from '../../src/import/draft.js';
import { isSessionSigningSetting, isTokenSigningSetting } from '../../src/import/secret-values.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { elementOf } from '../import/draft-helpers.js';
import { threatsIn } from './harness.js';

const keysOf = (body: string, ...rules: string[]) => threatsIn(body, ...rules).map((t) => t.key).sort();
const JWT_KEY = 'token-signing-key:docker-compose.yml:11';
const SESSION_KEY = 'session-signing-key:settings.py:12';

/** The reviewer's t6: a sign-in service holding the JWT key, logged into by password; api takes the JWTs. */
const signIn = (authTags: string, apiAuth = 'jwt') =>
  'boundaries:\n  outside: { trust: untrusted }\n  app: { trust: internal }\n' +
  'elements:\n  clients: { tech: browser, in: outside }\n  web: { type: service, in: app }\n' +
  `  auth: { type: service, in: app, tags: [${authTags}] }\n  api: { type: service, in: app }\n` +
  'flows:\n  - clients -> web: { protocol: https, port: 443 }\n  - web -> auth: { protocol: http, port: 8080, auth: password }\n' +
  `  - web -> api: { protocol: http, port: 8080, auth: ${apiAuth} }\n`;

describe('forgeable-tokens: a sign-in service that only issues the JWTs', () => {
  it('with another JWT key in the model, opens the JWT takers that hold no key of their own, not the other holder', () => {
    const body = signIn(JWT_KEY).replace('api: { type: service, in: app }', "api: { type: service, in: app, tags: ['token-signing-key:docker-compose.yml:40'] }\n  shop: { type: service, in: app }") +
      '  - web -> shop: { protocol: http, port: 8080, auth: jwt }\n';
    const found = threatsIn(body, 'forgeable-tokens');
    assert.deepEqual(found.map((t) => t.key), ['forgeable-tokens@api', 'forgeable-tokens@auth']);
    assert.match(found[1].description, /and shop accepts it/);
    assert.match(found[0].description, /and api accepts it/);
  });

  it('reports its literal key, opening the services that take the JWTs, and leaves their validation to it', () => {
    const [t, ...more] = threatsIn(signIn(JWT_KEY), 'forgeable-tokens');
    assert.equal(more.length, 0);
    assert.equal(t.key, 'forgeable-tokens@auth');
    assert.equal(t.title, 'JWT signing key of auth is a literal in docker-compose.yml:11: anyone can mint tokens');
    assert.match(t.description, /mints a token for any user or admin, and api accepts it/);
    assert.deepEqual(t.evidence.map((e) => e.fact).slice(0, 2), ['auth signs its JWTs with a literal key in docker-compose.yml:11', 'api accepts jwt']);
    assert.deepEqual(keysOf(signIn(JWT_KEY), 'missing-token-validation'), []);
  });

  it('reports nothing when nothing in the model takes JWTs: secrets-in-config reads the literal instead', () => {
    const body = signIn(JWT_KEY, 'api-key');
    assert.deepEqual(keysOf(body, 'forgeable-tokens'), []);
    const [t] = threatsIn(body, 'secrets-in-config');
    assert.equal(t.likelihood.level, 'High');
    assert.match(t.likelihood.reason, /docker-compose\.yml:11/);
  });
});

/** A Django web app (session cookies) beside an API taking JWTs signed by identity. */
const withSession = (webAuth: string, identityTags = '') =>
  'elements:\n  visitor: { tech: browser }\n' +
  `  web: { type: web-app, tech: django, auth: ${webAuth}, tags: [${SESSION_KEY}] }\n` +
  `  identity: { type: api, auth: jwt, tags: [${identityTags}] }\n  api: { type: api, auth: jwt }\n  db: { tech: postgres }\n` +
  'flows:\n  - visitor -> web: https\n  - visitor -> identity: { protocol: https, auth: jwt }\n  - visitor -> api: { protocol: https, auth: jwt }\n' +
  '  - web -> db: { protocol: postgres, auth: password }\n';

describe('forgeable-tokens: a framework session key', () => {
  it('forges only its holder\'s session cookies, titled as a session key', () => {
    const [t, ...more] = threatsIn(withSession('session-cookie'), 'forgeable-tokens');
    assert.equal(more.length, 0);
    assert.equal(t.key, 'forgeable-tokens@web');
    assert.equal(t.title, 'Session signing key of web is a literal in settings.py:12: anyone can mint tokens');
    assert.ok(!t.evidence.some((e) => / accepts jwt$/.test(e.fact)), JSON.stringify(t.evidence));
    // Nothing the JWT takers accept is signed with it: their validation findings stay.
    assert.deepEqual(keysOf(withSession('session-cookie'), 'missing-token-validation'), ['missing-token-validation@api', 'missing-token-validation@identity']);
  });

  it('on a holder taking only JWTs, forges nothing: secrets-in-config rates the literal High instead', () => {
    const body = withSession('jwt');
    assert.deepEqual(keysOf(body, 'forgeable-tokens'), []);
    const [t] = threatsIn(body, 'secrets-in-config');
    assert.equal(t.likelihood.level, 'High');
    assert.match(t.likelihood.reason, /settings\.py:12/);
  });

  it('a reported session key is not read again by secrets-in-config (Low)', () => {
    const [t] = threatsIn(withSession('session-cookie'), 'secrets-in-config');
    assert.equal(t.likelihood.level, 'Low');
  });

  it('is no JWT key: the one JWT key of the model still opens every JWT taker (crAPI\'s identity)', () => {
    const body = withSession('jwt', JWT_KEY);
    const [t] = threatsIn(body, 'forgeable-tokens');
    assert.equal(t.key, 'forgeable-tokens@identity');
    assert.match(t.description, /and identity, web, api accept it/);
    assert.deepEqual(keysOf(body, 'missing-token-validation'), []);
  });

  it('a second JWT key does count: then each opens its holder only', () => {
    const body = withSession('jwt', JWT_KEY).replace('api: { type: api, auth: jwt }', "api: { type: api, auth: jwt, tags: ['token-signing-key:docker-compose.yml:40'] }");
    const found = threatsIn(body, 'forgeable-tokens');
    assert.deepEqual(found.map((t) => t.key), ['forgeable-tokens@api', 'forgeable-tokens@identity']);
    assert.match(found[1].description, /and identity accepts it/);
  });
});

describe('which settings sign what (the reviewer\'s table)', () => {
  it('JWT keys are token-signing, framework session keys session-signing', () => {
    for (const key of ['JWT_SECRET', 'JWT_PRIVATE_KEY', 'JWT_KEY', 'JWT_SECRET_KEY', 'REFRESH_TOKEN_SECRET', 'TOKEN_KEY', 'SIGNING_KEY']) assert.ok(isTokenSigningSetting(key), key);
    for (const key of ['SECRET_KEY', 'DJANGO_SECRET_KEY', 'SECRET_KEY_BASE', 'NEXTAUTH_SECRET', 'AUTH_SECRET', 'SESSION_SECRET', 'COOKIE_SECRET']) {
      assert.ok(isSessionSigningSetting(key) && !isTokenSigningSetting(key), key);
    }
  });

  it('another service\'s signing secret, a URL\'s, a CSRF token\'s or an encryption key signs no user\'s identity', () => {
    for (const key of ['SLACK_SIGNING_SECRET', 'CLOUDFRONT_SIGNING_KEY', 'S3_SIGNING_KEY', 'URL_SIGNING_KEY', 'CSRF_TOKEN_SECRET', 'TOKEN_ENCRYPTION_KEY', 'GITHUB_TOKEN_SECRET', 'STRIPE_WEBHOOK_SIGNING_SECRET', 'JWT_PUBLIC_KEY', 'JWT_SIGNING_KEY_ID', 'API_TOKEN']) {
      assert.ok(!isTokenSigningSetting(key) && !isSessionSigningSetting(key), key);
    }
  });
});

function compose(text: string) {
  const r = discoverCompose(text, 'docker-compose.yml', {});
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}
const service = (env: string) => `services:\n  bot:\n    image: example/bot\n    environment:\n${env}`;

describe('discoverCompose: every literal is cited somewhere', () => {
  it('a Slack or CloudFront signing secret is a hard-coded secret with the general check (the reviewer\'s t10)', () => {
    const r = compose(service('      SLACK_SIGNING_SECRET: "8f14e45fceea167a5a36dedd4bea2543"\n      CLOUDFRONT_SIGNING_KEY: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"\n'));
    const bot = elementOf(r.draft, 'bot');
    assert.equal(bot.facts, undefined);
    assert.deepEqual(bot.hardCodedSecrets?.map((p) => p.line), [5, 6]);
    assert.ok(r.checks.every((c) => !/signs its tokens/.test(c.message)), JSON.stringify(r.checks));
  });

  it('a second JWT key goes to the hard-coded secrets (the first is the fact); a session key gets its own fact', () => {
    const r = compose(service('      JWT_SECRET: "first-jwt-key-literal"\n      JWT_REFRESH_SECRET: "second-jwt-key-literal"\n      SECRET_KEY: "django-session-key-literal"\n'));
    const bot = elementOf(r.draft, 'bot');
    assert.deepEqual(bot.facts?.map((f) => `${f.tag} ${f.provenance.line}`), ['token-signing-key 5', 'session-signing-key 7']);
    assert.deepEqual(bot.hardCodedSecrets?.map((p) => p.line), [6]);
    assert.match(draftToYaml(r.draft), /tags: \[ hard-coded-secret:docker-compose\.yml:6, token-signing-key:docker-compose\.yml:5, session-signing-key:docker-compose\.yml:7 \]/);
    assert.match(r.checks.find((c) => c.line === 7)?.message ?? '', /sets SECRET_KEY, the key that signs its session cookies, to a literal of 26 characters: anyone who reads it forges a session cookie/);
    assert.match(r.checks.find((c) => c.line === 6)?.message ?? '', /the key that signs its tokens/);
  });
});

describe('forgeable-tokens: JWT routes declared on a reverse proxy are the application\'s behind it', () => {
  const behindProxy = (route: string) =>
    'elements:\n  browser: { tech: browser }\n  proxy:\n    type: reverse-proxy\n    endpoints:\n' +
    `      ${route}\n  backend: { type: api, tags: [${JWT_KEY}] }\n` +
    'flows:\n  - browser -> proxy: https\n  - proxy -> backend: https\n';

  it('reports the key of a backend whose JWT routes only the proxy declares', () => {
    assert.deepEqual(keysOf(behindProxy('DELETE /videos/{id}: { auth: jwt }'), 'forgeable-tokens'), ['forgeable-tokens@backend']);
  });

  it('reports nothing when the routes on the proxy take no tokens', () => {
    assert.deepEqual(keysOf(behindProxy('GET /videos: { public: true }'), 'forgeable-tokens'), []);
  });
});
