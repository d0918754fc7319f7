// Structured edits of a model's text (the web UI's add/remove element, flow and written threat): the exact
// text each one writes in the style of the file, every other byte kept, the result loading as the model asked
// for, the removals giving back the input byte for byte, and each refusal's message.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { applyModelEdit, type ModelEdit } from '../../src/model/edit.js';
import { ID_PATTERN } from '../../src/model/schema.js';
import { analyzeText, replaceOnce } from '../helpers.js';
import { edited, load, refused } from './edit-helpers.js';

const SHOP = readFileSync('examples/ecommerce.yaml', 'utf8');

/** Block style, with comments above, beside and under the entries an edit touches. */
const BLOCK = `# A block-style model
threatmap: 1
system:
  name: Block shop   # the name

elements:
  # the API
  api:
    tech: node
    endpoints:
      /search:
    # said after api

  db:
    tech: postgres
    stores: [pii]
  worker: { tech: node }   # a flow-style element

assets:
  pii: { classification: confidential }

flows:
  # the flows
  - api -> db: postgres+tls   # no details yet
  - worker -> db:
      protocol: postgres+tls
      controls:
        - vpn
  - from: db
    to: api
    id: db-reply
    protocol: postgres+tls
    # the last comment
`;

/**
 * Each edit in turn, then each one's undoing in reverse: the texts on the way, and the input given back byte
 * for byte. One exception, by choice: a control added to a list that an alias also reads detaches the alias's
 * copy, and removing the control leaves the copy detached (it reads the same; edit.test.ts says why).
 */
function roundTrip(text: string, steps: readonly [ModelEdit, ModelEdit][]): string[] {
  const texts = [text];
  for (const [edit] of steps) texts.push(edited(texts.at(-1)!, edit));
  let back = texts.at(-1)!;
  for (const [, undo] of [...steps].reverse()) back = edited(back, undo);
  assert.equal(back, text, 'the removals give back the input byte for byte');
  return texts;
}

const SEARCH_ELEMENT = '  search:\n    name: "Search: catalogue"\n    tech: elasticsearch\n    in: data\n';
const PAYMENTS_END = '    in: provider\n';

describe('add and remove elements and flows in the e-commerce example', () => {
  it('adds a block element after the last one, and a shorthand flow after the last flow; removing them gives the file back', () => {
    const [, withElement, withFlow, withDetails] = roundTrip(SHOP, [
      [{ op: 'add-element', id: 'search', fields: { name: 'Search: catalogue', tech: 'elasticsearch', in: 'data' } }, { op: 'remove-element', id: 'search' }],
      [{ op: 'add-flow', from: 'api', to: 'search', fields: { protocol: 'https' } }, { op: 'remove-flow', flow: 'api->search' }],
      [{ op: 'add-flow', from: 'search', to: 'api', fields: { protocol: 'https', auth: 'api-key', data: ['catalog'] } }, { op: 'remove-flow', flow: 'search->api' }],
    ]);
    assert.equal(withElement, replaceOnce(SHOP, PAYMENTS_END, PAYMENTS_END + SEARCH_ELEMENT));
    assert.equal(withFlow, `${withElement}  - api -> search: https\n`);
    // More than a protocol: the details as a flow map, as the file writes its flows.
    assert.equal(withDetails, `${withFlow}  - search -> api: { protocol: https, auth: api-key, data: [catalog] }\n`);
    const model = load(withDetails);
    assert.deepEqual(model.elements.find((e) => e.id === 'search'),
      { ...model.elements.find((e) => e.id === 'search')!, name: 'Search: catalogue', tech: 'elasticsearch', type: 'search-index', kind: 'store', boundary: 'data' });
    assert.deepEqual(model.flows.filter((f) => f.to === 'search' || f.from === 'search').map((f) => [f.id, f.protocol, f.auth, f.data]),
      [['api->search', 'https', 'none', []], ['search->api', 'https', 'api-key', ['catalog']]]);
  });

  it('changes the threats as the analysis of the edited file says', () => {
    const before = analyzeText(SHOP).threats.map((t) => t.key);
    const element = edited(SHOP, { op: 'add-element', id: 'admin', fields: { name: 'Back office', type: 'admin-panel', in: 'dmz' } });
    assert.deepEqual(analyzeText(element).threats.map((t) => t.key), before, 'an element nothing reaches adds no threat');
    const reached = edited(element, { op: 'add-flow', from: 'browser', to: 'admin', fields: { protocol: 'https' } });
    assert.deepEqual(analyzeText(reached).threats.map((t) => t.key).filter((k) => !before.includes(k)).sort(),
      ['cross-site-scripting@admin', 'exposed-admin-panel@admin', 'no-ddos-protection@admin']);
  });

  it('removes an element with its lines and every flow from or to it', () => {
    const out = edited(SHOP, { op: 'remove-element', id: 'db' });
    const expected = replaceOnce(
      replaceOnce(SHOP, '  db:\n    name: Orders database\n    tech: postgres\n    in: data\n    stores: [pii, orders, prices]\n    controls: [encryption-at-rest, backups]\n', ''),
      '  - api -> db: { protocol: postgres+tls, auth: password, credential: shop-db, data: [pii, orders] }\n', '');
    assert.equal(out, expected);
    const model = load(out);
    assert.equal(model.elements.some((e) => e.id === 'db'), false);
    assert.equal(model.flows.length, 6);
  });

  it('refuses to remove an element an endpoint\'s callers still name, and says where', () => {
    assert.equal(refused(SHOP, { op: 'remove-element', id: 'payments' }),
      'element `payments` is still named in the `callers` of endpoint `api:/webhooks/payment` (line 54); take it out there first');
  });

  it('refuses an id in use, an unknown boundary, type or technology, and a kind that contradicts', () => {
    const add = (id: string, fields: Record<string, unknown>) => refused(SHOP, { op: 'add-element', id, fields });
    assert.equal(add('api', { tech: 'node' }), 'element `api` is already in the model (line 40)');
    assert.equal(add('dmz', { tech: 'node' }), '`dmz` is the id of a boundary (line 12); an element needs an id of its own');
    assert.equal(add('x', { tech: 'node', in: 'nowhere' }), 'no boundary `nowhere` in the model');
    assert.equal(add('x', { type: 'databse' }), 'unknown element type `databse`; did you mean `database`?');
    assert.equal(add('x', { kind: 'service' }), 'unknown element kind `service`');
    assert.equal(add('x', { tech: 'mainframe' }), 'say what `x` is: a type, a known technology (`mainframe` is not one), or a kind (external, process, store)');
    assert.equal(add('x', {}), 'say what `x` is: a type, a known technology, or a kind (external, process, store)');
    assert.equal(add('x', { tech: 'postgres', kind: 'process' }), '`kind: process` contradicts `tech: postgres`, which is a store');
    assert.equal(add('x', { type: 'database', kind: 'external' }), '`kind: external` contradicts `type: database`, which is a store');
    assert.equal(add('x', { tech: 'node js' }), '`tech` must be one word (letters, digits and . _ : / + -), not `node js`');
    assert.equal(add('x', { tech: 'node', name: 'two\nlines' }), '`name` must be one line of text');
    assert.equal(add('x', { tech: 'node', name: '  ' }), '`name` is empty');
    assert.equal(add('x', { tech: 'node', controls: ['waf'] }), 'a new element has no `controls` here: give `name`, `type`, `tech`, `kind`, `in`, and write the rest in the text');
    assert.equal(add('x', { tech: 42 }), '`tech` must be text');
  });

  it('accepts exactly the ids the schema accepts', () => {
    for (const id of ['a', 'A1', 'api-2', 'svc.api', 'ns:api', 'x_y', '9lives', '-api', '.api', 'a b', 'a/b', 'a->b', 'é', '']) {
      const out = applyModelEdit(SHOP, { op: 'add-element', id, fields: { tech: 'node' } });
      assert.equal('text' in out, ID_PATTERN.test(id), `${JSON.stringify(id)}: ${JSON.stringify(out).slice(0, 120)}`);
      if ('text' in out) assert.ok(load(out.text).elements.some((e) => e.id === id));
    }
  });

  it('quotes a name only when YAML would read it as something else', () => {
    for (const [name, written] of [
      ['Search index', 'Search index'], ['Search: catalogue', '"Search: catalogue"'], ['yes', '"yes"'], ['42', '"42"'],
      ['#1 [best], {ever}', '"#1 [best], {ever}"'], ['say "hi"', 'say "hi"'], ['a # b', '"a # b"'], ['- item', '"- item"'],
    ]) {
      const out = edited(SHOP, { op: 'add-element', id: 'x', fields: { name, tech: 'node' } });
      assert.ok(out.includes(`\n  x:\n    name: ${written}\n    tech: node\n`), `${name}: ${out.slice(-200)}`);
      assert.equal(load(out).elements.find((e) => e.id === 'x')!.name, name);
    }
  });

  it('refuses a flow with unknown ends, to itself, twice between the same ends, or without a known protocol', () => {
    const add = (from: string, to: string, fields: Record<string, unknown>) => refused(SHOP, { op: 'add-flow', from, to, fields });
    assert.equal(add('api', 'nope', { protocol: 'https' }), 'no element `nope` in the model');
    assert.equal(add('api', 'api', { protocol: 'https' }), 'a flow joins two elements: `api` cannot send to itself');
    assert.equal(add('api', 'db', { protocol: 'https' }),
      'there is already a flow from `api` to `db` (line 75); add to it, or give the second one an `id:` in the text');
    assert.equal(add('db', 'api', {}), 'a flow needs its `protocol` (https, postgres+tls, ...)');
    assert.equal(add('db', 'api', { protocol: 'htps' }), 'unknown protocol `htps`; did you mean `https`? (custom protocols start with x-)');
    assert.equal(add('db', 'api', { protocol: 'https', auth: 'jwtt' }), 'unknown authentication `jwtt`; did you mean `jwt`?');
    assert.equal(add('db', 'api', { protocol: 'https', data: ['crad'] }), 'unknown asset `crad`; did you mean `card`?');
    assert.equal(add('db', 'api', { protocol: 'https', port: 443 }), 'a new flow has no `port` here: give `protocol`, `auth`, `data`, and write the rest in the text');
    // The other direction is another flow; a custom protocol and a field of an asset are fine.
    const back = edited(SHOP, { op: 'add-flow', from: 'db', to: 'api', fields: { protocol: 'x-replication', data: ['orders.total'] } });
    assert.ok(back.endsWith('  - db -> api: { protocol: x-replication, data: [orders.total] }\n'));
    assert.equal(load(back).flows.at(-1)!.protocol, 'x-replication');
  });

  it('says what is missing for a removal', () => {
    assert.equal(refused(SHOP, { op: 'remove-element', id: 'nope' }), 'no element `nope` in the model');
    assert.equal(refused(SHOP, { op: 'remove-flow', flow: 'db->api' }), 'no flow `db->api` in the model');
  });
});

describe('add and remove in a block-style model with comments', () => {
  it('takes an element\'s leading comment lines and the comments under it, and a blank line left twice', () => {
    const out = edited(BLOCK, { op: 'remove-element', id: 'api' });
    assert.equal(out, BLOCK
      .replace('  # the API\n  api:\n    tech: node\n    endpoints:\n      /search:\n    # said after api\n\n', '')
      .replace('  # the flows\n  - api -> db: postgres+tls   # no details yet\n', '')
      .replace('  - from: db\n    to: api\n    id: db-reply\n    protocol: postgres+tls\n    # the last comment\n', ''));
    assert.deepEqual(load(out).flows.map((f) => f.id), ['worker->db']);
  });

  it('removes a flow written in full by its own id, and one with block details by its ends', () => {
    assert.equal(edited(BLOCK, { op: 'remove-flow', flow: 'db-reply' }),
      BLOCK.replace('  - from: db\n    to: api\n    id: db-reply\n    protocol: postgres+tls\n    # the last comment\n', ''));
    assert.equal(edited(BLOCK, { op: 'remove-flow', flow: 'worker->db' }),
      BLOCK.replace('  - worker -> db:\n      protocol: postgres+tls\n      controls:\n        - vpn\n', ''));
  });

  it('writes a new flow\'s details as the file writes them (block), after the comments under the last flow', () => {
    const [, withElement, withFlow] = roundTrip(BLOCK, [
      [{ op: 'add-element', id: 'queue', fields: { name: 'Jobs', type: 'queue' } }, { op: 'remove-element', id: 'queue' }],
      [{ op: 'add-flow', from: 'api', to: 'queue', fields: { protocol: 'amqps', auth: 'password' } }, { op: 'remove-flow', flow: 'api->queue' }],
    ]);
    assert.equal(withElement, BLOCK.replace('  worker: { tech: node }   # a flow-style element\n', '  worker: { tech: node }   # a flow-style element\n  queue:\n    name: Jobs\n    type: queue\n'));
    assert.equal(withFlow, `${withElement}  - api -> queue:\n      protocol: amqps\n      auth: password\n`);
    assert.equal(load(withFlow).flows.at(-1)!.auth, 'password');
  });

  it('removes one arrow of an item that holds two', () => {
    const two = 'threatmap: 1\nsystem: { name: T }\nelements:\n  a: { tech: node }\n  b: { tech: node }\n  c: { tech: node }\nflows:\n  - a -> b: https\n    b -> c: https\n  - c -> a: https\n';
    assert.equal(edited(two, { op: 'remove-flow', flow: 'a->b' }), two.replace('  - a -> b: https\n    b -> c: https\n', '  - b -> c: https\n'));
    assert.equal(edited(two, { op: 'remove-flow', flow: 'b->c' }), two.replace('    b -> c: https\n', ''));
    assert.equal(edited(two, { op: 'remove-element', id: 'b' }), two.replace('  b: { tech: node }\n', '').replace('  - a -> b: https\n    b -> c: https\n', ''));
  });

  it('refuses to remove an element an assumption names', () => {
    const text = `${BLOCK}assumptions:\n  - text: the worker runs alone\n    elements: [worker]\n`;
    assert.equal(refused(text, { op: 'remove-element', id: 'worker' }), 'element `worker` is still named in the `elements` of assumption 1 (line 36); take it out there first');
  });

  it('refuses to remove what a written threat names: the element, its endpoint, a flow of it, the flow itself', () => {
    const threats = (on: string) => `${BLOCK}threats:\n  t:\n    title: T\n    stride: T\n    on: ${on}\n`;
    assert.equal(refused(threats('api'), { op: 'remove-element', id: 'api' }), 'element `api` is still named in the `on` of threat `t` (line 38); take it out there first');
    assert.match(refused(threats('"api:/search"'), { op: 'remove-element', id: 'api' }), /the `on` of threat `t`/);
    assert.match(refused(threats('[db-reply]'), { op: 'remove-element', id: 'api' }), /the `on` of threat `t`/);
    assert.match(refused(threats('worker -> db'), { op: 'remove-element', id: 'db' }), /the `on` of threat `t`/);
    assert.equal(refused(threats('api -> db'), { op: 'remove-flow', flow: 'api->db' }), 'flow `api->db` is still named in the `on` of threat `t` (line 38); take it out there first');
    // Threats on other things leave the removal alone.
    const other = threats('worker');
    assert.equal(edited(other, { op: 'remove-flow', flow: 'api->db' }), other.replace('  # the flows\n  - api -> db: postgres+tls   # no details yet\n', ''));
  });
});

describe('add and remove in other styles of file', () => {
  it('writes flow-style elements in their aligned column, and flows written in full as the file writes them', () => {
    const text = 'threatmap: 1\nsystem: { name: F }\nboundaries:\n  dmz: { trust: dmz }\nelements:\n  web:   { tech: nginx, in: dmz }\n  api:   { tech: node }\nflows:\n  - { from: web, to: api, protocol: https }\n';
    const [, cache, long, flow] = roundTrip(text, [
      [{ op: 'add-element', id: 'cache', fields: { tech: 'redis' } }, { op: 'remove-element', id: 'cache' }],
      [{ op: 'add-element', id: 'verylongname', fields: { kind: 'process' } }, { op: 'remove-element', id: 'verylongname' }],
      [{ op: 'add-flow', from: 'api', to: 'cache', fields: { protocol: 'rediss', auth: 'password' } }, { op: 'remove-flow', flow: 'api->cache' }],
    ]);
    assert.equal(cache, text.replace('  api:   { tech: node }\n', '  api:   { tech: node }\n  cache: { tech: redis }\n'));
    assert.equal(long, cache.replace('  cache: { tech: redis }\n', '  cache: { tech: redis }\n  verylongname: { kind: process }\n'));
    assert.equal(flow, `${long}  - { from: api, to: cache, protocol: rediss, auth: password }\n`);
    const block = 'threatmap: 1\nsystem: { name: F }\nelements:\n  web: { tech: nginx }\n  api: { tech: node }\nflows:\n  - from: web\n    to: api\n    protocol: https\n';
    assert.equal(edited(block, { op: 'add-flow', from: 'api', to: 'web', fields: { protocol: 'https' } }), `${block}  - from: api\n    to: web\n    protocol: https\n`);
  });

  it('writes JSON into a JSON model, one entry a line as JSON.stringify lays it out, and removes it again', () => {
    const json = `${JSON.stringify({ threatmap: 1, system: { name: 'J' }, elements: { api: { tech: 'node' }, db: { tech: 'postgres' } }, flows: [{ from: 'api', to: 'db', protocol: 'postgres+tls' }] }, null, 2)}\n`;
    const [, element, flow] = roundTrip(json, [
      [{ op: 'add-element', id: 'cache', fields: { name: 'Cache', tech: 'redis' } }, { op: 'remove-element', id: 'cache' }],
      [{ op: 'add-flow', from: 'api', to: 'cache', fields: { protocol: 'rediss', auth: 'password' } }, { op: 'remove-flow', flow: 'api->cache' }],
    ]);
    assert.equal(element, json.replace('    "db": {\n      "tech": "postgres"\n    }\n', '    "db": {\n      "tech": "postgres"\n    },\n    "cache": {\n      "name": "Cache",\n      "tech": "redis"\n    }\n'));
    assert.equal(flow, element.replace('      "protocol": "postgres+tls"\n    }\n', '      "protocol": "postgres+tls"\n    },\n    {\n      "from": "api",\n      "to": "cache",\n      "protocol": "rediss",\n      "auth": "password"\n    }\n'));
    assert.deepEqual(JSON.parse(flow).flows[1], { from: 'api', to: 'cache', protocol: 'rediss', auth: 'password' });
    assert.equal(load(flow, 'model.json').flows.length, 2);
    // The first element goes with its line and its comma; its flows with theirs.
    assert.equal(edited(flow, { op: 'remove-element', id: 'api' }), element
      .replace('    "api": {\n      "tech": "node"\n    },\n', '')
      .replace('    {\n      "from": "api",\n      "to": "db",\n      "protocol": "postgres+tls"\n    }\n', '')
      .replace('"flows": [\n  ]', '"flows": []'));
    // The last element with its flows: JSON's `[]` for the list left empty.
    assert.deepEqual(JSON.parse(edited(json, { op: 'remove-element', id: 'db' })), { threatmap: 1, system: { name: 'J' }, elements: { api: { tech: 'node' } }, flows: [] });
  });

  it('keeps Windows line endings', () => {
    const crlf = 'threatmap: 1\r\nsystem: { name: W }\r\nelements:\r\n  api:\r\n    tech: node\r\n';
    const [, element] = roundTrip(crlf, [[{ op: 'add-element', id: 'db', fields: { tech: 'postgres' } }, { op: 'remove-element', id: 'db' }]]);
    assert.equal(element, `${crlf}  db:\r\n    tech: postgres\r\n`);
    const withFlow = edited(element, { op: 'add-flow', from: 'api', to: 'db', fields: { protocol: 'postgres+tls' } });
    assert.equal(withFlow, `${element}flows:\r\n  - api -> db: postgres+tls\r\n`);
    assert.equal(load(withFlow).flows[0].id, 'api->db');
    assert.equal(edited(withFlow, { op: 'remove-flow', flow: 'api->db' }), element);
  });

  it('creates a missing or empty section; the last entry gone leaves `{}`, and a bare `flows:` goes with its last flow', () => {
    const empty = 'threatmap: 1\nsystem: { name: E }\nelements: {}\n';
    const one = edited(empty, { op: 'add-element', id: 'a', fields: { tech: 'node' } });
    assert.equal(one, 'threatmap: 1\nsystem: { name: E }\nelements:\n  a:\n    tech: node\n');
    const two = edited(one, { op: 'add-element', id: 'b', fields: { tech: 'node' } });
    const flows = edited(two, { op: 'add-flow', from: 'a', to: 'b', fields: { protocol: 'https' } });
    assert.equal(flows, `${two}flows:\n  - a -> b: https\n`);
    assert.equal(edited(flows, { op: 'remove-element', id: 'b' }), one);
    assert.equal(edited(flows, { op: 'remove-flow', flow: 'a->b' }), two);
    // A section with a comment of its own, or written in flow style, stays as `flows: []`.
    assert.equal(edited(flows.replace('flows:', '# who talks to whom\nflows:'), { op: 'remove-flow', flow: 'a->b' }), `${two}# who talks to whom\nflows: []\n`);
    assert.equal(edited(flows.replace('flows:', 'flows:  # none yet'), { op: 'remove-flow', flow: 'a->b' }), `${two}flows: []  # none yet\n`);
    assert.equal(edited(`${two}flows: [ a -> b: https ]\n`, { op: 'remove-flow', flow: 'a->b' }), `${two}flows: []\n`);
    assert.equal(edited(one, { op: 'remove-element', id: 'a' }), empty);
    assert.equal(edited('threatmap: 1\nsystem: { name: M }', { op: 'add-element', id: 'a', fields: { kind: 'external' } }), 'threatmap: 1\nsystem: { name: M }\nelements:\n  a:\n    kind: external');
    // A comment after an empty value stays on its line.
    assert.equal(edited('threatmap: 1\nsystem: { name: N }\nelements:   # none yet\n', { op: 'add-element', id: 'a', fields: { tech: 'node' } }),
      'threatmap: 1\nsystem: { name: N }\nelements:   # none yet\n  a:\n    tech: node\n');
  });

  it('removes entries from flow collections with their commas', () => {
    const text = 'threatmap: 1\nsystem: { name: F }\nelements: { a: { tech: node }, b: { tech: node }, c: { tech: node } }\nflows: [ { from: a, to: b, protocol: https }, { from: b, to: c, protocol: https }, {from: a, to: c, protocol: https} ]\n';
    assert.equal(edited(text, { op: 'remove-element', id: 'a' }),
      'threatmap: 1\nsystem: { name: F }\nelements: { b: { tech: node }, c: { tech: node } }\nflows: [ { from: b, to: c, protocol: https } ]\n');
    assert.equal(edited(text, { op: 'remove-element', id: 'c' }),
      'threatmap: 1\nsystem: { name: F }\nelements: { a: { tech: node }, b: { tech: node } }\nflows: [ { from: a, to: b, protocol: https } ]\n');
    assert.equal(edited(text, { op: 'remove-element', id: 'b' }),
      'threatmap: 1\nsystem: { name: F }\nelements: { a: { tech: node }, c: { tech: node } }\nflows: [ {from: a, to: c, protocol: https} ]\n');
    assert.equal(edited(text, { op: 'add-element', id: 'd', fields: { tech: 'node' } }), text.replace('c: { tech: node } }', 'c: { tech: node }, d: { tech: node } }'));
  });
});

const COUPONS: ModelEdit = {
  op: 'add-threat', id: 'coupon-stacking', fields: {
    title: 'Coupons: stacked without limit', stride: 'tampering', on: ['api:POST /cart'], description: 'The cart applies every coupon code it is given.',
    impact: 'high', mitigation: 'Allow one coupon per order, checked on the server.',
  },
};
const REPLAY: ModelEdit = { op: 'add-threat', id: 'webhook-replay', fields: { title: 'Webhook #2 replayed', stride: 'S', on: ['payments -> api', 'api'], likelihood: 'low' } };
const INSIDER: ModelEdit = { op: 'add-threat', id: 'insider', fields: { title: 'An insider exports the orders', stride: 'information-disclosure', on: [] } };
const removeThreat = (id: string): ModelEdit => ({ op: 'remove-threat', id });

const COUPONS_TEXT = 'threats:\n  coupon-stacking:\n    title: "Coupons: stacked without limit"\n    stride: tampering\n    on: "api:POST /cart"\n'
  + '    description: The cart applies every coupon code it is given.\n    impact: high\n    mitigation: Allow one coupon per order, checked on the server.\n';

/** BLOCK with written threats: one in block style under a comment, one flow map with a comment above it. */
const WRITTEN = `${BLOCK}threats:
  # found in the review
  scraping:
    title: Search results scraped
    stride: I
    on: "api:/search"
    mitigation: Rate-limit the search.   # SHOP-12
  # the worker's own
  worker-dos: { title: Worker flooded, stride: D, on: worker }
`;

describe('add and remove written threats', () => {
  it('writes the controls that mitigate a threat and its references as lists, and the model reads them', () => {
    const text = edited(BLOCK, { op: 'add-threat', id: 'dump', fields: { title: 'DB dump', stride: 'I', on: ['db'], 'mitigated-by': ['x-db-audit'], references: ['CWE-200', 'SHOP-1'] } });
    assert.ok(text.endsWith('threats:\n  dump:\n    title: DB dump\n    stride: I\n    on: db\n    mitigated-by: [x-db-audit]\n    references: [CWE-200, SHOP-1]\n'), text.slice(-200));
    const threat = load(text).threats[0];
    assert.deepEqual([threat.mitigatedBy, threat.references], [['x-db-audit'], ['CWE-200', 'SHOP-1']]);
  });

  it('creates `threats:` at the end of a block model, appends after the last threat, and removing them gives the file back', () => {
    const [, coupons, replay, insider] = roundTrip(SHOP, [[COUPONS, removeThreat('coupon-stacking')], [REPLAY, removeThreat('webhook-replay')], [INSIDER, removeThreat('insider')]]);
    // Set apart by a blank line, as the example sets apart its other sections.
    assert.equal(coupons, `${SHOP}\n${COUPONS_TEXT}`);
    assert.equal(replay, `${coupons}  webhook-replay:\n    title: "Webhook #2 replayed"\n    stride: S\n    on: [payments -> api, api]\n    likelihood: low\n`);
    // The whole system: no `on`.
    assert.equal(insider, `${replay}  insider:\n    title: An insider exports the orders\n    stride: information-disclosure\n`);
    assert.deepEqual(load(insider).threats.map((t) => [t.id, t.stride, t.on.map((o) => `${o.kind} ${o.id}`), t.likelihood, t.impact, t.mitigation]), [
      ['coupon-stacking', 'T', ['endpoint api:POST /cart'], undefined, 'high', 'Allow one coupon per order, checked on the server.'],
      ['webhook-replay', 'S', ['flow payments->api', 'element api'], 'low', undefined, undefined],
      ['insider', 'I', ['system system'], undefined, undefined, undefined],
    ]);
    // The analysis reports each on what it names, under the rule `threat:<id>`, as written.
    assert.deepEqual(analyzeText(insider).threats.filter((t) => t.ruleId.startsWith('threat:')).map((t) => [t.key, t.title, t.likelihood.level, t.impact.level]).sort(), [
      ['threat:coupon-stacking@api:POST /cart', 'Coupons: stacked without limit', 'Medium', 'High'],
      ['threat:insider@system', 'An insider exports the orders', 'Medium', 'High'],
      ['threat:webhook-replay@api', 'Webhook #2 replayed', 'Low', 'High'],
      ['threat:webhook-replay@payments->api', 'Webhook #2 replayed', 'Low', 'Medium'],
    ]);
    // What a threat added here names cannot then be removed from under it.
    assert.match(refused(coupons, { op: 'remove-element', id: 'api' }), /the `on` of threat `coupon-stacking` \(line 84\)/);
  });

  it('keeps the lines of a description or mitigation: a literal block in a block model, escaped in flow style and JSON', () => {
    const description = 'The cart applies every coupon code.\n\n  Two codes: half price.\r\nThree: free';
    const add: ModelEdit = { op: 'add-threat', id: 'c', fields: { title: 'Coupons', stride: 'T', on: ['api'], description, mitigation: 'One coupon.\nChecked on the server.' } };
    const [, block] = roundTrip(SHOP, [[add, removeThreat('c')]]);
    assert.ok(block.endsWith('  c:\n    title: Coupons\n    stride: T\n    on: api\n    description: |-\n      The cart applies every coupon code.\n\n'
      + '        Two codes: half price.\n      Three: free\n    mitigation: |-\n      One coupon.\n      Checked on the server.\n'), block.slice(-300));
    const written = load(block).threats[0];
    assert.deepEqual([written.description, written.mitigation], [description.replace('\r\n', '\n'), 'One coupon.\nChecked on the server.']);
    const flow = 'threatmap: 1\nsystem: { name: F }\nelements: { api: { tech: node } }\nthreats: { t: { title: T, stride: S } }\n';
    const [, inBraces] = roundTrip(flow, [[add, removeThreat('c')]]);
    assert.match(inBraces, /c: \{ title: Coupons, stride: T, on: api, description: "The cart applies every coupon code\.\\n\\n {2}Two codes: half price\.\\nThree: free", mitigation: "One coupon\.\\nChecked on the server\." \} \}\n$/);
    assert.equal(load(inBraces).threats[1].description, description.replace('\r\n', '\n'));
    // A line that would start a literal block's indentation wrongly, or other control characters, are refused or quoted.
    assert.match(refused(SHOP, { op: 'add-threat', id: 'd', fields: { title: 'D', stride: 'D', on: [], description: 'bell\u0007' } }), /`description` must be text without control characters/);
    assert.match(refused(SHOP, { op: 'add-threat', id: 'd', fields: { title: 'Two\nlines', stride: 'D', on: [] } }), /`title` must be one line of text/);
    const leading = edited(SHOP, { op: 'add-threat', id: 'd', fields: { title: 'D', stride: 'D', on: [], description: ' indented first\nsecond' } });
    assert.equal(load(leading).threats[0].description, ' indented first\nsecond');
  });

  it('writes a block model\'s threats as the others are, and removes one with its leading comments', () => {
    const [, added] = roundTrip(WRITTEN, [[{ op: 'add-threat', id: 'queue', fields: { title: 'Jobs replayed', stride: 'R', on: ['worker -> db'] } }, removeThreat('queue')]]);
    assert.equal(added, `${WRITTEN}  queue:\n    title: Jobs replayed\n    stride: R\n    on: worker -> db\n`);
    assert.equal(edited(WRITTEN, removeThreat('scraping')),
      WRITTEN.replace('  # found in the review\n  scraping:\n    title: Search results scraped\n    stride: I\n    on: "api:/search"\n    mitigation: Rate-limit the search.   # SHOP-12\n', ''));
    assert.equal(edited(WRITTEN, removeThreat('worker-dos')), WRITTEN.replace('  # the worker\'s own\n  worker-dos: { title: Worker flooded, stride: D, on: worker }\n', ''));
    // Both gone: the bare `threats:` goes too.
    assert.equal(edited(edited(WRITTEN, removeThreat('scraping')), removeThreat('worker-dos')), BLOCK);
    assert.deepEqual(load(added).threats.map((t) => [t.id, t.on.map((o) => o.id)]), [['scraping', ['api:/search']], ['worker-dos', ['worker']], ['queue', ['worker->db']]]);
  });

  it('writes flow-style threats in flow style: in the braces of `threats: {...}`, or aligned as the others are', () => {
    const flow = 'threatmap: 1\nsystem: { name: F }\nelements: { a: { tech: node }, b: { tech: node } }\nthreats: { t: { title: T, stride: S } }\n';
    const [, withU] = roundTrip(flow, [[{ op: 'add-threat', id: 'u', fields: { title: 'U: one', stride: 'D', on: ['a', 'b'] } }, removeThreat('u')]]);
    assert.equal(withU, flow.replace('stride: S } }', 'stride: S }, u: { title: "U: one", stride: D, on: [a, b] } }'));
    assert.equal(edited(withU, removeThreat('t')), flow.replace('t: { title: T, stride: S }', 'u: { title: "U: one", stride: D, on: [a, b] }'));
    // The last one out of braces leaves `{}`: the section was written so, and stays.
    assert.equal(edited(flow, removeThreat('t')), flow.replace('{ t: { title: T, stride: S } }', '{}'));
    const aligned = 'threatmap: 1\nsystem: { name: F }\nelements: { a: { tech: node } }\nthreats:\n  t:   { title: T, stride: S }\n  dos: { title: Flooded, stride: D, on: a }\n';
    const [, withX] = roundTrip(aligned, [[{ op: 'add-threat', id: 'x', fields: { title: 'X', stride: 'E', on: ['a'], impact: 'low' } }, removeThreat('x')]]);
    assert.equal(withX, `${aligned}  x:   { title: X, stride: E, on: a, impact: low }\n`);
  });

  it('writes JSON into a JSON model, the first threat as JSON.stringify lays out its elements, and removes the section with its last threat', () => {
    const json = `${JSON.stringify({ threatmap: 1, system: { name: 'J' }, elements: { api: { tech: 'node' }, db: { tech: 'postgres' } }, flows: [{ from: 'api', to: 'db', protocol: 'postgres+tls' }] }, null, 2)}\n`;
    const [, one, two] = roundTrip(json, [
      [{ op: 'add-threat', id: 't1', fields: { title: 'Rows: altered', stride: 'T', on: ['api->db'], likelihood: 'low' } }, removeThreat('t1')],
      [{ op: 'add-threat', id: 't2', fields: { title: 'Z', stride: 'E', on: ['api', 'db'] } }, removeThreat('t2')],
    ]);
    assert.equal(one, json.replace('\n  ]\n}\n', '\n  ],\n  "threats": {\n    "t1": {\n      "title": "Rows: altered",\n      "stride": "T",\n      "on": "api->db",\n      "likelihood": "low"\n    }\n  }\n}\n'));
    assert.equal(two, one.replace('"likelihood": "low"\n    }\n', '"likelihood": "low"\n    },\n    "t2": {\n      "title": "Z",\n      "stride": "E",\n      "on": ["api", "db"]\n    }\n'));
    assert.deepEqual(JSON.parse(two).threats, { t1: { title: 'Rows: altered', stride: 'T', on: 'api->db', likelihood: 'low' }, t2: { title: 'Z', stride: 'E', on: ['api', 'db'] } });
    assert.deepEqual(load(two, 'model.json').threats.map((t) => t.id), ['t1', 't2']);
    assert.equal(edited(one, removeThreat('t1')), json);
  });

  it('quotes a title or an `on` only when YAML would read it as something else, or a YAML 1.1 reader would stumble on a `:`', () => {
    for (const [title, written] of [
      ['Coupons stack', 'Coupons stack'], ['Coupons: stack', '"Coupons: stack"'], ['Stack #1', '"Stack #1"'], ['yes', '"yes"'], ['say "hi"', 'say "hi"'], ['[draft] stack', '"[draft] stack"'],
    ]) {
      const out = edited(SHOP, { op: 'add-threat', id: 'x', fields: { title, stride: 'T', on: [] } });
      assert.equal(out, `${SHOP}\nthreats:\n  x:\n    title: ${written}\n    stride: T\n`, title);
      assert.equal(load(out).threats[0].title, title);
    }
    for (const [on, written] of [
      [['api:POST /cart'], '"api:POST /cart"'], [['lb -> api'], 'lb -> api'], [['api->db', 'dmz'], '[api->db, dmz]'], [['api:/search', 'cdn'], '["api:/search", cdn]'],
    ] as const) {
      const out = edited(SHOP, { op: 'add-threat', id: 'x', fields: { title: 'X', stride: 'T', on } });
      assert.equal(out, `${SHOP}\nthreats:\n  x:\n    title: X\n    stride: T\n    on: ${written}\n`, on.join());
      assert.equal(load(out).threats[0].on.length, on.length);
    }
  });

  it('refuses a bad or taken id, a missing or empty title, an unknown STRIDE category, a bad rating, and an `on` that names nothing or two flows', () => {
    const add = (id: string, fields: Record<string, unknown>, text = SHOP) => refused(text, { op: 'add-threat', id, fields });
    const base = { title: 'T', stride: 'T', on: [] };
    assert.equal(add('two words', base), '`two words` is not an id: use letters, digits and . _ : - (starting with a letter or digit)');
    assert.equal(add('-x', base), '`-x` is not an id: use letters, digits and . _ : - (starting with a letter or digit)');
    assert.equal(add('coupon-stacking', base, `${SHOP}${COUPONS_TEXT}`), 'threat `coupon-stacking` is already in the model (line 80)');
    assert.equal(add('x', { ...base, title: '  ' }), '`title` is empty');
    assert.equal(add('x', { ...base, title: 'two\nlines' }), '`title` must be one line of text');
    assert.equal(add('x', { stride: 'T', on: [] }), 'a threat needs its `title`: what can go wrong, in a line');
    assert.equal(add('x', { title: 'T', on: [] }), 'a threat needs its `stride`: S, T, R, I, D, E, or the category\'s name');
    const categories = '(S, T, R, I, D, E, or spoofing, tampering, repudiation, information-disclosure, denial-of-service, elevation-of-privilege)';
    assert.equal(add('x', { ...base, stride: 'tamper' }), `unknown STRIDE category \`tamper\`; did you mean \`tampering\`? ${categories}`);
    assert.equal(add('x', { ...base, stride: 'X' }), `unknown STRIDE category \`X\` ${categories}`);
    // The spellings the model reads ("Tampering", "Information Disclosure") are taken as written.
    for (const stride of ['Tampering', 'Information Disclosure', 'DoS']) assert.equal(load(edited(SHOP, { op: 'add-threat', id: 'x', fields: { ...base, stride } })).threats.length, 1, stride);
    assert.equal(add('x', { ...base, on: ['apx'] }), '`apx` names nothing in the model; did you mean `api`?');
    assert.equal(add('x', { ...base, on: ['api', 'api:/nowhere-at-all'] }),
      '`api:/nowhere-at-all` names nothing in the model; name an element, boundary, flow (`a -> b` or its id) or endpoint (`element:key`), or `system`');
    assert.equal(add('x', { ...base, on: ['api:/serch'] }), '`api:/serch` names nothing in the model; did you mean `api:/search`?');
    const twice = 'threatmap: 1\nsystem: { name: D }\nelements: { a: { tech: node }, b: { tech: node } }\nflows:\n  - { id: f1, from: a, to: b, protocol: https }\n  - { id: f2, from: a, to: b, protocol: https }\n';
    assert.equal(add('x', { ...base, on: ['a -> b'] }, twice), '2 flows join these elements: `a -> b` could be any of them; name one by its id: `f1`, `f2`');
    assert.equal(add('x', { ...base, likelihood: 'hi' }), '`likelihood` is low, medium, high (or left out, to rate it from the model), not `hi`');
    assert.equal(add('x', { ...base, impact: 'assets' }), '`impact` is low, medium, high (or left out, to rate it from the model), not `assets`');
    assert.equal(add('x', { ...base, on: 'api' }), '`on` is a list of what the threat is on (an empty list: the whole system)');
    assert.equal(add('x', { ...base, 'mitigated-by': ['firewal'] }), '`firewal` is not a control: a built-in one, or a name of your own starting with x-');
    assert.equal(add('x', { ...base, owner: 'shop' } as never),
      'a new threat has no `owner` here: give `title`, `stride`, `on`, `description`, `likelihood`, `impact`, `mitigation`, `mitigated-by`, `references`, and write the rest in the text');
    assert.equal(add('x', base, `${SHOP}threats: [a]\n`), '`threats:` is not written as a map');
    assert.equal(refused(SHOP, removeThreat('nope')), 'no threat `nope` in the model');
    assert.equal(refused(WRITTEN, removeThreat('scrapping')), 'no threat `scrapping` in the model');
  });

  it('keeps a `threats:` with a comment of its own as `{}`, and gives back a file without a final line break or with Windows line endings', () => {
    const one = (text: string) => edited(text, { op: 'add-threat', id: 't', fields: { title: 'T', stride: 'S', on: [] } });
    const commented = one(SHOP).replace('threats:\n', '# the review\nthreats:\n');
    assert.equal(edited(commented, removeThreat('t')), `${SHOP}\n# the review\nthreats: {}\n`);
    const beside = one(SHOP).replace('threats:\n', 'threats:   # the review\n');
    assert.equal(edited(beside, removeThreat('t')), `${SHOP}\nthreats: {}   # the review\n`);
    const open = 'threatmap: 1\nsystem: { name: M }\nelements: { a: { tech: node } }';
    const [, added] = roundTrip(open, [[{ op: 'add-threat', id: 't', fields: { title: 'T', stride: 'S', on: ['a'] } }, removeThreat('t')]]);
    assert.equal(added, `${open}\nthreats:\n  t:\n    title: T\n    stride: S\n    on: a`);
    const crlf = 'threatmap: 1\r\nsystem: { name: W }\r\nelements:\r\n  api:\r\n    tech: node\r\n';
    const [, windows] = roundTrip(crlf, [[{ op: 'add-threat', id: 't', fields: { title: 'T', stride: 'S', on: ['api'] } }, removeThreat('t')]]);
    assert.equal(windows, `${crlf}threats:\r\n  t:\r\n    title: T\r\n    stride: S\r\n    on: api\r\n`);
  });
});

describe('applyModelEdit never throws', () => {
  it('answers edits of the wrong shape and texts that do not parse with a message', () => {
    for (const edit of [{ op: 'rename' }, { op: 'add-element' }, { op: 'add-element', id: 'x', fields: 'tech' }, { op: 'add-flow', from: 1, to: 'x', fields: {} },
      { op: 'remove-flow' }, { op: 'add-flow', from: 'a', to: 'b', fields: { protocol: 'https', data: 'pii' } }, { op: 'add-control', target: null, control: 'waf' },
      { op: 'add-threat' }, { op: 'add-threat', id: 'x', fields: 'T' }, { op: 'add-threat', id: 'x', fields: { title: 'T', stride: 'S', on: [7] } }, { op: 'remove-threat' }]) {
      assert.equal(typeof refused(SHOP, edit), 'string', JSON.stringify(edit));
    }
    assert.equal(refused(SHOP, { op: 'rename' }), 'unknown edit `rename`');
    assert.match(refused('elements: {\n', { op: 'remove-element', id: 'a' }), /^the model does not parse \(line \d+, column \d+\): /);
    assert.equal(refused('- a\n- b\n', { op: 'add-element', id: 'a', fields: { tech: 'node' } }), 'the model is not a map of sections (`threatmap:`, `system:`, `elements:`...)');
  });
});

describe('new sections and flows in the form of the file', () => {
  it('sets a new `threats:` or `flows:` apart by a blank line when the other sections are, and takes it away with the section', () => {
    const spaced = 'threatmap: 1\n\nsystem: { name: S }\n\nelements:\n  a: { tech: node }\n  b: { tech: node }\n';
    const [, threat] = roundTrip(spaced, [[{ op: 'add-threat', id: 't', fields: { title: 'T', stride: 'S', on: ['a'] } }, removeThreat('t')]]);
    assert.equal(threat, `${spaced}\nthreats:\n  t:\n    title: T\n    stride: S\n    on: a\n`);
    const [, flow] = roundTrip(spaced, [[{ op: 'add-flow', from: 'a', to: 'b', fields: { protocol: 'https' } }, { op: 'remove-flow', flow: 'a->b' }]]);
    assert.equal(flow, `${spaced}\nflows:\n  - a -> b: https\n`);
    // Without a final line break too.
    const open = spaced.trimEnd();
    const [, unended] = roundTrip(open, [[{ op: 'add-threat', id: 't', fields: { title: 'T', stride: 'S', on: [] } }, removeThreat('t')]]);
    assert.equal(unended, `${open}\n\nthreats:\n  t:\n    title: T\n    stride: S`);
  });

  it('adds no blank line where the sections have none (but after a final comment)', () => {
    const tight = 'threatmap: 1\nsystem: { name: T }\nelements:\n  a: { tech: node }\n';
    const [, threat] = roundTrip(tight, [[{ op: 'add-threat', id: 't', fields: { title: 'T', stride: 'S', on: [] } }, removeThreat('t')]]);
    assert.equal(threat, `${tight}threats:\n  t:\n    title: T\n    stride: S\n`);
    // A comment that ends the file is not taken for the new section's own: a blank line between them, gone with the section.
    const commented = `${tight}# the end\n`;
    const [, afterComment] = roundTrip(commented, [[{ op: 'add-threat', id: 't', fields: { title: 'T', stride: 'S', on: [] } }, removeThreat('t')]]);
    assert.equal(afterComment, `${commented}\nthreats:\n  t:\n    title: T\n    stride: S\n`);
  });

  it('keeps the blank lines that end a file at its end: a new section goes above them, and its removal gives the file back', () => {
    const threat: [ModelEdit, ModelEdit] = [{ op: 'add-threat', id: 't', fields: { title: 'T', stride: 'S', on: [] } }, removeThreat('t')];
    const section = 'threats:\n  t:\n    title: T\n    stride: S\n';
    // Spaced sections: the new one set apart by a blank line of its own, told apart from the file's last one.
    const spaced = 'threatmap: 1\n\nsystem: { name: E }\n\nelements:\n  a: { tech: node }\n';
    assert.equal(roundTrip(`${spaced}\n`, [threat])[1], `${spaced}\n${section}\n`);
    assert.equal(roundTrip(`${spaced}\n\n`, [threat])[1], `${spaced}\n${section}\n\n`);
    // Tight sections: none of its own.
    const tight = 'threatmap: 1\nsystem: { name: T }\nelements:\n  a: { tech: node }\n';
    assert.equal(roundTrip(`${tight}\n`, [threat])[1], `${tight}${section}\n`);
    assert.equal(roundTrip(`${tight}  \n`, [threat])[1], `${tight}${section}  \n`);
    // A comment ending the file, then a blank line; Windows line endings; a flow and an element section too.
    assert.equal(roundTrip(`${tight}# the end\n\n`, [threat])[1], `${tight}# the end\n\n${section}\n`);
    const crlf = `${spaced}\n`.replace(/\n/g, '\r\n');
    assert.equal(roundTrip(crlf, [threat])[1], `${spaced}\n${section}\n`.replace(/\n/g, '\r\n'));
    const two = 'threatmap: 1\n\nsystem: { name: E }\n\nelements:\n  a: { tech: node }\n  b: { tech: node }\n\n';
    assert.equal(roundTrip(two, [[{ op: 'add-flow', from: 'a', to: 'b', fields: { protocol: 'https' } }, { op: 'remove-flow', flow: 'a->b' }]])[1],
      two.replace(/\n\n$/, '\n\nflows:\n  - a -> b: https\n\n'));
    const noElements = 'threatmap: 1\n\nsystem: { name: E }\n\n';
    // (The last element's removal leaves `elements: {}`, as elements.)
    assert.equal(edited(noElements, { op: 'add-element', id: 'a', fields: { tech: 'node' } }), 'threatmap: 1\n\nsystem: { name: E }\n\nelements:\n  a:\n    tech: node\n\n');
    // A section already there: the new threat after its last one, above the blank line.
    const written = `${tight}threats:\n  u: { title: U, stride: D }\n\n`;
    assert.equal(roundTrip(written, [threat])[1], written.replace('D }\n', 'D }\n  t: { title: T, stride: S }\n'));
    // No line break at the end: the section after a new one, and none added at the end.
    assert.equal(roundTrip(tight.trimEnd(), [threat])[1], `${tight}${section.trimEnd()}`);
    // The line breaks a `|+` block keeps are its value's, not the file's end: the section goes after them.
    const kept = 'threatmap: 1\nelements:\n  a: { tech: node }\nsystem:\n  name: K\n  description: |+\n    kept\n\n';
    assert.equal(roundTrip(kept, [threat])[1], `${kept}${section}`);
    assert.equal(load(`${kept}${section}`).system.description, 'kept\n\n');
  });

  it('writes a flow of a JSON model in the form its flows have: `from`/`to` unless most use the arrow', () => {
    const model = (flows: unknown[]) => `${JSON.stringify({ threatmap: 1, system: { name: 'J' }, elements: { a: { tech: 'node' }, b: { tech: 'postgres' }, c: { tech: 'redis' } }, flows }, null, 2)}\n`;
    const add = { op: 'add-flow', from: 'b', to: 'c', fields: { protocol: 'redis' } } as const;
    const undo = { op: 'remove-flow', flow: 'b->c' } as const;
    // One of each: the `from`/`to` form, which is JSON's own.
    const mixed = model([{ from: 'a', to: 'b', protocol: 'postgres' }, { 'a -> c': 'redis' }]);
    const [, full] = roundTrip(mixed, [[add, undo]]);
    assert.equal(full, mixed.replace('      "a -> c": "redis"\n    }\n', '      "a -> c": "redis"\n    },\n    {\n      "from": "b",\n      "to": "c",\n      "protocol": "redis"\n    }\n'));
    // No flows yet: `from`/`to` too.
    const none = model([]);
    assert.deepEqual(JSON.parse(edited(none, add)).flows, [{ from: 'b', to: 'c', protocol: 'redis' }]);
    assert.equal(edited(edited(none, add), undo), none);
    // Mostly arrows: an arrow.
    const arrows = model([{ 'a -> b': 'postgres' }, { 'a -> c': 'redis' }]);
    const [, arrow] = roundTrip(arrows, [[add, undo]]);
    assert.deepEqual(JSON.parse(arrow).flows.at(-1), { 'b -> c': 'redis' });
    assert.equal(load(full, 'model.json').flows.at(-1)!.id, 'b->c');
  });
});

describe('a model that says `%YAML 1.1`', () => {
  const V11 = '%YAML 1.1\n---\nthreatmap: 1\nsystem: { name: V }\nelements:\n  api: { tech: node }\n';
  const V12 = V11.replace('%YAML 1.1\n---\n', '');

  it('quotes the words and numbers a YAML 1.1 reader takes for something else: an element `yes` named `on`, a name `1_000`, a date', () => {
    const [, yes] = roundTrip(V11, [[{ op: 'add-element', id: 'yes', fields: { name: 'on', tech: 'node' } }, { op: 'remove-element', id: 'yes' }]]);
    assert.equal(yes, `${V11}  "yes": { name: "on", tech: node }\n`);
    assert.deepEqual(load(yes).elements.map((e) => [e.id, e.name]), [['api', 'api'], ['yes', 'on']]);
    for (const [name, written] of [['1_000', '"1_000"'], ['0b101', '"0b101"'], ['2024-01-31', '"2024-01-31"'], ['plain words', 'plain words']]) {
      const out = edited(V11, { op: 'add-element', id: 'x', fields: { name, tech: 'node' } });
      assert.equal(out, `${V11}  x: { name: ${written}, tech: node }\n`, name);
      assert.equal(load(out).elements.find((e) => e.id === 'x')!.name, name);
    }
    const id = edited(V11, { op: 'add-element', id: '1_000', fields: { tech: 'node' } });
    assert.equal(id, `${V11}  "1_000": { tech: node }\n`);
    assert.ok(load(id).elements.some((e) => e.id === '1_000'));
  });

  it('writes them plain in a YAML 1.2 model, where they read as written', () => {
    for (const name of ['1_000', '0b101', '2024-01-31']) {
      const out = edited(V12, { op: 'add-element', id: 'x', fields: { name, tech: 'node' } });
      assert.equal(out, `${V12}  x: { name: ${name}, tech: node }\n`, name);
      assert.equal(load(out).elements.find((e) => e.id === 'x')!.name, name);
    }
  });

  it('quotes a written threat\'s `on:` key there (a YAML 1.1 `true:`), and leaves it plain in YAML 1.2', () => {
    const add: ModelEdit = { op: 'add-threat', id: 't', fields: { title: 'T', stride: 'S', on: ['api'] } };
    const [, v11] = roundTrip(V11, [[add, removeThreat('t')]]);
    assert.equal(v11, `${V11}threats:\n  t:\n    title: T\n    stride: S\n    "on": api\n`);
    assert.deepEqual(load(v11).threats[0].on, [{ kind: 'element', id: 'api' }]);
    assert.equal(edited(V12, add), `${V12}threats:\n  t:\n    title: T\n    stride: S\n    on: api\n`);
    // Only a directive says so: not a comment that mentions one.
    assert.equal(edited(`# %YAML 1.1\n${V12}`, add), `# %YAML 1.1\n${V12}threats:\n  t:\n    title: T\n    stride: S\n    on: api\n`);
    // In braces too.
    const flow = `${V11}threats: { u: { title: U, stride: D } }\n`;
    assert.equal(edited(flow, add), flow.replace('stride: D } }', 'stride: D }, t: { title: T, stride: S, "on": api } }'));
  });
});

describe('a model that mixes CRLF and LF line endings', () => {
  /** CRLF up to `api`'s entry, LF from `db` on. */
  const MIXED = 'threatmap: 1\r\nsystem: { name: M }\r\nelements:\r\n  api:\r\n    tech: node\r\n  db:\n    tech: postgres\n';
  const endings = (text: string) => text.split('\n').slice(0, -1).map((line) => (line.endsWith('\r') ? 'CRLF' : 'LF'));

  it('writes new lines with the line ending of the line before them, and every other line keeps its own', () => {
    const [, element, flow, threat] = roundTrip(MIXED, [
      [{ op: 'add-element', id: 'q', fields: { tech: 'redis' } }, { op: 'remove-element', id: 'q' }],
      [{ op: 'add-flow', from: 'api', to: 'db', fields: { protocol: 'postgres+tls' } }, { op: 'remove-flow', flow: 'api->db' }],
      [{ op: 'add-threat', id: 't', fields: { title: 'T', stride: 'S', on: ['api'], description: 'one\ntwo' } }, removeThreat('t')],
    ]);
    assert.equal(element, `${MIXED}  q:\n    tech: redis\n`);
    assert.equal(flow, `${element}flows:\n  - api -> db: postgres+tls\n`);
    assert.equal(threat, `${flow}threats:\n  t:\n    title: T\n    stride: S\n    on: api\n    description: |-\n      one\n      two\n`);
    // After a CRLF line, CRLF, though the file's first line ends in LF.
    const crlfLast = 'threatmap: 1\nsystem: { name: M }\nelements:\n  api:\n    tech: node\r\n';
    const q = edited(crlfLast, { op: 'add-element', id: 'q', fields: { tech: 'redis' } });
    assert.equal(q, `${crlfLast}  q:\r\n    tech: redis\r\n`);
    assert.deepEqual(endings(q), [...endings(crlfLast), 'CRLF', 'CRLF']);
  });

  it('in a file that is all LF or all CRLF, new lines are written as the file writes them', () => {
    const lf = MIXED.replace(/\r\n/g, '\n');
    const crlf = lf.replace(/\n/g, '\r\n');
    assert.deepEqual(endings(edited(lf, { op: 'add-element', id: 'q', fields: { tech: 'redis' } })), Array(9).fill('LF'));
    assert.deepEqual(endings(edited(crlf, { op: 'add-element', id: 'q', fields: { tech: 'redis' } })), Array(9).fill('CRLF'));
  });
});
