// Session 24 review A: mutable-logs on a log store whose trail is also kept in a tamper-evident store (item 5),
// and dom-xss on a single-page app typed as its staff user (item 2).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText, MODEL_HEAD as HEAD, threatsIn } from './harness.js';

const AUDIT = 'assets:\n  audit: { name: Audit trail, type: logs, classification: confidential, integrity: high }\n';
/** An API writing its audit trail to CloudWatch and to an archive; `archive` and `flows` vary. */
const logs = (archive: string, flows = '  - api -> cw: { protocol: https, auth: iam, data: [audit] }\n  - api -> archive: { protocol: https, auth: iam, data: [audit] }\n') =>
  `${AUDIT}elements:\n  user: { tech: browser }\n  api: { type: api, auth: jwt, controls: [audit-logging] }\n` +
  `  cw: { name: CloudWatch Logs, tech: cloudwatch, stores: [audit] }\n  archive: { name: Audit archive, tech: s3, stores: [audit]${archive} }\n` +
  `flows:\n  - user -> api: { protocol: https, auth: jwt }\n${flows}`;
const LOCKED = ', controls: [tamper-evident-logs]';

/** A component's repudiation cell in the coverage matrix. */
const repudiationCell = (body: string, component: string) =>
  analyzeText(HEAD + body).coverage.find((row) => row.component === component)?.cells.find((c) => c.stride === 'R');

describe('mutable-logs: the same trail kept in a tamper-evident store (session 24)', () => {
  it('is mitigated when the writer also writes the trail to an object-locked archive, naming the copy', () => {
    assert.deepEqual(threatsIn(logs(LOCKED), 'mutable-logs').map((t) => t.key), []);
    const cell = repudiationCell(logs(LOCKED), 'cw');
    assert.deepEqual([cell?.status, cell?.controls], ['mitigated', ['tamper-evident-logs']]);
    assert.match(cell?.reason ?? '', /what is written to CloudWatch Logs is also kept, tamper-evident, in Audit archive \(api->archive\)/);
  });

  it('is mitigated when the log store itself forwards the trail to the archive', () => {
    const flows = '  - api -> cw: { protocol: https, auth: iam, data: [audit] }\n  - cw -> archive: { protocol: https, auth: iam, data: [audit] }\n';
    assert.deepEqual(threatsIn(logs(LOCKED, flows), 'mutable-logs').map((t) => t.key), []);
  });

  it('counts a copy whose flow names no data when the archive stores the trail', () => {
    const flows = '  - api -> cw: { protocol: https, auth: iam, data: [audit] }\n  - api -> archive: { protocol: https, auth: iam }\n';
    assert.deepEqual(threatsIn(logs(LOCKED, flows), 'mutable-logs').map((t) => t.key), []);
  });

  it('stays as today when the archive is not tamper-evident', () => {
    const [t] = threatsIn(logs(''), 'mutable-logs');
    assert.deepEqual([t?.key, t?.risk, t?.title], ['mutable-logs@cw', 'Medium', 'CloudWatch Logs can be altered or deleted']);
  });

  it('stays when another writer keeps its trail only in the mutable store', () => {
    const body = logs(LOCKED).replace('flows:\n', '  worker: { type: worker }\nflows:\n') + '  - worker -> cw: { protocol: https, auth: iam, data: [audit] }\n';
    assert.deepEqual(threatsIn(body, 'mutable-logs').map((t) => t.key), ['mutable-logs@cw']);
  });

  it('stays when the copy carries another trail than the one written here', () => {
    const body = logs(LOCKED, '  - api -> cw: { protocol: https, auth: iam, data: [audit] }\n  - api -> archive: { protocol: https, auth: iam, data: [access] }\n')
      .replace('assets:\n', 'assets:\n  access: { name: Access log, type: logs }\n');
    assert.deepEqual(threatsIn(body, 'mutable-logs').map((t) => t.key), ['mutable-logs@cw']);
  });

  it('stays when neither the write nor the store says what the trail is', () => {
    const body = `elements:\n  api: { type: api }\n  logs: { type: logs }\n  archive: { type: logs${LOCKED} }\nflows:\n  - api -> logs: https\n  - api -> archive: https\n`;
    assert.deepEqual(threatsIn(body, 'mutable-logs').map((t) => t.key), ['mutable-logs@logs']);
  });
});

const NOTES = 'assets:\n  phi: { name: Clinical notes, type: health, classification: restricted }\n';
/** A patient's app and a staff console calling an API that returns what patients write; `console` varies. */
const clinic = (console: string) => `${NOTES}elements:\n  patient: { tech: react }\n  console: { name: Staff console, ${console}tech: react }\n` +
  '  api:\n    type: api\n    auth: jwt\n    handles: [phi]\n    endpoints:\n      POST /messages: { accepts: [phi] }\n      GET /messages/{id}: { returns: [phi] }\n' +
  'flows:\n  - patient -> api: { protocol: https, auth: jwt, data: [phi] }\n  - console -> api: { protocol: https, auth: jwt, data: [phi] }\n';

describe('dom-xss: a single-page app typed as the person who uses it (session 24)', () => {
  it('judges the console whatever person type it has, as High', () => {
    const untyped = threatsIn(clinic(''), 'dom-xss').find((t) => t.component === 'console');
    assert.equal(untyped?.risk, 'High');
    for (const type of ['admin', 'support-staff', 'user', 'developer']) {
      const found = threatsIn(clinic(`type: ${type}, `), 'dom-xss');
      assert.deepEqual(found.map((t) => t.key).sort(), ['dom-xss@console', 'dom-xss@patient'], type);
      const t = found.find((x) => x.component === 'console')!;
      assert.equal(t.risk, 'High', type);
    }
  });

  it('rates the impact by the staff session script runs with', () => {
    const t = threatsIn(clinic('type: admin, '), 'dom-xss').find((x) => x.component === 'console')!;
    assert.deepEqual(t.impact, { level: 'High', reason: "script runs with an administrator's session (Staff console is typed `admin`, the person who uses it)" });
  });

  it('leaves a person with no app technology alone', () => {
    assert.deepEqual(threatsIn(clinic('type: admin, ').replace('tech: react }\n  api', '}\n  api'), 'dom-xss').map((t) => t.key), ['dom-xss@patient']);
    assert.deepEqual(threatsIn(clinic('').replace('tech: react }\n  api', 'tech: browser }\n  api'), 'dom-xss').map((t) => t.key), ['dom-xss@patient']);
  });

  it('reports one XSS finding when cross-site-scripting already covers what the typed app reads', () => {
    const DOCS = 'assets:\n  docs: { name: Documents, type: financial, classification: confidential }\n';
    const API = '  api:\n    type: api\n    auth: jwt\n    endpoints:\n      POST /docs: { accepts: [docs] }\n      /docs/{id}: { returns: [docs] }\n';
    const shop = (more: string) => `${DOCS}elements:\n  ops: { type: admin, name: Ops app, tech: react }\n  site: { name: Static site, type: web-server }\n${API}` +
      `flows:\n  - ops -> site: https\n  - ops -> api: https\n${more}`;
    const keys = (body: string) => threatsIn(body, 'cross-site-scripting', 'dom-xss').map((t) => t.key).sort();
    // The server of the app's files hands out no one's content: the app's own finding only.
    assert.deepEqual(keys(shop('')), ['dom-xss@ops']);
    // A server that proxies to the API renders its content: its finding names the app; the app's own covers the API.
    assert.deepEqual(keys(shop('  - site -> api: https\n')), ['cross-site-scripting@site', 'dom-xss@ops']);
    // An app reading only a server-rendered app that cross-site-scripting reports gets no second finding.
    const rendered = `${DOCS}elements:\n  ops: { type: admin, name: Ops app, tech: react }\n  web:\n    type: web-app\n    auth: session-cookie\n    endpoints:\n      POST /docs: { accepts: [docs] }\n      /docs/{id}: { returns: [docs] }\nflows:\n  - ops -> web: https\n`;
    const found = threatsIn(rendered, 'cross-site-scripting', 'dom-xss');
    assert.deepEqual(found.map((t) => t.key), ['cross-site-scripting@web']);
    assert.ok(found[0].evidence.some((e) => e.fact.includes('Ops app')), found[0].evidence.map((e) => e.fact).join('; '));
  });
});
