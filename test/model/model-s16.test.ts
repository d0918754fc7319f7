// Left over from earlier reviews: an unspaced two-way arrow, the `yaml` library's remaining wording, the
// JSON Schema's HTTP methods, and a single-page app modelled as its browser.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { ShorthandFlow, fastParseYaml, fastPaths } from '../../src/model/fast-parse.js';
import { FLOW_ARROW, splitFlowArrow } from '../../src/model/flow-arrow.js';
import { loadModel } from '../../src/model/load.js';
import { parseModelText } from '../../src/model/parse.js';
import { HTTP_METHOD_PATTERN, HTTP_METHODS } from '../../src/model/schema.js';
import type { Diagnostic } from '../../src/model/types.js';
import { brief } from './helpers.js';

const HEAD = 'threatmap: 1\nsystem: { name: Shop }\n';
const ELEMENTS = `${HEAD}elements:\n  a: { type: api }\n  b: { type: database }\n`;

/** `line:col severity[code] message | hint` of every diagnostic. */
const shown = (list: readonly Diagnostic[]): string[] =>
  list.map((d) => `${d.line}:${d.col} ${d.severity}[${d.code}] ${d.message} | ${d.hint ?? ''}`);

/** Loads the text with the fast reader, then with the `yaml` library alone: both must say the same. */
function loadBoth(text: string, file = 'model.yaml'): string[] {
  const fast = shown(loadModel(text, file).diagnostics);
  fastPaths.enabled = false;
  try {
    assert.deepEqual(shown(loadModel(text, file).diagnostics), fast, 'the fast reader and the yaml library disagree');
  } finally {
    fastPaths.enabled = true;
  }
  return fast;
}

const byRegex = (key: string): [string, string] | undefined => {
  const m = FLOW_ARROW.exec(key);
  return m === null ? undefined : [m[1], m[2]];
};

describe('a two-way arrow written without spaces', () => {
  const flow = (key: string) => loadBoth(`${ELEMENTS}flows:\n  - ${key}: https\n`);
  const TWO_WAY = '7:5 error[invalid-flow] `KEY` is not a flow | a flow goes one way: write two flows, `a -> b` and `b -> a`';

  it('is refused like `a <-> b`, at the key, with the two flows to write', () => {
    for (const key of ['a <-> b', 'a<->b', 'a<-> b', 'a <->b']) {
      assert.deepEqual(flow(key), [TWO_WAY.replace('KEY', key)], key);
    }
  });

  it('is refused in a JSON model too, at the key', () => {
    const json = '{"threatmap": 1, "system": {"name": "S"}, "elements": {"a": {"type": "api"}, "b": {"type": "database"}},\n'
      + ' "flows": [{"a<->b": "https"}]}\n';
    assert.deepEqual(loadBoth(json, 'model.json'), [TWO_WAY.replace('7:5', '2:13').replace('KEY', 'a<->b')]);
  });

  it('is no flow from an element `a<`: no arrow is split, by the reader or the schema', () => {
    assert.equal(splitFlowArrow('a<->b'), undefined);
    assert.equal(FLOW_ARROW.test('a<->b'), false);
    const raw = fastParseYaml(`${ELEMENTS}flows:\n  - a<->b: https\n`, true)!.raw as { flows: unknown[] };
    assert.ok(!(raw.flows[0] instanceof ShorthandFlow));
  });

  it('one-way arrows keep working with or without spaces; `<-` gets the same hint either way', () => {
    const errors = (list: string[]) => list.filter((d) => d.includes(' error['));
    for (const key of ['a->b', 'a -> b', 'a-> b', 'a ->b']) assert.deepEqual(errors(flow(key)), [], key);
    for (const key of ['a<-b', 'a <- b']) {
      assert.deepEqual(flow(key), [`7:5 error[invalid-flow] \`${key}\` is not a flow | write the source first: \`b -> a\``]);
    }
  });

  it('splitFlowArrow still answers as FLOW_ARROW on every short key of arrows, `<`, words and spaces', () => {
    const parts = ['a', '<', '-', '>', '->', '<->', ' '];
    let checked = 0;
    const build = (prefix: string, left: number): void => {
      assert.deepEqual(splitFlowArrow(prefix), byRegex(prefix), JSON.stringify(prefix));
      checked++;
      if (left > 0) for (const p of parts) build(prefix + p, left - 1);
    };
    build('', 5);
    assert.ok(checked > 10000);
  });
});

// Each mistake as someone writing a model by hand might make it, the code the `yaml` library reports it
// with, and the text as the hint says to write it.
const T = HEAD;
const YAML_MISTAKES: ReadonlyArray<readonly [code: string, bad: string, fixed: string, said: string]> = [
  ['TAB_AS_INDENT', `${T}elements:\n  api:\n\ttype: api\n`, `${T}elements:\n  api:\n    type: api\n`,
    '5:1 error line 5 is indented with a tab | YAML indents with spaces only: replace the tab with spaces'],
  ['BAD_INDENT', `${T}elements:\n  api:\n    type: api\n   in: app\n`, `${T}elements:\n  api:\n    type: api\n    in: app\n`,
    '6:4 error `in` (column 4) is not lined up with the keys before it | keys of one map start at the same column: compare with `type` (line 5, column 5) and `api` (line 4, column 3)'],
  ['MISSING_CHAR', `${T}flows:\n  - from: a\n    to: b\n   protocol: https\n`, `${T}flows:\n  - from: a\n    to: b\n    protocol: https\n`,
    '6:4 error `protocol` (column 4) is not lined up with the keys before it | keys of one map start at the same column: compare with `to` (line 5, column 5)'],
  ['BAD_INDENT', `${T}flows:\n  - a -> b: https\n   - b -> c: https\n`, `${T}flows:\n  - a -> b: https\n  - b -> c: https\n`,
    '5:4 error the list item `- b -> c: https` (column 4) is not lined up with `- a -> b: https` (line 4, column 3) | the items of one list start at the same column, with their `-`'],
  ['BLOCK_AS_IMPLICIT_KEY', `${T}elements:\n  api:\n    description: Billing: invoices\n`, `${T}elements:\n  api:\n    description: "Billing: invoices"\n`,
    '5:18 error a `: ` inside the plain value `Billing: invoices` starts a map | quote the value: `description: "Billing: invoices"`'],
  ['BLOCK_AS_IMPLICIT_KEY', `${T}flows:\n  - from: a\n     to: b\n`, `${T}flows:\n  - from: a\n    to: b\n`,
    '5:6 error `to` (column 6) is indented further than `from` (line 4, column 5), so it reads as part of the value `a` | keys of one map start at the same column: line `to` up with `from` (or quote the value if the line goes on with it)'],
  ['BLOCK_AS_IMPLICIT_KEY', `${T}flows:\n  a -> b: https\n  - x -> y: https\n`, `${T}flows:\n  - a -> b: https\n  - x -> y: https\n`,
    '5:3 error the list item `- x -> y: https` is among the `key: value` entries of a map (`a -> b`, line 4) | a map\'s entries are all `key: value` and a list\'s all `- item`: write line 4 as a list item too (`- a -> b: https`), or drop the `-`'],
  ['MULTILINE_IMPLICIT_KEY', `${T}elements:\n  api\n    type: api\n`, `${T}elements:\n  api:\n    type: api\n`,
    '4:3 error `api` has no `:`, so it is not a `key: value` entry | a map entry is `key: value`: write `api:` followed by its value'],
  ['MULTILINE_IMPLICIT_KEY', `${T}elements:\n  api:\n    type:api\n    in: app\n`, `${T}elements:\n  api:\n    type: api\n    in: app\n`,
    '5:5 error `type:api` has no space after its `:`, so it is not a `key: value` entry | write `type: api`'],
  ['MULTILINE_IMPLICIT_KEY', `${T}elements:\n  api:\n    description: first line\n    second line\n    type: api\n`,
    `${T}elements:\n  api:\n    description: first line\n      second line\n    type: api\n`,
    '6:5 error `second line` has no `:`, so it is not a `key: value` entry | to go on with the value of `description` (line 5), indent this line further than `description` or quote the whole value; as a key, write `second: line`'],
  ['MULTILINE_IMPLICIT_KEY', `${T}elements:\n  api:\n    description: |\n  text\n    type: api\n`,
    `${T}elements:\n  api:\n    description: |\n      text\n    type: api\n`,
    '6:3 error `text` is not indented under `description` (line 5), so it reads as a key without a `:` | the text of a `|` or `>` value goes on the lines below its key, indented further than `description`'],
  ['MISSING_CHAR', `${T}elements:\n  api: { type: api }\n  db\n`, `${T}elements:\n  api: { type: api }\n  db:\n`,
    '5:3 error `db` has no `:`, so it is not a `key: value` entry | a map entry is `key: value`: write `db:` followed by its value'],
  ['MISSING_CHAR', `${T}elements:\n  api:\n  { type: api }\n`, `${T}elements:\n  api:\n    { type: api }\n`,
    '5:3 error `{ type: api }` is on the line below `api` (line 4) but not indented under it, so it is not its value | indent it further than `api`, or write it on the same line: `api: { type: api }`'],
  ['MISSING_CHAR', `${T}*elements:\n  api: {}\n`, `${T}elements:\n  api: {}\n`,
    '3:1 error a key cannot start with `*` unless it is quoted: YAML reads `*elements:` as something else | remove the `*`, or quote the key: `"*elements":`'],
  ['MULTILINE_IMPLICIT_KEY', `${T}"elements:\n  api: {}\n`, `${T}elements:\n  api: {}\n`,
    '3:1 error the `"` at the start of `"elements:` is not closed on its line, so the lines below are read into it | remove the `"`, or close it with `"` on the same line'],
  ['MISSING_CHAR', `${T}elements:\n  api:\n    name: "Billing API\n    type: api\n`, `${T}elements:\n  api:\n    name: "Billing API"\n    type: api\n`,
    '5:11 error the quoted value `"Billing API` has no closing `"` | end it with `"` on the same line: `name: "Billing API"`'],
  ['MISSING_CHAR', `${T}elements:\n  api:\n    name: "Billing\n    API"\n`, `${T}elements:\n  api:\n    name: "Billing\n      API"\n`,
    '5:11 error the quoted value `"Billing` has no closing `"` | quoted text that goes on over lines is indented further than `name` on every line'],
  ['BLOCK_IN_FLOW', `${T}elements:\n  api: { type: api, description: Billing: invoices }\n`, `${T}elements:\n  api: { type: api, description: "Billing: invoices" }\n`,
    '4:34 error a `: ` inside the value `Billing: invoices` starts a map, which cannot go inside `{ }` | quote the value: `description: "Billing: invoices"`'],
  ['BLOCK_IN_FLOW', `${T}elements:\n  api: { type: api in: app }\n`, `${T}elements:\n  api: { type: api, in: app }\n`,
    '4:16 error `in:` inside the value of `type` starts a map, which cannot go inside `{ }` | if `in` is the next entry, put a `,` before it: `type: api, in: app`; if it is part of the value, quote it: `type: "api in: app"`'],
  ['BAD_INDENT', `${T}elements:\n  api: { type: api, in: app\n  db: { type: database }\n`, `${T}elements:\n  api: { type: api, in: app }\n  db: { type: database }\n`,
    '4:8 error the `{` of `api` has no closing `}` | add `}` at its end: `api: { type: api, in: app }`'],
  ['BAD_INDENT', `${T}elements:\n  api:\n    controls: [waf,\n  tls]\n`, `${T}elements:\n  api:\n    controls: [waf,\n      tls]\n`,
    '6:3 error line 6 goes on with the `[ ]` list of line 5, but is not indented further than `controls` | indent it further than line 5 (past column 5), or write the list on one line'],
  ['BAD_INDENT', `${T}elements:\n  api: { type: api, controls: [waf, tls }\n`, `${T}elements:\n  api: { type: api, controls: [waf, tls] }\n`,
    '4:41 error this `}` closes the `[` of `controls` (line 4, column 31), which takes `]` | remove it if it is one too many, or write `]` in its place'],
  ['MISSING_CHAR', '{ threatmap: 1, system: { name: Shop }\n', '{ threatmap: 1, system: { name: Shop } }\n',
    '1:1 error the `{` has no closing `}` | add `}` at its end: `{ threatmap: 1, system: { name: Shop } }`'],
  ['UNEXPECTED_TOKEN', `${T}elements:\n  api: { type: api,, in: app }\n`, `${T}elements:\n  api: { type: api, in: app }\n`,
    '4:20 error a `,` with no entry before it | remove the extra `,`'],
  ['MISSING_CHAR', '{"threatmap": 1, "system": {"name": "S"}\n "elements": {}}\n', '{"threatmap": 1, "system": {"name": "S"},\n "elements": {}}\n',
    '2:2 error a `,` is missing before `"elements"` | inside `{ }` and `[ ]` entries are separated by commas, and a key from its value by `: `'],
  ['MISSING_CHAR', `${T}elements:\n  api: { type: api, endpoints: { GET /orders/{id}: {} } }\n`, `${T}elements:\n  api: { type: api, endpoints: { "GET /orders/{id}": {} } }\n`,
    '4:46 error `GET /orders/{id}` holds a `{`, which inside `{ }` or `[ ]` starts a new collection unless the text is quoted | quote it: `"GET /orders/{id}"`, or write the collection one entry a line'],
  ['MISSING_CHAR', `${T}elements:\n  api: { type: api, tags: [v1, beta[2]] }\n`, `${T}elements:\n  api: { type: api, tags: [v1, "beta[2]"] }\n`,
    '4:36 error `beta[2]` holds a `[`, which inside `{ }` or `[ ]` starts a new collection unless the text is quoted | quote it: `"beta[2]"`, or write the collection one entry a line'],
  ['UNEXPECTED_TOKEN', `${T}elements:\n  api: {type: api}}\n  db: {}\n`, `${T}elements:\n  api: {type: api}\n  db: {}\n`,
    '4:19 error a `}` with no `{` before it to close | remove it, or add the bracket it closes'],
  ['UNEXPECTED_TOKEN', ' # yaml-language-server: $schema=x\n threatmap: 1\nsystem: { name: Shop }\n', `# yaml-language-server: $schema=x\n${T}`,
    '3:1 error line 3 starts left of the model\'s first line (line 2, column 2), so the model ends above it | the top-level keys start at the same column: remove the spaces before line 2'],
  ['UNEXPECTED_TOKEN', `${T}elements:\n  api:\n    tags: - a\n`, `${T}elements:\n  api:\n    tags: [a]\n`,
    '5:11 error a list item `- a` cannot start on the line of its key `tags` | write `tags: [a]`, or put `- a` on the next line, indented further than `tags`'],
  ['UNEXPECTED_TOKEN', `${T}elements:\n  api:\n    description: | hello\n    type: api\n`, `${T}elements:\n  api:\n    description: |\n      hello\n    type: api\n`,
    '5:18 error `|` starts a value on the lines below it, so `hello` cannot follow it on its line | put `hello` on the next line, indented further than `description`, or drop the `|` for a one-line value'],
  ['UNEXPECTED_TOKEN', `${T}elements:\n  api:\n    name: 'it's mine'\n`, `${T}elements:\n  api:\n    name: 'it''s mine'\n`,
    '5:15 error `s` follows the closing quote of `\'it\'` | inside single quotes a quote is written twice: `name: \'it\'\'s mine\'`'],
  ['UNEXPECTED_TOKEN', `${T}elements:\n  api:\n    name: "say "hi""\n`, `${T}elements:\n  api:\n    name: "say \\"hi\\""\n`,
    '5:17 error `hi""` follows the closing quote of `"say "` | inside double quotes a quote is written `\\"`: `name: "say \\"hi\\""`'],
  ['UNEXPECTED_TOKEN', `${T}elements:\n  api:\n    name: "Billing" API\n`, `${T}elements:\n  api:\n    name: '"Billing" API'\n`,
    '5:21 error `API` follows the closing quote of `"Billing"` | quote the whole value: `name: \'"Billing" API\'`'],
  ['UNEXPECTED_TOKEN', `${T}elements:\n  api: { type: "api" in: app }\n`, `${T}elements:\n  api: { type: "api", in: app }\n`,
    '4:22 error a `,` is missing before `in:` | inside `{ }` and `[ ]` entries are separated by commas'],
  ['BAD_SCALAR_START', `${T}elements:\n  api: { type: api, owner: @team }\n`, `${T}elements:\n  api: { type: api, owner: "@team" }\n`,
    '4:28 error a value cannot start with `@` unless it is quoted | write `owner: "@team"`'],
  ['BAD_DQ_ESCAPE', `${T}elements:\n  api:\n    description: "C:\\Users\\x"\n`, `${T}elements:\n  api:\n    description: 'C:\\Users\\x'\n`,
    '5:21 error `\\U` is not an escape sequence inside double quotes | in single quotes a backslash is an ordinary character: `description: \'C:\\Users\\x\'`; or write each backslash as `\\\\`'],
  ['BAD_ALIAS', `${T}elements:\n  api: { type: api, description: * }\n`, `${T}elements:\n  api: { type: api, description: "*" }\n`,
    '4:34 error a `*` on its own starts an alias (a reference to a value named with `&`) | quote it if it is text: `"*"`'],
  ['BAD_ALIAS', `${T}elements:\n  api: &x: { type: api }\n`, `${T}elements:\n  api: &x { type: api }\n`,
    '4:8 warning the anchor `&x:` ends in `:`, which YAML reads as part of its name | if the `:` ends a key, put a space before it: `&x :`; else remove the `:`'],
  ['MISSING_CHAR', `${T}elements:\n  api: &x{ type: api }\n`, `${T}elements:\n  api: &x { type: api }\n`,
    '4:10 error `&x` needs a space before `{` | write `&x {`'],
  ['MISSING_CHAR', `${T}elements:\n  api: { type: api }# the api\n`, `${T}elements:\n  api: { type: api } # the api\n`,
    '4:21 error a `#` starts a comment only after a space | put a space before the `#`, or quote the value if the `#` is part of it'],
  ['KEY_OVER_1024_CHARS', `${T}elements:\n  ${'x'.repeat(1100)}: { type: api }\n`, `${T}elements:\n  x: { type: api, description: ${'x'.repeat(1100)} }\n`,
    '4:3 error a key longer than 1024 characters | keys are short ids: put long text under `name:` or `description:`'],
  ['MISSING_CHAR', '--- threatmap: 1\nsystem: { name: Shop }\n', `---\n${T}`,
    '1:5 error a map cannot start on the `---` line | move `threatmap: 1` to the next line'],
  ['MISSING_CHAR', `%YAML 1.2\n${T}`, T,
    '1:1 error `%YAML 1.2` is a YAML directive, which needs a `---` line after it | remove the line: a model needs no directives'],
  ['BAD_DIRECTIVE', `%YAML 1.3\n---\n${T}`, `---\n${T}`,
    '1:7 warning threatmap reads YAML 1.2, not YAML 1.3 | remove the `%YAML` line'],
  ['TAG_RESOLVE_FAILED', `${T}elements:\n  api: !secret { type: api }\n`, `${T}elements:\n  api: { type: api }\n`,
    '4:8 warning the YAML tag `!secret` is ignored | remove it: a model needs no tags (quote a value that starts with `!`)'],
  ['MULTIPLE_ANCHORS', `${T}elements:\n  api: &a &b { type: api }\n`, `${T}elements:\n  api: &a { type: api }\n`,
    '4:11 error a value has two `&` anchors; it may have one | remove one of them'],
  ['MULTIPLE_TAGS', `${T}elements:\n  api: !!map !!map { type: api }\n`, `${T}elements:\n  api: { type: api }\n`,
    '4:14 error a value has two `!` tags; it may have one | remove them: a model needs no tags'],
];

/** yaml's own phrasing: parser states and token names, which a person writing a model cannot act on. */
const YAML_WORDING = /\b(?:[Ii]mplicit|token|indicator|compact mappings?|[Bb]lock (?:collections?|sequence|scalar)|[Ff]low (?:map|sequence|collection)|must start at the same column|Unexpected|Missing closing|Tabs are not allowed|Plain value|Unresolved tag|directives-end)\b/;

describe('YAML mistakes in the words of someone writing a model', () => {
  const said = (text: string) => parseModelText(text, 'model.yaml').diagnostics
    .map((d) => `${d.line}:${d.col} ${d.severity} ${d.message} | ${d.hint ?? ''}`);

  it('every code of the yaml library a model file can hold is reported as such by yaml (the table stays true)', () => {
    for (const [code, bad] of YAML_MISTAKES) {
      const doc = parseDocument(bad, { uniqueKeys: false });
      assert.ok([...doc.errors, ...doc.warnings].some((e) => e.code === code), `${code}: ${JSON.stringify(bad.slice(0, 80))}`);
    }
    const codes = new Set(YAML_MISTAKES.map(([code]) => code));
    for (const code of ['TAB_AS_INDENT', 'BAD_INDENT', 'MISSING_CHAR', 'UNEXPECTED_TOKEN', 'BLOCK_AS_IMPLICIT_KEY', 'BLOCK_IN_FLOW',
      'MULTILINE_IMPLICIT_KEY', 'BAD_SCALAR_START', 'BAD_DQ_ESCAPE', 'BAD_ALIAS', 'KEY_OVER_1024_CHARS', 'BAD_DIRECTIVE',
      'TAG_RESOLVE_FAILED', 'MULTIPLE_ANCHORS', 'MULTIPLE_TAGS']) assert.ok(codes.has(code), code);
  });

  it('says what is wrong, where, and what to type, once per mistake', () => {
    for (const [code, bad, , expected] of YAML_MISTAKES) assert.deepEqual(said(bad), [expected], code);
  });

  it('never in yaml\'s own words', () => {
    for (const [code, bad] of YAML_MISTAKES) {
      for (const d of parseModelText(bad, 'model.yaml').diagnostics) {
        assert.doesNotMatch(`${d.message} ${d.hint ?? ''}`, YAML_WORDING, `${code}: ${d.message}`);
      }
    }
  });

  it('the text as each hint says to write it reads without a problem', () => {
    for (const [code, , fixed] of YAML_MISTAKES) assert.deepEqual(said(fixed), [], code);
  });

  it('one stray `}` is one error, not one per token after it', () => {
    const text = `${T}elements:\n  api: {type: api}}\n  db: { type: database }\n  cache: { tech: redis }\nflows:\n  - api -> db: postgres\n`;
    const doc = parseDocument(text);
    assert.ok(doc.errors.length > 5, 'yaml reports every token after it');
    assert.deepEqual(brief(parseModelText(text, 'model.yaml').diagnostics), ['error syntax-error@4:19']);
  });

  it('a map as a key is an error at it, not a console warning from yaml and a key `{ in: app }`', () => {
    const warnings: unknown[] = [];
    const listener = (w: unknown) => warnings.push(w);
    process.on('warning', listener);
    try {
      assert.deepEqual(said(`${T}elements:\n  api: { type: api, { in: app } }\n`), [
        '4:21 error a `{ }` stands where a key is expected | a key is a name, such as `api:`; inside `{ }` the entries are `key: value`, separated by commas: `{ type: api, in: app }`',
      ]);
    } finally {
      process.off('warning', listener);
    }
    assert.deepEqual(warnings, []);
    assert.deepEqual(said(`${T}elements:\n  api: { type: api, in: app }\n`), []);
  });

  it('separate mistakes on separate lines are each reported', () => {
    const text = `${T}elements:\n  api: { type: api,, in: app }\n  db:\n\ttype: database\n  web: { owner: @team }\n`;
    assert.deepEqual(brief(parseModelText(text, 'model.yaml').diagnostics),
      ['error syntax-error@4:20', 'error syntax-error@6:1', 'error syntax-error@7:17']);
  });
});

describe('the JSON Schema\'s HTTP methods', () => {
  const schema = JSON.parse(readFileSync('schema/threatmap.schema.json', 'utf8')) as Record<string, unknown>;
  const require = createRequire(import.meta.url);
  const Ajv2020 = require('ajv/dist/2020') as new (opts: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } };
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
  const model = (methods: string[]) => ({
    threatmap: 1, system: { name: 'S' }, elements: { api: { type: 'api', endpoints: { '/a': { methods } } } },
  });
  const load = (methods: string) => shown(loadModel(`${HEAD}elements:\n  api:\n    type: api\n    endpoints:\n      /a: { methods: [${methods}] }\n`, 'm.yaml').diagnostics);

  it('refuse `PSOT` in an editor as validation does', () => {
    assert.equal(validate(model(['PSOT'])), false);
    assert.equal(validate(model(['GET POST'])), false);
    assert.deepEqual(load('PSOT'), ['7:23 error[invalid-value] `PSOT` is not an HTTP method | did you mean `POST`?']);
    assert.deepEqual(load('"GET POST"'), ['7:23 error[invalid-value] `GET POST` is not an HTTP method | write one method per entry: `methods: [GET, POST]`']);
  });

  it('take every HTTP method in any case, in the editor and in validation alike', () => {
    assert.ok(validate(model([...HTTP_METHODS])), JSON.stringify(validate.errors));
    assert.ok(validate(model(['get', 'Post', 'pAtCh'])), JSON.stringify(validate.errors));
    assert.deepEqual(load('get, Post, pAtCh, DELETE').filter((d) => d.includes('error')), []);
    for (const m of HTTP_METHODS) assert.ok(HTTP_METHOD_PATTERN.test(m) && HTTP_METHOD_PATTERN.test(m.toLowerCase()), m);
  });

  it('the schema file says so, with the methods offered as completions', () => {
    const text = JSON.stringify(schema);
    assert.ok(text.includes(JSON.stringify(HTTP_METHOD_PATTERN.source)), 'the pattern is in the schema');
    assert.ok(!text.includes('"pattern":"^[A-Za-z]+$"'), 'no pattern takes any letters');
  });
});

describe('a single-page app modelled as `tech: browser`', () => {
  const warnings = (elements: string) => loadModel(`${HEAD}elements:\n${elements}  api: { type: api }\n`, 'm.yaml').diagnostics
    .filter((d) => d.code === 'app-as-browser')
    .map((d) => `${d.line}:${d.col} ${d.severity} ${d.message} | ${d.hint ?? ''}`);

  it('is a warning at its `tech`, naming the framework to write', () => {
    assert.deepEqual(warnings('  web: { name: React app, tech: browser }\n'), [
      '4:27 warning `React app` names a React app but its tech is `browser` | use `tech: react` for the app (the browser is the user\'s): the single-page-app rules, such as `dom-xss`, apply only then',
    ]);
    assert.deepEqual(warnings('  web: { name: Vue frontend, tech: Browser }\n  ng:\n    name: Angular dashboard\n    tech: browser\n  spa: { name: SPA, tech: browser }\n')
      .map((w) => w.split(' | ')[0]), [
      '4:30 warning `Vue frontend` names a Vue app but its tech is `browser`',
      '7:5 warning `Angular dashboard` names an Angular app but its tech is `browser`',
      '8:21 warning `SPA` names a single-page app but its tech is `browser`',
    ]);
    assert.match(warnings('  web: { tech: browser, description: Svelte single-page app for customers }\n')[0], /names a Svelte app.*tech: svelte/);
  });

  it('is not raised for a browser, several frameworks, React Native, or an app modelled as its own element', () => {
    assert.deepEqual(warnings('  web: { name: Browser, tech: browser, description: the customer\'s web browser }\n'), []);
    assert.deepEqual(warnings('  web: { name: React or Vue app, tech: browser }\n'), []);
    assert.deepEqual(warnings('  web: { name: React Native app, tech: browser }\n'), []);
    assert.deepEqual(warnings('  web: { name: Day spa booking, tech: browser }\n'), []);
    assert.deepEqual(warnings('  web: { name: React app, tech: react }\n'), []);
    assert.deepEqual(warnings('  app: { name: Storefront, tech: react }\n  web: { name: Browser running the React app, tech: browser }\n'), []);
  });
});
