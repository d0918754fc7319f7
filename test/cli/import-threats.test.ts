// The threats another tool's file holds survive `threatmap import`: written into the model's `threats:`
// section, their decisions into the model's triage file, which `analyze` then applies; and a model exported
// to Threat Dragon and imported again keeps its written threats and its decisions, with nothing twice.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { importThenAnalyze, run } from './run-cli.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'threatmap-import-threats-'));
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
    // Threat Dragon's severity is the impact; the likelihood is rated from the model.
    const spoofed = mine.find((t) => t.key === 'threat:spoofed-session@web-app')!;
    assert.equal(spoofed.impact.level, 'High');
    assert.doesNotMatch(spoofed.likelihood.reason, /as written in the model/);
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

  it('an existing triage file is not overwritten without --force, and then nothing is written', () => {
    const dir = scratch();
    const out = join(dir, 'shop.yaml');
    writeFileSync(join(dir, 'shop.triage.yaml'), 'threats: {}\n');
    const r = run('import', SHOP, '-o', out);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /shop\.triage\.yaml: already exists; not overwriting it \(add --force to replace it\)/);
    assert.equal(existsSync(out), false);
    assert.equal(run('import', SHOP, '-o', out, '--force').code, 0);
    assert.match(readFileSync(join(dir, 'shop.triage.yaml'), 'utf8'), /threat:xss@web-app/);
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
`);
    const before = analyzeJson(model);
    const derived = before.threats.find((t) => !t.ruleId.startsWith('threat:') && t.componentKind === 'element' && !t.endpoint)!;
    writeFileSync(join(dir, 'shop.triage.yaml'), `threats:
  ${derived.uid}: { status: accepted, reason: reviewed with the team }
  threat:coupon-abuse@api: { status: mitigating, owner: shop-team }
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

    const after = analyzeJson(back);
    assert.deepEqual(written(after).map((t) => t.key).sort(), ['threat:coupon-abuse@api', 'threat:region-outage@lb->api']);
    const keys = after.threats.map((t) => t.key);
    assert.equal(new Set(keys).size, keys.length);
    assert.equal(after.threats.find((t) => t.uid === derived.uid)?.triage?.status, 'accepted');
    assert.equal(after.threats.find((t) => t.uid === derived.uid)?.triage?.reason, 'reviewed with the team');
    // Threat Dragon shows `mitigating` as Open: the export's record of the decision comes back.
    assert.equal(after.threats.find((t) => t.key === 'threat:coupon-abuse@api')?.triage?.status, 'mitigating');
  });
});
