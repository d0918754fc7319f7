// docs/rules.md is generated from the rule metadata and the measured models; it must match the code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderRulesDoc } from '../../scripts/rules-doc.js';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';

describe('docs/rules.md', () => {
  const doc = renderRulesDoc('.');
  it('is up to date (regenerate with `npx tsx scripts/rules-doc.ts`)', () => {
    assert.equal(readFileSync('docs/rules.md', 'utf8'), doc, 'docs/rules.md is stale: run `npx tsx scripts/rules-doc.ts`');
  });
  it('documents every rule', () => {
    for (const r of BUILTIN_RULES) assert.ok(doc.includes(`#### ${r.id}\n`), r.id);
  });
  it('counts threats per element well under pytm\'s 37 per asset', () => {
    const all = /\| \*\*All\*\* \| (\d+) \|.*\| \*\*([\d.]+)\*\* \|/.exec(doc);
    assert.ok(all, 'no totals row');
    assert.ok(Number(all[2]) < 5, `${all[2]} threats per element`);
  });
});
