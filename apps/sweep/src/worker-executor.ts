// The worker_threads executor: a pool of up to N worker threads, one trial each at a time, so
// --workers N uses N cores. Messages carry events, checkpoint bytes (transferred) and ASHA rung
// questions; a crashed worker fails only its trial and is replaced for the next one.

import { Worker } from 'node:worker_threads';
import type { TrialCallbacks, TrialExecutor, TrialOutcome, TrialTask } from '@charrnn/sweep';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

export interface WorkerExecutorOptions {
  readonly workers: number;
  readonly text: string;
  readonly kernels: string;
  /** The name of the kernels the main thread chose for `kernels` (workers check theirs against it). */
  readonly expectedKernels: string;
  /** The bundled worker entry; default: worker.js beside this bundle. */
  readonly workerUrl?: URL;
  /** One-line notices from workers (e.g. the kernel fallback), each reported once. */
  readonly onNotice?: (line: string) => void;
}

export function createWorkerExecutor(options: WorkerExecutorOptions): TrialExecutor {
  const url = options.workerUrl ?? new URL('./worker.js', import.meta.url);
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  const notices = new Set<string>();
  const init: WorkerInit = { text: options.text, kernels: options.kernels, expectedKernels: options.expectedKernels };

  const spawn = (): Worker => {
    const worker = new Worker(url, { workerData: init });
    all.add(worker);
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'notice' && !notices.has(m.line)) {
        notices.add(m.line);
        options.onNotice?.(m.line);
      }
    });
    return worker;
  };

  const run = (task: TrialTask, callbacks: TrialCallbacks): Promise<TrialOutcome> => {
    const worker = idle.pop() ?? spawn();
    const send = (message: ToWorker): void => worker.postMessage(message);
    return new Promise<TrialOutcome>((resolve) => {
      const finish = (outcome: TrialOutcome, healthy: boolean): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        callbacks.signal.removeEventListener('abort', onAbort);
        if (healthy) idle.push(worker);
        else {
          all.delete(worker);
          void worker.terminate();
        }
        resolve(outcome);
      };
      const onMessage = (m: FromWorker): void => {
        if (m.type === 'event') callbacks.onEvent(m.event);
        else if (m.type === 'checkpoint') void callbacks.onCheckpoint(m.kind, m.step, m.bytes);
        else if (m.type === 'rung')
          void Promise.resolve(callbacks.onRung(m.rung, m.step, m.value)).then((proceed) =>
            send({ type: 'rung-reply', proceed }),
          );
        else if (m.type === 'done') finish(m.outcome, true);
      };
      const onError = (error: Error): void =>
        finish({ status: 'error', message: `worker thread failed: ${error.message}` }, false);
      const onExit = (code: number): void =>
        finish({ status: 'error', message: `worker thread exited with code ${code}` }, false);
      const onAbort = (): void => send({ type: 'stop' });
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      callbacks.signal.addEventListener('abort', onAbort);
      send({ type: 'run', task });
      if (callbacks.signal.aborted) onAbort();
    });
  };

  return {
    slots: options.workers,
    run,
    async close() {
      const workers = [...all];
      all.clear();
      idle.length = 0;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
