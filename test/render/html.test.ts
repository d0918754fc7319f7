// The HTML report as markup: escaping, a CSP that names exactly its own script and style, no external
// requests, determinism. The browser test (test/browser) checks that it behaves.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderSvg } from '../../src/render/diagram/index.js';
import { REPORT_CSS, REPORT_JS } from '../../src/render/html-assets.js';
import { cspHash } from '../../src/render/html-csp.js';
import { base64Encode, sha256, utf8Bytes } from '../../src/model/digest.js';
import { generateModelText } from '../../src/model/generate.js';
import { MAX_EDGES, MAX_NODES } from '../../src/render/diagram/index.js';
import { esc, inlineSvg, renderHtml, renderHtmlChunks, renderHtmlReport, renderHtmlReportChunks } from '../../src/render/html.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeExample, analyzeText } from '../helpers.js';

const hostile = () => analyzeText(readFileSync('test/fixtures/track/hostile.yaml', 'utf8'), 'hostile.yaml');
const nodeHash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('HTML report markup', () => {
  it('computes SHA-256 and base64 exactly as node:crypto does', () => {
    for (const text of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'é€𝄞', REPORT_JS, REPORT_CSS]) {
      assert.equal(Buffer.from(sha256(utf8Bytes(text))).toString('hex'), createHash('sha256').update(text, 'utf8').digest('hex'));
      assert.equal(cspHash(text), nodeHash(text));
    }
    assert.equal(base64Encode(new Uint8Array([1, 2])), Buffer.from([1, 2]).toString('base64'));
  });

  it('has a strict CSP naming exactly its inline script and style', () => {
    const html = renderHtml(analyzeExample('ecommerce'));
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1].replace(/&#39;/g, "'");
    assert.match(csp, /^default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'; img-src data:; base-uri 'none'; form-action 'none'$/);
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
    assert.deepEqual(scripts, [REPORT_JS]);
    assert.deepEqual(styles, [REPORT_CSS]);
    assert.ok(csp.includes(`script-src ${nodeHash(REPORT_JS)}`));
    assert.ok(csp.includes(`style-src ${nodeHash(REPORT_CSS)}`));
  });

  it('escapes every piece of model text', () => {
    const html = renderHtml(hostile());
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'only the report\'s own script');
    assert.equal((html.match(/<style/g) ?? []).length, 1, 'only the report\'s own style');
    for (const tag of ['<img', '<iframe', '<svg onload', '<b>']) assert.ok(!html.includes(tag), tag);
    // Every `<` in model text is escaped, so each `<` opens one of our tags; with their (always double-quoted,
    // escaped) attribute values removed, no tag may carry an event handler.
    const tags = [...html.matchAll(/<[A-Za-z][^>]*>/g)].map((m) => m[0].replace(/"[^"]*"/g, '""'));
    assert.ok(tags.length > 100);
    assert.deepEqual(tags.filter((t) => /\son[a-z]+\s*=/i.test(t)), [], 'no event handler attribute');
    assert.ok(html.includes('&lt;script&gt;window.__pwned = &#39;system&#39;&lt;/script&gt;Evil shop'));
    assert.equal(esc(`<a href="x" onclick='y'>&`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
  });

  it('makes no external requests: no src or href leaves the page', () => {
    const html = renderHtml(analyzeExample('ecommerce'));
    const refs = [...html.matchAll(/\s(?:src|href|action|xlink:href)\s*=\s*"([^"]*)"/g)].map((m) => m[1]);
    assert.ok(refs.length > 0);
    assert.ok(refs.every((u) => u.startsWith('#')), refs.filter((u) => !u.startsWith('#')).join(', '));
    assert.ok(!/@import|url\(/.test(REPORT_CSS));
  });

  it('has the sections and one row per threat with its stable id and status', () => {
    const t = parseTriage('threats:\n  "no-rate-limiting@api:/search": { status: accepted, reason: public }\n', 'x').triage!;
    const r = applyTriage(analyzeExample('ecommerce'), t, { today: '2026-11-28' });
    const html = renderHtml(r, { generator: 'threatmap test' });
    for (const id of ['tm-summary', 'tm-residual', 'tm-diagram', 'tm-threats', 'tm-coverage', 'tm-surface', 'tm-boundaries', 'tm-assets', 'tm-recommendations']) {
      assert.ok(html.includes(`<section id="${id}"`), id);
    }
    assert.equal((html.match(/<tr id="tm-t-T\d+" class="threat/g) ?? []).length, r.threats.length);
    for (const threat of r.threats) assert.ok(html.includes(`<span class="uid mono">${threat.uid}</span>`));
    assert.match(html, /data-status="accepted"/);
    assert.match(html, /<meta name="generator" content="threatmap test">/);
  });

  it('inlines the SVG diagram, without prolog or anything active', async () => {
    const svg = await renderSvg(analyzeExample('ecommerce'), { colorByRisk: true });
    const inlined = inlineSvg(svg);
    assert.ok(inlined.startsWith('<svg'));
    assert.equal(inlineSvg('<svg><script>x()</script><a xlink:href="javascript:x()" onclick="y()"><text>t</text></a><foreignObject><div/></foreignObject></svg>'), '<svg><a><text>t</text></a></svg>');
    // A label's escaped text is left whole; an attribute whose quoted value holds `>` is still read as one.
    assert.equal(inlineSvg('<svg><text x="1">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;User</text></svg>'), '<svg><text x="1">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;User</text></svg>');
    assert.equal(inlineSvg('<svg><a title="a > b" onclick="y()"><text>t</text></a></svg>'), '<svg><a title="a > b"><text>t</text></a></svg>');
    const html = await renderHtmlReport(analyzeExample('ecommerce'));
    assert.match(html, /<figure class="diagram" role="img" aria-label="Data flow diagram"><svg/);
    const fallback = renderHtml(analyzeExample('ecommerce'), { diagramNote: 'no SVG here' });
    assert.match(fallback, /<p class="note">no SVG here<\/p><div class="diagram"><pre>/);
  });

  it('is deterministic', async () => {
    assert.equal(await renderHtmlReport(analyzeExample('prelaunch')), await renderHtmlReport(analyzeExample('prelaunch')));
  });

  it('past the readable size draws the boundary overview, and says so', async () => {
    const r = analyzeText(generateModelText({ elements: 200, seed: 1 }), 'generated.yaml');
    assert.ok(r.elements.length > MAX_NODES || r.flows.length > MAX_EDGES);
    const html = await renderHtmlReport(r);
    assert.match(html, /<p class="note">The boundary overview: 200 elements and 600 flows are too many for a readable diagram, so each trust boundary is one box/);
    const svg = /<figure class="diagram" role="img" aria-label="Data flow diagram">(<svg[\s\S]*?<\/svg>)<\/figure>/.exec(html)![1];
    assert.match(svg, /\d+ elements<\/text>/, 'boxes are boundaries with their element counts');
    assert.ok(!svg.includes(`>${r.elements[0].name}<`), 'no element is drawn');
    assertStrictCsp(html);
    assert.equal([...await renderHtmlReportChunks(r)].join(''), html);
  });

  it('links the threats of a large punch-list action as runs and a count, as the Markdown report lists them', () => {
    const r = analyzeText(generateModelText({ elements: 200, seed: 1 }), 'generated.yaml');
    const link = (id: string) => `<a href="#tm-t-${id}">${id}</a>`;
    const few = r.recommendations.find((rec) => rec.threats.length <= 10)!;
    const many = { ...r.recommendations[0], threats: ['T3', 'T4', 'T5', 'T6', 'T8', 'T9', 'T11', 'T12', 'T13', 'T14', 'T20'] };
    const html = renderHtml({ ...r, recommendations: [many, few] });
    assert.ok(html.includes(`(${link('T3')} to ${link('T6')}, ${link('T8')}, ${link('T9')}, ${link('T11')} to ${link('T14')}, ${link('T20')}; 11 threats)`));
    assert.ok(html.includes(`(${few.threats.map(link).join(', ')})`));
  });

  it('when even the overview is too large, shows the text overview, in pieces', async () => {
    const r = analyzeText(generateModelText({ elements: 1000, seed: 1 }), 'generated.yaml');
    const pieces = [...await renderHtmlReportChunks(r)];
    assert.ok(pieces.length > 1);
    const html = pieces.join('');
    assert.match(html, /<p class="note">The diagram is shown as text: 1000 elements and 3000 flows are too many for a readable diagram, and its \d+ boundary boxes/);
    // Said once, by the page: the text diagram below it starts with the boundaries, not a second note.
    assert.match(html, /<div class="diagram"><pre>\[[^\]\n]+\]/);
    assert.ok(!html.includes('do not fit a readable diagram'));
    assert.ok(!html.includes('<svg'));
    assertStrictCsp(html);
    assert.equal(renderHtml(r, { diagramNote: 'x' }), [...renderHtmlChunks(r, { diagramNote: 'x' })].join(''));
  });
});

/** The CSP names exactly the one inline script and style the page has. */
function assertStrictCsp(html: string): void {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1].replace(/&#39;/g, "'");
  assert.equal(csp, `default-src 'none'; script-src ${nodeHash(REPORT_JS)}; style-src ${nodeHash(REPORT_CSS)}; img-src data:; base-uri 'none'; form-action 'none'`);
  assert.deepEqual([...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]), [REPORT_JS]);
  assert.deepEqual([...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]), [REPORT_CSS]);
}
