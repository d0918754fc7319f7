// `import --into`: what the merge writes into the model the team keeps, as text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { mergeImportedThreats } from '../../src/import/merge-threats.js';
import { loadModel } from '../../src/model/load.js';

const SHOP = readFileSync('examples/ecommerce.yaml', 'utf8');

describe('mergeImportedThreats', () => {
  it('keeps the paragraphs of a description and a mitigation as a literal block; a title stays one line', () => {
    const imported = `threatmap: 1
system: { name: Other }
elements: { api: { tech: node } }
threats:
  replay:
    title: "Webhook\\nreplayed"
    stride: S
    on: api
    description: "First paragraph.\\r\\n\\r\\nSecond one,   \\twith a tab.\\u0007"
    mitigation: "Sign webhooks.\\nReject old timestamps."
`;
    const merged = mergeImportedThreats({ model: { text: SHOP, file: 'shop.yaml' }, imported: { text: imported } });
    assert.ok(!('error' in merged), JSON.stringify(merged));
    assert.ok(merged.text.startsWith(SHOP));
    assert.equal(merged.text.slice(SHOP.length), `
threats:
  replay:
    title: Webhook replayed
    stride: S
    on: api
    description: |-
      First paragraph.

      Second one,   \twith a tab.
    mitigation: |-
      Sign webhooks.
      Reject old timestamps.
`);
    const threat = loadModel(merged.text, 'shop.yaml').model!.threats[0];
    assert.deepEqual([threat.title, threat.description, threat.mitigation],
      ['Webhook replayed', 'First paragraph.\n\nSecond one,   \twith a tab.', 'Sign webhooks.\nReject old timestamps.']);
  });

  it('writes a one-line description as before', () => {
    const imported = 'threatmap: 1\nsystem: { name: O }\nelements: { api: { tech: node } }\nthreats:\n  t: { title: T, stride: D, on: api, description: One line. }\n';
    const merged = mergeImportedThreats({ model: { text: SHOP, file: 'shop.yaml' }, imported: { text: imported } });
    assert.ok(!('error' in merged));
    assert.equal(merged.text.slice(SHOP.length), '\nthreats:\n  t:\n    title: T\n    stride: D\n    on: api\n    description: One line.\n');
  });

  it('places a threat by name when the file\'s ids differ from the model\'s: elements, flow ends, endpoints', () => {
    const imported = `threatmap: 1
system: { name: Other }
elements:
  customer: { name: Customer Browser, type: user }
  content-network: { name: CDN }
  api-servers: { name: API servers, tech: node }
  nowhere: { name: Something else }
flows:
  - customer -> content-network: https
threats:
  a: { title: A, stride: T, on: api-servers }
  b: { title: B, stride: I, on: customer -> content-network }
  c: { title: C, stride: D, on: "api-servers:POST /cart" }
  d: { title: D, stride: S, on: nowhere }
`;
    const merged = mergeImportedThreats({ model: { text: SHOP, file: 'shop.yaml' }, imported: { text: imported } });
    assert.ok(!('error' in merged), JSON.stringify(merged));
    const threats = loadModel(merged.text, 'shop.yaml').model!.threats;
    assert.deepEqual(threats.map((t) => [t.id, t.on.map((o) => `${o.kind} ${o.id}`)]), [
      ['a', ['element api']], ['b', ['flow browser->cdn']], ['c', ['endpoint api:POST /cart']], ['d', ['system system']],
    ]);
    assert.deepEqual(merged.notes, [
      'threats.a: `api-servers` placed on `api`, the model\'s component of the same name',
      'threats.b: `customer -> content-network` placed on `browser -> cdn`, the model\'s component of the same name',
      'threats.c: `api-servers:POST /cart` placed on `api:POST /cart`, the model\'s component of the same name',
      'threats.d: `nowhere` names nothing in shop.yaml: written on the whole system; move it to what it threatens',
    ]);
  });

  it('a name several of the model\'s components have places nothing, and the note says which could be meant', () => {
    const model = SHOP.replace('name: Orders database', 'name: Store').replace('name: Session cache', 'name: Store');
    const imported = 'threatmap: 1\nsystem: { name: O }\nelements:\n  store: { name: store, tech: postgres }\n  api-servers: { name: API servers }\n'
      + 'threats:\n  t: { title: T, stride: I, on: store }\n  u: { title: U, stride: I, on: [store, api-servers] }\n';
    const merged = mergeImportedThreats({ model: { text: model, file: 'shop.yaml' }, imported: { text: imported } });
    assert.ok(!('error' in merged), JSON.stringify(merged));
    assert.deepEqual(loadModel(merged.text, 'shop.yaml').model!.threats.map((t) => [t.id, t.on.map((o) => o.id)]), [['t', ['system']], ['u', ['api']]]);
    assert.deepEqual(merged.notes, [
      'threats.t: `store` could be any of `db`, `cache`, which have its name in shop.yaml: written on the whole system; move it to what it threatens',
      'threats.u: `api-servers` placed on `api`, the model\'s component of the same name',
      'threats.u: `store` could be any of `db`, `cache`, which have its name in shop.yaml: left out of its `on:`; move it to what it threatens',
    ]);
  });
});
