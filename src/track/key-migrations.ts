// Threat keys that a release changed. A rule that now reports its finding on something else leaves the team's
// decisions under the old key matching nothing; a rule that no longer reports a case by design leaves them
// about a threat that will not come back. Both would read as stale entries and the decisions would be lost, so
// each change is written here once, with its release note, and triage matching (triage.ts) and
// `threatmap triage --migrate` (src/cli/triage.ts) follow it. No Node APIs: runs in the browser.
import type { AnalysisResult } from '../analysis/types.js';
import type { Boundary, Element, Endpoint, Flow } from '../model/types.js';
import type { TriageStatus } from './types.js';
import { threatUid, UID_PATTERN } from './uid.js';

/** A rule that now reports one finding where it reported several: an old key names the finding's new home. */
export interface MovedKeys {
  kind: 'moved';
  rule: string;
  /** The release that changed the rule. */
  since: string;
  /** The shape of the old key and of the new one, for people (the release note, `--migrate`'s output). */
  oldShape: string;
  newShape: string;
  /** How an old key's component leads to the new one: a flow's id to the element that makes the call. */
  resolve: 'flow-to-caller';
  note: string;
}

/** A rule that no longer reports a case by design: entries about that case are retired, with the reason. */
export interface RetiredKeys {
  kind: 'retired';
  rule: string;
  since: string;
  oldShape: string;
  /** When an old key's threat is retired: on a webhook endpoint whose signature check the model declares. */
  when: 'signed-webhook';
  note: string;
}

export type KeyMigration = MovedKeys | RetiredKeys;

export const KEY_MIGRATIONS: readonly KeyMigration[] = [
  {
    kind: 'moved',
    rule: 'no-timeouts-external',
    since: '0.1.0',
    oldShape: 'no-timeouts-external@caller->target (one per flow)',
    newShape: 'no-timeouts-external@caller (one per calling element)',
    resolve: 'flow-to-caller',
    note: 'one missing timeout is one finding per calling element, naming all its unbounded calls, instead of one per flow',
  },
  {
    kind: 'retired',
    rule: 'webhook-replay',
    since: '0.1.0',
    oldShape: 'webhook-replay@element:/webhook',
    when: 'signed-webhook',
    note: 'webhook-replay is no longer reported on a webhook whose signature check is declared: unsigned-webhook\'s advice already asks for the signed timestamp and one processing per event id',
  },
];

/** What a release's change makes of one triage entry that matches no threat. */
export type KeyChange =
  | { kind: 'moved'; migration: MovedKeys; oldKey: string; newKey: string }
  | { kind: 'retired'; migration: RetiredKeys; oldKey: string };

/** Every old key the migrations explain, and its stable id, each with its change. */
type OldKeyIndex = { byKey: Map<string, KeyChange>; byUid: Map<string, KeyChange> };

/**
 * What the migrations make of entries that match no threat (`refs`: keys or stable ids), by ref; refs that no
 * migration explains are left out (they are stale). Old keys are listed from the result: a stable id is a hash,
 * so the keys it may stand for are hashed and compared, never guessed from the text.
 */
export function keyChanges(result: AnalysisResult, refs: readonly string[], migrations: readonly KeyMigration[] = KEY_MIGRATIONS): Map<string, KeyChange> {
  const out = new Map<string, KeyChange>();
  if (refs.length === 0) return out;
  let index: OldKeyIndex | undefined;
  for (const ref of refs) {
    index ??= oldKeyIndex(result, migrations);
    const change = UID_PATTERN.test(ref) ? index.byUid.get(ref) : index.byKey.get(ref);
    if (change) out.set(ref, change);
  }
  return out;
}

function oldKeyIndex(result: AnalysisResult, migrations: readonly KeyMigration[]): OldKeyIndex {
  const byKey = new Map<string, KeyChange>();
  for (const m of migrations) {
    const changes = m.kind === 'moved' ? movedKeys(result, m) : retiredKeys(result, m);
    // The first migration to claim an old key keeps it: the table is in release order.
    for (const c of changes) if (!byKey.has(c.oldKey)) byKey.set(c.oldKey, c);
  }
  const byUid = new Map<string, KeyChange>();
  for (const [key, change] of byKey) byUid.set(threatUid(key), change);
  return { byKey, byUid };
}

/** `flow-to-caller`: the old per-flow keys of each threat the rule reports now, one per flow its element makes. */
function movedKeys(result: AnalysisResult, m: MovedKeys): KeyChange[] {
  const flows = new Map<string, Flow>(result.flows.map((f) => [f.id, f]));
  const out: KeyChange[] = [];
  for (const t of result.threats) {
    if (t.ruleId !== m.rule) continue;
    for (const id of t.flows) {
      if (flows.get(id)?.from === t.component) out.push({ kind: 'moved', migration: m, oldKey: `${m.rule}@${id}`, newKey: t.key });
    }
  }
  return out;
}

/** `signed-webhook`: the old keys of the rule on every endpoint where it no longer reports by design. */
function retiredKeys(result: AnalysisResult, m: RetiredKeys): KeyChange[] {
  const reported = new Set(result.threats.map((t) => t.key));
  const facts = webhookFacts(result);
  const out: KeyChange[] = [];
  for (const e of result.elements) {
    for (const ep of e.endpoints) {
      const oldKey = `${m.rule}@${ep.id}`;
      if (!reported.has(oldKey) && signedWebhook(facts, e, ep)) out.push({ kind: 'retired', migration: m, oldKey });
    }
  }
  return out;
}

/** What telling a signed webhook needs, indexed once: a scan of the model per endpoint would be quadratic. */
interface WebhookFacts {
  inFlows: Map<string, Flow[]>;
  boundaries: Map<string, Boundary>;
  /** Endpoints unsigned-webhook reports. */
  unsigned: Set<string>;
}

function webhookFacts(result: AnalysisResult): WebhookFacts {
  const inFlows = new Map<string, Flow[]>();
  for (const f of result.flows) {
    const list = inFlows.get(f.to);
    if (list) list.push(f);
    else inFlows.set(f.to, [f]);
  }
  const unsigned = new Set<string>();
  for (const t of result.threats) if (t.ruleId === 'unsigned-webhook' && t.endpoint !== undefined) unsigned.add(t.endpoint);
  return { inFlows, boundaries: new Map(result.boundaries.map((b) => [b.id, b])), unsigned };
}

const SIGNATURE = 'signature-verification';
const signs = (f: Flow): boolean => f.controls.includes(SIGNATURE) || f.auth === 'hmac';

/**
 * A webhook whose signature check the model declares (on the endpoint, its element or boundaries, or the senders'
 * flows that reach it, also through elements in front), and that unsigned-webhook does not report: a check that
 * rule finds incomplete is not a verified signature, and its replay is then that rule's finding.
 */
function signedWebhook(facts: WebhookFacts, e: Element, ep: Endpoint): boolean {
  if (ep.kind !== 'webhook' || facts.unsigned.has(ep.id)) return false;
  if (ep.controls.includes(SIGNATURE) || ep.auth === 'hmac' || e.controls.includes(SIGNATURE)) return true;
  return boundaryDeclares(facts, e.boundary, SIGNATURE) || sendersSign(facts, ep);
}

function boundaryDeclares(facts: WebhookFacts, id: string | undefined, control: string): boolean {
  const seen = new Set<string>();
  for (let b = id !== undefined ? facts.boundaries.get(id) : undefined; b !== undefined && !seen.has(b.id); b = b.parent === undefined ? undefined : facts.boundaries.get(b.parent)) {
    seen.add(b.id);
    if (b.controls.includes(control)) return true;
  }
  return false;
}

/** A flow that can reach the endpoint (naming it or none) is signed, into its element or an element in front. */
function sendersSign(facts: WebhookFacts, ep: Endpoint): boolean {
  const seen = new Set<string>([ep.element]);
  const queue = [ep.element];
  for (let i = 0; i < queue.length; i++) {
    const to = queue[i];
    for (const f of facts.inFlows.get(to) ?? []) {
      if (f.from === to || (to === ep.element && f.endpoint !== undefined && f.endpoint !== ep.id)) continue;
      if (signs(f)) return true;
      if (!seen.has(f.from)) {
        seen.add(f.from);
        queue.push(f.from);
      }
    }
  }
  return false;
}

/**
 * Statuses from the one that claims least to the one that claims most: open and mitigating carry the risk; an
 * acceptance carries it knowingly; a transfer gives it to others; mitigated says it is fixed; false-positive
 * says it never was.
 */
const CLAIMS: readonly TriageStatus[] = ['open', 'mitigating', 'accepted', 'transferred', 'mitigated', 'false-positive'];

/**
 * Of several decisions about what is now one threat, the most conservative: the one that claims least, then
 * the one that lapses first (no expiry lapses last), then the first written. Never undefined for a non-empty list.
 */
export function mostConservative<T extends { status: TriageStatus; expires?: string }>(decisions: readonly T[]): T {
  const lapse = (d: T) => d.expires ?? '9999-99-99';
  return decisions.reduce((best, d) => {
    const by = CLAIMS.indexOf(d.status) - CLAIMS.indexOf(best.status);
    return by < 0 || (by === 0 && lapse(d) < lapse(best)) ? d : best;
  });
}

/** A model file as a command-line argument, quoted when the shell would read it otherwise. */
export const shellArg = (arg: string): string => (/^[\w./@%+=:,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

/** The command that rewrites a triage file's entries under their new keys (a model read from standard input is named for the user to fill in). */
export const migrateCommand = (modelFile: string): string => `threatmap triage ${modelFile === '<stdin>' ? 'MODEL' : shellArg(modelFile)} --migrate`;
