// A triage decision never silently covers more than it was made for: entries record the risk and flows they
// were decided at (`risk:`, `covers:`), a threat rated higher or covering more reopens with a warning, a threat
// regrouped under another key is followed only when the decision covers it whole, and stale entries can be
// cleared and are named with their likely new key. Fixtures: the s16 reviewer's repro-agg and repro-regroup.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AnalysisResult, Threat } from '../../src/analysis/types.js';
import { triageAction } from '../../src/cli/triage.js';
import { buildSarif } from '../../src/render/sarif.js';
import { failingThreats, newlyFailing } from '../../src/track/diff.js';
import { applyScopeSteps, scopeSteps } from '../../src/track/scope-record.js';
import { entryKeyOf } from '../../src/track/scope.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { setTriageEntry } from '../../src/track/triage-edit.js';
import { threatUid } from '../../src/track/uid.js';
import { analyzeText, replaceOnce } from '../helpers.js';
import { tempFolder } from '../temp.js';

const TODAY = '2026-12-01';

// repro-agg: TLS ends at the ALB for the public catalogue only; the PR sends card data to `pay` in cleartext too.
const AGG = [
  'threatmap: 1',
  'system: { name: Agg }',
  'boundaries:',
  '  internet: { trust: untrusted }',
  '  dmz: { trust: dmz }',
  '  app: { trust: internal }',
  'assets:',
  '  catalog: { name: Catalogue, classification: public }',
  '  card: { name: Card data, type: payment, classification: restricted }',
  'elements:',
  '  browser: { tech: browser, in: internet }',
  '  lb: { tech: alb, in: dmz }',
  '  web: { tech: node, in: app, auth: session-cookie, controls: [rate-limiting, session-management, generic-errors], handles: [catalog] }',
  '  pay: { tech: node, in: app, auth: session-cookie, controls: [rate-limiting, session-management, generic-errors], handles: [card] }',
  'flows:',
  '  - browser -> lb: { protocol: https, data: [catalog, card] }',
  '  - lb -> web: { protocol: http, data: [catalog] }',
  '  - lb -> pay: { protocol: https, data: [card] }',
  '',
].join('\n');
const AGG_PR = replaceOnce(AGG, 'lb -> pay: { protocol: https, data: [card] }', 'lb -> pay: { protocol: http, data: [card] }');
const DISCLOSURE = 'cleartext-disclosure@lb';
const TAMPERING = 'cleartext-tampering@lb';

/** The reviewer's triage file, as `threatmap triage` writes it now: with what each decision was made for. */
const AGG_TRIAGE = [
  'threatmap-triage: 1',
  'threats:',
  `  ${threatUid(DISCLOSURE)}:`,
  '    threat: "Traffic can be read in transit: 1 cleartext flow from lb (cleartext-disclosure@lb)"',
  '    status: accepted',
  '    reason: only the public catalogue crosses lb->web in cleartext, inside the VPC',
  '    expires: 2027-12-31',
  '    risk: low',
  '    covers: [lb->web]',
  `  ${threatUid(TAMPERING)}:`,
  '    threat: "Traffic can be modified in transit: 1 cleartext flow from lb (cleartext-tampering@lb)"',
  '    status: accepted',
  '    reason: public catalogue only, inside the VPC',
  '    expires: 2027-12-31',
  '    risk: medium',
  '    covers: [lb->web]',
  '',
].join('\n');
const LEGACY_AGG_TRIAGE = AGG_TRIAGE.split('\n').filter((l) => !/^ {4}(risk|covers):/.test(l)).join('\n');

// repro-regroup: one worker, then a second (the key moves to the boundary), then a third.
const REGROUP = (workers: readonly string[]) => [
  'threatmap: 1',
  'system: { name: Regroup }',
  'boundaries:',
  '  app: { trust: internal }',
  '  data: { trust: restricted, kind: data-tier, in: app }',
  'assets:',
  '  pii: { name: PII, classification: confidential }',
  'elements:',
  ...workers.map((w) => `  ${w}: { type: worker, in: app }`),
  '  db: { tech: postgres, in: data, stores: [pii], controls: [encryption-at-rest] }',
  'flows:',
  ...workers.map((w) => `  - ${w} -> db: { protocol: postgres+tls, auth: password, data: [pii] }`),
  '',
].join('\n');
const SECRETS_WORKER = 'secrets-in-config@worker';
const SECRETS_APP = 'secrets-in-config@app';

// A worker that calls a partner without timeouts, and keeps orders in a queue.
const CARRIER = [
  'threatmap: 1',
  'system: { name: Carrier }',
  'boundaries:',
  '  internet: { trust: untrusted }',
  '  app: { trust: internal }',
  'assets:',
  '  orders: { name: Orders, classification: confidential }',
  'elements:',
  '  fulfilment: { name: Order worker, type: api, in: app }',
  '  shipping: { name: Shipping partner, type: third-party, in: internet }',
  '  queue: { name: Queue, tech: redis, in: app, stores: [orders] }',
  'flows:',
  '  - fulfilment -> shipping: https',
  '  - fulfilment -> queue: { protocol: rediss, auth: password }',
  '',
].join('\n');
const TIMEOUTS = 'no-timeouts-external@fulfilment';

const triageOf = (text: string) => {
  const parsed = parseTriage(text, 'shop.triage.yaml');
  assert.ok(parsed.triage, JSON.stringify(parsed.diagnostics));
  return parsed.triage;
};
const applied = (model: string, triage: string, file = 'shop.yaml'): AnalysisResult =>
  applyTriage(analyzeText(model, file), triageOf(triage), { today: TODAY });
const threat = (r: AnalysisResult, key: string): Threat => {
  const t = r.threats.find((x) => x.key === key);
  assert.ok(t, `no threat ${key}: ${r.threats.map((x) => x.key).join(', ')}`);
  return t;
};
const warningsOf = (r: AnalysisResult, code: string) => r.triage!.warnings.filter((w) => w.code === code);

/** Runs `threatmap triage` in-process, with stdout and stderr captured. */
function run(model: string, opts: Parameters<typeof triageAction>[2], id?: string): { out: string; err: string } {
  const [write, writeErr] = [process.stdout.write, process.stderr.write];
  const saved = process.env.THREATMAP_TODAY;
  let out = '';
  let err = '';
  process.env.THREATMAP_TODAY = TODAY;
  process.stdout.write = ((chunk: string) => { out += chunk; return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => { err += chunk; return true; }) as typeof process.stderr.write;
  try {
    triageAction(model, id, opts);
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
    if (saved === undefined) delete process.env.THREATMAP_TODAY;
    else process.env.THREATMAP_TODAY = saved;
  }
  return { out, err };
}

function workspace(model: string, triage?: string): { model: string; triage: string } {
  const dir = tempFolder('threatmap-drift-');
  writeFileSync(join(dir, 'shop.yaml'), model);
  if (triage !== undefined) writeFileSync(join(dir, 'shop.triage.yaml'), triage);
  return { model: join(dir, 'shop.yaml'), triage: join(dir, 'shop.triage.yaml') };
}

describe('a decision records what it was made for', () => {
  it('`threatmap triage ID --status` writes the risk and the flows the threat covers', () => {
    const ws = workspace(AGG);
    run(ws.model, { status: 'accepted', reason: 'public catalogue', quiet: true }, DISCLOSURE);
    const text = readFileSync(ws.triage, 'utf8');
    assert.match(text, /\n {2}TM-[0-9a-f]{8}:\n {4}threat: "Traffic can be read in transit: 1 cleartext flow from lb \(cleartext-disclosure@lb\)"\n {4}status: accepted\n {4}reason: public catalogue\n {4}risk: low\n {4}covers: \[lb->web\]\n$/);
    const entry = triageOf(text).entries[0];
    assert.deepEqual([entry.risk, entry.covers], ['Low', ['lb->web']]);
  });

  it('a renewal or a new owner keeps the recorded scope: only a status given decides anew', () => {
    const ws = workspace(AGG_PR, AGG_TRIAGE);
    const { err } = run(ws.model, { expires: '2028-06-30' }, DISCLOSURE);
    const entry = triageOf(readFileSync(ws.triage, 'utf8')).entries.find((e) => e.ref === threatUid(DISCLOSURE))!;
    assert.deepEqual([entry.expires, entry.risk, entry.covers], ['2028-06-30', 'Low', ['lb->web']]);
    assert.match(err, /note: TM-[0-9a-f]{8} \(T\d, .*\) still needs review \(accepted at Low for lb->web; now High and also covers lb->pay carrying Card data\); give --status/);
  });

  it('reads `risk` in any case and `covers` as a list; anything else is an error at its place', () => {
    const ok = triageOf('threats:\n  a@b: { status: accepted, reason: r, risk: HIGH, covers: [y->z, x->y, x->y] }\n').entries[0];
    assert.deepEqual([ok.risk, ok.covers], ['High', ['x->y', 'y->z']]);
    const bad = parseTriage('threats:\n  a@b: { status: accepted, risk: huge, covers: lb->web }\n', 't.yaml');
    assert.equal(bad.triage, undefined);
    assert.deepEqual(bad.diagnostics.map((d) => [d.code, d.line, d.col, d.message]), [
      ['invalid-value', 2, 28, '`huge` is not a risk'],
      ['invalid-type', 2, 40, '`covers` must be a list of flow ids'],
    ]);
  });

  it('an empty `covers` is no `covers`, and the edit keeps every other entry as written', () => {
    const target = { uid: threatUid(DISCLOSURE), key: DISCLOSURE, describe: 'd' };
    const before = `threats:\n  # keep me\n  x@y: { status: open }\n  ${target.uid}: { status: accepted, covers: [lb->web] }\n`;
    const out = setTriageEntry(before, 'shop.yaml', target, { status: 'accepted', risk: 'Medium', covers: [] });
    assert.equal(out, `threats:\n  # keep me\n  x@y: { status: open }\n  ${target.uid}: { threat: d, status: accepted, risk: medium }\n`);
  });
});

describe('a decided threat that grew reopens (F1: repro-agg)', () => {
  it('positive: card data added as a new cleartext flow reopens both acceptances at file:line:col, and the gate fails', () => {
    const r = applied(AGG_PR, AGG_TRIAGE);
    const t = threat(r, DISCLOSURE);
    assert.deepEqual(t.triage?.drift, {
      status: 'accepted', risk: 'Low', added: ['lb->pay'],
      summary: 'accepted at Low for lb->web; now High and also covers lb->pay carrying Card data',
    });
    assert.equal(t.triage?.status, 'open');
    assert.equal(t.triage?.declared, 'accepted');
    const [w] = warningsOf(r, 'scope-drift');
    assert.deepEqual([w.file, w.line, w.col, w.uid], ['shop.triage.yaml', 3, 3, t.uid]);
    assert.equal(w.message, `${t.uid} (${t.id}, ${t.title}): accepted at Low for lb->web; now High and also covers lb->pay carrying Card data: re-decide; until then the threat is open (\`threatmap triage shop.yaml ${t.uid} --status accepted\` records what it covers now)`);
    assert.equal(warningsOf(r, 'scope-drift').length, 2);
    assert.deepEqual(r.triage!.closed.total, 0);
    assert.deepEqual(failingThreats(r, 'Low').filter((x) => x.ruleId.startsWith('cleartext')).map((x) => x.key).sort(), [DISCLOSURE, TAMPERING]);
    // `check --new-only --base`: open now, closed at the base, so new in this change.
    const base = applied(AGG, AGG_TRIAGE);
    assert.deepEqual(newlyFailing(base, r, 'Low').map((x) => x.key).sort(), [DISCLOSURE, TAMPERING]);
    assert.deepEqual(newlyFailing(base, r, 'High').map((x) => x.key).sort(), [DISCLOSURE, TAMPERING]);
    // SARIF reports it as an open result, not a suppressed one.
    const sarif = buildSarif(r, { includeClosed: true });
    const result = sarif.runs[0].results!.find((x) => x.partialFingerprints?.['threatmapKey/v1'] !== undefined && (x.message.text ?? '').includes(t.uid!));
    assert.ok(result, 'the drifted threat is in the SARIF');
    assert.equal(result.suppressions, undefined);
  });

  it('negative: the model the decisions were made for keeps them closed, with no warning', () => {
    const r = applied(AGG, AGG_TRIAGE);
    assert.equal(threat(r, DISCLOSURE).triage?.status, 'accepted');
    assert.equal(threat(r, DISCLOSURE).triage?.drift, undefined);
    assert.deepEqual(warningsOf(r, 'scope-drift'), []);
    assert.equal(r.triage!.closed.total, 2);
  });

  it('a risk gone down or a covered flow gone does not reopen', () => {
    const wide = AGG_TRIAGE.replace('risk: low', 'risk: critical').replace('covers: [lb->web]', 'covers: [lb->pay, lb->web]');
    const r = applied(AGG_PR.replace('lb -> web: { protocol: http', 'lb -> web: { protocol: https'), wide);
    assert.deepEqual(threat(r, DISCLOSURE).flows, ['lb->pay']);
    assert.equal(threat(r, DISCLOSURE).triage?.status, 'accepted');
    assert.deepEqual(warningsOf(r, 'scope-drift').filter((w) => w.uid === threat(r, DISCLOSURE).uid), []);
  });

  it('entries written before scopes were recorded keep working as before: no drift check', () => {
    const r = applied(AGG_PR, LEGACY_AGG_TRIAGE);
    assert.equal(threat(r, DISCLOSURE).triage?.status, 'accepted');
    assert.deepEqual(warningsOf(r, 'scope-drift'), []);
  });

  it('a mitigation that now covers more keeps its status (it is open already) but needs review', () => {
    const r = applied(AGG_PR, AGG_TRIAGE.replace('status: accepted', 'status: mitigating'));
    const t = threat(r, DISCLOSURE);
    assert.equal(t.triage?.status, 'mitigating');
    assert.equal(t.triage?.declared, undefined);
    assert.match(warningsOf(r, 'scope-drift')[0].message, /mitigating at Low for lb->web; now High and also covers lb->pay carrying Card data: check that the work still covers it/);
  });

  it('`threatmap triage` lists it as needing review; deciding again records what it covers now and closes it', () => {
    const ws = workspace(AGG_PR, AGG_TRIAGE);
    const listing = run(ws.model, { quiet: true }).out;
    assert.match(listing, /\n(T\d)\s+TM-[0-9a-f]{8}\s+High\s+open \(accepted, needs review\)\s+Traffic can be read in transit: 2 cleartext flows from lb\n/);
    assert.match(listing, /\nDecisions that need review \(the threat changed since they were made; .*\):\n {2}\S+shop\.triage\.yaml:10 {2}TM-[0-9a-f]{8} {2}accepted at Medium for lb->web; now High and also covers lb->pay carrying Card data\n {2}\S+shop\.triage\.yaml:3 {2}TM-[0-9a-f]{8} {2}accepted at Low for lb->web; now High and also covers lb->pay carrying Card data\n/);
    const { out } = run(ws.model, { status: 'accepted', reason: 'card data is tokenised before the ALB', quiet: true }, DISCLOSURE);
    assert.match(out, /is accepted until 2027-12-31; it was accepted at Low for lb->web; now High and also covers lb->pay carrying Card data — it now records risk high, covers lb->pay, lb->web\n$/);
    const r = applyTriage(analyzeText(AGG_PR, 'shop.yaml'), triageOf(readFileSync(ws.triage, 'utf8')), { today: TODAY });
    assert.equal(threat(r, DISCLOSURE).triage?.status, 'accepted');
    assert.equal(threat(r, DISCLOSURE).triage?.drift, undefined);
  });
});

describe('a threat regrouped under another key (F2: repro-regroup)', () => {
  const workerDecision = (scope: string) => `threatmap-triage: 1\nthreats:\n  ${threatUid(SECRETS_WORKER)}:\n    threat: Secrets of worker kept in configuration (${SECRETS_WORKER})\n    status: accepted\n    reason: k8s Secret\n${scope}`;
  const appDecision = `threatmap-triage: 1\nthreats:\n  ${threatUid(SECRETS_APP)}:\n    threat: Secrets of reporter, worker kept in configuration (${SECRETS_APP})\n    status: accepted\n    reason: mounted k8s Secret\n    risk: medium\n    covers: [reporter->db, worker->db]\n`;

  it('a decision for one worker does not follow the key to the boundary that now also covers another: stale, with the match named', () => {
    const r = applied(REGROUP(['worker', 'reporter']), workerDecision('    risk: medium\n    covers: [worker->db]\n'));
    const app = threat(r, SECRETS_APP);
    assert.equal(app.triage?.status, 'open');
    assert.equal(r.triage!.regrouped, undefined);
    assert.equal(r.triage!.stale.length, 1);
    assert.equal(r.triage!.stale[0].hint, `its threat is now reported as \`${SECRETS_APP}\` (${app.uid}, Secrets of reporter, worker kept in configuration), which also covers reporter->db; the decision does not follow it — decide that threat (\`threatmap triage shop.yaml ${app.uid} --status accepted\`), then delete this entry (\`threatmap triage shop.yaml ${threatUid(SECRETS_WORKER)} --clear\`)`);
  });

  it('without a recorded scope the match is named too, and never applied', () => {
    const r = applied(REGROUP(['worker', 'reporter']), workerDecision(''));
    assert.equal(threat(r, SECRETS_APP).triage?.status, 'open');
    assert.match(r.triage!.stale[0].hint!, /^its threat is now reported as `secrets-in-config@app` \(TM-9e832344, .*\), which covers worker->db, reporter->db: this entry recorded no scope to tell whether the decision covers all of it;/);
  });

  it('the boundary\'s decision reopens when a third worker joins (the group key absorbed it)', () => {
    const r = applied(REGROUP(['worker', 'reporter', 'exporter']), appDecision);
    const t = threat(r, SECRETS_APP);
    assert.equal(t.triage?.status, 'open');
    assert.equal(t.triage?.drift?.summary, 'accepted at Medium for reporter->db and worker->db; now also covers exporter->db carrying PII');
  });

  it('negative: the workers it was made for keep it closed', () => {
    const r = applied(REGROUP(['reporter', 'worker']), appDecision);
    assert.equal(threat(r, SECRETS_APP).triage?.status, 'accepted');
    assert.deepEqual(r.triage!.warnings.filter((w) => w.code !== 'missing-reason'), []);
  });

  it('the boundary\'s decision follows the key back to the one worker left, which it covers whole, and --migrate writes it there', () => {
    const r = applied(REGROUP(['worker']), appDecision);
    const t = threat(r, SECRETS_WORKER);
    assert.equal(t.triage?.status, 'accepted');
    assert.deepEqual(r.triage!.regrouped, [{ ref: threatUid(SECRETS_APP), status: 'accepted', threat: `Secrets of reporter, worker kept in configuration (${SECRETS_APP})`, line: 3, col: 3, oldKey: SECRETS_APP, key: SECRETS_WORKER, uid: t.uid }]);
    assert.match(warningsOf(r, 'regrouped-entry')[0].message, /^triage entry `TM-9e832344` \(secrets-in-config@app, accepted for reporter->db, worker->db\) now decides `secrets-in-config@worker` \(TM-45a692df\): .*covers it whole; write the entry under that key \(`threatmap triage shop\.yaml --migrate` does\)$/);
    const ws = workspace(REGROUP(['worker']), appDecision);
    assert.match(run(ws.model, { migrate: true }).out, /\n {2}line 3: TM-9e832344 -> TM-45a692df \(accepted\); its threat is reported on another component now/);
    assert.equal(readFileSync(ws.triage, 'utf8'), appDecision.replace(threatUid(SECRETS_APP), threatUid(SECRETS_WORKER)));
  });

  it('is not applied when the threat now there is rated higher than the decision', () => {
    const r = applied(REGROUP(['worker']), appDecision.replace('risk: medium', 'risk: low'));
    assert.equal(threat(r, SECRETS_WORKER).triage?.status, 'open');
    assert.match(r.triage!.stale[0].hint!, /which is rated Medium \(the decision was made at Low\);/);
  });
});

describe('a stale decision that matches a new threat under the same key (F4)', () => {
  const decided = `threatmap-triage: 1\nthreats:\n  ${threatUid(TIMEOUTS)}:\n    threat: Order worker waits without limit on Shipping partner (${TIMEOUTS})\n    status: accepted\n    reason: shipping API answers in <1s (SLA)\n    risk: medium\n    covers: [fulfilment->shipping]\n`;
  const noPartner = CARRIER.replace('  shipping: { name: Shipping partner, type: third-party, in: internet }\n', '').replace('  - fulfilment -> shipping: https\n', '');
  const newCarrier = replaceOnce(replaceOnce(CARRIER, '  shipping: { name: Shipping partner,', '  carrier: { name: New carrier API (DHL),'), 'fulfilment -> shipping', 'fulfilment -> carrier');

  it('goes stale when the partner is deleted, and reopens the new carrier\'s threat instead of closing it', () => {
    assert.deepEqual(applied(noPartner, decided).triage!.stale.map((s) => s.ref), [threatUid(TIMEOUTS)]);
    const r = applied(newCarrier, decided);
    const t = threat(r, TIMEOUTS);
    assert.equal(t.triage?.status, 'open');
    assert.equal(t.triage?.drift?.summary, 'accepted at Medium for fulfilment->shipping; now also covers fulfilment->carrier; no longer fulfilment->shipping');
  });

  it('negative: the partner it was made for keeps it closed', () => {
    assert.equal(threat(applied(CARRIER, decided), TIMEOUTS).triage?.status, 'accepted');
  });
});

describe('stale entries (F8)', () => {
  const stale = `threatmap-triage: 1\nthreats:\n  # the queue keeps nothing secret\n  unencrypted-store@queue: { status: accepted, reason: only order ids }\n  ${threatUid(TIMEOUTS)}: { status: mitigating }\n`;

  it('`--clear` deletes a stale entry, by its key or by the stable id of its key', () => {
    const ws = workspace(CARRIER.replaceAll('queue', 'Queue'), stale);
    assert.match(run(ws.model, { clear: true }, 'unencrypted-store@queue').out, /removed the entry unencrypted-store@queue \(line 4, accepted\); it decided no threat\n$/);
    assert.equal(readFileSync(ws.triage, 'utf8'), `threatmap-triage: 1\nthreats:\n  ${threatUid(TIMEOUTS)}: { status: mitigating }\n`);
    const ws2 = workspace(CARRIER.replaceAll('queue', 'Queue'), stale);
    run(ws2.model, { clear: true }, threatUid('unencrypted-store@queue'));
    assert.doesNotMatch(readFileSync(ws2.triage, 'utf8'), /unencrypted-store/);
  });

  it('negative: `--clear` with an id neither a threat nor an entry has is still an error', () => {
    const ws = workspace(CARRIER, stale);
    assert.throws(() => run(ws.model, { clear: true }, 'unencrypted-store@cache'), /no threat 'unencrypted-store@cache'/);
    assert.equal(readFileSync(ws.triage, 'utf8'), stale);
  });

  it('names the likely new key when only the id\'s case changed', () => {
    const r = applied(CARRIER.replaceAll('queue', 'Queue'), stale);
    const hint = r.triage!.stale.find((s) => s.ref === 'unencrypted-store@queue')!.hint!;
    assert.match(hint, /^did you mean `unencrypted-store@Queue` \(TM-[0-9a-f]{8}\)\? Same rule, and its component's id or name matches: decide that threat, then delete this entry \(`threatmap triage shop\.yaml unencrypted-store@queue --clear`\)$/);
  });

  it('names it when the id changed but the component\'s name and the threat\'s title did not, for an entry under a stable id', () => {
    const renamed = CARRIER.replaceAll('fulfilment', 'orders-worker');
    const r = applied(renamed, `threats:\n  ${threatUid(TIMEOUTS)}: { threat: Order worker waits without limit on Shipping partner (${TIMEOUTS}), status: accepted, reason: SLA }\n`);
    assert.match(r.triage!.stale[0].hint!, /^did you mean `no-timeouts-external@orders-worker` \(TM-[0-9a-f]{8}\)\?/);
  });

  it('negative: a `threat:` text whose key does not hash to the entry\'s id is not trusted', () => {
    assert.equal(entryKeyOf(threatUid(TIMEOUTS), `x (${TIMEOUTS})`), TIMEOUTS);
    assert.equal(entryKeyOf(threatUid(TIMEOUTS), 'x (unencrypted-store@queue)'), undefined);
    const r = applied(CARRIER.replaceAll('fulfilment', 'w'), `threats:\n  ${threatUid(TIMEOUTS)}: { threat: "x (no-timeouts-external@w)", status: accepted, reason: r }\n`);
    assert.match(r.triage!.stale[0].hint!, /^the threat is no longer reported/);
  });
});

describe('threatmap triage --migrate records scopes', () => {
  it('records them where the threat is what the entry says, and leaves the others for a re-decision', () => {
    const ws = workspace(AGG, LEGACY_AGG_TRIAGE);
    const { out } = run(ws.model, { migrate: true });
    assert.match(out, /recorded what 2 decisions were made for .*:\n {2}line 3: TM-[0-9a-f]{8} \(accepted\) risk: low, covers: \[lb->web\]: the threat is what the entry says it decided\n/);
    assert.equal(readFileSync(ws.triage, 'utf8'), AGG_TRIAGE);
    assert.match(run(ws.model, { migrate: true }).out, /every entry is under its current key; nothing to migrate\n$/);

    const drifted = workspace(AGG_PR, LEGACY_AGG_TRIAGE);
    const skipped = run(drifted.model, { migrate: true }).out;
    assert.match(skipped, /2 decisions left as written, to be decided again .*:\n {2}line 3: TM-[0-9a-f]{8} \(accepted\): its `threat:` says "Traffic can be read in transit: 1 cleartext flow from lb \(cleartext-disclosure@lb\)", the threat is now "Traffic can be read in transit: 2 cleartext flows from lb/);
    assert.equal(readFileSync(drifted.triage, 'utf8'), LEGACY_AGG_TRIAGE);
  });

  it('as pure steps: the same text in, the same text out', () => {
    const r = applied(AGG, LEGACY_AGG_TRIAGE);
    const steps = scopeSteps(LEGACY_AGG_TRIAGE, r);
    assert.deepEqual(steps.map((s) => [s.line, s.kind, s.risk, s.covers]), [[3, 'recorded', 'Low', ['lb->web']], [8, 'recorded', 'Medium', ['lb->web']]]);
    assert.equal(applyScopeSteps(LEGACY_AGG_TRIAGE, steps), AGG_TRIAGE);
  });
});
