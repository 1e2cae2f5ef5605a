// Evaluation and sampling speed: charrnn-eval's and charrnn-sample's library paths (evaluateText,
// sampleChunks — the very functions the apps call) timed on the same models as PyTorch's nn.RNN /
// nn.LSTM forward over the text in one call, and a PyTorch sampling loop (bench_torch_infer.py).
// Weights are initialised, not trained: the work per character does not depend on their values.
//
// Dimension letters: H hidden, V vocabulary. Batch is 1 (a text is one continuous sequence).

import { CharRnnModel, defaultInit, evaluateText, initializeParams, sampleChunks } from '@charrnn/model';
import { Prng, type Kernels } from '@charrnn/tensor';
import { prepareData } from '@charrnn/train';
import { formatRate } from '@charrnn/report';
import { SEED_CONFIG, type BenchCell } from './configs.js';
import { bestCharrnn, peer, type Measurement } from './measurement.js';
import type { TargetResult } from './targets.js';

export type InferenceTask = 'eval' | 'sample';

export interface InferenceWorkload {
  readonly id: string;
  readonly task: InferenceTask;
  readonly cell: BenchCell;
  readonly hidden: number;
}

export const EVAL_RNN_H100: InferenceWorkload = { id: 'eval-rnn-h100', task: 'eval', cell: 'rnn', hidden: 100 };
export const EVAL_LSTM_H256: InferenceWorkload = { id: 'eval-lstm-h256', task: 'eval', cell: 'lstm', hidden: 256 };
export const SAMPLE_RNN_H100: InferenceWorkload = { id: 'sample-rnn-h100', task: 'sample', cell: 'rnn', hidden: 100 };
export const INFERENCE_WORKLOADS: readonly InferenceWorkload[] = [EVAL_RNN_H100, EVAL_LSTM_H256, SAMPLE_RNN_H100];

/** Characters of the text both sides score per eval call: enough to hide per-call costs, short enough for a few-minute bench. */
export const EVAL_CHARS = 20_000;

/** The text each side scores: the first EVAL_CHARS characters (code points) of the data. */
export function evalText(text: string): string {
  return Array.from(text)
    .slice(0, EVAL_CHARS + 1)
    .join('');
}

export function describeWorkload(w: InferenceWorkload): string {
  return `${w.task === 'eval' ? 'charrnn-eval' : 'charrnn-sample'} ${w.cell} H=${w.hidden}`;
}

export interface InferenceRunOptions {
  readonly workload: InferenceWorkload;
  /** The whole data text: its vocabulary is the model's; eval scores evalText(text). */
  readonly text: string;
  readonly kernels: Kernels;
  readonly seconds: number;
  readonly clock: () => number;
  readonly rss: () => number;
}

/** Times one workload: a warm-up of about a tenth of the budget, then enough repeats to fill it. */
export function measureInference(options: InferenceRunOptions): Measurement {
  const { workload: w, kernels, seconds, clock } = options;
  const data = prepareData(options.text, 0, 1, 1);
  const V = data.vocab.size;
  const model = new CharRnnModel(
    { cell: w.cell, vocabSize: V, hiddenSize: w.hidden, layers: 1, dropout: 0, dtype: 'f32' },
    kernels,
  );
  initializeParams(model.params, defaultInit(w.cell), w.hidden, new Prng(1));
  const ids = data.vocab.encode(evalText(options.text));
  // One "step": an eval call over the text, or a sample of SAMPLE_STEP characters (streamed in chunks, as the app prints them).
  const SAMPLE_STEP = 4096;
  const rng = new Prng(2);
  const step =
    w.task === 'eval'
      ? (): number => evaluateText(model, ids).count
      : (): number => {
          let n = 0;
          for (const chunk of sampleChunks(model, { prime: [0], length: SAMPLE_STEP }, rng)) n += chunk.length;
          return n;
        };
  const warmUntil = clock() + Math.max(100, 100 * seconds);
  let warmSteps = 0;
  const warmStart = clock();
  while (warmSteps < 2 || clock() < warmUntil) {
    step();
    warmSteps++;
  }
  const perStep = (clock() - warmStart) / warmSteps;
  const steps = Math.max(3, Math.ceil((1000 * seconds) / perStep));
  let chars = 0;
  let peak = options.rss();
  const start = clock();
  for (let i = 0; i < steps; i++) {
    chars += step();
    if ((i & 15) === 0) peak = Math.max(peak, options.rss());
  }
  const elapsed = (clock() - start) / 1000;
  return {
    configId: w.id,
    cell: w.cell,
    hidden: w.hidden,
    seqLength: w.task === 'eval' ? ids.length - 1 : 1,
    batchSize: 1,
    family: 'charrnn',
    implementation: `${w.task === 'eval' ? 'charrnn-eval' : 'charrnn-sample'} ${kernels.name}`,
    kernels: kernels.name,
    threads: 1,
    dtype: 'float32',
    task: w.task,
    charsPerSec: chars / elapsed,
    msPerStep: (1000 * elapsed) / steps,
    steps,
    seconds: elapsed,
    peakMb: Math.max(peak, options.rss()) / (1024 * 1024),
  };
}

/** The torch peer's arguments for a workload (bench_torch_infer.py). */
export function inferencePeerArgs(w: InferenceWorkload, dataPath: string, seconds: number): string[] {
  return [
    '--data',
    dataPath,
    '--task',
    w.task,
    '--cell',
    w.cell,
    '--hidden',
    String(w.hidden),
    '--seconds',
    String(seconds),
    '--chars',
    String(EVAL_CHARS),
  ];
}

/** The issue's evaluation and sampling targets, from one run's measurements. */
export function inferenceTargets(all: readonly Measurement[]): TargetResult[] {
  const results: TargetResult[] = [];
  const evalRnn = bestCharrnn(all, EVAL_RNN_H100.id);
  const training = bestCharrnn(all, SEED_CONFIG.id);
  const vsTraining = 'charrnn-eval rnn H=100: ≥ 2× the training chars/s of the same model (seed config)';
  if (!evalRnn || !training)
    results.push({ target: vsTraining, status: 'not measured', detail: 'eval or the seed config did not run' });
  else results.push(ratio(vsTraining, evalRnn, training, 2, 'training'));
  for (const w of [EVAL_RNN_H100, EVAL_LSTM_H256, SAMPLE_RNN_H100]) {
    const target = `${describeWorkload(w)}: ahead of PyTorch (${w.task === 'eval' ? `nn.${w.cell === 'rnn' ? 'RNN' : 'LSTM'} forward over the text in one call` : 'a sampling loop'})`;
    const ours = bestCharrnn(all, w.id);
    const them = peer(all, w.id, 'torch');
    if (!ours || !them)
      results.push({
        target,
        status: 'not measured',
        detail: ours ? 'PyTorch did not run (skipped)' : 'charrnn did not run this workload',
      });
    else results.push(ratio(target, ours, them, 1, 'PyTorch'));
  }
  const sample = bestCharrnn(all, SAMPLE_RNN_H100.id);
  const rateTarget = 'charrnn-sample rnn H=100: ≥ 100k chars/s, streamed';
  if (!sample)
    results.push({ target: rateTarget, status: 'not measured', detail: 'charrnn did not run this workload' });
  else {
    const value = sample.charsPerSec / 100_000;
    results.push({
      target: rateTarget,
      status: value >= 1 ? 'met' : 'not met',
      detail: `${formatRate(sample.charsPerSec)} chars/s`,
      ratio: value,
      goal: 1,
    });
  }
  return results;
}

function ratio(target: string, ours: Measurement, them: Measurement, atLeast: number, label: string): TargetResult {
  const value = ours.charsPerSec / them.charsPerSec;
  const met = atLeast === 1 ? value > 1 : value >= atLeast;
  return {
    target,
    status: met ? 'met' : 'not met',
    ratio: value,
    goal: atLeast,
    detail: `${value.toFixed(2)}× (${ours.implementation} ${formatRate(ours.charsPerSec)} vs ${label} ${formatRate(them.charsPerSec)} chars/s)`,
  };
}
