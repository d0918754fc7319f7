// Stable threat ids: derived from what a threat is about, so unrelated edits never change them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { fnv1a32, keyFingerprint, threatUid, threatUidAfter, UID_PATTERN } from '../../src/track/uid.js';
import { analyzeExample, analyzeText, exampleText, replaceOnce } from '../helpers.js';

const uids = (r: AnalysisResult) => new Map(r.threats.map((t) => [t.key, t.uid!]));

/** Moves the YAML block of one element to the end of `elements:` (reordering, nothing else). */
function moveElementLast(text: string, id: string, nextSection: string): string {
  const start = text.indexOf(`\n  ${id}:\n`);
  const after = text.slice(start + 1);
  const end = after.search(/\n {2}[A-Za-z_][\w-]*:\n|\n\S/);
  const block = after.slice(0, end + 1);
  const without = text.slice(0, start + 1) + after.slice(end + 1);
  const at = without.indexOf(`\n${nextSection}`);
  return `${without.slice(0, at + 1)}${block}${without.slice(at + 1)}`;
}

describe('stable threat ids', () => {
  it('are TM- and 8 hex digits of a fixed hash of the key', () => {
    // FNV-1a reference values, so that the ids never drift with a change of implementation.
    assert.equal(fnv1a32(''), 0x811c9dc5);
    assert.equal(fnv1a32('a'), 0xe40c292c);
    assert.equal(fnv1a32('foobar'), 0xbf9cf968);
    assert.equal(threatUid('no-rate-limiting@api:/search'), threatUid('no-rate-limiting@api:/search'));
    assert.match(threatUid('x@y'), UID_PATTERN);
    assert.match(keyFingerprint('x@y'), /^[0-9a-f]{16}$/);
    assert.notEqual(threatUid('no-rate-limiting@api:/search'), threatUid('no-rate-limiting@api:/login'));
  });

  it('can be taken from a prefix\'s hash and the rest of the key', () => {
    for (const [prefix, rest] of [['no-rate-limiting@', 'api:/search'], ['r@', ''], ['x@', 'caf\u00e9 \u{1f600} \ud800 end'], ['\u00fc@', '\u4e2d']]) {
      assert.equal(threatUidAfter(fnv1a32(prefix), rest), threatUid(prefix + rest), prefix + rest);
    }
    assert.equal(threatUid('a'), `TM-${(0xe40c292c).toString(16)}`);
    // Short hashes are padded with zeros.
    assert.equal(fnv1a32('key-100'), 0xe20bf6);
    assert.equal(threatUid('key-100'), 'TM-00e20bf6');
  });

  it('are on every threat, unique in the examples, and unlike report numbers', () => {
    for (const name of ['ecommerce', 'microservices', 'prelaunch']) {
      const r = analyzeExample(name);
      const all = r.threats.map((t) => t.uid);
      assert.ok(all.every((u) => u && UID_PATTERN.test(u)), name);
      assert.equal(new Set(all).size, all.length, `${name}: duplicate uid`);
      for (const t of r.threats) assert.equal(t.uid, threatUid(t.key));
    }
  });

  it('stay the same when elements are renamed (display names)', () => {
    const before = analyzeExample('ecommerce');
    let text = exampleText('ecommerce');
    text = replaceOnce(text, 'name: API servers', 'name: Storefront API (renamed)');
    text = replaceOnce(text, 'name: Load balancer', 'name: Edge LB');
    text = replaceOnce(text, 'name: Session cache', 'name: Redis sessions');
    const after = analyzeText(text, 'examples/ecommerce.yaml');
    assert.deepEqual(uids(after), uids(before));
    assert.ok(after.threats.some((t) => t.componentName.includes('Storefront API')), 'the rename took effect');
  });

  it('stay the same when elements and flows are reordered', () => {
    const before = analyzeExample('ecommerce');
    let text = moveElementLast(exampleText('ecommerce'), 'api', 'flows:');
    text = moveElementLast(text, 'browser', 'flows:');
    const flows = text.slice(text.indexOf('\nflows:\n') + 8).trimEnd().split('\n');
    text = `${text.slice(0, text.indexOf('\nflows:\n') + 8)}${[...flows].reverse().join('\n')}\n`;
    assert.notEqual(text, exampleText('ecommerce'));
    const after = analyzeText(text, 'examples/ecommerce.yaml');
    assert.deepEqual(uids(after), uids(before));
  });

  it('stay the same for existing threats when elements are added', () => {
    const before = analyzeExample('ecommerce');
    let text = exampleText('ecommerce');
    text = replaceOnce(text, '  payments:\n', [
      '  admin:',
      '    name: Back office',
      '    tech: node',
      '    in: dmz',
      '    endpoints:',
      '      /admin: { kind: admin }',
      '  payments:',
      '',
    ].join('\n'));
    text = `${text.trimEnd()}\n  - browser -> admin: { protocol: https }\n  - admin -> db: { protocol: postgres, auth: password }\n`;
    const after = analyzeText(text, 'examples/ecommerce.yaml');
    assert.ok(after.threats.length > before.threats.length, 'the new element brings threats');
    const next = uids(after);
    for (const [key, uid] of uids(before)) {
      assert.equal(next.get(key), uid, key);
    }
    // The report numbers move (new threats sort in by risk); the stable ids do not.
    const moved = before.threats.filter((t) => after.threats.find((u) => u.key === t.key && u.id !== t.id));
    assert.ok(moved.length > 0, 'some T-numbers changed, as expected');
  });
});
