// Pure, comment-preserving edits of a model's text, for the web UI: add or remove a control on an element,
// flow, endpoint or boundary, and add or remove an element, a flow or a written threat. The `yaml` Document
// API finds the entries and the positions of their parts; the change is then spliced into the text at those
// positions, so that every other character stays as written (re-serialising the whole document would realign
// columns, respace `[a, b]` and move trailing comments on lines the edit never touched). New entries are
// written in the style of the ones around them. No Node APIs: this runs in the browser as well.
import { controlEdit } from './edit-controls.js';
import { structureEdit } from './edit-structure.js';
import { declaresYaml11, lineEndingAt, type Style } from './edit-text.js';
import { threatEdit } from './edit-threats.js';

export type EditTarget = { element: string } | { flow: string } | { endpoint: string } | { boundary: string };

/** What a new element may say at once; the rest (controls, endpoints...) is written in the text. */
export interface ElementFields {
  name?: string;
  type?: string;
  tech?: string;
  kind?: string;
  /** The boundary it sits in. */
  in?: string;
}

export interface FlowFields {
  /** Required: a flow without one does not load. */
  protocol?: string;
  auth?: string;
  /** Asset ids. */
  data?: readonly string[];
}

/** A threat written by hand (README "A written threat"); the rest (mitigated-by, references) is written in the text. */
export interface ThreatFields {
  title: string;
  /** S, T, R, I, D, E, or the category's name (spoofing ... elevation-of-privilege). */
  stride: string;
  /** What it threatens: element, boundary or flow ids, `a -> b`, `element:key`; none: the whole system. */
  on: readonly string[];
  description?: string;
  /** low, medium or high; left out, it is rated from the model. */
  likelihood?: string;
  impact?: string;
  mitigation?: string;
  /** Controls that, once in place, report it as mitigated. */
  'mitigated-by'?: readonly string[];
  references?: readonly string[];
}

export type ModelEdit =
  | { op: 'add-control'; target: EditTarget; control: string }
  | { op: 'remove-control'; target: EditTarget; control: string }
  /** Appended at the end of `elements:`. */
  | { op: 'add-element'; id: string; fields: ElementFields }
  /** The element, its leading comment lines, and every flow from or to it; refused while anything else names it. */
  | { op: 'remove-element'; id: string }
  /** Appended at the end of `flows:`; refused for unknown ends and for a second flow between the same ends. */
  | { op: 'add-flow'; from: string; to: string; fields: FlowFields }
  /** `flow` is the id the analysis gives it: its own `id`, else `from->to`. */
  | { op: 'remove-flow'; flow: string }
  /** Appended at the end of `threats:` (created at the end of the file); refused for an `on` that names nothing. */
  | { op: 'add-threat'; id: string; fields: ThreatFields }
  /** The threat and its leading comment lines; a bare `threats:` left empty goes with it. */
  | { op: 'remove-threat'; id: string };

export type EditResult = { text: string } | { error: string };

/**
 * The model text with the edit made: comments, blank lines, key order and flow/block styles survive, and the
 * rest of the text is unchanged to the byte. An error message (never an exception) when the target is not in
 * the text, the text does not parse, or the edit would leave a model that no longer loads for a reason the
 * edit itself can see (an unknown end, a duplicate id, a reference left dangling).
 */
export function applyModelEdit(text: string, edit: ModelEdit): EditResult {
  try {
    const style: Style = { json: /^\s*\{/.test(text.replace(/^\ufeff/, '')), eol: lineEndingAt(text, 0) ?? '\n', yaml11: declaresYaml11(text) };
    if (edit.op === 'add-control' || edit.op === 'remove-control') return controlEdit(text, edit, style);
    if (edit.op === 'add-threat' || edit.op === 'remove-threat') return threatEdit(text, edit, style);
    return structureEdit(text, edit, style);
  } catch (e) {
    // A bug, or an edit of the wrong shape from untyped JavaScript: a message like any other refusal.
    return { error: `the edit could not be made (${e instanceof Error ? e.message : String(e)}); please report this` };
  }
}
