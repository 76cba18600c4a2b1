//! `stance classify`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use strait_stance::defaults;
use strait_stance::input::{ColumnMap, Format, InputSpec};
use strait_stance::report::{Reporter, Silent};
use strait_stance::run::{self, Granularity, OutputTarget, RunSettings, Shard};

use super::common::{settings_error, ClassifierArgs, ModelArgs};
use super::progress::Bars;

/// Arguments of `stance classify`.
#[derive(clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    /// Input files (.jsonl/.ndjson, .csv, .parquet; format from the extension), or - for JSONL on stdin.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Output dataset folder (created if missing), or - for JSON lines on stdout.
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    classifier: ClassifierArgs,
    /// Column holding the statement text.
    #[arg(
        long,
        default_value = defaults::TEXT_COL,
        value_name = "NAME",
        help_heading = "Input columns"
    )]
    text_col: String,
    /// Column holding a stable statement id (else one is derived from the text hash).
    #[arg(
        long,
        default_value = defaults::ID_COL,
        value_name = "NAME",
        help_heading = "Input columns"
    )]
    id_col: String,
    /// Column holding the statement date.
    #[arg(
        long,
        default_value = defaults::DATE_COL,
        value_name = "NAME",
        help_heading = "Input columns"
    )]
    date_col: String,
    /// Column holding the actor (government, party, body).
    #[arg(
        long,
        default_value = defaults::ACTOR_COL,
        value_name = "NAME",
        help_heading = "Input columns"
    )]
    actor_col: String,
    /// Column holding the speaker.
    #[arg(
        long,
        default_value = defaults::SPEAKER_COL,
        value_name = "NAME",
        help_heading = "Input columns"
    )]
    speaker_col: String,
    /// Column holding the source document.
    #[arg(
        long,
        default_value = defaults::SOURCE_COL,
        value_name = "NAME",
        help_heading = "Input columns"
    )]
    source_col: String,
    /// libtorch threads (default: all cores). Set it when several workers share a machine.
    #[arg(long, value_name = "N", help_heading = "Run")]
    threads: Option<usize>,
    /// Records per chunk: the unit of length sorting and of commit (a kill loses at most one chunk).
    #[arg(long, default_value_t = defaults::CHUNK_ROWS, value_name = "N", help_heading = "Run")]
    chunk_rows: usize,
    /// Classify statements even if this model already classified them in the dataset.
    #[arg(long, help_heading = "Run")]
    reclassify: bool,
    /// Handle only shard K of N (0-based), split by text hash: N workers cover the input once.
    #[arg(long, value_name = "K/N", help_heading = "Run")]
    shard: Option<Shard>,
    /// Exit with code 3 (after committing) when rejected/read exceeds this.
    #[arg(
        long,
        default_value_t = defaults::MAX_REJECT_RATE,
        value_name = "RATE",
        help_heading = "Run"
    )]
    max_reject_rate: f64,
    /// What the predictions table holds: one row per document or per sentence.
    #[arg(long, value_enum, default_value_t, help_heading = "Run")]
    granularity: Granularity,
    /// Do not write the sentences table.
    #[arg(long, help_heading = "Run")]
    no_sentences: bool,
    /// Partition date for the output (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", help_heading = "Run")]
    run_date: Option<chrono::NaiveDate>,
    /// No progress bar and no summary line.
    #[arg(long, short, help_heading = "Run")]
    quiet: bool,
}

const EXAMPLES: &str = "Examples:
  stance classify datasets/samples/statements.jsonl --out out/
  stance classify statements.csv --text-col body --id-col doc_id --out out/
  cat new.jsonl | stance classify - --out - > labelled.jsonl
  stance classify big.parquet --shard 0/4 --threads 2 --out out/";

/// Counts records for the progress bar's ETA (files only).
fn estimate_records(spec: &InputSpec) -> Option<u64> {
    let path = spec.path.as_ref()?;
    match spec.format {
        Format::Jsonl | Format::Csv => {
            let mut f = std::fs::File::open(path).ok()?;
            let mut buf = vec![0u8; 1 << 20];
            let mut lines = 0u64;
            let mut last = b'\n';
            loop {
                let n = f.read(&mut buf).ok()?;
                if n == 0 {
                    break;
                }
                lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
                last = buf[n - 1];
            }
            if last != b'\n' {
                lines += 1;
            }
            Some(if spec.format == Format::Csv {
                lines.saturating_sub(1)
            } else {
                lines
            })
        }
        Format::Parquet => {
            use polars::prelude::*;
            let f = std::fs::File::open(path).ok()?;
            ParquetReader::new(f).num_rows().ok().map(|n| n as u64)
        }
    }
}

struct Progress<'a> {
    inner: &'a dyn Reporter,
    total: Option<u64>,
}

impl Reporter for Progress<'_> {
    fn begin(&self, phase: &str, _total: Option<u64>) {
        self.inner.begin(phase, self.total)
    }
    fn advance(&self, n: u64) {
        self.inner.advance(n)
    }
    fn message(&self, m: &str) {
        self.inner.message(m)
    }
    fn warn(&self, m: &str) {
        self.inner.warn(m)
    }
    fn end(&self) {
        self.inner.end()
    }
}

fn check_input(p: &Path) -> Result<InputSpec> {
    let spec = InputSpec::parse(p)?;
    if let Some(path) = &spec.path {
        if !path.is_file() {
            bail!("input {} does not exist or is not a file", path.display());
        }
    }
    Ok(spec)
}

/// The signal flags: `cancel` stops at the next batch boundary (first SIGINT/SIGTERM; a second
/// SIGINT exits at once), `term` remembers that SIGTERM was the cause.
fn install_signals() -> Result<(Arc<AtomicBool>, Arc<AtomicBool>)> {
    let cancel = Arc::new(AtomicBool::new(false));
    let term = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register_conditional_shutdown(
        signal_hook::consts::SIGINT,
        super::EXIT_SIGINT,
        cancel.clone(),
    )?;
    signal_hook::flag::register(signal_hook::consts::SIGINT, cancel.clone())?;
    signal_hook::flag::register(signal_hook::consts::SIGTERM, cancel.clone())?;
    signal_hook::flag::register(signal_hook::consts::SIGTERM, term.clone())?;
    Ok((cancel, term))
}

/// The library's run settings from the arguments.
fn run_settings(
    a: &Args,
    inputs: Vec<InputSpec>,
    classifier: strait_stance::classify::ClassifierSettings,
    threads: usize,
) -> Result<RunSettings> {
    let mut settings = RunSettings {
        inputs,
        columns: ColumnMap {
            text: a.text_col.clone(),
            id: a.id_col.clone(),
            date: a.date_col.clone(),
            actor: a.actor_col.clone(),
            speaker: a.speaker_col.clone(),
            source: a.source_col.clone(),
        },
        output: if a.out.as_os_str() == "-" {
            OutputTarget::Stdout
        } else {
            OutputTarget::Dataset(a.out.clone())
        },
        classifier,
        chunk_rows: a.chunk_rows,
        reclassify: a.reclassify,
        shard: a.shard,
        max_reject_rate: a.max_reject_rate,
        granularity: a.granularity,
        write_sentences: !a.no_sentences,
        run_id: None,
        run_date: a.run_date,
        threads,
    };
    // All rules about how settings combine live in the library.
    settings.validate().map_err(settings_error)?;
    Ok(settings)
}

/// The summary line, the manifest path and recovered runs (unless quiet).
fn print_summary(summary: &run::RunSummary, model: &str, load_s: f64) {
    eprintln!(
        "{} (model {model} loaded in {load_s:.2}s)",
        run::summary_line(summary)
    );
    for n in &summary.not_utf8 {
        eprintln!("warning: {}", run::not_utf8_note(n));
    }
    if let Some(m) = &summary.manifest {
        eprintln!("run manifest: {}", m.display());
    }
    for ab in &summary.abandoned_runs {
        eprintln!(
            "recovered interrupted run {}: kept {} committed chunk(s), removed {} partial file(s)",
            ab.run_id,
            ab.committed_chunks,
            ab.removed_parts.len()
        );
    }
}

/// The exit code: interrupted (by which signal), too many rejects, or success.
fn exit_code(summary: &run::RunSummary, term: &AtomicBool, max_reject_rate: f64) -> i32 {
    if summary.interrupted {
        eprintln!("error: interrupted; committed chunks are kept, rerun to finish");
        return if term.load(Ordering::Relaxed) {
            super::EXIT_SIGTERM
        } else {
            super::EXIT_SIGINT
        };
    }
    if summary.reject_rate_exceeded {
        eprintln!(
            "error: {:.1}% of records were rejected (limit {:.1}%); good rows and rejects were committed — see the rejects table",
            100.0 * summary.counts.reject_rate(),
            100.0 * max_reject_rate
        );
        return super::EXIT_REJECT_RATE;
    }
    super::EXIT_OK
}

/// Runs `stance classify`.
pub fn run(a: Args) -> Result<i32> {
    let inputs = a
        .inputs
        .iter()
        .map(|p| check_input(p))
        .collect::<Result<Vec<_>>>()?;
    let threads = super::set_threads(a.threads);
    // Settings that cannot work together fail before the model loads.
    let guess = a.classifier.settings_capped(usize::MAX)?;
    run_settings(&a, inputs.clone(), guess, threads)?;
    let (cancel, term) = install_signals()?;
    let (routes, load_s, route_warning) = a.model.load_routes()?;
    let model = routes.primary();
    let classifier = a.classifier.settings(model)?;
    let settings = run_settings(&a, inputs.clone(), classifier, threads)?;
    let bars = Bars::new(a.quiet, "statements");
    let silent = Silent;
    let inner: &dyn Reporter = if a.quiet { &silent } else { &bars };
    let total = if a.quiet {
        None
    } else {
        inputs.iter().map(estimate_records).sum::<Option<u64>>()
    };
    let reporter = Progress { inner, total };
    for t in &model.info.unused_tensors {
        reporter.warn(&format!("checkpoint tensor {t} is not used by the model"));
    }
    if let Some(w) = &route_warning {
        reporter.warn(w);
    }
    let mut stdout = std::io::stdout().lock();
    let summary =
        run::run(&settings, &routes, &reporter, &cancel, &mut stdout).context("classify failed")?;
    drop(stdout);
    if !a.quiet {
        print_summary(&summary, &routes.describe(), load_s);
    }
    Ok(exit_code(&summary, &term, a.max_reject_rate))
}
