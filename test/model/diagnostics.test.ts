import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeValue, displayPath, formatDiagnostic, formatDiagnostics, listValues, sortDiagnostics,
} from '../../src/model/diagnostics.js';
import type { Diagnostic } from '../../src/model/types.js';

const d = (over: Partial<Diagnostic>): Diagnostic => ({
  severity: 'error', code: 'unknown-key', message: 'm', file: 'model.yaml', line: 1, col: 1, path: '', ...over,
});

describe('displayPath', () => {
  it('reads like the model', () => {
    assert.equal(displayPath(['elements', 'api', 'endpoints', '/search', 'controls', 0]),
      'elements.api.endpoints["/search"].controls[0]');
    assert.equal(displayPath(['flows', 2, 'web -> api']), 'flows[2]["web -> api"]');
    assert.equal(displayPath(['assets', 'orders.price']), 'assets["orders.price"]');
    assert.equal(displayPath(['elements', 'db-primary', 'in']), 'elements.db-primary.in');
    assert.equal(displayPath([]), '');
  });
});

describe('formatDiagnostic', () => {
  it('writes file:line:col, severity and code, then the details indented', () => {
    const text = formatDiagnostic(d({
      line: 8, col: 5, message: 'unknown key `contrls` in `elements.api`', path: 'elements.api.contrls',
      expected: 'one of `kind`, `controls`', hint: 'did you mean `controls`?',
    }));
    assert.equal(text, [
      'model.yaml:8:5: error[unknown-key]: unknown key `contrls` in `elements.api`',
      '    at: elements.api.contrls',
      '    expected: one of `kind`, `controls`',
      '    hint: did you mean `controls`?',
    ].join('\n'));
  });

  it('writes warnings and found values', () => {
    assert.equal(formatDiagnostic(d({ severity: 'warning', code: 'unknown-tech', found: '"x"' })),
      'model.yaml:1:1: warning[unknown-tech]: m\n    found: "x"');
  });
});

describe('formatDiagnostics', () => {
  it('sorts by line, column and code and ends with a count', () => {
    const list = [
      d({ line: 9, code: 'b' }), d({ line: 2, col: 7, code: 'z' }), d({ line: 2, col: 7, code: 'a', severity: 'warning' }),
      d({ line: 2, col: 3, code: 'q' }),
    ];
    const lines = formatDiagnostics(list).trimEnd().split('\n');
    assert.deepEqual(lines, [
      'model.yaml:2:3: error[q]: m', 'model.yaml:2:7: warning[a]: m', 'model.yaml:2:7: error[z]: m',
      'model.yaml:9:1: error[b]: m', '3 errors, 1 warning',
    ]);
    assert.deepEqual(sortDiagnostics([...list].reverse()), sortDiagnostics(list));
  });

  it('says so when there is nothing to report', () => {
    assert.equal(formatDiagnostics([]), 'no problems found\n');
  });
});

describe('value descriptions', () => {
  it('are short and typed', () => {
    assert.equal(describeValue('x'), '"x"');
    assert.equal(describeValue(3), 'integer 3');
    assert.equal(describeValue(1.5), 'number 1.5');
    assert.equal(describeValue(true), 'boolean true');
    assert.equal(describeValue(null), 'null (empty value)');
    assert.equal(describeValue([1, 2]), 'a list of 2 items');
    assert.equal(describeValue({ a: 1 }), 'a map with keys a');
    assert.equal(describeValue('y'.repeat(100)).length, 60);
  });

  it('shorten long lists of allowed values', () => {
    assert.equal(listValues(['a', 'b', 'c'], 2), '`a`, `b`, … (1 more)');
    assert.equal(listValues(['a', 'b']), '`a`, `b`');
  });
});
