// The Threat Dragon v2 files of the shared corpus (shared/corpus/README.md: origin and licence), read where
// they are: the demo model (1 actor, 2 processes, 4 stores, 10 flows of which one has a loose end 10 px from its
// actor, 3 boundary curves, 14 threats) and the IoT device (1 actor, 9 processes of which 3 are named as clients,
// 1 store, 14 flows, 1 curve, 4 threats).
// Skipped, with the reason, when the corpus is not there.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { importThreatDragon } from '../../src/import/threat-dragon.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { analyzeText } from '../helpers.js';
import { corpusDir, corpusMissing } from '../corpus.js';

const dir = corpusDir('threat-dragon', 'demo-threat-model.td-v2.json');
const skip = dir ? false : corpusMissing('the Threat Dragon corpus (threat-dragon/)');
const read = (name: string) => readFileSync(join(dir!, name), 'utf8');

function load(name: string) {
  const r = importThreatDragon(read(name), name);
  assert.ok(r.text && r.summary, formatDiagnostics(r.diagnostics));
  const loaded = loadModel(r.text, 'imported.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return { ...r, text: r.text, model: loaded.model, summary: r.summary };
}
const count = <T>(list: readonly T[], f: (x: T) => unknown) => list.filter(f).length;

describe('Threat Dragon corpus: the demo threat model', { skip }, () => {
  it('1 actor, 2 processes, 4 stores; all 10 flows (the loose end 10 px from the actor attached to it, noted)', () => {
    const r = load('demo-threat-model.td-v2.json');
    const m = r.model;
    assert.deepEqual([count(m.elements, (e) => e.kind === 'external'), count(m.elements, (e) => e.kind === 'process'), count(m.elements, (e) => e.kind === 'store')], [1, 2, 4]);
    assert.equal(m.flows.length, 10);
    assert.deepEqual(r.diagnostics, []);
    const request = m.flows.find((f) => f.name === 'Web Request')!;
    assert.deepEqual([request.from, request.to, request.protocol], ['browser', 'web-application', 'https']);
    assert.match(r.text, /^ {2}# its source is a loose end at \(180, 70\), 10 px from `browser`: attached to it, as Threat Dragon draws it; check it\n(?: {2}#.*\n)* {2}- browser -> web-application: \{ name: Web Request, protocol: https \}$/m);
  });

  it('its 14 threats are written into the model (the one on the once-loose flow on that flow, none on the system), its 4 Mitigated ones triaged', () => {
    const r = load('demo-threat-model.td-v2.json');
    const threats = r.model.threats;
    assert.equal(threats.length, 14);
    assert.deepEqual(threats.filter((t) => t.on[0].kind === 'system'), []);
    assert.deepEqual(threats.find((t) => t.id === 'data-flow-should-use-http-s-4')!.on, [{ kind: 'flow', id: 'browser->web-application' }]);
    assert.equal(threats.find((t) => t.id === 'data-flow-should-use-http-s-4')!.title, 'Data flow should use HTTP/S');
    assert.deepEqual(Object.fromEntries(['S', 'T', 'I', 'D'].map((s) => [s, count(threats, (t) => t.stride === s)])), { S: 1, T: 1, I: 10, D: 2 });
    const credentials = threats.find((t) => t.id === 'accessing-db-credentials')!;
    assert.deepEqual(credentials.on, [{ kind: 'element', id: 'worker-config' }]);
    assert.equal(credentials.impact, 'high');
    // Threat Dragon's severity High kept as the risk: the matrix's middle row.
    assert.equal(credentials.likelihood, 'medium');
    assert.match(credentials.mitigation!, /^Encrypt the DB credentials/);
    assert.equal(r.triage?.decisions, 4);
    assert.match(r.triage!.text, /^ {2}threat:unauthorised-access@database:\n {4}threat: Unauthorised access\n {4}status: mitigated\n {4}reason: "marked Mitigated in OWASP Threat Dragon: Require all queries to be authenticated\."$/m);
    // Every decision is about a threat the analysis reports.
    const keys = new Set(analyzeText(r.text, 'imported.yaml').threats.map((t) => t.key));
    for (const [, key] of r.triage!.text.matchAll(/^ {2}(\S+):$/gm)) assert.ok(keys.has(key), key);
  });

  it('3 curves place no element, crossings noted; the actor is outside; flags read', () => {
    const r = load('demo-threat-model.td-v2.json');
    assert.equal(r.summary.curves, 3);
    assert.deepEqual(r.model.boundaries.map((b) => [b.id, b.trust]), [['outside', 'untrusted']]);
    assert.equal(r.model.elements.find((e) => e.kind === 'external')!.boundary, 'outside');
    assert.ok((r.text.match(/# crosses boundary curve/g) ?? []).length >= 3);
    // storesCredentials on stores no flow writes: the secrets services read, not users' credentials.
    assert.deepEqual(r.model.elements.filter((e) => e.stores.includes('service-secrets')).map((e) => e.id), ['worker-config', 'web-application-config']);
    assert.deepEqual(r.model.elements.filter((e) => e.stores.includes('credentials')), []);
    assert.equal(r.model.flows.find((f) => f.name === 'Web Response')!.protocol, 'https');
  });

  it('14 threats listed (8 High, 4 Medium, 2 Low), not imported; analyze runs', () => {
    const r = load('demo-threat-model.td-v2.json');
    const sev = (s: string) => count(r.summary.threats, (t) => t.severity === s);
    assert.deepEqual([r.summary.threats.length, sev('High'), sev('Medium'), sev('Low')], [14, 8, 4, 2]);
    assert.match(r.text, /^# The file records 14 threats/m);
    assert.match(r.text, /^# {3}\.\.\. and 4 more$/m);
    const result = analyzeText(r.text, 'demo.yaml');
    assert.ok(result.threats.length > 0);
  });
});

describe('Threat Dragon corpus: the IoT device', { skip }, () => {
  it('1 actor, 9 processes (Browser, Mobile App and My script read as clients), 1 store, 14 flows, 1 curve, 4 threats; loads and analyze runs', () => {
    const r = load('iot-device.td-v2.json');
    const m = r.model;
    assert.deepEqual([count(m.elements, (e) => e.kind === 'external'), count(m.elements, (e) => e.kind === 'process'), count(m.elements, (e) => e.kind === 'store')], [4, 6, 1]);
    assert.deepEqual(m.elements.filter((e) => e.kind === 'external').map((e) => [e.id, e.type, e.tech]),
      [['user', 'user', undefined], ['browser', 'user-agent', 'browser'], ['mobile-app', 'user-agent', 'mobile-app'], ['my-script', 'user-agent', undefined]]);
    assert.equal(m.elements.find((e) => e.id === 'local-api')!.kind, 'process');
    assert.equal(m.flows.length, 14);
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.summary.curves, 1);
    assert.match(r.text, /crosses boundary curve "Internet"/);
    assert.equal(r.summary.threats.length, 4);
    assert.deepEqual(r.summary.threats.map((t) => t.on), ['iot-device', 'local-api', 'local-api', 'cloud-api']);
    assert.ok(analyzeText(r.text, 'iot.yaml').threats.length > 0);
  });
});
