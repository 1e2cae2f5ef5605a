// charrnn-bench (`npm run bench`): times charrnn's training on the issue's configs through the
// one Trainer pipeline, runs the numpy and PyTorch peers beside it when they are installed, and
// prints and writes (JSON + CSV) the table, the ratios and the targets.

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  EXIT_OK,
  UsageError,
  chooseKernels,
  formatHelp,
  loadEmbeddedCorpus,
  parseFlags,
  readText,
  writeFileAtomic,
  type CommandIo,
} from '@charrnn/cli';
import { formatRate } from '@charrnn/report';
import { prepareData } from '@charrnn/train';
import { BENCH_CONFIGS, SEED_CONFIG, describeConfig, flopsPerChar } from './configs.js';
import { BENCH_FLAGS, parseIntList, parseList } from './flags.js';
import type { Measurement } from './measurement.js';
import { planCharrnnRuns, planPeerRuns } from './plan.js';
import { findPython, oneThreadEnv, peerMeasurement, runPythonJson } from './python-peers.js';
import { fileStamp, resultsCsv, type BenchReport } from './report-files.js';
import { measureTrainer, trainConfigHasThreads, type Probe } from './run-trainer.js';
import { benchHtml } from './chart-html.js';
import {
  INFERENCE_WORKLOADS,
  describeWorkload,
  inferencePeerArgs,
  inferenceTargets,
  measureInference,
  type InferenceWorkload,
} from './inference.js';
import { checkMemoryInProcesses, rssAfterSteps } from './memory-process.js';
import { formatMs, formatResultsTable, formatTargets } from './table.js';
import { evaluateTargets, type MemoryCheck } from './targets.js';

const USAGE =
  'charrnn-bench [--seconds S] [--configs LIST] [--kernels LIST] [--threads LIST] [--data FILE] [--no-python]';
const DESCRIPTION =
  'Training speed (characters/s, ms/step, peak memory) of charrnn against numpy and PyTorch, one thread each, side by side.';
const DEFAULT_CEILING_GFLOPS = 100;

export async function benchCommand(io: CommandIo): Promise<number> {
  const flags = parseFlags(io.argv, BENCH_FLAGS);
  if (flags.help) {
    io.stdout.write(formatHelp(USAGE, DESCRIPTION, BENCH_FLAGS));
    return EXIT_OK;
  }
  const v = flags.values;
  const say = (line: string): void => void io.stdout.write(`${line}\n`);
  const startedAt = new Date().toISOString();
  const root = workspaceRoot();
  const seconds = v.seconds as number;
  const skipped: string[] = [];

  // Data: --data as given; by default the shared Kafka text beside the repository, else the embedded corpus.
  const defaultData = resolve(root, '../shared/data/kafka.txt');
  let text: string;
  let dataSource: string;
  if (flags.explicit.has('data')) {
    dataSource = resolve(String(v.data));
    text = readText(dataSource, '--data file');
  } else if (existsSync(defaultData)) {
    dataSource = defaultData;
    text = readText(defaultData, 'the default data file');
  } else {
    dataSource = 'embedded corpus';
    text = loadEmbeddedCorpus();
    say(`notice: ${defaultData} is missing; using the bundled text (data/devils-dictionary.txt) instead`);
  }
  if (text.length === 0) throw new UsageError(`the training text ${dataSource} is empty`);
  const vocab = prepareData(text, 0, 1, 1).vocab.size;
  const probe: Probe = { clock: () => performance.now(), rss: () => process.memoryUsage.rss(), gc: makeGc() };

  if (v.memoryChild !== undefined) {
    // A child of the memory check: one fresh process, one training run, one JSON line.
    const pref = flags.explicit.has('kernels') ? parseList('kernels', String(v.kernels))[0]! : 'auto';
    const result = await rssAfterSteps(
      SEED_CONFIG,
      text,
      v.memoryChild as number,
      chooseKernels(pref, () => undefined),
      probe,
    );
    say(JSON.stringify(result));
    return EXIT_OK;
  }

  const { configs, workloads } = selectConfigs(String(v.configs));
  const threadsSupported = trainConfigHasThreads();
  const threads = threadsSupported ? parseIntList('threads', String(v.threads)) : undefined;
  if (!threadsSupported) {
    const line = 'threads: the train config has no threads option yet; only one thread is timed';
    if (flags.explicit.has('threads')) say(`notice: ${line}; --threads is ignored`);
    skipped.push(line);
  }

  // Kernels: resolve each preference once, and keep distinct backends only.
  const notices = new Set<string>();
  const notice = (line: string): void => {
    if (!notices.has(line)) say(line);
    notices.add(line);
  };
  const kernelPrefs = flags.explicit.has('kernels') ? parseList('kernels', String(v.kernels)) : ['auto', 'reference'];
  const byName = new Map<string, string>();
  for (const pref of kernelPrefs) {
    const name = chooseKernels(pref, notice).name;
    if (!byName.has(name)) byName.set(name, pref);
  }
  const kernelChoice = { preferences: [...byName.values()], explicit: flags.explicit.has('kernels') };

  say(`charrnn bench — ${startedAt}`);
  say(`machine: ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, node ${process.version}`);
  say(
    `data: ${dataSource} (${text.length} chars, vocabulary ${vocab}); ${seconds} s timed per measurement after a warm-up`,
  );
  say(
    `kernels: ${[...byName.keys()].join(', ')}${threads ? `; threads at ${describeConfig(BENCH_CONFIGS[2]!)}: ${threads.join(', ')}` : ''}`,
  );

  // Python peers: which interpreters can import numpy / torch.
  let numpyPython: string | undefined;
  let torchPython: string | undefined;
  if (v.noPython === true) skipped.push('numpy and PyTorch peers: --no-python');
  else {
    const numpy = findPython([String(v.python), 'python3', '/usr/bin/python3'], 'numpy');
    if ('missing' in numpy) skipped.push(`numpy peers: ${numpy.missing}`);
    else {
      numpyPython = numpy.interpreter;
      say(`numpy ${numpy.version} via ${numpy.interpreter}`);
    }
    const torch = findPython([String(v.python), 'python3', '/usr/bin/python3'], 'torch');
    if ('missing' in torch)
      skipped.push(`PyTorch peer: ${torch.missing} (Debian: apt-get install python3-torch libopenblas0-pthread)`);
    else {
      torchPython = torch.interpreter;
      say(`torch ${torch.version} via ${torch.interpreter}`);
    }
  }
  for (const line of skipped) say(`skipping: ${line}`);
  say('');

  const measurements: Measurement[] = [];
  const progress = (m: Measurement): void =>
    say(
      `  ${`${m.implementation}${m.threads > 1 ? ` ×${m.threads} threads` : ''}`.padEnd(26)} ${formatRate(m.charsPerSec).padStart(7)} chars/s  ${formatMs(m.msPerStep).padStart(7)} ms/step  ${m.peakMb.toFixed(1).padStart(6)} MB`,
    );

  // The memory check follows the seed config's own runs, before bigger models raise the process's RSS.
  let memory: MemoryCheck | undefined;
  let memoryChecked = false;
  const memoryCheck = async (): Promise<void> => {
    memoryChecked = true;
    const fastName = [...byName.keys()][0];
    const seedFast = measurements.find(
      (m) => m.configId === SEED_CONFIG.id && m.threads === 1 && m.kernels === fastName,
    );
    if (!seedFast || fastName === undefined) {
      skipped.push('memory check: the seed config did not run');
      return;
    }
    const steps = Math.max(50, Math.round(seedFast.steps / 2));
    const childArgs = [
      ...(dataSource === 'embedded corpus' ? [] : ['--data', dataSource]),
      '--kernels',
      byName.get(fastName)!,
    ];
    const checked = checkMemoryInProcesses({
      script: process.argv[1]!,
      childArgs,
      steps,
      timeoutMs: Math.max(120_000, 40_000 * seconds),
    });
    if ('error' in checked) {
      skipped.push(`memory check: ${checked.error}`);
      return;
    }
    memory = checked;
    say(
      `  memory check (${fastName}, two fresh processes): RSS ${memory.rssAtStepsMb.toFixed(1)} MB after ${steps} steps, ${memory.rssAtTwiceStepsMb.toFixed(1)} MB after ${2 * steps} (after a GC each); peak ${memory.peakMb.toFixed(1)} MB`,
    );
  };

  // Python peers: one subprocess per measurement, BLAS on one thread.
  const scratch =
    dataSource === 'embedded corpus' && (numpyPython || torchPython)
      ? mkdtempSync(join(tmpdir(), 'charrnn-bench-'))
      : undefined;
  const pythonData = scratch ? join(scratch, 'corpus.txt') : dataSource;
  if (scratch) writeFileSync(pythonData, text);
  const env = oneThreadEnv(io.env);
  const timeoutMs = Math.max(120_000, 20_000 * seconds);
  const script = (name: string): string => join(root, 'tools/reference', name);

  // The ceiling is measured at the start and at the end, and the better pass kept: a ceiling is what
  // the machine can do, and a busy moment only lowers it.
  let ceiling = { gflops: DEFAULT_CEILING_GFLOPS, source: `the issue's figure (${DEFAULT_CEILING_GFLOPS} GFLOP/s)` };
  const measureCeiling = (): void => {
    if (!numpyPython || flags.explicit.has('ceilingGflops')) return;
    const out = runPythonJson({
      interpreter: numpyPython,
      script: script('bench_numpy.py'),
      args: ['--impl', 'gemm', '--seconds', '1'],
      env,
      timeoutMs,
    });
    if ('error' in out || typeof out['gflops_best'] !== 'number') {
      skipped.push(`matmul ceiling: ${'error' in out ? String(out.error) : 'no gflops_best field'}`);
      return;
    }
    const best = out['gflops_best'];
    if (ceiling.source.startsWith('numpy') && ceiling.gflops >= best) return;
    ceiling = {
      gflops: best,
      source: `numpy ${String(out['numpy'])} float32 ${String(out['n'])}³ matmul, one thread, best of ${String(out['reps'])} repeats (median ${Number(out['gflops']).toFixed(1)}), better of two passes`,
    };
  };

  const inferencePeer = (workload: InferenceWorkload): void => {
    const out = runPythonJson({
      interpreter: torchPython!,
      script: script('bench_torch_infer.py'),
      args: inferencePeerArgs(workload, pythonData, seconds),
      env,
      timeoutMs,
    });
    if ('error' in out) skipped.push(`bench_torch_infer.py ${workload.id}: ${String(out.error)}`);
    else if ('skipped' in out) skipped.push(`bench_torch_infer.py ${workload.id}: ${String(out['skipped'])}`);
    else {
      const m = {
        ...peerMeasurement(out, {
          id: workload.id,
          cell: workload.cell,
          hidden: workload.hidden,
          seqLength: 1,
          batchSize: 1,
        }),
        task: workload.task,
      };
      measurements.push(m);
      progress(m);
    }
  };
  const charrnnRuns = planCharrnnRuns(configs, kernelChoice, threads);
  const peerRuns = planPeerRuns(configs, pythonData, seconds, {
    numpy: numpyPython !== undefined,
    torch: torchPython !== undefined,
  });
  try {
    measureCeiling();
    // Config by config, charrnn and its peers back to back, so a change in the machine's load
    // between minutes shifts both sides of a ratio alike.
    for (const config of configs) {
      say(`${describeConfig(config)}:`);
      for (const run of charrnnRuns.filter((r) => r.config.id === config.id)) {
        const m = await measureTrainer({
          config: run.config,
          text,
          seconds,
          probe,
          kernels: () => chooseKernels(run.kernels, notice, { threads: run.threads ?? 1 }),
          ...(run.threads !== undefined ? { threads: run.threads } : {}),
        });
        measurements.push(m);
        progress(m);
      }
      if (config.id === SEED_CONFIG.id) await memoryCheck();
      for (const run of peerRuns.filter((r) => r.config.id === config.id)) {
        const out = runPythonJson({
          interpreter: run.tool === 'numpy' ? numpyPython! : torchPython!,
          script: script(run.script),
          args: run.args,
          env,
          timeoutMs,
        });
        if ('error' in out) skipped.push(`${run.script} ${describeConfig(run.config)}: ${String(out.error)}`);
        else if ('skipped' in out)
          skipped.push(`${run.script} ${describeConfig(run.config)}: ${String(out['skipped'])}`);
        else {
          const m = peerMeasurement(out, run.config);
          measurements.push(m);
          progress(m);
        }
      }
    }
    if (!memoryChecked && configs.length > 0) await memoryCheck();
    // Evaluation and sampling: the apps' library paths on the fast kernels, each beside its PyTorch peer.
    const fastPref = [...byName.values()][0]!;
    for (const workload of workloads) {
      say(`${describeWorkload(workload)}:`);
      const kernels = chooseKernels(fastPref, notice);
      probe.gc();
      const m = measureInference({ workload, text, kernels, seconds, clock: probe.clock, rss: probe.rss });
      kernels.close?.();
      measurements.push(m);
      progress(m);
      if (torchPython) inferencePeer(workload);
    }
    measureCeiling();
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
  if (flags.explicit.has('ceilingGflops')) ceiling = { gflops: v.ceilingGflops as number, source: '--ceiling-gflops' };
  say(`  matmul ceiling: ${ceiling.gflops.toFixed(1)} GFLOP/s (${ceiling.source})`);

  const targets = [
    ...evaluateTargets({ measurements, vocab, ceilingGflops: ceiling.gflops, ...(memory ? { memory } : {}) }),
    ...inferenceTargets(measurements),
  ];
  say(
    `\nresults (GFLOP/s counts 6·(G·H² + H·V) matmul FLOPs per character: ${flopsPerChar('rnn', 100, vocab)} at H=100, ${flopsPerChar('rnn', 512, vocab)} at H=512, ${flopsPerChar('lstm', 256, vocab)} for the LSTM, ${flopsPerChar('gru', 256, vocab)} for the GRU):`,
  );
  io.stdout.write(formatResultsTable(measurements, vocab));
  say('\ntargets (one thread each unless said):');
  io.stdout.write(formatTargets(targets));
  if (skipped.length > 0) say(`\nskipped:\n${skipped.map((s) => `  - ${s}`).join('\n')}`);

  const report: BenchReport = {
    version: 1,
    startedAt,
    machine: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
    },
    data: { source: dataSource, chars: text.length, vocab },
    settings: { seconds, kernels: [...byName.keys()], threads: threads ?? [1] },
    ceiling,
    measurements,
    ...(memory ? { memory } : {}),
    targets,
    skipped,
  };
  const outDir = resolve(root, String(v.out));
  mkdirSync(outDir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const csv = resultsCsv(measurements, vocab);
  const stamp = fileStamp(startedAt);
  const html = benchHtml(report);
  for (const [name, body] of [
    [`bench-${stamp}.json`, json],
    [`bench-${stamp}.csv`, csv],
    [`bench-${stamp}.html`, html],
    ['latest.json', json],
    ['latest.csv', csv],
    ['latest.html', html],
  ] as const) {
    writeFileAtomic(join(outDir, name), body);
  }
  say(
    `\nwrote ${join(outDir, `bench-${stamp}.json`)}, .csv and .html (also latest.json, latest.csv, latest.html: the ratios against the targets as a chart)`,
  );
  return EXIT_OK;
}

/** Training configs and evaluation/sampling workloads named by --configs ("all": every one). */
function selectConfigs(text: string): { configs: typeof BENCH_CONFIGS; workloads: readonly InferenceWorkload[] } {
  if (text.trim() === 'all') return { configs: BENCH_CONFIGS, workloads: INFERENCE_WORKLOADS };
  const ids = parseList('configs', text);
  const known = [...BENCH_CONFIGS.map((c) => c.id), ...INFERENCE_WORKLOADS.map((w) => w.id)];
  for (const id of ids) {
    if (!known.includes(id))
      throw new UsageError(`--configs must name known configs (${known.join(', ')}), got ${JSON.stringify(id)}`);
  }
  return {
    configs: BENCH_CONFIGS.filter((c) => ids.includes(c.id)),
    workloads: INFERENCE_WORKLOADS.filter((w) => ids.includes(w.id)),
  };
}

/** The repository root (where nx.json is), from this file's place; the working directory as a fallback. */
function workspaceRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** A real collection between measurements keeps one run's garbage out of the next one's RSS. */
function makeGc(): () => void {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc === 'function') return () => void (gc as () => void)();
  } catch {
    // No collection then: RSS numbers are a little noisier, nothing breaks.
  }
  return () => {};
}
