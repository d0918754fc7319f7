// The web UI's server when a request fails unexpectedly, over real sockets with file access that fails on
// purpose: the page gets a generic message and a short id, the server's log the whole error under that id;
// the CLI's own worded errors and the deliberate answers (422, 409, 404) reach the page as they are.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UserError } from '../../src/cli/io.js';
import { isTriageRefusal } from '../../src/server/api.js';
import { TriageEditError } from '../../src/track/triage-edit.js';
import { type FileAccess, versionOf } from '../../src/server/files.js';
import { failure, type RunningServer, startServer } from '../../src/server/server.js';
import { exampleText } from '../helpers.js';
import { tempFolder } from '../temp.js';

const MODEL_TEXT = exampleText('ecommerce');
/** A path only the server knows: it must never reach the page. */
const SECRET = '/srv/private/build-7/node_modules/threatmap/dist/server/files.js';

interface Reply {
  status: number;
  json: Record<string, unknown>;
  body: string;
}

function ask(on: RunningServer, path: string, method = 'GET', json?: unknown): Promise<Reply> {
  const headers: Record<string, string> = { 'X-Threatmap-Token': on.token, ...(json === undefined ? {} : { 'Content-Type': 'application/json' }) };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: on.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, body, json: JSON.parse(body) as Record<string, unknown> });
      });
    });
    req.on('error', reject);
    req.end(json === undefined ? undefined : JSON.stringify(json));
  });
}

/** A failure with a message and a stack naming SECRET, as a library's own error would. */
function internalError(): Error {
  const err = new Error(`EIO: i/o error, open '${SECRET}.tmp-4121'`);
  err.stack = `${err.stack}\n    at writeAll (${SECRET}:12:3)`;
  return err;
}

describe('threatmap serve: an unexpected failure', () => {
  let dir: string;
  let server: RunningServer;
  let files: { model: string | null; triage: string | null; fail?: () => never };
  const logged: string[] = [];

  before(async () => {
    dir = tempFolder('threatmap-serve-s16-');
    const assets = join(dir, 'web');
    mkdirSync(assets);
    // app.css left out: the page's file missing.
    for (const f of ['index.html', 'app.js', 'worker.js']) writeFileSync(join(assets, f), `stub ${f}\n`);
    const model = join(dir, 'shop.yaml');
    files = { model: MODEL_TEXT, triage: null };
    const access: FileAccess = {
      read: (path) => (path === model ? files.model : files.triage),
      write: (path, text) => {
        files.fail?.();
        if (path === model) files.model = text;
        else files.triage = text;
      },
    };
    server = await startServer({ model, assets, files: access, log: (line) => logged.push(line) });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const save = (text: string) => ask(server, '/api/model', 'PUT', { text, base: versionOf(files.model ?? '') });

  it('500 with a generic message and a short id; the log has the message and the stack under that id', async () => {
    logged.length = 0;
    files.fail = () => {
      throw internalError();
    };
    const r = await save(`${MODEL_TEXT}# edited\n`);
    files.fail = undefined;
    assert.equal(r.status, 500);
    const id = r.json.id as string;
    assert.match(id, /^[0-9a-f]{8}$/);
    assert.deepEqual(r.json, { error: `the server failed to answer (error ${id}); the terminal running threatmap serve says why`, id });
    assert.ok(!r.body.includes(SECRET) && !r.body.includes('EIO'), r.body);
    assert.equal(logged.length, 1);
    assert.ok(logged[0].startsWith(`threatmap serve: internal error ${id} in PUT /api/model: Error: EIO: i/o error, open '${SECRET}.tmp-4121'\n`), logged[0]);
    assert.match(logged[0], new RegExp(`at writeAll \\(${SECRET}:12:3\\)\\n$`));
    assert.equal(files.model, MODEL_TEXT);
    // Each failure its own id.
    files.fail = () => {
      throw internalError();
    };
    const again = await save(`${MODEL_TEXT}# edited\n`);
    files.fail = undefined;
    assert.notEqual(again.json.id, id);
  });

  it('500 for a thrown value that is not an Error: the same', async () => {
    logged.length = 0;
    files.fail = () => {
      // What a careless library may throw.
      throw `disk gone at ${SECRET}`;
    };
    const r = await save(`${MODEL_TEXT}# edited\n`);
    files.fail = undefined;
    assert.equal(r.status, 500);
    assert.ok(!r.body.includes(SECRET));
    assert.equal(logged[0], `threatmap serve: internal error ${r.json.id as string} in PUT /api/model: disk gone at ${SECRET}\n`);
  });

  it('the CLI\'s own worded error about the user\'s file: shown as the CLI shows it, with the id, and logged', async () => {
    logged.length = 0;
    files.fail = () => {
      throw new UserError('shop.yaml: cannot write: read-only file system (EROFS)');
    };
    const r = await save(`${MODEL_TEXT}# edited\n`);
    files.fail = undefined;
    assert.equal(r.status, 500);
    const id = r.json.id as string;
    assert.equal(r.json.error, `shop.yaml: cannot write: read-only file system (EROFS) (error ${id})`);
    assert.deepEqual(logged, [`threatmap serve: error ${id} in PUT /api/model: shop.yaml: cannot write: read-only file system (EROFS)\n`]);
  });

  it('deliberate answers stay as they were, and are not logged: 422 with diagnostics, 409, a triage file that cannot be edited', async () => {
    logged.length = 0;
    const invalid = await save('threatmap: 1\nsystem: {name: x}\nelements: 7\n');
    assert.equal(invalid.status, 422);
    assert.equal(invalid.json.error, 'the model has errors');
    assert.ok(Array.isArray(invalid.json.diagnostics) && invalid.json.diagnostics.length > 0);
    const conflict = await ask(server, '/api/model', 'PUT', { text: MODEL_TEXT, base: versionOf('another text') });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.json.text, MODEL_TEXT);
    files.triage = 'threats: [unclosed\n';
    const threat = { uid: 'TM-0000abcd', key: 'spoofing@web', describe: 'x' };
    const triage = await ask(server, '/api/triage', 'POST', { threat, update: { status: 'accepted', reason: 'ok' }, base: versionOf(files.triage) });
    files.triage = null;
    assert.equal(triage.status, 422);
    assert.match(triage.json.error as string, /^the triage file cannot be edited: /);
    assert.equal(triage.json.id, undefined);
    assert.deepEqual(logged, []);
  });

  it('a page file missing: 404 without the folder it was looked for in, which the log says', async () => {
    logged.length = 0;
    const r = await ask(server, '/app.css');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, { error: 'app.css is missing: run npm run build (the terminal running threatmap serve says where it was looked for)' });
    assert.ok(!r.body.includes(dir));
    assert.deepEqual(logged, [`threatmap serve: app.css is missing from ${join(dir, 'web')}: run npm run build\n`]);
  });
});

describe('what the server makes of a failure', () => {
  it('an internal error: the page gets the id only; the log the request, the message and the stack', () => {
    const err = internalError();
    const out = failure(err, 'POST /api/diagram', 'abcd0123');
    assert.equal(out.error, 'the server failed to answer (error abcd0123); the terminal running threatmap serve says why');
    assert.equal(out.log, `threatmap serve: internal error abcd0123 in POST /api/diagram: ${err.stack}\n`);
    // A stack that does not repeat the message gets it before.
    const bare = new TypeError('x is undefined');
    bare.stack = '    at f (a.js:1:1)';
    assert.equal(failure(bare, 'GET /api/state', '00000000').log, 'threatmap serve: internal error 00000000 in GET /api/state: x is undefined\n    at f (a.js:1:1)\n');
  });

  it('a triage refusal is triage-edit\'s typed error; a bug\'s error is not, whatever it says', () => {
    assert.equal(isTriageRefusal(new TriageEditError('not-yaml', 'the triage file cannot be edited: bad indentation')), true);
    assert.equal(isTriageRefusal(new TriageEditError('not-a-map', 'the triage file is not a map')), true);
    assert.equal(isTriageRefusal(new Error('the triage file cannot be edited: bad indentation')), false);
    assert.equal(isTriageRefusal(new TypeError('the triage file x')), false);
    assert.equal(isTriageRefusal(new Error(`ENOENT: ${SECRET}`)), false);
    assert.equal(isTriageRefusal('the triage file cannot be edited: x'), false);
  });
});
