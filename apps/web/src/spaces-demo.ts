// The space-restoration page's model: a bidirectional LSTM tagger trained on the page's text with
// the one training pipeline (@charrnn/train's Trainer, task restore-spaces), then asked to put the
// spaces back into whatever the visitor types. Host-free (kernels and clock injected), so the same
// class runs under vitest in Node; the page (spaces.ts) only wires it to the DOM.

import { taskFor, type TaggingTask } from '@charrnn/corpus';
import { StreamTagger, argmaxRows, type CharRnnModel } from '@charrnn/model';
import { Trainer, prepareTaskData, resolveTrainConfig, type TrainConfig } from '@charrnn/train';
import type { Kernels } from '@charrnn/tensor';

/** Small enough to train in a browser tab in well under a minute on a novel-sized text. */
export const SPACES_CONFIG: Partial<TrainConfig> = {
  task: 'restore-spaces',
  bidirectional: true,
  cell: 'lstm',
  hidden: 64,
  seqLength: 32,
  batchSize: 8,
  optimizer: 'adam',
  lr: 0.005,
  steps: 1500,
  evalEvery: 250,
  logEvery: 25,
  valFraction: 0.1,
};

export interface SpacesProgress {
  readonly step: number;
  readonly totalSteps: number;
  /** The held-out tail's F1 of "a space follows", at the last evaluation. */
  readonly valF1?: number;
  readonly valAccuracy?: number;
}

export class SpaceRestorer {
  private readonly task: TaggingTask = taskFor('restore-spaces')!;
  private trainer: Trainer | null = null;

  constructor(
    private readonly kernels: Kernels,
    private readonly clock: () => number,
  ) {}

  /** Trains on `text` (its last tenth held out), reporting each logged step; resolves with the last progress. */
  async train(
    text: string,
    onProgress: (p: SpacesProgress) => void,
    overrides: Partial<TrainConfig> = {},
  ): Promise<SpacesProgress> {
    const config = resolveTrainConfig({ ...SPACES_CONFIG, ...overrides });
    const data = prepareTaskData(this.task, text, config);
    this.trainer = new Trainer({ config, data, clock: this.clock, kernels: this.kernels });
    let last: SpacesProgress = { step: 0, totalSteps: config.steps };
    for await (const event of this.trainer.run()) {
      if (event.type !== 'step') continue;
      last = {
        step: event.step,
        totalSteps: config.steps,
        ...(event.valF1 !== undefined ? { valF1: event.valF1 } : last.valF1 !== undefined ? { valF1: last.valF1 } : {}),
        ...(event.valAccuracy !== undefined
          ? { valAccuracy: event.valAccuracy }
          : last.valAccuracy !== undefined
            ? { valAccuracy: last.valAccuracy }
            : {}),
      };
      onProgress(last);
    }
    return last;
  }

  /** Stops a training run after its current step. */
  stop(): void {
    this.trainer?.stop('stopped');
  }

  get ready(): boolean {
    return this.trainer !== null;
  }

  /** `input` with its spaces removed, then restored by the model (characters it never saw pass through as line breaks would). */
  restore(input: string): string {
    if (!this.trainer) throw new RangeError('SpaceRestorer.restore: the model must be trained first, got none');
    const model: CharRnnModel = this.trainer.servedModel;
    const vocab = this.trainer.vocab;
    const chars = Array.from(this.task.derive(input).text);
    const fallback = vocab.has('\n') ? vocab.indexOf('\n') : 0;
    const ids = Int32Array.from(chars, (ch) => (vocab.has(ch) ? vocab.indexOf(ch) : fallback));
    const tagger = new StreamTagger(model, { window: this.trainer.config.seqLength });
    const labels = new Int32Array(chars.length);
    let position = 0;
    const row = new Int32Array(tagger.window);
    const sink = (logits: ArrayLike<number>, count: number): void => {
      argmaxRows(logits, count, tagger.labelCount, row);
      labels.set(row.subarray(0, count), position);
      position += count;
    };
    tagger.push(ids, sink);
    tagger.finish(sink);
    return this.task.render(chars.join(''), labels);
  }
}
