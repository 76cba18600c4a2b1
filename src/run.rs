//! The `classify` batch job: read → classify → write, with accounting.
//!
//! Inputs are streamed in chunks. Each record is either rejected (with a reason), skipped
//! (already classified by this model, or a repeat within the input), left to another shard, or
//! classified; `records_read = predictions + rejected + skipped + outside_shard` always holds
//! and is written to the run manifest. Chunks are committed to the dataset as they complete
//! (by a writer thread, so Parquet encoding overlaps inference); a kill loses at most the chunk
//! in flight, and the next run cleans it up.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use polars::prelude::DataFrame;
use serde::Serialize;

use crate::classify::{classify_documents, ClassifierSettings, ClassifyError, Work};
use crate::input::{self, ColumnMap, InputSpec, Item, Reject, Stage};
use crate::labels::{Label, NUM_LABELS};
use crate::model::manifest::{sha256_file, sha256_hex};
use crate::model::StanceModel;
use crate::output::dataset::{prediction_key, AbandonedRun, DatasetError};
use crate::output::frames::{
    predictions_frame, rejects_frame, sentences_frame, RejectRow, RowContext, SentenceRow,
};
use crate::output::stream;
use crate::output::{DatasetWriter, ExistingKeys, PassthroughTypes, PredictionRow};
use crate::report::Reporter;
use crate::segment::char_offset;

/// Where results go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputTarget {
    /// A Parquet dataset folder.
    Dataset(PathBuf),
    /// JSON lines on stdout, one per input line, in order.
    Stdout,
}

/// What the `predictions` table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    /// One row per document (sentences go to the `sentences` table).
    #[default]
    Document,
    /// One row per sentence.
    Sentence,
}

/// `--shard K/N`: this worker handles texts whose hash falls in bucket K of N (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Shard {
    /// This worker's bucket, `0..count`.
    pub index: u32,
    /// Number of workers.
    pub count: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("shard {s:?} is not K/N (e.g. 0/4)"))?;
        let index: u32 = k
            .trim()
            .parse()
            .map_err(|_| format!("bad shard index {k:?}"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("bad shard count {n:?}"))?;
        if count == 0 || index >= count {
            return Err(format!(
                "shard {index}/{count}: need 0 <= K < N (shards are numbered from 0)"
            ));
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether a hex sha256 falls in this shard.
    pub fn owns(&self, sha_hex: &str) -> bool {
        let prefix = u64::from_str_radix(&sha_hex[..16.min(sha_hex.len())], 16).unwrap_or(0);
        prefix % u64::from(self.count) == u64::from(self.index)
    }
}

/// Settings of one classify run.
#[derive(Debug, Clone)]
pub struct RunSettings {
    /// Inputs, read in order.
    pub inputs: Vec<InputSpec>,
    /// Column names.
    pub columns: ColumnMap,
    /// Destination.
    pub output: OutputTarget,
    /// Document classifier settings.
    pub classifier: ClassifierSettings,
    /// Records per chunk (the unit of commit and of length-sorting).
    pub chunk_rows: usize,
    /// Classify even statements already in the dataset.
    pub reclassify: bool,
    /// Shard of the input this worker handles.
    pub shard: Option<Shard>,
    /// Rejected / read above which the run reports failure (exit code 3).
    pub max_reject_rate: f64,
    /// What `predictions` holds.
    pub granularity: Granularity,
    /// Write the `sentences` table.
    pub write_sentences: bool,
    /// Overrides the run id (tests).
    pub run_id: Option<String>,
    /// Overrides the partition date (tests, backfills).
    pub run_date: Option<NaiveDate>,
    /// libtorch intra-op threads used (recorded in the manifest).
    pub threads: usize,
}

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

/// Counts, for the summary line and the run manifest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    /// Records read from all inputs.
    pub records_read: u64,
    /// Predictions written (documents).
    pub predictions: u64,
    /// Sentence rows written.
    pub sentences: u64,
    /// Records rejected in this run.
    pub rejected: u64,
    /// … of which were already in the rejects table (not written again).
    pub rejects_already_recorded: u64,
    /// Records skipped because this model already classified them in this dataset.
    pub skipped_existing: u64,
    /// Records skipped because the same statement came earlier in this run.
    pub skipped_duplicate: u64,
    /// Records left to other shards.
    pub outside_shard: u64,
    /// Records kept with a warning (e.g. unparseable date stored as null).
    pub warnings: u64,
    /// Passthrough values that did not fit their column type and were stored as null.
    pub passthrough_nulls: u64,
}

impl Counts {
    /// Records not classified because they were already done.
    pub fn skipped(&self) -> u64 {
        self.skipped_existing + self.skipped_duplicate
    }

    /// Rejected / read.
    pub fn reject_rate(&self) -> f64 {
        if self.records_read == 0 {
            0.0
        } else {
            self.rejected as f64 / self.records_read as f64
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// The run id.
    pub run_id: String,
    /// Counts.
    pub counts: Counts,
    /// Predictions per label.
    pub labels: BTreeMap<String, u64>,
    /// Work done by the model.
    pub work: Work,
    /// Seconds from start to end.
    pub elapsed_s: f64,
    /// The run manifest, for dataset output.
    pub manifest: Option<PathBuf>,
    /// Stopped by SIGINT/SIGTERM.
    pub interrupted: bool,
    /// Above `--max-reject-rate`.
    pub reject_rate_exceeded: bool,
    /// Runs that had died and were cleaned up.
    pub abandoned_runs: Vec<AbandonedRun>,
}

impl RunSummary {
    /// Classified statements per second of wall time.
    pub fn statements_per_s(&self) -> f64 {
        if self.elapsed_s > 0.0 {
            self.counts.predictions as f64 / self.elapsed_s
        } else {
            0.0
        }
    }
}

/// A fresh run id: UTC time plus randomness, so concurrent workers never collide.
pub fn new_run_id(now: DateTime<Utc>, shard: Option<Shard>) -> String {
    let r: u32 = rand::random();
    let base = format!("{}-{r:08x}", now.format("%Y%m%dT%H%M%SZ"));
    match shard {
        Some(s) => format!("{base}-s{}of{}", s.index, s.count),
        None => base,
    }
}

fn short_hash(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// Input file facts for the manifest.
#[derive(Debug, Clone, Serialize)]
struct InputInfo {
    path: String,
    format: input::Format,
    bytes: Option<u64>,
    sha256: Option<String>,
    records_read: u64,
}

struct Chunk {
    predictions: DataFrame,
    sentences: DataFrame,
    rejects: DataFrame,
}

/// Runs a classify job.
pub fn run(
    settings: &RunSettings,
    model: &StanceModel,
    reporter: &dyn Reporter,
    cancel: &AtomicBool,
    stdout: &mut dyn Write,
) -> Result<RunSummary, RunError> {
    let started = Instant::now();
    let now = Utc::now();
    let stream_mode = settings.output == OutputTarget::Stdout;
    if stream_mode && settings.shard.is_some() {
        return Err(RunError::Settings(
            "--shard needs a dataset output: with --out - every input line gets an output line"
                .into(),
        ));
    }
    let run_id = settings
        .run_id
        .clone()
        .unwrap_or_else(|| new_run_id(now, settings.shard));
    let run_date = settings.run_date.unwrap_or_else(|| now.date_naive());
    let ctx = RowContext {
        model: model.info.name.clone(),
        model_sha256: model.info.sha256.clone(),
        run_id: run_id.clone(),
        classified_at: now,
    };

    // Inputs: hash files up front (the manifest records exactly what was read) and check
    // they open before anything is written.
    let mut inputs = Vec::new();
    for spec in &settings.inputs {
        let (bytes, sha256) = match &spec.path {
            Some(p) => {
                let (sha, size) = sha256_file(p).map_err(|source| input::InputError::Io {
                    path: p.clone(),
                    source,
                })?;
                (Some(size), Some(sha))
            }
            None => (None, None),
        };
        inputs.push(InputInfo {
            path: spec.display_name(),
            format: spec.format,
            bytes,
            sha256,
            records_read: 0,
        });
    }
    let mut readers = Vec::new();
    for spec in &settings.inputs {
        readers.push(input::open(spec, &settings.columns)?);
    }

    // Dataset: recover dead runs, learn what is already there, start the writer thread.
    let (writer, abandoned, existing) = match &settings.output {
        OutputTarget::Dataset(root) => {
            let (w, abandoned) = DatasetWriter::open(root, &run_id, run_date)?;
            let mut existing = ExistingKeys::load(root, &model.info.sha256)?;
            if settings.reclassify {
                existing.predictions.clear();
            }
            (Some(w), abandoned, existing)
        }
        OutputTarget::Stdout => (None, Vec::new(), ExistingKeys::default()),
    };
    let (tx, rx) = crossbeam_channel::bounded::<Chunk>(2);
    let writer_thread = writer.map(|mut w| {
        std::thread::spawn(move || -> Result<DatasetWriter, DatasetError> {
            for mut c in rx {
                w.commit(&mut [
                    ("sentences", std::mem::take(&mut c.sentences)),
                    ("rejects", std::mem::take(&mut c.rejects)),
                    ("predictions", std::mem::take(&mut c.predictions)),
                ])?;
            }
            Ok(w)
        })
    });

    let mut counts = Counts::default();
    let mut labels: BTreeMap<String, u64> = Label::ALL
        .iter()
        .map(|l| (l.as_str().to_string(), 0))
        .collect();
    let mut work = Work::default();
    let mut types = PassthroughTypes::default();
    let mut run_keys: HashSet<[u8; 16]> = HashSet::new();
    let mut id_texts: HashMap<u64, u64> = HashMap::new();
    let mut interrupted = false;
    let mut failure: Option<RunError> = None;
    reporter.begin("classifying", None);

    'inputs: for (k, reader) in readers.iter_mut().enumerate() {
        let spec = &settings.inputs[k];
        let input_name = spec.display_name();
        // Reject keys use the canonical path, so reruns from another folder still match.
        let input_key = spec
            .path
            .as_ref()
            .and_then(|p| p.canonicalize().ok())
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "-".into());
        loop {
            if cancel.load(Ordering::Relaxed) {
                interrupted = true;
                break 'inputs;
            }
            let chunk = match reader.next_chunk(settings.chunk_rows) {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    failure = Some(e.into());
                    break 'inputs;
                }
            };
            let n_items = chunk.items.len() as u64;
            counts.records_read += n_items;
            inputs[k].records_read += n_items;

            // Route each item. `slots` keeps input order for the JSON stream.
            enum Slot {
                Pred(usize),
                Rej(usize),
            }
            let mut slots = Vec::with_capacity(chunk.items.len());
            let mut docs: Vec<Box<input::Record>> = Vec::new();
            let mut doc_meta: Vec<(String, String)> = Vec::new(); // (id, text_sha256)
            let mut rejects: Vec<RejectRow> = Vec::new();
            let reject = |r: Reject, rejects: &mut Vec<RejectRow>, counts: &mut Counts| {
                let key = sha256_hex(
                    format!("{input_key}\x1f{}\x1f{}", r.ordinal, sha256_hex(&r.raw)).as_bytes(),
                );
                if let Some(s) = settings.shard {
                    if !s.owns(&key) {
                        counts.outside_shard += 1;
                        return None;
                    }
                }
                counts.rejected += 1;
                if !stream_mode && existing.rejects.contains(&key) {
                    counts.rejects_already_recorded += 1;
                    return None;
                }
                rejects.push(RejectRow {
                    input_path: input_name.clone(),
                    key,
                    reject: r,
                });
                Some(rejects.len() - 1)
            };
            for item in chunk.items {
                match item {
                    Item::Reject(r) => {
                        if let Some(i) = reject(r, &mut rejects, &mut counts) {
                            slots.push(Slot::Rej(i));
                        }
                    }
                    Item::Record(rec) => {
                        let text_sha = sha256_hex(rec.text.as_bytes());
                        if let Some(s) = settings.shard {
                            if !s.owns(&text_sha) {
                                counts.outside_shard += 1;
                                continue;
                            }
                        }
                        if let Some(id) = &rec.id {
                            let text_h = short_hash(&text_sha);
                            match id_texts.get(&short_hash(id)) {
                                Some(h) if *h != text_h => {
                                    let msg = format!(
                                        "id {id:?} was already used for a different text earlier in this run"
                                    );
                                    let r = Reject::new(
                                        rec.ordinal,
                                        rec.byte_offset,
                                        Stage::Validate,
                                        "duplicate_id",
                                        msg,
                                        Some(&settings.columns.id),
                                        &rec.raw,
                                    );
                                    if let Some(i) = reject(r, &mut rejects, &mut counts) {
                                        slots.push(Slot::Rej(i));
                                    }
                                    continue;
                                }
                                Some(_) => {}
                                None => {
                                    id_texts.insert(short_hash(id), text_h);
                                }
                            }
                        }
                        let id = rec
                            .id
                            .clone()
                            .unwrap_or_else(|| format!("sha-{}", &text_sha[..16]));
                        if !stream_mode {
                            let key = prediction_key(&id, &text_sha);
                            if existing.predictions.contains(&key) {
                                counts.skipped_existing += 1;
                                continue;
                            }
                            if !run_keys.insert(key) {
                                counts.skipped_duplicate += 1;
                                continue;
                            }
                        }
                        if rec.warning.is_some() {
                            counts.warnings += 1;
                        }
                        slots.push(Slot::Pred(docs.len()));
                        doc_meta.push((id, text_sha));
                        docs.push(rec);
                    }
                }
            }

            // Classify.
            let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
            let results = if texts.is_empty() {
                Vec::new()
            } else {
                match classify_documents(model, &texts, &settings.classifier, cancel) {
                    Ok((r, w)) => {
                        work.add(&w);
                        r
                    }
                    Err(ClassifyError::Interrupted) => {
                        interrupted = true;
                        break 'inputs;
                    }
                    Err(ClassifyError::Model(e)) => {
                        failure = Some(e.into());
                        break 'inputs;
                    }
                }
            };

            // Rows.
            let mut pred_rows = Vec::with_capacity(docs.len());
            let mut sent_rows = Vec::new();
            for ((doc, (id, sha)), res) in docs.into_iter().zip(doc_meta).zip(results) {
                let doc = *doc;
                let text = &doc.text;
                // Char offsets, computed incrementally (long documents have many sentences).
                let mut last_byte = 0usize;
                let mut last_char = 0usize;
                let mut to_char = |b: usize| {
                    if b >= last_byte {
                        last_char += text[last_byte..b].chars().count();
                    } else {
                        last_char = char_offset(text, b);
                    }
                    last_byte = b;
                    last_char as i64
                };
                let mut evidence = None;
                if let Some(r) = &res.evidence {
                    if res.evidence_sentence.is_none() {
                        evidence = Some((
                            text[r.clone()].to_string(),
                            to_char(r.start),
                            to_char(r.end),
                        ));
                    }
                }
                for (i, s) in res.sentences.iter().enumerate() {
                    let start = to_char(s.range.start);
                    let end = to_char(s.range.end);
                    let is_ev = res.evidence_sentence == Some(i);
                    if is_ev {
                        evidence = Some((text[s.range.clone()].to_string(), start, end));
                    }
                    let Some(probs) = s.probs else { continue };
                    if settings.write_sentences || settings.granularity == Granularity::Sentence {
                        sent_rows.push(SentenceRow {
                            id: id.clone(),
                            text_sha256: sha.clone(),
                            sentence_index: i as i32,
                            start,
                            end,
                            text: text[s.range.clone()].to_string(),
                            probs,
                            is_evidence: is_ev,
                        });
                    }
                }
                let (label, _) = crate::labels::argmax(&res.probs);
                *labels.entry(label.as_str().to_string()).or_insert(0) += 1;
                let (ev_text, ev_start, ev_end) = match evidence {
                    Some((t, s, e)) => (Some(t), Some(s), Some(e)),
                    None => (None, None, None),
                };
                pred_rows.push(PredictionRow {
                    id,
                    text_sha256: sha,
                    probs: res.probs,
                    date: doc.date,
                    actor: doc.actor,
                    speaker: doc.speaker,
                    source: doc.source,
                    evidence: ev_text,
                    evidence_start: ev_start,
                    evidence_end: ev_end,
                    n_sentences: res.sentences.len() as i32,
                    warning: doc.warning,
                    passthrough: doc.passthrough,
                    text: doc.text,
                });
            }
            counts.predictions += pred_rows.len() as u64;
            counts.sentences += sent_rows.len() as u64;
            reporter.advance(n_items);

            if stream_mode {
                let res = (|| -> std::io::Result<()> {
                    for slot in &slots {
                        let v = match slot {
                            Slot::Pred(i) => {
                                stream::prediction_json(&pred_rows[*i], &ctx, chunk.frame.as_ref())
                            }
                            Slot::Rej(i) => stream::reject_json(&rejects[*i], &ctx),
                        };
                        stream::write_line(stdout, &v)?;
                    }
                    stdout.flush()
                })();
                if let Err(e) = res {
                    failure = Some(RunError::Stdout(e));
                    break 'inputs;
                }
                continue;
            }

            let frames = (|| -> Result<Chunk, RunError> {
                let f = |table| move |source| RunError::Frame { table, source };
                let sentences = sentences_frame(&sent_rows, &ctx).map_err(f("sentences"))?;
                let predictions = if settings.granularity == Granularity::Sentence {
                    sentences.clone()
                } else {
                    predictions_frame(&pred_rows, chunk.frame.as_ref(), &ctx, &mut types)
                        .map_err(f("predictions"))?
                };
                Ok(Chunk {
                    predictions,
                    sentences: if settings.write_sentences {
                        sentences
                    } else {
                        DataFrame::empty()
                    },
                    rejects: rejects_frame(&rejects, &ctx).map_err(f("rejects"))?,
                })
            })();
            match frames {
                Ok(c) => {
                    if tx.send(c).is_err() {
                        // The writer died; its error is collected below.
                        break 'inputs;
                    }
                }
                Err(e) => {
                    failure = Some(e);
                    break 'inputs;
                }
            }
        }
    }
    drop(tx);
    reporter.end();
    counts.passthrough_nulls = types.coerced_to_null;

    // Collect the writer; its error wins over ours (it explains a broken channel).
    let writer = match writer_thread {
        Some(h) => match h.join() {
            Ok(Ok(w)) => Some(w),
            Ok(Err(e)) => return Err(e.into()),
            Err(_) => return Err(RunError::Writer),
        },
        None => None,
    };
    if let Some(e) = failure {
        if let Some(w) = &writer {
            w.discard_tmp();
        }
        return Err(e);
    }
    let elapsed_s = started.elapsed().as_secs_f64();
    let reject_rate_exceeded = counts.reject_rate() > settings.max_reject_rate;
    let mut summary = RunSummary {
        run_id: run_id.clone(),
        counts,
        labels,
        work,
        elapsed_s,
        manifest: None,
        interrupted,
        reject_rate_exceeded,
        abandoned_runs: abandoned,
    };
    if let Some(w) = writer {
        let chunks = w.chunks();
        let parts = w.parts.clone();
        let manifest = run_manifest(settings, model, &summary, &inputs, now, chunks, &parts);
        summary.manifest = Some(w.finish(&manifest)?);
    }
    Ok(summary)
}

#[allow(clippy::too_many_arguments)]
fn run_manifest(
    settings: &RunSettings,
    model: &StanceModel,
    s: &RunSummary,
    inputs: &[InputInfo],
    started: DateTime<Utc>,
    chunks: u32,
    parts: &[String],
) -> serde_json::Value {
    let c = &s.counts;
    let per_s = |x: f64| {
        if s.elapsed_s > 0.0 {
            x / s.elapsed_s
        } else {
            0.0
        }
    };
    serde_json::json!({
        "run_id": s.run_id,
        "status": if s.interrupted { "interrupted" } else { "completed" },
        "tool": {"name": "strait-stance", "version": env!("CARGO_PKG_VERSION")},
        "started_at": started.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "finished_at": Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "run_date": settings.run_date.unwrap_or_else(|| started.date_naive()).format("%Y-%m-%d").to_string(),
        "model": {
            "name": model.info.name,
            "dir": model.info.dir,
            "sha256": model.info.sha256,
            "verified": model.info.verified,
            "engine": model.info.engine,
            "precision": model.info.precision,
            "temperature": model.info.temperature,
        },
        "inputs": inputs,
        "settings": {
            "columns": {
                "text": settings.columns.text, "id": settings.columns.id,
                "date": settings.columns.date, "actor": settings.columns.actor,
                "speaker": settings.columns.speaker, "source": settings.columns.source,
            },
            "max_tokens": settings.classifier.max_tokens,
            "batch_size": settings.classifier.limits.max_rows,
            "max_batch_tokens": settings.classifier.limits.max_tokens,
            "segmentation": settings.classifier.segmentation,
            "chunk_rows": settings.chunk_rows,
            "reclassify": settings.reclassify,
            "shard": settings.shard,
            "granularity": settings.granularity,
            "max_reject_rate": settings.max_reject_rate,
            "threads": settings.threads,
        },
        "counts": c,
        "accounting": format!(
            "records_read {} = predictions {} + rejected {} + skipped {} + outside_shard {}",
            c.records_read, c.predictions, c.rejected, c.skipped(), c.outside_shard
        ),
        "labels": s.labels,
        "reject_rate": c.reject_rate(),
        "reject_rate_exceeded": s.reject_rate_exceeded,
        "timings": {
            "elapsed_s": s.elapsed_s,
            "tokenize_s": s.work.tokenize_s,
            "infer_s": s.work.infer_s,
            "statements_per_s": per_s(c.predictions as f64),
            "tokens_per_s": per_s(s.work.tokens as f64),
            "padding_overhead": if s.work.tokens > 0 { s.work.padded_tokens as f64 / s.work.tokens as f64 - 1.0 } else { 0.0 },
            "model_gflops": s.work.flops / 1e9,
            "model_gflop_per_s": if s.work.infer_s > 0.0 { s.work.flops / 1e9 / s.work.infer_s } else { 0.0 },
        },
        "work": s.work,
        "chunks_committed": chunks,
        "parts": parts,
        "abandoned_runs_recovered": s.abandoned_runs,
    })
}

/// The one-line summary printed at the end of a run.
pub fn summary_line(s: &RunSummary) -> String {
    let c = &s.counts;
    let mut per_label: Vec<String> = Vec::new();
    for l in Label::ALL {
        let n = s.labels.get(l.as_str()).copied().unwrap_or(0);
        per_label.push(format!("{} {n}", l.as_str()));
    }
    let _ = NUM_LABELS;
    format!(
        "{} {} statements ({} rejected, {} skipped{}) in {:.1}s, {:.1} statements/s; {}",
        if s.interrupted {
            "interrupted after"
        } else {
            "classified"
        },
        c.predictions,
        c.rejected,
        c.skipped(),
        if c.outside_shard > 0 {
            format!(", {} in other shards", c.outside_shard)
        } else {
            String::new()
        },
        s.elapsed_s,
        s.statements_per_s(),
        per_label.join(", ")
    )
}

/// True if `dir` looks like it holds a dataset (for CLI checks).
pub fn is_dataset(dir: &Path) -> bool {
    dir.join("predictions").is_dir() || dir.join("_runs").is_dir()
}
