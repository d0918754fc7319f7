// Docker secrets read from a file the repository holds (`secrets: { db: { file: ./secrets/db.txt } }`, the file
// there and not git-ignored) are secrets kept in the repository: a check naming the file, never its content, as a
// Secret committed with values is; and the services using them do not count as keeping secrets in a secret store.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gitIgnored } from '../../src/cli/discover.js';
import { discoverCompose } from '../../src/import/compose.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { run } from '../cli/run-cli.js';
import { elementOf } from './draft-helpers.js';
import { tempFolder } from '../temp.js';

const COMPOSE = `services:
  db:
    image: postgres:16
    environment: [POSTGRES_PASSWORD_FILE=/run/secrets/db_password]
    secrets: [db_password]
  api:
    image: example/api
    secrets: [api_key]
secrets:
  db_password:
    file: ./secrets/db.txt
  api_key:
    file: ./secrets/api.key
`;

function read(files: Record<string, { ignored: boolean }>) {
  const r = discoverCompose(COMPOSE, 'compose.yaml', {
    secretFile: (path) => {
      const file = path.replace(/^\.\//, '');
      return files[file] && { file, ignored: files[file].ignored };
    },
  });
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}

describe('discover s16: Docker secrets from files in the repository', () => {
  it('a secret file there and not git-ignored is a check naming it, and its services get no secrets-management', () => {
    const { draft, checks } = read({ 'secrets/db.txt': { ignored: false }, 'secrets/api.key': { ignored: true } });
    assert.deepEqual(checks.map((c) => `${c.file}:${c.line} ${c.message}`), [
      'compose.yaml:11 secret db_password is read from secrets/db.txt, a file in the repository that .gitignore does not keep out: a secret kept in the repository; move it to a secret store',
    ]);
    assert.equal(elementOf(draft, 'db').controls, undefined);
    assert.deepEqual(elementOf(draft, 'api').controls?.map((c) => `${c.control} ${c.provenance.note}`), ['secrets-management secrets api_key (Docker secret file ./secrets/api.key)']);
  });

  it('no check for a git-ignored file, a file not there, or without the repository to look at', () => {
    assert.deepEqual(read({ 'secrets/db.txt': { ignored: true } }).checks, []);
    assert.deepEqual(read({}).checks, []);
    const plain = discoverCompose(COMPOSE, 'compose.yaml');
    assert.deepEqual(plain.checks, []);
    assert.equal(elementOf(plain.draft, 'db').controls?.[0].control, 'secrets-management');
  });

  it('gitIgnored reads .gitignore as git does: names at any depth, anchored paths, folders, negations, deeper files last', () => {
    const top = (text: string) => [{ base: '', text }];
    assert.equal(gitIgnored(top('*.txt\n'), 'secrets/db.txt'), true);
    assert.equal(gitIgnored(top('secrets/\n'), 'secrets/db.txt'), true);
    assert.equal(gitIgnored(top('/secrets/*\n!/secrets/db.txt\n'), 'secrets/db.txt'), false);
    assert.equal(gitIgnored(top('secrets/\n!secrets/db.txt\n'), 'secrets/db.txt'), true, 'a file in an ignored folder stays ignored');
    assert.equal(gitIgnored(top('/db.txt\n'), 'secrets/db.txt'), false, 'anchored to the top');
    assert.equal(gitIgnored(top('**/secrets/**\n'), 'deploy/secrets/db.txt'), true);
    assert.equal(gitIgnored(top('# secrets/db.txt\n\n'), 'secrets/db.txt'), false);
    assert.equal(gitIgnored([{ base: '', text: '*.txt\n' }, { base: 'secrets', text: '!db.txt\n' }], 'secrets/db.txt'), false);
    assert.equal(gitIgnored([{ base: 'other', text: '*\n' }], 'secrets/db.txt'), false);
  });

  it('the CLI checks the folder searched: the committed file is named, its content never written; an ignored one is not', () => {
    const dir = tempFolder('threatmap-s16-secrets-');
    mkdirSync(join(dir, 'secrets'));
    writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
    writeFileSync(join(dir, 'secrets', 'db.txt'), 'hunter2-db\n');
    writeFileSync(join(dir, 'secrets', 'api.key'), 'hunter2-api\n');
    writeFileSync(join(dir, '.gitignore'), '*.key\n');
    const r = run('discover', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /check: secret db_password is read from secrets\/db\.txt, a file in the repository that \.gitignore does not keep out: .* \((?:\S*\/)?compose\.yaml:11\)/);
    assert.doesNotMatch(r.stderr, /api_key is read/);
    assert.match(r.stdout, /^# Check: compose\.yaml:11 secret db_password is read from secrets\/db\.txt/m);
    assert.doesNotMatch(r.stdout + r.stderr, /hunter2/);
  });
});
