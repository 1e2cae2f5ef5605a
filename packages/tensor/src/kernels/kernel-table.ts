// Every kernel of the seam, declared once: its arguments in call order with their roles and shapes,
// whether a backend may leave it out, and the names of its WebAssembly exports. The `Kernels`
// interface (kernels.generated.ts) and the wasm backend's bindings (@charrnn/kernels-wasm) are
// generated from this table (`npm run generate -w @charrnn/tensor`), and the table-driven
// conformance suite feeds every kernel inputs of the declared shapes on every backend.
//
// Shapes are expressions over the kernel's integer arguments: names, integers, `*` and `+`
// (e.g. 'steps*B+B', '4*H'). Dimension letters as in the models: B batch, H hidden, V vocabulary.

/** A dimension: an expression over the kernel's int arguments (names, integers, `*`, `+`). */
export type Dim = string;

export type KernelArg =
  /** A count or dimension; passed to the wasm export unless `passed` is false (then it only sizes other arguments). */
  | { readonly role: 'int'; readonly name: string; readonly passed?: boolean }
  /** A boolean, passed to the wasm export as 0 or 1. */
  | { readonly role: 'flag'; readonly name: string }
  /** A float64 number (alpha, a learning rate). */
  | { readonly role: 'scalar'; readonly name: string }
  /**
   * A float array holding a [rows, cols] matrix with leading dimension ld (default cols) from each of
   * `offsets` (each an int argument that follows the array; none: from 0). A vector is 1 × length.
   * `type` narrows the array type where a kernel is for one dtype only.
   */
  | {
      readonly role: 'matrix';
      readonly name: string;
      readonly rows: Dim;
      readonly cols: Dim;
      readonly ld?: Dim;
      readonly offsets: readonly string[];
      readonly type?: 'Float32Array' | 'Float64Array';
    }
  /**
   * A PackedOperand (packed.ts) holding op(B) [rows, cols], laid out by the backend that allocated it
   * (`allocPacked`); only hand-written kernels take one.
   */
  | { readonly role: 'packed'; readonly name: string; readonly rows: Dim; readonly cols: Dim }
  /** Int32 ids at an offset, `length` of them, each in [min, below) (min 0, or −1 for a padded target). */
  | {
      readonly role: 'ids';
      readonly name: string;
      readonly length: Dim;
      readonly below: Dim;
      readonly min: number;
      readonly offset: string;
    };

export interface KernelSpec {
  /** What it computes, in one or a few sentences; the doc comment of the generated method. */
  readonly doc: string;
  readonly args: readonly KernelArg[];
  readonly returns: 'void' | 'number';
  /** A backend may leave it out; callers then use completeKernels (the reference loop, or this backend's own steps). */
  readonly optional: boolean;
  /**
   * 'generated': the wasm binding is generated (guards, shape checks, byte addresses, f32/f64 export);
   * 'hand-written': the backend writes it (a gemm with packing and native/threads, whole recurrences).
   */
  readonly wasm: 'generated' | 'hand-written';
  /** The export's base name in kernels.as (`<base>_f32`, `<base>_f64`). */
  readonly export: string;
  /** Dtypes with an export (default both); a kernel for one dtype has no reference version. */
  readonly dtypes?: readonly ('f32' | 'f64')[];
  /** Generated bindings return early (0 for a number) when any of these is 0 (default: every int argument sizing a matrix). */
  readonly emptyWhen?: readonly string[];
  /** Elementwise over its first argument n: the two-thread backend may cut it in two ('max' joins two results by maxOrNaN). */
  readonly split?: 'elementwise' | 'max';
  /** Only for tests (the done-when proof of the table): not part of `Kernels`, never called by a model. */
  readonly testOnly?: boolean;
  /**
   * Called with one argument object (`KernelArgs[name]`) instead of a long positional list. A caller
   * creates the object once per layer and window and updates the offsets in its time loop, so a
   * step allocates nothing. The BLAS kernels keep BLAS's positional order.
   */
  readonly named?: boolean;
}

// Builders that keep a table line short. An offset named `<array>Off` follows its array.
const int = (name: string): KernelArg => ({ role: 'int', name });
const sizeOnly = (name: string): KernelArg => ({ role: 'int', name, passed: false });
const flag = (name: string): KernelArg => ({ role: 'flag', name });
const scalar = (name: string): KernelArg => ({ role: 'scalar', name });
/** A [rows, cols] matrix at `<name>Off` (dense unless ld is given); `at: false` for one from offset 0. */
const mat = (
  name: string,
  rows: Dim,
  cols: Dim,
  opts: { ld?: Dim; at?: false | readonly string[] } = {},
): KernelArg => ({
  role: 'matrix',
  name,
  rows,
  cols,
  ...(opts.ld === undefined ? {} : { ld: opts.ld }),
  offsets: opts.at === false ? [] : (opts.at ?? [`${name}Off`]),
});
/** A vector of `length` entries at `<name>Off`, or from 0 with at: false. */
const vec = (name: string, length: Dim, opts: { at?: false } = {}): KernelArg => mat(name, '1', length, opts);
const ids = (name: string, length: Dim, below: Dim, min = 0): KernelArg => ({
  role: 'ids',
  name,
  length,
  below,
  min,
  offset: `${name}Off`,
});

const base = { returns: 'void', optional: true, wasm: 'generated' } as const;

export const KERNEL_TABLE = {
  // Hand-written bindings: gemm and gemv check op(A)'s and op(B)'s shapes themselves; the shapes here
  // are those without the transposes, and document the arguments (the table suite skips these).
  gemm: {
    ...base,
    optional: false,
    wasm: 'hand-written',
    export: 'gemm',
    doc: "C[m,n] = alpha·op(A)·op(B) + beta·C, where op(A) is [m,k] and op(B) is [k,n]. beta = 0 ignores C's contents.",
    args: [
      flag('transA'),
      flag('transB'),
      int('m'),
      int('n'),
      int('k'),
      scalar('alpha'),
      mat('a', 'm', 'k', { ld: 'lda' }),
      int('lda'),
      mat('b', 'k', 'n', { ld: 'ldb' }),
      int('ldb'),
      scalar('beta'),
      mat('c', 'm', 'n', { ld: 'ldc' }),
      int('ldc'),
    ],
  },
  gemv: {
    ...base,
    optional: false,
    wasm: 'hand-written',
    export: 'gemv',
    doc: 'y = alpha·op(A)·x + beta·y, A is [m,n] (so y has m entries, or n when transposed).',
    args: [
      flag('trans'),
      int('m'),
      int('n'),
      scalar('alpha'),
      mat('a', 'm', 'n', { ld: 'lda' }),
      int('lda'),
      vec('x', 'n'),
      scalar('beta'),
      vec('y', 'm'),
    ],
  },
  // The prepacked-operand pair: the recurrent products of a window read the same W_hh T times, so a
  // backend may lay it out once (packB) and skip its per-call packing (gemmPacked). Hand-written: the
  // layout is the backend's ('source' — no copy, the backend's own gemm — unless it has its own).
  packB: {
    ...base,
    wasm: 'hand-written',
    export: 'pack_b',
    doc:
      "Lays out op(B) [k, n] (B, or Bᵀ's storage when transB) in `packed` (from this backend's allocPacked\n" +
      "for [k, n]) for gemmPacked. Copies B when the layout is the backend's own: pack again after B changes.",
    args: [
      flag('transB'),
      int('k'),
      int('n'),
      mat('b', 'k', 'n', { ld: 'ldb' }),
      int('ldb'),
      { role: 'packed', name: 'packed', rows: 'k', cols: 'n' },
    ],
  },
  gemmPacked: {
    ...base,
    wasm: 'hand-written',
    export: 'gemm_packed',
    doc:
      'C[m,n] = alpha·op(A)·op(B) + beta·C with op(B) [k, n] from packB: the same bits as gemm on the B\n' +
      'packB read (for the m the operand was allocated for). beta = 0 ignores C.',
    args: [
      flag('transA'),
      int('m'),
      int('n'),
      int('k'),
      scalar('alpha'),
      mat('a', 'm', 'k', { ld: 'lda' }),
      int('lda'),
      { role: 'packed', name: 'b', rows: 'k', cols: 'n' },
      scalar('beta'),
      mat('c', 'm', 'n', { ld: 'ldc' }),
      int('ldc'),
    ],
  },
  ger: {
    ...base,
    optional: false,
    export: 'ger',
    doc: 'A[m,n] += alpha·x·yᵀ (outer-product accumulate).',
    args: [
      int('m'),
      int('n'),
      scalar('alpha'),
      vec('x', 'm'),
      vec('y', 'n'),
      mat('a', 'm', 'n', { ld: 'lda' }),
      int('lda'),
    ],
    emptyWhen: [],
  },
  tanh: {
    ...base,
    optional: false,
    export: 'tanh',
    split: 'elementwise',
    doc: 'out[i] = tanh(x[i]) for n entries; out may alias x.',
    args: [int('n'), vec('x', 'n'), vec('out', 'n')],
  },
  sigmoid: {
    ...base,
    optional: false,
    export: 'sigmoid',
    doc: 'out[i] = 1 / (1 + exp(−x[i])) for n entries; out may alias x.',
    args: [int('n'), vec('x', 'n'), vec('out', 'n')],
  },
  softmaxCrossEntropy: {
    ...base,
    optional: false,
    returns: 'number',
    export: 'softmax_xent',
    doc:
      'Fused softmax + cross-entropy + gradient over `rows` rows of `cols` logits (stride cols):\n' +
      'returns Σ_rows −ln softmax(row)[target], and writes dLogits = scale·(softmax − onehot(target)).\n' +
      'dLogits may alias logits. A target of −1 marks a padded row: no loss, zero gradient.',
    args: [
      int('rows'),
      int('cols'),
      mat('logits', 'rows', 'cols'),
      ids('targets', 'rows', 'cols', -1),
      scalar('scale'),
      mat('dLogits', 'rows', 'cols'),
    ],
  },
  transpose: {
    ...base,
    export: 'transpose',
    doc: 'dst[cols, rows] = src[rows, cols]ᵀ; src has leading dimension ld, dst is dense (leading dimension rows).',
    args: [int('rows'), int('cols'), mat('src', 'rows', 'cols', { ld: 'ld' }), int('ld'), mat('dst', 'cols', 'rows')],
  },
  absMax: {
    ...base,
    returns: 'number',
    export: 'abs_max',
    split: 'max',
    emptyWhen: [],
    doc: 'The largest |x[i]| over n entries (0 when n is 0); NaN when any entry is NaN.',
    args: [int('n'), vec('x', 'n')],
  },
  scaledSumOfSquares: {
    ...base,
    returns: 'number',
    export: 'scaled_sum_squares',
    emptyWhen: [],
    doc:
      'Σ (x[i] / divisor)² in float64 over n entries, for an overflow-safe L2 norm (divisor = absMax).\n' +
      'A backend may compute it as Σ x[i]² / divisor² when that cannot overflow (float32 input).',
    args: [int('n'), vec('x', 'n'), scalar('divisor')],
  },
  absMaxAndSumOfSquares: {
    ...base,
    wasm: 'hand-written',
    export: 'abs_max_sum_squares',
    dtypes: ['f32'],
    doc:
      'float32 only, and no reference version (callers check for it and fall back to absMax and\n' +
      'scaledSumOfSquares): in one pass, out[0] = absMax(n, x, xOff) and out[1] = Σ x[i]² in float64,\n' +
      "the sum whose division by d² is this backend's scaledSumOfSquares(n, x, xOff, d), bit for bit\n" +
      "for the backend's own arrays (others: within rounding).",
    args: [
      int('n'),
      { role: 'matrix', name: 'x', rows: '1', cols: 'n', offsets: ['xOff'], type: 'Float32Array' },
      { role: 'matrix', name: 'out', rows: '1', cols: '2', offsets: [], type: 'Float64Array' },
    ],
  },
  clamp: {
    ...base,
    returns: 'number',
    export: 'clamp',
    emptyWhen: [],
    doc: 'Clamps x[i] into [−limit, limit] in place; returns how many entries changed.',
    args: [int('n'), vec('x', 'n'), scalar('limit')],
  },
  gatherRows: {
    ...base,
    export: 'gather_rows',
    emptyWhen: ['rows', 'cols'],
    doc:
      'The one-hot input projection: out[r, :] = table[ids[r], :] + bias[:] for r < rows, over `cols`\n' +
      'columns; table is [tableRows, cols] and out [rows, cols], both dense. Every id must be in [0, tableRows).',
    args: [
      int('rows'),
      int('cols'),
      mat('table', 'tableRows', 'cols', { at: false }),
      sizeOnly('tableRows'),
      ids('ids', 'rows', 'tableRows'),
      vec('bias', 'cols', { at: false }),
      mat('out', 'rows', 'cols'),
    ],
  },
  scatterAddRows: {
    ...base,
    export: 'scatter_add_rows',
    emptyWhen: ['rows', 'cols'],
    doc: "The gather's gradient: table[ids[r], :] += src[r, :] for r = 0, 1, …, rows−1 in that order; src [rows, cols] dense.",
    args: [
      int('rows'),
      int('cols'),
      mat('src', 'rows', 'cols'),
      ids('ids', 'rows', 'tableRows'),
      mat('table', 'tableRows', 'cols', { at: false }),
      sizeOnly('tableRows'),
    ],
  },
  addRowVector: {
    ...base,
    export: 'add_row_vector',
    doc: 'm[r, :] += v[:] for every row of a dense [rows, cols] matrix (a bias added to a product).',
    args: [int('rows'), int('cols'), mat('m', 'rows', 'cols'), vec('v', 'cols', { at: false })],
  },
  columnSums: {
    ...base,
    export: 'column_sums',
    // rows = 0 still zeroes out.
    emptyWhen: ['cols'],
    doc: 'out[j] = Σ_r m[r, j], rows summed in order (a bias gradient); overwrites out[0..cols).',
    args: [int('rows'), int('cols'), mat('m', 'rows', 'cols'), vec('out', 'cols', { at: false })],
  },
  tanhBackward: {
    ...base,
    export: 'tanh_backward',
    split: 'elementwise',
    doc: 'Backward through y = tanh(z) of a gradient arriving by two paths: out[i] = (a[i] + b[i])·(1 − y[i]²).',
    args: [int('n'), vec('a', 'n'), vec('b', 'n'), vec('y', 'n'), vec('out', 'n')],
  },
  lstmForward: {
    ...base,
    named: true,
    export: 'lstm_forward',
    doc:
      'One LSTM time step over `rows` rows (PyTorch gate order i, f, g, o). gates [rows, 4H] holds the\n' +
      "pre-activations and receives the activations; c' = f⊙c + i⊙g, tanhC = tanh(c'), h = o⊙tanhC.\n" +
      'c (previous cell state at cPrevOff, new one at cOff), tanhC and h are dense [rows, H] blocks.',
    args: [
      int('rows'),
      int('H'),
      mat('gates', 'rows', '4*H'),
      mat('c', 'rows', 'H', { at: ['cPrevOff', 'cOff'] }),
      mat('tanhC', 'rows', 'H'),
      mat('h', 'rows', 'H'),
    ],
  },
  lstmBackward: {
    ...base,
    named: true,
    export: 'lstm_backward',
    doc:
      "The LSTM step's backward: with dh = dOut + dhCarry and dc = dcCarry + dh⊙o⊙(1 − tanhC²), writes\n" +
      'dGates [rows, 4H] (gradients of the pre-activations) and replaces dcCarry with dc⊙f.\n' +
      'gates are the forward activations; cPrev, tanhC, dOut, dhCarry and dcCarry are dense [rows, H].',
    args: [
      int('rows'),
      int('H'),
      mat('gates', 'rows', '4*H'),
      mat('cPrev', 'rows', 'H'),
      mat('tanhC', 'rows', 'H'),
      mat('dOut', 'rows', 'H'),
      mat('dhCarry', 'rows', 'H', { at: false }),
      mat('dcCarry', 'rows', 'H', { at: false }),
      mat('dGates', 'rows', '4*H'),
    ],
  },
  gruForward: {
    ...base,
    named: true,
    export: 'gru_forward',
    doc:
      'One GRU time step over `rows` rows (PyTorch gate order r, z, n): with xw [rows, 3H] the input\n' +
      'side and hProj [rows, 3H] = W_hh·h + b_hh, r = σ(xw_r + hProj_r), z = σ(xw_z + hProj_z),\n' +
      'n = tanh(xw_n + r⊙hProj_n), h = (1 − z)⊙n + z⊙hPrev. Writes gates [r|z|n], hn = hProj_n and h;\n' +
      'hPrev, hn and h are dense [rows, H] blocks (hPrev and h may share an array).',
    args: [
      int('rows'),
      int('H'),
      mat('xw', 'rows', '3*H'),
      mat('hProj', 'rows', '3*H', { at: false }),
      mat('gates', 'rows', '3*H'),
      mat('hn', 'rows', 'H'),
      mat('hPrev', 'rows', 'H'),
      mat('h', 'rows', 'H'),
    ],
  },
  gruBackward: {
    ...base,
    named: true,
    export: 'gru_backward',
    doc:
      "The GRU step's backward: with dh = dOut + dhCarry, writes dXw and dHw [rows, 3H] (gradients of\n" +
      'the input-side and hidden-side pre-activations) and replaces dhCarry with dh⊙z (the direct path).',
    args: [
      int('rows'),
      int('H'),
      mat('gates', 'rows', '3*H'),
      mat('hPrev', 'rows', 'H'),
      mat('hn', 'rows', 'H'),
      mat('dOut', 'rows', 'H'),
      mat('dhCarry', 'rows', 'H', { at: false }),
      mat('dXw', 'rows', '3*H'),
      mat('dHw', 'rows', '3*H'),
    ],
  },
  rnnForwardSteps: {
    ...base,
    named: true,
    wasm: 'hand-written',
    export: 'rnn_forward_steps',
    doc:
      'The tanh RNN forward over `steps` steps: hs block t+1 = tanh(xw block t + hs block t · W_hhᵀ),\n' +
      'blocks [B, H] dense; hs holds steps+1 blocks from hsOff (block 0 is the incoming state).\n' +
      'weightHh [H, H] and its transpose weightHhT are both given: below RECURRENCE_DOT_ROWS rows the\n' +
      "product runs as dot products with W_hh's rows, from there as row updates with W_hhᵀ's.",
    args: [
      int('steps'),
      int('B'),
      int('H'),
      mat('xw', 'steps*B', 'H'),
      mat('weightHh', 'H', 'H', { at: false }),
      mat('weightHhT', 'H', 'H', { at: false }),
      mat('hs', 'steps*B+B', 'H'),
    ],
  },
  rnnBackwardSteps: {
    ...base,
    named: true,
    wasm: 'hand-written',
    export: 'rnn_backward_steps',
    doc:
      'Its backward, from step steps−1 down to 0: dXw block t = (dOut block t + dh) ⊙ (1 − (hs block t+1)²),\n' +
      'then dh = dXw block t · W_hh. dh [B, H] comes in as the gradient from after the window and leaves\n' +
      "as ∂loss/∂(hs block 0). Both weights as in rnnForwardSteps (the roles swap: dot products with W_hhᵀ's rows).",
    args: [
      int('steps'),
      int('B'),
      int('H'),
      mat('dOut', 'steps*B', 'H'),
      mat('hs', 'steps*B+B', 'H'),
      mat('weightHh', 'H', 'H', { at: false }),
      mat('weightHhT', 'H', 'H', { at: false }),
      mat('dh', 'B', 'H', { at: false }),
      mat('dXw', 'steps*B', 'H'),
    ],
  },
  rnnWindowForward: {
    ...base,
    named: true,
    wasm: 'hand-written',
    export: 'rnn_window_forward',
    doc:
      'xw[r, :] = W_ih[:, ids[r]] + bias for the steps·B rows (W_ih [H, V]; bias [H] = b_ih + b_hh),\n' +
      'W_hhᵀ written into weightHhT, then rnnForwardSteps over xw into hs (block 0 the incoming state).\n' +
      'xw [steps·B, H] and hs [(steps+1)·B, H] dense from offset 0; every id must be in [0, V).\n' +
      'An empty window (steps, B or H is 0) changes nothing, in either direction.',
    args: [
      int('steps'),
      int('B'),
      int('H'),
      int('V'),
      ids('ids', 'steps*B', 'V'),
      mat('weightIh', 'H', 'V', { at: false }),
      vec('bias', 'H', { at: false }),
      mat('weightHh', 'H', 'H', { at: false }),
      mat('weightHhT', 'H', 'H', { at: false }),
      mat('xw', 'steps*B', 'H', { at: false }),
      mat('hs', 'steps*B+B', 'H', { at: false }),
    ],
  },
  rnnWindowBackward: {
    ...base,
    named: true,
    wasm: 'hand-written',
    export: 'rnn_window_backward',
    doc:
      'Its backward: dh = 0, rnnBackwardSteps (dh leaves as ∂loss/∂(hs block 0)), b_hh.grad and\n' +
      "b_ih.grad = Σ_rows dXw, and W_ih.grad = the scatter of dXw's rows into the columns ids name\n" +
      '(zeroed first, rows added in order). W_hh.grad is left to the caller (a plain product).',
    args: [
      int('steps'),
      int('B'),
      int('H'),
      int('V'),
      mat('dOut', 'steps*B', 'H', { at: false }),
      mat('hs', 'steps*B+B', 'H', { at: false }),
      mat('weightHh', 'H', 'H', { at: false }),
      mat('weightHhT', 'H', 'H', { at: false }),
      mat('dh', 'B', 'H', { at: false }),
      mat('dXw', 'steps*B', 'H', { at: false }),
      ids('ids', 'steps*B', 'V'),
      mat('weightIhGrad', 'H', 'V', { at: false }),
      vec('biasIhGrad', 'H', { at: false }),
      vec('biasHhGrad', 'H', { at: false }),
    ],
  },
  adagrad: {
    ...base,
    export: 'adagrad',
    split: 'elementwise',
    doc: 'Adagrad: mem[i] += g[i]²; value[i] −= lr·g[i] / √(mem[i] + eps), over n entries of same-dtype arrays.',
    args: [
      int('n'),
      vec('value', 'n', { at: false }),
      vec('grad', 'n', { at: false }),
      vec('mem', 'n', { at: false }),
      scalar('lr'),
      scalar('eps'),
    ],
  },
  // The table's own proof (see README "How to add a kernel"): a fused kernel added the way a new one
  // is — this line, a reference loop (test-kernels.ts) and an AssemblyScript function (kernels.as).
  scaledAddTestOnly: {
    ...base,
    testOnly: true,
    export: 'scaled_add_test_only',
    doc: 'Test only: out[r, :] = alpha·x[r, :] + y[:] over a dense [rows, cols] block (x and out may alias).',
    args: [
      int('rows'),
      int('cols'),
      scalar('alpha'),
      mat('x', 'rows', 'cols'),
      vec('y', 'cols', { at: false }),
      mat('out', 'rows', 'cols'),
    ],
  },
} as const satisfies Record<string, KernelSpec>;

export type KernelName = keyof typeof KERNEL_TABLE;
