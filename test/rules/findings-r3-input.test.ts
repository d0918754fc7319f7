// Browser, model-output, upload and request-integrity findings checked against the facts of small models
// (third review): controls count where the model declares them (each page, the flow to a file store), and
// sentences hold for who can call an endpoint, whether browsers reach it and how many assets it takes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathTraversal } from '../../src/analysis/rules/injection.js';
import { llmInsecureOutput } from '../../src/analysis/rules/llm.js';
import { MODEL_HEAD as HEAD, runOnly, threatsIn } from './harness.js';


describe('third-round findings on browsers, model output, uploads and request integrity', () => {
  it('take output-encoding on every page as encoding the model output shown there, as cross-site-scripting does (llm-insecure-output)', () => {
    const model = (help: string, sink = false) =>
      `elements:\n  visitor: { tech: browser }\n  site:\n    type: web-app\n    endpoints:\n      /chat: { controls: [output-encoding] }\n      /help: { ${help} }\n  model: { tech: openai }\n${sink ? '  db: { tech: postgres }\n' : ''}flows:\n  - visitor -> site: https\n  - site -> model: { protocol: https, auth: api-key }\n${sink ? '  - site -> db: sql+tls\n' : ''}`;
    const encoded = model('controls: [output-encoding]');
    assert.deepEqual(threatsIn(encoded, 'llm-insecure-output', 'cross-site-scripting'), []);
    assert.deepEqual(runOnly(HEAD + encoded, [llmInsecureOutput]).mitigations.map((m) => [m.component, m.controls, m.reason]), [
      ['site', ['output-encoding'], 'model output is encoded on every page that shows it'],
    ]);
    // One page without it: the model output reaches browsers there, one finding (the LLM rule's).
    const open = threatsIn(model(''), 'llm-insecure-output', 'cross-site-scripting');
    assert.deepEqual(open.map((t) => [t.ruleId, t.description, t.impact.reason]), [
      ['llm-insecure-output', 'site passes model output to browsers without validating or encoding it.', 'script in users\' sessions'],
    ]);
    // Encoded pages do not cover what the model output changes in a database.
    const sink = threatsIn(model('controls: [output-encoding]', true), 'llm-insecure-output');
    assert.deepEqual(sink.map((t) => [t.description, t.impact.reason]), [['site calls a language model and writes to db; nothing declared validates or neutralises model output it sends there.', 'altered data']]);
  });

  it('rate an open redirect only partners may call Medium, not "a crafted link is enough" (open-redirect)', () => {
    // The route's allow-list enforces its callers: otherwise anyone a link reaches follows it (callers-reach.test.ts).
    const model = (callers: string) =>
      `elements:\n  visitor: { tech: browser }\n  partner: { type: third-party }\n  edge: { type: gateway }\n  site:\n    type: web-app\n    endpoints:\n      /redirect: { public: true, callers: [${callers}], controls: [ip-allowlist] }\nflows:\n  - visitor -> edge: https\n  - edge -> site: https\n  - partner -> site: https\n`;
    const [partner] = threatsIn(model('partner'), 'open-redirect');
    assert.ok(partner);
    assert.deepEqual([partner.likelihood.level, partner.likelihood.reason], ['Medium', 'only partner may call it, not anyone a crafted link reaches']);
    assert.equal(partner.description, '/redirect on site redirects to a destination from the request; links sent to partner can start on the trusted domain.');
    // A browser among the callers, or a gateway browsers send requests through: anyone a link reaches can follow it.
    const open = (callers: string) => threatsIn(model(callers), 'open-redirect').map((t) => [t.description, t.likelihood.level, t.likelihood.reason]);
    const phishing = '/redirect on site redirects to a destination from the request; phishing links can start on the trusted domain.';
    for (const callers of ['visitor', 'partner, visitor', 'edge']) assert.deepEqual(open(callers), [[phishing, 'High', 'a crafted link is enough']]);
  });

  it('speak of scripts in other users\' sessions only for an upload on a component browsers reach (unsafe-file-upload)', () => {
    const model = (direct: boolean) =>
      `elements:\n  visitor: { tech: browser }\n  web: { type: web-app }\n  ingest:\n    type: service\n    endpoints:\n      /upload: { auth: jwt }\nflows:\n  - visitor -> web: https\n  - web -> ingest: https\n${direct ? '  - visitor -> ingest: https\n' : ''}`;
    const [internal] = threatsIn(model(false), 'unsafe-file-upload');
    assert.ok(internal);
    assert.equal(internal.description, '/upload on ingest accepts files of any type; no browser reaches ingest to run script from an uploaded file, but executables or polyglots can still reach whoever opens them.');
    assert.deepEqual([internal.impact.level, internal.impact.reason], ['Low', 'no browser reaches it: no script in users\' sessions']);
    const [reached] = threatsIn(model(true), 'unsafe-file-upload');
    assert.ok(reached);
    assert.match(reached.description, /served back from the same origin runs script in other users' sessions \(stored XSS\)\.$/);
    assert.deepEqual([reached.impact.level, reached.impact.reason], ['Medium', 'script runs in other users\' sessions: partial exposure']);
  });

  it('refer to one accepted asset as "it" and to several as "them" (client-controlled-value)', () => {
    const model = (accepts: string) =>
      `assets:\n  total: { name: Order total, integrity: high }\n  role: { name: Account role, integrity: high }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      POST /cart: { auth: jwt, accepts: [${accepts}] }\nflows:\n  - visitor -> api: https\n`;
    const describe = (accepts: string) => threatsIn(model(accepts), 'client-controlled-value').map((t) => t.description);
    assert.deepEqual(describe('total'), ['POST /cart on api takes Order total from the client; a user can change it in transit with an intercepting proxy.']);
    assert.deepEqual(describe('total, role'), ['POST /cart on api takes Order total, Account role from the client; a user can change them in transit with an intercepting proxy.']);
  });

  it('take input-validation on a flow to a file store as guarding the paths built for it (path-traversal)', () => {
    const model = (share: string, vault: string) =>
      `assets:\n  docs: { classification: confidential }\n  scans: { classification: restricted }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /upload: { auth: jwt }\n  share: { tech: nfs, stores: [docs] }\n  vault: { tech: nfs, stores: [scans] }\nflows:\n  - visitor -> api: https\n  - api -> share: { protocol: nfs${share} }\n  - api -> vault: { protocol: nfs${vault} }\n`;
    const validated = ', controls: [input-validation]';
    const guarded = model(validated, validated);
    assert.deepEqual(threatsIn(guarded, 'path-traversal'), []);
    assert.deepEqual(runOnly(HEAD + guarded, [pathTraversal]).mitigations.map((m) => [m.endpoint, m.controls, m.reason]), [
      ['api:/upload', ['input-validation'], 'file names are validated on every flow to the file store'],
    ]);
    // Validated on the way to one store: the finding is about the other.
    const [vault] = threatsIn(model(validated, ''), 'path-traversal');
    assert.ok(vault);
    assert.equal(vault.description, '/upload on api handles files on vault; a crafted file name can escape the intended folder.');
    assert.deepEqual(vault.evidence.map((e) => e.fact).slice(1), ['api uses vault', 'no input-validation on /upload on api']);
    const [share] = threatsIn(model('', validated), 'path-traversal');
    assert.ok(share);
    assert.equal(share.description, '/upload on api handles files on share; a crafted file name can escape the intended folder.');
    assert.equal(share.impact.reason, 'confidentiality of docs is high: data breach');
    const [both] = threatsIn(model('', ''), 'path-traversal');
    assert.ok(both);
    assert.equal(both.description, '/upload on api handles files on share, vault; a crafted file name can escape the intended folder.');
  });
});
