//! `stance eval`.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};
use strait_stance::batch::BatchLimits;
use strait_stance::classify::{ClassifierSettings, Segmentation};
use strait_stance::eval::{evaluate, render};
use strait_stance::input::labelled::read_labelled;
use strait_stance::model::{default_model_dir, EngineKind, LoadOptions, Precision, StanceModel};

use super::progress::Bars;

/// Arguments of `stance eval`.
#[derive(clap::Args)]
pub struct Args {
    /// Model folder. Default: $STANCE_MODEL, else the shipped models/stance-minilm-v1.
    #[arg(long, value_name = "DIR")]
    model: Option<PathBuf>,
    /// Labelled file (JSONL, CSV or Parquet) with text and label columns; an `evidence` column
    /// of {start, end} character spans adds evidence accuracy.
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    /// Text column.
    #[arg(long, default_value = "text", value_name = "NAME")]
    text_col: String,
    /// Label column.
    #[arg(long, default_value = "label", value_name = "NAME")]
    label_col: String,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
    /// Longest unit in tokens (default: the model's limit, capped at 256).
    #[arg(long, value_name = "N")]
    max_tokens: Option<usize>,
    /// Most sequences per batch.
    #[arg(long, default_value_t = 64, value_name = "N")]
    batch_size: usize,
    /// libtorch threads (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// How documents are cut (see `stance classify --help`).
    #[arg(long, value_enum, default_value_t)]
    segmentation: Segmentation,
    /// In segmented documents, the probability a sentence's top stance label needs to decide.
    #[arg(long, default_value_t = strait_stance::classify::DEFAULT_MIN_STANCE_CONFIDENCE, value_name = "P")]
    min_stance_confidence: f32,
    /// Arithmetic of the encoder's linear layers.
    #[arg(long, value_enum, default_value_t)]
    precision: Precision,
    /// Forward-pass implementation.
    #[arg(long, value_enum, default_value_t)]
    engine: EngineKind,
    /// Load a model folder that has no manifest.json.
    #[arg(long)]
    allow_unverified_model: bool,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs `stance eval`.
pub fn run(a: Args) -> Result<i32> {
    super::set_threads(a.threads);
    let dir = a.model.clone().unwrap_or_else(default_model_dir);
    let model = StanceModel::load(
        &dir,
        &LoadOptions {
            precision: a.precision,
            engine: a.engine,
            allow_unverified: a.allow_unverified_model,
        },
    )
    .with_context(|| format!("cannot load the model in {}", dir.display()))?;
    let examples = read_labelled(&a.data, &a.text_col, &a.label_col)
        .with_context(|| format!("cannot read labelled data from {}", a.data.display()))?;
    let max_tokens = a.max_tokens.unwrap_or(256).min(model.info.max_positions);
    let settings = ClassifierSettings {
        max_tokens,
        limits: BatchLimits {
            max_rows: a.batch_size,
            ..BatchLimits::default()
        },
        window_overlap: (max_tokens / 8).max(4),
        segmentation: a.segmentation,
        min_stance_confidence: a.min_stance_confidence,
    };
    let bars = Bars::new(a.quiet || a.json, "statements");
    let report = evaluate(&model, &examples, &settings, &AtomicBool::new(false), &bars)
        .context("evaluation failed")?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "model {} ({}) on {} — {} examples in {:.1}s\n",
            report.model,
            &report.model_sha256[..12],
            a.data.display(),
            report.metrics.n,
            report.seconds
        );
        print!("{}", render(&report.metrics));
        for (k, m) in &report.by_phrasing {
            println!(
                "\nphrasing={k}: {} examples, accuracy {:.4}, macro-F1 {:.4}",
                m.n, m.accuracy, m.macro_f1
            );
        }
        if let Some(e) = report.evidence_accuracy {
            println!(
                "\nevidence accuracy {:.4} over {} stance-bearing documents",
                e, report.evidence_n
            );
        }
    }
    Ok(super::EXIT_OK)
}
