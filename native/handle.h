// Tensor handles: a libtorch tensor owned by a type-tagged N-API External.
// JavaScript disposes handles explicitly (scopes); the finalizer is the safety net.
#pragma once
#include <napi.h>
#include <ATen/core/Tensor.h>
#include <c10/util/Exception.h>

namespace nf {

struct TensorHandle {
  at::Tensor tensor;
  int64_t accounted = 0;  // bytes reported to V8 as external memory
  bool live = true;
};

// Returns null for an undefined tensor (e.g. an absent gradient).
Napi::Value WrapTensor(Napi::Env env, at::Tensor t);
bool IsTensorHandle(const Napi::Value& v);
// Throws a JavaScript TypeError when v is not a live tensor handle.
const at::Tensor& UnwrapTensor(const Napi::Value& v, const std::string& what);
TensorHandle* UnwrapHandle(const Napi::Value& v, const std::string& what);
void DisposeHandle(Napi::Env env, TensorHandle* h);
int64_t LiveTensorCount();
int64_t UndisposedTensorCount();
// Bytes of live handles reported to V8 as external memory (views count zero).
int64_t AccountedBytes();

// Every entry point runs its body through this, so libtorch errors become JS errors.
template <typename F>
Napi::Value Guard(Napi::Env env, F&& body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  } catch (...) {
    throw Napi::Error::New(env, "nasforge: unknown native error");
  }
}

// OpenBLAS (linear layers, LSTMs) keeps its own thread pool, which at::set_num_threads does
// not size; its idle workers spin on the other cores. No-op when OpenBLAS is not the BLAS.
void SetBlasThreads(int n);

std::string ScalarTypeName(c10::ScalarType t);
c10::ScalarType ParseScalarType(Napi::Env env, const std::string& name);

}  // namespace nf
