// Golden files for every diagram format on the committed examples. Regenerate after an intended change
// with `UPDATE_GOLDEN=1 node scripts/run-tests.mjs diagram-golden` and review the diff (and the PNGs).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { loadModel } from '../../src/model/load.js';
import { renderAscii, renderDot, renderMermaid, renderPng, renderSvg } from '../../src/render/diagram/index.js';

const GOLDEN = 'test/golden/diagram';
const update = process.env.UPDATE_GOLDEN === '1';
const examples = existsSync('examples') ? readdirSync('examples').filter((f) => f.endsWith('.yaml')).sort() : [];

function check(file: string, actual: string | Uint8Array): void {
  const path = join(GOLDEN, file);
  const bytes = typeof actual === 'string' ? Buffer.from(actual) : Buffer.from(actual);
  if (update || !existsSync(path)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, bytes);
    if (!update) assert.fail(`${path} was missing and has been written: review and commit it`);
    return;
  }
  const expected = readFileSync(path);
  if (typeof actual === 'string') assert.equal(actual, expected.toString('utf8'), `${path} differs (UPDATE_GOLDEN=1 to accept)`);
  else assert.ok(bytes.equals(expected), `${path} differs (UPDATE_GOLDEN=1 to accept)`);
}

describe('diagram goldens on the examples', () => {
  it('has examples', () => assert.ok(examples.length >= 3));
  for (const example of examples) {
    const name = example.replace(/\.yaml$/, '');
    it(name, async () => {
      const path = join('examples', example);
      const loaded = loadModel(readFileSync(path, 'utf8'), path);
      assert.ok(loaded.model, `${path} does not load`);
      const result = analyze(loaded.model);
      check(`${name}.txt`, renderAscii(result));
      check(`${name}.unicode.txt`, renderAscii(result, { unicode: true, direction: 'TD', colorByRisk: true }));
      check(`${name}.boundaries.txt`, renderAscii(result, { detail: 'boundaries' }));
      check(`${name}.mmd`, renderMermaid(result, { colorByRisk: true }));
      check(`${name}.dot`, renderDot(result, { colorByRisk: true }));
      check(`${name}.svg`, await renderSvg(result, { colorByRisk: true }));
      check(`${name}.png`, await renderPng(result, { colorByRisk: true }));
    });
  }
});
