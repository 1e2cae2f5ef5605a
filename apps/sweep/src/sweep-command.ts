// charrnn-sweep: spec file → trials → executor (worker threads) → the coordinator, which writes
// the sweep directory; a live view on a terminal, plain lines elsewhere. Testable through CommandIo.

import { readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  EXIT_FAILURE,
  EXIT_INTERRUPTED,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  chooseKernels,
  formatHelp,
  EMBEDDED_CORPUS_LABEL,
  loadEmbeddedCorpus,
  parseFlags,
  readText,
  terminalInfo,
  type CommandIo,
  acquireLock,
  checkOutputDirectory,
  makeDirectories,
  removeStaleTemporaries,
} from '@charrnn/cli';
import {
  SpecError,
  SweepError,
  SweepLimitError,
  checkTrialCount,
  createInProcessExecutor,
  describeParams,
  expandTrials,
  formatProgress,
  formatTrialEnd,
  parseSpecText,
  printable,
  runSweep,
  sweepIdentity,
  type SweepProgress,
  type SweepResult,
  type SweepSpec,
  type TrialExecutor,
} from '@charrnn/sweep';
import { MAX_SYMBOLS, SymbolScan, toCodePoints, tooManySymbols } from '@charrnn/corpus';
import { SWEEP_FLAGS } from './flags.js';
import { createFileStore } from './fs-store.js';
import { createWorkerExecutor } from './worker-executor.js';
import { setUpQueue, type QueueSetup, type QueueSetupOptions } from './queue-coordinator.js';
import { showStatus } from './queue-status.js';
import { parseQueueUrl } from './queue-redis.js';
import { checkRedis } from './redis-check.js';

const NAME = 'charrnn-sweep';
const USAGE = `${NAME} SPEC.yaml --out DIR [--workers N] [--resume] [--data FILE] [--queue redis://HOST:PORT]\n       ${NAME} --status DIR`;
const DESCRIPTION =
  'Runs a hyperparameter sweep (grid or random, optional ASHA early stopping) with the charrnn trainer, trials in parallel; writes per-trial logs and checkpoints, summary.csv and report.html.';

export async function sweepCommand(io: CommandIo): Promise<number> {
  const flags = parseFlags(io.argv, SWEEP_FLAGS, { positionals: 1 });
  if (flags.help) {
    io.stdout.write(formatHelp(USAGE, DESCRIPTION, SWEEP_FLAGS));
    return EXIT_OK;
  }
  const v = flags.values;
  if (typeof v.status === 'string') {
    await showStatus(io, v.status, v.queue as string | undefined);
    return EXIT_OK;
  }
  const specPath = flags.positionals[0];
  if (!specPath)
    throw new UsageError(
      'give the sweep spec file, e.g. charrnn-sweep examples/sweeps/grid.yaml --out runs/grid',
      'see --help',
    );
  const out = v.out as string | undefined;
  if (!out) throw new UsageError('--out DIR is required (where the sweep writes its files)');

  let spec: SweepSpec;
  const specText = readText(specPath, 'spec file');
  try {
    spec = parseSpecText(specText);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    for (const problem of error.problems) io.stderr.write(`${NAME}: error: ${specPath}: ${problem}\n`);
    return EXIT_USAGE;
  }
  try {
    checkTrialCount(spec, v.maxTrials as number);
  } catch (error) {
    if (error instanceof SweepLimitError) throw new UsageError(`${specPath}: ${error.message}`, error.hint);
    throw error;
  }
  // A Redis that cannot work (password, certificate, host, database, not running) stops us before any file is written.
  if (typeof v.queue === 'string')
    await checkRedis(parseQueueUrl(v.queue, io.env), {
      waitForServer: false,
      notice: (line) => void io.stderr.write(`${line}\n`),
    });
  // The output directory is checked, created (one level at a time) and locked before any work.
  checkOutputDirectory(out, '--out directory');
  makeDirectories(out, '--out directory');
  const lock = acquireLock(out, '--out directory', NAME, join(out, '.sweep.lock'));
  try {
    cleanTemporaries(out);
    return await runInDirectory(io, { spec, specPath, specText }, out, v);
  } finally {
    lock.release();
  }
}

/** Temporary files of killed runs, in the sweep directory and each trial's. */
function cleanTemporaries(out: string): void {
  removeStaleTemporaries(out);
  let trials: string[] = [];
  try {
    trials = readdirSync(join(out, 'trials'));
  } catch {
    return;
  }
  for (const id of trials) removeStaleTemporaries(join(out, 'trials', id));
}

async function runInDirectory(
  io: CommandIo,
  input: { spec: SweepSpec; specPath: string; specText: string },
  out: string,
  v: Record<string, unknown>,
): Promise<number> {
  const { spec, specPath, specText } = input;
  // --data is relative to the current directory; the spec's data to the spec file.
  const dataPath =
    (v.data as string | undefined) ||
    (spec.data !== undefined ? (isAbsolute(spec.data) ? spec.data : resolve(dirname(specPath), spec.data)) : undefined);
  const text = dataPath ? readText(dataPath, v.data ? '--data file' : 'spec data file') : loadEmbeddedCorpus();
  if (text.length === 0) throw new UsageError(`data file ${JSON.stringify(dataPath)} is empty`);
  checkVocabularySize(
    spec,
    text,
    v.data ? '--data' : dataPath ? `data file ${JSON.stringify(dataPath)}` : 'the embedded corpus',
  );

  const noticed = new Set<string>();
  const notice = (line: string): void => {
    if (!noticed.has(line)) io.stderr.write(`${line}\n`);
    noticed.add(line);
  };
  const slots = Math.min(v.workers as number, spec.trials);
  if (slots < 1 && typeof v.queue !== 'string')
    throw new UsageError('--workers must be at least 1 without --queue (0 means: coordinate a queued sweep only)');
  // One choice of kernels for every trial, made by the same function as in every other command:
  // here for the inline executor (and to fail early with a usage error), again in each worker.
  const kernels = chooseKernels(String(v.kernels), notice);
  const { executor, queued } = chooseExecutor(io, { spec, specText, text, out, slots, kernels, notice }, v);

  const terminal = terminalInfo(io.stdout, io.env);
  const view = createView(io, terminal.interactive, terminal.columns);
  const controller = new AbortController();
  const removeInterrupt = io.onInterrupt(() => {
    view.line(
      queued
        ? 'interrupt: detaching from the queue; workers go on with their trials (resume with --resume; press Ctrl-C again to quit at once)'
        : 'interrupt: stopping the running trials and saving their checkpoints (press Ctrl-C again to quit at once)',
    );
    controller.abort();
  });
  const executorLabel = queued
    ? queued.label
    : `${slots} ${v.executor === 'inline' ? 'inline slot(s)' : 'worker thread(s)'}`;
  io.stdout.write(
    `sweep: ${spec.trials} trial(s), method ${spec.method}, budget ${spec.budget.value} ${spec.budget.kind} each, ${executorLabel}, kernels ${kernels.name}, data ${dataPath ?? EMBEDDED_CORPUS_LABEL} (${text.length} chars) → ${out}\n`,
  );

  let result: SweepResult;
  try {
    result = await runSweep({
      spec,
      identity: sweepIdentity(spec, text),
      executor,
      store: createFileStore(out),
      clock: io.clock,
      resume: v.resume === true,
      signal: controller.signal,
      maxTrials: v.maxTrials as number,
      onProgress: (p) => view.progress(p),
      onTrialEnd: (record, p) => {
        view.line(formatTrialEnd(record, p));
        view.progress(p, true);
      },
    });
  } catch (error) {
    if (error instanceof SweepError) throw new UsageError(`${out}: ${error.message}`, error.hint);
    throw error;
  } finally {
    removeInterrupt();
    view.close();
    await (queued ?? executor).close();
  }

  return reportResult(io, result, { specPath, out, v, queued: queued !== null });
}

interface ExecutorInput {
  readonly spec: SweepSpec;
  readonly specText: string;
  readonly text: string;
  readonly out: string;
  readonly slots: number;
  readonly kernels: ReturnType<typeof chooseKernels>;
  readonly notice: (line: string) => void;
}

/** The queue (--queue), the inline executor (--executor inline) or worker threads. */
function chooseExecutor(
  io: CommandIo,
  input: ExecutorInput,
  v: Record<string, unknown>,
): { executor: TrialExecutor; queued: QueueSetup | null } {
  const { spec, text, slots, kernels, notice } = input;
  if (typeof v.queue === 'string') {
    const queued = setUpQueue({
      url: v.queue,
      env: io.env,
      out: input.out,
      resume: v.resume === true,
      spec,
      specText: input.specText,
      text,
      kernels: v.kernels as QueueSetupOptions['kernels'],
      expectedKernels: kernels.name,
      localWorkers: slots,
      lockSeconds: v.lockSeconds as number,
      checkpointSeconds: v.checkpointSeconds as number,
      maxTrials: v.maxTrials as number,
      notice,
    });
    return { executor: queued.executor, queued };
  }
  if (v.executor === 'inline')
    return { executor: createInProcessExecutor({ text, clock: io.clock, kernels, slots }), queued: null };
  const executor = createWorkerExecutor({
    workers: slots,
    text,
    kernels: String(v.kernels),
    expectedKernels: kernels.name,
    onNotice: notice,
  });
  return { executor, queued: null };
}

/** The closing lines (counts, best trial, files, how to resume) and the exit code. */
function reportResult(
  io: CommandIo,
  result: SweepResult,
  run: { specPath: string; out: string; v: Record<string, unknown>; queued: boolean },
): number {
  const { out, v } = run;
  const counts = { ok: 0, failed: 0, stopped: 0, running: 0, pending: 0 };
  for (const r of result.records) counts[r.status]++;
  io.stdout.write(
    `sweep ${result.interrupted ? 'interrupted' : 'done'}: ${counts.ok} ok, ${counts.stopped} stopped, ${counts.failed} failed, ${counts.running + counts.pending} unfinished\n`,
  );
  if (result.best) {
    const bpc = result.best.bestValLoss! / Math.LN2;
    io.stdout.write(
      `best: ${result.best.id} val_bpc ${bpc.toFixed(4)} (val_loss ${result.best.bestValLoss!.toFixed(4)})  ${printable(describeParams(result.best.params))}  seed=${result.best.seed}\n`,
    );
  }
  io.stdout.write(
    `files: ${out}/summary.csv, ${out}/report.html, ${out}/trials/<id>/{log.csv,config.json,best.safetensors}\n`,
  );
  if (result.interrupted) {
    io.stdout.write(
      `resume with: npx ${NAME} ${run.specPath} --out ${out} --resume${v.data ? ` --data ${String(v.data)}` : ''}${run.queued ? ` --queue ${parseQueueUrl(String(v.queue), {}).display}` : ''}\n`,
    );
    return EXIT_INTERRUPTED;
  }
  return counts.failed === result.records.length ? EXIT_FAILURE : EXIT_OK;
}

/**
 * Trials on characters need at most MAX_SYMBOLS distinct ones (ids are 16-bit): a larger vocabulary
 * trains here but its checkpoints fail in charrnn-eval, --resume and --init. Same words as charrnn-train.
 */
function checkVocabularySize(spec: SweepSpec, text: string, what: string): void {
  if (!expandTrials(spec).some((trial) => trial.config.unit === 'char')) return;
  const scan = new SymbolScan();
  scan.add(toCodePoints(text));
  const distinct = scan.codePoints().length;
  // The message is the commands' and the page's (@charrnn/corpus); the way out is the spec's unit key.
  if (distinct > MAX_SYMBOLS)
    throw new UsageError(
      tooManySymbols(what, distinct).message,
      "train on its bytes instead with unit: byte in the spec's base (at most 256 symbols)",
    );
}

/** The console: a redrawn block on a terminal (throttled), plain lines otherwise. */
function createView(
  io: CommandIo,
  interactive: boolean,
  columns: number,
): { progress(p: SweepProgress, force?: boolean): void; line(text: string): void; close(): void } {
  let drawn = 0;
  let last = -Infinity;
  let latest: SweepProgress | null = null;
  const clear = (): void => {
    if (drawn > 0) io.stdout.write(`\x1b[${drawn}A\r\x1b[J`);
    drawn = 0;
  };
  const draw = (): void => {
    if (!latest) return;
    clear();
    const lines = formatProgress(latest, columns);
    io.stdout.write(`${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  return {
    progress(p, force = false) {
      latest = p;
      if (!interactive) return;
      const now = io.clock();
      if (!force && now - last < 200) return;
      last = now;
      draw();
    },
    line(text) {
      if (!interactive) {
        io.stdout.write(`${text}\n`);
        return;
      }
      clear();
      io.stdout.write(`${text}\n`);
      draw();
    },
    close() {
      if (interactive) draw();
    },
  };
}
