// Focus a result on the highest risks (`--min-risk high`): the threats below the level and the
// recommendations that only fix those are dropped; everything else is kept as analysed.
import { riskRank } from './risk.js';
import type { AnalysisResult, Risk } from './types.js';

export function filterByRisk(result: AnalysisResult, minRisk: Risk): AnalysisResult {
  const min = riskRank(minRisk);
  const threats = result.threats.filter((t) => riskRank(t.risk) >= min);
  const kept = new Set(threats.map((t) => t.id));
  const recommendations = result.recommendations
    .map((r) => ({ ...r, threats: r.threats.filter((id) => kept.has(id)) }))
    .filter((r) => r.threats.length > 0)
    .map((r, i) => ({ ...r, rank: i + 1 }));
  return { ...result, threats, recommendations };
}
