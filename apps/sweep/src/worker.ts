// A trial worker thread: runs one trial at a time with runTrial (the same trainer as everywhere), as
// many trials as its executor gives it, streams their events and checkpoint bytes to the coordinator
// and asks it at each ASHA rung. It writes no files; the coordinator owns the output.

import { parentPort, workerData } from 'node:worker_threads';
import { chooseKernels } from '@charrnn/cli';
import { createTrialDataCache, runTrial, type TrialOutcome } from '@charrnn/sweep';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

const port = parentPort!;
const init = workerData as WorkerInit;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
// The same choice as every other command (chooseKernels, native gemm where built); the main thread
// has already made it once, so a failure is a usage error there, and a different outcome here is said.
const kernels = chooseKernels(init.kernels, (line) => post({ type: 'notice', line }));
if (kernels.name !== init.expectedKernels) {
  post({
    type: 'notice',
    line: `notice: a worker thread runs kernels ${kernels.name}, the main thread chose ${init.expectedKernels}`,
  });
}

// A thread lives for many trials (its pool reuses it): it encodes the text once for all of them, and
// holds only the latest text it was sent (the pool sends one before the first trial that needs it).
let data = createTrialDataCache();
let text = '';
let controller: AbortController | null = null;
let answerRung: ((proceed: boolean) => void) | null = null;

port.on('message', (message: ToWorker) => {
  if (message.type === 'text') {
    // Let the old text's encoded ids go before the new ones are made (a large corpus would hold both).
    text = message.text;
    data = createTrialDataCache();
  } else if (message.type === 'stop') controller?.abort();
  else if (message.type === 'rung-reply') answerRung?.(message.proceed);
  else if (message.type === 'run') void run(message.task);
});

async function run(task: Extract<ToWorker, { type: 'run' }>['task']): Promise<void> {
  controller = new AbortController();
  const outcome: TrialOutcome = await runTrial(
    task,
    { text, clock: () => performance.now(), kernels, data },
    {
      signal: controller.signal,
      onEvent: (event) => post({ type: 'event', event }),
      onCheckpoint: (kind, step, bytes) => {
        // Hand the buffer over instead of copying it (the trainer made it for us alone).
        const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
        post({ type: 'checkpoint', kind, step, bytes: own }, [own.buffer as ArrayBuffer]);
      },
      onRung: (rung, step, value) =>
        new Promise<boolean>((resolve) => {
          answerRung = resolve;
          post({ type: 'rung', rung, step, value });
        }),
    },
  );
  controller = null;
  post({ type: 'done', outcome });
}
