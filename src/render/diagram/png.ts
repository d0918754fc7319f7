// PNG from the SVG with resvg, using only the Liberation fonts installed by Debian's fonts-liberation
// (metric-compatible with Helvetica, which Graphviz measured the labels with), never the machine's own
// fonts: the same bytes on every machine. Node only (native resvg, font files read from disk).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import type { AnalysisResult } from '../../analysis/types.js';
import type { DiagramOptions } from './model.js';
import { renderSvg } from './svg.js';

export const FONT_DIR = '/usr/share/fonts/truetype/liberation';
const FONT_FILES = ['LiberationSans-Regular.ttf', 'LiberationSans-Bold.ttf', 'LiberationSans-Italic.ttf'];

export interface PngOptions extends DiagramOptions {
  /** Pixels per SVG point (default 2, sharp on high-density screens and in documents). */
  scale?: number;
  /** Where the Liberation Sans .ttf files are (default Debian's fonts-liberation). */
  fontDir?: string;
}

export async function renderPng(result: AnalysisResult, options: PngOptions = {}): Promise<Uint8Array> {
  return pngFromSvg(await renderSvg(result, options), options);
}

export function pngFromSvg(svg: string, options: Pick<PngOptions, 'scale' | 'fontDir'> = {}): Uint8Array {
  const dir = options.fontDir ?? FONT_DIR;
  const fontFiles = FONT_FILES.map((f) => join(dir, f));
  if (!existsSync(fontFiles[0]!)) {
    throw new Error(`PNG needs the Liberation Sans font: ${fontFiles[0]} is missing (Debian: apt-get install fonts-liberation)`);
  }
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: {
      loadSystemFonts: false,
      fontFiles: fontFiles.filter((f) => existsSync(f)),
      defaultFontFamily: 'Liberation Sans',
      sansSerifFamily: 'Liberation Sans',
      serifFamily: 'Liberation Sans',
      monospaceFamily: 'Liberation Sans',
    },
  });
  return new Uint8Array(resvg.render().asPng());
}
