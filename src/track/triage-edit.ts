// Rewrites a triage file with one decision changed, through the `yaml` Document API so that the user's
// comments, blank lines, key order and flow/block styles survive. Text in, text out: the CLI does the
// reading and the atomic write.
import { Document, isMap, isScalar, parseDocument, type YAMLMap } from 'yaml';
import type { TriageDecision } from './types.js';
import { normalizeRef, TRIAGE_VERSION, TRIAGE_VERSION_KEY } from './triage.js';

export interface TriageTarget {
  /** The threat's stable id: new entries are written under it (a written threat's under its key). */
  uid: string;
  /** The threat's key: an existing entry written under the key is updated in place. */
  key: string;
  /** What the threat is, for reviewers of the file (refreshed on every write of the entry). */
  describe: string;
}

export interface TriageUpdate extends TriageDecision {
  /** Fields to remove from the entry (e.g. an expiry that no longer applies). */
  unset?: readonly ('reason' | 'owner' | 'ticket' | 'expires' | 'review')[];
}

/** How a triage file is written, for the comment at its top (without the comment marks). */
export const TRIAGE_FILE_GUIDE: readonly string[] = [
  'One entry per threat, under its stable id (TM-..., shown in every report) or its key (rule@component).',
  '  status: open | mitigating | mitigated | accepted | false-positive | transferred',
  '  reason, owner, ticket: why, who, where it is tracked',
  '  expires: YYYY-MM-DD - the decision lapses after this day and the threat is open again',
  '  review: YYYY-MM-DD - a reminder to look at the decision again',
  '`threat:` only says what the entry is about; threatmap refreshes it when it writes the entry.',
];

/** The text of a new triage file: a header saying what it is and how to write it. */
export function newTriageText(modelFile: string): string {
  return [
    `# Triage of the threats threatmap finds in ${modelFile.replace(/[\r\n]/g, ' ')}: the team's decisions, reviewed like code.`,
    ...TRIAGE_FILE_GUIDE.map((line) => `# ${line}`),
    `${TRIAGE_VERSION_KEY}: ${TRIAGE_VERSION}`,
    'threats: {}',
    '',
  ].join('\n');
}

function threatsMap(doc: Document): YAMLMap {
  const node = doc.get('threats', true);
  if (isMap(node)) {
    // `threats: {}` from a new file reads better in block style once it has entries.
    if (node.items.length === 0) node.flow = false;
    return node;
  }
  const map = doc.createNode({}) as YAMLMap;
  doc.set('threats', map);
  return map;
}

/** The key node of the entry deciding this threat: written under its stable id or its key. */
function findEntryKey(map: YAMLMap, target: TriageTarget): unknown {
  for (const pair of map.items) {
    const raw = isScalar(pair.key) ? pair.key.value : pair.key;
    if (typeof raw !== 'string') continue;
    const ref = normalizeRef(raw);
    if (ref === target.uid || ref === target.key) return pair.key;
  }
  return undefined;
}

function parseExisting(text: string | undefined, modelFile: string): Document {
  const doc = parseDocument(text && text.trim() !== '' ? text : newTriageText(modelFile), { keepSourceTokens: false });
  if (doc.errors.length) throw new Error(`the triage file cannot be edited: ${doc.errors[0].message}`);
  if (doc.contents !== null && !isMap(doc.contents)) throw new Error('the triage file is not a map');
  if (doc.contents === null) (doc as Document).contents = doc.createNode({});
  return doc;
}

const serialise = (doc: Document): string => doc.toString({ lineWidth: 0 });

/** Sets the decision for one threat; fields not given in the update are left as they are. */
export function setTriageEntry(text: string | undefined, modelFile: string, target: TriageTarget, update: TriageUpdate): string {
  const doc = parseExisting(text, modelFile);
  const map = threatsMap(doc);
  const key = findEntryKey(map, target);
  const fields: Record<string, string> = { threat: target.describe, status: update.status };
  for (const k of ['reason', 'owner', 'ticket', 'expires', 'review'] as const) {
    const v = update[k];
    if (v !== undefined) fields[k] = v;
  }
  if (key === undefined) {
    // A written threat's key names it by its id, which a decision can follow when its `on:` changes (triage.ts).
    map.add(doc.createPair(target.key.startsWith('threat:') ? target.key : target.uid, fields));
    return serialise(doc);
  }
  const entry = map.get(key, true);
  if (!isMap(entry)) {
    map.set(key, doc.createNode(fields));
    return serialise(doc);
  }
  for (const [k, v] of Object.entries(fields)) {
    const existing = entry.get(k, true);
    // Editing the scalar in place keeps its comment and quoting style.
    if (isScalar(existing)) existing.value = v;
    else entry.set(k, v);
  }
  for (const k of update.unset ?? []) entry.delete(k);
  return serialise(doc);
}

/** Removes the entry for one threat, if there is one. */
export function removeTriageEntry(text: string | undefined, modelFile: string, target: TriageTarget): { text: string; removed: boolean } {
  const doc = parseExisting(text, modelFile);
  const node = doc.get('threats', true);
  if (!isMap(node)) return { text: text ?? '', removed: false };
  const key = findEntryKey(node, target);
  if (key === undefined) return { text: text ?? '', removed: false };
  node.delete(key);
  return { text: serialise(doc), removed: true };
}
