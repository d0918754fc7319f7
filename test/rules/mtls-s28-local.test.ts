// What the user saw: an `in-process` call from an API into a library in the same process was reported as
// "No mutual TLS between services", and calls that authenticate with an OIDC token or an LDAP password were
// described as "not authenticating the calling service" next to evidence that said `auth oidc` / `auth password`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODEL_HEAD as head, threatsOf } from './harness.js';

const zone = (flows: string) =>
  `${head}boundaries:\n  platform: { trust: internal }\nelements:\n  client: { type: third-party }\n  api: { type: service, in: platform }\n  lib: { type: service, in: platform }\n  registry: { type: service, in: platform }\nflows:\n  - client -> api: https\n${flows}`;

describe('no-mutual-tls on local calls', () => {
  it('leaves out calls that cross no network (in-process, ipc, file)', () => {
    for (const protocol of ['in-process', 'ipc', 'file']) {
      assert.deepEqual(threatsOf(zone(`  - api -> lib: ${protocol}\n`), 'no-mutual-tls'), [], protocol);
    }
  });

  it('still reports an unauthenticated network call beside a local one, and cites only the network call', () => {
    const [t, ...more] = threatsOf(zone('  - api -> lib: in-process\n  - api -> registry: https\n'), 'no-mutual-tls');
    assert.ok(t);
    assert.equal(more.length, 0);
    assert.deepEqual(t.flows, ['api->registry']);
    assert.equal(t.description, '1 service-to-service call in platform does not authenticate the calling service; a compromised workload can impersonate any caller.');
  });
});

describe('no-mutual-tls wording', () => {
  it('says a call with a credential authenticates with that credential, not with a certificate both ends verify', () => {
    const [t] = threatsOf(zone('  - api -> registry: { protocol: https, auth: oidc }\n'), 'no-mutual-tls');
    assert.ok(t);
    assert.equal(t.description,
      '1 service-to-service call in platform authenticates the calling service only with a credential it presents (oidc), not with a certificate both ends verify (mutual TLS); a compromised workload that obtains the credential can impersonate the caller.');
    assert.deepEqual(t.evidence.map((e) => e.fact), ['api -> registry: https, auth oidc']);
  });

  it('counts calls without a credential apart from calls with one', () => {
    const [t] = threatsOf(zone('  - api -> lib: https\n  - api -> registry: { protocol: ldaps, auth: password }\n'), 'no-mutual-tls');
    assert.ok(t);
    assert.equal(t.description,
      "2 of 2 service-to-service calls in platform do not prove the calling service's identity: 1 presents no credential, 1 only a credential (password) rather than a certificate both ends verify (mutual TLS); a compromised workload can impersonate any caller.");
  });

  it("says an SSH password lacks a key of the caller's own, not mutual TLS", () => {
    const [t] = threatsOf(zone('  - api -> registry: { protocol: sftp, auth: password }\n'), 'no-mutual-tls');
    assert.ok(t);
    assert.match(t.description, /only with a credential it presents \(password\), not with a key of its own;/);
  });

  it('keeps a workload-identifying call mitigated', () => {
    assert.deepEqual(threatsOf(zone('  - api -> registry: { protocol: https, auth: jwt }\n'), 'no-mutual-tls'), []);
  });
});
