// The "Terms used" appendix (session 16): the jargon the report's own texts use (IDOR, PKCE, HSTS...), one
// plain sentence each, only the terms that occur, alphabetically, at the end of the Markdown and HTML reports.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AUTH_METHODS } from '../../src/model/catalog.js';
import { renderHtml } from '../../src/render/html.js';
import { markdownChunks, renderMarkdown } from '../../src/render/markdown.js';
import { GLOSSARY, type Term, TermFinder, termsOf } from '../../src/render/glossary.js';
import { analyzeExample, analyzeText } from '../helpers.js';

const HEAD = 'threatmap: 1\nsystem: { name: X }\n';
const found = (...texts: string[]) => {
  const f = new TermFinder();
  for (const t of texts) f.scan(t);
  return f.terms().map((t) => t.term);
};
/** The report without its appendix, and the appendix's terms as listed. */
function split(md: string): { body: string; listed: string[] } {
  const at = md.indexOf('### Terms Used');
  if (at < 0) return { body: md, listed: [] };
  const listed = [...md.slice(at).matchAll(/^\| (?:\[([^\]]+)\]\(|\*\*([^*]+)\*\*)/gm)].map((m) => m[1] ?? m[2]);
  return { body: md.slice(0, at), listed };
}
const termNamed = (name: string): Term => GLOSSARY.find((t) => t.term === name)!;

describe('the glossary table', () => {
  it('has 30 to 45 terms, unique and in alphabetical order', () => {
    const names = GLOSSARY.map((t) => t.term);
    assert.ok(names.length >= 30 && names.length <= 45, `${names.length} terms`);
    assert.equal(new Set(names.map((n) => n.toLowerCase())).size, names.length);
    assert.deepEqual(names, [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), 'en')));
  });

  it('matches whole words only, with no capturing group (the finder numbers terms by their groups)', () => {
    for (const t of GLOSSARY) {
      assert.ok(t.pattern.source.startsWith('\\b') && t.pattern.source.endsWith('\\b'), t.term);
      assert.equal(t.pattern.flags, '', t.term);
      assert.ok(!/\((?!\?)/.test(t.pattern.source.replace(/\\\(/g, '')), `${t.term}: capturing group`);
    }
  });

  it('defines each term in one plain sentence, with an https link when there is one', () => {
    for (const t of GLOSSARY) {
      assert.match(t.definition, /^[A-Z].*\.$/, t.term);
      assert.ok(!/\.\s+[A-Z]/.test(t.definition.replace(/\be\.g\./g, '')), `${t.term}: more than one sentence`);
      assert.ok(t.definition.length <= 220, `${t.term}: ${t.definition.length} characters`);
      if (t.link !== undefined) assert.match(t.link, /^https:\/\/[^\s|<>]+$/, t.term);
    }
  });

  it('holds only terms the rules really write (in their texts, or as the auth methods findings name)', () => {
    const dir = 'src/analysis/rules';
    const source = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(`${dir}/${f}`, 'utf8')).join('\n');
    const methods = AUTH_METHODS.join(' ');
    const unused = GLOSSARY.filter((t) => !t.pattern.test(source) && !t.pattern.test(methods)).map((t) => t.term);
    assert.deepEqual(unused, []);
  });
});

describe('TermFinder', () => {
  it('finds terms as whole words, in glossary order whatever the order of the texts', () => {
    assert.deepEqual(found('Use PKCE and a random state', 'Other users\' data (IDOR)'), ['IDOR', 'PKCE']);
    assert.deepEqual(found('IDORS and XPKCE and PKCEs'), []);
    assert.deepEqual(found('anti-CSRF tokens', 'no csrf-protection on api'), ['CSRF']);
  });

  it('finds terms inside other terms\' matches (mutual TLS is both)', () => {
    assert.deepEqual(found('authenticate with mutual TLS'), ['mTLS', 'TLS']);
  });

  it('tells a pinned certificate from pinned dependencies', () => {
    assert.deepEqual(found('Pin dependencies with lock files and hashes', 'pin third-party pipeline actions by digest'), []);
    assert.deepEqual(found('app does not pin appapi\'s certificate'), ['Certificate pinning']);
    assert.deepEqual(found('Pin the server\'s public key (with a backup pin)'), ['Certificate pinning']);
  });

  it('reads the model\'s own lower-case words for the same things (auth methods, controls)', () => {
    assert.deepEqual(found('api authenticates callers with oidc', 'no hsts on lb', 'is an LLM or agent'), ['HSTS', 'LLM', 'OIDC']);
    // "worm" the malware is no WORM storage.
    assert.deepEqual(found('a worm spreads'), []);
  });

  it('stops searching once every term is found', () => {
    const f = new TermFinder([termNamed('IDOR'), termNamed('PKCE')]);
    f.scan('IDOR');
    assert.equal(f.complete, false);
    f.scan('PKCE');
    assert.equal(f.complete, true);
    f.scan('XSS');
    assert.deepEqual(f.terms().map((t) => t.term), ['IDOR', 'PKCE']);
  });
});

describe('the Markdown report\'s Terms Used appendix', () => {
  it('comes last, after the seed\'s sections and the report\'s own', () => {
    const md = renderMarkdown(analyzeExample('prelaunch'));
    const order = ['### Assets', '### Threats', '### Recommendations', '### STRIDE Coverage', '### Terms Used'].map((h) => md.indexOf(h));
    assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1])), order.join(' '));
    assert.equal(md.indexOf('\n### ', md.indexOf('### Terms Used')), -1, 'a section after the appendix');
    assert.match(md, /\| Jargon \| In plain words \|\n\|---\|---\|\n/);
    assert.ok(md.endsWith(' |\n'));
  });

  it('lists only terms the report uses, alphabetically, each with its sentence', () => {
    for (const name of ['ecommerce', 'microservices', 'prelaunch']) {
      const md = renderMarkdown(analyzeExample(name));
      const { body, listed } = split(md);
      assert.ok(listed.length > 3, `${name}: ${listed.length} terms`);
      assert.deepEqual(listed, GLOSSARY.map((t) => t.term).filter((n) => listed.includes(n)), `${name}: not in glossary order`);
      for (const n of listed) {
        assert.ok(termNamed(n).pattern.test(body), `${name}: ${n} listed but not used`);
        assert.ok(md.includes(termNamed(n).definition), `${name}: ${n} without its definition`);
      }
    }
  });

  it('defines a term a threat text uses, and leaves out one it does not', () => {
    const model = `${HEAD}elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    auth: jwt\n    endpoints:\n      /login: { public: true }\nflows:\n  - visitor -> api: https\n`;
    const { listed } = split(renderMarkdown(analyzeText(model)));
    assert.ok(listed.includes('JWT') && listed.includes('MFA'), listed.join(', '));
    assert.ok(!listed.includes('PKCE') && !listed.includes('XXE'), listed.join(', '));
  });

  it('follows what the details show: a term only in threat descriptions is left out of grouped details', () => {
    // "stored XSS" is said in the upload finding's description, which grouped details do not print.
    const model = `${HEAD}elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /upload: { auth: jwt }\nflows:\n  - visitor -> api: https\n`;
    const r = analyzeText(model);
    const full = renderMarkdown(r, { details: 'full' });
    const grouped = renderMarkdown(r, { details: 'grouped' });
    assert.ok(split(full).listed.includes('XSS') && /\bXSS\b/.test(split(full).body));
    assert.ok(!split(grouped).listed.includes('XSS') && !/\bXSS\b/.test(split(grouped).body), split(grouped).listed.join(', '));
    assert.deepEqual(termsOf(r, { details: true }).map((t) => t.term), split(full).listed);
  });

  it('is absent when the report has no threats', () => {
    const md = renderMarkdown(analyzeText(`${HEAD}elements:\n  a: { type: service }\n`));
    assert.ok(!md.includes('### Terms Used'));
  });

  it('is the same written in pieces, and from run to run', () => {
    const r = analyzeExample('ecommerce');
    assert.equal([...markdownChunks(r)].join(''), renderMarkdown(r));
    assert.equal(renderMarkdown(analyzeExample('ecommerce')), renderMarkdown(r));
  });
});

describe('the HTML report\'s Terms used section', () => {
  it('is the last section, in the table of contents, with no link leaving the page', () => {
    const html = renderHtml(analyzeExample('prelaunch'));
    const at = html.indexOf('<section id="tm-terms"><h2>Terms used</h2>');
    assert.ok(at > html.indexOf('<section id="tm-assets"'), 'after the other sections');
    assert.equal(html.indexOf('<section ', at + 1), -1);
    assert.match(html, /<a href="#tm-terms">Terms used<\/a><\/nav>/);
    const section = html.slice(at, html.indexOf('</section>', at));
    assert.ok(section.includes('<strong>HSTS</strong>'));
    // The link is shown as text: the report requests nothing and links nowhere outside itself.
    assert.ok(section.includes('<span class="muted">https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security</span>'));
    assert.ok(!/href="http/.test(section));
  });

  it('escapes the definitions', () => {
    const html = renderHtml(analyzeExample('ecommerce'));
    const section = html.slice(html.indexOf('<section id="tm-terms">'));
    assert.ok(section.includes('MITRE&#39;s catalogue'));
  });
});
