// Session 22 (key-digests): unhashed-passwords on credentials named as keys or tokens issued to clients asks for
// digests of the keys (SHA-256 or HMAC), not argon2, and does not argue password reuse; passwords keep the advice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unhashedPasswords } from '../../src/analysis/rules/data-at-rest.js';
import { threatsIn } from './harness.js';

const model = (name: string) =>
  `assets:\n  creds: { name: ${name}, type: credentials, classification: restricted }\n` +
  'elements:\n  partner: { type: third-party }\n  api: { type: api }\n  db: { tech: postgres, stores: [creds] }\n' +
  'flows:\n  - partner -> api: { protocol: https, auth: api-key }\n  - api -> db: postgres+tls\n';

describe('unhashed-passwords: keys issued to clients', () => {
  it('asks for digests of API keys, with an impact about keys', () => {
    const [t] = threatsIn(model('Partner API keys'), 'unhashed-passwords');
    assert.equal(t.title, 'Partner API keys stored unhashed in db');
    assert.match(t.mitigation, /SHA-256/);
    assert.doesNotMatch(t.impact.reason, /reused/);
  });

  it('keeps the password advice for passwords, and for an asset holding both', () => {
    for (const name of ['User passwords', 'Logins and API keys (passwords)']) {
      const [t] = threatsIn(model(name), 'unhashed-passwords');
      assert.match(t.title, /without a slow hash/, name);
      assert.equal(t.mitigation, unhashedPasswords.mitigation, name);
    }
  });
});
