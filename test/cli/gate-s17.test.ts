// The CI gate (gate-s17): a threat the change takes out of the gate in the model itself (rules.disable, an override,
// an assumption) fails `check --new-only` unless allowed; `--base` follows a model renamed or converted to another
// extension; a base that does not load is named as such in the diff; GitHub annotations and the job summary.
// Each command runs as a person would, in a temporary git repository, with "today" fixed by THREATMAP_TODAY.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { replaceOnce } from '../helpers.js';
import { append, git, modelRepository, run, searchAccepted } from './git-repo.js';

/** A repository whose `main` holds the e-commerce example as shop.yaml (and the files given), on a branch `pr`. */
const repository = (files: Record<string, string> = {}) => modelRepository({ prefix: 'threatmap-gate-s17-', files, branch: 'pr' });

const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;

const DISABLE = 'rules:\n  disable: [no-rate-limiting]\n';
const OVERRIDE = 'rules:\n  override:\n    cleartext-tampering: { likelihood: low, impact: low, reason: internal network only }\n';
const ASSUME = 'assumptions:\n  - { text: the cache sits on an encrypted volume, rules: [unencrypted-store], elements: [cache] }\n';

/** An acceptance of the example's High `no-rate-limiting@api:/search`. */
const ACCEPTED = searchAccepted('2027-12-31');

describe('check --new-only: suppressions written in the model', () => {
  it('a rules.disable of this change taking out a High threat fails, naming the model line and the way out', () => {
    const { dir, model } = repository();
    append(model, DISABLE);
    const line = lineOf(readFileSync(model, 'utf8'), 'disable: [no-rate-limiting]');
    const r = run(['check', 'shop.yaml', '--new-only', '--base', 'main', '-q'], { cwd: dir });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^threatmap check shop\.yaml: FAIL, 1 threat at or above High suppressed or re-rated below it by the model in this change\n/);
    assert.match(r.stdout, /TM-3efe6810 {2}High {6}No rate limiting on \/search/);
    assert.ok(r.stdout.includes(`suppressed by rules.disable: no-rate-limiting at shop.yaml:${line}:13 in this change: record it in triage instead `
      + '(take that line out, then threatmap triage shop.yaml TM-3efe6810 --status accepted --reason "..." --expires YYYY-MM-DD), or pass --allow-model-suppressions'), r.stdout);
    // The same line already at the base: this change suppressed nothing.
    git(dir, 'commit', '-q', '-am', 'disable');
    const again = run(['check', 'shop.yaml', '--new-only', '--base', 'pr', '-q'], { cwd: dir });
    assert.equal(again.code, 0, again.stdout);
    assert.doesNotMatch(again.stdout, /suppressed/);
  });

  it('without --new-only the gate judges the model as it is: the disabled rule is not reported, the other threats fail', () => {
    const { model } = repository();
    append(model, DISABLE);
    const r = run(['check', model, '-q']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAIL, 4 open threats at or above High/);
    assert.doesNotMatch(r.stdout, /suppressed|rate limiting/);
  });

  it('an override rating a threat below --fail-on fails; one rated below --fail-on before the change does not', () => {
    const { dir, model } = repository();
    append(model, OVERRIDE);
    const r = run(['check', 'shop.yaml', '--new-only', '--base', 'main', '-q'], { cwd: dir });
    assert.equal(r.code, 1, r.stdout);
    assert.ok(r.stdout.includes(`re-rated High -> Low by rules.override.cleartext-tampering: likelihood low, impact low (internal network only) at shop.yaml:${lineOf(readFileSync(model, 'utf8'), 'cleartext-tampering:')}:5 in this change`), r.stdout);
    // At --fail-on critical the threat was never in the gate: taking it lower takes nothing out.
    const critical = run(['check', 'shop.yaml', '--new-only', '--base', 'main', '--fail-on', 'critical', '-q'], { cwd: dir });
    assert.equal(critical.code, 0, critical.stdout);
  });

  it('an assumption naming the rule fails at --fail-on medium, and not at high (the threat is Medium)', () => {
    const { dir, model } = repository();
    append(model, ASSUME);
    const medium = run(['check', 'shop.yaml', '--new-only', '--base', 'main', '--fail-on', 'medium', '-q'], { cwd: dir });
    assert.equal(medium.code, 1, medium.stdout);
    assert.match(medium.stdout, /suppressed by the assumption "the cache sits on an encrypted volume" at shop\.yaml:\d+:5 in this change/);
    assert.equal(run(['check', 'shop.yaml', '--new-only', '--base', 'main', '-q'], { cwd: dir }).code, 0);
  });

  it('a threat accepted in triage and then disabled in the model still fails: the model line has no owner or expiry', () => {
    const { dir, model } = repository({ 'shop.triage.yaml': ACCEPTED });
    append(model, DISABLE);
    const r = run(['check', 'shop.yaml', '--new-only', '--base', 'main', '-q'], { cwd: dir });
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /suppressed by rules\.disable: no-rate-limiting/);
  });

  it('--allow-model-suppressions passes, still listing them as allowed; --format json lists them with `failing`', () => {
    const { dir, model } = repository();
    append(model, DISABLE);
    const allowed = run(['check', 'shop.yaml', '--new-only', '--base', 'main', '-q', '--allow-model-suppressions'], { cwd: dir });
    assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
    assert.match(allowed.stdout, /PASS, no new open threat at or above High/);
    assert.match(allowed.stdout, /\(allowed by --allow-model-suppressions\):\n {2}TM-3efe6810 .*\n {6}suppressed by rules\.disable: no-rate-limiting at shop\.yaml:\d+:13 in this change\n/);
    const json = (more: string[]) => {
      const r = run(['check', 'shop.yaml', '--new-only', '--base', 'main', '-q', '-f', 'json', ...more], { cwd: dir });
      return JSON.parse(r.stdout) as { passed: boolean; suppressedByModel: Array<{ uid: string; failing: boolean; by: { kind: string; file: string; line: number; col: number } }> };
    };
    const strict = json([]);
    assert.equal(strict.passed, false);
    assert.deepEqual(strict.suppressedByModel.map((s) => [s.uid, s.failing, s.by.kind, s.by.file, s.by.col]), [['TM-3efe6810', true, 'disable', 'shop.yaml', 13]]);
    const lenient = json(['--allow-model-suppressions']);
    assert.equal(lenient.passed, true);
    assert.deepEqual(lenient.suppressedByModel.map((s) => s.failing), [false]);
    // Without --new-only there is no comparison, so no list.
    assert.equal('suppressedByModel' in JSON.parse(run(['check', 'shop.yaml', '-f', 'json', '-q'], { cwd: dir }).stdout), false);
  });
});

describe('--base follows a renamed model', () => {
  it('git mv to another folder: compared with the old path, said in a note; its triage file there applies', () => {
    const { dir } = repository({ 'shop.triage.yaml': ACCEPTED });
    mkdirSync(join(dir, 'models'));
    git(dir, 'mv', 'shop.yaml', 'models/shop.yaml');
    git(dir, 'mv', 'shop.triage.yaml', 'models/shop.triage.yaml');
    git(dir, 'commit', '-q', '-m', 'move');
    const r = run(['check', 'models/shop.yaml', '--new-only', '--base', 'main'], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /^note: --base main: models\/shop\.yaml has no version at main under that name; compared with main:shop\.yaml \(git detects a rename\)$/m);
    // The decision was at the old path: dropping it in the move reopens the threat, which is new to the gate.
    git(dir, 'rm', '-q', 'models/shop.triage.yaml');
    const dropped = run(['check', 'models/shop.yaml', '--new-only', '--base', 'main', '-q'], { cwd: dir });
    assert.equal(dropped.code, 1, dropped.stdout);
    assert.match(dropped.stdout, /FAIL, 1 new open threat \(not failing at main\) at or above High\n[^]*TM-3efe6810/);
  });

  it('a new model elsewhere is no rename: every threat is new, and no note', () => {
    const { dir } = repository();
    mkdirSync(join(dir, 'models'));
    copyFileSync('examples/ecommerce.yaml', join(dir, 'models/other.yaml'));
    git(dir, 'add', '.');
    const r = run(['check', 'models/other.yaml', '--new-only', '--base', 'main'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAIL, 5 new open threats/);
    assert.doesNotMatch(r.stderr, /note:/);
  });

  it('shop.yaml -> shop.json (too changed for rename detection): the same stem with the other extension', () => {
    const { dir, model } = repository();
    git(dir, 'mv', 'shop.yaml', 'shop.json');
    writeFileSync(join(dir, 'shop.json'), JSON.stringify(parse(readFileSync(join(dir, 'shop.json'), 'utf8')), null, 1));
    const r = run(['check', 'shop.json', '--new-only', '--base', 'main'], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /compared with main:shop\.yaml \(the same model under another extension\)/);
    // A shop.yaml still there is a model of its own: shop.json is then new.
    copyFileSync('examples/ecommerce.yaml', model);
    const own = run(['check', 'shop.json', '--new-only', '--base', 'main'], { cwd: dir });
    assert.equal(own.code, 1);
    assert.match(own.stdout, /FAIL, 5 new open threats/);
  });

  it('diff --base follows it too, and labels the base with the path used', () => {
    const { dir } = repository();
    mkdirSync(join(dir, 'models'));
    git(dir, 'mv', 'shop.yaml', 'models/shop.yaml');
    const r = run(['diff', 'models/shop.yaml', '--base', 'main'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^`main:shop\.yaml` -> `models\/shop\.yaml`: \*\*no change to threats/m);
  });
});

describe('diff: a base that does not load is not a new model', () => {
  it('says it did not load and why (file:line:col); a model new in the change says so', () => {
    const { dir, model } = repository();
    const good = readFileSync(model, 'utf8');
    writeFileSync(model, replaceOnce(good, 'elements:\n', 'elements: {{{\n'));
    git(dir, 'commit', '-q', '-am', 'broken');
    writeFileSync(model, good);
    const r = run(['diff', 'shop.yaml', '--base', 'pr', '-q'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const broken = lineOf(good, 'elements:\n');
    assert.match(r.stdout, new RegExp(`^\`pr:shop\\.yaml\` \\(did not load: \`pr:shop\\.yaml:${broken}:\\d+: [^\`]+\`; every threat is judged as new\\) -> `, 'm'));
    assert.doesNotMatch(r.stdout, /not there/);
    const json = JSON.parse(run(['diff', 'shop.yaml', '--base', 'pr', '-q', '-f', 'json'], { cwd: dir }).stdout) as { old: { exists: boolean; loadError?: string } };
    assert.equal(json.old.exists, false);
    assert.match(json.old.loadError ?? '', new RegExp(`^pr:shop\\.yaml:${broken}:\\d+: `));
    copyFileSync('examples/prelaunch.yaml', join(dir, 'new.yaml'));
    git(dir, 'add', 'new.yaml');
    const fresh = run(['diff', 'new.yaml', '--base', 'pr', '-q', '-f', 'json'], { cwd: dir });
    assert.equal('loadError' in (JSON.parse(fresh.stdout) as { old: object }).old, false);
    assert.match(run(['diff', 'new.yaml', '--base', 'pr', '-q'], { cwd: dir }).stdout, /`pr:new\.yaml` \(not there: a new model\)/);
  });
});

describe('GitHub Actions: annotations and the job summary', () => {
  it('--format github: an ::error per failing threat at its line, exit 1; a pass prints no error, exit 0', () => {
    const { dir } = repository();
    const r = run(['check', 'shop.yaml', '-f', 'github', '-q'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'threatmap check shop.yaml: FAIL, 5 open threats at or above High');
    const errors = lines.filter((l) => l.startsWith('::error '));
    assert.equal(errors.length, 5);
    assert.ok(errors.includes('::error file=shop.yaml,line=50,col=7,title=High threat%3A No rate limiting on /search::No rate limiting on /search [API servers /search] '
      + '(TM-3efe6810, High) is open, at or above High: fix it in the design, or record a decision (threatmap triage shop.yaml TM-3efe6810 --status accepted --reason "..." --expires YYYY-MM-DD)'), errors.join('\n'));
    const pass = run(['check', 'shop.yaml', '-f', 'github', '-q', '--fail-on', 'critical'], { cwd: dir });
    assert.equal(pass.code, 0);
    assert.equal(pass.stdout, 'threatmap check shop.yaml: PASS, no open threat at or above Critical\n');
  });

  it('a suppression is an ::error at the model line; stale entries ::warning, ::error with --fail-on-stale', () => {
    const { dir, model } = repository({ 'shop.triage.yaml': 'threatmap-triage: 1\nthreats:\n  "no-such-rule@api":\n    status: mitigating\n' });
    append(model, DISABLE);
    const line = lineOf(readFileSync(model, 'utf8'), 'disable: [no-rate-limiting]');
    const r = run(['check', 'shop.yaml', '-f', 'github', '-q', '--new-only', '--base', 'main'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`^::error file=shop\\.yaml,line=${line},col=13,title=High threat suppressed by the model%3A No rate limiting on /search::.* or pass --allow-model-suppressions$`, 'm'));
    assert.match(r.stdout, /^::warning file=shop\.triage\.yaml,line=3,col=3,title=threatmap stale-entry::triage entry `no-such-rule@api` matches no threat/m);
    const stale = run(['check', 'shop.yaml', '-f', 'github', '-q', '--fail-on-stale', '--fail-on', 'critical'], { cwd: dir });
    assert.equal(stale.code, 1);
    assert.match(stale.stdout, /^::error file=shop\.triage\.yaml,line=3,col=3,title=threatmap stale-entry::/m);
    assert.doesNotMatch(stale.stdout, /^::warning/m);
  });

  it('GITHUB_STEP_SUMMARY: the summary is appended (never replacing), for every format; unset, nothing is written', () => {
    const { dir } = repository();
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n\n');
    const r = run(['check', 'shop.yaml', '-q'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary } });
    assert.equal(r.code, 1);
    let md = readFileSync(summary, 'utf8');
    assert.ok(md.startsWith('# earlier step\n\n### threatmap check shop.yaml: FAIL\n\nFAIL, 5 open threats at or above High\n'), md);
    assert.match(md, /\| Open \| 0 \| 5 \| 3 \| 1 \| 9 \|/);
    assert.match(md, /\| `TM-3efe6810` \| \*\*High\*\* \| No rate limiting on \/search \| API servers \/search \| `shop\.yaml:50` \|/);
    run(['check', 'shop.yaml', '-q', '-f', 'json', '--fail-on', 'critical'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary } });
    md = readFileSync(summary, 'utf8');
    assert.equal(md.split('### threatmap check shop.yaml: ').length, 3);
    assert.ok(md.endsWith('### threatmap check shop.yaml: PASS\n\nPASS, no open threat at or above Critical\n\n| Threats | Critical | High | Medium | Low | Total |\n'
      + '|---|---|---|---|---|---|\n| Open | 0 | 5 | 3 | 1 | 9 |\n| Closed by decision | 0 | 0 | 0 | 0 | 0 |\n\n'), md);
    rmSync(summary);
    assert.equal(run(['check', 'shop.yaml', '-q'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: '' } }).code, 1);
    assert.equal(existsSync(summary), false);
  });

  it('a summary file that cannot be written is a warning: the exit code stays the verdict', () => {
    const { dir } = repository();
    const r = run(['check', 'shop.yaml', '--fail-on', 'critical'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: join(dir, 'no-such-folder', 'summary.md') } });
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^warning: GITHUB_STEP_SUMMARY .*summary\.md: the job summary was not written: no such file or folder \(ENOENT\)$/m);
  });
});
