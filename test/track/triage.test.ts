// Triage: parsing with positions, applying as a pure step (expiry, stale entries, residual risk) and
// rewriting the file with comments kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isIsoDate } from '../../src/track/dates.js';
import { applyTriage, defaultTriagePath, parseTriage, residualOf, type TriageFile } from '../../src/track/triage.js';
import { newTriageText, removeTriageEntry, setTriageEntry } from '../../src/track/triage-edit.js';
import { analyzeExample, analyzeText, exampleText, replaceOnce } from '../helpers.js';

function triage(text: string, file = 'shop.triage.yaml'): TriageFile {
  const parsed = parseTriage(text, file);
  assert.ok(parsed.triage, JSON.stringify(parsed.diagnostics, null, 2));
  return parsed.triage;
}

const shop = () => analyzeExample('ecommerce');
const byKey = (r: ReturnType<typeof shop>, key: string) => r.threats.find((t) => t.key === key)!;
const SEARCH = 'no-rate-limiting@api:/search';
const CART = 'client-controlled-value@api:POST /cart';

describe('triage file', () => {
  it('names the default file beside the model', () => {
    assert.equal(defaultTriagePath('models/shop.yaml'), 'models/shop.triage.yaml');
    assert.equal(defaultTriagePath('shop.yml'), 'shop.triage.yaml');
    assert.equal(defaultTriagePath('shop.json'), 'shop.triage.yaml');
  });

  it('checks dates as real calendar days', () => {
    assert.ok(isIsoDate('2027-01-31'));
    assert.ok(isIsoDate('2028-02-29'));
    assert.ok(!isIsoDate('2027-02-29'));
    assert.ok(!isIsoDate('2027-1-31'));
    assert.ok(!isIsoDate('31/01/2027'));
  });

  it('reads entries under stable ids (any case) or threat keys', () => {
    const uid = byKey(shop(), SEARCH).uid!;
    const t = triage(`threatmap-triage: 1\nthreats:\n  ${uid.toUpperCase().replace('TM-', 'tm-')}: { status: accepted, reason: public data, expires: 2027-01-31 }\n  "${CART}":\n    status: mitigating\n    owner: bob\n`);
    assert.deepEqual(t.entries.map((e) => [e.ref, e.status, e.loc.line]), [[uid, 'accepted', 3], [CART, 'mitigating', 4]]);
    assert.equal(t.entries[0].expires, '2027-01-31');
  });

  it('an empty file is no decisions', () => {
    assert.deepEqual(triage('').entries, []);
    assert.deepEqual(triage('# nothing yet\n').entries, []);
    assert.deepEqual(triage('threats:\n').entries, []);
  });

  it('reports every mistake with line and column, and suggestions', () => {
    const text = [
      'threatmap-triage: 1',
      'threats:',
      '  TM-0000000a:',
      '    status: acepted',
      '    expries: 2027-01-31',
      '  T3: { status: open }',
      '  TM-0000000b: { status: accepted, expires: 2027-02-30 }',
      '  TM-0000000c: { reason: no status }',
      'treats: {}',
      '',
    ].join('\n');
    const parsed = parseTriage(text, 'x.triage.yaml');
    assert.equal(parsed.triage, undefined);
    const got = parsed.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}${d.hint ? ` ${d.hint}` : ''}`);
    assert.deepEqual(got, [
      '4:5 invalid-value did you mean `accepted`?',
      '5:5 unknown-key did you mean `expires`?',
      '6:3 invalid-id the ids are in every report; `T1`, `T2`... change as the model changes, so they cannot be used here',
      '7:36 invalid-date',
      '8:3 missing-status',
      '9:1 unknown-key did you mean `threats`?',
    ]);
    assert.ok(parsed.diagnostics.every((d) => d.file === 'x.triage.yaml' && d.severity === 'error'));
  });

  it('rejects two entries for the same id', () => {
    const parsed = parseTriage('threats:\n  TM-0000000a: { status: open }\n  tm-0000000A: { status: accepted }\n', 'x.yaml');
    assert.equal(parsed.diagnostics[0]?.code, 'duplicate-entry');
    assert.equal(parsed.diagnostics[0]?.line, 3);
  });

  it('YAML syntax errors come with positions', () => {
    const parsed = parseTriage('threats:\n  TM-0000000a: { status: open\n', 'x.yaml');
    assert.equal(parsed.triage, undefined);
    assert.ok(parsed.diagnostics[0].line >= 2);
  });
});

describe('applying triage', () => {
  const file = (today: string) => {
    const r = shop();
    const search = byKey(r, SEARCH).uid!;
    const t = triage([
      'threats:',
      `  ${search}: { status: accepted, reason: catalogue is public, owner: alice, ticket: SEC-1, expires: 2027-01-31 }`,
      `  "${CART}": { status: mitigating, owner: bob }`,
      `  "cleartext-disclosure@lb": { status: false-positive }`,
      '  "session-hijacking@api": { status: mitigated, review: 2026-12-01 }',
      '  "no-rate-limiting@api:/serch": { status: accepted, reason: typo }',
      '  TM-00000000: { status: accepted, reason: gone, threat: Old threat about the legacy API }',
    ].join('\n'));
    return applyTriage(r, t, { today });
  };

  it('gives every threat the decision in force, keeps ids and order', () => {
    const before = shop();
    const r = file('2026-11-28');
    assert.deepEqual(r.threats.map((t) => t.id), before.threats.map((t) => t.id));
    assert.deepEqual(r.threats.map((t) => t.uid), before.threats.map((t) => t.uid));
    assert.equal(byKey(r, SEARCH).triage?.status, 'accepted');
    assert.equal(byKey(r, SEARCH).triage?.owner, 'alice');
    assert.equal(byKey(r, CART).triage?.status, 'mitigating');
    assert.equal(byKey(r, 'cleartext-disclosure@lb').triage?.status, 'false-positive');
    assert.equal(byKey(r, 'unencrypted-store@cache').triage?.status, 'open');
  });

  it('reports residual risk: open (open or mitigating) and closed, separately', () => {
    const r = file('2026-11-28');
    assert.deepEqual(r.triage!.open, { Critical: 0, High: 3, Medium: 2, Low: 1, total: 6 });
    assert.deepEqual(r.triage!.closed, { Critical: 0, High: 2, Medium: 1, Low: 0, total: 3 });
    assert.equal(r.triage!.byStatus.accepted, 1);
    assert.equal(r.triage!.byStatus.mitigating, 1);
    assert.deepEqual(residualOf(shop()).open.total, 9);
  });

  it('an expired acceptance reopens the threat, with a warning; not on its last day', () => {
    const onTheDay = file('2027-01-31');
    assert.equal(byKey(onTheDay, SEARCH).triage?.status, 'accepted');
    assert.ok(!onTheDay.triage!.warnings.some((w) => w.code === 'expired'));

    const after = file('2027-02-01');
    const t = byKey(after, SEARCH);
    assert.equal(t.triage?.status, 'open');
    assert.equal(t.triage?.declared, 'accepted');
    const w = after.triage!.warnings.filter((x) => x.code === 'expired');
    assert.equal(w.length, 1);
    assert.equal(w[0].line, 2);
    assert.equal(w[0].uid, t.uid);
    assert.match(w[0].message, /expired on 2027-01-31; the threat is open again/);
    assert.equal(after.triage!.open.High, 4);
  });

  it('warns when a review is due and when a decision has no reason', () => {
    const r = file('2026-12-01');
    assert.deepEqual(r.triage!.warnings.filter((w) => w.code === 'review-due').map((w) => w.line), [5]);
    assert.deepEqual(r.triage!.warnings.filter((w) => w.code === 'missing-reason').map((w) => w.line), [4]);
  });

  it('lists entries that match no threat as stale, with a hint', () => {
    const r = file('2026-11-28');
    assert.deepEqual(r.triage!.stale.map((s) => [s.ref, s.line]), [['no-rate-limiting@api:/serch', 6], ['TM-00000000', 7]]);
    assert.match(r.triage!.stale[0].hint!, /did you mean `no-rate-limiting@api:\/search`/);
    assert.equal(r.triage!.stale[1].threat, 'Old threat about the legacy API');
    assert.equal(r.triage!.warnings.filter((w) => w.code === 'stale-entry').length, 2);
  });

  it('needs "today" as an input, never the clock', () => {
    assert.throws(() => applyTriage(shop(), undefined, { today: 'tomorrow' }), /YYYY-MM-DD/);
  });
});

describe('rewriting the triage file', () => {
  const target = (key: string) => {
    const t = byKey(shop(), key);
    return { uid: t.uid!, key: t.key, describe: `${t.title} (${t.key})` };
  };

  it('creates a commented file and reads back what it wrote', () => {
    const text = setTriageEntry(undefined, 'shop.yaml', target(SEARCH), { status: 'accepted', reason: 'public: data', expires: '2027-01-31' });
    assert.ok(text.startsWith('# Triage of the threats threatmap finds in shop.yaml'));
    const t = triage(text);
    assert.deepEqual(t.entries.map((e) => [e.ref, e.status, e.reason, e.expires]), [[target(SEARCH).uid, 'accepted', 'public: data', '2027-01-31']]);
    assert.match(text, /threat: No rate limiting on \/search \(no-rate-limiting@api:\/search\)/);
    assert.ok(parseTriage(newTriageText('a.yaml'), 'a').triage);
  });

  it('keeps the user\'s comments, blank lines and other entries when changing one', () => {
    const search = target(SEARCH);
    const original = [
      '# Reviewed by the security guild every quarter.',
      'threatmap-triage: 1',
      '',
      'threats:',
      '  # The cart: server-side repricing lands in Q1.',
      `  "${CART}": { status: mitigating, owner: bob }   # SEC-7`,
      '',
      `  ${search.uid}:`,
      '    status: mitigating  # was discussed 2026-10',
      '    reason: "waiting for the CDN rate limiter"',
      '',
    ].join('\n');
    const text = setTriageEntry(original, 'shop.yaml', search, { status: 'accepted', expires: '2027-06-30' });
    for (const comment of ['# Reviewed by the security guild every quarter.', '# The cart: server-side repricing lands in Q1.', '# SEC-7', '# was discussed 2026-10']) {
      assert.ok(text.includes(comment), `lost ${comment}:\n${text}`);
    }
    assert.ok(text.includes('reason: "waiting for the CDN rate limiter"'), 'quoting style kept');
    assert.ok(text.includes(`"${CART}": { status: mitigating, owner: bob }`), 'flow style of the other entry kept');
    const t = triage(text);
    assert.deepEqual(t.entries.map((e) => [e.ref, e.status, e.expires]), [[CART, 'mitigating', undefined], [search.uid, 'accepted', '2027-06-30']]);
  });

  it('updates an entry written under the threat key in place instead of adding another', () => {
    const cart = target(CART);
    const text = setTriageEntry(`threats:\n  "${CART}": { status: mitigating }\n`, 'shop.yaml', cart, { status: 'mitigated', ticket: 'SEC-7' });
    const t = triage(text);
    assert.equal(t.entries.length, 1);
    assert.deepEqual([t.entries[0].ref, t.entries[0].status, t.entries[0].ticket], [CART, 'mitigated', 'SEC-7']);
  });

  it('removes fields and entries', () => {
    const search = target(SEARCH);
    let text = setTriageEntry(undefined, 'shop.yaml', search, { status: 'accepted', reason: 'r', expires: '2027-01-31' });
    text = setTriageEntry(text, 'shop.yaml', search, { status: 'accepted', unset: ['expires'] });
    assert.equal(triage(text).entries[0].expires, undefined);
    const removed = removeTriageEntry(text, 'shop.yaml', search);
    assert.ok(removed.removed);
    assert.deepEqual(triage(removed.text).entries, []);
    assert.ok(removed.text.includes('# Triage of the threats'), 'header comment kept');
  });

  it('a status set survives regeneration after the model is edited', () => {
    const search = target(SEARCH);
    const text = setTriageEntry(undefined, 'shop.yaml', search, { status: 'accepted', reason: 'public catalogue' });
    // The model changes: an element renamed, a new element with its flows, the T-numbers move.
    let model = exampleText('ecommerce');
    model = replaceOnce(model, 'name: API servers', 'name: Storefront API');
    model = replaceOnce(model, '  payments:\n', '  admin:\n    name: Back office\n    tech: node\n    in: dmz\n    endpoints:\n      /admin: { kind: admin }\n  payments:\n');
    model = `${model.trimEnd()}\n  - browser -> admin: { protocol: https }\n`;
    const regenerated = applyTriage(analyzeText(model, 'examples/ecommerce.yaml'), triage(text), { today: '2026-11-28' });
    const t = byKey(regenerated, SEARCH);
    assert.notEqual(t.id, byKey(shop(), SEARCH).id, 'its report number changed');
    assert.equal(t.triage?.status, 'accepted');
    assert.equal(t.triage?.reason, 'public catalogue');
    assert.deepEqual(regenerated.triage!.stale, []);
  });
});
