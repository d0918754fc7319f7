// `diagram --detail elements` draws the elements whenever they are within the readable size, even when they
// do not fit the width in the direction asked for; a note says what was done instead.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { layoutAscii, MAX_NODES } from '../../src/render/diagram/index.js';
import { glyphs, widthOf } from '../../src/render/diagram/text.js';
import { run } from '../cli/run-cli.js';
import { analyzeText } from '../helpers.js';
import { tempFolder } from '../temp.js';

/** Seven elements in two boundaries, a chain too long to lie left to right in 100 columns. */
const SEVEN = `threatmap: 1
system: { name: Seven }
boundaries:
  internet: { trust: untrusted }
  app: { trust: internal }
elements:
  browser: { name: Customer browser, tech: browser, in: internet }
  cdn: { name: Content delivery network, tech: cdn, in: app }
  web: { name: Web frontend server, type: web-server, in: app }
  api: { name: Orders API service, type: api, in: app }
  worker: { name: Background worker, type: worker, in: app }
  db: { name: Orders database, tech: postgres, in: app }
  cache: { name: Session cache, tech: redis, in: app }
flows:
  - browser -> cdn: https
  - cdn -> web: https
  - web -> api: https
  - api -> worker: https
  - worker -> db: postgres
  - api -> cache: redis
`;

/** A fan of eight and a chain of six behind it: too wide top to bottom and too long left to right. */
function fanAndChain(): string {
  const elements = ['  src: { name: Source service one, type: api, in: app }'];
  const flows: string[] = [];
  for (let i = 0; i < 8; i++) {
    elements.push(`  fan${i}: { name: Fan out service ${i}, type: api, in: app }`);
    flows.push(`  - src -> fan${i}: https`);
  }
  let previous = 'fan0';
  for (let i = 0; i < 6; i++) {
    elements.push(`  chain${i}: { name: Chain service number ${i}, type: api, in: app }`);
    flows.push(`  - ${previous} -> chain${i}: https`);
    previous = `chain${i}`;
  }
  return `threatmap: 1\nsystem: { name: W }\nboundaries:\n  app: {}\nelements:\n${elements.join('\n')}\nflows:\n${flows.join('\n')}\n`;
}

function chainOf(n: number): string {
  const elements = Array.from({ length: n }, (_, i) => `  e${i}: { type: api, in: ${i % 2 ? 'app' : 'dmz'} }`);
  const flows = Array.from({ length: n - 1 }, (_, i) => `  - e${i} -> e${i + 1}: https`);
  return `threatmap: 1\nsystem: { name: B }\nboundaries:\n  app: {}\n  dmz: {}\nelements:\n${elements.join('\n')}\nflows:\n${flows.join('\n')}\n`;
}

const widest = (text: string): number => Math.max(...text.split('\n').map((line) => widthOf(glyphs(line))));

describe('ASCII diagram: elements asked for', () => {
  const seven = analyzeText(SEVEN);

  it('seven elements that do not fit left to right are drawn top to bottom, with a note', () => {
    const d = layoutAscii(seven, { detail: 'elements', direction: 'LR', keepElements: true });
    assert.equal(d.overview, false);
    assert.deepEqual(d.boxes.map((b) => b.id).sort(), ['api', 'browser', 'cache', 'cdn', 'db', 'web', 'worker']);
    assert.equal(d.note, 'Note: left to right, 7 elements do not fit 100 columns; drawn top to bottom instead (--width sets the columns).');
    assert.ok(d.text.startsWith('Note: left to right, 7 elements'));
    assert.ok(widest(d.text) <= 100);
  });

  it('as asked when they fit: no note', () => {
    const d = layoutAscii(seven, { detail: 'elements', direction: 'LR', keepElements: true, width: 200 });
    assert.equal(d.overview, false);
    assert.equal(d.direction, 'LR');
    assert.equal(d.note, undefined);
  });

  it('without being asked for (auto), the same model still falls back to the boundary overview', () => {
    const d = layoutAscii(seven, { detail: 'elements', direction: 'LR' });
    assert.equal(d.overview, true);
    assert.match(d.note ?? '', /^Note: 7 elements and 6 flows do not fit a readable diagram 100 columns wide/);
  });

  it('wider than the width when no direction fits it, saying how wide', () => {
    const d = layoutAscii(analyzeText(fanAndChain()), { detail: 'elements', keepElements: true });
    assert.equal(d.overview, false);
    assert.equal(d.boxes.length, 15);
    const cols = widest(d.text.split('\n').slice(2).join('\n'));
    assert.ok(cols > 100);
    assert.equal(d.note, `Note: top to bottom, 15 elements need ${cols} columns, more than the 100 asked for; drawn wider (--width sets the columns, --focus ID draws one part).`);
    // Not asked for: the overview, as before.
    assert.equal(layoutAscii(analyzeText(fanAndChain()), { detail: 'elements' }).overview, true);
  });

  it('past the readable size the overview is drawn, and the note says that size', () => {
    const big = analyzeText(chainOf(MAX_NODES + 5));
    const d = layoutAscii(big, { detail: 'elements', keepElements: true });
    assert.equal(d.overview, true);
    assert.match(d.note ?? '', /^Note: 45 elements and 44 flows are more than a readable diagram holds \(40 elements, 90 flows\); showing one box per trust boundary/);
    assert.match(d.note ?? '', /--focus ID draws one part with its elements\.$/);
    // At the limit itself the elements are still drawn.
    assert.equal(layoutAscii(analyzeText(chainOf(MAX_NODES)), { detail: 'elements', keepElements: true }).overview, false);
  });

  it('leaves out the note where the page says why itself', () => {
    const d = layoutAscii(seven, { detail: 'elements', direction: 'LR', keepElements: true, note: false });
    assert.equal(d.overview, false);
    assert.equal(d.note, undefined);
  });
});

describe('threatmap diagram --detail elements --direction LR', () => {
  const dir = tempFolder('threatmap-diagram-s16-');
  const model = join(dir, 'M.yaml');
  writeFileSync(model, SEVEN);

  it('draws the seven elements, with the note', () => {
    const r = run('diagram', model, '--detail', 'elements', '--direction', 'LR', '--quiet');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith('Note: left to right, 7 elements do not fit 100 columns; drawn top to bottom'), r.stdout.slice(0, 200));
    for (const name of ['Customer browser', 'Background worker', 'Orders database', 'Session cache']) assert.ok(r.stdout.includes(name), name);
  });

  it('--detail auto draws them too (turned, with the note), since they fit the width turned', () => {
    const r = run('diagram', model, '--direction', 'LR', '--quiet');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith('Note: left to right, 7 elements do not fit 100 columns; drawn top to bottom'), r.stdout.slice(0, 200));
    assert.ok(r.stdout.includes('Background worker'));
  });
});
