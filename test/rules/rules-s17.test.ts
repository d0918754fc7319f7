// Session 17: an endpoint's own `public` / `auth: none` wins over its gateway's `auth` on the way into a
// service; a rule that leaves a finding to another reports it when that one is disabled; attack path hops
// give the call's effective auth, as crossings do; and calls that name an endpoint behind a load balancer
// are judged by it. Each behaviour has a positive and a negative case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { missingAuthentication } from '../../src/analysis/rules/authentication.js';
import { noRateLimiting } from '../../src/analysis/rules/availability.js';
import type { AttackPath } from '../../src/analysis/types.js';
import { analyzeText, MODEL_HEAD, runOnly, threatsIn } from './harness.js';

const PII = 'assets:\n  pii: { type: pii, classification: confidential }\n';

/** A browser reaching `app` (which handles pii) through gateway `gw`, over `call`. */
const behindGateway = (endpoints: string, call: string, extraFlows = '') =>
  `${PII}elements:\n  visitor: { tech: browser }\n  ops: { type: service }\n  gw:\n    type: gateway\n    auth: jwt\n    endpoints:\n${endpoints}` +
  `  app: { type: api, handles: [pii] }\nflows:\n  - visitor -> gw: ${call}\n  - gw -> app: https\n${extraFlows}`;
const API = '      /api: {}\n';
const LOGIN = '      /login: { public: true }\n';
const missingAuth = (body: string) => threatsIn(body, 'missing-authentication').map((t) => t.key);

describe('missing-authentication: a gateway endpoint that says public is not covered by the gateway\'s `auth`', () => {
  it('reports the service behind when the call names the public endpoint, or names none and may land there', () => {
    assert.deepEqual(missingAuth(behindGateway(API + LOGIN, '{ protocol: https, endpoint: /login }')), ['missing-authentication@app']);
    assert.deepEqual(missingAuth(behindGateway(API + LOGIN, 'https')), ['missing-authentication@app']);
    assert.deepEqual(missingAuth(behindGateway(`${API}      /webhooks/x: { auth: none }\n`, 'https')), ['missing-authentication@app']);
  });

  it('leaves it when the call names the endpoint inheriting `auth: jwt`, or carries a credential of its own', () => {
    assert.deepEqual(missingAuth(behindGateway(API + LOGIN, '{ protocol: https, endpoint: /api }')), []);
    assert.deepEqual(missingAuth(behindGateway(API + LOGIN, '{ protocol: https, endpoint: /login, auth: jwt }')), []);
    const run = runOnly(MODEL_HEAD + behindGateway(API + LOGIN, '{ protocol: https, endpoint: /api }'), [missingAuthentication]);
    assert.deepEqual(run.mitigations.map((m) => [m.component, m.reason]), [['app', 'every untrusted path is authenticated on the way in']]);
  });

  it('leaves it when the public endpoint is for listed callers only and the browser\'s call may not land there', () => {
    const forOps = `${API}      /status: { public: true, callers: [ops] }\n`;
    assert.deepEqual(missingAuth(behindGateway(forOps, 'https', '  - ops -> gw: { protocol: https, endpoint: /status }\n')), []);
    // A browser the public endpoint admits may land there.
    const forVisitor = `${API}      /status: { public: true, callers: [visitor] }\n`;
    assert.deepEqual(missingAuth(behindGateway(forVisitor, 'https')), ['missing-authentication@app']);
  });

  it('names the open call in the evidence', () => {
    const [t] = threatsIn(behindGateway(API + LOGIN, '{ protocol: https, endpoint: /login }'), 'missing-authentication');
    assert.equal(t.title, 'No authentication in front of app');
    assert.deepEqual(t.flows, ['gw->app']);
  });
});

describe('no-rate-limiting: what it leaves to another rule, it reports when that rule does not run', () => {
  const chat = (rules = '') =>
    `${MODEL_HEAD}${rules}elements:\n  visitor: { tech: browser }\n  assistant:\n    tech: llm-agent\n    endpoints:\n      POST /chat: { public: true }\nflows:\n  - visitor -> assistant: https\n`;
  const limits = (text: string) =>
    analyzeText(text).threats.filter((t) => t.ruleId === 'no-rate-limiting' || t.ruleId === 'llm-unbounded-consumption').map((t) => t.key);

  it('reports an LLM endpoint\'s missing rate limit when llm-unbounded-consumption is disabled', () => {
    assert.deepEqual(limits(chat('rules: { disable: [llm-unbounded-consumption] }\n')), ['no-rate-limiting@assistant:POST /chat']);
  });

  it('leaves it to llm-unbounded-consumption when that runs', () => {
    assert.deepEqual(limits(chat()), ['llm-unbounded-consumption@assistant']);
  });

  it('reports a relay\'s endpoint in front of an agent when the LLM rule is disabled, and leaves it otherwise', () => {
    const widget = (rules: string) =>
      `${MODEL_HEAD}${rules}elements:\n  visitor: { tech: browser }\n  widget:\n    type: web-app\n    endpoints:\n      POST /chat: { public: true }\n` +
      '  agent: { tech: llm-agent }\n  llm: { tech: openai }\nflows:\n  - visitor -> widget: https\n  - widget -> agent: https\n  - agent -> llm: { protocol: https, auth: api-key }\n';
    assert.deepEqual(limits(widget('rules: { disable: [llm-unbounded-consumption] }\n')), ['no-rate-limiting@widget:POST /chat']);
    assert.deepEqual(limits(widget('')), ['llm-unbounded-consumption@agent']);
  });

  it('reports a login without MFA when credential-stuffing is disabled, and leaves it to that rule otherwise', () => {
    const login = (rules: string) =>
      `${MODEL_HEAD}${rules}elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /login: { public: true }\nflows:\n  - visitor -> api: https\n`;
    const keys = (text: string) => analyzeText(text).threats.filter((t) => t.ruleId === 'no-rate-limiting').map((t) => t.key);
    assert.deepEqual(keys(login('rules: { disable: [credential-stuffing] }\n')), ['no-rate-limiting@api:/login']);
    assert.deepEqual(keys(login('')), []);
  });

  it('reports it in a run of chosen rules without the LLM rule (the engine records which rules run)', () => {
    const run = runOnly(chat(), [noRateLimiting]);
    assert.deepEqual(run.findings.map((f) => f.key), ['no-rate-limiting@assistant:POST /chat']);
  });
});

describe('attack paths: a hop gives the call\'s effective auth, as its crossing does', () => {
  const shop = (api: string, call: string) =>
    `${MODEL_HEAD}${PII}boundaries:\n  internet: { trust: untrusted }\n  app: { trust: internal }\n` +
    `elements:\n  visitor: { tech: browser, in: internet }\n  api: ${api}\nflows:\n  - visitor -> api: ${call}\n`;
  const firstHop = (text: string) => {
    const r = analyzeText(text);
    const hop = r.attackPaths.paths.find((p: AttackPath) => p.asset === 'pii')!.hops[0];
    return { hop: [hop.auth, hop.authenticated, hop.openAt], crossing: r.crossings.find((c) => c.flow === hop.flow)?.auth };
  };
  const API = (eps: string) => `{ type: api, in: app, auth: jwt, handles: [pii]${eps} }`;

  it('gives the target\'s `auth` for a call naming no endpoint, and the endpoint\'s for one naming it', () => {
    assert.deepEqual(firstHop(shop(API(''), 'https')), { hop: ['jwt', true, undefined], crossing: 'jwt' });
    assert.deepEqual(firstHop(shop(API(', endpoints: { /me: { returns: [pii] } }'), '{ protocol: https, endpoint: /me }')), { hop: ['jwt', true, undefined], crossing: 'jwt' });
  });

  it('gives the flow\'s own auth where it states one, and none for a call naming a public endpoint', () => {
    assert.deepEqual(firstHop(shop(API(''), '{ protocol: https, auth: mtls }')), { hop: ['mtls', true, undefined], crossing: 'mtls' });
    const pub = firstHop(shop(API(', endpoints: { /open: { public: true, returns: [pii] } }'), '{ protocol: https, endpoint: /open }'));
    assert.deepEqual(pub, { hop: ['none', false, 'api:/open'], crossing: 'none' });
  });
});

describe('a partner\'s webhook through a load balancer, naming the endpoint of the API behind it', () => {
  const stripe = (controls: string) =>
    `${MODEL_HEAD}assets:\n  orders: { type: financial, integrity: high }\nelements:\n  stripe: { type: third-party }\n  lb: { type: load-balancer }\n` +
    `  api:\n    type: api\n    handles: [orders]\n    endpoints:\n      POST /webhooks/stripe: { kind: webhook, public: true, accepts: [orders]${controls} }\n` +
    'flows:\n  - stripe -> lb: { protocol: https, endpoint: /webhooks/stripe }\n  - lb -> api: https\n';
  const keys = (text: string) =>
    analyzeText(text).threats.filter((t) => ['unsigned-webhook', 'unauthenticated-partner-call'].includes(t.ruleId)).map((t) => t.key);

  it('reports the unsigned webhook at the API\'s endpoint, not as an unauthenticated partner call into the load balancer', () => {
    assert.deepEqual(keys(stripe('')), ['unsigned-webhook@api:POST /webhooks/stripe']);
  });

  it('reports nothing once the endpoint verifies signatures', () => {
    assert.deepEqual(keys(stripe(', controls: [signature-verification]')), []);
  });

  it('judges a service behind a gateway by the endpoint the call to the load balancer names', () => {
    const chain = (endpoint: string) =>
      `${PII}elements:\n  visitor: { tech: browser }\n  lb: { type: load-balancer }\n  gw:\n    type: gateway\n    endpoints:\n      /api: { auth: jwt }\n      /status: { public: true }\n` +
      `  app: { type: api, handles: [pii] }\nflows:\n  - visitor -> lb: { protocol: https, endpoint: ${endpoint} }\n  - lb -> gw: https\n  - gw -> app: https\n`;
    assert.deepEqual(missingAuth(chain('/api')), []);
    assert.deepEqual(missingAuth(chain('/status')), ['missing-authentication@app']);
  });
});
