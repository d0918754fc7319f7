// Noise a first-time user's review (session 15) left over: cross-site scripting on a server that only hands
// out a single-page app's files, one missing rate limit reported twice (a chat widget in front of an agent),
// and a partner's webhook reached through a load balancer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noRateLimiting } from '../../src/analysis/rules/availability.js';
import { llmUnboundedConsumption } from '../../src/analysis/rules/llm.js';
import { crossSiteScripting, domXss } from '../../src/analysis/rules/web.js';
import { analyzeText, MODEL_HEAD as HEAD, runOnly } from './harness.js';

const keysOf = (text: string, ...rules: string[]) =>
  analyzeText(text).threats.filter((t) => rules.includes(t.ruleId)).map((t) => t.key).sort();

describe('cross-site-scripting on a web server that only serves a single-page app (session 16)', () => {
  const DOCS = 'assets:\n  docs: { name: Documents, type: financial, classification: confidential }\n';
  const API = '  api:\n    type: api\n    auth: jwt\n    endpoints:\n      POST /docs: { accepts: [docs] }\n      /docs/{id}: { returns: [docs] }\n';
  /** A React app loading its files from `site` and its data from `api`; `site` and `more` vary. */
  const shop = (site: string, more = '') =>
    `${HEAD}${DOCS}elements:\n  user: { type: user }\n  app: { name: Web app, tech: react }\n  site: { name: Static site, ${site} }\n${API}` +
    `flows:\n  - user -> app: https\n  - app -> site: https\n  - app -> api: https\n${more}`;
  const RULES = ['cross-site-scripting', 'dom-xss'];

  it('reports no XSS on the server of the app\'s files: the app\'s own finding names the API\'s content', () => {
    const r = analyzeText(shop('type: web-server'));
    assert.deepEqual(r.threats.filter((t) => RULES.includes(t.ruleId)).map((t) => t.key), ['dom-xss@app']);
    const [dom] = r.threats.filter((t) => t.ruleId === 'dom-xss');
    assert.match(dom.description, /^Web app shows Documents that signed-in users can write through POST \/docs on api,/);
    assert.ok(!dom.evidence.some((e) => e.fact.includes('Static site')), dom.evidence.map((e) => e.fact).join('; '));
  });

  it('also for a server listing the files it serves, and one drawn answering the browser', () => {
    assert.deepEqual(keysOf(shop('type: web-server, endpoints: { GET /: { public: true }, /healthz: { public: true } }'), ...RULES), ['dom-xss@app']);
    assert.deepEqual(keysOf(shop('type: web-server', '  - site -> app: https\n'), ...RULES), ['dom-xss@app']);
  });

  it('still reports a web server that proxies to the application, or renders from a store', () => {
    assert.deepEqual(keysOf(shop('type: web-server', '  - site -> api: https\n'), ...RULES), ['cross-site-scripting@site', 'dom-xss@app']);
    const db = `${shop('type: web-server', '  - site -> db: postgres+tls\n')}`.replace('flows:', '  db: { tech: postgres }\nflows:');
    assert.deepEqual(keysOf(db, ...RULES), ['cross-site-scripting@site', 'dom-xss@app']);
  });

  it('still reports a web server that handles data, takes input, or renders pages', () => {
    assert.deepEqual(keysOf(shop('type: web-server, handles: [docs]'), 'cross-site-scripting'), ['cross-site-scripting@site']);
    assert.deepEqual(keysOf(shop('type: web-server, endpoints: { POST /contact: { public: true } }'), 'cross-site-scripting'), ['cross-site-scripting@site']);
    assert.deepEqual(keysOf(shop('type: web-server, endpoints: { /account: { kind: page } }'), 'cross-site-scripting'), ['cross-site-scripting@site']);
    // A web app runs application code whatever its flows: not a file server.
    assert.deepEqual(keysOf(shop('type: web-app'), 'cross-site-scripting'), ['cross-site-scripting@site']);
  });

  it('still reports a web server when nothing shows its pages come from elsewhere', () => {
    // A plain browser (a person's) and no app calling an API: the model may just not draw the server's backend.
    const browser = `${HEAD}elements:\n  visitor: { tech: browser }\n  site: { type: web-server }\nflows:\n  - visitor -> site: https\n`;
    assert.deepEqual(keysOf(browser, 'cross-site-scripting'), ['cross-site-scripting@site']);
    const alone = `${HEAD}elements:\n  app: { tech: react }\n  site: { type: web-server }\nflows:\n  - app -> site: https\n`;
    assert.deepEqual(keysOf(alone, 'cross-site-scripting'), ['cross-site-scripting@site']);
  });

  it('takes the app\'s files as no one\'s content: an app reading only a public catalogue has no XSS finding at all', () => {
    const text = `${HEAD}assets:\n  catalogue: { classification: public }\nelements:\n  app: { tech: vue }\n  site: { type: web-server }\n` +
      '  api:\n    type: api\n    endpoints:\n      /products: { public: true, returns: [catalogue] }\nflows:\n  - app -> site: https\n  - app -> api: https\n';
    assert.deepEqual(keysOf(text, ...RULES), []);
    assert.equal(runOnly(text, [domXss]).findings.length, 0);
  });

  it('says so in the rule\'s condition, which the rule keeps true', () => {
    assert.match(crossSiteScripting.condition, /other than a `web-server` that only serves a single-page app's files/);
    assert.match(domXss.condition, /not a `web-server` that only serves the app's files/);
  });
});

describe('one missing rate limit, one finding: unbounded model use owns it (session 16)', () => {
  /** A public chat widget handing messages to an agent that runs a model (the reviewer's support bot). */
  const bot = (chat = '{ public: true }', more = '') =>
    `${HEAD}elements:\n  visitor: { tech: browser }\n  widget:\n    type: web-app\n    endpoints:\n      POST /chat: ${chat}\n${more}` +
    '  agent: { tech: llm-agent }\n  llm: { tech: openai }\n' +
    'flows:\n  - visitor -> widget: https\n  - widget -> agent: https\n  - agent -> llm: { protocol: https, auth: api-key }\n';
  const RULES = ['no-rate-limiting', 'llm-unbounded-consumption'];

  it('reports the chat endpoint in front of an agent once, as unbounded model use naming the endpoint', () => {
    const r = analyzeText(bot());
    const found = r.threats.filter((t) => RULES.includes(t.ruleId));
    assert.deepEqual(found.map((t) => t.key), ['llm-unbounded-consumption@agent']);
    const [t] = found;
    assert.equal(t.description, 'agent runs a language model for requests to POST /chat on widget from an untrusted zone with no rate limit there; each request costs a model call, and cost and latency grow with whatever callers send.');
    assert.deepEqual([t.likelihood.level, t.likelihood.reason], ['High', 'anyone on the internet can send requests']);
    assert.deepEqual(t.evidence.map((e) => e.fact), [
      'agent is an LLM or agent', 'widget hands its users\' messages to agent', 'no rate-limiting on POST /chat on widget or in front of it',
    ]);
    assert.deepEqual(t.flows, ['widget->agent']);
    assert.ok(r.recommendations.some((rec) => rec.text === 'Add rate limiting to POST /chat on widget'), r.recommendations.map((x) => x.text).join('\n'));
  });

  it('takes a rate limit on the widget\'s endpoint as bounding the agent\'s model calls', () => {
    const text = bot('{ public: true, controls: [rate-limiting] }');
    assert.deepEqual(keysOf(text, ...RULES), []);
    assert.deepEqual(runOnly(text, [llmUnboundedConsumption]).mitigations.map((m) => [m.component, m.controls, m.reason]), [
      ['agent', ['rate-limiting'], 'model use is rate-limited on every endpoint that reaches it'],
    ]);
  });

  it('leaves the widget\'s other endpoints, and a relay to a service without a model, to no-rate-limiting', () => {
    // A sign-in endpoint answers without the model: credential stuffing speaks for its missing throttle.
    const signIn = analyzeText(bot('{ public: true }').replace('      POST /chat:', '      /login: { public: true }\n      POST /chat:'));
    assert.deepEqual(signIn.threats.filter((t) => [...RULES, 'credential-stuffing'].includes(t.ruleId)).map((t) => t.key).sort(),
      ['credential-stuffing@widget:/login', 'llm-unbounded-consumption@agent']);
    assert.match(signIn.threats.find((t) => t.ruleId === 'llm-unbounded-consumption')!.description, /requests to POST \/chat on widget from/);
    const plain = `${HEAD}elements:\n  visitor: { tech: browser }\n  widget:\n    type: web-app\n    endpoints:\n      POST /chat: { public: true }\n  tickets: { type: service }\n` +
      'flows:\n  - visitor -> widget: https\n  - widget -> tickets: https\n';
    assert.deepEqual(keysOf(plain, ...RULES), ['no-rate-limiting@widget:POST /chat']);
  });

  it('owns the missing rate limit on the model caller\'s own endpoints too, naming them all', () => {
    const chat = (endpoints: string) =>
      `${HEAD}elements:\n  visitor: { tech: browser }\n  chat:\n    type: api\n    endpoints:\n${endpoints}  model: { tech: openai }\n` +
      'flows:\n  - visitor -> chat: https\n  - chat -> model: { protocol: https, auth: api-key }\n';
    const r = analyzeText(chat('      /chat: { auth: jwt }\n      /ask: { public: true }\n      /complete: { auth: jwt, controls: [rate-limiting] }\n'));
    const found = r.threats.filter((t) => RULES.includes(t.ruleId));
    assert.deepEqual(found.map((t) => t.key), ['llm-unbounded-consumption@chat']);
    assert.match(found[0].description, /for requests to \/chat, \/ask from an untrusted zone/);
    assert.equal(found[0].likelihood.level, 'High');
    // An endpoint of the caller that is not public and not expensive was never no-rate-limiting's: no change there.
    assert.deepEqual(keysOf(chat('      /chat: { auth: jwt }\n'), ...RULES), ['llm-unbounded-consumption@chat']);
  });

  it('says which rule owns it in both conditions', () => {
    assert.match(noRateLimiting.condition, /llm-unbounded-consumption reports/);
    assert.match(llmUnboundedConsumption.condition, /no-rate-limiting leaves them to it/);
  });
});

describe('a partner\'s webhook through a load balancer: the endpoint behind it (session 16)', () => {
  /** Stripe's events reach the API's webhook through the load balancer, as in the reviewer's SaaS. */
  const saas = (stripe: string, webhook = '{ public: true }') =>
    `${HEAD}assets:\n  pay: { name: Payment status, type: payment }\nelements:\n  spa: { tech: react }\n  stripe: { tech: stripe }\n  lb: { tech: alb }\n` +
    `  api:\n    type: api\n    auth: session-cookie\n    endpoints:\n      POST /webhooks/stripe: ${webhook.replace('}', ', accepts: [pay] }')}\n` +
    `flows:\n  - spa -> lb: https\n  - stripe -> lb: ${stripe}\n  - lb -> api: http\n`;
  const RULES = ['unsigned-webhook', 'webhook-replay', 'unauthenticated-partner-call'];

  it('reports replay on the API\'s endpoint when the partner authenticates to the load balancer by mutual TLS alone', () => {
    assert.deepEqual(keysOf(saas('{ protocol: https, auth: mtls }'), ...RULES), ['webhook-replay@api:POST /webhooks/stripe']);
  });

  it('reports nothing when the partner signs its events through the load balancer, or the endpoint checks them', () => {
    assert.deepEqual(keysOf(saas('{ protocol: https, auth: hmac }'), ...RULES), []);
    assert.deepEqual(keysOf(saas('https', '{ public: true, controls: [signature-verification] }'), ...RULES), []);
  });
});
