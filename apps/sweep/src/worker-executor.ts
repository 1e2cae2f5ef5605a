// The worker_threads executor: a pool of N worker threads, one trial each at a time, so --workers N
// uses N cores. The threads start with the pool (loading their code and kernels takes a sixth of a
// second, paid before the first trial rather than in it) and get the training text by message, once
// per thread and text, so one pool serves a queue worker's sweeps on different texts. Messages carry
// events, checkpoint bytes (transferred) and ASHA rung questions; a crashed thread fails only its
// trial and is replaced for the next one.

import { Worker } from 'node:worker_threads';
import type { TrialCallbacks, TrialExecutor, TrialOutcome, TrialTask } from '@charrnn/sweep';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

export interface WorkerPoolOptions {
  readonly workers: number;
  /** The --kernels preference each thread gives chooseKernels. */
  readonly kernels: string;
  /** The name of the kernels the main thread chose for `kernels` (threads check theirs against it). */
  readonly expectedKernels: string;
  /** The bundled worker entry; default: worker.js beside this bundle. */
  readonly workerUrl?: URL;
  /** One-line notices from threads (e.g. the kernel fallback), each reported once. */
  readonly onNotice?: (line: string) => void;
}

export interface WorkerPool {
  readonly slots: number;
  /** The kernels' name its threads run (the main thread's choice for the same --kernels). */
  readonly kernelsName: string;
  /** Runs a trial on an idle thread (the caller keeps at most `slots` running), on `text`. */
  run(text: string, task: TrialTask, callbacks: TrialCallbacks): Promise<TrialOutcome>;
  /** How many trials run now. */
  readonly busy: number;
  close(): Promise<void>;
}

export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const url = options.workerUrl ?? new URL('./worker.js', import.meta.url);
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  const notices = new Set<string>();
  // The text each thread holds: sent again only when a trial needs another one.
  const textOf = new WeakMap<Worker, string>();
  const init: WorkerInit = { kernels: options.kernels, expectedKernels: options.expectedKernels };

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
  for (let i = 0; i < options.workers; i++) idle.push(spawn());

  const run = (text: string, task: TrialTask, callbacks: TrialCallbacks): Promise<TrialOutcome> => {
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
      if (textOf.get(worker) !== text) {
        send({ type: 'text', text });
        textOf.set(worker, text);
      }
      send({ type: 'run', task });
      if (callbacks.signal.aborted) onAbort();
    });
  };

  return {
    slots: options.workers,
    kernelsName: options.expectedKernels,
    run,
    // A thread is either idle or running a trial (a crashed one leaves the pool).
    get busy() {
      return all.size - idle.length;
    },
    async close() {
      const workers = [...all];
      all.clear();
      idle.length = 0;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** A local sweep's executor: a pool whose trials all train on one text. */
export function createWorkerExecutor(options: WorkerPoolOptions & { readonly text: string }): TrialExecutor {
  const pool = createWorkerPool(options);
  return {
    slots: pool.slots,
    run: (task, callbacks) => pool.run(options.text, task, callbacks),
    close: () => pool.close(),
  };
}
