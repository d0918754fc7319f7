// `threatmap import` of OWASP Threat Dragon v2 files: the mapping on small fixtures (test/fixtures/td-import:
// shop.td.json has two diagrams, nested boundary boxes, every flag, a loose flow end and a curve), bad input
// as diagnostics with positions, never a throw, and byte-stable output.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { importThreatDragon } from '../../src/import/threat-dragon.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';

const FIXTURES = 'test/fixtures/td-import';
const fixture = (name: string) => readFileSync(`${FIXTURES}/${name}`, 'utf8');
/** The 1-based line of the first occurrence of `needle` after `after`. */
const lineOf = (text: string, needle: string, after = '') => text.slice(0, text.indexOf(needle, text.indexOf(after))).split('\n').length;
/** The line on which the cell with this id opens (its `{`). */
const cellLine = (text: string, id: string) => text.slice(0, text.lastIndexOf('\n          {', text.indexOf(`"id": "${id}"`)) + 1).split('\n').length;

function imported(text: string, file = 'shop.td.json') {
  const r = importThreatDragon(text, file);
  assert.ok(r.text && r.summary, `no model:\n${formatDiagnostics(r.diagnostics)}`);
  const loaded = loadModel(r.text, 'imported.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), `imported model does not load:\n${formatDiagnostics(loaded.diagnostics)}\n${r.text}`);
  return { ...r, summary: r.summary, model: loaded.model, raw: parseYaml(r.text) as Record<string, any> };
}

describe('Threat Dragon import: elements, boxes and flags', () => {
  const text = fixture('shop.td.json');
  const r = imported(text);
  const el = (id: string) => r.model.elements.find((e) => e.id === id)!;

  it('summary -> system; both diagrams merged, named in the header; ids from names, unique', () => {
    assert.deepEqual(r.raw.system, { name: 'Shop', description: 'A small shop.', owner: 'Team A' });
    assert.deepEqual(r.summary.diagrams, ['Front', 'Partners']);
    assert.match(r.text!, /^# Diagrams merged into this model: "Front", "Partners"\.$/m);
    assert.deepEqual(r.model.elements.map((e) => e.id), ['customer', 'web-app', 'auth', 'users-db', 'audit-log', 'worker', 'partner', 'web-app-2', 'importer']);
    // A name drawn on two lines is one line; the TD cell id is kept in the comment with the cell's line.
    assert.equal(el('web-app').name, 'Web App');
    assert.match(r.text!, new RegExp(`# shop\\.td\\.json:${cellLine(text, 'c-web')} process c-web\\n  web-app:`));
  });

  it('boxes hold the elements whose centre lies inside them, nested boxes nest, trust from the name', () => {
    const b = (id: string) => r.model.boundaries.find((x) => x.id === id)!;
    assert.equal(b('internet').trust, 'untrusted');
    assert.equal(b('data-centre').trust, 'internal');
    assert.deepEqual([b('dmz').trust, b('dmz').parent], ['dmz', 'data-centre']);
    assert.equal(el('customer').boundary, 'internet');
    assert.equal(el('web-app').boundary, 'dmz');
    for (const id of ['auth', 'users-db', 'audit-log', 'worker']) assert.equal(el(id).boundary, 'data-centre', id);
  });

  it('actors in no box, and the caller of a public-network flow, go into an untrusted `outside`', () => {
    assert.equal(r.model.boundaries.find((x) => x.id === 'outside')!.trust, 'untrusted');
    assert.equal(el('partner').boundary, 'outside');
    assert.equal(el('web-app-2').boundary, 'outside');
    assert.equal(el('importer').boundary, undefined);
    assert.equal(r.summary.boundaries, 4);
  });

  it('flags: web app, identity provider, encrypted store, credentials asset, log, signed, privilege', () => {
    assert.equal(el('web-app').type, 'web-app');
    assert.equal(el('auth').type, 'identity-provider');
    assert.deepEqual(r.raw.elements['users-db'].controls, ['encryption-at-rest']);
    // And the placeholder asset every store stores (Threat Dragon has no data model): `stored-data` since s20.
    assert.deepEqual(r.raw.elements['users-db'].stores, ['credentials', 'stored-data']);
    assert.equal(r.raw.assets.credentials.type, 'credentials');
    assert.equal(el('audit-log').type, 'logs');
    assert.deepEqual(r.raw.elements['audit-log'].controls, ['tamper-evident-logs']);
    assert.equal(r.raw.elements.worker.privileged, true);
    assert.equal(r.raw.elements.importer.privileged, undefined);
    assert.match(r.text!, /# privilege level "user": not read as privileged/);
  });
});

describe('Threat Dragon import: flows and threats', () => {
  const text = fixture('shop.td.json');
  const r = imported(text);
  const flow = (from: string, to: string) => r.model.flows.find((f) => f.from === from && f.to === to)!;

  it('protocols: named (HTTP/S, grpcs, MQTT), else https when encrypted, else http; unknown names noted', () => {
    assert.equal(flow('customer', 'web-app').protocol, 'https');
    assert.equal(flow('web-app', 'users-db').protocol, 'https');
    assert.equal(flow('web-app', 'auth').protocol, 'grpcs');
    assert.equal(flow('partner', 'importer').protocol, 'mqtt');
    assert.equal(flow('importer', 'web-app-2').protocol, 'http');
    assert.match(r.text!, /# protocol "UPnP" is not one threatmap knows: http assumed\n {2}- importer -> web-app-2/);
    // A stated cleartext protocol with isEncrypted: encrypted overrides what tcp implies.
    assert.equal(r.raw.flows.find((f: any) => f['web-app -> audit-log'])['web-app -> audit-log'].encrypted, true);
    assert.deepEqual(flow('web-app', 'audit-log').controls, ['request-signing']);
  });

  // s20: one flow from its source (a threatmap flow implies its reply), no longer a flow each way.
  it('a bidirectional flow is one flow from its source; names kept', () => {
    assert.equal(flow('web-app', 'auth').name, 'Login');
    assert.equal(flow('auth', 'web-app'), undefined);
    assert.equal(flow('web-app', 'users-db').name, 'Queries');
    assert.equal(r.summary.flows, 7);
  });

  it('a flow with a loose end or an unknown cell is a warning at its end and is left out', () => {
    const at = (d: { line: number; col: number; code: string }) => `${d.line}:${d.col} ${d.code}`;
    assert.deepEqual(r.diagnostics.map(at), [
      `${lineOf(text, '"target"', '"id": "f-5"')}:13 missing-reference`,
      `${lineOf(text, '"target"', '"id": "f-6"')}:13 unknown-reference`,
    ]);
    assert.ok(!r.model.flows.some((f) => f.from === 'worker'));
  });

  it('a flow crossing a boundary curve says so; the curve places no element', () => {
    assert.match(r.text!, /# crosses boundary curve "Perimeter" \(k-1\)[^\n]*\n {2}- partner -> importer/);
    assert.equal(r.summary.curves, 1);
    assert.ok(r.summary.notes.some((n) => /1 boundary curve .*no element is placed by it/.test(n)));
  });

  it('threats are listed with severity, status and where, not imported', () => {
    assert.deepEqual(r.summary.threats, [
      { title: 'Spoofed session', severity: 'High', status: 'Open', on: 'web-app' },
      { title: 'XSS', severity: 'Medium', status: 'Mitigated', on: 'web-app' },
      { title: 'Sniffing', severity: 'Low', status: 'Open', on: 'customer -> web-app' },
    ]);
    assert.match(r.text!, /^# {3}Sniffing \(Low, Open, on customer -> web-app\)$/m);
  });

  it('is deterministic', () => {
    assert.equal(importThreatDragon(text, 'shop.td.json').text, r.text);
  });
});

describe('Threat Dragon import: bad input', () => {
  const codes = (t: string, file = 'x.json') => importThreatDragon(t, file).diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`);

  it('JSON syntax errors with file:line:col, no model', () => {
    const r = importThreatDragon('{\n  "summary": {"title": "x"},\n  "detail": {"diagrams": [ }\n}\n', 'broken.json');
    assert.equal(r.text, undefined);
    assert.ok(r.diagnostics.length > 0 && r.diagnostics.every((d) => d.file === 'broken.json'));
    assert.equal(r.diagnostics[0].line, 3);
    assert.equal(r.diagnostics[0].code, 'syntax-error');
  });

  it('not a Threat Dragon file', () => {
    assert.deepEqual(codes('{"otmVersion": "0.2.0"}'), ['1:1 error not-threat-dragon']);
    assert.deepEqual(codes('[1, 2]'), ['1:1 error not-threat-dragon']);
    // An empty file is said to be empty, with what it should have held.
    assert.deepEqual(codes(''), ['1:1 error empty-file']);
    assert.deepEqual(codes(' \n '), ['1:1 error empty-file']);
  });

  it('JSON with a trailing comma is pointed at, not read as YAML would read it', () => {
    assert.deepEqual(codes('{\n  "summary": { "title": "T" },\n  "detail": { "diagrams": [ { "cells": [] }, ] }\n}\n'), ['3:46 error syntax-error']);
    const r = importThreatDragon('{ "summary": {}, }', 'x.json');
    assert.equal(r.diagnostics[0].message, 'invalid JSON: expected a key after `,` (JSON allows no trailing comma), found `}`');
  });

  it('a v1 file is refused with a clear message at its diagram', () => {
    const r = importThreatDragon(fixture('v1.td.json'), 'v1.json');
    assert.equal(r.text, undefined);
    assert.deepEqual(r.diagnostics.map((d) => `${d.line} ${d.code}`), ['8 threat-dragon-v1']);
    assert.match(r.diagnostics[0].message, /Threat Dragon v1 file .*reads Threat Dragon v2 files only/);
  });

  it('cells without the expected shape are warnings with positions; the rest imports', () => {
    const r = imported(fixture('bad-cells.td.json'), 'bad.json');
    assert.deepEqual(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`), ['10:11 bad-cell', '11:11 unknown-cell', '17:11 unknown-cell']);
    assert.deepEqual(r.model.elements.map((e) => e.id), ['fine']);
  });

  it('a shape named after an object\'s own properties (constructor, __proto__) is an unknown shape, warned, not dropped silently', () => {
    const cell = (shape: string, id: string) => `{"shape": "${shape}", "id": "${id}", "position": {"x": 0, "y": 0}, "size": {"width": 10, "height": 10}, "data": {"name": "${id}"}}`;
    const text = `{"summary": {"title": "T"}, "detail": {"diagrams": [{"title": "D", "cells": [${cell('constructor', 'c')}, ${cell('__proto__', 'p')}, ${cell('process', 'fine')}]}]}}`;
    const r = importThreatDragon(text, 'proto.json');
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.message]), [
      ['unknown-cell', 'a cell of shape `constructor` is not one threatmap reads; left out'],
      ['unknown-cell', 'a cell of shape `__proto__` is not one threatmap reads; left out'],
    ]);
  });

  it('never throws, whatever the input', () => {
    const shop = fixture('shop.td.json');
    const inputs = ['null', '"x"', '{"summary": 1, "detail": {"diagrams": 3}}', '{"summary": {}, "detail": {"diagrams": [null, 1, {"cells": {}}]}}',
      '{"summary": {"title": []}, "detail": {"diagrams": [{"cells": [{"shape": "flow", "id": "f", "source": 1, "target": null, "vertices": "x"}, {"shape": "actor", "id": "a", "position": "p", "data": []}]}]}}',
      shop.slice(0, shop.length / 2), shop.replace(/"x": \d+/g, '"x": "left"')];
    for (const t of inputs) {
      const r = importThreatDragon(t, 'x.json');
      assert.ok(Array.isArray(r.diagnostics));
      if (r.text) assert.ok(!hasErrors(loadModel(r.text, 'm.yaml').diagnostics), `${t}\n${r.text}`);
    }
  });
});
