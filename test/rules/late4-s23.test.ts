// Session 23 (late4): MFA where staff sign in on the way to an admin panel (an identity-aware proxy in front, or
// the panel's login endpoints) counts for exposed-admin-panel, and support-social-engineering looks past the
// forwarding elements between support staff and the system they act in (review D: staff -> iap -> console).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evidenceFacts, noThreat, onlyThreat, threatsIn } from './harness.js';

/** Staff reach the console through an identity-aware proxy on the internet edge (review D). */
const behindIap = (iapControls: string, opts: { flow?: string; console?: string; extraFront?: boolean } = {}) => `boundaries:
  internet: { trust: untrusted }
  edge: { trust: untrusted }
  vpc: { trust: internal }
assets:
  pii: { name: Customer data, type: pii, classification: confidential }
elements:
  staff: { type: support-staff, tech: browser, in: internet }
  iap: { type: gateway, in: edge, auth: oidc, controls: [${iapControls}] }
${opts.extraFront ? '  lb: { type: load-balancer, in: edge }\n' : ''}  console:
    type: admin-panel
    in: vpc
    handles: [pii]
${opts.console ?? ''}flows:
${opts.extraFront
  ? `  - staff -> iap: https\n  - iap -> lb: https\n  - lb -> console: ${opts.flow ?? 'https'}\n`
  : `  - staff -> iap: https\n  - iap -> console: ${opts.flow ?? 'https'}\n`}`;

describe('exposed-admin-panel: MFA where staff sign in on the way', () => {
  const RULE = 'exposed-admin-panel';

  it('counts MFA at an identity-aware proxy in front: Medium likelihood, saying where', () => {
    const t = onlyThreat(behindIap('mfa, authorization'), RULE);
    assert.equal(t.likelihood.level, 'Medium');
    assert.match(t.likelihood.reason, /MFA at iap in front/);
    assert.equal(t.risk, 'High');
  });

  it('counts MFA at a proxy further out, past a load balancer', () => {
    const t = onlyThreat(behindIap('mfa', { extraFront: true }), RULE);
    assert.equal(t.likelihood.level, 'Medium');
    assert.match(t.likelihood.reason, /MFA at iap in front/);
  });

  it('counts MFA at the proxy\'s login endpoints', () => {
    const body = behindIap('authorization').replace(
      '  iap: { type: gateway, in: edge, auth: oidc, controls: [authorization] }',
      '  iap:\n    type: gateway\n    in: edge\n    auth: oidc\n    endpoints:\n      /login: { kind: login, controls: [mfa] }',
    );
    assert.equal(onlyThreat(body, RULE).likelihood.level, 'Medium');
  });

  it('counts MFA at the panel\'s own login endpoints, which issue its session', () => {
    const console = '    endpoints:\n      /login: { kind: login, controls: [mfa] }\n      /tenants: { auth: session-cookie }\n';
    const t = onlyThreat(behindIap('authorization', { console }), RULE);
    assert.equal(t.likelihood.level, 'Medium');
    assert.match(t.likelihood.reason, /MFA stands in the way/);
  });

  it('still counts MFA on the flow into the panel', () => {
    assert.equal(onlyThreat(behindIap('authorization', { flow: '{ protocol: https, controls: [mfa] }' }), RULE).likelihood.level, 'Medium');
  });

  it('is High when no MFA is anywhere on the way (negative)', () => {
    const t = onlyThreat(behindIap('authorization'), RULE);
    assert.equal(t.likelihood.level, 'High');
    assert.equal(t.risk, 'Critical');
  });

  it('does not count a proxy\'s MFA when another way into the panel skips it', () => {
    const body = behindIap('mfa').replace('flows:\n', 'flows:\n  - staff -> console: https\n');
    assert.equal(onlyThreat(body, RULE).likelihood.level, 'High');
  });

  it('does not count MFA on an element in front that is not a forwarding element', () => {
    const body = `boundaries:
  internet: { trust: untrusted }
  vpc: { trust: internal }
elements:
  staff: { type: admin, tech: browser, in: internet }
  portal: { type: web-app, in: vpc, controls: [mfa] }
  console: { type: admin-panel, in: vpc }
flows:
  - staff -> portal: https
  - portal -> console: https
`;
    // The portal's MFA guards the portal, not the console it calls with its own credential.
    assert.equal(onlyThreat(body, RULE).likelihood.reason, 'reachable only through other components');
  });

  it('is mitigated, as before, by an IP allow-list on the panel', () => {
    const body = behindIap('mfa').replace('    handles: [pii]\n', '    handles: [pii]\n    controls: [ip-allowlist]\n');
    noThreat(body, RULE);
  });
});

describe('support-social-engineering: past forwarding elements', () => {
  const RULE = 'support-social-engineering';

  it('reports support staff reaching a PII system through an identity-aware proxy', () => {
    const t = onlyThreat(behindIap('mfa, authorization'), RULE);
    assert.equal(t.risk, 'Medium');
    assert.ok(evidenceFacts(t).some((f) => /staff -> iap reaches console, which gives support access/.test(f)), evidenceFacts(t).join('\n'));
    assert.ok(evidenceFacts(t).some((f) => /identity-verification on console/.test(f)), evidenceFacts(t).join('\n'));
  });

  it('reports through a chain of forwarding elements', () => {
    assert.equal(onlyThreat(behindIap('mfa', { extraFront: true }), RULE).risk, 'Medium');
  });

  it('reports the direct flow as before', () => {
    const body = behindIap('mfa').replace('  - staff -> iap: https\n  - iap -> console: https\n', '  - staff -> console: https\n');
    const t = onlyThreat(body, RULE);
    assert.ok(evidenceFacts(t).some((f) => /staff -> console gives support access/.test(f)), evidenceFacts(t).join('\n'));
  });

  it('is mitigated by identity-verification on the system behind the proxy', () => {
    const body = behindIap('mfa').replace('    handles: [pii]\n', '    handles: [pii]\n    controls: [identity-verification]\n');
    noThreat(body, RULE);
  });

  it('finds nothing when the system behind the proxy handles no sensitive data (negative)', () => {
    noThreat(behindIap('mfa').replace('    handles: [pii]\n', ''), RULE);
  });

  it('finds nothing behind a proxy that forwards only to a store', () => {
    const body = behindIap('mfa').replace('  console:\n    type: admin-panel\n    in: vpc\n    handles: [pii]\n', '  console: { kind: store, in: vpc, stores: [pii] }\n');
    assert.deepEqual(threatsIn(body, RULE).map((t) => t.key), []);
  });
});
