// Session 23 (people): `callers` is who is meant to call, not a check; MFA where administrators sign in counts for
// the admin routes only our applications call; calls into devices are judged; punch-list lines name the people and
// the place of the missing control; a notebook that runs its users' code is their hands on the data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminWithoutMfa } from '../../src/analysis/rules/authentication.js';
import { missingAuthorization } from '../../src/analysis/rules/authorization.js';
import { insiderDataAccess, runsUsersCode } from '../../src/analysis/rules/human.js';
import { analyzeText, evidenceFacts, MODEL_HEAD, noThreat, onlyThreat, runOnly, threatsIn } from './harness.js';

const actions = (body: string) => analyzeText(MODEL_HEAD + body).recommendations.map((r) => r.text);
const mitigations = (body: string, rule: Parameters<typeof runOnly>[1][number]) =>
  runOnly(MODEL_HEAD + body, [rule]).mitigations.map((m) => [m.controls, m.reason]);

describe('missing-authorization: a route whose `callers` nothing enforces', () => {
  const RULE = 'missing-authorization';
  /** The smart-meter API: households and the technician app both call it with JWTs (review B, m8). */
  const meters = (commission: string, api = '', flows = '') => `boundaries:
  internet: { trust: untrusted }
  vpc: { trust: internal }
assets:
  commands: { name: Meter commissioning, integrity: high }
  readings: { name: Meter readings, type: pii, classification: confidential }
elements:
  household: { tech: react, in: internet }
  techapp: { tech: android, in: internet }
  api:
    tech: node
    in: vpc
    auth: jwt
    controls: [token-validation, object-level-authorization${api}]
    endpoints:
      GET /api/meters/{meterId}/readings: { returns: [readings] }
      POST /api/meters/{meterId}/commission: ${commission}
flows:
  - household -> api: { protocol: https, auth: jwt, data: [readings] }
  - techapp -> api: { protocol: https, auth: jwt, data: [commands] }
${flows}`;
  const OPEN = '{ callers: [techapp], accepts: [commands] }';

  it('reports the technician route households can call with their own token', () => {
    const t = onlyThreat(meters(OPEN), RULE);
    assert.equal(t.key, 'missing-authorization@api');
    assert.equal(t.title, 'POST /api/meters/{meterId}/commission on api callable by others than techapp');
    assert.match(t.description, /household also reaches api with jwt, which the route accepts/);
    assert.match(t.description, /OWASP API5/);
    assert.equal(t.likelihood.level, 'Medium');
    assert.equal(t.impact.level, 'High', 'the commissioning commands are of high integrity');
    assert.deepEqual(evidenceFacts(t), [
      'POST /api/meters/{meterId}/commission is meant for techapp',
      'household -> api authenticates with jwt',
      'no authorization on api',
    ]);
    assert.ok(actions(meters(OPEN)).includes('Enforce role checks on every request in POST /api/meters/{meterId}/commission on api'));
  });

  it('is mitigated by a role check on the route or its element, an allow-list on the route, or a client certificate', () => {
    noThreat(meters(OPEN, ', authorization'), RULE);
    assert.deepEqual(mitigations(meters(OPEN, ', authorization'), missingAuthorization),
      [[['authorization'], 'POST /api/meters/{meterId}/commission checks that the caller is one it is meant for']]);
    noThreat(meters('{ callers: [techapp], accepts: [commands], controls: [authorization] }'), RULE);
    noThreat(meters('{ callers: [techapp], accepts: [commands], controls: [ip-allowlist] }'), RULE);
  });

  it('says nothing when the callers are all who reach the element, or the others hold no credential the route takes', () => {
    noThreat(meters('{ callers: [techapp, household], accepts: [commands] }'), RULE);
    // The route takes a client certificate, which households do not present: their tokens do not get in.
    noThreat(meters('{ callers: [techapp], auth: mtls, accepts: [commands] }').replace('techapp -> api: { protocol: https, auth: jwt', 'techapp -> api: { protocol: https, auth: mtls'), RULE);
    // A route that names no callers is the role finding's business, not this one's.
    noThreat(meters('{ accepts: [commands] }'), RULE);
  });

  it('looks through a gateway only the callers reach, and names one others reach too', () => {
    // Households call the gateway too, or nothing at all: only the gateway calls api.
    const viaGateway = (more: string) => meters('{ callers: [techapp], accepts: [commands] }')
      .replace('  - household -> api: { protocol: https, auth: jwt, data: [readings] }\n', more)
      .replace('  - techapp -> api: { protocol: https, auth: jwt, data: [commands] }\n', '  - techapp -> gw: { protocol: https, auth: jwt }\n  - gw -> api: { protocol: https, auth: jwt }\n')
      .replace('  api:\n', '  gw: { type: gateway, in: vpc }\n  api:\n');
    noThreat(viaGateway(''), RULE);
    const t = onlyThreat(viaGateway('  - household -> gw: { protocol: https, auth: jwt }\n'), RULE);
    assert.match(t.description, /gw also reaches api/);
  });

  it('rates an internal service left out Low: it must be compromised first', () => {
    const body = `boundaries:\n  app: { trust: internal }\nelements:\n  billing: { type: service, in: app }\n  reports: { type: worker, in: app }\n` +
      '  ledger:\n    type: api\n    in: app\n    auth: jwt\n    endpoints:\n      POST /entries: { callers: [billing] }\n' +
      'flows:\n  - billing -> ledger: https\n  - reports -> ledger: https\n';
    const t = onlyThreat(body, RULE);
    assert.equal(t.likelihood.level, 'Low');
    assert.equal(t.impact.level, 'Medium', 'the route names no data');
  });

  it('leaves an element with admin and ordinary routes to the role finding, which covers the routes for named callers too', () => {
    const body = meters(OPEN).replace('      GET /api/meters/{meterId}/readings:', '      DELETE /api/admin/meters/{meterId}: { kind: admin }\n      GET /api/meters/{meterId}/readings:');
    const [t] = threatsIn(body, RULE);
    assert.equal(t?.title, 'Privilege escalation to admin functions on api');
  });
});

describe('admin-without-mfa: MFA where administrators sign in', () => {
  const RULE = 'admin-without-mfa';
  /** Support staff sign in to a back office, which calls the payments service's reversal with its own JWT (review A, m3). */
  const bank = (backoffice: string, flow = '') => `boundaries:
  staff: { trust: internal, controls: [vpn] }
elements:
  agent: { type: support-staff, in: staff }
  backoffice: { type: web-app, in: staff, auth: oidc, controls: [${backoffice}authorization, audit-logging] }
  payments:
    type: api
    auth: jwt
    controls: [token-validation, authorization, audit-logging]
    endpoints:
      POST /payments/{id}/reversal: { kind: admin, callers: [backoffice] }
flows:
  - agent -> backoffice: { protocol: https, auth: oidc${flow} }
  - backoffice -> payments: { protocol: https, auth: jwt }
`;

  it('credits the MFA staff pass at the back office that calls the admin route', () => {
    noThreat(bank('mfa, '), RULE);
    assert.deepEqual(mitigations(bank('mfa, '), adminWithoutMfa),
      [[['mfa'], 'administrators sign in with MFA to backoffice, which calls POST /payments/{id}/reversal with its own credential']]);
    // MFA on the staff's own flow into the back office counts the same.
    noThreat(bank('', ', controls: [mfa]'), RULE);
  });

  it('still reports the route when nothing asks for MFA where they sign in', () => {
    const t = onlyThreat(bank(''), RULE);
    assert.equal(t.title, 'Admin access to POST /payments/{id}/reversal without MFA');
  });

  it('still reports it when a person calls the admin route directly', () => {
    const body = bank('mfa, ').replace('callers: [backoffice]', 'callers: [backoffice, agent]') + '  - agent -> payments: { protocol: https, auth: jwt }\n';
    assert.equal(onlyThreat(body, RULE).title, 'Admin access to POST /payments/{id}/reversal without MFA');
  });
});

describe('unauthenticated-device: calls into a device', () => {
  const RULE = 'unauthenticated-device';
  /** A technician's app commissions a meter over BLE (review B, m4). */
  const ble = (flow: string, meter = '', data = 'commands') => `boundaries:
  internet: { trust: untrusted }
  field: { trust: untrusted }
assets:
  commands: { name: Commissioning commands, integrity: high }
  manual: { name: Manual, integrity: low }
elements:
  techapp: { tech: android, in: internet }
  meter: { type: device, in: field, handles: [commands]${meter} }
flows:
  - techapp -> meter: { protocol: x-ble, encrypted: true, data: [${data}]${flow} }
`;

  it('reports commands sent into a device with no authentication, encryption notwithstanding', () => {
    const t = onlyThreat(ble(''), RULE);
    assert.equal(t.key, 'unauthenticated-device@meter');
    assert.equal(t.title, 'Unauthenticated calls into meter carry Commissioning commands');
    assert.match(t.description, /encrypted, which keeps out eavesdroppers, not impostors/);
    assert.match(t.mitigation, /authenticated pairing|pair with authentication/);
    assert.match(t.mitigation, /physical presence/);
    assert.match(t.mitigation, /its own key/);
    assert.equal(t.likelihood.level, 'Medium', 'over BLE the attacker must come within radio range');
    assert.equal(t.impact.level, 'High');
    assert.ok(actions(ble('')).some((a) => a.startsWith('Authenticate devices and the calls into them') && a.endsWith('on meter')));
  });

  it('rates a device reachable over its network High', () => {
    assert.equal(onlyThreat(ble('').replace('protocol: x-ble, encrypted: true', 'protocol: http'), RULE).likelihood.level, 'High');
  });

  it('is mitigated by authentication on the flow or the device, and leaves data of no integrity alone', () => {
    noThreat(ble(', controls: [authentication]'), RULE);
    noThreat(ble('', ', controls: [authentication]'), RULE);
    noThreat(ble(', auth: mtls'), RULE);
    noThreat(ble('', '', 'manual'), RULE);
  });

  it('leaves a broker\'s messages to a device to the messaging rules', () => {
    const body = ble('').replace('  techapp: { tech: android, in: internet }', '  broker: { tech: emqx, in: internet }')
      .replace('techapp -> meter: { protocol: x-ble, encrypted: true', 'broker -> meter: { protocol: mqtt');
    noThreat(body, RULE);
  });

  it('tells a device with a certificate of its own to present it at the firmware CDN', () => {
    const m1 = `boundaries:
  field: { trust: untrusted }
  vpc: { trust: internal }
assets:
  readings: { name: Meter readings, integrity: high }
  firmware: { name: Firmware images, integrity: high }
elements:
  meter: { type: device, in: field, controls: [signature-verification] }
  broker: { tech: emqx, in: vpc, exposed: true, auth: mtls, controls: [authorization] }
  cdn: { tech: cloudfront, in: vpc, exposed: true }
  bucket: { tech: s3, in: vpc, stores: [firmware] }
flows:
  - meter -> broker: { protocol: mqtts, auth: mtls, data: [readings] }
  - meter -> cdn: { protocol: https, data: [firmware] }
  - cdn -> bucket: { protocol: https, auth: iam, data: [firmware] }
`;
    const t = onlyThreat(m1, RULE);
    assert.equal(t.title, 'Anyone can download Firmware images from cdn');
    assert.match(t.mitigation, /^meter already holds an identity \(the client certificate its calls to broker present\): require it at cdn too/);
    assert.match(t.mitigation, /signed URLs that the device-management service issues/);
    const without = onlyThreat(m1.replace('  - meter -> broker: { protocol: mqtts, auth: mtls, data: [readings] }\n', ''), RULE);
    assert.match(without.mitigation, /^Give each device its own identity/);
  });
});

describe('punch-list lines of the human rules', () => {
  it('privileged-user-phishing names the people, not "administrators", for developers', () => {
    const body = 'elements:\n  data-scientists: { name: Data scientists, type: developer }\n  notebooks: { type: service, auth: password }\nflows:\n  - data-scientists -> notebooks: https\n';
    const lines = actions(body);
    assert.ok(lines.includes('Require phishing-resistant MFA for Data scientists (developers) on notebooks'), lines.join('\n'));
    assert.ok(!lines.some((l) => l.includes('for administrators')), lines.join('\n'));
    const developers = actions(body.replace('name: Data scientists', 'name: Developers'));
    assert.ok(developers.includes('Require phishing-resistant MFA for Developers on notebooks'), developers.join('\n'));
  });

  it('support-social-engineering names the system where the identity check goes', () => {
    const body = 'assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  staffuser: { type: support-staff }\n' +
      '  backoffice: { name: Back office, type: web-app, auth: oidc, controls: [mfa], handles: [pii] }\nflows:\n  - staffuser -> backoffice: { protocol: https, auth: oidc }\n';
    const lines = actions(body);
    assert.ok(lines.includes('Verify customers\' identity before support acts on accounts in Back office'), lines.join('\n'));
    assert.ok(!lines.some((l) => l.endsWith('in staffuser')), lines.join('\n'));
    noThreat(body.replace('controls: [mfa]', 'controls: [mfa, identity-verification]'), 'support-social-engineering');
  });
});

describe('insider-data-access through a notebook that runs its users\' code', () => {
  const RULE = 'insider-data-access';
  const notebooks = (notebook: string, lake = '', flow = '') => `boundaries:
  corp: { trust: internal }
assets:
  pii: { name: Customer PII, type: pii, classification: confidential }
elements:
  data-scientist: { type: developer, in: corp }
  notebooks: { ${notebook}in: corp, auth: iam, handles: [pii] }
  lake: { tech: s3, in: corp, auth: iam, stores: [pii]${lake} }
flows:
  - data-scientist -> notebooks: { protocol: https, auth: iam }
  - notebooks -> lake: { protocol: https, auth: iam, data: [pii]${flow} }
`;

  it('treats the person\'s notebook as their own connection to the lake', () => {
    const t = onlyThreat(notebooks('type: service, '), RULE);
    assert.equal(t.title, 'data-scientist can copy Customer PII from lake');
    assert.match(t.description, /reaches lake through notebooks, which runs the code data-scientist writes, bypassing the application/);
    assert.deepEqual(t.flows.length, 2);
    assert.match(evidenceFacts(t)[0], /runs code in notebooks, which reaches lake/);
  });

  it('recognises a notebook server by its tech', () => {
    const body = notebooks('tech: jupyter, type: service, ').replace(/notebooks/g, 'workbench');
    assert.equal(onlyThreat(body, RULE).title, 'data-scientist can copy Customer PII from lake');
    // Integrator: by the catalogue's `runs-user-code` trait (normalize gives a tech's traits), not by tech name.
    assert.ok(runsUsersCode({ kind: 'process', id: 'ml', name: 'ML', tech: 'sagemaker', traits: ['runs-user-code', 'cloud'] } as never));
    assert.ok(!runsUsersCode({ kind: 'process', id: 'orders', name: 'Orders', tech: 'node', traits: [] } as never));
  });

  it('is mitigated by a control on the store, the notebook or its connection, and ignores an ordinary service', () => {
    noThreat(notebooks('type: service, ', ', controls: [least-privilege]'), RULE);
    noThreat(notebooks('type: service, controls: [audit-logging], '), RULE);
    noThreat(notebooks('type: service, ', '', ', controls: [data-masking]'), RULE);
    assert.deepEqual(mitigations(notebooks('type: service, ', ', controls: [least-privilege]'), insiderDataAccess),
      [[['least-privilege'], 'direct access is limited and recorded']]);
    // An application between the person and the data is the application's checks: no insider finding.
    noThreat(notebooks('type: service, ').replace(/notebooks/g, 'reporting'), RULE);
  });
});

describe('broken-object-level-authorization: `callers` nothing enforces do not narrow who tries ids', () => {
  const RULE = 'broken-object-level-authorization';
  const partnerRoute = (more: string) => `boundaries:
  internet: { trust: untrusted }
  app: { trust: internal }
elements:
  partner: { type: third-party, in: internet }
  shopper: { tech: browser, in: internet }
  api:
    type: api
    in: app
    auth: jwt
    endpoints:
      GET /orders/{id}: { callers: [partner]${more} }
flows:
  - partner -> api: { protocol: https, auth: jwt }
  - shopper -> api: { protocol: https, auth: jwt }
`;

  it('rates the route as any signed-in user\'s to try when others reach it with a token it takes', () => {
    const t = onlyThreat(partnerRoute(''), RULE);
    assert.equal(t.likelihood.level, 'High');
    assert.ok(!evidenceFacts(t).some((f) => f.startsWith('only partner')), evidenceFacts(t).join('\n'));
  });

  it('keeps "needs the partner\'s credential" when the route checks who calls', () => {
    const t = onlyThreat(partnerRoute(', controls: [authorization]'), RULE);
    assert.equal(t.likelihood.level, 'Medium');
    assert.match(t.likelihood.reason, /needs the credential of partner/);
  });
});

describe('admin-without-mfa: staff reaching the back office through a load balancer', () => {
  it('still credits the back office\'s MFA', () => {
    const body = `boundaries:
  staff: { trust: internal, controls: [vpn] }
elements:
  agent: { type: support-staff, in: staff }
  lb: { type: load-balancer, in: staff }
  backoffice: { type: web-app, in: staff, auth: oidc, controls: [mfa, authorization] }
  payments:
    type: api
    auth: jwt
    controls: [token-validation, authorization]
    endpoints:
      POST /payments/{id}/reversal: { kind: admin, callers: [backoffice] }
flows:
  - agent -> lb: { protocol: https, auth: oidc }
  - lb -> backoffice: { protocol: https, auth: oidc }
  - backoffice -> payments: { protocol: https, auth: jwt }
`;
    noThreat(body, 'admin-without-mfa');
    assert.equal(onlyThreat(body.replace('controls: [mfa, authorization]', 'controls: [authorization]'), 'admin-without-mfa').title,
      'Admin access to POST /payments/{id}/reversal without MFA');
  });
});

describe('unauthenticated-device: no call to spoof at the device itself', () => {
  it('leaves a person pressing the device\'s buttons alone', () => {
    const body = 'assets:\n  commands: { name: Relay commands, integrity: high }\nelements:\n  owner: { type: user }\n  meter: { type: device, handles: [commands] }\n' +
      'flows:\n  - owner -> meter: { protocol: in-process, data: [commands] }\n';
    noThreat(body, 'unauthenticated-device');
    assert.equal(onlyThreat(body.replace('in-process', 'http'), 'unauthenticated-device').title, 'Unauthenticated calls into meter carry Relay commands');
  });
});
