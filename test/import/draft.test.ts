// The draft every discover source produces: merging drafts of several files, ids that never collide, and
// the model text (header, provenance comments) that loads without errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { discoverCompose } from '../../src/import/compose.js';
import {
  addElement, addOutsideCaller, assignIds, type Draft, draftToYaml, emptyDraft, formatProvenance, mergeDrafts, OUTSIDE_CLIENTS,
} from '../../src/import/draft.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';

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
    assert.deepEqual(loaded.diagnostics.map((d) => d.code), ['process-without-inputs'], 'only the worker no file says who feeds');
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
