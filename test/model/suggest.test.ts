import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTROLS, PROTOCOLS } from '../../src/model/catalog.js';
import { didYouMean, editDistance, suggest } from '../../src/model/suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and transpositions as one edit each', () => {
    assert.equal(editDistance('controls', 'controls'), 0);
    assert.equal(editDistance('contrls', 'controls'), 1);
    assert.equal(editDistance('controlss', 'controls'), 1);
    assert.equal(editDistance('cintrols', 'controls'), 1);
    assert.equal(editDistance('contorls', 'controls'), 1);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });

  it('stops early past the limit', () => {
    assert.equal(editDistance('abcdefgh', 'zyxwvuts', 2), 3);
    assert.equal(editDistance('a', 'abcdef', 2), 3);
  });
});

describe('suggest', () => {
  const controls = Object.keys(CONTROLS);
  it('finds likely typos', () => {
    assert.equal(suggest('waff', controls), 'waf');
    assert.equal(suggest('rate-limit', controls), 'rate-limiting');
    assert.equal(suggest('WAF', controls), 'waf');
    assert.equal(suggest('htps', Object.keys(PROTOCOLS)), 'https');
    assert.equal(suggest('procss', ['external', 'process', 'store']), 'process');
  });

  it('stays quiet when nothing is close', () => {
    assert.equal(suggest('banana', controls), undefined);
    assert.equal(suggest('db', ['api', 'web']), undefined);
    assert.equal(didYouMean('zzz', []), undefined);
  });

  it('breaks ties by candidate order', () => {
    assert.equal(suggest('ab', ['ab1', 'ab2']), undefined);
    assert.equal(suggest('abcd', ['abce', 'abcf']), 'abce');
    assert.equal(suggest('abcd', ['abcf', 'abce']), 'abcf');
  });

  it('finds the one near miss among 100,000 candidates', () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => `service-${i}`);
    assert.equal(suggest('service-4242x', ids), 'service-4242');
  });

  it('gives up early only when the distance is over the limit (what keeps long candidate lists cheap)', () => {
    const words = ['controls', 'contorls', 'kind', 'kidn', 'postgres', 'postgresql', 'service-4242', 'service-4242x', 'a', ''];
    for (const a of words) {
      for (const b of words) {
        const full = editDistance(a, b);
        for (const limit of [0, 1, 2, 3]) assert.equal(editDistance(a, b, limit), Math.min(full, limit + 1), `${a} / ${b} / ${limit}`);
      }
    }
  });

  it('phrases a hint', () => {
    assert.equal(didYouMean('contrls', ['controls', 'kind']), 'did you mean `controls`?');
  });
});
