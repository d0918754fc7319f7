// Availability and queue findings (third review round): texts say who really calls (through other components,
// people and browsers as callers, not components), name the endpoints that lack a throttle, and calls to
// clients (people, browsers, devices) are no calls to a provider or dependency.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODEL_HEAD as head, threatsOf } from './harness.js';


describe('no-rate-limiting', () => {
  const api = (front: string) =>
    `${head}elements:\n  visitor: { tech: browser }\n  web: { type: web-app }\n  api:\n    type: api\n    endpoints:\n      /search: { public: true }\n      /export: { auth: jwt }\nflows:\n  - visitor -> ${front}: https\n  - web -> api: https\n`;
  const on = (text: string, key: string) => threatsOf(text, 'no-rate-limiting').find((t) => t.title.endsWith(key));

  it('says an endpoint reached only through other components is called as fast as they forward, not by anyone at will', () => {
    const search = on(api('web'), '/search');
    assert.equal(search?.description, '/search on api can be called as fast as other components forward requests from anyone: expensive queries exhaust the service.');
    assert.equal(search?.likelihood.level, 'Medium');
    assert.equal(on(api('web'), '/export')?.description, '/export on api can be called as fast as other components forward requests from any account.');
  });

  it('still says anyone calls an endpoint the internet reaches directly', () => {
    const text = api('api');
    const search = on(text, '/search');
    assert.equal(search?.description, '/search on api can be called by anyone as fast as they like: expensive queries exhaust the service.');
    assert.equal(search?.likelihood.level, 'High');
    assert.equal(on(text, '/export')?.description, '/export on api can be called by any account as fast as they like.');
  });
});

describe('no-timeouts-external', () => {
  const calls = (target: string) =>
    `${head}elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  remote: { type: ${target} }\nflows:\n  - visitor -> api: https\n  - api -> remote: https\n`;

  it('does not call a device in an untrusted zone a slow provider', () => {
    assert.deepEqual(threatsOf(calls('device'), 'no-timeouts-external', 'no-circuit-breaker'), []);
  });

  it('still reports a synchronous call to a third party', () => {
    const [t, ...more] = threatsOf(calls('third-party'), 'no-timeouts-external');
    assert.equal(more.length, 0);
    assert.equal(t?.component, 'api');
    assert.deepEqual(t?.flows, ['api->remote']);
    assert.equal(t?.description, 'api calls remote synchronously with no timeout or circuit breaker; a slow provider ties up api\'s workers.');
  });
});

describe('queue-flooding', () => {
  const producer = (cart: string) =>
    `${head}elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /orders: { public: true, controls: [rate-limiting] }\n      /cart: { public: true${cart} }\n      /items: { public: true }\n  jobs: { tech: rabbitmq }\nflows:\n  - visitor -> api: https\n  - api -> jobs: amqps\n`;

  it('names the endpoints without rate-limiting when others of the producer have it', () => {
    const [t] = threatsOf(producer(''), 'queue-flooding');
    assert.deepEqual(t?.evidence.map((e) => e.fact), [
      'api produces to jobs',
      'no rate-limiting on /cart, /items on api or in front of it',
      'no size-limits or rate-limiting declared on jobs',
    ]);
  });

  it('names the producer when none of its endpoints is rate-limited', () => {
    const text = producer('').replace('/orders: { public: true, controls: [rate-limiting] }', '/orders: { public: true }');
    const [t] = threatsOf(text, 'queue-flooding');
    assert.equal(t?.evidence[1].fact, 'no rate-limiting on api or in front of it');
  });
});

describe('single-point-of-failure', () => {
  const spof = (callers: string, flows: string) =>
    threatsOf(`${head}elements:\n${callers}  api: { type: api, replicas: 1 }\nflows:\n${flows}`, 'single-point-of-failure');

  it('does not count people and browsers as components that depend on it', () => {
    const [t] = spof('  visitor: { tech: browser }\n  admin: { type: admin }\n', '  - visitor -> api: https\n  - admin -> api: https\n');
    assert.equal(t?.description, 'api runs as one instance and callers from untrusted zones depend on it; its failure stops them.');
    const [mixed] = spof(
      '  visitor: { tech: browser }\n  web: { type: web-app }\n',
      '  - visitor -> web: https\n  - visitor -> api: https\n  - web -> api: https\n',
    );
    assert.equal(mixed?.description, 'api runs as one instance and 1 component and callers from untrusted zones depend on it; its failure stops them.');
  });

  it('counts the processes that call it as components', () => {
    const [t] = spof(
      '  visitor: { tech: browser }\n  a: { type: service }\n  b: { type: service }\n  c: { type: service }\n',
      '  - visitor -> a: https\n  - a -> api: https\n  - b -> api: https\n  - c -> api: https\n',
    );
    assert.equal(t?.description, 'api runs as one instance and 3 components depend on it; its failure stops them.');
    assert.equal(t?.impact.level, 'High');
    assert.equal(t?.impact.reason, '3 components stop');
  });
});

describe('no-circuit-breaker', () => {
  const office = (extra: string) =>
    `${head}boundaries:\n  office: { trust: internal }\nelements:\n  visitor: { tech: browser }\n  staff: { type: user, in: office }\n  desktop: { tech: browser, in: office }\n  intranet: { type: web-app, in: office }\n  hr: { type: service, in: office }\nflows:\n  - visitor -> intranet: https\n  - staff -> desktop: https\n  - desktop -> intranet: https\n  - intranet -> desktop: https\n  - intranet -> staff: https\n${extra}`;

  it('does not count responses to people or browsers in an internal zone as calls to a dependency', () => {
    assert.deepEqual(threatsOf(office(''), 'no-circuit-breaker'), []);
  });

  it('counts only the calls to services next to them', () => {
    const [t, ...more] = threatsOf(office('  - intranet -> hr: https\n'), 'no-circuit-breaker');
    assert.equal(more.length, 0);
    assert.equal(t?.description, 'intranet makes 1 synchronous call without circuit breakers or timeouts; one slow dependency exhausts its workers and the outage spreads.');
    assert.deepEqual(t?.evidence.map((e) => e.fact), ['intranet -> hr: synchronous https call', 'no circuit-breaker or timeouts on intranet']);
  });

  it('does not count acting on a cloud management plane as a call to a dependency', () => {
    const text = office('  - intranet -> aws: { protocol: cloud-api, auth: iam }\n').replace('elements:\n', 'elements:\n  aws: { tech: aws-console, in: office }\n');
    assert.deepEqual(threatsOf(text, 'no-circuit-breaker'), []);
  });
});
