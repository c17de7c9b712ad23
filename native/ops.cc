// One generic entry point for the whole ATen operator set: resolve an operator by name and
// overload once, then call it boxed through the dispatcher (autograd included), converting
// JavaScript arguments by the operator's schema.
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/ivalue.h>
#include <ATen/core/jit_type.h>
#include <c10/core/Layout.h>
#include <c10/core/MemoryFormat.h>

#include <atomic>
#include <cmath>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "handle.h"

namespace nf {

namespace {

// Resolved operators, shared by every thread (worker_threads load the addon once per
// process). The table never reallocates, so readers need no lock; writers take g_ops_mutex,
// and the same name resolves to the same id.
constexpr size_t kMaxOps = 1 << 15;
std::vector<c10::OperatorHandle>& Ops() {
  static std::vector<c10::OperatorHandle>* ops = [] {
    auto* v = new std::vector<c10::OperatorHandle>();
    v->reserve(kMaxOps);
    return v;
  }();
  return *ops;
}
std::atomic<size_t> g_ops_count{0};
std::mutex g_ops_mutex;
std::unordered_map<std::string, size_t> g_ops_by_name;

// Names an argument in error messages; the string is built only when an error is thrown,
// which keeps it off the per-call path.
struct What {
  const std::string& op;
  const std::string& arg;
  std::string str() const { return op + " argument '" + arg + "'"; }
};
std::string operator+(const What& w, const std::string& s) { return w.str() + s; }

// The tensor behind a handle, with a fast path for the common case (a live handle).
const at::Tensor& TensorArg(const Napi::Value& v, const What& what) {
  if (IsTensorHandle(v)) {
    TensorHandle* h = v.As<Napi::External<TensorHandle>>().Data();
    if (h->live) return h->tensor;
  }
  return UnwrapTensor(v, what.str());
}

int64_t ToInt(const Napi::Value& v, const What& what) {
  if (!v.IsNumber()) throw Napi::TypeError::New(v.Env(), what + ": expected an integer");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d)
    throw Napi::TypeError::New(v.Env(), what + ": expected an integer, got " + std::to_string(d));
  // Casting a double outside int64's range is undefined behaviour: refuse it.
  if (std::fabs(d) >= 9.2e18)
    throw Napi::RangeError::New(v.Env(), what + ": integer " + std::to_string(d) + " is out of the int64 range");
  return static_cast<int64_t>(d);
}

// Enums (dtype, layout, memory format) travel through schemas as ints; accept their names.
int64_t EnumFromString(Napi::Env env, const std::string& s, const What& what) {
  if (s == "strided") return static_cast<int64_t>(c10::kStrided);
  if (s == "contiguous_format") return static_cast<int64_t>(c10::MemoryFormat::Contiguous);
  if (s == "channels_last") return static_cast<int64_t>(c10::MemoryFormat::ChannelsLast);
  if (s == "preserve_format") return static_cast<int64_t>(c10::MemoryFormat::Preserve);
  try {
    return static_cast<int64_t>(ParseScalarType(env, s));
  } catch (const Napi::Error&) {
    throw Napi::TypeError::New(env, what + ": unknown enum value '" + s + "'");
  }
}

c10::IValue ToIValue(const Napi::Value& v, const c10::TypePtr& type, const c10::Argument& arg,
                     const What& what) {
  Napi::Env env = v.Env();
  switch (type->kind()) {
    case c10::TypeKind::OptionalType:
      if (v.IsNull() || v.IsUndefined()) return c10::IValue();
      return ToIValue(v, type->castRaw<c10::OptionalType>()->getElementType(), arg, what);
    case c10::TypeKind::TensorType:
      return TensorArg(v, what);
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
      if (v.IsString()) return EnumFromString(env, v.As<Napi::String>().Utf8Value(), what);
      return ToInt(v, what);
    case c10::TypeKind::FloatType:
      if (!v.IsNumber()) throw Napi::TypeError::New(env, what + ": expected a number");
      return v.As<Napi::Number>().DoubleValue();
    case c10::TypeKind::BoolType:
      if (!v.IsBoolean()) throw Napi::TypeError::New(env, what + ": expected a boolean");
      return v.As<Napi::Boolean>().Value();
    case c10::TypeKind::NumberType: {
      if (v.IsBoolean()) return c10::Scalar(v.As<Napi::Boolean>().Value());
      if (!v.IsNumber()) throw Napi::TypeError::New(env, what + ": expected a number");
      double d = v.As<Napi::Number>().DoubleValue();
      if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e15)
        return c10::Scalar(static_cast<int64_t>(d));
      return c10::Scalar(d);
    }
    case c10::TypeKind::StringType:
      if (!v.IsString()) throw Napi::TypeError::New(env, what + ": expected a string");
      return v.As<Napi::String>().Utf8Value();
    case c10::TypeKind::DeviceObjType:
      if (!v.IsString()) throw Napi::TypeError::New(env, what + ": expected a device string");
      return c10::Device(v.As<Napi::String>().Utf8Value());
    case c10::TypeKind::ScalarTypeType:
    case c10::TypeKind::LayoutType:
    case c10::TypeKind::MemoryFormatType:
      if (v.IsString()) return EnumFromString(env, v.As<Napi::String>().Utf8Value(), what);
      return ToInt(v, what);
    case c10::TypeKind::ListType: {
      const c10::TypePtr& elem = type->castRaw<c10::ListType>()->getElementType();
      auto kind = elem->kind();
      if (kind == c10::TypeKind::IntType || kind == c10::TypeKind::SymIntType) {
        // int[2] accepts a single int, as PyTorch does.
        if (v.IsNumber()) {
          int64_t x = ToInt(v, what);
          size_t n = arg.N() ? static_cast<size_t>(*arg.N()) : 1;
          return c10::IValue(std::vector<int64_t>(n, x));
        }
      }
      if (!v.IsArray()) throw Napi::TypeError::New(env, what + ": expected an array");
      auto arr = v.As<Napi::Array>();
      uint32_t n = arr.Length();
      switch (kind) {
        case c10::TypeKind::TensorType: {
          c10::List<at::Tensor> out;
          out.reserve(n);
          for (uint32_t i = 0; i < n; i++) out.push_back(TensorArg(arr.Get(i), what));
          return out;
        }
        case c10::TypeKind::OptionalType: {
          c10::List<c10::optional<at::Tensor>> out;
          out.reserve(n);
          for (uint32_t i = 0; i < n; i++) {
            Napi::Value e = arr.Get(i);
            if (e.IsNull() || e.IsUndefined()) out.push_back(c10::nullopt);
            else out.push_back(TensorArg(e, what));
          }
          return out;
        }
        case c10::TypeKind::IntType:
        case c10::TypeKind::SymIntType: {
          std::vector<int64_t> out(n);
          for (uint32_t i = 0; i < n; i++) out[i] = ToInt(arr.Get(i), what);
          return out;
        }
        case c10::TypeKind::FloatType: {
          std::vector<double> out(n);
          for (uint32_t i = 0; i < n; i++) {
            Napi::Value e = arr.Get(i);
            if (!e.IsNumber()) throw Napi::TypeError::New(env, what + ": expected numbers");
            out[i] = e.As<Napi::Number>().DoubleValue();
          }
          return out;
        }
        case c10::TypeKind::NumberType: {  // Scalar[]
          c10::impl::GenericList out(c10::NumberType::get());
          out.reserve(n);
          for (uint32_t i = 0; i < n; i++) out.push_back(ToIValue(arr.Get(i), elem, arg, what));
          return out;
        }
        case c10::TypeKind::BoolType: {
          c10::List<bool> out;
          for (uint32_t i = 0; i < n; i++) {
            Napi::Value e = arr.Get(i);
            if (!e.IsBoolean()) throw Napi::TypeError::New(env, what + ": expected booleans");
            out.push_back(e.As<Napi::Boolean>().Value());
          }
          return out;
        }
        default:
          break;
      }
      throw Napi::TypeError::New(env, what + ": unsupported list type " + type->str());
    }
    default:
      throw Napi::TypeError::New(env, what + ": unsupported argument type " + type->str());
  }
}

Napi::Value FromIValue(Napi::Env env, const c10::IValue& v) {
  if (v.isTensor()) return WrapTensor(env, v.toTensor());
  if (v.isNone()) return env.Null();
  if (v.isInt()) return Napi::Number::New(env, static_cast<double>(v.toInt()));
  if (v.isDouble()) return Napi::Number::New(env, v.toDouble());
  if (v.isBool()) return Napi::Boolean::New(env, v.toBool());
  if (v.isSymInt()) return Napi::Number::New(env, static_cast<double>(v.toSymInt().expect_int()));
  if (v.isString()) return Napi::String::New(env, v.toStringRef());
  if (v.isTensorList()) {
    auto list = v.toTensorList();
    auto arr = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); i++) arr.Set(i, WrapTensor(env, list.get(i)));
    return arr;
  }
  if (v.isTuple()) {
    const auto& elems = v.toTupleRef().elements();
    auto arr = Napi::Array::New(env, elems.size());
    for (size_t i = 0; i < elems.size(); i++) arr.Set(i, FromIValue(env, elems[i]));
    return arr;
  }
  if (v.isList()) {
    auto list = v.toListRef();
    auto arr = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); i++) arr.Set(i, FromIValue(env, list[i]));
    return arr;
  }
  throw Napi::TypeError::New(env, "cannot convert operator result of type " + v.tagKind());
}

const c10::OperatorHandle& OpById(const Napi::Value& v) {
  if (!v.IsNumber()) throw Napi::TypeError::New(v.Env(), "operator id must be a number");
  double id = v.As<Napi::Number>().DoubleValue();
  if (!(id >= 0 && id < static_cast<double>(g_ops_count.load(std::memory_order_acquire))))
    throw Napi::RangeError::New(v.Env(), "unknown operator id " + std::to_string(id));
  return Ops()[static_cast<size_t>(id)];
}

}  // namespace

// resolveOp(name, overload) -> id; name like "aten::conv2d", overload "" for the default.
Napi::Value ResolveOp(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    std::string name = info[0].As<Napi::String>().Utf8Value();
    std::string overload = info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
    auto op = c10::Dispatcher::singleton().findSchema({name, overload});
    if (!op.has_value()) {
      throw Napi::Error::New(info.Env(), "unknown operator " + name +
          (overload.empty() ? "" : "." + overload) + " (not registered in this libtorch)");
    }
    std::lock_guard<std::mutex> lock(g_ops_mutex);
    std::string key = name + "." + overload;
    auto found = g_ops_by_name.find(key);
    if (found != g_ops_by_name.end()) return Napi::Number::New(info.Env(), static_cast<double>(found->second));
    auto& ops = Ops();
    if (ops.size() >= kMaxOps) throw Napi::Error::New(info.Env(), "resolveOp: too many operators");
    ops.push_back(*op);
    size_t id = ops.size() - 1;
    g_ops_by_name.emplace(key, id);
    g_ops_count.store(ops.size(), std::memory_order_release);
    return Napi::Number::New(info.Env(), static_cast<double>(id));
  });
}

Napi::Value OpSchema(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    std::ostringstream s;
    s << OpById(info[0]).schema();
    return Napi::String::New(info.Env(), s.str());
  });
}

// callOp(id, args[], kwargs?, discard?) -> result. Arguments past args.length are taken
// from kwargs by name, then from the schema's defaults.
Napi::Value CallOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    const c10::OperatorHandle& op = OpById(info[0]);
    const c10::FunctionSchema& schema = op.schema();
    if (!info[1].IsArray()) throw Napi::TypeError::New(env, "callOp: args must be an array");
    auto args = info[1].As<Napi::Array>();
    bool hasKw = info.Length() > 2 && info[2].IsObject();
    Napi::Object kw = hasKw ? info[2].As<Napi::Object>() : Napi::Object();
    bool discard = info.Length() > 3 && info[3].ToBoolean().Value();
    const auto& formals = schema.arguments();
    uint32_t given = args.Length();
    if (given > formals.size()) {
      throw Napi::TypeError::New(env, schema.name() + ": takes " + std::to_string(formals.size()) +
                                          " arguments, got " + std::to_string(given));
    }
    torch::jit::Stack stack;
    stack.reserve(formals.size());
    for (size_t i = 0; i < formals.size(); i++) {
      const c10::Argument& a = formals[i];
      What what{schema.name(), a.name()};
      Napi::Value v;
      if (i < given) v = args.Get(static_cast<uint32_t>(i));
      else if (hasKw && kw.Has(a.name())) v = kw.Get(a.name());
      if (!v.IsEmpty() && !v.IsUndefined()) {
        stack.emplace_back(ToIValue(v, a.type(), a, what));
      } else if (a.default_value().has_value()) {
        stack.emplace_back(*a.default_value());
      } else if (a.type()->kind() == c10::TypeKind::OptionalType) {
        stack.emplace_back();
      } else {
        throw Napi::TypeError::New(env, what + (i < given ? " is required (got undefined)" : " is required"));
      }
    }
    op.callBoxed(&stack);
    if (discard) return env.Undefined();
    if (stack.size() == 1) return FromIValue(env, stack[0]);
    auto out = Napi::Array::New(env, stack.size());
    for (size_t i = 0; i < stack.size(); i++) out.Set(i, FromIValue(env, stack[i]));
    return out;
  });
}

void InitOps(Napi::Env env, Napi::Object exports) {
  exports.Set("resolveOp", Napi::Function::New(env, ResolveOp));
  exports.Set("opSchema", Napi::Function::New(env, OpSchema));
  exports.Set("callOp", Napi::Function::New(env, CallOp));
}

}  // namespace nf
