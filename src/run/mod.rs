//! The `classify` batch job: read → route → classify → rows → emit, with accounting.
//!
//! Inputs are streamed in chunks. Each record is either rejected (with a reason), skipped
//! (already classified by this model, or a repeat within the input), left to another shard, or
//! classified; `records_read = predictions + rejected + skipped + outside_shard` always holds
//! and is written to the run manifest. Chunks are committed to the dataset as they complete
//! (by a writer thread, so Parquet encoding overlaps inference); a kill loses at most the chunk
//! in flight, and the next run cleans it up.
//!
//! - [`settings`]: what the run is asked to do, and `validate()` for how settings combine
//! - `route`: one chunk's items → documents, rejects, or skips (shard, existing keys, repeats)
//! - `rows`: classified documents → prediction and sentence rows
//! - `emit`: rows → JSON lines, or frames for the dataset writer thread
//! - `manifest`: the run manifest; [`summary`]: counts and the summary line

mod emit;
mod manifest;
mod route;
mod rows;
pub mod settings;
pub mod summary;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::classify::{classify_with_memo, ClassifyError, DocResult, Statement, Work};
use crate::input::{self, ChunkReader};
use crate::labels::Label;
use crate::language::Lang;
use crate::memo::Memo;
use crate::model::Routes;
use crate::output::dataset::{AbandonedRun, DatasetError};
use crate::output::{DatasetWriter, ExistingKeys, PassthroughTypes, RowContext};
use crate::report::Reporter;

use emit::Sink;
use manifest::InputInfo;
use route::{InputNames, Router};

pub use settings::{Granularity, OutputTarget, RunSettings, Shard};
pub use summary::{new_run_id, not_utf8_note, summary_line, Counts, NotUtf8Input, RunSummary};

/// Errors that abort a run (per-record problems are rejects, not errors).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// An input could not be opened or read as a whole.
    #[error(transparent)]
    Input(#[from] input::InputError),
    /// The dataset could not be written.
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    /// The model failed.
    #[error(transparent)]
    Model(#[from] crate::model::ModelError),
    /// Polars could not build a table.
    #[error("cannot build the {table} table")]
    Frame {
        /// Which table.
        table: &'static str,
        /// Polars' error.
        #[source]
        source: polars::error::PolarsError,
    },
    /// Writing the JSON stream failed (e.g. a closed pipe).
    #[error("cannot write to stdout")]
    Stdout(#[source] std::io::Error),
    /// Settings that cannot work together.
    #[error("{0}")]
    Settings(String),
    /// The writer thread died.
    #[error("the dataset writer stopped unexpectedly")]
    Writer,
}

/// Running totals of a run.
#[derive(Default)]
struct Tally {
    counts: Counts,
    labels: BTreeMap<String, u64>,
    rules: BTreeMap<String, u64>,
    work: Work,
    types: PassthroughTypes,
    interrupted: bool,
    /// Each model's memo of the units it read in this run, by model sha256.
    memos: BTreeMap<String, Memo>,
}

/// Runs a classify job; each statement is read by the model `routes` gives its language.
pub fn run(
    settings: &RunSettings,
    routes: &Routes,
    reporter: &dyn Reporter,
    cancel: &AtomicBool,
    stdout: &mut dyn Write,
) -> Result<RunSummary, RunError> {
    let started = Instant::now();
    let now = Utc::now();
    let mut settings = settings.clone();
    settings.validate().map_err(RunError::Settings)?;
    let settings = &settings;
    let run_id = settings
        .run_id
        .clone()
        .unwrap_or_else(|| new_run_id(now, settings.shard));
    let ctx = RowContext {
        model: routes.id_for(Lang::En),
        chinese_model: routes.is_routed().then(|| routes.id_for(Lang::Zh)),
        run_id: run_id.clone(),
        classified_at: now,
    };
    let mut inputs = manifest::describe_inputs(settings)?;
    let mut readers = open_readers(settings)?;
    let (mut sink, abandoned, existing) = open_output(settings, routes, &run_id, now, stdout)?;
    let mut router = Router::new(settings, existing);
    let mut tally = Tally::default();
    let job = Job {
        settings,
        routes,
        reporter,
        cancel,
        ctx: &ctx,
    };
    reporter.begin("classifying", None);
    let outcome = process(
        &job,
        &mut readers,
        &mut inputs,
        &mut router,
        &mut sink,
        &mut tally,
    );
    reporter.end();
    let writer = sink.finish()?;
    if let Err(e) = outcome {
        if let Some(w) = &writer {
            w.discard_tmp();
        }
        return Err(e);
    }
    let mut summary = summarise(settings, run_id, tally, started, abandoned);
    summary.not_utf8 = inputs.iter().filter_map(|i| i.not_utf8_input()).collect();
    finish(settings, routes, summary, writer, &inputs, now)
}

fn open_readers(settings: &RunSettings) -> Result<Vec<Box<dyn ChunkReader>>, RunError> {
    let mut readers = Vec::new();
    for spec in &settings.inputs {
        readers.push(input::open(spec, &settings.columns)?);
    }
    Ok(readers)
}

/// The sink, the dead runs recovered, and what the dataset already holds. For a dataset:
/// recovers dead runs, learns which statements this model already classified, starts the
/// writer thread.
fn open_output<'a>(
    settings: &RunSettings,
    routes: &Routes,
    run_id: &str,
    now: DateTime<Utc>,
    stdout: &'a mut dyn Write,
) -> Result<(Sink<'a>, Vec<AbandonedRun>, ExistingKeys), RunError> {
    match &settings.output {
        OutputTarget::Dataset(root) => {
            let run_date = settings.run_date.unwrap_or_else(|| now.date_naive());
            let (w, abandoned) = DatasetWriter::open(root, run_id, run_date)?;
            let shas: Vec<String> = routes.ids().into_iter().map(|(id, _)| id.sha256).collect();
            let mut existing = ExistingKeys::load(root, &shas)?;
            if settings.reclassify {
                existing.predictions.clear();
            }
            Ok((Sink::dataset(w), abandoned, existing))
        }
        OutputTarget::Stdout => Ok((Sink::Stream(stdout), Vec::new(), ExistingKeys::default())),
    }
}

/// What stays fixed while a run reads its inputs.
struct Job<'a> {
    settings: &'a RunSettings,
    routes: &'a Routes,
    reporter: &'a dyn Reporter,
    cancel: &'a AtomicBool,
    ctx: &'a RowContext,
}

/// Reads every input chunk by chunk: route → classify → rows → emit.
fn process(
    job: &Job,
    readers: &mut [Box<dyn ChunkReader>],
    inputs: &mut [InputInfo],
    router: &mut Router,
    sink: &mut Sink,
    tally: &mut Tally,
) -> Result<(), RunError> {
    let Job {
        settings,
        reporter,
        cancel,
        ctx,
        ..
    } = *job;
    for (k, reader) in readers.iter_mut().enumerate() {
        let names = InputNames::of(&settings.inputs[k]);
        loop {
            if cancel.load(Ordering::Relaxed) {
                tally.interrupted = true;
                return Ok(());
            }
            let Some(chunk) = reader.next_chunk(settings.chunk_rows)? else {
                break;
            };
            let n_items = chunk.items.len() as u64;
            tally.counts.records_read += n_items;
            inputs[k].records_read += n_items;
            inputs[k].note_not_utf8(&chunk.items);
            let routed = router.route(chunk.items, &names, &mut tally.counts);
            let results = match classify(job, &routed.docs, tally) {
                Ok(r) => r,
                Err(ClassifyError::Interrupted) => {
                    tally.interrupted = true;
                    return Ok(());
                }
                Err(ClassifyError::Model(e)) => return Err(e.into()),
            };
            let mut routed = routed;
            let docs = std::mem::take(&mut routed.docs);
            let rows = rows::build_rows(
                docs,
                results,
                settings.needs_sentence_rows(),
                &mut tally.labels,
                &mut tally.rules,
            );
            tally.counts.predictions += rows.predictions.len() as u64;
            tally.counts.sentences += rows.sentences.len() as u64;
            reporter.advance(n_items);
            sink.emit(
                settings,
                &routed,
                &rows,
                ctx,
                chunk.frame.as_ref(),
                &mut tally.types,
            )?;
        }
    }
    Ok(())
}

/// Classifies a chunk's documents, each language group with its own model (and that model's
/// memo), results in the documents' order.
fn classify(
    job: &Job,
    docs: &[route::Doc],
    tally: &mut Tally,
) -> Result<Vec<DocResult>, ClassifyError> {
    let Job {
        settings,
        routes,
        cancel,
        ..
    } = *job;
    let langs: Vec<Lang> = docs.iter().map(|d| d.lang).collect();
    let mut out: Vec<Option<DocResult>> = (0..docs.len()).map(|_| None).collect();
    for (lang, idx) in routes.partition(&langs) {
        let model = routes.model_for(lang)?;
        let statements: Vec<Statement> = idx
            .iter()
            .map(|&i| Statement::new(&docs[i].record.text, docs[i].record.actor.as_deref()))
            .collect();
        let memo = tally
            .memos
            .entry(model.info.sha256.clone())
            .or_insert_with(|| settings.classifier.memo());
        let (results, w) =
            classify_with_memo(model, &statements, &settings.classifier, cancel, memo)?;
        tally.work.add(&w);
        for (i, r) in idx.into_iter().zip(results) {
            out[i] = Some(r);
        }
    }
    Ok(out.into_iter().flatten().collect())
}

fn summarise(
    settings: &RunSettings,
    run_id: String,
    mut tally: Tally,
    started: Instant,
    abandoned_runs: Vec<AbandonedRun>,
) -> RunSummary {
    tally.counts.passthrough_nulls = tally.types.coerced_to_null;
    for l in Label::ALL {
        tally.labels.entry(l.as_str().to_string()).or_insert(0);
    }
    let reject_rate_exceeded = tally.counts.reject_rate() > settings.max_reject_rate;
    RunSummary {
        run_id,
        counts: tally.counts,
        labels: tally.labels,
        rules: tally.rules,
        work: tally.work,
        elapsed_s: started.elapsed().as_secs_f64(),
        manifest: None,
        interrupted: tally.interrupted,
        reject_rate_exceeded,
        abandoned_runs,
        not_utf8: Vec::new(),
    }
}

/// Writes the run manifest (dataset output) and returns the summary.
fn finish(
    settings: &RunSettings,
    routes: &Routes,
    mut summary: RunSummary,
    writer: Option<DatasetWriter>,
    inputs: &[InputInfo],
    now: DateTime<Utc>,
) -> Result<RunSummary, RunError> {
    if let Some(w) = writer {
        let m = manifest::run_manifest(settings, routes, &summary, inputs, now, &w);
        summary.manifest = Some(w.finish(&m)?);
    }
    Ok(summary)
}

/// True if `dir` looks like it holds a dataset (for CLI checks).
pub fn is_dataset(dir: &Path) -> bool {
    dir.join("predictions").is_dir() || dir.join("_runs").is_dir()
}
