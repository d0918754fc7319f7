// The JSON output is the analysis result itself; key order is fixed by construction, so it is byte-stable.
import type { AnalysisResult } from '../analysis/types.js';

export const renderJson = (result: AnalysisResult): string => `${JSON.stringify(result, null, 2)}\n`;
