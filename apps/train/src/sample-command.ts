// charrnn-sample: load a checkpoint, prime it with text, print what it writes next.

import { EXIT_OK, UsageError, chooseKernels, formatHelp, parseFlags, readCheckpoint, type CommandIo, type FlagSpec } from '@charrnn/cli';
import { formatChar } from '@charrnn/corpus';
import { sampleIds } from '@charrnn/model';
import { Prng } from '@charrnn/tensor';
import { modelFromCheckpoint } from '@charrnn/train';
import { KERNEL_FLAG } from './flags.js';

const FLAGS = {
  checkpoint: { flag: 'checkpoint', kind: 'string', placeholder: 'FILE', help: 'model to sample from (.safetensors written by charrnn-train --save)' },
  prime: { flag: 'prime', kind: 'string', help: 'text to start from; the model continues it (default: a newline, or the first vocabulary character)' },
  length: { flag: 'length', kind: 'int', min: 0, default: 500, help: 'characters to generate', aliases: ['sample-length'] },
  temperature: { flag: 'temperature', kind: 'number', min: 0, exclusiveMin: true, default: 1, help: 'below 1: safer, more repetitive; above 1: more surprising' },
  topK: { flag: 'top-k', kind: 'int', min: 0, default: 0, help: 'sample only among the k most likely characters (0: all)' },
  argmax: { flag: 'argmax', kind: 'boolean', help: 'always take the most likely character (deterministic)' },
  seed: { flag: 'seed', kind: 'int', min: 0, max: 0xffffffff, default: 1, help: 'random seed' },
  kernels: KERNEL_FLAG,
} satisfies Record<string, FlagSpec>;

export async function sampleCommand(io: CommandIo): Promise<number> {
  const flags = parseFlags(io.argv, FLAGS);
  if (flags.help) {
    io.stdout.write(formatHelp('charrnn-sample --checkpoint FILE [--prime TEXT] [--length N] [options]', 'Generates text from a trained model.', FLAGS));
    return EXIT_OK;
  }
  const v = flags.values;
  const checkpoint = readCheckpoint(v.checkpoint as string | undefined, '--checkpoint');
  const vocab = checkpoint.vocab;
  const prime = (v.prime as string | undefined) ?? (vocab.has('\n') ? '\n' : vocab.chars[0]!);
  if (prime.length === 0) throw new UsageError('--prime must have at least one character, got ""');
  const unknown = vocab.findUnknown(prime);
  if (unknown.length > 0) {
    throw new UsageError(`--prime has characters outside the model's vocabulary: ${unknown.map(formatChar).join(', ')}`, `the model knows ${vocab.size} characters; use only those`);
  }
  if ((v.topK as number) > vocab.size) throw new UsageError(`--top-k must be at most the vocabulary size ${vocab.size}, got ${String(v.topK)}`);
  const model = modelFromCheckpoint(checkpoint, chooseKernels(String(v.kernels), (line) => void io.stderr.write(`${line}\n`)));
  const ids = sampleIds(
    model,
    { prime: vocab.encode(prime), length: v.length as number, temperature: v.temperature as number, topK: v.topK as number, argmax: v.argmax === true },
    new Prng(v.seed as number),
  );
  io.stdout.write(`${prime}${vocab.decode(ids)}\n`);
  return EXIT_OK;
}
