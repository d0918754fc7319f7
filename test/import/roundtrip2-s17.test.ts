// Exact scopes through every round trip: applied triage keeps each entry's `risk:` and `covers:` as written,
// the exporters carry them rather than working them out from the threat now, and OTM and Threat Composer carry
// them too. A decision nobody decided again comes back with the scope its entry records (none when it records
// none); one made in the other tool records the threat as exported.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { importedTriage } from '../../src/import/import-common.js';
import { mergeImportedThreats } from '../../src/import/merge-threats.js';
import { importOtm } from '../../src/import/otm.js';
import { importThreatComposer } from '../../src/import/threat-composer.js';
import { formatDiagnostics } from '../../src/model/diagnostics.js';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { MITIGATION_STATE, type OtmDocument, type OtmThreatInstance } from '../../src/render/otm.js';
import { renderThreagile } from '../../src/render/threagile.js';
import { renderThreatComposer, TC_META, type TcThreat, type TcWorkspace } from '../../src/render/threat-composer.js';
import { parseTriage, type TriageEntry } from '../../src/track/triage.js';
import { analyseText, roundTrip } from './roundtrip.js';

const SHOP = readFileSync('test/fixtures/roundtrip/shop.yaml', 'utf8');

// High, covering lb->api: one drifted (recorded Low), one recorded wider than the threat is now (Critical, and a
// flow it no longer covers), which is no drift; an entry without a scope; a written threat recorded at Critical.
const DRIFTED = 'TM-10723191'; // cleartext-disclosure@lb
const WIDER = 'TM-9135b2f3'; // cleartext-tampering@lb
const UNSCOPED = 'TM-6801fb4a'; // session-hijacking@api, Medium, no flows
const UNDECIDED = 'TM-13e90e4f'; // verbose-errors@api, Medium, no flows
const COUPON = 'threat:coupon-stacking@api:POST /checkout'; // High, no flows
const TRIAGE = `threatmap-triage: 1
threats:
  cleartext-disclosure@lb:
    status: accepted
    reason: Internal hop.
    risk: low
    covers: [lb->api]
  cleartext-tampering@lb:
    status: accepted
    reason: Internal hop too.
    risk: critical
    covers: [lb->api, cdn->lb]
  ${UNSCOPED}:
    status: mitigated
    reason: Session cookies are HttpOnly.
  "${COUPON}":
    status: accepted
    reason: Marketing accepts the loss.
    risk: critical
`;

const entryOf = (triage: string | undefined, ref: string): TriageEntry | undefined =>
  parseTriage(triage ?? '', 'triage').triage?.entries.find((e) => e.ref === ref);
/** What a person reads of an entry: its status and the scope it records. */
const scopeOf = (triage: string | undefined, ref: string) => {
  const e = entryOf(triage, ref);
  return e && { status: e.status, risk: e.risk, covers: e.covers };
};
/** Each threat's status in force and whether it needs review, once the imported model and triage are analysed. */
function analysed(model: string, triage: string | undefined) {
  const { result } = analyseText(model, 'back.yaml', triage);
  return (uid: string) => {
    const t = result.threats.find((x) => x.uid === uid || x.key === uid);
    return t && { status: t.triage?.status, needsReview: t.triage?.drift !== undefined };
  };
}
const triaged = (triage = TRIAGE) => analyseText(SHOP, 'shop.yaml', triage);
const threatOf = (r: AnalysisResult, uid: string) => r.threats.find((t) => t.uid === uid)!;

describe('applied triage keeps what an entry records its decision was made for', () => {
  const { result } = triaged();

  it('risk and covers as written: a wider scope than the threat now, and a drifted one', () => {
    assert.deepEqual([threatOf(result, WIDER).triage?.risk, threatOf(result, WIDER).triage?.covers], ['Critical', ['cdn->lb', 'lb->api']]);
    assert.deepEqual([threatOf(result, DRIFTED).triage?.risk, threatOf(result, DRIFTED).triage?.covers], ['Low', ['lb->api']]);
  });

  it('none for an entry without them, nor for an untriaged threat', () => {
    assert.deepEqual(threatOf(result, UNSCOPED).triage, { status: 'mitigated', reason: 'Session cookies are HttpOnly.', line: 13 });
    assert.deepEqual(threatOf(result, UNDECIDED).triage, { status: 'open' });
  });
});

describe('importedTriage writes each decision\'s scope', () => {
  const write = (d: Record<string, unknown>) => importedTriage(['test'], [{ key: 'a@b', title: 'A', status: 'accepted', ...d }])!.text;

  it('as `threatmap triage` writes it: a risk word and the flows on one line, sorted', () => {
    const text = write({ risk: 'High', covers: ['lb->web', 'lb->api'] });
    assert.match(text, /\n {4}risk: high\n {4}covers: \[lb->api, lb->web\]\n/);
    assert.deepEqual(scopeOf(text, 'a@b'), { status: 'accepted', risk: 'High', covers: ['lb->api', 'lb->web'] });
  });

  it('nothing for a decision without one, and no empty `covers`', () => {
    assert.doesNotMatch(write({}), /risk:|covers:/);
    assert.deepEqual(scopeOf(write({ risk: 'Low', covers: [] }), 'a@b'), { status: 'accepted', risk: 'Low', covers: undefined });
  });
});

// --- Threat Dragon, Threagile and OTM: the scope comes back as the entry records it ------------------------------

for (const format of ['threat-dragon', 'threagile', 'otm'] as const) {
  describe(`${format}: each decision comes back with exactly the scope its entry records`, () => {
    const rt = roundTrip(format, SHOP, TRIAGE);
    const ref = (uid: string, key: string) => (format === 'otm' ? key : uid);

    it('nothing the team sees differs, the drifted decision still needing review', () => {
      assert.deepEqual(rt.differences, []);
      assert.deepEqual(analysed(rt.model, rt.triage)(DRIFTED), { status: 'open', needsReview: true });
    });

    it('a scope wider than the threat now comes back as written (Critical, two flows), not as the threat is (High, one)', () => {
      assert.deepEqual(scopeOf(rt.triage, ref(WIDER, 'cleartext-tampering@lb')), { status: 'accepted', risk: 'Critical', covers: ['cdn->lb', 'lb->api'] });
      assert.deepEqual(scopeOf(rt.triage, ref(DRIFTED, 'cleartext-disclosure@lb')), { status: 'accepted', risk: 'Low', covers: ['lb->api'] });
      assert.deepEqual(scopeOf(rt.triage, COUPON), { status: 'accepted', risk: 'Critical', covers: undefined });
    });

    it('an entry written without a scope comes back without one', () => {
      assert.deepEqual(scopeOf(rt.triage, ref(UNSCOPED, 'session-hijacking@api')), { status: 'mitigated', risk: undefined, covers: undefined });
    });
  });
}

describe('Threagile: a decision its tracking says all of is left out of threatmap\'s section only when its scope is the threat\'s', () => {
  const tracked = `threatmap-triage: 1
threats:
  cleartext-tampering@lb: { status: mitigated, reason: TLS inside too., risk: high, covers: [lb->api] }
  ${UNSCOPED}: { status: mitigated, reason: Cookies are HttpOnly. }
`;
  const ours = (exported: string) => exported.slice(exported.indexOf('\nthreatmap:\n'));

  it('the same scope: tracking alone, and it comes back with it', () => {
    const rt = roundTrip('threagile', SHOP, tracked);
    assert.doesNotMatch(ours(rt.exported), /reason: TLS inside too\./);
    assert.deepEqual(scopeOf(rt.triage, WIDER), { status: 'mitigated', risk: 'High', covers: ['lb->api'] });
  });

  it('no scope: carried in threatmap\'s section, so that it does not come back with the threat\'s', () => {
    const rt = roundTrip('threagile', SHOP, tracked);
    assert.match(ours(rt.exported), /reason: Cookies are HttpOnly\./);
    assert.deepEqual(scopeOf(rt.triage, UNSCOPED), { status: 'mitigated', risk: undefined, covers: undefined });
  });
});

describe('a result whose triage does not hold the entry\'s scope (analysed before it did): worked out, as before', () => {
  /** The result as an earlier threatmap gave it: the applied triage without `risk` and `covers`. */
  const older = () => {
    const { model, result } = triaged();
    const threats = result.threats.map((t) => {
      if (!t.triage) return t;
      const { risk: _risk, covers: _covers, ...rest } = t.triage;
      return { ...t, triage: rest };
    });
    return { model, result: { ...result, threats } };
  };
  /** The decision threatmap's section of the Threagile export carries for a threat. */
  const carried = (uid: string) => {
    const { model, result } = older();
    const risks = (parseYaml(renderThreagile(result, { model })) as { threatmap: { risks: Record<string, { decision?: Record<string, unknown> }> } }).threatmap.risks;
    const d = risks[uid]?.decision;
    return d && { status: d.status, risk: d.risk, covers: d.covers };
  };

  it('a drifted decision: the scope its drift tells (Low, lb->api)', () => {
    assert.deepEqual(carried(DRIFTED), { status: 'open', risk: 'Low', covers: ['lb->api'] });
  });

  it('one that did not drift: none, rather than the threat as it is now', () => {
    assert.deepEqual(carried(WIDER), { status: 'accepted', risk: undefined, covers: undefined });
  });
});

// --- OTM: decided again in the other tool ------------------------------------------------------------------------

describe('OTM: a decision made in the other tool records the threat as exported', () => {
  const rt = roundTrip('otm', SHOP, TRIAGE);
  const edit = (key: string, state: string, mitigation: string) => {
    const doc = JSON.parse(rt.exported) as OtmDocument;
    const id = doc.threats.find((t) => t.attributes.key === key)!.id;
    const found: OtmThreatInstance[] = [...doc.components, ...doc.dataflows].flatMap((x) => x.threats ?? []).filter((i) => i.threat === id);
    assert.ok(found.length > 0, key);
    for (const i of found) Object.assign(i, { state, mitigations: i.mitigations.map((m) => ({ ...m, state: mitigation })) });
    const back = importOtm(JSON.stringify(doc, null, 2), 'edited.otm.json', { output: 'back.yaml' });
    assert.ok(back.text, formatDiagnostics(back.diagnostics));
    return { model: back.text, triage: back.triage?.text };
  };

  it('the drifted threat marked mitigated there: High and lb->api, so it no longer needs review', () => {
    const back = edit('cleartext-disclosure@lb', 'mitigated', MITIGATION_STATE.mitigated);
    assert.deepEqual(scopeOf(back.triage, 'cleartext-disclosure@lb'), { status: 'mitigated', risk: 'High', covers: ['lb->api'] });
    assert.deepEqual(analysed(back.model, back.triage)(DRIFTED), { status: 'mitigated', needsReview: false });
  });

  it('reopened there: no scope recorded (an open decision closes nothing)', () => {
    const back = edit('cleartext-tampering@lb', 'exposed', MITIGATION_STATE.open);
    assert.equal(entryOf(back.triage, 'cleartext-tampering@lb'), undefined);
  });
});

// --- Threat Composer ----------------------------------------------------------------------------------------------

describe('Threat Composer: scopes carried in the statements\' metadata', () => {
  const exported = () => {
    const { model, result } = triaged();
    return JSON.parse(renderThreatComposer(result, { model })) as TcWorkspace;
  };
  const statement = (w: TcWorkspace, uid: string): TcThreat => w.threats.find((t) => t.metadata.some((m) => m.key === TC_META.id && m.value === uid))!;
  const metaOf = (t: TcThreat, key: string) => t.metadata.find((m) => m.key === key)?.value;
  /** `import --into` as the CLI does it. */
  const into = (w: TcWorkspace) => {
    const r = importThreatComposer(JSON.stringify(w), 'shop.tc.json', { into: true });
    assert.ok(r.text && r.summary, formatDiagnostics(r.diagnostics));
    const merged = mergeImportedThreats({
      model: { text: SHOP, file: 'shop.yaml', triage: TRIAGE }, imported: { text: r.text, ...(r.triage ? { triage: r.triage.text } : {}) },
      ...(r.summary.threatmap ? { carried: r.summary.threatmap.carried } : {}),
    });
    assert.ok(!('error' in merged), 'error' in merged ? merged.error : '');
    return merged.triage ?? TRIAGE;
  };

  it('each statement: the threat\'s risk and flows as exported, and its decision\'s scope as recorded', () => {
    const w = exported();
    const wider = statement(w, WIDER);
    assert.deepEqual([metaOf(wider, TC_META.risk), metaOf(wider, TC_META.flows)], ['High', 'lb->api']);
    assert.deepEqual([metaOf(wider, TC_META.decisionRisk), metaOf(wider, TC_META.decisionCovers)], ['Critical', 'cdn->lb, lb->api']);
    const unscoped = statement(w, UNSCOPED);
    assert.deepEqual([metaOf(unscoped, TC_META.risk), metaOf(unscoped, TC_META.flows), metaOf(unscoped, TC_META.decisionRisk)], ['Medium', undefined, undefined]);
  });

  it('decided again there (--into): the threat as exported replaces the scope recorded before', () => {
    const w = exported();
    statement(w, WIDER).status = 'threatResolvedNotUseful';
    statement(w, UNDECIDED).status = 'threatResolved';
    const triage = into(w);
    assert.deepEqual(scopeOf(triage, 'cleartext-tampering@lb'), { status: 'false-positive', risk: 'High', covers: ['lb->api'] });
    assert.deepEqual(scopeOf(triage, UNDECIDED), { status: 'mitigated', risk: 'Medium', covers: undefined });
  });

  it('a drifted decision (exported as open) decided again there (--into): written, and it no longer needs review', () => {
    const w = exported();
    assert.equal(metaOf(statement(w, DRIFTED), TC_META.declared), 'accepted');
    statement(w, DRIFTED).status = 'threatResolved';
    const triage = into(w);
    assert.deepEqual(scopeOf(triage, 'cleartext-disclosure@lb'), { status: 'mitigated', risk: 'High', covers: ['lb->api'] });
    assert.deepEqual(analysed(SHOP, triage)(DRIFTED), { status: 'mitigated', needsReview: false });
  });

  it('a drifted decision the triage file changed since the export: the triage file\'s is kept', () => {
    const w = exported();
    statement(w, DRIFTED).status = 'threatResolved';
    const r = importThreatComposer(JSON.stringify(w), 'shop.tc.json', { into: true });
    const edited = TRIAGE.replace('status: accepted\n    reason: Internal hop.\n', 'status: transferred\n    reason: Internal hop.\n');
    const merged = mergeImportedThreats({ model: { text: SHOP, file: 'shop.yaml', triage: edited }, imported: { text: r.text! }, carried: r.summary!.threatmap!.carried });
    assert.ok(!('error' in merged));
    assert.equal(entryOf(merged.triage ?? edited, 'cleartext-disclosure@lb')?.status, 'transferred');
    assert.ok(merged.notes.some((n) => n.includes('the triage file decides `transferred`')), merged.notes.join('\n'));
  });

  it('left as exported (--into): the entry and its scope are untouched', () => {
    const triage = into(exported());
    assert.deepEqual(scopeOf(triage, 'cleartext-tampering@lb'), { status: 'accepted', risk: 'Critical', covers: ['cdn->lb', 'lb->api'] });
  });

  it('a written threat imported again without a model: its decision with the scope recorded, exactly', () => {
    const r = importThreatComposer(JSON.stringify(exported()), 'shop.tc.json', { output: 'back.yaml' });
    assert.ok(r.text, formatDiagnostics(r.diagnostics));
    // Threat Composer keeps no system model: the threat comes back on the whole system.
    assert.deepEqual(scopeOf(r.triage?.text, 'threat:coupon-stacking@system'), { status: 'accepted', risk: 'Critical', covers: undefined });
  });

  it('a file that lost the metadata: a decision made there records no scope (unchecked, as before)', () => {
    const w = exported();
    const s = statement(w, UNDECIDED);
    s.metadata = s.metadata.filter((m) => m.key !== TC_META.risk && m.key !== TC_META.flows);
    s.status = 'threatResolved';
    assert.deepEqual(scopeOf(into(w), UNDECIDED), { status: 'mitigated', risk: undefined, covers: undefined });
  });
});
