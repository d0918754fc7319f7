// Session 23 (parse): the kind a webhook route takes by default, as the exporters ask it (defaultEndpointKind) to
// write a kind only where the model would not infer it: subscription management is `api`, a receiver `webhook`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultEndpointKind, inferEndpointKind, namesWebhooks, webhookSubscription } from '../../src/model/normalize.js';

describe('defaultEndpointKind on webhook routes', () => {
  it('gives kind api to routes customers manage', () => {
    assert.equal(defaultEndpointKind('/v1/webhooks', ['POST'], 'api-key'), 'api');
    assert.equal(defaultEndpointKind('/v1/webhooks', ['GET'], 'jwt'), 'api');
    assert.equal(defaultEndpointKind('/v1/webhooks/{id}', ['DELETE'], undefined), 'api');
    assert.equal(defaultEndpointKind('/v1/webhooks/{id}', [], undefined, { inherited: 'jwt' }), 'api');
  });

  it('keeps receivers: signed, certified, public, a named provider under a customer credential, or no credential', () => {
    assert.equal(defaultEndpointKind('/v1/webhooks', ['POST'], 'hmac'), 'webhook');
    assert.equal(defaultEndpointKind('/v1/webhooks', ['POST'], 'mtls'), 'webhook');
    assert.equal(defaultEndpointKind('/v1/webhooks', ['GET'], 'none'), 'webhook');
    assert.equal(defaultEndpointKind('/v1/webhooks', ['POST'], 'api-key', { signed: true }), 'webhook');
    assert.equal(defaultEndpointKind('/webhooks/stripe', ['POST'], undefined, { inherited: 'session-cookie' }), 'webhook');
    assert.equal(defaultEndpointKind('/v1/webhooks', ['POST'], undefined, { inherited: 'hmac' }), 'webhook');
    assert.equal(defaultEndpointKind('/hooks/{token}', ['POST'], undefined), 'webhook');
    // Integrator: a GET with no credential is a provider verifying its receiver (Meta's hub.challenge handshake), and a
    // named provider's route may take a shared secret of its own.
    assert.equal(defaultEndpointKind('/webhook', ['GET', 'POST'], undefined), 'webhook');
    assert.equal(defaultEndpointKind('/v1/webhooks', ['GET'], undefined), 'webhook');
    assert.equal(defaultEndpointKind('/webhooks/twilio', ['POST'], 'basic'), 'webhook');
    // The path alone (inferEndpointKind) still says webhook: the credential and methods decide.
    assert.equal(inferEndpointKind('/v1/webhooks', ['GET']), 'webhook');
  });

  it('asks nothing of other routes', () => {
    assert.equal(webhookSubscription('/v1/webhooks', ['POST'], undefined), false);
    assert.equal(defaultEndpointKind('/orders', ['GET'], 'jwt'), 'api');
    assert.equal(defaultEndpointKind('/login', ['POST'], 'api-key'), 'login');
    assert.deepEqual(['/v1/webhooks/{id}', '/hooks/billing', '/webhook?x=1', '/webhookish', '/notify'].map(namesWebhooks), [true, true, true, false, false]);
  });
});
