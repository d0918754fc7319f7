// Writes schema/threatmap.schema.json from the zod schema, the single source of truth, and
// schema/threatmap-triage.schema.json for the triage files beside models. Editors use the files for completion
// and checks (`# yaml-language-server: $schema=...`), so they are committed and a test fails when one falls
// behind. `--check` exits 1 instead of writing when a file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { RISKS } from '../src/analysis/types.js';
import { modelJsonSchema } from '../src/model/schema.js';
import { TRIAGE_VERSION, TRIAGE_VERSION_KEY } from '../src/track/triage.js';
import { TRIAGE_STATUSES } from '../src/track/types.js';

const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema');
export const SCHEMA_FILE = join(SCHEMA_DIR, 'threatmap.schema.json');
export const TRIAGE_SCHEMA_FILE = join(SCHEMA_DIR, 'threatmap-triage.schema.json');

/** Pretty, stable JSON with a trailing newline, so that diffs of the schema stay readable. */
const pretty = (schema: unknown): string => `${JSON.stringify(schema, null, 2)}\n`;

export function schemaText(): string {
  return pretty(modelJsonSchema());
}

/**
 * An entry's id as the triage reader takes it (normalizeRef): a stable id in any case, or a threat key
 * `rule@component`, spaces around either allowed.
 */
const ENTRY_ID = /^\s*(?:[Tt][Mm]-[0-9A-Fa-f]{8}\s*$|[^@\s]+@\S)/;

/** A risk word in any case, as readRisk takes it (JSON Schema patterns have no case-insensitive flag). */
const RISK_WORD = new RegExp(`^\\s*(?:${RISKS.map((r) => [...r].map((c) => `[${c.toUpperCase()}${c.toLowerCase()}]`).join('')).join('|')})\\s*$`);

// The reader skips a field left empty (`owner:`), so every optional one may be null.
const text = z.union([z.string(), z.number()]).nullable();
const date = z.iso.date().nullable().meta({ description: 'a calendar day, YYYY-MM-DD' });

/**
 * The triage file as parseTriage reads it, written for editors: the reader stays the authority (it also tells
 * duplicate entries and stale ones), and a test holds the two in agreement on statuses, dates and unknown keys.
 */
const triageEntrySchema = z.strictObject({
  status: z.enum(TRIAGE_STATUSES).meta({ description: 'the decision: open and mitigating carry the risk; the others close the threat' }),
  threat: text.meta({ description: 'what the threat is, for readers of this file' }),
  reason: text.meta({ description: 'why: needed for accepted, false-positive and transferred' }),
  owner: text,
  ticket: text,
  expires: date.meta({ description: 'the day the decision lapses and the threat opens again' }),
  review: date.meta({ description: 'the day the decision is due for review' }),
  risk: z.string().regex(RISK_WORD).nullable().meta({ description: 'the risk the decision was made at (threatmap writes it)' }),
  covers: z.array(z.union([z.string(), z.number()])).nullable().meta({ description: 'the flows the decision was made for (threatmap writes it)' }),
}).partial({ threat: true, reason: true, owner: true, ticket: true, expires: true, review: true, risk: true, covers: true });

const triageSchema = z.strictObject({
  [TRIAGE_VERSION_KEY]: z.literal(TRIAGE_VERSION).optional().meta({ description: 'Triage file format version' }),
  threats: z.record(z.string().regex(ENTRY_ID), triageEntrySchema).nullable().optional()
    .meta({ description: 'decisions by threat: a stable id (TM-3f9a2c1b) or a threat key (no-rate-limiting@api:/search)' }),
});

export function triageJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(triageSchema, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    $id: 'https://threatmap.dev/schema/threatmap-triage.schema.json',
    title: 'threatmap triage file',
    description: 'The team\'s decisions about the threats of a model (MODEL.triage.yaml beside it).',
    ...schema,
  };
}

export function triageSchemaText(): string {
  return pretty(triageJsonSchema());
}

/** Every schema file with the text it should hold. */
const FILES: ReadonlyArray<readonly [string, () => string]> = [[SCHEMA_FILE, schemaText], [TRIAGE_SCHEMA_FILE, triageSchemaText]];

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // a missing file is out of date like any other
    return '';
  }
}

function main(args: string[]): number {
  if (args.includes('--check')) {
    const stale = FILES.filter(([file, text]) => readOrEmpty(file) !== text());
    for (const [file] of stale) console.error(`${file} is out of date; run \`npm run schema\``);
    return stale.length ? 1 : 0;
  }
  for (const [file, text] of FILES) {
    writeFileSync(file, text());
    console.log(`wrote ${file}`);
  }
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
