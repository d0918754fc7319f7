// The threats another tool's file holds survive `threatmap import`: written into the model's `threats:`
// section, their decisions into the model's triage file, which `analyze` then applies; and a model exported
// to Threat Dragon and imported again keeps its written threats and its decisions, with nothing twice.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { importThenAnalyze, run } from './run-cli.js';
import { tempFolder } from '../temp.js';

const scratch = () => tempFolder('threatmap-import-threats-');
const SHOP = 'test/fixtures/td-import/shop.td.json';

function analyzeJson(model: string): AnalysisResult {
  const r = run('analyze', model, '-f', 'json');
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /stale-entry/);
  return JSON.parse(r.stdout) as AnalysisResult;
}

const written = (r: AnalysisResult) => r.threats.filter((t) => t.ruleId.startsWith('threat:'));

describe('threatmap import keeps the file\'s threats and decisions', () => {
  it('Threat Dragon: threats under `threats:`, a Mitigated status in the triage file, applied by analyze', () => {
    const dir = scratch();
    const out = join(dir, 'shop.yaml');
    const r = run('import', SHOP, '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /wrote .*shop\.triage\.yaml: the file's 1 decision about its threats, which analyze applies\n {2}wrote .*shop\.yaml; next:/);
    const triage = readFileSync(join(dir, 'shop.triage.yaml'), 'utf8');
    assert.match(triage, /^threatmap-triage: 1\nthreats:\n {2}threat:xss@web-app:\n {4}threat: XSS\n {4}status: mitigated\n/m);

    const result = analyzeJson(out);
    const mine = written(result);
    assert.deepEqual(mine.map((t) => [t.key, t.stride, t.triage?.status]).sort(), [
      ['threat:sniffing@customer->web-app', 'S', 'open'],
      ['threat:spoofed-session@web-app', 'S', 'open'],
      ['threat:xss@web-app', 'S', 'mitigated'],
    ]);
    // Threat Dragon's severity kept as the risk: likelihood Medium and the severity as the impact, both written.
    const spoofed = mine.find((t) => t.key === 'threat:spoofed-session@web-app')!;
    assert.deepEqual([spoofed.likelihood.level, spoofed.impact.level, spoofed.risk], ['Medium', 'High', 'High']);
    assert.match(spoofed.likelihood.reason, /as written in the model \(threats\.spoofed-session\)$/);
    assert.deepEqual(mine.map((t) => [t.key, t.risk]).sort(), [
      ['threat:sniffing@customer->web-app', 'Low'], ['threat:spoofed-session@web-app', 'High'], ['threat:xss@web-app', 'Medium'],
    ]);
    assert.equal(result.triage?.byStatus.mitigated, 1);
  });

  it('AWS Threat Composer: told from its content; threat statements, decisions and assumptions come over', () => {
    const { out, stderr } = importThenAnalyze('test/fixtures/tc-import/shop.tc.json', 'Gift card shop');
    assert.match(stderr, /^threatmap import: read test\/fixtures\/tc-import\/shop\.tc\.json \(AWS Threat Composer, schema 1, "Gift card shop"\)\n {2}3 threat statements written under `threats:` on the whole system/m);
    assert.match(stderr, /wrote .*threatmap\.triage\.yaml: the file's 3 decisions about its threats, which analyze applies/);
    const result = analyzeJson(out);
    assert.deepEqual(result.threats.map((t) => t.triage?.status), ['mitigated', 'false-positive', 'mitigating']);
  });

  it('to standard output, the decisions are not lost silently: the summary says how to keep them', () => {
    const r = run('import', SHOP);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^threats:\n/m);
    assert.match(r.stderr, /the file's 1 decision about its threats is not written: give -o FILE to write it to FILE's triage file too\n {2}next:/);
  });

  it('an existing triage file is added to, never replaced: the team\'s decisions stay, comments too', () => {
    const dir = scratch();
    const out = join(dir, 'shop.yaml');
    const mine = '# ours\nthreats:\n  threat:xss@web-app: { status: accepted, reason: the CSP stops it }   # reviewed in March\n';
    writeFileSync(join(dir, 'shop.triage.yaml'), mine);
    const r = run('import', SHOP, '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /added 0 decisions of the file's to .*shop\.triage\.yaml; kept its own decision on 1 threat the file also decides/);
    assert.equal(readFileSync(join(dir, 'shop.triage.yaml'), 'utf8'), mine);
    // A file with decisions the triage file lacks adds them, and keeps what was there.
    writeFileSync(join(dir, 'shop.triage.yaml'), '# ours\nthreats:\n  threat:sniffing@customer->web-app: { status: mitigating }   # TLS next sprint\n');
    const again = run('import', SHOP, '-o', out, '--force');
    assert.equal(again.code, 0, again.stderr);
    const text = readFileSync(join(dir, 'shop.triage.yaml'), 'utf8');
    assert.match(text, /^# ours\n/);
    assert.match(text, /threat:sniffing@customer->web-app: \{ status: mitigating \} +# TLS next sprint/);
    assert.match(text, /threat:xss@web-app:\n {4}threat: XSS\n {4}status: mitigated/);
    assert.equal(analyzeJson(out).triage?.byStatus.mitigated, 1);
  });

  it('a file with no decisions leaves a triage file alone, and is not refused for it', () => {
    const dir = scratch();
    const out = join(dir, 'm.yaml');
    writeFileSync(join(dir, 'm.triage.yaml'), 'threats: {}\n');
    const r = run('import', 'test/fixtures/drawio-import/shop.drawio', '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'm.triage.yaml'), 'utf8'), 'threats: {}\n');
  });

  it('a model exported to Threat Dragon and imported again keeps its written threats and every decision', () => {
    const dir = scratch();
    const model = join(dir, 'shop.yaml');
    writeFileSync(model, `${readFileSync('examples/ecommerce.yaml', 'utf8')}
threats:
  coupon-abuse:
    title: Coupons can be stacked without limit
    stride: T
    on: api
    impact: high
    description: The checkout applies every coupon code it is given.
    mitigation: Allow one coupon per order.
  region-outage:
    title: The cloud region goes down
    stride: D
    on: lb -> api
  shared-admin:
    title: Operators share one admin account
    stride: R
    on: [api, db]
  vendor-exit:
    title: The payment provider ends the contract
    stride: D
`);
    const before = analyzeJson(model);
    const derived = before.threats.find((t) => !t.ruleId.startsWith('threat:') && t.componentKind === 'element' && !t.endpoint)!;
    writeFileSync(join(dir, 'shop.triage.yaml'), `threats:
  ${derived.uid}: { status: accepted, reason: reviewed with the team; twice, owner: alice, ticket: SHOP-9, expires: 2099-01-01, review: 2098-06-01 }
  threat:coupon-abuse@api: { status: mitigating, owner: shop-team }
  threat:shared-admin@db: { status: false-positive, reason: each operator has an account }
`);
    const exported = run('analyze', model, '-f', 'threat-dragon', '-o', join(dir, 'shop.td.json'));
    assert.equal(exported.code, 0, exported.stderr);

    mkdirSync(join(dir, 'back'));
    const back = join(dir, 'back', 'shop.yaml');
    const imported = run('import', join(dir, 'shop.td.json'), '-o', back);
    assert.equal(imported.code, 0, imported.stderr);
    const text = readFileSync(back, 'utf8');
    // The rules' own threats are not written back as threats: analysis derives them again.
    assert.doesNotMatch(text, new RegExp(`title: ${derived.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
    assert.match(text, /^ {2}coupon-abuse:\n {4}title: Coupons can be stacked without limit\n {4}stride: T\n {4}on: api\n {4}description: The checkout applies every coupon code it is given\.\n {4}impact: high\n {4}mitigation: Allow one coupon per order\.\n/m);

    // A threat on two things comes back as one; the export's placeholder is not a mitigation.
    assert.match(text, /^ {2}shared-admin:\n {4}title: Operators share one admin account\n {4}stride: R\n {4}on: \[ api, db \]\n(?! {4}mitigation)/m);
    assert.match(imported.stderr, /a threatmap export: the model comes back as it was exported, with edits made in the other tool; 4 written threats under `threats:`, and the rules' threats only as their decisions/);
    // A threat on no element or flow sits on the system's note, and comes back on the whole system.
    assert.match(text, /^ {2}vendor-exit:\n {4}title: The payment provider ends the contract\n {4}stride: D\n(?! {4}on:)/m);
    const after = analyzeJson(back);
    assert.deepEqual(written(after).map((t) => t.key).sort(), [
      'threat:coupon-abuse@api', 'threat:region-outage@lb->api', 'threat:shared-admin@api', 'threat:shared-admin@db', 'threat:vendor-exit@system',
    ]);
    // Every field of a decision comes back in its place, not folded into the reason.
    const accepted = after.threats.find((t) => t.uid === derived.uid)!.triage!;
    assert.deepEqual([accepted.reason, accepted.owner, accepted.ticket, accepted.expires, accepted.review], ['reviewed with the team; twice', 'alice', 'SHOP-9', '2099-01-01', '2098-06-01']);
    assert.equal(after.threats.find((t) => t.key === 'threat:shared-admin@db')?.triage?.status, 'false-positive');
    const keys = after.threats.map((t) => t.key);
    assert.equal(new Set(keys).size, keys.length);
    assert.equal(after.threats.find((t) => t.uid === derived.uid)?.triage?.status, 'accepted');
    // Threat Dragon shows `mitigating` as Open: the export's record of the decision comes back.
    assert.equal(after.threats.find((t) => t.key === 'threat:coupon-abuse@api')?.triage?.status, 'mitigating');
  });
});

describe('threatmap import --into MODEL', () => {
  const model = (dir: string) => {
    const path = join(dir, 'shop.yaml');
    writeFileSync(path, readFileSync('examples/ecommerce.yaml', 'utf8'));
    return path;
  };

  it('adds the file\'s threats to the model, comments kept, and their decisions to its triage file; twice adds nothing more', () => {
    const dir = scratch();
    const path = model(dir);
    const before = readFileSync(path, 'utf8');
    const r = run('import', 'test/fixtures/tc-import/shop.tc.json', '--into', path);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /added 3 threats to .*shop\.yaml: tc-1, tc-2, tc-3\n {2}added 3 decisions to .*shop\.triage\.yaml\n/);
    const after = readFileSync(path, 'utf8');
    // The model as it was, to the byte, then the threats.
    assert.ok(after.startsWith(before), 'the model text before the threats is unchanged');
    assert.match(after.slice(before.length), /^\nthreats:\n {2}tc-1:\n {4}title: Redeem the same card twice in parallel requests\n/);
    const result = analyzeJson(path);
    assert.deepEqual(result.threats.filter((t) => t.ruleId.startsWith('threat:')).map((t) => [t.key, t.triage?.status]).sort(), [
      ['threat:tc-1@system', 'mitigated'], ['threat:tc-2@system', 'mitigating'], ['threat:tc-3@system', 'false-positive'],
    ]);
    const triage = readFileSync(join(dir, 'shop.triage.yaml'), 'utf8');
    assert.match(triage, /^ {2}threat:tc-1@system:\n {4}threat: Redeem the same card twice in parallel requests\n {4}status: mitigated\n/m);

    const again = run('import', 'test/fixtures/tc-import/shop.tc.json', '--into', path);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /added 0 threats to .*\n {2}3 threats the model already writes \(same title and STRIDE category\) left as they are/);
    assert.equal(readFileSync(path, 'utf8'), after);
    assert.equal(readFileSync(join(dir, 'shop.triage.yaml'), 'utf8'), triage);
  });

  it('keeps a threat on what it threatens when the model has it, else puts it on the system with a note; a moved threat keeps its decision', () => {
    const dir = scratch();
    const path = model(dir);
    // A Threat Dragon file whose cells are named as the model's elements.
    const td = join(dir, 'shop.td.json');
    writeFileSync(td, readFileSync(SHOP, 'utf8').replaceAll('"name": "Web\\nApp"', '"name": "api"'));
    const r = run('import', td, '--into', path);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /check: threats\.sniffing: `customer -> [^`]+` names nothing in .*shop\.yaml: written on the whole system; move it to what it threatens/);
    const result = analyzeJson(path);
    const keys = result.threats.filter((t) => t.ruleId.startsWith('threat:')).map((t) => t.key).sort();
    assert.ok(keys.includes('threat:sniffing@system'), keys.join());
    // Moving a threat (its on: edited) keeps its decision, with a warning to update the key.
    const xss = keys.find((k) => k.startsWith('threat:xss@'))!;
    assert.equal(xss, 'threat:xss@api');
    const moved = readFileSync(path, 'utf8').replace(/(\n {2}xss:\n(?: {4}.*\n)*? {4}on: )api\n/, '$1db\n');
    writeFileSync(path, moved);
    const after = run('analyze', path, '-f', 'json');
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stderr, new RegExp(`warning\\[moved-entry\\]: \`${xss.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\`: the written threat is now reported as \`threat:xss@db\``));
    const parsed = JSON.parse(after.stdout) as AnalysisResult;
    assert.equal(parsed.threats.find((t) => t.key === 'threat:xss@db')?.triage?.status, 'mitigated');
  });

  it('a model that does not load, or -o with --into: exit 2, nothing written', () => {
    const dir = scratch();
    const path = join(dir, 'broken.yaml');
    writeFileSync(path, 'threatmap: 1\nsystem: { name: X }\nelements:\n  a: { tech: nosuch, kind: wrong }\n');
    const r = run('import', 'test/fixtures/tc-import/shop.tc.json', '--into', path);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /broken\.yaml does not load, so nothing was added to it:\n.*broken\.yaml:4:\d+: error/);
    assert.equal(readFileSync(path, 'utf8'), 'threatmap: 1\nsystem: { name: X }\nelements:\n  a: { tech: nosuch, kind: wrong }\n');
    assert.equal(existsSync(join(dir, 'broken.triage.yaml')), false);
    const both = run('import', 'test/fixtures/tc-import/shop.tc.json', '--into', path, '-o', join(dir, 'x.yaml'));
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give -o FILE \(a new model\) or --into MODEL \(an existing one\), not both/);
  });
});
