// What findings say and when rules fire, checked against the facts of small models: every sentence of a
// finding must hold for the model that produced it (a control in place is never called missing, the
// internet is named only when the element is reached from it), and one problem is one finding.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withArticle } from '../../src/analysis/rules/helpers.js';
import { analyzeText } from './harness.js';

describe('findings', () => {
  it('cite a login control in place as present, never among the missing ones (credential stuffing)', () => {
    const login = (controls: string) =>
      analyzeText(`threatmap: 1\nsystem: { name: Login }\nelements:\n  visitor: { type: user, tech: browser }\n  api:\n    type: api\n    endpoints:\n      /login: { public: true, controls: [${controls}] }\nflows:\n  - visitor -> api: https\n`)
        .threats.find((t) => t.ruleId === 'credential-stuffing');
    const one = login('account-lockout');
    assert.ok(one);
    assert.deepEqual(one.evidence.map((e) => e.fact), [
      '/login is a login endpoint',
      'only account-lockout protects /login',
      'no rate-limiting or captcha or mfa on /login on api or in front of it',
    ]);
    assert.match(one.description, /with only account-lockout and no MFA/);
    const none = login('');
    assert.ok(none);
    assert.deepEqual(none.evidence.map((e) => e.fact), ['/login is a login endpoint', 'no rate-limiting or account-lockout or captcha or mfa on /login on api or in front of it']);
    assert.equal(login('account-lockout, rate-limiting'), undefined);
    assert.match(none.description, /accepts passwords from the internet with no throttling/);
    const behindWebApp = analyzeText('threatmap: 1\nsystem: { name: Login }\nelements:\n  visitor: { type: user, tech: browser }\n  web: { type: web-app }\n  api:\n    type: api\n    endpoints:\n      /login: { public: true }\nflows:\n  - visitor -> web: https\n  - web -> api: https\n')
      .threats.find((t) => t.ruleId === 'credential-stuffing');
    assert.ok(behindWebApp);
    assert.match(behindWebApp.description, /accepts passwords from untrusted callers through other components with no throttling/);
  });

  it('rate a consumer behind a broker as the rating says: Medium, through the broker (insecure deserialization)', () => {
    const head = 'threatmap: 1\nsystem: { name: Queue }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n';
    const viaBroker = analyzeText(`${head}  queue: { tech: rabbitmq }\n  jobs: { tech: celery, tags: [pickle] }\nflows:\n  - visitor -> api: https\n  - api -> queue: amqps\n  - queue -> jobs: amqps\n`)
      .threats.find((t) => t.ruleId === 'insecure-deserialization' && t.component === 'jobs');
    assert.ok(viaBroker);
    assert.equal(viaBroker.likelihood.level, 'Medium');
    assert.match(viaBroker.description, /through a message broker\.$/);
    assert.ok(viaBroker.evidence.some((e) => e.fact === 'consumes messages produced by exposed components'));
    // Reached through a service rather than a broker: the rule's own (direct) rating.
    const viaService = analyzeText(`${head}  jobs: { tech: celery, tags: [pickle] }\nflows:\n  - visitor -> api: https\n  - api -> jobs: https\n`)
      .threats.find((t) => t.ruleId === 'insecure-deserialization' && t.component === 'jobs');
    assert.ok(viaService);
    assert.equal(viaService.likelihood.level, 'Low');
    assert.doesNotMatch(viaService.description, /broker/);
  });

  it('report a caller without timeouts once, as no-timeouts-external naming its internal calls too, not also as a missing circuit breaker', () => {
    const r = analyzeText('threatmap: 1\nsystem: { name: Calls }\nelements:\n  orders: { type: service }\n  payments: { type: service }\n  mailer: { type: third-party }\nflows:\n  - orders -> payments: https\n  - orders -> mailer: https\n');
    const about = (ruleId: string) => r.threats.filter((t) => t.ruleId === ruleId).flatMap((t) => t.flows);
    assert.deepEqual(about('no-timeouts-external'), ['orders->mailer', 'orders->payments']);
    assert.deepEqual(about('no-circuit-breaker'), []);
  });

  it('leave JWT validation to what runs code or is a gateway: a load balancer passing tokens on is no finding', () => {
    const jwtInto = (type: string) => analyzeText(`threatmap: 1\nsystem: { name: Tokens }\nelements:\n  client: { type: third-party }\n  edge: { type: ${type} }\nflows:\n  - client -> edge: { protocol: https, auth: jwt }\n`)
      .threats.filter((t) => t.ruleId === 'missing-token-validation').map((t) => t.component);
    assert.deepEqual(jwtInto('load-balancer'), []);
    assert.deepEqual(jwtInto('cdn'), []);
    assert.deepEqual(jwtInto('gateway'), ['edge']);
    assert.deepEqual(jwtInto('api'), ['edge']);
  });

  it('say an admin interface is reachable from the internet only when it is, and leave out of over-privilege the data a service returns', () => {
    const admin = analyzeText('threatmap: 1\nsystem: { name: Admin }\nelements:\n  visitor: { tech: browser }\n  web: { type: web-app, auth: session-cookie }\n  api: { type: api, endpoints: { /admin: { auth: jwt } } }\nflows:\n  - visitor -> web: https\n  - web -> api: https\n')
      .threats.find((t) => t.ruleId === 'exposed-admin-interface');
    assert.ok(admin);
    assert.match(admin.description, /reachable from an untrusted zone through other components behind jwt only/);
    const stores = (returns: string) => analyzeText(`threatmap: 1\nsystem: { name: Store }\nassets:\n  cards: { classification: restricted }\nelements:\n  visitor: { tech: browser }\n  reports: { type: service, endpoints: { /cards: { auth: jwt, returns: [${returns}] } } }\n  db: { tech: postgres, stores: [cards] }\nflows:\n  - visitor -> reports: https\n  - reports -> db: { protocol: sql+tls, auth: password }\n`)
      .threats.filter((t) => t.ruleId === 'over-privileged-store-access').length;
    assert.equal(stores('cards'), 0);
    assert.equal(stores(''), 1);
  });

  it('take traffic from an element of ours marked exposed as its own, not as the internet\'s', () => {
    const r = analyzeText('threatmap: 1\nsystem: { name: Exposed }\nassets:\n  orders: { classification: confidential }\nelements:\n  api: { type: api, exposed: true }\n  db: { tech: postgres, stores: [orders] }\n  bastion: { type: service, exposed: true }\n  server: { type: service }\n  operator: { type: admin }\n  box: { type: service, exposed: true }\nflows:\n  - api -> db: sql+tls\n  - bastion -> server: ssh\n  - operator -> box: ssh\n');
    const on = (ruleId: string) => r.threats.filter((t) => t.ruleId === ruleId).map((t) => t.component);
    assert.deepEqual(on('exposed-data-store'), [], 'a database behind an exposed api is not reachable from the internet');
    assert.deepEqual(on('exposed-management-port'), ['box'], 'SSH from a bastion is no finding; SSH from the internet to an exposed host is');
  });

  it('call no response to a browser or a person a call to a provider without timeouts', () => {
    const r = analyzeText('threatmap: 1\nsystem: { name: Push }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  mailer: { type: third-party }\nflows:\n  - visitor -> api: https\n  - api -> visitor: wss\n  - api -> mailer: https\n');
    assert.deepEqual(r.threats.filter((t) => t.ruleId === 'no-timeouts-external').map((t) => [t.component, t.flows]), [['api', ['api->mailer']]]);
  });

  it('report one problem once: a login\'s throttling, people sharing a login, a component named twice', () => {
    const login = analyzeText('threatmap: 1\nsystem: { name: Login }\nelements:\n  visitor: { tech: browser }\n  api: { type: api, endpoints: { /login: { public: true } } }\nflows:\n  - visitor -> api: https\n');
    const throttling = (r: typeof login) => r.threats.filter((t) => t.endpoint === 'api:/login').map((t) => t.ruleId).filter((id) => id === 'credential-stuffing' || id === 'no-rate-limiting');
    assert.deepEqual(throttling(login), ['credential-stuffing']);
    // With MFA there is no credential stuffing, but a flood of logins is still a finding.
    assert.deepEqual(throttling(analyzeText('threatmap: 1\nsystem: { name: Login }\nelements:\n  visitor: { tech: browser }\n  api: { type: api, endpoints: { /login: { public: true, controls: [mfa] } } }\nflows:\n  - visitor -> api: https\n')), ['no-rate-limiting']);
    const people = analyzeText('threatmap: 1\nsystem: { name: Shared }\nelements:\n  alice: { type: admin }\n  bob: { type: admin }\n  console: { type: service }\nflows:\n  - alice -> console: { protocol: https, credential: ops-root }\n  - bob -> console: { protocol: https, credential: ops-root }\n');
    assert.deepEqual(people.threats.filter((t) => t.ruleId === 'shared-credentials' || t.ruleId === 'shared-account').map((t) => t.ruleId), ['shared-account']);
    const twice = analyzeText('threatmap: 1\nsystem: { name: Queue }\nelements:\n  api: { type: api }\n  jobs: { tech: rabbitmq }\n  worker: { type: worker }\nflows:\n  - api -> jobs: amqps\n  - jobs -> worker: { protocol: amqps, id: a }\n  - jobs -> worker: { protocol: amqps, id: b }\n')
      .threats.find((t) => t.ruleId === 'poison-message');
    assert.ok(twice);
    assert.match(twice.description, /^worker consumes jobs/);
  });

  it('take a producer in an untrusted zone, publishing straight into a queue, as untrusted input for its consumers', () => {
    const r = analyzeText('threatmap: 1\nsystem: { name: Devices }\nelements:\n  sensor: { type: device }\n  queue: { tech: rabbitmq }\n  jobs: { tech: celery, tags: [pickle] }\nflows:\n  - sensor -> queue: amqps\n  - queue -> jobs: amqps\n');
    const t = r.threats.find((x) => x.ruleId === 'insecure-deserialization');
    assert.ok(t);
    assert.equal(t.likelihood.level, 'Medium');
    assert.match(t.description, /through a message broker/);
  });

  it('rate an exposed store by what it holds, and speak of credentials, not passwords, where the model names none', () => {
    const bucket = analyzeText('threatmap: 1\nsystem: { name: Bucket }\nassets:\n  brochure: { classification: public }\nelements:\n  bucket: { tech: s3, exposed: true, stores: [brochure] }\n')
      .threats.find((t) => t.ruleId === 'exposed-data-store');
    assert.ok(bucket);
    assert.equal(bucket.impact.level, 'Low');
    const admin = analyzeText('threatmap: 1\nsystem: { name: Admin }\nelements:\n  ops: { type: admin, tech: browser }\n  api: { type: api, endpoints: { /admin: { auth: mtls, controls: [vpn] } } }\nflows:\n  - ops -> api: https\n');
    const texts = admin.threats.filter((t) => t.ruleId === 'admin-without-mfa' || t.ruleId === 'privileged-user-phishing').map((t) => `${t.description} ${t.likelihood.reason}`);
    assert.ok(texts.length > 0);
    for (const text of texts) assert.doesNotMatch(text, /password/);
  });

  it('count cloud identities, Kerberos and signed tokens as authenticating the calling service, as mutual TLS does', () => {
    const calls = (auth: string) => analyzeText(`threatmap: 1\nsystem: { name: Mesh }\nboundaries:\n  mesh: { trust: internal }\nelements:\n  orders: { type: service, in: mesh }\n  payments: { type: service, in: mesh }\nflows:\n  - orders -> payments: { protocol: https, auth: ${auth} }\n`);
    for (const auth of ['mtls', 'iam', 'kerberos', 'jwt']) assert.equal(calls(auth).threats.filter((t) => t.ruleId === 'no-mutual-tls').length, 0, auth);
    for (const auth of ['none', 'api-key', 'basic']) assert.equal(calls(auth).threats.filter((t) => t.ruleId === 'no-mutual-tls').length, 1, auth);
    const cell = calls('iam').coverage.find((row) => row.component === 'payments')?.cells.find((c) => c.stride === 'S');
    assert.equal(cell?.status, 'mitigated');
    assert.deepEqual(cell?.controls, ['iam']);
  });

  it('name only the people or consumers that lack the control', () => {
    const console = analyzeText('threatmap: 1\nsystem: { name: Cloud }\nelements:\n  ops: { type: admin }\n  dev: { type: developer }\n  console: { tech: aws-console }\nflows:\n  - ops -> console: { protocol: https, auth: oidc, controls: [mfa] }\n  - dev -> console: { protocol: https, auth: oidc }\n')
      .threats.find((t) => t.ruleId === 'cloud-console-without-mfa');
    assert.ok(console);
    assert.match(console.description, /^dev signs in to console/);
    assert.ok(console.evidence.some((e) => e.fact.startsWith('dev -> console')));
    const queue = analyzeText('threatmap: 1\nsystem: { name: Queue }\nelements:\n  api: { type: api }\n  jobs: { tech: rabbitmq }\n  w1: { type: worker, controls: [dead-letter-queue] }\n  w2: { type: worker }\nflows:\n  - api -> jobs: amqps\n  - jobs -> w1: amqps\n  - jobs -> w2: amqps\n')
      .threats.find((t) => t.ruleId === 'poison-message');
    assert.ok(queue);
    assert.match(queue.description, /^w2 consumes jobs/);
  });

  it('rate a forged webhook event by the data it carries, each name once', () => {
    const r = analyzeText('threatmap: 1\nsystem: { name: Hooks }\nassets:\n  payments: { type: payment, classification: confidential }\n  cards: { type: payment, classification: restricted }\nelements:\n  stripe: { tech: stripe }\n  api:\n    type: api\n    endpoints:\n      /hooks/billing: { public: true, accepts: [payments] }\n      /wallet: { auth: jwt, returns: [cards] }\nflows:\n  - stripe -> api: https\n');
    const forged = r.threats.find((t) => t.ruleId === 'unsigned-webhook');
    assert.ok(forged);
    assert.match(forged.description, /forged event that changes payments\.$/);
  });

  it('rate a missing audit trail High for admin actions and money, not for every webhook', () => {
    const audit = (accepts: string) => analyzeText(`threatmap: 1\nsystem: { name: Hooks }\nassets:\n  payments: { type: payment, classification: confidential }\nelements:\n  github: { type: third-party }\n  ci: { type: service, endpoints: { /hooks: { public: true, accepts: [${accepts}] } } }\nflows:\n  - github -> ci: https\n`)
      .threats.find((t) => t.ruleId === 'no-audit-log');
    assert.equal(audit('')?.impact.level, 'Medium');
    assert.equal(audit('payments')?.impact.level, 'High');
  });

  it('give cleartext over the internet its own impact reason, and leave resources out of unencrypted data', () => {
    const cleartext = analyzeText('threatmap: 1\nsystem: { name: Web }\nelements:\n  visitor: { tech: browser }\n  web: { type: web-app }\nflows:\n  - visitor -> web: http\n')
      .threats.find((t) => t.ruleId === 'cleartext-disclosure');
    assert.ok(cleartext);
    assert.doesNotMatch(cleartext.impact.reason, /internal/);
    const store = (kind: string) => analyzeText(`threatmap: 1\nsystem: { name: Store }\nassets:\n  thing: { kind: ${kind}, classification: confidential }\nelements:\n  db: { tech: postgres, stores: [thing] }\n`)
      .threats.filter((t) => t.ruleId === 'unencrypted-store').length;
    assert.equal(store('data'), 1);
    assert.equal(store('resource'), 0);
  });

  it('take a control declared on a query flow as guarding that flow (SQL injection)', () => {
    const sql = (controls: string) => analyzeText(`threatmap: 1\nsystem: { name: Db }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { tech: postgres }\n  reports: { tech: postgres }\nflows:\n  - visitor -> api: https\n  - api -> db: { protocol: sql+tls, controls: [parameterized-queries] }\n  - api -> reports: { protocol: sql+tls${controls} }\n`)
      .threats.filter((t) => t.ruleId === 'sql-injection');
    const [one] = sql('');
    assert.ok(one);
    assert.deepEqual(one.flows, ['api->reports'], 'only the flow without the control');
    assert.match(one.title, /into reports$/);
    assert.equal(sql(', controls: [parameterized-queries]').length, 0);
  });

  it('count as an agent\'s tools only what the agent itself reaches, and report an admin panel once', () => {
    const chat = analyzeText('threatmap: 1\nsystem: { name: Chat }\nelements:\n  visitor: { tech: browser }\n  assistant: { tech: llm-agent }\n  app: { type: api }\n  model: { tech: openai }\n  history: { tech: postgres }\nflows:\n  - visitor -> assistant: https\n  - assistant -> visitor: https\n  - visitor -> app: https\n  - app -> model: { protocol: https, auth: api-key }\n  - app -> history: sql+tls\n');
    const injection = (id: string) => chat.threats.find((t) => t.ruleId === 'prompt-injection' && t.component === id);
    assert.ok(injection('assistant') && injection('app'));
    assert.doesNotMatch(injection('assistant')!.description, /tools/, 'a reply to the browser is no tool');
    assert.doesNotMatch(injection('app')!.description, /tools/, 'the app\'s own database is no tool of the model');
    const panel = analyzeText('threatmap: 1\nsystem: { name: Panel }\nelements:\n  staff: { type: admin, tech: browser }\n  backoffice: { type: admin-panel, endpoints: { /admin: { auth: session-cookie } } }\nflows:\n  - staff -> backoffice: https\n');
    assert.deepEqual(panel.threats.filter((t) => t.ruleId === 'exposed-admin-panel' || t.ruleId === 'exposed-admin-interface').map((t) => t.ruleId), ['exposed-admin-panel']);
  });

  it('take an endpoint as reached only by the flows that can reach it: a partner calling /export does not put /login on the internet', () => {
    const model = (endpoint: string) => analyzeText(`threatmap: 1\nsystem: { name: X }\nelements:\n  partner: { type: third-party }\n  web: { type: web-app }\n  api:\n    type: api\n    endpoints:\n      /export: { auth: api-key }\n      /login: { public: true }\nflows:\n  - partner -> api: { protocol: https, auth: api-key${endpoint} }\n  - web -> api: https\n`);
    const onLogin = (r: ReturnType<typeof analyzeText>) => r.threats.filter((t) => t.endpoint === 'api:/login').map((t) => t.ruleId);
    assert.deepEqual(onLogin(model(', endpoint: /export')), []);
    assert.ok(onLogin(model('')).includes('credential-stuffing'), 'a call naming no endpoint reaches them all');
  });

  it('take a public address of its own as a path with nothing in front: a WAF at the gateway does not guard an exposed API', () => {
    const waf = (exposed: string) => analyzeText(`threatmap: 1\nsystem: { name: X }\nassets:\n  pii: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  gw: { type: gateway, controls: [waf] }\n  api: { type: api, handles: [pii]${exposed} }\nflows:\n  - visitor -> gw: https\n  - gw -> api: https\n`)
      .threats.filter((t) => t.ruleId === 'missing-waf').map((t) => t.component);
    assert.deepEqual(waf(''), []);
    assert.deepEqual(waf(', exposed: true'), ['api']);
  });

  it('cite a fact at one place once when a finding merges several outcomes, and say "in front of it" only of controls that count from there', () => {
    const [t] = analyzeText('threatmap: 1\nsystem: { name: X }\nassets:\n  cards: { classification: restricted }\nelements:\n  visitor: { tech: browser }\n  reports: { type: service }\n  db: { tech: postgres, stores: [cards] }\nflows:\n  - visitor -> reports: https\n  - reports -> db: { id: read, protocol: sql+tls, auth: password }\n  - reports -> db: { id: write, protocol: sql+tls, auth: password }\n')
      .threats.filter((t) => t.ruleId === 'over-privileged-store-access');
    assert.ok(t);
    assert.deepEqual(t.evidence.map((e) => `${e.fact} @${e.line}`), [
      'reports -> db logs in to db @11', 'db stores cards @8', 'no least-privilege on reports @7', 'reports -> db logs in to db @12',
    ]);
  });

  it('count an endpoint whose callers are people or their browsers among the public paths a WAF must cover', () => {
    const waf = (callers: string, controls = '') => analyzeText(`threatmap: 1\nsystem: { name: X }\nassets:\n  pii: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  partner: { type: third-party }\n  api:\n    type: api\n    handles: [pii]\n    endpoints:\n      /shop: { callers: [${callers}]${controls} }\n      /other: { controls: [waf] }\nflows:\n  - visitor -> api: https\n  - partner -> api: { protocol: https, auth: api-key }\n`)
      .threats.filter((t) => t.ruleId === 'missing-waf').map((t) => t.component);
    assert.deepEqual(waf('visitor'), ['api']);
    assert.deepEqual(waf('partner', ', controls: [ip-allowlist]'), [], 'a partner-only endpoint arrives its own way');
    assert.deepEqual(waf('partner'), ['api'], 'unless nothing enforces its callers: the public reaches it too');
  });

  it('take an endpoint whose callers are an edge the internet reaches as reached from the internet', () => {
    const search = (edge: string) => analyzeText(`threatmap: 1\nsystem: { name: X }\nelements:\n  visitor: { tech: browser }\n  gw: { type: ${edge} }\n  api:\n    type: api\n    endpoints:\n      /search: { public: true, callers: [gw] }\nflows:\n  - visitor -> gw: https\n  - gw -> api: https\n`)
      .threats.find((t) => t.ruleId === 'no-rate-limiting');
    assert.equal(search('gateway')?.likelihood.level, 'High', 'a gateway passes the internet\'s requests on as they are');
    assert.equal(search('service')?.likelihood.level, 'Medium', 'application code in between: reached only through it');
  });

  it('take a cloud provider\'s console as the provider\'s code: no missing authentication, WAF or error pages of ours, only the sign-in without MFA', () => {
    const r = analyzeText('threatmap: 1\nsystem: { name: Console }\nboundaries:\n  internet: { trust: untrusted }\nassets:\n  infra: { name: Infrastructure state, type: secrets, classification: confidential }\nelements:\n  ops: { type: admin, in: internet }\n  console: { tech: aws-console, handles: [infra] }\nflows:\n  - ops -> console: https\n');
    assert.deepEqual(r.threats.map((t) => t.ruleId), ['cloud-console-without-mfa']);
  });

  it('put a or an before catalogue words by their sound', () => {
    assert.deepEqual(['upload', 'user', 'user-agent', 'admin-panel', 'export', 'search', 'health'].map(withArticle),
      ['an upload', 'a user', 'a user-agent', 'an admin-panel', 'an export', 'a search', 'a health']);
  });

  it('take least-privilege declared on the connection as limiting that account (over-privileged-store-access, excessive-cloud-permissions)', () => {
    const store = (controls: string) => analyzeText(`threatmap: 1\nsystem: { name: X }\nassets:\n  cards: { classification: restricted }\nelements:\n  visitor: { tech: browser }\n  reports: { type: service }\n  db: { tech: postgres, stores: [cards] }\nflows:\n  - visitor -> reports: https\n  - reports -> db: { protocol: sql+tls, auth: password${controls} }\n`)
      .threats.filter((t) => t.ruleId === 'over-privileged-store-access').length;
    assert.equal(store(''), 1);
    assert.equal(store(', controls: [least-privilege]'), 0);
    const cloud = (controls: string) => analyzeText(`threatmap: 1\nsystem: { name: X }\nelements:\n  visitor: { tech: browser }\n  deployer: { type: service }\n  aws: { type: third-party }\nflows:\n  - visitor -> deployer: https\n  - deployer -> aws: { protocol: cloud-api, auth: iam${controls} }\n`)
      .threats.filter((t) => t.ruleId === 'excessive-cloud-permissions').length;
    assert.equal(cloud(''), 1);
    assert.equal(cloud(', controls: [least-privilege]'), 0);
  });

  it('take authentication declared on a flow as authenticating that flow (missing-authentication, unauthenticated-device)', () => {
    const service = (controls: string) => analyzeText(`threatmap: 1\nsystem: { name: X }\nassets:\n  pii: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api: { type: api, handles: [pii] }\nflows:\n  - visitor -> api: { protocol: https${controls} }\n`)
      .threats.filter((t) => t.ruleId === 'missing-authentication').length;
    assert.equal(service(''), 1);
    assert.equal(service(', controls: [authentication]'), 0);
    const device = (controls: string) => analyzeText(`threatmap: 1\nsystem: { name: X }\nassets:\n  readings: { integrity: high }\nelements:\n  sensor: { type: device }\n  ingest: { type: service }\n  db: { tech: postgres }\nflows:\n  - sensor -> ingest: { protocol: mqtts, data: [readings]${controls} }\n  - ingest -> db: sql+tls\n`)
      .threats.filter((t) => t.ruleId === 'unauthenticated-device').length;
    assert.equal(device(''), 1);
    assert.equal(device(', controls: [authentication]'), 0);
  });

  it('name the restricted data of a store a pipeline deploys into, which over-privileged-store-access leaves to it (pipeline-over-privileged)', () => {
    const [t, ...more] = analyzeText('threatmap: 1\nsystem: { name: X }\nassets:\n  cards: { name: Card data, type: payment, classification: restricted }\nelements:\n  dev: { type: developer }\n  ci: { tech: github-actions }\n  db: { tech: postgres, stores: [cards] }\nflows:\n  - dev -> ci: https\n  - ci -> db: { protocol: sql+tls, auth: password }\n')
      .threats.filter((x) => x.ruleId === 'pipeline-over-privileged' || x.ruleId === 'over-privileged-store-access');
    assert.deepEqual(more, []);
    assert.equal(t?.ruleId, 'pipeline-over-privileged');
    assert.equal(t?.impact.reason, 'production and cloud access, and Card data in db: full compromise');
    assert.ok(t?.evidence.some((e) => e.fact === 'db stores Card data'));
  });
});
