// Session 28 (review): a managed developer laptop using its developer's personal Artifactory token got "API key for
// Artifactory embedded in Developer laptop" ("ships inside the client; anyone can extract it", "use OAuth 2 with
// PKCE"): the rule is about keys in code shipped to the public, in browsers and mobile apps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noThreat, onlyThreat } from './harness.js';

/** A client calling Artifactory with an API key. */
const registry = (client: string) =>
  `elements:\n  developer: { type: developer }\n  client: ${client}\n  artifactory: { name: Artifactory, type: service, auth: api-key }\n` +
  'flows:\n  - developer -> client: ipc\n  - client -> artifactory: { protocol: https, auth: api-key }\n';

describe('api-key-in-client: only browsers and mobile apps ship their keys to the public', () => {
  it('leaves a user agent no tech calls a browser or app (a laptop, a CLI) alone', () => {
    noThreat(registry('{ name: Developer laptop, type: user-agent }'), 'api-key-in-client');
  });

  it('still reports the key in a browser app or a mobile app', () => {
    for (const tech of ['react', 'browser', 'spa', 'mobile-app', 'ios', 'flutter']) {
      const t = onlyThreat(registry(`{ name: Client, tech: ${tech} }`), 'api-key-in-client');
      assert.equal(t.title, 'API key for Artifactory embedded in Client', tech);
    }
  });
});
