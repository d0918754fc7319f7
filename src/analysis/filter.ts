// Focus a result on the highest risks (`--min-risk high`): the threats below the level and the
// recommendations that only fix those are dropped, and so are their ids in the STRIDE coverage and on the
// attack paths, whose risk is what the threats kept make it; everything else is kept as analysed. The
// summary still counts every threat the analysis found, so that a report can say how many it leaves out
// (`threats` lists those kept): a filtered result never cites a threat it does not list.
import { boundedPathRisk, orderPaths } from './paths.js';
import { riskRank } from './risk.js';
import { type AnalysisResult, type AttackPath, type AttackPathHop, type CoverageCell, type CoverageRow, type Risk, RISKS } from './types.js';

export function filterByRisk(result: AnalysisResult, minRisk: Risk): AnalysisResult {
  const min = riskRank(minRisk);
  const threats = result.threats.filter((t) => riskRank(t.risk) >= min);
  if (threats.length === result.threats.length) return result;
  const kept = new Set(threats.map((t) => t.id));
  const recommendations = result.recommendations
    .map((r) => ({ ...r, threats: r.threats.filter((id) => kept.has(id)) }))
    .filter((r) => r.threats.length > 0)
    .map((r, i) => ({ ...r, rank: i + 1 }));
  return {
    ...result, threats, recommendations, coverage: keptInCoverage(result.coverage, kept, minRisk),
    attackPaths: { ...result.attackPaths, paths: keptOnPaths(result, kept) },
  };
}

/**
 * The coverage with only the kept threats. A cell whose threats are all left out stays a threat cell (the
 * category does apply) with no ids, and its reason says how many were left out. Rows and cells (shared,
 * frozen) are copied only where a threat is left out.
 */
function keptInCoverage(coverage: readonly CoverageRow[], kept: ReadonlySet<string>, minRisk: Risk): CoverageRow[] {
  const cells = new Map<CoverageCell, CoverageCell>();
  const cellOf = (c: CoverageCell): CoverageCell => {
    if (c.status !== 'threat' || c.threats.every((id) => kept.has(id))) return c;
    let copy = cells.get(c);
    if (copy === undefined) {
      const threats = c.threats.filter((id) => kept.has(id));
      const left = c.threats.length - threats.length;
      const reason = `${threats.length ? `${c.reason}; ` : ''}${left} ${left === 1 ? 'threat' : 'threats'} below ${minRisk} risk left out`;
      copy = { ...c, threats, reason };
      cells.set(c, copy);
    }
    return copy;
  };
  return coverage.map((row) => {
    let changed = false;
    const next = row.cells.map((c) => {
      const d = cellOf(c);
      if (d !== c) changed = true;
      return d;
    });
    return changed ? { ...row, cells: next } : row;
  });
}

/** The paths with only the kept threats, each risk the highest of those left, in report order again. */
function keptOnPaths(result: AnalysisResult, kept: ReadonlySet<string>): AttackPath[] {
  const risks = new Map(result.threats.map((t) => [t.id, t.risk]));
  const assets = new Map(result.assets.map((a) => [a.id, a]));
  // Paths share hops: each is copied once.
  const hops = new Map<AttackPathHop, AttackPathHop>();
  const hopOf = (hop: AttackPathHop): AttackPathHop => {
    let copy = hops.get(hop);
    if (copy === undefined) {
      copy = { ...hop, threats: hop.threats.filter((id) => kept.has(id)) };
      hops.set(hop, copy);
    }
    return copy;
  };
  const paths = result.attackPaths.paths.map((p) => {
    const onPath = p.threats.filter((id) => kept.has(id));
    const entryThreats = p.entryThreats.filter((id) => kept.has(id));
    const path: AttackPath = { ...p, entryThreats, hops: p.hops.map(hopOf), threats: onPath };
    let highest = -1;
    for (const id of onPath) highest = Math.max(highest, riskRank(risks.get(id)!));
    // Bounded by what reaching the asset costs, as the analysis rates it (see pathRiskCap).
    const asset = assets.get(p.asset);
    const risk = asset === undefined ? (highest >= 0 ? RISKS[highest] : undefined) : boundedPathRisk(highest, asset);
    if (risk !== undefined) path.risk = risk;
    else delete path.risk;
    return path;
  });
  return orderPaths(paths, result.assets);
}
