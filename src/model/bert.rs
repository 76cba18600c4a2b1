//! The inference engine: a BERT sequence classifier written directly against libtorch ops.
//!
//! It reads the same tensors as rust-bert's `BertForSequenceClassification` (which stays the
//! reference implementation and the training model) and computes the same function, faster:
//! - one fused QKV projection per layer instead of three GEMMs;
//! - `scaled_dot_product_attention` (libtorch's fused CPU kernel) instead of
//!   matmul → softmax → matmul, with the padding mask always passed;
//! - the last layer only computes the `[CLS]` row, the only one the classifier reads;
//! - optionally, int8 weights with fp32 activations (fbgemm, dynamic activation quantisation).
//!
//! Tests check it against rust-bert on random weights (`tests/model_engines.rs`).

use tch::{Kind, Tensor};

use crate::model::config::BertConfig;
use crate::model::weights::Weights;
use crate::model::ModelError;

/// Arithmetic used for the linear layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// fp32 everywhere (exact).
    #[default]
    Fp32,
    /// int8 weights, dynamically quantised fp32 activations in the encoder's linear layers.
    Int8,
}

/// A linear layer, `y = x Wᵀ + b`.
enum Linear {
    Dense {
        weight: Tensor,
        bias: Tensor,
    },
    /// Per-tensor asymmetric int8 weight packed for fbgemm.
    Int8 {
        qweight: Tensor,
        packed: Tensor,
        col_offsets: Tensor,
        scale: f64,
        zero_point: i64,
        bias: Tensor,
        /// Largest activation code this layer's weights allow without `i16` saturation
        /// (see [`activation_headroom`]); 255 means no guard row is needed.
        headroom: i64,
    },
}

impl Linear {
    fn dense(w: &Weights, name: &str, out: i64, inp: i64) -> Result<Linear, ModelError> {
        Ok(Linear::Dense {
            weight: w
                .get(&format!("{name}.weight"), &[out, inp])?
                .shallow_clone(),
            bias: w.get(&format!("{name}.bias"), &[out])?.shallow_clone(),
        })
    }

    fn from_parts(weight: Tensor, bias: Tensor, precision: Precision) -> Linear {
        match precision {
            Precision::Fp32 => Linear::Dense {
                weight: weight.contiguous(),
                bias,
            },
            Precision::Int8 => {
                let q = quantize_weight(&weight);
                // libtorch prints a one-time deprecation notice for these (still supported)
                // fbgemm ops; keep it off the user's terminal.
                let _quiet = QuietStderr::new();
                Linear::Int8 {
                    packed: q.qweight.fbgemm_pack_quantized_matrix(),
                    headroom: activation_headroom(&q.qweight),
                    qweight: q.qweight,
                    col_offsets: q.col_offsets,
                    scale: q.scale,
                    zero_point: q.zero_point,
                    bias,
                }
            }
        }
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        match self {
            Linear::Dense { weight, bias } => x.linear(weight, Some(bias)),
            Linear::Int8 {
                qweight,
                packed,
                col_offsets,
                scale,
                zero_point,
                bias,
                headroom,
            } => {
                let sizes = x.size();
                let k = sizes[sizes.len() - 1];
                let rows = x.reshape([-1, k]);
                let m = rows.size()[0];
                let input = if *headroom < 255 {
                    Tensor::cat(&[&rows, &range_guard(&rows, *headroom)], 0)
                } else {
                    rows
                };
                let y = input.fbgemm_linear_int8_weight_fp32_activation(
                    qweight,
                    packed,
                    col_offsets,
                    // The scale is a double and the zero point an integer scalar; both go
                    // through `Scalar` because the binding takes one type for the two.
                    tch::Scalar::float(*scale),
                    tch::Scalar::int(*zero_point),
                    bias,
                );
                let mut out = sizes;
                let last = out.len() - 1;
                out[last] = y.size()[1];
                y.narrow(0, 0, m).reshape(out)
            }
        }
    }

    /// Multiply-accumulates per input row (for FLOP accounting).
    fn macs(&self) -> i64 {
        match self {
            Linear::Dense { weight, .. } => weight.size().iter().product(),
            Linear::Int8 { qweight, .. } => qweight.size().iter().product(),
        }
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
/// of a weight matrix bounds the activation code that is safe; [`range_guard`] then keeps
/// real activations at or below it, so the integer GEMM is exact on every CPU and int8
/// results do not depend on the machine.
fn activation_headroom(qweight: &Tensor) -> i64 {
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

/// One extra activation row that stretches the op's quantisation range so that the real rows
/// get `u8` codes of at most `headroom` (PyTorch's `reduce_range`, sized to the layer); its
/// own output row is dropped, and its own products may clip harmlessly.
fn range_guard(rows: &Tensor, headroom: i64) -> Tensor {
    let (lo, hi) = rows.aminmax(None::<i64>, false);
    let lo = lo.double_value(&[]).min(0.0);
    let hi = hi.double_value(&[]).max(0.0);
    let width = if hi > lo { hi - lo } else { 1.0 };
    // Real codes are at most width/scale + 1 after the op rounds value and zero point, so aim
    // a little more than one code below the headroom.
    let span = (headroom as f64 - 1.01).max(1.0);
    let value = lo + width * 255.0 / span;
    Tensor::full([1, rows.size()[1]], value, (rows.kind(), rows.device()))
}

/// Silences the process's stderr while alive (libtorch's one-time deprecation warnings for
/// the fbgemm int8 ops would otherwise land in the middle of the progress bar).
struct QuietStderr(Option<i32>);

impl QuietStderr {
    fn new() -> QuietStderr {
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

struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
    width: i64,
}

impl LayerNorm {
    fn new(w: &Weights, name: &str, width: i64, eps: f64) -> Result<LayerNorm, ModelError> {
        Ok(LayerNorm {
            weight: w.get(&format!("{name}.weight"), &[width])?.shallow_clone(),
            bias: w.get(&format!("{name}.bias"), &[width])?.shallow_clone(),
            eps,
            width,
        })
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        x.layer_norm(
            [self.width],
            Some(&self.weight),
            Some(&self.bias),
            self.eps,
            false,
        )
    }
}

struct Layer {
    qkv: Linear,
    attn_out: Linear,
    attn_ln: LayerNorm,
    intermediate: Linear,
    output: Linear,
    out_ln: LayerNorm,
}

/// BERT encoder + pooler + classification head, inference only.
pub struct FastBert {
    word: Tensor,
    position: Tensor,
    token_type0: Tensor,
    emb_ln: LayerNorm,
    layers: Vec<Layer>,
    pooler: Linear,
    classifier: Linear,
    heads: i64,
    hidden: i64,
    precision: Precision,
}

impl FastBert {
    /// Builds the engine from checkpoint tensors. `num_labels` rows are expected in the head.
    pub fn new(
        cfg: &BertConfig,
        w: &Weights,
        num_labels: i64,
        precision: Precision,
    ) -> Result<FastBert, ModelError> {
        let h = cfg.hidden_size;
        let eps = cfg.layer_norm_eps;
        let mut layers = Vec::with_capacity(cfg.num_hidden_layers as usize);
        for i in 0..cfg.num_hidden_layers {
            let p = format!("bert.encoder.layer.{i}");
            let part = |n: &str| -> Result<(Tensor, Tensor), ModelError> {
                Ok((
                    w.get(&format!("{p}.attention.self.{n}.weight"), &[h, h])?
                        .shallow_clone(),
                    w.get(&format!("{p}.attention.self.{n}.bias"), &[h])?
                        .shallow_clone(),
                ))
            };
            let (qw, qb) = part("query")?;
            let (kw, kb) = part("key")?;
            let (vw, vb) = part("value")?;
            let qkv = Linear::from_parts(
                Tensor::cat(&[qw, kw, vw], 0),
                Tensor::cat(&[qb, kb, vb], 0),
                precision,
            );
            let lin = |name: &str, out: i64, inp: i64| -> Result<Linear, ModelError> {
                let Linear::Dense { weight, bias } =
                    Linear::dense(w, &format!("{p}.{name}"), out, inp)?
                else {
                    unreachable!("Linear::dense returns Dense")
                };
                Ok(Linear::from_parts(weight, bias, precision))
            };
            layers.push(Layer {
                qkv,
                attn_out: lin("attention.output.dense", h, h)?,
                attn_ln: LayerNorm::new(w, &format!("{p}.attention.output.LayerNorm"), h, eps)?,
                intermediate: lin("intermediate.dense", cfg.intermediate_size, h)?,
                output: lin("output.dense", h, cfg.intermediate_size)?,
                out_ln: LayerNorm::new(w, &format!("{p}.output.LayerNorm"), h, eps)?,
            });
        }
        let model = FastBert {
            word: w
                .get(
                    "bert.embeddings.word_embeddings.weight",
                    &[cfg.vocab_size, h],
                )?
                .shallow_clone(),
            position: w
                .get(
                    "bert.embeddings.position_embeddings.weight",
                    &[cfg.max_position_embeddings, h],
                )?
                .shallow_clone(),
            token_type0: w
                .get(
                    "bert.embeddings.token_type_embeddings.weight",
                    &[cfg.type_vocab_size, h],
                )?
                .get(0),
            emb_ln: LayerNorm::new(w, "bert.embeddings.LayerNorm", h, eps)?,
            layers,
            // The head is tiny; it stays fp32 whatever the precision.
            pooler: Linear::dense(w, "bert.pooler.dense", h, h)?,
            classifier: Linear::dense(w, "classifier", num_labels, h)?,
            heads: cfg.num_attention_heads,
            hidden: h,
            precision,
        };
        if precision == Precision::Int8 {
            // The first int8 GEMM triggers the other one-time notice; take it here, quietly.
            let _quiet = QuietStderr::new();
            let ids = Tensor::from_slice(&[101i64, 102]).reshape([1, 2]);
            let mask = Tensor::from_slice(&[1i64, 1]).reshape([1, 2]);
            let _ = tch::no_grad(|| model.logits(&ids, &mask));
        }
        Ok(model)
    }

    /// Arithmetic of the linear layers.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// Logits `[batch, num_labels]` for token ids `[batch, len]` (int64) and attention mask
    /// `[batch, len]` (1 = real token, 0 = padding). Must run under `tch::no_grad`.
    pub fn logits(&self, ids: &Tensor, mask: &Tensor) -> Tensor {
        let (b, l) = ids.size2().expect("ids are [batch, len]");
        let h = self.hidden;
        let nh = self.heads;
        let hd = h / nh;
        let mut x = self
            .word
            .index_select(0, &ids.reshape([-1]))
            .reshape([b, l, h])
            + self.position.narrow(0, 0, l)
            + &self.token_type0;
        x = self.emb_ln.forward(&x);
        // SDPA takes a boolean mask where true means "may attend"; shape [b, 1, 1, l]
        // broadcasts over heads and query positions.
        let attn_mask = mask.to_kind(Kind::Bool).reshape([b, 1, 1, l]);
        let n = self.layers.len();
        for (i, layer) in self.layers.iter().enumerate() {
            let last = i + 1 == n;
            let qkv = layer
                .qkv
                .forward(&x)
                .reshape([b, l, 3, nh, hd])
                .permute([2, 0, 3, 1, 4]);
            let mut q = qkv.get(0);
            let k = qkv.get(1);
            let v = qkv.get(2);
            // Only [CLS] feeds the pooler: the last layer needs no other query row.
            let lq = if last { 1 } else { l };
            let resid = if last { x.narrow(1, 0, 1) } else { x };
            if last {
                q = q.narrow(2, 0, 1);
            }
            let ctx = Tensor::scaled_dot_product_attention(
                &q,
                &k,
                &v,
                Some(&attn_mask),
                0.0,
                false,
                None,
            )
            .transpose(1, 2)
            .reshape([b, lq, h]);
            let a = layer
                .attn_ln
                .forward(&(layer.attn_out.forward(&ctx) + resid));
            let f = layer
                .output
                .forward(&layer.intermediate.forward(&a).gelu("none"));
            x = layer.out_ln.forward(&(f + a));
        }
        let cls = x.select(1, 0);
        let pooled = self.pooler.forward(&cls).tanh();
        self.classifier.forward(&pooled)
    }

    /// Floating-point operations of one forward pass over a batch with these sequence lengths
    /// (unpadded tokens as the model actually computes them, padding excluded), for GFLOP/s reports.
    pub fn flops(&self, padded_len: i64, batch: i64) -> f64 {
        let l = padded_len as f64;
        let b = batch as f64;
        let h = self.hidden as f64;
        let n = self.layers.len();
        let mut total = 0.0;
        for (i, layer) in self.layers.iter().enumerate() {
            let rows_q = if i + 1 == n { 1.0 } else { l };
            // QKV over all rows; output projections and FFN over query rows; attention scores
            // and context (2 matmuls of rows_q × l × h).
            total += 2.0 * b * l * layer.qkv.macs() as f64;
            total += 2.0
                * b
                * rows_q
                * (layer.attn_out.macs() + layer.intermediate.macs() + layer.output.macs()) as f64;
            total += 2.0 * 2.0 * b * rows_q * l * h;
        }
        total += 2.0 * b * (self.pooler.macs() + self.classifier.macs()) as f64;
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int8_linear_is_close_to_fp32() {
        tch::manual_seed(1);
        let w = Tensor::randn([64, 32], (Kind::Float, tch::Device::Cpu)) * 0.05;
        let b = Tensor::randn([64], (Kind::Float, tch::Device::Cpu)) * 0.01;
        let x = Tensor::randn([10, 32], (Kind::Float, tch::Device::Cpu));
        let exact = x.linear(&w, Some(&b));
        let q = Linear::from_parts(w.shallow_clone(), b.shallow_clone(), Precision::Int8);
        let approx = tch::no_grad(|| q.forward(&x));
        let diff = (&exact - &approx).abs();
        let (max, mean) = (
            diff.max().double_value(&[]),
            diff.mean(Kind::Float).double_value(&[]),
        );
        // Without the range guard this was 0.18 on AVX2-only CPUs (i16 saturation).
        assert!(max < 0.02, "int8 error: max {max}, mean {mean}");
        // Leading dimensions are kept: [2, 5, 32] in, [2, 5, 64] out, same values.
        let batched = tch::no_grad(|| q.forward(&x.reshape([2, 5, 32])));
        assert_eq!(batched.size(), vec![2, 5, 64]);
        let same = (batched.reshape([10, 64]) - &approx)
            .abs()
            .max()
            .double_value(&[]);
        assert!(same < 1e-6, "reshape changed values by {same}");
    }

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
        let q = Linear::from_parts(w.shallow_clone(), b.shallow_clone(), Precision::Int8);
        let Linear::Int8 { headroom, .. } = &q else {
            panic!("not int8")
        };
        assert_eq!(*headroom, 255);
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
}
