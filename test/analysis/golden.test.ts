// Golden reports for the examples: the committed expected output under test/golden is what a reviewer
// reads; any change to it shows in the diff. Regenerate with UPDATE_GOLDEN=1 npm test.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { filterByRisk } from '../../src/analysis/filter.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { analyzeExample } from '../helpers.js';

const EXAMPLES = ['ecommerce', 'microservices', 'prelaunch'];

function golden(file: string, actual: string) {
  const path = `test/golden/${file}`;
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  assert.equal(actual, readFileSync(path, 'utf8'), `${path} differs; regenerate with UPDATE_GOLDEN=1 if the change is intended`);
}

describe('golden reports', () => {
  for (const name of EXAMPLES) {
    it(`${name}: Markdown report`, () => golden(`${name}.md`, renderMarkdown(analyzeExample(name))));
    it(`${name}: JSON result`, () => golden(`${name}.json`, renderJson(analyzeExample(name))));
  }
  it('prelaunch: --min-risk high', () => golden('prelaunch.high.md', renderMarkdown(filterByRisk(analyzeExample('prelaunch'), 'High'))));
  it('is deterministic: the same input gives byte-identical output', () => {
    for (const name of EXAMPLES) assert.equal(renderJson(analyzeExample(name)), renderJson(analyzeExample(name)));
  });
});
