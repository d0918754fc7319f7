// An endpoint's `callers` say who is meant to call it; only `authorization`, an `ip-allowlist` on the route or
// `mtls` enforces them (context.ts callerCheck). Where a rule asks who reaches a route (an attacker's reach, who
// sends it input, which flows land there for a check), unenforced callers must not leave an unlisted flow out:
// each case below is reported with nothing enforcing the list, and judged as before once something does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeText, MODEL_HEAD, noThreat, onlyThreat, threatsIn } from './harness.js';

const ENFORCED = ['authorization', 'ip-allowlist'] as const;
const enforcedBy = (control: string) => `, controls: [${control}]`;

describe('callers that nothing enforces do not hide who reaches a route', () => {
  it('credential-stuffing: a sign-in from an unlisted caller without MFA counts', () => {
    const login = (c: string) => `elements:
  visitor: { tech: browser }
  staff: { type: user }
  app:
    type: web-app
    endpoints:
      POST /login: { kind: login, callers: [staff]${c} }
flows:
  - staff -> app: { protocol: https, controls: [mfa] }
  - visitor -> app: https
`;
    onlyThreat(login(''), 'credential-stuffing');
    for (const control of ENFORCED) noThreat(login(enforcedBy(control)), 'credential-stuffing');
  });

  it('exposed-admin-interface: MFA on the listed caller\'s flow is not MFA on every way in', () => {
    const admin = (c: string) => `elements:
  visitor: { tech: browser }
  ops: { type: admin }
  app:
    type: web-app
    endpoints:
      /admin: { kind: admin, auth: session-cookie, callers: [ops]${c} }
flows:
  - ops -> app: { protocol: https, controls: [mfa] }
  - visitor -> app: https
`;
    assert.equal(onlyThreat(admin(''), 'exposed-admin-interface').likelihood.level, 'High');
    const checked = onlyThreat(admin(enforcedBy('authorization')), 'exposed-admin-interface');
    assert.deepEqual([checked.likelihood.level, checked.likelihood.reason], ['Medium', 'MFA stands in the way: needs a phished second factor']);
  });

  it('admin-without-mfa: an unlisted internal caller is no application whose people sign in with MFA', () => {
    const refunds = (c: string) => `boundaries:
  corp: { trust: internal }
elements:
  staff: { type: admin, in: corp }
  backoffice: { type: web-app, in: corp, auth: oidc, controls: [mfa] }
  batch: { type: service, in: corp }
  payments:
    type: service
    in: corp
    endpoints:
      POST /admin/refunds: { kind: admin, auth: jwt, callers: [backoffice]${c} }
flows:
  - staff -> backoffice: https
  - backoffice -> payments: { protocol: https, auth: jwt }
  - batch -> payments: { protocol: https, auth: jwt }
`;
    onlyThreat(refunds(''), 'admin-without-mfa');
    noThreat(refunds(enforcedBy('authorization')), 'admin-without-mfa');
  });

  it('unsigned-webhook: an unlisted partner\'s unsigned call lands on the webhook', () => {
    const hook = (c: string) => `elements:
  stripe: { type: third-party }
  acme: { type: third-party }
  api:
    type: api
    endpoints:
      POST /hooks: { kind: webhook, callers: [stripe]${c} }
flows:
  - stripe -> api: { protocol: https, auth: hmac }
  - acme -> api: https
`;
    onlyThreat(hook(''), 'unsigned-webhook');
    noThreat(hook(''), 'unauthenticated-partner-call');
    // Enforced, the list keeps acme off the webhook: its call is a partner call elsewhere on the API.
    noThreat(hook(enforcedBy('ip-allowlist')), 'unsigned-webhook');
    onlyThreat(hook(enforcedBy('ip-allowlist')), 'unauthenticated-partner-call');
  });

  it('unauthenticated-partner-call: a code host\'s call into a pipeline lands on an open route meant for another', () => {
    const pipeline = (c: string) => `elements:
  github: { type: third-party, tech: github }
  gitlab: { type: third-party, tech: gitlab }
  jenkins:
    type: ci-cd
    endpoints:
      POST /build: { auth: none, callers: [github]${c} }
flows:
  - github -> jenkins: { protocol: https, endpoint: POST /build }
  - gitlab -> jenkins: https
`;
    onlyThreat(pipeline(''), 'unauthenticated-partner-call');
    noThreat(pipeline(enforcedBy('ip-allowlist')), 'unauthenticated-partner-call');
  });

  it('dom-xss: content meant to come from staff comes from whoever reaches the route', () => {
    const notes = (c: string) => `${'assets:\n  docs: { type: financial, classification: confidential }\n'}elements:
  app: { tech: react }
  ops: { type: admin }
  api:
    type: api
    auth: oidc
    endpoints:
      POST /notes: { accepts: [docs], callers: [ops]${c} }
flows:
  - app -> api: https
  - ops -> api: https
`;
    assert.equal(onlyThreat(notes(''), 'dom-xss').likelihood.level, 'Medium');
    assert.deepEqual(onlyThreat(notes(enforcedBy('authorization')), 'dom-xss').likelihood.reason, 'only staff write what it shows: POST /notes on api is called only by ops');
  });

  it('open-redirect: a crafted link works when the partner-only list is not enforced', () => {
    const redirect = (c: string) => `elements:
  visitor: { tech: browser }
  partner: { type: third-party }
  site:
    type: web-app
    endpoints:
      /redirect: { public: true, callers: [partner]${c} }
flows:
  - visitor -> site: https
  - partner -> site: https
`;
    const open = onlyThreat(redirect(''), 'open-redirect');
    assert.deepEqual([open.likelihood.level, open.likelihood.reason], ['High', 'a crafted link is enough']);
    assert.doesNotMatch(open.description, /links sent to/);
    const fenced = onlyThreat(redirect(enforcedBy('ip-allowlist')), 'open-redirect');
    assert.deepEqual([fenced.likelihood.level, fenced.likelihood.reason], ['Medium', 'only partner may call it, not anyone a crafted link reaches']);
  });

  it('missing-waf and queue-flooding: a partner route nothing fences is one of the public ways in', () => {
    const waf = (c: string) => `assets:
  pii: { name: PII, classification: confidential }
elements:
  visitor: { tech: browser }
  partner: { type: third-party }
  cdn: { type: cdn, controls: [waf] }
  api:
    type: api
    handles: [pii]
    endpoints:
      /search: { public: true }
      POST /partner-feed: { callers: [partner], auth: api-key${c} }
flows:
  - visitor -> cdn: https
  - cdn -> api: https
  - partner -> api: { protocol: https, endpoint: POST /partner-feed }
`;
    onlyThreat(waf(''), 'missing-waf');
    noThreat(waf(enforcedBy('ip-allowlist')), 'missing-waf');
    const flood = (c: string) => `elements:
  visitor: { tech: browser }
  partner: { type: third-party }
  api:
    type: api
    endpoints:
      POST /orders: { public: true, controls: [rate-limiting] }
      POST /partner-feed: { callers: [partner], auth: api-key${c} }
  jobs: { tech: rabbitmq }
  worker: { type: worker }
flows:
  - visitor -> api: https
  - partner -> api: { protocol: https, endpoint: POST /partner-feed }
  - api -> jobs: amqps
  - jobs -> worker: amqps
`;
    onlyThreat(flood(''), 'queue-flooding');
    noThreat(flood(enforcedBy('ip-allowlist')), 'queue-flooding');
  });

  it('attack paths: a call naming no endpoint lands on an open route meant for another caller', () => {
    const model = (c: string) => `${MODEL_HEAD}boundaries:
  internet: { trust: untrusted }
  app: { trust: internal }
assets:
  report: { name: Report, classification: confidential }
elements:
  user: { type: user, in: internet }
  api:
    kind: process
    in: app
    auth: jwt
    endpoints:
      /orders: {}
      /export: { public: true, returns: [report], callers: [ops]${c} }
  ops: { kind: process, in: app }
flows:
  - user -> api: https
  - ops -> api: https
`;
    const hop = (c: string) => analyzeText(model(c)).attackPaths.paths.find((p) => p.asset === 'report')!.hops[0];
    assert.deepEqual([hop('').authenticated, hop('').openAt], [false, 'api:/export']);
    for (const control of ENFORCED) assert.deepEqual([hop(enforcedBy(control)).authenticated, hop(enforcedBy(control)).openAt], [true, undefined]);
  });
});

describe('an admin route whose callers nothing enforces is one finding, missing-authorization\'s', () => {
  const admin = (c: string, flows = '  - ops -> app: https\n  - visitor -> app: https\n') => `elements:
  visitor: { tech: browser }
  ops: { type: admin }
  app:
    type: web-app
    auth: session-cookie
    endpoints:
      /admin/users: { kind: admin, callers: [ops]${c} }
flows:
${flows}`;

  it('reports the route once, with administrative stakes and the fix that enforces the list', () => {
    const t = onlyThreat(admin(''), 'missing-authorization');
    assert.deepEqual([t.title, t.risk, t.impact.reason], ['/admin/users on app callable by others than ops', 'High', 'administrative powers: full compromise']);
    assert.match(t.mitigation, /Check on every request to \/admin\/users that the caller is ops/);
    assert.ok(t.evidence.some((e) => e.fact === '/admin/users is an admin endpoint'));
    noThreat(admin(''), 'exposed-admin-interface');
  });

  it('leaves the route to exposed-admin-interface once the list is enforced, or when nobody else reaches it', () => {
    // A role check enforces the list: ops, on the internet, still reaches an admin route no VPN fences.
    noThreat(admin(enforcedBy('authorization')), 'missing-authorization');
    onlyThreat(admin(enforcedBy('authorization')), 'exposed-admin-interface');
    // An allow-list of ops' addresses on the route clears both.
    noThreat(admin(enforcedBy('ip-allowlist')), 'missing-authorization');
    noThreat(admin(enforcedBy('ip-allowlist')), 'exposed-admin-interface');
    // Only ops reaches it: nobody is left out, and the admin route on the internet is the exposure.
    noThreat(admin('', '  - ops -> app: https\n'), 'missing-authorization');
    onlyThreat(admin('', '  - ops -> app: https\n'), 'exposed-admin-interface');
  });

  it('leaves the route to the role finding when the application also serves ordinary routes', () => {
    const shop = (callers: string) => `elements:
  visitor: { tech: browser }
  ops: { type: admin }
  app:
    type: web-app
    auth: session-cookie
    endpoints:
      /orders: { methods: [GET] }
      /admin/users: { kind: admin${callers} }
flows:
  - ops -> app: https
  - visitor -> app: https
`;
    assert.equal(onlyThreat(shop(', callers: [ops]'), 'missing-authorization').title, 'Privilege escalation to admin functions on app');
    noThreat(shop(', callers: [ops]'), 'exposed-admin-interface');
    // With no `callers`, the route is for whoever signs in: both the role check and the network fence are asked.
    onlyThreat(shop(''), 'missing-authorization');
    onlyThreat(shop(''), 'exposed-admin-interface');
  });

  it('keeps a decision on the old exposed-admin-interface key, suspended while missing-authorization reports', () => {
    const triage = 'threats:\n  "exposed-admin-interface@app:/admin/users":\n    status: accepted\n    reason: ops only\n';
    const decide = (body: string) => {
      const parsed = parseTriage(triage, 'm.triage.yaml');
      assert.ok(parsed.triage, JSON.stringify(parsed.diagnostics));
      return applyTriage(analyzeText(MODEL_HEAD + body), parsed.triage, { today: '2026-12-01' });
    };
    const now = decide(admin(''));
    assert.deepEqual(now.triage!.stale, []);
    assert.deepEqual(now.triage!.retired?.map((e) => [e.oldKey, e.suspendedWhile]), [['exposed-admin-interface@app:/admin/users', 'missing-authorization']]);
    // Once the list is enforced the threat returns, and the decision with it.
    const back = decide(admin(enforcedBy('authorization')));
    assert.equal(back.threats.find((t) => t.key === 'exposed-admin-interface@app:/admin/users')?.triage?.status, 'accepted');
    assert.equal(threatsIn(admin(enforcedBy('authorization')), 'missing-authorization').length, 0);
  });
});
