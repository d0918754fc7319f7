// A decision's scope (`risk:`, `covers:`: what it was made for, src/track/scope.ts) through Threat Dragon and
// Threagile and back: kept as recorded while nobody decided again there, so that a drifted decision still needs
// review; a decision made in the other tool records the threat as exported (what the person saw there), never
// what the imported model has since; the Threagile export words a drifted decision as needing review, and the
// import reads that back without making a decision of it; Threat Dragon's fallback for files that lost
// threatmap's data reads the declared status and the scope from the words.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { mergeTriageTexts } from '../../src/import/merge-threats.js';
import { importThreagile } from '../../src/import/threagile.js';
import { importThreatDragon } from '../../src/import/threat-dragon.js';
import { formatDiagnostics } from '../../src/model/diagnostics.js';
import { TD_OWN, type TdDocument } from '../../src/render/threat-dragon.js';
import { parseTriage, type TriageEntry } from '../../src/track/triage.js';
import { analyseText, roundTrip } from './roundtrip.js';

const SHOP = readFileSync('test/fixtures/roundtrip/shop.yaml', 'utf8');

// cleartext-disclosure@lb (TM-10723191) and cleartext-tampering@lb (TM-9135b2f3) are High and cover lb->api.
const DRIFTED = 'TM-10723191';
const KEPT = 'TM-9135b2f3';
const LEGACY = 'TM-6801fb4a'; // session-hijacking@api, Medium, no flows
const UNDECIDED = 'TM-13e90e4f'; // verbose-errors@api, Medium, no flows
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
    risk: high
    covers: [lb->api]
  ${LEGACY}:
    status: mitigated
    reason: Session cookies are HttpOnly.
`;

type Format = 'threat-dragon' | 'threagile';

const entryOf = (triage: string | undefined, ref: string): TriageEntry | undefined =>
  parseTriage(triage ?? '', 'triage').triage?.entries.find((e) => e.ref === ref);
/** What a person reads of an entry: its decision and the scope it records. */
const scopeOf = (triage: string | undefined, ref: string) => {
  const e = entryOf(triage, ref);
  return e && { status: e.status, reason: e.reason, risk: e.risk, covers: e.covers };
};
/** The analysis of an imported model with its imported triage: each threat's status in force and whether it needs review. */
function analysed(model: string, triage: string | undefined) {
  const { result } = analyseText(model, 'back.yaml', triage);
  return (uid: string) => {
    const t = result.threats.find((x) => x.uid === uid);
    return t && { status: t.triage?.status, needsReview: t.triage?.drift?.summary };
  };
}

/** Imports an edited export of the shop in either format. */
function importEdited(format: Format, text: string) {
  const out = format === 'threat-dragon' ? importThreatDragon(text, 'edited.td.json', { output: 'back.yaml' }) : importThreagile(text, 'edited.threagile.yaml', { output: 'back.yaml' });
  assert.ok(out.text, formatDiagnostics(out.diagnostics));
  return { model: out.text, triage: out.triage?.text };
}

for (const format of ['threat-dragon', 'threagile'] as const) {
  describe(`${format}: a decision's scope survives the round trip`, () => {
    const rt = roundTrip(format, SHOP, TRIAGE);

    it('nothing the team sees differs, the drifted decision still needing review included', () => {
      assert.deepEqual(rt.differences, []);
      assert.match(rt.before.threats.get('cleartext-disclosure@lb') ?? '', /needs review: accepted at Low for lb->api; now High/);
    });

    it('a drifted decision comes back with the scope it was made for (Low), not the threat as it is now (High)', () => {
      assert.deepEqual(scopeOf(rt.triage, DRIFTED), { status: 'accepted', reason: 'Internal hop.', risk: 'Low', covers: ['lb->api'] });
      assert.deepEqual(analysed(rt.model, rt.triage)(DRIFTED), { status: 'open', needsReview: 'accepted at Low for lb->api; now High' });
    });

    it('a decision that did not drift comes back with its scope, and still closes its threat', () => {
      assert.deepEqual(scopeOf(rt.triage, KEPT), { status: 'accepted', reason: 'Internal hop too.', risk: 'High', covers: ['lb->api'] });
      assert.deepEqual(analysed(rt.model, rt.triage)(KEPT), { status: 'accepted', needsReview: undefined });
    });

    it('an entry written without a scope comes back without one: nobody decided it again, so nothing new is recorded', () => {
      assert.deepEqual(scopeOf(rt.triage, LEGACY), { status: 'mitigated', reason: 'Session cookies are HttpOnly.', risk: undefined, covers: undefined });
      // An open entry records no scope: it closes nothing.
      const open = roundTrip(format, SHOP, readFileSync('test/fixtures/roundtrip/shop.triage.yaml', 'utf8'));
      assert.deepEqual(scopeOf(open.triage, 'TM-48d61910'), { status: 'open', reason: 'Waiting for the managed Redis migration.', risk: undefined, covers: undefined });
    });
  });
}

// --- Decided again in the other tool: the threat as exported --------------------------------------------------

/** The exported Threat Dragon file with one threat's status set as a person sets it there. */
function tdWithStatus(exported: string, uid: string, status: string): string {
  const doc = JSON.parse(exported) as TdDocument;
  let changed = 0;
  for (const cell of doc.detail.diagrams[0].cells) {
    for (const t of cell.data.threats ?? []) {
      if (t.description.includes(`threatmap ${uid} `)) {
        t.status = status as typeof t.status;
        changed++;
      }
    }
  }
  assert.ok(changed > 0, `no threat ${uid} in the file`);
  return JSON.stringify(doc, null, 2);
}

/** The exported Threagile file with one risk id's tracking replaced by a person's. */
function tgWithTracking(exported: string, riskId: string, tracking: string): string {
  const lines = exported.split('\n');
  const at = lines.findIndex((l) => l === `  ${riskId}:`);
  const start = lines.indexOf('risk_tracking:');
  if (at > start && start >= 0) {
    let end = at + 1;
    while (lines[end]?.startsWith('    ')) end++;
    lines.splice(at, end - at, `  ${riskId}:`, ...tracking.split('\n').map((l) => `    ${l}`));
  } else lines.splice(start + 1, 0, `  ${riskId}:`, ...tracking.split('\n').map((l) => `    ${l}`));
  return lines.join('\n');
}

/** The shop imported again after a new cleartext flow from the load balancer: cleartext-disclosure@lb grows. */
const withNewFlow = (model: string): string => {
  const grown = model.replace(/\nflows:\n/, '\nflows:\n  - lb -> cache: { protocol: redis, data: [sessions] }\n');
  assert.notEqual(grown, model, 'the imported model has a flows section');
  return grown;
};

describe('decided again in the other tool: the decision records the threat as exported', () => {
  it('Threat Dragon: the drifted threat marked Mitigated there is mitigated for High and lb->api; it no longer needs review', () => {
    const rt = roundTrip('threat-dragon', SHOP, TRIAGE);
    const back = importEdited('threat-dragon', tdWithStatus(rt.exported, DRIFTED, 'Mitigated'));
    assert.deepEqual(scopeOf(back.triage, DRIFTED), { status: 'mitigated', reason: 'marked Mitigated in OWASP Threat Dragon', risk: 'High', covers: ['lb->api'] });
    assert.deepEqual(analysed(back.model, back.triage)(DRIFTED), { status: 'mitigated', needsReview: undefined });
    // Never wider: the threat growing past what was decided there reopens it.
    assert.deepEqual(analysed(withNewFlow(back.model), back.triage)(DRIFTED)?.status, 'open');
  });

  it('Threat Dragon: an undecided threat marked Not Applicable there records its risk as exported; one left Open records nothing', () => {
    const rt = roundTrip('threat-dragon', SHOP, TRIAGE);
    const back = importEdited('threat-dragon', tdWithStatus(rt.exported, UNDECIDED, 'NotApplicable'));
    assert.deepEqual(scopeOf(back.triage, UNDECIDED), { status: 'false-positive', reason: 'marked Not Applicable in OWASP Threat Dragon', risk: 'Medium', covers: undefined });
    assert.equal(entryOf(rt.triage, UNDECIDED), undefined);
  });

  it('Threagile: the drifted risk accepted again in risk tracking is accepted for High; untouched, it keeps Low', () => {
    const rt = roundTrip('threagile', SHOP, TRIAGE);
    const back = importEdited('threagile', tgWithTracking(rt.exported, 'cleartext-disclosure@lb', 'status: accepted\njustification: "Reviewed again: internal hop."'));
    assert.deepEqual(scopeOf(back.triage, DRIFTED), { status: 'accepted', reason: 'Reviewed again: internal hop.', risk: 'High', covers: ['lb->api'] });
    assert.deepEqual(analysed(back.model, back.triage)(DRIFTED), { status: 'accepted', needsReview: undefined });
    assert.equal(analysed(withNewFlow(back.model), back.triage)(DRIFTED)?.status, 'open');
    assert.equal(scopeOf(rt.triage, DRIFTED)?.risk, 'Low');
  });
});

// --- Threagile: the words of a drifted decision --------------------------------------------------------------

describe('Threagile: a drifted decision is exported as needing review, and read back as the decision it is', () => {
  const rt = roundTrip('threagile', SHOP, TRIAGE);
  const trackingOf = (exported: string) => (parseYaml(exported) as { risk_tracking: Record<string, { status: string; justification?: string }> }).risk_tracking;
  const tracking = trackingOf(rt.exported);

  it('the tracking says what is true: unchecked (not in force), the status decided and why it needs review', () => {
    assert.deepEqual(tracking['cleartext-disclosure@lb'], {
      status: 'unchecked', justification: 'accepted (needs review: decided at Low for lb->api, now High): Internal hop.',
    });
    assert.doesNotMatch(rt.exported, /expired on undefined/);
  });

  it('a lapsed decision still says when it expired', () => {
    const lapsed = TRIAGE.replace('    reason: Internal hop too.\n', '    reason: Internal hop too.\n    expires: 2020-01-01\n');
    const out = roundTrip('threagile', SHOP, lapsed);
    assert.equal(trackingOf(out.exported)['cleartext-tampering@lb']?.justification, 'accepted expired on 2020-01-01: Internal hop too.');
    assert.deepEqual(out.differences, []);
  });

  it('the tracking entry is matched as the export wrote it: the decision comes from threatmap\'s section, no reason made up from the words', () => {
    assert.equal(entryOf(rt.triage, DRIFTED)?.reason, 'Internal hop.');
    assert.doesNotMatch(rt.model, /tracked in Threagile as cleartext-disclosure@lb: unchecked\n/);
  });

  it('without threatmap\'s section the `unchecked` entry decides nothing: no decision is made of its words', () => {
    const bare = rt.exported.slice(0, rt.exported.indexOf('\nthreatmap:\n'));
    const out = importThreagile(bare, 'bare.threagile.yaml', { output: 'back.yaml' });
    assert.ok(out.text, formatDiagnostics(out.diagnostics));
    assert.equal(entryOf(out.triage?.text, DRIFTED), undefined);
  });
});

// --- Threat Dragon: a file that lost threatmap's data (older exports, or a tool that drops unknown keys) --------

/** The exported Threat Dragon file without threatmap's data on its cells: only the descriptions' lines are left. */
function withoutOwnData(exported: string): string {
  const doc = JSON.parse(exported) as TdDocument;
  for (const cell of doc.detail.diagrams[0].cells) delete (cell.data as unknown as Record<string, unknown>)[TD_OWN];
  return JSON.stringify(doc, null, 2);
}

describe('Threat Dragon without threatmap\'s data: the decision is read from the description\'s words', () => {
  it('a drifted decision: the status declared and the scope its words name; it still needs review', () => {
    const rt = roundTrip('threat-dragon', SHOP, TRIAGE);
    assert.match(rt.exported, /Triage: open \(Internal hop\.; declared accepted \(needs review: accepted at Low for lb->api, now High\)\)/);
    const back = importEdited('threat-dragon', withoutOwnData(rt.exported));
    assert.deepEqual(scopeOf(back.triage, DRIFTED), { status: 'accepted', reason: 'Internal hop.', risk: 'Low', covers: ['lb->api'] });
    assert.deepEqual(analysed(back.model, back.triage)(DRIFTED)?.status, 'open');
    // The words are the export's remark, not the decision's reason.
    assert.doesNotMatch(back.triage ?? '', /declared accepted/);
  });

  it('a lapsed decision: the status declared (not `open`), with its expiry', () => {
    const lapsed = TRIAGE.replace('    reason: Internal hop too.\n', '    reason: Internal hop too.\n    expires: 2020-01-01\n');
    const back = importEdited('threat-dragon', withoutOwnData(roundTrip('threat-dragon', SHOP, lapsed).exported));
    const e = entryOf(back.triage, KEPT);
    assert.deepEqual(e && { status: e.status, reason: e.reason, expires: e.expires }, { status: 'accepted', reason: 'Internal hop too.', expires: '2020-01-01' });
  });

  it('words that do not say what the decision was made for: the reason says it needs review, and why', () => {
    const rt = roundTrip('threat-dragon', SHOP, TRIAGE);
    const garbled = withoutOwnData(rt.exported).replaceAll('needs review: accepted at Low for lb->api, now High', 'needs review: the threat changed');
    const back = importEdited('threat-dragon', garbled);
    assert.deepEqual(scopeOf(back.triage, DRIFTED), { status: 'accepted', reason: 'Internal hop. (needs review: the threat changed)', risk: undefined, covers: undefined });
  });
});

// --- `import -o` over an existing triage file, and `--into`: the scope goes with the decision ---------------

describe('merged into an existing triage file, a decision keeps its scope', () => {
  const imported = `threatmap-triage: 1
threats:
  ${DRIFTED}:
    status: accepted
    risk: low
    covers: [lb->api]
  ${KEPT}:
    status: mitigated
    risk: high
    covers: [lb->api]
`;

  it('an added decision is written with its risk and flows', () => {
    const merged = mergeTriageTexts('threatmap-triage: 1\nthreats: {}\n', imported, 'shop.yaml');
    assert.equal(merged.added, 2);
    assert.deepEqual(scopeOf(merged.text, DRIFTED), { status: 'accepted', reason: undefined, risk: 'Low', covers: ['lb->api'] });
  });

  it('a threat the file already decides keeps its own decision and scope', () => {
    const existing = `threatmap-triage: 1\nthreats:\n  ${KEPT}:\n    status: accepted\n    reason: ours\n    risk: medium\n`;
    const merged = mergeTriageTexts(existing, imported, 'shop.yaml');
    assert.equal(merged.kept, 1);
    assert.deepEqual(scopeOf(merged.text, KEPT), { status: 'accepted', reason: 'ours', risk: 'Medium', covers: undefined });
  });
});
