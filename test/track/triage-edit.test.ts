// Writing one decision into a hand-written triage file (setTriageEntry, removeTriageEntry): the entry's own
// text is spliced and nothing else, so that line endings, comments and their spacing, flow maps, folded
// text and the other entries stay as written to the byte; a value that other entries read through an alias
// keeps its value for them; and the result is read back and refused unless only that entry changed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMap, parseDocument } from 'yaml';
import { contentEnd, rangeOf } from '../../src/model/edit-text.js';
import { seededRandom } from '../../src/model/generate.js';
import { removeTriageEntry, setTriageEntry, type TriageTarget } from '../../src/track/triage-edit.js';
import { parseTriage } from '../../src/track/triage.js';

/** As a team writes it: Windows line endings, a spaced comment, a flow map, a folded reason, an anchor read by the next entry. */
const HAND = [
  '# Team triage, reviewed weekly',
  'threatmap-triage: 1   # version',
  'threats:',
  '  # the cart one',
  '  client-controlled-value@api:POST /cart: {status: mitigating, owner: "checkout-team", ticket: SHOP-412}  # flow map',
  '',
  '  # search',
  '  TM-3efe6810:',
  '    status: false-positive   # CDN does it',
  '    reason: >',
  '      The CDN rate-limits /search',
  '      per client.',
  '    owner: &o security',
  '  TM-48d61910:',
  '    status: open',
  '    owner: *o',
  '',
].join('\r\n');

const SEARCH: TriageTarget = { uid: 'TM-3efe6810', key: 'no-rate-limiting@api:/search', describe: 'No rate limiting on /search (no-rate-limiting@api:/search)' };
const LOGIN: TriageTarget = { uid: 'TM-48d61910', key: 'brute-force@api:/login', describe: 'Brute force on /login (brute-force@api:/login)' };
const CART: TriageTarget = {
  uid: 'TM-109a003e', key: 'client-controlled-value@api:POST /cart',
  describe: 'Manipulation of Prices and order totals, Orders in POST /cart requests (client-controlled-value@api:POST /cart)',
};
const LB: TriageTarget = { uid: 'TM-10723191', key: 'cleartext-disclosure@lb', describe: 'Traffic can be read in transit: 1 cleartext flow (cleartext-disclosure@lb)' };

/** `text` with `from` (which must be there once) replaced by `to`. */
function replaced(text: string, from: string, to: string): string {
  assert.equal(text.split(from).length, 2, `expected exactly one ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

/** The decisions the app reads from a triage text, by entry id. */
function decisions(text: string): Record<string, Record<string, unknown>> {
  const parsed = parseTriage(text, 'x.triage.yaml');
  assert.ok(parsed.triage, JSON.stringify(parsed.diagnostics));
  return Object.fromEntries(parsed.triage.entries.map(({ ref, loc: _, ...rest }) => [ref, rest]));
}

describe('one decision written into a hand-written triage file', () => {
  it('changes a status in place and puts the refreshed `threat:` first; nothing else changes, line endings included', () => {
    const out = setTriageEntry(HAND, 'shop.yaml', SEARCH, { status: 'mitigated' });
    assert.equal(out, replaced(HAND, '  TM-3efe6810:\r\n    status: false-positive   # CDN does it',
      `  TM-3efe6810:\r\n    threat: ${SEARCH.describe}\r\n    status: mitigated   # CDN does it`));
    assert.deepEqual(decisions(out)[SEARCH.uid], { status: 'mitigated', threat: SEARCH.describe, reason: 'The CDN rate-limits /search per client.\n', owner: 'security' });
    // Written again with nothing new, the text stays as it is.
    assert.equal(setTriageEntry(out, 'shop.yaml', SEARCH, { status: 'mitigated' }), out);
  });

  it('sets a value that another entry reads through an alias for this entry only: the anchor moves to the alias', () => {
    const out = setTriageEntry(HAND, 'shop.yaml', SEARCH, { status: 'false-positive', owner: 'alice' });
    const expected = replaced(replaced(replaced(HAND, '    owner: &o security', '    owner: alice'), '    owner: *o', '    owner: &o security'),
      '  TM-3efe6810:\r\n', `  TM-3efe6810:\r\n    threat: ${SEARCH.describe}\r\n`);
    assert.equal(out, expected);
    assert.deepEqual([decisions(out)[SEARCH.uid].owner, decisions(out)[LOGIN.uid].owner], ['alice', 'security']);
  });

  it('sets a value read through an alias by writing this entry\'s own: the anchored one stays as written', () => {
    const out = setTriageEntry(HAND, 'shop.yaml', LOGIN, { status: 'open', owner: 'alice' });
    assert.equal(out, replaced(replaced(HAND, '    owner: *o', '    owner: alice'), '  TM-48d61910:\r\n', `  TM-48d61910:\r\n    threat: ${LOGIN.describe}\r\n`));
    assert.deepEqual([decisions(out)[SEARCH.uid].owner, decisions(out)[LOGIN.uid].owner], ['security', 'alice']);
    // The same value as the alias reads leaves the alias alone.
    assert.ok(setTriageEntry(HAND, 'shop.yaml', LOGIN, { status: 'open', owner: 'security' }).includes('    owner: *o\r\n'));
  });

  it('keeps a folded reason that is not changed, and writes a new one in its style', () => {
    const out = setTriageEntry(HAND, 'shop.yaml', SEARCH, { status: 'false-positive', reason: 'The CDN does it: per client.' });
    assert.ok(out.includes('    reason: >-\r\n      The CDN does it: per client.\r\n    owner: &o security\r\n'), out);
    assert.equal(decisions(out)[SEARCH.uid].reason, 'The CDN does it: per client.');
    const lines = setTriageEntry(HAND, 'shop.yaml', SEARCH, { status: 'false-positive', reason: 'Two\nlines' });
    assert.ok(lines.includes('    reason: |-\r\n      Two\r\n      lines\r\n'), lines);
    assert.equal(decisions(lines)[SEARCH.uid].reason, 'Two\nlines');
  });

  it('changes a flow map entry in its braces: `threat:` first, new fields after the last, the spacing and comment kept', () => {
    const out = setTriageEntry(HAND, 'shop.yaml', CART, { status: 'mitigated', reason: 'repriced on the server', unset: ['owner'] });
    assert.equal(out, replaced(HAND, '{status: mitigating, owner: "checkout-team", ticket: SHOP-412}  # flow map',
      `{threat: "${CART.describe}", status: mitigated, ticket: SHOP-412, reason: repriced on the server}  # flow map`));
    assert.deepEqual(decisions(out)[CART.key], { status: 'mitigated', threat: CART.describe, reason: 'repriced on the server', ticket: 'SHOP-412' });
  });

  it('adds a new entry after the last in block lines, and removing it gives the file back byte for byte', () => {
    const out = setTriageEntry(HAND, 'shop.yaml', LB, { status: 'accepted', reason: 'the LB is inside', expires: '2099-01-01' });
    assert.equal(out, `${HAND}  TM-10723191:\r\n    threat: "${LB.describe}"\r\n    status: accepted\r\n    reason: the LB is inside\r\n    expires: 2099-01-01\r\n`);
    const back = removeTriageEntry(out, 'shop.yaml', LB);
    assert.deepEqual([back.removed, back.text], [true, HAND]);
    // An entry that is not there is not removed, and the text is given back as it is.
    assert.deepEqual(removeTriageEntry(HAND, 'shop.yaml', LB), { text: HAND, removed: false });
  });

  it('removes an entry with its comment line; a value it anchors stays with the entry that reads it', () => {
    const out = removeTriageEntry(HAND, 'shop.yaml', SEARCH);
    assert.equal(out.text, replaced(
      replaced(HAND, '  # search\r\n  TM-3efe6810:\r\n    status: false-positive   # CDN does it\r\n    reason: >\r\n      The CDN rate-limits /search\r\n      per client.\r\n    owner: &o security\r\n', ''),
      '    owner: *o', '    owner: &o security'));
    assert.deepEqual(decisions(out.text)[LOGIN.uid], { status: 'open', owner: 'security' });
  });

  it('gives an entry that reads another\'s map through an alias a map of its own, and leaves the others reading the anchored one', () => {
    const shared = 'threats:\n  TM-00000001: &e { status: accepted, reason: shared }\n  TM-00000002: *e\n  TM-00000003: *e\n';
    const target = (uid: string): TriageTarget => ({ uid, key: `r@${uid}`, describe: 'D' });
    assert.equal(setTriageEntry(shared, 'm', target('TM-00000002'), { status: 'mitigated' }),
      shared.replace('  TM-00000002: *e', '  TM-00000002: { threat: D, status: mitigated, reason: shared }'));
    assert.equal(setTriageEntry(shared, 'm', target('TM-00000001'), { status: 'mitigated' }), shared
      .replace('  TM-00000001: &e { status: accepted, reason: shared }', '  TM-00000001: { threat: D, status: mitigated, reason: shared }')
      .replace('  TM-00000002: *e', '  TM-00000002: &e { status: accepted, reason: shared }'));
  });

  it('writes into `threats: {}`, a flow-style file and a JSON one in their own form', () => {
    const fresh = 'threatmap-triage: 1\nthreats: {}\n';
    const one = setTriageEntry(fresh, 'm', LB, { status: 'accepted' });
    assert.equal(one, `threatmap-triage: 1\nthreats:\n  TM-10723191:\n    threat: "${LB.describe}"\n    status: accepted\n`);
    assert.equal(removeTriageEntry(one, 'm', LB).text, fresh);
    const flow = 'threats: {TM-3efe6810: {status: open}}\n';
    assert.equal(setTriageEntry(flow, 'm', LB, { status: 'accepted', reason: 'a, b' }),
      `threats: {TM-3efe6810: {status: open}, TM-10723191: { threat: "${LB.describe}", status: accepted, reason: "a, b" }}\n`);
    const json = '{"threatmap-triage": 1, "threats": {\n  "TM-3efe6810": {\n    "status": "open"\n  }\n}}\n';
    const edited = setTriageEntry(json, 'm', SEARCH, { status: 'accepted', owner: 'x' });
    assert.equal(edited, json.replace('    "status": "open"\n', `    "threat": "${SEARCH.describe}",\n    "status": "accepted",\n    "owner": "x"\n`));
    assert.deepEqual(JSON.parse(edited).threats['TM-3efe6810'], { threat: SEARCH.describe, status: 'accepted', owner: 'x' });
  });

  it('in a file that mixes CRLF and LF: a new entry takes the line ending of the line before it, and every other line keeps its own', () => {
    // HAND's CRLF lines, then an entry written on another machine with LF.
    const mixed = `${HAND}  TM-10723191:\n    status: open\n`;
    const out = setTriageEntry(mixed, 'shop.yaml', CART, { status: 'accepted', reason: 'r' });
    const added = setTriageEntry(mixed, 'shop.yaml', { ...LOGIN, uid: 'TM-00000001', key: 'x@y' }, { status: 'accepted' });
    assert.equal(added, `${mixed}  TM-00000001:\n    threat: ${LOGIN.describe}\n    status: accepted\n`);
    assert.deepEqual(removeTriageEntry(added, 'shop.yaml', { ...LOGIN, uid: 'TM-00000001', key: 'x@y' }), { text: mixed, removed: true });
    // A change of the CRLF entry in braces: the LF lines after it untouched.
    assert.ok(out.endsWith('  TM-10723191:\n    status: open\n'), out.slice(-80));
    assert.equal(out.split('\r\n').length, mixed.split('\r\n').length);
  });

  it('quotes a date a file that says `%YAML 1.1` would read as a timestamp', () => {
    const old = '%YAML 1.1\n---\nthreats:\n  TM-3efe6810: { status: open }\n';
    assert.equal(setTriageEntry(old, 'm', SEARCH, { status: 'accepted', expires: '2027-01-31' }),
      old.replace('{ status: open }', `{ threat: ${SEARCH.describe}, status: accepted, expires: "2027-01-31" }`));
  });
});

describe('what the triage writer refuses', () => {
  it('a file that is not YAML, not a map, or whose `threats:` is not a map, with a message', () => {
    assert.throws(() => setTriageEntry('threats: [\n', 'm', SEARCH, { status: 'open' }), /^Error: the triage file cannot be edited: /);
    assert.throws(() => setTriageEntry('- a\n', 'm', SEARCH, { status: 'open' }), /the triage file is not a map/);
    assert.throws(() => setTriageEntry('threats: [a]\n', 'm', SEARCH, { status: 'open' }), /`threats:` is not a map from threat ids to decisions/);
  });

  it('a result that would not read as asked: here a field that comes from a YAML 1.1 merge, which no splice of the entry can unset', () => {
    const merged = '%YAML 1.1\n---\nthreats:\n  TM-3efe6810: { <<: { owner: bob }, status: open, threat: x }\n';
    assert.throws(() => setTriageEntry(merged, 'm', { ...SEARCH, describe: 'x' }, { status: 'open', unset: ['owner'] }),
      /the result would not read as the file before with only the decision on `TM-3efe6810` changed as asked/);
    // Set rather than unset, the field written in the entry wins over the merged one, as YAML reads it.
    const set = setTriageEntry(merged, 'm', { ...SEARCH, describe: 'x' }, { status: 'open', owner: 'alice' });
    assert.equal(set, merged.replace('threat: x }', 'threat: x, owner: alice }'));
  });
});

// ---- random triage files ----

interface Generated {
  text: string;
  eol: string;
  /** The entries' ids in order. */
  ids: string[];
  /** Entries that share a value through an anchor and its aliases: a change of one may rewrite the others' text. */
  shared: string[][];
}

const STATUSES = ['open', 'mitigating', 'mitigated', 'accepted', 'false-positive', 'transferred'] as const;
const WORDS = ['public catalogue', 'a: b', 'it\'s done', '#1 priority', 'yes', '2027-01-31', 'SEC-12', '412', 'Données perso ✓', 'a, b [c]', ' padded '];

/** A triage file as people write them: comments above, beside and between entries, block and flow entries, quoting of every kind. */
function randomTriage(seed: number): Generated {
  const rnd = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
  const chance = (p: number) => rnd() < p;
  const eol = chance(0.5) ? '\r\n' : '\n';
  const quoted = (value: string, inFlow: boolean): string => {
    const plain = /^[A-Za-z][A-Za-z -]*$/.test(value) && !/^(?:yes|no|on|off|true|false|null|y|n)$/i.test(value) && (!inFlow || !/[,[\]{}]/.test(value));
    const form = pick(['plain', 'double', 'single']);
    if (form === 'plain' && plain) return value;
    return form === 'single' ? `'${value.replace(/'/g, "''")}'` : JSON.stringify(value);
  };
  const lines: string[] = [];
  if (chance(0.7)) lines.push('# Triage, reviewed weekly');
  if (chance(0.8)) lines.push(`threatmap-triage: 1${chance(0.5) ? '   # version' : ''}`);
  lines.push(`threats:${chance(0.3) ? '   # decisions' : ''}`);
  const ids: string[] = [];
  const shared: string[][] = [];
  let anchor: { name: string; id: string } | undefined;
  const count = 2 + Math.floor(rnd() * 5);
  for (let i = 0; i < count; i++) {
    const id = chance(0.8) ? `TM-${Math.floor(rnd() * 0xffffffff).toString(16).padStart(8, '0')}` : `rule-${i}@api:/path${i}`;
    if (ids.includes(id)) continue;
    ids.push(id);
    if (chance(0.3)) lines.push('');
    if (chance(0.4)) lines.push(`  # about ${id}`);
    const key = id.startsWith('TM-') || chance(0.5) ? id : JSON.stringify(id);
    const status = pick(STATUSES);
    if (chance(0.35)) {
      const fields = [`status: ${status}`, ...(chance(0.5) ? [`reason: ${quoted(pick(WORDS), true)}`] : []), ...(chance(0.4) ? [`owner: ${quoted('bob', true)}`] : [])];
      const spaced = chance(0.5);
      lines.push(`  ${key}: ${spaced ? '{ ' : '{'}${fields.join(', ')}${spaced ? ' }' : '}'}${chance(0.4) ? '   # flow' : ''}`);
      continue;
    }
    lines.push(`  ${key}:${chance(0.2) ? '  # block' : ''}`);
    if (chance(0.3)) lines.push(`    threat: ${quoted(`Threat ${i}`, false)}`);
    lines.push(`    status: ${status}${chance(0.3) ? '   # why' : ''}`);
    if (chance(0.3)) lines.push('    reason: >', '      folded over', '      two lines');
    else if (chance(0.4)) lines.push(`    reason: ${quoted(pick(WORDS), false)}`);
    if (anchor && chance(0.6)) {
      lines.push(`    owner: *${anchor.name}`);
      shared.at(-1)!.push(id);
    } else if (!anchor && chance(0.3)) {
      anchor = { name: `o${i}`, id };
      lines.push(`    owner: &${anchor.name} ${quoted('carol', false)}`);
      shared.push([id]);
    } else if (chance(0.4)) lines.push(`    owner: ${quoted('dave', false)}`);
    if (chance(0.3)) lines.push('    expires: 2027-01-31');
    if (chance(0.2)) lines.push('    # under the entry');
  }
  if (chance(0.3)) lines.push('# the end');
  return { text: `${lines.join(eol)}${eol}`, eol, ids, shared };
}

/** Each entry's own text in `text`: from its key's line to the end of its value. */
function entryTexts(text: string): Map<string, string> {
  const doc = parseDocument(text);
  const threats = doc.get('threats', true);
  const out = new Map<string, string>();
  if (!isMap(threats)) return out;
  for (const pair of threats.items) {
    const start = text.lastIndexOf('\n', rangeOf(pair.key)[0]) + 1;
    out.set(String((pair.key as { value: unknown }).value), text.slice(start, contentEnd(pair.value)));
  }
  return out;
}

const targetOf = (id: string): TriageTarget => (id.startsWith('TM-') ? { uid: id.toLowerCase().replace(/^tm-/, 'TM-'), key: 'other@x', describe: `About ${id}` } : { uid: 'TM-00000000', key: id, describe: `About ${id}` });

/** What reads the same after the edit: every entry but `id` (and those sharing an anchor with it) to the byte, the rest by value. */
function assertOthersKept(g: Generated, out: string, id: string, what: string): void {
  const before = entryTexts(g.text);
  const after = entryTexts(out);
  const group = g.shared.find((ids) => ids.includes(id)) ?? [id];
  const values = (text: string) => parseDocument(text).toJS().threats as Record<string, unknown>;
  for (const other of g.ids.filter((o) => o !== id)) {
    if (group.includes(other)) assert.deepEqual(values(out)[other], values(g.text)[other], `${what}: ${other} reads as before`);
    else assert.equal(after.get(other), before.get(other), `${what}: ${other} kept to the byte`);
  }
  const head = (text: string) => text.slice(0, text.search(/^threats:/m));
  assert.equal(head(out), head(g.text), `${what}: the lines above \`threats:\``);
  assert.ok(g.eol === '\r\n' ? !/[^\r]\n/.test(out) : !out.includes('\r'), `${what}: line endings kept`);
}

describe('the triage writer on random hand-written files (seeded)', () => {
  it('sets one entry and keeps every other entry\'s text; removes one likewise; adds one and removes it back to the byte', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const g = randomTriage(seed);
      const rnd = seededRandom(`update-${seed}`);
      const id = g.ids[Math.floor(rnd() * g.ids.length)];
      const what = `seed ${seed}, ${id}:\n${g.text}`;
      const update = {
        status: STATUSES[Math.floor(rnd() * STATUSES.length)],
        ...(rnd() < 0.5 ? { reason: WORDS[Math.floor(rnd() * WORDS.length)] } : {}),
        ...(rnd() < 0.4 ? { owner: rnd() < 0.5 ? 'alice' : 'carol' } : {}),
        ...(rnd() < 0.3 ? { ticket: 'SEC-9' } : {}),
        ...(rnd() < 0.2 ? { unset: ['expires' as const] } : {}),
      };
      const set = setTriageEntry(g.text, 'm.yaml', targetOf(id), update);
      assertOthersKept(g, set, id, `set, ${what}`);
      const read = decisions(set)[id.startsWith('TM-') ? targetOf(id).uid : id];
      for (const k of ['status', 'reason', 'owner', 'ticket'] as const) if (update[k] !== undefined) assert.equal(read[k], update[k], `set ${k}, ${what}\n${set}`);
      assert.equal(read.threat, `About ${id}`);
      if (update.unset) assert.equal(read.expires, undefined);

      const removed = removeTriageEntry(g.text, 'm.yaml', targetOf(id));
      assert.ok(removed.removed, what);
      assertOthersKept(g, removed.text, id, `remove, ${what}`);
      assert.equal(entryTexts(removed.text).has(id), false);

      const added = setTriageEntry(g.text, 'm.yaml', LB, { status: 'accepted', reason: 'r: s' });
      assertOthersKept({ ...g, shared: [] }, added, LB.uid, `add, ${what}`);
      assert.equal(removeTriageEntry(added, 'm.yaml', LB).text, g.text, `add and remove, ${what}`);
    }
  });
});
