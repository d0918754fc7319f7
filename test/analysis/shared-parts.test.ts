// Parts of the result that repeat across a large model are built once and shared: the shared parts must
// read exactly as separately built ones would, and be frozen so that no reader can change them for others.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeExample } from '../helpers.js';

describe('shared parts of the result', () => {
  const result = analyzeExample('microservices');
  const byFlow = new Map(result.crossings.map((c) => [c.flow, c]));
  const crossing = (flow: string) => {
    const c = byFlow.get(flow);
    assert.ok(c, `no crossing for ${flow}`);
    return c;
  };

  it('labels each crossing by the boundaries it leaves and enters', () => {
    const c = crossing('customer->gateway');
    assert.deepEqual([c.left, c.entered], [['internet'], ['edge']]);
    assert.equal(c.label, 'internet -> DMZ (leaves Public internet; enters API gateway)');
    const db = crossing('users->users-db');
    assert.deepEqual([db.left, db.entered], [['mesh'], ['data']]);
    assert.match(db.label, /\(leaves Service mesh; enters Database tier\)$/);
  });

  it('shares one frozen list of boundaries, and one label, between crossings of the same boundaries', () => {
    const a = crossing('gateway->auth');
    const b = crossing('gateway->users');
    assert.equal(a.left, b.left);
    assert.equal(a.entered, b.entered);
    assert.equal(a.label, b.label);
    assert.ok(Object.isFrozen(a.left) && Object.isFrozen(a.entered));
    // The same boundary left towards another one is another side.
    assert.notEqual(crossing('gateway->auth').entered, crossing('customer->gateway').entered);
  });
});
