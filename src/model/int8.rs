//! int8 linear layers (quantisation apart from the encoder): weights in 7 bits with one scale
//! per output channel, packed for fbgemm; fp32 activations quantised by the op per call; and,
//! where a layer's input has a few channels far larger than the rest, those channels
//! computed in fp32.
//!
//! - **Why 7 bits.** On CPUs without AVX-512 VNNI fbgemm multiplies with `vpmaddubsw`, which
//!   adds the two products `a[2j]·q[2j] + a[2j+1]·q[2j+1]` of `u8` activation codes and `i8`
//!   weights into a saturating `i16`. With weights in `[-63, 63]` a pair reaches at most
//!   `2 · 255 · 63 = 32,130 < 32,767`, so the integer GEMM is exact on every CPU and the
//!   activations keep all 255 codes. (Until 2026-12-05 the weights had 8 bits with one scale
//!   per matrix, and an extra activation row narrowed every layer's activation codes to the
//!   range its worst weight pair allowed: about 140 codes for the FFN output.) One scale per
//!   output channel gives back more than the eighth bit took: each row of `W` uses its whole
//!   range.
//! - **Outlier channels.** The input of the FFN output projection (GELU activations, 1,536
//!   channels) has a few channels that reach 15–70 on some tokens while the median channel
//!   stays near 2; over one call's range they would leave every other value a handful of
//!   codes. When the model loads, it reads fixed calibration text ([`CALIBRATION_TEXTS`]) and
//!   [`outlier_channels`] names them per layer; the layer then zeroes them while the int8 op
//!   reads its input and adds their product with the weight's fp32 columns (a
//!   `[rows, ≤ 16] × [≤ 16, out]` GEMM).
//! - **Per-row ranges for the FFN input projection.** The op quantises a call's activations
//!   over one range for all its token rows. The FFN's input (the attention block's LayerNorm
//!   output) has rows whose ranges differ several-fold, so that layer divides each row by its
//!   own largest magnitude before the op and multiplies the row's outputs back
//!   ([`Int8Linear::with_row_ranges`]). Tried on every projection, the others gained nothing
//!   measurable and cost more time; on this one it costs about 3% of int8's wall time.
//!
//! Labels agreeing with fp32 on statements outside every test split (6,317 English: real train
//! and dev, synthetic dev, the distillation pool; 3,585 Chinese: real train and dev), before →
//! after the 7-bit per-channel weights and outliers → with per-row ranges too (README,
//! "Performance"): `stance-minilm-v3` 98.1% → 99.2% → 99.4%, the fast tier's student
//! 98.0% → 99.5% → 99.6%, the Chinese model 95.2% → 98.6% → 99.1%. Calibration read in fp32
//! instead of int8 found nearly the same channels and agreed about as well (99.0% and 98.7%).
//!
//! Batch dependence (documented and tested in `tests/model_engines.rs`): the op quantises a
//! call's activations over the range of the whole call, so an int8 result moves slightly
//! (at the 1e-3 level in probabilities) with the other texts in its batch; fp32 does not.

use tch::{Kind, Tensor};

use crate::tokenize::{TextTokenizer, TokenizeError};

/// The largest weight code: keeps fbgemm's `i16` pair sums exact on any CPU (module docs).
pub(crate) const WEIGHT_CODE_MAX: i64 = 63;

/// An input channel is an outlier when its largest magnitude over the calibration text is
/// more than this many times the median channel's.
pub(crate) const OUTLIER_RATIO: f64 = 3.0;

/// At most this many outlier channels per layer (the largest first).
pub(crate) const MAX_OUTLIERS: usize = 16;

/// Fixed text the model reads once in fp32 when it loads in int8, to find the outlier
/// channels of its FFN activations. Written for this purpose (no quotation of anyone): the
/// registers the models read, in English, Simplified and Traditional Chinese. The channels
/// found do not depend much on the words: they fire on the special and punctuation tokens
/// every input has.
pub(crate) const CALIBRATION_TEXTS: &[&str] = &[
    "The spokesperson said the government firmly opposes any attempt to split the country.",
    "We do not support Taiwan independence, and we oppose unilateral changes to the status quo by either side.",
    "Taiwan is a sovereign and independent country, and its future must be decided by its people.",
    "The minister discussed trade, energy and climate cooperation during a two-day visit.",
    "Q: Can you confirm the date of the next round of talks? A: I have no information to offer on that at the moment.",
    "2. Both sides reaffirmed the importance of peace and stability across the Taiwan Strait.",
    "Maintaining the status quo serves the interests of all parties, the statement said.",
    "The delegation supports Taiwan's meaningful participation in international organisations.",
    "外交部发言人表示，中方坚决反对任何形式的“台独”分裂活动。",
    "我们主张维持台海和平稳定的现状，不支持任何单方面改变现状的行为。",
    "中華民國是主權獨立的國家，台灣的前途由兩千三百萬人民共同決定。",
    "双方就经贸合作、人文交流和气候变化等议题交换了意见。",
];

/// [`CALIBRATION_TEXTS`] as model inputs (`[CLS] … [SEP]`) for `tokenizer`.
pub(crate) fn calibration_inputs(
    tokenizer: &TextTokenizer,
    max_positions: i64,
) -> Result<Vec<Vec<i64>>, TokenizeError> {
    let limit = usize::try_from(max_positions.max(2)).unwrap_or(2);
    Ok(tokenizer
        .tokenize(CALIBRATION_TEXTS)?
        .iter()
        .map(|t| tokenizer.with_specials(&t.ids, limit))
        .collect())
}

/// An int8 linear layer, `y = x Wᵀ + b` with `W` quantised per output channel.
pub(crate) struct Int8Linear {
    qweight: Tensor,
    packed: Tensor,
    col_offsets: Tensor,
    /// One scale per output channel, `[out]`.
    scales: Tensor,
    /// `b / scales`: the op adds it before the output is scaled per channel.
    scaled_bias: Tensor,
    outliers: Option<Outliers>,
    /// Set when each input row is scaled to its own range before the op
    /// ([`Int8Linear::with_row_ranges`]): the bias, added after, and the zero bias the op adds.
    row_ranges: Option<(Tensor, Tensor)>,
}

/// Input channels computed in fp32: their indices and the weight's columns for them,
/// transposed (`[k, out]`).
struct Outliers {
    channels: Tensor,
    columns: Tensor,
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
            scaled_bias: (&bias / &q.scales).contiguous(),
            qweight: q.qweight,
            col_offsets: q.col_offsets,
            scales: q.scales,
            outliers: None,
            row_ranges: None,
        }
    }

    /// From now on divides each input row by its own largest magnitude before the op
    /// quantises the call's activations, and multiplies the row's outputs back: every token
    /// row then gets the whole code range instead of the share the largest row of the batch
    /// leaves it. Costs two more passes over the output.
    pub(crate) fn with_row_ranges(mut self) -> Int8Linear {
        let bias = &self.scaled_bias * &self.scales;
        self.row_ranges = Some((bias.zeros_like(), bias));
        self
    }

    /// From now on computes these input channels of `weight` (the fp32 matrix this layer was
    /// quantised from) in fp32; an empty list computes every channel in int8.
    pub(crate) fn set_outliers(&mut self, weight: &Tensor, channels: &[i64]) {
        self.outliers = (!channels.is_empty()).then(|| {
            let channels = Tensor::from_slice(channels);
            let columns = weight
                .index_select(1, &channels)
                .transpose(0, 1)
                .contiguous();
            Outliers { channels, columns }
        });
    }

    /// How many input channels are computed in fp32.
    #[cfg(test)]
    pub(crate) fn outlier_count(&self) -> usize {
        self.outliers
            .as_ref()
            .map_or(0, |o| o.channels.size()[0] as usize)
    }

    /// `x Wᵀ + b` over the last dimension of `x` (leading dimensions kept). Outlier channels
    /// are zeroed in `x` while the int8 op reads it and put back after, so `x` comes back as
    /// it was without being copied.
    pub(crate) fn forward(&self, x: &Tensor) -> Tensor {
        let sizes = x.size();
        let k = sizes[sizes.len() - 1];
        let rows = x.reshape([-1, k]);
        let side = self.outliers.as_ref().map(|o| {
            let values = rows.index_select(1, &o.channels);
            let _ = rows.shallow_clone().index_fill_(1, &o.channels, 0.0);
            (values, o)
        });
        let mut y = match &self.row_ranges {
            None => {
                let mut y = self.op(&rows, &self.scaled_bias);
                let _ = y.g_mul_(&self.scales);
                y
            }
            Some((zero, bias)) => {
                let range = rows
                    .amax([1i64].as_slice(), true)
                    .maximum(&rows.amin([1i64].as_slice(), true).neg())
                    .clamp_min(f64::from(f32::MIN_POSITIVE));
                let mut y = self.op(&(&rows / &range), zero);
                let _ = y.g_mul_(&range).g_mul_(&self.scales).g_add_(bias);
                y
            }
        };
        if let Some((values, o)) = side {
            let _ = y.addmm_(&values, &o.columns);
            let _ = rows.shallow_clone().index_copy_(1, &o.channels, &values);
        }
        let mut out = sizes;
        let last = out.len() - 1;
        out[last] = y.size()[1];
        y.reshape(out)
    }

    /// fbgemm's int8 GEMM of `rows` (`[rows, in]`) with the integer weight, plus `bias`, before
    /// the per-channel scales.
    fn op(&self, rows: &Tensor, bias: &Tensor) -> Tensor {
        rows.fbgemm_linear_int8_weight_fp32_activation(
            &self.qweight,
            &self.packed,
            &self.col_offsets,
            // The scale is a double and the zero point an integer scalar; both go through
            // `Scalar` because the binding takes one type for the two. Weight scale 1 and
            // zero point 0: the per-channel scales come after.
            tch::Scalar::float(1.0),
            tch::Scalar::int(0),
            bias,
        )
    }

    /// Output width.
    pub(crate) fn out_features(&self) -> i64 {
        self.qweight.size()[0]
    }

    /// Input width.
    pub(crate) fn in_features(&self) -> i64 {
        self.qweight.size()[1]
    }

    /// Multiply-accumulates per input row.
    pub(crate) fn macs(&self) -> i64 {
        self.qweight.size().iter().product()
    }
}

/// The outlier channels of one layer input, from each channel's largest magnitude over the
/// calibration text (`[channels]`): those over [`OUTLIER_RATIO`] times the median channel's,
/// largest first, at most [`MAX_OUTLIERS`].
pub(crate) fn outlier_channels(maxima: &Tensor) -> Vec<i64> {
    let Ok(values) = Vec::<f32>::try_from(maxima.to_kind(Kind::Float).reshape([-1])) else {
        return Vec::new();
    };
    let mut sorted: Vec<f32> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return Vec::new();
    }
    sorted.sort_by(f32::total_cmp);
    let median = f64::from(sorted[sorted.len() / 2]);
    let mut found: Vec<(usize, f32)> = values
        .iter()
        .copied()
        .enumerate()
        .filter(|&(_, v)| v.is_finite() && f64::from(v) > OUTLIER_RATIO * median)
        .collect();
    found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    found.truncate(MAX_OUTLIERS);
    found.into_iter().map(|(i, _)| i as i64).collect()
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

/// A weight quantised for fbgemm's int8 GEMM.
pub(crate) struct QuantizedWeight {
    /// `[out, in]` int8 codes in `[-WEIGHT_CODE_MAX, WEIGHT_CODE_MAX]`.
    pub qweight: Tensor,
    /// `sum_k q[n, k]` (zero point 0), which the GEMM needs to correct for the activation
    /// zero point.
    pub col_offsets: Tensor,
    /// `[out]`: row `n` of the weight is `scales[n] · q[n, :]`.
    pub scales: Tensor,
}

/// Symmetric quantisation with one scale per output channel (row of `w`): codes in
/// `[-WEIGHT_CODE_MAX, WEIGHT_CODE_MAX]`, zero point 0, so zero stays exact.
pub(crate) fn quantize_weight(w: &Tensor) -> QuantizedWeight {
    let amax = w
        .abs()
        .amax([1i64].as_slice(), true)
        .clamp_min(1e-8)
        .to_kind(Kind::Float);
    let scales = &amax / WEIGHT_CODE_MAX as f64;
    let code_max = WEIGHT_CODE_MAX as f64;
    let qweight = (w / &scales)
        .round()
        .clamp(-code_max, code_max)
        .to_kind(Kind::Int8)
        .contiguous();
    let col_offsets = qweight
        .to_kind(Kind::Int)
        .sum_dim_intlist(1, false, Kind::Int)
        .contiguous();
    QuantizedWeight {
        qweight,
        col_offsets,
        scales: scales.reshape([-1]).contiguous(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CPU: (Kind, tch::Device) = (Kind::Float, tch::Device::Cpu);

    fn max_error(exact: &Tensor, approx: &Tensor) -> f64 {
        (exact - approx).abs().max().double_value(&[])
    }

    /// [`max_error`] over the largest magnitude of `exact`.
    fn relative_error(exact: &Tensor, approx: &Tensor) -> f64 {
        max_error(exact, approx) / exact.abs().max().double_value(&[])
    }

    #[test]
    fn seven_bit_weights_keep_every_pair_sum_inside_i16_on_any_cpu() {
        // All-equal weights: every consecutive pair (the pairs `vpmaddubsw` adds into an i16 on
        // CPUs without VNNI) sits at the largest code. With 8-bit codes (127) and activation
        // codes near 255 the pair sums reach 64,770 and would clip on such CPUs.
        tch::manual_seed(5);
        let w = Tensor::ones([8, 16], CPU);
        let q = quantize_weight(&w);
        let codes: Vec<i64> =
            Vec::<i64>::try_from(q.qweight.to_kind(Kind::Int64).reshape([-1])).expect("codes");
        let worst_pair = codes
            .chunks(2)
            .map(|p| p.iter().map(|c| c.abs()).sum::<i64>())
            .max()
            .expect("pairs");
        assert_eq!(worst_pair, 2 * WEIGHT_CODE_MAX);
        assert!(255 * worst_pair <= i64::from(i16::MAX));
        // And the GEMM is right at full activation range (positive inputs take codes up to 255).
        let layer = Int8Linear::new(&w, Tensor::zeros([8], CPU));
        let x = Tensor::rand([6, 16], CPU) * 7.0 + 1.0;
        let exact = x.linear(&w, None::<&Tensor>);
        let err = max_error(&exact, &tch::no_grad(|| layer.forward(&x)));
        // Outputs are about 70; one activation code is 8/255.
        assert!(err < 0.3, "int8 error {err} on outputs near 70");
    }

    /// Whether fbgemm runs its VNNI kernels here: the CPU has them and
    /// `FBGEMM_ENABLE_INSTRUCTIONS` (fbgemm's own override, which `scripts/test.sh` sets to
    /// `AVX2` for a second run of these tests) does not force an older set.
    fn fbgemm_uses_vnni() -> bool {
        let cpu = std::arch::is_x86_feature_detected!("avx512vnni")
            && std::arch::is_x86_feature_detected!("avx512bw")
            && std::arch::is_x86_feature_detected!("avx512vl");
        match std::env::var("FBGEMM_ENABLE_INSTRUCTIONS").as_deref() {
            Ok("AVX2" | "AVX512" | "AVX512_256") => false,
            _ => cpu,
        }
    }

    #[test]
    fn eight_bit_codes_clip_exactly_where_fbgemm_has_no_vnni() {
        // Why the weights have 7 bits, shown on the kernel this run uses: all-127 codes at full
        // activation range make pair sums of 64,770, which `vpmaddubsw` clips to 32,767 and
        // VNNI does not. A run forced onto the AVX2 kernels must see the clipping, so this
        // also proves the forced run tests the other path.
        let qweight = Tensor::full([8, 16], 127, (Kind::Int8, tch::Device::Cpu));
        let _quiet = QuietStderr::new();
        let layer = Int8Linear {
            packed: qweight.fbgemm_pack_quantized_matrix(),
            scaled_bias: Tensor::zeros([8], CPU),
            col_offsets: Tensor::full([8], 127 * 16, (Kind::Int, tch::Device::Cpu)),
            scales: Tensor::ones([8], CPU),
            qweight,
            outliers: None,
            row_ranges: None,
        };
        tch::manual_seed(5);
        let x = Tensor::rand([6, 16], CPU) * 7.0 + 1.0;
        let exact = x.linear(&Tensor::full([8, 16], 127.0, CPU), None::<&Tensor>);
        let approx = tch::no_grad(|| layer.forward(&x));
        let rel = relative_error(&exact, &approx);
        let vnni = fbgemm_uses_vnni();
        println!("fbgemm VNNI kernels: {vnni}; relative error {rel:.4}");
        if vnni {
            assert!(rel < 0.01, "VNNI kernel: 8-bit codes off by {rel}");
        } else {
            assert!(
                rel > 0.2,
                "AVX2 kernel: 8-bit codes should clip, off by only {rel}"
            );
        }
    }

    #[test]
    fn each_output_channel_keeps_its_own_precision() {
        // Two rows six orders of magnitude apart: one scale for the matrix would round the small
        // row to zero; one scale per row keeps it.
        tch::manual_seed(3);
        let w = Tensor::cat(
            &[
                Tensor::randn([1, 32], CPU) * 100.0,
                Tensor::randn([1, 32], CPU) * 1e-4,
            ],
            0,
        );
        let b = Tensor::from_slice(&[0.5f32, -2e-4]);
        let layer = Int8Linear::new(&w, b.shallow_clone());
        let x = Tensor::randn([5, 32], CPU);
        let exact = x.linear(&w, Some(&b));
        let approx = tch::no_grad(|| layer.forward(&x));
        for row in 0..2 {
            let rel = relative_error(&exact.select(1, row), &approx.select(1, row));
            assert!(rel < 0.05, "output channel {row}: relative error {rel}");
        }
    }

    #[test]
    fn a_row_far_below_its_batch_mates_keeps_its_precision_with_row_ranges() {
        // One token row 500 times smaller than the rest of the call: over the call's range it
        // falls inside one or two activation codes; over its own range it keeps all of them.
        tch::manual_seed(17);
        let w = Tensor::randn([16, 32], CPU) * 0.2;
        let b = Tensor::randn([16], CPU) * 0.1;
        let x = Tensor::randn([6, 32], CPU);
        let _ = x.select(0, 2).g_mul_(&Tensor::from(0.002f32));
        let exact = x.linear(&w, None::<&Tensor>);
        let small_row_error = |layer: &Int8Linear| {
            let y = tch::no_grad(|| layer.forward(&x)) - &b;
            relative_error(&exact.select(0, 2), &y.select(0, 2))
        };
        let per_call = small_row_error(&Int8Linear::new(&w, b.shallow_clone()));
        let layer = Int8Linear::new(&w, b.shallow_clone()).with_row_ranges();
        let per_row = small_row_error(&layer);
        assert!(per_row < 0.05, "relative error with row ranges {per_row}");
        assert!(
            per_row * 10.0 < per_call,
            "row ranges {per_row}, call range {per_call}"
        );
        // The other rows and the bias are as right as before (relative to the rows' size, as
        // above: an absolute bound depends on the CPU's kernel and the seed's draw), and the
        // input is untouched.
        let before = x.copy();
        let all = tch::no_grad(|| layer.forward(&x));
        let (big, big_out) = (exact.narrow(0, 0, 2), all.narrow(0, 0, 2) - &b);
        let rel = relative_error(&big, &big_out);
        println!(
            "small row: {per_row:.4} (call range {per_call:.4}); other rows {rel:.4} (absolute {:.4})",
            max_error(&big, &big_out)
        );
        assert!(rel < 0.05, "relative error of the other rows {rel}");
        assert_eq!(max_error(&x, &before), 0.0);
    }

    #[test]
    fn quantisation_keeps_zero_exact_and_offsets_consistent() {
        let w = Tensor::from_slice(&[-1.0f32, 0.0, 0.25, 1.0, 0.0, 0.0]).reshape([3, 2]);
        let q = quantize_weight(&w);
        let codes: Vec<i64> =
            Vec::<i64>::try_from(q.qweight.to_kind(Kind::Int64).reshape([-1])).expect("codes");
        assert_eq!(codes, vec![-63, 0, 16, 63, 0, 0]);
        let offsets: Vec<i32> = Vec::<i32>::try_from(&q.col_offsets).expect("offsets");
        assert_eq!(offsets, vec![-63, 79, 0]);
        let back = q.qweight.to_kind(Kind::Float) * q.scales.reshape([3, 1]);
        assert!(max_error(&back, &w) < 0.01);
    }

    #[test]
    fn outlier_channels_are_computed_in_fp32() {
        // One input channel 40 times the others stretches the op's activation range, so every
        // other channel gets a few codes; computed apart, it costs nothing.
        tch::manual_seed(11);
        let w = Tensor::randn([24, 64], CPU) * 0.1;
        let b = Tensor::randn([24], CPU) * 0.01;
        let x = Tensor::randn([40, 64], CPU).abs();
        let _ = x.select(1, 9).fill_(40.0);
        let exact = x.linear(&w, Some(&b));
        let mut layer = Int8Linear::new(&w, b.shallow_clone());
        let plain = max_error(&exact, &tch::no_grad(|| layer.forward(&x)));
        layer.set_outliers(&w, &[9]);
        assert_eq!(layer.outlier_count(), 1);
        let before = x.copy();
        let split = max_error(&exact, &tch::no_grad(|| layer.forward(&x)));
        assert!(
            split * 4.0 < plain,
            "outlier apart: {split}, in int8: {plain}"
        );
        // The input comes back as it was (the outlier channel is zeroed only while the op reads).
        assert_eq!(max_error(&x, &before), 0.0);
    }

    #[test]
    fn outliers_are_the_few_channels_far_above_the_median() {
        let mut maxima = vec![2.0f32; 100];
        maxima[7] = 30.0;
        maxima[3] = 6.5; // over 3 × 2
        maxima[50] = 5.9; // under
        maxima[60] = f32::NAN;
        assert_eq!(outlier_channels(&Tensor::from_slice(&maxima)), vec![7, 3]);
        // At most MAX_OUTLIERS, the largest first.
        let mut many = vec![1.0f32; 200];
        for (i, v) in many.iter_mut().enumerate().take(40) {
            *v = 10.0 + i as f32;
        }
        let found = outlier_channels(&Tensor::from_slice(&many));
        assert_eq!(found.len(), MAX_OUTLIERS);
        assert_eq!(found[0], 39);
        assert!(outlier_channels(&Tensor::ones([8], CPU)).is_empty());
    }
}
