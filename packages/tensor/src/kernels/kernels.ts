// The kernel seam. Models call these operations and nothing else for their heavy work, so a
// faster implementation (WebAssembly SIMD, native) can replace the reference one at run time.
// Conventions are BLAS's, row-major: a matrix is (array, offset, leading dimension); op(X) is X
// or Xᵀ. Every kernel must agree with the reference kernels (see conformance.spec.ts).

import type { Dtype, FloatArray } from '../dtype.js';

export interface Kernels {
  /** A short name for logs and benchmarks, e.g. "reference" or "wasm-simd". */
  readonly name: string;

  /** Threads the heavy kernels run on (absent: 1). Results never depend on it. */
  readonly threads?: number;

  /** Releases what the backend holds beyond memory (a worker thread); the kernels keep working on one thread. */
  close?(): void;

  /**
   * Allocates a zeroed array the kernels can work on directly. A WebAssembly backend hands out
   * views of its own memory, so everything a model touches in its hot loop must come from here.
   */
  alloc(dtype: Dtype, length: number): FloatArray;

  /** C[m,n] = alpha·op(A)·op(B) + beta·C, where op(A) is [m,k] and op(B) is [k,n]. beta = 0 ignores C's contents. */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: FloatArray,
    aOff: number,
    lda: number,
    b: FloatArray,
    bOff: number,
    ldb: number,
    beta: number,
    c: FloatArray,
    cOff: number,
    ldc: number,
  ): void;

  /** y = alpha·op(A)·x + beta·y, A is [m,n] (so y has m entries, or n when transposed). */
  gemv(
    trans: boolean,
    m: number,
    n: number,
    alpha: number,
    a: FloatArray,
    aOff: number,
    lda: number,
    x: FloatArray,
    xOff: number,
    beta: number,
    y: FloatArray,
    yOff: number,
  ): void;

  /** A[m,n] += alpha·x·yᵀ (outer-product accumulate). */
  ger(
    m: number,
    n: number,
    alpha: number,
    x: FloatArray,
    xOff: number,
    y: FloatArray,
    yOff: number,
    a: FloatArray,
    aOff: number,
    lda: number,
  ): void;

  /** out[i] = tanh(x[i]) for n entries; out may alias x. */
  tanh(n: number, x: FloatArray, xOff: number, out: FloatArray, outOff: number): void;

  /** out[i] = 1 / (1 + exp(−x[i])) for n entries; out may alias x. */
  sigmoid(n: number, x: FloatArray, xOff: number, out: FloatArray, outOff: number): void;

  /**
   * Fused softmax + cross-entropy + gradient over `rows` rows of `cols` logits (stride cols):
   * returns Σ_rows −ln softmax(row)[target], and writes dLogits = scale·(softmax − onehot(target)).
   * dLogits may alias logits. A target of −1 marks a padded row: no loss, zero gradient.
   */
  softmaxCrossEntropy(
    rows: number,
    cols: number,
    logits: FloatArray,
    logitsOff: number,
    targets: Int32Array,
    targetsOff: number,
    scale: number,
    dLogits: FloatArray,
    dLogitsOff: number,
  ): number;

  // ---- Optional fused operations. A backend may leave any of them out; callers then use the
  // ---- reference implementation (see `referenceKernels`), which every backend must match.

  /** dst[cols, rows] = src[rows, cols]ᵀ; src has leading dimension ld, dst is dense (leading dimension rows). */
  transpose?(
    rows: number,
    cols: number,
    src: FloatArray,
    srcOff: number,
    ld: number,
    dst: FloatArray,
    dstOff: number,
  ): void;

  /** The largest |x[i]| over n entries (0 when n is 0); NaN when any entry is NaN. */
  absMax?(n: number, x: FloatArray, xOff: number): number;

  /**
   * Σ (x[i] / divisor)² in float64 over n entries, for an overflow-safe L2 norm (divisor = absMax).
   * A backend may compute it as Σ x[i]² / divisor² when that cannot overflow (float32 input).
   */
  scaledSumOfSquares?(n: number, x: FloatArray, xOff: number, divisor: number): number;

  /**
   * float32 only, and no reference version (callers check for it and fall back to absMax and
   * scaledSumOfSquares): in one pass, out[0] = absMax(n, x, xOff) and out[1] = Σ x[i]² in float64,
   * the sum whose division by d² is this backend's scaledSumOfSquares(n, x, xOff, d), bit for bit
   * for the backend's own arrays (others: within rounding).
   */
  absMaxAndSumOfSquares?(n: number, x: Float32Array, xOff: number, out: Float64Array): void;

  /** Clamps x[i] into [−limit, limit] in place; returns how many entries changed. */
  clamp?(n: number, x: FloatArray, xOff: number, limit: number): number;

  // ---- Optional fused model operations: the elementwise work around the products, so it runs in the
  // ---- same fast module. Each reference version is the model's former JS loop, operation for operation.

  /**
   * The one-hot input projection: out[r, :] = table[ids[r], :] + bias[:] for r < rows, over `cols`
   * columns; table is [tableRows, cols] and out [rows, cols], both dense. Every id must be in [0, tableRows).
   */
  gatherRows?(
    rows: number,
    cols: number,
    table: FloatArray,
    tableRows: number,
    ids: Int32Array,
    idsOff: number,
    bias: FloatArray,
    out: FloatArray,
    outOff: number,
  ): void;

  /** The gather's gradient: table[ids[r], :] += src[r, :] for r = 0, 1, …, rows−1 in that order; src [rows, cols] dense. */
  scatterAddRows?(
    rows: number,
    cols: number,
    src: FloatArray,
    srcOff: number,
    ids: Int32Array,
    idsOff: number,
    table: FloatArray,
    tableRows: number,
  ): void;

  /** m[r, :] += v[:] for every row of a dense [rows, cols] matrix (a bias added to a product). */
  addRowVector?(rows: number, cols: number, m: FloatArray, mOff: number, v: FloatArray): void;

  /** out[j] = Σ_r m[r, j], rows summed in order (a bias gradient); overwrites out[0..cols). */
  columnSums?(rows: number, cols: number, m: FloatArray, mOff: number, out: FloatArray): void;

  /** Backward through y = tanh(z) of a gradient arriving by two paths: out[i] = (a[i] + b[i])·(1 − y[i]²). */
  tanhBackward?(
    n: number,
    a: FloatArray,
    aOff: number,
    b: FloatArray,
    bOff: number,
    y: FloatArray,
    yOff: number,
    out: FloatArray,
    outOff: number,
  ): void;

  /**
   * One LSTM time step over `rows` rows (PyTorch gate order i, f, g, o). gates [rows, 4H] holds the
   * pre-activations and receives the activations; c' = f⊙c + i⊙g, tanhC = tanh(c'), h = o⊙tanhC.
   * c (previous cell state at cPrevOff, new one at cOff), tanhC and h are dense [rows, H] blocks.
   */
  lstmForward?(
    rows: number,
    H: number,
    gates: FloatArray,
    gatesOff: number,
    c: FloatArray,
    cPrevOff: number,
    cOff: number,
    tanhC: FloatArray,
    tanhCOff: number,
    h: FloatArray,
    hOff: number,
  ): void;

  /**
   * The LSTM step's backward: with dh = dOut + dhCarry and dc = dcCarry + dh⊙o⊙(1 − tanhC²), writes
   * dGates [rows, 4H] (gradients of the pre-activations) and replaces dcCarry with dc⊙f.
   * gates are the forward activations; cPrev, tanhC, dOut, dhCarry and dcCarry are dense [rows, H].
   */
  lstmBackward?(
    rows: number,
    H: number,
    gates: FloatArray,
    gatesOff: number,
    cPrev: FloatArray,
    cPrevOff: number,
    tanhC: FloatArray,
    tanhCOff: number,
    dOut: FloatArray,
    dOutOff: number,
    dhCarry: FloatArray,
    dcCarry: FloatArray,
    dGates: FloatArray,
    dGatesOff: number,
  ): void;

  /**
   * One GRU time step over `rows` rows (PyTorch gate order r, z, n): with xw [rows, 3H] the input
   * side and hProj [rows, 3H] = W_hh·h + b_hh, r = σ(xw_r + hProj_r), z = σ(xw_z + hProj_z),
   * n = tanh(xw_n + r⊙hProj_n), h = (1 − z)⊙n + z⊙hPrev. Writes gates [r|z|n], hn = hProj_n and h;
   * hPrev, hn and h are dense [rows, H] blocks (hPrev and h may share an array).
   */
  gruForward?(
    rows: number,
    H: number,
    xw: FloatArray,
    xwOff: number,
    hProj: FloatArray,
    gates: FloatArray,
    gatesOff: number,
    hn: FloatArray,
    hnOff: number,
    hPrev: FloatArray,
    hPrevOff: number,
    h: FloatArray,
    hOff: number,
  ): void;

  /**
   * The GRU step's backward: with dh = dOut + dhCarry, writes dXw and dHw [rows, 3H] (gradients of
   * the input-side and hidden-side pre-activations) and replaces dhCarry with dh⊙z (the direct path).
   */
  gruBackward?(
    rows: number,
    H: number,
    gates: FloatArray,
    gatesOff: number,
    hPrev: FloatArray,
    hPrevOff: number,
    hn: FloatArray,
    hnOff: number,
    dOut: FloatArray,
    dOutOff: number,
    dhCarry: FloatArray,
    dXw: FloatArray,
    dXwOff: number,
    dHw: FloatArray,
    dHwOff: number,
  ): void;

  // ---- Optional whole recurrences: a tanh RNN layer's T dependent steps in one call. At batch 1 a
  // ---- step is ~1 µs of arithmetic, as much as the calls around it. A backend without them gets
  // ---- the loop of its own gemm and tanh calls (see recurrence.ts), which they must equal.

  /**
   * The tanh RNN forward over `steps` steps: hs block t+1 = tanh(xw block t + hs block t · W_hhᵀ),
   * blocks [B, H] dense; hs holds steps+1 blocks from hsOff (block 0 is the incoming state).
   * weightHh [H, H] and its transpose weightHhT are both given: below RECURRENCE_DOT_ROWS rows the
   * product runs as dot products with W_hh's rows, from there as row updates with W_hhᵀ's.
   */
  rnnForwardSteps?(
    steps: number,
    B: number,
    H: number,
    xw: FloatArray,
    xwOff: number,
    weightHh: FloatArray,
    weightHhT: FloatArray,
    hs: FloatArray,
    hsOff: number,
  ): void;

  /**
   * Its backward, from step steps−1 down to 0: dXw block t = (dOut block t + dh) ⊙ (1 − (hs block t+1)²),
   * then dh = dXw block t · W_hh. dh [B, H] comes in as the gradient from after the window and leaves
   * as ∂loss/∂(hs block 0). Both weights as in rnnForwardSteps (the roles swap: dot products with W_hhᵀ's rows).
   */
  rnnBackwardSteps?(
    steps: number,
    B: number,
    H: number,
    dOut: FloatArray,
    dOutOff: number,
    hs: FloatArray,
    hsOff: number,
    weightHh: FloatArray,
    weightHhT: FloatArray,
    dh: FloatArray,
    dXw: FloatArray,
    dXwOff: number,
  ): void;

  // ---- Optional whole window of a first-layer tanh RNN (one-hot input, biases folded): at batch 1
  // ---- the window's ~20 small calls, two transposes of W_ih and the JS between them cost as much as
  // ---- the recurrence. A backend without them gets the calls of rnn-window.ts, which they must equal.

  /**
   * xw[r, :] = W_ih[:, ids[r]] + bias for the steps·B rows (W_ih [H, V]; bias [H] = b_ih + b_hh),
   * W_hhᵀ written into weightHhT, then rnnForwardSteps over xw into hs (block 0 the incoming state).
   * xw [steps·B, H] and hs [(steps+1)·B, H] dense from offset 0; every id must be in [0, V).
   * An empty window (steps, B or H is 0) changes nothing, in either direction.
   */
  rnnWindowForward?(
    steps: number,
    B: number,
    H: number,
    V: number,
    ids: Int32Array,
    idsOff: number,
    weightIh: FloatArray,
    bias: FloatArray,
    weightHh: FloatArray,
    weightHhT: FloatArray,
    xw: FloatArray,
    hs: FloatArray,
  ): void;

  /**
   * Its backward: dh = 0, rnnBackwardSteps (dh leaves as ∂loss/∂(hs block 0)), b_hh.grad and
   * b_ih.grad = Σ_rows dXw, and W_ih.grad = the scatter of dXw's rows into the columns ids name
   * (zeroed first, rows added in order). W_hh.grad is left to the caller (a plain product).
   */
  rnnWindowBackward?(
    steps: number,
    B: number,
    H: number,
    V: number,
    dOut: FloatArray,
    hs: FloatArray,
    weightHh: FloatArray,
    weightHhT: FloatArray,
    dh: FloatArray,
    dXw: FloatArray,
    ids: Int32Array,
    idsOff: number,
    weightIhGrad: FloatArray,
    biasIhGrad: FloatArray,
    biasHhGrad: FloatArray,
  ): void;

  /** Adagrad: mem[i] += g[i]²; value[i] −= lr·g[i] / √(mem[i] + eps), over n entries of same-dtype arrays. */
  adagrad?(n: number, value: FloatArray, grad: FloatArray, mem: FloatArray, lr: number, eps: number): void;
}

/** A backend with every optional operation present (see completeKernels). */
export type CompleteKernels = Kernels & Required<Omit<Kernels, 'name' | 'threads' | 'close' | 'absMaxAndSumOfSquares'>>;
