// Session 17 review, findings 10 and 11: one punch-list entry per fix and target set, and mitigation steps in
// the technology the model names (src/analysis/tech-advice.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RuleFinding } from '../../src/analysis/engine.js';
import { recommend } from '../../src/analysis/recommendations.js';
import type { Rule } from '../../src/analysis/rules/types.js';
import { techFamilies, techSteps } from '../../src/analysis/tech-advice.js';
import type { Risk, Threat } from '../../src/analysis/types.js';
import { renderHtml } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { analyzeText } from '../helpers.js';

/** The review's voting app, cut down: browsers reach two NodePort services; inside the namespace, cleartext hops. */
const VOTING = `threatmap: 1
system: { name: voting-app }
assets:
  votes:   { name: Votes, type: business, classification: internal, integrity: high }
  results: { name: Vote tallies, type: business, classification: public, integrity: high }
boundaries:
  outside: { name: Outside, trust: untrusted }
  default: { name: Namespace default, trust: internal, kind: container }
elements:
  voters: { name: Voters' browsers, tech: browser, in: outside }
  db: { tech: postgres, in: default, stores: [votes, results] }
  redis: { tech: redis, in: default, stores: [ votes ] }
  result: { type: web-app, tech: node, in: default, handles: [results] }
  vote: { type: web-app, tech: flask, in: default, handles: [votes] }
  worker: { type: worker, tech: dotnet, in: default, handles: [votes, results] }
flows:
  - voters -> result: { protocol: http, port: 31001, data: [results] }
  - voters -> vote: { protocol: http, port: 31000, data: [votes] }
  - vote -> redis: { protocol: redis, data: [votes] }
  - worker -> redis: { protocol: redis, data: [votes] }
  - worker -> db: { protocol: postgres, auth: password, data: [votes, results] }
  - result -> db: { protocol: postgres, auth: password, data: [results] }
`;

const CLEARTEXT = ['cleartext-tampering', 'cleartext-disclosure'];

describe('punch list: one entry per fix and target set (session 17, finding 10)', () => {
  const r = analyzeText(VOTING);
  const tls = r.recommendations.filter((x) => x.text.startsWith('Encrypt traffic with TLS'));
  const idsOf = (component: string) =>
    r.threats.filter((t) => CLEARTEXT.includes(t.ruleId) && t.component === component).map((t) => t.id).sort();

  it('gives each target one entry holding all its threats, at the risk of the worst', () => {
    assert.equal(tls.length, 2, tls.map((x) => x.text).join('\n'));
    const [outside, inside] = tls;
    assert.match(outside.text, /from Voters' browsers$/);
    assert.deepEqual([...outside.threats].sort(), idsOf('voters'));
    assert.match(inside.text, /from result, vote, worker \(Namespace default\)$/);
    assert.deepEqual([...inside.threats].sort(), idsOf('default'));
    const worst = (ids: string[]) => ids.map((id) => r.threats.find((t) => t.id === id)!.risk);
    assert.equal(outside.risk, 'Critical');
    assert.ok(worst(outside.threats).includes('Critical'));
    assert.equal(inside.risk, 'High');
    assert.ok(!worst(inside.threats).includes('Critical'));
  });

  it('never names a target in two entries of one action, nor splits a target\'s threats', () => {
    const texts = tls.map((x) => x.text);
    assert.equal(texts.filter((t) => t.includes('Voters\' browsers')).length, 1);
    assert.equal(texts.filter((t) => t.includes('Namespace default')).length, 1);
  });

  it('merges the targets of one action that share a risk, and keeps those of another risk apart', () => {
    const rule = { id: 'r', action: { key: 'fix', text: 'Fix {targets}' } } as unknown as Rule;
    const threat = (id: string, risk: Risk, componentName: string) => ({ id, risk, componentName }) as Threat;
    const threats = [threat('T1', 'High', 'a'), threat('T2', 'High', 'b'), threat('T3', 'Medium', 'c'), threat('T4', 'Low', 'a')];
    const findings = threats.map(() => ({ rule }) as unknown as RuleFinding);
    assert.deepEqual(recommend(threats, findings).map((x) => [x.risk, x.text, x.threats]), [
      ['High', 'Fix a and b', ['T1', 'T2', 'T4']],
      ['Medium', 'Fix c', ['T3']],
    ]);
  });

  it('is deterministic', () => {
    assert.deepEqual(analyzeText(VOTING).recommendations, r.recommendations);
  });
});

describe('mitigation steps in the model\'s technology (session 17, finding 11)', () => {
  it('looks steps up by action, family and role', () => {
    const pg = { name: 'db', tech: 'Postgres' };
    assert.match(techSteps('encrypt-in-transit', pg, 'to')!.join(' '), /hostssl.*sslmode=verify-full/s);
    assert.equal(techSteps('encrypt-in-transit', pg, 'from'), undefined, 'a client of TLS needs no server setting');
    assert.equal(techSteps('sql-injection', pg, 'at'), undefined);
    assert.equal(techSteps('encrypt-in-transit', { name: 'x', tech: 'flask' }, 'to'), undefined);
    assert.equal(techSteps('encrypt-in-transit', { name: 'x' }, 'to'), undefined);
  });

  it('reads the family from a Terraform address before the tech, and a fork as its origin', () => {
    assert.deepEqual(techFamilies({ name: 'aws_db_instance.example', tech: 'mysql' }), ['rds', 'mysql']);
    assert.deepEqual(techFamilies({ name: 'Orders DB', tech: 'mysql' }), ['mysql']);
    assert.deepEqual(techFamilies({ name: 'cache', tech: 'Valkey' }), ['redis']);
    assert.deepEqual(techFamilies({ name: 'aws_instance.web' }), []);
    assert.match(techSteps('unencrypted-store', { name: 'aws_db_instance.example', tech: 'mysql' }, 'at')!.join(' '), /storage_encrypted = true.*snapshot/s);
  });

  it('attaches the steps of each end of a hop, once each, and none where no technology is known', () => {
    const r = analyzeText(VOTING);
    const inside = r.threats.find((t) => t.ruleId === 'cleartext-tampering' && t.component === 'default')!;
    const steps = inside.mitigationSteps!.join('\n');
    assert.match(steps, /tls-port 6379/);
    assert.match(steps, /hostssl/);
    assert.equal(inside.mitigationSteps!.length, new Set(inside.mitigationSteps).size);
    const auth = r.threats.find((t) => t.ruleId === 'unauthenticated-store-access' && t.component === 'redis')!;
    assert.match(auth.mitigationSteps!.join(' '), /user default off.*protected-mode yes/s);
    const xss = r.threats.filter((t) => t.ruleId === 'cross-site-scripting');
    assert.ok(xss.length > 0);
    assert.ok(xss.every((t) => t.mitigationSteps === undefined));
  });

  it('tells the ALB side and the Node side of an ALB -> node hop, not the ALB\'s own listener', () => {
    const text = `threatmap: 1
system: { name: shop }
boundaries:
  internet: { trust: untrusted }
  dmz: { trust: dmz }
  app: { trust: internal }
elements:
  visitor: { tech: browser, in: internet }
  lb: { tech: alb, in: dmz }
  api: { tech: node, in: app }
flows:
  - visitor -> lb: https
  - lb -> api: http
`;
    const t = analyzeText(text).threats.find((x) => x.ruleId === 'cleartext-disclosure')!;
    const steps = t.mitigationSteps!.join('\n');
    assert.match(steps, /aws_lb_target_group.*protocol = "HTTPS"/);
    assert.match(steps, /https\.createServer/);
    assert.doesNotMatch(steps, /ELBSecurityPolicy/);
    const front = analyzeText(text.replace('visitor -> lb: https', 'visitor -> lb: http'))
      .threats.find((x) => x.ruleId === 'cleartext-disclosure' && x.component === 'visitor')!;
    assert.match(front.mitigationSteps!.join('\n'), /ELBSecurityPolicy-TLS13-1-2-2021-06.*HTTP_301/s);
  });

  it('shows the steps under the mitigation in Markdown and HTML', () => {
    const r = analyzeText(VOTING);
    const md = renderMarkdown(r, { details: 'full' });
    assert.match(md, /- \*\*Mitigation:\*\* .*\n {2}- Redis\/Valkey: ACL users/);
    const html = renderHtml(r);
    assert.match(html, /<ul class="steps"><li>Redis\/Valkey: <code>tls-port 6379<\/code>/);
    const plain = analyzeText(VOTING.replace('tech: postgres', 'type: database').replace('tech: redis', 'type: cache').replace(', tech: node', ''));
    assert.ok(plain.threats.every((t) => t.mitigationSteps === undefined));
    assert.doesNotMatch(renderHtml(plain), /class="steps"/);
  });
});
