// `threatmap generate`: a synthetic model of any size, seeded, so that benchmarks and scale tests can be
// reproduced anywhere (`threatmap generate --elements 10000 --seed 1 -o model.yaml`).
import { type Command, InvalidArgumentError, Option } from 'commander';
import { generateModelText, MAX_GENERATED_ELEMENTS } from '../model/generate.js';
import { emit } from './io.js';

function parseElements(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_GENERATED_ELEMENTS) {
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_GENERATED_ELEMENTS}`);
  }
  return n;
}

function parseSeed(value: string): number | string {
  // Numbers and words both work; `1` and `01` are the same seed.
  return /^\d+$/.test(value) ? Number(value) : value;
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('Write a synthetic model (seeded, reproducible) for benchmarks and scale tests')
    .requiredOption('-n, --elements <count>', 'number of elements (flows: about 3 per element; boundaries: about 1 per 20)', parseElements)
    .option('-s, --seed <seed>', 'random seed: the same seed gives the same model', parseSeed, 1)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('-o, --output <file>', 'write to a file (atomically) instead of standard output')
    .action((opts: { elements: number; seed: number | string; format: 'yaml' | 'json'; output?: string }, cmd: Command) => {
      // `-o model.json` alone means JSON; an explicit --format wins.
      const format = cmd.getOptionValueSource('format') === 'default' && opts.output !== undefined && /\.json$/i.test(opts.output)
        ? 'json'
        : opts.format;
      emit(opts.output, generateModelText({ elements: opts.elements, seed: opts.seed, format }));
    });
}
