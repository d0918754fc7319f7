// Keys session 22's rule changes stopped reporting (keys-s22): each moved or retired with its reason, so that a
// team's decision about it follows the threat or is retired, not reported as stale and lost. Each case has a
// model whose old key goes, and one where the threat is still reported, so nothing is claimed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { keyChanges } from '../../src/track/key-migrations.js';
import { migrateTriageText } from '../../src/track/migrate.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeText, MODEL_HEAD as HEAD } from '../rules/harness.js';

/** What the migrations make of a key in the model's result: `moved <new key>`, `retired <case>`, or undefined. */
function changeOf(r: AnalysisResult, key: string): string | undefined {
  const c = keyChanges(r, [key]).get(key);
  if (c === undefined) return undefined;
  return c.kind === 'moved' ? `moved ${c.newKey}` : `retired ${c.migration.when}`;
}
const noteOf = (r: AnalysisResult, key: string): string => {
  const c = keyChanges(r, [key]).get(key);
  assert.ok(c, `${key} is not migrated`);
  return c.migration.note;
};
const keysOf = (r: AnalysisResult, rule: string) => r.threats.filter((t) => t.ruleId === rule).map((t) => t.key);

/** The key is reported now, and no migration claims it. */
function stillReported(r: AnalysisResult, key: string): void {
  assert.ok(r.threats.some((t) => t.key === key), `${key} is not reported: ${r.threats.map((t) => t.key).join(', ')}`);
  assert.equal(changeOf(r, key), undefined);
}

const TODAY = '2026-12-01';
function applied(model: string, triage: string): AnalysisResult {
  const parsed = parseTriage(triage, 'm.triage.yaml');
  assert.ok(parsed.triage, JSON.stringify(parsed.diagnostics));
  return applyTriage(analyzeText(model), parsed.triage, { today: TODAY });
}

// --- 1. exposed-admin-interface: one finding per element ---------------------------------------------------

const ADMIN = `${HEAD}elements:
  visitor: { tech: browser }
  console:
    type: web-app
    endpoints:
      GET /admin/users: { auth: session-cookie, kind: admin }
      DELETE /admin/users/{id}: { auth: session-cookie, kind: admin }
flows:
  - visitor -> console: https
`;
const ROUTE_KEYS = ['exposed-admin-interface@console:GET /admin/users', 'exposed-admin-interface@console:DELETE /admin/users/{id}'];

describe('keys-s22: exposed-admin-interface per element', () => {
  it('moves each open admin route\'s key to the element\'s finding, which names it', () => {
    const r = analyzeText(ADMIN);
    assert.deepEqual(keysOf(r, 'exposed-admin-interface'), ['exposed-admin-interface@console']);
    for (const key of ROUTE_KEYS) assert.equal(changeOf(r, key), 'moved exposed-admin-interface@console');
    assert.match(noteOf(r, ROUTE_KEYS[0]), /one finding per element, naming each route/);
  });

  it('carries a decision written for both routes to the element\'s threat; --migrate renames one and removes the other', () => {
    const text = `threats:\n${ROUTE_KEYS.map((k) => `  ${k}: { status: accepted, reason: staff network only }\n`).join('')}`;
    const r = applied(ADMIN, text);
    assert.equal(r.threats.find((t) => t.key === 'exposed-admin-interface@console')?.triage?.status, 'accepted');
    assert.deepEqual(r.triage!.stale, []);
    assert.deepEqual(migrateTriageText(text, 'm.yaml', r).steps.map((s) => s.kind), ['renamed', 'removed']);
  });

  it('leaves one open route under its own key: nothing moves', () => {
    const one = ADMIN.replace('DELETE /admin/users/{id}: { auth: session-cookie, kind: admin }', 'DELETE /admin/users/{id}: { auth: session-cookie, kind: admin, controls: [ip-allowlist] }');
    const r = analyzeText(one);
    stillReported(r, ROUTE_KEYS[0]);
    assert.equal(changeOf(r, 'exposed-admin-interface@console'), undefined);
  });
});

// --- 2. software run as shipped: self-hosted identity providers ---------------------------------------------

const idp = (tech: string) => `${HEAD}elements:
  visitor: { tech: browser }
  admin: { type: admin }
  idp:
    ${tech}
    endpoints:
      GET /admin/master/console: { auth: session-cookie, kind: admin, controls: [ip-allowlist] }
      GET /account: { auth: session-cookie }
  db: { tech: postgres }
  mongo: { tech: mongodb }
  dir: { tech: ldap-directory }
flows:
  - visitor -> idp: https
  - admin -> idp: https
  - idp -> db: postgres
  - idp -> mongo: mongodb
  - idp -> dir: ldap
`;
const SHIPPED_KEYS = ['sql-injection@idp', 'nosql-injection@idp', 'ldap-injection@idp', 'missing-authorization@idp'];

describe('keys-s22: identity providers run as shipped (off-the-shelf)', () => {
  it('retires the injection and role-check findings of Keycloak, whose queries and checks are its vendor\'s', () => {
    const r = analyzeText(idp('tech: keycloak'));
    for (const key of SHIPPED_KEYS) assert.equal(changeOf(r, key), 'retired off-the-shelf', key);
    assert.match(noteOf(r, 'sql-injection@idp'), /identity provider.*vendor's code/);
    assert.match(noteOf(r, 'missing-authorization@idp'), /checks roles in its vendor's code/);
  });

  it('retires none of them on an application of ours, which still gets them', () => {
    const r = analyzeText(idp('type: web-app'));
    for (const key of SHIPPED_KEYS) stillReported(r, key);
  });
});

// --- 3. auth lent by a gateway in front that states its own -------------------------------------------------

const gated = (gatewayAuth: string) => `${HEAD}assets:
  orders: { classification: confidential, integrity: high }
elements:
  client: { tech: browser }
  gw: { tech: kong${gatewayAuth} }
  api:
    type: api
    endpoints:
      GET /orders: { returns: [orders] }
      PUT /orders/{id}: { accepts: [orders] }
flows:
  - client -> gw: https
  - gw -> api: http
`;
const GATED_KEYS = ['unauthenticated-sensitive-endpoint@api:GET /orders', 'unauthenticated-object-change@api:PUT /orders/{id}', 'no-rate-limiting@api:GET /orders'];

describe('keys-s22: endpoints that take the auth a gateway in front asks for', () => {
  it('retires the findings that judged them public', () => {
    const r = analyzeText(gated(', auth: jwt'));
    for (const key of GATED_KEYS) assert.equal(changeOf(r, key), 'retired gate-auth', key);
    assert.match(noteOf(r, GATED_KEYS[0]), /gateway or other edge that states its own `auth`/);
  });

  it('retires nothing behind a gateway that states no auth: the endpoints are still public', () => {
    const r = analyzeText(gated(''));
    for (const key of GATED_KEYS) stillReported(r, key);
  });
});

// --- 4. reads of a path that says files ---------------------------------------------------------------------

const files = (method: string) => `${HEAD}assets:
  doc: { classification: confidential }
elements:
  visitor: { tech: browser }
  api:
    type: api
    endpoints:
      ${method} /attachments/{id}: { public: true, accepts: [doc] }
      GET /documents: { auth: jwt, returns: [doc] }
flows:
  - visitor -> api: https
`;
const uploadKeys = (method: string) => ['unsafe-file-upload', 'unbounded-upload', 'malware-upload'].map((rule) => `${rule}@api:${method} /attachments/{id}`);

describe('keys-s22: a read of `/files` or `/attachments` is no upload', () => {
  it('retires the upload findings on a GET and on a DELETE', () => {
    for (const method of ['GET', 'DELETE']) {
      const r = analyzeText(files(method));
      for (const key of uploadKeys(method)) assert.equal(changeOf(r, key), 'retired read-only-upload-path', key);
    }
    assert.match(noteOf(analyzeText(files('GET')), uploadKeys('GET')[0]), /sends no file/);
  });

  it('retires none on a POST, still an upload', () => {
    const r = analyzeText(files('POST'));
    for (const key of uploadKeys('POST')) stillReported(r, key);
  });
});

// --- 7. a token or session route that takes a program's credential ------------------------------------------

const tokenRoute = (session: string) => `${HEAD}elements:
  visitor: { tech: browser }
  api:
    type: api
    endpoints:
      POST /session: ${session}
flows:
  - visitor -> api: https
`;

describe('keys-s22: a route named for a token or session is no login by its own program credential', () => {
  it('retires credential stuffing and enumeration with this reason, ahead of was-login', () => {
    const r = analyzeText(tokenRoute('{ auth: jwt }'));
    assert.equal(changeOf(r, 'credential-stuffing@api:POST /session'), 'retired token-auth-route');
    assert.equal(changeOf(r, 'account-enumeration@api:POST /session'), 'retired token-auth-route');
    assert.equal(changeOf(r, 'account-enumeration@api'), 'retired token-auth-element');
    assert.match(noteOf(r, 'credential-stuffing@api:POST /session'), /credential a program presents/);
  });

  it('retires nothing on a session route people sign in to', () => {
    const r = analyzeText(tokenRoute('{ public: true }'));
    stillReported(r, 'credential-stuffing@api:POST /session');
    stillReported(r, 'account-enumeration@api');
  });

  it('keeps the element\'s enumeration finding while a real sign-up remains', () => {
    const r = analyzeText(tokenRoute('{ auth: mtls }').replace('flows:', '      POST /register: { public: true }\nflows:'));
    stillReported(r, 'account-enumeration@api');
    assert.equal(changeOf(r, 'credential-stuffing@api:POST /session'), 'retired token-auth-route');
  });
});

// --- 5. what users supply about themselves ------------------------------------------------------------------

const accepting = (assets: string) => `${HEAD}assets:
  profile: { type: pii, classification: confidential, integrity: high }
  card: { type: payment, classification: restricted, integrity: high }
  price: { type: business, integrity: high }
elements:
  visitor: { tech: browser }
  api:
    type: api
    endpoints:
      PUT /me: { auth: jwt, accepts: [${assets}] }
flows:
  - visitor -> api: https
`;

describe('keys-s22: client-controlled-value leaves data users supply about themselves', () => {
  it('retires it on a route taking their profile and card details', () => {
    const r = analyzeText(accepting('profile, card'));
    assert.equal(changeOf(r, 'client-controlled-value@api:PUT /me'), 'retired user-supplied');
    assert.match(noteOf(r, 'client-controlled-value@api:PUT /me'), /theirs to send/);
  });

  it('retires nothing where a price comes along', () => {
    stillReported(analyzeText(accepting('card, price')), 'client-controlled-value@api:PUT /me');
  });
});

// --- 6. a managed API gateway's calls ------------------------------------------------------------------------

const gatewayCalls = (tech: string, thirdParty: boolean) => `${HEAD}boundaries:
  internet: { trust: untrusted }
  aws: { trust: internal }
elements:
  client: { tech: browser, in: internet }
  stripe: { type: third-party, in: internet }
  gw: { tech: ${tech}, in: aws }
  fn: { type: api, in: aws }
flows:
  - client -> gw: https
  - gw -> fn: https
${thirdParty ? '  - gw -> stripe: https\n' : ''}`;

describe('keys-s22: a managed API gateway ends its calls at its own timeout', () => {
  it('retires no-timeouts-external on it and no-circuit-breaker on the group its calls made', () => {
    const r = analyzeText(gatewayCalls('api-gateway', true));
    assert.equal(changeOf(r, 'no-timeouts-external@gw'), 'retired managed-gateway');
    const inside = analyzeText(gatewayCalls('api-gateway', false));
    assert.equal(changeOf(inside, 'no-circuit-breaker@aws'), 'retired managed-gateway-call');
    assert.match(noteOf(inside, 'no-circuit-breaker@aws'), /managed API gateway/);
  });

  it('retires neither on a gateway we run (Kong waits as long as it is configured to)', () => {
    stillReported(analyzeText(gatewayCalls('kong', true)), 'no-timeouts-external@gw');
    stillReported(analyzeText(gatewayCalls('kong', false)), 'no-circuit-breaker@aws');
  });
});

// --- 8. a pull-based deployer -------------------------------------------------------------------------------

const deployer = (extra: string) => `${HEAD}elements:
  cd: { type: ci-cd, name: Argo CD }
  github: { type: third-party, name: GitHub }
  registry: { type: container-registry, name: Container registry }
  k8s-api: { tech: kubernetes-api }
${extra ? '  dev: { type: developer }\n' : ''}flows:
  - cd -> github: { protocol: ssh, auth: ssh-key }
  - cd -> registry: { protocol: https }
  - cd -> k8s-api: https
${extra}`;

describe('keys-s22: dependency-confusion leaves a pull-based deployer', () => {
  it('retires it on Argo CD, which builds nothing', () => {
    const r = analyzeText(deployer(''));
    assert.equal(changeOf(r, 'dependency-confusion@cd'), 'retired pull-deployer');
    assert.match(noteOf(r, 'dependency-confusion@cd'), /resolves no dependencies/);
  });

  it('retires nothing on a pipeline of the same shape that a developer pushes into', () => {
    const build = deployer('  - dev -> cd: https\n').replace('name: Argo CD', 'name: Pipeline');
    stillReported(analyzeText(build), 'dependency-confusion@cd');
  });
});

// --- 9. role and object checks declared where the route is served -------------------------------------------

const roleChecked = (controls: string) => `${HEAD}elements:
  visitor: { tech: browser }
  api:
    type: api
    endpoints:
      GET /me: { auth: jwt }
      DELETE /admin/users/{id}: { auth: jwt, kind: admin, controls: [ip-allowlist${controls}] }
flows:
  - visitor -> api: https
`;

const proxied = (appControls: string) => `${HEAD}assets:
  orders: { type: business, classification: confidential, integrity: high }
elements:
  visitor: { tech: browser }
  edge:
    type: reverse-proxy
    endpoints:
      GET /orders/{id}: { auth: jwt, returns: [orders] }
      PUT /orders/{id}: { public: true, accepts: [orders] }
  app: { type: api${appControls} }
flows:
  - visitor -> edge: https
  - edge -> app: http
`;

describe('keys-s22: checks declared where the route is', () => {
  it('retires missing-authorization when every admin route checks the role itself', () => {
    assert.equal(changeOf(analyzeText(roleChecked(', authorization')), 'missing-authorization@api'), 'retired route-role-checks');
    stillReported(analyzeText(roleChecked('')), 'missing-authorization@api');
  });

  it('retires the object findings on a proxy\'s routes when the application behind declares the controls', () => {
    const r = analyzeText(proxied(', controls: [object-level-authorization, authentication]'));
    assert.equal(changeOf(r, 'broken-object-level-authorization@edge:GET /orders/{id}'), 'retired served-object-check');
    assert.equal(changeOf(r, 'unauthenticated-object-change@edge:PUT /orders/{id}'), 'retired served-authentication');
    assert.match(noteOf(r, 'unauthenticated-object-change@edge:PUT /orders/{id}'), /served by the application behind it/);
  });

  it('retires neither when the application behind declares nothing', () => {
    const r = analyzeText(proxied(''));
    stillReported(r, 'broken-object-level-authorization@edge:GET /orders/{id}');
    stillReported(r, 'unauthenticated-object-change@edge:PUT /orders/{id}');
  });
});
