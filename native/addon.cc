// nasforge's native binding: a thin N-API layer over libtorch. No model logic lives here.
#include <ATen/Parallel.h>

#include <dlfcn.h>

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

namespace nf {
void SetBlasThreads(int n) {
  using SetThreads = void (*)(int);
  // Look in the copy libtorch already loaded (RTLD_NOLOAD): never load a BLAS of our own.
  static const SetThreads set = []() -> SetThreads {
    for (const char* lib : {"libopenblas.so.0", "libblas.so.3"}) {
      if (void* h = dlopen(lib, RTLD_LAZY | RTLD_NOLOAD)) {
        if (void* f = dlsym(h, "openblas_set_num_threads")) return reinterpret_cast<SetThreads>(f);
      }
    }
    return nullptr;
  }();
  if (set != nullptr) set(n);
}
}  // namespace nf

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  KeepFreedMemory();
  // libtorch defaults to one intra-op thread here; use every core unless told otherwise.
  unsigned cores = std::thread::hardware_concurrency();
  const char* env_threads = std::getenv("NASFORGE_THREADS");
  int n = env_threads ? std::atoi(env_threads) : static_cast<int>(cores ? cores : 1);
  if (n > 0) {
    at::set_num_threads(n);
    // OPENBLAS_NUM_THREADS, when set, is the user's (or native.ts's) choice for OpenBLAS.
    if (std::getenv("OPENBLAS_NUM_THREADS") == nullptr) nf::SetBlasThreads(n);
  }
  nf::InitOps(env, exports);
  nf::InitTensor(env, exports);
  nf::InitRng(env, exports);
  return exports;
}

NODE_API_MODULE(nasforge, Init)
