// Each built-in rule's example (`threatmap rules show`, docs/rules.md, SARIF rule help) is a model that
// triggers it: as a whole model (rules/example.ts), it loads without errors or warnings (a user who pastes
// it is not told that it has holes) and the rule reports a threat.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { exampleModel } from '../../src/analysis/rules/example.js';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';
import { formatDiagnostics } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';

describe('rule examples', () => {
  for (const rule of BUILTIN_RULES) {
    it(`${rule.id}: its example loads without warnings and triggers it`, () => {
      const text = exampleModel(rule.example);
      const loaded = loadModel(text, `${rule.id}.yaml`);
      assert.ok(loaded.model && loaded.diagnostics.length === 0, `the example does not load cleanly:\n${formatDiagnostics(loaded.diagnostics)}${text}`);
      const result = analyze(loaded.model, { source: loaded.source });
      assert.ok(result.threats.some((t) => t.ruleId === rule.id), `the example does not trigger ${rule.id}:\n${text}`);
    });
  }
});
