// llm-insecure-output leaves out the vector stores an agent searches: they are queried with embeddings, not text a
// query could be injected through, and the agent's prompt-injection finding already says it retrieves from them (the
// two findings said "retrieves from" and "writes to" of one flow).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODEL_HEAD as head, threatsOf } from './harness.js';

const agentModel = (store: string) => `${head}boundaries:
  internet: { trust: untrusted }
elements:
  user: { type: user, in: internet }
  agent: { type: service, tags: [llm-agent], endpoints: { POST /chat: {} } }
  llm: { tech: openai, in: internet }
  store: ${store}
flows:
  - user -> agent: https
  - agent -> llm: https
  - agent -> store: postgres+tls
`;

describe('llm-insecure-output and vector stores (llm-s23)', () => {
  it('does not call searching a vector store writing model output to it', () => {
    const model = agentModel('{ tech: pgvector }');
    const [output] = threatsOf(model, 'llm-insecure-output');
    assert.doesNotMatch(output?.description ?? '', /store/, 'the vector store is no sink');
    const [injection] = threatsOf(model, 'prompt-injection');
    assert.match(injection?.description ?? '', /retrieves from store/);
  });

  it('still names a SQL database the agent sends to', () => {
    const [output] = threatsOf(agentModel('{ tech: postgres }'), 'llm-insecure-output');
    assert.match(output?.description ?? '', /writes to store/);
  });
});
