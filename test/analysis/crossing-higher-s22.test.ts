// Session 22 (crossing-higher): a flow from a store or queue into a process of a zone of higher trust (internal ->
// restricted) is an inbound crossing to higher trust, not one "between zones of equal trust".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText, MODEL_HEAD } from '../rules/harness.js';

const model = (queueZone: string) =>
  `${MODEL_HEAD}boundaries:\n  aws: { trust: internal }\n  vpc: { trust: restricted, in: aws }\n  side: { trust: internal }\n` +
  `elements:\n  queue: { tech: sqs, in: ${queueZone} }\n  worker: { tech: lambda, in: vpc }\nflows:\n  - queue -> worker: https\n`;

describe('crossing kinds: into a zone of higher trust', () => {
  it('labels a queue feeding a process in a restricted zone inside its own as inbound to higher trust', () => {
    const [c] = analyzeText(model('aws')).crossings;
    assert.equal(c.kind, 'to-higher-trust');
    assert.match(c.label, /^inbound to higher trust/);
  });

  it('keeps equal trust where the ranks are equal', () => {
    const equal = `${MODEL_HEAD}boundaries:\n  a: { trust: internal }\n  b: { trust: internal }\nelements:\n  queue: { tech: sqs, in: a }\n  worker: { tech: lambda, in: b }\nflows:\n  - queue -> worker: https\n`;
    assert.equal(analyzeText(equal).crossings[0].kind, 'same-trust');
  });
});
