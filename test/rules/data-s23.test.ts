// Session 23, data: findings reviewers of a bank, an IoT fleet and a data platform judged wrong, and the rule
// they asked for (third-party-data-sharing).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';
import { analyzeText, MODEL_HEAD, noThreat, onlyThreat, runOnly, threatsIn } from './harness.js';

const rule = (id: string) => BUILTIN_RULES.find((r) => r.id === id)!;

describe('unhashed-passwords: a secrets vault hands its secrets back', () => {
  const keys = 'assets:\n  saas: { name: Salesforce client secret, type: credentials, classification: restricted }\n';
  const body = (store: string) => `${keys}elements:\n  job: { type: worker }\n  store: { ${store}, stores: [saas] }\nflows:\n  - job -> store: { protocol: https, auth: iam, data: [saas] }\n`;

  it('reports credentials a database keeps', () => {
    onlyThreat(body('tech: postgres'), 'unhashed-passwords');
  });
  it('reports nothing on a vault, whatever names it', () => {
    for (const store of ['tech: vault', 'type: secrets-vault', 'name: Azure Key Vault, type: secrets-vault']) {
      noThreat(body(store), 'unhashed-passwords');
    }
  });
  it('names digests in the punch list of issued keys, slow hashes for passwords', () => {
    const text = MODEL_HEAD + 'assets:\n  keys: { name: Partner API keys, type: credentials, classification: restricted }\nelements:\n  db: { tech: postgres, stores: [keys] }\n';
    const result = analyzeText(text);
    const t = result.threats.find((x) => x.ruleId === 'unhashed-passwords')!;
    const entry = result.recommendations.find((r) => r.threats.includes(t.id))!;
    assert.match(entry.text, /issued keys as digests/);
    assert.match(entry.text, /passwords as slow hashes/);
    assert.match(t.mitigation, /digest of each key/);
  });
});

describe('sensitive-data-in-logs: the log records are what the store is for', () => {
  const body = (asset: string) =>
    `assets:\n  rec: { ${asset} }\nelements:\n  api: { type: api }\n  logs: { type: logs, stores: [rec] }\nflows:\n  - api -> logs: { protocol: https, data: [rec] }\n`;

  it('reports nothing for an asset of type logs, nor an audit trail of no sensitive type', () => {
    noThreat(body('name: Audit trail, type: logs, classification: confidential, integrity: high'), 'sensitive-data-in-logs');
    noThreat(body('name: Audit trail, type: business, classification: confidential, integrity: high'), 'sensitive-data-in-logs');
    noThreat(body('name: Access logs, classification: confidential'), 'sensitive-data-in-logs');
  });
  it('still reports personal data, and an audit trail the model types as personal data', () => {
    onlyThreat(body('name: Customer PII, type: pii, classification: confidential'), 'sensitive-data-in-logs');
    const t = onlyThreat(body('name: Audit trail, type: pii, classification: confidential'), 'sensitive-data-in-logs');
    assert.match(t.title, /^Audit trail written to logs/);
  });
  it('reports the other sensitive assets beside the log records', () => {
    const text = 'assets:\n  audit: { name: Audit trail, type: logs, classification: confidential }\n  pii: { type: pii, classification: confidential }\n'
      + 'elements:\n  api: { type: api }\n  logs: { type: logs, stores: [audit] }\nflows:\n  - api -> logs: { protocol: https, data: [audit, pii] }\n';
    const t = onlyThreat(text, 'sensitive-data-in-logs');
    assert.equal(t.title, 'pii written to logs');
  });
});

describe('verbose-errors: what a service only ships to a log store is not in its errors', () => {
  const head = 'assets:\n  audit: { name: Audit trail, type: business, classification: confidential }\n  pii: { name: Customer PII, type: pii, classification: confidential }\n';
  it('leaves out an audit trail only written to a log store', () => {
    const t = onlyThreat(`${head}elements:\n  app: { tech: browser }\n  api: { type: api, handles: [pii] }\n  logs: { type: logs, stores: [audit] }\nflows:\n  - app -> api: https\n  - api -> logs: { protocol: https, data: [audit] }\n`, 'verbose-errors');
    assert.equal(t.title, 'Customer PII exposed in error messages from api');
  });
  it('reports nothing when all it holds of high confidentiality is what it ships to logs or backups', () => {
    noThreat(`${head}elements:\n  app: { tech: browser }\n  api: { type: api }\n  logs: { type: logs }\n  snaps: { type: backups }\nflows:\n  - app -> api: https\n  - api -> logs: { protocol: https, data: [audit] }\n  - api -> snaps: { protocol: https, data: [pii] }\n`, 'verbose-errors');
  });
  it('keeps what it also reads back, handles, or sends anywhere else', () => {
    const reads = onlyThreat(`${head}elements:\n  app: { tech: browser }\n  api: { type: api }\n  logs: { type: logs }\nflows:\n  - app -> api: https\n  - api -> logs: { protocol: https, data: [audit] }\n  - logs -> api: { protocol: https, data: [audit] }\n`, 'verbose-errors');
    assert.equal(reads.title, 'Audit trail exposed in error messages from api');
    const elsewhere = onlyThreat(`${head}elements:\n  app: { tech: browser }\n  api: { type: api }\n  logs: { type: logs }\n  db: { tech: postgres }\nflows:\n  - app -> api: https\n  - api -> logs: { protocol: https, data: [audit] }\n  - api -> db: { protocol: sql+tls, data: [audit] }\n`, 'verbose-errors');
    assert.equal(elsewhere.title, 'Audit trail exposed in error messages from api');
  });
});

describe('excessive-data-exposure: masking for identifiers, the fields needed for amounts', () => {
  const body = (type: string, controls: string) =>
    `assets:\n  data: { name: Balances, type: ${type}, classification: restricted }\nelements:\n  app: { tech: mobile-app }\n  accounts:\n    type: api\n    auth: jwt\n    controls: [${controls}]\n    endpoints:\n      GET /accounts/{id}/balance: { returns: [data] }\nflows:\n  - app -> accounts: https\n`;

  it('does not advise last-four masking for financial amounts, and leaves those the owner asked for alone', () => {
    const t = onlyThreat(body('financial', 'token-validation'), 'excessive-data-exposure');
    assert.equal(t.title, 'Balances returned in full by GET /accounts/{id}/balance');
    assert.doesNotMatch(t.mitigation, /last four/);
    assert.match(t.mitigation, /only the fields the caller needs/);
    // Session 28: showing owners their own amounts is the route's purpose (exposure-s28-own-records.test.ts).
    noThreat(body('financial', 'object-level-authorization'), 'excessive-data-exposure');
  });
  it('rates identifiers shown to their owner Low', () => {
    const t = onlyThreat(body('payment', 'object-level-authorization'), 'excessive-data-exposure');
    assert.equal(t.likelihood.level, 'Low');
    assert.ok(t.evidence.some((e) => /checks each object against its owner/.test(e.fact)));
  });
  it('rates Medium without object-level authorization', () => {
    const t = onlyThreat(body('financial', 'token-validation'), 'excessive-data-exposure');
    assert.equal(t.likelihood.level, 'Medium');
    assert.equal(t.risk, 'High');
  });
  it('keeps the masking advice for card numbers, credentials and personal ids', () => {
    for (const type of ['payment', 'credentials', 'pii']) {
      const t = onlyThreat(body(type, 'token-validation'), 'excessive-data-exposure');
      assert.match(t.title, /returned unmasked/);
      assert.equal(t.mitigation, rule('excessive-data-exposure').mitigation);
      assert.match(t.mitigation, /last four digits/);
    }
  });
  it('rates the owner\'s own card numbers Low too, with the masking advice', () => {
    const t = onlyThreat(body('payment', 'object-level-authorization'), 'excessive-data-exposure');
    assert.equal(t.likelihood.level, 'Low');
    assert.match(t.mitigation, /last four digits/);
  });
  it('still rates a public endpoint High, object-level authorization or not', () => {
    const text = 'assets:\n  data: { type: financial, classification: restricted, confidentiality: medium }\nelements:\n  app: { tech: browser }\n  api:\n    type: api\n    controls: [object-level-authorization]\n    endpoints:\n      GET /rates: { public: true, returns: [data] }\nflows:\n  - app -> api: https\n';
    assert.equal(onlyThreat(text, 'excessive-data-exposure').likelihood.level, 'High');
  });
  it('is still mitigated by data-masking', () => {
    noThreat(body('financial', 'object-level-authorization, data-masking'), 'excessive-data-exposure');
  });
});

describe('third-party-data-sharing', () => {
  const head = 'assets:\n  pii: { name: Customer PII, type: pii, classification: confidential }\n  card: { name: Card details, type: payment, classification: restricted }\n'
    + '  key: { name: Provider API key, type: credentials, classification: restricted }\n  promo: { name: Promotions, type: business, classification: confidential }\n  stats: { name: Usage stats, type: pii, classification: internal }\n';
  const send = (to: string, data: string, extra = '', sender = 'api: { type: api }') =>
    `${head}elements:\n  ${sender}\n  ${to}\nflows:\n  - api -> ${to.split(':')[0]}: { protocol: https, data: [${data}]${extra} }\n`;

  it('reports personal data sent to a third party, Low by default', () => {
    const t = onlyThreat(send('crm: { type: third-party }', 'pii'), 'third-party-data-sharing');
    assert.equal(t.component, 'api->crm');
    assert.equal(t.componentKind, 'flow');
    assert.equal(t.stride, 'I');
    assert.equal(t.title, 'Customer PII sent to crm');
    assert.equal(t.likelihood.level, 'Low');
    assert.equal(t.impact.level, 'High');
    assert.ok(t.evidence.every((e) => e.line > 0));
  });
  it('rates Medium for push, marketing and analytics services', () => {
    for (const to of ['fcm: { name: FCM / APNs, type: third-party }', 'hubspot: { type: third-party }', 'seg: { name: Segment analytics, type: third-party }']) {
      const t = onlyThreat(send(to, 'card'), 'third-party-data-sharing');
      assert.equal(t.likelihood.level, 'Medium', to);
      assert.equal(t.risk, 'High', to);
    }
  });
  it('reports nothing for what the recipient exists to take', () => {
    noThreat(send('stripe: { tech: stripe }', 'card'), 'third-party-data-sharing');
    noThreat(send('idp: { tech: auth0 }', 'pii'), 'third-party-data-sharing');
    noThreat(send('mail: { tech: sendgrid }', 'pii'), 'third-party-data-sharing');
  });
  it('still reports what the recipient does not exist to take', () => {
    const t = onlyThreat(send('mail: { tech: sendgrid }', 'pii, card'), 'third-party-data-sharing');
    assert.equal(t.title, 'Card details sent to mail');
    onlyThreat(send('stripe: { tech: stripe }', 'pii'), 'third-party-data-sharing');
  });
  it('treats a credential on an authenticated call as the provider\'s own key', () => {
    noThreat(send('crm: { type: third-party }', 'key', ', auth: api-key'), 'third-party-data-sharing');
    onlyThreat(send('crm: { type: third-party }', 'key'), 'third-party-data-sharing');
  });
  it('leaves language models to llm-data-leakage, and less than confidential or sensitive data alone', () => {
    noThreat(send('model: { tech: openai }', 'pii'), 'third-party-data-sharing');
    noThreat(send('crm: { type: third-party }', 'promo, stats'), 'third-party-data-sharing');
    noThreat(send('crm: { type: third-party }', ''), 'third-party-data-sharing');
  });
  it('reports nothing between our own services', () => {
    noThreat(send('other: { type: api }', 'pii'), 'third-party-data-sharing');
  });
  it('is mitigated by data-masking on the flow or on the sender', () => {
    const onFlow = MODEL_HEAD + send('crm: { type: third-party }', 'pii', ', controls: [data-masking]');
    assert.deepEqual(threatsIn(send('crm: { type: third-party }', 'pii', ', controls: [data-masking]'), 'third-party-data-sharing'), []);
    const run = runOnly(onFlow, [rule('third-party-data-sharing')]);
    assert.ok(run.mitigations.some((m) => m.controls.includes('data-masking')));
    noThreat(send('crm: { type: third-party }', 'pii', '', 'api: { type: api, controls: [data-masking] }'), 'third-party-data-sharing');
  });
  // The entry test/rules/fixtures.ts needs (the shared tester asks every rule for one), checked here as it would check it.
  it('passes the shared fixture it is given', () => {
    const model = 'threatmap: 1\nsystem: { name: Fixture }\nassets:\n  pii: { type: pii, classification: confidential }\nelements:\n  api: { type: api, controls: [$C] }\n  crm: { type: third-party }\nflows:\n  - api -> crm: { protocol: https, data: [pii] }\n';
    const positive = analyzeText(model.replace(', $C', '').replace('$C', '')).threats.filter((t) => t.ruleId === 'third-party-data-sharing');
    assert.equal(positive.length, 1);
    assert.equal(positive[0].component, 'api->crm');
    const negative = model.replace('$C', 'data-masking');
    assert.deepEqual(analyzeText(negative).threats.filter((t) => t.ruleId === 'third-party-data-sharing'), []);
    assert.ok(runOnly(negative, [rule('third-party-data-sharing')]).mitigations.some((m) => m.controls.includes('data-masking')));
  });
  it('fires on its own example', () => {
    const r = rule('third-party-data-sharing');
    const found = analyzeText(`${MODEL_HEAD}${r.example}\n`).threats.filter((t) => t.ruleId === r.id);
    assert.equal(found.length, 1);
  });
});
