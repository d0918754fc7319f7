// One problem, one finding, fifth review: a cloud workload's SSRF is the metadata finding, an open debug
// endpoint's data is the debug finding, and a public endpoint behind an allow-list is not read by "anyone".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cloudMetadataExposure, exposedDebugEndpoint, serverSideRequestForgery } from '../../src/analysis/rules/network.js';
import { excessiveDataExposure, unauthenticatedSensitiveEndpoint } from '../../src/analysis/rules/disclosure.js';
import { runOnly, threatsOf } from './harness.js';

const model = (body: string) => `threatmap: 1\nsystem: { name: R5a }\n${body}`;
const facts = (t: { evidence: { fact: string }[] }) => t.evidence.map((e) => e.fact);
const ruleIds = (ts: { ruleId: string }[]) => ts.map((t) => t.ruleId).sort();

describe('cloud-metadata-exposure and server-side-request-forgery', () => {
  const SSRF = ['cloud-metadata-exposure', 'server-side-request-forgery'];
  const text = (fetch: string, boundary = '    in: vpc\n') => model(`assets:\n  pii: { classification: confidential }\nboundaries:\n  vpc: { kind: cloud }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n${boundary}    endpoints:\n      /fetch: { auth: jwt${fetch} }\n  db: { tech: postgres, in: vpc, stores: [pii] }\nflows:\n  - visitor -> api: https\n  - api -> db: sql+tls\n`);

  it('reports a cloud workload\'s fetch endpoint once, as the metadata finding naming what internal services hold', () => {
    const found = threatsOf(text(''), ...SSRF);
    assert.deepEqual(ruleIds(found), ['cloud-metadata-exposure']);
    const [metadata] = found;
    assert.equal(metadata.description, 'api runs in the cloud and fetches caller-chosen URLs (/fetch); pointed at the metadata service, it hands out its own cloud credentials, and requests can also be aimed at internal services holding pii.');
    assert.deepEqual(metadata.impact, { level: 'High', reason: 'the workload\'s cloud credentials: control of cloud resources; internal services hold pii' });
    assert.equal(metadata.stride, 'E');
  });

  it('leaves server-side-request-forgery the endpoint once the metadata service is protected', () => {
    const run = runOnly(text(', controls: [metadata-protection]'), [cloudMetadataExposure, serverSideRequestForgery]);
    assert.deepEqual(run.findings.map((f) => `${f.rule.id} ${f.endpoint}`), ['server-side-request-forgery api:/fetch']);
    assert.deepEqual(run.mitigations.map((m) => `${m.stride} ${m.component} ${m.controls.join()}`), ['E api metadata-protection']);
    const [ssrf] = threatsOf(text(', controls: [metadata-protection]'), ...SSRF);
    assert.equal(ssrf.description, '/fetch on api fetches URLs chosen by the caller; requests can be aimed at internal services holding pii.');
  });

  it('leaves server-side-request-forgery a workload outside the cloud, and a second fetch endpoint with its own protection', () => {
    assert.deepEqual(ruleIds(threatsOf(text('', ''), ...SSRF)), ['server-side-request-forgery']);
    const two = text(', controls: [metadata-protection] }\n      /import: { auth: jwt, kind: fetch');
    const found = threatsOf(two, ...SSRF);
    assert.deepEqual(found.map((t) => `${t.ruleId} ${t.endpoint ?? ''}`).sort(), ['cloud-metadata-exposure ', 'server-side-request-forgery api:/fetch']);
    assert.match(found.find((t) => t.ruleId === 'cloud-metadata-exposure')!.description, /\(\/import\)/);
  });

  it('reports neither when outbound destinations are allow-listed', () => {
    assert.deepEqual(threatsOf(text(', controls: [egress-filtering]'), ...SSRF), []);
  });
});

describe('exposed-debug-endpoint and the data rules', () => {
  const DATA = ['exposed-debug-endpoint', 'unauthenticated-sensitive-endpoint', 'excessive-data-exposure'];
  const text = (endpoints: string) => model(`assets:\n  config: { name: Service configuration, type: secrets, classification: confidential }\n  cards: { name: Card data, type: payment, classification: restricted }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n${endpoints}flows:\n  - visitor -> api: https\n`);

  it('reports a public debug endpoint returning confidential data once, naming the data', () => {
    const found = threatsOf(text('      /actuator: { public: true, returns: [config] }\n'), ...DATA);
    assert.deepEqual(ruleIds(found), ['exposed-debug-endpoint']);
    const [debug] = found;
    assert.equal(debug.description, '/actuator on api exposes diagnostics to an untrusted zone; configuration, secrets and memory contents leak, and it returns Service configuration.');
    assert.deepEqual(debug.impact, { level: 'High', reason: 'configuration, secrets and memory contents, and Service configuration: full compromise possible' });
    assert.deepEqual(facts(debug), ['/actuator is a debug endpoint', '/actuator returns Service configuration', 'no ip-allowlist or vpn on /actuator on api or in front of it']);
  });

  it('reports an authenticated debug endpoint returning restricted data once', () => {
    const found = threatsOf(text('      /debug: { auth: jwt, returns: [cards] }\n'), ...DATA);
    assert.deepEqual(ruleIds(found), ['exposed-debug-endpoint']);
    assert.match(found[0].description, /, and it returns Card data\.$/);
  });

  it('says nothing of returned data a debug endpoint does not have', () => {
    const [debug] = threatsOf(text('      /actuator: { public: true }\n'), ...DATA);
    assert.equal(debug.description, '/actuator on api exposes diagnostics to an untrusted zone; configuration, secrets and memory contents leak.');
    assert.deepEqual(facts(debug), ['/actuator is a debug endpoint', 'no ip-allowlist or vpn on /actuator on api or in front of it']);
  });

  it('leaves the data rules a firewalled debug endpoint, and endpoints of other kinds', () => {
    const firewalled = text('      /actuator: { public: true, returns: [config], controls: [ip-allowlist] }\n      /debug: { auth: jwt, returns: [cards], controls: [vpn] }\n');
    const run = runOnly(firewalled, [exposedDebugEndpoint, unauthenticatedSensitiveEndpoint, excessiveDataExposure]);
    assert.deepEqual(run.findings.map((f) => `${f.rule.id} ${f.endpoint}`).sort(), [
      'excessive-data-exposure api:/debug',
      'unauthenticated-sensitive-endpoint api:/actuator',
    ]);
    assert.deepEqual(run.mitigations.map((m) => `${m.endpoint} ${m.controls.join()}`).sort(), ['api:/actuator ip-allowlist', 'api:/debug vpn']);
    const others = text('      /actuator: { public: true }\n      /settings: { public: true, returns: [config] }\n      /wallet: { auth: jwt, returns: [cards] }\n');
    assert.deepEqual(threatsOf(others, ...DATA).map((t) => `${t.ruleId} ${t.endpoint}`).sort(), [
      'excessive-data-exposure api:/wallet',
      'exposed-debug-endpoint api:/actuator',
      'unauthenticated-sensitive-endpoint api:/settings',
    ]);
  });
});

describe('unauthenticated-sensitive-endpoint behind an allow-list', () => {
  const text = (controls: string) => model(`assets:\n  pii: { classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /customers: { public: true, returns: [pii]${controls} }\nflows:\n  - visitor -> api: https\n`);

  it('says who can read it and rates it Medium when an ip-allowlist or a vpn admits the callers', () => {
    const [listed] = threatsOf(text(', controls: [ip-allowlist]'), 'unauthenticated-sensitive-endpoint');
    assert.equal(listed.description, '/customers on api is public and returns pii; anyone admitted by ip-allowlist can read it without signing in.');
    assert.deepEqual(listed.likelihood, { level: 'Medium', reason: 'only callers admitted by ip-allowlist reach it' });
    assert.deepEqual(facts(listed), ['/customers is public and returns pii', '/customers is only reachable through ip-allowlist', 'no authentication or data-masking on /customers on api']);
    const [vpn] = threatsOf(text(', controls: [vpn]'), 'unauthenticated-sensitive-endpoint');
    assert.deepEqual(vpn.likelihood, { level: 'Medium', reason: 'only callers admitted by vpn reach it' });
  });

  it('still says anyone, rated High, without them', () => {
    const [open] = threatsOf(text(''), 'unauthenticated-sensitive-endpoint');
    assert.equal(open.description, '/customers on api is public and returns pii; anyone can read and scrape it.');
    assert.deepEqual(open.likelihood, { level: 'High', reason: 'public and reachable from the internet: no skill needed' });
  });
});

describe('excessive-data-exposure behind an allow-list', () => {
  // A login is meant for anonymous callers: unauthenticated-sensitive-endpoint leaves it to this rule.
  const text = (controls: string) => model(`assets:\n  cards: { type: payment, classification: restricted }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /login: { public: true, returns: [cards]${controls} }\nflows:\n  - visitor -> api: https\n`);

  it('is Medium for a public endpoint that only allow-listed callers reach, High otherwise', () => {
    assert.deepEqual(threatsOf(text(', controls: [ip-allowlist]'), 'excessive-data-exposure')[0]?.likelihood, { level: 'Medium', reason: 'needs an account or a foothold' });
    assert.deepEqual(threatsOf(text(''), 'excessive-data-exposure')[0]?.likelihood, { level: 'High', reason: 'public and reachable from the internet' });
  });
});
