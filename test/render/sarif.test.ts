// SARIF 2.1.0: valid against the official JSON schema (shipped offline by @microsoft/jest-sarif), one
// rule per threat rule, one result per open threat at the model line, fingerprints from the stable key.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import type { Log } from 'sarif';
import { generateModelText } from '../../src/model/generate.js';
import { buildSarif, FINGERPRINT_NAME, renderSarif, renderSarifChunks, toUri } from '../../src/render/sarif.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeExample, analyzeText, exampleText, replaceOnce } from '../helpers.js';

const require = createRequire(import.meta.url);
type Validator = ((data: unknown) => boolean) & { errors?: unknown };

function sarifValidator(): Validator {
  // The SARIF 2.1.0 schema is JSON Schema draft-04, which Ajv 8 reads through ajv-draft-04.
  const Ajv = require('ajv-draft-04') as new (opts: object) => { compile(schema: object): Validator };
  const addFormats = require('ajv-formats') as (ajv: object) => void;
  // unicodeRegExp: false, as the schema's pattern for `language` has a stray `]` that only non-Unicode regexps accept.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  assert.match(schema.title, /SARIF\) Version 2\.1\.0/);
  return ajv.compile(schema);
}
const validate = sarifValidator();

function assertValid(log: unknown) {
  const ok = validate(log);
  assert.ok(ok, JSON.stringify(validate.errors, null, 2));
}

describe('SARIF', () => {
  it('validates against the SARIF 2.1.0 JSON schema for every example', () => {
    for (const name of ['ecommerce', 'microservices', 'prelaunch']) {
      const text = renderSarif(analyzeExample(name), { uri: `examples/${name}.yaml`, toolVersion: '0.1.0' });
      assertValid(JSON.parse(text));
    }
  });

  it('the schema check is real: a broken log fails it', () => {
    const log = buildSarif(analyzeExample('ecommerce')) as unknown as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    log.runs[0].results[0].level = 'critical';
    assert.equal(validate(log), false);
  });

  it('has one rule per rule id with help text, and one result per open threat', () => {
    const r = analyzeExample('ecommerce');
    const log = buildSarif(r, { uri: 'examples/ecommerce.yaml' });
    const run = log.runs[0];
    const rules = run.tool.driver.rules!;
    assert.deepEqual(rules.map((x) => x.id), [...new Set(r.threats.map((t) => t.ruleId))].sort());
    for (const rule of rules) {
      assert.ok(rule.help?.text && rule.help.markdown, rule.id);
      assert.match(rule.help!.markdown!, /\*\*Mitigation:\*\*/);
      assert.ok(rule.shortDescription?.text);
      assert.match(String(rule.properties?.['security-severity']), /^\d+\.\d$/);
    }
    assert.equal(run.results!.length, r.threats.length);
    for (const res of run.results!) assert.equal(rules[res.ruleIndex!].id, res.ruleId);
  });

  it('locates each result at the line of the element, endpoint or flow it concerns', () => {
    const r = analyzeExample('ecommerce');
    const run = buildSarif(r, { uri: 'examples/ecommerce.yaml' }).runs[0];
    const lines = exampleText('ecommerce').split('\n');
    const at = (key: string) => {
      const t = r.threats.find((x) => x.key === key)!;
      const res = run.results!.find((x) => x.properties?.key === key)!;
      const loc = res.locations![0].physicalLocation!;
      assert.equal(loc.artifactLocation!.uri, 'examples/ecommerce.yaml');
      return { line: lines[loc.region!.startLine! - 1], t, res };
    };
    assert.match(at('no-rate-limiting@api:/search').line, /^\s+\/search:/);
    assert.match(at('client-controlled-value@api:POST /cart').line, /^\s+POST \/cart:/);
    assert.match(at('unencrypted-store@cache').line, /^ {2}cache:/);
    const { res } = at('cleartext-tampering@lb');
    assert.ok(res.relatedLocations!.some((l) => /lb -> api/.test(lines[l.physicalLocation!.region!.startLine! - 1])), 'evidence at the flow');
  });

  it('fingerprints come from the stable key: the same across reorders and renames', () => {
    const fp = (log: Log) => new Map(log.runs[0].results!.map((x) => [x.properties!.key as string, x.partialFingerprints![FINGERPRINT_NAME]]));
    const before = fp(buildSarif(analyzeExample('ecommerce')));
    const renamed = analyzeText(replaceOnce(exampleText('ecommerce'), 'name: API servers', 'name: Storefront'), 'examples/ecommerce.yaml');
    assert.deepEqual(fp(buildSarif(renamed)), before);
    assert.equal(new Set(before.values()).size, before.size);
    for (const v of before.values()) assert.match(v, /^[0-9a-f]{16}$/);
  });

  it('leaves triaged-away threats out, or marks them suppressed on request', () => {
    const t = parseTriage('threats:\n  "no-rate-limiting@api:/search": { status: accepted, reason: public catalogue }\n  "cleartext-disclosure@lb": { status: mitigating }\n', 'x').triage!;
    const r = applyTriage(analyzeExample('ecommerce'), t, { today: '2026-11-28' });
    const open = buildSarif(r).runs[0].results!;
    assert.equal(open.length, r.threats.length - 1);
    assert.ok(!open.some((x) => x.properties?.key === 'no-rate-limiting@api:/search'));
    assert.equal(open.find((x) => x.properties?.key === 'cleartext-disclosure@lb')?.properties?.status, 'mitigating');
    const all = buildSarif(r, { includeClosed: true });
    assertValid(all);
    const suppressed = all.runs[0].results!.find((x) => x.properties?.key === 'no-rate-limiting@api:/search')!;
    assert.deepEqual(suppressed.suppressions, [{ kind: 'external', status: 'accepted', justification: 'accepted: public catalogue' }]);
  });

  it('writes repository-relative URIs', () => {
    assert.equal(toUri('./models/my shop.yaml'), 'models/my%20shop.yaml');
    assert.equal(toUri('models\\shop.yaml'), 'models/shop.yaml');
  });

  it('is deterministic', () => {
    assert.equal(renderSarif(analyzeExample('microservices')), renderSarif(analyzeExample('microservices')));
  });

  it('writes as text exactly the log it builds, whole or in pieces', () => {
    const t = parseTriage('threats:\n  "no-rate-limiting@api:/search": { status: accepted, reason: "public \\"catalogue\\"" }\n  "cleartext-disclosure@lb": { status: mitigating }\n', 'x').triage!;
    const triaged = applyTriage(analyzeExample('ecommerce'), t, { today: '2026-11-28' });
    const hostile = analyzeText(readFileSync('test/fixtures/track/hostile.yaml', 'utf8'), 'hostile.yaml');
    const empty = analyzeText('threatmap: 1\nsystem: { name: Empty }\nelements:\n  web: { kind: external }\n', 'empty.yaml');
    const cases: Array<[string, Parameters<typeof renderSarif>[0], Parameters<typeof renderSarif>[1]]> = [
      ['prelaunch', analyzeExample('prelaunch'), { uri: 'examples/prelaunch.yaml', toolVersion: '0.1.0' }],
      ['triaged', triaged, { includeClosed: true }],
      ['hostile', hostile, { uri: 'a dir/hostile.yaml' }],
      ['empty', empty, {}],
    ];
    for (const [name, r, options] of cases) {
      assert.equal(renderSarif(r, options), `${JSON.stringify(buildSarif(r, options), null, 2)}\n`, name);
    }
    assert.equal(buildSarif(empty).runs[0].results!.length, 0);
    // Large enough for several pieces: they concatenate to the same text.
    const big = analyzeText(generateModelText({ elements: 600, seed: 3 }), 'big.yaml');
    const pieces = [...renderSarifChunks(big)];
    assert.ok(pieces.length > 1);
    assert.equal(pieces.join(''), `${JSON.stringify(buildSarif(big), null, 2)}\n`);
  });
});
