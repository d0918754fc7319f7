// A single-file HTML report: summary and residual risk, the diagram as inline SVG, the threats table
// (sortable; filtered by STRIDE, risk, status, component and text), the STRIDE coverage matrix, the
// attack surface, boundaries, assets and recommendations. No external requests; every piece of model
// text is escaped; a strict CSP allows only the report's own script and style (by hash). Printing it
// ("print to PDF") gives a clean document: controls hidden, every threat's details shown.
import { riskRank } from '../analysis/risk.js';
import {
  type AnalysisResult, type CoverageCell, RISKS, STRIDE_LETTERS, STRIDE_NAMES, SURFACE_CATEGORIES, type Threat,
} from '../analysis/types.js';
import { countsPhrase, isOpenThreat, statusOf, uidOf } from '../track/triage.js';
import { TRIAGE_STATUSES } from '../track/types.js';
import { renderAscii } from './diagram/index.js';
import { REPORT_CSS, REPORT_JS } from './html-assets.js';
import { contentSecurityPolicy } from './html-csp.js';

export interface HtmlOptions {
  /** The diagram as SVG markup (from renderSvg); without it the ASCII diagram is shown. */
  svg?: string;
  /** Why there is no SVG, shown beside the ASCII diagram. */
  diagramNote?: string;
  /** e.g. `threatmap 0.1.0`, shown in the footer. */
  generator?: string;
  /** Width of the ASCII diagram when there is no SVG. */
  width?: number;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and attribute values alike. */
export const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** An id safe in an `id` attribute and a URL fragment, derived only from characters we choose. */
const anchor = (id: string) => `tm-t-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/**
 * SVG from the diagram renderer, made fit to inline: the XML prolog and doctype dropped (HTML has none),
 * and, as defence in depth behind the CSP, anything that could run or load removed.
 */
export function inlineSvg(svg: string): string {
  return svg
    .replace(/<\?xml[^>]*\?>\s*/g, '')
    .replace(/<!DOCTYPE[^>[]*(\[[^\]]*\])?\s*>\s*/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|foreignObject|iframe|object|embed)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<(script|foreignObject|iframe|object|embed)\b[^>]*>/gi, '')
    .replace(/\son[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
    .replace(/\s(?:xlink:)?href\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, (m, v: string) => (/^["']?#/.test(v) ? m : ''))
    .trim();
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const badge = (risk: string) => `<span class="badge risk-${esc(risk)}">${esc(risk)}</span>`;
const statusTag = (status: string) => `<span class="status status-${esc(status)}">${esc(status)}</span>`;

function table(head: string[], rows: string[][], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function summarySection(r: AnalysisResult): string {
  const s = r.summary;
  const cards = [
    `<div class="card"><div class="n">${s.threats.total}</div><div class="l">threats</div></div>`,
    ...[...RISKS].reverse().map((risk) =>
      `<div class="card"><div class="n">${s.threats[risk]}</div><div class="l">${badge(risk)}</div></div>`),
  ];
  const residual = r.triage
    ? `<p><strong>Residual risk:</strong> ${plural(r.triage.open.total, 'threat')} open (${esc(countsPhrase(r.triage.open))}); ` +
      `${r.triage.closed.total} closed by decision (${esc(TRIAGE_STATUSES.filter((st) => st !== 'open' && st !== 'mitigating' && r.triage!.byStatus[st] > 0).map((st) => `${r.triage!.byStatus[st]} ${st}`).join(', ') || 'none')}).</p>`
    : '';
  const scope = [
    plural(s.elements.process, 'service'), plural(s.flows, 'data flow'), plural(s.elements.store, 'data store'),
    plural(s.elements.external, 'external entity', 'external entities'), plural(s.boundaries, 'trust boundary', 'trust boundaries'),
    plural(s.crossings, 'boundary crossing'), plural(s.endpoints, 'entry point'),
  ].join(', ');
  return `<section id="tm-summary"><h2>Summary</h2>
<p><strong>Scope:</strong> ${esc(scope)}.</p>
<div class="cards">${cards.join('')}</div>
${residual}</section>`;
}

function diagramSection(r: AnalysisResult, options: HtmlOptions): string {
  let body: string;
  if (options.svg) body = `<figure class="diagram" role="img" aria-label="Data flow diagram">${inlineSvg(options.svg)}</figure>`;
  else {
    let ascii: string;
    try {
      ascii = renderAscii(r, { width: options.width ?? 140 });
    } catch (e) {
      ascii = `(the diagram could not be drawn: ${e instanceof Error ? e.message : String(e)})`;
    }
    body = `${options.diagramNote ? `<p class="note">${esc(options.diagramNote)}</p>` : ''}<div class="diagram"><pre>${esc(ascii)}</pre></div>`;
  }
  return `<section id="tm-diagram"><h2>Data flow diagram</h2>${body}</section>`;
}

function threatDetail(t: Threat, file: string): string {
  const tr = t.triage;
  const items: string[] = [
    `<p>${esc(t.description)}</p>`,
    '<dl>',
    `<dt>Likelihood: ${esc(t.likelihood.level)}</dt><dd>${esc(t.likelihood.reason)}</dd>`,
    `<dt>Impact: ${esc(t.impact.level)}</dt><dd>${esc(t.impact.reason)}</dd>`,
    `<dt>Evidence</dt><dd><ul>${t.evidence.map((e) => `<li>${esc(e.fact)} <code>${esc(`${file}:${e.line}`)}</code></li>`).join('')}</ul></dd>`,
  ];
  if (t.flows.length) items.push(`<dt>Flows</dt><dd>${t.flows.map((f) => `<code>${esc(f)}</code>`).join(', ')}</dd>`);
  if (t.references.length) items.push(`<dt>References</dt><dd>${esc(t.references.join(', '))}</dd>`);
  items.push(`<dt>Rule</dt><dd><code>${esc(t.ruleId)}</code>; key <code>${esc(t.key)}</code></dd>`);
  if (tr && (tr.reason || tr.owner || tr.ticket || tr.expires || tr.review || tr.declared)) {
    const bits = [
      tr.declared ? `declared <strong>${esc(tr.declared)}</strong>, lapsed on ${esc(tr.expires ?? '')}` : '',
      tr.reason ? `reason: ${esc(tr.reason)}` : '',
      tr.owner ? `owner: ${esc(tr.owner)}` : '',
      tr.ticket ? `ticket: ${esc(tr.ticket)}` : '',
      tr.expires && !tr.declared ? `expires: ${esc(tr.expires)}` : '',
      tr.review ? `review: ${esc(tr.review)}` : '',
    ].filter(Boolean);
    items.push(`<dt>Triage</dt><dd>${bits.join('; ')}</dd>`);
  }
  items.push('</dl>');
  return `<div class="detail" id="${anchor(t.id)}-detail">${items.join('')}</div>`;
}

function threatsSection(r: AnalysisResult): string {
  const components = [...new Map(r.threats.map((t) => [t.component, t.componentName])).entries()]
    .sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0]));
  const option = (value: string, label: string) => `<option value="${esc(value)}">${esc(label)}</option>`;
  const filters = `<div class="filters" role="search" aria-label="Filter threats">
<label>STRIDE<select id="tm-f-stride">${option('', 'All')}${STRIDE_LETTERS.map((s) => option(s, `${s} - ${STRIDE_NAMES[s]}`)).join('')}</select></label>
<label>Risk<select id="tm-f-risk">${option('', 'All')}${[...RISKS].reverse().map((k) => option(k, k)).join('')}</select></label>
<label>Status<select id="tm-f-status">${option('', 'All')}${option('unresolved', 'Open or mitigating')}${TRIAGE_STATUSES.map((s) => option(s, s)).join('')}</select></label>
<label>Component<select id="tm-f-component">${option('', 'All')}${components.map(([id, name]) => option(id, name === id ? name : `${name} (${id})`)).join('')}</select></label>
<label>Search<input id="tm-f-text" type="search" placeholder="Text in any column" autocomplete="off"></label>
<button type="button" id="tm-f-reset">Reset</button>
<span id="tm-count" role="status" aria-live="polite">${plural(r.threats.length, 'threat')}</span>
</div>`;
  const sortable = (key: string, label: string) => `<th scope="col"><button type="button" data-sort="${key}">${label}</button></th>`;
  const head = `<thead><tr>${sortable('id', 'ID')}${sortable('risk', 'Risk')}${sortable('stride', 'STRIDE')}${sortable('component', 'Component')}${sortable('title', 'Threat')}<th scope="col">Mitigation</th>${sortable('status', 'Status')}</tr></thead>`;
  const rows = r.threats.map((t) => {
    const status = statusOf(t);
    const open = isOpenThreat(t);
    const attrs = [
      `id="${anchor(t.id)}"`,
      `class="threat${open ? '' : ' closed'}"`,
      `data-stride="${t.stride}"`,
      `data-risk="${esc(t.risk)}"`,
      `data-status="${esc(status)}"`,
      `data-open="${open ? 1 : 0}"`,
      `data-component="${esc(t.component)}"`,
      `data-sort-id="${Number(t.id.replace(/\D/g, '')) || 0}"`,
      `data-sort-risk="${3 - riskRank(t.risk)}"`,
      `data-sort-stride="${STRIDE_LETTERS.indexOf(t.stride)}"`,
      `data-sort-component="${esc(t.componentName.toLowerCase())}"`,
      `data-sort-title="${esc(t.title.toLowerCase())}"`,
      `data-sort-status="${TRIAGE_STATUSES.indexOf(status)}"`,
    ].join(' ');
    const triageNote = t.triage?.declared ? ` <span class="muted">(${esc(t.triage.declared)} expired)</span>` : '';
    return `<tr ${attrs}>` +
      `<td class="id">${esc(t.id)}<span class="uid mono">${esc(uidOf(t))}</span></td>` +
      `<td>${badge(t.risk)}</td>` +
      `<td title="${esc(t.category)}">${esc(t.stride)}</td>` +
      `<td>${esc(t.componentName)}</td>` +
      `<td><span class="title">${esc(t.title)}</span><button type="button" class="toggle" aria-expanded="false" aria-controls="${anchor(t.id)}-detail">more</button>${threatDetail(t, r.file)}</td>` +
      `<td>${esc(t.mitigation)}</td>` +
      `<td>${statusTag(status)}${triageNote}</td></tr>`;
  });
  const emptyRow = `<tr id="tm-empty" class="empty-row"${r.threats.length === 0 ? '' : ' hidden'}><td colspan="7">${r.threats.length === 0 ? 'No threats found.' : 'No threat matches the filters.'}</td></tr>`;
  return `<section id="tm-threats"><h2>Threats</h2>
<p class="muted">T1, T2... follow risk order in this report; the stable ids (TM-...) never change as the model grows, and are what triage, SARIF and diffs use.</p>
${filters}
<table id="tm-threat-table" class="tm-threats">${head}<tbody>${rows.join('\n')}${emptyRow}</tbody></table></section>`;
}

function residualSection(r: AnalysisResult): string {
  const tri = r.triage;
  if (!tri) return '';
  const decided = r.threats.filter((t) => !isOpenThreat(t) || t.triage?.declared || t.triage?.status === 'mitigating');
  const rows = decided.map((t) => {
    const tr = t.triage!;
    return [
      `<a href="#${anchor(t.id)}">${esc(t.id)}</a> <span class="mono muted">${esc(uidOf(t))}</span>`,
      badge(t.risk), esc(t.title), `${statusTag(tr.status)}${tr.declared ? ` <span class="muted">(${esc(tr.declared)} expired ${esc(tr.expires ?? '')})</span>` : ''}`,
      esc(tr.reason ?? ''), esc(tr.owner ?? ''), esc(tr.ticket ?? ''), esc(tr.expires ?? ''),
    ];
  });
  const parts = [`<section id="tm-residual"><h2>Residual risk</h2>`,
    `<p>Open (open or mitigating): <strong>${esc(countsPhrase(tri.open))}</strong>. Closed by decision: ${esc(countsPhrase(tri.closed))}.` +
    `${tri.file ? ` Decisions from <code>${esc(tri.file)}</code>.` : ' No triage file: every threat is open.'}</p>`];
  if (rows.length) parts.push(table(['ID', 'Risk', 'Threat', 'Status', 'Reason', 'Owner', 'Ticket', 'Expires'], rows));
  if (tri.warnings.length) {
    parts.push('<h3>Triage warnings</h3><ul class="warnings">', ...tri.warnings.map((w) =>
      `<li><code>${esc(`${w.file}:${w.line}:${w.col}`)}</code> ${esc(w.message)}</li>`), '</ul>');
  }
  parts.push('</section>');
  return parts.join('\n');
}

function coverageCell(c: CoverageCell): string {
  if (c.status === 'threat') {
    return `<td class="cov-threat">${c.threats.map((id) => `<a href="#${anchor(id)}">${esc(id)}</a>`).join(' ')}</td>`;
  }
  if (c.status === 'mitigated') return `<td class="cov-mitigated" title="${esc(c.reason)}">ok: ${esc(c.controls.join(', '))}</td>`;
  return `<td class="cov-not-applicable" title="${esc(c.reason)}">-</td>`;
}

function coverageSection(r: AnalysisResult): string {
  const head = `<thead><tr><th scope="col">Component</th>${STRIDE_LETTERS.map((s) => `<th scope="col" title="${esc(STRIDE_NAMES[s])}">${s}</th>`).join('')}</tr></thead>`;
  const rows = r.coverage.map((row) => `<tr><td class="name">${esc(row.name)} <span class="muted">${esc(row.componentKind)}</span></td>${row.cells.map(coverageCell).join('')}</tr>`);
  return `<section id="tm-coverage"><h2>STRIDE coverage</h2>
<p class="muted">Every element and flow against every STRIDE category: the threats found, <em>ok</em> where a control mitigates it, <em>-</em> where it does not apply (hover for the reason).</p>
<table class="coverage">${head}<tbody>${rows.join('\n')}</tbody></table></section>`;
}

function surfaceSection(r: AnalysisResult): string {
  const parts = ['<section id="tm-surface" class="surface"><h2>Attack surface</h2>'];
  for (const category of SURFACE_CATEGORIES) {
    const entries = r.attackSurface.filter((e) => e.category === category);
    parts.push(`<h3>${category}</h3>`);
    if (entries.length === 0) parts.push('<p class="muted">None in the model.</p>');
    else parts.push(`<ul>${entries.map((e) => `<li><strong>${esc(e.name)}</strong>: ${esc(e.detail)}${e.exposed ? ' <span class="exposed">exposed</span>' : ''}</li>`).join('')}</ul>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

function boundariesSection(r: AnalysisResult): string {
  if (r.boundaries.length === 0 && r.crossings.length === 0) return '';
  const names = new Map<string, string>([...r.elements.map((e) => [e.id, e.name] as const), ...r.boundaries.map((b) => [b.id, b.name] as const)]);
  const name = (id: string) => names.get(id) ?? id;
  const flows = new Map(r.flows.map((f) => [f.id, f]));
  const parts = ['<section id="tm-boundaries"><h2>Trust boundaries</h2>'];
  if (r.boundaries.length) {
    // Members grouped once (in model order), not by scanning every element for every boundary.
    const members = new Map<string, string[]>();
    for (const e of r.elements) {
      if (e.boundary === undefined) continue;
      const list = members.get(e.boundary);
      if (list) list.push(e.name);
      else members.set(e.boundary, [e.name]);
    }
    parts.push(table(['Boundary', 'Trust', 'Kind', 'Inside', 'Elements'], r.boundaries.map((b) => [
      esc(b.name), esc(b.trust), esc(b.kind), b.parent ? esc(name(b.parent)) : '-',
      esc((members.get(b.id) ?? []).join(', ') || '-'),
    ])));
  }
  if (r.crossings.length) {
    parts.push('<h3>Boundary crossings</h3>', table(['Flow', 'Crossing', 'Protocol', 'Encrypted', 'Auth'], r.crossings.map((c) => {
      const f = flows.get(c.flow);
      return [esc(`${name(c.from)} -> ${name(c.to)}`), esc(c.label), esc(f?.protocol ?? ''), f?.encrypted ? 'yes' : '<strong>no</strong>', esc(f?.auth ?? '')];
    })));
  }
  parts.push('</section>');
  return parts.join('\n');
}

function assetsSection(r: AnalysisResult): string {
  if (r.assets.length === 0) return '';
  return `<section id="tm-assets"><h2>Assets</h2>${table(['Asset', 'Kind', 'Classification', 'C / I / A'], r.assets.map((a) => [
    `${esc(a.name)}${a.description ? ` <span class="muted">${esc(a.description)}</span>` : ''}`,
    esc(a.type ? `${a.kind}: ${a.type}` : a.kind), esc(a.classification), esc(`${a.confidentiality} / ${a.integrity} / ${a.availability}`),
  ]))}</section>`;
}

function recommendationsSection(r: AnalysisResult): string {
  if (r.recommendations.length === 0) return '';
  return `<section id="tm-recommendations"><h2>Recommendations</h2><ol>${r.recommendations.map((rec) =>
    `<li>${badge(rec.risk)} ${esc(rec.text)} <span class="muted">(${rec.threats.map((id) => `<a href="#${anchor(id)}">${esc(id)}</a>`).join(', ')})</span></li>`).join('')}</ol></section>`;
}

function warningsSection(r: AnalysisResult): string {
  const warnings = r.diagnostics.filter((d) => d.severity === 'warning');
  if (warnings.length === 0) return '';
  return `<section id="tm-warnings"><h2>Model warnings</h2><ul class="warnings">${warnings.map((d) =>
    `<li><code>${esc(`${d.file}:${d.line}:${d.col}`)}</code> ${esc(d.message)}</li>`).join('')}</ul></section>`;
}

export function renderHtml(r: AnalysisResult, options: HtmlOptions = {}): string {
  const title = `Threat model: ${r.system.name}`;
  const sections = [
    summarySection(r),
    residualSection(r),
    diagramSection(r, options),
    threatsSection(r),
    recommendationsSection(r),
    coverageSection(r),
    surfaceSection(r),
    boundariesSection(r),
    assetsSection(r),
    warningsSection(r),
  ].filter(Boolean);
  const toc = sections.map((s) => /<section id="([^"]+)"[^>]*><h2>([^<]+)<\/h2>/.exec(s)).filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `<a href="#${m[1]}">${m[2]}</a>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(REPORT_JS, REPORT_CSS))}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.generator ? `<meta name="generator" content="${esc(options.generator)}">\n` : ''}<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
${r.system.description ? `<p class="lede">${esc(r.system.description)}</p>\n` : ''}<p class="muted">Model <code>${esc(r.file)}</code>${r.system.owner ? `; owner ${esc(r.system.owner)}` : ''}${r.system.version ? `; version ${esc(r.system.version)}` : ''}</p>
</header>
<nav class="toc" aria-label="Sections">${toc}</nav>
<main>
${sections.join('\n')}
</main>
<footer>${options.generator ? `Generated by ${esc(options.generator)}. ` : ''}Threats are found by rules over the model; they are a starting point for review, not a verdict.</footer>
<script>${REPORT_JS}</script>
</body>
</html>
`;
}

/**
 * The report with the diagram as SVG (the Graphviz renderer is asynchronous); falls back to the ASCII
 * diagram, with a note saying why, if the SVG cannot be drawn.
 */
export async function renderHtmlReport(r: AnalysisResult, options: Omit<HtmlOptions, 'svg' | 'diagramNote'> = {}): Promise<string> {
  try {
    const { renderSvg } = await import('./diagram/index.js');
    const svg = await renderSvg(r, { colorByRisk: true });
    return renderHtml(r, { ...options, svg });
  } catch (e) {
    return renderHtml(r, { ...options, diagramNote: `The diagram is shown as text: the SVG could not be drawn (${e instanceof Error ? e.message : String(e)}).` });
  }
}
