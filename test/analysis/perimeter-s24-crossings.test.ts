// Session 24 (perimeter): a crossing has one kind, and a flow from a zone of higher trust into one of lower trust
// is `to-lower-trust` even when its target is a store (an OT historian writing into the IT network's database):
// a custom rule asking `crosses: to-lower-trust` must see data leave OT.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODEL_HEAD, analyzeText, threatsOf } from '../rules/harness.js';

const model = (fromZone: string, toZone: string, target = '{ tech: mssql, in: it }', rules = '') => `${MODEL_HEAD}boundaries:
  ot: { trust: ${fromZone} }
  it: { trust: ${toZone} }
assets:
  process-data: { type: telemetry, classification: internal }
elements:
  historian: { type: service, tech: osisoft-pi, in: ot, stores: [process-data] }
  sqldb: ${target}
flows:
  - historian -> sqldb: { protocol: sql+tls, auth: password, data: [process-data] }
${rules}`;

const crossing = (text: string) => {
  const [c] = analyzeText(text).crossings;
  return `${c.kind} | ${c.label}`;
};

const LOWER_TRUST_RULE = `rules:
  custom:
    - id: data-leaves-ot
      title: Data leaves the OT network
      stride: I
      applies-to: flow
      when:
        crosses: to-lower-trust
      mitigation: Send OT data out only through a one-way gateway or a replica in the DMZ.
`;

describe('crossing kinds: lower trust wins over the data tier', () => {
  it('labels a restricted process writing into an internal database outbound to lower trust', () => {
    assert.equal(crossing(model('restricted', 'internal')), 'to-lower-trust | outbound to lower trust (leaves ot; enters it)');
    // Into a data-tier boundary of lower trust, as into a store.
    const tier = model('restricted', 'internal', '{ type: service, in: it }').replace('it: { trust: internal }', 'it: { trust: internal, kind: data-tier }');
    assert.equal(crossing(tier), 'to-lower-trust | outbound to lower trust (leaves ot; enters it)');
  });

  it('lets a custom `crosses: to-lower-trust` rule find the OT -> IT flow', () => {
    const found = threatsOf(model('restricted', 'internal', undefined, LOWER_TRUST_RULE), 'data-leaves-ot');
    assert.deepEqual(found.map((t) => t.component), ['historian->sqldb']);
    // Into a zone of equal or higher trust the flow does not leave for lower trust.
    assert.deepEqual(threatsOf(model('internal', 'restricted', undefined, LOWER_TRUST_RULE), 'data-leaves-ot'), []);
  });

  it('keeps application -> data tier where the store is of equal or higher trust', () => {
    assert.equal(crossing(model('internal', 'restricted')), 'app-to-data | application -> data tier (leaves ot; enters it)');
    assert.equal(crossing(model('internal', 'internal')), 'app-to-data | application -> data tier (leaves ot; enters it)');
    const appToData = threatsOf(model('internal', 'restricted', undefined, LOWER_TRUST_RULE.replace('to-lower-trust', 'app-to-data')), 'data-leaves-ot');
    assert.equal(appToData.length, 1);
  });

  it('keeps the other kinds as they were: service to service, and inbound from the DMZ', () => {
    assert.equal(crossing(model('internal', 'internal', '{ type: service, in: it }')), 'service-to-service | service -> service (leaves ot; enters it)');
    assert.equal(crossing(model('dmz', 'internal')), 'dmz-to-internal | DMZ -> internal (leaves ot; enters it)');
    assert.equal(crossing(model('restricted', 'internal', '{ type: service, in: it }')), 'to-lower-trust | outbound to lower trust (leaves ot; enters it)');
  });
});
