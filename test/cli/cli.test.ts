// The CLI as a person uses it: exit codes, messages with positions, atomic output, no stack traces.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EXPORT_FORMATS } from '../../src/cli/export.js';
import { noStack, run } from './run-cli.js';
import { tempFolder } from '../temp.js';


describe('threatmap analyze', () => {
  it('prints the report for an example and exits 0', () => {
    const r = run('analyze', 'examples/ecommerce.yaml');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^## Threat Model: Acme Shop/);
  });
  it('--min-risk high prints the pre-launch punch list in order', () => {
    const r = run('analyze', 'examples/prelaunch.yaml', '--min-risk', 'high');
    assert.equal(r.code, 0, r.stderr);
    const recs = r.stdout.split('### Recommendations')[1].split('\n').filter((l) => /^\d+\. /.test(l));
    assert.deepEqual(recs.map((l) => l.match(/\[(\w+)\]/)![1]), ['Critical', 'High', 'High', 'High']);
    assert.match(recs[0], /webhook signature/);
    assert.match(recs[1], /rate limiting/);
    assert.match(recs[2], /file upload types/);
    assert.match(recs[3], /VPN or an IP allow-list/);
  });
  it('--format json prints the result object', () => {
    const r = run('analyze', 'examples/microservices.yaml', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.tool, 'threatmap');
    for (const t of json.threats) {
      for (const k of ['id', 'ruleId', 'stride', 'component', 'title', 'likelihood', 'impact', 'risk', 'mitigation', 'evidence']) assert.ok(k in t, k);
      assert.ok(t.evidence.every((e: { line: number }) => e.line > 0));
    }
  });
  it('--details grouped describes each rule once and lists every threat under it; a bad mode is exit 2', () => {
    const full = run('analyze', 'examples/microservices.yaml', '--quiet');
    const r = run('analyze', 'examples/microservices.yaml', '--quiet', '--details', 'grouped');
    assert.equal(r.code, 0, r.stderr);
    const details = r.stdout.split('### Threat Details')[1].split('\n### ')[0];
    assert.match(details, /grouped by rule/);
    const ids = [...full.stdout.split('### Threats')[1].split('\n### ')[0].matchAll(/^\| (T\d+) /gm)].map((m) => m[1]);
    assert.ok(ids.length > 3);
    for (const id of ids) assert.equal(details.match(new RegExp(`^\\| ${id} `, 'gm'))?.length, 1, id);
    // The rule's own title and description come from the rule set that ran.
    assert.match(details, /^#### .+ \(`no-mutual-tls`\)$/m);
    assert.notEqual(full.stdout, r.stdout);
    assert.equal(run('analyze', 'examples/microservices.yaml', '--quiet', '--details', 'full').stdout, full.stdout);
    const bad = run('analyze', 'examples/microservices.yaml', '--details', 'some');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--details.*auto, full, grouped/s);
  });
  it('--output writes the file atomically and leaves no temporary file', () => {
    const dir = tempFolder('threatmap-');
    const out = join(dir, 'report.md');
    const r = run('analyze', 'examples/ecommerce.yaml', '--output', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(readFileSync(out, 'utf8'), /^## Threat Model/);
    assert.deepEqual(readdirSync(dir), ['report.md']);
  });
  it('an invalid model: every error with file:line:col, exit 2, no stack trace, no output file', () => {
    const dir = tempFolder('threatmap-');
    const model = join(dir, 'bad.yaml');
    writeFileSync(model, 'threatmap: 1\nsystem: { name: x }\nelements:\n  a: { kind: process, contrls: [waf] }\n  b: { kind: store }\nflows:\n  - a -> c: https\n');
    const out = join(dir, 'report.md');
    const r = run('analyze', model, '--output', out);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`${model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:\\d+`));
    assert.match(r.stderr, /contrls/);
    assert.match(r.stderr, /controls/);
    assert.match(r.stderr, /:7:\d+/);
    noStack(r.stderr);
    assert.deepEqual(readdirSync(dir), ['bad.yaml']);
  });
  it('a missing file, a directory, a bad option: exit 2 with a clear message', () => {
    for (const args of [['analyze', 'no-such.yaml'], ['analyze', 'examples'], ['analyze', 'examples/ecommerce.yaml', '--min-risk', 'severe'], ['frobnicate']]) {
      const r = run(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.ok(r.stderr.trim().length > 0);
      noStack(r.stderr);
    }
  });
  it('malformed YAML: position and exit 2', () => {
    const dir = tempFolder('threatmap-');
    const model = join(dir, 'broken.yaml');
    writeFileSync(model, 'threatmap: 1\nsystem: { name: x\nelements: {}\n');
    const r = run('validate', model);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /broken\.yaml:\d+:\d+/);
    noStack(r.stderr);
  });
});

describe('threatmap commands', () => {
  it('lists every command in help and in a usage error, in order', () => {
    const names = (text: string) => [...text.split('Commands:\n')[1].matchAll(/^  (\w+)/gm)].map((m) => m[1]);
    const all = ['analyze', 'discover', 'import', 'serve', 'schema', 'diagram', 'validate', 'rules', 'generate', 'triage', 'diff', 'check', 'export', 'help'];
    const help = run('--help');
    assert.equal(help.code, 0);
    assert.deepEqual(names(help.stdout), all);
    const unknown = run('analyse', 'examples/ecommerce.yaml');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'analyse'/);
    assert.deepEqual(names(unknown.stderr), all);
  });
  it('prints the version without defining any command', () => {
    for (const flag of ['--version', '-V']) {
      const r = run(flag);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
    }
  });
  it('analyze writes Markdown, JSON and every export format', () => {
    const help = run('analyze', '--help');
    assert.equal(help.code, 0);
    // `(choices: "markdown", "json", ..., default: "markdown")`
    const choices = help.stdout.replace(/\s+/g, ' ').match(/output format \(choices: ((?:"[\w-]+", )+)default/)![1];
    assert.deepEqual(choices.slice(0, -2).split(', ').map((c) => JSON.parse(c) as string), ['markdown', 'json', ...EXPORT_FORMATS]);
  });
});

describe('threatmap rules', () => {
  it('lists rules and explains one', () => {
    const list = run('rules');
    assert.equal(list.code, 0);
    assert.match(list.stdout, /no-rate-limiting\s+D\s+/);
    const show = run('rules', 'show', 'unsigned-webhook');
    assert.equal(show.code, 0);
    assert.match(show.stdout, /CWE-345/);
    const typo = run('rules', 'show', 'unsigned-webhok');
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /did you mean 'unsigned-webhook'/);
  });
});

describe('threatmap diagram', () => {
  const dir = tempFolder('threatmap-diagram-');
  const model = join(dir, 'estate.yaml');
  writeFileSync(model, run('generate', '--elements', '300', '--seed', '3').stdout);
  const nodes = (dot: string) => (dot.match(/^\s*"?[\w:.-]+"? \[.*label=/gm) ?? []).length;

  it('draws a large model as the boundary overview by default, and says so', () => {
    const r = run('diagram', model, '--format', 'dot');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /300 elements and \d+ flows are too many for a readable diagram: drawing one box per trust boundary/);
    const all = run('diagram', model, '--format', 'dot', '--detail', 'elements', '--quiet');
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stderr, '');
    assert.ok(nodes(r.stdout) > 0 && nodes(r.stdout) * 3 < nodes(all.stdout), `${nodes(r.stdout)} vs ${nodes(all.stdout)}`);
    assert.equal(run('diagram', model, '--format', 'dot', '--detail', 'boundaries', '--quiet').stdout, r.stdout);
  });
  it('draws a readable model element by element, without a note', () => {
    const r = run('diagram', 'examples/ecommerce.yaml', '--format', 'dot');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, run('diagram', 'examples/ecommerce.yaml', '--format', 'dot', '--detail', 'elements').stdout);
  });
});
