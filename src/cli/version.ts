// Read once from package.json so that `threatmap --version` never drifts from the published version.
import { readFileSync } from 'node:fs';

/**
 * The nearest package.json above this module, the package's own: this module runs from src/cli, dist/cli
 * or a chunk of the bundle a folder below dist/cli.
 */
function packageJson(): string {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      return readFileSync(new URL('package.json', dir), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dir.pathname === '/') throw err;
    }
  }
}

export const VERSION = (JSON.parse(packageJson()) as { version: string }).version;
