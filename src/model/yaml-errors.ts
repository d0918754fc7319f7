// The `yaml` library's errors in the words of someone writing a model: what is wrong, where, and what to type
// instead, with yaml's follow-on reports of the same mistake cut. No Node APIs: this runs in the browser as well.
import { CST } from 'yaml';
import type { YAMLError } from 'yaml';
import type { Diagnostic, Loc } from './types.js';

/** A YAML error in the words of someone writing a model, at the place to fix. */
interface PlainError {
  offset: number;
  message: string;
  hint: string;
}

/** What an explanation may look at: the text, positions, the token tree, and what earlier errors used. */
export interface YamlErrorContext {
  text: string;
  /** The source map's position of an offset (counting lines here would scan the text per error). */
  at: (offset: number) => Loc;
  tokens: readonly CST.Token[];
  /** Unclosed brackets already named by an error: each is named once. */
  used: Set<CST.Token>;
  /** The tokens explanations look up, indexed at the first error that needs them (see tokenIndex). */
  memo: { index?: TokenIndex };
}

/** One error being explained: its context, where yaml put it, and that line. */
interface ErrorSite extends YamlErrorContext {
  e: YAMLError;
  offset: number;
  line: Line;
}

/** `offset` defaults to where yaml put the error. */
type Explained = Omit<PlainError, 'offset'> & { offset?: number };

type Explain = (site: ErrorSite) => Explained | undefined;

/**
 * Every message the `yaml` library gives for a mistake a model file can hold, by code and wording, in the
 * words of someone writing a model: what is wrong, where, and what to type instead. yaml's own words
 * ("Implicit map keys need to be followed by map values") name its parser's states, not the mistake.
 */
const EXPLANATIONS: ReadonlyArray<readonly [YAMLError['code'], RegExp, Explain]> = [
  ['TAB_AS_INDENT', /^/, tabIndent],
  ['BAD_INDENT', /^All mapping items must start at the same column$/, (s) => misalignedKey(s.text, contentLine(s), s.at, s.tokens)],
  ['MISSING_CHAR', /^Sequence item without - indicator$/, (s) => misalignedKey(s.text, contentLine(s), s.at, s.tokens)],
  ['BAD_INDENT', /^All sequence items must start at the same column$/, misalignedItem],
  ['BLOCK_AS_IMPLICIT_KEY', /^Nested mappings are not allowed in compact mappings$/, colonInValue],
  ['BLOCK_AS_IMPLICIT_KEY', /^A block sequence may not be used as an implicit map key$/, listItemAmongKeys],
  ['MULTILINE_IMPLICIT_KEY', /^Implicit keys need to be on a single line$/, keyWithoutColon],
  ['MISSING_CHAR', /^Implicit map keys need to be followed by map values$/, keyWithoutColon],
  ['MULTILINE_IMPLICIT_KEY', /^Implicit keys of flow sequence pairs/, pairOverLines],
  ['MISSING_CHAR', /^Missing closing ["']quote$/, unclosedQuote],
  ['BLOCK_IN_FLOW', /^Block collections are not allowed within flow collections$/, blockInFlow],
  ['BAD_INDENT', /^Flow (?:map|sequence) in block collection must/, unclosedBracket],
  ['MISSING_CHAR', /^Flow (?:map|sequence) must end with/, unclosedBracket],
  ['UNEXPECTED_TOKEN', /^Unexpected (?:,|empty item) in flow/, strayComma],
  ['MISSING_CHAR', /^Missing , (?:or : )?between flow/, missingComma],
  ['UNEXPECTED_TOKEN', /^Unexpected : in flow/, strayColon],
  ['UNEXPECTED_TOKEN', / in YAML (?:stream|document)/, outsideDocument],
  ['UNEXPECTED_TOKEN', /^Unexpected block-seq-ind on same line with key$/, itemOnKeyLine],
  ['UNEXPECTED_TOKEN', /^(?:Not a YAML token|Block scalar header includes extra characters)/, blockScalarHeader],
  ['UNEXPECTED_TOKEN', / at node end$/, afterValue],
  ['UNEXPECTED_TOKEN', /^/, unexpectedToken],
  ['BAD_SCALAR_START', /^/, reservedStart],
  ['BAD_DQ_ESCAPE', /^/, badEscape],
  ['BAD_ALIAS', /cannot be an empty string$/, emptyAnchor],
  ['BAD_ALIAS', /ending in : is ambiguous$/, anchorColon],
  ['MISSING_CHAR', /^Tags and anchors must be separated/, propWithoutSpace],
  ['MISSING_CHAR', /^Comments must be separated/, commentWithoutSpace],
  ['KEY_OVER_1024_CHARS', /^/, () => ({
    message: 'a key longer than 1024 characters', hint: 'keys are short ids: put long text under `name:` or `description:`',
  })],
  ['MISSING_CHAR', /^Block collection cannot start on same line with directives-end/, documentStartLine],
  ['MISSING_CHAR', /^Missing directives-end/, directiveWithoutStart],
  ['BAD_DIRECTIVE', /^/, directive],
  ['TAG_RESOLVE_FAILED', /^/, tag],
  ['BAD_COLLECTION_TYPE', /^/, tag],
  ['MULTIPLE_ANCHORS', /^/, () => ({ message: 'a value has two `&` anchors; it may have one', hint: 'remove one of them' })],
  ['MULTIPLE_TAGS', /^/, () => ({ message: 'a value has two `!` tags; it may have one', hint: 'remove them: a model needs no tags' })],
  ['BAD_PROP_ORDER', /^/, () => ({ message: 'an `&` anchor or `!` tag comes before the `-` or `?` it belongs after', hint: 'write `- &name value`' })],
  ['ALIAS_PROPS', /^/, () => ({ message: 'an alias (`*name`) stands for another value: it takes no `&` anchor or `!` tag', hint: 'remove the `&` or `!` before it' })],
];

/** The line of the error, or the next one that holds more than a comment when yaml points at a blank line. */
function contentLine({ text, line }: ErrorSite): Line {
  const body = line.text.trim();
  return body === '' || body.startsWith('#') ? (contentLineAfter(text, line) ?? line) : line;
}

export function explainYamlError(context: YamlErrorContext, e: YAMLError): PlainError | undefined {
  const offset = e.pos[0];
  const site: ErrorSite = { ...context, e, offset, line: lineAt(context.text, offset, (o) => context.at(o).line) };
  for (const [code, wording, explain] of EXPLANATIONS) {
    if (code !== e.code || !wording.test(e.message)) continue;
    let plain: Explained | undefined;
    try {
      plain = explain(site);
    } catch {
      // An explanation that trips over odd text must not cost the error its position: yaml's words then.
      return undefined;
    }
    if (plain) return { ...plain, offset: plain.offset ?? offset };
  }
  return undefined;
}

interface Line {
  number: number;
  start: number;
  indent: number;
  text: string;
}

function lineAt(text: string, offset: number, lineOf: (offset: number) => number): Line {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  const body = text.slice(start, end === -1 ? text.length : end).replace(/\r$/, '');
  return { number: lineOf(start), start, indent: body.length - body.trimStart().length, text: body };
}

/** The lines before `line`, nearest first, skipping blank and comment-only ones. */
function* contentLinesBefore(text: string, line: Line): Generator<Line> {
  let start = line.start;
  let number = line.number;
  while (start > 0) {
    const prevStart = text.lastIndexOf('\n', start - 2) + 1;
    const body = text.slice(prevStart, start - 1).replace(/\r$/, '');
    number--;
    start = prevStart;
    const trimmed = body.trimStart();
    if (trimmed !== '' && !trimmed.startsWith('#')) yield { number, start, indent: body.length - trimmed.length, text: body };
  }
}

/** The list item just above `line` at its own column, if the lines between are all nested deeper. */
function listItemAbove(text: string, line: Line): Line | undefined {
  // A file of many such errors must not be scanned back to its start for each.
  let budget = 1000;
  for (const before of contentLinesBefore(text, line)) {
    if (before.indent < line.indent || --budget < 0) return undefined;
    // Keys already at this column after the item (each reported in turn) lead back to it too.
    if (before.indent === line.indent && before.text.trimStart().startsWith('- ')) return before;
  }
  return undefined;
}

/** The key that starts at `offset`, up to its `:`; quotes are dropped. */
function lineKeyAt(text: string, offset: number): string {
  const end = text.indexOf('\n', offset);
  const rest = text.slice(offset, end === -1 ? text.length : end);
  const m = /^(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(.*?))\s*:(?:\s|$)/.exec(rest);
  return (m ? m[1] ?? m[2] ?? m[3] : rest).trim();
}

/** Where the first key of a line starts, past a list item's `- `. */
const firstKeyOffset = (line: Line): number => line.start + line.indent + (/^-\s+/.exec(line.text.slice(line.indent))?.[0].length ?? 0);

const misalignedIndex = new WeakMap<readonly CST.Token[], Map<number, number | undefined>>();

/**
 * The key before `offset` in its block map, from the token tree, which knows each map's own column: what
 * yaml's "All mapping items must start at the same column" compares the key with. The tree is walked
 * once per document, however many keys are out of line.
 */
function keyBefore(tokens: readonly CST.Token[], offset: number): number | undefined {
  let index = misalignedIndex.get(tokens);
  if (index === undefined) {
    index = misalignedKeys(tokens);
    misalignedIndex.set(tokens, index);
  }
  return index.get(offset);
}

/** Each key whose column is not its block map's (as yaml judges it), with the key of the item before it. */
function misalignedKeys(tokens: readonly CST.Token[]): Map<number, number | undefined> {
  const out = new Map<number, number | undefined>();
  const stack: CST.Token[] = [];
  for (const t of tokens) if (t.type === 'document' && t.value) stack.push(t.value);
  while (stack.length > 0) {
    const token = stack.pop()!;
    if (!CST.isCollection(token)) continue;
    let before: number | undefined;
    for (const item of token.items as CST.CollectionItem[]) {
      const key = item.key;
      if (key) {
        if (token.type === 'block-map' && 'indent' in key && key.indent !== token.indent) out.set(key.offset, before);
        before = key.offset;
        stack.push(key);
      }
      if (item.value) stack.push(item.value);
    }
  }
  return out;
}

/**
 * A key whose indentation differs from the keys before it in its map. yaml reports it at the start of its
 * line; the key itself, and the keys it is out of line with (often the wrong one is above it), say more.
 * Only keys that start their line and sit at another column are named: yaml's own idea of the map can
 * be off when an earlier line is the one misplaced.
 */
function misalignedKey(text: string, line: Line, at: (offset: number) => Loc, tokens: readonly CST.Token[]): PlainError | undefined {
  const offset = line.start + line.indent;
  const key = lineKeyAt(text, offset);
  if (key === '') return undefined;
  // `&adb:` is no key at all: the same message as yaml's report on the line below, which onePerLine then keeps once.
  const swallowed = propSwallowsKey(text, line);
  if (swallowed) return { ...swallowed, offset: swallowed.offset ?? offset };
  const item = listItemAbove(text, line);
  if (item) {
    const value = item.text.trim().slice(2).trim();
    // An item that is itself a map (`- from: a`) is most often missing the line's `- `, or its indent.
    const hint = /:(?:\s|$)/.test(value.replace(/:\s*$/, ''))
      ? `a list's entries all start with \`- \`: write \`- ${clipText(line.text)}\`, or indent it two more spaces to add it to the item above`
      : `a map's entries are all \`key: value\` and a list's all \`- item\`: write \`${value.replace(/:\s*$/, '')}:\` as a key, or every entry as a list item`;
    return {
      offset,
      message: `\`${key}\` is a \`key: value\` entry at the column of the list item \`- ${value}\` (line ${item.number})`,
      hint,
    };
  }
  const col = line.indent + 1;
  const compared = new Set<number>();
  const above = contentLinesBefore(text, line).next();
  if (!above.done) compared.add(firstKeyOffset(above.value));
  const before = keyBefore(tokens, offset);
  if (before !== undefined && before === firstKeyOffset(lineAt(text, before, (o) => at(o).line))) compared.add(before);
  const named = [...compared].filter((o) => at(o).col !== col).map((o) => {
    const loc = at(o);
    return `\`${lineKeyAt(text, o)}\` (line ${loc.line}, column ${loc.col})`;
  });
  return {
    offset,
    message: `\`${key}\` (column ${col}) is not lined up with the keys before it`,
    hint: named.length > 0
      ? `keys of one map start at the same column: compare with ${named.join(' and ')}`
      : 'keys of one map start at the same column: check the indentation of the lines above',
  };
}

/** `name: Billing: invoices`: the second `: ` starts a map inside the plain value. */
function colonInValue({ text, line, offset, at }: ErrorSite): Explained {
  const value = line.text.slice(offset - line.start).replace(/\s+#.*$/, '').trim();
  const key = line.text.slice(line.indent, offset - line.start).trim().replace(/^-\s*/, '').replace(/:$/, '').trim();
  // No `: ` after the value on its line: the colon is on a line below, a key indented too far (unless
  // this line is indented with a tab, the mistake reported on it already).
  const next = /:(?:\s|$)/.test(value) || line.text.slice(0, line.indent).includes('\t') ? undefined : contentLineAfter(text, line);
  if (next) return overIndentedKey(text, line, key, value, next, at);
  const quoted = `${key}: ${JSON.stringify(value)}`;
  // After a flow's arrow a colon most likely began the flow's details.
  const hint = key.includes('->')
    ? `write the flow's details in braces: \`${key}: { ${value} }\`, or quote the value: \`${quoted}\``
    : `quote the value: \`${quoted}\``;
  return { message: `a \`: \` inside the plain value \`${value}\` starts a map`, hint };
}

/** `from: a` with `to: b` below it, indented further: yaml reads `a to` as the value and stops at the `:`. */
function overIndentedKey(text: string, line: Line, key: string, value: string, next: Line, at: (offset: number) => Loc): Explained {
  const nextOffset = firstKeyOffset(next);
  const nextKey = lineKeyAt(text, nextOffset);
  return {
    offset: nextOffset,
    message: `\`${nextKey}\` (column ${at(nextOffset).col}) is indented further than \`${key}\` (line ${line.number}, column ${at(firstKeyOffset(line)).col}), so it reads as part of the value \`${clipText(value)}\``,
    hint: `keys of one map start at the same column: line \`${nextKey}\` up with \`${key}\` (or quote the value if the line goes on with it)`,
  };
}

/** The first line after `line` that holds more than spaces or a comment. */
function contentLineAfter(text: string, line: Line): Line | undefined {
  let end = text.indexOf('\n', line.start);
  let number = line.number;
  // A file of many such errors must not be scanned to its end for each.
  for (let budget = 1000; end !== -1 && budget > 0; budget--) {
    const start = end + 1;
    number++;
    end = text.indexOf('\n', start);
    const body = text.slice(start, end === -1 ? text.length : end).replace(/\r$/, '');
    const trimmed = body.trimStart();
    if (trimmed !== '' && !trimmed.startsWith('#')) return { number, start, indent: body.length - trimmed.length, text: body };
  }
  return undefined;
}

/** The text from `offset` to the end of its line, without a comment after it. */
function restOfLine(text: string, offset: number): string {
  const end = text.indexOf('\n', offset);
  return text.slice(offset, end === -1 ? text.length : end).replace(/\r$/, '').replace(/\s+#.*$/, '').trimEnd();
}

/** Text quoted in a message: one line, at most `max` characters. */
function clipText(s: string, max = 50): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

/** The key whose value starts at `offset` on `line` (`name` in `  name: "x`), when the line shows one. */
function keyOfValueAt(line: Line, offset: number): string | undefined {
  const before = line.text.slice(0, offset - line.start);
  const m = /(?:^|[\s{,[])(?:-\s+)?("(?:[^"\\]|\\.)*"|'[^']*'|[^\s{}[\],:#'"][^{}[\],:]*?)\s*:\s*(?:[&!]\S*\s+)*$/.exec(before);
  return m?.[1];
}

/** `key: value`, or the value alone when the key is not known. */
const entry = (key: string | undefined, value: string): string => (key === undefined ? value : `${key}: ${value}`);

/** The word, quoted text or character at `offset`: what yaml stumbled on. */
function wordAt(text: string, offset: number): string {
  const m = /^(?:"(?:[^"\\\n]|\\.)*"?|'[^'\n]*'?|[^\s,{}[\]]+|\S)/.exec(text.slice(offset, offset + 200));
  return clipText(m ? m[0] : '', 40);
}

/** Whether `offset` is inside a `{ }` or `[ ]` opened earlier on its line. */
function insideBrackets(line: Line, offset: number): boolean {
  let depth = 0;
  for (const ch of line.text.slice(0, offset - line.start)) {
    if (ch === '{' || ch === '[') depth++;
    else if ((ch === '}' || ch === ']') && depth > 0) depth--;
  }
  return depth > 0;
}

/** The quoted values and unclosed brackets of a document, for errors whose position is not the token they are about. */
interface TokenIndex {
  /** In text order (they never overlap). */
  quoted: CST.FlowScalar[];
  /** Flow collections that yaml did not see closed by their own bracket. */
  unclosed: CST.FlowCollection[];
}

/** Built once per document: a broken file may hold thousands of errors, and a large one a million tokens. */
function tokenIndex({ tokens, memo }: YamlErrorContext): TokenIndex {
  if (memo.index) return memo.index;
  const quoted: CST.FlowScalar[] = [];
  const unclosed: CST.FlowCollection[] = [];
  for (const t of allTokens(tokens)) {
    if (t.type === 'double-quoted-scalar' || t.type === 'single-quoted-scalar') quoted.push(t);
    else if (t.type === 'flow-collection' && t.end[0]?.source !== (t.start.source === '{' ? '}' : ']')) unclosed.push(t);
  }
  quoted.sort((a, b) => a.offset - b.offset);
  memo.index = { quoted, unclosed };
  return memo.index;
}

/** The last quoted value that starts before `offset`, by bisection. */
function quotedBefore(index: TokenIndex, offset: number): CST.FlowScalar | undefined {
  const list = index.quoted;
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (list[mid].offset < offset) low = mid + 1;
    else high = mid;
  }
  return low > 0 ? list[low - 1] : undefined;
}

function* allTokens(tokens: readonly CST.Token[]): Generator<CST.Token> {
  const stack = [...tokens];
  while (stack.length > 0) {
    const token = stack.pop()!;
    yield token;
    if (token.type === 'document' && token.value) stack.push(token.value);
    else if (CST.isCollection(token)) {
      for (const item of token.items as CST.CollectionItem[]) {
        if (item.key) stack.push(item.key);
        if (item.value) stack.push(item.value);
      }
    }
  }
}

const isItemLine = (line: Line): boolean => /^-(?:\s|$)/.test(line.text.slice(line.indent));

function tabIndent({ line }: ErrorSite): Explained {
  return { message: `line ${line.number} is indented with a tab`, hint: 'YAML indents with spaces only: replace the tab with spaces' };
}

/** `- item` at another column than `other`, the item above it in its list. */
function itemOutOfLine(line: Line, other: Line | undefined): Explained {
  const item = clipText(line.text);
  return {
    offset: line.start + line.indent,
    message: `the list item \`${item}\` (column ${line.indent + 1}) is not lined up with ${other
      ? `\`${clipText(other.text)}\` (line ${other.number}, column ${other.indent + 1})`
      : 'the items before it'}`,
    hint: 'the items of one list start at the same column, with their `-`',
  };
}

/** The nearest list item above `line` at another column, within the lines nested deeper than it. */
function itemAbove(text: string, line: Line): Line | undefined {
  let budget = 1000;
  for (const before of contentLinesBefore(text, line)) {
    if (--budget < 0) return undefined;
    const item = isItemLine(before);
    if (item && before.indent !== line.indent) return before;
    if (!item && before.indent <= line.indent) return undefined;
  }
  return undefined;
}

function misalignedItem({ text, line }: ErrorSite): Explained | undefined {
  return isItemLine(line) ? itemOutOfLine(line, itemAbove(text, line)) : undefined;
}

/** `- item` where a map's `key: value` entries are, or out of line with the list above it. */
function listItemAmongKeys(site: ErrorSite): Explained | undefined {
  const { text } = site;
  // yaml may point at the blank line before the item.
  const line = contentLine(site);
  if (!isItemLine(line)) return undefined;
  const item = clipText(line.text);
  let budget = 1000;
  for (const before of contentLinesBefore(text, line)) {
    if (--budget < 0) break;
    const beforeItem = isItemLine(before);
    if (beforeItem && before.indent !== line.indent) return itemOutOfLine(line, before);
    if (!beforeItem && before.indent === line.indent) {
      return {
        offset: line.start + line.indent,
        message: `the list item \`${item}\` is among the \`key: value\` entries of a map (\`${lineKeyAt(text, before.start + before.indent)}\`, line ${before.number})`,
        hint: `a map's entries are all \`key: value\` and a list's all \`- item\`: write line ${before.number} as a list item too (\`- ${clipText(before.text)}\`), or drop the \`-\``,
      };
    }
    if (before.indent < line.indent) break;
  }
  return {
    offset: line.start + line.indent,
    message: `the list item \`${item}\` stands where a \`key: value\` entry was expected`,
    hint: 'a map\'s entries are all `key: value` and a list\'s all `- item`',
  };
}

/** A line that is not `key: value`: a forgotten colon or space, or text that was meant to go on with a value. */
function keyWithoutColon(site: ErrorSite): Explained | undefined {
  const { text, offset, line } = site;
  const first = restOfLine(text, offset);
  if (first === '') return undefined;
  if (/^-(?:\s|$)/.test(first)) return listItemAmongKeys(site);
  const props = propsAboveKey(site) ?? propsIntoKey(text, line, offset);
  if (props) return props;
  const misplaced = valueBelowKey(site, first) ?? unclosedAtKey(first) ?? indicatorAtKey(first);
  if (misplaced !== undefined || /:(?:\s|$)/.test(first)) return misplaced;
  const noSpace = /^([^\s:'"]+):([^\s/].*)$/.exec(first);
  if (noSpace) {
    return {
      message: `\`${clipText(first)}\` has no space after its \`:\`, so it is not a \`key: value\` entry`,
      hint: `write \`${noSpace[1]}: ${clipText(noSpace[2])}\``,
    };
  }
  const message = `\`${clipText(first)}\` has no \`:\`, so it is not a \`key: value\` entry`;
  const words = first.split(/\s+/);
  const asKey = words.length === 1 ? `write \`${first}:\` followed by its value` : `write \`${words[0]}: ${clipText(words.slice(1).join(' '))}\``;
  const prev = contentLinesBefore(text, line).next();
  if (!prev.done) {
    const above = prev.value;
    const aboveKey = lineKeyAt(text, firstKeyOffset(above));
    if (/:\s*[|>][-+0-9]*\s*(?:#.*)?$/.test(above.text) && above.indent >= line.indent) {
      return {
        message: `\`${clipText(first)}\` is not indented under \`${aboveKey}\` (line ${above.number}), so it reads as a key without a \`:\``,
        hint: `the text of a \`|\` or \`>\` value goes on the lines below its key, indented further than \`${aboveKey}\``,
      };
    }
    const plainValue = /^(?:-\s+)?[^\s:#][^:#]*?:\s+[^\s{["'|>&*!#]/.test(above.text.trim());
    if (plainValue && above.indent === line.indent) {
      return {
        message,
        hint: `to go on with the value of \`${aboveKey}\` (line ${above.number}), indent this line further than \`${aboveKey}\` or quote the whole value; as a key, ${asKey}`,
      };
    }
  }
  return { message, hint: `a map entry is \`key: value\`: ${asKey}` };
}

/** Anchors and tags alone (`&a`, `!tag`, `&a !t`, or `&aname:` that swallowed its key): nothing else on the text. */
const PROPS_ONLY = /^[&!][^\s#]*(?:\s+[&!][^\s#]*)*$/;

/** The anchors and tags at the start of a line's first key (past a list item's `- `), when that is all its key holds. */
function propsOfLine(text: string, line: Line): { offset: number; props: string } | undefined {
  const offset = firstKeyOffset(line);
  const props = restOfLine(text, offset).replace(/\s+[^&!\s][\s\S]*$/, '');
  return PROPS_ONLY.test(props) ? { offset, props } : undefined;
}

/** What an anchor or tag is, in a message: `&` names a value for reuse, `!` gives it a type. */
const propWord = (props: string): string => (props.startsWith('&') ? 'anchor' : 'tag');

/**
 * `&aname: x` or `!tagkey:`: an anchor or tag runs up to the next space, `:` included, so the line has no key.
 * One message wherever yaml stops (at the value, at the line below, or at the line's indentation).
 */
function propSwallowsKey(text: string, line: Line): Explained | undefined {
  const found = propsOfLine(text, line);
  if (found === undefined || !found.props.endsWith(':')) return undefined;
  const { offset, props } = found;
  const last = props.split(/\s+/).pop()!;
  const bare = last.slice(1, -1);
  const kind = propWord(last);
  return {
    offset,
    message: `\`${clipText(props)}\` is read as ${kind === 'anchor' ? 'an anchor' : 'a tag'}, \`:\` included, so line ${line.number} has no key`,
    hint: `a model needs no ${kind}s: remove the \`${last[0]}\` to make \`${bare}\` the key (\`${bare}:\`); to keep the ${kind}, end it with a space before the key (\`${last[0]}name ${bare}:\`)`,
  };
}

/** `&aname: x` on the line yaml stopped on: the value found no key. */
function propsIntoKey(text: string, line: Line, offset: number): Explained | undefined {
  return offset > firstKeyOffset(line) ? propSwallowsKey(text, line) : undefined;
}

/**
 * `&a` or `!tag` on a line of its own above a key of a map: yaml reads the two lines as one key spread over both.
 * (Above a map's first key, the anchor names the map, which is valid.)
 */
function propsAboveKey({ text, offset, line }: ErrorSite): Explained | undefined {
  if (offset !== firstKeyOffset(line)) return undefined;
  const prev = contentLinesBefore(text, line).next();
  if (prev.done || prev.value.indent > line.indent) return undefined;
  // `&adb:` over its value's lines: the value found no key.
  const swallowed = propSwallowsKey(text, prev.value);
  if (swallowed || prev.value.indent !== line.indent) return swallowed;
  const found = propsOfLine(text, prev.value);
  if (found === undefined) return undefined;
  const kind = propWord(found.props);
  const key = lineKeyAt(text, offset);
  return {
    offset: found.offset,
    message: `the ${kind} \`${clipText(found.props)}\` is on a line of its own, so YAML reads it and \`${key}\` (line ${line.number}) as one key over two lines`,
    hint: `a model needs no ${kind}s: remove line ${prev.value.number}; to keep the ${kind}, write it on the key's line: \`${clipText(`${found.props} ${restOfLine(text, offset)}`, 70)}\``,
  };
}

/** `internet:` with its `{ ... }` on the next line, not indented under it: the value reads as a key. */
function valueBelowKey({ text, offset, line }: ErrorSite, first: string): Explained | undefined {
  if (offset !== line.start + line.indent) return undefined;
  const prev = contentLinesBefore(text, line).next();
  if (prev.done || !/:\s*(?:#.*)?$/.test(prev.value.text)) return undefined;
  // The key's own column, past a list item's `- `: `- a -> b:` with its `{ }` below at the arrow's column.
  const keyOffset = firstKeyOffset(prev.value);
  if (keyOffset - prev.value.start < line.indent) return undefined;
  const key = lineKeyAt(text, keyOffset);
  return {
    message: `\`${clipText(first)}\` is on the line below \`${key}\` (line ${prev.value.number}) but not indented under it, so it is not its value`,
    hint: `indent it further than \`${key}\`, or write it on the same line: \`${clipText(`${key}: ${first}`, 70)}\``,
  };
}

/** `{system:` or `"system:`: a bracket or quote opened at the start of a key and not closed on its line. */
function unclosedAtKey(first: string): Explained | undefined {
  const opener = first[0];
  const closer = ({ '{': '}', '[': ']', '"': '"', "'": "'" } as Record<string, string>)[opener];
  if (closer === undefined || first.indexOf(closer, 1) !== -1) return undefined;
  return {
    message: `the \`${opener}\` at the start of \`${clipText(first)}\` is not closed on its line, so the lines below are read into it`,
    hint: `remove the \`${opener}\`, or close it with \`${closer}\` on the same line`,
  };
}

/** `*system:` or `|system:`: a key starting with a character YAML reads as something else. */
function indicatorAtKey(first: string): Explained | undefined {
  const m = /^([*&!|>])([^\s:]*):?/.exec(first);
  if (m === null) return undefined;
  return {
    message: `a key cannot start with \`${m[1]}\` unless it is quoted: YAML reads \`${clipText(first)}\` as something else`,
    hint: `remove the \`${m[1]}\`, or quote the key: \`${JSON.stringify(m[1] + m[2])}:\``,
  };
}

function pairOverLines(): Explained {
  return { message: 'a `key: value` inside `[ ]` is written on one line', hint: 'write it on one line, or use `{ }` for a map' };
}

/** yaml reports a missing closing quote where the text ended; the opening quote is what to look at. */
function unclosedQuote(site: ErrorSite): Explained | undefined {
  const { text, offset, at, e } = site;
  const q = e.message.includes('"') ? '"' : "'";
  const token = quotedBefore(tokenIndex(site), offset);
  if (token === undefined || token.source[0] !== q || token.offset + token.source.length !== offset) return quoteClosedOutdented(text, offset, q);
  const open = token.offset;
  const openLine = lineAt(text, open, (o) => at(o).line);
  const key = keyOfValueAt(openLine, open);
  const first = restOfLine(text, open);
  // Quoted text may go on over lines indented further than its key; a line that is not ends it there.
  const next = contentLineAfter(text, openLine);
  const closedBelow = !token.source.includes('\n') && next !== undefined && next.text.includes(q) && key !== undefined;
  // Over several lines already: the line that closes it is the one to fix, not the opening.
  const outdented = closedBelow ? undefined : quoteClosedOutdented(text, offset, q);
  if (outdented) return outdented;
  return {
    offset: open,
    message: `the quoted value \`${clipText(first)}\` has no closing \`${q}\``,
    hint: closedBelow
      ? `quoted text that goes on over lines is indented further than \`${key}\` on every line`
      : `end it with \`${q}\` on the same line: \`${clipText(entry(key, first + q), 70)}\``,
  };
}

/** The hint for a quoted value closed on a line no further in than its key (quoteClosedOutdented). */
export const OUTDENTED_QUOTE_HINT = 'indent the continuation lines of a quoted string more than its key';

/** A key line (`  codeSnippet:`, `- id: x`): its key and the key's column. */
const KEY_LINE = /^(\s*(?:-\s+)?)([A-Za-z_$][\w$.-]*)\s*:(?:\s|$)/;

/**
 * A quoted value over several lines closed on a line indented no further than its key (`codeSnippet:`, then
 * `'public void f() {` ... and `}'` back at the key's column): YAML ends the value on the line before that one
 * and reports the quote missing at that line's end, while the mistake is the closing line's indent (PyYAML
 * accepts it; the OTM specification's own example has it). The closing line, for the message; undefined when
 * the line after the error does not close a quote there. `offset`: where yaml reported the missing quote.
 */
export function quoteClosedOutdented(text: string, offset: number, q: string): PlainError | undefined {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const number = text.slice(0, start).split('\n').length;
  const closing = contentLineAfter(text, { number, start, indent: 0, text: '' });
  if (closing === undefined || !closing.text.includes(q)) return undefined;
  const key = keyAbove(text, start);
  if (key === undefined || key.column < closing.indent) return undefined;
  return {
    offset: closing.start + closing.indent,
    message: `line ${closing.number} closes the quoted value of \`${key.name}\` (line ${key.line}) but starts no further in than \`${key.name}\`, so YAML ended the value on the line above it and finds no closing \`${q}\``,
    hint: `${OUTDENTED_QUOTE_HINT}: indent line ${closing.number} past column ${key.column + 1}`,
  };
}

/** The nearest key line at or above the line starting at `start`, within a bounded look-back. */
function keyAbove(text: string, start: number): { name: string; column: number; line: number } | undefined {
  const lines = text.slice(0, text.indexOf('\n', start) === -1 ? text.length : text.indexOf('\n', start)).split('\n');
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 1000); i--) {
    const m = KEY_LINE.exec(lines[i].replace(/\r$/, ''));
    if (m) return { name: m[2], column: m[1].length, line: i + 1 };
  }
  return undefined;
}

/** A `: ` in a plain value inside `{ }`: a missing comma between entries, or a value to quote. */
function blockInFlow({ text, offset, line }: ErrorSite): Explained {
  const value = (/^[^,{}[\]\n]*/.exec(text.slice(offset))?.[0] ?? '').replace(/\s+#.*$/, '').trim();
  const key = keyOfValueAt(line, offset);
  const next = /^(\S+)\s+([^\s:]+):(?:\s|$)/.exec(value);
  if (next) {
    return {
      message: `\`${next[2]}:\` inside the value of ${key === undefined ? 'an entry' : `\`${key}\``} starts a map, which cannot go inside \`{ }\``,
      hint: `if \`${next[2]}\` is the next entry, put a \`,\` before it: \`${entry(key, `${next[1]}, ${clipText(value.slice(next[0].length - next[0].trimStart().length + next[1].length).trim())}`)}\`; if it is part of the value, quote it: \`${entry(key, JSON.stringify(value))}\``,
    };
  }
  if (/:(?:\s|$)/.test(value)) {
    return {
      message: `a \`: \` inside the value \`${clipText(value)}\` starts a map, which cannot go inside \`{ }\``,
      hint: `quote the value: \`${entry(key, JSON.stringify(value))}\``,
    };
  }
  return {
    message: 'a `- item` or `key: value` on a line of its own cannot go inside `{ }` or `[ ]`',
    hint: 'inside brackets, entries are separated by commas: `{ a: 1, b: 2 }`, `[a, b]`',
  };
}

/** The bracket that yaml found unclosed, innermost first, each named once. */
function unclosedBracket(site: ErrorSite): Explained | undefined {
  const { text, offset, line, at, used, e } = site;
  const close = e.message.startsWith('Flow map') ? '}' : ']';
  const open = close === '}' ? '{' : '[';
  let bracket: CST.FlowCollection | undefined;
  for (const t of tokenIndex(site).unclosed) {
    if (t.start.source === open && t.offset <= offset && !used.has(t) && (bracket === undefined || t.offset > bracket.offset)) bracket = t;
  }
  if (bracket === undefined) return undefined;
  used.add(bracket);
  const openLine = lineAt(text, bracket.offset, (o) => at(o).line);
  const key = keyOfValueAt(openLine, bracket.offset);
  const what = close === '}' ? 'map' : 'list';
  // A line below that closes more than it opens goes on with the bracket: it is indented too little.
  if (line.number > openLine.number && closesMore(line)) {
    return {
      offset: line.start + line.indent,
      message: `line ${line.number} goes on with the \`${open} ${close}\` ${what} of line ${openLine.number}, but is not indented further than ${key === undefined ? 'that line' : `\`${key}\``}`,
      hint: `indent it further than line ${openLine.number} (past column ${openLine.indent + 1}), or write the ${what} on one line`,
    };
  }
  const named = `the \`${open}\` ${key === undefined ? '' : `of \`${key}\` `}`;
  // yaml took the other kind of bracket as its end: one too many, or the wrong one.
  const wrong = bracket.end[0];
  if (wrong !== undefined && (wrong.source === '}' || wrong.source === ']')) {
    return {
      offset: wrong.offset,
      message: `this \`${wrong.source}\` closes ${named}(line ${openLine.number}, column ${at(bracket.offset).col}), which takes \`${close}\``,
      hint: `remove it if it is one too many, or write \`${close}\` in its place`,
    };
  }
  const rest = restOfLine(text, bracket.offset);
  return {
    offset: bracket.offset,
    message: `${named}has no closing \`${close}\``,
    hint: line.number > openLine.number + 1 ? `close it with \`${close}\` after its last entry`
      : `add \`${close}\` at its end: \`${clipText(entry(key, `${rest}${rest.startsWith(`${open} `) ? ' ' : ''}${close}`), 70)}\``,
  };
}

/** Whether a line closes more brackets than it opens. */
function closesMore(line: Line): boolean {
  let depth = 0;
  for (const ch of line.text.replace(/\s#.*$/, '')) {
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    if (depth < 0) return true;
  }
  return false;
}

/**
 * `{ GET /orders/{id}: {} }`: a route's path parameter opens a bracket in the middle of a plain key, which a flow
 * map cannot hold. The key as written (from the entry's start to the `:` that ends it), when the bracket at
 * `offset` follows a character of that key rather than a separator.
 */
function bracketInPlainScalar(text: string, offset: number): string | undefined {
  if ((text[offset] !== '{' && text[offset] !== '[') || offset === 0 || /[\s,:{[]/.test(text[offset - 1])) return undefined;
  let start = offset;
  while (start > 0 && !/[,{[\n]/.test(text[start - 1])) start--;
  // Forward to the `: ` that ends a key, the `,` that ends an entry or the bracket that closes the collection.
  let end = offset;
  for (let depth = 0; end < text.length && text[end] !== '\n'; end++) {
    const ch = text[end];
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      if (--depth < 0) break;
    } else if (depth === 0 && (ch === ',' || (ch === ':' && /\s/.test(text[end + 1] ?? '\n')))) break;
  }
  const written = text.slice(start, end).trim();
  return written === '' || /["']/.test(written[0]) ? undefined : written;
}

function strayComma(): Explained {
  return { message: 'a `,` with no entry before it', hint: 'remove the extra `,`' };
}

function missingComma({ text, offset, e }: ErrorSite): Explained {
  const bracketed = bracketInPlainScalar(text, offset);
  if (bracketed !== undefined) {
    return {
      message: `\`${clipText(bracketed)}\` holds a \`${text[offset]}\`, which inside \`{ }\` or \`[ ]\` starts a new collection unless the text is quoted`,
      hint: `quote it: \`"${clipText(bracketed, 70)}"\`, or write the collection one entry a line`,
    };
  }
  const or = e.message.includes(' or :') ? ' (or a `:`)' : '';
  return {
    message: `a \`,\`${or} is missing before \`${wordAt(text, offset)}\``,
    hint: 'inside `{ }` and `[ ]` entries are separated by commas, and a key from its value by `: `',
  };
}

function strayColon(): Explained {
  return { message: 'a `:` with no key before it', hint: 'remove it, or write the key before it' };
}

/**
 * yaml's document ended before this point, so it is outside the model: a closing bracket with nothing to
 * close, or a line left of the first line's column. (Everything after it is left unreported: see
 * withoutFollowOns.)
 */
function outsideDocument({ text, offset, line, tokens, at }: ErrorSite): Explained {
  const ch = text[offset];
  if (ch === '}' || ch === ']') {
    return { message: `a \`${ch}\` with no \`${ch === '}' ? '{' : '['}\` before it to close`, hint: 'remove it, or add the bracket it closes' };
  }
  const left = leftOfFirstLine(offset, line, tokens, at);
  if (left) return left;
  return {
    message: `\`${wordAt(text, offset)}\` cannot go here, and the model cannot be read past it`,
    hint: 'the line above may be unfinished: check its quotes, brackets and indentation',
  };
}

/** A line left of the model's first line: the first line is indented, and yaml's document ends above. */
function leftOfFirstLine(offset: number, line: Line, tokens: readonly CST.Token[], at: (offset: number) => Loc): Explained | undefined {
  if (offset !== line.start + line.indent) return undefined;
  let root: number | undefined;
  for (const t of tokens) if (t.type === 'document' && t.value && root === undefined) root = t.value.offset;
  const first = root === undefined ? undefined : at(root);
  if (first === undefined || line.indent + 1 >= first.col) return undefined;
  return {
    message: `line ${line.number} starts left of the model's first line (line ${first.line}, column ${first.col}), so the model ends above it`,
    hint: `the top-level keys start at the same column: remove the spaces before line ${first.line}`,
  };
}

/** `tags: - a`: a list item on the line of its key. */
function itemOnKeyLine({ text, offset, line }: ErrorSite): Explained {
  const key = keyOfValueAt(line, offset) ?? 'key';
  const item = clipText(restOfLine(text, offset).replace(/^-\s*/, ''));
  return {
    message: `a list item \`- ${item}\` cannot start on the line of its key \`${key}\``,
    hint: `write \`${key}: [${item}]\`, or put \`- ${item}\` on the next line, indented further than \`${key}\``,
  };
}

/** `description: | text`: the text of a block value starts on the next line. */
function blockScalarHeader({ text, offset, line }: ErrorSite): Explained | undefined {
  // yaml points at the indicator itself, or at the text after it.
  const m = /(?:^|\s)([|>])[-+0-9]*\s*\S?$/.exec(line.text.slice(0, offset - line.start + 1));
  if (m === null) return undefined;
  const start = line.start + m.index + m[0].indexOf(m[1]);
  const extra = restOfLine(text, start + 1).replace(/^[-+0-9]*/, '').trim();
  const key = keyOfValueAt(line, start) ?? 'its key';
  return {
    offset: start,
    message: `\`${m[1]}\` starts a value on the lines below it, so \`${clipText(extra)}\` cannot follow it on its line`,
    hint: `put \`${clipText(extra)}\` on the next line, indented further than \`${key}\`, or drop the \`${m[1]}\` for a one-line value`,
  };
}

/** Text after a value that ended on its line: after a closing quote most often a quote inside the text. */
function afterValue(site: ErrorSite): Explained {
  const { text, offset, line, tokens, at } = site;
  const left = leftOfFirstLine(offset, line, tokens, at);
  if (left) return left;
  const extra = wordAt(text, offset);
  const quoted = quotedBefore(tokenIndex(site), offset);
  if (quoted === undefined || quoted.offset < line.start || quoted.offset + quoted.source.length > offset
    || text.slice(quoted.offset + quoted.source.length, offset).trim() !== '') {
    return { message: `\`${extra}\` follows the end of the value on its line`, hint: 'remove it, or quote the whole value' };
  }
  const q = quoted.source[0];
  const key = keyOfValueAt(line, quoted.offset);
  const whole = restOfLine(text, quoted.offset);
  const inner = whole.length > 1 && whole.endsWith(q) ? whole.slice(1, -1) : undefined;
  const fixed = inner === undefined ? (whole.includes("'") ? JSON.stringify(whole) : `'${whole}'`)
    : q === "'" ? `'${inner.replace(/'/g, "''")}'` : JSON.stringify(inner);
  const how = inner === undefined ? 'quote the whole value'
    : q === "'" ? 'inside single quotes a quote is written twice' : 'inside double quotes a quote is written `\\"`';
  return {
    message: `\`${extra}\` follows the closing quote of \`${clipText(quoted.source)}\``,
    hint: `${how}: \`${clipText(entry(key, fixed), 70)}\``,
  };
}

function unexpectedToken(site: ErrorSite): Explained {
  const { text, offset, line } = site;
  const word = wordAt(text, offset);
  if (insideBrackets(line, offset)) return { message: `a \`,\` is missing before \`${word}\``, hint: 'inside `{ }` and `[ ]` entries are separated by commas' };
  if (/["']\s*$/.test(line.text.slice(0, offset - line.start))) return afterValue(site);
  return { message: `\`${word}\` cannot go here`, hint: 'check the quotes, brackets and indentation of this line and the one above' };
}

/** `owner: @team`: `@`, `` ` ``, `%`, `|`... cannot start a plain value. */
function reservedStart({ text, offset, line }: ErrorSite): Explained {
  const flow = insideBrackets(line, offset);
  const value = flow ? (/^[^,{}[\]\n]*/.exec(text.slice(offset))?.[0] ?? '').trim() : restOfLine(text, offset);
  return {
    message: `a value cannot start with \`${text[offset]}\` unless it is quoted`,
    hint: `write \`${clipText(entry(keyOfValueAt(line, offset), JSON.stringify(value)), 70)}\``,
  };
}

/** `"C:\Users"`: a backslash in double quotes starts an escape. */
function badEscape(site: ErrorSite): Explained {
  const { text, offset, at } = site;
  const escape = text.slice(offset, offset + 2);
  const before = quotedBefore(tokenIndex(site), offset);
  const token = before?.type === 'double-quoted-scalar' && offset < before.offset + before.source.length ? before : undefined;
  const inner = token && token.source.length > 1 && token.source.endsWith('"') ? token.source.slice(1, -1) : undefined;
  // Single quotes keep every backslash as it is: right unless the text also holds escapes that work.
  const single = inner !== undefined && !/\n|\\["\\nt]/.test(inner) ? `'${inner.replace(/'/g, "''")}'` : undefined;
  const key = token === undefined ? undefined : keyOfValueAt(lineAt(text, token.offset, (o) => at(o).line), token.offset);
  return {
    message: `\`${escape}\` is not an escape sequence inside double quotes`,
    hint: single !== undefined
      ? `in single quotes a backslash is an ordinary character: \`${clipText(entry(key, single), 70)}\`; or write each backslash as \`\\\\\``
      : 'write each backslash as `\\\\`, or use single quotes',
  };
}

function emptyAnchor({ e }: ErrorSite): Explained {
  return e.message.startsWith('Alias')
    ? { message: 'a `*` on its own starts an alias (a reference to a value named with `&`)', hint: 'quote it if it is text: `"*"`' }
    : { message: 'a `&` on its own starts an anchor (a name for a value, to reuse with `*`)', hint: 'quote it if it is text: `"&"`' };
}

/** `*name:` or `&name:`: the colon is read as part of the name. */
function anchorColon({ text, offset, e }: ErrorSite): Explained {
  const sigil = e.message.startsWith('Alias') ? '*' : '&';
  const start = Math.max(0, text.lastIndexOf(sigil, offset));
  const name = text.slice(start, offset + 1);
  return {
    offset: start,
    message: `the ${sigil === '*' ? 'alias' : 'anchor'} \`${name}\` ends in \`:\`, which YAML reads as part of its name`,
    hint: `if the \`:\` ends a key, put a space before it: \`${name.slice(0, -1)} :\`; else remove the \`:\``,
  };
}

/** `&x{ ... }`: an anchor or tag runs into the value. */
function propWithoutSpace({ text, offset }: ErrorSite): Explained {
  const own = /^[&!]/.test(text[offset] ?? '');
  const prop = own ? (/^[&!][^\s{}[\],]*/.exec(text.slice(offset, offset + 200))?.[0] ?? '') : (/[&!][^\s&!]*$/.exec(text.slice(Math.max(0, offset - 200), offset))?.[0] ?? '');
  const next = own ? wordAt(text, offset + prop.length) : wordAt(text, offset);
  return { message: `\`${prop}\` needs a space before \`${next}\``, hint: `write \`${prop} ${next}\`` };
}

function commentWithoutSpace(): Explained {
  return { message: 'a `#` starts a comment only after a space', hint: 'put a space before the `#`, or quote the value if the `#` is part of it' };
}

function documentStartLine({ text, offset }: ErrorSite): Explained {
  return { message: 'a map cannot start on the `---` line', hint: `move \`${clipText(restOfLine(text, offset))}\` to the next line` };
}

/** `%YAML 1.2` with no `---` after it: yaml then reads the whole model as directives. */
function directiveWithoutStart({ text }: ErrorSite): Explained {
  const m = /^%.*$/m.exec(text);
  return {
    offset: m?.index ?? 0,
    message: `\`${clipText(m?.[0] ?? '%')}\` is a YAML directive, which needs a \`---\` line after it`,
    hint: 'remove the line: a model needs no directives',
  };
}

function directive({ line, e }: ErrorSite): Explained {
  const version = /^Unsupported YAML version (\S+)/.exec(e.message);
  if (version) return { message: `threatmap reads YAML 1.2, not YAML ${version[1]}`, hint: 'remove the `%YAML` line' };
  return {
    message: `a line starting with \`%\` is a YAML directive: \`${clipText(line.text)}\``,
    hint: 'remove the `%` (or the line): a model needs no directives',
  };
}

/** `!secret`: a YAML tag, which a model has no use for. */
function tag({ text, offset, e }: ErrorSite): Explained | undefined {
  const name = /^!\S*/.exec(text.slice(offset, offset + 200))?.[0];
  if (name === undefined) return undefined;
  return e.name === 'YAMLWarning'
    ? { message: `the YAML tag \`${clipText(name)}\` is ignored`, hint: 'remove it: a model needs no tags (quote a value that starts with `!`)' }
    : { message: `the value does not fit its YAML tag \`${clipText(name)}\``, hint: 'remove the tag: a model needs none' };
}

const OUTSIDE_DOCUMENT = / in YAML (?:stream|document)/;
const COMPACT_MAP = 'Nested mappings are not allowed in compact mappings';
const UNCLOSED_QUOTE = /^Missing closing ["']quote$/;

/**
 * yaml reports some mistakes many times over: after a stray `}` its document has ended and every token
 * after it is "unexpected", and the line after an unclosed quote is read as a key without a value. The
 * first report is the one to read; the others go.
 */
export function withoutFollowOns(errors: readonly YAMLError[], text: string): YAMLError[] {
  let firstOutside = Infinity;
  const afterQuotes: Array<[number, number]> = [];
  // `from: a` over `   to: b`: yaml reports the value `a` twice, as a map in a compact map and as a key.
  const compactMaps = new Set<number>();
  for (const e of errors) {
    if (e.code === 'BLOCK_AS_IMPLICIT_KEY' && e.message === COMPACT_MAP) compactMaps.add(e.pos[0]);
    if (e.code === 'UNEXPECTED_TOKEN' && OUTSIDE_DOCUMENT.test(e.message)) firstOutside = Math.min(firstOutside, e.pos[0]);
    if (e.code === 'MISSING_CHAR' && UNCLOSED_QUOTE.test(e.message)) {
      const lineEnd = text.indexOf('\n', e.pos[0]);
      const nextEnd = lineEnd === -1 ? -1 : text.indexOf('\n', lineEnd + 1);
      afterQuotes.push([e.pos[0], nextEnd === -1 ? text.length : nextEnd]);
    }
  }
  afterQuotes.sort((a, b) => a[0] - b[0]);
  const shortValues = keysOfShortValues(errors, text);
  return errors.filter((e) => {
    const offset = e.pos[0];
    if (offset > firstOutside && OUTSIDE_DOCUMENT.test(e.message)) return false;
    if (e.code === 'MULTILINE_IMPLICIT_KEY' && compactMaps.has(offset)) return false;
    if (e.code === 'BAD_INDENT' && e.message === MISALIGNED_KEY && shortValues.has(lineStartOf(text, offset))) return false;
    return !inRange(afterQuotes, offset);
  });
}

const MISALIGNED_KEY = 'All mapping items must start at the same column';
const KEY_WITHOUT_VALUE = 'Implicit map keys need to be followed by map values';

const lineStartOf = (text: string, offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;

/**
 * The starts of the key lines whose `{ }` or `[ ]` value sits on the line below one column short: yaml reports
 * the value as a key without a value (the one true message: valueBelowKey) and the key above it as out of line.
 */
function keysOfShortValues(errors: readonly YAMLError[], text: string): Set<number> {
  const starts = new Set<number>();
  for (const e of errors) {
    const offset = e.pos[0];
    if (e.code !== 'MISSING_CHAR' || e.message !== KEY_WITHOUT_VALUE || (text[offset] !== '{' && text[offset] !== '[')) continue;
    const above = keyLineAbove(text, lineStartOf(text, offset));
    if (above !== undefined) starts.add(above);
  }
  return starts;
}

/** The start of the nearest line above `start` that holds more than a comment, when it is a key with nothing after its `:`. */
function keyLineAbove(text: string, start: number): number | undefined {
  for (let end = start - 1, budget = 1000; end > 0 && budget > 0; budget--) {
    const from = lineStartOf(text, end);
    const body = text.slice(from, end).replace(/\r$/, '').trim();
    if (body !== '' && !body.startsWith('#')) return /:\s*(?:#.*)?$/.test(body) ? from : undefined;
    end = from - 1;
  }
  return undefined;
}

/** Whether `offset` lies after the start and up to the end of the last range that starts before it (bisection). */
function inRange(ranges: ReadonlyArray<readonly [number, number]>, offset: number): boolean {
  let low = 0;
  let high = ranges.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (ranges[mid][0] < offset) low = mid + 1;
    else high = mid;
  }
  return low > 0 && offset <= ranges[low - 1][1];
}

/**
 * One problem per line, errors first: a second one on the line (after explaining, which may move them)
 * follows from the first.
 */
export function onePerLine(list: Diagnostic[]): Diagnostic[] {
  const lines = new Set<number>();
  return list.filter((d) => {
    if (lines.has(d.line)) return false;
    lines.add(d.line);
    return true;
  });
}
