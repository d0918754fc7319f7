// One problem, one finding (sixth round, found by test/rules/fuzz.test.ts): a partner or device hosted inside
// one of our zones that calls, without credentials, a service missing-authentication reports was reported a
// second time by unauthenticated-partner-call or unauthenticated-device, for the same missing authentication on
// the same service. missing-authentication now names such callers among the others, as it does for partners and
// devices on the internet; their rules keep the services missing-authentication does not report.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { threatsOf } from './harness.js';

const RULES = ['missing-authentication', 'unauthenticated-partner-call', 'unauthenticated-device'];
const head = 'threatmap: 1\nsystem: { name: X }\nboundaries:\n  internet: { trust: untrusted }\n  app: { trust: internal }\n'
  + 'assets:\n  pii: { name: Customer records, type: pii, classification: confidential }\n';
const summary = (text: string) => threatsOf(text, ...RULES).map((t) => [t.ruleId, t.description, t.flows]);

describe('missing-authentication and the partners and devices inside our zones', () => {
  const partner = (service: string, call = 'https', visitor = true) =>
    `${head}elements:\n${visitor ? '  visitor: { tech: browser, in: internet }\n' : ''}  mailer: { tech: sendgrid, in: app }\n  api: { type: api, in: app, handles: [pii]${service} }\n`
    + `flows:\n${visitor ? '  - visitor -> api: https\n' : ''}  - mailer -> api: ${call}\n`;

  it('reports a service that authenticates nobody once, naming the partner inside our zone among its callers', () => {
    assert.deepEqual(summary(partner('')), [[
      'missing-authentication',
      'api handles Customer records and is reachable from the internet, but nothing on the way authenticates the caller: anyone can call it as anyone, or pose as mailer.',
      ['visitor->api', 'mailer->api'],
    ]]);
  });

  it('names the partner of a service reachable only at its own public address', () => {
    assert.deepEqual(summary(partner(', exposed: true', 'https', false)), [[
      'missing-authentication',
      'api handles Customer records and is reachable from the internet, but nothing on the way authenticates the caller: anyone can call it as anyone, or pose as mailer.',
      ['mailer->api'],
    ]]);
  });

  it('leaves out a partner\'s call that its own checks cover', () => {
    assert.deepEqual(summary(partner('', '{ protocol: https, controls: [ip-allowlist] }')), [[
      'missing-authentication',
      'api handles Customer records and is reachable from the internet, but nothing on the way authenticates the caller: anyone can call it as anyone.',
      ['visitor->api'],
    ]]);
  });

  it('keeps the partner\'s own finding on a service missing-authentication does not report', () => {
    assert.deepEqual(summary(partner('', 'https', false)), [[
      'unauthenticated-partner-call',
      'mailer -> api carries no authentication; anyone who learns the address can pose as mailer.',
      ['mailer->api'],
    ]]);
  });

  it('reports a device inside our zone with the service it calls, once', () => {
    const text = `${head}elements:\n  visitor: { tech: browser, in: internet }\n  sensor: { type: device, in: app }\n  ingest: { type: service, in: app, handles: [pii] }\n`
      + 'flows:\n  - visitor -> ingest: https\n  - sensor -> ingest: mqtts\n';
    assert.deepEqual(summary(text), [[
      'missing-authentication',
      'ingest handles Customer records and is reachable from the internet, but nothing on the way authenticates the caller: anyone can call it as anyone, or pose as sensor.',
      ['visitor->ingest', 'sensor->ingest'],
    ]]);
  });
});
