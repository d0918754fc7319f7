// Session 17: a call to a load balancer or gateway may name the endpoint of the service behind it that serves
// the path (a partner's webhook through the load balancer), resolved along the edge's flows; and ids that
// differ only in case are warned about. Each behaviour has a positive and a negative case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadModel } from '../../src/model/load.js';
import type { Diagnostic } from '../../src/model/types.js';
import { brief } from './helpers.js';

const HEAD = 'threatmap: 1\nsystem: { name: t }\n';

/** A partner calling `lb` naming `endpoint`, `lb` forwarding to `api` (and to whatever `more` adds). */
const webhook = (endpoint: string, lb = '{ type: load-balancer }', more = { elements: '', flows: '' }) =>
  `${HEAD}elements:\n  stripe: { type: third-party }\n  lb: ${lb}\n  api:\n    type: api\n    endpoints:\n` +
  `      POST /webhooks/stripe: { kind: webhook, public: true }\n      /orders: { auth: jwt }\n${more.elements}` +
  `flows:\n  - stripe -> lb: { protocol: https, endpoint: ${endpoint} }\n  - lb -> api: https\n${more.flows}`;

const load = (text: string) => loadModel(text, 'm.yaml');
const errors = (list: readonly Diagnostic[]) => list.filter((d) => d.severity === 'error');

describe('a flow to an edge naming the endpoint of the service behind it', () => {
  it('resolves to the endpoint of the one service the load balancer forwards to that declares it', () => {
    const { model, diagnostics } = load(webhook('/webhooks/stripe'));
    assert.deepEqual(errors(diagnostics), []);
    assert.equal(model?.flows[0].endpoint, 'api:POST /webhooks/stripe');
    assert.equal(model?.flows[1].endpoint, undefined);
  });

  it('follows further edges (a CDN in front of the load balancer) and takes the full key as well as the route', () => {
    const text = `${HEAD}elements:\n  stripe: { type: third-party }\n  cdn: { type: cdn }\n  lb: { tech: haproxy }\n  api:\n    type: api\n` +
      '    endpoints:\n      POST /webhooks/stripe: { public: true }\nflows:\n  - stripe -> cdn: { protocol: https, endpoint: POST /webhooks/stripe }\n' +
      '  - cdn -> lb: https\n  - lb -> api: https\n';
    const { model, diagnostics } = load(text);
    assert.deepEqual(errors(diagnostics), []);
    assert.equal(model?.flows[0].endpoint, 'api:POST /webhooks/stripe');
  });

  it('keeps the edge\'s own endpoint when it declares the one named', () => {
    const { model } = load(webhook('/webhooks/stripe', '{ type: load-balancer, endpoints: { /webhooks/stripe: { public: true } } }'));
    assert.equal(model?.flows[0].endpoint, 'lb:/webhooks/stripe');
  });

  it('refuses a name no service behind declares, at the flow\'s endpoint, listing the endpoints behind the edge', () => {
    const { model, diagnostics } = load(webhook('/webhooks/strip'));
    assert.equal(model, undefined);
    assert.deepEqual(brief(errors(diagnostics)), ['error unknown-reference@12:38']);
    const [d] = errors(diagnostics);
    assert.equal(d.message, 'neither `lb` nor a service it forwards to declares the endpoint `/webhooks/strip`');
    assert.equal(d.expected, 'one of `POST /webhooks/stripe (on api)`, `/orders (on api)`');
    assert.equal(d.hint, 'did you mean `/webhooks/stripe`?');
  });

  it('refuses a name two services behind the edge declare: the flow cannot tell which it reaches', () => {
    const web = { elements: '  web:\n    type: service\n    endpoints:\n      /webhooks/stripe: { public: true }\n', flows: '  - lb -> web: https\n' };
    const [d] = errors(load(webhook('/webhooks/stripe', undefined, web)).diagnostics);
    assert.equal(d.code, 'ambiguous-reference');
    assert.equal(d.expected, 'one service declaring it: `api`, `web`');
  });

  it('does not look behind an element that is not an edge: a service calling another names its own endpoints only', () => {
    const text = webhook('/webhooks/stripe', '{ type: service }');
    const [d] = errors(load(text).diagnostics);
    assert.equal(d.message, '`lb` has no endpoints, so the flow cannot call `/webhooks/stripe`');
  });

  it('does not look behind the service that declares the path: an edge\'s first declaring element on a way ends it', () => {
    // api forwards nothing (it is no edge), so an endpoint of a service api calls is not reachable by naming it at lb.
    const more = { elements: '  billing:\n    type: service\n    endpoints:\n      /invoices: { auth: jwt }\n', flows: '  - api -> billing: https\n' };
    const [d] = errors(load(webhook('/invoices', undefined, more)).diagnostics);
    assert.equal(d.code, 'unknown-reference');
    assert.equal(d.expected, 'one of `POST /webhooks/stripe (on api)`, `/orders (on api)`');
  });
});

describe('ids that differ only in case', () => {
  const warnings = (text: string) => load(text).diagnostics.filter((d) => d.code === 'case-only-id');

  it('warns at the second element naming the first, with its line', () => {
    const text = `${HEAD}elements:\n  Api: { type: api }\n  api: { type: api }\nflows:\n  - Api -> api: https\n`;
    const [w, more] = warnings(text);
    assert.equal(more, undefined);
    assert.deepEqual([w.severity, w.line, w.col, w.path], ['warning', 5, 3, 'elements.api']);
    assert.equal(w.message, 'element id `api` differs only in case from element `Api` (line 4)');
    assert.ok(load(text).model, 'a warning: the model still loads');
  });

  it('warns across elements and boundaries (one namespace) and among assets, not between an asset and an element', () => {
    const text = `${HEAD}boundaries:\n  DB: { trust: internal }\nassets:\n  pii: { type: pii }\n  PII: { type: pii }\n` +
      'elements:\n  db: { tech: postgres, in: DB }\n  Pii: { type: api }\nflows:\n  - Pii -> db: postgres\n';
    assert.deepEqual(warnings(text).map((w) => w.message), [
      'asset id `PII` differs only in case from asset `pii` (line 6)',
      'element id `db` differs only in case from boundary `DB` (line 4)',
    ]);
  });

  it('says nothing of ids that differ otherwise, nor of the same id twice (a duplicate-id error of its own)', () => {
    assert.deepEqual(warnings(`${HEAD}elements:\n  api: { type: api }\n  api2: { type: api }\nflows:\n  - api -> api2: https\n`), []);
    const twice = `${HEAD}boundaries:\n  app: { trust: internal }\nelements:\n  app: { type: api }\n`;
    assert.deepEqual(warnings(twice), []);
    assert.ok(load(twice).diagnostics.some((d) => d.code === 'duplicate-id'));
  });
});
