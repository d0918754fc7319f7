#!/usr/bin/env node
// The threatmap command line: a thin edge over load -> analyze -> render.
import { Command, InvalidArgumentError, Option } from 'commander';
import { filterByRisk } from '../analysis/filter.js';
import { RISKS, type Risk } from '../analysis/types.js';
import { modelJsonSchema } from '../model/schema.js';
import { renderJsonChunks } from '../render/json.js';
import { DETAILS_THRESHOLD, markdownChunks } from '../render/markdown.js';
import { registerCheck } from './check.js';
import { registerDiagram } from './diagram.js';
import { registerDiff } from './diff.js';
import { registerGenerate } from './generate.js';
import { EXPORT_FORMATS, registerExport, renderExport } from './export.js';
import { emit, UserError } from './io.js';
import { registerRules } from './rules.js';
import { loadTracked, registerTriage } from './triage.js';
import { registerValidate } from './validate.js';
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

export function buildProgram(): Command {
  const program = new Command()
    .name('threatmap')
    .description('Threat modeling as code: STRIDE threats, trust boundaries, risk and reports from a model of your system.')
    .version(VERSION)
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) })
    .exitOverride();

  program
    .command('analyze')
    .description('Analyse a model and print the threat model report')
    .argument('<model>', 'model file (.yaml, .yml or .json)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['markdown', 'json', ...EXPORT_FORMATS]).default('markdown'))
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
      const { result, rules } = loadTracked(file, { quiet: opts.quiet, triage: opts.triage, rules: opts.rules });
      const shown = opts.minRisk ? filterByRisk(result, opts.minRisk) : result;
      // Markdown and JSON are written in pieces: a large model's output exceeds what one string may hold.
      const text = opts.format === 'json' ? renderJsonChunks(shown)
        : opts.format === 'markdown' ? markdownChunks(shown, { diagram: opts.diagram, width: opts.width, details: opts.details, rules })
        : await renderExport(opts.format, shown, { model: file });
      emit(opts.output, text);
    });

  program
    .command('schema')
    .description('Print the JSON Schema of model files (for editors and validators)')
    .action(() => emit(undefined, `${JSON.stringify(modelJsonSchema(), null, 2)}\n`));

  registerDiagram(program, parseWidth);
  registerValidate(program);
  registerRules(program);
  registerGenerate(program);
  registerTriage(program);
  registerDiff(program);
  registerCheck(program);
  registerExport(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
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
