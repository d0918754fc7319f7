// The draft every discover source produces: merging drafts of several files, ids that never collide, and
// the model text (header, provenance comments) that loads without errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { discoverCompose } from '../../src/import/compose.js';
import {
  addElement, addEvidence, addOutsideCaller, assignIds, type Draft, draftToYaml, elementByKey, emptyDraft, formatProvenance, isPublicHostName, mergeDrafts,
  OUTSIDE_CLIENTS, settleFlows,
} from '../../src/import/draft.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { discoverTerraform } from '../../src/import/terraform.js';
import { analyze } from '../../src/analysis/analyze.js';

const read = (name: string, project?: string) =>
  discoverCompose(readFileSync(`test/fixtures/discover/${name}`, 'utf8'), name, project ? { project } : {}).draft;
const shop = () => mergeDrafts([read('shop/docker-compose.yml'), read('shop/docker-compose.override.yml', 'shop')]);
const element = (draft: Draft, key: string) => draft.elements.find((e) => e.key === key)!;
const flow = (draft: Draft, from: string, to: string) => draft.flows.find((f) => f.from === from && f.to === to);

function loads(text: string) {
  const loaded = loadModel(text, 'threatmap.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return loaded;
}

describe('merging drafts', () => {
  it('the same service in two files: the later file\'s facts win, the earlier ones it does not restate stay, provenance of both kept', () => {
    const draft = shop();
    const search = element(draft, 'search');
    assert.deepEqual(search.identity, { tech: 'opensearch' });
    assert.deepEqual(search.provenance.map((p) => `${p.file}:${p.line}`), ['shop/docker-compose.yml:70', 'shop/docker-compose.override.yml:10']);
    // The override says nothing of db's image: it is still PostgreSQL.
    assert.deepEqual(element(draft, 'db').identity, { tech: 'postgres' });
    assert.equal(element(draft, 'worker').replicas, 3);
    assert.equal(draft.elements.filter((e) => e.key === 'api').length, 1);
  });

  it('a host one file names and another defines becomes a flow; published ports of both files count', () => {
    const base = read('shop/docker-compose.yml');
    assert.equal(flow(base, 'api', 'audit'), undefined);
    assert.deepEqual(base.references.filter((r) => r.host === 'audit').length, 1);
    const draft = shop();
    assert.deepEqual([flow(draft, 'api', 'audit')?.protocol, flow(draft, 'api', 'audit')?.port], ['http', 8081]);
    assert.equal(draft.references.some((r) => r.host === 'audit'), false);
    assert.deepEqual(flow(draft, OUTSIDE_CLIENTS, 'db')?.evidence.map((e) => `${e.provenance.file}:${e.provenance.line}`), ['shop/docker-compose.override.yml:9']);
    // A flow to a store published by the override follows the store's technology and password.
    assert.deepEqual([flow(draft, OUTSIDE_CLIENTS, 'db')?.protocol, flow(draft, OUTSIDE_CLIENTS, 'db')?.auth], ['postgres', 'password']);
  });

  it('a flow is settled again after a merge: a later file that names the target\'s technology changes its protocol', () => {
    const first = discoverCompose('services:\n  app:\n    image: x\n    environment: [CACHE=cache]\n  cache:\n    build: ./cache\n', 'a.yml').draft;
    assert.equal(flow(first, 'app', 'cache')?.protocol, 'http');
    const second = discoverCompose('services:\n  cache:\n    image: redis:7\n', 'b.yml').draft;
    assert.equal(flow(mergeDrafts([first, second]), 'app', 'cache')?.protocol, 'redis');
  });

  it('a service one file leaves out by profile and another defines is in; the system name holds when the files agree', () => {
    const a = discoverCompose('name: one\nservices:\n  job:\n    image: x\n    profiles: [ops]\n', 'a.yml').draft;
    const b = discoverCompose('name: one\nservices:\n  job:\n    image: x\n', 'b.yml').draft;
    const merged = mergeDrafts([a, b]);
    assert.deepEqual(merged.omitted, []);
    assert.equal(merged.name, 'one');
    assert.equal(mergeDrafts([a, discoverCompose('name: two\nservices: {}\n', 'c.yml').draft]).name, undefined);
  });

  it('merging does not change the drafts merged', () => {
    const base = read('shop/docker-compose.yml');
    const before = JSON.stringify(base);
    mergeDrafts([base, read('shop/docker-compose.override.yml', 'shop')]);
    assert.equal(JSON.stringify(base), before);
  });
});

describe('finding elements and flows by key', () => {
  const provenance = (line: number) => ({ file: 'compose.yaml', line });
  const service = (key: string) => ({ key, id: key, aliases: [], provenance: [provenance(1)], identity: { type: 'service' as const } });

  it('finds what was added, merges by key, and follows a list replaced by a filtered copy', () => {
    const draft = emptyDraft();
    const api = addElement(draft, service('api'));
    assert.equal(addElement(draft, { ...service('api'), name: 'API' }), api);
    assert.deepEqual([draft.elements.length, api.name, api.provenance.length], [1, 'API', 2]);
    addElement(draft, service('db'));
    assert.equal(elementByKey(draft, 'db'), draft.elements[1]);
    draft.elements = draft.elements.filter((e) => e.key !== 'db');
    assert.equal(elementByKey(draft, 'db'), undefined);
    assert.equal(addElement(draft, service('db')), draft.elements[1]);
    assert.equal(elementByKey(draft, 'nothing'), undefined);
  });

  it('evidence joins the first flow of its pair, also once the pair has a flow per listener', () => {
    const draft = emptyDraft();
    for (const key of ['web', 'db']) addElement(draft, service(key));
    addEvidence(draft, 'web', 'db', [{ provenance: provenance(3), port: 5432 }, { provenance: provenance(4), port: 6432 }]);
    assert.equal(draft.flows.length, 1);
    settleFlows(draft);
    assert.deepEqual(draft.flows.map((f) => f.evidence.map((ev) => ev.provenance.line)), [[3], [4]]);
    addEvidence(draft, 'web', 'db', [{ provenance: provenance(9), port: 5432 }]);
    assert.deepEqual(draft.flows.map((f) => f.evidence.map((ev) => ev.provenance.line)), [[3, 9], [4]]);
    addEvidence(draft, 'db', 'web', [{ provenance: provenance(10) }]);
    assert.deepEqual(draft.flows.map((f) => `${f.from}->${f.to}`), ['web->db', 'web->db', 'db->web']);
  });
});

describe('ids', () => {
  it('real services keep their ids; the made-up clients, the outside zone and a project named like a service give way', () => {
    const { draft } = discoverCompose('name: api\nservices:\n  api:\n    image: x\n    ports: ["80:80"]\n  clients:\n    image: y\n  outside:\n    image: z\n', 'compose.yaml');
    const ids = assignIds(draft);
    assert.equal(ids.elements.get('api'), 'api');
    assert.equal(ids.elements.get('clients'), 'clients');
    assert.equal(ids.elements.get(OUTSIDE_CLIENTS), 'outside-clients');
    assert.equal(ids.boundaries.get('api'), 'api-project');
    assert.equal(ids.boundaries.get('(outside)'), 'outside-zone');
    const text = draftToYaml(draft);
    const model = loads(text).model!;
    assert.deepEqual(model.flows.map((f) => f.id), ['outside-clients->api']);
    assert.equal(model.elements.find((e) => e.id === 'api')?.boundary, 'api-project');
  });

  it('a fallback id already taken gets a number', () => {
    const draft = emptyDraft();
    for (const key of ['clients', 'outside-clients']) addElement(draft, { key, id: key, aliases: [], provenance: [], identity: { type: 'service' } });
    addOutsideCaller(draft, 'clients', { provenance: { file: 'x', line: 1 } });
    assert.equal(assignIds(draft).elements.get(OUTSIDE_CLIENTS), 'outside-clients-2');
    loads(draftToYaml(draft));
  });
});

describe('draftToYaml', () => {
  it('writes a header: what it was drafted from, what the files cannot say, what was left out, the next step', () => {
    const text = draftToYaml(shop(), { output: 'threatmap.yaml' });
    const header = text.slice(0, text.indexOf('threatmap: 1'));
    assert.match(header, /^# Drafted by `threatmap discover` from these files:\n# {3}shop\/docker-compose\.yml \(Docker Compose\)\n# {3}shop\/docker-compose\.override\.yml \(Docker Compose\)\n/);
    for (const word of ['assets:', 'authentication:', 'controls:', 'trust:', 'networks are not trust boundaries']) assert.ok(header.includes(word), word);
    assert.match(header, /# Left out:\n# {3}debug: only in profile "debug"/);
    assert.match(header, /# Review these, then run: threatmap analyze threatmap\.yaml\n/);
    assert.ok(header.split('\n').every((l) => l === '' || l.startsWith('#')), 'the header is all comments');
  });

  it('puts each element\'s and flow\'s provenance in a comment above it', () => {
    const text = draftToYaml(shop());
    assert.match(text, /# shop\/docker-compose\.yml:70 image docker\.elastic\.co\/elasticsearch\/elasticsearch:8\.14\.0\n {2}# shop\/docker-compose\.override\.yml:10 image opensearchproject\/opensearch:2\n {2}search: \{ tech: opensearch, in: shop \}/);
    assert.match(text, /# shop\/docker-compose\.yml:23 environment API_URL\n {2}- web -> api: \{ protocol: http, port: 3000 \}/);
    // Every element and flow has its comment, on the line above it.
    const lines = text.split('\n');
    const from = lines.indexOf('elements:');
    assert.ok(from > 0);
    lines.forEach((line, i) => {
      if (i > from && /^ {2}(?:- )?\S.*[:}]/.test(line) && !line.trimStart().startsWith('#')) {
        assert.match(lines[i - 1], /^ {2}# \S/, `no comment above: ${line}`);
      }
    });
    const flowComments = lines.filter((l, i) => /^ {2}- /.test(lines[i + 1] ?? '') && l.startsWith('  #'));
    assert.equal(flowComments.length, shop().flows.length);
    assert.ok(flowComments.every((c) => /^ {2}# shop\/docker-compose(?:\.override)?\.yml:\d+ /.test(c)), flowComments.join('\n'));
  });

  it('loads without errors or warnings, and the analysis runs on it', () => {
    const loaded = loads(draftToYaml(mergeDrafts([read('voting/docker-compose.yml', 'voting')])));
    assert.deepEqual(loaded.diagnostics.map((d) => d.code), ['untyped-caller', 'untyped-caller'], 'the made-up outside and host clients, to split into real callers (the worker pulls from the queue the vote fills)');
    const stack = loads(draftToYaml(read('shop/docker-compose.yml')));
    assert.ok(stack.model!.elements.length > 5);
  });

  it('a file name or note with a line break cannot end a comment early', () => {
    const draft = emptyDraft();
    draft.sources.push({ file: 'evil\nthreatmap: 2\n.yml', format: 'Docker Compose' });
    addElement(draft, {
      key: 'web', id: 'web', aliases: [], identity: { type: 'service' },
      provenance: [{ file: 'evil\nthreatmap: 2\n.yml', line: 1, note: 'image a\nelements: {}' }],
    });
    const text = draftToYaml(draft);
    assert.equal(parseDocument(text).get('threatmap'), 1);
    loads(text);
  });

  it('service names YAML would read as something else stay strings, and the model loads', () => {
    const names = ['123', 'true', 'null', 'on', '0x1F', 'a.b', 'x:y', '-lead', 'über', 'db', '"quoted"', "it's"];
    const text = `services:\n${names.map((n) => `  ${JSON.stringify(n)}:\n    image: example/x\n    environment: [PEER=db]\n`).join('')}`;
    const { draft, diagnostics } = discoverCompose(text, 'compose.yaml');
    assert.deepEqual(diagnostics, []);
    const model = loads(draftToYaml(draft)).model!;
    assert.deepEqual(model.elements.map((e) => e.id), ['123', 'true', 'null', 'on', '0x1F', 'a.b', 'x:y', 'lead', 'ber', 'db', 'quoted-', 'it-s']);
    assert.deepEqual(model.elements.map((e) => e.name).slice(7), ['-lead', 'über', 'db', '"quoted"', "it's"]);
    assert.equal(model.flows.length, names.length - 1);
  });

  it('writes only the boundaries something is in', () => {
    const { draft } = discoverCompose('networks:\n  a:\n', 'compose.yaml');
    const text = draftToYaml(draft);
    assert.ok(!text.includes('boundaries:'));
    loads(text);
  });

  it('formats provenance: the file once, then its other lines', () => {
    assert.equal(formatProvenance([{ file: 'a.yml', line: 3, note: 'x' }, { file: 'a.yml', line: 9 }, { file: 'b.yml', line: 1, note: 'y' }]), 'a.yml:3 x; :9; b.yml:1 y');
  });
});

describe('one flow per listener', () => {
  const compose = (text: string) => discoverCompose(text, 'compose.yaml').draft;
  const summary = (draft: Draft) => draft.flows.map((f) => `${f.from === OUTSIDE_CLIENTS ? 'clients' : f.from} -> ${f.to}: ${f.protocol}${f.port !== undefined ? `:${f.port}` : ''}${f.auth ? ` (${f.auth})` : ''}`);

  it('published ports of one service are a flow each, in port order, with ids the model needs', () => {
    const draft = compose('services:\n  proxy:\n    image: traefik:v2.10\n    ports:\n      - "8080:8080"\n      - "443:443"\n      - "80:80"\n');
    assert.deepEqual(summary(draft), ['clients -> proxy: http:80', 'clients -> proxy: https:443', 'clients -> proxy: http:8080']);
    const text = draftToYaml(draft);
    assert.match(text, /- clients -> proxy: \{ id: clients-proxy-8080, protocol: http, port: 8080 \}/);
    assert.equal(loads(text).model!.flows.length, 3);
  });

  it('a single listener keeps today\'s form; evidence for the same port from several places is one flow', () => {
    const draft = compose('services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n  app:\n    image: x\n    environment:\n      UPSTREAM_URL: http://web:80\n    depends_on: [web]\n');
    assert.deepEqual(summary(draft), ['clients -> web: http:80', 'app -> web: http:80']);
    assert.deepEqual(flow(draft, 'app', 'web')!.evidence.map((e) => e.provenance.note), ['environment UPSTREAM_URL', 'depends_on']);
    assert.match(draftToYaml(draft), /- clients -> web: \{ protocol: http, port: 80 \}/);
  });

  it('a TLS listener never hides a cleartext one, whichever comes first in the file (ALB listeners)', () => {
    const listener = (name: string, port: number, protocol: string) =>
      `resource "aws_lb_listener" "${name}" {\n  load_balancer_arn = aws_lb.web.arn\n  port = ${port}\n  protocol = "${protocol}"\n  default_action {\n    type = "forward"\n    target_group_arn = aws_lb_target_group.app.arn\n  }\n}\n`;
    const base = 'resource "aws_lb" "web" {\n  internal = false\n}\nresource "aws_lb_target_group" "app" {\n  port = 8080\n  protocol = "HTTP"\n}\n';
    const drafts = [listener('https', 443, 'HTTPS') + listener('http', 80, 'HTTP'), listener('http', 80, 'HTTP') + listener('https', 443, 'HTTPS')]
      .map((text) => discoverTerraform([{ file: 'main.tf', text: base + text }]).draft);
    const outside = (d: Draft) => d.flows.filter((f) => f.from === OUTSIDE_CLIENTS).map((f) => `${f.protocol}:${f.port}`);
    assert.deepEqual(outside(drafts[0]), ['http:80', 'https:443']);
    assert.deepEqual(outside(drafts[1]), outside(drafts[0]));
  });

  it('a port-less URL joins the listener speaking its protocol; one stating another protocol is a flow of its own', () => {
    const draft = compose('services:\n  mq:\n    image: rabbitmq:3\n  app:\n    image: x\n    depends_on: [mq]\n    environment:\n      AMQP_URL: amqp://mq\n      ADMIN_URL: http://mq:15672\n');
    assert.deepEqual(summary(draft), ['app -> mq: http:15672', 'app -> mq: amqp']);
    assert.deepEqual(draft.flows.map((f) => f.evidence.map((e) => e.provenance.note)), [['environment ADMIN_URL'], ['depends_on', 'environment AMQP_URL']]);
  });
});

describe('SSH flows', () => {
  const compose = (text: string) => discoverCompose(text, 'compose.yaml').draft;

  it('SSH no file states the login of leaves auth to the reviewer, with a check, beside the web port of the same service', () => {
    const draft = compose('services:\n  git:\n    image: gitea/gitea:1.21\n    ports: ["2222:22", "3000:3000"]\n');
    assert.deepEqual(draft.flows.map((f) => [f.protocol, f.port, f.auth]), [['ssh', 2222, undefined], ['http', 3000, undefined]]);
    assert.match(draftToYaml(draft), /# compose\.yaml:4 ports 2222:22; Check: no file says how SSH clients log in; state `auth: ssh-key` if password login is off, else `auth: password`\n {2}- clients -> git: \{ id: clients-git-2222, protocol: ssh, port: 2222 \}/);
  });

  it('an SSH server image is SSH on any port; password login switched on is stated, with no check', () => {
    const open = compose('services:\n  sshd:\n    image: linuxserver/openssh-server\n    ports: ["2222:2222"]\n');
    assert.deepEqual(open.flows.map((f) => [f.protocol, f.auth]), [['ssh', undefined]]);
    const password = compose('services:\n  sshd:\n    image: linuxserver/openssh-server\n    environment:\n      PASSWORD_ACCESS: "true"\n    ports: ["2222:2222"]\n');
    assert.deepEqual(password.flows.map((f) => [f.protocol, f.auth, f.check]), [['ssh', 'password', undefined]]);
    // Another image on 2222 says nothing: HTTP, as before.
    assert.deepEqual(compose('services:\n  web:\n    image: acme/web\n    ports: ["2222:2222"]\n').flows.map((f) => [f.protocol, f.auth]), [['http', undefined]]);
  });

  it('Terraform: a security group open on 22 and 5432 is two flows; key_name states key authentication', () => {
    const tf = (keyName: string) => discoverTerraform([{ file: 'main.tf', text: `resource "aws_security_group" "web" {
  ingress {
    from_port = 22
    to_port = 22
    protocol = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port = 5432
    to_port = 5432
    protocol = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_instance" "web" {
  vpc_security_group_ids = [aws_security_group.web.id]
  ${keyName}
}
` }]).draft;
    const unstated = tf('');
    assert.deepEqual(unstated.flows.map((f) => [f.protocol, f.port, f.auth, f.check !== undefined]), [['ssh', 22, undefined, true], ['postgres', 5432, undefined, false]]);
    const stated = tf('key_name = "ops"');
    assert.deepEqual(stated.flows.map((f) => [f.protocol, f.auth, f.check]), [['ssh', 'ssh-key', undefined], ['postgres', undefined, undefined]]);
    assert.match(stated.flows[0].evidence[0].provenance.note ?? '', /key_name "ops": SSH by key/);
  });
});

describe('services outside the files', () => {
  const compose = (env: string) => discoverCompose(`services:\n  api:\n    image: acme/api\n    environment:\n${env}`, 'compose.yaml').draft;

  it('hosts on the internet named in settings become elements outside every boundary, with flows from the service', () => {
    const draft = compose([
      '      DATABASE_URL: postgres://app:s3cret@mydb.abc123.eu-west-1.rds.amazonaws.com:5432/app?sslmode=require',
      '      STRIPE_API_BASE: https://api.stripe.com',
      '      SMTP_HOST: smtp.sendgrid.net',
      '',
    ].join('\n'));
    const outside = draft.elements.filter((e) => e.outside);
    assert.deepEqual(outside.map((e) => [e.key, e.identity, e.boundary, e.provenance.map((p) => `${p.line} ${p.note}`)]), [
      ['mydb.abc123.eu-west-1.rds.amazonaws.com', { tech: 'postgres' }, undefined, ['5 environment DATABASE_URL']],
      ['api.stripe.com', { tech: 'stripe' }, undefined, ['6 environment STRIPE_API_BASE']],
      ['smtp.sendgrid.net', { tech: 'sendgrid', protocol: 'smtp' }, undefined, ['7 environment SMTP_HOST']],
    ]);
    assert.deepEqual(draft.flows.map((f) => [f.to, f.protocol, f.auth]), [
      ['mydb.abc123.eu-west-1.rds.amazonaws.com', 'postgres+tls', 'password'],
      ['api.stripe.com', 'https', undefined],
      ['smtp.sendgrid.net', 'smtp', undefined],
    ]);
    const text = draftToYaml(draft);
    assert.ok(!text.includes('s3cret'));
    const result = analyze(loads(text).model!);
    assert.ok(result.threats.some((t) => t.ruleId === 'no-timeouts-external' && t.flows.includes('api->api.stripe.com')), result.threats.map((t) => t.ruleId).join());
  });

  it('no element for placeholders, private names, variables, or a dotted word under a name that is no address', () => {
    const draft = compose([
      '      CATALOG_URL: https://docs.example.com/x',
      '      CACHE_URL: redis://cache.internal:6379',
      '      PARTNER_URL: https://${PARTNER_HOST}/api',
      '      GREETING: hello.world',
      '      LOG_FILE: app.log',
      '      CLUSTER_DB: postgres://db.default.svc.cluster.local/app',
      '',
    ].join('\n'));
    assert.deepEqual(draft.elements.filter((e) => e.outside).map((e) => e.key), []);
    assert.deepEqual(draft.flows, []);
    for (const host of ['localhost', 'db', 'x.local', 'api.example.org', 'h.test']) assert.equal(isPublicHostName(host), false, host);
    for (const host of ['api.stripe.com', 'smtp.sendgrid.net']) assert.equal(isPublicHostName(host), true, host);
  });

  it('one element per host, whichever services name it; the summary counts them apart from the services', () => {
    const draft = discoverCompose('services:\n  a:\n    image: x\n    environment:\n      PAY_URL: https://api.stripe.com/v1\n  b:\n    image: y\n    environment:\n      STRIPE_HOST: API.stripe.com\n', 'compose.yaml').draft;
    assert.deepEqual(draft.elements.filter((e) => e.outside).map((e) => [e.key, e.provenance.length]), [['api.stripe.com', 2]]);
    assert.deepEqual(draft.flows.map((f) => `${f.from} -> ${f.to}`), ['a -> api.stripe.com', 'b -> api.stripe.com']);
  });
});
