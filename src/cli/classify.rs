//! `stance classify`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use strait_stance::batch::BatchLimits;
use strait_stance::classify::{ClassifierSettings, Segmentation};
use strait_stance::input::{ColumnMap, Format, InputSpec};
use strait_stance::model::{default_model_dir, EngineKind, LoadOptions, Precision, StanceModel};
use strait_stance::report::{Reporter, Silent};
use strait_stance::run::{self, Granularity, OutputTarget, RunSettings, Shard};

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
    /// Model folder (Hugging Face checkpoint + manifest). Default: $STANCE_MODEL, else the shipped models/stance-minilm-v1.
    #[arg(long, value_name = "DIR")]
    model: Option<PathBuf>,
    /// Column holding the statement text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    text_col: String,
    /// Column holding a stable statement id (else one is derived from the text hash).
    #[arg(long, default_value = "id", value_name = "NAME")]
    id_col: String,
    /// Column holding the statement date.
    #[arg(long, default_value = "date", value_name = "NAME")]
    date_col: String,
    /// Column holding the actor (government, party, body).
    #[arg(long, default_value = "actor", value_name = "NAME")]
    actor_col: String,
    /// Column holding the speaker.
    #[arg(long, default_value = "speaker", value_name = "NAME")]
    speaker_col: String,
    /// Column holding the source document.
    #[arg(long, default_value = "source", value_name = "NAME")]
    source_col: String,
    /// Longest unit (sentence or window) in tokens, specials included. Default: the model's limit, capped at 256.
    #[arg(long, value_name = "N")]
    max_tokens: Option<usize>,
    /// Most sequences per batch.
    #[arg(long, default_value_t = 64, value_name = "N")]
    batch_size: usize,
    /// Most padded tokens (rows × length) per batch.
    #[arg(long, default_value_t = 8192, value_name = "N")]
    max_batch_tokens: usize,
    /// libtorch threads (default: all cores). Set it when several workers share a machine.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Records per chunk: the unit of length sorting and of commit (a kill loses at most one chunk).
    #[arg(long, default_value_t = 4096, value_name = "N")]
    chunk_rows: usize,
    /// Classify statements even if this model already classified them in the dataset.
    #[arg(long)]
    reclassify: bool,
    /// Handle only shard K of N (0-based), split by text hash: N workers cover the input once.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Exit with code 3 (after committing) when rejected/read exceeds this.
    #[arg(long, default_value_t = 0.05, value_name = "RATE")]
    max_reject_rate: f64,
    /// What the predictions table holds: one row per document or per sentence.
    #[arg(long, value_enum, default_value_t)]
    granularity: Granularity,
    /// Do not write the sentences table.
    #[arg(long)]
    no_sentences: bool,
    /// How documents are cut: sentences rolled up per document, or the whole text truncated.
    #[arg(long, value_enum, default_value_t)]
    segmentation: Segmentation,
    /// In segmented documents, the probability a sentence's top stance label needs to decide
    /// the document.
    #[arg(long, default_value_t = strait_stance::classify::DEFAULT_MIN_STANCE_CONFIDENCE, value_name = "P")]
    min_stance_confidence: f32,
    /// Arithmetic of the encoder's linear layers.
    #[arg(long, value_enum, default_value_t)]
    precision: Precision,
    /// Forward-pass implementation.
    #[arg(long, value_enum, default_value_t)]
    engine: EngineKind,
    /// Load a model folder that has no manifest.json (its files cannot be verified).
    #[arg(long)]
    allow_unverified_model: bool,
    /// Partition date for the output (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    run_date: Option<chrono::NaiveDate>,
    /// No progress bar and no summary line.
    #[arg(long, short)]
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

/// Runs `stance classify`.
pub fn run(a: Args) -> Result<i32> {
    let stream = a.out.as_os_str() == "-";
    let mut inputs = Vec::new();
    for p in &a.inputs {
        inputs.push(check_input(p)?);
    }
    if inputs.iter().filter(|s| s.path.is_none()).count() > 1 {
        bail!("stdin (-) can be read only once");
    }
    if !(0.0..=1.0).contains(&a.max_reject_rate) {
        bail!("--max-reject-rate must be between 0 and 1");
    }
    if a.batch_size == 0 || a.chunk_rows == 0 {
        bail!("--batch-size and --chunk-rows must be at least 1");
    }
    let threads = super::set_threads(a.threads);

    // Signals: the first SIGINT/SIGTERM stops at the next batch boundary; a second SIGINT
    // exits at once.
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

    let model_dir = a.model.clone().unwrap_or_else(default_model_dir);
    let t0 = std::time::Instant::now();
    let model = StanceModel::load(
        &model_dir,
        &LoadOptions {
            precision: a.precision,
            engine: a.engine,
            allow_unverified: a.allow_unverified_model,
        },
    )
    .with_context(|| format!("cannot load the model in {}", model_dir.display()))?;
    let load_s = t0.elapsed().as_secs_f64();
    let max_tokens = a.max_tokens.unwrap_or(256).min(model.info.max_positions);
    if max_tokens < 8 {
        bail!("--max-tokens must be at least 8");
    }

    let settings = RunSettings {
        inputs: inputs.clone(),
        columns: ColumnMap {
            text: a.text_col,
            id: a.id_col,
            date: a.date_col,
            actor: a.actor_col,
            speaker: a.speaker_col,
            source: a.source_col,
        },
        output: if stream {
            OutputTarget::Stdout
        } else {
            OutputTarget::Dataset(a.out.clone())
        },
        classifier: ClassifierSettings {
            max_tokens,
            limits: BatchLimits {
                max_rows: a.batch_size,
                max_tokens: a.max_batch_tokens,
            },
            window_overlap: (max_tokens / 8).max(4),
            // Sentence rows need every sentence classified.
            segmentation: if a.granularity == Granularity::Sentence
                && a.segmentation == Segmentation::Auto
            {
                Segmentation::Sentences
            } else {
                a.segmentation
            },
            min_stance_confidence: a.min_stance_confidence,
        },
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
    let mut stdout = std::io::stdout().lock();
    let summary =
        run::run(&settings, &model, &reporter, &cancel, &mut stdout).context("classify failed")?;
    drop(stdout);
    if !a.quiet {
        eprintln!(
            "{} (model {} loaded in {:.2}s)",
            run::summary_line(&summary),
            model.info.name,
            load_s
        );
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
    if summary.interrupted {
        eprintln!("error: interrupted; committed chunks are kept, rerun to finish");
        return Ok(if term.load(Ordering::Relaxed) {
            super::EXIT_SIGTERM
        } else {
            super::EXIT_SIGINT
        });
    }
    if summary.reject_rate_exceeded {
        eprintln!(
            "error: {:.1}% of records were rejected (limit {:.1}%); good rows and rejects were committed — see the rejects table",
            100.0 * summary.counts.reject_rate(),
            100.0 * a.max_reject_rate
        );
        return Ok(super::EXIT_REJECT_RATE);
    }
    Ok(super::EXIT_OK)
}
