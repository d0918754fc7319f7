// Atomic writes replace the file the user means: through symbolic links, with its permissions kept.
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { emit, readModelSource, UserError, writeFileAtomic } from '../../src/cli/io.js';
import { tempFolder } from '../temp.js';
import { CLI_SHELL } from './bin.js';

const dir = tempFolder('threatmap-io-');
after(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes through a symbolic link: the link stays, the file it points to gets the text', () => {
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'model.yaml'), 'old\n');
    symlinkSync(join('real', 'model.yaml'), join(dir, 'link.yaml'));
    writeFileAtomic(join(dir, 'link.yaml'), 'new\n');
    assert.ok(lstatSync(join(dir, 'link.yaml')).isSymbolicLink());
    assert.equal(readlinkSync(join(dir, 'link.yaml')), join('real', 'model.yaml'));
    assert.equal(readFileSync(join(dir, 'real', 'model.yaml'), 'utf8'), 'new\n');
    assert.deepEqual(readdirSync(join(dir, 'real')), ['model.yaml'], 'no temporary file left behind');
  });

  it('follows a chain of links, and creates the file a dangling link points to', () => {
    symlinkSync('second.yaml', join(dir, 'first.yaml'));
    symlinkSync(join('made', 'target.yaml'), join(dir, 'second.yaml'));
    mkdirSync(join(dir, 'made'));
    writeFileAtomic(join(dir, 'first.yaml'), 'text\n');
    assert.ok(lstatSync(join(dir, 'first.yaml')).isSymbolicLink());
    assert.ok(lstatSync(join(dir, 'second.yaml')).isSymbolicLink());
    assert.equal(readFileSync(join(dir, 'made', 'target.yaml'), 'utf8'), 'text\n');
  });

  it('keeps the permissions of the file it replaces', () => {
    const file = join(dir, 'private.yaml');
    writeFileSync(file, 'old\n');
    chmodSync(file, 0o640);
    writeFileAtomic(file, 'new\n');
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.equal(readFileSync(file, 'utf8'), 'new\n');
  });

  it('a plain file stays a plain file and a new file is created', () => {
    const file = join(dir, 'plain.yaml');
    writeFileAtomic(file, 'one\n');
    writeFileAtomic(file, ['two', '\n']);
    assert.ok(lstatSync(file).isFile());
    assert.equal(readFileSync(file, 'utf8'), 'two\n');
  });

  it('a circular link is an error naming the path given, never a stack trace', () => {
    symlinkSync('loop-b.yaml', join(dir, 'loop-a.yaml'));
    symlinkSync('loop-a.yaml', join(dir, 'loop-b.yaml'));
    assert.throws(() => writeFileAtomic(join(dir, 'loop-a.yaml'), 'x'), (err: unknown) =>
      err instanceof UserError && err.message.startsWith(`${join(dir, 'loop-a.yaml')}: cannot write`));
  });
});

describe('emit', () => {
  it('refuses an --output that is a file the command read (or a link to it), and writes any other', async () => {
    const model = join(dir, 'read-model.yaml');
    writeFileSync(model, 'threatmap: 1\n');
    symlinkSync('read-model.yaml', join(dir, 'read-link.yaml'));
    readModelSource(model, 1024);
    for (const output of [model, join(dir, 'read-link.yaml'), join(dir, '.', 'read-model.yaml')]) {
      await assert.rejects(emit(output, 'report'), (err: unknown) => err instanceof UserError && /this command reads that file/.test(err.message));
    }
    assert.equal(readFileSync(model, 'utf8'), 'threatmap: 1\n');
    await emit(join(dir, 'report.md'), 'report');
    assert.equal(readFileSync(join(dir, 'report.md'), 'utf8'), 'report');
  });
});

describe('a reader of standard output that goes away', () => {
  const cli = CLI_SHELL;
  const piped = (command: string) => spawnSync('bash', ['-c', `${cli} ${command} | (exec 0<&-; sleep 0.2); echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
  it('leaves the command its own exit code: a failed check is still a failure', () => {
    const r = piped('check examples/ecommerce.yaml --fail-on medium');
    assert.equal(r.stdout.trim(), '1', r.stderr);
    assert.doesNotMatch(r.stderr, /EPIPE|Error/);
  });
  it('and a command that succeeds still ends with 0, quietly', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; ${cli} analyze examples/ecommerce.yaml | head -c 10 > /dev/null`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
  });
});

describe('readModelSource', () => {
  it('refuses a file that is not UTF-8 at the line and column of the first byte that does not decode', () => {
    const file = join(dir, 'latin1.yaml');
    writeFileSync(file, Buffer.from('threatmap: 1\nsystem: { name: "Caf\xc3\xa9 Acm\xe9" }\n', 'latin1'));
    assert.throws(() => readModelSource(file, 1024), (err: unknown) =>
      err instanceof UserError && err.message.startsWith(`${file}:2:26: error[not-utf8]: byte 0xE9 is not UTF-8`));
  });
  it('reads UTF-8, with a byte order mark or characters of every length', () => {
    const file = join(dir, 'utf8.yaml');
    const text = '\ufeffthreatmap: 1\nsystem: { name: "Café € 𝄞" }\n';
    writeFileSync(file, text);
    assert.equal(readModelSource(file, 1024).text, text);
  });
});
