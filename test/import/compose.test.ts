// Docker Compose -> draft: every mapping rule on small fixtures written for these tests
// (test/fixtures/discover/), bad input with positions, and determinism.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { discoverCompose, interpolate, parsePortSpec, projectName, serviceId, type ComposeOptions } from '../../src/import/compose.js';
import { hostMentions, imageTech, passwordSetting } from '../../src/import/containers.js';
import { type Draft, draftToYaml, type DraftFlow, HOST_BOUNDARY, HOST_CLIENTS, OUTSIDE_BOUNDARY, OUTSIDE_CLIENTS } from '../../src/import/draft.js';
import { guessProtocol } from '../../src/import/protocols.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';

const fixture = (name: string) => readFileSync(`test/fixtures/discover/${name}`, 'utf8');

function read(name: string, options: ComposeOptions = {}) {
  const result = discoverCompose(fixture(name), name, options);
  assert.deepEqual(result.diagnostics, [], formatDiagnostics(result.diagnostics));
  return result;
}

const ids = (draft: Draft) => draft.elements.map((e) => e.key);
const element = (draft: Draft, key: string) => {
  const e = draft.elements.find((x) => x.key === key);
  assert.ok(e, `no element ${key} in ${ids(draft).join(', ')}`);
  return e;
};
const flow = (draft: Draft, from: string, to: string): DraftFlow => {
  const f = draft.flows.find((x) => x.from === from && x.to === to);
  assert.ok(f, `no flow ${from} -> ${to} in ${pairs(draft).join(', ')}`);
  return f;
};
const shown = (key: string) => (key === OUTSIDE_CLIENTS ? 'clients' : key === HOST_CLIENTS ? 'local' : key);
const pairs = (draft: Draft) => draft.flows.map((f) => `${shown(f.from)}->${f.to}`);
const lines = (f: DraftFlow) => f.evidence.map((ev) => ev.provenance.line);

/** Inline compose text, for rules a whole fixture would hide. */
const compose = (text: string, options: ComposeOptions = {}) => discoverCompose(text, 'compose.yaml', options);

describe('compose services -> elements', () => {
  it('each runtime service is an element named by its service, in file order, in one internal container boundary for the project', () => {
    const { draft, project } = read('shop/docker-compose.yml');
    assert.equal(project, 'shop');
    assert.deepEqual(draft.elements.filter((e) => !e.madeUp).map((e) => e.key), ['proxy', 'web', 'api', 'worker', 'db', 'cache', 'search', 'queue', 'mail']);
    const shop = draft.boundaries.find((b) => b.key === 'shop');
    assert.deepEqual({ id: shop?.id, trust: shop?.trust, kind: shop?.kind }, { id: 'shop', trust: 'internal', kind: 'container' });
    for (const e of draft.elements) if (!e.madeUp) assert.equal(e.boundary, 'shop', e.key);
    assert.deepEqual(element(draft, 'proxy').provenance, [{ file: 'shop/docker-compose.yml', line: 9, note: 'image nginx:1.27-alpine; network edge' }]);
  });

  it('the project is named by `name:`, else by the folder (as Compose names it), else `compose`', () => {
    assert.equal(read('voting/docker-compose.yml', { project: 'Voting App!' }).project, 'votingapp');
    assert.equal(read('voting/docker-compose.yml').project, 'compose');
    assert.equal(compose('name: ${PROJECT:-My_Shop}\nservices: {}\n', { project: 'folder' }).project, 'my_shop');
    assert.equal(projectName('-Web.Site 2'), 'website2');
  });

  it('the image names the technology: registries, library/, tags, digests and aliases handled; exact names only', () => {
    const cases: Array<[string, string | undefined]> = [
      ['postgres:15-alpine', 'postgres'], ['library/postgres:15-alpine', 'postgres'], ['docker.io/library/postgres@sha256:abc', 'postgres'],
      ['bitnami/redis', 'redis'], ['docker.io/bitnami/postgresql:16', 'postgres'], ['mongo:4.4', 'mongodb'], ['mysql', 'mysql'],
      ['mariadb:11', 'mariadb'], ['memcached:1.6', 'memcached'], ['docker.elastic.co/elasticsearch/elasticsearch:8.14.0', 'elasticsearch'],
      ['rabbitmq:3-management', 'rabbitmq'], ['confluentinc/cp-kafka:7.6.0', 'kafka'], ['bitnami/kafka', 'kafka'], ['nginx', 'nginx'],
      ['traefik:v3.1', 'traefik'], ['localhost:5000/nginx:1', 'nginx'], ['ghcr.io/acme/redis:7', 'redis'],
      ['mcr.microsoft.com/mssql/server:2022-latest', 'mssql'], ['quay.io/keycloak/keycloak:25.0', 'keycloak'], ['httpd:2.4', 'apache'],
      // Not the technology itself, or a thing a container cannot be.
      ['mongo-express', undefined], ['redis-commander', undefined], ['crapi/crapi-identity:latest', undefined],
      ['namshi/smtp', undefined], ['stripe/stripe-cli', undefined], ['', undefined],
    ];
    for (const [image, tech] of cases) assert.equal(imageTech(image), tech, image);
    const { draft } = read('shop/docker-compose.yml');
    assert.deepEqual(element(draft, 'db').identity, { tech: 'postgres' });
    assert.deepEqual(element(draft, 'cache').identity, { tech: 'redis' });
    assert.deepEqual(element(draft, 'queue').identity, { tech: 'rabbitmq' });
    // Built from source, or an image the catalogue does not know: a process of type service.
    assert.deepEqual(element(draft, 'web').identity, { type: 'service' });
    assert.deepEqual(element(draft, 'api').identity, { type: 'service' });
    // A mail catcher the catalogue knows (axllent/mailpit): its rule reads every mail it shows.
    assert.deepEqual(element(draft, 'mail').identity, { tech: 'mailpit' });
  });

  it('stores and brokers follow from the technology in the drafted model', () => {
    const loaded = loadModel(draftToYaml(read('shop/docker-compose.yml').draft), 'model.yaml');
    const kinds = Object.fromEntries(loaded.model!.elements.map((e) => [e.id, `${e.kind}/${e.type}`]));
    assert.deepEqual(kinds, {
      clients: 'external/undefined', 'host-clients': 'external/undefined', proxy: 'process/reverse-proxy', web: 'process/service', api: 'process/service', worker: 'process/service',
      db: 'store/database', cache: 'store/cache', search: 'store/search-index', queue: 'store/queue', mail: 'process/service',
    });
  });

  it('a service name that is not an id is made one, keeping the name for display', () => {
    assert.equal(serviceId('web', new Set()), 'web');
    assert.equal(serviceId('api.example.com', new Set()), 'api.example.com');
    assert.equal(serviceId('_private svc', new Set()), 'private-svc');
    assert.equal(serviceId('web', new Set(['web'])), 'web-2');
    const { draft } = compose('services:\n  "my app":\n    image: x\n  "my-app":\n    image: y\n');
    assert.deepEqual(draft.elements.map((e) => [e.key, e.name]), [['my-app', 'my app'], ['my-app-2', 'my-app']]);
  });

  it('services only in a profile are left out and said so; --profile includes them; * includes every profile', () => {
    const plain = read('voting/docker-compose.yml');
    assert.ok(!ids(plain.draft).includes('loader'));
    assert.deepEqual(plain.draft.omitted.map((o) => [o.key, o.reason, o.provenance.line, o.hint]),
      [['loader', 'only in profile "seed", not started by default', 42, 'add --profile seed to include it']]);
    assert.deepEqual(plain.profiles, ['seed']);
    assert.match(draftToYaml(plain.draft), /^# Left out:\n#   loader: only in profile "seed", not started by default \(voting\/docker-compose\.yml:42\); add --profile seed to include it$/m);
    // Nothing flows to a service left out.
    assert.ok(!pairs(plain.draft).some((p) => p.includes('loader')));
    for (const profiles of [['seed'], ['*']]) {
      const seeded = read('voting/docker-compose.yml', { profiles });
      assert.ok(ids(seeded.draft).includes('loader'), profiles.join());
      assert.deepEqual(seeded.draft.omitted, []);
      assert.deepEqual(flow(seeded.draft, 'loader', 'ballot').evidence.map((e) => e.provenance.note), ['depends_on']);
    }
    assert.ok(!ids(read('voting/docker-compose.yml', { profiles: ['other'] }).draft).includes('loader'));
  });

  it('networks are named in the element comments, never made trust boundaries', () => {
    const { draft } = read('voting/docker-compose.yml');
    assert.deepEqual(draft.boundaries.map((b) => b.key), ['compose', OUTSIDE_BOUNDARY, HOST_BOUNDARY]);
    assert.match(element(draft, 'ballot').provenance[0].note!, /networks front, back/);
    assert.match(element(draft, 'counter').provenance[0].note!, /network back$/);
    // A network given through a merge key (`<<: *defaults`) counts too.
    assert.match(element(read('shop/docker-compose.yml').draft, 'worker').provenance[0].note!, /network internal/);
  });

  it('privileged containers, the Docker socket and SYS_ADMIN make an element privileged; replicas are kept', () => {
    const { draft } = read('edge/compose.yaml');
    assert.deepEqual(element(draft, 'gateway').privileged, { file: 'edge/compose.yaml', line: 12, note: 'mounts the Docker socket (control of the host)' });
    assert.deepEqual(element(draft, 'metrics').privileged, { file: 'edge/compose.yaml', line: 41, note: 'privileged: true' });
    assert.equal(element(draft, 'app').privileged, undefined);
    const caps = compose('services:\n  a:\n    image: x\n    cap_add: [NET_ADMIN, CAP_SYS_ADMIN]\n  b:\n    image: x\n    cap_add: [NET_ADMIN]\n').draft;
    assert.equal(element(caps, 'a').privileged?.note, 'cap_add SYS_ADMIN');
    assert.equal(element(caps, 'b').privileged, undefined);
    assert.equal(element(read('shop/docker-compose.yml').draft, 'worker').replicas, 3);
    assert.equal(element(compose('services:\n  a:\n    image: x\n    scale: 2\n').draft, 'a').replicas, 2);
  });

  it('extends of a service in the same file gives what the service does not set itself; another file is only noted', () => {
    const { draft } = read('edge/compose.yaml');
    assert.deepEqual(element(draft, 'app').identity, { tech: 'node' });
    assert.match(element(draft, 'app').provenance[0].note!, /extends base/);
    // The base is a template behind a profile: its child runs all the same.
    assert.deepEqual(draft.omitted.map((o) => o.key), ['base']);
    const other = compose('services:\n  a:\n    extends: { service: base, file: common.yml }\n').draft;
    assert.match(element(other, 'a').provenance[0].note!, /extends base in common\.yml \(not read\)/);
  });

  it('an environment file is noted as not read when the caller gives no reader (test/import/compose-env-file.test.ts reads them)', () => {
    const { draft } = compose('services:\n  a:\n    image: x\n    env_file: [.env, { path: ./more.env }]\n');
    assert.equal(element(draft, 'a').provenance[0].note, 'image x; env_file .env (not read), ./more.env (not read)');
  });
});

describe('compose flows', () => {
  it('depends_on (list and map form) and links are flows from the service that depends', () => {
    const voting = read('voting/docker-compose.yml').draft;
    assert.deepEqual(pairs(voting).filter((p) => !p.startsWith('clients') && !p.startsWith('local')),
      ['ballot->queue', 'tally->store', 'counter->queue', 'counter->store']);
    assert.deepEqual(flow(voting, 'counter', 'store').evidence.map((e) => [e.provenance.line, e.provenance.note]), [[28, 'depends_on']]);
    const shop = read('shop/docker-compose.yml').draft;
    assert.deepEqual(lines(flow(shop, 'proxy', 'web')), [17]);
    const edge = read('edge/compose.yaml').draft;
    assert.deepEqual(flow(edge, 'app', 'sessions').evidence.map((e) => e.provenance.note), ['links', 'environment SESSIONS']);
  });

  it('environment values naming a service: bare, host:port, URL, in list and map form, ${VAR:-default} resolved', () => {
    const shop = read('shop/docker-compose.yml').draft;
    const notes = (f: DraftFlow) => f.evidence.map((e) => e.provenance.note);
    assert.deepEqual(notes(flow(shop, 'web', 'api')), ['environment API_URL']);           // map form, URL
    assert.deepEqual(notes(flow(shop, 'api', 'cache')), ['environment CACHE_HOST', 'depends_on']); // bare name
    assert.deepEqual(notes(flow(shop, 'api', 'search')), ['environment SEARCH_URL']);     // ${SEARCH_URL:-http://search:9200}
    assert.deepEqual(notes(flow(shop, 'worker', 'queue')), ['environment BROKER']);       // host:port
    // An address no service has is not a flow.
    assert.ok(!pairs(read('edge/compose.yaml').draft).some((p) => p.includes('payments')));
  });

  it('container names, network aliases and link aliases reach their service; names ignore case', () => {
    const edge = read('edge/compose.yaml').draft;
    assert.deepEqual(flow(edge, 'caller', 'app').evidence.map((e) => e.provenance.note), ['environment TARGET']); // container_name, upper case
    assert.ok(flow(edge, 'app', 'sessions'));                                                                  // link alias session-store
    const aliased = compose('services:\n  api:\n    image: x\n    networks:\n      back:\n        aliases: [backend]\n  web:\n    image: y\n    environment: [API=http://backend:80]\n').draft;
    assert.equal(flow(aliased, 'web', 'api').protocol, 'http');
  });

  it('one flow per pair: evidence in file order, the first line leads', () => {
    const shop = read('shop/docker-compose.yml').draft;
    assert.deepEqual(lines(flow(shop, 'api', 'db')), [32, 40]);
    assert.equal(shop.flows.filter((f) => f.from === 'api' && f.to === 'db').length, 1);
    assert.match(draftToYaml(shop), /# shop\/docker-compose\.yml:32 environment DATABASE_URL; :40 depends_on\n {2}- api -> db: \{ protocol: postgres, auth: password, port: 5432 \}/);
  });

  it('protocol: the URL scheme, then a known port, then the target technology, else http', () => {
    const shop = read('shop/docker-compose.yml').draft;
    assert.equal(flow(shop, 'api', 'queue').protocol, 'amqp');     // amqp://queue
    assert.equal(flow(shop, 'worker', 'mail').protocol, 'smtp');   // smtp://mail:1025
    assert.equal(flow(shop, 'worker', 'queue').protocol, 'amqp');  // queue:5672
    assert.equal(flow(shop, 'api', 'cache').protocol, 'redis');    // the target is Redis
    assert.equal(flow(shop, 'api', 'db').protocol, 'postgres');
    assert.equal(flow(shop, 'api', 'search').protocol, 'http');    // Elasticsearch speaks HTTP
    assert.equal(flow(shop, 'proxy', 'web').protocol, 'http');
    const edge = read('edge/compose.yaml').draft;
    assert.equal(flow(edge, 'app', 'legacy').protocol, 'mysql+tls'); // jdbc:mysql://...?useSSL=true
    const t = (facts: Parameters<typeof guessProtocol>[0], tech?: string) => guessProtocol(facts, tech).protocol;
    assert.equal(t({ scheme: 'postgresql+asyncpg' }), 'postgres');
    assert.equal(t({ scheme: 'postgres', query: '/app?sslmode=require' }), 'postgres+tls');
    assert.equal(t({ scheme: 'postgres', query: '/app?sslmode=prefer' }), 'postgres');
    assert.equal(t({ scheme: 'mongodb+srv' }), 'mongodb+tls');
    assert.equal(t({ scheme: 'https' }, 'redis'), 'https');
    assert.equal(t({ scheme: 'tcp' }, 'postgres'), 'postgres');   // a bare transport says less than the target
    assert.equal(t({ scheme: 'nats' }), 'tcp');                    // not HTTP, whatever it is
    assert.equal(t({}, 'mongodb'), 'mongodb');
    assert.equal(t({}, 'kafka'), 'kafka');
    assert.equal(t({}, 'mysql'), 'mysql');
    assert.equal(t({}, 'rabbitmq'), 'amqp');
    assert.equal(t({ targetPort: 15672 }, 'rabbitmq'), 'http');    // the management interface
    assert.equal(t({}), 'http');
  });

  it('auth: password from credentials in a value, or a server whose own settings ask for one; never from an application\'s *_PASSWORD', () => {
    const shop = read('shop/docker-compose.yml').draft;
    assert.equal(flow(shop, 'api', 'db').auth, 'password');        // postgres://shop:...@db
    assert.equal(flow(shop, 'api', 'cache').auth, 'none');         // ALLOW_EMPTY_PASSWORD=yes and no password: the server lets everyone in
    const voting = read('voting/docker-compose.yml').draft;
    assert.equal(flow(voting, 'tally', 'store').auth, 'password'); // POSTGRES_PASSWORD on the server
    assert.equal(flow(voting, 'ballot', 'queue').auth, 'none');    // stock redis image: protected mode off, no password
    const edge = read('edge/compose.yaml').draft;
    assert.equal(flow(edge, 'app', 'sessions').auth, 'password');  // redis-server --requirepass
    assert.equal(flow(edge, 'app', 'legacy').auth, 'none');        // MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: root needs no password
    const app = compose(`services:
  identity:
    image: example/identity
    environment: [DB_PASSWORD=secret, DB_HOST=db]
  web:
    image: example/web
    environment: [IDENTITY=identity:8080]
  db:
    image: postgres
    environment: { POSTGRES_PASSWORD: "\${PG_PASSWORD}" }
  mongo:
    image: mongo
    environment: { MONGO_INITDB_ROOT_USERNAME: admin, MONGO_INITDB_ROOT_PASSWORD_FILE: /run/secrets/mongo }
  uri:
    image: example/uri
    environment: { MONGO: "admin:pw@mongo:27017", PLAIN: "mongodb://mongo" }
`).draft;
    assert.equal(flow(app, 'web', 'identity').auth, undefined);    // identity's DB_PASSWORD is what it uses to call the database
    assert.equal(flow(app, 'identity', 'db').auth, 'password');    // set from a variable still sets one
    assert.equal(flow(app, 'uri', 'mongo').auth, 'password');      // user:password@host without a scheme
    assert.deepEqual(passwordSetting([{ key: 'POSTGRES_PASSWORD', raw: '', value: '', line: 1 }]), undefined);
    assert.deepEqual(passwordSetting([{ key: 'POSTGRES_PASSWORD', value: 'x', line: 1 }, { key: 'POSTGRES_HOST_AUTH_METHOD', value: 'trust', line: 2 }]), undefined);
    assert.equal(passwordSetting([{ key: 'RABBITMQ_DEFAULT_PASS', value: 'x', line: 3 }])?.line, 3);
  });

  it('secret values are neither hosts nor written anywhere', () => {
    const text = draftToYaml(read('shop/docker-compose.yml').draft);
    for (const secret of ['changeme', 'dev-only', '/run/secrets']) assert.ok(!text.includes(secret), secret);
    const { draft } = compose('services:\n  a:\n    image: x\n    environment: [API_TOKEN=b, SECRET_KEY=b]\n  b:\n    image: y\n');
    assert.deepEqual(draft.flows, []);
  });

  it('a service naming itself is no flow; a service left out by its profile is no target', () => {
    assert.ok(!pairs(read('edge/compose.yaml').draft).some((p) => p === 'caller->caller'));
    const { draft } = compose('services:\n  a:\n    image: x\n    environment: [B=b, SELF=a]\n    depends_on: [b]\n  b:\n    image: y\n    profiles: [x]\n');
    assert.deepEqual(draft.flows, []);
    assert.deepEqual(draft.references, []);
  });

  it('a dependency on a service the file does not define waits for another file (an override may define it)', () => {
    const { draft, diagnostics } = compose('services:\n  a:\n    image: x\n    depends_on: [b]\n');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(draft.references.map((r) => [r.from, r.host, r.explicit]), [['a', 'b', true]]);
  });
});

describe('compose published ports', () => {
  it('ports (short and long syntax, not expose) are flows from one outside clients element in an untrusted boundary', () => {
    const { draft } = read('shop/docker-compose.yml');
    const clients = element(draft, OUTSIDE_CLIENTS);
    assert.deepEqual([clients.id, clients.identity, clients.boundary], ['clients', { kind: 'external' }, OUTSIDE_BOUNDARY]);
    assert.deepEqual(draft.boundaries.find((b) => b.key === OUTSIDE_BOUNDARY)?.trust, 'untrusted');
    // One flow per published listener: the HTTPS port does not hide the plain HTTP one.
    assert.deepEqual(pairs(draft).filter((p) => p.startsWith('clients')), ['clients->proxy', 'clients->proxy']);
    assert.deepEqual(draft.flows.filter((f) => f.from === OUTSIDE_CLIENTS).map((f) => [f.protocol, f.port, f.evidence.map((e) => [e.provenance.line, e.provenance.note])]),
      [['http', 80, [[12, 'ports 80:80']]], ['https', 443, [[13, 'ports 443:443/tcp']]]]);
    // A port bound to the loopback address is called from the host alone, never from the network.
    assert.deepEqual(pairs(draft).filter((p) => p.startsWith('local')), ['local->queue']);
    const local = element(draft, HOST_CLIENTS);
    assert.deepEqual([local.id, local.name, local.identity, local.boundary], ['host-clients', 'Local clients', { kind: 'external' }, HOST_BOUNDARY]);
    assert.deepEqual(draft.boundaries.find((b) => b.key === HOST_BOUNDARY)?.trust, 'internal');
    const queue = flow(draft, HOST_CLIENTS, 'queue');
    assert.deepEqual([queue.protocol, queue.port, queue.evidence[0].provenance.note], ['http', 15672, 'ports 127.0.0.1:15672:15672 (loopback: reachable from this host only)']);
    const exposed = compose('services:\n  a:\n    image: x\n    expose: ["3000"]\n').draft;
    assert.deepEqual(exposed.flows, []);
    assert.ok(!exposed.elements.some((e) => e.madeUp));
  });

  // Session 24: the draft follows the variable's loopback default (local clients), and a check says what setting it opens.
  it('a loopback address from a variable (`${LISTEN_IP:-127.0.0.1}`) is followed: local clients, with a note and a check saying it may be set otherwise', () => {
    const { draft } = compose('services:\n  web:\n    image: nginx\n    ports:\n      - "${LISTEN_IP:-127.0.0.1}:8888:80"\n      - "127.0.0.1:9229:9229"\n');
    assert.deepEqual(pairs(draft), ['local->web', 'local->web']);
    assert.deepEqual(draft.flows.map((f) => f.evidence.map((e) => e.provenance.note)), [
      ['ports 127.0.0.1:8888:80 (loopback unless LISTEN_IP is set: reachable from this host only by default)'],
      ['ports 127.0.0.1:9229:9229 (loopback: reachable from this host only)'],
    ]);
  });

  it('the port or the target says the protocol: app_protocol, udp, a store published as itself', () => {
    const edge = read('edge/compose.yaml').draft;
    // Three listeners, three flows in the order of their container ports: DNS on 53, HTTPS on 8443, the 9000-9002 range.
    const gateway = edge.flows.filter((f) => f.from === OUTSIDE_CLIENTS && f.to === 'gateway');
    assert.deepEqual(gateway.map((f) => [f.protocol, f.port, f.evidence.map((e) => e.protocol)]), [['dns', 53, ['dns']], ['https', 443, ['https']], ['http', undefined, [undefined]]]);
    const db = compose('services:\n  db:\n    image: postgres\n    ports: ["15432:5432"]\n  u:\n    image: x\n    ports: ["5000:5000/udp"]\n').draft;
    assert.equal(flow(db, OUTSIDE_CLIENTS, 'db').protocol, 'postgres');
    assert.equal(flow(db, OUTSIDE_CLIENTS, 'u').protocol, 'udp');
  });

  it('network_mode: host puts every port of the service on the host', () => {
    const edge = read('edge/compose.yaml').draft;
    assert.deepEqual(flow(edge, OUTSIDE_CLIENTS, 'metrics').evidence.map((e) => e.provenance.line), [40]);
  });

  it('parses every short port syntax', () => {
    const cases: Array<[string, ReturnType<typeof parsePortSpec>]> = [
      ['3000', { published: '', target: '3000' }],
      ['8080:80', { published: '8080', target: '80' }],
      ['127.0.0.1:8001:8001', { hostIp: '127.0.0.1', published: '8001', target: '8001' }],
      ['127.0.0.1::5000', { hostIp: '127.0.0.1', published: '', target: '5000' }],
      ['9090-9091:8080-8081', { published: '9090-9091', target: '8080-8081' }],
      ['6060:6060/udp', { published: '6060', target: '6060', transport: 'udp' }],
      ['[::1]:6001:6001', { hostIp: '::1', published: '6001', target: '6001' }],
      [':8888:80', { published: '8888', target: '80' }],
      ['abc', undefined], ['1:2:3:4', undefined], ['80:x', undefined],
    ];
    for (const [spec, expected] of cases) assert.deepEqual(parsePortSpec(spec), expected, spec);
  });
});

describe('compose values', () => {
  it('substitutes variables as if none were set: defaults kept, nested, $$ escaped', () => {
    const cases: Array<[string, string]> = [
      ['${A:-x}', 'x'], ['${A-x}', 'x'], ['${A}', ''], ['$A', ''], ['$$A', '$A'], ['a${B:-${C:-c}}d', 'acd'],
      ['${A:?required}', ''], ['${A:+alt}', ''], ['http://${HOST:-api}:${PORT:-80}/x', 'http://api:80/x'],
      ['${LISTEN_IP:-127.0.0.1}:8888:80', '127.0.0.1:8888:80'], ['price $5', 'price $5'], ['${unclosed', '${unclosed'], ['plain', 'plain'],
    ];
    for (const [text, expected] of cases) assert.equal(interpolate(text), expected, text);
  });

  it('finds the hosts a value names, with port, scheme and credentials', () => {
    assert.deepEqual(hostMentions('db'), [{ host: 'db', credentials: false }]);
    assert.deepEqual(hostMentions('crapi-identity:8080'), [{ host: 'crapi-identity', port: 8080, credentials: false }]);
    assert.deepEqual(hostMentions('http://identity:8080'), [{ host: 'identity', port: 8080, scheme: 'http', credentials: false }]);
    assert.deepEqual(hostMentions('postgres://user@db/x'), [{ host: 'db', scheme: 'postgres', query: '/x', credentials: false }]);
    assert.deepEqual(hostMentions('postgres://user:pw@db:5432/x'), [{ host: 'db', port: 5432, scheme: 'postgres', query: '/x', credentials: true }]);
    assert.deepEqual(hostMentions('kafka1:9092,kafka2:9092').map((m) => m.host), ['kafka1', 'kafka2']);
    assert.deepEqual(hostMentions('mongodb://a:27017,b:27017/app').map((m) => m.host), ['a', 'b']);
    assert.deepEqual(hostMentions('jdbc:postgresql://db:5432/app').map((m) => [m.host, m.scheme]), [['db', 'postgresql']]);
    assert.deepEqual(hostMentions('admin:secret@mongodb:27017')[0], { host: 'mongodb', port: 27017, credentials: true });
    // Lists: in brackets, items quoted or not (Kibana's ELASTICSEARCH_HOSTS), or URLs between spaces; a gRPC target.
    assert.deepEqual(hostMentions('["http://es01:9200", \'http://es02:9200\']').map((m) => [m.host, m.port, m.scheme]), [['es01', 9200, 'http'], ['es02', 9200, 'http']]);
    assert.deepEqual(hostMentions('[kafka1:9092,kafka2:9092]').map((m) => m.host), ['kafka1', 'kafka2']);
    assert.deepEqual(hostMentions('http://a:80 https://b').map((m) => [m.host, m.scheme]), [['a', 'http'], ['b', 'https']]);
    assert.deepEqual(hostMentions('dns:///orders:50051'), [{ host: 'orders', port: 50051, scheme: 'grpc', credentials: false }]);
    assert.deepEqual(hostMentions('dns://8.8.8.8/orders.shop:443').map((m) => [m.host, m.port]), [['orders.shop', 443]]);
    for (const notAnAddress of ['hello world', '', '5432', 'a:b:c', '[::1]:80', 'x:99999', 'user@', '-x', '[]', 'see http://a for more', 'http://a b']) {
      assert.deepEqual(hostMentions(notAnAddress), [], notAnAddress);
    }
    // A bare word is a candidate: it is a flow only when a service has that name.
    assert.deepEqual(hostMentions('true'), [{ host: 'true', credentials: false }]);
  });
});

describe('compose bad input', () => {
  const diag = (text: string) => discoverCompose(text, 'bad.yml').diagnostics.map((d) => `${d.line}:${d.col} ${d.severity}[${d.code}] ${d.path}`);

  it('a YAML syntax error: file, line, column, no exception', () => {
    const r = discoverCompose(fixture('broken/docker-compose.yml'), 'broken/docker-compose.yml');
    // At the `[` left open (`ports: ["8080:80"`), where the fix goes, not where yaml noticed it.
    assert.deepEqual(r.diagnostics.map((d) => [d.file, d.line, d.col, d.code]), [['broken/docker-compose.yml', 5, 12, 'syntax-error']]);
    assert.deepEqual(diag('services:\n\tweb:\n    image: x\n'), ['2:1 error[syntax-error] ']);
    assert.deepEqual(diag('services:\n  web:\n    image: a\n    image: b\n'), ['4:5 error[syntax-error] ']);
    assert.match(discoverCompose('services:\n  web:\n    image: a\n    image: b\n', 'x').diagnostics[0].message, /key `image` appears twice/);
    assert.deepEqual(diag('services: {}\n---\nservices: {}\n'), ['2:1 error[syntax-error] ']);
    assert.deepEqual(diag('services:\n  web:\n    <<: *defaults\n'), ['3:9 error[unknown-anchor] ']);
  });

  it('a file that is not a compose file says what was expected', () => {
    const cases: Array<[string, string, string]> = [
      ['', 'the file is empty', 'nothing'],
      ['# only a comment\n', 'the file is empty', 'nothing'],
      ['- a\n- b\n', 'this is not a Docker Compose file', 'a list'],
      ['hello\n', 'this is not a Docker Compose file', 'the string "hello"'],
      ['apiVersion: v1\nkind: Service\n', 'this is not a Docker Compose file: it has no `services:`', 'a map with keys apiVersion, kind'],
    ];
    for (const [text, message, found] of cases) {
      const [d] = discoverCompose(text, 'x.yml').diagnostics;
      assert.deepEqual([d.severity, d.code, d.line, d.col, d.found, d.expected], ['error', 'not-compose', 1, 1, found, 'a map with `services:`'], text);
      assert.ok(d.message.startsWith(message), d.message);
    }
    const [v1] = discoverCompose('web:\n  image: nginx\n', 'x.yml').diagnostics;
    assert.match(v1.hint!, /version 1 format/);
    // Networks only, or include only: Compose, with nothing to draft.
    for (const text of ['networks:\n  a:\n', 'include:\n  - other.yml\n', 'x-common: {}\n']) assert.deepEqual(diag(text), [], text);
  });

  it('a service that is not a map, and settings of the wrong type, with their positions and what was expected', () => {
    assert.deepEqual(diag('services:\n  web: nginx\n  db:\n  ok:\n    image: x\n'),
      ['2:8 error[invalid-service] services.web', '3:6 error[invalid-service] services.db']);
    assert.deepEqual(diag('services:\n  - web\n'), ['2:3 error[invalid-value] services']);
    const bad = discoverCompose(`services:
  web:
    image: [a]
    ports: "8080:80"
    environment: 3
    depends_on: 5
  api:
    ports:
      - "abc"
      - { published: 80 }
    environment:
      A: [1]
    deploy: { replicas: many }
`, 'bad.yml').diagnostics;
    assert.deepEqual(bad.map((d) => `${d.line}:${d.col} ${d.code} ${d.path}`), [
      '3:12 invalid-value services.web.image',
      '4:12 invalid-value services.web.ports',
      '5:18 invalid-value services.web.environment',
      '6:17 invalid-value services.web.depends_on',
      '9:9 invalid-value services.api.ports[0]',
      '10:9 invalid-value services.api.ports[1].target',
      '12:10 invalid-value services.api.environment.A',
      '13:25 invalid-value services.api.deploy.replicas',
    ]);
    assert.deepEqual([bad[1].found, bad[1].expected], ['the string "8080:80"', 'a list of port mappings']);
    assert.ok(bad.every((d) => d.file === 'bad.yml' && d.severity === 'error' && d.expected));
    // Formatted as the model loader formats its own.
    assert.match(formatDiagnostics(bad), /^bad\.yml:3:12: error\[invalid-value\]: `services\.web\.image` should be a string\n {4}at: services\.web\.image\n {4}found: a list\n {4}expected: a string$/m);
  });

  it('a port mapping made unreadable by an unset variable is a warning, not an error', () => {
    const [d] = discoverCompose('services:\n  a:\n    image: x\n    ports: ["${PORT}"]\n', 'x.yml').diagnostics;
    assert.deepEqual([d.severity, d.code, d.line, d.col], ['warning', 'unreadable-port', 4, 13]);
  });

  it('never throws: truncated fixtures, hostile nesting, aliases that fan out or loop', () => {
    const texts: string[] = [];
    for (const name of ['shop/docker-compose.yml', 'voting/docker-compose.yml', 'edge/compose.yaml']) {
      const text = fixture(name);
      for (let i = 0; i < text.length; i += 7) texts.push(text.slice(0, i), text.slice(i));
    }
    texts.push(`services:\n  a:\n    environment: ${'['.repeat(50_000)}`, `x: ${'{a: '.repeat(5_000)}`);
    let merges = 'x0: &a0 { image: nginx }\n';
    for (let i = 1; i < 40; i++) merges += `x${i}: &a${i} { <<: [*a${i - 1}, *a${i - 1}] }\n`;
    texts.push(`${merges}services:\n  web:\n    <<: *a39\n`, 'x: &a\n  <<: *a\nservices:\n  web:\n    <<: *a\n');
    for (const text of texts) {
      const r = discoverCompose(text, 'x.yml');
      assert.ok(Array.isArray(r.diagnostics));
      if (!hasErrors(r.diagnostics)) assert.ok(!hasErrors(loadModel(draftToYaml(r.draft), 'm.yaml').diagnostics), text);
    }
  });
});

describe('compose determinism', () => {
  it('the same input gives the same draft and byte-identical YAML that loads without errors', () => {
    for (const name of ['shop/docker-compose.yml', 'voting/docker-compose.yml', 'voting/docker-stack.yml', 'edge/compose.yaml']) {
      const a = discoverCompose(fixture(name), name);
      const b = discoverCompose(fixture(name), name);
      assert.deepEqual(a, b);
      const text = draftToYaml(a.draft, { output: 'threatmap.yaml' });
      assert.equal(text, draftToYaml(b.draft, { output: 'threatmap.yaml' }));
      const loaded = loadModel(text, 'threatmap.yaml');
      assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    }
  });

  it('elements follow the file, flows their source then their line', () => {
    const text = draftToYaml(read('voting/docker-compose.yml').draft);
    const elementOrder = [...text.matchAll(/^ {2}([\w.-]+): \{/gm)].map((m) => m[1]);
    assert.deepEqual(elementOrder, ['queue-data', 'outside', 'host', 'compose', 'clients', 'host-clients', 'ballot', 'tally', 'counter', 'queue', 'store']);
    const flowOrder = [...text.matchAll(/^ {2}- (\S+ -> \S+):/gm)].map((m) => m[1]);
    assert.deepEqual(flowOrder, ['clients -> ballot', 'clients -> tally', 'host-clients -> tally', 'ballot -> queue', 'tally -> store', 'counter -> queue', 'counter -> store']);
  });
});
