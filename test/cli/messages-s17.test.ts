// Review s17 at the command line: validate reports stale triage entries (with the hint `triage` gives, and the
// custom rules of --rules counted), SARIF describes custom rules by their own metadata with no raw
// placeholders, and `diagram --direction LR` with auto detail draws the elements when they fit turned.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Log } from 'sarif';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';
import { UserError } from '../../src/cli/io.js';
import { validateAction } from '../../src/cli/validate.js';
import { noStack, run } from './run-cli.js';
import { tempFolder } from '../temp.js';

/** A team's custom rule: every store is a threat, its texts written with the `{name}` placeholder. */
const STORE_RULE = `rules:
  custom:
    - id: store-needs-audit
      title: "Reads of {name} are not audited"
      description: "{name} holds data whose reads nobody can trace."
      stride: R
      applies-to: element
      when:
        all:
          - element.kind: store
      likelihood: high
      impact: high
      mitigation: Log every read of the store to the audit trail.
`;

/** The round-trip shop with its triage file and a rules folder, in a folder of their own. */
function shop(extraEntries = ''): { dir: string; model: string; triage: string; rules: string } {
  const dir = tempFolder('threatmap-messages-s17-');
  const model = join(dir, 'shop.yaml');
  const triage = join(dir, 'shop.triage.yaml');
  copyFileSync('test/fixtures/roundtrip/shop.yaml', model);
  writeFileSync(triage, readFileSync('test/fixtures/roundtrip/shop.triage.yaml', 'utf8') + extraEntries);
  const rules = join(dir, 'rules');
  mkdirSync(rules);
  writeFileSync(join(rules, 'stores.yaml'), STORE_RULE);
  return { dir, model, triage, rules };
}

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** validateAction run in this process (for options the command line does not offer yet), its output captured. */
function validateHere(files: string[], opts: { rules?: string; triage?: string } = {}): { failed: boolean; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  let failed = false;
  try {
    validateAction(files, opts);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    failed = true;
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return { failed, stdout, stderr };
}

describe('threatmap validate: stale triage entries', () => {
  it('warns about an entry that matches no threat, at its line and column, with the hint triage gives', () => {
    const { model, triage } = shop('  no-rate-limiting@api:/serach:\n    status: accepted\n    reason: typo\n');
    const r = run('validate', model);
    noStack(r.stderr);
    assert.equal(r.code, 0, r.stderr);
    const line = lineOf(readFileSync(triage, 'utf8'), 'no-rate-limiting@api:/serach');
    assert.ok(r.stderr.includes(`${triage}:${line}:3: warning[stale-entry]: triage entry \`no-rate-limiting@api:/serach\` matches no threat\n`), r.stderr);
    assert.ok(r.stderr.includes('    hint: did you mean `no-rate-limiting@api:/search`?\n'), r.stderr);
    assert.match(r.stdout, /shop\.triage\.yaml: valid triage file \(7 decisions, 1 stale entry\)\n/);
    // The same hint as the triage listing's.
    const listing = run('triage', model);
    assert.ok(listing.stdout.includes('no-rate-limiting@api:/serach  accepted  (did you mean `no-rate-limiting@api:/search`?)'), listing.stdout);
  });

  it('says nothing of stale entries when every entry matches a threat', () => {
    const { model } = shop();
    const r = run('validate', model);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /stale-entry/);
    assert.match(r.stdout, /valid triage file \(6 decisions\)\n/);
  });

  it('does not look for stale entries of a model that does not load (its errors are the news)', () => {
    const { model } = shop('  gone@nowhere:\n    status: open\n');
    writeFileSync(model, readFileSync(model, 'utf8').replace('threatmap: 1', 'threatmap: 1\nsytem: x'));
    const r = run('validate', model);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown-key/);
    assert.doesNotMatch(r.stderr, /stale-entry/);
  });

  it('counts the threats of the custom rules in --rules DIR: their decisions are not stale with it', () => {
    const { model, rules } = shop('  store-needs-audit@db:\n    status: accepted\n    reason: reads are logged by the database\n');
    const without = validateHere([model]);
    assert.equal(without.failed, false, without.stderr);
    assert.match(without.stderr, /warning\[stale-entry\]: triage entry `store-needs-audit@db` matches no threat\n {4}at: threats\["store-needs-audit@db"\]\n {4}hint: rule `store-needs-audit` reports no threat in this model now\n/);
    const withRules = validateHere([model], { rules });
    assert.equal(withRules.failed, false, withRules.stderr);
    assert.doesNotMatch(withRules.stderr, /stale-entry/);
    assert.match(withRules.stdout, /valid triage file \(7 decisions\)\n/);
  });
});

describe('threatmap export -f sarif --rules DIR: the custom rules\' own texts', () => {
  const sarifOf = (args: string[]): Log => {
    const r = run('export', ...args, '-f', 'sarif', '--quiet');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Log;
  };

  it('describes a custom rule by its title, description and mitigation, placeholders in words, never raw', () => {
    const { model, rules } = shop();
    const log = sarifOf([model, '--rules', rules]);
    const rule = log.runs[0].tool.driver.rules!.find((r) => r.id === 'store-needs-audit')!;
    assert.equal(rule.shortDescription?.text, 'Reads of the element are not audited');
    assert.equal(rule.fullDescription?.text, 'The element holds data whose reads nobody can trace.');
    assert.equal(rule.name, 'ReadsOfTheElementAreNotAudited');
    assert.ok(rule.help?.text.includes('Mitigation: Log every read of the store to the audit trail.'), rule.help?.text);
    assert.ok(rule.help?.text.includes('Rating: Likelihood High; impact High.'), rule.help?.text);
    assert.ok(rule.help?.markdown?.includes(`**Defined in:** \`${join(rules, 'stores.yaml')}:rules.custom[0]\``), rule.help?.markdown);
    assert.doesNotMatch(JSON.stringify(log.runs[0].tool.driver.rules), /\{name\}|Mitigated by the controls: \n|\(custom rule defined in/);
    // Each result still names its own store.
    const messages = log.runs[0].results!.filter((r) => r.ruleId === 'store-needs-audit').map((r) => (r.message.text ?? "").split(' (')[0]).sort();
    assert.deepEqual(messages, ['Reads of Orders database are not audited', 'Reads of Session cache are not audited']);
  });

  it('leaves the built-in rules\' texts as the library writes them', () => {
    const { model, rules } = shop();
    const log = sarifOf([model, '--rules', rules]);
    const builtin = log.runs[0].tool.driver.rules!.find((r) => r.id === 'cleartext-tampering')!;
    const meta = BUILTIN_RULES.find((r) => r.id === 'cleartext-tampering')!;
    assert.equal(builtin.shortDescription?.text, meta.title);
    assert.equal(builtin.fullDescription?.text, meta.description);
    assert.ok(builtin.help?.markdown?.includes('**A model that triggers it:**'));
  });

  it('describes a custom rule of the model\'s own rules: section the same way', () => {
    const { model } = shop();
    const own = STORE_RULE.replace('rules:\n', '').replace(/^ {2}/gm, '  ');
    writeFileSync(model, `${readFileSync(model, 'utf8')}\nrules:\n${own}`);
    const log = sarifOf([model]);
    const rule = log.runs[0].tool.driver.rules!.find((r) => r.id === 'store-needs-audit')!;
    assert.equal(rule.shortDescription?.text, 'Reads of the element are not audited');
    assert.ok(rule.help?.markdown?.includes(`**Defined in:** \`${model}:rules.custom[0]\``), rule.help?.markdown);
  });
});

describe('threatmap diagram --direction LR with --detail auto', () => {
  it('draws the elements turned, with the note, when they fit the width that way', () => {
    const r = run('diagram', 'examples/prelaunch.yaml', '--direction', 'LR', '--quiet');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith('Note: left to right, 7 elements do not fit 100 columns; drawn top to bottom instead'), r.stdout.slice(0, 200));
    const elements = run('diagram', 'examples/prelaunch.yaml', '--direction', 'LR', '--detail', 'elements', '--quiet');
    assert.equal(r.stdout, elements.stdout);
  });

  it('keeps the overview when the elements fit neither way', () => {
    const r = run('diagram', 'examples/microservices.yaml', '--direction', 'LR', '--width', '60', '--quiet');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Note: 18 elements and 28 flows do not fit a readable diagram/);
  });
});
