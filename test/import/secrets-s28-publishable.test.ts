// Session 28: Laravel Cashier's STRIPE_KEY holds Stripe's publishable key (pk_live_...), which browsers receive by
// design, beside the secret STRIPE_SECRET (sk_live_...); discover flagged both as secrets written in the configuration.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { isLiteralSecret, literalSecretSetting } from '../../src/import/secret-values.js';

describe('secrets s28: publishable keys are no secrets', () => {
  it('pk_live_ and pk_test_ values are not literal secrets; sk_ and rk_ keys, and a pk_ that is not Stripe\'s form, still are', () => {
    for (const v of ['pk_live_51HxxExampleKey', 'pk_test_TYooMQauvdEDq54NiTphI7jx']) assert.ok(!isLiteralSecret(v), v);
    for (const v of ['sk_live_51HxxExampleSecretKey00000', 'rk_live_51Hxx', 'pk_something_else', 'xpk_live_1']) assert.ok(isLiteralSecret(v), v);
    assert.equal(literalSecretSetting({ key: 'STRIPE_KEY', value: 'pk_live_51HxxExampleKey', line: 1 }), undefined);
    assert.ok(literalSecretSetting({ key: 'STRIPE_SECRET', value: 'sk_live_51HxxExampleSecretKey00000', line: 2 }));
  });

  it('the repro: a compose service with both gets one check line, for STRIPE_SECRET', () => {
    const r = discoverCompose('services:\n  app:\n    image: acme/app:1\n    environment:\n      STRIPE_KEY: pk_live_51HxxExampleKey\n      STRIPE_SECRET: sk_live_51HxxExampleSecretKey00000\n', 'compose.yaml');
    assert.deepEqual(r.checks.filter((c) => /STRIPE/.test(c.message)).map((c) => `${c.line} ${c.message.split(' to ')[0]}`), ['6 service app sets STRIPE_SECRET']);
  });
});
