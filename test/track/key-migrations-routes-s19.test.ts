// A decision on missing-authorization for a proxy's routes follows them to the application their path now names
// (`/api/identity/...` placed on identity, session 19): moved, not stale.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { migrateTriageText } from '../../src/track/migrate.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeText, MODEL_HEAD as HEAD } from '../rules/harness.js';

const TODAY = '2026-11-30';
const DECISION = 'threats:\n  missing-authorization@edge:\n    status: accepted\n    reason: the gateway checks roles\n';

/** A reverse proxy with admin and ordinary routes under `prefix` in front of identity and shop (`own`: identity's own route). */
const proxied = (prefix: string, own = '') => `${HEAD}elements:
  visitor: { tech: browser }
  edge:
    type: reverse-proxy
    endpoints:
      DELETE ${prefix}/admin/users/{id}: { auth: jwt, kind: admin }
      GET ${prefix}/profile: { auth: jwt }
  identity:
    type: api
${own}  shop: { type: api }
flows:
  - visitor -> edge: https
  - edge -> identity: http
  - edge -> shop: http
`;

function applied(model: string, triage = DECISION): AnalysisResult {
  const parsed = parseTriage(triage, 'm.triage.yaml');
  assert.ok(parsed.triage, JSON.stringify(parsed.diagnostics));
  return applyTriage(analyzeText(model), parsed.triage, { today: TODAY });
}
const statusOf = (r: AnalysisResult, key: string) => r.threats.find((t) => t.key === key)?.triage?.status;

describe('routes-s19 key migration: missing-authorization@proxy -> @application', () => {
  it('the proxy\'s decision moves to identity, which now holds its /api/identity/ routes; --migrate renames it', () => {
    const r = applied(proxied('/api/identity'));
    assert.equal(statusOf(r, 'missing-authorization@identity'), 'accepted');
    assert.deepEqual(r.triage!.stale, []);
    assert.deepEqual(r.triage!.migrated?.map((m) => [m.oldKey, m.key]), [['missing-authorization@edge', 'missing-authorization@identity']]);
    const mig = migrateTriageText(DECISION, 'm.yaml', r);
    assert.deepEqual(mig.steps.map((s) => s.kind), ['renamed']);
    assert.match(mig.text, /^ {2}missing-authorization@identity:\n {4}threat: .*\n {4}status: accepted\n/m);
  });

  it('negative: routes still unplaced keep the key on the proxy (no move); a threat from the service\'s own routes takes no proxy decision', () => {
    const kept = applied(proxied('/api/{tenant}/identity'));
    assert.equal(statusOf(kept, 'missing-authorization@edge'), 'accepted');
    assert.deepEqual(kept.triage!.migrated ?? [], []);
    const own = '    endpoints:\n      DELETE /admin/users/{id}: { auth: jwt, kind: admin }\n      GET /me: { auth: jwt }\n';
    const r = applied(proxied('/shop-x', own).replace(/DELETE \/shop-x[^\n]*\n/, ''));
    assert.equal(statusOf(r, 'missing-authorization@identity'), 'open');
    assert.deepEqual(r.triage!.stale.map((e) => e.ref), ['missing-authorization@edge']);
  });
});
