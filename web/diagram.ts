// The Diagram tab: the HTML report's own diagram of the editor's text, drawn by the server (Graphviz runs
// there, not in the page). The SVG comes made fit to inline in HTML (src/render/html.ts inlineSvg); it is
// parsed in a document of its own, which runs and loads nothing, cleared of anything that could run, load
// or style, and only then moved into the page.
import { postDiagram } from './api.js';
import { byId, fill, h } from './dom.js';

/** Waits this long after an analysis for the next, so that typing does not draw once per pause. */
const DEBOUNCE_MS = 600;

/** Elements that run, embed, animate attributes (an `<animate>` can set an `href`) or style: none is in a diagram. */
const DROPPED = /^(script|foreignobject|iframe|object|embed|style|animate|animatemotion|animatetransform|set|image)$/i;

function scrub(root: Element): void {
  for (const el of [...root.querySelectorAll('*')]) {
    if (DROPPED.test(el.localName) || el.namespaceURI !== root.namespaceURI) el.remove();
  }
  for (const el of [root, ...root.querySelectorAll('*')]) {
    for (const attr of [...el.attributes]) {
      const name = attr.name.toLowerCase();
      const link = name === 'href' || name.endsWith(':href');
      if (name.startsWith('on') || name === 'style' || (link && !attr.value.startsWith('#'))) el.removeAttribute(attr.name);
    }
  }
}

/**
 * Parsed as HTML, as the report's inline SVG is: inlineSvg's output is made for an HTML page and is not
 * always well-formed XML (its filter of `on...=` attributes also cuts a label whose text reads like one,
 * closing tag and all), and an XML parse error makes Chromium report CSP violations for the inline styles
 * of its own error message.
 */
function parseSvg(svg: string): SVGSVGElement | undefined {
  const root = new DOMParser().parseFromString(svg, 'text/html').body.querySelector('svg');
  if (!root) return undefined;
  scrub(root);
  return document.importNode(root, true);
}

export class DiagramView {
  private readonly figure = byId('diagram-figure');
  private readonly note = byId('diagram-note');
  private seq = 0;
  private timer: number | undefined;

  constructor() {
    // Fitted to the pane by default; a large system's labels are read at the size Graphviz drew them.
    const size = byId('diagram-size');
    size.addEventListener('click', () => {
      const actual = this.figure.classList.toggle('actual');
      size.setAttribute('aria-pressed', String(actual));
    });
  }

  /** Draws the text's diagram, now or after a pause; answers to an earlier request are dropped. */
  refresh(text: string, triage: string | null, now = false): void {
    clearTimeout(this.timer);
    if (now) void this.draw(text, triage);
    else this.timer = window.setTimeout(() => void this.draw(text, triage), DEBOUNCE_MS);
  }

  private async draw(text: string, triage: string | null): Promise<void> {
    const seq = ++this.seq;
    this.figure.setAttribute('aria-busy', 'true');
    const answer = await postDiagram(text, triage);
    if (seq !== this.seq) return;
    this.figure.removeAttribute('aria-busy');
    if (!answer.ok) {
      this.setNote(answer.status === 422 ? 'The model has errors: the diagram is the last one drawn.' : `The diagram could not be drawn: ${answer.body.error}`);
      return;
    }
    const { svg, note } = answer.body;
    const drawn = svg === undefined ? undefined : parseSvg(svg);
    this.setNote(svg !== undefined && drawn === undefined ? 'The server sent a diagram this page cannot read.' : note ?? '');
    if (drawn) fill(this.figure, drawn);
    else if (svg === undefined) fill(this.figure, h('p', { class: 'muted' }, 'No picture for this model: see the note above, and the text diagram of `threatmap diagram`.'));
  }

  private setNote(text: string): void {
    this.note.textContent = text;
    this.note.hidden = text === '';
  }
}
