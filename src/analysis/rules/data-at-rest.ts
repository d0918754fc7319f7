// Data at rest beyond the primary store: backups, logs, stored passwords, and the secrets services keep
// to reach each other.
import type { Asset, Element, Flow } from '../../model/types.js';
import type { AnalysisContext } from '../context.js';
import { assetImpact, rated } from '../risk.js';
import {
  assetList, assetNames, cached, callAuth, callAuthMethod, hasOrHave, isData, isIssuedKey, isOrAre, itOrThem, itOrThey, sensitive, SENSITIVE_TYPES,
  ruleRuns, STATIC_SECRET_AUTH,
} from './facts.js';
// forgeable-tokens' judgement of which signing key it reports, so that a key is cited once.
import { SESSION_SIGNING_KEY_TAG, signingKeyOf, TOKEN_SIGNING_KEY_TAG } from './signing-keys.js';
import { AssetSet } from './family-shared.js';
import { agreeing, it, itObject, its, says, verbFor } from './grammar.js';
import {
  elementComponent, evidence, type FactTag, factTags, flowIds, flowLabel, isExposed, missingControlEvidence, mitigatedBy, mitigatedOutcome,
  namesAtMost, placesNamed, presentControls, pushTo, runsAppCode, TEXT_NAMES, threat, TITLE_NAMES, unlessControlled, writtenIn,
} from './helpers.js';
import { flowEvidence } from './service-identity.js';
import type { ElementRule, EvidenceRef, ModelRule, Outcome } from './types.js';


/** What a store holds: what it declares, and what flows bring into it. */
const heldBy = (ctx: AnalysisContext, e: Element) =>
  assetList(ctx, [...new Set([...e.stores, ...ctx.graph.inFlows(e.id).flatMap((f) => f.data)])]).filter(isData);

export const unencryptedBackups: ElementRule = {
  id: 'unencrypted-backups',
  stride: 'I',
  title: 'Backups are not encrypted',
  description:
    'A backup store holds copies of confidential data without encryption: backups are copied, kept for years and shared with more people and systems than the live data, so they leak first.',
  condition: 'a store of type `backups` holding (declared or received) data of high confidentiality, without `encryption-at-rest`',
  mitigation: 'Encrypt backups with keys held in a KMS separate from the backup account, and restrict and log who can restore them.',
  action: { key: 'encrypt-at-rest', text: 'Encrypt {targets} with keys held separately' },
  mitigatedBy: ['encryption-at-rest'],
  references: ['CWE-311', 'CWE-530', 'CAPEC-37', 'OWASP ASVS V6.1'],
  rating: 'Likelihood Medium (backups travel and are widely readable); impact from the confidentiality of the data copied.',
  example: "assets:\n  pii: { classification: confidential }\nelements:\n  ops: { type: admin }\n  snapshots: { type: backups, stores: [pii] }\nflows:\n  - ops -> snapshots: https",
  appliesTo: 'element',
  kinds: ['store'],
  types: ['backups'],
  check(element, ctx) {
    if (element.type !== 'backups') return undefined;
    const confidential = heldBy(ctx, element).filter((a) => a.confidentiality === 'high');
    if (confidential.length === 0) return undefined;
    return unlessControlled(ctx, { element }, ['encryption-at-rest'], 'backups are encrypted', (missing) => ({
      title: `${assetNames(confidential)} in unencrypted backups (${element.name})`,
      description: `${says(element.name, 'keeps')} copies of ${assetNames(confidential)} unencrypted; a leaked or mis-shared backup exposes all of ${itOrThem(confidential)}.`,
      likelihood: rated('Medium', 'backups are copied, retained and shared widely: some access'),
      impact: assetImpact(confidential, 'confidentiality', rated('High', 'bulk copies of the data')),
      evidence: [evidence(`${says(element.name, 'holds')} ${assetNames(confidential)}`, element.at), missing],
    }));
  },
};

export const backupsNotIsolated: ElementRule = {
  id: 'backups-not-isolated',
  stride: 'D',
  title: 'Backups can be destroyed with the systems they protect',
  description:
    'Backups are written by the same systems (and credentials) they are meant to restore: ransomware or an attacker with those credentials deletes or encrypts the backups first.',
  condition: 'a store of type `backups` with at least one flow in from our processes or stores, without `immutable-backups`',
  mitigation: 'Keep backups immutable (object lock, WORM) or in a separate account the production credentials cannot delete from, and test restores.',
  action: { text: 'Make {targets} immutable or move them to a separate account' },
  mitigatedBy: ['immutable-backups'],
  references: ['CWE-1188', 'CAPEC-268', 'CAPEC-607'],
  rating: 'Likelihood Low (needs production credentials first); impact High (no way back after ransomware).',
  example: "elements:\n  ops: { type: admin }\n  backup-job: { type: worker }\n  snapshots: { type: backups }\nflows:\n  - ops -> backup-job: https\n  - backup-job -> snapshots: https",
  appliesTo: 'element',
  kinds: ['store'],
  types: ['backups'],
  check(element, ctx) {
    if (element.type !== 'backups') return undefined;
    const writers = ctx.graph.inFlows(element.id).filter((f) => f.from !== element.id && ctx.graph.elements.get(f.from)?.kind !== 'external');
    if (writers.length === 0) return undefined;
    const writerNames = [...new Set(writers.map((f) => ctx.graph.elements.get(f.from)?.name ?? f.from))].sort();
    return unlessControlled(ctx, { element, flows: writers }, ['immutable-backups'], 'backups cannot be altered by their writers', (missing) => ({
      title: `${element.name} can be destroyed by the systems ${it(element.name)} ${verbFor(element.name, 'backs')} up`,
      description: `${says(element.name, 'is')} written by ${namesAtMost(writerNames, TEXT_NAMES, 'other systems')}; whoever holds their access can delete or encrypt the backups too.`,
      likelihood: rated('Low', 'needs production credentials first'),
      impact: rated('High', 'no recovery after ransomware or sabotage'),
      evidence: [evidence(`${flowLabel(writers[0], ctx)} writes backups`, writers[0].at), missing],
    }));
  },
};

const BACKUP_TYPES = new Set(['database', 'object-storage', 'file-storage']);

/**
 * The tag that says a store's own files switch its backups off: `backups-off`, or with where,
 * `backups-off:main.tf:34` (as `threatmap discover` writes it for `backup_retention_period = 0`, or an RDS
 * database with `skip_final_snapshot = true` and the retention left at its one-day default).
 */
export const BACKUPS_OFF_TAG = 'backups-off';

/**
 * The tag that says a store keeps its data on a volume deleted with its pod or container: `ephemeral-data`, or
 * with where, `ephemeral-data:db-deployment.yaml:33` (as `threatmap discover` writes it for a database whose data
 * directory is an `emptyDir`). Worse than backups off: no mistake is needed, a reschedule is enough.
 */
export const EPHEMERAL_DATA_TAG = 'ephemeral-data';

interface BackupsOff {
  /** Every tag stating it, in tag order: files read together (a module used twice, two manifests) may each write it. */
  places: FactTag[];
  /** The data itself lives on a volume deleted with the pod (EPHEMERAL_DATA_TAG), not only its backups. */
  ephemeral: boolean;
}

function backupsOffOf(e: Element): BackupsOff | undefined {
  // The ephemeral volume is the graver fact: it wins when both are written.
  for (const tag of [EPHEMERAL_DATA_TAG, BACKUPS_OFF_TAG]) {
    const places = factTags(e, tag);
    if (places.length) return { places, ephemeral: tag === EPHEMERAL_DATA_TAG };
  }
  return undefined;
}

/** ` (a.tf:3, b.yaml:9)` for the places the tags say, or nothing when none says. */
function inParentheses(tags: readonly FactTag[], max: number): string {
  const places = placesNamed(tags, max);
  return places === undefined ? '' : ` (${places})`;
}

/** One per place the files say so: each is a setting to change. */
const backupsOffEvidence = (e: Element, off: BackupsOff) => off.places.map((place) =>
  evidence(off.ephemeral
    ? `${says(e.name, 'keeps')} ${its(e.name)} data on a volume deleted with ${its(e.name)} pod${inParentheses([place], TEXT_NAMES)}`
    : `${says(e.name, 'keeps')} no backup that outlives a mistake, by ${its(e.name)} files${inParentheses([place], TEXT_NAMES)}`, [...e.at, 'tags', place.index]));

/** Backups switched off: one mistake (a destroy, a replacing change, a bad migration) is enough. */
const OFF_LIKELIHOOD = rated('Medium', 'the files switch backups off: a destroy, a replacing change or a bad migration is enough');
/** Data on an ephemeral volume: routine operations (a rollout, a node drain, an eviction) delete it, no mistake needed. */
const EPHEMERAL_LIKELIHOOD = rated('High', 'the data lives on a volume deleted with the pod: a rollout, a node drain or an eviction loses it');
const offLikelihood = (off: BackupsOff) => (off.ephemeral ? EPHEMERAL_LIKELIHOOD : OFF_LIKELIHOOD);
const lacking = (off: BackupsOff | undefined) => (off?.ephemeral ? 'no persistent storage' : 'no backups');

export const noBackups: ElementRule = {
  id: 'no-backups',
  stride: 'D',
  title: 'Data without backups',
  description:
    'A database or file store holds data whose integrity or availability is rated high, and nothing says it is backed up: corruption, deletion or ransomware is permanent.',
  condition: 'a store of type database, object-storage or file-storage storing assets of high integrity or availability, or tagged `backups-off` (its files switch backups off: then whatever it stores, Likelihood Medium) or `ephemeral-data` (its data lives on a volume deleted with its pod, such as an `emptyDir`: whatever it stores, Likelihood High), without `backups` and without a copy to a store of type `backups`: a flow from the store to it, or a process with a flow to or from the store and a flow to it (a copy naming data keeps only the assets it names; one naming none keeps them all); assets a store of type `backups` declares in `stores` are kept there; only the assets no copy keeps are reported',
  mitigation: 'Back the store up automatically (point-in-time recovery where available), keep copies off-account, and rehearse restores.',
  action: { text: 'Back up {targets} and test restores' },
  mitigatedBy: ['backups'],
  references: ['CWE-1188', 'CAPEC-607'],
  rating: 'Likelihood Low (an accident, a bug or ransomware: luck), Medium when the files switch backups off (`backups-off`), High when the data lives on a volume deleted with its pod (`ephemeral-data`: routine rollouts and node drains lose it); impact High (permanent loss), Medium for data not rated high that is kept without backups by the files\' own choice.',
  example: "assets:\n  ledger: { integrity: high }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { tech: postgres, stores: [ledger] }\nflows:\n  - visitor -> api: https\n  - api -> db: sql+tls",
  appliesTo: 'element',
  kinds: ['store'],
  types: [...BACKUP_TYPES],
  check(element, ctx) {
    if (!BACKUP_TYPES.has(element.type ?? '')) return undefined;
    const off = backupsOffOf(element);
    const vital = assetList(ctx, element.stores).filter((a) => isData(a) && (a.integrity === 'high' || a.availability === 'high'));
    if (vital.length === 0 && off === undefined) return undefined;
    const present = presentControls(ctx, ['backups'], element);
    if (present.length) return mitigatedBy(present, elementComponent(element), 'the data is backed up');
    if (vital.length === 0) return switchedOff(ctx, element, off!);
    // Each vital asset is kept by a copy that names it (or names no data), or by a backups store declaring it.
    const copies = backupCopies(ctx, element, vital);
    const kept = keptInBackups(ctx);
    const lost = vital.filter((a) => !kept.has(a.id) && !copies.some((c) => c.covers(a)));
    const keepers = (assets: readonly Asset[]) => [...new Set(assets.flatMap((a) => kept.get(a.id) ?? []))];
    const names = (stores: readonly Element[]) => [...new Set(stores.map((e) => e.name))].sort();
    const keptHere = vital.filter((a) => kept.has(a.id));
    if (lost.length === 0) {
      const whole = copies.find((c) => vital.every(c.covers));
      if (whole) return mitigatedBy(['backups'], { ...elementComponent(element), flows: whole.flows }, whole.reason);
      const reasons = [...copies.map((c) => c.reason), ...(keptHere.length ? [`copies kept in ${names(keepers(keptHere)).join(', ')}`] : [])];
      return mitigatedBy(['backups'], { ...elementComponent(element), flows: copies.flatMap((c) => c.flows) }, reasons.join('; '));
    }
    const keeping = names(keepers(keptHere));
    const partly = keptHere.length > 0 || copies.length > 0;
    return threat({
      ...elementComponent(element),
      title: `${assetNames(lost)} in ${element.name} ${hasOrHave(lost)} ${lacking(off)}`,
      description: `${says(element.name, 'stores')} ${assetNames(lost)}, ${verbFor(element.name, 'is')} not declared backed up and no flow copies ${partly ? itOrThem(lost) : itObject(element.name)} to a backups store; deletion, corruption or ransomware cannot be undone.`,
      likelihood: off ? offLikelihood(off) : rated('Low', 'needs an accident, a bug or an attack: luck'),
      impact: rated('High', 'permanent loss of data rated high'),
      evidence: [
        evidence(`${says(element.name, 'stores')} ${assetNames(lost)}`, [...element.at, 'stores']),
        ...(off ? backupsOffEvidence(element, off) : []),
        ...copies.map((c) => evidence(`${c.label} carries ${assetNames(vital.filter(c.covers))}, not ${assetNames(lost)}`, c.at)),
        ...(keptHere.length ? [evidence(`${keeping.join(', ')} ${agreeing(keeping, 'keeps', 'keep')} ${assetNames(keptHere)}, but not ${assetNames(lost)}`, [...keepers(keptHere)[0].at, 'stores'])] : []),
        missingControlEvidence(['backups'], element),
      ],
    });
  },
};

/**
 * A store whose files switch its backups off, holding no data rated high for integrity or availability (or
 * none the model names): reported all the same, since that is a fact of the files and not the model's silence;
 * a database loses its data on one mistake.
 */
function switchedOff(ctx: AnalysisContext, element: Element, off: BackupsOff) {
  const held = assetList(ctx, element.stores).filter(isData);
  const what = held.length ? assetNames(held) : `the data in ${element.name}`;
  const where = inParentheses(off.places, TEXT_NAMES);
  return threat({
    ...elementComponent(element),
    title: `${held.length ? `${assetNames(held)} in ${element.name}` : `Data in ${element.name}`} ${held.length ? hasOrHave(held) : 'has'} ${lacking(off)}`,
    description: off.ephemeral
      ? `${says(element.name, 'keeps')} ${its(element.name)} data on a volume deleted with ${its(element.name)} pod${where}: every rollout, node drain or eviction loses ${what}; keep it on a persistent volume, and back it up.`
      : `${says(element.name, 'keeps')} no backup that outlives a mistake${where}: deleting or replacing ${itObject(element.name)}, or a bad migration found too late, loses ${what} for good.`,
    likelihood: offLikelihood(off),
    impact: rated('Medium', held.length ? `permanent loss of ${assetNames(held)}, rated below high` : 'permanent loss of data the model does not rate'),
    evidence: [...backupsOffEvidence(element, off), missingControlEvidence(['backups'], element)],
  });
}

/** The stores of type `backups` that declare each asset, by asset id, in model order (computed once). */
const keptInBackups = (ctx: AnalysisContext): ReadonlyMap<string, readonly Element[]> =>
  cached(ctx, 'kept-in-backups', () => {
    const kept = new Map<string, Element[]>();
    for (const e of ctx.graph.model.elements) if (e.type === 'backups') for (const id of new Set(e.stores)) pushTo(kept, id, e);
    return kept;
  });

const isBackupStore = (ctx: AnalysisContext, id: string) => ctx.graph.elements.get(id)?.type === 'backups';

/** A copy of a store into a backups store, and which of the store's assets it keeps. */
interface BackupCopy {
  flows: string[];
  reason: string;
  /** Keeps the asset: the copy names it, or names no data at all. */
  covers: (a: Asset) => boolean;
  /** The flow that writes the copy, as `a -> b`. */
  label: string;
  at: Flow['at'];
}

/**
 * How the model copies a store into a backups store: flows from the store itself, and jobs that talk to the
 * store (reading it, or fed by it) and write a backups store. A copy that names data keeps only what it names,
 * so one that names none of the store's vital assets backs up something else.
 */
function backupCopies(ctx: AnalysisContext, store: Element, vital: readonly Asset[]): BackupCopy[] {
  const { graph } = ctx;
  const copies: BackupCopy[] = [];
  const keeps = (f: Flow) => (a: Asset) => f.data.length === 0 || f.data.includes(a.id);
  for (const f of graph.outFlows(store.id)) {
    if (!isBackupStore(ctx, f.to) || !vital.some(keeps(f))) continue;
    const to = graph.elements.get(f.to)!.name;
    copies.push({ flows: [f.id], reason: `copied to ${to}`, covers: keeps(f), label: `${store.name} -> ${to}`, at: f.at });
  }
  for (const read of [...graph.inFlows(store.id), ...graph.outFlows(store.id)]) {
    const job = graph.elements.get(read.from === store.id ? read.to : read.from);
    if (job === undefined || job.kind !== 'process') continue;
    for (const write of graph.outFlows(job.id)) {
      if (!isBackupStore(ctx, write.to) || !vital.some(keeps(write))) continue;
      const to = graph.elements.get(write.to)!.name;
      copies.push({ flows: [read.id, write.id], reason: `copied to ${to} by ${job.name}`, covers: keeps(write), label: `${job.name} -> ${to}`, at: write.at });
    }
  }
  return copies;
}

export const sensitiveDataInLogs: ElementRule = {
  id: 'sensitive-data-in-logs',
  stride: 'I',
  title: 'Personal data or secrets written to logs',
  description:
    'A log store receives or keeps personal data, credentials, tokens or payment data: logs are read by many people and tools, kept long and rarely encrypted, so they become an unprotected copy of the most sensitive data.',
  condition: 'a store of type `logs` that stores or receives assets of a sensitive type (pii, credentials, secrets, session, payment, health, financial) or of high confidentiality, other than the log records themselves (assets of type `logs`, or named as an audit trail or log without a sensitive type: keeping them is what the store is for), without `log-sanitization` on the store or on every writer that handles such an asset (in its flows, endpoints or `handles`; every writer for an asset only the store declares), on the writer itself or on each of its flows into the store',
  mitigation: 'Mask or drop sensitive fields before logging (allow-list what is logged), never log credentials or tokens, and restrict and expire log access.',
  action: { text: 'Mask personal data and secrets before they reach {targets}' },
  mitigatedBy: ['log-sanitization'],
  references: ['CWE-532', 'CWE-359', 'CAPEC-215', 'OWASP ASVS V7.1'],
  rating: 'Likelihood Medium (logs are widely readable); impact from the confidentiality of what is logged.',
  example: "assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  logs: { type: logs }\nflows:\n  - visitor -> api: https\n  - api -> logs: { protocol: https, data: [pii] }",
  appliesTo: 'element',
  kinds: ['store'],
  types: ['logs'],
  check(element, ctx) {
    if (element.type !== 'logs') return undefined;
    const logged = sensitive(heldBy(ctx, element)).filter((a) => !isLogRecord(a));
    if (logged.length === 0) return undefined;
    const own = presentControls(ctx, ['log-sanitization'], element);
    if (own.length) return mitigatedBy(own, elementComponent(element), 'sensitive fields are masked before logging');
    const { unmasked, writers } = unmaskedWriters(ctx, element, logged);
    if (unmasked.length === 0) return mitigatedBy(['log-sanitization'], elementComponent(element), 'sensitive fields are masked before logging');
    const writes = ctx.graph.inFlows(element.id).filter((f) => writers.some((w) => w.id === f.from));
    const names = writers.map((w) => w.name).sort();
    const types = [...new Set(unmasked.map((a) => a.type).filter((t) => t && SENSITIVE_TYPES.has(t)))];
    return threat({
      ...elementComponent(element),
      flows: writes.length ? flowIds(writes) : undefined,
      title: `${assetNames(unmasked)} written to ${element.name}`,
      description: `${says(element.name, 'holds')} ${assetNames(unmasked)}${types.length ? ` (${types.join(', ')})` : ''}${writers.length ? ` and ${namesAtMost(names, TEXT_NAMES, 'other writers')} ${agreeing(names, 'writes', 'write')} to ${itObject(element.name)} without masking` : ' unmasked'}; everyone with log access reads ${itOrThem(unmasked)}.`,
      likelihood: rated('Medium', 'logs are read by many people and tools'),
      impact: assetImpact(unmasked, 'confidentiality', rated('Medium', 'copies of sensitive data')),
      evidence: [
        evidence(`${says(element.name, 'holds')} ${assetNames(unmasked)}`, element.at),
        ...flowEvidence(ctx, writes, () => 'writes to the log store'),
        writers.length
          ? evidence(`no log-sanitization on ${element.name} or on ${namesAtMost(names, TEXT_NAMES, 'other writers')}`, element.at)
          : missingControlEvidence(['log-sanitization'], element),
      ],
    });
  },
};

/**
 * The records a log store exists to keep: an asset of type `logs`, or one named as an audit trail or log whose
 * type says nothing more sensitive. Personal data or secrets inside them are the writers' concern only when the
 * model says so, by typing the asset as such (or by naming such assets on the writes).
 */
export const isLogRecord = (a: Asset): boolean =>
  a.type === 'logs' || (!SENSITIVE_TYPES.has(a.type ?? '') && /\b(audit|logs?)\b/i.test(`${a.id} ${a.name}`));

/** The flows into a store, by the element writing them. */
function writesInto(ctx: AnalysisContext, store: Element): Map<Element, Flow[]> {
  const byWriter = new Map<Element, Flow[]>();
  for (const f of ctx.graph.inFlows(store.id)) {
    const w = ctx.graph.elements.get(f.from);
    if (w !== undefined && w.id !== store.id) pushTo(byWriter, w, f);
  }
  return byWriter;
}

/** A writer does what a control says to what it writes: it declares the control, or each of its writes does. */
const declaredByWriter = (ctx: AnalysisContext, w: Element, writes: readonly Flow[], control: string): boolean =>
  ctx.elementHas(w, control) || writes.every((f) => f.controls.includes(control));

/**
 * The logged assets no writer masks, and the writers that leave them unmasked. An asset is a writer's
 * concern when the writer handles it; one that only the store declares may come from any writer. A writer
 * masks when it declares so, or when each of its writes to the store does.
 */
function unmaskedWriters(ctx: AnalysisContext, store: Element, logged: readonly Asset[]): { unmasked: Asset[]; writers: Element[] } {
  const writes = writesInto(ctx, store);
  const writers = [...writes.keys()];
  const masks = (w: Element) => declaredByWriter(ctx, w, writes.get(w)!, 'log-sanitization');
  const unmasked: Asset[] = [];
  const open = new Set<Element>();
  for (const a of logged) {
    const carriers = writers.filter((w) => ctx.assetsOf(w.id).includes(a));
    const concerned = carriers.length ? carriers : writers;
    const careless = concerned.filter((w) => !masks(w));
    if (concerned.length > 0 && careless.length === 0) continue;
    unmasked.push(a);
    for (const w of careless) open.add(w);
  }
  return { unmasked, writers: writers.filter((w) => open.has(w)) };
}

export const unhashedPasswords: ElementRule = {
  id: 'unhashed-passwords',
  stride: 'I',
  title: 'Passwords not stored with a slow hash',
  description:
    'A store keeps credentials without declaring a slow, salted password hash: one database leak (injection, backup, insider) reveals every password, and users reuse them elsewhere.',
  condition: 'a store (not a `secrets-vault`, which exists to hand the secrets it keeps back to the services that use them) that stores an asset of type `credentials`, without `password-hashing` on the store or on every writer of the credentials (an element with a flow into the store that handles such an asset; every writer when none does), declared on the writer or on each of its flows into the store; when every such asset is named as keys or tokens issued to clients (API keys, tokens, client secrets, not passwords), the finding and its advice are about storing digests of keys, not slow password hashes',
  mitigation: 'Store passwords only as argon2id, scrypt or bcrypt hashes with per-user salts (and a pepper in a vault); rehash on login when parameters change.',
  // One action for both branches (the punch list takes a rule's one text): passwords and issued keys each get their own.
  action: { text: 'Store passwords as slow hashes (argon2id or bcrypt) and issued keys as digests in {targets}' },
  mitigatedBy: ['password-hashing'],
  references: ['CWE-256', 'CWE-916', 'CAPEC-55', 'OWASP ASVS V2.4'],
  rating: 'Likelihood Medium when processes reachable from untrusted zones read the store (a flow between them, either way: a leak needs one flaw), Low otherwise; impact High (every account, and others where passwords are reused).',
  example: "assets:\n  logins: { type: credentials, classification: restricted }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { tech: postgres, stores: [logins] }\nflows:\n  - visitor -> api: https\n  - api -> db: sql+tls",
  appliesTo: 'element',
  kinds: ['store'],
  check(element, ctx) {
    // A vault hands back what it keeps (tokens we send out, passwords of the databases we log in to): a hash could not.
    if (element.type === 'secrets-vault') return undefined;
    if (!element.stores.some((id) => ctx.graph.assets.get(id)?.type === 'credentials')) return undefined;
    const creds = assetList(ctx, element.stores).filter((a) => a.type === 'credentials');
    // A read may be drawn either way: the reader's query into the store, or the rows it sends back.
    const readers = [...ctx.graph.inFlows(element.id), ...ctx.graph.outFlows(element.id)]
      .filter((f) => f.from !== f.to && isExposed(ctx.exposure(f.from === element.id ? f.to : f.from)));
    const hashed = 'passwords are stored as slow hashes';
    const own = presentControls(ctx, ['password-hashing'], element);
    if (own.length) return mitigatedBy(own, elementComponent(element), hashed);
    const { writes, unhashed } = passwordWriters(ctx, element, creds);
    if (writes.length > 0 && unhashed.length === 0) return mitigatedBy(['password-hashing'], { ...elementComponent(element), flows: flowIds(writes) }, hashed);
    const names = unhashed.map((w) => w.name).sort();
    // Random keys issued to clients (API keys, tokens) are not guessed from a hash: a fast digest is enough for
    // them, and nobody reuses them elsewhere. Passwords among them keep the password advice.
    const keysOnly = creds.every(isIssuedKey);
    return threat({
      ...elementComponent(element),
      title: keysOnly ? `${assetNames(creds)} stored unhashed in ${element.name}` : `${assetNames(creds)} stored without a slow hash in ${element.name}`,
      description: keysOnly
        ? `${says(element.name, 'stores')} ${assetNames(creds)} and the model does not say ${itOrThey(creds)} ${isOrAre(creds)} stored as digests; a leak of the store hands out every key that still works.`
        : `${says(element.name, 'stores')} ${assetNames(creds)} and the model does not say ${itOrThey(creds)} ${isOrAre(creds)} hashed with argon2, scrypt or bcrypt; a leak of the store reveals every password.`,
      likelihood: readers.length
        ? rated('Medium', 'components reachable from untrusted zones read the store: one flaw leaks it')
        : rated('Low', 'needs insider access to the store'),
      impact: keysOnly
        ? rated('High', 'every client\'s key: whoever reads the store calls as any client until the keys are rotated')
        : rated('High', 'every account, and accounts elsewhere where passwords are reused'),
      ...(keysOnly ? { mitigation: KEY_DIGEST_MITIGATION } : {}),
      evidence: [
        evidence(`${says(element.name, 'stores')} ${assetNames(creds)}`, [...element.at, 'stores']),
        names.length
          ? evidence(`no password-hashing on ${element.name} or on ${namesAtMost(names, TEXT_NAMES, 'other writers')}`, element.at)
          : missingControlEvidence(['password-hashing'], element),
      ],
    });
  },
};

const KEY_DIGEST_MITIGATION = 'Store only a digest of each key (SHA-256, or an HMAC with a key kept in a vault: random keys need no slow hash), show the key once when it is issued, keep a prefix to identify it, and let clients rotate and revoke keys.';

/**
 * The flows writing the credentials into a store, and the writers among them that do not hash. The
 * application hashes before it writes: a writer that handles the credentials hashes when it declares so,
 * or when each of its writes to the store does; when no writer handles them, any writer may be the one.
 */
function passwordWriters(ctx: AnalysisContext, store: Element, creds: readonly Asset[]): { writes: Flow[]; unhashed: Element[] } {
  const byWriter = writesInto(ctx, store);
  const all = [...byWriter.keys()];
  const carriers = all.filter((w) => ctx.assetsOf(w.id).some((a) => creds.includes(a)));
  const writers = carriers.length ? carriers : all;
  const hashes = (w: Element) => declaredByWriter(ctx, w, byWriter.get(w)!, 'password-hashing');
  return { writes: writers.flatMap((w) => byWriter.get(w)!), unhashed: writers.filter((w) => !hashes(w)) };
}

/**
 * Per element (by position): its outbound flows authenticated by a secret it must keep somewhere (not an
 * identity the platform provides), and whether it exchanges a flow with a secrets vault. One pass over the flows.
 */
function secretsUse(ctx: AnalysisContext): { secretFlows: (Flow[] | undefined)[]; vault: Uint8Array } {
  const { graph } = ctx;
  const { elements, flows } = graph.model;
  const secretFlows: (Flow[] | undefined)[] = new Array(elements.length);
  const vault = new Uint8Array(elements.length);
  for (let k = 0; k < flows.length; k++) {
    const s = graph.flowSource[k];
    if (s < 0) continue;
    const t = graph.flowTarget[k];
    const f = flows[k];
    // The call's auth: `auth: password` on a database is the secret every service reaching it keeps.
    if (s !== t && STATIC_SECRET_AUTH.has(callAuthMethod(graph, f))) (secretFlows[s] ??= []).push(f);
    // A vault may be drawn either way: the service fetching its secrets, or the vault (its agent) pushing them.
    if (t >= 0 && elements[t].type === 'secrets-vault') vault[s] = 1;
    if (t >= 0 && elements[s].type === 'secrets-vault') vault[t] = 1;
  }
  return { secretFlows, vault };
}

const SECRETS_MANAGEMENT: string[] = ['secrets-management'];

/**
 * The tag that says an element's secret is written as a literal in the repository's files: `hard-coded-secret`,
 * or with where it is written, `hard-coded-secret:docker-compose.yml:12` (as `threatmap discover` writes it).
 */
export const HARD_CODED_SECRET_TAG = 'hard-coded-secret';

interface LiteralSecret {
  element: Element;
  /** The tag's index in the element's tags. */
  index: number;
  /** `docker-compose.yml:12`, when the tag says. */
  where?: string;
  /** Further places the same tag cites (a compose file and a manifest each writing the key). */
  also: FactTag[];
}

/** The literal tags secrets-in-config reads, the general one first. */
const LITERAL_TAGS = [HARD_CODED_SECRET_TAG, TOKEN_SIGNING_KEY_TAG, SESSION_SIGNING_KEY_TAG] as const;

/**
 * The first literal secret the element's tags cite that forgeable-tokens does not report: a signing key it
 * reports (or the same place cited again under the general tag) is its finding, while one it leaves (a session key
 * on a service taking only JWTs, a key whose tokens nothing takes) is a literal like any other, never unreported.
 */
function literalSecretOf(ctx: AnalysisContext, e: Element): LiteralSecret | undefined {
  // Asked of every holder and every target they call: most elements have no tags at all.
  if (e.tags.length === 0) return undefined;
  const reported = ruleRuns(ctx, 'forgeable-tokens') ? signingKeyOf(ctx, e)?.places ?? [] : [];
  const isReported = (t: FactTag) => reported.some((r) => r.index === t.index || (r.where !== undefined && t.where === r.where));
  for (const name of LITERAL_TAGS) {
    const [found, ...also] = factTags(e, name).filter((t) => !isReported(t));
    if (found !== undefined) return { element: e, ...found, also };
  }
  return undefined;
}

/**
 * The first secret written as a literal among the holders, then the targets their secrets open (a database whose
 * own password is written in its manifest is the password every client keeps).
 */
function literalSecret(ctx: AnalysisContext, holders: readonly Element[], flows: readonly Flow[]): LiteralSecret | undefined {
  for (const e of holders) {
    const found = literalSecretOf(ctx, e);
    if (found) return found;
  }
  for (const f of flows) {
    const target = ctx.graph.elements.get(f.to);
    const found = target && literalSecretOf(ctx, target);
    if (found) return found;
  }
  return undefined;
}

/** Likelihood High for a literal in the repository (anyone who reads it has the secret), else Low. */
function secretsLikelihood(literal: LiteralSecret | undefined) {
  if (literal === undefined) return rated('Low', 'needs access to a repository, image, host or log where the secrets leak');
  const places = placesNamed([literal, ...literal.also], TEXT_NAMES);
  return rated('High', `a secret is written as a literal in the repository's files${places ? ` (${places})` : ''}: anyone who can read the repository, or a copy of it, has it`);
}

/** The literal's evidence, one per place it is written. */
const literalEvidence = (literal: LiteralSecret): EvidenceRef[] => [literal, ...literal.also].map((t) => evidence(
  `${literal.element.name} has a secret written as a literal${t.where ? ` in ${t.where}` : ''}`,
  [...literal.element.at, 'tags', t.index],
));

export const secretsInConfig: ModelRule = {
  id: 'secrets-in-config',
  stride: 'I',
  title: 'Service secrets kept in configuration or images',
  description:
    'Services authenticate to databases and APIs with static secrets (passwords, API keys) and nothing says where those live: secrets in config files, environment variables, images and repositories leak through source control, image registries, crash dumps and CI logs.',
  condition: 'processes running application code (not CI/CD, which `secrets-in-ci-cd` covers) with outbound flows authenticated by a static secret (api-key, password, basic, hmac, ssh-key: the flow\'s auth, else the endpoint it names, else its target\'s, so `auth: password` on a database counts for every service reaching it), without `secrets-management` and without a flow to or from a `secrets-vault`; one finding for all of them (the fix is a platform decision). An element tagged with a literal secret (`hard-coded-secret`, or a `token-signing-key` or `session-signing-key` that forgeable-tokens does not report) that this finding does not cover (neither a holder nor a target its secrets open, nor a process keeping static secrets for its calls) gets its own finding, unless it declares `secrets-management` or exchanges a flow with a `secrets-vault`',
  mitigation: 'Fetch secrets at runtime from a secrets manager with per-service identities, never bake them into images or repositories, rotate them, and scan repositories and images for leaks.',
  action: { text: 'Move service secrets into a secrets manager for {targets}' },
  mitigatedBy: ['secrets-management'],
  references: ['CWE-798', 'CWE-260', 'CWE-312', 'CAPEC-191', 'OWASP ASVS V14.1'],
  rating: 'Likelihood Low (needs access to a repository, image, host or log where they leak), High when a holder or the target its secret opens is tagged `hard-coded-secret` (a literal in the repository\'s files, as `threatmap discover` tags it with file:line: anyone who can read the repository has it), or `token-signing-key` or `session-signing-key` where forgeable-tokens does not report that key (a session key on a service taking only JWTs); impact from the confidentiality of the data the secrets unlock, High by default; for an element\'s own literal, what it opens (itself for a store or when callers authenticate to it with a static secret, the targets of its static-secret calls), Medium when the model does not say.',
  example: 'elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { tech: postgres }\nflows:\n  - visitor -> api: https\n  - api -> db: { protocol: sql+tls, auth: password }',
  appliesTo: 'model',
  check(ctx) {
    const holders: Element[] = [];
    const flows: Flow[] = [];
    const out: Outcome[] = [];
    const { secretFlows, vault } = secretsUse(ctx);
    const { elements } = ctx.graph.model;
    for (let i = 0; i < elements.length; i++) {
      const own = secretFlows[i];
      if (own === undefined) continue;
      const e = elements[i];
      if (!runsAppCode(e) || e.type === 'ci-cd') continue;
      const present = presentControls(ctx, SECRETS_MANAGEMENT, e);
      if (present.length || vault[i] === 1) {
        out.push(mitigatedOutcome(e.id, 'element', undefined, flowIds(own), present.length ? present : SECRETS_MANAGEMENT, 'secrets come from a secrets manager'));
      } else {
        holders.push(e);
        for (const f of own) flows.push(f);
      }
    }
    if (holders.length > 0) out.push(groupedSecretsThreat(ctx, holders, flows));
    // A literal no grouped finding covers is still in the repository: its holder's own finding, so the keys of the
    // grouped finding stay as they were.
    // Made only once an element has tags: most models have none.
    let covered: Set<string> | undefined;
    for (let i = 0; i < elements.length; i++) {
      const e = elements[i];
      if (e.tags.length === 0) continue;
      covered ??= new Set([...holders.map((h) => h.id), ...flows.map((f) => f.to)]);
      if (covered.has(e.id) || judgedAsHolder(e, secretFlows[i])) continue;
      const literal = literalSecretOf(ctx, e);
      if (literal) out.push(loneLiteralOutcome(ctx, literal, secretFlows[i] ?? [], vault[i] === 1));
    }
    return out;
  },
};

/**
 * The grouped finding: one for the whole system, since the fix (a secrets manager) is a platform decision, not
 * one per service.
 */
function groupedSecretsThreat(ctx: AnalysisContext, holders: readonly Element[], flows: readonly Flow[]): Outcome {
  const zones = [...new Set(holders.map((e) => e.boundary))];
  const zone = zones.length === 1 && zones[0] !== undefined ? ctx.graph.boundaries.get(zones[0]) : undefined;
  const where = holders.length === 1
    ? { ...elementComponent(holders[0]), flows: flows.map((f) => f.id) }
    : zone
      ? { component: zone.id, componentKind: 'boundary' as const, flows: flows.map((f) => f.id) }
      : { component: 'system', componentKind: 'system' as const, flows: flows.map((f) => f.id) };
  // What the secrets unlock: the targets' assets, each target once (many services share a database).
  const unlocked = new AssetSet();
  const targets = new Set<string>();
  for (const f of flows) {
    if (targets.has(f.to)) continue;
    targets.add(f.to);
    unlocked.addAll(ctx.assetsOf(f.to));
  }
  const names = holders.map((e) => e.name).sort();
  const opened = [...targets].map((id) => ctx.graph.elements.get(id)?.name ?? id).sort();
  const literal = literalSecret(ctx, holders, flows);
  return threat({
    ...where,
    title: `Secrets of ${namesAtMost(names, TITLE_NAMES, 'other services')} kept in configuration`,
    description: `${namesAtMost(names, TEXT_NAMES, 'other services')} ${agreeing(names, 'authenticates', 'authenticate')} with ${[...new Set(flows.map((f) => callAuthMethod(ctx.graph, f)))].sort().join(', ')} secrets and no secrets manager is declared; they end up in config files, environment variables or images.`,
    likelihood: secretsLikelihood(literal),
    impact: assetImpact(sensitive(unlocked.list), 'confidentiality', rated('High', `the secrets unlock ${namesAtMost(opened, TEXT_NAMES, 'other components')}`)),
    evidence: [
      ...(literal ? literalEvidence(literal) : []),
      ...flowEvidence(ctx, flows, (f) => `authenticates with ${callAuthMethod(ctx.graph, f)}`, (f) => callAuth(ctx, f).at),
      missingControlEvidence(['secrets-management'], holders[0]),
    ],
    target: zone && holders.length > 1 ? `${namesAtMost(names, TITLE_NAMES, 'other services')} (${zone.name})` : namesAtMost(names, TITLE_NAMES, 'other services'),
  });
}

/**
 * Whether the grouped finding's loop judged the element already: application code keeping static secrets (a
 * holder, or mitigated by its secrets manager), or a pipeline keeping them, which secrets-in-ci-cd judges.
 */
const judgedAsHolder = (e: Element, own: readonly Flow[] | undefined): boolean =>
  own !== undefined && runsAppCode(e);

/**
 * What a literal on an element opens, as far as the model says: a store's secret is its own password, a secret
 * callers present opens the element, and one it authenticates with opens the targets of those calls.
 */
function literalOpens(ctx: AnalysisContext, e: Element, own: readonly Flow[]): Element[] {
  const self = e.kind === 'store' || ctx.graph.inFlows(e.id).some((f) => f.from !== e.id && STATIC_SECRET_AUTH.has(callAuthMethod(ctx.graph, f)));
  const targets = own.map((f) => ctx.graph.elements.get(f.to)).filter((t): t is Element => t !== undefined);
  return [...new Set([...(self ? [e] : []), ...targets])];
}

/** Impact from the data the literal opens, High by default as for the grouped finding; Medium when the model does not say. */
function literalImpact(ctx: AnalysisContext, opened: readonly Element[]) {
  if (opened.length === 0) return rated('Medium', 'the model does not say what the secret opens: no flow authenticates with it');
  const unlocked = new AssetSet();
  for (const e of opened) unlocked.addAll(ctx.assetsOf(e.id));
  const names = opened.map((e) => e.name).sort();
  return assetImpact(sensitive(unlocked.list), 'confidentiality', rated('High', `the secret opens ${namesAtMost(names, TEXT_NAMES, 'other components')}`));
}

/**
 * A literal secret on an element that keeps no static secret for application calls (a database's own password, a
 * key no flow names): its own finding, mitigated where the element says its secrets come from a secrets manager.
 */
function loneLiteralOutcome(ctx: AnalysisContext, literal: LiteralSecret, own: readonly Flow[], vaulted: boolean): Outcome {
  const e = literal.element;
  const component = { ...elementComponent(e), flows: own.length ? flowIds(own) : undefined };
  const present = presentControls(ctx, SECRETS_MANAGEMENT, e);
  if (present.length || vaulted) return mitigatedBy(present.length ? present : SECRETS_MANAGEMENT, component, 'secrets come from a secrets manager');
  const opened = literalOpens(ctx, e, own);
  const place = writtenIn([literal, ...literal.also], TEXT_NAMES, " in the repository's files");
  const opens = opened.length
    ? `it opens ${namesAtMost(opened.map((o) => o.name).sort(), TEXT_NAMES, 'other components')}`
    : 'the model does not say what it opens';
  return threat({
    ...component,
    title: `Secret of ${e.name} written in the repository`,
    description: `${e.name} has a secret written as a literal${place} and no secrets manager is declared; ${opens}. Anyone who can read the repository, an image or a copy of the deployment has it.`,
    likelihood: secretsLikelihood(literal),
    impact: literalImpact(ctx, opened),
    evidence: [
      ...literalEvidence(literal),
      ...flowEvidence(ctx, own, (f) => `authenticates with ${callAuthMethod(ctx.graph, f)}`, (f) => callAuth(ctx, f).at),
      missingControlEvidence(SECRETS_MANAGEMENT, e),
    ],
    target: e.name,
  });
}
