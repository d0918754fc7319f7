// Data flow diagrams from an AnalysisResult: ASCII/Unicode, Mermaid, Graphviz DOT, SVG and PNG.
// Everything here runs in a browser too, except renderPng (native resvg and font files), which is
// loaded on first use so that importing this module never pulls Node-only code.
import type { AnalysisResult } from '../../analysis/types.js';
import type { PngOptions } from './png.js';

export { buildDiagram, DiagramError, OUTSIDE_ID } from './model.js';
export type { Detail, DiagramEdge, DiagramGroup, DiagramModel, DiagramNode, DiagramOptions, Direction } from './model.js';
export { layoutAscii, renderAscii, MAX_EDGES, MAX_NODES } from './ascii.js';
export type { AsciiBox, AsciiDiagram, AsciiEdge, AsciiOptions } from './ascii.js';
export { renderMermaid, mermaidFromModel } from './mermaid.js';
export { renderDot, dotFromModel } from './dot.js';
export { renderSvg, svgFromDot } from './svg.js';
export { mermaidText, dotText } from './escape.js';
export { RISK_COLORS } from './style.js';
export type { PngOptions } from './png.js';

/** PNG bytes of the diagram (Node only: native resvg and the Liberation fonts installed on the system). */
export async function renderPng(result: AnalysisResult, options: PngOptions = {}): Promise<Uint8Array> {
  const png = await import('./png.js');
  return png.renderPng(result, options);
}
