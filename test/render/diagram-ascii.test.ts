import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { DiagramError, layoutAscii, renderAscii, type AsciiDiagram } from '../../src/render/diagram/index.js';
import { glyphs, widthOf } from '../../src/render/diagram/text.js';
import { ecommerce, makeResult, type Spec } from '../fixtures/diagram/build.js';

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  kind: 'external' | 'process' | 'store';
}

/** Finds element boxes in a plain-ASCII picture by their borders alone (no help from the layout). */
function parseBoxes(text: string): Box[] {
  const g = text.split('\n');
  const at = (x: number, y: number): string => g[y]?.[x] ?? ' ';
  const boxes: Box[] = [];
  const bottoms = new Set<string>();
  const shapes = [
    { kind: 'external', tl: '+', tr: '+', bl: '+', br: '+', h: '-', l: '|', r: '|' },
    { kind: 'process', tl: '.', tr: '.', bl: "'", br: "'", h: '-', l: '(', r: ')' },
  ] as const;
  for (let y = 0; y < g.length; y++) {
    for (let x = 0; x < g[y]!.length; x++) {
      for (const s of shapes) {
        if (at(x, y) !== s.tl || at(x + 1, y) !== s.h) continue;
        let x1 = x + 1;
        while (at(x1, y) === s.h) x1++;
        if (at(x1, y) !== s.tr || at(x, y + 1) !== s.l) continue;
        let y1 = y + 1;
        while (at(x, y1) === s.l && at(x1, y1) === s.r) y1++;
        if (at(x, y1) !== s.bl || at(x1, y1) !== s.br || y1 === y + 1) continue;
        let ok = true;
        for (let k = x + 1; k < x1; k++) if (at(k, y1) !== s.h) ok = false;
        // A box has blank padding inside its sides and a name; arrows can outline an empty rectangle.
        let text = '';
        for (let k = y + 1; k < y1; k++) {
          if (at(x + 1, k) !== ' ' || at(x1 - 1, k) !== ' ') ok = false;
          text += g[k]!.slice(x + 1, x1);
        }
        if (!/[^\s|+-]/.test(text)) ok = false;
        if (ok) boxes.push({ x, y, w: x1 - x + 1, h: y1 - y + 1, kind: s.kind });
      }
      // A store: a run of '=' with the same run some rows below and blank sides between.
      if (at(x, y) === '=' && at(x - 1, y) !== '=' && at(x + 1, y) === '=') {
        let x1 = x;
        while (at(x1 + 1, y) === '=') x1++;
        if (bottoms.has(`${x},${y}`)) continue;
        for (let y1 = y + 2; y1 < Math.min(g.length, y + 6); y1++) {
          let same = at(x - 1, y1) !== '=' && at(x1 + 1, y1) !== '=';
          for (let k = x; k <= x1; k++) if (at(k, y1) !== '=') same = false;
          if (same) {
            bottoms.add(`${x},${y1}`);
            boxes.push({ x, y, w: x1 - x + 1, h: y1 - y + 1, kind: 'store' });
            break;
          }
        }
      }
    }
  }
  return boxes;
}

const intersects = (a: Box, b: Box): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const inside = (a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }): boolean =>
  a.x > b.x && a.y > b.y && a.x + a.w < b.x + b.w && a.y + a.h < b.y + b.h;

function picture(d: AsciiDiagram): string {
  // The picture without the note and legend lines.
  const lines = d.text.split('\n');
  const start = d.note ? lines.findIndex((l) => l.trim() !== '' && !d.note!.includes(l.trim())) : 0;
  return lines.slice(start).filter((l) => !l.startsWith('Legend:') && !l.startsWith('--> data flow')).join('\n');
}

/** Checks everything the issue promises about an element diagram. */
function checkDiagram(result: AnalysisResult, d: AsciiDiagram, width: number): void {
  for (const line of d.text.split('\n')) assert.ok(widthOf(glyphs(line)) <= width, `line wider than ${width}: ${line}`);
  assert.equal(d.overview, false);
  // Every element exactly once, each box where the layout says, boxes never overlapping.
  assert.deepEqual(d.boxes.map((b) => b.id).sort(), result.elements.map((e) => e.id).sort());
  // Arrows can outline a rectangle of their own, so the parsed boxes are matched to the layout's.
  const all = parseBoxes(picture(d));
  const parsed = d.boxes.map((b) => {
    const p = all.find((q) => q.x === b.rect.x && q.y === b.rect.y);
    assert.ok(p, `box ${b.id} not found at ${b.rect.x},${b.rect.y}:\n${d.text}`);
    assert.equal(p.kind, b.kind);
    assert.deepEqual([p.w, p.h], [b.rect.w, b.rect.h]);
    return p;
  });
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const real = parsed.includes(all[i]!) || parsed.includes(all[j]!);
      assert.ok(!real || !intersects(all[i]!, all[j]!), `boxes overlap:\n${d.text}`);
    }
  }
  // Boundaries enclose exactly their members (directly or through nested boundaries).
  const parent = new Map(result.boundaries.map((b) => [b.id, b.parent]));
  const within = (el: string, group: string): boolean => {
    for (let b = result.elements.find((e) => e.id === el)!.boundary; b !== undefined; b = parent.get(b)) if (b === group) return true;
    return false;
  };
  for (const g of d.groups) {
    for (const b of d.boxes) assert.equal(inside(b.rect, g.rect), within(b.id, g.id), `${b.id} vs boundary ${g.id}`);
  }
  for (let i = 0; i < d.groups.length; i++) {
    for (let j = i + 1; j < d.groups.length; j++) {
      const a = d.groups[i]!.rect;
      const b = d.groups[j]!.rect;
      const nested = inside(a, b) || inside(b, a);
      assert.ok(nested || !intersects({ ...a, kind: 'store' }, { ...b, kind: 'store' }), 'boundaries overlap');
    }
  }
  // Every flow drawn: from next to its source to an arrow head next to its target, never through a box.
  assert.deepEqual(d.edges.map((e) => e.id).sort(), result.flows.map((f) => f.id).sort());
  const rows = picture(d).split('\n');
  const rect = new Map(d.boxes.map((b) => [b.id, b.rect]));
  for (const e of d.edges) {
    const cells = e.route.cells;
    const touches = (c: [number, number], r: { x: number; y: number; w: number; h: number }): boolean =>
      (c[0] >= r.x && c[0] < r.x + r.w && (c[1] === r.y - 1 || c[1] === r.y + r.h)) ||
      (c[1] >= r.y && c[1] < r.y + r.h && (c[0] === r.x - 1 || c[0] === r.x + r.w));
    assert.ok(touches(cells[0]!, rect.get(e.from)!), `flow ${e.id} does not start at its source`);
    assert.ok(touches(cells[cells.length - 1]!, rect.get(e.to)!), `flow ${e.id} does not end at its target`);
    const [hx, hy] = cells[cells.length - 1]!;
    assert.ok('>v<^'.includes(rows[hy]![hx]!), `flow ${e.id} has no arrow head`);
    for (const c of cells) {
      for (const b of d.boxes) {
        const r = b.rect;
        assert.ok(!(c[0] >= r.x && c[0] < r.x + r.w && c[1] >= r.y && c[1] < r.y + r.h), `flow ${e.id} crosses ${b.id}`);
      }
    }
  }
}

/** Deterministic pseudo-random models with nested boundaries. */
function randomSpec(n: number, seed: number, flowsPer = 1.3): Spec {
  let s = seed;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const kinds = ['external', 'process', 'store'] as const;
  const boundaries = [
    { id: 'inet', name: 'Internet' },
    { id: 'dmz', name: 'DMZ' },
    { id: 'int', name: 'Internal' },
    { id: 'data', name: 'Data tier', parent: 'int' },
  ];
  const elements = Array.from({ length: n }, (_, i) => ({
    id: `e${i}`,
    name: `Elem ${i}`,
    kind: kinds[Math.floor(rnd() * 3)]!,
    ...(i % 5 === 4 ? {} : { boundary: boundaries[Math.floor(rnd() * 4)]!.id }),
  }));
  const flows = new Map<string, { from: string; to: string; protocol: string }>();
  for (let i = 1; i < n; i++) {
    const from = `e${Math.floor(rnd() * i)}`;
    flows.set(`${from}->e${i}`, { from, to: `e${i}`, protocol: 'https' });
    if (rnd() < flowsPer - 1) {
      const to = `e${Math.floor(rnd() * n)}`;
      if (to !== `e${i}`) flows.set(`e${i}->${to}`, { from: `e${i}`, to, protocol: 'grpc' });
    }
  }
  return { elements, boundaries, flows: [...flows.values()] };
}

describe('ASCII diagram', () => {
  it('draws the e-commerce system with every element, flow and boundary', () => {
    const r = ecommerce();
    const d = layoutAscii(r);
    checkDiagram(r, d, 100);
    for (const name of ['Internet', 'DMZ', 'Internal network', 'Data tier']) assert.match(d.text, new RegExp(`\\+- ${name} -`));
    assert.match(d.text, /\( API servers \)/);
    assert.match(d.text, /={5,}[^\n]*\n[^\n]*Orders DB/);
    assert.match(d.text, /https/);
  });

  it('respects both directions and narrow widths', () => {
    const r = ecommerce();
    for (const direction of ['LR', 'TD'] as const) {
      const d = layoutAscii(r, { direction });
      if (!d.overview) {
        assert.equal(d.direction, direction);
        checkDiagram(r, d, 100);
      }
    }
    const narrow = layoutAscii(r, { width: 50 });
    checkDiagram(r, narrow, 50);
  });

  it('draws generated models of up to 30 elements without overlaps', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const n = 5 + ((seed * 7) % 26);
      const r = makeResult(randomSpec(n, seed));
      const d = layoutAscii(r);
      if (d.overview) {
        assert.ok(n > 20, `a ${n}-element model fell back to the overview`);
        continue;
      }
      checkDiagram(r, d, 100);
    }
  });

  it('draws cycles, self-loops and parallel flows', () => {
    const r = makeResult({
      elements: [{ id: 'a' }, { id: 'b' }, { id: 'c', kind: 'store' }],
      flows: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'a' },
        { from: 'b', to: 'c' },
        { from: 'c', to: 'a' },
        { from: 'a', to: 'a', protocol: 'ipc' },
        { from: 'a', to: 'b', protocol: 'grpc', id: 'a->b#2' },
      ],
    });
    checkDiagram(r, layoutAscii(r), 100);
  });

  it('is deterministic', () => {
    const r = makeResult(randomSpec(25, 99));
    assert.equal(renderAscii(r), renderAscii(r));
    assert.equal(renderAscii(r, { unicode: true }), renderAscii(r, { unicode: true }));
  });

  it('switches to the boundary overview for large models, within the width', () => {
    const r = makeResult(randomSpec(120, 5));
    const d = layoutAscii(r);
    assert.equal(d.overview, true);
    assert.match(d.text.replace(/\n/g, ' '), /^Note: 120 elements and \d+ flows do not fit a readable diagram 100 columns wide; showing one box per trust boundary/);
    for (const line of d.text.split('\n')) assert.ok(line.length <= 100, line);
    for (const name of ['Internet', 'DMZ', 'Internal', 'Data tier', 'outside any boundary']) assert.ok(d.text.includes(name), name);
    assert.match(d.text, /\d+ flows?: /);
    // Every aggregated flow carries its count, on the arrow or in the list under the picture.
    for (const e of d.edges) assert.ok(e.labelled || d.text.includes(e.label), e.label);
  });

  it('switches to the overview for very large models, within the width', () => {
    const spec = randomSpec(3000, 7, 2);
    spec.boundaries = [...spec.boundaries!, ...Array.from({ length: 60 }, (_, i) => ({ id: `z${i}`, name: `Zone ${i}` }))];
    spec.elements.forEach((e, i) => { if (i % 2 === 0) e.boundary = `z${i % 60}`; });
    const r = makeResult(spec);
    const d = layoutAscii(r);
    assert.equal(d.overview, true);
    // 61 boundary boxes do not fit either: the note says the boundaries are listed instead.
    assert.equal(d.boxes.length, 0);
    assert.match(d.text.replace(/\n/g, ' '), /^Note: 3000 elements and \d+ flows do not fit a readable diagram 100 columns wide; listing the trust boundaries and the flows between them, with counts\./);
    for (const line of d.text.split('\n')) assert.ok(line.length <= 100, line);
    assert.ok(!layoutAscii(r, { note: false }).text.includes('Note:'), 'a page that explains it itself asks for no note');
  });

  it('draws the boundary overview on request', () => {
    const r = ecommerce();
    const d = layoutAscii(r, { detail: 'boundaries' });
    assert.equal(d.overview, true);
    assert.equal(d.note, undefined);
    assert.deepEqual(d.boxes.map((b) => b.name), ['Internet', 'DMZ', 'Internal network', 'Data tier', 'outside any boundary']);
    assert.match(d.text, /2 elements/);
  });

  it('renders any name safely within its box and the width', () => {
    const long = 'x'.repeat(200);
    const names = ['Say "hi" [x] | <b>&amp;', '🔥 Fire 🚒 service', long, 'line\nbreak\ttab', '', '日本語のサービス', 'e\u0301\u200b'];
    const r = makeResult({
      elements: names.map((name, i) => ({ id: `n${i}`, name, kind: i % 2 ? 'store' : 'process' })),
      flows: names.slice(1).map((_, i) => ({ from: `n${i}`, to: `n${i + 1}`, protocol: i === 0 ? '<script>|"' : 'https' })),
    });
    for (const unicode of [false, true]) {
      const d = layoutAscii(r, { unicode, width: 80 });
      for (const line of d.text.split('\n')) assert.ok(widthOf(glyphs(line)) <= 80, line);
      assert.ok(!d.text.includes('\t'));
      assert.ok(!d.text.includes(long), 'a 200-character name is shortened');
      assert.match(d.text, unicode ? /x…/ : /x\.\.\./);
      assert.equal(d.boxes.length, names.length);
    }
    const small = makeResult({ elements: [{ id: 'a', name: long }, { id: 'b', name: 'Say "hi" [x] | <b>' }], flows: [{ from: 'a', to: 'b' }] });
    checkDiagram(small, layoutAscii(small), 100);
  });

  it('focuses on an element or a boundary and hides kinds', () => {
    const r = ecommerce();
    const api = layoutAscii(r, { focus: 'api' });
    assert.deepEqual(api.boxes.map((b) => b.id).sort(), ['api', 'cache', 'db', 'lb', 'pay']);
    const dmz = layoutAscii(r, { focus: 'dmz' });
    assert.deepEqual(dmz.boxes.map((b) => b.id).sort(), ['api', 'browser', 'cdn', 'lb']);
    const hidden = layoutAscii(r, { hide: ['store', 'external'] });
    assert.deepEqual(hidden.boxes.map((b) => b.id).sort(), ['api', 'cdn', 'lb']);
    assert.equal(hidden.edges.length, 2);
    assert.equal(hidden.groups.some((g) => g.id === 'data'), false);
    assert.throws(() => renderAscii(r, { focus: 'nope' }), DiagramError);
  });

  it('tags risks when asked', () => {
    const r = ecommerce();
    assert.match(renderAscii(r, { colorByRisk: true }), /risk: High/);
    assert.doesNotMatch(renderAscii(r), /risk: High/);
  });

  it('uses Unicode box drawing on request', () => {
    const text = renderAscii(ecommerce(), { unicode: true });
    assert.match(text, /╭─+╮/);
    assert.match(text, /┌╌ DMZ ╌/);
    assert.match(text, /[▶▼◀▲]/);
  });
});
