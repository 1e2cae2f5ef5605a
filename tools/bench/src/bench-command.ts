// charrnn-bench (`npm run bench`): times charrnn's training on the issue's configs through the
// one Trainer pipeline, runs the numpy and PyTorch peers beside it when they are installed, and
// prints and writes (JSON + CSV) the table, the ratios and the targets.

import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import {
  EXIT_INTERRUPTED,
  EXIT_OK,
  chooseKernels,
  formatHelp,
  parseFlags,
  writeFileAtomic,
  type CommandIo,
} from '@charrnn/cli';
import { prepareData } from '@charrnn/train';
import { benchHtml } from './chart-html.js';
import { BENCH_CONFIGS, SEED_CONFIG, describeConfig, flopsPerChar } from './configs.js';
import { BENCH_FLAGS, parseIntList, parseList } from './flags.js';
import { inferenceTargets } from './inference.js';
import { rssAfterSteps } from './memory-process.js';
import { planCharrnnRuns, planPeerRuns } from './plan.js';
import { oneThreadEnv } from './python-peers.js';
import { benchFiles, incompleteReason, resultsCsv, type BenchReport } from './report-files.js';
import { trainConfigHasThreads, type Probe } from './run-trainer.js';
import { BenchSession } from './bench-session.js';
import {
  findPeers,
  loadBenchText,
  makeGc,
  peerDataFile,
  resolveKernelPreferences,
  selectConfigs,
  workspaceRoot,
  type Say,
} from './bench-setup.js';
import { formatResultsTable, formatTargets } from './table.js';
import { evaluateTargets, type TargetResult } from './targets.js';

const USAGE =
  'charrnn-bench [--seconds S] [--configs LIST] [--kernels LIST] [--threads LIST] [--data FILE] [--no-python]';
const DESCRIPTION =
  'Training speed (characters/s, ms/step, peak memory) of charrnn against numpy and PyTorch, one thread each, side by side.';

/**
 * Setup (text, configs, kernels, peers) → measurements (BenchSession) → targets → files. A Ctrl-C
 * stops after the measurement under way; what was measured is still written, as a partial run.
 */
export async function benchCommand(io: CommandIo): Promise<number> {
  const flags = parseFlags(io.argv, BENCH_FLAGS);
  if (flags.help) {
    io.stdout.write(formatHelp(USAGE, DESCRIPTION, BENCH_FLAGS));
    return EXIT_OK;
  }
  const v = flags.values;
  const say: Say = (line) => void io.stdout.write(`${line}\n`);
  const startedAt = new Date().toISOString();
  const root = workspaceRoot();
  const seconds = v.seconds as number;
  const data = loadBenchText(flags.explicit.has('data') ? String(v.data) : undefined, root, say);
  const { text, source: dataSource } = data;
  const vocab = prepareData(text, 0, 1, 1).vocab.size;
  const probe: Probe = { clock: () => performance.now(), rss: () => process.memoryUsage.rss(), gc: makeGc() };

  if (v.memoryChild !== undefined) {
    // A child of the memory check: one fresh process, one training run, one JSON line.
    const pref = flags.explicit.has('kernels') ? parseList('kernels', String(v.kernels))[0]! : 'auto';
    const kernels = chooseKernels(pref, () => undefined);
    say(JSON.stringify(await rssAfterSteps(SEED_CONFIG, text, v.memoryChild as number, kernels, probe)));
    return EXIT_OK;
  }

  const skipped: string[] = [];
  const { configs, workloads } = selectConfigs(String(v.configs));
  const threads = threadList(flags.explicit.has('threads'), String(v.threads), skipped, say);
  const notices = new Set<string>();
  const notice: Say = (line) => {
    if (!notices.has(line)) say(line);
    notices.add(line);
  };
  const explicitKernels = flags.explicit.has('kernels');
  const kernels = resolveKernelPreferences(
    explicitKernels ? parseList('kernels', String(v.kernels)) : ['auto', 'reference'],
    notice,
  );

  printSetup(say, { startedAt, dataSource, chars: text.length, vocab, seconds, kernels: [...kernels.keys()], threads });
  const peers = findPeers(String(v.python), v.noPython === true, skipped, say);
  for (const line of skipped) say(`skipping: ${line}`);
  say('');

  const pythonData = peerDataFile(data, peers.numpy !== undefined || peers.torch !== undefined);
  const session = new BenchSession({
    say,
    notice,
    text,
    dataSource,
    pythonData: pythonData.path,
    seconds,
    probe,
    kernels,
    numpyPython: peers.numpy,
    torchPython: peers.torch,
    env: oneThreadEnv(io.env),
    referenceDir: join(root, 'tools/reference'),
    script: process.argv[1]!,
    ceilingGflops: flags.explicit.has('ceilingGflops') ? (v.ceilingGflops as number) : undefined,
  });
  session.skipped.push(...skipped);
  const stopListening = io.onInterrupt(() => {
    say('\nstopping after this measurement (Ctrl-C again to quit at once); the run will be written as partial');
    session.interrupt();
  });
  try {
    await session.run(
      configs,
      planCharrnnRuns(configs, { preferences: [...kernels.values()], explicit: explicitKernels }, threads),
      planPeerRuns(configs, pythonData.path, seconds, {
        numpy: peers.numpy !== undefined,
        torch: peers.torch !== undefined,
      }),
      workloads,
    );
  } finally {
    stopListening();
    pythonData.remove();
  }
  say(`  matmul ceiling: ${session.ceiling.gflops.toFixed(1)} GFLOP/s (${session.ceiling.source})`);

  const targets = [
    ...evaluateTargets({
      measurements: session.measurements,
      vocab,
      ceilingGflops: session.ceiling.gflops,
      ...(session.memory ? { memory: session.memory } : {}),
    }),
    ...inferenceTargets(session.measurements),
  ];
  printResults(io, session, vocab, targets);
  const report = benchReport({
    startedAt,
    data: { source: dataSource, chars: text.length, vocab },
    settings: { seconds, kernels: [...kernels.keys()], threads: threads ?? [1] },
    session,
    targets,
  });
  writeResults(resolve(root, String(v.out)), report, say);
  return session.interrupted ? EXIT_INTERRUPTED : EXIT_OK;
}

function printSetup(
  say: Say,
  o: {
    startedAt: string;
    dataSource: string;
    chars: number;
    vocab: number;
    seconds: number;
    kernels: readonly string[];
    threads: readonly number[] | undefined;
  },
): void {
  say(`charrnn bench — ${o.startedAt}`);
  say(`machine: ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, node ${process.version}`);
  say(
    `data: ${o.dataSource} (${o.chars} chars, vocabulary ${o.vocab}); ${o.seconds} s timed per measurement after a warm-up`,
  );
  say(
    `kernels: ${o.kernels.join(', ')}${o.threads ? `; threads at ${describeConfig(BENCH_CONFIGS[2]!)}: ${o.threads.join(', ')}` : ''}`,
  );
}

/** The run's record: machine, data, settings, what was measured and judged, and whether it is partial. */
function benchReport(o: {
  startedAt: string;
  data: BenchReport['data'];
  settings: BenchReport['settings'];
  session: BenchSession;
  targets: readonly TargetResult[];
}): BenchReport {
  const { session } = o;
  const incomplete = incompleteReason(session.interrupted, session.failures);
  return {
    version: 1,
    startedAt: o.startedAt,
    machine: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
    },
    data: o.data,
    settings: o.settings,
    ceiling: session.ceiling,
    measurements: session.measurements,
    ...(session.memory ? { memory: session.memory } : {}),
    targets: o.targets,
    skipped: session.skipped,
    failed: session.failures,
    ...(incomplete !== undefined ? { incomplete } : {}),
  };
}

/** --threads, when the train config has a threads option; else one thread, said once. */
function threadList(explicit: boolean, text: string, skipped: string[], say: Say): number[] | undefined {
  if (trainConfigHasThreads()) return parseIntList('threads', text);
  const line = 'threads: the train config has no threads option yet; only one thread is timed';
  if (explicit) say(`notice: ${line}; --threads is ignored`);
  skipped.push(line);
  return undefined;
}

function printResults(io: CommandIo, session: BenchSession, vocab: number, targets: readonly TargetResult[]): void {
  const say = (line: string): void => void io.stdout.write(`${line}\n`);
  say(
    `\nresults (GFLOP/s counts 6·(G·H² + H·V) matmul FLOPs per character: ${flopsPerChar('rnn', 100, vocab)} at H=100, ${flopsPerChar('rnn', 512, vocab)} at H=512, ${flopsPerChar('lstm', 256, vocab)} for the LSTM, ${flopsPerChar('gru', 256, vocab)} for the GRU):`,
  );
  io.stdout.write(formatResultsTable(session.measurements, vocab));
  say('\ntargets (one thread each unless said):');
  io.stdout.write(formatTargets(targets));
  if (session.skipped.length > 0) say(`\nskipped:\n${session.skipped.map((s) => `  - ${s}`).join('\n')}`);
  if (session.failures.length > 0) say(`\nfailed:\n${session.failures.map((s) => `  - ${s}`).join('\n')}`);
}

/** bench-<time>.{json,csv,html}, and latest.* only for a complete run. */
function writeResults(outDir: string, report: BenchReport, say: Say): void {
  mkdirSync(outDir, { recursive: true });
  const files = benchFiles(report, {
    json: `${JSON.stringify(report, null, 2)}\n`,
    csv: resultsCsv(report.measurements, report.data.vocab),
    html: benchHtml(report),
  });
  for (const [name, body] of files) writeFileAtomic(join(outDir, name), body);
  say(
    report.incomplete === undefined
      ? `\nwrote ${join(outDir, files[0]![0])}, .csv and .html (also latest.json, latest.csv, latest.html: the ratios against the targets as a chart)`
      : `\nwrote ${join(outDir, files[0]![0])}, .csv and .html; latest.* kept as they were: this run is partial (${report.incomplete})`,
  );
}
