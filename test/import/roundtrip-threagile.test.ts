// Threagile round trip: `threatmap export -f threagile` then `threatmap import` gives back a model whose analysis
// is the same (test/import/roundtrip.ts compares them), for the four inputs of the round-trip work and for a model
// that uses every element type, technology, protocol, auth method and boundary kind. What Threagile's fields
// cannot say travels in the file's `threatmap:` section; an edit made in Threagile wins over it; a file that has
// no such section imports as Threagile's alone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { importThreagile } from '../../src/import/threagile.js';
import { AUTH_METHODS, BOUNDARY_KINDS, ELEMENT_TYPES, PROTOCOLS, TECHNOLOGIES, TRUST_LEVELS } from '../../src/model/catalog.js';
import { formatDiagnostics } from '../../src/model/diagnostics.js';
import { renderThreagile } from '../../src/render/threagile.js';
import { replaceOnce } from '../helpers.js';
import { analyseText, differences, roundTrip, snapshot } from './roundtrip.js';

const read = (path: string) => readFileSync(path, 'utf8');

/** The inputs that must come back the same; no difference is excepted for Threagile. */
const INPUTS: Array<[string, string, string | undefined]> = [
  ['shop (written threats, decisions of every status)', 'test/fixtures/roundtrip/shop.yaml', 'test/fixtures/roundtrip/shop.triage.yaml'],
  ['microservices', 'examples/microservices.yaml', undefined],
  ['prelaunch', 'examples/prelaunch.yaml', undefined],
  ['ecommerce', 'examples/ecommerce.yaml', undefined],
];

const SHOP = read('test/fixtures/roundtrip/shop.yaml');
const SHOP_TRIAGE = read('test/fixtures/roundtrip/shop.triage.yaml');
const shop = roundTrip('threagile', SHOP, SHOP_TRIAGE);

/** The exported file edited as someone would in Threagile, imported and analysed: what differs from the original. */
function afterEdit(edit: (threagile: string) => string): { changes: string[]; model: string; triage?: string } {
  const edited = edit(shop.exported);
  assert.notEqual(edited, shop.exported, 'the edit changes the file');
  const imported = importThreagile(edited, 'edited.threagile.yaml', { output: 'back.yaml' });
  assert.ok(imported.text, formatDiagnostics(imported.diagnostics));
  const back = analyseText(imported.text, 'back.yaml', imported.triage?.text);
  return { changes: differences(shop.before, snapshot(back)), model: imported.text, triage: imported.triage?.text };
}

/** One field of one object of the exported file, found by the lines that lead to it (each the first after the one before). */
function setField(text: string, path: readonly string[], field: string, from: string, to: string): string {
  let at = 0;
  for (const line of path) {
    at = text.indexOf(`\n${line}\n`, at);
    assert.ok(at >= 0, `no line ${JSON.stringify(line)}`);
    at += 1;
  }
  const indent = /^ */.exec(path.at(-1)!)![0].length + 2;
  const needle = `\n${' '.repeat(indent)}${field}: ${from}\n`;
  const i = text.indexOf(needle, at);
  assert.ok(i >= 0, `no ${field}: ${from} under ${path.join(' / ')}`);
  return text.slice(0, i) + needle.replace(`: ${from}\n`, `: ${to}\n`) + text.slice(i + needle.length);
}

/** The difference lines about one key (`threat k`, `model element k`...), without the lines they continue on. */
const about = (changes: readonly string[]) => changes.map((c) => c.split(': ')[0]);

describe('Threagile round trip', () => {
  for (const [name, model, triage] of INPUTS) {
    it(`${name}: the same threats, decisions and model`, () => {
      const r = roundTrip('threagile', read(model), triage === undefined ? undefined : read(triage));
      assert.deepEqual(r.differences, [], r.differences.join('\n'));
      assert.deepEqual(r.importDiagnostics, []);
    });
  }

  it('every element type, technology, protocol (encryption overridden both ways), auth, boundary kind and trust, hostile names', () => {
    const r = roundTrip('threagile', richModel(), richTriage());
    assert.deepEqual(r.differences, [], r.differences.join('\n'));
  });

  it('exported again, an imported model gives the same Threagile file', () => {
    for (const [, model, triage] of INPUTS) {
      const r = roundTrip('threagile', read(model), triage === undefined ? undefined : read(triage));
      const again = renderThreagile(analyseText(r.model, 'model.yaml', r.triage));
      // The header comment and summary name the file they came from.
      const body = (text: string) => text.split('\n').filter((l) => !/^# Threagile model written by|^management_summary_comment:/.test(l)).join('\n');
      assert.equal(body(again), body(r.exported), model);
    }
  });

  it('Threagile\'s own fields are as before: our data is one top-level section, `threatmap:`, after them', () => {
    const parsed = parseYaml(shop.exported, { version: '1.1' }) as Record<string, unknown>;
    assert.equal(Object.keys(parsed).at(-1), 'threatmap');
    const section = parsed.threatmap as Record<string, Record<string, unknown>>;
    assert.equal(section.format, 1);
    // Keyed by Threagile ids: every technical asset, link, boundary and data asset has an entry, ours.
    const m = parsed as Record<string, Record<string, Record<string, unknown>>>;
    assert.deepEqual(Object.keys(section.technical_assets), Object.values(m.technical_assets).map((a) => a.id));
    assert.deepEqual(Object.keys(section.trust_boundaries), Object.values(m.trust_boundaries).map((b) => b.id));
    assert.deepEqual(Object.keys(section.data_assets), Object.values(m.data_assets).map((a) => a.id));
    // Only what the Threagile fields cannot say: a type that is Threagile's technology word is not repeated.
    assert.deepEqual(section.technical_assets.db, { type: 'database', tech: 'postgres', controls: ['encryption-at-rest', 'backups'] });
    assert.match(shop.exported, /^# threatmap's own data, for `threatmap import`/m);
  });
});

describe('Threagile round trip: an edit made in Threagile wins', () => {
  it('an element renamed: its new name, all else kept (its endpoints, controls, auth)', () => {
    const { changes, model } = afterEdit((t) => replaceOnce(t, '\n  API servers:\n', '\n  Shop API:\n'));
    // The threats whose titles name it, and the element itself: nothing else.
    assert.deepEqual(about(changes), ['threat session-hijacking@api', 'threat verbose-errors@api', 'model element api']);
    assert.match(model, /^ {2}api:\n {4}name: Shop API\n/m);
    assert.match(model, /^ {6}POST \/cart: \{ accepts: \[ prices, orders \] \}$/m);
  });

  it('a risk tracking status changed: that decision, in Threagile\'s words', () => {
    // Tracked with a date (expires) our section carries; the changed entry decides instead.
    const accepted = afterEdit((t) => setField(t, ['risk_tracking:', '  threat-coupon-stacking@api:'], 'status', 'accepted', 'mitigated'));
    assert.deepEqual(about(accepted.changes), ['threat threat:coupon-stacking@api:POST /checkout']);
    assert.match(accepted.changes[0], /now .*; mitigated \| until 2099-06-30: Marketing accepts the loss/);
    // Tracked exactly by its entry alone.
    const exact = afterEdit((t) => setField(t, ['risk_tracking:', '  no-rate-limiting@api:'], 'status', 'false-positive', 'accepted'));
    assert.deepEqual(about(exact.changes), ['threat no-rate-limiting@api:/search']);
    assert.match(exact.changes[0], /now .*; accepted \| The CDN rate-limits \/search per client\./);
  });

  it('a link\'s protocol changed: the flow\'s protocol from Threagile, its credential and auth kept', () => {
    const { changes, model } = afterEdit((t) =>
      setField(t, ['  API servers:', '    communication_links:', '      to Orders database:'], 'protocol', 'sql-access-protocol-encrypted', 'sql-access-protocol'));
    assert.ok(about(changes).includes('model flow api->db'), changes.join('\n'));
    assert.match(model, /^ {2}- api -> db: \{ protocol: sql, auth: password, credential: shop-db, data: \[ pii, orders \] \}$/m);
  });

  it('a link renamed: its new name; what our section carried for it still found', () => {
    const { changes, model } = afterEdit((t) => replaceOnce(t, '\n      to Orders database:\n', '\n      Orders DB connection:\n'));
    assert.deepEqual(about(changes), ['model flow api->db']);
    assert.match(model, /^ {2}- api -> db: \{ name: Orders DB connection, protocol: postgres\+tls, auth: password, credential: shop-db,/m);
  });

  it('technology, encryption, internet and a boundary type changed: each one from Threagile', () => {
    const technology = afterEdit((t) => setField(t, ['technical_assets:', '  Session cache:'], 'technology', 'database', 'message-queue'));
    assert.ok(about(technology.changes).includes('model element cache'));
    assert.match(technology.model, /^ {2}cache: \{ name: Session cache, type: queue, in: data,/m);
    const encryption = afterEdit((t) => setField(t, ['technical_assets:', '  Orders database:'], 'encryption', 'transparent', 'none'));
    assert.deepEqual(about(encryption.changes), ['threat unencrypted-store@db', 'model element db']);
    const internet = afterEdit((t) => setField(t, ['technical_assets:', '  Load balancer:'], 'internet', 'false', 'true'));
    assert.match(internet.model, /^ {2}lb: \{ name: Load balancer, type: load-balancer, tech: alb, in: dmz, exposed: true \}$/m);
    const boundary = afterEdit((t) => setField(t, ['trust_boundaries:', '  Data tier:'], 'type', 'network-cloud-security-group', 'network-cloud-provider'));
    assert.deepEqual(about(boundary.changes), ['model boundary data']);
    assert.match(boundary.model, /^ {2}data: \{ name: Data tier, trust: restricted, kind: cloud, in: app \}$/m);
  });

  it('an element added in Threagile: read as Threagile\'s (outside every boundary, no threatmap data), the rest unchanged', () => {
    const partner = [
      '  Partner:', '    id: partner', '    type: external-entity', '    technology: web-service-rest', '    internet: true',
      '    communication_links:', '      Partner call:', '        target: api', '        protocol: https', '        authentication: token',
      '        data_assets_sent: [ orders ]', 'trust_boundaries:',
    ].join('\n');
    const { changes, model } = afterEdit((t) => replaceOnce(t, '\ntrust_boundaries:', `\n${partner}`));
    const added = about(changes);
    assert.deepEqual(added.filter((c) => c.startsWith('model')), ['model element partner', 'model flow partner->api', 'model boundary outside']);
    // Threats it brings (a token now reaches the API from outside), none lost or changed.
    assert.ok(changes.every((c) => /^[^\n]*: new \(/.test(c)), changes.join('\n'));
    assert.match(model, /^ {2}partner: \{ name: Partner, kind: external, in: outside \}$/m);
  });
});

describe('Threagile round trip: files without our section', () => {
  const withoutSection = shop.exported.slice(0, shop.exported.indexOf('\n# threatmap\'s own data'));

  it('an export without `threatmap:` (as an older threatmap wrote it) is read as Threagile\'s alone', () => {
    const r = importThreagile(withoutSection, 'old.threagile.yaml');
    assert.ok(r.text, formatDiagnostics(r.diagnostics));
    assert.equal(r.summary?.threatmapSection, undefined);
    // The old reading: trust from the boundary's name, the link's title as the flow's name, no endpoints.
    assert.match(r.text, /^ {2}data: \{ name: Data tier, trust: internal, kind: network, in: app \}$/m);
    assert.match(r.text, /^ {2}- browser -> cdn: \{ name: to CDN, protocol: https, auth: none, data: \[ pii, card, prices \] \}$/m);
    assert.doesNotMatch(r.text, /endpoints:/);
    // So the section is what brings the rest back.
    const back = analyseText(r.text, 'old.yaml', r.triage?.text);
    assert.ok(differences(shop.before, snapshot(back)).length > 0);
    assert.equal(importThreagile(shop.exported, 'new.threagile.yaml').summary?.threatmapSection, true);
  });

  it('the Threagile fixture imports with no section to read', () => {
    const r = importThreagile(read('test/fixtures/threagile-import/shop.threagile.yaml'), 'shop.threagile.yaml');
    assert.ok(r.text && r.summary, formatDiagnostics(r.diagnostics));
    assert.equal(r.summary.threatmapSection, undefined);
    assert.doesNotMatch(r.text, /Written by threatmap/);
  });
});

// --- A model that uses every part of the vocabulary ---------------------------------------------------

/** Every element type and technology, protocol with and without an encryption override, auth with and without mfa, boundary kind and trust. */
function richModel(): string {
  const lines = [
    'threatmap: 1', 'system: { name: "Rich <b>system</b>", description: "two\\nlines", owner: "<i>me</i>", version: "2.1" }', 'boundaries:',
  ];
  for (const kind of BOUNDARY_KINDS) for (const trust of TRUST_LEVELS) lines.push(`  B_${kind}_${trust}: { name: "Zone ${kind} ${trust}", trust: ${trust}, kind: ${kind}, controls: [waf] }`);
  lines.push('assets:', '  a1: { name: A1, classification: restricted, confidentiality: low }', '  A_2: { name: A1, kind: resource, description: "x\\ny" }');
  lines.push('elements:');
  for (const type of Object.keys(ELEMENT_TYPES)) lines.push(`  e_${type}: { type: ${type}, in: B_network_internal, tags: [Foo, " bar"] }`);
  for (const tech of Object.keys(TECHNOLOGIES)) lines.push(`  t_${tech}: { tech: ${tech} }`);
  lines.push(
    '  src: { type: service, privileged: true, replicas: 3, owner: team, exposed: false, in: B_network_untrusted, controls: [redundancy] }',
    '  dst: { type: api, auth: jwt, exposed: true, endpoints: { "GET|POST /x": { methods: [put], kind: search, name: X, auth: none }, "/y": { auth: basic }, "/z": null, "<<": { public: true } } }',
    '  Dup: { name: same, type: service }', '  dup2: { name: same, type: service }',
    'flows:',
  );
  let n = 0;
  for (const protocol of Object.keys(PROTOCOLS)) {
    for (const encrypted of [undefined, true, false]) {
      n++;
      lines.push(`  - { from: src, to: dst, id: f${n}, protocol: ${protocol}${encrypted === undefined ? '' : `, encrypted: ${encrypted}`}, port: ${n} }`);
    }
  }
  for (const auth of AUTH_METHODS) for (const mfa of [false, true]) lines.push(`  - { from: src, to: dst, id: g${++n}, protocol: https, auth: ${auth}${mfa ? ', controls: [mfa, vpn]' : ''} }`);
  lines.push(
    '  - src -> dst: { protocol: x-custom, endpoint: /y, credential: c1, description: "multi\\nline" }',
    '  - Dup -> dup2: { protocol: https, name: "named <flow>" }',
    '  - dup2 -> Dup: { protocol: https, name: "named <flow>" }',
    'threats:',
    '  multi: { title: "Multi <b>target</b>", stride: tampering, on: [system, dst, "dst:/y", f1, B_network_internal, "dst:GET|POST /x", "dst:<<"],'
      + ' description: "d\\n<i>x</i>", references: ["OWASP ASVS 1.2", CWE-0840, "https://x"] }',
    '  stated: { title: Stated, stride: D, on: [src, dst], likelihood: high }',
  );
  return `${lines.join('\n')}\n`;
}

/**
 * Decisions of every kind: lapsed, with a review date, transferred, open with a reason, a reason on two
 * lines, none; three threats sharing one risk id (one element and two of its endpoints) decided differently.
 */
function richTriage(): string {
  const r = analyseText(richModel(), 'rich.yaml');
  const keys = r.threats.map((t) => t.key);
  const own = r.threats.filter((t) => !t.ruleId.startsWith('threat:')).map((t) => t.key);
  for (const key of ['threat:multi@dst', 'threat:multi@dst:/y', 'threat:multi@dst:GET|POST /x', 'threat:multi@system', 'threat:stated@src']) {
    assert.ok(keys.includes(key), key);
  }
  return [
    'threatmap-triage: 1', 'threats:',
    '  "threat:multi@dst:GET|POST /x": { status: accepted, reason: one, expires: 2020-01-01 }',
    '  "threat:multi@dst": { status: mitigated, reason: two, review: 2030-01-01, owner: o2, ticket: T-2 }',
    '  "threat:multi@dst:/y": { status: accepted, reason: endpoint one }',
    '  "threat:multi@system": { status: mitigating, reason: sys }',
    '  "threat:stated@src": { status: false-positive, reason: not really }',
    `  "${own[0]}": { status: transferred, reason: carrier }`,
    `  "${own[1]}": { status: accepted, reason: plain one, owner: me, ticket: "123" }`,
    `  "${own[2]}": { status: open, reason: still thinking }`,
    `  "${own[3]}": { status: false-positive, reason: "a\\nb" }`,
    `  "${own[4]}": { status: mitigating }`,
    '',
  ].join('\n');
}
