//! `stance label import`.

use std::path::PathBuf;

use anyhow::{anyhow, Context, Result};
use strait_stance::labelling::import::{run as run_import, ImportError, ImportSettings};

/// Arguments of `stance label`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: LabelCommand,
}

#[derive(clap::Subcommand)]
enum LabelCommand {
    /// Read annotation files (Prodigy or Argilla JSONL exports, the sample CSV) into a corpus
    /// that `stance train` reads.
    Import(ImportArgs),
}

/// Arguments of `stance label import`.
#[derive(clap::Args)]
#[command(after_long_help = "Example:
  stance label import prodigy_export.jsonl argilla_export.jsonl to_label.csv --out corpus.jsonl
  stance train --train corpus.jsonl --dev datasets/real/dev.jsonl --out models/mine")]
pub struct ImportArgs {
    /// Annotation files: .jsonl (Prodigy `db-out`, Argilla records, plain labelled lines) or
    /// .csv (the sample CSV with its label column filled in; optional annotator column).
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// Corpus to append to (JSONL with id, text, label; created when missing, replaced
    /// atomically).
    #[arg(long, value_name = "CORPUS")]
    out: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs `stance label ...`.
pub fn run(a: Args) -> Result<i32> {
    match a.command {
        LabelCommand::Import(a) => import(a),
    }
}

fn import(a: ImportArgs) -> Result<i32> {
    let settings = ImportSettings {
        files: a.files,
        out: a.out.clone(),
    };
    let r = run_import(&settings)
        .map_err(|e| match e {
            ImportError::Settings(m) if m.contains("corpus") => {
                anyhow!("invalid settings: {m} (--out)")
            }
            e => e.into(),
        })
        .with_context(|| format!("nothing was written to {}", a.out.display()))?;
    if a.quiet {
        return Ok(super::EXIT_OK);
    }
    println!(
        "read {} label(s) for {} statement(s) from {} file(s) ({} record(s) unanswered: rejected, \
         ignored, drafts or empty labels)",
        r.annotations, r.statements, r.files, r.unanswered
    );
    let ag = &r.agreement;
    if ag.units > 0 {
        let fmt = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{v:.3}"));
        println!(
            "agreement over {} statement(s) labelled by 2+ of {} annotators: unanimous {:.1}%, \
             Cohen's kappa {}, Krippendorff's alpha {}",
            ag.units,
            ag.annotators,
            100.0 * ag.unanimous,
            fmt(ag.cohen_kappa),
            fmt(ag.krippendorff_alpha)
        );
    }
    for c in &r.conflicts {
        let votes: Vec<String> = c.votes.iter().map(|(a, l)| format!("{a}={l}")).collect();
        let outcome = c
            .resolved
            .map_or("tie: left out".to_string(), |l| format!("majority {l}"));
        println!("conflict {}: {} ({outcome})", c.id, votes.join(", "));
    }
    for (id, old, new) in &r.corpus_disagreements {
        println!("already in the corpus as {old}, now labelled {new}: {id} (corpus row kept)");
    }
    println!(
        "added {} row(s) ({} from a random slice), {} already in the corpus, {} tie(s) left out; \
         {} now holds {} row(s)",
        r.added,
        r.added_random_slice,
        r.already_in_corpus,
        r.ties().len(),
        a.out.display(),
        r.corpus_rows
    );
    Ok(super::EXIT_OK)
}
