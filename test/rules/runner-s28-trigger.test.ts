// What the user saw: self-hosted runners that only poll GitHub for jobs, drawn with the job trigger `github ->
// runners`, were listed as reachable from the internet and got "Source code exposed in error messages", "No WAF in
// front of" and, with `auth: jwt` on the trigger, "JWTs accepted without full validation" threats.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODEL_HEAD as head, analyzeText } from './harness.js';

const EXPOSURE_RULES = ['verbose-errors', 'missing-waf', 'missing-token-validation', 'unauthenticated-partner-call'];

const ci = (caller: string, runner: string, trigger: string) =>
  `${head}boundaries:\n  internet: { trust: untrusted }\n  ci: { trust: internal }\nassets:\n  source: { name: Source code, type: source-code, classification: confidential, integrity: high }\nelements:\n  github: ${caller}\n  runners: ${runner}\n  registry: { tech: ecr, in: ci }\nflows:\n  - github -> runners: ${trigger}\n  - runners -> registry: { protocol: https, auth: iam }\n`;
const HOST = '{ name: GitHub, type: third-party, in: internet, handles: [source] }';
const RUNNERS = '{ name: Runners, type: ci-cd, in: ci, handles: [source] }';

const facts = (text: string) => {
  const result = analyzeText(text);
  return {
    network: result.attackSurface.filter((s) => s.category === 'Network').map((s) => s.id),
    rules: result.threats.filter((t) => t.component === 'runners' && EXPOSURE_RULES.includes(t.ruleId)).map((t) => t.ruleId).sort(),
  };
};

describe('a pipeline reached by its job trigger', () => {
  it('is not internet-facing, with or without a token on the trigger, by type or by tech', () => {
    for (const [runner, trigger] of [
      [RUNNERS, '{ protocol: https, data: [source] }'],
      [RUNNERS, '{ protocol: https, auth: jwt, data: [source] }'],
      ['{ name: Runners, tech: github-actions, in: ci, handles: [source] }', '{ protocol: https, auth: jwt, data: [source] }'],
    ]) {
      assert.deepEqual(facts(ci(HOST, runner, trigger)), { network: [], rules: [] }, `${runner} ${trigger}`);
    }
  });

  it('is internet-facing when people reach it, or when it publishes a route the code host posts to', () => {
    const ui = facts(ci('{ name: Developer, type: developer, in: internet }', RUNNERS, '{ protocol: https, auth: jwt }'));
    assert.deepEqual(ui.network, ['runners']);
    assert.ok(ui.rules.includes('missing-token-validation'));
    const untyped = facts(ci('{ name: Somebody, kind: external, in: internet }', RUNNERS, 'https'));
    assert.deepEqual(untyped.network, ['runners']);
    const webhook = facts(ci(HOST, '{ name: Jenkins, tech: jenkins, in: ci, handles: [source], endpoints: { POST /github-webhook/: { auth: hmac } } }', '{ protocol: https, data: [source] }'));
    assert.deepEqual(webhook.network, ['runners']);
  });

  it('leaves a service that is no pipeline internet-facing when the same host calls it', () => {
    const app = facts(ci(HOST, '{ name: Runners, type: web-app, in: ci, handles: [source] }', '{ protocol: https, auth: jwt, data: [source] }'));
    assert.deepEqual(app.network, ['runners']);
    assert.deepEqual(app.rules, ['missing-token-validation', 'missing-waf', 'verbose-errors']);
  });
});
