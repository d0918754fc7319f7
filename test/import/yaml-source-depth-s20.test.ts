import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { YamlSource } from '../../src/import/yaml-source.js';

// yaml's composer recurses once per level: a hostile file used to abort the whole process (V8 failing to
// compile a regular expression at the end of the stack), the second time such a file was read.
const nestedJson = (levels: number) => `{"x": ${'['.repeat(levels)}${']'.repeat(levels)}, "y": 1}`;
const nestedYaml = (levels: number) => 'a:\n' + Array.from({ length: levels }, (_, i) => `${' '.repeat(2 * i + 2)}b${i}:`).join('\n') + ' 1\n';

describe('yaml-source-depth-s20: files nested past 200 levels are refused before composing', () => {
  it('JSON nested 150 levels is read', () => {
    const s = YamlSource.imported(nestedJson(150), 'spec.json');
    assert.equal(s.failed, false);
    assert.deepEqual(s.diagnostics, []);
  });
  it('JSON nested 1,000 and then 100,000 levels: one error each at the first level too deep, no crash', () => {
    for (const levels of [1_000, 100_000, 1_000]) {
      const s = YamlSource.imported(nestedJson(levels), 'spec.json');
      assert.equal(s.failed, true);
      assert.deepEqual(s.diagnostics.map((d) => [d.file, d.line, d.col, d.code, d.message]),
        [['spec.json', 1, 206, 'too-deep', 'nested more than 200 levels deep: generated or hostile input, not read']]);
      assert.equal(s.root, null);
    }
  });
  it('a block-style stream nested 3,000 levels: one source with the error at the line', () => {
    const sources = YamlSource.stream(nestedYaml(3_000), 'deploy.yaml');
    assert.equal(sources.length, 1);
    assert.deepEqual(sources[0].diagnostics.map((d) => [d.line, d.code]), [[201, 'too-deep']]);
  });
  it('a block-style stream nested 100 levels is read, every document', () => {
    const sources = YamlSource.stream(`${nestedYaml(100)}---\nkind: Service\n`, 'deploy.yaml');
    assert.equal(sources.length, 2);
    assert.ok(sources.every((s) => !s.failed));
  });
});
