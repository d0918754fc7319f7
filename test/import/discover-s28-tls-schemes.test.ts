// `EMAIL_URL: smtp+tls://...@smtp.sendgrid.net:587`, `smtp+ssl://...:465` and `amqp+tls://` were drafted as
// cleartext smtp and amqp: the `+tls`/`+ssl` suffix was dropped as if it named a client library.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { schemeProtocol } from '../../src/import/protocols.js';
import { flowOf } from './draft-helpers.js';

describe('URL schemes with a +tls or +ssl suffix', () => {
  it('name the TLS variant of the protocol where the catalogue has one', () => {
    const read = Object.fromEntries(['smtp+tls', 'smtp+ssl', 'amqp+tls', 'amqp+ssl', 'mqtt+ssl', 'redis+tls', 'postgres+ssl', 'postgresql+tls', 'mysql+ssl', 'ldap+tls', 'kafka+ssl', 'pulsar+ssl', 'SMTP+TLS'].map((s) => [s, schemeProtocol(s)]));
    assert.deepEqual(read, {
      'smtp+tls': 'smtps', 'smtp+ssl': 'smtps', 'amqp+tls': 'amqps', 'amqp+ssl': 'amqps', 'mqtt+ssl': 'mqtts', 'redis+tls': 'rediss', 'postgres+ssl': 'postgres+tls',
      'postgresql+tls': 'postgres+tls', 'mysql+ssl': 'mysql+tls', 'ldap+tls': 'ldaps', 'kafka+ssl': 'kafka+tls', 'pulsar+ssl': 'tls', 'SMTP+TLS': 'smtps',
    });
  });

  it('a client library after `+` still names the plain protocol, and plain schemes are unchanged', () => {
    const read = Object.fromEntries(['postgresql+asyncpg', 'mysql+pymysql', 'mongodb+srv', 'smtp', 'amqp', 'memcached+tls', 'nosuch+tls'].map((s) => [s, schemeProtocol(s)]));
    assert.deepEqual(read, { 'postgresql+asyncpg': 'postgres', 'mysql+pymysql': 'mysql', 'mongodb+srv': 'mongodb+tls', smtp: 'smtp', amqp: 'amqp', 'memcached+tls': 'memcached', 'nosuch+tls': undefined });
  });

  it('Compose: the flows to a mail provider and a broker are encrypted', () => {
    const r = discoverCompose(`services:
  app:
    image: python:3.12
    environment:
      EMAIL_URL: smtp+tls://apikey:\${SENDGRID_KEY}@smtp.sendgrid.net:587
      BROKER_URL: amqp+ssl://tasks:\${MQ_PW}@b-123.mq.eu-west-1.amazonaws.com:5671
      CACHE_URL: redis://cache.acme.io:6379
`, 'compose.yaml');
    assert.deepEqual([flowOf(r.draft, 'app', 'smtp.sendgrid.net').protocol, flowOf(r.draft, 'app', 'b-123.mq.eu-west-1.amazonaws.com').protocol, flowOf(r.draft, 'app', 'cache.acme.io').protocol], ['smtps', 'amqps', 'redis']);
  });
});
