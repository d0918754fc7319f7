// The term finder searches each text once with one expression of the terms not found yet (perf-s17): what
// it finds must be exactly the terms whose own pattern occurs in some text, whatever the order of the texts
// and however often the expression is rebuilt on the way.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GLOSSARY, TermFinder } from '../../src/render/glossary.js';

/** Pieces of report text: spellings of terms, near misses that are no term, and plain words. */
const PIECES = [
  'mutual TLS', 'TLS', 'xTLS', 'mTLS', 'IDOR', 'IDORS', 'PKCE', 'XPKCE', 'csrf', 'anti-CSRF', 'a worm', 'WORM',
  'pin the public key', 'Pin dependencies', 'certificate pinning', 'oidc', 'OpenID Connect', 'WAFs', 'waf-1',
  'HMAC', 'MAC', 'hmacs', 'service mesh', 'Service meshes', 'dead-letter', 'Idempotency', 'identity-aware proxies',
  'JWTs', 'jwt', 'magic bytes', 'SameSite', 'HttpOnly', 'Trusted Types', 'IMDSv2', 'IMDSv3', 'LLMs', 'bulkheads',
  'circuit breaker', 'CWE-79', 'CAPEC-63', 'OWASP', 'KMS', 'HSMs', 'saml', 'DMZ', 'SSRF', 'XSS', 'XXE', 'BOLA',
  'api', 'orders-db', 'the checkout service', 'reads', 'and', ':', '.', ';', '(', ')', ',',
];

/** A seeded generator (mulberry32), so that a failure repeats. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function texts(seed: number, count: number): string[] {
  const next = random(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const words: string[] = [];
    const n = 1 + Math.floor(next() * 6);
    for (let w = 0; w < n; w++) words.push(PIECES[Math.floor(next() * PIECES.length)]);
    out.push(words.join(next() < 0.5 ? ' ' : ''));
  }
  return out;
}

const foundBy = (list: readonly string[]): string[] => {
  const f = new TermFinder();
  for (const t of list) f.scan(t);
  return f.terms().map((t) => t.term);
};
const expected = (list: readonly string[]): string[] =>
  GLOSSARY.filter((t) => list.some((text) => t.pattern.test(text))).map((t) => t.term);

describe('TermFinder (perf-s17)', () => {
  it('finds exactly the terms whose own pattern occurs, over seeded random texts', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const list = texts(seed, 1 + (seed % 40));
      assert.deepEqual(foundBy(list), expected(list), `seed ${seed}: ${JSON.stringify(list)}`);
    }
  });

  it('finds nothing in texts made only of near misses and plain words', () => {
    const list = ['IDORS and XPKCE', 'xTLS wafer hmacs', 'IMDSv3 a worm', 'Pin dependencies. the checkout service reads orders-db'];
    assert.deepEqual(foundBy(list), []);
    assert.deepEqual(expected(list), []);
  });

  it('finds a term in a later text after the search was rebuilt for an earlier one', () => {
    const f = new TermFinder();
    f.scan('mutual TLS');
    f.scan('no TLS here but PKCE');
    assert.deepEqual(f.terms().map((t) => t.term), ['mTLS', 'PKCE', 'TLS']);
  });
});
