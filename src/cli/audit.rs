//! `stance audit`.

use std::path::PathBuf;

use anyhow::{anyhow, Context, Result};
use strait_stance::defaults;
use strait_stance::labelling::audit::{run as run_audit, AuditError, AuditReport, AuditSettings};

use super::progress::Bars;
use super::train::{cancel_on_signals, HyperArgs};

/// Arguments of `stance audit`.
#[derive(clap::Args)]
#[command(after_long_help = "Examples:
  stance audit --data corpus.jsonl --folds 5 --out audit/             # trains 5 fold models
  stance train --train corpus.jsonl --folds 5 --out models/folds      # or: fold models first,
  stance audit --data corpus.jsonl --folds 5 --models models/folds --out audit/   # then rank
  stance audit --data new-labels.jsonl --also-train corpus.jsonl --out audit/   # a new batch")]
pub struct Args {
    /// Labelled corpus (JSONL, CSV or Parquet with text and label; id and doc_id when present).
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    /// Folds: each row is scored by a model trained on the other folds (split by doc_id when
    /// present, else by id; seeded by --seed).
    #[arg(long, default_value_t = defaults::AUDIT_FOLDS, value_name = "K")]
    folds: usize,
    /// Output folder: audit.parquet (every row ranked), summary.md, and folds/ (the fold
    /// models and oof.parquet) when it trains them.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Fold models written by `stance train --train DATA --folds K --out DIR`: reuse their
    /// out-of-fold probabilities instead of training.
    #[arg(long, value_name = "DIR")]
    models: Option<PathBuf>,
    /// Dev file for every fold model's early stopping and calibration (must not hold corpus
    /// rows). Default: each fold holds out a tenth of its own training documents.
    #[arg(long, value_name = "FILE")]
    dev: Option<PathBuf>,
    /// Labelled rows every fold model also trains on and the audit never ranks (e.g. the
    /// established corpus while --data is a new batch of labels); repeatable.
    #[arg(long, value_name = "FILE", conflicts_with = "models")]
    also_train: Vec<PathBuf>,
    #[command(flatten)]
    hyper: HyperArgs,
    /// No progress bars.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs `stance audit`.
pub fn run(a: Args) -> Result<i32> {
    if a.folds < 2 {
        return Err(anyhow!("--folds must be at least 2"));
    }
    if a.models.is_none() {
        a.hyper.check()?;
    }
    let cancel = cancel_on_signals()?;
    let settings = AuditSettings {
        data: a.data.clone(),
        k: a.folds,
        out: a.out.clone(),
        models: a.models,
        dev: a.dev.clone(),
        also_train: a.also_train,
        hyper: a.hyper.settings(
            vec![a.data.clone()],
            a.dev.unwrap_or_default(),
            a.out.join("folds"),
        ),
        top: defaults::AUDIT_SUMMARY_ROWS,
    };
    let bars = Bars::new(a.quiet, "steps");
    let report = run_audit(&settings, &bars, &cancel)
        .map_err(|e| match e {
            AuditError::Mismatch(m) => anyhow!("{m} (--models, --folds)"),
            e => e.into(),
        })
        .with_context(|| format!("cannot audit {}", a.data.display()))?;
    if !a.quiet {
        print_report(&report);
    }
    Ok(super::EXIT_OK)
}

/// The summary line, the ten highest-ranked rows and the files written.
fn print_report(report: &AuditReport) {
    let r = &report.ranking;
    let flagged = r.findings.iter().filter(|f| f.flagged).count();
    let classes: Vec<String> = report
        .flagged_by_class()
        .iter()
        .map(|(c, n)| format!("{} {n}", c.as_str()))
        .collect();
    println!(
        "{} rows, out-of-fold macro-F1 {:.3}; {flagged} flagged ({}); {} near-duplicate and {} \
         same-formula group(s) with different labels",
        r.findings.len(),
        report.oof_macro_f1,
        classes.join(", "),
        r.duplicate_groups,
        r.formula_groups
    );
    for f in r.findings.iter().take(10) {
        let text: String = f.row.text.chars().take(70).collect();
        println!(
            "{:>4}  {:<14} {:>16} -> {:<16} {:<13} {:.2}  {}",
            f.rank,
            f.row.id,
            f.row.label.as_str(),
            f.suggested.as_str(),
            f.class.as_str(),
            f.severity,
            text
        );
    }
    for f in &report.files {
        println!("wrote {}", f.display());
    }
}
