// A trial worker thread: runs one trial at a time with runTrial (the same trainer as everywhere),
// streams its events and checkpoint bytes to the coordinator and asks it at each ASHA rung.
// It writes no files; the coordinator owns the output.

import { parentPort, workerData } from 'node:worker_threads';
import { selectKernels, type KernelPreference } from '@charrnn/tensor';
import { runTrial, type TrialOutcome } from '@charrnn/sweep';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

const port = parentPort!;
const init = workerData as WorkerInit;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
// The main thread has already checked that these kernels load (a usage error there, not here).
const selection = selectKernels(init.kernels as KernelPreference);
if (selection.notice) post({ type: 'notice', line: `notice: ${selection.notice}` });
const kernels = selection.kernels;

let controller: AbortController | null = null;
let answerRung: ((proceed: boolean) => void) | null = null;

port.on('message', (message: ToWorker) => {
  if (message.type === 'stop') controller?.abort();
  else if (message.type === 'rung-reply') answerRung?.(message.proceed);
  else if (message.type === 'run') void run(message.task);
});

async function run(task: Extract<ToWorker, { type: 'run' }>['task']): Promise<void> {
  controller = new AbortController();
  const outcome: TrialOutcome = await runTrial(task, { text: init.text, clock: () => performance.now(), kernels }, {
    signal: controller.signal,
    onEvent: (event) => post({ type: 'event', event }),
    onCheckpoint: (kind, step, bytes) => {
      // Hand the buffer over instead of copying it (the trainer made it for us alone).
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
      post({ type: 'checkpoint', kind, step, bytes: own }, [own.buffer as ArrayBuffer]);
    },
    onRung: (rung, step, value) => new Promise<boolean>((resolve) => {
      answerRung = resolve;
      post({ type: 'rung', rung, step, value });
    }),
  });
  controller = null;
  post({ type: 'done', outcome });
}
