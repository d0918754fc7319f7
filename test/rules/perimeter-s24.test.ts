// Session 24 (perimeter): an on-premises manufacturer's review.
// 1. CORS is about the calls a browser makes: a person's LDAP or SMB flow is other software (family-shared.ts).
// 2. missing-waf and verbose-errors are about HTTP(S); callers admitted only through a VPN or allow-list lower
//    their likelihood; flat-network calls no VPN-only application internet-facing.
// 3. third-party-data-sharing speaks of encryption only on an encrypted flow.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCrossings } from '../../src/analysis/boundaries.js';
import { buildContext } from '../../src/analysis/context.js';
import { browserOriginsOf, browserSpeaks, takesHttp } from '../../src/analysis/rules/family-shared.js';
import { buildGraph } from '../../src/model/graph.js';
import type { Flow } from '../../src/model/types.js';
import { evidenceFacts, loadText, MODEL_HEAD, noThreat, onlyThreat, threatsIn } from './harness.js';

const keys = (body: string, ...rules: string[]) => threatsIn(body, ...rules).map((t) => `${t.key} | ${t.risk}`);

/** The context of a model body, with a lookup of its elements. */
function context(body: string) {
  const { model } = loadText(MODEL_HEAD + body);
  const graph = buildGraph(model!);
  const ctx = buildContext(graph, findCrossings(graph));
  return { ctx, el: (id: string) => graph.elements.get(id)! };
}

// The review's repro: one person, a portal in the browser and the directory over LDAP.
const directory = (protocol: string) => `boundaries:
  corp: { trust: internal }
assets:
  creds: { type: credentials, classification: restricted }
elements:
  employee: { type: user, in: corp }
  portal: { type: web-app, tech: dotnet, in: corp, auth: kerberos }
  ad: { tech: active-directory, in: corp, auth: kerberos, stores: [creds] }
flows:
  - employee -> portal: { protocol: https, auth: kerberos }
  - employee -> ad: { protocol: ${protocol}, auth: kerberos }
`;

describe('cors-misconfiguration follows only the calls a browser makes', () => {
  it('reports no cross-origin reads from a directory the person reaches over LDAP, LDAPS or SMB', () => {
    for (const protocol of ['ldap', 'ldaps', 'smb', 'sql', 'rdp']) noThreat(directory(protocol), 'cors-misconfiguration');
  });

  it('still reports the same component when the browser calls it over HTTPS or a WebSocket', () => {
    for (const protocol of ['https', 'http', 'wss']) {
      assert.deepEqual(keys(directory(protocol), 'cors-misconfiguration'), ['cors-misconfiguration@ad | High'], protocol);
    }
  });

  it('names the browser origins of an element only over protocols a browser speaks', () => {
    const { ctx, el } = context(directory('ldap'));
    assert.deepEqual(browserOriginsOf(ctx, el('portal'))?.map((e) => e.id), ['employee']);
    assert.equal(browserOriginsOf(ctx, el('ad')), undefined);
    const flow = (protocol: string) => ({ protocol }) as Flow;
    // A custom protocol (`x-grpc-web`) or none stated: the catalogue cannot tell, so followed as before.
    for (const p of ['http', 'https', 'ws', 'wss', 'graphql', 'x-grpc-web', '']) assert.equal(browserSpeaks(flow(p)), true, p);
    for (const p of ['ldap', 'ldaps', 'smb', 'udp', 'tcp', 'sql', 'rdp']) assert.equal(browserSpeaks(flow(p)), false, p);
  });

  it('follows an edge component that forwards over HTTPS or plain TCP, not one that hands over to RDP or SMB', () => {
    const body = (hop: string) => `elements:
  visitor: { tech: browser }
  lb: { type: load-balancer }
  app: { type: web-app }
flows:
  - visitor -> lb: https
  - lb -> app: ${hop}
`;
    for (const hop of ['https', 'tcp', 'tls']) {
      const { ctx, el } = context(body(hop));
      assert.deepEqual(browserOriginsOf(ctx, el('app'))?.map((e) => e.id), ['visitor'], hop);
    }
    for (const hop of ['rdp', 'smb']) {
      const { ctx, el } = context(body(hop));
      assert.equal(browserOriginsOf(ctx, el('app')), undefined, hop);
    }
    // Straight from the browser, plain TCP is other software's.
    const { ctx, el } = context('elements:\n  visitor: { tech: browser }\n  app: { type: web-app }\nflows:\n  - visitor -> app: tcp\n');
    assert.equal(browserOriginsOf(ctx, el('app')), undefined);
  });
});

// A VPN gateway in the DMZ in front of an HTTPS portal and a RADIUS server (the review's c-radius and d-vpn).
const behindGateway = (gatewayControls: string, radiusProtocol = 'udp') => `boundaries:
  internet: { trust: untrusted }
  dmz: { trust: dmz }
  corp: { trust: internal }
assets:
  creds: { type: credentials, classification: restricted }
  erp: { name: ERP data, type: financial, classification: restricted }
elements:
  remote-staff: { type: user, in: internet }
  vpn: { type: gateway, in: dmz, auth: password, controls: [${gatewayControls}] }
  radius: { type: identity-provider, in: corp, auth: password, handles: [creds] }
  portal: { type: web-app, tech: dotnet, in: corp, auth: kerberos, handles: [erp], controls: [output-encoding] }
  db: { tech: mssql, in: corp, stores: [erp], controls: [encryption-at-rest] }
flows:
  - remote-staff -> vpn: { protocol: https, auth: password }
  - vpn -> radius: { protocol: ${radiusProtocol}, auth: password, data: [creds] }
  - vpn -> portal: { protocol: https, auth: kerberos }
  - portal -> db: { protocol: sql+tls, auth: password, data: [erp] }
`;

describe('missing-waf and verbose-errors apply to HTTP(S) only', () => {
  it('reports neither on a RADIUS server reached over udp, with or without a VPN in front', () => {
    for (const controls of ['audit-logging', 'vpn']) {
      assert.deepEqual(keys(behindGateway(controls), 'missing-waf', 'verbose-errors').filter((k) => k.includes('@radius')), [], controls);
    }
  });

  it('still reports the same server when it takes HTTPS', () => {
    assert.deepEqual(keys(behindGateway('audit-logging', 'https'), 'missing-waf', 'verbose-errors').filter((k) => k.includes('@radius')), [
      'verbose-errors@radius | Medium',
      'missing-waf@radius | Low',
    ]);
  });

  it('tells HTTP from other protocols by the flows in, the endpoints, or nothing said', () => {
    const { ctx, el } = context(behindGateway('audit-logging'));
    assert.equal(takesHttp(ctx, el('radius')), false);
    assert.equal(takesHttp(ctx, el('portal')), true);
    const service = (flow: string, endpoints = '') => context(`elements:
  caller: { type: service }
  svc: { type: service${endpoints} }
flows:
  - caller -> svc: ${flow}
`);
    for (const [flow, http] of [['grpc', true], ['ws', true], ['x-soap', true], ['tcp', false], ['ldap', false], ['amqp', false]] as const) {
      const s = service(flow);
      assert.equal(takesHttp(s.ctx, s.el('svc')), http, flow);
    }
    // An endpoint with a method or a URL path is an HTTP route, whatever the flows say.
    for (const endpoints of [', endpoints: { "GET /status": {} }', ', endpoints: { /status: {} }']) {
      const s = service('tcp', endpoints);
      assert.equal(takesHttp(s.ctx, s.el('svc')), true, endpoints);
    }
    // With no flow into it, nothing says it does not.
    const alone = context('elements:\n  svc: { type: service, exposed: true }\n');
    assert.equal(takesHttp(alone.ctx, alone.el('svc')), true);
  });
});

describe('callers admitted only through a VPN lower missing-waf and verbose-errors', () => {
  it('rates an HTTPS portal behind a VPN gateway Low and says the VPN admits its callers', () => {
    const waf = onlyThreat(behindGateway('vpn'), 'missing-waf');
    assert.equal(waf.likelihood.level, 'Low');
    assert.match(waf.likelihood.reason, /^only callers admitted by vpn reach it: internet scanners do not/);
    assert.match(waf.description, /takes traffic from the internet that vpn admits/);
    assert.ok(evidenceFacts(waf).includes('portal is reachable from the internet only through vpn'));
    // The evidence points at the VPN control (the gateway's `controls`).
    assert.equal(waf.evidence[0].path, 'elements.vpn.controls');
    const errors = onlyThreat(behindGateway('vpn'), 'verbose-errors');
    assert.equal(errors.likelihood.level, 'Low');
    assert.equal(errors.risk, 'Low');
    assert.match(errors.likelihood.reason, /^only callers admitted by vpn reach portal/);
    assert.doesNotMatch(errors.description, /straight from the internet/);
    assert.match(errors.description, /takes requests from the internet that vpn admits/);
    assert.ok(evidenceFacts(errors).includes('portal is reachable from the internet only through vpn'));
  });

  it('keeps the internet wording and Medium likelihood where nothing admits the callers', () => {
    const waf = onlyThreat(behindGateway('audit-logging'), 'missing-waf');
    assert.deepEqual([waf.likelihood.level, waf.likelihood.reason], ['Medium', 'constant scanning; exploiting needs a flaw']);
    assert.match(waf.description, /takes internet traffic/);
    const errors = onlyThreat(behindGateway('audit-logging'), 'verbose-errors');
    assert.deepEqual([errors.likelihood.level, errors.risk], ['Medium', 'Medium']);
    // The gateway (named vpn here) forwards the internet's requests: they come through it.
    assert.match(errors.description, /takes requests from the internet through vpn without/);
    // A VPN on one path only: the other path is open to anyone.
    const twoPaths = behindGateway('vpn').replace('flows:\n', 'flows:\n  - remote-staff -> portal: https\n');
    assert.equal(onlyThreat(twoPaths, 'missing-waf').likelihood.level, 'Medium');
    assert.equal(onlyThreat(twoPaths, 'verbose-errors').likelihood.level, 'Medium');
  });

  it('counts an allow-list in front like a VPN', () => {
    const waf = onlyThreat(behindGateway('ip-allowlist'), 'missing-waf');
    assert.equal(waf.likelihood.level, 'Low');
    assert.match(waf.likelihood.reason, /admitted by ip-allowlist/);
  });
});

describe('flat-network calls no application internet-facing that the internet reaches only through a VPN', () => {
  it('reports no flat network next to a VPN-only portal', () => {
    noThreat(behindGateway('vpn'), 'flat-network');
  });

  it('still reports the store next to the portal when the gateway admits anyone, or an allow-list only filters', () => {
    assert.deepEqual(keys(behindGateway('audit-logging'), 'flat-network'), ['flat-network@db | High']);
    assert.deepEqual(keys(behindGateway('ip-allowlist'), 'flat-network'), ['flat-network@db | High']);
    // A second, open path into the portal makes it internet-facing again.
    const twoPaths = behindGateway('vpn').replace('flows:\n', 'flows:\n  - remote-staff -> portal: https\n');
    const t = onlyThreat(twoPaths, 'flat-network');
    assert.match(t.title, /internet-facing portal/);
  });
});

// The review's t-tls: contact form submissions mailed to Microsoft 365 over cleartext SMTP.
const mailed = (protocol: string) => `boundaries:
  internet: { trust: untrusted }
  app: { trust: internal }
assets:
  leads: { name: Contact form submissions, type: pii, classification: confidential }
elements:
  visitor: { tech: browser, in: internet }
  website: { type: web-app, in: app, handles: [leads] }
  crm: { type: third-party, in: internet }
flows:
  - visitor -> website: { protocol: https, data: [leads] }
  - website -> crm: { protocol: ${protocol}, data: [leads] }
`;

describe('third-party-data-sharing speaks of encryption only where the call has it', () => {
  it('says nothing of TLS or encryption on a cleartext flow (cleartext-disclosure reports it)', () => {
    for (const protocol of ['smtp', 'http']) {
      const t = onlyThreat(mailed(protocol), 'third-party-data-sharing');
      assert.doesNotMatch(t.description, /TLS|encrypt/i, protocol);
      assert.match(t.description, /nothing of ours governs what crm keeps or passes on/);
    }
    assert.equal(keys(mailed('smtp'), 'cleartext-disclosure').length, 1);
  });

  it('says encryption protects the call on an encrypted one', () => {
    for (const protocol of ['https', 'smtps', 'sftp']) {
      const t = onlyThreat(mailed(protocol), 'third-party-data-sharing');
      assert.match(t.description, /; encryption protects the call, not what crm keeps or passes on\.$/, protocol);
    }
  });
});
