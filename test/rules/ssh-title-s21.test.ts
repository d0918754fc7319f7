// Session 21: a no-mutual-tls finding whose weak calls are all SSH is titled by what SSH lacks (a key per
// calling service), not by TLS, which SSH does not use; a group with any other weak call keeps the TLS title.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onlyThreat as only } from './harness.js';

const deploy = (flows: string) =>
  `boundaries:\n  dev: { trust: internal }\nelements:\n  visitor: { tech: browser }\n  jenkins: { tech: jenkins, in: dev }\n  web: { type: web-server, in: dev }\n  api: { type: service, in: dev }\nflows:\n  - visitor -> web: https\n${flows}`;

describe('no-mutual-tls: the title of an SSH-only finding', () => {
  it('names SSH and the missing per-service key when every weak call is SSH', () => {
    const t = only(deploy('  - jenkins -> web: { protocol: ssh, auth: password }\n'), 'no-mutual-tls');
    assert.equal(t.title, 'SSH session in dev not authenticated by a per-service key');
    const two = only(deploy('  - jenkins -> web: { protocol: ssh, auth: password }\n  - jenkins -> api: { protocol: sftp }\n'), 'no-mutual-tls');
    assert.equal(two.title, 'SSH sessions in dev not authenticated by a per-service key');
  });

  it('keeps the mutual TLS title when some weak call is not SSH', () => {
    const t = only(deploy('  - jenkins -> web: { protocol: ssh, auth: password }\n  - jenkins -> api: https\n'), 'no-mutual-tls');
    assert.equal(t.title, 'No mutual TLS between services in dev');
  });
});
