// Session 22 (nosql-advice): nosql-injection's mitigation speaks the query language of the stores reached:
// DynamoDB's expression attribute values, a search engine's query DSL; MongoDB (and mixed targets) keep the
// rule's own text about operator objects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nosqlInjection } from '../../src/analysis/rules/injection.js';
import { threatsIn } from './harness.js';

const model = (...stores: string[]) =>
  'boundaries:\n  internet: { trust: untrusted }\nelements:\n  visitor: { tech: browser, in: internet }\n  api:\n    type: api\n    endpoints:\n      GET /items/{id}: {}\n' +
  stores.map((tech, i) => `  s${i}: { tech: ${tech} }\n`).join('') +
  'flows:\n  - visitor -> api: https\n' + stores.map((_, i) => `  - api -> s${i}: https\n`).join('');

const mitigationOf = (...stores: string[]) => {
  const [t] = threatsIn(model(...stores), 'nosql-injection');
  assert.ok(t, 'a finding');
  return t.mitigation;
};

describe('nosql-injection: advice per query language', () => {
  it('DynamoDB: expression attribute values, no concatenated PartiQL', () => {
    const text = mitigationOf('dynamodb');
    assert.match(text, /ExpressionAttributeValues/);
    assert.doesNotMatch(text, /\$ne|\$where/);
  });

  it('a search engine: the query DSL, no query_string or scripts', () => {
    assert.match(mitigationOf('elasticsearch'), /query_string/);
  });

  it('InfluxDB: bound Flux/InfluxQL parameters and escaped line protocol, no operator objects', () => {
    const text = mitigationOf('influxdb');
    assert.match(text, /bound parameters/);
    assert.match(text, /line protocol/);
    assert.doesNotMatch(text, /\$ne|\$where/);
    assert.equal(mitigationOf('influxdb', 'mongodb'), nosqlInjection.mitigation);
  });

  it('MongoDB and mixed targets keep the rule\'s text', () => {
    assert.equal(mitigationOf('mongodb'), nosqlInjection.mitigation);
    assert.equal(mitigationOf('dynamodb', 'mongodb'), nosqlInjection.mitigation);
  });
});
