// Review s18 findings 10-12: XML an application serves is not XML it takes in, a trusted internal caller's
// data is no untrusted input, and routes a proxy in front declares for an application rate its injection.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyChanges } from '../../src/track/key-migrations.js';
import { analyzeText, evidenceFacts as facts, MODEL_HEAD, noThreat as none, onlyThreat as only } from './harness.js';


/** A visitor calling a Spring site whose endpoints each case writes. */
const site = (endpoints: string, more = '', flows = '') =>
  `${more}elements:\n  visitor: { tech: browser }\n  site:\n    tech: spring\n    endpoints:\n${endpoints}flows:\n  - visitor -> site: https\n${flows}`;

describe('xxe: an endpoint counts only when it takes input (finding 10)', () => {
  it('reports nothing for a sitemap, a feed and a spreadsheet the site serves', () => {
    none(site('      GET /sitemap.xml: { public: true }\n      GET /feed.rss: { public: true }\n      GET /reports/{id}.xlsx: { auth: session-cookie }\n'), 'xxe');
  });

  it('reports an XML upload, a POST of XML, and a GET that accepts an XML asset', () => {
    const post = only(site('      GET /sitemap.xml: { public: true }\n      POST /import.xml: { auth: session-cookie }\n'), 'xxe');
    assert.ok(facts(post).includes('POST /import.xml names the content it takes'), facts(post).join('; '));
    const upload = only(site('      GET /reports/{id}.xlsx: { auth: session-cookie, kind: upload }\n'), 'xxe');
    assert.ok(facts(upload).includes('GET /reports/{id}.xlsx names the content it takes'), facts(upload).join('; '));
    const accepted = only(site('      GET /lookup: { auth: jwt, accepts: [feed] }\n', 'assets:\n  feed: { name: RSS feed }\n'), 'xxe');
    assert.ok(facts(accepted).includes('GET /lookup accepts RSS feed'), facts(accepted).join('; '));
  });

  it('still counts a route with no method named (the model does not say it only reads) and a SAML sign-in on a GET', () => {
    const bare = only(site('      /soap/invoices: { auth: api-key }\n'), 'xxe');
    assert.ok(facts(bare).includes('/soap/invoices names the content it takes'), facts(bare).join('; '));
    const saml = only(site('      GET /sso: { auth: saml }\n'), 'xxe');
    assert.ok(facts(saml).includes('GET /sso signs callers in with saml'), facts(saml).join('; '));
  });

  it('reads the same way for template injection: a GET of templates is no template input', () => {
    none(site('      GET /email-templates: { auth: session }\n').replace('tech: spring', 'tech: flask'), 'template-injection');
    assert.equal(only(site('      PUT /email-templates: { auth: session }\n').replace('tech: spring', 'tech: flask'), 'template-injection').likelihood.level, 'Medium');
  });
});

describe('xxe: flows count only from untrusted or exposed callers (finding 11)', () => {
  const m2 = (erp: string) => `assets:\n  invoices: { name: Invoice XML, type: business, classification: internal }\nelements:\n  visitor: { tech: browser }\n  ${erp}\n  site:\n    type: api\n    endpoints:\n      POST /orders: { auth: jwt }\nflows:\n  - visitor -> site: https\n  - erp -> site: { protocol: https, data: [invoices] }\n`;

  it('reports nothing for invoices an internal ERP sends', () => {
    none(m2('erp: { type: service }'), 'xxe');
  });

  it('reports the same invoices from a partner in an untrusted zone, or from an ERP the internet reaches', () => {
    const partner = only(m2('erp: { type: third-party }'), 'xxe');
    assert.ok(facts(partner).includes('erp sends Invoice XML'), facts(partner).join('; '));
    const exposed = only(m2('erp: { type: service }').replace('  - visitor -> site: https\n', '  - visitor -> site: https\n  - visitor -> erp: https\n'), 'xxe');
    assert.ok(facts(exposed).includes('erp sends Invoice XML'), facts(exposed).join('; '));
  });

  it('counts a broker only when exposed producers feed it', () => {
    const body = (producer: string) => `assets:\n  orders: { name: Order XML }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  batch: { type: worker }\n  queue: { tech: rabbitmq }\n  ingest: { type: worker }\nflows:\n  - visitor -> api: https\n  - ${producer} -> queue: amqps\n  - queue -> ingest: { protocol: amqps, data: [orders] }\n  - ingest -> api: https\n`;
    none(body('batch'), 'xxe');
    const t = only(body('api'), 'xxe');
    assert.ok(facts(t).includes('queue sends Order XML'), facts(t).join('; '));
  });
});

describe('sql-injection and xxe judge the routes a proxy in front declares (finding 12)', () => {
  const proxied = (routes: string) => `elements:\n  visitor: { tech: browser }\n  edge:\n    type: reverse-proxy\n    endpoints:\n${routes}  app: { type: api }\n  db: { tech: postgres }\nflows:\n  - visitor -> edge: https\n  - edge -> app: http\n  - app -> db: sql\n`;

  it('rates sql-injection High when the proxy declares a search and a POST for the app', () => {
    const t = only(proxied('      GET /search: { public: true, kind: search }\n      POST /orders: { auth: jwt }\n'), 'sql-injection');
    assert.deepEqual(t.likelihood, { level: 'High', reason: 'reachable from the internet: injection is found and exploited with public tools' });
  });

  it('keeps Medium when the proxy\'s routes for it only read with no input, and says so', () => {
    const t = only(proxied('      GET /status: { public: true }\n'), 'sql-injection');
    assert.deepEqual(t.likelihood, { level: 'Medium', reason: 'its endpoints only read, with no parameters or accepted input: queries are less likely built from input' });
  });

  it('finds XML taken in on a route the proxy declares, naming the proxy', () => {
    const t = only(proxied('      POST /soap/orders: { auth: api-key }\n').replace('app: { type: api }', 'app: { type: api, tech: spring }'), 'xxe');
    assert.ok(facts(t).includes('POST /soap/orders on edge names the content it takes, served by app'), facts(t).join('; '));
    none(proxied('      GET /sitemap.xml: { public: true }\n').replace('app: { type: api }', 'app: { type: api, tech: spring }'), 'xxe');
  });
});

describe('triage entries about threats these findings retired are retired, not stale', () => {
  const model = `${MODEL_HEAD}assets:\n  invoices: { name: Invoice XML }\nelements:\n  visitor: { tech: browser }\n  erp: { type: service }\n  site: { type: api, endpoints: { POST /orders: { auth: jwt } } }\n  feeds: { type: api, endpoints: { GET /feed.rss: { public: true } } }\n  open: { type: api, endpoints: { POST /orders: { auth: jwt } } }\nflows:\n  - visitor -> site: https\n  - visitor -> feeds: https\n  - visitor -> open: https\n  - erp -> site: { protocol: https, data: [invoices] }\n`;
  const r = analyzeText(model);

  it('retires xxe on an element a trusted system sends XML to, and on one serving a feed, with the reason', () => {
    const changes = keyChanges(r, ['xxe@site', 'xxe@feeds']);
    assert.deepEqual(['xxe@site', 'xxe@feeds'].map((k) => changes.get(k)?.kind), ['retired', 'retired']);
    assert.match(changes.get('xxe@site')!.migration.note, /trusted internal system sends is no untrusted input/);
  });

  it('leaves an element that neither serves content nor has internal callers to stale (nothing retired it)', () => {
    assert.deepEqual([...keyChanges(r, ['xxe@open']).keys()], []);
  });
});
