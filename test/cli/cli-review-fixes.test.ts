// Command-line fixes from a review: validate goes on past an unreadable file, --hide takes no model file,
// numbers are plain decimals, generate stays under the model size limit and keeps existing files, git advice
// fits the revision, ignored options say so, help and README list every option, suggested commands are quoted.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { shellQuote } from '../../src/cli/check.js';
import { MAX_CLI_ELEMENTS, MODEL_LIMIT_MB, parseElements, parseHide, parseSeed, parseWidth } from '../../src/cli/options.js';
import { generateModelText } from '../../src/model/generate.js';
import { MAX_MODEL_BYTES } from '../../src/model/parse.js';
import { git } from './git-repo.js';
import { noStack, run, runIn as runCliIn } from './run-cli.js';
import { tempFolder } from '../temp.js';

const EXAMPLE = resolve('examples/ecommerce.yaml');

/** The CLI run in another folder (a temporary git repository). */
function runIn(cwd: string, ...args: string[]) {
  const r = runCliIn(cwd, ...args);
  noStack(r.stderr);
  return r;
}

const tempDir = (name = 'threatmap-fixes-') => tempFolder(name);

/** A git repository with the example model in it, not yet added. */
function repo(): { dir: string; model: string } {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  const model = join(dir, 'shop.yaml');
  copyFileSync(EXAMPLE, model);
  return { dir, model };
}

describe('validate: an unreadable file among several', () => {
  it('reports it as an error line, checks the files after it, and exits 2', () => {
    const missing = join(tempDir(), 'missing.yaml');
    const r = run('validate', EXAMPLE, missing, 'examples/ecommerce.yaml');
    assert.equal(r.code, 2);
    assert.equal(r.stdout, `${EXAMPLE}: valid (7 elements, 7 flows)\nexamples/ecommerce.yaml: valid (7 elements, 7 flows)\n`);
    assert.equal(r.stderr, `${missing}: no such file\n`);
  });

  it('exits 0 when every file is valid', () => {
    const r = run('validate', EXAMPLE, 'examples/ecommerce.yaml');
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
  });
});

describe('diagram --hide', () => {
  const mermaid = (...args: string[]) => {
    const r = run('diagram', ...args, '-f', 'mermaid');
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };

  it('does not take the model file that follows it', () => {
    const hidden = mermaid('--hide', 'store', EXAMPLE);
    assert.equal(hidden, mermaid(EXAMPLE, '--hide', 'store'));
    assert.notEqual(hidden, mermaid(EXAMPLE));
  });

  it('takes both kinds as a comma list, repeated, or as two words after the model', () => {
    const both = mermaid('--hide', 'store,external', EXAMPLE);
    assert.notEqual(both, mermaid('--hide', 'store', EXAMPLE));
    assert.equal(mermaid('--hide', 'store', '--hide', 'external', EXAMPLE), both);
    assert.equal(mermaid(EXAMPLE, '--hide', 'store', 'external'), both);
  });

  it('refuses two words before the model, an unknown kind and a stray argument, showing the comma form', () => {
    let r = run('diagram', '--hide', 'store', 'external', EXAMPLE);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /too many arguments for 'diagram'.*--hide store,external/);
    r = run('diagram', EXAMPLE, '--hide', 'bogus');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not "bogus"/);
    r = run('diagram', EXAMPLE, 'external');
    assert.equal(r.code, 2);
    assert.deepEqual(parseHide('store', ['store']), ['store']);
  });
});

describe('numbers are plain decimal integers', () => {
  it('refuses hex, exponents, signs, spaces and the empty string', () => {
    for (const bad of ['0x40', '1e2', '+60', ' 60', '60.0', '']) {
      assert.throws(() => parseWidth(bad), /decimal digits only/, bad);
      assert.throws(() => parseElements(bad), /decimal digits only/, bad);
    }
    assert.throws(() => parseSeed(''), /empty/);
    assert.throws(() => parseSeed('  '), /empty/);
  });

  it('accepts decimal digits in range, and words as seeds', () => {
    assert.equal(parseWidth('60'), 60);
    assert.equal(parseWidth('0060'), 60);
    assert.equal(parseElements('16'), 16);
    assert.equal(parseSeed('01'), 1);
    assert.equal(parseSeed('bench'), 'bench');
    assert.throws(() => parseWidth('39'), /not 39/);
  });

  it('gives a usage error (exit 2) on the command line', () => {
    for (const args of [['generate', '--elements', '0x10'], ['generate', '-n', '1e3'], ['generate', '-n', '5', '--seed', ''], ['diagram', EXAMPLE, '--width', '1e2']]) {
      const r = run(...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '');
    }
  });
});

describe('generate: the size limit and existing files', () => {
  it('caps --elements so that the largest model fits the model size limit', () => {
    assert.equal(MODEL_LIMIT_MB * 1048576, MAX_MODEL_BYTES);
    // JSON is the larger format; bytes grow linearly with elements (measured: 100000 JSON elements, 49.3 MB).
    const perElement = Buffer.byteLength(generateModelText({ elements: 5000, seed: 1, format: 'json' })) / 5000;
    assert.ok(perElement * MAX_CLI_ELEMENTS < MAX_MODEL_BYTES * 0.99, `${perElement} bytes per element`);
    const r = run('generate', '-n', String(MAX_CLI_ELEMENTS + 1));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /at most 100000 elements, not 100001: a larger model is over the 50 MB a model file may hold/);
  });

  it('-o refuses an existing file without --force, and replaces it with --force', () => {
    const out = join(tempDir(), 'model.yaml');
    writeFileSync(out, 'kept\n');
    let r = run('generate', '-n', '5', '-o', out);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /already exists; not overwriting it \(add --force to replace it\)/);
    assert.equal(readFileSync(out, 'utf8'), 'kept\n');
    r = run('generate', '-n', '5', '-o', out, '--force');
    assert.equal(r.code, 0, r.stderr);
    assert.match(readFileSync(out, 'utf8'), /^# Generated by `threatmap generate`/);
  });
});

describe('--base advice from git', () => {
  it('a repository with no commits says so, and suggests no fetch', () => {
    const { dir } = repo();
    const r = runIn(dir, 'diff', 'shop.yaml', '--base', 'HEAD');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the repository has no commits yet/);
    assert.doesNotMatch(r.stderr, /git fetch/);
  });

  it('an empty --base is refused', () => {
    const { dir } = repo();
    for (const args of [['diff', 'shop.yaml', '--base', ''], ['check', 'shop.yaml', '--new-only', '--base', ' ']]) {
      const r = runIn(dir, ...args);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--base needs a revision/);
    }
  });

  it('suggests a fetch for a remote branch only; an untracked model is said to be untracked', () => {
    const { dir } = repo();
    writeFileSync(join(dir, 'README'), 'x\n');
    git(dir, 'add', 'README');
    git(dir, 'commit', '-q', '-m', 'first');
    git(dir, 'remote', 'add', 'origin', 'https://example.invalid/shop.git');
    let r = runIn(dir, 'diff', 'shop.yaml', '--base', 'origin/main');
    assert.match(r.stderr, /git fetch origin main/);
    r = runIn(dir, 'diff', 'shop.yaml', '--base', 'HEAD~5');
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, /git fetch origin/);
    assert.match(r.stderr, /shallow clone/);
    r = runIn(dir, 'diff', 'shop.yaml', '--base', 'HEAD', '-f', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).old.exists, false);
    assert.match(r.stderr, /warning: --base HEAD: shop\.yaml is untracked by git, so it has no version at HEAD: compared as a new model/);
    // Added but not at the revision: a new model, said without a warning.
    git(dir, 'add', 'shop.yaml');
    r = runIn(dir, 'diff', 'shop.yaml', '--base', 'HEAD', '-f', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).old.exists, false);
    assert.equal(r.stderr, '');
  });
});

describe('options that would do nothing say so', () => {
  it('check --base without --new-only or --fail-on-easier-paths warns', () => {
    const r = run('check', EXAMPLE, '--fail-on', 'critical', '--base', 'main');
    assert.equal(r.code, 0);
    assert.match(r.stderr, /warning: --base main is used only by --new-only and --fail-on-easier-paths; ignored/);
    assert.doesNotMatch(run('check', EXAMPLE, '--fail-on', 'critical').stderr, /warning/);
  });

  it('diagram --width warns for a format without a width, not for ascii', () => {
    assert.match(run('diagram', EXAMPLE, '-f', 'mermaid', '--width', '50').stderr, /warning: --width applies to the ascii and unicode formats only; ignored for mermaid/);
    assert.equal(run('diagram', EXAMPLE, '-f', 'mermaid').stderr, '');
    assert.equal(run('diagram', EXAMPLE, '--width', '50').stderr, '');
  });
});

describe('help and README', () => {
  it('check -b names both options that need it; diagram --width shows its default', () => {
    assert.match(run('check', '--help').stdout, /needed\s+by\s+--new-only\s+and\s+--fail-on-easier-paths/);
    assert.match(run('diagram', '--help').stdout, /--width <columns>[^-]*\(default:\s+100\)/);
    assert.match(run('diagram', '--help').stdout, /--hide store,external/);
  });

  it('the README command table lists the options', () => {
    const readme = readFileSync('README.md', 'utf8');
    const row = (cmd: string) => readme.split('\n').find((l) => l.startsWith(`| \`threatmap ${cmd}`)) ?? '';
    for (const o of ['--min-risk', '--triage', '--bom', '--include-closed']) assert.ok(row('export').includes(o), `export ${o}`);
    for (const o of ['--fail-on-stale', '--format', '--triage']) assert.ok(row('check').includes(o), `check ${o}`);
    for (const o of ['-o FILE', '--triage']) assert.ok(row('diff').includes(o), `diff ${o}`);
    for (const o of ['-f yaml', '-o FILE', '--force']) assert.ok(row('generate').includes(o), `generate ${o}`);
    assert.ok(row('diagram').includes('--hide store,external'));
  });
});

describe('check: suggested commands are shell-quoted', () => {
  it('quotes what a shell would split or expand, with single quotes', () => {
    assert.equal(shellQuote('models/shop-v1.yaml'), 'models/shop-v1.yaml');
    assert.equal(shellQuote('my models/shop.yaml'), "'my models/shop.yaml'");
    assert.equal(shellQuote("it's.yaml"), "'it'\\''s.yaml'");
    assert.equal(shellQuote('$HOME*.yaml'), "'$HOME*.yaml'");
    assert.equal(shellQuote(''), "''");
  });

  it('a model in a folder with a space is quoted in the printed advice; a plain path is not', () => {
    const dir = join(tempDir(), 'my models');
    mkdirSync(dir);
    const model = join(dir, "it's.yaml");
    writeFileSync(model, generateModelText({ elements: 60, seed: 9, format: 'yaml' }));
    const r = run('check', model, '--fail-on', 'low', '--quiet');
    assert.equal(r.code, 1);
    const quoted = shellQuote(model);
    assert.ok(quoted.startsWith("'"), quoted);
    assert.ok(r.stdout.includes(`more (threatmap analyze ${quoted} --min-risk low)`), r.stdout);
    assert.match(r.stdout, new RegExp(`  threatmap triage ${quoted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} TM-[0-9a-f]+ --status accepted`));
    const plain = run('check', EXAMPLE, '--fail-on', 'low');
    assert.match(plain.stdout, new RegExp(`threatmap triage ${EXAMPLE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} TM-`));
    const list = run('triage', model);
    assert.equal(list.code, 0, list.stderr);
    assert.ok(list.stdout.includes(`set a decision with: threatmap triage ${quoted} ID`), list.stdout);
  });

  it('export warns about an option its format ignores, and not when the format uses it', () => {
    const html = run('export', EXAMPLE, '-f', 'html', '--bom', '--include-closed');
    assert.equal(html.code, 0, html.stderr);
    assert.match(html.stderr, /warning: --bom applies to csv only; ignored for html/);
    assert.match(html.stderr, /warning: --include-closed applies to sarif only; ignored for html/);
    const csv = run('export', EXAMPLE, '-f', 'csv', '--bom');
    assert.doesNotMatch(csv.stderr, /warning/);
  });
});
