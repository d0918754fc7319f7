// DOM-based XSS in single-page apps (dom-xss): rated by who writes what the app shows and by what script
// in it can take; one XSS finding per app when a server-rendered app it calls is already reported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { domXss } from '../../src/analysis/rules/web.js';
import { analyzeText, MODEL_HEAD as HEAD, runOnly } from './harness.js';

const DOCS = 'assets:\n  docs: { type: financial, classification: confidential }\n';
/** A single-page app calling an API whose endpoints are given, with the API's own keys before them. */
const spaModel = (api: string, endpoints: string, extra = '', tech = 'react') =>
  `${HEAD}${DOCS}elements:\n  app: { tech: ${tech} }\n${extra}  api:\n    type: api\n${api}    endpoints:\n${endpoints}flows:\n  - app -> api: https\n`;
const UPLOADS = '      POST /uploads: { accepts: [docs] }\n      /documents/{id}: { returns: [docs] }\n';
const domXssOf = (text: string) => analyzeText(text).threats.filter((t) => t.ruleId === 'dom-xss');
const xssOf = (text: string) => analyzeText(text).threats.filter((t) => t.ruleId === 'cross-site-scripting');

describe('dom-xss', () => {
  it('rates likelihood by who can put content in front of other users', () => {
    const anyone = domXssOf(spaModel('', '      POST /comments: { public: true, accepts: [docs] }\n'));
    assert.deepEqual(anyone.map((t) => [t.likelihood.level, t.likelihood.reason]), [
      ['High', 'anyone on the internet can put content in front of other users through POST /comments on api without signing in'],
    ]);
    const users = domXssOf(spaModel('    auth: session-cookie\n', UPLOADS));
    assert.deepEqual(users.map((t) => [t.likelihood.level, t.likelihood.reason]), [
      ['Medium', 'signed-in users can put content in front of others through POST /uploads on api (session-cookie)'],
    ]);
    const staff = domXssOf(spaModel('    auth: oidc\n', '      POST /admin/notes: { accepts: [docs] }\n'));
    assert.deepEqual(staff.map((t) => [t.likelihood.level, t.likelihood.reason]), [
      ['Low', 'only staff write what it shows: POST /admin/notes on api is an admin endpoint'],
    ]);
  });

  it('takes a public endpoint behind a token-checking gateway as written by signed-in users, not anyone', () => {
    const text = `${HEAD}${DOCS}elements:\n  app: { tech: react }\n  gw: { type: gateway, auth: jwt }\n  api:\n    type: api\n    endpoints:\n      POST /uploads: { accepts: [docs] }\nflows:\n  - app -> gw: https\n  - gw -> api: https\n`;
    const [t] = domXssOf(text);
    assert.equal(t.likelihood.level, 'Medium');
    assert.match(t.likelihood.reason, /^signed-in users .* \(requests are authenticated on the way\)$/);
  });

  it('says a jwt the app holds is readable by injected script, and rates it High with confidential data', () => {
    const [jwt] = domXssOf(spaModel('    auth: jwt\n', UPLOADS));
    assert.deepEqual([jwt.impact.level, jwt.impact.reason], [
      'High',
      'the jwt token app sends to api is readable by injected script (localStorage or memory) and works from anywhere until it expires: docs can be read',
    ]);
    assert.match(jwt.description, /, where it can read the jwt token\.$/);
    assert.match(jwt.mitigation, /Keep the jwt token out of localStorage/);
    assert.ok(jwt.evidence.some((e) => e.fact === 'api authenticates callers with jwt'));
    // A session cookie is not readable: script acts in the session while the page is open.
    const [cookie] = domXssOf(spaModel('    auth: session-cookie\n', UPLOADS));
    assert.deepEqual([cookie.impact.level, cookie.impact.reason], ['Medium', 'script acts with the user\'s session while the page is open and reads docs']);
    assert.doesNotMatch(cookie.description, /token/);
    assert.doesNotMatch(cookie.mitigation, /localStorage/);
  });

  it('rates an app that administrators use High', () => {
    const [t] = domXssOf(spaModel('    auth: session-cookie\n', UPLOADS, '  ops: { type: admin }\n').replace('flows:\n', 'flows:\n  - ops -> app: https\n'));
    assert.deepEqual([t.impact.level, t.impact.reason], ['High', 'script runs with an administrator\'s session (ops uses it)']);
  });

  it('reports any response of an API that declares no endpoints, saying the model cannot tell', () => {
    const [t] = domXssOf(`${HEAD}elements:\n  app: { tech: angular }\n  api: { type: api }\nflows:\n  - app -> api: https\n`);
    assert.equal(t.likelihood.level, 'Medium');
    assert.match(t.likelihood.reason, /^the model does not say what api returns or who writes it/);
    assert.ok(t.evidence.some((e) => e.fact === 'api declares no endpoints: what it returns is unknown'));
  });

  it('leaves out content the API takes but never returns, and sign-in input', () => {
    const notReturned = spaModel('    auth: jwt\n', '      POST /uploads: { accepts: [docs] }\n      /status: { returns: [other] }\n')
      .replace(DOCS, `${DOCS}  other: { classification: public }\n`);
    assert.deepEqual(domXssOf(notReturned), []);
    const login = spaModel('', '      POST /login: { public: true, accepts: [docs] }\n');
    assert.deepEqual(domXssOf(login), []);
    // An upload endpoint that names no asset still takes files that others are shown.
    assert.equal(domXssOf(spaModel('    auth: jwt\n', '      POST /files: {}\n')).length, 1);
  });

  it('counts a Content-Security-Policy sent by the component that serves the app\'s pages', () => {
    const text = `${HEAD}${DOCS}elements:\n  app: { tech: react }\n  cdn: { type: cdn, controls: [content-security-policy] }\n  api:\n    type: api\n    endpoints:\n      POST /uploads: { accepts: [docs] }\nflows:\n  - app -> cdn: https\n  - cdn -> api: https\n`;
    assert.deepEqual(domXssOf(text), []);
    const run = runOnly(text, [domXss]);
    assert.deepEqual(run.mitigations.map((m) => [m.controls, m.reason]), [[['content-security-policy'], 'cdn serves its pages with a Content-Security-Policy']]);
    // Declared on the boundary the app runs in, as for any control.
    const inZone = spaModel('    auth: jwt\n', UPLOADS).replace('elements:\n', 'boundaries:\n  web: { trust: untrusted, controls: [content-security-policy] }\nelements:\n').replace('app: { tech: react }', 'app: { tech: react, in: web }');
    assert.deepEqual(domXssOf(inZone), []);
    assert.deepEqual(runOnly(inZone, [domXss]).mitigations.map((m) => m.controls), [['content-security-policy']]);
    // Output encoding on the API is the server's: the app's own sinks are not covered.
    assert.equal(domXssOf(spaModel('    auth: jwt\n    controls: [output-encoding]\n', UPLOADS)).length, 1);
  });

  it('is one XSS finding per app: a server-rendered app reported by cross-site-scripting names its single-page app', () => {
    const nextjs = (controls: string) =>
      `${HEAD}${DOCS}elements:\n  app: { tech: react }\n  site:\n    tech: nextjs\n    controls: [${controls}]\n    endpoints:\n      POST /uploads: { accepts: [docs] }\nflows:\n  - app -> site: https\n`;
    const open = nextjs('');
    assert.deepEqual(domXssOf(open), []);
    const [xss] = xssOf(open);
    assert.match(xss.mitigation, /In the single-page app \(app\), keep user content out of raw HTML sinks \(dangerouslySetInnerHTML, v-html, innerHTML\)/);
    assert.ok(xss.evidence.some((e) => e.fact === 'site is called by the single-page app app'));
    // Server templates encoded: the app's own sinks are still open, and dom-xss is the one finding.
    const encoded = nextjs('output-encoding');
    assert.deepEqual(xssOf(encoded), []);
    assert.equal(domXssOf(encoded).length, 1);
    // A CSP on the server covers both.
    const csp = nextjs('content-security-policy');
    assert.deepEqual([...xssOf(csp), ...domXssOf(csp)], []);
  });

  it('does not step aside for, or take the CSP of, a page-rendering component behind a gateway that serves other pages', () => {
    const fanOut = (panelControls: string) =>
      `${HEAD}${DOCS}elements:\n  app: { tech: react }\n  gw: { type: gateway, auth: jwt }\n  api:\n    type: api\n    endpoints:\n      POST /uploads: { accepts: [docs] }\n  panel: { type: admin-panel, controls: [${panelControls}] }\nflows:\n  - app -> gw: https\n  - gw -> api: https\n  - gw -> panel: https\n`;
    const open = fanOut('');
    assert.equal(xssOf(open).length, 1);
    const [t] = domXssOf(open);
    assert.deepEqual(t.evidence.map((e) => e.fact).slice(0, 2), ['app is a single-page app (react)', 'POST /uploads on api accepts docs']);
    assert.equal(domXssOf(fanOut('content-security-policy')).length, 1);
  });

  it('leaves cross-site-scripting as it was where a plain browser calls the site', () => {
    const [xss] = xssOf(`${HEAD}elements:\n  visitor: { tech: browser }\n  site: { type: web-app }\nflows:\n  - visitor -> site: https\n`);
    assert.equal(xss.mitigation, 'Encode all output for its context (templates with auto-escaping, no raw HTML sinks), sanitise rich text with an allow-list, and add a strict Content-Security-Policy.');
    assert.equal(xss.evidence.length, 2);
  });

  it('leaves model output shown in the app to llm-insecure-output', () => {
    const text = `${HEAD}elements:\n  app: { tech: react }\n  chat: { type: api }\n  model: { tech: openai }\nflows:\n  - app -> chat: https\n  - chat -> model: { protocol: https, auth: api-key }\n`;
    const threats = analyzeText(text).threats;
    assert.deepEqual(threats.filter((t) => t.ruleId === 'dom-xss'), []);
    assert.equal(threats.filter((t) => t.ruleId === 'llm-insecure-output').length, 1);
  });

  it('puts the punch-list action in single-page-app terms, on the app', () => {
    const result = analyzeText(spaModel('    auth: jwt\n', UPLOADS));
    const [t] = result.threats.filter((x) => x.ruleId === 'dom-xss');
    assert.equal(t.component, 'app');
    assert.deepEqual(t.flows, ['app->api']);
    assert.equal(domXss.action.text, 'Keep user content out of dangerouslySetInnerHTML, v-html and innerHTML, sanitise rich text with DOMPurify and enforce a strict CSP with Trusted Types in {targets}');
  });
});
