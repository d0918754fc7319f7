// What the Markdown and HTML reports both say about attack paths, and about where the assets they reach
// are, said once: the HTML report does not load the Markdown renderer, nor the Markdown one the HTML renderer.
import type { AnalysisResult } from '../analysis/types.js';
import type { Asset } from '../model/types.js';

/** Past this many attack paths a report lists the first ones and points to the JSON output for the rest. */
export const LISTED_PATHS = 50;

/** An asset's classification as the asset tables give it: one nobody made says so, and that its impact is capped (see `levelOf`). */
export const classificationText = (a: Pick<Asset, 'classification' | 'assumed'>): string =>
  (a.assumed ? `${a.classification} (assumed: not classified yet, impact Medium at most)` : a.classification);

export const PATHS_INTRO = 'For each data asset, the easiest way in: from an entry point (an element in an untrusted zone, or marked exposed), ' +
  'along the flows in their direction, to an element that stores the asset (or, if none does, handles it, or else receives it over a flow), ' +
  'with the fewest hops that demand a credential, then the fewest hops, starting where an attacker most readily stands ' +
  '(a person or their browser or app before another system, a partner\'s service last). Each hop gives its protocol, what it lacks or demands ' +
  'and the trust boundary it crosses, then the threats on the way that lead on (spoofing, elevation, disclosure, tampering) or are about the asset, not a denial of service beside it. ' +
  'A path\'s risk is its highest threat\'s, bounded by what the asset is worth (a public asset\'s path is Low unless its integrity is high). ' +
  'The riskiest paths come first, then the most valuable assets.';

/** How a path's last element holds its asset, in words. */
export const HELD = { stored: 'stored there', handled: 'handled there', received: 'received there' } as const;

export const NO_ENTRY_POINT = 'The model has no entry point: no element is in an untrusted zone or marked exposed.';

/** Why a report has no paths to list when the model declares no data to reach; undefined when it does. */
export function noDataAssets(r: AnalysisResult): string | undefined {
  if (r.assets.length === 0) return 'No assets declared: there is nothing for a path to reach.';
  if (r.assets.every((a) => a.kind === 'resource')) {
    return 'Only resource assets are declared: paths lead to data, and a resource is lost where an element stops (see the denial-of-service threats).';
  }
  return undefined;
}

/** Past this many places an asset's Where lists the first ones and counts the rest; likewise the endpoints or targets of one place. */
export const LISTED_PLACES = 3;
const LISTED_NAMES = 3;

/** How one element holds one asset, as the assets table says it. */
interface Place {
  /** The element's position in the model, to keep model order within a tier. */
  at: number;
  stored: boolean;
  handled: boolean;
  accepted: string[];
  returned: string[];
  sentTo: string[];
}

/** Most telling first: stored, then handled (or taken or given at an endpoint), then only sent on. */
const tierOf = (p: Place): number => (p.stored ? 0 : p.handled || p.accepted.length || p.returned.length ? 1 : 2);

/** The first few names, then how many more. */
function firstFew(names: readonly string[], max: number): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

function describePlace(name: string, p: Place): string {
  const how: string[] = [];
  if (p.stored) how.push('stored');
  if (p.accepted.length) how.push(`accepted by ${firstFew(p.accepted, LISTED_NAMES)}`);
  if (p.returned.length) how.push(`returned by ${firstFew(p.returned, LISTED_NAMES)}`);
  if (p.sentTo.length) how.push(`sent to ${firstFew(p.sentTo, LISTED_NAMES)}`);
  return how.length ? `${name} (${how.join('; ')})` : name;
}

/**
 * Where each data asset is, in plain text by asset id, as the Markdown and HTML assets tables say it: every
 * element that stores it, handles it, accepts or returns it at an endpoint, or sends it over a flow, with
 * how, e.g. "API servers (accepted by POST /checkout; sent to Payment gateway)". The attack paths end at
 * such places (an asset only carried ends where a flow brings it, which its sender names), so the table
 * and the paths agree. Most telling places first (see tierOf), in model order within each; a long list is
 * cut to LISTED_PLACES. An asset nothing mentions has no entry. One pass over the elements, their endpoints
 * and the flows' data.
 */
export function assetWhere(r: AnalysisResult): Map<string, string> {
  const byAsset = new Map<string, Map<string, Place>>();
  for (const a of r.assets) byAsset.set(a.id, new Map());
  const names = new Map<string, string>();
  const positions = new Map<string, number>();
  const placeOf = (asset: string, element: string): Place | undefined => {
    const places = byAsset.get(asset);
    const at = positions.get(element);
    if (places === undefined || at === undefined) return undefined;
    let p = places.get(element);
    if (p === undefined) {
      p = { at, stored: false, handled: false, accepted: [], returned: [], sentTo: [] };
      places.set(element, p);
    }
    return p;
  };
  elementPlaces(r, names, positions, placeOf);
  senderPlaces(r, names, placeOf);
  return whereText(byAsset, names);
}

/** The place of an asset at an element, made when first asked; undefined when either is unknown. */
type PlaceOf = (asset: string, element: string) => Place | undefined;

const addOnce = (list: string[], name: string): void => {
  if (!list.includes(name)) list.push(name);
};

/**
 * What the elements store and handle and their endpoints take and give. Each pass of assetWhere is a function
 * of its own: in one function, each loop's optimised code met code after it that had never run, and was thrown away there.
 */
function elementPlaces(r: AnalysisResult, names: Map<string, string>, positions: Map<string, number>, placeOf: PlaceOf): void {
  for (let i = 0; i < r.elements.length; i++) {
    const e = r.elements[i];
    names.set(e.id, e.name);
    positions.set(e.id, i);
    for (const a of e.stores) {
      const p = placeOf(a, e.id);
      if (p) p.stored = true;
    }
    for (const a of e.handles) {
      const p = placeOf(a, e.id);
      if (p) p.handled = true;
    }
    for (const ep of e.endpoints) {
      for (const a of ep.accepts) addOnce(placeOf(a, e.id)?.accepted ?? [], ep.key);
      for (const a of ep.returns) addOnce(placeOf(a, e.id)?.returned ?? [], ep.key);
    }
  }
}

/** What the flows' sources send, to which targets. */
function senderPlaces(r: AnalysisResult, names: ReadonlyMap<string, string>, placeOf: PlaceOf): void {
  for (const f of r.flows) {
    const target = names.get(f.to);
    if (target === undefined) continue;
    for (const a of f.data) addOnce(placeOf(a, f.from)?.sentTo ?? [], target);
  }
}

/** Each asset's places as the table says them. */
function whereText(byAsset: ReadonlyMap<string, Map<string, Place>>, names: ReadonlyMap<string, string>): Map<string, string> {
  const where = new Map<string, string>();
  for (const [asset, places] of byAsset) {
    if (places.size === 0) continue;
    const ordered = [...places].sort(([, x], [, y]) => tierOf(x) - tierOf(y) || x.at - y.at);
    const shown = ordered.slice(0, LISTED_PLACES).map(([id, p]) => describePlace(names.get(id) ?? id, p));
    where.set(asset, ordered.length > LISTED_PLACES ? `${shown.join(', ')} and ${ordered.length - LISTED_PLACES} more` : shown.join(', '));
  }
  return where;
}
