// Reading XML for the importers of XML files (Microsoft TMT's .tm7, draw.io diagrams): a tree of elements,
// each with the line and column of its start tag, or the first problem with its position. Pure: no Node APIs.
import { SaxesParser } from 'saxes';

/** An element as the importers keep it: local names only (namespaces carry no meaning to them). */
export interface XNode {
  name: string;
  uri: string;
  /** Attributes by local name (`i:type` is `type`); namespace declarations left out. */
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
  line: number;
  col: number;
}

export interface XmlProblem { code: string; message: string; line: number; col: number; hint?: string }

/** The tools write about 10 levels: a file nested much deeper is not one of their files, whatever else it is. */
export const MAX_XML_DEPTH = 64;
/** A 1.2 MB .tm7 holds about 13,000 elements, one of 64 MB (the CLI's limit) about 1.5 million. */
export const MAX_XML_ELEMENTS = 2_000_000;

/** What the messages say of the format the file should be in, and what it need not keep. */
export interface XmlFormat {
  /** After "a DOCTYPE declaration: ", e.g. `a .tm7 has none`. */
  doctype: string;
  /** After "remove the DOCTYPE; ", e.g. `the Threat Modeling Tool never writes one`. */
  doctypeHint: string;
  /** After "elements nested more than 64 deep: ". */
  tooDeep: string;
  /** Elements whose subtrees are parsed (for well-formedness and the limits) but not kept. */
  unread?: ReadonlySet<string>;
  /**
   * A DOCTYPE the format's files do carry (SVG's public one): allowed when it matches and declares nothing
   * itself (no internal subset), since the DTD it names is never fetched or read.
   */
  doctypeAllowed?: RegExp;
}

const STOP = Symbol('stop');

/**
 * The text as a tree of elements, or the first problem with its line and column. saxes expands only XML's
 * five predefined entities and character references: it reads no DTD (an entity a DOCTYPE declares is an
 * "undefined entity" error) and fetches nothing, so entity expansion cannot blow up; a DOCTYPE is refused
 * unless the format names it (and then only without declarations of its own). Depth and element count are capped.
 */
export function parseXml(text: string, format: XmlFormat): { root: XNode } | { problem: XmlProblem } {
  const parser = new SaxesParser<{ xmlns: true; position: true }>({ xmlns: true, position: true });
  const stack: XNode[] = [];
  let root: XNode | undefined;
  let problem: XmlProblem | undefined;
  let depth = 0;
  let count = 0;
  /** The depth at which an unread subtree began, 0 when none is being skipped. */
  let skipFrom = 0;
  let start = { line: 1, col: 1 };
  const stop = (code: string, message: string, at = { line: parser.line, col: parser.column }, hint?: string): never => {
    problem = { code, message, line: Math.max(1, at.line), col: Math.max(1, at.col), ...(hint ? { hint } : {}) };
    throw STOP;
  };
  parser.on('error', (err) => stop('syntax-error', `XML syntax: ${err.message.replace(/^\d+:\d+: /, '').replace(/\.$/, '')}`));
  parser.on('doctype', (doctype) => {
    if (format.doctypeAllowed?.test(doctype) && !doctype.includes('[')) return;
    stop('xml-doctype', `a DOCTYPE declaration: ${format.doctype}, and no DTD or entity declaration is read`, undefined, `remove the DOCTYPE; ${format.doctypeHint}`);
  });
  // saxes reports an open tag once its `>` is read; where it began is known only when its name is.
  parser.on('opentagstart', (tag) => { start = { line: parser.line, col: parser.column - tag.name.length - 1 }; });
  parser.on('opentag', (tag) => {
    depth++;
    if (depth > MAX_XML_DEPTH) stop('too-deep', `elements nested more than ${MAX_XML_DEPTH} deep: ${format.tooDeep}`, start);
    if (++count > MAX_XML_ELEMENTS) stop('too-large', `more than ${MAX_XML_ELEMENTS.toLocaleString('en-US')} XML elements: too large to import`, start);
    if (skipFrom) return;
    if (format.unread?.has(tag.local)) {
      skipFrom = depth;
      return;
    }
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) if (a.prefix !== 'xmlns' && a.name !== 'xmlns') attrs[a.local] = a.value;
    const node: XNode = { name: tag.local, uri: tag.uri, attrs, children: [], text: '', line: start.line, col: start.col };
    if (stack.length) stack[stack.length - 1].children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('text', (t) => { if (!skipFrom && stack.length) stack[stack.length - 1].text += t; });
  parser.on('cdata', (t) => { if (!skipFrom && stack.length) stack[stack.length - 1].text += t; });
  parser.on('closetag', () => {
    if (skipFrom === depth) skipFrom = 0;
    else if (!skipFrom) stack.pop();
    depth--;
  });
  try {
    parser.write(text).close();
  } catch (err) {
    if (err !== STOP) throw err;
  }
  if (problem) return { problem };
  return root ? { root } : { problem: { code: 'syntax-error', message: 'XML syntax: no root element', line: 1, col: 1 } };
}

export const kid = (n: XNode | undefined, name: string) => n?.children.find((c) => c.name === name);
export const kids = (n: XNode | undefined, name?: string) => (n ? n.children.filter((c) => name === undefined || c.name === name) : []);
