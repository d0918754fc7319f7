// Session 24 (auth2): MFA stated on the sign-in flows protects a login from credential stuffing; password-only
// remote access from an untrusted zone is weak authentication; advice into a device follows its medium; a code
// host's call into a pipeline is its trigger; a mobile app's unpinned calls are one finding per app; account
// enumeration says email only where the login takes one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { credentialStuffing, weakAuthentication } from '../../src/analysis/rules/authentication.js';
import { mobileCertificatePinning } from '../../src/analysis/rules/transport.js';
import { coverageCell, evidenceFacts, MODEL_HEAD, noThreat, onlyThreat, runOnly, threatsIn } from './harness.js';

const keys = (body: string, ...rules: string[]) => threatsIn(body, ...rules).map((t) => t.key).sort();
const mitigations = (body: string, rule: Parameters<typeof runOnly>[1][number]) => runOnly(MODEL_HEAD + body, [rule]).mitigations;

describe('credential-stuffing: MFA stated on every sign-in flow protects the login', () => {
  const vpn = (flows: string) => `boundaries:
  internet: { trust: untrusted }
  dmz: { trust: dmz }
elements:
  remote-staff: { type: user, in: internet }
  vendor: { type: user, in: internet }
  vpn:
    type: gateway
    in: dmz
    auth: password
    endpoints:
      /remote/login: { public: true }
flows:
${flows}`;

  it('reports nothing when the one sign-in flow naming the login carries mfa, and says MFA mitigates it', () => {
    const body = vpn('  - remote-staff -> vpn: { protocol: https, auth: password, endpoint: /remote/login, controls: [mfa] }\n');
    noThreat(body, 'credential-stuffing');
    const [m] = mitigations(body, credentialStuffing);
    assert.deepEqual(m.controls, ['mfa']);
    assert.equal(m.reason, 'login is protected by mfa (on every sign-in that reaches it)');
  });

  it('counts a flow naming no endpoint as reaching the login too', () => {
    noThreat(vpn('  - remote-staff -> vpn: { protocol: https, auth: password, controls: [mfa] }\n'), 'credential-stuffing');
  });

  it('reports as before, naming the sign-in without MFA, when one flow lacks it', () => {
    const t = onlyThreat(vpn('  - remote-staff -> vpn: { protocol: https, auth: password, controls: [mfa] }\n  - vendor -> vpn: { protocol: https, auth: password }\n'), 'credential-stuffing');
    assert.equal(t.key, 'credential-stuffing@vpn:/remote/login');
    assert.equal(t.description, '/remote/login on vpn accepts passwords from the internet with no throttling and no MFA on vendor -> vpn: leaked credential lists can be replayed against it.');
    assert.deepEqual(evidenceFacts(t).slice(-1), ['vendor -> vpn signs in without MFA']);
  });

  it('keeps the wording of before when no flow states MFA', () => {
    const t = onlyThreat(vpn('  - remote-staff -> vpn: { protocol: https, auth: password }\n'), 'credential-stuffing');
    assert.equal(t.description, '/remote/login on vpn accepts passwords from the internet with no throttling and no MFA: leaked credential lists can be replayed against it.');
  });

  it('follows sign-ins through a forwarding element in front, and leaves out a service calling with its own key', () => {
    const body = `elements:
  visitor: { tech: browser }
  partner: { type: third-party }
  cdn: { type: cdn }
  api:
    type: api
    endpoints:
      POST /login: { public: true }
flows:
  - visitor -> cdn: { protocol: https, controls: [mfa] }
  - cdn -> api: https
  - partner -> api: { protocol: https, auth: api-key }
`;
    noThreat(body, 'credential-stuffing');
    // Without MFA on the person's flow into the CDN, the login is open again.
    assert.deepEqual(keys(body.replace(', controls: [mfa]', ''), 'credential-stuffing'), ['credential-stuffing@api:POST /login']);
  });
});

describe('weak-authentication: password-only remote access from an untrusted zone', () => {
  const VENDOR = `boundaries:
  vendors: { trust: untrusted }
  dmz: { trust: dmz }
  ot: { trust: restricted }
assets:
  setpoints: { name: PLC setpoints, confidentiality: low, integrity: high, availability: high }
elements:
  vendor: { type: user, in: vendors }
  vpn: { type: gateway, in: dmz, exposed: true, auth: password, controls: [vpn, audit-logging, ddos-protection] }
  jumphost: { type: service, in: dmz, auth: password, controls: [audit-logging] }
  hmi: { type: service, in: ot, auth: password, handles: [setpoints], controls: [audit-logging] }
  plc: { type: device, in: ot, handles: [setpoints] }
flows:
  - vendor -> vpn: { protocol: https, auth: password }
  - vpn -> jumphost: { protocol: rdp, auth: password }
  - jumphost -> hmi: { protocol: rdp, auth: password, data: [setpoints] }
  - hmi -> plc: { protocol: tcp, port: 502, auth: none, data: [setpoints] }
`;

  it('reports the VPN a vendor signs in to with a password alone, rated High for the OT data behind it', () => {
    const t = onlyThreat(VENDOR, 'weak-authentication');
    assert.equal(t.key, 'weak-authentication@vpn');
    assert.equal(t.stride, 'S');
    assert.equal(t.title, 'Password-only remote access from vendor into vpn');
    assert.equal(t.description, 'vendor -> vpn signs in to a VPN from an untrusted zone with a password alone: one phished, reused or sprayed password of vendor opens the way to PLC setpoints with no second factor.');
    assert.deepEqual([t.likelihood.level, t.impact.level, t.risk], ['Medium', 'High', 'High']);
    assert.equal(t.impact.reason, 'PLC setpoints behind vpn are of high integrity');
    assert.deepEqual(evidenceFacts(t), ['vendor -> vpn authenticates with password from an untrusted zone', 'vpn is a VPN', 'no mfa on vpn']);
    assert.match(t.mitigation, /MFA for every remote access/);
    // The VPN's spoofing cell now shows it, where it read `none`.
    assert.equal(coverageCell(VENDOR, 'vpn', 'S').status, 'threat');
  });

  it('rates Medium when nothing restricted or of high integrity lies behind', () => {
    const plain = VENDOR.replace(/setpoints: \{ name: PLC setpoints, [^}]*\}/, 'setpoints: { name: PLC setpoints, classification: internal }');
    const t = onlyThreat(plain, 'weak-authentication');
    assert.deepEqual([t.impact.level, t.risk], ['Medium', 'Medium']);
  });

  it('knows a VPN by its tech or a gateway\'s name too', () => {
    const byName = VENDOR.replace('controls: [vpn, audit-logging, ddos-protection]', 'controls: [audit-logging]');
    assert.deepEqual(keys(byName, 'weak-authentication'), ['weak-authentication@vpn']);
    const byTech = byName.replace(/\bvpn\b/g, 'edge').replace('type: gateway,', 'type: gateway, tech: fortigate,');
    assert.deepEqual(keys(byTech, 'weak-authentication'), ['weak-authentication@edge']);
  });

  it('reports nothing with MFA on the gateway or on the vendor\'s flow, and says MFA backs the password', () => {
    noThreat(VENDOR.replace('controls: [vpn, audit-logging', 'controls: [vpn, mfa, audit-logging'), 'weak-authentication');
    const onFlow = VENDOR.replace('  - vendor -> vpn: { protocol: https, auth: password }', '  - vendor -> vpn: { protocol: https, auth: password, controls: [mfa] }');
    noThreat(onFlow, 'weak-authentication');
    assert.deepEqual(mitigations(onFlow, weakAuthentication).map((m) => m.controls), [['mfa']]);
  });

  it('adds nothing for a jump host only reached from inside, nor for a gateway that is no remote access', () => {
    const inside = `boundaries:
  corp: { trust: internal }
elements:
  ops: { type: admin, in: corp }
  jumphost: { type: service, in: corp, auth: password }
flows:
  - ops -> jumphost: { protocol: rdp, auth: password }
`;
    noThreat(inside, 'weak-authentication');
    noThreat(VENDOR.replace(/\bvpn\b/g, 'api-gw').replace('controls: [api-gw, audit-logging', 'controls: [audit-logging'), 'weak-authentication');
  });

  it('reports remote desktop straight from an untrusted zone, unless a VPN stands in front', () => {
    const rdp = `boundaries:
  internet: { trust: untrusted }
elements:
  vendor: { type: third-party, in: internet }
  jumphost: { type: service, auth: password }
flows:
  - vendor -> jumphost: { protocol: rdp, auth: password }
`;
    const t = onlyThreat(rdp, 'weak-authentication');
    assert.equal(t.description, 'vendor -> jumphost signs in to a remote desktop over rdp from an untrusted zone with a password alone: one phished, reused or sprayed password of vendor opens a session on it with no second factor.');
    noThreat(rdp.replace('auth: password }\nflows', 'auth: password, controls: [vpn] }\nflows'), 'weak-authentication');
  });

  it('leaves a VPN login that credential-stuffing reports to that finding', () => {
    const login = VENDOR.replace('controls: [vpn, audit-logging, ddos-protection] }', 'controls: [vpn, audit-logging, ddos-protection], endpoints: { /remote/login: { public: true } } }');
    assert.deepEqual(keys(login, 'weak-authentication', 'credential-stuffing'), ['credential-stuffing@vpn:/remote/login']);
    // Throttled, the login is no credential stuffing target, and the missing second factor is this rule's again.
    const throttled = login.replace('/remote/login: { public: true }', '/remote/login: { public: true, controls: [rate-limiting, account-lockout] }');
    assert.deepEqual(keys(throttled, 'weak-authentication', 'credential-stuffing'), ['weak-authentication@vpn']);
  });
});

describe('unauthenticated-device: the advice follows the medium of the call into the device', () => {
  const device = (flow: string) => `boundaries:
  ot: { trust: restricted }
assets:
  setpoints: { name: PLC setpoints, confidentiality: low, integrity: high, availability: high }
elements:
  hmi: { type: service, in: ot, handles: [setpoints] }
  plc: { type: device, in: ot, handles: [setpoints] }
flows:
  - hmi -> plc: ${flow}
`;

  it('gives Modbus/TCP over port 502 industrial advice, not radio pairing', () => {
    const t = onlyThreat(device('{ protocol: tcp, port: 502, auth: none, data: [setpoints] }'), 'unauthenticated-device');
    assert.match(t.mitigation, /industrial firewall/);
    assert.match(t.mitigation, /Modbus\/TCP Security/);
    assert.match(t.mitigation, /run\/program key/);
    assert.doesNotMatch(t.mitigation, /pair|LE Secure Connections/);
  });

  it('names the secure variant of the protocol it knows by name or port', () => {
    assert.match(onlyThreat(device('{ protocol: tcp, port: 20000, auth: none, data: [setpoints] }'), 'unauthenticated-device').mitigation, /DNP3 Secure Authentication v5/);
    assert.match(onlyThreat(device('{ protocol: x-opc-ua, auth: none, data: [setpoints] }'), 'unauthenticated-device').mitigation, /OPC UA in SignAndEncrypt/);
    // Raw TCP on no known port: the variants to look for are listed.
    assert.match(onlyThreat(device('{ protocol: tcp, auth: none, data: [setpoints] }'), 'unauthenticated-device').mitigation, /Modbus\/TCP Security, DNP3 Secure Authentication v5, OPC UA SignAndEncrypt/);
  });

  it('keeps pairing advice for short-range radio, and asks other network protocols for an authenticated caller', () => {
    assert.match(onlyThreat(device('{ protocol: x-ble, auth: none, data: [setpoints] }'), 'unauthenticated-device').mitigation, /LE Secure Connections/);
    const https = onlyThreat(device('{ protocol: https, auth: none, data: [setpoints] }'), 'unauthenticated-device').mitigation;
    assert.match(https, /mutual TLS/);
    assert.doesNotMatch(https, /Modbus|pair/);
  });
});

describe('unauthenticated-partner-call: a code host triggering a pipeline', () => {
  const pipeline = (ci: string) => `elements:
  github: { type: third-party, name: GitHub }
  ci: ${ci}
flows:
  - github -> ci: https
`;

  it('reports nothing for GitHub into GitHub Actions, or any pipeline that publishes no open route', () => {
    noThreat(pipeline('{ tech: github-actions }'), 'unauthenticated-partner-call');
    noThreat(pipeline('{ type: ci-cd }'), 'unauthenticated-partner-call');
    noThreat(pipeline('{ tech: jenkins, endpoints: { POST /github-webhook/: { auth: hmac } } }'), 'unauthenticated-partner-call');
  });

  it('reports a pipeline that exposes a webhook route with no auth and no signature check', () => {
    const t = onlyThreat(pipeline('{ tech: jenkins, endpoints: { POST /github-webhook/: { public: true } } }'), 'unauthenticated-partner-call');
    assert.equal(t.key, 'unauthenticated-partner-call@ci');
    assert.equal(t.description, 'GitHub -> ci carries no authentication; anyone who learns the address can pose as GitHub.');
    assert.deepEqual(keys(pipeline('{ type: ci-cd, endpoints: { POST /events: {} } }'), 'unauthenticated-partner-call'), ['unauthenticated-partner-call@ci']);
    noThreat(pipeline('{ type: ci-cd, endpoints: { POST /events: { controls: [signature-verification] } } }'), 'unauthenticated-partner-call');
  });

  it('still reports a partner calling a service that is no pipeline', () => {
    assert.deepEqual(keys(pipeline('{ type: api }'), 'unauthenticated-partner-call'), ['unauthenticated-partner-call@ci']);
  });
});

describe('mobile-certificate-pinning: one finding per app, naming the hosts', () => {
  const APP = `assets:
  phi: { name: Clinical records, type: health, classification: restricted }
  docs: { name: Documents, type: health, classification: restricted }
  contact: { name: Contact details, type: pii, classification: confidential }
elements:
  app: { name: Patient app, tech: react-native }
  auth0: { name: Auth0, tech: auth0 }
  cdn: { name: CloudFront, tech: cloudfront }
  twilio: { name: Twilio, type: third-party }
  documents: { name: Documents bucket, tech: s3, stores: [docs] }
  minio: { name: MinIO, type: object-storage, stores: [docs] }
flows:
  - app -> auth0: { protocol: https, data: [contact] }
  - app -> cdn: { protocol: https, auth: jwt, data: [phi] }
  - app -> twilio: { protocol: wss, auth: jwt, data: [phi] }
  - app -> documents: { protocol: https, auth: signature, data: [docs] }
  - app -> minio: { protocol: https, auth: signature, data: [docs] }
`;

  it('folds the unpinned calls into one finding keyed on the app, leaving out the sign-in and presigned downloads', () => {
    const t = onlyThreat(APP, 'mobile-certificate-pinning');
    assert.equal(t.key, 'mobile-certificate-pinning@app');
    assert.equal(t.title, 'Patient app does not pin the certificates of CloudFront, Twilio');
    assert.equal(t.description, 'Patient app trusts any certificate the device trusts on its calls to CloudFront, Twilio; a rogue or user-installed CA lets an attacker read Clinical records and the user\'s credentials (jwt).');
    assert.deepEqual(t.flows, ['app->cdn', 'app->twilio']);
    assert.deepEqual([t.likelihood.level, t.impact.level], ['Low', 'High']);
    assert.deepEqual(evidenceFacts(t), [
      'Patient app -> CloudFront comes from a mobile app', 'Patient app -> CloudFront authenticates the user with jwt',
      'Patient app -> Twilio comes from a mobile app', 'Patient app -> Twilio authenticates the user with jwt',
    ]);
  });

  it('caps the hosts a title names', () => {
    const more = APP.replace('flows:\n', '  a: { type: api }\n  b: { type: api }\n  c: { type: api }\nflows:\n')
      .concat('  - app -> a: { protocol: https, auth: jwt }\n  - app -> b: { protocol: https, auth: jwt }\n  - app -> c: { protocol: https, auth: jwt }\n');
    assert.equal(onlyThreat(more, 'mobile-certificate-pinning').title, 'Patient app does not pin the certificates of CloudFront, Twilio, a and 2 other hosts');
  });

  it('leaves a pinned call mitigated on its own, and reports nothing when only left-out calls remain', () => {
    const pinned = APP.replace('auth: jwt, data: [phi] }\n  - app -> twilio', 'auth: jwt, data: [phi], controls: [certificate-pinning] }\n  - app -> twilio');
    const t = onlyThreat(pinned, 'mobile-certificate-pinning');
    assert.equal(t.title, 'Patient app does not pin Twilio\'s certificate');
    assert.equal(t.description, 'Patient app -> Twilio trusts any certificate the device trusts; a rogue or user-installed CA lets an attacker read Clinical records and the user\'s credentials (jwt).');
    assert.ok(mitigations(pinned, mobileCertificatePinning).some((m) => m.flows?.includes('app->cdn') && m.controls.includes('certificate-pinning')));
    const leftOut = APP.replace(/ {2}- app -> (cdn|twilio):.*\n/g, '');
    noThreat(leftOut, 'mobile-certificate-pinning');
  });
});

describe('account-enumeration: email or username, as the login takes', () => {
  const vpn = (extra = '', flowData = '') => `boundaries:
  internet: { trust: untrusted }
assets:
  creds: { name: Domain credentials, type: credentials, classification: restricted }
  mail: { name: Email address, type: pii, classification: confidential }
elements:
  remote-staff: { type: user, in: internet }
  vpn:
    type: gateway
    auth: password
    endpoints:
      /remote/login: { public: true }
${extra}flows:
  - remote-staff -> vpn: { protocol: https, auth: password, data: [${flowData || 'creds'}] }
`;

  it('says account enumeration by username for a VPN login taking directory accounts', () => {
    const t = onlyThreat(vpn(), 'account-enumeration');
    assert.equal(t.title, 'Account enumeration on /remote/login');
    assert.equal(t.description, '/remote/login on vpn can reveal whether a username has an account (different messages or timing); attackers build target lists for phishing and credential stuffing.');
    assert.match(t.mitigation, /invalid username or password/);
    assert.doesNotMatch(t.mitigation, /sent an email/);
  });

  it('says email enumeration when the element resets passwords or signs people up, or the login takes an email', () => {
    const reset = onlyThreat(vpn('      /password/forgot: { public: true }\n'), 'account-enumeration');
    assert.equal(reset.title, 'Email enumeration on /remote/login, /password/forgot');
    assert.match(reset.description, /whether an email address has an account/);
    assert.match(reset.mitigation, /we sent an email/);
    assert.equal(onlyThreat(vpn('', 'mail'), 'account-enumeration').title, 'Email enumeration on /remote/login');
    assert.equal(onlyThreat(vpn().replace('/remote/login', '/login/email'), 'account-enumeration').title, 'Email enumeration on /login/email');
  });
});
