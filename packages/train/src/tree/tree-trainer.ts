// The training loop of the tree models, as the char trainer's: a config and trees in, an async
// iterable of typed events out (start, step, eval, checkpoint, done); the app turns them into a
// CSV log, progress lines and files. Each step draws a batch of trees with replacement from a
// seeded stream, so a checkpoint (weights, optimizer, step, that stream) resumes bit for bit.

import { Prng, referenceKernels, type Kernels } from '@charrnn/tensor';
import { TreeModel, packTrees, type EncodedTree, type TreeVocabulary } from '@charrnn/model';
import { applyClip, createOptimizer, type Optimizer } from '@charrnn/optim';
import {
  encodeTreeCheckpoint,
  loadTreeOptimizerState,
  type TreeCheckpoint,
  type TreeTrainingSnapshot,
} from './tree-checkpoint.js';
import type { TreeTrainConfig } from './tree-config.js';

/** Trees in ids, split for training and evaluation. */
export interface TreeData {
  readonly vocab: TreeVocabulary;
  readonly train: readonly EncodedTree[];
  /** Held-out trees, evaluated every evalEvery steps and at the end (may be empty). */
  readonly val: readonly EncodedTree[];
}

export interface TreeStepEvent {
  readonly type: 'step';
  readonly step: number;
  readonly totalSteps: number;
  /** Trees trained on so far. */
  readonly trees: number;
  /** This step's mean loss, nats per tree. */
  readonly loss: number;
  /** Exponential moving average of the loss (0.98 / 0.02). */
  readonly smoothLoss: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  readonly lr: number;
  readonly gradNorm: number;
  readonly clippedFrac: number;
  readonly treesPerSec: number;
  readonly elapsedSec: number;
}

export type TreeTrainingEvent =
  | {
      readonly type: 'start';
      readonly step: number;
      readonly totalSteps: number;
      readonly paramCount: number;
      readonly trainTrees: number;
      readonly valTrees: number;
    }
  | TreeStepEvent
  | {
      readonly type: 'eval';
      readonly step: number;
      readonly valLoss: number;
      readonly valAccuracy: number;
      readonly count: number;
    }
  | { readonly type: 'checkpoint'; readonly step: number; readonly reason: 'periodic' | 'final' }
  | {
      readonly type: 'done';
      readonly step: number;
      readonly reason: 'completed' | 'interrupted' | 'diverged';
      readonly message?: string;
      readonly finalLoss: number;
      readonly bestValAccuracy?: number;
      readonly elapsedSec: number;
    };

export interface TreeTrainerOptions {
  readonly config: TreeTrainConfig;
  readonly data: TreeData;
  /** Milliseconds, monotonic; only for speed and elapsed time, never for results. */
  readonly clock: () => number;
  readonly kernels?: Kernels;
  /** Continue this run exactly: weights, optimizer, step, batch stream. */
  readonly resume?: TreeCheckpoint;
}

/** Mean loss and accuracy of a model over trees, in batches of `chunk`. */
export function evaluateTrees(
  model: TreeModel,
  trees: readonly EncodedTree[],
  chunk = 256,
): { loss: number; accuracy: number; count: number } {
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < trees.length; start += chunk) {
    const batch = packTrees(trees.slice(start, start + chunk));
    const n = batch.roots.length;
    loss += model.forward(batch) * n;
    const predicted = model.predictionsOfLastForward();
    for (let b = 0; b < n; b++) if (predicted[b] === batch.labels[b]) correct++;
  }
  const count = trees.length;
  return { loss: count > 0 ? loss / count : Number.NaN, accuracy: count > 0 ? correct / count : Number.NaN, count };
}

export class TreeTrainer {
  readonly model: TreeModel;
  readonly optimizer: Optimizer;
  private readonly batchRng: Prng;
  private step = 0;
  private trees = 0;
  private smoothLoss: number;
  private bestValAccuracy: number | null = null;
  private elapsedBefore = 0;
  private sessionStart: number | null = null;
  private stopRequested = false;

  constructor(private readonly options: TreeTrainerOptions) {
    const { config, data } = options;
    if (data.train.length === 0) throw new RangeError('TreeTrainer: data.train must hold at least one tree, got 0');
    const kernels = options.kernels ?? referenceKernels;
    this.model = new TreeModel(
      {
        cell: config.cell,
        vocabSize: data.vocab.tokens.length,
        hiddenSize: config.hidden,
        classes: data.vocab.labels.length,
        dtype: config.dtype,
      },
      kernels,
    );
    // Streams of their own, so the data's generation never shifts the initialization or the batches.
    const root = new Prng(config.seed);
    root.fork(); // the arithmetic task's stream (see arithmeticTreeData)
    this.model.initialize(root.fork());
    this.batchRng = root.fork();
    this.optimizer = createOptimizer(config.optimizer, this.model.params, { lr: config.lr, kernels });
    this.smoothLoss = Math.log(data.vocab.labels.length); // a uniform guess
    if (options.resume) this.restore(options.resume);
  }

  get currentStep(): number {
    return this.step;
  }

  /** Asks the loop to stop after the current step (Ctrl-C). */
  stop(): void {
    this.stopRequested = true;
  }

  /** The complete state after the last finished step, as a safetensors file. */
  checkpointBytes(): Uint8Array {
    return encodeTreeCheckpoint({
      model: this.model,
      vocab: this.options.data.vocab,
      config: this.options.config,
      training: this.snapshot(),
      optimizer: this.optimizer,
    });
  }

  async *run(): AsyncGenerator<TreeTrainingEvent> {
    const { config, data, clock } = this.options;
    const started = clock();
    this.sessionStart = started;
    let windowStart = started;
    let windowTrees = 0;
    let lastYield = started;
    let lastLoss = Number.NaN;
    const picked: EncodedTree[] = new Array(config.batchSize);
    yield {
      type: 'start',
      step: this.step,
      totalSteps: config.steps,
      paramCount: this.model.params.count(),
      trainTrees: data.train.length,
      valTrees: data.val.length,
    };
    while (this.step < config.steps && !this.stopRequested) {
      for (let b = 0; b < config.batchSize; b++) picked[b] = data.train[this.batchRng.int(data.train.length)]!;
      const loss = this.model.lossAndGradients(packTrees(picked));
      if (!Number.isFinite(loss)) {
        yield this.done('diverged', loss, started, `loss became ${loss} at step ${this.step + 1}`);
        return;
      }
      const clip = applyClip(this.model.params, { kind: config.clip > 0 ? 'norm' : 'none', value: config.clip || 1 });
      if (!Number.isFinite(clip.gradNorm)) {
        yield this.done('diverged', loss, started, `gradient norm became ${clip.gradNorm} at step ${this.step + 1}`);
        return;
      }
      this.optimizer.step();
      this.step++;
      this.trees += config.batchSize;
      windowTrees += config.batchSize;
      lastLoss = loss;
      this.smoothLoss = 0.98 * this.smoothLoss + 0.02 * loss;

      const last = this.step === config.steps;
      const evaluate = data.val.length > 0 && config.evalEvery > 0 && (this.step % config.evalEvery === 0 || last);
      let val: { loss: number; accuracy: number; count: number } | undefined;
      if (evaluate) {
        val = evaluateTrees(this.model, data.val);
        yield { type: 'eval', step: this.step, valLoss: val.loss, valAccuracy: val.accuracy, count: val.count };
        if (this.bestValAccuracy === null || val.accuracy > this.bestValAccuracy) this.bestValAccuracy = val.accuracy;
      }
      if (last || evaluate || this.step % config.logEvery === 0) {
        const now = clock();
        yield {
          type: 'step',
          step: this.step,
          totalSteps: config.steps,
          trees: this.trees,
          loss,
          smoothLoss: this.smoothLoss,
          ...(val ? { valLoss: val.loss, valAccuracy: val.accuracy } : {}),
          lr: this.optimizer.lr,
          gradNorm: clip.gradNorm,
          clippedFrac: clip.clippedFrac,
          treesPerSec: windowTrees / Math.max((now - windowStart) / 1000, 1e-9),
          elapsedSec: this.elapsedBefore + (now - started) / 1000,
        };
        windowStart = clock();
        windowTrees = 0;
      }
      if (config.saveEvery > 0 && this.step % config.saveEvery === 0 && !last)
        yield { type: 'checkpoint', step: this.step, reason: 'periodic' };
      // Let the event loop breathe (signals) about every 50 ms.
      if (clock() - lastYield > 50) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = clock();
      }
    }
    yield { type: 'checkpoint', step: this.step, reason: 'final' };
    yield this.done(this.stopRequested ? 'interrupted' : 'completed', lastLoss, started);
  }

  private done(
    reason: 'completed' | 'interrupted' | 'diverged',
    finalLoss: number,
    started: number,
    message?: string,
  ): TreeTrainingEvent {
    return {
      type: 'done',
      step: this.step,
      reason,
      finalLoss,
      ...(message ? { message } : {}),
      ...(this.bestValAccuracy !== null ? { bestValAccuracy: this.bestValAccuracy } : {}),
      elapsedSec: (this.options.clock() - started) / 1000,
    };
  }

  private snapshot(): TreeTrainingSnapshot {
    return {
      step: this.step,
      trees: this.trees,
      smoothLoss: this.smoothLoss,
      bestValAccuracy: this.bestValAccuracy,
      batchRng: this.batchRng.getState(),
      optimizerScalars: this.optimizer.stateScalars(),
      elapsedSec:
        this.elapsedBefore + (this.sessionStart === null ? 0 : (this.options.clock() - this.sessionStart) / 1000),
    };
  }

  private restore(checkpoint: TreeCheckpoint): void {
    for (const p of this.model.params.list) p.value.set(checkpoint.tensors.get(p.name)!.data as ArrayLike<number>);
    loadTreeOptimizerState(checkpoint, this.optimizer);
    const t = checkpoint.training!;
    this.step = t.step;
    this.trees = t.trees;
    this.smoothLoss = t.smoothLoss;
    this.bestValAccuracy = t.bestValAccuracy;
    this.elapsedBefore = t.elapsedSec;
    this.batchRng.setState(t.batchRng);
  }
}
