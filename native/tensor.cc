// Tensor creation, copies to and from typed arrays, metadata, autograd and engine settings.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>
#include <torch/version.h>

#include <cstring>
#include <sstream>
#include <thread>

#include "handle.h"

namespace nf {

namespace {

std::vector<int64_t> ToShape(const Napi::Value& v) {
  if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), "shape must be an array of integers");
  auto arr = v.As<Napi::Array>();
  std::vector<int64_t> shape(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); i++) {
    Napi::Value e = arr.Get(i);
    double d = e.IsNumber() ? e.As<Napi::Number>().DoubleValue() : -1;
    if (!(d >= 0 && d < 9.2e18) || std::floor(d) != d)
      throw Napi::TypeError::New(v.Env(), "shape must hold non-negative integers");
    shape[i] = static_cast<int64_t>(d);
  }
  return shape;
}

std::vector<at::Tensor> ToTensorList(const Napi::Value& v, const std::string& what,
                                     bool allowNull) {
  if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), what + ": expected an array of tensors");
  auto arr = v.As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); i++) {
    Napi::Value e = arr.Get(i);
    if (allowNull && (e.IsNull() || e.IsUndefined())) out.emplace_back();
    else out.push_back(UnwrapTensor(e, what));
  }
  return out;
}

Napi::Value WrapList(Napi::Env env, const std::vector<at::Tensor>& ts) {
  auto arr = Napi::Array::New(env, ts.size());
  for (size_t i = 0; i < ts.size(); i++) arr.Set(i, WrapTensor(env, ts[i]));
  return arr;
}

#define ENTRY(NAME) Napi::Value NAME(const Napi::CallbackInfo& info) { \
  Napi::Env env = info.Env(); return Guard(env, [&]() -> Napi::Value
#define END ); }

// fromBuffer(typedArray, shape, dtype, device?) copies the data into a new tensor.
ENTRY(FromBuffer) {
  if (!info[0].IsTypedArray()) throw Napi::TypeError::New(env, "fromBuffer: expected a typed array");
  auto ta = info[0].As<Napi::TypedArray>();
  auto shape = ToShape(info[1]);
  c10::ScalarType dtype = ParseScalarType(env, info[2].As<Napi::String>().Utf8Value());
  auto t = at::empty(shape, at::TensorOptions().dtype(dtype));
  size_t need = t.numel() * t.element_size();
  if (ta.ByteLength() != need) {
    throw Napi::RangeError::New(env, "fromBuffer: " + std::to_string(ta.ByteLength()) +
        " bytes of data for shape of " + std::to_string(t.numel()) + " " + ScalarTypeName(dtype) +
        " elements (" + std::to_string(need) + " bytes)");
  }
  auto* src = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
  if (need) std::memcpy(t.data_ptr(), src, need);
  if (info.Length() > 3 && info[3].IsString()) {
    std::string dev = info[3].As<Napi::String>().Utf8Value();
    if (dev != "cpu") t = t.to(c10::Device(dev));
  }
  return WrapTensor(env, t);
} END

// toBuffer(t) -> ArrayBuffer with the tensor's elements, contiguous, copied to the CPU.
ENTRY(ToBuffer) {
  at::Tensor t = UnwrapTensor(info[0], "toBuffer").detach().to(c10::kCPU).contiguous();
  size_t n = t.numel() * t.element_size();
  auto buf = Napi::ArrayBuffer::New(env, n);
  if (n) std::memcpy(buf.Data(), t.data_ptr(), n);
  return buf;
} END

ENTRY(Shape) {
  const at::Tensor& t = UnwrapTensor(info[0], "shape");
  auto arr = Napi::Array::New(env, t.dim());
  for (int64_t i = 0; i < t.dim(); i++) arr.Set(i, Napi::Number::New(env, t.size(i)));
  return arr;
} END

ENTRY(Dtype) { return Napi::String::New(env, ScalarTypeName(UnwrapTensor(info[0], "dtype").scalar_type())); } END
ENTRY(DeviceOf) { return Napi::String::New(env, UnwrapTensor(info[0], "device").device().str()); } END
ENTRY(Numel) { return Napi::Number::New(env, UnwrapTensor(info[0], "numel").numel()); } END

ENTRY(Item) {
  const at::Tensor& t = UnwrapTensor(info[0], "item");
  if (t.numel() != 1)
    throw Napi::Error::New(env, "item: the tensor has " + std::to_string(t.numel()) + " elements, expected 1");
  return Napi::Number::New(env, t.item().toDouble());
} END

ENTRY(Dispose) {
  DisposeHandle(env, UnwrapHandle(info[0], "dispose"));
  return env.Undefined();
} END

ENTRY(IsDisposed) { return Napi::Boolean::New(env, !UnwrapHandle(info[0], "isDisposed")->live); } END

ENTRY(RequiresGrad) { return Napi::Boolean::New(env, UnwrapTensor(info[0], "requiresGrad").requires_grad()); } END

ENTRY(SetRequiresGrad) {
  at::Tensor t = UnwrapTensor(info[0], "setRequiresGrad");
  t.set_requires_grad(info[1].ToBoolean().Value());
  return env.Undefined();
} END

ENTRY(IsLeaf) { return Napi::Boolean::New(env, UnwrapTensor(info[0], "isLeaf").is_leaf()); } END

ENTRY(GradFn) {
  const at::Tensor& t = UnwrapTensor(info[0], "gradFn");
  auto fn = t.grad_fn();
  if (!fn) return env.Null();
  return Napi::String::New(env, fn->name());
} END

ENTRY(Grad) { return WrapTensor(env, UnwrapTensor(info[0], "grad").grad()); } END

ENTRY(SetGrad) {
  at::Tensor t = UnwrapTensor(info[0], "setGrad");
  if (info[1].IsNull() || info[1].IsUndefined()) {
    t.mutable_grad() = at::Tensor();
    return env.Undefined();
  }
  const at::Tensor& g = UnwrapTensor(info[1], "setGrad");
  // As PyTorch's `.grad =` setter: a gradient must match its tensor, or optimisers break later.
  if (g.sizes() != t.sizes() || g.scalar_type() != t.scalar_type() || g.device() != t.device()) {
    std::ostringstream msg;
    msg << "setGrad: the gradient (" << g.sizes() << ", " << ScalarTypeName(g.scalar_type()) << ", "
        << g.device() << ") must match its tensor (" << t.sizes() << ", "
        << ScalarTypeName(t.scalar_type()) << ", " << t.device() << ")";
    throw Napi::Error::New(env, msg.str());
  }
  t.mutable_grad() = g;
  return env.Undefined();
} END

// backward(outputs, gradOutputs|null, retainGraph, createGraph, inputs|null)
ENTRY(Backward) {
  auto outputs = ToTensorList(info[0], "backward outputs", false);
  std::vector<at::Tensor> grads;
  if (info[1].IsArray()) grads = ToTensorList(info[1], "backward gradients", true);
  c10::optional<bool> retain;
  if (info[2].IsBoolean()) retain = info[2].As<Napi::Boolean>().Value();
  bool create = info[3].ToBoolean().Value();
  std::vector<at::Tensor> inputs;
  if (info[4].IsArray()) inputs = ToTensorList(info[4], "backward inputs", false);
  torch::autograd::backward(outputs, grads, retain, create, inputs);
  return env.Undefined();
} END

// grad(outputs, inputs, gradOutputs|null, retainGraph, createGraph, allowUnused) -> (tensor|null)[]
ENTRY(AutogradGrad) {
  auto outputs = ToTensorList(info[0], "grad outputs", false);
  auto inputs = ToTensorList(info[1], "grad inputs", false);
  std::vector<at::Tensor> grads;
  if (info[2].IsArray()) grads = ToTensorList(info[2], "grad gradOutputs", true);
  c10::optional<bool> retain;
  if (info[3].IsBoolean()) retain = info[3].As<Napi::Boolean>().Value();
  bool create = info[4].ToBoolean().Value();
  bool allowUnused = info[5].ToBoolean().Value();
  return WrapList(env, torch::autograd::grad(outputs, inputs, grads, retain, create, allowUnused));
} END

ENTRY(SetGradEnabled) {
  bool prev = c10::GradMode::is_enabled();
  c10::GradMode::set_enabled(info[0].ToBoolean().Value());
  return Napi::Boolean::New(env, prev);
} END

ENTRY(IsGradEnabled) { return Napi::Boolean::New(env, c10::GradMode::is_enabled()); } END

ENTRY(SetNumThreads) {
  int n = info[0].As<Napi::Number>().Int32Value();
  if (n < 1) throw Napi::RangeError::New(env, "setNumThreads: need at least 1 thread");
  at::set_num_threads(n);
  SetBlasThreads(n);
  return env.Undefined();
} END

ENTRY(GetNumThreads) { return Napi::Number::New(env, at::get_num_threads()); } END

ENTRY(ManualSeed) {
  double s = info[0].As<Napi::Number>().DoubleValue();
  if (!(s >= 0 && s < 1.8e19) || std::floor(s) != s) throw Napi::RangeError::New(env, "manualSeed: seed must be a non-negative integer");
  at::manual_seed(static_cast<uint64_t>(s));
  return env.Undefined();
} END

ENTRY(LiveTensors) { return Napi::Number::New(env, static_cast<double>(LiveTensorCount())); } END
ENTRY(UndisposedTensors) { return Napi::Number::New(env, static_cast<double>(UndisposedTensorCount())); } END
ENTRY(LiveTensorBytes) { return Napi::Number::New(env, static_cast<double>(AccountedBytes())); } END

ENTRY(CudaAvailable) { return Napi::Boolean::New(env, at::hasCUDA()); } END

ENTRY(CudaDeviceCount) {
  return Napi::Number::New(env, at::hasCUDA() ? at::detail::getCUDAHooks().getNumGPUs() : 0);
} END

ENTRY(Version) { return Napi::String::New(env, TORCH_VERSION); } END

// Storage identity, so JS can tell views of one buffer apart (safetensors, state dicts).
ENTRY(DataPtr) {
  const at::Tensor& t = UnwrapTensor(info[0], "dataPtr");
  return Napi::BigInt::New(env, static_cast<uint64_t>(reinterpret_cast<uintptr_t>(t.data_ptr())));
} END

}  // namespace

void InitTensor(Napi::Env env, Napi::Object exports) {
#define REG(name, fn) exports.Set(name, Napi::Function::New(env, fn))
  REG("fromBuffer", FromBuffer);
  REG("toBuffer", ToBuffer);
  REG("shape", Shape);
  REG("dtype", Dtype);
  REG("device", DeviceOf);
  REG("numel", Numel);
  REG("item", Item);
  REG("dispose", Dispose);
  REG("isDisposed", IsDisposed);
  REG("requiresGrad", RequiresGrad);
  REG("setRequiresGrad", SetRequiresGrad);
  REG("isLeaf", IsLeaf);
  REG("gradFn", GradFn);
  REG("grad", Grad);
  REG("setGrad", SetGrad);
  REG("backward", Backward);
  REG("autogradGrad", AutogradGrad);
  REG("setGradEnabled", SetGradEnabled);
  REG("isGradEnabled", IsGradEnabled);
  REG("setNumThreads", SetNumThreads);
  REG("getNumThreads", GetNumThreads);
  REG("manualSeed", ManualSeed);
  REG("liveTensors", LiveTensors);
  REG("undisposedTensors", UndisposedTensors);
  REG("liveTensorBytes", LiveTensorBytes);
  REG("cudaAvailable", CudaAvailable);
  REG("cudaDeviceCount", CudaDeviceCount);
  REG("version", Version);
  REG("dataPtr", DataPtr);
#undef REG
}

}  // namespace nf
