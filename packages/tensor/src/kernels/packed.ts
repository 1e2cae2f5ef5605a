// A gemm operand packed once for many products. A window's T recurrent products all read the same
// W_hh; a blocked gemm copies its operand into panels on every call, so a backend may lay it out once
// per window instead (`allocPacked` once per layer, `packB` once per window, `gemmPacked` each step).
// The default layout, 'source', copies nothing: packB remembers where op(B) lies and gemmPacked is
// the backend's own gemm on it — what every backend without a packed layout of its own gets.

import type { Dtype, FloatArray } from '../dtype.js';
import type { Kernels } from './kernels.js';

/** op(B) [k, n], laid out by the backend that allocated it; only that backend's packB and gemmPacked read it. */
export interface PackedOperand {
  readonly dtype: Dtype;
  /** op(B) is [k, n]. */
  readonly k: number;
  readonly n: number;
  /** 'source' (op(B) read where packB found it), or the name of a backend's own layout ('native'). */
  readonly layout: string;
  /** The backend's packed copy (empty for 'source'). */
  readonly data: FloatArray;
  /** Where op(B) lay when packB last ran: B, its offset, leading dimension and transpose flag. */
  source: FloatArray | null;
  sourceOff: number;
  ld: number;
  trans: boolean;
}

/** A 'source' operand for op(B) [k, n] (no storage of its own). */
export function sourceOperand(dtype: Dtype, k: number, n: number): PackedOperand {
  checkDims('allocPacked', k, n);
  return { dtype, k, n, layout: 'source', data: new Float64Array(0), source: null, sourceOff: 0, ld: 0, trans: false };
}

export function checkDims(fn: string, ...dims: number[]): void {
  for (const d of dims)
    if (!(Number.isInteger(d) && d >= 0))
      throw new RangeError(`${fn}: dimensions must be non-negative integers, got ${d}`);
}

/** Checks that `packed` holds an op(B) of [k, n] that packB has filled, for gemmPacked. */
export function checkPacked(fn: string, packed: PackedOperand, k: number, n: number): void {
  checkPackedShape(fn, packed, k, n);
  if (packed.source === null)
    throw new RangeError(`${fn}: the packed operand must be filled by packB first, got an empty one`);
}

function checkPackedShape(fn: string, packed: PackedOperand, k: number, n: number): void {
  if (packed.k !== k || packed.n !== n)
    throw new RangeError(`${fn}: the packed operand must be [k, n] = [${k}, ${n}], got [${packed.k}, ${packed.n}]`);
}

/** Records where op(B) lies (every layout does: the shape and dtype checks read it). */
export function rememberSource(
  fn: string,
  transB: boolean,
  k: number,
  n: number,
  b: FloatArray,
  bOff: number,
  ldb: number,
  packed: PackedOperand,
): void {
  checkPackedShape(fn, packed, k, n);
  if ((b instanceof Float32Array ? 'f32' : 'f64') !== packed.dtype)
    throw new TypeError(`${fn}: B must have the packed operand's dtype ${packed.dtype}, got another`);
  packed.source = b;
  packed.sourceOff = bOff;
  packed.ld = ldb;
  packed.trans = transB;
}

/** gemmPacked on a 'source' operand: `kernels`' own gemm on op(B) where it lies (so the same bits as that gemm). */
export function gemmPackedWith(
  kernels: Pick<Kernels, 'gemm'>,
  transA: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  aOff: number,
  lda: number,
  b: PackedOperand,
  beta: number,
  c: FloatArray,
  cOff: number,
  ldc: number,
): void {
  checkPacked('gemmPacked', b, k, n);
  checkSourceLayout('gemmPacked', b);
  kernels.gemm(transA, b.trans, m, n, k, alpha, a, aOff, lda, b.source!, b.sourceOff, b.ld, beta, c, cOff, ldc);
}

/** A 'source' backend can only use operands of its own layout (another backend's panels mean nothing to it). */
function checkSourceLayout(fn: string, packed: PackedOperand): void {
  if (packed.layout !== 'source')
    throw new TypeError(
      `${fn}: the packed operand must come from this backend's allocPacked, got layout ${packed.layout}`,
    );
}

/** packB for a 'source' operand: nothing to copy. */
export function packSource(
  transB: boolean,
  k: number,
  n: number,
  b: FloatArray,
  bOff: number,
  ldb: number,
  packed: PackedOperand,
): void {
  checkSourceLayout('packB', packed);
  rememberSource('packB', transB, k, n, b, bOff, ldb, packed);
}
