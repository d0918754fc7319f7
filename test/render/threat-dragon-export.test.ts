// OWASP Threat Dragon v2 export: the shape of Threat Dragon 2.3's own files (the shared corpus samples), one
// box per boundary, one cell per element and flow, every threat on a cell, a layout whose boxes hold exactly
// their members (our importer reads membership from geometry), the round trip through our Threat Dragon
// importer, triage as Threat Dragon's status, hostile names as text, and byte-stable output.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { importThreatDragon } from '../../src/import/threat-dragon.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import type { Model } from '../../src/model/types.js';
import {
  buildThreatDragon, renderThreatDragon, renderThreatDragonChunks, TD_SEVERITY, TD_STATUS, TD_THREAT_TYPE, type TdDocument,
  type TdEdge, type TdNode, type TdThreat,
} from '../../src/render/threat-dragon.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { TRIAGE_STATUSES } from '../../src/track/types.js';
import { corpusDir, corpusMissing } from '../corpus.js';
import { analyzeText, exampleText } from '../helpers.js';
import { BOUNDARY_THREAT_WITHOUT_FLOWS } from './interchange-models.js';

const EXAMPLES = ['ecommerce', 'microservices', 'prelaunch'];
const SAMPLES = ['demo-threat-model.td-v2.json', 'iot-device.td-v2.json'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A model with what the examples lack: elements in no boundary, a box holding only a box, three levels of nesting, a call and its reply. */
const NESTED = [
  'threatmap: 1',
  'system: { name: Nested, owner: Team N, description: Boxes in boxes }',
  'assets:',
  '  keys: { type: credentials, classification: restricted }',
  '  cards: { type: payment, classification: restricted }',
  'boundaries:',
  '  outer: { name: Outer, trust: internal }',
  '  corp: { name: Corporate, trust: internal, in: outer }',
  '  vpc: { name: VPC, trust: internal, in: corp }',
  '  vault: { name: Vault zone, trust: restricted, in: vpc }',
  '  records: { name: Records, trust: restricted, in: vpc }',
  '  dmz: { name: Perimeter, trust: dmz }',
  '  partner: { name: Partner, trust: untrusted }',
  'elements:',
  '  visitor: { name: Visitor, tech: browser }',
  '  job: { name: Nightly job, type: worker }',
  '  proxy: { name: Proxy, type: reverse-proxy, in: dmz }',
  '  api: { name: API, type: api, in: vpc, handles: [cards] }',
  '  svc: { name: Billing, type: web-app, in: corp }',
  '  db: { name: Ledger, type: database, in: vault, stores: [keys], controls: [encryption-at-rest] }',
  '  files: { name: Files, type: object-storage, in: records }',
  '  audit: { name: Audit log, type: logs, in: records }',
  '  idp: { name: Login, type: identity-provider, in: corp }',
  '  partner-api: { name: Partner API, type: third-party, in: partner }',
  'flows:',
  '  - visitor -> proxy: https',
  '  - proxy -> api: https',
  '  - api -> db: postgres+tls',
  '  - api -> files: s3',
  '  - api -> audit: https',
  '  - svc -> api: grpcs',
  '  - svc -> idp: https',
  '  - job -> db: postgres',
  '  - api -> partner-api: https',
  '  - partner-api -> api: https',
  '',
].join('\n');

const analyzeExample = (name: string) => analyzeText(exampleText(name), `examples/${name}.yaml`);
const parseTd = (r: AnalysisResult): TdDocument => JSON.parse(renderThreatDragon(r)) as TdDocument;
const cellsOf = (doc: TdDocument) => doc.detail.diagrams[0].cells;
const nodes = (doc: TdDocument) => cellsOf(doc).filter((c): c is TdNode => c.shape !== 'flow');
const edges = (doc: TdDocument) => cellsOf(doc).filter((c): c is TdEdge => c.shape === 'flow');
const boxes = (doc: TdDocument) => nodes(doc).filter((c) => c.shape === 'trust-boundary-box');
const elementCells = (doc: TdDocument) => nodes(doc).filter((c) => ['actor', 'process', 'store'].includes(c.shape));
const noteOf = (doc: TdDocument) => nodes(doc).find((c) => c.shape === 'td-text-block');
const uidIn = (t: TdThreat) => /^threatmap (TM-[0-9a-f]{8}) /m.exec(t.description)?.[1];
const threatsIn = (doc: TdDocument) => cellsOf(doc).flatMap((c) => c.data.threats ?? []);
const cellNamed = (doc: TdDocument, name: string) => cellsOf(doc).find((c) => c.data.name === name)!;

interface Rect { x: number; y: number; w: number; h: number }
const rectOf = (c: TdNode): Rect => ({ x: c.position.x, y: c.position.y, w: c.size.width, h: c.size.height });
const centreIn = (e: Rect, b: Rect) => {
  const cx = e.x + e.w / 2;
  const cy = e.y + e.h / 2;
  return cx >= b.x && cx <= b.x + b.w && cy >= b.y && cy <= b.y + b.h;
};
const within = (a: Rect, b: Rect) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function imported(text: string, file: string): Model {
  const r = importThreatDragon(text, file);
  assert.ok(r.text, `no model:\n${formatDiagnostics(r.diagnostics)}`);
  assert.ok(!r.diagnostics.some((d) => d.severity === 'warning'), formatDiagnostics(r.diagnostics));
  const loaded = loadModel(r.text, 'imported.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), `imported model does not load:\n${formatDiagnostics(loaded.diagnostics)}\n${r.text}`);
  return loaded.model;
}

/**
 * Names, kinds, flows by names and protocol, membership and nesting by names: what a round trip keeps. An
 * element the model puts in no boundary comes back in none (the importer's `outside` is for actors drawn in
 * Threat Dragon); test/import/roundtrip-threat-dragon.test.ts compares the whole analysis.
 */
function essentials(m: Model) {
  const name = new Map(m.boundaries.map((b) => [b.id, b.name]));
  const elName = new Map(m.elements.map((e) => [e.id, e.name]));
  const boundaryOf = (e: Model['elements'][number]) => (e.boundary !== undefined ? name.get(e.boundary) : undefined);
  const boundaries = m.boundaries.map((b) => `${b.name} in ${b.parent === undefined ? '-' : name.get(b.parent)}`);
  return {
    elements: m.elements.map((e) => [e.name, e.kind, boundaryOf(e)]),
    boundaries: boundaries.sort(),
    flows: m.flows.map((f) => [elName.get(f.from), elName.get(f.to), f.protocol]),
  };
}

describe('Threat Dragon export: document and cells', () => {
  it('exports every example: one box per boundary, one cell per element and flow, each threat numbered once', () => {
    for (const name of EXAMPLES) {
      const r = analyzeExample(name);
      const doc = parseTd(r);
      assert.deepEqual(Object.keys(doc), ['version', 'summary', 'detail']);
      assert.equal(doc.version, '2.3.0');
      assert.deepEqual(doc.summary, { title: r.system.name, owner: r.system.owner ?? '', description: r.system.description ?? '', id: 0 });
      assert.deepEqual(Object.keys(doc.detail), ['contributors', 'diagrams', 'diagramTop', 'reviewer', 'threatTop']);
      assert.equal(doc.detail.diagrams.length, 1);
      const d = doc.detail.diagrams[0];
      assert.deepEqual([d.version, d.title, d.diagramType, d.id, d.thumbnail], ['2.3.0', r.system.name, 'STRIDE', 0, './public/content/images/thumbnail.stride.jpg']);
      assert.equal(doc.detail.threatTop, r.threats.length);

      assert.deepEqual(boxes(doc).map((c) => c.data.name).sort(), r.boundaries.map((b) => b.name).sort(), name);
      assert.ok(boxes(doc).every((c) => c.data.type === 'tm.BoundaryBox' && c.data.isTrustBoundary && c.zIndex < 0));
      const els = elementCells(doc);
      assert.deepEqual(els.map((c) => c.data.name), r.elements.map((e) => e.name), name);
      const count = (shape: string) => els.filter((c) => c.shape === shape).length;
      assert.deepEqual([count('actor'), count('process'), count('store')],
        [r.summary.elements.external, r.summary.elements.process, r.summary.elements.store], name);
      const type = { actor: 'tm.Actor', process: 'tm.Process', store: 'tm.Store' } as Record<string, string>;
      for (const c of els) {
        assert.equal(c.data.type, type[c.shape]);
        assert.equal(c.attrs.text.text, c.data.name);
        assert.deepEqual(c.ports?.items.map((p) => p.group), ['top', 'right', 'bottom', 'left']);
      }
      assert.equal(edges(doc).length, r.flows.length, name);

      // Ids: UUID-shaped, unique over cells, ports and threats; every flow's ends are element cells.
      const ids = [...cellsOf(doc).map((c) => c.id), ...els.flatMap((c) => c.ports!.items.map((p) => p.id)), ...threatsIn(doc).map((t) => t.id)];
      assert.ok(ids.every((id) => UUID.test(id)), name);
      assert.equal(new Set(ids).size, ids.length, `${name}: duplicate id`);
      const elIds = new Map(els.map((c) => [c.id, c.data.name]));
      assert.deepEqual(edges(doc).map((f) => [elIds.get(f.source.cell), elIds.get(f.target.cell), f.data.protocol]),
        r.flows.map((f) => [r.elements.find((e) => e.id === f.from)!.name, r.elements.find((e) => e.id === f.to)!.name, f.protocol]));

      // Every threat sits somewhere, and a threat drawn in several places keeps one number.
      const numberOf = new Map<string, number>();
      for (const t of threatsIn(doc)) {
        const uid = uidIn(t)!;
        assert.ok(uid, t.description);
        assert.equal(numberOf.get(uid) ?? t.number, t.number, uid);
        numberOf.set(uid, t.number);
      }
      assert.deepEqual([...numberOf.keys()].sort(), r.threats.map((t) => t.uid!).sort(), name);
      assert.deepEqual(r.threats.map((t) => numberOf.get(t.uid!)), r.threats.map((_, i) => i + 1));
    }
  });

  it("writes the keys Threat Dragon 2.3's own files have, cell by cell and threat by threat", (t) => {
    const dir = corpusDir('threat-dragon', ...SAMPLES);
    if (!dir) return t.skip(corpusMissing(`threat-dragon/${SAMPLES.join(', ')}`));
    const samples = SAMPLES.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as TdDocument);
    // What Threat Dragon computes or adds by itself on editing, which a file need not carry.
    const computed = new Set(['threatFrequency', 'tools']);
    const keysBy = (docs: TdDocument[], of: (c: TdDocument['detail']['diagrams'][0]['cells'][number]) => object) => {
      const out = new Map<string, Set<string>>();
      for (const doc of docs) {
        for (const c of cellsOf(doc)) {
          const s = out.get(c.shape) ?? new Set();
          for (const k of Object.keys(of(c))) if (!computed.has(k)) s.add(k);
          out.set(c.shape, s);
        }
      }
      return out;
    };
    const ours = [parseTd(analyzeText(NESTED, 'nested.yaml')), ...EXAMPLES.map((n) => parseTd(analyzeExample(n)))];
    for (const of of [(c: TdNode | TdEdge) => c, (c: TdNode | TdEdge) => c.data]) {
      const theirs = keysBy(samples, of);
      const mine = keysBy(ours, of);
      for (const shape of ['actor', 'process', 'store', 'flow']) {
        const missing = [...theirs.get(shape)!].filter((k) => !mine.get(shape)!.has(k));
        assert.deepEqual(missing, [], `${shape}: keys the samples have and ours lack`);
      }
    }
    assert.deepEqual(Object.keys(ours[0]).sort(), Object.keys(samples[0]).sort());
    assert.deepEqual(Object.keys(ours[0].summary).sort(), Object.keys(samples[0].summary).sort());
    assert.deepEqual(Object.keys(ours[0].detail).sort(), Object.keys(samples[0].detail).sort());
    // The 2.3 threat (the IoT sample's threats were saved by 2.3: number, score and new included).
    const sampleThreats = samples.flatMap(threatsIn);
    const full = sampleThreats.find((x) => 'number' in x)!;
    const mine = threatsIn(ours[1]);
    assert.ok(mine.length > 0);
    for (const x of mine) assert.deepEqual(Object.keys(x), Object.keys(full));
    // The STRIDE types the samples use are spelled as we spell them; statuses and severities are theirs.
    for (const x of sampleThreats) assert.ok(Object.values(TD_THREAT_TYPE).includes(x.type), x.type);
    const statuses = new Set(sampleThreats.map((x) => x.status));
    assert.ok(statuses.has('Open') && statuses.has('Mitigated'));
    assert.ok(sampleThreats.every((x) => (x.severity as string) !== 'Critical'), 'no Critical in the 2.3 samples: we write it as High');
    for (const x of ours.flatMap(threatsIn)) assert.ok(['High', 'Medium', 'Low'].includes(x.severity), x.severity);
  });

  it('sets the flags from the facts: identity, web app, card data, log, encryption, credentials, public network', () => {
    const doc = parseTd(analyzeText(NESTED, 'nested.yaml'));
    const data = (name: string) => cellNamed(doc, name).data as unknown as Record<string, unknown>;
    assert.equal(data('Login').providesAuthentication, true);
    assert.equal(data('Billing').isWebApplication, true);
    assert.equal(data('API').handlesCardPayment, true);
    assert.equal(data('API').isWebApplication, false);
    assert.deepEqual([data('Ledger').isEncrypted, data('Ledger').storesCredentials, data('Ledger').isALog], [true, true, false]);
    assert.deepEqual([data('Audit log').isALog, data('Files').isEncrypted], [true, false]);
    assert.equal(data('Visitor').providesAuthentication, false);
    const flow = (from: string, to: string) => edges(doc).find((f) => f.source.cell === cellNamed(doc, from).id && f.target.cell === cellNamed(doc, to).id)!;
    assert.deepEqual([flow('Visitor', 'Proxy').data.isPublicNetwork, flow('Visitor', 'Proxy').data.isEncrypted], [true, true]);
    assert.equal(flow('API', 'Partner API').data.isPublicNetwork, true);
    assert.deepEqual([flow('Nightly job', 'Ledger').data.isPublicNetwork, flow('Nightly job', 'Ledger').data.isEncrypted], [false, false]);
    assert.equal(flow('Nightly job', 'Ledger').data.protocol, 'postgres');
    // The model's facts Threat Dragon has no field for are in the description.
    assert.match(data('Ledger').description as string, /^threatmap element db \(store; type database\)\nControls: encryption-at-rest\nStores: keys$/);
    assert.match(cellNamed(doc, 'Vault zone').data.description, /trust restricted; kind network/);
  });
});

describe('Threat Dragon export: layout', () => {
  const models: Array<[string, AnalysisResult]> = [
    ...EXAMPLES.map((n): [string, AnalysisResult] => [n, analyzeExample(n)]),
    ['nested', analyzeText(NESTED, 'nested.yaml')],
  ];

  it("puts each element's centre in its own boundary's box and no smaller one, and loose elements in no box", () => {
    for (const [name, r] of models) {
      const doc = parseTd(r);
      const boxOf = new Map(boxes(doc).map((c) => [c.data.name, rectOf(c)]));
      for (const e of r.elements) {
        const rect = rectOf(cellNamed(doc, e.name) as TdNode);
        const holders = [...boxOf].filter(([, b]) => centreIn(rect, b)).sort(([, a], [, b]) => a.w * a.h - b.w * b.h);
        const own = e.boundary === undefined ? undefined : r.boundaries.find((b) => b.id === e.boundary)!.name;
        assert.equal(holders[0]?.[0], own, `${name}: ${e.id}`);
        // The whole shape is inside, not only its centre.
        if (own) assert.ok(within(rect, boxOf.get(own)!), `${name}: ${e.id} drawn across its box's edge`);
      }
    }
  });

  it('nests boxes inside their parent, keeps siblings apart, and orders them left to right by trust', () => {
    for (const [name, r] of models) {
      const doc = parseTd(r);
      const rect = (id: string) => rectOf(cellNamed(doc, r.boundaries.find((b) => b.id === id)!.name) as TdNode);
      for (const b of r.boundaries) {
        if (b.parent) assert.ok(within(rect(b.id), rect(b.parent)), `${name}: ${b.id} in ${b.parent}`);
        const siblings = r.boundaries.filter((o) => o.parent === b.parent && o !== b);
        for (const o of siblings) assert.ok(!overlap(rect(b.id), rect(o.id)), `${name}: ${b.id} and ${o.id} overlap`);
        for (const o of siblings) {
          if (o.trustRank > b.trustRank) assert.ok(rect(b.id).x < rect(o.id).x, `${name}: ${b.id} (${b.trust}) left of ${o.id} (${o.trust})`);
        }
        // Elements of other boxes are not drawn inside this one unless they belong to a box nested in it.
        for (const e of r.elements) {
          let at = e.boundary;
          while (at !== undefined && at !== b.id) at = r.boundaries.find((x) => x.id === at)!.parent;
          if (at === undefined) assert.ok(!overlap(rectOf(cellNamed(doc, e.name) as TdNode), rect(b.id)), `${name}: ${e.id} over ${b.id}`);
        }
      }
      // Elements never overlap one another.
      const els = elementCells(doc).map(rectOf);
      for (let i = 0; i < els.length; i++) for (let j = i + 1; j < els.length; j++) assert.ok(!overlap(els[i], els[j]), `${name}: elements ${i} and ${j}`);
      // Integer coordinates (the schema types flow ends as integers; whole pixels throughout).
      assert.ok(nodes(doc).every((c) => [c.position.x, c.position.y, c.size.width, c.size.height].every(Number.isInteger)));
    }
    const doc = parseTd(models[3][1]);
    const x = (n: string) => (cellNamed(doc, n) as TdNode).position.x;
    assert.ok(x('Visitor') < x('Partner') && x('Partner') < x('Perimeter') && x('Perimeter') < x('Outer'), 'untrusted, dmz, internal');
    assert.ok(x('Visitor') < x('Nightly job') && x('Perimeter') < x('Nightly job'), 'loose internal elements among the internal zones');
  });

  it('bends a call and its reply apart, to either side of the line between their elements', () => {
    const doc = parseTd(models[3][1]);
    const api = cellNamed(doc, 'API').id;
    const pair = edges(doc).filter((f) => [f.source.cell, f.target.cell].includes(api) && [f.source.cell, f.target.cell].includes(cellNamed(doc, 'Partner API').id));
    assert.equal(pair.length, 2);
    assert.ok(pair.every((f) => f.vertices.length === 1));
    assert.notDeepEqual(pair[0].vertices, pair[1].vertices);
    assert.ok(edges(doc).filter((f) => !pair.includes(f)).every((f) => f.vertices.length === 0));
  });
});

describe('Threat Dragon export: round trip through our importer', () => {
  for (const name of [...EXAMPLES, 'nested']) {
    it(`${name} imports back to the same elements, kinds, flows, protocols, boundary membership and nesting`, () => {
      const text = name === 'nested' ? NESTED : exampleText(name);
      const file = `${name}.yaml`;
      const original = loadModel(text, file).model!;
      const back = imported(renderThreatDragon(analyzeText(text, file)), `${name}.td.json`);
      assert.deepEqual(essentials(back), essentials(original));
      assert.equal(back.system.name, original.system.name);
      assert.equal(back.system.owner, original.system.owner);
    });
  }
  it('keeps what the flags stand for: identity provider, web app, log, encryption at rest, the stored credentials', () => {
    const back = imported(renderThreatDragon(analyzeText(NESTED, 'nested.yaml')), 'nested.td.json');
    const el = (name: string) => back.elements.find((e) => e.name === name)!;
    assert.equal(el('Login').type, 'identity-provider');
    assert.equal(el('Billing').type, 'web-app');
    assert.equal(el('Audit log').type, 'logs');
    assert.ok(el('Ledger').controls.includes('encryption-at-rest'));
    // The model's own asset comes back, not the one the importer adds for a store flagged as storing credentials.
    assert.deepEqual(el('Ledger').stores, ['keys']);
  });
});

describe('Threat Dragon export: threats', () => {
  it('puts an element threat on the element, a flow threat on the flow, a boundary threat on its flows', () => {
    const shop = analyzeExample('ecommerce');
    const doc = parseTd(shop);
    const cart = shop.threats.find((t) => t.key === 'client-controlled-value@api:POST /cart')!;
    const holders = (uid: string, d: TdDocument) => cellsOf(d).filter((c) => c.data.threats.some((x) => uidIn(x) === uid));
    assert.deepEqual(holders(cart.uid!, doc).map((c) => c.data.name), ['API servers']);
    const x = cellNamed(doc, 'API servers').data.threats.find((y) => uidIn(y) === cart.uid)!;
    assert.equal(x.title, cart.title);
    assert.equal(x.type, TD_THREAT_TYPE[cart.stride]);
    assert.equal(x.severity, TD_SEVERITY[cart.risk]);
    assert.equal(x.modelType, 'STRIDE');
    assert.equal(x.score, cart.risk);
    assert.ok(x.description.startsWith(`${cart.description}\n\nthreatmap ${cart.uid} (${cart.id}, rule ${cart.ruleId}, on ${cart.componentName})\n`));
    assert.match(x.description, new RegExp(`^Likelihood: ${cart.likelihood.level}: .+$`, 'm'));
    assert.match(x.description, new RegExp(`^Impact: ${cart.impact.level}: .+$`, 'm'));
    assert.match(x.description, /^Evidence: .+\(examples\/ecommerce\.yaml:\d+\)/m);
    assert.equal(x.mitigation, cart.mitigation);

    const ms = analyzeExample('microservices');
    const msDoc = parseTd(ms);
    const mesh = ms.threats.find((t) => t.key === 'no-mutual-tls@mesh')!;
    const on = holders(mesh.uid!, msDoc);
    assert.ok(on.length > 1 && on.every((c) => c.shape === 'flow'));
    assert.deepEqual(on.map((c) => c.id).sort(), mesh.flows.map((f) => flowCellId(msDoc, ms, f)).sort());
    const ids = on.map((c) => c.data.threats.find((y) => uidIn(y) === mesh.uid)!.id);
    assert.equal(new Set(ids).size, ids.length, 'one threat id per place');

    const r = analyzeText('threatmap: 1\nsystem: { name: App }\nassets:\n  pii: { type: pii, classification: confidential }\nelements:\n  user: { tech: browser }\n  app: { type: api }\n  crm: { type: third-party }\nflows:\n  - user -> app: https\n  - app -> crm: { protocol: https, data: [pii] }\n');
    const flowThreat = r.threats.find((t) => t.componentKind === 'flow')!;
    assert.deepEqual(holders(flowThreat.uid!, parseTd(r)).map((c) => c.shape), ['flow']);
  });

  it('a boundary threat without flows sits on the elements directly in that boundary', () => {
    const r = analyzeText(BOUNDARY_THREAT_WITHOUT_FLOWS);
    const t = r.threats.find((x) => x.componentKind === 'boundary' && x.flows.length === 0)!;
    assert.ok(t, 'the model has a boundary threat without flows');
    const doc = parseTd(r);
    assert.deepEqual(cellsOf(doc).filter((c) => c.data.threats.some((x) => uidIn(x) === t.uid)).map((c) => c.data.name), ['web', 'ledger']);
  });

  it("a boundary threat with no flow and no element of its own sits on its box; a system one with neither, on the system's note", () => {
    const r = analyzeText(NESTED, 'nested.yaml');
    const [a, b] = r.threats;
    const moved = {
      ...r,
      threats: [
        { ...a, componentKind: 'boundary' as const, component: 'outer', flows: [] },
        { ...b, componentKind: 'system' as const, component: 'system', flows: [] },
        ...r.threats.slice(2),
      ],
    };
    const doc = parseTd(moved);
    const holders = (uid: string) => cellsOf(doc).filter((c) => c.data.threats.some((x) => uidIn(x) === uid)).map((c) => c.data.name);
    assert.deepEqual(holders(a.uid!), ['Outer']);
    assert.equal(cellNamed(doc, 'Outer').data.hasOpenThreats, true);
    assert.deepEqual(holders(b.uid!), ['Nested']);
    assert.equal(noteOf(doc)?.data.name, 'Nested');
    assert.equal(doc.detail.diagrams[0].description, 'Boxes in boxes');
  });

  it('writes Critical as High (Threat Dragon 2.3 has no Critical), saying so, with the risk kept in the score', () => {
    const r = analyzeExample('ecommerce');
    const critical = { ...r, threats: r.threats.map((t, i) => (i === 0 ? { ...t, risk: 'Critical' as const } : t)) };
    const x = threatsIn(parseTd(critical)).find((y) => uidIn(y) === r.threats[0].uid)!;
    assert.deepEqual([x.severity, x.score], ['High', 'Critical']);
    assert.match(x.description, /^Risk: Critical \(severity High: Threat Dragon 2\.3 has no Critical\)$/m);
    assert.deepEqual(TD_SEVERITY, { Critical: 'High', High: 'High', Medium: 'Medium', Low: 'Low' });
  });

  it("shows triage as Threat Dragon's status: accepted and mitigated Mitigated, false positive NotApplicable", () => {
    assert.deepEqual(Object.keys(TD_STATUS).sort(), [...TRIAGE_STATUSES].sort());
    const triage = parseTriage([
      'threats:',
      '  "no-rate-limiting@api:/search": { status: accepted, reason: public catalogue, owner: alice, expires: 2027-01-31 }',
      '  "cleartext-disclosure@lb": { status: mitigating }',
      '  "unencrypted-store@cache": { status: mitigated, reason: encrypted volume }',
      '  "client-controlled-value@api:POST /cart": { status: false-positive, reason: prices are looked up }',
      '',
    ].join('\n'), 'x').triage!;
    const r = applyTriage(analyzeExample('ecommerce'), triage, { today: '2026-11-28' });
    const doc = parseTd(r);
    const threat = (key: string) => {
      const t = r.threats.find((x) => x.key === key)!;
      const all = threatsIn(doc).filter((x) => uidIn(x) === t.uid);
      assert.equal(all.length, 1, key);
      return { t, x: all[0] };
    };
    const accepted = threat('no-rate-limiting@api:/search');
    assert.equal(accepted.x.status, 'Mitigated');
    assert.match(accepted.x.description, /^Triage: accepted \(public catalogue; owner alice; expires 2027-01-31\)$/m);
    assert.equal(accepted.x.mitigation, `Risk accepted: public catalogue.\n\n${accepted.t.mitigation}`);
    assert.equal(threat('cleartext-disclosure@lb').x.status, 'Open');
    const mitigated = threat('unencrypted-store@cache');
    assert.equal(mitigated.x.status, 'Mitigated');
    assert.equal(mitigated.x.mitigation, mitigated.t.mitigation);
    const fp = threat('client-controlled-value@api:POST /cart');
    assert.equal(fp.x.status, 'NotApplicable');
    assert.match(fp.x.mitigation, /^Not applicable \(false positive\): prices are looked up\./);
    // The cache's only threat is mitigated: no open threats, drawn in Threat Dragon's plain stroke.
    const cache = cellNamed(doc, 'Session cache') as TdNode;
    assert.equal(cache.data.hasOpenThreats, false);
    assert.equal(cache.attrs.topLine.stroke, '#333333');
    const api = cellNamed(doc, 'API servers') as TdNode;
    assert.equal(api.data.hasOpenThreats, true);
    assert.equal(api.attrs.body.stroke, 'red');
    // Untriaged: Open.
    const open = r.threats.find((t) => !t.triage || t.triage.status === 'open')!;
    assert.ok(threatsIn(doc).filter((x) => uidIn(x) === open.uid).every((x) => x.status === 'Open'));
  });
});

describe('Threat Dragon export: text and bytes', () => {
  it('keeps hostile names as text: quotes, line breaks, markup and __proto__ survive and the output parses', () => {
    const hostile = [
      'threatmap: 1',
      'system: { name: "Shop \\"quoted\\" <script>alert(1)</script>", description: "line one\\nline two" }',
      'boundaries:',
      '  hasOwnProperty: { name: "__proto__", trust: untrusted }',
      '  zone: { name: "Zone\\n<b>two</b>", trust: internal }',
      'elements:',
      '  __proto__: { name: "__proto__", type: user, in: hasOwnProperty }',
      '  x: { name: "<img src=x onerror=alert(1)>", type: api, in: zone }',
      '  y: { name: "say \\"hi\\"\\nthen leave", type: database, in: zone }',
      '  constructor: { name: "constructor", type: service, in: zone }',
      'flows:',
      '  - __proto__ -> x: https',
      '  - x -> y: { protocol: postgres, name: "</script><script>alert(2)</script>" }',
      '  - x -> constructor: https',
      '',
    ].join('\n');
    const r = analyzeText(hostile, 'hostile.yaml');
    const text = renderThreatDragon(r);
    const doc = JSON.parse(text) as TdDocument;
    assert.equal(doc.summary.title, 'Shop "quoted" <script>alert(1)</script>');
    assert.equal(doc.summary.description, 'line one\nline two');
    assert.deepEqual(elementCells(doc).map((c) => [c.data.name, c.attrs.text.text]),
      r.elements.map((e) => [e.name, e.name]));
    assert.deepEqual(boxes(doc).map((c) => c.data.name).sort(), ['Zone\n<b>two</b>', '__proto__']);
    assert.equal(edges(doc)[1].data.name, '</script><script>alert(2)</script>');
    assert.ok(!Object.prototype.hasOwnProperty.call({}, 'polluted'));
    // Back through the importer: the same names, line breaks included (the cells carry threatmap's data).
    const back = imported(text, 'hostile.td.json');
    assert.deepEqual(back.elements.map((e) => e.name), ['__proto__', '<img src=x onerror=alert(1)>', 'say "hi"\nthen leave', 'constructor']);
    assert.deepEqual(back.boundaries.map((b) => b.name).sort(), ['Zone\n<b>two</b>', '__proto__']);
    assert.equal(back.flows.length, 3);
  });

  it('is deterministic, and its pieces are the JSON of the document it builds', () => {
    for (const name of EXAMPLES) {
      const text = renderThreatDragon(analyzeExample(name));
      assert.equal(renderThreatDragon(analyzeExample(name)), text);
      assert.equal(text, `${JSON.stringify(buildThreatDragon(analyzeExample(name)), null, 2)}\n`);
      assert.ok(!/\d{4}-\d{2}-\d{2}T\d{2}:/.test(text), 'no timestamps');
    }
    const big = analyzeText(`threatmap: 1\nsystem: { name: Big }\nboundaries:\n  net: { trust: internal }\nelements:\n${Array.from({ length: 400 }, (_, i) => `  s${i}: { type: service, in: net }\n`).join('')}flows:\n${Array.from({ length: 399 }, (_, i) => `  - s${i} -> s${i + 1}: http\n`).join('')}`);
    const pieces = [...renderThreatDragonChunks(big)];
    assert.ok(pieces.length > 1, 'written in pieces');
    assert.equal(pieces.join(''), `${JSON.stringify(buildThreatDragon(big), null, 2)}\n`);
    const empty = analyzeText('threatmap: 1\nsystem: { name: Empty }\nelements: {}\n');
    assert.equal(renderThreatDragon(empty), `${JSON.stringify(buildThreatDragon(empty), null, 2)}\n`);
    assert.deepEqual(cellsOf(parseTd(empty)), []);
  });

  it('keeps the ids of cells when threats come and go (ids from model ids, not from order)', () => {
    const r = analyzeExample('ecommerce');
    const withThreats = parseTd(r);
    const without = parseTd({ ...r, threats: [] });
    assert.deepEqual(cellsOf(without).map((c) => c.id), cellsOf(withThreats).map((c) => c.id));
  });
});

/** The cell id of flow `flowId` in `doc`, found by its ends and protocol. */
function flowCellId(doc: TdDocument, r: AnalysisResult, flowId: string): string {
  const i = r.flows.findIndex((f) => f.id === flowId);
  assert.ok(i >= 0, flowId);
  return edges(doc)[i].id;
}
