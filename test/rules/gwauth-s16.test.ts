// A hop on the way into a service is authenticated by what its call carries: the flow's own `auth`, else
// the endpoint it names (session 16). An endpoint of a gateway asking for a token says what `auth` on the
// gateway says; a call naming no endpoint is not credited with its target's `auth`, since it may land on a
// public endpoint. Each behaviour has a positive and a negative case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { missingAuthentication } from '../../src/analysis/rules/authentication.js';
import type { AttackPath } from '../../src/analysis/types.js';
import { analyzeText, MODEL_HEAD, runOnly, threatsIn } from './harness.js';

const PII = 'assets:\n  pii: { type: pii, classification: confidential }\n';

/** A browser reaching `app` (which handles pii) through a gateway declared as `gw`, over `call`. */
const behindGateway = (gw: string, call: string) =>
  `${PII}elements:\n  visitor: { tech: browser }\n  gw: ${gw}\n  app: { type: api, handles: [pii] }\n` +
  `flows:\n  - visitor -> gw: ${call}\n  - gw -> app: https\n`;

const missingAuth = (body: string) => threatsIn(body, 'missing-authentication').map((t) => t.key);

describe('missing-authentication: a gateway endpoint that asks for a token', () => {
  const JWT_ENDPOINT = '{ type: gateway, endpoints: { /api: { auth: jwt } } }';

  it('leaves a service behind a gateway endpoint with `auth: jwt` the flow names, as it does with `auth: jwt` on the gateway', () => {
    assert.deepEqual(missingAuth(behindGateway(JWT_ENDPOINT, '{ protocol: https, endpoint: /api }')), []);
    assert.deepEqual(missingAuth(behindGateway('{ type: gateway, auth: jwt }', 'https')), []);
    const run = runOnly(MODEL_HEAD + behindGateway(JWT_ENDPOINT, '{ protocol: https, endpoint: /api }'), [missingAuthentication]);
    assert.deepEqual(run.mitigations.map((m) => [m.component, m.controls, m.reason]), [
      ['app', ['authentication'], 'every untrusted path is authenticated on the way in'],
    ]);
  });

  it('reports it when the endpoint named is public, or the flow names none (it may land anywhere on a gateway without `auth`)', () => {
    const PUBLIC = '{ type: gateway, endpoints: { /api: { public: true } } }';
    assert.deepEqual(missingAuth(behindGateway(PUBLIC, '{ protocol: https, endpoint: /api }')), ['missing-authentication@app']);
    assert.deepEqual(missingAuth(behindGateway(JWT_ENDPOINT, 'https')), ['missing-authentication@app']);
  });

  it('leaves it when the endpoint inherits the gateway\'s `auth`, and counts `authentication` declared on the endpoint', () => {
    assert.deepEqual(missingAuth(behindGateway('{ type: gateway, auth: oidc, endpoints: { /api: {} } }', '{ protocol: https, endpoint: /api }')), []);
    assert.deepEqual(missingAuth(behindGateway('{ type: gateway, endpoints: { /api: { controls: [authentication] } } }', '{ protocol: https, endpoint: /api }')), []);
  });

  it('reports it when the endpoint declares only other controls', () => {
    assert.deepEqual(missingAuth(behindGateway('{ type: gateway, endpoints: { /api: { controls: [rate-limiting] } } }', '{ protocol: https, endpoint: /api }')), [
      'missing-authentication@app',
    ]);
  });
});

describe('missing-authentication: every hop judged by its call', () => {
  /** A browser reaching `app` through a load balancer and then a gateway, the first hop over `call`. */
  const chain = (lb: string, call: string) =>
    `${PII}elements:\n  visitor: { tech: browser }\n  lb: ${lb}\n  gw: { type: gateway }\n  app: { type: api, handles: [pii] }\n` +
    `flows:\n  - visitor -> lb: ${call}\n  - lb -> gw: https\n  - gw -> app: https\n`;
  const LB = '{ type: load-balancer, endpoints: { /api: { auth: jwt }, /status: { public: true } } }';

  it('leaves a service two edges behind an endpoint that asks for a token', () => {
    assert.deepEqual(missingAuth(chain(LB, '{ protocol: https, endpoint: /api }')), []);
  });

  it('reports it when a second call into the first edge names its public endpoint, naming that flow', () => {
    const body = chain(LB, '{ protocol: https, endpoint: /api }') + '  - visitor -> lb: { id: status, protocol: https, endpoint: /status }\n';
    const [t] = threatsIn(body, 'missing-authentication');
    assert.equal(t?.title, 'No authentication in front of app');
    assert.deepEqual(t.flows, ['gw->app']);
  });

  it('splits a service\'s callers: one through the authenticated endpoint, one straight in', () => {
    const body = behindGateway('{ type: gateway, endpoints: { /api: { auth: jwt } } }', '{ protocol: https, endpoint: /api }') +
      '  - partner -> app: https\n';
    const [t] = threatsIn(body.replace('  app:', '  partner: { tech: browser }\n  app:'), 'missing-authentication');
    assert.equal(t?.title, 'No authentication on calls from partner to app');
    assert.deepEqual(t.evidence.map((e) => e.fact).slice(1), ['partner -> app carries no authentication', 'gw -> app is authenticated on the way in']);
  });
});

describe('dom-xss: content written through a public endpoint behind a gateway endpoint', () => {
  /** A single-page app posting comments through `gw` to an API whose POST /comments is public. */
  const comments = (gw: string, call: string, api = '') =>
    `${MODEL_HEAD}${PII}elements:\n  app: { tech: react }\n  gw: ${gw}\n  api:\n    type: api\n${api}    endpoints:\n      POST /comments: { public: true, accepts: [pii] }\n` +
    `flows:\n  - app -> gw: ${call}\n  - gw -> api: https\n`;
  const writers = (text: string) => analyzeText(text).threats.filter((t) => t.ruleId === 'dom-xss').map((t) => t.likelihood.reason);

  it('takes it as written by signed-in users when the gateway endpoint the app calls asks for a token', () => {
    assert.deepEqual(writers(comments('{ type: gateway, endpoints: { /api: { auth: jwt } } }', '{ protocol: https, endpoint: /api }')), [
      'signed-in users can put content in front of others through POST /comments on api (requests are authenticated on the way)',
    ]);
  });

  it('takes it as anyone\'s when the app calls the API itself naming no endpoint, though the API asks for a token by default', () => {
    const direct = `${MODEL_HEAD}${PII}elements:\n  app: { tech: react }\n  api:\n    type: api\n    auth: jwt\n    endpoints:\n      POST /comments: { public: true, accepts: [pii] }\nflows:\n  - app -> api: https\n`;
    assert.deepEqual(writers(direct), [
      'anyone on the internet can put content in front of other users through POST /comments on api without signing in',
    ]);
  });
});

describe('attack paths: a hop through a gateway endpoint', () => {
  const hopsTo = (text: string): AttackPath => analyzeText(MODEL_HEAD + text).attackPaths.paths.find((p) => p.asset === 'pii')!;
  const hops = (p: AttackPath) => p.hops.map((h) => [h.from, h.to, h.auth, h.authenticated, h.openAt]);

  it('counts a call naming an endpoint with `auth: jwt` as authenticated, and gives that endpoint\'s `auth` as the call\'s, stated there', () => {
    const p = hopsTo(behindGateway('{ type: gateway, endpoints: { /api: { auth: jwt } } }', '{ protocol: https, endpoint: /api }'));
    assert.deepEqual(hops(p), [['visitor', 'gw', 'jwt', true, undefined], ['gw', 'app', 'none', false, undefined]]);
    assert.deepEqual(p.hops.map((h) => h.authAt), [['elements', 'gw', 'endpoints', '/api'], ['flows', 1, 'gw -> app']]);
    assert.equal(p.unauthenticatedHops, 1);
  });

  it('counts a call naming a public endpoint as open at that endpoint', () => {
    const p = hopsTo(behindGateway('{ type: gateway, endpoints: { /api: { public: true } } }', '{ protocol: https, endpoint: /api }'));
    assert.deepEqual(hops(p), [['visitor', 'gw', 'none', false, 'gw:/api'], ['gw', 'app', 'none', false, undefined]]);
    assert.equal(p.unauthenticatedHops, 2);
  });
});
