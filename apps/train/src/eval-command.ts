// charrnn-eval: mean cross-entropy of a checkpoint on a text, as one JSON line.

import {
  EXIT_OK,
  UsageError,
  chooseKernels,
  formatHelp,
  parseFlags,
  readCheckpoint,
  readText,
  type CommandIo,
  type FlagSpec,
} from '@charrnn/cli';
import { formatChar } from '@charrnn/corpus';
import { evaluateText } from '@charrnn/model';
import { dynamicEvaluate, modelFromCheckpoint } from '@charrnn/train';
import { KERNEL_FLAG } from './flags.js';

const FLAGS = {
  checkpoint: { flag: 'checkpoint', kind: 'string', placeholder: 'FILE', help: 'model to evaluate' },
  data: {
    flag: 'data',
    kind: 'string',
    placeholder: 'FILE',
    help: 'UTF-8 text; every next-character prediction in it is scored, from a zero hidden state',
  },
  dynamic: {
    flag: 'dynamic',
    kind: 'boolean',
    help: 'dynamic evaluation (Krause et al. 2017): after scoring each segment, take a gradient step on it',
  },
  dynamicLr: {
    flag: 'dynamic-lr',
    kind: 'number',
    min: 0,
    default: 0.02,
    help: 'step size of dynamic evaluation (on the mean per-character loss)',
  },
  dynamicSegment: {
    flag: 'dynamic-segment',
    kind: 'int',
    min: 1,
    default: 20,
    help: 'characters scored between dynamic updates',
  },
  dynamicDecay: {
    flag: 'dynamic-decay',
    kind: 'number',
    min: 0,
    max: 1,
    default: 0,
    help: 'pull towards the trained weights at each dynamic update',
  },
  kernels: KERNEL_FLAG,
} satisfies Record<string, FlagSpec>;

export async function evalCommand(io: CommandIo): Promise<number> {
  const flags = parseFlags(io.argv, FLAGS);
  if (flags.help) {
    io.stdout.write(
      formatHelp(
        'charrnn-eval --checkpoint FILE --data FILE',
        'Prints {"loss": nats/char, "bpc": bits/char, "count": predictions} as one JSON line.',
        FLAGS,
      ),
    );
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
    throw new UsageError(
      `--data file has ${unknown.length} character(s) outside the model's vocabulary: ${shown}${unknown.length > 10 ? ', …' : ''}`,
      'evaluate on text written in the same alphabet the model was trained on',
    );
  }
  const ids = checkpoint.vocab.encode(text);
  if (ids.length < 2) throw new UsageError(`--data file must have at least 2 characters, got ${ids.length}`);
  if (!v.dynamic) {
    const kernels = chooseKernels(String(v.kernels), (line) => void io.stderr.write(`${line}\n`));
    let result;
    try {
      result = evaluateText(modelFromCheckpoint(checkpoint, kernels), ids);
    } finally {
      kernels.close?.();
    }
    io.stdout.write(
      `${JSON.stringify({ loss: result.loss, bpc: result.bpc, count: result.count, checkpoint: v.checkpoint, data: path })}\n`,
    );
    return EXIT_OK;
  }
  // Dynamic evaluation trains, so it takes the fast kernels like charrnn-train does.
  const kernels = chooseKernels(String(v.kernels), (line) => void io.stderr.write(`${line}\n`), { threads: 1 });
  try {
    const options = {
      lr: v.dynamicLr as number,
      segmentLength: v.dynamicSegment as number,
      decay: v.dynamicDecay as number,
    };
    const result = dynamicEvaluate(modelFromCheckpoint(checkpoint, kernels), ids, options);
    io.stdout.write(
      `${JSON.stringify({ loss: result.loss, bpc: result.bpc, count: result.count, dynamic: options, checkpoint: v.checkpoint, data: path })}\n`,
    );
  } finally {
    kernels.close?.();
  }
  return EXIT_OK;
}
