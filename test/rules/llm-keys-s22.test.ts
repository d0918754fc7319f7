// Session 22 (llm-keys): the data an agent puts in prompts is what it handles less the keys and secrets it holds:
// its provider's API key authenticates its calls to the model, it is not prompt content.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { threatsIn } from './harness.js';

const model = (handles: string) =>
  'boundaries:\n  internet: { trust: untrusted }\n  app: { trust: internal }\n' +
  'assets:\n  tickets: { name: Support tickets, classification: internal }\n  notes: { name: Case notes, type: pii, classification: confidential }\n' +
  '  openai-key: { name: OpenAI API key, type: secrets, classification: restricted }\n' +
  `elements:\n  user: { tech: spa, in: internet }\n  assistant: { tech: llm-agent, in: app, auth: session-cookie, handles: [${handles}] }\n  openai: { tech: openai, in: internet }\n` +
  'flows:\n  - user -> assistant: { protocol: https, auth: session-cookie }\n  - assistant -> openai: { protocol: https, auth: api-key }\n';

describe('llm-data-leakage: an agent\'s own keys are not prompt data', () => {
  it('reports no leakage for an agent whose only sensitive asset is its API key', () => {
    assert.deepEqual(threatsIn(model('tickets, openai-key'), 'llm-data-leakage'), []);
  });

  it('still reports the personal data it handles, without naming the key', () => {
    const [t] = threatsIn(model('notes, openai-key'), 'llm-data-leakage');
    assert.ok(t);
    assert.match(t.title, /Case notes/);
    assert.doesNotMatch(t.title, /API key/);
  });
});
