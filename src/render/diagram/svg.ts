// SVG from the DOT source with Graphviz compiled to WebAssembly: in-process, no system `dot`, and the
// WebAssembly is embedded in the package, so nothing is downloaded at run time. Runs in a browser too.
// Graphviz is imported on first use rather than with this module: the bundled CLI is CommonJS (see
// scripts/bundle.mjs), where only a dynamic import() can load this ES-only package on every Node 20.
import type { Graphviz } from '@hpcc-js/wasm-graphviz';
import type { AnalysisResult } from '../../analysis/types.js';
import { renderDot } from './dot.js';
import type { DiagramOptions } from './model.js';

let graphviz: Promise<Graphviz> | undefined;

export async function renderSvg(result: AnalysisResult, options: DiagramOptions = {}): Promise<string> {
  return svgFromDot(renderDot(result, options));
}

export async function svgFromDot(dot: string): Promise<string> {
  graphviz ??= import('@hpcc-js/wasm-graphviz').then((m) => m.Graphviz.load());
  const svg = (await graphviz).dot(dot, 'svg');
  // Graphviz writes its version and the graph's name into comments; leave them out for byte-stable files.
  return svg.replace(/<!--[\s\S]*?-->\n?/g, '');
}
