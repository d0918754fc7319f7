// An address in a setting that names no service of the files read and no host on the internet (a chart
// dependency not vendored, a Service in manifests not read): discover draws no flow, and says so.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run } from './run-cli.js';
import { tempFolder } from '../temp.js';

const compose = `services:
  notes:
    image: ghcr.io/acme/notes:1.8.0
    environment:
      DATABASE_URL: "postgres://notes@notes-postgresql:5432/notes?sslmode=require"
      REDIS_HOST: notes-redis
      CACHE_URL: redis://notes-redis:6379
      SMTP_HOST: smtp.example.com
      LISTEN_ADDR: localhost:8080
      MODE: production
      WORKER: helper
  helper:
    image: acme/helper:1
`;

describe('discover: addresses no file defines', () => {
  it('are listed once per host, with every setting that names them; no flow is drawn', () => {
    const dir = tempFolder('threatmap-discover-s27-');
    writeFileSync(join(dir, 'compose.yaml'), compose);
    const r = run('discover', dir);
    assert.equal(r.code, 0, r.stderr);
    const file = join(dir, 'compose.yaml');
    const lines = r.stderr.split('\n').filter((l) => l.includes('not in these files'));
    assert.deepEqual(lines, [
      `  not in these files: notes-postgresql, named by notes environment DATABASE_URL (${file}:5): no flow drawn; discover it with the files that define it, or add it to the model`,
      `  not in these files: notes-redis, named by notes environment REDIS_HOST (${file}:6), notes environment CACHE_URL (${file}:7): no flow drawn; discover it with the files that define it, or add it to the model`,
    ]);
    // Loopback, documentation placeholders and values of settings that name no address are none of these.
    assert.doesNotMatch(r.stderr, /example\.com|localhost|production|helper,/);
    assert.doesNotMatch(r.stdout, /notes-postgresql|notes-redis/);
  });
});
