// Session 17 (authn-s17), from a senior review of real systems (a Kubernetes voting app, Terraform, crAPI):
// an open store counts the integrity of what it holds; missing-authentication rates what callers can do
// through a service (read what it handles, change what they send in), leaves a mail catcher to
// exposed-mail-catcher, and takes an untyped caller for anyone (the model gets a warning, not a partner
// finding); cache-stampede skips a cache that is where its data starts (a queue); no-circuit-breaker skips
// load balancers; single-point-of-failure ranks a store behind an internet-facing service as that service.
// Each behaviour has a positive and a negative case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadModel } from '../../src/model/load.js';
import { MODEL_HEAD, threatsIn } from './harness.js';

const keys = (body: string, ...rules: string[]) => threatsIn(body, ...rules).map((t) => `${t.risk} ${t.key}`);

describe('unauthenticated-store-access: data of high integrity', () => {
  const votes = (integrity: string) =>
    `assets:\n  votes: { name: Votes, type: business, classification: internal, integrity: ${integrity} }\nboundaries:\n  ns: { trust: internal }\n` +
    'elements:\n  vote: { type: service, in: ns, handles: [votes] }\n  redis: { tech: redis, in: ns, stores: [votes] }\n' +
    'flows:\n  - vote -> redis: { protocol: redis, data: [votes] }\n';

  it('reports an open store holding data whose integrity is high, rated from that integrity', () => {
    const [t, ...more] = threatsIn(votes('high'), 'unauthenticated-store-access');
    assert.equal(more.length, 0);
    assert.equal(t.key, 'unauthenticated-store-access@redis');
    assert.equal(t.risk, 'High');
    assert.equal(t.impact.level, 'High');
    assert.match(t.impact.reason, /^integrity of Votes is high/);
    assert.equal(t.description, 'vote -> redis carries no credentials, so redis (holding Votes) answers anyone who can reach it on the network: they can forge, change or delete Votes.');
  });

  it('leaves a store whose data is neither confidential, sensitive nor of high integrity', () => {
    assert.deepEqual(threatsIn(votes('medium'), 'unauthenticated-store-access'), []);
  });

  it('keeps the confidentiality wording and rating when disclosure weighs at least as much', () => {
    const body = 'assets:\n  pii: { type: pii, classification: confidential, integrity: high }\nelements:\n  api: { type: api }\n  db: { tech: mongodb, stores: [pii] }\nflows:\n  - api -> db: mongodb+tls\n';
    const [t] = threatsIn(body, 'unauthenticated-store-access');
    assert.match(t.impact.reason, /^confidentiality of pii is high/);
    assert.ok(!t.description.includes('forge'), t.description);
  });
});

describe('missing-authentication: impact from what callers can do through the service', () => {
  /** A public page `result` showing tallies, and `vote` taking ballots, both reached by browsers. */
  const voting = (ballots: string) =>
    'assets:\n  votes: { name: Votes, type: business, classification: internal, integrity: high }\n' +
    '  results: { name: Tallies, type: business, classification: public, integrity: high }\n' +
    'boundaries:\n  outside: { trust: untrusted }\n  ns: { trust: internal }\n' +
    'elements:\n  voters: { tech: browser, in: outside }\n  result: { type: web-app, in: ns, handles: [results] }\n' +
    '  vote: { type: web-app, in: ns, handles: [votes] }\n  db: { tech: postgres, in: ns, stores: [votes, results] }\n' +
    `flows:\n  - voters -> result: { protocol: https, data: [results] }\n  - voters -> vote: { protocol: https${ballots} }\n` +
    '  - result -> db: { protocol: postgres, auth: password, data: [results] }\n  - vote -> db: { protocol: postgres, auth: password, data: [votes] }\n';

  it('leaves a page that shows public data to people: its integrity is not theirs to change', () => {
    assert.deepEqual(keys(voting(', data: [votes]'), 'missing-authentication'), ['Critical missing-authentication@vote']);
  });

  it('counts the integrity of what callers send in, or of all it handles when their flow names no data', () => {
    const [named] = threatsIn(voting(', data: [votes]'), 'missing-authentication');
    assert.match(named.impact.reason, /^integrity of Votes is high/);
    const [unnamed] = threatsIn(voting(''), 'missing-authentication');
    assert.equal(unnamed.key, 'missing-authentication@vote');
    assert.match(unnamed.impact.reason, /^integrity of Votes is high/);
  });

  it('counts public data of high integrity that one of our services (not a person) sends in', () => {
    const body = `${voting(', data: [votes]').replace('  db:', '  counter: { type: worker, in: ns }\n  db:')}  - counter -> result: { protocol: https, data: [results] }\n`;
    const found = threatsIn(body, 'missing-authentication');
    assert.deepEqual(found.map((t) => `${t.risk} ${t.key}`).sort(), ['Critical missing-authentication@result', 'Critical missing-authentication@vote']);
    assert.match(found.find((t) => t.key.endsWith('@result'))!.impact.reason, /^integrity of Tallies is high/);
  });

  it('rates a confidential page from its confidentiality whatever it shows', () => {
    const body = 'assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  app: { type: api, handles: [pii] }\nflows:\n  - visitor -> app: https\n';
    const [t] = threatsIn(body, 'missing-authentication');
    assert.match(t.impact.reason, /^confidentiality of pii is high/);
  });
});

describe('missing-authentication leaves a mail catcher to exposed-mail-catcher', () => {
  const mail = (rules: string) =>
    'assets:\n  mails: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  mail: { tech: mailhog, handles: [mails] }\n' +
    `flows:\n  - visitor -> mail: http\n${rules}`;

  it('reports one Critical, exposed-mail-catcher\'s', () => {
    assert.deepEqual(keys(mail(''), 'missing-authentication', 'exposed-mail-catcher'), ['Critical exposed-mail-catcher@mail']);
  });

  it('reports it as missing authentication when exposed-mail-catcher is disabled', () => {
    assert.deepEqual(keys(mail('rules:\n  disable: [exposed-mail-catcher]\n'), 'missing-authentication', 'exposed-mail-catcher'), ['Critical missing-authentication@mail']);
  });
});

describe('a caller of no type: anyone, with a warning, not a partner', () => {
  const model = (caller: string, handles = '') =>
    `${MODEL_HEAD}assets:\n  pii: { type: pii, classification: confidential }\nboundaries:\n  outside: { trust: untrusted }\n  app: { trust: internal }\n` +
    `elements:\n  ${caller}\n  ballot: { type: service, in: app${handles} }\nflows:\n  - clients -> ballot: http\n`;
  const untyped = 'clients: { name: Outside clients, kind: external, in: outside }';
  const rules = (text: string) => threatsIn(text.slice(MODEL_HEAD.length), 'unauthenticated-partner-call', 'missing-authentication').map((t) => t.key);
  const warnings = (text: string) => loadModel(text, 'm.yaml').diagnostics.filter((d) => d.code === 'untyped-caller').map((d) => `${d.path} ${d.message}`);

  it('makes no partner finding; missing-authentication reports the service when it handles sensitive data', () => {
    assert.deepEqual(rules(model(untyped)), []);
    assert.deepEqual(rules(model(untyped, ', handles: [pii]')), ['missing-authentication@ballot']);
  });

  it('still reports a caller typed as a partner', () => {
    assert.deepEqual(rules(model('clients: { name: Carrier, type: third-party, in: outside }')), ['unauthenticated-partner-call@ballot']);
  });

  it('warns once about an untyped external that calls in, and not about a typed one or one that only receives', () => {
    assert.deepEqual(warnings(model(untyped)), ['elements.clients external element `clients` calls into the system but does not say who it is (no `type`)']);
    assert.deepEqual(warnings(model('clients: { kind: external, tech: browser, in: outside }')), []);
    assert.deepEqual(warnings(model(untyped).replace('  - clients -> ballot: http\n', '  - clients -> ballot: http\n  - ballot -> clients: http\n')).length, 1);
    const receiving = model(untyped).replace('  - clients -> ballot: http\n', '  - ballot -> clients: http\n');
    assert.deepEqual(warnings(receiving), []);
  });
});

describe('cache-stampede: a cache in front of a database, not a queue', () => {
  const redis = (push: string) =>
    'assets:\n  votes: { classification: internal }\nelements:\n  vote: { type: web-app }\n  worker: { type: worker }\n' +
    '  redis: { tech: redis, stores: [votes] }\n  db: { tech: postgres, stores: [votes] }\n' +
    `flows:\n  - vote -> redis: ${push}\n  - worker -> redis: { protocol: redis, data: [votes] }\n  - worker -> db: { protocol: postgres, data: [votes] }\n`;

  it('leaves a cache that a process without the database pushes the data into', () => {
    assert.deepEqual(keys(redis('{ protocol: redis, data: [votes] }'), 'cache-stampede'), []);
  });

  it('reports it when the flow into it names no data, or its writer reads the database too', () => {
    assert.deepEqual(keys(redis('redis'), 'cache-stampede'), ['Medium cache-stampede@redis']);
    const both = `${redis('{ protocol: redis, data: [votes] }')}  - vote -> db: { protocol: postgres, data: [votes] }\n`;
    assert.deepEqual(keys(both, 'cache-stampede'), ['Medium cache-stampede@redis']);
  });
});

describe('no-circuit-breaker: a load balancer\'s health checks are its breaker', () => {
  const calls = (front: string) =>
    `boundaries:\n  vpc: { trust: internal }\nelements:\n  visitor: { tech: browser }\n  front: { ${front}, in: vpc }\n  app: { type: service, in: vpc }\n` +
    'flows:\n  - visitor -> front: https\n  - front -> app: http\n';

  it('leaves the calls of a load balancer to its targets', () => {
    assert.deepEqual(keys(calls('tech: alb'), 'no-circuit-breaker'), []);
    assert.deepEqual(keys(calls('type: load-balancer'), 'no-circuit-breaker'), []);
  });

  it('still reports a service or a reverse proxy calling synchronously', () => {
    assert.deepEqual(keys(calls('type: service'), 'no-circuit-breaker'), ['Medium no-circuit-breaker@vpc']);
    assert.deepEqual(keys(calls('tech: nginx'), 'no-circuit-breaker'), ['Medium no-circuit-breaker@vpc']);
  });
});

describe('single-point-of-failure: a store behind an internet-facing service ranks with it', () => {
  const spof = (front: string) =>
    `boundaries:\n  outside: { trust: untrusted }\n  ns: { trust: internal }\nelements:\n  voters: { tech: browser, in: outside }\n` +
    `  vote: { type: web-app, in: ns, replicas: 1 }\n  ops: { type: service, in: ns }\n  redis: { tech: redis, in: ns, replicas: 1 }\n` +
    `flows:\n${front}  - vote -> redis: redis\n  - ops -> redis: redis\n`;

  it('rates a single store as high as the internet-facing service that depends on it', () => {
    const found = threatsIn(spof('  - voters -> vote: https\n'), 'single-point-of-failure');
    assert.deepEqual(found.map((t) => `${t.risk} ${t.key}`).sort(), ['Medium single-point-of-failure@redis', 'Medium single-point-of-failure@vote']);
    assert.equal(found.find((t) => t.key.endsWith('@redis'))!.impact.reason, 'the internet-facing path through vote stops');
  });

  it('keeps it Medium impact when what depends on it is internal', () => {
    const [t] = threatsIn(spof(''), 'single-point-of-failure').filter((x) => x.key.endsWith('@redis'));
    assert.equal(t.risk, 'Low');
    assert.equal(t.impact.reason, 'its callers stop: downtime');
  });
});
