// What runs inside the page: Mermaid's own parser and renderer on one diagram, then a look at the SVG it
// made. The project compiles without the DOM library, so the page APIs used are typed (chromium.ts's page
// types, and Mermaid's here); the function is serialised by Playwright, so it defines no named inner
// functions (tsx would wrap them in a `__name` helper the page does not have).
import type { PageDocument } from './chromium.js';

export interface PageConfig {
  securityLevel: 'strict' | 'loose';
  htmlLabels: boolean;
}

export interface PageReport {
  parseError?: string;
  renderError?: string;
  diagramType?: string;
  /** Elements that only markup from a name could have created. */
  forbidden: string[];
  /** `on*` attributes and `javascript:` links anywhere in the SVG. */
  handlers: string[];
  nodeTexts: string[];
  legendTexts: string[];
  clusterTexts: string[];
  edgeTexts: string[];
  pwned: unknown;
}

interface PageGlobal {
  mermaid: {
    initialize(config: object): void;
    parse(text: string): Promise<{ diagramType: string } | false>;
    render(id: string, text: string): Promise<{ svg: string }>;
  };
  document: PageDocument;
  setTimeout(fn: () => void, ms: number): unknown;
  [flag: string]: unknown;
}

export async function checkInPage(args: { text: string; id: string; config: PageConfig; flag: string }): Promise<PageReport> {
  const g = globalThis as unknown as PageGlobal;
  const report: PageReport = {
    forbidden: [], handlers: [], nodeTexts: [], legendTexts: [], clusterTexts: [], edgeTexts: [], pwned: undefined,
  };
  g.mermaid.initialize({
    startOnLoad: false,
    securityLevel: args.config.securityLevel,
    htmlLabels: args.config.htmlLabels,
    flowchart: { htmlLabels: args.config.htmlLabels },
  });
  try {
    const parsed = await g.mermaid.parse(args.text);
    report.diagramType = parsed === false ? 'false' : parsed.diagramType;
  } catch (e) {
    report.parseError = String((e as Error)?.message ?? e);
    return report;
  }
  let svg: string;
  try {
    svg = (await g.mermaid.render(args.id, args.text)).svg;
  } catch (e) {
    report.renderError = String((e as Error)?.message ?? e);
    return report;
  }
  // Into the live document, as a page showing the diagram would do: injected handlers would fire here.
  const host = g.document.createElement('div');
  host.innerHTML = svg;
  g.document.body.append(host);
  await new Promise<void>((resolve) => g.setTimeout(resolve, 20));
  const root = host.querySelector('svg');
  if (root === null) {
    report.renderError = 'no <svg> element in the output';
  } else {
    const all = Array.from(root.querySelectorAll('*'));
    for (const el of all) {
      const tag = el.tagName.toLowerCase();
      if (['script', 'img', 'iframe', 'object', 'embed', 'a', 'b', 'i', 'svg', 'image', 'video', 'audio'].includes(tag)) {
        report.forbidden.push(tag);
      }
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)) report.handlers.push(`${tag} ${a.name}=${a.value}`);
      }
    }
    for (const n of Array.from(root.querySelectorAll('g.node'))) {
      (/-legend(Critical|High|Medium|Low)-/.test(n.id) ? report.legendTexts : report.nodeTexts).push(n.textContent ?? '');
    }
    for (const c of Array.from(root.querySelectorAll('g.cluster'))) {
      if (!/(^|-)legend$/.test(c.id)) report.clusterTexts.push(c.textContent ?? '');
    }
    for (const e of Array.from(root.querySelectorAll('g.edgeLabel'))) report.edgeTexts.push(e.textContent ?? '');
  }
  report.pwned = g[args.flag];
  host.remove();
  return report;
}
