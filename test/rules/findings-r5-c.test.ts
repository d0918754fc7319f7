// One problem, one finding (fifth review round): an agent's unbounded tool is llm-excessive-agency's finding,
// which excessive-cloud-permissions and over-privileged-store-access leave to it, and a pipeline's standing
// access to a store is pipeline-over-privileged's; each stepping-aside rule still reports where the owner does not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { excessiveCloudPermissions } from '../../src/analysis/rules/authorization.js';
import { llmExcessiveAgency } from '../../src/analysis/rules/llm.js';
import { MODEL_HEAD as head, runOnly, threatsOf } from './harness.js';

const summary = (text: string, ...rules: string[]) => threatsOf(text, ...rules).map((t) => `${t.ruleId}: ${t.title}`);

describe('excessive-cloud-permissions and llm-excessive-agency', () => {
  const RULES = ['excessive-cloud-permissions', 'llm-excessive-agency'];
  const agent = (agentControls = '', flowControls = '', assets = '', data = '') =>
    `${head}${assets}elements:\n  visitor: { tech: browser }\n  agent: { tech: llm-agent${agentControls} }\n  cloud: { type: third-party }\nflows:\n  - visitor -> agent: https\n  - agent -> cloud: { protocol: cloud-api, auth: iam${flowControls}${data} }\n`;

  it('reports an agent\'s unbounded cloud tool once, as excessive agency that can change cloud infrastructure', () => {
    const [t, ...more] = threatsOf(agent(), ...RULES);
    assert.equal(more.length, 0);
    assert.equal(t?.ruleId, 'llm-excessive-agency');
    assert.equal(t?.description, 'agent can call cloud on its own, with no approval step or narrowed permissions; a manipulated model uses them at will, including changing cloud infrastructure.');
    assert.deepEqual([t?.impact.level, t?.impact.reason], ['High', 'control of cloud resources: full compromise']);
  });

  it('rates the cloud account, not the low-integrity data the tool carries', () => {
    const assets = 'assets:\n  logs: { name: Logs, classification: internal, integrity: low }\n';
    const [t, ...more] = threatsOf(agent('', '', assets, ', data: [logs]'), ...RULES);
    assert.equal(more.length, 0);
    assert.deepEqual([t?.ruleId, t?.impact.level, t?.impact.reason], ['llm-excessive-agency', 'High', 'control of cloud resources: full compromise']);
  });

  it('reports the standing cloud role once an approval step bounds the agent, on it or on the flow', () => {
    assert.deepEqual(summary(agent(', controls: [human-approval]'), ...RULES), ['excessive-cloud-permissions: agent can change cloud infrastructure']);
    assert.deepEqual(summary(agent('', ', controls: [human-approval]'), ...RULES), ['excessive-cloud-permissions: agent can change cloud infrastructure']);
  });

  it('keeps both mitigated when the agent declares least privilege', () => {
    const run = runOnly(agent(', controls: [least-privilege]'), [excessiveCloudPermissions, llmExcessiveAgency]);
    assert.deepEqual(run.findings, []);
    assert.deepEqual(run.mitigations.map((m) => [m.controls, m.reason]).sort(), [
      [['least-privilege'], 'the agent\'s actions are bounded by least-privilege'],
      [['least-privilege'], 'the workload\'s cloud role is scoped'],
    ]);
  });
});

describe('over-privileged-store-access and llm-excessive-agency', () => {
  const RULES = ['over-privileged-store-access', 'llm-excessive-agency'];
  const ASSETS = 'assets:\n  tickets: { name: Tickets, classification: internal }\n  cards: { name: Card data, type: payment, classification: restricted }\n';
  const agent = (controls = '', assets = ASSETS, extra = '') =>
    `${head}${assets}elements:\n  visitor: { tech: browser }\n  agent: { tech: llm-agent, handles: [tickets]${controls} }\n  db: { tech: postgres, stores: [tickets, cards] }\n${extra}flows:\n  - visitor -> agent: https\n  - agent -> db: { protocol: sql+tls, auth: password, data: [tickets] }\n`;

  it('reports an agent\'s unbounded store tool once, naming the restricted data it never uses', () => {
    const [t, ...more] = threatsOf(agent(), ...RULES);
    assert.equal(more.length, 0);
    assert.equal(t?.ruleId, 'llm-excessive-agency');
    assert.equal(t?.description, 'agent can call db on its own, with no approval step or narrowed permissions; a manipulated model uses them at will, including reading Card data it never uses.');
    assert.deepEqual(t?.evidence.map((e) => e.fact), ['agent -> db is a tool the agent calls', 'db stores Card data', 'no human-approval or least-privilege on agent']);
  });

  it('rates the confidentiality of that data, as the store rule did', () => {
    const assets = 'assets:\n  tickets: { name: Tickets, classification: internal }\n  cards: { name: Card data, classification: restricted, integrity: low }\n';
    const [t, ...more] = threatsOf(agent('', assets), ...RULES);
    assert.equal(more.length, 0);
    assert.deepEqual([t?.ruleId, t?.impact.level, t?.impact.reason], ['llm-excessive-agency', 'High', 'confidentiality of Card data is high: data breach']);
  });

  it('names both what a cloud tool and a store tool reach', () => {
    const text = agent('', ASSETS, '  cloud: { type: third-party }\n').replace(/\n$/, '\n  - agent -> cloud: { protocol: cloud-api, auth: iam }\n');
    const [t, ...more] = threatsOf(text, ...RULES, 'excessive-cloud-permissions');
    assert.equal(more.length, 0);
    assert.equal(t?.description, 'agent can call cloud, db on its own, with no approval step or narrowed permissions; a manipulated model uses them at will, including changing cloud infrastructure and reading Card data it never uses.');
  });

  it('still reports the account when an approval step bounds the agent, or for a service that is no agent', () => {
    assert.deepEqual(summary(agent(', controls: [human-approval]'), ...RULES), ['over-privileged-store-access: agent can read Card data in db']);
    assert.deepEqual(summary(agent().replace('tech: llm-agent', 'type: service'), ...RULES), ['over-privileged-store-access: agent can read Card data in db']);
  });

  it('does not mention unused data when the agent uses all its store holds', () => {
    const [t] = threatsOf(agent().replace('handles: [tickets]', 'handles: [tickets, cards]'), ...RULES);
    assert.equal(t?.description, 'agent can call db on its own, with no approval step or narrowed permissions; a manipulated model uses them at will.');
  });
});

describe('over-privileged-store-access and pipeline-over-privileged', () => {
  const RULES = ['over-privileged-store-access', 'pipeline-over-privileged'];
  const migrations = (source: string) =>
    `${head}assets:\n  schema: { name: Schema, classification: internal }\n  cards: { name: Card data, type: payment, classification: restricted }\nelements:\n  dev: { type: developer }\n  ci: { ${source}, controls: [protected-branches, dependency-pinning], handles: [schema] }\n  db: { tech: postgres, stores: [schema, cards] }\nflows:\n  - dev -> ci: https\n  - ci -> db: { protocol: sql+tls, auth: password, data: [schema] }\n`;

  it('reports a pipeline\'s standing access to a store once, as the pipeline\'s', () => {
    assert.deepEqual(summary(migrations('tech: github-actions'), ...RULES), ['pipeline-over-privileged: ci holds standing production access']);
  });

  it('still reports the account of a job that is no pipeline', () => {
    assert.deepEqual(summary(migrations('type: worker'), ...RULES), ['over-privileged-store-access: ci can read Card data in db']);
  });
});
