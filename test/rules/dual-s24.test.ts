// Session 24 ("dual"): missing-dual-control (staff run an irreversible high-value operation alone); unsigned-events
// rates forged events by what their consumers do; a third party drawn in a DMZ zone is no-timeouts-external's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';
import { highValueOperation, missingDualControl } from '../../src/analysis/rules/human.js';
import type { Threat } from '../../src/analysis/types.js';
import { evidenceFacts, loadText, MODEL_HEAD, noThreat, onlyThreat, runOnly, threatsIn } from './harness.js';

// Until the rule is registered in the library, run it beside the built-in rules; once it is, run the library.
const RULES = BUILTIN_RULES.some((r) => r.id === missingDualControl.id) ? BUILTIN_RULES : [...BUILTIN_RULES, missingDualControl];
const RULE = 'missing-dual-control';

const dual = (body: string): Threat[] => {
  const { model, source } = loadText(MODEL_HEAD + body);
  return analyze(model, { rules: RULES, source }).threats.filter((t) => t.ruleId === RULE);
};
const oneDual = (body: string): Threat => {
  const found = dual(body);
  assert.equal(found.length, 1, found.map((t) => t.key).join(', '));
  return found[0];
};
const mitigations = (body: string) => runOnly(MODEL_HEAD + body, [missingDualControl]).mitigations.map((m) => [m.component, m.controls, m.reason]);

/** A bank's back office (session 23 review A): staff behind a VPN, SSO with MFA, reversing payments and unblocking cards. */
const BANK_ASSETS = 'assets:\n  payment: { name: Payment instructions, type: financial, classification: confidential, integrity: high }\n  pii: { name: Customer PII, type: pii, classification: confidential }\n';
const bank = (office: string, extra = '', flows = '') =>
  `${BANK_ASSETS}boundaries:\n  staff: { trust: internal, controls: [vpn] }\nelements:\n  staffuser: { name: Bank staff, type: support-staff, in: staff }\n  backoffice:\n    name: Back office\n    tech: nextjs\n    in: staff\n    auth: oidc\n    handles: [pii, payment]\n    controls: [mfa, authorization, audit-logging]\n${office}${extra}flows:\n  - staffuser -> backoffice: { protocol: https, auth: oidc }\n${flows}`;
const OPS = '    endpoints:\n      POST /payments/{id}/reverse: { accepts: [payment] }\n      POST /cards/{id}/unblock: {}\n      GET /customers/{id}: { returns: [pii] }\n';

describe('missing-dual-control on a bank back office', () => {
  it('names the irreversible operations staff run alone, rated Low with MFA and High from the data at stake', () => {
    const t = oneDual(bank(OPS));
    assert.equal(t.key, 'missing-dual-control@backoffice');
    assert.equal(t.stride, 'E');
    assert.equal(t.title, 'No second approver for POST /payments/{id}/reverse, POST /cards/{id}/unblock on Back office');
    assert.equal(t.description, 'Bank staff (support staff) can run payment reversals, card unblocks on Back office (POST /payments/{id}/reverse, POST /cards/{id}/unblock) with no second person approving; what is done cannot be taken back, so one malicious insider or one stolen staff session is enough.');
    assert.deepEqual([t.likelihood.level, t.impact.level], ['Low', 'High']);
    assert.equal(t.likelihood.reason, 'needs a malicious insider or a stolen staff session');
    assert.match(t.impact.reason, /^integrity of Payment instructions is high/);
    assert.deepEqual(evidenceFacts(t), [
      'POST /payments/{id}/reverse is a payment reversal',
      'Bank staff signs in to Back office',
      'no human-approval on POST /payments/{id}/reverse on Back office',
    ]);
    assert.deepEqual(t.flows, ['staffuser->backoffice']);
  });

  it('is one step more likely where staff sign in without MFA: a phished password runs it', () => {
    const t = oneDual(bank(OPS).replace('controls: [mfa, authorization, audit-logging]', 'controls: [authorization, audit-logging]'));
    assert.deepEqual([t.likelihood.level, t.likelihood.reason], ['Medium', 'staff sign in without MFA on the way: a phished password runs it']);
  });

  it('is mitigated by human-approval on the endpoint, the back office, its boundary or the staff flow', () => {
    const one = bank(OPS.replace('POST /cards/{id}/unblock: {}', 'POST /cards/{id}/unblock: { controls: [human-approval] }'));
    // Approval on one operation leaves the other named.
    assert.equal(oneDual(one).title, 'No second approver for POST /payments/{id}/reverse on Back office');
    for (const approved of [
      bank(OPS).replace('controls: [mfa, authorization, audit-logging]', 'controls: [mfa, authorization, audit-logging, human-approval]'),
      bank(OPS).replace('controls: [vpn]', 'controls: [vpn, human-approval]'),
      bank(OPS).replace('{ protocol: https, auth: oidc }', '{ protocol: https, auth: oidc, controls: [human-approval] }'),
      bank(OPS.replace('{ accepts: [payment] }', '{ accepts: [payment], controls: [human-approval] }').replace('POST /cards/{id}/unblock: {}', 'POST /cards/{id}/unblock: { controls: [human-approval] }')),
    ]) {
      assert.deepEqual(dual(approved).map((t) => t.title), []);
      assert.deepEqual(mitigations(approved), [['backoffice', ['human-approval'], 'a second person approves these operations']]);
    }
  });

  it('reaches the services a back office calls: the endpoint its flow names, or endpoints whose callers name it', () => {
    const services = '  payments:\n    type: api\n    handles: [payment]\n    endpoints:\n      POST /payments: {}\n      POST /payments/{id}/reversal: { callers: [backoffice] }\n      POST /transfers: {}\n  cards:\n    type: api\n    endpoints:\n      POST /cards/{id}/unblock: {}\n  customer: { type: user }\n  app: { type: api }\n';
    const calls = '  - customer -> app: https\n  - app -> payments: https\n  - app -> cards: https\n  - backoffice -> payments: https\n  - backoffice -> cards: { protocol: https, endpoint: \'POST /cards/{id}/unblock\' }\n';
    const found = dual(bank('', services, calls));
    assert.deepEqual(found.map((t) => t.title), [
      'No second approver for POST /cards/{id}/unblock on cards',
      'No second approver for POST /payments/{id}/reversal on payments',
    ]);
    const payments = found[1];
    // POST /transfers is the customers' (the app calls payments too, and its callers do not name the back office).
    assert.equal(payments.description, 'Bank staff (support staff) can run payment reversals on payments through Back office (POST /payments/{id}/reversal) with no second person approving; what is done cannot be taken back, so one malicious insider or one stolen staff session is enough.');
    assert.deepEqual(evidenceFacts(payments).slice(1), ['Bank staff signs in to Back office, which calls payments', 'no human-approval on POST /payments/{id}/reversal on payments']);
    assert.deepEqual(payments.flows, ['staffuser->backoffice', 'backoffice->payments']);
    // Approval in the back office covers what it calls.
    assert.deepEqual(dual(bank('', services, calls).replace('controls: [mfa, authorization, audit-logging]', 'controls: [mfa, authorization, audit-logging, human-approval]')), []);
    // A service only the back office calls: all its operations are the back office's.
    const internal = dual(bank('', services, calls.replace('  - app -> payments: https\n', '')));
    assert.equal(internal[1].title, 'No second approver for POST /payments/{id}/reversal, POST /transfers on payments');
  });

  it('names an operation once, where the back office runs it, not again on the service it calls', () => {
    const services = '  payments:\n    type: api\n    endpoints:\n      POST /payments/{id}/reversal: { callers: [backoffice] }\n      POST /payments/{id}/refund: { callers: [backoffice] }\n';
    const found = dual(bank(OPS, services, '  - backoffice -> payments: https\n'));
    assert.deepEqual(found.map((t) => t.title), [
      'No second approver for POST /payments/{id}/reverse, POST /cards/{id}/unblock on Back office',
      'No second approver for POST /payments/{id}/refund on payments',
    ]);
  });
});

describe('missing-dual-control: what is not a staff operation', () => {
  it('leaves a customer\'s refund on an application staff and customers share to the customers, unless it is the staff\'s', () => {
    const shop = (refund: string, admin = 'https') =>
      `elements:\n  shopper: { type: user }\n  ops: { name: Operator, type: admin }\n  api:\n    type: api\n    auth: jwt\n    endpoints:\n      POST /orders/{id}/refund: ${refund}\n      /admin/users: {}\nflows:\n  - shopper -> api: https\n  - ops -> api: ${admin}\n`;
    assert.deepEqual(dual(shop('{}')), []);
    assert.equal(oneDual(shop('{ callers: [ops] }')).title, 'No second approver for POST /orders/{id}/refund on api');
    assert.equal(oneDual(shop('{}', "{ protocol: https, endpoint: 'POST /orders/{id}/refund' }")).title, 'No second approver for POST /orders/{id}/refund on api');
  });

  it('is not for developers, customers, or staff who only read', () => {
    const console = (person: string, route: string) =>
      `elements:\n  person: { type: ${person} }\n  console:\n    type: admin-panel\n    auth: oidc\n    controls: [mfa]\n    endpoints:\n      ${route}: {}\nflows:\n  - person -> console: https\n`;
    assert.equal(oneDual(console('admin', 'POST /users/{id}/roles')).title, 'No second approver for POST /users/{id}/roles on console');
    assert.deepEqual(dual(console('developer', 'POST /users/{id}/roles')), []);
    assert.deepEqual(dual(console('user', 'POST /users/{id}/roles')), []);
    assert.deepEqual(dual(console('admin', 'GET /users/{id}/roles')), []);
    assert.deepEqual(dual(console('admin', 'PUT /users/{id}')), []);
  });

  it('rates a key export by the secrets\' confidentiality, fetched with GET as well', () => {
    const body = 'assets:\n  keys: { name: Signing keys, type: secrets, classification: restricted }\nelements:\n  sec: { type: admin }\n  kms:\n    type: admin-panel\n    auth: oidc\n    controls: [mfa]\n    stores: [keys]\n    endpoints:\n      GET /keys/{id}/export: {}\nflows:\n  - sec -> kms: https\n';
    const t = oneDual(body);
    assert.equal(t.description, 'sec (administrators) can run key and secret exports on kms (GET /keys/{id}/export) with no second person approving; what is done cannot be taken back, so one malicious insider or one stolen staff session is enough.');
    assert.match(t.impact.reason, /^confidentiality of Signing keys is high/);
    assert.equal(t.impact.level, 'High');
  });
});

describe('highValueOperation', () => {
  /** The operation of an endpoint as the model loads it (its kind inferred from its route, as everywhere). */
  const op = (key: string, props = '{}') => {
    const { model } = loadText(`${MODEL_HEAD}elements:\n  x:\n    type: api\n    auth: oidc\n    endpoints:\n      ${JSON.stringify(key)}: ${props}\n`);
    return highValueOperation(model.elements[0].endpoints[0])?.one;
  };

  it('reads routes and descriptions for the operations that move money or power', () => {
    assert.equal(op('POST /payments/{id}/reverse'), 'payment reversal');
    assert.equal(op('POST /refunds'), 'refund');
    assert.equal(op('POST /payouts'), 'payout');
    assert.equal(op('POST /transfers'), 'transfer');
    assert.equal(op('POST /loans/:id/write-off'), 'write-off');
    assert.equal(op('POST /cards/{cardId}/unblockCard'), 'card unblock');
    assert.equal(op('PUT /cards/{id}/limits'), 'limit change');
    assert.equal(op('POST /accounts/{id}/close'), 'account closure');
    assert.equal(op('POST /users/{id}/roles'), 'role or permission grant');
    assert.equal(op('POST /keys/{id}/reveal'), 'key or secret export');
    assert.equal(op('POST /ops/{id}', '{ description: Reverses a settled payment }'), 'payment reversal');
  });

  it('leaves out reads, reports, rate limits, tickets and the caller\'s own account', () => {
    assert.equal(op('GET /payments/{id}/refunds'), undefined);
    assert.equal(op('/refunds/export'), undefined);
    assert.equal(op('PUT /settings/rate-limits'), undefined);
    assert.equal(op('POST /tickets/{id}/close'), undefined);
    assert.equal(op('POST /me/account/close'), undefined);
    assert.equal(op('POST /refunds', '{ public: true }'), undefined);
    assert.equal(op('PUT /customers/{id}'), undefined);
    assert.equal(op('POST /permissions/check'), undefined);
  });
});

describe('unsigned-events: impact by what the consumers do', () => {
  const ASSETS = 'assets:\n  payment: { name: Payment instructions, type: financial, integrity: high }\n  ledger-data: { name: Ledger, type: financial, classification: restricted }\n';
  const bus = (consumer: string, calls: string) =>
    `${ASSETS}elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  bus: { tech: azure-service-bus }\n  ${consumer}\n  fcm: { name: FCM / APNs, type: third-party }\n  mail: { tech: sendgrid }\n  vault: { type: secrets-vault }\n  stripe: { tech: stripe }\n  db: { tech: postgres, stores: [ledger-data] }\nflows:\n  - visitor -> api: https\n  - api -> bus: { protocol: amqps, data: [payment] }\n  - bus -> worker: { protocol: amqps, data: [payment] }\n${calls}`;

  it('is Medium when the only consumer sends push notifications: a forged event makes a misleading push', () => {
    const t = onlyThreat(bus('worker: { name: notifications, type: worker }', '  - worker -> fcm: https\n  - worker -> vault: https\n'), 'unsigned-events');
    assert.deepEqual([t.impact.level, t.impact.reason], ['Medium', 'notifications only sends notifications: a forged event makes a misleading notification but changes no data']);
  });

  it('takes a consumer whose every call goes to an e-mail or push sender as a notifier, whatever its name', () => {
    const t = onlyThreat(bus('worker: { type: worker }', '  - worker -> mail: https\n'), 'unsigned-events');
    assert.equal(t.impact.level, 'Medium');
  });

  it('stays High when a consumer moves money or writes restricted data, even one named for notifications', () => {
    const paying = onlyThreat(bus('worker: { name: notifications, type: worker }', '  - worker -> fcm: https\n  - worker -> stripe: https\n'), 'unsigned-events');
    assert.deepEqual([paying.impact.level, paying.impact.reason], ['High', 'notifications moves money on forged Payment instructions']);
    const writing = onlyThreat(bus('worker: { type: worker }', '  - worker -> mail: https\n  - worker -> db: postgres+tls\n'), 'unsigned-events');
    assert.deepEqual([writing.impact.level, writing.impact.reason], ['High', 'worker writes Ledger on forged Payment instructions']);
    // Nothing says what a plain consumer does: it acts on the events.
    const plain = onlyThreat(bus('worker: { type: worker }', ''), 'unsigned-events');
    assert.deepEqual([plain.impact.level, plain.impact.reason], ['High', 'consumers act on forged Payment instructions']);
  });

  it('rates by every consumer that does not check: one that acts keeps it High beside a notifier', () => {
    const body = bus('worker: { name: notifications, type: worker }', '  - worker -> fcm: https\n  - bus -> ledger: { protocol: amqps, data: [payment] }\n').replace('  bus: {', '  ledger: { type: service }\n  bus: {');
    assert.equal(onlyThreat(body, 'unsigned-events').impact.level, 'High');
    // The ledger checks signatures: only the notifier acts on forged events.
    assert.equal(onlyThreat(body.replace('ledger: { type: service }', 'ledger: { type: service, controls: [signature-verification] }'), 'unsigned-events').impact.level, 'Medium');
  });
});

describe('a third party drawn in a DMZ zone is no-timeouts-external\'s, not no-circuit-breaker\'s', () => {
  const zones = (partner: string) =>
    `boundaries:\n  app: { trust: internal }\n  dmz: { trust: dmz }\nelements:\n  visitor: { tech: browser }\n  api: { type: api, in: app }\n  ${partner}\nflows:\n  - visitor -> api: https\n  - api -> partner: https\n`;

  it('reports the call once, as a call to a third party, whatever its zone', () => {
    for (const partner of ['partner: { type: third-party, in: dmz }', 'partner: { tech: google-identity, in: dmz }', 'partner: { kind: external, in: app }']) {
      const body = zones(partner);
      noThreat(body, 'no-circuit-breaker');
      const t = onlyThreat(body, 'no-timeouts-external');
      assert.equal(t.title, 'api waits without limit on partner');
      assert.deepEqual(t.flows, ['api->partner']);
    }
  });

  it('leaves a call between our own services in a DMZ to no-circuit-breaker', () => {
    const body = zones('partner: { type: service, in: dmz }');
    noThreat(body, 'no-timeouts-external');
    assert.deepEqual(threatsIn(body, 'no-circuit-breaker').map((t) => t.title), ['Cascading failure: no circuit breakers on calls from api']);
  });

  it('names the caller\'s calls to our own services in the DMZ with its third-party call, as one finding', () => {
    const body = zones('partner: { type: third-party, in: dmz }\n  proxy: { type: service, in: dmz }').replace('  - api -> partner: https\n', '  - api -> partner: https\n  - api -> proxy: https\n');
    noThreat(body, 'no-circuit-breaker');
    assert.equal(onlyThreat(body, 'no-timeouts-external').title, 'api waits without limit on partner, proxy');
  });

  it('keeps a device in a DMZ zone, which no provider is, with no-circuit-breaker', () => {
    const body = zones('partner: { type: device, in: dmz }');
    noThreat(body, 'no-timeouts-external');
    assert.equal(threatsIn(body, 'no-circuit-breaker').length, 1);
  });
});
