// Session 18: a threat's concrete steps (tech-advice.ts) wherever its mitigation is shown: the grouped Threat
// Details, the punch list (Markdown and HTML), SARIF results and the CSV. Without a technology, no trace of them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import type { Log } from 'sarif';
import { stepSets } from '../../src/analysis/recommendations.js';
import type { AnalysisResult, Threat } from '../../src/analysis/types.js';
import { CSV_COLUMNS, renderCsv } from '../../src/render/csv.js';
import { renderHtml } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { buildSarif, renderSarif } from '../../src/render/sarif.js';
import { analyzeText } from '../helpers.js';

/** An ALB in front of a Node API, a Postgres database and two Redis stores, all in cleartext without auth. */
const SHOP = `threatmap: 1
system: { name: shop }
assets:
  orders: { name: Orders, type: business, classification: confidential, integrity: high }
boundaries:
  internet: { trust: untrusted }
  dmz: { trust: dmz }
  app: { trust: internal }
elements:
  visitor: { tech: browser, in: internet }
  lb: { tech: alb, in: dmz }
  api: { tech: node, in: app, handles: [orders] }
  db: { tech: postgres, in: app, stores: [orders] }
  cache: { tech: redis, in: app, stores: [orders] }
  sessions: { tech: redis, in: app, stores: [orders] }
flows:
  - visitor -> lb: http
  - lb -> api: http
  - api -> db: { protocol: postgres, data: [orders] }
  - api -> cache: { protocol: redis, data: [orders] }
  - api -> sessions: { protocol: redis, data: [orders] }
`;

/** The same system with no technology named: the analysis knows no steps. */
const PLAIN = SHOP.replace('tech: browser', 'type: user-agent').replace('tech: alb', 'type: load-balancer').replace('tech: node', 'type: api')
  .replace('tech: postgres', 'type: database').replace(/tech: redis/g, 'type: cache');

/** Only the two Redis stores: their threats share one set of steps. */
const REDIS_ONLY = SHOP.replace('  db: { tech: postgres, in: app, stores: [orders] }\n', '')
  .replace('  - api -> db: { protocol: postgres, data: [orders] }\n', '');

const REDIS_ACL = 'Redis/Valkey: ACL users with their own passwords';
const PG_AUTH = 'PostgreSQL: no `trust` lines in pg_hba.conf';

const shop = analyzeText(SHOP);
const plain = analyzeText(PLAIN);
const redis = analyzeText(REDIS_ONLY);

const threatOf = (r: AnalysisResult, key: string): Threat => {
  const t = r.threats.find((x) => x.key === key);
  assert.ok(t, `${key} among ${r.threats.map((x) => x.key).join(', ')}`);
  return t;
};

/** The lines of a Markdown report from the line that starts with `start` to the next blank line or item. */
function blockAfter(md: string, start: RegExp): string[] {
  const lines = md.split('\n');
  const at = lines.findIndex((l) => start.test(l));
  assert.ok(at >= 0, `no line matches ${start}`);
  const out: string[] = [];
  for (let i = at + 1; i < lines.length && lines[i].startsWith(' '); i++) out.push(lines[i]);
  return out;
}

describe('stepSets', () => {
  it('writes each step once, under the components it holds for', () => {
    const threat = (componentName: string, mitigationSteps?: string[]) => ({ componentName, mitigationSteps }) as Threat;
    const found = stepSets([threat('zone a', ['pg 1', 'pg 2', 'redis 1']), threat('zone b', ['redis 1']), threat('zone c', ['pg 1', 'pg 2', 'redis 1'])]);
    assert.deepEqual(found, { all: false, sets: [{ steps: ['pg 1', 'pg 2'], components: ['zone a', 'zone c'] }, { steps: ['redis 1'], components: ['zone a', 'zone b', 'zone c'] }] });
    assert.deepEqual(stepSets([threat('x', ['s']), threat('y', ['s']), threat('x', ['s'])]), { all: true, sets: [{ steps: ['s'], components: ['x', 'y'] }] });
    assert.equal(stepSets([threat('x', ['s']), threat('y')]).all, false, 'a threat without steps is not covered by them');
  });

  it('one set per group of components, with the components it is for; `all` only when every threat carries it', () => {
    const auth = shop.threats.filter((t) => t.ruleId === 'unauthenticated-store-access');
    const found = stepSets(auth);
    assert.equal(found.all, false);
    assert.deepEqual(found.sets.map((s) => s.components), [['cache', 'sessions'], ['db']]);
    assert.match(found.sets[0].steps[0], /^Redis\/Valkey: ACL users/);
    const shared = stepSets(redis.threats.filter((t) => t.ruleId === 'unauthenticated-store-access'));
    assert.equal(shared.all, true);
    assert.equal(shared.sets.length, 1);
  });

  it('finds none among threats without steps, and does not call a partial set shared', () => {
    assert.deepEqual(stepSets(plain.threats), { sets: [], all: false });
    const some = [threatOf(shop, 'unauthenticated-store-access@cache'), threatOf(shop, 'sql-injection@api')];
    assert.equal(stepSets(some).all, false);
    assert.deepEqual(stepSets(some).sets.map((s) => s.components), [['cache']]);
  });
});

describe('Markdown grouped Threat Details', () => {
  const md = renderMarkdown(shop, { details: 'grouped' });

  it('lists the steps of a rule once per set, under the components each is for', () => {
    const section = md.slice(md.indexOf('(`unauthenticated-store-access`)'));
    const head = section.slice(0, section.indexOf('| ID |'));
    assert.match(head, /- \*\*Steps:\*\*\n {2}- For cache and sessions:\n {4}- Redis\/Valkey: ACL users[^\n]*\n {4}- Keep `protected-mode yes`[^\n]*\n {2}- For db:\n {4}- PostgreSQL: no `trust` lines/);
  });

  it('puts steps every threat of the rule shares under the mitigation, unlabelled', () => {
    const grouped = renderMarkdown(redis, { details: 'grouped' });
    const section = grouped.slice(grouped.indexOf('(`unauthenticated-store-access`)'));
    const head = section.slice(0, section.indexOf('| ID |'));
    assert.match(head, /- \*\*Mitigation:\*\* [^\n]*\n {2}- Redis\/Valkey: ACL users[^\n]*\n {2}- Keep `protected-mode yes`/);
    assert.doesNotMatch(head, /Steps:|For cache/);
  });

  it('writes no steps, nor an empty heading, for a rule whose threats have none', () => {
    const section = md.slice(md.indexOf('(`sql-injection`)'));
    assert.doesNotMatch(section.slice(0, section.indexOf('| ID |')), /Steps|For /);
    const bare = renderMarkdown(plain, { details: 'grouped' });
    assert.doesNotMatch(bare, /\*\*Steps:\*\*|^ +- For /m);
    assert.doesNotMatch(bare, /Redis\/Valkey|PostgreSQL:/);
  });
});

describe('punch list', () => {
  it('Markdown: one list per distinct set of steps, nested under the entry', () => {
    const md = renderMarkdown(shop);
    assert.deepEqual(blockAfter(md, /^\d+\. \[High\] Require authentication for connections to cache, db and sessions/).map((l) => l.slice(0, 40)), [
      '   - For cache and sessions:',
      `     - ${REDIS_ACL}`.slice(0, 40),
      '     - Keep `protected-mode yes` and `bi',
      '   - For db:',
      `     - ${PG_AUTH}`.slice(0, 40),
    ]);
  });

  it('Markdown: steps all of an entry\'s threats share are listed once, unlabelled', () => {
    const md = renderMarkdown(redis);
    const lines = blockAfter(md, /^\d+\. \[High\] Require authentication for connections to cache and sessions/);
    assert.equal(lines.length, 2);
    assert.ok(lines[0].startsWith(`   - ${REDIS_ACL}`));
  });

  it('Markdown: a nested list starts where the item\'s text does, past a two-digit rank', () => {
    const recommendations = shop.recommendations.map((rec) => ({ ...rec, rank: rec.rank + 9 }));
    const md = renderMarkdown({ ...shop, recommendations });
    const lines = blockAfter(md, /^\d+\. \[High\] Require authentication for connections/);
    assert.equal(lines[0], '    - For cache and sessions:');
  });

  it('Markdown: an entry whose threats have no steps has none, and a model without technology has no steps', () => {
    assert.deepEqual(blockAfter(renderMarkdown(shop), /^\d+\. \[High\] Use parameterized queries/), []);
    const md = renderMarkdown(plain);
    const punch = md.slice(md.indexOf('### Recommendations'), md.indexOf('### Threat Details'));
    assert.doesNotMatch(punch, /^ +- /m);
  });

  it('HTML: the steps in the entry, per set, settings as code', () => {
    const html = renderHtml(shop);
    const punch = html.slice(html.indexOf('id="tm-recommendations"'));
    assert.match(punch, /Require authentication for connections to cache, db and sessions <span class="muted">\([^)]*\)<\/span><ul class="steps"><li>For cache and sessions:<ul class="steps"><li>Redis\/Valkey: ACL users[^<]*<code>/);
    assert.match(punch, /<li>For db:<ul class="steps"><li>PostgreSQL: no <code>trust<\/code> lines/);
    const bare = renderHtml(plain);
    assert.doesNotMatch(bare.slice(bare.indexOf('id="tm-recommendations"')), /class="steps"/);
  });
});

const require = createRequire(import.meta.url);
type Validator = ((data: unknown) => boolean) & { errors?: unknown };
function sarifValidator(): Validator {
  const Ajv = require('ajv-draft-04') as new (opts: object) => { compile(schema: object): Validator };
  const addFormats = require('ajv-formats') as (ajv: object) => void;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')));
}

describe('SARIF', () => {
  const log = buildSarif(shop);
  const messageOf = (l: Log, key: string) => l.runs[0].results!.find((x) => x.properties?.key === key)!.message.text!;

  it('ends the result\'s message with its numbered steps, valid SARIF 2.1.0, the text form equal to the objects', () => {
    const message = messageOf(log, 'unauthenticated-store-access@cache');
    assert.match(message, /Mitigation: [^\n]*\. Steps: \(1\) Redis\/Valkey: ACL users[^\n]* \(2\) Keep `protected-mode yes`/);
    assert.doesNotMatch(message, /\(3\)/);
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    assert.equal(renderSarif(shop), `${JSON.stringify(log, null, 2)}\n`);
  });

  it('adds nothing to a result without steps', () => {
    assert.doesNotMatch(messageOf(log, 'sql-injection@api'), /Steps:/);
    assert.doesNotMatch(renderSarif(plain), /Steps:/);
  });
});

describe('CSV', () => {
  /** RFC 4180 rows, CRLF between them, quoted fields holding line breaks. */
  function parseCsv(text: string): string[][] {
    const rows: string[][] = [[]];
    let field = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') { rows[rows.length - 1].push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') {
        rows[rows.length - 1].push(field);
        field = '';
        rows.push([]);
        i++;
      } else field += c;
    }
    if (rows[rows.length - 1].length === 0 && field === '') rows.pop();
    return rows;
  }
  const col = CSV_COLUMNS.indexOf('mitigation_steps');

  it('has a mitigation_steps column beside the mitigation, a step a line', () => {
    assert.equal(CSV_COLUMNS[col - 1], 'mitigation');
    const rows = parseCsv(renderCsv(shop));
    assert.ok(rows.every((row) => row.length === CSV_COLUMNS.length));
    const key = CSV_COLUMNS.indexOf('key');
    const cache = rows.find((row) => row[key] === 'unauthenticated-store-access@cache')!;
    assert.deepEqual(cache[col].split('\n'), threatOf(shop, 'unauthenticated-store-access@cache').mitigationSteps);
    assert.equal(rows.find((row) => row[key] === 'sql-injection@api')![col], '');
  });

  it('leaves the column empty in every row of a model without technology', () => {
    const rows = parseCsv(renderCsv(plain));
    assert.equal(rows.length, plain.threats.length + 1);
    assert.ok(rows.slice(1).every((row) => row[col] === ''));
  });
});
