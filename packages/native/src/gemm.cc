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
#include <cstring>
#include <mutex>
#include <thread>

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
};

Isa pickIsa() {
#ifdef CHARRNN_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return {"avx512f", k512::gemm_f32, k512::gemm_f64, k512::TILE_ROWS, k512::TILE_COLS_BYTES};
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return {"avx2+fma", k256::gemm_f32, k256::gemm_f64, k256::TILE_ROWS, k256::TILE_COLS_BYTES};
  return {"sse2", k128::gemm_f32, k128::gemm_f64, k128::TILE_ROWS, k128::TILE_COLS_BYTES};
#else
  return {"portable", k128::gemm_f32, k128::gemm_f64, k128::TILE_ROWS, k128::TILE_COLS_BYTES};
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
};

void runJob(const Job& j, Scratch& s) {
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
  if (j.f64) {
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
      other.b = j.b + (j.tB ? s * j.ldb : s) * bpe;
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

napi_value Init(napi_env env, napi_value exports) {
  std::call_once(isaPicked, [] { isa = pickIsa(); });
  napi_value fn, name;
  napi_create_function(env, "registerMemory", NAPI_AUTO_LENGTH, RegisterMemory, nullptr, &fn);
  napi_set_named_property(env, exports, "registerMemory", fn);
  napi_create_function(env, "gemm", NAPI_AUTO_LENGTH, Gemm, nullptr, &fn);
  napi_set_named_property(env, exports, "gemm", fn);
  napi_create_string_utf8(env, isa.name, NAPI_AUTO_LENGTH, &name);
  napi_set_named_property(env, exports, "isa", name);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
