// Session 19 (rules-imp): rule findings of the review of models imported from other tools (Threagile, Threat
// Dragon, TMT, draw.io, OTM), which state auth on flows, draw requests and replies, and type people's programs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyChanges } from '../../src/track/key-migrations.js';
import { analyzeText, evidenceFacts as facts, MODEL_HEAD, noThreat as none, onlyThreat as only } from './harness.js';

describe('cross-site-request-forgery: session-cookie auth stated on the flows (#6)', () => {
  const shop = (lbToApp: string, visitorToLb = '{ protocol: https, auth: session-cookie }') =>
    `elements:\n  visitor: { tech: browser }\n  lb: { type: load-balancer }\n  app: { type: web-app }\nflows:\n  - visitor -> lb: ${visitorToLb}\n  - lb -> app: ${lbToApp}\n`;

  it('reports a web app whose inbound hop from an edge in front of browsers states session-cookie', () => {
    const t = only(shop('{ protocol: http, auth: session-cookie }'), 'cross-site-request-forgery');
    assert.equal(t.component, 'app');
    assert.equal(facts(t)[0], "lb -> app brings a browser's session cookie");
  });

  it('reports a flow straight from a browser stating session-cookie', () => {
    const t = only('elements:\n  visitor: { tech: browser }\n  app: { type: web-app }\nflows:\n  - visitor -> app: { protocol: https, auth: session-cookie }\n', 'cross-site-request-forgery');
    assert.equal(t.component, 'app');
  });

  it('says nothing when the hop into the element states no cookie, or the cookie comes from no browser', () => {
    none(shop('{ protocol: http, auth: none }'), 'cross-site-request-forgery');
    none('elements:\n  batch: { type: service }\n  app: { type: web-app }\nflows:\n  - batch -> app: { protocol: https, auth: session-cookie }\n', 'cross-site-request-forgery');
  });
});

describe('cleartext rules: a person using their own browser or app is no network traffic (#11)', () => {
  const u1 = (user: string) =>
    `boundaries:\n  outside: { trust: untrusted }\nelements:\n  user: ${user}\n  browser: { tech: browser, in: outside }\n  web: { type: web-app }\nflows:\n  - user -> browser: http\n  - browser -> web: https\n`;

  it('reports nothing for user -> browser: http', () => {
    none(u1('{ type: user, in: outside }'), 'cleartext-tampering');
    none(u1('{ type: user, in: outside }'), 'cleartext-disclosure');
  });

  it('still reports a person who is the browser, and a person calling our server over http', () => {
    assert.equal(only(u1('{ type: user, tech: browser, in: outside }'), 'cleartext-tampering').flows.length, 1);
    const direct = only('elements:\n  user: { type: user }\n  web: { type: web-app }\nflows:\n  - user -> web: http\n', 'cleartext-disclosure');
    assert.deepEqual(direct.flows, ['user->web']);
  });
});

describe('no-circuit-breaker: build pipelines, clients and shell sessions cascade into no one (#11)', () => {
  const mesh = (caller: string, protocol: string) =>
    `boundaries:\n  mesh: { trust: internal }\nelements:\n  visitor: { tech: browser }\n  caller: ${caller}\n  orders: { type: service, in: mesh }\nflows:\n  - visitor -> orders: https\n  - caller -> orders: ${protocol}\n`;

  it('leaves a ci-cd caller and an ssh session out', () => {
    none(mesh('{ type: ci-cd, in: mesh }', 'https'), 'no-circuit-breaker');
    none(mesh('{ type: service, in: mesh }', 'ssh'), 'no-circuit-breaker');
  });

  it('still reports a service calling another over https', () => {
    const t = only(mesh('{ type: service, in: mesh }', 'https'), 'no-circuit-breaker');
    assert.deepEqual(t.flows, ['caller->orders']);
  });
});

describe('no-ddos-protection: impact from what the element holds or passes on (#14)', () => {
  const model = (assets: string, git: string) =>
    `assets:\n${assets}elements:\n  dev: { type: developer }\n  git: ${git}\n  db: { tech: postgres, stores: [accounts] }\nflows:\n  - dev -> git: https\n`;
  const accounts = '  accounts: { availability: high }\n  code: { availability: medium }\n';

  it('rates Medium an entry point that handles none of the data rated availability high', () => {
    const t = only(model(accounts, '{ type: service, handles: [code] }'), 'no-ddos-protection');
    assert.equal(t.impact.level, 'Medium');
    assert.equal(facts(t)[1], 'accounts have availability high, but git neither handles nor passes them on');
  });

  it('rates High one that handles such data, and any entry point when an asset held by nothing stands for the service', () => {
    assert.equal(only(model(accounts, '{ type: service, handles: [accounts] }'), 'no-ddos-protection').impact.level, 'High');
    const uptime = only(model(`  uptime: { kind: resource, availability: high }\n${accounts}`, '{ type: service }'), 'no-ddos-protection');
    assert.equal(uptime.impact.level, 'High');
    assert.equal(uptime.impact.reason, 'uptime is rated availability high: the service goes offline');
  });
});

describe('exposed-management-port: key-only SSH is not brute-forced (#15)', () => {
  const ssh = (auth: string) =>
    `boundaries:\n  outside: { trust: untrusted }\nelements:\n  dev: { type: developer, in: outside }\n  git: { type: service }\nflows:\n  - dev -> git: { protocol: ssh${auth} }\n`;

  it('rates likelihood Medium with ssh-key or mtls, and says what threatens such a login', () => {
    for (const auth of ['ssh-key', 'mtls']) {
      const t = only(ssh(`, auth: ${auth}`), 'exposed-management-port');
      assert.equal(t.likelihood.level, 'Medium', auth);
      assert.match(t.likelihood.reason, /nothing to brute-force/);
      assert.match(t.description, /keys only, but a stolen key or a pre-auth vulnerability is enough: allow-list/);
      assert.equal(facts(t)[0], `dev -> git uses ssh from an untrusted zone with ${auth}`);
    }
  });

  it('keeps High for a login by password or one that states no auth', () => {
    assert.equal(only(ssh(''), 'exposed-management-port').likelihood.level, 'High');
    assert.equal(only(ssh(', auth: password'), 'exposed-management-port').likelihood.level, 'High');
  });
});

describe('unauthenticated-broker: a cloud provider\'s broker takes IAM-signed calls only (#17)', () => {
  it('reports nothing for SQS, nor for a queue reached through cloud-api', () => {
    none('elements:\n  worker: { type: service }\n  jobs: { tech: sqs }\nflows:\n  - worker -> jobs: https\n', 'unauthenticated-broker');
    none('elements:\n  worker: { type: service }\n  jobs: { type: queue }\nflows:\n  - worker -> jobs: cloud-api\n', 'unauthenticated-broker');
  });

  it('still reports a self-run broker, and its evidence says the flow states no auth', () => {
    const t = only('elements:\n  worker: { type: service }\n  jobs: { tech: rabbitmq }\nflows:\n  - worker -> jobs: amqps\n', 'unauthenticated-broker');
    assert.equal(facts(t)[0], 'worker -> jobs states no auth');
  });

  it('says "uses auth none" where a public endpoint the flow names makes the choice', () => {
    const t = only('elements:\n  worker: { type: service }\n  jobs: { tech: rabbitmq, endpoints: { status: { public: true } } }\nflows:\n  - worker -> jobs: { protocol: amqps, endpoint: status }\n', 'unauthenticated-broker');
    assert.equal(facts(t)[0], 'worker -> jobs uses auth none');
  });
});

describe('key migrations of session 19 (rules-imp)', () => {
  const changes = (body: string, keys: string[]) => keyChanges(analyzeText(MODEL_HEAD + body), keys);

  it('retires the person\'s cleartext keys, the ci-cd caller\'s breaker key and the cloud broker\'s key', () => {
    const person = changes('boundaries:\n  outside: { trust: untrusted }\nelements:\n  user: { type: user, in: outside }\n  browser: { tech: browser, in: outside }\n  web: { type: web-app }\nflows:\n  - user -> browser: http\n  - browser -> web: https\n',
      ['cleartext-tampering@outside', 'cleartext-disclosure@user', 'cleartext-tampering@web']);
    assert.equal(person.get('cleartext-tampering@outside')?.kind, 'retired');
    assert.equal(person.get('cleartext-disclosure@user')?.kind, 'retired');
    assert.equal(person.has('cleartext-tampering@web'), false);
    const ci = changes('boundaries:\n  mesh: { trust: internal }\nelements:\n  ci: { type: ci-cd, in: mesh }\n  orders: { type: service, in: mesh }\nflows:\n  - ci -> orders: https\n', ['no-circuit-breaker@mesh', 'no-circuit-breaker@orders']);
    assert.equal(ci.get('no-circuit-breaker@mesh')?.kind, 'retired');
    assert.equal(ci.has('no-circuit-breaker@orders'), false);
    const sqs = changes('elements:\n  worker: { type: service }\n  jobs: { tech: sqs }\n  mq: { tech: rabbitmq, auth: password }\nflows:\n  - worker -> jobs: https\n  - worker -> mq: amqps\n', ['unauthenticated-broker@jobs', 'unauthenticated-broker@mq']);
    assert.equal(sqs.get('unauthenticated-broker@jobs')?.kind, 'retired');
    assert.equal(sqs.has('unauthenticated-broker@mq'), false);
  });
});
