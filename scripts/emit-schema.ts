// Writes schema/threatmap.schema.json from the zod schema, the single source of truth. Editors use the
// file for completion and checks (`# yaml-language-server: $schema=...`), so it is committed and a test
// fails when it falls behind. `--check` exits 1 instead of writing when the file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { modelJsonSchema } from '../src/model/schema.js';

export const SCHEMA_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'threatmap.schema.json');

/** Pretty, stable JSON with a trailing newline, so that diffs of the schema stay readable. */
export function schemaText(): string {
  return `${JSON.stringify(modelJsonSchema(), null, 2)}\n`;
}

function main(args: string[]): number {
  const text = schemaText();
  if (args.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(SCHEMA_FILE, 'utf8');
    } catch {
      // a missing file is out of date like any other
    }
    if (current === text) return 0;
    console.error(`${SCHEMA_FILE} is out of date; run \`npm run schema\``);
    return 1;
  }
  writeFileSync(SCHEMA_FILE, text);
  console.log(`wrote ${SCHEMA_FILE}`);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
