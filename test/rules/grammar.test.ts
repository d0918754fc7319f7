// Findings read as sentences whose subjects are the model's names, and models name things in the plural
// ("API servers", "Orders"). Each rule's example and positive fixture is analysed with every element and
// asset renamed to a plural name; no finding may then pair such a name with a singular verb.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { exampleModel } from '../../src/analysis/rules/example.js';
import { agreeing, isGroupName, isPluralName, possessive, says, verbFor } from '../../src/analysis/rules/grammar.js';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';
import { FIXTURES } from './fixtures.js';
import { disagreements, loadText, threatTexts } from './harness.js';

describe('grammar', () => {
  it('tells plural names from singular ones', () => {
    for (const name of ['API servers', 'Workers', 'Orders', 'Prices and order totals', 'Session tokens', 'VMs', 'Workers (EU)', 'S3 access logs']) {
      assert.equal(isPluralName(name), true, name);
    }
    for (const name of ['API server', 'Card data', 'Orders database', 'Redis', 'Postgres', 'DNS', 'Express', 'Prometheus', 'Analytics', 'Customer PII', 'ops', 'Kubernetes']) {
      assert.equal(isPluralName(name), false, name);
    }
  });
  it('reads a one-word plural as one component named after its domain, unless it names a group', () => {
    for (const name of ['API servers', 'Workers', 'Customers', 'Celery workers', 'VMs', 'Order events']) assert.equal(isGroupName(name), true, name);
    for (const name of ['Orders', 'payments', 'events', 'jobs', 'Card data', 'Redis']) assert.equal(isGroupName(name), false, name);
    // Identifiers drafted from Terraform name one resource each.
    for (const name of ['aws_db_instance.orders', 'azurerm_mssql_server.orders', 'module.app_servers']) assert.equal(isGroupName(name), false, name);
    assert.equal(says('azurerm_mssql_server.orders', 'is'), 'azurerm_mssql_server.orders is');
    assert.equal(says('orders', 'makes'), 'orders makes');
    assert.equal(possessive('API servers'), "API servers'");
    assert.equal(possessive('API gateway'), "API gateway's");
    assert.equal(agreeing(['api', 'api'], 'calls', 'call'), 'calls');
    assert.equal(agreeing(['api', 'web'], 'calls', 'call'), 'call');
    assert.equal(agreeing(['Workers'], 'calls', 'call'), 'call');
  });
  it('finds a plural name followed by a singular verb, not one after a preposition', () => {
    assert.equal(disagreements(['Workers handles Card data'], ['Workers']).length, 1);
    assert.equal(disagreements(['POST /x on Workers is public', 'a -> Workers is cleartext', 'integrity of Card data, Workers is high'], ['Workers']).length, 0);
    assert.equal(disagreements(['Workers handle Card data; Workers are reachable'], ['Workers']).length, 0);
  });
  it('makes verbs agree', () => {
    assert.equal(says('API servers', 'handles'), 'API servers handle');
    assert.equal(says('API server', 'handles'), 'API server handles');
    assert.equal(verbFor('Workers', 'is'), 'are');
    assert.equal(verbFor('Workers', 'has'), 'have');
    assert.equal(verbFor('Workers', 'carries'), 'carry');
    assert.equal(verbFor('Workers', 'reaches'), 'reach');
    assert.equal(verbFor('Workers', 'passes'), 'pass');
    assert.equal(verbFor('Workers', 'stays'), 'stay');
  });
});

/** The model with every element and asset given a plural name ("api workers", "pii records"). */
function pluralised(text: string, file: string) {
  const { model, source } = loadText(text, file);
  const names: string[] = [];
  for (const e of model.elements) {
    e.name = `${e.id} workers`;
    names.push(e.name);
  }
  for (const a of model.assets) {
    a.name = `${a.id} records`;
    names.push(a.name);
  }
  return { result: analyze(model, { source }), names };
}

describe('verb agreement with plural names', () => {
  const models = new Map<string, string[]>();
  for (const rule of BUILTIN_RULES) models.set(rule.id, [exampleModel(rule.example)]);
  for (const f of FIXTURES) models.get(f.rule)?.push(f.fill !== undefined ? f.model.replace('$C', f.fill) : f.model.replace(', $C', '').replace('$C', ''));
  for (const [ruleId, texts] of models) {
    it(`${ruleId}: its findings agree with plural names`, () => {
      const problems: string[] = [];
      for (const [i, text] of texts.entries()) {
        const { result, names } = pluralised(text, `${ruleId}-${i}.yaml`);
        for (const t of result.threats) if (t.ruleId === ruleId) problems.push(...disagreements(threatTexts(t), names));
      }
      assert.deepEqual([...new Set(problems)], []);
    });
  }
});
