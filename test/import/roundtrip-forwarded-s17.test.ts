// A flow that names an endpoint of the service behind the load balancer it calls (rules-s17): the Threat Dragon
// export writes the endpoint's key as the model does, not cut by the target's id.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { roundTrip } from './roundtrip.js';

const FORWARDED = `threatmap: 1
system: { name: Shop }
elements:
  stripe: { type: third-party }
  lb: { type: load-balancer }
  api: { type: api, endpoints: { POST /webhooks/stripe: { public: true }, GET /orders: {} } }
flows:
  - stripe -> lb: { protocol: https, endpoint: /webhooks/stripe }
  - lb -> api: https
`;

describe('threat-dragon export: a flow naming an endpoint behind a load balancer', () => {
  it('threat-dragon: the exported flow carries the key as written, never a cut id', () => {
    const { exported } = roundTrip('threat-dragon', FORWARDED);
    assert.match(exported, /"endpoint": "POST \/webhooks\/stripe"/);
    assert.doesNotMatch(exported, /"endpoint": ":/);
  });
});
