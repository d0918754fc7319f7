// `threatmap generate`: a synthetic model of any size, seeded, so that benchmarks and scale tests can be
// reproduced anywhere (`threatmap generate --elements 10000 --seed 1 -o model.yaml`).
import type { Command } from 'commander';
import { generateModelText } from '../model/generate.js';
import { checkOutput } from './discover.js';
import { emit } from './io.js';

interface GenerateCliOptions {
  elements: number;
  seed: number | string;
  format: 'yaml' | 'json';
  output?: string;
  force?: boolean;
}

export async function generateAction(opts: GenerateCliOptions, cmd: Command): Promise<void> {
  // A model written by hand is not replaced by a synthetic one by mistake, as discover and import refuse too.
  checkOutput(opts.output, opts.force);
  // `-o model.json` alone means JSON; an explicit --format wins.
  const format = cmd.getOptionValueSource('format') === 'default' && opts.output !== undefined && /\.json$/i.test(opts.output)
    ? 'json'
    : opts.format;
  await emit(opts.output, generateModelText({ elements: opts.elements, seed: opts.seed, format }));
}
