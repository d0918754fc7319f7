// `threatmap discover` as a person uses it: the model on standard output or in a file (never over an
// existing one without --force), a summary on standard error, exit 2 with file:line:col for a broken
// compose file or none at all, and the folder walk (sorted, skipping what is not the repository's own).
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanRepository } from '../../src/cli/discover.js';
import { noStack, run } from './run-cli.js';
import { tempFolder } from '../temp.js';

const scratch = () => tempFolder('threatmap-discover-');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('threatmap discover', () => {
  it('writes the drafted model to standard output and a summary to standard error', () => {
    const r = run('discover', 'test/fixtures/discover/voting');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# Drafted by `threatmap discover` from these files:\n# {3}docker-compose\.yml \(Docker Compose\)\n# {3}docker-stack\.yml \(Docker Compose\)\n/);
    assert.match(r.stdout, /^threatmap: 1$/m);
    assert.match(r.stdout, /# docker-compose\.yml:11 ports 5000:80; docker-stack\.yml:8 ports 5000:80\n {2}- clients -> ballot: \{ protocol: http, port: 5000 \}/);
    assert.match(r.stderr, /^threatmap discover: read 2 compose files: test\/fixtures\/discover\/voting\/docker-compose\.yml, test\/fixtures\/discover\/voting\/docker-stack\.yml$/m);
    assert.match(r.stderr, /drafted 5 services \(and outside clients for the published ports, and local clients for the loopback-only ports\), 7 flows, 3 trust boundaries/);
    assert.match(r.stderr, /left out loader: only in profile "seed", not started by default; add --profile seed to include it/);
    // counter pulls from the queue the ballot fills: fed, not a hole in the diagram.
    assert.doesNotMatch(r.stderr, /`counter` sends data but receives none/);
    assert.match(r.stderr, /next: save it \(-o threatmap\.yaml\), review it, then run: threatmap analyze threatmap\.yaml/);
  });

  it('a warning about the drafted model points at where its element was found in the compose files', () => {
    const dir = scratch();
    // exporter only writes into a store nothing else fills: who triggers it is in no file.
    writeFileSync(join(dir, 'docker-compose.yml'), 'services:\n  exporter:\n    build: ./exporter\n    depends_on: [archive]\n  archive:\n    image: postgres:16\n');
    const r = run('discover', dir);
    assert.equal(r.code, 0, r.stderr);
    // The compose file named as the user can open it: absolute, as the folder is outside the current one.
    assert.ok(r.stderr.includes(`check: process \`exporter\` sends data but receives none (${join(dir, 'docker-compose.yml')}:2)\n`), r.stderr);
  });

  it('-o writes the file atomically; analyze and validate run on it at once', () => {
    const dir = scratch();
    const out = join(dir, 'threatmap.yaml');
    const r = run('discover', 'test/fixtures/discover/shop', '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.deepEqual(readdirSync(dir), ['threatmap.yaml']);
    assert.match(r.stderr, new RegExp(`wrote ${escape(out)}; next: review it, then run: threatmap analyze ${escape(out)}`));
    const text = readFileSync(out, 'utf8');
    assert.match(text, /# Review these, then run: threatmap analyze .*threatmap\.yaml\n/);
    // The base file, then its override: the override's facts win.
    assert.match(text, /search: \{ tech: opensearch, in: shop \}/);
    const validate = run('validate', out);
    assert.equal(validate.code, 0, validate.stderr);
    const analyze = run('analyze', out, '--quiet');
    assert.equal(analyze.code, 0, analyze.stderr);
    assert.match(analyze.stdout, /^## Threat Model: shop/);
    assert.match(analyze.stdout, /Outside clients -> proxy \| internet -> internal/);
  });

  it('refuses to overwrite an existing file without --force, and replaces it with --force', () => {
    const dir = scratch();
    const out = join(dir, 'threatmap.yaml');
    writeFileSync(out, 'my hand-written model\n');
    const refused = run('discover', 'test/fixtures/discover/voting', '-o', out);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, new RegExp(`${escape(out)}: already exists; not overwriting it \\(add --force to replace it\\)`));
    assert.equal(refused.stdout, '');
    noStack(refused.stderr);
    assert.equal(readFileSync(out, 'utf8'), 'my hand-written model\n');
    const forced = run('discover', 'test/fixtures/discover/voting', '-o', out, '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(out, 'utf8'), /^threatmap: 1$/m);
    assert.deepEqual(readdirSync(dir), ['threatmap.yaml']);
    const folder = run('discover', 'test/fixtures/discover/voting', '-o', dir, '--force');
    assert.equal(folder.code, 2);
    assert.match(folder.stderr, /is a folder/);
  });

  it('no compose file, or no such folder: a clear message and exit 2', () => {
    const empty = scratch();
    writeFileSync(join(empty, 'notes.yml'), 'services: {}\n');
    const none = run('discover', empty);
    assert.equal(none.code, 2);
    assert.match(none.stderr, new RegExp(`no Docker Compose files in ${escape(empty)} \\(looked for compose\\.yaml, docker-compose\\*\\.yml`));
    assert.equal(none.stdout, '');
    const missing = run('discover', join(empty, 'nope'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope: no such file or folder/);
    for (const r of [none, missing]) noStack(r.stderr);
  });

  it('a broken compose file: file:line:col, exit 2, no stack trace, nothing written', () => {
    const dir = scratch();
    const out = join(dir, 'threatmap.yaml');
    const r = run('discover', 'test/fixtures/discover/broken', '-o', out);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^test\/fixtures\/discover\/broken\/docker-compose\.yml:5:12: error\[syntax-error\]: the `\[` of `ports` has no closing `\]`\n {4}hint: add `\]` at its end/m);
    assert.match(r.stderr, /nothing written; fix the 1 error above and run it again/);
    noStack(r.stderr);
    assert.equal(r.stdout, '');
    assert.deepEqual(readdirSync(dir), []);
    // One broken file among good ones stops the run too.
    const tree = scratch();
    cpSync('test/fixtures/discover/voting', join(tree, 'voting'), { recursive: true });
    writeFileSync(join(tree, 'docker-compose.yml'), 'services:\n  web: nginx\n');
    const mixed = run('discover', tree);
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, new RegExp(`^${escape(join(tree, 'docker-compose.yml'))}:2:8: error\\[invalid-service\\]: service \`web\` is not a map of settings$`, 'm'));
    assert.equal(mixed.stdout, '');
  });

  it('reads one file given instead of a folder, whatever its name', () => {
    const dir = scratch();
    const file = join(dir, 'deploy.yml');
    writeFileSync(file, 'services:\n  api:\n    image: example/api\n    ports: ["8080:8080"]\n');
    const r = run('discover', file);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# {3}deploy\.yml \(Docker Compose\)$/m);
    assert.match(r.stdout, /# deploy\.yml:4 ports 8080:8080\n {2}- clients -> api: \{ protocol: http, port: 8080 \}/);
    // A dependency no file defines is reported, not drawn.
    writeFileSync(file, 'services:\n  api:\n    image: example/api\n    depends_on: [db]\n');
    const dangling = run('discover', file);
    assert.equal(dangling.code, 0, dangling.stderr);
    assert.ok(dangling.stderr.includes(`api depends_on db, which no compose file defines (${file}:4)\n`), dangling.stderr);
  });

  it('--profile includes a profile\'s services; a profile nothing uses is reported; a bad name is a usage error', () => {
    const seeded = run('discover', 'test/fixtures/discover/voting', '--profile', 'seed');
    assert.equal(seeded.code, 0, seeded.stderr);
    assert.match(seeded.stdout, /^ {2}loader: \{ type: service, in: voting \}$/m);
    assert.match(seeded.stdout, /^ {2}- loader -> ballot: http$/m);
    assert.ok(!seeded.stderr.includes('left out'));
    const unused = run('discover', 'test/fixtures/discover/voting', '--profile', 'seed', '--profile', 'nothing');
    assert.equal(unused.code, 0, unused.stderr);
    assert.match(unused.stderr, /no service is in profile "nothing"/);
    const bad = run('discover', 'test/fixtures/discover/voting', '--profile', '-x y');
    assert.equal(bad.code, 2);
    noStack(bad.stderr);
  });

  it('the same repository gives the same bytes, wherever it is checked out', () => {
    const copies = [scratch(), scratch()].map((parent) => {
      const repo = join(parent, 'repo');
      for (const name of ['shop', 'voting', 'edge']) cpSync(`test/fixtures/discover/${name}`, join(repo, name), { recursive: true });
      return repo;
    });
    const [a, b] = copies.map((repo) => run('discover', repo));
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, b.stdout);
    assert.match(a.stdout, /^ {2}name: repo$/m);
    // Paths in the model are relative to the folder searched.
    assert.match(a.stdout, /^# {3}edge\/compose\.yaml \(Docker Compose\)\n# {3}shop\/docker-compose\.yml \(Docker Compose\)\n# {3}shop\/docker-compose\.override\.yml \(Docker Compose\)\n# {3}voting\/docker-compose\.yml/m);
    assert.ok(!a.stdout.includes(copies[0]));
    // Both fixtures have a `queue`: the merge makes it one element, and says so.
    assert.match(a.stderr, /queue is a service of projects shop, voting: drafted as one element/);
  });
});

describe('finding compose files', () => {
  it('sorted, a folder\'s base file before its variants and overrides, subfolders after; skips what is not the repository\'s own', () => {
    const root = scratch();
    const write = (path: string) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), 'services: {}\n');
    };
    for (const path of [
      'docker-compose.override.yml', 'docker-compose.yml', 'compose.prod.yaml', 'docker-compose.dev.yml', 'app.docker-compose.yaml',
      'docker-stack.yml', 'web.docker-stack.yml', 'b/compose.yaml', 'a/docker-compose.yml', 'a/deep/compose.yml', 'Docker-Compose.YML.bak',
      'notes.yml', 'composer.yml', 'node_modules/pkg/docker-compose.yml', 'vendor/x/compose.yaml', 'dist/compose.yaml', 'build/compose.yaml',
      '.git/compose.yaml', '.devcontainer/docker-compose.yml',
    ]) write(path);
    mkdirSync(join(root, 'elsewhere'));
    writeFileSync(join(root, 'elsewhere', 'compose.yaml'), 'services: {}\n');
    symlinkSync(join(root, 'elsewhere'), join(root, 'linked'));
    symlinkSync(join(root, 'docker-compose.yml'), join(root, 'linked.docker-compose.yml'));
    const warnings: string[] = [];
    assert.deepEqual(scanRepository(root, (m) => warnings.push(m)).compose, [
      'docker-compose.yml',
      'app.docker-compose.yaml', 'compose.prod.yaml', 'docker-compose.dev.yml', 'docker-stack.yml', 'web.docker-stack.yml',
      'docker-compose.override.yml',
      'a/docker-compose.yml', 'a/deep/compose.yml', 'b/compose.yaml', 'elsewhere/compose.yaml',
    ]);
    assert.deepEqual(warnings, []);
  });

  it('an override without `name:` belongs to its folder\'s named project', () => {
    const r = run('discover', 'test/fixtures/discover/shop');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}audit: \{ type: service, in: shop \}$/m);
    assert.ok(!/in: (?!shop|outside|host)/.test(r.stdout), r.stdout);
    assert.match(r.stderr, /drafted 10 services .*, 3 trust boundaries/);
  });
});
