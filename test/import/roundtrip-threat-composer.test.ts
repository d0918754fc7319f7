// The round trip through AWS Threat Composer: `threatmap export -f threat-composer`, a team's work there
// (a status changed, a comment written, a threat statement added), then `threatmap import FILE --into MODEL`.
// What comes back is decisions (a three-way merge with the triage file) and the new statements; nothing else
// of the model changes. Plain `import` of an export, and Threat Composer's own files, as before.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { importThreatComposer } from '../../src/import/threat-composer.js';
import { mergeImportedThreats, type MergeResult } from '../../src/import/merge-threats.js';
import { formatDiagnostics } from '../../src/model/diagnostics.js';
import { commentsTrailer, renderThreatComposer, TC_META, type TcThreat, type TcWorkspace } from '../../src/render/threat-composer.js';
import { parseTriage } from '../../src/track/triage.js';
import { run } from '../cli/run-cli.js';
import { analyseText, differences, snapshot } from './roundtrip.js';
import { tempFolder } from '../temp.js';

const MODEL = readFileSync('test/fixtures/roundtrip/shop.yaml', 'utf8');
const TRIAGE = readFileSync('test/fixtures/roundtrip/shop.triage.yaml', 'utf8');

/** `threatmap export -f threat-composer` of the model with its triage, as the CLI renders it. */
function exportOf(model = MODEL, triage: string | undefined = TRIAGE): TcWorkspace {
  const { model: m, result } = analyseText(model, 'shop.yaml', triage);
  return JSON.parse(renderThreatComposer(result, { model: m })) as TcWorkspace;
}

const byKey = (w: TcWorkspace, key: string): TcThreat => {
  const t = w.threats.find((x) => x.metadata.some((m) => m.key === TC_META.key && m.value === key));
  assert.ok(t, key);
  return t;
};

/** What a person does in Threat Composer: a comment written under our last line of a statement's Comments. */
function comment(t: TcThreat, text: string): void {
  const c = t.metadata.find((m) => m.key === 'Comments')!;
  c.value = `${c.value as string}\n${text}`;
}

/** A statement written in Threat Composer, as its editor saves one. */
const ADDED: TcThreat = {
  id: '0f8e7d6c-5b4a-4938-a271-605f4e3d2c1b', numericId: 14, displayOrder: 14,
  threatSource: 'internal actor', prerequisites: 'with access to the order history', threatAction: 'export the order history to a personal drive',
  threatImpact: 'customer data leaving the company', impactedGoal: ['confidentiality'], impactedAssets: ['Orders'],
  statement: 'An internal actor with access to the order history can export the order history to a personal drive, which leads to customer data leaving the company, resulting in reduced confidentiality of Orders',
  status: 'threatIdentified',
  metadata: [{ key: 'STRIDE', value: ['I'] }, { key: 'Priority', value: 'Medium' }, { key: 'Comments', value: 'Raised in the design review.' }],
  tags: [],
};

/** `import --into` as the CLI does it (src/cli/import.ts): the importer into the model, then the merge. */
function into(w: TcWorkspace, model = MODEL, triage: string | undefined = TRIAGE): { merged: MergeResult; notes: string[] } {
  const r = importThreatComposer(JSON.stringify(w, null, 2), 'shop.tc.json', { into: true });
  assert.ok(r.text && r.summary, formatDiagnostics(r.diagnostics));
  const merged = mergeImportedThreats({
    model: { text: model, file: 'shop.yaml', ...(triage !== undefined ? { triage } : {}) },
    imported: { text: r.text, ...(r.triage ? { triage: r.triage.text } : {}) },
    ...(r.summary.threatmap ? { carried: r.summary.threatmap.carried } : {}),
  });
  assert.ok(!('error' in merged), 'error' in merged ? merged.error : '');
  return { merged, notes: r.summary.notes };
}

const statusIn = (triage: string, ref: string) => parseTriage(triage, 't').triage!.entries.find((e) => e.ref === ref);

describe('Threat Composer round trip: export, work in Threat Composer, import --into', () => {
  it('a changed status becomes the decision (the comment its reason), a new statement a written threat; nothing else changes', () => {
    const w = exportOf();
    const tampering = byKey(w, 'cleartext-tampering@lb');
    assert.equal(tampering.status, 'threatIdentified');
    tampering.status = 'threatResolved';
    comment(tampering, 'TLS from the load balancer since SHOP-500.');
    w.threats.push(ADDED);
    const { merged } = into(w);
    assert.deepEqual(merged.added, [{ id: 'tc-14', title: 'Export the order history to a personal drive' }]);
    assert.deepEqual([merged.decisions, merged.changed], [1, 1]);
    assert.deepEqual(merged.notes, []);
    const entry = statusIn(merged.triage!, 'TM-9135b2f3')!;
    assert.deepEqual([entry.status, entry.reason], ['mitigated', 'TLS from the load balancer since SHOP-500.']);
    // The analysis of the merged model: the same threats and decisions but that one, and the new threat.
    const before = snapshot(analyseText(MODEL, 'shop.yaml', TRIAGE));
    const after = snapshot(analyseText(merged.text, 'shop.yaml', merged.triage));
    const diff = differences(before, after);
    assert.equal(diff.length, 3, diff.join('\n'));
    const title = '"Traffic can be modified in transit: 1 cleartext flow from Load balancer"';
    assert.equal(diff[0], 'threat cleartext-tampering@lb: changed\n' +
      `    was T likelihood Medium impact High risk High; open | - | - | - | - | -; ${title}\n` +
      `    now T likelihood Medium impact High risk High; mitigated | TLS from the load balancer since SHOP-500. | - | - | - | -; ${title}`);
    assert.equal(diff[1], 'threat threat:tc-14@system: new (I likelihood Medium impact Medium risk Medium; open | - | - | - | - | -; "Export the order history to a personal drive")');
    assert.match(diff[2], /^model written threat tc-14: new/);
    assert.match(merged.text, /^ {6}Raised in the design review\.$/m);
    // The written threats exported from the model are not written a second time.
    assert.equal(merged.text.match(/^ {2}coupon-stacking:$/gm)?.length, 1);
  });

  it('an unchanged export changes nothing: no threat added, no decision written', () => {
    const { merged, notes } = into(exportOf());
    assert.deepEqual([merged.added, merged.decisions, merged.triage, merged.text === MODEL], [[], 0, undefined, true]);
    assert.deepEqual([...merged.notes, ...notes], []);
  });

  it('three ways: a status changed in both places, differently, keeps the triage file\'s and says so; the same change is no conflict', () => {
    const w = exportOf();
    byKey(w, 'cleartext-tampering@lb').status = 'threatResolvedNotUseful';
    byKey(w, 'verbose-errors@api').status = 'threatResolved';
    // Since the export, the team decided both in the triage file: one differently, one the same way.
    const ours = `${TRIAGE}  TM-9135b2f3:\n    status: accepted\n    reason: Internal hop, reviewed.\n  verbose-errors@api:\n    status: mitigated\n    reason: Generic error pages shipped.\n`;
    const { merged } = into(w, MODEL, ours);
    assert.equal(merged.decisions, 0);
    assert.equal(merged.triage, undefined);
    assert.deepEqual(merged.notes, [
      'TM-9135b2f3 (Traffic can be modified in transit: 1 cleartext flow from Load balancer): Not Useful in the file, but the triage file decides `accepted` since it was exported as `open`: the triage file\'s decision is kept',
    ]);
    // The base is what decides: the file unchanged since the export takes Threat Composer's status.
    const { merged: taken } = into(w);
    assert.equal(statusIn(taken.triage!, 'TM-9135b2f3')!.status, 'false-positive');
    assert.equal(statusIn(taken.triage!, 'TM-9135b2f3')!.reason, 'Not Useful in AWS Threat Composer');
  });

  it('a resolved threat reopened in Threat Composer is open again; a written threat\'s decision goes under its key', () => {
    const w = exportOf();
    byKey(w, 'session-hijacking@api').status = 'threatIdentified';
    byKey(w, 'threat:cache-eviction@cache').status = 'threatResolved';
    const { merged } = into(w);
    assert.deepEqual([statusIn(merged.triage!, 'TM-6801fb4a')?.status, statusIn(merged.triage!, 'threat:cache-eviction@cache')?.status], ['open', 'mitigated']);
    assert.equal(merged.changed, 2);
    const after = analyseText(merged.text, 'shop.yaml', merged.triage).result;
    assert.deepEqual(after.triage!.stale, []);
  });

  it('a statement of a threat the model no longer reports is noted, not written; a comment without a status change is noted', () => {
    const w = exportOf();
    byKey(w, 'threat:dmz-drift@dmz').status = 'threatResolved';
    comment(byKey(w, 'verbose-errors@api'), 'Checked with the API team.');
    const model = MODEL.replace(/ {2}dmz-drift:\n(?: {4}.*\n)+/, '');
    assert.notEqual(model, MODEL);
    const { merged, notes } = into(w, model);
    assert.deepEqual([merged.added, merged.decisions], [[], 0]);
    assert.deepEqual(merged.notes, ['TM-37cc646d (DMZ firewall rules drift from the reviewed set) is no longer reported by shop.yaml: its status in the file (Resolved) is not written']);
    assert.deepEqual(notes, ['TM-13e90e4f (Card data, Customer PII, Session tokens exposed in error messages from API servers): the comment added in AWS Threat Composer is not imported, as its status is unchanged: "Checked with the API team."']);
  });

  it('the command line: an unchanged export leaves the model and its triage file byte for byte as they were', () => {
    const dir = tempFolder('threatmap-tc-');
    const model = join(dir, 'shop.yaml');
    writeFileSync(model, MODEL);
    writeFileSync(join(dir, 'shop.triage.yaml'), TRIAGE);
    const out = join(dir, 'shop.tc.json');
    const exported = run('export', model, '-o', out);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(run('export', model, '-f', 'threat-composer').stdout, readFileSync(out, 'utf8'));
    const same = run('import', out, '--into', model);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stderr, /^ {2}14 threat statements threatmap exported from this model: no status changed in AWS Threat Composer$/m);
    assert.equal(readFileSync(model, 'utf8'), MODEL);
    assert.equal(readFileSync(join(dir, 'shop.triage.yaml'), 'utf8'), TRIAGE);
    // Then a status changed there: the triage file gains that one decision, the model nothing.
    const w = JSON.parse(readFileSync(out, 'utf8')) as TcWorkspace;
    byKey(w, 'unencrypted-store@cache').status = 'threatResolved';
    writeFileSync(out, JSON.stringify(w, null, 2));
    const changed = run('import', out, '--into', model);
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stderr, /1 status changed in AWS Threat Composer written to .*shop\.triage\.yaml$/m);
    assert.equal(readFileSync(model, 'utf8'), MODEL);
    assert.equal(statusIn(readFileSync(join(dir, 'shop.triage.yaml'), 'utf8'), 'unencrypted-store@cache')?.status, 'mitigated');
  });
});

describe('Threat Composer round trip: plain import of an export, and Threat Composer\'s own files', () => {
  it('without --into: the system, the written and added threats, the rules\' threats noted as needing the model', () => {
    const w = exportOf();
    w.threats.push(ADDED);
    const r = importThreatComposer(JSON.stringify(w), 'shop.tc.json', { output: 'back.yaml' });
    assert.ok(r.text && r.summary, formatDiagnostics(r.diagnostics));
    const back = analyseText(r.text, 'back.yaml', r.triage?.text);
    assert.deepEqual(back.model.threats.map((t) => [t.id, t.title]), [
      ['replayed-webhook', 'Payment webhook replayed after a refund'], ['coupon-stacking', 'Coupons can be stacked on one order'],
      ['dmz-drift', 'DMZ firewall rules drift from the reviewed set'], ['insider-export', 'Insider exports the customer list'],
      ['cache-eviction', 'Session cache evicts under memory pressure and logs everyone out'], ['tc-14', 'Export the order history to a personal drive'],
    ]);
    assert.deepEqual(r.summary.threatmap && [r.summary.threatmap.rules, r.summary.threatmap.written], [9, 5]);
    assert.ok(r.summary.notes.some((n) => /^9 of the file's threat statements are threats of threatmap's rules.*threatmap import shop\.tc\.json --into MODEL$/.test(n)), r.summary.notes.join('\n'));
    // The written threats' decisions as exported; our last line of the Comments is not part of a description.
    assert.deepEqual(parseTriage(r.triage!.text, 't').triage!.entries.map((e) => [e.ref, e.status]), [
      ['threat:coupon-stacking@system', 'accepted'], ['threat:insider-export@system', 'transferred'],
    ]);
    assert.doesNotMatch(r.text, /write your comments below this line/);
    assert.deepEqual(back.result.triage!.stale, []);
  });

  it('a workspace of Threat Composer\'s own is read as before: no threatmap part, every statement written', () => {
    const own = readFileSync('test/fixtures/tc-import/shop.tc.json', 'utf8');
    const plain = importThreatComposer(own, 'shop.tc.json');
    const intoMode = importThreatComposer(own, 'shop.tc.json', { into: true });
    assert.equal(plain.summary!.threatmap, undefined);
    assert.equal(intoMode.text, plain.text);
    assert.equal(plain.summary!.threats, 3);
    // A statement whose metadata merely looks like ours (no stable id) is Threat Composer's own.
    const lookalike = own.replace('{ "key": "Priority", "value": "Medium" },', '{ "key": "Priority", "value": "Medium" }, { "key": "custom:threatmap:status", "value": "open" },');
    assert.notEqual(lookalike, own);
    assert.equal(importThreatComposer(lookalike, 'shop.tc.json').summary!.threatmap, undefined);
  });

  it('the last line of our Comments is what a comment is read under; without it nothing is taken as a comment', () => {
    const w = exportOf();
    const t = byKey(w, 'cleartext-tampering@lb');
    t.status = 'threatResolved';
    const c = t.metadata.find((m) => m.key === 'Comments')!;
    assert.ok((c.value as string).endsWith(commentsTrailer('TM-9135b2f3')));
    c.value = 'Rewritten entirely.';
    const { merged } = into(w);
    assert.equal(statusIn(merged.triage!, 'TM-9135b2f3')!.reason, 'Resolved in AWS Threat Composer');
  });
});

describe('Threat Composer round trip: mitigation statuses', () => {
  /** The punch-list action "Encrypt traffic with TLS (or mTLS) from Load balancer": it covers both cleartext threats on the load balancer. */
  const TLS = 'Encrypt traffic with TLS';
  const mitigation = (w: TcWorkspace, start: string) => {
    const m = w.mitigations.find((x) => x.content.startsWith(start));
    assert.ok(m, start);
    return m;
  };
  const RESOLVED = "mitigation M1 'Encrypt traffic with TLS (or mTLS) from…' marked resolved in AWS Threat Composer";
  const decision = (triage: string | undefined, ref: string) => {
    const e = statusIn(triage ?? '', ref);
    return e && [e.status, e.reason];
  };

  it('a mitigation resolved there decides every threat linked to it: both become mitigated, the reason naming it', () => {
    const w = exportOf();
    const tls = mitigation(w, TLS);
    assert.deepEqual([tls.numericId, tls.status], [1, 'mitigationIdentified']);
    tls.status = 'mitigationResolved';
    const { merged, notes } = into(w);
    assert.deepEqual([merged.decisions, merged.changed], [2, 2]);
    assert.deepEqual(decision(merged.triage, 'TM-9135b2f3'), ['mitigated', RESOLVED]);
    assert.deepEqual(decision(merged.triage, 'TM-10723191'), ['mitigated', RESOLVED]);
    assert.deepEqual([...notes, ...merged.notes], []);
    // The analysis applies them: neither is carried any longer.
    const after = analyseText(MODEL, 'shop.yaml', merged.triage).result;
    assert.deepEqual(after.threats.filter((t) => t.key.startsWith('cleartext-')).map((t) => t.triage?.status), ['mitigated', 'mitigated']);
  });

  it('a threat decided without the mitigation (a false positive) is not decided by it; nor is a threat by an unchanged mitigation', () => {
    const w = exportOf();
    // Add rate limiting to /search: its one threat is a false positive, so it was exported Will not action.
    const rate = mitigation(w, 'Add rate limiting to /search');
    assert.equal(rate.status, 'mitigationResolvedWillNotAction');
    rate.status = 'mitigationResolved';
    // The cart's action is in progress as exported: its threat, already mitigating, is left as it is.
    assert.equal(mitigation(w, 'Recompute or verify').status, 'mitigationInProgress');
    const { merged } = into(w);
    assert.deepEqual([merged.decisions, merged.triage], [0, undefined]);
  });

  it("a threat's own status changed there wins over what its mitigation says", () => {
    const w = exportOf();
    mitigation(w, TLS).status = 'mitigationResolved';
    byKey(w, 'cleartext-tampering@lb').status = 'threatResolvedNotUseful';
    const { merged } = into(w);
    assert.deepEqual(decision(merged.triage, 'TM-9135b2f3'), ['false-positive', 'Not Useful in AWS Threat Composer']);
    assert.deepEqual(decision(merged.triage, 'TM-10723191'), ['mitigated', RESOLVED]);
  });

  it('the triage file changed the same threat since the export: its decision is kept, with a note naming the mitigation', () => {
    const w = exportOf();
    mitigation(w, TLS).status = 'mitigationResolved';
    const ours = `${TRIAGE}  TM-9135b2f3:\n    status: accepted\n    reason: Internal hop, reviewed.\n`;
    const { merged } = into(w, MODEL, ours);
    assert.equal(merged.changed, 1);
    assert.deepEqual(decision(merged.triage, 'TM-9135b2f3'), ['accepted', 'Internal hop, reviewed.']);
    assert.deepEqual(decision(merged.triage, 'TM-10723191'), ['mitigated', RESOLVED]);
    assert.deepEqual(merged.notes, [
      "TM-9135b2f3 (Traffic can be modified in transit: 1 cleartext flow from Load balancer): mitigation M1 'Encrypt traffic with TLS (or mTLS) from…' marked resolved in the file, but the triage file decides `accepted` since it was exported as `open`: the triage file's decision is kept",
    ]);
  });

  it('in progress: mitigating; a comment written under a threat is the reason; resolved back to in progress: mitigating again', () => {
    const w = exportOf();
    mitigation(w, TLS).status = 'mitigationInProgress';
    comment(byKey(w, 'cleartext-disclosure@lb'), 'TLS termination moves to the LB in SHOP-610.');
    // Harden session management was exported Resolved (its threat mitigated): the team reopened the work.
    mitigation(w, 'Harden session management').status = 'mitigationInProgress';
    const { merged, notes } = into(w);
    assert.deepEqual(decision(merged.triage, 'TM-9135b2f3'), ['mitigating', "mitigation M1 'Encrypt traffic with TLS (or mTLS) from…' in progress in AWS Threat Composer"]);
    assert.deepEqual(decision(merged.triage, 'TM-10723191'), ['mitigating', 'TLS termination moves to the LB in SHOP-610.']);
    assert.equal(decision(merged.triage, 'TM-6801fb4a')?.[0], 'mitigating');
    assert.deepEqual(notes, []);
  });

  it('several mitigations: all Resolved, mitigated; one not started (a mitigation added there), mitigating, the reason saying which', () => {
    const w = exportOf();
    mitigation(w, TLS).status = 'mitigationResolved';
    // Added in Threat Composer and linked to the tampering threat only: it has no exported status, and starts Identified.
    w.mitigations.push({ id: '7c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5', numericId: 13, displayOrder: 13, content: 'Sign requests between the load balancer and the API', status: 'mitigationIdentified', metadata: [], tags: [] });
    w.mitigationLinks.push({ mitigationId: '7c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5', linkedId: byKey(w, 'cleartext-tampering@lb').id });
    const { merged } = into(w);
    assert.deepEqual(decision(merged.triage, 'TM-9135b2f3'), ['mitigating',
      "mitigation M1 'Encrypt traffic with TLS (or mTLS) from…' marked resolved; mitigation M13 'Sign requests between the load balancer…' not started in AWS Threat Composer"]);
    assert.deepEqual(decision(merged.triage, 'TM-10723191'), ['mitigated', RESOLVED]);
  });

  it('Will not action, or Identified again, decides nothing by itself: a note says what a person decides instead', () => {
    const w = exportOf();
    mitigation(w, TLS).status = 'mitigationResolvedWillNotAction';
    mitigation(w, 'Harden session management').status = 'mitigationIdentified';
    const { merged, notes } = into(w);
    assert.deepEqual([merged.decisions, merged.triage], [0, undefined]);
    assert.deepEqual(notes, [
      "mitigation M1 'Encrypt traffic with TLS (or mTLS) from…' marked Will not action in AWS Threat Composer: by itself this changes no status of the 2 threatmap threats linked to it; accepting a risk is a person's decision on the threat: set its status there, or `accepted` in the triage file",
      "mitigation M7 'Harden session management (HttpOnly/Sec…' set back to Identified in AWS Threat Composer (exported as Resolved): by itself this changes no status of the 1 threatmap threat linked to it; reopen a threat there to reopen it",
    ]);
  });

  it('an unchanged export changes nothing, with or without the statuses its mitigations were exported with', () => {
    const w = exportOf();
    assert.ok(w.mitigations.every((m) => m.metadata.some((x) => x.key === TC_META.status && x.value === m.status)));
    for (const m of w.mitigations) m.metadata = m.metadata.filter((x) => x.key !== TC_META.status);
    const { merged, notes } = into(w);
    assert.deepEqual([merged.decisions, merged.triage, [...notes, ...merged.notes]], [0, undefined, []]);
    // Without them (an older export), a change is told from what the export derives from the threats' statuses.
    mitigation(w, TLS).status = 'mitigationResolved';
    assert.deepEqual(decision(into(w).merged.triage, 'TM-10723191'), ['mitigated', RESOLVED]);
  });
});
