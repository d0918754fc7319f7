// Routes on a reverse proxy judged on the application behind it that their path names, past generic segments
// (`/api/identity/...` is identity's): the analysis side of src/model/route-owner.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { analyzeText, MODEL_HEAD as HEAD } from './harness.js';

const keysOf = (r: AnalysisResult, rule: string) => r.threats.filter((t) => t.ruleId === rule).map((t) => t.key).sort();

/** A reverse proxy with admin and ordinary routes under `prefix`, in front of identity and shop. */
const proxied = (prefix: string) => `${HEAD}elements:
  visitor: { tech: browser }
  edge:
    type: reverse-proxy
    endpoints:
      DELETE ${prefix}/admin/users/{id}: { auth: jwt, kind: admin }
      GET ${prefix}/profile: { auth: jwt }
  identity: { type: api }
  shop: { type: api }
flows:
  - visitor -> edge: https
  - edge -> identity: http
  - edge -> shop: http
`;

describe('routes-s19: a proxy\'s /api/<service>/ routes judged on the service', () => {
  it('judges /api/identity/... and /api/v2/identity/... on identity, not on the proxy', () => {
    for (const prefix of ['/api/identity', '/api/v2/identity']) {
      const r = analyzeText(proxied(prefix));
      assert.deepEqual(keysOf(r, 'missing-authorization'), ['missing-authorization@identity'], prefix);
      const t = r.threats.find((x) => x.key === 'missing-authorization@identity')!;
      assert.match(t.description, new RegExp(`DELETE ${prefix.replace(/\//g, '\\/')}\\/admin\\/users\\/\\{id\\} on edge`));
    }
  });
  it('keeps /api/{tenant}/identity/... on the proxy: a template comes before the service\'s name', () => {
    const r = analyzeText(proxied('/api/{tenant}/identity'));
    assert.deepEqual(keysOf(r, 'missing-authorization'), ['missing-authorization@edge']);
  });
});
