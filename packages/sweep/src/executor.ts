// The trial executor seam: the coordinator hands a task to an executor and gets back the trial's
// events, checkpoint bytes and rung questions through callbacks, then its outcome. Executors only
// run trials (in-process here; worker threads in the app; a job queue later); the coordinator owns
// every file, so the output does not depend on where trials ran. runTrial is the one trial body.

import { Trainer, decodeCheckpoint, prepareData, prepareTaskData, type TrainConfig } from '@charrnn/train';
import { taskFor } from '@charrnn/corpus';
import { createTrialDataCache, type TrialDataCache } from './trial-data.js';
import type { Kernels } from '@charrnn/tensor';
import type { TrainingEvent } from '@charrnn/report';
import type { SweepMetric } from './spec.js';

/** Everything a worker needs to run one trial; structured-clone safe (plain data). */
export interface TrialTask {
  readonly id: string;
  readonly config: TrainConfig;
  readonly metric: SweepMetric;
  /** ASHA rung steps (ascending); empty without early stopping. */
  readonly rungSteps: readonly number[];
  /** A "last" checkpoint to continue from (resume). */
  readonly resume?: Uint8Array;
}

export interface TrialCallbacks {
  onEvent(event: TrainingEvent): void;
  /** "best": best validation so far; "last": periodic or final state, for resuming. */
  onCheckpoint(kind: 'best' | 'last', step: number, bytes: Uint8Array): void | Promise<void>;
  /** Asked at each rung with the metric there; false stops the trial (status "stopped"). */
  onRung(rung: number, step: number, value: number): boolean | Promise<boolean>;
  /** Aborted on Ctrl-C: the trial stops after its current step and saves its last checkpoint. */
  readonly signal: AbortSignal;
}

export interface TrialOutcome {
  /** How the trainer ended, or "error" when the trial threw (bad data, worker crash, …). */
  readonly status: 'completed' | 'stopped' | 'diverged' | 'interrupted' | 'error';
  readonly message?: string;
}

export interface TrialExecutor {
  /** How many trials it runs at once. */
  readonly slots: number;
  run(task: TrialTask, callbacks: TrialCallbacks): Promise<TrialOutcome>;
  close(): Promise<void>;
}

export interface TrialEnvironment {
  /** The training text (the whole corpus; each trial splits it by its own valFraction). */
  readonly text: string;
  readonly clock: () => number;
  readonly kernels?: Kernels;
  /** Shares the encoded text between this environment's trials (createTrialDataCache); default: each trial encodes it. */
  readonly data?: TrialDataCache;
}

/** Runs one trial with the trainer, answering checkpoints and rungs; never throws. */
export async function runTrial(
  task: TrialTask,
  env: TrialEnvironment,
  callbacks: TrialCallbacks,
): Promise<TrialOutcome> {
  let trainer: Trainer;
  try {
    const { config } = task;
    const resume = task.resume ? decodeCheckpoint(task.resume) : undefined;
    // --unit byte trains on the text's UTF-8 bytes (a sweep's data is one UTF-8 text file).
    const args = [
      env.text,
      config.valFraction,
      config.seqLength,
      config.batchSize,
      resume?.vocab,
      config.unit,
    ] as const;
    // A tagging task's trials derive (or generate) their labelled examples from the text.
    const tagging = taskFor(config.task);
    const data = tagging
      ? prepareTaskData(tagging, env.text, config, resume?.vocab)
      : env.data
        ? env.data.prepare(...args)
        : prepareData(...args);
    trainer = new Trainer({
      config,
      data,
      clock: env.clock,
      ...(env.kernels ? { kernels: env.kernels } : {}),
      ...(resume ? { resume } : {}),
      checkpointBest: true,
      checkpointPeriodic: true,
    });
  } catch (error) {
    return { status: 'error', message: errorMessage(error) };
  }
  const stop = (): void => trainer.stop('interrupted');
  if (callbacks.signal.aborted) stop();
  callbacks.signal.addEventListener('abort', stop);
  let nextRung = task.rungSteps.findIndex((s) => s > trainer.currentStep);
  if (nextRung < 0) nextRung = task.rungSteps.length;
  try {
    for await (const event of trainer.run()) {
      if (event.type === 'checkpoint') {
        await callbacks.onCheckpoint(event.reason === 'best' ? 'best' : 'last', event.step, trainer.checkpointBytes());
      }
      callbacks.onEvent(event);
      if (event.type === 'eval' && nextRung < task.rungSteps.length && event.step >= task.rungSteps[nextRung]!) {
        const value = task.metric === 'val_bpc' ? event.valBpc : event.valLoss;
        const proceed = await callbacks.onRung(nextRung, event.step, value);
        nextRung++;
        if (!proceed) trainer.stop('stopped');
      }
      if (event.type === 'done') {
        if (event.reason === 'diverged') return { status: 'diverged', message: event.message ?? 'training diverged' };
        return { status: event.reason };
      }
    }
    return { status: 'error', message: 'the trainer ended without a done event' };
  } catch (error) {
    return { status: 'error', message: errorMessage(error) };
  } finally {
    callbacks.signal.removeEventListener('abort', stop);
  }
}

/** Runs trials in this thread; `slots` > 1 interleaves them (the trainer yields every ~50 ms). */
export function createInProcessExecutor(env: TrialEnvironment & { readonly slots?: number }): TrialExecutor {
  const slots = env.slots ?? 1;
  if (!Number.isInteger(slots) || slots < 1)
    throw new RangeError(`createInProcessExecutor: slots must be a positive integer, got ${slots}`);
  const shared: TrialEnvironment = { ...env, data: env.data ?? createTrialDataCache() };
  return {
    slots,
    run: (task, callbacks) => runTrial(task, shared, callbacks),
    close: async () => undefined,
  };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
