// Disclosure, authorization and supply-chain findings checked against the facts of small models: each finding's
// words follow the model (what an endpoint returns is not what it accepts), and one cause is one finding.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText } from './harness.js';

const CARDS = 'assets:\n  cards: { type: payment, classification: restricted }\n';
const VISITOR = 'elements:\n  visitor: { tech: browser }\n';

/** The threats the given rules report on the model. */
function reported(text: string, ruleIds: readonly string[]) {
  return analyzeText(text).threats.filter((t) => ruleIds.includes(t.ruleId));
}

describe('findings (disclosure, authorization, supply chain)', () => {
  const DATA_RULES = ['excessive-data-exposure', 'unauthenticated-sensitive-endpoint'];
  const cardsAt = (endpoint: string) =>
    `threatmap: 1\nsystem: { name: Cards }\n${CARDS}${VISITOR}  api:\n    type: api\n    endpoints:\n      ${endpoint}\nflows:\n  - visitor -> api: https\n`;

  it('report restricted data served to anonymous callers once, as unauthenticated-sensitive-endpoint', () => {
    const open = reported(cardsAt('/cards: { public: true, returns: [cards] }'), DATA_RULES);
    assert.deepEqual(open.map((t) => t.ruleId), ['unauthenticated-sensitive-endpoint']);
    assert.equal(open[0].title, 'cards served without authentication by /cards');
    assert.equal(open[0].likelihood.level, 'High');
    // Masked data: neither rule reports it.
    assert.deepEqual(reported(cardsAt('/cards: { public: true, returns: [cards], controls: [data-masking] }'), DATA_RULES), []);
  });

  it('leave excessive-data-exposure what only it covers: signed-in callers, and endpoints meant for anonymous callers', () => {
    const signedIn = reported(cardsAt('/cards: { auth: jwt, returns: [cards] }'), DATA_RULES);
    assert.deepEqual(signedIn.map((t) => t.ruleId), ['excessive-data-exposure']);
    assert.equal(signedIn[0].likelihood.level, 'Medium');
    // Authentication in front of a public endpoint: the caller needs an account, so Medium, not "public".
    const authenticated = reported(cardsAt('/cards: { public: true, returns: [cards], controls: [authentication] }'), DATA_RULES);
    assert.deepEqual(authenticated.map((t) => t.ruleId), ['excessive-data-exposure']);
    assert.deepEqual(authenticated[0].likelihood, { level: 'Medium', reason: 'needs an account or a foothold' });
    // A login is meant for anonymous callers: unauthenticated-sensitive-endpoint leaves it alone, so this one reports it.
    const login = reported(cardsAt('/login: { public: true, returns: [cards] }'), DATA_RULES);
    assert.deepEqual(login.map((t) => t.ruleId), ['excessive-data-exposure']);
    assert.deepEqual(login[0].likelihood, { level: 'High', reason: 'public and reachable from the internet' });
  });

  it('rate account enumeration Medium impact when an account there is itself sensitive (health data)', () => {
    const clinic = (type: string) => reported(
      `threatmap: 1\nsystem: { name: Clinic }\nassets:\n  diagnosis: { type: ${type}, classification: restricted }\n${VISITOR}  clinic:\n    type: api\n    handles: [diagnosis]\n    endpoints:\n      /register: { public: true, accepts: [diagnosis] }\nflows:\n  - visitor -> clinic: https\n`,
      ['account-enumeration'],
    );
    const [health] = clinic('health');
    assert.ok(health);
    assert.deepEqual(health.impact, { level: 'Medium', reason: 'an account on clinic, which handles diagnosis, is itself sensitive' });
    assert.deepEqual(health.evidence.map((e) => e.fact), [
      '/register is a register endpoint',
      'clinic handles diagnosis',
      'no generic-responses on /register on clinic',
    ]);
    const [pii] = clinic('pii');
    assert.ok(pii);
    assert.deepEqual(pii.impact, { level: 'Low', reason: 'reveals who has an account, not their data: minor exposure' });
    assert.equal(pii.evidence.length, 2);
  });

  it('rate account enumeration Medium likelihood when the endpoint is reached only through other components', () => {
    const [viaWeb] = reported(
      `threatmap: 1\nsystem: { name: Login }\n${VISITOR}  web: { type: web-app }\n  api:\n    type: api\n    endpoints:\n      /login: { public: true }\nflows:\n  - visitor -> web: https\n  - web -> api: https\n`,
      ['account-enumeration'],
    );
    assert.ok(viaWeb);
    assert.deepEqual(viaWeb.likelihood, { level: 'Medium', reason: 'reachable only through other components' });
  });

  it('word object-level authorization by the direction of the data: returns, accepts or both', () => {
    const profile = (endpoint: string) => reported(
      `threatmap: 1\nsystem: { name: Profiles }\nassets:\n  profile: { type: pii, classification: confidential }\n${VISITOR}  api:\n    type: api\n    endpoints:\n      ${endpoint}\nflows:\n  - visitor -> api: https\n`,
      ['broken-object-level-authorization'],
    )[0];
    const accepts = profile('PUT /profile: { auth: jwt, accepts: [profile] }');
    assert.ok(accepts);
    assert.match(accepts.description, /^PUT \/profile on api changes profile for the signed-in caller;/);
    assert.deepEqual(accepts.evidence.map((e) => e.fact), [
      'PUT /profile accepts profile with PUT',
      'no object-level-authorization on PUT /profile on api',
    ]);
    const returns = profile('GET /profile: { auth: jwt, returns: [profile] }');
    assert.ok(returns);
    assert.match(returns.description, /^GET \/profile on api returns profile for the signed-in caller;/);
    assert.equal(returns.evidence[0].fact, 'GET /profile returns profile');
    const both = profile('PATCH /profile: { auth: jwt, accepts: [profile], returns: [profile] }');
    assert.ok(both);
    assert.match(both.description, /^PATCH \/profile on api returns and changes profile for the signed-in caller;/);
    assert.deepEqual(both.evidence.map((e) => e.fact).slice(0, 2), ['PATCH /profile returns profile', 'PATCH /profile accepts profile with PATCH']);
    // POST creates an object: what it accepts reaches no other user's record.
    assert.equal(profile('POST /profile: { auth: jwt, accepts: [profile] }'), undefined);
  });

  it('report a pipeline\'s standing access to the cloud console once, as pipeline-over-privileged', () => {
    const RULES = ['excessive-cloud-permissions', 'pipeline-over-privileged'];
    const about = (text: string) => reported(text, RULES).map((t) => `${t.ruleId} ${t.flows.join(',')}`);
    assert.deepEqual(
      about('threatmap: 1\nsystem: { name: CI }\nelements:\n  ci: { tech: jenkins }\n  console: { tech: aws-console }\nflows:\n  - ci -> console: { protocol: cloud-api, auth: iam }\n'),
      ['pipeline-over-privileged ci->console'],
    );
    // A cloud provider modelled as a third party and called over cloud-api is the pipeline's cloud role too: one finding.
    assert.deepEqual(
      about('threatmap: 1\nsystem: { name: CI }\nelements:\n  ci: { tech: jenkins }\n  console: { tech: aws-console }\n  aws: { type: third-party }\nflows:\n  - ci -> console: { protocol: cloud-api, auth: iam }\n  - ci -> aws: { protocol: cloud-api, auth: iam }\n').sort(),
      ['pipeline-over-privileged ci->console,ci->aws'],
    );
    // A workload that is not a pipeline keeps its finding.
    assert.deepEqual(
      about('threatmap: 1\nsystem: { name: Ops }\nelements:\n  deployer: { type: service }\n  console: { tech: aws-console }\nflows:\n  - deployer -> console: { protocol: cloud-api, auth: iam }\n'),
      ['excessive-cloud-permissions deployer->console'],
    );
  });
});
