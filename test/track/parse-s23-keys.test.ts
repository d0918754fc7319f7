// Keys session 23 (parse) stopped reporting by design: unsigned-webhook and webhook-replay on a webhook
// subscription route (now kind `api`), and xxe on an element that only stores uploaded documents (the converter
// behind it is reported). Each retired with its reason; each with a model where the threat is still reported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { keyChanges } from '../../src/track/key-migrations.js';
import { analyzeText, MODEL_HEAD as HEAD } from '../rules/harness.js';

const changeOf = (r: AnalysisResult, key: string): string | undefined => {
  const c = keyChanges(r, [key]).get(key);
  return c === undefined ? undefined : c.kind === 'moved' ? `moved ${c.newKey}` : `retired ${c.migration.when}`;
};
const reported = (r: AnalysisResult, key: string): boolean => r.threats.some((t) => t.key === key);

const hooks = (endpoint: string) => `${HEAD}elements:\n  customer: { type: user }\n  api:\n    type: api\n    endpoints:\n      ${endpoint}\n` +
  '  receivers: { type: third-party }\nflows:\n  - customer -> api: https\n  - api -> receivers: https\n';

describe('parse-s23 keys: webhook subscription routes', () => {
  it('retires unsigned-webhook and webhook-replay on a route customers manage', () => {
    const r = analyzeText(hooks('POST /v1/webhooks: { auth: api-key }'));
    for (const rule of ['unsigned-webhook', 'webhook-replay']) {
      const key = `${rule}@api:POST /v1/webhooks`;
      assert.equal(reported(r, key), false);
      assert.equal(changeOf(r, key), 'retired webhook-subscription');
    }
    assert.match(keyChanges(r, ['unsigned-webhook@api:POST /v1/webhooks']).get('unsigned-webhook@api:POST /v1/webhooks')!.migration.note, /registers the URLs the service posts its events to/);
  });

  it('claims nothing on a receiver, still reported', () => {
    const r = analyzeText(hooks('POST /webhooks/stripe: { public: true }'));
    assert.equal(reported(r, 'unsigned-webhook@api:POST /webhooks/stripe'), true);
    assert.equal(changeOf(r, 'unsigned-webhook@api:POST /webhooks/stripe'), undefined);
  });
});

const docs = (flows: string) => `${HEAD}assets:\n  contract: { name: Contract DOCX, classification: confidential }\nelements:\n  visitor: { tech: browser }\n` +
  '  bff:\n    type: api\n    endpoints:\n      POST /documents: { auth: jwt, accepts: [contract] }\n  bucket: { tech: s3 }\n  converter: { tech: libreoffice }\n' +
  `flows:\n  - visitor -> bff: https\n${flows}`;

describe('parse-s23 keys: xxe on an element that only stores uploads', () => {
  it('retires xxe on the BFF writing the document to a bucket', () => {
    const r = analyzeText(docs('  - bff -> bucket: https\n  - converter -> bucket: https\n'));
    assert.equal(reported(r, 'xxe@bff'), false);
    assert.equal(reported(r, 'xxe@converter'), true);
    assert.equal(changeOf(r, 'xxe@bff'), 'retired stores-documents');
  });

  it('claims nothing on a BFF that keeps no upload in storage, still reported', () => {
    const r = analyzeText(docs('  - bff -> converter: https\n'));
    assert.equal(reported(r, 'xxe@bff'), true);
    assert.equal(changeOf(r, 'xxe@bff'), undefined);
  });
});
