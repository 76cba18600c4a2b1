//! Writing checkpoints in the Hugging Face layout, so Python `transformers` loads them
//! unchanged: `config.json`, `model.safetensors` (with the `format: pt` metadata transformers
//! checks), the tokenizer files, `calibration.json`, and last `manifest.json`.

use std::collections::HashMap;
use std::path::Path;

use tch::{Kind, Tensor};

use crate::labels::NUM_LABELS;
use crate::model::config::BertConfig;
use crate::model::reference::ReferenceBert;
use crate::model::{Calibration, ModelError, CALIBRATION_FILE, WEIGHTS_FILE};

/// Tokenizer files copied from the base model when present (only `tokenizer.json` is required).
pub const TOKENIZER_FILES: [&str; 4] = [
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
];

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ModelError + '_ {
    move |source| ModelError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// One tensor as the checkpoint writer stores it: name, dtype, shape and little-endian bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTensor {
    /// Name in the file.
    pub name: String,
    /// Stored dtype.
    pub dtype: safetensors::Dtype,
    /// Shape.
    pub shape: Vec<usize>,
    /// The raw bytes.
    pub bytes: Vec<u8>,
}

/// Converts a tensor the way checkpoints store it: floating tensors as fp16 when `half`, else
/// fp32; `i64` tensors unchanged.
pub fn stored_tensor(name: &str, t: &Tensor, half: bool) -> Result<StoredTensor, ModelError> {
    let t = t.detach();
    let (t, dtype) = match t.kind() {
        Kind::Float | Kind::Double | Kind::Half | Kind::BFloat16 if half => {
            (t.to_kind(Kind::Half), safetensors::Dtype::F16)
        }
        Kind::Float | Kind::Double | Kind::Half | Kind::BFloat16 => {
            (t.to_kind(Kind::Float), safetensors::Dtype::F32)
        }
        Kind::Int64 => (t, safetensors::Dtype::I64),
        k => {
            return Err(ModelError::Invalid(format!(
                "cannot save tensor {name} of kind {k:?}"
            )))
        }
    };
    let t = t.contiguous();
    let numel = t.numel();
    let mut bytes = vec![0u8; numel * t.kind().elt_size_in_bytes()];
    t.f_copy_data_u8(&mut bytes, numel)
        .map_err(|e| ModelError::Invalid(format!("cannot read tensor {name}: {e}")))?;
    let shape = t.size().iter().map(|&d| d as usize).collect();
    Ok(StoredTensor {
        name: name.to_string(),
        dtype,
        shape,
        bytes,
    })
}

/// The metadata every checkpoint carries (`transformers` checks `format: pt`).
pub fn checkpoint_metadata() -> HashMap<String, String> {
    [("format".to_string(), "pt".to_string())].into()
}

/// The bytes of a safetensors file holding `tensors` with `metadata`. The one serializer of
/// every checkpoint: tensors are ordered by the format's rule (dtype alignment, then name), so
/// the same tensors and metadata always give the same bytes (what assembling a packed model
/// folder relies on).
pub fn serialize_stored(
    tensors: &[StoredTensor],
    metadata: &Option<HashMap<String, String>>,
) -> Result<Vec<u8>, ModelError> {
    let views: Vec<(String, safetensors::tensor::TensorView)> = tensors
        .iter()
        .map(|t| {
            safetensors::tensor::TensorView::new(t.dtype, t.shape.clone(), &t.bytes)
                .map(|v| (t.name.clone(), v))
                .map_err(|e| ModelError::Invalid(format!("tensor {}: {e:?}", t.name)))
        })
        .collect::<Result<_, _>>()?;
    safetensors::tensor::serialize(views, metadata)
        .map_err(|e| ModelError::Invalid(format!("cannot serialize the tensors: {e:?}")))
}

/// Writes named tensors as safetensors, fp16 when `half`, with `{"format": "pt"}` metadata,
/// atomically (see [`crate::fsio::atomic_write`]).
pub fn write_safetensors(
    path: &Path,
    tensors: &[(String, Tensor)],
    half: bool,
) -> Result<(), ModelError> {
    let stored: Vec<StoredTensor> = tensors
        .iter()
        .map(|(name, t)| stored_tensor(name, t, half))
        .collect::<Result<_, _>>()?;
    let bytes = serialize_stored(&stored, &Some(checkpoint_metadata()))?;
    drop(stored);
    crate::fsio::atomic_write(path, &bytes).map_err(io(path))
}

/// Writes a complete checkpoint (everything but the manifest) into `dir`.
pub fn write_checkpoint(
    dir: &Path,
    config: &BertConfig,
    model: &ReferenceBert,
    tokenizer_dir: &Path,
    half: bool,
    calibration: Option<&Calibration>,
) -> Result<(), ModelError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut cfg = config.clone();
    cfg.set_stance_labels();
    cfg.extra.insert(
        "torch_dtype".into(),
        serde_json::json!(if half { "float16" } else { "float32" }),
    );
    let cfg_path = dir.join("config.json");
    let text = serde_json::to_string_pretty(&cfg).map_err(|source| ModelError::Config {
        path: cfg_path.clone(),
        source,
    })?;
    crate::fsio::atomic_write(&cfg_path, format!("{text}\n").as_bytes()).map_err(io(&cfg_path))?;
    let tensors = model.named_tensors();
    if tensors
        .iter()
        .find(|(n, _)| n == "classifier.weight")
        .map(|(_, t)| t.size()[0] as usize)
        != Some(NUM_LABELS)
    {
        return Err(ModelError::Invalid(
            "the classifier head does not have six outputs".into(),
        ));
    }
    write_safetensors(&dir.join(WEIGHTS_FILE), &tensors, half)?;
    for f in TOKENIZER_FILES {
        let src = tokenizer_dir.join(f);
        if src.exists() {
            let dest = dir.join(f);
            if src.canonicalize().ok() != dest.canonicalize().ok() {
                std::fs::copy(&src, &dest).map_err(io(&dest))?;
            }
        } else if f == "tokenizer.json" {
            return Err(crate::tokenize::TokenizeError::Load {
                path: src,
                message: "file not found".into(),
            }
            .into());
        }
    }
    let cal_path = dir.join(CALIBRATION_FILE);
    match calibration {
        Some(c) => {
            let text = serde_json::to_string_pretty(c).map_err(|source| ModelError::Config {
                path: cal_path.clone(),
                source,
            })?;
            crate::fsio::atomic_write(&cal_path, format!("{text}\n").as_bytes())
                .map_err(io(&cal_path))?;
        }
        None => {
            let _ = std::fs::remove_file(&cal_path);
        }
    }
    Ok(())
}

/// Shape of a randomly initialised model.
#[derive(Debug, Clone, Copy)]
pub struct TinyShape {
    /// Hidden width.
    pub hidden: i64,
    /// Layers.
    pub layers: i64,
    /// Attention heads.
    pub heads: i64,
    /// Feed-forward width.
    pub intermediate: i64,
    /// What the model reads.
    pub input: crate::tokenize::InputFormat,
    /// Which token states the head reads.
    pub pooling: crate::model::config::Pooling,
}

impl Default for TinyShape {
    fn default() -> Self {
        TinyShape {
            hidden: 32,
            layers: 2,
            heads: 4,
            intermediate: 64,
            input: crate::tokenize::InputFormat::Text,
            pooling: crate::model::config::Pooling::Cls,
        }
    }
}

/// Writes a randomly initialised six-label model with the real tokenizer from `tokenizer_dir`
/// and a manifest: what tests use to exercise the real loading and inference code.
pub fn write_random_model(
    dir: &Path,
    tokenizer_dir: &Path,
    shape: TinyShape,
    seed: i64,
) -> Result<(), ModelError> {
    let tok = crate::tokenize::TextTokenizer::from_file(&tokenizer_dir.join("tokenizer.json"))?;
    let vocab = tok.vocab_size() as i64;
    let mut cfg: BertConfig = serde_json::from_value(serde_json::json!({
        "vocab_size": vocab,
        "hidden_size": shape.hidden,
        "num_hidden_layers": shape.layers,
        "num_attention_heads": shape.heads,
        "intermediate_size": shape.intermediate,
        "max_position_embeddings": 512,
        "type_vocab_size": 2,
        "hidden_act": "gelu",
        "layer_norm_eps": 1e-12,
    }))
    .map_err(|source| ModelError::Config {
        path: dir.join("config.json"),
        source,
    })?;
    cfg.set_stance_labels();
    cfg.stance_input = shape.input;
    cfg.stance_pooling = shape.pooling;
    tch::manual_seed(seed);
    let model = ReferenceBert::new(&cfg)?;
    // rust-bert initialises layer norms to 1/0 and linear layers uniformly; push the head's
    // weights up so random models give varied, non-uniform probabilities.
    tch::no_grad(|| {
        for (name, mut t) in model.vs.variables() {
            if name.starts_with("classifier.") || name.starts_with("bert.pooler") {
                let _ = t.f_mul_(&Tensor::from(4.0));
            }
        }
    });
    write_checkpoint(dir, &cfg, &model, tokenizer_dir, false, None)?;
    let m = crate::model::Manifest::build(
        dir,
        "random-test-model",
        serde_json::json!({"note": "random weights for tests", "seed": seed})
            .as_object()
            .cloned()
            .unwrap_or_default(),
    )?;
    m.write(dir)?;
    Ok(())
}
