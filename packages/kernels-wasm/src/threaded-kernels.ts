// The two-thread wasm backend: the wasm SIMD kernels, with each large gemm split between the main
// thread and one worker running the same compiled module on the same shared memory. Every output
// element is computed by one thread with the single-thread code path, so results are bit-identical.

import type { GemmOperands } from '@charrnn/native';
import type { Kernels } from '@charrnn/tensor';
import { ELEMENTWISE_EXPORTS, type ElementwiseExport } from './wasm-bindings.generated.js';
import { gemmScratchElements, WasmKernels } from './wasm-kernels.js';
import { callElementwise, instantiateWasmKernels, type WasmKernelsOptions, type WasmParts } from './wasm-memory.js';
import { CONTROL_BYTES, CTL, OP, WORKER_SOURCE, type WorkerInit } from './worker-source.js';

/** The little of a Worker (browser) or worker_threads.Worker (Node) the backend needs. */
export interface WorkerLike {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/**
 * Starts a worker running `source`, a classic script that expects its first message through
 * `globalThis.onmessage({ data })`. Node: see @charrnn/cli's spawnNodeWorker. May throw.
 */
export type SpawnWorker = (source: string) => WorkerLike;

export interface ThreadedKernelsOptions extends WasmKernelsOptions {
  readonly spawnWorker: SpawnWorker;
  /**
   * Smallest m·n·k a gemm must have to be split (default DEFAULT_MIN_SPLIT_WORK); 0 splits every
   * gemm that has room for two parts (for tests).
   */
  readonly minSplitWork?: number;
  /** Smallest entry count from which an elementwise kernel is split (default DEFAULT_MIN_SPLIT_ELEMENTS); 8 for tests. */
  readonly minSplitElements?: number;
  /** One-line notices, e.g. when the worker fails and the backend goes on with one thread. */
  readonly notice?: (line: string) => void;
}

/**
 * m·n·k below which a split costs more than it saves. Measured (threaded-kernels bench in the
 * README): a split gemm pays ~5–15 µs of hand-off, so only products of ~0.1 ms and up gain.
 */
export const DEFAULT_MIN_SPLIT_WORK = 1 << 19;

/**
 * Entries from which an elementwise kernel (tanh and its backward, absMax, Adagrad) is cut in two:
 * at H=512, B=32 a step's tanh has 16k entries (~10 µs), the Adagrad update 344k; below ~8k the
 * hand-off (~1–3 µs) would cost about what the second thread saves.
 */
export const DEFAULT_MIN_SPLIT_ELEMENTS = 8192;

/** Main-thread polls of DONE (~1 ns each) before it sleeps in Atomics.wait: the worker's part should end with its own, and when it does not (a busy machine), sleeping gives the worker the core. */
const MAIN_SPINS = 1_000_000;

/**
 * The wasm kernels with a helper worker; `{ unavailable }` when wasm cannot load or the worker
 * cannot be spawned (then use the one-thread wasm kernels). The worker starts asynchronously:
 * until it reports ready, gemms run on the main thread alone (with the same results).
 */
export function createThreadedWasmKernels(options: ThreadedKernelsOptions): Kernels | { unavailable: string } {
  if (typeof options.spawnWorker !== 'function') {
    throw new TypeError(`createThreadedWasmKernels: spawnWorker must be a function, got ${typeof options.spawnWorker}`);
  }
  const minSplitWork = options.minSplitWork ?? DEFAULT_MIN_SPLIT_WORK;
  if (!(minSplitWork >= 0)) {
    throw new RangeError(`createThreadedWasmKernels: minSplitWork must be a non-negative number, got ${minSplitWork}`);
  }
  if (typeof Atomics !== 'object' || typeof Atomics.wait !== 'function')
    return { unavailable: 'Atomics.wait is not available' };
  const parts = instantiateWasmKernels('createThreadedWasmKernels', options);
  if ('unavailable' in parts) return parts;
  const minSplitElements = options.minSplitElements ?? DEFAULT_MIN_SPLIT_ELEMENTS;
  if (!(minSplitElements >= 8)) {
    throw new RangeError(
      `createThreadedWasmKernels: minSplitElements must be a number ≥ 8, got ${String(options.minSplitElements)}`,
    );
  }
  return ThreadedWasmKernels.start(
    parts,
    options.spawnWorker,
    { minSplitWork, minSplitElements },
    options.notice ?? (() => undefined),
  );
}

class ThreadedWasmKernels extends WasmKernels implements Kernels {
  /** Gemms split so far (for tests and benchmarks: proof that the worker took part). */
  splits = 0;
  /** Elementwise kernels split so far (the same proof for tanh, absMax, Adagrad). */
  elementwiseSplits = 0;
  private worker: WorkerLike | undefined;
  /** Set once the worker reported ready (checked lazily, so construction never blocks). */
  private ready = false;
  private seq = 0;
  private workerScratchPtr = 0;
  private workerScratchBytes = 0;
  private mainCanWait = true;
  private readonly ctl: Int32Array;
  private readonly f64: Float64Array;

  static start(
    parts: WasmParts,
    spawn: (source: string) => WorkerLike,
    limits: { readonly minSplitWork: number; readonly minSplitElements: number },
    notice: (line: string) => void,
  ): ThreadedWasmKernels | { unavailable: string } {
    const kernels = new ThreadedWasmKernels(parts, limits.minSplitWork, limits.minSplitElements, notice);
    try {
      kernels.worker = spawn(WORKER_SOURCE);
      const init: WorkerInit = { module: kernels.module, memory: kernels.memory, control: kernels.ctl.byteOffset };
      kernels.worker.postMessage(init);
    } catch (error) {
      kernels.close();
      return { unavailable: `a worker could not be started: ${(error as Error).message}` };
    }
    return kernels;
  }

  private constructor(
    parts: WasmParts,
    private readonly minSplitWork: number,
    private readonly minSplitElements: number,
    private readonly notice: (line: string) => void,
  ) {
    super(parts);
    // A native gemm splits its large products over two threads of its own (on tile boundaries, so
    // with the same results as one thread); the worker then serves only the wasm-sized ones.
    this.nativeThreads = 2;
    // 64-byte aligned, so SEQ and DONE sit on different cache lines from everything else.
    const ptr = Math.ceil(this.reserve(CONTROL_BYTES + 64) / 64) * 64;
    this.ctl = new Int32Array(this.memory.buffer, ptr, CONTROL_BYTES / 4);
    this.f64 = new Float64Array(this.memory.buffer, ptr, CONTROL_BYTES / 8);
  }

  /** 2 once the worker has started (and until it is closed or fails), else 1. */
  get threads(): number {
    return this.workerReady() ? 2 : 1;
  }

  /** Stops the worker; the kernels go on with one thread. */
  close(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = false;
    if (!worker) return;
    Atomics.store(this.ctl, CTL.OP, OP.EXIT);
    Atomics.store(this.ctl, CTL.SEQ, ++this.seq);
    Atomics.notify(this.ctl, CTL.SEQ);
    void worker.terminate();
  }

  private workerReady(): boolean {
    if (this.ready) return true;
    if (!this.worker) return false;
    const state = Atomics.load(this.ctl, CTL.READY);
    if (state === 1) this.ready = true;
    else if (state === -1) this.giveUp('the worker could not instantiate the kernel module');
    return this.ready;
  }

  private giveUp(why: string): void {
    this.close();
    this.notice(`kernels: using one thread (${why})`);
  }

  private workerScratch(bytes: number): number {
    if (bytes > this.workerScratchBytes) {
      this.workerScratchBytes = Math.max(bytes, 2 * this.workerScratchBytes, 4096);
      this.workerScratchPtr = this.reserve(this.workerScratchBytes);
    }
    return this.workerScratchPtr;
  }

  /** The worker's scratch for its part of a gemm (its own, so both threads can pack at once). */
  private scratchFor(tA: number, tB: number, m: number, n: number, k: number, bpe: number): number {
    const elements = gemmScratchElements(tA, tB, m, n, k);
    return elements > 0 ? this.workerScratch(elements * bpe) : 0;
  }

  protected override gemmLeavesWasm(m: number, n: number, k: number): boolean {
    return super.gemmLeavesWasm(m, n, k) || (m * n * k >= this.minSplitWork && this.workerReady());
  }

  protected override gemmAt(f32: boolean, ...operands: GemmOperands): void {
    const [tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc] = operands;
    // Column panels at multiples of the kernel's 2-vector tile keep every column on the path it
    // takes single-threaded (the scalar tail stays the tail); row blocks at multiples of its
    // 4-row tile, each at least one tile, do the same for rows.
    if (this.useNative(m, n, k)) {
      super.gemmAt(f32, ...operands);
      return;
    }
    const tile = f32 ? 8 : 4;
    const splitColumns = n >= 2 * tile;
    if (m * n * k < this.minSplitWork || !(splitColumns || m >= 8) || !this.workerReady()) {
      super.gemmAt(f32, ...operands);
      return;
    }
    const bpe = f32 ? 4 : 8;
    this.splits++;
    if (splitColumns) {
      // Columns [0, s) here, [s, n) in the worker: B's columns (or rows of a transposed B) and C's columns.
      const s = Math.round(n / (2 * tile)) * tile;
      const bW = tB ? b + s * ldb * bpe : b + s * bpe;
      const theirs: GemmOperands = [tA, tB, m, n - s, k, alpha, a, lda, bW, ldb, beta, c + s * bpe, ldc];
      this.post(f32, theirs, this.scratchFor(tA, tB, m, n - s, k, bpe));
      super.gemmAt(f32, tA, tB, m, s, k, alpha, a, lda, b, ldb, beta, c, ldc);
      if (this.join()) return;
      super.gemmAt(f32, ...theirs);
    } else {
      const s = Math.round(m / 8) * 4;
      const aW = tA ? a + s * bpe : a + s * lda * bpe;
      const theirs: GemmOperands = [tA, tB, m - s, n, k, alpha, aW, lda, b, ldb, beta, c + s * ldc * bpe, ldc];
      this.post(f32, theirs, this.scratchFor(tA, tB, m - s, n, k, bpe));
      super.gemmAt(f32, tA, tB, s, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
      if (this.join()) return;
      super.gemmAt(f32, ...theirs);
    }
  }

  /**
   * Not with a native gemm: it splits its products over a helper thread of its own, which spins
   * between products; a wasm worker spinning between elementwise halves would make three busy
   * threads on two cores (measured at H=512 B=32 on a loaded 2-core VM: 20× slower, not faster).
   */
  protected override splitsElementwise(n: number): boolean {
    return !this.native && n >= this.minSplitElements && this.workerReady();
  }

  protected override splitElementwise(
    fn: ElementwiseExport,
    n: number,
    bpe: number,
    pointers: readonly number[],
    doubles: readonly number[],
    join?: (a: number, b: number) => number,
  ): number {
    // Entries [0, s) here, [s, n) in the worker; s a multiple of 4, so each entry keeps its vector lane path.
    const s = Math.floor(n / 8) * 4;
    if (s === 0) return callElementwise(this.wasm, fn, n, pointers, doubles);
    this.elementwiseSplits++;
    const ctl = this.ctl;
    ctl[CTL.OP] = OP.CALL;
    ctl[CTL.FN] = ELEMENTWISE_EXPORTS.indexOf(fn);
    ctl[CTL.POINTERS] = pointers.length;
    ctl[CTL.DOUBLES] = doubles.length;
    ctl[CTL.COUNT] = n - s;
    pointers.forEach((p, i) => {
      ctl[CTL.POINTER0 + i] = p + s * bpe;
    });
    doubles.forEach((d, i) => {
      this.f64[CTL.DOUBLE0_F64 + i] = d;
    });
    this.publish();
    const mine = callElementwise(this.wasm, fn, s, pointers, doubles);
    const theirs = this.join()
      ? this.f64[CTL.RESULT_F64]!
      : callElementwise(
          this.wasm,
          fn,
          n - s,
          pointers.map((p) => p + s * bpe),
          doubles,
        );
    return join ? join(mine, theirs) : 0;
  }

  private post(f32: boolean, operands: GemmOperands, scratch: number): void {
    const [tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc] = operands;
    const ctl = this.ctl;
    ctl[CTL.OP] = f32 ? OP.GEMM_F32 : OP.GEMM_F64;
    ctl[CTL.TA] = tA;
    ctl[CTL.TB] = tB;
    ctl[CTL.M] = m;
    ctl[CTL.N] = n;
    ctl[CTL.K] = k;
    ctl[CTL.A] = a;
    ctl[CTL.LDA] = lda;
    ctl[CTL.B] = b;
    ctl[CTL.LDB] = ldb;
    ctl[CTL.C] = c;
    ctl[CTL.LDC] = ldc;
    ctl[CTL.SCRATCH] = scratch;
    this.f64[CTL.ALPHA_F64] = alpha;
    this.f64[CTL.BETA_F64] = beta;
    this.publish();
  }

  /** Hands the job written into the control block to the worker. */
  private publish(): void {
    const ctl = this.ctl;
    // The seq-cst store publishes the plain writes above to the worker's Atomics.load of SEQ.
    this.seq = (this.seq + 1) | 0;
    Atomics.store(ctl, CTL.SEQ, this.seq);
    Atomics.notify(ctl, CTL.SEQ, 1);
  }

  /** Waits for the worker's part; false (and one thread from now on) when the worker failed on it. */
  private join(): boolean {
    const ctl = this.ctl;
    const seq = this.seq;
    let done = Atomics.load(ctl, CTL.DONE);
    for (let spins = MAIN_SPINS; done !== seq && spins > 0; spins--) done = Atomics.load(ctl, CTL.DONE);
    while (done !== seq) {
      if (this.mainCanWait) {
        try {
          Atomics.wait(ctl, CTL.DONE, done);
        } catch {
          // A browser's main thread may not block: poll instead.
          this.mainCanWait = false;
        }
      }
      done = Atomics.load(ctl, CTL.DONE);
    }
    if (Atomics.load(ctl, CTL.FAILED) === 0) return true;
    this.giveUp('the worker failed on a gemm');
    return false;
  }
}
