// Verb agreement with plural names in the branches of the data-at-rest, LLM, authorization and repudiation
// rules that the grammar test (each rule's example and positive fixture) does not reach: a plural name takes
// a plural verb and pronoun, and a singular name's sentence stays as it was.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Threat } from '../../src/analysis/types.js';
import { threatsIn } from './harness.js';

/** The one finding of a rule on a component, for a model body written after MODEL_HEAD. */
function finding(body: string, ruleId: string, component?: string): Threat {
  const found = threatsIn(body, ruleId).filter((t) => component === undefined || t.component === component);
  assert.equal(found.length, 1, `${ruleId} findings: ${found.map((t) => t.title).join('; ')}`);
  return found[0];
}

const facts = (t: Threat) => t.evidence.map((e) => e.fact);

describe('verb agreement with plural names (data at rest)', () => {
  const backups = (store: string, snapshots: string) =>
    finding(
      `assets:\n  ledger: { name: Ledger entries, integrity: high }\n  audit: { name: Audit trail, integrity: high }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { name: ${store}, tech: postgres, stores: [ledger, audit] }\n  snaps: { name: ${snapshots}, type: backups, stores: [audit] }\nflows:\n  - visitor -> api: https\n  - api -> db: sql+tls\n`,
      'no-backups',
    );

  it('no-backups: the store and the backups keeping part of its data agree with their names', () => {
    const plural = backups('Ledger databases', 'Nightly snapshots');
    assert.equal(plural.description, 'Ledger databases store Ledger entries, are not declared backed up and no flow copies them to a backups store; deletion, corruption or ransomware cannot be undone.');
    assert.equal(facts(plural)[1], 'Nightly snapshots keep Audit trail, but not Ledger entries');
    const singular = backups('Ledger database', 'Nightly snapshot');
    assert.equal(singular.description, 'Ledger database stores Ledger entries, is not declared backed up and no flow copies them to a backups store; deletion, corruption or ransomware cannot be undone.');
    assert.equal(facts(singular)[1], 'Nightly snapshot keeps Audit trail, but not Ledger entries');
  });

  it('backups-not-isolated: the title says what the backups store backs up in agreement with its name', () => {
    const title = (name: string) =>
      finding(`elements:\n  ops: { type: admin }\n  job: { type: worker }\n  snaps: { name: ${name}, type: backups }\nflows:\n  - ops -> job: https\n  - job -> snaps: https\n`, 'backups-not-isolated').title;
    assert.equal(title('Nightly snapshots'), 'Nightly snapshots can be destroyed by the systems they back up');
    assert.equal(title('Nightly snapshot'), 'Nightly snapshot can be destroyed by the systems it backs up');
  });

  const logs = (store: string, writer: string, asset: string, second = '') =>
    finding(
      `assets:\n  pii: { name: ${asset}, type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api: { name: ${writer}, type: api }\n${second ? `  worker: { name: ${second}, type: worker, handles: [pii] }\n` : ''}  logs: { name: ${store}, type: logs }\nflows:\n  - visitor -> api: https\n  - api -> logs: { protocol: https, data: [pii] }\n${second ? '  - api -> worker: https\n  - worker -> logs: { protocol: https, data: [pii] }\n' : ''}`,
      'sensitive-data-in-logs',
    );

  it('sensitive-data-in-logs: the store, its writers and the pronouns for them and the data agree', () => {
    assert.equal(logs('Log buckets', 'API servers', 'Customer records').description,
      'Log buckets hold Customer records (pii) and API servers write to them without masking; everyone with log access reads them.');
    assert.equal(logs('Log bucket', 'API server', 'Customer data').description,
      'Log bucket holds Customer data (pii) and API server writes to it without masking; everyone with log access reads it.');
    assert.equal(logs('Log bucket', 'API server', 'Customer data', 'Billing worker').description,
      'Log bucket holds Customer data (pii) and API server, Billing worker write to it without masking; everyone with log access reads it.');
  });

  it('unhashed-passwords: the pronoun for the credentials agrees with their name', () => {
    const description = (asset: string) =>
      finding(`assets:\n  logins: { name: ${asset}, type: credentials, classification: restricted }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { name: User databases, tech: postgres, stores: [logins] }\nflows:\n  - visitor -> api: https\n  - api -> db: sql+tls\n`, 'unhashed-passwords').description;
    assert.equal(description('Passwords'), 'User databases store Passwords and the model does not say they are hashed with argon2, scrypt or bcrypt; a leak of the store reveals every password.');
    assert.equal(description('Password hash'), 'User databases store Password hash and the model does not say it is hashed with argon2, scrypt or bcrypt; a leak of the store reveals every password.');
  });

  it('secrets-in-config: several services, or one with a plural name, authenticate', () => {
    const description = (names: string[]) =>
      finding(`elements:\n  visitor: { tech: browser }\n${names.map((n, i) => `  s${i}: { name: ${n}, type: api }\n`).join('')}  db: { tech: postgres }\nflows:\n${names.map((_, i) => `  - visitor -> s${i}: https\n  - s${i} -> db: { protocol: sql+tls, auth: password }\n`).join('')}`, 'secrets-in-config').description;
    const rest = 'with password secrets and no secrets manager is declared; they end up in config files, environment variables or images.';
    assert.equal(description(['Order services']), `Order services authenticate ${rest}`);
    assert.equal(description(['Order service']), `Order service authenticates ${rest}`);
    assert.equal(description(['Billing', 'Order service']), `Billing, Order service authenticate ${rest}`);
  });
});

describe('verb agreement with plural names (LLM)', () => {
  it('llm-insecure-output: what the element sends to stores, and what it runs, agree with its name', () => {
    const output = (name: string) =>
      finding(`elements:\n  visitor: { tech: browser }\n  agent: { name: ${name}, tech: llm-agent }\n  db: { name: Tickets, tech: postgres }\nflows:\n  - visitor -> agent: https\n  - agent -> db: sql+tls\n`, 'llm-insecure-output');
    const plural = output('Support agents');
    assert.equal(plural.description, 'Support agents pass model output to browsers without validating or encoding it, and write to Tickets; nothing declared validates or neutralises model output they send there.');
    assert.equal(plural.likelihood.reason, 'the internet reaches their prompts: public injection techniques steer the model');
    const singular = output('Support agent');
    assert.equal(singular.description, 'Support agent passes model output to browsers without validating or encoding it, and writes to Tickets; nothing declared validates or neutralises model output it sends there.');
    assert.equal(singular.likelihood.reason, 'the internet reaches its prompts: public injection techniques steer the model');
  });

  it('llm-excessive-agency: the agent acts on its own and reads what it never uses, agreeing with its name', () => {
    const agency = (name: string) =>
      finding(`assets:\n  cards: { name: Card numbers, classification: restricted }\nelements:\n  visitor: { tech: browser }\n  agent: { name: ${name}, tech: llm-agent }\n  db: { name: Ticket stores, tech: postgres, stores: [cards] }\nflows:\n  - visitor -> agent: https\n  - agent -> db: sql+tls\n`, 'llm-excessive-agency');
    const plural = agency('Support agents');
    assert.equal(plural.title, 'Support agents act on Ticket stores without limits');
    assert.equal(plural.description, 'Support agents can call Ticket stores on their own, with no approval step or narrowed permissions; a manipulated model uses them at will, including reading Card numbers they never use.');
    assert.equal(facts(plural)[1], 'Ticket stores store Card numbers');
    const singular = agency('Support agent');
    assert.equal(singular.description, 'Support agent can call Ticket stores on its own, with no approval step or narrowed permissions; a manipulated model uses them at will, including reading Card numbers it never uses.');
  });

  it('llm-unbounded-consumption: an element calling a model through its endpoints agrees with its name', () => {
    const description = (name: string) =>
      finding(`elements:\n  visitor: { tech: browser }\n  chat:\n    name: ${name}\n    type: api\n    endpoints:\n      /chat: { auth: jwt }\n  model: { tech: openai }\nflows:\n  - visitor -> chat: https\n  - chat -> model: https\n`, 'llm-unbounded-consumption').description;
    assert.equal(description('Chat services'), 'Chat services call a language model for requests to /chat from an untrusted zone with no rate limit there; cost and latency grow with whatever callers send.');
    assert.equal(description('Chat service'), 'Chat service calls a language model for requests to /chat from an untrusted zone with no rate limit there; cost and latency grow with whatever callers send.');
  });

  it('prompt-injection: an agent drives its tools, agreeing with its name', () => {
    const description = (name: string) =>
      finding(`elements:\n  visitor: { tech: browser }\n  agent: { name: ${name}, tech: llm-agent }\n  db: { tech: postgres }\nflows:\n  - visitor -> agent: https\n  - agent -> db: sql+tls\n`, 'prompt-injection').description;
    assert.equal(description('Support agents'), 'Support agents put content from an untrusted zone into prompts; instructions hidden in it can override the system prompt and drive their tools.');
    assert.equal(description('Support agent'), 'Support agent puts content from an untrusted zone into prompts; instructions hidden in it can override the system prompt and drive its tools.');
  });
});

describe('verb agreement with plural names (authorization and repudiation)', () => {
  it('broken-object-level-authorization: the partners calling an endpoint agree with their name', () => {
    const bola = (partner: string) =>
      finding(`assets:\n  pii: { name: Profiles, type: pii, classification: confidential }\nelements:\n  partner: { name: ${partner}, type: third-party }\n  acct:\n    type: api\n    endpoints:\n      /accounts: { auth: api-key, returns: [pii], callers: [partner] }\nflows:\n  - partner -> acct: { protocol: https, auth: api-key }\n`, 'broken-object-level-authorization');
    const plural = bola('Partners');
    assert.match(plural.description, /for Partners, which authenticate with api-key;/);
    assert.equal(facts(plural)[1], 'only Partners call /accounts');
    const singular = bola('Partner');
    assert.match(singular.description, /for Partner, which authenticates with api-key;/);
    assert.equal(facts(singular)[1], 'only Partner calls /accounts');
  });

  // Administrators and ordinary users both call the app, and a partner sends it requests: no endpoints.
  const app = (name: string) => `elements:\n  visitor: { type: user, tech: browser }\n  ops: { type: admin, tech: browser }\n  partner: { type: third-party }\n  app: { name: ${name}, kind: process, auth: jwt }\nflows:\n  - visitor -> app: https\n  - ops -> app: https\n  - partner -> app: https\n`;

  it('missing-authorization: an element used by administrators and users agrees with its name', () => {
    const plural = finding(app('App servers'), 'missing-authorization');
    assert.equal(plural.description, 'App servers serve administrative users next to ordinary users and declare no per-request authorization; a signed-in user calling an admin route may get its powers.');
    assert.deepEqual(facts(plural).slice(0, 2), ['App servers are used by administrators', 'App servers are used by ordinary users']);
    const singular = finding(app('App server'), 'missing-authorization');
    assert.deepEqual(facts(singular).slice(0, 2), ['App server is used by administrators', 'App server is used by ordinary users']);
  });

  it('no-audit-log: an element receiving requests from external entities agrees with its name', () => {
    const plural = finding(app('App servers'), 'no-audit-log');
    assert.equal(plural.description, 'App servers take requests from external entities without an audit log; who did what cannot be proven afterwards.');
    assert.equal(facts(plural)[0], 'App servers receive requests from external entities');
    const singular = finding(app('App server'), 'no-audit-log');
    assert.equal(singular.description, 'App server takes requests from external entities without an audit log; who did what cannot be proven afterwards.');
    assert.equal(facts(singular)[0], 'App server receives requests from external entities');
  });

  it('over-privileged-store-access: an internal service and the store it reaches agree with their names', () => {
    const over = (service: string, store: string) =>
      finding(`assets:\n  cards: { name: Card numbers, classification: restricted }\nelements:\n  reports: { name: ${service}, type: service }\n  db: { name: ${store}, tech: postgres, stores: [cards] }\nflows:\n  - reports -> db: { protocol: sql+tls, auth: password }\n`, 'over-privileged-store-access');
    const plural = over('Report workers', 'Card vaults');
    assert.equal(plural.description, 'Report workers connect to Card vaults, which also store Card numbers; the service never uses that data, but its account can read it.');
    assert.equal(plural.likelihood.reason, 'Report workers are internal: needs an insider or a prior foothold');
    const singular = over('Report worker', 'Card vault');
    assert.equal(singular.description, 'Report worker connects to Card vault, which also stores Card numbers; the service never uses that data, but its account can read it.');
    assert.equal(singular.likelihood.reason, 'Report worker is internal: needs an insider or a prior foothold');
  });
});
