// charrnn-sample: load a checkpoint, prime it with text, print what it writes next — streamed,
// chunk by chunk as it is generated, so a long sample starts printing at once. A byte-level model
// (--unit byte) is primed with the UTF-8 bytes of --prime (or a --prime-file's raw bytes) and
// writes raw bytes.

import {
  EXIT_INTERRUPTED,
  EXIT_OK,
  UsageError,
  chooseKernels,
  formatHelp,
  parseFlags,
  readBytes,
  readCheckpoint,
  readText,
  type CommandIo,
  type FlagSpec,
} from '@charrnn/cli';
import { formatChar, type Vocabulary } from '@charrnn/corpus';
import { sampleChunks } from '@charrnn/model';
import { Prng } from '@charrnn/tensor';
import { modelFromCheckpoint, unitBytes, type Checkpoint } from '@charrnn/train';
import { KERNEL_FLAG, SAMPLING_FLAGS } from './flags.js';

const FLAGS = {
  checkpoint: {
    flag: 'checkpoint',
    kind: 'string',
    placeholder: 'FILE',
    help: 'model to sample from (.safetensors written by charrnn-train --save)',
  },
  prime: {
    flag: 'prime',
    kind: 'string',
    help: 'text to start from; the model continues it (default: a newline, or the first vocabulary character)',
  },
  primeFile: {
    flag: 'prime-file',
    kind: 'string',
    placeholder: 'FILE',
    help: 'read the prime text from a UTF-8 file instead (a byte-level model takes its raw bytes)',
  },
  length: {
    flag: 'length',
    kind: 'int',
    min: 0,
    default: 500,
    help: 'characters to generate (at most, with --stop)',
    aliases: ['sample-length'],
  },
  ...SAMPLING_FLAGS,
  stop: {
    flag: 'stop',
    kind: 'string',
    help: 'end the sample when the model writes this text (not printed); \\n, \\t and \\\\ are escapes',
  },
  argmax: { flag: 'argmax', kind: 'boolean', help: 'always take the most likely character (deterministic)' },
  seed: { flag: 'seed', kind: 'int', min: 0, max: 0xffffffff, default: 1, help: 'random seed' },
  kernels: KERNEL_FLAG,
} satisfies Record<string, FlagSpec>;

export async function sampleCommand(io: CommandIo): Promise<number> {
  const flags = parseFlags(io.argv, FLAGS);
  if (flags.help) {
    io.stdout.write(
      formatHelp(
        'charrnn-sample --checkpoint FILE [--prime TEXT | --prime-file FILE] [--length N] [options]',
        'Generates text from a trained model and prints it as it is generated.',
        FLAGS,
      ),
    );
    return EXIT_OK;
  }
  const v = flags.values;
  const checkpoint = readCheckpoint(v.checkpoint as string | undefined, '--checkpoint');
  if (checkpoint.task !== 'next-symbol')
    throw new UsageError(
      `--checkpoint is a ${checkpoint.task} tagger: it labels characters, it does not write text`,
      checkpoint.task === 'binary-addition' ? undefined : 'restore text with charrnn-tag --checkpoint FILE < text',
    );
  const vocab = checkpoint.vocab;
  const bytes = checkpoint.config?.unit === 'byte';
  // In byte mode every "character" below is a byte, held as the code point of the same value.
  const asUnits = (text: string): string => (bytes ? Buffer.from(text, 'utf8').toString('latin1') : text);
  const prime = primeText(v, checkpoint);
  const stop = v.stop === undefined ? [] : knownIds(asUnits(unescapeArgument(v.stop as string)), vocab, '--stop');
  if (v.stop !== undefined && stop.length === 0)
    throw new UsageError('--stop must have at least one character, got ""');
  if ((v.topK as number) > vocab.size)
    throw new UsageError(`--top-k must be at most the vocabulary size ${vocab.size}, got ${String(v.topK)}`);
  const kernels = chooseKernels(String(v.kernels), (line) => void io.stderr.write(`${line}\n`));
  const model = modelFromCheckpoint(checkpoint, kernels);
  const chunks = sampleChunks(
    model,
    {
      prime: knownIds(prime, vocab, v.primeFile !== undefined ? '--prime-file text' : '--prime'),
      length: v.length as number,
      temperature: v.temperature as number,
      topK: v.topK as number,
      topP: v.topP as number,
      argmax: v.argmax === true,
      stop,
    },
    new Prng(v.seed as number),
  );
  let interrupted = false;
  const removeHandler = io.onInterrupt(() => {
    interrupted = true;
  });
  try {
    io.stdout.write(bytes ? Buffer.from(prime, 'latin1') : prime);
    for (const ids of chunks) {
      io.stdout.write(bytes ? unitBytes(vocab, ids) : vocab.decode(ids));
      // Let a Ctrl-C through between chunks; what was printed stays printed.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (interrupted) break;
    }
    io.stdout.write('\n');
  } finally {
    removeHandler();
    kernels.close?.();
  }
  return interrupted ? EXIT_INTERRUPTED : EXIT_OK;
}

/** The prime as units: characters, or (byte mode) bytes held as code points 0–255. */
function primeText(v: Record<string, unknown>, checkpoint: Checkpoint): string {
  if (v.prime !== undefined && v.primeFile !== undefined)
    throw new UsageError('--prime and --prime-file cannot both be given', 'choose one');
  const vocab = checkpoint.vocab;
  const bytes = checkpoint.config?.unit === 'byte';
  const given =
    v.primeFile !== undefined
      ? bytes
        ? Buffer.from(readBytes(v.primeFile as string, '--prime-file')).toString('latin1')
        : readText(v.primeFile as string, '--prime-file')
      : bytes && v.prime !== undefined
        ? Buffer.from(v.prime as string, 'utf8').toString('latin1')
        : (v.prime as string | undefined);
  const prime = given ?? (vocab.has('\n') ? '\n' : vocab.chars[0]!);
  if (prime.length === 0)
    throw new UsageError(
      `${v.primeFile !== undefined ? '--prime-file text' : '--prime'} must have at least one character, got ""`,
    );
  return prime;
}

function knownIds(text: string, vocab: Vocabulary, what: string): Int32Array {
  const unknown = vocab.findUnknown(text);
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 10).map(formatChar).join(', ');
    throw new UsageError(
      `${what} has characters outside the model's vocabulary: ${shown}${unknown.length > 10 ? ', …' : ''}`,
      `the model knows ${vocab.size} characters; use only those`,
    );
  }
  return vocab.encode(text);
}

/** The escapes a shell argument cannot easily hold: \n, \t and \\. */
export function unescapeArgument(text: string): string {
  return text.replace(/\\(n|t|\\)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
}
