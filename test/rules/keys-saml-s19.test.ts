// Session 19 (keys-saml): the signing-key facts live in a module of their own (no import cycle between
// authentication.ts and data-at-rest.ts); a key written in two files is cited at both places by the rule that
// reports it; and XXE is not reported on an identity provider run as shipped (Keycloak), whose SAML parser is its
// vendor's, while the application consuming its assertions keeps its finding.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SESSION_SIGNING_KEY_TAG, TOKEN_SIGNING_KEY_TAG } from '../../src/analysis/rules/signing-keys.js';
import { keyChanges } from '../../src/track/key-migrations.js';
import { analyzeText, evidenceFacts as facts, MODEL_HEAD, noThreat as none, onlyThreat as only, threatsIn } from './harness.js';

/** The relative modules a source file imports values from (type-only imports aside). */
const valueImports = (file: string): string[] =>
  [...readFileSync(new URL(`../../src/analysis/rules/${file}`, import.meta.url), 'utf8').matchAll(/^import\s+(?!type\s)[^;]*?from\s+'(\.[^']+)'/gms)].map((m) => m[1]);

describe('signing-keys.ts: the signing-key facts have a module of their own', () => {
  it('holds the tags discover writes', () => {
    assert.deepEqual([TOKEN_SIGNING_KEY_TAG, SESSION_SIGNING_KEY_TAG], ['token-signing-key', 'session-signing-key']);
  });

  it('authentication.ts and data-at-rest.ts no longer import each other; both import signing-keys.ts', () => {
    assert.ok(!valueImports('authentication.ts').includes('./data-at-rest.js'));
    assert.ok(!valueImports('data-at-rest.ts').includes('./authentication.js'));
    for (const f of ['authentication.ts', 'data-at-rest.ts']) assert.ok(valueImports(f).includes('./signing-keys.js'), f);
    assert.ok(!valueImports('signing-keys.ts').some((m) => m === './authentication.js' || m === './data-at-rest.js'));
  });
});

/** An API taking JWTs whose key the tags cite. */
const api = (tags: string, extra = '') =>
  `elements:\n  client: { tech: browser }\n  api: { type: api, auth: jwt, tags: [ ${tags} ]${extra} }\nflows:\n  - client -> api: { protocol: https, auth: jwt }\n`;

describe('forgeable-tokens: a key written in two files', () => {
  it('cites both places, in tag order, in its title and evidence', () => {
    const t = only(api('token-signing-key:docker-compose.yml:6, token-signing-key:k8s/api.yaml:13'), 'forgeable-tokens');
    assert.equal(t.title, 'JWT signing key of api is a literal in docker-compose.yml:6, k8s/api.yaml:13: anyone can mint tokens');
    assert.deepEqual(t.evidence.slice(0, 2).map((e) => [e.fact, e.path]), [
      ['api signs its JWTs with a literal key in docker-compose.yml:6', 'elements.api.tags[0]'],
      ['api signs its JWTs with a literal key in k8s/api.yaml:13', 'elements.api.tags[1]'],
    ]);
  });

  it('cites one place for one tag, as before', () => {
    const t = only(api('token-signing-key:docker-compose.yml:6'), 'forgeable-tokens');
    assert.equal(t.title, 'JWT signing key of api is a literal in docker-compose.yml:6: anyone can mint tokens');
    assert.deepEqual(facts(t).filter((f) => f.includes('literal key')), ['api signs its JWTs with a literal key in docker-compose.yml:6']);
  });

  it('leaves secrets-in-config nothing: the second place is forgeable-tokens\' too', () => {
    assert.deepEqual(threatsIn(api('token-signing-key:docker-compose.yml:6, token-signing-key:k8s/api.yaml:13'), 'secrets-in-config').map((t) => t.key), []);
  });
});

describe('secrets-in-config: a key forgeable-tokens leaves, written in two files', () => {
  const bot = (tags: string) =>
    `elements:\n  clients: { kind: external, type: user }\n  bot: { type: service, tags: [ ${tags} ] }\nflows:\n  - clients -> bot: { protocol: https }\n`;

  it('cites both places', () => {
    const t = only(bot('token-signing-key:docker-compose.yml:6, token-signing-key:k8s/bot.yaml:9'), 'secrets-in-config');
    assert.match(t.description, /^bot has a secret written as a literal in docker-compose\.yml:6, k8s\/bot\.yaml:9 and no secrets manager/);
    assert.deepEqual(t.evidence.slice(0, 2).map((e) => [e.fact, e.path]), [
      ['bot has a secret written as a literal in docker-compose.yml:6', 'elements.bot.tags[0]'],
      ['bot has a secret written as a literal in k8s/bot.yaml:9', 'elements.bot.tags[1]'],
    ]);
  });

  it('cites one place for one tag', () => {
    const t = only(bot('token-signing-key:docker-compose.yml:6'), 'secrets-in-config');
    assert.deepEqual(facts(t).filter((f) => f.includes('literal')), ['bot has a secret written as a literal in docker-compose.yml:6']);
  });
});

/** A visitor signing in with SAML to an identity provider and to the application that consumes its assertions. */
const sso = (idp: string) =>
  'assets:\n  profile: { classification: confidential, type: pii }\n' +
  `elements:\n  visitor: { tech: browser }\n  idp: { ${idp}, auth: saml }\n  app: { type: web-app, auth: saml, handles: [profile] }\n` +
  'flows:\n  - visitor -> idp: { protocol: https, auth: saml }\n  - visitor -> app: { protocol: https, auth: saml }\n  - app -> idp: https\n';

describe('xxe: an identity provider run as shipped', () => {
  it('reports nothing on Keycloak, Dex or Authentik signing users in with SAML; the application consuming the assertions keeps its finding', () => {
    for (const tech of ['keycloak', 'dex', 'Authentik']) {
      const t = only(sso(`tech: ${tech}`), 'xxe');
      assert.equal(t.key, 'xxe@app', tech);
      assert.ok(facts(t).includes('visitor signs in with saml'), facts(t).join('; '));
    }
  });

  it('still reports an identity provider of no known product: the model does not say it is not the team\'s own', () => {
    const keys = threatsIn(sso('type: identity-provider'), 'xxe').map((t) => t.key).sort();
    assert.deepEqual(keys, ['xxe@app', 'xxe@idp']);
    const own = threatsIn(sso('type: identity-provider, tech: spring'), 'xxe').map((t) => t.key).sort();
    assert.deepEqual(own, ['xxe@app', 'xxe@idp']);
  });

  it('reports nothing on Keycloak with an XML endpoint either: all its parsing is the vendor\'s', () => {
    none('elements:\n  visitor: { tech: browser }\n  idp:\n    tech: keycloak\n    endpoints:\n      POST /realms/x/protocol/saml: { public: true }\nflows:\n  - visitor -> idp: https\n', 'xxe');
  });
});

describe('key migrations: xxe on a vendor identity provider is retired, not stale', () => {
  const retired = (model: string, key: string) => keyChanges(analyzeText(MODEL_HEAD + model), [key]).get(key);

  it('retires xxe@idp on Keycloak with the reason', () => {
    const change = retired(sso('tech: keycloak'), 'xxe@idp');
    assert.equal(change?.kind, 'retired');
    assert.match(change!.migration.note, /identity provider run as shipped .* vendor's code/);
  });

  it('leaves an identity provider of no known product alone (its xxe is reported), and a service that never parsed XML stale', () => {
    assert.equal(retired(sso('type: identity-provider'), 'xxe@idp'), undefined);
    assert.equal(retired('elements:\n  visitor: { tech: browser }\n  app: { type: web-app }\nflows:\n  - visitor -> app: https\n', 'xxe@app'), undefined);
  });
});
