// Custom rules without code: the condition language, per-model disable and re-rating, rules files and
// `--rules DIR`, and line-precise errors for every mistake.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';
import { checkRuleSettings, configureRules, loadRulesText, ruleSettingDiagnostics } from '../../src/analysis/rules/settings.js';
import { CROSSING_KINDS } from '../../src/analysis/types.js';
import { loadModel } from '../../src/model/load.js';
import { CUSTOM_CONTROL_NAME } from '../../src/model/rule-conditions.js';
import { FLOW_CROSSING_KINDS } from '../../src/model/rule-facts.js';
import { CUSTOM_CONTROL_PATTERN } from '../../src/model/schema.js';
import { analyzeText, loadText, runOnly, threatsOf } from './harness.js';
import { tempFolder } from '../temp.js';
import { CLI } from '../cli/bin.js';

const BASE = `threatmap: 1
system: { name: Shop }
boundaries:
  internet: { trust: untrusted }
  app: { trust: internal }
  data: { trust: restricted, kind: data-tier }
assets:
  cards: { type: payment, classification: restricted }
  catalog: { classification: public }
elements:
  visitor: { tech: browser, in: internet }
  api:
    type: api
    in: app
    auth: jwt
    handles: [cards]
    controls: [token-validation]
    endpoints:
      /pay: { accepts: [cards] }
      /products: { public: true, returns: [catalog] }
  db: { tech: postgres, in: data, stores: [cards], controls: [encryption-at-rest, backups] }
flows:
  - visitor -> api: https
  - api -> db: { protocol: postgres+tls, auth: password, data: [cards] }
`;

const withRules = (rules: string, base = BASE) => `${base}rules:\n${rules}`;

const ELEMENT_RULE = `  custom:
    - id: payment-needs-waf
      title: "Payment data without a WAF in front of {name}"
      stride: T
      applies-to: element
      when:
        all:
          - element.data.types: payment
          - exposure: internet
          - element.type: { in: [api, web-app] }
      mitigated-by: [waf]
      likelihood: medium
      impact: { from-assets: integrity }
      mitigation: Put a WAF in front of services that handle payment data.
      references: [PCI-DSS-6.4]
`;

describe('custom rules in a model', () => {
  it('fire where the condition holds, with the facts as evidence (file:line)', () => {
    const [t] = threatsOf(withRules(ELEMENT_RULE), 'payment-needs-waf');
    assert.ok(t);
    assert.equal(t.stride, 'T');
    assert.equal(t.component, 'api');
    assert.equal(t.title, 'Payment data without a WAF in front of api');
    assert.equal(t.likelihood.level, 'Medium');
    assert.equal(t.impact.level, 'High', 'integrity of restricted card data');
    assert.equal(t.risk, 'High');
    assert.deepEqual(t.references, ['PCI-DSS-6.4']);
    assert.ok(t.evidence.some((e) => /element.data.types is \[payment\]/.test(e.fact) && e.line === 12));
    assert.ok(t.evidence.some((e) => /exposure is internet/.test(e.fact)));
  });
  it('report mitigated when a control in `mitigated-by` is in place', () => {
    const text = withRules(ELEMENT_RULE).replace('controls: [token-validation]', 'controls: [token-validation, waf]');
    assert.equal(threatsOf(text, 'payment-needs-waf').length, 0);
    const rules = loadRulesFrom(text);
    assert.deepEqual(rules.map((r) => r.id), ['payment-needs-waf']);
    const run = runOnly(text, rules);
    assert.ok(run.mitigations.some((m) => m.controls.includes('waf')), JSON.stringify(run));
  });
  it('do not fire where a fact does not hold', () => {
    const text = withRules(ELEMENT_RULE.replace('element.data.types: payment', 'element.data.types: health'));
    assert.equal(threatsOf(text, 'payment-needs-waf').length, 0);
  });
  it('evaluate endpoint rules with ordered comparisons and negation', () => {
    const text = withRules(`  custom:
    - id: unauthenticated-catalogue
      title: "{endpoint} is open"
      stride: I
      applies-to: endpoint
      when:
        all:
          - endpoint.public: true
          - endpoint.returns.classification: { lte: internal }
          - not: { has-control: rate-limiting }
          - endpoint.exposure: { gte: indirect }
      mitigation: Rate-limit anonymous catalogue reads.
`);
    const found = threatsOf(text, 'unauthenticated-catalogue');
    assert.deepEqual(found.map((t) => t.endpoint), ['api:/products']);
    assert.equal(found[0].title, '/products is open');
    assert.equal(found[0].likelihood.level, 'High', 'likelihood from exposure: public and internet-facing');
  });
  it('evaluate flow rules over boundary crossings (`crosses`) and source/target facts', () => {
    const rule = `  custom:
    - id: restricted-data-crossing
      title: Restricted data enters the data tier
      stride: I
      applies-to: flow
      when:
        all:
          - crosses: data-tier
          - flow.data.classification: restricted
          - source.kind: process
          - target.traits: { contains-any: [sql, nosql] }
      impact: high
      mitigation: Tokenise card data before it reaches the database.
`;
    const found = threatsOf(withRules(rule), 'restricted-data-crossing');
    assert.deepEqual(found.map((t) => t.component), ['api->db']);
    assert.equal(found[0].impact.level, 'High');
    assert.equal(threatsOf(withRules(rule.replace('crosses: data-tier', 'crosses: privilege')), 'restricted-data-crossing').length, 0);
    assert.equal(threatsOf(withRules(rule.replace('crosses: data-tier', 'crosses: app-to-data')), 'restricted-data-crossing').length, 1);
  });
  it('support any, exists, not-in and list operators', () => {
    const text = withRules(`  custom:
    - id: stores-without-replicas
      title: Store without stated replicas
      stride: D
      applies-to: element
      when:
        all:
          - element.kind: store
          - element.replicas: { exists: false }
          - any:
              - element.controls: { contains-all: [backups, encryption-at-rest] }
              - element.tags: { contains: critical }
          - element.type: { not-in: [cache, queue] }
      mitigation: State and run replicas.
`);
    assert.deepEqual(threatsOf(text, 'stores-without-replicas').map((t) => t.component), ['db']);
  });
});

/** The custom rules a model defines, compiled (for running them alone). */
function loadRulesFrom(text: string) {
  return configureRules([], loadText(text).model);
}

describe('disabling and re-rating rules per model', () => {
  it('disable removes a rule\'s threats', () => {
    assert.ok(threatsOf(BASE, 'sql-injection').length > 0);
    assert.equal(threatsOf(withRules('  disable: [sql-injection]\n'), 'sql-injection').length, 0);
  });
  it('override re-rates a rule, with the model\'s reason, and the risk follows', () => {
    const [before] = threatsOf(BASE, 'sql-injection');
    assert.equal(before.risk, 'Critical');
    const [after] = threatsOf(withRules('  override:\n    sql-injection: { likelihood: low, reason: only reachable from the VPN }\n'), 'sql-injection');
    assert.equal(after.likelihood.level, 'Low');
    assert.match(after.likelihood.reason, /only reachable from the VPN/);
    assert.equal(after.impact.level, before.impact.level);
    assert.equal(after.risk, 'Medium');
  });
  it('reports unknown and clashing rule ids with suggestions', () => {
    const text = withRules(`  disable: [sql-injections]\n  override:\n    no-rate-limit: { impact: low }\n${ELEMENT_RULE.replace('id: payment-needs-waf', 'id: sql-injection')}`);
    const { model } = loadText(text);
    const issues = checkRuleSettings(model, BUILTIN_RULES);
    const byCode = (code: string) => issues.filter((i) => i.code === code);
    assert.match(byCode('unknown-rule')[0].message, /sql-injections/);
    assert.match(byCode('unknown-rule')[0].hint ?? '', /sql-injection/);
    assert.match(byCode('unknown-rule')[1].hint ?? '', /no-rate-limiting/);
    assert.equal(byCode('duplicate-rule').length, 1);
  });
});

describe('a custom rule\'s stride', () => {
  it('takes the spellings a written threat takes, as its letter', () => {
    for (const [spelling, letter] of [['Tampering', 'T'], ['information disclosure', 'I'], ['DoS', 'D'], ['elevation-of-privilege', 'E']]) {
      const [t] = threatsOf(withRules(ELEMENT_RULE.replace('stride: T', `stride: ${spelling}`)), 'payment-needs-waf');
      assert.equal(t?.stride, letter, spelling);
    }
  });
  it('refuses a name that is no category, at its line', () => {
    const text = withRules(ELEMENT_RULE.replace('stride: T', 'stride: Tamper'));
    const loaded = loadModel(text, 'bad.yaml');
    assert.equal(loaded.model, undefined);
    const line = text.split('\n').findIndex((l) => l.includes('stride: Tamper')) + 1;
    assert.ok(loaded.diagnostics.some((d) => d.line === line && d.severity === 'error'), JSON.stringify(loaded.diagnostics));
  });
});

describe('mistakes in rules are reported at once, with their line and column', () => {
  const bad = withRules(`  custom:
    - id: broken
      title: Broken
      stride: X
      applies-to: element
      when:
        all:
          - elment.type: api
          - element.exposure: { gt: outside }
          - element.traits: { in: [sql] }
          - endpoint.kind: login
          - { element.privileged: true, element.exposed: true }
      mitigated-by: [wafx]
      mitigation: m
`);
  const loaded = loadModel(bad, 'bad.yaml');
  const lineOf = (text: string) => bad.split('\n').findIndex((l) => l.includes(text)) + 1;
  const at = (text: string) => loaded.diagnostics.find((d) => d.line === lineOf(text));
  it('does not load the model', () => assert.equal(loaded.model, undefined));
  it('names the problem and suggests a fix', () => {
    assert.match(at('stride: X')?.message ?? '', /`X`/);
    assert.match(at('elment.type')?.message ?? '', /unknown fact `elment.type`; did you mean `element.type`\?/);
    assert.match(at('gt: outside')?.message ?? '', /`outside` is not a value of `element.exposure`/);
    assert.match(at('in: [sql]')?.message ?? '', /`in` does not apply to `element.traits`/);
    assert.match(at('endpoint.kind: login')?.message ?? '', /`endpoint.kind` is not a fact of an element rule/);
    assert.match(at('element.privileged: true, element.exposed')?.message ?? '', /exactly one key/);
    assert.match(at('wafx')?.message ?? '', /`wafx` is not a control; did you mean `waf`\?/);
    assert.equal(loaded.diagnostics.filter((d) => d.severity === 'error').length, 7);
  });
  it('reports unknown rule ids in the same run as the model\'s other errors, and as errors in the section itself', () => {
    const text = withRules('  disable: [sql-injections, 42]\n  override:\n    no-rate-limit: { impact: extreme }\n', BASE.replace('type: api', 'type: apii'));
    const loaded = loadModel(text, 'bad.yaml');
    assert.equal(loaded.model, undefined);
    const codes = [...loaded.diagnostics, ...ruleSettingDiagnostics(loaded, BUILTIN_RULES)].map((d) => `${d.code} ${d.path}`).sort();
    assert.deepEqual(codes, [
      'invalid-type rules.disable[1]', 'invalid-value elements.api.type', 'invalid-value rules.override.no-rate-limit.impact',
      'unknown-rule rules.disable[0]', 'unknown-rule rules.override.no-rate-limit',
    ]);
  });
});

describe('rules files', () => {
  const FILE = `# org-wide rules
rules:
  custom:
    - id: no-plain-ftp
      title: "{source} uses FTP"
      stride: I
      applies-to: flow
      when: { flow.protocol: ftp }
      likelihood: high
      impact: medium
      mitigation: Use SFTP.
`;
  it('compile into rules like the library\'s', () => {
    const { rules, diagnostics } = loadRulesText(FILE, 'org.yaml');
    assert.deepEqual(diagnostics, []);
    assert.equal(rules[0].id, 'no-plain-ftp');
    assert.equal(rules[0].appliesTo, 'flow');
    assert.equal(rules[0].condition, 'a flow where flow.protocol is ftp');
    assert.match(rules[0].origin ?? '', /^org\.yaml:rules\.custom\[0\]/);
    const model = 'threatmap: 1\nsystem: { name: t }\nelements:\n  api: { type: api }\n  share: { tech: nfs }\nflows:\n  - api -> share: ftp\n';
    const result = analyzeText(model, { rules: [...BUILTIN_RULES, ...rules] });
    assert.equal(result.threats.filter((t) => t.ruleId === 'no-plain-ftp').length, 1);
  });
  it('report every mistake with the file\'s line', () => {
    const { rules, diagnostics } = loadRulesText(`rules:\n  disable: [xxe]\n  custom:\n    - id: x\n      title: t\n      stride: S\n      applies-to: flows\n      when: { flow.protocl: ftp }\n      mitigation: m\nextra: 1\n`, 'bad.yaml');
    assert.equal(rules.length, 0);
    const lines = diagnostics.map((d) => `${d.line}:${d.code}`);
    assert.ok(lines.includes('2:not-in-rules-file'), lines.join(' '));
    assert.ok(lines.includes('7:invalid-value'), lines.join(' '));
    assert.ok(diagnostics.some((d) => d.line === 8 && /did you mean `flow.protocol`/.test(d.message)), lines.join(' '));
    assert.ok(lines.includes('10:unknown-key'), lines.join(' '));
    assert.ok(diagnostics.every((d) => d.file === 'bad.yaml'));
  });
});

describe('threatmap analyze --rules DIR', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  const dir = tempFolder('threatmap-rules-');
  mkdirSync(join(dir, 'good'));
  mkdirSync(join(dir, 'bad'));
  writeFileSync(join(dir, 'good', 'org.yaml'), `rules:
  custom:
    - id: cache-holds-sessions
      title: Sessions kept in {name}
      stride: I
      applies-to: element
      when: { all: [ { element.type: cache }, { element.stores.types: session } ] }
      mitigated-by: [encryption-at-rest]
      impact: { from-assets: confidentiality }
      mitigation: Encrypt the cache or keep sessions server-side elsewhere.
`);
  writeFileSync(join(dir, 'bad', 'org.yaml'), 'rules:\n  custom:\n    - id: x\n      title: t\n      stride: S\n      applies-to: element\n      when: { element.kinds: store }\n      mitigation: m\n');
  it('runs the folder\'s rules with the library', () => {
    const r = run('analyze', 'examples/ecommerce.yaml', '--rules', join(dir, 'good'), '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const threats = JSON.parse(r.stdout).threats as Array<{ ruleId: string; component: string }>;
    assert.deepEqual(threats.filter((t) => t.ruleId === 'cache-holds-sessions').map((t) => t.component), ['cache']);
  });
  it('lists and explains the folder\'s rules', () => {
    const list = run('rules', '--rules', join(dir, 'good'));
    assert.match(list.stdout, /cache-holds-sessions\s+I\s+custom/);
    const show = run('rules', 'show', 'cache-holds-sessions', '--rules', join(dir, 'good'));
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /Fires when:\s+an element where all of \(element.type is cache; element.stores.types contains session\)/);
  });
  it('stops with exit code 2 and positions on a bad rule file or folder', () => {
    const bad = run('analyze', 'examples/ecommerce.yaml', '--rules', join(dir, 'bad'));
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /org\.yaml:7:15: error\[invalid-value\]: unknown fact `element\.kinds`; did you mean `element\.kind`\?/);
    const missing = run('analyze', 'examples/ecommerce.yaml', '--rules', join(dir, 'nope'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no such folder/);
  });
});

describe('the rule language stays in step with the rest', () => {
  it('names the same crossing kinds as the analysis', () => assert.deepEqual([...FLOW_CROSSING_KINDS], [...CROSSING_KINDS]));
  it('accepts the same custom control names as the schema', () => assert.equal(CUSTOM_CONTROL_NAME.source, CUSTOM_CONTROL_PATTERN.source));
});
