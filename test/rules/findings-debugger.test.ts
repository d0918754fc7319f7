// exposed-debugger: a remote debugger reached over the network, rated by the least trusted zone that reaches it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exposedDebugger } from '../../src/analysis/rules/network.js';
import { MODEL_HEAD as head, runOnly, threatsOf } from './harness.js';

const model = (flows: string, extra = '') =>
  `${head}boundaries:\n  dmz: { trust: dmz }\n  office: { trust: internal }\nelements:\n  visitor: { tech: browser }\n  proxy: { type: reverse-proxy, in: dmz }\n  dev: { type: developer, in: office }\n  api: { type: api, tech: node${extra} }\nflows:\n  - visitor -> proxy: https\n  - proxy -> api: https\n${flows}`;

describe('exposed-debugger', () => {
  it('rates by the least trusted zone an open debugger flow comes from', () => {
    const rating = (flows: string) => {
      const [t, ...more] = threatsOf(model(flows), 'exposed-debugger');
      assert.ok(t);
      assert.equal(more.length, 0);
      return [t.title, t.likelihood.level, t.risk];
    };
    assert.deepEqual(rating('  - visitor -> api: { protocol: debugger, port: 9229 }\n'),
      ['Remote debugger on api can be attached from an untrusted zone', 'High', 'Critical']);
    assert.deepEqual(rating('  - proxy -> api: { id: attach, protocol: debugger, port: 5005 }\n'),
      ['Remote debugger on api can be attached from the DMZ', 'Medium', 'High']);
    assert.deepEqual(rating('  - dev -> api: { protocol: debugger, port: 5678 }\n'),
      ['Remote debugger on api can be attached from a trusted zone', 'Low', 'Medium']);
  });

  it('reports a target once, naming every open flow and its port', () => {
    const [t, ...more] = threatsOf(model('  - visitor -> api: { protocol: debugger, port: 9229 }\n  - dev -> api: debugger\n'), 'exposed-debugger');
    assert.ok(t);
    assert.equal(more.length, 0);
    assert.deepEqual(t.flows, ['visitor->api', 'dev->api']);
    assert.equal(t.description, 'visitor -> api, dev -> api reach the debugger of api; it asks for no credentials, and whoever attaches runs code in api with its privileges, secrets and data.');
    assert.deepEqual(t.evidence.map((e) => e.fact), [
      'visitor -> api reaches a debugger on port 9229',
      'dev -> api reaches a debugger',
      'no vpn or ip-allowlist on api, on visitor -> api, dev -> api or at their sources',
    ]);
  });

  it('honours an allow-list or VPN on the flow, its source or the target, flow by flow', () => {
    const guarded = model('  - visitor -> api: { protocol: debugger, controls: [ip-allowlist] }\n  - dev -> api: debugger\n');
    const [t] = threatsOf(guarded, 'exposed-debugger');
    assert.ok(t);
    assert.deepEqual(t.flows, ['dev->api'], 'the allow-listed flow is not a way in; the other one still is');
    assert.equal(t.likelihood.level, 'Low');
    const run = runOnly(guarded, [exposedDebugger]);
    assert.deepEqual(run.mitigations.map((m) => `${m.flows.join(',')}: ${m.controls.join(',')}`), ['visitor->api: ip-allowlist']);
    assert.deepEqual(threatsOf(model('  - visitor -> api: debugger\n', ', controls: [vpn]'), 'exposed-debugger'), []);
  });

  it('leaves other protocols on a debugger port, and an element attaching to itself, alone', () => {
    assert.deepEqual(threatsOf(model('  - visitor -> api: { protocol: http, port: 9229 }\n'), 'exposed-debugger'), []);
    assert.deepEqual(threatsOf(model('  - api -> api: debugger\n'), 'exposed-debugger'), []);
  });
});
