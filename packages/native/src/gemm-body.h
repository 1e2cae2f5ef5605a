// The gemm kernel, compiled once per instruction set: gemm.cc includes this file inside a namespace
// under `#pragma GCC target(...)` (the same as __attribute__((target)) on every function here), with
// VBYTES (vector width in bytes) and MR (rows of the register tile) defined. GCC vector extensions
// keep it one source for AVX-512, AVX2+FMA, SSE2 and any other architecture (NEON, or scalar code).
//
// Row-major C (m×n) = alpha·op(A)·op(B) + beta·C, blocked as in GotoBLAS: B packed in column panels
// of NR, A in row panels of MR, an MR×NR register tile. Each element of C takes the same sequence of
// operations wherever its tile sits, so splitting C on tile boundaries gives bit-identical results.

typedef float vf __attribute__((vector_size(VBYTES)));
typedef vf vfu __attribute__((aligned(4), may_alias));
typedef double vd __attribute__((vector_size(VBYTES)));
typedef vd vdu __attribute__((aligned(8), may_alias));

static const int NV = 2;  // vectors per tile row

// Unaligned access to C (typedef'd attributes do not survive as template arguments, hence overloads).
static inline vf loadu(const float* p) { return *(const vfu*)p; }
static inline vd loadu(const double* p) { return *(const vdu*)p; }
static inline void storeu(float* p, vf v) { *(vfu*)p = v; }
static inline void storeu(double* p, vd v) { *(vdu*)p = v; }

template <typename T, typename V>
static inline void tile(long kc, const T* __restrict ap, const T* __restrict bp, T alpha, T beta, bool first,
                        T* __restrict c, long ldc, int mr, int nr) {
  constexpr int VL = VBYTES / sizeof(T);
  constexpr int NR = NV * VL;
  V acc[MR][NV];
#pragma GCC unroll 32
  for (int r = 0; r < MR; r++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) acc[r][v] = V{};
  for (long p = 0; p < kc; p++) {
    V b[NV];
#pragma GCC unroll 4
    // Unaligned loads: a prepacked B lives in the caller's memory, which promises no 64-byte alignment
    // (on aligned data they cost what aligned ones do).
    for (int v = 0; v < NV; v++) b[v] = loadu(bp + p * NR + v * VL);
#pragma GCC unroll 32
    for (int r = 0; r < MR; r++) {
      V a = V{} + ap[p * MR + r];
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[r][v] += a * b[v];
    }
  }
  if (mr == MR && nr == NR) {
#pragma GCC unroll 32
    for (int r = 0; r < MR; r++)
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) {
        T* cp = c + r * ldc + v * VL;
        V res = alpha * acc[r][v];
        if (!first) storeu(cp, loadu(cp) + res);
        else if (beta == 0) storeu(cp, res);
        else storeu(cp, beta * loadu(cp) + res);
      }
  } else {
    V tmp[MR][NV];
    for (int r = 0; r < MR; r++)
      for (int v = 0; v < NV; v++) tmp[r][v] = alpha * acc[r][v];
    const T* t = (const T*)tmp;
    for (int r = 0; r < mr; r++)
      for (int j = 0; j < nr; j++) {
        T* cp = c + r * ldc + j;
        T res = t[r * NR + j];
        if (!first) *cp = *cp + res;
        else if (beta == 0) *cp = res;
        else *cp = beta * *cp + res;
      }
  }
}

template <typename T>
static void pack_b(bool tB, const T* b, long ldb, long p0, long kc, long j0, long nc, int NR, T* dst) {
  for (long jp = 0; jp < nc; jp += NR) {
    T* d = dst + jp * kc;
    long w = nc - jp < NR ? nc - jp : NR;
    if (!tB) {
      for (long p = 0; p < kc; p++) {
        const T* s = b + (p0 + p) * ldb + j0 + jp;
        long j = 0;
        for (; j < w; j++) d[p * NR + j] = s[j];
        for (; j < NR; j++) d[p * NR + j] = 0;
      }
    } else {
      for (long j = 0; j < NR; j++) {
        if (j < w) {
          const T* s = b + (j0 + jp + j) * ldb + p0;
          for (long p = 0; p < kc; p++) d[p * NR + j] = s[p];
        } else {
          for (long p = 0; p < kc; p++) d[p * NR + j] = 0;
        }
      }
    }
  }
}

template <typename T>
static void pack_a(bool tA, const T* a, long lda, long i0, long mc, long p0, long kc, T* dst) {
  for (long ip = 0; ip < mc; ip += MR) {
    T* d = dst + ip * kc;
    long h = mc - ip < MR ? mc - ip : MR;
    if (!tA) {
      for (long r = 0; r < MR; r++) {
        if (r < h) {
          const T* s = a + (i0 + ip + r) * lda + p0;
          for (long p = 0; p < kc; p++) d[p * MR + r] = s[p];
        } else {
          for (long p = 0; p < kc; p++) d[p * MR + r] = 0;
        }
      }
    } else {
      for (long p = 0; p < kc; p++) {
        const T* s = a + (p0 + p) * lda + i0 + ip;
        long r = 0;
        for (; r < h; r++) d[p * MR + r] = s[r];
        for (; r < MR; r++) d[p * MR + r] = 0;
      }
    }
  }
}

template <typename T, typename V>
static void gemm_t(bool tA, bool tB, long m, long n, long k, T alpha, const T* a, long lda, const T* b, long ldb,
                   T beta, T* c, long ldc, Scratch& s) {
  constexpr int VL = VBYTES / sizeof(T);
  constexpr int NR = NV * VL;
  const long KC = 256, MC = MR * (sizeof(T) == 4 ? 16 : 12), NC = sizeof(T) == 4 ? 2048 : 1024;
  T* bpack = (T*)s.get(0, (size_t)KC * ((NC + NR - 1) / NR * NR) * sizeof(T));
  T* apack = (T*)s.get(1, (size_t)KC * ((MC + MR - 1) / MR * MR) * sizeof(T));
  for (long jc = 0; jc < n; jc += NC) {
    long nc = n - jc < NC ? n - jc : NC;
    for (long pc = 0; pc < k; pc += KC) {
      long kc = k - pc < KC ? k - pc : KC;
      pack_b<T>(tB, b, ldb, pc, kc, jc, nc, NR, bpack);
      for (long ic = 0; ic < m; ic += MC) {
        long mc = m - ic < MC ? m - ic : MC;
        pack_a<T>(tA, a, lda, ic, mc, pc, kc, apack);
        for (long jr = 0; jr < nc; jr += NR) {
          int nr = nc - jr < NR ? (int)(nc - jr) : NR;
          for (long ir = 0; ir < mc; ir += MR) {
            int mr = mc - ir < MR ? (int)(mc - ir) : MR;
            tile<T, V>(kc, apack + ir * kc, bpack + jr * kc, alpha, beta, pc == 0,
                           c + (ic + ir) * ldc + jc + jr, ldc, mr, nr);
          }
        }
      }
    }
  }
}

// A prepacked B: op(B) [k, n] packed once into what gemm_t's pack_b writes, for every KC block of k in
// order: block pc (kc rows) at pc·nPad (nPad = n rounded up to NR), its NR-column panels kc·NR apart.
// gemm_packed_t then runs gemm_t's tiles on those panels: each element of C takes the same operations
// in the same order (KC blocks of k in turn, the same tile), so the result is bit-identical to gemm_t.
template <typename T>
static long packed_n(long n) {
  constexpr long NR = NV * (VBYTES / sizeof(T));
  return (n + NR - 1) / NR * NR;
}

template <typename T>
static void pack_b_all(bool tB, const T* b, long ldb, long k, long n, T* dst) {
  constexpr int NR = NV * (VBYTES / sizeof(T));
  const long KC = 256, nPad = packed_n<T>(n);
  for (long pc = 0; pc < k; pc += KC) pack_b<T>(tB, b, ldb, pc, k - pc < KC ? k - pc : KC, 0, n, NR, dst + pc * nPad);
}

// C[m, n] from columns col0 .. col0+n of a prepacked B whose whole width is nPadAll (padded).
template <typename T, typename V>
static void gemm_packed_t(bool tA, long m, long n, long k, T alpha, const T* a, long lda, const T* packed, long nPadAll,
                          long col0, T beta, T* c, long ldc, Scratch& s) {
  constexpr int VL = VBYTES / sizeof(T);
  constexpr int NR = NV * VL;
  const long KC = 256, MC = MR * (sizeof(T) == 4 ? 16 : 12);
  T* apack = (T*)s.get(1, (size_t)KC * ((MC + MR - 1) / MR * MR) * sizeof(T));
  for (long pc = 0; pc < k; pc += KC) {
    long kc = k - pc < KC ? k - pc : KC;
    const T* block = packed + pc * nPadAll + col0 * kc;
    for (long ic = 0; ic < m; ic += MC) {
      long mc = m - ic < MC ? m - ic : MC;
      pack_a<T>(tA, a, lda, ic, mc, pc, kc, apack);
      for (long jr = 0; jr < n; jr += NR) {
        int nr = n - jr < NR ? (int)(n - jr) : NR;
        for (long ir = 0; ir < mc; ir += MR) {
          int mr = mc - ir < MR ? (int)(mc - ir) : MR;
          tile<T, V>(kc, apack + ir * kc, block + jr * kc, alpha, beta, pc == 0, c + (ic + ir) * ldc + jr, ldc, mr, nr);
        }
      }
    }
  }
}

static long packed_elements_f32(long k, long n) { return k * packed_n<float>(n); }
static long packed_elements_f64(long k, long n) { return k * packed_n<double>(n); }
static void pack_b_f32(bool tB, const float* b, long ldb, long k, long n, float* dst) { pack_b_all<float>(tB, b, ldb, k, n, dst); }
static void pack_b_f64(bool tB, const double* b, long ldb, long k, long n, double* dst) { pack_b_all<double>(tB, b, ldb, k, n, dst); }
static void gemm_packed_f32(bool tA, long m, long n, long k, float alpha, const float* a, long lda, const float* packed,
                            long nPadAll, long col0, float beta, float* c, long ldc, Scratch& s) {
  gemm_packed_t<float, vf>(tA, m, n, k, alpha, a, lda, packed, nPadAll, col0, beta, c, ldc, s);
}
static void gemm_packed_f64(bool tA, long m, long n, long k, double alpha, const double* a, long lda, const double* packed,
                            long nPadAll, long col0, double beta, double* c, long ldc, Scratch& s) {
  gemm_packed_t<double, vd>(tA, m, n, k, alpha, a, lda, packed, nPadAll, col0, beta, c, ldc, s);
}

static void gemm_f32(bool tA, bool tB, long m, long n, long k, float alpha, const float* a, long lda,
                     const float* b, long ldb, float beta, float* c, long ldc, Scratch& s) {
  gemm_t<float, vf>(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, s);
}
static void gemm_f64(bool tA, bool tB, long m, long n, long k, double alpha, const double* a, long lda,
                     const double* b, long ldb, double beta, double* c, long ldc, Scratch& s) {
  gemm_t<double, vd>(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, s);
}
static const int TILE_ROWS = MR;
static const int TILE_COLS_BYTES = NV * VBYTES;
