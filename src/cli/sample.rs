//! `stance sample`.

use std::path::PathBuf;

use anyhow::{anyhow, Context, Result};
use strait_stance::defaults;
use strait_stance::labelling::pool::PoolError;
use strait_stance::labelling::sample::{run as run_sample, SampleError, SampleSettings};
use strait_stance::labelling::strategy::Strategy;

use super::progress::Bars;

/// Arguments of `stance sample`.
#[derive(clap::Args)]
#[command(after_long_help = "Example:
  stance sample --predictions out/ --n 200 --exclude datasets/real/train.jsonl --out to_label.jsonl
  # writes to_label.jsonl (Prodigy / Argilla) and to_label.csv (spreadsheets)")]
pub struct Args {
    /// Dataset folder written by `stance classify --out` (or its predictions/ folder).
    #[arg(long, value_name = "DIR")]
    predictions: PathBuf,
    /// Statements to propose.
    #[arg(long, default_value_t = defaults::SAMPLE_N, value_name = "N")]
    n: usize,
    /// JSONL file to write (.jsonl); a CSV with the same rows is written beside it (.csv).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// How to choose: mix (ordinal 1/2, entropy 1/4, committee 1/4 of the non-random part),
    /// or one strategy alone.
    #[arg(long, value_enum, default_value_t)]
    strategy: Strategy,
    /// Share of the batch drawn uniformly at random before any strategy, marked
    /// random_slice (for unbiased evaluation).
    #[arg(long, default_value_t = defaults::RANDOM_SHARE, value_name = "SHARE")]
    random_share: f64,
    /// Seed of every random choice.
    #[arg(long, default_value_t = defaults::SEED)]
    seed: u64,
    /// Model sha256 (or a unique prefix) whose predictions to propose; default: the model of
    /// the most recent run. Other model versions in the dataset form the committee.
    #[arg(long, value_name = "SHA")]
    model: Option<String>,
    /// Labelled corpora (JSONL, CSV or Parquet): statements in them (same id or same normalised
    /// text) are never proposed.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    exclude: Vec<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs `stance sample`.
pub fn run(a: Args) -> Result<i32> {
    let settings = SampleSettings {
        predictions: a.predictions.clone(),
        n: a.n,
        out: a.out,
        strategy: a.strategy,
        random_share: a.random_share,
        seed: a.seed,
        model: a.model,
        exclude: a.exclude,
    };
    let bars = Bars::new(a.quiet, "predictions");
    let report = run_sample(&settings, &bars)
        .map_err(with_cli_hint)
        .with_context(|| format!("cannot sample from {}", a.predictions.display()))?;
    if a.quiet {
        return Ok(super::EXIT_OK);
    }
    let list = |v: &[(String, usize)]| {
        v.iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "proposed {} of {} statements (model {}, {} model version(s) in the dataset; {} already \
         labelled, {} near-duplicates left out)",
        report.written,
        report.pool,
        &report.model_sha256[..12.min(report.model_sha256.len())],
        report.models,
        report.excluded,
        report.duplicates
    );
    println!("by strategy: {}", list(&report.by_strategy));
    println!("by predicted label: {}", list(&report.by_label));
    for n in &report.notes {
        println!("note: {n}");
    }
    for f in &report.files {
        println!("wrote {}", f.display());
    }
    Ok(super::EXIT_OK)
}

/// The library's error with the flags or commands that fix it.
fn with_cli_hint(e: SampleError) -> anyhow::Error {
    match e {
        SampleError::Settings(m) => {
            let flag = if m.contains("batch size") {
                " (--n)"
            } else if m.contains("random share") {
                " (--random-share)"
            } else if m.contains("output file") {
                " (--out)"
            } else {
                ""
            };
            anyhow!("invalid settings: {m}{flag}")
        }
        SampleError::Pool(PoolError::NoPredictions(root)) => anyhow!(
            "no predictions under {} (run `stance classify ... --out {}` first)",
            root.join("predictions").display(),
            root.display()
        ),
        SampleError::Pool(PoolError::Model(m)) => anyhow!("{m} (--model)"),
        e => e.into(),
    }
}
