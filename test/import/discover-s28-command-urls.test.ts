// Session 28 (review): `command: celery --broker=amqp://tasks:pw@rabbitmq:5672/tasks flower` and a list command
// `[..., "--broker", "amqp://..."]` drew no flow to the broker (it had "no flows") and the literal password on the
// command line got no check; the Kubernetes reader already read a container's command line. Both now share one reader.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { commandAddresses } from '../../src/import/containers.js';
import { flowOf, flowSet } from './draft-helpers.js';

const compose = (services: string) => discoverCompose(`services:\n  rabbitmq:\n    image: rabbitmq:3.12\n${services}`, 'compose.yaml');

describe('commandAddresses', () => {
  it('a flag named for an address with its value (joined or next), a URL on its own; not other flags, secrets or values of other flags', () => {
    const words = ['celery', '--broker=amqp://rabbitmq', '--redis-host', 'cache', '--workers=4', '--password', 'http://not-a-host-flag', 'postgres://db/app', '--port', '5555']
      .map((text, i) => ({ text, line: i + 1 }));
    assert.deepEqual(commandAddresses(words), [
      { key: 'BROKER', value: 'amqp://rabbitmq', line: 2, flag: '--broker' },
      { key: 'REDIS_HOST', value: 'cache', line: 4, flag: '--redis-host' },
      { key: '', value: 'postgres://db/app', line: 8 },
    ]);
  });
});

describe('discover s28: addresses on a compose service\'s command line', () => {
  it('the repro: a command line and a list command each draw the flow to the broker, and the password gets a check at its line', () => {
    const r = compose('  flower:\n    image: mher/flower:2.0\n    command: celery --broker=amqp://tasks:rabbit_pw@rabbitmq:5672/tasks flower --port=5555\n'
      + '  worker:\n    image: python:3.12\n    command: ["celery", "-A", "proj", "worker", "--broker", "amqp://tasks:rabbit_pw@rabbitmq:5672//"]\n');
    assert.deepEqual(flowSet(r.draft), ['flower -> rabbitmq', 'worker -> rabbitmq']);
    const flower = flowOf(r.draft, 'flower', 'rabbitmq');
    assert.deepEqual([flower.protocol, flower.port, flower.auth, flower.evidence.map((e) => `${e.provenance.line} ${e.provenance.note}`)], ['amqp', 5672, 'password', ['6 command --broker']]);
    assert.deepEqual(r.checks.map((c) => `${c.line} ${c.message.split(': a secret')[0]}`), [
      '6 service flower: its command passes --broker a URL with a password, a literal of 9 characters, guessable',
      '9 service worker: its command passes --broker a URL with a password, a literal of 9 characters, guessable',
    ]);
  });

  it('negative: an entrypoint URL without a password draws the flow and no check; ports, counts and placeholders name nothing', () => {
    const r = compose('  app:\n    image: acme/app:1\n    entrypoint: ["/app", "--queue-url", "amqp://rabbitmq:5672"]\n    command: --workers 4 --port=8080 --broker=amqp://u:${PW}@rabbitmq\n');
    assert.deepEqual(flowSet(r.draft), ['app -> rabbitmq']);
    assert.deepEqual(flowOf(r.draft, 'app', 'rabbitmq').evidence.map((e) => e.provenance.note), ['entrypoint --queue-url', 'command --broker']);
    assert.deepEqual(r.checks, []);
  });
});
