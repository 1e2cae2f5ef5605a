// charrnn-sample: load a checkpoint, prime it with text, print what it writes next — streamed,
// chunk by chunk as it is generated, so a long sample starts printing at once. A byte-level model
// (--unit byte) is primed with the UTF-8 bytes of --prime (or a --prime-file's raw bytes) and
// writes raw bytes.

import {
  EXIT_INTERRUPTED,
  EXIT_OK,
  RunError,
  UsageError,
  chooseKernels,
  formatHelp,
  parseFlags,
  readBytes,
  readCheckpoint,
  readText,
  type CommandIo,
  type FlagSpec,
  type FlagValues,
} from '@charrnn/cli';
import { sampleChunks } from '@charrnn/model';
import { Prng } from '@charrnn/tensor';
import { modelFromCheckpoint, unitBytes, type Checkpoint } from '@charrnn/train';
import { KERNEL_FLAG, SAMPLING_FLAGS } from './flags.js';
import {
  UNKNOWN_FLAG,
  describeUnknown,
  encodeWithPolicy,
  parseUnknownPolicy,
  unescapeArgument,
  type UnknownPolicy,
} from './unknown-chars.js';

/** --stop's text is never skipped or mapped: a stop the model cannot write would never stop it. */
const REFUSE: UnknownPolicy = { units: { kind: 'error' }, name: 'error' };

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
  unknown: { ...UNKNOWN_FLAG, help: `in --prime: ${UNKNOWN_FLAG.help}` },
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
  const checkpoint = readCheckpoint(v.checkpoint, '--checkpoint');
  if (checkpoint.task !== 'next-symbol')
    throw new UsageError(
      `--checkpoint is a ${checkpoint.task} tagger: it labels characters, it does not write text`,
      checkpoint.task === 'binary-addition' ? undefined : 'restore text with charrnn-tag --checkpoint FILE < text',
    );
  const vocab = checkpoint.vocab;
  const bytes = checkpoint.config?.unit === 'byte';
  // In byte mode every "character" below is a byte, held as the code point of the same value.
  const asUnits = (text: string): string => (bytes ? Buffer.from(text, 'utf8').toString('latin1') : text);
  const policy = parseUnknownPolicy(v.unknown, vocab, asUnits);
  const primeWhat = v.primeFile !== undefined ? '--prime-file text' : '--prime';
  // The prime as the model sees it: with --unknown skip or map, not quite the text given.
  const primed = encodeWithPolicy(primeText(v, checkpoint), vocab, policy, primeWhat);
  const prime = primed.text;
  if (primed.unknownCount > 0)
    io.stderr.write(`notice: ${primeWhat}: ${describeUnknown(policy, primed.unknownCount)}\n`);
  const stop =
    v.stop === undefined
      ? new Int32Array(0)
      : encodeWithPolicy(asUnits(unescapeArgument(v.stop)), vocab, REFUSE, '--stop').ids;
  if (v.stop !== undefined && stop.length === 0)
    throw new UsageError('--stop must have at least one character, got ""');
  if (v.topK > vocab.size)
    throw new UsageError(`--top-k must be at most the vocabulary size ${vocab.size}, got ${String(v.topK)}`);
  const kernels = chooseKernels(v.kernels, (line) => void io.stderr.write(`${line}\n`));
  const model = modelFromCheckpoint(checkpoint, kernels);
  const chunks = sampleChunks(
    model,
    {
      prime: primed.ids,
      length: v.length,
      temperature: v.temperature,
      topK: v.topK,
      topP: v.topP,
      argmax: v.argmax === true,
      stop,
    },
    new Prng(v.seed),
  );
  let interrupted = false;
  const removeHandler = io.onInterrupt(() => {
    interrupted = true;
  });
  try {
    io.stdout.write(bytes ? Buffer.from(prime, 'latin1') : prime);
    for (const ids of nonFinite(chunks)) {
      io.stdout.write(bytes ? unitBytes(vocab, ids) : vocab.decode(ids));
      // Let a Ctrl-C (and a closed pipe's EPIPE) through between chunks; what was printed stays printed.
      await new Promise<void>((resolve) => setImmediate(resolve));
      // A reader that has gone (`| head -c N`) has what it wanted: stop, successfully.
      if (interrupted || io.stdout.closed === true) break;
    }
    io.stdout.write('\n');
  } finally {
    removeHandler();
    kernels.close?.();
  }
  return interrupted ? EXIT_INTERRUPTED : EXIT_OK;
}

/**
 * The chunks, with a draw from non-finite logits (weights that overflow) turned into a failed run:
 * exit 1, one line, rather than the same character over and over.
 */
function* nonFinite(chunks: Iterable<Int32Array>): Generator<Int32Array> {
  try {
    yield* chunks;
  } catch (error) {
    if (!(error instanceof RangeError && error.message.startsWith('CharacterDraw.next: logits must be finite')))
      throw error;
    throw new RunError(
      "the model's outputs are not finite numbers, so there is nothing to sample from",
      "the checkpoint's weights overflow; evaluate it with charrnn-eval, or retrain with a lower --lr",
    );
  }
}

/** The prime as units: characters, or (byte mode) bytes held as code points 0–255. */
function primeText(v: FlagValues<typeof FLAGS>, checkpoint: Checkpoint): string {
  if (v.prime !== undefined && v.primeFile !== undefined)
    throw new UsageError('--prime and --prime-file cannot both be given', 'choose one');
  const vocab = checkpoint.vocab;
  const bytes = checkpoint.config?.unit === 'byte';
  const given =
    v.primeFile !== undefined
      ? bytes
        ? Buffer.from(readBytes(v.primeFile, '--prime-file')).toString('latin1')
        : readText(v.primeFile, '--prime-file')
      : bytes && v.prime !== undefined
        ? Buffer.from(v.prime, 'utf8').toString('latin1')
        : v.prime;
  const prime = given ?? (vocab.has('\n') ? '\n' : vocab.chars[0]!);
  if (prime.length === 0)
    throw new UsageError(
      `${v.primeFile !== undefined ? '--prime-file text' : '--prime'} must have at least one character, got ""`,
    );
  return prime;
}
