// threatmap as a team runs it in git + CI (review s16): custom rules on the gate, the PR comment and SARIF;
// lapsed decisions failing the PR gate; validate as a pre-commit hook that checks triage files; a base revision
// that does not load; one PR comment per model. Each command runs as a person would, in a temporary git
// repository, with "today" fixed by THREATMAP_TODAY.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { replaceOnce } from '../helpers.js';
import { editFile, git, modelRepository, run, searchAccepted } from './git-repo.js';

/** A repository whose `main` holds the e-commerce example as shop.yaml (and the files given), plus a rules folder. */
function repository(files: Record<string, string> = {}): { dir: string; model: string; rules: string } {
  const { dir, model } = modelRepository({ prefix: 'threatmap-ci-s16-', files });
  const rules = join(dir, 'rules');
  mkdirSync(rules);
  writeFileSync(join(rules, 'stores.yaml'), STORE_RULE);
  return { dir, model, rules };
}

/** A team's custom rule: every store is a Critical threat (likelihood and impact high), which no built-in rule gives the example. */
const STORE_RULE = `rules:
  custom:
    - id: store-needs-audit
      title: "Reads of {name} are not audited"
      stride: R
      applies-to: element
      when:
        all:
          - element.kind: store
      likelihood: high
      impact: high
      mitigation: Log every read of the store to the audit trail.
`;

const addStore = (text: string) => replaceOnce(text, '  payments:\n', '  reports: { name: Reports store, kind: store, in: data }\n  payments:\n');

/** An acceptance of the example's High `no-rate-limiting@api:/search`, written on line 3, that lapses after 2027-01-31. */
const ACCEPTED_UNTIL_JANUARY = searchAccepted('2027-01-31');

describe('--rules DIR on check, diff and export (F11)', () => {
  it('check: the custom rules gate, and the base revision is analysed with them too', () => {
    const { model, rules } = repository();
    const gate = ['check', model, '--fail-on', 'critical', '-q'];
    assert.equal(run(gate).code, 0, 'no Critical threat without the custom rules');
    const all = run([...gate, '--rules', rules]);
    assert.equal(all.code, 1, all.stderr);
    assert.match(all.stdout, /FAIL, 2 open threats at or above Critical/);
    assert.match(all.stdout, /Reads of Orders database are not audited \[Orders database\]/);
    // The base has the same stores: judged by the same rules, nothing is new.
    const newOnly = [...gate, '--rules', rules, '--new-only', '--base', 'main'];
    let r = run(newOnly);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    editFile(model, addStore);
    r = run(newOnly);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /FAIL, 1 new open threat \(not failing at main\) at or above Critical/);
    assert.match(r.stdout, /Reads of Reports store are not audited/);
    assert.doesNotMatch(r.stdout, /Orders database/);
    // A rules folder that is not there is invalid input, as for analyze.
    const missing = run([...gate, '--rules', join(rules, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope: no such folder/);
  });

  it('diff --base: only the custom threats the change adds are new', () => {
    const { model, rules } = repository();
    editFile(model, addStore);
    const custom = (args: string[]) => {
      const r = run(['diff', model, '--base', 'main', '--format', 'json', '-q', ...args]);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { newThreats: Array<{ key: string }> }).newThreats.map((t) => t.key).filter((k) => k.startsWith('store-needs-audit'));
    };
    assert.deepEqual(custom(['--rules', rules]), ['store-needs-audit@reports']);
    assert.deepEqual(custom([]), []);
  });

  it('export: the custom threats are SARIF results', () => {
    const { model, rules } = repository();
    const ruleIds = (args: string[]) => {
      const r = run(['export', model, '-f', 'sarif', '-q', ...args]);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { runs: Array<{ results: Array<{ ruleId: string }> }> }).runs[0].results.map((x) => x.ruleId);
    };
    assert.equal(ruleIds(['--rules', rules]).filter((id) => id === 'store-needs-audit').length, 2);
    assert.ok(!ruleIds([]).includes('store-needs-audit'));
  });
});

describe('check --fail-on-expired (F5/F10)', () => {
  it('fails the --new-only PR gate on a lapsed acceptance at or above --fail-on, and lists it with its triage line', () => {
    const { model } = repository({ 'shop.triage.yaml': ACCEPTED_UNTIL_JANUARY });
    const gate = ['check', model, '--fail-on', 'high', '--new-only', '--base', 'main', '-q'];
    // The base is judged the same day: the lapsed acceptance is open at both ends, so not new.
    assert.equal(run(gate, { today: '2027-02-01' }).code, 0);
    const r = run([...gate, '--fail-on-expired'], { today: '2027-02-01' });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /FAIL, 1 expired decision at or above High \(--fail-on-expired\)/);
    assert.match(r.stdout, /T\d+\s+TM-[0-9a-f]{8}\s+High\s+No rate limiting on \/search \[API servers \/search\]\s+\S*shop\.triage\.yaml:3\s+accepted, expired on 2027-01-31/);
    assert.match(r.stdout, /threatmap triage \S+shop\.yaml TM-[0-9a-f]{8} --expires YYYY-MM-DD/);
    // On its last day the acceptance still holds; below the level it does not fail the gate.
    const held = run([...gate, '--fail-on-expired'], { today: '2027-01-31' });
    assert.equal(held.code, 0, held.stdout);
    assert.match(held.stdout, /PASS, no new open threat at or above High, no expired decision at or above High/);
    assert.equal(run([...gate, '--fail-on', 'critical', '--fail-on-expired'], { today: '2027-02-01' }).code, 0);
  });

  it('check -f json lists the lapsed closing decisions beside stale, late mitigations not among them', () => {
    const late = `${ACCEPTED_UNTIL_JANUARY}  TM-00000000:\n    status: open\n  "session-hijacking@api":\n    status: mitigating\n    expires: 2027-01-01\n`;
    const { model } = repository({ 'shop.triage.yaml': late });
    const json = (today: string) => {
      const r = run(['check', model, '--fail-on', 'critical', '-f', 'json', '-q', '--fail-on-expired'], { today });
      return { code: r.code, out: JSON.parse(r.stdout) as { passed: boolean; expired: Array<Record<string, unknown>>; stale: unknown[] } };
    };
    const after = json('2027-02-01');
    assert.equal(after.code, 0, 'a High expiry does not fail --fail-on critical');
    assert.deepEqual(after.out.expired.map(({ uid: _uid, id: _id, file, ...rest }) => ({ ...rest, file: String(file).endsWith('shop.triage.yaml') })), [{
      key: 'no-rate-limiting@api:/search', title: 'No rate limiting on /search', componentName: 'API servers /search', risk: 'High',
      status: 'accepted', expires: '2027-01-31', file: true, line: 3,
    }]);
    assert.equal(after.out.stale.length, 1);
    assert.deepEqual(json('2027-01-20').out.expired, []);
  });
});

describe('validate checks triage files (F12)', () => {
  const BROKEN = 'threatmap-triage: 1\nthreats:\n  "no-rate-limiting@api:/search":\n    status: acepted\n    expries: 2027-01-31\n';

  it('a model with a broken triage file beside it is invalid, with the messages check gives', () => {
    const { model } = repository({ 'shop.triage.yaml': BROKEN });
    const r = run(['validate', model]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /shop\.yaml: valid \(7 elements, 7 flows\)\n/);
    assert.match(r.stderr, /shop\.triage\.yaml:4:\d+: error\[invalid-value\]: `acepted` is not a triage status/);
    assert.match(r.stderr, /shop\.triage\.yaml:5:\d+: error\[unknown-key\]: unknown key `expries`/);
    const check = run(['check', model]);
    assert.equal(check.code, 2);
    for (const line of check.stderr.split('\n').filter((l) => /error\[/.test(l))) assert.ok(r.stderr.includes(line), line);
    // A valid one passes, and says how many decisions it holds.
    writeFileSync(`${model.slice(0, -'.yaml'.length)}.triage.yaml`, ACCEPTED_UNTIL_JANUARY);
    const ok = run(['validate', model]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /shop\.triage\.yaml: valid triage file \(1 decision\)\n$/);
  });

  it('a triage file given directly is checked as one, by its name or its threatmap-triage key, once per run', () => {
    const { dir, model } = repository({ 'shop.triage.yaml': BROKEN, 'decisions.yaml': ACCEPTED_UNTIL_JANUARY });
    const triage = join(dir, 'shop.triage.yaml');
    const r = run(['validate', triage]);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, /missing required key/);
    assert.match(r.stderr, /error\[invalid-value\]: `acepted` is not a triage status/);
    // As pre-commit passes them: the model, then its triage file; each problem said once.
    const both = run(['validate', model, triage]);
    assert.equal(both.code, 2);
    assert.equal(both.stderr.match(/`acepted` is not a triage status/g)?.length, 1);
    const byKey = run(['validate', join(dir, 'decisions.yaml')]);
    assert.equal(byKey.code, 0, byKey.stderr);
    assert.match(byKey.stdout, /decisions\.yaml: valid triage file \(1 decision\)/);
    // --triage FILE names the model's triage file instead of the one beside it.
    const named = run(['validate', model, '--triage', join(dir, 'decisions.yaml')]);
    assert.equal(named.code, 0, named.stderr);
    assert.equal(run(['validate', model, '--triage', join(dir, 'none.yaml')]).code, 2);
  });
});

describe('a base revision that does not load (F14a)', () => {
  it('is compared as no model, said in one line; the current model not loading is still exit 2', () => {
    const { dir, model } = repository();
    const good = readFileSync(model, 'utf8');
    writeFileSync(model, replaceOnce(good, 'elements:\n', 'elements: {{{\n'));
    git(dir, 'commit', '-q', '-am', 'broken');
    writeFileSync(model, good);
    const gate = ['check', model, '--fail-on', 'critical', '--new-only', '--base', 'main', '-q'];
    let r = run(gate);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /^warning: the base revision's model does not load \(main:\S*shop\.yaml:\d+:\d+: .+\): every threat is judged as new\n$/);
    r = run([...gate, '--fail-on', 'high']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAIL, 5 new open threats \(not failing at main\) at or above High/);
    const diff = run(['diff', 'shop.yaml', '--base', 'main', '-q'], { cwd: dir });
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /`main:shop\.yaml` \(did not load: `main:shop\.yaml:\d+:\d+: [^`]+`; every threat is judged as new\)/);
    assert.match(diff.stderr, /every threat is judged as new/);
    writeFileSync(model, 'threatmap: 1\nsystem: { name: x\n');
    assert.equal(run(gate).code, 2);
  });
});

describe('the PR comment marker names the model (F13)', () => {
  it('each model has its own first line', () => {
    const first = (args: string[]) => run(['diff', ...args]).stdout.split('\n')[0];
    assert.equal(first(['examples/ecommerce.yaml', 'examples/prelaunch.yaml']), '<!-- threatmap-diff:examples/prelaunch.yaml -->');
    assert.equal(first(['examples/prelaunch.yaml', 'examples/ecommerce.yaml']), '<!-- threatmap-diff:examples/ecommerce.yaml -->');
  });
});

describe('export --category (F9, docs/ci.md several models)', () => {
  it('is SARIF only: an empty one is a usage error, another format warns that it is ignored', () => {
    const empty = run(['export', 'examples/ecommerce.yaml', '-f', 'sarif', '--category', ' ']);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /expected a category/);
    const csv = run(['export', 'examples/ecommerce.yaml', '-f', 'csv', '--category', 'threatmap/shop']);
    assert.equal(csv.code, 0, csv.stderr);
    assert.match(csv.stderr, /warning: --category applies to sarif only; ignored for csv/);
  });

  it('names the upload in the file only when given', () => {
    const details = (args: string[]) => {
      const r = run(['export', 'examples/ecommerce.yaml', '-f', 'sarif', '-q', ...args]);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { runs: Array<{ automationDetails?: { id: string } }> }).runs[0].automationDetails;
    };
    assert.match(details(['--category', 'threatmap/shop'])?.id ?? '', /^threatmap\/shop\/?$/);
    // Without it the upload action's own `category:` input applies: codeql-action sets one only for a run that has none.
    assert.equal(details([]), undefined);
  });
});

describe('check --help (F14d)', () => {
  it('prints the default of --fail-on as it is typed', () => {
    const r = run(['check', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--fail-on <level>\s+the lowest risk that fails: low, medium, high,\s+critical \(default: high\)/);
    assert.doesNotMatch(r.stdout, /"High"/);
  });
});
