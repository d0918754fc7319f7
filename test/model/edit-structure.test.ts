// Structured edits of a model's text (the web UI's add/remove element and flow): the exact text each one
// writes in the style of the file, every other byte kept, the result loading as the model asked for, the
// removals giving back the input byte for byte, and each refusal's message.
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

/** Each edit in turn, then each one's undoing in reverse: the texts on the way, and the input given back. */
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

describe('applyModelEdit never throws', () => {
  it('answers edits of the wrong shape and texts that do not parse with a message', () => {
    for (const edit of [{ op: 'rename' }, { op: 'add-element' }, { op: 'add-element', id: 'x', fields: 'tech' }, { op: 'add-flow', from: 1, to: 'x', fields: {} },
      { op: 'remove-flow' }, { op: 'add-flow', from: 'a', to: 'b', fields: { protocol: 'https', data: 'pii' } }, { op: 'add-control', target: null, control: 'waf' }]) {
      assert.equal(typeof refused(SHOP, edit), 'string', JSON.stringify(edit));
    }
    assert.equal(refused(SHOP, { op: 'rename' }), 'unknown edit `rename`');
    assert.match(refused('elements: {\n', { op: 'remove-element', id: 'a' }), /^the model does not parse \(line \d+, column \d+\): /);
    assert.equal(refused('- a\n- b\n', { op: 'add-element', id: 'a', fields: { tech: 'node' } }), 'the model is not a map of sections (`threatmap:`, `system:`, `elements:`...)');
  });
});
