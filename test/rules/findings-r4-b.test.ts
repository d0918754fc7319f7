// Availability, queue and model-output findings (fourth review round): a single dependent is named, evidence
// says when an endpoint is reached only through other components, a partly rate-limited producer's open
// endpoints are named, and model output is judged where the model declares what neutralises it (each
// endpoint browsers call, each flow to a store or service), rated as prompt injection rates the steering.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { llmInsecureOutput } from '../../src/analysis/rules/llm.js';
import { MODEL_HEAD as head, runOnly, threatsOf } from './harness.js';


describe('single-point-of-failure', () => {
  const spof = (callers: string, flows: string) =>
    threatsOf(`${head}elements:\n  visitor: { tech: browser }\n${callers}  api: { type: api, replicas: 1 }\nflows:\n${flows}`, 'single-point-of-failure');

  it('names the one component that depends on it, and says it stops', () => {
    // No browser calls web: a dependent the internet reaches makes the impact High (authn-s17), not this wording.
    const [t, ...more] = spof('  web: { type: web-app }\n', '  - web -> api: https\n');
    assert.equal(more.length, 0);
    assert.equal(t?.description, 'api runs as one instance and web depends on it; its failure stops web.');
    assert.deepEqual([t?.impact.level, t?.impact.reason], ['Medium', 'web stops: downtime']);
  });

  it('still counts several components, which stop', () => {
    const [t] = spof('  web: { type: web-app }\n  jobs: { type: worker }\n', '  - web -> api: https\n  - jobs -> api: https\n');
    assert.equal(t?.description, 'api runs as one instance and 2 components depend on it; its failure stops them.');
    assert.deepEqual([t?.impact.level, t?.impact.reason], ['Medium', 'its callers stop: downtime']);
  });
});

describe('no-rate-limiting', () => {
  const api = (front: string) =>
    `${head}elements:\n  visitor: { tech: browser }\n  web: { type: web-app }\n  api:\n    type: api\n    endpoints:\n      /search: { public: true }\nflows:\n  - visitor -> ${front}: https\n  - web -> api: https\n`;
  const facts = (text: string) => threatsOf(text, 'no-rate-limiting').find((t) => t.title.endsWith('/search'))?.evidence.map((e) => e.fact);

  it('says in its evidence that an endpoint is reached through other components when it is', () => {
    assert.deepEqual(facts(api('web')), [
      '/search is public and reachable from an untrusted zone through other components',
      'no rate-limiting on /search on api or in front of it',
    ]);
  });

  it('does not say so when the untrusted zone reaches it directly', () => {
    assert.equal(facts(api('api'))?.[0], '/search is public and reachable from an untrusted zone');
  });
});

describe('queue-flooding', () => {
  const producer = (cart: string, orders = ', controls: [rate-limiting]') =>
    `${head}elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /orders: { public: true${orders} }\n      /cart: { public: true${cart} }\n  jobs: { tech: rabbitmq }\nflows:\n  - visitor -> api: https\n  - api -> jobs: amqps\n`;

  it('names the endpoints without a rate limit in its description when others of the producer have one', () => {
    const [t] = threatsOf(producer(''), 'queue-flooding');
    assert.equal(t?.description, 'api enqueues work for internet requests with no rate limit on the way to /cart on api, and jobs is unbounded.');
    assert.equal(t?.evidence[1].fact, 'no rate-limiting on /cart on api or in front of it');
  });

  it('counts an endpoint that only browsers may call as open, as the rate-limit check does', () => {
    const [t] = threatsOf(producer(', callers: [visitor]'), 'queue-flooding');
    assert.equal(t?.description, 'api enqueues work for internet requests with no rate limit on the way to /cart on api, and jobs is unbounded.');
  });

  it('names only the producer when none of its endpoints is rate-limited', () => {
    const [t] = threatsOf(producer('', ''), 'queue-flooding');
    assert.equal(t?.description, 'api enqueues work for internet requests with no rate limit on the way, and jobs is unbounded.');
    assert.equal(t?.evidence[1].fact, 'no rate-limiting on api or in front of it');
  });
});

describe('llm-insecure-output', () => {
  const output = (text: string) => threatsOf(head + text, 'llm-insecure-output');
  const reasons = (text: string) => runOnly(head + text, [llmInsecureOutput]).mitigations.map((m) => [m.controls, m.reason]);

  describe('an API browsers call, with output-encoding on its endpoints', () => {
    const api = (history: string) =>
      `elements:\n  visitor: { tech: browser }\n  chat:\n    type: api\n    endpoints:\n      POST /ask: { controls: [output-encoding] }\n      GET /history: { ${history} }\n  model: { tech: openai }\nflows:\n  - visitor -> chat: https\n  - chat -> model: { protocol: https, auth: api-key }\n`;

    it('takes encoding on every endpoint as encoding the model output browsers get', () => {
      const text = api('controls: [output-encoding]');
      assert.deepEqual(output(text), []);
      assert.deepEqual(reasons(text), [[['output-encoding'], 'model output is encoded on every endpoint browsers call']]);
    });

    it('still reports it when one endpoint does not encode', () => {
      const [t, ...more] = output(api(''));
      assert.equal(more.length, 0);
      assert.equal(t?.description, 'chat passes model output to browsers without validating or encoding it.');
    });
  });

  describe('a store or service it sends to', () => {
    // m20-prompt-db: chat writes to a SQL database; the model does not say that model output goes there.
    const chat = (flow: string, chatControls = '', visitor = true) =>
      `elements:\n${visitor ? '  visitor: { tech: browser }\n' : ''}  chat: { type: api${chatControls} }\n  model: { tech: openai }\n  history: { tech: postgres }\nflows:\n${visitor ? '  - visitor -> chat: https\n' : ''}  - chat -> model: { protocol: https, auth: api-key }\n  - chat -> history: { protocol: sql+tls, auth: password${flow} }\n`;

    it('says what the model shows (chat writes to history), not that it passes model output there', () => {
      const [t] = output(chat(''));
      assert.equal(t?.description, 'chat passes model output to browsers without validating or encoding it, and writes to history; nothing declared validates or neutralises model output it sends there.');
      assert.equal(t?.impact.reason, 'script in users\' sessions or altered data');
      assert.deepEqual(t?.evidence.map((e) => e.fact), [
        'chat -> model calls a language model',
        'no output-encoding on chat',
        'no output-encoding or parameterized-queries on chat -> history',
      ]);
    });

    it('takes parameterized-queries on the flow to a SQL database, or on the process, as covering it', () => {
      for (const text of [chat(', controls: [parameterized-queries]'), chat('', ', controls: [parameterized-queries]')]) {
        const [t] = output(text);
        assert.equal(t?.description, 'chat passes model output to browsers without validating or encoding it.');
        assert.equal(t?.impact.reason, 'script in users\' sessions');
      }
      // With no browsers, nothing is left open: mitigated by the control on the flow.
      const internal = chat(', controls: [parameterized-queries]', '', false);
      assert.deepEqual(output(internal), []);
      assert.deepEqual(reasons(internal), [[['parameterized-queries'], 'what it sends to history is neutralised there']]);
    });

    it('does not take input-validation on the flow for a SQL database, but does for a service', () => {
      const sql = output(chat(', controls: [input-validation]', '', false));
      assert.equal(sql[0]?.description, 'chat calls a language model and writes to history; nothing declared validates or neutralises model output it sends there.');
      const service = (controls: string) =>
        `elements:\n  jobs: { type: worker }\n  model: { tech: openai }\n  mailer: { type: service }\nflows:\n  - jobs -> model: { protocol: https, auth: api-key }\n  - jobs -> mailer: { protocol: https, auth: mtls${controls} }\n`;
      assert.equal(output(service(''))[0]?.description, 'jobs calls a language model and calls mailer; nothing declared validates or neutralises model output it sends there.');
      assert.deepEqual(output(service(', controls: [input-validation]')), []);
      assert.deepEqual(reasons(service(', controls: [input-validation]')), [[['input-validation'], 'what it sends to mailer is neutralised there']]);
    });
  });

  describe('likelihood', () => {
    const chat = (front: string, controls = '', web = '') =>
      `elements:\n  visitor: { tech: browser }\n  web: { type: web-app${web} }\n  chat: { type: api${controls} }\n  model: { tech: openai }\n  history: { tech: postgres }\nflows:\n  - visitor -> ${front}: https\n  - web -> chat: https\n  - chat -> model: { protocol: https, auth: api-key }\n  - chat -> history: { protocol: sql+tls, auth: password }\n`;
    const rating = (text: string, ruleId: string) => {
      const t = threatsOf(head + text, ruleId).find((x) => x.component === 'chat');
      return [t?.likelihood.level, t?.likelihood.reason];
    };

    it('is High when the internet reaches its prompts, as prompt-injection rates it', () => {
      assert.deepEqual(rating(chat('chat'), 'llm-insecure-output'), ['High', 'the internet reaches its prompts: public injection techniques steer the model']);
      assert.equal(rating(chat('chat'), 'prompt-injection')[0], 'High');
    });

    it('is Medium through other components that ask for a credential, or when its prompts are isolated', () => {
      const medium = ['Medium', 'needs the model steered, usually by prompt injection'];
      assert.deepEqual(rating(chat('web', '', ', auth: session-cookie'), 'llm-insecure-output'), medium);
      assert.deepEqual(rating(chat('chat', ', controls: [prompt-isolation]'), 'llm-insecure-output'), medium);
    });

    it('is High when anyone on the internet reaches its prompts without a credential through components that relay', () => {
      assert.deepEqual(rating(chat('web'), 'llm-insecure-output'),
        ['High', 'anyone on the internet reaches its prompts without a credential through web: public injection techniques steer the model']);
      assert.equal(rating(chat('web'), 'prompt-injection')[0], 'High');
      assert.equal(rating(chat('web', '', ', auth: session-cookie'), 'prompt-injection')[0], 'Medium');
    });
  });
});
