// `threatmap generate`: a synthetic model of any size, seeded, so that benchmarks and scale tests can be
// reproduced anywhere (`threatmap generate --elements 10000 --seed 1 -o model.yaml`).
import type { Command } from 'commander';
import { generateModelText } from '../model/generate.js';
import { emit } from './io.js';

export function generateAction(opts: { elements: number; seed: number | string; format: 'yaml' | 'json'; output?: string }, cmd: Command): void {
  // `-o model.json` alone means JSON; an explicit --format wins.
  const format = cmd.getOptionValueSource('format') === 'default' && opts.output !== undefined && /\.json$/i.test(opts.output)
    ? 'json'
    : opts.format;
  emit(opts.output, generateModelText({ elements: opts.elements, seed: opts.seed, format }));
}
