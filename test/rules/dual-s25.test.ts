// Review of missing-dual-control: a description names an operation only by the verb phrase it opens with, and
// many staff behind one back office that calls many services make one way, not one per person and service.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { highValueOperation, missingDualControl } from '../../src/analysis/rules/human.js';
import type { Rule } from '../../src/analysis/rules/types.js';
import { loadText, MODEL_HEAD, noThreat, onlyThreat, runOnly } from './harness.js';

const RULE = 'missing-dual-control';

describe('missing-dual-control reads what a description says the endpoint does', () => {
  const op = (description: string, key = 'POST /ops/{id}') => {
    const { model } = loadText(`${MODEL_HEAD}elements:\n  x:\n    type: api\n    auth: oidc\n    endpoints:\n      ${JSON.stringify(key)}: ${JSON.stringify({ description })}\n`);
    return highValueOperation(model.elements[0].endpoints[0])?.one;
  };

  it('takes the operation a description opens with', () => {
    assert.equal(op('Refund the order'), 'refund');
    assert.equal(op('Grants a role to a user'), 'role or permission grant');
    assert.equal(op('Issue a refund for the order'), 'refund');
    assert.equal(op('Close a customer account'), 'account closure');
    assert.equal(op('Close the ticket and refund the customer'), 'refund');
    assert.equal(op('Export the signing key'), 'key or secret export');
  });

  it('leaves out a word further on, in an example, an aside or a clause of its own, and a description that lists', () => {
    assert.equal(op('Add a note to a customer ticket, e.g. about a delayed refund'), undefined);
    assert.equal(op('Update a customer\'s contact details (the role field is read-only)'), undefined);
    assert.equal(op('Close the ticket once the customer\'s account issue is solved'), undefined);
    assert.equal(op('Attach a file; uploads are subject to size limits'), undefined);
    assert.equal(op('Lists the refunds of an order'), undefined);
    // The route still names it, whatever the description says.
    assert.equal(op('Add a note', 'POST /orders/{id}/refund'), 'refund');
  });

  const helpdesk = (endpoints: string) => `elements:
  agent: { type: support-staff }
  helpdesk:
    type: admin-panel
    auth: oidc
    endpoints:
${endpoints}flows:
  - agent -> helpdesk: { protocol: https, auth: oidc }
`;

  it('reports nothing for a helpdesk whose descriptions only mention refunds, roles and accounts', () => {
    noThreat(helpdesk(`      POST /tickets/{id}/comments: { description: "Add a note to a customer ticket, e.g. about a delayed refund" }
      PUT /users/{id}/profile: { description: "Update a customer's contact details (the role field is read-only)" }
      POST /tickets/{id}/close: { description: "Close the ticket once the customer's account issue is solved" }
`), RULE);
  });

  it('still reports the helpdesk endpoint whose description says it refunds', () => {
    const t = onlyThreat(helpdesk(`      POST /tickets/{id}/comments: { description: "Add a note to a customer ticket" }
      POST /tickets/{id}/resolve: { description: "Refund the customer's order and close the ticket" }
`), RULE);
    assert.equal(t.title, 'No second approver for POST /tickets/{id}/resolve on helpdesk');
  });
});

/** `people` administrators signed in to one back office (with a route of its own) that calls `services` services. */
function backOffice(people: number, services: number, approved: readonly number[] = []): string {
  let elements = '  office: { type: admin-panel, auth: oidc, endpoints: { GET /dashboard: {} } }\n';
  let flows = '';
  for (let i = 0; i < people; i++) {
    elements += `  a${i}: { type: admin }\n`;
    flows += `  - a${i} -> office: { protocol: https, auth: oidc${approved.includes(i) ? ', controls: [human-approval]' : ''} }\n`;
  }
  for (let i = 0; i < services; i++) {
    elements += `  s${i}:\n    type: service\n    endpoints:\n      POST /payments/{id}/refund: {}\n      POST /payouts: {}\n`;
    flows += `  - office -> s${i}: https\n`;
  }
  return `elements:\n${elements}flows:\n${flows}`;
}

describe('missing-dual-control with many staff behind one back office', () => {
  it('names every person on each service the back office calls, with their flows, leaving out one whose flow is approved', () => {
    const found = runOnly(MODEL_HEAD + backOffice(3, 2, [1]), [missingDualControl]).findings;
    assert.deepEqual(found.map((t) => t.key), ['missing-dual-control@s0', 'missing-dual-control@s1']);
    const t = found[0];
    assert.equal(t.description, 'a0 (administrators), a2 (administrators) can run refunds, payouts on s0 through office (POST /payments/{id}/refund, POST /payouts) with no second person approving; what is done cannot be taken back, so one malicious insider or one stolen staff session is enough.');
    assert.deepEqual(t.flows, ['a0->office', 'office->s0', 'a2->office']);
  });

  it('is mitigated for every person by approval on the back office\'s call, and for all when each one\'s flow has it', () => {
    const onCall = backOffice(3, 1).replace('  - office -> s0: https', '  - office -> s0: { protocol: https, controls: [human-approval] }');
    noThreat(onCall, RULE);
    const everyone = runOnly(MODEL_HEAD + backOffice(3, 1, [0, 1, 2]), [missingDualControl]);
    assert.deepEqual(everyone.findings, []);
    assert.deepEqual(everyone.mitigations.map((m) => [m.component, m.flows]), [['s0', ['a0->office', 'office->s0', 'a1->office', 'a2->office']]]);
  });

  /**
   * Steps of array, Map and Set iterators, callbacks of the array methods that walk a list, and the length of
   * every list searched with includes or indexOf, while the rule's check runs (as test/perf/complexity.test.ts
   * counts them). Counted rather than timed: timings on a shared machine say little.
   */
  function iterationsOf(text: string): number {
    const { model } = loadText(MODEL_HEAD + text);
    const counter = { n: 0, on: false };
    const restore: (() => void)[] = [];
    const patch = <T extends object>(target: T, name: string, wrap: (original: (...a: unknown[]) => unknown) => (...a: unknown[]) => unknown) => {
      const record = target as unknown as Record<string, (...a: unknown[]) => unknown>;
      const original = record[name];
      record[name] = wrap(original);
      restore.push(() => { record[name] = original; });
    };
    for (const proto of [[][Symbol.iterator](), new Map()[Symbol.iterator](), new Set()[Symbol.iterator]()].map((i) => Object.getPrototypeOf(i) as object)) {
      patch(proto, 'next', (next) => function (this: unknown, ...a: unknown[]) {
        if (counter.on) counter.n++;
        return next.apply(this, a);
      });
    }
    for (const name of ['forEach', 'map', 'filter', 'some', 'every', 'find', 'findIndex', 'reduce', 'flatMap']) {
      patch(Array.prototype, name, (original) => function (this: unknown[], fn: unknown, ...rest: unknown[]) {
        if (!counter.on || typeof fn !== 'function') return original.call(this, fn, ...rest);
        const step = fn as (...a: unknown[]) => unknown;
        return original.call(this, function (this: unknown, ...a: unknown[]) {
          counter.n++;
          return step.apply(this, a);
        }, ...rest);
      });
    }
    for (const name of ['includes', 'indexOf']) {
      patch(Array.prototype, name, (original) => function (this: unknown[], ...a: unknown[]) {
        if (counter.on) counter.n += this.length;
        return original.apply(this, a);
      });
    }
    const check = missingDualControl.check as (...a: unknown[]) => unknown;
    const counted = {
      ...missingDualControl,
      check: (...a: unknown[]) => {
        counter.on = true;
        try {
          return check(...a);
        } finally {
          counter.on = false;
        }
      },
    } as unknown as Rule;
    try {
      analyze(model, { rules: [counted] });
    } finally {
      for (const undo of restore.reverse()) undo();
    }
    return counter.n;
  }

  it('does work that grows with the staff and the services, not with their product squared', () => {
    // Each finding lists every person's flow, so doubling the staff at most doubles the work; a search of the ways
    // found so far per person and service, and the back office's calls found again per person, made it 2.9 times.
    const small = iterationsOf(backOffice(80, 20));
    const large = iterationsOf(backOffice(160, 20));
    assert.ok(large <= 2.2 * small, `staff doubled: ${small} -> ${large} iterations`);
    const more = iterationsOf(backOffice(80, 40));
    assert.ok(more <= 2.2 * small, `services doubled: ${small} -> ${more} iterations`);
  });
});
