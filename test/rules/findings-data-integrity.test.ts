// Data at rest, request integrity and transport findings checked against the facts of small models: a
// log writer is asked to mask only data it handles, a backup job counts as a backup, ratings follow the
// rules' own rating texts, and only a user's credentials make a mobile flow worth pinning.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coverageCell as reasonOf, threatsIn } from './harness.js';


describe('findings on data at rest, request integrity and transport', () => {
  it('ask only the log writers that handle the sensitive data for log-sanitization, and name only them (sensitive-data-in-logs)', () => {
    const assets = 'assets:\n  pii: { type: pii, classification: confidential }\n';
    // The only writer carrying pii masks it; cron writes no sensitive data.
    const masked = `${assets}elements:\n  api: { type: api, controls: [log-sanitization] }\n  cron: { type: worker }\n  logs: { type: logs }\nflows:\n  - api -> logs: { protocol: https, data: [pii] }\n  - cron -> logs: https\n`;
    assert.deepEqual(threatsIn(masked, 'sensitive-data-in-logs'), []);
    assert.equal(reasonOf(masked, 'logs', 'I').status, 'mitigated');
    // A second carrier that does not mask: it alone is named, with its flow.
    const [t] = threatsIn(`${assets}elements:\n  api: { type: api, controls: [log-sanitization] }\n  visitor: { tech: browser }\n  cron: { type: worker }\n  jobs: { type: worker }\n  logs: { type: logs }\nflows:\n  - api -> logs: { protocol: https, data: [pii] }\n  - visitor -> jobs: { protocol: https, data: [pii] }\n  - jobs -> logs: https\n  - cron -> logs: https\n`, 'sensitive-data-in-logs');
    assert.ok(t);
    assert.equal(t.description, 'logs holds pii (pii) and jobs writes to it without masking; everyone with log access reads it.');
    assert.deepEqual(t.flows, ['jobs->logs']);
    assert.deepEqual(t.evidence.map((e) => e.fact), ['logs holds pii', 'jobs -> logs: writes to the log store', 'no log-sanitization on logs or on jobs']);
    // Data only the store declares may come from any writer: every unmasked writer is named.
    const [declared] = threatsIn('assets:\n  token: { type: secrets, classification: restricted }\nelements:\n  cron: { type: worker }\n  web: { type: worker, controls: [log-sanitization] }\n  jobs: { type: worker }\n  logs: { type: logs, stores: [token] }\nflows:\n  - cron -> logs: https\n  - web -> logs: https\n  - jobs -> logs: https\n', 'sensitive-data-in-logs');
    assert.ok(declared);
    assert.equal(declared.description, 'logs holds token (secrets) and cron, jobs write to it without masking; everyone with log access reads it.');
  });

  it('count a job reading a store and writing a backups store as its backup, and say so only when none does (no-backups)', () => {
    const model = (written: string) => `assets:\n  ledger: { integrity: high }\n  other: { integrity: high }\nelements:\n  db: { tech: postgres, stores: [ledger] }\n  backup-job: { type: worker }\n  snapshots: { type: backups, stores: [${written}] }\nflows:\n  - backup-job -> db: { protocol: sql+tls, data: [ledger] }\n  - backup-job -> snapshots: { protocol: https, data: [${written}] }\n`;
    assert.deepEqual(threatsIn(model('ledger'), 'no-backups'), []);
    const cell = reasonOf(model('ledger'), 'db', 'D');
    assert.equal(cell.status, 'mitigated');
    assert.equal(cell.reason, 'copied to snapshots by backup-job');
    // The job copies other data to the backups store, not the ledger.
    const [t] = threatsIn(model('other'), 'no-backups');
    assert.ok(t);
    assert.equal(t.description, 'db stores ledger, is not declared backed up and no flow copies it to a backups store; deletion, corruption or ransomware cannot be undone.');
  });

  it('rate client-controlled values as the rating says: a signed-in user tampers as easily as anyone, a service credential narrows who can; High impact only for restricted assets, which it names (client-controlled-value)', () => {
    const cart = (endpoint: string, flow = 'https') =>
      threatsIn(`assets:\n  prices: { integrity: high }\n  roles: { classification: restricted }\n  grants: { classification: restricted }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      POST /cart: ${endpoint}\nflows:\n  - visitor -> api: ${flow}\n`, 'client-controlled-value')[0];
    const signedIn = cart('{ auth: jwt, accepts: [prices, roles] }');
    assert.ok(signedIn);
    assert.deepEqual([signedIn.likelihood.level, signedIn.likelihood.reason], ['High', 'any user who signs in (jwt) can edit their own requests with an intercepting proxy: public tools']);
    assert.deepEqual([signedIn.impact.level, signedIn.impact.reason], ['High', 'roles are restricted data']);
    assert.ok(signedIn.evidence.some((e) => e.fact === 'roles are classified restricted'));
    assert.ok(!signedIn.evidence.some((e) => e.fact === 'prices are classified restricted'));
    const partner = cart('{ auth: api-key, accepts: [prices] }');
    assert.ok(partner);
    assert.deepEqual([partner.likelihood.level, partner.likelihood.reason], ['Medium', 'callers need a service credential (api-key): partners or services, not any user']);
    // Anonymous from the internet: High, and Medium impact when nothing accepted is restricted.
    const open = cart('{ public: true, accepts: [prices] }');
    assert.ok(open);
    assert.deepEqual([open.likelihood.level, open.likelihood.reason], ['High', 'anyone can edit requests with an intercepting proxy: public tools']);
    assert.deepEqual([open.impact.level, open.impact.reason], ['Medium', 'financial or data-integrity loss per transaction, not a system compromise']);
    const both = cart('{ public: true, accepts: [prices, roles, grants] }');
    assert.ok(both);
    assert.equal(both.impact.reason, 'roles, grants are restricted data');
  });

  it('count only a user\'s credentials, not an API key or mutual TLS, as a reason to pin a mobile app\'s certificate (mobile-certificate-pinning)', () => {
    const pinning = (flow: string, assets = '') =>
      threatsIn(`${assets}elements:\n  app: { tech: mobile-app }\n  api: { type: api }\nflows:\n  - app -> api: ${flow}\n`, 'mobile-certificate-pinning');
    assert.deepEqual(pinning('{ protocol: https, auth: api-key }'), []);
    assert.deepEqual(pinning('mtls'), []);
    assert.deepEqual(pinning('{ protocol: https, auth: hmac }'), []);
    const [user] = pinning('{ protocol: https, auth: jwt }');
    assert.ok(user);
    assert.equal(user.description, 'app -> api trusts any certificate the device trusts; a rogue or user-installed CA lets an attacker read the user\'s credentials (jwt).');
    assert.deepEqual(user.evidence.map((e) => e.fact), ['app -> api comes from a mobile app', 'app -> api authenticates the user with jwt']);
    // Sensitive data still counts, whatever the auth; the API key is not called the user's.
    const [data] = pinning('{ protocol: https, auth: api-key, data: [pii] }', 'assets:\n  pii: { type: pii, classification: confidential }\n');
    assert.ok(data);
    assert.equal(data.description, 'app -> api trusts any certificate the device trusts; a rogue or user-installed CA lets an attacker read pii.');
  });
});
