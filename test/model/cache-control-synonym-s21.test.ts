// Session 21: the control web-cache-deception asks for, `cache-control`, is what a model that writes the header's
// directive (`no-store`, `no-cache`) or `cache-headers` is told it meant; a word near no control gets no such hint.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTROLS } from '../../src/model/catalog.js';
import { didYouMean, SYNONYMS } from '../../src/model/suggest.js';

describe('cache-control: words for it point to it', () => {
  const controls = Object.keys(CONTROLS);
  const synonyms = SYNONYMS.control;
  it('offers `cache-control` for no-store, no-cache and cache-headers', () => {
    for (const word of ['no-store', 'no-cache', 'cache-headers']) assert.equal(didYouMean(word, controls, { synonyms }), 'did you mean `cache-control`?', word);
  });
  it('offers nothing of it for an unrelated word', () => {
    assert.doesNotMatch(didYouMean('tamper-proofing', controls, { synonyms }) ?? '', /cache-control/);
  });
});
