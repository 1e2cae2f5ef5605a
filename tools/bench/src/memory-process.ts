// The memory check in separate processes: a fresh Node process trains the seed's model for N steps,
// another for 2N, and each reports its resident memory after a garbage collection. Within one
// process, RSS carries whatever earlier measurements left behind (RSS rarely shrinks), which can
// hide growth or fake it; two fresh processes differ only in how long they trained.

import { spawnSync } from 'node:child_process';
import type { Kernels } from '@charrnn/tensor';
import { Trainer, prepareData, resolveTrainConfig } from '@charrnn/train';
import type { BenchConfig } from './configs.js';
import type { Probe } from './run-trainer.js';
import type { MemoryCheck } from './targets.js';

const MB = 1024 * 1024;

export interface ChildMemory {
  readonly rssMb: number;
  readonly peakMb: number;
}

/** In the child: trains `steps` steps of `config`, then reports RSS after a collection. */
export async function rssAfterSteps(
  config: BenchConfig,
  text: string,
  steps: number,
  kernels: Kernels,
  probe: Probe,
): Promise<ChildMemory> {
  const data = prepareData(text, 0, config.seqLength, config.batchSize);
  const trainConfig = resolveTrainConfig({
    cell: config.cell,
    hidden: config.hidden,
    seqLength: config.seqLength,
    batchSize: config.batchSize,
    dtype: 'f32',
    steps,
    logEvery: steps,
    evalEvery: 0,
    sampleEvery: 0,
    valFraction: 0,
    saveEvery: 0,
  });
  let peak = probe.rss();
  const trainer = new Trainer({ config: trainConfig, data, clock: probe.clock, kernels });
  for await (const event of trainer.run()) {
    peak = Math.max(peak, probe.rss());
    if (event.type === 'done' && event.reason !== 'completed')
      throw new Error(`memory check: training ${event.reason}`);
  }
  probe.gc();
  const rss = probe.rss();
  return { rssMb: rss / MB, peakMb: Math.max(peak, rss) / MB };
}

export interface ProcessMemoryOptions {
  /** The bench's entry script, run again with --memory-child. */
  readonly script: string;
  /** Flags the child needs to see the same data and kernels (e.g. --data FILE --kernels auto). */
  readonly childArgs: readonly string[];
  readonly steps: number;
  readonly timeoutMs: number;
}

/** Runs the child for N and for 2N steps; a failure becomes { error }. */
export function checkMemoryInProcesses(options: ProcessMemoryOptions): MemoryCheck | { readonly error: string } {
  const run = (steps: number): ChildMemory | { readonly error: string } => {
    const r = spawnSync(process.execPath, [options.script, '--memory-child', String(steps), ...options.childArgs], {
      encoding: 'utf8',
      timeout: options.timeoutMs,
    });
    if (r.error) return { error: r.error.message };
    const line = r.stdout.trim().split('\n').pop() ?? '';
    try {
      const parsed = JSON.parse(line) as Partial<ChildMemory>;
      if (r.status === 0 && typeof parsed.rssMb === 'number' && typeof parsed.peakMb === 'number')
        return { rssMb: parsed.rssMb, peakMb: parsed.peakMb };
    } catch {
      // reported below
    }
    return {
      error: `the memory child exited ${r.status ?? r.signal}: ${(r.stderr.trim().split('\n').pop() ?? line) || 'no output'}`,
    };
  };
  const once = run(options.steps);
  if ('error' in once) return once;
  const twice = run(2 * options.steps);
  if ('error' in twice) return twice;
  return {
    steps: options.steps,
    rssAtStepsMb: once.rssMb,
    rssAtTwiceStepsMb: twice.rssMb,
    peakMb: Math.max(once.peakMb, twice.peakMb),
  };
}
