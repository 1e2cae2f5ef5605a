// charrnn-eval: mean cross-entropy of a checkpoint on a text, as one JSON line.

import { EXIT_OK, UsageError, chooseKernels, formatHelp, parseFlags, readCheckpoint, readText, type CommandIo, type FlagSpec } from '@charrnn/cli';
import { formatChar } from '@charrnn/corpus';
import { evaluateText } from '@charrnn/model';
import { modelFromCheckpoint } from '@charrnn/train';
import { KERNEL_FLAG } from './flags.js';

const FLAGS = {
  checkpoint: { flag: 'checkpoint', kind: 'string', placeholder: 'FILE', help: 'model to evaluate' },
  data: { flag: 'data', kind: 'string', placeholder: 'FILE', help: 'UTF-8 text; every next-character prediction in it is scored, from a zero hidden state' },
  kernels: KERNEL_FLAG,
} satisfies Record<string, FlagSpec>;

export async function evalCommand(io: CommandIo): Promise<number> {
  const flags = parseFlags(io.argv, FLAGS);
  if (flags.help) {
    io.stdout.write(formatHelp('charrnn-eval --checkpoint FILE --data FILE', 'Prints {"loss": nats/char, "bpc": bits/char, "count": predictions} as one JSON line.', FLAGS));
    return EXIT_OK;
  }
  const v = flags.values;
  const checkpoint = readCheckpoint(flags.values.checkpoint as string | undefined, '--checkpoint');
  const path = flags.values.data as string | undefined;
  if (!path) throw new UsageError('--data FILE is required', 'the text to score, e.g. --data ../shared/data/kafka.txt');
  const text = readText(path, '--data file');
  const unknown = checkpoint.vocab.findUnknown(text);
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 10).map(formatChar).join(', ');
    throw new UsageError(`--data file has ${unknown.length} character(s) outside the model's vocabulary: ${shown}${unknown.length > 10 ? ', …' : ''}`, 'evaluate on text written in the same alphabet the model was trained on');
  }
  const ids = checkpoint.vocab.encode(text);
  if (ids.length < 2) throw new UsageError(`--data file must have at least 2 characters, got ${ids.length}`);
  const kernels = chooseKernels(String(flags.values.kernels), (line) => void io.stderr.write(`${line}\n`));
  let result;
  try {
    result = evaluateText(modelFromCheckpoint(checkpoint, kernels), ids);
  } finally {
    kernels.close?.();
  }
  io.stdout.write(`${JSON.stringify({ loss: result.loss, bpc: result.bpc, count: result.count, checkpoint: flags.values.checkpoint, data: path })}\n`);
  return EXIT_OK;
}
