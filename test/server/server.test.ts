// The web UI's server over real sockets, against temporary copies of a model and a stub page: every
// status of the contract, the security headers, the Host, token and Origin checks, writes that keep
// comments, conflicts, and the event stream's `changed` after a write from outside.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyModelEdit } from '../../src/model/edit.js';
import { MAX_BODY_BYTES, pageHosts, type RunningServer, startServer } from '../../src/server/server.js';
import { allowedHosts, hostAllowed, type MachineNames, parseAllowHost, SECURITY_HEADERS } from '../../src/server/security.js';
import { uidOf } from '../../src/track/triage.js';
import { analyzeExample, exampleText } from '../helpers.js';
import { tempFolder } from '../temp.js';

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const HAND_COMMENT = '# kept by hand: the shop model under review\n';
const MODEL_TEXT = HAND_COMMENT + exampleText('ecommerce');

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
}

interface Ask {
  method?: string;
  headers?: Record<string, string | number>;
  /** A JSON body (sent with Content-Type: application/json unless headers say otherwise). */
  json?: unknown;
  /** A raw body. */
  body?: string | Buffer;
  /** No X-Threatmap-Token header. */
  anonymous?: boolean;
}

let server: RunningServer;
let dir: string;
let modelPath: string;
let triagePath: string;

function ask(path: string, options: Ask = {}, on: RunningServer = server): Promise<Reply> {
  const body = options.json !== undefined ? JSON.stringify(options.json) : options.body;
  const headers: Record<string, string | number> = {
    ...(options.anonymous ? {} : { 'X-Threatmap-Token': on.token }),
    ...(options.json !== undefined ? { 'Content-Type': 'application/json' } : {}),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: on.port, path, method: options.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const json = /^application\/json/.test(res.headers['content-type'] ?? '') ? JSON.parse(text) as Record<string, unknown> : {};
        resolve({ status: res.statusCode!, headers: res.headers, body: text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const state = async () => (await ask('/api/state')).json as { text: string; version: string; triage: { text: string | null; version: string | null } };

interface Events {
  /** Resolves once the stream has said `changed` for `what` at `version` (at once if it already has). */
  changed(what: string, version: string | null): Promise<void>;
  close(): void;
}

/**
 * The event stream of a server, its blocks as they come; each `changed` a test waits for is awaited by its
 * exact text (a change of an earlier test may still be on its way, and pings come between).
 */
function eventStream(on: RunningServer): Promise<Events> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: on.port, path: `/api/events?token=${on.token}` }, (res) => {
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] ?? '', /^text\/event-stream/);
      assert.equal(res.headers['cache-control'], 'no-store');
      res.setEncoding('utf8');
      let stream = '';
      const waiting = new Map<string, () => void>();
      const deliver = (): void => {
        for (const [block, done] of waiting) {
          if (stream.includes(`${block}\n\n`)) {
            waiting.delete(block);
            done();
          }
        }
      };
      res.on('data', (chunk: string) => {
        stream += chunk;
        deliver();
      });
      resolve({
        changed: (what, version) => new Promise((done) => {
          waiting.set(`event: changed\ndata: ${JSON.stringify({ what, version })}`, done);
          deliver();
        }),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function assertSecurityHeaders(reply: Reply): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(reply.headers[name.toLowerCase()], value, name);
}

before(async () => {
  dir = tempFolder('threatmap-serve-');
  const assets = join(dir, 'web');
  mkdirSync(assets);
  for (const f of ['index.html', 'app.js', 'app.css', 'worker.js']) writeFileSync(join(assets, f), `stub ${f}\n`);
  modelPath = join(dir, 'shop.yaml');
  triagePath = join(dir, 'shop.triage.yaml');
  writeFileSync(modelPath, MODEL_TEXT);
  server = await startServer({ model: modelPath, assets });
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('threatmap serve: the page and the checks on every request', () => {
  it('prints an address with the token in its fragment', () => {
    assert.match(server.token, /^[0-9a-f]{64}$/);
    assert.equal(server.url, `http://127.0.0.1:${server.port}/#token=${server.token}`);
  });

  it('serves the four files of the page, with the security headers', async () => {
    for (const [path, file, type] of [['/', 'index.html', 'text/html'], ['/app.js', 'app.js', 'text/javascript'], ['/app.css', 'app.css', 'text/css'], ['/worker.js', 'worker.js', 'text/javascript']]) {
      const r = await ask(path, { anonymous: true });
      assert.equal(r.status, 200, path);
      assert.equal(r.body, `stub ${file}\n`);
      assert.equal(r.headers['content-type'], `${type}; charset=utf-8`);
      assertSecurityHeaders(r);
    }
  });

  it('404 for any other path, traversals included', async () => {
    for (const path of ['/index.html', '/app.js/', '/../package.json', '/%2e%2e/', '/%2e%2e/package.json', '/web/app.js', '/api', '/api/nope']) {
      const r = await ask(path, { anonymous: true });
      assert.equal(r.status, 404, path);
      assert.equal(typeof r.json.error, 'string');
      assertSecurityHeaders(r);
    }
  });

  it('403 for a Host header that is not its own (DNS rebinding)', async () => {
    for (const host of [`evil.example:${server.port}`, '127.0.0.1', `127.0.0.1:${server.port + 1}`, `localhost.evil.example:${server.port}`]) {
      for (const path of ['/', '/api/state']) {
        const r = await ask(path, { headers: { Host: host } });
        assert.equal(r.status, 403, `${host} ${path}`);
        assertSecurityHeaders(r);
      }
    }
    for (const host of [`localhost:${server.port}`, `[::1]:${server.port}`, `LOCALHOST:${server.port}`]) {
      assert.equal((await ask('/api/state', { headers: { Host: host } })).status, 200, host);
    }
  });

  it('401 without the right token', async () => {
    const wrong = server.token.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const tokens: Array<Record<string, string>> = [{}, { 'X-Threatmap-Token': wrong }, { 'X-Threatmap-Token': server.token.slice(1) }, { 'X-Threatmap-Token': `${server.token}0` }];
    for (const headers of tokens) {
      const r = await ask('/api/state', { anonymous: true, headers });
      assert.equal(r.status, 401);
      assertSecurityHeaders(r);
    }
    // The token in the query counts only for the event stream, which cannot send headers.
    assert.equal((await ask(`/api/state?token=${server.token}`, { anonymous: true })).status, 401);
    assert.equal((await ask(`/api/events?token=${wrong}`, { anonymous: true })).status, 401);
    assert.equal((await ask('/api/model', { method: 'PUT', anonymous: true, json: { text: MODEL_TEXT, base: sha(MODEL_TEXT) } })).status, 401);
  });

  it('405 for another method on a known path', async () => {
    const cases: Array<[string, string, string]> = [['POST', '/', 'GET, HEAD'], ['GET', '/api/model', 'PUT'], ['PUT', '/api/triage', 'POST'], ['GET', '/api/diagram', 'POST'], ['DELETE', '/api/state', 'GET']];
    for (const [method, path, allow] of cases) {
      const r = await ask(path, { method });
      assert.equal(r.status, 405, `${method} ${path}`);
      assert.equal(r.headers.allow, allow);
      assertSecurityHeaders(r);
    }
  });

  it('403 for a body from another origin, 415 for one that is not JSON, 400 for bad JSON', async () => {
    const put = (headers: Record<string, string>, body: string) => ask('/api/model', { method: 'PUT', headers, body });
    const json = JSON.stringify({ text: MODEL_TEXT, base: sha(MODEL_TEXT) });
    assert.equal((await put({ 'Content-Type': 'application/json', Origin: 'http://evil.example' }, json)).status, 403);
    assert.equal((await put({ 'Content-Type': 'application/json', Origin: `http://localhost:${server.port}` }, json)).status, 403);
    assert.equal((await put({ 'Content-Type': 'text/plain' }, json)).status, 415);
    assert.equal((await put({}, json)).status, 415);
    assert.equal((await put({ 'Content-Type': 'application/x-www-form-urlencoded' }, json)).status, 415);
    const bad = await put({ 'Content-Type': 'application/json' }, '{"text": ');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json, { error: 'the request body is not JSON' });
    assert.equal((await put({ 'Content-Type': 'application/json; charset=utf-8' }, '{"text": 1}')).status, 400);
    // The page's own origin passes.
    assert.equal((await put({ 'Content-Type': 'application/json', Origin: `http://127.0.0.1:${server.port}` }, json)).status, 200);
    assert.equal(readFileSync(modelPath, 'utf8'), MODEL_TEXT);
  });

  it('413 for a body past 16 MiB, declared or sent', async () => {
    const declared = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port: server.port, path: '/api/diagram', method: 'POST',
        headers: { 'X-Threatmap-Token': server.token, 'Content-Type': 'application/json', 'Content-Length': MAX_BODY_BYTES + 1 },
      }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.write('{');
    });
    assert.equal(declared, 413);
    const sent = await ask('/api/diagram', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: Buffer.alloc(MAX_BODY_BYTES + 1, 32) });
    assert.equal(sent.status, 413);
    assertSecurityHeaders(sent);
  });
});

describe('threatmap serve: the API', () => {
  it('GET /api/state: the files, their versions and the generator', async () => {
    const r = await ask('/api/state');
    assert.equal(r.status, 200);
    assertSecurityHeaders(r);
    assert.deepEqual(r.json, {
      file: modelPath, text: MODEL_TEXT, version: sha(MODEL_TEXT), triage: { file: triagePath, text: null, version: null },
      generator: r.json.generator, rules: [], today: r.json.today,
    });
    assert.match(r.json.generator as string, /^threatmap \d+\.\d+\.\d+/);
    assert.match(r.json.today as string, /^\d{4}-\d{2}-\d{2}$/);
  });

  it('PUT /api/model writes the edited text, comments and all; 422 with line and column writes nothing', async () => {
    const before = await state();
    const edit = applyModelEdit(before.text, { op: 'add-control', target: { element: 'lb' }, control: 'waf' });
    assert.ok('text' in edit);
    const r = await ask('/api/model', { method: 'PUT', json: { text: edit.text, base: before.version } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { version: sha(edit.text) });
    const disk = readFileSync(modelPath, 'utf8');
    assert.equal(disk, edit.text);
    assert.ok(disk.startsWith(HAND_COMMENT));
    assert.ok(disk.includes('    auth: session-cookie          # the shop keeps a server-side session per customer\n'));

    const broken = edit.text.replace('    tech: alb\n', '    tech: alb\n    tehc: alb\n');
    const bad = await ask('/api/model', { method: 'PUT', json: { text: broken, base: sha(edit.text) } });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.error, 'the model has errors');
    const diagnostics = bad.json.diagnostics as Array<{ severity: string; file: string; line: number; col: number }>;
    const error = diagnostics.find((d) => d.severity === 'error')!;
    assert.deepEqual([error.file, error.line, error.col], [modelPath, broken.split('\n').indexOf('    tehc: alb') + 1, 5]);
    assert.equal(readFileSync(modelPath, 'utf8'), edit.text);
  });

  it('PUT /api/model: 409 with the text on disk when the file was edited elsewhere', async () => {
    const before = await state();
    const outside = `${before.text}# edited in another editor\n`;
    writeFileSync(modelPath, outside);
    const r = await ask('/api/model', { method: 'PUT', json: { text: before.text, base: before.version } });
    assert.equal(r.status, 409);
    assert.deepEqual({ version: r.json.version, text: r.json.text }, { version: sha(outside), text: outside });
    assert.equal(readFileSync(modelPath, 'utf8'), outside);
  });

  it('POST /api/triage creates the file, then updates it keeping a comment written by hand', async () => {
    const t = analyzeExample('ecommerce').threats.find((x) => x.key === 'no-rate-limiting@api:/search')!;
    const threat = { uid: uidOf(t), key: t.key, describe: `${t.title} (${t.key})` };
    const created = await ask('/api/triage', { method: 'POST', json: { threat, update: { status: 'accepted', reason: 'the catalogue is public' }, base: null } });
    assert.equal(created.status, 200);
    const text = readFileSync(triagePath, 'utf8');
    assert.deepEqual(created.json, { version: sha(text), text });
    assert.match(text, new RegExp(`^  ${threat.uid}:\n    threat: .*\n    status: accepted\n    reason: the catalogue is public\n`, 'm'));

    // A second "create" finds the file there: 409.
    const again = await ask('/api/triage', { method: 'POST', json: { threat, update: { status: 'mitigating' }, base: null } });
    assert.equal(again.status, 409);
    assert.deepEqual({ version: again.json.version, text: again.json.text }, { version: sha(text), text });

    const commented = text.replace('    reason:', '    # agreed with the product owner\n    reason:');
    writeFileSync(triagePath, commented);
    const updated = await ask('/api/triage', { method: 'POST', json: { threat, update: { status: 'mitigating', owner: 'alice' }, base: sha(commented) } });
    assert.equal(updated.status, 200);
    const after = readFileSync(triagePath, 'utf8');
    // The decision records the risk it was made at (the threat has no flows to list): a later rise reopens it.
    assert.match(after, /    status: mitigating\n    # agreed with the product owner\n    reason: the catalogue is public\n    risk: high\n    owner: alice\n/);
    assert.equal((await state()).triage.version, sha(after));
  });

  it('POST /api/diagram: the report\'s SVG for the text in the page; 422 when it does not load', async () => {
    const { text } = await state();
    const r = await ask('/api/diagram', { method: 'POST', json: { text, triage: readFileSync(triagePath, 'utf8') } });
    assert.equal(r.status, 200);
    assert.match(r.json.svg as string, /^<svg/);
    assert.doesNotMatch(r.json.svg as string, /<\?xml|<!DOCTYPE|<script/i);
    const bad = await ask('/api/diagram', { method: 'POST', json: { text: 'threatmap: 1\nelements: [\n' } });
    assert.equal(bad.status, 422);
    const [d] = bad.json.diagnostics as Array<{ line: number; col: number }>;
    assert.ok(d.line > 0 && d.col > 0);
  });

  it('GET /api/events: `changed` after a write from outside, with the new version', async () => {
    const events = await eventStream(server);
    const model = `${readFileSync(modelPath, 'utf8')}# another change from outside\n`;
    const modelChanged = events.changed('model', sha(model));
    writeFileSync(modelPath, model);
    await modelChanged;
    const triage = `${readFileSync(triagePath, 'utf8')}# a note\n`;
    const triageChanged = events.changed('triage', sha(triage));
    writeFileSync(triagePath, triage);
    await triageChanged;
    events.close();
  });
});

// Each waits for an event that a server not watching would never send: a time limit makes that a failure.
describe('threatmap serve: a model file not there yet', () => {
  /** A server on `model` (not written), its event stream open; closed after the test. */
  async function serveMissing(model: string): Promise<{ on: RunningServer; events: Events; close(): Promise<void> }> {
    const on = await startServer({ model, assets: join(dir, 'web') });
    const events = await eventStream(on);
    return { on, events, close: () => { events.close(); return on.close(); } };
  }
  const stateOf = async (on: RunningServer) => {
    const reply = await ask('/api/state', {}, on);
    return [reply.status, reply.json.file, reply.json.version] as const;
  };

  it('says it is missing, then announces it when it appears, is deleted and comes back', { timeout: 20_000 }, async () => {
    const model = join(dir, 'new.yaml');
    const served = await serveMissing(model);
    try {
      assert.deepEqual(await stateOf(served.on), [404, model, null]);
      // Another file in the folder is no news of the model.
      writeFileSync(join(dir, 'other.yaml'), 'threatmap: 1\n');
      assert.deepEqual(await stateOf(served.on), [404, model, null]);
      const appeared = served.events.changed('model', sha(MODEL_TEXT));
      writeFileSync(model, MODEL_TEXT);
      await appeared;
      assert.deepEqual(await stateOf(served.on), [200, model, sha(MODEL_TEXT)]);
      const gone = served.events.changed('model', null);
      rmSync(model);
      await gone;
      assert.deepEqual(await stateOf(served.on), [404, model, null]);
      const back = served.events.changed('model', sha(`${MODEL_TEXT}# back\n`));
      writeFileSync(model, `${MODEL_TEXT}# back\n`);
      await back;
    } finally {
      await served.close();
    }
  });

  it('in folders not there yet either, or removed and made again, announces it once they and it are made', { timeout: 20_000 }, async () => {
    const folder = join(dir, 'later');
    const model = join(folder, 'deeper', 'new.yaml');
    const served = await serveMissing(model);
    try {
      assert.deepEqual(await stateOf(served.on), [404, model, null]);
      const appeared = served.events.changed('model', sha(MODEL_TEXT));
      mkdirSync(folder);
      mkdirSync(join(folder, 'deeper'));
      writeFileSync(model, MODEL_TEXT);
      await appeared;
      // The folder removed with the model (a branch switched), then made again with another text.
      const gone = served.events.changed('model', null);
      rmSync(folder, { recursive: true });
      await gone;
      const back = served.events.changed('model', sha(`${MODEL_TEXT}# back\n`));
      mkdirSync(join(folder, 'deeper'), { recursive: true });
      writeFileSync(model, `${MODEL_TEXT}# back\n`);
      await back;
      assert.deepEqual(await stateOf(served.on), [200, model, sha(`${MODEL_TEXT}# back\n`)]);
    } finally {
      await served.close();
    }
  });
});

/** A machine as os.networkInterfaces() and os.hostname() would describe it (documentation addresses). */
const MACHINE: MachineNames = {
  addresses: [
    { address: '127.0.0.1', internal: true, family: 'IPv4' },
    { address: '::1', internal: true, family: 'IPv6' },
    { address: 'fe80::1%eth0', internal: false, family: 'IPv6' },
    { address: '2001:db8::5', internal: false, family: 'IPv6' },
    { address: '192.0.2.10', internal: false, family: 'IPv4' },
  ],
  hostname: 'BuildBox',
};

describe('threatmap serve: the Host names it answers to', () => {
  it('bound to 127.0.0.1: the loopback names only, at its port, whatever the machine is called', () => {
    const allowed = allowedHosts('127.0.0.1', 4000, { machine: MACHINE });
    for (const host of ['127.0.0.1:4000', 'localhost:4000', '[::1]:4000']) assert.equal(hostAllowed(host, allowed), true, host);
    for (const host of ['192.0.2.10:4000', 'buildbox:4000', 'localhost:4001', 'localhost', 'evil.example:4000']) assert.equal(hostAllowed(host, allowed), false, host);
  });

  it('bound to 0.0.0.0: also the machine\'s addresses and name, at its port; never another name', () => {
    const allowed = allowedHosts('0.0.0.0', 4000, { machine: MACHINE });
    for (const host of ['192.0.2.10:4000', 'BUILDBOX:4000', 'buildbox:4000', '[2001:db8::5]:4000', '[fe80::1]:4000', 'localhost:4000']) {
      assert.equal(hostAllowed(host, allowed), true, host);
    }
    for (const host of ['evil.example:4000', 'buildbox.evil.example:4000', '192.0.2.11:4000', '192.0.2.10:4001', '192.0.2.10', undefined]) {
      assert.equal(hostAllowed(host, allowed), false, String(host));
    }
  });

  it('--allow-host: NAME at any port, NAME:PORT at that port only; a bad value is refused with why', () => {
    const allowed = allowedHosts('0.0.0.0', 4000, { machine: MACHINE, allow: ['localhost:8080', 'Shop.Example.lan', '[2001:db8::9]:81'] });
    for (const host of ['localhost:8080', 'shop.example.lan:8443', 'shop.example.lan', '[2001:db8::9]:81']) assert.equal(hostAllowed(host, allowed), true, host);
    for (const host of ['localhost:8081', 'example.lan:8443', '[2001:db8::9]:82']) assert.equal(hostAllowed(host, allowed), false, host);
    assert.deepEqual(parseAllowHost('localhost:8080'), { name: 'localhost', port: 8080 });
    assert.deepEqual(parseAllowHost('2001:db8::9'), { name: '[2001:db8::9]', port: undefined });
    for (const bad of ['', 'http://x', 'a b', 'x:99999', 'x/y', 'user@x', '-x', 'x..y']) {
      assert.match(String(parseAllowHost(bad)), /^--allow-host .*: (expected a host name|the port must be)/, bad);
    }
  });

  it('the address printed: the machine\'s own for 0.0.0.0 (never 0.0.0.0), an --allow-host NAME:PORT first', () => {
    assert.deepEqual(pageHosts('0.0.0.0', 4000, [], MACHINE), ['192.0.2.10:4000', '[2001:db8::5]:4000', 'BuildBox:4000', '127.0.0.1:4000']);
    assert.deepEqual(pageHosts('0.0.0.0', 4000, ['shop.lan', 'localhost:8080'], MACHINE)[0], 'localhost:8080');
    assert.deepEqual(pageHosts('127.0.0.1', 4000, [], MACHINE), ['127.0.0.1:4000']);
  });

  it('a server on 0.0.0.0 answers the machine\'s address and an --allow-host name, with the token, and refuses others', async () => {
    const wide = await startServer({ model: modelPath, host: '0.0.0.0', assets: join(dir, 'web'), machine: MACHINE, allowHosts: ['localhost:8080'] });
    try {
      assert.equal(wide.url, `http://localhost:8080/#token=${wide.token}`);
      assert.deepEqual(wide.otherUrls.slice(0, 1), [`http://192.0.2.10:${wide.port}/#token=${wide.token}`]);
      assert.equal(wide.otherUrls.some((u) => u.includes('0.0.0.0')), false);
      for (const host of [`192.0.2.10:${wide.port}`, 'localhost:8080', `buildbox:${wide.port}`]) {
        assert.equal((await ask('/api/state', { headers: { Host: host } }, wide)).status, 200, host);
        assert.equal((await ask('/api/state', { headers: { Host: host }, anonymous: true }, wide)).status, 401, host);
      }
      for (const host of [`evil.example:${wide.port}`, 'localhost:8081']) assert.equal((await ask('/api/state', { headers: { Host: host } }, wide)).status, 403, host);
      // A write from the page opened at the machine's address comes with that origin.
      const host = `192.0.2.10:${wide.port}`;
      const triage = await ask('/api/triage', { method: 'POST', headers: { Host: host, Origin: `http://${host}` }, json: { threat: {}, update: null, base: null } }, wide);
      assert.equal(triage.status, 400);
      const foreign = await ask('/api/triage', { method: 'POST', headers: { Host: host, Origin: 'http://evil.example' }, json: { threat: {}, update: null, base: null } }, wide);
      assert.equal(foreign.status, 403);
    } finally {
      await wide.close();
    }
  });
});
