//! int8 linear layers (quantisation apart from the encoder): per-tensor asymmetric int8
//! weights packed for fbgemm, fp32 activations quantised by the op per call, and the guard
//! that keeps fbgemm's `i16` pair sums from saturating on CPUs without AVX-512 VNNI.
//!
//! Batch dependence (documented and tested in `tests/model_engines.rs`): the op quantises a
//! call's activations over the range of the whole call, so an int8 result moves slightly
//! (at the 1e-3 level in probabilities) with the other texts in its batch; fp32 does not.

use tch::{Kind, Tensor};

/// An int8 linear layer, `y = x Wᵀ + b` with `W` quantised.
pub(crate) struct Int8Linear {
    qweight: Tensor,
    packed: Tensor,
    col_offsets: Tensor,
    scale: f64,
    zero_point: i64,
    bias: Tensor,
    /// Largest activation code this layer's weights allow without `i16` saturation
    /// (see [`activation_headroom`]); 255 means no guard row is needed.
    pub(crate) headroom: i64,
}

impl Int8Linear {
    /// Quantises `weight` (`[out, in]`) and packs it for fbgemm.
    pub(crate) fn new(weight: &Tensor, bias: Tensor) -> Int8Linear {
        let q = quantize_weight(weight);
        // libtorch prints a one-time deprecation notice for these (still supported) fbgemm
        // ops; keep it off the user's terminal.
        let _quiet = QuietStderr::new();
        Int8Linear {
            packed: q.qweight.fbgemm_pack_quantized_matrix(),
            headroom: activation_headroom(&q.qweight),
            qweight: q.qweight,
            col_offsets: q.col_offsets,
            scale: q.scale,
            zero_point: q.zero_point,
            bias,
        }
    }

    /// `x Wᵀ + b` over the last dimension of `x` (leading dimensions kept).
    pub(crate) fn forward(&self, x: &Tensor) -> Tensor {
        let sizes = x.size();
        let k = sizes[sizes.len() - 1];
        let rows = x.reshape([-1, k]);
        let m = rows.size()[0];
        let spare = Tensor::zeros([1, k], (rows.kind(), rows.device()));
        let y = self.forward_spare(&Tensor::cat(&[&rows, &spare], 0));
        let mut out = sizes;
        let last = out.len() - 1;
        out[last] = y.size()[1];
        y.narrow(0, 0, m).reshape(out)
    }

    /// `x Wᵀ + b` for a contiguous `[rows + 1, in]` matrix whose last row is scratch: the
    /// layer writes its range guard there in place (a zero when it needs none, which leaves
    /// the op's range as it is), so a caller that keeps a spare row in its activations never
    /// copies them to append one. The output keeps a spare last row (meaningless values).
    pub(crate) fn forward_spare(&self, x: &Tensor) -> Tensor {
        let m = x.size()[0] - 1;
        let value = if self.headroom < 255 && m > 0 {
            guard_value(&x.narrow(0, 0, m), self.headroom)
        } else {
            0.0
        };
        let _ = x.narrow(0, m, 1).fill_(value);
        x.fbgemm_linear_int8_weight_fp32_activation(
            &self.qweight,
            &self.packed,
            &self.col_offsets,
            // The scale is a double and the zero point an integer scalar; both go through
            // `Scalar` because the binding takes one type for the two.
            tch::Scalar::float(self.scale),
            tch::Scalar::int(self.zero_point),
            &self.bias,
        )
    }

    /// Multiply-accumulates per input row.
    pub(crate) fn macs(&self) -> i64 {
        self.qweight.size().iter().product()
    }
}

/// The largest `u8` activation code that cannot overflow fbgemm's `i16` pair sums with these
/// weights.
///
/// Why: the int8 op quantises activations over their full range into 0..=255, and on CPUs
/// without AVX-512 VNNI fbgemm multiplies with `vpmaddubsw`, which adds the two products
/// `a[2j]·q[2j] + a[2j+1]·q[2j+1]` of consecutive inputs into a saturating `i16`. With int8
/// weights near ±128 that sum reaches 2 · 255 · 128 and large outputs clip (measured on an
/// AVX2-only EPYC: max error 0.18 on a unit-scale test layer instead of 0.01). The worst pair
/// of a weight matrix bounds the activation code that is safe; [`guard_value`]'s row then keeps
/// real activations at or below it, so the integer GEMM is exact on every CPU and int8
/// results do not depend on the machine.
pub(crate) fn activation_headroom(qweight: &Tensor) -> i64 {
    let q = qweight.to_kind(Kind::Int);
    let (n, k) = (q.size()[0], q.size()[1]);
    let q = if k % 2 == 1 {
        Tensor::cat(&[&q, &q.zeros_like().narrow(1, 0, 1)], 1)
    } else {
        q
    };
    let pairs = q.reshape([n, -1, 2]);
    let pos = pairs
        .clamp_min(0)
        .sum_dim_intlist(2, false, Kind::Int)
        .max()
        .int64_value(&[]);
    let neg = (-pairs)
        .clamp_min(0)
        .sum_dim_intlist(2, false, Kind::Int)
        .max()
        .int64_value(&[]);
    let mut limit = 255;
    if pos > 0 {
        limit = limit.min(i64::from(i16::MAX) / pos);
    }
    if neg > 0 {
        limit = limit.min(32_768 / neg);
    }
    limit
}

/// The value of the one extra activation row that stretches the op's quantisation range so
/// that the real rows get `u8` codes of at most `headroom` (PyTorch's `reduce_range`, sized to
/// the layer); its own output row is dropped, and its own products may clip harmlessly.
pub(crate) fn guard_value(rows: &Tensor, headroom: i64) -> f64 {
    let (lo, hi) = rows.aminmax(None::<i64>, false);
    let lo = lo.double_value(&[]).min(0.0);
    let hi = hi.double_value(&[]).max(0.0);
    let width = if hi > lo { hi - lo } else { 1.0 };
    // Real codes are at most width/scale + 1 after the op rounds value and zero point, so aim
    // a little more than one code below the headroom.
    let span = (headroom as f64 - 1.01).max(1.0);
    lo + width * 255.0 / span
}

/// Silences the process's stderr while alive (libtorch's one-time deprecation warnings for
/// the fbgemm int8 ops would otherwise land in the middle of the progress bar).
pub(crate) struct QuietStderr(Option<i32>);

impl QuietStderr {
    pub(crate) fn new() -> QuietStderr {
        // SAFETY: plain fd juggling; on any failure we leave stderr untouched.
        unsafe {
            let saved = libc::dup(2);
            if saved < 0 {
                return QuietStderr(None);
            }
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
            if null < 0 {
                libc::close(saved);
                return QuietStderr(None);
            }
            libc::dup2(null, 2);
            libc::close(null);
            QuietStderr(Some(saved))
        }
    }
}

impl Drop for QuietStderr {
    fn drop(&mut self) {
        if let Some(saved) = self.0 {
            // SAFETY: restores the descriptor saved in `new`.
            unsafe {
                libc::dup2(saved, 2);
                libc::close(saved);
            }
        }
    }
}

/// An int8 weight as fbgemm's `fbgemm_linear_quantize_weight` produces it.
pub(crate) struct QuantizedWeight {
    pub qweight: Tensor,
    pub col_offsets: Tensor,
    pub scale: f64,
    pub zero_point: i64,
}

/// Per-tensor asymmetric quantisation into int8 `[-128, 127]`, following libtorch's
/// `ChooseQuantizationParams` (zero kept exactly representable) and fbgemm's column offsets
/// (`sum_k q[n, k] - zero_point * K`), which the int8 GEMM needs to correct for the activation
/// zero point.
pub(crate) fn quantize_weight(w: &Tensor) -> QuantizedWeight {
    let (qmin, qmax) = (-128.0f32, 127.0f32);
    let w_min = (w.min().double_value(&[]) as f32).min(0.0);
    let w_max = (w.max().double_value(&[]) as f32).max(0.0);
    let mut scale = (w_max - w_min) / (qmax - qmin);
    if scale == 0.0 || !scale.is_finite() {
        scale = 0.1;
    }
    let zp_from_min = qmin - w_min / scale;
    let zp_from_max = qmax - w_max / scale;
    let err_min = qmin.abs() + (w_min / scale).abs();
    let err_max = qmax.abs() + (w_max / scale).abs();
    let initial = if err_min < err_max {
        zp_from_min
    } else {
        zp_from_max
    };
    let zero_point = initial.round().clamp(qmin, qmax) as i64;
    let qweight = (w / f64::from(scale) + zero_point as f64)
        .round()
        .clamp(f64::from(qmin), f64::from(qmax))
        .to_kind(Kind::Int8)
        .contiguous();
    let k = w.size()[1];
    let col_offsets = (qweight
        .to_kind(Kind::Int)
        .sum_dim_intlist(1, false, Kind::Int)
        - zero_point * k)
        .to_kind(Kind::Int)
        .contiguous();
    QuantizedWeight {
        qweight,
        col_offsets,
        scale: f64::from(scale),
        zero_point,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headroom_follows_fbgemms_input_pairs() {
        // Weights 1, 0, 1, 0, … quantise to 127, -128, 127, -128, …: each consecutive pair
        // (the pairs `vpmaddubsw` adds) is safe at full u8 range, so no guard row is used.
        // Had fbgemm paired inputs 0 and 2 instead, 2 · 255 · 127 would clip on AVX2 and the
        // outputs (about 15) would be far off.
        let pattern: Vec<f32> = (0..64 * 32)
            .map(|i| ((i % 32) % 2 == 0) as u8 as f32)
            .collect();
        let w = Tensor::from_slice(&pattern).reshape([64, 32]);
        let b = Tensor::zeros([64], (Kind::Float, tch::Device::Cpu));
        let q = Int8Linear::new(&w, b.shallow_clone());
        assert_eq!(q.headroom, 255);
        tch::manual_seed(3);
        let x = Tensor::rand([10, 32], (Kind::Float, tch::Device::Cpu)) * 0.1 + 0.9;
        let exact = x.linear(&w, Some(&b));
        let approx = tch::no_grad(|| q.forward(&x));
        let err = (exact - approx).abs().max().double_value(&[]);
        assert!(err < 0.05, "int8 error {err}");
        // Two extremes of one sign in a pair leave room for codes up to 129 only.
        let w = Tensor::from_slice(&[1.0f32, 1.0, -1.0, 0.0]).reshape([1, 4]);
        assert_eq!(activation_headroom(&quantize_weight(&w).qweight), 129);
    }

    #[test]
    fn whatever_the_spare_row_held_the_real_rows_come_out_the_same() {
        // The engine hands each int8 layer activations whose last row is scratch left over
        // from earlier ops; the layer must overwrite it (guard or zero) before the op sees it,
        // or a stray value would widen the quantisation range of every real row.
        tch::manual_seed(7);
        let opts = (Kind::Float, tch::Device::Cpu);
        let pattern: Vec<f32> = (0..48 * 32).map(|i| ((i % 2) == 0) as u8 as f32).collect();
        let layers = [
            Tensor::randn([48, 32], opts) * 0.05,
            Tensor::from_slice(&pattern).reshape([48, 32]),
        ];
        let headrooms: Vec<i64> = layers
            .iter()
            .map(|w| Int8Linear::new(w, Tensor::zeros([48], opts)).headroom)
            .collect();
        assert!(headrooms[0] < 255 && headrooms[1] == 255, "{headrooms:?}");
        let x = Tensor::randn([9, 32], opts);
        for w in &layers {
            let q = Int8Linear::new(w, Tensor::randn([48], opts) * 0.01);
            let reference = tch::no_grad(|| q.forward(&x));
            for junk in [0.0, 1e6, -1e6, f64::NAN] {
                let spared = Tensor::cat(&[&x, &Tensor::full([1, 32], junk, opts)], 0);
                let y = tch::no_grad(|| q.forward_spare(&spared)).narrow(0, 0, 9);
                let diff = (y - &reference).abs().max().double_value(&[]);
                assert_eq!(
                    diff, 0.0,
                    "spare row {junk} changed the real rows by {diff}"
                );
            }
        }
    }

    #[test]
    fn quantisation_keeps_zero_exact_and_offsets_consistent() {
        let w = Tensor::from_slice(&[-1.0f32, 0.0, 0.5, 1.0]).reshape([2, 2]);
        let q = quantize_weight(&w);
        let zero = (0.0 / q.scale + q.zero_point as f64).round() as i64;
        assert_eq!(zero, q.zero_point);
        let sums: Vec<i32> = Vec::<i32>::try_from(q.qweight.to_kind(Kind::Int).sum_dim_intlist(
            1,
            false,
            Kind::Int,
        ))
        .unwrap();
        let offs: Vec<i32> = Vec::<i32>::try_from(&q.col_offsets).unwrap();
        for (s, o) in sums.iter().zip(&offs) {
            assert_eq!(*o as i64, *s as i64 - q.zero_point * 2);
        }
    }

    /// What fbgemm's dynamic activation quantisation does with a call's input (libtorch's
    /// `ChooseQuantizationParams` over 0..=255, range widened to include zero): the `u8` code
    /// of every value.
    fn activation_codes(input: &Tensor) -> Vec<i64> {
        let (lo, hi) = input.aminmax(None::<i64>, false);
        let lo = lo.double_value(&[]).min(0.0);
        let hi = hi.double_value(&[]).max(0.0);
        let scale = if hi > lo { (hi - lo) / 255.0 } else { 0.1 };
        let zero_point = (-lo / scale).round().clamp(0.0, 255.0);
        let codes = (input / scale + zero_point).round().clamp(0.0, 255.0);
        Vec::<f64>::try_from(codes.to_kind(Kind::Double).reshape([-1]))
            .unwrap()
            .into_iter()
            .map(|c| c as i64)
            .collect()
    }

    #[test]
    fn range_guard_keeps_every_pair_sum_inside_i16_on_any_cpu() {
        // Weights whose consecutive pairs quantise to (127, 127): at full u8 range a pair sum
        // reaches 2 · 255 · 127 = 64,770, far beyond i16 — the saturating path of AVX2 fbgemm.
        // The check is arithmetic (the op's own quantisation rule), so it fails on any CPU if
        // the guard stops bounding the codes.
        let w = Tensor::ones([8, 16], (Kind::Float, tch::Device::Cpu));
        let q = quantize_weight(&w);
        let headroom = activation_headroom(&q.qweight);
        assert!(
            headroom < 255,
            "these weights must need a guard (headroom {headroom})"
        );
        let qw: Vec<i64> =
            Vec::<i64>::try_from(q.qweight.to_kind(Kind::Int64).reshape([-1])).unwrap();
        let worst_pair = qw
            .chunks(2)
            .map(|p| p.iter().map(|v| v.abs()).sum::<i64>())
            .max()
            .unwrap();
        tch::manual_seed(5);
        let cases = [
            Tensor::randn([6, 16], (Kind::Float, tch::Device::Cpu)) * 3.0,
            Tensor::rand([6, 16], (Kind::Float, tch::Device::Cpu)) * 7.0 + 1.0,
            -(Tensor::rand([6, 16], (Kind::Float, tch::Device::Cpu)) * 2.0) - 0.5,
            Tensor::full([6, 16], 1e-4, (Kind::Float, tch::Device::Cpu)),
        ];
        for (i, rows) in cases.iter().enumerate() {
            let unguarded = activation_codes(rows).into_iter().max().unwrap();
            let guard = Tensor::full(
                [1, 16],
                guard_value(rows, headroom),
                (Kind::Float, tch::Device::Cpu),
            );
            let guarded = Tensor::cat(&[rows, &guard], 0);
            let codes = activation_codes(&guarded);
            let real_max = codes[..(6 * 16) as usize].iter().copied().max().unwrap();
            assert!(
                real_max <= headroom,
                "case {i}: real activation code {real_max} > headroom {headroom}"
            );
            assert!(
                real_max * worst_pair <= i64::from(i16::MAX),
                "case {i}: pair sum overflows"
            );
            if i < 3 {
                // Without the guard the same input would reach the saturating codes.
                assert!(
                    unguarded * worst_pair > i64::from(i16::MAX),
                    "case {i}: {unguarded}"
                );
            }
        }
    }
}
