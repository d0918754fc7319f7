// SARIF as code scanning reads it (s16 review, F9): the upload's own category applies unless one is asked for, a
// threat about flows points at the flow to change, and messages do not start with report numbers that shift.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import type { Log, Result } from 'sarif';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { buildSarif, renderSarif, STDIN_URI } from '../../src/render/sarif.js';
import { analyzeExample, analyzeText, exampleText, replaceOnce } from '../helpers.js';

const require = createRequire(import.meta.url);
type Validator = ((data: unknown) => boolean) & { errors?: unknown };

function sarifValidator(): Validator {
  const Ajv = require('ajv-draft-04') as new (opts: object) => { compile(schema: object): Validator };
  const addFormats = require('ajv-formats') as (ajv: object) => void;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')));
}
const validate = sarifValidator();

/** The log built, after checking that the text writer writes exactly it and that it is valid SARIF. */
function sarifOf(r: AnalysisResult, options: Parameters<typeof buildSarif>[1] = {}): Log {
  const log = buildSarif(r, options);
  assert.equal(renderSarif(r, options), `${JSON.stringify(log, null, 2)}\n`);
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  return log;
}

const resultOf = (log: Log, key: string): Result => {
  const found = log.runs[0].results!.find((x) => x.properties?.key === key);
  assert.ok(found, key);
  return found;
};
const lineAt = (text: string, res: Result): string => text.split('\n')[res.locations![0].physicalLocation!.region!.startLine! - 1];
const relatedLines = (text: string, res: Result): string[] =>
  (res.relatedLocations ?? []).map((l) => text.split('\n')[l.physicalLocation!.region!.startLine! - 1]);

describe('SARIF category (F9a)', () => {
  it('names no category unless asked, so that the upload\'s `category:` applies and a renamed model keeps it', () => {
    const r = analyzeExample('ecommerce');
    assert.equal(sarifOf(r, { uri: 'threatmodel/shop.yaml' }).runs[0].automationDetails, undefined);
    assert.equal(sarifOf(r, { uri: 'threatmodel/shop.json' }).runs[0].automationDetails, undefined);
  });

  it('sets the category asked for, as a run id with no instance part', () => {
    const r = analyzeExample('ecommerce');
    assert.deepEqual(sarifOf(r, { category: 'threatmap/shop' }).runs[0].automationDetails, { id: 'threatmap/shop/' });
    assert.deepEqual(sarifOf(r, { category: 'threatmap/shop/' }).runs[0].automationDetails, { id: 'threatmap/shop/' });
  });

  it('a model read from standard input is located under `stdin`, with no category of its own either', () => {
    const run = sarifOf(analyzeText(exampleText('ecommerce'), '<stdin>'), { uri: '-' }).runs[0];
    assert.deepEqual([...new Set(run.results!.map((x) => x.locations![0].physicalLocation!.artifactLocation!.uri))], [STDIN_URI]);
    assert.equal(run.automationDetails, undefined);
  });
});

describe('SARIF locations (F9b)', () => {
  it('points a threat about flows at its first flow, with its element as a related location', () => {
    const text = exampleText('ecommerce');
    const res = resultOf(sarifOf(analyzeExample('ecommerce')), 'cleartext-tampering@lb');
    assert.match(lineAt(text, res), /^ {2}- lb -> api: \{ protocol: http,/);
    assert.match(relatedLines(text, res).at(-1)!, /^ {2}lb:$/);
    assert.equal(res.relatedLocations!.at(-1)!.message!.text, 'Load balancer: the element the threat is reported on');
    assert.equal(res.relatedLocations!.at(-1)!.id, res.relatedLocations!.length);
  });

  it('points a threat on a trust boundary at its first flow, the boundary beside it', () => {
    const text = exampleText('microservices');
    const log = sarifOf(analyzeExample('microservices'));
    const res = resultOf(log, 'no-mutual-tls@mesh');
    assert.match(lineAt(text, res), /^ {2}- auth -> users:/);
    assert.match(relatedLines(text, res).at(-1)!, /^ {2}mesh:/);
  });

  it('keeps an endpoint\'s threat on the endpoint, and a threat whose fact is a control its element lacks on the element', () => {
    const eco = exampleText('ecommerce');
    const search = resultOf(sarifOf(analyzeExample('ecommerce')), 'no-rate-limiting@api:/search');
    assert.match(lineAt(eco, search), /^\s+\/search:/);
    assert.ok(!search.relatedLocations?.some((l) => /reported on/.test(l.message?.text ?? '')));
    const pre = exampleText('prelaunch');
    const hsts = resultOf(sarifOf(analyzeExample('prelaunch')), 'missing-hsts@app');
    assert.match(lineAt(pre, hsts), /^ {2}app:/);
    assert.ok(!hsts.relatedLocations?.some((l) => /reported on/.test(l.message?.text ?? '')));
  });
});

describe('SARIF messages (F9c)', () => {
  it('start with the title and the stable id, so that a threat added above changes no other message', () => {
    const before = analyzeExample('ecommerce');
    const addAdmin = replaceOnce(exampleText('ecommerce'), '  payments:\n',
      '  admin:\n    name: Back office\n    tech: node\n    in: dmz\n    endpoints:\n      /admin: { kind: admin }\n  payments:\n');
    const after = analyzeText(`${addAdmin.trimEnd()}\n  - browser -> admin: { protocol: https }\n`, 'examples/ecommerce.yaml');
    // The test means something only if the report numbers did shift.
    const idOf = (r: AnalysisResult, key: string) => r.threats.find((t) => t.key === key)!.id;
    assert.notEqual(idOf(before, 'no-rate-limiting@api:/search'), idOf(after, 'no-rate-limiting@api:/search'));
    const messages = (r: AnalysisResult) => new Map(sarifOf(r).runs[0].results!.map((x) => [x.properties!.key as string, x.message.text!]));
    const [was, now] = [messages(before), messages(after)];
    for (const t of before.threats) {
      assert.equal(now.get(t.key), was.get(t.key), t.key);
      assert.ok(was.get(t.key)!.startsWith(`${t.title} (${t.uid}, ${t.risk}). `), was.get(t.key));
      assert.doesNotMatch(was.get(t.key)!, /^T\d+ /);
    }
  });
});
