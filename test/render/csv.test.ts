// CSV: RFC 4180 quoting, and cells a spreadsheet would run as formulas neutralised.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { generateModelText } from '../../src/model/generate.js';
import { CSV_COLUMNS, csvField, renderCsv, renderCsvChunks } from '../../src/render/csv.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeExample, analyzeText } from '../helpers.js';

/** A strict RFC 4180 reader, to check that what is written reads back field for field. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      assert.equal(field, '', 'a quote may only open a field');
      quoted = true;
      i++;
    } else if (c === ',') { row.push(field); field = ''; i++; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; }
    else {
      assert.ok(c !== '\n' && c !== '\r', `bare line break at ${i}`);
      field += c;
      i++;
    }
  }
  assert.equal(quoted, false, 'unterminated quote');
  assert.equal(field, '', 'the last record ends with CRLF');
  return rows;
}

describe('CSV export', () => {
  it('quotes per RFC 4180', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a, b'), '"a, b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
  });

  it('neutralises formula injection', () => {
    for (const bad of ['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx']) assert.equal(csvField(bad).replace(/^"/, '')[0], "'", bad);
    assert.equal(csvField('=HYPERLINK("http://x","y")'), '"\'=HYPERLINK(""http://x"",""y"")"');
    assert.equal(csvField('a=b'), 'a=b');
  });

  it('writes one row per threat, in report order, with stable ids and triage', () => {
    const t = parseTriage('threats:\n  "no-rate-limiting@api:/search": { status: accepted, reason: "public, cached", owner: alice, expires: 2027-01-31 }\n', 'x').triage!;
    const r = applyTriage(analyzeExample('ecommerce'), t, { today: '2026-11-28' });
    const rows = parseCsv(renderCsv(r));
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    assert.equal(rows.length, r.threats.length + 1);
    assert.ok(rows.every((row) => row.length === CSV_COLUMNS.length));
    const col = (name: string) => CSV_COLUMNS.indexOf(name as (typeof CSV_COLUMNS)[number]);
    assert.deepEqual(rows.slice(1).map((row) => row[col('id')]), r.threats.map((x) => x.id));
    const search = rows.find((row) => row[col('key')] === 'no-rate-limiting@api:/search')!;
    assert.deepEqual([search[col('stable_id')], search[col('status')], search[col('reason')], search[col('owner')], search[col('expires')]],
      [r.threats.find((x) => x.key === 'no-rate-limiting@api:/search')!.uid, 'accepted', 'public, cached', 'alice', '2027-01-31']);
  });

  it('keeps hostile model text inert and the file well-formed', () => {
    const r = analyzeText(readFileSync('test/fixtures/track/hostile.yaml', 'utf8'), 'hostile.yaml');
    const text = renderCsv(r);
    const rows = parseCsv(text);
    const cells = rows.flat();
    assert.ok(cells.every((c) => !/^[=+\-@\t\r]/.test(c)), 'no cell starts like a formula');
    assert.ok(cells.some((c) => c.startsWith("'+cmd|")), 'the formula-like name was prefixed');
    assert.ok(renderCsv(r, { bom: true }).startsWith('\uFEFFid,'));
  });

  it('writes the same text in pieces', () => {
    const big = analyzeText(generateModelText({ elements: 600, seed: 3 }), 'big.yaml');
    const pieces = [...renderCsvChunks(big, { bom: true })];
    const whole = renderCsv(big, { bom: true });
    assert.equal(pieces.join(''), whole);
    assert.equal(parseCsv(whole.slice(1)).length, big.threats.length + 1);
  });
});
