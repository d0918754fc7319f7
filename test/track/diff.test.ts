// Diffs between two analyses: threats matched by their stable key, so renumbering is never a change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffResults, failingThreats, newlyFailing, type PathChange } from '../../src/track/diff.js';
import { DIFF_MARKER, renderDiffJson, renderDiffMarkdown } from '../../src/track/diff-render.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeExample, analyzeText, exampleText, replaceOnce } from '../helpers.js';

const FILE = 'examples/ecommerce.yaml';
const edit = (...changes: Array<(t: string) => string>) =>
  analyzeText(changes.reduce((text, f) => f(text), exampleText('ecommerce')), FILE);

const tlsToApi = (t: string) => replaceOnce(t, '  - lb -> api: { protocol: http,', '  - lb -> api: { protocol: https,');
const addAdmin = (t: string) => `${replaceOnce(t, '  payments:\n', '  admin:\n    name: Back office\n    tech: node\n    in: dmz\n    controls: [audit-logging, ddos-protection]\n    endpoints:\n      /admin: { kind: admin }\n  payments:\n').trimEnd()}\n  - browser -> admin: { protocol: https }\n`;
const lowPriceIntegrity = (t: string) => replaceOnce(t, 'classification: internal, integrity: high }\n  orders', 'classification: internal, integrity: low }\n  orders');

describe('diff', () => {
  it('lists exactly the new and resolved threats, new crossings and entry points of a change', () => {
    const d = diffResults(analyzeExample('ecommerce'), edit(tlsToApi, addAdmin), { old: `main:${FILE}`, new: FILE });
    assert.deepEqual(d.newThreats.map((t) => t.key), ['exposed-admin-interface@admin:/admin', 'no-rate-limiting@admin:/admin']);
    assert.deepEqual(d.resolvedThreats.map((t) => t.key), ['cleartext-tampering@lb', 'cleartext-disclosure@lb']);
    assert.deepEqual(d.rerated, []);
    assert.deepEqual(d.newCrossings.map((c) => [c.flow, c.kind]), [['browser->admin', 'internet-to-dmz']]);
    assert.deepEqual(d.removedCrossings, []);
    assert.deepEqual(d.newEntryPoints.map((e) => [e.id, e.category, e.exposed]), [['admin', 'Network', true], ['admin:/admin', 'Application', true]]);
    assert.deepEqual(d.removedEntryPoints, []);
    assert.equal(d.changed, true);
    assert.equal(d.old.label, `main:${FILE}`);
  });

  it('lists re-rated threats with both ratings', () => {
    const d = diffResults(analyzeExample('ecommerce'), edit(lowPriceIntegrity));
    assert.deepEqual(d.newThreats, []);
    assert.deepEqual(d.resolvedThreats, []);
    assert.deepEqual(d.rerated.map((r) => [r.after.key, r.before.risk, r.after.risk, r.direction]), [['cleartext-tampering@lb', 'High', 'Medium', 'down']]);
  });

  it('reports nothing when only order and display names change', () => {
    const renamed = edit((t) => replaceOnce(t, 'name: API servers', 'name: Storefront API'));
    const d = diffResults(analyzeExample('ecommerce'), renamed);
    assert.equal(d.changed, false);
    assert.match(renderDiffMarkdown(d), /no change to threats, triage decisions, boundary crossings, the attack surface or attack paths/);
  });

  it('treats a model that did not exist at the base as all new', () => {
    const d = diffResults(undefined, analyzeExample('prelaunch'), { old: `main:examples/prelaunch.yaml` });
    assert.equal(d.old.exists, false);
    assert.equal(d.newThreats.length, analyzeExample('prelaunch').threats.length);
    assert.match(renderDiffMarkdown(d), /\(not there: a new model\)/);
  });

  it('lists triage changes', () => {
    const base = analyzeExample('ecommerce');
    const t = parseTriage('threats:\n  "no-rate-limiting@api:/search": { status: accepted, reason: public }\n', 'x').triage!;
    const d = diffResults(applyTriage(base, undefined, { today: '2026-11-28' }), applyTriage(analyzeExample('ecommerce'), t, { today: '2026-11-28' }));
    assert.deepEqual(d.statusChanges.map((s) => [s.threat.key, s.from, s.to]), [['no-rate-limiting@api:/search', 'open', 'accepted']]);
  });

  it('renders Markdown for a pull-request comment, and JSON', () => {
    const d = diffResults(analyzeExample('ecommerce'), edit(tlsToApi, addAdmin, lowPriceIntegrity), { old: `main:${FILE}`, new: FILE });
    const md = renderDiffMarkdown(d);
    assert.ok(md.startsWith(`${DIFF_MARKER}:${FILE} -->\n## Threat model changes: Acme Shop`));
    assert.match(md, /\*\*2 new threats \(1 Critical, 1 High\), 2 resolved, 1 new boundary crossing, 1 endpoint and 1 component added to the attack surface\*\*/);
    for (const h of ['### New threats', '### Resolved threats', '### New boundary crossings', '### Added to the attack surface']) assert.ok(md.includes(h), h);
    assert.ok(!md.includes('### Re-rated threats'), 'the re-rated threat was resolved by the same change');
    assert.match(md, /\| T1 \| `TM-[0-9a-f]{8}` \| \*\*Critical\*\* \| E \| Back office \/admin \|/);
    const json = JSON.parse(renderDiffJson(d));
    assert.equal(json.kind, 'diff');
    assert.equal(json.newThreats.length, 2);
  });

  it('lists the assets whose easiest attack path got easier or harder, not those reached another way at the same cost', () => {
    const noDbPassword = (t: string) => replaceOnce(t, 'protocol: postgres+tls, auth: password,', 'protocol: postgres+tls,');
    const mtlsToApi = (t: string) => replaceOnce(t, '  - lb -> api: { protocol: http,', '  - lb -> api: { protocol: http, auth: mtls,');
    const show = (list: readonly PathChange[]) => list.map((c) => [c.asset, c.before?.authenticatedHops, c.after?.authenticatedHops]);
    // The load balancer now presents a certificate: every way in through the browser asks for one more credential,
    // but card data's, whose last hop already lands on POST /checkout, which asks for the session.
    const mtls = diffResults(analyzeExample('ecommerce'), edit(mtlsToApi));
    assert.deepEqual(show(mtls.easierPaths), []);
    // In report order: the public catalogue's path is Low now (bounded by its worth), so it comes last.
    assert.deepEqual(show(mtls.harderPaths), [['pii', 1, 2], ['sessions', 1, 2], ['orders', 1, 2], ['prices', 1, 2], ['catalog', 0, 1]]);
    // Encrypting a hop changes no credential and no hop: no path change.
    const tls = diffResults(analyzeExample('ecommerce'), edit(tlsToApi));
    assert.deepEqual([tls.easierPaths, tls.harderPaths], [[], []]);
    const dbOnly = diffResults(analyzeExample('ecommerce'), edit(noDbPassword));
    assert.deepEqual(show(dbOnly.easierPaths), [['pii', 1, 0], ['orders', 1, 0], ['prices', 1, 0]]);
    assert.deepEqual(dbOnly.easierPaths[0].after?.route, ['Customer browser', 'CDN', 'Load balancer', 'API servers', 'Orders database']);
    const md = renderDiffMarkdown(dbOnly);
    assert.match(md, /3 easier attack paths/);
    assert.ok(md.includes('| Customer PII | 1 of 4 hops authenticated, High | **0 of 4 hops authenticated, High** | Customer browser → CDN → Load balancer → API servers → Orders database |'), md);
    // Without the browser's way in, only the payment provider's signed webhook leads inside.
    const noBrowser = diffResults(analyzeExample('ecommerce'), edit((t) => replaceOnce(t, '  - browser -> cdn: { protocol: https, data: [pii, card, prices] }\n', '')));
    assert.ok(noBrowser.harderPaths.length > 0 && noBrowser.harderPaths.every((c) => c.after === undefined || c.after.route[0] === 'Payment gateway'));
    assert.match(renderDiffMarkdown(noBrowser), /### Harder attack paths/);
  });

  it('escapes model text in the Markdown', () => {
    const d = diffResults(analyzeExample('ecommerce'), edit(tlsToApi, addAdmin, (t) => replaceOnce(t, 'name: Back office', 'name: "<img src=x onerror=alert(1)> | pipes"')));
    const md = renderDiffMarkdown(d);
    assert.ok(!md.includes('<img'));
    assert.ok(md.includes('&lt;img src=x onerror=alert(1)> \\| pipes'), md);
  });
});

describe('the check gate', () => {
  it('fails on open threats at or above the level, triaged ones excluded', () => {
    const r = analyzeExample('ecommerce');
    assert.deepEqual(failingThreats(r, 'Critical'), []);
    assert.equal(failingThreats(r, 'High').length, 5);
    const t = parseTriage('threats:\n  "no-rate-limiting@api:/search": { status: accepted, reason: public }\n  "cleartext-disclosure@lb": { status: mitigating }\n', 'x').triage!;
    const triaged = applyTriage(r, t, { today: '2026-11-28' });
    assert.deepEqual(failingThreats(triaged, 'High').map((x) => x.key), ['client-controlled-value@api:POST /cart', 'cleartext-tampering@lb', 'cleartext-disclosure@lb', 'web-cache-deception@cdn']);
  });

  it('with new-only, fails only on threats that did not fail at the base', () => {
    const base = analyzeExample('ecommerce');
    const next = edit(addAdmin);
    assert.deepEqual(newlyFailing(base, next, 'High').map((t) => t.key), ['exposed-admin-interface@admin:/admin', 'no-rate-limiting@admin:/admin']);
    assert.deepEqual(newlyFailing(base, next, 'Critical').map((t) => t.key), ['exposed-admin-interface@admin:/admin']);
    assert.deepEqual(newlyFailing(base, base, 'Low'), []);
    // Re-rated into the failing band counts as new at that level.
    assert.deepEqual(newlyFailing(edit(lowPriceIntegrity), base, 'High').map((t) => t.key), ['cleartext-tampering@lb']);
  });
});

describe('renderDiffMarkdown at scale', () => {
  it('writes a diff of 250,000 new threats (a 100,000-element model against an empty one) without overflowing the call stack', () => {
    const ref = (i: number) => ({
      id: `T${i}`, uid: `TM-${i.toString(16).padStart(8, '0')}`, key: `rule@e${i}`, ruleId: 'rule', stride: 'S' as const, component: `e${i}`,
      componentName: `e${i}`, title: `Threat ${i}`, risk: 'Low' as const, likelihood: 'Low' as const, impact: 'Low' as const, status: 'open' as const,
    });
    const newThreats = Array.from({ length: 250_000 }, (_, i) => ref(i + 1));
    const side = (exists: boolean, threats: number) => ({ file: 'm.yaml', label: 'm.yaml', exists, threats });
    const text = renderDiffMarkdown({
      tool: 'threatmap', kind: 'diff', schemaVersion: 1, system: 'Big', old: side(false, 0), new: side(true, newThreats.length), newThreats,
      resolvedThreats: [], rerated: [], statusChanges: [], newCrossings: [], removedCrossings: [], newEntryPoints: [], removedEntryPoints: [],
      easierPaths: [], harderPaths: [], changed: true,
    });
    assert.match(text, /^\| T250000 \| `TM-0003d090` \| \*\*Low\*\* \|/m);
  });
});
