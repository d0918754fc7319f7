// s27: two threats a reviewer found missing (model t11): a partner's SFTP server impersonated to our export job
// (no pinned host key), and a mobile app's sign-in at an identity provider without PKCE.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evidenceFacts, noThreat, onlyThreat, threatsIn } from './harness.js';

const T11 = `boundaries:
  internet: { trust: untrusted }
  vpc: { trust: internal }
  saas: { trust: untrusted, kind: service }
assets:
  statements: { name: Monthly statements, type: financial, classification: confidential }
elements:
  app:     { tech: mobile-app, in: internet }
  idp:     { tech: okta, in: saas, controls: [mfa] }
  export:  { type: worker, in: vpc, handles: [statements], controls: [secrets-management, data-minimization] }
  partner: { name: Partner SFTP, type: third-party, in: saas }
flows:
  - app -> idp: https
  - export -> partner: { protocol: sftp, auth: ssh-key, data: [statements] }
`;

describe('t11: the reviewer\'s model', () => {
  it('reports both missed threats, and only them', () => {
    assert.deepEqual(threatsIn(T11, 'ssh-server-spoofing', 'authorization-code-interception').map((t) => t.key).sort(), [
      'authorization-code-interception@app', 'ssh-server-spoofing@export->partner',
    ]);
  });
  it('rates the SFTP impostor Low likelihood, impact from the statements', () => {
    const t = onlyThreat(T11, 'ssh-server-spoofing');
    assert.equal(t.stride, 'S');
    assert.equal(t.likelihood.level, 'Low');
    assert.equal(t.impact.level, 'High');
    assert.match(t.description, /receives Monthly statements\.$/);
    assert.match(t.mitigation, /StrictHostKeyChecking yes/);
  });
  it('says MFA at the provider does not stop code interception', () => {
    const t = onlyThreat(T11, 'authorization-code-interception');
    assert.equal(t.likelihood.level, 'Medium');
    assert.match(t.description, /MFA at idp does not stop it/);
    assert.match(t.mitigation, /S256/);
  });
});

describe('ssh-server-spoofing', () => {
  const head = 'boundaries:\n  vpc: { trust: internal }\nelements:\n  job: { name: Batch workers, type: worker, in: vpc }\n  box: { type: third-party }\n';
  it('reports a password login with no data, Medium impact, the password named as what the impostor gets', () => {
    const t = onlyThreat(`${head}flows:\n  - job -> box: { protocol: ssh, auth: password }\n`, 'ssh-server-spoofing');
    assert.equal(t.impact.level, 'Medium');
    assert.match(t.description, /Batch workers check box's host key.*receives the password they log in with\.$/);
    assert.ok(evidenceFacts(t).includes('Batch workers -> box logs in with a password'));
  });
  it('counts the control on the calling process', () => {
    noThreat('assets:\n  d: { type: pii }\nelements:\n  job: { type: worker, controls: [host-key-pinning] }\n  box: { type: third-party }\nflows:\n  - job -> box: { protocol: sftp, data: [d] }\n', 'ssh-server-spoofing');
  });
  it('is Medium likelihood when our process itself sits in an untrusted zone', () => {
    const t = onlyThreat('boundaries:\n  net: { trust: untrusted }\nassets:\n  d: { type: pii }\nelements:\n  job: { type: worker, in: net }\n  box: { type: file-storage, in: net }\nflows:\n  - job -> box: { protocol: sftp, data: [d] }\n', 'ssh-server-spoofing');
    assert.equal(t.likelihood.level, 'Medium');
  });
});

describe('authorization-code-interception', () => {
  it('one finding per app naming every provider, each sign-in with PKCE on its flow left out', () => {
    const t = onlyThreat('elements:\n  app: { tech: ios }\n  a: { tech: auth0 }\n  k: { tech: keycloak }\n  c: { tech: cognito }\nflows:\n  - app -> a: https\n  - app -> k: { protocol: https, auth: oidc }\n  - app -> c: { protocol: https, controls: [pkce] }\n', 'authorization-code-interception');
    assert.deepEqual(t.flows, ['app->a', 'app->k']);
    assert.equal(t.title, 'app\'s sign-in at a, k can be intercepted (no PKCE)');
  });
  it('takes its impact from the data the app exchanges', () => {
    const t = onlyThreat('assets:\n  p: { type: pii, classification: restricted }\nelements:\n  app: { tech: android }\n  idp: { tech: okta }\n  api: { type: api, auth: jwt }\nflows:\n  - app -> idp: https\n  - app -> api: { protocol: https, data: [p] }\n', 'authorization-code-interception');
    assert.equal(t.impact.level, 'High');
  });
});

describe('oauth-state-missing', () => {
  it('takes pkce on the callback as its mitigation too', () => {
    noThreat('elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /oauth/callback: { public: true, controls: [pkce] }\nflows:\n  - visitor -> api: https\n', 'oauth-state-missing');
  });
});
