// Findings about a whole zone or system can concern thousands of components: their titles, descriptions
// and punch-list actions name the first few and count the rest, while flows and evidence keep every one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namesAtMost, TEXT_NAMES, TITLE_NAMES } from '../../src/analysis/rules/helpers.js';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { analyzeText } from '../rules/harness.js';

const SERVICES = 25;
const pad = (i: number) => String(i).padStart(2, '0');

/** `count` services in one internal zone, each calling the next over plain HTTP with a password, none with timeouts. */
function zoneOfServices(count = SERVICES): string {
  const lines = ['threatmap: 1', 'system: { name: Zone of services }', 'boundaries:', '  mesh: { trust: internal }', 'elements:'];
  for (let i = 1; i <= count; i++) lines.push(`  svc-${pad(i)}: { type: service, name: Service ${pad(i)}, in: mesh }`);
  lines.push('  db: { tech: postgres, in: mesh }', 'flows:');
  for (let i = 1; i <= count; i++) {
    lines.push(`  - svc-${pad(i)} -> ${i < count ? `svc-${pad(i + 1)}` : 'svc-01'}: { protocol: http }`);
    lines.push(`  - svc-${pad(i)} -> db: { protocol: sql+tls, auth: password }`);
  }
  return `${lines.join('\n')}\n`;
}

const names = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => `Service ${pad(from + k)}`).join(', ');
const only = (r: AnalysisResult, ruleId: string) => {
  const found = r.threats.filter((t) => t.ruleId === ruleId);
  assert.equal(found.length, 1, `one ${ruleId} threat`);
  return found[0];
};

describe('long lists of names', () => {
  it('name at most the given number, then count the others', () => {
    assert.equal(namesAtMost(['a', 'b'], 2, 'others'), 'a, b');
    assert.equal(namesAtMost(['a', 'b', 'c', 'd'], 2, 'other services'), 'a, b and 2 other services');
    assert.equal(namesAtMost(['a', 'b', 'c'], 2, 'other services'), 'a, b, c', 'never "and 1 other"');
    assert.equal(namesAtMost([], 3, 'others'), '');
  });

  const r = analyzeText(zoneOfServices());

  it('shorten the secrets finding for the whole system, keeping every flow', () => {
    const t = only(r, 'secrets-in-config');
    assert.equal(t.title, `Secrets of ${names(1, TITLE_NAMES)} and ${SERVICES - TITLE_NAMES} other services kept in configuration`);
    assert.ok(t.description.startsWith(`${names(1, TEXT_NAMES)} and ${SERVICES - TEXT_NAMES} other services authenticate with password secrets`), t.description);
    assert.equal(t.flows.length, SERVICES);
  });

  it('shorten the callers of a zone without circuit breakers', () => {
    const t = only(r, 'no-circuit-breaker');
    assert.ok(t.description.startsWith(`${names(1, TEXT_NAMES)} and ${SERVICES - TEXT_NAMES} other callers make ${SERVICES} synchronous calls`), t.description); // the calls to the store are not counted
  });

  it('shorten the sources of cleartext flows in a zone', () => {
    const t = only(r, 'cleartext-tampering');
    assert.ok(t.title.includes(`(${names(1, TITLE_NAMES)} and ${SERVICES - TITLE_NAMES} other sources)`), t.title);
    assert.ok(t.description.includes(`from ${names(1, TEXT_NAMES)} and ${SERVICES - TEXT_NAMES} other sources use`), t.description);
    assert.equal(t.flows.length, SERVICES);
  });

  it('shorten lists of a component\'s many neighbours', () => {
    // One queue consumed by 25 workers, and one administrator reaching 25 consoles with a password alone.
    const lines = ['threatmap: 1', 'system: { name: Fan-in }', 'elements:', '  jobs: { tech: sqs }', '  ops: { type: admin, name: Operator }'];
    for (let i = 1; i <= SERVICES; i++) lines.push(`  svc-${pad(i)}: { type: worker, name: Service ${pad(i)} }`);
    lines.push('flows:');
    for (let i = 1; i <= SERVICES; i++) lines.push(`  - jobs -> svc-${pad(i)}: { protocol: https, auth: iam }`, `  - ops -> svc-${pad(i)}: { protocol: https, auth: password }`);
    const fanIn = analyzeText(`${lines.join('\n')}\n`);
    const poison = only(fanIn, 'poison-message');
    assert.ok(poison.description.startsWith(`${names(1, TEXT_NAMES)} and ${SERVICES - TEXT_NAMES} other consumers consume`), poison.description);
    const phishing = only(fanIn, 'privileged-user-phishing');
    assert.equal(phishing.title, `Phished Operator credentials open ${names(1, TITLE_NAMES)} and ${SERVICES - TITLE_NAMES} other systems`);
    assert.equal(phishing.flows.length, SERVICES);
  });

  it('shorten punch-list actions that concern many targets, keeping every threat', () => {
    // One secrets finding per service when each has its own zone: 25 targets for one action.
    const text = zoneOfServices().replace(/, in: mesh \}/g, ' }');
    const perService = analyzeText(text);
    const action = perService.recommendations.find((rec) => rec.text.startsWith('Add circuit breakers'));
    assert.ok(action, 'a circuit-breaker action');
    const threats = perService.threats.filter((t) => t.ruleId === 'no-circuit-breaker');
    assert.equal(threats.length, SERVICES);
    assert.deepEqual(action.threats, threats.map((t) => t.id));
    assert.match(action.text, new RegExp(` and ${SERVICES - 10} more$`));
    // Eleven targets are all named: never "and 1 more".
    const eleven = analyzeText(zoneOfServices(11).replace(/, in: mesh \}/g, ' }'));
    const all = eleven.recommendations.find((rec) => rec.text.startsWith('Add circuit breakers'))!;
    assert.ok(all.text.endsWith(' and Service 11'), all.text);
  });
});
