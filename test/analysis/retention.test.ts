// An editor or the web UI analyses the model again on every change: a finished analysis must not keep the
// previous model (or anything derived from it) alive through a module-level cache.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { analyze } from '../../src/analysis/analyze.js';
import { loadModel } from '../../src/model/load.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('memory between analyses', () => {
  it('lets the model and its result be collected once the caller drops them', async () => {
    const refs = (() => {
      const file = 'examples/microservices.yaml';
      const loaded = loadModel(readFileSync(file, 'utf8'), file);
      const result = analyze(loaded.model!, { source: loaded.source });
      assert.ok(result.threats.length > 0);
      return { model: new WeakRef(loaded.model!), result: new WeakRef(result) };
    })();
    // WeakRef targets stay alive until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    assert.equal(refs.model.deref(), undefined, 'the model is still reachable after analysis');
    assert.equal(refs.result.deref(), undefined, 'the result is still reachable after analysis');
  });
});
