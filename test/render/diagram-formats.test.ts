import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { renderDot, renderMermaid, renderPng, renderSvg } from '../../src/render/diagram/index.js';
import { clean } from '../../src/render/diagram/escape.js';
import { ecommerce, makeResult } from '../fixtures/diagram/build.js';

const HOSTILE = [
  'Say "hi" [x] | <b>bold</b> & more',
  '<script>alert(1)</script>',
  '🔥 Fire 🚒 service',
  'x'.repeat(200),
  'a\\nb \\" end -->|x| n1 ; end',
  'line\nbreak`md` #35; &amp; {braces} (parens)',
  'subgraph end',
];

function hostile(): AnalysisResult {
  return makeResult({
    name: 'Evil "system" <svg onload=x>',
    boundaries: [
      { id: 'b"1', name: '<b>Zone</b> "one" | [x]' },
      { id: 'b2', name: 'Nested ]] end', parent: 'b"1' },
    ],
    elements: HOSTILE.map((name, i) => ({
      id: i === 0 ? 'id with "quotes" and -->' : `e${i}`,
      name,
      kind: (['external', 'process', 'store'] as const)[i % 3],
      ...(i % 3 === 1 ? { boundary: 'b"1' } : i % 3 === 2 ? { boundary: 'b2' } : {}),
    })),
    flows: HOSTILE.slice(1).map((_, i) => ({
      from: i === 0 ? 'id with "quotes" and -->' : `e${i}`,
      to: `e${i + 1}`,
      protocol: ['https', '<img src=x>', '"|pipe|"', 'a&b'][i % 4]!,
    })),
  });
}

/** Mermaid entity codes back to characters, to compare labels with the names they show. */
const decodeMermaid = (s: string): string => s.replace(/#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)));

/** Parses our Mermaid output: node definitions, edges and each node's subgraph chain. */
function parseMermaid(text: string): { nodes: Map<string, { label: string; shape: string; path: string[] }>; edges: Array<[string, string, string]>; groups: Map<string, string> } {
  const nodes = new Map<string, { label: string; shape: string; path: string[] }>();
  const edges: Array<[string, string, string]> = [];
  const groups = new Map<string, string>();
  const stack: string[] = [];
  const lines = text.trimEnd().split('\n');
  assert.match(lines[0]!, /^flowchart (LR|TD)$/);
  for (const line of lines.slice(1)) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^\s*subgraph (b\d+|legend)\["([^"]*)"\]$/))) {
      stack.push(m[1]!);
      groups.set(m[1]!, decodeMermaid(m[2]!));
    } else if (/^\s*end$/.test(line)) {
      assert.ok(stack.pop(), 'unbalanced end');
    } else if ((m = line.match(/^\s*(n\d+)(\["([^"]*)"\]|\(\["([^"]*)"\]\)|\[\("([^"]*)"\)\]|\[\["([^"]*)"\]\])$/))) {
      const label = m[3] ?? m[4] ?? m[5] ?? m[6]!;
      const shape = m[3] !== undefined ? 'rect' : m[4] !== undefined ? 'stadium' : m[5] !== undefined ? 'cylinder' : 'subroutine';
      assert.ok(!nodes.has(m[1]!), `node ${m[1]} defined twice`);
      nodes.set(m[1]!, { label: decodeMermaid(label), shape, path: [...stack] });
    } else if ((m = line.match(/^\s*(n\d+) -->(?:\|"([^"]*)"\|)? (n\d+)$/))) {
      edges.push([m[1]!, m[3]!, decodeMermaid(m[2] ?? '')]);
    } else if (/^\s*(style b\d+ |classDef risk\w+ |class n[\d,n]+ risk\w+$|linkStyle [\d,]+ |legend\w+\["\w+"\]:::risk\w+$)/.test(line)) {
      // styling
    } else {
      assert.fail(`unexpected Mermaid line: ${line}`);
    }
  }
  assert.equal(stack.length, 0, 'unclosed subgraph');
  return { nodes, edges, groups };
}

/** Every quote in a DOT line belongs to a well-formed quoted string, and braces balance. */
function checkDot(text: string): void {
  let depth = 0;
  for (const line of text.split('\n')) {
    const rest = line.replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
    assert.ok(!rest.includes('"') || /^(\s*)[^"]*(""[^"]*)*$/.test(rest), `bad quoting: ${line}`);
    assert.equal((rest.match(/"/g) ?? []).length % 2, 0, `odd quotes: ${line}`);
    for (const ch of rest) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
    assert.ok(depth >= 0);
    assert.ok(!/[<>]/.test(line.replace(/->/g, '')), `raw angle bracket in DOT: ${line}`);
  }
  assert.equal(depth, 0, 'unbalanced braces');
}

describe('Mermaid diagram', () => {
  it('has every element once, every flow, and boundary subgraphs with exactly their members', () => {
    const r = ecommerce();
    const { nodes, edges, groups } = parseMermaid(renderMermaid(r));
    assert.deepEqual([...nodes.values()].map((n) => n.label).sort(), r.elements.map((e) => e.name).sort());
    const byName = new Map([...nodes].map(([id, n]) => [n.label, { id, ...n }]));
    for (const e of r.elements) {
      const n = byName.get(e.name)!;
      assert.equal(n.shape, { external: 'rect', process: 'stadium', store: 'cylinder' }[e.kind]);
      const chain: string[] = [];
      for (let b = e.boundary; b !== undefined; b = r.boundaries.find((x) => x.id === b)!.parent) chain.unshift(r.boundaries.find((x) => x.id === b)!.name);
      assert.deepEqual(n.path.map((g) => groups.get(g)), chain, e.id);
    }
    assert.equal(edges.length, r.flows.length);
    const idOf = (el: string): string => byName.get(r.elements.find((e) => e.id === el)!.name)!.id;
    for (const f of r.flows) assert.ok(edges.some(([a, b, l]) => a === idOf(f.from) && b === idOf(f.to) && l === f.protocol), f.id);
  });

  it('escapes any name and id', () => {
    const r = hostile();
    const text = renderMermaid(r, { colorByRisk: true, showData: true });
    const { nodes, edges, groups } = parseMermaid(text);
    assert.deepEqual([...nodes.values()].map((n) => n.label).sort(), r.elements.map((e) => clean(e.name)).sort());
    assert.equal(edges.length, r.flows.length);
    assert.deepEqual(edges.map((e) => e[2]), r.flows.map((f) => clean(f.protocol)));
    assert.ok([...groups.values()].includes('<b>Zone</b> "one" | [x]'));
    assert.ok(!/<|>(?!\|)|`/.test(text.replace(/-->/g, '')), 'no raw markup characters');
    assert.ok(!text.includes('x'.repeat(61)), 'long names are shortened');
  });

  it('colours by risk with a legend, and is deterministic', () => {
    const r = ecommerce();
    const text = renderMermaid(r, { colorByRisk: true, direction: 'TD' });
    assert.match(text, /^flowchart TD/);
    assert.match(text, /classDef riskHigh fill:#\w+/);
    assert.match(text, /class n\d+ riskHigh/);
    assert.match(text, /linkStyle 2 stroke/);
    assert.match(text, /subgraph legend\["Highest risk"\]/);
    assert.equal(text, renderMermaid(r, { colorByRisk: true, direction: 'TD' }));
    assert.doesNotMatch(renderMermaid(r), /classDef/);
  });

  it('draws the boundary overview', () => {
    const { nodes, edges } = parseMermaid(renderMermaid(ecommerce(), { detail: 'boundaries' }));
    assert.ok([...nodes.values()].every((n) => n.shape === 'subroutine'));
    assert.ok([...nodes.values()].some((n) => n.label === 'DMZ (2 elements)'));
    assert.ok(edges.some((e) => e[2] === '2 flows: sql+tls, redis'));
  });
});

describe('DOT diagram', () => {
  it('has clusters for boundaries, shapes per kind, every flow', () => {
    const r = ecommerce();
    const dot = renderDot(r);
    checkDot(dot);
    assert.match(dot, /fontname="Helvetica"/);
    assert.equal((dot.match(/subgraph cluster_\d+ \{/g) ?? []).length, r.boundaries.length);
    assert.equal((dot.match(/style="dashed,rounded"/g) ?? []).length, r.boundaries.length);
    assert.equal((dot.match(/^\s*n\d+ \[label=/gm) ?? []).length, r.elements.length);
    assert.equal((dot.match(/ -> /g) ?? []).length, r.flows.length);
    assert.match(dot, /label="Orders DB", shape=cylinder/);
    assert.match(dot, /label="CDN", shape=box, style="rounded,filled"/);
    // The data tier cluster sits inside the internal network cluster.
    assert.match(dot, /label="Internal network";[^\n]*\n\s+subgraph cluster_\d+ \{\n\s+label="Data tier"/);
  });

  it('escapes any name', () => {
    const dot = renderDot(hostile(), { colorByRisk: true, showData: true });
    checkDot(dot);
    assert.match(dot, /label="Say \\"hi\\" \[x\] \| &lt;b&gt;bold&lt;\/b&gt; &amp; more"/);
    assert.match(dot, /label="a\\\\nb \\\\\\" end --&gt;\|x\| n1 ; end"/);
    assert.equal(dot, renderDot(hostile(), { colorByRisk: true, showData: true }));
  });
});

describe('SVG and PNG diagrams', () => {
  it('renders SVG in-process without downloading anything', async () => {
    const realFetch = globalThis.fetch;
    globalThis.fetch = (() => Promise.reject(new Error('network access during rendering'))) as typeof fetch;
    try {
      const svg = await renderSvg(ecommerce());
      assert.match(svg, /^<\?xml[^>]*>\s*<!DOCTYPE svg/);
      assert.match(svg, /<svg [^>]*width="\d+pt"/);
      for (const name of ['Customer browser', 'Orders DB', 'Data tier', 'DMZ']) assert.ok(svg.includes(`>${name}</text>`), name);
      assert.ok(!svg.includes('<!--'));
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it('keeps names out of the SVG markup', async () => {
    const svg = await renderSvg(hostile());
    assert.ok(!svg.includes('<script'));
    assert.ok(!svg.includes('<b>'));
    assert.ok(!svg.includes('<img'));
    assert.ok(!svg.includes('onload=x>'));
    assert.ok(svg.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(svg.includes('&lt;b&gt;bold&lt;/b&gt; &amp; more'));
    // Every element that opens is closed: a rough well-formedness check without an XML parser.
    const open = (svg.match(/<(g|text|title|svg|a)\b/g) ?? []).length;
    const close = (svg.match(/<\/(g|text|title|svg|a)>/g) ?? []).length;
    assert.equal(open, close);
  });

  it('renders the same PNG bytes every time', async () => {
    const a = await renderPng(ecommerce(), { colorByRisk: true });
    const b = await renderPng(ecommerce(), { colorByRisk: true });
    assert.deepEqual([...a.slice(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
    assert.ok(a.length > 10_000);
    assert.ok(Buffer.from(a).equals(Buffer.from(b)));
  });
});
