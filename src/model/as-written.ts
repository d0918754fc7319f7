// A model's parts back in the form its file writes them: what the interchange exports (OTM, Threat Dragon)
// carry of a model, so that importing them writes the model the team wrote, not its normalised reading.
import type { RawWrittenThreat } from './schema.js';
import type { Assumption, WrittenThreat } from './types.js';

/** A list only when it says something: an empty list is the model's default. */
const listed = <K extends string>(key: K, items: readonly string[]): Partial<Record<K, string[]>> =>
  (items.length ? ({ [key]: [...items] } as Record<K, string[]>) : {});

export type AssumptionAsWritten = string | { text: string; rules?: string[]; elements?: string[] };

/** An assumption as the model writes it: its text alone when it rules out nothing in particular. */
export const assumptionAsWritten = (a: Assumption): AssumptionAsWritten =>
  (a.rules.length || a.elements.length ? { text: a.text, ...listed('rules', a.rules), ...listed('elements', a.elements) } : a.text);

/**
 * A written threat's entry of `threats:`: ids in `on` (a list even of one, so that a reader meets one shape;
 * none for the whole system alone), the stated ratings only, empty lists left out.
 */
export function writtenThreatAsWritten(t: WrittenThreat): RawWrittenThreat {
  const on = t.on.length === 1 && t.on[0].kind === 'system' ? [] : t.on.map((o) => o.id);
  return {
    title: t.title,
    stride: t.stride,
    ...(on.length ? { on } : {}),
    ...(t.description !== undefined ? { description: t.description } : {}),
    ...(t.likelihood !== undefined ? { likelihood: t.likelihood } : {}),
    ...(t.impact !== undefined ? { impact: t.impact } : {}),
    ...(t.mitigation !== undefined ? { mitigation: t.mitigation } : {}),
    ...listed('mitigated-by', t.mitigatedBy),
    ...listed('references', t.references),
  };
}
