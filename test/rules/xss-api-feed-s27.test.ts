// Session 27 (web): a back office that reads customers' records through an internal API, not the database,
// still shows what the public wrote: cross-site scripting is rated by that API as by a store the internet feeds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evidenceFacts, onlyThreat } from './harness.js';

/** A back office staff use from the VPN, reading through `accounts`; `flows` are the rest. */
const office = (flows: string) =>
  'boundaries:\n  internet: { trust: untrusted }\n  corp: { trust: internal }\n' +
  'assets:\n  pii: { name: Customer PII, type: pii, classification: confidential }\n' +
  'elements:\n  app: { tech: mobile-app, in: internet }\n  staff: { tech: browser, in: corp }\n' +
  '  backoffice: { type: admin-panel, in: corp, auth: oidc, handles: [pii] }\n' +
  '  accounts: { type: api, in: corp, auth: jwt, handles: [pii] }\n  jobs: { type: worker, in: corp }\n  db: { type: database, in: corp, stores: [pii] }\n' +
  'flows:\n  - staff -> backoffice: https\n  - accounts -> db: { protocol: postgres+tls, data: [pii] }\n' + flows;

describe('cross-site-scripting: data the public wrote, read through an API', () => {
  it('rates the back office Medium when it calls for data an API the internet reaches', () => {
    const t = onlyThreat(office('  - app -> accounts: { protocol: https, data: [pii] }\n  - backoffice -> accounts: { protocol: https, data: [pii] }\n'), 'cross-site-scripting');
    assert.equal(t.likelihood.level, 'Medium');
    assert.equal(t.likelihood.reason, 'accounts returns data its callers write, which the internet reaches; backoffice calls it: stored script runs in its pages without the attacker reaching backoffice');
    assert.ok(evidenceFacts(t).includes('accounts returns data its callers write, which the internet reaches'), evidenceFacts(t).join(' | '));
    assert.match(t.mitigation, /Treat what accounts returns as untrusted input \(written by its callers\)/);
  });

  it('says how the internet reaches an API it reaches through other components', () => {
    const t = onlyThreat(office('  - app -> jobs: { protocol: https, data: [pii] }\n  - jobs -> accounts: { protocol: https, data: [pii] }\n  - backoffice -> accounts: { protocol: https, data: [pii] }\n'), 'cross-site-scripting');
    assert.equal(t.likelihood.level, 'Medium');
    assert.match(t.likelihood.reason, /^accounts returns data its callers write, which the internet reaches through other components; backoffice calls it/);
  });

  it('stays Low when the API only insiders feed, or the call carries no data', () => {
    const internal = onlyThreat(office('  - jobs -> accounts: { protocol: https, data: [pii] }\n  - backoffice -> accounts: { protocol: https, data: [pii] }\n'), 'cross-site-scripting');
    assert.deepEqual([internal.likelihood.level, internal.likelihood.reason], ['Low', 'only browsers in trusted zones reach it: needs an insider']);
    assert.ok(!internal.mitigation.includes('untrusted input'), internal.mitigation);
    const bare = onlyThreat(office('  - app -> accounts: { protocol: https, data: [pii] }\n  - backoffice -> accounts: https\n'), 'cross-site-scripting');
    assert.equal(bare.likelihood.level, 'Low');
  });

  it('a store the internet feeds is still named first', () => {
    const t = onlyThreat(office('  - app -> accounts: { protocol: https, data: [pii] }\n  - backoffice -> accounts: { protocol: https, data: [pii] }\n  - backoffice -> db: postgres+tls\n'), 'cross-site-scripting');
    assert.match(t.likelihood.reason, /^db holds data from accounts, which the internet reaches; backoffice reads it/);
  });
});
