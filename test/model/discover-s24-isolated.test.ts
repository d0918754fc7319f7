// Session 24: isolated-element on an element `threatmap discover` could not connect although a Service or a published
// port exposes it (tagged `no-caller-found:FILE:LINE`): something listens there, so the advice asks for the flow from
// its callers and never says to remove it. An untagged element keeps the usual advice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadModel } from '../../src/model/load.js';
import { NO_CALLER_TAG } from '../../src/model/sanity.js';

const isolated = (element: string, flows: string[] = []) => {
  const text = ['threatmap: 1', 'system: { name: s }', 'elements:', '  api: { type: service }', '  web: { type: web-app }', `  db: ${element}`,
    ...(flows.length ? ['flows:', ...flows.map((f) => `  - ${f}`)] : ['flows:', '  - web -> api: https'])].join('\n');
  return loadModel(text, 'model.yaml').diagnostics.filter((d) => d.code === 'isolated-element');
};

describe('discover s24: isolated-element on a store the draft could not connect', () => {
  it('a tagged store: the draft found no caller, cited where it is exposed; add the flow, no "remove"', () => {
    const [w, ...more] = isolated(`{ tech: postgres, tags: [ ${NO_CALLER_TAG}:db-service.yaml:1 ] }`);
    assert.equal(more.length, 0);
    assert.deepEqual([w.message, w.path, w.line], ['element `db` has no flows', 'elements.db', 6]);
    assert.equal(w.hint, 'the draft found no caller, though db-service.yaml:1 exposes it: add the flow from each element that calls `db` (its settings name it, or its code does); threats need flows to be found');
    assert.doesNotMatch(w.hint ?? '', /remove/);
  });

  it('the tag without a place still asks for the flow', () => {
    const [w] = isolated(`{ tech: redis, tags: [ ${NO_CALLER_TAG} ] }`);
    assert.match(w.hint ?? '', /^the draft found no caller, though a Service or a published port exposes it: add the flow/);
  });

  it('an untagged element keeps the usual advice; another tag, or a tagged element with flows, changes nothing', () => {
    assert.equal(isolated('{ tech: postgres }')[0].hint, 'connect it with a flow, or remove it; threats need flows to be found');
    assert.equal(isolated('{ tech: postgres, tags: [ no-caller-foundry ] }')[0].hint, 'connect it with a flow, or remove it; threats need flows to be found');
    assert.deepEqual(isolated(`{ tech: postgres, tags: [ ${NO_CALLER_TAG}:db-service.yaml:1 ] }`, ['web -> api: https', 'api -> db: postgres']), []);
  });
});
