// How a report lists the threats of one punch-list action. In a large model one action covers hundreds of
// threats, mostly neighbours in report order: `T693 to T1123, T1130; 432 threats` says the same as 432 ids.

/** Up to this many ids are listed one by one. */
export const LISTED_THREATS = 10;

/** Consecutive report ids (`first` to `last`, three or more), or one id alone (no `last`). */
export interface IdRun {
  first: string;
  last?: string;
}

/** The ids as runs, or undefined when there are few enough to list one by one. */
export function threatIdRuns(ids: readonly string[]): IdRun[] | undefined {
  if (ids.length <= LISTED_THREATS) return undefined;
  const runs: IdRun[] = [];
  let i = 0;
  while (i < ids.length) {
    const first = threatNumber(ids[i]);
    let j = i;
    while (first >= 0 && j + 1 < ids.length && threatNumber(ids[j + 1]) === first + (j + 1 - i)) j++;
    if (j - i >= 2) runs.push({ first: ids[i], last: ids[j] });
    else for (let k = i; k <= j; k++) runs.push({ first: ids[k] });
    i = j + 1;
  }
  return runs;
}

/** The number of a report id `T<n>`, -1 for any other id. */
const threatNumber = (id: string): number => (/^T\d+$/.test(id) ? Number(id.slice(1)) : -1);
