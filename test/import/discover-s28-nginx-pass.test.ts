// Session 28: nginx's own ways of naming where requests go. `proxy_pass http://backend;` names an `upstream` block
// whose `server` lines are the addresses, and `fastcgi_pass php:9000;` (PHP-FPM behind nginx, the most common PHP
// setup), `uwsgi_pass`, `grpc_pass` and the stream module's `proxy_pass db:5432;` have no URL at all: the flows
// behind the proxy were missing, or, with an upstream named like a service, drawn to the wrong one.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { configAddresses } from '../../src/import/config-addresses.js';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { nginxPassTargets, nginxServerNames } from '../../src/import/nginx-config.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { noStack, run } from '../cli/run-cli.js';
import { tempFolder } from '../temp.js';
import { flowSet, k8sDeployment } from './draft-helpers.js';

const targets = (text: string) => nginxPassTargets(text).map((m) => `${m.scheme} ${m.host}:${m.port ?? ''} @${m.line}`);

describe('nginxPassTargets', () => {
  it('an upstream block: each server line, with the scheme of the proxy_pass that names it, at the server\'s line', () => {
    const text = 'upstream backend {\n  least_conn;\n  server app-1:3000 weight=2;\n  server app-2:3000 backup;\n}\nserver {\n  location / {\n    proxy_pass https://backend/;\n  }\n}\n';
    assert.deepEqual(targets(text), ['https app-1:3000 @3', 'https app-2:3000 @4']);
  });

  it('targets without a URL: fastcgi, uwsgi, scgi, grpc, memcached, and the stream module\'s proxy_pass', () => {
    const text = 'location ~ \\.php$ { fastcgi_pass php:9000; }\nlocation /py { uwsgi_pass django:8000; }\nlocation /s { scgi_pass legacy:4000; }\n'
      + 'location /o { grpc_pass orders:50051; }\nlocation /g { grpc_pass grpcs://billing:443; }\nlocation /c { memcached_pass cache:11211; }\n'
      + 'stream { upstream pg { server db:5432; } server { listen 5432; proxy_pass pg; } }\nstream { server { listen 6379; proxy_pass redis:6379; } }\n';
    assert.deepEqual(targets(text), [
      'fastcgi php:9000 @1', 'uwsgi django:8000 @2', 'scgi legacy:4000 @3', 'grpc orders:50051 @4', 'grpcs billing:443 @5', 'memcached cache:11211 @6',
      'tcp db:5432 @7', 'tcp redis:6379 @8',
    ]);
  });

  it('no target: unix sockets, addresses built from variables, commented-out directives, an upstream nothing passes to', () => {
    const text = 'upstream unused { server app:3000; }\nupstream sock { server unix:/run/app.sock; }\n'
      + 'location / { proxy_pass http://unix:/run/app.sock:/; }\nlocation /a { fastcgi_pass unix:/run/php/php-fpm.sock; }\n'
      + 'location /b { proxy_pass http://$backend; }\nlocation /c { proxy_pass http://sock; }\n# location /d { proxy_pass http://old:8080; }\n';
    assert.deepEqual(targets(text), []);
  });

  it('quoted words, a block on one line, Windows line ends', () => {
    assert.deepEqual(targets('upstream "api" { server "api-1:8080"; }\r\nserver { location / { proxy_pass "http://api"; } }\r\n'), ['http api-1:8080 @1']);
  });

  it('the prefix location each target is in: plain, ^~ and = prefixes; regular expressions and named locations give none', () => {
    const text = 'server {\n  location /api/ { proxy_pass http://api:8000; }\n  location ^~ /static/ { proxy_pass http://cdn:80; }\n'
      + '  location = /health { proxy_pass http://api:8000; }\n  location ~ \\.php$ { fastcgi_pass php:9000; }\n  location @fallback { proxy_pass http://app:3000; }\n'
      + '  location /outer/ {\n    location /outer/inner/ { proxy_pass http://inner:80; }\n  }\n  proxy_pass http://bare:80;\n}\n';
    assert.deepEqual(nginxPassTargets(text).map((m) => `${m.host} ${m.location ?? '-'}`),
      ['api /api/', 'cdn /static/', 'api /health', 'php -', 'app -', 'inner /outer/inner/', 'bare -']);
  });

  it('server_name: the DNS names a server block answers to; `_`, localhost, wildcards, regular expressions and addresses are none', () => {
    const text = 'server {\n  server_name shop.example.com www.shop.example.com. _ localhost *.shop.example.com ~^api\\.(.+)$ 10.0.0.1;\n}\nhttp { server_name not-a-server-block.example.com; }\n';
    assert.deepEqual(nginxServerNames(text), [{ name: 'shop.example.com', line: 2 }, { name: 'www.shop.example.com', line: 2 }]);
  });

  it('configAddresses: a pass line is read once, as nginx reads it; other lines\' URLs and address settings still count, in line order', () => {
    const text = 'upstream app { server web-1:3000; }\nserver {\n  set $docs http://docs:8000;\n  location / { proxy_pass http://app; }\n  location /x { proxy_pass http://search:7700/; }\n}\n';
    assert.deepEqual(configAddresses(text).map((m) => `${m.host}@${m.line}`), ['web-1@1', 'docs@3', 'search@5']);
  });
});

/** `proxy` (nginx) mounting `default.conf`, beside the services named. */
function compose(config: string, services: string) {
  const yaml = `services:\n  proxy:\n    image: nginx:1.25\n    ports: ["80:80"]\n    volumes: ["./default.conf:/etc/nginx/conf.d/default.conf:ro"]\n${services}`;
  const r = discoverCompose(yaml, 'compose.yaml', { readFile: (path) => (path.replace(/^\.\//, '') === 'default.conf' ? { text: config, file: 'default.conf' } : undefined) });
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r.draft;
}

describe('discover s28: compose with nginx in front of PHP-FPM, uWSGI and an upstream', () => {
  it('the repro (nginx + php-fpm): proxy -> php over FastCGI (plain TCP), cited at the fastcgi_pass line', () => {
    const draft = compose('server {\n  listen 80;\n  root /var/www/html;\n  location ~ \\.php$ {\n    fastcgi_pass php:9000;\n    include fastcgi_params;\n  }\n}\n',
      '  php:\n    image: php:8.3-fpm\n');
    assert.deepEqual(flowSet(draft), ['clients -> proxy', 'proxy -> php']);
    const flow = draft.flows.find((f) => f.to === 'php')!;
    assert.deepEqual([flow.protocol, flow.port, flow.evidence.map((e) => `${e.provenance.file}:${e.provenance.line}`)], ['tcp', 9000, ['default.conf:5']]);
  });

  it('an upstream named like another service: the flow goes to the upstream\'s servers, not to the namesake', () => {
    const draft = compose('upstream api {\n  server api-v2:8080;\n}\nserver { location / { proxy_pass http://api; } }\n',
      '  api:\n    image: acme/api:1\n  api-v2:\n    image: acme/api:2\n');
    assert.deepEqual(flowSet(draft).filter((f) => f.startsWith('proxy')), ['proxy -> api-v2']);
  });

  it('an upstream server no service of the file answers to is no flow (a host of the internet is another reading)', () => {
    const draft = compose('upstream api { server legacy:8080; }\nserver { location / { proxy_pass http://api; } }\n', '  app:\n    image: acme/app:1\n');
    assert.deepEqual(flowSet(draft), ['clients -> proxy']);
  });
});

describe('discover s28: a ConfigMap\'s upstream cites the server line', () => {
  it('proxy -> app at the manifest line of `server app:3000;`', () => {
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: proxy-conf }\ndata:\n  default.conf: |\n    upstream backend {\n      server app:3000;\n    }\n'
      + '    server { location / { proxy_pass http://backend; } }\n---\n';
    const proxy = k8sDeployment('proxy', 'nginx:1.25', '          volumeMounts: [{ name: conf, mountPath: /etc/nginx/conf.d }]\n      volumes: [{ name: conf, configMap: { name: proxy-conf } }]\n');
    const app = `---\n${k8sDeployment('app', 'acme/app:1')}---\napiVersion: v1\nkind: Service\nmetadata: { name: app }\nspec: { selector: { app: app }, ports: [{ port: 3000 }] }\n`;
    const r = discoverKubernetesFiles([{ file: 'k.yaml', text: configMap + proxy + app }]);
    assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
    assert.deepEqual(r.draft.flows.filter((f) => f.from === 'proxy').map((f) => `${f.to} ${f.protocol} ${f.port} ${f.evidence.map((e) => `${e.provenance.file}:${e.provenance.line}`).join()}`),
      ['app http 3000 k.yaml:7']);
  });
});

describe('discover s28: an API spec served through nginx goes where its locations send it', () => {
  const SPEC = 'openapi: 3.0.3\ninfo: { title: Tasks API, version: "1" }\nservers:\n  - url: https://tasks.example.org/api\npaths:\n'
    + '  /tasks/{id}/:\n    get: { responses: { "200": { description: ok } } }\n  /users/me/:\n    get: { responses: { "200": { description: ok } } }\n';
  const COMPOSE = 'services:\n  web:\n    image: nginx:1.25\n    ports: ["80:80"]\n    volumes: ["./nginx.conf:/etc/nginx/conf.d/default.conf:ro"]\n  api:\n    image: acme/api:1\n';
  const repo = (nginx: string) => {
    const dir = tempFolder('threatmap-s28-nginx-spec-');
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
    writeFileSync(join(dir, 'nginx.conf'), nginx);
    writeFileSync(join(dir, 'docs', 'openapi.yaml'), SPEC);
    const r = run('discover', dir);
    assert.equal(r.code, 0, r.stderr);
    noStack(r.stderr);
    return r;
  };

  it('the repro: server_name names the spec\'s host and `location /api/` sends its paths to api: the operations land on api, no made-up element', () => {
    const r = repo('server {\n  listen 80;\n  server_name tasks.example.org;\n  location /api/ {\n    proxy_pass http://api:8000;\n  }\n  location / { try_files $uri /index.html; }\n}\n');
    assert.match(r.stderr, /openapi\.yaml: 2 endpoints \(2 public\) behind web: its server https:\/\/tasks\.example\.org\/api names it\n {4}by path prefix, by web's routes: 2 on api \(\/api\/: nginx location \/api\/ \(web\)\)\n/);
    assert.match(r.stdout, /# nginx\.conf:5 mounted at \/etc\/nginx\/conf\.d\/default\.conf, location \/api\/\n {2}- web -> api: \{ protocol: http, port: 8000 \}/);
    assert.match(r.stdout, /\n {6}GET \/tasks\/\{id\}\/: \{ public: true \}\n/);
    assert.doesNotMatch(r.stdout, /tasks-api|clients -> (?!web)/);
  });

  it('negative: without the server_name the spec keeps its old place (a new element named after it), and a `location /` adds no route', () => {
    const r = repo('server {\n  listen 80;\n  location / {\n    proxy_pass http://api:8000;\n  }\n}\n');
    assert.match(r.stdout, /\n {2}tasks-api:\n {4}type: api\n/);
    assert.doesNotMatch(r.stdout, /location \//);
  });
});
