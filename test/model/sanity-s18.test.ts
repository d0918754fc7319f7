// A process that no flow enters but that takes its data from a store others fill, or from a queue or a stream,
// is fed (review s17: the voting app's worker pulls votes from Redis); one that only writes still has a hole.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseModelText } from '../../src/model/parse.js';
import { sanityWarnings } from '../../src/model/sanity.js';
import type { Model } from '../../src/model/types.js';
import { validateModel } from '../../src/model/validate.js';
import { normalize } from '../../src/model/normalize.js';

function model(elements: readonly string[], flows: readonly string[]): Model {
  const text = ['threatmap: 1', 'system: { name: pull }', 'elements:', ...elements.map((e) => `  ${e}`), 'flows:', ...flows.map((f) => `  - ${f}`)].join('\n');
  const parsed = parseModelText(text, 'model.yaml');
  const validated = validateModel(parsed.raw, parsed.source);
  assert.ok(validated.model, JSON.stringify(validated.diagnostics));
  return normalize(validated.model, parsed.source, 'model.yaml');
}

/** The process-without-inputs warnings, as the messages a person reads. */
const unfed = (m: Model): string[] => sanityWarnings(m).filter((w) => w.code === 'process-without-inputs').map((w) => w.message);

const VOTING = ['voter: { type: user }', 'vote: { type: web-app }', 'redis: { tech: redis }', 'worker: { type: worker }', 'db: { tech: postgres }'];

describe('process-without-inputs: a consumer that pulls is fed (review s17)', () => {
  it('the voting app\'s worker reads the Redis the front end writes: no warning', () => {
    assert.deepEqual(unfed(model(VOTING, ['voter -> vote: https', 'vote -> redis: redis', 'worker -> redis: redis', 'worker -> db: postgres'])), []);
  });

  it('the same worker with no one writing into Redis only writes: the warning stays', () => {
    assert.deepEqual(unfed(model(VOTING, ['voter -> vote: https', 'worker -> redis: redis', 'worker -> db: postgres'])), [
      'process `worker` sends data but receives none',
    ]);
  });

  it('a worker connecting to a queue or a stream consumes it, even when no producer is drawn', () => {
    const els = ['worker: { type: worker }', 'jobs: { tech: sqs }', 'events: { type: event-bus }', 'db: { tech: postgres }'];
    assert.deepEqual(unfed(model(els, ['worker -> jobs: https', 'worker -> db: postgres'])), []);
    assert.deepEqual(unfed(model(els, ['worker -> events: kafka', 'worker -> db: postgres'])), []);
  });

  it('a process writing only into stores of its own, or calling a service, is still unfed', () => {
    const els = ['importer: { type: worker }', 'db: { tech: postgres }', 'cache: { tech: redis }', 'api: { type: api }'];
    assert.deepEqual(unfed(model(els, ['importer -> db: { protocol: postgres, id: writes }', 'importer -> db: { protocol: postgres, id: more-writes }', 'importer -> cache: redis'])), [
      'process `importer` sends data but receives none',
    ]);
    assert.deepEqual(unfed(model(els, ['importer -> api: https', 'api -> db: postgres'])), [
      'process `importer` sends data but receives none',
    ]);
  });
});

// Review s18 finding 16: a database two services write into feeds neither (flows do not say which way data
// goes); a cache or queue others fill still does.
describe('process-without-inputs: only queues, streams and caches others fill feed a process (finding 16)', () => {
  it('two services that only write into one database both get the warning', () => {
    assert.deepEqual(unfed(model(['a: { type: service }', 'b: { type: service }', 'db: { tech: postgres }'], ['a -> db: sql', 'b -> db: sql'])), [
      'process `a` sends data but receives none',
      'process `b` sends data but receives none',
    ]);
  });

  it('two services sharing a Redis (one pushes, one pops) get none; nor does one on a Memcached another fills', () => {
    assert.deepEqual(unfed(model(['a: { type: service }', 'b: { type: service }', 'q: { tech: redis }'], ['a -> q: redis', 'b -> q: redis'])), []);
    assert.deepEqual(unfed(model(['v: { type: user }', 'a: { type: web-app }', 'b: { type: worker }', 'c: { tech: memcached }', 'db: { tech: postgres }'],
      ['v -> a: https', 'a -> c: memcached', 'b -> c: memcached', 'b -> db: sql'])), []);
  });

  it('warns every one of 2,000 writers into 20 databases (one pass over the flows; speed is the bench\'s to measure)', () => {
    const els: string[] = [];
    const flows: string[] = [];
    for (let d = 0; d < 20; d++) els.push(`db${d}: { tech: postgres }`);
    for (let i = 0; i < 2000; i++) {
      els.push(`p${i}: { type: service }`);
      flows.push(`p${i} -> db${i % 20}: sql`);
    }
    assert.equal(unfed(model(els, flows)).length, 2000);
  });
});
