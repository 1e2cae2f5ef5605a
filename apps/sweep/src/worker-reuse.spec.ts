// A worker thread runs trial after trial (the executor keeps it, and a queue worker keeps its
// executor): nothing of one trial may reach the next — PRNG streams, kernel scratch buffers, the
// cached encoded text. A trial run on a thread that has just run others gives, number for number and
// byte for byte, what it gives on a fresh thread. Runs the BUILT dist/worker.js with the default kernels.

import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { chooseKernels } from '@charrnn/cli';
import type { TrainingEvent } from '@charrnn/report';
import { expandTrials, validateSpec, type TrialExecutor, type TrialTask } from '@charrnn/sweep';
import { decodeCheckpoint } from '@charrnn/train';
import { createWorkerExecutor } from './worker-executor.js';

const WORKER = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '../dist/worker.js'));
const TEXT =
  'Gregor then turned to look out the window at the dull weather. Drops of rain could be heard hitting the pane. '.repeat(
    10,
  );

function executor(): TrialExecutor {
  return createWorkerExecutor({
    workers: 1,
    text: TEXT,
    kernels: 'auto',
    expectedKernels: chooseKernels('auto', () => undefined).name,
    workerUrl: WORKER,
  });
}

/** A checkpoint's tensors (weights, optimizer moments, state) and training state, without its wall-clock seconds. */
function checkpointNumbers(bytes: Uint8Array) {
  const checkpoint = decodeCheckpoint(bytes);
  return {
    tensors: [...checkpoint.tensors].map(([name, t]) => ({ name, shape: t.shape, data: [...t.data] })),
    training: { ...checkpoint.training, elapsedSec: 0 },
  };
}

/** A trial's events and checkpoints, without their wall-clock fields. */
async function run(exec: TrialExecutor, task: TrialTask) {
  const events: TrainingEvent[] = [];
  const checkpoints: { kind: string; step: number; numbers: ReturnType<typeof checkpointNumbers> }[] = [];
  const outcome = await exec.run(task, {
    signal: new AbortController().signal,
    onEvent: (e) => events.push(e),
    onCheckpoint: (kind, step, bytes) => void checkpoints.push({ kind, step, numbers: checkpointNumbers(bytes) }),
    onRung: () => true,
  });
  return { outcome, events: events.map((e) => ({ ...e, charsPerSec: 0, elapsedSec: 0 })), checkpoints };
}

it('a reused worker thread gives each trial exactly what a fresh thread gives it', async () => {
  const spec = validateSpec({
    budget: { steps: 40 },
    base: { seqLength: 12, batchSize: 2, evalEvery: 20, logEvery: 10, saveEvery: 20, dropout: 0.2, layers: 2 },
    space: { cell: ['lstm', 'gru'], hidden: [24, 40] },
  });
  const tasks: TrialTask[] = expandTrials(spec).map((t) => ({
    id: t.id,
    config: t.config,
    metric: 'val_loss',
    rungSteps: [],
  }));
  const fresh = [];
  for (const task of tasks) {
    const alone = executor();
    try {
      fresh.push(await run(alone, task));
    } finally {
      await alone.close();
    }
  }
  const reused = executor();
  try {
    // Every trial after every other, on one thread (each kind of cell and size follows each other).
    for (const i of [3, 0, 2, 1, 3, 2, 0]) {
      const again = await run(reused, tasks[i]!);
      expect(again.outcome).toEqual({ status: 'completed' });
      expect(again, tasks[i]!.id).toEqual(fresh[i]);
    }
  } finally {
    await reused.close();
  }
}, 120_000);
