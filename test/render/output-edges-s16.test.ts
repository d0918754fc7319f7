// Report and export edges: the HTML summary under --min-risk says what it leaves out as the Markdown report
// does; "endpoints" (what the model declares) and "entry points" (where attack paths start) are two words;
// CSV and HTML write control characters and bidi overrides out visibly; SARIF of a model read from standard
// input locates its results under a URI code scanning accepts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterByRisk } from '../../src/analysis/filter.js';
import { csvField, renderCsv } from '../../src/render/csv.js';
import { renderHtml } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { buildSarif, renderSarif, STDIN_URI } from '../../src/render/sarif.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeExample, analyzeText, exampleText } from '../helpers.js';

const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

const HOSTILE = analyzeText([
  'threatmap: 1',
  'system:',
  '  name: "Shop\\e[2J\\e]0;pwned\\a"',
  '  description: "two\\rCR \\0NUL \\x9b31m C1 \\u202Eevil\\u2066 end\\x7f"',
  'boundaries:',
  '  internet: { name: "Inter\\e[31mnet", trust: untrusted }',
  '  app: { name: "App\\u202Enet", trust: internal }',
  'assets:',
  '  pii: { name: "PII\\e[5m", type: pii, classification: confidential }',
  'elements:',
  '  browser: { name: "=cmd\\e[2J", tech: browser, in: internet }',
  '  api: { name: "API\\x9b2J\\u202Egnp.exe", description: "desc\\e[1m", tech: node, in: app, handles: [pii] }',
  '  db: { name: "DB\\0\\a\\b", tech: postgres, in: app, stores: [pii] }',
  'flows:',
  '  - { from: browser, to: api, protocol: http, data: [pii] }',
  '  - { from: api, to: db, protocol: tcp, data: [pii] }',
  '',
].join('\n'), 'hostile.yaml');

const summaryOf = (html: string): string => {
  const start = html.indexOf('<section id="tm-summary">');
  return html.slice(start, html.indexOf('</section>', start));
};

describe('the HTML summary under --min-risk', () => {
  const triage = parseTriage('threats:\n  no-rate-limiting@api:/search: { status: accepted, reason: cached at the CDN }\n', 'shop.triage.yaml').triage!;
  const decided = applyTriage(analyzeExample('ecommerce'), triage, { today: '2026-12-01' });

  it('says how many threats the tables show and which it leaves out, as the Markdown Result line does', () => {
    const filtered = filterByRisk(decided, 'High');
    const md = renderMarkdown(filtered);
    const phrase = /\*\*Result:\*\* [^\n]*? (\d+ of \d+ shown, those at or above \w+ risk \(--min-risk\): [^\n]*left out\.)/.exec(md)![1];
    const html = renderHtml(filtered);
    const summary = summaryOf(html);
    assert.ok(summary.includes(`<p class="note"><strong>Threats:</strong> ${phrase}</p>`), summary);
    assert.match(phrase, /^5 of 9 shown, those at or above High risk \(--min-risk\): 3 Medium, 1 Low left out\.$/);
    // The cards and the residual risk count every threat found, and say so.
    assert.ok(summary.includes('<div class="n">9</div><div class="l">threats</div>'), summary);
    assert.ok(summary.includes('<strong>Residual risk of every threat found:</strong> 8 threats open'), summary);
    assert.ok(html.includes('Counted over all 9 threats found; the table lists the decided ones of the 5 shown.'), 'residual section');
  });

  it('says nothing of the kind when nothing is left out', () => {
    const html = renderHtml(decided);
    assert.doesNotMatch(summaryOf(html), /shown|every threat found/);
    assert.ok(summaryOf(html).includes('<strong>Residual risk:</strong> 8 threats open'), summaryOf(html));
    assert.ok(!html.includes('Counted over all'));
  });
});

describe('endpoints and entry points', () => {
  const r = analyzeExample('ecommerce');

  it('the Scope line counts the model\'s endpoints as endpoints, in Markdown and HTML', () => {
    const md = /\*\*Scope:\*\* ([^\n]*)/.exec(renderMarkdown(r))![1];
    const html = /<strong>Scope:<\/strong> ([^<]*)/.exec(renderHtml(r))![1];
    assert.equal(r.summary.endpoints, 6);
    for (const scope of [md, html]) {
      assert.match(scope, /, 6 endpoints\.$/);
      assert.doesNotMatch(scope, /entry point/);
    }
  });

  it('attack paths keep "entry point" for the elements paths start from', () => {
    const md = renderMarkdown(r);
    const paths = md.slice(md.indexOf('### Attack Paths'));
    assert.match(paths, /from an entry point \(an element in an untrusted zone, or marked exposed\)/);
    const noEntry = analyzeText(exampleText('ecommerce').replace(/in: internet/g, 'in: app').replace(/in: provider/g, 'in: app'), 'closed.yaml');
    assert.ok(renderHtml(noEntry).includes('The model has no entry point'), 'no element is an entry point');
  });
});

describe('control characters in CSV and HTML', () => {
  it('CSV writes them out visibly, and a formula-like name still gets its apostrophe', () => {
    const csv = renderCsv(HOSTILE);
    // CRLF ends its records (RFC 4180); a carriage return in a name is written out.
    assert.doesNotMatch(csv.replace(/\r\n/g, '\n'), UNSAFE);
    assert.equal(csvField('two\rCR \0NUL\nline'), '"two\\u000dCR \\u0000NUL\nline"');
    assert.ok(csv.includes("'=cmd\\u001b[2J"), csv.slice(0, 600));
    assert.ok(csv.includes('API\\u009b2J\\u202egnp.exe'), 'C1 and bidi override written out');
  });

  it('HTML writes them out visibly: text, attributes and the title', () => {
    const html = renderHtml(HOSTILE);
    assert.doesNotMatch(html, UNSAFE);
    assert.ok(html.includes('<title>Threat model: Shop\\u001b[2J\\u001b]0;pwned\\u0007</title>'), html.slice(0, 1200));
    assert.ok(html.includes('\\u202eevil\\u2066 end\\u007f'), 'description');
    assert.ok(html.includes('data-component="api"'));
  });

  it('text without them is written as before', () => {
    const r = analyzeExample('ecommerce');
    assert.ok(!renderCsv(r).includes('\\u00'));
    assert.ok(!renderHtml(r).includes('\\u00'));
  });
});

describe('SARIF of a model read from standard input', () => {
  const stdin = analyzeText(exampleText('ecommerce'), '<stdin>');

  it('locates its results under `stdin` and says why in the run\'s properties', () => {
    const log = buildSarif(stdin, { uri: '-' });
    const run = log.runs[0];
    const uris = new Set(run.results!.flatMap((res) => res.locations!.map((l) => l.physicalLocation!.artifactLocation!.uri)));
    assert.deepEqual([...uris], [STDIN_URI]);
    // No category unless one is asked for (export --category): the upload's own category applies.
    assert.equal(run.automationDetails, undefined);
    assert.equal(run.properties?.modelSource, 'standard input');
    assert.match(String(run.properties?.modelSourceNote), /names no file of the repository/);
    // The streamed text is the same log.
    assert.deepEqual(JSON.parse(renderSarif(stdin, { uri: '-' })), log);
  });

  it('a file named `-` (given as ./-) and a file of the repository keep their own path', () => {
    const dash = buildSarif(analyzeText(exampleText('ecommerce'), './-'), { uri: '-' }).runs[0];
    assert.equal(dash.results![0].locations![0].physicalLocation!.artifactLocation!.uri, '-');
    assert.equal(dash.properties?.modelSource, undefined);
    const file = buildSarif(analyzeExample('ecommerce'), { uri: 'threatmodel/shop.yaml' }).runs[0];
    assert.equal(file.results![0].locations![0].physicalLocation!.artifactLocation!.uri, 'threatmodel/shop.yaml');
    assert.ok(!('modelSource' in file.properties!));
  });
});
