// @charrnn/native: an optional float32/float64 gemm for Node, on a registered (shared) buffer.
// JS registers the WebAssembly memory once; each gemm call then passes only numbers (byte offsets,
// dimensions, alpha/beta, transpose flags), so a call costs well under a microsecond of overhead.
// The kernel is built for baseline x86-64 and again for AVX2+FMA and AVX-512F (never -march=native);
// the widest one this CPU supports is picked at load time. Other architectures get the portable build.

#include <node_api.h>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

namespace {

// Grow-only, 64-byte aligned packing buffers (two per thread: packed B and packed A).
struct Scratch {
  void* buf[2] = {nullptr, nullptr};
  size_t size[2] = {0, 0};
  void* get(int i, size_t bytes) {
    if (bytes > size[i]) {
      std::free(buf[i]);
      size_t rounded = (bytes + 63) / 64 * 64;
      buf[i] = std::aligned_alloc(64, rounded);
      size[i] = buf[i] ? rounded : 0;
    }
    return buf[i];
  }
};

typedef void (*GemmF32)(bool, bool, long, long, long, float, const float*, long, const float*, long, float, float*, long, Scratch&);
typedef void (*GemmF64)(bool, bool, long, long, long, double, const double*, long, const double*, long, double, double*, long, Scratch&);
typedef long (*PackedElements)(long, long);
typedef void (*PackBF32)(bool, const float*, long, long, long, float*);
typedef void (*PackBF64)(bool, const double*, long, long, long, double*);
typedef void (*GemmPackedF32)(bool, long, long, long, float, const float*, long, const float*, long, long, float, float*, long, Scratch&);
typedef void (*GemmPackedF64)(bool, long, long, long, double, const double*, long, const double*, long, long, double, double*, long, Scratch&);

}  // namespace

#if defined(__x86_64__) || defined(__i386__)
#define CHARRNN_X86 1
#pragma GCC push_options
#pragma GCC target("avx512f")
namespace k512 {
#define VBYTES 64
#define MR 8
#include "gemm-body.h"
#undef MR
#undef VBYTES
}  // namespace k512
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace k256 {
#define VBYTES 32
#define MR 6
#include "gemm-body.h"
#undef MR
#undef VBYTES
}  // namespace k256
#pragma GCC pop_options
#endif

// Baseline: SSE2 on x86-64, the compiler's default vector unit (or scalar code) elsewhere.
namespace k128 {
#define VBYTES 16
#define MR 4
#include "gemm-body.h"
#undef MR
#undef VBYTES
}  // namespace k128

namespace {

struct Isa {
  const char* name;
  GemmF32 f32;
  GemmF64 f64;
  int tileRows;
  int tileColsBytes;
  // The prepacked-B path (pack op(B) once, many products): same tiles, same results.
  PackedElements packedF32, packedF64;
  PackBF32 packF32;
  PackBF64 packF64;
  GemmPackedF32 gemmPackedF32;
  GemmPackedF64 gemmPackedF64;
};

#define CHARRNN_ISA(ns, name) \
  {name, ns::gemm_f32, ns::gemm_f64, ns::TILE_ROWS, ns::TILE_COLS_BYTES, ns::packed_elements_f32, ns::packed_elements_f64, \
   ns::pack_b_f32, ns::pack_b_f64, ns::gemm_packed_f32, ns::gemm_packed_f64}

Isa pickIsa() {
#ifdef CHARRNN_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return CHARRNN_ISA(k512, "avx512f");
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return CHARRNN_ISA(k256, "avx2+fma");
  return CHARRNN_ISA(k128, "sse2");
#else
  return CHARRNN_ISA(k128, "portable");
#endif
}

// The addon is loaded once per process but called from every Node worker thread that uses it (a
// sweep runs one trial per worker thread), so nothing a call writes may be shared between threads:
// packing buffers and the helper thread belong to the calling thread, and the table of registered
// memories is only extended under a lock.
Isa isa;
std::once_flag isaPicked;
// Registered memories: one per wasm kernels instance (a process may hold several), by handle.
const int MAX_MEMORIES = 256;
struct Memory {
  uint8_t* base;
  size_t length;
};
Memory memories[MAX_MEMORIES];
std::atomic<int> memoryCount{0};
std::mutex registration;
// The calling thread's packing buffers.
thread_local Scratch callerScratch;

// A job in byte offsets from base.
struct Job {
  uint8_t* base;
  bool f64, tA, tB;
  long m, n, k, lda, ldb, ldc;
  double alpha, beta;
  size_t a, b, c;
  // packed: b is a prepacked B (packB) of padded width nPadAll; this job's columns start at col0 of it.
  bool packed = false;
  long nPadAll = 0, col0 = 0;
};

// Opt-in (setFlushDenormals): run the kernel with subnormal inputs read as 0 and subnormal results
// flushed to 0 (x86 MXCSR DAZ|FTZ). A subnormal operand makes x86 multiply-adds take a microcode
// assist: a gemm over them ran at 0.8 GFLOP/s instead of ~80 (saturated LSTM gates give such
// gradients). Changes results only where a subnormal appears; the caller's MXCSR is restored.
std::atomic<bool> flushDenormals{false};

void runKernel(const Job& j, Scratch& s);

void runJob(const Job& j, Scratch& s) {
#if defined(__x86_64__) || defined(__i386__)
  if (flushDenormals.load(std::memory_order_relaxed)) {
    unsigned saved = _mm_getcsr();
    _mm_setcsr(saved | 0x8040);  // FTZ (bit 15) | DAZ (bit 6)
    runKernel(j, s);
    _mm_setcsr(saved);
    return;
  }
#endif
  runKernel(j, s);
}

void runKernel(const Job& j, Scratch& s) {
  uint8_t* base = j.base;
  if (j.k == 0) {
    for (long i = 0; i < j.m; i++)
      for (long q = 0; q < j.n; q++) {
        if (j.f64) {
          double* cp = (double*)(base + j.c) + i * j.ldc + q;
          *cp = j.beta == 0 ? 0 : j.beta * *cp;
        } else {
          float* cp = (float*)(base + j.c) + i * j.ldc + q;
          *cp = j.beta == 0 ? 0.0f : (float)j.beta * *cp;
        }
      }
    return;
  }
  if (j.packed && j.f64) {
    isa.gemmPackedF64(j.tA, j.m, j.n, j.k, j.alpha, (const double*)(base + j.a), j.lda, (const double*)(base + j.b), j.nPadAll,
                      j.col0, j.beta, (double*)(base + j.c), j.ldc, s);
  } else if (j.packed) {
    isa.gemmPackedF32(j.tA, j.m, j.n, j.k, (float)j.alpha, (const float*)(base + j.a), j.lda, (const float*)(base + j.b),
                      j.nPadAll, j.col0, (float)j.beta, (float*)(base + j.c), j.ldc, s);
  } else if (j.f64) {
    isa.f64(j.tA, j.tB, j.m, j.n, j.k, j.alpha, (const double*)(base + j.a), j.lda, (const double*)(base + j.b), j.ldb,
            j.beta, (double*)(base + j.c), j.ldc, s);
  } else {
    isa.f32(j.tA, j.tB, j.m, j.n, j.k, (float)j.alpha, (const float*)(base + j.a), j.lda, (const float*)(base + j.b), j.ldb,
            (float)j.beta, (float*)(base + j.c), j.ldc, s);
  }
}

// One persistent helper thread: spins briefly for work, then sleeps on a condition variable.
struct Helper {
  std::thread thread;
  std::mutex mutex;
  std::condition_variable cv;
  std::atomic<unsigned> posted{0};
  std::atomic<unsigned> done{0};
  Job job{};
  bool started = false;
  Scratch scratch;  // the helper's own packing buffers

  void start() {
    if (started) return;
    started = true;
    thread = std::thread([this] { loop(); });
    thread.detach();
  }
  void loop() {
    unsigned seen = 0;
    for (;;) {
      unsigned p;
      int spins = 0;
      while ((p = posted.load(std::memory_order_acquire)) == seen) {
        if (++spins < 200000) continue;
        std::unique_lock<std::mutex> lock(mutex);
        cv.wait(lock, [&] { return posted.load(std::memory_order_acquire) != seen; });
      }
      seen = p;
      runJob(job, scratch);
      done.store(seen, std::memory_order_release);
    }
  }
  void post(const Job& j) {
    job = j;
    {
      std::lock_guard<std::mutex> lock(mutex);
      posted.fetch_add(1, std::memory_order_acq_rel);
    }
    cv.notify_one();
  }
  void join() {
    unsigned p = posted.load(std::memory_order_relaxed);
    while (done.load(std::memory_order_acquire) != p) {
    }
  }
};

// One helper per calling thread that asks for two threads. Leaked on purpose: destroying a condition
// variable a sleeping thread waits on blocks exit().
thread_local Helper* helper = nullptr;

void runSplit(const Job& j, int threads) {
  if (threads >= 2) {
    // Split C on tile boundaries (columns if there are at least two column tiles, else rows), so each
    // element is computed exactly as on one thread.
    long nr = isa.tileColsBytes / (j.f64 ? 8 : 4);
    long mr = isa.tileRows;
    long bpe = j.f64 ? 8 : 4;
    Job mine = j, other = j;
    bool split = false;
    if (j.n >= 2 * nr) {
      long s = (j.n / nr + 1) / 2 * nr;
      mine.n = s;
      other.n = j.n - s;
      if (j.packed) other.col0 = j.col0 + s;
      else other.b = j.b + (j.tB ? s * j.ldb : s) * bpe;
      other.c = j.c + s * bpe;
      split = true;
    } else if (j.m >= 2 * mr) {
      long s = (j.m / mr + 1) / 2 * mr;
      mine.m = s;
      other.m = j.m - s;
      other.a = j.a + (j.tA ? s : s * j.lda) * bpe;
      other.c = j.c + s * j.ldc * bpe;
      split = true;
    }
    if (split) {
      if (helper == nullptr) helper = new Helper();
      helper->start();
      helper->post(other);
      runJob(mine, callerScratch);
      helper->join();
      return;
    }
  }
  runJob(j, callerScratch);
}

napi_value throwError(napi_env env, const char* message) {
  napi_throw_range_error(env, nullptr, message);
  return nullptr;
}

// registerMemory(view: Uint8Array over the whole (Shared)ArrayBuffer[, handle]): remembers its data
// pointer and length under a new handle (or updates the given one, after the memory grew); returns it.
napi_value RegisterMemory(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  bool is = false;
  if (argc < 1 || napi_is_typedarray(env, argv[0], &is) != napi_ok || !is)
    return throwError(env, "registerMemory: view must be a Uint8Array over the memory, got something else");
  napi_typedarray_type type;
  size_t length = 0, offset = 0;
  void* data = nullptr;
  napi_value ab;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, &ab, &offset) != napi_ok || type != napi_uint8_array)
    return throwError(env, "registerMemory: view must be a Uint8Array over the memory, got another typed array");
  int32_t handle = -1;
  napi_valuetype t = napi_undefined;
  if (argc >= 2) napi_typeof(env, argv[1], &t);
  {
    std::lock_guard<std::mutex> lock(registration);
    if (t == napi_number) {
      napi_get_value_int32(env, argv[1], &handle);
      if (handle < 0 || handle >= memoryCount.load()) return throwError(env, "registerMemory: handle must be one registerMemory returned, got another number");
    } else {
      if (memoryCount.load() == MAX_MEMORIES) return throwError(env, "registerMemory: memories must number at most 256, got more");
      handle = memoryCount.load();
    }
    memories[handle].base = (uint8_t*)data;
    memories[handle].length = length;
    // Published after the entry is written, so a thread that sees the count sees the entry.
    if (handle == memoryCount.load()) memoryCount.store(handle + 1);
  }
  napi_value result;
  napi_create_int32(env, handle, &result);
  return result;
}

bool inside(long rows, long cols, long ld, size_t off, long bpe, size_t memLength) {
  if (rows <= 0 || cols <= 0) return true;
  if (off % bpe != 0) return false;
  double end = (double)off + ((double)(rows - 1) * ld + cols) * bpe;
  return end <= (double)memLength;
}

// gemm(handle, f64, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads): a, b, c are byte offsets.
napi_value Gemm(napi_env env, napi_callback_info info) {
  size_t argc = 16;
  napi_value argv[16];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 16) return throwError(env, "gemm: arguments must number 16, got fewer");
  double v[16];
  int32_t handle = -1;
  if (napi_get_value_int32(env, argv[0], &handle) != napi_ok || handle < 0 || handle >= memoryCount)
    return throwError(env, "gemm: handle must be one registerMemory returned, got another value");
  for (int i = 1; i < 16; i++) {
    if (napi_get_value_double(env, argv[i], &v[i]) != napi_ok) return throwError(env, "gemm: arguments must be numbers, got another type");
  }
  const Memory& mem = memories[handle];
  Job j;
  j.base = mem.base;
  j.f64 = v[1] != 0;
  j.tA = v[2] != 0;
  j.tB = v[3] != 0;
  j.m = (long)v[4];
  j.n = (long)v[5];
  j.k = (long)v[6];
  j.alpha = v[7];
  j.a = (size_t)v[8];
  j.lda = (long)v[9];
  j.b = (size_t)v[10];
  j.ldb = (long)v[11];
  j.beta = v[12];
  j.c = (size_t)v[13];
  j.ldc = (long)v[14];
  int threads = (int)v[15];
  long bpe = j.f64 ? 8 : 4;
  if (j.m < 0 || j.n < 0 || j.k < 0 || v[8] < 0 || v[10] < 0 || v[13] < 0)
    return throwError(env, "gemm: dimensions and offsets must be non-negative, got a negative one");
  if (!inside(j.tA ? j.k : j.m, j.tA ? j.m : j.k, j.lda, j.a, bpe, mem.length) || !inside(j.tB ? j.n : j.k, j.tB ? j.k : j.n, j.ldb, j.b, bpe, mem.length) ||
      !inside(j.m, j.n, j.ldc, j.c, bpe, mem.length))
    return throwError(env, "gemm: matrices must lie inside the registered memory (aligned), got one outside");
  if (j.m == 0 || j.n == 0) return nullptr;
  runSplit(j, threads);
  return nullptr;
}

// Reads count arguments: a handle, then numbers into v[1..count-1] (after the handle) into v[1..argc-1]; false (with a RangeError thrown) on a bad call.
bool readNumbers(napi_env env, napi_callback_info info, const char* fn, size_t count, unsigned scalarMask, double* v,
                 const Memory** mem) {
  napi_value argv[16];
  size_t argc = 16;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  char message[160];
  if (argc < count) {
    snprintf(message, sizeof message, "%s: arguments must number %zu, got %zu", fn, count, argc);
    throwError(env, message);
    return false;
  }
  int32_t handle = -1;
  if (napi_get_value_int32(env, argv[0], &handle) != napi_ok || handle < 0 || handle >= memoryCount) {
    snprintf(message, sizeof message, "%s: handle must be one registerMemory returned, got another value", fn);
    throwError(env, message);
    return false;
  }
  for (size_t i = 1; i < count; i++) {
    // Every argument but alpha and beta (scalarMask) is a dimension, flag or offset: non-negative.
    if (napi_get_value_double(env, argv[i], &v[i]) != napi_ok || !(v[i] >= 0 || (scalarMask >> i & 1))) {
      snprintf(message, sizeof message, "%s: dimensions and offsets must be non-negative numbers, got another value", fn);
      throwError(env, message);
      return false;
    }
  }
  *mem = &memories[handle];
  return true;
}

long packedElements(bool f64, long k, long n) { return f64 ? isa.packedF64(k, n) : isa.packedF32(k, n); }

// packedLength(f64, k, n): elements a prepacked op(B) [k, n] takes (k times n rounded up to the tile width).
napi_value PackedLength(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  double v[3] = {0, -1, -1};
  for (size_t i = 0; i < argc && i < 3; i++) napi_get_value_double(env, argv[i], &v[i]);
  if (argc < 3 || !(v[1] >= 0) || !(v[2] >= 0)) return throwError(env, "packedLength: k and n must be non-negative numbers, got another value");
  napi_value result;
  napi_create_double(env, (double)packedElements(v[0] != 0, (long)v[1], (long)v[2]), &result);
  return result;
}

// packB(handle, f64, tB, k, n, b, ldb, dst): packs op(B) [k, n] at byte offset b into packedLength elements at dst.
napi_value PackB(napi_env env, napi_callback_info info) {
  double v[8];
  const Memory* mem;
  if (!readNumbers(env, info, "packB", 8, 0, v, &mem)) return nullptr;
  bool f64 = v[1] != 0, tB = v[2] != 0;
  long k = (long)v[3], n = (long)v[4], ldb = (long)v[6];
  size_t b = (size_t)v[5], dst = (size_t)v[7];
  long bpe = f64 ? 8 : 4;
  if (!inside(tB ? n : k, tB ? k : n, ldb, b, bpe, mem->length) || !inside(1, packedElements(f64, k, n), 0, dst, bpe, mem->length))
    return throwError(env, "packB: matrices must lie inside the registered memory (aligned), got one outside");
  if (k == 0 || n == 0) return nullptr;
  if (f64) isa.packF64(tB, (const double*)(mem->base + b), ldb, k, n, (double*)(mem->base + dst));
  else isa.packF32(tB, (const float*)(mem->base + b), ldb, k, n, (float*)(mem->base + dst));
  return nullptr;
}

// gemmPacked(handle, f64, tA, m, n, k, alpha, a, lda, packed, beta, c, ldc, threads): gemm with B from packB.
napi_value GemmPacked(napi_env env, napi_callback_info info) {
  double v[14];
  const Memory* mem;
  if (!readNumbers(env, info, "gemmPacked", 14, 1u << 6 | 1u << 10, v, &mem)) return nullptr;
  Job j;
  j.base = mem->base;
  j.f64 = v[1] != 0;
  j.tA = v[2] != 0;
  j.tB = false;
  j.m = (long)v[3];
  j.n = (long)v[4];
  j.k = (long)v[5];
  j.alpha = v[6];
  j.a = (size_t)v[7];
  j.lda = (long)v[8];
  j.b = (size_t)v[9];
  j.ldb = 0;
  j.beta = v[10];
  j.c = (size_t)v[11];
  j.ldc = (long)v[12];
  j.packed = true;
  j.nPadAll = packedElements(j.f64, 1, j.n);
  j.col0 = 0;
  int threads = (int)v[13];
  long bpe = j.f64 ? 8 : 4;
  if (!inside(j.tA ? j.k : j.m, j.tA ? j.m : j.k, j.lda, j.a, bpe, mem->length) ||
      !inside(1, packedElements(j.f64, j.k, j.n), 0, j.b, bpe, mem->length) || !inside(j.m, j.n, j.ldc, j.c, bpe, mem->length))
    return throwError(env, "gemmPacked: matrices must lie inside the registered memory (aligned), got one outside");
  if (j.m == 0 || j.n == 0) return nullptr;
  runSplit(j, threads);
  return nullptr;
}

// setFlushDenormals(on): every later product, on every thread, reads and writes subnormals as 0 (x86;
// elsewhere nothing changes). Returns whether this build can flush.
napi_value SetFlushDenormals(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  bool on = false;
  if (argc < 1 || napi_get_value_bool(env, argv[0], &on) != napi_ok)
    return throwError(env, "setFlushDenormals: on must be a boolean, got another value");
  flushDenormals.store(on);
  napi_value result;
#if defined(__x86_64__) || defined(__i386__)
  napi_get_boolean(env, true, &result);
#else
  napi_get_boolean(env, false, &result);
#endif
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  std::call_once(isaPicked, [] { isa = pickIsa(); });
  napi_value fn, name;
  napi_create_function(env, "registerMemory", NAPI_AUTO_LENGTH, RegisterMemory, nullptr, &fn);
  napi_set_named_property(env, exports, "registerMemory", fn);
  napi_create_function(env, "gemm", NAPI_AUTO_LENGTH, Gemm, nullptr, &fn);
  napi_set_named_property(env, exports, "gemm", fn);
  napi_create_function(env, "packedLength", NAPI_AUTO_LENGTH, PackedLength, nullptr, &fn);
  napi_set_named_property(env, exports, "packedLength", fn);
  napi_create_function(env, "packB", NAPI_AUTO_LENGTH, PackB, nullptr, &fn);
  napi_set_named_property(env, exports, "packB", fn);
  napi_create_function(env, "gemmPacked", NAPI_AUTO_LENGTH, GemmPacked, nullptr, &fn);
  napi_set_named_property(env, exports, "gemmPacked", fn);
  napi_create_function(env, "setFlushDenormals", NAPI_AUTO_LENGTH, SetFlushDenormals, nullptr, &fn);
  napi_set_named_property(env, exports, "setFlushDenormals", fn);
  napi_create_string_utf8(env, isa.name, NAPI_AUTO_LENGTH, &name);
  napi_set_named_property(env, exports, "isa", name);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
