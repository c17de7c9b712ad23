// nasforge's native binding: a thin N-API layer over libtorch. No model logic lives here.
#include <ATen/Parallel.h>

#include <thread>

#include "handle.h"

namespace nf {
void InitOps(Napi::Env env, Napi::Object exports);
void InitTensor(Napi::Env env, Napi::Object exports);
void InitRng(Napi::Env env, Napi::Object exports);
}  // namespace nf

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
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
