// What a first-time user reads for the mistakes people make writing a model by hand: the right suggestion
// (never a less secure one), a synonym where spelling finds nothing, no silent acceptance, and no
// YAML-library jargon or cascades of follow-on errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseModelText } from '../../src/model/parse.js';
import type { Diagnostic } from '../../src/model/types.js';
import { validateModel } from '../../src/model/validate.js';
import { brief } from './helpers.js';

function check(text: string) {
  const parsed = parseModelText(text, 'model.yaml');
  assert.deepEqual(parsed.diagnostics, [], 'the test model must parse');
  return validateModel(parsed.raw, parsed.source).diagnostics;
}

/** A small valid model; `elements` and `rest` are YAML lines. */
const model = (elements: string[], rest: string[] = []) => [
  'threatmap: 1',
  'system: { name: t }',
  'boundaries:',
  '  app: { trust: internal }',
  'assets:',
  '  pii: { classification: confidential }',
  'elements:',
  '  web: { type: api, in: app }',
  '  cache: { tech: redis, in: app }',
  ...elements,
  ...rest,
].join('\n') + '\n';

/** The only diagnostic, as `line:col message | hint`. */
function only(list: Diagnostic[]): string {
  assert.equal(list.length, 1, brief(list).join('\n'));
  const d = list[0];
  return `${d.line}:${d.col} ${d.message} | ${d.hint ?? ''}`;
}

const hintFor = (list: Diagnostic[]): string | undefined => {
  assert.equal(list.length, 1, brief(list).join('\n'));
  return list[0].hint;
};

describe('protocol suggestions', () => {
  const flow = (protocol: string) => check(model([], ['flows:', `  - web -> cache: ${protocol}`]));

  it('keep what was typed and never drop to cleartext', () => {
    assert.equal(only(flow('rediss-tls')), '11:5 unknown protocol `rediss-tls` | did you mean `rediss`?');
    assert.equal(hintFor(flow('redis-tls')), 'did you mean `rediss`?');
    assert.equal(hintFor(flow('postgres-ssl')), 'did you mean `postgres+tls`?');
    assert.equal(hintFor(flow('postgresql')), 'did you mean `postgres+tls` or `postgres`?');
    assert.equal(hintFor(flow('HTTPS')), 'did you mean `https`?');
  });

  it('split a port off the protocol', () => {
    assert.equal(only(flow('https:443')), '11:5 unknown protocol `https:443` | the port goes in a key of its own: `{ protocol: https, port: 443 }`');
    assert.equal(hintFor(flow('postgresql:5432')), 'the port goes in a key of its own: `{ protocol: postgres+tls, port: 5432 }`');
    assert.equal(hintFor(flow('"https://api.example.com"')), 'a protocol is written without `://` and the address: did you mean `https`?');
  });

  it('still name a cleartext protocol when it is the closer one', () => {
    assert.equal(hintFor(flow('htp')), 'did you mean `http`?');
    assert.equal(hintFor(flow('reds')), 'did you mean `redis`?');
  });
});

describe('synonyms where spelling finds nothing', () => {
  it('for values', () => {
    const hints = (lines: string[]) => check(model(lines)).map((d) => `${d.message} | ${d.hint ?? ''}`);
    assert.deepEqual(hints(['  batch: { kind: datastore }']), ['unknown kind `datastore` | did you mean `store`?']);
    assert.deepEqual(hints(['  api: { kind: process, endpoints: { /files: { kind: file-upload } } }']),
      ['unknown kind `file-upload` | did you mean `upload`?']);
    assert.deepEqual(hints(['  api: { kind: process, auth: sso }']), ['unknown authentication method `sso` | did you mean `oidc` or `saml`?']);
    const assets = check(model([]).replace('pii: { classification: confidential }', 'pii: { classification: secret }\n  notes: { classification: private }'));
    assert.deepEqual(assets.map((d) => d.hint), ['did you mean `restricted`?', 'did you mean `confidential`?']);
    const trust = check(model([]).replace('app: { trust: internal }', 'app: { trust: semi-trusted }'));
    assert.equal(hintFor(trust), 'did you mean `dmz`?');
    const stride = check(model([], ['threats:', '  leak: { title: Leak, stride: info-disclosure }']));
    assert.equal(only(stride), '11:24 unknown STRIDE category `info-disclosure` | did you mean `information-disclosure`?');
  });

  it('for controls, with a sentence for TLS, which is no control', () => {
    const list = check(model(['  api: { kind: process, controls: [rbac, logging, firewall, antivirus, secrets-vault, tls, encryption-in-transit, encrypted, sast] }']));
    assert.deepEqual(list.map((d) => `${d.message} | ${d.hint ?? ''}`), [
      'unknown control `rbac` | did you mean `authorization`?',
      'unknown control `logging` | did you mean `audit-logging`?',
      'unknown control `firewall` | did you mean `ip-allowlist` or `waf`?',
      'unknown control `antivirus` | did you mean `malware-scanning`?',
      'unknown control `secrets-vault` | did you mean `secrets-management`?',
      'unknown control `tls` | TLS is the flow\'s protocol (`https`, `rediss`, `postgres+tls`...) or `encrypted: true` on the flow, not a control',
      'unknown control `encryption-in-transit` | TLS is the flow\'s protocol (`https`, `rediss`, `postgres+tls`...) or `encrypted: true` on the flow, not a control',
      'unknown control `encrypted` | did you mean `encryption-at-rest`?',
      'unknown control `sast` | ',
    ]);
    // On a flow, `encrypted` is about transit.
    const onFlow = check(model([], ['flows:', '  - web -> cache: { protocol: redis, controls: [encrypted] }']));
    assert.match(hintFor(onFlow) ?? '', /^TLS is the flow's protocol/);
  });

  it('for keys', () => {
    const keys = (line: string) => check(model([line])).map((d) => `${d.message} | ${d.hint ?? ''}`);
    assert.deepEqual(keys('  batch: { type: worker, boundary: app }'), ['unknown key `boundary` in `elements.batch` | did you mean `in`?']);
    assert.deepEqual(keys('  batch: { type: worker, zone: app }'), ['unknown key `zone` in `elements.batch` | did you mean `in`?']);
    assert.deepEqual(keys('  batch: { type: worker, trust-boundary: app }'), ['unknown key `trust-boundary` in `elements.batch` | did you mean `in`?']);
    assert.deepEqual(keys('  batch: { type: worker, data: [pii] }'), ['unknown key `data` in `elements.batch` | did you mean `handles` or `stores`?']);
    // The same word on an endpoint names the endpoint's own fields.
    assert.deepEqual(keys('  api: { kind: process, endpoints: { /x: { data: [pii] } } }'),
      ['unknown key `data` in `elements.api.endpoints["/x"]` | did you mean `accepts` or `returns`?']);
    assert.deepEqual(keys('  batch: { type: worker, contrls: [] }'), ['unknown key `contrls` in `elements.batch` | did you mean `controls`?']);
  });

  it('for `tls:` on a flow, naming the TLS form of its protocol', () => {
    const tls = (details: string) => hintFor(check(model([], ['flows:', `  - web -> cache: { ${details}, tls: true }`])));
    assert.equal(tls('protocol: redis'), 'use the TLS protocol: `protocol: rediss` (or write `encrypted: true`)');
    assert.equal(tls('protocol: https'), '`https` is encrypted already: remove the key');
    assert.equal(tls('protocol: udp'), 'write `encrypted: true`, or use a TLS protocol (`https`, `rediss`, `postgres+tls`...)');
  });
});

describe('HTTP methods of endpoints', () => {
  const endpoints = (keys: string) => check(model([`  api: { kind: process, endpoints: { ${keys} } }`]));

  it('refuses an unknown method, with the likely one', () => {
    assert.equal(only(endpoints('PSOT /uploads: {}')), '10:38 `PSOT` is not an HTTP method | did you mean `POST /uploads`?');
    assert.equal(only(endpoints('GET|PSOT /uploads: {}')), '10:38 `PSOT` is not an HTTP method | did you mean `GET|POST /uploads`?');
    assert.equal(only(endpoints('UPLOAD /uploads: {}')),
      '10:38 `UPLOAD` is not an HTTP method | `upload` is an endpoint kind: write `/uploads: { kind: upload }`');
    assert.equal(hintFor(endpoints('FOO /x: {}')), 'write the path alone (`/x`), or name the endpoint with `name:`');
  });

  it('refuses a method in lower case, which would be read as part of the path', () => {
    assert.equal(only(endpoints('post /uploads: {}')),
      '10:38 `post` in `post /uploads` is read as part of the path: methods are written in upper case | write `POST /uploads`');
    assert.equal(hintFor(endpoints('get|Post /items: {}')), 'write `GET|POST /items`');
  });

  it('checks `methods:` too, in any case', () => {
    assert.equal(only(endpoints('/uploads: { methods: [post, PSOT] }')), '10:66 `PSOT` is not an HTTP method | did you mean `POST`?');
  });

  it('accepts the real methods and keys that are names', () => {
    assert.deepEqual(endpoints('GET /a: {}, HEAD /b: {}, POST /c: {}, PUT /d: {}, PATCH /e: {}, DELETE /f: {}, OPTIONS /g: {}, TRACE /h: {}, CONNECT /i: {}'), []);
    assert.deepEqual(endpoints('GET|POST /a: {}, "GET, PUT /b": {}, /c: { methods: [get, Patch] }'), []);
    assert.deepEqual(endpoints('Login page: {}, get started: {}'), []);
  });
});

describe('follow-on errors', () => {
  it('a misspelt top-level section is reported once, not at every reference to it', () => {
    const text = model(['  api: { kind: process, handles: [pii, card] }']).replace('assets:', 'asset:');
    assert.deepEqual(check(text).map((d) => `${d.code} ${d.message} | ${d.hint ?? ''}`), [
      'unknown-key unknown key `asset` at the top level | did you mean `assets`?',
      'unknown-reference unknown asset `card` | ',
    ], 'references to its entries resolve; others are still reported');
  });

  it('an element field indented as an element is one message, pointing at the element above', () => {
    const text = model(['  api:', '    kind: process', '  endpoints:', '    /login: { public: true }']);
    assert.equal(only(check(text)),
      '12:3 `endpoints` looks like a field of the element above it, `api`, not an element | indent it under `api`, in line with its other fields');
    const first = 'threatmap: 1\nsystem: { name: t }\nelements:\n  tech: node\n  api: { kind: process }\n';
    assert.equal(only(check(first)), '4:3 `tech` looks like a field of an element, not an element | indent it under the element it belongs to');
  });

  it('an element may still be called like a field when it reads as an element', () => {
    assert.deepEqual(check(model(['  auth: { type: identity-provider, in: app }'])), []);
  });

  it('a flow whose details sit beside its arrow is one message', () => {
    const text = model([], ['flows:', '  - web -> cache:', '    protocol: rediss', '    auth: password']);
    assert.equal(only(check(text)),
      '11:5 the details of `web -> cache` (`protocol`, `auth`) sit beside it, not under it'
      + ' | indent `protocol`, `auth` two more spaces than `web -> cache`, or write `web -> cache: { protocol: ..., auth: ... }`');
    // Details under the arrow, and beside an arrow that has a value, keep their own messages.
    assert.deepEqual(check(model([], ['flows:', '  - web -> cache:', '      protocol: rediss'])), []);
    assert.match(only(check(model([], ['flows:', '  - web -> cache: rediss', '    port: 6379']))), /^12:5 `port` sits beside `web -> cache`/);
  });

  it('a flow both ways, or written backwards, is told how to write it', () => {
    const arrow = (key: string) => hintFor(check(model([], ['flows:', `  - ${key}: https`])));
    assert.equal(arrow('web <-> cache'), 'a flow goes one way: write two flows, `web -> cache` and `cache -> web`');
    assert.equal(arrow('web <- cache'), 'write the source first: `cache -> web`');
    assert.equal(arrow('web => cache'), 'write the arrow as `->` with an element on each side');
  });
});

describe('YAML mistakes in plain words', () => {
  const yamlErrors = (text: string) => parseModelText(text, 'model.yaml').diagnostics;

  it('a colon in an unquoted value', () => {
    assert.equal(only(yamlErrors('threatmap: 1\nsystem:\n  name: Billing: invoices\n')),
      '3:9 a `: ` inside the plain value `Billing: invoices` starts a map | quote the value: `name: "Billing: invoices"`');
    assert.equal(only(yamlErrors('flows:\n  - a -> b: protocol: https   # note\n')),
      '2:13 a `: ` inside the plain value `protocol: https` starts a map'
      + ' | write the flow\'s details in braces: `a -> b: { protocol: https }`, or quote the value: `a -> b: "protocol: https"`');
  });

  it('a key out of line with its map, at the key, naming the keys it is out of line with', () => {
    const text = 'elements:\n  api:\n    tech: node\n  handles: [pii]\n    endpoints: {}\n';
    assert.equal(only(yamlErrors(text)), '5:5 `endpoints` (column 5) is not lined up with the keys before it'
      + ' | keys of one map start at the same column: compare with `handles` (line 4, column 3)');
    // Indented too little for its map: the line above and the key yaml compares it with.
    const under = 'elements:\n  api:\n    tech: node\n    in: app\n   auth: jwt\n  db: {}\n';
    assert.equal(only(yamlErrors(under)), '5:4 `auth` (column 4) is not lined up with the keys before it'
      + ' | keys of one map start at the same column: compare with `in` (line 4, column 5) and `api` (line 2, column 3)');
  });

  it('a map entry after a list item at the same column', () => {
    const list = yamlErrors('api:\n  endpoints:\n    - POST /uploads\n    /login: {}\n    /items/{id}: {}\n');
    assert.deepEqual(list.map((d) => `${d.line}:${d.col} ${d.message}`), [
      '4:5 `/login` is a `key: value` entry at the column of the list item `- POST /uploads` (line 3)',
      '5:5 `/items/{id}` is a `key: value` entry at the column of the list item `- POST /uploads` (line 3)',
    ]);
    assert.equal(list[0].hint, 'a map\'s entries are all `key: value` and a list\'s all `- item`: write `POST /uploads:` as a key, or every entry as a list item');
  });

  it('a list item among a map\'s entries, at its `-`', () => {
    assert.equal(only(yamlErrors('flows:\n  a -> b: https\n  - x -> y: https\n')),
      '3:3 the list item `- x -> y: https` is among the `key: value` entries of a map (`a -> b`, line 2)'
      + ' | a map\'s entries are all `key: value` and a list\'s all `- item`: write line 2 as a list item too (`- a -> b: https`), or drop the `-`');
  });
});
