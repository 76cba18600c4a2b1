//! `stance train`.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use strait_stance::defaults;
use strait_stance::model::DEFAULT_MODEL_NAME;
use strait_stance::train::{train, Init, TrainSettings};

use super::progress::Bars;

/// Arguments of `stance train`.
#[derive(clap::Args)]
#[command(after_long_help = "Example (reproduces the shipped model):
  stance train --train datasets/stance/train.jsonl --train datasets/real/train.jsonl \\
      --train datasets/real/train.jsonl --dev datasets/real/dev.jsonl \\
      --base models/all-minilm-l6-v2 --epochs 4 --label-smoothing 0.1 --out models/stance-minilm-v2")]
pub struct Args {
    /// Training data (JSONL, CSV or Parquet with text and label columns); repeat to train on
    /// several files together (e.g. the synthetic and the real corpus).
    #[arg(long, value_name = "FILE", required = true)]
    train: Vec<PathBuf>,
    /// Dev data: early stopping and temperature calibration.
    #[arg(long, value_name = "FILE")]
    dev: PathBuf,
    /// Test data, evaluated once at the end and recorded in the manifest.
    #[arg(long, value_name = "FILE")]
    test: Option<PathBuf>,
    /// Pretrained encoder to start from (a fresh classifier head). Default: models/all-minilm-l6-v2.
    #[arg(long, value_name = "DIR", conflicts_with = "init_from")]
    base: Option<PathBuf>,
    /// Fine-tuned stance model to continue from (retraining on a new corpus).
    #[arg(long, value_name = "DIR")]
    init_from: Option<PathBuf>,
    /// Output model folder (must not exist).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Model name recorded in the manifest (default: the output folder's name).
    #[arg(long)]
    name: Option<String>,
    /// Maximum epochs.
    #[arg(long, default_value_t = defaults::EPOCHS)]
    epochs: usize,
    /// Peak learning rate.
    #[arg(long, default_value_t = defaults::LEARNING_RATE)]
    lr: f64,
    /// Examples per step.
    #[arg(long, default_value_t = defaults::TRAIN_BATCH_SIZE)]
    batch_size: usize,
    /// Share of steps used for linear warmup.
    #[arg(long, default_value_t = defaults::WARMUP)]
    warmup: f64,
    /// Decoupled weight decay (biases and layer norms excluded).
    #[arg(long, default_value_t = defaults::WEIGHT_DECAY)]
    weight_decay: f64,
    /// Gradient-norm clipping threshold.
    #[arg(long, default_value_t = defaults::CLIP_NORM)]
    clip_norm: f64,
    /// Longest training sequence in tokens.
    #[arg(long, default_value_t = defaults::TRAIN_MAX_TOKENS)]
    max_tokens: usize,
    /// Random seed (initialisation, dropout, shuffling).
    #[arg(long, default_value_t = defaults::SEED)]
    seed: u64,
    /// Epochs without dev macro-F1 improvement before stopping.
    #[arg(long, default_value_t = defaults::PATIENCE)]
    patience: usize,
    /// Plain (unweighted) cross-entropy instead of class-balanced.
    #[arg(long)]
    no_balance: bool,
    /// Label smoothing of the cross-entropy, in [0, 1).
    #[arg(long, default_value_t = defaults::LABEL_SMOOTHING)]
    label_smoothing: f64,
    /// Keep the word-embedding table at the base model's weights (for large multilingual
    /// vocabularies: faster steps, and the shipped folder can omit the table).
    #[arg(long)]
    freeze_word_embeddings: bool,
    /// Store weights as fp32 instead of fp16.
    #[arg(long)]
    fp32: bool,
    /// Text column.
    #[arg(long, default_value = defaults::TEXT_COL)]
    text_col: String,
    /// Label column.
    #[arg(long, default_value = defaults::LABEL_COL)]
    label_col: String,
    /// libtorch threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// No progress bars.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs `stance train`.
pub fn run(a: Args) -> Result<i32> {
    if a.epochs == 0 || a.batch_size == 0 {
        bail!("--epochs and --batch-size must be at least 1");
    }
    if !(0.0..1.0).contains(&a.warmup) {
        bail!("--warmup must be in [0, 1)");
    }
    if !(0.0..1.0).contains(&a.label_smoothing) {
        bail!("--label-smoothing must be in [0, 1)");
    }
    super::set_threads(a.threads);
    let cancel = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGINT, cancel.clone())?;
    signal_hook::flag::register(signal_hook::consts::SIGTERM, cancel.clone())?;
    let init = match (&a.base, &a.init_from) {
        (_, Some(p)) => Init::FineTuned(p.clone()),
        (Some(p), None) => Init::Base(p.clone()),
        (None, None) => {
            Init::Base(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/all-minilm-l6-v2"))
        }
    };
    let name = a.name.clone().unwrap_or_else(|| {
        a.out
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| DEFAULT_MODEL_NAME.into())
    });
    let settings = TrainSettings {
        train: a.train,
        dev: a.dev,
        test: a.test,
        init,
        out: a.out,
        name,
        epochs: a.epochs,
        lr: a.lr,
        batch_size: a.batch_size,
        warmup: a.warmup,
        weight_decay: a.weight_decay,
        clip_norm: a.clip_norm,
        max_tokens: a.max_tokens,
        seed: a.seed,
        patience: a.patience.max(1),
        balanced: !a.no_balance,
        label_smoothing: a.label_smoothing,
        half: !a.fp32,
        freeze_word_embeddings: a.freeze_word_embeddings,
        text_col: a.text_col,
        label_col: a.label_col,
    };
    let bars = Bars::new(a.quiet, "steps");
    let report = train(&settings, &bars, &cancel).context("training failed")?;
    let line = |name: &str, m: &strait_stance::eval::Metrics| {
        format!(
            "{name}: macro-F1 {:.4}, accuracy {:.4}, ECE {:.4}, opposes<->does_not_support {:.2}%",
            m.macro_f1,
            m.accuracy,
            m.ece,
            100.0 * m.opposes_dns_confusion_rate
        )
    };
    eprintln!(
        "wrote {} (best epoch {}, temperature {:.3}) in {:.0}s",
        report.out.display(),
        report.best_epoch,
        report.temperature,
        report.seconds
    );
    eprintln!("{}", line("dev", &report.dev));
    if let Some(t) = &report.test {
        eprintln!("{}", line("test", t));
    }
    Ok(super::EXIT_OK)
}
