//! The inference engine: a BERT sequence classifier written directly against libtorch ops.
//!
//! It reads the same tensors as rust-bert's `BertForSequenceClassification` (which stays the
//! reference implementation and the training model) and computes the same function, faster:
//! - one fused QKV projection per layer instead of three GEMMs;
//! - `scaled_dot_product_attention` (libtorch's fused CPU kernel) instead of
//!   matmul → softmax → matmul, with the padding mask always passed;
//! - the last layer only computes the `[CLS]` row, the only one the classifier reads (its
//!   query projection included: keys and values still need every row), unless the model
//!   averages the token states (`stance_pooling` = `mean`);
//! - fp32 GEMMs through oneDNN with weights reordered once at load and the bias, GELU and
//!   residual adds in the GEMM's epilogue ([`super::onednn`]), where libtorch has it;
//! - optionally, int8 weights with fp32 activations (fbgemm, dynamic activation quantisation;
//!   [`super::int8`]), calibrated once at load on fixed text.
//!
//! Tests check it against rust-bert on random weights (`tests/model_engines.rs`).

use tch::{Kind, Tensor};

use crate::model::config::{BertConfig, Pooling};
use crate::model::int8::{outlier_channels, Int8Linear, QuietStderr};
use crate::model::onednn::{self, Epilogue, PackedLinear};
use crate::model::weights::Weights;
use crate::model::ModelError;
use crate::tokenize::InputFormat;

/// How an input's token types (segments) are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenTypes {
    /// All 0: one text.
    #[default]
    Single,
    /// A sentence pair: 0 up to and including the first separator `sep`, 1 after it.
    Pair {
        /// The separator id.
        sep: i64,
    },
}

impl TokenTypes {
    /// The token types a model reading `format` needs, for a vocabulary whose separator is `sep`.
    pub fn of(format: InputFormat, sep: i64) -> TokenTypes {
        match format {
            InputFormat::Text => TokenTypes::Single,
            InputFormat::ActorText => TokenTypes::Pair { sep },
        }
    }

    /// Token type ids `[batch, len]` for ids `[batch, len]`; `None` when all are 0. Padding
    /// after the last separator gets type 1, which the attention mask hides.
    pub fn ids(&self, ids: &Tensor) -> Option<Tensor> {
        let TokenTypes::Pair { sep } = *self else {
            return None;
        };
        let is_sep = ids.eq(sep).to_kind(Kind::Int64);
        Some((is_sep.cumsum(1, Kind::Int64) - &is_sep).clamp_max(1))
    }
}

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
    /// fp32 weights pre-packed for oneDNN, bias and GELU or residual add fused
    /// ([`super::onednn`]).
    Packed(PackedLinear),
    /// int8 weights ([`super::int8`]).
    Int8(Int8Linear),
}

impl Linear {
    /// The checkpoint's `{name}.weight` [out, inp] and `{name}.bias` [out].
    fn parts(w: &Weights, name: &str, out: i64, inp: i64) -> Result<(Tensor, Tensor), ModelError> {
        Ok((
            w.get(&format!("{name}.weight"), &[out, inp])?
                .shallow_clone(),
            w.get(&format!("{name}.bias"), &[out])?.shallow_clone(),
        ))
    }

    /// A projection run as stored, fp32 through libtorch (the pooler and the classifier).
    fn dense(w: &Weights, name: &str, out: i64, inp: i64) -> Result<Linear, ModelError> {
        let (weight, bias) = Linear::parts(w, name, out, inp)?;
        Ok(Linear::Dense { weight, bias })
    }

    /// An encoder projection from the checkpoint, in `precision` ([`Linear::from_parts`]).
    fn encoder(
        w: &Weights,
        name: &str,
        out: i64,
        inp: i64,
        precision: Precision,
    ) -> Result<Linear, ModelError> {
        let (weight, bias) = Linear::parts(w, name, out, inp)?;
        Linear::from_parts(weight, bias, precision)
    }

    /// An encoder layer's projection: int8, or fp32 through oneDNN where libtorch has it.
    fn from_parts(
        weight: Tensor,
        bias: Tensor,
        precision: Precision,
    ) -> Result<Linear, ModelError> {
        Ok(match precision {
            Precision::Fp32 if onednn::available() => {
                Linear::Packed(PackedLinear::new(&weight, bias)?)
            }
            Precision::Fp32 => Linear::Dense {
                weight: weight.contiguous(),
                bias,
            },
            Precision::Int8 => Linear::Int8(Int8Linear::new(&weight, bias)),
        })
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        match self {
            Linear::Dense { weight, bias } => x.linear(weight, Some(bias)),
            Linear::Packed(p) => p.forward(x, Epilogue::None),
            Linear::Int8(q) => q.forward(x),
        }
    }

    /// int8: each input row quantised over its own range ([`Int8Linear::with_row_ranges`]);
    /// other kinds unchanged.
    fn with_row_ranges(self) -> Linear {
        match self {
            Linear::Int8(q) => Linear::Int8(q.with_row_ranges()),
            other => other,
        }
    }

    /// `GELU(x Wᵀ + b)`.
    fn forward_gelu(&self, x: &Tensor) -> Tensor {
        match self {
            Linear::Packed(p) => p.forward(x, Epilogue::Gelu),
            _ => self.forward(x).gelu_("none"),
        }
    }

    /// `x Wᵀ + b + residual`.
    fn forward_add(&self, x: &Tensor, residual: &Tensor) -> Tensor {
        match self {
            Linear::Packed(p) => p.forward_add(x, residual),
            _ => self.forward(x).g_add_(residual),
        }
    }

    /// Multiply-accumulates per input row (for FLOP accounting).
    fn macs(&self) -> i64 {
        match self {
            Linear::Dense { weight, .. } => weight.size().iter().product(),
            Linear::Packed(p) => p.macs(),
            Linear::Int8(q) => q.macs(),
        }
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

/// A layer's query/key/value projection.
enum Qkv {
    /// One GEMM for all three over every token row.
    Fused(Linear),
    /// The last layer: keys and values over every token row, the query over `[CLS]` only (the
    /// one row the classifier reads).
    ClsQuery { q: Linear, kv: Linear },
}

/// The dimensions of one forward pass.
#[derive(Clone, Copy)]
struct Shape {
    /// Texts in the batch.
    b: i64,
    /// Tokens per text (padded).
    l: i64,
    /// Hidden size.
    h: i64,
    /// Attention heads.
    heads: i64,
}

struct Layer {
    qkv: Qkv,
    attn_out: Linear,
    attn_ln: LayerNorm,
    intermediate: Linear,
    output: Linear,
    out_ln: LayerNorm,
}

impl Layer {
    /// Encoder layer `i` from the checkpoint (`bert.encoder.layer.{i}.*`).
    fn load(
        cfg: &BertConfig,
        w: &Weights,
        i: i64,
        precision: Precision,
    ) -> Result<Layer, ModelError> {
        let (h, eps) = (cfg.hidden_size, cfg.layer_norm_eps);
        let p = format!("bert.encoder.layer.{i}");
        let lin = |name: &str, out: i64, inp: i64| {
            Linear::encoder(w, &format!("{p}.{name}"), out, inp, precision)
        };
        Ok(Layer {
            qkv: Qkv::load(cfg, w, &p, i + 1 == cfg.num_hidden_layers, precision)?,
            attn_out: lin("attention.output.dense", h, h)?,
            attn_ln: LayerNorm::new(w, &format!("{p}.attention.output.LayerNorm"), h, eps)?,
            // Its input is the attention block's LayerNorm output, whose token rows differ
            // most in range: the one projection where per-row ranges paid (module docs).
            intermediate: lin("intermediate.dense", cfg.intermediate_size, h)?.with_row_ranges(),
            output: lin("output.dense", h, cfg.intermediate_size)?,
            out_ln: LayerNorm::new(w, &format!("{p}.output.LayerNorm"), h, eps)?,
        })
    }

    /// Whether the layer computes only each text's `[CLS]` row (the last layer of a `[CLS]`
    /// model, decided at load: [`Qkv::ClsQuery`]).
    fn reads_cls_only(&self) -> bool {
        matches!(self.qkv, Qkv::ClsQuery { .. })
    }

    /// The layer over `x` ([b · l, h] token rows); a [`Layer::reads_cls_only`] layer returns
    /// only each text's `[CLS]` row, [b, h]. `observe` sees the GELU output of the intermediate
    /// projection.
    fn forward(
        &self,
        x: Tensor,
        attn_mask: &Tensor,
        s: Shape,
        observe: impl FnOnce(&Tensor),
    ) -> Tensor {
        let Shape { b, l, h, heads: nh } = s;
        let hd = h / nh;
        // Heads: [rows, n · h] → n tensors [b, heads, rows per text, head size].
        let heads =
            |t: Tensor, n: i64, rows: i64| t.reshape([b, rows, n, nh, hd]).permute([2, 0, 3, 1, 4]);
        let (q, k, v) = match &self.qkv {
            Qkv::Fused(qkv) => {
                let t = heads(qkv.forward(&x), 3, l);
                (t.get(0), t.get(1), t.get(2))
            }
            Qkv::ClsQuery { q, kv } => {
                let cls = x.reshape([b, l, h]).select(1, 0);
                let t = heads(kv.forward(&x), 2, l);
                (heads(q.forward(&cls), 1, 1).get(0), t.get(0), t.get(1))
            }
        };
        let cls_only = self.reads_cls_only();
        let lq = if cls_only { 1 } else { l };
        let resid = if cls_only {
            x.reshape([b, l, h]).select(1, 0)
        } else {
            x
        };
        let ctx =
            Tensor::scaled_dot_product_attention(&q, &k, &v, Some(attn_mask), 0.0, false, None)
                .transpose(1, 2)
                .reshape([b * lq, h]);
        let a = self
            .attn_ln
            .forward(&self.attn_out.forward_add(&ctx, &resid));
        let g = self.intermediate.forward_gelu(&a);
        observe(&g);
        self.out_ln.forward(&self.output.forward_add(&g, &a))
    }
}

impl Qkv {
    /// The projections of the layer whose tensors start with `p`: fused, or, in the last layer
    /// of a `[CLS]` model, the query apart.
    fn load(
        cfg: &BertConfig,
        w: &Weights,
        p: &str,
        last: bool,
        precision: Precision,
    ) -> Result<Qkv, ModelError> {
        let h = cfg.hidden_size;
        let part = |n: &str| Linear::parts(w, &format!("{p}.attention.self.{n}"), h, h);
        let (qw, qb) = part("query")?;
        let (kw, kb) = part("key")?;
        let (vw, vb) = part("value")?;
        Ok(if cfg.stance_pooling.is_cls() && last {
            Qkv::ClsQuery {
                q: Linear::from_parts(qw, qb, precision)?,
                kv: Linear::from_parts(
                    Tensor::cat(&[kw, vw], 0),
                    Tensor::cat(&[kb, vb], 0),
                    precision,
                )?,
            }
        } else {
            Qkv::Fused(Linear::from_parts(
                Tensor::cat(&[qw, kw, vw], 0),
                Tensor::cat(&[qb, kb, vb], 0),
                precision,
            )?)
        })
    }
}

/// BERT encoder + pooler + classification head, inference only.
pub struct FastBert {
    word: Tensor,
    position: Tensor,
    token_type: Tensor,
    token_types: TokenTypes,
    emb_ln: LayerNorm,
    layers: Vec<Layer>,
    pooler: Linear,
    classifier: Linear,
    pooling: Pooling,
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
        token_types: TokenTypes,
    ) -> Result<FastBert, ModelError> {
        let h = cfg.hidden_size;
        let eps = cfg.layer_norm_eps;
        let layers = (0..cfg.num_hidden_layers)
            .map(|i| Layer::load(cfg, w, i, precision))
            .collect::<Result<Vec<_>, _>>()?;
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
            token_type: w
                .get(
                    "bert.embeddings.token_type_embeddings.weight",
                    &[cfg.type_vocab_size, h],
                )?
                .shallow_clone(),
            token_types,
            emb_ln: LayerNorm::new(w, "bert.embeddings.LayerNorm", h, eps)?,
            layers,
            // The head is tiny; it stays fp32 whatever the precision.
            pooler: Linear::dense(w, "bert.pooler.dense", h, h)?,
            classifier: Linear::dense(w, "classifier", num_labels, h)?,
            pooling: cfg.stance_pooling,
            heads: cfg.num_attention_heads,
            hidden: h,
            precision,
        };
        if precision == Precision::Int8 {
            model.take_int8_notice();
        }
        Ok(model)
    }

    /// The first int8 GEMM makes libtorch print another one-time notice; take it now, quietly.
    fn take_int8_notice(&self) {
        let _quiet = QuietStderr::new();
        let ids = Tensor::from_slice(&[101i64, 102]).reshape([1, 2]);
        let mask = Tensor::from_slice(&[1i64, 1]).reshape([1, 2]);
        let _ = tch::no_grad(|| self.logits(&ids, &mask));
    }

    /// Arithmetic of the linear layers.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// int8 only: reads `inputs` (token ids with their special tokens, one text each) and
    /// from then on computes the outlier channels of every layer's FFN activations in fp32
    /// from `w`'s fp32 weights ([`super::int8`]). The reading itself is in int8, before any
    /// outlier is set: outlier channels stand 5–30 times above the median channel, far beyond
    /// int8's error.
    pub fn calibrate(&mut self, w: &Weights, inputs: &[Vec<i64>]) -> Result<(), ModelError> {
        if self.precision != Precision::Int8 || inputs.is_empty() {
            return Ok(());
        }
        let maxima = tch::no_grad(|| self.ffn_activation_maxima(inputs));
        for (i, (layer, max)) in self.layers.iter_mut().zip(&maxima).enumerate() {
            if let Linear::Int8(q) = &mut layer.output {
                let name = format!("bert.encoder.layer.{i}.output.dense.weight");
                let weight = w.get(&name, &[q.out_features(), q.in_features()])?;
                q.set_outliers(weight, &outlier_channels(max));
            }
        }
        Ok(())
    }

    /// Each layer's largest magnitude per FFN activation channel over `inputs` (one padded
    /// batch; padding rows are left out).
    fn ffn_activation_maxima(&self, inputs: &[Vec<i64>]) -> Vec<Tensor> {
        let rows: Vec<usize> = (0..inputs.len()).collect();
        let batch = crate::batch::make_batch(inputs, &rows, 0);
        let valid = batch.mask.reshape([-1, 1]).to_kind(Kind::Float);
        let texts = inputs.len() as i64;
        let mut maxima: Vec<Tensor> = Vec::with_capacity(self.layers.len());
        let _ = self.forward(&batch.ids, &batch.mask, |_, g| {
            // With [CLS] pooling the last layer computes only each text's [CLS] row, which is
            // never padding.
            let g = if g.size()[0] == texts {
                g.abs()
            } else {
                g.abs() * &valid
            };
            maxima.push(g.amax([0i64].as_slice(), false));
        });
        maxima
    }

    /// Logits `[batch, labels]` for ids and mask `[batch, len]`.
    pub fn logits(&self, ids: &Tensor, mask: &Tensor) -> Tensor {
        self.forward(ids, mask, |_, _| {})
    }

    /// Word + position + token-type embeddings, layer-normed: [b · l, h] rows.
    fn embed(&self, ids: &Tensor, s: Shape) -> Tensor {
        let Shape { b, l, h, .. } = s;
        let types = match self.token_types.ids(ids) {
            Some(t) => self
                .token_type
                .index_select(0, &t.reshape([-1]))
                .reshape([b, l, h]),
            None => self.token_type.get(0).reshape([1, 1, h]),
        };
        let emb = (self
            .word
            .index_select(0, &ids.reshape([-1]))
            .reshape([b, l, h])
            + self.position.narrow(0, 0, l)
            + types)
            .reshape([b * l, h]);
        self.emb_ln.forward(&emb)
    }

    /// The forward pass; `observe(layer, activations)` sees each layer's FFN activations (the
    /// GELU output, `[rows, intermediate]`) before the output projection reads them.
    /// Activations are token rows, `[batch · len, hidden]`.
    fn forward(
        &self,
        ids: &Tensor,
        mask: &Tensor,
        mut observe: impl FnMut(usize, &Tensor),
    ) -> Tensor {
        let (b, l) = ids.size2().expect("ids are [batch, len]");
        let shape = Shape {
            b,
            l,
            h: self.hidden,
            heads: self.heads,
        };
        let mut x = self.embed(ids, shape);
        // SDPA takes a boolean mask where true means "may attend"; shape [b, 1, 1, l]
        // broadcasts over heads and query positions.
        let attn_mask = mask.to_kind(Kind::Bool).reshape([b, 1, 1, l]);
        for (i, layer) in self.layers.iter().enumerate() {
            // With [CLS] pooling only [CLS] feeds the pooler: the last layer computes no other
            // row (Qkv::ClsQuery).
            x = layer.forward(x, &attn_mask, shape, |g| observe(i, g));
        }
        // After the last layer the rows are each text's [CLS], or every token row to average.
        let x = match self.pooling {
            Pooling::Cls => x,
            Pooling::Mean => mean_over_tokens(&x.reshape([b, l, self.hidden]), mask),
        };
        let pooled = self.pooler.forward(&x).tanh();
        self.classifier.forward(&pooled)
    }

    /// Floating-point operations of one forward pass over a batch with these sequence lengths
    /// (unpadded tokens as the model actually computes them, padding excluded), for GFLOP/s reports.
    pub fn flops(&self, padded_len: i64, batch: i64) -> f64 {
        let l = padded_len as f64;
        let b = batch as f64;
        let h = self.hidden as f64;
        let mut total = 0.0;
        for layer in &self.layers {
            let rows_q = if layer.reads_cls_only() { 1.0 } else { l };
            // Keys and values over all rows; queries, output projections and FFN over query
            // rows; attention scores and context (2 matmuls of rows_q × l × h).
            total += match &layer.qkv {
                Qkv::Fused(qkv) => 2.0 * b * l * qkv.macs() as f64,
                Qkv::ClsQuery { q, kv } => 2.0 * b * (q.macs() as f64 + l * kv.macs() as f64),
            };
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

/// The mean of `states` `[batch, len, hidden]` over each text's tokens (`mask` 1), padding
/// excluded: `[batch, hidden]`.
pub fn mean_over_tokens(states: &Tensor, mask: &Tensor) -> Tensor {
    let m = mask.to_kind(states.kind()).unsqueeze(-1);
    (states * &m).sum_dim_intlist([1i64].as_slice(), false, Kind::Float)
        / m.sum_dim_intlist([1i64].as_slice(), false, Kind::Float)
            .clamp_min(1.0)
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
        let q = Linear::from_parts(w.shallow_clone(), b.shallow_clone(), Precision::Int8).unwrap();
        let approx = tch::no_grad(|| q.forward(&x));
        let diff = (&exact - &approx).abs();
        let (max, mean) = (
            diff.max().double_value(&[]),
            diff.mean(Kind::Float).double_value(&[]),
        );
        // With 8-bit weights and no bound on the pair sums this was 0.18 on AVX2-only CPUs
        // (i16 saturation); see `int8::tests::seven_bit_weights_keep_every_pair_sum_inside_i16_on_any_cpu`.
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
}
