// Literal signing keys: which element signs tokens with a key written in the repository's files, what the key
// forges and which elements those tokens open. forgeable-tokens (authentication.ts) reports them, secrets-in-config
// (data-at-rest.ts) leaves them to it, and the importers write the tags: a module of its own, so that neither rule
// file imports the other.
import type { Element, Flow } from '../../model/types.js';
import type { AnalysisContext } from '../context.js';
import { servedEndpoints } from './authorization.js';
import { type FactTag, factTags, runsAppCode } from './helpers.js';

/**
 * The tag that says the key an element signs its tokens with is a literal in the repository's files
 * (`token-signing-key:docker-compose.yml:31`): forgeable-tokens reads it. It is not one of the secrets the
 * element keeps to call others, which secrets-in-config is about.
 */
export const TOKEN_SIGNING_KEY_TAG = 'token-signing-key';

/**
 * The tag that says the key a web framework signs its own session cookies with is a literal in the repository's
 * files (`session-signing-key:settings.py:12`, Django's `SECRET_KEY`, Rails' `SECRET_KEY_BASE`): it forges
 * sessions on its holder only, never the JWTs other services accept.
 */
export const SESSION_SIGNING_KEY_TAG = 'session-signing-key';

/**
 * What a literal signing key forges: bearer JWTs, which every service trusting the issuer accepts, and signed
 * session cookies (Flask's, Rails'), which only the application signing them reads.
 */
const FORGED_WITH_KEY = ['jwt', 'session-cookie'] as const;
export type ForgedToken = (typeof FORGED_WITH_KEY)[number];

/** Whether callers authenticate to the element with `auth`: its own, an endpoint's, or an inbound flow's. */
function acceptsAuth(ctx: AnalysisContext, e: Element, inFlows: readonly Flow[], auth: string): boolean {
  if (e.auth === auth || inFlows.some((f) => f.from !== e.id && f.auth === auth)) return true;
  // Routes declared on a proxy in front of an application are the application's to check.
  const served = runsAppCode(e) ? servedEndpoints(ctx, e)?.endpoints : undefined;
  return served ? served.some((s) => s.ep.auth === auth) : e.endpoints.some((ep) => ep.auth === auth);
}

/**
 * An element that signs tokens with a literal key (TOKEN_SIGNING_KEY_TAG for JWTs, SESSION_SIGNING_KEY_TAG for a
 * framework's own session cookies), the kinds of token the key forges, and the elements those tokens open.
 */
export interface SigningKey {
  holder: Element;
  tag: FactTag;
  /** Every place the key is written, `tag` first: files read together may each write it. */
  places: FactTag[];
  kinds: ForgedToken[];
  /** A framework's session key: it forges the holder's own sessions, nothing another service reads. */
  session: boolean;
  /** The holder first when it takes the tokens itself (a sign-in service only issues them). */
  opened: Element[];
}

type KeyCandidate = Omit<SigningKey, 'opened'> & { takesOwn: boolean };

/** Application code (or a gateway) taking JWTs from its callers: what checks them, and so what a minted one opens. */
const takesJwt = (ctx: AnalysisContext, e: Element): boolean =>
  e.kind === 'process' && (runsAppCode(e) || e.type === 'gateway') && acceptsAuth(ctx, e, ctx.graph.inFlows(e.id), 'jwt');

/** The elements taking JWTs, in model order; found once per analysis. */
function jwtTakers(ctx: AnalysisContext): readonly Element[] {
  let takers = ctx.memo.get('jwt-takers') as readonly Element[] | undefined;
  if (takers === undefined) {
    takers = ctx.graph.model.elements.filter((e) => takesJwt(ctx, e));
    ctx.memo.set('jwt-takers', takers);
  }
  return takers;
}

/**
 * The element's literal keys that forge something, the JWT key first. A JWT key whose holder takes no JWTs, in a
 * model where others do, is the issuer's (a sign-in service): the tokens it mints are what those others accept.
 * A session key forges only sessions its holder takes.
 */
function keyCandidates(ctx: AnalysisContext, e: Element): KeyCandidate[] {
  if (e.kind !== 'process') return [];
  const inFlows = ctx.graph.inFlows(e.id);
  const out: KeyCandidate[] = [];
  const jwtPlaces = factTags(e, TOKEN_SIGNING_KEY_TAG);
  const [jwtTag] = jwtPlaces;
  if (jwtTag) {
    const kinds = FORGED_WITH_KEY.filter((k) => acceptsAuth(ctx, e, inFlows, k));
    const takesOwn = kinds.length > 0;
    if (!takesOwn && jwtTakers(ctx).length > 0) kinds.push('jwt');
    if (kinds.length) out.push({ holder: e, tag: jwtTag, places: jwtPlaces, kinds, session: false, takesOwn });
  }
  const sessionPlaces = factTags(e, SESSION_SIGNING_KEY_TAG);
  const [sessionTag] = sessionPlaces;
  if (sessionTag && acceptsAuth(ctx, e, inFlows, 'session-cookie')) {
    out.push({ holder: e, tag: sessionTag, places: sessionPlaces, kinds: ['session-cookie'], session: true, takesOwn: true });
  }
  return out;
}

/**
 * Every literal signing key of the model that opens something, by holder (one per holder: its JWT key before its
 * session key); found once per analysis. A JWT key opens its holder and, where it is the model's only JWT key,
 * every other element taking JWTs; with several, the model does not say which issuer a service trusts: each opens
 * its holder, and an issuer that takes none opens the JWT takers holding no key of their own.
 */
export function signingKeys(ctx: AnalysisContext): ReadonlyMap<string, SigningKey> {
  const known = ctx.memo.get('signing-keys') as ReadonlyMap<string, SigningKey> | undefined;
  if (known) return known;
  const candidates = ctx.graph.model.elements.flatMap((e) => (e.tags.length ? keyCandidates(ctx, e) : []));
  const jwtHolders = new Set(candidates.filter((k) => k.kinds.includes('jwt')).map((k) => k.holder.id));
  // Found once, not per key: the model may hold thousands of keys and takers.
  const keyless = jwtHolders.size > 1 ? jwtTakers(ctx).filter((e) => !jwtHolders.has(e.id)) : [];
  const keys = new Map<string, SigningKey>();
  for (const { takesOwn, ...k } of candidates) {
    if (keys.has(k.holder.id)) continue;
    const others = !k.kinds.includes('jwt')
      ? []
      : jwtHolders.size === 1 ? jwtTakers(ctx).filter((e) => e !== k.holder) : takesOwn ? [] : keyless;
    const opened = [...(takesOwn ? [k.holder] : []), ...others];
    if (opened.length) keys.set(k.holder.id, { ...k, opened });
  }
  ctx.memo.set('signing-keys', keys);
  return keys;
}

/** The literal key forgeable-tokens reports on the element, if any (secrets-in-config leaves that one to it). */
export const signingKeyOf = (ctx: AnalysisContext, e: Element): SigningKey | undefined => signingKeys(ctx).get(e.id);
