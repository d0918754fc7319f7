// Session 21: the drafted model's header says which folder the paths it cites are relative to (by its name, so that
// the draft stays the same wherever it is made), and the two terminal messages that named paths as walked name them as the user can open them (see openable).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { folderName, scanRepository } from '../../src/cli/discover.js';
import { draftToYaml, emptyDraft } from '../../src/import/draft.js';
import { tempFolder } from '../temp.js';
import { runIn } from './run-cli.js';


/** `work/voting-app/k8s/compose.yaml`: a folder to search from `work`, one level down. */
function workspace(): string {
  const work = tempFolder('threatmap-draft-s21-');
  mkdirSync(join(work, 'voting-app', 'k8s'), { recursive: true });
  writeFileSync(join(work, 'voting-app', 'k8s', 'compose.yaml'), 'services:\n  vote:\n    image: acme/vote\n    ports: ["5000:80"]\n');
  return work;
}

const HEADER = /^# Paths in this draft are relative to (.*), the folder searched\.$/m;

describe('the draft header names the folder its paths are relative to', () => {
  it('by its name, however it was given: the cited paths open from that folder', () => {
    const work = workspace();
    for (const given of ['voting-app', './voting-app/', 'voting-app/k8s/..']) {
      const r = runIn(work, 'discover', given);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(HEADER.exec(r.stdout)?.[1], 'voting-app', given);
      assert.match(r.stdout, /# k8s\/compose\.yaml:4 ports 5000:80\n/);
    }
    // A file given: the folder it is in.
    assert.equal(HEADER.exec(runIn(join(work, 'voting-app'), 'discover', 'k8s/compose.yaml').stdout)?.[1], 'k8s');
  });

  it('never a path that depends on where discover ran or the repository is: the same bytes from inside, above, or by absolute path', () => {
    const work = workspace();
    const above = runIn(work, 'discover', 'voting-app');
    const inside = runIn(join(work, 'voting-app'), 'discover', '.');
    const absolute = runIn(join(work, 'voting-app', 'k8s'), 'discover', join(work, 'voting-app'));
    assert.equal(inside.stdout, above.stdout);
    assert.equal(absolute.stdout, above.stdout);
    assert.ok(!above.stdout.includes(work), above.stdout);
    // A draft written without a folder (the importers' tests) has no such line.
    assert.doesNotMatch(draftToYaml(emptyDraft()), /relative to/);
    assert.match(draftToYaml(emptyDraft(), { folder: 'repo' }), /^# Paths in this draft are relative to repo, the folder searched\.$/m);
  });

  it('folderName: the last part of the resolved path; the root folder by its path', () => {
    assert.equal(folderName('a//b/./c/'), 'c');
    assert.equal(folderName('/srv/repo/..'), 'srv');
    assert.equal(folderName('/'), '/');
  });
});

describe('terminal paths of a folder that cannot be read or is not there', () => {
  it('no such file or folder: relative to the current folder even when given absolute', () => {
    const work = workspace();
    const r = runIn(work, 'discover', join(work, 'gone'));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^gone: no such file or folder$/m);
    assert.ok(!r.stderr.includes(join(work, 'gone')), r.stderr);
  });

  it('no such file or folder outside the current folder: absolute, as it opens from here', () => {
    const work = workspace();
    const r = runIn(join(work, 'voting-app'), 'discover', '../gone');
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(`${join(work, 'gone')}: no such file or folder`), r.stderr);
  });

  it('cannot read this folder: named as `show` names it, not as walked', () => {
    const work = workspace();
    // A file where a folder is expected fails to list (ENOTDIR), whoever runs the tests (root reads any folder).
    const notAFolder = join(work, 'voting-app', 'k8s', 'compose.yaml');
    const shown: string[] = [];
    scanRepository(notAFolder, (m) => shown.push(m), new Set(), (rel) => `shown:${rel === '' ? '.' : rel}`);
    assert.equal(shown.length, 1);
    assert.match(shown[0], /^shown:\.: cannot read this folder: .*; skipped$/);
    assert.ok(!shown[0].includes(notAFolder), shown[0]);
    // Without `show`, the folder as given.
    const plain: string[] = [];
    scanRepository(notAFolder, (m) => plain.push(m));
    assert.ok(plain[0].startsWith(`${notAFolder}: cannot read this folder`), plain[0]);
  });
});
