// Session 28: an address setting whose host is a variable nothing here sets (`API_URL: http://${API_HOST:?set it}:8080`,
// `PAYMENTS_URL: ${PAYMENTS_URL}`, a bare `PAYMENTS_URL` passed from the shell) names a real call, usually to another
// project's service or a provider; discover cannot draw it without a host, and before said nothing at all.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { flowSet } from './draft-helpers.js';

function checks(environment: string, dotEnv?: string) {
  const text = `services:\n  app:\n    image: acme/app:1\n    environment:\n${environment}  db:\n    image: postgres:16\n`;
  const r = discoverCompose(text, 'compose.yaml', dotEnv === undefined ? {} : { projectEnv: { text: dotEnv, file: '.env' } });
  return { lines: r.checks.filter((c) => /is not drawn/.test(c.message)).map((c) => `${c.file}:${c.line} ${c.message}`), flows: flowSet(r.draft) };
}

const TAIL = 'so the call it names is not drawn; set it in the .env beside the compose file, or add what it calls to the model';

describe('discover s28: address settings whose host nothing here sets', () => {
  it('a required variable in a URL\'s host place, one merely unset, the whole value, a key passed from the shell', () => {
    const r = checks('      API_URL: http://${API_HOST:?set API_HOST}:8080/v1\n      PAYMENTS_URL: https://${PAY_HOST}/v2\n      SEARCH_HOST: ${SEARCH_HOST}\n      CRM_ENDPOINT:\n');
    assert.deepEqual(r.lines, [
      `compose.yaml:5 service app: API_URL takes its host from \${API_HOST}, which Compose requires and no .env sets here, ${TAIL}`,
      `compose.yaml:6 service app: PAYMENTS_URL takes its host from \${PAY_HOST}, which no .env sets here, ${TAIL}`,
      `compose.yaml:7 service app: SEARCH_HOST takes its host from \${SEARCH_HOST}, which no .env sets here, ${TAIL}`,
      `compose.yaml:8 service app: CRM_ENDPOINT is passed from the environment of whoever starts it, ${TAIL}`,
    ]);
    assert.deepEqual(r.flows, []);
    const list = checks('      - DATABASE_URL=postgres://app:${DB_PASSWORD}@${DB_HOST}:5432/app\n      - PAYMENTS_URL\n');
    assert.deepEqual(list.lines, [
      `compose.yaml:5 service app: DATABASE_URL takes its host from \${DB_HOST}, which no .env sets here, ${TAIL}`,
      `compose.yaml:6 service app: PAYMENTS_URL is passed from the environment of whoever starts it, ${TAIL}`,
    ]);
  });

  it('no line: the .env sets the variable, a default gives the host, the host is written out, a secret or a non-address setting', () => {
    const set = checks('      API_URL: http://${API_HOST}:8080\n', 'API_HOST=db\n');
    assert.deepEqual(set.lines, []);
    assert.deepEqual(set.flows, ['app -> db']);
    assert.deepEqual(checks('      DATABASE_URL: postgres://app:${DB_PASSWORD}@${DB_HOST:-db}:5432/app\n').lines, []);
    assert.deepEqual(checks('      DATABASE_URL: postgres://app:${DB_PASSWORD}@db:5432/app\n').lines, []);
    assert.deepEqual(checks('      DB_PASSWORD: ${DB_PASSWORD}\n      JWT_SECRET:\n      LOG_LEVEL: ${LOG_LEVEL}\n      PUBLIC_URL: https://${DOMAIN}\n      GREETING: hello ${NAME}\n').lines, []);
  });
});
