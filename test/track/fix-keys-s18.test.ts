// Session 18 fix wave (review findings 4, 5, 6): a decision on missing-token-validation is suspended, not deleted,
// while forgeable-tokens stands for its cause; a per-endpoint decision that moved into an element-wide threat
// covering more (or another rule's finding) needs a re-decision; the admin-api-route retirement follows the rule's
// own test, not the evidence's text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { keyChanges } from '../../src/track/key-migrations.js';
import { migrateTriageText } from '../../src/track/migrate.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeText, MODEL_HEAD as HEAD } from '../rules/harness.js';

const TODAY = '2026-11-30';
const applied = (model: string, triage: string): AnalysisResult => {
  const parsed = parseTriage(triage, 'm.triage.yaml');
  assert.ok(parsed.triage, JSON.stringify(parsed.diagnostics));
  return applyTriage(analyzeText(model), parsed.triage, { today: TODAY });
};
const status = (r: AnalysisResult, key: string) => {
  const t = r.threats.find((x) => x.key === key);
  assert.ok(t, `no ${key}: ${r.threats.map((x) => x.key).join(', ')}`);
  return t.triage?.status;
};

// --- Finding 4 ----------------------------------------------------------------------------------------------

const jwtApi = (tags: string) => `${HEAD}elements:\n  client: { tech: browser }\n  api: { type: api, auth: jwt${tags} }\nflows:\n  - client -> api: { protocol: https, auth: jwt }\n`;
const VALIDATION = 'threats:\n  missing-token-validation@api:\n    status: mitigating\n    reason: validation lib being added\n';

describe('fix-keys-s18: a missing-token-validation decision is suspended while the signing key is in the files', () => {
  it('while forgeable-tokens reports, the entry is suspended (not stale) and --migrate leaves it', () => {
    const model = jwtApi(', tags: [token-signing-key:docker-compose.yml:31]');
    const r = applied(model, VALIDATION);
    assert.ok(r.threats.some((t) => t.key === 'forgeable-tokens@api'));
    assert.deepEqual(r.triage!.stale, []);
    assert.deepEqual(r.triage!.retired?.map((e) => [e.oldKey, e.suspendedWhile]), [['missing-token-validation@api', 'forgeable-tokens']]);
    const w = r.triage!.warnings.find((x) => x.code === 'retired-entry');
    assert.match(w!.message, /is suspended while forgeable-tokens reports the cause.*keep the entry.*applies again when the threat returns/);
    assert.doesNotMatch(w!.message, /delete the entry/);
    const m = migrateTriageText(VALIDATION, 'm.yaml', r);
    assert.equal(m.text, VALIDATION);
    assert.deepEqual(m.steps, []);
  });

  it('once the key is out of the files, the kept entry decides the threat again', () => {
    const r = applied(jwtApi(''), VALIDATION);
    assert.equal(status(r, 'missing-token-validation@api'), 'mitigating');
    assert.equal(r.triage!.retired, undefined);
    assert.deepEqual(r.triage!.stale, []);
  });

  it('a retirement that is no suspension is still removed by --migrate', () => {
    const text = 'threats:\n  exposed-admin-interface@api:DELETE /api/admin/users/{id}: { status: accepted, reason: ok }\n';
    const r = applied(adminApi(1), text);
    assert.equal(r.triage!.retired?.[0].suspendedWhile, undefined);
    const m = migrateTriageText(text, 'm.yaml', r);
    assert.deepEqual(m.steps.map((s) => s.kind), ['removed']);
    assert.equal(m.text.includes('exposed-admin-interface'), false);
  });
});

// --- Finding 5 ----------------------------------------------------------------------------------------------

const AUTH = `${HEAD}elements:
  visitor: { tech: browser }
  api:
    type: api
    endpoints:
      POST /login: { public: true }
      POST /register: { public: true }
      POST /forgot-password: { public: true, kind: password-reset }
      POST /check-otp: { public: true, kind: otp }
flows:
  - visitor -> api: https
`;
const ENUM = (...routes: string[]) => `threats:\n${routes.map((r) => `  account-enumeration@api:${r}: { status: accepted, reason: login must say wrong password }\n`).join('')}`;

describe('fix-keys-s18: a per-endpoint decision moved into an element-wide threat does not widen', () => {
  it('one endpoint\'s acceptance leaves the enumeration threat on three endpoints open, naming the others; --migrate keeps it', () => {
    const text = ENUM('POST /login');
    const r = applied(AUTH, text);
    assert.equal(status(r, 'account-enumeration@api'), 'open');
    const [m] = r.triage!.migrated!;
    assert.equal(m.key, 'account-enumeration@api');
    assert.match(m.redecide!, /now also covers `api:POST \/register` and `api:POST \/forgot-password` \(3 endpoints in all\)/);
    assert.deepEqual(r.triage!.stale, []);
    assert.match(r.triage!.warnings.find((w) => w.code === 'migrated-entry')!.message, /the threat is open until it is decided anew \(`threatmap triage fixture\.yaml TM-[0-9a-f]{8} --status accepted`/);
    const mig = migrateTriageText(text, 'm.yaml', r);
    assert.deepEqual(mig.steps.map((s) => s.kind), ['kept']);
    assert.equal(mig.text, text);
  });

  it('entries for every endpoint the threat names move as before', () => {
    const text = ENUM('POST /login', 'POST /register', 'POST /forgot-password');
    const r = applied(AUTH, text);
    assert.equal(status(r, 'account-enumeration@api'), 'accepted');
    assert.ok(r.triage!.migrated!.every((m) => m.redecide === undefined));
    const mig = migrateTriageText(text, 'm.yaml', r);
    assert.deepEqual(mig.steps.map((s) => s.kind), ['renamed', 'removed', 'removed']);
    assert.match(mig.text, /^ {2}account-enumeration@api: \{ threat: .*status: accepted/m);
  });

  it('a reset decision of another rule does not close the one-time-code takeover', () => {
    const r = applied(AUTH, 'threats:\n  insecure-password-reset@api:POST /forgot-password: { status: mitigating, reason: fixing }\n');
    assert.equal(status(r, 'otp-brute-force@api'), 'open');
    assert.match(r.triage!.migrated![0].redecide!, /`insecure-password-reset@api:POST \/forgot-password`, another rule's finding, moved into it/);
  });

  it('the threat\'s own entry still wins over old keys, with nothing to re-decide', () => {
    const r = applied(AUTH, `${ENUM('POST /login')}  account-enumeration@api: { status: mitigating, reason: one response policy }\n`);
    assert.equal(status(r, 'account-enumeration@api'), 'mitigating');
    assert.equal(r.triage!.migrated![0].redecide, undefined);
    assert.equal(r.triage!.migrated![0].supersededBy, 3);
  });
});

// --- Finding 6 ----------------------------------------------------------------------------------------------

function adminApi(n: number, boundary = ''): string {
  const routes = Array.from({ length: n }, (_, i) => `      DELETE /api/admin/thing${i + 1}/{id}: { auth: jwt, kind: admin }\n`).join('');
  const b = boundary ? `boundaries:\n  dmz: { name: DMZ, trust: internal, controls: [${boundary}] }\n` : '';
  return `${HEAD}${b}elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n${boundary ? '    in: dmz\n' : ''}    endpoints:\n      GET /api/me: { auth: jwt }\n${routes}      DELETE /api/admin/users/{id}: { auth: jwt, kind: admin }\nflows:\n  - visitor -> api: https\n`;
}
const adminKeys = (n: number) => [...Array.from({ length: n }, (_, i) => `exposed-admin-interface@api:DELETE /api/admin/thing${i + 1}/{id}`), 'exposed-admin-interface@api:DELETE /api/admin/users/{id}'];
const retiredOf = (r: AnalysisResult, keys: readonly string[]) => [...keyChanges(r, keys)].filter(([, c]) => c.kind === 'retired').map(([k]) => k);

describe('fix-keys-s18: the admin-api-route retirement follows the rule\'s own test', () => {
  it('retires every admin route, not only those the evidence names', () => {
    const keys = adminKeys(12);
    assert.deepEqual(retiredOf(analyzeText(adminApi(12)), keys), keys);
  });

  it('retires a route whose authorization is declared on the boundary (the finding is mitigated there)', () => {
    const r = analyzeText(adminApi(1, 'authorization'));
    assert.deepEqual(retiredOf(r, adminKeys(1)), adminKeys(1));
  });

  it('retires a route declared on a proxy in front of a load balancer in front of the application', () => {
    const model = `${HEAD}elements:\n  visitor: { tech: browser }\n  edge:\n    type: reverse-proxy\n    endpoints:\n      GET /api/me: { auth: jwt }\n      DELETE /api/admin/users/{id}: { auth: jwt, kind: admin }\n`
      + '  lb: { type: load-balancer }\n  app: { type: api }\nflows:\n  - visitor -> edge: https\n  - edge -> lb: https\n  - lb -> app: https\n';
    const r = analyzeText(model);
    assert.equal(r.threats.some((t) => t.key === 'exposed-admin-interface@edge:DELETE /api/admin/users/{id}'), false);
    assert.deepEqual(retiredOf(r, ['exposed-admin-interface@edge:DELETE /api/admin/users/{id}']), ['exposed-admin-interface@edge:DELETE /api/admin/users/{id}']);
  });

  it('does not retire an admin route the rule still reports (only administrators call it)', () => {
    const model = `${HEAD}elements:\n  admin: { type: admin }\n  api:\n    type: api\n    endpoints:\n      DELETE /api/admin/users/{id}: { auth: jwt, kind: admin }\nflows:\n  - admin -> api: https\n`;
    const r = analyzeText(model);
    assert.ok(r.threats.some((t) => t.key === 'exposed-admin-interface@api:DELETE /api/admin/users/{id}'));
    assert.deepEqual(retiredOf(r, ['exposed-admin-interface@api:DELETE /api/admin/users/{id}']), []);
  });

  it('does not retire a public admin route', () => {
    const model = adminApi(0).replace('DELETE /api/admin/users/{id}: { auth: jwt, kind: admin }', 'DELETE /api/admin/users/{id}: { public: true, kind: admin }');
    assert.deepEqual(retiredOf(analyzeText(model), adminKeys(0)), []);
  });
});

