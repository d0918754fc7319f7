// The JSON output is the analysis result itself; key order is fixed by construction, so it is byte-stable.
import type { AnalysisResult } from '../analysis/types.js';
import { jsonObjectChunks } from './chunks.js';

export const renderJson = (result: AnalysisResult): string => `${JSON.stringify(result, null, 2)}\n`;

/** renderJson's text in pieces, for results larger than one string may hold (a 100,000-element model). */
export const renderJsonChunks = (result: AnalysisResult): Iterable<string> =>
  jsonObjectChunks(result as unknown as Record<string, unknown>);
