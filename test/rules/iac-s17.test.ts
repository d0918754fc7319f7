// Session 17 (iac-s17), from a senior review of a Terraform system (TF Up & Running's file layout): facts that
// discovery reads become threats. load-balancer-bypass reports callers reaching a service around its load
// balancer (an instance security group open to 0.0.0.0/0 on the application port); cloud-metadata-exposure
// reports an instance that the files leave on IMDSv1 with a role to steal, even with no fetch endpoint drawn.
// Each behaviour has a positive and a negative case. The rules run with the built-in ones whether or not
// rules/index.ts registers them yet.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';
import { loadBalancerBypass } from '../../src/analysis/rules/network.js';
import type { Rule } from '../../src/analysis/rules/types.js';
import { analyzeText, MODEL_HEAD, runOnly } from './harness.js';

const OURS: readonly Rule[] = [loadBalancerBypass];
const RULES: readonly Rule[] = [...BUILTIN_RULES.filter((r) => !OURS.some((o) => o.id === r.id)), ...OURS];
const threatsIn = (body: string, ...ids: string[]) => analyzeText(MODEL_HEAD + body, { rules: RULES }).threats.filter((t) => ids.includes(t.ruleId));

describe('load-balancer-bypass', () => {
  const cluster = (direct: string, lb = '{ tech: alb }', app = '{ type: web-app }') =>
    `elements:\n  visitor: { tech: browser }\n  lb: ${lb}\n  app: ${app}\nflows:\n  - visitor -> lb: https\n  - lb -> app: http\n${direct}`;

  it('reports a browser reaching the service straight on its port, citing the direct flow and the way through the front', () => {
    const [t, ...more] = threatsIn(cluster('  - visitor -> app: { protocol: http, port: 8080 }\n'), 'load-balancer-bypass');
    assert.equal(more.length, 0);
    assert.equal(t.key, 'load-balancer-bypass@app');
    assert.equal(t.stride, 'E');
    assert.equal(t.risk, 'Medium');
    assert.equal(t.title, 'Callers reach app around lb');
    assert.deepEqual(t.evidence.map((e) => [e.fact, e.line]), [
      ['visitor -> app comes straight from an untrusted zone on port 8080', 10],
      ['lb -> app is the way in through lb', 9],
      ['no ip-allowlist or vpn on app, on visitor -> app or at its source', 6],
    ]);
  });

  it('rates High when the front enforces a WAF the service lacks, and says so', () => {
    const [t] = threatsIn(cluster('  - visitor -> app: http\n', '{ tech: alb, controls: [waf] }'), 'load-balancer-bypass');
    assert.equal(t.risk, 'High');
    assert.equal(t.impact.reason, 'waf on lb is bypassed');
    assert.match(t.description, /the waf on lb does not apply to those calls/);
  });

  it('reports an untyped outside client that discovery drew for an open security group', () => {
    const body = 'elements:\n  clients: { kind: external }\n  lb: { tech: alb }\n  asg: { type: service }\nflows:\n  - clients -> lb: http\n  - lb -> asg: http\n  - clients -> asg: { protocol: http, port: 8080 }\n';
    assert.deepEqual(threatsIn(body, 'load-balancer-bypass').map((t) => t.key), ['load-balancer-bypass@asg']);
  });

  it('reports the origin behind a CDN that browsers reach directly', () => {
    const body = 'elements:\n  visitor: { tech: browser }\n  cdn: { tech: cloudfront }\n  lb: { tech: alb }\n  app: { type: web-app }\nflows:\n  - visitor -> cdn: https\n  - cdn -> lb: https\n  - lb -> app: http\n  - visitor -> lb: https\n';
    assert.deepEqual(threatsIn(body, 'load-balancer-bypass').map((t) => t.key), ['load-balancer-bypass@lb']);
  });

  it('reports nothing, and the service as mitigated, when an ip-allowlist guards it', () => {
    const body = cluster('  - visitor -> app: http\n', '{ tech: alb }', '{ type: web-app, controls: [ip-allowlist] }');
    assert.deepEqual(threatsIn(body, 'load-balancer-bypass'), []);
    const run = runOnly(MODEL_HEAD + body, [loadBalancerBypass]);
    assert.deepEqual(run.mitigations.map((m) => [m.component, m.controls]), [['app', ['ip-allowlist']]]);
  });

  it('leaves a service only the front reaches', () => {
    assert.deepEqual(threatsIn(cluster(''), 'load-balancer-bypass'), []);
  });

  it('leaves a partner calling its own webhook straight in, and SSH (exposed-management-port reports it)', () => {
    const direct = '  - psp -> app: { protocol: https, endpoint: /webhooks/payment }\n  - visitor -> app: ssh\n';
    const body = cluster(direct).replace('  app: { type: web-app }\n', '  psp: { type: third-party }\n  app:\n    type: web-app\n    endpoints:\n      /webhooks/payment: { public: true }\n');
    assert.deepEqual(threatsIn(body, 'load-balancer-bypass'), []);
  });

  it('leaves a service called directly with no front at all (missing-authentication and the others judge it)', () => {
    assert.deepEqual(threatsIn('elements:\n  visitor: { tech: browser }\n  app: { type: web-app }\nflows:\n  - visitor -> app: http\n', 'load-balancer-bypass'), []);
  });
});

describe('cloud-metadata-exposure: an instance left on IMDSv1 with a role', () => {
  const app = (extra: string, caller = '  visitor: { tech: browser }\n', flow = '  - visitor -> app: https\n') =>
    `boundaries:\n  aws: { kind: cloud, trust: internal }\nelements:\n${caller}  app: { type: web-app, in: aws, tags: [imdsv1:main.tf:16]${extra} }\nflows:\n${flow}`;

  it('reports it with no fetch endpoint drawn, Likelihood Low, citing the tag and the file:line it names', () => {
    const [t, ...more] = threatsIn(app(''), 'cloud-metadata-exposure', 'server-side-request-forgery');
    assert.equal(more.length, 0);
    assert.equal(t.key, 'cloud-metadata-exposure@app');
    assert.equal(t.risk, 'Medium');
    assert.equal(t.likelihood.level, 'Low');
    assert.equal(t.impact.level, 'High');
    assert.deepEqual([t.evidence[0].fact, t.evidence[0].path], ['app\'s metadata service answers without a session token (IMDSv1), as main.tf:16 says', 'elements.app.tags[0]']);
  });

  it('names IMDSv1 in the finding on a fetch endpoint too', () => {
    const body = app('').replace('  app: { type: web-app, in: aws, tags: [imdsv1:main.tf:16] }\n', '  app:\n    type: web-app\n    in: aws\n    tags: [imdsv1:main.tf:16]\n    endpoints:\n      /preview: { auth: jwt }\n');
    const [t] = threatsIn(body, 'cloud-metadata-exposure');
    assert.equal(t.likelihood.level, 'High');
    assert.ok(t.evidence.some((e) => e.fact === 'app\'s metadata service answers without a session token (IMDSv1), as main.tf:16 says'), JSON.stringify(t.evidence));
  });

  it('reports nothing, and the element as mitigated, with metadata-protection declared', () => {
    const body = app(', controls: [metadata-protection]');
    assert.deepEqual(threatsIn(body, 'cloud-metadata-exposure'), []);
    assert.deepEqual(runOnly(MODEL_HEAD + body, RULES.filter((r) => r.id === 'cloud-metadata-exposure')).mitigations.map((m) => [m.component, m.controls]), [['app', ['metadata-protection']]]);
  });

  it('leaves an instance nothing untrusted reaches', () => {
    assert.deepEqual(threatsIn(app('', '  worker: { type: worker, in: aws }\n', '  - worker -> app: https\n'), 'cloud-metadata-exposure'), []);
  });
});
