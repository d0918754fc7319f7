// Session 20: every file `threatmap discover` names on the terminal (warnings, errors, the summary's file:line) is
// the path the user can open from the folder they ran it in: relative to it, or absolute when outside it. What the
// drafted model cites stays relative to the folder searched, wherever discover ran and wherever the model goes.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { openable } from '../../src/cli/discover.js';
import { tempFolder } from '../temp.js';
import { runIn } from './run-cli.js';


/**
 * `work/repo`: an Express service whose package.json has a nested `dependencies` before the top-level one and whose
 * env file holds a literal password, a service whose package.json is malformed (line 4, column 3), and a database.
 */
function workspace(): { work: string; repo: string } {
  const work = tempFolder('threatmap-discover-s20-');
  const repo = join(work, 'repo');
  const write = (path: string, text: string) => {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), text);
  };
  write('compose.yaml', [
    'services:',
    '  orders:',
    '    build: ./orders',
    '    ports: ["8080:8080"]',
    '    env_file: config/orders.env',
    '  broken:',
    '    build: ./broken',
    '  db:',
    '    image: postgres:16',
    '',
  ].join('\n'));
  write('orders/package.json', '{\n  "overrides": { "dependencies": { "express": "1" } },\n  "dependencies": {\n    "xml2js": "1",\n    "express": "4"\n  }\n}\n');
  write('broken/package.json', '{\n  "dependencies": {\n    "xml2js": "1",\n  }\n}\n');
  write('config/orders.env', 'DB_HOST=db\nDB_PASSWORD=hunter2secret\n');
  return { work, repo };
}

/** The lines of the summary and the warnings that name a file:line, as printed. */
const cited = (stderr: string): string[] => stderr.split('\n').filter((l) => /\S+:\d+/.test(l) && !/line \d+ of the model/.test(l));

describe('threatmap discover: files named as the user can open them', () => {
  const { work, repo } = workspace();

  it('run from the folder above: the warning and the summary name repo/..., the model cites files relative to repo', () => {
    const r = runIn(work, 'discover', 'repo');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^repo\/broken\/package\.json:4:3: warning\[dependency-manifest\]: package\.json: not valid JSON /m);
    assert.ok(r.stderr.includes('  orders: read repo/orders/package.json: xml2js (tag xml, repo/orders/package.json:4), express (tech express, repo/orders/package.json:5)\n'), r.stderr);
    assert.ok(r.stderr.includes('  broken: read repo/broken/package.json: no framework or library the rules read\n'), r.stderr);
    assert.match(r.stderr, /^ {2}check: service orders sets DB_PASSWORD to a literal .* \(repo\/config\/orders\.env:2\)$/m);
    assert.match(r.stderr, /^ {2}check: element `broken` has no flows \(repo\/compose\.yaml:6\)$/m);
    assert.match(r.stderr, /^threatmap discover: read 1 compose file: repo\/compose\.yaml$/m);
    // No file:line on the terminal names a file relative to the folder searched (it would not open from here).
    assert.deepEqual(cited(r.stderr).filter((l) => /(?:^|[ (])(?:orders|broken|config|compose)[/.]/.test(l)), []);
    // The model: relative to the folder searched, the same as when discover runs there (below).
    assert.match(r.stdout, /^ {2}# orders\/package\.json:5 dependency express\n {2}# hard-coded secret: config\/orders\.env:2 /m);
    assert.doesNotMatch(r.stdout, /repo\//);
  });

  it('run in the folder searched: the names are unchanged, relative to it, and the model is the same', () => {
    const here = runIn(repo, 'discover', '.');
    const above = runIn(work, 'discover', 'repo');
    assert.equal(here.code, 0, here.stderr);
    assert.match(here.stderr, /^broken\/package\.json:4:3: warning\[dependency-manifest\]/m);
    assert.ok(here.stderr.includes('(tech express, orders/package.json:5)'), here.stderr);
    assert.equal(here.stdout, above.stdout);
  });

  it('the folder given as an absolute path inside the current one: named relative to the current folder', () => {
    const r = runIn(work, 'discover', repo);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^repo\/broken\/package\.json:4:3: warning/m);
    assert.ok(r.stderr.includes('(tech express, repo/orders/package.json:5)'), r.stderr);
  });

  it('run from a folder inside the repository, searching it by `..`: files outside the current folder absolute, its own relative', () => {
    const r = runIn(join(repo, 'orders'), 'discover', '..', '-o', join(work, 'model.yaml'));
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stderr.startsWith(`${join(repo, 'broken', 'package.json')}:4:3: warning[dependency-manifest]`), r.stderr);
    assert.ok(r.stderr.includes('  orders: read package.json: xml2js (tag xml, package.json:4), express (tech express, package.json:5)\n'), r.stderr);
    assert.ok(r.stderr.includes(`(${join(repo, 'config', 'orders.env')}:2)`), r.stderr);
    assert.doesNotMatch(r.stderr, /\.\.\//);
    // Written elsewhere, the model still cites the files relative to the folder searched.
    const model = readFileSync(join(work, 'model.yaml'), 'utf8');
    assert.match(model, /^ {2}# orders\/package\.json:5 dependency express$/m);
    assert.match(model, /^# {3}broken\/package\.json \(dependency manifest\)$/m);
  });

  it('an error in a compose file names it from the current folder too, and nothing is written', () => {
    const bad = join(work, 'bad');
    mkdirSync(join(bad, 'svc'), { recursive: true });
    writeFileSync(join(bad, 'svc', 'compose.yaml'), 'services:\n  api:\n    image: [x\n');
    const r = runIn(work, 'discover', 'bad');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^bad\/svc\/compose\.yaml:\d+:\d+: error\[/m);
    assert.doesNotMatch(r.stderr, /^svc\/compose\.yaml/m);
    assert.equal(r.stdout, '');
  });

  it('a variable file Terraform does not load by itself is named from the current folder', () => {
    const infra = join(work, 'infra');
    mkdirSync(infra);
    writeFileSync(join(infra, 'main.tf'), 'resource "aws_db_instance" "db" {\n  engine = "mysql"\n}\n');
    writeFileSync(join(infra, 'prod.tfvars'), 'open = true\n');
    const r = runIn(work, 'discover', 'infra');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^threatmap discover: infra\/prod\.tfvars: not read \(Terraform loads it only with -var-file\)/m);
    assert.match(r.stderr, /\(infra\/main\.tf:1\)$/m);
  });
});

describe('openable: a path from the current folder', () => {
  it('inside the current folder: relative to it, `.` for the folder itself', () => {
    assert.equal(openable('/w/repo/a/b.json', '/w'), 'repo/a/b.json');
    assert.equal(openable('repo/./a/../b.json', '/w'), 'repo/b.json');
    assert.equal(openable('/w', '/w'), '.');
  });

  it('outside it: absolute, never `../`', () => {
    assert.equal(openable('../other/x.yaml', '/w/repo'), resolve('/w/other/x.yaml'));
    assert.equal(openable('/elsewhere/x.yaml', '/w'), '/elsewhere/x.yaml');
    // A name that merely starts with two dots is inside.
    assert.equal(openable('/w/..hidden/x', '/w'), '..hidden/x');
  });
});
