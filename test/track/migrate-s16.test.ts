// Triage that survives an upgrade: entries under threat keys a release changed (src/track/key-migrations.ts)
// follow the threat now in their place, entries about threats retired by design are listed as retired, and
// `threatmap triage --migrate` rewrites the file keeping its comments.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { triageAction } from '../../src/cli/triage.js';
import { KEY_MIGRATIONS, keyChanges, mostConservative } from '../../src/track/key-migrations.js';
import { migrateTriageText } from '../../src/track/migrate.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { renameTriageEntry } from '../../src/track/triage-edit.js';
import { threatUid } from '../../src/track/uid.js';
import { analyzeText } from '../helpers.js';
import { tempFolder } from '../temp.js';

const MODEL = [
  'threatmap: 1',
  'system: { name: Shop }',
  'boundaries:',
  '  internet: { name: Internet, trust: untrusted }',
  '  app: { name: App, trust: internal }',
  'elements:',
  '  visitor: { name: Visitor, tech: browser, in: internet }',
  '  api:',
  '    name: API',
  '    type: api',
  '    in: app',
  '    endpoints:',
  '      /hooks/stripe: { kind: webhook, public: true, controls: [signature-verification] }',
  '      /hooks/bank: { kind: webhook, auth: mtls }',
  '      /hooks/plain: { kind: webhook, public: true }',
  '  worker: { name: Worker, type: api, in: app }',
  '  mailer: { name: Mailer, type: third-party, in: internet }',
  '  sms: { name: SMS, type: third-party, in: internet }',
  '  stripe: { name: Stripe, type: third-party, in: internet }',
  '  bank: { name: Bank, type: third-party, in: internet }',
  '  partner: { name: Partner, type: third-party, in: internet }',
  'flows:',
  '  - visitor -> api: https',
  '  - api -> mailer: https',
  '  - api -> sms: https',
  '  - visitor -> worker: https',
  '  - worker -> mailer: https',
  '  - stripe -> api: { protocol: https, endpoint: /hooks/stripe }',
  '  - bank -> api: { protocol: https, endpoint: /hooks/bank, auth: mtls }',
  '  - partner -> api: { protocol: https, endpoint: /hooks/plain }',
  '',
].join('\n');

const TODAY = '2026-12-01';
const analysed = (): AnalysisResult => analyzeText(MODEL, 'shop.yaml');
const triageOf = (text: string) => {
  const parsed = parseTriage(text, 'shop.triage.yaml');
  assert.ok(parsed.triage, JSON.stringify(parsed.diagnostics));
  return parsed.triage;
};
const applied = (text: string) => applyTriage(analysed(), triageOf(text), { today: TODAY });
const threat = (r: AnalysisResult, key: string) => {
  const t = r.threats.find((x) => x.key === key);
  assert.ok(t, `no threat ${key}: ${r.threats.map((x) => x.key).join(', ')}`);
  return t;
};
const warningsOf = (r: AnalysisResult, code: string) => r.triage!.warnings.filter((w) => w.code === code);

describe('the model these tests rely on', () => {
  it('reports no-timeouts-external per caller, replay only on the mTLS webhook, and the unsigned one as unsigned', () => {
    const r = analysed();
    assert.deepEqual(threat(r, 'no-timeouts-external@api').flows, ['api->mailer', 'api->sms']);
    threat(r, 'no-timeouts-external@worker');
    threat(r, 'webhook-replay@api:/hooks/bank');
    threat(r, 'unsigned-webhook@api:/hooks/plain');
    assert.ok(!r.threats.some((t) => t.key === 'webhook-replay@api:/hooks/stripe'));
  });
});

describe('entries under keys a release changed', () => {
  it('an old per-flow key applies to the caller\'s threat, with the warning that names the command', () => {
    const r = applied('threats:\n  no-timeouts-external@api->mailer: { status: accepted, reason: the mailer answers in 50 ms }\n');
    const t = threat(r, 'no-timeouts-external@api');
    assert.equal(t.triage?.status, 'accepted');
    assert.equal(t.triage?.reason, 'the mailer answers in 50 ms');
    assert.deepEqual(r.triage!.stale, []);
    assert.deepEqual(r.triage!.migrated, [{
      ref: 'no-timeouts-external@api->mailer', status: 'accepted', line: 2, col: 3, oldKey: 'no-timeouts-external@api->mailer',
      key: 'no-timeouts-external@api', uid: t.uid, since: KEY_MIGRATIONS[0].since, note: KEY_MIGRATIONS[0].note,
    }]);
    const [w] = warningsOf(r, 'migrated-entry');
    assert.match(w.message, /^triage entry `no-timeouts-external@api->mailer` now applies to `no-timeouts-external@api` \(rule changed in 0\.1\.0: /);
    assert.match(w.message, /: run `threatmap triage shop\.yaml --migrate` to rewrite the file$/);
    assert.equal(r.triage!.open.total, r.threats.length - 1);
  });

  it('an old stable id (the hash of the old key) applies too', () => {
    const old = threatUid('no-timeouts-external@worker->mailer');
    const r = applied(`threats:\n  ${old}: { status: mitigating, ticket: SEC-9 }\n`);
    assert.equal(threat(r, 'no-timeouts-external@worker').triage?.status, 'mitigating');
    assert.equal(r.triage!.migrated?.[0].oldKey, 'no-timeouts-external@worker->mailer');
    assert.match(warningsOf(r, 'migrated-entry')[0].message, new RegExp(`^triage entry \`${old}\` \\(no-timeouts-external@worker->mailer\\) now applies to`));
  });

  it('a file whose entries all match as written reads exactly as before: no migrated or retired lists', () => {
    const r = applied('threats:\n  no-timeouts-external@api: { status: accepted, reason: bounded by the proxy }\n');
    assert.equal(threat(r, 'no-timeouts-external@api').triage?.status, 'accepted');
    assert.ok(!('migrated' in r.triage!) && !('retired' in r.triage!), JSON.stringify(r.triage));
    assert.deepEqual(warningsOf(r, 'migrated-entry'), []);
  });

  it('of several old entries on one threat the most conservative decides, and the warnings say which', () => {
    const r = applied([
      'threats:',
      '  no-timeouts-external@api->mailer: { status: accepted, reason: fast, expires: 2027-06-30 }',
      `  ${threatUid('no-timeouts-external@api->sms')}: { status: mitigating }`,
    ].join('\n'));
    assert.equal(threat(r, 'no-timeouts-external@api').triage?.status, 'mitigating');
    assert.equal(threat(r, 'no-timeouts-external@api').triage?.line, 3);
    const migrated = r.triage!.migrated!;
    assert.deepEqual(migrated.map((m) => [m.line, m.supersededBy]), [[2, 3], [3, undefined]]);
    const [accepted, used] = warningsOf(r, 'migrated-entry');
    assert.match(accepted.message, /as does `TM-[0-9a-f]{8}` \(line 3\), whose decision \(mitigating\) is the most conservative and is used instead of this one \(accepted\)/);
    assert.match(used.message, /as does `no-timeouts-external@api->mailer` \(accepted, line 2\): this decision \(mitigating\) is the most conservative and is used/);
  });

  it('an entry written for the current key wins over old ones, wherever it is in the file', () => {
    const r = applied([
      'threats:',
      '  no-timeouts-external@api->mailer: { status: false-positive, reason: old }',
      '  no-timeouts-external@api: { status: open, owner: alice }',
    ].join('\n'));
    const t = threat(r, 'no-timeouts-external@api');
    assert.equal(t.triage?.status, 'open');
    assert.equal(t.triage?.owner, 'alice');
    assert.equal(r.triage!.migrated![0].supersededBy, 3);
    assert.match(warningsOf(r, 'migrated-entry')[0].message, /which has its own entry on line 3: that decision \(open\) is used/);
    assert.deepEqual(warningsOf(r, 'ambiguous-id'), []);
  });

  it('an old key whose caller has no such threat now stays stale, with a hint saying why', () => {
    const r = applied('threats:\n  no-timeouts-external@api->gone: { status: accepted, reason: x }\n  no-timeouts-external@visitor->api: { status: accepted, reason: y }\n');
    assert.equal(r.triage!.migrated, undefined);
    assert.deepEqual(r.triage!.stale.map((s) => s.ref), ['no-timeouts-external@api->gone', 'no-timeouts-external@visitor->api']);
    assert.match(r.triage!.stale[0].hint!, /`no-timeouts-external@api` does not name this flow now; delete the entry$/);
    assert.match(r.triage!.stale[1].hint!, /this flow's caller has no such threat now; delete the entry$/);
  });
});

describe('entries about threats retired by design', () => {
  it('webhook-replay on a webhook whose signature check is declared is retired with the reason, not stale', () => {
    const r = applied(`threats:\n  webhook-replay@api:/hooks/stripe: { status: mitigated }\n  ${threatUid('webhook-replay@api:/hooks/stripe')}: { status: accepted, reason: dup }\n`);
    assert.deepEqual(r.triage!.stale, []);
    assert.deepEqual(r.triage!.retired!.map((e) => [e.ref.startsWith('TM-') ? 'uid' : e.ref, e.oldKey]), [
      ['webhook-replay@api:/hooks/stripe', 'webhook-replay@api:/hooks/stripe'], ['uid', 'webhook-replay@api:/hooks/stripe'],
    ]);
    assert.match(r.triage!.retired![0].reason, /signature check is declared/);
    assert.match(warningsOf(r, 'retired-entry')[0].message, /^triage entry `webhook-replay@api:\/hooks\/stripe` is retired: since 0\.1\.0, .*delete the entry \(`threatmap triage shop\.yaml --migrate` does\)$/);
  });

  it('is not retired on an unsigned webhook (stale: unsigned-webhook reports it) and still matches on an mTLS one', () => {
    const r = applied('threats:\n  webhook-replay@api:/hooks/plain: { status: mitigated }\n  webhook-replay@api:/hooks/bank: { status: accepted, reason: bank resends never }\n');
    assert.equal(r.triage!.retired, undefined);
    assert.deepEqual(r.triage!.stale.map((s) => s.ref), ['webhook-replay@api:/hooks/plain']);
    assert.equal(threat(r, 'webhook-replay@api:/hooks/bank').triage?.status, 'accepted');
  });

  it('a signature declared on the sender\'s flow, or through an element in front, counts', () => {
    const viaFlow = MODEL.replace('/hooks/stripe: { kind: webhook, public: true, controls: [signature-verification] }', '/hooks/stripe: { kind: webhook, public: true }')
      .replace('stripe -> api: { protocol: https, endpoint: /hooks/stripe }', 'stripe -> api: { protocol: https, endpoint: /hooks/stripe, controls: [signature-verification] }');
    const r = analyzeText(viaFlow, 'shop.yaml');
    assert.ok(!r.threats.some((t) => t.key === 'unsigned-webhook@api:/hooks/stripe'), 'the model says the signature is checked');
    assert.equal(keyChanges(r, ['webhook-replay@api:/hooks/stripe']).get('webhook-replay@api:/hooks/stripe')?.kind, 'retired');
    assert.equal(keyChanges(r, ['webhook-replay@api:/hooks/plain']).size, 0);
  });
});

describe('the most conservative decision', () => {
  it('claims least, then lapses first, then comes first', () => {
    const d = (status: 'open' | 'mitigating' | 'accepted' | 'mitigated' | 'false-positive' | 'transferred', expires?: string) => ({ status, ...(expires ? { expires } : {}) });
    assert.deepEqual(mostConservative([d('false-positive'), d('mitigated'), d('accepted')]), d('accepted'));
    assert.deepEqual(mostConservative([d('accepted'), d('mitigating'), d('open')]), d('open'));
    assert.deepEqual(mostConservative([d('accepted'), d('accepted', '2027-01-01'), d('accepted', '2026-12-31')]), d('accepted', '2026-12-31'));
    const first = d('mitigated');
    assert.equal(mostConservative([first, d('mitigated')]), first);
  });
});

const FILE = [
  '# Decisions of the shop team',
  'threatmap-triage: 1',
  'threats:',
  '  # the mailer is slow, we know',
  '  "no-timeouts-external@api->mailer":',
  '    status: accepted',
  '    reason: the mailer answers in 50 ms   # measured',
  '    expires: 2027-06-30',
  '',
  '  no-timeouts-external@worker->mailer: { status: mitigating, ticket: SEC-7 }  # the worker queue',
  `  ${threatUid('no-timeouts-external@api->sms')}: { status: false-positive, reason: sms is async }`,
  '  webhook-replay@api:/hooks/stripe: { status: mitigated, reason: stripe signs }',
  '  unsigned-webhook@api:/hooks/plain: { status: mitigating }  # untouched',
  '',
].join('\n');

describe('rewriting the file under the new keys (--migrate)', () => {
  it('moves each entry to its new key, removes the replaced and retired ones, keeps comments, and lists every change', () => {
    const r = applied(FILE);
    const { text, steps } = migrateTriageText(FILE, 'shop.yaml', r);
    assert.deepEqual(steps.map((s) => [s.line, s.kind, s.to]), [
      [5, 'renamed', 'no-timeouts-external@api'], [10, 'renamed', 'no-timeouts-external@worker'], [11, 'removed', undefined], [12, 'removed', undefined],
    ]);
    assert.equal(steps[2].reason, 'sms is async');
    assert.match(steps[2].why, /decided by the more conservative entry on line 5 \(accepted\)/);
    assert.match(steps[3].why, /^retired in 0\.1\.0: /);
    assert.equal(text, [
      '# Decisions of the shop team',
      'threatmap-triage: 1',
      'threats:',
      '  # the mailer is slow, we know',
      '  "no-timeouts-external@api":',
      '    threat: API waits without limit on Mailer, SMS (no-timeouts-external@api)',
      '    status: accepted',
      '    reason: the mailer answers in 50 ms   # measured',
      '    expires: 2027-06-30',
      '',
      '  no-timeouts-external@worker: { threat: Worker waits without limit on Mailer (no-timeouts-external@worker), status: mitigating, ticket: SEC-7 }  # the worker queue',
      '  unsigned-webhook@api:/hooks/plain: { status: mitigating }  # untouched',
      '',
    ].join('\n'));
    // Read back, the file decides the same threats with no warning about keys.
    const again = applied(text);
    assert.equal(threat(again, 'no-timeouts-external@api').triage?.status, 'accepted');
    assert.equal(threat(again, 'no-timeouts-external@worker').triage?.status, 'mitigating');
    assert.deepEqual(again.triage!.warnings.filter((w) => /entry/.test(w.code)), []);
    assert.deepEqual(migrateTriageText(text, 'shop.yaml', again), { text, steps: [] });
  });

  it('a stable id stays a stable id', () => {
    const old = threatUid('no-timeouts-external@worker->mailer');
    const text = `threatmap-triage: 1\nthreats:\n  ${old}:\n    status: mitigating\n`;
    const out = migrateTriageText(text, 'shop.yaml', applied(text)).text;
    assert.equal(out, `threatmap-triage: 1\nthreats:\n  ${threatUid('no-timeouts-external@worker')}:\n    threat: Worker waits without limit on Mailer (no-timeouts-external@worker)\n    status: mitigating\n`);
  });

  it('renaming keeps the key\'s quoting and refuses a name another entry has', () => {
    assert.equal(renameTriageEntry("threats:\n  'a@b->c': { status: open }\n", 'a@b->c', 'a@b'), "threats:\n  'a@b': { status: open }\n");
    assert.equal(renameTriageEntry('{"threats": {"a@b->c": {"status": "open"}}}', 'a@b->c', 'a@b'), '{"threats": {"a@b": {"status": "open"}}}');
    assert.throws(() => renameTriageEntry('threats:\n  a@b->c: { status: open }\n  a@b: { status: open }\n', 'a@b->c', 'a@b'), /already has an entry `a@b`/);
  });
});

describe('threatmap triage --migrate', () => {
  function run(model: string, opts: Parameters<typeof triageAction>[2], id?: string): string {
    const write = process.stdout.write;
    const saved = process.env.THREATMAP_TODAY;
    let out = '';
    process.env.THREATMAP_TODAY = TODAY;
    process.stdout.write = ((chunk: string) => { out += chunk; return true; }) as typeof process.stdout.write;
    try {
      triageAction(model, id, opts);
    } finally {
      process.stdout.write = write;
      if (saved === undefined) delete process.env.THREATMAP_TODAY;
      else process.env.THREATMAP_TODAY = saved;
    }
    return out;
  }
  const workspace = () => {
    const dir = tempFolder('threatmap-migrate-');
    writeFileSync(join(dir, 'shop.yaml'), MODEL);
    writeFileSync(join(dir, 'shop.triage.yaml'), FILE);
    return { model: join(dir, 'shop.yaml'), triage: join(dir, 'shop.triage.yaml') };
  };

  it('rewrites the file and prints what it changed; a second run has nothing to do', () => {
    const { model, triage } = workspace();
    const out = run(model, { migrate: true });
    assert.match(out, /shop\.triage\.yaml: 4 entries migrated \(comments kept\):\n  line 5: no-timeouts-external@api->mailer -> no-timeouts-external@api \(accepted: the mailer answers in 50 ms\); /);
    assert.match(out, /\n  line 12: webhook-replay@api:\/hooks\/stripe removed \(mitigated: stripe signs\); retired in 0\.1\.0: /);
    const text = readFileSync(triage, 'utf8');
    assert.ok(text.includes('# the mailer is slow, we know\n  "no-timeouts-external@api":\n'), text);
    // The old keys are gone; the per-flow decision keeps the one flow it was made for (`covers`), so it cannot widen.
    assert.ok(!/^\s*"?[\w-]+@[\w-]+->/m.test(text), text);
    assert.ok(text.includes('covers: [api->mailer]'), text);
    assert.match(run(model, { migrate: true }), /every entry is under its current key; nothing to migrate\n$/);
  });

  it('the listing shows entries under changed keys and retired entries apart from the stale ones', () => {
    const { model } = workspace();
    const out = run(model, { quiet: true });
    assert.match(out, /\nEntries under keys a release changed \(they apply to the threat now in their place; `threatmap triage \S+shop\.yaml --migrate` rewrites them\):\n  \S+shop\.triage\.yaml:5  no-timeouts-external@api->mailer  accepted  now no-timeouts-external@api \(TM-[0-9a-f]{8}\)\n/);
    assert.match(out, /, decided by line 5\n/);
    assert.match(out, /\nRetired entries \(their threat is no longer reported, by design\):\n  \S+:12  webhook-replay@api:\/hooks\/stripe  mitigated  \(webhook-replay is no longer reported/);
    assert.doesNotMatch(out, /Stale entries/);
  });

  it('without a triage file there is nothing to migrate, and nothing is written', () => {
    const { model, triage } = workspace();
    writeFileSync(triage, '');
    assert.match(run(model, { migrate: true }), /every entry is under its current key; nothing to migrate/);
    const bare = join(tempFolder('threatmap-migrate-'), 'shop.yaml');
    writeFileSync(bare, MODEL);
    assert.match(run(bare, { migrate: true }), /shop\.triage\.yaml: no triage file; nothing to migrate\n$/);
    assert.ok(!existsSync(join(bare, '..', 'shop.triage.yaml')));
  });

  it('a decision set or cleared on a threat an old entry decides changes that entry, under the new key', () => {
    const { model, triage } = workspace();
    writeFileSync(triage, 'threats:\n  # why we wait\n  no-timeouts-external@worker->mailer: { status: mitigating, ticket: SEC-7 }\n');
    assert.match(run(model, { status: 'accepted', reason: 'queue retries', quiet: true }, 'no-timeouts-external@worker'), /is accepted\n$/);
    assert.equal(readFileSync(triage, 'utf8'), 'threats:\n  # why we wait\n  no-timeouts-external@worker: { threat: Worker waits without limit on Mailer (no-timeouts-external@worker), status: accepted, ticket: SEC-7, reason: queue retries, risk: medium, covers: [worker->mailer] }\n');
    writeFileSync(triage, 'threats:\n  no-timeouts-external@worker->mailer: { status: mitigating }\n  other@x: { status: open }\n');
    assert.match(run(model, { clear: true, quiet: true }, 'no-timeouts-external@worker'), /cleared the decision/);
    assert.equal(readFileSync(triage, 'utf8'), 'threats:\n  other@x: { status: open }\n');
  });

  it('takes no threat and no decision', () => {
    const { model, triage } = workspace();
    assert.throws(() => run(model, { migrate: true }, 'T1'), /--migrate rewrites every entry .*: give it no threat/);
    assert.throws(() => run(model, { migrate: true, status: 'open' }), /and no --status/);
    assert.equal(readFileSync(triage, 'utf8'), FILE);
  });
});
