// Injection, browser and request-integrity findings checked against the facts of small models (second
// review): ratings follow the rules' rating texts, lists name each thing once, sentences agree in number,
// and controls count where the model declares them (on a flow, on each endpoint).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossSiteRequestForgery, crossSiteScripting, corsMisconfiguration } from '../../src/analysis/rules/web.js';
import { logInjection } from '../../src/analysis/rules/injection.js';
import { unsignedWebhook } from '../../src/analysis/rules/integrity.js';
import { MODEL_HEAD as HEAD, runOnly, threatsIn } from './harness.js';

const facts = (t: { evidence: { fact: string }[] }) => t.evidence.map((e) => e.fact);

describe('second-round findings on injection, browsers and request integrity', () => {
  it('rate a consumer of a broker fed from outside Medium even when the internet also reaches it (insecure-deserialization, xxe)', () => {
    const model = (queue: boolean) =>
      `elements:\n  visitor: { tech: browser }\n  partner: { type: third-party }\n  api: { type: api }\n  queue: { tech: rabbitmq }\n  billing: { tech: spring, tags: [xml, object-deserialization] }\nflows:\n  - visitor -> api: https\n  - partner -> billing: https\n${queue ? '  - api -> queue: amqps\n  - queue -> billing: amqps\n' : ''}`;
    const viaQueue = threatsIn(model(true), 'insecure-deserialization', 'xxe');
    assert.equal(viaQueue.length, 2);
    for (const t of viaQueue) {
      assert.deepEqual([t.likelihood.level, t.likelihood.reason], ['Medium', 'it consumes messages that exposed components produce: crafted messages need some skill']);
      assert.ok(t.description.endsWith('receives data from an untrusted zone through a message broker.'), t.description);
      assert.equal(facts(t)[1], 'consumes messages produced by exposed components');
    }
    // Reached by the partner alone: the direct rating.
    const direct = threatsIn(model(false), 'insecure-deserialization', 'xxe');
    assert.equal(direct.length, 2);
    for (const t of direct) assert.equal(t.likelihood.level, 'Low');
    // Template injection is about input straight from the internet: a broker does not change its rating.
    const site = threatsIn('elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  queue: { tech: rabbitmq }\n  site: { tech: flask }\nflows:\n  - visitor -> api: https\n  - api -> queue: amqps\n  - queue -> site: amqps\n  - visitor -> site: https\n'.replace('site: { tech: flask }', 'site: { tech: flask, tags: [template-engine] }'), 'template-injection');
    assert.equal(site.length, 1);
    assert.equal(site[0].likelihood.level, 'Low');
  });

  it('say that messages come from an untrusted zone when a device publishes them, not from exposed components', () => {
    const model = (producer: string) =>
      `boundaries:\n  internet: { trust: untrusted }\nelements:\n  sensor: ${producer}\n  broker: { tech: rabbitmq }\n  ingest: { tech: spring, tags: [object-deserialization] }\n  db: { tech: postgres }\nflows:\n  - sensor -> broker: amqps\n  - broker -> ingest: amqps\n  - ingest -> db: sql+tls\n`;
    const [device] = threatsIn(model('{ type: device, in: internet }'), 'insecure-deserialization');
    assert.ok(device);
    assert.equal(device.likelihood.reason, 'it consumes messages that components in an untrusted zone produce: crafted messages need some skill');
    assert.equal(facts(device)[1], 'consumes messages produced by components in an untrusted zone');
    // A service of ours the internet reaches is an exposed component.
    const [exposed] = threatsIn(model('{ type: api, exposed: true }'), 'insecure-deserialization');
    assert.ok(exposed);
    assert.equal(facts(exposed)[1], 'consumes messages produced by exposed components');
  });

  const logModel = (second: string, third = '') =>
    `elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  logs: { name: Log store, type: logs }\n  audit: { name: Audit log, type: logs }\nflows:\n  - visitor -> api: https\n  - api -> logs: https\n  - { id: api-logs-2, from: api, to: logs, protocol: https${second} }\n${third}`;

  it('name a log store written over two flows once (log-injection)', () => {
    const [twice] = threatsIn(logModel(''), 'log-injection');
    assert.ok(twice);
    assert.equal(twice.description, 'api logs requests from an untrusted zone to Log store without declaring that input is encoded; an attacker can forge or hide entries.');
    const [two] = threatsIn(logModel('').replace('id: api-logs-2, from: api, to: logs', 'id: api-logs-2, from: api, to: audit'), 'log-injection');
    assert.ok(two);
    assert.ok(two.description.includes(' to Audit log, Log store without '), two.description);
  });

  it('take log-sanitization on a log flow as covering that flow (log-injection)', () => {
    // Sanitised on one flow only: the other flow to the same store is still open.
    assert.equal(threatsIn(logModel(', controls: [log-sanitization]'), 'log-injection').length, 1);
    // Every log flow sanitised: mitigated, and said so.
    const guarded = 'elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  logs: { type: logs }\n  audit: { type: logs }\nflows:\n  - visitor -> api: https\n  - api -> logs: { protocol: https, controls: [log-sanitization] }\n  - api -> audit: { protocol: https, controls: [log-sanitization] }\n';
    assert.deepEqual(threatsIn(guarded, 'log-injection'), []);
    const run = runOnly(HEAD + guarded, [logInjection]);
    assert.deepEqual(run.mitigations.map((m) => [m.controls, m.reason]), [[['log-sanitization'], 'input is encoded before logging']]);
    // One sanitised flow of two: the finding names only the store written to unsanitised.
    const [partial] = threatsIn(logModel('', '  - api -> audit: { protocol: https, controls: [log-sanitization] }\n'), 'log-injection');
    assert.ok(partial);
    assert.ok(partial.description.includes(' to Log store without '), partial.description);
    assert.deepEqual(partial.flows, ['api->logs', 'api-logs-2']);
  });

  const traversal = () => threatsIn('elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /files: { auth: jwt }\n      /export: { auth: jwt }\n  share: { name: Share, tech: nfs }\nflows:\n  - visitor -> api: https\n  - api -> share: nfs\n  - { id: api-share-2, from: api, to: share, protocol: nfs }\n', 'path-traversal');

  it('name a file store used over two flows once (path-traversal)', () => {
    assert.deepEqual(traversal().map((t) => t.description).sort(), [
      '/export on api handles files on Share; a crafted file name can escape the intended folder.',
      '/files on api handles files on Share; a crafted file name can escape the intended folder.',
    ]);
  });

  it('use `an` before upload and export (path-traversal)', () => {
    assert.deepEqual(traversal().map((t) => facts(t)[0]).sort(), ['/export is an export endpoint', '/files is an upload endpoint']);
  });

  it('cite each database once in SQL and NoSQL injection evidence', () => {
    const [sql] = threatsIn('elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { name: Main DB, tech: postgres }\nflows:\n  - visitor -> api: https\n  - api -> db: sql+tls\n  - { id: api-db-2, from: api, to: db, protocol: sql+tls }\n', 'sql-injection');
    assert.ok(sql);
    assert.deepEqual(facts(sql), ['api queries Main DB (SQL)', 'no parameterized-queries on api']);
    assert.deepEqual(sql.flows, ['api->db', 'api-db-2']);
    const [nosql] = threatsIn('elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  docs: { name: Docs, tech: mongodb }\n  search: { name: Search, tech: elasticsearch }\nflows:\n  - visitor -> api: https\n  - api -> docs: mongodb+tls\n  - { id: api-docs-2, from: api, to: docs, protocol: mongodb+tls }\n  - api -> search: https\n', 'nosql-injection');
    assert.ok(nosql);
    assert.deepEqual(facts(nosql), ['api queries Docs', 'api queries Search', 'no parameterized-queries or input-validation on api']);
  });

  const xss = (element: string, assets = '') =>
    threatsIn(`${assets}elements:\n  visitor: { tech: browser }\n  site: ${element}\nflows:\n  - visitor -> site: https\n`, 'cross-site-scripting')[0];

  it('say `an admin-panel` and `a web-app` (cross-site-scripting)', () => {
    assert.equal(facts(xss('{ type: admin-panel }'))[0], 'site is an admin-panel');
    assert.equal(facts(xss('{ type: web-app }'))[0], 'site is a web-app');
  });

  it('speak of the victim\'s session only where users sign in (cross-site-scripting)', () => {
    const panel = xss('{ type: admin-panel, auth: session-cookie }');
    assert.ok(panel.description.endsWith('injected script runs with the victim\'s session.'), panel.description);
    const app = xss('{ type: web-app, auth: session-cookie }');
    assert.ok(app.description.endsWith('injected script runs with the victim\'s session.'), app.description);
    assert.deepEqual([app.impact.level, app.impact.reason], ['Medium', 'other users\' sessions and data: partial exposure']);
    // Nobody signs in: no session to ride.
    const blog = xss('{ type: web-server }');
    assert.ok(blog.description.endsWith('injected script runs in the victim\'s browser.'), blog.description);
    assert.deepEqual([blog.impact.level, blog.impact.reason], ['Low', 'no sessions or confidential data to steal: defacement and phishing']);
    const records = xss('{ type: web-server, handles: [med] }', 'assets:\n  med: { name: Medical records, confidentiality: high }\n');
    assert.ok(records.description.endsWith('injected script runs in the victim\'s browser.'), records.description);
    assert.deepEqual([records.impact.level, records.impact.reason], ['Medium', 'the confidential data it handles can be read: partial exposure']);
  });

  it('take output encoding or a CSP declared on every page endpoint as mitigating, and name the pages without (cross-site-scripting)', () => {
    const model = (other: string) =>
      `elements:\n  visitor: { tech: browser }\n  app:\n    type: web-app\n    endpoints:\n      /home: { public: true, controls: [content-security-policy] }\n      /docs: { public: true${other} }\n  api:\n    type: api\n    endpoints:\n      /view: { kind: page, public: true, controls: [output-encoding] }\n      /json: { public: true }\nflows:\n  - visitor -> app: https\n  - visitor -> api: https\n`;
    const covered = model(', controls: [output-encoding]');
    assert.deepEqual(threatsIn(covered, 'cross-site-scripting'), []);
    const run = runOnly(HEAD + covered, [crossSiteScripting]);
    assert.deepEqual(run.mitigations.map((m) => [m.component, m.controls, m.reason]).sort(), [
      ['api', ['output-encoding'], 'output is protected by output-encoding'],
      ['app', ['output-encoding', 'content-security-policy'], 'output is protected by output-encoding and content-security-policy'],
    ]);
    // One page of a web-app without either: the finding names it.
    const [open] = threatsIn(model(''), 'cross-site-scripting');
    assert.ok(open);
    assert.equal(open.component, 'app');
    assert.equal(open.description, 'app renders pages for browsers and declares neither output encoding nor a Content-Security-Policy on /docs; injected script runs in the victim\'s browser.');
  });

  it('take CSRF protection declared on each state-changing endpoint as mitigating, and name only the endpoints without (cross-site-request-forgery)', () => {
    const model = (profile: string) =>
      `elements:\n  visitor: { tech: browser }\n  app:\n    type: web-app\n    auth: session-cookie\n    endpoints:\n      POST /transfer: { controls: [csrf-protection] }\n      /admin/users: { methods: [POST]${profile} }\n      GET /balance: {}\nflows:\n  - visitor -> app: https\n`;
    const covered = model(', controls: [secure-cookies]');
    assert.deepEqual(threatsIn(covered, 'cross-site-request-forgery'), []);
    const run = runOnly(HEAD + covered, [crossSiteRequestForgery]);
    assert.deepEqual(run.mitigations.map((m) => [m.controls, m.reason]), [[['csrf-protection', 'secure-cookies'], 'forged cross-site requests are refused (csrf-protection, secure-cookies)']]);
    const [t] = threatsIn(model(''), 'cross-site-request-forgery');
    assert.ok(t);
    assert.equal(t.description, 'app authenticates browsers by cookie and changes state on /admin/users without anti-CSRF tokens or SameSite cookies; any page the user visits can act in their name.');
    assert.equal(facts(t)[0], '/admin/users changes state with a session cookie');
    assert.equal(t.impact.level, 'High');
    // Without the open admin endpoint, the impact is one user's actions.
    const [plain] = threatsIn(model('').replace('/admin/users: { methods: [POST]', 'POST /profile: {'), 'cross-site-request-forgery');
    assert.ok(plain);
    assert.deepEqual([plain.impact.level, facts(plain)[0]], ['Medium', 'POST /profile changes state with a session cookie']);
  });

  const corsModel = (browsers: string, flows: string, endpoints = '') =>
    `elements:\n${browsers}  site: { type: web-server }\n  api: { type: api, auth: jwt${endpoints} }\nflows:\n${flows}`;

  it('agree the verb with the number of cross-origin callers (cors-misconfiguration)', () => {
    const [one] = threatsIn(corsModel('  visitor: { name: Customer browser, tech: browser }\n', '  - visitor -> site: https\n  - visitor -> api: https\n'), 'cors-misconfiguration');
    assert.ok(one);
    assert.ok(one.description.startsWith('Customer browser calls api from pages served by another origin;'), one.description);
    const [two] = threatsIn(corsModel('  a: { name: Browser A, tech: browser }\n  b: { name: Browser B, tech: browser }\n', '  - a -> site: https\n  - a -> api: https\n  - b -> site: https\n  - b -> api: https\n'), 'cors-misconfiguration');
    assert.ok(two);
    assert.ok(two.description.startsWith('Browser A, Browser B call api from pages served by another origin;'), two.description);
  });

  it('take cors-policy declared on every endpoint as mitigating (cors-misconfiguration)', () => {
    const covered = corsModel('  visitor: { tech: browser }\n', '  - visitor -> site: https\n  - visitor -> api: https\n', ', endpoints: { /a: { controls: [cors-policy] }, /b: { controls: [cors-policy] } }');
    assert.deepEqual(threatsIn(covered, 'cors-misconfiguration'), []);
    assert.deepEqual(runOnly(HEAD + covered, [corsMisconfiguration]).mitigations.map((m) => m.reason), ['cross-origin access is allow-listed']);
    const partly = corsModel('  visitor: { tech: browser }\n', '  - visitor -> site: https\n  - visitor -> api: https\n', ', endpoints: { /a: { controls: [cors-policy] }, /b: {} }');
    assert.equal(threatsIn(partly, 'cors-misconfiguration').length, 1);
  });

  const ccvModel = (role = '') => 'assets:\n  prices: { name: Prices, type: pricing, integrity: high }\n  role: { name: Account role, integrity: high }\nelements:\n  partner: { type: third-party }\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      POST /orders: { auth: api-key, accepts: [prices] }\n      POST /profile: { auth: jwt, accepts: [role] }\nflows:\n  - partner -> api: { protocol: https, endpoint: POST /orders, auth: api-key }\n  - visitor -> api: { protocol: https, endpoint: POST /profile, auth: jwt }\n'.replace('role: { name: Account role', `role: { name: Account role${role}`);
  const ccv = (role = '') => new Map(threatsIn(ccvModel(role), 'client-controlled-value').map((t) => [t.endpoint, t.description]));

  it('say that holders of a service credential, not any user, can edit the values (client-controlled-value)', () => {
    assert.equal(ccv().get('api:POST /orders'), 'POST /orders on api takes Prices from the client; a caller holding the api-key credential can change them in transit with an intercepting proxy (e.g. pay less than the price).');
    assert.ok(ccv().get('api:POST /profile')?.includes('; a user can change it'));
  });

  it('give the price example only where prices or money are at stake (client-controlled-value)', () => {
    assert.equal(ccv().get('api:POST /profile'), 'POST /profile on api takes Account role from the client; a user can change it in transit with an intercepting proxy.');
    assert.ok(ccv(', type: financial').get('api:POST /profile')?.endsWith('with an intercepting proxy (e.g. an amount over their limit, or from an account that is not theirs).'));
  });

  it('take hmac or mutual TLS on every flow into a webhook as authenticating its sender (unsigned-webhook, webhook-replay)', () => {
    const model = (auth: string) =>
      `assets:\n  pay: { name: Payment status, type: payment }\nelements:\n  stripe: { tech: stripe }\n  api:\n    type: api\n    endpoints:\n      POST /hooks/stripe: { public: true, accepts: [pay] }\nflows:\n  - stripe -> api: { protocol: https, endpoint: POST /hooks/stripe${auth}, data: [pay] }\n`;
    const signed = model(', auth: hmac');
    assert.deepEqual(threatsIn(signed, 'unsigned-webhook'), []);
    assert.deepEqual(runOnly(HEAD + signed, [unsignedWebhook]).mitigations.map((m) => [m.controls, m.reason]), [[['hmac'], 'the sender is authenticated by hmac']]);
    // A signed event is checked with its signed timestamp, as unsigned-webhook's advice asks: no second finding.
    assert.deepEqual(threatsIn(signed, 'webhook-replay'), []);
    // The flow declares nothing: forged events, and no replay finding (nothing to replay yet).
    assert.equal(threatsIn(model(''), 'unsigned-webhook').length, 1);
    assert.deepEqual(threatsIn(model(''), 'webhook-replay'), []);
    // A second sender whose flow declares nothing leaves the endpoint open.
    const mixed = signed.replace('  api:\n', '  other: { type: third-party }\n  api:\n') + '  - other -> api: { protocol: https, endpoint: POST /hooks/stripe }\n';
    assert.equal(threatsIn(mixed, 'unsigned-webhook').length, 1);
  });

  it('not call a webhook authenticated by mutual TLS signed (webhook-replay)', () => {
    const model = (auth: string) =>
      `elements:\n  bank: { type: third-party }\n  api:\n    type: api\n    endpoints:\n      POST /hooks/bank: { auth: ${auth} }\nflows:\n  - bank -> api: { protocol: https, endpoint: POST /hooks/bank }\n`;
    const [mtls] = threatsIn(model('mtls'), 'webhook-replay');
    assert.ok(mtls);
    assert.equal(mtls.description, 'POST /hooks/bank on api authenticates its sender by mutual TLS but does not reject old or repeated events; an event sent again over the sender\'s certificate is processed again.');
    assert.deepEqual([mtls.likelihood.level, mtls.likelihood.reason], ['Low', 'needs a captured event and the sender\'s certificate: insider access or luck']);
    assert.equal(facts(mtls)[0], 'POST /hooks/bank authenticates its sender by mutual TLS');
    // Signed (hmac): unsigned-webhook's advice, which the signature followed, already asks for the timestamp.
    assert.deepEqual(threatsIn(model('hmac'), 'webhook-replay'), []);
  });

  const uploads = (callers: string) =>
    `assets:\n  avatar: { name: Avatars }\n  docs: { name: Documents }\n  inv: { name: Invoices }\nelements:\n  visitor: { tech: browser }\n  clerk: { type: support-staff }\n  api:\n    type: api\n    endpoints:\n      POST /upload: { auth: jwt, accepts: [avatar, docs] }\n      POST /invoices/upload: { auth: jwt, accepts: [inv, docs] }\n      /shared: { auth: jwt, returns: [docs] }\n      /invoices: { auth: jwt${callers}, returns: [inv] }\n  files: { tech: s3, stores: [avatar, docs, inv] }\nflows:\n  - visitor -> api: https\n  - clerk -> api: { protocol: https, endpoint: /shared }\n  - api -> files: { protocol: s3, data: [avatar, docs, inv] }\n`;

  it('name only the uploaded assets that are shared, in a verb of their number (malware-upload)', () => {
    const byKey = new Map(threatsIn(uploads(', callers: [clerk]'), 'malware-upload').map((t) => [t.endpoint, t]));
    const upload = byKey.get('api:POST /upload');
    assert.ok(upload);
    assert.equal(upload.description, 'Documents uploaded through POST /upload on api are served again by /shared without malware scanning.');
    assert.deepEqual(facts(upload).slice(0, 2), ['POST /upload accepts Documents', '/shared returns Documents']);
    const invoices = byKey.get('api:POST /invoices/upload');
    assert.ok(invoices);
    assert.equal(invoices.description, 'Documents, Invoices uploaded through POST /invoices/upload on api are served again by /shared, /invoices without malware scanning.');
  });

  it('rate uploads High when staff open them through an endpoint that returns them (malware-upload)', () => {
    // The clerk opens /shared (a flow of theirs names it).
    const upload = threatsIn(uploads(''), 'malware-upload').find((t) => t.endpoint === 'api:POST /upload');
    assert.ok(upload);
    assert.deepEqual([upload.impact.level, upload.impact.reason], ['High', 'staff open the files: a foothold inside the organisation']);
    // Staff are neither listed callers nor callers by flow of what returns the invoices: Medium.
    const [medium] = threatsIn(uploads('').replace('  - clerk -> api: { protocol: https, endpoint: /shared }\n', '').replace('accepts: [inv, docs]', 'accepts: [inv]'), 'malware-upload').filter((t) => t.endpoint === 'api:POST /invoices/upload');
    assert.ok(medium);
    assert.deepEqual([medium.impact.level, medium.description], ['Medium', 'Invoices uploaded through POST /invoices/upload on api are served again by /invoices without malware scanning.']);
    const [listed] = threatsIn(uploads(', callers: [clerk]').replace('  - clerk -> api: { protocol: https, endpoint: /shared }\n', '').replace('accepts: [inv, docs]', 'accepts: [inv]'), 'malware-upload').filter((t) => t.endpoint === 'api:POST /invoices/upload');
    assert.ok(listed);
    assert.deepEqual([listed.impact.level, listed.impact.reason], ['High', 'staff open the files: a foothold inside the organisation']);
  });
});
