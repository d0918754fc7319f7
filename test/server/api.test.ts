// The web UI's API handlers on files in memory: what each answers for good and bad bodies, and what it
// writes (nothing, unless everything checked out).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';
import { type ApiContext, getState, postDiagram, postTriage, putModel } from '../../src/server/api.js';
import type { FileAccess } from '../../src/server/files.js';
import { uidOf } from '../../src/track/triage.js';
import { analyzeExample, exampleText } from '../helpers.js';

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const MODEL = 'shop.yaml';
const TRIAGE = 'shop.triage.yaml';

function memory(files: Record<string, string>): FileAccess & { files: Record<string, string>; writes: number } {
  const store = { files, writes: 0 } as FileAccess & { files: Record<string, string>; writes: number };
  store.read = (path) => store.files[path] ?? null;
  store.write = (path, text) => {
    store.writes++;
    store.files[path] = text;
  };
  return store;
}

function context(files: Record<string, string> = { [MODEL]: exampleText('ecommerce') }) {
  const disk = memory(files);
  const ctx: ApiContext = { model: MODEL, triage: TRIAGE, generator: 'threatmap 9.9.9', rules: BUILTIN_RULES, ruleFiles: [], files: disk, today: () => '2026-06-01' };
  return { ctx, disk };
}

const search = analyzeExample('ecommerce').threats.find((t) => t.key === 'no-rate-limiting@api:/search')!;
const threat = { uid: uidOf(search), key: search.key, describe: `${search.title} (${search.key})` };

describe('API handlers', () => {
  it('GET /api/state: both files, their versions, null for a triage file not yet made', () => {
    const { ctx } = context();
    const text = exampleText('ecommerce');
    assert.deepEqual(getState(ctx), {
      status: 200,
      body: { file: MODEL, text, version: sha(text), triage: { file: TRIAGE, text: null, version: null }, generator: 'threatmap 9.9.9', rules: [], today: '2026-06-01' },
    });
  });

  it('GET /api/state: a model not there yet is a 404 that says the rest, for the page to wait for it or write it', () => {
    const { ctx, disk } = context({ [TRIAGE]: 'threatmap-triage: 1\nthreats: {}\n' });
    const triage = { file: TRIAGE, text: 'threatmap-triage: 1\nthreats: {}\n', version: sha('threatmap-triage: 1\nthreats: {}\n') };
    assert.deepEqual(getState(ctx), {
      status: 404,
      body: { error: 'shop.yaml: no such file', file: MODEL, text: null, version: null, triage, generator: 'threatmap 9.9.9', rules: [], today: '2026-06-01' },
    });
    // Written with a null base (the file must still not be there), it is the model from then on.
    const text = exampleText('ecommerce');
    assert.deepEqual(putModel(ctx, { text, base: null }), { status: 200, body: { version: sha(text) } });
    assert.equal(disk.files[MODEL], text);
    assert.deepEqual([getState(ctx).status, getState(ctx).body.version], [200, sha(text)]);
  });

  it('PUT /api/model: 400 for a body without text and base, and writes nothing', () => {
    const { ctx, disk } = context();
    for (const body of [null, [], { text: 'x' }, { base: 'x' }, { text: 1, base: 'x' }, { text: 'x', base: 3 }, { text: 'x', base: undefined }]) assert.equal(putModel(ctx, body).status, 400);
    assert.equal(disk.writes, 0);
  });

  it('PUT /api/model: the rules: settings are checked against the rules in use', () => {
    const { ctx, disk } = context();
    const text = `${exampleText('ecommerce')}rules:\n  disable: [no-such-rule]\n`;
    const r = putModel(ctx, { text, base: sha(exampleText('ecommerce')) });
    assert.equal(r.status, 422);
    const [d] = r.body.diagnostics as { code: string; file: string; line: number }[];
    assert.deepEqual([d.code, d.file, d.line > text.split('\n').length - 4], ['unknown-rule', MODEL, true]);
    assert.equal(disk.writes, 0);
  });

  it('PUT /api/model: saving the text that is there writes nothing', () => {
    const { ctx, disk } = context();
    const text = exampleText('ecommerce');
    assert.deepEqual(putModel(ctx, { text, base: sha(text) }), { status: 200, body: { version: sha(text) } });
    assert.equal(disk.writes, 0);
  });

  it('PUT /api/model: a null base re-creates a model deleted meanwhile; the 409 for it says it is gone', () => {
    const text = exampleText('ecommerce');
    const { ctx, disk } = context({});
    const stale = putModel(ctx, { text, base: sha(text) });
    assert.equal(stale.status, 409);
    assert.deepEqual([stale.body.text, stale.body.version], [null, null]);
    assert.match(stale.body.error as string, /^shop\.yaml is no longer there \(deleted or moved outside the page\)/);
    assert.equal(disk.writes, 0);
    assert.deepEqual(putModel(ctx, { text, base: null }), { status: 200, body: { version: sha(text) } });
    assert.equal(disk.files[MODEL], text);
  });

  it('PUT /api/model: a null base is a 409 when the file is there, and writes nothing', () => {
    const { ctx, disk } = context();
    const r = putModel(ctx, { text: `${exampleText('ecommerce')}# mine\n`, base: null });
    assert.equal(r.status, 409);
    assert.deepEqual([r.body.text, r.body.version], [exampleText('ecommerce'), sha(exampleText('ecommerce'))]);
    assert.match(r.body.error as string, /was changed outside the page/);
    assert.equal(disk.writes, 0);
  });

  it('PUT /api/model: a CRLF text with a BOM is written as sent, byte for byte', () => {
    const crlf = `\ufeff${exampleText('ecommerce').replace(/\n/g, '\r\n')}`;
    const { ctx, disk } = context({ [MODEL]: crlf });
    const edited = crlf.replace('name: Acme Shop', 'name: Acme Shop 2');
    assert.deepEqual(putModel(ctx, { text: edited, base: sha(crlf) }), { status: 200, body: { version: sha(edited) } });
    assert.equal(disk.files[MODEL], edited);
  });

  it('POST /api/triage: 400 for a malformed threat or decision', () => {
    const { ctx, disk } = context();
    const bad = [
      { threat, update: { status: 'accepted' } },
      { threat: { ...threat, uid: 'nope' }, update: null, base: null },
      { threat: { uid: threat.uid, key: threat.key }, update: null, base: null },
      { threat, update: { status: 'done' }, base: null },
      { threat, update: { status: 'accepted', expires: '2027-02-30' }, base: null },
      { threat, update: { status: 'accepted', review: '31/01/2027' }, base: null },
      { threat, update: { status: 'accepted', expires: '2026-05-31' }, base: null },
      { threat, update: { status: 'accepted', reason: 42 }, base: null },
      { threat, update: { status: 'accepted', unset: ['status'] }, base: null },
      { threat, update: 'accepted', base: null },
    ];
    for (const body of bad) assert.equal(postTriage(ctx, body).status, 400, JSON.stringify(body));
    assert.equal(disk.writes, 0);
  });

  it('POST /api/triage: a decision, updated, then removed; removing none writes nothing', () => {
    const { ctx, disk } = context();
    const first = postTriage(ctx, { threat, update: { status: 'accepted', reason: 'public data', expires: '2027-01-31' }, base: null });
    assert.equal(first.status, 200);
    const text = disk.files[TRIAGE];
    assert.deepEqual(first.body, { version: sha(text), text });
    assert.match(text, new RegExp(`^  ${threat.uid}:\n    threat: .*\n    status: accepted\n    reason: public data\n    expires: 2027-01-31$`, 'm'));
    const second = postTriage(ctx, { threat, update: { status: 'mitigating', unset: ['expires'] }, base: sha(text) });
    assert.equal(second.status, 200);
    assert.match(disk.files[TRIAGE], /status: mitigating\n    reason: public data\n/);
    assert.doesNotMatch(disk.files[TRIAGE], /^ +expires:/m);
    const removed = postTriage(ctx, { threat, update: null, base: sha(disk.files[TRIAGE]) });
    assert.equal(removed.status, 200);
    assert.doesNotMatch(disk.files[TRIAGE], new RegExp(threat.uid));
    const writes = disk.writes;
    assert.deepEqual(postTriage(ctx, { threat, update: null, base: sha(disk.files[TRIAGE]) }).body, { version: sha(disk.files[TRIAGE]), text: disk.files[TRIAGE] });
    assert.equal(disk.writes, writes);
  });

  it('POST /api/triage: a triage file that is not YAML is reported, not rewritten', () => {
    const broken = 'threats: [\n';
    const { ctx, disk } = context({ [MODEL]: exampleText('ecommerce'), [TRIAGE]: broken });
    const r = postTriage(ctx, { threat, update: { status: 'mitigating' }, base: sha(broken) });
    assert.equal(r.status, 422);
    assert.match(r.body.error as string, /^the triage file cannot be edited/);
    assert.equal(disk.files[TRIAGE], broken);
  });

  it('POST /api/diagram: 400 for a bad body, 422 for a triage text with errors', async () => {
    const { ctx } = context();
    assert.equal((await postDiagram(ctx, { triage: null })).status, 400);
    assert.equal((await postDiagram(ctx, { text: exampleText('ecommerce'), triage: 3 })).status, 400);
    const r = await postDiagram(ctx, { text: exampleText('ecommerce'), triage: 'threatmap-triage: 1\nthreats:\n  TM-00000000: { status: maybe }\n' });
    assert.equal(r.status, 422);
    assert.equal(r.body.error, 'the triage file has errors');
  });
});
