// The two-thread backend with real worker_threads (eval'd from the source string, as the CLI does):
// split gemms equal one-thread gemms bit for bit, and every way the worker can be missing or fail
// falls back to one thread with the same results. Conformance with the reference: ../conformance.spec.ts.

import { afterAll, describe, expect, it } from 'vitest';
import { type Dtype, type FloatArray, type Kernels, Prng, referenceKernels } from '@charrnn/tensor';
import { selectKernels } from './select-kernels.js';
import * as threadedApi from './threaded-kernels.js';
import { createThreadedWasmKernels } from './threaded-kernels.js';
import { loadWasmKernels } from './wasm-kernels.js';
import { spawnTestWorker, untilThreads } from './test-worker.js';
import { CTL, WORKER_SOURCE } from './worker-source.js';

type Threaded = Kernels & {
  readonly threads: number;
  readonly splits: number;
  readonly elementwiseSplits: number;
  close(): void;
};

function threaded(options: Partial<threadedApi.ThreadedKernelsOptions> = {}): Threaded {
  const made = createThreadedWasmKernels({ spawnWorker: spawnTestWorker, minSplitWork: 0, ...options });
  if ('unavailable' in made) throw new Error(`threaded kernels unavailable: ${made.unavailable}`);
  return made as Threaded;
}

interface Case {
  readonly tA: boolean;
  readonly tB: boolean;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly alpha: number;
  readonly beta: number;
}

/** Runs one gemm on fresh arrays of `kernels` from the same seed; returns C. */
function runGemm(kernels: Kernels, dtype: Dtype, c: Case, seed: number): FloatArray {
  const prng = new Prng(seed);
  const off = 3;
  const lda = (c.tA ? c.m : c.k) + 2;
  const ldb = (c.tB ? c.k : c.n) + 1;
  const ldc = c.n + 5;
  const fill = (length: number): FloatArray => {
    const arr = kernels.alloc(dtype, length);
    for (let i = 0; i < length; i++) arr[i] = prng.uniformIn(-1, 1);
    return arr;
  };
  const a = fill(off + (c.tA ? c.k : c.m) * lda);
  const b = fill(off + (c.tB ? c.n : c.k) * ldb);
  const out = fill(off + c.m * ldc);
  kernels.gemm(c.tA, c.tB, c.m, c.n, c.k, c.alpha, a, off, lda, b, off, ldb, c.beta, out, off, ldc);
  return out;
}

function expectSameBits(got: FloatArray, expected: FloatArray, where: string): void {
  expect(got.length).toBe(expected.length);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], expected[i]))
      expect.fail(`${where}: element ${i} is ${got[i]}, one thread gave ${expected[i]}`);
  }
}

const one = loadWasmKernels();
const available = !('unavailable' in one);
const opened: Threaded[] = [];
afterAll(() => opened.forEach((k) => k.close()));

describe.runIf(available)('two-thread wasm kernels', () => {
  it('split gemms equal one-thread gemms bit for bit (f32 and f64, every transpose, column and row splits)', async () => {
    const two = threaded();
    opened.push(two);
    await untilThreads(two, 2);
    const single = one as Kernels;
    const prng = new Prng(5);
    // n ≥ 16 splits columns, smaller n with m ≥ 8 splits rows; k > 512 takes the k-blocked path.
    const sizes: [number, number, number][] = [
      [32, 512, 96],
      [37, 77, 61],
      [5, 203, 600],
      [300, 13, 17],
      [9, 7, 130],
      [64, 40, 1030],
      [8, 16, 1],
      [33, 100, 0],
    ];
    let cases = 0;
    for (const dtype of ['f32', 'f64'] as const) {
      for (const [m, n, k] of sizes) {
        for (const tA of [false, true]) {
          for (const tB of [false, true]) {
            const c: Case = {
              tA,
              tB,
              m,
              n,
              k,
              alpha: prng.uniformIn(-2, 2),
              beta: cases % 3 === 0 ? 0 : prng.uniformIn(-1, 1),
            };
            const where = `${dtype} ${m}×${n}×${k} tA=${tA} tB=${tB}`;
            expectSameBits(runGemm(two, dtype, c, cases), runGemm(single, dtype, c, cases), where);
            cases++;
          }
        }
      }
    }
    expect(two.splits).toBeGreaterThanOrEqual(cases - 8); // all but the 8×16×… f64 and too-small shapes split
    expect(two.threads).toBe(2);
  });

  it('split elementwise kernels (tanh, its backward, absMax, Adagrad) equal one thread bit for bit', async () => {
    const two = threaded({ minSplitElements: 8 });
    opened.push(two);
    await untilThreads(two, 2);
    const single = one as Kernels;
    for (const dtype of ['f32', 'f64'] as const) {
      for (const n of [8, 9, 13, 64, 1001, 20_003]) {
        const runs = [two, single].map((k) => {
          const prng = new Prng(n);
          const fill = (scale: number, zeros = false): FloatArray => {
            const arr = k.alloc(dtype, n + 3);
            for (let i = 0; i < arr.length; i++) arr[i] = zeros && i % 5 < 3 ? 0 : prng.uniformIn(-scale, scale);
            return arr;
          };
          const [x, out, a, b, y, d, value, grad, mem] = [4, 1, 1, 1, 1, 1, 1, 2, 1].map((s, i) => fill(s, i === 7));
          for (let i = 0; i < mem!.length; i++) mem![i] = Math.abs(mem![i]!);
          k.tanh(n, x!, 1, out!, 2);
          k.tanhBackward!(n, a!, 0, b!, 1, y!, 2, d!, 3);
          x![n] = dtype === 'f32' ? 3.5 : -7.25; // a largest magnitude in the second half
          const max = k.absMax!(n + 1, x!, 0);
          k.adagrad!(n, value!, grad!, mem!, 0.1, 1e-8);
          return { arrays: [out!, d!, value!, mem!], max };
        });
        runs[0]!.arrays.forEach((arr, i) => expectSameBits(arr, runs[1]!.arrays[i]!, `${dtype} n=${n} array ${i}`));
        expect(runs[0]!.max).toBe(runs[1]!.max);
      }
    }
    expect(two.elementwiseSplits).toBeGreaterThan(0);
  });

  it('absMax of split halves is NaN when either half holds a NaN', async () => {
    const two = threaded({ minSplitElements: 8 });
    opened.push(two);
    await untilThreads(two, 2);
    for (const at of [1, 30]) {
      const x = two.alloc('f32', 32);
      x.fill(0.5);
      x[at] = Number.NaN;
      expect(two.absMax!(32, x, 0)).toBeNaN();
    }
  });

  it('keeps small gemms on the main thread below minSplitWork', async () => {
    const two = threaded({ minSplitWork: 1e6 });
    opened.push(two);
    await untilThreads(two, 2);
    runGemm(two, 'f32', { tA: false, tB: false, m: 32, n: 100, k: 100, alpha: 1, beta: 0 }, 1);
    expect(two.splits).toBe(0);
    runGemm(two, 'f32', { tA: false, tB: false, m: 32, n: 512, k: 512, alpha: 1, beta: 0 }, 1);
    expect(two.splits).toBe(1);
  });

  it('runs on one thread with the same results until the worker is ready, and after close', async () => {
    const posted: unknown[] = [];
    const silent = threaded({
      spawnWorker: () => ({ postMessage: (m) => void posted.push(m), terminate: () => undefined }),
    });
    expect(posted).toHaveLength(1);
    const c: Case = { tA: false, tB: true, m: 40, n: 64, k: 50, alpha: 1, beta: 0.5 };
    expectSameBits(runGemm(silent, 'f32', c, 2), runGemm(one as Kernels, 'f32', c, 2), 'worker never ready');
    expect(silent.threads).toBe(1);
    expect(silent.splits).toBe(0);
    silent.close();

    const two = threaded();
    await untilThreads(two, 2);
    two.close();
    expect(two.threads).toBe(1);
    expectSameBits(runGemm(two, 'f64', c, 3), runGemm(one as Kernels, 'f64', c, 3), 'after close');
  });

  it('goes on with one thread and a notice when the worker cannot instantiate the module', () => {
    const notices: string[] = [];
    const broken = threaded({
      notice: (line) => notices.push(line),
      spawnWorker: () => ({
        postMessage: (init) => {
          const { memory, control } = init as { memory: { buffer: SharedArrayBuffer }; control: number };
          Atomics.store(new Int32Array(memory.buffer, control, 48), CTL.READY, -1);
        },
        terminate: () => undefined,
      }),
    });
    const c: Case = { tA: true, tB: false, m: 24, n: 48, k: 30, alpha: 1, beta: 0 };
    expectSameBits(runGemm(broken, 'f32', c, 4), runGemm(one as Kernels, 'f32', c, 4), 'broken worker');
    expect(broken.threads).toBe(1);
    expect(notices).toEqual(['kernels: using one thread (the worker could not instantiate the kernel module)']);
  });

  it('recomputes the part of a worker that failed, then stays on one thread with a notice', async () => {
    const notices: string[] = [];
    const failing = threaded({
      notice: (line) => notices.push(line),
      spawnWorker: (source) =>
        spawnTestWorker(
          source
            .replace('const gemm = op ===', 'const gemm = () => { throw new Error("boom"); }; void (op ===')
            .replace('wasm.gemm_f32 : wasm.gemm_f64;', 'wasm.gemm_f32 : wasm.gemm_f64);'),
        ),
    });
    opened.push(failing);
    await untilThreads(failing, 2);
    const c: Case = { tA: false, tB: false, m: 16, n: 64, k: 40, alpha: 1.5, beta: -1 };
    expectSameBits(runGemm(failing, 'f32', c, 6), runGemm(one as Kernels, 'f32', c, 6), 'failed worker');
    expect(failing.threads).toBe(1);
    expect(notices).toEqual(['kernels: using one thread (the worker failed on a gemm)']);
  });

  it('validates its options', () => {
    expect(() => createThreadedWasmKernels({ spawnWorker: 'x' as unknown as threadedApi.SpawnWorker })).toThrow(
      new TypeError('createThreadedWasmKernels: spawnWorker must be a function, got string'),
    );
    expect(() => createThreadedWasmKernels({ spawnWorker: spawnTestWorker, minSplitWork: -1 })).toThrow(
      new RangeError('createThreadedWasmKernels: minSplitWork must be a non-negative number, got -1'),
    );
    const failed = createThreadedWasmKernels({
      spawnWorker: () => {
        throw new Error('no workers here');
      },
    });
    expect(failed).toEqual({ unavailable: 'a worker could not be started: no workers here' });
  });

  it('worker source is a self-contained classic script (no imports, no require)', () => {
    expect(WORKER_SOURCE).not.toMatch(/\bimport\b|\brequire\b/);
    expect(() => new Function(WORKER_SOURCE)).not.toThrow();
  });
});

describe('selectKernels with threads', () => {
  it('threads 2 with a spawner gives the two-thread wasm kernels', async () => {
    const { kernels, notice } = selectKernels('auto', { threads: 2, spawnWorker: spawnTestWorker });
    if (!available) return;
    expect(notice).toBeUndefined();
    opened.push(kernels as Threaded);
    await untilThreads(kernels, 2);
  });

  it('falls back to one thread with a one-line notice, never failing', () => {
    const noSpawner = selectKernels('auto', { threads: 2 });
    const refused = selectKernels('wasm', {
      threads: 2,
      spawnWorker: () => {
        throw new Error('no workers here');
      },
    });
    const reference = selectKernels('reference', { threads: 2 });
    expect(reference).toEqual({
      kernels: referenceKernels,
      notice: 'kernels: threads 2 needs the wasm kernels; the reference kernels run on one thread',
    });
    if (!available) return;
    expect(noSpawner.kernels.threads ?? 1).toBe(1);
    expect(noSpawner.notice).toBe('kernels: using one thread (this host gave no way to start a worker)');
    expect(refused.kernels.name).toBe('wasm-simd');
    expect(refused.notice).toBe('kernels: using one thread (a worker could not be started: no workers here)');
  });

  it('refuses a thread count other than 1 or 2', () => {
    expect(() => selectKernels('auto', { threads: 3 })).toThrow(
      new RangeError('selectKernels: threads must be 1 or 2, got 3'),
    );
  });

  it('exports', () => {
    expect(Object.keys(threadedApi).sort()).toEqual([
      'DEFAULT_MIN_SPLIT_ELEMENTS',
      'DEFAULT_MIN_SPLIT_WORK',
      'createThreadedWasmKernels',
    ]);
  });
});
