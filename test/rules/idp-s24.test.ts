// Session 24 (idp): MFA asked by the identity provider people sign in at protects the token they get there, for
// every rule that asks whether staff pass MFA; a build pipeline's calls to third parties wait on no one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminWithoutMfa } from '../../src/analysis/rules/authentication.js';
import { MODEL_HEAD, runOnly, threatsIn } from './harness.js';

const keys = (body: string, ...rules: string[]) => threatsIn(body, ...rules).map((t) => t.key).sort();
const MFA_RULES = ['privileged-user-phishing', 'exposed-admin-interface', 'admin-without-mfa', 'exposed-admin-panel'];

/**
 * Review A's model: a clinician signs in at Okta and calls the API with the JWT Okta issues; the API checks it
 * against Okta. `okta` and `api` are the elements' extra settings, `flows` more flows.
 */
const staffApi = (o: { okta?: string; api?: string; routes?: string; staffToOkta?: string; apiToOkta?: boolean; flows?: string } = {}) =>
  'elements:\n' +
  '  staff: { name: Clinician, type: admin, tech: browser }\n' +
  `  okta: { tech: okta${o.okta ?? ', controls: [mfa]'} }\n` +
  '  api:\n    type: api\n' +
  `    auth: ${o.api ?? 'jwt'}\n` +
  '    controls: [token-validation, authorization, audit-logging, waf, rate-limiting]\n' +
  `    endpoints:\n      GET /charts/{id}: {}\n${o.routes ?? '      /admin/users: {}\n'}` +
  'flows:\n' +
  `  - staff -> okta: ${o.staffToOkta ?? 'https'}\n` +
  `  - staff -> api: { protocol: https, auth: ${o.api ?? 'jwt'} }\n` +
  (o.apiToOkta === false ? '' : '  - api -> okta: { protocol: https, controls: [timeouts] }\n') +
  (o.flows ?? '');

describe('MFA at the identity provider the person signs in with', () => {
  it('counts Okta\'s MFA for the API taking its JWT: no phishing finding, the exposed admin route rated Medium behind MFA', () => {
    const body = staffApi();
    assert.deepEqual(keys(body, 'privileged-user-phishing'), []);
    const [admin, ...rest] = threatsIn(body, 'exposed-admin-interface');
    assert.equal(rest.length, 0);
    assert.equal(admin.key, 'exposed-admin-interface@api:/admin/users');
    assert.equal(admin.likelihood.level, 'Medium');
    assert.equal(admin.likelihood.reason, 'MFA stands in the way: needs a phished second factor');
    assert.equal(admin.risk, 'High');
    assert.match(admin.description, /behind jwt and MFA;/);
  });

  it('reports as before when the provider asks for no MFA (negative)', () => {
    const body = staffApi({ okta: '' });
    const [phishing] = threatsIn(body, 'privileged-user-phishing');
    assert.equal(phishing.key, 'privileged-user-phishing@staff');
    assert.equal(phishing.description, 'Clinician (admin) reaches GET /charts/{id} on api with no second factor; one phishing email is enough to take over that access.');
    const [admin] = threatsIn(body, 'exposed-admin-interface');
    assert.equal(admin.likelihood.level, 'High');
    assert.equal(admin.risk, 'Critical');
    assert.match(admin.description, /behind jwt only;/);
  });

  it('counts MFA on the person\'s flow to the provider as the provider\'s', () => {
    const body = staffApi({ okta: '', staffToOkta: '{ protocol: https, controls: [mfa] }' });
    assert.deepEqual(keys(body, 'privileged-user-phishing'), []);
    assert.equal(threatsIn(body, 'exposed-admin-interface')[0].likelihood.level, 'Medium');
  });

  it('takes the provider the person signs in at when the target has no flow to one', () => {
    const body = staffApi({ apiToOkta: false });
    assert.deepEqual(keys(body, 'privileged-user-phishing'), []);
    assert.equal(threatsIn(body, 'exposed-admin-interface')[0].likelihood.level, 'Medium');
    assert.deepEqual(keys(staffApi({ apiToOkta: false, okta: '' }), 'privileged-user-phishing'), ['privileged-user-phishing@staff']);
  });

  it('needs MFA at every identity provider the target trusts', () => {
    const auth0 = (controls: string) =>
      staffApi({ flows: '  - api -> auth0: { protocol: https, controls: [timeouts] }\n' }).replace('  api:\n', `  auth0: { tech: auth0${controls} }\n  api:\n`);
    assert.deepEqual(keys(auth0(''), 'privileged-user-phishing'), ['privileged-user-phishing@staff']);
    assert.equal(threatsIn(auth0(''), 'exposed-admin-interface')[0].likelihood.level, 'High');
    assert.deepEqual(keys(auth0(', controls: [mfa]'), 'privileged-user-phishing'), []);
    assert.equal(threatsIn(auth0(', controls: [mfa]'), 'exposed-admin-interface')[0].likelihood.level, 'Medium');
  });

  it('gives no provider MFA to a password or API key the target takes itself (negative)', () => {
    for (const auth of ['password', 'api-key']) {
      const body = staffApi({ api: auth });
      assert.deepEqual(keys(body, 'privileged-user-phishing'), ['privileged-user-phishing@staff'], auth);
      assert.equal(threatsIn(body, 'exposed-admin-interface')[0].likelihood.level, 'High', auth);
    }
  });

  it('gives none either when the target hands out its token at a password login of its own (negative)', () => {
    const body = staffApi({ routes: '      POST /login: { public: true }\n      /admin/users: {}\n' });
    assert.deepEqual(keys(body, 'privileged-user-phishing'), ['privileged-user-phishing@staff']);
    assert.equal(threatsIn(body, 'exposed-admin-interface')[0].likelihood.level, 'High');
    // The login asking for MFA itself is no way around the provider's.
    const guarded = staffApi({ routes: '      POST /login: { public: true, controls: [mfa] }\n      /admin/users: {}\n' });
    assert.deepEqual(keys(guarded, 'privileged-user-phishing'), []);
  });

  it('counts a provider behind a route that only turns its sign-in into a session', () => {
    const body = staffApi({ routes: '      POST /api/auth/session: { kind: login, public: true }\n      /admin/users: {}\n' });
    assert.deepEqual(keys(body, 'privileged-user-phishing'), []);
    assert.equal(threatsIn(body, 'exposed-admin-interface')[0].likelihood.level, 'Medium');
  });

  const argo = (okta: string, extra = '') =>
    'boundaries:\n  mgmt: { trust: restricted }\nelements:\n  admin: { type: admin }\n' +
    `  okta: { tech: okta${okta} }\n` +
    '  argocd: { tech: argocd, in: mgmt, auth: oidc, controls: [audit-logging, least-privilege, protected-branches] }\n' +
    `flows:\n  - admin -> argocd: { protocol: https, auth: oidc }\n  - argocd -> okta: https\n${extra}`;

  it('counts Okta\'s MFA for Argo CD signing people in with OIDC (review B), on Okta or on the person\'s flow to it', () => {
    assert.deepEqual(keys(argo(', controls: [mfa]'), 'privileged-user-phishing'), []);
    assert.deepEqual(keys(argo('', '  - admin -> okta: { protocol: https, controls: [mfa] }\n'), 'privileged-user-phishing'), []);
    assert.deepEqual(keys(argo(''), 'privileged-user-phishing'), ['privileged-user-phishing@admin']);
    assert.deepEqual(keys(argo('', '  - admin -> okta: https\n'), 'privileged-user-phishing'), ['privileged-user-phishing@admin']);
  });

  it('counts the provider a forwarding element in front signs people in at', () => {
    const body = (okta: string) =>
      `elements:\n  ops: { type: admin }\n  okta: { tech: okta${okta} }\n` +
      '  proxy: { type: reverse-proxy, auth: oidc }\n  tool: { type: web-app }\n' +
      'flows:\n  - ops -> proxy: https\n  - proxy -> tool: https\n  - proxy -> okta: https\n';
    assert.deepEqual(keys(body(', controls: [mfa]'), 'privileged-user-phishing'), []);
    assert.deepEqual(keys(body(''), 'privileged-user-phishing'), ['privileged-user-phishing@ops']);
  });

  describe('admin-without-mfa agrees', () => {
    // The admin route is behind a VPN, so exposed-admin-interface leaves it to admin-without-mfa.
    const vpn = (okta?: string) => staffApi({ okta, routes: '      /admin/users: { controls: [vpn] }\n' });

    it('leaves the route mitigated, administrators using MFA, when the provider asks for it', () => {
      assert.deepEqual(keys(vpn(), 'admin-without-mfa'), []);
      const run = runOnly(MODEL_HEAD + vpn(), [adminWithoutMfa]);
      assert.deepEqual(run.mitigations.map((m) => [m.endpoint, m.controls, m.reason]), [['api:/admin/users', ['mfa'], 'administrators use MFA']]);
    });

    it('reports the route when the provider asks for none (negative)', () => {
      assert.deepEqual(keys(vpn(''), 'admin-without-mfa'), ['admin-without-mfa@api:/admin/users']);
    });
  });

  describe('exposed-admin-panel agrees', () => {
    const panel = (okta: string, auth = 'oidc') =>
      `elements:\n  staff: { type: admin, tech: browser }\n  okta: { tech: okta${okta} }\n` +
      `  backoffice: { type: admin-panel, auth: ${auth} }\n` +
      'flows:\n  - staff -> backoffice: https\n  - staff -> okta: https\n  - backoffice -> okta: https\n';

    it('rates the panel Medium, naming the provider that asks for MFA', () => {
      const [t] = threatsIn(panel(', controls: [mfa]'), 'exposed-admin-panel');
      assert.equal(t.likelihood.level, 'Medium');
      assert.equal(t.likelihood.reason, 'staff sign in at okta, which asks for MFA: needs a phished second factor');
      assert.deepEqual(keys(panel(', controls: [mfa]'), 'privileged-user-phishing'), []);
    });

    it('rates it High without MFA at the provider, or for a password the panel takes itself (negative)', () => {
      assert.equal(threatsIn(panel(''), 'exposed-admin-panel')[0].likelihood.level, 'High');
      assert.equal(threatsIn(panel(', controls: [mfa]', 'password'), 'exposed-admin-panel')[0].likelihood.level, 'High');
    });

    it('counts an identity-aware proxy in front whose provider asks for MFA', () => {
      const body =
        'elements:\n  staff: { type: admin, tech: browser }\n  okta: { tech: okta, controls: [mfa] }\n' +
        '  iap: { type: reverse-proxy, name: oauth2-proxy, auth: oidc }\n  backoffice: { type: admin-panel }\n' +
        'flows:\n  - staff -> iap: https\n  - iap -> backoffice: https\n  - iap -> okta: https\n';
      const [t] = threatsIn(body, 'exposed-admin-panel');
      assert.equal(t.likelihood.level, 'Medium');
      assert.equal(t.likelihood.reason, 'staff pass MFA at oauth2-proxy in front on the way in: needs a phished second factor');
    });
  });

  it('leaves the four MFA rules with no finding that says "without MFA" on review A\'s model', () => {
    const found = threatsIn(staffApi(), ...MFA_RULES);
    assert.deepEqual(found.map((t) => [t.key, t.likelihood.level]), [['exposed-admin-interface@api:/admin/users', 'Medium']]);
  });
});

describe('no-timeouts-external leaves build pipelines to their failed step', () => {
  const pipeline = (caller: string, protocol = 'https') =>
    `elements:\n  dev: { type: developer, controls: [mfa] }\n  ci: { ${caller} }\n  fulcio: { type: third-party, name: Sigstore Fulcio }\n` +
    `flows:\n  - dev -> ci: { protocol: https, auth: oauth2, controls: [mfa] }\n  - ci -> fulcio: { protocol: ${protocol}, auth: oidc }\n`;

  it('reports no wait for a CI pipeline, Argo CD or a ci-cd tool calling a third party', () => {
    assert.deepEqual(keys(pipeline('tech: github-actions'), 'no-timeouts-external'), []);
    assert.deepEqual(keys(pipeline('tech: argocd'), 'no-timeouts-external'), []);
    assert.deepEqual(keys(pipeline('type: ci-cd, name: Atlantis'), 'no-timeouts-external'), []);
  });

  it('keeps the finding for a service calling a third party (negative)', () => {
    const [t, ...rest] = threatsIn(pipeline('type: service'), 'no-timeouts-external');
    assert.equal(rest.length, 0);
    assert.equal(t.title, 'ci waits without limit on Sigstore Fulcio');
    assert.equal(t.impact.reason, 'ci stops responding: downtime');
  });

  it('leaves a service\'s file transfer to a third party to whoever waits on it, as no-circuit-breaker does', () => {
    assert.deepEqual(keys(pipeline('type: service', 'sftp'), 'no-timeouts-external'), []);
  });

  it('reports the service\'s other calls when one of them is a file transfer', () => {
    const body = `${pipeline('type: service', 'sftp')}  - ci -> fulcio: { protocol: https, id: ci-fulcio-api }\n`;
    const [t] = threatsIn(body, 'no-timeouts-external');
    assert.equal(t.key, 'no-timeouts-external@ci');
    assert.deepEqual(t.flows, ['ci-fulcio-api']);
  });
});
