// The HTML report, SARIF and CSV of the examples byte for byte, and the same text whether rendered whole or
// in pieces. Regenerate after an intended change with `UPDATE_GOLDEN=1 node scripts/run-tests.mjs html-golden`
// and review the diff.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderHtml, renderHtmlReport } from '../../src/render/html.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeExample, analyzeText } from '../helpers.js';

const GOLDEN = 'test/golden/html';
const update = process.env.UPDATE_GOLDEN === '1';
const examples = existsSync('examples') ? readdirSync('examples').filter((f) => f.endsWith('.yaml')).sort().map((f) => f.replace(/\.yaml$/, '')) : [];

function check(file: string, actual: string): void {
  const path = join(GOLDEN, file);
  if (update || !existsSync(path)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
    if (!update) assert.fail(`${path} was missing and has been written: review and commit it`);
    return;
  }
  assert.equal(actual, readFileSync(path, 'utf8'), `${path} differs (UPDATE_GOLDEN=1 to accept)`);
}

const TRIAGE = `threats:
  "no-rate-limiting@api:/search": { status: accepted, reason: public, owner: "<b>ops</b>", ticket: SEC-1, expires: 2027-01-01 }
  "nothing@here": { status: false-positive, reason: gone }
`;

describe('HTML report goldens', () => {
  it('has examples', () => assert.ok(examples.length >= 3));
  for (const name of examples) {
    it(name, async () => {
      check(`${name}.html`, await renderHtmlReport(analyzeExample(name), { generator: 'threatmap test' }));
    });
  }

  it('a hostile model with triage, with the text diagram', () => {
    const hostile = analyzeText(readFileSync('test/fixtures/track/hostile.yaml', 'utf8'), 'hostile.yaml');
    check('hostile.html', renderHtml(hostile, { diagramNote: 'no <SVG> here' }));
    const triaged = applyTriage(analyzeExample('ecommerce'), parseTriage(TRIAGE, 'x').triage!, { today: '2026-11-28' });
    check('ecommerce.triaged.html', renderHtml(triaged, { width: 100 }));
  });
});
