// Session 23, data: a disclosure on an element leads on along an attack path only when what it discloses opens
// the next hop (keys, secrets, sessions) or it names no data; otherwise it counts on the path to what it names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { analyzeText, MODEL_HEAD } from '../rules/harness.js';

const pathTo = (r: AnalysisResult, asset: string) => r.attackPaths.paths.find((p) => p.asset === asset)!;
const idOf = (r: AnalysisResult, rule: string) => r.threats.find((t) => t.ruleId === rule)!.id;

/**
 * The bank reviewers' model: the owner's balances and card numbers behind object-level checks, and a vault behind the
 * service. Card numbers: the owner's own balances are no finding since session 28 (exposure-s28-own-records.test.ts).
 */
const bank = (returned: string, extra = '') => `${MODEL_HEAD}assets:
  balances: { name: Balances, type: financial, classification: restricted }
  secrets: { name: Service secrets, type: secrets, classification: restricted }
  tokens: { name: Session tokens, type: session, classification: restricted }
  cards: { name: Card numbers, type: payment, classification: restricted }
elements:
  app: { tech: mobile-app, controls: [certificate-pinning] }
  accounts:
    type: api
    auth: jwt
    handles: [balances, cards]
    controls: [token-validation, object-level-authorization, waf, audit-logging, log-sanitization, secrets-management${extra}]
    endpoints:
      GET /accounts/{id}: { returns: [${returned}] }
  vault: { type: secrets-vault, auth: iam, stores: [secrets] }
flows:
  - app -> accounts: https
  - accounts -> vault: { protocol: https, auth: iam, data: [secrets] }
`;

describe('attack paths: disclosures that lead on', () => {
  it('keeps card numbers returned to their owner off the path to the secrets, and on the path to the cards', () => {
    const r = analyzeText(bank('cards', ', generic-errors'));
    const exposure = idOf(r, 'excessive-data-exposure');
    assert.deepEqual(pathTo(r, 'secrets').threats, []);
    assert.equal(pathTo(r, 'secrets').risk, undefined);
    assert.deepEqual(pathTo(r, 'cards').threats, [exposure]);
  });
  it('lets a disclosure of sessions or secrets lead on to the vault', () => {
    const r = analyzeText(bank('tokens', ', generic-errors'));
    const exposure = idOf(r, 'excessive-data-exposure');
    assert.deepEqual(pathTo(r, 'secrets').threats, [exposure]);
    assert.deepEqual(pathTo(r, 'secrets').hops[0].threats, [exposure]);
  });
  it('lets a disclosure that names no data lead on (verbose errors read whatever the service holds)', () => {
    const r = analyzeText(bank('cards'));
    const errors = idOf(r, 'verbose-errors');
    const exposure = idOf(r, 'excessive-data-exposure');
    assert.deepEqual(pathTo(r, 'secrets').threats, [errors]);
    assert.deepEqual([...pathTo(r, 'cards').threats].sort(), [errors, exposure].sort());
  });
  it('reads what a store finding names from the store\'s own list', () => {
    // unencrypted-store cites the store's `stores`: session tokens there lead on, work items do not.
    const text = (type: string) => `${MODEL_HEAD}assets:
  kept: { name: Kept, type: ${type}, classification: confidential }
  orders: { name: Orders, type: business, classification: confidential }
elements:
  app: { tech: browser }
  api: { type: api, auth: jwt, controls: [generic-errors, token-validation] }
  queue: { tech: redis, stores: [kept], auth: password, controls: [secrets-management] }
  worker: { type: worker, controls: [secrets-management] }
  db: { tech: postgres, stores: [orders], auth: password, controls: [encryption-at-rest, secrets-management, backups] }
flows:
  - app -> api: https
  - api -> queue: { protocol: rediss, auth: password }
  - queue -> worker: { protocol: rediss, auth: password }
  - worker -> db: { protocol: sql+tls, auth: password }
`;
    const sessions = analyzeText(text('session'));
    const store = sessions.threats.find((t) => t.ruleId === 'unencrypted-store' && t.component === 'queue')!.id;
    assert.ok(pathTo(sessions, 'orders').threats.includes(store));
    const business = analyzeText(text('business'));
    const stored = business.threats.find((t) => t.ruleId === 'unencrypted-store' && t.component === 'queue')!.id;
    assert.ok(!pathTo(business, 'orders').threats.includes(stored));
    assert.ok(pathTo(business, 'kept').threats.includes(stored));
  });
});
