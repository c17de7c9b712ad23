#include "handle.h"

#include <atomic>

namespace nf {

namespace {
const napi_type_tag kTensorTag = {0x6e6173666f726765ULL, 0x7465736e6f72ULL};
std::atomic<int64_t> g_live{0};
// handles never disposed explicitly, whether or not the collector has freed them since
std::atomic<int64_t> g_undisposed{0};
std::atomic<int64_t> g_accounted{0};

// Views share their base's memory, which is already accounted: counting them again would
// inflate V8's external memory and trigger needless full garbage collections.
int64_t Bytes(const at::Tensor& t) {
  if (!t.defined() || t.is_view()) return 0;
  return static_cast<int64_t>(t.numel() * t.element_size());
}

void Release(Napi::BasicEnv env, TensorHandle* h) {
  if (!h->live) return;
  h->live = false;
  h->tensor = at::Tensor();
  if (h->accounted) {
    Napi::MemoryManagement::AdjustExternalMemory(env, -h->accounted);
    g_accounted -= h->accounted;
  }
  h->accounted = 0;
  g_live--;
}
}  // namespace

Napi::Value WrapTensor(Napi::Env env, at::Tensor t) {
  if (!t.defined()) return env.Null();
  auto* h = new TensorHandle{std::move(t)};
  h->accounted = Bytes(h->tensor);
  if (h->accounted) {
    Napi::MemoryManagement::AdjustExternalMemory(env, h->accounted);
    g_accounted += h->accounted;
  }
  g_live++;
  g_undisposed++;
  // A basic finalizer (it takes BasicEnv and never calls into JS) runs inside the garbage
  // collection itself. A finalizer taking Napi::Env would be queued until the event loop turns:
  // a synchronous loop would then keep every abandoned tensor (and each handle's bookkeeping)
  // alive until it ends.
  auto ext = Napi::External<TensorHandle>::New(env, h, [](Napi::BasicEnv env, TensorHandle* p) {
    Release(env, p);
    delete p;
  });
  ext.TypeTag(&kTensorTag);
  return ext;
}

bool IsTensorHandle(const Napi::Value& v) {
  return v.IsExternal() && v.As<Napi::External<TensorHandle>>().CheckTypeTag(&kTensorTag);
}

TensorHandle* UnwrapHandle(const Napi::Value& v, const std::string& what) {
  if (!IsTensorHandle(v)) throw Napi::TypeError::New(v.Env(), what + ": expected a tensor");
  return v.As<Napi::External<TensorHandle>>().Data();
}

const at::Tensor& UnwrapTensor(const Napi::Value& v, const std::string& what) {
  TensorHandle* h = UnwrapHandle(v, what);
  if (!h->live) throw Napi::Error::New(v.Env(), what + ": the tensor was disposed");
  return h->tensor;
}

void DisposeHandle(Napi::Env env, TensorHandle* h) {
  if (h->live) g_undisposed--;
  Release(env, h);
}

int64_t LiveTensorCount() { return g_live.load(); }
int64_t UndisposedTensorCount() { return g_undisposed.load(); }
int64_t AccountedBytes() { return g_accounted.load(); }

std::string ScalarTypeName(c10::ScalarType t) {
  switch (t) {
    case c10::kFloat: return "float32";
    case c10::kDouble: return "float64";
    case c10::kHalf: return "float16";
    case c10::kBFloat16: return "bfloat16";
    case c10::kLong: return "int64";
    case c10::kInt: return "int32";
    case c10::kShort: return "int16";
    case c10::kChar: return "int8";
    case c10::kByte: return "uint8";
    case c10::kBool: return "bool";
    case c10::kComplexFloat: return "complex64";
    default: return c10::toString(t);
  }
}

c10::ScalarType ParseScalarType(Napi::Env env, const std::string& n) {
  if (n == "float32" || n == "float") return c10::kFloat;
  if (n == "float64" || n == "double") return c10::kDouble;
  if (n == "float16" || n == "half") return c10::kHalf;
  if (n == "bfloat16") return c10::kBFloat16;
  if (n == "int64" || n == "long") return c10::kLong;
  if (n == "int32" || n == "int") return c10::kInt;
  if (n == "int16") return c10::kShort;
  if (n == "int8") return c10::kChar;
  if (n == "uint8") return c10::kByte;
  if (n == "bool") return c10::kBool;
  if (n == "complex64") return c10::kComplexFloat;
  throw Napi::TypeError::New(env, "unknown dtype '" + n +
      "'; use one of float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8, bool");
}

}  // namespace nf
