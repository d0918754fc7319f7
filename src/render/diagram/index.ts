// Data flow diagrams from an AnalysisResult: ASCII/Unicode, Mermaid, Graphviz DOT, SVG and PNG.
// Everything here runs in a browser too, except renderPng (native resvg and font files), which is
// loaded on first use so that importing this module never pulls Node-only code.

export { buildDiagram, DiagramError, OUTSIDE_ID } from './model.js';
export type { Detail, DiagramEdge, DiagramGroup, DiagramModel, DiagramNode, DiagramOptions, Direction } from './model.js';
export { layoutAscii, renderAscii, MAX_EDGES, MAX_NODES } from './ascii.js';
export type { AsciiBox, AsciiDiagram, AsciiEdge, AsciiOptions } from './ascii.js';
