// Command-line input and output hygiene: output to a slow reader is complete and held back rather than queued
// in memory; model text cannot drive the terminal; `-` is standard input (and `-o -` standard output);
// system errors are said in words with their code; an empty file or a JSON trailing comma is said so.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { describeError } from '../../src/cli/io.js';
import { generateModelText } from '../../src/model/generate.js';
import { tempFolder } from '../temp.js';
import { CLI, CLI_SHELL } from './bin.js';
import { noStack } from './run-cli.js';

const IO = resolve('src/cli/io.ts');
const TSX = import.meta.resolve('tsx');
const EXAMPLE = resolve('examples/ecommerce.yaml');
const dir = tempFolder('threatmap-cli-io-');
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run { code: number | null; stdout: string; stderr: string }

/** The CLI with `input` on its standard input (none: an empty one). */
function cli(args: readonly string[], input = ''): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  noStack(r.stderr);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A TypeScript script run with tsx, for what only a process of its own may do (replace its standard output). */
function script(name: string, body: string): Run {
  const file = join(dir, name);
  writeFileSync(file, body);
  const r = spawnSync(process.execPath, ['--import', TSX, file], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Any character a terminal acts on: C0 but tab and line feed, DEL, C1, bidi embeddings, overrides and isolates. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

describe('standard output to a slow reader', () => {
  it('arrives complete, byte for byte what -o writes, through a reader that pauses at every piece', () => {
    const model = join(dir, 'generated.yaml');
    writeFileSync(model, generateModelText({ elements: 300, seed: 2 }));
    const file = join(dir, 'generated.json');
    assert.equal(cli(['analyze', model, '-f', 'json', '-o', file]).code, 0);
    const expected = readFileSync(file);
    const reader = join(dir, 'slow-reader.mjs');
    writeFileSync(reader, [
      "import { createHash } from 'node:crypto';",
      "let bytes = 0; const hash = createHash('sha256');",
      "process.stdin.on('data', (c) => { bytes += c.length; hash.update(c); process.stdin.pause(); setTimeout(() => process.stdin.resume(), 2); });",
      "process.stdin.on('end', () => console.log(bytes, hash.digest('hex')));",
    ].join('\n'));
    const r = spawnSync('bash', ['-c', `${CLI_SHELL} analyze "${model}" -f json | "${process.execPath}" "${reader}"; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    const [counted, status] = r.stdout.trim().split('\n');
    assert.equal(status, '0', r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(counted, `${expected.length} ${sha(expected)}`);
  });

  it('is written with backpressure: the next piece is made only once the stream has taken the last', () => {
    // A stream that takes a piece per turn of the event loop and holds at most 1 KB: without backpressure
    // every piece would be made (and queued) at once.
    const r = script('backpressure.mts', `
import { Writable } from 'node:stream';
import { emit } from ${JSON.stringify(IO)};
let made = 0, taken = 0, ahead = 0;
const received: string[] = [];
const slow = new Writable({ highWaterMark: 1024, decodeStrings: false, write(chunk, _e, done) { setImmediate(() => { taken++; received.push(String(chunk)); done(); }); } });
Object.defineProperty(process, 'stdout', { value: slow, configurable: true });
function* pieces() { for (let i = 0; i < 200; i++) { made++; ahead = Math.max(ahead, made - taken); yield 'x'.repeat(4096); } }
await emit(undefined, pieces());
// One whole string larger than a piece, cut where an emoji's surrogate pair must stay together.
const whole = 'a'.repeat(65535) + '\\u{1F600}' + 'b'.repeat(70000);
const before = received.length;
await emit(undefined, whole);
await new Promise((done) => slow.end(done));
process.stderr.write(JSON.stringify({ made, ahead, total: received.slice(0, before).join('').length, whole: received.slice(before).join('') === whole, pieces: received.length - before }));
`);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stderr) as { made: number; ahead: number; total: number; whole: boolean; pieces: number };
    assert.equal(out.made, 200);
    assert.equal(out.total, 200 * 4096);
    assert.ok(out.ahead <= 2, `made ${out.ahead} pieces ahead of the reader`);
    assert.equal(out.whole, true, 'the whole string arrives unchanged, its surrogate pair intact');
    assert.equal(out.pieces, 3);
  });

  it('stops, without waiting for ever, when the reader goes away mid-way', () => {
    const r = script('gone.mts', `
import { Writable } from 'node:stream';
import { emit } from ${JSON.stringify(IO)};
let made = 0;
const slow = new Writable({ highWaterMark: 16, write(_c, _e, done) { setImmediate(done); } });
slow.on('error', () => {});
Object.defineProperty(process, 'stdout', { value: slow, configurable: true });
function* pieces() { for (let i = 0; i < 1000; i++) { made++; if (made === 5) slow.destroy(); yield 'piece'; } }
await emit(undefined, pieces());
process.stderr.write(String(made));
`);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Number(r.stderr) <= 6, `made ${r.stderr} pieces`);
  });
});

/** A model with each kind of control character in names and free text. */
const HOSTILE = [
  'threatmap: 1',
  'system: { name: "Shop\\e[2J\\e]0;pwned\\a", description: "one\\ttab\\ntwo\\rCR \\0NUL \\x9b31m \\u202Eevil\\u2066 end\\x7f" }',
  'boundaries:',
  '  internet: { name: "Inter\\e[31mnet", trust: untrusted }',
  '  app: { name: "App\\u202Enet", trust: internal }',
  'assets:',
  '  pii: { name: "PII\\e[5m", type: pii, classification: confidential }',
  'elements:',
  '  browser: { name: "Browser\\e[2J", tech: browser, in: internet }',
  '  api: { name: "API\\x9b2J\\u202Egnp.exe", tech: node, in: app, handles: [pii] }',
  '  db: { name: "DB\\0\\a\\b", tech: postgres, in: app, stores: [pii] }',
  'flows:',
  '  - { from: browser, to: api, protocol: http, data: [pii] }',
  '  - { from: api, to: db, protocol: tcp, data: [pii] }',
  '',
].join('\n');

describe('control characters in a model never reach the terminal', () => {
  const model = join(dir, 'hostile.yaml');
  writeFileSync(model, HOSTILE);

  it('in the report, the diagrams, check, triage, diff and validate: written out visibly instead', () => {
    const runs: Array<[string[], number]> = [
      [['analyze', model], 0], [['analyze', model, '--diagram', 'mermaid'], 0], [['diagram', model], 0], [['diagram', model, '-f', 'unicode'], 0],
      [['check', model], 1], [['triage', model], 0], [['diff', EXAMPLE, model], 0], [['validate', model], 0],
    ];
    for (const [args, code] of runs) {
      const r = cli(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stdout, UNSAFE, args.join(' '));
      assert.doesNotMatch(r.stderr, UNSAFE, args.join(' '));
    }
    assert.ok(cli(['analyze', model]).stdout.startsWith('## Threat Model: Shop\\u001b[2J\\u001b]0;pwned\\u0007\n'));
    assert.match(cli(['triage', model]).stdout, /SQL injection from API\\u009b2J\\u202egnp\.exe into DB\\u0000\\u0007\\u0008/);
  });

  it('in a diagnostic that quotes the model (an unknown reference)', () => {
    const broken = join(dir, 'hostile-broken.yaml');
    writeFileSync(broken, HOSTILE.replace('{ from: api, to: db,', '{ from: api, to: "db\\e[2J",'));
    for (const command of ['validate', 'analyze']) {
      const r = cli([command, broken]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /hostile-broken\.yaml:14:\d+: error/);
      assert.ok(r.stderr.includes('\\u001b[2J'), r.stderr);
      assert.doesNotMatch(r.stderr, UNSAFE);
    }
  });

  it('the JSON result keeps them as data (JSON escapes them itself)', () => {
    const r = cli(['analyze', model, '-f', 'json']);
    assert.equal(r.code, 0);
    assert.equal((JSON.parse(r.stdout) as { system: { name: string } }).system.name, 'Shop\u001b[2J\u001b]0;pwned\u0007');
  });
});

describe('- is standard input', () => {
  const example = readFileSync(EXAMPLE, 'utf8');

  it('analyze - reports what analyze FILE does, naming <stdin>, and says no triage file is applied', () => {
    const piped = cli(['analyze', '-'], example);
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, cli(['analyze', EXAMPLE]).stdout.replaceAll(EXAMPLE, '<stdin>'));
    assert.match(piped.stderr, /^note: the model is read from standard input, so no triage file beside it is applied; give one with --triage FILE\n$/);
    assert.equal(cli(['analyze', '-', '-q'], example).stderr, '');
  });

  it('with --triage FILE its decisions apply', () => {
    const triage = join(dir, 'stdin.triage.yaml');
    const id = /T1\s+(TM-[0-9a-f]{8})/.exec(cli(['triage', EXAMPLE]).stdout)![1];
    writeFileSync(triage, `threatmap-triage: 1\nthreats:\n  ${id}: { status: mitigated, reason: fixed }\n`);
    const r = cli(['analyze', '-', '--triage', triage, '-f', 'json'], example);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const threat = (JSON.parse(r.stdout) as { threats: Array<{ uid: string; triage?: { status: string } }> }).threats.find((t) => t.uid === id);
    assert.equal(threat?.triage?.status, 'mitigated');
  });

  it('JSON is told from the content, for check, validate, diagram and export too', () => {
    const json = generateModelText({ elements: 4, seed: 1, format: 'json' });
    assert.ok(json.startsWith('{'));
    const file = join(dir, 'generated4.json');
    writeFileSync(file, json);
    const valid = cli(['validate', '-'], json);
    assert.match(valid.stdout, /^<stdin>: valid \(4 elements, \d+ flows\)\n$/);
    assert.equal(valid.stdout, cli(['validate', file]).stdout.replace(file, '<stdin>'));
    assert.equal(cli(['diagram', '-', '-f', 'mermaid'], json).code, 0);
    assert.equal(cli(['check', '-', '-q', '--fail-on', 'critical'], example).code, 0);
    const csv = cli(['export', '-', '-f', 'csv', '-q'], example);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout, cli(['export', EXAMPLE, '-f', 'csv']).stdout.replaceAll(EXAMPLE, '<stdin>'));
  });

  it('its problems name <stdin> with line and column; not UTF-8 and empty input are refused as a file would be', () => {
    const bad = cli(['validate', '-'], 'threatmap: 1\nsystem: { name: x }\nelements:\n  a: { kind: nope }\n');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^<stdin>:4:8: error\[invalid-value\]: unknown kind `nope`/);
    const latin1 = spawnSync(process.execPath, [CLI, 'analyze', '-'], { input: Buffer.from('threatmap: 1\nsystem: { name: "Caf\xe9" }\n', 'latin1'), encoding: 'utf8' });
    assert.equal(latin1.status, 2);
    assert.match(latin1.stderr, /^<stdin>:2:21: error\[not-utf8\]: byte 0xE9 is not UTF-8/);
    assert.match(cli(['analyze', '-'], '').stderr, /^<stdin>:1:1: error\[empty-model\]/);
  });

  it('is held to the same size limit, read no further than the limit', () => {
    const r = script('limit.ts', `
import { readModelSource, UserError } from ${JSON.stringify(IO)};
try { readModelSource('-', 1024); } catch (err) { process.stderr.write(err instanceof UserError ? err.message : String(err)); }
`);
    assert.equal(r.stderr, '');
    const limited = spawnSync(process.execPath, ['--import', TSX, join(dir, 'limit.ts')], { input: 'x'.repeat(5000), encoding: 'utf8' });
    assert.equal(limited.stderr, '<stdin>:1:1: error[file-too-large]: the model is more than 0.0009765625 MB; the limit is 0.0009765625 MB');
    const within = spawnSync(process.execPath, ['--import', TSX, join(dir, 'limit.ts')], { input: 'x'.repeat(1000), encoding: 'utf8' });
    assert.equal(within.stderr, '');
  });

  it('is read once: a second - is refused, and diff - - says so', () => {
    const r = cli(['diff', '-', '-'], example);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /<stdin>: standard input is already read; only one argument can be -/);
    const v = cli(['validate', '-', '-'], example);
    assert.equal(v.code, 2);
    assert.match(v.stdout, /^<stdin>: valid/);
    assert.match(v.stderr, /standard input is already read/);
  });

  it('is refused where it cannot work: triage and serve write beside the model, --base reads it from git, --into writes it', () => {
    const refusals: Array<[string[], RegExp]> = [
      [['triage', '-'], /^-: triage keeps its decisions in the file beside the model/],
      [['serve', '-'], /^-: serve writes the model back/],
      [['check', '-', '--new-only', '--base', 'HEAD'], /^-: --base HEAD reads the model's file as git has it/],
      [['diff', '-', '--base', 'HEAD'], /^-: --base HEAD reads the model's file as git has it/],
      [['import', EXAMPLE, '--into', '-'], /^-: --into adds to a model file/],
    ];
    for (const [args, message] of refusals) {
      const r = cli(args, example);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stdout, '');
    }
  });

  it('-o - is standard output, as no -o; -o FILE still writes the file', () => {
    const dash = cli(['analyze', EXAMPLE, '-o', '-']);
    assert.equal(dash.code, 0);
    assert.equal(dash.stdout, cli(['analyze', EXAMPLE]).stdout);
    const generated = cli(['generate', '--elements', '3', '-o', '-']);
    assert.match(generated.stdout, /^# /);
    // A binary diagram may go to a pipe (it is refused only on a terminal).
    const png = spawnSync(process.execPath, [CLI, 'diagram', EXAMPLE, '-f', 'png', '-o', '-']);
    assert.equal(png.status, 0, String(png.stderr));
    assert.deepEqual([...png.stdout.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    const out = join(dir, 'report.md');
    assert.equal(cli(['analyze', EXAMPLE, '-o', out]).stdout, '');
    assert.equal(readFileSync(out, 'utf8'), dash.stdout);
  });
});

describe('system errors in words', () => {
  it('the common codes in words with the code after them; others in the system\'s words; other errors by message', () => {
    const errno = (code: string, message = `${code}: something, open 'x'`) => Object.assign(new Error(message), { code });
    assert.equal(describeError(errno('EACCES')), 'permission denied (EACCES)');
    assert.equal(describeError(errno('ENOSPC')), 'no space left on device (ENOSPC)');
    assert.equal(describeError(errno('EISDIR')), 'is a directory (EISDIR)');
    assert.equal(describeError(errno('ENOTDIR')), 'a parent is not a directory (ENOTDIR)');
    assert.equal(describeError(errno('EROFS')), 'read-only file system (EROFS)');
    assert.equal(describeError(errno('ENAMETOOLONG')), 'file name too long (ENAMETOOLONG)');
    assert.equal(describeError(errno('EXDEV', 'EXDEV: cross-device link not permitted, rename')), 'cross-device link not permitted (EXDEV)');
    assert.equal(describeError(errno('EWHAT', 'something else')), 'EWHAT');
    assert.equal(describeError(errno('ERR_STRING_TOO_LONG', 'Cannot create a string longer than 0x1fffffe8 characters')), 'Cannot create a string longer than 0x1fffffe8 characters');
  });

  it('in messages about reading and writing files', () => {
    const full = cli(['analyze', EXAMPLE, '-o', '/dev/full']);
    assert.equal(full.code, 2);
    assert.equal(full.stderr, '/dev/full: cannot write: no space left on device (ENOSPC)\n');
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    assert.equal(cli(['analyze', EXAMPLE, '-o', folder]).stderr, `${folder}: cannot write: is a directory (EISDIR)\n`);
    assert.equal(cli(['analyze', `${EXAMPLE}/model.yaml`]).stderr, `${EXAMPLE}/model.yaml: cannot read: a parent is not a directory (ENOTDIR)\n`);
    const toStdout = spawnSync('bash', ['-c', `${CLI_SHELL} analyze "${EXAMPLE}" > /dev/full`], { encoding: 'utf8' });
    assert.equal(toStdout.status, 2);
    assert.equal(toStdout.stderr, 'threatmap: cannot write to standard output: no space left on device (ENOSPC)\n');
  });
});

describe('threatmap import: an empty file, and JSON with a trailing comma', () => {
  it('an empty (or blank) file is said to be empty, with what was expected', () => {
    for (const [name, text] of [['empty.otm.json', ''], ['blank.json', ' \n\t\n'], ['empty.tm7', '']]) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const r = cli(['import', file]);
      assert.equal(r.code, 2);
      assert.ok(r.stderr.startsWith(`${file}:1:1: error[empty-file]: the file is empty; expected a file in one of the formats threatmap import reads\n    expected: Open Threat Model`), r.stderr);
    }
    const piped = cli(['import', '-'], '');
    assert.match(piped.stderr, /^<stdin>:1:1: error\[empty-file\]: the file is empty/);
  });

  it('a trailing comma in OTM or Threat Dragon JSON is pointed at; without it the file imports', () => {
    const otm = '{\n  "otmVersion": "0.2.0",\n  "project": { "name": "P", "id": "p" },\n  "components": [\n    { "id": "a", "name": "A", "type": "web-service" },\n  ]\n}\n';
    const file = join(dir, 'comma.otm.json');
    writeFileSync(file, otm);
    const r = cli(['import', file]);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.startsWith(`${file}:6:3: error[syntax-error]: invalid JSON: expected a value after \`,\` (JSON allows no trailing comma), found \`]\`\n`), r.stderr);
    writeFileSync(file, otm.replace('},\n  ]', '}\n  ]'));
    const fixed = cli(['import', file]);
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.match(fixed.stdout, /^# /);
    const td = join(dir, 'comma.td.json');
    writeFileSync(td, '{\n  "summary": { "title": "T", },\n  "detail": { "diagrams": [] }\n}\n');
    assert.ok(cli(['import', td]).stderr.startsWith(`${td}:2:30: error[syntax-error]: invalid JSON: expected a key after \`,\` (JSON allows no trailing comma), found \`}\``));
  });
});
