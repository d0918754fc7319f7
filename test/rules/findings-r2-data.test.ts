// Second review round, data at rest, repudiation, disclosure and supply chain: each finding's words follow
// the model (grammar included), a control counts where the model declares it, and one cause is one finding.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coverageCell as cellOf, threatsIn } from './harness.js';


describe('findings, second round (data at rest, repudiation, disclosure, supply chain)', () => {
  it('name every account shared on one element in one finding, rated by who shares which (shared-account)', () => {
    const people = 'elements:\n  alice: { type: admin }\n  bob: { type: admin }\n  carol: { type: developer }\n  dave: { type: developer }\n  console: { type: service }\nflows:\n';
    const ops = '  - alice -> console: { protocol: https, credential: ops-root }\n  - bob -> console: { protocol: https, credential: ops-root }\n';
    const deploy = '  - carol -> console: { protocol: ssh, credential: deploy-key }\n  - dave -> console: { protocol: ssh, credential: deploy-key }\n';
    const both = threatsIn(people + ops + deploy, 'shared-account');
    assert.equal(both.length, 1);
    assert.equal(both[0].title, 'Accounts deploy-key, ops-root shared by 4 people');
    assert.equal(both[0].description, 'carol, dave both use deploy-key; alice, bob both use ops-root; what each does cannot be tied to a person.');
    assert.equal(both[0].impact.level, 'High');
    // One shared account keeps its own words, and developers sharing one are not administrators.
    const [one] = threatsIn(people + deploy, 'shared-account');
    assert.ok(one);
    assert.equal(one.title, 'Account deploy-key shared by 2 people');
    assert.equal(one.description, 'carol, dave both use deploy-key; what it does cannot be tied to a person.');
    assert.deepEqual(one.impact, { level: 'Medium', reason: 'actions cannot be attributed' });
  });

  it('take a partner\'s requests as signed when the endpoint verifies signatures or the partner signs (unsigned-partner-requests)', () => {
    const model = (orders: string, supplier = '') =>
      `assets:\n  orders: { integrity: high }\n  stock: { integrity: high }\nelements:\n  supplier: { type: third-party${supplier} }\n  carrier: { type: third-party }\n  api:\n    type: api\n    endpoints:\n      POST /orders: { auth: api-key${orders} }\n      POST /stock: { auth: api-key }\nflows:\n  - supplier -> api: { protocol: https, auth: api-key, data: [orders], endpoint: POST /orders }\n  - carrier -> api: { protocol: https, auth: api-key, data: [stock], endpoint: POST /stock }\n`;
    const titles = (text: string) => threatsIn(text, 'unsigned-partner-requests').map((t) => t.title);
    assert.deepEqual(titles(model(', controls: [signature-verification]')), ['Requests from carrier to api cannot be proven']);
    assert.deepEqual(titles(model('', ', controls: [request-signing]')), ['Requests from carrier to api cannot be proven']);
    const [open] = threatsIn(model(''), 'unsigned-partner-requests');
    assert.ok(open);
    assert.equal(open.title, 'Requests from carrier, supplier to api cannot be proven');
    assert.deepEqual(open.flows, ['supplier->api', 'carrier->api']);
  });

  it('rate a missing audit trail High for an admin panel, an administrator\'s requests and payment data, Medium otherwise (no-audit-log)', () => {
    const audit = (element: string, caller = '{ tech: browser }') =>
      threatsIn(`assets:\n  cards: { type: payment, classification: restricted }\n  notes: { classification: confidential }\nelements:\n  caller: ${caller}\n  app: ${element}\nflows:\n  - caller -> app: https\n`, 'no-audit-log')[0];
    const high = { level: 'High', reason: 'administrative or payment actions cannot be attributed' };
    assert.deepEqual(audit('{ type: admin-panel, auth: session-cookie }')?.impact, high);
    assert.deepEqual(audit('{ type: api, auth: session-cookie }', '{ type: admin }')?.impact, high);
    assert.deepEqual(audit('{ type: api, auth: jwt, handles: [cards] }')?.impact, high);
    assert.deepEqual(audit('{ type: api, auth: jwt, handles: [notes] }')?.impact, { level: 'Medium', reason: 'disputed actions and incidents cannot be reconstructed' });
  });

  it('say "have" of several assets without backups and "has" of one (no-backups)', () => {
    const store = (stores: string) => threatsIn(`assets:\n  ledger: { integrity: high }\n  orders: { integrity: high }\nelements:\n  db: { tech: postgres, stores: [${stores}] }\n`, 'no-backups')[0];
    assert.equal(store('ledger, orders')?.title, 'ledger, orders in db have no backups');
    assert.equal(store('ledger')?.title, 'ledger in db has no backups');
  });

  it('count log-sanitization declared on a writer\'s flows into the log store (sensitive-data-in-logs)', () => {
    const logs = (controls: string) =>
      `assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  logs: { type: logs }\nflows:\n  - visitor -> api: { protocol: https, data: [pii] }\n  - api -> logs: { protocol: https, data: [pii]${controls} }\n`;
    assert.deepEqual(threatsIn(logs(', controls: [log-sanitization]'), 'sensitive-data-in-logs'), []);
    assert.equal(cellOf(logs(', controls: [log-sanitization]'), 'logs', 'I').status, 'mitigated');
    const [t] = threatsIn(logs(''), 'sensitive-data-in-logs');
    assert.ok(t);
    assert.equal(t.description, 'logs holds pii (pii) and api writes to it without masking; everyone with log access reads it.');
  });

  it('take a flow from the store to an exposed reader as a read (unhashed-passwords)', () => {
    const reads = (flow: string) =>
      threatsIn(`assets:\n  logins: { type: credentials, classification: restricted }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  batch: { type: worker }\n  db: { tech: postgres, stores: [logins] }\nflows:\n  - visitor -> api: https\n  - ${flow}\n`, 'unhashed-passwords')[0]?.likelihood;
    assert.deepEqual(reads('db -> api: sql+tls'), { level: 'Medium', reason: 'components reachable from untrusted zones read the store: one flaw leaks it' });
    assert.deepEqual(reads('db -> batch: sql+tls'), { level: 'Low', reason: 'needs insider access to the store' });
  });

  it('say which components the secrets unlock when they hold no sensitive data (secrets-in-config)', () => {
    const secrets = (stores: string) =>
      threatsIn(`assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  result: { type: web-app }\n  worker: { type: worker }\n  db: { tech: postgres${stores} }\n  votes: { tech: redis }\nflows:\n  - result -> db: { protocol: sql, auth: password }\n  - worker -> votes: { protocol: redis, auth: password }\n`, 'secrets-in-config')[0]?.impact;
    assert.deepEqual(secrets(''), { level: 'High', reason: 'the secrets unlock db, votes' });
    assert.equal(secrets(', stores: [pii]')?.reason, 'confidentiality of pii is high: data breach');
  });

  it('say "are" of several restricted assets and "is" of one (excessive-data-exposure)', () => {
    const wallet = (returns: string) =>
      threatsIn(`assets:\n  cards: { type: payment, classification: restricted }\n  ssn: { type: pii, classification: restricted }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /wallet: { auth: jwt, returns: [${returns}] }\nflows:\n  - visitor -> api: https\n`, 'excessive-data-exposure')[0]?.impact.reason;
    assert.equal(wallet('cards, ssn'), 'cards, ssn are restricted: data breach');
    assert.equal(wallet('cards'), 'cards are restricted: data breach');
  });

  it('count sandboxing on the internet-facing workloads, and name only those without it (container-escape)', () => {
    const cluster = (web: string, shop: string) =>
      threatsIn(`assets:\n  cards: { type: payment, classification: restricted }\n  ssn: { type: pii, classification: restricted }\nboundaries:\n  cluster: { kind: container }\nelements:\n  visitor: { tech: browser }\n  web: { type: web-app, in: cluster${web} }\n  shop: { type: web-app, in: cluster${shop} }\n  ledger: { type: service, in: cluster, handles: [cards, ssn] }\nflows:\n  - visitor -> web: https\n  - visitor -> shop: https\n  - web -> ledger: https\n  - shop -> ledger: https\n`, 'container-escape');
    const sandboxed = ', controls: [sandboxing]';
    assert.deepEqual(cluster(sandboxed, sandboxed), []);
    const [partly] = cluster(sandboxed, '');
    assert.ok(partly);
    assert.equal(partly.title, 'Container escape from shop to ledger in cluster');
    assert.equal(partly.impact.reason, 'cards, ssn are restricted');
    assert.equal(cluster('', '')[0]?.title, 'Container escape from web, shop to ledger in cluster');
  });

  it('name each asset once, by name, in error and storage findings (verbose-errors, unencrypted-store)', () => {
    const model = 'assets:\n  pii: { name: customer data, classification: confidential }\n  crm: { name: customer data, classification: confidential }\n  keys: { name: api keys, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api: { type: api, handles: [pii, crm, keys] }\n  db: { tech: postgres, stores: [pii, crm, keys] }\nflows:\n  - visitor -> api: https\n  - api -> db: sql+tls\n';
    const [errors] = threatsIn(model, 'verbose-errors');
    assert.equal(errors?.title, 'api keys, customer data exposed in error messages from api');
    const [store] = threatsIn(model, 'unencrypted-store');
    assert.equal(store?.title, 'api keys, customer data stored unencrypted in db');
  });

  it('count generic errors declared on every endpoint, not on some (verbose-errors)', () => {
    const api = (tiles: string) =>
      `assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    handles: [pii]\n    endpoints:\n      /geo: { auth: jwt, controls: [generic-errors] }\n      /tiles: { auth: jwt${tiles} }\nflows:\n  - visitor -> api: https\n`;
    assert.deepEqual(threatsIn(api(', controls: [generic-errors]'), 'verbose-errors'), []);
    assert.equal(cellOf(api(', controls: [generic-errors]'), 'api', 'I').status, 'mitigated');
    assert.equal(threatsIn(api(''), 'verbose-errors').length, 1);
  });

  it('take least-privilege on the call or on the endpoint it names as a scoped key (api-key-in-client)', () => {
    const key = (flow: string, endpoint = '') =>
      threatsIn(`elements:\n  app: { tech: mobile-app }\n  maps:\n    type: api\n    endpoints:\n      /tiles: { auth: api-key${endpoint} }\nflows:\n  - app -> maps: { protocol: https, auth: api-key${flow} }\n`, 'api-key-in-client');
    assert.deepEqual(key(', controls: [least-privilege]'), []);
    assert.deepEqual(key(', endpoint: /tiles', ', controls: [least-privilege]'), []);
    assert.equal(key(', endpoint: /tiles')[0]?.title, 'API key for maps embedded in app');
  });

  it('leave a pipeline\'s vault and log store out of what it deploys to, and name only targets it reaches with credentials (pipeline-poisoning, pipeline-over-privileged)', () => {
    const pipeline = (extra: string) =>
      `elements:\n  dev: { type: developer }\n  ci: { tech: github-actions }\n  vault: { type: secrets-vault }\n  logs: { type: logs }\n  registry: { tech: ecr }\nflows:\n  - dev -> ci: https\n  - ci -> vault: { protocol: https, auth: oidc }\n  - ci -> logs: https\n${extra}`;
    assert.deepEqual(threatsIn(pipeline(''), 'pipeline-poisoning'), []);
    const [ships] = threatsIn(pipeline('  - ci -> registry: https\n'), 'pipeline-poisoning');
    assert.equal(ships?.description, 'ci deploys to registry and nothing requires a reviewed change on a protected branch.');
    const [holds] = threatsIn(pipeline(''), 'pipeline-over-privileged');
    assert.equal(holds?.description, 'ci reaches vault with short-lived federated credentials (oidc) not declared scoped to the deployment; anything that runs in the pipeline can use them while a job runs.');
  });

  it('speak of the one person who signs in without MFA by name, of several as "one of them" (cloud-console-without-mfa)', () => {
    const console = (bob: string) =>
      threatsIn(`elements:\n  ops: { type: admin }\n  bob: { type: developer }\n  console: { tech: aws-console }\nflows:\n  - ops -> console: { protocol: https, auth: oidc }\n  - bob -> console: { protocol: https, auth: oidc${bob} }\n`, 'cloud-console-without-mfa')[0]?.description;
    assert.equal(console(', controls: [mfa]'), 'ops signs in to console with no second factor; phishing ops yields the whole cloud account.');
    assert.equal(console(''), 'ops, bob sign in to console with no second factor; phishing one of them yields the whole cloud account.');
  });

  it('take a pipeline that reads a secrets vault as keeping only its key to the vault (secrets-in-ci-cd)', () => {
    const pipeline = (vault: string) =>
      `elements:\n  dev: { type: developer }\n  ci: { tech: github-actions }\n  vault: { type: secrets-vault }\n  server: { type: service }\nflows:\n  - dev -> ci: https\n  - ci -> server: { protocol: ssh, auth: ssh-key }\n${vault}`;
    assert.deepEqual(threatsIn(pipeline('  - ci -> vault: { protocol: https, auth: oidc }\n'), 'secrets-in-ci-cd'), []);
    assert.equal(cellOf(pipeline('  - ci -> vault: { protocol: https, auth: oidc }\n'), 'ci', 'I').status, 'mitigated');
    const [token] = threatsIn(pipeline('  - ci -> vault: { protocol: https, auth: api-key }\n'), 'secrets-in-ci-cd');
    assert.equal(token?.description, 'ci authenticates with api-key secrets kept in its settings; logs, forks and plugins can leak them.');
    assert.deepEqual(token?.flows, ['ci->vault']);
    const [plain] = threatsIn(pipeline(''), 'secrets-in-ci-cd');
    assert.equal(plain?.description, 'ci authenticates with ssh-key secrets kept in its settings; logs, forks and plugins can leak them.');
  });
});
