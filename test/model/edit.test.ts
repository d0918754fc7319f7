// Comment-preserving model edits (the web UI's add/remove control): each result loads, has (or lacks) the
// control, keeps every comment line, and differs from the input only in the lines of the edited entry.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { applyModelEdit, type EditTarget } from '../../src/model/edit.js';
import type { Model } from '../../src/model/types.js';
import { edited, load } from './edit-helpers.js';

const SHOP = readFileSync('examples/ecommerce.yaml', 'utf8');

/** A small model in block style, with comments and blank lines everywhere an edit could disturb them. */
const BLOCK = `# A block-style model
threatmap: 1
system:
  name: Block shop   # the name

elements:
  # the API
  api:
    tech: node
    controls:
      # at the edge
      - waf            # the edge WAF
      - rate-limiting
    endpoints:
      /login:
        public: true
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

function controlsOf(model: Model, target: EditTarget): readonly string[] {
  if ('element' in target) return model.elements.find((e) => e.id === target.element)!.controls;
  if ('boundary' in target) return model.boundaries.find((b) => b.id === target.boundary)!.controls;
  if ('flow' in target) return model.flows.find((f) => f.id === target.flow)!.controls;
  return model.elements.flatMap((e) => e.endpoints).find((ep) => ep.id === target.endpoint)!.controls;
}

/** The lines that differ: what is left of each text once their common first and last lines are set aside. */
function changed(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return { removed: a.slice(head, a.length - tail), added: b.slice(head, b.length - tail) };
}

const commentLines = (text: string): string[] => text.split('\n').filter((l) => /^\s*#/.test(l));

/**
 * Adds the control, then removes it again: the added text loads with the control, the lines changed are
 * exactly `lines`, every comment line survives, and the removal gives back the input.
 */
function roundTrip(text: string, target: EditTarget, control: string, lines: { removed: string[]; added: string[] }): void {
  assert.ok(!controlsOf(load(text), target).includes(control), 'the control is there before the test');
  const added = edited(text, { op: 'add-control', target, control });
  assert.ok(controlsOf(load(added), target).includes(control), 'the control was added');
  assert.deepEqual(changed(text, added), lines);
  for (const line of commentLines(text)) assert.ok(added.includes(line), `comment line lost: ${line}`);
  assert.equal(edited(added, { op: 'add-control', target, control }), added, 'adding it again changes nothing');
  const removed = edited(added, { op: 'remove-control', target, control });
  assert.ok(!controlsOf(load(removed), target).includes(control), 'the control was removed');
  assert.equal(removed, text);
}

/** Removes a control that is there: it is gone, comments stay, and only `lines` changed. */
function removal(text: string, target: EditTarget, control: string, lines: { removed: string[]; added: string[] }): string {
  assert.ok(controlsOf(load(text), target).includes(control));
  const out = edited(text, { op: 'remove-control', target, control });
  assert.ok(!controlsOf(load(out), target).includes(control));
  assert.deepEqual(changed(text, out), lines);
  for (const line of commentLines(text)) assert.ok(out.includes(line), `comment line lost: ${line}`);
  return out;
}

describe('applyModelEdit on the e-commerce example', () => {
  it('adds to and removes from a flow-style list of a block element', () => {
    roundTrip(SHOP, { element: 'api' }, 'rate-limiting', {
      removed: ['    controls: [parameterized-queries, audit-logging, timeouts, input-validation, csrf-protection, object-level-authorization, pagination, secrets-management]'],
      added: ['    controls: [parameterized-queries, audit-logging, timeouts, input-validation, csrf-protection, object-level-authorization, pagination, secrets-management, rate-limiting]'],
    });
    removal(SHOP, { element: 'api' }, 'timeouts', {
      removed: ['    controls: [parameterized-queries, audit-logging, timeouts, input-validation, csrf-protection, object-level-authorization, pagination, secrets-management]'],
      added: ['    controls: [parameterized-queries, audit-logging, input-validation, csrf-protection, object-level-authorization, pagination, secrets-management]'],
    });
  });

  it('creates a block-style list on a block element without controls', () => {
    roundTrip(SHOP, { element: 'lb' }, 'waf', { removed: [], added: ['    controls:', '      - waf'] });
  });

  it('edits boundaries written as flow maps', () => {
    roundTrip(SHOP, { boundary: 'dmz' }, 'ip-allowlist', {
      removed: ['  dmz:      { name: DMZ, trust: dmz, kind: network }'],
      added: ['  dmz:      { name: DMZ, trust: dmz, kind: network, controls: [ip-allowlist] }'],
    });
    // The last control goes with its key.
    removal(SHOP, { boundary: 'edge' }, 'waf', {
      removed: ['  edge:     { name: CDN edge, trust: dmz, kind: network, controls: [waf] }'],
      added: ['  edge:     { name: CDN edge, trust: dmz, kind: network }'],
    });
  });

  it('edits endpoints, keeping their trailing comments', () => {
    roundTrip(SHOP, { endpoint: 'api:/search' }, 'rate-limiting', {
      removed: ['      /search:   { public: true, returns: [catalog] }       # no rate limiting'],
      added: ['      /search:   { public: true, returns: [catalog], controls: [rate-limiting] }       # no rate limiting'],
    });
    roundTrip(SHOP, { endpoint: 'api:POST /cart' }, 'server-side-validation', {
      removed: ['      POST /cart:     { accepts: [prices, orders] }          # the client posts line prices'],
      added: ['      POST /cart:     { accepts: [prices, orders], controls: [server-side-validation] }          # the client posts line prices'],
    });
    removal(SHOP, { endpoint: 'api:/login' }, 'mfa', {
      removed: ['      /login:    { public: true, controls: [rate-limiting, mfa, generic-responses] }'],
      added: ['      /login:    { public: true, controls: [rate-limiting, generic-responses] }'],
    });
  });

  it('edits flows written `- a -> b: { ... }`', () => {
    roundTrip(SHOP, { flow: 'lb->api' }, 'ip-allowlist', {
      removed: ['  - lb -> api: { protocol: http, data: [pii, prices] }          # TLS ends at the load balancer'],
      added: ['  - lb -> api: { protocol: http, data: [pii, prices], controls: [ip-allowlist] }          # TLS ends at the load balancer'],
    });
  });
});

describe('applyModelEdit on a block-style model', () => {
  it('adds to and removes from a block list, keeping its comments', () => {
    roundTrip(BLOCK, { element: 'api' }, 'audit-logging', { removed: [], added: ['      - audit-logging'] });
    removal(BLOCK, { element: 'api' }, 'waf', { removed: ['      - waf            # the edge WAF'], added: [] });
  });

  it('leaves `[]` where removing the key would take a comment with it', () => {
    const once = removal(BLOCK, { element: 'api' }, 'rate-limiting', { removed: ['      - rate-limiting'], added: [] });
    removal(once, { element: 'api' }, 'waf', { removed: ['      - waf            # the edge WAF'], added: ['      []            # the edge WAF'] });
  });

  it('edits flow-style elements and endpoints in their style', () => {
    roundTrip(BLOCK, { element: 'worker' }, 'least-privilege', {
      removed: ['  worker: { tech: node }   # a flow-style element'],
      added: ['  worker: { tech: node, controls: [least-privilege] }   # a flow-style element'],
    });
    const added = edited(BLOCK, { op: 'add-control', target: { endpoint: 'api:/search' }, control: 'rate-limiting' });
    assert.deepEqual(changed(BLOCK, added), { removed: ['      /search:'], added: ['      /search: { controls: [rate-limiting] }'] });
    assert.deepEqual(controlsOf(load(added), { endpoint: 'api:/search' }), ['rate-limiting']);
    roundTrip(BLOCK, { endpoint: 'api:/login' }, 'mfa', { removed: [], added: ['        controls:', '          - mfa'] });
  });

  it('edits each form of flow', () => {
    const shorthand = edited(BLOCK, { op: 'add-control', target: { flow: 'api->db' }, control: 'vpn' });
    assert.deepEqual(changed(BLOCK, shorthand), {
      removed: ['  - api -> db: postgres+tls   # no details yet'],
      added: ['  - api -> db: { protocol: postgres+tls, controls: [vpn] }   # no details yet'],
    });
    assert.equal(load(shorthand).flows.find((f) => f.id === 'api->db')!.protocol, 'postgres+tls');
    roundTrip(BLOCK, { flow: 'worker->db' }, 'ip-allowlist', { removed: [], added: ['        - ip-allowlist'] });
    // The last control of a block map goes with its key.
    removal(BLOCK, { flow: 'worker->db' }, 'vpn', { removed: ['      controls:', '        - vpn'], added: [] });
    // The full form, by its own id; the new key goes after the last value, before the comment that ends the file.
    roundTrip(BLOCK, { flow: 'db-reply' }, 'vpn', { removed: [], added: ['    controls:', '      - vpn'] });
  });

  it('removes every occurrence of a control listed twice', () => {
    const twice = BLOCK.replace('      - rate-limiting\n', '      - rate-limiting\n      - waf\n');
    const out = removal(twice, { element: 'api' }, 'waf', { removed: ['      - waf            # the edge WAF', '      - rate-limiting', '      - waf'], added: ['      - rate-limiting'] });
    assert.ok(out.includes('# at the edge'));
  });
});

describe('applyModelEdit, other texts', () => {
  it('writes JSON into a JSON model', () => {
    const json = JSON.stringify({ threatmap: 1, system: { name: 'J' }, elements: { api: { tech: 'node' }, db: { tech: 'postgres', controls: ['backups'] } } }, null, 2);
    const out = edited(json, { op: 'add-control', target: { element: 'api' }, control: 'waf' });
    assert.deepEqual(JSON.parse(out).elements.api.controls, ['waf']);
    const more = edited(out, { op: 'add-control', target: { element: 'db' }, control: 'x-custom' });
    assert.deepEqual(JSON.parse(more).elements.db.controls, ['backups', 'x-custom']);
    assert.deepEqual(JSON.parse(edited(more, { op: 'remove-control', target: { element: 'db' }, control: 'backups' })).elements.db.controls, ['x-custom']);
  });

  it('keeps Windows line endings', () => {
    const crlf = 'threatmap: 1\r\nsystem: { name: W }\r\nelements:\r\n  api:\r\n    tech: node\r\n';
    const out = edited(crlf, { op: 'add-control', target: { element: 'api' }, control: 'waf' });
    assert.equal(out, `${crlf}    controls:\r\n      - waf\r\n`);
    assert.deepEqual(load(out).elements[0].controls, ['waf']);
  });

  it('refuses a control name that is no name (plain YAML would read it as two)', () => {
    assert.deepEqual(applyModelEdit(BLOCK, { op: 'add-control', target: { element: 'worker' }, control: 'x-a, b' }),
      { error: 'unknown control `x-a, b`: name one of the catalogue\'s, or one of your own as `x-...`' });
  });

  it('leaves the text as it is for a control already there, or one to remove that is not', () => {
    assert.equal(edited(SHOP, { op: 'add-control', target: { element: 'api' }, control: 'timeouts' }), SHOP);
    assert.equal(edited(SHOP, { op: 'remove-control', target: { element: 'lb' }, control: 'waf' }), SHOP);
    assert.equal(edited(SHOP, { op: 'remove-control', target: { element: 'api' }, control: 'waf' }), SHOP);
  });

  it('says which target is missing', () => {
    const error = (target: EditTarget) => applyModelEdit(SHOP, { op: 'add-control', target, control: 'waf' });
    assert.deepEqual(error({ element: 'nope' }), { error: 'no element `nope` in the model' });
    assert.deepEqual(error({ boundary: 'api' }), { error: 'no boundary `api` in the model' });
    assert.deepEqual(error({ flow: 'api->lb' }), { error: 'no flow `api->lb` in the model' });
    assert.deepEqual(error({ endpoint: 'api:/nope' }), { error: 'no endpoint `api:/nope` in the model' });
    assert.deepEqual(error({ endpoint: 'db:/search' }), { error: 'no endpoint `db:/search` in the model' });
  });

  it('answers a text that does not parse with a message, not an exception', () => {
    const out = applyModelEdit('elements:\n  api: { tech: node\n', { op: 'add-control', target: { element: 'api' }, control: 'waf' });
    assert.ok('error' in out);
    assert.match(out.error, /^the model does not parse \(line \d+, column \d+\): /);
    assert.ok('error' in applyModelEdit(SHOP, { op: 'add-control', target: { element: 'api' }, control: ' ' }));
  });

  it('fills a null value, written or not', () => {
    for (const [from, to] of [['  worker: ~\n', '  worker: { controls: [waf] }\n'], ['  worker:   # later\n', '  worker: { controls: [waf] }   # later\n']]) {
      const text = `threatmap: 1\nsystem: { name: N }\nelements:\n  api: { tech: node, controls: null }\n${from}`;
      assert.equal(edited(text, { op: 'add-control', target: { element: 'worker' }, control: 'waf' }), text.replace(from, to));
      assert.equal(edited(text, { op: 'add-control', target: { element: 'api' }, control: 'waf' }), text.replace('controls: null', 'controls: [waf]'));
    }
  });

  it('refuses an entry that is not a map', () => {
    assert.deepEqual(applyModelEdit('elements:\n  api: node\n', { op: 'add-control', target: { element: 'api' }, control: 'waf' }),
      { error: 'element `api` is not written as a map; add its controls in the text' });
  });

  it('adds only controls the model knows, the catalogue\'s or one\'s own `x-`, and still removes one it does not', () => {
    const text = 'threatmap: 1\nsystem: { name: N }\nelements:\n  api: { tech: node, controls: [rate-limit] }\n';
    const add = (control: string) => applyModelEdit(text, { op: 'add-control', target: { element: 'api' }, control });
    assert.deepEqual(add('rate-limting'), { error: 'unknown control `rate-limting` (did you mean `rate-limiting`?): name one of the catalogue\'s, or one of your own as `x-...`' });
    const tls = add('tls');
    assert.ok('error' in tls);
    assert.match(tls.error, /^unknown control `tls` \(TLS is the flow's protocol/);
    assert.equal(edited(text, { op: 'add-control', target: { element: 'api' }, control: 'x-pen-tested' }), text.replace('[rate-limit]', '[rate-limit, x-pen-tested]'));
    assert.equal(edited(text, { op: 'remove-control', target: { element: 'api' }, control: 'rate-limit' }), text.replace(', controls: [rate-limit]', ''));
  });
});

describe('applyModelEdit on controls shared through an anchor', () => {
  const SHARED = 'threatmap: 1\nsystem: { name: A }\nelements:\n  api: { tech: node, controls: &c [rate-limiting] }\n  db: { tech: postgres, controls: *c }\n';
  const controls = (text: string, id: string) => load(text).elements.find((e) => e.id === id)!.controls;

  it('adds to an anchored list for its element only: the alias keeps the list as it was, the anchor moved to it', () => {
    const out = edited(SHARED, { op: 'add-control', target: { element: 'api' }, control: 'waf' });
    assert.equal(out, SHARED.replace('controls: &c [rate-limiting] }', 'controls: [rate-limiting, waf] }').replace('controls: *c }', 'controls: &c [rate-limiting] }'));
    assert.deepEqual([controls(out, 'api'), controls(out, 'db')], [['rate-limiting', 'waf'], ['rate-limiting']]);
    // Taken out again, the model reads as it did, but the text is not the input's: the anchor stays where it
    // moved. The one exception to "add then remove gives back the same bytes", chosen: the removal cannot tell
    // a list detached by an earlier edit from one written so by hand (an anchor on a later, equal list), and
    // moving the anchor back would rewrite a line the removal does not need to touch. The page never removes
    // a control to undo one: its Ctrl+Z gives back the editor's text as it was.
    const back = edited(out, { op: 'remove-control', target: { element: 'api' }, control: 'waf' });
    assert.equal(back, SHARED.replace('controls: &c [rate-limiting] }', 'controls: [rate-limiting] }').replace('controls: *c }', 'controls: &c [rate-limiting] }'));
    assert.deepEqual([controls(back, 'api'), controls(back, 'db')], [['rate-limiting'], ['rate-limiting']]);
  });

  it('gives back the same bytes when nothing else reads the anchored list: no anchor moves', () => {
    const alone = 'threatmap: 1\nsystem: { name: A }\nelements:\n  api: { tech: node, controls: &c [rate-limiting] }\n  db: { tech: postgres }\n';
    const out = edited(alone, { op: 'add-control', target: { element: 'api' }, control: 'waf' });
    assert.equal(out, alone.replace('&c [rate-limiting]', '&c [rate-limiting, waf]'));
    assert.equal(edited(out, { op: 'remove-control', target: { element: 'api' }, control: 'waf' }), alone);
  });

  it('adds to an element whose controls are an alias by writing its own list, the anchored one unchanged', () => {
    const out = edited(SHARED, { op: 'add-control', target: { element: 'db' }, control: 'backups' });
    assert.equal(out, SHARED.replace('controls: *c }', 'controls: [rate-limiting, backups] }'));
    assert.deepEqual([controls(out, 'api'), controls(out, 'db')], [['rate-limiting'], ['rate-limiting', 'backups']]);
    // Already there through the alias: nothing to write.
    assert.equal(edited(SHARED, { op: 'add-control', target: { element: 'db' }, control: 'rate-limiting' }), SHARED);
  });

  it('removes from an alias or an anchored list for that element only', () => {
    // The last control goes with its `controls` entry, as an unshared one does.
    assert.equal(edited(SHARED, { op: 'remove-control', target: { element: 'db' }, control: 'rate-limiting' }), SHARED.replace(', controls: *c }', ' }'));
    const api = edited(SHARED, { op: 'remove-control', target: { element: 'api' }, control: 'rate-limiting' });
    assert.equal(api, SHARED.replace(', controls: &c [rate-limiting] }', ' }').replace('controls: *c }', 'controls: &c [rate-limiting] }'));
    assert.deepEqual([controls(api, 'api'), controls(api, 'db')], [[], ['rate-limiting']]);
  });

  it('writes out a block alias with its comment, and a shared block list moves with its anchor', () => {
    const text = 'threatmap: 1\nsystem: { name: B }\nboundaries:\n  app:\n    trust: internal\n    controls: &std [audit-logging, generic-errors]   # anchor\n'
      + 'elements:\n  web:\n    tech: nginx\n    in: app\n    controls: *std   # alias\n';
    assert.equal(edited(text, { op: 'add-control', target: { element: 'web' }, control: 'waf' }),
      text.replace('controls: *std   # alias', 'controls: [audit-logging, generic-errors, waf]   # alias'));
    assert.equal(edited(text, { op: 'add-control', target: { boundary: 'app' }, control: 'waf' }), text
      .replace('controls: &std [audit-logging, generic-errors]   # anchor', 'controls: [audit-logging, generic-errors, waf]   # anchor')
      .replace('controls: *std   # alias', 'controls: &std [audit-logging, generic-errors]   # alias'));
  });

  it('refuses an alias of something that is not a list, and a result that would not read as asked', () => {
    const scalar = 'threatmap: 1\nsystem: { name: S, description: &d waf }\nelements:\n  api: { tech: node, controls: *d }\n';
    assert.deepEqual(applyModelEdit(scalar, { op: 'add-control', target: { element: 'api' }, control: 'hsts' }), { error: 'the controls of element `api` are not written as a list' });
    // A YAML 1.1 merge gives `db` its controls: a list of its own would hide the merged one, so the check refuses.
    const merged = '%YAML 1.1\n---\nthreatmap: 1\nsystem: { name: M }\nelements:\n  api: &base { tech: node, controls: [waf] }\n  db: { <<: *base, tech: postgres }\n';
    for (const op of ['add-control', 'remove-control'] as const) {
      assert.deepEqual(applyModelEdit(merged, { op, target: { element: 'db' }, control: op === 'add-control' ? 'backups' : 'waf' }),
        { error: 'the edit would change more of the model than asked; please report this' });
    }
  });
});

describe('applyModelEdit on a JSON model laid out by JSON.stringify', () => {
  const JSON_MODEL = `${JSON.stringify({ threatmap: 1, system: { name: 'J' }, elements: { api: { tech: 'node' }, db: { tech: 'postgres', controls: ['backups'] } } }, null, 2)}\n`;

  it('writes a new `controls` on a line of its own at the object\'s indentation, and a new control likewise; removing gives the file back', () => {
    const added = edited(JSON_MODEL, { op: 'add-control', target: { element: 'api' }, control: 'waf' });
    assert.equal(added, JSON_MODEL.replace('      "tech": "node"\n', '      "tech": "node",\n      "controls": ["waf"]\n'));
    assert.equal(edited(added, { op: 'remove-control', target: { element: 'api' }, control: 'waf' }), JSON_MODEL);
    const more = edited(JSON_MODEL, { op: 'add-control', target: { element: 'db' }, control: 'x-audit' });
    assert.equal(more, JSON_MODEL.replace('        "backups"\n', '        "backups",\n        "x-audit"\n'));
    assert.equal(edited(more, { op: 'remove-control', target: { element: 'db' }, control: 'x-audit' }), JSON_MODEL);
  });

  it('keeps an object written on one line on one line', () => {
    const compact = '{\n  "threatmap": 1,\n  "system": {"name": "C"},\n  "elements": {\n    "api": {"tech": "node"}\n  }\n}\n';
    const out = edited(compact, { op: 'add-control', target: { element: 'api' }, control: 'waf' });
    assert.equal(out, compact.replace('{"tech": "node"}', '{"tech": "node", "controls": ["waf"]}'));
    assert.equal(edited(out, { op: 'remove-control', target: { element: 'api' }, control: 'waf' }), compact);
  });
});

describe('applyModelEdit on controls in a file that mixes CRLF and LF', () => {
  const MIXED = 'threatmap: 1\r\nsystem: { name: M }\r\nelements:\r\n  api:\r\n    tech: node\r\n  db:\n    tech: postgres\n    controls:\n      - backups\n';

  it('writes a new list, or a new item, with the line ending of the lines around it; the rest keep theirs; removing gives the file back', () => {
    const api = edited(MIXED, { op: 'add-control', target: { element: 'api' }, control: 'waf' });
    assert.equal(api, MIXED.replace('    tech: node\r\n', '    tech: node\r\n    controls:\r\n      - waf\r\n'));
    assert.equal(edited(api, { op: 'remove-control', target: { element: 'api' }, control: 'waf' }), MIXED);
    const db = edited(MIXED, { op: 'add-control', target: { element: 'db' }, control: 'encryption-at-rest' });
    assert.equal(db, `${MIXED}      - encryption-at-rest\n`);
    assert.equal(edited(db, { op: 'remove-control', target: { element: 'db' }, control: 'encryption-at-rest' }), MIXED);
  });
});
