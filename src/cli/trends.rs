//! `stance trends`.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};
use strait_stance::defaults;
use strait_stance::trends::{run as run_trends, Period, TrendError, TrendSettings};

/// Arguments of `stance trends`.
#[derive(clap::Args)]
#[command(after_long_help = "Example:
  stance classify datasets/samples/statements.jsonl --out out/
  stance trends --predictions out/ --by actor --period year --out out/trends/")]
pub struct Args {
    /// Dataset folder written by `stance classify --out` (or its predictions/ folder).
    #[arg(long, value_name = "DIR")]
    predictions: PathBuf,
    /// Column to group statements by.
    #[arg(long, default_value = defaults::TRENDS_BY, value_name = "COLUMN")]
    by: String,
    /// Period length.
    #[arg(long, value_enum, default_value_t)]
    period: Period,
    /// Stance-bearing statements a period needs on each side of a shift.
    #[arg(long, default_value_t = defaults::MIN_STATEMENTS, value_name = "N")]
    min_statements: u64,
    /// Model sha256 (or a unique prefix) to analyse; default: the model of the most recent run.
    #[arg(long, value_name = "SHA")]
    model: Option<String>,
    /// Move of the mean stance score (scale -2..2) that counts as a shift even when the
    /// dominant label stays the same.
    #[arg(long, default_value_t = defaults::SHIFT_THRESHOLD, value_name = "DELTA")]
    shift_threshold: f64,
    /// Actors drawn in the chart (those with the most statements).
    #[arg(long, default_value_t = defaults::CHART_ACTORS, value_name = "N")]
    chart_actors: usize,
    /// Output folder for trends.parquet, shifts.parquet, first_use.parquet and the chart.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs `stance trends`.
pub fn run(a: Args) -> Result<i32> {
    if a.shift_threshold <= 0.0 {
        bail!("--shift-threshold must be positive");
    }
    let settings = TrendSettings {
        predictions: a.predictions.clone(),
        by: a.by,
        period: a.period,
        min_statements: a.min_statements,
        model: a.model,
        shift_threshold: a.shift_threshold,
        out: a.out,
        chart_actors: a.chart_actors,
        cjk_font: Some(strait_stance::trends::fonts::default_cjk_font()),
    };
    let report = run_trends(&settings)
        .map_err(with_cli_hint)
        .with_context(|| format!("cannot build trends from {}", a.predictions.display()))?;
    if a.quiet {
        return Ok(super::EXIT_OK);
    }
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    println!(
        "{} statements (model {}), {} actor-periods, {} shift(s)",
        report.statements,
        &report.model_sha256[..12.min(report.model_sha256.len())],
        report.trends.len(),
        report.shifts.len()
    );
    if !report.shifts.is_empty() {
        println!(
            "\n{:<34} {:>10} {:>10}  {:<18} {:<18} {:>6} {:>6} {:>6}  evidence",
            "actor", "from", "to", "was", "now", "before", "after", "delta"
        );
        for s in &report.shifts {
            println!(
                "{:<34} {:>10} {:>10}  {:<18} {:<18} {:>6.2} {:>6.2} {:>+6.2}  {}",
                truncate(&s.actor, 34),
                s.previous_period_start,
                s.period_start,
                s.previous_dominant_label,
                s.dominant_label,
                s.previous_score,
                s.score,
                s.delta,
                s.evidence_ids.join(",")
            );
        }
    }
    println!();
    for f in &report.files {
        println!("wrote {}", f.display());
    }
    Ok(super::EXIT_OK)
}

/// The library's error, with the command that fixes it where there is one.
fn with_cli_hint(e: TrendError) -> anyhow::Error {
    match e {
        TrendError::NoPredictions(root) => anyhow!(
            "no predictions under {} (run `stance classify ... --out {}` first)",
            root.join("predictions").display(),
            root.display()
        ),
        e => e.into(),
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}
