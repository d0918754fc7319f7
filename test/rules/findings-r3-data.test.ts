// Third review round, data at rest, repudiation, disclosure, network and supply chain: each finding's words
// follow the model, a control counts where the model declares it, and one cause is one finding naming all of it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { threatsIn } from './harness.js';


describe('findings, third round (data at rest, repudiation, disclosure, network, supply chain)', () => {
  it('call a pipeline\'s federated (oidc) credentials short-lived, not standing (pipeline-over-privileged)', () => {
    const pipeline = (api: string, console = 'oidc') =>
      `elements:\n  dev: { type: developer }\n  ci: { tech: github-actions }\n  api: { type: api }\n  console: { tech: aws-console }\nflows:\n  - dev -> ci: https\n  - ci -> console: { protocol: cloud-api, auth: ${console} }\n  - ci -> api: { protocol: https, auth: ${api} }\n`;
    const [federated, ...more] = threatsIn(pipeline('oidc'), 'pipeline-over-privileged');
    assert.equal(more.length, 0);
    assert.equal(federated.title, 'ci holds unscoped production access');
    assert.equal(federated.description, 'ci reaches api, console with short-lived federated credentials (oidc) not declared scoped to the deployment; anything that runs in the pipeline can use them while a job runs.');
    // A static secret beside it is standing access, and the evidence shows that one.
    const [mixed] = threatsIn(pipeline('ssh-key'), 'pipeline-over-privileged');
    assert.equal(mixed.title, 'ci holds standing production access');
    assert.equal(mixed.description, 'ci reaches api, console with its own credentials (oidc, ssh-key); anything that runs in the pipeline can use them.');
    assert.equal(mixed.evidence[0].fact, 'ci -> api authenticates with ssh-key');
    const [iam] = threatsIn(pipeline('iam', 'iam'), 'pipeline-over-privileged');
    assert.equal(iam.title, 'ci holds standing production access');
  });

  it('leave a secrets vault, which encrypts what it keeps, out (unencrypted-store)', () => {
    const store = (tech: string) =>
      `assets:\n  keys: { type: secrets, classification: restricted }\nelements:\n  api: { type: api }\n  store: { tech: ${tech}, stores: [keys] }\nflows:\n  - api -> store: https\n`;
    assert.deepEqual(threatsIn(store('vault'), 'unencrypted-store'), []);
    assert.deepEqual(threatsIn(store('secrets-manager'), 'unencrypted-store'), []);
    assert.deepEqual(threatsIn(store('postgres'), 'unencrypted-store').map((t) => t.title), ['keys stored unencrypted in store']);
  });

  it('count password-hashing declared on the process that writes the credentials, or on its writes (unhashed-passwords)', () => {
    const model = (api: string, write = '', admin = '') =>
      `assets:\n  passwords: { type: credentials, classification: restricted }\nelements:\n  visitor: { tech: browser }\n  api: { type: api${api} }\n  ops: { type: service${admin} }\n  db: { tech: postgres, stores: [passwords] }\nflows:\n  - visitor -> api: https\n  - api -> db: { protocol: sql+tls, data: [passwords]${write} }\n  - ops -> db: { protocol: sql+tls, data: [passwords] }\n`;
    const hashing = ', controls: [password-hashing]';
    assert.deepEqual(threatsIn(model(hashing, '', hashing), 'unhashed-passwords'), []);
    assert.deepEqual(threatsIn(model('', hashing, hashing), 'unhashed-passwords'), []);
    // A writer that does not hash leaves the finding, and it is the one named.
    const [partly] = threatsIn(model(hashing), 'unhashed-passwords');
    assert.ok(partly);
    assert.equal(partly.evidence[1].fact, 'no password-hashing on db or on ops');
    const [none] = threatsIn(model(''), 'unhashed-passwords');
    assert.equal(none.title, 'passwords stored without a slow hash in db');
    assert.equal(none.evidence[1].fact, 'no password-hashing on db or on api, ops');
    // With no writer drawn, only the store can say so.
    const alone = `assets:\n  passwords: { type: credentials, classification: restricted }\nelements:\n  db: { tech: postgres, stores: [passwords] }\n`;
    assert.equal(threatsIn(alone, 'unhashed-passwords')[0]?.evidence[1].fact, 'no password-hashing on db');
  });

  it('take secrets pushed by a vault as coming from a secrets manager (secrets-in-config)', () => {
    const model = (vault: string) =>
      `elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  vault: { tech: vault }\n  db: { tech: postgres }\nflows:\n  - visitor -> api: https\n${vault}  - api -> db: { protocol: sql+tls, auth: password }\n`;
    assert.deepEqual(threatsIn(model('  - vault -> api: https\n'), 'secrets-in-config'), []);
    assert.deepEqual(threatsIn(model('  - api -> vault: https\n'), 'secrets-in-config'), []);
    assert.deepEqual(threatsIn(model(''), 'secrets-in-config').map((t) => t.title), ['Secrets of api kept in configuration']);
  });

  it('say "both" of two people sharing an account and "all" of more (shared-account)', () => {
    const model = (people: string[]) =>
      `elements:\n${people.map((p) => `  ${p}: { type: admin }\n`).join('')}  console: { type: service }\nflows:\n${people.map((p) => `  - ${p} -> console: { protocol: https, credential: ops-root }\n`).join('')}`;
    assert.equal(threatsIn(model(['alice', 'bob']), 'shared-account')[0]?.description, 'alice, bob both use ops-root; what it does cannot be tied to a person.');
    assert.equal(threatsIn(model(['alice', 'bob', 'carol']), 'shared-account')[0]?.description, 'alice, bob, carol all use ops-root; what it does cannot be tied to a person.');
  });

  it('leave a store the model places in an untrusted zone, which is not ours, out (exposed-data-store)', () => {
    const model = (trust: string) =>
      `assets:\n  pii: { classification: confidential }\nboundaries:\n  zone: { trust: ${trust} }\nelements:\n  api: { type: api }\n  feed: { type: service, in: zone }\n  db: { tech: postgres, in: zone, stores: [pii] }\n  bucket: { tech: s3, in: zone, exposed: true }\nflows:\n  - api -> feed: https\n  - feed -> db: sql+tls\n  - api -> bucket: https\n`;
    assert.deepEqual(threatsIn(model('untrusted'), 'exposed-data-store'), []);
    // The same stores in a zone of ours: the bucket is marked exposed (the db has no untrusted caller there).
    assert.deepEqual(threatsIn(model('internal'), 'exposed-data-store').map((t) => t.title), ['bucket is reachable from the internet']);
  });

  it('name every partner sending unsigned requests to one target in its one finding (unsigned-partner-requests)', () => {
    const model = (carrier: string) =>
      `assets:\n  orders: { integrity: high }\n  stock: { integrity: high }\nelements:\n  supplier: { type: third-party }\n  carrier: { type: third-party${carrier} }\n  api: { type: api }\nflows:\n  - supplier -> api: { protocol: https, auth: api-key, data: [orders] }\n  - carrier -> api: { protocol: https, auth: basic, data: [stock] }\n`;
    const both = threatsIn(model(''), 'unsigned-partner-requests');
    assert.equal(both.length, 1);
    assert.equal(both[0].title, 'Requests from carrier, supplier to api cannot be proven');
    assert.equal(both[0].description, 'carrier -> api, supplier -> api change orders, stock with only shared secrets (api-key, basic); a disputed or forged request cannot be attributed.');
    assert.deepEqual(both[0].impact, { level: 'Medium', reason: 'disputed changes to orders, stock' });
    assert.deepEqual(both[0].flows, ['supplier->api', 'carrier->api']);
    // A partner that signs drops out of the finding, words included.
    const [one] = threatsIn(model(', controls: [request-signing]'), 'unsigned-partner-requests');
    assert.equal(one.title, 'Requests from supplier to api cannot be proven');
    assert.equal(one.description, 'supplier -> api changes orders with only a shared api-key; a disputed or forged request cannot be attributed.');
    assert.deepEqual(one.flows, ['supplier->api']);
  });

  it('name every client shipping an API key for one target in its one finding (api-key-in-client)', () => {
    const model = (app: string) =>
      `elements:\n  web: { tech: browser }\n  app: { tech: mobile-app }\n  api: { type: api }\nflows:\n  - web -> api: { protocol: https, auth: api-key }\n  - app -> api: { protocol: https, auth: api-key${app} }\n`;
    const both = threatsIn(model(''), 'api-key-in-client');
    assert.equal(both.length, 1);
    assert.equal(both[0].title, 'API key for api embedded in app, web');
    assert.equal(both[0].description, 'app -> api, web -> api authenticate with API keys, which ship inside the clients; anyone can extract them and call api directly.');
    assert.deepEqual(both[0].flows, ['web->api', 'app->api']);
    // A key scoped on its call drops out of the finding, words included.
    const [one] = threatsIn(model(', controls: [least-privilege]'), 'api-key-in-client');
    assert.equal(one.title, 'API key for api embedded in web');
    assert.equal(one.description, 'web -> api authenticates with an API key, which ships inside the client; anyone can extract it and call api directly.');
    assert.deepEqual(one.flows, ['web->api']);
  });
});
