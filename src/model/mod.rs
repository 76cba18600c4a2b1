//! Loading and running a stance classifier from a Hugging Face checkpoint folder.
//!
//! A model folder is a standard checkpoint — `config.json` (with `id2label`), `tokenizer.json`,
//! `model.safetensors` — plus `calibration.json` (temperature scaling fit on dev) and
//! `manifest.json` (sizes and sha256 of every file, provenance, metrics). Loading verifies the
//! manifest, refuses label sets other than the six stance labels, and reports tensors the file
//! lacks or the model does not use. A packed folder ([`assembly`], [`pack`]) ships only the
//! weights fine-tuning changed and is assembled from its base encoder before it loads.

pub mod assembly;
pub mod bert;
pub mod config;
pub mod int8;
pub mod manifest;
pub mod onednn;
pub mod pack;
pub mod reference;
pub mod routes;
pub mod save;
pub mod weights;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tch::{Kind, Tensor};

use crate::labels::{Label, NUM_LABELS};
use crate::tokenize::TextTokenizer;
pub use bert::{FastBert, Precision, TokenTypes};
pub use config::BertConfig;
pub use manifest::{Manifest, MANIFEST_FILE};
pub use reference::ReferenceBert;
pub use routes::{ModelId, Routes};
pub use weights::{Weights, WEIGHTS_FILE};

/// Files whose bytes decide predictions; their digests make up `model_sha256`.
pub const PREDICTIVE_FILES: [&str; 4] = [
    "config.json",
    "tokenizer.json",
    "model.safetensors",
    "calibration.json",
];

/// File name of the temperature-scaling calibration.
pub const CALIBRATION_FILE: &str = "calibration.json";

/// Everything that can go wrong loading or running a model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A file could not be read or written.
    #[error("cannot access {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A JSON file did not parse.
    #[error("cannot parse {}", path.display())]
    Config {
        /// The file.
        path: PathBuf,
        /// The parse error.
        #[source]
        source: serde_json::Error,
    },
    /// The safetensors file did not load.
    #[error("cannot read weights from {}", path.display())]
    Weights {
        /// The file.
        path: PathBuf,
        /// libtorch's error.
        #[source]
        source: tch::TchError,
    },
    /// A file does not match the manifest.
    #[error("model integrity check failed for {}: {problem}", file.display())]
    Integrity {
        /// The offending file.
        file: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// The model has no manifest and unverified models were not allowed.
    #[error("{} has no manifest.json, so its files cannot be verified (models written by `stance train` have one; allow unverified models to load it anyway)", dir.display())]
    NoManifest {
        /// The model folder.
        dir: PathBuf,
    },
    /// A packed folder (with `assembly.json`) whose assembled files are missing or stale.
    #[error("{} is a packed model folder whose assembled files are missing or out of date ({problem}); they are rebuilt from its base encoder and model.delta.safetensors by assembling the folder", dir.display())]
    NotAssembled {
        /// The model folder.
        dir: PathBuf,
        /// The manifest check that failed.
        problem: String,
    },
    /// The folder does not exist.
    #[error("model folder {} does not exist", .0.display())]
    NotFound(PathBuf),
    /// `id2label` is not the six stance labels.
    #[error("the checkpoint's labels are not the six stance labels: {reason} (found {found:?}; expected opposes, does_not_support, neutral, leans_supports, supports, off_topic)")]
    Labels {
        /// Label names found in `config.json`.
        found: Vec<String>,
        /// What is wrong.
        reason: String,
    },
    /// Tensors the model needs are not in the checkpoint.
    #[error("the checkpoint lacks {} tensor(s) the model needs: {}", .0.len(), .0.join(", "))]
    MissingTensors(Vec<String>),
    /// The tokenizer did not load or failed.
    #[error(transparent)]
    Tokenizer(#[from] crate::tokenize::TokenizeError),
    /// Anything else that makes a checkpoint unusable.
    #[error("{0}")]
    Invalid(String),
}

/// Temperature scaling: logits are divided by `temperature` before the softmax.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Calibration {
    /// The fitted temperature (1.0 = uncalibrated).
    pub temperature: f64,
    /// Expected calibration error on the fitting set before scaling.
    #[serde(default)]
    pub ece_before: Option<f64>,
    /// … and after.
    #[serde(default)]
    pub ece_after: Option<f64>,
    /// Which data it was fit on.
    #[serde(default)]
    pub fitted_on: Option<String>,
}

impl Calibration {
    fn read(dir: &Path) -> Result<Option<Calibration>, ModelError> {
        let path = dir.join(CALIBRATION_FILE);
        if !path.exists() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path).map_err(|source| ModelError::Io {
            path: path.clone(),
            source,
        })?;
        let c: Calibration = serde_json::from_str(&text).map_err(|source| ModelError::Config {
            path: path.clone(),
            source,
        })?;
        if !(c.temperature.is_finite() && c.temperature > 0.0) {
            return Err(ModelError::Invalid(format!(
                "{}: temperature must be positive, got {}",
                path.display(),
                c.temperature
            )));
        }
        Ok(Some(c))
    }
}

/// Which implementation computes the forward pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EngineKind {
    /// Fused libtorch ops (SDPA, fused QKV, CLS-only last layer); fp32 or int8.
    #[default]
    Fast,
    /// rust-bert's `BertForSequenceClassification` (reference; fp32 only).
    RustBert,
}

/// How to load a model.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Arithmetic for the fast engine.
    pub precision: Precision,
    /// Implementation of the forward pass.
    pub engine: EngineKind,
    /// Load a folder without `manifest.json` (its files are hashed but cannot be verified).
    pub allow_unverified: bool,
}

/// What a loaded model is, for manifests and output columns.
#[derive(Debug, Clone, Serialize)]
pub struct ModelInfo {
    /// Model name (manifest name, else folder name).
    pub name: String,
    /// The folder it was loaded from.
    pub dir: PathBuf,
    /// Digest over the predictive files (`model_sha256` column).
    pub sha256: String,
    /// Whether a manifest was checked.
    pub verified: bool,
    /// Dtype the weights are stored in (`Half` for the shipped model).
    pub stored_kind: String,
    /// Checkpoint tensors the model did not use (reported, harmless).
    pub unused_tensors: Vec<String>,
    /// Temperature applied to logits.
    pub temperature: f64,
    /// Longest input the position embeddings allow.
    pub max_positions: usize,
    /// Forward-pass implementation.
    pub engine: EngineKind,
    /// Arithmetic.
    pub precision: Precision,
}

enum Engine {
    Fast(FastBert),
    Reference(ReferenceBert),
}

/// A verified, loaded stance classifier with its tokenizer.
pub struct StanceModel {
    /// Identity and provenance.
    pub info: ModelInfo,
    /// The checkpoint's `config.json`.
    pub config: BertConfig,
    /// The tokenizer from `tokenizer.json`.
    pub tokenizer: TextTokenizer,
    /// For each checkpoint class index, the canonical label.
    class_labels: [Label; NUM_LABELS],
    engine: Engine,
}

/// Checks a model folder's integrity and returns `(manifest files, verified)`.
pub fn verify_dir(
    dir: &Path,
    allow_unverified: bool,
) -> Result<
    (
        std::collections::BTreeMap<String, manifest::FileEntry>,
        Option<Manifest>,
    ),
    ModelError,
> {
    if !dir.is_dir() {
        return Err(ModelError::NotFound(dir.to_path_buf()));
    }
    if dir.join(MANIFEST_FILE).exists() {
        let m = Manifest::read(dir)?;
        m.verify(dir)
            .map_err(|e| assembly::explain_unassembled(dir, e))?;
        for required in ["config.json", "tokenizer.json", WEIGHTS_FILE] {
            if !m.files.contains_key(required) {
                return Err(ModelError::Integrity {
                    file: dir.join(required),
                    problem: format!("not listed in {MANIFEST_FILE}"),
                });
            }
        }
        Ok((m.files.clone(), Some(m)))
    } else if allow_unverified {
        let mut files = std::collections::BTreeMap::new();
        for name in PREDICTIVE_FILES {
            let p = dir.join(name);
            if p.exists() {
                let (sha256, size) =
                    manifest::sha256_file(&p).map_err(|source| ModelError::Io {
                        path: p.clone(),
                        source,
                    })?;
                files.insert(name.to_string(), manifest::FileEntry { sha256, size });
            }
        }
        Ok((files, None))
    } else {
        Err(ModelError::NoManifest {
            dir: dir.to_path_buf(),
        })
    }
}

/// The engine that runs the loaded weights: the fast engine (int8 calibrated on the tokenizer's
/// probe inputs) or rust-bert's reference BERT (fp32 only).
fn build_engine(
    config: &BertConfig,
    weights: &Weights,
    tokenizer: &TextTokenizer,
    token_types: TokenTypes,
    opts: &LoadOptions,
) -> Result<Engine, ModelError> {
    Ok(match opts.engine {
        EngineKind::Fast => {
            let mut engine = FastBert::new(
                config,
                weights,
                NUM_LABELS as i64,
                opts.precision,
                token_types,
            )?;
            if opts.precision == Precision::Int8 {
                let inputs = int8::calibration_inputs(tokenizer, config.max_position_embeddings)?;
                engine.calibrate(weights, &inputs)?;
            }
            Engine::Fast(engine)
        }
        EngineKind::RustBert => {
            if opts.precision != Precision::Fp32 {
                return Err(ModelError::Invalid(
                    "the rust-bert engine computes in fp32 only; use the fast engine for int8"
                        .into(),
                ));
            }
            let mut r = ReferenceBert::new(config)?.with_token_types(token_types);
            let (missing, _) = r.load(weights)?;
            if !missing.is_empty() {
                return Err(ModelError::MissingTensors(missing));
            }
            Engine::Reference(r)
        }
    })
}

/// The manifest's model name, else the folder's.
fn model_name(manifest: Option<&manifest::Manifest>, dir: &Path) -> String {
    manifest.map(|m| m.name.clone()).unwrap_or_else(|| {
        dir.file_name()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_else(|| "model".into())
    })
}

impl StanceModel {
    /// Verifies and loads the model in `dir`.
    pub fn load(dir: &Path, opts: &LoadOptions) -> Result<StanceModel, ModelError> {
        let (files, manifest) = verify_dir(dir, opts.allow_unverified)?;
        let config = BertConfig::from_file(&dir.join("config.json"))?;
        let class_labels = config.stance_labels()?;
        let tokenizer = TextTokenizer::from_file(&dir.join("tokenizer.json"))?;
        tokenizer.check_format(config.stance_input)?;
        let token_types = TokenTypes::of(config.stance_input, tokenizer.sep_id());
        let calibration = Calibration::read(dir)?;
        let weights = Weights::read(dir)?;
        let expected = weights::expected_names(config.num_hidden_layers);
        let (missing, unused) = weights.diff(expected.iter().map(|s| s.as_str()));
        if !missing.is_empty() {
            return Err(ModelError::MissingTensors(missing));
        }
        let engine = build_engine(&config, &weights, &tokenizer, token_types, opts)?;
        let name = model_name(manifest.as_ref(), dir);
        let info = ModelInfo {
            name,
            dir: dir.to_path_buf(),
            sha256: manifest::model_digest(&files),
            verified: manifest.is_some(),
            stored_kind: weights
                .stored_kind
                .map(|k| format!("{k:?}"))
                .unwrap_or_else(|| "unknown".into()),
            unused_tensors: unused,
            temperature: calibration.map(|c| c.temperature).unwrap_or(1.0),
            max_positions: config.max_position_embeddings.max(2) as usize,
            engine: opts.engine,
            precision: opts.precision,
        };
        Ok(StanceModel {
            info,
            config,
            tokenizer,
            class_labels,
            engine,
        })
    }

    /// Raw logits `[batch, 6]` in the checkpoint's class order. Runs without gradients.
    pub fn logits(&self, ids: &Tensor, mask: &Tensor) -> Tensor {
        tch::no_grad(|| match &self.engine {
            Engine::Fast(m) => m.logits(ids, mask),
            Engine::Reference(m) => m.logits(ids, mask, false),
        })
    }

    /// Calibrated probabilities in canonical label order, one array per row.
    pub fn probabilities(
        &self,
        ids: &Tensor,
        mask: &Tensor,
    ) -> Result<Vec<[f32; NUM_LABELS]>, ModelError> {
        let logits = self.logits(ids, mask);
        self.calibrated(&logits)
    }

    /// Applies temperature scaling and softmax to logits in checkpoint order; reorders to
    /// canonical order.
    pub fn calibrated(&self, logits: &Tensor) -> Result<Vec<[f32; NUM_LABELS]>, ModelError> {
        let probs = (logits / self.info.temperature)
            .to_kind(Kind::Double)
            .softmax(-1, Kind::Double)
            .to_kind(Kind::Float)
            .contiguous();
        // Never an empty Vec on failure: callers zip rows with documents.
        let flat: Vec<f32> = Vec::<f32>::try_from(probs.reshape([-1])).map_err(|e| {
            ModelError::Invalid(format!("cannot read the model's probabilities: {e}"))
        })?;
        Ok(flat
            .chunks_exact(NUM_LABELS)
            .map(|row| {
                let mut out = [0f32; NUM_LABELS];
                for (class, p) in row.iter().enumerate() {
                    out[self.class_labels[class].index()] = *p;
                }
                out
            })
            .collect())
    }

    /// FLOPs of one forward pass (fast engine; 0 for the reference engine).
    pub fn flops(&self, padded_len: i64, batch: i64) -> f64 {
        match &self.engine {
            Engine::Fast(m) => m.flops(padded_len, batch),
            Engine::Reference(_) => 0.0,
        }
    }
}

/// Where the Chinese route's model is when none is named: the checkout's
/// `models/<CHINESE_MODEL_NAME>`, else `./models/<CHINESE_MODEL_NAME>`
/// ([`crate::defaults::CHINESE_MODEL_NAME`]).
pub fn default_chinese_model_dir() -> PathBuf {
    shipped_model_dir(crate::defaults::CHINESE_MODEL_NAME)
}

/// The fast tier's model ([`crate::defaults::FAST_MODEL_NAME`]): in the checkout, else under
/// `./models`.
pub fn fast_model_dir() -> PathBuf {
    shipped_model_dir(crate::defaults::FAST_MODEL_NAME)
}

/// A shipped model folder: in the checkout the binary was built in, else under `./models`.
fn shipped_model_dir(name: &str) -> PathBuf {
    let built = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models")
        .join(name);
    if built.is_dir() {
        return built;
    }
    PathBuf::from("models").join(name)
}

/// Where `classify` finds a model when `--model` is not given: `$STANCE_MODEL`, else the
/// shipped `models/stance-minilm-v3` of the checkout the binary was built in, else
/// `./models/stance-minilm-v3`.
pub fn default_model_dir() -> PathBuf {
    match std::env::var_os("STANCE_MODEL") {
        Some(p) => PathBuf::from(p),
        None => shipped_model_dir(crate::defaults::DEFAULT_MODEL_NAME),
    }
}
