//! `stance train`.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use strait_stance::defaults;
use strait_stance::model::config::Pooling;
use strait_stance::tokenize::InputFormat;
use strait_stance::train::distill::{Distillation, Teacher};
use strait_stance::train::folds::{cross_fit, FoldSettings};
use strait_stance::train::{train, Init, TrainSettings};

use super::progress::Bars;

/// Arguments of `stance train`.
#[derive(clap::Args)]
#[command(after_long_help = "Example (reproduces the shipped model):
  stance train --train datasets/stance/train.jsonl \\
      --train datasets/real/train.jsonl --train datasets/real/train.jsonl \\
      --train datasets/real/retired_test.jsonl --train datasets/real/retired_test.jsonl \\
      --dev datasets/real/dev.jsonl --base models/all-minilm-l6-v2 --epochs 4 --patience 4 \\
      --seed 29 --label-smoothing 0.1 --name stance-minilm-v3 --out models/stance-minilm-v3

Distilling a 3-layer student (the fast tier) from the shipped model:
  stance train --train datasets/stance/train.jsonl --train datasets/real/train.jsonl \\
      --dev datasets/real/dev.jsonl --base target/student-base --freeze-word-embeddings \\
      --teacher models/stance-minilm-v3 --pool target/distill-pool.jsonl --out models/student

Cross-fitting (K fold models, out-of-fold probabilities for stance audit):
  stance train --train corpus.jsonl --folds 5 --out models/corpus-folds
  stance train --train new-labels.jsonl --also-train corpus.jsonl --folds 5 --out models/new-folds")]
pub struct Args {
    /// Training data (JSONL, CSV or Parquet with text and label columns); repeat to train on
    /// several files together (e.g. the synthetic and the real corpus).
    #[arg(long, value_name = "FILE", required = true)]
    train: Vec<PathBuf>,
    /// Dev data: early stopping and temperature calibration. With --folds it may be left out:
    /// each fold model then holds out a tenth of its own training documents.
    #[arg(long, value_name = "FILE", required_unless_present = "folds")]
    dev: Option<PathBuf>,
    /// Test data, evaluated once at the end and recorded in the manifest.
    #[arg(long, value_name = "FILE", conflicts_with = "folds")]
    test: Option<PathBuf>,
    /// Output model folder (must not exist). With --folds: the folder of the fold models.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Cross-fit instead: split the training data into K folds (by doc_id when present, else
    /// by id; seeded), train K models each without one fold, and write every row's
    /// out-of-fold probabilities (oof.parquet) for `stance audit --models`.
    #[arg(long, value_name = "K")]
    folds: Option<usize>,
    /// With --folds: labelled rows every fold model also trains on and none scores (e.g. an
    /// established corpus while --train is a new batch of labels); repeatable.
    #[arg(long, value_name = "FILE", requires = "folds")]
    also_train: Vec<PathBuf>,
    #[command(flatten)]
    hyper: HyperArgs,
    #[command(flatten)]
    distill: DistillArgs,
    /// No progress bars.
    #[arg(long, short)]
    quiet: bool,
}

/// Knowledge distillation from a teacher model.
#[derive(clap::Args)]
#[command(next_help_heading = "Distillation")]
#[command(group(clap::ArgGroup::new("teacher_source").args(["teacher", "teacher_readings"])))]
pub struct DistillArgs {
    /// Fine-tuned stance model whose softened readings become a second target (e.g. the
    /// default model, to train a smaller student).
    #[arg(long, value_name = "DIR", conflicts_with = "folds")]
    teacher: Option<PathBuf>,
    /// Instead of --teacher: a teacher's readings computed elsewhere (e.g. a bigger encoder
    /// fine-tuned in Python), JSONL rows {"text": ..., "probs": {"opposes": p, ...}} covering
    /// every training and pool statement (scripts/teacher_readings.py writes them).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["folds", "teacher"])]
    teacher_readings: Option<PathBuf>,
    /// Unlabelled statements (JSONL, CSV or Parquet with a text column) the teacher also
    /// labels; repeatable.
    #[arg(long, value_name = "FILE", requires = "teacher_source")]
    pool: Vec<PathBuf>,
    /// Weight of the teacher's term for labelled rows (0-1).
    #[arg(long, default_value_t = defaults::DISTILL_WEIGHT, requires = "teacher_source")]
    distill_weight: f64,
    /// Softening temperature of the teacher's and the student's readings.
    #[arg(long, default_value_t = defaults::DISTILL_TEMPERATURE, requires = "teacher_source")]
    distill_temperature: f64,
}

impl DistillArgs {
    /// The distillation settings, if a teacher was named.
    fn settings(&self) -> Option<Distillation> {
        let teacher = match (&self.teacher, &self.teacher_readings) {
            (Some(dir), _) => Teacher::Model(dir.clone()),
            (None, Some(file)) => Teacher::Readings(file.clone()),
            (None, None) => return None,
        };
        Some(Distillation {
            teacher,
            pool: self.pool.clone(),
            weight: self.distill_weight,
            temperature: self.distill_temperature,
        })
    }
}

/// Where training starts and its hyper-parameters (shared by `train` and `audit`).
#[derive(clap::Args)]
#[command(next_help_heading = "Training")]
pub struct HyperArgs {
    /// Pretrained encoder to start from (a fresh classifier head). Default: models/all-minilm-l6-v2.
    #[arg(long, value_name = "DIR", conflicts_with = "init_from")]
    base: Option<PathBuf>,
    /// Fine-tuned stance model to continue from (retraining on a new corpus).
    #[arg(long, value_name = "DIR")]
    init_from: Option<PathBuf>,
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
    /// Epochs without dev improvement (a higher macro-F1, or the same with a lower loss)
    /// before stopping.
    #[arg(long, default_value_t = defaults::PATIENCE)]
    patience: usize,
    /// Plain (unweighted) cross-entropy instead of class-balanced.
    #[arg(long)]
    no_balance: bool,
    /// Label smoothing of the cross-entropy, in [0, 1).
    #[arg(long, default_value_t = defaults::LABEL_SMOOTHING)]
    label_smoothing: f64,
    /// What the model reads: the text alone, or the `actor` column and the text as a sentence
    /// pair (`[CLS] actor [SEP] text [SEP]`). Default: the starting model's (text for a base
    /// encoder).
    #[arg(long, value_enum, value_name = "FORMAT")]
    input: Option<InputFormat>,
    /// Which token states the head reads: `[CLS]` (BERT's sequence classifier; what
    /// `transformers` loads as is) or the mean of the token states. Default: the starting
    /// model's (`cls` for a base encoder).
    #[arg(long, value_enum, value_name = "POOLING")]
    pooling: Option<Pooling>,
    /// With --input actor_text: share of training rows read without their actor, so
    /// statements without one still read well.
    #[arg(long, default_value_t = defaults::ACTOR_DROPOUT)]
    actor_dropout: f64,
    /// With --input actor_text: share of training rows read with another row's actor (for a
    /// stance-bearing row, one from the other side of neutral), label unchanged, so the text
    /// outweighs an actor's usual line.
    #[arg(long, default_value_t = defaults::ACTOR_SWAP)]
    actor_swap: f64,
    /// Weight of a second loss term against polarity flips: −log(1 − p) of the probability
    /// on the other side of neutral, for rows whose gold stance lies on one side.
    #[arg(long, default_value_t = defaults::FLIP_PENALTY)]
    flip_penalty: f64,
    /// Keep the word-embedding table at the base model's weights (for large multilingual
    /// vocabularies: faster steps, and the shipped folder can omit the table).
    #[arg(long)]
    freeze_word_embeddings: bool,
    /// Leave out of the training and dev files the rows whose actor is a news outlet, agency,
    /// journalist or commentator: `stance classify` answers those by the guide's
    /// reporting-actor rule (GUIDE 5.14.47), so the model need not learn them.
    #[arg(long)]
    leave_out_reporting_actors: bool,
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
}

impl HyperArgs {
    /// Checks the hyper-parameters and sets the thread pools.
    pub fn check(&self) -> Result<()> {
        if self.epochs == 0 || self.batch_size == 0 {
            bail!("--epochs and --batch-size must be at least 1");
        }
        if !(0.0..1.0).contains(&self.warmup) {
            bail!("--warmup must be in [0, 1)");
        }
        if !(0.0..1.0).contains(&self.label_smoothing) {
            bail!("--label-smoothing must be in [0, 1)");
        }
        if !(0.0..=1.0).contains(&self.actor_dropout) {
            bail!("--actor-dropout must be in [0, 1]");
        }
        if !(0.0..=1.0).contains(&self.actor_swap) {
            bail!("--actor-swap must be in [0, 1]");
        }
        if !(self.flip_penalty >= 0.0 && self.flip_penalty.is_finite()) {
            bail!("--flip-penalty must be a finite number >= 0");
        }
        super::set_threads(self.threads);
        Ok(())
    }

    /// Training settings for these data and output folder.
    pub fn settings(&self, train: Vec<PathBuf>, dev: PathBuf, out: PathBuf) -> TrainSettings {
        let init = match (&self.base, &self.init_from) {
            (_, Some(p)) => Init::FineTuned(p.clone()),
            (Some(p), None) => Init::Base(p.clone()),
            (None, None) => Init::Base(
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/all-minilm-l6-v2"),
            ),
        };
        let name = self.name.clone().unwrap_or_else(|| {
            out.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| defaults::DEFAULT_MODEL_NAME.into())
        });
        TrainSettings {
            train,
            dev,
            test: None,
            init,
            out,
            name,
            epochs: self.epochs,
            lr: self.lr,
            batch_size: self.batch_size,
            warmup: self.warmup,
            weight_decay: self.weight_decay,
            clip_norm: self.clip_norm,
            max_tokens: self.max_tokens,
            seed: self.seed,
            patience: self.patience.max(1),
            balanced: !self.no_balance,
            label_smoothing: self.label_smoothing,
            half: !self.fp32,
            freeze_word_embeddings: self.freeze_word_embeddings,
            text_col: self.text_col.clone(),
            label_col: self.label_col.clone(),
            distill: None,
            input: self.input,
            pooling: self.pooling,
            actor_dropout: self.actor_dropout,
            actor_swap: self.actor_swap,
            flip_penalty: self.flip_penalty,
            leave_out_reporting_actors: self.leave_out_reporting_actors,
        }
    }
}

/// Stops on SIGINT/SIGTERM at the next step.
pub fn cancel_on_signals() -> Result<Arc<AtomicBool>> {
    let cancel = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGINT, cancel.clone())?;
    signal_hook::flag::register(signal_hook::consts::SIGTERM, cancel.clone())?;
    Ok(cancel)
}

/// Runs `stance train`.
pub fn run(a: Args) -> Result<i32> {
    a.hyper.check()?;
    let cancel = cancel_on_signals()?;
    let bars = Bars::new(a.quiet, "steps");
    if let Some(k) = a.folds {
        let settings = FoldSettings {
            hyper: a
                .hyper
                .settings(a.train, a.dev.clone().unwrap_or_default(), a.out),
            k,
            dev: a.dev,
            also_train: a.also_train,
        };
        let fit = cross_fit(&settings, &bars, &cancel).context("cross-fitting failed")?;
        for f in &fit.folds {
            eprintln!(
                "fold {}: {} train, {} dev (macro-F1 {:.4}), {} held out (macro-F1 {:.4})",
                f.fold, f.train, f.dev, f.dev_macro_f1, f.held_out, f.held_out_macro_f1
            );
        }
        eprintln!("{}", line("out-of-fold", &fit.metrics));
        eprintln!(
            "wrote {} ({} fold models, oof.parquet, folds.json)",
            fit.out.display(),
            fit.folds.len()
        );
        return Ok(super::EXIT_OK);
    }
    let dev = a.dev.clone().unwrap_or_default();
    let settings = TrainSettings {
        test: a.test,
        distill: a.distill.settings(),
        ..a.hyper.settings(a.train, dev, a.out)
    };
    let report = train(&settings, &bars, &cancel).context("training failed")?;
    if settings.leave_out_reporting_actors {
        eprintln!(
            "left out {} train and {} dev rows whose actor is a reporting one",
            report.left_out.train, report.left_out.dev
        );
    }
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

/// One line of metrics.
fn line(name: &str, m: &strait_stance::eval::Metrics) -> String {
    format!(
        "{name}: macro-F1 {:.4}, accuracy {:.4}, ECE {:.4}, opposes<->does_not_support {:.2}%",
        m.macro_f1,
        m.accuracy,
        m.ece,
        100.0 * m.opposes_dns_confusion_rate
    )
}
