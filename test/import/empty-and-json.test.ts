// Every importer says that an empty file is empty, with what it expected, rather than that it is not in its
// format; and a JSON file (one that starts with `{` or `[`) is held to JSON, its trailing comma pointed at.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importDrawio } from '../../src/import/drawio.js';
import type { ImportResult } from '../../src/import/import-common.js';
import { importOtm } from '../../src/import/otm.js';
import { importThreagile } from '../../src/import/threagile.js';
import { importThreatComposer } from '../../src/import/threat-composer.js';
import { importThreatDragon } from '../../src/import/threat-dragon.js';
import { importTm7 } from '../../src/import/tm7.js';

type Importer = (text: string, file: string) => ImportResult<unknown>;

const IMPORTERS: Array<[string, Importer, string]> = [
  ['OTM', importOtm, 'an Open Threat Model document (JSON or YAML with `otmVersion` and `project`)'],
  ['Threat Dragon', importThreatDragon, 'an OWASP Threat Dragon v2 model (JSON with `summary` and `detail.diagrams`)'],
  ['Threagile', importThreagile, 'a Threagile model (YAML with `threagile_version` and `technical_assets`)'],
  ['Threat Composer', importThreatComposer, 'an AWS Threat Composer export (JSON with `schema` and `threats`)'],
  ['.tm7', importTm7, 'a Microsoft Threat Modeling Tool model (.tm7: XML with a `ThreatModel` root)'],
  ['draw.io', importDrawio, 'a draw.io diagram (XML with an `mxfile` or `mxGraphModel` root)'],
];

const shown = (r: ImportResult<unknown>) => r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity}[${d.code}]: ${d.message}`);

describe('an empty file', () => {
  for (const [name, importer, expected] of IMPORTERS) {
    it(`${name}: no bytes, only whitespace, or only a byte order mark: "the file is empty", at 1:1, with what was expected`, () => {
      for (const text of ['', '  \n\t\r\n ', '\ufeff', '\ufeff\n']) {
        const r = importer(text, 'f');
        assert.equal(r.text, undefined);
        assert.deepEqual(shown(r), [`f:1:1: error[empty-file]: the file is empty; expected ${expected}`], JSON.stringify(text));
      }
    });
  }

  it('a file with anything in it is not empty: it gets its importer\'s own message', () => {
    assert.equal(importOtm('x', 'f').diagnostics[0].code, 'not-otm');
    assert.equal(importTm7('<a/>', 'f').diagnostics[0].code, 'not-tm7');
  });
});

describe('JSON with a trailing comma', () => {
  const OTM = '{\n  "otmVersion": "0.2.0",\n  "project": { "name": "P", "id": "p" },\n  "components": [\n    { "id": "a", "name": "A", "type": "web-service" }$\n  ]\n}\n';
  const TD = '{\n  "summary": { "title": "T"$ },\n  "detail": { "diagrams": [] }\n}\n';
  const TC = '{\n  "schema": 1,\n  "threats": [\n    { "id": "t1", "numericId": 1, "statement": "A threat" }$\n  ]\n}\n';
  const cases: Array<[string, Importer, string, string]> = [
    ['OTM', importOtm, OTM, 'f:6:3: error[syntax-error]: invalid JSON: expected a value after `,` (JSON allows no trailing comma), found `]`'],
    ['Threat Dragon', importThreatDragon, TD, 'f:2:30: error[syntax-error]: invalid JSON: expected a key after `,` (JSON allows no trailing comma), found `}`'],
    ['Threat Composer', importThreatComposer, TC, 'f:5:3: error[syntax-error]: invalid JSON: expected a value after `,` (JSON allows no trailing comma), found `]`'],
  ];
  for (const [name, importer, text, message] of cases) {
    it(`${name}: pointed at, one error and no model; without the comma the file imports`, () => {
      const r = importer(text.replace('$', ','), 'f');
      assert.equal(r.text, undefined);
      assert.deepEqual(shown(r), [message]);
      const fixed = importer(text.replace('$', ''), 'f');
      assert.deepEqual(fixed.diagnostics.filter((d) => d.severity === 'error'), []);
      assert.ok(fixed.text, name);
    });
  }

  it('a missing comma is JSON\'s error too, not YAML\'s "block collections" message', () => {
    const r = importOtm('{\n  "otmVersion": "0.2.0"\n  "project": { "name": "P", "id": "p" }\n}\n', 'f');
    assert.deepEqual(shown(r), ['f:3:3: error[syntax-error]: invalid JSON: expected `,` or `}`, found `"`']);
  });

  it('OTM written as YAML is still read as YAML', () => {
    const r = importOtm('otmVersion: 0.2.0\nproject: { name: P, id: p, }\n', 'f.otm.yaml');
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.ok(r.text);
  });
});
