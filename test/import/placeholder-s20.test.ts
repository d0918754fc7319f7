// s20: an import from a format without a data model (TMT, Threat Dragon, draw.io, OTM without assets) is not rated
// as if every byte were known to be confidential: what processes handle is the placeholder `data`, confidential
// but `assumed` (the rules about sensitive data fire, impact Medium at most until someone classifies it), what
// stores keep is `stored-data` (confidential: records in bulk). And a Threat Dragon threat nobody assessed (severity TBA,
// none, or a new threat left as the tool created it) keeps no rating: analyze rates it from the model.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import type { Threat } from '../../src/analysis/types.js';
import { importDrawio } from '../../src/import/drawio.js';
import { importOtm } from '../../src/import/otm.js';
import { importThreatDragon } from '../../src/import/threat-dragon.js';
import { importTm7 } from '../../src/import/tm7.js';
import { formatDiagnostics } from '../../src/model/diagnostics.js';
import { analyzeText } from '../helpers.js';
import { corpusDir, corpusMissing } from '../corpus.js';

type Json = Record<string, unknown>;

function imported(r: { text?: string; diagnostics: readonly unknown[]; summary?: { notes: string[] } }) {
  assert.ok(r.text, formatDiagnostics(r.diagnostics as never));
  return { text: r.text, raw: parseYaml(r.text) as Record<string, any>, notes: r.summary?.notes ?? [] };
}
const threatOf = (text: string, ruleId: string): Threat => {
  const t = analyzeText(text, 'imported.yaml').threats.find((x) => x.ruleId === ruleId);
  assert.ok(t, `${ruleId} not reported`);
  return t;
};

// --- Small files -------------------------------------------------------------------------------------------

const otm = (components: string, threats = '') => `otmVersion: 0.2.0
project: { name: P, id: p }
trustZones: [{ id: z, name: Cloud, risk: { trustRating: 70 } }]
components:
${components}
dataflows: [{ id: f, name: f, source: api, destination: db }]
${threats}`;
const API = '  - { id: api, name: API, type: web-service, parent: { trustZone: z } }';
const DB = '  - { id: db, name: DB, type: postgresql, parent: { trustZone: z } }';

const box = (shape: string, type: string, id: string, name: string, x: number, data: Json = {}): Json =>
  ({ shape, id, position: { x, y: 0 }, size: { width: 100, height: 100 }, data: { type, name, ...data } });
const tdThreat = (title: string, severity: string | undefined, description = 'Something specific can go wrong'): Json =>
  ({ title, status: 'Open', ...(severity === undefined ? {} : { severity }), type: 'Information disclosure', description, modelType: 'STRIDE' });
/** A Threat Dragon file: a web process holding `threats`, and a store it writes to. */
const td = (threats: Json[]) => JSON.stringify({
  version: '2.2.0', summary: { title: 'T' }, detail: { diagrams: [{ title: 'D', cells: [
    box('process', 'tm.Process', 'w', 'Web', 0, { threats }),
    box('store', 'tm.Store', 's', 'Orders', 300),
    { shape: 'flow', id: 'f', source: { cell: 'w' }, target: { cell: 's' }, data: { type: 'tm.Flow', name: 'f' } },
  ] }] },
});
const tdImported = (threats: Json[]) => imported(importThreatDragon(td(threats), 'm.td.json'));

describe('s20: the placeholders of a file without a data model', () => {
  it('what processes handle is `data`, assumed confidential; what stores keep is `stored-data`, confidential; one check note says both', () => {
    const r = imported(importOtm(otm(`${API}\n${DB}`), 'p.otm.yaml'));
    assert.deepEqual(r.raw.assets, {
      data: { name: 'Data (not classified in OTM)', classification: 'confidential', assumed: true },
      'stored-data': { name: 'Stored data (not classified in OTM)', classification: 'confidential' },
    });
    assert.deepEqual([r.raw.elements.api.handles, r.raw.elements.api.stores, r.raw.elements.db.stores, r.raw.elements.db.handles], [['data'], undefined, ['stored-data'], undefined]);
    // Each says why it is rated so, above it.
    assert.match(r.text, /# assumed confidential, so that the rules about sensitive data fire, but rated impact Medium at most until someone classifies it\n {2}data:/);
    assert.doesNotMatch(r.text, /stored-data: \{[^}]*assumed/);
    assert.match(r.text, /# confidential: a store keeps the records in bulk[^\n]*\n {2}stored-data:/);
    assert.deepEqual(r.notes.filter((n) => n.includes('placeholder')), [
      'placeholder assets (OTM has no data model): `data` (assumed confidential) handled by every process, `stored-data` (confidential) stored in every store; replace them with the data the system really handles, and rate it',
    ]);
  });

  it('only the placeholder something holds: processes alone get `data`, stores alone `stored-data`, each noted alone', () => {
    const processes = imported(importOtm(otm(API), 'p.otm.yaml'));
    assert.deepEqual(Object.keys(processes.raw.assets), ['data']);
    assert.ok(processes.notes.includes('a placeholder asset (OTM has no data model): `data` (assumed confidential) handled by every process; replace it with the data the system really handles, and rate it'), processes.notes.join('\n'));
    const stores = imported(importOtm(otm(DB), 'p.otm.yaml'));
    assert.deepEqual(Object.keys(stores.raw.assets), ['stored-data']);
    assert.ok(stores.notes.some((n) => n.startsWith('a placeholder asset (OTM has no data model): `stored-data` (confidential) stored in every store;')), stores.notes.join('\n'));
  });

  it('a threat the file leaves unrated is Medium impact on a process, High on a store; High on the process once `data` is classified', () => {
    const threats = `threats:
  - { id: t1, name: Leak through the API, categories: [Information Disclosure] }
  - { id: t2, name: Dump of the database, categories: [Information Disclosure] }
mitigations: []
`;
    const withThreats = otm(`  - { id: api, name: API, type: web-service, parent: { trustZone: z }, threats: [{ threat: t1, state: EXPOSED }] }
  - { id: db, name: DB, type: postgresql, parent: { trustZone: z }, threats: [{ threat: t2, state: EXPOSED }] }`, threats);
    const r = imported(importOtm(withThreats, 'p.otm.yaml'));
    const ids = Object.keys(r.raw.threats);
    assert.equal(ids.length, 2, r.text);
    const onApi = threatOf(r.text, `threat:${ids.find((id) => r.raw.threats[id].on === 'api')}`);
    const onDb = threatOf(r.text, `threat:${ids.find((id) => r.raw.threats[id].on === 'db')}`);
    assert.deepEqual([onApi.impact.level, onApi.impact.reason], ['Medium', 'confidentiality of Data (not classified in OTM) is not classified yet (taken as high, rated medium until it is): partial data exposure']);
    assert.deepEqual([onDb.impact.level, onDb.impact.reason], ['High', 'confidentiality of Stored data (not classified in OTM) is high: data breach']);
    const classified = r.text.replace('data: { name: Data (not classified in OTM), classification: confidential, assumed: true }', 'data: { name: Orders, classification: confidential }');
    assert.notEqual(classified, r.text);
    assert.deepEqual([threatOf(classified, onApi.ruleId).impact.level, threatOf(classified, onApi.ruleId).impact.reason], ['High', 'confidentiality of Orders is high: data breach']);
  });

  it('a model with data of its own gets neither placeholder', () => {
    const r = imported(importOtm(`${otm(`${API}\n${DB}`)}assets: [{ id: orders, name: Orders, risk: { confidentiality: 80, integrity: 50, availability: 50 } }]\n`, 'p.otm.yaml'));
    assert.deepEqual(Object.keys(r.raw.assets), ['orders']);
    assert.ok(!r.notes.some((n) => n.includes('placeholder')));
  });
});

describe('s20: a Threat Dragon threat nobody assessed keeps no rating', () => {
  const one = (threat: Json) => {
    const r = tdImported([threat]);
    const [id] = Object.keys(r.raw.threats);
    return { ...r, id, written: r.raw.threats[id] as Record<string, unknown> };
  };

  it('severity TBA: no likelihood or impact, a comment and a check note say so, and analyze rates it from the model', () => {
    const r = one(tdThreat('Orders read by anyone', 'TBA'));
    assert.deepEqual([r.written.likelihood, r.written.impact], [undefined, undefined]);
    assert.match(r.text, /# not assessed in Threat Dragon \(severity "TBA"\): no likelihood or impact, so analyze rates it from the model; set them once you assess it\n {2}orders-read-by-anyone:/);
    assert.ok(r.notes.some((n) => /^not assessed in Threat Dragon \([^)]*\): "Orders read by anyone" \(m\.td\.json:\d+\); rated from the model/.test(n)), r.notes.join('\n'));
    const t = threatOf(r.text, `threat:${r.id}`);
    // From the model: the placeholder the process handles, not "as written in the model".
    assert.equal(t.impact.reason, 'confidentiality of Data (not classified in Threat Dragon) is not classified yet (taken as high, rated medium until it is): partial data exposure');
    assert.notEqual(t.risk, 'Critical');
  });

  it('no severity, or one that is no word Threat Dragon rates with: not assessed either', () => {
    assert.match(one(tdThreat('Orders read by anyone', undefined)).text, /# not assessed in Threat Dragon \(no severity\)/);
    const odd = one(tdThreat('Orders read by anyone', 'soon'));
    assert.equal(odd.written.impact, undefined);
    assert.match(odd.text, /# not assessed in Threat Dragon \(severity "soon"\)/);
  });

  it('a severity the author chose is the risk, as before: Medium as medium by medium, Critical as high by high', () => {
    const medium = one(tdThreat('Orders read by anyone', 'Medium'));
    assert.deepEqual([medium.written.likelihood, medium.written.impact], ['medium', 'medium']);
    assert.doesNotMatch(medium.text, /not assessed/);
    assert.ok(!medium.notes.some((n) => n.includes('not assessed')));
    const critical = one(tdThreat('Orders read by anyone', 'Critical'));
    assert.deepEqual([critical.written.likelihood, critical.written.impact], ['high', 'high']);
  });

  it('a new threat nobody filled in (default title and description): its default severity Medium is no assessment', () => {
    const stub = one(tdThreat('New STRIDE threat', 'Medium', 'Provide a description for this threat'));
    assert.deepEqual([stub.written.likelihood, stub.written.impact], [undefined, undefined]);
    assert.match(stub.text, /# not assessed in Threat Dragon \(a new threat nobody filled in \(Threat Dragon's default title and description, and its default severity\)\)/);
    // Kept, not dropped: the reviewer decides what it was meant to be.
    assert.equal(stub.written.title, 'New STRIDE threat');
  });

  it('but a default title with a description of its own, or a severity other than the default, is the author\'s', () => {
    const described = one(tdThreat('New STRIDE threat', 'Medium', 'No authentication is needed to reach the orders'));
    assert.deepEqual([described.written.likelihood, described.written.impact], ['medium', 'medium']);
    const rated = one(tdThreat('New LINDDUN threat', 'High', 'Provide a description for this threat'));
    assert.deepEqual([rated.written.likelihood, rated.written.impact], ['medium', 'high']);
  });

  it('several not assessed: one check note, the first named and the others counted', () => {
    const r = tdImported([tdThreat('First', 'TBA'), tdThreat('Second', 'TBD'), tdThreat('Third', ''), tdThreat('Rated', 'Low')]);
    const notes = r.notes.filter((n) => n.startsWith('not assessed'));
    assert.equal(notes.length, 1);
    assert.match(notes[0], /: "First" \(m\.td\.json:\d+\) and 2 more; rated from the model/);
  });
});

// --- The shared corpus -------------------------------------------------------------------------------------

const FILES = {
  tm7: join('mtmt', 'MTMT_example.tm7'),
  otmMtmt: join('otm', 'startleft-mtmt_example.otm.yaml'),
  otmManual: join('otm', 'startleft-manual_threat_model.otm.yaml'),
  iot: join('threat-dragon', 'iot-device.td-v2.json'),
  demo: join('threat-dragon', 'demo-threat-model.td-v2.json'),
  drawio: join('drawio', 'startleft-drawio-basic-example.drawio'),
};
const dir = corpusDir('', ...Object.values(FILES));
const skip = dir ? false : corpusMissing(Object.values(FILES).join(', '));

/** The model an import of a corpus file writes. */
function corpusModel(key: keyof typeof FILES): string {
  const file = FILES[key];
  const text = readFileSync(join(dir!, file), 'utf8');
  const r = key === 'tm7' ? importTm7(text, file)
    : key === 'iot' || key === 'demo' ? importThreatDragon(text, file)
      : key === 'drawio' ? importDrawio(text, file, { inflate: (d) => inflateRawSync(d) })
        : importOtm(text, file);
  return imported(r).text;
}
const corpus = (key: keyof typeof FILES): Threat[] => analyzeText(corpusModel(key), 'imported.yaml').threats;
const SERVICE_RULES = ['missing-authentication', 'verbose-errors', 'missing-waf'];

describe('s20: the shared corpus, imported and analysed', { skip }, () => {
  it('no Critical threat on any of the six files: none of them says what its data is', () => {
    for (const key of Object.keys(FILES) as Array<keyof typeof FILES>) {
      assert.deepEqual(corpus(key).filter((t) => t.risk === 'Critical').map((t) => t.key), [], key);
    }
  });

  // What a service handles is `data`, assumed confidential: the rules about services handling sensitive data
  // fire, and the one whose impact is the data's confidentiality is capped at Medium until someone classifies it.
  it('the service rules fire on `data`: missing-authentication at impact Medium (High, risk Critical, once `assumed` is removed)', () => {
    const services = { tm7: 'public-api-v2', otmMtmt: 'public-api-v2', otmManual: 'web-server', iot: 'local-api', demo: 'web-application' } as const;
    for (const [key, on] of Object.entries(services) as Array<[keyof typeof services, string]>) {
      const text = corpusModel(key);
      const threats = analyzeText(text, 'imported.yaml').threats;
      const at = (rule: string) => threats.find((t) => t.key === `${rule}@${on}`);
      assert.deepEqual(SERVICE_RULES.map((rule) => at(rule)?.impact.level), ['Medium', 'Medium', 'Low'], key);
      assert.deepEqual([at('missing-authentication')!.risk, at('missing-authentication')!.impact.reason],
        ['High', `confidentiality of ${/data: \{ name: ([^,]+),/.exec(text)![1]} is not classified yet (taken as high, rated medium until it is): partial data exposure`], key);
      const classified = text.replace(/(\n {2}data: \{[^}\n]*), assumed: true \}/, '$1 }');
      assert.notEqual(classified, text, key);
      const authn = analyzeText(classified, 'imported.yaml').threats.find((t) => t.key === `missing-authentication@${on}`)!;
      assert.deepEqual([authn.impact.level, authn.risk], ['High', 'Critical'], key);
    }
    // draw.io's example: two services inside VPCs that nothing from outside calls; nothing for them to fire on.
    assert.deepEqual(corpus('drawio').filter((t) => SERVICE_RULES.includes(t.ruleId)), []);
  });

  it('the rules about stored data still fire on them: unauthenticated stores, unencrypted ones where the technology does not encrypt', () => {
    const rules = (key: keyof typeof FILES) => new Set(corpus(key).map((t) => t.ruleId));
    for (const key of ['tm7', 'otmMtmt', 'otmManual', 'iot', 'demo', 'drawio'] as const) assert.ok(rules(key).has('unauthenticated-store-access'), key);
    for (const key of ['otmManual', 'iot', 'demo', 'drawio'] as const) assert.ok(rules(key).has('unencrypted-store'), key);
    assert.ok(rules('demo').has('sensitive-data-in-logs'));
  });

  it('Threat Dragon\'s "New STRIDE threat" of severity TBA is rated from the model, not Critical; the author\'s High stays High', () => {
    const iot = corpus('iot');
    const tba = iot.find((t) => t.ruleId === 'threat:new-stride-threat')!;
    assert.equal(tba.risk, 'High');
    assert.doesNotMatch(tba.impact.reason, /as written in the model/);
    const noAuthn = iot.find((t) => t.ruleId === 'threat:no-authn')!;
    assert.deepEqual([noAuthn.risk, noAuthn.impact.level], ['High', 'High']);
  });
});
