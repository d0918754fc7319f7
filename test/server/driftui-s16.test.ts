// A decision set on the page records what it is made for (`risk:`, `covers:`), as `threatmap triage --status`
// does, from the model on disk: without it, a threat that later grows would stay closed by it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';
import { type ApiContext, postTriage } from '../../src/server/api.js';
import type { FileAccess } from '../../src/server/files.js';
import { scopeOf } from '../../src/track/scope.js';
import { uidOf } from '../../src/track/triage.js';
import { threatUid } from '../../src/track/uid.js';
import { analyzeExample, exampleText } from '../helpers.js';

const MODEL = 'shop.yaml';
const TRIAGE = 'shop.triage.yaml';

function context(files: Record<string, string>): { ctx: ApiContext; files: Record<string, string> } {
  const disk: FileAccess = { read: (path) => files[path] ?? null, write: (path, text) => void (files[path] = text) };
  return { ctx: { model: MODEL, triage: TRIAGE, generator: 'threatmap 9.9.9', rules: BUILTIN_RULES, ruleFiles: [], files: disk, today: () => '2026-06-01' }, files };
}

/** A threat of the example that covers flows, so that `covers:` has something to list. */
const wide = analyzeExample('ecommerce').threats.find((t) => t.flows.length > 0)!;
const target = { uid: uidOf(wide), key: wide.key, describe: `${wide.title} (${wide.key})` };

/** The lines of the entry written under the threat's id. */
function entryOf(text: string, uid = target.uid): string {
  const start = text.indexOf(`  ${uid}:\n`);
  assert.ok(start >= 0, text);
  const rest = text.slice(start).split('\n');
  const end = rest.findIndex((l, i) => i > 0 && !l.startsWith('    '));
  return rest.slice(0, end).join('\n');
}

describe('POST /api/triage records the scope of the decision', () => {
  it('a status set through the API writes the threat\'s risk and flows, as the CLI does', () => {
    const { ctx, files } = context({ [MODEL]: exampleText('ecommerce') });
    const r = postTriage(ctx, { threat: target, update: { status: 'accepted', reason: 'public data' }, base: null });
    assert.equal(r.status, 200);
    const { risk, covers } = scopeOf(wide);
    const entry = entryOf(files[TRIAGE]!);
    assert.match(entry, new RegExp(`^    risk: ${risk.toLowerCase()}$`, 'mi'));
    assert.match(entry, new RegExp(`^    covers: \\[${covers.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(', ')}\\]$`, 'm'));
  });

  it('a model on disk with errors, or one that does not report the threat, writes the decision without a scope', () => {
    const gone = { uid: threatUid('no-such-rule@api'), key: 'no-such-rule@api', describe: 'gone (no-such-rule@api)' };
    for (const [model, threat] of [['elements: [\n', target], [exampleText('ecommerce'), gone]] as const) {
      const { ctx, files } = context({ [MODEL]: model });
      const r = postTriage(ctx, { threat, update: { status: 'accepted' }, base: null });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const entry = entryOf(files[TRIAGE]!, threat.uid);
      assert.match(entry, /status: accepted/);
      assert.doesNotMatch(entry, /^ +(risk|covers):/m);
    }
  });
});
