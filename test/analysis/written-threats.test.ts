import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import type { AnalysisResult, Threat } from '../../src/analysis/types.js';
import { formatDiagnostics } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { threatUid } from '../../src/track/uid.js';
import { analyzeText } from '../helpers.js';

const BASE = `threatmap: 1
system: { name: Shop }
boundaries:
  internet: { trust: untrusted }
  data: { trust: restricted }
assets:
  orders: { classification: confidential }
elements:
  user: { type: user, in: internet }
  api:
    tech: node
    auth: session-cookie
    endpoints:
      POST /reset: {}
  db: { tech: postgres, in: data, stores: [orders] }
flows:
  - user -> api: https
  - api -> db: postgres
`;

const written = (r: AnalysisResult): Threat[] => r.threats.filter((t) => t.ruleId.startsWith('threat:'));

function errorsOf(text: string): string {
  const loaded = loadModel(text, 'm.yaml');
  return formatDiagnostics(loaded.diagnostics.filter((d) => d.severity === 'error'));
}

describe('threats written in the model', () => {
  it('are reported on what they name, with keys and stable ids of their own', () => {
    const r = analyzeText(`${BASE}threats:
  reset-replay:
    title: A password-reset link works more than once
    stride: spoofing
    on: "api:POST /reset"
    mitigation: Expire reset links after first use.
    references: [CWE-640]
  insider-dump:
    title: An operator copies the orders table
    stride: I
    on: [db, api -> db, db]
    likelihood: low
  perimeter:
    title: The data zone's firewall is misconfigured
    stride: T
    on: data
  outage:
    title: The cloud region goes down
    stride: denial-of-service
`, 'm.yaml');
    const byKey = new Map(written(r).map((t) => [t.key, t]));
    assert.deepEqual([...byKey.keys()].sort(), [
      'threat:insider-dump@api->db', 'threat:insider-dump@db', 'threat:outage@system', 'threat:perimeter@data', 'threat:reset-replay@api:POST /reset',
    ]);
    const reset = byKey.get('threat:reset-replay@api:POST /reset')!;
    assert.equal(reset.uid, threatUid(reset.key));
    assert.equal(reset.stride, 'S');
    assert.equal(reset.component, 'api');
    assert.equal(reset.endpoint, 'api:POST /reset');
    assert.equal(reset.mitigation, 'Expire reset links after first use.');
    assert.deepEqual(reset.references, ['CWE-640']);
    assert.deepEqual(reset.evidence.map((e) => [e.path, e.line]), [['threats.reset-replay', 20]]);
    // Rated from the model where the threat does not say: reachable from the internet behind a session.
    assert.equal(reset.likelihood.level, 'Medium');
    assert.match(reset.likelihood.reason, /reachable from the internet, but needs a valid session-cookie credential/);

    const dump = byKey.get('threat:insider-dump@db')!;
    assert.equal(dump.likelihood.level, 'Low');
    assert.match(dump.likelihood.reason, /as written in the model \(threats\.insider-dump\)/);
    // Impact from the most valuable asset at stake for disclosure: confidential orders.
    assert.equal(dump.impact.level, 'High');
    assert.match(dump.impact.reason, /confidentiality of orders is high/);
    assert.equal(dump.risk, 'Medium');
    assert.equal(byKey.get('threat:insider-dump@api->db')!.componentKind, 'flow');
    assert.equal(byKey.get('threat:perimeter@data')!.componentKind, 'boundary');
    const outage = byKey.get('threat:outage@system')!;
    assert.equal(outage.componentKind, 'system');
    assert.equal(outage.componentName, 'Shop');

    // In the coverage matrix, on the punch list and numbered in report order like every other threat.
    const dbRow = r.coverage.find((row) => row.component === 'db')!;
    assert.ok(dbRow.cells.find((c) => c.stride === 'I')!.threats.includes(dump.id));
    assert.ok(r.recommendations.some((x) => x.text === 'On POST /reset on api: Expire reset links after first use.' && x.threats.includes(reset.id)));
    assert.ok(r.recommendations.some((x) => x.text.startsWith('On Shop: decide how to address "The cloud region goes down"')));
    assert.deepEqual(r.threats.map((t) => t.id), r.threats.map((_, i) => `T${i + 1}`));
  });

  it('turn mitigated once a control they name is in place, and stay threats without it', () => {
    const threats = `threats:
  dump:
    title: An operator copies the orders table
    stride: I
    on: db
    mitigated-by: [x-db-audit, encryption-at-rest]
`;
    const open = written(analyzeText(`${BASE}${threats}`));
    assert.equal(open.length, 1);
    assert.ok(open[0].evidence.some((e) => e.fact === 'none of x-db-audit, encryption-at-rest on db'));
    const controlled = analyzeText(`${BASE.replace('stores: [orders] }', 'stores: [orders], controls: [x-db-audit] }')}${threats}`);
    assert.equal(written(controlled).length, 0);
    const cell = controlled.coverage.find((row) => row.component === 'db')!.cells.find((c) => c.stride === 'I')!;
    // Another rule may still report disclosure on db; when none does, the cell says what mitigates it.
    if (cell.status === 'mitigated') assert.deepEqual(cell.controls, ['x-db-audit']);
    else assert.equal(cell.status, 'threat');
  });

  it('are triaged by their keys like any threat', () => {
    const text = `${BASE}threats:
  outage: { title: The cloud region goes down, stride: D }
`;
    const loaded = loadModel(text, 'm.yaml');
    const result = analyze(loaded.model!, { source: loaded.source });
    const triage = parseTriage('threats:\n  threat:outage@system: { status: accepted, reason: one region is enough for now }\n', 'm.triage.yaml');
    const applied = applyTriage(result, triage.triage, { today: '2026-11-29' });
    const outage = applied.threats.find((t) => t.key === 'threat:outage@system')!;
    assert.equal(outage.triage?.status, 'accepted');
    assert.deepEqual(applied.triage?.stale, []);
  });

  it('a decision under an old key follows a threat moved to one other thing, and names the keys when it now has several', () => {
    const at = (on: string) => {
      const loaded = loadModel(`${BASE}threats:\n  dump: { title: An operator copies the orders, stride: I, on: ${on} }\n`, 'm.yaml');
      const triage = parseTriage('threats:\n  threat:dump@system: { status: accepted, reason: audited }\n', 'm.triage.yaml');
      return applyTriage(analyze(loaded.model!, { source: loaded.source }), triage.triage, { today: '2026-11-29' });
    };
    const moved = at('db');
    assert.equal(moved.threats.find((t) => t.key === 'threat:dump@db')?.triage?.status, 'accepted');
    assert.deepEqual(moved.triage!.warnings.map((w) => w.code), ['moved-entry']);
    const split = at('[db, api]');
    assert.deepEqual(split.triage!.stale.map((e) => e.hint), ['the written threat `dump` is now reported as `threat:dump@db`, `threat:dump@api`: move the decision to the one it is about']);
  });

  it('name what they threaten; a wrong name is an error with its position and a suggestion', () => {
    const errors = errorsOf(`${BASE}threats:
  a: { title: X, stride: S, on: apii }
  b: { title: X, stride: S, on: [api, "api:GET /nowhere"] }
  c: { title: X, stride: spoof, on: api }
  d: { title: X, stride: S, on: api, mitigated-by: [firewal] }
  e: { stride: S }
`);
    assert.match(errors, /m\.yaml:20:29: error\[unknown-reference\]: `apii` names nothing in the model/);
    assert.match(errors, /did you mean `api`\?/);
    assert.match(errors, /m\.yaml:21:39: error\[unknown-reference\]: `api:GET \/nowhere` names nothing in the model/);
    assert.match(errors, /m\.yaml:22:18: error\[[a-z-]+\]: .*spoof/);
    assert.match(errors, /m\.yaml:23:53: error\[[a-z-]+\]: .*firewal/);
    assert.match(errors, /m\.yaml:24:3: error\[[a-z-]+\]: .*title/);
  });

  it('an arrow between two elements joined by two flows is ambiguous: the flow id is asked for', () => {
    const text = BASE.replace('  - api -> db: postgres\n', '  - api -> db: { id: reads, protocol: postgres }\n  - api -> db: { id: writes, protocol: postgres }\n');
    const errors = errorsOf(`${text}threats:\n  t: { title: X, stride: T, on: api -> db }\n`);
    assert.match(errors, /error\[ambiguous-reference\]: 2 flows join these elements: `api -> db` could be any of them\n.*\n\s+expected: one flow id: `reads`, `writes`/);
    assert.equal(errorsOf(`${text}threats:\n  t: { title: X, stride: T, on: writes }\n`), 'no problems found\n');
  });

  it('are not rules to disable or re-rate: the model is told what to do instead; an assumption can rule one out', async () => {
    const { ruleSettingDiagnostics } = await import('../../src/analysis/rules/settings.js');
    const { BUILTIN_RULES } = await import('../../src/analysis/rules/index.js');
    const text = `${BASE}threats:\n  outage: { title: The region goes down, stride: D }\n`;
    const loaded = loadModel(`${text}rules:\n  disable: [threat:outage]\n`, 'm.yaml');
    const [d] = ruleSettingDiagnostics(loaded, BUILTIN_RULES);
    assert.equal(d.code, 'unknown-rule');
    assert.match(d.hint!, /a threat written in the model: to drop it, delete threats\.outage/);
    const assumed = analyzeText(`${text}assumptions:\n  - text: one region is accepted\n    rules: [threat:outage]\n`);
    assert.equal(written(assumed).length, 0);
  });

  it('an assumption naming a rule or written threat that does not exist is warned about, with a suggestion', async () => {
    const { ruleSettingDiagnostics } = await import('../../src/analysis/rules/settings.js');
    const { BUILTIN_RULES } = await import('../../src/analysis/rules/index.js');
    const text = `${BASE}threats:\n  outage: { title: The region goes down, stride: D }\nassumptions:\n  - text: accepted\n    rules: [threat:outage, threat:outgae, no-rate-limting, missing-authentication]\n  - a plain one\n`;
    const found = ruleSettingDiagnostics(loadModel(text, 'm.yaml'), BUILTIN_RULES);
    assert.equal(formatDiagnostics(found), [
      'm.yaml:23:28: warning[unknown-rule]: the assumption rules out `threat:outgae`, which is no rule: it rules nothing out',
      '    at: assumptions[0].rules[1]',
      '    found: "threat:outgae"',
      '    hint: did you mean `threat:outage`?',
      'm.yaml:23:43: warning[unknown-rule]: the assumption rules out `no-rate-limting`, which is no rule: it rules nothing out',
      '    at: assumptions[0].rules[2]',
      '    found: "no-rate-limting"',
      '    hint: did you mean `no-rate-limiting`?',
      '0 errors, 2 warnings',
      '',
    ].join('\n'));
    const clean = text.replace('threat:outgae, no-rate-limting, ', '');
    assert.deepEqual(ruleSettingDiagnostics(loadModel(clean, 'm.yaml'), BUILTIN_RULES), []);
  });

  it('a route several endpoints share is ambiguous; a method and route, or a route alone on one endpoint, names it', () => {
    const text = BASE.replace('      POST /reset: {}\n', '      GET /cart: {}\n      POST /cart: {}\n      POST /reset: {}\n');
    const errors = errorsOf(`${text}threats:\n  t: { title: X, stride: T, on: "api:/cart" }\n`);
    assert.match(errors, /error\[ambiguous-reference\]: 2 endpoints share this route: `api:\/cart` could be any of them\n.*\n\s+expected: one endpoint: `api:GET \/cart`, `api:POST \/cart`/);
    assert.equal(errorsOf(`${text}threats:\n  t: { title: X, stride: T, on: ["api:POST /cart", "api:/reset", "api : POST /reset"] }\n`), 'no problems found\n');
  });

  it('a model without them analyses as before', () => {
    assert.equal(written(analyzeText(BASE)).length, 0);
  });
});
