// The training loop as a pipeline: a config and data in, an async iterable of typed events out
// (start, step, eval, sample, checkpoint, done). Every consumer — the trainer app, the sweep
// runner, the benchmarks — drives this one loop; report sinks turn its events into CSV rows,
// progress bars and files. Deterministic: same config and seed, same numbers, to the last bit.
//
// A checkpoint event pauses the loop while the consumer calls checkpointBytes(), so the snapshot
// is the state exactly after that step.

import { Prng, referenceKernels, type Kernels } from '@charrnn/tensor';
import { WindowStream, taskFor, type TaggingTask, type Vocabulary } from '@charrnn/corpus';
import {
  CharRnnModel,
  defaultInit,
  initializeParams,
  resetState,
  sampleIds,
  type RecurrentState,
} from '@charrnn/model';
import { LrSchedule, applyClip, createOptimizer, type Optimizer } from '@charrnn/optim';
import type { TrainingEvent } from '@charrnn/report';
import {
  encodeCheckpoint,
  loadTrainingState,
  loadTrainingWeights,
  loadWeights,
  type Checkpoint,
  type TrainingSnapshot,
} from './checkpoint.js';
import type { TrainConfig } from './config.js';
import { loadWeightsExtendingVocab } from './extend-vocab.js';
import type { TrainingData } from './data.js';
import type { DataReference } from './checkpoint-metadata.js';
import { DEFAULT_DIVERGENCE, DivergenceWatch, type DivergenceRule } from './divergence.js';
import { documentViews, evaluateDocuments } from './evaluate-documents.js';
import { displayText } from './display-text.js';
import { WeightAverage } from './weight-average.js';
import { CpuBudget, type CpuClock } from './cpu-budget.js';
import { evaluateTagging, type TaggingResult } from './tagging.js';

export interface TrainerOptions {
  readonly config: TrainConfig;
  readonly data: TrainingData;
  /** Milliseconds, monotonic; only used for speed and time limits, never for results. */
  readonly clock: () => number;
  /** Seconds of CPU time of this process; required for config.maxCpuSeconds, never used for results. */
  readonly cpuClock?: CpuClock;
  readonly kernels?: Kernels;
  /** Start from these weights with a fresh optimizer (--init). */
  readonly init?: Checkpoint;
  /** Continue this run exactly (--resume): weights, optimizer, step, data pointers, state, PRNGs. */
  readonly resume?: Checkpoint;
  /** Emit a "best" checkpoint event whenever validation loss improves. */
  readonly checkpointBest?: boolean;
  /** Emit periodic checkpoint events every config.saveEvery steps and a final one. */
  readonly checkpointPeriodic?: boolean;
  /** When a finite but exploding loss stops the run (default: 3 × ln V for 100 steps). */
  readonly divergence?: DivergenceRule;
  /** The text being trained on, stored in checkpoints so --resume can find it again. */
  readonly dataRef?: DataReference;
}

export class Trainer {
  readonly config: TrainConfig;
  readonly model: CharRnnModel;
  readonly optimizer: Optimizer;
  readonly schedule: LrSchedule;
  readonly vocab: Vocabulary;
  /** The tagging task trained, or null for next-symbol prediction. */
  readonly task: TaggingTask | null;
  /** With --ema-decay: the average of the weights, which evaluation, samples and checkpoints serve. */
  readonly average: WeightAverage | null;
  private readonly data: TrainingData;
  private readonly stream: WindowStream;
  private readonly state: RecurrentState;
  private readonly dropoutRng: Prng;
  private readonly sampleRng: Prng;
  private readonly clock: () => number;
  private readonly options: TrainerOptions;
  private step = 0;
  private chars = 0;
  private smoothLoss: number;
  private bestValLoss: number | null = null;
  /** Evaluations since the last new best (early stopping counts these). */
  private evalsSinceBest = 0;
  private stopReason: 'interrupted' | 'stopped' | null = null;
  /** Training seconds of earlier sessions of this run (resumed), so elapsed_s continues. */
  private elapsedBefore = 0;
  private sessionStart: number | null = null;
  /** The session's CPU budget (set by run()); evaluations report their cost to it. */
  private cpuBudget: CpuBudget | null = null;

  constructor(options: TrainerOptions) {
    const { config, data } = options;
    this.options = options;
    this.config = config;
    this.data = data;
    this.vocab = data.vocab;
    this.clock = options.clock;
    // Fails here, before any work, when the budget cannot be measured.
    CpuBudget.check(config.maxCpuSeconds, options.cpuClock);
    this.task = taskFor(config.task);
    if ((this.task !== null) !== (data.trainLabels !== undefined && data.valLabels !== undefined))
      throw new RangeError(
        `Trainer: data must have labels exactly when the task is a tagging task, got task ${config.task} and ${data.trainLabels ? 'labels' : 'none'}`,
      );
    const kernels = options.kernels ?? referenceKernels;
    this.model = new CharRnnModel(
      {
        cell: config.cell,
        vocabSize: data.vocab.size,
        hiddenSize: config.hidden,
        layers: config.layers,
        dropout: config.dropout,
        outputDropout: config.outputDropout,
        weightDrop: config.weightDrop,
        ...(this.task ? { outputSize: this.task.labels.length } : {}),
        bidirectional: config.bidirectional,
        dtype: config.dtype,
      },
      kernels,
    );
    // Independent streams of randomness, so changing how often we sample never changes training.
    const root = new Prng(config.seed);
    const initRng = root.fork();
    this.dropoutRng = root.fork();
    this.sampleRng = root.fork();
    initializeParams(
      this.model.params,
      config.weightInit === 'auto' ? defaultInit(config.cell) : config.weightInit,
      config.hidden,
      initRng,
    );
    this.optimizer = createOptimizer(config.optimizer, this.model.params, {
      lr: config.lr,
      momentum: config.momentum,
      kernels,
    });
    this.optimizer.setWeightDecay(config.weightDecay);
    this.schedule = new LrSchedule({
      kind: config.lrSchedule,
      lr: config.lr,
      warmup: config.warmup,
      totalSteps: config.steps,
      minFactor: config.lrMinFactor,
      decay: config.lrDecay,
      decayEvery: config.lrDecayEvery,
      patience: config.lrPatience,
    });
    this.stream = new WindowStream(data.train, {
      seqLength: config.seqLength,
      batchSize: config.batchSize,
      ...(data.trainStarts ? { documentStarts: data.trainStarts } : {}),
      ...(data.trainLabels ? { labels: data.trainLabels } : {}),
    });
    this.state = this.model.createState(config.batchSize);
    this.smoothLoss = Math.log(this.outputClasses); // the seed's starting point: a uniform guess
    const from = options.resume ?? options.init;
    // --extend-vocab: the data's vocabulary extends the --init checkpoint's; new characters keep their fresh weights.
    if (options.init && !options.resume && options.init.model.vocabSize < data.vocab.size)
      loadWeightsExtendingVocab(this.model, options.init);
    else if (from) loadWeights(this.model, from);
    this.average = config.emaDecay > 0 ? new WeightAverage(this.model, config.emaDecay) : null;
    if (options.resume) this.restore(options.resume);
  }

  /** Classes each step chooses among: the vocabulary, or the task's labels. */
  get outputClasses(): number {
    return this.task ? this.task.labels.length : this.vocab.size;
  }

  /** The model evaluation, samples and checkpoints serve: the weight average when there is one. */
  get servedModel(): CharRnnModel {
    return this.average?.model ?? this.model;
  }

  /** Asks the loop to stop after the current step (Ctrl-C, or a sweep's early stopping). */
  stop(reason: 'interrupted' | 'stopped' = 'interrupted'): void {
    this.stopReason = reason;
  }

  get currentStep(): number {
    return this.step;
  }

  /** The complete state after the last finished step, as a safetensors file. */
  checkpointBytes(): Uint8Array {
    return encodeCheckpoint({
      model: this.servedModel,
      ...(this.average ? { trainingWeights: this.model } : {}),
      vocab: this.vocab,
      config: this.config,
      training: this.snapshot(),
      optimizer: this.optimizer,
      state: this.state,
      ...(this.options.dataRef ? { data: this.options.dataRef } : {}),
    });
  }

  /**
   * The loop: one window per step (forward, backward, clip, update), then whatever is due after
   * it — an evaluation, a step event, a sample, a periodic checkpoint — and the stop rules.
   */
  async *run(): AsyncGenerator<TrainingEvent> {
    const { config } = this;
    const T = config.seqLength;
    const B = config.batchSize;
    const inputs = new Int32Array(T * B);
    const targets = new Int32Array(T * B);
    const started = this.clock();
    this.sessionStart = started;
    const cpuBudget = new CpuBudget(config.maxCpuSeconds, this.options.cpuClock);
    this.cpuBudget = cpuBudget;
    const divergence = new DivergenceWatch(this.options.divergence ?? DEFAULT_DIVERGENCE, this.outputClasses);
    const window = new LogWindow(started);
    let lastYield = started;
    let lastLoss = Number.NaN;
    let stopMessage: string | undefined;

    yield this.startEvent();
    while (this.step < config.steps && this.stopReason === null) {
      const trained = this.trainStep(inputs, targets, divergence);
      if (trained.diverged !== undefined) {
        yield this.done('diverged', trained.lossPerChar, started, trained.diverged);
        return;
      }
      lastLoss = trained.lossPerChar;
      window.add(trained.lossPerChar, T * B);
      const last = this.step === config.steps;

      // A run that the CPU budget ends evaluates its last weights too: they are often its best.
      let outOfCpu = cpuBudget.exhausted();
      const evaluation = yield* this.evaluateIfDue(last || outOfCpu);
      if (evaluation.diverged !== undefined) {
        yield this.done('diverged', trained.lossPerChar, started, evaluation.diverged);
        return;
      }
      // A periodic evaluation that leaves no room for more training and a final evaluation ends the
      // run here: these weights were just scored.
      if (!outOfCpu && evaluation.valLoss !== undefined) outOfCpu = cpuBudget.exhausted();
      stopMessage = this.earlyStop(started) ?? (outOfCpu ? cpuBudget.stopMessage(this.step, config.steps) : undefined);
      // The step a run stops at is reported too, so the bar and the log end where the run did.
      if (last || stopMessage !== undefined || evaluation.valLoss !== undefined || this.step % config.logEvery === 0) {
        yield this.stepEvent(trained, evaluation, window, started);
        window.reset(this.clock());
      }
      // A tagger has nothing to sample: its outputs are labels, not text.
      if (!this.task && config.sampleEvery > 0 && config.sampleLength > 0 && this.step % config.sampleEvery === 0)
        yield this.sample(inputs);
      // While the loss is above the divergence line, a periodic checkpoint waits: the file keeps the last good state.
      if (this.checkpointsPeriodic && this.step % config.saveEvery === 0 && !last && divergence.streak === 0)
        yield { type: 'checkpoint', step: this.step, reason: 'periodic' };
      if (stopMessage !== undefined) break;
      // Let the event loop breathe (signals, worker messages) about every 50 ms.
      if (this.clock() - lastYield > 50) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = this.clock();
      }
    }
    if (this.options.checkpointPeriodic === true) yield { type: 'checkpoint', step: this.step, reason: 'final' };
    // Early stopping and the time limit are how such a run is meant to end, so it completes (with a word on why).
    yield this.done(this.stopReason ?? 'completed', lastLoss, started, stopMessage);
  }

  private get checkpointsPeriodic(): boolean {
    return this.options.checkpointPeriodic === true && this.config.saveEvery > 0;
  }

  private startEvent(): TrainingEvent {
    const { config } = this;
    return {
      type: 'start',
      step: this.step,
      totalSteps: config.steps,
      paramCount: this.model.params.count(),
      vocabSize: this.vocab.size,
      trainChars: this.data.train.length,
      valChars: this.data.val.length,
      kernels: this.model.kernels.name,
      ...(config.maxSeconds > 0 ? { maxSeconds: config.maxSeconds } : {}),
    };
  }

  /** One window: forward and backward, the divergence rules, clipping, the update. */
  private trainStep(inputs: Int32Array, targets: Int32Array, divergence: DivergenceWatch): TrainedStep {
    const { config } = this;
    const T = config.seqLength;
    const B = config.batchSize;
    const resetMask = this.stream.next(inputs, targets);
    resetState(this.state, resetMask);
    const loss = this.model.lossAndGradients(inputs, targets, T, B, this.state, {
      train: true,
      rng: this.dropoutRng,
    });
    const lossPerChar = loss / T;
    const diverged = divergence.observe(lossPerChar, this.step + 1);
    if (diverged !== null) return { lossPerChar, gradNorm: Number.NaN, clippedFrac: 0, diverged };
    const clip = applyClip(this.model.params, { kind: config.clipMode, value: config.clip }, this.model.kernels);
    if (!Number.isFinite(clip.gradNorm))
      return { lossPerChar, ...clip, diverged: `gradient norm became ${clip.gradNorm} at step ${this.step + 1}` };
    this.optimizer.setLearningRate(this.schedule.lrAt(this.step + 1));
    this.optimizer.step();
    this.step++;
    this.average?.update(this.step);
    this.chars += T * B;
    this.smoothLoss = this.smoothLoss * 0.999 + lossPerChar * 0.001;
    return { lossPerChar, ...clip };
  }

  /** Validation when it is due: the eval event, the schedule's plateau memory, a best checkpoint. */
  private *evaluateIfDue(
    last: boolean,
  ): Generator<TrainingEvent, { valLoss?: number; tagging?: TaggingResult; diverged?: string }> {
    const { config } = this;
    const due = config.evalEvery > 0 && (this.step % config.evalEvery === 0 || last);
    if (!due || !this.canEvaluate()) return {};
    const cpuBefore = this.cpuBudget?.used() ?? 0;
    const result = this.evaluate();
    this.cpuBudget?.reserveForFinalEvaluation(Math.max(0, this.cpuBudget.used() - cpuBefore));
    const tagging = this.task ? (result as TaggingResult) : undefined;
    if (!Number.isFinite(result.loss))
      return { diverged: `validation loss became ${result.loss} at step ${this.step}` };
    yield {
      type: 'eval',
      step: this.step,
      chars: this.chars,
      valLoss: result.loss,
      valBpc: result.bpc,
      count: result.count,
      ...taggingFields(tagging),
    };
    this.schedule.observe(result.loss);
    if (this.bestValLoss === null || result.loss < this.bestValLoss) {
      this.bestValLoss = result.loss;
      this.evalsSinceBest = 0;
      if (this.options.checkpointBest) yield { type: 'checkpoint', step: this.step, reason: 'best' };
    } else {
      this.evalsSinceBest++;
    }
    return { valLoss: result.loss, ...(tagging ? { tagging } : {}) };
  }

  /** Whether there is held-out data to score: a document of 2 symbols (next symbol), or 1 labelled symbol. */
  private canEvaluate(): boolean {
    if (this.task) return this.data.val.length > 0;
    return documentViews(this.data.val, this.data.valStarts).length > 0;
  }

  /** Validation: next-symbol cross-entropy per document, or the task's labels scored as the tagger reads them. */
  private evaluate(): TaggingResult | ReturnType<typeof evaluateDocuments> {
    if (this.task)
      return evaluateTagging(this.servedModel, this.data.val, this.data.valLabels!, this.task, this.config.seqLength);
    return evaluateDocuments(this.servedModel, this.data.val, this.data.valStarts);
  }

  private stepEvent(
    trained: TrainedStep,
    evaluation: { valLoss?: number; tagging?: TaggingResult },
    window: LogWindow,
    started: number,
  ): TrainingEvent {
    const now = this.clock();
    const { valLoss } = evaluation;
    return {
      type: 'step',
      step: this.step,
      totalSteps: this.config.steps,
      chars: this.chars,
      loss: trained.lossPerChar,
      smoothLoss: this.smoothLoss,
      trainLoss: window.meanLoss(),
      ...(valLoss !== undefined ? { valLoss, valBpc: valLoss / Math.LN2 } : {}),
      ...taggingFields(evaluation.tagging),
      lr: this.optimizer.lr,
      gradNorm: trained.gradNorm,
      clippedFrac: trained.clippedFrac,
      charsPerSec: window.charsPerSec(now),
      elapsedSec: this.elapsedBefore + (now - started) / 1000,
    };
  }

  /** Why the run stops before --steps (patience, the time limit), or undefined to go on. */
  private earlyStop(started: number): string | undefined {
    const { config } = this;
    if (config.patience > 0 && this.evalsSinceBest >= config.patience)
      return `stopped early: no better validation loss in ${config.patience} evaluations (best ${(this.bestValLoss! / Math.LN2).toFixed(4)} bpc)`;
    if (config.maxSeconds > 0 && (this.clock() - started) / 1000 >= config.maxSeconds)
      return `stopped at the time limit: ${config.maxSeconds} s (max-seconds), step ${this.step} of ${config.steps}`;
    return undefined;
  }

  private done(
    reason: 'completed' | 'interrupted' | 'diverged' | 'stopped',
    finalLoss: number,
    started: number,
    message?: string | undefined,
  ): TrainingEvent {
    return {
      type: 'done',
      step: this.step,
      chars: this.chars,
      reason,
      finalLoss,
      ...(this.bestValLoss !== null ? { bestValLoss: this.bestValLoss } : {}),
      ...(message ? { message } : {}),
      elapsedSec: (this.clock() - started) / 1000,
    };
  }

  /** Like the seed: continue stream 0 from its current hidden state, primed with the window's first character. */
  private sample(inputs: Int32Array): TrainingEvent {
    const state = this.model.createState(1);
    const H = this.config.hidden;
    this.state.h.forEach((h, k) => state.h[k]!.set(h.subarray(0, H)));
    this.state.c?.forEach((c, k) => state.c![k]!.set(c.subarray(0, H)));
    const prime = [inputs[0]!];
    const { sampleLength: length, temperature, topK, topP } = this.config;
    // A top-k beyond the vocabulary keeps every character (the vocabulary is the text's, not the config's).
    const options = { prime, length, temperature, topK: Math.min(topK, this.vocab.size), topP, state };
    const ids = sampleIds(this.servedModel, options, this.sampleRng);
    const unit = this.config.unit;
    return {
      type: 'sample',
      step: this.step,
      prime: displayText(this.vocab, prime, unit),
      text: displayText(this.vocab, ids, unit),
    };
  }

  private snapshot(): TrainingSnapshot {
    return {
      step: this.step,
      chars: this.chars,
      smoothLoss: this.smoothLoss,
      bestValLoss: this.bestValLoss,
      evalsSinceBest: this.evalsSinceBest,
      schedule: this.schedule.getState(),
      stream: this.stream.getState(),
      dropoutRng: this.dropoutRng.getState(),
      sampleRng: this.sampleRng.getState(),
      optimizerScalars: this.optimizer.stateScalars(),
      elapsedSec: this.elapsedBefore + (this.sessionStart === null ? 0 : (this.clock() - this.sessionStart) / 1000),
    };
  }

  private restore(checkpoint: Checkpoint): void {
    loadTrainingState(checkpoint, this.optimizer, this.state);
    // The file's model tensors are the average (already in this.model); training continues on the raw weights.
    if (this.average) {
      this.average.restart();
      loadTrainingWeights(this.model, checkpoint);
    }
    const t = checkpoint.training!;
    this.step = t.step;
    this.chars = t.chars;
    this.smoothLoss = t.smoothLoss;
    this.bestValLoss = t.bestValLoss;
    // Checkpoints from before schedules had neither; a fresh count is what those runs had.
    this.evalsSinceBest = t.evalsSinceBest ?? 0;
    if (t.schedule) this.schedule.setState(t.schedule);
    this.elapsedBefore = t.elapsedSec ?? 0;
    this.stream.setState(t.stream);
    this.dropoutRng.setState(t.dropoutRng);
    this.sampleRng.setState(t.sampleRng);
  }
}

/** What one training step produced; `diverged` says why the run must stop (the update was not applied). */
interface TrainedStep {
  readonly lossPerChar: number;
  readonly gradNorm: number;
  readonly clippedFrac: number;
  readonly diverged?: string;
}

/**
 * The steps since the previous step event: their speed, and their mean training loss per
 * character — what the progress bar shows beside validation, instead of the seed's 0.999-smoothed
 * loss, which starts at ln V and lags the real loss by about a thousand steps.
 */
class LogWindow {
  private startMs: number;
  private chars = 0;
  private steps = 0;
  private lossSum = 0;

  constructor(now: number) {
    this.startMs = now;
  }

  add(lossPerChar: number, chars: number): void {
    this.lossSum += lossPerChar;
    this.steps++;
    this.chars += chars;
  }

  /** Every step has T·B characters, so the mean over steps is the mean over characters (nats). */
  meanLoss(): number {
    return this.steps > 0 ? this.lossSum / this.steps : Number.NaN;
  }

  charsPerSec(now: number): number {
    return this.chars / Math.max((now - this.startMs) / 1000, 1e-9);
  }

  reset(now: number): void {
    this.startMs = now;
    this.chars = 0;
    this.steps = 0;
    this.lossSum = 0;
  }
}

/** The event fields of a tagging evaluation (none for next-symbol prediction). */
function taggingFields(
  result: TaggingResult | undefined,
): Partial<Record<'valAccuracy' | 'valPrecision' | 'valRecall' | 'valF1', number>> {
  if (!result) return {};
  return {
    valAccuracy: result.accuracy,
    ...(result.f1 !== undefined
      ? { valPrecision: result.precision!, valRecall: result.recall!, valF1: result.f1 }
      : {}),
  };
}
