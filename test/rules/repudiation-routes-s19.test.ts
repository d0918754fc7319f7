// no-audit-log on an application behind a reverse proxy: the external callers of the proxy (and of a CDN in front
// of it) are its callers, so one that signs them in is judged like one they call directly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult, Threat } from '../../src/analysis/types.js';
import { analyzeText, MODEL_HEAD as HEAD } from './harness.js';

const audit = (r: AnalysisResult): Threat[] => r.threats.filter((t) => t.ruleId === 'no-audit-log');

/** visitor -> [cdn ->] edge -> api; `api` is the application's lines, `caller` the visitor's. */
const behind = (api: string, { caller = '{ tech: browser }', cdn = false } = {}) => `${HEAD}elements:
  visitor: ${caller}
${cdn ? '  cdn: { type: cdn }\n' : ''}  edge: { type: reverse-proxy }
  api:
${api}
flows:
${cdn ? '  - visitor -> cdn: https\n  - cdn -> edge: https\n' : '  - visitor -> edge: https\n'}  - edge -> api: http
`;

describe('routes-s19: no-audit-log judges an application on the calls a proxy forwards to it', () => {
  it('reports an application behind a proxy that signs callers in (its own auth, or an endpoint\'s), with the forwarded call as evidence', () => {
    for (const api of ['    type: api\n    auth: jwt', '    type: api\n    endpoints:\n      GET /me: { auth: jwt }']) {
      const [t, ...rest] = audit(analyzeText(behind(api)));
      assert.equal(t?.key, 'no-audit-log@api', api);
      assert.deepEqual(rest, []);
      assert.deepEqual(t.evidence.map((e) => e.path).slice(0, 2), ['flows[0]["visitor -> edge"]', 'flows[1]["edge -> api"]']);
      assert.match(t.evidence[0].fact, /visitor -> edge calls edge, which forwards to api/);
    }
  });

  it('follows the calls through a CDN before the proxy, and an admin calling the proxy makes the impact High', () => {
    assert.deepEqual(audit(analyzeText(behind('    type: api\n    auth: jwt', { cdn: true }))).map((t) => t.key), ['no-audit-log@api']);
    const admin = audit(analyzeText(behind('    type: api\n    auth: jwt', { caller: '{ type: admin, tech: browser }' })));
    assert.equal(admin[0]?.impact.level, 'High');
  });

  it('negative: nobody is signed in, or only an internal system calls the proxy, or the application audit-logs', () => {
    assert.deepEqual(audit(analyzeText(behind('    type: api'))), []);
    const internal = behind('    type: api\n    auth: jwt').replace('  visitor: { tech: browser }', '  visitor: { type: api }');
    assert.deepEqual(audit(analyzeText(internal)), []);
    // A credential only the proxy takes is the proxy's: which backend acts on it is not said.
    const proxyAuth = behind('    type: api').replace('  edge: { type: reverse-proxy }', '  edge: { type: reverse-proxy, auth: jwt }');
    assert.deepEqual(audit(analyzeText(proxyAuth)), []);
    // The control mitigates the finding: no threat is listed.
    assert.deepEqual(audit(analyzeText(behind('    type: api\n    auth: jwt\n    controls: [audit-logging]'))), []);
  });
});
