// Session 27: an nginx configuration a compose service bind-mounts is read as the same file in a Kubernetes ConfigMap
// is (configAddresses): each `proxy_pass` to another service of the file is a flow, cited at its own line, in the
// mounted file or, for a ConfigMap, in the manifest's literal block. Files outside the folder searched are not read.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type ComposeOptions, discoverCompose, NGINX_FORMAT } from '../../src/import/compose.js';
import { OUTSIDE_CLIENTS } from '../../src/import/draft.js';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { noStack, run } from '../cli/run-cli.js';
import { tempFolder } from '../temp.js';
import { elementOf, flowOf, flowSet, k8sDeployment } from './draft-helpers.js';

const SERVER = 'server {\n  listen 80;\n  location / { proxy_pass http://app:3000; }\n  location /search/ { proxy_pass http://meilisearch:7700/; }\n}\n';

/** `proxy` (nginx) publishing 80 with `volumes` (lines of the list), beside `app` and `meilisearch`. */
const composeText = (volumes: string) =>
  `services:\n  proxy:\n    image: nginx:1.25\n    ports: ["80:80"]\n    volumes:\n${volumes}  app:\n    image: acme/app:1\n  meilisearch:\n    image: getmeili/meilisearch:v1.7\n`;

/** The repository as `files` (paths relative to the compose file's folder), read as discover reads it. */
function repository(files: Record<string, string>): Pick<ComposeOptions, 'readFile' | 'listFolder'> {
  const clean = (path: string) => path.replace(/^\.\//, '').replace(/\/+$/, '');
  return {
    readFile: (path) => (files[clean(path)] !== undefined ? { text: files[clean(path)], file: clean(path) } : undefined),
    listFolder: (path) => {
      const names = Object.keys(files).filter((f) => f.startsWith(`${clean(path)}/`)).map((f) => f.slice(clean(path).length + 1)).filter((n) => !n.includes('/'));
      return names.length ? names.sort() : undefined;
    },
  };
}

function compose(volumes: string, files: Record<string, string>) {
  const r = discoverCompose(composeText(volumes), 'compose.yaml', repository(files));
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r.draft;
}

/** Each flow of `proxy` as `to protocol port file:line note`. */
const proxyFlows = (draft: ReturnType<typeof compose>) => draft.flows.filter((f) => f.from === 'proxy')
  .map((f) => `${f.to} ${f.protocol} ${f.port} ${f.evidence.map((e) => `${e.provenance.file}:${e.provenance.line} ${e.provenance.note}`).join('; ')}`);

describe('discover s27: an nginx configuration a compose service mounts', () => {
  it('a mounted file (short syntax): a flow per proxy_pass to a service, cited at its line, and the file among the sources', () => {
    const draft = compose('      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro\n', { 'nginx/default.conf': SERVER });
    assert.deepEqual(proxyFlows(draft), [
      'app http 3000 nginx/default.conf:3 mounted at /etc/nginx/conf.d/default.conf',
      'meilisearch http 7700 nginx/default.conf:4 mounted at /etc/nginx/conf.d/default.conf, location /search/',
    ]);
    assert.deepEqual(flowSet(draft), ['clients -> proxy', 'proxy -> app', 'proxy -> meilisearch']);
    assert.deepEqual(draft.sources.filter((s) => s.format === NGINX_FORMAT).map((s) => s.file), ['nginx/default.conf']);
  });

  it('the long syntax (type: bind), a mounted folder of *.conf files, the main nginx.conf, a template, a folder above them', () => {
    const long = compose('      - type: bind\n        source: ./nginx/default.conf\n        target: /etc/nginx/conf.d/default.conf\n        read_only: true\n',
      { 'nginx/default.conf': SERVER });
    assert.deepEqual(flowSet(long), ['clients -> proxy', 'proxy -> app', 'proxy -> meilisearch']);
    // Only the .conf files nginx includes from conf.d: the notes beside them are not configuration.
    const folder = compose('      - ./conf.d:/etc/nginx/conf.d\n', { 'conf.d/app.conf': 'location / { proxy_pass http://app:3000; }\n', 'conf.d/README.md': 'proxy_pass http://meilisearch:7700\n' });
    assert.deepEqual(proxyFlows(folder), ['app http 3000 conf.d/app.conf:1 mounted at /etc/nginx/conf.d/app.conf']);
    const main = compose('      - ./nginx.conf:/etc/nginx/nginx.conf:ro\n', { 'nginx.conf': `events {}\nhttp {\n${SERVER}}\n` });
    assert.deepEqual(proxyFlows(main).map((f) => f.split(' ').slice(0, 4).join(' ')), ['app http 3000 nginx.conf:5', 'meilisearch http 7700 nginx.conf:6']);
    const template = compose('      - ./templates:/etc/nginx/templates\n', { 'templates/default.conf.template': 'location / { proxy_pass http://app:3000; }\n' });
    assert.deepEqual(flowOf(template, 'proxy', 'app').evidence[0].provenance, { file: 'templates/default.conf.template', line: 1, note: 'mounted at /etc/nginx/templates/default.conf.template' });
    const above = compose('      - ./nginx:/etc/nginx:ro\n', { 'nginx/nginx.conf': 'http { include conf.d/*.conf; }\n', 'nginx/conf.d/default.conf': SERVER });
    assert.deepEqual(proxyFlows(above).map((f) => f.split(' ')[3]), ['nginx/conf.d/default.conf:3', 'nginx/conf.d/default.conf:4']);
  });

  it('a file mounted over one of a mounted folder wins, as in the container', () => {
    const draft = compose('      - ./conf.d:/etc/nginx/conf.d\n      - ./local.conf:/etc/nginx/conf.d/default.conf\n',
      { 'conf.d/default.conf': 'location / { proxy_pass http://meilisearch:7700; }\n', 'local.conf': 'location / { proxy_pass http://app:3000; }\n' });
    assert.deepEqual(flowSet(draft), ['clients -> proxy', 'proxy -> app']);
  });

  it('a proxy_pass to a host no service defines, an unused upstream, a comment\'s link, or the proxy itself: no flow, no outside element', () => {
    const text = 'upstream backend { server app:3000; }\n# see https://nginx.org/en/docs/\nserver {\n  server_name proxy;\n'
      + '  location /x { proxy_pass http://legacy:8080; }\n  location /self { proxy_pass http://proxy:80; }\n}\n';
    const draft = compose('      - ./default.conf:/etc/nginx/conf.d/default.conf\n', { 'default.conf': text });
    assert.deepEqual(flowSet(draft), ['clients -> proxy']);
    assert.deepEqual(draft.references, []);
    assert.deepEqual(draft.elements.map((e) => e.key).sort(), [OUTSIDE_CLIENTS, 'app', 'meilisearch', 'proxy'].sort());
  });

  it('a directive commented out, alone or after another, is no call', () => {
    const text = 'server {\n  # location /old { proxy_pass http://meilisearch:7700; }\n  location / { proxy_pass http://app:3000; } # was http://meilisearch:7700\n}\n';
    const draft = compose('      - ./default.conf:/etc/nginx/conf.d/default.conf\n', { 'default.conf': text });
    assert.deepEqual(proxyFlows(draft).map((f) => f.split(' ').slice(0, 4).join(' ')), ['app http 3000 default.conf:3']);
  });

  it('mounted elsewhere, a named volume, or a service left out by its profile: not read as nginx\'s', () => {
    assert.deepEqual(flowSet(compose('      - ./default.conf:/srv/default.conf\n', { 'default.conf': SERVER })), ['clients -> proxy']);
    assert.deepEqual(flowSet(compose('      - nginx-conf:/etc/nginx/conf.d\n', { 'nginx-conf/default.conf': SERVER })), ['clients -> proxy']);
    const profiled = discoverCompose(composeText('      - ./default.conf:/etc/nginx/conf.d/default.conf\n').replace('  app:\n', '  app:\n    profiles: [dev]\n'), 'compose.yaml', repository({ 'default.conf': SERVER }));
    assert.deepEqual(flowSet(profiled.draft), ['clients -> proxy', 'proxy -> meilisearch']);
  });

  it('a mounted file or folder that is not there: no flow, and the proxy\'s comment says it was not read', () => {
    for (const [volume, note] of [
      ['./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro', 'compose.yaml:6 nginx configuration ./nginx/default.conf mounted at /etc/nginx/conf.d/default.conf not read (missing, or outside the folder searched)'],
      ['./nginx:/etc/nginx/conf.d', 'compose.yaml:6 nginx configuration folder ./nginx mounted at /etc/nginx/conf.d not read (missing, outside the folder searched, or no configuration file in it)'],
    ]) {
      const draft = compose(`      - ${volume}\n`, {});
      assert.deepEqual(flowSet(draft), ['clients -> proxy'], volume);
      assert.ok(elementOf(draft, 'proxy').provenance.some((p) => `${p.file}:${p.line} ${p.note}` === note), volume);
      assert.deepEqual(draft.sources.filter((s) => s.format === NGINX_FORMAT), [], volume);
    }
  });

  it('without a way to read the repository, nothing is read and nothing said', () => {
    const r = discoverCompose(composeText('      - ./default.conf:/etc/nginx/conf.d/default.conf\n'), 'compose.yaml');
    assert.deepEqual(flowSet(r.draft), ['clients -> proxy']);
    assert.equal(elementOf(r.draft, 'proxy').provenance.length, 1);
  });
});

describe('discover s27: the CLI reads the repository\'s own nginx files only', () => {
  it('the repro: two flows citing the proxy_pass lines, and the file in the summary', () => {
    const dir = tempFolder('threatmap-s27-nginx-');
    mkdirSync(join(dir, 'nginx'));
    writeFileSync(join(dir, 'compose.yaml'), composeText('      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro\n'));
    writeFileSync(join(dir, 'nginx', 'default.conf'), SERVER);
    const r = run('discover', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /# nginx\/default\.conf:3 mounted at \/etc\/nginx\/conf\.d\/default\.conf\n {2}- proxy -> app: \{ protocol: http, port: 3000 \}/);
    assert.match(r.stdout, /# nginx\/default\.conf:4 mounted at \/etc\/nginx\/conf\.d\/default\.conf, location \/search\/\n {2}- proxy -> meilisearch: \{ protocol: http, port: 7700 \}/);
    assert.match(r.stdout, /^# {3}nginx\/default\.conf \(nginx configuration\)$/m);
    assert.match(r.stderr, /^threatmap discover: read 1 compose file, 1 nginx configuration file: /);
    assert.doesNotMatch(r.stderr, /has no flows/);
  });

  it('a file outside the folder searched (above it, or the host\'s own) is not read; one missing is said, without a stack trace', () => {
    const top = tempFolder('threatmap-s27-outside-');
    mkdirSync(join(top, 'shared'));
    mkdirSync(join(top, 'project'));
    writeFileSync(join(top, 'shared', 'default.conf'), SERVER);
    writeFileSync(join(top, 'project', 'compose.yaml'), composeText(
      '      - ../shared/default.conf:/etc/nginx/conf.d/default.conf\n      - /etc/nginx/nginx.conf:/etc/nginx/nginx.conf:ro\n      - ./missing.conf:/etc/nginx/conf.d/missing.conf\n'));
    const r = run('discover', join(top, 'project'));
    assert.equal(r.code, 0, r.stderr);
    noStack(r.stderr);
    assert.doesNotMatch(r.stdout, /proxy -> (?:app|meilisearch)/);
    assert.doesNotMatch(r.stdout + r.stderr, /nginx configuration file|\(nginx configuration\)/);
    for (const [line, source] of [[6, '../shared/default.conf'], [7, '/etc/nginx/nginx.conf'], [8, './missing.conf']] as const) {
      // The proxy's comment: `# compose.yaml:2 image nginx:1.25; :6 nginx configuration ... not read (...)`.
      assert.match(r.stdout, new RegExp(`:${line} nginx configuration ${source.replace(/\./g, '\\.')} mounted at \\S+ not read \\(missing, or outside the folder searched\\)`));
    }
  });
});

describe('discover s27: a ConfigMap\'s nginx configuration cites the proxy_pass line', () => {
  const configMap = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: proxy-conf }\ndata:\n${data}---\n`;
  const proxy = k8sDeployment('proxy', 'nginx:1.25', '          volumeMounts: [{ name: conf, mountPath: /etc/nginx/conf.d }]\n      volumes: [{ name: conf, configMap: { name: proxy-conf } }]\n');
  const backend = (name: string, port: number) => `---\n${k8sDeployment(name, `acme/${name}:1`)}---\napiVersion: v1\nkind: Service\nmetadata: { name: ${name} }\nspec: { selector: { app: ${name} }, ports: [{ port: ${port} }] }\n`;
  const lines = (data: string) => {
    const r = discoverKubernetesFiles([{ file: 'k.yaml', text: configMap(data) + proxy + backend('app', 3000) + backend('meilisearch', 7700) }]);
    assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
    return r.draft.flows.filter((f) => f.from === 'proxy').map((f) => `${f.to}:${f.evidence.map((e) => e.provenance.line).join(',')}`);
  };

  it('a literal block (`|`, `|-`, with an indentation indicator, a blank line first) maps line for line to the manifest', () => {
    const block = SERVER.split('\n').filter(Boolean).map((l) => `    ${l}\n`).join('');
    assert.deepEqual(lines(`  default.conf: |\n${block}`), ['app:8', 'meilisearch:9']);
    assert.deepEqual(lines(`  default.conf: |- # the proxy\n${block}`), ['app:8', 'meilisearch:9']);
    assert.deepEqual(lines(`  default.conf: |2\n\n${block}`), ['app:9', 'meilisearch:10']);
  });

  it('a value written otherwise (quoted, folded) is cited at its key, as before', () => {
    assert.deepEqual(lines('  default.conf: "location / { proxy_pass http://app:3000; }\\nlocation /s { proxy_pass http://meilisearch:7700; }"\n'), ['app:5', 'meilisearch:5']);
    assert.deepEqual(lines('  default.conf: >\n    location / { proxy_pass http://app:3000; }\n\n    location /s { proxy_pass http://meilisearch:7700; }\n'), ['app:5', 'meilisearch:5']);
  });
});
