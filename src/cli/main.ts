#!/usr/bin/env node
// The threatmap command line: a thin edge over load -> analyze -> render. The commands are defined in
// program.ts and do their work in commands.ts, which only a command that runs loads.
import { terminalSafe } from '../render/terminal-safe.js';
import { buildProgram, loadedCommands } from './program.js';

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    const commands = loadedCommands();
    if (commands && err instanceof commands.UserError) {
      // Messages quote model text (names, values in diagnostics): written so that it cannot drive the terminal.
      if (err.message) commands.writeStderr(`${err.message}\n`);
      return err.exitCode;
    }
    const code = (err as { code?: string; exitCode?: number }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      const exit = (err as { exitCode: number }).exitCode;
      // Help and version are successes; every usage error is invalid input.
      return exit === 0 ? 0 : 2;
    }
    process.stderr.write(terminalSafe(`threatmap: internal error: ${(err as Error).message ?? String(err)}\nPlease report this with the model that caused it.\n`));
    return 3;
  }
}

// A reader that stops early (`threatmap analyze m.yaml | head`) closes the pipe: nothing more is written, quietly,
// and the command still ends with its own exit code (a failed `check` piped into a reader that quit is still a
// failure: CI gates read the code). Writes still queued then fail too: once closed, every error is that one.
let standardOutputGone = false;
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (standardOutputGone || err.code === 'EPIPE') {
    standardOutputGone = true;
    return;
  }
  // Output was being written, so the commands (and their words for system errors) are loaded.
  process.stderr.write(`threatmap: cannot write to standard output: ${loadedCommands()?.describeError(err) ?? err.code ?? err.message}\n`);
  process.exit(2);
});

main(process.argv).then((code) => {
  process.exitCode = code;
});
