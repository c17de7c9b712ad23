// nasforge's native binding: a thin N-API layer over libtorch. No model logic lives here.
#include <ATen/Parallel.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <thread>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "handle.h"

namespace nf {
void InitOps(Napi::Env env, Napi::Object exports);
void InitTensor(Napi::Env env, Napi::Object exports);
void InitRng(Napi::Env env, Napi::Object exports);
}  // namespace nf

// Keep freed memory for the next step. glibc serves every block above its mmap threshold (at
// most 32 MB) with a fresh mmap, unmaps it on free and trims its heap, so each training step
// faults its activations in again: ~140,000 page faults and 350-400 ms of system time per
// NAS-Bench-Macro step (docs/benchmarks.md). With mmap off and trimming only past 2 GB of free
// heap, the memory is reused; the price is that RSS stays near its peak. NASFORGE_MALLOC=system,
// or any of glibc's own MALLOC_*_ variables, leaves glibc's policy alone.
static void KeepFreedMemory() {
#if defined(__GLIBC__)
  const char* choice = std::getenv("NASFORGE_MALLOC");
  if (choice != nullptr && std::strcmp(choice, "system") == 0) return;
  if (std::getenv("MALLOC_MMAP_MAX_") || std::getenv("MALLOC_TRIM_THRESHOLD_") ||
      std::getenv("MALLOC_MMAP_THRESHOLD_") || std::getenv("MALLOC_TOP_PAD_")) {
    return;
  }
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
#endif
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  KeepFreedMemory();
  // libtorch defaults to one intra-op thread here; use every core unless told otherwise.
  unsigned cores = std::thread::hardware_concurrency();
  const char* env_threads = std::getenv("NASFORGE_THREADS");
  int n = env_threads ? std::atoi(env_threads) : static_cast<int>(cores ? cores : 1);
  if (n > 0) at::set_num_threads(n);
  nf::InitOps(env, exports);
  nf::InitTensor(env, exports);
  nf::InitRng(env, exports);
  return exports;
}

NODE_API_MODULE(nasforge, Init)
