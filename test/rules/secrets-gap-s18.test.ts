// secrets-in-config reports a literal secret `threatmap discover` found on an element even when the element keeps
// no static secret for its calls (a bot's key, a database's own password): the grouped finding only covered
// services with such calls, so these went unreported. Keys of the grouped finding stay as they were (session 18).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coverageCell, threatsIn } from './harness.js';

const keys = (body: string) => threatsIn(body, 'secrets-in-config').map((t) => t.key);

/** t10 of the review: a bot with two signing secrets in its compose env, no flow naming either. */
const bot = (tags: string, extra = '') =>
  'elements:\n  clients: { kind: external, type: user }\n' +
  `  bot: { type: service, tags: [ ${tags} ]${extra} }\nflows:\n  - clients -> bot: { protocol: https }\n`;

describe('secrets-in-config: a literal no flow names', () => {
  it('reports the element, Likelihood High citing file:line, impact Medium saying the model does not say what it opens', () => {
    const [t, ...rest] = threatsIn(bot('hard-coded-secret:docker-compose.yml:6'), 'secrets-in-config');
    assert.deepEqual(rest, []);
    assert.equal(t.key, 'secrets-in-config@bot');
    assert.equal(t.likelihood.level, 'High');
    assert.match(t.likelihood.reason, /\(docker-compose\.yml:6\): anyone who can read the repository/);
    assert.deepEqual(t.impact, { level: 'Medium', reason: 'the model does not say what the secret opens: no flow authenticates with it' });
    assert.deepEqual(t.evidence.map((e) => [e.fact, e.path]), [
      ['bot has a secret written as a literal in docker-compose.yml:6', 'elements.bot.tags[0]'],
      ['no secrets-management on bot', 'elements.bot'],
    ]);
    assert.match(t.description, /the model does not say what it opens/);
  });

  it('reports nothing without a literal tag', () => {
    assert.deepEqual(keys(bot('pci, hard-coded-secrets-reviewed')), []);
  });

  it('reports a token-signing-key forgeable-tokens leaves (nothing takes the tokens), and not one it reports', () => {
    assert.deepEqual(keys(bot('token-signing-key:docker-compose.yml:6')), ['secrets-in-config@bot']);
    const takesJwt = bot('token-signing-key:docker-compose.yml:6', ', auth: jwt');
    assert.deepEqual(threatsIn(takesJwt, 'forgeable-tokens').map((t) => t.key), ['forgeable-tokens@bot']);
    assert.deepEqual(keys(takesJwt), []);
  });

  it('reports a session-signing-key on a service taking no session cookies, and not one forgeable-tokens reports', () => {
    assert.deepEqual(keys(bot('session-signing-key:settings.py:12')), ['secrets-in-config@bot']);
    assert.deepEqual(keys(bot('session-signing-key:settings.py:12', ', auth: session-cookie')), []);
  });

  it('is mitigated when the element takes its secrets from a secrets manager or a vault', () => {
    const managed = bot('hard-coded-secret:docker-compose.yml:6', ', controls: [secrets-management]');
    assert.deepEqual(keys(managed), []);
    assert.deepEqual(coverageCell(managed, 'bot', 'I').controls, ['secrets-management']);
    const vaulted = bot('hard-coded-secret:docker-compose.yml:6') + '  - bot -> vault: https\n';
    assert.deepEqual(keys(vaulted.replace('flows:', '  vault: { type: secrets-vault }\nflows:')), []);
  });
});

describe('secrets-in-config: a database whose own password is a literal', () => {
  const shop = (dbAuth: string, dbExtra = '') =>
    'assets:\n  orders: { type: pii, classification: restricted }\n' +
    `elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { tech: postgres, stores: [orders], tags: [ hard-coded-secret:compose.yaml:13 ]${dbExtra} }\n` +
    `flows:\n  - visitor -> api: https\n  - api -> db: { protocol: postgres${dbAuth} }\n`;

  it('reports the database with impact from what it stores when no call names the password (a fresh draft)', () => {
    const [t, ...rest] = threatsIn(shop(''), 'secrets-in-config');
    assert.deepEqual(rest, []);
    assert.equal(t.key, 'secrets-in-config@db');
    assert.equal(t.likelihood.level, 'High');
    assert.equal(t.impact.level, 'High');
    assert.match(t.impact.reason, /orders/);
    assert.match(t.description, /it opens db/);
  });

  it('stays one grouped finding on the holder when a call authenticates with the password', () => {
    const [t, ...rest] = threatsIn(shop(', auth: password'), 'secrets-in-config');
    assert.deepEqual(rest, []);
    assert.equal(t.key, 'secrets-in-config@api');
    assert.deepEqual(t.evidence[0].path, 'elements.db.tags[0]');
  });

  it('keeps the boundary-grouped key when several holders reach it, and adds nothing for the database', () => {
    const body = 'boundaries:\n  app: { trust: internal }\n' +
      'elements:\n  visitor: { tech: browser }\n  api: { type: api, in: app }\n  worker: { type: service, in: app }\n' +
      '  db: { tech: postgres, tags: [ hard-coded-secret:compose.yaml:13 ] }\n' +
      'flows:\n  - visitor -> api: https\n  - api -> db: { protocol: postgres, auth: password }\n  - worker -> db: { protocol: postgres, auth: password }\n';
    assert.deepEqual(keys(body), ['secrets-in-config@app']);
  });
});

describe('secrets-in-config: a literal beside the grouped finding', () => {
  it('reports it on its own element when neither a holder nor a target of the holders\' calls, keeping the holder\'s key', () => {
    const body = 'elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { tech: postgres }\n' +
      '  bot: { type: service, tags: [ hard-coded-secret:docker-compose.yml:20 ] }\n' +
      'flows:\n  - visitor -> api: https\n  - api -> db: { protocol: postgres, auth: password }\n  - visitor -> bot: https\n';
    assert.deepEqual(keys(body).sort(), ['secrets-in-config@api', 'secrets-in-config@bot']);
    const grouped = threatsIn(body, 'secrets-in-config').find((t) => t.key === 'secrets-in-config@api');
    assert.equal(grouped?.likelihood.level, 'Low');
  });
});
