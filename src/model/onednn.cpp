// fp32 linear layers through oneDNN, by way of the operators libtorch registers for its own
// CPU graph compiler (`mkldnn::_reorder_linear_weight`, `mkldnn::_linear_pointwise`). tch only
// binds the `aten` namespace, so these few lines reach the dispatcher directly. See onednn.rs.
//
// Every function returns a new `at::Tensor*` (owned by the caller, as tch's own wrappers do)
// or null with the C++ exception's message kept for `stance_onednn_error`; no exception
// crosses into Rust.

#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>

#include <optional>
#include <string>
#include <vector>

namespace {

thread_local std::string last_error;

// The operator, or nullopt when this libtorch was built without it.
std::optional<c10::OperatorHandle> find(const char* name, const char* overload) {
  return c10::Dispatcher::singleton().findSchema({name, overload});
}

// Calls `op` on `stack`; its one output as a heap tensor, or null with the error kept.
at::Tensor* call(const std::optional<c10::OperatorHandle>& op, std::vector<c10::IValue> stack) {
  try {
    if (!op.has_value()) {
      last_error = "libtorch has no oneDNN linear operator";
      return nullptr;
    }
    op->callBoxed(&stack);
    return new at::Tensor(stack.at(0).toTensor());
  } catch (const std::exception& e) {
    last_error = e.what();
    return nullptr;
  }
}

const std::optional<c10::OperatorHandle>& reorder_op() {
  static const auto op = find("mkldnn::_reorder_linear_weight", "");
  return op;
}

const std::optional<c10::OperatorHandle>& pointwise_op() {
  static const auto op = find("mkldnn::_linear_pointwise", "");
  return op;
}

const std::optional<c10::OperatorHandle>& binary_op() {
  static const auto op = find("mkldnn::_linear_pointwise", "binary");
  return op;
}

}  // namespace

extern "C" {

// 1 when libtorch has oneDNN and the three operators.
int stance_onednn_available() {
  try {
    return at::hasMKLDNN() && reorder_op().has_value() && pointwise_op().has_value() &&
           binary_op().has_value();
  } catch (const std::exception& e) {
    last_error = e.what();
    return 0;
  }
}

// The message of the last failed call on this thread.
const char* stance_onednn_error() { return last_error.c_str(); }

// `w` `[out, in]` reordered into oneDNN's blocked layout for fp32 GEMMs.
at::Tensor* stance_onednn_pack(const at::Tensor* w) {
  return call(reorder_op(), {*w, c10::IValue()});
}

// `x Wᵀ + b`, then GELU (erf) when `gelu` is non-zero, in one oneDNN primitive.
at::Tensor* stance_onednn_linear(const at::Tensor* x, const at::Tensor* packed, const at::Tensor* b,
                                 int gelu) {
  return call(pointwise_op(),
              {*x, *packed, *b, std::string(gelu ? "gelu" : "none"),
               c10::IValue(c10::List<std::optional<at::Scalar>>()),
               gelu ? c10::IValue(std::string("none")) : c10::IValue()});
}

// `x Wᵀ + b + other`, in one oneDNN primitive.
at::Tensor* stance_onednn_linear_add(const at::Tensor* x, const at::Tensor* other,
                                     const at::Tensor* packed, const at::Tensor* b) {
  return call(binary_op(), {*x, *other, *packed, *b, std::string("add")});
}

}  // extern "C"
