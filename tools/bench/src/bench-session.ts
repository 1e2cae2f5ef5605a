// The measuring part of a bench run: config by config, charrnn's runs through the one Trainer
// pipeline and its numpy/PyTorch peers back to back, the memory check after the seed config, the
// evaluation and sampling workloads, and the matmul ceiling at the start and the end. It keeps what
// was measured, what was skipped and what failed; a Ctrl-C stops it after the current measurement.

import { join } from 'node:path';
import { chooseKernels } from '@charrnn/cli';
import { formatRate } from '@charrnn/report';
import type { Say } from './bench-setup.js';
import { type BENCH_CONFIGS, SEED_CONFIG, describeConfig } from './configs.js';
import { describeWorkload, inferencePeerArgs, measureInference, type InferenceWorkload } from './inference.js';
import type { Measurement } from './measurement.js';
import { checkMemoryInProcesses } from './memory-process.js';
import type { CharrnnRun, PeerRun } from './plan.js';
import { peerMeasurement, runPythonJson } from './python-peers.js';
import { measureTrainer, type Probe } from './run-trainer.js';
import { formatMs } from './table.js';
import type { MemoryCheck } from './targets.js';

export const DEFAULT_CEILING_GFLOPS = 100;

export interface SessionOptions {
  readonly say: Say;
  /** Prints a line once however often it is given (kernel fallbacks). */
  readonly notice: Say;
  readonly text: string;
  /** The text's file, or "embedded corpus". */
  readonly dataSource: string;
  /** The text as a file the Python peers can read (a scratch copy of the embedded corpus). */
  readonly pythonData: string;
  readonly seconds: number;
  readonly probe: Probe;
  /** Backend name → kernel preference, fastest first. */
  readonly kernels: ReadonlyMap<string, string>;
  readonly numpyPython?: string | undefined;
  readonly torchPython?: string | undefined;
  /** Environment for the Python peers (BLAS on one thread). */
  readonly env: Record<string, string | undefined>;
  /** tools/reference, where the peers' scripts are. */
  readonly referenceDir: string;
  /** This program, re-run as the memory check's child processes. */
  readonly script: string;
  /** --ceiling-gflops: no ceiling measurement then. */
  readonly ceilingGflops?: number | undefined;
}

export interface Ceiling {
  readonly gflops: number;
  readonly source: string;
}

export class BenchSession {
  readonly measurements: Measurement[] = [];
  /** Things that did not run by choice or absence (no torch, --no-python). */
  readonly skipped: string[] = [];
  /** Things that were meant to run and failed: a run with any is partial. */
  readonly failures: string[] = [];
  memory: MemoryCheck | undefined;
  ceiling: Ceiling = {
    gflops: DEFAULT_CEILING_GFLOPS,
    source: `the issue's figure (${DEFAULT_CEILING_GFLOPS} GFLOP/s)`,
  };
  private stopRequested = false;
  private memoryChecked = false;
  private readonly timeoutMs: number;

  constructor(private readonly o: SessionOptions) {
    this.timeoutMs = Math.max(120_000, 20_000 * o.seconds);
    if (o.ceilingGflops !== undefined) this.ceiling = { gflops: o.ceilingGflops, source: '--ceiling-gflops' };
  }

  /** Ctrl-C: finish the measurement under way, then stop. */
  interrupt(): void {
    this.stopRequested = true;
  }

  get interrupted(): boolean {
    return this.stopRequested;
  }

  /** Everything planned, in order; stops early on interrupt. */
  async run(
    configs: typeof BENCH_CONFIGS,
    charrnnRuns: readonly CharrnnRun[],
    peerRuns: readonly PeerRun[],
    workloads: readonly InferenceWorkload[],
  ): Promise<void> {
    this.measureCeiling();
    // Config by config, charrnn and its peers back to back, so a change in the machine's load
    // between minutes shifts both sides of a ratio alike.
    for (const config of configs) {
      if (this.stopRequested) return;
      this.o.say(`${describeConfig(config)}:`);
      for (const run of charrnnRuns.filter((r) => r.config.id === config.id)) {
        if (this.stopRequested) return;
        await this.measureCharrnn(run);
      }
      // The memory check follows the seed config's own runs, before bigger models raise the RSS.
      if (config.id === SEED_CONFIG.id && !this.stopRequested) this.memoryCheck();
      for (const run of peerRuns.filter((r) => r.config.id === config.id)) {
        if (this.stopRequested) return;
        this.measurePeer(run);
      }
    }
    if (!this.memoryChecked && configs.length > 0 && !this.stopRequested) this.memoryCheck();
    for (const workload of workloads) {
      if (this.stopRequested) return;
      this.measureWorkload(workload);
    }
    if (!this.stopRequested) this.measureCeiling();
  }

  private record(m: Measurement): void {
    this.measurements.push(m);
    const who = `${m.implementation}${m.threads > 1 ? ` ×${m.threads} threads` : ''}`;
    this.o.say(
      `  ${who.padEnd(26)} ${formatRate(m.charsPerSec).padStart(7)} chars/s  ${formatMs(m.msPerStep).padStart(7)} ms/step  ${m.peakMb.toFixed(1).padStart(6)} MB`,
    );
  }

  private async measureCharrnn(run: CharrnnRun): Promise<void> {
    this.record(
      await measureTrainer({
        config: run.config,
        text: this.o.text,
        seconds: this.o.seconds,
        probe: this.o.probe,
        kernels: () => chooseKernels(run.kernels, this.o.notice, { threads: run.threads ?? 1 }),
        ...(run.threads !== undefined ? { threads: run.threads } : {}),
      }),
    );
  }

  private python(interpreter: string, script: string, args: readonly string[]) {
    return runPythonJson({
      interpreter,
      script: join(this.o.referenceDir, script),
      args: [...args],
      env: this.o.env,
      timeoutMs: this.timeoutMs,
    });
  }

  private measurePeer(run: PeerRun): void {
    const out = this.python(run.tool === 'numpy' ? this.o.numpyPython! : this.o.torchPython!, run.script, run.args);
    const what = `${run.script} ${describeConfig(run.config)}`;
    if ('error' in out) this.failures.push(`${what}: ${String(out.error)}`);
    else if ('skipped' in out) this.skipped.push(`${what}: ${String(out['skipped'])}`);
    else this.record(peerMeasurement(out, run.config));
  }

  /** Evaluation and sampling: the apps' library paths on the fast kernels, each beside its PyTorch peer. */
  private measureWorkload(workload: InferenceWorkload): void {
    this.o.say(`${describeWorkload(workload)}:`);
    const kernels = chooseKernels([...this.o.kernels.values()][0]!, this.o.notice);
    this.o.probe.gc();
    const m = measureInference({
      workload,
      text: this.o.text,
      kernels,
      seconds: this.o.seconds,
      clock: this.o.probe.clock,
      rss: this.o.probe.rss,
    });
    kernels.close?.();
    this.record(m);
    if (!this.o.torchPython || this.stopRequested) return;
    const out = this.python(
      this.o.torchPython,
      'bench_torch_infer.py',
      inferencePeerArgs(workload, this.o.pythonData, this.o.seconds),
    );
    const what = `bench_torch_infer.py ${workload.id}`;
    if ('error' in out) this.failures.push(`${what}: ${String(out.error)}`);
    else if ('skipped' in out) this.skipped.push(`${what}: ${String(out['skipped'])}`);
    else {
      const peer = { id: workload.id, cell: workload.cell, hidden: workload.hidden, seqLength: 1, batchSize: 1 };
      this.record({ ...peerMeasurement(out, peer), task: workload.task });
    }
  }

  /** Two fresh processes train the seed model N and 2N steps: does resident memory grow with steps? */
  private memoryCheck(): void {
    this.memoryChecked = true;
    const fastName = [...this.o.kernels.keys()][0];
    const seedFast = this.measurements.find(
      (m) => m.configId === SEED_CONFIG.id && m.threads === 1 && m.kernels === fastName,
    );
    if (!seedFast || fastName === undefined) {
      this.skipped.push('memory check: the seed config did not run');
      return;
    }
    const steps = Math.max(50, Math.round(seedFast.steps / 2));
    const checked = checkMemoryInProcesses({
      script: this.o.script,
      childArgs: [
        ...(this.o.dataSource === 'embedded corpus' ? [] : ['--data', this.o.dataSource]),
        '--kernels',
        this.o.kernels.get(fastName)!,
      ],
      steps,
      timeoutMs: Math.max(120_000, 40_000 * this.o.seconds),
    });
    if ('error' in checked) {
      this.failures.push(`memory check: ${checked.error}`);
      return;
    }
    this.memory = checked;
    this.o.say(
      `  memory check (${fastName}, two fresh processes): RSS ${checked.rssAtStepsMb.toFixed(1)} MB after ${steps} steps, ${checked.rssAtTwiceStepsMb.toFixed(1)} MB after ${2 * steps} (after a GC each); peak ${checked.peakMb.toFixed(1)} MB`,
    );
  }

  /**
   * The ceiling is measured at the start and at the end, and the better pass kept: a ceiling is what
   * the machine can do, and a busy moment only lowers it.
   */
  private measureCeiling(): void {
    if (!this.o.numpyPython || this.o.ceilingGflops !== undefined) return;
    const out = this.python(this.o.numpyPython, 'bench_numpy.py', ['--impl', 'gemm', '--seconds', '1']);
    if ('error' in out || typeof out['gflops_best'] !== 'number') {
      this.failures.push(`matmul ceiling: ${'error' in out ? String(out.error) : 'no gflops_best field'}`);
      return;
    }
    const best = out['gflops_best'];
    if (this.ceiling.source.startsWith('numpy') && this.ceiling.gflops >= best) return;
    this.ceiling = {
      gflops: best,
      source: `numpy ${String(out['numpy'])} float32 ${String(out['n'])}³ matmul, one thread, best of ${String(out['reps'])} repeats (median ${Number(out['gflops']).toFixed(1)}), better of two passes`,
    };
  }
}
