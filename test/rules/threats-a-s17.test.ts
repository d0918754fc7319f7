// False positives and misnamed threats from a senior AppSec review of real systems (session 17): passwords taken
// as server-owned values, IDOR on an admin list, `/auth/` making every route a login, IAM-signed cloud stores
// called internet-exposed, injection rated on reachability alone, and findings on software run as shipped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferEndpointKind } from '../../src/model/normalize.js';
import { keyChanges } from '../../src/track/key-migrations.js';
import { analyzeText, MODEL_HEAD as HEAD } from './harness.js';

const keysOf = (text: string, ...rules: string[]) =>
  analyzeText(text).threats.filter((t) => rules.includes(t.ruleId)).map((t) => t.key).sort();
const one = (text: string, rule: string) => {
  const found = analyzeText(text).threats.filter((t) => t.ruleId === rule);
  assert.equal(found.length, 1, `${rule}: ${found.map((t) => t.key).join(', ')}`);
  return found[0];
};

/** The review's repro (min/r1.yaml): a login, an OTP check, an authenticated password change and an admin list. */
const R1 = `${HEAD}assets:
  creds: { name: Passwords, type: credentials, classification: restricted }
  pii:   { name: Profiles, type: pii, classification: confidential }
elements:
  browser: { tech: browser }
  api:
    type: api
    auth: jwt
    endpoints:
      POST /auth/login: { public: true, accepts: [creds] }
      POST /auth/v2/check-otp: { public: true, accepts: [creds] }
      POST /user/reset-password: { accepts: [creds] }
      GET /management/users/all: { returns: [pii] }
flows:
  - browser -> api: https
`;

describe('endpoint kinds: /auth/ alone is no login, one-time codes are no password (finding 6)', () => {
  it('keeps /auth as the route\'s own word a login, and the login words under it', () => {
    for (const route of ['/auth', '/api/auth', '/auth/{id}', '/auth/login', '/identity/api/auth/login', '/oauth/token']) {
      assert.equal(inferEndpointKind(route), 'login', route);
    }
  });

  it('makes other calls under /auth/ plain calls, and one-time-code checks `otp` (otp-s17)', () => {
    for (const route of ['/auth/me', '/identity/api/auth/v4.0/user/login-with-token']) {
      assert.equal(inferEndpointKind(route), 'api', route);
    }
    for (const route of ['/identity/api/auth/v2/check-otp', '/auth/v3/check-otp', '/login/otp', '/mfa/verify']) {
      assert.equal(inferEndpointKind(route), 'otp', route);
    }
    // The other words under /auth/ still say what they do.
    assert.equal(inferEndpointKind('/identity/api/auth/forget-password'), 'password-reset');
    assert.equal(inferEndpointKind('/auth/signup'), 'register');
  });

  it('reports credential stuffing on the login only, not on the OTP check', () => {
    assert.deepEqual(keysOf(R1, 'credential-stuffing'), ['credential-stuffing@api:POST /auth/login']);
  });

  it('reports enumeration on the login, not on the OTP check nor the signed-in password change', () => {
    assert.deepEqual(keysOf(R1, 'account-enumeration'), ['account-enumeration@api']);
  });

  it('still reports enumeration on a public password reset of an element whose other calls need a token', () => {
    const forgot = `${HEAD}elements:\n  browser: { tech: browser }\n  api:\n    type: api\n    auth: jwt\n    endpoints:\n      POST /password/forgot: { public: true }\nflows:\n  - browser -> api: https\n`;
    assert.deepEqual(keysOf(forgot, 'account-enumeration'), ['account-enumeration@api']);
  });
});

describe('client-controlled-value leaves out what clients prove themselves with (finding 1)', () => {
  it('reports no manipulation of passwords on login, OTP or password endpoints', () => {
    assert.deepEqual(keysOf(R1, 'client-controlled-value'), []);
  });

  it('still reports a price, and names only the price when credentials come with it', () => {
    const cart = `${HEAD}assets:\n  prices: { name: Prices, type: pricing, integrity: high }\n  creds: { name: Passwords, type: credentials, classification: restricted }\nelements:\n  browser: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      POST /cart: { auth: jwt, accepts: [prices, creds] }\nflows:\n  - browser -> api: https\n`;
    const t = one(cart, 'client-controlled-value');
    assert.equal(t.title, 'Manipulation of Prices in POST /cart requests');
    assert.equal(t.impact.level, 'Medium');
  });

  it('reports no anonymous data change on a public OTP check that takes only credentials', () => {
    assert.deepEqual(keysOf(R1, 'unauthenticated-object-change'), []);
  });
});

describe('broken-object-level-authorization leaves admin routes to the function-level findings (finding 5)', () => {
  it('reports the admin list once, as missing-authorization (function-level), not as IDOR', () => {
    assert.deepEqual(keysOf(R1, 'broken-object-level-authorization', 'exposed-admin-interface', 'missing-authorization'), ['missing-authorization@api']);
  });

  it('still reports a user route that returns per-user data', () => {
    const users = R1.replace('GET /management/users/all', 'GET /users/all');
    assert.deepEqual(keysOf(users, 'broken-object-level-authorization'), ['broken-object-level-authorization@api:GET /users/all']);
  });
});

describe('exposed-data-store on managed cloud stores reached through their API (finding 2)', () => {
  const store = (tech: string, auth: string, more = '') =>
    `${HEAD}boundaries:\n  outside: { trust: untrusted }\n  aws: { trust: internal, kind: cloud }\nelements:\n  ops: { type: developer, in: outside }\n  store: { tech: ${tech}, in: aws${more} }\nflows:\n  - ops -> store: { protocol: https, auth: ${auth} }\n`;

  it('reports nothing on S3, DynamoDB, GCS or Blob called with IAM (the review\'s r2)', () => {
    for (const tech of ['s3', 'dynamodb', 'gcs', 'azure-blob']) assert.deepEqual(keysOf(store(tech, 'iam'), 'exposed-data-store'), [], tech);
  });

  it('still reports a bucket public by policy, one called anonymously, and a SQL database with IAM login', () => {
    assert.deepEqual(keysOf(store('s3', 'iam', ', exposed: true'), 'exposed-data-store'), ['exposed-data-store@store']);
    assert.deepEqual(keysOf(store('s3', 'none'), 'exposed-data-store'), ['exposed-data-store@store']);
    assert.deepEqual(keysOf(store('aurora', 'iam'), 'exposed-data-store'), ['exposed-data-store@store']);
  });
});

describe('injection rated from the data named and the input taken (finding 8)', () => {
  const app = (endpoints: string, stores = '') =>
    `${HEAD}assets:\n  pii: { name: Profiles, type: pii, classification: confidential }\nelements:\n  browser: { tech: browser }\n  api:\n    type: api\n${endpoints}  db: { tech: postgres${stores} }\nflows:\n  - browser -> api: https\n  - api -> db: postgres+tls\n`;

  it('rates impact Medium, saying so, when the database names no data', () => {
    const t = one(app('    endpoints:\n      POST /orders: { auth: jwt }\n'), 'sql-injection');
    assert.deepEqual(t.impact, { level: 'Medium', reason: 'db, with no data named: partial data exposure' });
    assert.equal(t.likelihood.level, 'High');
    assert.equal(t.risk, 'High');
  });

  it('rates impact from the data the database holds when named', () => {
    const t = one(app('    endpoints:\n      POST /orders: { auth: jwt }\n', ', stores: [pii]'), 'sql-injection');
    assert.equal(t.impact.level, 'High');
    assert.equal(t.risk, 'Critical');
  });

  it('rates likelihood Medium when every endpoint only reads and takes no input', () => {
    const t = one(app('    endpoints:\n      GET /results: { public: true }\n', ', stores: [pii]'), 'sql-injection');
    assert.deepEqual(t.likelihood, { level: 'Medium', reason: 'its endpoints only read, with no parameters or accepted input: queries are less likely built from input' });
  });

  it('keeps likelihood High when an endpoint takes a path parameter, a body or a search', () => {
    for (const ep of ['GET /results/{id}: { public: true }', 'POST /votes: { public: true }', 'GET /search: { public: true }']) {
      const t = one(app(`    endpoints:\n      GET /results: { public: true }\n      ${ep}\n`, ', stores: [pii]'), 'sql-injection');
      assert.equal(t.likelihood.level, 'High', ep);
    }
  });

  it('words NoSQL injection the same way', () => {
    const mongo = app('').replace('tech: postgres', 'tech: mongodb').replace('postgres+tls', 'mongodb+tls');
    assert.deepEqual(one(mongo, 'nosql-injection').impact, { level: 'Medium', reason: 'db, with no data named: partial data exposure' });
  });
});

describe('software run as shipped: no verbose-errors or missing-waf (finding 13)', () => {
  const mail = (tech: string) =>
    `${HEAD}assets:\n  mails: { name: Outgoing mail, type: pii, classification: confidential }\nelements:\n  browser: { tech: browser }\n  mail: { tech: ${tech}, handles: [mails] }\nflows:\n  - browser -> mail: http\n`;

  it('leaves a mail catcher to exposed-mail-catcher', () => {
    const keys = keysOf(mail('mailhog'), 'verbose-errors', 'missing-waf', 'exposed-mail-catcher');
    assert.deepEqual(keys, ['exposed-mail-catcher@mail']);
  });

  it('still reports our own web app', () => {
    assert.deepEqual(keysOf(mail('flask'), 'verbose-errors', 'missing-waf'), ['missing-waf@mail', 'verbose-errors@mail']);
  });
});

describe('triage entries about the threats retired here are retired, not stale', () => {
  const r = analyzeText(R1.replace('  browser: { tech: browser }\n', '  browser: { tech: browser }\n  mail: { tech: mailhog, handles: [pii] }\n  bucket: { tech: s3 }\n').replace('flows:\n', 'flows:\n  - browser -> mail: http\n  - browser -> bucket: { protocol: https, auth: iam }\n'));
  const OLD = [
    'client-controlled-value@api:POST /auth/login',
    'client-controlled-value@api:POST /user/reset-password',
    'unauthenticated-object-change@api:POST /auth/v2/check-otp',
    'broken-object-level-authorization@api:GET /management/users/all',
    'credential-stuffing@api:POST /auth/v2/check-otp',
    'account-enumeration@api:POST /auth/v2/check-otp',
    'account-enumeration@api:POST /user/reset-password',
    'exposed-data-store@bucket',
    'verbose-errors@mail',
    'missing-waf@mail',
  ];

  it('retires each old key with its rule\'s reason', () => {
    const changes = keyChanges(r, OLD);
    assert.deepEqual(OLD.filter((k) => changes.get(k)?.kind !== 'retired'), []);
    assert.match(changes.get('exposed-data-store@bucket')!.migration.note, /provider's API with IAM/);
    assert.match(changes.get('account-enumeration@api:POST /user/reset-password')!.migration.note, /needs the user signed in/);
  });

  it('leaves keys of threats still reported, and cases the changes do not cover, alone', () => {
    const still = ['credential-stuffing@api:POST /auth/login', 'account-enumeration@api', 'missing-authorization@api'];
    for (const k of still) assert.ok(r.threats.some((t) => t.key === k), k);
    const changes = keyChanges(r, [...still, 'verbose-errors@api', 'broken-object-level-authorization@api:POST /auth/login']);
    assert.deepEqual([...changes.keys()], []);
  });
});
