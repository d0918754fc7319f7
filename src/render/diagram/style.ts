// Colours shared by the graphical formats, so a risk looks the same in Mermaid, DOT, SVG and PNG.
import { RISKS, type Risk } from '../../analysis/types.js';

/** Most severe first, the order a legend lists them. */
export const riskOrder: readonly Risk[] = [...RISKS].reverse();

export const RISK_COLORS: Record<Risk, { fill: string; stroke: string }> = {
  Critical: { fill: '#f8d0d0', stroke: '#b00020' },
  High: { fill: '#fde0c2', stroke: '#d9480f' },
  Medium: { fill: '#fff3bf', stroke: '#b08800' },
  Low: { fill: '#d3f9d8', stroke: '#2b8a3e' },
};
