// Traefik's configuration in TOML (a static traefik.toml, the file provider's .toml files) read for the same facts as
// its YAML: routers, rules, entrypoints, middlewares with auth, TLS, each cited at its file and line. Also the small
// TOML reader itself, and the discover summary counting the Traefik files read.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type ComposeOptions, discoverCompose } from '../../src/import/compose.js';
import { flattenToml, parseToml } from '../../src/import/traefik-toml.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { run } from '../cli/run-cli.js';
import { elementOf, flowOf, flowSet } from './draft-helpers.js';
import { tempFolder } from '../temp.js';

const FIXTURE = 'test/fixtures/discover-s17/traefik-toml';

/** A folder's files, as the CLI hands them to the reader (paths relative to the compose file's folder). */
function filesOf(folder: string, extra: Record<string, string> = {}): ComposeOptions {
  return {
    readFile: (path) => {
      const file = path.replace(/^\.\//, '');
      if (Object.hasOwn(extra, file)) return { text: extra[file], file };
      const full = join(folder, path);
      return statSync(full, { throwIfNoEntry: false })?.isFile() ? { text: readFileSync(full, 'utf8'), file } : undefined;
    },
    listFolder: (path) => {
      const full = join(folder, path);
      return statSync(full, { throwIfNoEntry: false })?.isDirectory() ? readdirSync(full).sort() : undefined;
    },
  };
}

function read(text: string, options: ComposeOptions) {
  const r = discoverCompose(text, 'compose.yaml', options);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}

const fixture = () => readFileSync(join(FIXTURE, 'compose.yaml'), 'utf8');

describe('discover s17: the TOML reader', () => {
  it('reads tables, arrays of tables, dotted and quoted keys, the four strings, numbers, arrays and inline tables, each at its line', () => {
    const { root, error } = parseToml([
      '# comment',
      '[a.b]',
      '  "quoted.key" = \'lit\\eral\'',
      '  n = 1_000 # trailing comment',
      '  list = [',
      '    "x",',
      '    "y\\u00e9",',
      '  ]',
      '[[srv]]',
      '  url = """',
      'multi \\',
      '   line"""',
      '[[srv]]',
      "  url = '''raw\\n'''",
      '  t = { c.d = true, e = 0x10 }',
      '[empty]',
    ].join('\n'));
    assert.equal(error, undefined);
    assert.deepEqual(flattenToml(root).map((s) => `${s.line} ${s.path.join('/')}=${s.value}`), [
      '3 a/b/quoted.key=lit\\eral',
      '4 a/b/n=1000',
      '5 a/b/list=x,yé',
      '10 srv/0/url=multi line',
      '14 srv/1/url=raw\\n',
      '15 srv/1/t/c/d=true',
      '15 srv/1/t/e=16',
      '16 empty=true',
    ]);
  });

  it('returns an error with its line and column, never throws, for what TOML refuses', () => {
    const cases: Array<[string, string]> = [
      ['a = 1\na = 2', '2:1 `a` is defined twice'],
      ['[t]\nx = 1\n[t]', '3:1 table `t` is defined twice'],
      ['a = "open', '1:5 a string is not closed on its line'],
      ['a = [1,\n 2', '1:5 an array is not closed'],
      ['a = bare', '1:5 `bare` is not a TOML value (a string needs quotes)'],
      ['[t\nx = 1', '1:3 expected `]` to close the table header'],
      ['a = { b = 1 }\n[a.c]', '2:1 `a` is an inline table and cannot be extended'],
      ['a = 1 2', '1:7 expected the end of the line, found `2`'],
      ['a = "\\q"', '1:6 `\\q` is no escape TOML knows'],
      [`a = ${'['.repeat(500)}`, '1:70 arrays and inline tables nested more than 64 deep'],
    ];
    for (const [text, expected] of cases) {
      const { error } = parseToml(text);
      assert.equal(error && `${error.line}:${error.col} ${error.message}`, expected, text);
    }
  });
});

describe('discover s17: Traefik configured in TOML', () => {
  it('a mounted traefik.toml and a file provider folder of .toml files give the routes their YAML twins give', () => {
    const { draft, checks } = read(fixture(), filesOf(FIXTURE));
    assert.deepEqual(checks, []);
    assert.deepEqual(draft.sources.map((s) => `${s.file} (${s.format})`), [
      'compose.yaml (Docker Compose)', 'traefik/traefik.toml (Traefik configuration)',
      'traefik/dynamic/middlewares.toml (Traefik configuration)', 'traefik/dynamic/routes.toml (Traefik configuration)',
    ]);
    assert.deepEqual(flowSet(draft), ['clients -> traefik', 'clients -> traefik', 'clients -> traefik', 'traefik -> api', 'traefik -> api.partner.io', 'traefik -> db']);
    // The label router (middleware from a .toml file) and the file router (forward auth from an inline table) differ in auth.
    const api = flowOf(draft, 'traefik', 'api');
    assert.deepEqual(api.evidence.map((e) => `${e.provenance.file}:${e.provenance.line}`), ['compose.yaml:16', 'traefik/dynamic/routes.toml:3']);
    assert.match(api.evidence[0].provenance.note ?? '', /router admin .* on websecure \(TLS at the proxy\), basic auth \(middleware admin-auth\)/);
    assert.match(api.evidence[1].provenance.note ?? '', /router shop@file .* on websecure \(TLS at the proxy\), forward auth http:\/\/oauth2-proxy:4180\/oauth2\/auth/);
    assert.deepEqual(elementOf(draft, 'api').endpoints?.map((e) => [e.key, e.auth, `${e.provenance[0].file}:${e.provenance[0].line}`]),
      [['/admin', 'basic', 'compose.yaml:16'], ['/shop', 'oauth2', 'traefik/dynamic/routes.toml:3']]);
    // The static file's redirect keeps `web` out, its TLS makes the partner call HTTPS, its exposedByDefault=false is read.
    assert.equal(flowOf(draft, 'traefik', 'api.partner.io').protocol, 'https');
    assert.deepEqual(elementOf(draft, 'api.partner.io').provenance.map((p) => `${p.file}:${p.line}`), ['traefik/dynamic/routes.toml:9']);
    assert.equal(flowOf(draft, 'traefik', 'db').port, 5432);
  });

  it('without the folder of the file provider (not there), nothing is routed from it and the proxy says so', () => {
    const { draft } = read(fixture(), { ...filesOf(FIXTURE), listFolder: () => undefined });
    assert.deepEqual(flowSet(draft).filter((f) => f.startsWith('traefik ->')), ['traefik -> api', 'traefik -> db']);
    assert.match(elementOf(draft, 'traefik').provenance.map((p) => p.note).join('\n'), /file provider \/etc\/traefik\/dynamic not read/);
  });

  it('a traefik.toml beside the compose file (not mounted) is read, with a note to check the container sees it', () => {
    const compose = 'services:\n  traefik:\n    image: traefik:v3.1\n    ports: ["443:443"]\n  app:\n    image: example/app\n    expose: ["8080"]\n    labels:\n      - traefik.http.routers.app.rule=Host(`app.example.com`)\n      - traefik.http.routers.app.middlewares=auth@file\n';
    const toml = '[entryPoints.websecure]\naddress = ":443"\n[entryPoints.websecure.http.tls]\n[providers.file]\nfilename = "/etc/traefik/dynamic.toml"\n';
    const dynamic = '[http.middlewares.auth.basicAuth]\nusers = ["u:$apr1$x"]\n';
    const { draft } = read(compose, filesOf('/nonexistent', { 'traefik.toml': toml, 'dynamic.toml': dynamic }));
    const flow = flowOf(draft, 'traefik', 'app');
    assert.deepEqual([flow.protocol, flow.auth, flow.port], ['http', 'basic', 8080]);
    assert.match(flow.evidence[0].provenance.note ?? '', /on websecure \(TLS at the proxy\), basic auth/);
    const notes = elementOf(draft, 'traefik').provenance.map((p) => p.note ?? '');
    assert.ok(notes.some((n) => /static configuration traefik\.toml read from beside the compose file/.test(n)), notes.join('\n'));
  });

  it('a TOML file that does not parse is a check at its line, and its settings are not read', () => {
    const broken = readFileSync(join(FIXTURE, 'traefik/dynamic/middlewares.toml'), 'utf8').replace('[http.middlewares.sso]', '[http.middlewares.sso');
    const { draft, checks } = read(fixture(), filesOf(FIXTURE, { 'traefik/dynamic/middlewares.toml': broken }));
    assert.deepEqual(checks.map((c) => `${c.file}:${c.line} ${c.message}`), [
      'traefik/dynamic/middlewares.toml:7 Traefik configuration traefik/dynamic/middlewares.toml is not valid TOML (column 24: expected `]` to close the table header); its settings are not read',
    ]);
    assert.ok(!draft.sources.some((s) => s.file === 'traefik/dynamic/middlewares.toml'));
    // Without the middlewares, the routes name ones not read.
    assert.match(flowOf(draft, 'traefik', 'api').evidence.map((e) => e.provenance.note).join('\n'), /middleware sso not read/);
  });
});

describe('discover s17: the summary counts Traefik files', () => {
  it('TOML files read for a compose file are counted and listed after it', () => {
    const r = run('discover', FIXTURE);
    assert.equal(r.code, 0, r.stderr);
    const first = r.stderr.split('\n')[0];
    assert.equal(first, `threatmap discover: read 1 compose file, 3 Traefik files: ${FIXTURE}/compose.yaml, ${FIXTURE}/traefik/traefik.toml, `
      + `${FIXTURE}/traefik/dynamic/middlewares.toml, ${FIXTURE}/traefik/dynamic/routes.toml`);
  });

  it('a compose file that reads no Traefik configuration counts none', () => {
    const dir = tempFolder('threatmap-s17-no-traefik-');
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n  db:\n    image: postgres:16\n');
    const r = run('discover', join(dir, 'compose.yaml'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr.split('\n')[0], /^threatmap discover: read 1 compose file: /);
    assert.doesNotMatch(r.stderr, /Traefik file/);
  });
});
