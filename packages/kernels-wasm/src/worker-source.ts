// The helper thread of the two-thread backend, as a self-contained classic-script source string:
// it instantiates the kernels' compiled module on the same shared memory and runs the gemm parts
// the main thread posts through a control block in that memory (Atomics, no messages per call),
// and halves of the large elementwise kernels (OP.CALL: tanh, its backward, absMax, Adagrad).

import { ELEMENTWISE_EXPORTS } from './wasm-bindings.generated.js';

/**
 * Int32 slots of the control block (byte offset `control`, 64-byte aligned, CONTROL_BYTES long).
 * The main thread writes the job, then SEQ; the worker writes DONE (and STATUS) on its own cache line.
 */
export const CTL = {
  /** Job counter, bumped by the main thread after the job's arguments are written. */
  SEQ: 0,
  OP: 1,
  TA: 2,
  TB: 3,
  M: 4,
  N: 5,
  K: 6,
  A: 7,
  LDA: 8,
  B: 9,
  LDB: 10,
  C: 11,
  LDC: 12,
  SCRATCH: 13,
  /** Float64 slots (index into a Float64Array at the same base): alpha, beta. */
  ALPHA_F64: 8,
  BETA_F64: 9,
  /** An elementwise call (OP.CALL): the export's index in ELEMENTWISE_EXPORTS, counts, n, pointers (≤ 8). */
  FN: 2,
  POINTERS: 3,
  DOUBLES: 4,
  COUNT: 5,
  POINTER0: 6,
  /** Its double arguments (Float64 slots, ≤ 2) and its result. */
  DOUBLE0_F64: 8,
  RESULT_F64: 10,
  /** The SEQ value of the last finished job (second cache line: written by the worker only). */
  DONE: 32,
  /** 0 starting, 1 ready, −1 failed to start. */
  READY: 33,
  /** 0, or 1 once a job threw: that job's part was not (fully) computed. */
  FAILED: 34,
} as const;

export const CONTROL_BYTES = 192;

export const OP = { EXIT: 0, GEMM_F32: 1, GEMM_F64: 2, CALL: 3 } as const;

/** Polls of SEQ (~1 ns each) before the worker sleeps in Atomics.wait: ~1 ms, longer than the gaps inside a training step (waking a sleeping thread cost ~0.8 ms in a VM). */
export const WORKER_SPINS = 1_000_000;

/** What the main thread posts once: the compiled module, the shared memory, the control block's byte offset. */
export interface WorkerInit {
  readonly module: object;
  readonly memory: object;
  readonly control: number;
}

/**
 * The worker's source. A browser Worker gets its first message through `onmessage` natively; a
 * Node worker_threads host must forward the first message to `globalThis.onmessage({ data })`.
 */
export const WORKER_SOURCE = `'use strict';
const ELEMENTWISE = ${JSON.stringify(ELEMENTWISE_EXPORTS)};
globalThis.onmessage = function (event) {
  globalThis.onmessage = null;
  const init = event.data;
  const base = init.control;
  let ctl;
  try {
    ctl = new Int32Array(init.memory.buffer, base, ${CONTROL_BYTES / 4});
  } catch (e) {
    return;
  }
  let wasm;
  try {
    wasm = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports;
  } catch (e) {
    Atomics.store(ctl, ${CTL.READY}, -1);
    Atomics.notify(ctl, ${CTL.READY});
    return;
  }
  const f64 = new Float64Array(init.memory.buffer, base, ${CONTROL_BYTES / 8});
  let seen = Atomics.load(ctl, ${CTL.SEQ});
  Atomics.store(ctl, ${CTL.DONE}, seen);
  Atomics.store(ctl, ${CTL.READY}, 1);
  Atomics.notify(ctl, ${CTL.READY});
  for (;;) {
    let seq = Atomics.load(ctl, ${CTL.SEQ});
    for (let spins = ${WORKER_SPINS}; seq === seen && spins > 0; spins--) seq = Atomics.load(ctl, ${CTL.SEQ});
    if (seq === seen) {
      Atomics.wait(ctl, ${CTL.SEQ}, seen);
      continue;
    }
    seen = seq;
    const op = ctl[${CTL.OP}];
    if (op === ${OP.EXIT}) break;
    try {
      if (op === ${OP.CALL}) {
        const args = [ctl[${CTL.COUNT}]];
        for (let i = 0; i < ctl[${CTL.POINTERS}]; i++) args.push(ctl[${CTL.POINTER0} + i]);
        for (let i = 0; i < ctl[${CTL.DOUBLES}]; i++) args.push(f64[${CTL.DOUBLE0_F64} + i]);
        const result = wasm[ELEMENTWISE[ctl[${CTL.FN}]]](...args);
        f64[${CTL.RESULT_F64}] = result === undefined ? 0 : result;
      } else {
      const gemm = op === ${OP.GEMM_F32} ? wasm.gemm_f32 : wasm.gemm_f64;
      gemm(ctl[${CTL.TA}], ctl[${CTL.TB}], ctl[${CTL.M}], ctl[${CTL.N}], ctl[${CTL.K}], f64[${CTL.ALPHA_F64}],
        ctl[${CTL.A}], ctl[${CTL.LDA}], ctl[${CTL.B}], ctl[${CTL.LDB}], f64[${CTL.BETA_F64}],
        ctl[${CTL.C}], ctl[${CTL.LDC}], ctl[${CTL.SCRATCH}]);
      }
    } catch (e) {
      Atomics.store(ctl, ${CTL.FAILED}, 1);
    }
    Atomics.store(ctl, ${CTL.DONE}, seq);
    Atomics.notify(ctl, ${CTL.DONE});
  }
  if (typeof close === 'function') close();
};
`;
