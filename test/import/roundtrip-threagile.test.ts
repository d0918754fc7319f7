// Threagile round trip: `threatmap export -f threagile` then `threatmap import` gives back a model whose analysis
// is the same (test/import/roundtrip.ts compares them), for the four inputs of the round-trip work and for a model
// that uses every element type, technology, protocol, auth method and boundary kind. What Threagile's fields
// cannot say travels in the file's `threatmap:` section (with the model: its assumptions, `rules:` and written
// threats as written, a written threat mitigated everywhere too); an edit made in Threagile wins over it (a
// written threat whose risks were all deleted there is gone); a file that has no such section imports as
// Threagile's alone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type Document, isCollection, isScalar, parse as parseYaml, parseDocument, type Scalar, visit, type YAMLMap, type YAMLSeq } from 'yaml';
import { importThreagile } from '../../src/import/threagile.js';
import { AUTH_METHODS, BOUNDARY_KINDS, ELEMENT_TYPES, PROTOCOLS, TECHNOLOGIES, TRUST_LEVELS } from '../../src/model/catalog.js';
import { formatDiagnostics } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { renderThreagile } from '../../src/render/threagile.js';
import { replaceOnce } from '../helpers.js';
import { analyseText, differences, roundTrip, snapshot } from './roundtrip.js';

const read = (path: string) => readFileSync(path, 'utf8');

/** The inputs that must come back the same; no difference is excepted for Threagile. */
const INPUTS: Array<[string, string, string | undefined]> = [
  ['shop (written threats, decisions of every status)', 'test/fixtures/roundtrip/shop.yaml', 'test/fixtures/roundtrip/shop.triage.yaml'],
  ['tuned (assumptions, rules:, a written threat mitigated everywhere)', 'test/fixtures/roundtrip/tuned.yaml', 'test/fixtures/roundtrip/tuned.triage.yaml'],
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
      const back = analyseText(r.model, 'model.yaml', r.triage);
      const again = renderThreagile(back.result, { model: back.model });
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
    // Only what the Threagile fields cannot say: a type that is Threagile's technology word is not repeated. The
    // title too, by which the entry is found when the asset's id is changed in Threagile.
    assert.deepEqual(section.technical_assets.db, { title: 'Orders database', type: 'database', tech: 'postgres', controls: ['encryption-at-rest', 'backups'] });
    assert.match(shop.exported, /^# threatmap's own data, for `threatmap import`/m);
  });
});

describe('Threagile round trip: an edit made in Threagile wins', () => {
  it('an element renamed: its new name, all else kept (its endpoints, controls, auth)', () => {
    const { changes, model } = afterEdit((t) => replaceOnce(t, '\n  API servers:\n', '\n  Shop API:\n'));
    // The threats whose titles name it, and the element itself: nothing else.
    assert.deepEqual(about(changes), ['threat session-hijacking@api', 'threat verbose-errors@api', 'threat missing-waf@api', 'model element api']);
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

  it('a link pointed at another technical asset: the flow goes there, without the endpoint its old target had', () => {
    const { changes, model } = afterEdit((t) =>
      setField(t, ['  Payment gateway:', '    communication_links:', '      to API servers /webhooks/payment:'], 'target', 'api', 'db'));
    assert.ok(about(changes).includes('model flow payments->db'), changes.join('\n'));
    assert.match(model, /^ {2}# .*\n {2}# endpoint \/webhooks\/payment left out: `db` has none such/m);
    assert.match(model, /^ {2}- payments -> db: \{ protocol: https, data: \[ orders \] \}$/m);
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

describe('Threagile round trip: a technical asset\'s id changed, a link deleted in Threagile', () => {
  /** The exported file with a technical asset's id changed as a Threagile user does it: `id:` and every reference, our section left alone. */
  function withAssetId(text: string, from: string, to: string): string {
    const doc = parseDocument(text, { version: '1.1' });
    const renamed = (id: string) => (id === from ? to : id.startsWith(`${from}>`) ? `${to}${id.slice(from.length)}` : id);
    for (const pair of (doc.contents as YAMLMap<Scalar<string>>).items) {
      if (pair.key.value === 'threatmap' || !isCollection(pair.value)) continue;
      visit(pair.value, {
        Scalar(_, s) {
          if (typeof s.value === 'string') s.value = renamed(s.value);
        },
        Pair(_, p) {
          // Risk tracking is keyed by risk ids, which name the asset (`session-hijacking@api`).
          if (pair.key.value === 'risk_tracking' && isScalar(p.key) && typeof p.key.value === 'string') p.key.value = p.key.value.split('@').map(renamed).join('@');
        },
      });
    }
    return doc.toString({ lineWidth: 0 });
  }
  /** A threat's key with the element's id changed: on it, one of its endpoints, or a flow named by its ends. */
  const keyWith = (key: string, from: string, to: string) => key.replace(new RegExp(`(?<=@|->)${from}(?=$|:|->)`, 'g'), to);

  it('its threatmap data is found by its title: the same threats with the same decisions under its new id, no stale entry', () => {
    const edited = withAssetId(shop.exported, 'api', 'api-servers');
    assert.match(edited, /^ {4}id: api-servers$/m);
    assert.match(edited, /^ {2}session-hijacking@api-servers:$/m);
    const imported = importThreagile(edited, 'edited.threagile.yaml', { output: 'back.yaml' });
    assert.ok(imported.text, formatDiagnostics(imported.diagnostics));
    assert.deepEqual(imported.diagnostics, []);
    const after = snapshot(analyseText(imported.text, 'back.yaml', imported.triage?.text));
    // Threagile's id wins, as its other edits do: each threat and decision as before, under the element's new id.
    assert.equal(after.threats.size, shop.before.threats.size);
    for (const [key, line] of shop.before.threats) assert.equal(after.threats.get(keyWith(key, 'api', 'api-servers')), line, key);
    assert.deepEqual(after.stale, []);
    const model = imported.text;
    assert.match(model, /^ {2}api-servers:\n {4}name: API servers\n {4}type: api\n {4}tech: node\n(?: {4}.*\n)* {4}auth: session-cookie\n/m);
    assert.match(model, /^ {6}POST \/checkout: \{ controls: \[ rate-limiting, server-side-validation \], accepts: \[ card, orders \] \}$/m);
    assert.match(model, /^ {2}- api-servers -> db: \{ protocol: postgres\+tls, auth: password, credential: shop-db, data: \[ pii, orders \] \}$/m);
    assert.match(model, /^ {2}- payments -> api-servers: \{ protocol: https, data: \[ orders \], endpoint: \/webhooks\/payment \}$/m);
    assert.match(model, /^ {4}on: \[ payments -> api-servers, api-servers:\/webhooks\/payment \]$/m);
    assert.ok(imported.summary?.notes.includes('api-servers: its id was `api`, changed in Threagile: threatmap\'s section found by its title "API servers"; its threats and decisions follow it under `api-servers`'),
      imported.summary?.notes.join('\n'));
    assert.ok(imported.summary?.notes.some((n) => /^3 decisions on threatmap's own threats of `api-servers` written under the stable ids/.test(n)), imported.summary?.notes.join('\n'));
  });

  it('an endpoint\'s caller renamed: the caller under its new id', () => {
    const { model, changes } = afterEdit((t) => withAssetId(t, 'payments', 'gateway'));
    assert.match(model, /^ {6}\/webhooks\/payment: \{ public: true, callers: \[ gateway \], controls: \[ signature-verification, replay-protection \] \}$/m);
    assert.ok(!changes.some((c) => c.startsWith('triage:')), changes.join('\n'));
  });

  it('its title changed too: nothing says which entry is its, so it is read as Threagile\'s alone, and the entry left out is named', () => {
    const r = importThreagile(replaceOnce(withAssetId(shop.exported, 'cache', 'sessions-cache'), '\n  Session cache:\n', '\n  Sessions:\n'), 'edited.threagile.yaml');
    assert.ok(r.text, formatDiagnostics(r.diagnostics));
    assert.match(r.text, /^ {2}sessions-cache: \{ name: Sessions, type: database, in: data, stores: \[ sessions \] \}$/m);
    assert.ok(r.summary?.notes.some((n) => n.startsWith('threatmap\'s section has data for technical asset `cache` ("Session cache"), which the file no longer has')), r.summary?.notes.join('\n'));
    assert.ok(!r.summary?.notes.some((n) => /changed in Threagile: threatmap's section found/.test(n)));
  });

  it('a link deleted: the written threat on it is where its risk now points, and the summary says so', () => {
    const { model, changes } = afterEdit((t) => {
      const doc = parseDocument(t, { version: '1.1' });
      doc.deleteIn(['technical_assets', 'Payment gateway', 'communication_links', 'to API servers /webhooks/payment']);
      return doc.toString({ lineWidth: 0 });
    });
    assert.ok(about(changes).includes('model written threat replayed-webhook'), changes.join('\n'));
    assert.match(model, /^ {4}on: \[ payments, api:\/webhooks\/payment \]$/m);
    assert.match(model, /^# {3}written threat `replayed-webhook`: communication link payments>to-api-servers-webhooks-payment is gone from the file; its risk TM-b10fe487 is now on `payments`, where the risk places it$/m);
    // Untouched, no such note.
    assert.doesNotMatch(shop.model, /is gone from the file|was moved in Threagile/);
  });

  it('a link deleted with a decision on a rule\'s threat of it: the decision is kept, and the summary says it may be stale', () => {
    // A threat that sits on the link itself: the API sends customer PII to an analytics provider. (A mobile app's
    // unpinned certificates were this example until they became one finding per app, keyed on the app.)
    const model = replaceOnce(replaceOnce(SHOP, '    in: provider\n', '    in: provider\n  analytics: { name: Analytics, type: third-party, in: provider }\n'),
      '\nthreats:', '  - api -> analytics: { protocol: https, auth: api-key, data: [pii] }\n\nthreats:');
    const triage = `${SHOP_TRIAGE}  third-party-data-sharing@api->analytics: { status: accepted, reason: the contract covers it }\n`;
    const r = roundTrip('threagile', model, triage);
    assert.deepEqual(r.differences, [], r.differences.join('\n'));
    const doc = parseDocument(r.exported, { version: '1.1' });
    doc.deleteIn(['technical_assets', 'API servers', 'communication_links', 'to Analytics']);
    const imported = importThreagile(doc.toString({ lineWidth: 0 }), 'edited.threagile.yaml');
    assert.ok(imported.text, formatDiagnostics(imported.diagnostics));
    assert.ok(imported.summary?.notes.includes('decision on "Customer PII sent to Analytics" (TM-b622bb6c, accepted): its communication link api>to-analytics'
      + ' is gone from the file; kept in the triage file, where `analyze` reports it stale if the threat went with the link'), imported.summary?.notes.join('\n'));
    assert.doesNotMatch(r.model, /is gone from the file/);
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

describe('Threagile round trip: what the analysis does not hold (assumptions, rules:, written threats as written)', () => {
  const TUNED = read('test/fixtures/roundtrip/tuned.yaml');
  const tuned = roundTrip('threagile', TUNED, read('test/fixtures/roundtrip/tuned.triage.yaml'));
  const sectionOf = (text: string) => (parseYaml(text, { version: '1.1' }) as { threatmap: Record<string, unknown> }).threatmap;

  it('our section carries them: assumptions (elements by Threagile id), `rules:` as written, each written threat in the model\'s order', () => {
    const section = sectionOf(tuned.exported);
    const { model } = analyseText(TUNED, 'tuned.yaml');
    assert.deepEqual(section.rules, model.rules);
    assert.deepEqual(section.assumptions, [
      { text: 'The CDN provider\'s own staff are trusted.' },
      { text: 'The CDN rate-limits /search per client address.', rules: ['no-rate-limiting'], elements: ['api'] },
      { text: 'Cache eviction is handled by the session service.', rules: ['threat:cache-eviction'] },
    ]);
    const written = section.written_threats as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(written), model.threats.map((t) => t.id));
    // A risk where the analysis reports it; none on the endpoint, where replay-protection mitigates it.
    assert.deepEqual(written['replayed-webhook'], {
      targets: [{ communication_link: 'payments>to-api-servers-webhooks-payment', risk: 'TM-b10fe487' }, { technical_asset: 'api', endpoint: '/webhooks/payment' }],
      mitigated_by: ['replay-protection'],
    });
    // Reported everywhere: its risks and category say the rest.
    assert.deepEqual(written['dmz-drift'], { targets: [{ trust_boundary: 'dmz', risk: 'TM-37cc646d' }] });
    // Mitigated everywhere (audit-logging) or ruled out (an assumption): no risk in the file, so all of it here.
    assert.deepEqual(written['audit-gap'], {
      targets: [{ technical_asset: 'api' }, { communication_link: 'payments>to-api-servers-webhooks-payment' }], mitigated_by: ['audit-logging'],
      title: 'Refunds leave no audit trail', stride: 'R', likelihood: 'low',
    });
    assert.deepEqual(written['cache-eviction'], {
      targets: [{ technical_asset: 'cache' }], title: 'Session cache evicts under memory pressure and logs everyone out', stride: 'D', likelihood: 'medium', impact: 'low',
    });
  });

  it('imported, they are written as a person writes them: in the model\'s order, after the threats', () => {
    assert.match(tuned.model, /^ {2}replayed-webhook:\n(?: {4}.*\n)* {4}on: \[ payments -> api, api:\/webhooks\/payment \]\n {4}mitigated-by: \[ replay-protection \]\n/m);
    assert.match(tuned.model, /^threats:\n(?:.*\n)*? {2}coupon-stacking:\n(?:.*\n)* {2}audit-gap:\n(?:.*\n)*\nassumptions:\n {2}- The CDN provider's own staff are trusted\.\n {2}- text: The CDN rate-limits \/search per client address\.\n {4}rules: \[ no-rate-limiting \]\n {4}elements: \[ api \]\n(?:.*\n)*\nrules:\n {2}disable: \[ verbose-errors \]\n/m);
    assert.match(tuned.model, /^# 2 threats written in the model came back from the `threatmap:` section alone/m);
  });

  it('exported without the model (a caller with only the result): none of them in the file, which imports as the first round did', () => {
    const { result } = analyseText(TUNED, 'tuned.yaml', read('test/fixtures/roundtrip/tuned.triage.yaml'));
    const exported = renderThreagile(result);
    const section = sectionOf(exported);
    for (const key of ['assumptions', 'rules', 'written_threats']) assert.equal(section[key], undefined, key);
    const r = importThreagile(exported, 'old.threagile.yaml');
    assert.ok(r.text, formatDiagnostics(r.diagnostics));
    assert.doesNotMatch(r.text, /^(assumptions|rules):|mitigated-by|audit-gap/m);
    assert.match(r.text, /^ {2}replayed-webhook:\n(?: {4}.*\n)* {4}on: payments -> api\n/m);
  });
});

describe('Threagile round trip: written threats edited in Threagile', () => {
  // `wide` is reported on web and db; mitigated on api (input-validation) and ruled out on job and job -> db
  // (the assumption); `gone` is mitigated on its one target, so the file has no risk of it.
  const SMALL = [
    'threatmap: 1', 'system: { name: Small }', 'boundaries:', '  zone: { name: Zone, trust: internal }', 'elements:',
    '  web: { type: web-app, in: zone }', '  api: { type: api, in: zone, controls: [input-validation] }',
    '  db: { type: database, in: zone, controls: [encryption-at-rest] }', '  job: { type: worker, in: zone, controls: [audit-logging] }',
    'flows:', '  - web -> api: https', '  - api -> db: { protocol: postgres+tls, auth: password }', '  - job -> db: { protocol: postgres+tls, auth: password }',
    'threats:',
    '  wide: { title: Wide threat, stride: T, on: [web, api, job, db, "job -> db"], mitigated-by: [input-validation] }',
    '  gone: { title: Mitigated everywhere, stride: R, on: job, mitigated-by: [audit-logging] }',
    'assumptions:', '  - { text: Jobs run as a batch user., rules: ["threat:wide"], elements: [job] }', '',
  ].join('\n');
  const small = roundTrip('threagile', SMALL);

  /** The export edited as a YAML document (as Threagile's editor would save it), imported: the model, its notes, and what differs. */
  function edited(edit: (doc: Document) => void): { model: string; changes: string[] } {
    const doc = parseDocument(small.exported, { version: '1.1' });
    edit(doc);
    const imported = importThreagile(doc.toString({ lineWidth: 0 }), 'edited.threagile.yaml', { output: 'back.yaml' });
    assert.ok(imported.text, formatDiagnostics(imported.diagnostics));
    return { model: imported.text, changes: differences(small.before, snapshot(analyseText(imported.text, 'back.yaml', imported.triage?.text))) };
  }
  const wideRisks = ['individual_risk_categories', 'threat:wide', 'risks_identified'];
  const riskTitled = (doc: Document, uid: string) => (doc.getIn(wideRisks) as YAMLMap<Scalar<string>>).items.find((p) => p.key.value.endsWith(`(${uid})`))!.key.value;
  const uids = () => (sectionOf(small.exported).written_threats as Record<string, { targets: Array<{ risk?: string }> }>).wide.targets.flatMap((t) => t.risk ?? []);
  const sectionOf = (text: string) => (parseYaml(text, { version: '1.1' }) as { threatmap: Record<string, unknown> }).threatmap;

  it('comes back whole, unedited: both threats, every target in order, the assumption', () => {
    assert.deepEqual(small.differences, []);
    assert.equal(uids().length, 2);
  });

  it('its title and STRIDE edited: Threagile\'s words; all it is on and its controls kept', () => {
    const { model, changes } = edited((doc) => {
      doc.setIn(['individual_risk_categories', 'threat:wide', 'stride'], 'repudiation');
      const risks = doc.getIn(wideRisks) as YAMLMap<Scalar<string>>;
      for (const p of risks.items) p.key.value = p.key.value.replace('Wide threat', 'Broad threat');
    });
    assert.deepEqual(about(changes), ['threat threat:wide@db', 'threat threat:wide@web', 'model written threat wide']);
    assert.match(model, /^ {2}wide:\n {4}title: Broad threat\n {4}stride: R\n {4}on: \[ web, api, job, db, job -> db \]\n {4}mitigated-by: \[ input-validation \]\n/m);
  });

  it('one risk deleted: that target is gone; the targets Threagile never showed stay, in order', () => {
    const { model, changes } = edited((doc) => doc.deleteIn([...wideRisks, riskTitled(doc, uids()[0])]));
    assert.deepEqual(about(changes), ['threat threat:wide@web', 'model written threat wide']);
    assert.match(model, /^ {2}wide:\n(?: {4}.*\n)* {4}on: \[ api, job, db, job -> db \]\n {4}mitigated-by/m);
    assert.match(model, /^ {2}gone:\n/m);
  });

  it('every risk deleted (its category): the threat is gone, with the targets Threagile never showed; the one it had no risk of stays', () => {
    const { model, changes } = edited((doc) => doc.deleteIn(['individual_risk_categories', 'threat:wide']));
    // The assumption that ruled it out on job rules out no more: a rule of no threat would warn on load.
    assert.deepEqual(about(changes), ['threat threat:wide@db', 'threat threat:wide@web', 'model written threat wide', 'model assumption 1']);
    assert.match(model, /assumption "Jobs run as a batch user\.": `threat:wide` no longer in the file: left out/);
    assert.match(model, /^assumptions:\n {2}- text: Jobs run as a batch user\.\n {4}elements: \[ job \]\n/m);
    assert.doesNotMatch(model, /^ {2}wide:/m);
    assert.match(model, /written threat `wide`: its risks were deleted in Threagile; left out/);
    assert.match(model, /^ {2}gone:\n(?: {4}.*\n)* {4}mitigated-by: \[ audit-logging \]\n/m);
  });

  it('a technical asset deleted: a threat on it alone is gone, others lose it from `on:`, an assumption held only there keeps its text', () => {
    const { model, changes } = edited((doc) => {
      doc.deleteIn(['technical_assets', 'job']);
      const inside = doc.getIn(['trust_boundaries', 'Zone', 'technical_assets_inside']) as YAMLSeq<Scalar<string>>;
      inside.items = inside.items.filter((s) => s.value !== 'job');
    });
    assert.ok(about(changes).includes('model written threat gone') && about(changes).includes('model assumption 1'), changes.join('\n'));
    assert.match(model, /written threat `gone`: all it was on is gone from the file; left out/);
    assert.match(model, /^ {2}wide:\n(?: {4}.*\n)* {4}on: \[ web, api, db \]\n {4}mitigated-by/m);
    assert.match(model, /^assumptions:\n {2}- Jobs run as a batch user\.\n/m);
  });

  it('a `rules:` section edited out of shape in our section: left out with a note, and the model still loads', () => {
    const tuned = roundTrip('threagile', read('test/fixtures/roundtrip/tuned.yaml'));
    const broken = replaceOnce(tuned.exported, '\n    disable: [ verbose-errors ]\n', '\n    disable: verbose-errors\n');
    const r = importThreagile(broken, 'edited.threagile.yaml');
    assert.ok(r.text, formatDiagnostics(r.diagnostics));
    assert.doesNotMatch(r.text, /^rules:/m);
    assert.match(r.text, /the `rules:` section threatmap's section carried is not one a model accepts/);
    analyseText(r.text, 'back.yaml', r.triage?.text);
  });
});

describe('Threagile round trip: what the file no longer has is left out, and the model always loads', () => {
  /** The diagnostics of loading an imported model: none may be an error (analyseText throws on one). */
  const loaded = (text: string) => loadModel(text, 'back.yaml').diagnostics;

  it('an element whose type and tech imply no kind (`kind: process`, an unknown tech, a type edited in Threagile) keeps its `kind`', () => {
    // The model has no default kind: without `kind:` such an element does not load (unknown-kind).
    const plain = roundTrip('threagile', [
      'threatmap: 1', 'system: { name: K }', 'elements:', '  u: { kind: external }', '  worker: { kind: process }',
      '  py: { kind: process, tech: python }', 'flows:', '  - u -> worker: https', '  - worker -> py: https', '',
    ].join('\n'));
    assert.deepEqual(plain.differences, [], plain.differences.join('\n'));
    assert.match(plain.model, /^ {2}worker: \{ kind: process \}$/m);
    assert.match(plain.model, /^ {2}py: \{ kind: process, tech: python \}$/m);
    // The model gave `u` and `worker` no technology: the import has none to ask for.
    assert.doesNotMatch(plain.model, /technology unknown in Threagile/);
    // A datastore made a process in Threagile: its technology (database) fits no process type, so nothing implies its kind.
    const retyped = afterEdit((t) => setField(t, ['technical_assets:', '  Session cache:'], 'type', 'datastore', 'process'));
    assert.match(retyped.model, /^ {2}cache: \{ name: Session cache, kind: process, in: data,/m);
    assert.match(retyped.model, /technology "database": fits no process type/);
    const unknown = afterEdit((t) => setField(t, ['technical_assets:', '  Load balancer:'], 'technology', 'load-balancer', 'unknown-technology'));
    assert.match(unknown.model, /^ {2}lb: \{ name: Load balancer, kind: process, in: dmz \}$/m);
  });

  it('an endpoint naming an asset or element gone from the file, or a word the model does not know: that part left out, with a note', () => {
    // The data asset deleted in Threagile: /search no longer returns it.
    const deleted = afterEdit((t) => replaceOnce(t, t.slice(t.indexOf('\n  Product catalogue:\n'), t.indexOf('\n  Shop availability:\n')), ''));
    assert.match(deleted.model, /^ {2}# endpoint \/search: its `returns` "catalog" names nothing the model has: left out\n {2}api:\n/m);
    assert.match(deleted.model, /^ {6}\/search: \{ public: true \}$/m);
    // Renamed there (its id, with every reference in Threagile's fields): the same, under the new id.
    const renamed = afterEdit((t) => setField(t, ['data_assets:', '  Product catalogue:'], 'id', 'catalog', 'catalogue'));
    assert.match(renamed.model, /^ {2}catalogue:/m);
    assert.match(renamed.model, /endpoint \/search: its `returns` "catalog" names nothing the model has: left out/);
    // A technical asset whose id and title both changed: nothing finds its entry, so the endpoint's one caller is
    // gone and `callers` goes (an empty list would let no one call it).
    const caller = afterEdit((t) => {
      const at = t.indexOf('\n# threatmap\'s own data');
      return replaceOnce(t.slice(0, at).replace(/\bpayments\b/g, 'gateway'), '\n  Payment gateway:\n', '\n  Card gateway:\n') + t.slice(at);
    });
    assert.match(caller.model, /threatmap's section has data for technical asset `payments` \("Payment gateway"\), which the file no longer has/);
    assert.match(caller.model, /endpoint \/webhooks\/payment: its `callers` "payments" names nothing the model has: left out/);
    assert.match(caller.model, /endpoint \/webhooks\/payment: none of its callers is left, so `callers` is left out/);
    assert.match(caller.model, /^ {6}\/webhooks\/payment: \{ public: true, controls: \[ signature-verification, replay-protection \] \}$/m);
    // Our section edited by hand: a control, an auth method and an endpoint kind the catalog does not have.
    const words = afterEdit((t) => replaceOnce(t, '{ key: /login, public: true, controls: [ rate-limiting, mfa, generic-responses ] }',
      '{ key: /login, kind: nonsense, auth: telepathy, controls: [ rate-limiting, not-a-control, mfa ] }'));
    assert.match(words.model, /endpoint \/login: its `kind` "nonsense" is not one the model accepts: left out/);
    assert.match(words.model, /endpoint \/login: its `auth` "telepathy" is not one the model accepts: left out/);
    assert.match(words.model, /endpoint \/login: its `controls` "not-a-control" is not a control the model knows: left out/);
    assert.match(words.model, /^ {6}\/login: \{ controls: \[ rate-limiting, mfa \] \}$/m);
    // The same for the element's own words in our section: left out, the model loads.
    const element = afterEdit((t) => replaceOnce(replaceOnce(t, '      auth: session-cookie\n', '      auth: telepathy\n'),
      'controls: [ parameterized-queries, audit-logging,', 'controls: [ parameterized-queries, no-such-control, audit-logging,'));
    assert.match(element.model, /its `auth` "telepathy" in threatmap's section is not one the model accepts; left out/);
    assert.match(element.model, /its `controls` "no-such-control" in threatmap's section: not controls the model knows; left out/);
    assert.doesNotMatch(element.model, /no-such-control\]|no-such-control,|auth: telepathy/);
  });

  it('an assumption naming a written threat deleted in Threagile: that rule left out, with a note; no warning on load', () => {
    const tuned = roundTrip('threagile', read('test/fixtures/roundtrip/tuned.yaml'));
    const doc = parseDocument(tuned.exported, { version: '1.1' });
    // The technical asset the threat was on, and its link, deleted.
    doc.deleteIn(['technical_assets', 'Session cache']);
    doc.deleteIn(['technical_assets', 'API servers', 'communication_links', 'to Session cache']);
    const inside = doc.getIn(['trust_boundaries', 'Data tier', 'technical_assets_inside']) as YAMLSeq<Scalar<string>>;
    inside.items = inside.items.filter((s) => s.value !== 'cache');
    const r = importThreagile(doc.toString({ lineWidth: 0 }), 'edited.threagile.yaml');
    assert.ok(r.text, formatDiagnostics(r.diagnostics));
    assert.doesNotMatch(r.text, /^ {4}rules: \[ threat:cache-eviction \]$|^ {2}cache-eviction:/m);
    assert.match(r.text, /assumption "Cache eviction is handled by the session service\.": `threat:cache-eviction` no longer in the file: left out/);
    assert.match(r.text, /^ {2}- Cache eviction is handled by the session service\.$/m);
    // The cache held the sessions: with it gone, nothing holds them, which is worth a warning; nothing else is.
    assert.deepEqual(loaded(r.text).map((d) => `${d.code} ${d.path}`), ['unused-asset assets.sessions']);
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
  const { result } = analyseText(richModel(), 'rich.yaml');
  const keys = result.threats.map((t) => t.key);
  const own = result.threats.filter((t) => !t.ruleId.startsWith('threat:')).map((t) => t.key);
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
