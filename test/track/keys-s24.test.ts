// Keys session 24's fixes changed (keys-s24): findings folded or moved to another rule, and cases retired with
// their reason, so that a team's decisions follow them instead of being reported as stale. Each case has a model
// whose old key goes and, where it matters, a variant where the old finding still stands, so nothing is claimed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { keyChanges } from '../../src/track/key-migrations.js';
import { analyzeText, MODEL_HEAD as HEAD } from '../rules/harness.js';

function changeOf(r: AnalysisResult, key: string): string | undefined {
  const c = keyChanges(r, [key]).get(key);
  if (c === undefined) return undefined;
  return c.kind === 'moved' ? `moved ${c.newKey}` : `retired ${c.migration.when}`;
}

function gone(r: AnalysisResult, key: string): void {
  assert.ok(!r.threats.some((t) => t.key === key), `${key} is still reported`);
}

const CALLERS = (route: string) => `${HEAD}boundaries:
  internet: { trust: untrusted }
  dmz: { trust: dmz, kind: network }
  app: { trust: internal }
elements:
  user: { type: user, in: internet }
  console: { type: web-app, in: app }
  lb: { type: load-balancer, in: dmz }
  api:
    type: api
    in: app
    endpoints:
      POST /admin/users: { kind: admin, auth: session-cookie, callers: [console]${route} }
flows:
  - user -> lb: https
  - lb -> api: https
  - console -> api: https
`;

const DEPLOY = `${HEAD}boundaries:
  internet: { trust: untrusted }
  dmz: { trust: dmz, kind: network }
  app: { trust: internal }
assets:
  orders: { name: Orders, type: business, classification: confidential, integrity: high }
elements:
  user: { type: user, in: internet }
  dev: { type: developer, in: internet }
  lb: { type: load-balancer, in: dmz, controls: [waf, rate-limiting] }
  web:
    type: web-app
    in: app
    auth: session-cookie
    handles: [orders]
    endpoints:
      /search: { public: true }
      POST /orders: { accepts: [orders] }
  queue: { type: queue, in: app }
  worker: { type: worker, in: app }
  cloudbuild: { tech: github-actions }
flows:
  - user -> lb: https
  - lb -> web: https
  - web -> queue: { protocol: amqps, data: [orders] }
  - queue -> worker: { protocol: amqps, data: [orders] }
  - dev -> cloudbuild: https
  - cloudbuild -> web: cloud-api
`;

describe('keys-s24: findings folded or moved to another rule', () => {
  it('moves per-route admin-without-mfa keys to the element\'s one finding', () => {
    const r = analyzeText(`${HEAD}elements:
  api:
    type: api
    auth: jwt
    endpoints:
      GET /admin/users: {}
      DELETE /admin/users/{id}: {}
      POST /admin/reindex: {}
      GET /orders: {}
`);
    for (const route of ['GET /admin/users', 'DELETE /admin/users/{id}', 'POST /admin/reindex']) {
      const key = `admin-without-mfa@api:${route}`;
      gone(r, key);
      assert.equal(changeOf(r, key), 'moved admin-without-mfa@api');
    }
    assert.equal(changeOf(r, 'admin-without-mfa@api:GET /orders'), undefined);
  });

  it('moves admin-without-mfa on a route whose callers nothing enforces to exposed-admin-interface', () => {
    const r = analyzeText(CALLERS(''));
    const key = 'admin-without-mfa@api:POST /admin/users';
    gone(r, key);
    assert.equal(changeOf(r, key), 'moved exposed-admin-interface@api:POST /admin/users');
  });

  it('claims nothing where an IP allow-list on the route enforces its callers', () => {
    const r = analyzeText(CALLERS(', controls: [ip-allowlist]'));
    assert.ok(!r.threats.some((t) => t.ruleId === 'exposed-admin-interface'));
    assert.equal(changeOf(r, 'admin-without-mfa@api:POST /admin/users'), undefined);
  });

  it('moves excessive-cloud-permissions on a pipeline to pipeline-over-privileged', () => {
    const r = analyzeText(`${HEAD}assets:
  tfstate: { name: Terraform state, type: secrets, classification: restricted }
elements:
  dev: { type: developer }
  atlantis: { type: ci-cd, controls: [protected-branches, dependency-pinning, audit-logging] }
  aws: { type: third-party, name: AWS IAM/STS }
  state: { tech: s3, stores: [tfstate], controls: [encryption-at-rest, backups] }
flows:
  - dev -> atlantis: { protocol: https, auth: hmac }
  - atlantis -> aws: { protocol: cloud-api, auth: iam }
  - atlantis -> state: { protocol: s3, auth: iam }
`);
    gone(r, 'excessive-cloud-permissions@atlantis');
    assert.equal(changeOf(r, 'excessive-cloud-permissions@atlantis'), 'moved pipeline-over-privileged@atlantis');
  });
});

describe('keys-s24: cases retired', () => {
  it('retires credential stuffing on a route that exchanges a sign-in made at an identity provider', () => {
    const r = analyzeText(`${HEAD}boundaries:
  internet: { trust: untrusted }
elements:
  visitor: { tech: browser, in: internet }
  idp: { tech: auth0 }
  app:
    type: web-app
    endpoints:
      POST /api/auth/session: { public: true }
      POST /token/exchange: { public: true }
      POST /login: { public: true }
flows:
  - visitor -> app: https
  - app -> idp: https
`);
    for (const route of ['POST /api/auth/session', 'POST /token/exchange']) {
      const key = `credential-stuffing@app:${route}`;
      gone(r, key);
      assert.equal(changeOf(r, key), 'retired token-exchange-route');
    }
    assert.ok(r.threats.some((t) => t.key === 'credential-stuffing@app:POST /login'), 'a real login is still judged');
    assert.equal(changeOf(r, 'credential-stuffing@app:POST /login'), undefined);
  });

  it('retires account enumeration on an element whose only enumerable route exchanges a token', () => {
    const r = analyzeText(`${HEAD}boundaries:
  internet: { trust: untrusted }
assets:
  id-token: { name: ID token, type: credentials }
elements:
  visitor: { tech: browser, in: internet }
  app:
    type: web-app
    endpoints:
      POST /session: { public: true, accepts: [id-token] }
flows:
  - visitor -> app: https
`);
    gone(r, 'account-enumeration@app');
    assert.equal(changeOf(r, 'account-enumeration@app'), 'retired token-exchange-element');
  });

  it('retires what a pipeline\'s deploy call seemed to carry around the edge', () => {
    const r = analyzeText(DEPLOY);
    for (const [key, when] of [['missing-waf@web', 'deploy-path'], ['no-rate-limiting@web:/search', 'deploy-path-route'], ['queue-flooding@queue', 'deploy-path']]) {
      gone(r, key);
      assert.equal(changeOf(r, key), `retired ${when}`);
    }
  });

  it('claims nothing where a real path goes around the edge', () => {
    const r = analyzeText(`${DEPLOY}  - user -> web: https\n`);
    assert.ok(r.threats.some((t) => t.key === 'no-rate-limiting@web:/search'));
    assert.equal(changeOf(r, 'no-rate-limiting@web:/search'), undefined);
  });

  it('retires the standing-access finding of a pipeline that only downloads packages', () => {
    const r = analyzeText(`${HEAD}elements:
  dev: { type: developer }
  ci: { tech: github-actions, controls: [protected-branches, dependency-pinning] }
  artifactory: { type: service, name: Artifactory package proxy, auth: api-key }
  npm: { type: third-party }
flows:
  - dev -> ci: https
  - ci -> artifactory: { protocol: https, auth: api-key }
  - artifactory -> npm: https
`);
    gone(r, 'pipeline-over-privileged@ci');
    assert.equal(changeOf(r, 'pipeline-over-privileged@ci'), 'retired package-reads-only');
  });

  it('retires no-circuit-breaker on a call to a provider drawn in a DMZ', () => {
    const r = analyzeText(`${HEAD}boundaries:
  dmz: { trust: dmz }
  app: { trust: internal }
elements:
  api: { type: service, in: app }
  google: { type: third-party, name: Google Identity, in: dmz }
flows:
  - api -> google: https
`);
    assert.ok(!r.threats.some((t) => t.ruleId === 'no-circuit-breaker'));
    assert.ok(r.threats.some((t) => t.ruleId === 'no-timeouts-external'));
    const retiredKeys = ['no-circuit-breaker@api', 'no-circuit-breaker@dmz'].map((k) => changeOf(r, k));
    assert.ok(retiredKeys.includes('retired provider-call'), retiredKeys.join(', '));
  });
});

const PIN = `${HEAD}boundaries:
  internet: { trust: untrusted }
assets:
  phi: { name: Health records, type: health, classification: restricted }
elements:
  app: { tech: ios, in: internet }
  api: { type: api, auth: jwt, handles: [phi] }
  video: { type: third-party, name: Twilio Video }
  auth0: { tech: auth0 }
  docs: { tech: s3, stores: [phi] }
flows:
  - app -> api: { protocol: https, auth: jwt, data: [phi] }
  - app -> video: { protocol: https, auth: jwt, data: [phi] }
  - app -> auth0: { protocol: https, auth: password }
  - app -> docs: { protocol: https, auth: hmac, data: [phi] }
`;

describe('keys-s24: the reviews of a telehealth platform, a developer platform and an on-premises manufacturer', () => {
  it('moves per-call pinning keys to the app and retires those of calls no app pins', () => {
    const r = analyzeText(PIN);
    for (const key of ['mobile-certificate-pinning@app->api', 'mobile-certificate-pinning@app->video']) {
      gone(r, key);
      assert.equal(changeOf(r, key), 'moved mobile-certificate-pinning@app');
    }
    for (const key of ['mobile-certificate-pinning@app->auth0', 'mobile-certificate-pinning@app->docs']) {
      gone(r, key);
      assert.equal(changeOf(r, key), 'retired unpinnable-call');
    }
  });

  it('retires a code host\'s trigger of a pipeline and the pipeline\'s waits on providers', () => {
    const r = analyzeText(`${HEAD}boundaries:
  internet: { trust: untrusted }
elements:
  github: { type: third-party, in: internet }
  fulcio: { type: third-party, name: Sigstore Fulcio, in: internet }
  ci: { tech: github-actions, controls: [protected-branches, dependency-pinning, least-privilege] }
flows:
  - github -> ci: https
  - ci -> fulcio: { protocol: https, auth: oidc }
`);
    gone(r, 'unauthenticated-partner-call@ci');
    assert.equal(changeOf(r, 'unauthenticated-partner-call@ci'), 'retired pipeline-trigger');
    gone(r, 'no-timeouts-external@ci');
    assert.equal(changeOf(r, 'no-timeouts-external@ci'), 'retired no-cascade-call');
  });

  it('retires CORS on a directory reached over LDAP, and a WAF and error pages for a service taking no HTTP', () => {
    const cors = analyzeText(`${HEAD}boundaries:
  corp: { trust: internal }
assets:
  creds: { type: credentials, classification: restricted }
elements:
  employee: { type: user, in: corp }
  portal: { type: web-app, tech: dotnet, in: corp, auth: kerberos }
  ad: { tech: active-directory, in: corp, auth: kerberos, stores: [creds] }
flows:
  - employee -> portal: { protocol: https, auth: kerberos }
  - employee -> ad: { protocol: ldap, auth: kerberos }
`);
    gone(cors, 'cors-misconfiguration@ad');
    assert.equal(changeOf(cors, 'cors-misconfiguration@ad'), 'retired no-browser-origin');
    const radius = analyzeText(`${HEAD}boundaries:
  internet: { trust: untrusted }
  dmz: { trust: dmz }
  corp: { trust: internal }
assets:
  creds: { type: credentials, classification: restricted }
elements:
  remote-staff: { type: user, in: internet }
  vpn: { type: gateway, in: dmz, auth: password, controls: [mfa, rate-limiting, audit-logging, ddos-protection] }
  radius: { type: identity-provider, in: corp, auth: password, handles: [creds], controls: [audit-logging] }
flows:
  - remote-staff -> vpn: { protocol: https, auth: password, controls: [mfa] }
  - vpn -> radius: { protocol: udp, auth: password, data: [creds] }
`);
    for (const key of ['missing-waf@radius', 'verbose-errors@radius']) {
      gone(radius, key);
      assert.equal(changeOf(radius, key), 'retired no-http');
    }
    assert.equal(changeOf(radius, 'missing-waf@vpn'), undefined, 'the VPN takes HTTPS');
  });

  it('retires flat-network beside an application reached only through a VPN', () => {
    const r = analyzeText(`${HEAD}boundaries:
  internet: { trust: untrusted }
  dmz: { trust: dmz }
  corp: { trust: internal }
assets:
  erp: { name: ERP data, type: financial, classification: restricted }
elements:
  remote-staff: { type: user, in: internet }
  vpn: { type: gateway, in: dmz, auth: password, controls: [vpn, mfa, rate-limiting, account-lockout, ddos-protection, audit-logging] }
  portal: { type: web-app, tech: dotnet, in: corp, auth: kerberos, handles: [erp], controls: [audit-logging, output-encoding, content-security-policy] }
  db: { tech: mssql, in: corp, stores: [erp], controls: [encryption-at-rest, backups] }
flows:
  - remote-staff -> vpn: { protocol: https, auth: password, controls: [mfa] }
  - vpn -> portal: { protocol: https, auth: kerberos }
  - portal -> db: { protocol: sql+tls, auth: password, data: [erp], controls: [parameterized-queries] }
`);
    gone(r, 'flat-network@db');
    assert.equal(changeOf(r, 'flat-network@db'), 'retired vpn-neighbours');
  });
});
