// What the Markdown and HTML reports both say about attack paths, said once: the HTML report does not load
// the Markdown renderer, nor the Markdown one the HTML renderer.
import type { AnalysisResult } from '../analysis/types.js';

/** Past this many attack paths a report lists the first ones and points to the JSON output for the rest. */
export const LISTED_PATHS = 50;

export const PATHS_INTRO = 'For each data asset, the easiest way in: from an entry point (an element in an untrusted zone, or marked exposed), ' +
  'along the flows in their direction, to an element that stores the asset (or, if none does, handles it, or else receives it over a flow), ' +
  'with the fewest hops that demand a credential, then the fewest hops, starting where an attacker most readily stands ' +
  '(a person or their browser or app before another system, a partner\'s service last). Each hop gives its protocol, what it lacks or demands ' +
  'and the trust boundary it crosses, then the threats on what it reaches. The riskiest paths come first, then the most valuable assets.';

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
