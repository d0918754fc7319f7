// `threatmap serve` as a person runs it: one line with the address, an API that answers with the token,
// a clean exit 0 on SIGTERM; and exit 2 with a message (no stack) for a missing or invalid model, a bad
// port, a port in use or a page that is not built.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exampleText } from '../helpers.js';
import { tempFolder } from '../temp.js';
import { CLI } from './bin.js';
import { noStack, run } from './run-cli.js';

function scratch(): { dir: string; model: string; web: string } {
  const dir = tempFolder('threatmap-serve-cli-');
  const web = join(dir, 'web');
  mkdirSync(web);
  for (const f of ['index.html', 'app.js', 'app.css', 'worker.js']) writeFileSync(join(web, f), `stub ${f}\n`);
  const model = join(dir, 'shop.yaml');
  writeFileSync(model, exampleText('ecommerce'));
  return { dir, model, web };
}

/** Runs `threatmap serve`, resolves with its address once printed, and with its exit once it ends. */
function serve(args: string[], web: string) {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    env: { ...process.env, THREATMAP_WEB_DIR: web },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0]);
    });
    void exited.then((r) => reject(new Error(`serve ended before printing its address: ${r.stderr}`)));
  });
  // A run expected to fail is awaited through `exited` alone.
  url.catch(() => undefined);
  return { child, url, exited, stderr: () => stderr };
}

const FREE_PORT_LINE = /^threatmap serve: (http:\/\/127\.0\.0\.1:(\d+)\/)#token=([0-9a-f]{64})$/;

describe('threatmap serve', () => {
  it('prints the address, answers with the token, and exits 0 on SIGTERM', async () => {
    const { dir, model, web } = scratch();
    // A triage file named but not made yet: the page makes it at its first decision.
    const triage = join(dir, 'decisions.yaml');
    const server = serve([model, '--port', '0', '--triage', triage], web);
    const line = await server.url;
    const m = FREE_PORT_LINE.exec(line);
    assert.ok(m, line);
    const [, base, , token] = m;
    const state = await fetch(`${base}api/state`, { headers: { 'X-Threatmap-Token': token } });
    assert.equal(state.status, 200);
    const body = (await state.json()) as { text: string; triage: { file: string; text: string | null } };
    assert.equal(body.text, exampleText('ecommerce'));
    assert.deepEqual([body.triage.file, body.triage.text], [triage, null]);
    assert.equal((await fetch(`${base}api/state`)).status, 401);
    assert.equal(await (await fetch(base)).text(), 'stub index.html\n');
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    assert.equal(exit.code, 0, exit.stderr);
    assert.equal(exit.stdout, `${line}\n`);
    assert.doesNotMatch(exit.stderr, /warning/);
    noStack(exit.stderr);
  });

  it('hands the page the --rules DIR files, for its live analysis to run them too', async () => {
    const { dir, model, web } = scratch();
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    const text = 'rules:\n  custom:\n    - id: no-ftp\n      title: FTP\n      stride: I\n      applies-to: flow\n      when: { flow.protocol: ftp }\n      likelihood: high\n      impact: low\n      mitigation: Use SFTP.\n';
    writeFileSync(join(rules, 'org.yaml'), text);
    const server = serve([model, '--rules', rules], web);
    const [, base, , token] = FREE_PORT_LINE.exec(await server.url)!;
    const body = (await (await fetch(`${base}api/state`, { headers: { 'X-Threatmap-Token': token } })).json()) as { rules: unknown; today: string };
    assert.deepEqual(body.rules, [{ file: join(rules, 'org.yaml'), text }]);
    assert.match(body.today, /^\d{4}-\d{2}-\d{2}$/);
    server.child.kill('SIGTERM');
    assert.equal((await server.exited).code, 0);
  });

  it('warns when listening on another address than 127.0.0.1', async () => {
    const { model, web } = scratch();
    const server = serve([model, '--host', 'localhost'], web);
    assert.match(await server.url, /^threatmap serve: http:\/\/localhost:\d+\/#token=/);
    assert.match(server.stderr(), /warning: listening on localhost, not 127\.0\.0\.1: anyone who can reach it/);
    server.child.kill('SIGINT');
    const exit = await server.exited;
    assert.equal(exit.code, 0, JSON.stringify(exit));
  });

  it('serves a model not there yet, says so, and answers 404 for it until it appears', async () => {
    const { dir, web } = scratch();
    const model = join(dir, 'new.yaml');
    const server = serve([model, '--port', '0'], web);
    const m = FREE_PORT_LINE.exec(await server.url);
    assert.ok(m);
    const [, base, , token] = m;
    assert.equal((await fetch(`${base}api/state`, { headers: { 'X-Threatmap-Token': token } })).status, 404);
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    assert.equal(exit.code, 0, exit.stderr);
    assert.match(exit.stderr, new RegExp(`${model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not exist yet: the page opens it when it appears`));
    noStack(exit.stderr);
  });

  it('serves an invalid model, its errors printed with file:line:col and the page said to show them', async () => {
    const { model, web } = scratch();
    const broken = exampleText('ecommerce').replace('    tech: alb\n', '    tech: alb\n    tehc: alb\n');
    writeFileSync(model, broken);
    const server = serve([model], web);
    const [, base, , token] = FREE_PORT_LINE.exec(await server.url)!;
    const state = (await (await fetch(`${base}api/state`, { headers: { 'X-Threatmap-Token': token } })).json()) as { text: string };
    assert.equal(state.text, broken);
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    assert.equal(exit.code, 0, exit.stderr);
    const line = broken.split('\n').indexOf('    tehc: alb') + 1;
    assert.match(exit.stderr, new RegExp(`^${escapeRegExp(model)}:${line}:5: error\\[`, 'm'));
    assert.match(exit.stderr, new RegExp(`threatmap serve: ${escapeRegExp(model)} has errors \\(listed above\\): the page shows them`));
    noStack(exit.stderr);
  });

  it('says nothing of errors for a valid model', async () => {
    const { model, web } = scratch();
    const server = serve([model], web);
    await server.url;
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    assert.equal(exit.code, 0);
    assert.doesNotMatch(exit.stderr, /error|has errors/);
  });

  it('exits 2 for a model that cannot be read at all: a folder', () => {
    const { dir, web } = scratch();
    const r = spawnRun(['serve', dir], web);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `${dir}: is a directory, expected a model file (.yaml, .yml or .json)\n`);
  });

  it('exits 2 for a --triage file whose folder does not exist, before serving', () => {
    const { dir, model, web } = scratch();
    const triage = join(dir, 'no-such-folder', 'shop.triage.yaml');
    const r = spawnRun(['serve', model, '--triage', triage], web);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `threatmap serve: the triage file ${triage} cannot be written: its folder ${join(dir, 'no-such-folder')} does not exist; create it, or choose another file with --triage\n`);
    noStack(r.stderr);
  });

  it('exits 2 for an --allow-host that is not a host name', () => {
    const { model, web } = scratch();
    const r = spawnRun(['serve', model, '--allow-host', 'http://evil.example/'], web);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^threatmap serve: --allow-host "http:\/\/evil\.example\/": expected a host name or address/);
  });

  it('--host 0.0.0.0 prints an address to open, not 0.0.0.0, and answers there; --allow-host NAME:PORT is printed first', async () => {
    const { model, web } = scratch();
    const server = serve([model, '--host', '0.0.0.0'], web);
    const line = await server.url;
    const m = /^threatmap serve: (http:\/\/(\S+?):(\d+)\/)#token=([0-9a-f]{64})$/.exec(line);
    assert.ok(m, line);
    const [, , name, port, token] = m;
    assert.notEqual(name, '0.0.0.0');
    // Asked through the loopback interface, addressed as the page would be opened.
    const state = await fetch(`http://127.0.0.1:${port}/api/state`, { headers: { 'X-Threatmap-Token': token, Host: `${name}:${port}` } });
    assert.equal(state.status, 200);
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    assert.equal(exit.code, 0);
    assert.match(exit.stderr, /warning: listening on 0\.0\.0\.0/);
    assert.match(exit.stderr, /also at http:\/\/127\.0\.0\.1:\d+\/#token=/);

    const mapped = serve([model, '--host', '0.0.0.0', '--allow-host', 'localhost:8080'], web);
    assert.match(await mapped.url, /^threatmap serve: http:\/\/localhost:8080\/#token=[0-9a-f]{64}$/);
    mapped.child.kill('SIGTERM');
    assert.equal((await mapped.exited).code, 0);
  });

  it('exits 2 for a port that is not one, or in use', async () => {
    const { model, web } = scratch();
    for (const port of ['65536', '-1', 'abc', '80.5']) {
      const r = run('serve', model, '--port', port);
      assert.equal(r.code, 2, port);
      assert.match(r.stderr, /expected a port number from 0 to 65535/);
    }
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const r = await serve([model, '--port', String(port)], web).exited;
      assert.equal(r.code, 2);
      assert.equal(r.stderr, `threatmap serve: port ${port} is in use; choose another with --port, or --port 0 for any free one\n`);
    } finally {
      taken.close();
    }
  });

  it('exits 2 when the page is not built', () => {
    const { dir, model } = scratch();
    const r = spawnRun(['serve', model], join(dir, 'nothing-here'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the web page is not built \(.*index\.html is missing\); run npm run build\n$/);
    noStack(r.stderr);
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** run() with the page's folder set. */
function spawnRun(args: string[], web: string) {
  const previous = process.env.THREATMAP_WEB_DIR;
  process.env.THREATMAP_WEB_DIR = web;
  try {
    return run(...args);
  } finally {
    if (previous === undefined) delete process.env.THREATMAP_WEB_DIR;
    else process.env.THREATMAP_WEB_DIR = previous;
  }
}
