// Identity and data findings, fourth review: which cookie endpoints a session reaches, which paths bypass a
// validating gateway, tampering rated by integrity, the missing-control line, backups kept without a flow,
// and secrets a vault pushes to the pipeline.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secretsInCiCd } from '../../src/analysis/rules/supply-chain.js';
import { noBackups } from '../../src/analysis/rules/data-at-rest.js';
import { runOnly, threatsOf } from './harness.js';

const model = (body: string) => `threatmap: 1\nsystem: { name: R4a }\n${body}`;
const facts = (t: { evidence: { fact: string }[] }) => t.evidence.map((e) => e.fact);

describe('session-hijacking', () => {
  const text = (cookieReturns: string, jwtReturns: string) => model(`assets:\n  cards: { type: payment, classification: restricted }\n  prefs: { type: business, classification: internal }\nelements:\n  visitor: { tech: browser }\n  partner: { type: third-party }\n  api:\n    type: api\n    endpoints:\n      /account: { auth: session-cookie, returns: [${cookieReturns}] }\n      /cards: { auth: jwt, returns: [${jwtReturns}] }\nflows:\n  - visitor -> api: { protocol: https, endpoint: /account }\n  - partner -> api: { protocol: https, endpoint: /cards, auth: jwt }\n`);

  it('rates impact from the cookie endpoints, not from an endpoint that takes another credential', () => {
    const [hijack] = threatsOf(text('prefs', 'cards'), 'session-hijacking');
    assert.deepEqual(hijack?.impact, { level: 'Medium', reason: 'one user\'s account and data: partial exposure' });
  });

  it('is High when a cookie endpoint returns restricted data, or a flow to it carries some', () => {
    const [returned] = threatsOf(text('cards', 'prefs'), 'session-hijacking');
    assert.deepEqual(returned?.impact, { level: 'High', reason: 'hijacked sessions reach cards: restricted data' });
    const carried = text('prefs', 'prefs').replace('endpoint: /account }', 'endpoint: /account, data: [cards] }');
    assert.equal(threatsOf(carried, 'session-hijacking')[0]?.impact.level, 'High');
  });
});

describe('missing-token-validation', () => {
  const text = (extra: string, api = '{ type: api, auth: jwt }') => model(`elements:\n  visitor: { tech: browser }\n  kiosk: { tech: browser }\n  partner: { type: third-party }\n  cdn: { type: cdn }\n  gw: { type: gateway, controls: [token-validation] }\n  api: ${api}\nflows:\n  - visitor -> gw: https\n  - gw -> api: { protocol: https, auth: jwt }\n${extra}`);

  it('names the paths that bypass the validating gateway: a direct call, an edge forwarding others, a public address', () => {
    const [direct] = threatsOf(text('  - partner -> api: { protocol: https, auth: jwt }\n'), 'missing-token-validation');
    assert.deepEqual(facts(direct), ['partner -> api authenticates with jwt', 'partner -> api bypasses gw', 'no token-validation on api']);
    const [forwarded] = threatsOf(text('  - kiosk -> cdn: https\n  - cdn -> api: { protocol: https, auth: jwt }\n'), 'missing-token-validation');
    assert.deepEqual(facts(forwarded), ['cdn -> api authenticates with jwt', 'cdn -> api forwards calls from kiosk that bypass gw', 'no token-validation on api']);
    const [exposed] = threatsOf(text('', '{ type: api, auth: jwt, exposed: true }'), 'missing-token-validation');
    assert.deepEqual(facts(exposed), ['gw -> api authenticates with jwt', 'api has a public address of its own, which bypasses gw', 'no token-validation on api']);
  });

  it('names no bypass when no gateway validates, and is mitigated when the gateway covers every path', () => {
    const [none] = threatsOf(text('  - partner -> api: { protocol: https, auth: jwt }\n').replace(', controls: [token-validation]', ''), 'missing-token-validation');
    assert.deepEqual(facts(none), ['gw -> api authenticates with jwt', 'no token-validation on api']);
    assert.deepEqual(threatsOf(text('  - kiosk -> cdn: https\n  - cdn -> gw: https\n'), 'missing-token-validation'), []);
  });
});

describe('broken-object-level-authorization', () => {
  const text = (endpoint: string) => model(`assets:\n  profile: { type: pii, classification: confidential, integrity: low }\n  payout: { type: financial, classification: confidential, integrity: high }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      ${endpoint}\nflows:\n  - visitor -> api: https\n`);

  it('rates an endpoint that only changes data by the integrity of that data', () => {
    const [low] = threatsOf(text('PUT /profile: { auth: jwt, accepts: [profile] }'), 'broken-object-level-authorization');
    assert.deepEqual(low?.impact, { level: 'Low', reason: 'integrity of profile is low: minor tampering' });
    const [high] = threatsOf(text('PUT /payout: { auth: jwt, accepts: [payout] }'), 'broken-object-level-authorization');
    assert.deepEqual(high?.impact, { level: 'High', reason: 'integrity of payout is high: tampering or fraud with serious consequences' });
  });

  it('still rates what an endpoint returns by its confidentiality, the worse of the two when it also changes data', () => {
    const [read] = threatsOf(text('GET /profile: { auth: jwt, returns: [profile] }'), 'broken-object-level-authorization');
    assert.deepEqual(read?.impact, { level: 'High', reason: 'confidentiality of profile is high: data breach' });
    const [both] = threatsOf(text('PATCH /profile: { auth: jwt, returns: [profile], accepts: [profile] }'), 'broken-object-level-authorization');
    assert.deepEqual(both?.impact, { level: 'High', reason: 'confidentiality of profile is high: data breach' });
  });
});

describe('unauthenticated-sensitive-endpoint', () => {
  const text = (controls: string) => model(`assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /customers: { public: true, returns: [pii]${controls} }\nflows:\n  - visitor -> api: https\n`);

  it('says which controls are missing, as every control-gated rule does', () => {
    const [open] = threatsOf(text(''), 'unauthenticated-sensitive-endpoint');
    assert.deepEqual(facts(open), ['/customers is public and returns pii', 'no authentication or data-masking on /customers on api']);
  });

  it('does not fire when the data is masked', () => {
    assert.deepEqual(threatsOf(text(', controls: [data-masking]'), 'unauthenticated-sensitive-endpoint'), []);
  });
});

describe('no-backups', () => {
  const text = (kept: string) => model(`assets:\n  ledger: { integrity: high }\n  orders: { integrity: high }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { tech: postgres, stores: [ledger, orders] }\n  snapshots: { type: backups, stores: [${kept}] }\nflows:\n  - visitor -> api: https\n  - api -> db: sql+tls\n`);

  it('counts a backups store that declares the assets as their copy, without a flow', () => {
    assert.deepEqual(threatsOf(text('ledger, orders'), 'no-backups'), []);
    const db = runOnly(text('ledger, orders'), [noBackups]).mitigations.find((m) => m.component === 'db');
    assert.equal(db?.reason, 'copies kept in snapshots');
  });

  it('reports only the assets no backups store keeps, and says which are kept', () => {
    const [t] = threatsOf(text('ledger'), 'no-backups');
    assert.equal(t?.title, 'orders in db have no backups');
    assert.equal(t.description, 'db stores orders, is not declared backed up and no flow copies them to a backups store; deletion, corruption or ransomware cannot be undone.');
    assert.deepEqual(facts(t), ['db stores orders', 'snapshots keeps ledger, but not orders', 'no backups on db']);
    assert.equal(threatsOf(text(''), 'no-backups')[0]?.title, 'ledger, orders in db have no backups');
  });

  // A job copying the store into a backups store keeps what its write names (all of it when it names nothing).
  const job = (...writes: string[]) => model(`assets:\n  ledger: { integrity: high }\n  orders: { integrity: high }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { tech: postgres, stores: [ledger, orders] }\n  dump: { type: worker }\n  vault: { type: backups }\nflows:\n  - visitor -> api: https\n  - api -> db: sql+tls\n  - dump -> db: sql+tls\n${writes.map((w) => `  - dump -> vault: ${w}\n`).join('')}`);

  it('counts a job\'s copy only for the assets its write names', () => {
    const [t] = threatsOf(job('{ protocol: s3, data: [ledger] }'), 'no-backups');
    assert.equal(t?.title, 'orders in db have no backups');
    assert.deepEqual(facts(t), ['db stores orders', 'dump -> vault carries ledger, not orders', 'no backups on db']);
  });

  it('counts a job\'s copy that names no data, or copies that together name every asset, as backing the store up', () => {
    assert.deepEqual(threatsOf(job('s3'), 'no-backups'), []);
    assert.equal(runOnly(job('s3'), [noBackups]).mitigations.find((m) => m.component === 'db')?.reason, 'copied to vault by dump');
    const both = job('{ protocol: s3, data: [ledger, orders] }');
    assert.deepEqual(threatsOf(both, 'no-backups'), []);
    const split = model(`assets:\n  ledger: { integrity: high }\n  orders: { integrity: high }\nelements:\n  db: { tech: postgres, stores: [ledger, orders] }\n  dump: { type: worker }\n  vault: { type: backups }\n  archive: { type: backups, stores: [orders] }\nflows:\n  - dump -> db: sql+tls\n  - dump -> vault: { protocol: s3, data: [ledger] }\n`);
    assert.deepEqual(threatsOf(split, 'no-backups'), []);
    assert.equal(runOnly(split, [noBackups]).mitigations.find((m) => m.component === 'db')?.reason, 'copied to vault by dump; copies kept in archive');
  });
});

describe('secrets-in-ci-cd', () => {
  const text = (vaultFlow: string) => model(`elements:\n  dev: { type: developer }\n  ci: { tech: gitlab-ci }\n  vault: { type: secrets-vault }\n  server: { type: service }\nflows:\n  - dev -> ci: https\n${vaultFlow}  - ci -> server: { protocol: ssh, auth: ssh-key }\n`);

  it('counts a vault pushing secrets to the pipeline, as one the pipeline fetches from', () => {
    for (const flow of ['  - vault -> ci: https\n', '  - ci -> vault: { protocol: https, auth: oidc }\n']) {
      assert.deepEqual(threatsOf(text(flow), 'secrets-in-ci-cd'), [], flow);
      const ci = runOnly(text(flow), [secretsInCiCd]).mitigations.find((m) => m.component === 'ci');
      assert.equal(ci?.reason, 'pipeline secrets come from a secrets vault', flow);
    }
  });

  it('still fires without a vault', () => {
    const [t] = threatsOf(text(''), 'secrets-in-ci-cd');
    assert.equal(t?.title, 'Static secrets stored in ci');
  });
});
