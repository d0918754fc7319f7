#!/usr/bin/env node
// The threatmap command line: a thin edge over load -> analyze -> render.
import { Command, InvalidArgumentError, Option } from 'commander';
import { RISKS, type Risk } from '../analysis/types.js';
import { emit, UserError } from './io.js';
import { VERSION } from './version.js';

export function parseRisk(value: string): Risk {
  const risk = RISKS.find((r) => r.toLowerCase() === value.toLowerCase());
  if (!risk) throw new InvalidArgumentError(`expected one of ${RISKS.map((r) => r.toLowerCase()).join(', ')}`);
  return risk;
}

export function parseWidth(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 40 || n > 1000) throw new InvalidArgumentError('expected a whole number from 40 to 1000');
  return n;
}

/**
 * The formats `analyze` writes: Markdown, JSON and export.ts's EXPORT_FORMATS, listed here so that the
 * export renderers load only when one is asked for (the CLI tests keep the two lists equal).
 */
const ANALYZE_FORMATS = ['markdown', 'json', 'sarif', 'html', 'csv'];

async function defineAnalyze(program: Command): Promise<void> {
  const { DETAILS_THRESHOLD, markdownChunks } = await import('../render/markdown.js');
  program
    .command('analyze')
    .description('Analyse a model and print the threat model report')
    .argument('<model>', 'model file (.yaml, .yml or .json)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(ANALYZE_FORMATS).default('markdown'))
    .option('--min-risk <level>', 'keep only threats at or above this risk (low, medium, high, critical)', parseRisk)
    .addOption(new Option('--diagram <kind>', 'how the report draws the data flow diagram').choices(['ascii', 'mermaid']).default('ascii'))
    .option('--width <columns>', 'maximum width of the ASCII diagram', parseWidth, 100)
    .addOption(new Option('--details <mode>', `Markdown Threat Details: a section per threat (full), each rule once with a table of its threats (grouped), or grouped above ${DETAILS_THRESHOLD} threats (auto)`)
      .choices(['auto', 'full', 'grouped']).default('auto'))
    .option('-o, --output <file>', 'write to a file (atomically) instead of standard output')
    .option('-q, --quiet', 'do not print model warnings')
    .option('--triage <file>', 'triage decisions to apply (default: <model>.triage.yaml when it exists)')
    .option('--rules <dir>', 'also run the custom rules in this folder (.yaml, .yml, .json files)')
    .action(async (file: string, opts: {
      format: string; minRisk?: Risk; diagram: 'ascii' | 'mermaid'; width: number; details: 'auto' | 'full' | 'grouped';
      output?: string; quiet?: boolean; triage?: string; rules?: string;
    }) => {
      const { loadTracked } = await import('./triage.js');
      const { result, rules } = loadTracked(file, { quiet: opts.quiet, triage: opts.triage, rules: opts.rules });
      const shown = opts.minRisk ? (await import('../analysis/filter.js')).filterByRisk(result, opts.minRisk) : result;
      // Markdown and JSON are written in pieces: a large model's output exceeds what one string may hold.
      const text = opts.format === 'json' ? (await import('../render/json.js')).renderJsonChunks(shown)
        : opts.format === 'markdown' ? markdownChunks(shown, { diagram: opts.diagram, width: opts.width, details: opts.details, rules })
        : await (await import('./export.js')).renderExport(opts.format, shown, { model: file });
      emit(opts.output, text);
    });
}

function defineSchema(program: Command): void {
  program
    .command('schema')
    .description('Print the JSON Schema of model files (for editors and validators)')
    .action(async () => emit(undefined, `${JSON.stringify((await import('../model/schema.js')).modelJsonSchema(), null, 2)}\n`));
}

/**
 * Every command, in the order help lists them, with what defines it. A command's modules are imported
 * when it is defined: a run defines only the command it runs, so it reads and compiles only that code.
 */
const COMMANDS: ReadonlyArray<readonly [name: string, define: (program: Command) => void | Promise<void>]> = [
  ['analyze', defineAnalyze],
  ['schema', defineSchema],
  ['diagram', async (program) => (await import('./diagram.js')).registerDiagram(program, parseWidth)],
  ['validate', async (program) => (await import('./validate.js')).registerValidate(program)],
  ['rules', async (program) => (await import('./rules.js')).registerRules(program)],
  ['generate', async (program) => (await import('./generate.js')).registerGenerate(program)],
  ['triage', async (program) => (await import('./triage.js')).registerTriage(program)],
  ['diff', async (program) => (await import('./diff.js')).registerDiff(program)],
  ['check', async (program) => (await import('./check.js')).registerCheck(program)],
  ['export', async (program) => (await import('./export.js')).registerExport(program)],
];

/**
 * The program for these arguments: with only the command they name first; with none for `--version`;
 * with every command otherwise (help, or a usage error, which prints help).
 */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command()
    .name('threatmap')
    .description('Threat modeling as code: STRIDE threats, trust boundaries, risk and reports from a model of your system.')
    .version(VERSION)
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) })
    .exitOverride();
  const first = argv[2];
  const named = COMMANDS.filter(([name]) => name === first);
  const needed = named.length ? named : first === '-V' || first === '--version' ? [] : COMMANDS;
  for (const [, define] of needed) await define(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof UserError) {
      if (err.message) process.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    const code = (err as { code?: string; exitCode?: number }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      const exit = (err as { exitCode: number }).exitCode;
      // Help and version are successes; every usage error is invalid input.
      return exit === 0 ? 0 : 2;
    }
    process.stderr.write(`threatmap: internal error: ${(err as Error).message ?? String(err)}\nPlease report this with the model that caused it.\n`);
    return 3;
  }
}

// A reader that stops early (`threatmap analyze m.yaml | head`) closes the pipe: that ends the run quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') process.stderr.write(`threatmap: cannot write to standard output (${err.code ?? err.message})\n`);
  process.exit(err.code === 'EPIPE' ? 0 : 2);
});

main(process.argv).then((code) => {
  process.exitCode = code;
});
