// Review of weak-authentication's password-only remote access: one finding per entry names every source whose
// password alone opens it, and what lies behind the entry is walked once per entry, not once per flow.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildContext } from '../../src/analysis/context.js';
import { findCrossings } from '../../src/analysis/boundaries.js';
import { runRules } from '../../src/analysis/engine.js';
import { weakAuthentication } from '../../src/analysis/rules/authentication.js';
import { buildGraph } from '../../src/model/graph.js';
import { loadText, MODEL_HEAD, onlyThreat, runOnly } from './harness.js';

const RULE = 'weak-authentication';

/** `contractors` people in an untrusted zone signing in to a VPN with a password; `services` in a chain behind it. */
function vpn(contractors: number, services = 2, flowExtra: (i: number) => string = () => ''): string {
  let elements = '  vpn: { type: gateway, name: Corporate VPN }\n';
  let flows = '';
  for (let i = 0; i < contractors; i++) {
    elements += `  c${i}: { type: user, in: net }\n`;
    flows += `  - c${i} -> vpn: { protocol: https, auth: password${flowExtra(i)} }\n`;
  }
  for (let i = 0; i < services; i++) elements += `  s${i}: { type: service${i === services - 1 ? ', handles: [pay]' : ''} }\n`;
  flows += '  - vpn -> s0: https\n';
  for (let i = 1; i < services; i++) flows += `  - s${i - 1} -> s${i}: https\n`;
  return `assets:\n  pay: { name: Payments, classification: restricted }\nboundaries:\n  net: { trust: untrusted }\nelements:\n${elements}flows:\n${flows}`;
}

describe('weak-authentication: password-only remote access names every source', () => {
  it('names all three contractors signing in to one VPN, in title and description, with all their flows', () => {
    const t = onlyThreat(vpn(3), RULE);
    assert.equal(t.key, 'weak-authentication@vpn');
    assert.equal(t.title, 'Password-only remote access from c0, c1, c2 into Corporate VPN');
    assert.equal(t.description, 'c0, c1, c2 sign in to Corporate VPN, a VPN, from an untrusted zone with a password alone: one phished, reused or sprayed password of any of them opens the way to Payments with no second factor.');
    assert.deepEqual(t.flows, ['c0->vpn', 'c1->vpn', 'c2->vpn']);
    assert.equal(t.impact.level, 'High');
  });

  it('caps the names a title gives, and leaves out a source whose own flow has MFA', () => {
    assert.equal(onlyThreat(vpn(6), RULE).title, 'Password-only remote access from c0, c1, c2 and 3 other sources into Corporate VPN');
    const backed = vpn(3, 2, (i) => (i === 1 ? ', controls: [mfa]' : ''));
    const t = onlyThreat(backed, RULE);
    assert.equal(t.title, 'Password-only remote access from c0, c2 into Corporate VPN');
    assert.deepEqual(t.flows, ['c0->vpn', 'c2->vpn']);
    assert.deepEqual(runOnly(MODEL_HEAD + backed, [weakAuthentication]).mitigations.map((m) => [m.flows, m.controls]), [[['c1->vpn'], ['mfa']]]);
  });

  it('keeps the wording of one source when only one signs in, however many flows it has', () => {
    const t = onlyThreat(vpn(1), RULE);
    assert.equal(t.title, 'Password-only remote access from c0 into Corporate VPN');
    assert.equal(t.description, 'c0 -> Corporate VPN signs in to a VPN from an untrusted zone with a password alone: one phished, reused or sprayed password of c0 opens the way to Payments with no second factor.');
    const twice = vpn(1).replace('flows:\n', 'flows:\n  - c0 -> vpn: { id: c0-again, protocol: wss, auth: password }\n');
    assert.equal(onlyThreat(twice, RULE).title, 'Password-only remote access from c0 into Corporate VPN');
  });

  it('names the ways in to a host reached over both remote desktop and shell', () => {
    const host = 'boundaries:\n  net: { trust: untrusted }\nelements:\n  a: { type: third-party, in: net }\n  b: { type: third-party, in: net }\n  jump: { type: service }\nflows:\n  - a -> jump: { protocol: rdp, auth: password }\n  - b -> jump: { protocol: ssh, auth: password }\n';
    assert.equal(onlyThreat(host, RULE).description, 'a, b sign in to jump, a remote desktop over rdp and a remote shell over ssh, from an untrusted zone with a password alone: one phished, reused or sprayed password of any of them opens a session on it with no second factor.');
  });

  it('walks what lies behind an entry once, not once per source (flow lookups counted, not timed)', () => {
    const lookups = (contractors: number, services: number): number => {
      const graph = buildGraph(loadText(MODEL_HEAD + vpn(contractors, services)).model);
      let count = 0;
      const counted = { ...graph, outFlows: (id: string) => (count++, graph.outFlows(id)), inFlows: (id: string) => (count++, graph.inFlows(id)) };
      const run = runRules(buildContext(counted, findCrossings(counted)), [weakAuthentication]);
      assert.equal(run.findings.length, 1);
      return count;
    };
    // Twice the sources and twice the services behind: a walk per flow made it four times the lookups.
    const small = lookups(40, 40);
    const large = lookups(80, 80);
    assert.ok(large <= 2.5 * small, `${small} lookups for 40 sources and 40 services, ${large} for 80 and 80`);
  });
});
