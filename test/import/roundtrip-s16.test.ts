// Round trips through other tools, the leftovers: a person's own Threat Composer statement whose mitigations are
// done; one Threagile risk-tracking entry for several threats changed there; a decision whose threat the other
// tool's edit removed (dropped by `import -o`, listed; kept when the export never held the threat); a flow
// reversed in Threat Dragon whose id named its old ends; a written threat's target lost with a Threagile link.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { dropRemovedThreats, mergeImportedThreats } from '../../src/import/merge-threats.js';
import { importThreagile } from '../../src/import/threagile.js';
import { importThreatComposer } from '../../src/import/threat-composer.js';
import { importThreatDragon } from '../../src/import/threat-dragon.js';
import { formatDiagnostics } from '../../src/model/diagnostics.js';
import { renderThreagile } from '../../src/render/threagile.js';
import { renderThreatComposer, type TcMitigation, type TcThreat, type TcWorkspace } from '../../src/render/threat-composer.js';
import { renderThreatDragon, type TdCell, type TdDocument } from '../../src/render/threat-dragon.js';
import { parseTriage, type TriageEntry } from '../../src/track/triage.js';
import { run } from '../cli/run-cli.js';
import { analyseText, roundTrip } from './roundtrip.js';
import { tempFolder } from '../temp.js';

const read = (path: string) => readFileSync(path, 'utf8');
const SHOP = read('test/fixtures/roundtrip/shop.yaml');
const SHOP_TRIAGE = read('test/fixtures/roundtrip/shop.triage.yaml');
const TUNED = read('test/fixtures/roundtrip/tuned.yaml');
const TUNED_TRIAGE = read('test/fixtures/roundtrip/tuned.triage.yaml');
const PRELAUNCH = read('examples/prelaunch.yaml');

const entryOf = (triage: string | undefined, ref: string): TriageEntry | undefined =>
  parseTriage(triage ?? '', 'triage').triage?.entries.find((e) => e.ref === ref);
/** An entry as the tests compare it: what a person reads in the triage file. */
const decisionIn = (triage: string | undefined, ref: string) => {
  const e = entryOf(triage, ref);
  return e && { status: e.status, reason: e.reason, owner: e.owner, ticket: e.ticket };
};

// --- 1. Threat Composer: a person's own statement whose linked mitigations are done ---------------------------

/** `threatmap export -f threat-composer` of the shop with its triage. */
function tcExport(): TcWorkspace {
  const { model, result } = analyseText(SHOP, 'shop.yaml', SHOP_TRIAGE);
  return JSON.parse(renderThreatComposer(result, { model })) as TcWorkspace;
}

/** A statement written in Threat Composer, as its editor saves one. */
const OWN: TcThreat = {
  id: '0f8e7d6c-5b4a-4938-a271-605f4e3d2c1b', numericId: 14, displayOrder: 14,
  threatSource: 'internal actor', prerequisites: 'with access to the order history', threatAction: 'export the order history to a personal drive',
  threatImpact: 'customer data leaving the company', impactedGoal: ['confidentiality'], impactedAssets: ['Orders'],
  statement: 'An internal actor with access to the order history can export the order history to a personal drive, which leads to customer data leaving the company, resulting in reduced confidentiality of Orders',
  status: 'threatIdentified', metadata: [{ key: 'STRIDE', value: ['I'] }, { key: 'Priority', value: 'Medium' }], tags: [],
};

/** The workspace with the person's statement, and two mitigations of their own linked to it, with these statuses. */
function withOwnThreat(first: TcMitigation['status'], second: TcMitigation['status']): TcWorkspace {
  const w = tcExport();
  const mitigation = (n: number, content: string, status: TcMitigation['status']): TcMitigation => ({
    id: `7c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d${n}`, numericId: 20 + n, displayOrder: 20 + n, content, status, metadata: [], tags: [],
  });
  const ms = [mitigation(1, 'Block personal drives on company laptops', first), mitigation(2, 'Alert on bulk order-history exports', second)];
  w.threats.push(OWN);
  w.mitigations.push(...ms);
  w.mitigationLinks.push(...ms.map((m) => ({ mitigationId: m.id, linkedId: OWN.id })));
  return w;
}

const OWN_KEY = 'threat:tc-14@system';

describe('Threat Composer: a person\'s own statement is decided by its mitigations, as an exported one is', () => {
  it('all its mitigations Resolved: a written threat, mitigated, the reason naming them (import -o and --into alike)', () => {
    const w = withOwnThreat('mitigationResolved', 'mitigationResolved');
    const plain = importThreatComposer(JSON.stringify(w), 'shop.tc.json', { output: 'back.yaml' });
    assert.ok(plain.text, formatDiagnostics(plain.diagnostics));
    const expected = {
      status: 'mitigated', owner: undefined, ticket: undefined,
      reason: 'all 2 of its mitigations resolved in AWS Threat Composer: Block personal drives on company laptops; Alert on bulk order-history exports',
    };
    assert.deepEqual(decisionIn(plain.triage?.text, OWN_KEY), expected);
    const back = analyseText(plain.text, 'back.yaml', plain.triage?.text).result;
    assert.equal(back.threats.find((t) => t.key === OWN_KEY)?.triage?.status, 'mitigated');
    assert.deepEqual(back.triage?.stale, []);
    // Into the model it was exported from: the statement is added, its decision beside the model's own.
    const into = importThreatComposer(JSON.stringify(w), 'shop.tc.json', { into: true });
    const merged = mergeImportedThreats({
      model: { text: SHOP, file: 'shop.yaml', triage: SHOP_TRIAGE }, imported: { text: into.text!, ...(into.triage ? { triage: into.triage.text } : {}) },
      ...(into.summary?.threatmap ? { carried: into.summary.threatmap.carried } : {}),
    });
    assert.ok(!('error' in merged));
    assert.deepEqual(merged.added, [{ id: 'tc-14', title: 'Export the order history to a personal drive' }]);
    assert.deepEqual(decisionIn(merged.triage, OWN_KEY), expected);
  });

  it('one Resolved, one not started: mitigating, saying which; one In progress: mitigating as before', () => {
    const partly = importThreatComposer(JSON.stringify(withOwnThreat('mitigationResolved', 'mitigationIdentified')), 'shop.tc.json');
    assert.deepEqual(decisionIn(partly.triage?.text, OWN_KEY), {
      status: 'mitigating', owner: undefined, ticket: undefined,
      reason: 'partly resolved in AWS Threat Composer: Block personal drives on company laptops; not started: Alert on bulk order-history exports',
    });
    const underway = importThreatComposer(JSON.stringify(withOwnThreat('mitigationInProgress', 'mitigationResolved')), 'shop.tc.json');
    assert.equal(decisionIn(underway.triage?.text, OWN_KEY)?.reason,
      'in progress in AWS Threat Composer: Block personal drives on company laptops; resolved: Alert on bulk order-history exports');
  });

  it('none done, or the only one done beside a Will not action: no fix is claimed that was not made', () => {
    const none = importThreatComposer(JSON.stringify(withOwnThreat('mitigationIdentified', 'mitigationIdentified')), 'shop.tc.json');
    assert.equal(entryOf(none.triage?.text, OWN_KEY), undefined);
    const declined = importThreatComposer(JSON.stringify(withOwnThreat('mitigationResolvedWillNotAction', 'mitigationResolvedWillNotAction')), 'shop.tc.json');
    assert.equal(entryOf(declined.triage?.text, OWN_KEY), undefined);
    // Will not action is no fix: the one Resolved beside it is all that was done, and it is done.
    const one = importThreatComposer(JSON.stringify(withOwnThreat('mitigationResolved', 'mitigationResolvedWillNotAction')), 'shop.tc.json');
    assert.equal(decisionIn(one.triage?.text, OWN_KEY)?.reason, 'its mitigation resolved in AWS Threat Composer: Block personal drives on company laptops');
  });

  it('its own status still wins: Resolved - not useful is a false positive whatever its mitigations say', () => {
    const w = withOwnThreat('mitigationResolved', 'mitigationResolved');
    w.threats.find((t) => t.id === OWN.id)!.status = 'threatResolvedNotUseful';
    const r = importThreatComposer(JSON.stringify(w), 'shop.tc.json');
    assert.equal(decisionIn(r.triage?.text, OWN_KEY)?.status, 'false-positive');
  });
});

// --- 2. Threagile: one risk-tracking entry for several threats, changed there -----------------------------------

describe('Threagile: a risk-tracking entry that covers several threats, changed in Threagile', () => {
  // prelaunch's two endpoints without rate limiting are one Threagile risk id (no-rate-limiting@app): one entry.
  const LOGIN = 'TM-6b993792';
  const REGISTER = 'TM-782814a0';
  const TRIAGE = `threatmap-triage: 1\nthreats:\n  ${LOGIN}: { status: mitigating, reason: WAF rule pending, owner: alice, ticket: SEC-1 }\n`;
  const exported = roundTrip('threagile', PRELAUNCH, TRIAGE);
  const ENTRY = '  no-rate-limiting@app:\n    status: unchecked\n    justification: "TM-6b993792 mitigating: WAF rule pending; TM-782814a0 open"\n    ticket: SEC-1\n    checked_by: alice\n';
  /** The export with the shared entry written anew, as someone saves it in Threagile. */
  const withEntry = (entry: string) => {
    assert.ok(exported.exported.includes(ENTRY), 'the shared entry as the export writes it');
    const r = importThreagile(exported.exported.replace(ENTRY, entry), 'prelaunch.threagile.yaml', { output: 'back.yaml' });
    assert.ok(r.text && r.summary, formatDiagnostics(r.diagnostics));
    return r;
  };

  it('comes back as it went: each threat its own decision, one entry for both', () => {
    assert.deepEqual(exported.differences, []);
    const r = withEntry(ENTRY);
    assert.deepEqual(decisionIn(r.triage?.text, LOGIN), { status: 'mitigating', reason: 'WAF rule pending', owner: 'alice', ticket: 'SEC-1' });
    assert.equal(entryOf(r.triage?.text, REGISTER), undefined);
    assert.ok(!r.summary!.notes.some((n) => n.startsWith('risk tracking entry')), r.summary!.notes.join('\n'));
  });

  it('its status changed there: the status, date, checked-by and ticket decide every threat it covers, and a note counts them', () => {
    const r = withEntry('  no-rate-limiting@app:\n    status: mitigated\n    date: 2026-02-03\n    justification: "TM-6b993792 mitigating: WAF rule pending; TM-782814a0 open"\n    ticket: SEC-9\n    checked_by: bob\n');
    const decided = { status: 'mitigated', reason: 'marked mitigated in Threagile\'s risk tracking (checked 2026-02-03)', owner: 'bob', ticket: 'SEC-9' };
    assert.deepEqual(decisionIn(r.triage?.text, LOGIN), decided);
    assert.deepEqual(decisionIn(r.triage?.text, REGISTER), decided);
    assert.ok(r.summary!.notes.includes(`risk tracking entry \`no-rate-limiting@app\` (mitigated) covers 2 of threatmap's threats: its decision (status, ticket, checked_by and date changed in Threagile) applied to each: ${LOGIN}, ${REGISTER}`),
      r.summary!.notes.join('\n'));
    const back = analyseText(r.text!, 'back.yaml', r.triage?.text).result;
    assert.deepEqual(back.threats.filter((t) => t.ruleId === 'no-rate-limiting').map((t) => t.triage?.status), ['mitigated', 'mitigated']);
  });

  it('replaced by an entry of wildcards written there: Threagile\'s own way of tracking many risks, each decided by it, counted', () => {
    const r = withEntry('  no-rate-limiting@*:\n    status: accepted\n    justification: WAF rate-limits every form\n    checked_by: carol\n    date: 2026-03-01\n');
    const decided = { status: 'accepted', reason: 'WAF rate-limits every form (checked 2026-03-01)', owner: 'carol', ticket: undefined };
    assert.deepEqual([decisionIn(r.triage?.text, LOGIN), decisionIn(r.triage?.text, REGISTER)], [decided, decided]);
    assert.ok(r.summary!.notes.includes(`risk tracking entry \`no-rate-limiting@*\` (accepted) covers 2 of threatmap's threats: its decision applied to each: ${LOGIN}, ${REGISTER}`),
      r.summary!.notes.join('\n'));
  });

  it('only its ticket changed: the ticket is each one\'s, their statuses stay their own', () => {
    const r = withEntry(ENTRY.replace('ticket: SEC-1', 'ticket: SEC-2'));
    assert.deepEqual(decisionIn(r.triage?.text, LOGIN), { status: 'mitigating', reason: 'WAF rule pending', owner: 'alice', ticket: 'SEC-2' });
    assert.deepEqual(decisionIn(r.triage?.text, REGISTER), { status: 'open', reason: undefined, owner: undefined, ticket: 'SEC-2' });
    assert.ok(r.summary!.notes.some((n) => n.includes('its ticket changed in Threagile, applied to each; the rest of each one\'s own decision kept')), r.summary!.notes.join('\n'));
  });

  it('set to in discussion there: both open, with its justification; its fields cleared, the status kept: each keeps its status', () => {
    const r = withEntry(ENTRY.replace('status: unchecked', 'status: in-discussion').replace('justification: "TM-6b993792 mitigating: WAF rule pending; TM-782814a0 open"', 'justification: Reopened after the pen test'));
    const reopened = { status: 'open', reason: 'Reopened after the pen test', owner: 'alice', ticket: 'SEC-1' };
    assert.deepEqual([decisionIn(r.triage?.text, LOGIN), decisionIn(r.triage?.text, REGISTER)], [reopened, reopened]);
    // `unchecked` is the status it was exported with (the least resolved of the two): no new decision, only the ticket and who checked it gone.
    const cleared = withEntry('  no-rate-limiting@app:\n    status: unchecked\n');
    assert.deepEqual(decisionIn(cleared.triage?.text, LOGIN), { status: 'mitigating', reason: 'WAF rule pending', owner: undefined, ticket: undefined });
    assert.equal(entryOf(cleared.triage?.text, REGISTER), undefined);
  });
});

// --- 3. A decision whose threat the other tool's edit removed ----------------------------------------------------

/** Threat Dragon's flows whose protocol is plain HTTP, made HTTPS as a person does it there: their cleartext threats go. */
function httpsEverywhere(doc: TdDocument): void {
  for (const c of doc.detail.diagrams[0].cells) {
    if (c.shape !== 'flow' || String(c.data.protocol).toLowerCase() !== 'http') continue;
    c.data.protocol = 'HTTPS';
    (c.data as unknown as Record<string, unknown>).isEncrypted = true;
  }
}

describe('import -o: a decision whose threat the other tool\'s edit removed is dropped, and listed', () => {
  // The team decided the cleartext tampering on lb -> api; an entry about a proxy since removed was stale before any export.
  const TEAM = `${SHOP_TRIAGE}  cleartext-tampering@lb:\n    status: accepted\n    reason: Internal hop.\n  cleartext-tampering@old-proxy:\n    status: accepted\n    reason: Retired proxy.\n`;

  /** `export -f threat-dragon` (with these options), lb -> api made HTTPS in Threat Dragon, `import -o` over the model. */
  function roundTripOverModel(...exportOptions: string[]) {
    const dir = tempFolder('threatmap-s16-');
    const model = join(dir, 'shop.yaml');
    const triagePath = join(dir, 'shop.triage.yaml');
    writeFileSync(model, SHOP);
    writeFileSync(triagePath, TEAM);
    const td = join(dir, 'shop.td.json');
    const exported = run('export', model, '-f', 'threat-dragon', '-o', td, ...exportOptions);
    assert.equal(exported.code, 0, exported.stderr);
    const doc = JSON.parse(readFileSync(td, 'utf8')) as TdDocument;
    httpsEverywhere(doc);
    writeFileSync(td, JSON.stringify(doc, null, 2));
    const imported = run('import', td, '-o', model, '--force');
    assert.equal(imported.code, 0, imported.stderr);
    const analysed = run('analyze', model);
    assert.equal(analysed.code, 0, analysed.stderr);
    return { dir, td, stderr: imported.stderr, triage: readFileSync(triagePath, 'utf8'), stale: analysed.stderr.match(/triage entry `[^`]+` matches no threat/g) ?? [] };
  }

  it('the export held the threat: its decision goes, named in the output; an entry stale before the export stays', () => {
    const r = roundTripOverModel();
    assert.match(r.stderr, /^ {2}dropped 1 decision from .*shop\.triage\.yaml: the export held its threat, which the model as edited in the other tool no longer has: cleartext-tampering@lb: accepted$/m);
    assert.equal(entryOf(r.triage, 'cleartext-tampering@lb'), undefined);
    assert.deepEqual(r.stale, ['triage entry `cleartext-tampering@old-proxy` matches no threat']);
    // The rest of the team's file as it was: its other decisions, its comments.
    assert.equal(entryOf(r.triage, 'no-rate-limiting@api:/search')?.reason, 'The CDN rate-limits /search per client.');
    assert.match(r.triage, /^threatmap-triage: 1$/m);
    // Into a new model, the import's own decision on that threat (the export's) is not written either, and is listed.
    const out = join(r.dir, 'back.yaml');
    const fresh = run('import', r.td, '-o', out);
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.match(fresh.stderr, /dropped 1 decision from .*back\.triage\.yaml: the export held its threat, which the model as edited in the other tool no longer has: TM-9135b2f3 \(Traffic can be modified in transit: 1 cleartext flow from Load balancer\): accepted$/m);
    const analysed = run('analyze', out);
    assert.doesNotMatch(analysed.stderr, /stale-entry/);
  });

  it('the export left the threat out (--min-risk): its decision is kept, nothing is dropped, and analyze reports it stale', () => {
    const r = roundTripOverModel('--min-risk', 'critical');
    assert.doesNotMatch(r.stderr, /dropped/);
    assert.equal(entryOf(r.triage, 'cleartext-tampering@lb')?.status, 'accepted');
    assert.deepEqual(r.stale.sort(), ['triage entry `cleartext-tampering@lb` matches no threat', 'triage entry `cleartext-tampering@old-proxy` matches no threat']);
  });

  it('dropRemovedThreats: only stale entries whose stable id the export held, and none already stale before the import', () => {
    const triage = `threatmap-triage: 1\nthreats:\n  cleartext-tampering@lb: { status: accepted, reason: Internal hop. }\n  TM-6801fb4a: { status: mitigated, reason: HttpOnly. }\n`;
    const https = SHOP.replace('  - lb -> api: { protocol: http,', '  - lb -> api: { protocol: https,');
    assert.notEqual(https, SHOP);
    const uid = 'TM-9135b2f3';
    const dropped = dropRemovedThreats({ model: https, file: 'shop.yaml', triage, exportedUids: [uid, 'TM-6801fb4a'] });
    assert.deepEqual(dropped.dropped, [{ ref: 'cleartext-tampering@lb', status: 'accepted' }]);
    assert.deepEqual(parseTriage(dropped.text, 't').triage?.entries.map((e) => e.ref), ['TM-6801fb4a']);
    // Not held by the export, or already stale before: kept as written.
    for (const kept of [
      dropRemovedThreats({ model: https, file: 'shop.yaml', triage, exportedUids: ['TM-6801fb4a'] }),
      dropRemovedThreats({ model: https, file: 'shop.yaml', triage, exportedUids: [uid], staleBefore: new Set(['cleartext-tampering@lb']) }),
      dropRemovedThreats({ model: SHOP, file: 'shop.yaml', triage, exportedUids: [uid] }),
    ]) assert.deepEqual([kept.dropped, kept.text], [[], triage]);
  });
});

// --- 4. A flow reversed in Threat Dragon; a link deleted in Threagile -----------------------------------------

describe('Threat Dragon: a flow reversed there whose id named its old ends gets a fresh one', () => {
  /** The shop with api -> db under this id, exported, the flow reversed in Threat Dragon, imported. */
  function reversed(id: string) {
    const model = SHOP.replace('  - api -> db: { protocol:', `  - api -> db: { id: ${id}, protocol:`);
    assert.notEqual(model, SHOP);
    const analysed = analyseText(model, 'shop.yaml', SHOP_TRIAGE);
    const doc = JSON.parse(renderThreatDragon(analysed.result, { model: analysed.model })) as TdDocument;
    const cell = doc.detail.diagrams[0].cells.find((c: TdCell) => {
      const own = (c.data as unknown as Record<string, { from?: string; to?: string } | undefined>).threatmap;
      return c.shape === 'flow' && own?.from === 'api' && own.to === 'db';
    });
    assert.ok(cell && cell.shape === 'flow');
    [cell.source, cell.target] = [cell.target, cell.source];
    const r = importThreatDragon(JSON.stringify(doc), 'shop.td.json', { output: 'back.yaml' });
    assert.ok(r.text && r.summary, formatDiagnostics(r.diagnostics));
    const flow = analyseText(r.text, 'back.yaml', r.triage?.text).result.flows.find((f) => f.from === 'db' && f.to === 'api');
    return { flow, notes: r.summary.notes.filter((n) => n.includes('reversed in OWASP Threat Dragon')) };
  }

  it('`api-to-db`, now db -> api: the id goes (named by the old ends), with a note; the flow is db->api', () => {
    const { flow, notes } = reversed('api-to-db');
    assert.equal(flow?.id, 'db->api');
    assert.equal(notes.length, 1);
    assert.match(notes[0], /: exported as api -> db, reversed in OWASP Threat Dragon: its id api-to-db, its auth password, its credential shop-db left out, as they go with those ends$/);
  });

  it('an id of its own (`orders-write`, or `api-sync`, which names one end only) is kept, with a note to check it', () => {
    const own = reversed('orders-write');
    assert.equal(own.flow?.id, 'orders-write');
    assert.match(own.notes[0], /; its id `orders-write` kept \(a name of its own\): check it still fits$/);
    // `db` is no word of it at all; `api` is, so the id names one end only.
    assert.equal(reversed('api-sync').flow?.id, 'api-sync');
  });
});

describe('Threagile: a link deleted there takes a written threat\'s target with it, and says so', () => {
  /** The export of a model with the payment webhook's link deleted in Threagile, imported. */
  function withoutWebhookLink(text: string) {
    const doc = parseDocument(text, { version: '1.1' });
    assert.ok(doc.hasIn(['technical_assets', 'Payment gateway', 'communication_links', 'to API servers /webhooks/payment']));
    doc.deleteIn(['technical_assets', 'Payment gateway', 'communication_links', 'to API servers /webhooks/payment']);
    const r = importThreagile(doc.toString({ lineWidth: 0 }), 'edited.threagile.yaml', { output: 'back.yaml' });
    assert.ok(r.text && r.summary, formatDiagnostics(r.diagnostics));
    return { model: r.text, notes: r.summary.notes.filter((n) => n.startsWith('written threat')) };
  }

  it('a target the threat had no risk on (mitigated there when exported) is gone, with a note as well as the comment', () => {
    const tuned = roundTrip('threagile', TUNED, TUNED_TRIAGE);
    const { model, notes } = withoutWebhookLink(tuned.exported);
    assert.match(model, /^ {2}audit-gap:\n(?: {4}.*\n)* {4}on: api\n/m);
    assert.ok(notes.includes('written threat `audit-gap`: communication link payments>to-api-servers-webhooks-payment is gone from the file (deleted in Threagile); no longer on it'), notes.join('\n'));
    // Untouched, no such note.
    const untouched = importThreagile(tuned.exported, 'tuned.threagile.yaml');
    assert.ok(!untouched.summary?.notes.some((n) => n.includes('is gone from the file')), untouched.summary?.notes.join('\n'));
  });

  it('exported without the model (no written threats as written): the risk on the link moves to its source, with a note', () => {
    const { model, result } = analyseText(SHOP, 'shop.yaml', SHOP_TRIAGE);
    const moved = withoutWebhookLink(renderThreagile(result));
    // Its endpoint, where replay protection mitigated it, had no risk: without the model nothing carried it.
    assert.match(moved.model, /^ {2}replayed-webhook:\n(?: {4}.*\n)* {4}on: payments\n/m);
    assert.ok(moved.notes.some((n) => /^written threat `replayed-webhook`: communication link payments>to-api-servers-webhooks-payment is gone from the file; its risk TM-[0-9a-f]{8} is now on `payments`, where the risk places it$/.test(n)),
      moved.notes.join('\n'));
    const untouched = importThreagile(renderThreagile(result), 'shop.threagile.yaml');
    assert.ok(!untouched.summary?.notes.some((n) => n.includes('is gone from the file')), untouched.summary?.notes.join('\n'));
    // With the model, the same note as before (what it was on as written is known), and no other.
    const withModel = withoutWebhookLink(renderThreagile(result, { model }));
    assert.equal(withModel.notes.filter((n) => n.includes('replayed-webhook')).length, 1);
  });
});
