import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadModel } from '../../src/model/load.js';
import { parseModelText } from '../../src/model/parse.js';
import { sanityWarnings } from '../../src/model/sanity.js';
import type { Model } from '../../src/model/types.js';
import { validateModel } from '../../src/model/validate.js';
import { SKETCH, brief } from './helpers.js';
import { normalize } from '../../src/model/normalize.js';

function model(text: string): Model {
  const parsed = parseModelText(text, 'model.yaml');
  const validated = validateModel(parsed.raw, parsed.source);
  assert.ok(validated.model, JSON.stringify(validated.diagnostics));
  return normalize(validated.model, parsed.source, 'model.yaml');
}

describe('sanityWarnings', () => {
  it('has nothing to say about the sketch', () => {
    assert.deepEqual(sanityWarnings(model(SKETCH)), []);
    assert.deepEqual(loadModel(SKETCH, 'model.yaml').diagnostics, []);
  });

  it('warns about odd shapes of the data flow diagram, with positions', () => {
    const m = model([
      'threatmap: 1',
      'system: { name: odd }',
      'elements:',
      '  user: { kind: external }',
      '  sink: { kind: process }',
      '  source: { kind: process }',
      '  lonely: { kind: process }',
      '  db1: { kind: store }',
      '  db2: { kind: store }',
      '  loop: { kind: process }',
      'flows:',
      '  - user -> sink: kafka',
      '  - source -> db1: sql',
      '  - db1 -> db2: sql',
      '  - loop -> loop: in-process',
    ].join('\n'));
    const warnings = sanityWarnings(m);
    assert.ok(warnings.every((w) => w.severity === 'warning' && w.file === 'model.yaml'));
    assert.deepEqual(brief(warnings), [
      'warning process-without-outputs@5:3', 'warning process-without-inputs@6:3', 'warning isolated-element@7:3',
      'warning store-to-store@14:5', 'warning self-flow@15:5',
    ]);
    assert.equal(warnings.find((w) => w.code === 'isolated-element')?.path, 'elements.lonely');
    assert.equal(warnings.find((w) => w.code === 'self-flow')?.path, 'flows[3]["loop -> loop"]');
  });

  it('takes a process that answers requests as sending its answers: only one fed by messages alone and sending nothing on has a hole', () => {
    const fed = (flows: string[]) => brief(sanityWarnings(model([
      'threatmap: 1', 'system: { name: leaf }', 'elements:', '  user: { kind: external }', '  queue: { kind: store }', '  api: { kind: process }',
      'flows:', ...flows.map((f) => `  - ${f}`),
    ].join('\n')))).filter((w) => w.includes('process-without'));
    assert.deepEqual(fed(['user -> api: https']), [], 'a leaf API answers over its caller\'s flow');
    assert.deepEqual(fed(['user -> api: x-custom-rpc']), [], 'a protocol outside the catalogue is taken as a request');
    assert.deepEqual(fed(['user -> queue: amqps', 'queue -> api: amqps']), ['warning process-without-outputs@6:3']);
    assert.deepEqual(fed(['user -> queue: amqps', 'queue -> api: amqps', 'user -> api: https']), []);
  });
  it('warns about a broker fed messages with no consumer drawn out of it, the direction the messaging rules read', () => {
    const broker = (type: string, flows: string[]) => brief(sanityWarnings(model([
      'threatmap: 1', 'system: { name: events }', 'elements:', '  api: { type: service }', `  orders: { type: ${type} }`, '  worker: { type: worker }',
      '  db: { type: database }', 'flows:', '  - api -> db: postgres', ...flows.map((f) => `  - ${f}`),
    ].join('\n')))).filter((w) => w.includes('broker-without'));
    assert.deepEqual(broker('queue', ['api -> orders: amqps', 'worker -> orders: amqps', 'worker -> db: postgres']), ['warning broker-without-consumers@5:3'],
      'the worker drawn the way its connection opens reads as a second producer');
    assert.deepEqual(broker('event-bus', ['api -> orders: https']), ['warning broker-without-consumers@5:3']);
    assert.deepEqual(broker('queue', ['api -> orders: amqps', 'orders -> worker: amqps', 'worker -> db: postgres']), []);
    assert.deepEqual(broker('cache', ['api -> orders: redis']), [], 'a cache is no broker');
    const m = model(['threatmap: 1', 'system: { name: events }', 'elements:', '  api: { type: service }', '  orders: { tech: rabbitmq }', 'flows:', '  - api -> orders: amqps'].join('\n'));
    const warning = sanityWarnings(m).find((w) => w.code === 'broker-without-consumers');
    assert.equal(warning?.path, 'elements.orders');
    assert.match(warning?.hint ?? '', /`orders -> worker`/);
  });
});
