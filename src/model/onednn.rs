//! fp32 linear layers through oneDNN with pre-packed weights and fused epilogues.
//!
//! libtorch's `linear` on CPU calls MKL's `sgemm`, which packs both operands on every call and
//! leaves the bias, GELU and residual add to separate passes over the output. libtorch also
//! carries oneDNN and registers, for its own graph compiler, a linear operator that reads a
//! weight reordered once into oneDNN's blocked layout and applies the bias and then GELU or a
//! residual add in the GEMM's epilogue (`mkldnn::_linear_pointwise`). tch binds only the
//! `aten` operators, so `onednn.cpp` (compiled by `build.rs`) reaches these through libtorch's
//! dispatcher. Arithmetic stays fp32 (single-precision products and sums; only the summation
//! order differs from MKL's, at the 1e-6 level).
//!
//! On the model's four layer shapes, one thread, AVX-512 (2026-12-05, `torch` 2.4's MKL
//! `addmm` + in-place GELU against this, 64–3,000 rows): 8–16% less time per layer. The
//! first call with a new row count builds the primitive (about 2 ms; oneDNN caches it).
//!
//! When libtorch lacks oneDNN or the operators, [`available`] is false and the engine keeps
//! `linear`.

use std::ffi::{c_char, c_int, c_void, CStr};

use tch::Tensor;

use crate::model::ModelError;

extern "C" {
    fn stance_onednn_available() -> c_int;
    fn stance_onednn_error() -> *const c_char;
    fn stance_onednn_pack(w: *const c_void) -> *mut c_void;
    fn stance_onednn_linear(
        x: *const c_void,
        packed: *const c_void,
        b: *const c_void,
        gelu: c_int,
    ) -> *mut c_void;
    fn stance_onednn_linear_add(
        x: *const c_void,
        other: *const c_void,
        packed: *const c_void,
        b: *const c_void,
    ) -> *mut c_void;
}

/// Whether this libtorch has oneDNN's linear operators.
pub fn available() -> bool {
    // SAFETY: takes no arguments; catches every C++ exception.
    unsafe { stance_onednn_available() != 0 }
}

/// What a [`PackedLinear`] adds after `x Wᵀ + b`, inside the GEMM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Epilogue {
    /// Nothing.
    None,
    /// GELU (erf form, as BERT's).
    Gelu,
}

/// A linear layer `y = x Wᵀ + b` whose weight oneDNN has reordered once.
pub struct PackedLinear {
    packed: Tensor,
    bias: Tensor,
    out_features: i64,
    in_features: i64,
}

impl PackedLinear {
    /// Reorders `weight` (`[out, in]`, fp32) for oneDNN.
    pub fn new(weight: &Tensor, bias: Tensor) -> Result<PackedLinear, ModelError> {
        let (out_features, in_features) = weight
            .size2()
            .map_err(|e| ModelError::Invalid(format!("linear weight: {e}")))?;
        let weight = weight.contiguous();
        // SAFETY: `weight` is a live tensor for the call; the result is a new tensor we own.
        let packed = owned(unsafe { stance_onednn_pack(weight.as_ptr() as *const c_void) })?;
        Ok(PackedLinear {
            packed,
            bias,
            out_features,
            in_features,
        })
    }

    /// `x Wᵀ + b`, then `epilogue`; `x` is `[rows, in]`.
    pub fn forward(&self, x: &Tensor, epilogue: Epilogue) -> Tensor {
        let gelu = c_int::from(epilogue == Epilogue::Gelu);
        let x = x.contiguous();
        // SAFETY: every pointer is a live tensor for the call; the result is ours.
        let y = unsafe {
            stance_onednn_linear(
                x.as_ptr() as *const c_void,
                self.packed.as_ptr() as *const c_void,
                self.bias.as_ptr() as *const c_void,
                gelu,
            )
        };
        expect_tensor(y)
    }

    /// `x Wᵀ + b + other` (a residual add); `other` has the output's shape.
    pub fn forward_add(&self, x: &Tensor, other: &Tensor) -> Tensor {
        let (x, other) = (x.contiguous(), other.contiguous());
        // SAFETY: every pointer is a live tensor for the call; the result is ours.
        let y = unsafe {
            stance_onednn_linear_add(
                x.as_ptr() as *const c_void,
                other.as_ptr() as *const c_void,
                self.packed.as_ptr() as *const c_void,
                self.bias.as_ptr() as *const c_void,
            )
        };
        expect_tensor(y)
    }

    /// Multiply-accumulates per input row.
    pub fn macs(&self) -> i64 {
        self.out_features * self.in_features
    }
}

/// Takes ownership of a tensor the shim returned, or the shim's error.
fn owned(ptr: *mut c_void) -> Result<Tensor, ModelError> {
    if ptr.is_null() {
        return Err(ModelError::Invalid(format!(
            "oneDNN linear layer: {}",
            last_error()
        )));
    }
    // SAFETY: a non-null result is a heap `at::Tensor` that nothing else owns.
    Ok(unsafe { Tensor::from_ptr(ptr as *mut _) })
}

/// A forward result. Like tch's own infallible ops, a libtorch failure here (which would mean
/// an input of the wrong shape, a bug of the engine) panics with libtorch's message.
fn expect_tensor(ptr: *mut c_void) -> Tensor {
    match owned(ptr) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    }
}

/// The message of this thread's last failed shim call.
fn last_error() -> String {
    // SAFETY: the shim returns a NUL-terminated string that lives until the next call on this
    // thread; it is copied at once.
    unsafe { CStr::from_ptr(stance_onednn_error()) }
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::{Device, Kind};

    fn close(a: &Tensor, b: &Tensor) -> f64 {
        (a - b).abs().max().double_value(&[])
    }

    #[test]
    fn packed_linear_computes_the_same_function_as_linear() {
        assert!(available(), "this libtorch has oneDNN: {}", last_error());
        tch::manual_seed(3);
        let opts = (Kind::Float, Device::Cpu);
        let w = Tensor::randn([96, 64], opts) * 0.1;
        let b = Tensor::randn([96], opts);
        let p = PackedLinear::new(&w, b.shallow_clone()).unwrap();
        assert_eq!(p.macs(), 96 * 64);
        // Several row counts, each a new oneDNN primitive.
        for rows in [1, 7, 130] {
            let x = Tensor::randn([rows, 64], opts);
            let exact = x.linear(&w, Some(&b));
            let y = tch::no_grad(|| p.forward(&x, Epilogue::None));
            assert_eq!(y.size(), vec![rows, 96]);
            assert!(close(&y, &exact) < 1e-4, "{rows} rows");
            let g = tch::no_grad(|| p.forward(&x, Epilogue::Gelu));
            assert!(close(&g, &exact.gelu("none")) < 1e-4, "GELU, {rows} rows");
            let other = Tensor::randn([rows, 96], opts);
            let s = tch::no_grad(|| p.forward_add(&x, &other));
            assert!(close(&s, &(&exact + &other)) < 1e-4, "add, {rows} rows");
        }
    }

    #[test]
    fn a_weight_that_is_not_a_matrix_is_an_error_not_a_crash() {
        let v = Tensor::zeros([5], (Kind::Float, Device::Cpu));
        assert!(PackedLinear::new(&v, v.shallow_clone()).is_err());
    }
}
