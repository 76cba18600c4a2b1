//! `stance eval`.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};
use strait_stance::eval::{evaluate, render};
use strait_stance::input::labelled::read_labelled;

use super::common::{ClassifierArgs, ModelArgs};
use super::progress::Bars;

/// Arguments of `stance eval`.
#[derive(clap::Args)]
pub struct Args {
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
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    classifier: ClassifierArgs,
    /// libtorch threads (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs `stance eval`.
pub fn run(a: Args) -> Result<i32> {
    super::set_threads(a.threads);
    let (model, _) = a.model.load()?;
    let settings = a.classifier.settings(&model)?;
    let examples = read_labelled(&a.data, &a.text_col, &a.label_col)
        .with_context(|| format!("cannot read labelled data from {}", a.data.display()))?;
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
