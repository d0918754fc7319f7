// `threatmap diagram`: the data flow diagram alone, in any of the supported formats.
import type { AnalysisResult } from '../analysis/types.js';
import { emit, shownName, UserError, writeStderr } from './io.js';
import { loadOrExit } from './load.js';

interface DiagramCliOptions {
  format: 'ascii' | 'unicode' | 'mermaid' | 'dot' | 'svg' | 'png';
  output?: string;
  width?: number;
  direction?: 'LR' | 'TD';
  focus?: string;
  hide?: Array<'store' | 'external'>;
  detail: 'auto' | 'elements' | 'boundaries';
  risk?: boolean;
  data?: boolean;
}

type Renderers = typeof import('../render/diagram/index.js');
type Common = Parameters<Renderers['renderMermaid']>[1];
type AsciiCommon = NonNullable<Parameters<Renderers['layoutAscii']>[1]>;

/**
 * Whether auto detail with a direction given should keep the elements: they do not fit the width that way, but
 * do turned (top to bottom for LR), as `--detail elements` draws them with a note. Without a direction the
 * renderer tries both itself; an element view that fits neither way (only wider) is left to the overview.
 */
function turnedFits(diagram: Renderers, result: AnalysisResult, opts: DiagramCliOptions, ascii: AsciiCommon): boolean {
  if (opts.detail !== 'auto' || opts.direction === undefined) return false;
  const other = opts.direction === 'LR' ? 'TD' : 'LR';
  return !diagram.layoutAscii(result, { ...ascii, direction: other, note: false }).overview;
}

/** The diagram in the format asked for. A PNG is binary: it goes to a file, or to a pipe, never to a terminal. */
async function drawn(diagram: Renderers, result: AnalysisResult, opts: DiagramCliOptions, common: Common): Promise<string | Uint8Array> {
  switch (opts.format) {
    case 'ascii':
    case 'unicode': {
      // Elements asked for by name are drawn short of the readable size, whatever the width.
      const ascii = { ...common, width: opts.width ?? 100, unicode: opts.format === 'unicode' };
      return diagram.renderAscii(result, { ...ascii, keepElements: opts.detail === 'elements' || turnedFits(diagram, result, opts, ascii) });
    }
    case 'mermaid':
      return diagram.renderMermaid(result, common);
    case 'dot':
      return diagram.renderDot(result, common);
    case 'svg':
      return diagram.renderSvg(result, common);
    case 'png':
      if (!opts.output && process.stdout.isTTY) throw new UserError('a PNG is binary: add --output FILE (or pipe it: -o - | ...)');
      return diagram.renderPng(result, common);
  }
}

export async function diagramAction(file: string, opts: DiagramCliOptions & { quiet?: boolean }): Promise<void> {
  const { result } = loadOrExit(file, { quiet: opts.quiet });
  const diagram = await import('../render/diagram/index.js');
  const common = {
    direction: opts.direction, focus: opts.focus, hide: opts.hide, detail: opts.detail === 'auto' ? 'elements' as const : opts.detail,
    colorByRisk: opts.risk ?? false, showData: opts.data ?? false,
  };
  try {
    // Past its readable size a laid-out diagram is a wall of boxes that Graphviz takes minutes to place:
    // auto draws the boundary overview instead, as the ASCII renderer does by itself.
    if (opts.detail === 'auto' && opts.format !== 'ascii' && opts.format !== 'unicode') {
      const elements = result.elements.length <= diagram.MAX_NODES ? diagram.buildDiagram(result, common) : undefined;
      if (!elements || elements.nodes.length > diagram.MAX_NODES || elements.edges.length > diagram.MAX_EDGES) {
        common.detail = 'boundaries';
        if (!opts.quiet) {
          writeStderr(`note: ${result.elements.length} elements and ${result.flows.length} flows are too many for a readable diagram: ` +
            'drawing one box per trust boundary (--detail elements draws every element, --focus ID one part)\n');
        }
      }
    }
    await emit(opts.output, await drawn(diagram, result, opts, common));
  } catch (err) {
    if (err instanceof diagram.DiagramError) throw new UserError(`${shownName(file)}: ${err.message}`);
    throw err;
  }
}
