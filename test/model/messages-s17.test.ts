// Review s17 in the model's words: anchors and tags at the start of a key line, a `{ }` value one column short
// under its key (one message, not two), chained arrows in a flow key, and the triage file's JSON Schema agreeing
// with the triage reader.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { TRIAGE_SCHEMA_FILE, triageJsonSchema, triageSchemaText } from '../../scripts/emit-schema.js';
import { arrowHint, chainedArrowHint } from '../../src/model/flow-arrow.js';
import { parseModelText } from '../../src/model/parse.js';
import { parseTriage } from '../../src/track/triage.js';

/** Each diagnostic as `line:col severity message | hint`. */
const shown = (text: string): string[] =>
  parseModelText(text, 'm.yaml').diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.message}${d.hint ? ` | ${d.hint}` : ''}`);

const YAML_WORDS = /Implicit keys need to be on a single line|Implicit map keys|All mapping items/;

describe('YAML messages: an anchor or tag at the start of a key line', () => {
  it('an anchor alone on the line above a key: where it is, and how to write it', () => {
    assert.deepEqual(shown('threatmap: 1\nsystem:\n  name: x\n  &a\n  owner: y\n'), [
      '4:3 error the anchor `&a` is on a line of its own, so YAML reads it and `owner` (line 5) as one key over two lines'
      + ' | a model needs no anchors: remove line 4; to keep the anchor, write it on the key\'s line: `&a owner: y`',
    ]);
  });

  it('a tag alone on the line above a key: one error there (the tag warning of the line goes)', () => {
    assert.deepEqual(shown('threatmap: 1\nsystem:\n  name: x\n  !tag\n  owner: y\n'), [
      '4:3 error the tag `!tag` is on a line of its own, so YAML reads it and `owner` (line 5) as one key over two lines'
      + ' | a model needs no tags: remove line 4; to keep the tag, write it on the key\'s line: `!tag owner: y`',
    ]);
  });

  it('an anchor that runs into its key (`&aname: x`) swallows the key: said at the anchor, not at the value', () => {
    assert.deepEqual(shown('threatmap: 1\nsystem:\n  &aname: x\n  owner: y\n'), [
      '3:3 error `&aname:` is read as an anchor, `:` included, so line 3 has no key'
      + ' | a model needs no anchors: remove the `&` to make `aname` the key (`aname:`); to keep the anchor, end it with a space before the key (`&name aname:`)',
    ]);
    assert.deepEqual(shown('threatmap: 1\nflows:\n  - !tagfrom: a\n    to: b\n').map((d) => d.split(' | ')[0]), [
      '3:5 error `!tagfrom:` is read as a tag, `:` included, so line 3 has no key',
    ]);
  });

  it('a swallowed key over its value\'s lines: one message, not an alignment one and yaml\'s own words', () => {
    const found = shown('threatmap: 1\nelements:\n  api:\n    type: service\n  &adb:\n    type: database\n');
    assert.deepEqual(found.map((d) => d.split(' | ')[0]), ['5:3 error `&adb:` is read as an anchor, `:` included, so line 5 has no key']);
  });

  it('an anchor or tag with a space before its key is valid YAML, and a model with one loads (the tag is warned about)', () => {
    assert.deepEqual(shown('threatmap: 1\nsystem:\n  name: x\n  &a owner: y\n'), []);
    assert.deepEqual(shown('threatmap: 1\nsystem:\n  name: x\n  !tag owner: y\n'), [
      '4:3 warning the YAML tag `!tag` is ignored | remove it: a model needs no tags (quote a value that starts with `!`)',
    ]);
  });

  it('no yaml wording is left in any of these', () => {
    for (const text of [
      'threatmap: 1\nsystem:\n  name: x\n  &a !t\n  owner: y\n', 'threatmap: 1\nelements:\n  api:\n    type: service\n    &a\n    name: x\n',
      'threatmap: 1\nsystem:\n  name: x\n  &a: y\n',
    ]) {
      const found = shown(text);
      assert.equal(found.length, 1, found.join('\n'));
      assert.doesNotMatch(found[0], YAML_WORDS);
    }
  });
});

describe('YAML messages: a `{ }` or `[ ]` value one column short under its key', () => {
  it('one message, at the value, with the fix (no alignment message about the key above it)', () => {
    assert.deepEqual(shown('threatmap: 1\nelements:\n  api:\n    type: service\n    controls:\n   [a, b]\n'), [
      '6:4 error `[a, b]` is on the line below `controls` (line 5) but not indented under it, so it is not its value'
      + ' | indent it further than `controls`, or write it on the same line: `controls: [a, b]`',
    ]);
    assert.deepEqual(shown('threatmap: 1\nsystem:\n  name:\n {x: 1}\n').map((d) => d.split(' | ')[0]), [
      '4:2 error `{x: 1}` is on the line below `name` (line 3) but not indented under it, so it is not its value',
    ]);
  });

  it('under a flow of the list: the flow\'s key column counts, past its `- `', () => {
    assert.deepEqual(shown('threatmap: 1\nflows:\n  - api -> db:\n    { protocol: https }\n'), [
      '4:5 error `{ protocol: https }` is on the line below `api -> db` (line 3) but not indented under it, so it is not its value'
      + ' | indent it further than `api -> db`, or write it on the same line: `api -> db: { protocol: https }`',
    ]);
  });

  it('a key truly out of line is still reported as such', () => {
    const found = shown('threatmap: 1\nsystem:\n  name: x\n owner: y\n');
    assert.equal(found.length, 1, found.join('\n'));
    assert.doesNotMatch(found[0], /is on the line below/);
  });

  it('indented under its key, the value is read: no message', () => {
    assert.deepEqual(shown('threatmap: 1\nelements:\n  api:\n    type: service\n    controls:\n      [a, b]\n'), []);
  });
});

describe('flow keys with chained arrows', () => {
  it('`a<->b->c`: one flow per key, the keys to write named, the way back of `<->` too', () => {
    assert.equal(arrowHint('a<->b->c'), 'one flow per key: write `a -> b` and `b -> c` as keys of their own; `<->` is two flows, so also write `b -> a`');
    assert.equal(arrowHint('a -> b -> c'), 'one flow per key: write `a -> b` and `b -> c` as keys of their own');
    assert.equal(arrowHint('a->b<-c'), 'one flow per key: write `a -> b` and `c -> b` as keys of their own');
    assert.equal(arrowHint('web->api->db->cache'), 'one flow per key: write `web -> api`, `api -> db` and `db -> cache` as keys of their own');
  });

  it('one arrow is not a chain: the hints for one flow are unchanged', () => {
    assert.equal(chainedArrowHint('a <-> b'), undefined);
    assert.equal(chainedArrowHint('a->->b'), undefined);
    assert.equal(arrowHint('a<->b'), 'a flow goes one way: write two flows, `a -> b` and `b -> a`');
    assert.equal(arrowHint('a <- b'), 'write the source first: `b -> a`');
    assert.equal(arrowHint('a => b'), 'write the arrow as `->` with an element on each side');
  });
});

describe('the JSON Schema of triage files', () => {
  const schema = JSON.parse(readFileSync(TRIAGE_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
  const require = createRequire(import.meta.url);
  type Validate = ((d: unknown) => boolean) & { errors?: unknown };
  const Ajv2020 = require('ajv/dist/2020') as new (opts: object) => { compile(s: object): Validate };
  const addFormats = require('ajv-formats') as (ajv: object) => void;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  /** The schema's verdict and the reader's, on the same text (as an editor with the yaml language server reads it). */
  const both = (text: string): { schema: boolean; reader: boolean } => ({
    schema: validate(parseYaml(text)), reader: parseTriage(text, 't.triage.yaml').triage !== undefined,
  });
  const entry = (fields: string) => `threatmap-triage: 1\nthreats:\n  no-rate-limiting@api:/search:\n${fields}`;

  it('is the file `npm run schema` writes', () => {
    assert.equal(readFileSync(TRIAGE_SCHEMA_FILE, 'utf8'), triageSchemaText(), 'run `npm run schema` and commit the result');
    assert.deepEqual(schema, triageJsonSchema());
  });

  it('accepts the triage files of the test fixtures, as the reader does', () => {
    for (const file of ['test/fixtures/roundtrip/shop.triage.yaml', 'test/fixtures/roundtrip/tuned.triage.yaml']) {
      const text = readFileSync(file, 'utf8');
      assert.ok(validate(parseYaml(text)), `${file}: ${JSON.stringify(validate.errors)}`);
      assert.deepEqual(both(text), { schema: true, reader: true }, file);
    }
  });

  it('refuses a status that is not one, as the reader does', () => {
    assert.deepEqual(both(entry('    status: acepted\n    reason: x\n')), { schema: false, reader: false });
    assert.deepEqual(both(entry('    reason: no status\n')), { schema: false, reader: false });
    assert.deepEqual(both(entry('    status: accepted\n    reason: x\n')), { schema: true, reader: true });
  });

  it('refuses a date that is not a calendar day written YYYY-MM-DD, as the reader does', () => {
    for (const bad of ['2027-02-30', '2027-13-01', '31/01/2027', '2027-1-5']) {
      assert.deepEqual(both(entry(`    status: accepted\n    reason: x\n    expires: ${bad}\n`)), { schema: false, reader: false }, bad);
    }
    assert.deepEqual(both(entry('    status: accepted\n    reason: x\n    expires: 2028-02-29\n    review: 2027-06-01\n')), { schema: true, reader: true });
  });

  it('refuses a misspelt key and an id that is no threat id, as the reader does; takes any risk word\'s case', () => {
    assert.deepEqual(both(entry('    status: accepted\n    expries: 2027-01-31\n')), { schema: false, reader: false });
    assert.deepEqual(both('threatmap-triage: 1\nthreats:\n  T3:\n    status: open\n'), { schema: false, reader: false });
    assert.deepEqual(both('threatmap-triage: 1\nthreats:\n  tm-3F9A2C1B:\n    status: open\n    risk: high\n'), { schema: true, reader: true });
    assert.deepEqual(both(entry('    status: open\n    risk: severe\n')), { schema: false, reader: false });
    assert.deepEqual(both('threatmap-triage: 2\nthreats: {}\n'), { schema: false, reader: false });
  });
});
