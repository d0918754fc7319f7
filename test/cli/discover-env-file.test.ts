// `threatmap discover` reads the env files compose services name, inside the folder searched only.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run } from './run-cli.js';
import { tempFolder } from '../temp.js';

describe('threatmap discover: env_file', () => {
  it('a service env file names the database: a flow cited by the env file line, the file in the header', () => {
    const r = run('discover', 'test/fixtures/discover/compose-env-file');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}# config\/api\.env:2 env_file DATABASE_URL\n {2}- api -> db: \{ protocol: postgres\+tls, auth: password, port: 5432 \}$/m);
    assert.match(r.stdout, /^# {3}config\/api\.env \(env file\)$/m);
    assert.doesNotMatch(r.stdout, /change-me/);
  });

  it('an env file outside the folder searched is not read', () => {
    const top = tempFolder('threatmap-env-');
    mkdirSync(join(top, 'repo'));
    writeFileSync(join(top, 'outside.env'), 'DB_HOST=db\n');
    writeFileSync(join(top, 'repo', 'compose.yaml'), 'services:\n  app:\n    image: x\n    env_file: ../outside.env\n  db:\n    image: postgres\n');
    const r = run('discover', join(top, 'repo'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /env_file \.\.\/outside\.env \(not read: missing, or outside the folder searched\)/);
    assert.doesNotMatch(r.stdout, /app -> db/);
  });
});
