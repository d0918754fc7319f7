// Session 27: verbose-errors says how the internet's requests reach a service: straight, or through the gateway,
// load balancer or proxy that forwards them (the errors still travel back; the service is not on the internet).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onlyThreat } from './harness.js';

const model = (flows: string, extra = '') =>
  'boundaries:\n  internet: { trust: untrusted }\n  vpc: { trust: internal }\n' +
  'assets:\n  pii: { name: Customer PII, type: pii, classification: confidential }\n' +
  `elements:\n  app: { tech: mobile-app, in: internet }\n  gw: { type: gateway, in: vpc, exposed: true }\n  accounts: { type: api, in: vpc, auth: jwt, handles: [pii]${extra} }\n` +
  `flows:\n${flows}`;

describe('verbose-errors: where the requests come from', () => {
  it('through an exposed gateway: named', () => {
    const t = onlyThreat(model('  - app -> gw: https\n  - gw -> accounts: https\n'), 'verbose-errors');
    assert.match(t.description, /takes requests from the internet through gw without generic error responses/);
  });

  it('straight, when an untrusted caller calls it or it is exposed itself', () => {
    const direct = onlyThreat(model('  - app -> accounts: https\n'), 'verbose-errors');
    assert.match(direct.description, /takes requests straight from the internet/);
    const exposed = onlyThreat(model('  - app -> gw: https\n  - gw -> accounts: https\n', ', exposed: true'), 'verbose-errors');
    assert.match(exposed.description, /takes requests straight from the internet/);
  });
});
