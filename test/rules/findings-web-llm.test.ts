// Web and LLM findings checked against the facts of small models: model output shown in pages is one
// finding, ratings and reasons hold for who reaches the component, and the controls declared on the
// endpoints that reach a model count.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { llmUnboundedConsumption } from '../../src/analysis/rules/llm.js';
import { analyzeText, MODEL_HEAD as HEAD, runOnly } from './harness.js';


describe('web and LLM findings', () => {
  it('report model output shown unencoded in pages once, as llm-insecure-output, not also as cross-site-scripting', () => {
    const site = (type: string, controls = '', model = true) => {
      const r = analyzeText(`${HEAD}elements:\n  visitor: { tech: browser }\n  site: { type: ${type}, controls: [${controls}] }\n${model ? '  model: { tech: openai }\n' : ''}flows:\n  - visitor -> site: https\n${model ? '  - site -> model: { protocol: https, auth: api-key }\n' : ''}`);
      const on = (ruleId: string) => r.threats.filter((t) => t.ruleId === ruleId && t.component === 'site');
      return { xss: on('cross-site-scripting'), output: on('llm-insecure-output') };
    };
    const chat = site('web-app');
    assert.deepEqual(chat.xss, []);
    assert.equal(chat.output.length, 1);
    assert.equal(chat.output[0].description, 'site passes model output to browsers without validating or encoding it.');
    assert.deepEqual([chat.output[0].impact.level, chat.output[0].impact.reason], ['Medium', 'script in users\' sessions']);
    // An admin panel's pages keep the impact cross-site-scripting gives them.
    const panel = site('admin-panel');
    assert.deepEqual(panel.xss, []);
    assert.deepEqual([panel.output[0].impact.level, panel.output[0].impact.reason], ['High', 'script runs with an administrator\'s session']);
    // Without a model, pages are cross-site-scripting's alone.
    const plain = site('web-app', '', false);
    assert.equal(plain.xss.length, 1);
    assert.deepEqual(plain.output, []);
    assert.equal(plain.xss[0].likelihood.level, 'High');
    // A CSP mitigates cross-site-scripting; the unencoded model output is still the LLM rule's one finding.
    const csp = site('web-app', 'content-security-policy');
    assert.deepEqual(csp.xss, []);
    assert.equal(csp.output.length, 1);
    // Encoded output: neither.
    const encoded = site('web-app', 'output-encoding');
    assert.deepEqual([...encoded.xss, ...encoded.output], []);
  });

  it('rate cross-site scripting that only browsers in trusted zones reach as Low, not as reached through other components', () => {
    const xss = (boundary: string) =>
      analyzeText(`${HEAD}boundaries:\n  corp: { trust: ${boundary} }\nelements:\n  clerk: { tech: browser, in: corp }\n  intranet: { type: web-app }\nflows:\n  - clerk -> intranet: https\n`)
        .threats.find((t) => t.ruleId === 'cross-site-scripting');
    const internal = xss('internal');
    assert.ok(internal);
    assert.deepEqual([internal.likelihood.level, internal.likelihood.reason], ['Low', 'only browsers in trusted zones reach it: needs an insider']);
    const internet = xss('untrusted');
    assert.ok(internet);
    assert.deepEqual([internet.likelihood.level, internet.likelihood.reason], ['High', 'reachable from the internet: scanners find injection points']);
  });

  const chat = (endpoints: string) =>
    `${HEAD}elements:\n  visitor: { tech: browser }\n  chat:\n    type: api\n    endpoints:\n${endpoints}  model: { tech: openai }\nflows:\n  - visitor -> chat: https\n  - chat -> model: { protocol: https, auth: api-key }\n`;
  const unbounded = (text: string) => analyzeText(text).threats.filter((t) => t.ruleId === 'llm-unbounded-consumption');

  it('take rate-limiting on every endpoint that reaches the model as mitigating unbounded model use', () => {
    const limited = chat('      /chat: { auth: jwt, controls: [rate-limiting] }\n      /health: { public: true }\n');
    assert.deepEqual(unbounded(limited), []);
    const run = runOnly(limited, [llmUnboundedConsumption]);
    assert.deepEqual(run.mitigations.map((m) => [m.controls, m.reason]), [[['rate-limiting'], 'model use is rate-limited on every endpoint that reaches it']]);
    const open = unbounded(chat('      /chat: { auth: jwt }\n'));
    assert.equal(open.length, 1);
    assert.deepEqual(open[0].evidence.map((e) => e.fact), ['chat -> model calls a language model', 'no rate-limiting on /chat on chat or in front of it']);
  });

  it('narrow unbounded model use to the endpoints without rate-limiting, and report those once (not also as no-rate-limiting)', () => {
    const r = analyzeText(chat('      /chat: { auth: jwt }\n      /complete: { auth: jwt, controls: [rate-limiting] }\n      /ask: { public: true }\n'));
    const found = r.threats.filter((t) => t.ruleId === 'llm-unbounded-consumption');
    assert.equal(found.length, 1);
    assert.equal(found[0].description, 'chat calls a language model for requests to /chat, /ask from an untrusted zone with no rate limit there; cost and latency grow with whatever callers send.');
    assert.deepEqual(found[0].evidence.map((e) => e.fact), ['chat -> model calls a language model', 'no rate-limiting on /chat on chat or in front of it', 'no rate-limiting on /ask on chat or in front of it']);
    assert.deepEqual(r.threats.filter((t) => t.ruleId === 'no-rate-limiting').map((t) => t.endpoint), []);
    assert.ok(r.recommendations.some((rec) => rec.text.includes('Add rate limiting to /chat, /ask on chat')));
  });

  it('rate unbounded model use by the authentication its endpoints require: account holders, not anyone on the internet', () => {
    const [account] = unbounded(chat('      /chat: { auth: jwt }\n'));
    assert.deepEqual([account.likelihood.level, account.likelihood.reason], ['Medium', 'needs a valid account']);
    // A public webhook (which no-rate-limiting leaves alone) lets anyone on the internet reach the model.
    const [anyone] = unbounded(chat('      /chat: { auth: jwt }\n      /hooks/mail: { public: true }\n'));
    assert.deepEqual([anyone.likelihood.level, anyone.likelihood.reason], ['High', 'anyone on the internet can send requests']);
    assert.match(anyone.description, /requests to \/chat, \/hooks\/mail from/);
    // Sign-in endpoints do not call the model: a login credential stuffing reports is not named here.
    const [signIn] = unbounded(chat('      /chat: { auth: jwt }\n      /login: { public: true }\n'));
    assert.match(signIn.description, /requests to \/chat from/);
    // Without endpoints, the element's own authentication decides.
    const element = (auth: string) =>
      unbounded(`${HEAD}elements:\n  visitor: { tech: browser }\n  assistant: { tech: llm-agent${auth} }\nflows:\n  - visitor -> assistant: https\n`)[0];
    assert.deepEqual([element('').likelihood.level, element('').likelihood.reason], ['High', 'anyone on the internet can send requests']);
    assert.deepEqual([element(', auth: jwt').likelihood.level, element(', auth: jwt').likelihood.reason], ['Medium', 'needs a valid account']);
  });

  it('say an agent runs a language model, and an app that calls one calls it (llm-unbounded-consumption)', () => {
    const [agent] = unbounded(`${HEAD}elements:\n  visitor: { tech: browser }\n  assistant: { tech: llm-agent }\nflows:\n  - visitor -> assistant: https\n  - assistant -> visitor: https\n`);
    assert.match(agent.description, /^assistant runs a language model for requests/);
    const [app] = unbounded(chat('      /chat: { auth: jwt }\n'));
    assert.match(app.description, /^chat calls a language model for requests/);
  });
});
