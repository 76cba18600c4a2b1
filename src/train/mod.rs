//! Fine-tuning a stance classifier with tch: rust-bert's `BertForSequenceClassification`,
//! AdamW with decoupled weight decay, linear warmup then linear decay, class-balanced
//! cross-entropy, gradient clipping, a fixed seed, dev evaluation every epoch with early
//! stopping on dev macro-F1, then temperature scaling on dev. The result is a Hugging Face
//! checkpoint plus `manifest.json`.
//!
//! [`train`] reads as its steps: `fit.rs` runs the epochs, [`calibrate`] fits the temperature
//! through the classify pipeline, and `publish.rs` records provenance, writes the model card
//! and moves the finished folder into place.

pub mod calibrate;
pub mod distill;
mod fit;
pub mod folds;
mod publish;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde::Serialize;

use crate::actors::is_reporting_actor;
use crate::classify::{ClassifierSettings, ClassifyError};
use crate::eval::{self, Metrics};
use crate::input::labelled::{read_labelled, read_unlabelled, Example, LabelledError, Unlabelled};
use crate::model::config::Pooling;
use crate::model::{
    BertConfig, LoadOptions, ModelError, ReferenceBert, StanceModel, TokenTypes, Weights,
};
use crate::report::Reporter;
use crate::tokenize::{InputFormat, TextTokenizer};

/// Where the weights to start from come from.
#[derive(Debug, Clone)]
pub enum Init {
    /// A pretrained encoder (e.g. all-MiniLM-L6-v2): the classifier head starts random.
    Base(PathBuf),
    /// A fine-tuned stance model: everything continues from it (retraining on a new corpus).
    FineTuned(PathBuf),
}

/// Hyper-parameters and paths of a training run.
#[derive(Debug, Clone, Serialize)]
pub struct TrainSettings {
    /// Training data: one or more files, concatenated (e.g. the synthetic and the real corpus).
    pub train: Vec<PathBuf>,
    /// Dev data (early stopping, calibration).
    pub dev: PathBuf,
    /// Optional test data, evaluated once at the end for the manifest.
    pub test: Option<PathBuf>,
    /// Starting weights.
    #[serde(skip)]
    pub init: Init,
    /// Output folder.
    pub out: PathBuf,
    /// Model name for the manifest.
    pub name: String,
    /// Maximum epochs.
    pub epochs: usize,
    /// Peak learning rate.
    pub lr: f64,
    /// Examples per step.
    pub batch_size: usize,
    /// Share of steps spent warming up.
    pub warmup: f64,
    /// Decoupled weight decay (not on biases and layer norms).
    pub weight_decay: f64,
    /// Gradient-norm clip.
    pub clip_norm: f64,
    /// Longest training sequence in tokens.
    pub max_tokens: usize,
    /// Seed for initialisation, dropout and shuffling.
    pub seed: u64,
    /// Epochs without dev improvement before stopping.
    pub patience: usize,
    /// Weight the loss by inverse class frequency.
    pub balanced: bool,
    /// Label smoothing of the cross-entropy (0 = none).
    pub label_smoothing: f64,
    /// Store weights as fp16.
    pub half: bool,
    /// Keep the word-embedding table at the starting weights (a large multilingual vocabulary
    /// then stays identical to the base, so a model folder can ship without it).
    #[serde(default)]
    pub freeze_word_embeddings: bool,
    /// Text and label columns.
    pub text_col: String,
    /// Label column.
    pub label_col: String,
    /// Knowledge distillation from a teacher model, if any.
    #[serde(default)]
    pub distill: Option<distill::Distillation>,
    /// What the model reads; `None` keeps the starting model's format (a pretrained encoder's
    /// is the text alone).
    #[serde(default)]
    pub input: Option<InputFormat>,
    /// Which token states the head reads; `None` keeps the starting model's (`[CLS]` for a
    /// pretrained encoder).
    #[serde(default)]
    pub pooling: Option<Pooling>,
    /// Share of training rows read without their actor (models that read actors only).
    #[serde(default)]
    pub actor_dropout: f64,
    /// Share of training rows read with another row's actor, drawn from the rows on the other
    /// side of neutral for a stance-bearing row (models that read actors only): the label stays,
    /// so the text outweighs whoever is said to speak.
    #[serde(default)]
    pub actor_swap: f64,
    /// Weight of the polarity-flip term: −log(1 − p(other side of neutral)) for rows whose
    /// gold stance lies on one side (0 = off).
    #[serde(default)]
    pub flip_penalty: f64,
    /// Leave out of training and of the dev set the rows whose actor is a news outlet, agency,
    /// journalist or commentator ([`crate::actors::is_reporting_actor`]): `stance classify`
    /// answers those by the guide's reporting-actor rule, so the model need not learn them.
    #[serde(default)]
    pub leave_out_reporting_actors: bool,
}

/// Why training failed.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// Bad data.
    #[error(transparent)]
    Data(#[from] LabelledError),
    /// Model problems.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// Interrupted.
    #[error("interrupted")]
    Interrupted,
    /// Output folder problems.
    #[error("{0}")]
    Output(String),
    /// A teacher's readings file is malformed or lacks a statement.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Readings {
        /// The readings file.
        path: PathBuf,
        /// 1-based line, when one line is at fault.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// Leaving out the reporting actors' rows left a split with none.
    #[error("every row of the {0} data has a reporting actor (news outlet, agency, journalist or commentator), so none is left")]
    OnlyReportingActors(&'static str),
    /// Scoring the trained model on its dev or test split failed outside the model (the
    /// trend comparison `stance eval` reports).
    #[error("scoring the trained model: {0}")]
    Scoring(crate::trends::TrendError),
    /// Filesystem.
    #[error("cannot access {}", path.display())]
    Io {
        /// Where.
        path: PathBuf,
        /// Error.
        #[source]
        source: std::io::Error,
    },
}

impl From<eval::EvalError> for TrainError {
    fn from(e: eval::EvalError) -> Self {
        match e {
            eval::EvalError::Classify(c) => c.into(),
            eval::EvalError::Trends(t) => TrainError::Scoring(t),
        }
    }
}

impl From<ClassifyError> for TrainError {
    fn from(e: ClassifyError) -> Self {
        match e {
            ClassifyError::Interrupted => TrainError::Interrupted,
            ClassifyError::Model(m) => TrainError::Model(m),
        }
    }
}

/// One epoch's numbers.
#[derive(Debug, Clone, Serialize)]
pub struct EpochLog {
    /// 1-based epoch.
    pub epoch: usize,
    /// Mean training loss.
    pub train_loss: f64,
    /// Dev macro-F1 (whole texts, reference model).
    pub dev_macro_f1: f64,
    /// Dev accuracy.
    pub dev_accuracy: f64,
    /// Seconds.
    pub seconds: f64,
}

/// What training produced.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    /// Output folder.
    pub out: PathBuf,
    /// Per-epoch log.
    pub epochs: Vec<EpochLog>,
    /// Epoch kept.
    pub best_epoch: usize,
    /// Fitted temperature.
    pub temperature: f64,
    /// Dev metrics of the saved model through the classify pipeline.
    pub dev: Metrics,
    /// Test metrics, if a test file was given.
    pub test: Option<Metrics>,
    /// Wall seconds.
    pub seconds: f64,
    /// Rows left out of train and dev as reporting actors' (both 0 unless asked).
    pub left_out: LeftOut,
}

/// The labelled data of a run.
struct Splits {
    /// Training examples, all files concatenated.
    train: Vec<Example>,
    /// Dev examples.
    dev: Vec<Example>,
    /// Test examples, when a test file was given.
    test: Option<Vec<Example>>,
    /// Unlabelled statements for distillation (empty without a pool).
    pool: Vec<Unlabelled>,
    /// Rows left out of train and dev as reporting actors' (both 0 unless asked).
    left_out: LeftOut,
}

/// How many rows of each split were left out as reporting actors'.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    /// Training rows (a file given twice counts twice).
    pub train: usize,
    /// Dev rows.
    pub dev: usize,
}

impl Splits {
    /// Reads the training files, the dev file and the optional test file.
    fn read(s: &TrainSettings) -> Result<Splits, TrainError> {
        let mut train = Vec::new();
        for p in &s.train {
            train.extend(read_labelled(p, &s.text_col, &s.label_col)?);
        }
        let mut dev = read_labelled(&s.dev, &s.text_col, &s.label_col)?;
        let test = match &s.test {
            Some(p) => Some(read_labelled(p, &s.text_col, &s.label_col)?),
            None => None,
        };
        let mut pool = Vec::new();
        for p in s.distill.iter().flat_map(|d| &d.pool) {
            pool.extend(read_unlabelled(p, &s.text_col)?);
        }
        let mut left_out = LeftOut::default();
        if s.leave_out_reporting_actors {
            (train, left_out.train) = without_reporting_actors(train, "training")?;
            (dev, left_out.dev) = without_reporting_actors(dev, "dev")?;
        }
        Ok(Splits {
            train,
            dev,
            test,
            pool,
            left_out,
        })
    }
}

/// `rows` less those whose actor is a reporting actor, and how many went; an error naming the
/// `split` if none remain.
fn without_reporting_actors(
    mut rows: Vec<Example>,
    split: &'static str,
) -> Result<(Vec<Example>, usize), TrainError> {
    let before = rows.len();
    rows.retain(|e| !e.actor.as_deref().is_some_and(is_reporting_actor));
    if rows.is_empty() {
        return Err(TrainError::OnlyReportingActors(split));
    }
    let gone = before - rows.len();
    Ok((rows, gone))
}

/// What training starts from: the folder, its config (with the stance labels set), its
/// tokenizer and the model with the starting weights loaded.
struct Start {
    dir: PathBuf,
    config: BertConfig,
    tok: TextTokenizer,
    model: ReferenceBert,
}

/// Loads the starting weights. A pretrained encoder may lack the classifier head (it starts
/// random, seeded); a fine-tuned model must be a verified stance model with every tensor.
fn load_start(s: &TrainSettings) -> Result<Start, TrainError> {
    let dir = match &s.init {
        Init::Base(p) | Init::FineTuned(p) => p.clone(),
    };
    if !dir.is_dir() {
        return Err(ModelError::NotFound(dir).into());
    }
    let mut config = BertConfig::from_file(&dir.join("config.json"))?;
    if let Init::FineTuned(_) = s.init {
        config.stance_labels()?;
        crate::model::verify_dir(&dir, false)?;
    }
    config.set_stance_labels();
    if let Some(format) = s.input {
        if matches!(s.init, Init::FineTuned(_)) && format != config.stance_input {
            return Err(TrainError::Output(format!(
                "{} reads {:?} inputs; a model continued from it cannot read {:?} ones (start from a base encoder instead)",
                dir.display(),
                config.stance_input,
                format
            )));
        }
        config.stance_input = format;
        config.check()?;
    }
    if let Some(pooling) = s.pooling {
        if matches!(s.init, Init::FineTuned(_)) && pooling != config.stance_pooling {
            return Err(TrainError::Output(format!(
                "{} pools {:?}; a model continued from it cannot pool {:?} (start from a base encoder instead)",
                dir.display(),
                config.stance_pooling,
                pooling
            )));
        }
        config.stance_pooling = pooling;
    }
    let tok = TextTokenizer::from_file(&dir.join("tokenizer.json")).map_err(ModelError::from)?;
    tch::manual_seed(s.seed as i64);
    tok.check_format(config.stance_input)
        .map_err(ModelError::from)?;
    let types = TokenTypes::of(config.stance_input, tok.sep_id());
    let mut model = ReferenceBert::new(&config)?.with_token_types(types);
    let weights = Weights::read(&dir)?;
    let (missing, _unused) = model.load(&weights)?;
    // A pretrained encoder may come without the pooler (sentence-embedding encoders such as
    // multilingual-e5 drop it) and without the head: both start random, seeded.
    let allowed_missing = |n: &String| {
        matches!(s.init, Init::Base(_))
            && (n.starts_with("classifier.") || n.starts_with("bert.pooler."))
    };
    let bad: Vec<String> = missing
        .iter()
        .filter(|n| !allowed_missing(n))
        .cloned()
        .collect();
    if !bad.is_empty() {
        return Err(ModelError::MissingTensors(bad).into());
    }
    if s.freeze_word_embeddings {
        freeze(&model, WORD_EMBEDDINGS)?;
    }
    Ok(Start {
        dir,
        config,
        tok,
        model,
    })
}

/// The word-embedding table's name in a BERT checkpoint.
pub const WORD_EMBEDDINGS: &str = "bert.embeddings.word_embeddings.weight";

/// Stops gradients to one tensor (the optimizer then leaves it unchanged: no gradient, no
/// decay).
fn freeze(model: &ReferenceBert, name: &str) -> Result<(), ModelError> {
    let vars = model.vs.variables();
    let t = vars
        .get(name)
        .ok_or_else(|| ModelError::MissingTensors(vec![name.to_string()]))?;
    let _ = t.shallow_clone().set_requires_grad(false);
    Ok(())
}

/// Refuses an output folder that exists and a run without training data.
fn check_settings(s: &TrainSettings) -> Result<(), TrainError> {
    if s.out.exists() {
        return Err(TrainError::Output(format!(
            "{} already exists; choose a new folder (models are never overwritten)",
            s.out.display()
        )));
    }
    if s.train.is_empty() {
        return Err(TrainError::Output("no training data given".into()));
    }
    for (what, share) in [("dropout", s.actor_dropout), ("swap", s.actor_swap)] {
        if !(0.0..=1.0).contains(&share) {
            return Err(TrainError::Output(format!(
                "the actor {what} share must be between 0 and 1 (got {share})"
            )));
        }
    }
    if let Some(d) = &s.distill {
        if !(0.0..=1.0).contains(&d.weight) || d.temperature.is_nan() || d.temperature <= 0.0 {
            return Err(TrainError::Output(format!(
                "distillation needs a weight in [0, 1] and a positive temperature (got {} and {})",
                d.weight, d.temperature
            )));
        }
    }
    Ok(())
}

/// Loads the model being assembled in the staging folder (not verified yet: it has no
/// manifest).
fn load_staged(dir: &Path) -> Result<StanceModel, ModelError> {
    StanceModel::load(
        dir,
        &LoadOptions {
            allow_unverified: true,
            ..Default::default()
        },
    )
}

/// Dev and test metrics of the saved, calibrated model through the classify pipeline.
fn final_metrics(
    dir: &Path,
    data: &Splits,
    cancel: &AtomicBool,
) -> Result<(Metrics, Option<Metrics>), TrainError> {
    let settings = ClassifierSettings::model_only();
    let model = crate::model::Routes::single(load_staged(dir)?);
    let silent = &crate::report::Silent;
    let dev = eval::evaluate(&model, &data.dev, &settings, cancel, silent)?.metrics;
    let test = match &data.test {
        Some(ex) => Some(eval::evaluate(&model, ex, &settings, cancel, silent)?.metrics),
        None => None,
    };
    Ok((dev, test))
}

/// Trains, calibrates, evaluates and writes a model folder: fits the starting model, saves it
/// into a staging folder, fits its temperature on dev, measures it, then publishes the folder
/// under `out` with its provenance and model card.
pub fn train(
    s: &TrainSettings,
    reporter: &dyn Reporter,
    cancel: &AtomicBool,
) -> Result<TrainReport, TrainError> {
    let started = Instant::now();
    check_settings(s)?;
    let data = Splits::read(s)?;
    let start = load_start(s)?;
    let fitted = fit::fit(s, &start, &data, reporter, cancel)?;
    let Start {
        dir: init_dir,
        config,
        model,
        ..
    } = start;
    let staging = publish::Staging::beside(&s.out)?;
    crate::model::save::write_checkpoint(staging.dir(), &config, &model, &init_dir, s.half, None)?;
    drop(model);
    let cal = calibrate::calibrate_staged(staging.dir(), &data.dev, &s.dev, cancel)?;
    let (dev, test) = final_metrics(staging.dir(), &data, cancel)?;
    let seconds = started.elapsed().as_secs_f64();
    publish::publish(
        staging,
        &publish::Record {
            settings: s,
            init_dir: &init_dir,
            config: &config,
            data: &data,
            logs: &fitted.logs,
            best_epoch: fitted.best_epoch,
            cal: &cal,
            dev: &dev,
            test: test.as_ref(),
            seconds,
        },
    )?;
    Ok(TrainReport {
        out: s.out.clone(),
        epochs: fitted.logs,
        best_epoch: fitted.best_epoch,
        temperature: cal.temperature,
        dev,
        test,
        seconds,
        left_out: data.left_out,
    })
}
