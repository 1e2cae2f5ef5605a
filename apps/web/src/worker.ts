// The training worker's entry: picks the wasm kernels (two threads when the page is cross-origin
// isolated, the helper thread started from a blob URL), then hands every message from the page to
// a TrainingSession. Training here keeps the page responsive.

import { selectKernels, type WorkerLike } from '@charrnn/kernels-wasm';
import type { Kernels } from '@charrnn/tensor';
import type { FromWorker, ToWorker } from './protocol.js';
import { TrainingSession } from './training-session.js';

interface WorkerScope {
  readonly crossOriginIsolated?: boolean;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;

// The trainer yields with setTimeout(0) about every 50 ms so that messages (pause, sample) get in.
// Browsers clamp chained zero-delay timers to 4 ms: ~8% of the training time. Here a zero-delay
// timeout is a message-channel task instead, which also lets waiting messages run first.
const yieldChannel = new MessageChannel();
const yieldQueue: (() => void)[] = [];
yieldChannel.port1.onmessage = () => yieldQueue.shift()?.();
const timerSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((handler: TimerHandler, delay?: number, ...args: unknown[]) => {
  if (delay || typeof handler !== 'function') return timerSetTimeout(handler, delay, ...args);
  yieldQueue.push(() => (handler as (...a: unknown[]) => void)(...args));
  yieldChannel.port2.postMessage(null);
  return 0;
}) as typeof setTimeout;
const isolated = scope.crossOriginIsolated === true;
const threads = isolated ? 2 : 1;

/** The two-thread kernels' helper: its source string becomes a same-origin blob worker (no file, no request). */
function spawnBlobWorker(source: string): WorkerLike {
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url);
  return {
    postMessage: (message) => worker.postMessage(message),
    terminate: () => {
      worker.terminate();
      URL.revokeObjectURL(url);
    },
  };
}

let notice: string | undefined;
function createKernels(): Kernels {
  const selection = selectKernels('auto', { threads, spawnWorker: spawnBlobWorker });
  notice = selection.notice;
  return selection.kernels;
}

const probe = createKernels();
scope.postMessage({ type: 'ready', kernels: probe.name, threads, isolated, ...(notice ? { notice } : {}) });
probe.close?.();

const session = new TrainingSession({
  createKernels,
  post: (message, transfer) => scope.postMessage(message, transfer ?? []),
  clock: () => performance.now(),
});
scope.onmessage = (event) => void session.handle(event.data);
