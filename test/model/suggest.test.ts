import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ASSET_KINDS, ASSET_TYPES, AUTH_ALIASES, AUTH_METHODS, BOUNDARY_KINDS, CLASSIFICATIONS, CONTROLS, ELEMENT_KINDS,
  ELEMENT_TYPES, ENDPOINT_KINDS, PROTOCOLS, STRIDE_NAMES_WRITTEN, TRUST_ALIASES, TRUST_LEVELS,
} from '../../src/model/catalog.js';
import {
  assetSchema, assumptionSchema, boundarySchema, elementSchema, endpointSchema, fullFlowSchema, modelSchema, systemSchema,
  writtenThreatSchema,
} from '../../src/model/schema.js';
import { SYNONYMS, didYouMean, editDistance, suggest, suggestions } from '../../src/model/suggest.js';

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

  it('prefers the longest candidate the word starts with, so that nothing typed is dropped', () => {
    const protocols = Object.keys(PROTOCOLS);
    assert.equal(suggest('rediss-tls', protocols), 'rediss');
    assert.equal(suggest('https:443', protocols), 'https');
    assert.equal(suggest('postgresql', protocols), 'postgres');
    // A word that a candidate starts with still finds the shortest such candidate.
    assert.equal(suggest('rate-limit', controls), 'rate-limiting');
    assert.equal(suggest('rediss-tls', ['redis']), 'redis', 'with no longer prefix, the shorter one');
  });

  it('breaks ties by preference, then by the longer shared start, then by order', () => {
    assert.equal(suggest('abcd', ['abce', 'abcf'], { prefer: (c) => c === 'abcf' }), 'abcf');
    assert.equal(suggest('abcd', ['xbcd', 'abce']), 'abce', 'same distance, longer shared start');
    assert.equal(suggest('abcd', ['abce', 'abxd'], { prefer: (c) => c === 'abxd' }), 'abxd', 'preference before shared start');
    assert.equal(suggest('abcd', ['abc', 'abcdef'], { prefer: (c) => c === 'abcdef' }), 'abc', 'a closer candidate wins over a preferred one');
  });
});

describe('synonyms', () => {
  it('are checked before spelling and offered only when they are candidates', () => {
    const auth = [...AUTH_METHODS, ...Object.keys(AUTH_ALIASES)];
    const synonyms = SYNONYMS['authentication method'];
    assert.deepEqual(suggestions('sso', auth, { synonyms }), ['oidc', 'saml']);
    assert.equal(didYouMean('SSO', auth, { synonyms }), 'did you mean `oidc` or `saml`?');
    assert.equal(didYouMean('sso', ['saml', 'jwt'], { synonyms }), 'did you mean `saml`?');
    assert.equal(didYouMean('sso', ['jwt', 'api-key'], { synonyms }), undefined, 'no synonym among the candidates, and no spelling close');
    assert.equal(didYouMean('oauth', auth), 'did you mean `oauth2`?', 'spelling still works without a table');
  });

  it('match in any case and with dashes, underscores and spaces ignored', () => {
    const synonyms = SYNONYMS.control;
    const list = Object.keys(CONTROLS);
    assert.equal(didYouMean('hasAccessControl', list, { synonyms }), 'did you mean `authorization`?');
    assert.equal(didYouMean('input_sanitization', list, { synonyms }), 'did you mean `input-validation`?');
  });

  it('may be a sentence where no value fits', () => {
    assert.deepEqual(suggestions('tls', Object.keys(CONTROLS), { synonyms: SYNONYMS.control }), {
      note: 'TLS is the flow\'s protocol (`https`, `rediss`, `postgres+tls`...) or `encrypted: true` on the flow, not a control',
    });
  });

  it('name only values that exist', () => {
    const shapeKeys = [modelSchema, systemSchema, boundarySchema, assetSchema, elementSchema, endpointSchema, fullFlowSchema, writtenThreatSchema]
      .flatMap((s) => Object.keys(s.shape));
    const assumptionKeys = assumptionSchema.options.flatMap((o) => ('shape' in o ? Object.keys(o.shape) : []));
    const values: Record<string, readonly string[]> = {
      key: [...shapeKeys, ...assumptionKeys],
      control: Object.keys(CONTROLS),
      'flow control': Object.keys(CONTROLS),
      protocol: Object.keys(PROTOCOLS),
      'authentication method': [...AUTH_METHODS, ...Object.keys(AUTH_ALIASES)],
      kind: [...ELEMENT_KINDS, ...ENDPOINT_KINDS, ...BOUNDARY_KINDS, ...ASSET_KINDS],
      type: [...Object.keys(ELEMENT_TYPES), ...ASSET_TYPES],
      'trust level': [...TRUST_LEVELS, ...Object.keys(TRUST_ALIASES)],
      classification: CLASSIFICATIONS,
      'STRIDE category': STRIDE_NAMES_WRITTEN,
    };
    assert.deepEqual(Object.keys(SYNONYMS).sort(), Object.keys(values).sort());
    for (const [context, table] of Object.entries(SYNONYMS)) {
      for (const [word, targets] of Object.entries(table)) {
        if (typeof targets === 'string') continue;
        assert.ok(targets.length > 0, `${context}: ${word}`);
        for (const t of targets) assert.ok(values[context].includes(t), `${context}: ${word} -> ${t} is not a value`);
        assert.ok(!values[context].includes(word) || context === 'key', `${context}: ${word} is itself a value`);
      }
    }
  });
});
