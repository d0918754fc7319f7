// Session 23 (gateways): Azure API Management, Apigee and Google Cloud API Gateway are managed gateways like AWS's
// `api-gateway` (type `gateway`, trait `cloud`): each ends its backend calls at a timeout of its own, so
// no-circuit-breaker and no-timeouts-external leave their calls alone, and every other rule treats them as it
// treats `api-gateway`. Azure's and Google's load balancers are load balancers in the cloud.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { managedGateway } from '../../src/analysis/rules/availability.js';
import { TECHNOLOGIES } from '../../src/model/catalog.js';
import { analyzeText, loadText, MODEL_HEAD, noThreat, onlyThreat } from './harness.js';

const GATEWAYS = ['azure-api-management', 'apim', 'azure-apim', 'apigee', 'google-apigee', 'gcp-api-gateway', 'google-api-gateway'];
const LOAD_BALANCERS = ['azure-application-gateway', 'azure-app-gateway', 'azure-load-balancer', 'gcp-load-balancer', 'google-cloud-load-balancing'];

/** A browser calling the gateway in a VPC, which calls a service beside it and a third party. */
const calls = (tech: string) =>
  `boundaries:\n  vpc: { trust: internal }\nelements:\n  visitor: { tech: browser }\n  gw: { name: gw, tech: ${tech}, in: vpc }\n` +
  '  app: { type: service, in: vpc }\n  partner: { type: third-party }\n' +
  'flows:\n  - visitor -> gw: https\n  - gw -> app: https\n  - gw -> partner: https\n';

describe('gateways s23: the catalogue', () => {
  it('the managed gateways are type gateway with the cloud trait, as api-gateway is; their aliases are the same', () => {
    for (const tech of GATEWAYS) {
      assert.deepEqual({ type: TECHNOLOGIES[tech].type, traits: TECHNOLOGIES[tech].traits }, { type: 'gateway', traits: ['cloud'] }, tech);
      const e = loadText(MODEL_HEAD + calls(tech)).model!.elements.find((x) => x.id === 'gw');
      assert.ok(managedGateway(e), tech);
    }
    for (const [alias, main] of [['apim', 'azure-api-management'], ['azure-apim', 'azure-api-management'], ['google-apigee', 'apigee'], ['google-api-gateway', 'gcp-api-gateway']]) {
      assert.equal(TECHNOLOGIES[alias].note, `the same as ${main}`);
    }
  });

  it('the load balancers are load balancers in the cloud; a gateway we run is no managed one', () => {
    for (const tech of LOAD_BALANCERS) assert.deepEqual({ type: TECHNOLOGIES[tech].type, traits: TECHNOLOGIES[tech].traits }, { type: 'load-balancer', traits: ['cloud'] }, tech);
    assert.ok(!managedGateway(loadText(MODEL_HEAD + calls('kong')).model!.elements.find((x) => x.id === 'gw')));
  });
});

describe('gateways s23: no-circuit-breaker and no-timeouts-external leave a managed gateway\'s calls', () => {
  it('for every managed gateway and load balancer', () => {
    for (const tech of [...GATEWAYS, ...LOAD_BALANCERS]) {
      noThreat(calls(tech), 'no-circuit-breaker');
      if (GATEWAYS.includes(tech)) noThreat(calls(tech), 'no-timeouts-external');
    }
  });

  it('still report a gateway we run', () => {
    assert.equal(onlyThreat(calls('kong'), 'no-timeouts-external').title, 'gw waits without limit on partner, app');
  });
});

describe('gateways s23: every rule treats them as api-gateway', () => {
  // A gateway taking JWTs on a login and an API, in front of a service with a database and a third party.
  const model = (tech: string) => `${MODEL_HEAD}assets:\n  orders: { name: Orders, type: pii, classification: confidential }\n` +
    'boundaries:\n  vpc: { trust: internal }\n  data: { trust: restricted, in: vpc }\nelements:\n  visitor: { tech: browser }\n' +
    `  gw:\n    name: gw\n    tech: ${tech}\n    in: vpc\n    auth: jwt\n    endpoints:\n      POST /login: { public: true }\n      GET /orders/{id}: { returns: [orders] }\n` +
    '  app: { type: api, in: vpc, handles: [orders] }\n  db: { tech: postgres, in: data, stores: [orders] }\n  partner: { type: third-party }\n' +
    'flows:\n  - visitor -> gw: https\n  - gw -> app: http\n  - app -> db: postgres\n  - gw -> partner: https\n';
  const found = (tech: string) => analyzeText(model(tech)).threats.map((t) => `${t.ruleId} ${t.component} ${t.risk}`).sort();

  it('the same threats on the same components at the same risks', () => {
    const reference = found('api-gateway');
    assert.ok(reference.length > 5, reference.join('\n'));
    for (const tech of GATEWAYS) assert.deepEqual(found(tech), reference, tech);
    // A gateway we run differs: its unbounded calls are reported.
    assert.notDeepEqual(found('kong'), reference);
  });
});
