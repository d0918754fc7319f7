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

  it('is fast against many candidates', () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => `service-${i}`);
    const started = Date.now();
    assert.equal(suggest('service-4242x', ids), 'service-4242');
    assert.ok(Date.now() - started < 1000);
  });

  it('phrases a hint', () => {
    assert.equal(didYouMean('contrls', ['controls', 'kind']), 'did you mean `controls`?');
  });
});
