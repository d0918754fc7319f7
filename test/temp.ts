// Temporary folders for tests, removed when the test process exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const madeFolders: string[] = [];

/**
 * A fresh folder under the system's temporary folder, removed when the test process exits (a run of the suite
 * made thousands of folders in /tmp before). One process runs one test file, so each file cleans up after itself.
 */
export function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (madeFolders.length === 0) process.once('exit', () => { for (const d of madeFolders) rmSync(d, { recursive: true, force: true }); });
  madeFolders.push(dir);
  return dir;
}
