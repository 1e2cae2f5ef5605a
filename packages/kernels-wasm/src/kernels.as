// AssemblyScript source of the WebAssembly SIMD kernels (f32x4 and f64x2), compiled by
// build-wasm.mjs into kernels-wasm.generated.ts. The file is named .as so the TypeScript
// checker skips it; the build copies it to a .ts file for asc. Pointers are byte addresses
// into the shared memory; strides and sizes are in elements. One generic body per kernel,
// specialized by `sizeof<T>()`, which asc folds at compile time.

// ---- vector helpers: T is f32 (4 lanes) or f64 (2 lanes) ----

@inline function splatT<T>(x: f64): v128 {
  if (sizeof<T>() == 4) return f32x4.splat(<f32>x);
  return f64x2.splat(x);
}

@inline function vadd<T>(a: v128, b: v128): v128 {
  if (sizeof<T>() == 4) return f32x4.add(a, b);
  return f64x2.add(a, b);
}

@inline function vmul<T>(a: v128, b: v128): v128 {
  if (sizeof<T>() == 4) return f32x4.mul(a, b);
  return f64x2.mul(a, b);
}

@inline function vmax<T>(a: v128, b: v128): v128 {
  if (sizeof<T>() == 4) return f32x4.max(a, b);
  return f64x2.max(a, b);
}

@inline function hsum<T>(v: v128): f64 {
  if (sizeof<T>() == 4) {
    return <f64>(f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3)));
  }
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

@inline function hmax<T>(v: v128): f64 {
  if (sizeof<T>() == 4) {
    return <f64>max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
  }
  return max(f64x2.extract_lane(v, 0), f64x2.extract_lane(v, 1));
}

@inline function loadF<T>(p: usize): f64 {
  return <f64>load<T>(p);
}

@inline function storeF<T>(p: usize, x: f64): void {
  if (sizeof<T>() == 4) store<f32>(p, <f32>x);
  else store<f64>(p, x);
}

/** Loads one element and broadcasts it to every lane (v128.load32_splat: a single broadcast load on x86). */
@inline function loadSplat<T>(p: usize): v128 {
  if (sizeof<T>() == 4) return v128.load32_splat(p);
  return v128.load64_splat(p);
}

/** C block store: alpha·acc + beta·C, never reading C when beta is 0 (so NaN there is ignored). */
@inline function storeC<T>(p: usize, acc: v128, alphaV: v128, betaZero: bool, betaV: v128): void {
  if (betaZero) v128.store(p, vmul<T>(acc, alphaV));
  else v128.store(p, vadd<T>(vmul<T>(acc, alphaV), vmul<T>(v128.load(p), betaV)));
}

/** Below this many rows of A, a transposed-B gemm runs as row-by-row dot products instead of packing B. */
const DOT_ROWS: i32 = 4;

/**
 * dst[cols, rows] = src[rows, cols]ᵀ (src leading dimension ld, dst dense), in 4×4 (f32) or
 * 2×2 (f64) register blocks, so both sides are read and written a vector at a time.
 */
function transposeInto<T>(rows: i32, cols: i32, src: usize, ld: i32, dst: usize): void {
  const sz = sizeof<T>();
  const L: i32 = sizeof<T>() == 4 ? 4 : 2;
  const sS = <usize>ld * sz;
  const sD = <usize>rows * sz;
  let r = 0;
  for (; r + L <= rows; r += L) {
    const s0 = src + <usize>r * sS;
    let q = 0;
    for (; q + L <= cols; q += L) {
      const ps = s0 + <usize>q * sz;
      const pd = dst + <usize>q * sD + <usize>r * sz;
      if (sizeof<T>() == 4) {
        const r0 = v128.load(ps), r1 = v128.load(ps + sS), r2 = v128.load(ps + 2 * sS), r3 = v128.load(ps + 3 * sS);
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
        const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        v128.store(pd, v128.shuffle<f64>(t0, t2, 0, 2));
        v128.store(pd + sD, v128.shuffle<f64>(t0, t2, 1, 3));
        v128.store(pd + 2 * sD, v128.shuffle<f64>(t1, t3, 0, 2));
        v128.store(pd + 3 * sD, v128.shuffle<f64>(t1, t3, 1, 3));
      } else {
        const r0 = v128.load(ps), r1 = v128.load(ps + sS);
        v128.store(pd, v128.shuffle<f64>(r0, r1, 0, 2));
        v128.store(pd + sD, v128.shuffle<f64>(r0, r1, 1, 3));
      }
    }
    for (; q < cols; q++) {
      for (let x = 0; x < L; x++) {
        store<T>(dst + <usize>q * sD + <usize>(r + x) * sz, load<T>(s0 + <usize>x * sS + <usize>q * sz));
      }
    }
  }
  for (; r < rows; r++) {
    const s0 = src + <usize>r * sS;
    for (let q = 0; q < cols; q++) store<T>(dst + <usize>q * sD + <usize>r * sz, load<T>(s0 + <usize>q * sz));
  }
}

// ---- gemm: C[m,n] = alpha·op(A)·op(B) + beta·C ----
// A 4-row × 2-vector register tile (8 accumulators) fits V8's vector registers without spills.
// op(A) is read by scalar strides, so transA costs nothing; op(B) must have contiguous rows, so
// a transposed B is first packed into `scratch` (k·n elements), and a transposed A with at least
// 4 rows is transposed into the m·kc elements after it (see gemmScratchElements in wasm-kernels.ts).

/** k-block length: a long inner dimension is cut into blocks whose A and B panels stay in cache (weight gradients sum over T·B rows). */
const KC: i32 = 256;

function gemm<T>(
  transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: f64,
  a: usize, lda: i32, b: usize, ldb: i32, beta: f64, c: usize, ldc: i32, scratch: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k > 2 * KC && !transB) {
    // C = alpha·A₀B₀ + beta·C, then C += alpha·AᵢBᵢ for each further block of the inner dimension.
    // Equal blocks of at most KC (800 → 4 × 200, not 3 × 256 + 32: a short last block pays a full
    // pass over C for little work).
    const sz = sizeof<T>();
    const blocks = (k + KC - 1) / KC;
    const step = (k + blocks - 1) / blocks;
    for (let p = 0; p < k; p += step) {
      const kc = min(step, k - p);
      const pa = a + <usize>(transA ? p * lda : p) * sz;
      const pb = b + <usize>(p * ldb) * sz;
      gemmBlock<T>(transA, 0, m, n, kc, alpha, pa, lda, pb, ldb, p == 0 ? beta : 1, c, ldc, scratch);
    }
    return;
  }
  gemmBlock<T>(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, scratch);
}

/** Row length (bytes) of a transposed A from which gemm copies it into plain layout first. */
const TRANSPOSE_A_BYTES: usize = 2048;

function gemmBlock<T>(
  transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: f64,
  a: usize, lda: i32, b: usize, ldb: i32, beta: f64, c: usize, ldc: i32, scratch: usize,
): void {
  const sz = sizeof<T>();
  const L: i32 = sizeof<T>() == 4 ? 4 : 2;
  if (transB) {
    // A few rows of a plain A: dot products of contiguous rows need no packing (the recurrence at batch 1).
    if (!transA && m < DOT_ROWS) {
      for (let i = 0; i < m; i++) {
        gemvN<T>(n, k, alpha, b, ldb, a + <usize>(i * lda) * sz, beta, c + <usize>(i * ldc) * sz);
      }
      return;
    }
    transposeInto<T>(n, k, b, ldb, scratch);
    b = scratch;
    ldb = n;
    scratch += <usize>n * <usize>k * sz;
  }
  if (!transA && m < DOT_ROWS) {
    // C row i = A row i · B: row updates, the same summation order as a row of the tiled kernel.
    for (let i = 0; i < m; i++) {
      gemvT<T>(k, n, alpha, b, ldb, a + <usize>(i * lda) * sz, beta, c + <usize>(i * ldc) * sz);
    }
    return;
  }
  if (transA && m >= 4 && <usize>lda * sz >= TRANSPOSE_A_BYTES) {
    // A transposed A with long rows (a weight gradient: k = T·B rows, lda apart) is transposed
    // into scratch first: read through strides, successive p sit on cache lines lda apart, and
    // with lda a multiple of 512 bytes those lines compete for the same few L1 sets (512×512×800:
    // 47 → 52 GFLOP/s). With short rows the strided reads are fine and the copy costs more
    // (100×100×800 ran 57 → 47).
    transposeInto<T>(k, m, a, lda, scratch);
    a = scratch;
    lda = k;
    transA = 0;
    scratch += <usize>m * <usize>k * sz;
  }
  const sAi = (transA ? <usize>1 : <usize>lda) * sz;
  const sAp = (transA ? <usize>lda : <usize>1) * sz;
  const sB = <usize>ldb * sz;
  const sC = <usize>ldc * sz;
  const alphaV = splatT<T>(alpha);
  const betaV = splatT<T>(beta);
  const betaZero = beta == 0;
  const zero = f64x2.splat(0);
  const NR = 2 * L;

  // With 64+ rows each column strip of B is read m/4 ≥ 16 times: copied into a dense k×NR strip,
  // it stays in L1 (rows of B lda apart would fall on the same few cache sets).
  const packB = m >= 64;
  const sStrip: usize = packB ? 32 : sB;
  let j = 0;
  for (; j + NR <= n; j += NR) {
    let strip = b + <usize>j * sz;
    if (packB) {
      let src = strip;
      let dst = scratch;
      for (let p = 0; p < k; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += sB;
        dst += 32;
      }
      strip = scratch;
    }
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      let pa0 = a + <usize>i * sAi;
      let pa1 = pa0 + sAi;
      let pa2 = pa1 + sAi;
      let pa3 = pa2 + sAi;
      let pb = strip;
      let c00 = zero, c01 = zero, c10 = zero, c11 = zero;
      let c20 = zero, c21 = zero, c30 = zero, c31 = zero;
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        let x = loadSplat<T>(pa0);
        c00 = vadd<T>(c00, vmul<T>(x, b0));
        c01 = vadd<T>(c01, vmul<T>(x, b1));
        x = loadSplat<T>(pa1);
        c10 = vadd<T>(c10, vmul<T>(x, b0));
        c11 = vadd<T>(c11, vmul<T>(x, b1));
        x = loadSplat<T>(pa2);
        c20 = vadd<T>(c20, vmul<T>(x, b0));
        c21 = vadd<T>(c21, vmul<T>(x, b1));
        x = loadSplat<T>(pa3);
        c30 = vadd<T>(c30, vmul<T>(x, b0));
        c31 = vadd<T>(c31, vmul<T>(x, b1));
        pa0 += sAp;
        pa1 += sAp;
        pa2 += sAp;
        pa3 += sAp;
        pb += sStrip;
      }
      let pc = c + <usize>i * sC + <usize>j * sz;
      storeC<T>(pc, c00, alphaV, betaZero, betaV);
      storeC<T>(pc + 16, c01, alphaV, betaZero, betaV);
      pc += sC;
      storeC<T>(pc, c10, alphaV, betaZero, betaV);
      storeC<T>(pc + 16, c11, alphaV, betaZero, betaV);
      pc += sC;
      storeC<T>(pc, c20, alphaV, betaZero, betaV);
      storeC<T>(pc + 16, c21, alphaV, betaZero, betaV);
      pc += sC;
      storeC<T>(pc, c30, alphaV, betaZero, betaV);
      storeC<T>(pc + 16, c31, alphaV, betaZero, betaV);
    }
    for (; i < m; i++) {
      let pa = a + <usize>i * sAi;
      let pb = strip;
      let c0 = zero, c1 = zero;
      for (let p = 0; p < k; p++) {
        const x = loadSplat<T>(pa);
        c0 = vadd<T>(c0, vmul<T>(x, v128.load(pb)));
        c1 = vadd<T>(c1, vmul<T>(x, v128.load(pb, 16)));
        pa += sAp;
        pb += sStrip;
      }
      const pc = c + <usize>i * sC + <usize>j * sz;
      storeC<T>(pc, c0, alphaV, betaZero, betaV);
      storeC<T>(pc + 16, c1, alphaV, betaZero, betaV);
    }
  }
  for (; j + L <= n; j += L) {
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      let pa0 = a + <usize>i * sAi;
      let pa1 = pa0 + sAi;
      let pa2 = pa1 + sAi;
      let pa3 = pa2 + sAi;
      let pb = b + <usize>j * sz;
      let c0 = zero, c1 = zero, c2 = zero, c3 = zero;
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(pb);
        c0 = vadd<T>(c0, vmul<T>(loadSplat<T>(pa0), b0));
        c1 = vadd<T>(c1, vmul<T>(loadSplat<T>(pa1), b0));
        c2 = vadd<T>(c2, vmul<T>(loadSplat<T>(pa2), b0));
        c3 = vadd<T>(c3, vmul<T>(loadSplat<T>(pa3), b0));
        pa0 += sAp;
        pa1 += sAp;
        pa2 += sAp;
        pa3 += sAp;
        pb += sB;
      }
      let pc = c + <usize>i * sC + <usize>j * sz;
      storeC<T>(pc, c0, alphaV, betaZero, betaV);
      pc += sC;
      storeC<T>(pc, c1, alphaV, betaZero, betaV);
      pc += sC;
      storeC<T>(pc, c2, alphaV, betaZero, betaV);
      pc += sC;
      storeC<T>(pc, c3, alphaV, betaZero, betaV);
    }
    for (; i < m; i++) {
      let pa = a + <usize>i * sAi;
      let pb = b + <usize>j * sz;
      let c0 = zero;
      for (let p = 0; p < k; p++) {
        c0 = vadd<T>(c0, vmul<T>(loadSplat<T>(pa), v128.load(pb)));
        pa += sAp;
        pb += sB;
      }
      storeC<T>(c + <usize>i * sC + <usize>j * sz, c0, alphaV, betaZero, betaV);
    }
  }
  // Fewer than L columns left: scalar dot products.
  for (; j < n; j++) {
    for (let i = 0; i < m; i++) {
      let pa = a + <usize>i * sAi;
      let pb = b + <usize>j * sz;
      let s: f64 = 0;
      for (let p = 0; p < k; p++) {
        s += loadF<T>(pa) * loadF<T>(pb);
        pa += sAp;
        pb += sB;
      }
      const pc = c + <usize>i * sC + <usize>j * sz;
      storeF<T>(pc, betaZero ? alpha * s : alpha * s + beta * loadF<T>(pc));
    }
  }
}

// ---- gemv ----

/** y[m] = alpha·A·x + beta·y, four rows at a time so each x vector load serves four rows. */
function gemvN<T>(m: i32, n: i32, alpha: f64, a: usize, lda: i32, x: usize, beta: f64, y: usize): void {
  const sz = sizeof<T>();
  const L: i32 = sizeof<T>() == 4 ? 4 : 2;
  const sA = <usize>lda * sz;
  const zero = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const p0 = a + <usize>i * sA;
    const p1 = p0 + sA;
    const p2 = p1 + sA;
    const p3 = p2 + sA;
    let c0 = zero, c1 = zero, c2 = zero, c3 = zero;
    let j = 0;
    for (; j + L <= n; j += L) {
      const off = <usize>j * sz;
      const xv = v128.load(x + off);
      c0 = vadd<T>(c0, vmul<T>(v128.load(p0 + off), xv));
      c1 = vadd<T>(c1, vmul<T>(v128.load(p1 + off), xv));
      c2 = vadd<T>(c2, vmul<T>(v128.load(p2 + off), xv));
      c3 = vadd<T>(c3, vmul<T>(v128.load(p3 + off), xv));
    }
    let s0 = hsum<T>(c0), s1 = hsum<T>(c1), s2 = hsum<T>(c2), s3 = hsum<T>(c3);
    for (; j < n; j++) {
      const off = <usize>j * sz;
      const xj = loadF<T>(x + off);
      s0 += loadF<T>(p0 + off) * xj;
      s1 += loadF<T>(p1 + off) * xj;
      s2 += loadF<T>(p2 + off) * xj;
      s3 += loadF<T>(p3 + off) * xj;
    }
    const py = y + <usize>i * sz;
    if (beta == 0) {
      storeF<T>(py, alpha * s0);
      storeF<T>(py + sz, alpha * s1);
      storeF<T>(py + 2 * sz, alpha * s2);
      storeF<T>(py + 3 * sz, alpha * s3);
    } else {
      storeF<T>(py, alpha * s0 + beta * loadF<T>(py));
      storeF<T>(py + sz, alpha * s1 + beta * loadF<T>(py + sz));
      storeF<T>(py + 2 * sz, alpha * s2 + beta * loadF<T>(py + 2 * sz));
      storeF<T>(py + 3 * sz, alpha * s3 + beta * loadF<T>(py + 3 * sz));
    }
  }
  for (; i < m; i++) {
    const p0 = a + <usize>i * sA;
    let c0 = zero;
    let j = 0;
    for (; j + L <= n; j += L) {
      const off = <usize>j * sz;
      c0 = vadd<T>(c0, vmul<T>(v128.load(p0 + off), v128.load(x + off)));
    }
    let s0 = hsum<T>(c0);
    for (; j < n; j++) s0 += loadF<T>(p0 + <usize>j * sz) * loadF<T>(x + <usize>j * sz);
    const py = y + <usize>i * sz;
    storeF<T>(py, beta == 0 ? alpha * s0 : alpha * s0 + beta * loadF<T>(py));
  }
}

/** y[n] = alpha·Aᵀ·x + beta·y: row updates of y, four rows per pass over y. */
function gemvT<T>(m: i32, n: i32, alpha: f64, a: usize, lda: i32, x: usize, beta: f64, y: usize): void {
  const sz = sizeof<T>();
  const L: i32 = sizeof<T>() == 4 ? 4 : 2;
  const sA = <usize>lda * sz;
  for (let j = 0; j < n; j++) {
    const py = y + <usize>j * sz;
    storeF<T>(py, beta == 0 ? 0 : beta * loadF<T>(py));
  }
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const p0 = a + <usize>i * sA;
    const p1 = p0 + sA;
    const p2 = p1 + sA;
    const p3 = p2 + sA;
    const x0 = alpha * loadF<T>(x + <usize>i * sz);
    const x1 = alpha * loadF<T>(x + <usize>(i + 1) * sz);
    const x2 = alpha * loadF<T>(x + <usize>(i + 2) * sz);
    const x3 = alpha * loadF<T>(x + <usize>(i + 3) * sz);
    const v0 = splatT<T>(x0), v1 = splatT<T>(x1), v2 = splatT<T>(x2), v3 = splatT<T>(x3);
    let j = 0;
    for (; j + L <= n; j += L) {
      const off = <usize>j * sz;
      let acc = v128.load(y + off);
      acc = vadd<T>(acc, vmul<T>(v128.load(p0 + off), v0));
      acc = vadd<T>(acc, vmul<T>(v128.load(p1 + off), v1));
      acc = vadd<T>(acc, vmul<T>(v128.load(p2 + off), v2));
      acc = vadd<T>(acc, vmul<T>(v128.load(p3 + off), v3));
      v128.store(y + off, acc);
    }
    for (; j < n; j++) {
      const off = <usize>j * sz;
      storeF<T>(y + off, loadF<T>(y + off) + loadF<T>(p0 + off) * x0 + loadF<T>(p1 + off) * x1
        + loadF<T>(p2 + off) * x2 + loadF<T>(p3 + off) * x3);
    }
  }
  for (; i < m; i++) axpyRow<T>(n, alpha * loadF<T>(x + <usize>i * sz), a + <usize>i * sA, y);
}

/** dst[n] += s·src[n] */
@inline function axpyRow<T>(n: i32, s: f64, src: usize, dst: usize): void {
  const sz = sizeof<T>();
  const L: i32 = sizeof<T>() == 4 ? 4 : 2;
  const v = splatT<T>(s);
  let j = 0;
  for (; j + L <= n; j += L) {
    const off = <usize>j * sz;
    v128.store(dst + off, vadd<T>(v128.load(dst + off), vmul<T>(v128.load(src + off), v)));
  }
  for (; j < n; j++) {
    const off = <usize>j * sz;
    storeF<T>(dst + off, loadF<T>(dst + off) + loadF<T>(src + off) * s);
  }
}

/** A[m,n] += alpha·x·yᵀ, one row axpy at a time. */
function ger<T>(m: i32, n: i32, alpha: f64, x: usize, y: usize, a: usize, lda: i32): void {
  const sz = sizeof<T>();
  for (let i = 0; i < m; i++) {
    axpyRow<T>(n, alpha * loadF<T>(x + <usize>i * sz), y, a + <usize>(i * lda) * sz);
  }
}

// ---- f32x4 elementwise: Cephes single-precision exp and tanh, vectorized ----

@inline function expF32x4(x0: v128): v128 {
  // Clamp so 2^n stays a normal float (n in [-126, 127]). pmin/pmax are one instruction each on x86
  // (min/max need ~7 for their NaN and −0 rules) and still pass a NaN through.
  let x = f32x4.pmin(f32x4.pmax(x0, f32x4.splat(-87.3)), f32x4.splat(88.3));
  // n = round(x·log2 e) by the 1.5·2²³ trick (round half to even, like f32x4.nearest); the same sum
  // holds n in its low mantissa bits, so 2^n needs no float → int conversion (slow in SSE).
  const magic = f32x4.splat(12582912.0);
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), magic);
  const fx = f32x4.sub(t, magic);
  // Cody–Waite: ln 2 split in two so x − n·ln2 is exact to float precision.
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  const z = f32x4.mul(x, x);
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), x), f32x4.splat(1));
  // t's bits are 0x4B400000 + n; adding 127 and shifting out the high bits leaves (n + 127) << 23.
  const pow2n = i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2n);
}

@inline function tanhF32x4(x: v128): v128 {
  const ax = f32x4.abs(x);
  // |x| < 0.625: odd polynomial (no cancellation near 0).
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  // Otherwise 1 − 2/(e^{2|x|} + 1) with the sign of x; exp saturates, so large |x| gives ±1.
  const e = expF32x4(f32x4.add(ax, ax));
  const bigAbs = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
  const big = v128.or(bigAbs, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, big, f32x4.lt(ax, f32x4.splat(0.625)));
}

@inline function sigmoidF32x4(x: v128): v128 {
  const e = expF32x4(f32x4.neg(x));
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
}

// The odd tail of an array goes through the same vector code one lane at a time, so every
// element gets the same rounding whatever its position.
function tanhF32(n: i32, x: usize, out: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(out + <usize>i * 4, tanhF32x4(v128.load(x + <usize>i * 4)));
  for (; i < n; i++) store<f32>(out + <usize>i * 4, f32x4.extract_lane(tanhF32x4(f32x4.splat(load<f32>(x + <usize>i * 4))), 0));
}

function sigmoidF32(n: i32, x: usize, out: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(out + <usize>i * 4, sigmoidF32x4(v128.load(x + <usize>i * 4)));
  for (; i < n; i++) store<f32>(out + <usize>i * 4, f32x4.extract_lane(sigmoidF32x4(f32x4.splat(load<f32>(x + <usize>i * 4))), 0));
}

// f64 elementwise: the precise scalar libm (musl ports in asc's stdlib), to match the reference to 1e-12.
function tanhF64(n: i32, x: usize, out: usize): void {
  for (let i = 0; i < n; i++) store<f64>(out + <usize>i * 8, Math.tanh(load<f64>(x + <usize>i * 8)));
}

function sigmoidF64(n: i32, x: usize, out: usize): void {
  for (let i = 0; i < n; i++) store<f64>(out + <usize>i * 8, 1 / (1 + Math.exp(-load<f64>(x + <usize>i * 8))));
}

// ---- softmax + cross-entropy + gradient ----

function softmaxCrossEntropyF32(rows: i32, cols: i32, logits: usize, targets: usize, scale: f64, d: usize): f64 {
  let loss: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const inRow = logits + <usize>(r * cols) * 4;
    const outRow = d + <usize>(r * cols) * 4;
    const target = load<i32>(targets + <usize>r * 4);
    if (target < 0) {
      memory.fill(outRow, 0, <usize>cols * 4);
      continue;
    }
    // Two chains of pmax (one maxps each; wasm's max is a several-instruction NaN-propagating
    // sequence). A NaN logit may be dropped from the max, but it still reaches Σe and the loss.
    let mv = f32x4.splat(-Infinity);
    let mv1 = mv;
    let j = 0;
    for (; j + 8 <= cols; j += 8) {
      mv = f32x4.pmax(mv, v128.load(inRow + <usize>j * 4));
      mv1 = f32x4.pmax(mv1, v128.load(inRow + <usize>j * 4, 16));
    }
    for (; j + 4 <= cols; j += 4) mv = f32x4.pmax(mv, v128.load(inRow + <usize>j * 4));
    let mx = <f32>hmax<f32>(f32x4.pmax(mv, mv1));
    for (; j < cols; j++) mx = max(mx, load<f32>(inRow + <usize>j * 4));
    const maxV = f32x4.splat(mx);
    // Read the target logit before dLogits (which may alias logits) is written.
    const targetLogit = <f64>load<f32>(inRow + <usize>target * 4);
    // One exp per logit: e = exp(x − max) goes straight into dLogits, then is scaled by scale / Σe.
    let sv = f32x4.splat(0);
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      const e = expF32x4(f32x4.sub(v128.load(inRow + <usize>j * 4), maxV));
      sv = f32x4.add(sv, e);
      v128.store(outRow + <usize>j * 4, e);
    }
    let sum = hsum<f32>(sv);
    for (; j < cols; j++) {
      const e = f32x4.extract_lane(expF32x4(f32x4.splat(load<f32>(inRow + <usize>j * 4) - mx)), 0);
      sum += <f64>e;
      store<f32>(outRow + <usize>j * 4, e);
    }
    loss += Math.log(sum) + <f64>mx - targetLogit;
    const k = <f32>(scale / sum);
    const kV = f32x4.splat(k);
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      const p = outRow + <usize>j * 4;
      v128.store(p, f32x4.mul(v128.load(p), kV));
    }
    for (; j < cols; j++) {
      const p = outRow + <usize>j * 4;
      store<f32>(p, load<f32>(p) * k);
    }
    const pt = outRow + <usize>target * 4;
    store<f32>(pt, <f32>(<f64>load<f32>(pt) - scale));
  }
  return loss;
}

function softmaxCrossEntropyF64(rows: i32, cols: i32, logits: usize, targets: usize, scale: f64, d: usize): f64 {
  let loss: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const inRow = logits + <usize>(r * cols) * 8;
    const outRow = d + <usize>(r * cols) * 8;
    const target = load<i32>(targets + <usize>r * 4);
    if (target < 0) {
      memory.fill(outRow, 0, <usize>cols * 8);
      continue;
    }
    let mx: f64 = -Infinity;
    for (let j = 0; j < cols; j++) mx = max(mx, load<f64>(inRow + <usize>j * 8));
    let sum: f64 = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(load<f64>(inRow + <usize>j * 8) - mx);
    const logSum = Math.log(sum);
    loss += logSum + mx - load<f64>(inRow + <usize>target * 8);
    for (let j = 0; j < cols; j++) {
      store<f64>(outRow + <usize>j * 8, scale * Math.exp(load<f64>(inRow + <usize>j * 8) - mx - logSum));
    }
    const pt = outRow + <usize>target * 8;
    store<f64>(pt, load<f64>(pt) - scale);
  }
  return loss;
}

// ---- gradient clipping and the Adagrad update (per parameter, once a step) ----

function absMax<T>(n: i32, x: usize): f64 {
  const sz = sizeof<T>();
  const L: i32 = sizeof<T>() == 4 ? 4 : 2;
  // Four independent running maxima with pmax (one maxps/maxpd each; wasm's max is a NaN-propagating
  // sequence of several instructions, and one chain of it ran at ~1.3 ns per float32). pmax drops
  // NaNs, so a separate mask records any lane that was NaN: the result is NaN then, as the reference says.
  const zero = f64x2.splat(0);
  let m0 = zero, m1 = zero, m2 = zero, m3 = zero, nan = zero;
  let i = 0;
  if (sizeof<T>() == 4) {
    for (; i + 4 * L <= n; i += 4 * L) {
      const p = x + <usize>i * sz;
      const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
      nan = v128.or(nan, v128.or(v128.or(f32x4.ne(v0, v0), f32x4.ne(v1, v1)), v128.or(f32x4.ne(v2, v2), f32x4.ne(v3, v3))));
      m0 = f32x4.pmax(m0, f32x4.abs(v0));
      m1 = f32x4.pmax(m1, f32x4.abs(v1));
      m2 = f32x4.pmax(m2, f32x4.abs(v2));
      m3 = f32x4.pmax(m3, f32x4.abs(v3));
    }
    for (; i + L <= n; i += L) {
      const v = v128.load(x + <usize>i * sz);
      nan = v128.or(nan, f32x4.ne(v, v));
      m0 = f32x4.pmax(m0, f32x4.abs(v));
    }
    m0 = f32x4.pmax(f32x4.pmax(m0, m1), f32x4.pmax(m2, m3));
  } else {
    for (; i + 4 * L <= n; i += 4 * L) {
      const p = x + <usize>i * sz;
      const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
      nan = v128.or(nan, v128.or(v128.or(f64x2.ne(v0, v0), f64x2.ne(v1, v1)), v128.or(f64x2.ne(v2, v2), f64x2.ne(v3, v3))));
      m0 = f64x2.pmax(m0, f64x2.abs(v0));
      m1 = f64x2.pmax(m1, f64x2.abs(v1));
      m2 = f64x2.pmax(m2, f64x2.abs(v2));
      m3 = f64x2.pmax(m3, f64x2.abs(v3));
    }
    for (; i + L <= n; i += L) {
      const v = v128.load(x + <usize>i * sz);
      nan = v128.or(nan, f64x2.ne(v, v));
      m0 = f64x2.pmax(m0, f64x2.abs(v));
    }
    m0 = f64x2.pmax(f64x2.pmax(m0, m1), f64x2.pmax(m2, m3));
  }
  if (v128.any_true(nan)) return NaN;
  let m = hmax<T>(m0);
  for (; i < n; i++) m = max(m, abs(loadF<T>(x + <usize>i * sz)));
  return m;
}

/** float32: Σx² in float64 (a float32 square cannot overflow there), then one division; float64: as the reference. */
function scaledSumOfSquares<T>(n: i32, x: usize, divisor: f64): f64 {
  if (sizeof<T>() == 4) {
    // Four chains of f64 adds over eight floats per pass (two chains were bound by the add latency).
    let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0), acc2 = f64x2.splat(0), acc3 = f64x2.splat(0);
    let i = 0;
    for (; i + 8 <= n; i += 8) {
      const v = v128.load(x + <usize>i * 4);
      const w = v128.load(x + <usize>i * 4, 16);
      const lo = f64x2.promote_low_f32x4(v);
      const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
      const lo2 = f64x2.promote_low_f32x4(w);
      const hi2 = f64x2.promote_low_f32x4(v128.shuffle<f32>(w, w, 2, 3, 0, 1));
      acc0 = f64x2.add(acc0, f64x2.mul(lo, lo));
      acc1 = f64x2.add(acc1, f64x2.mul(hi, hi));
      acc2 = f64x2.add(acc2, f64x2.mul(lo2, lo2));
      acc3 = f64x2.add(acc3, f64x2.mul(hi2, hi2));
    }
    acc0 = f64x2.add(acc0, acc2);
    acc1 = f64x2.add(acc1, acc3);
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + <usize>i * 4);
      const lo = f64x2.promote_low_f32x4(v);
      const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
      acc0 = f64x2.add(acc0, f64x2.mul(lo, lo));
      acc1 = f64x2.add(acc1, f64x2.mul(hi, hi));
    }
    const accv = f64x2.add(acc0, acc1);
    let sum = f64x2.extract_lane(accv, 0) + f64x2.extract_lane(accv, 1);
    for (; i < n; i++) {
      const v = <f64>load<f32>(x + <usize>i * 4);
      sum += v * v;
    }
    return sum / (divisor * divisor);
  }
  let sum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(x + <usize>i * 8) / divisor;
    sum += v * v;
  }
  return sum;
}

/**
 * float32 gradient statistics in one pass: returns Σx² in float64, accumulated exactly as
 * scaledSumOfSquares<f32> does before its division (so Σ / d² is its result, bit for bit), and
 * stores max |x| as a float64 at maxOut (NaN when any entry is; exact in any order, like absMax).
 * The gradient clipping of one step needed both, in two passes over every gradient.
 */
function absMaxSumSquaresF32(n: i32, x: usize, maxOut: usize): f64 {
  const zero = f64x2.splat(0);
  let acc0 = zero, acc1 = zero, acc2 = zero, acc3 = zero;
  let m0 = zero, m1 = zero, nan = zero;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const v = v128.load(x + <usize>i * 4);
    const w = v128.load(x + <usize>i * 4, 16);
    nan = v128.or(nan, v128.or(f32x4.ne(v, v), f32x4.ne(w, w)));
    m0 = f32x4.pmax(m0, f32x4.abs(v));
    m1 = f32x4.pmax(m1, f32x4.abs(w));
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    const lo2 = f64x2.promote_low_f32x4(w);
    const hi2 = f64x2.promote_low_f32x4(v128.shuffle<f32>(w, w, 2, 3, 0, 1));
    acc0 = f64x2.add(acc0, f64x2.mul(lo, lo));
    acc1 = f64x2.add(acc1, f64x2.mul(hi, hi));
    acc2 = f64x2.add(acc2, f64x2.mul(lo2, lo2));
    acc3 = f64x2.add(acc3, f64x2.mul(hi2, hi2));
  }
  acc0 = f64x2.add(acc0, acc2);
  acc1 = f64x2.add(acc1, acc3);
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + <usize>i * 4);
    nan = v128.or(nan, f32x4.ne(v, v));
    m0 = f32x4.pmax(m0, f32x4.abs(v));
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    acc0 = f64x2.add(acc0, f64x2.mul(lo, lo));
    acc1 = f64x2.add(acc1, f64x2.mul(hi, hi));
  }
  const accv = f64x2.add(acc0, acc1);
  let sum = f64x2.extract_lane(accv, 0) + f64x2.extract_lane(accv, 1);
  let m = hmax<f32>(f32x4.pmax(m0, m1));
  let anyNaN = v128.any_true(nan);
  for (; i < n; i++) {
    const v = <f64>load<f32>(x + <usize>i * 4);
    sum += v * v;
    if (v != v) anyNaN = true;
    else m = max(m, abs(v));
  }
  store<f64>(maxOut, anyNaN ? NaN : m);
  return sum;
}

function clampF32(n: i32, x: usize, limit: f64): i32 {
  const hiV = f32x4.splat(<f32>limit);
  const loV = f32x4.splat(<f32>-limit);
  let count = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = x + <usize>i * 4;
    const v = v128.load(p);
    const outside = v128.or(f32x4.gt(v, hiV), f32x4.lt(v, loV));
    if (v128.any_true(outside)) {
      count = i32x4.sub(count, outside);
      v128.store(p, v128.bitselect(f32x4.min(f32x4.max(v, loV), hiV), v, outside));
    }
  }
  let c = i32x4.extract_lane(count, 0) + i32x4.extract_lane(count, 1) + i32x4.extract_lane(count, 2) + i32x4.extract_lane(count, 3);
  const lim = <f32>limit;
  for (; i < n; i++) {
    const p = x + <usize>i * 4;
    const v = load<f32>(p);
    if (v > lim) { store<f32>(p, lim); c++; } else if (v < -lim) { store<f32>(p, -lim); c++; }
  }
  return c;
}

function clampF64(n: i32, x: usize, limit: f64): i32 {
  let c = 0;
  for (let i = 0; i < n; i++) {
    const p = x + <usize>i * 8;
    const v = load<f64>(p);
    if (v > limit) { store<f64>(p, limit); c++; } else if (v < -limit) { store<f64>(p, -limit); c++; }
  }
  return c;
}

function adagradF32(n: i32, value: usize, grad: usize, mem: usize, lr: f64, eps: f64): void {
  const lrV = f32x4.splat(<f32>lr);
  const epsV = f32x4.splat(<f32>eps);
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i * 4;
    const g = v128.load(grad + off);
    const m = f32x4.add(v128.load(mem + off), f32x4.mul(g, g));
    v128.store(mem + off, m);
    // Four gradients of +0 (the one-hot input's unused columns: most of W_ih at batch 1) move nothing:
    // lr·0/√(m + eps) is +0 when m + eps > 0, and value − (+0) = value bit for bit. The square root
    // and division are most of the update's cost, so they are skipped there.
    if (!v128.any_true(g) && i32x4.all_true(f32x4.gt(f32x4.add(m, epsV), zero))) continue;
    const step = f32x4.div(f32x4.mul(lrV, g), f32x4.sqrt(f32x4.add(m, epsV)));
    v128.store(value + off, f32x4.sub(v128.load(value + off), step));
  }
  for (; i < n; i++) {
    const off = <usize>i * 4;
    const g = <f64>load<f32>(grad + off);
    const m = <f32>(<f64>load<f32>(mem + off) + g * g);
    store<f32>(mem + off, m);
    store<f32>(value + off, <f32>(<f64>load<f32>(value + off) - (lr * g) / Math.sqrt(<f64>m + eps)));
  }
}

function adagradF64(n: i32, value: usize, grad: usize, mem: usize, lr: f64, eps: f64): void {
  const lrV = f64x2.splat(lr);
  const epsV = f64x2.splat(eps);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const off = <usize>i * 8;
    const g = v128.load(grad + off);
    const m = f64x2.add(v128.load(mem + off), f64x2.mul(g, g));
    v128.store(mem + off, m);
    v128.store(value + off, f64x2.sub(v128.load(value + off), f64x2.div(f64x2.mul(lrV, g), f64x2.sqrt(f64x2.add(m, epsV)))));
  }
  for (; i < n; i++) {
    const off = <usize>i * 8;
    const g = load<f64>(grad + off);
    const m = load<f64>(mem + off) + g * g;
    store<f64>(mem + off, m);
    store<f64>(value + off, load<f64>(value + off) - (lr * g) / Math.sqrt(m + eps));
  }
}

// ---- the model's elementwise work: gathers, bias rows and sums, and the cells' time steps ----
// f64 runs the reference's operations in its order (bit-identical where no libm call is involved);
// f32 runs f32x4 arithmetic. A row's odd tail goes through the same vector code one lane at a time.

@inline function vsub<T>(a: v128, b: v128): v128 {
  if (sizeof<T>() == 4) return f32x4.sub(a, b);
  return f64x2.sub(a, b);
}

/** A vector of L elements at p, or (tail) the element at p in lane 0. */
@inline function ldv<T>(full: bool, p: usize): v128 {
  if (full) return v128.load(p);
  return loadSplat<T>(p);
}

@inline function stv<T>(full: bool, p: usize, v: v128): void {
  if (full) v128.store(p, v);
  else if (sizeof<T>() == 4) store<f32>(p, f32x4.extract_lane(v, 0));
  else store<f64>(p, f64x2.extract_lane(v, 0));
}

/** dst[n] = a[n] + b[n] (dst may be a). */
@inline function addRow<T>(n: i32, a: usize, b: usize, dst: usize): void {
  const sz = sizeof<T>();
  const L: i32 = sizeof<T>() == 4 ? 4 : 2;
  let j = 0;
  for (; j + L <= n; j += L) {
    const off = <usize>j * sz;
    v128.store(dst + off, vadd<T>(v128.load(a + off), v128.load(b + off)));
  }
  for (; j < n; j++) {
    const off = <usize>j * sz;
    storeF<T>(dst + off, loadF<T>(a + off) + loadF<T>(b + off));
  }
}

function gatherRows<T>(rows: i32, cols: i32, table: usize, ids: usize, bias: usize, out: usize): void {
  const rowBytes = <usize>cols * sizeof<T>();
  for (let r = 0; r < rows; r++) {
    addRow<T>(cols, table + <usize>load<i32>(ids + <usize>r * 4) * rowBytes, bias, out + <usize>r * rowBytes);
  }
}

function scatterAddRows<T>(rows: i32, cols: i32, src: usize, ids: usize, table: usize): void {
  const rowBytes = <usize>cols * sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const dst = table + <usize>load<i32>(ids + <usize>r * 4) * rowBytes;
    addRow<T>(cols, dst, src + <usize>r * rowBytes, dst);
  }
}

function addRowVector<T>(rows: i32, cols: i32, m: usize, v: usize): void {
  const rowBytes = <usize>cols * sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const row = m + <usize>r * rowBytes;
    addRow<T>(cols, row, v, row);
  }
}

function columnSums<T>(rows: i32, cols: i32, m: usize, out: usize): void {
  const rowBytes = <usize>cols * sizeof<T>();
  memory.fill(out, 0, rowBytes);
  for (let r = 0; r < rows; r++) addRow<T>(cols, out, m + <usize>r * rowBytes, out);
}

function tanhBackward<T>(n: i32, a: usize, b: usize, y: usize, out: usize): void {
  const sz = sizeof<T>();
  const L: i32 = sizeof<T>() == 4 ? 4 : 2;
  const one = splatT<T>(1);
  let i = 0;
  for (; i + L <= n; i += L) {
    const off = <usize>i * sz;
    const h = v128.load(y + off);
    v128.store(out + off, vmul<T>(vadd<T>(v128.load(a + off), v128.load(b + off)), vsub<T>(one, vmul<T>(h, h))));
  }
  for (; i < n; i++) {
    const off = <usize>i * sz;
    const h = loadSplat<T>(y + off);
    stv<T>(false, out + off, vmul<T>(vadd<T>(loadSplat<T>(a + off), loadSplat<T>(b + off)), vsub<T>(one, vmul<T>(h, h))));
  }
}

// ---- whole recurrences of the tanh RNN: one call per window instead of two or three per step ----
// At batch 1 a step's product is ~10k multiply-adds (~1 µs): the calls around it cost as much. Each
// step runs the very gemm and tanh (or tanhBackward) the per-step calls run, in the same order, so
// the results are bit-identical to them.

function rnnForwardSteps<T>(steps: i32, B: i32, H: i32, xw: usize, whh: usize, whhT: usize, hs: usize, scratch: usize): void {
  const bytes = <usize>(B * H) * sizeof<T>();
  const dots = B < DOT_ROWS;
  for (let t = 0; t < steps; t++) {
    const prev = hs + <usize>t * bytes;
    const out = prev + bytes;
    memory.copy(out, xw + <usize>t * bytes, bytes);
    // hs[t+1] = tanh(xw[t] + hs[t] · W_hhᵀ)   ([B,H]·[H,H]); a few rows: dot products with W_hh's rows
    if (dots) gemm<T>(0, 1, B, H, H, 1, prev, H, whh, H, 1, out, H, scratch);
    else gemm<T>(0, 0, B, H, H, 1, prev, H, whhT, H, 1, out, H, scratch);
    if (sizeof<T>() == 4) tanhF32(B * H, out, out);
    else tanhF64(B * H, out, out);
  }
}

function rnnBackwardSteps<T>(steps: i32, B: i32, H: i32, dOut: usize, hs: usize, whh: usize, whhT: usize, dh: usize, dXw: usize, scratch: usize): void {
  const bytes = <usize>(B * H) * sizeof<T>();
  const dots = B < DOT_ROWS;
  for (let t = steps - 1; t >= 0; t--) {
    const row = <usize>t * bytes;
    // dz_t = (dOut_t + dh) ⊙ (1 − h_t²);  dh = dz_t · W_hh   ([B,H]·[H,H]); a few rows: dot products with W_hhᵀ's rows
    tanhBackward<T>(B * H, dOut + row, dh, hs + row + bytes, dXw + row);
    if (dots) gemm<T>(0, 1, B, H, H, 1, dXw + row, H, whhT, H, 0, dh, H, scratch);
    else gemm<T>(0, 0, B, H, H, 1, dXw + row, H, whh, H, 0, dh, H, scratch);
  }
}

// ---- a whole window of a first-layer tanh RNN: one call for the forward, one for the backward ----
// At batch 1 the seed's window was ~20 kernel calls, two transposes of W_ih (one-hot gather and its
// scatter) and JS loops between them; here the gather reads W_ih's columns directly and the scatter
// writes them, so neither transpose is needed. Each part runs the same arithmetic, in the same
// order, as the separate calls (gatherRows, transpose, rnnForwardSteps; rnnBackwardSteps,
// columnSums, scatterAddRows + transpose), so the results are bit-identical to them.

/** xw[r, :] = W_ih[:, ids[r]] + bias for r < rows: a one-hot input projection read down W_ih's columns ([H, V]). */
function gatherColumns<T>(rows: i32, H: i32, V: i32, wih: usize, ids: usize, bias: usize, xw: usize): void {
  const sz = sizeof<T>();
  const sV = <usize>V * sz;
  for (let r = 0; r < rows; r++) {
    let src = wih + <usize>load<i32>(ids + <usize>r * 4) * sz;
    const dst = xw + <usize>(r * H) * sz;
    for (let j = 0; j < H; j++) {
      const off = <usize>j * sz;
      storeF<T>(dst + off, loadF<T>(src) + loadF<T>(bias + off));
      src += sV;
    }
  }
}

/** W_ih.grad = 0, then W_ih.grad[:, ids[r]] += dXw[r, :] for r = 0, 1, … in order: the gather's gradient. */
function scatterColumns<T>(rows: i32, H: i32, V: i32, dXw: usize, ids: usize, wihGrad: usize): void {
  const sz = sizeof<T>();
  const sV = <usize>V * sz;
  memory.fill(wihGrad, 0, <usize>(H * V) * sz);
  for (let r = 0; r < rows; r++) {
    let dst = wihGrad + <usize>load<i32>(ids + <usize>r * 4) * sz;
    const src = dXw + <usize>(r * H) * sz;
    for (let j = 0; j < H; j++) {
      storeF<T>(dst, loadF<T>(dst) + loadF<T>(src + <usize>j * sz));
      dst += sV;
    }
  }
}

function rnnWindowForward<T>(
  steps: i32, B: i32, H: i32, V: i32, ids: usize, wih: usize, bias: usize,
  whh: usize, whhT: usize, xw: usize, hs: usize, scratch: usize,
): void {
  gatherColumns<T>(steps * B, H, V, wih, ids, bias, xw);
  transposeInto<T>(H, H, whh, H, whhT);
  rnnForwardSteps<T>(steps, B, H, xw, whh, whhT, hs, scratch);
}

function rnnWindowBackward<T>(
  steps: i32, B: i32, H: i32, V: i32, dOut: usize, hs: usize, whh: usize, whhT: usize, dh: usize,
  dXw: usize, ids: usize, wihGrad: usize, bihGrad: usize, bhhGrad: usize, scratch: usize,
): void {
  memory.fill(dh, 0, <usize>(B * H) * sizeof<T>());
  rnnBackwardSteps<T>(steps, B, H, dOut, hs, whh, whhT, dh, dXw, scratch);
  columnSums<T>(steps * B, H, dXw, bhhGrad);
  columnSums<T>(steps * B, H, dXw, bihGrad);
  scatterColumns<T>(steps * B, H, V, dXw, ids, wihGrad);
}

/** Four (or, in a tail, one) units of an f32 LSTM step; pg points at gate i, gates are hb bytes apart. */
@inline function lstmForwardF32x4(full: bool, pg: usize, hb: usize, pcPrev: usize, pc: usize, pt: usize, ph: usize): void {
  const i = sigmoidF32x4(ldv<f32>(full, pg));
  const f = sigmoidF32x4(ldv<f32>(full, pg + hb));
  const g = tanhF32x4(ldv<f32>(full, pg + 2 * hb));
  const o = sigmoidF32x4(ldv<f32>(full, pg + 3 * hb));
  stv<f32>(full, pg, i);
  stv<f32>(full, pg + hb, f);
  stv<f32>(full, pg + 2 * hb, g);
  stv<f32>(full, pg + 3 * hb, o);
  const c = f32x4.add(f32x4.mul(f, ldv<f32>(full, pcPrev)), f32x4.mul(i, g));
  const t = tanhF32x4(c);
  stv<f32>(full, pc, c);
  stv<f32>(full, pt, t);
  stv<f32>(full, ph, f32x4.mul(o, t));
}

@inline function sigmoid1F64(x: f64): f64 {
  return 1 / (1 + Math.exp(-x));
}

function lstmForward<T>(rows: i32, H: i32, gates: usize, cPrev: usize, c: usize, tanhC: usize, h: usize): void {
  const sz = sizeof<T>();
  const hb = <usize>H * sz;
  for (let b = 0; b < rows; b++) {
    const g0 = gates + <usize>b * 4 * hb;
    const r0 = <usize>b * hb;
    if (sizeof<T>() == 4) {
      let j = 0;
      for (; j + 4 <= H; j += 4) {
        const off = <usize>j * 4;
        lstmForwardF32x4(true, g0 + off, hb, cPrev + r0 + off, c + r0 + off, tanhC + r0 + off, h + r0 + off);
      }
      for (; j < H; j++) {
        const off = <usize>j * 4;
        lstmForwardF32x4(false, g0 + off, hb, cPrev + r0 + off, c + r0 + off, tanhC + r0 + off, h + r0 + off);
      }
    } else {
      for (let j = 0; j < H; j++) {
        const off = <usize>j * 8;
        const pg = g0 + off;
        const i = sigmoid1F64(load<f64>(pg));
        const f = sigmoid1F64(load<f64>(pg + hb));
        const g = Math.tanh(load<f64>(pg + 2 * hb));
        const o = sigmoid1F64(load<f64>(pg + 3 * hb));
        store<f64>(pg, i);
        store<f64>(pg + hb, f);
        store<f64>(pg + 2 * hb, g);
        store<f64>(pg + 3 * hb, o);
        const cNew = f * load<f64>(cPrev + r0 + off) + i * g;
        const t = Math.tanh(cNew);
        store<f64>(c + r0 + off, cNew);
        store<f64>(tanhC + r0 + off, t);
        store<f64>(h + r0 + off, o * t);
      }
    }
  }
}

/** L (or, in a tail, one) units of an LSTM step's backward, in the reference's order of operations. */
@inline function lstmBackwardV<T>(
  full: bool, pg: usize, hb: usize, pcPrev: usize, pt: usize, pdOut: usize, pdh: usize, pdc: usize, pd: usize,
): void {
  const one = splatT<T>(1);
  const i = ldv<T>(full, pg);
  const f = ldv<T>(full, pg + hb);
  const g = ldv<T>(full, pg + 2 * hb);
  const o = ldv<T>(full, pg + 3 * hb);
  const t = ldv<T>(full, pt);
  const dh = vadd<T>(ldv<T>(full, pdOut), ldv<T>(full, pdh));
  const dc = vadd<T>(ldv<T>(full, pdc), vmul<T>(vmul<T>(dh, o), vsub<T>(one, vmul<T>(t, t))));
  stv<T>(full, pd, vmul<T>(vmul<T>(vmul<T>(dc, g), i), vsub<T>(one, i)));
  stv<T>(full, pd + hb, vmul<T>(vmul<T>(vmul<T>(dc, ldv<T>(full, pcPrev)), f), vsub<T>(one, f)));
  stv<T>(full, pd + 2 * hb, vmul<T>(vmul<T>(dc, i), vsub<T>(one, vmul<T>(g, g))));
  stv<T>(full, pd + 3 * hb, vmul<T>(vmul<T>(vmul<T>(dh, t), o), vsub<T>(one, o)));
  stv<T>(full, pdc, vmul<T>(dc, f));
}

function lstmBackward<T>(
  rows: i32, H: i32, gates: usize, cPrev: usize, tanhC: usize, dOut: usize, dh: usize, dc: usize, dGates: usize,
): void {
  const sz = sizeof<T>();
  const L: i32 = sizeof<T>() == 4 ? 4 : 2;
  const hb = <usize>H * sz;
  for (let b = 0; b < rows; b++) {
    const g0 = gates + <usize>b * 4 * hb;
    const d0 = dGates + <usize>b * 4 * hb;
    const r0 = <usize>b * hb;
    let j = 0;
    for (; j + L <= H; j += L) {
      const off = <usize>j * sz;
      lstmBackwardV<T>(true, g0 + off, hb, cPrev + r0 + off, tanhC + r0 + off, dOut + r0 + off, dh + r0 + off, dc + r0 + off, d0 + off);
    }
    for (; j < H; j++) {
      const off = <usize>j * sz;
      lstmBackwardV<T>(false, g0 + off, hb, cPrev + r0 + off, tanhC + r0 + off, dOut + r0 + off, dh + r0 + off, dc + r0 + off, d0 + off);
    }
  }
}

/** Four (or, in a tail, one) units of an f32 GRU step; gate blocks are hb bytes apart in xw, hProj and gates. */
@inline function gruForwardF32x4(full: bool, px: usize, ps: usize, pg: usize, hb: usize, phn: usize, phPrev: usize, ph: usize): void {
  const r = sigmoidF32x4(f32x4.add(ldv<f32>(full, px), ldv<f32>(full, ps)));
  const z = sigmoidF32x4(f32x4.add(ldv<f32>(full, px + hb), ldv<f32>(full, ps + hb)));
  const hn = ldv<f32>(full, ps + 2 * hb);
  const n = tanhF32x4(f32x4.add(ldv<f32>(full, px + 2 * hb), f32x4.mul(r, hn)));
  stv<f32>(full, pg, r);
  stv<f32>(full, pg + hb, z);
  stv<f32>(full, pg + 2 * hb, n);
  stv<f32>(full, phn, hn);
  stv<f32>(full, ph, f32x4.add(f32x4.mul(f32x4.sub(f32x4.splat(1), z), n), f32x4.mul(z, ldv<f32>(full, phPrev))));
}

function gruForward<T>(rows: i32, H: i32, xw: usize, hProj: usize, gates: usize, hn: usize, hPrev: usize, h: usize): void {
  const sz = sizeof<T>();
  const hb = <usize>H * sz;
  for (let b = 0; b < rows; b++) {
    const x0 = xw + <usize>b * 3 * hb;
    const s0 = hProj + <usize>b * 3 * hb;
    const g0 = gates + <usize>b * 3 * hb;
    const r0 = <usize>b * hb;
    if (sizeof<T>() == 4) {
      let j = 0;
      for (; j + 4 <= H; j += 4) {
        const off = <usize>j * 4;
        gruForwardF32x4(true, x0 + off, s0 + off, g0 + off, hb, hn + r0 + off, hPrev + r0 + off, h + r0 + off);
      }
      for (; j < H; j++) {
        const off = <usize>j * 4;
        gruForwardF32x4(false, x0 + off, s0 + off, g0 + off, hb, hn + r0 + off, hPrev + r0 + off, h + r0 + off);
      }
    } else {
      for (let j = 0; j < H; j++) {
        const off = <usize>j * 8;
        const r = sigmoid1F64(load<f64>(x0 + off) + load<f64>(s0 + off));
        const z = sigmoid1F64(load<f64>(x0 + hb + off) + load<f64>(s0 + hb + off));
        const hnj = load<f64>(s0 + 2 * hb + off);
        const n = Math.tanh(load<f64>(x0 + 2 * hb + off) + r * hnj);
        store<f64>(g0 + off, r);
        store<f64>(g0 + hb + off, z);
        store<f64>(g0 + 2 * hb + off, n);
        store<f64>(hn + r0 + off, hnj);
        store<f64>(h + r0 + off, (1 - z) * n + z * load<f64>(hPrev + r0 + off));
      }
    }
  }
}

/** L (or, in a tail, one) units of a GRU step's backward, in the reference's order of operations. */
@inline function gruBackwardV<T>(
  full: bool, pg: usize, hb: usize, phPrev: usize, phn: usize, pdOut: usize, pdh: usize, pdx: usize, pdhw: usize,
): void {
  const one = splatT<T>(1);
  const r = ldv<T>(full, pg);
  const z = ldv<T>(full, pg + hb);
  const n = ldv<T>(full, pg + 2 * hb);
  const dh = vadd<T>(ldv<T>(full, pdOut), ldv<T>(full, pdh));
  const dnPre = vmul<T>(vmul<T>(dh, vsub<T>(one, z)), vsub<T>(one, vmul<T>(n, n)));
  const dzPre = vmul<T>(vmul<T>(vmul<T>(dh, vsub<T>(ldv<T>(full, phPrev), n)), z), vsub<T>(one, z));
  const drPre = vmul<T>(vmul<T>(vmul<T>(dnPre, ldv<T>(full, phn)), r), vsub<T>(one, r));
  stv<T>(full, pdx, drPre);
  stv<T>(full, pdx + hb, dzPre);
  stv<T>(full, pdx + 2 * hb, dnPre);
  stv<T>(full, pdhw, drPre);
  stv<T>(full, pdhw + hb, dzPre);
  stv<T>(full, pdhw + 2 * hb, vmul<T>(dnPre, r));
  stv<T>(full, pdh, vmul<T>(dh, z));
}

function gruBackward<T>(
  rows: i32, H: i32, gates: usize, hPrev: usize, hn: usize, dOut: usize, dh: usize, dXw: usize, dHw: usize,
): void {
  const sz = sizeof<T>();
  const L: i32 = sizeof<T>() == 4 ? 4 : 2;
  const hb = <usize>H * sz;
  for (let b = 0; b < rows; b++) {
    const g0 = gates + <usize>b * 3 * hb;
    const x0 = dXw + <usize>b * 3 * hb;
    const w0 = dHw + <usize>b * 3 * hb;
    const r0 = <usize>b * hb;
    let j = 0;
    for (; j + L <= H; j += L) {
      const off = <usize>j * sz;
      gruBackwardV<T>(true, g0 + off, hb, hPrev + r0 + off, hn + r0 + off, dOut + r0 + off, dh + r0 + off, x0 + off, w0 + off);
    }
    for (; j < H; j++) {
      const off = <usize>j * sz;
      gruBackwardV<T>(false, g0 + off, hb, hPrev + r0 + off, hn + r0 + off, dOut + r0 + off, dh + r0 + off, x0 + off, w0 + off);
    }
  }
}

// ---- exports (one per dtype; pointers are byte addresses) ----

export function heapBase(): usize {
  return __heap_base;
}

export function gemm_f32(tA: i32, tB: i32, m: i32, n: i32, k: i32, alpha: f64, a: usize, lda: i32, b: usize, ldb: i32, beta: f64, c: usize, ldc: i32, scratch: usize): void {
  gemm<f32>(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, scratch);
}
export function gemm_f64(tA: i32, tB: i32, m: i32, n: i32, k: i32, alpha: f64, a: usize, lda: i32, b: usize, ldb: i32, beta: f64, c: usize, ldc: i32, scratch: usize): void {
  gemm<f64>(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, scratch);
}
export function gemv_f32(trans: i32, m: i32, n: i32, alpha: f64, a: usize, lda: i32, x: usize, beta: f64, y: usize): void {
  if (trans) gemvT<f32>(m, n, alpha, a, lda, x, beta, y);
  else gemvN<f32>(m, n, alpha, a, lda, x, beta, y);
}
export function gemv_f64(trans: i32, m: i32, n: i32, alpha: f64, a: usize, lda: i32, x: usize, beta: f64, y: usize): void {
  if (trans) gemvT<f64>(m, n, alpha, a, lda, x, beta, y);
  else gemvN<f64>(m, n, alpha, a, lda, x, beta, y);
}
export function ger_f32(m: i32, n: i32, alpha: f64, x: usize, y: usize, a: usize, lda: i32): void {
  ger<f32>(m, n, alpha, x, y, a, lda);
}
export function ger_f64(m: i32, n: i32, alpha: f64, x: usize, y: usize, a: usize, lda: i32): void {
  ger<f64>(m, n, alpha, x, y, a, lda);
}
export function tanh_f32(n: i32, x: usize, out: usize): void {
  tanhF32(n, x, out);
}
export function tanh_f64(n: i32, x: usize, out: usize): void {
  tanhF64(n, x, out);
}
export function sigmoid_f32(n: i32, x: usize, out: usize): void {
  sigmoidF32(n, x, out);
}
export function sigmoid_f64(n: i32, x: usize, out: usize): void {
  sigmoidF64(n, x, out);
}
export function softmax_xent_f32(rows: i32, cols: i32, logits: usize, targets: usize, scale: f64, d: usize): f64 {
  return softmaxCrossEntropyF32(rows, cols, logits, targets, scale, d);
}
export function softmax_xent_f64(rows: i32, cols: i32, logits: usize, targets: usize, scale: f64, d: usize): f64 {
  return softmaxCrossEntropyF64(rows, cols, logits, targets, scale, d);
}

export function transpose_f32(rows: i32, cols: i32, src: usize, ld: i32, dst: usize): void {
  transposeInto<f32>(rows, cols, src, ld, dst);
}
export function transpose_f64(rows: i32, cols: i32, src: usize, ld: i32, dst: usize): void {
  transposeInto<f64>(rows, cols, src, ld, dst);
}
export function abs_max_f32(n: i32, x: usize): f64 {
  return absMax<f32>(n, x);
}
export function abs_max_f64(n: i32, x: usize): f64 {
  return absMax<f64>(n, x);
}
export function scaled_sum_squares_f32(n: i32, x: usize, divisor: f64): f64 {
  return scaledSumOfSquares<f32>(n, x, divisor);
}
export function scaled_sum_squares_f64(n: i32, x: usize, divisor: f64): f64 {
  return scaledSumOfSquares<f64>(n, x, divisor);
}
export function clamp_f32(n: i32, x: usize, limit: f64): i32 {
  return clampF32(n, x, limit);
}
export function clamp_f64(n: i32, x: usize, limit: f64): i32 {
  return clampF64(n, x, limit);
}
export function adagrad_f32(n: i32, value: usize, grad: usize, mem: usize, lr: f64, eps: f64): void {
  adagradF32(n, value, grad, mem, lr, eps);
}
export function adagrad_f64(n: i32, value: usize, grad: usize, mem: usize, lr: f64, eps: f64): void {
  adagradF64(n, value, grad, mem, lr, eps);
}

export function gather_rows_f32(rows: i32, cols: i32, table: usize, ids: usize, bias: usize, out: usize): void {
  gatherRows<f32>(rows, cols, table, ids, bias, out);
}
export function gather_rows_f64(rows: i32, cols: i32, table: usize, ids: usize, bias: usize, out: usize): void {
  gatherRows<f64>(rows, cols, table, ids, bias, out);
}
export function scatter_add_rows_f32(rows: i32, cols: i32, src: usize, ids: usize, table: usize): void {
  scatterAddRows<f32>(rows, cols, src, ids, table);
}
export function scatter_add_rows_f64(rows: i32, cols: i32, src: usize, ids: usize, table: usize): void {
  scatterAddRows<f64>(rows, cols, src, ids, table);
}
export function add_row_vector_f32(rows: i32, cols: i32, m: usize, v: usize): void {
  addRowVector<f32>(rows, cols, m, v);
}
export function add_row_vector_f64(rows: i32, cols: i32, m: usize, v: usize): void {
  addRowVector<f64>(rows, cols, m, v);
}
export function column_sums_f32(rows: i32, cols: i32, m: usize, out: usize): void {
  columnSums<f32>(rows, cols, m, out);
}
export function column_sums_f64(rows: i32, cols: i32, m: usize, out: usize): void {
  columnSums<f64>(rows, cols, m, out);
}
export function tanh_backward_f32(n: i32, a: usize, b: usize, y: usize, out: usize): void {
  tanhBackward<f32>(n, a, b, y, out);
}
export function tanh_backward_f64(n: i32, a: usize, b: usize, y: usize, out: usize): void {
  tanhBackward<f64>(n, a, b, y, out);
}
export function lstm_forward_f32(rows: i32, H: i32, gates: usize, cPrev: usize, c: usize, tanhC: usize, h: usize): void {
  lstmForward<f32>(rows, H, gates, cPrev, c, tanhC, h);
}
export function lstm_forward_f64(rows: i32, H: i32, gates: usize, cPrev: usize, c: usize, tanhC: usize, h: usize): void {
  lstmForward<f64>(rows, H, gates, cPrev, c, tanhC, h);
}
export function lstm_backward_f32(rows: i32, H: i32, gates: usize, cPrev: usize, tanhC: usize, dOut: usize, dh: usize, dc: usize, dGates: usize): void {
  lstmBackward<f32>(rows, H, gates, cPrev, tanhC, dOut, dh, dc, dGates);
}
export function lstm_backward_f64(rows: i32, H: i32, gates: usize, cPrev: usize, tanhC: usize, dOut: usize, dh: usize, dc: usize, dGates: usize): void {
  lstmBackward<f64>(rows, H, gates, cPrev, tanhC, dOut, dh, dc, dGates);
}
export function gru_forward_f32(rows: i32, H: i32, xw: usize, hProj: usize, gates: usize, hn: usize, hPrev: usize, h: usize): void {
  gruForward<f32>(rows, H, xw, hProj, gates, hn, hPrev, h);
}
export function gru_forward_f64(rows: i32, H: i32, xw: usize, hProj: usize, gates: usize, hn: usize, hPrev: usize, h: usize): void {
  gruForward<f64>(rows, H, xw, hProj, gates, hn, hPrev, h);
}
export function gru_backward_f32(rows: i32, H: i32, gates: usize, hPrev: usize, hn: usize, dOut: usize, dh: usize, dXw: usize, dHw: usize): void {
  gruBackward<f32>(rows, H, gates, hPrev, hn, dOut, dh, dXw, dHw);
}
export function gru_backward_f64(rows: i32, H: i32, gates: usize, hPrev: usize, hn: usize, dOut: usize, dh: usize, dXw: usize, dHw: usize): void {
  gruBackward<f64>(rows, H, gates, hPrev, hn, dOut, dh, dXw, dHw);
}
export function rnn_forward_steps_f32(steps: i32, B: i32, H: i32, xw: usize, whh: usize, whhT: usize, hs: usize, scratch: usize): void {
  rnnForwardSteps<f32>(steps, B, H, xw, whh, whhT, hs, scratch);
}
export function rnn_forward_steps_f64(steps: i32, B: i32, H: i32, xw: usize, whh: usize, whhT: usize, hs: usize, scratch: usize): void {
  rnnForwardSteps<f64>(steps, B, H, xw, whh, whhT, hs, scratch);
}
export function rnn_backward_steps_f32(steps: i32, B: i32, H: i32, dOut: usize, hs: usize, whh: usize, whhT: usize, dh: usize, dXw: usize, scratch: usize): void {
  rnnBackwardSteps<f32>(steps, B, H, dOut, hs, whh, whhT, dh, dXw, scratch);
}
export function rnn_backward_steps_f64(steps: i32, B: i32, H: i32, dOut: usize, hs: usize, whh: usize, whhT: usize, dh: usize, dXw: usize, scratch: usize): void {
  rnnBackwardSteps<f64>(steps, B, H, dOut, hs, whh, whhT, dh, dXw, scratch);
}
export function rnn_window_forward_f32(steps: i32, B: i32, H: i32, V: i32, ids: usize, wih: usize, bias: usize, whh: usize, whhT: usize, xw: usize, hs: usize, scratch: usize): void {
  rnnWindowForward<f32>(steps, B, H, V, ids, wih, bias, whh, whhT, xw, hs, scratch);
}
export function rnn_window_forward_f64(steps: i32, B: i32, H: i32, V: i32, ids: usize, wih: usize, bias: usize, whh: usize, whhT: usize, xw: usize, hs: usize, scratch: usize): void {
  rnnWindowForward<f64>(steps, B, H, V, ids, wih, bias, whh, whhT, xw, hs, scratch);
}
export function rnn_window_backward_f32(steps: i32, B: i32, H: i32, V: i32, dOut: usize, hs: usize, whh: usize, whhT: usize, dh: usize, dXw: usize, ids: usize, wihGrad: usize, bihGrad: usize, bhhGrad: usize, scratch: usize): void {
  rnnWindowBackward<f32>(steps, B, H, V, dOut, hs, whh, whhT, dh, dXw, ids, wihGrad, bihGrad, bhhGrad, scratch);
}
export function rnn_window_backward_f64(steps: i32, B: i32, H: i32, V: i32, dOut: usize, hs: usize, whh: usize, whhT: usize, dh: usize, dXw: usize, ids: usize, wihGrad: usize, bihGrad: usize, bhhGrad: usize, scratch: usize): void {
  rnnWindowBackward<f64>(steps, B, H, V, dOut, hs, whh, whhT, dh, dXw, ids, wihGrad, bihGrad, bhhGrad, scratch);
}
export function abs_max_sum_squares_f32(n: i32, x: usize, maxOut: usize): f64 {
  return absMaxSumSquaresF32(n, x, maxOut);
}
export function gather_columns_f32(rows: i32, H: i32, V: i32, wih: usize, ids: usize, bias: usize, xw: usize): void {
  gatherColumns<f32>(rows, H, V, wih, ids, bias, xw);
}
export function gather_columns_f64(rows: i32, H: i32, V: i32, wih: usize, ids: usize, bias: usize, xw: usize): void {
  gatherColumns<f64>(rows, H, V, wih, ids, bias, xw);
}
export function scatter_columns_f32(rows: i32, H: i32, V: i32, dXw: usize, ids: usize, wihGrad: usize): void {
  scatterColumns<f32>(rows, H, V, dXw, ids, wihGrad);
}
export function scatter_columns_f64(rows: i32, H: i32, V: i32, dXw: usize, ids: usize, wihGrad: usize): void {
  scatterColumns<f64>(rows, H, V, dXw, ids, wihGrad);
}

// Test only (kernel-table.ts scaledAddTestOnly): the table's proof that a fused kernel is one table
// line, one reference loop and this. out[r, :] = alpha·x[r, :] + y[:], in float64 like the reference.
function scaledAddTestOnly<T>(rows: i32, cols: i32, alpha: f64, x: usize, y: usize, out: usize): void {
  const sz = sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * <usize>cols * sz;
    for (let j = 0; j < cols; j++) {
      const at = row + <usize>j * sz;
      store<T>(out + at, <T>(alpha * <f64>load<T>(x + at) + <f64>load<T>(y + <usize>j * sz)));
    }
  }
}
export function scaled_add_test_only_f32(rows: i32, cols: i32, alpha: f64, x: usize, y: usize, out: usize): void {
  scaledAddTestOnly<f32>(rows, cols, alpha, x, y, out);
}
export function scaled_add_test_only_f64(rows: i32, cols: i32, alpha: f64, x: usize, y: usize, out: usize): void {
  scaledAddTestOnly<f64>(rows, cols, alpha, x, y, out);
}
