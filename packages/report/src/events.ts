// The vocabulary of a training run: the typed events the train pipeline yields and every report
// sink (CSV log, console progress, sample printer, sweep coordinator) consumes. Losses are in nats
// per character: the mean over the window and the batch, so they compare with other tools.

export interface StartEvent {
  readonly type: 'start';
  /** Step the run starts from (0, or the resumed step). */
  readonly step: number;
  readonly totalSteps: number;
  readonly paramCount: number;
  readonly vocabSize: number;
  readonly trainChars: number;
  readonly valChars: number;
  /** Kernel backend in use, e.g. "reference" or "wasm-simd". */
  readonly kernels: string;
  /** The run also stops after this many seconds from now (absent or 0: no time limit). */
  readonly maxSeconds?: number;
}

export interface StepEvent {
  readonly type: 'step';
  /** Steps completed so far (1 after the first update). */
  readonly step: number;
  readonly totalSteps: number;
  /** Characters trained on so far (predictions made: steps × seq-length × batch). */
  readonly chars: number;
  /** This step's mean loss, nats per character. */
  readonly loss: number;
  /** Exponential moving average of the loss (the seed's 0.999/0.001), nats per character. */
  readonly smoothLoss: number;
  /**
   * Mean training loss per character over the steps since the previous step event (nats): the
   * number to compare with validation. Absent from producers that predate it.
   */
  readonly trainLoss?: number;
  /** Validation loss and bits per character, present on steps where an evaluation ran. */
  readonly valLoss?: number;
  readonly valBpc?: number;
  /** A tagging task's validation metrics, on the same steps: accuracy, and the positive class's precision/recall/F1. */
  readonly valAccuracy?: number;
  readonly valPrecision?: number;
  readonly valRecall?: number;
  readonly valF1?: number;
  readonly lr: number;
  /** Global L2 norm of the gradient before clipping. */
  readonly gradNorm: number;
  /** Fraction of gradient entries changed by clipping. */
  readonly clippedFrac: number;
  readonly charsPerSec: number;
  readonly elapsedSec: number;
}

export interface EvalEvent {
  readonly type: 'eval';
  readonly step: number;
  readonly chars: number;
  readonly valLoss: number;
  readonly valBpc: number;
  /** Predictions evaluated. */
  readonly count: number;
  /** Tagging tasks: the fraction of labels right, and the positive class's precision/recall/F1 (boundary tasks). */
  readonly valAccuracy?: number;
  readonly valPrecision?: number;
  readonly valRecall?: number;
  readonly valF1?: number;
}

export interface SampleEvent {
  readonly type: 'sample';
  readonly step: number;
  readonly prime: string;
  readonly text: string;
}

export interface CheckpointEvent {
  readonly type: 'checkpoint';
  readonly step: number;
  /** Where it was written, when the sink that writes it knows. */
  readonly path?: string;
  /** Why it was written: periodic, best validation loss, or the final one. */
  readonly reason: 'periodic' | 'best' | 'final';
}

export interface DoneEvent {
  readonly type: 'done';
  readonly step: number;
  readonly chars: number;
  readonly reason: 'completed' | 'interrupted' | 'diverged' | 'stopped';
  /** Set when reason is "diverged" (what went wrong, e.g. "loss became NaN at step 812") or a run stopped early on patience. */
  readonly message?: string;
  readonly finalLoss: number;
  readonly bestValLoss?: number;
  readonly elapsedSec: number;
}

export type TrainingEvent = StartEvent | StepEvent | EvalEvent | SampleEvent | CheckpointEvent | DoneEvent;

/** Anything that consumes training events. close() flushes and releases what the sink holds. */
export interface EventSink {
  handle(event: TrainingEvent): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** Natural-log loss to bits. */
export function natsToBits(nats: number): number {
  return nats / Math.LN2;
}
