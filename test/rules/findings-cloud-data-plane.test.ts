// excessive-cloud-permissions speaks of the cloud management plane: a workload calling the provider's API
// (or console) with its own identity. Calling one of the system's own managed services over that API (a
// DynamoDB table, an SQS queue, a Lambda function, as `discover` drafts them) is their data plane.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText } from './harness.js';

const ids = (text: string) => analyzeText(text).threats.filter((t) => t.ruleId === 'excessive-cloud-permissions').map((t) => t.component);

describe('excessive-cloud-permissions: management plane, not data plane', () => {
  it('a service calling its own DynamoDB table, queue and function over cloud-api is not acting on the account', () => {
    assert.deepEqual(ids('threatmap: 1\nsystem: { name: Shop }\nelements:\n  visitor: { tech: browser }\n  api: { type: service }\n  table: { tech: dynamodb }\n  queue: { tech: sqs }\n  fn: { tech: lambda }\nflows:\n  - visitor -> api: https\n  - api -> table: cloud-api\n  - api -> queue: cloud-api\n  - api -> fn: cloud-api\n'), []);
  });

  it('the same service calling the provider itself (an external element) is', () => {
    assert.deepEqual(ids('threatmap: 1\nsystem: { name: Shop }\nelements:\n  visitor: { tech: browser }\n  api: { type: service }\n  table: { tech: dynamodb }\n  aws: { type: third-party }\nflows:\n  - visitor -> api: https\n  - api -> table: cloud-api\n  - api -> aws: { protocol: cloud-api, auth: iam }\n'), ['api']);
  });
});
