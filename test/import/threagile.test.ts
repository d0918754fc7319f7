// `threatmap import` of Threagile models: the mapping on a small fixture (test/fixtures/threagile-import:
// shop.threagile.yaml has every kind, nested boundaries with an execution environment, encrypted and
// unknown protocols, each authentication, vpn/ip_filtered, readonly, a link to nowhere, a shared runtime and
// risk tracking), bad input as diagnostics with positions, never a throw, and byte-stable output.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { importThreagile } from '../../src/import/threagile.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';

const FILE = 'test/fixtures/threagile-import/shop.threagile.yaml';
const text = readFileSync(FILE, 'utf8');
/** The 1-based line of the first occurrence of `needle` after `after`. */
const lineOf = (t: string, needle: string, after = '') => t.slice(0, t.indexOf(needle, t.indexOf(after))).split('\n').length;

function imported(t: string, file = 'shop.threagile.yaml') {
  const r = importThreagile(t, file);
  assert.ok(r.text && r.summary, `no model:\n${formatDiagnostics(r.diagnostics)}`);
  const loaded = loadModel(r.text, 'imported.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), `imported model does not load:\n${formatDiagnostics(loaded.diagnostics)}\n${r.text}`);
  return { ...r, text: r.text, summary: r.summary, model: loaded.model, raw: parseYaml(r.text) as Record<string, any> };
}

describe('Threagile import: system, assets, elements', () => {
  const r = imported(text);

  it('title, business overview (HTML dropped), author -> system', () => {
    assert.deepEqual(r.raw.system, { name: 'Shop', description: 'A small shop.', owner: 'Team A' });
  });

  it('data assets: ids kept; confidentiality keeps its order; criticality in three bands', () => {
    assert.deepEqual(Object.keys(r.raw.assets), ['customer-data', 'catalog', 'credentials']);
    assert.deepEqual(r.raw.assets['customer-data'], {
      name: 'Customer Data', description: 'Names and addresses', classification: 'restricted', confidentiality: 'high', integrity: 'high', availability: 'low',
    });
    assert.deepEqual(r.raw.assets.catalog, { name: 'Catalog', classification: 'public', confidentiality: 'low', integrity: 'medium', availability: 'high' });
    // Threagile's restricted is below its confidential: our confidential, not our top class.
    assert.equal(r.raw.assets.credentials.classification, 'confidential');
    assert.equal(r.raw.assets.credentials.integrity, 'low');
    assert.equal(r.raw.assets.credentials.type, 'credentials');
  });

  it('technical assets: id, kind from type, type/tech from technology, unknown technology noted', () => {
    const e = r.raw.elements;
    assert.deepEqual(Object.keys(e), ['browser', 'web', 'db', 'mailer', 'admin']);
    assert.equal(e.browser.tech, 'browser');
    assert.equal(e.web.type, 'web-app');
    assert.equal(e.db.type, 'database');
    assert.equal(e.admin.type, 'developer');
    assert.equal(e.mailer.kind, 'process');
    assert.match(r.text, /# technology "quantum-router": not one threatmap knows; set `type` or `tech`\n {2}# encryption[^\n]*\n {2}mailer:/);
    assert.deepEqual(r.model.elements.map((x) => x.kind), ['external', 'process', 'store', 'process', 'external']);
  });

  it('internet -> exposed on a process; processed/stored -> handles/stores; encryption on a datastore only', () => {
    const e = r.raw.elements;
    assert.equal(e.web.exposed, true);
    assert.equal(e.browser.exposed, undefined);
    assert.deepEqual(e.web.handles, ['customer-data', 'catalog']);
    assert.deepEqual(e.db.stores, ['customer-data', 'catalog']);
    assert.deepEqual(e.db.controls, ['encryption-at-rest']);
    assert.equal(e.mailer.controls, undefined);
    assert.match(r.text, /encryption "data-with-symmetric-shared-key" on a process: no control for it/);
  });

  it('out of scope: imported with a note', () => {
    assert.match(r.text, /# out of scope in Threagile: Owned by the customer; imported all the same[^\n]*\n {2}browser:/);
  });

  it('every element, boundary, flow and asset names its line', () => {
    assert.match(r.text, new RegExp(`# shop\\.threagile\\.yaml:${lineOf(text, 'Web Shop:')} technical asset web\\n  web:`));
    assert.match(r.text, new RegExp(`# shop\\.threagile\\.yaml:${lineOf(text, 'Shop DMZ:')} trust boundary shop-dmz\\n`));
    assert.match(r.text, new RegExp(`# shop\\.threagile\\.yaml:${lineOf(text, 'Catalog Read:')} communication link "Catalog Read"`));
    assert.match(r.text, new RegExp(`# shop\\.threagile\\.yaml:${lineOf(text, 'Catalog:', 'data_assets')} data asset catalog\\n`));
  });
});

describe('Threagile import: links and boundaries', () => {
  const r = imported(text);
  const flow = (name: string) => r.model.flows.find((f) => f.name === name)!;

  it('links nested in their source become flows from it; a link to an unknown asset is left out with a warning', () => {
    assert.deepEqual(r.model.flows.map((f) => `${f.from} -> ${f.to}`), ['browser -> web', 'web -> db', 'web -> db', 'web -> mailer', 'admin -> web', 'admin -> mailer']);
    const w = r.diagnostics.find((d) => d.code === 'unknown-reference' && /nobody/.test(d.message))!;
    assert.equal(w.line, lineOf(text, 'target: nobody'));
    assert.equal(w.col, 9);
    // A second link between one pair gets an id from its title.
    assert.equal(r.raw.flows[2]['web -> db'].id, 'catalog-read');
  });

  it('protocols: catalog ones kept, encrypted variants, nearest for the rest, unknown -> tcp with a warning', () => {
    assert.equal(flow('Shop Traffic').protocol, 'https');
    assert.equal(flow('Database Traffic').protocol, 'sql+tls');
    assert.equal(flow('Catalog Read').protocol, 'sql');
    assert.equal(flow('Mail').protocol, 'smtps');
    assert.equal(flow('Admin Access').protocol, 'tcp');
    assert.match(r.text, /# protocol "nrpe": no catalog protocol; tcp is the nearest/);
    assert.equal(flow('Legacy').protocol, 'tcp');
    assert.ok(r.diagnostics.some((d) => d.code === 'unknown-value' && /carrier-pigeon/.test(d.message) && d.line === lineOf(text, 'carrier-pigeon')));
  });

  it('authentication: session-id, credentials, token, two-factor (+mfa); externalized left out with a note', () => {
    const f = r.raw.flows;
    assert.equal(f[0]['browser -> web'].auth, 'session-cookie');
    assert.equal(f[1]['web -> db'].auth, 'password');
    assert.equal(f[5]['admin -> mailer'].auth, 'jwt');
    assert.equal(f[4]['admin -> web'].auth, 'password');
    assert.deepEqual(f[4]['admin -> web'].controls, ['mfa', 'vpn']);
    assert.equal(f[3]['web -> mailer'].auth, undefined);
    assert.match(r.text, /authentication externalized in Threagile/);
  });

  it('vpn and ip_filtered -> controls; sent and received -> the one flow\'s data; readonly noted', () => {
    const f = r.raw.flows;
    assert.deepEqual(f[1]['web -> db'].controls, ['ip-allowlist']);
    assert.deepEqual(f[0]['browser -> web'].data, ['customer-data', 'catalog']);
    assert.deepEqual(f[2]['web -> db'].data, ['catalog']);
    assert.ok(!r.model.flows.some((x) => x.from === 'web' && x.to === 'browser'), 'no reverse flow for received data');
    assert.match(r.text, /# readonly in Threagile: the source only reads\n {2}- web -> db:/);
  });

  it('boundaries: nesting, members, kind and trust by type and name; execution environment is not a network', () => {
    const b = r.raw.boundaries;
    assert.deepEqual(b.cloud, { name: 'Cloud', trust: 'internal', kind: 'cloud' });
    assert.deepEqual(b['shop-dmz'], { name: 'Shop DMZ', trust: 'dmz', kind: 'network', in: 'cloud' });
    assert.deepEqual(b['data-env'], { name: 'Data Env', trust: 'internal', kind: 'container', in: 'shop-dmz' });
    assert.equal(r.raw.elements.web.in, 'shop-dmz');
    assert.equal(r.raw.elements.db.in, 'data-env');
    assert.equal(r.raw.elements.mailer.in, 'cloud');
    const ghost = r.diagnostics.find((d) => /ghost/.test(d.message))!;
    assert.equal(ghost.line, lineOf(text, 'technical_assets_inside', 'Data Env:'));
  });

  it('external entities in no boundary -> an untrusted outside boundary; an internet process in none too', () => {
    assert.deepEqual(r.raw.boundaries.outside, { name: 'Outside', trust: 'untrusted' });
    assert.equal(r.raw.elements.browser.in, 'outside');
    assert.equal(r.raw.elements.admin.in, 'outside');
    const alone = imported('threagile_version: 1.0.0\ntitle: X\ntechnical_assets:\n  Api:\n    id: api\n    type: process\n    internet: true\n');
    assert.equal(alone.raw.elements.api.in, 'outside');
    assert.equal(alone.raw.elements.api.exposed, true);
  });

  it('shared runtimes and risk tracking: listed in the header and summary, not imported', () => {
    assert.deepEqual(r.summary.sharedRuntimes, ['Shared VM (runs web, db)']);
    assert.deepEqual(r.summary.riskTracking, [{ id: 'sql-nosql-injection@web@db', status: 'mitigated' }, { id: 'missing-waf@web', status: 'accepted' }]);
    assert.match(r.text, /^# Shared runtimes \(not imported: threatmap has no shared host\): Shared VM \(runs web, db\)\.$/m);
    assert.match(r.text, /^# {3}missing-waf@web: accepted$/m);
    assert.deepEqual([r.summary.elements, r.summary.flows, r.summary.boundaries, r.summary.assets], [5, 6, 4, 3]);
  });

  it('nesting that would loop is refused with a warning', () => {
    const t = 'threagile_version: 1.0.0\ntitle: X\ntechnical_assets: {}\ntrust_boundaries:\n  A:\n    id: a\n    type: network-on-prem\n    trust_boundaries_nested: [b]\n  B:\n    id: b\n    type: network-on-prem\n    trust_boundaries_nested: [a]\n';
    const x = imported(t);
    assert.equal(x.raw.boundaries.b.in, 'a');
    assert.equal(x.raw.boundaries.a.in, undefined);
    const d = x.diagnostics.find((y) => y.code === 'nesting-cycle')!;
    assert.equal(d.line, 12);
  });
});

describe('Threagile import: bad input, never throws, determinism', () => {
  it('a YAML syntax error: an error with its position, no text', () => {
    const r = importThreagile('threagile_version: 1.0.0\ntechnical_assets:\n  A: [\n', 'bad.yaml');
    assert.equal(r.text, undefined);
    assert.ok(r.diagnostics.some((d) => d.severity === 'error' && d.code === 'syntax-error' && d.file === 'bad.yaml' && d.line >= 3));
  });

  it('not a Threagile file: one error at 1:1', () => {
    const r = importThreagile('title: x\n', 'x.yaml');
    assert.equal(r.text, undefined);
    assert.deepEqual(r.diagnostics.map((d) => `${d.code} ${d.line}:${d.col}`), ['not-threagile 1:1']);
  });

  it('wrong shapes: technical_assets not a map is an error at its value; an asset not a map is a warning', () => {
    const r = importThreagile('threagile_version: 1.0.0\ntitle: X\ntechnical_assets:\n  - a\n', 'x.yaml');
    assert.equal(r.text, undefined);
    assert.deepEqual(r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.col}`), ['error invalid-value 4:3']);
    const w = imported('threagile_version: 1.0.0\ntitle: X\ntechnical_assets:\n  A: 3\n  B:\n    id: b\n    type: gizmo\n');
    assert.deepEqual(w.diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.col}`), ['warning bad-entry 4:6', 'warning unknown-value 7:5']);
    assert.equal(w.raw.elements.b.kind, 'process');
  });

  it('never throws, whatever the input', () => {
    for (const t of ['', '[]', 'threagile_version: 1\ntechnical_assets: 3', 'threagile_version: 1\ntechnical_assets: {A: {communication_links: [1]}}',
      'threagile_version: 1\ntechnical_assets: {A: {id: a, communication_links: {L: {target: a}}}}', '\u0000', 'a: *x', text.slice(0, 1500)]) {
      assert.doesNotThrow(() => importThreagile(t, 'f.yaml'));
    }
  });

  it('the same file gives the same bytes', () => {
    assert.equal(importThreagile(text, FILE).text, importThreagile(text, FILE).text);
  });
});
