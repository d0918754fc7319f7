// Risk exactly as the method's Step 4: likelihood x impact through a 3x3 matrix.
import type { Level } from '../model/catalog.js';
import type { Asset } from '../model/types.js';
import type { AnalysisContext } from './context.js';
import { type RatedLevel, type Rating, RATINGS, type Risk, RISKS } from './types.js';

const MATRIX: Record<Rating, Record<Rating, Risk>> = {
  High: { High: 'Critical', Medium: 'High', Low: 'Medium' },
  Medium: { High: 'High', Medium: 'Medium', Low: 'Low' },
  Low: { High: 'Medium', Medium: 'Low', Low: 'Low' },
};

const rankIn = <T extends string>(list: readonly T[]) => Object.fromEntries(list.map((x, i) => [x, i])) as Record<T, number>;
// Tables rather than indexOf: the engine ranks ratings whenever two outcomes merge, and the analysis ranks
// every threat, so one property load beats a search of the list.
const RISK_RANK = rankIn(RISKS);
const RATING_RANK = rankIn(RATINGS);

export const riskOf = (likelihood: Rating, impact: Rating): Risk => MATRIX[likelihood][impact];
export const riskRank = (risk: Risk): number => RISK_RANK[risk];
export const ratingRank = (r: Rating): number => RATING_RANK[r];

/** What each rating means, in the method's words; reasons in reports start from these. */
export const LIKELIHOOD_MEANING: Record<Rating, string> = {
  High: 'exploitable with public tools',
  Medium: 'requires some skill or access',
  Low: 'requires insider access or luck',
};
export const IMPACT_MEANING: Record<Rating, string> = {
  High: 'data breach or full compromise',
  Medium: 'partial data exposure or downtime',
  Low: 'minor data exposure or degradation',
};

/**
 * What losing one security property of an asset means, by rating: a disclosure exposes data, tampering forges
 * or alters it, an outage stops it. IMPACT_MEANING is the method's wording for an impact stated without a
 * property.
 */
export const PROPERTY_IMPACT_MEANING: Record<AssetProperty, Record<Rating, string>> = {
  confidentiality: { High: 'data breach', Medium: 'partial data exposure', Low: 'minor data exposure' },
  integrity: { High: 'tampering or fraud with serious consequences', Medium: 'tampering with limited consequences', Low: 'minor tampering' },
  availability: { High: 'prolonged downtime or lasting loss', Medium: 'downtime', Low: 'degradation' },
};

export const rated = (level: Rating, reason: string): RatedLevel => ({ level, reason });

const LEVEL_TO_RATING: Record<Level, Rating> = { low: 'Low', medium: 'Medium', high: 'High' };

export type AssetProperty = 'confidentiality' | 'integrity' | 'availability';

const LEVEL_RANK: Record<Level, number> = { low: 0, medium: 1, high: 2 };

/** A flow list repeats the assets it carries once per flow: each name once, and a long list cut to its first few. */
const MAX_NAMED_ASSETS = 5;
function namedAtMost(names: string[]): string {
  const distinct = [...new Set(names)].sort();
  if (distinct.length <= MAX_NAMED_ASSETS) return distinct.join(', ');
  return `${distinct.slice(0, MAX_NAMED_ASSETS).join(', ')} and ${distinct.length - MAX_NAMED_ASSETS} other assets`;
}

/** An asset's level for a property as impact reads it: an assumed one's at most medium. */
export const levelOf = (a: Asset, property: AssetProperty): Level => (a.assumed && a[property] === 'high' ? 'medium' : a[property]);

/** Impact from the most valuable asset at stake for one security property, with the asset named. */
export function assetImpact(assets: readonly Asset[], property: AssetProperty, fallback: RatedLevel): RatedLevel {
  // Rules call this for most threats: one pass for the top level, and a list to sort only on a tie.
  let level: Level | undefined;
  let ties = 0;
  let first: Asset | undefined;
  for (const a of assets) {
    const l = levelOf(a, property);
    if (level === undefined || LEVEL_RANK[l] > LEVEL_RANK[level]) {
      level = l;
      ties = 1;
      first = a;
    } else if (l === level) ties++;
  }
  if (level === undefined) return fallback;
  if (ties === 1) return singleAssetImpact(first!, property);
  const named = assets.filter((a) => levelOf(a, property) === level);
  const names = namedAtMost(named.map((a) => a.name));
  const rating = LEVEL_TO_RATING[level];
  const is = named.some((a) => a[property] !== level) ? `${level}, some not classified yet (rated ${level} until they are)` : level;
  return rated(rating, `${property} of ${names} is ${is}: ${PROPERTY_IMPACT_MEANING[property][rating]}`);
}

const PROPERTY_INDEX: Record<AssetProperty, number> = { confidentiality: 0, integrity: 1, availability: 2 };
interface AssetImpact {
  name: string;
  level: Level;
  /** What the model says, and whether it is assumed: the reason names both. */
  written: Level;
  assumed: boolean | undefined;
  impact: RatedLevel;
}
/**
 * The impact of one asset, by property: one shared, frozen rating however many threats put that asset at
 * stake (thousands in a large model), where each used to build its own reason string. Weak, so that a
 * finished analysis keeps nothing of its model alive.
 */
const byAsset = new WeakMap<Asset, Array<AssetImpact | undefined>>();
function singleAssetImpact(asset: Asset, property: AssetProperty): RatedLevel {
  let byProperty = byAsset.get(asset);
  if (byProperty === undefined) {
    byProperty = new Array<AssetImpact | undefined>(3);
    byAsset.set(asset, byProperty);
  }
  const { name } = asset;
  const level = levelOf(asset, property);
  const known = byProperty[PROPERTY_INDEX[property]];
  // Checked, not assumed: a caller may edit a model object between two analyses.
  if (known !== undefined && known.name === name && known.level === level && known.written === asset[property] && known.assumed === asset.assumed) return known.impact;
  const rating = LEVEL_TO_RATING[level];
  const is = level === asset[property] ? `is ${level}` : `is not classified yet (taken as ${asset[property]}, rated ${level} until it is)`;
  const impact = Object.freeze(rated(rating, `${property} of ${name} ${is}: ${PROPERTY_IMPACT_MEANING[property][rating]}`));
  byProperty[PROPERTY_INDEX[property]] = { name, level, written: asset[property], assumed: asset.assumed, impact };
  return impact;
}

const EXPOSED_UNAUTHENTICATED = Object.freeze(rated('High', 'reachable from the internet without authentication: exploitable with public tools'));
const EXPOSED_AUTHENTICATED = Object.freeze(rated('Medium', 'reachable from the internet, but only with valid credentials'));
const INDIRECT = Object.freeze(rated('Medium', 'reachable only through other components: requires some skill or a foothold'));
const INTERNAL = Object.freeze(rated('Low', 'not reachable from an untrusted zone: requires insider access'));

/**
 * Likelihood from exposure: straight from the internet without authentication, public tools suffice;
 * behind authentication or one hop inside, it takes some access; deep inside, an insider.
 */
export function exposureLikelihood(ctx: AnalysisContext, elementId: string, authenticated: boolean): RatedLevel {
  const exposure = ctx.exposure(elementId);
  if (exposure === 'internet') return authenticated ? EXPOSED_AUTHENTICATED : EXPOSED_UNAUTHENTICATED;
  return exposure === 'indirect' ? INDIRECT : INTERNAL;
}
