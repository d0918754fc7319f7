// Compose env_file: the files a service names are read (through the caller's reader: src/import reads no
// files), their settings join `environment:` (which wins), hosts they name become flows cited by the env
// file's own line, and secrets stay secrets.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { discoverCompose, parseEnvFile } from '../../src/import/compose.js';
import { mergeDrafts } from '../../src/import/draft.js';

const DIR = 'test/fixtures/discover/compose-env-file';
const reader = (path: string) => {
  try {
    return { text: readFileSync(`${DIR}/${path}`, 'utf8'), file: path };
  } catch {
    return undefined;
  }
};

function draft(withReader: boolean) {
  const r = discoverCompose(readFileSync(`${DIR}/docker-compose.yml`, 'utf8'), 'docker-compose.yml', withReader ? { readEnvFile: reader } : {});
  assert.deepEqual(r.diagnostics, []);
  return mergeDrafts([r.draft]);
}

const flows = (d: ReturnType<typeof draft>) => d.flows.map((f) => `${f.from} -> ${f.to} ${f.protocol}${f.auth ? ` ${f.auth}` : ''} ${f.evidence.map((e) => `${e.provenance.file}:${e.provenance.line} ${e.provenance.note}`).join('; ')}`);

describe('compose env_file', () => {
  it('settings from env files make flows, cited by the env file line; environment: wins for the same key', () => {
    const d = draft(true);
    assert.deepEqual(flows(d), [
      '(outside clients) -> api http docker-compose.yml:11 ports 8080:8080',
      'api -> db postgres+tls password config/api.env:2 env_file DATABASE_URL',
      'api -> cache redis none docker-compose.yml:9 environment CACHE_URL',
    ]);
    // `QUEUE_HOST='queue'` names a host no file defines: it waits for another file (as any bare word does).
    assert.ok(d.references.some((r) => `${r.from} -> ${r.host} ${r.evidence.provenance.file}:${r.evidence.provenance.line}` === 'api -> queue config/api.env:4'));
    assert.deepEqual(d.sources.map((s) => `${s.file} (${s.format})`), ['docker-compose.yml (Docker Compose)', 'config/api.env (env file)', 'config/db.env (env file)']);
  });

  it("a password in a server's env file is its password setting, cited without its value", () => {
    const db = draft(true).elements.find((e) => e.key === 'db')!;
    assert.deepEqual(db.passwordSetting, { file: 'config/db.env', line: 2, note: 'env_file POSTGRES_PASSWORD' });
    assert.doesNotMatch(JSON.stringify(draft(true)), /change-me/);
  });

  it('missing files are noted; without a reader env files are noted as not read', () => {
    const notes = (d: ReturnType<typeof draft>) => d.elements.filter((e) => !e.madeUp).map((e) => e.provenance[0].note);
    assert.deepEqual(notes(draft(true)), [
      'build ./api; env_file config/api.env, config/local.env (optional, not there)',
      'build ./worker; env_file config/missing.env (not read: missing, or outside the folder searched)',
      'image postgres:16; env_file config/db.env',
      'image redis:7',
    ]);
    const without = draft(false);
    assert.equal(without.elements.find((e) => e.key === 'api')!.provenance[0].note, 'build ./api; env_file config/api.env (not read), config/local.env (not read)');
    assert.deepEqual(without.flows.map((f) => `${f.from} -> ${f.to}`), ['(outside clients) -> api', 'api -> cache']);
  });

  it('parses env files as Compose does: export, quotes, escapes, comments, bare keys', () => {
    const parsed = parseEnvFile('\uFEFF# c\nexport A=1\nB="x\\ny" \nC=\'${NOT} # kept\'\nD=plain # comment\nE\nF=${G:-dflt}\n  \nbad line\nH=\r\n', 'e.env');
    assert.deepEqual(parsed.map((e) => [e.key, e.value, e.line]), [
      ['A', '1', 2], ['B', 'x\ny', 3], ['C', '${NOT} # kept', 4], ['D', 'plain', 5], ['E', undefined, 6], ['F', 'dflt', 7], ['H', '', 10],
    ]);
    assert.ok(parsed.every((e) => e.file === 'e.env'));
  });
});
