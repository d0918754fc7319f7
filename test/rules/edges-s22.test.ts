// Session 22 (edges): load-balancer-bypass judges what an edge forwards, not what it calls for itself. A
// gateway's authorizer fetching the identity provider's keys fronts nothing, so apps signing in at the provider
// directly (as they do by design) go around nothing; a plain proxy forwarding logins to a Keycloak we run still
// fronts it. An origin marked `exposed` behind a CDN is reached around the CDN's WAF as a drawn direct flow is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadBalancerBypass } from '../../src/analysis/rules/network.js';
import { evidenceFacts, MODEL_HEAD, noThreat, onlyThreat, runOnly, threatsIn } from './harness.js';

const RULE = 'load-balancer-bypass';

/** The serverless repro: an app signs in at the provider and calls the functions through the gateway, whose authorizer calls the provider too. */
const serverless = (gw: string, idp = '{ tech: cognito, auth: password }') =>
  'boundaries:\n  internet: { trust: untrusted }\n' +
  `elements:\n  app: { tech: mobile-app, in: internet }\n  idp: ${idp}\n  gw: ${gw}\n  fn: { tech: lambda }\n` +
  'flows:\n  - app -> idp: https\n  - app -> gw: https\n  - gw -> idp: https\n  - gw -> fn: https\n';

const GATEWAY = '{ tech: api-gateway, auth: jwt, controls: [token-validation, rate-limiting] }';

/** A browser signing in at a Keycloak we run, which an edge also calls (with `call` as the flow's value). */
const keycloak = (edge: string, call = 'https') =>
  'elements:\n  visitor: { tech: browser }\n' +
  `  edge: ${edge}\n` +
  '  kc:\n    tech: keycloak\n    endpoints:\n      /realms/shop/protocol/openid-connect/certs: { public: true }\n      /realms/shop/protocol/openid-connect/auth: { public: true }\n' +
  '  api: { type: api }\n' +
  `flows:\n  - visitor -> kc: https\n  - visitor -> edge: https\n  - edge -> kc: ${call}\n  - edge -> api: http\n`;

describe('load-balancer-bypass: an edge calling the identity provider for itself fronts nothing', () => {
  it('leaves Cognito alone when the app signs in there directly and the API gateway\'s authorizer calls it too', () => {
    noThreat(serverless(GATEWAY), RULE);
    // A managed provider answers at its cloud's public address whatever the gateway does.
    noThreat(serverless('{ tech: api-gateway }'), RULE);
  });

  it('leaves a self-hosted provider alone behind an edge that authenticates its callers itself', () => {
    noThreat(serverless(GATEWAY, '{ tech: keycloak }'), RULE);
    noThreat(keycloak('{ tech: alb, auth: oidc }'), RULE);
    noThreat(keycloak('{ tech: kong, controls: [token-validation] }'), RULE);
  });

  it('leaves Kong fetching Keycloak\'s signing keys alone, with no auth stated on Kong', () => {
    noThreat(keycloak('{ tech: kong }', '{ protocol: https, endpoint: /realms/shop/protocol/openid-connect/certs }'), RULE);
  });

  it('still reports a Keycloak we run behind a plain proxy that forwards the logins, also reached straight', () => {
    const t = onlyThreat(keycloak('{ tech: nginx }'), RULE);
    assert.equal(t.key, 'load-balancer-bypass@kc');
    assert.equal(t.title, 'Callers reach kc around edge');
    // A flow to the login page is forwarded: only the keys, discovery and introspection are the edge's own.
    assert.equal(onlyThreat(keycloak('{ tech: kong }', '{ protocol: https, endpoint: /realms/shop/protocol/openid-connect/auth }'), RULE).key, 'load-balancer-bypass@kc');
  });

  it('still reports a web app behind an authenticating load balancer that the internet also reaches straight', () => {
    const body = 'elements:\n  visitor: { tech: browser }\n  lb: { tech: alb, auth: oidc, controls: [waf] }\n  app: { type: web-app }\n' +
      'flows:\n  - visitor -> lb: https\n  - lb -> app: http\n  - visitor -> app: { protocol: http, port: 8080 }\n';
    const t = onlyThreat(body, RULE);
    assert.equal(t.key, 'load-balancer-bypass@app');
    assert.equal(t.risk, 'High');
    assert.equal(t.impact.reason, 'waf on lb is bypassed');
  });

  it('names the Kubernetes way to let only the front in, beside the security group', () => {
    const t = onlyThreat(keycloak('{ tech: nginx }'), RULE);
    assert.match(t.mitigation, /security group that admits the load balancer's security group/);
    assert.match(t.mitigation, /in Kubernetes, a NetworkPolicy that admits only the ingress controller's or gateway's pods, and a `ClusterIP` Service in place of `NodePort` or `LoadBalancer`/);
    assert.equal(t.mitigation, loadBalancerBypass.mitigation);
  });
});

/** The CDN repro: an origin proxy in a DMZ behind Cloudflare, with `origin` as its element's value. */
const behindCdn = (origin: string, extra = '') =>
  'boundaries:\n  dmz: { trust: internal }\n' +
  `elements:\n  user: { tech: browser }\n  cf: { tech: cloudflare, controls: [waf, ddos-protection] }\n  nginx: ${origin}\n  web: { type: web-app }\n` +
  `flows:\n  - user -> cf: https\n  - cf -> nginx: https\n  - nginx -> web: https\n${extra}`;

describe('load-balancer-bypass: an origin with a public address of its own', () => {
  it('reports an exposed origin behind a CDN as reached around it, citing its `exposed`', () => {
    const t = onlyThreat(behindCdn('{ tech: nginx, in: dmz, exposed: true }'), RULE);
    assert.equal(t.key, 'load-balancer-bypass@nginx');
    assert.equal(t.title, 'Callers reach nginx around cf');
    assert.equal(t.risk, 'High');
    assert.equal(t.impact.reason, 'waf, ddos-protection on cf are bypassed');
    assert.equal(t.description, 'nginx is served through cf, but the internet reaches it at its own public address; the waf, ddos-protection on cf do not apply to those calls.');
    assert.deepEqual(t.evidence.map((e) => [e.fact, e.line]), [
      ['nginx is marked exposed: the internet reaches it with no flow drawn', 8],
      ['cf -> nginx is the way in through cf', 12],
      ['no ip-allowlist or vpn on nginx or dmz', 8],
    ]);
    assert.deepEqual(t.flows, []);
  });

  it('cites both the public address and a drawn direct flow when there are both', () => {
    const t = onlyThreat(behindCdn('{ tech: nginx, in: dmz, exposed: true }', '  - user -> nginx: https\n'), RULE);
    assert.match(t.description, /but user -> nginx reaches it straight from an untrusted zone, and the internet reaches it at its own public address;/);
    assert.deepEqual(evidenceFacts(t).slice(0, 2), ['nginx is marked exposed: the internet reaches it with no flow drawn', 'user -> nginx comes straight from an untrusted zone']);
    assert.deepEqual(t.flows, ['user->nginx']);
  });

  it('leaves the origin behind the CDN alone when it has no public address', () => {
    noThreat(behindCdn('{ tech: nginx, in: dmz }'), RULE);
  });

  it('counts an ip-allowlist or VPN on the origin or its zone as mitigating, and one on a direct flow not for the address', () => {
    for (const [body, control] of [
      [behindCdn('{ tech: nginx, in: dmz, exposed: true, controls: [ip-allowlist] }'), 'ip-allowlist'],
      [behindCdn('{ tech: nginx, in: dmz, exposed: true }').replace('dmz: { trust: internal }', 'dmz: { trust: internal, controls: [vpn] }'), 'vpn'],
    ] as const) {
      noThreat(body, RULE);
      const run = runOnly(MODEL_HEAD + body, [loadBalancerBypass]);
      assert.deepEqual(run.mitigations.map((m) => [m.component, m.controls]), [['nginx', [control]]]);
    }
    // The allow-list on the flow guards that flow; the public address still lets anyone in.
    const guardedFlow = threatsIn(behindCdn('{ tech: nginx, in: dmz, exposed: true }', '  - user -> nginx: { protocol: https, controls: [ip-allowlist] }\n'), RULE);
    assert.deepEqual(guardedFlow.map((t) => [t.key, t.flows]), [['load-balancer-bypass@nginx', []]]);
  });

  it('leaves an exposed service with no front at all', () => {
    noThreat('elements:\n  user: { tech: browser }\n  app: { type: web-app, exposed: true }\nflows:\n  - user -> app: https\n', RULE);
  });

  it('says in its condition that an edge\'s own call to the identity provider fronts nothing and that `exposed` is a way around', () => {
    assert.match(loadBalancerBypass.condition, /not an edge's own call to an identity provider/);
    assert.match(loadBalancerBypass.condition, /`exposed` \(a public address of its own: the internet reaches it with no flow drawn\)/);
  });
});
