// `setTriageEntry` keeps an empty `covers` as `covers: []`: a recorded scope of the key's component alone, which
// scope.ts checks for drift. No `covers` given leaves the entry's as it is; no `covers` at all is no scope.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Risk } from '../../src/analysis/types.js';
import { hasScope } from '../../src/track/scope.js';
import { setTriageEntry, type TriageTarget } from '../../src/track/triage-edit.js';
import { parseTriage } from '../../src/track/triage.js';

const TARGET: TriageTarget = { uid: 'TM-0000abcd', key: 'missing-authentication@web', describe: 'web has no authentication' };

/** The entry the app reads back for TARGET. */
function entryOf(text: string): { covers?: readonly string[]; risk?: Risk; status?: string } {
  const parsed = parseTriage(text, 'shop.triage.yaml');
  assert.ok(parsed.triage, JSON.stringify(parsed.diagnostics));
  const entry = parsed.triage.entries.find((e) => e.ref === TARGET.uid);
  assert.ok(entry, text);
  return entry;
}

describe('traefik-spec s18: an empty `covers` is a recorded scope, written as `covers: []`', () => {
  it('writes `covers: []` on a new entry, and reads back a scope', () => {
    const text = setTriageEntry(undefined, 'shop.yaml', TARGET, { status: 'accepted', reason: 'internal only', covers: [] });
    assert.match(text, /\n {4}covers: \[\]\n/);
    const entry = entryOf(text);
    assert.deepEqual(entry.covers, []);
    assert.equal(hasScope(entry), true);
  });

  it('replaces recorded flows by `covers: []`', () => {
    const before = setTriageEntry(undefined, 'shop.yaml', TARGET, { status: 'accepted', covers: ['lb->web'] });
    assert.deepEqual(entryOf(before).covers, ['lb->web']);
    const after = setTriageEntry(before, 'shop.yaml', TARGET, { status: 'accepted', covers: [] });
    assert.deepEqual(entryOf(after).covers, []);
    assert.equal(after, before.replace('covers: [lb->web]', 'covers: []'));
  });

  it('leaves `covers` out when none is given (no scope), and keeps a recorded one on a renewal', () => {
    const none = setTriageEntry(undefined, 'shop.yaml', TARGET, { status: 'accepted' });
    assert.doesNotMatch(none, /covers/);
    assert.equal(entryOf(none).covers, undefined);
    assert.equal(hasScope(entryOf(none)), false);
    const recorded = setTriageEntry(undefined, 'shop.yaml', TARGET, { status: 'accepted', covers: [] });
    const renewed = setTriageEntry(recorded, 'shop.yaml', TARGET, { status: 'accepted', owner: 'security' });
    assert.deepEqual(entryOf(renewed).covers, []);
  });

  it('removes `covers` when asked to unset it, even beside an empty one', () => {
    const recorded = setTriageEntry(undefined, 'shop.yaml', TARGET, { status: 'accepted', covers: ['lb->web'] });
    const unset = setTriageEntry(recorded, 'shop.yaml', TARGET, { status: 'accepted', covers: [], unset: ['covers'] });
    assert.equal(entryOf(unset).covers, undefined);
  });
});
