// Session 22 (idor-edges): broken-object-level-authorization rates an endpoint only partners call as needing their
// credential also when the calls come through a load balancer, a proxy, a gateway or a CDN; an exposed edge, or
// one whose callers are not drawn, may carry anyone's calls.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { threatsIn } from './harness.js';

const model = (lb: string, callers = '  - partner -> alb: { protocol: https, auth: api-key }\n') =>
  'boundaries:\n  internet: { trust: untrusted }\n  public: { trust: dmz }\n  app: { trust: internal }\n' +
  'assets:\n  tickets: { name: Tickets, classification: confidential }\n' +
  `elements:\n  partner: { type: third-party, in: internet }\n  visitor: { tech: browser, in: internet }\n  alb: { tech: alb, in: public${lb} }\n` +
  '  api: { type: api, in: app, handles: [tickets], endpoints: { "GET /v1/tickets/{id}": { auth: api-key, returns: [tickets] } } }\n' +
  `flows:\n${callers}  - alb -> api: https\n`;

const likelihood = (text: string) => threatsIn(text, 'broken-object-level-authorization').map((t) => t.likelihood.level);

describe('broken-object-level-authorization: machine callers past edges', () => {
  it('a partner calling through an ALB needs its credential: Medium, as when it calls directly', () => {
    assert.deepEqual(likelihood(model('')), ['Medium']);
  });

  it('any user when a browser also comes through the ALB, when the ALB is exposed, or when no caller is drawn', () => {
    assert.deepEqual(likelihood(model('', '  - partner -> alb: { protocol: https, auth: api-key }\n  - visitor -> alb: https\n')), ['High']);
    assert.deepEqual(likelihood(model(', exposed: true')), ['High']);
  });
});
