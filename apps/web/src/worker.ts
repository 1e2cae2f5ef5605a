// The training worker's entry: picks the wasm kernels (two threads when the page is cross-origin
// isolated, the helper thread started from a blob URL), then hands every message from the page to
// a TrainingSession. Training here keeps the page responsive.

import { selectKernels, type Kernels, type WorkerLike } from '@charrnn/tensor';
import type { FromWorker, ToWorker } from './protocol.js';
import { TrainingSession } from './training-session.js';

interface WorkerScope {
  readonly crossOriginIsolated?: boolean;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;
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
