// A triage file the page cannot edit: triage-edit.ts refuses with a typed error (TriageEditError and its
// code), which the server answers with a 422 that carries the code, told by its class, never by its words:
// another error worded the same is a failure of the server's (500, the id alone on the page).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';
import { type ApiContext, isTriageRefusal, postTriage } from '../../src/server/api.js';
import type { FileAccess } from '../../src/server/files.js';
import { versionOf } from '../../src/server/files.js';
import { type RunningServer, startServer } from '../../src/server/server.js';
import { uidOf } from '../../src/track/triage.js';
import { removeTriageEntry, renameTriageEntry, setTriageEntry, TriageEditError } from '../../src/track/triage-edit.js';
import { analyzeExample, exampleText } from '../helpers.js';

const MODEL = 'shop.yaml';
const TRIAGE = 'shop.triage.yaml';
const search = analyzeExample('ecommerce').threats.find((t) => t.key === 'no-rate-limiting@api:/search')!;
const threat = { uid: uidOf(search), key: search.key, describe: `${search.title} (${search.key})` };
const accept = { status: 'accepted', reason: 'rate limited at the edge' };

/** Files in memory; `failRead` is thrown when the model is read (the handler reads it to scope the decision). */
function context(triage: string | null, failRead?: Error): { ctx: ApiContext; written: string[] } {
  const files: Record<string, string | null> = { [MODEL]: exampleText('ecommerce'), [TRIAGE]: triage };
  const written: string[] = [];
  const access: FileAccess = {
    read: (path) => {
      if (failRead && path === MODEL) throw failRead;
      return files[path] ?? null;
    },
    write: (path) => { written.push(path); },
  };
  return { ctx: { model: MODEL, triage: TRIAGE, generator: 'threatmap 9.9.9', rules: BUILTIN_RULES, ruleFiles: [], files: access, today: () => '2026-06-01' }, written };
}

const refusal = (fn: () => unknown): TriageEditError => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TriageEditError, String(e));
    return e;
  }
  assert.fail('no refusal');
};

describe('triage-edit.ts: a refusal is a TriageEditError with a code', () => {
  const target = { uid: 'TM-0000abcd', key: 'spoofing@web', describe: 'x' };

  it('each reason has its code; the message is worded as before', () => {
    const notYaml = refusal(() => setTriageEntry('threats: [unclosed\n', 'm', target, { status: 'open' }));
    assert.equal(notYaml.code, 'not-yaml');
    assert.match(notYaml.message, /^the triage file cannot be edited: /);
    assert.equal(String(notYaml).startsWith('Error: the triage file cannot be edited: '), true);
    const list = refusal(() => setTriageEntry('- a\n- b\n', 'm', target, { status: 'open' }));
    assert.deepEqual([list.code, list.message], ['not-a-map', 'the triage file is not a map']);
    assert.equal(refusal(() => setTriageEntry('threats: [a, b]\n', 'm', target, { status: 'open' })).code, 'threats-not-a-map');
    assert.equal(refusal(() => renameTriageEntry('threats:\n  spoofing@web: { status: open }\n', 'tampering@web', 'x@y')).code, 'no-entry');
    assert.equal(refusal(() => renameTriageEntry('threats:\n  spoofing@web: { status: open }\n  x@y: { status: open }\n', 'spoofing@web', 'x@y')).code, 'entry-exists');
  });

  it('a file it can edit: no error at all', () => {
    const text = setTriageEntry(undefined, 'm', target, { status: 'accepted', reason: 'ok' });
    assert.equal(removeTriageEntry(text, 'm', target).removed, true);
  });
});

describe('POST /api/triage: a refusal answered by its type', () => {
  it('a triage file that is not YAML: 422 with the refusal\'s message and code, nothing written', () => {
    const { ctx, written } = context('threats: [unclosed\n');
    const r = postTriage(ctx, { threat, update: accept, base: versionOf('threats: [unclosed\n') });
    assert.equal(r.status, 422);
    assert.equal(r.body.code, 'not-yaml');
    assert.match(r.body.error as string, /^the triage file cannot be edited: /);
    assert.deepEqual(written, []);
  });

  it('a triage file whose root is a list: 422, code not-a-map', () => {
    const { ctx } = context('- a\n');
    assert.deepEqual(postTriage(ctx, { threat, update: accept, base: versionOf('- a\n') }), {
      status: 422, body: { error: 'the triage file is not a map', code: 'not-a-map' },
    });
  });

  it('another error worded like a refusal is not one: it goes on to the server\'s failure', () => {
    const lookalike = new Error('the triage file cannot be edited: not really');
    const { ctx, written } = context(null, lookalike);
    assert.throws(() => postTriage(ctx, { threat, update: accept, base: null }), (e) => e === lookalike);
    assert.deepEqual(written, []);
    assert.equal(isTriageRefusal(lookalike), false);
    assert.equal(isTriageRefusal(new TriageEditError('not-yaml', 'the triage file cannot be edited: x')), true);
    assert.equal(isTriageRefusal(new TypeError('the triage file x')), false);
  });
});

describe('the server over HTTP', () => {
  const ask = async (server: RunningServer, body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/triage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Threatmap-Token': server.token, Origin: `http://127.0.0.1:${server.port}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('a refusal is a 422 with its code and is not logged; a look-alike error is a 500 with the id alone, logged', async () => {
    const logged: string[] = [];
    let failRead: Error | undefined;
    let triage: string | null = 'threats: [unclosed\n';
    const files: FileAccess = {
      read: (path) => {
        if (path === MODEL && failRead) throw failRead;
        return path === MODEL ? exampleText('ecommerce') : triage;
      },
      write: () => {},
    };
    const server = await startServer({ model: MODEL, triage: TRIAGE, files, log: (line) => logged.push(line), assets: '/nonexistent' });
    try {
      const refused = await ask(server, { threat, update: accept, base: versionOf(triage) });
      assert.deepEqual([refused.status, refused.json.code], [422, 'not-yaml']);
      assert.deepEqual(logged, []);
      triage = null;
      failRead = new Error('the triage file cannot be edited: a look-alike');
      const failed = await ask(server, { threat, update: accept, base: null });
      assert.equal(failed.status, 500);
      assert.equal(failed.json.error, `the server failed to answer (error ${failed.json.id as string}); the terminal running threatmap serve says why`);
      assert.equal(logged.length, 1);
      assert.match(logged[0], /internal error [0-9a-f]{8} in POST \/api\/triage: Error: the triage file cannot be edited: a look-alike/);
    } finally {
      await server.close();
    }
  });
});
