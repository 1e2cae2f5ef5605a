// Times charrnn's own training: the one Trainer pipeline from @charrnn/train, driven for a fixed
// number of steps after a warm-up, with the process's resident memory sampled while it runs.

import type { Kernels } from '@charrnn/tensor';
import { taskFor } from '@charrnn/corpus';
import {
  CONFIG_RULES,
  Trainer,
  prepareData,
  prepareTaskData,
  resolveTrainConfig,
  type TrainConfig,
  type TrainingData,
} from '@charrnn/train';
import { RunError } from '@charrnn/cli';
import type { BenchConfig } from './configs.js';
import type { Measurement } from './measurement.js';

export interface Probe {
  /** Milliseconds, monotonic. */
  readonly clock: () => number;
  /** Resident set size, bytes. */
  readonly rss: () => number;
  /** A full garbage collection when the runtime allows it, else nothing. */
  readonly gc: () => void;
}

const MB = 1024 * 1024;
const MANY_STEPS = 1_000_000_000;

/** True when the train config has a `threads` key (a two-thread option added by the kernels work). */
export function trainConfigHasThreads(): boolean {
  return Object.hasOwn(CONFIG_RULES, 'threads');
}

function trainConfig(
  c: BenchConfig,
  steps: number,
  logEvery: number,
  maxSeconds: number,
  threads: number | undefined,
): TrainConfig {
  const partial: Record<string, unknown> = {
    cell: c.cell,
    hidden: c.hidden,
    seqLength: c.seqLength,
    batchSize: c.batchSize,
    dtype: 'f32',
    steps,
    logEvery,
    maxSeconds,
    evalEvery: 0,
    sampleEvery: 0,
    valFraction: 0,
    saveEvery: 0,
    ...(c.bidirectional ? { task: 'restore-spaces', bidirectional: true } : {}),
  };
  // Only pass the key when the config knows it, so this runs before and after it exists.
  if (threads !== undefined) partial['threads'] = threads;
  return resolveTrainConfig(partial as Partial<TrainConfig>);
}

/** Samples RSS every few milliseconds (the trainer yields to the event loop about every 50 ms) and at each call of `sample`. */
class PeakRss {
  private peak = 0;
  private readonly timer: ReturnType<typeof setInterval>;
  constructor(private readonly probe: Probe) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 5);
    this.timer.unref?.();
  }
  sample(): void {
    this.peak = Math.max(this.peak, this.probe.rss());
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak / MB;
  }
}

export interface TrainerRunOptions {
  readonly config: BenchConfig;
  readonly text: string;
  /** Fresh kernels for this run: a wasm backend never frees, so each run gets its own memory. */
  readonly kernels: () => Kernels;
  /** Set only when the train config has a threads option. */
  readonly threads?: number;
  readonly seconds: number;
  readonly probe: Probe;
}

/** The whole text as training data: next-symbol windows, or the tagger's text without spaces and its labels. */
function benchData(c: BenchConfig, text: string): TrainingData {
  if (!c.bidirectional) return prepareData(text, 0, c.seqLength, c.batchSize);
  const task = taskFor('restore-spaces');
  if (!task) throw new RunError('bench: the restore-spaces task is not registered in @charrnn/corpus');
  return prepareTaskData(task, text, { valFraction: 0, seed: 1, seqLength: c.seqLength, batchSize: c.batchSize });
}

export async function measureTrainer(options: TrainerRunOptions): Promise<Measurement> {
  const { config: c, probe, seconds } = options;
  const data = benchData(c, options.text);
  probe.gc();
  const peak = new PeakRss(probe);

  // Warm-up and calibration: a throw-away trainer runs for a tenth of the budget (JIT, wasm tiering, caches).
  const warm = new Trainer({
    config: trainConfig(c, MANY_STEPS, MANY_STEPS, Math.max(0.1 * seconds, 0.3), options.threads),
    data,
    clock: probe.clock,
    kernels: options.kernels(),
  });
  let warmSteps = 0;
  let warmSeconds = 0;
  for await (const event of warm.run()) {
    peak.sample();
    if (event.type === 'done') {
      if (event.reason !== 'completed')
        throw new RunError(`bench: ${c.id} warm-up ${event.reason}: ${event.message ?? ''}`);
      warmSteps = event.step;
      warmSeconds = event.elapsedSec;
    }
  }
  const steps = Math.max(3, Math.ceil((seconds * warmSteps) / Math.max(warmSeconds, 1e-6)));
  // The timed trainer's first steps fault in its fresh buffers: a few untimed steps first.
  const lead = Math.max(2, Math.ceil(steps / 20));

  const trainer = new Trainer({
    config: trainConfig(c, lead + steps, lead, 0, options.threads),
    data,
    clock: probe.clock,
    kernels: options.kernels(),
  });
  let started = Number.NaN;
  let ended = Number.NaN;
  let kernelName = '';
  for await (const event of trainer.run()) {
    peak.sample();
    if (event.type === 'start') kernelName = event.kernels;
    if (event.type === 'step' && event.step === lead) started = probe.clock();
    if (event.type === 'done') {
      ended = probe.clock();
      if (event.reason !== 'completed' || event.step !== lead + steps)
        throw new RunError(`bench: ${c.id} ${event.reason} at step ${event.step}: ${event.message ?? ''}`);
    }
  }
  const elapsed = (ended - started) / 1000;
  const peakMb = peak.stop();
  return {
    configId: c.id,
    cell: c.cell,
    hidden: c.hidden,
    seqLength: c.seqLength,
    batchSize: c.batchSize,
    ...(c.bidirectional ? { bidirectional: true } : {}),
    family: 'charrnn',
    implementation: `charrnn ${kernelName}`,
    kernels: kernelName,
    threads: options.threads ?? 1,
    dtype: 'float32',
    charsPerSec: (steps * c.seqLength * c.batchSize) / elapsed,
    msPerStep: (1000 * elapsed) / steps,
    steps,
    seconds: elapsed,
    peakMb,
  };
}
