// charrnn-tag: a tagging checkpoint (restore-spaces, restore-case, restore-punctuation) reads text on
// stdin and writes it back restored, streaming: the text is derived as in training (spaces, marks
// removed, lowercased), tagged a window at a time (StreamTagger) and each window's characters are
// written with their labels as soon as they are final. A bidirectional model holds back `lookahead`
// characters (default half the window) until it has seen what follows them, or until the input ends.

import {
  EXIT_OK,
  UsageError,
  chooseKernels,
  formatHelp,
  parseFlags,
  readCheckpoint,
  type CommandIo,
  type FlagSpec,
} from '@charrnn/cli';
import { formatChar, taskFor, type TaggingTask, type Vocabulary } from '@charrnn/corpus';
import { StreamTagger, argmaxRows } from '@charrnn/model';
import { modelFromCheckpoint } from '@charrnn/train';
import { KERNEL_FLAG, TAG_WINDOW_FLAG } from './flags.js';

const FLAGS = {
  checkpoint: {
    flag: 'checkpoint',
    kind: 'string',
    placeholder: 'FILE',
    help: 'a tagging model (charrnn-train --task …)',
  },
  window: TAG_WINDOW_FLAG,
  lookahead: {
    flag: 'lookahead',
    kind: 'int',
    min: 0,
    help: 'characters each window reads past what it writes (default: half the window for a bidirectional model, else 0); output lags the input by this much',
  },
  kernels: KERNEL_FLAG,
} satisfies Record<string, FlagSpec>;

const DESCRIPTION =
  'Reads text on stdin and writes it with the spaces, capitals or punctuation the checkpoint was trained to restore (the input may have them or not: they are removed first).';

export async function tagCommand(io: CommandIo, input: AsyncIterable<Uint8Array | string>): Promise<number> {
  const flags = parseFlags(io.argv, FLAGS);
  if (flags.help) {
    io.stdout.write(formatHelp('charrnn-tag --checkpoint FILE < text', DESCRIPTION, FLAGS));
    return EXIT_OK;
  }
  const v = flags.values;
  const checkpoint = readCheckpoint(v.checkpoint as string | undefined, '--checkpoint');
  const task = taskFor(checkpoint.task);
  if (!task?.fromText)
    throw new UsageError(
      `--checkpoint must be a text-restoring model (restore-spaces, restore-case, restore-punctuation), got task ${checkpoint.task}`,
      task
        ? 'binary addition has no text to restore; its accuracy is in the training log'
        : 'train one with charrnn-train --task restore-spaces --bidirectional',
    );
  const window = (v.window as number | undefined) ?? checkpoint.config?.seqLength ?? 100;
  const lookahead = v.lookahead as number | undefined;
  if (lookahead !== undefined && lookahead >= window)
    throw new UsageError(`--lookahead must be below --window (${window}), got ${lookahead}`);
  const kernels = chooseKernels(String(v.kernels), (line) => void io.stderr.write(`${line}\n`));
  try {
    const model = modelFromCheckpoint(checkpoint, kernels);
    const tagger = new StreamTagger(model, { window, ...(lookahead !== undefined ? { lookahead } : {}) });
    const restorer = new Restorer(
      task,
      checkpoint.vocab,
      tagger,
      (text) => void io.stdout.write(text),
      (line) => io.stderr.write(`${line}\n`),
    );
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of input)
      restorer.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    restorer.push(decoder.decode());
    restorer.finish();
  } finally {
    kernels.close?.();
  }
  return EXIT_OK;
}

/** Derived characters waiting for their labels, in order, and the tagger that labels them. */
class Restorer {
  private waiting: string[] = [];
  private readonly labels: Int32Array;
  private readonly unknown = new Set<string>();
  private readonly sink = (logits: ArrayLike<number>, count: number): void => {
    argmaxRows(logits, count, this.tagger.labelCount, this.labels);
    const chars = this.waiting.splice(0, count);
    this.write(this.task.render(chars.join(''), this.labels.subarray(0, count)));
  };

  constructor(
    private readonly task: TaggingTask,
    private readonly vocab: Vocabulary,
    private readonly tagger: StreamTagger,
    private readonly write: (text: string) => void,
    private readonly notice: (line: string) => void,
  ) {
    this.labels = new Int32Array(tagger.window);
  }

  push(text: string): void {
    if (text === '') return;
    const chars = Array.from(this.task.derive(text).text);
    const ids = new Int32Array(chars.length);
    chars.forEach((ch, i) => {
      ids[i] = this.vocab.has(ch) ? this.vocab.encode(ch)[0]! : this.standIn(ch);
    });
    this.waiting.push(...chars);
    this.tagger.push(ids, this.sink);
  }

  finish(): void {
    this.tagger.finish(this.sink);
  }

  /** A character the model never saw is read as a newline (or the first character) and written as itself; said once. */
  private standIn(ch: string): number {
    if (!this.unknown.has(ch)) {
      this.unknown.add(ch);
      if (this.unknown.size === 1)
        this.notice(
          `charrnn-tag: note: ${formatChar(ch)} is outside the model's vocabulary; such characters are read as a line break`,
        );
    }
    return this.vocab.has('\n') ? this.vocab.encode('\n')[0]! : 0;
  }
}
