// Session 21 "azure" (part 2): the Threat Dragon export's isPublicNetwork is said whenever either end of a flow is
// in an untrusted zone (its boundary's trust, or an external entity outside every boundary), whichever end calls:
// our API calling a partner's process in an untrusted zone goes over the internet as much as the partner calling
// us. Flows between our own parts, an `exposed` element's included, and an external entity inside a trusted zone
// are not. Imported back, the untrusted end is the internet's side, and nothing moves between boundaries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildThreatDragon, type TdDocument } from '../../src/render/threat-dragon.js';
import { analyzeText } from '../helpers.js';
import { roundTrip } from '../import/roundtrip.js';

const MODEL = `threatmap: 1
system: { name: Partners }
assets:
  orders: { type: pii, classification: confidential }
boundaries:
  dc: { name: Data centre, trust: internal }
  partners: { name: Partner network, trust: untrusted }
  corp: { name: Corporate, trust: internal }
elements:
  api: { name: API, type: api, in: dc, exposed: true, handles: [orders] }
  db: { name: DB, tech: postgres, in: dc, stores: [orders] }
  partner: { name: Partner API, type: api, in: partners }
  visitor: { name: Visitor, type: user }
  auditor: { name: Auditor, type: user, in: corp }
flows:
  - api -> partner: { protocol: https, data: [orders] }
  - partner -> api: https
  - visitor -> api: https
  - api -> db: { protocol: postgres+tls, data: [orders] }
  - auditor -> api: https
`;

function publicFlags(text: string): Record<string, boolean> {
  const result = analyzeText(text, 'model.yaml');
  const doc: TdDocument = buildThreatDragon(result);
  const cells = doc.detail.diagrams.flatMap((d) => d.cells);
  const nameOf = new Map(cells.filter((c) => c.shape !== 'flow').map((c) => [c.id, (c.data as { name: string }).name]));
  const out: Record<string, boolean> = {};
  for (const c of cells) {
    if (c.shape !== 'flow') continue;
    const e = c as unknown as { source: { cell: string }; target: { cell: string }; data: { isPublicNetwork: boolean } };
    out[`${nameOf.get(e.source.cell)} -> ${nameOf.get(e.target.cell)}`] = e.data.isPublicNetwork;
  }
  return out;
}

describe('td-public-network s21: isPublicNetwork from either end\'s untrusted zone', () => {
  it('our API calling a process in an untrusted zone, that process calling us, and a user outside every boundary: public', () => {
    const flags = publicFlags(MODEL);
    assert.equal(flags['API -> Partner API'], true);
    assert.equal(flags['Partner API -> API'], true);
    assert.equal(flags['Visitor -> API'], true);
  });

  it('between our own parts (an exposed API to its database), and from an external entity inside a trusted zone: not public', () => {
    const flags = publicFlags(MODEL);
    assert.equal(flags['API -> DB'], false);
    assert.equal(flags['Auditor -> API'], false);
  });

  it('a partner whose zone is trusted is not on the public network, whichever end calls', () => {
    const flags = publicFlags(MODEL.replace('partners: { name: Partner network, trust: untrusted }', 'partners: { name: Partner network, trust: dmz }'));
    assert.equal(flags['API -> Partner API'], false);
    assert.equal(flags['Partner API -> API'], false);
  });

  it('round trip through Threat Dragon: every element keeps its boundary, the analysis is unchanged', () => {
    const rt = roundTrip('threat-dragon', MODEL);
    assert.deepEqual(rt.differences, []);
    const back = analyzeText(rt.model, 'back.yaml');
    assert.deepEqual(Object.fromEntries(back.elements.map((e) => [e.id, e.boundary ?? null])),
      { api: 'dc', db: 'dc', partner: 'partners', visitor: null, auditor: 'corp' });
    assert.doesNotMatch(rt.model, /ends of public-network flows/);
  });
});
